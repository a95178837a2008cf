#include "ingest/pattern_twins.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>

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

// Per opening token of a group: the token that closes it, and the quantifier
// right after that (null: none).
struct GroupEnds {
  std::vector<size_t> close;
  std::vector<const Token*> quantifier;
};
GroupEnds Groups(const std::vector<Token>& tokens) {
  GroupEnds g{std::vector<size_t>(tokens.size(), 0), std::vector<const Token*>(tokens.size(), nullptr)};
  std::vector<size_t> open;
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (tokens[k].kind == Token::kOpen) open.push_back(k);
    if (tokens[k].kind != Token::kClose || open.empty()) continue;
    g.close[open.back()] = k;
    if (k + 1 < tokens.size() && tokens[k + 1].kind == Token::kQuant) g.quantifier[open.back()] = &tokens[k + 1];
    open.pop_back();
  }
  return g;
}

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

namespace {

// Inline flags: "(?" then a flag letter or '-'. "(?:", "(?P<" and "(?<" are groups.
bool HasInlineFlags(std::string_view p) {
  for (size_t i = p.find("(?"); i != std::string_view::npos; i = p.find("(?", i + 2)) {
    if (i > 0 && p[i - 1] == '\\') continue;
    char c = i + 2 < p.size() ? p[i + 2] : ':';
    if (c != ':' && c != 'P' && c != '<') return true;
  }
  return false;
}

}  // namespace

bool HasEmptyWidthTests(std::string_view pattern) {
  for (const Token& t : Tokens(pattern)) {
    const char c = pattern[t.begin];
    if (t.kind == Token::kOther && (c == '^' || c == '$')) return true;
    if (c == '\\' && t.end - t.begin >= 2) {
      const char e = pattern[t.begin + 1];
      if (e == 'b' || e == 'B' || e == 'A' || e == 'z') return true;
    }
  }
  return false;
}

