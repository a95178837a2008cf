#include <catch2/catch.hpp>

#include <re2/re2.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "ingest/pattern_twins.h"
#include "ingest/rules.h"
#include "tests/ingest/corpus_pipeline.h"

using namespace kg::ingest;

TEST_CASE("narrow twins replace the letter and number classes, inside and outside brackets", "[ingest][twins]") {
  struct Case {
    const char* pattern;
    const char* narrow;  // "" when there is nothing to narrow
  };
  const Case cases[] = {
      {R"(\pL+ )", R"([A-Za-z\x{80}-\x{10FFFF}]+ )"},
      {R"(\p{L}x)", R"([A-Za-z\x{80}-\x{10FFFF}]x)"},
      {R"([\pL-]+)", R"([A-Za-z\x{80}-\x{10FFFF}-]+)"},
      {R"([^\pL\pN])", R"([^A-Za-z\x{80}-\x{10FFFF}0-9])"},
      {R"(\PL)", R"([\x00-@\[-`{-\x7f])"},
      {R"(\pN)", R"([0-9])"},
      {R"(\Q\pL\E)", ""},            // quoted text is literal
      {R"(\\pL)", ""},               // an escaped backslash, then "pL"
      {R"(\p{Greek}\pLu)", R"(\p{Greek}[A-Za-z\x{80}-\x{10FFFF}]u)"},
      {"abc", ""},
  };
  for (const auto& c : cases) {
    INFO(c.pattern);
    CHECK(NarrowLetterClasses(c.pattern) == c.narrow);
  }
}

TEST_CASE("a text allows the narrow twins when its non-ASCII characters are letters", "[ingest][twins]") {
  CHECK(NonAsciiAreLetters("OpenAI invests"));
  CHECK(NonAsciiAreLetters("la société française Œuvre ÇA"));
  CHECK(NonAsciiAreLetters(""));
  CHECK_FALSE(NonAsciiAreLetters("5 €"));
  CHECK_FALSE(NonAsciiAreLetters("Mistral — la start-up"));
  CHECK_FALSE(NonAsciiAreLetters("a\xC2\xA0" "b"));  // no-break space
  CHECK_FALSE(NonAsciiAreLetters("x²"));           // a number, not a letter
}

TEST_CASE("a narrow twin matches as its pattern does on texts whose non-ASCII characters are letters",
          "[ingest][twins]") {
  RE2::Options o;
  o.set_case_sensitive(false);
  const char* patterns[] = {R"((\pL+) (?:[\pL-]+ ){0,2}?(société|company)(?:[^\pL\pN]|$))",
                            R"(^([\pL\pN'\-]+\s+){0,4}?(chef))", R"((\PL+)(\pN+))"};
  const char* texts[] = {"la nouvelle société", "the AI-first company.", "Éric Dupont, chef",
                         "l'entreprise société2", "ÉTÉ 2025 société", "abc 123", "  12 ab"};
  for (const char* p : patterns) {
    RE2 re(p, o);
    auto twin = CompileNarrowTwin(p, re, o);
    REQUIRE(twin);
    CHECK(twin->ProgramSize() < re.ProgramSize());
    for (const char* t : texts) {
      REQUIRE(NonAsciiAreLetters(t));
      INFO(p << " on " << t);
      int n = re.NumberOfCapturingGroups() + 1;
      std::vector<re2::StringPiece> a(n), b(n);
      bool ma = re.Match(t, 0, strlen(t), RE2::UNANCHORED, a.data(), n);
      bool mb = twin->Match(t, 0, strlen(t), RE2::UNANCHORED, b.data(), n);
      REQUIRE(ma == mb);
      for (int i = 0; ma && i < n; ++i) CHECK(a[i] == b[i]);
    }
  }
}

