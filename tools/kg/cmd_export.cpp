// `kg export`: write the graph in another format.
#include <fstream>
#include <iostream>

#include "graph/json_export.h"
#include "tools/kg/cli.h"

namespace kg::cli {

namespace {

struct ExportOptions {
  std::string format = "json";
  std::string out;
};

int RunExport(const GlobalOptions& global, const ExportOptions& opt) {
  auto store = OpenStore(global, graph::Store::Mode::kReadOnly);
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!opt.out.empty() && opt.out != "-") {
    file.open(opt.out, std::ios::binary);
    if (!file) throw Error("cannot write '" + opt.out + "'");
    out = &file;
  }
  if (opt.format == "json") {
    graph::ExportJson(*store, *out);
  } else {
    throw Error("export format '" + opt.format + "' is not available yet");
  }
  out->flush();
  if (!*out) throw Error("writing the export failed");
  return kOk;
}

}  // namespace

void RegisterExportCommands(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto opt = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand("export", "Write the graph as JSON");
  cmd->add_option("--format", opt->format, "Output format")
      ->check(CLI::IsMember({"json"}))
      ->capture_default_str();
  cmd->add_option("--out", opt->out, "Output file (default: standard output)");
  cmd->callback([&, opt] { action = [&, opt] { return RunExport(global, *opt); }; });
}

}  // namespace kg::cli