RelaxedPattern RelaxBounds(std::string_view p) {
  RelaxedPattern r;
  if (HasInlineFlags(p)) return r;
  std::vector<Token> tokens = Tokens(p);
  auto relaxable = [&](size_t k) {
    const Token& t = tokens[k];
    return t.kind == Token::kAtom && t.single && k + 1 < tokens.size() && tokens[k + 1].kind == Token::kQuant &&
           tokens[k + 1].max >= 8;
  };
  // Groups repeated by the quantifier after them: their opening and closing tokens.
  const GroupEnds groups = Groups(tokens);
  const std::vector<size_t>& close_of = groups.close;
  std::vector<char> repeated(tokens.size(), 0);
  for (size_t k = 0; k < tokens.size(); ++k)
    if (const Token* q = groups.quantifier[k]) repeated[k] = q->max < 0 || q->max > 1;
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

bool RelaxingKeepsSyntax(std::string_view p) {
  if (HasInlineFlags(p)) return true;  // RelaxBounds leaves it alone
  const std::vector<Token> tokens = Tokens(p);
  // Per opening token: whether a count ("{2,5}", "{3}") repeats its group.
  const GroupEnds groups = Groups(tokens);
  std::vector<char> counted(tokens.size(), 0);
  for (size_t k = 0; k < tokens.size(); ++k)
    if (const Token* q = groups.quantifier[k]) counted[k] = p[q->begin] == '{' && (q->min >= 2 || q->max >= 2);
  std::vector<size_t> open;
  for (size_t k = 0; k < tokens.size(); ++k) {
    const Token& t = tokens[k];
    if (t.kind == Token::kOpen) open.push_back(k);
    if (t.kind == Token::kClose && !open.empty()) open.pop_back();
    // A repetition RelaxBounds relaxes (see there).
    if (!(t.kind == Token::kAtom && t.single && k + 1 < tokens.size() && tokens[k + 1].kind == Token::kQuant &&
          tokens[k + 1].max >= 8))
      continue;
    const Token& q = tokens[k + 1];
    if (q.min > q.max || q.max > 1000) return false;
    for (size_t g : open)
      if (counted[g]) return false;
  }
  return true;
}

std::vector<std::string_view> RequiredAtoms(std::string_view p) {
  if (HasInlineFlags(p)) return {};
  const std::vector<Token> tokens = Tokens(p);
  size_t k = 0;
  // The required atoms of the sequence from tokens[k] to the close of its
  // group (or the end, at depth 0), past which it leaves k; false when the
  // groups do not balance.
  auto sequence = [&](auto& self, int depth, std::vector<std::string_view>& out) -> bool {
    const size_t first = out.size();
    size_t last = out.size();  // where the atoms of the last item start
    bool alternation = false;
    while (k < tokens.size()) {
      const Token& t = tokens[k++];
      if (t.kind == Token::kClose) {
        if (depth == 0) return false;
        if (alternation) out.resize(first);
        return true;
      }
      if (t.kind == Token::kQuant) {
        if (t.min == 0) out.resize(last);
        last = out.size();
        continue;
      }
      last = out.size();
      if (t.kind == Token::kOpen) {
        if (!self(self, depth + 1, out)) return false;
      } else if (t.kind == Token::kAtom) {
        out.push_back(p.substr(t.begin, t.end - t.begin));
      } else if (p[t.begin] == '|') {
        alternation = true;
      }
    }
    if (alternation) out.resize(first);
    return depth == 0;
  };
  std::vector<std::string_view> out;
  if (!sequence(sequence, 0, out)) return {};
  return out;
}

std::optional<std::string_view> LeadingMarkerClass(std::string_view p) {
  if (HasInlineFlags(p)) return std::nullopt;
  const std::vector<Token> tokens = Tokens(p);
  auto text = [&](size_t k) { return p.substr(tokens[k].begin, tokens[k].end - tokens[k].begin); };
  auto quantified = [&](size_t k) { return k + 1 < tokens.size() && tokens[k + 1].kind == Token::kQuant; };
  // The groups the pattern opens first, then "\x01" and what follows it.
  size_t k = 0;
  while (k < tokens.size() && tokens[k].kind == Token::kOpen) ++k;
  if (k == tokens.size() || text(k) != "\\x01" || quantified(k)) return std::nullopt;
  std::string_view cls;
  if (k + 1 < tokens.size() && tokens[k + 1].kind == Token::kAtom && p[tokens[k + 1].begin] == '[' && !quantified(k + 1))
    cls = text(k + 1);
  // Then no quantifier after those groups, and no '|' in them but inside
  // other groups.
  size_t depth = k, open = k;  // open: the first groups still open
  for (++k; k < tokens.size(); ++k) {
    const Token& t = tokens[k];
    if (t.kind == Token::kOpen) {
      ++depth;
    } else if (t.kind == Token::kClose && depth > 0) {
      if (depth-- == open) {  // one of the first groups closes
        --open;
        if (quantified(k)) return std::nullopt;
      }
    } else if (t.kind == Token::kOther && p[t.begin] == '|' && depth <= open) {
      return std::nullopt;
    }
  }
  if (open > 0) return std::nullopt;  // unbalanced
  return cls;
}

namespace {

// A top-level item of a pattern: an atom or a group, with its quantifiers.
struct Item {
  std::string_view text;
  int groups = 0;       // capturing groups inside
  int first_group = 0;  // the pattern's index of the first of them
};

bool Capturing(std::string_view open) { return open == "(" || open.rfind("(?P<", 0) == 0 || open.rfind("(?<", 0) == 0; }

// The items of `p` in order; empty when `p` has a top-level '|' or is malformed.
std::vector<Item> TopLevelItems(std::string_view p) {
  std::vector<Item> items;
  int depth = 0;
  for (const Token& t : Tokens(p)) {
    std::string_view text = p.substr(t.begin, t.end - t.begin);
    if (depth == 0 && t.kind == Token::kOther && text == "|") return {};
    if (depth == 0 && t.kind == Token::kQuant) {
      if (items.empty()) return {};
      items.back().text = p.substr(static_cast<size_t>(items.back().text.data() - p.data()),
                                   t.end - static_cast<size_t>(items.back().text.data() - p.data()));
      continue;
    }
    if (depth == 0 && t.kind != Token::kClose) items.push_back({text, 0});
    if (t.kind == Token::kOpen) {
      ++depth;
      if (Capturing(text)) ++items.back().groups;
    } else if (t.kind == Token::kClose) {
      if (--depth < 0) return {};
      const size_t b = static_cast<size_t>(items.back().text.data() - p.data());
      items.back().text = p.substr(b, t.end - b);
    }
  }
  if (depth != 0) return {};
  return items;
}

// `items` with their capturing groups made non-capturing.
std::string WithoutGroups(const std::vector<Item>& items, size_t from, size_t to) {
  std::string out;
  for (size_t k = from; k < to; ++k) {
    std::string_view text = items[k].text;
    for (const Token& t : Tokens(text)) {
      std::string_view part = text.substr(t.begin, t.end - t.begin);
      out += t.kind == Token::kOpen && Capturing(part) ? std::string_view("(?:") : part;
    }
  }
  return out;
}

// A pattern whose matches start every match of `item` (a top-level item),
// without groups, of at most `budget` instructions (its share of a program,
// `size` measures one): the first items of a group repeated at least once,
// "(?:\x01[\x11]\d+\x02)" for "(?P<o>\x01[\x11]\d+\x02(?:, \x01[\x11]\d+\x02)*)".
// Empty when there is none.
// `p` cut at its top-level '|' (one part when there is none).
std::vector<std::string_view> TopLevelBranches(std::string_view p) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t from = 0;
  for (const Token& t : Tokens(p)) {
    if (t.kind == Token::kOpen) ++depth;
    if (t.kind == Token::kClose) --depth;
    if (depth == 0 && t.kind == Token::kOther && p[t.begin] == '|') {
      parts.push_back(p.substr(from, t.begin - from));
      from = t.end;
    }
  }
  parts.push_back(p.substr(from));
  return parts;
}

// The index of the token that closes the group tokens[0] opens (0: none).
size_t GroupClose(const std::vector<Token>& tokens) {
  for (size_t k = 0, depth = 0; k < tokens.size(); ++k) {
    if (tokens[k].kind == Token::kOpen) ++depth;
    if (tokens[k].kind == Token::kClose && --depth == 0) return k;
  }
  return 0;
}

template <typename Size>
std::string LookaheadPrefix(std::string_view item, int budget, const Size& size);

// True when every match of `item` (a top-level item) starts with the byte
// \x01: a slot, "(?P<name>\x01...)" without a quantifier.
bool StartsWithMarker(std::string_view item) {
  if (item.starts_with("(?P<")) {
    if (item.back() != ')') return false;
    item.remove_prefix(item.find('>') + 1);
  }
  return item.starts_with("\\x01");
}

// A pattern whose matches start every match of the sequence `p` (no
// top-level '|'), of at most `budget` instructions; empty when there is none.
template <typename Size>
std::string SequencePrefix(std::string_view p, int budget, const Size& size) {
  std::vector<Item> inner = TopLevelItems(p);
  std::string out;
  for (size_t k = 0; k < inner.size(); ++k) {
    std::string plain = WithoutGroups(inner, k, k + 1);
    const int share = size(plain);
    if (share >= 0 && share <= budget) {
      out += plain;
      budget -= share;
      continue;
    }
    out += LookaheadPrefix(inner[k].text, budget, size);
    break;
  }
  return out;
}

// A pattern whose matches start every match of `item` (a top-level item),
// without groups, of at most `budget` instructions (its share of a program,
// `size` measures one): the first items of a group repeated at least once,
// "(?:\x01[\x11]\d+\x02)" for "(?P<o>\x01[\x11]\d+\x02(?:, \x01[\x11]\d+\x02)*)",
// or of each branch of an alternation, "(?:pl|ri)" for "(?:players|rivals) X".
// Empty when there is none.
template <typename Size>
std::string LookaheadPrefix(std::string_view item, int budget, const Size& size) {
  std::vector<Token> tokens = Tokens(item);
  if (tokens.empty() || tokens[0].kind != Token::kOpen) return "";
  const size_t close = GroupClose(tokens);
  if (close == 0) return "";
  for (size_t k = close + 1; k < tokens.size(); ++k)
    if (tokens[k].kind != Token::kQuant || tokens[k].min == 0) return "";
  const std::vector<std::string_view> parts =
      TopLevelBranches(item.substr(tokens[0].end, tokens[close].begin - tokens[0].end));
  if (parts.size() == 1) {
    std::string prefix = SequencePrefix(parts[0], budget, size);
    return prefix.empty() ? prefix : "(?:" + prefix + ")";
  }
  // Each branch's prefix within a share of the budget, smaller until they fit together.
  for (int share = budget / static_cast<int>(parts.size()); share > 0; share /= 2) {
    std::string out;
    for (std::string_view part : parts) {
      std::string prefix = SequencePrefix(part, share, size);
      if (prefix.empty()) return "";
      out += (out.empty() ? "(?:" : "|") + prefix;
    }
    out += ")";
    const int total = size(out);
    if (total >= 0 && total <= budget) return out;
  }
  return "";
}

// The branches of a choice (see PatternPieces::Cut), in RE2's order of
// preference, each as items numbered from item.first_group; one branch for a
// group read as its items; none when `item` is no choice. New item texts are
// kept in `texts`.
std::vector<std::vector<Item>> Branches(const Item& item, std::deque<std::string>& texts) {
  const std::vector<Token> tokens = Tokens(item.text);
  if (tokens.empty() || item.text.substr(tokens[0].begin, tokens[0].end - tokens[0].begin) != "(?:") return {};
  const size_t close = GroupClose(tokens);
  if (close == 0 || close + 2 < tokens.size() || (close + 1 < tokens.size() && tokens[close + 1].kind != Token::kQuant))
    return {};
  const std::string_view inner = item.text.substr(tokens[0].end, tokens[close].begin - tokens[0].end);
  const std::string_view group = item.text.substr(0, tokens[close].end);
  bool ok = true;
  auto items_of = [&](std::string_view part, int& next_group) {
    std::vector<Item> items = TopLevelItems(part);
    if (items.empty() && !part.empty()) ok = false;
    for (Item& it : items) {
      it.first_group = next_group;
      next_group += it.groups;
    }
    return items;
  };
  std::vector<std::vector<Item>> out;
  int next_group = item.first_group;
  if (close + 1 == tokens.size()) {
    for (std::string_view part : TopLevelBranches(inner)) out.push_back(items_of(part, next_group));
    if (!ok || next_group != item.first_group + item.groups) return {};
    return out;
  }
  const Token& q = tokens[close + 1];
  const bool lazy = item.text[q.end - 1] == '?' && q.end - q.begin >= 2;
  if (q.min != 0 || q.max < 1 || (q.max > 1 && item.groups > 0)) return {};
  std::vector<Item> once = {{group, item.groups, item.first_group}};
  if (q.max > 1) {
    texts.push_back(std::string(group) + "{0," + std::to_string(q.max - 1) + "}" + (lazy ? "?" : ""));
    once.push_back({texts.back(), 0, item.first_group});
  }
  if (lazy) return {{}, once};
  return {once, {}};
}

}  // namespace

