// The query engine over the GraphView (tools/kg/view_graph.h, what `kg query`
// uses for reads) gives the same rows as over the store, and the degree
// top-k path gives the same rows as matching relationship by relationship,
// on a random graph with shared names, missing and non-string names,
// self-loops and parallel relationships.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "graph/store.h"
#include "graph/views.h"
#include "queries/engine.h"
#include "tests/test_util.h"
#include "tools/kg/view_graph.h"

namespace {

std::string Text(const kg::queries::Value& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return "'" + v.as_string() + "'";
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_node()) return "node" + std::to_string(v.as_node().id);
  if (v.is_list()) {
    std::string s = "[";
    for (const auto& x : v.as_list()) s += Text(x) + ",";
    return s + "]";
  }
  return "?";
}

std::vector<std::string> Rows(const kg::queries::QueryResult& r) {
  std::vector<std::string> out;
  for (const auto& row : r.rows) {
    std::string line;
    for (const auto& v : row) line += Text(v) + "|";
    out.push_back(line);
  }
  return out;
}

// 300 nodes (names drawn from 120, some missing, some integers), 1500
// relationships of three types, self-loops and parallel relationships.
void FillRandomGraph(kg::graph::Store& store) {
  std::mt19937 rng(7);
  std::vector<kg::graph::NodeId> ids;
  kg::graph::Store::WriteTxn txn(store);
  for (int i = 0; i < 300; ++i) {
    kg::graph::Properties props;
    int pick = static_cast<int>(rng() % 20);
    if (pick == 0) {
      // no name
    } else if (pick == 1) {
      props["name"] = kg::graph::Value(int64_t{static_cast<int64_t>(rng() % 3)});
    } else {
      props["name"] = kg::graph::Value("n" + std::to_string(rng() % 120));
    }
    std::vector<std::string> labels{i % 3 == 0 ? "A" : "B"};
    ids.push_back(store.CreateNode(labels, props));
  }
  const char* types[] = {"T", "U", "V"};
  for (int r = 0; r < 1500; ++r) {
    auto a = ids[rng() % ids.size()];
    auto b = r % 50 == 0 ? a : ids[rng() % ids.size()];
    store.CreateRelationship(a, b, types[rng() % 3], {});
  }
  txn.Commit();
}

}  // namespace

