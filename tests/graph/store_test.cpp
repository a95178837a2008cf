// The store: nodes, relationships, evidence and aliases; transactions are all
// or nothing; databases from a newer kg are refused untouched.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <algorithm>

#include "graph/store.h"
#include "tests/test_util.h"

using namespace kg::graph;
using kg::testing::ReadFile;
using kg::testing::TempDir;

TEST_CASE("nodes and relationships round-trip with labels and properties", "[graph][store]") {
  TempDir tmp;
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  Properties props{{"name", Value("Société Générale")},
                   {"big", Value(std::numeric_limits<int64_t>::max())},
                   {"tags", Value(List{Value("a"), Value(1.5)})}};
  NodeId a = store.CreateNode({"Organization", "Bank"}, props);
  NodeId b = store.CreateNode({"Project"}, {{"name", Value("Stargate")}});
  RelId r = store.CreateRelationship(a, b, "FUNDS", {{"amount_usd", Value(1e11)}});

  auto node = store.GetNode(a);
  REQUIRE(node);
  CHECK(node->labels == std::vector<std::string>{"Bank", "Organization"});
  CHECK(node->props == props);
  auto rel = store.GetRelationship(r);
  REQUIRE(rel);
  CHECK(rel->start == a);
  CHECK(rel->end == b);
  CHECK(rel->type == "FUNDS");
  CHECK(rel->props.at("amount_usd") == Value(1e11));
  CHECK(store.NodesNamed("Stargate") == std::vector<NodeId>{b});
  CHECK(store.NodesWithLabel("Organization") == std::vector<NodeId>{a});
  auto out = store.EdgesOf(a, Direction::kOut);
  REQUIRE(out.size() == 1);
  CHECK(out[0].other == b);
  CHECK(store.EdgesOf(b, Direction::kIn, "FUNDS").size() == 1);
  CHECK(store.EdgesOf(b, Direction::kIn, "OWNS").empty());
  CHECK_FALSE(store.GetNode(999));
}

TEST_CASE("a relationship to a missing node is refused", "[graph][store]") {
  TempDir tmp;
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  NodeId a = store.CreateNode({"X"}, {});
  CHECK_THROWS_AS(store.CreateRelationship(a, 42, "T", {}), kg::StorageError);
  CHECK_THROWS_WITH(store.CreateRelationship(a, 42, "T", {}), Catch::Contains("node 42 does not exist"));
  CHECK_THROWS_WITH(store.CreateRelationship(43, a, "T", {}), Catch::Contains("node 43 does not exist"));
  {
    Store::WriteTxn txn(store);  // inside a transaction too
    CHECK_THROWS_WITH(store.CreateRelationship(a, 44, "T", {}), Catch::Contains("node 44 does not exist"));
    store.CreateRelationship(a, a, "SELF", {});
    txn.Commit();
  }
  CHECK(store.GetStats().relationships == 1);
  CHECK(store.Check().empty());
}

TEST_CASE("a failed write inside a transaction leaves the database as it was", "[graph][store]") {
  TempDir tmp;
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  NodeId keep = store.CreateNode({"Keep"}, {{"name", Value("kept")}});
  auto version = store.GraphVersion();
  try {
    Store::WriteTxn txn(store);
    NodeId n = store.CreateNode({"Temp"}, {{"name", Value("temp")}});
    store.CreateRelationship(keep, n, "LINK", {});
    store.AddAlias(n, "temporary");
    store.CreateRelationship(n, 12345, "BROKEN", {});  // throws
    txn.Commit();
    FAIL("the write should have thrown");
  } catch (const kg::StorageError&) {
  }
  auto stats = store.GetStats();
  CHECK(stats.nodes == 1);
  CHECK(stats.relationships == 0);
  CHECK(stats.aliases == 0);
  CHECK(store.GraphVersion() == version);
  CHECK(store.Check().empty());
}

TEST_CASE("committed writes bump the graph version", "[graph][store]") {
  TempDir tmp;
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  auto v0 = store.GraphVersion();
  {
    Store::WriteTxn txn(store);
    store.CreateNode({"A"}, {});
    store.CreateNode({"A"}, {});
    txn.Commit();
  }
  CHECK(store.GraphVersion() == v0 + 1);
}

