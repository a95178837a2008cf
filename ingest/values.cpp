// Values: each pattern runs over the sentence; earlier patterns win on
// overlaps (money before dates before bare numbers).
#include "ingest/values.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "ingest/lexicon.h"
#include "ingest/text.h"

namespace kg::ingest {

namespace {

constexpr const char* kMult =
    R"((milliards?|millions?|billions?|trillions?|milliers?|mille|thousand|mds?|bn|mn|mio|tn|m|b|k)?)";
constexpr const char* kCurrencyWord =
    R"((dollars?(?: américains| us| australiens| canadiens)?|euros?|yuans?|yens?|livres? sterling|livres?|pounds?(?: sterling)?|francs? suisses|usd|eur|gbp|cny|jpy|chf|\$|€|£|¥))";

struct Month {
  const char* name;
  int number;
};
constexpr Month kMonths[] = {
    {"janvier", 1}, {"janv", 1}, {"jan", 1}, {"january", 1}, {"fevrier", 2}, {"fevr", 2},
    {"fev", 2}, {"feb", 2}, {"february", 2}, {"mars", 3}, {"mar", 3}, {"march", 3},
    {"avril", 4}, {"avr", 4}, {"apr", 4}, {"april", 4}, {"mai", 5}, {"may", 5}, {"juin", 6},
    {"jun", 6}, {"june", 6}, {"juillet", 7}, {"juil", 7}, {"jul", 7}, {"july", 7},
    {"aout", 8}, {"aug", 8}, {"august", 8}, {"septembre", 9}, {"sept", 9}, {"sep", 9},
    {"september", 9}, {"octobre", 10}, {"oct", 10}, {"october", 10}, {"novembre", 11},
    {"nov", 11}, {"november", 11}, {"decembre", 12}, {"dec", 12}, {"december", 12},
};

constexpr const char* kMonthAlt =
    R"((janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|janv\.?|févr\.?|fevr\.?|fév\.?|avr\.?|juil\.?|sept\.?|oct\.?|nov\.?|déc\.?|January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sep\.?|Sept\.?|Oct\.?|Nov\.?|Dec\.?))";

int MonthNumber(std::string_view word) {
  std::string f = Fold(word);
  while (!f.empty() && f.back() == '.') f.pop_back();
  for (const auto& m : kMonths)
    if (f == m.name) return m.number;
  return 0;
}

std::string Iso(int y, int m, int d) {
  if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

// Cheap tests that tell, before a value pattern runs over a sentence, that
// it cannot match there: each is a necessary condition of its pattern, read
// off the pattern (RE2's \s is [\t\n\f\r ], \d is [0-9], \w and \b are
// ASCII). Under (?i) RE2 folds only two non-ASCII characters onto ASCII
// letters, U+017F onto 's' and U+212A onto 'k': a sentence holding either
// skips these tests.
bool IsReSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return static_cast<unsigned char>((c | 0x20) - 'a') < 26; }
bool IsWordChar(char c) { return IsDigit(c) || IsAsciiLetter(c) || c == '_'; }
char LowerByte(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `lower` (lower-case ASCII, or bytes matched exactly) stands at `at` of `s`,
// ASCII letters compared without case.
bool HasAt(std::string_view s, size_t at, std::string_view lower) {
  if (at + lower.size() > s.size()) return false;
  for (size_t k = 0; k < lower.size(); ++k)
    if (LowerByte(s[at + k]) != lower[k]) return false;
  return true;
}

// An alternative of kCurrencyWord may start at `at`: each begins with one of
// these.
bool CurrencyAt(std::string_view s, size_t at) {
  switch (LowerByte(s[at])) {
    case 'd': return HasAt(s, at, "dollar");
    case 'e': return HasAt(s, at, "eur");
    case 'y': return HasAt(s, at, "yuan") || HasAt(s, at, "yen");
    case 'l': return HasAt(s, at, "livre");
    case 'p': return HasAt(s, at, "pound");
    case 'f': return HasAt(s, at, "franc");
    case 'u': return HasAt(s, at, "usd");
    case 'g': return HasAt(s, at, "gbp");
    case 'c': return HasAt(s, at, "cny") || HasAt(s, at, "chf");
    case 'j': return HasAt(s, at, "jpy");
    case '$': return true;
    case '\xE2': return HasAt(s, at, "\xE2\x82\xAC");                               // €
    case '\xC2': return HasAt(s, at, "\xC2\xA3") || HasAt(s, at, "\xC2\xA5");  // £ ¥
    default: return false;
  }
}

// money_suffix_ can end its amount part right before `at`: "NUM\s*MULT?\s*(?:de |d')?"
// where NUM ends in a digit and MULT is one word of at most 9 letters.
bool AmountBefore(std::string_view s, size_t at) {
  auto amount_ends_at = [&](size_t q) {
    size_t r = q;
    while (r > 0 && IsReSpace(s[r - 1])) --r;
    size_t l = r;
    while (l > 0 && IsAsciiLetter(s[l - 1])) --l;
    if (r - l > 9) return false;
    if (l < r)
      while (l > 0 && IsReSpace(s[l - 1])) --l;
    return l > 0 && IsDigit(s[l - 1]);
  };
  return amount_ends_at(at) || (at >= 3 && HasAt(s, at - 3, "de ") && amount_ends_at(at - 3)) ||
         (at >= 2 && HasAt(s, at - 2, "d'") && amount_ends_at(at - 2));
}

// A word of kMonthAlt may start at `at` (each alternative begins with one of
// these; É and Û are the capitals of é and û).
bool MonthAt(std::string_view s, size_t at) {
  auto accented = [&](std::string_view lead, char small, char capital, char last) {
    size_t k = at + lead.size();
    return HasAt(s, at, lead) && k + 2 < s.size() && s[k] == '\xC3' && (s[k + 1] == small || s[k + 1] == capital) &&
           LowerByte(s[k + 2]) == last;
  };
  switch (LowerByte(s[at])) {
    case 'j': return HasAt(s, at, "jan") || HasAt(s, at, "jui") || HasAt(s, at, "jun") || HasAt(s, at, "jul");
    case 'f': return HasAt(s, at, "fev") || HasAt(s, at, "feb") || accented("f", '\xA9', '\x89', 'v');
    case 'm': return HasAt(s, at, "mar") || HasAt(s, at, "mai") || HasAt(s, at, "may");
    case 'a':
      return HasAt(s, at, "avr") || HasAt(s, at, "apr") || HasAt(s, at, "aou") || HasAt(s, at, "aug") ||
             (HasAt(s, at, "ao") && at + 3 < s.size() && s[at + 2] == '\xC3' &&
              (s[at + 3] == '\xBB' || s[at + 3] == '\x9B'));
    case 's': return HasAt(s, at, "sep");
    case 'o': return HasAt(s, at, "oct");
    case 'n': return HasAt(s, at, "nov");
    case 'd': return HasAt(s, at, "dec") || accented("d", '\xA9', '\x89', 'c');
    default: return false;
  }
}

// What the patterns of ValueFinder::Find need, from one pass over the sentence.
struct Needs {
  bool digit = false;
  bool illi = false;               // "illi" of milliard, million, billion, trillion
  bool currency = false;           // the start of a currency word or sign
  bool currency_after_amount = false;  // ... right after an amount (money_suffix_)
  bool sign_before_digit = false;  // $ € £ ¥, at most one space, a digit (money_prefix_)
  bool digit_then_space = false;   // number_
  bool month = false;              // a month name at a word start
  bool year = false;               // \s then exactly four digits then no word character
  bool iso = false;                // dddd-dd-dd
};

Needs ScanNeeds(std::string_view s) {
  Needs n;
  if (s.find("\xC5\xBF") != std::string_view::npos || s.find("\xE2\x84\xAA") != std::string_view::npos) {
    n.digit = s.find_first_of("0123456789") != std::string_view::npos;
    n.illi = n.currency = n.currency_after_amount = n.sign_before_digit = n.digit_then_space = n.month = n.year =
        n.iso = true;
    return n;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c)) {
      n.digit = true;
      if (i + 1 < s.size() && IsReSpace(s[i + 1])) n.digit_then_space = true;
      if ((i == 0 || !IsDigit(s[i - 1])) && i + 4 <= s.size() && IsDigit(s[i + 1]) && IsDigit(s[i + 2]) &&
          IsDigit(s[i + 3])) {
        if (i > 0 && IsReSpace(s[i - 1]) && (i + 4 == s.size() || !IsWordChar(s[i + 4]))) n.year = true;
        if (i + 10 <= s.size() && s[i + 4] == '-' && IsDigit(s[i + 5]) && IsDigit(s[i + 6]) && s[i + 7] == '-' &&
            IsDigit(s[i + 8]) && IsDigit(s[i + 9]))
          n.iso = true;
      }
      continue;
    }
    if (LowerByte(c) == 'i' && HasAt(s, i, "illi")) n.illi = true;
    if (CurrencyAt(s, i)) {
      n.currency = true;
      if (!n.currency_after_amount && AmountBefore(s, i)) n.currency_after_amount = true;
      if (!IsAsciiLetter(c)) {  // a sign
        size_t k = i + (c == '$' ? 1 : c == '\xE2' ? 3 : 2);
        if (k < s.size() && IsReSpace(s[k])) ++k;
        if (k < s.size() && IsDigit(s[k])) n.sign_before_digit = true;
      }
    }
    if (!n.month && (i == 0 || !IsWordChar(s[i - 1])) && MonthAt(s, i)) n.month = true;
  }
  return n;
}

RE2::Options Opts() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  o.set_case_sensitive(false);
  return o;
}

}  // namespace

