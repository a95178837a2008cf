// Query engine front door: text -> lexer -> parser -> semantic analysis ->
// planner -> executor -> rows. kg supports a subset of the openCypher query
// language, tested against the openCypher TCK. Start reading at Engine::Run.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "graph/store.h"
#include "queries/error.h"
#include "queries/executor.h"
#include "queries/graph_access.h"

namespace kg::queries {

class Engine {
 public:
  // Reads (and, when allowed, writes) through `store`, which must outlive the engine.
  explicit Engine(graph::Store& store);
  // Runs over another graph implementation (a CSR view, a test double).
  explicit Engine(GraphAccess& graph);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs one query. A query with CREATE is refused unless `allow_writes`;
  // the caller owns the transaction. Throws QueryError.
  QueryResult Run(std::string_view text, const Params& params = {}, bool allow_writes = false);
  // The plan Run would execute, one operator per line.
  std::string Explain(std::string_view text);

  GraphAccess& graph() { return *graph_; }

 private:
  std::unique_ptr<GraphAccess> owned_;
  GraphAccess* graph_;
};

// Parses a --param value: a literal expression (number, string, list, map...).
Value ParseParameterValue(std::string_view text);

}  // namespace kg::queries
