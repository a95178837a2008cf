// Value equality and the JSON encoding used for stored properties.
#include "graph/value.h"

#include <charconv>
#include <cmath>
#include <string_view>
#include <nlohmann/json.hpp>

#include "graph/error.h"

namespace kg::graph {

bool operator==(const Value& a, const Value& b) {
  if (a.v.index() != b.v.index()) return false;
  if (a.is_float()) {
    double x = a.as_float(), y = b.as_float();
    return x == y || (std::isnan(x) && std::isnan(y));
  }
  return a.v == b.v;
}

nlohmann::json ToJson(const Value& value) {
  using nlohmann::json;
  return std::visit(
      [](const auto& x) -> json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, double>) {
          if (std::isnan(x)) return json{{"$float", "NaN"}};
          if (std::isinf(x)) return json{{"$float", x > 0 ? "Inf" : "-Inf"}};
          return x;
        } else if constexpr (std::is_same_v<T, List>) {
          json arr = json::array();
          for (const auto& item : x) arr.push_back(ToJson(item));
          return arr;
        } else if constexpr (std::is_same_v<T, Map>) {
          json obj = json::object();
          for (const auto& [k, item] : x) obj[k] = ToJson(item);
          return obj;
        } else {
          return x;
        }
      },
      value.v);
}

Value FromJson(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::null: return Value();
    case nlohmann::json::value_t::boolean: return Value(json.get<bool>());
    case nlohmann::json::value_t::number_integer: return Value(json.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      auto u = json.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) return Value(static_cast<double>(u));
      return Value(static_cast<int64_t>(u));
    }
    case nlohmann::json::value_t::number_float: return Value(json.get<double>());
    case nlohmann::json::value_t::string: return Value(json.get<std::string>());
    case nlohmann::json::value_t::array: {
      List list;
      list.reserve(json.size());
      for (const auto& item : json) list.push_back(FromJson(item));
      return Value(std::move(list));
    }
    case nlohmann::json::value_t::object: {
      if (json.size() == 1 && json.contains("$float") && json["$float"].is_string()) {
        const auto& s = json["$float"].get_ref<const std::string&>();
        if (s == "NaN") return Value(std::nan(""));
        if (s == "Inf") return Value(HUGE_VAL);
        if (s == "-Inf") return Value(-HUGE_VAL);
      }
      Map map;
      for (auto it = json.begin(); it != json.end(); ++it) map[it.key()] = FromJson(it.value());
      return Value(std::move(map));
    }
    default: return Value();
  }
}

namespace {

// nlohmann::json's dump as EncodeProperties calls it: compact, UTF-8 kept,
// invalid UTF-8 replaced.
std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The length of the well-formed UTF-8 character (RFC 3629: no overlong
// form, no surrogate, nothing above U+10FFFF, as nlohmann's decoder accepts
// it) that starts with the byte p[0] >= 0x80, of at most n bytes; 0 for none.
size_t Utf8Length(const unsigned char* p, size_t n) {
  const unsigned char c = p[0];
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (n < len || p[1] < lo || p[1] > hi) return 0;
  for (size_t k = 2; k < len; ++k)
    if ((p[k] & 0xC0) != 0x80) return 0;
  return len;
}

// Appends `s` as Dump writes a JSON string: '"', '\\' and the control
// characters escaped (\b \t \n \f \r, else \u00XX in lower-case hex), every
// other byte as it is, in runs. A string that is not UTF-8 goes through
// Dump itself.
void AppendString(std::string_view s, std::string& out) {
  const size_t out_begin = out.size();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  out.push_back('"');
  size_t run = 0;  // the first byte not appended yet
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c >= 0x80) {
      const size_t len = Utf8Length(p + i, n - i);
      if (len == 0) {
        out.resize(out_begin);
        out += Dump(nlohmann::json(std::string(s)));
        return;
      }
      i += len;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    out.push_back('\\');
    switch (c) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '\b': out.push_back('b'); break;
      case '\t': out.push_back('t'); break;
      case '\n': out.push_back('n'); break;
      case '\f': out.push_back('f'); break;
      case '\r': out.push_back('r'); break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
      }
    }
    run = ++i;
  }
  out.append(s.data() + run, n - run);
  out.push_back('"');
}

void AppendValue(const Value& value, std::string& out);

// Appends Dump(ToJson(map)): its keys in the map's order, as in the object.
void AppendObject(const Map& map, std::string& out) {
  out.push_back('{');
  bool first = true;
  for (const auto& [k, item] : map) {
    if (!first) out.push_back(',');
    first = false;
    AppendString(k, out);
    out.push_back(':');
    AppendValue(item, out);
  }
  out.push_back('}');
}

// Appends Dump(ToJson(value)), writing it directly but for a float (whose
// digits Dump chooses).
void AppendValue(const Value& value, std::string& out) {
  std::visit(
      [&out, &value](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          out += "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          out += x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, int64_t>) {
          char buf[24];
          auto end = std::to_chars(buf, buf + sizeof buf, x).ptr;
          out.append(buf, end);
        } else if constexpr (std::is_same_v<T, double>) {
          out += Dump(ToJson(value));
        } else if constexpr (std::is_same_v<T, std::string>) {
          AppendString(x, out);
        } else if constexpr (std::is_same_v<T, List>) {
          out.push_back('[');
          for (size_t i = 0; i < x.size(); ++i) {
            if (i > 0) out.push_back(',');
            AppendValue(x[i], out);
          }
          out.push_back(']');
        } else {
          AppendObject(x, out);
        }
      },
      value.v);
}

}  // namespace

std::string EncodeProperties(const Properties& props) {
  // Dump of the object of ToJson(value) by key, written directly.
  std::string out;
  out.reserve(64);
  AppendObject(props, out);
  return out;
}

Properties DecodeProperties(std::string_view text) {
  if (text.empty() || text == "{}") return {};
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) throw StorageError("stored properties are not a JSON object");
  Properties props;
  for (auto it = json.begin(); it != json.end(); ++it) props[it.key()] = FromJson(it.value());
  return props;
}

}  // namespace kg::graph
