#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "ingest/lexicon.h"
#include "ingest/text.h"
#include "ingest/values.h"
#include "tests/ingest/scratch_corpus.h"

using namespace kg::ingest;

namespace {
const Lexicon& Lex() {
  static Lexicon lex = Lexicon::Load(KG_SOURCE_DIR "/corpus");
  return lex;
}
std::string ParseDate(std::string_view text) {
  static DateParser dates(Lex());
  return dates.Parse(text);
}
std::vector<Mention> Values(const std::string& text, const std::string& lang, ValueContext* ctx = nullptr) {
  static ValueFinder vf(Lex());
  ValueContext local;
  return vf.Find(text, Sentence{0, text.size()}, lang, ctx ? *ctx : local);
}
}  // namespace

TEST_CASE("values read money in French and English", "[ingest][values]") {
  using Row = std::tuple<std::string, std::string, double, std::string>;
  auto [text, lang, amount, currency] = GENERATE(table<std::string, std::string, double, std::string>({
      Row{"un projet de 500 milliards de dollars", "fr", 5e11, "USD"},
      Row{"pas plus de 5,5 millions de dollars", "fr", 5.5e6, "USD"},
      Row{"un tour de 600 millions d'euros", "fr", 6e8, "EUR"},
      Row{"Microsoft put $13bn into it", "en", 1.3e10, "USD"},
      Row{"a \xE2\x82\xAC" "2 billion plan", "en", 2e9, "EUR"},
      Row{"raised $1.5 billion", "en", 1.5e9, "USD"},
      Row{"a 2 000 000 dollars deal", "fr", 2e6, "USD"},
      Row{"it cost 40 million dollars", "en", 4e7, "USD"},
      Row{"verser environ un milliard de dollars par an", "fr", 1e9, "USD"},
      Row{"un million d'euros", "fr", 1e6, "EUR"},
      Row{"it paid one billion dollars", "en", 1e9, "USD"},
      // Other dollars are not US dollars.
      Row{"un fonds de 500 millions de dollars canadiens", "fr", 5e8, "CAD"},
      Row{"une usine de 2 milliards de dollars australiens", "fr", 2e9, "AUD"},
  }));
  CAPTURE(text);
  auto v = Values(text, lang);
  REQUIRE(!v.empty());
  CHECK(v[0].type == "Money");
  CHECK(std::abs(v[0].amount - amount) < 1e-6 * amount);
  CHECK(v[0].currency == currency);
}

TEST_CASE("a bare amount takes the currency of the context", "[ingest][values]") {
  ValueContext ctx;
  Values("un plan de 500 milliards de dollars", "fr", &ctx);
  auto v = Values("qui aurait investi 100 milliards.", "fr", &ctx);
  REQUIRE(v.size() == 1);
  CHECK(v[0].type == "Money");
  CHECK(v[0].amount == 1e11);
  CHECK(v[0].currency_inferred);
  ValueContext fresh;
  auto n = Values("qui aurait investi 100 milliards.", "fr", &fresh);
  REQUIRE(n.size() == 1);
  CHECK(n[0].type == "Number");
}

TEST_CASE("values read dates and attach durations to amounts", "[ingest][values]") {
  CHECK(ParseDate("le 21 janvier 2025") == "2025-01-21");
  CHECK(ParseDate("Jan. 21, 2025") == "2025-01-21");
  CHECK(ParseDate("1er mai 2024") == "2024-05-01");
  CHECK(ParseDate("2023-10-30T00:00") == "2023-10-30");
  CHECK(ParseDate("22 janv.").empty());
  auto v = Values("le 30 octobre 2023, 500 milliards de dollars d'investissement sur quatre ans", "fr");
  REQUIRE(v.size() == 2);
  CHECK(v[0].type == "Date");
  CHECK(v[0].iso_date == "2023-10-30");
  CHECK(v[1].period == "sur quatre ans");
}

TEST_CASE("values read counts but not years or percentages", "[ingest][values]") {
  auto v = Values("sur 2 000 puces en 2023 avec 4,5 % de croissance", "fr");
  REQUIRE(v.size() == 1);
  CHECK(v[0].type == "Number");
  CHECK(v[0].amount == 2000);
}

TEST_CASE("values do not read an amount into 'a million users'", "[ingest][values]") {
  CHECK(Values("a million users signed up", "en").empty());
  CHECK(Values("un milliard d'utilisateurs", "fr").empty());
}

TEST_CASE("a bare amount followed by what it counts is a number", "[ingest][values]") {
  ValueContext ctx;
  Values("un contrat de 10 milliards de dollars", "fr", &ctx);
  auto v = Values("un modèle de 1 200 milliards de paramètres", "fr", &ctx);
  REQUIRE(v.size() == 1);
  CHECK(v[0].type == "Number");
}

