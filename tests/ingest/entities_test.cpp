#include <catch2/catch.hpp>

#include "ingest/entities.h"

#include <algorithm>
#include <cctype>

#include "graph/normalize.h"
#include "tests/ingest/scratch_corpus.h"

using namespace kg::ingest;

namespace {
const Lexicon& Lex() {
  static Lexicon lex = [] {
    Lexicon l = Lexicon::Load(KG_SOURCE_DIR "/corpus");
    l.AddEntry("Acme Robotics", "Organization", {"Acme"});
    l.AddEntry("Trade Standards Authority", "Organization", {"TSA"});
    l.AddEntry("Lumo", "Product", {});
    l.AddEntry("Dara Keller", "Person", {"Keller"});
    return l;
  }();
  return lex;
}
std::vector<Mention> Find(const std::string& text) {
  static Recognizer r(Lex());
  return r.Find(text, Sentence{0, text.size()}, {});
}
const Mention* Named(const std::vector<Mention>& ms, const std::string& surface) {
  for (const auto& m : ms)
    if (m.surface == surface) return &m;
  return nullptr;
}
// The type of the mention named `surface`, or "(none)".
std::string TypeOf(const std::vector<Mention>& ms, const std::string& surface) {
  const Mention* m = Named(ms, surface);
  return m ? m->type : "(none)";
}
}  // namespace

TEST_CASE("recognizer matches lexicon names case- and accent-aware", "[ingest][entities]") {
  auto ms = Find("Hier, acme robotics et Acme Robotics ont parlé avec les Etats-Unis.");
  const Mention* m = Named(ms, "Acme Robotics");
  REQUIRE(m);
  CHECK(m->type == "Organization");
  CHECK(m->canonical == "Acme Robotics");
  CHECK(!Named(ms, "acme robotics"));  // a capitalised alias needs its capitals
  // "les États-Unis" is itself an alias: one mention, not "Etats-Unis" nested in it.
  const Mention* us = Named(ms, "les Etats-Unis");
  REQUIRE(us);
  CHECK(!Named(ms, "Etats-Unis"));
  CHECK(us->canonical == "United States");
}

TEST_CASE("a capitalised nationality before an institution's name is part of it", "[ingest][entities]") {
  auto ms = Find("The Irish Aviation Authority and the British Business Bank spoke to the French start-up Acme.");
  CHECK(TypeOf(ms, "Irish Aviation Authority") == "Organization");
  CHECK(TypeOf(ms, "British Business Bank") == "Organization");
  CHECK(!Named(ms, "Aviation Authority"));
  CHECK(TypeOf(ms, "French") == "Country");  // before no institution's name, a nationality
}

TEST_CASE("a product name goes on after a hyphen with a code", "[ingest][entities]") {
  // "Lumo" is a product of the test lexicon; "Qwen2.5" a versioned model name.
  auto ms = Find("The app runs on Lumo-X2 and on Qwen2.5-VL, not on Lumo-based tools.");
  CHECK(TypeOf(ms, "Lumo-X2") == "Product");
  CHECK(TypeOf(ms, "Qwen2.5-VL") == "Product");
  CHECK(!Named(ms, "X2"));
  CHECK(!Named(ms, "VL"));
  CHECK(TypeOf(ms, "Lumo") == "Product");  // "-based" is no code
}

TEST_CASE("a first name before a one-word company name makes a person", "[ingest][entities]") {
  // "Acme" is a one-word alias of a company; "Lena" a first name of lexicon/first_names.txt.
  auto ms = Find("The lab was founded by Lena Acme, and Acme Robotics backed it.");
  CHECK(TypeOf(ms, "Lena Acme") == "Person");
  CHECK(!Named(ms, "Acme"));
  CHECK(TypeOf(ms, "Acme Robotics") == "Organization");
  // A word that is no first name leaves the company alone.
  CHECK(TypeOf(Find("Rival Acme grew."), "Acme") == "Organization");
}

TEST_CASE("recognizer types unknown names from descriptors", "[ingest][entities]") {
  using Row = std::tuple<std::string, std::string, std::string>;
  auto [text, name, type] = GENERATE(table<std::string, std::string, std::string>({
      Row{"Hier, la start-up chinoise Tarvik Nova a levé des fonds.", "Tarvik Nova", "Organization"},
      Row{"Selon l'universitaire américain Karl Bonner, tout va bien.", "Karl Bonner", "Person"},
      Row{"Yesterday the French start-up Lumen Forge raised money.", "Lumen Forge", "Organization"},
      Row{"Il a dévoilé un projet nommé \"Orion\", hier.", "Orion", "Project"},
      Row{"Puis le fabricant de puces (GPU), Quartz Silicon, a suivi.", "Quartz Silicon", "Organization"},
      Row{"Then Perplexity acquired the browser company Tarvik Labs.", "Tarvik Labs", "Organization"},
      Row{"Then it launched its new browser Lumen Forge.", "Lumen Forge", "Product"},
  }));
  CAPTURE(text);
  auto ms = Find(text);
  const Mention* m = Named(ms, name);
  REQUIRE(m);
  CHECK(m->type == type);
  CHECK(m->source == MentionSource::kDiscovered);
  CHECK(!m->descriptor.empty());
}

