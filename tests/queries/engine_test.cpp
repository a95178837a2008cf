// Engine behaviour beyond single queries: lexer spans, parameters, the
// read-only guard, side effects, plans.
#include <catch2/catch.hpp>

#include <filesystem>

#include "graph/store.h"
#include "queries/engine.h"
#include "queries/lexer.h"
#include "queries/parser.h"

using kg::queries::QueryError;

namespace {
std::string TempDb(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() / ("kg_engine_" + name + ".db");
  std::filesystem::remove(path);
  return path.string();
}
}  // namespace

TEST_CASE("lexer gives each token its byte span and decodes escapes", "[queries][lexer]") {
  auto tokens = kg::queries::Lex("MATCH (n:`My Label`) WHERE n.x = 'a\\tb' RETURN $p, 1.5e3, 0x1F");
  REQUIRE(tokens.front().text == "MATCH");
  CHECK(tokens.front().span.offset == 0);
  CHECK(tokens.front().span.length == 5);
  bool saw_quoted = false, saw_string = false, saw_param = false;
  for (const auto& t : tokens) {
    if (t.quoted && t.text == "My Label") saw_quoted = true;
    if (t.kind == kg::queries::TokenKind::kString && t.text == "a\tb") saw_string = true;
    if (t.kind == kg::queries::TokenKind::kParameter && t.text == "p") saw_param = true;
  }
  CHECK(saw_quoted);
  CHECK(saw_string);
  CHECK(saw_param);
  CHECK(tokens.back().kind == kg::queries::TokenKind::kEnd);
}

TEST_CASE("parser keeps column names as written and rejects broken patterns", "[queries][parser]") {
  auto q = kg::queries::Parse("MATCH (n) RETURN n.name, count( * ) AS c, (n:Foo)");
  const auto& items = q.parts[0].clauses[1].projection.items;
  REQUIRE(items.size() == 3);
  CHECK(items[0].ColumnName() == "n.name");
  CHECK(items[1].ColumnName() == "c");
  CHECK(items[2].ColumnName() == "(n:Foo)");
  try {
    kg::queries::Parse("MATCH (a)-[:T..]->(b) RETURN a");
    FAIL("no error");
  } catch (const QueryError& e) {
    CHECK(e.detail() == "InvalidRelationshipPattern");
  }
}

TEST_CASE("parameters are typed literals", "[queries][engine]") {
  kg::graph::Store store(TempDb("params"), kg::graph::Store::Mode::kReadWrite);
  kg::queries::Engine engine(store);
  kg::queries::Params params{{"xs", kg::queries::ParseParameterValue("[1, 2.5, 'a']")}};
  auto r = engine.Run("UNWIND $xs AS x RETURN x", params);
  REQUIRE(r.rows.size() == 3);
  CHECK(r.rows[0][0].is_int());
  CHECK(r.rows[1][0].is_float());
  CHECK(r.rows[2][0].is_string());
  CHECK_THROWS_AS(engine.Run("RETURN $missing"), QueryError);
}

TEST_CASE("writes need permission and report their side effects", "[queries][engine]") {
  kg::graph::Store store(TempDb("writes"), kg::graph::Store::Mode::kReadWrite);
  kg::queries::Engine engine(store);
  CHECK_THROWS_AS(engine.Run("CREATE (:A)"), QueryError);
  auto r = engine.Run("CREATE (:A {x: 1, y: null})-[:T]->(:B:A)", {}, true);
  CHECK(r.effects.nodes_created == 2);
  CHECK(r.effects.relationships_created == 1);
  CHECK(r.effects.properties_set == 1);
  CHECK(r.effects.labels_added == 2);
  auto count = engine.Run("MATCH (a:A) RETURN count(*)");
  CHECK(count.rows[0][0].as_int() == 2);
}

TEST_CASE("explain names the index used for a name lookup", "[queries][planner]") {
  kg::graph::Store store(TempDb("explain"), kg::graph::Store::Mode::kReadWrite);
  kg::queries::Engine engine(store);
  auto plan = engine.Explain("MATCH (a:Person)-[:KNOWS]->(b {name: 'Bob'}) RETURN a");
  CHECK(plan.find("name index") != std::string::npos);
  CHECK(plan.find("walked right to left") != std::string::npos);
  auto plan2 = engine.Explain("MATCH (a:Person) WHERE a.name = $n RETURN a");
  CHECK(plan2.find("name index name = $n") != std::string::npos);
}

TEST_CASE("evidence() says which article and sentence support a relationship", "[queries][executor]") {
  kg::graph::Store store(TempDb("evidence"), kg::graph::Store::Mode::kReadWrite);
  auto a = store.CreateNode({"Person"}, {{"name", kg::graph::Value("Ann")}});
  auto b = store.CreateNode({"Org"}, {{"name", kg::graph::Value("Acme")}});
  auto r = store.CreateRelationship(a, b, "WORKS_AT", {});
  kg::graph::Article article;
  article.hash = "h1";
  article.title = "Ann joins Acme";
  article.published = "2024-05-01";
  article.ingested_at = "2024-05-02T00:00:00Z";
  article.text = "Ann works at Acme.";
  auto article_id = store.AddArticle(article);
  kg::graph::Evidence ev;
  ev.rel = r;
  ev.article = article_id;
  ev.sentence = "Ann works at Acme.";
  ev.span_end = 18;
  ev.rule = "works_at";
  store.AddEvidence(ev);
  kg::queries::Engine engine(store);
  auto result = engine.Run("MATCH (:Person {name: 'Ann'})-[w:WORKS_AT]->(o) RETURN o.name, evidence(w) AS why");
  REQUIRE(result.rows.size() == 1);
  const auto& why = result.rows[0][1].as_list();
  REQUIRE(why.size() == 1);
  const auto& m = why[0].as_map();
  CHECK(m.at("sentence").as_string() == "Ann works at Acme.");
  CHECK(m.at("rule").as_string() == "works_at");
  CHECK(m.at("article").as_string() == "Ann joins Acme");
  CHECK(m.at("date").as_string() == "2024-05-01");
}

TEST_CASE("a point lookup with LIMIT stops early and count(DISTINCT) over a range uses reachability",
          "[queries][planner]") {
  kg::graph::Store store(TempDb("reach"), kg::graph::Store::Mode::kReadWrite);
  kg::queries::Engine engine(store);
  // A cycle a->b->c->a plus a tail c->d.
  engine.Run("CREATE (a {name: 'a'})-[:R]->(b {name: 'b'})-[:R]->(c {name: 'c'})-[:R]->(a), (c)-[:R]->(d {name: 'd'})",
             {}, true);
  auto plan = engine.Explain("MATCH (a {name: 'a'})-[:R*1..3]->(x) RETURN count(DISTINCT x)");
  CHECK(plan.find("BFS reachability") != std::string::npos);
  auto distinct = engine.Run("MATCH (a {name: 'a'})-[:R*1..3]->(x) RETURN count(DISTINCT x)");
  CHECK(distinct.rows[0][0].as_int() == 4);  // b, c, a (via the cycle), d
  auto undirected = engine.Run("MATCH (d {name: 'd'})-[:R*1..2]-(x) RETURN count(DISTINCT x)");
  CHECK(undirected.rows[0][0].as_int() == 3);  // c, a, b; d itself only by reusing a relationship
  auto all = engine.Run("MATCH (a {name: 'a'})-[:R*1..3]->(x) RETURN count(x)");
  CHECK(all.rows[0][0].as_int() == 4);
}
