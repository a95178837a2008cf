// Runs the data-driven query cases in tests/data/queries/*.test: each error
// case must print exactly the expected text (carets included); each result
// case must return exactly the expected rows in TCK notation.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "graph/store.h"
#include "queries/engine.h"
#include "queries/format.h"

namespace {

struct Case {
  std::string query, expect;
};

std::vector<Case> ReadCases(const std::string& path, std::vector<std::string>* setup) {
  std::ifstream in(path);
  REQUIRE(in);
  std::vector<Case> cases;
  std::string line, *target = nullptr;
  Case current;
  auto flush = [&] {
    if (!current.query.empty()) cases.push_back(current);
    current = Case{};
    target = nullptr;
  };
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0 && !target) continue;
    if (line == "====") {
      flush();
    } else if (line.rfind("setup: ", 0) == 0) {
      setup->push_back(line.substr(7));
    } else if (line.rfind("query: ", 0) == 0) {
      current.query = line.substr(7);
      target = &current.query;
    } else if (line == "expect:") {
      target = &current.expect;
    } else if (target) {
      if (target == &current.query) *target += "\n" + line;
      else *target += line + "\n";
    }
  }
  flush();
  return cases;
}

std::string TempDb(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() / ("kg_queries_" + name + ".db");
  std::filesystem::remove(path);
  return path.string();
}

}  // namespace

TEST_CASE("error cases print the message and carets under the offending text", "[queries][errors]") {
  std::vector<std::string> setup;
  auto cases = ReadCases(std::string(KG_SOURCE_DIR) + "/tests/data/queries/errors.test", &setup);
  REQUIRE(cases.size() >= 5);
  kg::graph::Store store(TempDb("errors"), kg::graph::Store::Mode::kReadWrite);
  kg::queries::Engine engine(store);
  for (const auto& c : cases) {
    INFO(c.query);
    std::string got;
    try {
      engine.Run(c.query);
      got = "(no error)\n";
    } catch (const kg::queries::QueryError& e) {
      got = kg::queries::RenderQueryError(c.query, e);
    }
    CHECK(got == c.expect);
  }
}

TEST_CASE("result cases return the expected rows", "[queries][executor]") {
  std::vector<std::string> setup;
  auto cases = ReadCases(std::string(KG_SOURCE_DIR) + "/tests/data/queries/results.test", &setup);
  REQUIRE(cases.size() >= 5);
  kg::graph::Store store(TempDb("results"), kg::graph::Store::Mode::kReadWrite);
  kg::queries::Engine engine(store);
  for (const auto& s : setup) engine.Run(s, {}, true);
  for (const auto& c : cases) {
    INFO(c.query);
    auto result = engine.Run(c.query);
    CHECK(kg::queries::FormatResult(result, engine.graph(), kg::queries::OutputFormat::kTck) == c.expect);
  }
}

TEST_CASE("explain cases print the expected plan", "[queries][planner]") {
  std::vector<std::string> setup;
  auto cases = ReadCases(std::string(KG_SOURCE_DIR) + "/tests/data/queries/explain.test", &setup);
  REQUIRE(cases.size() >= 3);
  kg::graph::Store store(TempDb("explain"), kg::graph::Store::Mode::kReadWrite);
  kg::queries::Engine engine(store);
  for (const auto& c : cases) {
    INFO(c.query);
    CHECK(engine.Explain(c.query) == c.expect);
  }
}
