#include <catch2/catch.hpp>

#include <fstream>

#include "graph/sqlite.h"
#include "tests/test_util.h"

using kg::testing::RunKg;
using kg::testing::TempDir;
using kg::testing::WriteFile;

TEST_CASE("kg ingest reports each bad file, goes on, and fails only at the end", "[ingest][cli]") {
  TempDir dir;
  std::string in = dir.File("in");
  std::filesystem::create_directories(in);
  WriteFile(in + "/empty.txt", "");
  WriteFile(in + "/binary.txt", std::string("abc\0def", 7));
  WriteFile(in + "/latin1.txt", "caf\xE9 au lait\n");
  WriteFile(in + "/good.txt",
            "Microsoft a investi 13 milliards de dollars dans OpenAI. Joe Biden a déclaré : "
            "« Nous allons investir massivement. »\n");
  std::string db = dir.File("kg.db");
  auto r = RunKg("--db " + db + " ingest " + in + " " + dir.File("missing.txt"));
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("1 new, 0 unchanged, 4 failed") != std::string::npos);
  CHECK(r.err.find("empty.txt: empty document") != std::string::npos);
  CHECK(r.err.find("binary.txt: binary file") != std::string::npos);
  CHECK(r.err.find("latin1.txt: invalid UTF-8 at byte 3") != std::string::npos);
  CHECK(r.err.find("missing.txt: no such file") != std::string::npos);
  CHECK(r.err.find("4 file(s) failed") != std::string::npos);
  auto check = RunKg("--db " + db + " check");
  CHECK(check.exit_code == 0);
  // Ingesting the same article again changes nothing.
  auto again = RunKg("--db " + db + " ingest " + in + "/good.txt");
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("0 new, 1 unchanged, 0 failed") != std::string::npos);
}

TEST_CASE("kg ingest --dry-run --explain shows entities, relations and rules without writing", "[ingest][cli]") {
  TempDir dir;
  std::string db = dir.File("kg.db");
  auto r = RunKg("--db " + db + " ingest --dry-run --explain -",
                 "Microsoft a investi 13 milliards de dollars dans OpenAI.\n");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("[Microsoft|Organization]") != std::string::npos);
  CHECK(r.out.find("Microsoft -[FUNDS]-> OpenAI") != std::string::npos);
  CHECK(r.out.find("(rule fr.funds.investit_dans)") != std::string::npos);
  CHECK(!std::filesystem::exists(db));
}

TEST_CASE("a bulk kg ingest leaves every index; one killed midway is repaired by the next write", "[ingest][cli]") {
  TempDir dir;
  std::string in = dir.File("in");
  std::filesystem::create_directories(in);
  // Two files of some 150 KB: a bulk load (the indexes the writer does not
  // read are dropped during the run).
  for (int f = 0; f < 2; ++f) {
    std::string text;
    for (int i = 0; text.size() < (150u << 10); ++i)
      text += "Microsoft a investi " + std::to_string(f * 10000 + i) + " millions de dollars dans OpenAI. ";
    WriteFile(in + "/a" + std::to_string(f) + ".txt", text + "\n");
  }
  std::string db = dir.File("kg.db");
  auto r = RunKg("--db " + db + " ingest " + in);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("2 new, 0 unchanged, 0 failed") != std::string::npos);
  auto indexes = [&] {
    kg::graph::Database conn(db, kg::graph::Database::Mode::kReadOnly);
    kg::graph::Statement st(conn, "SELECT count(*) FROM sqlite_schema WHERE type='index' AND sql IS NOT NULL");
    st.Step();
    return st.ColumnInt(0);
  };
  CHECK(indexes() == 7);
  CHECK(RunKg("--db " + db + " check").exit_code == 0);
  auto edges = RunKg("--db " + db + " query \"MATCH (a)-[r:FUNDS]->(b) RETURN a.name, b.name\"");
  CHECK(edges.exit_code == 0);
  CHECK(edges.out.find("Microsoft") != std::string::npos);
  {
    // What a bulk load killed before its end leaves.
    kg::graph::Database conn(db, kg::graph::Database::Mode::kReadWrite);
    conn.Exec("DROP INDEX evidence_node; DROP INDEX evidence_rel; DROP INDEX rels_dst_type");
  }
  auto check = RunKg("--db " + db + " check");
  CHECK(check.exit_code != 0);
  CHECK(check.out.find("index evidence_node is missing") != std::string::npos);
  // The answers are the same meanwhile.
  auto slow = RunKg("--db " + db + " query \"MATCH (a)-[r:FUNDS]->(b) RETURN a.name, b.name\"");
  CHECK(slow.out == edges.out);
  // Any write (here ingesting the same files again: nothing new) rebuilds them.
  auto again = RunKg("--db " + db + " ingest " + in);
  CHECK(again.out.find("0 new, 2 unchanged, 0 failed") != std::string::npos);
  CHECK(indexes() == 7);
  CHECK(RunKg("--db " + db + " check").exit_code == 0);
}