TEST_CASE("aliases resolve regardless of case and accents", "[graph][store]") {
  TempDir tmp;
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  NodeId us = store.CreateNode({"Country"}, {{"name", Value("United States")}});
  store.AddAlias(us, "United States");
  store.AddAlias(us, "les États-Unis");
  store.AddAlias(us, "U.S.");
  CHECK(store.FindByAlias("LES ETATS-UNIS") == std::vector<NodeId>{us});
  CHECK(store.FindByAlias("u.s.") == std::vector<NodeId>{us});
  CHECK(store.FindByAlias("France").empty());
  CHECK(store.AliasesOf(us).size() == 3);
}

TEST_CASE("evidence links a fact to its article and sentence", "[graph][store]") {
  TempDir tmp;
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  Article art;
  art.hash = "h1";
  art.title = "Title";
  art.text = "OpenAI funds Stargate.";
  ArticleId aid = store.AddArticle(art);
  CHECK(store.FindArticleByHash("h1") == aid);
  CHECK_FALSE(store.FindArticleByHash("h2"));
  CHECK_THROWS_AS(store.AddArticle(art), kg::StorageError);  // same hash twice

  NodeId a = store.CreateNode({"Organization"}, {{"name", Value("OpenAI")}});
  NodeId b = store.CreateNode({"Project"}, {{"name", Value("Stargate")}});
  RelId r = store.CreateRelationship(a, b, "FUNDS", {});
  Evidence e;
  e.rel = r;
  e.article = aid;
  e.span_start = 0;
  e.span_end = 22;
  e.sentence = art.text;
  e.rule = "en.funds.1";
  store.AddEvidence(e);
  auto ev = store.EvidenceForRelationship(r);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].sentence == art.text);
  CHECK(ev[0].rule == "en.funds.1");
  CHECK(ev[0].article_title == "Title");

  Evidence both = e;
  both.node = a;
  CHECK_THROWS_AS(store.AddEvidence(both), kg::StorageError);
  CHECK(store.Check().empty());
}

TEST_CASE("evidence given by sentence offsets reads back the sentence from the article", "[graph][store]") {
  TempDir tmp;
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  Article art;
  art.hash = "h1";
  art.text = "Préambule. L'État finance Stargate. Fin.";
  ArticleId aid = store.AddArticle(art);
  NodeId n = store.CreateNode({"Project"}, {{"name", Value("Stargate")}});
  Evidence e;
  e.node = n;
  e.article = aid;
  size_t b = art.text.find("L'État"), en = art.text.find(" Fin.");
  e.sentence_start = static_cast<int64_t>(b);
  e.sentence_end = static_cast<int64_t>(en);
  e.span_start = static_cast<int64_t>(art.text.find("Stargate"));
  e.span_end = e.span_start + 8;
  e.rule = "entity:lexicon";
  store.AddEvidence(e);
  auto ev = store.EvidenceForNode(n);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].sentence == "L'État finance Stargate.");
  CHECK(ev[0].sentence_start == e.sentence_start);
  CHECK(ev[0].sentence_end == e.sentence_end);
  {
    Statement raw(store.db(), "SELECT sentence IS NULL FROM evidence");
    REQUIRE(raw.Step());
    CHECK(raw.ColumnInt(0) == 1);  // no copy of the sentence
  }
  CHECK(store.Check().empty());

  Evidence half = e;
  half.sentence_end.reset();
  CHECK_THROWS_AS(store.AddEvidence(half), kg::StorageError);
  Evidence outside = e;
  outside.sentence_end = 10000;
  store.AddEvidence(outside);
  auto problems = store.Check();
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::Contains("sentence outside article"));
}

TEST_CASE("a failed single-statement write inside a transaction keeps the writes before it", "[graph][store]") {
  TempDir tmp;
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  {
    Store::WriteTxn txn(store);
    NodeId n = store.CreateNode({"Kept"}, {{"name", Value("kept")}});
    Evidence e;
    e.node = n;
    e.article = 999;  // no such article: the insert fails on its foreign key
    e.sentence = "x";
    e.rule = "r";
    CHECK_THROWS_AS(store.AddEvidence(e), kg::StorageError);
    store.AddAlias(n, "also kept");
    txn.Commit();
  }
  auto stats = store.GetStats();
  CHECK(stats.nodes == 1);
  CHECK(stats.evidence == 0);
  CHECK(stats.aliases == 1);
  CHECK(store.Check().empty());
}

