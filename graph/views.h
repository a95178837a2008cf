// GraphView: an immutable compressed-sparse-row view of the whole stored
// graph for traversals (neighbours, reachability, shortest paths) that must not
// go back to SQLite for every hop. Persisted next to the database as a sidecar
// cache (`<db>.view`) and memory-mapped, so a cold process pays only for the
// pages it touches. Paths are searched with Boost.Graph's breadth-first search.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graph/store.h"

namespace kg::graph {

// Dense position of a node in the view: 0..num_nodes()-1, ascending NodeId.
using VertexIndex = uint32_t;
// Interned relationship type and node label: 0..n-1, ascending by name.
using TypeId = uint32_t;
using LabelId = uint32_t;

// The view cache could not be trusted (bad checksum, truncated, wrong format).
class ViewCacheError : public StorageError {
 public:
  using StorageError::StorageError;
};

// Which relationship types a traversal may follow. Default: every type.
class TypeFilter {
 public:
  TypeFilter() = default;
  bool any() const { return any_; }
  bool Allows(TypeId type) const { return any_ || (type < allowed_.size() && allowed_[type]); }

 private:
  friend class GraphView;
  bool any_ = true;
  std::vector<uint8_t> allowed_;
};

// One relationship seen from a node.
struct Neighbour {
  RelId rel = 0;
  NodeId node = 0;  // the far end
  TypeId type = 0;
  bool outgoing = true;  // true when the node asked about is the start
};

// A path of length() hops: nodes[0] -rels[0]- nodes[1] ... ; nodes.size() ==
// rels.size() + 1. A relationship may be walked against its direction when
// the search direction allows it.
struct Path {
  std::vector<NodeId> nodes;
  std::vector<RelId> rels;
  size_t length() const { return rels.size(); }
  bool operator==(const Path&) const = default;
};

// Where a view came from, for diagnostics and tests.
enum class ViewSource { kCache, kBuiltAndCached, kBuiltInMemory };

struct ViewStorage;  // the bytes behind a GraphView (mapping or image)

class GraphView {
 public:
  // Returns the view of `store` at its current GraphVersion(): the sidecar
  // cache when it is valid (format, checksum, db file identity, graph version),
  // otherwise a view built from the store and written to the cache atomically
  // (temp file + rename). A cache that cannot be written (read-only directory,
  // in-memory database) is skipped silently. A corrupt cache is rebuilt.
  // Inside an open write transaction the view includes the uncommitted
  // writes and is built in memory, never cached.
  // Throws StorageError when the store cannot be read.
  static std::unique_ptr<GraphView> Open(const Store& store);
  // Builds the view in memory without touching any cache file.
  static std::unique_ptr<GraphView> Build(const Store& store);
  // The sidecar path used for the database at `db_path`.
  static std::string CachePath(const std::string& db_path);

  // Construction goes through Open() or Build(); the tag keeps it private.
  class ConstructionTag {
    friend class GraphView;
    ConstructionTag() = default;
  };
  explicit GraphView(ConstructionTag);
  GraphView(const GraphView&) = delete;
  GraphView& operator=(const GraphView&) = delete;
  ~GraphView();

  // Thread safety: every const member may be called from several threads.
  //
  // Corruption: a view mapped from the cache checks each part of the file
  // the first time a call needs it. A corrupt part makes that call throw
  // ViewCacheError after deleting the file: Open() again to rebuild.

  size_t num_nodes() const { return num_nodes_; }
  size_t num_relationships() const { return num_rels_; }
  int64_t graph_version() const { return graph_version_; }
  ViewSource source() const { return source_; }

  std::optional<VertexIndex> IndexOf(NodeId id) const;
  NodeId IdOf(VertexIndex v) const { return Id(v); }
  // The node's name column (its `name` property when that is a string);
  // nullopt when the column is NULL (no name, or a name that is not a string).
  // Valid as long as the view.
  std::optional<std::string_view> NameOf(VertexIndex v) const;