TEST_CASE("a bare amount followed by a noun is a count, after a preposition still money", "[ingest][values]") {
  ValueContext ctx;
  Values("The group raised $3 billion last spring.", "en", &ctx);
  auto type_of = [&](const std::string& text, const std::string& lang) {
    auto v = Values(text, lang, &ctx);
    return v.empty() ? std::string() : v[0].type + (v[0].currency_inferred ? " " + v[0].currency : "");
  };
  CHECK(type_of("its model has 2.4 trillion parameters", "en") == "Number");
  CHECK(type_of("the app now has 400 million weekly users", "en") == "Number");
  CHECK(type_of("la plateforme revendique 300 millions abonnés", "fr") == "Number");
  CHECK(type_of("a partner committed another 50 billion over five years", "en") == "Money USD");
  CHECK(type_of("le partenaire a investi 100 milliards dans le projet", "fr") == "Money USD");
  CHECK(type_of("le partenaire a investi 100 milliards, selon la presse", "fr") == "Money USD");
}

TEST_CASE("a price per share is no amount", "[ingest][values]") {
  auto v = Values("the buyer will pay $41.50 per share, valuing the startup at $6 billion", "en");
  REQUIRE(v.size() == 2);
  CHECK(v[0].type == "Number");
  CHECK(v[0].amount == 41.5);
  CHECK(v[1].type == "Money");
  auto fr = Values("le fonds offre 12 euros par action, soit 2 milliards d'euros au total", "fr");
  REQUIRE(fr.size() == 2);
  CHECK(fr[0].type == "Number");
  CHECK(fr[1].type == "Money");
  CHECK(Values("a deal worth $5 billion, per people familiar", "en")[0].type == "Money");
}

// The patterns ignore case, and RE2 folds U+017F (long s) onto 's' and
// U+212A (Kelvin sign) onto 'k': the byte tests that decide which pattern to
// run must let these forms through.
TEST_CASE("values are read in capitals and with folded letters", "[ingest][values]") {
  using Row = std::tuple<std::string, std::string, std::string, std::string>;
  auto [text, lang, type, want] = GENERATE(table<std::string, std::string, std::string, std::string>({
      Row{"UN PLAN DE 500 MILLIARDS DE DOLLARS", "fr", "Money", "USD"},
      Row{"a 40 MILLION EUR deal", "en", "Money", "EUR"},
      Row{"a 40 million u\xC5\xBF" "d deal", "en", "Money", "USD"},  // "uſd"
      Row{"ils ont levé 5 D'EUROS", "fr", "Money", "EUR"},
      Row{"it cost 3 \xE2\x84\xAA" " dollars", "en", "Money", "USD"},  // "3 K dollars" with the Kelvin sign
      Row{"signé le 1ER F\xC3\x89VRIER 2024", "fr", "Date", "2024-02-01"},
      Row{"depuis le 15 AO\xC3\x9BT 2023 au moins", "fr", "Date", "2023-08-15"},
      Row{"on SEPT. 9, 2024 it said", "en", "Date", "2024-09-09"},
      Row{"soit 2 000 PUCES", "fr", "Number", ""},
  }));
  CAPTURE(text);
  auto v = Values(text, lang);
  REQUIRE(v.size() == 1);
  CHECK(v[0].type == type);
  if (type == "Money") CHECK(v[0].currency == want);
  if (type == "Date") CHECK(v[0].iso_date == want);
}

TEST_CASE("month names come from the lexicon file", "[ingest][values]") {
  kg::ingest::testing::ScratchCorpus corpus("kg_values_lexicon");
  const std::string text = "Signed on 3 Brumaire 2024 in Paris.";
  auto date_of = [&](const Lexicon& lex) {
    ValueFinder vf(lex);
    ValueContext ctx;
    for (const auto& m : vf.Find(text, Sentence{0, text.size()}, "en", ctx))
      if (m.type == "Date") return m.iso_date;
    return std::string();
  };
  CHECK(date_of(Lexicon::Load(corpus.path())).empty());
  corpus.Append("months.tsv", "Brumaire\t10");
  Lexicon lex = Lexicon::Load(corpus.path());
  CHECK(date_of(lex) == "2024-10-03");
  CHECK(DateParser(lex).Parse("le 3 brumaire 2024") == "2024-10-03");
  corpus.Append("months.tsv", "Thermidor\t13");
  CHECK_THROWS_WITH(Lexicon::Load(corpus.path()), Catch::Contains("months.tsv") && Catch::Contains("1-12"));
}