TEST_CASE("a version 1 database is migrated: evidence sentences become offsets into the article", "[graph][store]") {
  TempDir tmp;
  std::string path = tmp.File("kg.db");
  ArticleId aid = 0;
  NodeId n = 0;
  {
    Store store(path, Store::Mode::kReadWrite);
    Article art;
    art.hash = "h1";
    art.text = "Première phrase. OpenAI lance Sora. Fin.";
    aid = store.AddArticle(art);
    n = store.CreateNode({"Organization"}, {{"name", Value("OpenAI")}});
  }
  {
    // The evidence table as version 1 wrote it: every row with its sentence.
    Database db(path, Database::Mode::kReadWrite);
    db.Exec(R"sql(
      DROP TABLE evidence;
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
      PRAGMA user_version=1;)sql");
    Statement ins(db, "INSERT INTO evidence(node_id, article_id, sentence_index, span_start, span_end, sentence, rule) "
                      "VALUES (?1, ?2, 1, 18, 24, ?3, 'entity:lexicon')");
    ins.Bind(1, n).Bind(2, aid).Bind(3, "OpenAI lance Sora.").Run();
    ins.Bind(1, n).Bind(2, aid).Bind(3, "Not in the article.").Run();
  }
  Store store(path, Store::Mode::kReadWrite);
  auto ev = store.EvidenceForNode(n);
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].sentence == "OpenAI lance Sora.");
  CHECK(ev[0].sentence_start == static_cast<int64_t>(std::string("Première phrase. ").size()));
  CHECK(ev[1].sentence == "Not in the article.");
  CHECK_FALSE(ev[1].sentence_start);
  CHECK(store.Check().empty());
  Statement version(store.db(), "PRAGMA user_version");
  REQUIRE(version.Step());
  CHECK(version.ColumnInt(0) == kSchemaVersion);
}

TEST_CASE("a version 2 database is read as it is and loses its evidence_article index when opened for writing",
          "[graph][store]") {
  TempDir tmp;
  std::string path = tmp.File("kg.db");
  NodeId n = 0;
  {
    Store store(path, Store::Mode::kReadWrite);
    Article art;
    art.hash = "h1";
    art.text = "OpenAI lance Sora. Fin.";
    const ArticleId aid = store.AddArticle(art);
    n = store.CreateNode({"Organization"}, {{"name", Value("OpenAI")}});
    Evidence e;
    e.node = n;
    e.article = aid;
    e.span_start = 0;
    e.span_end = 6;
    e.sentence_start = 0;
    e.sentence_end = 18;
    e.rule = "entity";
    store.AddEvidence(e);
  }
  auto has_index = [&] {
    Database db(path, Database::Mode::kReadOnly);
    Statement st(db, "SELECT count(*) FROM sqlite_schema WHERE name='evidence_article'");
    st.Step();
    return st.ColumnInt(0) == 1;
  };
  CHECK_FALSE(has_index());
  {
    // What version 2 wrote: the same tables, and the index.
    Database db(path, Database::Mode::kReadWrite);
    db.Exec("CREATE INDEX evidence_article ON evidence(article_id); PRAGMA user_version=2");
  }
  {
    Store store(path, Store::Mode::kReadOnly);
    auto ev = store.EvidenceForNode(n);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].sentence == "OpenAI lance Sora.");
    CHECK(store.Check().empty());
  }
  CHECK(has_index());
  {
    Store store(path, Store::Mode::kReadWrite);
    CHECK(store.Check().empty());
    Statement version(store.db(), "PRAGMA user_version");
    REQUIRE(version.Step());
    CHECK(version.ColumnInt(0) == kSchemaVersion);
    // Deleting an article still deletes its evidence (a table scan now).
    store.db().Exec("DELETE FROM articles");
    CHECK(store.GetStats().evidence == 0);
  }
  CHECK_FALSE(has_index());
}

TEST_CASE("a database written by a newer kg is refused and left untouched", "[graph][store]") {
  TempDir tmp;
  std::string path = tmp.File("kg.db");
  {
    Store store(path, Store::Mode::kReadWrite);
    store.CreateNode({"A"}, {});
  }
  {
    Database db(path, Database::Mode::kReadWrite);
    db.Exec("PRAGMA journal_mode=DELETE");
    db.Exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion + 1)).c_str());
  }
  std::string before = ReadFile(path);
  try {
    Store store(path, Store::Mode::kReadWrite);
    FAIL("opening should have thrown");
  } catch (const kg::StorageError& e) {
    CHECK_THAT(e.what(), Catch::Contains("newer kg"));
  }
  CHECK(ReadFile(path) == before);
}

