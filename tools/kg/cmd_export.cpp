// `kg export`: write the graph, or the neighbourhood of a node, as DOT, SVG,
// JSON, GraphML or neo4j-admin CSV.
#include <algorithm>
#include <fstream>
#include <set>
#include <iostream>
#include <sstream>

#include "graph/export_dot.h"
#include "graph/export_graphml.h"
#include "graph/export_neo4j_csv.h"
#include "graph/export_svg.h"
#include "graph/json_export.h"
#include "graph/subgraph.h"
#include "queries/engine.h"
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

// Every node, relationship and path in `value`, at any depth of lists and maps.
void CollectEntities(const queries::Value& value, std::set<graph::NodeId>& nodes,
                     std::set<graph::RelId>& rels) {
  if (value.is_node()) {
    nodes.insert(value.as_node().id);
  } else if (value.is_rel()) {
    rels.insert(value.as_rel().id);
  } else if (value.is_path()) {
    nodes.insert(value.as_path().nodes.begin(), value.as_path().nodes.end());
    rels.insert(value.as_path().rels.begin(), value.as_path().rels.end());
  } else if (value.is_list()) {
    for (const auto& item : value.as_list()) CollectEntities(item, nodes, rels);
  } else if (value.is_map()) {
    for (const auto& [key, item] : value.as_map()) CollectEntities(item, nodes, rels);
  }
}

// The subgraph a read-only query returns: its nodes, relationships and paths,
// with the end nodes of every relationship.
graph::Subgraph QuerySubgraph(graph::Store& store, const std::string& text) {
  queries::Engine engine(store);
  queries::QueryResult result;
  try {
    graph::Transaction read_txn(store.db(), false);
    result = engine.Run(text, {}, false);
  } catch (const queries::QueryError& e) {
    // The rendering starts with "kg: "; main adds its own prefix.
    std::string rendered = queries::RenderQueryError(text, e);
    if (rendered.rfind("kg: ", 0) == 0) rendered.erase(0, 4);
    while (!rendered.empty() && rendered.back() == '\n') rendered.pop_back();
    throw Error("in --query: " + rendered);
  }
  std::set<graph::NodeId> nodes;
  std::set<graph::RelId> rels;
  for (const auto& row : result.rows)
    for (const auto& cell : row) CollectEntities(cell, nodes, rels);
  for (auto id : rels) {
    if (auto rel = store.GetRelationship(id)) {
      nodes.insert(rel->start);
      nodes.insert(rel->end);
    }
  }
  graph::Subgraph subgraph;
  subgraph.nodes.assign(nodes.begin(), nodes.end());
  subgraph.relationships.assign(rels.begin(), rels.end());
  return subgraph;
}

int RunExport(const GlobalOptions& global, const ExportOptions& opt) {
  if (!opt.query.empty() && !opt.around.empty())
    throw Error("give either --query or --around, not both");
  if (opt.depth < 0) throw Error("--depth must be 0 or more");
  auto store = OpenStore(global, graph::Store::Mode::kReadOnly);
  graph::Subgraph subgraph = graph::Subgraph::Whole();
  if (!opt.around.empty()) {
    std::vector<graph::NodeId> seeds;
    for (const auto& name : opt.around)
      for (auto id : Resolve(*store, name)) seeds.push_back(id);
    subgraph = graph::Neighbourhood(*store, seeds, opt.depth);
  } else if (!opt.query.empty()) {
    subgraph = QuerySubgraph(*store, opt.query);
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
  cmd->add_option("--query", opt->query, "Export the nodes, relationships and paths a read-only query returns");
  cmd->callback([&, opt] { action = [&, opt] { return RunExport(global, *opt); }; });
}

}  // namespace kg::cli
