// `kg query` and `kg shell`: ask the graph in a subset of the openCypher
// query language. Reads never write: without --write the store is opened
// read-only. Errors go to stderr with carets under the offending text.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <readline/history.h>
#include <readline/readline.h>

#include "graph/normalize.h"
#include "queries/engine.h"
#include "queries/format.h"
#include "tools/kg/cli.h"
#include "tools/kg/view_graph.h"

namespace kg::cli {

namespace {

using queries::OutputFormat;

struct QueryOptions {
  std::string text;
  std::string file;
  std::vector<std::string> params;
  std::string format = "table";
  bool write = false;
  bool explain = false;
};

std::string ReadAll(std::istream& in) {
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

queries::Params ParseParams(const std::vector<std::string>& specs) {
  queries::Params params;
  for (const auto& spec : specs) {
    auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0)
      throw queries::QueryError("ArgumentError", "", "--param needs NAME=VALUE, got '" + spec + "'");
    params[spec.substr(0, eq)] = queries::ParseParameterValue(spec.substr(eq + 1));
  }
  return params;
}

void PrintError(const std::string& text, const queries::QueryError& e, bool tck) {
  if (tck) {
    std::cerr << "ERROR " << e.type();
    if (!e.detail().empty()) std::cerr << " " << e.detail();
    std::cerr << ": " << e.message() << "\n";
  }
  std::cerr << queries::RenderQueryError(text, e);
}

int RunQuery(const GlobalOptions& global, const QueryOptions& opt) {
  OutputFormat format;
  if (!queries::ParseOutputFormat(opt.format, format)) {
    std::cerr << "kg: unknown --format '" << opt.format << "' (use table, csv, json or tck)\n";
    return kUsage;
  }
  bool tck = format == OutputFormat::kTck;
  std::string text;
  if (!opt.file.empty()) {
    std::ifstream in(opt.file);
    if (!in) {
      std::cerr << "kg: cannot read " << opt.file << "\n";
      return kError;
    }
    text = ReadAll(in);
  } else if (opt.text == "-") {
    text = ReadAll(std::cin);
  } else {
    text = opt.text;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    std::cerr << "kg: no query given (pass it as an argument, with -f FILE, or - for stdin)\n";
    return kUsage;
  }
  try {
    auto params = ParseParams(opt.params);
    auto mode = opt.write ? graph::Store::Mode::kReadWrite : graph::Store::Mode::kReadOnly;
    auto store = OpenStore(global, mode);
    // A larger page cache and memory-mapped reads for traversals.
    store->db().Exec("PRAGMA cache_size=-65536");
    store->db().Exec("PRAGMA mmap_size=1073741824");
    // Reads expand through the graph view (CSR arrays cached beside the
    // database); writes go straight to the store.
    std::unique_ptr<queries::GraphAccess> graph;
    if (opt.write)
      graph = std::make_unique<queries::StoreGraph>(*store);
    else
      graph = std::make_unique<ViewGraph>(*store);
    queries::Engine engine(*graph);
    if (opt.explain) {
      std::cout << engine.Explain(text);
      return kOk;
    }
    queries::QueryResult result;
    if (opt.write) {
      graph::Store::WriteTxn txn(*store);
      result = engine.Run(text, params, true);
      std::string out = queries::FormatResult(result, engine.graph(), format);
      txn.Commit();
      std::cout << out;
    } else {
      // One read transaction for the whole query: SQLite takes its shared
      // lock once instead of once per statement.
      graph::Transaction read_txn(store->db(), false);
      result = engine.Run(text, params, false);
      std::cout << queries::FormatResult(result, engine.graph(), format);
    }
    if (tck) std::cerr << queries::FormatSideEffects(result.effects);
    return kOk;
  } catch (const queries::QueryError& e) {
    PrintError(text, e, tck);
    return kError;
  } catch (const Error& e) {
    if (tck) std::cerr << "ERROR ConstraintVerificationFailed: " << e.what() << "\n";
    std::cerr << "kg: error: " << e.what() << "\n";
    return kError;
  }
}

// ---- kg shell

struct DotCommand {
  const char* name;
  const char* args;
  const char* help;
};
constexpr DotCommand kDotCommands[] = {
    {".help", "", "Show this list"},
    {".mode", "table|csv|json", "Set the output format"},
    {".schema", "", "List node labels and relationship types with counts"},
    {".read", "FILE", "Run the queries in FILE (each ended by ;)"},
    {".quit", "", "Leave the shell"},
};

class Shell {
 public:
  Shell(const GlobalOptions& global, bool write) : global_(global), write_(write) {}

  int Run() {
    auto mode = write_ ? graph::Store::Mode::kReadWrite : graph::Store::Mode::kReadOnly;
    store_ = OpenStore(global_, mode);
    store_->db().Exec("PRAGMA cache_size=-65536");
    store_->db().Exec("PRAGMA mmap_size=1073741824");
    engine_ = std::make_unique<queries::Engine>(*store_);
    bool interactive = isatty(STDIN_FILENO);
    std::string history_file;
    if (interactive) {
      std::cout << "kg shell: a subset of the openCypher query language. End queries with ';', .help for help.\n";
      if (const char* home = std::getenv("HOME")) {
        history_file = std::string(home) + "/.kg_history";
        read_history(history_file.c_str());
      }
    }
    std::string buffer;
    while (true) {
      std::string line;
      if (interactive) {
        char* raw = readline(buffer.empty() ? "kg> " : "...> ");
        if (!raw) break;
        line = raw;
        std::free(raw);
        if (!line.empty()) add_history(line.c_str());
      } else if (!std::getline(std::cin, line)) {
        break;
      }
      if (buffer.empty() && line.rfind('.', 0) == 0 && line.find_first_not_of(" \t") == 0) {
        if (!DotCommandLine(line)) break;
        continue;
      }
      buffer += line + "\n";
      if (EndsStatement(buffer)) {
        RunText(buffer);
        buffer.clear();
        if (!interactive && failed_) return kError;
      }
    }
    if (buffer.find_first_not_of(" \t\r\n") != std::string::npos) RunText(buffer);
    if (!history_file.empty()) write_history(history_file.c_str());
    return failed_ ? kError : kOk;
  }