std::unique_ptr<PatternPieces> PatternPieces::Cut(const RE2& re) {
  const RE2::Options& o = re.options();
  if (!re.ok() || re.ProgramSize() <= kBitStateMax || re.NumberOfCapturingGroups() == 0 || o.longest_match() ||
      o.never_capture() || o.posix_syntax())
    return nullptr;
  const std::string& p = re.pattern();
  if (HasInlineFlags(p)) return nullptr;
  std::vector<Item> items = TopLevelItems(p);
  if (items.size() < 2) return nullptr;
  // Each item's share of a program: its own program less that of nothing.
  // Patterns share many items (a list slot, a macro): their sizes are kept,
  // per options that change a program's size.
  static std::mutex mu;
  static std::unordered_map<std::string, int> known_sizes;
  const std::string options_key = {o.case_sensitive() ? 'c' : 'i', o.encoding() == RE2::Options::EncodingUTF8 ? 'u' : 'l',
                                   o.perl_classes() ? 'p' : '-', o.word_boundary() ? 'w' : '-',
                                   o.never_nl() ? 'n' : '-', o.dot_nl() ? 'd' : '-', o.literal() ? 'l' : '-'};
  auto program_size = [&](const std::string& pattern) {
    const std::string key = options_key + pattern;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (auto it = known_sizes.find(key); it != known_sizes.end()) return it->second;
    }
    RE2 compiled(pattern, o);
    const int size = compiled.ok() ? compiled.ProgramSize() : -1;
    std::lock_guard<std::mutex> lock(mu);
    known_sizes.emplace(key, size);
    return size;
  };
  const int base = program_size("");
  auto share = [&](const std::string& pattern) {
    const int size = program_size(pattern);
    return size < 0 ? -1 : size - base;
  };
  const int tail = program_size("()") - base;
  if (base < 0 || tail < 0) return nullptr;
  int next_group = 1;
  for (Item& item : items) {
    item.first_group = next_group;
    next_group += item.groups;
  }
  if (next_group != re.NumberOfCapturingGroups() + 1) return nullptr;
  std::deque<std::string> texts;  // items that choices make up
  // Each branch cuts the items after its choice anew: a bound on the
  // programs compiled keeps patterns with many choices from costing much.
  int programs_left = 256;
  // The plan of the items from a slot on, per items (see `key` below).
  std::map<std::string, std::shared_ptr<const Plan>> after_slot;
  // Appends to `plan` the pieces of `items`, up to the end of the span.
  // `checked`: a check has found that the items match the rest of the span.
  auto build = [&](auto& self, std::vector<Item> items, bool checked, Plan& plan) -> bool {
    std::vector<int> sizes;
    int last_groups = -1;  // the last item with groups
    for (size_t k = 0; k < items.size(); ++k) {
      const int size = program_size(std::string(items[k].text));
      if (size < 0) return false;
      sizes.push_back(size - base);
      if (items[k].groups) last_groups = static_cast<int>(k);
    }
    if (checked && last_groups < 0) return true;
    auto joined = [&](size_t from, size_t to) {
      std::string out;
      for (size_t k = from; k < to; ++k) out += items[k].text;
      return out;
    };
    for (size_t start = 0; start < items.size() || items.empty();) {
      if (--programs_left < 0) return false;
      Piece piece;
      if (static_cast<int>(start) > last_groups) {
        // No group left: the rest is only checked (by its DFA), in one piece.
        piece.re = std::make_unique<RE2>(WithoutGroups(items, start, items.size()), o);
        if (!piece.re->ok()) return false;
        plan.pieces.push_back(std::move(piece));
        break;
      }
      // Items without groups, then a slot (an item that starts with a
      // marker): a jump to the slot. (The plan after a slot is the same from
      // every branch that jumps to it.)
      if (size_t slot = start; items[slot].groups == 0) {
        while (items[slot].groups == 0) ++slot;  // (last_groups >= start)
        if (StartsWithMarker(items[slot].text)) {
          std::string key;  // the items from the slot on, and where their groups start
          for (size_t k = slot; k < items.size(); ++k)
            key.append(items[k].text).append(1, '\0').append(std::to_string(items[k].first_group)).append(1, '\0');
          Piece jump;
          jump.jump = std::make_unique<RE2>(WithoutGroups(items, start, slot), o);
          jump.rest = std::make_unique<RE2>(WithoutGroups(items, slot, items.size()), o);
          auto& after = after_slot[key];
          if (!after) {
            auto rest = std::make_shared<Plan>();
            if (self(self, std::vector<Item>(items.begin() + static_cast<std::ptrdiff_t>(slot), items.end()), false,
                     *rest))
              after = std::move(rest);
          }
          jump.after_jump = after;
          if (jump.jump->ok() && jump.rest->ok() && jump.after_jump) {
            plan.pieces.push_back(std::move(jump));
            return true;
          }
        }
      }
      // As many items as fit with the cut and the rest, then as many of the
      // next ones as still fit as the lookahead; fewer if the program is
      // larger than the sum of its items.
      size_t end = start;
      int used = base + tail;
      while (end < items.size() && used + sizes[end] <= kBitStateMax) used += sizes[end++];
      if (end == start) {
        // An item too big alone: its branches, each with the items after it.
        std::vector<std::vector<Item>> branches = Branches(items[start], texts);
        if (branches.empty()) return false;
        for (size_t b = 0; b < branches.size(); ++b) {
          std::vector<Item> rest = std::move(branches[b]);
          rest.insert(rest.end(), items.begin() + static_cast<std::ptrdiff_t>(start) + 1, items.end());
          if (branches.size() == 1) return self(self, std::move(rest), false, plan);
          Plan::Branch branch;
          const bool last = b + 1 == branches.size();
          if (!last) {
            branch.check = std::make_unique<RE2>(WithoutGroups(rest, 0, rest.size()), o);
            if (!branch.check->ok()) return false;
          }
          branch.plan = std::make_unique<Plan>();
          if (!self(self, std::move(rest), !last, *branch.plan)) return false;
          plan.branches.push_back(std::move(branch));
        }
        return true;
      }
      if (end == items.size()) used -= tail;
      size_t ahead = end;
      while (ahead < items.size() && used + sizes[ahead] <= kBitStateMax) used += sizes[ahead++];
      // Then the start of the next item, when a part of it fits.
      int prefix_budget = kBitStateMax - used;
      std::string prefix = ahead < items.size() ? LookaheadPrefix(items[ahead].text, prefix_budget, share) : "";
      for (;;) {
        piece.more = end < items.size();
        std::string pattern = joined(start, end);
        if (piece.more) pattern += "()" + WithoutGroups(items, end, ahead) + prefix;
        piece.re = std::make_unique<RE2>(pattern, o);
        if (piece.re->ok() && piece.re->ProgramSize() <= kBitStateMax) break;
        if (!prefix.empty()) {
          // A smaller start of the next item, down to none.
          prefix_budget /= 2;
          prefix = prefix_budget > 0 ? LookaheadPrefix(items[ahead].text, prefix_budget, share) : "";
        } else if (ahead > end) {
          --ahead;
        } else if (end > start + 1) {
          ahead = --end;
        } else {
          return false;
        }
      }
      for (size_t k = start; k < end; ++k)
        for (int g = 0; g < items[k].groups; ++g) piece.group_index.push_back(items[k].first_group + g);
      const int wanted = static_cast<int>(piece.group_index.size()) + (piece.more ? 1 : 0);
      if (piece.re->NumberOfCapturingGroups() != wanted || wanted > kMaxPieceGroups) return false;
      plan.pieces.push_back(std::move(piece));
      start = end;
    }
    return true;
  };
  std::unique_ptr<PatternPieces> cut(new PatternPieces());
  if (!build(build, std::move(items), false, cut->plan_)) return nullptr;
  const auto& pieces = cut->plan_.pieces;
  if (pieces.size() < 2 && cut->plan_.branches.empty() && !(pieces.size() == 1 && pieces[0].jump)) return nullptr;
  return cut;
}

