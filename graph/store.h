// Store: the SQLite property graph with provenance, kg's source of truth.
// Nodes (labels, properties), relationships (start, end, type, properties),
// articles, evidence linking facts to sentences, and an alias index.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "graph/sqlite.h"
#include "graph/value.h"

namespace kg::graph {

using NodeId = int64_t;
using RelId = int64_t;
using ArticleId = int64_t;

// The schema version this build writes (PRAGMA user_version).
inline constexpr int kSchemaVersion = 3;
// The oldest schema version a read-only Store reads as it is (it cannot
// migrate): its tables are those of kSchemaVersion, only its indexes differ.
inline constexpr int kOldestReadableVersion = 2;

struct Node {
  NodeId id = 0;
  std::vector<std::string> labels;  // sorted
  Properties props;
};

struct Relationship {
  RelId id = 0;
  NodeId start = 0;
  NodeId end = 0;
  std::string type;
  Properties props;
};

// One adjacency entry as seen from a node.
struct Edge {
  RelId id = 0;
  NodeId other = 0;  // the node at the far end
  std::string type;
  bool outgoing = true;  // true when the node is the start
};

enum class Direction { kOut, kIn, kBoth };

struct Article {
  ArticleId id = 0;
  std::string hash;  // content hash of the normalized text
  std::optional<std::string> title, url, author, published, lang, path;
  std::string ingested_at;  // ISO 8601, UTC
  std::string text;
};

// A relationship for Store::AddRelationships, its properties already encoded
// (EncodeProperties).
struct NewRelationship {
  NodeId start = 0;
  NodeId end = 0;
  std::string type;
  std::string props = "{}";
};

struct Evidence {
  int64_t id = 0;
  std::optional<NodeId> node;  // exactly one of node / rel is set
  std::optional<RelId> rel;
  ArticleId article = 0;
  int64_t sentence_index = 0;
  int64_t span_start = 0;  // byte offsets into the article's text
  int64_t span_end = 0;
  // The sentence, given either as byte offsets into the article's text (both
  // set: only the offsets are stored) or as text. The readers fill `sentence`
  // in both cases, and the offsets when they were stored.
  std::optional<int64_t> sentence_start, sentence_end;
  std::string sentence;
  std::string rule;
  double confidence = 1.0;
  // Filled by the readers, ignored by AddEvidence.
  std::optional<std::string> article_title, article_published;
};

struct Stats {
  int64_t articles = 0, nodes = 0, relationships = 0, evidence = 0, aliases = 0;
  std::vector<std::pair<std::string, int64_t>> nodes_by_label;  // sorted by label
  std::vector<std::pair<std::string, int64_t>> rels_by_type;    // sorted by type
};

class Store {
 public:
  enum class Mode { kReadOnly, kReadWrite };

  // Opens the database at `path`; kReadWrite creates it (and its schema) when
  // missing and migrates an older schema. Throws StorageError when the file is
  // not a kg database or was written by a newer kg; such a file is not touched.
  // `new_page_size` (a power of two, 512..65536; 0 = SQLite's default, 4096)
  // is the page size of a database created here; an existing one keeps its own.
  Store(const std::string& path, Mode mode, int new_page_size = 0);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  // A write transaction: all or nothing. Nests (inner levels are savepoints).
  // Committing the outermost level bumps the graph version.
  class WriteTxn {
   public:
    explicit WriteTxn(Store& store);
    WriteTxn(const WriteTxn&) = delete;
    WriteTxn& operator=(const WriteTxn&) = delete;
    ~WriteTxn();  // rolls back unless Commit() ran
    void Commit();

   private:
    Store* store_;
    int depth_;
    bool done_ = false;
  };

