// Value: a property value of the graph (null, boolean, integer, float,
// string, list, map), and its lossless JSON encoding for the store.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kg::graph {

struct Value;
using List = std::vector<Value>;
using Map = std::map<std::string, Value>;
using Properties = std::map<std::string, Value>;  // sorted by key: deterministic output

struct Value {
  std::variant<std::monostate, bool, int64_t, double, std::string, List, Map> v;

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v(b) {}
  Value(int i) : v(static_cast<int64_t>(i)) {}
  Value(int64_t i) : v(i) {}
  Value(double d) : v(d) {}
  Value(const char* s) : v(std::string(s)) {}
  Value(std::string s) : v(std::move(s)) {}
  Value(List l) : v(std::move(l)) {}
  Value(Map m) : v(std::move(m)) {}

  bool is_null() const { return std::holds_alternative<std::monostate>(v); }
  bool is_bool() const { return std::holds_alternative<bool>(v); }
  bool is_int() const { return std::holds_alternative<int64_t>(v); }
  bool is_float() const { return std::holds_alternative<double>(v); }
  bool is_string() const { return std::holds_alternative<std::string>(v); }
  bool is_list() const { return std::holds_alternative<List>(v); }
  bool is_map() const { return std::holds_alternative<Map>(v); }
  bool as_bool() const { return std::get<bool>(v); }
  int64_t as_int() const { return std::get<int64_t>(v); }
  double as_float() const { return std::get<double>(v); }
  const std::string& as_string() const { return std::get<std::string>(v); }
  const List& as_list() const { return std::get<List>(v); }
  const Map& as_map() const { return std::get<Map>(v); }

  // Structural equality: 1 and 1.0 differ (different types); NaN equals NaN.
  friend bool operator==(const Value& a, const Value& b);
};

// JSON with type fidelity: integers stay integers, floats keep a fraction or
// exponent, non-finite floats are encoded as {"$float": "NaN"|"Inf"|"-Inf"}.
nlohmann::json ToJson(const Value& value);
Value FromJson(const nlohmann::json& json);
std::string EncodeProperties(const Properties& props);
// Throws StorageError when `text` is not a JSON object.
Properties DecodeProperties(std::string_view text);

}  // namespace kg::graph