TEST_CASE("recognizer discovers acronyms, model names, anaphors and pronouns", "[ingest][entities]") {
  auto ms = Find("Le Conseil national du numérique (CNN) a parlé avec Nvidia H900 et la société.");
  CHECK(TypeOf(ms, "Conseil national du numérique") == "Organization");
  CHECK(TypeOf(ms, "Nvidia H900") == "Product");
  const Mention* ana = Named(ms, "la société");
  REQUIRE(ana);
  CHECK(ana->source == MentionSource::kAnaphor);
  auto p = Find("Il a signé le texte.");
  REQUIRE(!p.empty());
  CHECK(p[0].source == MentionSource::kPronoun);
}

TEST_CASE("recognizer leaves sentence-initial words and lone acronyms alone", "[ingest][entities]") {
  auto ms = Find("Depuis hier, les GPU manquent.");
  CHECK(ms.empty());
}

TEST_CASE("recognizer reads web domains, plus signs and institution names as one name", "[ingest][entities]") {
  auto ms = Find("Lumora competes with Qure.ai and with Kuehne+Nagel in Europe.");
  CHECK(Named(ms, "Qure.ai"));
  CHECK(Named(ms, "Kuehne+Nagel"));
  CHECK_FALSE(Named(ms, "Qure"));
  ms = Find("She was a researcher at the University of Strathclyde and at the Federal Agency for Disruptive "
            "Innovation before joining Google and Acme Robotics.");
  CHECK(Named(ms, "University of Strathclyde"));
  CHECK(Named(ms, "Federal Agency for Disruptive Innovation"));
  CHECK_FALSE(Named(ms, "Google and Acme Robotics"));  // "and" links no institution's name
  ms = Find("The UK Space Agency awarded the grant.");
  CHECK(TypeOf(ms, "UK Space Agency") == "Organization");
  ms = Find("Le contrat passe par la Banque de France.");
  CHECK(TypeOf(ms, "Banque de France") == "Organization");
}

TEST_CASE("an acronym after a known company names a company of its group; hyphenated given names",
          "[ingest][entities]") {
  auto ms = Find("Nvidia SDI signed a contract, said Choi Yoon-ho, while Nvidia CEO Karl Bonner and Nvidia RTX chips waited.");
  CHECK(Named(ms, "Nvidia SDI"));
  CHECK(TypeOf(ms, "Choi Yoon-ho") == "Person");
  CHECK_FALSE(Named(ms, "Nvidia CEO"));
  CHECK_FALSE(Named(ms, "Nvidia RTX"));
  // An acronym after a definite article names an organisation; a word of the language does not.
  ms = Find("Depuis avril, la RATP utilise le GPU de la start-up.");
  CHECK(Named(ms, "RATP"));
  CHECK_FALSE(Named(ms, "GPU"));
  // A lower-case word after a hyphen continues no company's name: "Nvidia-backed".
  CHECK_FALSE(Named(Find("Acme Robotics-backed start-ups grew."), "Acme Robotics-backed"));
}

TEST_CASE("surname particles after a first name; a description inside a description", "[ingest][entities]") {
  auto ms = Find("Capucine Le Goff et Jeroen van der Linde ont parlé.");
  CHECK(TypeOf(ms, "Capucine Le Goff") == "Person");
  CHECK(Named(ms, "Jeroen van der Linde"));
  // "le logiciel de la start-up X": X is the start-up, not the software.
  ms = Find("Carrefour équipe ses magasins du logiciel de la start-up Zembla, qui repère les rayons vides.");
  CHECK(TypeOf(ms, "Zembla") == "Organization");
}

TEST_CASE("a known company before a country's or a continent's name is its regional arm", "[ingest][entities]") {
  auto ms = Find("The round was led by Nvidia India and by Google with SoftBank.");
  CHECK(TypeOf(ms, "Nvidia India") == "Organization");
  CHECK_FALSE(Named(ms, "India"));
  ms = Find("Google France a signé un accord avec Orange.");
  CHECK(Named(ms, "Google France"));
  // Not a country used as an adjective of what follows: "Google UK-based teams".
  ms = Find("Nvidia India-based engineers joined.");
  CHECK_FALSE(Named(ms, "Nvidia India"));
}

TEST_CASE("a word opening a sentence is a name when an apposition closed by a comma follows",
          "[ingest][entities]") {
  auto ms = Find("Zembla, la coentreprise de Acme Robotics et de Google, a obtenu le contrat.");
  CHECK(Named(ms, "Zembla"));
  // An adverb opening a sentence is none, nor a word without a described head.
  CHECK_FALSE(Named(Find("Separately, the company, which is based in Paris, said it had raised money."), "Separately"));
  CHECK_FALSE(Named(Find("Ensuite, la société, dit-on, a levé des fonds."), "Ensuite"));
  CHECK_FALSE(Named(Find("Zembla, comme prévu, a obtenu le contrat."), "Zembla"));
  // Before ", who": a person's name.
  ms = Find("Zembla, who serves as the chief executive, said it.");
  CHECK(TypeOf(ms, "Zembla") == "Person");
}

