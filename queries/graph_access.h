// GraphAccess: the only way the executor reaches the graph. A small
// interface (node by id, labels, properties, nodes by label or name, expand)
// so that a faster implementation (a CSR view) can replace the Store-backed
// one without touching the executor. StoreGraph reads lazily and caches what
// it read, so a point query reads a small part of a large graph.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/sqlite.h"
#include "graph/store.h"

namespace kg::queries {

using graph::NodeId;
using graph::RelId;

struct EdgeRef {
  RelId id = 0;
  NodeId other = 0;
  bool outgoing = true;  // true when the expanded node is the start
  int32_t type_code = -1;  // see GraphAccess::TypeName
};

class GraphAccess {
 public:
  virtual ~GraphAccess() = default;
  // REQUIRES: the node exists. The reference is valid until the next call
  // that creates or changes nodes.
  virtual const graph::Node& GetNode(NodeId id) = 0;
  virtual const graph::Relationship& GetRelationship(RelId id) = 0;
  // Properties only (cheaper than GetNode when labels are not needed).
  virtual const graph::Properties& PropertiesOf(NodeId id) = 0;
  // Labels only (cheaper than GetNode when properties are not needed).
  virtual const std::vector<std::string>& LabelsOf(NodeId id) = 0;
  virtual bool HasLabel(NodeId id, const std::string& label) {
    const auto& labels = LabelsOf(id);
    return std::binary_search(labels.begin(), labels.end(), label);
  }
  // The relationship type behind an EdgeRef::type_code.
  virtual const std::string& TypeName(int32_t type_code) = 0;
  virtual std::vector<NodeId> AllNodes() = 0;
  virtual std::vector<NodeId> NodesWithLabel(const std::string& label) = 0;
  virtual std::vector<NodeId> NodesNamed(const std::string& name) = 0;
  // Relationships of `node` in direction `dir`, any of `types` (empty = any),
  // ascending by relationship id; a self-loop appears once in kBoth.
  virtual std::vector<EdgeRef> Expand(NodeId node, graph::Direction dir, const std::vector<std::string>& types) = 0;
  // Number of Expand() entries (default: counts Expand).
  virtual size_t Degree(NodeId node, graph::Direction dir, const std::vector<std::string>& types) {
    return Expand(node, dir, types).size();
  }
  // One property of a node; nullptr when the node has no such property.
  // The pointer is valid until the next call on this object. Default: looks
  // it up in PropertiesOf.
  virtual const graph::Value* NodeProperty(NodeId id, const std::string& key) {
    const auto& props = PropertiesOf(id);
    auto it = props.find(key);
    return it == props.end() ? nullptr : &it->second;
  }
  virtual std::vector<std::string> AllLabels() = 0;
  // Every relationship of one of `types` (empty = any), ascending by id, as
  // (id, start, end, type_code).
  virtual void ForEachRelationship(const std::vector<std::string>& types,
                                   const std::function<void(RelId, NodeId, NodeId, int32_t)>& fn) = 0;

  // Writes (only with a writable store).
  virtual NodeId CreateNode(const std::vector<std::string>& labels, const graph::Properties& props) = 0;
  virtual RelId CreateRelationship(NodeId start, NodeId end, const std::string& type, const graph::Properties& props) = 0;
  // Evidence for why a node/relationship exists.
  virtual std::vector<graph::Evidence> EvidenceForNode(NodeId id) = 0;
  virtual std::vector<graph::Evidence> EvidenceForRelationship(RelId id) = 0;
};

class StoreGraph : public GraphAccess {
 public:
  explicit StoreGraph(graph::Store& store) : store_(store) {}
  const graph::Node& GetNode(NodeId id) override;
  const graph::Relationship& GetRelationship(RelId id) override;
  const std::vector<std::string>& LabelsOf(NodeId id) override;
  const graph::Properties& PropertiesOf(NodeId id) override;
  const std::string& TypeName(int32_t type_code) override { return type_names_[static_cast<size_t>(type_code)]; }
  std::vector<NodeId> AllNodes() override { return store_.AllNodeIds(); }
  std::vector<NodeId> NodesWithLabel(const std::string& label) override { return store_.NodesWithLabel(label); }
  std::vector<NodeId> NodesNamed(const std::string& name) override { return store_.NodesNamed(name); }
  std::vector<EdgeRef> Expand(NodeId node, graph::Direction dir, const std::vector<std::string>& types) override;
  // `name` is read from the indexed name column (which mirrors a string
  // props["name"]) without decoding the property map; after many single
  // reads the whole column is loaded in one scan.
  const graph::Value* NodeProperty(NodeId id, const std::string& key) override;
  std::vector<std::string> AllLabels() override { return store_.AllLabels(); }
  void ForEachRelationship(const std::vector<std::string>& types,
                           const std::function<void(RelId, NodeId, NodeId, int32_t)>& fn) override;
  NodeId CreateNode(const std::vector<std::string>& labels, const graph::Properties& props) override;
  RelId CreateRelationship(NodeId start, NodeId end, const std::string& type, const graph::Properties& props) override;
  std::vector<graph::Evidence> EvidenceForNode(NodeId id) override { return store_.EvidenceForNode(id); }
  std::vector<graph::Evidence> EvidenceForRelationship(RelId id) override { return store_.EvidenceForRelationship(id); }

 private:
  graph::Store& store_;
  std::unordered_map<NodeId, graph::Node> nodes_;
  std::unordered_map<RelId, graph::Relationship> rels_;
  std::unordered_map<NodeId, std::vector<std::string>> labels_;
  std::unordered_map<NodeId, graph::Properties> props_;
  std::vector<std::string> type_names_;
  std::unordered_map<std::string, int32_t> type_codes_;
  // The whole name column once loaded: for node id base + i, the bytes
  // [start, start + len) of names_ (len kNoName: NULL).
  static constexpr uint32_t kNoName = UINT32_MAX;
  std::string names_;
  std::vector<std::pair<uint32_t, uint32_t>> name_at_;
  NodeId name_base_ = 0;
  bool all_names_loaded_ = false;
  size_t name_reads_ = 0;
  std::unique_ptr<graph::Statement> name_stmt_;
  graph::Value name_;  // what NodeProperty last returned
  bool LoadAllNames();

 protected:
  int32_t TypeCode(const std::string& type);
};

}  // namespace kg::queries
