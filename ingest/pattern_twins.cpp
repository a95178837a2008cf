#include "ingest/pattern_twins.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace kg::ingest {

namespace {

// Members of the narrow classes, for use inside a character class.
constexpr std::string_view kLetters = R"(A-Za-z\x{80}-\x{10FFFF})";
constexpr std::string_view kNotLetters = R"(\x00-@\[-`{-\x7f)";
constexpr std::string_view kDigits = "0-9";
constexpr std::string_view kNotDigits = R"(\x00-/:-\x{10FFFF})";

// At `p[i]` == '\\': the length of a \pL-like escape and its class members
// (0 when it is another escape).
size_t LetterEscape(std::string_view p, size_t i, std::string_view& members) {
  if (i + 2 >= p.size()) return 0;
  char kind = p[i + 1];
  if (kind != 'p' && kind != 'P') return 0;
  bool negated = kind == 'P';
  char cls = 0;
  size_t len = 0;
  if (i + 2 < p.size() && (p[i + 2] == 'L' || p[i + 2] == 'N')) {
    cls = p[i + 2];
    len = 3;
  } else if (i + 4 < p.size() && p[i + 2] == '{' && (p[i + 3] == 'L' || p[i + 3] == 'N') && p[i + 4] == '}') {
    cls = p[i + 3];
    len = 5;
  } else {
    return 0;
  }
  if (cls == 'L') members = negated ? kNotLetters : kLetters;
  else members = negated ? kNotDigits : kDigits;
  return len;
}

struct Token {
  enum Kind { kAtom, kOpen, kClose, kQuant, kOther } kind = kOther;
  size_t begin = 0, end = 0;  // in the pattern
  bool single = false;        // kAtom: one character
  int min = 0, max = -1;      // kQuant: bounds (-1: none); lazy when it ends with '?'
};

// `p[i]` == '{': the end of a valid "{m}", "{m,}" or "{m,n}" (0 when not one),
// with its bounds.
size_t Repetition(std::string_view p, size_t i, int& min, int& max) {
  size_t j = i + 1;
  auto number = [&](int& v) {
    size_t b = j;
    while (j < p.size() && p[j] >= '0' && p[j] <= '9' && j - b < 5) ++j;
    if (j == b) return false;
    v = std::stoi(std::string(p.substr(b, j - b)));
    return true;
  };
  if (!number(min)) return 0;
  max = min;
  if (j < p.size() && p[j] == ',') {
    ++j;
    max = -1;
    if (j < p.size() && p[j] != '}' && !number(max)) return 0;
  }
  if (j >= p.size() || p[j] != '}') return 0;
  return j + 1;
}

std::vector<Token> Tokens(std::string_view p) {
  std::vector<Token> out;
  for (size_t i = 0; i < p.size();) {
    Token t;
    t.begin = i;
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char e = p[i + 1];
      size_t stop = i + 2;
      if ((e == 'p' || e == 'P' || e == 'x') && stop < p.size() && p[stop] == '{') {
        size_t close = p.find('}', stop);
        stop = close == std::string_view::npos ? p.size() : close + 1;
      } else if (e == 'p' || e == 'P') {
        stop = std::min(p.size(), stop + 1);
      } else if (e == 'x') {
        stop = std::min(p.size(), stop + 2);
      } else if (e == 'Q') {
        size_t close = p.find("\\E", stop);
        stop = close == std::string_view::npos ? p.size() : close + 2;
      }
      t.kind = Token::kAtom;
      t.single = e != 'Q' && e != 'b' && e != 'B' && e != 'A' && e != 'z' && !(e >= '1' && e <= '9');
      t.end = stop;
    } else if (c == '[') {
      size_t j = i + 1;
      if (j < p.size() && p[j] == '^') ++j;
      if (j < p.size() && p[j] == ']') ++j;
      while (j < p.size() && p[j] != ']') {
        if (p[j] == '\\') {
          ++j;
        } else if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') {
          size_t close = p.find(":]", j + 2);
          if (close != std::string_view::npos) j = close + 1;
        }
        ++j;
      }
      t.kind = Token::kAtom;
      t.single = true;
      t.end = std::min(p.size(), j + 1);
    } else if (c == '(') {
      t.kind = Token::kOpen;
      t.end = i + 1;
      if (i + 1 < p.size() && p[i + 1] == '?') {  // "(?:", "(?P<name>", "(?<name>"
        size_t stop = p.find_first_of(":>)", i + 2);
        t.end = stop == std::string_view::npos ? p.size() : stop + 1;
      }
    } else if (c == ')') {
      t.kind = Token::kClose;
      t.end = i + 1;
    } else if (c == '*' || c == '+' || c == '?') {
      t.kind = Token::kQuant;
      t.min = c == '+' ? 1 : 0;
      t.max = c == '?' ? 1 : -1;
      t.end = i + 1;
    } else if (c == '{' && Repetition(p, i, t.min, t.max)) {
      t.kind = Token::kQuant;
      t.end = Repetition(p, i, t.min, t.max);
    } else if (c == '|' || c == '^' || c == '$') {
      t.end = i + 1;
    } else {
      t.kind = Token::kAtom;
      t.single = true;
      t.end = i + 1;
      while (t.end < p.size() && (static_cast<unsigned char>(p[t.end]) & 0xC0) == 0x80) ++t.end;
    }
    if (t.kind == Token::kQuant && t.end < p.size() && p[t.end] == '?') ++t.end;  // lazy
    out.push_back(t);
    i = t.end;
  }
  return out;
}

}  // namespace

