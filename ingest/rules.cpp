// Rule loading and matching. A pattern's slots are expanded into re2 named
// groups over marker text "\x01" CODE INDEX "\x02" (one byte for the type); a match is read back by
// parsing the markers inside each group.
#include "ingest/rules.h"

#include <re2/re2.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unordered_map>

#include "ingest/lexicon.h"
#include "ingest/pattern_twins.h"
#include "ingest/text.h"

namespace kg::ingest {

namespace {

// Every problem found while loading rules, one per line, in one RuleError.
void ThrowIfErrors(const std::vector<std::string>& errors) {
  if (errors.empty()) return;
  std::string msg;
  for (const auto& e : errors) msg += (msg.empty() ? "" : "\n") + e;
  throw RuleError(msg);
}

// (Views, not C strings: a comparison with a name of another length is a
// compare of sizes, not a strlen and a memcmp.)
constexpr std::string_view kEntityTypes[] = {"Person", "Organization", "Country", "Place", "Project",
                                             "Product", "Policy", "Event"};
constexpr std::string_view kValueTypes[] = {"Money", "Date", "Number"};

// Types as bits: the entity types, then the value types. A slot of type
// "Entity" takes every entity type, and a marker typed "Entity" (kEntityWord).
// kAnyType is set in every sentence's mask.
constexpr unsigned kEntityBits = (1u << std::size(kEntityTypes)) - 1;
constexpr unsigned kEntityWord = 1u << 30;
constexpr unsigned kAnyType = 1u << 31;

// The bit of one type (0 for "Entity" and unknown types).
unsigned TypeBit(std::string_view t) {
  for (size_t i = 0; i < std::size(kEntityTypes); ++i)
    if (t == kEntityTypes[i]) return 1u << i;
  for (size_t i = 0; i < std::size(kValueTypes); ++i)
    if (t == kValueTypes[i]) return 1u << (std::size(kEntityTypes) + i);
  return 0;
}

bool KnownSlotType(const std::string& t) { return t == "Entity" || TypeBit(t) != 0; }

// In a tagged view a mention is the marker "\x01" CODE INDEX "\x02": CODE is
// one byte for its type, INDEX the mention's index in decimal. A type of bit
// 1 << i has the code kFirstCode + i; a mention typed "Entity" and one of any
// other type have codes of their own. One byte instead of the type's name
// keeps the views short and the rule patterns small (a slot is a class of
// codes, not an alternation of names).
constexpr char kFirstCode = '\x10';
constexpr size_t kTypes = std::size(kEntityTypes) + std::size(kValueTypes);
constexpr char kEntityCode = static_cast<char>(kFirstCode + kTypes);
constexpr char kOtherCode = static_cast<char>(kEntityCode + 1);
constexpr size_t kCodes = kTypes + 2;

char TypeCode(std::string_view t) {
  if (unsigned bit = TypeBit(t)) return static_cast<char>(kFirstCode + std::countr_zero(bit));
  return t == "Entity" ? kEntityCode : kOtherCode;
}

// The marker that starts at `at` of `text` (a '\x01' there): its code, the
// mention index and the offset of its closing '\x02'. False when malformed.
struct Marker {
  char code = 0;
  size_t index = 0;
  size_t end = 0;
};
bool ReadMarker(std::string_view text, size_t at, Marker& m) {
  m.end = text.find('\x02', at);
  if (m.end == std::string_view::npos || m.end < at + 2) return false;
  m.code = text[at + 1];
  m.index = 0;
  std::from_chars(text.data() + at + 2, text.data() + m.end, m.index);
  return true;
}

// The bit of a marker's code (kEntityWord for "Entity", 0 for other types).
unsigned CodeBit(char code) {
  if (code == kEntityCode) return kEntityWord;
  auto i = static_cast<unsigned>(code - kFirstCode);
  return code >= kFirstCode && i < kTypes ? 1u << i : 0;
}

// A class of type codes as MarkerPattern writes it ("[\x11\x12]"), as bits
// (bit i: code kFirstCode + i); ~0u when `cls` is no such class.
unsigned CodeClass(std::string_view cls) {
  if (cls.size() < 6 || cls.front() != '[' || cls.back() != ']' || (cls.size() - 2) % 4 != 0) return ~0u;
  unsigned codes = 0;
  for (size_t i = 1; i + 1 < cls.size(); i += 4) {
    unsigned code = 0;
    const char* end = cls.data() + i + 4;
    if (cls.substr(i, 2) != "\\x" || std::from_chars(cls.data() + i + 2, end, code, 16).ptr != end ||
        code < static_cast<unsigned>(kFirstCode) || code - kFirstCode >= kCodes)
      return ~0u;
    codes |= 1u << (code - kFirstCode);
  }
  return codes;
}

// Rule::marker_order of `pattern` (expanded): its required markers, as
// MarkerPattern writes them ("\x01" then a class of codes), in pattern order.
// Required atoms come in every match in that order, each on characters of its
// own, so a view holds no match from a point after which its markers do not
// hold these as a subsequence (which implies, for every set of codes, enough
// markers of them: the count test this replaced).
std::vector<unsigned> MarkerOrder(std::string_view pattern) {
  const std::vector<std::string_view> atoms = RequiredAtoms(pattern);
  std::vector<unsigned> required;  // per required marker, its codes as bits
  for (size_t k = 0; k + 1 < atoms.size(); ++k) {
    std::string_view cls = atoms[k + 1];
    if (atoms[k] != "\\x01" || cls.data() != atoms[k].data() + atoms[k].size()) continue;
    if (const unsigned codes = CodeClass(cls); codes != ~0u) required.push_back(codes);
  }
  return required;
}

// A slot or macro name: letters, digits and '_'.
bool IsName(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
  });
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// A marker of one of `types` ("Entity": of any entity type).
std::string MarkerPattern(const std::vector<std::string>& types) {
  std::string codes;
  auto add = [&](std::string_view t) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned>(TypeCode(t)));
    codes += hex;
  };
  for (const auto& t : types) {
    if (t == "Entity") {
      for (std::string_view k : kEntityTypes) add(k);
    } else {
      add(t);
    }
  }
  return "\\x01[" + codes + "]\\d+\\x02";
}

