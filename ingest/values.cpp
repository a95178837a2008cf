// Values: each pattern runs over the sentence; earlier patterns win on
// overlaps (money before dates before bare numbers).
#include "ingest/values.h"

#include <re2/re2.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <system_error>

#include "ingest/lexicon.h"
#include "ingest/text.h"

namespace kg::ingest {

namespace {

std::string Iso(int y, int m, int d) {
  if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31) return "";
  // "%04d-%02d-%02d" by hand, the fields being in range: snprintf cost about
  // 1,500 instructions a date.
  const char iso[10] = {static_cast<char>('0' + y / 1000),      static_cast<char>('0' + y / 100 % 10),
                        static_cast<char>('0' + y / 10 % 10),   static_cast<char>('0' + y % 10),
                        '-',                                    static_cast<char>('0' + m / 10),
                        static_cast<char>('0' + m % 10),        '-',
                        static_cast<char>('0' + d / 10),        static_cast<char>('0' + d % 10)};
  return std::string(iso, sizeof iso);
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

// Whether a character other than an ASCII letter has another case that a
// pattern under (?i) would match as well (a letter, or a symbol with case
// such as U+24B6). Not UTF-8 counts as cased.
bool Cased(std::string_view s, size_t at, size_t& len) {
  utf8proc_int32_t cp;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + at),
                            static_cast<utf8proc_ssize_t>(s.size() - at), &cp);
  len = n > 0 ? static_cast<size_t>(n) : 1;
  if (n <= 0) return true;
  auto cat = utf8proc_category(cp);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) || utf8proc_tolower(cp) != cp ||
         utf8proc_toupper(cp) != cp;
}

// What HasAt can test of a word a pattern matches in any case: its ASCII
// letters lowered, up to (CaselessPrefix) or after (CaselessSuffix) its
// last character of another kind that has case.
std::string CaselessPrefix(std::string_view word) {
  size_t end = 0;
  while (end < word.size()) {
    size_t len = 1;
    if (static_cast<unsigned char>(word[end]) >= 0x80 && Cased(word, end, len)) break;
    end += len;
  }
  return LowerAscii(word.substr(0, end));
}
std::string CaselessSuffix(std::string_view word) {
  size_t begin = 0;
  for (size_t i = 0; i < word.size();) {
    size_t len = 1;
    if (static_cast<unsigned char>(word[i]) >= 0x80 && Cased(word, i, len)) begin = i + len;
    i += len;
  }
  return LowerAscii(word.substr(std::min(begin, word.size())));
}

// A literal that a word of a list starts (or ends) with, and whether it is
// the whole word.
struct Literal {
  std::string text;
  bool whole = false;
};

// The literal starts of a list of words (CaselessPrefix), none kept that a
// shorter one starts: At() is true wherever one of the words may stand.
class WordStarts {
 public:
  explicit WordStarts(const std::vector<std::string>& words) {
    std::vector<std::string> starts;
    for (const auto& w : words) starts.push_back(CaselessPrefix(w));
    std::sort(starts.begin(), starts.end(),
              [](const std::string& a, const std::string& b) { return a.size() < b.size() || (a.size() == b.size() && a < b); });
    for (const auto& p : starts) {
      any_ = any_ || p.empty();
      if (any_ || std::any_of(kept_.begin(), kept_.end(), [&](const std::string& k) { return p.rfind(k, 0) == 0; }))
        continue;
      kept_.push_back(p);
      by_first_[static_cast<unsigned char>(p[0])].push_back(p);
    }
    if (any_) kept_ = {""};
  }
  bool At(std::string_view s, size_t at) const {
    if (any_) return true;
    if (at >= s.size()) return false;
    for (const auto& w : by_first_[static_cast<unsigned char>(LowerByte(s[at]))])
      if (HasAt(s, at, w)) return true;
    return false;
  }
  // The starts ("" alone when a word has none).
  const std::vector<std::string>& starts() const { return kept_; }

 private:
  std::vector<std::string> kept_;
  std::array<std::vector<std::string>, 256> by_first_;  // kept_ by first byte
  bool any_ = false;
};

// Words (ASCII letters lowered, other bytes as written) by their last byte:
// At() is true where one of them ends. Most places asked about (the byte
// before each digit run, for the signs) end with a byte that ends no word,
// and are answered from one table read rather than by comparing every word
// there (dry run on 300 bench articles: 36K fewer instructions per
// article, callgrind).
class WordEnds {
 public:
  WordEnds() = default;
  explicit WordEnds(const std::vector<std::string>& words) {
    for (const auto& w : words) {
      if (w.empty())
        empty_ = true;
      else
        by_last_[static_cast<unsigned char>(w.back())].push_back(w);
    }
  }
  // One of the words ends right before `at` of `s`, within [from, at).
  bool At(std::string_view s, size_t at, size_t from) const {
    if (at < from) return false;
    if (empty_) return true;
    if (at == from) return false;
    for (const auto& w : by_last_[static_cast<unsigned char>(LowerByte(s[at - 1]))])
      if (at >= from + w.size() && HasAt(s, at - w.size(), w)) return true;
    return false;
  }

 private:
  std::array<std::vector<std::string>, 256> by_last_;
  bool empty_ = false;  // an empty word ends everywhere
};

