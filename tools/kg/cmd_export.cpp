// `kg export`: write the graph, or the neighbourhood of a node, as DOT, SVG,
// JSON, GraphML or neo4j-admin CSV.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "graph/export_dot.h"
#include "graph/export_graphml.h"
#include "graph/export_neo4j_csv.h"
#include "graph/export_svg.h"
#include "graph/json_export.h"
#include "graph/subgraph.h"
#include "tools/kg/cli.h"

namespace kg::cli {

namespace {

struct ExportOptions {
  std::string format = "json";
  std::string out;
  std::vector<std::string> around;
  int depth = 1;
  std::string cluster;
  std::string query;
};

// Nodes named `name`: through the alias index (normalized), else by exact name.
std::vector<graph::NodeId> Resolve(const graph::Store& store, const std::string& name) {
  auto ids = store.FindByAlias(name);
  for (auto id : store.NodesNamed(name)) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.empty()) throw Error("no node is named '" + name + "' (by name or alias)");
  return ids;
}

int RunExport(const GlobalOptions& global, const ExportOptions& opt) {
  if (!opt.query.empty())
    throw Error("--query is not available yet (it needs the query engine); use --around NAME");
  if (opt.depth < 0) throw Error("--depth must be 0 or more");
  auto store = OpenStore(global, graph::Store::Mode::kReadOnly);
  graph::Subgraph subgraph = graph::Subgraph::Whole();
  if (!opt.around.empty()) {
    std::vector<graph::NodeId> seeds;
    for (const auto& name : opt.around)
      for (auto id : Resolve(*store, name)) seeds.push_back(id);
    subgraph = graph::Neighbourhood(*store, seeds, opt.depth);
  }
  if (opt.format == "neo4j-csv") {
    if (opt.out.empty() || opt.out == "-")
      throw Error("--format neo4j-csv writes a directory: give --out DIR");
    auto files = graph::WriteNeo4jCsv(*store, subgraph, opt.out);
    std::cerr << "kg: wrote " << files.nodes << ", " << files.relationships << " and "
              << files.readme << "\n";
    return kOk;
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!opt.out.empty() && opt.out != "-") {
    file.open(opt.out, std::ios::binary);
    if (!file) throw Error("cannot write '" + opt.out + "'");
    out = &file;
  }
  graph::DotOptions dot_options;
  dot_options.cluster_by_article = opt.cluster == "article";
  if (opt.format == "json") {
    graph::ExportJson(*store, subgraph, *out);
  } else if (opt.format == "dot") {
    graph::WriteDot(*store, subgraph, *out, dot_options);
  } else if (opt.format == "svg") {
    std::ostringstream dot;
    graph::WriteDot(*store, subgraph, dot, dot_options);
    std::string warnings = graph::RenderSvg(dot.str(), *out);
    if (!warnings.empty()) std::cerr << "kg: dot: " << warnings;
  } else if (opt.format == "graphml") {
    graph::WriteGraphml(*store, subgraph, *out);
  } else {
    throw Error("export format '" + opt.format + "' is not available");
  }
  out->flush();
  if (!*out) throw Error("writing the export failed");
  return kOk;
}

}  // namespace

void RegisterExportCommands(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto opt = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand(
      "export", "Write the graph (or a neighbourhood) as DOT, SVG, JSON, GraphML or neo4j-admin CSV");
  cmd->add_option("--format", opt->format, "Output format")
      ->check(CLI::IsMember({"json", "dot", "svg", "graphml", "neo4j-csv"}))
      ->capture_default_str();
  cmd->add_option("--out", opt->out,
                  "Output file (default: standard output); a directory for neo4j-csv");
  cmd->add_option("--around", opt->around,
                  "Export only the nodes within --depth hops of the node(s) with this name or "
                  "alias (repeatable)");
  cmd->add_option("--depth", opt->depth, "Hops around --around nodes")->capture_default_str();
  cmd->add_option("--cluster", opt->cluster,
                  "dot/svg: group nodes by the article they come from")
      ->check(CLI::IsMember({"article"}));
  cmd->add_option("--query", opt->query, "Export the paths a query returns (not yet available)");
  cmd->callback([&, opt] { action = [&, opt] { return RunExport(global, *opt); }; });
}

}  // namespace kg::cli
