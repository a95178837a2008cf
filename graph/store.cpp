// Store implementation: schema, migrations, prepared statements, invariants.
#include "graph/store.h"

#include <algorithm>
#include <bit>
#include <optional>
#include <chrono>
#include <ctime>
#include <string_view>
#include <unordered_map>

#include "graph/normalize.h"
#include "graph/rows_table.h"
#include "graph/sorted_index.h"

namespace kg::graph {

namespace {

// Version 1 of the schema. Each later version appends one entry to
// kMigrations; Migrate() runs the entries between user_version and
// kSchemaVersion in one transaction.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('graph_version', 0);
CREATE TABLE articles(
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  title TEXT, url TEXT, author TEXT, published TEXT, lang TEXT, path TEXT,
  ingested_at TEXT NOT NULL,
  text TEXT NOT NULL);
CREATE TABLE nodes(
  id INTEGER PRIMARY KEY,
  name TEXT,
  props TEXT NOT NULL DEFAULT '{}');
CREATE INDEX nodes_name ON nodes(name);
CREATE TABLE node_labels(
  label TEXT NOT NULL,
  node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
  PRIMARY KEY(label, node_id)) WITHOUT ROWID;
CREATE INDEX node_labels_node ON node_labels(node_id);
CREATE TABLE rels(
  id INTEGER PRIMARY KEY,
  src INTEGER NOT NULL REFERENCES nodes(id),
  dst INTEGER NOT NULL REFERENCES nodes(id),
  type TEXT NOT NULL,
  props TEXT NOT NULL DEFAULT '{}');
CREATE INDEX rels_src_type ON rels(src, type);
CREATE INDEX rels_dst_type ON rels(dst, type);
CREATE TABLE evidence(
  id INTEGER PRIMARY KEY,
  node_id INTEGER REFERENCES nodes(id) ON DELETE CASCADE,
  rel_id INTEGER REFERENCES rels(id) ON DELETE CASCADE,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  sentence_index INTEGER NOT NULL,
  span_start INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  sentence TEXT NOT NULL,
  rule TEXT NOT NULL,
  confidence REAL NOT NULL DEFAULT 1.0,
  CHECK ((node_id IS NULL) <> (rel_id IS NULL)));
CREATE INDEX evidence_node ON evidence(node_id) WHERE node_id IS NOT NULL;
CREATE INDEX evidence_rel ON evidence(rel_id) WHERE rel_id IS NOT NULL;
CREATE INDEX evidence_article ON evidence(article_id);
CREATE TABLE aliases(
  norm TEXT NOT NULL,
  node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
  alias TEXT NOT NULL,
  PRIMARY KEY(norm, node_id)) WITHOUT ROWID;
CREATE INDEX aliases_node ON aliases(node_id);
)sql";

// Version 2: an evidence row locates its sentence by byte offsets into
// articles.text (sentence_start, sentence_end) instead of carrying a copy of
// it; `sentence` holds text only for a sentence that is not a slice of the
// article (a caller may pass any text). Existing rows are converted where the
// article contains the sentence (its first occurrence: the same text).
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE evidence_v2(
  id INTEGER PRIMARY KEY,
  node_id INTEGER REFERENCES nodes(id) ON DELETE CASCADE,
  rel_id INTEGER REFERENCES rels(id) ON DELETE CASCADE,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  sentence_index INTEGER NOT NULL,
  span_start INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  sentence_start INTEGER,
  sentence_end INTEGER,
  sentence TEXT,
  rule TEXT NOT NULL,
  confidence REAL NOT NULL DEFAULT 1.0,
  CHECK ((node_id IS NULL) <> (rel_id IS NULL)),
  CHECK ((sentence IS NULL) <> (sentence_start IS NULL)),
  CHECK ((sentence_start IS NULL) = (sentence_end IS NULL)));
INSERT INTO evidence_v2(id, node_id, rel_id, article_id, sentence_index, span_start, span_end,
                        sentence_start, sentence_end, sentence, rule, confidence)
  SELECT id, node_id, rel_id, article_id, sentence_index, span_start, span_end,
         CASE WHEN pos > 0 THEN pos - 1 END,
         CASE WHEN pos > 0 THEN pos - 1 + length(CAST(sentence AS BLOB)) END,
         CASE WHEN pos > 0 THEN NULL ELSE sentence END,
         rule, confidence
  FROM (SELECT e.*, instr(CAST(a.text AS BLOB), CAST(e.sentence AS BLOB)) AS pos
        FROM evidence e JOIN articles a ON a.id = e.article_id);
DROP TABLE evidence;
ALTER TABLE evidence_v2 RENAME TO evidence;
CREATE INDEX evidence_node ON evidence(node_id) WHERE node_id IS NOT NULL;
CREATE INDEX evidence_rel ON evidence(rel_id) WHERE rel_id IS NOT NULL;
CREATE INDEX evidence_article ON evidence(article_id);
)sql";

// Version 3: no evidence_article index. No query reads evidence by article;
// the index served only the cascading delete of an article, which no command
// does (a DELETE FROM articles now scans the evidence table instead). Kept
// live during an ingest it was an index entry per evidence row: 25 MB of a
// 248 MB store of 10,000 bench articles. The tables are those of version 2,
// so a version 2 file is read as it is (see kOldestReadableVersion).
constexpr const char* kSchemaV3 = R"sql(
DROP INDEX IF EXISTS evidence_article;
)sql";

constexpr const char* kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3};
static_assert(std::size(kMigrations) == kSchemaVersion);

// The secondary indexes the migrations above leave, with their definitions
// as SQLite stores them in sqlite_schema: an index dropped for a bulk load is
// rebuilt from here, identical.
struct IndexDef {
  const char* name;
  const char* sql;
};
constexpr IndexDef kIndexes[] = {
    {"nodes_name", "CREATE INDEX nodes_name ON nodes(name)"},
    {"node_labels_node", "CREATE INDEX node_labels_node ON node_labels(node_id)"},
    {"rels_src_type", "CREATE INDEX rels_src_type ON rels(src, type)"},
    {"rels_dst_type", "CREATE INDEX rels_dst_type ON rels(dst, type)"},
    {"evidence_node", "CREATE INDEX evidence_node ON evidence(node_id) WHERE node_id IS NOT NULL"},
    {"evidence_rel", "CREATE INDEX evidence_rel ON evidence(rel_id) WHERE rel_id IS NOT NULL"},
    {"aliases_node", "CREATE INDEX aliases_node ON aliases(node_id)"},
};

std::string NowIso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::string> NameOf(const Properties& props) {
  auto it = props.find("name");
  if (it != props.end() && it->second.is_string()) return it->second.as_string();
  return std::nullopt;
}

int UserVersion(Database& db) {
  Statement st(db, "PRAGMA user_version");
  st.Step();
  return static_cast<int>(st.ColumnInt(0));
}

}  // namespace

// A statement prepared the first time it runs: a short process (one query)
// prepares only the few statements it uses.
class LazyStatement {
 public:
  void Set(const Database& db, std::string sql) {
    db_ = &db;
    sql_ = std::move(sql);
  }
  Statement& operator*() {
    if (!st_) st_.emplace(*db_, sql_.c_str());
    return *st_;
  }
  Statement* operator->() { return &**this; }

 private:
  const Database* db_ = nullptr;
  std::string sql_;
  std::optional<Statement> st_;
};

