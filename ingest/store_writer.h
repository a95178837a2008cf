// Store stage: writes one Extraction into the graph, all or nothing.
// Entities are merged with existing nodes by name or alias (same label);
// a relationship seen again gains one more piece of evidence; the content
// hash of the normalized text makes re-ingesting an article a no-op.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/store.h"
#include "ingest/text_index.h"
#include "ingest/types.h"

namespace kg::ingest {

struct WriteStats {
  bool unchanged = false;  // the article was already in the store
  graph::ArticleId article = 0;
  int64_t entities_added = 0, relations_added = 0, quotes_added = 0;
};

// Hex digest of `text` (two 64-bit FNV-1a variants), stable across runs.
std::string ContentHash(std::string_view text);

class GraphWriter {
 public:
  // `store` must outlive the writer; caches node ids, aliases and
  // relationships between articles, so it must be the store's only writer
  // while it is in use. A relationship of one of `symmetric_types`
  // (RuleSet::symmetric_types(): COMPETES_WITH, PARTNER_OF) between A and B
  // is the same as one between B and A.
  GraphWriter(graph::Store& store, std::set<std::string> symmetric_types);

  // The secondary indexes this writer never reads: a bulk load may drop them
  // for its duration (graph::Store::DropIndexes) and restore them at the end.
  std::vector<std::string> UnreadIndexes() const;

  // Writes `ex` in a transaction of its own, or, when the store already has
  // one open, inside it without a savepoint: a failure then leaves that
  // transaction half written and the caller must roll it back.
  WriteStats Write(const Extraction& ex);

 private:
  // How EntityNode looks a record up in written_records_: the index into
  // entity_types_ of its type, and its RecordKey.
  struct RecordLookup {
    uint32_t type = 0;
    std::string key;
  };
  // The node of `e`, looked up as `record`; `created` says whether it is new.
  graph::NodeId EntityNode(const EntityRecord& e, const RecordLookup& record, bool& created);
  // The key of `e` in written_records_: its name, then each alias after its
  // size (four bytes).
  static void RecordKey(const EntityRecord& e, std::string& key);
  // The node of `e` by its normalized name or an alias, created if none.
  graph::NodeId ResolveEntity(const EntityRecord& e, bool& created);
  // The relationship `type` (an index into types_) from `a` to `b`, or when
  // `symmetric` the one from `b` to `a`; created if neither exists.
  graph::RelId Relate(graph::NodeId a, graph::NodeId b, uint32_t type, const graph::Properties& props,
                      bool symmetric, bool& created);
  // The index into types_ of the relationship type `name`, added if new.
  uint32_t TypeIndex(const std::string& name);
  // Makes edges_ hold the `type` relationships out of `node` that were in
  // the store before the writer: read once, the first time they are asked for.
  void LoadOutEdges(graph::NodeId node, uint32_t type);

  // A node this writer has met. Its aliases are in known_aliases_.
  struct KnownNode {
    graph::NodeId id = 0;
    // The node's properties as last written: those it was created with, or
    // for a node from before the writer, read from the store when the writer
    // first adds an alias to it (only this writer changes them).
    std::optional<graph::Properties> props;
    std::string type;  // the label of a node this writer created for an entity
  };
  // Whether known_[k] has the alias `a`.
  bool HasAlias(uint32_t k, std::string_view a) const;
  void AddKnownAlias(uint32_t k, std::string_view a);
  // store_.AddAlias(id, alias), noted in alias_nodes_ too.
  void AddAliasRow(graph::NodeId id, const std::string& alias);
  // The KnownNode of `id` (its aliases read from the store the first time).
  uint32_t Known(graph::NodeId id);
  // known_of_[id], kNotKnown when `id` has no KnownNode yet.
  uint32_t KnownIndex(graph::NodeId id) const;
  static constexpr uint32_t kNotKnown = UINT32_MAX;
  // The index into entity_types_ of the entity type `type`, added if new.
  uint32_t EntityTypeIndex(const std::string& type);