TEST_CASE("relaxed twins drop long bounds and capture what must be checked", "[ingest][twins]") {
  auto r = RelaxBounds(R"(a [^,.;]{0,80}?b)");
  CHECK(r.pattern == R"(a (?P<__b0>[^,.;]{0,}?)b)");
  REQUIRE(r.bounds.size() == 1);
  CHECK(r.bounds[0].max == 80);
  CHECK(r.bounds[0].exceeded.empty());

  // Inside a repeated group the capture goes around the group's rounds.
  r = RelaxBounds(R"(x(?:, [^\x01,.;]{1,30})*y)");
  CHECK(r.pattern == R"(x(?P<__b0>(?:, [^\x01,.;]{1,})*)y)");
  REQUIRE(r.bounds.size() == 1);
  CHECK(r.bounds[0].group == "__b0");
  CHECK(r.bounds[0].exceeded == R"((?:[^\x01,.;]){31})");

  CHECK(RelaxBounds(R"(a{2,7} (?:ab){0,20} \d{4})").pattern.empty());  // short bound, group, exact count
  CHECK(RelaxBounds(R"((?s)a.{0,50}b)").pattern.empty());                // inline flags: left alone
  CHECK(RelaxBounds(R"(é{0,9}?)").pattern == R"((?P<__b0>é{0,}?))");    // a literal of two bytes
}

namespace {

// A set of the one rule `text` (with the corpus's macros), in English.
RuleSet OneRule(const std::string& text) { return RuleSet::Parse(testing::CorpusMacros() + text, "t.rules", "en"); }

// The relations a one-rule set finds in `marked` (ParseMarkup syntax).
std::vector<std::vector<int>> Fire(const RuleSet& set, const std::string& marked) {
  auto [text, given] = ParseMarkup(marked);
  for (size_t i = 0; i < given.size(); ++i) given[i].entity = static_cast<int>(i);
  std::vector<std::vector<int>> out;
  for (const auto& m : set.Apply(text, Sentence{0, text.size()}, given, "en")) {
    std::vector<int> ends = m.slots.at("a");
    for (int b : m.slots.at("b")) ends.push_back(b);
    out.push_back(ends);
  }
  return out;
}

}  // namespace

TEST_CASE("a rule with a long bounded repetition keeps its bound", "[ingest][twins][rules]") {
  auto set = OneRule("rule t.backs\n  pattern {Organization:a}[^\\x01.;]{0,20} backs (?:\\pL+ )?{Organization+:b}\n"
      "  emit FUNDS a -> b\n  view full\n");
  // Within the bound, with and without characters that are not letters (the
  // second sentence takes the twin without narrow classes).
  CHECK(Fire(set, "[A|Organization] now backs [B|Organization].") == std::vector<std::vector<int>>{{0, 1}});
  CHECK(Fire(set, "[A|Organization] — now — backs [B|Organization].") == std::vector<std::vector<int>>{{0, 1}});
  // Past the bound: 21 characters between the name and "backs".
  CHECK(Fire(set, "[A|Organization] and its many friends backs [B|Organization].").empty());
  CHECK(Fire(set, "[A|Organization] — and its many friends backs [B|Organization].").empty());
  // "€" is no letter: \pL does not take it, narrowed or not.
  CHECK(Fire(set, "[A|Organization] backs € [B|Organization].").empty());
  CHECK(Fire(set, "[A|Organization] backs début [B|Organization].") == std::vector<std::vector<int>>{{0, 1}});
}

TEST_CASE("narrowing widens a pattern's classes unless it negates letters or narrows digits", "[ingest][twins]") {
  CHECK(NarrowingWidens(R"(\pL+ [\pL-]+ \p{L})"));
  CHECK(NarrowingWidens(R"([^.;]{0,} x)"));
  CHECK_FALSE(NarrowingWidens(R"(\PL)"));
  CHECK_FALSE(NarrowingWidens(R"([^\pL ])"));
  CHECK_FALSE(NarrowingWidens(R"(\pN)"));
  CHECK_FALSE(NarrowingWidens(R"([\p{N}x])"));
  CHECK(NarrowingWidens(R"([\\pN])"));  // a backslash, then "pN"
}