TEST_CASE("queries over the graph view give the same rows as over the store; degree top-k equals row by row",
          "[tools][queries][views]") {
  kg::testing::TempDir tmp;
  kg::graph::Store store(tmp.File("kg.db"), kg::graph::Store::Mode::kReadWrite);
  FillRandomGraph(store);
  kg::queries::StoreGraph store_graph(store);
  kg::cli::ViewGraph view_graph(store);
  kg::queries::Engine over_store(store_graph);
  kg::queries::Engine over_view(view_graph);

  // Each fast form (degree counting, top-k groups) next to the same query
  // with a relationship variable, which matches row by row. The sort orders
  // are total: ties left by ORDER BY come in the order groups are first
  // seen, which differs between the two ways.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"MATCH (n)--() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC, name LIMIT 10",
       "MATCH (n)-[r]-() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC, name LIMIT 10"},
      {"MATCH (n)--() RETURN n.name AS name, count(*) AS deg ORDER BY deg, name DESC LIMIT 7",
       "MATCH (n)-[r]-() RETURN n.name AS name, count(*) AS deg ORDER BY deg, name DESC LIMIT 7"},
      {"MATCH (n)--() RETURN n.name AS name, count(*) AS deg ORDER BY name DESC SKIP 3 LIMIT 5",
       "MATCH (n)-[r]-() RETURN n.name AS name, count(*) AS deg ORDER BY name DESC SKIP 3 LIMIT 5"},
      {"MATCH (n:A)-[:T|U]->() RETURN n, count(*) ORDER BY count(*), n LIMIT 4",
       "MATCH (n:A)-[r:T|U]->() RETURN n, count(*) ORDER BY count(*), n LIMIT 4"},
      {"MATCH ()-[:V]->(n) RETURN count(*) AS c, n.name, labels(n) AS l ORDER BY c DESC, l, n.name LIMIT 6",
       "MATCH ()-[r:V]->(n) RETURN count(*) AS c, n.name, labels(n) AS l ORDER BY c DESC, l, n.name LIMIT 6"},
      {"MATCH (n)<--() RETURN n.name AS name, count(*) AS c ORDER BY c LIMIT 0",
       "MATCH (n)<-[r]-() RETURN n.name AS name, count(*) AS c ORDER BY c LIMIT 0"},
      {"MATCH (n)--() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC, name SKIP 1000 LIMIT 3",
       "MATCH (n)-[r]-() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC, name SKIP 1000 LIMIT 3"},
      {"MATCH (n)--() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC, name LIMIT 1000",
       "MATCH (n)-[r]-() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC, name LIMIT 1000"},
      // Not the top-k shape (an expression over the count): still the same rows.
      {"MATCH (n)--() RETURN n.name AS name, count(*) * 2 AS d ORDER BY d DESC, name LIMIT 5",
       "MATCH (n)-[r]-() RETURN n.name AS name, count(*) * 2 AS d ORDER BY d DESC, name LIMIT 5"},
  };
  for (const auto& [fast, slow] : cases) {
    INFO(fast);
    auto expected = Rows(over_store.Run(slow));
    CHECK(Rows(over_store.Run(fast)) == expected);
    CHECK(Rows(over_view.Run(fast)) == expected);
    CHECK(Rows(over_view.Run(slow)) == expected);
  }
  // Ties left by ORDER BY keep the order in which groups are first seen (node
  // order here), as when all the groups are formed first (WITH) and sorted after.
  const std::vector<std::pair<std::string, std::string>> ties = {
      {"MATCH (n)--() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC LIMIT 9",
       "MATCH (n)--() WITH n.name AS name, count(*) AS deg RETURN name, deg ORDER BY deg DESC LIMIT 9"},
      {"MATCH (n)-->() RETURN labels(n) AS l, count(*) AS c, n.name AS name ORDER BY l SKIP 2 LIMIT 5",
       "MATCH (n)-->() WITH labels(n) AS l, count(*) AS c, n.name AS name RETURN l, c, name ORDER BY l SKIP 2 LIMIT 5"},
  };
  for (const auto& [fast, grouped_first] : ties) {
    INFO(fast);
    auto expected = Rows(over_store.Run(grouped_first));
    CHECK(Rows(over_store.Run(fast)) == expected);
    CHECK(Rows(over_view.Run(fast)) == expected);
  }

  // The top rows are real: names shared by several nodes add up, and a
  // self-loop counts once in an undirected pattern.
  auto top = over_view.Run("MATCH (n)--() RETURN n.name AS name, count(*) AS deg ORDER BY deg DESC, name LIMIT 3");
  REQUIRE(top.rows.size() == 3);
  for (const auto& row : top.rows) {
    if (!row[0].is_string()) continue;
    int64_t total = 0;
    for (auto id : store.AllNodeIds()) {
      auto node = store.GetNode(id);
      auto it = node->props.find("name");
      if (it == node->props.end() || !it->second.is_string() || it->second.as_string() != row[0].as_string()) continue;
      for (const auto& e : store.EdgesOf(id, kg::graph::Direction::kBoth)) total += e.id > 0;
    }
    CHECK(row[1].as_int() == total);
  }

  // Plain reads: names (string, integer, missing), labels, neighbours.
  for (const std::string& q : {
           std::string("MATCH (n) RETURN n.name, labels(n) ORDER BY id(n)"),
           std::string("MATCH (n:A) WHERE n.name STARTS WITH 'n1' RETURN n.name ORDER BY n.name"),
           std::string("MATCH (n {name: 'n7'})-[e]->(m) RETURN type(e), m.name ORDER BY id(e)"),
           std::string("MATCH (a {name: 'n3'})-->()-->(c) WHERE c <> a RETURN count(DISTINCT c)"),
       }) {
    INFO(q);
    CHECK(Rows(over_view.Run(q)) == Rows(over_store.Run(q)));
  }
}
