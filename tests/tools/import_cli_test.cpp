// `kg import`: exit codes, FILE:LINE reports, no half-imported database.
#include <catch2/catch.hpp>

#include <filesystem>

#include "graph/store.h"
#include "tests/test_util.h"

using kg::testing::RunKg;
using kg::testing::TempDir;
using kg::testing::WriteFile;

TEST_CASE("kg import loads the plain benchmark files", "[tools][import]") {
  TempDir tmp;
  WriteFile(tmp.File("nodes.csv"), "id,label,name\n0,Organization,org_0\n1,Person,person_1\n");
  WriteFile(tmp.File("edges.csv"), "src,dst,type\n1,0,FOUNDED\n");
  std::string db = tmp.File("kg.db");
  auto r = RunKg("--db '" + db + "' import --nodes '" + tmp.File("nodes.csv") +
                 "' --relationships '" + tmp.File("edges.csv") + "'");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("imported 2 nodes and 1 relationships"));
  kg::graph::Store store(db, kg::graph::Store::Mode::kReadOnly);
  CHECK(store.GetStats().relationships == 1);
  CHECK(store.Check().empty());
  // The fast path for a new file must leave a normal WAL database behind.
  kg::graph::Statement st(store.db(), "PRAGMA journal_mode");
  REQUIRE(st.Step());
  CHECK(st.ColumnText(0) == "wal");
}

TEST_CASE("kg import with a bad row exits 1, names FILE:LINE and leaves no database",
          "[tools][import]") {
  TempDir tmp;
  WriteFile(tmp.File("nodes.csv"), "id,label,name\n0,Organization,org_0\n1,Person,person_1\n");
  WriteFile(tmp.File("edges.csv"), "src,dst,type\n1,0,FOUNDED\n1,5,FOUNDED\n");
  std::string db = tmp.File("new.db");
  auto r = RunKg("--db '" + db + "' import --nodes '" + tmp.File("nodes.csv") +
                 "' --relationships '" + tmp.File("edges.csv") + "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains(tmp.File("edges.csv") + ":3") &&
                        Catch::Contains("unknown end node id '5'") &&
                        Catch::Contains("nothing was imported"));
  CHECK_FALSE(std::filesystem::exists(db));

  // Into an existing database: rolled back, the old content stays.
  std::string old_db = tmp.File("old.db");
  {
    kg::graph::Store store(old_db, kg::graph::Store::Mode::kReadWrite);
    store.CreateNode({"Keep"}, {{"name", "me"}});
  }
  r = RunKg("--db '" + old_db + "' import --nodes '" + tmp.File("nodes.csv") +
            "' --relationships '" + tmp.File("edges.csv") + "'");
  CHECK(r.exit_code == 1);
  kg::graph::Store store(old_db, kg::graph::Store::Mode::kReadOnly);
  auto stats = store.GetStats();
  CHECK(stats.nodes == 1);
  CHECK(stats.relationships == 0);
}

TEST_CASE("kg import usage errors", "[tools][import]") {
  TempDir tmp;
  std::string db = "--db '" + tmp.File("kg.db") + "' ";
  CHECK(RunKg(db + "import").exit_code == 1);
  auto r = RunKg(db + "import --nodes '" + tmp.File("missing.csv") + "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("missing.csv"));
  CHECK_FALSE(std::filesystem::exists(tmp.File("kg.db")));
}
