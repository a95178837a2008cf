// Subgraph: the part of the graph an exporter writes, as sets of ids, so any
// producer (the whole graph, a neighbourhood, later a query's paths) can feed
// any exporter (DOT, SVG, JSON, GraphML, neo4j-admin CSV).
#pragma once

#include <functional>
#include <vector>

#include "graph/store.h"

namespace kg::graph {

struct Subgraph {
  // True: every node and relationship of the store (the id lists are unused).
  bool whole = false;
  std::vector<NodeId> nodes;         // ascending, unique
  std::vector<RelId> relationships;  // ascending, unique; both ends are in `nodes`

  static Subgraph Whole() {
    Subgraph s;
    s.whole = true;
    return s;
  }
  // From any ids, in any order, duplicates allowed: sorts them, drops ids
  // that do not exist, and adds the end nodes of the relationships.
  static Subgraph Of(const Store& store, std::vector<NodeId> nodes, std::vector<RelId> relationships);
};

// The nodes within `depth` hops of `seeds` (relationships followed in both
// directions) and every relationship between two of them.
Subgraph Neighbourhood(const Store& store, const std::vector<NodeId>& seeds, int depth);

// Visits the nodes / relationships of `subgraph` in ascending id order.
void ForEachNodeIn(const Store& store, const Subgraph& subgraph,
                   const std::function<void(const Node&)>& fn);
void ForEachRelationshipIn(const Store& store, const Subgraph& subgraph,
                           const std::function<void(const Relationship&)>& fn);

}  // namespace kg::graph
