// Scalar functions: conversions, strings, numbers and lists, with the
// openCypher rule that a null argument gives null.
#include "queries/functions.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <climits>
#include <cstdlib>
#include <random>

namespace kg::queries {

namespace {

[[noreturn]] void TypeFail(const std::string& fn, const Value& v, SourceSpan span) {
  throw QueryError("TypeError", "InvalidArgumentType", fn + "() cannot take a " + TypeName(v), span);
}

std::string TrimLeft(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}
std::string TrimRight(const std::string& s) {
  size_t i = s.size();
  while (i > 0 && std::isspace(static_cast<unsigned char>(s[i - 1]))) --i;
  return s.substr(0, i);
}

size_t CodePointCount(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// Byte offset of code point `cp` (clamped to the end).
size_t ByteOffset(const std::string& s, int64_t cp) {
  size_t i = 0;
  while (i < s.size() && cp > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --cp;
  }
  return i;
}

std::string ToStringValue(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_float()) return FormatFloat(v.as_float());
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  return "";
}

}  // namespace

std::optional<Value> CallScalarFunction(const std::string& name, const std::vector<Value>& args, SourceSpan span) {
  auto arg = [&](size_t i) -> const Value& { return args[i]; };
  if (name == "coalesce") {
    for (const auto& a : args)
      if (!a.is_null()) return a;
    return Value();
  }
  if (name == "rand") {
    static std::mt19937_64 rng{std::random_device{}()};
    return Value(std::uniform_real_distribution<double>(0.0, 1.0)(rng));
  }
  if (name == "range") {
    for (const auto& a : args) {
      if (a.is_null()) return Value();
      if (!a.is_int()) throw QueryError("ArgumentError", "InvalidArgumentType", "range() needs integers, got a " + TypeName(a), span);
    }
    int64_t start = arg(0).as_int(), end = arg(1).as_int(), step = args.size() > 2 ? arg(2).as_int() : 1;
    if (step == 0) throw QueryError("ArgumentError", "NumberOutOfRange", "range() step cannot be 0", span);
    // Guard memory: a range is materialized as a list.
    constexpr long double kMaxRange = 50'000'000;
    long double count = (static_cast<long double>(end) - static_cast<long double>(start)) / static_cast<long double>(step);
    if (count > kMaxRange)
      throw QueryError("ArgumentError", "NumberOutOfRange", "range() would produce more than 50 million values", span);
    ValueList out;
    // Stepping in __int128 so that the last step cannot overflow.
    if (step > 0)
      for (__int128 i = start; i <= end; i += step) out.push_back(Value(static_cast<int64_t>(i)));
    else
      for (__int128 i = start; i >= end; i += step) out.push_back(Value(static_cast<int64_t>(i)));
    return Value(std::move(out));
  }
  // All others: null in, null out.
  static const char* const kNullIn[] = {"size", "head", "last", "tail", "tolower", "toupper", "trim", "ltrim", "rtrim",
                                        "tostring", "tointeger", "tofloat", "toboolean", "abs", "sign", "ceil",
                                        "floor", "round", "sqrt", "reverse", "substring", "left", "right", "replace",
                                        "split", "char_length", "character_length"};
  bool known = false;
  for (const char* n : kNullIn) known = known || name == n;
  if (!known) return std::nullopt;
  if (!args.empty() && arg(0).is_null()) return Value();
  const Value& a = arg(0);
  if (name == "size") {
    if (a.is_list()) return Value(static_cast<int64_t>(a.as_list().size()));
    if (a.is_string()) return Value(static_cast<int64_t>(CodePointCount(a.as_string())));
    if (a.is_map()) return Value(static_cast<int64_t>(a.as_map().size()));
    TypeFail(name, a, span);
  }
  if (name == "char_length" || name == "character_length") {
    if (!a.is_string()) TypeFail(name, a, span);
    return Value(static_cast<int64_t>(CodePointCount(a.as_string())));
  }
  if (name == "head" || name == "last" || name == "tail") {
    if (!a.is_list()) TypeFail(name, a, span);
    const auto& l = a.as_list();
    if (name == "tail") return Value(l.empty() ? ValueList{} : ValueList(l.begin() + 1, l.end()));
    if (l.empty()) return Value();
    return name == "head" ? l.front() : l.back();
  }
  if (name == "tolower" || name == "toupper") {
    if (!a.is_string()) TypeFail(name, a, span);
    std::string s = a.as_string();
    for (auto& c : s)
      c = static_cast<char>(name == "tolower" ? std::tolower(static_cast<unsigned char>(c))
                                              : std::toupper(static_cast<unsigned char>(c)));
    return Value(s);
  }
  if (name == "trim" || name == "ltrim" || name == "rtrim") {
    if (!a.is_string()) TypeFail(name, a, span);
    if (name == "trim") return Value(TrimLeft(TrimRight(a.as_string())));
    return Value(name == "ltrim" ? TrimLeft(a.as_string()) : TrimRight(a.as_string()));
  }
  if (name == "reverse") {
    if (a.is_list()) {
      ValueList l = a.as_list();
      std::reverse(l.begin(), l.end());
      return Value(std::move(l));
    }
    if (!a.is_string()) TypeFail(name, a, span);
    std::string s = a.as_string();
    std::string out;
    size_t i = s.size();
    while (i > 0) {
      size_t j = i - 1;
      while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) --j;
      out += s.substr(j, i - j);
      i = j;
    }
    return Value(out);
  }
  if (name == "tostring") {
    if (a.is_string() || a.is_number() || a.is_bool()) return Value(ToStringValue(a));
    TypeFail(name, a, span);
  }
  if (name == "tointeger") {
    if (a.is_int()) return a;
    if (a.is_float()) {
      double d = a.as_float();
      if (std::isnan(d) || d >= 9.2233720368547758e18 || d < -9.2233720368547758e18) return Value();
      return Value(static_cast<int64_t>(std::trunc(d)));
    }
    if (a.is_string()) {
      const std::string& s = a.as_string();
      char* end = nullptr;
      errno = 0;
      long long v = std::strtoll(s.c_str(), &end, 10);
      if (!s.empty() && end && *end == '\0' && errno == 0) return Value(static_cast<int64_t>(v));
      double d = std::strtod(s.c_str(), &end);
      if (!s.empty() && end && *end == '\0' && std::isfinite(d)) return Value(static_cast<int64_t>(std::trunc(d)));
      return Value();
    }
    if (a.is_bool()) return Value(static_cast<int64_t>(a.as_bool()));
    TypeFail(name, a, span);
  }
  if (name == "tofloat") {
    if (a.is_float()) return a;
    if (a.is_int()) return Value(static_cast<double>(a.as_int()));
    if (a.is_string()) {
      const std::string& s = a.as_string();
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (!s.empty() && end && *end == '\0') return Value(d);
      return Value();
    }
    TypeFail(name, a, span);
  }
  if (name == "toboolean") {
    if (a.is_bool()) return a;
    if (a.is_string()) {
      std::string s = a.as_string();
      for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (s == "true") return Value(true);
      if (s == "false") return Value(false);
      return Value();
    }
    if (a.is_int()) return Value(a.as_int() != 0);
    TypeFail(name, a, span);
  }
  if (name == "abs" || name == "sign" || name == "ceil" || name == "floor" || name == "round" || name == "sqrt") {
    if (!a.is_number()) TypeFail(name, a, span);
    if (name == "abs") {
      if (a.is_int() && a.as_int() == INT64_MIN) throw QueryError("ArithmeticError", "IntegerOverflow", "abs() overflows", span);
      return a.is_int() ? Value(a.as_int() < 0 ? -a.as_int() : a.as_int()) : Value(std::fabs(a.as_float()));
    }
    if (name == "sign") {
      double d = a.as_number();
      return Value(static_cast<int64_t>(d > 0 ? 1 : (d < 0 ? -1 : 0)));
    }
    double d = a.as_number();
    if (name == "ceil") return Value(std::ceil(d));
    if (name == "floor") return Value(std::floor(d));
    if (name == "round") return Value(std::round(d));
    return Value(std::sqrt(d));
  }
  if (name == "substring" || name == "left" || name == "right") {
    if (!a.is_string()) TypeFail(name, a, span);
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i].is_null()) return name == "substring" ? Value() : Value();
      if (!args[i].is_int()) TypeFail(name, args[i], span);
      if (args[i].as_int() < 0) throw QueryError("ArgumentError", "NegativeIntegerArgument", name + "() got a negative number", span);
    }
    const std::string& s = a.as_string();
    int64_t n = static_cast<int64_t>(CodePointCount(s));
    if (name == "left") return Value(s.substr(0, ByteOffset(s, arg(1).as_int())));
    if (name == "right") {
      int64_t k = std::min(n, arg(1).as_int());
      return Value(s.substr(ByteOffset(s, n - k)));
    }
    size_t from = ByteOffset(s, arg(1).as_int());
    if (args.size() == 2) return Value(s.substr(from));
    size_t to = ByteOffset(s, arg(1).as_int() + arg(2).as_int());
    return Value(s.substr(from, to - from));
  }
  if (name == "replace") {
    for (const auto& x : args) {
      if (x.is_null()) return Value();
      if (!x.is_string()) TypeFail(name, x, span);
    }
    std::string s = a.as_string();
    const std::string& from = arg(1).as_string();
    const std::string& to = arg(2).as_string();
    if (from.empty()) return Value(s);
    std::string out;
    size_t pos = 0;
    while (true) {
      size_t hit = s.find(from, pos);
      if (hit == std::string::npos) break;
      out += s.substr(pos, hit - pos) + to;
      pos = hit + from.size();
    }
    return Value(out + s.substr(pos));
  }
  if (name == "split") {
    if (arg(1).is_null()) return Value();
    if (!a.is_string() || !arg(1).is_string()) TypeFail(name, a.is_string() ? arg(1) : a, span);
    const std::string& s = a.as_string();
    const std::string& sep = arg(1).as_string();
    ValueList out;
    if (sep.empty()) {
      for (size_t i = 0; i < s.size();) {
        size_t j = i + 1;
        while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
        out.push_back(Value(s.substr(i, j - i)));
        i = j;
      }
      return Value(std::move(out));
    }
    size_t pos = 0;
    while (true) {
      size_t hit = s.find(sep, pos);
      if (hit == std::string::npos) break;
      out.push_back(Value(s.substr(pos, hit - pos)));
      pos = hit + sep.size();
    }
    out.push_back(Value(s.substr(pos)));
    return Value(std::move(out));
  }
  return std::nullopt;
}

}  // namespace kg::queries