TEST_CASE("a file that is not a kg database is refused", "[graph][store]") {
  TempDir tmp;
  std::string path = tmp.File("other.db");
  kg::testing::WriteFile(path, "this is not sqlite at all, just text that is long enough....");
  CHECK_THROWS_AS(Store(path, Store::Mode::kReadWrite), kg::StorageError);
  {
    Database db(tmp.File("foreign.db"), Database::Mode::kReadWriteCreate);
    db.Exec("CREATE TABLE t(x)");
  }
  CHECK_THROWS_WITH(Store(tmp.File("foreign.db"), Store::Mode::kReadWrite),
                    Catch::Contains("not a kg database"));
}

TEST_CASE("check reports a dangling relationship", "[graph][store]") {
  TempDir tmp;
  std::string path = tmp.File("kg.db");
  {
    Store store(path, Store::Mode::kReadWrite);
    NodeId a = store.CreateNode({"A"}, {});
    NodeId b = store.CreateNode({"B"}, {});
    store.CreateRelationship(a, b, "T", {});
    CHECK(store.Check().empty());
  }
  {
    Database db(path, Database::Mode::kReadWrite);
    db.Exec("PRAGMA foreign_keys=OFF");
    db.Exec("INSERT INTO rels(src, dst, type) VALUES (1, 77, 'DANGLING')");
  }
  Store store(path, Store::Mode::kReadOnly);
  auto problems = store.Check();
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::Contains("missing node 77"));
}

TEST_CASE("deleting a node with relationships needs detach", "[graph][store]") {
  TempDir tmp;
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  NodeId a = store.CreateNode({"A"}, {});
  NodeId b = store.CreateNode({"B"}, {});
  store.CreateRelationship(a, b, "T", {});
  CHECK_THROWS_AS(store.DeleteNode(a, false), kg::StorageError);
  store.DeleteNode(a, true);
  CHECK(store.GetStats().nodes == 1);
  CHECK(store.GetStats().relationships == 0);
  CHECK(store.Check().empty());
}

namespace {
std::vector<std::string> IndexDefinitions(const Store& store) {
  Statement st(store.db(), "SELECT sql FROM sqlite_schema WHERE type='index' AND sql IS NOT NULL ORDER BY name");
  std::vector<std::string> out;
  while (st.Step()) out.push_back(st.ColumnText(0));
  return out;
}
}  // namespace

TEST_CASE("indexes dropped for a bulk load: same answers, reported by check, rebuilt on the next write open",
          "[graph][store]") {
  TempDir tmp;
  std::string path = tmp.File("kg.db");
  std::vector<std::string> before;
  NodeId a = 0, b = 0;
  RelId r = 0;
  {
    Store store(path, Store::Mode::kReadWrite);
    CHECK(store.MissingIndexes().empty());
    before = IndexDefinitions(store);
    Article art;
    art.hash = "h1";
    art.text = "OpenAI funds Stargate.";
    ArticleId aid = store.AddArticle(art);
    a = store.CreateNode({"Organization"}, {{"name", Value("OpenAI")}});
    b = store.CreateNode({"Project"}, {{"name", Value("Stargate")}});
    r = store.CreateRelationship(a, b, "FUNDS", {});
    CHECK_THROWS_AS(store.DropIndexes({"evidence_node", "no_such_index"}), kg::StorageError);
    CHECK(store.MissingIndexes().empty());
    store.DropIndexes({"evidence_node", "evidence_rel", "rels_dst_type"});
    CHECK(store.MissingIndexes() == std::vector<std::string>{"rels_dst_type", "evidence_node", "evidence_rel"});
    Evidence e;
    e.rel = r;
    e.article = aid;
    e.span_end = 22;
    e.sentence_start = 0;
    e.sentence_end = 22;
    e.rule = "en.funds.1";
    store.AddEvidence(e);
    e.rel.reset();
    e.node = a;
    store.AddEvidence(e);
    // Without the indexes: the same answers.
    CHECK(store.EvidenceForRelationship(r).size() == 1);
    CHECK(store.EvidenceForNode(a).size() == 1);
    CHECK(store.EdgesOf(b, Direction::kIn).size() == 1);
    // The process ends here without restoring them (an interrupted bulk load).
  }
  {
    Store reader(path, Store::Mode::kReadOnly);
    CHECK(reader.MissingIndexes().size() == 3);
    auto problems = reader.Check();
    REQUIRE(problems.size() == 3);
    CHECK(problems[0].find("index rels_dst_type is missing") == 0);
    CHECK(reader.EvidenceForNode(a).size() == 1);
  }
  Store writer(path, Store::Mode::kReadWrite);
  CHECK(writer.MissingIndexes().empty());
  CHECK(writer.Check().empty());
  CHECK(IndexDefinitions(writer) == before);
  CHECK(writer.EvidenceForRelationship(r).size() == 1);
  CHECK(writer.RestoreIndexes().empty());
}