std::string NarrowLetterClasses(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 64);
  bool changed = false;
  std::string_view members;
  for (const Token& t : Tokens(p)) {
    std::string_view text = p.substr(t.begin, t.end - t.begin);
    if (text[0] == '\\' && LetterEscape(text, 0, members) == text.size()) {  // \pL, \p{N}...
      out += '[';
      out.append(members);
      out += ']';
      changed = true;
      continue;
    }
    if (text[0] != '[') {
      out.append(text);
      continue;
    }
    // A class: its letter escapes get the members; "[:alpha:]" and a ']'
    // first in the class (after an optional '^') stay as they are.
    size_t i = 1;
    if (i < text.size() && text[i] == '^') ++i;
    if (i < text.size() && text[i] == ']') ++i;
    out.append(text.substr(0, i));
    for (; i < text.size(); ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) {
        if (size_t len = LetterEscape(text, i, members)) {
          out.append(members);
          changed = true;
          i += len - 1;
        } else {
          out.append(text.substr(i, 2));
          ++i;
        }
      } else if (text[i] == '[' && i + 1 < text.size() && text[i + 1] == ':') {
        size_t e = text.find(":]", i + 2);
        size_t stop = e == std::string_view::npos ? text.size() : e + 2;
        out.append(text.substr(i, stop - i));
        i = stop - 1;
      } else {
        out += text[i];
      }
    }
  }
  return changed ? out : std::string();
}

bool NarrowingWidens(std::string_view p) {
  std::string_view members;
  for (const Token& t : Tokens(p)) {
    std::string_view text = p.substr(t.begin, t.end - t.begin);
    if (text[0] == '\\') {
      if (LetterEscape(text, 0, members) == text.size() && members != kLetters) return false;
      continue;
    }
    if (text[0] != '[') continue;
    bool negated = text.size() > 1 && text[1] == '^';
    for (size_t i = 1; i < text.size(); ++i) {
      if (text[i] != '\\' || i + 1 >= text.size()) continue;
      if (size_t len = LetterEscape(text, i, members)) {
        if (negated || members != kLetters) return false;
        i += len - 1;
      } else {
        ++i;
      }
    }
  }
  return true;
}

bool SyntaxOk(const std::string& pattern, RE2::Options options) {
  // Room for no instruction: RE2 parses the pattern, then its compiler
  // stops at once, and "pattern too large" means the syntax is right.
  // Case folding does not change what parses, and costs half the parse.
  options.set_max_mem(3);
  options.set_case_sensitive(true);
  RE2 re(pattern, options);
  return re.error_code() == RE2::NoError || re.error_code() == RE2::ErrorPatternTooLarge;
}

namespace {

// The first byte at or after `i` that is not ASCII (text.size() for none),
// eight bytes at a time.
size_t SkipAscii(std::string_view text, size_t i) {
  const size_t n = text.size();
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    if (w & 0x8080808080808080ull) break;
  }
  while (i < n && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

}  // namespace

bool NonAsciiAreLetters(std::string_view text) {
  const size_t n = text.size();
  size_t i = SkipAscii(text, 0);
  if (i == n) return true;
  // RE2's own tables decide what a letter is, as they do for \pL.
  static const RE2 non_letter(R"([^\x00-\x7f\pL])");
  // Its answer for each character of two bytes (U+0080 to U+07FF) and of
  // U+2000 to U+20FF (general punctuation and currency signs: ’ « – … €),
  // asked once: whether it is no letter.
  struct Answers {
    bool two_bytes[0x800] = {};
    bool punctuation[0x100] = {};
  };
  static const Answers answers = [] {
    Answers a;
    for (unsigned cp = 0x80; cp < 0x800; ++cp) {
      const char b[2] = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
      a.two_bytes[cp] = RE2::FullMatch(std::string_view(b, 2), non_letter);
    }
    for (unsigned k = 0; k < 0x100; ++k) {
      const unsigned cp = 0x2000 + k;
      const char b[3] = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                         static_cast<char>(0x80 | (cp & 0x3F))};
      a.punctuation[k] = RE2::FullMatch(std::string_view(b, 3), non_letter);
    }
    return a;
  }();
  // The characters one by one (a match of the class is one character);
  // from the first that is none of those, RE2 reads the rest.
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  while (i < n) {
    const unsigned char c = byte(i);
    if (c < 0x80) {
      i = SkipAscii(text, i + 1);
    } else if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (byte(i + 1) & 0xC0) == 0x80) {
      if (answers.two_bytes[(static_cast<unsigned>(c & 0x1F) << 6) | (byte(i + 1) & 0x3F)]) return false;
      i += 2;
    } else if (c == 0xE2 && i + 2 < n && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x83 && (byte(i + 2) & 0xC0) == 0x80) {
      if (answers.punctuation[(static_cast<unsigned>(byte(i + 1) & 0x03) << 6) | (byte(i + 2) & 0x3F)]) return false;
      i += 3;
    } else {
      return !RE2::PartialMatch(text.substr(i), non_letter);
    }
  }
  return true;
}

