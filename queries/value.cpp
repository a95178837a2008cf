// Equality, comparison and ordering of runtime values, following the
// openCypher rules (numbers compare across int/float; nulls propagate).
#include "queries/value.h"

#include <cmath>
#include <cstdio>

namespace kg::queries {

std::string TypeName(const Value& value) {
  static const char* const kNames[] = {"Null", "Boolean", "Integer", "Float", "String",
                                       "List", "Map",     "Node",    "Relationship", "Path"};
  return kNames[value.v.index()];
}

Value FromGraphValue(const graph::Value& value) {
  return std::visit(
      [](const auto& x) -> Value {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return Value();
        } else if constexpr (std::is_same_v<T, graph::List>) {
          ValueList list;
          list.reserve(x.size());
          for (const auto& item : x) list.push_back(FromGraphValue(item));
          return Value(std::move(list));
        } else if constexpr (std::is_same_v<T, graph::Map>) {
          ValueMap map;
          for (const auto& [k, item] : x) map.emplace(k, FromGraphValue(item));
          return Value(std::move(map));
        } else {
          return Value(x);
        }
      },
      value.v);
}

std::optional<graph::Value> ToGraphValue(const Value& value) {
  switch (value.v.index()) {
    case 0: return graph::Value();
    case 1: return graph::Value(value.as_bool());
    case 2: return graph::Value(value.as_int());
    case 3: return graph::Value(value.as_float());
    case 4: return graph::Value(value.as_string());
    case 5: {
      graph::List list;
      for (const auto& item : value.as_list()) {
        auto g = ToGraphValue(item);
        if (!g) return std::nullopt;
        list.push_back(std::move(*g));
      }
      return graph::Value(std::move(list));
    }
    case 6: {
      graph::Map map;
      for (const auto& [k, item] : value.as_map()) {
        auto g = ToGraphValue(item);
        if (!g) return std::nullopt;
        map.emplace(k, std::move(*g));
      }
      return graph::Value(std::move(map));
    }
    default: return std::nullopt;
  }
}

std::optional<bool> Equals(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return a.as_number() == b.as_number();
  }
  if (a.v.index() != b.v.index()) return false;
  if (a.is_list()) {
    const auto& x = a.as_list();
    const auto& y = b.as_list();
    if (x.size() != y.size()) return false;
    bool unknown = false;
    for (size_t i = 0; i < x.size(); ++i) {
      auto e = Equals(x[i], y[i]);
      if (!e) unknown = true;
      else if (!*e) return false;
    }
    if (unknown) return std::nullopt;
    return true;
  }
  if (a.is_map()) {
    const auto& x = a.as_map();
    const auto& y = b.as_map();
    if (x.size() != y.size()) return false;
    bool unknown = false;
    for (auto ix = x.begin(), iy = y.begin(); ix != x.end(); ++ix, ++iy) {
      if (ix->first != iy->first) return false;
    }
    for (auto ix = x.begin(), iy = y.begin(); ix != x.end(); ++ix, ++iy) {
      auto e = Equals(ix->second, iy->second);
      if (!e) unknown = true;
      else if (!*e) return false;
    }
    if (unknown) return std::nullopt;
    return true;
  }
  return OrderCompare(a, b) == 0;
}

namespace {

int Sign(double d) { return d < 0 ? -1 : (d > 0 ? 1 : 0); }

int CompareNumbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int());
  double x = a.as_number(), y = b.as_number();
  if (a.is_int() && b.is_float() && std::isfinite(y)) {
    // Compare exactly where the integer is not representable as a double.
    double ix = static_cast<double>(a.as_int());
    if (ix == y) {
      if (y >= 9.2233720368547758e18) return -1;
      int64_t yi = static_cast<int64_t>(y);
      return a.as_int() < yi ? -1 : (a.as_int() > yi);
    }
  }
  if (b.is_int() && a.is_float()) return -CompareNumbers(b, a);
  return Sign(x - y);
}