TEST_CASE("day words and ordinal endings come from the lexicon files", "[ingest][values]") {
  using Row = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  auto [file, line, text, before, after] = GENERATE(table<std::string, std::string, std::string, std::string, std::string>({
      // "date surface=iso" of the first date, "" for none.
      Row{"day_words.tsv", "1\xE1\xB5\x89\xCA\xB3\t1", "Signé le 1\xE1\xB5\x89\xCA\xB3 mars 2024 à Paris.", "",
          "1\xE1\xB5\x89\xCA\xB3 mars 2024=2024-03-01"},
      Row{"ordinal_suffixes.txt", "d", "Signed on March 22d, 2024 in Paris.", "", "March 22d, 2024=2024-03-22"},
  }));
  CAPTURE(file);
  kg::ingest::testing::ScratchCorpus corpus("kg_values_dates");
  auto date = [&] {
    Lexicon lex = Lexicon::Load(corpus.path());
    ValueFinder vf(lex);
    ValueContext ctx;
    for (const auto& m : vf.Find(text, Sentence{0, text.size()}, "fr", ctx))
      if (m.type == "Date") return m.surface + "=" + m.iso_date;
    return std::string();
  };
  CHECK(date() == before);
  corpus.Append(file, line);
  CHECK(date() == after);
}

TEST_CASE("a day word without a digit is refused", "[ingest][values]") {
  kg::ingest::testing::ScratchCorpus corpus("kg_values_day_word");
  corpus.Append("day_words.tsv", "premier\t1");
  CHECK_THROWS_WITH(Lexicon::Load(corpus.path()), Catch::Contains("day_words.tsv") && Catch::Contains("digit"));
}

namespace {
// The values of `text` found with the lexicon of a scratch corpus, as
// "Type amount currency period" (the first one, or "" for none).
std::string FirstValue(const kg::ingest::testing::ScratchCorpus& corpus, const std::string& text,
                       const std::string& lang, const std::string& context_currency = "") {
  Lexicon lex = Lexicon::Load(corpus.path());
  ValueFinder vf(lex);
  ValueContext ctx;
  ctx.last_currency = context_currency;
  auto found = vf.Find(text, Sentence{0, text.size()}, lang, ctx);
  if (found.empty()) return "";
  const Mention& m = found[0];
  char amount[32];
  std::snprintf(amount, sizeof amount, "%g", m.amount);
  return m.type + " " + amount + " " + m.currency + (m.period.empty() ? "" : " " + m.period);
}
}  // namespace

TEST_CASE("currency words and signs come from the lexicon files", "[ingest][values]") {
  kg::ingest::testing::ScratchCorpus corpus("kg_values_currencies");
  CHECK(FirstValue(corpus, "un contrat de 5 millions de roubles", "fr") == "Number 5e+06 ");
  CHECK(FirstValue(corpus, "un contrat de 5 millions de roubles", "fr", "USD") == "Number 5e+06 ");
  CHECK(FirstValue(corpus, "un budget de \xE2\x82\xB9" "500 crore", "en") == "Number 500 ");
  CHECK(FirstValue(corpus, "it paid 3 \xC2\xA3", "en") == "Money 3 GBP");
  CHECK(FirstValue(corpus, "it paid 4 \xC2\xA5", "en") == "Money 4 JPY");
  corpus.Append("currencies.tsv", "roubles\tRUB\tafter");
  corpus.Append("currencies.tsv", "\xE2\x82\xB9\tINR\tbefore after");  // ₹
  CHECK(FirstValue(corpus, "un contrat de 5 millions de roubles", "fr") == "Money 5e+06 RUB");
  CHECK(FirstValue(corpus, "UN CONTRAT DE 5 MILLIONS DE ROUBLES", "fr") == "Money 5e+06 RUB");
  CHECK(FirstValue(corpus, "un budget de \xE2\x82\xB9" "500 crore", "en") == "Money 500 INR");
  CHECK(FirstValue(corpus, "un budget de 500 \xE2\x82\xB9", "fr") == "Money 500 INR");
  CHECK(FirstValue(corpus, "un milliard de roubles", "fr") == "Money 1e+09 RUB");
}