TEST_CASE("cities and states are places, not organizations or projects", "[ingest][entities]") {
  auto ms = Find("Oracle is building data centers in Abilene, Texas, for the Stargate project.");
  for (const char* place : {"Abilene", "Texas"}) {
    const Mention* m = Named(ms, place);
    REQUIRE(m);
    CHECK(m->type == "Place");
  }
  // "the San Francisco-based start-up" still refers back to a start-up.
  auto based = Find("The San Francisco-based start-up was founded in 2021.");
  bool anaphor = false;
  for (const auto& m : based) anaphor |= m.source == MentionSource::kAnaphor && m.type == "Organization";
  CHECK(anaphor);
  CHECK_FALSE(Named(based, "San Francisco"));
}

TEST_CASE("a model family from the lexicon with another version is a product", "[ingest][entities]") {
  auto ms = Find("OpenAI introduced GPT-5.1 while Anthropic prepares Claude Opus 4.5 and Meta ships Llama 4.");
  for (const char* name : {"GPT-5.1", "Claude Opus 4.5", "Llama 4"}) {
    CAPTURE(name);
    const Mention* m = Named(ms, name);
    REQUIRE(m);
    CHECK(m->type == "Product");
  }
  CHECK_FALSE(Named(ms, "Claude Opus 4"));
  // A year after a family name is not a version; a longer lexicon name wins.
  CHECK_FALSE(Named(Find("Claude 2025 was a good year for Anthropic."), "Claude 2025"));
  CHECK(Named(Find("Users of Microsoft 365 Copilot will choose."), "Microsoft 365 Copilot"));
}

TEST_CASE("a lexicon product followed by a version number is that version, not a count", "[ingest][entities]") {
  auto ms = Find("The lab integrates AlphaFold 3, a protein model, and ChatGPT 5 and Gemini.");
  for (const char* name : {"AlphaFold 3", "ChatGPT 5"}) {
    CAPTURE(name);
    const Mention* m = Named(ms, name);
    REQUIRE(m);
    CHECK(m->type == "Product");
  }
  // A number that counts something after the name is no version.
  auto count = Find("ChatGPT 300 millions d'utilisateurs, ChatGPT 5 fois plus rapide.");
  CHECK_FALSE(Named(count, "ChatGPT 300"));
  CHECK_FALSE(Named(count, "ChatGPT 5"));
}

TEST_CASE("a lexicon name with a comma inside matches as written", "[ingest][entities]") {
  auto ms = Find("Rapidus will get help from the Ministry of Economy, Trade and Industry.");
  CHECK(TypeOf(ms, "Ministry of Economy, Trade and Industry") == "Organization");
  // Another gap between the same words is no such name.
  CHECK_FALSE(Named(Find("Rapidus will get help from the Ministry of Economy; Trade and Industry."),
                    "Ministry of Economy, Trade and Industry"));
}

TEST_CASE("a month and a day in a dateline are no name", "[ingest][entities]") {
  for (const char* text : {"ABU DHABI, Jan 27 (Wire) - Helix raised money.", "WASHINGTON, Sept 2 (Wire) - The US acted."}) {
    CAPTURE(text);
    for (const auto& m : Find(text)) {
      CHECK(m.surface.rfind("Jan", 0) != 0);
      CHECK(m.surface.rfind("Sept", 0) != 0);
    }
  }
  // A first name that is also a month's abbreviation still starts a name.
  CHECK(Named(Find("Le fondateur Jan Koum a parlé."), "Jan Koum"));
}

TEST_CASE("a lexicon alias written in lower case matches a sentence-internal mention", "[ingest][entities]") {
  auto ms = Find("Le sommet pour l'action sur l'IA aura lieu à Paris.");
  const Mention* m = Named(ms, "sommet pour l'action sur l'IA");
  REQUIRE(m);
  CHECK(m->canonical == "AI Action Summit");
}

TEST_CASE("a descriptor with an adjective before a name is not an anaphor", "[ingest][entities]") {
  auto ms = Find("SAP a pris le contrôle de la start-up berlinoise SmartRecruiters.");
  for (const auto& m : ms) CHECK(m.source != MentionSource::kAnaphor);
  CHECK(Named(ms, "SmartRecruiters"));
}

TEST_CASE("a verb and a plural object after an anaphor leave it an anaphor", "[ingest][entities]") {
  // "des" after the verb is no genitive of a description ("la plateforme cloud de Microsoft" is one).
  auto verb = Find("La start-up fait des drones.");
  const Mention* a = Named(verb, "La start-up");
  REQUIRE(a);
  CHECK(a->source == MentionSource::kAnaphor);
  auto described = Find("La plateforme cloud de Microsoft grandit.");
  for (const auto& m : described) CHECK(m.source != MentionSource::kAnaphor);
}

