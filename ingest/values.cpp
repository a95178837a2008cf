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

// The alternatives of kMult, lower case.
constexpr std::string_view kMultWords[] = {"milliards", "milliard", "millions", "million", "billions", "billion",
                                           "trillions", "trillion", "milliers", "millier", "mille", "thousand",
                                           "mds", "md", "bn", "mn", "mio", "tn", "m", "b", "k"};

// The digit runs of a sentence, and from them whether each pattern can match
// in the sentence from byte `from` on (the text left after earlier matches).
// Every number of the patterns is a digit run, or the end of one: checking
// what must stand around the runs is a necessary condition of each pattern.
class ValueScan {
 public:
  ValueScan(std::string_view s, const MonthNames& months) : s_(s), months_(months) {
    // RE2 folds U+017F onto 's' and U+212A onto 'k' under (?i).
    all_ = s.find("\xC5\xBF") != std::string_view::npos || s.find("\xE2\x84\xAA") != std::string_view::npos;
    for (size_t i = 0; i < s.size() && !all_; ++i) {
      if (!IsDigit(s[i])) {
        if (illi_ == std::string_view::npos && (s[i] | 0x20) == 'i' && HasAt(s, i, "illi")) illi_ = i;
        continue;
      }
      size_t e = i + 1;
      while (e < s.size() && IsDigit(s[e])) ++e;
      if (n_runs_ == kMaxRuns) {
        all_ = true;
        break;
      }
      runs_[n_runs_++] = {i, e};
      i = e - 1;  // s[e] is read next
    }
  }

