#include <catch2/catch.hpp>

#include "ingest/text.h"
#include "tests/ingest/corpus_pipeline.h"
#include "tests/ingest/scratch_corpus.h"

#include <utf8proc.h>

#include <cstdlib>

using namespace kg::ingest;

namespace {
const Lexicon& Lex() {
  static Lexicon lex = Lexicon::Load(KG_SOURCE_DIR "/corpus");
  return lex;
}
}  // namespace

TEST_CASE("text keeps the title, author and date a blog export states", "[ingest][text]") {
  TextCleaner c(Lex());
  std::string raw =
      "top of page\nRechercher\n\nUn titre court.\n\n  \xE2\x80\xA2 auteur42\n  \xE2\x80\xA2 21 janvier 2025\n  \xE2\x80\xA2 3 min de lecture\n\n" +
      std::string(250, 'a') + " fin.\n\nPosts r\xC3\xA9" "cents\n\nVoir tout\nbottom of page";
  auto doc = c.Clean(raw, Format::kText);
  CHECK(doc.title.value_or("") == "Un titre court.");
  CHECK(doc.author.value_or("") == "auteur42");
  CHECK(doc.published.value_or("") == "2025-01-21");
  CHECK(doc.text.find("top of page") == std::string::npos);
  CHECK(doc.text.find("Posts") == std::string::npos);
  CHECK(doc.text.find("Voir tout") == std::string::npos);
}

TEST_CASE("text unifies apostrophes, quotes and non-breaking spaces", "[ingest][text]") {
  CHECK(NormalizeTypography("l\xE2\x80\x99IA \xE2\x80\x9CStargate\xE2\x80\x9D 5\xC2\xA0" "000") == "l'IA \"Stargate\" 5 000");
  // NFC: e + combining acute becomes é.
  CHECK(NormalizeTypography("e\xCC\x81") == "\xC3\xA9");
}

TEST_CASE("text skips NFC only for text that NFC leaves unchanged", "[ingest][text]") {
  auto utf8 = [](int32_t cp) {
    utf8proc_uint8_t buf[4];
    auto n = utf8proc_encode_char(cp, buf);
    return std::string(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
  };
  auto nfc = [](const std::string& s) {
    utf8proc_uint8_t* out = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(s.c_str()));
    std::string r = out ? reinterpret_cast<char*>(out) : s;
    std::free(out);
    return r;
  };
  // Every character after a letter, a Hangul jamo and syllable, and vowel
  // signs that compose with a following one (Oriya, Tamil, Sinhala): the
  // typography of the text is that of its NFC form.
  const std::vector<std::string> before = {"e", "A", utf8(0x1100), utf8(0xAC00), utf8(0x0B47), utf8(0x0BC6),
                                           utf8(0x0DD9)};
  size_t checked = 0, failed = 0;
  for (int32_t cp = 1; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    for (const auto& b : before) {
      std::string s = b + utf8(cp) + "z";
      ++checked;
      if (NormalizeTypography(s) != NormalizeTypography(nfc(s))) {
        if (++failed <= 5) FAIL_CHECK("U+" << std::hex << cp << " after " << b);
      }
    }
  }
  CHECK(failed == 0);
  CHECK(checked > 7000000);
}

TEST_CASE("text strips HTML tags, decodes entities and keeps title and date meta", "[ingest][text]") {
  TextCleaner c(Lex());
  std::string html =
      "<html><head><title>Mon &amp; titre</title><meta property=\"article:published_time\" "
      "content=\"2025-03-04T10:00:00Z\"><script>var x = 1;</script></head><body><nav>Accueil</nav>"
      "<p>L&#8217;entreprise <b>OpenAI</b> a lev&eacute; des fonds.</p></body></html>";
  auto doc = c.Clean(html, GuessFormat("a.html", html));
  CHECK(doc.title.value_or("") == "Mon & titre");
  CHECK(doc.published.value_or("") == "2025-03-04");
  CHECK(doc.text.find("L'entreprise OpenAI a levé des fonds.") != std::string::npos);
  CHECK(doc.text.find("var x") == std::string::npos);
  CHECK(doc.text.find("<") == std::string::npos);
}

