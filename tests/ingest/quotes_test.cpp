#include <catch2/catch.hpp>

#include "tests/ingest/corpus_pipeline.h"
#include "tests/ingest/scratch_corpus.h"

using namespace kg::ingest;
using kg::ingest::testing::ExtractText;

namespace {
Extraction Run(const std::string& text, const std::string& lang = "fr") { return ExtractText(text, lang); }
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
      Row{"« Nous ne lâcherons rien sur les prix, et nos clients le savent », a nuancé Joe Biden.", "Nous ne", "Joe Biden"},
      Row{"Xi Jinping a parlé. Il a ajouté : « Nous ne reculerons jamais devant personne. »", "Nous ne", "Xi Jinping"},
      Row{"Dario Amodei a parlé. « Je pense que nous sommes dans une bulle », a reconnu le patron d'OpenAI, Sam Altman.",
          "Je pense", "Sam Altman"},
  }));
  CAPTURE(text);
  CHECK(SpeakerOf(Run(text), start) == speaker);
}

TEST_CASE("an organization speaks when no person does", "[ingest][quotes]") {
  using Row = std::tuple<std::string, std::string, std::string, std::string>;
  auto [text, lang, start, speaker] = GENERATE(table<std::string, std::string, std::string, std::string>({
      Row{"« Nous investirons deux milliards dans nos réseaux d'ici 2028 », a indiqué Orange dans un communiqué.", "fr",
          "Nous investirons", "Orange"},
      Row{"\"We will review every licence before the end of the year,\" the Ministry of Economy, Trade and Industry "
          "said in a statement.",
          "en", "We will", "Ministry of Economy, Trade and Industry"},
      Row{"\"The waivers created a loophole for foreign companies in China,\" a Nvidia spokesperson said.", "en",
          "The waivers", "Nvidia"},
      // A person after the verb still comes first.
      Row{"« Nous investirons deux milliards dans nos réseaux », a indiqué Christel Heydemann, directrice d'Orange.",
          "fr", "Nous investirons", "Christel Heydemann"},
      // The source before the quote, or the sentence's subject when a colon brings the quote in.
      Row{"Selon un porte-parole d'Orange, « ce partenariat complète nos collaborations existantes ».", "fr",
          "ce partenariat", "Orange"},
      Row{"According to Nvidia, \"the waivers created a loophole for foreign companies in China\".", "en",
          "the waivers", "Nvidia"},
      Row{"Orange a par ailleurs démenti toute intention de rachat : « Il n'est pas question d'une acquisition. »",
          "fr", "Il n'est", "Orange"},
  }));
  CAPTURE(text);
  CHECK(SpeakerOf(Run(text, lang), start) == speaker);
  // An analyst nobody names is still no one.
  CHECK(SpeakerOf(Run("\"Demand will keep growing for years to come,\" an analyst said.", "en"), "Demand") == "(none)");
}

TEST_CASE("quoted names and scare quotes are not quotes of a person", "[ingest][quotes]") {
  auto ex = Run("Joe Biden a lancé un projet nommé « Orion » avec une « philosophie libérale ».");
  CHECK(ex.quotes.empty());
}

TEST_CASE("the words that make a quoted text a name come from the lexicon files", "[ingest][quotes]") {
  kg::ingest::testing::ScratchCorpus corpus("kg_quotes_naming");
  auto quotes = [&] {
    return corpus.Extract("Joe Biden a déclaré, sous le titre de code : « Nous allons investir massivement dans les puces. »", "fr")
        .quotes.size();
  };
  CHECK(quotes() == 1);
  corpus.Append("quote_naming.txt", "code :");
  CHECK(quotes() == 0);
}

TEST_CASE("a quote names what it is about", "[ingest][quotes]") {
  auto ex = Run("Joe Biden estime qu'OpenAI « pourrait devenir le WeWork de l'IA ».");
  REQUIRE(ex.quotes.size() == 1);
  std::vector<std::string> about;
  for (int a : ex.quotes[0].about) about.push_back(ex.entities[a].name);
  CHECK(std::find(about.begin(), about.end(), "OpenAI") != about.end());
  CHECK(std::find(about.begin(), about.end(), "WeWork") != about.end());
}

namespace {
std::vector<std::string> AboutOf(const Extraction& ex, const std::string& start) {
  std::vector<std::string> about;
  for (const auto& q : ex.quotes)
    if (q.text.rfind(start, 0) == 0)
      for (int a : q.about) about.push_back(ex.entities[a].name);
  std::sort(about.begin(), about.end());
  return about;
}
}  // namespace

TEST_CASE("a quote that speaks for 'us' is about the speaker's side", "[ingest][quotes]") {
  SECTION("the organization the speaker leads") {
    auto ex = Run("Satya Nadella, directeur général de Microsoft, a déclaré : « Nous allons doubler nos "
                  "investissements dans les centres de données. »");
    CHECK(AboutOf(ex, "Nous allons") == std::vector<std::string>{"Microsoft"});
  }
  SECTION("in English") {
    auto ex = Run("Microsoft chief executive Satya Nadella said: \"Our customers want more capacity, and we "
                  "will deliver it.\"",
                  "en");
    CHECK(AboutOf(ex, "Our customers") == std::vector<std::string>{"Microsoft"});
  }
  SECTION("no first person, no side") {
    auto ex = Run("Satya Nadella, directeur général de Microsoft, a déclaré : « La demande dépasse toutes "
                  "les prévisions du marché. »");
    CHECK(AboutOf(ex, "La demande").empty());
  }
}

