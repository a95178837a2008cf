// Name normalization folds case, accents, apostrophes and punctuation.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>

#include "graph/normalize.h"

using kg::graph::IsValidUtf8;
using kg::graph::NormalizeName;
using kg::graph::NormalizeNameByUtf8proc;

namespace {
// The UTF-8 bytes of code point `cp` (below U+0800).
std::string Utf8(uint32_t cp) {
  if (cp < 0x80) return std::string(1, static_cast<char>(cp));
  return {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
}
}  // namespace

TEST_CASE("names that differ in case, accents or punctuation normalize alike", "[graph][normalize]") {
  auto [a, b] = GENERATE(table<std::string, std::string>({
      {"les États-Unis", "les etats unis"},
      {"L’Élysée", "l'elysee"},
      {"  Donald   TRUMP ", "donald trump"},
      {"U.S.", "u s"},
      {"Straße", "strasse"},
      {"GPT-4", "gpt 4"},
  }));
  CHECK(NormalizeName(a) == NormalizeName(b));
}

TEST_CASE("normalized names keep words apart", "[graph][normalize]") {
  CHECK(NormalizeName("Nvidia H800") == "nvidia h800");
  CHECK(NormalizeName("OpenAI") != NormalizeName("Open AI"));
  CHECK(NormalizeName("") == "");
}

TEST_CASE("ASCII names normalize as through the full Unicode mapping", "[graph][normalize]") {
  // A trailing no-break space (non-ASCII, not a word character) sends the
  // same name through utf8proc without changing its normalized form.
  int differ = 0;
  for (int a = 1; a < 128; ++a) {
    for (int b = 1; b < 128; ++b) {
      std::string s = {static_cast<char>(a), 'K', static_cast<char>(b), '_', '9'};
      if (NormalizeName(s) != NormalizeName(s + "\xC2\xA0")) ++differ;
    }
  }
  CHECK(differ == 0);
  CHECK(NormalizeName("Open-AI  Labs_2") == "open ai labs_2");
}

TEST_CASE("UTF-8 validation rejects broken sequences", "[graph][normalize]") {
  CHECK(IsValidUtf8("plain ascii"));
  CHECK(IsValidUtf8("é 🚀"));
  CHECK_FALSE(IsValidUtf8("\xC3"));
  CHECK_FALSE(IsValidUtf8("bad \xFF byte"));
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));  // a UTF-16 surrogate
}

TEST_CASE("names of one- and two-byte characters normalize as through utf8proc", "[graph][normalize]") {
  // Each such character between letters, after a space, before punctuation.
  int differ = 0;
  for (uint32_t cp = 1; cp < 0x800; ++cp) {
    for (const std::string& s : {"a" + Utf8(cp) + "B", " " + Utf8(cp), Utf8(cp) + "-é", "É" + Utf8(cp) + Utf8(cp)})
      if (NormalizeName(s) != NormalizeNameByUtf8proc(s)) ++differ;
  }
  CHECK(differ == 0);
  // Random names: mostly Latin letters, marks, spaces and punctuation, some
  // of any two-byte character, a few longer characters and broken bytes.
  std::mt19937 rng(11);
  const char* parts[] = {"a", "Z", " ", "-", "'", "\u2019", "\u00C9", "\u00DF", "\u0301", "\u00AD", "\u00BD", "_",
                         "9", "\u0130", "\u0345", "\u03A3", "\u05D0", "\u4E2D", "\xC3", "\xA9", "\u00A0"};
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const size_t len = rng() % 8;
    for (size_t i = 0; i < len; ++i) {
      if (rng() % 4 == 0)
        s += Utf8(1 + rng() % 0x7FF);
      else
        s += parts[rng() % std::size(parts)];
    }
    REQUIRE(NormalizeName(s) == NormalizeNameByUtf8proc(s));
  }
}