TEST_CASE("text decodes every named character reference of HTML 4", "[ingest][text]") {
  TextCleaner c(Lex());
  auto doc = c.Clean("<html><body><p>A &pound;21 million fund, 5&nbsp;&deg;C, &Oslash;rsted &amp; Co, "
                     "&unknown; &AElig;</p></body></html>",
                     Format::kHtml);
  CHECK(doc.text.find("A \xC2\xA3" "21 million fund") != std::string::npos);
  CHECK(doc.text.find("\xC2\xB0" "C") != std::string::npos);
  CHECK(doc.text.find("\xC3\x98rsted & Co") != std::string::npos);
  CHECK(doc.text.find("&unknown;") != std::string::npos);  // not a reference: kept as written
  CHECK(doc.text.find("\xC3\x86") != std::string::npos);
}

TEST_CASE("text removes Markdown markup and takes the heading as title", "[ingest][text]") {
  TextCleaner c(Lex());
  auto doc = c.Clean("# Le titre\n\nUn **mot** et un [lien](http://x) ici.\n", Format::kMarkdown);
  CHECK(doc.title.value_or("") == "Le titre");
  CHECK(doc.text.find("Un mot et un lien ici.") != std::string::npos);
}

namespace {
// A paragraph long enough to be an article body.
std::string Body(const std::string& opening) {
  return opening + " " + std::string(220, 'x') + " fin.";
}
}  // namespace

TEST_CASE("text drops lines that are mostly links and the links after a closing break", "[ingest][text]") {
  TextCleaner c(Lex());
  // Markdown: a label and links after "---"; a lone link line.
  std::string md = "# Orbital Labs raises money\n\n" + Body("Orbital Labs raised $200 million.") +
                   "\n\nThe company competes with Starcloud.\n\n---\n\n"
                   "*Read next: [Starcloud launches a GPU](https://e.com/a) \xC2\xB7 [Lux closes a fund](https://e.com/b)*\n\n"
                   "[Follow us](https://e.com/f)\n";
  auto doc = c.Clean(md, Format::kMarkdown);
  CHECK(doc.text.find("competes with Starcloud.") != std::string::npos);
  CHECK(doc.text.find("GPU") == std::string::npos);
  CHECK(doc.text.find("Follow") == std::string::npos);
  CHECK(doc.text.find("---") == std::string::npos);
  // A break inside the article, followed by text, cuts nothing; a link in a
  // sentence stays.
  std::string mid = "# Titre\n\n" + Body("Premier paragraphe.") + "\n\n***\n\nLa suite, selon [Reuters](https://e.com/r), est courte.\n";
  doc = c.Clean(mid, Format::kMarkdown);
  CHECK(doc.text.find("La suite, selon Reuters, est courte.") != std::string::npos);
  // HTML: a list of tag links with a label, without any class to go by.
  std::string html = "<html><body><p>" + Body("Nvidia invests in Intel.") +
                     "</p><div>Topics: <a href=\"/t/a\">Nvidia</a> <a href=\"/t/b\">Intel</a> <a href=\"/t/c\">Chips</a></div>"
                     "<p>Read the <a href=\"/r\">report</a> for more details on the deal.</p></body></html>";
  doc = c.Clean(html, Format::kHtml);
  CHECK(doc.text.find("Topics") == std::string::npos);
  CHECK(doc.text.find("Chips") == std::string::npos);
  CHECK(doc.text.find("Read the report for more details on the deal.") != std::string::npos);
  CHECK(doc.text.find("\xEE\x80") == std::string::npos);  // no link mark is left
}

