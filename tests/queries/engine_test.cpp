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

TEST_CASE("WHERE type(r) = 'T' expands only type T, same rows", "[queries][planner]") {
  kg::graph::Store store(TempDb("where_type"), kg::graph::Store::Mode::kReadWrite);
  kg::queries::Engine engine(store);
  engine.Run("CREATE (h {name: 'h'}), (x {name: 'x'}), (y {name: 'y'}), (h)-[:T]->(x), (h)-[:U]->(y), "
             "(h)-[:T]->(y), (x)-[:T]->(h), (h)-[:T {w: 1}]->(h)",
             {}, true);
  std::string q = "MATCH (h {name: 'h'})-[e]->(n) WHERE type(e) = 'T' RETURN n.name ORDER BY n.name";
  CHECK(engine.Explain(q).find("expands e of type T only") != std::string::npos);
  auto rows = engine.Run(q).rows;
  REQUIRE(rows.size() == 3);  // h (self-loop), x, y
  CHECK(rows[0][0].as_string() == "h");
  CHECK(rows[1][0].as_string() == "x");
  CHECK(rows[2][0].as_string() == "y");
  // Other conjuncts still filter; a second type condition on the same
  // variable leaves no row; OPTIONAL MATCH keeps its null row.
  CHECK(engine.Run("MATCH (h {name: 'h'})-[e]-(n) WHERE 'T' = type(e) AND e.w = 1 RETURN count(*)").rows[0][0].as_int() == 1);
  CHECK(engine.Run("MATCH (h {name: 'h'})-[e]->(n) WHERE type(e) = 'T' AND type(e) = 'U' RETURN count(*)")
            .rows[0][0].as_int() == 0);
  auto opt = engine.Run("MATCH (x {name: 'x'}) OPTIONAL MATCH (x)-[e]->(n) WHERE type(e) = 'U' RETURN x.name, n");
  REQUIRE(opt.rows.size() == 1);
  CHECK(opt.rows[0][1].is_null());
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
  // A WHERE over the end nodes keeps the reachability search; one that
  // could tell matches of the same end apart (rand()) does not.
  std::string where = "MATCH (a {name: 'a'})-[:R*1..3]->(x) WHERE x <> a RETURN count(DISTINCT x)";
  CHECK(engine.Explain(where).find("BFS reachability") != std::string::npos);
  CHECK(engine.Run(where).rows[0][0].as_int() == 3);  // b, c, d
  CHECK(engine.Run("MATCH (a {name: 'a'})-[:R*0..2]-(x) WHERE x.name < 'd' RETURN collect(DISTINCT x.name) AS n")
            .rows[0][0].as_list().size() == 3);  // a, b, c
  CHECK(engine.Explain("MATCH (a {name: 'a'})-[:R*1..3]->(x) WHERE rand() < 2 RETURN count(DISTINCT x)")
            .find("BFS reachability") == std::string::npos);
}

namespace {
// Counts the degree lookups, to see which executor path ran.
class CountingGraph : public kg::queries::StoreGraph {
 public:
  using StoreGraph::StoreGraph;
  size_t Degree(kg::graph::NodeId node, kg::graph::Direction dir, const std::vector<std::string>& types) override {
    ++degree_calls;
    return StoreGraph::Degree(node, dir, types);
  }
  int degree_calls = 0;
};

std::vector<std::string> Rows(const kg::queries::QueryResult& r) {
  std::vector<std::string> out;
  for (const auto& row : r.rows) {
    std::string line;
    for (const auto& v : row) line += (v.is_string() ? v.as_string() : v.is_int() ? std::to_string(v.as_int()) : "?") + ",";
    out.push_back(line);
  }
  return out;
}
}  // namespace

TEST_CASE("count(*) per node over one hop is computed from degrees, same rows", "[queries][engine]") {
  kg::graph::Store store(TempDb("degree"), kg::graph::Store::Mode::kReadWrite);
  {
    kg::queries::Engine writer(store);
    // Two nodes share a name (their counts add up in one group), a self-loop,
    // an isolated node, typed relationships in both directions.
    writer.Run(
        "CREATE (a:P {name: 'a'}), (b:P {name: 'b'}), (c:Q {name: 'c'}), (d:P {name: 'a'}), (:P {name: 'z'}), "
        "(a)-[:T]->(b), (a)-[:T]->(c), (b)-[:U]->(a), (c)-[:T]->(c), (d)-[:T]->(b), (c)-[:U]->(d)",
        {}, true);
  }
  CountingGraph graph(store);
  kg::queries::Engine engine(graph);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"MATCH (n)--() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC, name LIMIT 3",
       "MATCH (n)-[r]-() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC, name LIMIT 3"},
      {"MATCH (n:P)-[:T]->() RETURN n.name AS name, count(*) AS deg ORDER BY name",
       "MATCH (n:P)-[r:T]->() RETURN n.name AS name, count(*) AS deg ORDER BY name"},
      {"MATCH ()-[:T|U]->(n) RETURN n, count(*) AS deg ORDER BY deg, id(n)",
       "MATCH ()-[r:T|U]->(n) RETURN n, count(*) AS deg ORDER BY deg, id(n)"},
      {"MATCH (n)<--() WITH n.name AS name, count(*) AS c WHERE c > 1 RETURN name, c ORDER BY name SKIP 1",
       "MATCH (n)<-[r]-() WITH n.name AS name, count(*) AS c WHERE c > 1 RETURN name, c ORDER BY name SKIP 1"},
  };
  for (const auto& [fast, slow] : cases) {
    INFO(fast);
    graph.degree_calls = 0;
    auto fast_rows = engine.Run(fast);
    CHECK(graph.degree_calls > 0);
    graph.degree_calls = 0;
    auto slow_rows = engine.Run(slow);
    CHECK(graph.degree_calls == 0);
    CHECK(Rows(fast_rows) == Rows(slow_rows));
    CHECK(!fast_rows.rows.empty());
  }
  auto top = engine.Run("MATCH (n)--() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC, name LIMIT 2");
  CHECK(Rows(top) == std::vector<std::string>{"a,5,", "b,3,"});
  // ORDER BY with SKIP/LIMIT keeps only the best groups: same rows as the
  // full sort, ties (b and c, both 3) in the same order.
  auto all = Rows(engine.Run("MATCH (n)--() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC"));
  auto window = Rows(engine.Run("MATCH (n)--() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC SKIP 1 LIMIT 1"));
  REQUIRE(all.size() == 3);
  CHECK(window == std::vector<std::string>(all.begin() + 1, all.begin() + 2));
}

