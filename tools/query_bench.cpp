// kg_query_bench: runs one query of a subset of the openCypher query language
// several times in one process (the "warm" timing of tools/bench query) and
// prints the last result as CSV on stdout and one line per run on stderr:
//   kg: query repeat I MS
//
//   kg_query_bench --db DB [--reps N] [--view] [--param NAME=VALUE ...] QUERY
#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>

#include "queries/engine.h"
#include "queries/format.h"
#include "tools/kg/view_graph.h"

int main(int argc, char** argv) {
  CLI::App app{"Times one query repeated in-process", "kg_query_bench"};
  std::string db, text;
  int reps = 6;
  std::vector<std::string> param_specs;
  bool use_view = false;
  app.add_option("--db", db, "kg database")->required();
  app.add_option("--reps", reps, "executions (the first is the warm-up)");
  app.add_option("--param", param_specs, "NAME=VALUE (a literal)");
  app.add_flag("--view", use_view, "expand through the GraphView (tools/kg/view_graph.h)");
  app.add_option("query", text, "query text")->required();
  CLI11_PARSE(app, argc, argv);
  try {
    kg::graph::Store store(db, kg::graph::Store::Mode::kReadOnly);
    kg::queries::StoreGraph store_graph(store);
    kg::cli::ViewGraph view_graph(store);
    kg::queries::Engine engine(use_view ? static_cast<kg::queries::GraphAccess&>(view_graph)
                                        : static_cast<kg::queries::GraphAccess&>(store_graph));
    kg::queries::Params params;
    for (const auto& spec : param_specs) {
      auto eq = spec.find('=');
      params[spec.substr(0, eq)] = kg::queries::ParseParameterValue(spec.substr(eq + 1));
    }
    kg::queries::QueryResult result;
    for (int i = 0; i < std::max(reps, 1); ++i) {
      auto t0 = std::chrono::steady_clock::now();
      result = engine.Run(text, params, false);
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      std::cerr << "kg: query repeat " << i << " " << ms << "\n";
    }
    std::cout << kg::queries::FormatResult(result, engine.graph(), kg::queries::OutputFormat::kCsv);
  } catch (const std::exception& e) {
    std::cerr << "kg_query_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