// Expands {Type:name}, {A|B+:name} and macros ({det}, {gap}...) in a rule
// pattern. A list slot takes its separators and item prefix from the macros
// list_separator and list_item_prefix. Returns false and sets `error`/`col`
// on a malformed slot or an unknown macro.
bool ExpandPattern(const std::string& src, const std::map<std::string, std::string>& macros, std::string& out,
                   std::vector<Slot>& slots, std::string& error, size_t& col) {
  out.clear();
  for (size_t i = 0; i < src.size(); ++i) {
    char c = src[i];
    if (c == '\\' && i + 1 < src.size()) {
      out += c;
      out += src[++i];
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    size_t close = src.find('}', i);
    if (close == std::string::npos) {
      out += c;
      continue;
    }
    std::string inner = src.substr(i + 1, close - i - 1);
    // Leave re2 repetition counts like {0,3} alone.
    if (!inner.empty() && (std::isdigit(static_cast<unsigned char>(inner[0])) || inner[0] == ',')) {
      out += c;
      continue;
    }
    size_t colon = inner.find(':');
    if (colon == std::string::npos) {
      if (auto m = macros.find(inner); m != macros.end()) {
        // A macro may hold anonymous type classes ({Country|Product}).
        std::string sub;
        std::vector<Slot> none;
        size_t sub_col = 0;
        if (!ExpandPattern(m->second, {}, sub, none, error, sub_col) || !none.empty()) {
          if (error.empty()) error = "macro '" + inner + "' holds a named slot";
          col = i;
          return false;
        }
        out += sub;
        i = close;
        continue;
      }
      // "{Country|Product}": one mention of these types, captured by no slot
      // (a name that may stand in a descriptor, in a gap).
      std::vector<std::string> anonymous;
      std::stringstream ts(inner);
      bool known = !inner.empty();
      for (std::string t; std::getline(ts, t, '|');) {
        known = known && KnownSlotType(t);
        anonymous.push_back(t);
      }
      if (known) {
        out += "(?:" + MarkerPattern(anonymous) + ")";
        i = close;
        continue;
      }
      error = "'{" + inner + "}' is no macro (corpus/rules/macros.rules), no list of types ({Country|Product}) and, as a slot, needs a name: {Type:name}";
      col = i;
      return false;
    }
    Slot slot;
    std::string types = inner.substr(0, colon);
    slot.name = inner.substr(colon + 1);
    if (!types.empty() && types.back() == '+') {
      slot.list = true;
      types.pop_back();
    }
    std::stringstream ts(types);
    std::string t;
    while (std::getline(ts, t, '|')) {
      if (!KnownSlotType(t)) {
        error = "unknown slot type '" + t + "'";
        col = i + 1;
        return false;
      }
      slot.types.push_back(t);
    }
    if (!IsName(slot.name)) {
      error = "bad slot name '" + slot.name + "'";
      col = i + colon + 2;
      return false;
    }
    std::string m = MarkerPattern(slot.types);
    out += "(?P<" + slot.name + ">" + m;
    if (slot.list) {
      auto sep = macros.find("list_separator"), prefix = macros.find("list_item_prefix");
      if (sep == macros.end() || prefix == macros.end()) {
        error = "a list slot needs the macros list_separator and list_item_prefix (corpus/rules/macros.rules)";
        col = i;
        return false;
      }
      // Items: separator, item prefix, a nationality ("l'américain X"), the
      // name. The two macros may hold type classes ("{Country|Place}'s").
      std::string sep_re, prefix_re;
      std::vector<Slot> none;
      size_t sub_col = 0;
      if (!ExpandPattern(sep->second, {}, sep_re, none, error, sub_col) ||
          !ExpandPattern(prefix->second, {}, prefix_re, none, error, sub_col) || !none.empty()) {
        if (error.empty()) error = "list_separator or list_item_prefix holds a named slot";
        col = i;
        return false;
      }
      // A list of people may describe an item ("and software engineer X",
      // "et l'ingénieur sénégalais Y"): up to three lower-case words. An
      // apposition may stand between two of its items ("A, a former Google
      // researcher, and B"): the optional macro list_person_apposition.
      bool people = std::all_of(slot.types.begin(), slot.types.end(), [](const std::string& t) { return t == "Person"; });
      std::string described = people ? "(?:(?:\\pL[\\pL-]+ ){1,3}?)?" : "";
      if (auto appos = macros.find("list_person_apposition"); people && appos != macros.end()) {
        std::string appos_re;
        if (!ExpandPattern(appos->second, {}, appos_re, none, error, sub_col) || !none.empty()) {
          if (error.empty()) error = "list_person_apposition holds a named slot";
          col = i;
          return false;
        }
        sep_re = "(?:" + sep_re + "|" + appos_re + ")";
      }
      out += "(?:" + sep_re + prefix_re + described + "(?:" + MarkerPattern({"Country"}) + " )?" + m + ")*";
    }
    out += ")";
    slots.push_back(slot);
    i = close;
  }
  return true;
}

// Marker text and the mapping back to the sentence.
struct Segment {
  size_t tagged = 0, orig = 0, len = 0;  // text segment, or marker when mention >= 0
  int mention = -1;
  size_t orig_end = 0;
};

struct Tagged {
  std::string text;
  std::vector<Segment> segs;

  size_t ToOrig(size_t t, bool end) const {
    for (const auto& s : segs) {
      bool inside = end ? (t > s.tagged && t <= s.tagged + s.len) : (t >= s.tagged && t < s.tagged + s.len);
      if (!inside) continue;
      if (s.mention >= 0) return end ? s.orig_end : s.orig;
      return s.orig + (t - s.tagged);
    }
    if (segs.empty()) return 0;
    const auto& last = segs.back();
    return last.mention >= 0 ? last.orig_end : last.orig + last.len;
  }
};

bool Usable(const Mention& m) {
  return m.entity >= 0 || Is(m.type, "Money") || Is(m.type, "Date") || Is(m.type, "Number");
}

// The view `view` of sentence `s` into `t` (whose blocks are reused).
// `codes`: per mention its marker code, 0 when it is not Usable(); `nested`:
// the usable mentions nested in a longer name.
void BuildView(std::string_view text, const Sentence& s, const std::vector<Mention>& ms,
               const std::vector<char>& codes, const std::vector<int>& nested, View view, Tagged& t) {
  thread_local std::vector<int> order;  // (kept from call to call, as t is)
  order.clear();
  for (size_t i = 0; i < ms.size(); ++i) {
    if (!codes[i]) continue;
    // The full view shows the names nested in a longer name instead of it.
    bool has_nested = false;
    if (view == View::kFull)
      for (int jn : nested) {
        size_t j = static_cast<size_t>(jn);
        if (j != i && ms[j].begin >= ms[i].begin && ms[j].end <= ms[i].end) has_nested = true;
      }
    if (!has_nested) order.push_back(static_cast<int>(i));
  }
  auto start_of = [&](int i) { return view == View::kCollapsed ? ms[i].outer_begin : ms[i].begin; };
  auto before = [&](int a, int b) {
    if (start_of(a) != start_of(b)) return start_of(a) < start_of(b);
    return ms[a].end > ms[b].end;
  };
  // Mentions come sorted by start: most orders are sorted already (and a
  // stable sort of a sorted order changes nothing).
  if (!std::is_sorted(order.begin(), order.end(), before)) std::stable_sort(order.begin(), order.end(), before);
  t.text.clear();
  t.segs.clear();
  t.text.reserve(s.end - s.begin + 16 * order.size());
  t.segs.reserve(2 * order.size() + 1);
  size_t pos = s.begin;
  for (int i : order) {
    size_t b = start_of(i);
    if (b < pos) continue;  // nested in the previous marker
    if (b > pos) {
      t.segs.push_back({t.text.size(), pos, b - pos, -1, 0});
      t.text.append(text.substr(pos, b - pos));
    }
    size_t at = t.text.size();  // the marker "\x01" CODE INDEX "\x02", in one append
    char marker[24] = {'\x01', codes[static_cast<size_t>(i)]};
    char* marker_end = std::to_chars(marker + 2, marker + sizeof marker - 1, i).ptr;
    *marker_end++ = '\x02';
    t.text.append(marker, static_cast<size_t>(marker_end - marker));
    t.segs.push_back({at, b, t.text.size() - at, i, ms[i].end});
    pos = ms[i].end;
  }
  if (pos < s.end) {
    t.segs.push_back({t.text.size(), pos, s.end - pos, -1, 0});
    t.text.append(text.substr(pos, s.end - pos));
  }
}

bool HasWord(std::string_view text, const std::vector<std::string>& words) {
  for (const std::string& w : words) {
    for (size_t at = text.find(w); at != std::string_view::npos; at = text.find(w, at + 1)) {
      bool starts = at == 0 || text[at - 1] == ' ' || text[at - 1] == ',';
      size_t e = at + w.size();
      bool ends = e == text.size() || text[e] == ' ';
      if (starts && ends) return true;
    }
  }
  return false;
}

// The preposition that ends `text` (markers, determiners and spaces aside),
// as 1 + the index of its family in `words.preposition_families`; 0 none.
int EndingPreposition(std::string_view text, const ListWords& words) {
  // (The word is compared lowered in place, not copied lowered.)
  auto in = [](const std::vector<std::string>& list, std::string_view w) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& l) { return LowersTo(w, l); });
  };
  size_t end = text.size();
  while (end > 0) {
    const char c = text[end - 1];
    if (c == ' ' || c == ',') {
      --end;
      continue;
    }
    if (c == '\x02') {  // a marker
      size_t open = text.rfind('\x01', end - 1);
      if (open == std::string_view::npos) return 0;
      end = open;
      continue;
    }
    // A word, back to a space, a comma, a marker or an apostrophe (which
    // ends the word before it: "d'", "l'").
    size_t begin = c == '\'' ? end - 1 : end;
    while (begin > 0 && text[begin - 1] != ' ' && text[begin - 1] != ',' && text[begin - 1] != '\'' &&
           text[begin - 1] != '\x02')
      --begin;
    const std::string_view w = text.substr(begin, end - begin);
    end = begin;
    // A name's possessive belongs to its marker: "with Australia's X".
    if (w == "s" && begin >= 2 && text[begin - 1] == '\'' && text[begin - 2] == '\x02') {
      end = begin - 1;
      continue;
    }
    if (w == "'" || in(words.determiners, w)) continue;
    for (size_t f = 0; f < words.preposition_families.size(); ++f)
      if (in(words.preposition_families[f], w)) return static_cast<int>(f) + 1;
    return 0;
  }
  return 0;
}

