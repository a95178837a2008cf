// Value equality and the JSON encoding used for stored properties.
#include "graph/value.h"

#include <cmath>
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

std::string EncodeProperties(const Properties& props) {
  if (props.empty()) return "{}";
  nlohmann::json obj = nlohmann::json::object();
  for (const auto& [k, v] : props) obj[k] = ToJson(v);
  return obj.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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
