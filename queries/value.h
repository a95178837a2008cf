// Runtime values of the query engine: the property values of graph/value.h
// plus nodes, relationships and paths (by id), with openCypher equality,
// comparison (three-valued) and the global sort order of ORDER BY.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "graph/value.h"

namespace kg::queries {

struct NodeRef {
  int64_t id = 0;
  bool operator==(const NodeRef&) const = default;
};
struct RelRef {
  int64_t id = 0;
  int32_t type_code = -1;  // GraphAccess::TypeName(type_code) when >= 0; a cache, not identity
  bool operator==(const RelRef& o) const { return id == o.id; }
};
// A path: nodes[0] -rels[0]- nodes[1] ... ; nodes.size() == rels.size() + 1.
struct PathValue {
  std::vector<int64_t> nodes;
  std::vector<int64_t> rels;
  bool operator==(const PathValue&) const = default;
};

struct Value;
using ValueList = std::vector<Value>;
using ValueMap = std::map<std::string, Value>;

struct Value {
  std::variant<std::monostate, bool, int64_t, double, std::string, ValueList, ValueMap, NodeRef,
               RelRef, PathValue>
      v;

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v(b) {}
  Value(int i) : v(static_cast<int64_t>(i)) {}
  Value(int64_t i) : v(i) {}
  Value(double d) : v(d) {}
  Value(const char* s) : v(std::string(s)) {}
  Value(std::string s) : v(std::move(s)) {}
  Value(ValueList l) : v(std::move(l)) {}
  Value(ValueMap m) : v(std::move(m)) {}
  Value(NodeRef n) : v(n) {}
  Value(RelRef r) : v(r) {}
  Value(PathValue p) : v(std::move(p)) {}

  bool is_null() const { return v.index() == 0; }
  bool is_bool() const { return v.index() == 1; }
  bool is_int() const { return v.index() == 2; }
  bool is_float() const { return v.index() == 3; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return v.index() == 4; }
  bool is_list() const { return v.index() == 5; }
  bool is_map() const { return v.index() == 6; }
  bool is_node() const { return v.index() == 7; }
  bool is_rel() const { return v.index() == 8; }
  bool is_path() const { return v.index() == 9; }
  bool as_bool() const { return std::get<bool>(v); }
  int64_t as_int() const { return std::get<int64_t>(v); }
  double as_float() const { return std::get<double>(v); }
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_float(); }
  const std::string& as_string() const { return std::get<std::string>(v); }
  const ValueList& as_list() const { return std::get<ValueList>(v); }
  ValueList& as_list() { return std::get<ValueList>(v); }
  const ValueMap& as_map() const { return std::get<ValueMap>(v); }
  NodeRef as_node() const { return std::get<NodeRef>(v); }
  RelRef as_rel() const { return std::get<RelRef>(v); }
  const PathValue& as_path() const { return std::get<PathValue>(v); }
};

// The openCypher type name used in error messages ("Integer", "Node", ...).
std::string TypeName(const Value& value);

Value FromGraphValue(const graph::Value& value);
// Nodes, relationships and paths cannot be stored: returns nullopt for them.
std::optional<graph::Value> ToGraphValue(const Value& value);

// Three-valued equality: nullopt means null (unknown).
std::optional<bool> Equals(const Value& a, const Value& b);
// Three-valued ordering comparison (<): returns nullopt when a and b are not
// comparable (different types, nulls, NaN involved); else the sign of a-b.
// kUnordered (NaN involved): every ordering comparison is false.
inline constexpr int kUnordered = 2;
std::optional<int> Compare(const Value& a, const Value& b);
// The total order used by ORDER BY, DISTINCT and grouping: negative, 0, positive.
int OrderCompare(const Value& a, const Value& b);
// Equivalence for DISTINCT and grouping (null equals null, NaN equals NaN).
inline bool Equivalent(const Value& a, const Value& b) { return OrderCompare(a, b) == 0; }

// Structural equality (same as Equivalent); for containers of values.
inline bool operator==(const Value& a, const Value& b) { return OrderCompare(a, b) == 0; }

struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return OrderCompare(a, b) < 0; }
};
struct RowLess {
  bool operator()(const std::vector<Value>& a, const std::vector<Value>& b) const;
};

// Cypher literal text of a string, with quotes and backslash escapes.
std::string QuoteString(const std::string& s);
// A float in a form that always has a '.' or an exponent (1.0, 1e+16, NaN, Inf).
std::string FormatFloat(double d);

}  // namespace kg::queries
