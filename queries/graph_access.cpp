// StoreGraph: GraphAccess over graph::Store with per-query caches.
#include "queries/graph_access.h"

#include <algorithm>

#include "queries/error.h"

namespace kg::queries {

const graph::Node& StoreGraph::GetNode(NodeId id) {
  auto it = nodes_.find(id);
  if (it != nodes_.end()) return it->second;
  auto node = store_.GetNode(id);
  if (!node) throw QueryError("EntityNotFound", "", "node " + std::to_string(id) + " does not exist");
  return nodes_.emplace(id, std::move(*node)).first->second;
}

const graph::Relationship& StoreGraph::GetRelationship(RelId id) {
  auto it = rels_.find(id);
  if (it != rels_.end()) return it->second;
  auto rel = store_.GetRelationship(id);
  if (!rel) throw QueryError("EntityNotFound", "", "relationship " + std::to_string(id) + " does not exist");
  return rels_.emplace(id, std::move(*rel)).first->second;
}

const graph::Properties& StoreGraph::PropertiesOf(NodeId id) {
  auto it = nodes_.find(id);
  if (it != nodes_.end()) return it->second.props;
  auto pit = props_.find(id);
  if (pit != props_.end()) return pit->second;
  auto props = store_.NodeProperties(id);
  if (!props) throw QueryError("EntityNotFound", "", "node " + std::to_string(id) + " does not exist");
  return props_.emplace(id, std::move(*props)).first->second;
}

const std::vector<std::string>& StoreGraph::LabelsOf(NodeId id) {
  auto it = nodes_.find(id);
  if (it != nodes_.end()) return it->second.labels;
  auto lit = labels_.find(id);
  if (lit != labels_.end()) return lit->second;
  return labels_.emplace(id, store_.LabelsOf(id)).first->second;
}

const graph::Value* StoreGraph::NodeProperty(NodeId id, const std::string& key) {
  if (key != "name" || nodes_.count(id) || props_.count(id)) return GraphAccess::NodeProperty(id, key);
  // Single reads cost one indexed lookup each; past this many, one scan of
  // the whole column is cheaper than continuing one by one.
  constexpr size_t kBulkAfter = 512;
  auto it = names_.find(id);
  if (it == names_.end() && !all_names_loaded_ && ++name_reads_ > kBulkAfter) {
    graph::Statement scan(store_.db(), "SELECT id, name FROM nodes WHERE name IS NOT NULL");
    while (scan.Step()) names_.try_emplace(scan.ColumnInt(0), graph::Value(scan.ColumnText(1)));
    all_names_loaded_ = true;
    it = names_.find(id);
  }
  if (it == names_.end()) {
    if (all_names_loaded_) {
      it = names_.emplace(id, std::nullopt).first;
    } else {
      if (!name_stmt_) name_stmt_ = std::make_unique<graph::Statement>(store_.db(), "SELECT name FROM nodes WHERE id=?1");
      auto& st = *name_stmt_;
      st.Bind(1, id);
      std::optional<graph::Value> name;
      if (st.Step() && !st.IsNull(0)) name = graph::Value(st.ColumnText(0));
      st.Reset();
      it = names_.emplace(id, std::move(name)).first;
    }
  }
  if (it->second) return &*it->second;
  // NULL column: no node (PropertiesOf throws), or a name that is not a string.
  return GraphAccess::NodeProperty(id, key);
}

int32_t StoreGraph::TypeCode(const std::string& type) {
  auto it = type_codes_.find(type);
  if (it != type_codes_.end()) return it->second;
  type_names_.push_back(type);
  return type_codes_[type] = static_cast<int32_t>(type_names_.size() - 1);
}

std::vector<EdgeRef> StoreGraph::Expand(NodeId node, graph::Direction dir, const std::vector<std::string>& types) {
  std::vector<EdgeRef> out;
  auto add = [&](const std::vector<graph::Edge>& edges) {
    for (const auto& e : edges) out.push_back({e.id, e.other, e.outgoing, TypeCode(e.type)});
  };
  if (types.empty()) {
    add(store_.EdgesOf(node, dir));
  } else {
    for (const auto& t : types) add(store_.EdgesOf(node, dir, t));
    if (types.size() > 1) {
      std::sort(out.begin(), out.end(), [](const EdgeRef& a, const EdgeRef& b) {
        return a.id != b.id ? a.id < b.id : a.outgoing > b.outgoing;
      });
      out.erase(std::unique(out.begin(), out.end(),
                            [](const EdgeRef& a, const EdgeRef& b) { return a.id == b.id && a.outgoing == b.outgoing; }),
                out.end());
    }
  }
  return out;
}

void StoreGraph::ForEachRelationship(const std::vector<std::string>& type_list,
                                     const std::function<void(RelId, NodeId, NodeId, int32_t)>& fn) {
  std::vector<std::string> types = type_list;
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  auto each = [&](RelId id, NodeId start, NodeId end, const std::string& type) { fn(id, start, end, TypeCode(type)); };
  if (types.empty()) {
    store_.ForEachEdge("", each);
    return;
  }
  // Several types: one scan each, merged by id so the order stays ascending.
  if (types.size() == 1) {
    store_.ForEachEdge(types[0], each);
    return;
  }
  std::vector<std::tuple<RelId, NodeId, NodeId, int32_t>> all;
  for (const auto& t : types)
    store_.ForEachEdge(t, [&](RelId id, NodeId start, NodeId end, const std::string& type) {
      all.emplace_back(id, start, end, TypeCode(type));
    });
  std::sort(all.begin(), all.end());
  for (const auto& [id, start, end, code] : all) fn(id, start, end, code);
}

NodeId StoreGraph::CreateNode(const std::vector<std::string>& labels, const graph::Properties& props) {
  NodeId id = store_.CreateNode(labels, props);
  graph::Node node;
  node.id = id;
  node.labels = labels;
  std::sort(node.labels.begin(), node.labels.end());
  node.labels.erase(std::unique(node.labels.begin(), node.labels.end()), node.labels.end());
  node.props = props;
  nodes_[id] = std::move(node);
  return id;
}

RelId StoreGraph::CreateRelationship(NodeId start, NodeId end, const std::string& type, const graph::Properties& props) {
  RelId id = store_.CreateRelationship(start, end, type, props);
  rels_[id] = graph::Relationship{id, start, end, type, props};
  return id;
}

}  // namespace kg::queries