// The rows of one AddEvidenceRows call, as the table kg_evidence_rows (the
// columns insert_evidence reads, in their order).
class EvidenceRows : public RowSource {
 public:
  std::span<const Evidence> rows;
  const char* Declaration() const override {
    return "CREATE TABLE x(node_id INTEGER, rel_id INTEGER, article_id INTEGER, sentence_index INTEGER, "
           "span_start INTEGER, span_end INTEGER, sentence TEXT, rule TEXT, confidence REAL, "
           "sentence_start INTEGER, sentence_end INTEGER)";
  }
  size_t Rows() const override { return rows.size(); }
  void Column(size_t row, int column, sqlite3_context* ctx) const override {
    const Evidence& e = rows[row];
    auto integer = [&](const std::optional<int64_t>& v) {
      if (v) sqlite3_result_int64(ctx, *v);
      else sqlite3_result_null(ctx);
    };
    auto text = [&](const std::string& t) {
      sqlite3_result_text64(ctx, t.data(), t.size(), SQLITE_STATIC, SQLITE_UTF8);
    };
    switch (column) {
      case 0: integer(e.node); break;
      case 1: integer(e.rel); break;
      case 2: sqlite3_result_int64(ctx, e.article); break;
      case 3: sqlite3_result_int64(ctx, e.sentence_index); break;
      case 4: sqlite3_result_int64(ctx, e.span_start); break;
      case 5: sqlite3_result_int64(ctx, e.span_end); break;
      case 6:  // the text only when there are no offsets
        if (e.sentence_start) sqlite3_result_null(ctx);
        else text(e.sentence);
        break;
      case 7: text(e.rule); break;
      case 8: sqlite3_result_double(ctx, e.confidence); break;
      case 9: integer(e.sentence_start); break;
      default: integer(e.sentence_end);
    }
  }
};

