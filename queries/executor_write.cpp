// Executor: CREATE. Writes nodes and relationships through GraphAccess and
// counts the side effects.
#include "queries/executor_internal.h"

#include <utility>

namespace kg::queries::detail {

graph::Properties Executor::EvalProperties(const ExprPtr& e, const Env& env) {
  graph::Properties props;
  if (!e) return props;
  Value m = Eval(*e, env);
  if (m.is_null()) return props;
  if (!m.is_map()) TypeFail("properties must be a map", e->span);
  for (const auto& [k, v] : m.as_map()) {
    if (v.is_null()) continue;
    auto g = ToGraphValue(v);
    if (!g) throw QueryError("TypeError", "InvalidPropertyType", "property '" + k + "' cannot hold a " + TypeName(v), e->span);
    if (v.is_list())
      for (const auto& item : v.as_list())
        if (item.is_list() || item.is_map())
          throw QueryError("TypeError", "InvalidPropertyType", "property '" + k + "' cannot hold nested collections", e->span);
    if (v.is_map()) throw QueryError("TypeError", "InvalidPropertyType", "property '" + k + "' cannot hold a map", e->span);
    props[k] = std::move(*g);
  }
  return props;
}

std::vector<Row> Executor::RunCreate(const PlanOp& op, Layout& layout, std::vector<Row> input) {
  for (const auto& v : op.new_variables) layout.Add(v);
  for (auto& row : input) {
    row.resize(layout.size());
    for (const auto& part : op.clause->patterns) {
      std::vector<NodeId> nodes;
      std::vector<RelId> rels;
      for (size_t i = 0; i < part.nodes.size(); ++i) {
        const auto& n = part.nodes[i];
        int slot = n.variable.empty() ? -1 : layout.Find(n.variable);
        Env env{&layout, &row};
        if (slot >= 0 && !row[slot].is_null()) {
          if (!row[slot].is_node()) TypeFail("'" + n.variable + "' is not a node", n.span);
          nodes.push_back(row[slot].as_node().id);
        } else {
          auto props = EvalProperties(n.properties, env);
          NodeId id = graph_->CreateNode(n.labels, props);
          effects_.nodes_created++;
          effects_.properties_set += static_cast<int64_t>(props.size());
          if (slot >= 0) row[slot] = Value(NodeRef{id});
          nodes.push_back(id);
        }
      }
      for (size_t i = 0; i < part.rels.size(); ++i) {
        const auto& r = part.rels[i];
        Env env{&layout, &row};
        auto props = EvalProperties(r.properties, env);
        NodeId a = nodes[i], b = nodes[i + 1];
        if (r.direction == Direction::kRightToLeft) std::swap(a, b);
        RelId id = graph_->CreateRelationship(a, b, r.types[0], props);
        effects_.relationships_created++;
        effects_.properties_set += static_cast<int64_t>(props.size());
        if (!r.variable.empty()) row[layout.Find(r.variable)] = Value(RelRef{id});
        rels.push_back(id);
      }
      if (!part.path_variable.empty()) row[layout.Find(part.path_variable)] = Value(PathValue{nodes, rels});
    }
  }
  return input;
}

}  // namespace kg::queries::detail
