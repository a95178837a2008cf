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
  constexpr size_t kBulkAfter = 2048;
  if (!all_names_loaded_ && ++name_reads_ == kBulkAfter) all_names_loaded_ = LoadAllNames();
  bool found = false;
  if (all_names_loaded_) {
    if (id >= name_base_ && static_cast<uint64_t>(id - name_base_) < name_at_.size()) {
      auto [start, len] = name_at_[static_cast<size_t>(id - name_base_)];
      if (len != kNoName) {
        name_ = graph::Value(names_.substr(start, len));
        found = true;
      }
    }
  } else {
    if (!name_stmt_) name_stmt_ = std::make_unique<graph::Statement>(store_.db(), "SELECT name FROM nodes WHERE id=?1");
    auto& st = *name_stmt_;
    st.Bind(1, id);
    if (st.Step() && !st.IsNull(0)) {
      name_ = graph::Value(std::string(st.ColumnView(0)));
      found = true;
    }
    st.Reset();
  }
  if (found) return &name_;
  // NULL column: no node (PropertiesOf throws), or a name that is not a string.
  return GraphAccess::NodeProperty(id, key);
}

// Loads the name column into a table indexed by node id; declines (false)
// when ids are too sparse for one.
bool StoreGraph::LoadAllNames() {
  graph::Statement range(store_.db(), "SELECT min(id), max(id), count(*) FROM nodes");
  if (!range.Step() || range.IsNull(0)) return false;
  NodeId lo = range.ColumnInt(0), hi = range.ColumnInt(1);
  uint64_t count = static_cast<uint64_t>(range.ColumnInt(2));
  uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  if (span > 4 * count + 1024) return false;
  name_base_ = lo;
  name_at_.assign(static_cast<size_t>(span), {0, kNoName});
  graph::Statement scan(store_.db(), "SELECT id, name FROM nodes WHERE name IS NOT NULL");
  while (scan.Step()) {
    NodeId id = scan.ColumnInt(0);
    std::string_view name = scan.ColumnView(1);
    if (id < lo || id > hi || names_.size() + name.size() >= kNoName) return false;
    name_at_[static_cast<size_t>(id - lo)] = {static_cast<uint32_t>(names_.size()), static_cast<uint32_t>(name.size())};
    names_.append(name);
  }
  return true;
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
