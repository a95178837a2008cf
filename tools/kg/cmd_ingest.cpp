// `kg ingest`: read articles and add their facts to the graph.
// Placeholder until the ingest pipeline lands: it says so and fails cleanly.
#include <iostream>

#include "tools/kg/cli.h"

namespace kg::cli {

void RegisterIngestCommands(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("ingest", "Extract entities, relations and quotes from articles");
  cmd->add_option("paths", *paths, "Files, directories, or - for standard input")->required();
  cmd->callback([&, paths] {
    action = [&, paths]() -> int {
      (void)global;
      std::cerr << "kg: error: ingest is not implemented in this build\n";
      return kError;
    };
  });
}

}  // namespace kg::cli