bool PatternPieces::Run(const Plan& plan, std::string_view text, size_t at, size_t end, re2::StringPiece* groups,
                        int n) {
  re2::StringPiece found[kMaxPieceGroups + 1];
  for (const Piece& piece : plan.pieces) {
    if (piece.jump) {
      // The items jumped over end where the slot after them starts, at a
      // '\x01'. When only one '\x01' ends a match of them, the pattern's
      // parse (of which they are a part, from `at` on) takes that one.
      // When several do, the one from which the rest (`rest`, its DFA)
      // matches up to the end of the span, if only one does.
      constexpr size_t kMaxEnds = 4;
      size_t ends[kMaxEnds];
      size_t n_ends = 0;
      for (size_t c = text.find('\x01', at); c < end && n_ends <= kMaxEnds; c = text.find('\x01', c + 1))
        if (piece.jump->Match(text, at, c, RE2::ANCHOR_BOTH, nullptr, 0)) {
          if (n_ends == kMaxEnds) {
            n_ends = 0;  // too many
            break;
          }
          ends[n_ends++] = c;
        }
      if (n_ends > 1) {
        size_t kept = 0;
        for (size_t k = 0; k < n_ends; ++k)
          if (piece.rest->Match(text, ends[k], end, RE2::ANCHOR_BOTH, nullptr, 0)) ends[kept++] = ends[k];
        n_ends = kept;
      }
      // None or several: the pattern reads the groups.
      return n_ends == 1 && Run(*piece.after_jump, text, ends[0], end, groups, n);
    }
    const int wanted = static_cast<int>(piece.group_index.size()) + (piece.more ? 1 : 0);
    // The last piece, or the rest when it has no group, ends at the end of
    // the match; the others at the start of the rest.
    if (!piece.re->Match(text, at, end, piece.more ? RE2::ANCHOR_START : RE2::ANCHOR_BOTH, wanted ? found : nullptr,
                         wanted ? wanted + 1 : 0))
      return false;
    for (size_t g = 0; g < piece.group_index.size(); ++g)
      if (piece.group_index[g] < n) groups[piece.group_index[g]] = found[g + 1];
    if (piece.more) at = static_cast<size_t>(found[wanted].data() - text.data());
  }
  for (const Plan::Branch& branch : plan.branches)
    if (!branch.check || branch.check->Match(text, at, end, RE2::ANCHOR_BOTH, nullptr, 0))
      return Run(*branch.plan, text, at, end, groups, n);
  return true;
}