  // --- nodes and relationships (mutators wrap themselves in a transaction
  // when none is open)
  // Inside an open transaction, a failure may leave the node written without
  // all its labels: roll that transaction back.
  NodeId CreateNode(const std::vector<std::string>& labels, const Properties& props);
  RelId CreateRelationship(NodeId start, NodeId end, const std::string& type,
                           const Properties& props);
  // CreateRelationship of each row in order (the same ids: consecutive), by
  // one INSERT ... SELECT over them; returns the id of the first (0 for no
  // row). All or nothing when no transaction is open; inside one, a failure
  // may leave the rows before it written: roll that transaction back.
  RelId AddRelationships(const std::vector<NewRelationship>& rows);
  // Replaces the whole property map.
  void SetNodeProperties(NodeId id, const Properties& props);
  void SetRelationshipProperties(RelId id, const Properties& props);
  void AddLabel(NodeId id, const std::string& label);
  void RemoveLabel(NodeId id, const std::string& label);
  // Deletes the node and, when `detach`, its relationships; without `detach`
  // a node that still has relationships is refused with StorageError.
  void DeleteNode(NodeId id, bool detach);
  void DeleteRelationship(RelId id);

  std::optional<Node> GetNode(NodeId id) const;
  std::optional<Relationship> GetRelationship(RelId id) const;
  std::vector<std::string> LabelsOf(NodeId id) const;
  // The property map alone (one lookup, no labels); nullopt for no such node.
  std::optional<Properties> NodeProperties(NodeId id) const;
  bool NodeExists(NodeId id) const;

  // All ids, ascending.
  std::vector<NodeId> AllNodeIds() const;
  std::vector<NodeId> NodesWithLabel(const std::string& label) const;
  // Nodes whose `name` property equals `name` exactly.
  std::vector<NodeId> NodesNamed(const std::string& name) const;
  // Adjacency of `node`, ascending by relationship id; `type` empty = any.
  std::vector<Edge> EdgesOf(NodeId node, Direction dir, const std::string& type = "") const;
  void ForEachNode(const std::function<void(const Node&)>& fn) const;
  void ForEachRelationship(const std::function<void(const Relationship&)>& fn) const;
  // Every relationship without its properties (a table scan; cheaper than
  // EdgesOf for each node), ascending by id; `type` empty = any. `fn` may
  // read the store.
  void ForEachEdge(const std::string& type,
                   const std::function<void(RelId id, NodeId start, NodeId end, const std::string& type)>& fn) const;
  int64_t MaxNodeId() const;
  int64_t MaxRelationshipId() const;
  std::vector<std::string> AllLabels() const;
  std::vector<std::string> AllRelationshipTypes() const;

  // --- aliases (entity resolution)
  void AddAlias(NodeId node, const std::string& alias);
  // The same with `norm`, NormalizeName(alias), already made by the caller.
  void AddAlias(NodeId node, const std::string& alias, const std::string& norm);
  // Nodes having `name` as an alias or name, compared after NormalizeName.
  std::vector<NodeId> FindByAlias(const std::string& name) const;
  std::vector<std::string> AliasesOf(NodeId node) const;

  // --- articles and evidence
  std::optional<ArticleId> FindArticleByHash(const std::string& hash) const;
  ArticleId AddArticle(const Article& article);
  std::optional<Article> GetArticle(ArticleId id) const;
  // Adds one row and returns its id (AddEvidenceRows of that row).
  int64_t AddEvidence(const Evidence& evidence);
  // AddEvidence of each row in order (the same ids), by one INSERT ... SELECT
  // over them. All or nothing when no transaction is open; inside one, a
  // failure may leave the rows before it written: roll that transaction back.
  void AddEvidenceRows(std::span<const Evidence> rows);
  std::vector<Evidence> EvidenceForNode(NodeId id) const;
  std::vector<Evidence> EvidenceForRelationship(RelId id) const;

