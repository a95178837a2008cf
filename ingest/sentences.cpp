// Sentence splitting: a scan that tracks open quotes and decides at each
// '.', '!', '?' or '…' whether the sentence ends there.
#include "ingest/sentences.h"

#include <algorithm>
#include <string>

namespace kg::ingest {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// The bytes the scan acts on: a line break, '"', '.', '!', '?', and the lead
// bytes of « » (0xC2) and … (0xE2). Every other byte only moves it on.
struct MarkTable {
  bool mark[256] = {};
  constexpr MarkTable() {
    for (unsigned char c : {'\n', '"', '.', '!', '?'}) mark[c] = true;
    mark[0xC2] = mark[0xE2] = true;
  }
};
constexpr MarkTable kMarks;

// True when the byte sequence at `i` starts an upper-case letter, a digit or
// an opening quote/bracket: something a new sentence may start with.
bool StartsSentence(std::string_view t, size_t i) {
  if (i >= t.size()) return true;
  unsigned char c = static_cast<unsigned char>(t[i]);
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  // A brand written in lower case then capitals: "xAI", "iPhone", "eBay".
  if (c >= 'a' && c <= 'z') {
    size_t j = i + 1;
    while (j < t.size() && j < i + 4 && t[j] >= 'a' && t[j] <= 'z') ++j;
    return j < t.size() && j > i && j <= i + 3 && t[j] >= 'A' && t[j] <= 'Z';
  }
  if (c == '"' || c == '(' || c == '[' || c == '\'' || c == '-') return true;
  if (t.compare(i, 2, "\xC2\xAB") == 0) return true;  // «
  if (c == 0xC3) {  // Latin-1 capitals À..Þ
    unsigned char d = static_cast<unsigned char>(i + 1 < t.size() ? t[i + 1] : 0);
    return d >= 0x80 && d <= 0x9E;
  }
  if (c == 0xC5 && i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x92) return true;  // Œ
  if (t.compare(i, 3, "\xE2\x80\x94") == 0 || t.compare(i, 3, "\xE2\x80\x93") == 0) return true;
  return false;
}

}  // namespace

std::vector<Sentence> SplitSentences(std::string_view t, const Lexicon& lex) {
  std::vector<Sentence> out;
  // (SplitSentences 57K -> 52K instructions per bench article, callgrind.)
  size_t longest_abbreviation = 0;
  for (const auto& a : lex.abbreviations) longest_abbreviation = std::max(longest_abbreviation, a.size());
  auto push = [&](size_t b, size_t e) {
    while (b < e && (IsSpace(t[b]) || t[b] == '\n')) ++b;
    while (e > b && (IsSpace(t[e - 1]) || t[e - 1] == '\n')) --e;
    if (e > b) out.push_back({b, e});
  };
  size_t start = 0;
  int guillemets = 0;      // « » depth
  bool in_straight = false;  // inside "..."
  size_t quote_open_at = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(t.data());
  const size_t n = t.size();
  for (size_t i = 0; i < n; ++i) {
    // To the next byte that may matter, four at a time.
    while (i + 4 <= n && !(kMarks.mark[bytes[i]] | kMarks.mark[bytes[i + 1]] | kMarks.mark[bytes[i + 2]] |
                           kMarks.mark[bytes[i + 3]]))
      i += 4;
    while (i < n && !kMarks.mark[bytes[i]]) ++i;
    if (i == n) break;
    char c = t[i];
    if (c == '\n') {
      push(start, i);
      start = i + 1;
      guillemets = 0;
      in_straight = false;
      continue;
    }
    if (t.compare(i, 2, "\xC2\xAB") == 0) {
      if (guillemets == 0) quote_open_at = i;
      ++guillemets;
      ++i;
      continue;
    }
    if (t.compare(i, 2, "\xC2\xBB") == 0) {
      if (guillemets > 0) --guillemets;
      ++i;
      continue;
    }
    if (c == '"') {
      in_straight = !in_straight;
      if (in_straight) quote_open_at = i;
      continue;
    }
    bool ellipsis = t.compare(i, 3, "\xE2\x80\xA6") == 0;
    if (c != '.' && c != '!' && c != '?' && !ellipsis) continue;
    // Move past runs of terminal punctuation ("?!", "...").
    size_t j = ellipsis ? i + 3 : i + 1;
    while (j < t.size() && (t[j] == '.' || t[j] == '!' || t[j] == '?')) ++j;
    // Closing quotes and brackets belong to the sentence that ends here.
    bool closes_quote = false;
    while (j < t.size()) {
      if (t[j] == '"' && in_straight) {
        in_straight = false;
        closes_quote = true;
        ++j;
      } else if (t[j] == ' ' && t.compare(j + 1, 2, "\xC2\xBB") == 0) {
        ++j;  // "partons. »": French spacing before the closing guillemet
      } else if (t.compare(j, 2, "\xC2\xBB") == 0) {
        if (guillemets > 0) --guillemets;
        closes_quote = true;
        j += 2;
      } else if (t[j] == ')' || t[j] == ']') {
        ++j;
      } else {
        break;
      }
    }
    (void)closes_quote;
    if (j < t.size() && !IsSpace(t[j]) && t[j] != '\n') {
      i = j - 1;
      continue;  // "3.5", "U.S.A", "fin.Début": not an end
    }
    size_t k = j;
    while (k < t.size() && IsSpace(t[k])) ++k;
    bool inside_quote = guillemets > 0 || in_straight;
    if (inside_quote && i - quote_open_at < 1000) {
      i = j - 1;
      continue;
    }
    if (k < t.size() && t[k] != '\n' && !StartsSentence(t, k)) {
      i = j - 1;
      continue;
    }
    if (c == '.' && !ellipsis && j == i + 1) {
      // The word before the period: an abbreviation or an initial?
      size_t w = i;
      while (w > start && !IsSpace(t[w - 1]) && t[w - 1] != '(' && t[w - 1] != '\n') --w;
      const std::string_view word = t.substr(w, i + 1 - w);
      // (A word longer than every abbreviation is looked up in no set.)
      if (word.size() <= longest_abbreviation) {
        std::string key(word);
        if (lex.abbreviations.count(key)) {
          i = j - 1;
          continue;
        }
        // Lower-cased abbreviation list entries match sentence-initial capitals too.
        for (char& ch : key)
          if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        if (lex.abbreviations.count(key) && word.size() > 2) {
          i = j - 1;
          continue;
        }
      }
      // "J." or "A.P.": capitals each followed by a period.
      bool initial = word.size() % 2 == 0;
      for (size_t q = 0; initial && q < word.size(); q += 2)
        initial = word[q] >= 'A' && word[q] <= 'Z' && word[q + 1] == '.';
      if (initial) {
        i = j - 1;
        continue;
      }
    }
    push(start, j);
    start = j;
    i = j - 1;
  }
  push(start, t.size());
  return out;
}

}  // namespace kg::ingest
