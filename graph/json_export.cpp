// JSON export, streamed element by element so large graphs need little memory.
#include "graph/json_export.h"

#include <nlohmann/json.hpp>

namespace kg::graph {

namespace {

constexpr auto kReplace = nlohmann::json::error_handler_t::replace;

std::string Dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, kReplace); }

// Property maps are sorted by key (std::map), so the dump is deterministic.
std::string PropsJson(const Properties& props) {
  nlohmann::json obj = nlohmann::json::object();
  for (const auto& [k, v] : props) obj[k] = ToJson(v);
  return Dump(obj);
}

}  // namespace

void ExportJson(const Store& store, std::ostream& out) {
  ExportJson(store, Subgraph::Whole(), out);
}

void ExportJson(const Store& store, const Subgraph& subgraph, std::ostream& out) {
  out << "{\"nodes\": [";
  bool first = true;
  ForEachNodeIn(store, subgraph, [&](const Node& node) {
    out << (first ? "\n  " : ",\n  ") << "{\"id\": " << node.id
        << ", \"labels\": " << Dump(node.labels) << ", \"properties\": " << PropsJson(node.props)
        << "}";
    first = false;
  });
  out << (first ? "" : "\n") << "],\n\"relationships\": [";
  first = true;
  ForEachRelationshipIn(store, subgraph, [&](const Relationship& rel) {
    out << (first ? "\n  " : ",\n  ") << "{\"id\": " << rel.id << ", \"type\": " << Dump(rel.type)
        << ", \"start\": " << rel.start << ", \"end\": " << rel.end
        << ", \"properties\": " << PropsJson(rel.props) << "}";
    first = false;
  });
  out << (first ? "" : "\n") << "]}\n";
}

}  // namespace kg::graph
