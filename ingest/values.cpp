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
  {
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
  {
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
    while (RE2::PartialMatch(in, *date_dmy_, &g[0], &g[1], &g[2])) {
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
    while (RE2::PartialMatch(in, *date_mdy_, &g[0], &g[1], &g[2])) {
      Mention m;
      m.type = "Date";
      m.begin = off(g[0]);
      m.end = off(g[2]) + g[2].size();
      m.iso_date = Iso(std::stoi(std::string(g[2])), MonthNumber(g[0]), std::stoi(std::string(g[1])));
      if (!m.iso_date.empty()) add(m);
      in.remove_prefix(m.end - off(in));
    }
    in = sent;
    while (RE2::PartialMatch(in, *date_iso_, &g[0], &g[1], &g[2])) {
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
