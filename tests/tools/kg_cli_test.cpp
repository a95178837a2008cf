// The kg command: exit codes, help, init/stats/check, JSON export.
#include <catch2/catch.hpp>

#include "graph/store.h"
#include "tests/test_util.h"

using kg::testing::RunKg;
using kg::testing::TempDir;

TEST_CASE("kg --version and --help succeed", "[tools][cli]") {
  auto v = RunKg("--version");
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.out, Catch::StartsWith("kg "));
  auto h = RunKg("--help");
  CHECK(h.exit_code == 0);
  CHECK_THAT(h.out, Catch::Contains("init") && Catch::Contains("stats") && Catch::Contains("check"));
  for (const char* cmd : {"init", "stats", "check", "export", "ingest", "query"}) {
    CAPTURE(cmd);
    CHECK(RunKg(std::string(cmd) + " --help").exit_code == 0);
  }
}

TEST_CASE("bad usage exits 2", "[tools][cli]") {
  CHECK(RunKg("").exit_code == 2);
  CHECK(RunKg("no-such-command").exit_code == 2);
  CHECK(RunKg("stats --no-such-flag").exit_code == 2);
}

TEST_CASE("kg init, stats and check on a fresh database", "[tools][cli]") {
  TempDir tmp;
  std::string db = "--db '" + tmp.File("kg.db") + "' ";
  auto init = RunKg(db + "init");
  REQUIRE(init.exit_code == 0);
  auto stats = RunKg(db + "stats");
  CHECK(stats.exit_code == 0);
  CHECK_THAT(stats.out, Catch::Contains("nodes          0"));
  auto check = RunKg(db + "check");
  CHECK(check.exit_code == 0);
  CHECK(check.out == "ok\n");
}

TEST_CASE("commands on a missing database fail with a clear message", "[tools][cli]") {
  TempDir tmp;
  auto r = RunKg("--db '" + tmp.File("missing.db") + "' stats");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("no database at") && Catch::Contains("missing.db"));
}

TEST_CASE("kg check reports a planted dangling relationship", "[tools][cli]") {
  TempDir tmp;
  std::string path = tmp.File("kg.db");
  {
    kg::graph::Store store(path, kg::graph::Store::Mode::kReadWrite);
    auto a = store.CreateNode({"A"}, {});
    store.CreateRelationship(a, a, "SELF", {});
  }
  {
    kg::graph::Database db(path, kg::graph::Database::Mode::kReadWrite);
    db.Exec("PRAGMA foreign_keys=OFF");
    db.Exec("INSERT INTO rels(src, dst, type) VALUES (1, 99, 'DANGLING')");
  }
  auto r = RunKg("--db '" + path + "' check");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("relationship 2 ends at missing node 99"));
}

TEST_CASE("kg stats counts nodes by label and relationships by type", "[tools][cli]") {
  TempDir tmp;
  std::string path = tmp.File("kg.db");
  {
    kg::graph::Store store(path, kg::graph::Store::Mode::kReadWrite);
    auto a = store.CreateNode({"Person"}, {{"name", kg::graph::Value("Ada")}});
    auto b = store.CreateNode({"Organization"}, {});
    store.CreateRelationship(a, b, "FOUNDED", {});
  }
  auto r = RunKg("--db '" + path + "' stats --json");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"nodes_by_label\": {\"Organization\": 1, \"Person\": 1}"));
  CHECK_THAT(r.out, Catch::Contains("\"relationships_by_type\": {\"FOUNDED\": 1}"));
}

TEST_CASE("kg export --format json is deterministic and typed", "[tools][cli][export]") {
  TempDir tmp;
  std::string path = tmp.File("kg.db");
  {
    kg::graph::Store store(path, kg::graph::Store::Mode::kReadWrite);
    auto a = store.CreateNode({"Organization"}, {{"name", kg::graph::Value("Soft\"Bank")}});
    auto b = store.CreateNode({"Project"}, {{"name", kg::graph::Value("Stargate")}});
    store.CreateRelationship(a, b, "FUNDS", {{"amount_usd", kg::graph::Value(1e11)},
                                             {"n", kg::graph::Value(2)}});
  }
  auto r1 = RunKg("--db '" + path + "' export --format json");
  auto r2 = RunKg("--db '" + path + "' export --format json");
  REQUIRE(r1.exit_code == 0);
  CHECK(r1.out == r2.out);
  CHECK_THAT(r1.out, Catch::Contains("\"name\":\"Soft\\\"Bank\""));
  CHECK_THAT(r1.out, Catch::Contains("\"amount_usd\":100000000000.0"));
  CHECK_THAT(r1.out, Catch::Contains("\"n\":2"));
}
