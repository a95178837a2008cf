#include <catch2/catch.hpp>

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