TEST_CASE("names read from the name column match the property map, past the bulk load", "[queries][engine]") {
  kg::graph::Store store(TempDb("names"), kg::graph::Store::Mode::kReadWrite);
  kg::queries::Engine engine(store);
  engine.Run("UNWIND range(1, 3000) AS i CREATE (:N {name: 'n' + i, i: i})", {}, true);
  engine.Run("CREATE (:N {name: 42, i: 0}), (:N {i: -1})", {}, true);
  kg::queries::Engine reader(store);
  auto r = reader.Run("MATCH (n:N) RETURN n.name AS name, n.i AS i ORDER BY i");
  REQUIRE(r.rows.size() == 3002);
  CHECK(r.rows[0][0].is_null());
  CHECK(r.rows[1][0].is_int());
  CHECK(r.rows[1][0].as_int() == 42);
  for (size_t k = 2; k < r.rows.size(); ++k) CHECK(r.rows[k][0].as_string() == "n" + std::to_string(r.rows[k][1].as_int()));
}

TEST_CASE("count(*) over a chain without variables is counted hop by hop, same count", "[queries][engine]") {
  kg::graph::Store store(TempDb("chain"), kg::graph::Store::Mode::kReadWrite);
  {
    kg::queries::Engine writer(store);
    writer.Run(
        "CREATE (p1:P), (p2:P), (q1:Q), (q2:Q), (o1:O), (o2:O), (o3:O), (x:X), "
        "(p1)-[:SAID]->(q1), (p1)-[:SAID]->(q2), (p2)-[:SAID]->(q1), (p2)-[:SAID]->(x), "
        "(q1)-[:ABOUT]->(o1), (q1)-[:ABOUT]->(o2), (q2)-[:ABOUT]->(o1), (x)-[:ABOUT]->(o3), "
        "(o2)-[:FUNDS]->(o1), (o3)-[:FUNDS]->(o1), (o1)-[:FUNDS]->(o2), (o2)-[:FUNDS]->(o2), (q1)-[:FUNDS]->(o1)",
        {}, true);
  }
  kg::queries::Engine engine(store);
  // Each fast form next to the same pattern with variables (row by row).
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"MATCH (:P)-[:SAID]->(:Q)-[:ABOUT]->(:O)<-[:FUNDS]-(:O) RETURN count(*)",
       "MATCH (a:P)-[:SAID]->(b:Q)-[:ABOUT]->(c:O)<-[:FUNDS]-(d:O) RETURN count(*)"},
      {"MATCH (:P)-[:SAID]->()-[:ABOUT]->()-[:FUNDS]-() RETURN count(*) AS n",
       "MATCH (a:P)-[:SAID]->(b)-[:ABOUT]->(c)-[:FUNDS]-(d) RETURN count(*) AS n"},
      {"MATCH ()-[:FUNDS]-() RETURN count(*)", "MATCH (a)-[:FUNDS]-(b) RETURN count(*)"},
      {"MATCH ()-->(:O) RETURN count(*)", "MATCH (a)-->(b:O) RETURN count(*)"},
      // The same type twice: relationship uniqueness matters, row by row.
      {"MATCH ()-[:FUNDS]-()-[:FUNDS]-() RETURN count(*)", "MATCH (a)-[:FUNDS]-(b)-[:FUNDS]-(c) RETURN count(*)"},
      {"MATCH (:X)-[:FUNDS]->() RETURN count(*)", "MATCH (a:X)-[:FUNDS]->(b) RETURN count(*)"},
  };
  for (const auto& [fast, slow] : cases) {
    INFO(fast);
    auto a = engine.Run(fast);
    auto b = engine.Run(slow);
    REQUIRE(a.rows.size() == 1);
    REQUIRE(b.rows.size() == 1);
    CHECK(a.rows[0][0].as_int() == b.rows[0][0].as_int());
  }
  CHECK(engine.Run(cases[0].first).rows[0][0].as_int() == 10);
  CHECK(engine.Run(cases[5].first).rows[0][0].as_int() == 0);
}
