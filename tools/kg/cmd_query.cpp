// `kg query`: ask the graph in a subset of the openCypher query language.
// Placeholder until the query engine lands: it says so and fails cleanly.
#include <iostream>

#include "tools/kg/cli.h"

namespace kg::cli {

void RegisterQueryCommands(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto text = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("query", "Run a query (a subset of openCypher)");
  cmd->add_option("query", *text, "The query text, or - for standard input");
  cmd->callback([&, text] {
    action = [&, text]() -> int {
      (void)global;
      std::cerr << "kg: error: query is not implemented in this build\n";
      return kError;
    };
  });
}

}  // namespace kg::cli