TEST_CASE("multipliers and the words of amounts come from the lexicon files", "[ingest][values]") {
  kg::ingest::testing::ScratchCorpus corpus("kg_values_multipliers");
  CHECK(FirstValue(corpus, "it cost 3 lakh dollars", "en") == "Number 3 ");
  CHECK(FirstValue(corpus, "un lakh de dollars", "fr").empty());
  CHECK(FirstValue(corpus, "uno milliard de dollars", "fr").empty());
  CHECK(FirstValue(corpus, "5 millions en dollars", "fr") == "Number 5e+06 ");
  CHECK(FirstValue(corpus, "100 milliards pour les puces", "fr", "USD") == "Money 1e+11 USD");
  CHECK(FirstValue(corpus, "it cost $3 lakh", "en") == "Money 3 USD");
  // A scale word that holds no "illi": amounts in words are found by what
  // every scale word holds, computed from the file.
  corpus.Append("multipliers.tsv", "lakh\t1e5\tscale sign");
  corpus.Append("one_words.txt", "uno");
  corpus.Append("currency_links.txt", "en");
  corpus.Append("count_prepositions.txt", "pour");
  CHECK(FirstValue(corpus, "it cost 3 lakh dollars", "en") == "Money 300000 USD");
  CHECK(FirstValue(corpus, "un lakh de dollars", "fr") == "Money 100000 USD");
  CHECK(FirstValue(corpus, "uno milliard de dollars", "fr") == "Money 1e+09 USD");
  CHECK(FirstValue(corpus, "5 millions en dollars", "fr") == "Money 5e+06 USD");
  CHECK(FirstValue(corpus, "100 milliards pour les puces", "fr", "USD") == "Number 1e+11 ");
  CHECK(FirstValue(corpus, "100 lakh", "fr", "EUR") == "Money 1e+07 EUR");
  CHECK(FirstValue(corpus, "it cost $3 lakh", "en") == "Money 300000 USD");
  corpus.Append("multipliers.tsv", "lakhs\tten");
  CHECK_THROWS_WITH(Lexicon::Load(corpus.path()), Catch::Contains("multipliers.tsv:") && Catch::Contains("factor"));
}

TEST_CASE("the words of an amount's period come from the lexicon files", "[ingest][values]") {
  kg::ingest::testing::ScratchCorpus corpus("kg_values_durations");
  const std::string text = "un prêt de 500 millions de dollars durant deux semaines";
  CHECK(FirstValue(corpus, text, "fr") == "Money 5e+08 USD");
  corpus.Append("durations.txt", "before: durant");
  corpus.Append("durations.txt", "unit: semaines");
  CHECK(FirstValue(corpus, text, "fr") == "Money 5e+08 USD durant deux semaines");
  corpus.Append("durations.txt", "semaines");
  CHECK_THROWS_WITH(Lexicon::Load(corpus.path()), Catch::Contains("durations.txt:") && Catch::Contains("unit: WORD"));
  std::filesystem::remove(corpus.path() + "/lexicon/currencies.tsv");
  CHECK_THROWS_WITH(Lexicon::Load(corpus.path()), Catch::Contains("currencies.tsv: missing"));
}

// Counts, bare amounts and dates have their parts read off the whole match
// (values.cpp, Split): spaces of every kind RE2 reads as \s, and a number
// after a character of several bytes, must give the parts RE2 gave.
TEST_CASE("the parts of counts, bare amounts and dates survive odd spacing", "[ingest][values]") {
  using Row = std::tuple<std::string, std::string, std::string>;
  auto [text, lang, want] = GENERATE(table<std::string, std::string, std::string>({
      // "surface type amount-or-date", the first value.
      Row{"sur 2 000\t puces", "fr", "2 000 Number 2000"},
      Row{"\xC2\xAB" "12 puces", "fr", "12 Number 12"},
      Row{"un total de 1 200,5 \f milliards", "fr", "1 200,5 \f milliards Number 1.2005e+12"},
      Row{"investi 100\t\tmilliards.", "en", "100\t\tmilliards Number 1e+11"},
      Row{"le 1er \t mars\n2024", "fr", "1er \t mars\n2024 Date 2024-03-01"},
      Row{"le 21  janv.  2025", "fr", "21  janv.  2025 Date 2025-01-21"},
      Row{"on January\t21st,\r2025", "en", "January\t21st,\r2025 Date 2025-01-21"},
      Row{"on Jan. 3 2025", "en", "Jan. 3 2025 Date 2025-01-03"},
      Row{"du 2025-01-21 au", "fr", "2025-01-21 Date 2025-01-21"},
  }));
  CAPTURE(text);
  auto v = Values(text, lang);
  REQUIRE(!v.empty());
  char amount[32];
  std::snprintf(amount, sizeof amount, "%g", v[0].amount);
  CHECK(v[0].surface + " " + v[0].type + " " + (v[0].type == "Date" ? v[0].iso_date : std::string(amount)) == want);
}

TEST_CASE("a scale word with a space still gives the parts of its amount", "[ingest][values]") {
  kg::ingest::testing::ScratchCorpus corpus("kg_values_spaced_words");
  corpus.Append("multipliers.tsv", "grand lakh\t1e7\tscale");
  CHECK(FirstValue(corpus, "100 grand lakh", "fr", "EUR") == "Money 1e+09 EUR");
  CHECK(FirstValue(corpus, "100 milliards", "fr", "EUR") == "Money 1e+11 EUR");
}
