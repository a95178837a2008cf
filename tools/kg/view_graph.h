// ViewGraph: the query engine's GraphAccess with traversals served by the
// GraphView (CSR arrays, mmapped sidecar cache) instead of one SQL query per
// expanded node. Node and relationship properties still come from the store.
// Read-only: use StoreGraph for queries that write. The view is opened on the
// first Expand, so a query that never expands pays nothing for it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/views.h"
#include "queries/graph_access.h"

namespace kg::cli {

class ViewGraph : public queries::StoreGraph {
 public:
  explicit ViewGraph(graph::Store& store) : StoreGraph(store), store_(store) {}

  std::vector<queries::EdgeRef> Expand(graph::NodeId node, graph::Direction dir,
                                       const std::vector<std::string>& types) override {
    if (!view_) view_ = graph::GraphView::Open(store_);
    std::vector<graph::Neighbour> found;
    try {
      found = view_->Neighbours(node, dir, view_->Types(types));
    } catch (const graph::ViewCacheError&) {
      view_ = graph::GraphView::Open(store_);  // the corrupt cache file is gone: rebuild
      found = view_->Neighbours(node, dir, view_->Types(types));
    }
    std::vector<queries::EdgeRef> out;
    out.reserve(found.size());
    for (const auto& n : found) out.push_back({n.rel, n.node, n.outgoing});
    return out;
  }

 private:
  graph::Store& store_;
  std::unique_ptr<graph::GraphView> view_;
};

}  // namespace kg::cli
