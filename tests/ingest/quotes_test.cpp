#include <catch2/catch.hpp>

#include "ingest/pipeline.h"

using namespace kg::ingest;

namespace {
Extraction Run(const std::string& text, const std::string& lang = "fr") {
  static Pipeline p(KG_SOURCE_DIR "/corpus");
  Document d;
  d.text = text;
  d.lang = lang;
  return p.ExtractDocument(d);
}
std::string SpeakerOf(const Extraction& ex, const std::string& start) {
  for (const auto& q : ex.quotes)
    if (q.text.rfind(start, 0) == 0) return q.speaker >= 0 ? ex.entities[q.speaker].name : "?";
  return "(none)";
}
}  // namespace

TEST_CASE("quotes are attributed to their speaker", "[ingest][quotes]") {
  using Row = std::tuple<std::string, std::string, std::string>;
  auto [text, start, speaker] = GENERATE(table<std::string, std::string, std::string>({
      Row{"Joe Biden a déclaré : « Nous allons investir massivement. »", "Nous allons", "Joe Biden"},
      Row{"« Nous allons investir massivement », a dit Joe Biden.", "Nous allons", "Joe Biden"},
      Row{"Selon Joe Biden, « la course est lancée, et vite ».", "la course", "Joe Biden"},
      Row{"Xi Jinping a parlé. Il a ajouté : « Nous ne reculerons jamais devant personne. »", "Nous ne", "Xi Jinping"},
  }));
  CAPTURE(text);
  CHECK(SpeakerOf(Run(text), start) == speaker);
}

TEST_CASE("quoted names and scare quotes are not quotes of a person", "[ingest][quotes]") {
  auto ex = Run("Joe Biden a lancé un projet nommé « Orion » avec une « philosophie libérale ».");
  CHECK(ex.quotes.empty());
}

TEST_CASE("a quote names what it is about", "[ingest][quotes]") {
  auto ex = Run("Joe Biden estime qu'OpenAI « pourrait devenir le WeWork de l'IA ».");
  REQUIRE(ex.quotes.size() == 1);
  std::vector<std::string> about;
  for (int a : ex.quotes[0].about) about.push_back(ex.entities[a].name);
  CHECK(std::find(about.begin(), about.end(), "OpenAI") != about.end());
  CHECK(std::find(about.begin(), about.end(), "WeWork") != about.end());
}