TEST_CASE("a pattern's syntax is checked without compiling it", "[ingest][twins]") {
  RE2::Options o;
  o.set_log_errors(false);
  CHECK(SyntaxOk("a{0,40} (?:b|c)+", o));
  CHECK(SyntaxOk(std::string(5000, 'x') + "[^.]{0,900}", o));  // large, yet well formed
  CHECK_FALSE(SyntaxOk("(?:a", o));
  CHECK_FALSE(SyntaxOk("a{0,2000}", o));
  CHECK_FALSE(SyntaxOk("(?:a{0,40}){0,30}", o));
  // Without parsing: where a relaxed twin parses, the pattern does too.
  CHECK(RelaxingKeepsSyntax("a{0,40} (?:b|c)+"));
  CHECK(RelaxingKeepsSyntax("(?:x[^.]{0,900})*"));  // no count around it
  CHECK(RelaxingKeepsSyntax("(?s)a{0,2000}"));      // inline flags: no twin
  CHECK_FALSE(RelaxingKeepsSyntax("a{0,2000}"));
  CHECK_FALSE(RelaxingKeepsSyntax("a{9,8}"));
  CHECK_FALSE(RelaxingKeepsSyntax("(?:a{0,40}){0,30}"));
  CHECK_FALSE(RelaxingKeepsSyntax("(?:(?:a{0,40})+){2}"));  // parses, but a count is around it
}

TEST_CASE("a rule whose pattern runs only past a bound compiles it then", "[ingest][twins][rules]") {
  // The list slot's qualifier is bounded: past its bound the pattern itself
  // runs, on first use, and gives the pattern's answer.
  auto set = OneRule("rule t.backs\n  pattern {Organization:a} backs {Organization+:b}\n"
                            "  emit FUNDS a -> b\n  view full\n");
  const Rule& rule = *set.rules().front();
  REQUIRE(rule.fast != nullptr);
  CHECK(rule.re == nullptr);  // the filter holds the twin
  auto far = Fire(set,
                  "[A|Organization] backs [B|Organization], of the many very fine old friends [X|Organization], "
                  "[C|Organization].");
  REQUIRE(rule.Exact() != nullptr);
  CHECK(far == std::vector<std::vector<int>>{{0, 1}});
}

TEST_CASE("a rule whose narrow twin the filter holds compiles its pattern for other sentences", "[ingest][twins][rules]") {
  auto set = OneRule("rule t.backs\n  pattern {Organization:a} backs (?:\\pL+ )?{Organization:b}\n"
                                "  emit FUNDS a -> b\n  view full\n");
  const Rule& rule = *set.rules().front();
  REQUIRE(rule.narrow != nullptr);
  CHECK(rule.re == nullptr);
  CHECK(Fire(set, "[A|Organization] backs début [B|Organization].") == std::vector<std::vector<int>>{{0, 1}});
  // "€" is no letter: the sentence needs the pattern itself, and \pL does not take "€".
  CHECK(Fire(set, "[A|Organization] backs € [B|Organization].").empty());
  CHECK(Fire(set, "[A|Organization] backs début [B|Organization] — €.") == std::vector<std::vector<int>>{{0, 1}});
  CHECK(rule.Exact() != nullptr);
}

TEST_CASE("a bound inside a coordinated list holds for every item", "[ingest][twins][rules]") {
  // The list separator skips ", of X," qualifiers of up to 30 characters.
  auto set = OneRule("rule t.backs\n  pattern {Organization:a} backs {Organization+:b}\n"
                            "  emit FUNDS a -> b\n  view full\n");
  auto near = Fire(set, "[A|Organization] backs [B|Organization], of the fine [X|Organization], [C|Organization].");
  REQUIRE(near.size() == 1);
  CHECK(near[0] == std::vector<int>{0, 1, 3});
  auto far = Fire(set,
                  "[A|Organization] backs [B|Organization], of the many very fine old friends [X|Organization], "
                  "[C|Organization].");
  REQUIRE(far.size() == 1);
  CHECK(far[0] == std::vector<int>{0, 1});
}