 private:
  static bool EndsStatement(const std::string& s) {
    size_t end = s.find_last_not_of(" \t\r\n");
    return end != std::string::npos && s[end] == ';';
  }

  void RunText(const std::string& text) {
    try {
      queries::QueryResult result;
      if (write_) {
        graph::Store::WriteTxn txn(*store_);
        result = engine_->Run(text, {}, true);
        txn.Commit();
      } else {
        graph::Transaction read_txn(store_->db(), false);
        result = engine_->Run(text, {}, false);
      }
      std::cout << queries::FormatResult(result, engine_->graph(), format_);
      if (result.columns.empty())
        std::cout << "created " << result.effects.nodes_created << " node(s), "
                  << result.effects.relationships_created << " relationship(s)\n";
    } catch (const queries::QueryError& e) {
      std::cerr << queries::RenderQueryError(text, e);
      failed_ = true;
    } catch (const Error& e) {
      std::cerr << "kg: error: " << e.what() << "\n";
      failed_ = true;
    }
  }

  // Returns false to leave the shell.
  bool DotCommandLine(const std::string& line) {
    std::istringstream in(line);
    std::string cmd, arg;
    in >> cmd >> arg;
    if (cmd == ".quit" || cmd == ".exit") return false;
    if (cmd == ".help") {
      for (const auto& c : kDotCommands) {
        std::string left = std::string(c.name) + (*c.args ? std::string(" ") + c.args : "");
        std::printf("%-22s %s\n", left.c_str(), c.help);
      }
      std::cout.flush();
      return true;
    }
    if (cmd == ".mode") {
      OutputFormat f;
      if (arg == "tck" || !queries::ParseOutputFormat(arg, f)) {
        std::cerr << "kg: .mode takes table, csv or json\n";
      } else {
        format_ = f;
      }
      return true;
    }
    if (cmd == ".schema") {
      auto stats = store_->GetStats();
      std::cout << "node labels:\n";
      for (const auto& [l, n] : stats.nodes_by_label) std::cout << "  :" << l << " (" << n << ")\n";
      std::cout << "relationship types:\n";
      for (const auto& [t, n] : stats.rels_by_type) std::cout << "  :" << t << " (" << n << ")\n";
      return true;
    }
    if (cmd == ".read") {
      std::ifstream f(arg);
      if (!f) {
        std::cerr << "kg: cannot read '" << arg << "'\n";
        return true;
      }
      std::string buffer, l;
      while (std::getline(f, l)) {
        buffer += l + "\n";
        if (EndsStatement(buffer)) {
          RunText(buffer);
          buffer.clear();
        }
      }
      if (buffer.find_first_not_of(" \t\r\n") != std::string::npos) RunText(buffer);
      return true;
    }
    std::string best;
    size_t best_d = 100;
    for (const auto& c : kDotCommands) {
      size_t d = graph::EditDistance(cmd, c.name);
      if (d < best_d) best_d = d, best = c.name;
    }
    std::cerr << "kg: unknown command '" << cmd << "'";
    if (best_d <= 3) std::cerr << "; did you mean '" << best << "'?";
    std::cerr << " (.help lists the commands)\n";
    return true;
  }

  const GlobalOptions& global_;
  bool write_;
  std::unique_ptr<graph::Store> store_;
  std::unique_ptr<queries::Engine> engine_;
  OutputFormat format_ = OutputFormat::kTable;
  bool failed_ = false;
};

}  // namespace

void RegisterQueryCommands(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto opt = std::make_shared<QueryOptions>();
  auto* cmd = app.add_subcommand(
      "query", "Run a query (a subset of the openCypher query language, tested against the openCypher TCK)");
  cmd->add_option("query", opt->text, "The query text, or - for standard input");
  cmd->add_option("-f,--file", opt->file, "Read the query from FILE");
  cmd->add_option("--param", opt->params, "Parameter NAME=VALUE (VALUE is a literal: 1, 'text', [1,2], {k: 1})")
      ->allow_extra_args(false);
  cmd->add_option("--format", opt->format, "Output format: table, csv, json or tck");
  cmd->add_flag("--write", opt->write, "Allow CREATE (creates the database if missing)");
  cmd->add_flag("--explain", opt->explain, "Print the plan instead of running the query");
  cmd->callback([&, opt] {
    action = [&, opt]() -> int { return RunQuery(global, *opt); };
  });

  auto write = std::make_shared<bool>(false);
  auto* shell = app.add_subcommand("shell", "Interactive query shell (readline, history, dot-commands)");
  shell->add_flag("--write", *write, "Allow CREATE");
  shell->callback([&, write] {
    action = [&, write]() -> int { return Shell(global, *write).Run(); };
  });
}

}  // namespace kg::cli
