// `kg path A B` and `kg show NAME`: how two entities are connected (shortest
// paths over the graph view, hop by hop, with each relationship's evidence),
// and everything known about one entity (labels, aliases, relationships,
// quotes). Output is deterministic: sorted by relationship and node ids.
#include <algorithm>
#include <iostream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "graph/value.h"
#include "graph/export_dot.h"
#include "graph/export_svg.h"
#include "graph/lookup.h"
#include "graph/subgraph.h"
#include "graph/views.h"
#include "tools/kg/cli.h"

namespace kg::cli {

namespace {

using graph::Direction;
using graph::Node;
using graph::NodeId;
using graph::RelId;

// Resolves a name typed by the user to exactly one node, or throws an error
// that lists the candidates (ambiguous) or the closest names (unknown).
NodeId ResolveOne(const graph::Store& store, const std::string& text) {
  auto match = graph::FindEntity(store, text);
  if (match.nodes.size() == 1) return match.nodes.front();
  std::ostringstream msg;
  if (match.nodes.empty()) {
    msg << "no entity named '" << text << "'";
    if (!match.suggestions.empty()) {
      msg << "; did you mean ";
      for (size_t i = 0; i < match.suggestions.size(); ++i)
        msg << (i ? ", " : "") << "'" << match.suggestions[i] << "'";
      msg << "?";
    }
    throw Error(msg.str());
  }
  msg << "'" << text << "' is ambiguous: " << match.nodes.size() << " entities match";
  for (NodeId id : match.nodes) {
    auto node = store.GetNode(id);
    msg << "\n  #" << id << "  " << graph::DisplayName(*node);
    if (!node->labels.empty()) {
      msg << " (";
      for (size_t i = 0; i < node->labels.size(); ++i) msg << (i ? ":" : "") << node->labels[i];
      msg << ")";
    }
  }
  msg << "\nname one of them by id, e.g. '#" << match.nodes.front() << "'";
  throw Error(msg.str());
}

std::string Labels(const std::vector<std::string>& labels) {
  std::string out;
  for (const auto& l : labels) out += ":" + l;
  return out;
}

// {key: value, ...} with values as JSON; empty string for no properties.
std::string PropsText(const graph::Properties& props, bool skip_name = false) {
  std::string out;
  for (const auto& [key, value] : props) {
    if (skip_name && key == "name") continue;
    out += (out.empty() ? "{" : ", ") + key + ": " + graph::ToJson(value).dump();
  }
  return out.empty() ? out : out + "}";
}

std::string NodeText(const graph::Store& store, NodeId id) {
  auto node = store.GetNode(id);
  return "(" + graph::DisplayName(*node) + Labels(node->labels) + " #" + std::to_string(id) + ")";
}

void PrintEvidence(const graph::Store& store, RelId rel, const std::string& indent) {
  auto evidence = store.EvidenceForRelationship(rel);
  if (evidence.empty()) {
    std::cout << indent << "evidence: none recorded\n";
    return;
  }
  for (const auto& e : evidence) {
    std::cout << indent << "evidence: \"" << e.sentence << "\"";
    std::string source = e.article_title.value_or("article " + std::to_string(e.article));
    if (e.article_published) source += ", " + *e.article_published;
    std::cout << " (" << source << "; rule " << e.rule << ")\n";
  }
}

// "-[:TYPE #id {props}]->" as walked from `from`.
std::string RelText(const graph::Relationship& rel, NodeId from) {
  std::string body = ":" + rel.type + " #" + std::to_string(rel.id);
  std::string props = PropsText(rel.props);
  if (!props.empty()) body += " " + props;
  bool forward = rel.start == from;
  return forward ? "-[" + body + "]->" : "<-[" + body + "]-";
}

struct PathOptions {
  std::string from, to;
  int max_hops = 6;
  bool all = false;
  size_t limit = 100;
  std::vector<std::string> types;
  std::string direction = "any";
  std::string format = "text";
};

int RunPath(const GlobalOptions& global, const PathOptions& opt) {
  if (opt.format != "text" && opt.format != "dot" && opt.format != "svg") {
    std::cerr << "kg: path: unknown --format '" << opt.format << "' (use text, dot or svg)\n";
    return kUsage;
  }
  Direction dir;
  if (opt.direction == "any")
    dir = Direction::kBoth;
  else if (opt.direction == "out")
    dir = Direction::kOut;
  else if (opt.direction == "in")
    dir = Direction::kIn;
  else {
    std::cerr << "kg: path: --direction must be any, out or in\n";
    return kUsage;
  }
  if (opt.max_hops < 1) {
    std::cerr << "kg: path: --max-hops must be at least 1\n";
    return kUsage;
  }
  auto store = OpenStore(global, graph::Store::Mode::kReadOnly);
  NodeId a = ResolveOne(*store, opt.from);
  NodeId b = ResolveOne(*store, opt.to);
  auto search = [&] {
    auto view = graph::GraphView::Open(*store);
    auto types = view->Types(opt.types);
    std::vector<graph::Path> found;
    if (opt.all) {
      found = view->AllShortestPaths(a, b, dir, opt.max_hops, types, opt.limit);
    } else if (auto p = view->ShortestPath(a, b, dir, opt.max_hops, types)) {
      found.push_back(std::move(*p));
    }
    return found;
  };
  std::vector<graph::Path> paths;
  try {
    paths = search();
  } catch (const graph::ViewCacheError&) {
    paths = search();  // the corrupt cache file is gone: this builds a fresh view
  }
  std::string a_name = graph::DisplayName(*store->GetNode(a));
  std::string b_name = graph::DisplayName(*store->GetNode(b));
  if (paths.empty()) {
    std::cout << "no path from " << a_name << " to " << b_name << " within " << opt.max_hops
              << " hop" << (opt.max_hops == 1 ? "" : "s") << "\n";
    return kError;
  }
  if (opt.format != "text") {
    // The union of the paths found, drawn by the DOT exporter.
    std::vector<NodeId> nodes;
    std::vector<RelId> rels;
    for (const auto& p : paths) {
      nodes.insert(nodes.end(), p.nodes.begin(), p.nodes.end());
      rels.insert(rels.end(), p.rels.begin(), p.rels.end());
    }
    auto subgraph = graph::Subgraph::Of(*store, std::move(nodes), std::move(rels));
    if (opt.format == "dot") {
      graph::WriteDot(*store, subgraph, std::cout);
    } else {
      std::ostringstream dot;
      graph::WriteDot(*store, subgraph, dot);
      std::string warnings = graph::RenderSvg(dot.str(), std::cout);
      if (!warnings.empty()) std::cerr << "kg: dot: " << warnings;
    }
    return kOk;
  }
  size_t hops = paths.front().length();
  std::cout << a_name << " -> " << b_name << ": " << hops << " hop" << (hops == 1 ? "" : "s");
  if (opt.all)
    std::cout << ", " << paths.size() << " shortest path" << (paths.size() == 1 ? "" : "s")
              << (paths.size() == opt.limit ? " (limit reached)" : "");
  std::cout << "\n";
  for (size_t i = 0; i < paths.size(); ++i) {
    const auto& p = paths[i];
    std::cout << "\n";
    if (opt.all) std::cout << "path " << i + 1 << "\n";
    std::cout << "  " << NodeText(*store, p.nodes[0]) << "\n";
    for (size_t h = 0; h < p.rels.size(); ++h) {
      auto rel = store->GetRelationship(p.rels[h]);
      std::cout << "    " << RelText(*rel, p.nodes[h]) << "\n";
      PrintEvidence(*store, rel->id, "      ");
      std::cout << "  " << NodeText(*store, p.nodes[h + 1]) << "\n";
    }
  }
  return kOk;
}

std::string QuoteText(const Node& quote) {
  auto it = quote.props.find("text");
  if (it != quote.props.end() && it->second.is_string()) return "\"" + it->second.as_string() + "\"";
  return graph::DisplayName(quote);
}

bool IsQuote(const Node& node) {
  return std::find(node.labels.begin(), node.labels.end(), "Quote") != node.labels.end();
}

int RunShow(const GlobalOptions& global, const std::string& name) {
  auto store = OpenStore(global, graph::Store::Mode::kReadOnly);
  NodeId id = ResolveOne(*store, name);
  auto node = store->GetNode(id);
  std::cout << graph::DisplayName(*node) << "  #" << id << "\n";
  std::cout << "labels: ";
  for (size_t i = 0; i < node->labels.size(); ++i) std::cout << (i ? ", " : "") << node->labels[i];
  std::cout << (node->labels.empty() ? "none" : "") << "\n";
  auto aliases = store->AliasesOf(id);
  std::cout << "aliases: ";
  for (size_t i = 0; i < aliases.size(); ++i) std::cout << (i ? ", " : "") << aliases[i];
  std::cout << (aliases.empty() ? "none" : "") << "\n";
  std::string props = PropsText(node->props, true);
  if (!props.empty()) std::cout << "properties: " << props << "\n";
  auto mentions = store->EvidenceForNode(id);
  if (!mentions.empty()) {
    std::set<graph::ArticleId> articles;
    for (const auto& e : mentions) articles.insert(e.article);
    std::cout << "mentions: " << mentions.size() << " in " << articles.size() << " article"
              << (articles.size() == 1 ? "" : "s") << "\n";
  }

  // Quote links go to their own sections; everything else is a relationship.
  std::vector<graph::Edge> rels;
  std::vector<std::pair<graph::Edge, Node>> said, about;
  for (const auto& e : store->EdgesOf(id, Direction::kBoth)) {
    auto other = store->GetNode(e.other);
    bool quote_link = other && IsQuote(*other) &&
                      ((e.outgoing && e.type == "SAID") || (!e.outgoing && e.type == "ABOUT"));
    if (quote_link && !IsQuote(*node))
      (e.type == "SAID" ? said : about).emplace_back(e, *other);
    else
      rels.push_back(e);
  }
  std::cout << "\nrelationships (" << rels.size() << ")\n";
  for (const auto& e : rels) {
    auto rel = store->GetRelationship(e.id);
    std::cout << "  " << RelText(*rel, id) << " " << NodeText(*store, e.other) << "\n";
    PrintEvidence(*store, e.id, "      ");
  }
  auto print_quotes = [&](const char* title, const std::vector<std::pair<graph::Edge, Node>>& quotes,
                          const char* link_back) {
    std::cout << "\n" << title << " (" << quotes.size() << ")\n";
    for (const auto& [edge, quote] : quotes) {
      std::cout << "  " << QuoteText(quote) << "  #" << quote.id << "\n";
      // The other side of the quote: who said it, or what it is about.
      std::vector<std::string> others;
      Direction back = std::string(link_back) == "SAID" ? Direction::kIn : Direction::kOut;
      for (const auto& q : store->EdgesOf(quote.id, back, link_back))
        if (q.other != id) others.push_back(NodeText(*store, q.other));
      if (!others.empty()) {
        std::cout << "      " << (back == Direction::kIn ? "said by" : "about") << ": ";
        for (size_t i = 0; i < others.size(); ++i) std::cout << (i ? ", " : "") << others[i];
        std::cout << "\n";
      }
      PrintEvidence(*store, edge.id, "      ");
    }
  };
  print_quotes("quotes by it", said, "ABOUT");
  print_quotes("quotes about it", about, "SAID");
  return kOk;
}

}  // namespace

void RegisterPathCommands(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto opt = std::make_shared<PathOptions>();
  auto* path = app.add_subcommand(
      "path", "Show how two entities are connected: shortest path(s), hop by hop, with evidence");
  path->add_option("from", opt->from, "First entity: name, alias or #ID")->required();
  path->add_option("to", opt->to, "Second entity: name, alias or #ID")->required();
  path->add_option("--max-hops", opt->max_hops, "Longest path considered (default 6)");
  path->add_flag("--all", opt->all, "Every shortest path, not just one");
  path->add_option("--limit", opt->limit, "With --all: at most this many paths (default 100)");
  path->add_option("--type", opt->types, "Follow only these relationship types (T1,T2,...)")
      ->delimiter(',');
  path->add_option("--direction", opt->direction,
                   "any: ignore relationship direction (default); out: follow it; in: against it");
  path->add_option("--format", opt->format,
                   "text (default), dot or svg (the path(s) drawn as a graph, with --all their union)");
  path->footer("Exit status: 0 when a path was found, 1 when none (or on error), 2 on bad usage.");
  path->callback([&, opt] { action = [&, opt] { return RunPath(global, *opt); }; });

  auto name = std::make_shared<std::string>();
  auto* show = app.add_subcommand(
      "show", "Show one entity: labels, aliases, relationships with evidence, quotes");
  show->add_option("name", *name, "The entity: name, alias or #ID")->required();
  show->callback([&, name] { action = [&, name] { return RunShow(global, *name); }; });
}

}  // namespace kg::cli