double ParseNumber(std::string_view s, const std::string& lang) {
  std::string digits;
  size_t n_sep = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == ' ') {
      continue;  // "2 000"
    } else if (c == ',' || c == '.') {
      // A separator followed by exactly three digits and then no digit is a
      // thousands separator in English ("1,500"), and "." in French ("1.500").
      size_t k = i + 1;
      while (k < s.size() && s[k] >= '0' && s[k] <= '9') ++k;
      bool three = k - i - 1 == 3;
      bool decimal = (lang == "fr") ? (c == ',') : (c == '.');
      if (!decimal && three) continue;
      digits += '.';
      ++n_sep;
    }
  }
  if (digits.empty() || n_sep > 1) return std::numeric_limits<double>::quiet_NaN();
  return std::strtod(digits.c_str(), nullptr);
}

double Multiplier(std::string_view word, const std::string& lang) {
  std::string w = Fold(word);
  if (w.empty()) return 1;
  if (w.rfind("milliard", 0) == 0 || w == "md" || w == "mds" || w == "bn" || w == "b") return 1e9;
  if (w.rfind("billion", 0) == 0) return lang == "fr" ? 1e12 : 1e9;
  if (w.rfind("trillion", 0) == 0 || w == "tn") return 1e12;
  if (w.rfind("million", 0) == 0 || w == "mn" || w == "mio" || w == "m") return 1e6;
  if (w.rfind("millier", 0) == 0 || w == "mille" || w == "thousand" || w == "k") return 1e3;
  return 1;
}

