#include <catch2/catch.hpp>

#include <fstream>

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
