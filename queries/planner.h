// Planner: turns an analyzed AST into a Plan. Chooses, for each pattern,
// where to start (a bound variable, the name index for {name: ...} or
// WHERE x.name = ..., the label index, or all nodes) and so which way to walk.
#pragma once

#include <memory>

#include "queries/ast.h"
#include "queries/plan.h"

namespace kg::queries {

// REQUIRES: Analyze(*query) succeeded.
Plan BuildPlan(std::shared_ptr<const ast::Query> query);

}  // namespace kg::queries
