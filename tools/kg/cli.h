// Shared plumbing of the `kg` command: global options, exit codes, and the
// registration function of each group of subcommands (one file each).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

#include "graph/store.h"

namespace kg::cli {

enum ExitCode : int { kOk = 0, kError = 1, kUsage = 2 };

struct GlobalOptions {
  std::string db;  // --db, else $KG_DB, else ./kg.db
};

// The command chosen on the command line; runs after parsing succeeded.
using Action = std::function<int()>;

// Opens the database named by the global options. kReadOnly refuses a
// missing file with a message that says how to create it.
std::unique_ptr<graph::Store> OpenStore(const GlobalOptions& global, graph::Store::Mode mode);

void RegisterStoreCommands(CLI::App& app, const GlobalOptions& global, Action& action);
void RegisterExportCommands(CLI::App& app, const GlobalOptions& global, Action& action);
void RegisterImportCommands(CLI::App& app, const GlobalOptions& global, Action& action);
void RegisterIngestCommands(CLI::App& app, const GlobalOptions& global, Action& action);
void RegisterQueryCommands(CLI::App& app, const GlobalOptions& global, Action& action);
void RegisterPathCommands(CLI::App& app, const GlobalOptions& global, Action& action);

}  // namespace kg::cli
