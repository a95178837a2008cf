// Result formatting. Values print the same way in table, csv and tck;
// json maps nodes and relationships to objects with id, labels/type and
// properties.
#include "queries/format.h"

#include <nlohmann/json.hpp>

namespace kg::queries {

namespace {

bool IsPlainKey(const std::string& k) {
  if (k.empty() || std::isdigit(static_cast<unsigned char>(k[0]))) return false;
  for (unsigned char c : k)
    if (!std::isalnum(c) && c != '_') return false;
  return true;
}

std::string Key(const std::string& k) { return IsPlainKey(k) ? k : "`" + k + "`"; }

}  // namespace

bool ParseOutputFormat(const std::string& name, OutputFormat& out) {
  if (name == "table") out = OutputFormat::kTable;
  else if (name == "csv") out = OutputFormat::kCsv;
  else if (name == "json") out = OutputFormat::kJson;
  else if (name == "tck") out = OutputFormat::kTck;
  else return false;
  return true;
}

std::string FormatTckValue(const Value& v, GraphAccess& graph) {
  switch (v.v.index()) {
    case 0: return "null";
    case 1: return v.as_bool() ? "true" : "false";
    case 2: return std::to_string(v.as_int());
    case 3: return FormatFloat(v.as_float());
    case 4: return QuoteString(v.as_string());
    case 5: {
      std::string out = "[";
      bool first = true;
      for (const auto& item : v.as_list()) {
        if (!first) out += ", ";
        first = false;
        out += FormatTckValue(item, graph);
      }
      return out + "]";
    }
    case 6: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, item] : v.as_map()) {
        if (!first) out += ", ";
        first = false;
        out += Key(k) + ": " + FormatTckValue(item, graph);
      }
      return out + "}";
    }
    case 7: {
      const auto& n = graph.GetNode(v.as_node().id);
      std::string out = "(";
      for (const auto& l : n.labels) out += ":" + Key(l);
      std::string props;
      bool first = true;
      for (const auto& [k, pv] : n.props) {
        props += (first ? "" : ", ") + Key(k) + ": " + FormatTckValue(FromGraphValue(pv), graph);
        first = false;
      }
      if (!props.empty()) out += (n.labels.empty() ? "{" : " {") + props + "}";
      return out + ")";
    }
    case 8: {
      const auto& r = graph.GetRelationship(v.as_rel().id);
      std::string out = "[:" + Key(r.type);
      std::string props;
      bool first = true;
      for (const auto& [k, pv] : r.props) {
        props += (first ? "" : ", ") + Key(k) + ": " + FormatTckValue(FromGraphValue(pv), graph);
        first = false;
      }
      if (!props.empty()) out += " {" + props + "}";
      return out + "]";
    }
    default: {
      const auto& p = v.as_path();
      std::string out = "<" + FormatTckValue(Value(NodeRef{p.nodes[0]}), graph);
      for (size_t i = 0; i < p.rels.size(); ++i) {
        const auto& r = graph.GetRelationship(p.rels[i]);
        bool forward = r.start == p.nodes[i];
        std::string rel = FormatTckValue(Value(RelRef{p.rels[i]}), graph);
        out += forward ? "-" + rel + "->" : "<-" + rel + "-";
        out += FormatTckValue(Value(NodeRef{p.nodes[i + 1]}), graph);
      }
      return out + ">";
    }
  }
}

namespace {

nlohmann::json ToJsonValue(const Value& v, GraphAccess& graph) {
  using nlohmann::json;
  switch (v.v.index()) {
    case 0: return nullptr;
    case 1: return v.as_bool();
    case 2: return v.as_int();
    case 3: return std::isfinite(v.as_float()) ? json(v.as_float()) : json(FormatFloat(v.as_float()));
    case 4: return v.as_string();
    case 5: {
      json arr = json::array();
      for (const auto& item : v.as_list()) arr.push_back(ToJsonValue(item, graph));
      return arr;
    }
    case 6: {
      json obj = json::object();
      for (const auto& [k, item] : v.as_map()) obj[k] = ToJsonValue(item, graph);
      return obj;
    }
    case 7: {
      const auto& n = graph.GetNode(v.as_node().id);
      json props = json::object();
      for (const auto& [k, pv] : n.props) props[k] = ToJsonValue(FromGraphValue(pv), graph);
      return json{{"id", n.id}, {"labels", n.labels}, {"properties", props}};
    }
    case 8: {
      const auto& r = graph.GetRelationship(v.as_rel().id);
      json props = json::object();
      for (const auto& [k, pv] : r.props) props[k] = ToJsonValue(FromGraphValue(pv), graph);
      return json{{"id", r.id}, {"type", r.type}, {"start", r.start}, {"end", r.end}, {"properties", props}};
    }
    default: {
      const auto& p = v.as_path();
      json nodes = json::array(), rels = json::array();
      for (auto n : p.nodes) nodes.push_back(ToJsonValue(Value(NodeRef{n}), graph));
      for (auto r : p.rels) rels.push_back(ToJsonValue(Value(RelRef{r}), graph));
      return json{{"nodes", nodes}, {"relationships", rels}};
    }
  }
}

// Display text for table and csv: strings unquoted at top level.
std::string DisplayText(const Value& v, GraphAccess& graph) {
  if (v.is_string()) return v.as_string();
  return FormatTckValue(v, graph);
}

size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "\"\"";
    else out += c;
  }
  return out + "\"";
}

