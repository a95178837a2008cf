#include <catch2/catch.hpp>

#include "ingest/sentences.h"

using namespace kg::ingest;

namespace {
std::vector<std::string> Split(const std::string& text) {
  static Lexicon lex = Lexicon::Load(KG_SOURCE_DIR "/corpus");
  std::vector<std::string> out;
  for (const auto& s : SplitSentences(text, lex)) out.push_back(text.substr(s.begin, s.end - s.begin));
  return out;
}
}  // namespace

TEST_CASE("splitter keeps abbreviations, initials and decimals in one sentence", "[ingest][splitter]") {
  using Row = std::tuple<std::string, size_t>;
  auto [text, n] = GENERATE(table<std::string, size_t>({
      Row{"M. Macron a parlé. Il est parti.", 2},
      Row{"Le 22 janv. 2025, il a parlé. Fin.", 2},
      // The longest abbreviations of the list, also with a capital.
      Row{"Le 3 févr. 2025 il signe. Fin.", 2},
      Row{"It costs approx. Two million. Approx. One more.", 2},
      Row{"Dr. Smith met the U.S. team. Then he left.", 2},
      Row{"Le budget atteint 5,5 millions. Puis 3.5 de plus.", 2},
      Row{"J. R. R. Tolkien wrote it. Then nothing.", 2},
      Row{"It backs A.P. Moller - Maersk and J.R.R. Tolkien. Then nothing.", 2},
      Row{"Il hésite... puis il signe. Fin.", 2},
      Row{"Meta invested in Scale AI. xAI raised $10 billion. iPhone sales rose.", 3},
      Row{"Il a levé 3 millions. puis il est parti.", 1},
      Row{"Il a dit : « C'est fini. Nous partons. » Puis il est parti.", 2},
      Row{"Trump said: \"It is a wake-up call. We must compete.\" Nobody answered.", 2},
      Row{"Premier paragraphe\nSecond paragraphe", 2},
  }));
  CAPTURE(text);
  CHECK(Split(text).size() == n);
}

TEST_CASE("splitter offsets point into the text", "[ingest][splitter]") {
  auto s = Split("  Une phrase. Une autre !  ");
  REQUIRE(s.size() == 2);
  CHECK(s[0] == "Une phrase.");
  CHECK(s[1] == "Une autre !");
}