namespace {

// Words enough to make a program too big for BitState.
std::string ManyVerbs() {
  std::string verbs;
  for (const char* stem : {"back", "fund", "join", "lead", "help", "buy", "own", "use", "sell", "rival"})
    for (const char* end : {"s", "ed", "ing", "ers"}) verbs += std::string(verbs.empty() ? "" : "|") + stem + end;
  return "(?:" + verbs + ")";
}

// The pattern's own answer and that of its pieces, on every text.
void CheckPieces(const std::string& pattern, const std::vector<std::string>& texts) {
  RE2::Options o;
  o.set_case_sensitive(false);
  RE2 re(pattern, o);
  REQUIRE(re.ok());
  REQUIRE(re.ProgramSize() > PatternPieces::kBitStateMax);
  auto pieces = PatternPieces::Cut(re);
  REQUIRE(pieces);
  const int n = re.NumberOfCapturingGroups() + 1;
  for (const std::string& t : texts) {
    INFO(pattern << " on " << t);
    std::vector<re2::StringPiece> want(n), got(n);
    bool matched = re.Match(t, 0, t.size(), RE2::UNANCHORED, want.data(), n);
    re2::StringPiece found;
    REQUIRE(re.Match(t, 0, t.size(), RE2::UNANCHORED, &found, 1) == matched);
    if (!matched) continue;
    const size_t begin = static_cast<size_t>(found.data() - t.data());
    pieces->Groups(re, t, begin, begin + found.size(), got.data(), n);
    for (int g = 0; g < n; ++g) {
      INFO("group " << g);
      CHECK(got[g].data() == want[g].data());
      CHECK(got[g].size() == want[g].size());
    }
  }
}

}  // namespace

TEST_CASE("the pieces of a big pattern find its groups", "[ingest][twins][pieces]") {
  const std::vector<std::string> texts = {
      "Acme backs Beta and Gamma.",
      "acme, the old firm, now funds Beta, Gamma and Delta in 2024",
      "Acme, a, b, c, funds the Beta",
      "They say acme leads leads Beta",
      "acme joiners beta",  // "join" is a prefix of "joiners": the longer word comes later
      "Acme, the firm, Zeta, sells Beta, of Omega, and Gamma.",
      "nothing here",
      "acme funding, beta",
      "acme, the firm, now funds beta.",
      "acme, x, y, z, backs beta"};
  // A lazy gap before the verbs, a greedy list after them.
  CheckPieces(R"((?P<a>\w+)(?:, [^.;]{1,40}?,)? (?:now |also )?)" + ManyVerbs() +
                  R"( (?:the |a )?(?P<b>\w+(?:(?:, | and )\w+)*)(?: in (\d+))?)",
              texts);
  // Groups only at the start: the rest is only checked.
  CheckPieces(R"((?P<a>\w+),? (?:[^,.;]{0,40} )?)" + ManyVerbs() + R"( (?:the )?\w+)", texts);
  // Anchors and word boundaries look at the text around each piece.
  CheckPieces(R"(^(?P<a>\w+)(?:, [^.;]{1,40}?,)? (?:now |also )?)" + ManyVerbs() + R"( (?P<b>\w+)\b(?:[.]|$))",
              texts);
  // A lookahead that cuts into a list, groups in every piece.
  CheckPieces(R"(((?:\w+ ){0,2}?)(\w+))" + std::string(R"((?:, [^.;]{1,40}?,)?)") + " (" + ManyVerbs() +
                  R"() (\w+(?:, \w+)*))",
              texts);
}

