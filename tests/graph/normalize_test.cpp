// Name normalization folds case, accents, apostrophes and punctuation.
#include <catch2/catch.hpp>

#include "graph/normalize.h"

using kg::graph::IsValidUtf8;
using kg::graph::NormalizeName;

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