// Mention indexes of the markers in `piece` (a substring of `whole`) whose
// type the slot accepts: the nationality in "A et l'américain B" is not an item.
// A list ends with the item its conjunction introduces: in "backed by A and B,
// C reported" C is no item (`words`: RuleSet::list_words_).
std::vector<int> Markers(std::string_view whole, std::string_view piece, const Slot& slot, const ListWords& words) {
  const std::vector<std::string>& qualifiers = words.qualifiers;
  const std::vector<std::string>& conjunctions = words.conjunctions;
  std::vector<int> out;
  bool conjoined = false;   // an item after a conjunction was taken: the list is complete
  size_t prev_end = std::string_view::npos;  // the end of the previous marker of the list
  const bool list = slot.list;
  size_t base = static_cast<size_t>(piece.data() - whole.data());
  // "avec la participation d'Amazon, de Samsung et de X": when the first item
  // follows the preposition, ", de Y" is the next item, not a qualifier.
  // (Only a list slot reads it.)
  bool repeated_preposition = false;
  if (list)
    for (std::string_view w : qualifiers)  // (the last byte first: most pieces follow none of them)
      if (base >= w.size() && (w.empty() || whole[base - 1] == w.back()) &&
          std::string_view(whole.data() + base - w.size(), w.size()) == w)
        repeated_preposition = true;
  // "soutenu par Walmart, et au britannique Ocado": an item after another
  // preposition than the first item's belongs to another phrase. (Read at
  // the second item: most lists on the bench have one, and reading the
  // words before the first was a fifth of this function.)
  int first_preposition = -1;  // -1: not read yet
  auto first_preposition_of = [&] {
    if (first_preposition < 0)
      first_preposition = EndingPreposition(whole.substr(base >= 24 ? base - 24 : 0, std::min<size_t>(base, 24)), words);
    return first_preposition;
  };
  for (size_t i = 0; i < piece.size(); ++i) {
    if (piece[i] != '\x01') continue;
    Marker marker;
    if (!ReadMarker(piece, i, marker)) break;
    if (!(CodeBit(marker.code) & slot.type_mask)) {
      i = marker.end;
      continue;
    }
    // A country or place that only qualifies the next name ("Japan's X",
    // "London-based X", "l'américain X") is no item of its own; nor is a
    // name joined to the next by a hyphenated word ("Walmart-owned X").
    auto hyphen_qualifier = [](std::string_view rest) {
      if (!rest.starts_with("-")) return false;
      size_t k = 1;
      while (k < rest.size() && std::isalpha(static_cast<unsigned char>(rest[k]))) ++k;
      return k > 1 && rest.substr(k).starts_with(" \x01");
    };
    if (std::string_view rest = piece.substr(marker.end + 1);
        rest.starts_with("'s ") || rest.starts_with("-based ") || rest.starts_with(" \x01") || hyphen_qualifier(rest)) {
      i = marker.end;
      continue;
    }
    bool qualifier = false;
    if (list && !out.empty() && !repeated_preposition) {
      // "X, de la société Y, et Z": Y qualifies X and is not an item.
      std::string_view before = whole.substr(0, base + i);
      size_t comma = before.rfind(',');
      if (comma != std::string_view::npos) {
        std::string_view gap = before.substr(comma + 1);
        size_t p = gap.find_first_not_of(' ');
        if (p != std::string_view::npos) {
          gap = gap.substr(p);
          for (std::string_view w : qualifiers)
            if (gap.substr(0, w.size()) == w) qualifier = true;
        }
      }
    }
    if (list && prev_end != std::string_view::npos && first_preposition_of()) {
      int p = EndingPreposition(piece.substr(prev_end + 1, i - prev_end - 1), words);
      if (p && p != first_preposition) break;
    }
    if (list && prev_end != std::string_view::npos) {
      std::string separator = LowerAscii(piece.substr(prev_end + 1, i - prev_end - 1));
      bool conjunction = HasWord(separator, conjunctions);
      if (conjoined && !conjunction && !qualifier) break;
      // "Isomorphic Labs, the Alphabet spin-off": after a comma and a
      // determiner alone, a name before a lower-case word qualifies that
      // word; the list ends.
      const size_t after = base + marker.end + 1;
      if (!conjunction && !qualifier && after + 1 < whole.size() && whole[after] == ' ' &&
          std::islower(static_cast<unsigned char>(whole[after + 1]))) {
        std::string_view last = separator;  // the separator's last word
        while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
        if (size_t w = last.find_last_of(" ,"); w != std::string_view::npos) last.remove_prefix(w + 1);
        if (std::find(words.determiners.begin(), words.determiners.end(), last) != words.determiners.end()) break;
      }
      if (conjunction && !qualifier) conjoined = true;
    }
    if (!qualifier) out.push_back(static_cast<int>(marker.index));
    prev_end = marker.end;
    i = marker.end;
  }
  return out;
}

}  // namespace

std::pair<std::string, std::vector<Mention>> ParseMarkup(const std::string& marked) {
  std::string plain;
  std::vector<Mention> ms;
  for (size_t i = 0; i < marked.size(); ++i) {
    if (marked[i] == '[') {
      size_t bar = marked.find('|', i);
      size_t close = marked.find(']', i);
      if (bar != std::string::npos && close != std::string::npos && bar < close) {
        Mention m;
        m.begin = plain.size();
        plain += marked.substr(i + 1, bar - i - 1);
        m.end = plain.size();
        m.outer_begin = m.begin;
        m.type = marked.substr(bar + 1, close - bar - 1);
        m.surface = plain.substr(m.begin, m.end - m.begin);
        m.canonical = m.surface;
        m.source = MentionSource::kGazetteer;
        m.signal = "example";
        ms.push_back(m);
        i = close;
        continue;
      }
    }
    plain += marked[i];
  }
  return {plain, ms};
}