TEST_CASE("the pieces of a big pattern jump to a slot after items without groups", "[ingest][twins][pieces]") {
  // A marker as the tagged views write it: "\x01" CODE INDEX "\x02".
  auto m = [](char code, int index) { return std::string("\x01") + code + std::to_string(index) + "\x02"; };
  const std::string org = R"(\x01[\x11]\d+\x02)", org_or_country = R"(\x01[\x11\x12]\d+\x02)",
                    country = R"(\x01[\x12]\d+\x02)";
  // Two words of ManyVerbs(), the first optional: a program too big for BitState.
  const std::string verbs = "(?:" + ManyVerbs() + " )?" + ManyVerbs();
  const std::vector<std::string> texts = {
      m('\x11', 0) + " backs " + m('\x11', 1) + ".",
      m('\x11', 0) + ", the old firm, now funds " + m('\x11', 1) + ", " + m('\x12', 2) + " in 2024",
      // The country before the name: the slot may start at either marker.
      m('\x11', 0) + " funds " + m('\x12', 1) + "'s " + m('\x11', 2),
      m('\x11', 0) + " funds the " + m('\x12', 1) + "'s " + m('\x12', 2) + ", " + m('\x11', 3),
      m('\x11', 0) + " leads " + m('\x12', 1) + " and " + m('\x11', 2) + " buys " + m('\x11', 3),
      m('\x12', 0) + " sells " + m('\x11', 1),
      "they backs " + m('\x12', 0) + " buys " + m('\x12', 1) + "'s " + m('\x11', 2),
      "it funds the " + m('\x11', 0) + " backs " + m('\x11', 1) + " and " + m('\x11', 2),
      m('\x11', 0) + " backs " + m('\x11', 1) + ", " + m('\x12', 2),
      "nothing here"};
  // Between the two slots only items without groups, a country's before the second.
  CheckPieces("(?P<a>" + org + R"()(?:, [^\x01.;]{1,40}?,)? (?:now |also )?)" + verbs + " (?:the |a )?(?:" +
                  country + "'s )?(?P<b>" + org_or_country + "(?:, " + org_or_country + R"()*)(?: in (\d+))?)",
              texts);
  // The same, the first slot after words too.
  CheckPieces(R"((?:\w+ )?)" + verbs + R"( (?:\w+ ){0,2}?(?P<a>)" + org_or_country + ")" + " " + verbs +
                  " (?:" + country + "'s )?(?P<b>" + org + ")",
              texts);
  // A greedy gap that may hold markers: the slot may start at several, of
  // which the gap's preferred parse takes the last.
  CheckPieces("(?P<a>" + org + R"()(?:, [^\x01.;]{1,40}?,)? (?:now |also )?)" + verbs + " [^.;]*(?P<b>" +
                  org_or_country + "(?:, " + org_or_country + ")*)",
              texts);
}

TEST_CASE("a group too big for a piece is read by its branches", "[ingest][twins][pieces]") {
  const std::vector<std::string> texts = {
      "acme backs beta and gamma",
      "acme says backs beta, gamma, delta",
      "acme said funds the beta",
      "acme, backers beta",
      "acme backs says backs beta",
      "acme x y z xavier",
      "acme p pa par xeno xylo",
      "acme one two three four five six seven eight nine ten eleven xu",
      "acme pax, paris, xx",
      "acme par xeno",
      "nothing here"};
  const std::string verbs = ManyVerbs(), both = "(?:" + ManyVerbs() + "|" + ManyVerbs().substr(3);
  // An alternation of two branches with groups, each with the items after it.
  CheckPieces(R"((?P<a>\w+),? (?:)" + both + R"( (?:the )?(?P<b>\w+)|(?:says|said) )" + both +
                  R"( (?P<c>\w+(?:, \w+)*)))",
              texts);
  // An optional group with groups, greedy then lazy.
  for (const char* q : {"?", "??"})
    CheckPieces(R"((?P<a>\w+),? (?:)" + both + R"( (?P<m>\w+) )" + verbs + " )" + q + R"((?P<b>\w+)(?:, (\w+))?)",
                texts);
  // A counted repetition without groups, lazy then greedy: none, then one
  // and the rest of the count.
  for (const char* q : {"{0,24}?", "{0,24}"})
    CheckPieces(R"((?P<a>\w+)(?: (?:[^ p.][^ .]*|p(?:[^ a.][^ .]*)?|pa(?:[^ r.][^ .]*)?|par[^ .]+)))" + std::string(q) +
                    R"(,? (?P<b>x\w*))",
                texts);
}

