// kg: the command-line front door. Parses the global options, lets each
// command group register itself, then runs the chosen command and maps
// errors to exit codes (0 ok, 1 error, 2 bad usage).
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "graph/error.h"
#include "tools/kg/cli.h"

namespace kg::cli {

std::unique_ptr<graph::Store> OpenStore(const GlobalOptions& global, graph::Store::Mode mode) {
  if (mode == graph::Store::Mode::kReadOnly && !std::filesystem::exists(global.db))
    throw StorageError("no database at '" + global.db +
                       "' (create one with 'kg init' or 'kg ingest', or pass --db PATH)");
  return std::make_unique<graph::Store>(global.db, mode);
}

}  // namespace kg::cli

#ifdef KG_JEMALLOC
// jemalloc's built-in options (MALLOC_CONF in the environment still adds to
// them). Transparent huge pages for the heap and jemalloc's own metadata:
// where the kernel leaves THP to madvise (Debian's default), jemalloc asks
// for them. Page faults are costly on virtual machines; 2,000 bench articles
// into a new store took 2,000 minor faults instead of 28,600, sys 0.39 s
// instead of 0.56 s and 2.9 s user instead of 3.2 s, and a cold `kg query`
// 52-58 ms instead of 63-69 ms (alternated, on a loaded host); peak memory
// 131 MB instead of 119 MB. And memory freed stays with the process
// instead of going back to the kernel after 10 s (jemalloc's decay): a
// huge page given back is zeroed again, 2 MB at a time, when it is used
// next. 10,000 bench articles, 3 alternated runs: 15.7 / 13.7 / 9.7 s
// instead of 16.8 / 17.0 / 11.4 s, peak RSS 238 MB instead of 205-211 MB.
// kg runs one command and exits (or waits at the shell's prompt), so
// memory held to its end is the price of its peak, no more.
extern "C" const char* malloc_conf;
const char* malloc_conf = "thp:always,metadata_thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1";
#endif

int main(int argc, char** argv) {
  using namespace kg::cli;
  CLI::App app{"kg: build a knowledge graph from news articles and query it.", "kg"};
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions global;
  const char* env_db = std::getenv("KG_DB");
  global.db = env_db && *env_db ? env_db : "kg.db";
  app.add_option("--db", global.db, "SQLite database file (default: $KG_DB or ./kg.db)");
  app.set_version_flag("--version", std::string("kg ") + KG_VERSION);
  app.footer("Run 'kg COMMAND --help' for the options of one command.");

  Action action;
  RegisterStoreCommands(app, global, action);
  RegisterIngestCommands(app, global, action);
  RegisterQueryCommands(app, global, action);
  RegisterPathCommands(app, global, action);
  RegisterExportCommands(app, global, action);
  RegisterImportCommands(app, global, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  }
  try {
    return action ? action() : kUsage;
  } catch (const kg::Error& e) {
    std::cerr << "kg: error: " << e.what() << "\n";
    return kError;
  } catch (const std::exception& e) {
    std::cerr << "kg: error: " << e.what() << "\n";
    return kError;
  }
}
