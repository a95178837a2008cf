#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "graph/store.h"
#include "ingest/pipeline.h"
#include "tests/ingest/corpus_pipeline.h"
#include "ingest/text.h"
#include "tests/test_util.h"

using namespace kg::ingest;

namespace {
const Pipeline& P() { return kg::ingest::testing::CorpusPipeline(); }
Extraction Run(const std::string& text) {
  return P().Extract(text, Format::kText, DocOptions{});
}
// The symmetric types of corpus/rules/relations.rules.
const std::set<std::string> kSymmetric = {"COMPETES_WITH", "PARTNER_OF"};
}  // namespace

TEST_CASE("store writes entities, relations and quotes with evidence", "[ingest][store]") {
  kg::testing::TempDir dir;
  kg::graph::Store store(dir.File("kg.db"), kg::graph::Store::Mode::kReadWrite);
  GraphWriter w(store, kSymmetric);
  auto st = w.Write(Run("Microsoft a investi 13 milliards de dollars dans OpenAI. Joe Biden a déclaré : « Nous allons investir massivement. »"));
  CHECK(!st.unchanged);
  CHECK(st.relations_added >= 1);
  CHECK(st.quotes_added == 1);
  auto ms = store.FindByAlias("Microsoft");
  REQUIRE(ms.size() == 1);
  auto edges = store.EdgesOf(ms[0], kg::graph::Direction::kOut, "FUNDS");
  REQUIRE(edges.size() == 1);
  auto rel = store.GetRelationship(edges[0].id);
  CHECK(rel->props.at("amount_usd").as_float() == 13e9);
  auto ev = store.EvidenceForRelationship(edges[0].id);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].rule == "fr.funds.investit_dans");
  CHECK(ev[0].span_end > ev[0].span_start);
  CHECK(!store.EvidenceForNode(ms[0]).empty());
  CHECK(store.Check().empty());
}

TEST_CASE("re-ingesting an article is a no-op; a fact seen twice has two evidences", "[ingest][store]") {
  kg::testing::TempDir dir;
  kg::graph::Store store(dir.File("kg.db"), kg::graph::Store::Mode::kReadWrite);
  GraphWriter w(store, kSymmetric);
  auto first = w.Write(Run("Microsoft a investi 13 milliards de dollars dans OpenAI."));
  auto again = w.Write(Run("Microsoft a investi 13 milliards de dollars dans OpenAI."));
  CHECK(again.unchanged);
  auto other = w.Write(Run("Hier, Microsoft a investi 13 milliards de dollars dans OpenAI."));
  CHECK(!other.unchanged);
  CHECK(other.entities_added == 0);
  CHECK(other.relations_added == 0);
  auto ms = store.FindByAlias("Microsoft");
  REQUIRE(ms.size() == 1);
  auto edges = store.EdgesOf(ms[0], kg::graph::Direction::kOut, "FUNDS");
  REQUIRE(edges.size() == 1);
  CHECK(store.EvidenceForRelationship(edges[0].id).size() == 2);
  (void)first;
}

TEST_CASE("the writer stores a relationship of a symmetric type once for both directions", "[ingest][store]") {
  // Two articles: "Alpha Corp MERGES_WITH Beta Corp", then the other way round.
  auto article = [](const std::string& text, bool reversed) {
    Extraction ex;
    ex.doc.text = text;
    ex.doc.lang = "en";
    ex.sentences.push_back(Sentence{0, text.size()});
    for (const char* name : {"Alpha Corp", "Beta Corp"}) {
      EntityRecord& e = ex.entities.emplace_back();
      e.name = name;
      e.type = "Organization";
      e.aliases = {name};
      e.strong = true;
    }
    RelationRecord& r = ex.relations.emplace_back();
    r.src = reversed ? 1 : 0;
    r.dst = reversed ? 0 : 1;
    r.type = "MERGES_WITH";
    r.rule = "test.merges";
    return ex;
  };
  auto relationships = [&](const std::set<std::string>& symmetric) {
    kg::testing::TempDir dir;
    kg::graph::Store store(dir.File("kg.db"), kg::graph::Store::Mode::kReadWrite);
    GraphWriter w(store, symmetric);
    int64_t added = w.Write(article("Alpha Corp merges with Beta Corp.", false)).relations_added;
    added += w.Write(article("Beta Corp merges with Alpha Corp.", true)).relations_added;
    return added;
  };
  CHECK(relationships(kSymmetric) == 2);
  CHECK(relationships({"MERGES_WITH"}) == 1);
}