  // --- bulk loads
  // A writer adding many rows may drop secondary indexes that it does not
  // read (each row then costs no random B-tree insert in them) and rebuild
  // them at the end (one sort each). Meanwhile readers get the same answers,
  // only slower. A store opened for writing rebuilds missing indexes first,
  // so a bulk load that was interrupted heals on the next write; Check()
  // reports them.
  // Drops the named secondary indexes (names of this schema only; throws
  // StorageError for another name), in a transaction of its own unless one
  // is open.
  void DropIndexes(const std::vector<std::string>& names);
  // Builds every missing secondary index; returns their names. Those of a
  // table that was empty when DropIndexes dropped them are written from the
  // keys of the rows this Store has added since (no table scan, no sort),
  // unless something else changed the table meanwhile (a rollback, a
  // deletion, another connection's commit): then, as for the others, by
  // CREATE INDEX. A write to the table through db() that bypasses this
  // Store's methods meanwhile must be followed by DropIndexes again.
  std::vector<std::string> RestoreIndexes();
  // Those of the indexes the last RestoreIndexes built that it wrote from
  // the keys of the rows added (the others: CREATE INDEX).
  const std::vector<std::string>& IndexesWrittenFromKeys() const { return written_from_keys_; }
  // The secondary indexes of the schema that the database lacks.
  std::vector<std::string> MissingIndexes() const;
  // With `on`, writes through a rollback journal instead of the WAL until
  // called again with false (or the next open for writing). In WAL mode each
  // page a transaction writes is written twice, to the WAL and then by the
  // checkpoint into the file; a rollback journal holds only the old content
  // of pages that existed before the transaction, so pages a bulk load
  // appends are written once. Durability is the same (the journal is synced
  // before the file is changed), but readers wait while a transaction
  // commits instead of reading the last snapshot, and a commit waits for the
  // readers reading then: up to kRollbackBusyTimeoutMs instead of
  // Database::kBusyTimeoutMs. Call outside a transaction. Returns whether
  // the mode is now the one asked for: SQLite refuses to leave WAL mode while
  // another connection has the file open, and then the store stays in WAL
  // mode.
  bool UseRollbackJournal(bool on);
  static constexpr int kRollbackBusyTimeoutMs = 10 * 60 * 1000;

  // --- whole-store
  Stats GetStats() const;
  // SQLite's integrity check plus the graph's own invariants. Returns the
  // problems found, one line each; empty means healthy.
  std::vector<std::string> Check() const;
  // Increases on every committed write; caches of the graph key on it.
  int64_t GraphVersion() const;
  // True while a WriteTxn is open on this store.
  bool in_transaction() const { return txn_depth_ > 0; }

  // The connection, for graph/ internals (views, bulk loaders).
  Database& db() { return db_; }
  const Database& db() const { return db_; }
  bool read_only() const { return read_only_; }

 private:
  void Migrate();
  // RestoreIndexes (nothing when none is missing), unless another connection
  // holds the write lock.
  void RestoreMissingIndexes();
  // After DropIndexes of `names`: starts an IndexJournal of the tables whose
  // indexes were dropped while they held no rows. REQUIRES: in the write
  // transaction that dropped them.
  void JournalDroppedTables(const std::vector<std::string>& names);
  // Writes those of `missing` that the journal can give the records of, and
  // removes them from `missing`; ends the journal.
  void WriteIndexesFromJournal(std::vector<std::string>& missing);
  void PrepareStatements();  // declares them; each is prepared when first run
  template <typename F>
  auto Write(F&& fn);
  // For a mutation that is a single SQL statement, or one whose caller rolls
  // back the open transaction when it fails: no savepoint when a transaction
  // is already open.
  template <typename F>
  auto WriteOne(F&& fn);

  Database db_;  // declared first: destroyed after the statements
  bool read_only_;
  int txn_depth_ = 0;
  struct Statements;
  std::unique_ptr<Statements> st_;
  struct IndexJournal;
  class Journaled;
  std::unique_ptr<IndexJournal> journal_;  // null unless a bulk load is journaled
  std::vector<std::string> written_from_keys_;  // IndexesWrittenFromKeys()
};

}  // namespace kg::graph
