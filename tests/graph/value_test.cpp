// Property values keep their type and content through the JSON encoding.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "graph/value.h"

using kg::graph::DecodeProperties;
using kg::graph::EncodeProperties;
using kg::graph::List;
using kg::graph::Map;
using kg::graph::Properties;
using kg::graph::Value;

namespace {
Value RoundTrip(const Value& v) {
  Properties props{{"k", v}};
  return DecodeProperties(EncodeProperties(props)).at("k");
}
}  // namespace

TEST_CASE("every property type survives encoding", "[graph][value]") {
  auto v = GENERATE(
      Value(), Value(true), Value(false), Value(int64_t{0}),
      Value(std::numeric_limits<int64_t>::max()), Value(std::numeric_limits<int64_t>::min()),
      Value(1.0), Value(-0.25), Value(1e-300), Value(1.7976931348623157e308), Value(0.1),
      Value("plain"), Value("accents: éàçÉ œ ß"), Value("quotes ' \" « » “ ”"),
      Value("back\\slash \\n"), Value("emoji 🚀🇫🇷"), Value("ctrl \t\n\r\x01\x1f end"),
      Value(""), Value(List{}), Value(List{Value(int64_t{1}), Value(2.5), Value("x")}),
      Value(List{Value(List{Value(int64_t{1})}), Value(List{})}),
      Value(Map{{"a", Value(int64_t{1})}, {"b", Value(List{Value(true)})}}));
  CAPTURE(EncodeProperties({{"k", v}}));
  CHECK(RoundTrip(v) == v);
}

TEST_CASE("integers and floats stay distinct", "[graph][value]") {
  CHECK(RoundTrip(Value(int64_t{1})).is_int());
  CHECK(RoundTrip(Value(1.0)).is_float());
  CHECK_FALSE(Value(int64_t{1}) == Value(1.0));
  CHECK(RoundTrip(Value(List{Value(2.0)})).as_list()[0].is_float());
}

TEST_CASE("non-finite floats round-trip", "[graph][value]") {
  CHECK(std::isnan(RoundTrip(Value(std::nan(""))).as_float()));
  CHECK(RoundTrip(Value(HUGE_VAL)).as_float() == HUGE_VAL);
  CHECK(RoundTrip(Value(-HUGE_VAL)).as_float() == -HUGE_VAL);
}

TEST_CASE("property maps decode to the same keys", "[graph][value]") {
  Properties props{{"name", Value("OpenAI")}, {"amount_usd", Value(5e11)}, {"n", Value(3)}};
  CHECK(DecodeProperties(EncodeProperties(props)) == props);
  CHECK(EncodeProperties({}) == "{}");
  CHECK(DecodeProperties("{}").empty());
}