TEST_CASE("evidence rows added together get the ids of one insert each, all or nothing", "[graph][store]") {
  TempDir tmp;
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  Article art;
  art.hash = "h1";
  art.text = "OpenAI funds Stargate.";
  ArticleId aid = store.AddArticle(art);
  NodeId a = store.CreateNode({"Organization"}, {{"name", Value("OpenAI")}});
  std::vector<Evidence> rows;
  for (int i = 0; i < 70; ++i) {  // two statements of 32 rows, then six alone
    Evidence e;
    e.node = a;
    e.article = aid;
    e.sentence_index = i;
    e.span_end = 6;
    if (i % 2) {
      e.sentence_start = 0;
      e.sentence_end = 22;
    } else {
      e.sentence = "text " + std::to_string(i);
    }
    e.rule = "r" + std::to_string(i);
    rows.push_back(e);
  }
  int64_t first = store.AddEvidence(rows[0]);
  store.AddEvidenceRows(rows);
  auto ev = store.EvidenceForNode(a);
  REQUIRE(ev.size() == 71);
  std::sort(ev.begin(), ev.end(), [](const Evidence& x, const Evidence& y) { return x.id < y.id; });
  for (size_t i = 0; i < rows.size(); ++i) {
    CHECK(ev[i + 1].id == first + 1 + static_cast<int64_t>(i));
    CHECK(ev[i + 1].rule == rows[i].rule);
    CHECK(ev[i + 1].sentence == (i % 2 ? art.text : rows[i].sentence));
    CHECK(ev[i + 1].sentence_start == rows[i].sentence_start);
  }
  // A row pointing at a missing node: none of the rows is written.
  rows[40].node = a + 100;
  CHECK_THROWS_AS(store.AddEvidenceRows(rows), kg::StorageError);
  CHECK(store.EvidenceForNode(a).size() == 71);
  CHECK(store.Check().empty());
}

TEST_CASE("relationships added together are those of one CreateRelationship each, all or nothing",
          "[graph][store]") {
  TempDir tmp;
  Store one_by_one(tmp.File("a.db"), Store::Mode::kReadWrite);
  Store together(tmp.File("b.db"), Store::Mode::kReadWrite);
  struct Row {
    int start, end;
    const char* type;
    Properties props;
  };
  const std::vector<Row> rows = {{0, 1, "FUNDS", {{"amount_usd", Value(1e9)}}},
                                 {1, 2, "PARTNER_OF", {}},
                                 {2, 0, "FUNDS", {{"note", Value("é")}}}};
  std::vector<NodeId> nodes;
  for (Store* store : {&one_by_one, &together}) {
    nodes.clear();
    for (const char* name : {"A", "B", "C"}) nodes.push_back(store->CreateNode({"Organization"}, {{"name", Value(name)}}));
    store->CreateRelationship(nodes[0], nodes[2], "OLD", {});
  }
  std::vector<RelId> ids;
  for (const auto& r : rows) ids.push_back(one_by_one.CreateRelationship(nodes[r.start], nodes[r.end], r.type, r.props));
  std::vector<NewRelationship> batch;
  for (const auto& r : rows) batch.push_back({nodes[r.start], nodes[r.end], r.type, EncodeProperties(r.props)});
  CHECK(together.AddRelationships(batch) == ids[0]);
  CHECK(together.AddRelationships({}) == 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    auto want = one_by_one.GetRelationship(ids[i]);
    auto got = together.GetRelationship(ids[i]);
    REQUIRE(got);
    CHECK(got->start == want->start);
    CHECK(got->end == want->end);
    CHECK(got->type == want->type);
    CHECK(got->props == want->props);
  }
  // Without properties: the column's default, the same text.
  Statement props(together.db(), "SELECT props FROM rels WHERE id=?1");
  props.Bind(1, ids[1]);
  REQUIRE(props.Step());
  CHECK(props.ColumnText(0) == "{}");
  props.Reset();
  // A row ending at a missing node: none of the rows is written.
  batch[1].end = nodes[2] + 100;
  CHECK_THROWS_AS(together.AddRelationships(batch), kg::StorageError);
  CHECK(together.MaxRelationshipId() == ids.back());
  CHECK(together.Check().empty());
}