  // Interned names. The *Of lookups return nullopt for an unknown name.
  const std::vector<std::string>& type_names() const { return type_names_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  std::optional<TypeId> TypeOf(std::string_view name) const;
  std::optional<LabelId> LabelOf(std::string_view name) const;
  // Allows exactly `types` (unknown names match nothing); empty = every type.
  TypeFilter Types(const std::vector<std::string>& types) const;

  // Relationships of `node` in ascending relationship id; kBoth lists a
  // self-loop once. Unknown node: empty.
  std::vector<Neighbour> Neighbours(NodeId node, Direction dir, const TypeFilter& types = {}) const;
  // Number of Neighbours() entries, without building them.
  size_t Degree(NodeId node, Direction dir, const TypeFilter& types = {}) const;

  // Nodes carrying `label`, ascending. Unknown label: empty.
  std::vector<NodeId> NodesWithLabel(std::string_view label) const;
  bool HasLabel(VertexIndex v, LabelId label) const;
  std::span<const LabelId> LabelsOf(VertexIndex v) const;

  // Breadth-first reachability from `start` following `dir`: every node whose
  // hop distance d satisfies 0 <= d <= max_hops, each once, with d, in
  // discovery order (the start first, at 0).
  std::vector<std::pair<NodeId, int>> Reachable(NodeId start, Direction dir, int max_hops,
                                                const TypeFilter& types = {}) const;

  // One shortest path from `from` to `to` of at most `max_hops` hops
  // (bidirectional breadth-first search). nullopt when there is none or a
  // node is unknown; from == to gives the empty path. Among several shortest
  // paths the result is deterministic but unspecified.
  std::optional<Path> ShortestPath(NodeId from, NodeId to, Direction dir, int max_hops,
                                   const TypeFilter& types = {}) const;
  // Every shortest path (parallel relationships give distinct paths), sorted
  // by their relationship ids, at most `limit` of them.
  std::vector<Path> AllShortestPaths(NodeId from, NodeId to, Direction dir, int max_hops,
                                     const TypeFilter& types = {}, size_t limit = 1000) const;

  // Raw compressed-sparse-row arrays for hot loops. For vertex v, the
  // positions offsets[v]..offsets[v+1]-1 index `nodes` (the far end),
  // `rels` (index into rel_ids()) and `types`, ascending by relationship id.
  struct Csr {
    std::span<const uint64_t> offsets;
    std::span<const VertexIndex> nodes;
    std::span<const uint32_t> rels;
    std::span<const TypeId> types;
  };
  Csr out() const;
  Csr in() const;
  std::span<const NodeId> node_ids() const;
  std::span<const RelId> rel_ids() const;

 private:
  void Attach(std::unique_ptr<ViewStorage> storage);
  // Checks the cache sections in `mask` (bits of the file's section
  // numbers) on first use; throws ViewCacheError when one is corrupt.
  void Require(uint32_t mask) const;
  // Checks bytes [begin, end) of one section on first use.
  void RequireRange(size_t section, uint64_t begin, uint64_t end) const;
  // The checked CSR range [begin, end) of v, out or in.
  std::pair<uint64_t, uint64_t> Entries(VertexIndex v, bool out, bool with_types, bool with_rels) const;
  NodeId Id(VertexIndex v) const { return dense_ids_ ? first_node_id_ + v : node_ids_[v]; }
  RelId RelAt(uint32_t r) const { return dense_rels_ ? first_rel_id_ + r : rel_ids_[r]; }

  std::unique_ptr<ViewStorage> storage_;
  ViewSource source_ = ViewSource::kBuiltInMemory;
  size_t num_nodes_ = 0, num_rels_ = 0;
  int64_t graph_version_ = 0;
  const NodeId* node_ids_ = nullptr;
  const RelId* rel_ids_ = nullptr;
  const uint64_t *out_off_ = nullptr, *in_off_ = nullptr;
  const VertexIndex *out_nodes_ = nullptr, *in_nodes_ = nullptr;
  const uint32_t *out_rels_ = nullptr, *in_rels_ = nullptr;
  const TypeId *out_types_ = nullptr, *in_types_ = nullptr;
  const uint64_t *label_off_ = nullptr, *node_label_off_ = nullptr;
  const VertexIndex* label_nodes_ = nullptr;
  const LabelId* node_labels_ = nullptr;
  const uint64_t* name_off_ = nullptr;
  const char* name_bytes_ = nullptr;
  const VertexIndex* self_loops_ = nullptr;
  size_t num_self_loops_ = 0;
  bool dense_ids_ = false, dense_rels_ = false;
  NodeId first_node_id_ = 0;
  RelId first_rel_id_ = 0;
  std::vector<std::string> type_names_, label_names_;

};

}  // namespace kg::graph
