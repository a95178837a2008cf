// Type merging and number formatting for the typed exporters.
#include "graph/export_types.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace kg::graph::exporttypes {

Kind KindOf(const Value& v) {
  if (v.is_null()) return Kind::kNone;
  if (v.is_bool()) return Kind::kBool;
  if (v.is_int()) return Kind::kLong;
  if (v.is_float()) return Kind::kDouble;
  if (v.is_string()) return Kind::kString;
  return Kind::kJson;
}

Kind Merge(Kind a, Kind b) {
  if (a == Kind::kNone) return b;
  if (b == Kind::kNone || a == b) return a;
  if ((a == Kind::kLong && b == Kind::kDouble) || (a == Kind::kDouble && b == Kind::kLong))
    return Kind::kDouble;
  return Kind::kString;
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, p);
}

std::string JsonText(const Value& v) {
  return ToJson(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kg::graph::exporttypes