void RuleSet::ParseInto(const std::string& content, const std::string& file, const std::string& lang,
                        std::vector<std::string>& errors) {
  std::istringstream in(content);
  std::string line;
  int n = 0;
  Rule* cur = nullptr;
  auto err = [&](int ln, size_t col, const std::string& msg) {
    errors.push_back(file + ":" + std::to_string(ln) + ":" + std::to_string(col + 1) + ": " + msg);
  };
  auto finish = [&]() {
    if (!cur) return;
    if (!cur->HasPattern()) err(cur->line, 0, "rule '" + cur->id + "' has no pattern");
    if (cur->emits.empty()) err(cur->line, 0, "rule '" + cur->id + "' emits nothing");
  };
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    size_t indent = line.find_first_not_of(" \t");
    if (t.rfind("macro ", 0) == 0 && indent == 0) {  // read by CollectMacros
      finish();
      cur = nullptr;
      continue;
    }
    if ((t == "symmetric" || t.rfind("symmetric ", 0) == 0) && indent == 0) {
      finish();
      cur = nullptr;
      std::istringstream types(t.substr(9));
      size_t count = 0;
      for (std::string type; types >> type; ++count) {
        if (IsName(type))
          symmetric_types_.insert(type);
        else
          err(n, t.find(type, 9), "bad relationship type '" + type + "'");
      }
      if (count == 0) err(n, 9, "expected 'symmetric TYPE [TYPE ...]'");
      continue;
    }
    if (t.rfind("rule ", 0) == 0 && indent == 0) {
      finish();
      auto r = std::make_unique<Rule>();
      r->id = Trim(t.substr(5));
      r->file = file;
      r->lang = lang;
      r->line = n;
      for (const auto& o : rules_)
        if (o->id == r->id) err(n, 5, "duplicate rule id '" + r->id + "'");
      rules_.push_back(std::move(r));
      cur = rules_.back().get();
      continue;
    }
    if (!cur) {
      err(n, indent, "expected 'rule ID'");
      continue;
    }
    size_t sp = t.find_first_of(" \t");
    std::string key = sp == std::string::npos ? t : t.substr(0, sp);
    std::string value = sp == std::string::npos ? "" : Trim(t.substr(sp));
    size_t value_col = line.find(value, indent + key.size());
    if (key == "pattern") {
      cur->source = value;
      std::string expanded, error;
      size_t col = 0;
      if (!ExpandPattern(value, macros_, expanded, cur->slots, error, col)) {
        err(n, value_col + col, error);
        continue;
      }
      RE2::Options o;
      o.set_log_errors(false);
      o.set_max_mem(64 << 20);
      o.set_case_sensitive(false);
      auto lf = std::find_if(filters_.begin(), filters_.end(), [&](const LangFilter& f) { return f.lang == lang; });
      if (lf == filters_.end()) {
        filters_.push_back({lang, std::make_unique<re2::FilteredRE2>(3), {}, false, nullptr});
        lf = filters_.end() - 1;
      }
      cur->re = nullptr;
      cur->fast = nullptr;
      cur->narrow = nullptr;
      cur->fast_owned.reset();
      cur->narrow_owned.reset();
      cur->bounds.clear();
      cur->pattern = expanded;
      cur->options = o;
      // The filter compiles what it is given and keeps it. It gets a twin
      // (ingest/pattern_twins.h) whose language holds the pattern's, when
      // there is one, so that its literals filter for the pattern too and one
      // compilation serves filter and matching: the fast twin (bounds
      // dropped), else the narrow twin (only if its classes are wider). The
      // pattern itself is then compiled when first needed (a bound exceeded,
      // a sentence with non-letters outside ASCII); its syntax is checked
      // here all the same.
      RelaxedPattern relaxed = RelaxBounds(expanded);
      const bool relaxes = !relaxed.pattern.empty();
      std::string narrow = NarrowLetterClasses(relaxes ? relaxed.pattern : expanded);
      // The fast twin (relaxed, and narrowed if it has letter classes), or
      // without one the narrow twin; empty when the pattern has neither.
      const std::string& twin = relaxes && narrow.empty() ? relaxed.pattern : narrow;
      enum class Held { kPattern, kFast, kNarrow } held = Held::kPattern;
      int id = -1;
      // Narrowed classes must only widen; and a narrow twin parses where the
      // pattern does (other class members, the same syntax), a fast one
      // might where the pattern's bounds do not (RelaxingKeepsSyntax tells
      // without parsing the pattern, for most patterns).
      const bool pattern_parses = !relaxes || RelaxingKeepsSyntax(expanded) || SyntaxOk(expanded, o);
      if (!twin.empty() && (narrow.empty() || NarrowingWidens(expanded)) && pattern_parses &&
          lf->filter->Add(twin, o, &id) == RE2::NoError)
        held = relaxes ? Held::kFast : Held::kNarrow;
      if (held == Held::kPattern && lf->filter->Add(expanded, o, &id) != RE2::NoError) {
        RE2 bad(expanded, o);  // compiled again for re2's message
        size_t at = value.find(bad.error_arg());
        err(n, value_col + (at == std::string::npos ? 0 : at),
            bad.error() + (bad.error_arg().empty() ? "" : " in '" + bad.error_arg() + "'"));
        continue;
      }
      const RE2* compiled = &lf->filter->GetRE2(id);
      int rule_index = static_cast<int>(rules_.size()) - 1;
      for (int& ri : lf->rule_of)
        if (ri == rule_index) ri = -1;  // a second pattern replaces the first
      lf->rule_of.resize(static_cast<size_t>(id) + 1, -1);
      lf->rule_of[static_cast<size_t>(id)] = rule_index;
      for (const auto& [name, idx] : compiled->NamedCapturingGroups()) {
        (void)idx;
        if (name.rfind("new_", 0) == 0) {
          size_t us = name.find('_', 4);
          std::string type = name.substr(4, us == std::string::npos ? std::string::npos : us - 4);
          bool known = false;
          for (std::string_view k : kEntityTypes) known |= type == k;
          if (!known) err(n, value_col, "group '" + name + "': unknown entity type '" + type + "'");
          cur->new_entities.emplace_back(name, type);
        }
      }
      // With a fast twin the pattern itself runs only where a bound is
      // exceeded, rarely: no narrow twin then.
      const RE2* fast = nullptr;
      if (held == Held::kFast) {
        fast = compiled;
      } else if (held == Held::kNarrow) {
        cur->narrow = compiled;
      } else {
        cur->re = compiled;
        if (!relaxed.pattern.empty()) {
          cur->fast_owned = std::make_unique<RE2>(twin, o);
          if (cur->fast_owned->ok() && cur->fast_owned->ProgramSize() < compiled->ProgramSize())
            fast = cur->fast_owned.get();
          else
            cur->fast_owned.reset();
        }
        if (!fast) {
          cur->narrow_owned = CompileNarrowTwin(expanded, *compiled, o);
          cur->narrow = cur->narrow_owned.get();
        }
      }
      if (fast) {
        const auto& names = fast->NamedCapturingGroups();
        for (const auto& b : relaxed.bounds) {
          std::shared_ptr<const RE2> exceeded;
          if (!b.exceeded.empty()) {
            auto& shared = bound_checks_[b.exceeded];
            if (!shared) shared = std::make_shared<const RE2>(b.exceeded, o);
            exceeded = shared;
          }
          cur->bounds.push_back({names.at(b.group), b.max, std::move(exceeded)});
        }
        cur->fast = fast;
        cur->fast_any_text = narrow.empty();
        cur->relaxed_pattern = std::move(relaxed.pattern);
      }
    } else if (key == "unless") {
      // What must not follow the match ("bought Intel" + " common stock").
      std::string expanded, error;
      size_t col = 0;
      std::vector<Slot> none;
      if (!ExpandPattern(value, macros_, expanded, none, error, col) || !none.empty()) {
        err(n, value_col + col, error.empty() ? "an unless pattern names no slot" : error);
        continue;
      }
      RE2::Options o;
      o.set_log_errors(false);
      o.set_case_sensitive(false);
      auto re = std::make_unique<RE2>(expanded, o);
      if (!re->ok()) {
        err(n, value_col, re->error());
        continue;
      }
      cur->unless = std::move(re);
    } else if (key == "emit") {
      // TYPE src -> dst [key=value ...]
      std::istringstream es(value);
      EmitSpec e;
      std::string arrow;
      es >> e.type >> e.src >> arrow >> e.dst;
      if (e.type.empty() || e.src.empty() || arrow != "->" || e.dst.empty()) {
        err(n, value_col, "expected 'emit TYPE src -> dst [key=value ...]'");
        continue;
      }
      std::string kv;
      while (es >> kv) {
        size_t eq = kv.find('=');
        if (eq == std::string::npos) {
          err(n, value_col, "expected key=value, got '" + kv + "'");
          continue;
        }
        e.props.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      }
      cur->emits.push_back(e);
    } else if (key == "view") {
      if (value == "full")
        cur->view = View::kFull;
      else if (value == "collapsed")
        cur->view = View::kCollapsed;
      else if (value == "both")
        cur->view = View::kBoth;
      else
        err(n, value_col, "view must be full, collapsed or both");
    } else if (key == "+" || key == "-") {
      RuleExample ex;
      ex.positive = key == "+";
      ex.line = n;
      size_t arrow = value.find("=>");
      if (arrow != std::string::npos) {
        ex.expect = Trim(value.substr(arrow + 2));
        value = Trim(value.substr(0, arrow));
      }
      ex.text = value;
      cur->examples.push_back(ex);
    } else {
      err(n, indent, "unknown key '" + key + "' (pattern, emit, view, +, -)");
    }
  }
  finish();
  // Emit endpoints must name slots or @Type, ~Type, *Type.
  for (const auto& r : rules_) {
    for (const auto& e : r->emits) {
      for (const auto& end : {e.src, e.dst}) {
        if (ContextEndpoint(end)) continue;
        bool ok = std::any_of(r->slots.begin(), r->slots.end(), [&](const Slot& s) { return s.name == end; }) ||
                  std::any_of(r->new_entities.begin(), r->new_entities.end(),
                              [&](const auto& p) { return p.first.substr(p.first.find('_', 4) + 1) == end; });
        if (!ok && r->HasPattern()) err(r->line, 0, "rule '" + r->id + "': emit names unknown slot '" + end + "'");
      }
    }
  }
}