  // money_suffix_: "NUM\s*MULT?\s*(?:de |d')?CURRENCY".
  bool SuffixMoney(size_t from) const {
    if (all_) return true;
    for (size_t r = First(from); r < n_runs_; ++r) {
      size_t a = SkipSpace(runs_[r].end);
      if (CurrencyAround(a)) return true;
      if (a >= s_.size()) continue;
      const char first = LowerByte(s_[a]);  // every multiplier starts with m, b, t or k
      if (first != 'm' && first != 'b' && first != 't' && first != 'k') continue;
      for (std::string_view w : kMultWords)
        if (w[0] == first && HasAt(s_, a, w) && CurrencyAround(SkipSpace(a + w.size()))) return true;
    }
    return false;
  }
  // money_word_: "(un|one|a)\s+(milliards?|millions?|billions?|trillions?)\s*(?:de |d')?CURRENCY".
  bool WordMoney(size_t from) const {
    if (all_) return true;
    // "un", "one" or "a", spaces, then a multiplier word.
    bool word = false;
    for (size_t k = std::max(from, illi_); k < s_.size() && !word; ++k) {
      if ((s_[k] | 0x20) != 'i' || !HasAt(s_, k, "illi")) continue;
      // "illi" stands one byte into milliard, million and billion, two into trillion.
      size_t i = k >= from + 1 && (HasAt(s_, k - 1, "milliard") || HasAt(s_, k - 1, "million") ||
                                   HasAt(s_, k - 1, "billion"))
                     ? k - 1
                 : k >= from + 2 && HasAt(s_, k - 2, "trillion") ? k - 2
                                                                 : s_.size();
      if (i == s_.size()) continue;
      size_t r = i;
      while (r > from && IsReSpace(s_[r - 1])) --r;
      word = r < i && ((r >= from + 2 && HasAt(s_, r - 2, "un")) || (r >= from + 3 && HasAt(s_, r - 3, "one")) ||
                       (r >= from + 1 && LowerByte(s_[r - 1]) == 'a'));
    }
    if (!word) return false;
    for (size_t i = from; i < s_.size(); ++i)
      if (CurrencyAt(s_, i)) return true;
    return false;
  }
  // money_prefix_: "(US\$|\$|€|£|¥)\s?\d".
  bool PrefixMoney(size_t from) const {
    if (all_) return true;
    for (size_t r = First(from); r < n_runs_; ++r) {
      size_t b = Begin(r, from);
      if (SignEndsAt(b, from) || (b > from && IsReSpace(s_[b - 1]) && SignEndsAt(b - 1, from))) return true;
    }
    return false;
  }
  // bare_amount_: "NUM\s+(milliards?|millions?|billions?|trillions?)".
  bool BareAmount(size_t from) const {
    if (all_) return true;
    for (size_t r = First(from); r < n_runs_; ++r) {
      size_t e = runs_[r].end, a = SkipSpace(e);
      if (a > e && (HasAt(s_, a, "milliard") || HasAt(s_, a, "million") || HasAt(s_, a, "billion") ||
                    HasAt(s_, a, "trillion")))
        return true;
    }
    return false;
  }
  // date_dmy_ and date_mdy_: a month name at a word start, and "\s(\d{4})\b".
  bool WordDate(size_t from, bool day_first) const {
    if (all_) return true;
    bool year = false;
    for (size_t r = First(from); r < n_runs_ && !year; ++r) {
      size_t b = Begin(r, from), e = runs_[r].end;
      year = e - b == 4 && b > from && IsReSpace(s_[b - 1]) && (e == s_.size() || !IsWordChar(s_[e]));
    }
    if (!year) return false;
    for (size_t i = from; i < s_.size(); ++i) {
      if (!((i == from || !IsWordChar(s_[i - 1])) && months_.At(s_, i))) continue;
      // The month word runs to the end of its letters (and an optional
      // period); spaces and a digit follow it.
      size_t e = i;
      while (e < s_.size() && (IsAsciiLetter(s_[e]) || static_cast<unsigned char>(s_[e]) >= 0x80)) ++e;
      if (e < s_.size() && s_[e] == '.') ++e;
      size_t a = SkipSpace(e);
      if (a == e || a >= s_.size() || !IsDigit(s_[a])) continue;
      if (!day_first) return true;
      // date_dmy_: "(1er|\d{1,2})\s+" before it.
      size_t r = i;
      while (r > from && IsReSpace(s_[r - 1])) --r;
      if (r < i && ((r > from && IsDigit(s_[r - 1])) || (r >= from + 2 && HasAt(s_, r - 2, "er")))) return true;
    }
    return false;
  }
  // duration_ (on the text after an amount): a unit after spaces.
  bool Duration(std::string_view after) const {
    if (all_) return true;
    for (size_t i = 1; i < after.size(); ++i) {
      if (!IsReSpace(after[i - 1])) continue;
      if (HasAt(after, i, "ans") || HasAt(after, i, "ann\xC3") ||
          HasAt(after, i, "mois") || HasAt(after, i, "year") || HasAt(after, i, "month"))
        return true;
    }
    return false;
  }
  // date_iso_: "(\d{4})-(\d{2})-(\d{2})".
  bool IsoDate(size_t from) const {
    if (all_) return true;
    for (size_t r = First(from); r + 2 < n_runs_; ++r)
      if (runs_[r].end - Begin(r, from) >= 4 && runs_[r + 1].begin == runs_[r].end + 1 &&
          s_[runs_[r].end] == '-' && runs_[r + 1].end - runs_[r + 1].begin >= 2 &&
          runs_[r + 2].begin == runs_[r + 1].end + 1 && s_[runs_[r + 1].end] == '-' &&
          runs_[r + 2].end - runs_[r + 2].begin >= 2)
        return true;
    return false;
  }
  // number_: "\d\s+\p{Ll}" (under (?i) \p{Ll} takes every cased letter: an
  // ASCII letter or a character that is not ASCII).
  bool Count(size_t from) const {
    if (all_) return true;
    for (size_t r = First(from); r < n_runs_; ++r) {
      size_t e = runs_[r].end, a = SkipSpace(e);
      if (a > e && a < s_.size() && (IsAsciiLetter(s_[a]) || static_cast<unsigned char>(s_[a]) >= 0x80))
        return true;
    }
    return false;
  }

 private:
  static constexpr size_t kMaxRuns = 64;
  struct Run {
    size_t begin, end;
  };