TEST_CASE("a writer on an empty store merges by alias and reuses quotes as on a store with nodes", "[ingest][store]") {
  // Article 1 names "Alpha Corp" (alias "Alpha") and Jane Roe's quote;
  // article 2 names "Alpha" (the company), "ALPHA" as a person (another
  // node: another type), and the same quote again.
  auto entity = [](Extraction& ex, const char* name, const char* type, std::vector<std::string> aliases) {
    EntityRecord& e = ex.entities.emplace_back();
    e.name = name;
    e.type = type;
    e.aliases = std::move(aliases);
    e.strong = true;
  };
  auto article = [&](const std::string& text, bool second) {
    Extraction ex;
    ex.doc.text = text;
    ex.doc.lang = "en";
    ex.sentences.push_back(Sentence{0, text.size()});
    entity(ex, "Jane Roe", "Person", {"Jane Roe"});
    if (second) {
      entity(ex, "Alpha", "Organization", {"Alpha"});
      entity(ex, "ALPHA", "Person", {"ALPHA"});
    } else {
      entity(ex, "Alpha Corp", "Organization", {"Alpha Corp", "Alpha"});
    }
    QuoteRecord& q = ex.quotes.emplace_back();
    q.text = "We will grow.";
    q.speaker = 0;
    q.about = {1};
    q.rule = "test.quote";
    return ex;
  };
  struct Shape {
    size_t nodes, quotes, alpha_corp_nodes, person_alpha_nodes;
    int64_t said;
  };
  auto shape = [&](bool node_before) {
    kg::testing::TempDir dir;
    kg::graph::Store store(dir.File("kg.db"), kg::graph::Store::Mode::kReadWrite);
    if (node_before) store.CreateNode({"Place"}, {{"name", "Elsewhere"}});
    GraphWriter w(store, kSymmetric);
    w.Write(article("Alpha Corp, said Jane Roe: We will grow.", false));
    w.Write(article("Alpha and ALPHA, said Jane Roe: We will grow.", true));
    Shape s{};
    s.nodes = store.AllNodeIds().size() - (node_before ? 1 : 0);
    s.quotes = store.NodesWithLabel("Quote").size();
    auto alpha = store.FindByAlias("Alpha");
    for (auto id : alpha) {
      auto labels = store.LabelsOf(id);
      if (labels == std::vector<std::string>{"Organization"}) ++s.alpha_corp_nodes;
      if (labels == std::vector<std::string>{"Person"}) ++s.person_alpha_nodes;
    }
    auto jane = store.FindByAlias("Jane Roe");
    REQUIRE(jane.size() == 1);
    s.said = static_cast<int64_t>(store.EdgesOf(jane[0], kg::graph::Direction::kOut, "SAID").size());
    CHECK(store.Check().empty());
    return s;
  };
  const Shape empty = shape(false), with_node = shape(true);
  CHECK(empty.nodes == 4);  // Jane Roe, Alpha Corp, ALPHA, the quote
  CHECK(empty.quotes == 1);
  CHECK(empty.alpha_corp_nodes == 1);
  CHECK(empty.person_alpha_nodes == 1);
  CHECK(empty.said == 1);
  CHECK(with_node.nodes == empty.nodes);
  CHECK(with_node.quotes == empty.quotes);
  CHECK(with_node.alpha_corp_nodes == empty.alpha_corp_nodes);
  CHECK(with_node.person_alpha_nodes == empty.person_alpha_nodes);
  CHECK(with_node.said == empty.said);
}

