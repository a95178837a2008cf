// GraphML writer: one pass to learn each key's type, one pass to write.
#include "graph/export_graphml.h"

#include <map>

#include "graph/export_types.h"

namespace kg::graph {

namespace {

using exporttypes::Kind;

// Escapes XML character data and attribute values; drops characters XML 1.0
// cannot carry (C0 controls other than tab, LF, CR). CR is written as a
// character reference so parsers do not turn it into LF.
std::string Xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out += c;
    }
  }
  return out;
}

const char* AttrType(Kind k) {
  switch (k) {
    case Kind::kBool: return "boolean";
    case Kind::kLong: return "long";
    case Kind::kDouble: return "double";
    default: return "string";
  }
}

std::string Text(const Value& v, Kind kind) {
  if (kind == Kind::kDouble) {
    double d = v.is_int() ? static_cast<double>(v.as_int()) : v.as_float();
    std::string s = exporttypes::FormatDouble(d);
    if (s == "Infinity") return "INF";  // xsd:double spelling
    if (s == "-Infinity") return "-INF";
    return s;
  }
  if (v.is_string()) return v.as_string();
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_int()) return std::to_string(v.as_int());
  return exporttypes::JsonText(v);
}

struct Keys {
  std::map<std::string, Kind> kinds;  // by property name
  std::map<std::string, std::string> ids;

  void See(const Properties& props) {
    for (const auto& [k, v] : props) kinds[k] = exporttypes::Merge(kinds[k], exporttypes::KindOf(v));
  }
  void Declare(std::ostream& out, const char* domain, const char* prefix) {
    int n = 0;
    for (const auto& [name, kind] : kinds) {
      std::string id = std::string(prefix) + std::to_string(n++);
      ids[name] = id;
      out << "  <key id=\"" << id << "\" for=\"" << domain << "\" attr.name=\"" << Xml(name)
          << "\" attr.type=\"" << AttrType(kind) << "\"";
      if (kind == Kind::kJson)
        out << "><desc>JSON text (a list or map)</desc></key>\n";
      else
        out << "/>\n";
    }
  }
  void Write(std::ostream& out, const Properties& props) {
    for (const auto& [k, v] : props) {
      if (v.is_null()) continue;
      out << "<data key=\"" << ids[k] << "\">" << Xml(Text(v, kinds[k])) << "</data>";
    }
  }
};

}  // namespace

void WriteGraphml(const Store& store, const Subgraph& subgraph, std::ostream& out) {
  Keys node_keys, edge_keys;
  ForEachNodeIn(store, subgraph, [&](const Node& n) { node_keys.See(n.props); });
  ForEachRelationshipIn(store, subgraph, [&](const Relationship& r) { edge_keys.See(r.props); });
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
         "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
         "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
         "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
         "  <!-- kg export: lists and maps are JSON text in string keys -->\n"
         "  <key id=\"labels\" for=\"node\" attr.name=\"labels\" attr.type=\"string\"/>\n";
  node_keys.Declare(out, "node", "n_");
  out << "  <key id=\"type\" for=\"edge\" attr.name=\"type\" attr.type=\"string\"/>\n";
  edge_keys.Declare(out, "edge", "e_");
  out << "  <graph id=\"kg\" edgedefault=\"directed\">\n";
  ForEachNodeIn(store, subgraph, [&](const Node& n) {
    std::string labels;
    for (const auto& l : n.labels) labels += ":" + l;
    out << "    <node id=\"n" << n.id << "\"><data key=\"labels\">" << Xml(labels) << "</data>";
    node_keys.Write(out, n.props);
    out << "</node>\n";
  });
  ForEachRelationshipIn(store, subgraph, [&](const Relationship& r) {
    out << "    <edge id=\"e" << r.id << "\" source=\"n" << r.start << "\" target=\"n" << r.end
        << "\"><data key=\"type\">" << Xml(r.type) << "</data>";
    edge_keys.Write(out, r.props);
    out << "</edge>\n";
  });
  out << "  </graph>\n</graphml>\n";
}

}  // namespace kg::graph
