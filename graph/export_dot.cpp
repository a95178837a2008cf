// DOT writer. Styles come from a fixed table keyed by label; everything that
// reaches the output is sorted by id so two runs give the same bytes.
#include "graph/export_dot.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <algorithm>
#include <cctype>

#include "graph/normalize.h"

namespace kg::graph {

namespace {

struct LabelStyle {
  const char* label;
  const char* shape;
  const char* fill;
};

// First match wins, in this order (a node may carry several labels).
constexpr LabelStyle kStyles[] = {
    {"Quote", "note", "#eeeeee"},       {"Person", "ellipse", "#aed6f1"},
    {"Organization", "box", "#f9e79f"}, {"Country", "hexagon", "#a9dfbf"},
    {"Project", "folder", "#f5cba7"},   {"Product", "component", "#d7bde2"},
    {"Policy", "octagon", "#f5b7b1"},   {"Place", "house", "#d5dbdb"},
};
constexpr LabelStyle kDefaultStyle = {"", "ellipse", "#ffffff"};

const LabelStyle& StyleOf(const Node& node) {
  for (const auto& style : kStyles)
    for (const auto& label : node.labels)
      if (label == style.label) return style;
  return kDefaultStyle;
}

// Replaces each byte of an invalid UTF-8 sequence with U+FFFD.
std::string ValidUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len > 0 && i + len <= text.size() && IsValidUtf8(text.substr(i, len))) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string StringOf(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v.as_float());
    return buf;
  }
  return "";
}

// 500000000000 -> "$500B", 1250000 -> "$1.25M", 900 -> "$900".
std::string Money(double amount) {
  struct Unit {
    double scale;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
  std::string sign = amount < 0 ? "-" : "";
  amount = std::fabs(amount);
  for (const auto& u : kUnits) {
    if (amount >= u.scale) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3g", amount / u.scale);
      return sign + "$" + buf + u.suffix;
    }
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", amount);
  return sign + "$" + buf;
}

// The first `words` words of `text`, with "…" when cut.
std::string FirstWords(std::string_view text, int words) {
  std::string out;
  int count = 0;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    if (count == words) return out + " \xE2\x80\xA6";
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (!out.empty()) out += ' ';
    out.append(text.substr(start, i - start));
    ++count;
  }
  return out;
}

std::string NodeCaption(const Node& node, const DotOptions& options) {
  bool quote = false;
  for (const auto& l : node.labels) quote = quote || l == "Quote";
  if (quote) {
    for (const char* key : {"text", "quote", "name"}) {
      auto it = node.props.find(key);
      if (it != node.props.end() && it->second.is_string())
        return "\xE2\x80\x9C" + FirstWords(it->second.as_string(), options.quote_words) +
               "\xE2\x80\x9D";
    }
  }
  auto it = node.props.find("name");
  if (it != node.props.end() && !it->second.is_null()) return StringOf(it->second);
  std::string caption = node.labels.empty() ? "node" : node.labels.front();
  return caption + " " + std::to_string(node.id);
}

}  // namespace

std::string DotQuote(std::string_view raw) {
  std::string text = ValidUtf8(raw);
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      case '\t': out += ' '; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) out += c;
    }
  }
  out += '"';
  return out;
}

std::string KeyPropertyText(const Properties& props) {
  for (const auto& [key, value] : props) {
    if ((key.rfind("amount", 0) == 0 || key == "value" || key == "price") &&
        (value.is_int() || value.is_float()))
      return Money(value.is_int() ? static_cast<double>(value.as_int()) : value.as_float());
  }
  for (const char* key : {"date", "since", "start_date", "published", "year", "until"}) {
    auto it = props.find(key);
    if (it != props.end() && !it->second.is_null() && !it->second.is_list() && !it->second.is_map())
      return StringOf(it->second);
  }
  return "";
}

void WriteDot(const Store& store, const Subgraph& subgraph, std::ostream& out,
              const DotOptions& options) {
  out << "digraph kg {\n"
         "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11];\n"
         "  node [fontname=\"Helvetica\", fontsize=10, style=filled];\n"
         "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n";
  // Article clusters: node lines are gathered per cluster, clusters written in
  // article id order, then the nodes outside any cluster.
  std::map<ArticleId, std::vector<std::string>> clusters;
  std::vector<std::string> loose;
  ForEachNodeIn(store, subgraph, [&](const Node& node) {
    const LabelStyle& style = StyleOf(node);
    std::string line = "n" + std::to_string(node.id) + " [label=" +
                       DotQuote(NodeCaption(node, options)) + ", shape=" + style.shape +
                       ", fillcolor=\"" + style.fill + "\"";
    if (!node.labels.empty()) {
      std::string tip;
      for (const auto& l : node.labels) tip += ":" + l;
      line += ", tooltip=" + DotQuote(tip);
    }
    line += "];\n";
    if (options.cluster_by_article) {
      auto evidence = store.EvidenceForNode(node.id);
      if (!evidence.empty()) {
        ArticleId first = evidence.front().article;
        for (const auto& e : evidence) first = std::min(first, e.article);
        clusters[first].push_back(std::move(line));
        return;
      }
    }
    loose.push_back(std::move(line));
  });
  for (const auto& [article, lines] : clusters) {
    auto a = store.GetArticle(article);
    std::string title = a && a->title ? *a->title : "article " + std::to_string(article);
    out << "  subgraph cluster_a" << article << " {\n    label=" << DotQuote(title)
        << ";\n    style=rounded;\n    color=\"#999999\";\n";
    for (const auto& line : lines) out << "    " << line;
    out << "  }\n";
  }
  for (const auto& line : loose) out << "  " << line;
  ForEachRelationshipIn(store, subgraph, [&](const Relationship& rel) {
    std::string caption = rel.type;
    std::string key = KeyPropertyText(rel.props);
    if (!key.empty()) caption += "\n" + key;
    out << "  n" << rel.start << " -> n" << rel.end << " [label=" << DotQuote(caption) << "];\n";
  });
  out << "}\n";
}

}  // namespace kg::graph