TEST_CASE("a pattern that cannot be cut is matched whole", "[ingest][twins][pieces]") {
  RE2::Options o;
  o.set_case_sensitive(false);
  RE2 small("(a+) (b)", o);
  CHECK_FALSE(PatternPieces::Cut(small));  // BitState takes it as it is
  RE2 alternation("(" + ManyVerbs() + " [^.;]{0,40} x)|(y [^.;]{0,40})", o);
  REQUIRE(alternation.ProgramSize() > PatternPieces::kBitStateMax);
  CHECK_FALSE(PatternPieces::Cut(alternation));  // a top-level '|'
  RE2 flags("(?s)(a) [^.;]{0,40} " + ManyVerbs(), o);
  CHECK_FALSE(PatternPieces::Cut(flags));
  // PieceMatcher answers as the pattern does, before and after it cuts.
  PieceMatcher matcher;
  RE2 big(R"((?P<a>\w+) [^.;]{0,40}?)" + ManyVerbs() + R"( (?P<b>\w+))", o);
  const std::string text = "so acme now backs beta, then gamma sells delta";
  for (int round = 0; round < PieceMatcher::kCutAfterMatches + 4; ++round) {
    std::vector<re2::StringPiece> want(3), got(3);
    for (size_t from = 0; from <= text.size(); from += 7) {
      INFO("round " << round << " from " << from);
      bool matched = big.Match(text, from, text.size(), RE2::UNANCHORED, want.data(), 3);
      REQUIRE(matcher.Match(big, text, from, got.data(), 3) == matched);
      for (int g = 0; matched && g < 3; ++g) CHECK(got[g] == want[g]);
    }
  }
}

TEST_CASE("a pattern whose matches start with a marker names the class after it", "[ingest][twins]") {
  struct Case {
    const char* pattern;
    std::optional<std::string> cls;
  };
  const Case cases[] = {
      {R"(\x01[\x11]\d+\x02 buys)", R"([\x11])"},
      {R"((?P<a>\x01[\x11\x12]\d+\x02(?:, \x01[\x11]\d+\x02)*) x)", R"([\x11\x12])"},
      {R"((?:(?P<a>\x01[\x11]\d+\x02)) x)", R"([\x11])"},
      {R"(\x01[^\x02]*\x02 x)", ""},  // a marker of any code
      {R"(\x01)", ""},
      {R"((?:the )?\x01[\x11]\d+\x02)", std::nullopt},
      {R"((?P<a>\x01[\x11]\d+\x02|x))", std::nullopt},  // a '|' in the group
      {R"(\x01[\x11]\d+\x02|y)", std::nullopt},
      {R"((?P<a>\x01[\x11]\d+\x02)? x)", std::nullopt},
      {R"(\x01?[\x11])", std::nullopt},
      {R"((?:^|\W)\x01[\x11])", std::nullopt},
      {R"((?i)\x01[\x11])", std::nullopt},  // inline flags
  };
  for (const auto& c : cases) {
    INFO(c.pattern);
    std::optional<std::string_view> cls = LeadingMarkerClass(c.pattern);
    REQUIRE(cls.has_value() == c.cls.has_value());
    if (cls) CHECK(*cls == *c.cls);
  }
}

TEST_CASE("the twins of a rule's pattern start as the pattern does", "[ingest][twins][rules]") {
  // Rule::StartCodes() holds for the twins too: their first items are the
  // pattern's (relaxing and narrowing leave items without quantifier and
  // classes of codes alone).
  size_t starting = 0;
  for (const auto& r : testing::CorpusPipeline().rules().rules()) {
    INFO(r->id);
    const std::optional<std::string_view> cls = LeadingMarkerClass(r->pattern);
    CHECK((r->StartCodes() != 0) == cls.has_value());
    if (!cls) continue;
    ++starting;
    for (const re2::RE2* twin : {r->fast, r->narrow})
      if (twin) CHECK(LeadingMarkerClass(twin->pattern()) == cls);
    if (!r->relaxed_pattern.empty()) CHECK(LeadingMarkerClass(r->relaxed_pattern) == cls);
    if (std::string narrow = NarrowLetterClasses(r->pattern); !narrow.empty()) CHECK(LeadingMarkerClass(narrow) == cls);
  }
  CHECK(starting > 100);
}