// The longest text that every one of `starts` holds ("illi" of "milliard",
// "million", "billion" and "trillion").
std::string CommonPart(const std::vector<std::string>& starts) {
  if (starts.empty()) return "";
  const std::string& shortest =
      *std::min_element(starts.begin(), starts.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  for (size_t len = shortest.size(); len > 0; --len)
    for (size_t at = 0; at + len <= shortest.size(); ++at) {
      std::string part = shortest.substr(at, len);
      if (std::all_of(starts.begin(), starts.end(), [&](const auto& w) { return w.find(part) != std::string::npos; }))
        return part;
    }
  return "";
}

// Dates written out, their parts as groups: day, month, year ("21 janvier
// 2025", "1er mars 2024": a day word of day_words.tsv or one or two digits)
// and month, day, year ("January 21st, 2025": an ending of
// ordinal_suffixes.txt may follow the day).
std::string DayFirstDatePattern(const Lexicon& lex, const MonthNames& months) {
  std::vector<std::string> forms;
  for (const auto& [form, day] : lex.day_words) forms.push_back(form);
  return R"((?i)\b()" + LiteralAlternatives(forms) + R"(|\d{1,2})\s+)" + months.pattern() + R"(\s+(\d{4})\b)";
}
std::string MonthFirstDatePattern(const Lexicon& lex, const MonthNames& months) {
  return R"((?i)\b)" + months.pattern() + R"(\s+(\d{1,2})(?:)" + LiteralAlternatives(lex.ordinal_suffixes) +
         R"()?,?\s+(\d{4})\b)";
}

// The number of the day group of DayFirstDatePattern.
int DayNumber(const std::vector<std::pair<std::string, int>>& day_words, std::string_view day) {
  for (const auto& [form, number] : day_words)
    if (LowerAscii(day) == LowerAscii(form)) return number;
  return std::stoi(std::string(day));
}

// Value patterns whose groups can be read off their whole match (which
// RE2's DFA finds) when the words of their lists hold no space (nor, for a
// scale word, a digit): RE2 then needs no submatch search, BitState at
// about 2,000 instructions a match (ValueFinder::Find 544K -> 451K
// instructions per bench article, callgrind).
enum class Split {
  kNone,         // RE2 finds the groups
  kCount,        // number_: "(?:^|[^\w.,])(NUMBER)\s+\p{Ll}"
  kBareAmount,   // bare_amount_: "(?:^|[^\w.,])(NUMBER)\s+(SCALE)\b"
  kDayFirst,     // date_dmy_: "\b(DAY)\s+(MONTH)\s+(\d{4})\b"
  kMonthFirst,   // date_mdy_: "\b(MONTH)\s+(\d{1,2})SUFFIX?,?\s+(\d{4})\b"
  kIso,          // date_iso_: "\b(\d{4})-(\d{2})-(\d{2})\b"
};

constexpr std::string_view kReSpaces = " \t\n\f\r";  // RE2's \s

bool HoldsSpace(std::string_view word) { return word.find_first_of(kReSpaces) != std::string_view::npos; }

}  // namespace

