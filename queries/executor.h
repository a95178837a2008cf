// Executor: runs a Plan against a GraphAccess and returns the rows. Reads
// the graph lazily (anchors through the indexes, expansion per node), so a
// query touching a small part of a large graph reads a small part.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "queries/graph_access.h"
#include "queries/plan.h"
#include "queries/value.h"

namespace kg::queries {

using Params = std::map<std::string, Value>;

// What a query changed, in the TCK's terms.
struct SideEffects {
  int64_t nodes_created = 0;
  int64_t relationships_created = 0;
  int64_t properties_set = 0;
  int64_t labels_added = 0;  // distinct label names new to the graph
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  SideEffects effects;
};

// Throws QueryError for runtime errors (TypeError, ArgumentError, ...).
// REQUIRES: `graph` is writable when plan.writes.
QueryResult Execute(const Plan& plan, GraphAccess& graph, const Params& params);

// Evaluates an expression without variables (parameter values, literals).
Value EvaluateConstant(const ast::Expr& expr, const Params& params);

}  // namespace kg::queries