std::string CurrencyCode(std::string_view word) {
  std::string w = Fold(word);
  if (word == "$" || word == "US$" || w.rfind("dollar", 0) == 0 || w == "usd") return "USD";
  if (word == "€" || w.rfind("euro", 0) == 0 || w == "eur") return "EUR";
  if (word == "£" || w.rfind("livre", 0) == 0 || w.rfind("pound", 0) == 0 || w == "gbp") return "GBP";
  if (word == "¥" || w.rfind("yen", 0) == 0 || w == "jpy") return "JPY";
  if (w.rfind("yuan", 0) == 0 || w == "cny") return "CNY";
  if (w.rfind("franc", 0) == 0 || w == "chf") return "CHF";
  return "";
}

std::string ParseDate(std::string_view text) {
  static const RE2 dmy(std::string(R"((?i)\b(1er|\d{1,2})\s+)") + kMonthAlt + R"(\s+(\d{4})\b)", Opts());
  static const RE2 mdy(std::string(R"((?i)\b)") + kMonthAlt + R"(\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b)", Opts());
  static const RE2 iso(R"((\d{4})-(\d{2})-(\d{2}))", Opts());
  std::string a, b, c;
  if (RE2::PartialMatch(text, dmy, &a, &b, &c))
    return Iso(std::stoi(c), MonthNumber(b), a == "1er" ? 1 : std::stoi(a));
  if (RE2::PartialMatch(text, mdy, &a, &b, &c)) return Iso(std::stoi(c), MonthNumber(a), std::stoi(b));
  if (RE2::PartialMatch(text, iso, &a, &b, &c)) return Iso(std::stoi(a), std::stoi(b), std::stoi(c));
  return "";
}