  // The first run that ends after `from`; Begin() clips runs to start at `from`.
  size_t First(size_t from) const {
    size_t r = 0;
    while (r < n_runs_ && runs_[r].end <= from) ++r;
    return r;
  }
  size_t Begin(size_t r, size_t from) const { return std::max(runs_[r].begin, from); }
  size_t SkipSpace(size_t i) const {
    while (i < s_.size() && IsReSpace(s_[i])) ++i;
    return i;
  }
  // A currency word at `at`, or after "de " / "d'" there.
  bool CurrencyAround(size_t at) const {
    if (at >= s_.size()) return false;
    return CurrencyAt(s_, at) || (HasAt(s_, at, "de ") && at + 3 < s_.size() && CurrencyAt(s_, at + 3)) ||
           (HasAt(s_, at, "d'") && at + 2 < s_.size() && CurrencyAt(s_, at + 2));
  }
  // A currency sign ends right before `at`, within [from, at).
  bool SignEndsAt(size_t at, size_t from) const {
    auto sign = [&](std::string_view mark) {
      return at >= from + mark.size() && s_.compare(at - mark.size(), mark.size(), mark) == 0;
    };
    return sign("$") || sign("\xE2\x82\xAC") || sign("\xC2\xA3") || sign("\xC2\xA5");
  }

  std::string_view s_;
  const MonthNames& months_;
  bool all_ = false;  // every test answers true
  size_t illi_ = std::string_view::npos;  // the first "illi", in any case
  Run runs_[kMaxRuns];
  size_t n_runs_ = 0;
};

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

// The UTF-8 length of the character that starts with byte `c` (1 for a
// byte that starts none).
size_t CharLength(unsigned char c) { return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1; }

MonthNames::MonthNames(const Lexicon& lexicon) {
  std::string alt;
  for (const auto& [form, number] : lexicon.months) {
    // "janv.": the period is optional.
    bool abbreviation = !form.empty() && form.back() == '.';
    std::string word = abbreviation ? form.substr(0, form.size() - 1) : form;
    alt += (alt.empty() ? "" : "|") + RE2::QuoteMeta(word) + (abbreviation ? "\\.?" : "");
    std::string folded = Fold(word);
    folded_.emplace_back(folded, number);
    std::string start = folded.substr(0, 3);
    if (std::find(starts_.begin(), starts_.end(), start) == starts_.end()) starts_.push_back(start);
  }
  // No names: a group that matches nothing.
  pattern_ = "(" + (alt.empty() ? std::string("[^\\x00-\\x{10FFFF}]") : alt) + ")";
}

int MonthNames::Number(std::string_view word) const {
  std::string f = Fold(word);
  while (!f.empty() && f.back() == '.') f.pop_back();
  for (const auto& [name, number] : folded_)
    if (f == name) return number;
  return 0;
}

bool MonthNames::At(std::string_view s, size_t at) const {
  // Under (?i) a name matches its letters in either case, and Fold maps both
  // cases (and accents) together: the folded first three characters of the
  // text must start like a folded name.
  size_t end = at;
  bool ascii = true;
  for (int k = 0; k < 3 && end < s.size(); ++k) {
    auto c = static_cast<unsigned char>(s[end]);
    ascii = ascii && c < 0x80;
    end += CharLength(c);
  }
  end = std::min(end, s.size());
  char lower[3];
  std::string folded;
  std::string_view f;
  if (ascii) {  // Fold of ASCII letters is their lower case
    for (size_t k = at; k < end; ++k) lower[k - at] = LowerByte(s[k]);
    f = std::string_view(lower, end - at);
  } else {
    folded = Fold(s.substr(at, end - at));
    f = folded;
  }
  for (const auto& start : starts_)
    if (f.substr(0, start.size()) == start) return true;
  return false;
}

DateParser::DateParser(const Lexicon& lexicon) : months_(lexicon) {
  dmy_ = std::make_unique<RE2>(std::string(R"((?i)\b(1er|\d{1,2})\s+)") + months_.pattern() + R"(\s+(\d{4})\b)",
                               Opts());
  mdy_ = std::make_unique<RE2>(std::string(R"((?i)\b)") + months_.pattern() +
                                   R"(\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b)",
                               Opts());
  iso_ = std::make_unique<RE2>(R"((\d{4})-(\d{2})-(\d{2}))", Opts());
}