TEST_CASE("text drops HTML elements whose class names boilerplate, and cookie and newsletter lines", "[ingest][text]") {
  TextCleaner c(Lex());
  std::string html =
      "<html><body><div class=\"consent-box\"><div>Ce site utilise des traceurs.</div><p>OK</p></div>"
      "<article class=\"post has-comments\"><p>" + Body("Mistral AI signe avec Helsing.") + "</p>"
      "<section class=\"newsletter_signup\"><h2>Le brief du matin</h2><p>Tout ce qui compte.</p></section>"
      "<p>Le montant n'a pas \xC3\xA9t\xC3\xA9 communiqu\xC3\xA9.</p></article></body></html>";
  auto doc = c.Clean(html, Format::kHtml);
  CHECK(doc.text.find("traceurs") == std::string::npos);
  CHECK(doc.text.find("brief") == std::string::npos);
  CHECK(doc.text.find("Mistral AI signe avec Helsing.") != std::string::npos);
  CHECK(doc.text.find("Le montant n'a pas") != std::string::npos);
  // A short article in a container whose class names sharing stays.
  std::string shared = "<html><body><div class=\"entry social-share-on\"><p>" + Body("Cohere a lev\xC3\xA9 des fonds.") +
                       "</p><p>" + Body("Le tour est men\xC3\xA9 par Radical Ventures.") + "</p></div></body></html>";
  doc = c.Clean(shared, Format::kHtml);
  CHECK(doc.text.find("Radical Ventures") != std::string::npos);
  std::string text = "Titre court\n" + Body("Cohere a lev\xC3\xA9 des fonds.") +
                     "\nWe use cookies to improve your experience.\nAccept all\n"
                     "Related: Cohere hires a CFO \xC2\xB7 Aleph Alpha pivots\n"
                     "\xC3\x80 lire aussi : Cohere recrute\nGet the Daily";
  doc = c.Clean(text, Format::kText);
  CHECK(doc.text.find("cookies") == std::string::npos);
  CHECK(doc.text.find("Accept") == std::string::npos);
  CHECK(doc.text.find("Aleph") == std::string::npos);
  CHECK(doc.text.find("recrute") == std::string::npos);
  CHECK(doc.text.find("Daily") == std::string::npos);
}

TEST_CASE("text refuses empty, binary and invalid UTF-8 input", "[ingest][text]") {
  TextCleaner c(Lex());
  CHECK_THROWS_AS(c.Clean("", Format::kText), IngestError);
  CHECK_THROWS_AS(c.Clean("  \n\n ", Format::kText), IngestError);
  CHECK_THROWS_AS(c.Clean(std::string("abc\0def", 7), Format::kText), IngestError);
  CHECK_THROWS_AS(c.Clean("caf\xE9", Format::kText), IngestError);
  CHECK_THROWS_AS(c.Clean(std::string(100, 'a'), Format::kText, 10), IngestError);
}

TEST_CASE("text takes the headline of a page title without the site name, once", "[ingest][text]") {
  TextCleaner c(Lex());
  std::string html =
      "<html><head><title>Nvidia et Bpifrance s'allient pour les start-up | TechActu</title></head><body>"
      "<h1>Nvidia et Bpifrance s'allient pour les start-up</h1><p>La banque publique Bpifrance et le groupe "
      "Nvidia ont annoncé mercredi, lors du salon VivaTech à Paris, un partenariat pour soutenir les jeunes "
      "pousses françaises de l'intelligence artificielle, avec des puces, des crédits de calcul et des fonds.</p>"
      "</body></html>";
  auto doc = c.Clean(html, GuessFormat("a.html", html));
  CHECK(doc.title.value_or("") == "Nvidia et Bpifrance s'allient pour les start-up");
  CHECK(doc.text.find("TechActu") == std::string::npos);
  auto first = doc.text.find("s'allient");
  CHECK(first != std::string::npos);
  CHECK(doc.text.find("s'allient", first + 1) == std::string::npos);
  auto dash = c.Clean("<title>OpenAI signs a deal with AMD - The Register</title><p>x</p>", Format::kHtml);
  CHECK(dash.title.value_or("") == "OpenAI signs a deal with AMD");
}