// The literal tests of the value patterns, derived from the words of the
// lexicon when the finder is made (see ValueScan).
struct ValueLiterals {
  explicit ValueLiterals(const Lexicon& lex)
      : currencies(AfterForms(lex)), scale(ScaleWords(lex)), units(lex.duration_units) {
    std::vector<std::string> signs, day_tails, ones;  // read through sign_ends, day_tail_ends, one_ends
    for (const auto& c : lex.currencies)
      if (c.before) {
        signs.push_back(CaselessSuffix(c.form));
        sign_bytes = std::max(sign_bytes, 2 * c.form.size());
      }
    // None that another one ends.
    std::sort(signs.begin(), signs.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
    std::vector<std::string> kept;
    for (const auto& e : signs)
      if (std::none_of(kept.begin(), kept.end(),
                       [&](const auto& k) { return e.size() >= k.size() && e.compare(e.size() - k.size(), k.size(), k) == 0; }))
        kept.push_back(e);
    signs = std::move(kept);
    for (const auto& m : lex.multipliers) {
      Literal l{CaselessPrefix(m.form), false};
      l.whole = l.text.size() == m.form.size();
      if (l.text.empty())
        multiplier_any = true;
      else
        multipliers[static_cast<unsigned char>(l.text[0])].push_back(std::move(l));
    }
    for (const auto& w : lex.currency_links) {
      Literal l{CaselessPrefix(w), false};
      l.whole = l.text.size() == w.size();
      links.push_back(std::move(l));
    }
    // What a day word holds after its last digit ("er" of "1er").
    for (const auto& [form, day] : lex.day_words) {
      size_t last = form.find_last_of("0123456789");
      std::string tail = LowerAscii(form.substr(last + 1));
      if (!tail.empty()) day_tails.push_back(tail);
      day_bytes = std::max(day_bytes, 2 * form.size());
    }
    for (const auto& w : lex.one_words) ones.push_back(CaselessSuffix(w));
    sign_ends = WordEnds(signs);
    day_tail_ends = WordEnds(day_tails);
    one_ends = WordEnds(ones);
    word_money = !lex.one_words.empty() && !scale.starts().empty();
    auto has_digit = [](std::string_view w) { return w.find_first_of("0123456789") != std::string_view::npos; };
    const auto scale_words = ScaleWords(lex);
    if (std::none_of(scale_words.begin(), scale_words.end(), [&](const auto& w) { return HoldsSpace(w) || has_digit(w); }))
      split_bare = Split::kBareAmount;
    const bool months_plain = std::none_of(lex.months.begin(), lex.months.end(), [](const auto& m) { return HoldsSpace(m.first); });
    if (months_plain && std::none_of(lex.day_words.begin(), lex.day_words.end(), [](const auto& d) { return HoldsSpace(d.first); }))
      split_day_first = Split::kDayFirst;
    if (months_plain && std::none_of(lex.ordinal_suffixes.begin(), lex.ordinal_suffixes.end(),
                                     [](const auto& w) { return !w.empty() && IsDigit(w[0]); }))
      split_month_first = Split::kMonthFirst;
    anchor = CommonPart(scale.starts());
    // The bytes ValueScan stops at: digits, and the anchor's first byte in
    // either case (it is lowered).
    for (char c = '0'; c <= '9'; ++c) scan_stops[static_cast<unsigned char>(c)] = true;
    if (!anchor.empty()) {
      scan_stops[static_cast<unsigned char>(anchor[0])] = true;
      scan_stops[static_cast<unsigned char>(anchor[0] >= 'a' && anchor[0] <= 'z' ? anchor[0] - 'a' + 'A' : anchor[0])] = true;
    }
    // Each scale start with the offsets at which the anchor stands in it.
    for (const auto& w : scale.starts())
      for (size_t at = w.find(anchor); at != std::string::npos; at = anchor.empty() ? std::string::npos : w.find(anchor, at + 1))
        anchored.emplace_back(w, at);
  }
  static std::vector<std::string> AfterForms(const Lexicon& lex) {
    std::vector<std::string> out;
    for (const auto& c : lex.currencies)
      if (c.after) out.push_back(c.form);
    return out;
  }
  static std::vector<std::string> ScaleWords(const Lexicon& lex) {
    std::vector<std::string> out;
    for (const auto& m : lex.multipliers)
      if (m.scale) out.push_back(m.form);
    return out;
  }

  std::array<bool, 256> scan_stops{};  // see ValueScan
  // How the groups of bare_amount_, date_dmy_ and date_mdy_ are read (the
  // words of their lists permitting, off the match).
  Split split_bare = Split::kNone, split_day_first = Split::kNone, split_month_first = Split::kNone;
  WordEnds day_tail_ends;  // day words after their last digit ("er")
  // Bounds, in bytes, of the text a sign of money_prefix_ and a day of
  // date_dmy_ match: twice the longest form, as (?i) matches a character
  // with one of its other cases, which may take more bytes (one of two
  // bytes may have a case of three; the ASCII letters with a case of more
  // bytes, 's' and 'k', make ValueScan answer `from`).
  size_t sign_bytes = 0;
  size_t day_bytes = 2 * 2;  // "\d{1,2}"
  WordStarts currencies;            // the currency forms that follow a number
  WordEnds sign_ends;               // the ends of the forms that open an amount ("$")
  std::array<std::vector<Literal>, 256> multipliers;  // by first byte
  bool multiplier_any = false;      // a multiplier has no literal start
  std::vector<Literal> links;       // "de ", "d'"
  WordStarts scale;                 // "milliard", "million" ...
  bool word_money = false;          // an amount in words can be read at all
  // Text that every scale word holds ("illi"), and where it stands in each.
  std::string anchor;
  std::vector<std::pair<std::string, size_t>> anchored;
  WordEnds one_ends;                // the ends of one_words ("un", "a")
  WordStarts units;                 // "ans", "ann", "mois", "year", "month"
};

namespace {

// The digit runs of a sentence, and from them whether each pattern can match
// in the sentence from byte `from` on (the text left after earlier matches).
// Every number of the patterns is a digit run, or the end of one: checking
// what must stand around the runs is a necessary condition of each pattern.
//
// Each test returns npos when its pattern cannot match from `from` on, and
// otherwise a byte (>= from) before which no match can start: the first run
// (or month name) that passes the test is the first one a match can use, so
// the match starts no earlier than the text the pattern puts before it. The
// search then starts there (MatchFrom) rather than at `from`: for a short
// sentence RE2 runs BitState from every byte of the text it is given, and
// the digits are often far into the sentence. (Measured with callgrind: the
// value patterns took 94.5M instructions on the 300 bench articles searched
// from `from`, 80.8M from the bound; ValueFinder::Find 181.1M -> 169.9M, and
// 22.4M -> 20.6M on the repo's articles and tests/ingest/unseen.)
class ValueScan {
 public:
  static constexpr size_t npos = std::string_view::npos;