namespace {
// What `db` says of its secondary indexes: each one's definition, the
// pragma index_list row, its index_xinfo rows, and its records (read from
// the index itself), in a text that two stores can compare.
std::string IndexReport(kg::graph::Store& store) {
  auto& db = store.db();
  std::string out;
  kg::graph::Statement indexes(
      db, "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type='index' ORDER BY name");
  while (indexes.Step()) {
    const std::string name = indexes.ColumnText(0), table = indexes.ColumnText(1);
    out += name + " on " + table + ": " + indexes.ColumnText(2) + "\n";
    kg::graph::Statement list(
        db, "SELECT seq, \"unique\", origin, partial FROM pragma_index_list(?1) WHERE name=?2");
    list.Bind(1, table);
    list.Bind(2, name);
    while (list.Step())
      for (int c = 0; c < 4; ++c) out += " " + list.ColumnText(c);
    out += "\n";
    kg::graph::Statement xinfo(db, "SELECT seqno, cid, name, desc, coll, key FROM pragma_index_xinfo(?1)");
    xinfo.Bind(1, name);
    while (xinfo.Step()) {
      for (int c = 0; c < 6; ++c) out += " " + xinfo.ColumnText(c);
      out += "\n";
    }
  }
  // The records, read through each index (a covering scan of it alone).
  static constexpr const char* kRecords[] = {
      "SELECT node_id, id FROM evidence INDEXED BY evidence_node WHERE node_id IS NOT NULL",
      "SELECT rel_id, id FROM evidence INDEXED BY evidence_rel WHERE rel_id IS NOT NULL",
      "SELECT src, type, id FROM rels INDEXED BY rels_src_type WHERE src > -1",
      "SELECT dst, type, id FROM rels INDEXED BY rels_dst_type WHERE dst > -1",
      "SELECT node_id, norm FROM aliases INDEXED BY aliases_node WHERE node_id > -1",
      "SELECT node_id, label FROM node_labels INDEXED BY node_labels_node WHERE node_id > -1",
      "SELECT name, id FROM nodes INDEXED BY nodes_name WHERE name IS NOT NULL",
  };
  for (const char* sql : kRecords) {
    kg::graph::Statement st(db, sql);
    out += sql;
    out += "\n";
    while (st.Step())
      for (int c = 0; c < sqlite3_column_count(st.handle()); ++c) out += (c ? "|" : " ") + st.ColumnText(c);
    out += "\n";
  }
  return out;
}
}  // namespace

