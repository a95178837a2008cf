// Property values keep their type and content through the JSON encoding.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "graph/value.h"

using kg::graph::DecodeProperties;
using kg::graph::EncodeProperties;
using kg::graph::List;
using kg::graph::Map;
using kg::graph::Properties;
using kg::graph::Value;

namespace {
// What EncodeProperties wrote when it built a JSON object and dumped it.
std::string DumpedByJson(const Properties& props) {
  if (props.empty()) return "{}";
  nlohmann::json obj = nlohmann::json::object();
  for (const auto& [k, v] : props) obj[k] = kg::graph::ToJson(v);
  return obj.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

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

TEST_CASE("properties are encoded byte for byte as the JSON library dumps them", "[graph][value]") {
  auto v = GENERATE(
      Value(), Value(true), Value(int64_t{-42}), Value(std::numeric_limits<int64_t>::min()), Value(1.0),
      Value(13e9), Value(-0.25), Value(1e-7), Value(1e300), Value(std::nan("")), Value(-HUGE_VAL), Value(""),
      Value("accents: éàçÉ œ ß"), Value("quotes ' \" « » “ ” / \\"), Value("ctrl \b\f\t\n\r\x01\x1f\x7f end"),
      Value("emoji 🚀🇫🇷 \xEF\xBF\xBD"), Value("bad \xC3( \xE2\x82 \xF8\x88\x80\x80\x80 \xC0\xAF \xED\xA0\x80 end\xC3"),
      Value(std::string("nul \0 inside", 13)), Value(List{}), Value(List{Value(int64_t{1}), Value(2.5), Value("x\n")}),
      Value(Map{}), Value(Map{{"a\"b", Value(int64_t{1})}, {"é", Value(List{Value(true), Value()})}}));
  Properties props{{"k", v}, {"name", Value("OpenAI")}, {"z\t", Value(int64_t{3})}};
  CHECK(EncodeProperties(props) == DumpedByJson(props));
  CHECK(EncodeProperties({{"k", v}}) == DumpedByJson({{"k", v}}));
}

TEST_CASE("random byte strings are encoded as the JSON library dumps them", "[graph][value]") {
  std::mt19937 rng(7);
  // Bytes drawn mostly from the edges of the UTF-8 ranges.
  const unsigned char bytes[] = {0x00, 0x01, 0x08, 0x1f, 0x20, '"', '\\', 'a', 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
                                 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1,
                                 0xf3, 0xf4, 0xf5, 0xff};
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const size_t len = rng() % 7;
    for (size_t i = 0; i < len; ++i) s.push_back(static_cast<char>(bytes[rng() % sizeof bytes]));
    Properties props{{s, Value(s)}};
    REQUIRE(EncodeProperties(props) == DumpedByJson(props));
  }
}
