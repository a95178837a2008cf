// Plan: what the executor runs, as plain data. One list of operators per
// part of a UNION. Operators borrow expressions and patterns from the AST
// (held alive by the plan); the planner's decisions are the anchor of each
// pattern (bound variable, name index, label index or a scan) and the
// direction each pattern is walked in.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "queries/ast.h"

namespace kg::queries {

// kRelationshipScan: the pattern starts with an unconstrained node and a
// single relationship, so one scan of the relationships replaces expanding
// every node.
enum class AnchorKind { kBoundVariable, kNameIndex, kLabelIndex, kAllNodes, kRelationshipScan };

// One pattern part, walked from `reversed ? last : first` node.
struct PatternStep {
  const ast::PatternPart* part = nullptr;
  bool reversed = false;
  AnchorKind anchor = AnchorKind::kAllNodes;
  ast::ExprPtr anchor_name;   // kNameIndex: the expression giving the name
  std::string anchor_label;   // kLabelIndex
  // Set when only the distinct end nodes of the pattern matter downstream
  // (DISTINCT or count(DISTINCT ...) next): a variable-length hop is then a
  // breadth-first reachability search that visits each node once.
  bool distinct_ends = false;
  // WHERE conjuncts that only use variables bound once this step's anchor
  // node is bound: checked right there, before expanding (filter pushdown).
  std::vector<ast::ExprPtr> early_filters;
};

enum class OpKind { kMatch, kOptionalMatch, kCreate, kUnwind, kProject };

struct PlanOp {
  OpKind kind;
  const ast::Clause* clause = nullptr;
  std::vector<PatternStep> steps;  // kMatch / kOptionalMatch
  // WHERE type(r) = 'T' conjuncts of the MATCH, by relationship variable: a
  // hop of r with no type of its own expands only type T (the WHERE is still
  // checked; this only skips rows it would reject).
  std::map<std::string, std::vector<std::string>> where_types;
  // Variables this operator introduces (in slot order).
  std::vector<std::string> new_variables;
};

struct SinglePlan {
  std::vector<PlanOp> ops;
  std::vector<std::string> columns;  // the final RETURN columns (empty without RETURN)
};

struct Plan {
  std::shared_ptr<const ast::Query> query;  // owns what the operators point into
  std::vector<SinglePlan> parts;
  std::vector<bool> union_all;
  bool writes = false;
  // One operator per line, indented by union part (for --explain).
  std::string ToString() const;
};

}  // namespace kg::queries