// The rows of one AddRelationships call, as the table kg_rel_rows.
class RelationshipRows : public RowSource {
 public:
  std::span<const NewRelationship> rows;
  const char* Declaration() const override { return kRelationshipRowsDeclaration; }
  size_t Rows() const override { return rows.size(); }
  void Column(size_t row, int column, sqlite3_context* ctx) const override {
    const NewRelationship& r = rows[row];
    switch (column) {
      case 0: sqlite3_result_int64(ctx, r.start); break;
      case 1: sqlite3_result_int64(ctx, r.end); break;
      case 2: sqlite3_result_text64(ctx, r.type.data(), r.type.size(), SQLITE_STATIC, SQLITE_UTF8); break;
      default: sqlite3_result_text64(ctx, r.props.data(), r.props.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
  }
};

// Points a row source at `rows` while a statement reads them, and at none
// after, also when the statement throws.
template <typename T>
class RowsBinding {
 public:
  RowsBinding(std::span<const T>& slot, std::span<const T> rows) : slot_(slot) { slot_ = rows; }
  RowsBinding(const RowsBinding&) = delete;
  RowsBinding& operator=(const RowsBinding&) = delete;
  ~RowsBinding() { slot_ = {}; }

 private:
  std::span<const T>& slot_;
};

struct Store::Statements {
  // Registered before the statements that read them are prepared, and
  // unregistered after they are finalized (members go in reverse order).
  EvidenceRows evidence_rows;
  std::optional<RowsModule> evidence_module;
  RelationshipRows rel_rows;
  std::optional<RowsModule> rel_module;
  LazyStatement insert_node, insert_label, insert_rel, insert_rels, insert_rels_no_props;
  LazyStatement update_node, update_rel, delete_label;
  LazyStatement get_node, get_labels, get_rel, node_exists;
  LazyStatement nodes_with_label, nodes_named, all_node_ids;
  LazyStatement out_edges, in_edges, out_edges_type, in_edges_type;
  LazyStatement insert_alias, find_alias, aliases_of;
  LazyStatement find_article, insert_article, get_article, insert_evidence, insert_evidence_offsets;
  LazyStatement evidence_node, evidence_rel;
  LazyStatement count_rels_of, delete_rels_of, delete_node, delete_rel, bump_version, graph_version;
  // Nested write transactions run once per mutation: prepared, not re-parsed.
  LazyStatement savepoint, release;
};

Store::Store(const std::string& path, Mode mode, int new_page_size)
    : db_(path, mode == Mode::kReadOnly ? Database::Mode::kReadOnly
                                        : Database::Mode::kReadWriteCreate),
      read_only_(mode == Mode::kReadOnly) {
  // Refuse a file that is not SQLite, or a kg database from the future,
  // before writing anything.
  int version;
  try {
    version = UserVersion(db_);
  } catch (const StorageError& e) {
    throw StorageError("'" + path + "' is not a kg database (" + e.what() + ")");
  }
  if (version > kSchemaVersion) {
    throw StorageError("'" + path + "' was written by a newer kg (schema version " +
                       std::to_string(version) + "; this kg knows up to " +
                       std::to_string(kSchemaVersion) + "); it was not modified");
  }
  if (version == 0) {
    Statement st(db_, "SELECT count(*) FROM sqlite_schema");
    st.Step();
    if (st.ColumnInt(0) != 0)
      throw StorageError("'" + path + "' is an SQLite database but not a kg database");
  }
  db_.Exec("PRAGMA foreign_keys=ON");
  if (!read_only_) {
    // Before WAL mode, which writes the file's first page.
    if (version == 0 && new_page_size != 0) {
      if (new_page_size < 512 || new_page_size > 65536 || !std::has_single_bit(
                                                              static_cast<unsigned>(new_page_size)))
        throw StorageError("page size " + std::to_string(new_page_size) +
                           " is not a power of two from 512 to 65536");
      // PRAGMA takes no bound parameters; the value is a checked integer.
      db_.Exec(("PRAGMA page_size=" + std::to_string(new_page_size)).c_str());
    }
    db_.Exec("PRAGMA journal_mode=WAL");
    db_.Exec("PRAGMA synchronous=NORMAL");
    if (version < kSchemaVersion) Migrate();
  } else if (version < kOldestReadableVersion) {
    throw StorageError("'" + path + "' has no kg schema yet (run 'kg init' first)");
  }
  PrepareStatements();
  if (!read_only_) RestoreMissingIndexes();
}

Store::~Store() = default;

void Store::Migrate() {
  Transaction txn(db_);
  int version = UserVersion(db_);
  for (int v = version; v < kSchemaVersion; ++v) db_.Exec(kMigrations[v]);
  // PRAGMA takes no bound parameters; the value is a compile-time constant.
  db_.Exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
  txn.Commit();
}

namespace {

// Whether the last statement on `db` failed because another connection holds
// a lock (SQLITE_BUSY, SQLITE_LOCKED), after the busy timeout.
bool LockedByAnother(const Database& db) {
  const int code = sqlite3_errcode(db.handle()) & 0xff;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

}  // namespace

void Store::RestoreMissingIndexes() {
  try {
    RestoreIndexes();
  } catch (const StorageError&) {
    // Another connection is writing (a bulk load that dropped them, most
    // likely, and will rebuild them): the answers are the same without the
    // indexes, only slower, and that writer or the next one restores them.
    if (!LockedByAnother(db_)) throw;
  }
}

void Store::PrepareStatements() {
  st_ = std::make_unique<Statements>();
  auto& s = *st_;
  s.get_node.Set(db_, "SELECT props FROM nodes WHERE id=?1");
  s.get_labels.Set(db_, "SELECT label FROM node_labels WHERE node_id=?1 ORDER BY label");
  s.get_rel.Set(db_, "SELECT src, dst, type, props FROM rels WHERE id=?1");
  s.node_exists.Set(db_, "SELECT 1 FROM nodes WHERE id=?1");
  s.nodes_with_label.Set(db_, "SELECT node_id FROM node_labels WHERE label=?1 ORDER BY node_id");
  s.nodes_named.Set(db_, "SELECT id FROM nodes WHERE name=?1 ORDER BY id");
  s.all_node_ids.Set(db_, "SELECT id FROM nodes ORDER BY id");
  s.out_edges.Set(db_, "SELECT id, dst, type FROM rels WHERE src=?1 ORDER BY id");
  s.in_edges.Set(db_, "SELECT id, src, type FROM rels WHERE dst=?1 ORDER BY id");
  s.out_edges_type.Set(db_, "SELECT id, dst, type FROM rels WHERE src=?1 AND type=?2 ORDER BY id");
  s.in_edges_type.Set(db_, "SELECT id, src, type FROM rels WHERE dst=?1 AND type=?2 ORDER BY id");
  s.find_alias.Set(db_, "SELECT node_id FROM aliases WHERE norm=?1 ORDER BY node_id");
  s.aliases_of.Set(db_, "SELECT alias FROM aliases WHERE node_id=?1 ORDER BY alias");
  s.find_article.Set(db_, "SELECT id FROM articles WHERE hash=?1");
  s.get_article.Set(db_, "SELECT hash, title, url, author, published, lang, path, ingested_at, "
                            "text FROM articles WHERE id=?1");
  constexpr const char* kEvidenceCols =
      "SELECT e.id, e.node_id, e.rel_id, e.article_id, e.sentence_index, e.span_start, "
      "e.span_end, CASE WHEN e.sentence IS NULL THEN CAST(substr(CAST(a.text AS BLOB), "
      "e.sentence_start + 1, e.sentence_end - e.sentence_start) AS TEXT) ELSE e.sentence END, "
      "e.rule, e.confidence, a.title, a.published, e.sentence_start, e.sentence_end FROM evidence e "
      "JOIN articles a ON a.id = e.article_id ";
  s.evidence_node.Set(db_, std::string(kEvidenceCols) +
                               "WHERE e.node_id=?1 ORDER BY e.article_id, e.span_start, e.id");
  s.evidence_rel.Set(db_, std::string(kEvidenceCols) +
                              "WHERE e.rel_id=?1 ORDER BY e.article_id, e.span_start, e.id");
  s.graph_version.Set(db_, "SELECT value FROM meta WHERE key='graph_version'");
  if (read_only_) return;
  s.insert_node.Set(db_, "INSERT INTO nodes(name, props) VALUES (?1, ?2)");
  s.insert_label.Set(db_, "INSERT OR IGNORE INTO node_labels(label, node_id) VALUES (?1, ?2)");
  s.delete_label.Set(db_, "DELETE FROM node_labels WHERE label=?1 AND node_id=?2");
  s.insert_rel.Set(db_, "INSERT INTO rels(src, dst, type, props) VALUES (?1, ?2, ?3, ?4)");
  // OR FAIL: see AddEvidenceRows. Without properties, the column's DEFAULT
  // '{}' is stored: the same text, one column fewer to fetch.
  s.insert_rels.Set(db_, "INSERT OR FAIL INTO rels(src, dst, type, props) SELECT src, dst, type, props FROM kg_rel_rows");
  s.insert_rels_no_props.Set(db_, "INSERT OR FAIL INTO rels(src, dst, type) SELECT src, dst, type FROM kg_rel_rows");
  s.update_node.Set(db_, "UPDATE nodes SET name=?2, props=?3 WHERE id=?1");
  s.update_rel.Set(db_, "UPDATE rels SET props=?2 WHERE id=?1");
  s.insert_alias.Set(db_, "INSERT OR IGNORE INTO aliases(norm, node_id, alias) VALUES (?1, ?2, ?3)");
  s.insert_article.Set(db_, "INSERT INTO articles(hash, title, url, author, published, lang, "
                               "path, ingested_at, text) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
  // OR FAIL: see AddEvidenceRows.
  s.insert_evidence.Set(db_, "INSERT OR FAIL INTO evidence(node_id, rel_id, article_id, sentence_index, span_start, "
                                     "span_end, sentence, rule, confidence, sentence_start, sentence_end) "
                                     "SELECT node_id, rel_id, article_id, sentence_index, span_start, span_end, "
                                     "sentence, rule, confidence, sentence_start, sentence_end FROM kg_evidence_rows");
  // The same for rows that all locate their sentence by offsets and have
  // the default confidence: `sentence` is NULL and `confidence` 1.0 (its
  // DEFAULT, stored alike: both go through the column's REAL affinity).
  s.insert_evidence_offsets.Set(db_, "INSERT OR FAIL INTO evidence(node_id, rel_id, article_id, sentence_index, "
                                     "span_start, span_end, rule, sentence_start, sentence_end) "
                                     "SELECT node_id, rel_id, article_id, sentence_index, span_start, span_end, "
                                     "rule, sentence_start, sentence_end FROM kg_evidence_rows");
  s.count_rels_of.Set(db_, "SELECT (SELECT count(*) FROM rels WHERE src=?1) + "
                              "(SELECT count(*) FROM rels WHERE dst=?1)");
  s.delete_rels_of.Set(db_, "DELETE FROM rels WHERE src=?1 OR dst=?1");
  s.delete_node.Set(db_, "DELETE FROM nodes WHERE id=?1");
  s.delete_rel.Set(db_, "DELETE FROM rels WHERE id=?1");
  s.bump_version.Set(db_, "UPDATE meta SET value = value + 1 WHERE key='graph_version'");
  s.savepoint.Set(db_, "SAVEPOINT kg_nested");
  s.release.Set(db_, "RELEASE kg_nested");
}

// --- transactions

// The keys of the rows this Store added to evidence and rels since
// DropIndexes found them empty, in their rowid order. Unusable (`valid`
// false) after a rollback, a deletion, or a value beyond 32 bits; and when
// another connection committed meanwhile (PRAGMA data_version).
struct Store::IndexJournal {
  bool evidence = false, rels = false;  // the tables it follows
  bool valid = true;
  int64_t data_version = 0;
  // (node_id or rel_id) << 32 | evidence id
  std::vector<uint64_t> evidence_node, evidence_rel;
  struct Rel {
    uint32_t id, src, dst, type;  // type: index into types
  };
  std::vector<Rel> rel_rows;
  std::vector<std::string> types;
  std::unordered_map<std::string, uint32_t> type_index;

  static bool Fits(int64_t v) { return v >= 0 && v <= int64_t{UINT32_MAX}; }
  void AddEvidence(std::span<const Evidence> rows, int64_t first_id) {
    for (size_t i = 0; i < rows.size(); ++i) {
      const int64_t id = first_id + static_cast<int64_t>(i);
      const int64_t key = rows[i].node ? *rows[i].node : *rows[i].rel;
      if (!Fits(id) || !Fits(key)) {
        valid = false;
        return;
      }
      (rows[i].node ? evidence_node : evidence_rel)
          .push_back(static_cast<uint64_t>(key) << 32 | static_cast<uint64_t>(id));
    }
  }
  void AddRel(int64_t id, NodeId src, NodeId dst, const std::string& type) {
    if (!Fits(id) || !Fits(src) || !Fits(dst)) {
      valid = false;
      return;
    }
    auto [it, added] = type_index.try_emplace(type, static_cast<uint32_t>(types.size()));
    if (added) types.push_back(type);
    rel_rows.push_back({static_cast<uint32_t>(id), static_cast<uint32_t>(src), static_cast<uint32_t>(dst),
                        it->second});
  }
};

// Marks `journal` (if any) unusable unless Done() ran: a write that failed
// may have left some of its rows (see AddEvidenceRows).
class Store::Journaled {
 public:
  explicit Journaled(IndexJournal* journal) : journal_(journal) {}
  Journaled(const Journaled&) = delete;
  Journaled& operator=(const Journaled&) = delete;
  ~Journaled() {
    if (journal_) journal_->valid = false;
  }
  void Done() { journal_ = nullptr; }

 private:
  IndexJournal* journal_;
};

Store::WriteTxn::WriteTxn(Store& store) : store_(&store), depth_(store.txn_depth_) {
  if (store_->read_only_) throw StorageError("the database is open read-only");
  if (depth_ == 0)
    store_->db_.Exec("BEGIN IMMEDIATE");
  else
    store_->st_->savepoint->Run();
  ++store_->txn_depth_;
}

Store::WriteTxn::~WriteTxn() {
  if (done_) return;
  --store_->txn_depth_;
  if (store_->journal_) store_->journal_->valid = false;  // it may hold rolled back rows
  auto* h = store_->db_.handle();
  if (depth_ == 0) {
    sqlite3_exec(h, "ROLLBACK", nullptr, nullptr, nullptr);
  } else {
    sqlite3_exec(h, "ROLLBACK TO kg_nested; RELEASE kg_nested", nullptr, nullptr, nullptr);
  }
}

void Store::WriteTxn::Commit() {
  if (depth_ == 0) {
    store_->st_->bump_version->Run();
    store_->db_.Exec("COMMIT");
  } else {
    store_->st_->release->Run();
  }
  --store_->txn_depth_;
  done_ = true;
}

template <typename F>
auto Store::Write(F&& fn) {
  WriteTxn txn(*this);
  if constexpr (std::is_void_v<decltype(fn())>) {
    fn();
    txn.Commit();
  } else {
    auto result = fn();
    txn.Commit();
    return result;
  }
}

template <typename F>
auto Store::WriteOne(F&& fn) {
  // Inside an open transaction, no savepoint, whose statement journal would
  // copy every page the statements touch: one SQL statement is atomic on its
  // own (SQLite backs out a failed statement), and a mutation of several
  // states that a failure leaves it partly written and the caller must roll
  // back (CreateNode).
  if (txn_depth_ > 0) return fn();
  return Write(std::forward<F>(fn));
}

// --- nodes and relationships

NodeId Store::CreateNode(const std::vector<std::string>& labels, const Properties& props) {
  // No savepoint inside a transaction (an ingest creates ~6 nodes an article
  // inside its batch transaction): see store.h.
  return WriteOne([&] {
    auto& s = *st_;
    s.insert_node->Bind(1, NameOf(props)).Bind(2, EncodeProperties(props)).Run();
    NodeId id = db_.LastInsertRowid();
    for (const auto& label : labels) s.insert_label->Bind(1, label).Bind(2, id).Run();
    return id;
  });
}

RelId Store::CreateRelationship(NodeId start, NodeId end, const std::string& type,
                                const Properties& props) {
  return WriteOne([&] {
    // The foreign keys refuse a missing end; the lookups only name it.
    try {
      Journaled journaled(journal_.get());
      st_->insert_rel->Bind(1, start).Bind(2, end).Bind(3, type).Bind(4, EncodeProperties(props)).Run();
      if (journal_ && journal_->rels) journal_->AddRel(db_.LastInsertRowid(), start, end, type);
      journaled.Done();
    } catch (const StorageError&) {
      if (!NodeExists(start) || !NodeExists(end))
        throw StorageError("cannot create relationship " + type + ": node " +
                           std::to_string(NodeExists(start) ? end : start) + " does not exist");
      throw;
    }
    return db_.LastInsertRowid();
  });
}

RelId Store::AddRelationships(const std::vector<NewRelationship>& rows) {
  if (rows.empty()) return 0;
  // One INSERT ... SELECT (kg_rel_rows) instead of a statement run per row:
  // SQLite numbers the rows max(id)+1, +2, ... as it would one by one.
  const bool no_props = std::all_of(rows.begin(), rows.end(),
                                    [](const NewRelationship& r) { return r.props == "{}"; });
  auto insert = [&] {
    auto& s = *st_;
    if (!s.rel_module) s.rel_module.emplace(db_, "kg_rel_rows", s.rel_rows);
    RowsBinding<NewRelationship> bound(s.rel_rows.rows, rows);
    Journaled journaled(journal_.get());
    (no_props ? s.insert_rels_no_props : s.insert_rels)->Run();
    const RelId first = db_.LastInsertRowid() - static_cast<RelId>(rows.size()) + 1;
    if (journal_ && journal_->rels)
      for (size_t i = 0; i < rows.size(); ++i)
        journal_->AddRel(first + static_cast<RelId>(i), rows[i].start, rows[i].end, rows[i].type);
    journaled.Done();
    return first;
  };
  // As in AddEvidenceRows: no savepoint inside an open transaction.
  if (txn_depth_ > 0) return insert();
  return Write(insert);
}

void Store::SetNodeProperties(NodeId id, const Properties& props) {
  WriteOne([&] {
    st_->update_node->Bind(1, id).Bind(2, NameOf(props)).Bind(3, EncodeProperties(props)).Run();
  });
}

void Store::SetRelationshipProperties(RelId id, const Properties& props) {
  WriteOne([&] { st_->update_rel->Bind(1, id).Bind(2, EncodeProperties(props)).Run(); });
}

void Store::AddLabel(NodeId id, const std::string& label) {
  WriteOne([&] { st_->insert_label->Bind(1, label).Bind(2, id).Run(); });
}

void Store::RemoveLabel(NodeId id, const std::string& label) {
  WriteOne([&] { st_->delete_label->Bind(1, label).Bind(2, id).Run(); });
}

void Store::DeleteNode(NodeId id, bool detach) {
  if (journal_) journal_->valid = false;
  Write([&] {
    auto& s = *st_;
    if (detach) {
      s.delete_rels_of->Bind(1, id).Run();
    } else {
      s.count_rels_of->Bind(1, id);
      s.count_rels_of->Step();
      int64_t n = s.count_rels_of->ColumnInt(0);
      s.count_rels_of->Reset();
      if (n > 0)
        throw StorageError("cannot delete node " + std::to_string(id) + ": it still has " +
                           std::to_string(n) + " relationship(s)");
    }
    s.delete_node->Bind(1, id).Run();
  });
}

void Store::DeleteRelationship(RelId id) {
  if (journal_) journal_->valid = false;
  WriteOne([&] { st_->delete_rel->Bind(1, id).Run(); });
}

std::optional<Properties> Store::NodeProperties(NodeId id) const {
  auto& st = *st_->get_node;
  st.Bind(1, id);
  if (!st.Step()) {
    st.Reset();
    return std::nullopt;
  }
  Properties props = DecodeProperties(st.ColumnView(0));
  st.Reset();
  return props;
}

std::vector<std::string> Store::LabelsOf(NodeId id) const {
  auto& st = *st_->get_labels;
  st.Bind(1, id);
  std::vector<std::string> labels;
  while (st.Step()) labels.push_back(st.ColumnText(0));
  st.Reset();
  return labels;
}

bool Store::NodeExists(NodeId id) const {
  auto& st = *st_->node_exists;
  st.Bind(1, id);
  bool found = st.Step();
  st.Reset();
  return found;
}

std::optional<Node> Store::GetNode(NodeId id) const {
  auto& st = *st_->get_node;
  st.Bind(1, id);
  if (!st.Step()) {
    st.Reset();
    return std::nullopt;
  }
  Node node;
  node.id = id;
  node.props = DecodeProperties(st.ColumnView(0));
  st.Reset();
  node.labels = LabelsOf(id);
  return node;
}

std::optional<Relationship> Store::GetRelationship(RelId id) const {
  auto& st = *st_->get_rel;
  st.Bind(1, id);
  if (!st.Step()) {
    st.Reset();
    return std::nullopt;
  }
  Relationship rel{id, st.ColumnInt(0), st.ColumnInt(1), st.ColumnText(2),
                   DecodeProperties(st.ColumnView(3))};
  st.Reset();
  return rel;
}

namespace {
std::vector<NodeId> CollectIds(Statement& st) {
  std::vector<NodeId> ids;
  while (st.Step()) ids.push_back(st.ColumnInt(0));
  st.Reset();
  return ids;
}
}  // namespace

std::vector<NodeId> Store::AllNodeIds() const { return CollectIds(*st_->all_node_ids); }

std::vector<NodeId> Store::NodesWithLabel(const std::string& label) const {
  st_->nodes_with_label->Bind(1, label);
  return CollectIds(*st_->nodes_with_label);
}

std::vector<NodeId> Store::NodesNamed(const std::string& name) const {
  st_->nodes_named->Bind(1, name);
  return CollectIds(*st_->nodes_named);
}

std::vector<Edge> Store::EdgesOf(NodeId node, Direction dir, const std::string& type) const {
  std::vector<Edge> edges;
  auto collect = [&](Statement& st, bool outgoing) {
    st.Bind(1, node);
    if (!type.empty()) st.Bind(2, type);
    while (st.Step()) edges.push_back({st.ColumnInt(0), st.ColumnInt(1), st.ColumnText(2), outgoing});
    st.Reset();
  };
  auto& s = *st_;
  if (dir != Direction::kIn) collect(type.empty() ? *s.out_edges : *s.out_edges_type, true);
  if (dir != Direction::kOut) {
    size_t before = edges.size();
    collect(type.empty() ? *s.in_edges : *s.in_edges_type, false);
    // A self-loop is one relationship: list it once in kBoth.
    if (dir == Direction::kBoth) {
      edges.erase(std::remove_if(edges.begin() + static_cast<std::ptrdiff_t>(before), edges.end(),
                                 [&](const Edge& e) { return e.other == node; }),
                  edges.end());
    }
  }
  if (dir == Direction::kBoth)
    std::stable_sort(edges.begin(), edges.end(),
                     [](const Edge& a, const Edge& b) { return a.id < b.id; });
  return edges;
}

void Store::ForEachNode(const std::function<void(const Node&)>& fn) const {
  Statement nodes(db_, "SELECT id, props FROM nodes ORDER BY id");
  Statement labels(db_, "SELECT node_id, label FROM node_labels ORDER BY node_id, label");
  bool have_label = labels.Step();
  while (nodes.Step()) {
    Node node;
    node.id = nodes.ColumnInt(0);
    node.props = DecodeProperties(nodes.ColumnView(1));
    while (have_label && labels.ColumnInt(0) < node.id) have_label = labels.Step();
    while (have_label && labels.ColumnInt(0) == node.id) {
      node.labels.push_back(labels.ColumnText(1));
      have_label = labels.Step();
    }
    fn(node);
  }
}

void Store::ForEachRelationship(const std::function<void(const Relationship&)>& fn) const {
  Statement st(db_, "SELECT id, src, dst, type, props FROM rels ORDER BY id");
  while (st.Step()) {
    fn(Relationship{st.ColumnInt(0), st.ColumnInt(1), st.ColumnInt(2), st.ColumnText(3),
                    DecodeProperties(st.ColumnView(4))});
  }
}

void Store::ForEachEdge(
    const std::string& type,
    const std::function<void(RelId id, NodeId start, NodeId end, const std::string& type)>& fn) const {
  Statement st(db_, type.empty() ? "SELECT id, src, dst, type FROM rels ORDER BY id"
                                 : "SELECT id, src, dst, type FROM rels WHERE type=?1 ORDER BY id");
  if (!type.empty()) st.Bind(1, type);
  while (st.Step()) fn(st.ColumnInt(0), st.ColumnInt(1), st.ColumnInt(2), st.ColumnText(3));
}

namespace {
int64_t ScalarInt(const Database& db, const char* sql) {
  Statement st(db, sql);
  st.Step();
  return st.IsNull(0) ? 0 : st.ColumnInt(0);
}
std::vector<std::string> Strings(const Database& db, const char* sql) {
  Statement st(db, sql);
  std::vector<std::string> out;
  while (st.Step()) out.push_back(st.ColumnText(0));
  return out;
}
}  // namespace

int64_t Store::MaxNodeId() const { return ScalarInt(db_, "SELECT max(id) FROM nodes"); }
int64_t Store::MaxRelationshipId() const { return ScalarInt(db_, "SELECT max(id) FROM rels"); }
std::vector<std::string> Store::AllLabels() const {
  return Strings(db_, "SELECT DISTINCT label FROM node_labels ORDER BY label");
}
std::vector<std::string> Store::AllRelationshipTypes() const {
  return Strings(db_, "SELECT DISTINCT type FROM rels ORDER BY type");
}

// --- aliases

void Store::AddAlias(NodeId node, const std::string& alias) { AddAlias(node, alias, NormalizeName(alias)); }

void Store::AddAlias(NodeId node, const std::string& alias, const std::string& norm) {
  if (norm.empty()) return;
  WriteOne([&] { st_->insert_alias->Bind(1, norm).Bind(2, node).Bind(3, alias).Run(); });
}

std::vector<NodeId> Store::FindByAlias(const std::string& name) const {
  st_->find_alias->Bind(1, NormalizeName(name));
  return CollectIds(*st_->find_alias);
}

std::vector<std::string> Store::AliasesOf(NodeId node) const {
  auto& st = *st_->aliases_of;
  st.Bind(1, node);
  std::vector<std::string> out;
  while (st.Step()) out.push_back(st.ColumnText(0));
  st.Reset();
  return out;
}

// --- articles and evidence

std::optional<ArticleId> Store::FindArticleByHash(const std::string& hash) const {
  auto& st = *st_->find_article;
  st.Bind(1, hash);
  std::optional<ArticleId> id;
  if (st.Step()) id = st.ColumnInt(0);
  st.Reset();
  return id;
}

ArticleId Store::AddArticle(const Article& a) {
  return WriteOne([&] {
    st_->insert_article->Bind(1, a.hash)
        .Bind(2, a.title)
        .Bind(3, a.url)
        .Bind(4, a.author)
        .Bind(5, a.published)
        .Bind(6, a.lang)
        .Bind(7, a.path)
        .Bind(8, a.ingested_at.empty() ? NowIso() : a.ingested_at)
        .Bind(9, a.text)
        .Run();
    return db_.LastInsertRowid();
  });
}

std::optional<Article> Store::GetArticle(ArticleId id) const {
  auto& st = *st_->get_article;
  st.Bind(1, id);
  if (!st.Step()) {
    st.Reset();
    return std::nullopt;
  }
  Article a;
  a.id = id;
  a.hash = st.ColumnText(0);
  a.title = st.ColumnOptText(1);
  a.url = st.ColumnOptText(2);
  a.author = st.ColumnOptText(3);
  a.published = st.ColumnOptText(4);
  a.lang = st.ColumnOptText(5);
  a.path = st.ColumnOptText(6);
  a.ingested_at = st.ColumnText(7);
  a.text = st.ColumnText(8);
  st.Reset();
  return a;
}

namespace {
void ValidateEvidence(const Evidence& e) {
  if (e.node.has_value() == e.rel.has_value())
    throw StorageError("evidence must point at exactly one node or relationship");
  bool offsets = e.sentence_start.has_value();
  if (offsets != e.sentence_end.has_value() || (offsets && (*e.sentence_start < 0 || *e.sentence_end < *e.sentence_start)))
    throw StorageError("evidence: sentence_start and sentence_end must both be set, 0 <= start <= end");
}

}  // namespace

int64_t Store::AddEvidence(const Evidence& e) {
  AddEvidenceRows(std::span<const Evidence>(&e, 1));
  return db_.LastInsertRowid();
}

void Store::AddEvidenceRows(std::span<const Evidence> rows) {
  for (const auto& e : rows) ValidateEvidence(e);
  if (rows.empty()) return;
  // One INSERT ... SELECT over the rows (kg_evidence_rows), in their order:
  // the same ids as one insert each. Rows that all have sentence offsets and
  // the default confidence (an ingest's) go through the statement that
  // leaves those two columns to their defaults: two virtual-table columns
  // fewer a row. OR FAIL instead of the default ABORT: unless a foreign key
  // is checked (which still aborts the statement), SQLite then opens no
  // statement journal, which copied each page before the statement first
  // changed it. A failed statement keeps the rows before the failure, which
  // is this function's contract inside a transaction; outside one, Write
  // rolls them back. The evidence of 2,000 bench articles, inserted as a
  // bulk ingest does: 2,056M instructions, 1,999M with OR FAIL, 1,878M with
  // the shorter statement too; the same database file, byte for byte.
  const bool offsets = std::all_of(rows.begin(), rows.end(), [](const Evidence& e) {
    return e.sentence_start.has_value() && e.confidence == 1.0;
  });
  auto insert = [&] {
    auto& s = *st_;
    if (!s.evidence_module) s.evidence_module.emplace(db_, "kg_evidence_rows", s.evidence_rows);
    RowsBinding<Evidence> bound(s.evidence_rows.rows, rows);
    Journaled journaled(journal_.get());
    (offsets ? s.insert_evidence_offsets : s.insert_evidence)->Run();
    if (journal_ && journal_->evidence)
      journal_->AddEvidence(rows, db_.LastInsertRowid() - static_cast<int64_t>(rows.size()) + 1);
    journaled.Done();
  };
  // Inside an open transaction, no savepoint (its statement journal would
  // copy every page the rows touch): a failure there leaves the rows before
  // it written, and the caller rolls the transaction back.
  if (txn_depth_ > 0)
    insert();
  else
    Write(insert);
}

namespace {
std::vector<Evidence> ReadEvidence(Statement& st, int64_t id) {
  st.Bind(1, id);
  std::vector<Evidence> out;
  while (st.Step()) {
    Evidence e;
    e.id = st.ColumnInt(0);
    if (!st.IsNull(1)) e.node = st.ColumnInt(1);
    if (!st.IsNull(2)) e.rel = st.ColumnInt(2);
    e.article = st.ColumnInt(3);
    e.sentence_index = st.ColumnInt(4);
    e.span_start = st.ColumnInt(5);
    e.span_end = st.ColumnInt(6);
    e.sentence = st.ColumnText(7);
    e.rule = st.ColumnText(8);
    e.confidence = st.ColumnDouble(9);
    e.article_title = st.ColumnOptText(10);
    e.article_published = st.ColumnOptText(11);
    if (!st.IsNull(12)) e.sentence_start = st.ColumnInt(12);
    if (!st.IsNull(13)) e.sentence_end = st.ColumnInt(13);
    out.push_back(std::move(e));
  }
  st.Reset();
  return out;
}
}  // namespace

std::vector<Evidence> Store::EvidenceForNode(NodeId id) const {
  return ReadEvidence(*st_->evidence_node, id);
}
std::vector<Evidence> Store::EvidenceForRelationship(RelId id) const {
  return ReadEvidence(*st_->evidence_rel, id);
}

// --- bulk loads

std::vector<std::string> Store::MissingIndexes() const {
  Statement st(db_, "SELECT 1 FROM sqlite_schema WHERE type='index' AND name=?1");
  std::vector<std::string> missing;
  for (const auto& index : kIndexes) {
    st.Bind(1, index.name);
    if (!st.Step()) missing.emplace_back(index.name);
    st.Reset();
  }
  return missing;
}

void Store::DropIndexes(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (std::none_of(std::begin(kIndexes), std::end(kIndexes),
                     [&](const IndexDef& index) { return name == index.name; }))
      throw StorageError("no secondary index '" + name + "' to drop");
  }
  Write([&] {
    for (const auto& index : kIndexes) {
      if (std::find(names.begin(), names.end(), index.name) == names.end()) continue;
      // The name is one of kIndexes (a constant), not the caller's text.
      db_.Exec((std::string("DROP INDEX IF EXISTS ") + index.name).c_str());
    }
    JournalDroppedTables(names);
  });
}

namespace {

// --- secondary indexes written from the keys of the rows a Store added
//
// CREATE INDEX reads its table and sorts the records (SQLite's external
// merge sort): at the end of a bulk ingest into a new store, that was 1.14M
// instructions per bench article, 15 % of the run. While a table's indexes
// are dropped and it held no rows before, the Store notes the key of each row
// it adds (IndexJournal), so RestoreIndexes writes those indexes from keys
// radix-sorted in memory (WriteSortedIndex), without reading the table.
// Reading the table instead (one scan for both evidence indexes, one for both
// rels indexes) cost as much as CREATE INDEX: 2,000 bench articles, the four
// indexes 2,144M instructions against 2,143M, of which the scans 552M and
// the ordered inserts 1,538M (an INSERT into a WITHOUT ROWID table costs
// ~2,500 instructions a record; CREATE INDEX's own inserts cost less, but its
// scan and sort more). So a table with older rows keeps CREATE INDEX.

using Keys = std::vector<uint64_t>;

// One column of packed records: an integer, or for a text column the
// index of its value in `names`.
struct PackedField {
  int bits = 0;
  const std::vector<std::string>* names = nullptr;
};

// The records of `def`, each key holding its columns' fields from high to
// low bits, as the row source WriteSortedIndex reads.
class PackedRecords : public RowSource {
 public:
  PackedRecords(const SortedIndexDef& def, const Keys& keys, std::vector<PackedField> fields)
      : declaration_(std::string("CREATE TABLE x(") + def.columns + ")"),
        keys_(keys),
        fields_(std::move(fields)) {
    int shift = 0;
    shifts_.resize(fields_.size());
    for (size_t i = fields_.size(); i-- > 0;) {
      shifts_[i] = shift;
      shift += fields_[i].bits;
    }
  }
  const char* Declaration() const override { return declaration_.c_str(); }
  size_t Rows() const override { return keys_.size(); }
  void Column(size_t row, int column, sqlite3_context* ctx) const override {
    const auto& field = fields_[static_cast<size_t>(column)];
    const uint64_t value = field.bits == 0 ? 0
                           : (keys_[row] >> shifts_[static_cast<size_t>(column)]) &
                                 (field.bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << field.bits) - 1);
    if (field.names) {
      const std::string& name = (*field.names)[static_cast<size_t>(value)];
      sqlite3_result_text64(ctx, name.data(), name.size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      sqlite3_result_int64(ctx, static_cast<int64_t>(value));
    }
  }

 private:
  std::string declaration_;
  const Keys& keys_;
  std::vector<PackedField> fields_;
  std::vector<int> shifts_;
};

// Sorts `keys` (the fields of `fields`, from high to low bits) by all but
// their last field, stably: their last field (the rowid) ascends already.
// Then writes index `name` from them. False when SQLite does not allow it.
bool WritePacked(Database& db, const char* name, const char* table, const char* columns, const char* names,
                 const char* sql, Keys& keys, std::vector<PackedField> fields) {
  int total = 0;
  for (const auto& field : fields) total += field.bits;
  RadixSortBits(keys, fields.back().bits, total);
  const SortedIndexDef def{name, table, sql, columns, names};
  PackedRecords records(def, keys, std::move(fields));
  return WriteSortedIndex(db, def, records);
}

int64_t DataVersion(Database& db) {
  Statement st(db, "PRAGMA data_version");
  st.Step();
  return st.ColumnInt(0);
}

}  // namespace

void Store::JournalDroppedTables(const std::vector<std::string>& names) {
  auto dropped = [&](const char* name) { return std::find(names.begin(), names.end(), name) != names.end(); };
  auto empty = [&](const char* sql) { return ScalarInt(db_, sql) == 0; };
  const bool evidence = (dropped("evidence_node") || dropped("evidence_rel")) &&
                        empty("SELECT EXISTS (SELECT 1 FROM evidence)");
  const bool rels = (dropped("rels_src_type") || dropped("rels_dst_type")) &&
                    empty("SELECT EXISTS (SELECT 1 FROM rels)");
  if (!evidence && !rels) return;
  journal_ = std::make_unique<IndexJournal>();
  journal_->evidence = evidence;
  journal_->rels = rels;
  journal_->data_version = DataVersion(db_);
}

void Store::WriteIndexesFromJournal(std::vector<std::string>& missing) {
  std::unique_ptr<IndexJournal> journal = std::move(journal_);
  if (!journal || !journal->valid || DataVersion(db_) != journal->data_version) return;
  auto wanted = [&](std::string_view name) {
    return std::find(missing.begin(), missing.end(), name) != missing.end();
  };
  auto done = [&](std::string_view name) {
    written_from_keys_.emplace_back(name);
    missing.erase(std::find(missing.begin(), missing.end(), name));
  };
  auto sql = [](std::string_view name) {
    for (const auto& index : kIndexes)
      if (name == index.name) return index.sql;
    return "";
  };
  // Every row of the table is in the journal: the counts (which SQLite
  // reads from the b-tree's pages, not its rows) agree.
  if (journal->evidence &&
      ScalarInt(db_, "SELECT count(*) FROM evidence") ==
          static_cast<int64_t>(journal->evidence_node.size() + journal->evidence_rel.size())) {
    // (node_id, id) and (rel_id, id), the rows where it is not NULL, as the
    // indexes' WHERE clauses keep.
    auto write = [&](const char* name, const char* columns, const char* names, Keys& keys) {
      if (!wanted(name) || keys.empty()) return;
      uint64_t max = 0;
      for (uint64_t key : keys) max = std::max(max, key);
      const std::vector<PackedField> fields = {{static_cast<int>(std::bit_width(max >> 32)), nullptr},
                                               {32, nullptr}};
      if (WritePacked(db_, name, "evidence", columns, names, sql(name), keys, fields)) done(name);
    };
    write("evidence_node", "node_id INTEGER, id INTEGER", "node_id, id", journal->evidence_node);
    journal->evidence_node = Keys();
    write("evidence_rel", "rel_id INTEGER, id INTEGER", "rel_id, id", journal->evidence_rel);
    journal->evidence_rel = Keys();
  }
  const auto& rows = journal->rel_rows;
  if (journal->rels && !rows.empty() &&
      ScalarInt(db_, "SELECT count(*) FROM rels") == static_cast<int64_t>(rows.size())) {
    // (src, type, id) and (dst, type, id), types ranked in BINARY order
    // (std::string compares as memcmp does).
    const auto& types = journal->types;
    std::vector<uint32_t> order(types.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return types[a] < types[b]; });
    std::vector<uint32_t> rank(types.size());
    std::vector<std::string> sorted(types.size());
    for (uint32_t r = 0; r < order.size(); ++r) {
      rank[order[r]] = r;
      sorted[r] = types[order[r]];
    }
    uint32_t max_node = 0;
    for (const auto& rel : rows) max_node = std::max({max_node, rel.src, rel.dst});
    const int node_bits = std::bit_width(max_node);
    const int type_bits = std::bit_width(uint64_t{types.size() - 1});
    const int id_bits = std::bit_width(rows.back().id);
    auto write = [&](const char* name, const char* columns, const char* names, bool by_src) {
      if (!wanted(name) || node_bits + type_bits + id_bits > 64) return;
      Keys keys(rows.size());
      for (size_t i = 0; i < rows.size(); ++i) {
        const uint64_t node = by_src ? rows[i].src : rows[i].dst;
        keys[i] = (node << type_bits | rank[rows[i].type]) << id_bits | rows[i].id;
      }
      const std::vector<PackedField> fields = {{node_bits, nullptr}, {type_bits, &sorted}, {id_bits, nullptr}};
      if (WritePacked(db_, name, "rels", columns, names, sql(name), keys, fields)) done(name);
    };
    write("rels_src_type", "src INTEGER, type TEXT, id INTEGER", "src, type, id", true);
    write("rels_dst_type", "dst INTEGER, type TEXT, id INTEGER", "dst, type, id", false);
  }
}

bool Store::UseRollbackJournal(bool on) {
  if (read_only_) return false;
  // TRUNCATE: the journal file is emptied at commit, not deleted and made
  // again for the next transaction.
  const char* want = on ? "truncate" : "wal";
  try {
    // A change of mode resets this connection's page cache, which PRAGMA
    // data_version counts as another connection's commit: the keys noted
    // for the dropped indexes stay good if nothing else changed before.
    const bool journal_current = journal_ && DataVersion(db_) == journal_->data_version;
    bool changed = false;
    {
      Statement st(db_, on ? "PRAGMA journal_mode=TRUNCATE" : "PRAGMA journal_mode=WAL");
      changed = st.Step() && st.ColumnView(0) == want;
    }
    if (journal_current) journal_->data_version = DataVersion(db_);
    // With a rollback journal, a commit waits until no reader holds the
    // file: a reader's long query must delay a batch, not fail it (in WAL
    // mode readers never block the writer).
    if (changed) db_.SetBusyTimeout(on ? kRollbackBusyTimeoutMs : Database::kBusyTimeoutMs);
    return changed;
  } catch (const StorageError&) {
    if (!LockedByAnother(db_)) throw;
    return false;
  }
}

std::vector<std::string> Store::RestoreIndexes() {
  written_from_keys_.clear();
  auto missing = MissingIndexes();
  if (missing.empty()) {
    journal_.reset();
    return missing;
  }
  Write([&] {
    // Within the write lock: another connection may have restored some.
    std::vector<std::string> left = MissingIndexes();
    WriteIndexesFromJournal(left);
    if (left.empty()) return;
    // CREATE INDEX sorts in runs as big as the page cache: with a large cache
    // one huge run is sorted in memory, which is slower than merging runs of
    // SQLite's default size (10,000 articles, the four indexes a bulk load
    // drops: 3.8 s with a 256 MB cache, 1.7 s with the default; the seven
    // indexes of 10,000 fresh articles in the sqlite3 shell, medians of 3
    // alternated runs: 2 MB 1.70 s, 0.5 MB 1.83 s, 1 MB 2.00 s; in another
    // series 2 MB 1.88 s, 8 MB 2.01 s, 16 MB 2.34 s). The connection's cache
    // size comes back afterwards.
    int64_t cache_size = 0;
    {
      Statement st(db_, "PRAGMA cache_size");
      if (st.Step()) cache_size = st.ColumnInt(0);
    }
    db_.Exec("PRAGMA cache_size=-2000");
    struct RestoreCache {
      Database& db;
      int64_t size;
      ~RestoreCache() {
        // PRAGMA takes no bound parameters; the value is the integer SQLite gave.
        sqlite3_exec(db.handle(), ("PRAGMA cache_size=" + std::to_string(size)).c_str(), nullptr, nullptr,
                     nullptr);
      }
    } restore_cache{db_, cache_size};
    for (const auto& index : kIndexes) {
      if (std::find(left.begin(), left.end(), index.name) == left.end()) continue;
      db_.Exec(index.sql);
    }
  });
  return missing;
}

// --- whole store

Stats Store::GetStats() const {
  Stats s;
  s.articles = ScalarInt(db_, "SELECT count(*) FROM articles");
  s.nodes = ScalarInt(db_, "SELECT count(*) FROM nodes");
  s.relationships = ScalarInt(db_, "SELECT count(*) FROM rels");
  s.evidence = ScalarInt(db_, "SELECT count(*) FROM evidence");
  s.aliases = ScalarInt(db_, "SELECT count(*) FROM aliases");
  Statement by_label(db_, "SELECT label, count(*) FROM node_labels GROUP BY label ORDER BY label");
  while (by_label.Step()) s.nodes_by_label.emplace_back(by_label.ColumnText(0), by_label.ColumnInt(1));
  Statement by_type(db_, "SELECT type, count(*) FROM rels GROUP BY type ORDER BY type");
  while (by_type.Step()) s.rels_by_type.emplace_back(by_type.ColumnText(0), by_type.ColumnInt(1));
  return s;
}

std::vector<std::string> Store::Check() const {
  std::vector<std::string> problems;
  {
    Statement st(db_, "PRAGMA integrity_check");
    while (st.Step()) {
      std::string line = st.ColumnText(0);
      if (line != "ok") problems.push_back("sqlite: " + line);
    }
  }
  struct Invariant {
    const char* sql;
    const char* what;
  };
  // Each query returns (id, detail) of the rows that break the invariant.
  static constexpr Invariant kInvariants[] = {
      {"SELECT r.id, r.src FROM rels r LEFT JOIN nodes n ON n.id = r.src WHERE n.id IS NULL "
       "ORDER BY r.id",
       "relationship %1 starts at missing node %2"},
      {"SELECT r.id, r.dst FROM rels r LEFT JOIN nodes n ON n.id = r.dst WHERE n.id IS NULL "
       "ORDER BY r.id",
       "relationship %1 ends at missing node %2"},
      {"SELECT e.id, e.node_id FROM evidence e LEFT JOIN nodes n ON n.id = e.node_id "
       "WHERE e.node_id IS NOT NULL AND n.id IS NULL ORDER BY e.id",
       "evidence %1 points at missing node %2"},
      {"SELECT e.id, e.rel_id FROM evidence e LEFT JOIN rels r ON r.id = e.rel_id "
       "WHERE e.rel_id IS NOT NULL AND r.id IS NULL ORDER BY e.id",
       "evidence %1 points at missing relationship %2"},
      {"SELECT e.id, e.article_id FROM evidence e LEFT JOIN articles a ON a.id = e.article_id "
       "WHERE a.id IS NULL ORDER BY e.id",
       "evidence %1 points at missing article %2"},
      {"SELECT e.id, e.article_id FROM evidence e JOIN articles a ON a.id = e.article_id "
       "WHERE e.span_start < 0 OR e.span_end < e.span_start OR e.span_end > length(CAST(a.text AS BLOB)) "
       "ORDER BY e.id",
       "evidence %1 has a span outside article %2"},
      {"SELECT e.id, e.article_id FROM evidence e JOIN articles a ON a.id = e.article_id "
       "WHERE e.sentence_start IS NOT NULL AND (e.sentence_start < 0 OR "
       "e.sentence_end < e.sentence_start OR e.sentence_end > length(CAST(a.text AS BLOB))) "
       "ORDER BY e.id",
       "evidence %1 has a sentence outside article %2"},
      {"SELECT l.node_id, l.label FROM node_labels l LEFT JOIN nodes n ON n.id = l.node_id "
       "WHERE n.id IS NULL ORDER BY l.node_id",
       "label of missing node %1 (%2)"},
      {"SELECT a.node_id, a.alias FROM aliases a LEFT JOIN nodes n ON n.id = a.node_id "
       "WHERE n.id IS NULL ORDER BY a.node_id",
       "alias '%2' of missing node %1"},
      {"SELECT id, props FROM nodes WHERE json_valid(props) = 0 OR json_type(props) <> 'object' "
       "ORDER BY id",
       "node %1 has malformed properties"},
      {"SELECT id, props FROM rels WHERE json_valid(props) = 0 OR json_type(props) <> 'object' "
       "ORDER BY id",
       "relationship %1 has malformed properties"},
  };
  for (const auto& name : MissingIndexes()) {
    problems.push_back("index " + name +
                       " is missing (a bulk ingest was interrupted or is running; the answers "
                       "are right but slow until a write, e.g. 'kg init', rebuilds it)");
  }
  for (const auto& inv : kInvariants) {
    Statement st(db_, inv.sql);
    while (st.Step()) {
      std::string msg = inv.what;
      auto put = [&](const char* mark, const std::string& text) {
        auto pos = msg.find(mark);
        if (pos != std::string::npos) msg.replace(pos, 2, text);
      };
      put("%1", st.ColumnText(0));
      put("%2", st.ColumnText(1));
      problems.push_back(msg);
    }
  }
  return problems;
}

int64_t Store::GraphVersion() const {
  auto& st = *st_->graph_version;
  st.Step();
  int64_t v = st.ColumnInt(0);
  st.Reset();
  return v;
}

}  // namespace kg::graph