ValueFinder::ValueFinder() {
  const std::string num = R"((\d{1,3}(?: \d{3})+(?:,\d+)?|\d+(?:[.,]\d+)*))";
  money_suffix_ = std::make_unique<RE2>(
      "(?i)(?:^|[^\\w.,])" + num + R"(\s*)" + kMult + R"(\s*(?:de |d')?)" + kCurrencyWord +
          R"((?:\W|$))",
      Opts());
  // "un milliard de dollars", "one billion dollars", "a billion dollars".
  money_word_ = std::make_unique<RE2>(
      R"((?i)(?:^|[^\w])(un|one|a)\s+(milliards?|millions?|billions?|trillions?)\s*(?:de |d')?)" +
          std::string(kCurrencyWord) + R"((?:\W|$))",
      Opts());
  money_prefix_ = std::make_unique<RE2>(
      R"((?i)(?:^|[^\w])(US\$|\$|€|£|¥)\s?(\d+(?:[.,]\d+)*)(?:\s*|-)(billions?|millions?|trillions?|bn|mn|tn|m|b|k)?(?:\W|$))",
      Opts());
  bare_amount_ = std::make_unique<RE2>(
      "(?i)(?:^|[^\\w.,])" + num + R"(\s+(milliards?|millions?|billions?|trillions?)\b)", Opts());
  date_dmy_ = std::make_unique<RE2>(std::string(R"((?i)\b(?:le\s+)?(1er|\d{1,2})\s+)") + kMonthAlt +
                                        R"(\s+(\d{4})\b)",
                                    Opts());
  date_mdy_ = std::make_unique<RE2>(std::string(R"((?i)\b)") + kMonthAlt +
                                        R"(\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b)",
                                    Opts());
  date_iso_ = std::make_unique<RE2>(R"(\b(\d{4})-(\d{2})-(\d{2})\b)", Opts());
  number_ = std::make_unique<RE2>(R"((?:^|[^\w.,])(\d{1,3}(?:[ ,]\d{3})+|\d+(?:[.,]\d+)?)\s+\p{Ll})", Opts());
  duration_ = std::make_unique<RE2>(
      R"((?i)^[^.;:]{0,40}?\b((?:sur|pendant|en|over|for|across)\s+(?:\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:ans|années|mois|years?|months?)))",
      Opts());
}

ValueFinder::~ValueFinder() = default;