void PatternPieces::Groups(const RE2& re, std::string_view text, size_t begin, size_t end,
                           re2::StringPiece* groups, int n) const {
  for (int g = 1; g < n; ++g) groups[g] = re2::StringPiece();
  if (!Run(plan_, text, begin, end, groups, n)) {
    re.Match(text, begin, end, RE2::ANCHOR_BOTH, groups, n);
    return;
  }
  groups[0] = re2::StringPiece(text.data() + begin, end - begin);
}

bool PieceMatcher::Match(const RE2& re, std::string_view text, size_t from, re2::StringPiece* groups,
                         int n) const {
  if (n <= 1 || re.ProgramSize() <= PatternPieces::kBitStateMax)
    return re.Match(text, from, text.size(), RE2::UNANCHORED, groups, n);
  // Where the match is (the DFA), then its groups.
  re2::StringPiece found;
  if (!re.Match(text, from, text.size(), RE2::UNANCHORED, &found, 1)) return false;
  const size_t begin = static_cast<size_t>(found.data() - text.data());
  Groups(re, text, begin, begin + found.size(), groups, n);
  return true;
}

void PieceMatcher::Groups(const RE2& re, std::string_view text, size_t begin, size_t end, re2::StringPiece* groups,
                          int n) const {
  if (n <= 1 || re.ProgramSize() <= PatternPieces::kBitStateMax) {
    // As Match() reads such a pattern: one search with the groups, from
    // the match's start (where the same match starts).
    re.Match(text, begin, text.size(), RE2::UNANCHORED, groups, n);
    return;
  }
  if (matches_.load(std::memory_order_relaxed) < kCutAfterMatches &&
      matches_.fetch_add(1, std::memory_order_relaxed) + 1 < kCutAfterMatches) {
    re.Match(text, begin, end, RE2::ANCHOR_BOTH, groups, n);
    return;
  }
  std::call_once(cut_once_, [&] { pieces_ = PatternPieces::Cut(re); });
  if (!pieces_) {
    re.Match(text, begin, end, RE2::ANCHOR_BOTH, groups, n);
    return;
  }
  pieces_->Groups(re, text, begin, end, groups, n);
}

}  // namespace kg::ingest