TEST_CASE("an edition word continues a product name", "[ingest][entities]") {
  auto ms = Find("Nvidia a dévoilé sa puce Blackwell Ultra et Google Gemini 2.5 Pro.");
  CHECK(Named(ms, "Blackwell Ultra"));
  CHECK(Named(ms, "Gemini 2.5 Pro"));
}

TEST_CASE("folding a word of one- and two-byte characters by table gives NormalizeName without spaces", "[ingest][lexicon]") {
  auto reference = [](const std::string& w) {
    std::string n = kg::graph::NormalizeName(w);
    n.erase(std::remove(n.begin(), n.end(), ' '), n.end());
    return n;
  };
  auto utf8 = [](int cp) {
    std::string s;
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
  };
  std::vector<int> chars;
  for (int cp = 0x20; cp < 0x7F; ++cp) chars.push_back(cp);
  for (int cp = 0xA0; cp < 0x250; ++cp) chars.push_back(cp);
  for (int cp = 0x300; cp < 0x370; cp += 3) chars.push_back(cp);  // combining marks
  for (int cp = 0x370; cp < 0x460; cp += 2) chars.push_back(cp);  // Greek, Cyrillic
  size_t failed = 0;
  for (int cp = 1; cp < 0x800; ++cp)
    if (Fold(utf8(cp) + "\xC3\xA9") != reference(utf8(cp) + "\xC3\xA9") && ++failed <= 5)
      FAIL_CHECK("U+" << std::hex << cp);
  for (int a : chars)
    for (int b : chars) {
      std::string w = utf8(a) + utf8(b) + "\xC3\x89t";
      if (Fold(w) != reference(w) && ++failed <= 5) FAIL_CHECK("U+" << std::hex << a << " U+" << b);
    }
  CHECK(failed == 0);
  CHECK(Fold("\xC3\x89tats-Unis") == "etatsunis");
  CHECK(Fold("Stra\xC3\x9F" "e") == "strasse");
}

TEST_CASE("an alias's words are compared whole and in order, each with its capital", "[ingest][lexicon]") {
  Lexicon lex;
  lex.AddEntry("Banque de France", "Organization", {"banque Centrale"});
  const auto starts = lex.AliasesStartingWith(Lexicon::TokenHash("banque"));
  REQUIRE(starts.size() == 2);  // longest first
  REQUIRE(starts[0].tokens == 3);
  auto words = lex.WordsOf(starts[0]);
  CHECK_FALSE(words.Next("ban"));      // a prefix of the word
  CHECK_FALSE(words.Next("banques"));  // the word and more
  CHECK_FALSE(words.Next("de"));       // a later word
  REQUIRE(words.Next("banque"));
  CHECK(words.capitalised());
  REQUIRE(words.Next("de"));
  CHECK_FALSE(words.capitalised());
  REQUIRE(words.Next("france"));
  CHECK(words.capitalised());
  auto other = lex.WordsOf(starts[1]);
  REQUIRE(other.Next("banque"));
  CHECK_FALSE(other.capitalised());
  REQUIRE(other.Next("centrale"));
  CHECK(other.capitalised());
  CHECK(lex.AliasesStartingWith(Lexicon::TokenHash("france")).empty());
}

TEST_CASE("a place preposition before a name is found whatever its length and case", "[ingest][lexicon]") {
  // Every entry of locative_prepositions.txt, the longest too, after a text in capitals.
  const auto& words = Lex().locative_prepositions;
  REQUIRE(!words.empty());
  for (const auto& w : words) {
    CHECK(LoweredEndsWith("Il travaille" + LowerAscii(w), words));
    std::string upper = w;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(LoweredEndsWith("IL TRAVAILLE" + upper, words));
  }
  CHECK(LoweredEndsWith("le siège du D\xC3\xA9partement de ", words));
  CHECK_FALSE(LoweredEndsWith("racheté par ", words));
  CHECK_FALSE(LoweredEndsWith("", words));
}

TEST_CASE("descriptors are matched in any case and may hold words of any script", "[ingest][entities]") {
  using Row = std::tuple<std::string, std::string, std::string>;
  auto [text, name, descriptor] = GENERATE(table<std::string, std::string, std::string>({
      Row{"Hier, LA START-UP CHINOISE Tarvik Nova a levé des fonds.", "Tarvik Nova", "LA START-UP CHINOISE"},
      Row{"Hier, la Société d'investissement Karvo Capital a investi.", "Karvo Capital", "la Société d'investissement"},
      Row{"Hier, la très discrète start-up Tarvik Nova a levé des fonds.", "Tarvik Nova",
          "la très discrète start-up"},
      // A word beyond the Latin letters among the words before the head.
      Row{"Hier, la très 東京 start-up Tarvik Nova a levé des fonds.", "Tarvik Nova", "la très 東京 start-up"},
      Row{"Le fonds, baptisé « Karvo Capital », a investi.", "Karvo Capital", "Le fonds"},
  }));
  CAPTURE(text);
  auto ms = Find(text);
  const Mention* m = Named(ms, name);
  REQUIRE(m);
  CHECK(m->type == "Organization");
  CHECK(m->descriptor == descriptor);
}

