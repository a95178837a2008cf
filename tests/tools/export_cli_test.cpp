// `kg export`: formats, --around/--depth, determinism, and the round trip
// through `kg import` of the neo4j-admin CSV files.
#include <catch2/catch.hpp>

#include <filesystem>

#include "graph/export_svg.h"
#include "graph/store.h"
#include "tests/test_util.h"

using kg::testing::ReadFile;
using kg::testing::RunKg;
using kg::testing::TempDir;
using kg::testing::WriteFile;

namespace {

// a -> b -> c -> d, names with characters that need quoting.
std::string MakeDb(const TempDir& tmp) {
  std::string path = tmp.File("kg.db");
  kg::graph::Store store(path, kg::graph::Store::Mode::kReadWrite);
  auto a = store.CreateNode({"Person"}, {{"name", "Zoé \"Z\" Martin"}, {"age", int64_t{41}}});
  auto b = store.CreateNode({"Organization"}, {{"name", "Acme, Inc."}, {"score", 0.5}});
  auto c = store.CreateNode({"Country"}, {{"name", "Côte d'Ivoire"}});
  auto d = store.CreateNode({"Project"}, {{"name", "Far\naway"}, {"tags", kg::graph::List{"x", "y"}}});
  store.AddAlias(b, "ACME");
  store.CreateRelationship(a, b, "WORKS_AT", {{"since", "2020-01-01"}});
  store.CreateRelationship(b, c, "LOCATED_IN", {});
  store.CreateRelationship(c, d, "FUNDS", {{"amount_usd", int64_t{2500000}}});
  return "--db '" + path + "' ";
}

}  // namespace

TEST_CASE("kg export dot is deterministic and --around limits it", "[tools][export]") {
  TempDir tmp;
  std::string db = MakeDb(tmp);
  auto first = RunKg(db + "export --format dot");
  auto second = RunKg(db + "export --format dot");
  REQUIRE(first.exit_code == 0);
  CHECK(first.out == second.out);
  CHECK_THAT(first.out, Catch::Contains("Zoé \\\"Z\\\" Martin") && Catch::Contains("Far\\naway") &&
                            Catch::Contains("FUNDS\\n$2.5M"));
  auto around = RunKg(db + "export --format dot --around acme --depth 1");
  REQUIRE(around.exit_code == 0);
  CHECK_THAT(around.out, Catch::Contains("n1 [") && Catch::Contains("n2 [") && Catch::Contains("n3 ["));
  CHECK_THAT(around.out, !Catch::Contains("n4 ["));
  auto deeper = RunKg(db + "export --format dot --around 'Acme, Inc.' --depth 2");
  CHECK_THAT(deeper.out, Catch::Contains("n4 ["));
}

TEST_CASE("kg export --query exports what the query returns, with relationship ends",
          "[tools][export]") {
  TempDir tmp;
  std::string db = MakeDb(tmp);
  auto r = RunKg(db + "export --format json --query \"MATCH ()-[r:LOCATED_IN]->() RETURN r\"");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("Acme, Inc.") && Catch::Contains("Côte d'Ivoire"));
  CHECK_THAT(r.out, !Catch::Contains("Martin") && !Catch::Contains("WORKS_AT"));
  r = RunKg(db + "export --format dot --query \"MATCH p = (:Person)-->()-->() RETURN p\"");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("WORKS_AT") && Catch::Contains("LOCATED_IN"));
  CHECK_THAT(r.out, !Catch::Contains("FUNDS"));
  auto bad = RunKg(db + "export --query 'MATCH (a RETURN a'");
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Contains("SyntaxError") && Catch::Contains("^"));
}

TEST_CASE("kg export errors: unknown name, --query with --around, neo4j-csv without --out, bad format",
          "[tools][export]") {
  TempDir tmp;
  std::string db = MakeDb(tmp);
  auto r = RunKg(db + "export --around Nobody");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("no node is named 'Nobody'"));
  r = RunKg(db + "export --query 'MATCH p=(a)-->(b) RETURN p' --around acme");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("not both"));
  r = RunKg(db + "export --format neo4j-csv");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("--out DIR"));
  CHECK(RunKg(db + "export --format pdf").exit_code == 2);
}

TEST_CASE("kg export neo4j-csv then kg import gives the same JSON export", "[tools][export][import]") {
  TempDir tmp;
  std::string db = MakeDb(tmp);
  auto r = RunKg(db + "export --format neo4j-csv --out '" + tmp.File("csv") + "'");
  REQUIRE(r.exit_code == 0);
  std::string copy = "--db '" + tmp.File("copy.db") + "' ";
  r = RunKg(copy + "import --nodes '" + tmp.File("csv/nodes.csv") + "' --relationships '" +
            tmp.File("csv/relationships.csv") + "'");
  REQUIRE(r.exit_code == 0);
  auto original = RunKg(db + "export --format json");
  auto again = RunKg(copy + "export --format json");
  REQUIRE(original.exit_code == 0);
  CHECK(again.out == original.out);
  // And through the JSON format itself.
  WriteFile(tmp.File("g.json"), original.out);
  std::string copy2 = "--db '" + tmp.File("copy2.db") + "' ";
  REQUIRE(RunKg(copy2 + "import --json '" + tmp.File("g.json") + "'").exit_code == 0);
  CHECK(RunKg(copy2 + "export --format json").out == original.out);
}

TEST_CASE("kg export graphml and svg write files", "[tools][export]") {
  TempDir tmp;
  std::string db = MakeDb(tmp);
  auto r = RunKg(db + "export --format graphml --out '" + tmp.File("g.graphml") + "'");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(ReadFile(tmp.File("g.graphml")),
             Catch::Contains("attr.name=\"age\" attr.type=\"long\"") &&
                 Catch::Contains("attr.name=\"score\" attr.type=\"double\""));
  if (!kg::graph::FindProgram("dot")) {
    WARN("Graphviz 'dot' is not installed: svg not checked");
    return;
  }
  r = RunKg(db + "export --format svg --cluster article --out '" + tmp.File("g.svg") + "'");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(ReadFile(tmp.File("g.svg")), Catch::Contains("<svg") && Catch::Contains("Côte d"));
}

TEST_CASE("kg export svg without Graphviz names the package to install", "[tools][export]") {
  TempDir tmp;
  std::string db = MakeDb(tmp);
  // An empty PATH: `dot` cannot be found, whatever is installed.
  std::string cmd = std::string("PATH=/nonexistent '") + KG_BINARY + "' " + db +
                    "export --format svg >'" + tmp.File("out") + "' 2>'" + tmp.File("err") + "'";
  int status = std::system(cmd.c_str());
  CHECK(WEXITSTATUS(status) == 1);
  CHECK_THAT(ReadFile(tmp.File("err")),
             Catch::Contains("Debian package 'graphviz'") && Catch::Contains("--format dot"));
}