const RE2* Rule::Exact() const {
  if (re) return re;
  std::call_once(exact_once, [this] {
    auto compiled = std::make_unique<RE2>(pattern, options);
    if (compiled->ok()) exact_owned = std::move(compiled);
  });
  return exact_owned.get();
}

const RE2* Rule::Relaxed() const {
  std::call_once(relaxed_once, [this] {
    auto twin = std::make_unique<RE2>(relaxed_pattern, options);
    // It compiled narrowed and is smaller than the pattern, so it compiles;
    // were it not to, the pattern itself would run (null).
    if (twin->ok() && twin->NamedCapturingGroups() == fast->NamedCapturingGroups()) relaxed = std::move(twin);
  });
  return relaxed.get();
}

bool Rule::MatchGroups(const RE2& re, std::string_view text, size_t from, re2::StringPiece* groups, int n) const {
  const size_t which = &re == fast ? 0 : &re == relaxed.get() ? 1 : &re == narrow ? 2 : 3;
  return matchers[which].Match(re, text, from, groups, n);
}

bool Rule::EmptyWidthTests() const {
  signed char known = empty_width_tests.load(std::memory_order_relaxed);
  if (known < 0) {
    known = HasEmptyWidthTests(pattern) ? 1 : 0;
    empty_width_tests.store(known, std::memory_order_relaxed);
  }
  return known != 0;
}

unsigned Rule::StartCodes() const {
  unsigned known = start_codes.load(std::memory_order_relaxed);
  if (known == ~0u) {
    known = 0;
    if (const std::optional<std::string_view> cls = LeadingMarkerClass(pattern)) {
      const unsigned codes = cls->empty() ? ~0u : CodeClass(*cls);
      known = codes == ~0u ? (1u << kCodes) - 1 : codes;  // ~0u: a marker of any code
    }
    start_codes.store(known, std::memory_order_relaxed);
  }
  return known;
}

void Rule::SpanGroups(const RE2& re, std::string_view text, size_t begin, size_t end, re2::StringPiece* groups,
                      int n) const {
  const size_t which = &re == fast ? 0 : &re == relaxed.get() ? 1 : &re == narrow ? 2 : 3;
  matchers[which].Groups(re, text, begin, end, groups, n);
}

void RuleSet::CollectMacros(const std::string& content, const std::string& file,
                            std::vector<std::string>& errors) {
  std::istringstream in(content);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("macro ", 0) != 0) continue;
    std::string rest = Trim(line.substr(6));
    size_t sp = rest.find_first_of(" \t");
    std::string name = rest.substr(0, sp);
    std::string text = sp == std::string::npos ? "" : Trim(rest.substr(sp));
    if (!IsName(name) || text.empty()) {
      errors.push_back(file + ":" + std::to_string(n) + ":7: expected 'macro NAME TEXT'");
    } else if (!macros_.emplace(name, text).second) {
      errors.push_back(file + ":" + std::to_string(n) + ":7: macro '" + name + "' is defined twice");
    }
  }
}

void RuleSet::ResolveMacros(std::vector<std::string>& errors) {
  // A macro may use others: expand until nothing changes (a cycle never settles).
  for (int round = 0;; ++round) {
    bool changed = false;
    for (auto& [name, text] : macros_) {
      std::string out;
      for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          out += text[i];
          out += text[++i];
          continue;
        }
        size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
        auto used = close == std::string::npos ? macros_.end() : macros_.find(text.substr(i + 1, close - i - 1));
        if (used == macros_.end() || used->first == name) {
          out += text[i];
          continue;
        }
        out += used->second;
        i = close;
        changed = true;
      }
      text = std::move(out);
    }
    if (!changed) break;
    if (round == 16) {
      errors.push_back("macros: they use each other in a cycle");
      break;
    }
  }
  // "(?:de|du|d'|of|from)": its words, each with the space that follows it
  // unless it ends with an apostrophe.
  list_words_ = {};
  for (const std::string& w : MacroWords("list_qualifier"))
    list_words_.qualifiers.push_back(w.back() == '\'' ? w : w + " ");
  // "(?:et|ou|and|...)": the words of list_conjunction.
  for (const std::string& w : MacroWords("list_conjunction")) list_words_.conjunctions.push_back(LowerAscii(w));
  constexpr std::string_view kFamily = "list_preposition_";
  for (auto it = macros_.lower_bound(std::string(kFamily)); it != macros_.end() && it->first.starts_with(kFamily); ++it) {
    auto& family = list_words_.preposition_families.emplace_back();
    for (const std::string& w : MacroWords(it->first)) family.push_back(LowerAscii(w));
  }
  for (const std::string& w : MacroWords("list_determiner")) list_words_.determiners.push_back(LowerAscii(w));
}

std::vector<std::string> RuleSet::MacroWords(const std::string& name) const {
  std::vector<std::string> out;
  auto q = macros_.find(name);
  if (q == macros_.end()) return out;
  std::string body = q->second;
  if (body.rfind("(?:", 0) == 0 && body.back() == ')') body = body.substr(3, body.size() - 4);
  std::stringstream words(body);
  for (std::string w; std::getline(words, w, '|');)
    if (!w.empty()) out.push_back(std::move(w));
  return out;
}

RuleSet RuleSet::Build(const std::vector<Source>& sources, std::vector<std::string> errors) {
  RuleSet set;
  for (const auto& src : sources) set.CollectMacros(src.content, src.file, errors);
  set.ResolveMacros(errors);
  for (const auto& src : sources) set.ParseInto(src.content, src.file, src.lang, errors);
  ThrowIfErrors(errors);
  set.Prepare();
  set.BuildFilter();
  return set;
}

RuleSet RuleSet::Parse(const std::string& content, const std::string& file, const std::string& lang) {
  return Build({{content, file, lang}}, {});
}

void RuleSet::BuildFilter() {
  static std::atomic<uint64_t> next_id{1};
  for (auto& f : filters_) {
    f.id = next_id.fetch_add(1, std::memory_order_relaxed);
    f.usable = false;
    f.atoms.reset();
    if (f.rule_of.empty()) continue;
    std::vector<std::string> atoms;
    f.filter->Compile(&atoms);
    RE2::Options o;
    o.set_log_errors(false);
    o.set_case_sensitive(false);
    o.set_max_mem(64 << 20);
    auto set = std::make_unique<RE2::Set>(o, RE2::UNANCHORED);
    bool added = true;
    for (const auto& a : atoms) added = added && set->Add(RE2::QuoteMeta(a), nullptr) >= 0;
    if (!added || (!atoms.empty() && !set->Compile())) continue;
    f.usable = true;
    if (!atoms.empty()) f.atoms = std::move(set);
  }
}

namespace {

// Per thread, per filter (LangFilter::id): the potentials of the last sets
// of atoms seen, by the atoms (sorted, as bytes).
struct PotentialsCache {
  uint64_t filter = 0;
  std::unordered_map<std::string, std::vector<int>> by_atoms;
};

}  // namespace