TEST_CASE("a descriptor or anaphor seen many times is read the same way as the first time", "[ingest][entities]") {
  // After some uses of the same words, the recognizer reads the groups of a
  // descriptor or an anaphor through a pattern with only the head nouns and
  // demonyms that occur in it (and, where its non-ASCII characters are
  // letters, narrow classes): the answer must not change. Each sentence runs
  // through a recognizer of its own.
  auto text = GENERATE(as<std::string>{}, "Hier, la start-up chinoise Tarvik Nova a levé des fonds.",
                       "Puis le fabricant de puces (GPU), Quartz Silicon, a suivi.",
                       "Le fonds, baptisé « Karvo Capital », a investi.",
                       "Hier, la très 東京 start-up Tarvik Nova a levé des fonds — vraiment.",
                       "Then Perplexity acquired the browser company Tarvik Labs.",
                       "Hier, la société d'investissement, la start-up Karvo Capital, a investi.",
                       "Acme Robotics a levé des fonds. La société chinoise a aussi annoncé un accord.",
                       "Acme Robotics raised money. The San Francisco-based company said it would hire.");
  CAPTURE(text);
  Recognizer r(Lex());
  bool described = false;
  auto read = [&] {
    std::string shown;
    for (const auto& m : r.Find(text, Sentence{0, text.size()}, {})) {
      shown += m.surface + "|" + m.type + "|" + m.descriptor + "|" + m.head + "|" + m.country + "|" +
               std::to_string(m.begin) + "-" + std::to_string(m.end) + "|" + std::to_string(m.outer_begin) + "\n";
      described = described || !m.descriptor.empty() || m.source == MentionSource::kAnaphor;
    }
    return shown;
  };
  const std::string first = read();
  REQUIRE(described);
  for (int i = 0; i < 40; ++i) REQUIRE(read() == first);
}

TEST_CASE("anaphors are matched in any case, with a place-based modifier and a demonym", "[ingest][entities]") {
  using Row = std::tuple<std::string, std::string>;
  auto [text, anaphor] = GENERATE(table<std::string, std::string>({
      Row{"Hier, LA SOCIÉTÉ a annoncé des pertes.", "LA SOCIÉTÉ"},
      Row{"Yesterday the Paris-based company said it would grow.", "the Paris-based company"},
      Row{"Hier, la société chinoise a annoncé des pertes.", "la société chinoise"},
  }));
  CAPTURE(text);
  auto ms = Find(text);
  const Mention* m = Named(ms, anaphor);
  REQUIRE(m);
  CHECK(m->source == MentionSource::kAnaphor);
  CHECK(m->type == "Organization");
}

TEST_CASE("the determiners and place modifiers of anaphors come from the lexicon files", "[ingest][entities]") {
  using Strings = std::vector<std::string>;
  using Row = std::tuple<std::string, std::string, std::string, Strings, Strings>;
  auto [file, word, text, before, after] = GENERATE(table<std::string, std::string, std::string, Strings, Strings>({
      Row{"anaphor_determiners.txt", "notre", "Hier, cette société a annoncé des pertes; puis notre société a recruté.",
          {"cette société"}, {"cette société", "notre société"}},
      Row{"place_modifier_suffixes.txt", "-headquartered",
          "Later the Paris-based company and the Berlin-headquartered company said so.",
          {"the Paris-based company"}, {"the Paris-based company", "the Berlin-headquartered company"}},
  }));
  CAPTURE(file);
  kg::ingest::testing::ScratchCorpus corpus("kg_entities_anaphor");
  auto anaphors = [&] {
    const Lexicon lex = Lexicon::Load(corpus.path());  // the recognizer keeps a reference to it
    Recognizer r(lex);
    Strings found;
    for (const auto& m : r.Find(text, Sentence{0, text.size()}, {}))
      if (m.source == MentionSource::kAnaphor) found.push_back(m.surface);
    return found;
  };
  CHECK(anaphors() == before);
  corpus.Append(file, word);
  CHECK(anaphors() == after);
}

TEST_CASE("the words of descriptors come from the lexicon files", "[ingest][entities]") {
  kg::ingest::testing::ScratchCorpus corpus("kg_entities_lexicon");
  // A naming word after the comma makes the name the descriptor's.
  const std::string text = "Yesterday Google unveiled a model, codenamed Zephyr Nine, to rival others.";
  auto discovered = [&](const Lexicon& lex) {
    Recognizer r(lex);
    auto ms = r.Find(text, Sentence{0, text.size()}, {});
    const Mention* m = Named(ms, "Zephyr Nine");
    return m && m->source == MentionSource::kDiscovered && m->descriptor == "a model" && m->type == "Product";
  };
  CHECK(!discovered(Lexicon::Load(corpus.path())));
  corpus.Append("naming_words.txt", "codenamed");
  CHECK(discovered(Lexicon::Load(corpus.path())));
}

