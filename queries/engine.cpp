// Engine: the pipeline on one screen.
#include "queries/engine.h"

#include "queries/parser.h"
#include "queries/planner.h"
#include "queries/semantic.h"

namespace kg::queries {

Engine::Engine(graph::Store& store) : owned_(std::make_unique<StoreGraph>(store)), graph_(owned_.get()) {}

Engine::Engine(GraphAccess& graph) : graph_(&graph) {}

namespace {

QueryResult ExplainResult(const Plan& plan) {
  QueryResult result;
  result.columns = {"plan"};
  std::string text = plan.ToString();
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    result.rows.push_back({Value(text.substr(start, end - start))});
    start = end + 1;
  }
  return result;
}

}  // namespace

QueryResult Engine::Run(std::string_view text, const Params& params, bool allow_writes) {
  auto query = std::make_shared<const ast::Query>(Parse(text));  // lexer + parser
  Analyze(*query);                                                // semantic analysis
  Plan plan = BuildPlan(query);                                   // planner
  if (query->explain) return ExplainResult(plan);                 // EXPLAIN ...: the plan as rows
  if (plan.writes && !allow_writes)
    throw QueryError("SemanticError", "", "this query writes to the graph; run it with --write");
  return Execute(plan, *graph_, params);                          // executor
}

std::string Engine::Explain(std::string_view text) {
  auto query = std::make_shared<const ast::Query>(Parse(text));
  Analyze(*query);
  return BuildPlan(query).ToString();
}

Value ParseParameterValue(std::string_view text) {
  auto expr = ParseExpression(text);
  return EvaluateConstant(*expr, {});
}

}  // namespace kg::queries
