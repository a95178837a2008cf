// Semantic analysis: checks that a parsed query means something before any
// planning. Variables are bound before use and keep one kind (node,
// relationship, path, value); projections follow the aggregation rules;
// CREATE patterns are creatable; SKIP/LIMIT are constant; functions exist.
#pragma once

#include <map>
#include <string>

#include "queries/ast.h"

namespace kg::queries {

// kValue: any value (could hold a node); kScalar: a value known not to be a
// node, relationship or path (from a literal, list or map expression).
// kList: a list literal (may hold relationships, never is a node).
enum class VarKind { kNode, kRelationship, kRelationshipList, kPath, kValue, kScalar, kList };

// Throws QueryError(SyntaxError, <TCK detail>) at the first problem found.
void Analyze(const ast::Query& query);

// Functions the engine knows, lower-case name -> {min args, max args}
// (max -1 = any number).
const std::map<std::string, std::pair<int, int>>& KnownFunctions();

}  // namespace kg::queries