TEST_CASE("the prepositions that make a head noun a description come from the lexicon files", "[ingest][entities]") {
  kg::ingest::testing::ScratchCorpus corpus("kg_entities_genitive");
  // "la société d'investissement" describes something else: no anaphor.
  const std::string text = "Hier, la société d'investissement a recruté.";
  auto anaphors = [&](const Lexicon& lex) {
    Recognizer r(lex);
    size_t n = 0;
    for (const auto& m : r.Find(text, Sentence{0, text.size()}, {})) n += m.source == MentionSource::kAnaphor;
    return n;
  };
  CHECK(anaphors(Lexicon::Load(corpus.path())) == 0);
  corpus.Write("genitives.txt", "de\ndu\ndes\nof\n");
  CHECK(anaphors(Lexicon::Load(corpus.path())) == 1);
}

TEST_CASE("unknown names are persons by their context", "[ingest][entities]") {
  using Row = std::tuple<std::string, std::string, std::string>;
  auto [text, name, signal] = GENERATE(table<std::string, std::string, std::string>({
      // Founders listed after "founded ... by", "créée ... par", all of them.
      Row{"Brightwave was founded in 2019 by Oddvar Traum, Celyn Parrish and Wendeline Okafor.", "Oddvar Traum",
          "person-list"},
      Row{"Brightwave was founded in 2019 by Oddvar Traum, Celyn Parrish and Wendeline Okafor.", "Wendeline Okafor",
          "person-list"},
      Row{"Créée en 2020 par Gondra Veilleux et Pelle Ruusk, la société grandit.", "Pelle Ruusk", "person-list"},
      // A verb of speech before or after the name.
      Row{"\"We will grow,\" said Oddvar Traum on Monday.", "Oddvar Traum", "speech"},
      Row{"« Nous allons croître », a déclaré Gondra Veilleux mardi.", "Gondra Veilleux", "speech"},
      Row{"Quorvel Dant said the plant would open in May.", "Quorvel Dant", "speech"},
      // A title right before the name.
      Row{"The board hired former Brightwave executive Celyn Parrish last year.", "Celyn Parrish", "title"},
      Row{"Selon le cofondateur Pelle Ruusk, tout va bien.", "Pelle Ruusk", ""},
      // An initial.
      Row{"The plan was drawn up by O. Traum and his team.", "O. Traum", "initial"},
      // A first name of the lexicon.
      Row{"The fund is run by Oluwaseun Gardiner and backed by banks.", "Oluwaseun Gardiner", "first-name"},
  }));
  CAPTURE(text, name);
  auto ms = Find(text);
  const Mention* m = Named(ms, name);
  REQUIRE(m);
  CHECK(m->type == "Person");
  if (!signal.empty()) CHECK(m->signal == signal);
}

TEST_CASE("unknown names without a person's context are not persons", "[ingest][entities]") {
  using Row = std::tuple<std::string, std::string>;
  auto [text, name] = GENERATE(table<std::string, std::string>({
      // "led by" names investors, not founders.
      Row{"The round was led by Harbor Lane Capital and others.", "Harbor Lane Capital"},
      // A corporate suffix ends the name.
      Row{"Brightwave was founded in 2019 by Quorvel Labs and a university.", "Quorvel Labs"},
      // "said" further away is no speech verb of the name.
      Row{"Orlan Tessary shares fell, the broker said.", "Orlan Tessary"},
  }));
  CAPTURE(text);
  auto ms = Find(text);
  const Mention* m = Named(ms, name);
  if (m) CHECK(m->type != "Person");
}

TEST_CASE("two names an ampersand joins are an organization, even after a first name", "[ingest][entities]") {
  auto ms = Find("La start-up affronte Alice & Bob et recrute Alice Martin.");
  const Mention* firm = Named(ms, "Alice & Bob");
  REQUIRE(firm != nullptr);
  CHECK(firm->type == "Organization");
  const Mention* person = Named(ms, "Alice Martin");
  REQUIRE(person != nullptr);
  CHECK(person->type == "Person");
}

TEST_CASE("a sentence's first word is a name when it recurs capitalised or a verb follows", "[ingest][entities]") {
  static Recognizer r(Lex());
  // The second sentence of `text`.
  auto second = [&](const std::string& text) {
    size_t b = text.find(". ") + 2;
    return r.Find(text, Sentence{b, text.size()}, {});
  };
  // Named again inside a sentence elsewhere in the article.
  CHECK(Named(second("Investors like Brightwave. Brightwave, based in Leeds, grew fast."), "Brightwave"));
  CHECK(Named(second("Les clients de Kelvora sont nombreux. Kelvora, de son côté, recrute."), "Kelvora"));
  // A verb follows, and the word is never written in lower case.
  CHECK(Named(second("Deals were signed. Quorvex has agreed to buy a rival."), "Quorvex"));
  CHECK(Named(second("Les ventes montent. Zentrova utilise des puces maison."), "Zentrova"));
  // Near misses: words of the language.
  CHECK_FALSE(Named(second("Some analysts doubt it. Analysts said the deal was large."), "Analysts"));
  CHECK_FALSE(Named(second("Les ventes montent. Finalement, le groupe recrute."), "Finalement"));
  CHECK_FALSE(Named(second("Brightwave a signé. Vendredi a été calme pour vendredi."), "Vendredi"));
  // Capitalised only inside a longer name: not the word alone.
  CHECK_FALSE(Named(second("Workers joined Harbor Lane Capital. Harbor views improved."), "Harbor"));
}

