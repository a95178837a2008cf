// neo4j-admin CSV writer: one pass to choose each column's type, one to write.
#include "graph/export_neo4j_csv.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "graph/csv.h"
#include "graph/export_types.h"

namespace kg::graph {

namespace {

using exporttypes::Kind;

struct ColumnType {
  Kind kind = Kind::kNone;  // of the scalars, or of the array elements
  bool array = false;
  bool json = false;  // fallback: JSON text in a string column
  bool seen_scalar = false, seen_list = false;
};

constexpr char kArrayDelimiter = ';';

// Whether `list` can be a neo4j array of `kind` elements.
bool ArrayFriendly(const List& list, Kind& kind) {
  for (const auto& item : list) {
    Kind k = exporttypes::KindOf(item);
    if (k == Kind::kJson || k == Kind::kNone) return false;
    if (k == Kind::kString &&
        (item.as_string().empty() || item.as_string().find(kArrayDelimiter) != std::string::npos))
      return false;
    Kind merged = exporttypes::Merge(kind, k);
    if (merged == Kind::kString && (kind != Kind::kString && kind != Kind::kNone)) return false;
    if (merged == Kind::kString && k != Kind::kString) return false;
    kind = merged;
  }
  return true;
}

class Columns {
 public:
  void See(const Properties& props) {
    for (const auto& [key, v] : props) {
      if (v.is_null()) continue;
      ColumnType& c = types_[key];
      if (v.is_list()) {
        c.seen_list = true;
        Kind k = c.kind;
        if (!ArrayFriendly(v.as_list(), k)) c.json = true;
        else c.kind = k;
      } else if (v.is_map()) {
        c.json = true;
      } else {
        c.seen_scalar = true;
        c.kind = exporttypes::Merge(c.kind, exporttypes::KindOf(v));
        if (c.kind == Kind::kString && !v.is_string()) c.json = true;
      }
    }
  }
  void Finish() {
    for (auto& [key, c] : types_) {
      if (c.seen_list && c.seen_scalar) c.json = true;
      if (c.json) {
        c.kind = Kind::kString;
        c.array = false;
      } else {
        c.array = c.seen_list;
        if (c.kind == Kind::kNone) c.kind = Kind::kString;  // only empty lists
      }
    }
  }
  void Header(std::string& line) const {
    for (const auto& [key, c] : types_) {
      line += ',';
      std::string cell = key + ":" + TypeName(c) + (c.array ? "[]" : "");
      AppendCsvField(line, cell);
    }
  }
  void Row(std::string& line, const Properties& props) const {
    for (const auto& [key, c] : types_) {
      line += ',';
      auto it = props.find(key);
      if (it == props.end() || it->second.is_null()) continue;
      const Value& v = it->second;
      if (c.json) {
        AppendCsvField(line, v.is_string() ? v.as_string() : exporttypes::JsonText(v), true);
      } else if (c.array) {
        std::string joined;
        bool first = true;
        for (const auto& item : v.as_list()) {
          if (!first) joined += kArrayDelimiter;
          first = false;
          joined += Scalar(item, c.kind);
        }
        AppendCsvField(line, joined, c.kind == Kind::kString);
      } else {
        AppendCsvField(line, Scalar(v, c.kind), c.kind == Kind::kString);
      }
    }
  }
  bool any_json() const {
    for (const auto& [key, c] : types_)
      if (c.json) return true;
    return false;
  }
  bool empty() const { return types_.empty(); }

 private:
  static const char* TypeName(const ColumnType& c) {
    switch (c.kind) {
      case Kind::kBool: return "boolean";
      case Kind::kLong: return "long";
      case Kind::kDouble: return "double";
      default: return "string";
    }
  }
  static std::string Scalar(const Value& v, Kind kind) {
    if (kind == Kind::kDouble)
      return exporttypes::FormatDouble(v.is_int() ? static_cast<double>(v.as_int()) : v.as_float());
    if (v.is_string()) return v.as_string();
    if (v.is_bool()) return v.as_bool() ? "true" : "false";
    if (v.is_int()) return std::to_string(v.as_int());
    return exporttypes::JsonText(v);
  }

  std::map<std::string, ColumnType> types_;
};

std::ofstream OpenOut(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error("cannot write '" + path + "'");
  return out;
}

}  // namespace

Neo4jCsvFiles WriteNeo4jCsv(const Store& store, const Subgraph& subgraph, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("cannot create directory '" + dir + "': " + ec.message());
  Neo4jCsvFiles files{(std::filesystem::path(dir) / "nodes.csv").string(),
                      (std::filesystem::path(dir) / "relationships.csv").string(),
                      (std::filesystem::path(dir) / "README.md").string()};
  Columns node_cols, rel_cols;
  ForEachNodeIn(store, subgraph, [&](const Node& n) { node_cols.See(n.props); });
  ForEachRelationshipIn(store, subgraph, [&](const Relationship& r) { rel_cols.See(r.props); });
  node_cols.Finish();
  rel_cols.Finish();

  std::string line;
  {
    auto out = OpenOut(files.nodes);
    line = ":ID,:LABEL";
    node_cols.Header(line);
    out << line << '\n';
    ForEachNodeIn(store, subgraph, [&](const Node& n) {
      line = std::to_string(n.id);
      line += ',';
      std::string labels;
      for (size_t i = 0; i < n.labels.size(); ++i) labels += (i ? ";" : "") + n.labels[i];
      AppendCsvField(line, labels);
      node_cols.Row(line, n.props);
      out << line << '\n';
    });
    if (!out.flush()) throw Error("writing '" + files.nodes + "' failed");
  }
  {
    auto out = OpenOut(files.relationships);
    line = ":START_ID,:END_ID,:TYPE";
    rel_cols.Header(line);
    out << line << '\n';
    ForEachRelationshipIn(store, subgraph, [&](const Relationship& r) {
      line = std::to_string(r.start) + "," + std::to_string(r.end) + ",";
      AppendCsvField(line, r.type);
      rel_cols.Row(line, r.props);
      out << line << '\n';
    });
    if (!out.flush()) throw Error("writing '" + files.relationships + "' failed");
  }
  {
    auto out = OpenOut(files.readme);
    out << "# kg export for Neo4j\n\n"
           "`nodes.csv` and `relationships.csv` use the neo4j-admin import header format\n"
           "(`:ID`, `:LABEL`, `:START_ID`, `:END_ID`, `:TYPE`, typed columns such as\n"
           "`amount_usd:double`, `count:long`, `tags:string[]`; array elements are separated\n"
           "by `;`). Load them into a new, stopped database (Neo4j 5):\n\n"
           "```sh\n"
           "neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv \\\n"
           "    --array-delimiter=';' neo4j\n"
           "```\n\n"
           "The queries you run with `kg query` (a subset of the openCypher query language)\n"
           "then run unchanged on Neo4j. kg's node ids become the import ids only: they are\n"
           "not stored as a property.\n\n"
           "`kg import --nodes nodes.csv --relationships relationships.csv` reads these files\n"
           "back into a kg database.\n";
    if (node_cols.any_json() || rel_cols.any_json())
      out << "\nNote: some properties hold lists that cannot be Neo4j arrays (mixed element\n"
             "types, nested lists, strings containing `;`) or maps; they are written as JSON\n"
             "text in `string` columns.\n";
    if (!out.flush()) throw Error("writing '" + files.readme + "' failed");
  }
  return files;
}

}  // namespace kg::graph