void RuleSet::Potentials(const LangFilter& f, std::vector<int>& matched, std::vector<int>& potentials) {
  // f.filter->AllPotentials(matched, &potentials), remembered: it depends on
  // the set of atoms alone, and sentences often match the same set (the
  // same words around different names). It propagates the atoms up the
  // filter's tree in fresh sparse arrays the size of the tree, about 7,500
  // instructions a call on the bench.
  constexpr size_t kMaxSets = 4096;  // per filter: then start again
  thread_local std::vector<PotentialsCache> caches;
  thread_local std::string key;
  auto cache = std::find_if(caches.begin(), caches.end(), [&](const PotentialsCache& c) { return c.filter == f.id; });
  if (cache == caches.end()) {
    if (caches.size() >= 8) caches.clear();  // filters of rule sets gone
    cache = caches.insert(caches.end(), PotentialsCache{f.id, {}});
  }
  std::sort(matched.begin(), matched.end());
  key.assign(reinterpret_cast<const char*>(matched.data()), matched.size() * sizeof(int));
  if (auto known = cache->by_atoms.find(key); known != cache->by_atoms.end()) {
    potentials = known->second;
    return;
  }
  f.filter->AllPotentials(matched, &potentials);
  if (cache->by_atoms.size() >= kMaxSets) cache->by_atoms.clear();
  cache->by_atoms.emplace(key, potentials);
}

void RuleSet::Candidates(std::string_view view_text, const std::string& lang, unsigned char bit,
                         std::vector<unsigned char>& flags, std::vector<int>& list, std::vector<FilterPass>& passes,
                         bool second) const {
  auto add = [&](int ri) {
    if (ri < 0) return;
    auto& f = flags[static_cast<size_t>(ri)];
    if (!f) list.push_back(ri);
    f |= bit;
  };
  // Kept from call to call: the filter appends to it one by one.
  thread_local std::vector<int> matched;
  passes.resize(filters_.size());
  for (size_t fi = 0; fi < filters_.size(); ++fi) {
    const LangFilter& f = filters_[fi];
    FilterPass& pass = passes[fi];
    if (!f.lang.empty() && f.lang != lang) continue;
    bool all = !f.usable;
    matched.clear();
    if (!all && f.atoms) {
      RE2::Set::ErrorInfo info{RE2::Set::kNoError};
      if (!f.atoms->Match(view_text, &matched, &info) && info.kind != RE2::Set::kNoError)
        all = true;  // the set could not answer: run every rule
    }
    if (all) {
      for (int ri : f.rule_of) add(ri);
      pass.all = true;
      continue;
    }
    // The collapsed view is the full view with descriptors folded into their
    // names: it usually matches a subset of the full view's atoms (on the
    // bench, in every sentence whose views differ). The filter is monotone
    // (an AND/OR tree of atoms), so the rules the full view's atoms let
    // through include those of the subset: they stand for this view too,
    // without propagating its atoms again, and the few extra ones their
    // pattern rejects. Measured (callgrind, 300 bench articles):
    // FilteredRE2::AllPotentials runs for 3,975 fewer of the 18,491 views, at
    // no extra pattern run; on corpus/articles + tests/ingest/unseen for 101
    // fewer of 944, at 15 more pattern runs (of 3,134).
    const bool subset = second && !pass.all && std::all_of(matched.begin(), matched.end(), [&](int a) {
                          return static_cast<size_t>(a) < pass.seen.size() && pass.seen[static_cast<size_t>(a)];
                        });
    if (!subset) Potentials(f, matched, pass.potentials);
    if (!second) {
      // This view's atoms, marked for the next view: those of the previous
      // sentence unmarked first.
      for (int a : pass.atoms) pass.seen[static_cast<size_t>(a)] = 0;
      pass.atoms = matched;
      for (int a : pass.atoms) {
        if (static_cast<size_t>(a) >= pass.seen.size()) pass.seen.resize(static_cast<size_t>(a) + 1, 0);
        pass.seen[static_cast<size_t>(a)] = 1;
      }
      pass.all = false;
    }
    for (int id : pass.potentials) add(f.rule_of[static_cast<size_t>(id)]);
  }
}

void RuleSet::Prepare() {
  for (auto& rp : rules_) {
    Rule& r = *rp;
    for (auto& sl : r.slots) {
      sl.type_mask = 0;
      for (const auto& t : sl.types) sl.type_mask |= t == "Entity" ? kEntityBits | kEntityWord : TypeBit(t);
    }
    r.groups.clear();
    if (r.HasPattern()) {
      // The pattern's groups: those of `re`, or those of `fast` but its
      // bound captures (named __b0, __b1...), which come in between.
      std::vector<int> bound_indexes;
      std::map<std::string, int> named;
      if (const RE2* same = r.re ? r.re : r.fast ? nullptr : r.narrow) {  // the pattern's groups
        named = same->NamedCapturingGroups();
        r.ngroups = same->NumberOfCapturingGroups() + 1;
      } else {
        for (const auto& [name, idx] : r.fast->NamedCapturingGroups())
          if (name.rfind("__b", 0) == 0) bound_indexes.push_back(idx);
        for (const auto& [name, idx] : r.fast->NamedCapturingGroups()) {
          if (name.rfind("__b", 0) == 0) continue;
          named[name] = idx - static_cast<int>(std::count_if(bound_indexes.begin(), bound_indexes.end(),
                                                             [&](int b) { return b < idx; }));
        }
        r.ngroups = r.fast->NumberOfCapturingGroups() - static_cast<int>(bound_indexes.size()) + 1;
      }
      for (const auto& [name, idx] : named) {
        int relaxed_index = r.fast ? r.fast->NamedCapturingGroups().at(name) : 0;
        if (name.rfind("new_", 0) == 0) {
          r.groups.push_back({idx, name, -1, relaxed_index});
          continue;
        }
        auto slot = std::find_if(r.slots.begin(), r.slots.end(), [&](const Slot& sl) { return sl.name == name; });
        if (slot != r.slots.end())
          r.groups.push_back({idx, name, static_cast<int>(slot - r.slots.begin()), relaxed_index});
      }
    }
    // What an emit endpoint needs: a slot's types (the first slot of that
    // name); @Type, ~Type and new_ groups need nothing.
    auto needs = [&](const std::string& end) -> unsigned {
      if (end.empty() || ContextEndpoint(end)) return kAnyType;
      for (const auto& sl : r.slots)
        if (sl.name == end) return sl.type_mask;
      return kAnyType;
    };
    r.emit_needs.clear();
    for (const auto& e : r.emits) r.emit_needs.emplace_back(needs(e.src), needs(e.dst));
    r.marker_order = MarkerOrder(r.pattern);
  }
  lang_needs_.clear();
  for (const auto& rp : rules_) {
    if (!rp->HasPattern()) continue;
    auto group = std::find_if(lang_needs_.begin(), lang_needs_.end(), [&](const auto& g) { return g.first == rp->lang; });
    if (group == lang_needs_.end()) group = lang_needs_.insert(lang_needs_.end(), {rp->lang, {}});
    for (const auto& need : rp->emit_needs)
      if (std::find(group->second.begin(), group->second.end(), need) == group->second.end())
        group->second.push_back(need);
  }
}

RuleSet RuleSet::Load(const std::vector<std::string>& files) {
  std::vector<std::string> errors;
  std::vector<Source> sources;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      errors.push_back(f + ":0:0: cannot read");
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string stem = std::filesystem::path(f).stem().string();
    std::string lang = stem == "fr" || stem.rfind("fr-", 0) == 0   ? "fr"
                       : stem == "en" || stem.rfind("en-", 0) == 0 ? "en"
                                                                   : "";
    sources.push_back({ss.str(), f, lang});
  }
  return Build(sources, std::move(errors));
}