TEST_CASE("unknown products are read from their head noun or model code", "[ingest][entities]") {
  using Row = std::tuple<std::string, std::string>;
  auto [text, name] = GENERATE(table<std::string, std::string>({
      Row{"Buyers preferred the Lumo X7 with its larger screen.", "Lumo X7"},        // a product and a model code
      Row{"Banks now buy ZX9 server chips in bulk.", "ZX9"},                          // before a head noun
      Row{"Clients moved to the Nimbus Data Platform last year.", "Nimbus Data Platform"},  // a product head
      Row{"The army ordered the Kestrel-4 in bulk.", "Kestrel-4"},                   // a model code
      Row{"Its Vanta Lumo chip ships in May.", "Vanta Lumo"},                        // an unknown word and a product
      Row{"Starfish Space, whose Otter vehicle flies next year, grew.", "Otter"},     // a plural-less head after "whose"
      Row{"Its Radiance scanners are installed in Munich.", "Radiance"},            // a plural head
  }));
  CAPTURE(text);
  auto ms = Find(text);
  const Mention* m = Named(ms, name);
  REQUIRE(m);
  CAPTURE(m->signal);
  CHECK(m->type == "Product");
}

TEST_CASE("a relative pronoun ends an apposition: the name before it keeps its type", "[ingest][entities]") {
  // "whose" ends the apposition: the company before it is no product.
  auto whose = Find("Starfish Space, whose Otter vehicle flies next year, grew.");
  const Mention* starfish = Named(whose, "Starfish Space");
  REQUIRE(starfish);
  CHECK(starfish->type == "Organization");
}

TEST_CASE("a known acronym before another word in capitals is part of a longer name", "[ingest][entities]") {
  auto ms = Find("Le transporteur TSA QVR a signé un accord.");
  CHECK(Named(ms, "TSA QVR"));
  CHECK_FALSE(Named(ms, "TSA"));
  // Alone, or before a known name, the acronym stays.
  auto alone = Find("The TSA fined Acme on Monday.");
  const Mention* tsa = Named(alone, "TSA");
  REQUIRE(tsa);
  CHECK(tsa->canonical == "Trade Standards Authority");
}

TEST_CASE("a funding series is no name", "[ingest][entities]") {
  CHECK_FALSE(Named(Find("Brightwave raised money in a Series C round, its second."), "Series C"));
  CHECK_FALSE(Named(Find("Cette série D est menée par Acme, la société."), "D"));
}

TEST_CASE("a capitalised name written twice is kept, once or only after 'in' is not", "[ingest][entities]") {
  kg::ingest::testing::ScratchCorpus corpus("kg_entities_keep");
  auto ex = corpus.Extract(
      "Brightwave sold shares to Orlan Tessary on Monday. The deal with Orlan Tessary closed fast. "
      "The plant in Karnal opened, and a second plant in Karnal will follow. Analysts met Quenby Rask once.",
      "en");
  auto strong = [&](const std::string& name) {
    for (const auto& e : ex.entities)
      if (e.name == name) return e.strong;
    return false;
  };
  CHECK(strong("Orlan Tessary"));
  CHECK_FALSE(strong("Karnal"));
  CHECK_FALSE(strong("Quenby Rask"));
}

TEST_CASE("a head noun right before an unknown name types it without a determiner", "[ingest][entities]") {
  using Row = std::tuple<std::string, std::string, std::string>;
  auto [text, name, type] = GENERATE(table<std::string, std::string, std::string>({
      Row{"Brightwave bought data management firm Kelvora last year.", "Kelvora", "Organization"},
      Row{"Il a investi dans la start-up Kelvora et dans le fonds Harlow Peak.", "Harlow Peak", "Organization"},
      Row{"Brightwave signed with robotics startup Quorvex on Monday.", "Quorvex", "Organization"},
  }));
  CAPTURE(text);
  auto ms = Find(text);
  const Mention* m = Named(ms, name);
  REQUIRE(m);
  CHECK(m->type == type);
  CHECK(m->source == MentionSource::kDiscovered);
}

