// Exporters: DOT (escaping, determinism, Graphviz renders it), GraphML read
// back by networkx, and round trips import(export(g)) == g for neo4j-admin
// CSV and JSON, property types included.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "graph/csv_import.h"
#include "graph/export_dot.h"
#include "graph/export_graphml.h"
#include "graph/export_neo4j_csv.h"
#include "graph/export_svg.h"
#include "graph/json_export.h"
#include "graph/subgraph.h"
#include "tests/test_util.h"

using namespace kg::graph;
using kg::testing::ReadFile;
using kg::testing::TempDir;
using kg::testing::WriteFile;

namespace {

constexpr const char* kTricky = "Quote \"q\", back\\slash <b>&amp;</b>\nÉlysée, naïve; ok";

// A small graph with every kind of value CSV and JSON must carry. A deleted
// node leaves a gap in the ids, so importers must map ids, not copy them.
void BuildFixture(Store& store) {
  auto macron = store.CreateNode({"Person"}, {{"name", "Emmanuel Macron"},
                                              {"born", int64_t{1977}},
                                              {"height_m", 1.73},
                                              {"active", true},
                                              {"roles", List{"président", "ex-banker"}}});
  auto gap = store.CreateNode({"Temp"}, {});
  auto elysee = store.CreateNode({"Organization", "Place"},
                                 {{"name", kTricky},
                                  {"scores", List{int64_t{1}, int64_t{-2}, int64_t{3}}},
                                  {"weights", List{0.5, 2.25}},
                                  {"flags", List{true, false}},
                                  {"empty", ""},
                                  {"comma,quote\"key", "v"}});
  auto france = store.CreateNode({"Country"}, {{"name", "France"}, {"population", int64_t{68000000}}});
  auto quote = store.CreateNode(
      {"Quote"}, {{"text", "Nous allons investir massivement dans l'intelligence artificielle dès "
                           "cette année"}});
  auto bare = store.CreateNode({}, {{"note", "no label, no name"}});
  store.CreateRelationship(macron, elysee, "LEADS",
                           {{"since", "2017-05-14"}, {"amount_usd", int64_t{500000000000}}});
  store.CreateRelationship(elysee, france, "LOCATED_IN", {});
  store.CreateRelationship(macron, quote, "SAID", {{"date", "2025-02-10"}, {"share", 0.1}});
  store.CreateRelationship(quote, elysee, "ABOUT", {{"big", int64_t{9007199254740993}}});
  store.CreateRelationship(bare, bare, "SELF", {{"tags", List{}}});
  store.CreateRelationship(gap, macron, "GONE", {});
  store.DeleteNode(gap, true);
}

// The graph with node ids replaced by their rank: equal for two stores that
// hold the same graph under different ids.
std::string Canonical(const Store& store) {
  std::map<NodeId, int64_t> rank;
  for (auto id : store.AllNodeIds()) rank.emplace(id, static_cast<int64_t>(rank.size()));
  std::vector<std::string> lines;
  store.ForEachNode([&](const Node& n) {
    std::string line = "node " + std::to_string(rank[n.id]);
    for (const auto& l : n.labels) line += " :" + l;
    line += " " + EncodeProperties(n.props);
    lines.push_back(line);
  });
  std::vector<std::string> rels;
  store.ForEachRelationship([&](const Relationship& r) {
    rels.push_back("rel " + std::to_string(rank[r.start]) + " -[" + r.type + "]-> " +
                   std::to_string(rank[r.end]) + " " + EncodeProperties(r.props));
  });
  std::sort(rels.begin(), rels.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  for (const auto& l : rels) out += l + "\n";
  return out;
}

std::string Dot(const Store& store, const Subgraph& s = Subgraph::Whole(), DotOptions o = {}) {
  std::ostringstream out;
  WriteDot(store, s, out, o);
  return out.str();
}

}  // namespace

TEST_CASE("neo4j-admin CSV export reads back as the same graph", "[graph][export][import]") {
  TempDir tmp;
  Store g(tmp.File("g.db"), Store::Mode::kReadWrite);
  BuildFixture(g);
  auto files = WriteNeo4jCsv(g, Subgraph::Whole(), tmp.File("csv"));
  std::string header = ReadFile(files.nodes).substr(0, ReadFile(files.nodes).find('\n'));
  CHECK_THAT(header, Catch::StartsWith(":ID,:LABEL,") && Catch::Contains("born:long") &&
                         Catch::Contains("height_m:double") && Catch::Contains("active:boolean") &&
                         Catch::Contains("roles:string[]") && Catch::Contains("scores:long[]") &&
                         Catch::Contains("weights:double[]") && Catch::Contains("name:string") &&
                         Catch::Contains("\"comma,quote\"\"key:string\""));
  CHECK_THAT(ReadFile(files.readme), Catch::Contains("neo4j-admin database import full") &&
                                         Catch::Contains("--nodes=nodes.csv"));

  Store copy(tmp.File("copy.db"), Store::Mode::kReadWrite);
  CsvImportOptions opt;
  opt.node_files = {files.nodes};
  opt.relationship_files = {files.relationships};
  ImportCsv(copy, opt);
  CHECK(Canonical(copy) == Canonical(g));
  // Spot checks of types that a string-only round trip would lose.
  auto m = copy.NodesNamed("Emmanuel Macron");
  REQUIRE(m.size() == 1);
  auto node = *copy.GetNode(m[0]);
  CHECK(node.props.at("born").is_int());
  CHECK(node.props.at("height_m").is_float());
  CHECK(copy.NodesNamed(kTricky).size() == 1);
}

TEST_CASE("neo4j-admin CSV falls back to JSON text for lists it cannot type", "[graph][export]") {
  TempDir tmp;
  Store g(tmp.File("g.db"), Store::Mode::kReadWrite);
  g.CreateNode({"A"}, {{"mixed", List{int64_t{1}, "two"}}, {"semi", List{"a;b", "c"}}});
  auto files = WriteNeo4jCsv(g, Subgraph::Whole(), tmp.File("csv"));
  CHECK_THAT(ReadFile(files.readme), Catch::Contains("JSON"));
  Store copy(tmp.File("copy.db"), Store::Mode::kReadWrite);
  CsvImportOptions opt;
  opt.node_files = {files.nodes};
  ImportCsv(copy, opt);
  auto n = *copy.GetNode(copy.AllNodeIds().at(0));
  CHECK(n.props.at("mixed") == Value("[1,\"two\"]"));
  CHECK(n.props.at("semi") == Value("[\"a;b\",\"c\"]"));
}

TEST_CASE("JSON export reads back as the same graph", "[graph][export][import]") {
  TempDir tmp;
  Store g(tmp.File("g.db"), Store::Mode::kReadWrite);
  BuildFixture(g);
  g.CreateNode({"Num"}, {{"nan", std::nan("")}, {"inf", HUGE_VAL}, {"map", Map{{"k", List{1, 2.5}}}}});
  {
    std::ofstream out(tmp.File("g.json"), std::ios::binary);
    ExportJson(g, out);
  }
  Store copy(tmp.File("copy.db"), Store::Mode::kReadWrite);
  auto stats = ImportJson(copy, tmp.File("g.json"));
  CHECK(stats.nodes == 6);
  CHECK(stats.relationships == 5);
  CHECK(Canonical(copy) == Canonical(g));
}

TEST_CASE("JSON export of a subgraph keeps the whole-graph format", "[graph][export]") {
  TempDir tmp;
  Store g(tmp.File("g.db"), Store::Mode::kReadWrite);
  BuildFixture(g);
  std::ostringstream whole, all_ids, part;
  ExportJson(g, whole);
  auto s = Subgraph::Of(g, g.AllNodeIds(), {1, 2, 3, 4, 5});
  ExportJson(g, s, all_ids);
  CHECK(all_ids.str() == whole.str());
  ExportJson(g, Subgraph::Of(g, {}, {2}), part);
  CHECK(part.str() ==
        "{\"nodes\": [\n"
        "  {\"id\": 3, \"labels\": [\"Organization\",\"Place\"], \"properties\": " +
            EncodeProperties(g.GetNode(3)->props) +
            "},\n"
            "  {\"id\": 4, \"labels\": [\"Country\"], \"properties\": "
            "{\"name\":\"France\",\"population\":68000000}}\n"
            "],\n"
            "\"relationships\": [\n"
            "  {\"id\": 2, \"type\": \"LOCATED_IN\", \"start\": 3, \"end\": 4, \"properties\": {}}\n"
            "]}\n");
}

TEST_CASE("Neighbourhood follows relationships both ways up to the depth", "[graph][export]") {
  TempDir tmp;
  Store g(tmp.File("g.db"), Store::Mode::kReadWrite);
  auto a = g.CreateNode({"N"}, {{"name", "a"}});
  auto b = g.CreateNode({"N"}, {{"name", "b"}});
  auto c = g.CreateNode({"N"}, {{"name", "c"}});
  auto d = g.CreateNode({"N"}, {{"name", "d"}});
  auto ab = g.CreateRelationship(a, b, "R", {});
  auto cb = g.CreateRelationship(c, b, "R", {});
  g.CreateRelationship(c, d, "R", {});
  auto s1 = Neighbourhood(g, {b}, 1);
  CHECK(s1.nodes == std::vector<NodeId>{a, b, c});
  CHECK(s1.relationships == std::vector<RelId>{ab, cb});
  auto s0 = Neighbourhood(g, {b}, 0);
  CHECK(s0.nodes == std::vector<NodeId>{b});
  CHECK(s0.relationships.empty());
  CHECK(Neighbourhood(g, {b}, 2).nodes.size() == 4);
}

TEST_CASE("DOT strings are escaped and keep UTF-8", "[graph][export][dot]") {
  CHECK(DotQuote("plain") == "\"plain\"");
  CHECK(DotQuote("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(DotQuote("a\\b") == "\"a\\\\b\"");
  CHECK(DotQuote("two\nlines\r") == "\"two\\nlines\"");
  CHECK(DotQuote("<b>Élysée</b>") == "\"<b>Élysée</b>\"");
  CHECK(DotQuote("bad \xFF byte") == "\"bad \xEF\xBF\xBD byte\"");
}

TEST_CASE("relationship captions show amounts and dates", "[graph][export][dot]") {
  CHECK(KeyPropertyText({{"amount_usd", int64_t{500000000000}}}) == "$500B");
  CHECK(KeyPropertyText({{"amount_eur", 1250000.0}}) == "$1.25M");
  CHECK(KeyPropertyText({{"amount", int64_t{900}}}) == "$900");
  CHECK(KeyPropertyText({{"date", "2025-02-10"}, {"x", 1}}) == "2025-02-10");
  CHECK(KeyPropertyText({{"x", 1}}).empty());
}

TEST_CASE("DOT export: styles by label, notes for quotes, deterministic", "[graph][export][dot]") {
  TempDir tmp;
  Store g(tmp.File("g.db"), Store::Mode::kReadWrite);
  BuildFixture(g);
  std::string dot = Dot(g);
  CHECK(dot == Dot(g));  // byte-identical across runs
  CHECK_THAT(dot, Catch::StartsWith("digraph kg {\n") && Catch::EndsWith("}\n"));
  CHECK_THAT(dot, Catch::Contains("n1 [label=\"Emmanuel Macron\", shape=ellipse"));
  CHECK_THAT(dot, Catch::Contains("n4 [label=\"France\", shape=hexagon"));
  CHECK_THAT(dot, Catch::Contains("shape=note") &&
                      Catch::Contains("\xE2\x80\x9CNous allons investir massivement dans "
                                      "l'intelligence artificielle dès \xE2\x80\xA6\xE2\x80\x9D"));
  CHECK_THAT(dot, Catch::Contains("n1 -> n3 [label=\"LEADS\\n$500B\"]"));
  CHECK_THAT(dot, Catch::Contains("n1 -> n5 [label=\"SAID\\n2025-02-10\"]"));
  CHECK_THAT(dot, Catch::Contains(DotQuote(kTricky)));
  // Nodes then relationships, each ascending.
  CHECK(dot.find("n1 [") < dot.find("n3 ["));
  CHECK(dot.find("n3 [") < dot.find("n6 ["));
  CHECK(dot.find("n6 [") < dot.find(" -> "));
}

TEST_CASE("DOT export clusters nodes by article", "[graph][export][dot]") {
  TempDir tmp;
  Store g(tmp.File("g.db"), Store::Mode::kReadWrite);
  auto a = g.CreateNode({"Person"}, {{"name", "A"}});
  auto b = g.CreateNode({"Organization"}, {{"name", "B"}});
  g.CreateNode({"Country"}, {{"name", "Loose"}});
  Article art;
  art.hash = "h1";
  art.title = "Le \"titre\"";
  art.ingested_at = "2025-01-01T00:00:00Z";
  art.text = "A works at B.";
  auto aid = g.AddArticle(art);
  Evidence e;
  e.article = aid;
  e.sentence = art.text;
  e.rule = "test";
  e.span_end = 1;
  e.node = a;
  g.AddEvidence(e);
  e.node = b;
  g.AddEvidence(e);
  DotOptions o;
  o.cluster_by_article = true;
  std::string dot = Dot(g, Subgraph::Whole(), o);
  auto start = dot.find("subgraph cluster_a" + std::to_string(aid) + " {");
  REQUIRE(start != std::string::npos);
  auto end = dot.find("  }\n", start);
  std::string cluster = dot.substr(start, end - start);
  CHECK_THAT(cluster, Catch::Contains("label=\"Le \\\"titre\\\"\"") &&
                          Catch::Contains("n1 [") && Catch::Contains("n2 ["));
  CHECK_THAT(dot.substr(end), Catch::Contains("n3 [label=\"Loose\""));
}

TEST_CASE("Graphviz renders the DOT export without warnings", "[graph][export][dot][svg]") {
  if (!FindProgram("dot")) {
    WARN("Graphviz 'dot' is not installed (Debian package graphviz): not checked");
    return;
  }
  TempDir tmp;
  Store g(tmp.File("g.db"), Store::Mode::kReadWrite);
  BuildFixture(g);
  std::ostringstream svg;
  std::string warnings = RenderSvg(Dot(g), svg);
  CHECK(warnings.empty());
  CHECK_THAT(svg.str(), Catch::Contains("<svg") && Catch::Contains("Emmanuel Macron") &&
                            Catch::Contains("Élysée") && Catch::Contains("&lt;b&gt;") &&
                            Catch::Contains("back\\slash") && Catch::Contains("$500B"));
  // Graphviz does complain about broken input: the check above can fail.
  std::ostringstream bad;
  CHECK_THROWS(RenderSvg("digraph { a -> }", bad));
}

TEST_CASE("GraphML export is read back by networkx", "[graph][export][graphml]") {
  if (std::system("python3 -c 'import networkx' >/dev/null 2>&1") != 0) {
    WARN("python3-networkx is not installed: GraphML read-back not checked");
    return;
  }
  TempDir tmp;
  Store g(tmp.File("g.db"), Store::Mode::kReadWrite);
  BuildFixture(g);
  {
    std::ofstream out(tmp.File("g.graphml"), std::ios::binary);
    WriteGraphml(g, Subgraph::Whole(), out);
  }
  std::ostringstream again;
  WriteGraphml(g, Subgraph::Whole(), again);
  CHECK(again.str() == ReadFile(tmp.File("g.graphml")));
  WriteFile(tmp.File("read.py"),
            "import json, sys, networkx as nx\n"
            "g = nx.read_graphml(sys.argv[1])\n"
            "n = g.nodes\n"
            "out = {'nodes': g.number_of_nodes(), 'edges': g.number_of_edges(),\n"
            "  'directed': g.is_directed(),\n"
            "  'name': n['n3']['name'], 'labels': n['n3']['labels'],\n"
            "  'born': [type(n['n1']['born']).__name__, n['n1']['born']],\n"
            "  'height': [type(n['n1']['height_m']).__name__, n['n1']['height_m']],\n"
            "  'active': [type(n['n1']['active']).__name__, n['n1']['active']],\n"
            "  'roles': n['n1']['roles'],\n"
            "  'leads': [d for u, v, d in g.edges(data=True) if d['type'] == 'LEADS'][0]}\n"
            "print(json.dumps(out, sort_keys=True, ensure_ascii=False))\n");
  std::string cmd = "python3 '" + tmp.File("read.py") + "' '" + tmp.File("g.graphml") + "' > '" +
                    tmp.File("out.json") + "' 2>&1";
  int rc = std::system(cmd.c_str());
  std::string got = ReadFile(tmp.File("out.json"));
  INFO(got);
  REQUIRE(rc == 0);
  CHECK_THAT(got, Catch::Contains("\"nodes\": 5") && Catch::Contains("\"edges\": 5") &&
                      Catch::Contains("\"directed\": true"));
  CHECK_THAT(got, Catch::Contains("\"name\": \"Quote \\\"q\\\", back\\\\slash <b>&amp;</b>\\nÉlysée, naïve; ok\""));
  CHECK_THAT(got, Catch::Contains("\"labels\": \":Organization:Place\""));
  CHECK_THAT(got, Catch::Contains("\"born\": [\"int\", 1977]") &&
                      Catch::Contains("\"height\": [\"float\", 1.73]") &&
                      Catch::Contains("\"active\": [\"bool\", true]"));
  CHECK_THAT(got, Catch::Contains("\"roles\": \"[\\\"président\\\",\\\"ex-banker\\\"]\""));
  CHECK_THAT(got, Catch::Contains("\"amount_usd\": 500000000000") &&
                      Catch::Contains("\"since\": \"2017-05-14\""));
}