std::vector<Mention> ValueFinder::Find(std::string_view text, const Sentence& s,
                                       const std::string& lang, ValueContext& ctx) const {
  std::string_view sent = text.substr(s.begin, s.end - s.begin);
  std::vector<Mention> found;
  // Every value pattern needs an ASCII digit (RE2's \d; "1er" too), and the
  // durations are looked for only after an amount.
  // ("un milliard de dollars" has none: such sentences are still read for
  // money written in words.)
  const bool digits = sent.find_first_of("0123456789") != std::string_view::npos;
  if (!digits && sent.find("illi") == std::string_view::npos) return found;
  const Needs need = ScanNeeds(sent);
  auto overlaps = [&](size_t b, size_t e) {
    for (const auto& m : found)
      if (b < m.end && m.begin < e) return true;
    return false;
  };
  auto add = [&](Mention m) {
    if (overlaps(m.begin, m.end)) return false;
    m.surface = std::string(text.substr(m.begin, m.end - m.begin));
    m.canonical = m.surface;
    m.source = MentionSource::kValue;
    m.outer_begin = m.begin;
    found.push_back(std::move(m));
    return true;
  };
  auto off = [&](std::string_view piece) { return static_cast<size_t>(piece.data() - text.data()); };

  // Money with the currency after the number, also written with a word for
  // one ("un milliard de dollars": the word pattern has no digit and always a
  // multiplier).
  for (const RE2* money : {money_suffix_.get(), money_word_.get()}) {
    if (money == money_suffix_.get() ? !need.currency_after_amount : !(need.currency && need.illi)) continue;
    std::string_view in = sent;
    re2::StringPiece g[3];
    while (RE2::PartialMatch(in, *money, &g[0], &g[1], &g[2])) {
      double number = money == money_word_.get() ? 1.0 : ParseNumber(g[0], lang);
      double v = number * Multiplier(g[1], lang);
      Mention m;
      m.type = "Money";
      m.begin = off(g[0]);
      m.end = off(g[2]) + g[2].size();
      m.amount = v;
      m.currency = CurrencyCode(g[2]);
      if (!std::isnan(v) && !m.currency.empty() && add(m)) ctx.last_currency = m.currency;
      size_t adv = off(g[2]) + g[2].size() - off(in);
      in.remove_prefix(std::max<size_t>(adv, 1));
    }
  }
  if (!digits) return found;
  // Money with the currency sign first: "$13bn", "€2 billion".
  if (need.sign_before_digit) {
    std::string_view in = sent;
    re2::StringPiece g[3];
    while (RE2::PartialMatch(in, *money_prefix_, &g[0], &g[1], &g[2])) {
      double v = ParseNumber(g[1], lang) * Multiplier(g[2], lang == "fr" && g[2].size() > 3 ? "fr" : "en");
      Mention m;
      m.type = "Money";
      m.begin = off(g[0]);
      m.end = g[2].empty() ? off(g[1]) + g[1].size() : off(g[2]) + g[2].size();
      m.amount = v;
      m.currency = CurrencyCode(g[0]);
      if (!std::isnan(v) && add(m)) ctx.last_currency = m.currency;
      size_t adv = m.end - off(in);
      in.remove_prefix(std::max<size_t>(adv, 1));
    }
  }
  // "100 milliards" without a currency: the currency of the context.
  if (need.illi) {
    std::string_view in = sent;
    re2::StringPiece g[2];
    while (RE2::PartialMatch(in, *bare_amount_, &g[0], &g[1])) {
      double v = ParseNumber(g[0], lang) * Multiplier(g[1], lang);
      Mention m;
      m.begin = off(g[0]);
      m.end = off(g[1]) + g[1].size();
      m.amount = v;
      // "1 200 milliards de paramètres", "2 billion of its users": a count
      // of something else, not money (a currency would have been read above).
      std::string_view after = text.substr(m.end, std::min<size_t>(s.end - m.end, 8));
      bool counted = false;
      for (std::string_view lead : {" de ", " d'", " of "})
        if (after.rfind(lead, 0) == 0) counted = true;
      if (!ctx.last_currency.empty() && !counted) {
        m.type = "Money";
        m.currency = ctx.last_currency;
        m.currency_inferred = true;
      } else {
        m.type = "Number";
      }
      if (!std::isnan(v)) add(m);
      in.remove_prefix(std::max<size_t>(m.end - off(in), 1));
    }
  }
  // Dates.
  {
    std::string_view in = sent;
    re2::StringPiece g[3];
    while (need.year && need.month && RE2::PartialMatch(in, *date_dmy_, &g[0], &g[1], &g[2])) {
      Mention m;
      m.type = "Date";
      m.begin = off(g[0]);
      m.end = off(g[2]) + g[2].size();
      m.iso_date = Iso(std::stoi(std::string(g[2])), MonthNumber(g[1]),
                       g[0] == "1er" ? 1 : std::stoi(std::string(g[0])));
      if (!m.iso_date.empty()) add(m);
      in.remove_prefix(m.end - off(in));
    }
    in = sent;
    while (need.year && need.month && RE2::PartialMatch(in, *date_mdy_, &g[0], &g[1], &g[2])) {
      Mention m;
      m.type = "Date";
      m.begin = off(g[0]);
      m.end = off(g[2]) + g[2].size();
      m.iso_date = Iso(std::stoi(std::string(g[2])), MonthNumber(g[0]), std::stoi(std::string(g[1])));
      if (!m.iso_date.empty()) add(m);
      in.remove_prefix(m.end - off(in));
    }
    in = sent;
    while (need.iso && RE2::PartialMatch(in, *date_iso_, &g[0], &g[1], &g[2])) {
      Mention m;
      m.type = "Date";
      m.begin = off(g[0]);
      m.end = off(g[2]) + g[2].size();
      m.iso_date = Iso(std::stoi(std::string(g[0])), std::stoi(std::string(g[1])),
                       std::stoi(std::string(g[2])));
      if (!m.iso_date.empty()) add(m);
      in.remove_prefix(m.end - off(in));
    }
  }
  // Counts: a number followed by a word ("2 000 puces"), years excluded.
  if (need.digit_then_space) {
    std::string_view in = sent;
    re2::StringPiece g;
    while (RE2::PartialMatch(in, *number_, &g)) {
      Mention m;
      m.type = "Number";
      m.begin = off(g);
      m.end = off(g) + g.size();
      m.amount = ParseNumber(g, lang);
      bool year = g.size() == 4 && m.amount >= 1900 && m.amount <= 2100;
      // A percentage or a unit glued to the number is not a count.
      if (!year && !std::isnan(m.amount)) add(m);
      in.remove_prefix(std::max<size_t>(m.end - off(in), 1));
    }
  }
  // Durations after an amount: "500 milliards de dollars ... sur quatre ans".
  for (auto& m : found) {
    if (m.type != "Money") continue;
    std::string_view after = text.substr(m.end, s.end - m.end);
    re2::StringPiece d;
    if (RE2::PartialMatch(after, *duration_, &d)) m.period = std::string(d);
  }
  std::sort(found.begin(), found.end(), [](const Mention& a, const Mention& b) { return a.begin < b.begin; });
  return found;
}

}  // namespace kg::ingest