TEST_CASE("a rule whose matches start at a marker finds the leftmost match", "[ingest][rules]") {
  // A gap that may hold markers: the match starts at the first organization
  // from which one is found, as an unanchored search finds it.
  auto set = OneRule("rule t.buys\n  pattern {Organization:a}[^.;]*? buys {Organization:b}\n"
                     "  emit ACQUIRED a -> b\n  view full\n");
  CHECK(set.rules()[0]->StartCodes() == 2u);  // Organization
  CHECK(Fire(set, "[A|Organization] and [C|Organization] buys [B|Organization].") ==
        std::vector<std::vector<int>>{{0, 2}});
  CHECK(Fire(set, "[A|Person] and [C|Organization] buys [B|Organization], [D|Organization] buys [E|Organization].") ==
        std::vector<std::vector<int>>{{1, 2}, {3, 4}});
  CHECK(Fire(set, "[A|Organization]; [C|Organization] buys [B|Organization].") == std::vector<std::vector<int>>{{1, 2}});
  // A determiner may come first: the match may start before a marker.
  auto det = OneRule("rule t.buys\n  pattern {det}{Organization:a} buys {Organization:b}\n"
                     "  emit ACQUIRED a -> b\n  view full\n");
  CHECK(det.rules()[0]->StartCodes() == 0u);
  CHECK(Fire(det, "the [A|Organization] buys [B|Organization].") == std::vector<std::vector<int>>{{0, 1}});
}

TEST_CASE("required atoms are those outside alternations and repetitions that may be empty", "[ingest][twins]") {
  struct Case {
    const char* pattern;
    std::vector<std::string> atoms;
  };
  const Case cases[] = {
      {R"(ab?c)", {"a", "c"}},
      {R"(\x01[\x10]\d+\x02 (?:of )?x)", {R"(\x01)", R"([\x10])", R"(\d)", R"(\x02)", " ", "x"}},
      {R"((?P<a>x(?:, y)*)z{2,3}(?:u|v)w)", {"x", "z", "w"}},
      {R"(a(?:b(?:c)?)+?d)", {"a", "b", "d"}},
      {R"(a|b)", {}},
      {R"((?i)abc)", {}},  // inline flags: none
      {R"(a(b)", {}},       // unbalanced
      {R"(\Q(x\E[)]y)", {R"(\Q(x\E)", "[)]", "y"}},
  };
  for (const auto& c : cases) {
    INFO(c.pattern);
    std::vector<std::string> atoms;
    for (std::string_view a : RequiredAtoms(c.pattern)) atoms.emplace_back(a);
    CHECK(atoms == c.atoms);
  }
}

TEST_CASE("a rule needing two markers of a type fires where a sentence has them, once per match", "[ingest][rules]") {
  auto set = OneRule("rule t.buys\n  pattern {Organization:a} buys {Organization:b}\n"
                                "  emit ACQUIRED a -> b\n  view full\n");
  // Two markers of code bit 1 (Organization).
  CHECK(set.rules()[0]->marker_order == std::vector<unsigned>{2u, 2u});
  CHECK(Fire(set, "[A|Organization] buys [B|Organization].") == std::vector<std::vector<int>>{{0, 1}});
  CHECK(Fire(set, "[A|Organization] buys [B|Organization], [C|Organization] buys [D|Organization].") ==
        std::vector<std::vector<int>>{{0, 1}, {2, 3}});
  CHECK(Fire(set, "[A|Organization] buys [B|Person].").empty());
  CHECK(Fire(set, "[A|Organization] buys [B|Organization], then buys [C|Organization].") ==
        std::vector<std::vector<int>>{{0, 1}});
  // A text holding marker bytes of its own: the pattern decides, as it
  // would without the marker needs.
  CHECK(Fire(set, "[A|Organization] buys \x01\x11" "9\x02.") == std::vector<std::vector<int>>{{0, 9}});
}

TEST_CASE("a rule's required markers are needed in the order of its pattern", "[ingest][rules]") {
  auto set = OneRule("rule t.hires\n  pattern {Organization:a} hired {det}{Person:b}\n"
                                "  emit LEADS b -> a\n  view full\n");
  // An Organization (bit 1), then a Person (bit 0); {det}'s optional markers are not required.
  CHECK(set.rules()[0]->marker_order == std::vector<unsigned>{2u, 1u});
  CHECK(Fire(set, "[A|Organization] hired [B|Person].") == std::vector<std::vector<int>>{{0, 1}});
  CHECK(Fire(set, "[B|Person] hired [A|Organization].").empty());
  CHECK(Fire(set, "[B|Person] left and [A|Organization] hired [C|Person].") == std::vector<std::vector<int>>{{1, 2}});
}
