// ViewGraph: the query engine's GraphAccess with traversals served by the
// GraphView (CSR arrays, mmapped sidecar cache) instead of one SQL query per
// expanded node. Node names come from the view's name column; other node and
// relationship properties still come from the store. Read-only: use
// StoreGraph for queries that write. The view is opened on the first call
// that needs it, so a query that never expands or reads a name pays nothing
// for it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "graph/views.h"
#include "queries/graph_access.h"

namespace kg::cli {

class ViewGraph : public queries::StoreGraph {
 public:
  explicit ViewGraph(graph::Store& store) : StoreGraph(store), store_(store) {}

  std::vector<queries::EdgeRef> Expand(graph::NodeId node, graph::Direction dir,
                                       const std::vector<std::string>& types) override {
    std::vector<graph::Neighbour> found =
        WithView([&] { return view_->Neighbours(node, dir, view_->Types(types)); });
    std::vector<queries::EdgeRef> out;
    out.reserve(found.size());
    for (const auto& n : found) out.push_back({n.rel, n.node, n.outgoing, CodeOf(n.type)});
    return out;
  }

  size_t Degree(graph::NodeId node, graph::Direction dir, const std::vector<std::string>& types) override {
    return WithView([&] { return view_->Degree(node, dir, view_->Types(types)); });
  }

  std::vector<graph::NodeId> AllNodes() override {
    return WithView([&] {
      std::vector<graph::NodeId> ids(view_->num_nodes());
      for (graph::VertexIndex v = 0; v < ids.size(); ++v) ids[v] = view_->IdOf(v);
      return ids;
    });
  }

  std::vector<graph::NodeId> NodesWithLabel(const std::string& label) override {
    return WithView([&] { return view_->NodesWithLabel(label); });
  }

  // `name` from the view; a NULL name column (no name, or one that is not a
  // string) falls back to the store's property map.
  const graph::Value* NodeProperty(graph::NodeId node, const std::string& key) override {
    if (key == "name") {
      auto name = WithView([&]() -> std::optional<std::string_view> {
        auto v = view_->IndexOf(node);
        return v ? view_->NameOf(*v) : std::nullopt;
      });
      if (name) {
        name_ = graph::Value(std::string(*name));
        return &name_;
      }
    }
    return StoreGraph::NodeProperty(node, key);
  }

  bool HasLabel(graph::NodeId node, const std::string& label) override {
    return WithView([&] {
      auto v = view_->IndexOf(node);
      auto l = view_->LabelOf(label);
      return v && l && view_->HasLabel(*v, *l);
    });
  }

 private:
  // Runs `fn` against the view, opening it first; a corrupt cache file is
  // deleted by the view, so the view is opened (rebuilt) again once.
  template <typename F>
  std::invoke_result_t<F&> WithView(F&& fn) {
    if (!view_) Reopen();
    try {
      return fn();
    } catch (const graph::ViewCacheError&) {
      Reopen();
      return fn();
    }
  }
  void Reopen() {
    view_ = graph::GraphView::Open(store_);
    codes_.clear();
    for (const auto& name : view_->type_names()) codes_.push_back(TypeCode(name));
  }
  // The StoreGraph type code of a view type id, so that type() needs no
  // relationship read.
  int32_t CodeOf(graph::TypeId type) const { return type < codes_.size() ? codes_[type] : -1; }

  graph::Store& store_;
  std::unique_ptr<graph::GraphView> view_;
  std::vector<int32_t> codes_;
  graph::Value name_;  // what NodeProperty last returned from the view
};

}  // namespace kg::cli
