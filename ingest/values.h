// Value stage: money amounts, counts and dates in French and English
// ("500 milliards de dollars", "$13bn", "€2 billion", "5,5 millions",
// "21 janvier 2025", "Jan. 21, 2025"), plus durations ("sur quatre ans")
// attached to the amount they follow. Patterns are compiled once.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ingest/types.h"

namespace re2 {
class RE2;
}

namespace kg::ingest {

class Lexicon;
struct ValueLiterals;

// The month names of the lexicon (lexicon/months.tsv).
class MonthNames {
 public:
  explicit MonthNames(const Lexicon& lexicon);
  // The names as one re2 group, "(janvier|...|janv\.?|...)", in file order.
  const std::string& pattern() const { return pattern_; }
  // The month (1-12) of a word the pattern matched, 0 when none.
  int Number(std::string_view word) const;
  // False when no name can start at `at` of `s` (a quick test before the
  // patterns run: the folded start of every name).
  bool At(std::string_view s, size_t at) const;

 private:
  std::string pattern_;
  std::vector<std::pair<std::string, int>> folded_;  // folded name without its period -> month
  // The first three bytes of each, folded, by their first byte (At compares
  // a text with the few that start like it).
  std::array<std::vector<std::string>, 256> starts_;
  bool empty_start_ = false;  // a start is empty
};

// "21 janvier 2025", "Jan. 21, 2025", "2025-01-21" -> "2025-01-21"; empty
// when the text is not a full date.
class DateParser {
 public:
  explicit DateParser(const Lexicon& lexicon);
  ~DateParser();
  DateParser(const DateParser&) = delete;
  DateParser& operator=(const DateParser&) = delete;
  std::string Parse(std::string_view text) const;

 private:
  MonthNames months_;
  std::vector<std::pair<std::string, int>> day_words_;  // Lexicon::day_words
  std::unique_ptr<re2::RE2> dmy_, mdy_, iso_;
};

// State carried across the sentences of one document: a bare "100 milliards"
// takes the currency of the last amount that named one, when no word other
// than one of lexicon/amount_followers.txt follows it ("650 million users"
// is a count).
struct ValueContext {
  std::string last_currency;
};

class ValueFinder {
 public:
  explicit ValueFinder(const Lexicon& lexicon);
  ~ValueFinder();
  ValueFinder(const ValueFinder&) = delete;
  ValueFinder& operator=(const ValueFinder&) = delete;

  // Money, Date and Number mentions of sentence `s` of `text`, sorted by
  // begin, non-overlapping. `lang` is "fr" or "en" (decimal separator,
  // meaning of "billion").
  std::vector<Mention> Find(std::string_view text, const Sentence& s, const std::string& lang,
                            ValueContext& ctx) const;

 private:
  // The factor of a multiplier the patterns matched ("milliards", "bn"; 1
  // for none) in text of `lang`.
  double Multiplier(std::string_view word, const std::string& lang) const;
  // The ISO 4217 code of a currency word or sign the patterns matched.
  std::string CurrencyCode(std::string_view word) const;

  MonthNames months_;
  std::vector<std::pair<std::string, int>> day_words_;  // Lexicon::day_words
  // Quick tests read off the words of the patterns (lexicon/currencies.tsv,
  // multipliers.tsv ...): which patterns cannot match a sentence.
  std::unique_ptr<const ValueLiterals> literals_;
  std::unordered_map<std::string, std::pair<double, double>> multipliers_;  // folded form -> factor, French factor
  std::unordered_map<std::string, std::string> currency_codes_;             // folded form -> ISO code
  std::unordered_map<std::string, std::string> currency_signs_;             // "€" (no fold) -> ISO code
  std::vector<std::string> count_prepositions_;  // " de ", " of ": after an amount, a count of something else
  std::unordered_set<std::string> amount_followers_;  // "dans", "in" (folded): after a bare amount, still money
  std::vector<std::string> unit_prices_;              // "per share": after money, a price per unit
  std::unique_ptr<re2::RE2> money_suffix_, money_word_, money_prefix_, bare_amount_, date_dmy_, date_mdy_,
      date_iso_, number_, duration_;
};

// Parses "5,5" (fr) or "1,500.25" (en) or "2 000"; NaN when not a number.
double ParseNumber(std::string_view digits, const std::string& lang);

}  // namespace kg::ingest