TEST_CASE("the words that open an author line come from the lexicon files", "[ingest][text]") {
  kg::ingest::testing::ScratchCorpus corpus("kg_text_byline");
  const std::string raw = "Un titre court.\nSigné Marie Dupont\n" + std::string(250, 'a') + " fin.";
  auto author = [&] {
    Lexicon lex = Lexicon::Load(corpus.path());
    return TextCleaner(lex).Clean(raw, Format::kText).author.value_or("");
  };
  CHECK(author().empty());
  corpus.Append("byline_openers.txt", "sign\xC3\xA9");
  CHECK(author() == "Marie Dupont");
  std::filesystem::remove(corpus.path() + "/lexicon/byline_openers.txt");
  CHECK_THROWS_WITH(Lexicon::Load(corpus.path()), Catch::Contains("byline_openers.txt: missing"));
}

// DetectLanguage folds a word with accents as Tokenize does: "été" counts.
TEST_CASE("the language is told by function words, accented ones folded", "[ingest][text]") {
  const Pipeline& p = kg::ingest::testing::CorpusPipeline();
  CHECK(p.DetectLanguage("Le projet a été lancé, et il a été financé par la région.") == "fr");
  CHECK(p.DetectLanguage("The project was launched and it was funded by the region.") == "en");
  CHECK(p.DetectLanguage("Été, ÉTÉ, été: the") == "fr");
  CHECK(p.DetectLanguage("Développement développement développement: the") == "en");
}

// Only the words of the first 8,000 bytes count; given the words of the
// whole text, a word that crosses the bound counts for its part before it
// ("the" of "theory" is a function word).
TEST_CASE("the language is told by the words of the first 8,000 bytes", "[ingest][text]") {
  const Pipeline& p = kg::ingest::testing::CorpusPipeline();
  // One French and one English word, then `at_bound` from byte 7,997, then
  // French words after the bound.
  auto text_with = [](std::string_view at_bound) {
    std::string text(7989, 'x');
    text += " le the ";
    text += at_bound;
    text += " le la le la le la";
    return text;
  };
  for (std::string_view at_bound : {"theory", "the the", "The", "Theo", "x"}) {
    const std::string text = text_with(at_bound);
    CAPTURE(at_bound);
    CHECK(p.DetectLanguage(text, Tokenize(text)) == p.DetectLanguage(text));
  }
  CHECK(p.DetectLanguage(text_with("theory")) == "en");
  CHECK(p.DetectLanguage(text_with("theory"), Tokenize(text_with("theory"))) == "en");
  CHECK(p.DetectLanguage(text_with("x")) == "fr");  // one each: French
}

// Clean takes a line that has no two spaces in a row (HasSpacePair, eight
// bytes at a time) as it is: a run of spaces anywhere, also across those
// eight-byte steps, still becomes one space.
TEST_CASE("text collapses every run of spaces in a line to one", "[ingest][text]") {
  TextCleaner c(Lex());
  std::string words;
  for (int k = 0; k < 60; ++k) words += (k ? " w" : "w") + std::to_string(k % 7) + "x";
  REQUIRE(words.size() >= 200);
  CHECK(c.Clean(words, Format::kText).text == words);
  for (size_t at = 0; at < 40; ++at) {
    if (words[at] != ' ') continue;
    for (const std::string& run : {std::string("  "), std::string("   "), std::string("\t "), std::string(9, ' ')}) {
      std::string spaced = words.substr(0, at) + run + words.substr(at + 1);
      CAPTURE(spaced);
      CHECK(c.Clean(spaced, Format::kText).text == words);
    }
  }
  CHECK(c.Clean("  " + words + " ", Format::kText).text == words);
}