TEST_CASE("a new database takes the page size asked for; an existing one keeps its own",
          "[graph][store]") {
  TempDir tmp;
  auto page_size = [](const Store& s) {
    Statement st(s.db(), "PRAGMA page_size");
    REQUIRE(st.Step());
    return st.ColumnInt(0);
  };
  {
    Store store(tmp.File("big.db"), Store::Mode::kReadWrite, 8192);
    CHECK(page_size(store) == 8192);
    NodeId a = store.CreateNode({"Organization"}, {{"name", Value("acme")}});
    store.CreateRelationship(a, a, "OWNS", {});
    CHECK(store.Check().empty());
  }
  {
    // Reopened with another size: the file keeps 8 KiB pages and its rows.
    Store store(tmp.File("big.db"), Store::Mode::kReadWrite, 4096);
    CHECK(page_size(store) == 8192);
    CHECK(store.NodesNamed("acme").size() == 1);
    CHECK(store.Check().empty());
  }
  {
    Store store(tmp.File("default.db"), Store::Mode::kReadWrite);
    CHECK(page_size(store) == 4096);
  }
  CHECK_THROWS_AS(Store(tmp.File("odd.db"), Store::Mode::kReadWrite, 3000), kg::StorageError);
}

namespace {
std::string JournalMode(Store& store) {
  Statement st(store.db(), "PRAGMA journal_mode");
  REQUIRE(st.Step());
  return st.ColumnText(0);
}
int64_t BusyTimeout(Store& store) {
  Statement st(store.db(), "PRAGMA busy_timeout");
  REQUIRE(st.Step());
  return st.ColumnInt(0);
}
}  // namespace

TEST_CASE("a bulk load may write through a rollback journal, not while another connection has the file open",
          "[graph][store]") {
  TempDir tmp;
  std::string path = tmp.File("kg.db");
  Store store(path, Store::Mode::kReadWrite);
  CHECK(JournalMode(store) == "wal");
  REQUIRE(store.UseRollbackJournal(true));
  CHECK(JournalMode(store) == "truncate");
  // A commit then waits for readers; a reader's long query must not fail it.
  CHECK(BusyTimeout(store) == Store::kRollbackBusyTimeoutMs);
  NodeId a = 0;
  {
    Store::WriteTxn txn(store);
    a = store.CreateNode({"Organization"}, {{"name", Value("OpenAI")}});
    txn.Commit();
  }
  {
    // A failed batch still rolls back.
    Store::WriteTxn txn(store);
    store.CreateNode({"Organization"}, {{"name", Value("Oracle")}});
  }
  CHECK(store.GetStats().nodes == 1);
  REQUIRE(store.UseRollbackJournal(false));
  CHECK(JournalMode(store) == "wal");
  CHECK(BusyTimeout(store) == Database::kBusyTimeoutMs);
  {
    // Another connection keeps the WAL: the store says so and stays in it.
    Store reader(path, Store::Mode::kReadOnly);
    CHECK(reader.GetNode(a).has_value());
    CHECK_FALSE(store.UseRollbackJournal(true));
    CHECK(JournalMode(store) == "wal");
    CHECK_FALSE(reader.UseRollbackJournal(true));
  }
  // A new open for writing is in WAL mode whatever the last one left.
  REQUIRE(store.UseRollbackJournal(true));
  Store again(path, Store::Mode::kReadWrite);
  CHECK(JournalMode(again) == "wal");
  CHECK(again.GetNode(a).has_value());
}