TEST_CASE("indexes a bulk ingest rebuilds from sorted records are those CREATE INDEX builds", "[ingest][store]") {
  // The corpus articles: the first three written with every index in place,
  // the others after dropping those the writer does not read (as `kg ingest`
  // does for a bulk load), then the indexes restored. In one store they are
  // written from sorted records (WriteSortedIndex); in the other SQLite may
  // not write its schema (SQLITE_DBCONFIG_DEFENSIVE), so they are built by
  // CREATE INDEX. Both runs start empty too (every droppable index dropped).
  std::vector<std::string> texts;
  for (const auto& entry : std::filesystem::directory_iterator(KG_SOURCE_DIR "/corpus/articles"))
    if (entry.path().extension() == ".txt") texts.push_back(entry.path().string());
  std::sort(texts.begin(), texts.end());
  REQUIRE(texts.size() >= 6);
  std::vector<Extraction> extractions;
  for (const auto& path : texts)
    extractions.push_back(P().Extract(kg::testing::ReadFile(path), Format::kText, DocOptions{}));
  for (size_t written_before : {size_t{0}, size_t{3}}) {
    CAPTURE(written_before);
    kg::testing::TempDir dir;
    std::string reports[2];
    for (bool defensive : {false, true}) {
      kg::graph::Store store(dir.File(defensive ? "create.db" : "sorted.db"),
                             kg::graph::Store::Mode::kReadWrite);
      {
        GraphWriter before(store, kSymmetric);
        for (size_t i = 0; i < written_before; ++i) before.Write(extractions[i]);
      }
      GraphWriter writer(store, kSymmetric);
      store.DropIndexes(writer.UnreadIndexes());
      // As `kg ingest` may: a rollback journal for the load, the WAL after.
      REQUIRE(store.UseRollbackJournal(true));
      CHECK(store.MissingIndexes().size() == (written_before == 0 ? 7 : 3));
      for (size_t i = written_before; i < extractions.size(); ++i) writer.Write(extractions[i]);
      if (defensive)
        REQUIRE(sqlite3_db_config(store.db().handle(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr) == SQLITE_OK);
      CHECK(store.RestoreIndexes().size() == (written_before == 0 ? 7 : 3));
      REQUIRE(store.UseRollbackJournal(false));
      CHECK(store.IndexesWrittenFromKeys().size() == (defensive || written_before > 0 ? 0 : 4));
      CHECK(store.MissingIndexes().empty());
      CHECK(store.Check().empty());  // PRAGMA integrity_check among them
      kg::graph::Statement tables(store.db(), "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'kg_sorted%'");
      tables.Step();
      CHECK(tables.ColumnInt(0) == 0);
      reports[defensive] = IndexReport(store);
      // The evidence lookups, through the rebuilt indexes.
      std::string answers;
      for (auto id : store.AllNodeIds())
        for (const auto& e : store.EvidenceForNode(id))
          answers += std::to_string(id) + ":" + std::to_string(e.id) + e.rule + " ";
      store.ForEachEdge("", [&](kg::graph::RelId id, kg::graph::NodeId, kg::graph::NodeId, const std::string&) {
        for (const auto& e : store.EvidenceForRelationship(id))
          answers += std::to_string(id) + ":" + std::to_string(e.id) + e.rule + " ";
      });
      reports[defensive] += answers;
      CHECK(!answers.empty());
    }
    CHECK(reports[0] == reports[1]);
  }
}

TEST_CASE("a record written again keeps its node; one with a new alias adds the alias to that node",
          "[ingest][store]") {
  auto article = [](const std::string& text, std::vector<std::string> aliases) {
    Extraction ex;
    ex.doc.text = text;
    ex.doc.lang = "en";
    ex.sentences.push_back(Sentence{0, text.size()});
    EntityRecord& e = ex.entities.emplace_back();
    e.name = "Mistral AI";
    e.type = "Organization";
    e.aliases = std::move(aliases);
    e.strong = true;
    return ex;
  };
  kg::testing::TempDir dir;
  kg::graph::Store store(dir.File("kg.db"), kg::graph::Store::Mode::kReadWrite);
  GraphWriter w(store, kSymmetric);
  CHECK(w.Write(article("Mistral AI grows.", {"Mistral AI", "Mistral"})).entities_added == 1);
  CHECK(w.Write(article("Mistral AI grows again.", {"Mistral AI", "Mistral"})).entities_added == 0);
  // The same aliases in another order, then a new one: the same node.
  CHECK(w.Write(article("Mistral grows.", {"Mistral", "Mistral AI"})).entities_added == 0);
  CHECK(w.Write(article("Mistral AI SAS grows.", {"Mistral AI", "Mistral AI SAS"})).entities_added == 0);
  auto nodes = store.FindByAlias("Mistral AI SAS");
  REQUIRE(nodes.size() == 1);
  CHECK(store.FindByAlias("Mistral") == nodes);
  auto aliases = store.GetNode(nodes[0])->props.at("aliases").as_list();
  CHECK(aliases.size() == 2);  // Mistral, Mistral AI SAS (the name is not repeated)
  // A record whose aliases run together differently is another key, not a
  // match: "ab" + "c" is not "a" + "bc".
  CHECK(w.Write(article("Mistral AI, Mistral AI SASx.", {"Mistral AI SAS", "x"})).entities_added == 0);
  CHECK(store.FindByAlias("x") == nodes);
  CHECK(store.EvidenceForNode(nodes[0]).size() == 5);
  CHECK(store.Check().empty());
}