TEST_CASE("an apposition holding a preposition before its head is no apposition of the name", "[ingest][entities]") {
  // "known for its agent": the agent is what the company is known for.
  for (const char* text : {"Il cite Kelvora, connue pour son assistant Vela, et Brightwave.",
                           "He cited Kelvora, known for its agent Vela, and others."}) {
    CAPTURE(text);
    auto ms = Find(text);
    const Mention* m = Named(ms, "Kelvora");
    if (m) CHECK(m->type != "Product");
  }
  // Without one it still types the name.
  auto company = Find("He cited Kelvora, a robotics company, and others.");
  CHECK(TypeOf(company, "Kelvora") == "Organization");
}

TEST_CASE("a product read from its parts keeps its type inside a long description", "[ingest][entities]") {
  // "Le fabricant ... va fournir ... Vanta Lumo": the maker's description is
  // not the product's.
  auto chips = Find("Le fabricant de puces va fournir 500 processeurs Vanta Lumo à Acme.");
  CHECK(TypeOf(chips, "Vanta Lumo") == "Product");
  // A lone word in capitals after a company is a product line, not a longer
  // company name.
  auto ms = Find("Acme will ship its Acme QRX graphics chiplets next year.");
  CHECK_FALSE(Named(ms, "Acme QRX"));
  CHECK(TypeOf(ms, "QRX") == "Product");
}

TEST_CASE("a known person's surname followed by a capitalised word names an organisation", "[ingest][entities]") {
  auto ms = Find("Investors included Keller Horizons, the family office of Dara Keller.");
  CHECK(TypeOf(ms, "Keller Horizons") == "Organization");
  CHECK(TypeOf(ms, "Dara Keller") == "Person");
}

TEST_CASE("a country's possessive or a nationality with its article before a company describes it", "[ingest][entities]") {
  auto ms = Find("The round was led by Singapore's Temasek, with Acme Robotics following on.");
  const Mention* temasek = Named(ms, "Temasek");
  const Mention* singapore = Named(ms, "Singapore");
  REQUIRE(temasek);
  REQUIRE(singapore);
  CHECK(temasek->outer_begin == singapore->begin);  // one name in the collapsed view
  CHECK(temasek->country == "Singapore");
  CHECK(temasek->country_stated);
  ms = Find("Elle affronte l'allemand Acme Robotics.");
  const Mention* acme = Named(ms, "Acme Robotics");
  REQUIRE(acme);
  CHECK(acme->outer_begin == std::string("Elle affronte ").size());  // from the article on
  CHECK(acme->country == "Germany");
  // A capital nationality may open the name: no description of the rest.
  ms = Find("The Norwegian Acme Robotics said so.");
  acme = Named(ms, "Acme Robotics");
  REQUIRE(acme);
  CHECK(acme->outer_begin == acme->begin);
}

TEST_CASE("a noun that is also a verb right after the determiner heads a descriptor", "[ingest][entities]") {
  // "produit" ends a descriptor as a verb ("la start-up, produit par X"), not as the noun after "son".
  auto ms = Find("Son produit phare, Zorblat Assist, rédige des notes.");
  CHECK(TypeOf(ms, "Zorblat Assist") == "Product");
}

TEST_CASE("an unknown word opening a sentence before an English apposition with its article is a name",
          "[ingest][entities]") {
  // "a" opens the apposition; it is also a French verb that ends a descriptor elsewhere.
  auto ms = Find("Voltiq, a recycling start-up, raised money.");
  CHECK(TypeOf(ms, "Voltiq") == "Organization");
  CHECK(TypeOf(Find("Separately, a spokesperson said so."), "Separately") == "(none)");
}

TEST_CASE("the word loops that start late or stop early find what the full loops find", "[ingest][entities]") {
  // A sentence that does not start the text, with values: the number inside
  // a lexicon name, the words after the last value, a maker's model code
  // after other names, an acronym in brackets; and one without a bracket.
  static Recognizer r(Lex());
  const std::string text =
      "Intro (x). Users of Microsoft 365 Copilot paid 20 dollars, then Acme met Nvidia H900 and the "
      "Zorvik Tarmen Lodal (ZTL) today.";
  const Sentence s{11, text.size()};
  std::vector<Mention> values(2);
  values[0].begin = text.find("365");
  values[0].end = values[0].begin + 3;
  values[0].type = "Number";
  values[1].begin = text.find("20 dollars");
  values[1].end = values[1].begin + 10;
  values[1].type = "Money";
  auto ms = r.Find(text, s, values);
  CHECK(Named(ms, "Microsoft 365 Copilot"));
  CHECK(TypeOf(ms, "Nvidia H900") == "Product");
  const Mention* acronym = Named(ms, "Zorvik Tarmen Lodal");
  REQUIRE(acronym);
  CHECK(acronym->type == "Organization");
  CHECK(acronym->signal == "acronym");
  CHECK(!Named(ms, "Intro"));
  for (const auto& m : ms) CHECK(m.begin >= s.begin);
  // No bracket in the sentence: no acronym, the rest as before.
  auto plain = r.Find(text, Sentence{11, text.find(" (ZTL)")}, values);
  CHECK(TypeOf(plain, "Nvidia H900") == "Product");
  for (const auto& m : plain) CHECK(m.signal != "acronym");
}
