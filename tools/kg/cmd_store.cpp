// `kg init`, `kg stats`, `kg check`: create, describe and verify a database.
#include <iostream>

#include "tools/kg/cli.h"

namespace kg::cli {

namespace {

int RunInit(const GlobalOptions& global) {
  auto store = OpenStore(global, graph::Store::Mode::kReadWrite);
  std::cout << "kg: database ready at " << global.db << " (schema version "
            << graph::kSchemaVersion << ")\n";
  return kOk;
}

int RunStats(const GlobalOptions& global, bool json) {
  auto store = OpenStore(global, graph::Store::Mode::kReadOnly);
  auto s = store->GetStats();
  if (json) {
    std::cout << "{\"articles\": " << s.articles << ", \"nodes\": " << s.nodes
              << ", \"relationships\": " << s.relationships << ", \"evidence\": " << s.evidence
              << ", \"aliases\": " << s.aliases << ", \"nodes_by_label\": {";
    for (size_t i = 0; i < s.nodes_by_label.size(); ++i)
      std::cout << (i ? ", " : "") << '"' << s.nodes_by_label[i].first
                << "\": " << s.nodes_by_label[i].second;
    std::cout << "}, \"relationships_by_type\": {";
    for (size_t i = 0; i < s.rels_by_type.size(); ++i)
      std::cout << (i ? ", " : "") << '"' << s.rels_by_type[i].first
                << "\": " << s.rels_by_type[i].second;
    std::cout << "}}\n";
    return kOk;
  }
  std::cout << "articles       " << s.articles << "\n"
            << "nodes          " << s.nodes << "\n";
  for (const auto& [label, n] : s.nodes_by_label) std::cout << "  :" << label << "  " << n << "\n";
  std::cout << "relationships  " << s.relationships << "\n";
  for (const auto& [type, n] : s.rels_by_type) std::cout << "  :" << type << "  " << n << "\n";
  std::cout << "evidence       " << s.evidence << "\n"
            << "aliases        " << s.aliases << "\n";
  return kOk;
}

int RunCheck(const GlobalOptions& global) {
  auto store = OpenStore(global, graph::Store::Mode::kReadOnly);
  auto problems = store->Check();
  for (const auto& p : problems) std::cout << p << "\n";
  if (problems.empty()) {
    std::cout << "ok\n";
    return kOk;
  }
  std::cerr << "kg: check found " << problems.size() << " problem(s) in " << global.db << "\n";
  return kError;
}

}  // namespace

void RegisterStoreCommands(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* init = app.add_subcommand("init", "Create an empty database (or upgrade an older one)");
  init->callback([&] { action = [&] { return RunInit(global); }; });

  auto* stats = app.add_subcommand("stats", "Count articles, nodes by label, relationships by type");
  auto json = std::make_shared<bool>(false);
  stats->add_flag("--json", *json, "Print the counts as one JSON object");
  stats->callback([&, json] { action = [&, json] { return RunStats(global, *json); }; });

  auto* check = app.add_subcommand(
      "check", "Verify the database: SQLite integrity and the graph's invariants");
  check->callback([&] { action = [&] { return RunCheck(global); }; });
}

}  // namespace kg::cli