  ValueScan(std::string_view s, const MonthNames& months, const ValueLiterals& words)
      : s_(s), months_(months), words_(words) {
    // RE2 folds U+017F onto 's' and U+212A onto 'k' under (?i).
    all_ = s.find("\xC5\xBF") != std::string_view::npos || s.find("\xE2\x84\xAA") != std::string_view::npos;
    const std::string& anchor = words_.anchor;
    if (anchor.empty() || IsDigit(anchor[0])) anchor_ = 0;  // (the loop skips the digits of a run)
    // Byte by byte to the next digit or first byte of the anchor, by table
    // (ValueFinder::Find 442K -> 425K instructions per bench article,
    // callgrind).
    const auto& stops = words_.scan_stops;
    for (size_t i = 0; i < s.size() && !all_; ++i) {
      while (i < s.size() && !stops[static_cast<unsigned char>(s[i])]) ++i;
      if (i == s.size()) break;
      if (!IsDigit(s[i])) {
        if (anchor_ == std::string_view::npos && HasAt(s, i, anchor)) anchor_ = i;
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
  size_t SuffixMoney(size_t from) const {
    if (all_) return from;
    for (size_t r = First(from); r < n_runs_; ++r) {
      size_t a = SkipSpace(runs_[r].end);
      if (CurrencyAround(a)) return NumberStart(r, from);
      if (a >= s_.size()) continue;
      if (words_.multiplier_any) return NumberStart(r, from);
      for (const Literal& m : words_.multipliers[static_cast<unsigned char>(LowerByte(s_[a]))])
        if (HasAt(s_, a, m.text) && (!m.whole || CurrencyAround(SkipSpace(a + m.text.size()))))
          return NumberStart(r, from);
    }
    return npos;
  }
  // money_word_: "ONE\s+SCALE\s*LINK?CURRENCY" ("un milliard de dollars"),
  // searched from `from`.
  size_t WordMoney(size_t from) const {
    if (all_) return from;
    if (!words_.word_money) return npos;
    // A word for one, spaces, then a scale word, found by the text they all
    // hold ("illi" one byte into "milliard", two into "trillion").
    const std::string& anchor = words_.anchor;
    bool word = false;
    for (size_t k = std::max(from, anchor_); k < s_.size() && !word; ++k) {
      if (!HasAt(s_, k, anchor)) continue;
      for (const auto& [start, offset] : words_.anchored) {
        if (k < from + offset || !HasAt(s_, k - offset, start)) continue;
        size_t i = k - offset, r = i;
        while (r > from && IsReSpace(s_[r - 1])) --r;
        if (r < i && EndsAt(words_.one_ends, r, from)) {
          word = true;
          break;
        }
      }
    }
    if (!word) return npos;
    for (size_t i = from; i < s_.size(); ++i)
      if (words_.currencies.At(s_, i)) return from;
    return npos;
  }
  // money_prefix_: "(?:^|\W)SIGN\s?\d" ("$13bn"): the match starts at
  // most a character, a sign and a space before the digits.
  size_t PrefixMoney(size_t from) const {
    if (all_) return from;
    for (size_t r = First(from); r < n_runs_; ++r) {
      size_t b = Begin(r, from);
      // A sign that opens amounts right before the number, or before one space.
      if (EndsAt(words_.sign_ends, b, from) || (b > from && IsReSpace(s_[b - 1]) && EndsAt(words_.sign_ends, b - 1, from)))
        return Back(b, from, kMaxCharBytes + words_.sign_bytes + 1);
    }
    return npos;
  }
  // bare_amount_: "NUM\s+SCALE" ("100 milliards").
  size_t BareAmount(size_t from) const {
    if (all_) return from;
    for (size_t r = First(from); r < n_runs_; ++r) {
      size_t e = runs_[r].end, a = SkipSpace(e);
      if (a > e && words_.scale.At(s_, a)) return NumberStart(r, from);
    }
    return npos;
  }
  // date_dmy_ and date_mdy_: a month name at a word start, and "\s(\d{4})\b".
  // date_mdy_ starts at the month, date_dmy_ at most a day before the
  // spaces before it.
  size_t WordDate(size_t from, bool day_first) const {
    if (all_) return from;
    bool year = false;
    for (size_t r = First(from); r < n_runs_ && !year; ++r) {
      size_t b = Begin(r, from), e = runs_[r].end;
      year = e - b == 4 && b > from && IsReSpace(s_[b - 1]) && (e == s_.size() || !IsWordChar(s_[e]));
    }
    if (!year) return npos;
    for (size_t i = from; i < s_.size(); ++i) {
      if (!((i == from || !IsWordChar(s_[i - 1])) && months_.At(s_, i))) continue;
      // The month word runs to the end of its letters (and an optional
      // period); spaces and a digit follow it.
      size_t e = i;
      while (e < s_.size() && (IsAsciiLetter(s_[e]) || static_cast<unsigned char>(s_[e]) >= 0x80)) ++e;
      if (e < s_.size() && s_[e] == '.') ++e;
      size_t a = SkipSpace(e);
      if (a == e || a >= s_.size() || !IsDigit(s_[a])) continue;
      if (!day_first) return i;
      // date_dmy_: a day (digits, or a day word: its tail) and spaces before it.
      size_t r = i;
      while (r > from && IsReSpace(s_[r - 1])) --r;
      if (r < i && ((r > from && IsDigit(s_[r - 1])) || EndsAt(words_.day_tail_ends, r, from)))
        return Back(r, from, words_.day_bytes);
    }
    return npos;
  }
  // duration_ (on the text after an amount): a unit after spaces.
  bool Duration(std::string_view after) const {
    if (all_) return true;
    for (size_t i = 1; i < after.size(); ++i)
      if (IsReSpace(after[i - 1]) && words_.units.At(after, i)) return true;
    return false;
  }
  // date_iso_: "(\d{4})-(\d{2})-(\d{2})", starting in the run of its year.
  size_t IsoDate(size_t from) const {
    if (all_) return from;
    for (size_t r = First(from); r + 2 < n_runs_; ++r)
      if (runs_[r].end - Begin(r, from) >= 4 && runs_[r + 1].begin == runs_[r].end + 1 &&
          s_[runs_[r].end] == '-' && runs_[r + 1].end - runs_[r + 1].begin >= 2 &&
          runs_[r + 2].begin == runs_[r + 1].end + 1 && s_[runs_[r + 1].end] == '-' &&
          runs_[r + 2].end - runs_[r + 2].begin >= 2)
        return Begin(r, from);
    return npos;
  }
  // number_: "\d\s+\p{Ll}" (under (?i) \p{Ll} takes every cased letter: an
  // ASCII letter or a character that is not ASCII).
  size_t Count(size_t from) const {
    if (all_) return from;
    for (size_t r = First(from); r < n_runs_; ++r) {
      size_t e = runs_[r].end, a = SkipSpace(e);
      if (a > e && a < s_.size() && (IsAsciiLetter(s_[a]) || static_cast<unsigned char>(s_[a]) >= 0x80))
        return NumberStart(r, from);
    }
    return npos;
  }

 private:
  static constexpr size_t kMaxRuns = 64;
  // The bytes of one character: what "(?:^|[^\w.,])" takes before a number.
  static constexpr size_t kMaxCharBytes = 4;
  struct Run {
    size_t begin, end;
  };

  // `bytes` before `at`, not before `from`.
  static size_t Back(size_t at, size_t from, size_t bytes) { return at >= from + bytes ? at - bytes : from; }
  // Where a match whose number ends at a run from r on may start at the
  // earliest: a number of money_suffix_, bare_amount_ and number_ is digits,
  // spaces, periods and commas ("1 200,5") after a character that is no
  // word character, period or comma (or after nothing, at `from`); one that
  // ends at a later run starts no earlier than one that ends at r.
  size_t NumberStart(size_t r, size_t from) const {
    size_t b = Begin(r, from);
    while (b > from && (IsDigit(s_[b - 1]) || s_[b - 1] == ' ' || s_[b - 1] == '.' || s_[b - 1] == ',')) --b;
    return Back(b, from, kMaxCharBytes);
  }

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
  // A currency word at `at`, or after a link there ("de ", "d'").
  bool CurrencyAround(size_t at) const {
    if (at >= s_.size()) return false;
    if (words_.currencies.At(s_, at)) return true;
    for (const Literal& link : words_.links) {
      if (!HasAt(s_, at, link.text)) continue;
      size_t c = at + link.text.size();
      if (!link.whole || (c < s_.size() && words_.currencies.At(s_, c))) return true;
    }
    return false;
  }
  // One of `words` (lower case) ends right before `at`, within [from, at).
  bool EndsAt(const WordEnds& words, size_t at, size_t from) const { return words.At(s_, at, from); }

  std::string_view s_;
  const MonthNames& months_;
  const ValueLiterals& words_;
  bool all_ = false;  // every test answers true
  size_t anchor_ = std::string_view::npos;  // the first words_.anchor, in any case
  Run runs_[kMaxRuns];
  size_t n_runs_ = 0;
};

// RE2::PartialMatch(in, re, &g[0] ... &g[n - 1]) when no match starts before
// in[at]: the search starts at `at`, `in` staying the text that "^", "$"
// and "\b" read (RE2::Match with a start position).
bool MatchFrom(const RE2& re, std::string_view in, size_t at, re2::StringPiece* g, int n) {
  re2::StringPiece found[4];
  if (!re.Match(in, at, in.size(), RE2::UNANCHORED, found, n + 1)) return false;
  std::copy(found + 1, found + 1 + n, g);
  return true;
}

// The groups of a pattern of kind `split` in `match`, its whole match; false
// when `match` is not of the shape the kind describes. A NUMBER runs from a
// digit to a digit, and no digit stands around it in the match (the
// character before it is no word character); a scale word follows the last
// space; DAY and MONTH hold no space, the year is the last four bytes.
bool SplitGroups(Split split, std::string_view match, re2::StringPiece* g) {
  auto piece = [&](size_t b, size_t e) { return re2::StringPiece(match.data() + b, e - b); };
  constexpr auto npos = std::string_view::npos;
  switch (split) {
    case Split::kNone:
      return false;
    case Split::kCount:
    case Split::kBareAmount: {
      const size_t first = match.find_first_of("0123456789"), last = match.find_last_of("0123456789");
      if (first == npos) return false;
      g[0] = piece(first, last + 1);
      if (split == Split::kCount) return true;
      const size_t space = match.find_last_of(kReSpaces);
      if (space == npos || space < last) return false;
      g[1] = piece(space + 1, match.size());
      return true;
    }
    case Split::kDayFirst:
    case Split::kMonthFirst: {
      if (match.size() < 4) return false;
      const size_t year = match.size() - 4;
      const size_t space = match.find_first_of(kReSpaces);
      const size_t next = space == npos ? npos : match.find_first_not_of(kReSpaces, space);
      if (next == npos || next >= year) return false;
      g[0] = piece(0, space);
      g[2] = piece(year, match.size());
      if (split == Split::kDayFirst) {
        g[1] = piece(next, match.find_last_not_of(kReSpaces, year - 1) + 1);
      } else {
        size_t end = next;
        while (end < year && IsDigit(match[end])) ++end;
        if (end == next) return false;
        g[1] = piece(next, end);
      }
      return true;
    }
    case Split::kIso:
      if (match.size() != 10) return false;
      g[0] = piece(0, 4);
      g[1] = piece(5, 7);
      g[2] = piece(8, 10);
      return true;
  }
  return false;
}

// MatchFrom(re, in, at, g, n), reading the groups off the match when
// `split` tells how.
bool MatchGroups(const RE2& re, Split split, std::string_view in, size_t at, re2::StringPiece* g, int n) {
  if (split != Split::kNone) {
    re2::StringPiece match;
    if (!re.Match(in, at, in.size(), RE2::UNANCHORED, &match, 1)) return false;
    if (SplitGroups(split, std::string_view(match.data(), match.size()), g)) return true;
  }
  return MatchFrom(re, in, at, g, n);
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
      bool decimal = Is(lang, "fr") ? (c == ',') : (c == '.');
      if (!decimal && three) continue;
      digits += '.';
      ++n_sep;
    }
  }
  if (digits.empty() || n_sep > 1) return std::numeric_limits<double>::quiet_NaN();
  // std::from_chars rounds as strtod does (both exactly; no locale is set)
  // at a fraction of its cost; strtod still reads what it does not take
  // whole ("." alone, an overflow).
  double value = 0;
  const char* end = digits.data() + digits.size();
  if (auto [ptr, ec] = std::from_chars(digits.data(), end, value); ec == std::errc() && ptr == end) return value;
  return std::strtod(digits.c_str(), nullptr);
}

double ValueFinder::Multiplier(std::string_view word, const std::string& lang) const {
  auto it = multipliers_.find(Fold(word));
  if (it == multipliers_.end()) return 1;
  return Is(lang, "fr") ? it->second.second : it->second.first;
}

std::string ValueFinder::CurrencyCode(std::string_view word) const {
  if (auto sign = currency_signs_.find(std::string(word)); sign != currency_signs_.end()) return sign->second;
  auto it = currency_codes_.find(Fold(word));
  return it == currency_codes_.end() ? "" : it->second;
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
    if (start.empty()) {
      empty_start_ = true;
      continue;
    }
    auto& same_first = starts_[static_cast<unsigned char>(start[0])];
    if (std::find(same_first.begin(), same_first.end(), start) == same_first.end()) same_first.push_back(start);
  }
  // No names: a group that matches nothing.
  pattern_ = "(" + (alt.empty() ? std::string(kMatchesNothing) : alt) + ")";
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
  // (An empty start is the start of every text.)
  if (empty_start_) return true;
  char lower[3];
  std::string folded;
  std::string_view f;
  if (ascii) {  // Fold of ASCII letters is their lower case
    // A start that is not empty begins with the first byte.
    if (end == at || starts_[static_cast<unsigned char>(LowerByte(s[at]))].empty()) return false;
    for (size_t k = at; k < end; ++k) lower[k - at] = LowerByte(s[k]);
    f = std::string_view(lower, end - at);
  } else {
    folded = Fold(s.substr(at, end - at));
    f = folded;
  }
  if (f.empty()) return false;
  for (const auto& start : starts_[static_cast<unsigned char>(f[0])]) {
    // f.substr(0, start.size()) == start, on a few bytes without a call.
    if (start.size() > f.size()) continue;
    size_t k = 0;
    while (k < start.size() && f[k] == start[k]) ++k;
    if (k == start.size()) return true;
  }
  return false;
}

DateParser::DateParser(const Lexicon& lexicon) : months_(lexicon), day_words_(lexicon.day_words) {
  dmy_ = std::make_unique<RE2>(DayFirstDatePattern(lexicon, months_), Opts());
  mdy_ = std::make_unique<RE2>(MonthFirstDatePattern(lexicon, months_), Opts());
  iso_ = std::make_unique<RE2>(R"((\d{4})-(\d{2})-(\d{2}))", Opts());
}

DateParser::~DateParser() = default;

std::string DateParser::Parse(std::string_view text) const {
  std::string a, b, c;
  if (RE2::PartialMatch(text, *dmy_, &a, &b, &c))
    return Iso(std::stoi(c), months_.Number(b), DayNumber(day_words_, a));
  if (RE2::PartialMatch(text, *mdy_, &a, &b, &c)) return Iso(std::stoi(c), months_.Number(a), std::stoi(b));
  if (RE2::PartialMatch(text, *iso_, &a, &b, &c)) return Iso(std::stoi(a), std::stoi(b), std::stoi(c));
  return "";
}

ValueFinder::ValueFinder(const Lexicon& lexicon)
    : months_(lexicon),
      day_words_(lexicon.day_words),
      literals_(std::make_unique<ValueLiterals>(lexicon)),
      count_prepositions_(lexicon.count_prepositions),
      amount_followers_(lexicon.amount_followers),
      unit_prices_(lexicon.unit_prices) {
  // The words of the patterns, in file order (the first alternative that
  // fits is taken), and their meanings.
  std::vector<std::string> currencies, signs, multipliers, sign_multipliers, scale;
  for (const auto& c : lexicon.currencies) {
    if (c.after) currencies.push_back(c.form);
    if (c.before) signs.push_back(c.form);
    // Fold keeps no symbol: "€" and "£" are looked up as written.
    if (std::string folded = Fold(c.form); folded.empty())
      currency_signs_.emplace(c.form, c.code);
    else
      currency_codes_.emplace(std::move(folded), c.code);
  }
  for (const auto& m : lexicon.multipliers) {
    multipliers.push_back(m.form);
    if (m.sign) sign_multipliers.push_back(m.form);
    if (m.scale) scale.push_back(m.form);
    multipliers_.emplace(Fold(m.form), std::make_pair(m.factor, m.fr_factor));
  }
  auto group = [](const std::vector<std::string>& words) { return "(" + LiteralAlternatives(words) + ")"; };
  const std::string currency = group(currencies);
  const std::string link = "(?:" + LiteralAlternatives(lexicon.currency_links) + ")?";
  const std::string num = R"((\d{1,3}(?: \d{3})+(?:,\d+)?|\d+(?:[.,]\d+)*))";
  money_suffix_ = std::make_unique<RE2>(
      "(?i)(?:^|[^\\w.,])" + num + R"(\s*)" + group(multipliers) + "?" + R"(\s*)" + link + currency + R"((?:\W|$))",
      Opts());
  // "un milliard de dollars", "one billion dollars", "a billion dollars".
  money_word_ = std::make_unique<RE2>(R"((?i)(?:^|[^\w]))" + group(lexicon.one_words) + R"(\s+)" + group(scale) +
                                          R"(\s*)" + link + currency + R"((?:\W|$))",
                                      Opts());
  money_prefix_ = std::make_unique<RE2>(R"((?i)(?:^|[^\w]))" + group(signs) + R"(\s?(\d+(?:[.,]\d+)*)(?:\s*|-))" +
                                            group(sign_multipliers) + R"(?(?:\W|$))",
                                        Opts());
  bare_amount_ = std::make_unique<RE2>("(?i)(?:^|[^\\w.,])" + num + R"(\s+)" + group(scale) + R"(\b)", Opts());
  // (The "le" of "le 30 octobre 2023" is not part of the date.)
  date_dmy_ = std::make_unique<RE2>(DayFirstDatePattern(lexicon, months_), Opts());
  date_mdy_ = std::make_unique<RE2>(MonthFirstDatePattern(lexicon, months_), Opts());
  date_iso_ = std::make_unique<RE2>(R"(\b(\d{4})-(\d{2})-(\d{2})\b)", Opts());
  number_ = std::make_unique<RE2>(R"((?:^|[^\w.,])(\d{1,3}(?:[ ,]\d{3})+|\d+(?:[.,]\d+)?)\s+\p{Ll})", Opts());
  duration_ = std::make_unique<RE2>(R"((?i)^[^.;:]{0,40}?\b((?:)" + LiteralAlternatives(lexicon.duration_prepositions) +
                                        R"()\s+(?:\d+|)" + LiteralAlternatives(lexicon.duration_numbers) + R"()\s+(?:)" +
                                        LiteralAlternatives(lexicon.duration_units) + "))",
                                    Opts());
  for (const RE2* re : {money_suffix_.get(), money_word_.get(), money_prefix_.get(), bare_amount_.get(), duration_.get()})
    if (!re->ok()) throw RuleError("lexicon (currencies, multipliers, durations): " + re->error());
}

ValueFinder::~ValueFinder() = default;

std::vector<Mention> ValueFinder::Find(std::string_view text, const Sentence& s,
                                       const std::string& lang, ValueContext& ctx) const {
  std::string_view sent = text.substr(s.begin, s.end - s.begin);
  std::vector<Mention> found;
  // Every value pattern needs an ASCII digit (RE2's \d; every day word holds one), and the
  // durations are looked for only after an amount.
  // ("un milliard de dollars" has none: such sentences are still read for
  // money written in words.)
  const bool digits = std::any_of(sent.begin(), sent.end(), IsDigit);
  if (!digits && (!literals_->word_money || sent.find(literals_->anchor) == std::string_view::npos)) return found;
  const ValueScan scan(sent, months_, *literals_);
  auto overlaps = [&](size_t b, size_t e) {
    for (const auto& m : found)
      if (b < m.end && m.begin < e) return true;
    return false;
  };
  auto add = [&](Mention&& m) {
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
    for (size_t at; (at = money == money_suffix_.get() ? scan.SuffixMoney(from(in)) : scan.WordMoney(from(in))) !=
                    ValueScan::npos &&
                    MatchFrom(*money, in, at - from(in), g, 3);) {
      double number = money == money_word_.get() ? 1.0 : ParseNumber(g[0], lang);
      double v = number * Multiplier(g[1], lang);
      Mention m;
      m.type = "Money";
      m.begin = off(g[0]);
      m.end = off(g[2]) + g[2].size();
      m.amount = v;
      m.currency = CurrencyCode(g[2]);
      if (!std::isnan(v) && !m.currency.empty() && add(std::move(m))) ctx.last_currency = found.back().currency;
      size_t adv = off(g[2]) + g[2].size() - off(in);
      in.remove_prefix(std::max<size_t>(adv, 1));
    }
  }
  if (!digits) return found;
  // Money with the currency sign first: "$13bn", "€2 billion".
  {
    std::string_view in = sent;
    re2::StringPiece g[3];
    for (size_t at; (at = scan.PrefixMoney(from(in))) != ValueScan::npos &&
                    MatchFrom(*money_prefix_, in, at - from(in), g, 3);) {
      double v = ParseNumber(g[1], lang) * Multiplier(g[2], Is(lang, "fr") && g[2].size() > 3 ? "fr" : "en");
      Mention m;
      m.type = "Money";
      m.begin = off(g[0]);
      m.end = g[2].empty() ? off(g[1]) + g[1].size() : off(g[2]) + g[2].size();
      m.amount = v;
      m.currency = CurrencyCode(g[0]);
      size_t adv = m.end - off(in);
      if (!std::isnan(v) && add(std::move(m))) ctx.last_currency = found.back().currency;
      in.remove_prefix(std::max<size_t>(adv, 1));
    }
  }
  // "100 milliards" without a currency: the currency of the context.
  {
    std::string_view in = sent;
    re2::StringPiece g[2];
    for (size_t at; (at = scan.BareAmount(from(in))) != ValueScan::npos &&
                    MatchGroups(*bare_amount_, literals_->split_bare, in, at - from(in), g, 2);) {
      double v = ParseNumber(g[0], lang) * Multiplier(g[1], lang);
      Mention m;
      m.begin = off(g[0]);
      m.end = off(g[1]) + g[1].size();
      m.amount = v;
      // "1 200 milliards de paramètres", "2 billion of its users": a count
      // of something else, not money (a currency would have been read above).
      bool counted = false;
      for (const auto& lead : count_prepositions_)
        if (m.end + lead.size() <= s.end && text.compare(m.end, lead.size(), lead) == 0) counted = true;
      // "650 million monthly users", "1.2 trillion parameters": a word that
      // is not one of amount_followers (a preposition, a conjunction) names
      // what is counted.
      size_t next = m.end;
      while (next < s.end && IsReSpace(text[next])) ++next;
      if (size_t len = next < s.end ? WordLength(text.substr(next, s.end - next)) : 0;
          len > 0 && !amount_followers_.count(Fold(text.substr(next, len))))
        counted = true;
      if (!ctx.last_currency.empty() && !counted) {
        m.type = "Money";
        m.currency = ctx.last_currency;
        m.currency_inferred = true;
      } else {
        m.type = "Number";
      }
      const size_t end = m.end;
      if (!std::isnan(v)) add(std::move(m));
      in.remove_prefix(std::max<size_t>(end - off(in), 1));
    }
  }
  // Dates.
  {
    std::string_view in = sent;
    re2::StringPiece g[3];
    for (size_t at; (at = scan.WordDate(from(in), true)) != ValueScan::npos &&
                    MatchGroups(*date_dmy_, literals_->split_day_first, in, at - from(in), g, 3);) {
      Mention m;
      m.type = "Date";
      m.begin = off(g[0]);
      m.end = off(g[2]) + g[2].size();
      m.iso_date = Iso(std::stoi(std::string(g[2])), months_.Number(g[1]),
                       DayNumber(day_words_, g[0]));
      const size_t end = m.end;
      if (!m.iso_date.empty()) add(std::move(m));
      in.remove_prefix(end - off(in));
    }
    in = sent;
    for (size_t at; (at = scan.WordDate(from(in), false)) != ValueScan::npos &&
                    MatchGroups(*date_mdy_, literals_->split_month_first, in, at - from(in), g, 3);) {
      Mention m;
      m.type = "Date";
      m.begin = off(g[0]);
      m.end = off(g[2]) + g[2].size();
      m.iso_date = Iso(std::stoi(std::string(g[2])), months_.Number(g[0]), std::stoi(std::string(g[1])));
      const size_t end = m.end;
      if (!m.iso_date.empty()) add(std::move(m));
      in.remove_prefix(end - off(in));
    }
    in = sent;
    for (size_t at; (at = scan.IsoDate(from(in))) != ValueScan::npos &&
                    MatchGroups(*date_iso_, Split::kIso, in, at - from(in), g, 3);) {
      Mention m;
      m.type = "Date";
      m.begin = off(g[0]);
      m.end = off(g[2]) + g[2].size();
      m.iso_date = Iso(std::stoi(std::string(g[0])), std::stoi(std::string(g[1])),
                       std::stoi(std::string(g[2])));
      const size_t end = m.end;
      if (!m.iso_date.empty()) add(std::move(m));
      in.remove_prefix(end - off(in));
    }
  }
  // Counts: a number followed by a word ("2 000 puces"), years excluded.
  {
    std::string_view in = sent;
    re2::StringPiece g;
    for (size_t at; (at = scan.Count(from(in))) != ValueScan::npos && MatchGroups(*number_, Split::kCount, in, at - from(in), &g, 1);) {
      Mention m;
      m.type = "Number";
      m.begin = off(g);
      m.end = off(g) + g.size();
      m.amount = ParseNumber(g, lang);
      bool year = g.size() == 4 && m.amount >= 1900 && m.amount <= 2100;
      // A percentage or a unit glued to the number is not a count.
      const size_t end = m.end;
      if (!year && !std::isnan(m.amount)) add(std::move(m));
      in.remove_prefix(std::max<size_t>(end - off(in), 1));
    }
  }
  // "$23.28 per share": a price per unit is no amount of a deal.
  for (auto& m : found) {
    if (!Is(m.type, "Money")) continue;
    size_t next = m.end;
    while (next < s.end && IsReSpace(text[next])) ++next;
    for (const auto& unit : unit_prices_)
      if (HasAt(text.substr(0, s.end), next, unit) &&
          (next + unit.size() == s.end || !IsWordChar(text[next + unit.size()]))) {
        m.type = "Number";
        m.currency.clear();
        m.currency_inferred = false;
        break;
      }
  }
  // Durations after an amount: "500 milliards de dollars ... sur quatre ans".
  for (auto& m : found) {
    if (!Is(m.type, "Money")) continue;
    std::string_view after = text.substr(m.end, s.end - m.end);
    re2::StringPiece d;
    if (scan.Duration(after) && RE2::PartialMatch(after, *duration_, &d)) m.period = std::string(d);
  }
  // (Strictly in order already, most often: the one order any sort gives.
  // std::sort's insertion sort moved each mention out and back even then.)
  if (std::adjacent_find(found.begin(), found.end(),
                         [](const Mention& a, const Mention& b) { return a.begin >= b.begin; }) != found.end())
    std::sort(found.begin(), found.end(), [](const Mention& a, const Mention& b) { return a.begin < b.begin; });
  return found;
}

}  // namespace kg::ingest