std::string TckCell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace

std::string FormatResult(const QueryResult& result, GraphAccess& graph, OutputFormat format) {
  std::string out;
  const auto& cols = result.columns;
  switch (format) {
    case OutputFormat::kTck: {
      for (size_t i = 0; i < cols.size(); ++i) out += (i ? "\t" : "") + cols[i];
      out += "\n";
      for (const auto& row : result.rows) {
        for (size_t i = 0; i < row.size(); ++i) out += (i ? "\t" : "") + TckCell(FormatTckValue(row[i], graph));
        out += "\n";
      }
      return out;
    }
    case OutputFormat::kCsv: {
      for (size_t i = 0; i < cols.size(); ++i) out += (i ? "," : "") + CsvField(cols[i]);
      out += "\n";
      for (const auto& row : result.rows) {
        for (size_t i = 0; i < row.size(); ++i)
          out += (i ? "," : "") + (row[i].is_null() ? std::string() : CsvField(DisplayText(row[i], graph)));
        out += "\n";
      }
      return out;
    }
    case OutputFormat::kJson: {
      nlohmann::ordered_json arr = nlohmann::ordered_json::array();
      for (const auto& row : result.rows) {
        nlohmann::ordered_json obj = nlohmann::ordered_json::object();
        for (size_t i = 0; i < row.size(); ++i) obj[cols[i]] = ToJsonValue(row[i], graph);
        arr.push_back(obj);
      }
      nlohmann::ordered_json doc = nlohmann::ordered_json::object();
      doc["columns"] = cols;
      doc["rows"] = arr;
      return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    case OutputFormat::kTable: {
      if (cols.empty()) return "";
      std::vector<std::vector<std::string>> cells;
      std::vector<size_t> widths;
      for (const auto& c : cols) widths.push_back(Width(c));
      for (const auto& row : result.rows) {
        std::vector<std::string> r;
        for (size_t i = 0; i < row.size(); ++i) {
          std::string t = DisplayText(row[i], graph);
          for (auto& ch : t)
            if (ch == '\n' || ch == '\t') ch = ' ';
          widths[i] = std::max(widths[i], Width(t));
          r.push_back(std::move(t));
        }
        cells.push_back(std::move(r));
      }
      auto rule = [&](const char* l, const char* m, const char* r) {
        std::string s = l;
        for (size_t i = 0; i < widths.size(); ++i) {
          for (size_t k = 0; k < widths[i] + 2; ++k) s += "─";
          s += i + 1 < widths.size() ? m : r;
        }
        return s + "\n";
      };
      auto line = [&](const std::vector<std::string>& r) {
        std::string s = "│";
        for (size_t i = 0; i < widths.size(); ++i) s += " " + r[i] + std::string(widths[i] - Width(r[i]), ' ') + " │";
        return s + "\n";
      };
      out += rule("┌", "┬", "┐");
      out += line(cols);
      out += rule("├", "┼", "┤");
      for (const auto& r : cells) out += line(r);
      out += rule("└", "┴", "┘");
      out += "(" + std::to_string(result.rows.size()) + (result.rows.size() == 1 ? " row)\n" : " rows)\n");
      return out;
    }
  }
  return out;
}

std::string FormatSideEffects(const SideEffects& e) {
  std::string out;
  auto line = [&](const char* key, int64_t n) { out += std::string("SIDE-EFFECT ") + key + " " + std::to_string(n) + "\n"; };
  line("+nodes", e.nodes_created);
  line("-nodes", 0);
  line("+relationships", e.relationships_created);
  line("-relationships", 0);
  line("+labels", e.labels_added);
  line("-labels", 0);
  line("+properties", e.properties_set);
  line("-properties", 0);
  return out;
}

}  // namespace kg::queries