TEST_CASE("a quote opening on a demonstrative is about the topic in focus", "[ingest][quotes]") {
  auto ex = Run("Nvidia a présenté sa nouvelle puce. Nvidia vise les centres de données. Joe Biden a réagi : "
                "« Cela change la donne pour toute l'industrie des semi-conducteurs. »");
  CHECK(AboutOf(ex, "Cela change") == std::vector<std::string>{"Nvidia"});
  auto plain = Run("Nvidia a présenté sa nouvelle puce. Joe Biden a réagi : « Les semi-conducteurs sont "
                   "la clé de toute l'industrie moderne. »");
  CHECK(AboutOf(plain, "Les semi").empty());
}

TEST_CASE("a nationality inside a quote names the country", "[ingest][quotes]") {
  auto ex = Run("Jensen Huang a déclaré : « Le marché chinois de l'IA vaudra bientôt des dizaines de "
                "milliards. »");
  CHECK(AboutOf(ex, "Le marché") == std::vector<std::string>{"China"});
}

TEST_CASE("a politician speaking for 'us' speaks for the country the lexicon gives", "[ingest][quotes]") {
  auto ex = Run("La France accueille le sommet. Emmanuel Macron a déclaré : « Nous serons au rendez-vous de "
                "cette révolution technologique. »");
  CHECK(AboutOf(ex, "Nous serons") == std::vector<std::string>{"France"});
}

TEST_CASE("a speaker named after the quote may follow his company and title", "[ingest][quotes]") {
  auto ex = Run("Dario Amodei spoke first. \"I think we are in a bubble,\" OpenAI chief executive Sam Altman said in August.",
                "en");
  CHECK(SpeakerOf(ex, "I think") == "Sam Altman");
}

TEST_CASE("the subject of a reported clause is not the speaker of its quote", "[ingest][quotes]") {
  CHECK(SpeakerOf(Run("Sam Altman replied that Elon Musk was \"wrong, as you surely know\".", "en"), "wrong") ==
        "Sam Altman");
  CHECK(SpeakerOf(Run("Jean Dupont a rappelé que Marie Curie avait dit : « la science avance toujours plus vite que nos lois ».", "fr"), "la science") ==
        "Marie Curie");
}

TEST_CASE("a short quote is a person's words when a verb of speech brings it in", "[ingest][quotes]") {
  CHECK(SpeakerOf(Run("Joe Biden a dénoncé une « erreur historique » de ses adversaires."), "erreur") == "Joe Biden");
  CHECK(SpeakerOf(Run("Joe Biden said a \"new chapter\" had begun for American industry.", "en"), "new chapter") ==
        "Joe Biden");
  // No verb of speech, or no person: a scare quote or a name.
  CHECK(Run("Joe Biden vise une « croissance durable » pour le pays.").quotes.empty());
  CHECK(Run("Joe Biden said the \"Atlas Forge\" effort would start in May.", "en").quotes.empty());
  CHECK(Run("Microsoft a annoncé un « partenariat stratégique » avec le groupe.").quotes.empty());
  CHECK(Run("Joe Biden praised what he called a \"game changer\" for the industry.", "en").quotes.empty());
}

TEST_CASE("a definite description after the verb of speech is the person in focus", "[ingest][quotes]") {
  CHECK(SpeakerOf(Run("Joe Biden a visité une usine. « Nous allons reconstruire l'industrie de ce pays », a martelé "
                      "le président américain."),
                  "Nous allons") == "Joe Biden");
  CHECK(SpeakerOf(Run("Joe Biden visited a plant. \"We will rebuild the industry of this country,\" said the "
                      "president.",
                      "en"),
                  "We will") == "Joe Biden");
  // An organization, or someone the article does not name, is not the person in focus.
  CHECK(SpeakerOf(Run("Joe Biden a visité l'usine d'OpenAI. « Nous allons recruter massivement cette année », a "
                      "indiqué la société OpenAI."),
                  "Nous allons") != "Joe Biden");
  CHECK(SpeakerOf(Run("Joe Biden visited a plant. \"We will rebuild the industry of this country,\" an analyst "
                      "said.",
                      "en"),
                  "We will") == "(none)");
  CHECK(SpeakerOf(Run("Joe Biden a visité une usine. « Nous allons reconstruire l'industrie de ce pays », juge un "
                      "analyste."),
                  "Nous allons") == "(none)");
}

TEST_CASE("a speaker named by a surname is the person named in full before", "[ingest][quotes]") {
  const std::string en =
      "Quantix was founded in 2019 by Henrik Vasquez and Laila Okonkwo. The deal was approved by Joe Biden. "
      "\"We are joining a bigger team because it lets us ship much faster,\" Vasquez wrote in a blog post.";
  CHECK(SpeakerOf(Run(en, "en"), "We are joining") == "Henrik Vasquez");
  const std::string fr =
      "La société Quantix a été fondée en 2019 par Henrik Vasquez et Laila Okonkwo. Joe Biden a salué l'accord. "
      "« Nous rejoignons une équipe plus grande pour aller beaucoup plus vite », a écrit Okonkwo sur son blog.";
  CHECK(SpeakerOf(Run(fr), "Nous rejoignons") == "Laila Okonkwo");
  // The surname opens the sentence, before the verb and the quote.
  const std::string first =
      "Quantix was founded in 2019 by Henrik Vasquez and Laila Okonkwo. The deal was approved by Joe Biden. "
      "Okonkwo told reporters: \"We are joining a bigger team because it lets us ship much faster.\"";
  CHECK(SpeakerOf(Run(first, "en"), "We are joining") == "Laila Okonkwo");
}