// Rank of each type in the ORDER BY order (ascending).
int OrderRank(const Value& v) {
  switch (v.v.index()) {
    case 6: return 0;   // map
    case 7: return 1;   // node
    case 8: return 2;   // relationship
    case 5: return 3;   // list
    case 9: return 4;   // path
    case 4: return 5;   // string
    case 1: return 6;   // boolean
    case 2:
    case 3: return 7;   // number
    default: return 8;  // null
  }
}

}  // namespace

std::optional<int> Compare(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.is_number() && b.is_number()) {
    if ((a.is_float() && std::isnan(a.as_float())) || (b.is_float() && std::isnan(b.as_float())))
      return kUnordered;
    return CompareNumbers(a, b);
  }
  if (a.v.index() != b.v.index()) return std::nullopt;
  if (a.is_string()) return a.as_string().compare(b.as_string()) < 0 ? -1 : (a.as_string() == b.as_string() ? 0 : 1);
  if (a.is_bool()) return static_cast<int>(a.as_bool()) - static_cast<int>(b.as_bool());
  if (a.is_list()) {
    const auto& x = a.as_list();
    const auto& y = b.as_list();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      auto c = Compare(x[i], y[i]);
      if (!c) return std::nullopt;
      if (*c != 0) return c;
    }
    return x.size() < y.size() ? -1 : (x.size() > y.size());
  }
  return std::nullopt;
}

int OrderCompare(const Value& a, const Value& b) {
  int ra = OrderRank(a), rb = OrderRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.v.index()) {
    case 0: return 0;
    case 1: return static_cast<int>(a.as_bool()) - static_cast<int>(b.as_bool());
    case 2:
    case 3: {
      bool na = a.is_float() && std::isnan(a.as_float());
      bool nb = b.is_float() && std::isnan(b.as_float());
      if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
      int c = CompareNumbers(a, b);
      if (c == 0 && a.v.index() != b.v.index()) return a.is_int() ? -1 : 1;
      return c;
    }
    case 4: {
      int c = a.as_string().compare(b.as_string());
      return c < 0 ? -1 : (c > 0);
    }
    case 5: {
      const auto& x = a.as_list();
      const auto& y = b.as_list();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        int c = OrderCompare(x[i], y[i]);
        if (c != 0) return c;
      }
      return x.size() < y.size() ? -1 : (x.size() > y.size());
    }
    case 6: {
      const auto& x = a.as_map();
      const auto& y = b.as_map();
      auto ix = x.begin();
      auto iy = y.begin();
      for (; ix != x.end() && iy != y.end(); ++ix, ++iy) {
        int c = ix->first.compare(iy->first);
        if (c != 0) return c < 0 ? -1 : 1;
        c = OrderCompare(ix->second, iy->second);
        if (c != 0) return c;
      }
      return x.size() < y.size() ? -1 : (x.size() > y.size());
    }
    case 7: return a.as_node().id < b.as_node().id ? -1 : (a.as_node().id > b.as_node().id);
    case 8: return a.as_rel().id < b.as_rel().id ? -1 : (a.as_rel().id > b.as_rel().id);
    default: {
      const auto& x = a.as_path();
      const auto& y = b.as_path();
      if (x.nodes != y.nodes) return x.nodes < y.nodes ? -1 : 1;
      if (x.rels != y.rels) return x.rels < y.rels ? -1 : 1;
      return 0;
    }
  }
}

bool RowLess::operator()(const std::vector<Value>& a, const std::vector<Value>& b) const {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    int c = OrderCompare(a[i], b[i]);
    if (c != 0) return c < 0;
  }
  return a.size() < b.size();
}

std::string QuoteString(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: out += c;
    }
  }
  return out + "'";
}

std::string FormatFloat(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Inf" : "-Inf";
  char buf[40];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

}  // namespace kg::queries