DateParser::~DateParser() = default;

std::string DateParser::Parse(std::string_view text) const {
  std::string a, b, c;
  if (RE2::PartialMatch(text, *dmy_, &a, &b, &c))
    return Iso(std::stoi(c), months_.Number(b), a == "1er" ? 1 : std::stoi(a));
  if (RE2::PartialMatch(text, *mdy_, &a, &b, &c)) return Iso(std::stoi(c), months_.Number(a), std::stoi(b));
  if (RE2::PartialMatch(text, *iso_, &a, &b, &c)) return Iso(std::stoi(a), std::stoi(b), std::stoi(c));
  return "";
}

ValueFinder::ValueFinder(const Lexicon& lexicon) : months_(lexicon) {
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
  date_dmy_ = std::make_unique<RE2>(std::string(R"((?i)\b(?:le\s+)?(1er|\d{1,2})\s+)") + months_.pattern() +
                                        R"(\s+(\d{4})\b)",
                                    Opts());
  date_mdy_ = std::make_unique<RE2>(std::string(R"((?i)\b)") + months_.pattern() +
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
  const bool digits = std::any_of(sent.begin(), sent.end(), IsDigit);
  if (!digits && sent.find("illi") == std::string_view::npos) return found;
  const ValueScan scan(sent, months_);
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
  auto from = [&](std::string_view in) { return static_cast<size_t>(in.data() - sent.data()); };

  // Money with the currency after the number, also written with a word for
  // one ("un milliard de dollars": the word pattern has no digit and always a
  // multiplier).
  for (const RE2* money : {money_suffix_.get(), money_word_.get()}) {
    std::string_view in = sent;
    re2::StringPiece g[3];
    while ((money == money_suffix_.get() ? scan.SuffixMoney(from(in)) : scan.WordMoney(from(in))) &&
           RE2::PartialMatch(in, *money, &g[0], &g[1], &g[2])) {
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
  {
    std::string_view in = sent;
    re2::StringPiece g[3];
    while (scan.PrefixMoney(from(in)) && RE2::PartialMatch(in, *money_prefix_, &g[0], &g[1], &g[2])) {
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
  {
    std::string_view in = sent;
    re2::StringPiece g[2];
    while (scan.BareAmount(from(in)) && RE2::PartialMatch(in, *bare_amount_, &g[0], &g[1])) {
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
    while (scan.WordDate(from(in), true) && RE2::PartialMatch(in, *date_dmy_, &g[0], &g[1], &g[2])) {
      Mention m;
      m.type = "Date";
      m.begin = off(g[0]);
      m.end = off(g[2]) + g[2].size();
      m.iso_date = Iso(std::stoi(std::string(g[2])), months_.Number(g[1]),
                       g[0] == "1er" ? 1 : std::stoi(std::string(g[0])));
      if (!m.iso_date.empty()) add(m);
      in.remove_prefix(m.end - off(in));
    }
    in = sent;
    while (scan.WordDate(from(in), false) && RE2::PartialMatch(in, *date_mdy_, &g[0], &g[1], &g[2])) {
      Mention m;
      m.type = "Date";
      m.begin = off(g[0]);
      m.end = off(g[2]) + g[2].size();
      m.iso_date = Iso(std::stoi(std::string(g[2])), months_.Number(g[0]), std::stoi(std::string(g[1])));
      if (!m.iso_date.empty()) add(m);
      in.remove_prefix(m.end - off(in));
    }
    in = sent;
    while (scan.IsoDate(from(in)) && RE2::PartialMatch(in, *date_iso_, &g[0], &g[1], &g[2])) {
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
  {
    std::string_view in = sent;
    re2::StringPiece g;
    while (scan.Count(from(in)) && RE2::PartialMatch(in, *number_, &g)) {
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
    if (scan.Duration(after) && RE2::PartialMatch(after, *duration_, &d)) m.period = std::string(d);
  }
  std::sort(found.begin(), found.end(), [](const Mention& a, const Mention& b) { return a.begin < b.begin; });
  return found;
}

}  // namespace kg::ingest