std::vector<RuleMatch> RuleSet::Apply(std::string_view text, const Sentence& s,
                                      const std::vector<Mention>& mentions, const std::string& lang,
                                      std::string* explain_views) const {
  std::vector<RuleMatch> out;
  // Types present in the sentence: a rule none of whose emits can find both
  // endpoints is skipped without running its pattern, and a sentence where no
  // rule of the language can is not matched at all.
  unsigned present = kAnyType;
  // (The vectors of Apply are kept from call to call, their blocks reused:
  // a heap block each per sentence cost more than the loops that fill them.)
  thread_local std::vector<char> codes;  // the marker code of each usable mention
  thread_local std::vector<int> nested;
  codes.assign(mentions.size(), 0);
  nested.clear();
  for (size_t i = 0; i < mentions.size(); ++i) {
    const Mention& m = mentions[i];
    if (!Usable(m)) continue;
    codes[i] = TypeCode(m.type);
    if (codes[i] != kEntityCode) present |= CodeBit(codes[i]);  // TypeBit(m.type)
    if (m.nested) nested.push_back(static_cast<int>(i));
  }
  bool any_possible = false;
  for (const auto& [rule_lang, needs] : lang_needs_) {
    if (any_possible) break;  // (one is enough)
    if (!rule_lang.empty() && rule_lang != lang) continue;
    for (const auto& [src, dst] : needs)
      if ((src & present) && (dst & present)) {
        any_possible = true;
        break;
      }
  }
  if (!any_possible && !explain_views) return out;
  // Without nested names and descriptors (a usable mention whose outer_begin
  // is before its begin) the collapsed view is the full view.
  bool collapses = !nested.empty();
  for (size_t i = 0; i < mentions.size() && !collapses; ++i)
    collapses = codes[i] && mentions[i].outer_begin != mentions[i].begin;
  // (The collapsed view is built only where it may differ; else it is the
  // full view itself, not a copy.)
  thread_local Tagged built[2];
  BuildView(text, s, mentions, codes, nested, View::kFull, built[0]);
  if (collapses) BuildView(text, s, mentions, codes, nested, View::kCollapsed, built[1]);
  const Tagged* const views[2] = {&built[0], collapses ? &built[1] : &built[0]};
  if (explain_views) {
    for (int v = 0; v < 2; ++v) {
      // Markers as {Type:index}.
      std::string shown;
      const std::string& tv = views[v]->text;
      for (size_t i = 0; i < tv.size(); ++i) {
        Marker marker;
        if (tv[i] != '\x01' || !ReadMarker(tv, i, marker)) {
          shown += tv[i];
          continue;
        }
        shown += "{" + (marker.index < mentions.size() ? mentions[marker.index].type : std::string("?")) + ":" +
                 tv.substr(i + 2, marker.end - i - 2) + "}";
        i = marker.end;
      }
      *explain_views += (v == 0 ? "    full:      " : "    collapsed: ") + shown + "\n";
    }
  }
  if (!any_possible) return out;
  // Without descriptors or nested names the two views are the same text with
  // the same mapping: match once and repeat the firings for the second view.
  bool same_views = !collapses || (views[0]->text == views[1]->text && views[0]->segs.size() == views[1]->segs.size() &&
                                   std::equal(views[0]->segs.begin(), views[0]->segs.end(), views[1]->segs.begin(),
                                              [](const Segment& a, const Segment& b) {
                                                return a.tagged == b.tagged && a.orig == b.orig && a.len == b.len &&
                                                       a.mention == b.mention && a.orig_end == b.orig_end;
                                              }));
  // The rules the literal prefilter lets through, per view (bit 1: full,
  // bit 2: collapsed), visited in rule order.
  thread_local std::vector<unsigned char> flags;
  thread_local std::vector<int> candidates;
  flags.assign(rules_.size(), 0);
  candidates.clear();
  thread_local std::vector<FilterPass> passes;
  Candidates(views[0]->text, lang, same_views ? 3 : 1, flags, candidates, passes, false);
  if (!same_views) Candidates(views[1]->text, lang, 2, flags, candidates, passes, true);
  std::sort(candidates.begin(), candidates.end());
  // Whether view v from offset `from` on has the markers rule r needs, in
  // its order (Rule::marker_order). Only the markers count where the text
  // itself has no '\x01' (the pipeline's cleaning removes control
  // characters; a caller's text may hold them).
  const bool markers_only = text.substr(s.begin, s.end - s.begin).find('\x01') == std::string_view::npos;
  // Per view, its markers in order: where each starts and its code as a bit.
  thread_local std::vector<std::pair<size_t, unsigned>> view_markers[2];
  for (int v = 0; v < (collapses ? 2 : 1); ++v) {
    view_markers[v].clear();
    for (const Segment& seg : views[v]->segs)
      if (seg.mention >= 0)
        view_markers[v].emplace_back(seg.tagged, 1u << (codes[static_cast<size_t>(seg.mention)] - kFirstCode));
  }
  auto has_markers = [&](const Rule& r, int v, size_t from) {
    const std::vector<unsigned>& order = r.marker_order;
    if (order.empty() || !markers_only) return true;
    const auto& markers = view_markers[collapses ? v : 0];
    size_t at = 0;
    while (at < markers.size() && markers[at].first < from) ++at;
    size_t k = 0;
    for (; at < markers.size() && markers.size() - at >= order.size() - k; ++at)
      if ((order[k] & markers[at].second) && ++k == order.size()) return true;
    return false;
  };
  thread_local std::vector<re2::StringPiece> groups, relaxed_groups;
  // The full view's matches of a rule, for its collapsed view (see
  // match_groups below): the pattern or twin that found each, its span, and
  // where its groups start in `known_groups` (offset into the full view,
  // kNoGroup for a group that took no part, and size; one per group).
  struct KnownMatch {
    const RE2* re = nullptr;
    size_t begin = 0, end = 0, first = 0;
  };
  constexpr size_t kNoGroup = ~size_t{0};
  thread_local std::vector<KnownMatch> known;
  thread_local std::vector<std::pair<size_t, size_t>> known_groups;
  const bool narrow = NonAsciiAreLetters(text.substr(s.begin, s.end - s.begin));
  for (int ri : candidates) {
    const Rule& r = *rules_[static_cast<size_t>(ri)];
    if (!r.HasPattern()) continue;
    const unsigned char f = flags[static_cast<size_t>(ri)];
    if (!((r.view != View::kCollapsed && (f & 1)) || (r.view != View::kFull && (f & 2)))) continue;
    // (No test of r.lang: Candidates() consults only the filters of `lang`
    // and of no language, which hold the rules of that language.)
    bool possible = false;
    for (const auto& [src, dst] : r.emit_needs)
      if ((src & present) && (dst & present)) {
        possible = true;
        break;
      }
    if (!possible) continue;
    const int ngroups = r.ngroups;
    const RE2* relaxed = !r.fast ? nullptr : narrow || r.fast_any_text ? r.fast : r.Relaxed();
    int nrelaxed = relaxed ? relaxed->NumberOfCapturingGroups() + 1 : 0;
    // (Sized only: every match sets each group it reads, and a group of
    // `groups` is read only where the match that set it succeeded.)
    if (relaxed_groups.size() < static_cast<size_t>(nrelaxed)) relaxed_groups.resize(static_cast<size_t>(nrelaxed));
    if (groups.size() < static_cast<size_t>(ngroups)) groups.resize(static_cast<size_t>(ngroups));
    size_t first_full = out.size(), end_full = out.size();
    known.clear();
    known_groups.clear();
    const bool keep_known = !same_views && r.view == View::kBoth && (f & 2);
    for (int v = 0; v < 2; ++v) {
      View view = v == 0 ? View::kFull : View::kCollapsed;
      if (r.view != View::kBoth && r.view != view) continue;
      if (!(f & (v == 0 ? 1 : 2))) continue;
      if (v == 1 && same_views && r.view == View::kBoth) {
        for (size_t k = first_full; k < end_full; ++k) {
          RuleMatch copy = out[k];
          copy.view = View::kCollapsed;
          out.push_back(std::move(copy));
        }
        continue;
      }
      const Tagged& tv = *views[v];
      std::string_view whole = tv.text;
      // The groups of the full view's match of `re` whose text is that of
      // [b, e) of this view, when there is one. Where descriptors fold, the
      // collapsed view is the full view with a few spans replaced, and a
      // match of the rule in it is often the same text as one in the full
      // view. The groups of a match depend only on its text, and, when the
      // pattern has empty-width tests (^, $, \b), on the byte on either side
      // (they look no further): in the collapsed view the DFA finds where the
      // match is, and the groups found in the full view for the same text
      // serve again, without running the submatch engines (PatternPieces,
      // RE2) a second time. 300 bench articles: 4,012 of the 5,055 such
      // matches reuse groups; Apply 904.1M -> 842.7M instructions with the
      // reuse of Candidates(); corpus/articles + tests/ingest/unseen: 23 of 34.
      auto reuse = [&](const RE2& re, size_t b, size_t e, re2::StringPiece* gs, int n) {
        const std::string_view full = views[0]->text;
        for (const KnownMatch& k : known) {
          if (k.re != &re || k.end - k.begin != e - b || full.substr(k.begin, k.end - k.begin) != whole.substr(b, e - b))
            continue;
          if (r.EmptyWidthTests() &&
              ((k.begin == 0) != (b == 0) || (b > 0 && full[k.begin - 1] != whole[b - 1]) ||
               (k.end == full.size()) != (e == whole.size()) || (e < whole.size() && full[k.end] != whole[e])))
            continue;
          for (int g = 0; g < n; ++g) {
            const auto& [at, size] = known_groups[k.first + static_cast<size_t>(g)];
            gs[g] = at == kNoGroup ? re2::StringPiece() : re2::StringPiece(whole.data() + b + (at - k.begin), size);
          }
          return true;
        }
        return false;
      };
      // Where every match starts at a marker of the rule's start codes, RE2
      // is asked for a match anchored at each such marker in turn, from which
      // the rule's markers follow: the first marker that has one is where
      // the leftmost match starts, and its DFA's end is the match's.
      // Unanchored, the DFA reads the rest of the view where there is no
      // match, and a second, reverse DFA finds where a match starts; anchored
      // at a marker where no match starts, the DFA mostly stops within a few
      // bytes. Measured (callgrind): 300 bench articles, Apply 736.9M ->
      // 673.0M instructions; corpus/articles, blind and unseen articles,
      // RE2::Match 2,439M -> 1,278M, and CPU time 1.45 -> 1.27 s (medians of
      // 8). On 10,000 bench articles (perf samples, busy host) the reverse
      // DFA loop's 1,208 -> 656 and the prefix-accelerated one's 955 -> 60
      // are mostly spent again in the plain forward loop (2,083 -> 3,062):
      // CPU time unchanged within the host's noise (min of 5: 6.89 / 6.95 s).
      const unsigned start_codes = markers_only ? r.StartCodes() : 0;
      const bool at_markers = start_codes != 0;
      auto anchored_span = [&](const RE2& re, size_t from, size_t& b, size_t& e) {
        for (const auto& [at, bit] : view_markers[collapses ? v : 0]) {
          if (at < from || !(bit & start_codes)) continue;
          if (!has_markers(r, v, at)) return false;  // nor from a later marker
          re2::StringPiece found;
          if (re.Match(whole, at, whole.size(), RE2::ANCHOR_START, &found, 1)) {
            b = at;
            e = at + found.size();
            return true;
          }
        }
        return false;
      };
      // re.Match(whole, from, whole.size(), UNANCHORED, gs, n) for `re` one
      // of the rule's patterns.
      auto match_groups = [&](const RE2& re, size_t from, re2::StringPiece* gs, int n) {
        // PieceMatcher reads the groups apart from finding the match for
        // patterns too big for BitState. For a smaller one, unanchored, RE2
        // finds both in one call, and asking it for the match alone costs
        // about what the groups would.
        const bool apart = n > 1 && re.ProgramSize() > PatternPieces::kBitStateMax;
        if (!apart && !at_markers) return r.MatchGroups(re, whole, from, gs, n);
        size_t b = 0, e = 0;
        if (at_markers) {
          if (!anchored_span(re, from, b, e)) return false;
        } else {
          re2::StringPiece found;
          if (!re.Match(whole, from, whole.size(), RE2::UNANCHORED, &found, 1)) return false;
          b = static_cast<size_t>(found.data() - whole.data());
          e = b + found.size();
        }
        if (!apart) {
          // (BitState or OnePass, on the span alone: as RE2 reads the groups
          // of a match its DFA found.)
          if (n > 1)
            re.Match(whole, b, e, RE2::ANCHOR_BOTH, gs, n);
          else
            gs[0] = re2::StringPiece(whole.data() + b, e - b);
          return true;
        }
        if (v == 1 && reuse(re, b, e, gs, n)) return true;
        r.SpanGroups(re, whole, b, e, gs, n);
        if (v == 0 && keep_known) {
          known.push_back({&re, b, e, known_groups.size()});
          for (int g = 0; g < n; ++g)
            known_groups.emplace_back(gs[g].data() ? static_cast<size_t>(gs[g].data() - whole.data()) : kNoGroup,
                                      gs[g].size());
        }
        return true;
      };
      // The relaxed twin's match, when no dropped bound is exceeded in it,
      // else the pattern's own.
      auto match = [&](size_t from) {
        if (relaxed) {
          if (!match_groups(*relaxed, from, relaxed_groups.data(), nrelaxed)) return false;
          bool within = true;
          for (const auto& b : r.bounds) {
            const re2::StringPiece& g = relaxed_groups[static_cast<size_t>(b.index)];
            // (A capture of at most `max` bytes holds at most `max`
            // characters: within the bound, and no run of max+1 characters
            // for `exceeded` to find; most captures on the bench are.)
            if (!g.data() || g.size() <= static_cast<size_t>(b.max)) continue;
            if (b.exceeded ? b.exceeded->Match(g, 0, g.size(), RE2::UNANCHORED, nullptr, 0)
                           : CountCharacters(g) > static_cast<size_t>(b.max))
              within = false;
          }
          if (within) {
            groups[0] = relaxed_groups[0];
            for (const auto& gr : r.groups)
              groups[static_cast<size_t>(gr.index)] = relaxed_groups[static_cast<size_t>(gr.relaxed_index)];
            return true;
          }
        }
        const RE2* exact = narrow && r.narrow ? r.narrow : r.Exact();
        return exact && match_groups(*exact, from, groups.data(), ngroups);
      };
      size_t pos = 0;
      while (pos <= whole.size() && has_markers(r, v, pos) && match(pos)) {
        RuleMatch m;
        m.rule = &r;
        m.view = view;
        size_t mb = static_cast<size_t>(groups[0].data() - whole.data());
        size_t me = mb + groups[0].size();
        m.begin = tv.ToOrig(mb, false);
        m.end = tv.ToOrig(me, true);
        bool complete = true;
        for (const auto& gr : r.groups) {
          std::string_view g = groups[static_cast<size_t>(gr.index)];
          if (g.data() == nullptr) continue;
          size_t gb = static_cast<size_t>(g.data() - whole.data());
          if (gr.slot < 0) {
            m.new_spans[gr.name] = {tv.ToOrig(gb, false), tv.ToOrig(gb + g.size(), true)};
            continue;
          }
          auto idxs = Markers(whole, g, r.slots[static_cast<size_t>(gr.slot)], list_words_);
          if (idxs.empty()) complete = false;
          m.slots[gr.name] = std::move(idxs);
        }
        if (complete && r.unless && r.unless->Match(whole, me, whole.size(), RE2::ANCHOR_START, nullptr, 0))
          complete = false;
        if (complete) out.push_back(std::move(m));
        pos = me > pos ? me : pos + 1;
      }
      if (v == 0) end_full = out.size();
    }
  }
  return out;
}

}  // namespace kg::ingest