std::unique_ptr<RE2> CompileNarrowTwin(std::string_view pattern, const RE2& original,
                                       const RE2::Options& options) {
  std::string narrow = NarrowLetterClasses(pattern);
  if (narrow.empty()) return nullptr;
  auto twin = std::make_unique<RE2>(narrow, options);
  if (!twin->ok() || twin->ProgramSize() >= original.ProgramSize() ||
      twin->NumberOfCapturingGroups() != original.NumberOfCapturingGroups() ||
      twin->NamedCapturingGroups() != original.NamedCapturingGroups())
    return nullptr;
  return twin;
}

RelaxedPattern RelaxBounds(std::string_view p) {
  RelaxedPattern r;
  // Inline flags: "(?" then a flag letter or '-'. "(?:", "(?P<" and "(?<" are groups.
  for (size_t i = p.find("(?"); i != std::string_view::npos; i = p.find("(?", i + 2)) {
    if (i > 0 && p[i - 1] == '\\') continue;
    char c = i + 2 < p.size() ? p[i + 2] : ':';
    if (c != ':' && c != 'P' && c != '<') return r;
  }
  std::vector<Token> tokens = Tokens(p);
  auto relaxable = [&](size_t k) {
    const Token& t = tokens[k];
    return t.kind == Token::kAtom && t.single && k + 1 < tokens.size() && tokens[k + 1].kind == Token::kQuant &&
           tokens[k + 1].max >= 8;
  };
  // Groups repeated by the quantifier after them: their opening and closing tokens.
  std::vector<size_t> close_of(tokens.size(), 0);
  std::vector<char> repeated(tokens.size(), 0);
  std::vector<size_t> open;
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (tokens[k].kind == Token::kOpen) open.push_back(k);
    if (tokens[k].kind != Token::kClose || open.empty()) continue;
    const Token* q = k + 1 < tokens.size() && tokens[k + 1].kind == Token::kQuant ? &tokens[k + 1] : nullptr;
    repeated[open.back()] = q && (q->max < 0 || q->max > 1);
    close_of[open.back()] = k;
    open.pop_back();
  }
  // A repetition inside a repeated group is checked over the span of the
  // outermost such group with its quantifier, captured: "(?P<__b1>(?:...)*)".
  std::vector<int> wrap(tokens.size(), -1);  // opening token -> its bound's capture number
  std::string out;
  out.reserve(p.size() + 64);
  std::vector<size_t> outer;  // the outermost repeated group we are in (stack of one)
  size_t outer_close = 0;
  int captures = 0;
  std::vector<std::string> names;
  for (size_t k = 0; k < tokens.size(); ++k) {
    const Token& t = tokens[k];
    std::string_view text = p.substr(t.begin, t.end - t.begin);
    if (t.kind == Token::kOpen && outer.empty() && repeated[k]) {
      outer.push_back(k);
      outer_close = close_of[k];
      // Relaxed repetitions inside: wrap the group if there is one.
      for (size_t m = k + 1; m < outer_close; ++m)
        if (relaxable(m)) {
          wrap[k] = captures++;
          break;
        }
      if (wrap[k] >= 0) out += "(?P<__b" + std::to_string(wrap[k]) + ">";
    }
    if (relaxable(k)) {
      const Token& q = tokens[k + 1];
      bool lazy = p[q.end - 1] == '?' && q.end - q.begin > 1;
      std::string relaxed = std::string(text) + "{" + std::to_string(q.min) + ",}" + (lazy ? "?" : "");
      if (outer.empty()) {
        std::string name = "__b" + std::to_string(captures++);
        r.bounds.push_back({name, q.max, ""});
        out += "(?P<" + name + ">" + relaxed + ")";
      } else {
        r.bounds.push_back({"__b" + std::to_string(wrap[outer.back()]), q.max,
                            "(?:" + std::string(text) + "){" + std::to_string(q.max + 1) + "}"});
        out += relaxed;
      }
      ++k;  // the quantifier
      continue;
    }
    out.append(text);
    if (!outer.empty() && k == outer_close + 1 && tokens[k].kind == Token::kQuant) {
      if (wrap[outer.back()] >= 0) out += ")";
      outer.clear();
    }
  }
  if (!r.bounds.empty()) r.pattern = std::move(out);
  return r;
}

}  // namespace kg::ingest
