// Subgraph construction (breadth-first over Store::EdgesOf) and iteration.
#include "graph/subgraph.h"

#include <algorithm>
#include <unordered_map>

namespace kg::graph {

namespace {
template <typename T>
void SortUnique(std::vector<T>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}
}  // namespace

Subgraph Subgraph::Of(const Store& store, std::vector<NodeId> nodes,
                      std::vector<RelId> relationships) {
  Subgraph s;
  SortUnique(relationships);
  for (RelId id : relationships) {
    auto rel = store.GetRelationship(id);
    if (!rel) continue;
    s.relationships.push_back(id);
    nodes.push_back(rel->start);
    nodes.push_back(rel->end);
  }
  SortUnique(nodes);
  for (NodeId id : nodes)
    if (store.NodeExists(id)) s.nodes.push_back(id);
  return s;
}

Subgraph Neighbourhood(const Store& store, const std::vector<NodeId>& seeds, int depth) {
  std::unordered_map<NodeId, int> dist;
  std::vector<NodeId> frontier;
  for (NodeId seed : seeds)
    if (store.NodeExists(seed) && dist.emplace(seed, 0).second) frontier.push_back(seed);
  for (int level = 0; level < depth && !frontier.empty(); ++level) {
    std::vector<NodeId> next;
    for (NodeId node : frontier)
      for (const Edge& e : store.EdgesOf(node, Direction::kBoth))
        if (dist.emplace(e.other, level + 1).second) next.push_back(e.other);
    frontier = std::move(next);
  }
  Subgraph s;
  for (const auto& [node, d] : dist) s.nodes.push_back(node);
  std::sort(s.nodes.begin(), s.nodes.end());
  // Induced: every relationship whose two ends were reached.
  for (NodeId node : s.nodes)
    for (const Edge& e : store.EdgesOf(node, Direction::kOut))
      if (dist.count(e.other)) s.relationships.push_back(e.id);
  SortUnique(s.relationships);
  return s;
}

void ForEachNodeIn(const Store& store, const Subgraph& subgraph,
                   const std::function<void(const Node&)>& fn) {
  if (subgraph.whole) return store.ForEachNode(fn);
  for (NodeId id : subgraph.nodes)
    if (auto node = store.GetNode(id)) fn(*node);
}

void ForEachRelationshipIn(const Store& store, const Subgraph& subgraph,
                           const std::function<void(const Relationship&)>& fn) {
  if (subgraph.whole) return store.ForEachRelationship(fn);
  for (RelId id : subgraph.relationships)
    if (auto rel = store.GetRelationship(id)) fn(*rel);
}

}  // namespace kg::graph