  graph::Store& store_;
  const std::set<std::string> symmetric_types_;
  std::unordered_map<std::string, graph::NodeId> node_cache_;  // type \t normalized name
  std::vector<KnownNode> known_;
  // Node id -> index into known_, or kNotKnown: a vector, as node ids are
  // dense (SQLite numbers new rows from the largest id plus one).
  std::vector<uint32_t> known_of_;
  // The aliases of each KnownNode: (index into known_, alias) -> 0.
  TextIndex known_aliases_;
  std::vector<std::string> entity_types_;  // the types of the entities written, few
  // (index into entity_types_, name as written) -> index into known_, in
  // front of node_cache_.
  TextIndex written_names_;
  // (index into entity_types_, name and aliases of a record) -> index into
  // known_, in front of written_names_: a record written again costs one
  // lookup instead of one for its name and one for each alias (2,000 bench
  // articles: 228K records, 490K lookups before, 293K now; each lookup
  // waits for memory two or three times).
  TextIndex written_records_;
  std::vector<RecordLookup> records_;  // of the article's records, their keys' buffers kept
  // The relationship types met so far, and whether each is one of
  // symmetric_types_.
  struct RelType {
    std::string name;
    bool symmetric = false;
  };
  std::vector<RelType> types_;
  // (start, end, type) -> the relationship this writer found or made. One
  // open-addressing table: a lookup reads one or two cache lines, where
  // nested hash maps (type -> start -> end) read six or more.
  class EdgeIndex {
   public:
    // The relationship, or 0 when there is none.
    graph::RelId Find(graph::NodeId start, graph::NodeId end, uint32_t type) const;
    // Adds it; keeps the one already there, if any.
    void Add(graph::NodeId start, graph::NodeId end, uint32_t type, graph::RelId id);

   private:
    struct Slot {
      graph::NodeId start = 0, end = 0;
      graph::RelId id = 0;  // 0: empty (SQLite's ids start at 1)
      uint32_t type = 0;
    };
    size_t SlotOf(graph::NodeId start, graph::NodeId end, uint32_t type) const;
    std::vector<Slot> slots_;  // a power of two of them, at most 3/4 used
    size_t used_ = 0;
  };
  EdgeIndex edges_;
  // (node, type) whose relationships from before the writer LoadOutEdges
  // has read; without no_old_rels_ only.
  std::set<std::pair<graph::NodeId, uint32_t>> loaded_out_edges_;
  // The store's largest node id plus one when the writer was made: the nodes
  // from here on are those the writer created (it is the only writer, and
  // SQLite numbers new rows from the largest id plus one).
  graph::NodeId first_new_node_ = 1;
  // Quote text -> its :Quote node, as the first lookup (or creation) found it.
  std::unordered_map<std::string, graph::NodeId> quote_nodes_;
  // The store had no node when the writer was made: every node is one this
  // writer created, with one label, and every alias one it added. Then
  // Known never reads a node's aliases from the store, alias_nodes_ answers
  // for FindByAlias and KnownNode::type for LabelsOf, and no node is named
  // as a quote that quote_nodes_ does not hold.
  bool no_old_nodes_ = false;
  // With no_old_nodes_: NormalizeName(alias) -> the nodes with that alias,
  // ascending (Store::FindByAlias).
  std::unordered_map<std::string, std::vector<graph::NodeId>> alias_nodes_;
  // The id of the next relationship the writer adds: the store's largest
  // plus one when the writer was made, then one more for each it added
  // (SQLite numbers new rows so, and this writer is the only one).
  graph::RelId next_rel_ = 1;
  // The relationships Relate made for the article being written, not yet in
  // the store; the first has id next_rel_.
  std::vector<graph::NewRelationship> new_rels_;
  // The store had no relationship when the writer was made: every one it has
  // is one Relate made and recorded, so LoadOutEdges never reads the store.
  bool no_old_rels_ = false;
  std::vector<graph::Evidence> evidence_;  // of the article being written
};

}  // namespace kg::ingest
