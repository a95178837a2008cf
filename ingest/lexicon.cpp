// Lexicon loading. Files are UTF-8, '#' starts a comment line.
#include "ingest/lexicon.h"

#include <re2/re2.h>
#include <utf8proc.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "graph/normalize.h"
#include "ingest/types.h"

namespace kg::ingest {

bool IsWordCodepoint(int32_t cp) {
  auto cat = utf8proc_category(cp);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) ||
         (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME);
}

namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Reads the data lines of a file: (line number, text), comments and blank
// lines skipped.
std::vector<std::pair<int, std::string>> DataLines(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw RuleError(path.string() + ": cannot read");
  std::vector<std::pair<int, std::string>> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    out.emplace_back(n, line);
  }
  return out;
}

std::vector<std::string> Words(const std::filesystem::path& path) {
  std::vector<std::string> out;
  if (!std::filesystem::exists(path)) return out;
  for (auto& [n, line] : DataLines(path)) out.push_back(Trim(line));
  return out;
}

// `path`, a file that a stage cannot do without: a corpus directory that
// lacks it (copied from an older kg) is an error, not an empty list.
const std::filesystem::path& Required(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path))
    throw RuleError(path.string() + ": missing (every corpus needs this file; copy it from the repository's corpus/lexicon/)");
  return path;
}

std::vector<std::string> RequiredWords(const std::filesystem::path& path) { return Words(Required(path)); }

const char* kTypes[] = {"Person", "Organization", "Country", "Place", "Project", "Product", "Policy", "Event"};

bool KnownType(const std::string& t) {
  return std::find(std::begin(kTypes), std::end(kTypes), t) != std::end(kTypes);
}

}  // namespace

namespace {

std::string FoldByNormalizeName(std::string_view word) {
  std::string n = graph::NormalizeName(word);
  n.erase(std::remove(n.begin(), n.end(), ' '), n.end());
  return n;
}

// The fold of each character below U+0800 (one or two UTF-8 bytes), made
// once by NormalizeName. NormalizeName maps each character on its own
// (compatibility decomposition, case folding, marks and ignorables removed,
// nothing composed) and Fold drops the spaces it puts between words, so the
// fold of a word is the concatenation of its characters' folds.
const std::vector<std::string>& ShortCharFolds() {
  static const std::vector<std::string> folds = [] {
    std::vector<std::string> t(0x800);
    for (int cp = 1; cp < 0x800; ++cp) {
      char buf[2];
      size_t n = 1;
      if (cp < 0x80) {
        buf[0] = static_cast<char>(cp);
      } else {
        buf[0] = static_cast<char>(0xC0 | (cp >> 6));
        buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
        n = 2;
      }
      t[static_cast<size_t>(cp)] = FoldByNormalizeName(std::string_view(buf, n));
    }
    return t;
  }();
  return folds;
}

// The same folds, laid end to end in one string: character cp's fold is
// pool.substr(at[cp], at[cp + 1] - at[cp]). Appending from it needs no
// std::string per character.
struct FoldPool {
  std::string pool;
  std::vector<uint32_t> at;
};

const FoldPool& ShortCharFoldPool() {
  static const FoldPool pool = [] {
    FoldPool p;
    const auto& folds = ShortCharFolds();
    p.at.reserve(folds.size() + 1);
    for (const auto& f : folds) {
      p.at.push_back(static_cast<uint32_t>(p.pool.size()));
      p.pool += f;
    }
    p.at.push_back(static_cast<uint32_t>(p.pool.size()));
    return p;
  }();
  return pool;
}

// Byte classes for Tokenize: an ASCII lower-case letter, upper-case letter or
// digit, or the first or following byte of a longer character.
enum : unsigned char { kLowerByte = 1, kUpperByte = 2, kDigitByte = 4, kHighByte = 8 };
constexpr unsigned char kAsciiWordByte = kLowerByte | kUpperByte | kDigitByte;

struct ByteTables {
  unsigned char cls[256];
  char lower[256];
};

constexpr ByteTables MakeByteTables() {
  ByteTables t{};
  for (int c = 0; c < 256; ++c) {
    unsigned char k = 0;
    if (c >= 'a' && c <= 'z') k = kLowerByte;
    if (c >= 'A' && c <= 'Z') k = kUpperByte;
    if (c >= '0' && c <= '9') k = kDigitByte;
    if (c >= 0x80) k = kHighByte;
    t.cls[c] = k;
    t.lower[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return t;
}

constexpr ByteTables kBytes = MakeByteTables();

}  // namespace

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = kBytes.lower[static_cast<unsigned char>(c)];
  return out;
}

bool LoweredEndsWith(std::string_view text, const std::vector<std::string>& words) {
  for (const auto& w : words) {
    if (text.size() < w.size()) continue;
    std::string_view tail = text.substr(text.size() - w.size());
    if (std::equal(tail.begin(), tail.end(), w.begin(),
                   [](char a, char b) { return kBytes.lower[static_cast<unsigned char>(a)] == b; }))
      return true;
  }
  return false;
}

namespace {
constexpr size_t kLongCodePoint = ~size_t{0};
// The code point at word[i] when it takes one or two bytes (the fold pool's
// range), advancing i; kLongCodePoint for anything else (a longer character,
// a NUL, bytes that are not UTF-8).
size_t ShortCodePoint(std::string_view word, size_t& i) {
  auto c = static_cast<unsigned char>(word[i]);
  if (c >= 0x01 && c < 0x80) {
    ++i;
    return c;
  }
  if (c >= 0xC2 && c <= 0xDF && i + 1 < word.size() && (static_cast<unsigned char>(word[i + 1]) & 0xC0) == 0x80) {
    size_t cp = (static_cast<size_t>(c & 0x1F) << 6) | (static_cast<unsigned char>(word[i + 1]) & 0x3F);
    i += 2;
    return cp;
  }
  return kLongCodePoint;
}
}  // namespace

std::string Fold(std::string_view word) {
  if (std::none_of(word.begin(), word.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
    return LowerAscii(word);
  // Characters of one and two bytes (Latin, Greek, Cyrillic, ...): by table.
  const FoldPool& folds = ShortCharFoldPool();
  // Into a buffer on the stack first; a word that outgrows it is made again
  // in a string.
  char buf[96];
  size_t used = 0;
  for (size_t i = 0; i < word.size();) {
    // (An ASCII byte without the call to ShortCodePoint: Fold 400 -> 340
    // instructions a word with accents, callgrind.)
    size_t cp = static_cast<unsigned char>(word[i]);
    if (cp >= 0x01 && cp < 0x80) {
      ++i;
    } else {
      cp = ShortCodePoint(word, i);
      if (cp == kLongCodePoint) return FoldByNormalizeName(word);
    }
    size_t len = folds.at[cp + 1] - folds.at[cp];
    if (used + len > sizeof buf) {
      used = sizeof buf + 1;
      break;
    }
    const char* f = folds.pool.data() + folds.at[cp];
    for (size_t k = 0; k < len; ++k) buf[used++] = f[k];
  }
  if (used <= sizeof buf) return std::string(buf, used);
  std::string out;
  out.reserve(word.size() + 8);
  for (size_t i = 0; i < word.size();) {
    size_t cp = ShortCodePoint(word, i);
    if (cp == kLongCodePoint) return FoldByNormalizeName(word);
    out.append(folds.pool, folds.at[cp], folds.at[cp + 1] - folds.at[cp]);
  }
  return out;
}

std::vector<Token> Tokenize(std::string_view text, size_t base) {
  std::vector<Token> tokens;
  const size_t n = text.size();
  tokens.reserve(n / 6 + 2);
  const char* p = text.data();
  size_t i = 0;
  while (i < n) {
    unsigned char k = kBytes.cls[static_cast<unsigned char>(p[i])];
    if (k == 0) {  // ASCII, not a letter or digit
      ++i;
      continue;
    }
    // Scan one word: runs of ASCII letters and digits, and the characters of
    // more bytes that are letters, digits or marks.
    size_t start = i;
    bool ascii = true;
    unsigned char seen = 0;
    while (i < n) {
      k = kBytes.cls[static_cast<unsigned char>(p[i])];
      if (k & kAsciiWordByte) {
        seen |= k;
        ++i;
        continue;
      }
      if (k == 0) break;
      utf8proc_int32_t cp;
      auto len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(p + i),
                                  static_cast<utf8proc_ssize_t>(n - i), &cp);
      if (len <= 0 || !IsWordCodepoint(cp)) break;
      i += static_cast<size_t>(len);
      ascii = false;
    }
    if (i == start) {
      // A character of more bytes that is no word character: skip it.
      utf8proc_int32_t cp;
      auto len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(p + i),
                                  static_cast<utf8proc_ssize_t>(n - i), &cp);
      i += len > 0 ? static_cast<size_t>(len) : 1;
      continue;
    }
    Token& t = tokens.emplace_back();
    t.begin = base + start;
    t.end = base + i;
    const size_t len = i - start;
    if (ascii) {
      // Fold of an ASCII word: lower case; hashed on the way. (Its bytes
      // first, then lowered in place: resize(len) zeroed them with a call to
      // memset a word; Tokenize 267K -> 263K instructions per bench article,
      // callgrind.)
      t.folded.append(p + start, len);
      char* out = t.folded.data();
      uint64_t h = kFoldedHashSeed;
      for (size_t j = 0; j < len; ++j) {
        const char c = kBytes.lower[static_cast<unsigned char>(p[start + j])];
        out[j] = c;
        h = (h ^ static_cast<unsigned char>(c)) * kFoldedHashPrime;
      }
      t.hash = static_cast<size_t>(h);
    } else {
      t.folded = Fold(std::string_view(p + start, len));
      t.hash = FoldedHash(t.folded);
    }
    unsigned char f = static_cast<unsigned char>(p[start]);
    if (f < 0x80) {
      t.upper_initial = f >= 'A' && f <= 'Z';
    } else {
      utf8proc_int32_t cp;
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(p + start), static_cast<utf8proc_ssize_t>(len), &cp);
      t.upper_initial = utf8proc_isupper(cp);
    }
    t.has_digit = (seen & kDigitByte) != 0;  // a digit is ASCII: the bytes of other characters are >= 0x80
  }
  return tokens;
}

void Lexicon::AddEntry(const std::string& name, const std::string& type,
                       const std::vector<std::string>& surfaces) {
  AddSurfaces(name, type, surfaces);
  IndexStarts();
}

void Lexicon::AddSurfaces(const std::string& name, const std::string& type,
                          const std::vector<std::string>& surfaces) {
  int entry = static_cast<int>(entries_.size());
  entries_.push_back({name, type, ""});
  std::vector<std::string> all{name};
  all.insert(all.end(), surfaces.begin(), surfaces.end());
  for (const auto& s : all) {
    std::string surface = Trim(s);
    if (surface.empty()) continue;
    auto toks = Tokenize(surface);
    if (toks.empty()) continue;
    Alias a;
    a.surface = surface;
    a.entry = entry;
    size_t letters = 0;
    bool has_upper_inside = false;
    for (const auto& t : toks) {
      a.tokens.push_back(t.folded);
      a.capitalised.push_back(t.upper_initial);
      letters += t.folded.size();
      for (size_t k = t.begin + 1; k < t.end; ++k)
        if (surface[k] >= 'A' && surface[k] <= 'Z') has_upper_inside = true;
    }
    // Acronyms and short names match only as written ("US" is not "us").
    a.exact_case = letters < 4 || (has_upper_inside && toks.size() == 1 && letters <= 5 &&
                                   std::all_of(surface.begin(), surface.end(), [](char c) {
                                     return !(c >= 'a' && c <= 'z');
                                   }));
    // Skip duplicates of an alias of the same entry; the same words written
    // with fewer capitals relax the case an existing alias requires
    // ("Sommet pour ..." and "sommet pour ...").
    bool dup = false;
    for (const auto& start : by_first_[TokenHash(a.tokens[0])]) {
      auto& o = aliases_[start.alias];
      if (o.entry == entry && o.tokens == a.tokens && o.exact_case == a.exact_case) {
        for (size_t k = 0; k < o.capitalised.size(); ++k) o.capitalised[k] = o.capitalised[k] && a.capitalised[k];
        dup = true;
      }
    }
    if (dup) continue;
    aliases_.push_back(std::move(a));
    IndexAlias(static_cast<int>(aliases_.size()) - 1);
  }
}

void Lexicon::IndexAlias(int idx) {
  const auto& tokens = aliases_[static_cast<size_t>(idx)].tokens;
  const Alias& a = aliases_[static_cast<size_t>(idx)];
  by_first_[TokenHash(tokens[0])].push_back({.alias = idx,
                                             .entry = a.entry,
                                             .tokens = static_cast<uint32_t>(tokens.size()),
                                             .second = tokens.size() > 1 ? TokenHash(tokens[1]) : 0,
                                             .exact_case = a.exact_case});
}

void Lexicon::IndexStarts() {
  starts_.clear();
  word_texts_.clear();
  // Room for the lists at half the slots at most, and about 16 filter bits a list.
  int log2 = 4;
  while ((size_t{1} << log2) < 2 * by_first_.size()) ++log2;
  start_slots_shift_ = 64 - log2;
  start_slots_.assign(size_t{1} << log2, StartList{});
  int filter_log2 = 9;
  while ((size_t{1} << filter_log2) < 16 * by_first_.size() && filter_log2 < 24) ++filter_log2;
  first_filter_shift_ = 64 - filter_log2;
  first_filter_.assign((size_t{1} << filter_log2) / 64, 0);
  for (const auto& [first, list] : by_first_) {
    const uint64_t mixed = static_cast<uint64_t>(first) * kMixHashes;
    const uint64_t bit = mixed >> first_filter_shift_;
    first_filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
    size_t slot = static_cast<size_t>(mixed >> start_slots_shift_);
    while (start_slots_[slot].count != 0) slot = (slot + 1) & (start_slots_.size() - 1);
    start_slots_[slot] = StartList{first, static_cast<uint32_t>(starts_.size()), static_cast<uint32_t>(list.size())};
    for (AliasStart start : list) {
      const Alias& a = aliases_[static_cast<size_t>(start.alias)];
      // (The same as the alias: AddSurfaces may have relaxed its capitals
      // since IndexAlias.)
      start.entry = a.entry;
      start.exact_case = a.exact_case;
      start.words = static_cast<uint32_t>(word_texts_.size());
      for (size_t j = 0; j < a.tokens.size(); ++j) {
        word_texts_ += a.tokens[j];
        word_texts_ += a.capitalised[j] ? kCapitalised : kLower;
      }
      starts_.push_back(start);
    }
  }
}

std::span<const Lexicon::AliasStart> Lexicon::StartsOf(size_t first, uint64_t mixed) const {
  for (size_t slot = static_cast<size_t>(mixed >> start_slots_shift_);; slot = (slot + 1) & (start_slots_.size() - 1)) {
    const StartList& list = start_slots_[slot];
    if (list.count == 0) return {};
    if (list.first == first) return std::span<const AliasStart>(starts_).subspan(list.begin, list.count);
  }
}

std::string JoinAlternatives(const std::vector<std::string>& patterns, const char* none) {
  std::string s;
  for (const auto& p : patterns) s += (s.empty() ? "" : "|") + p;
  return s.empty() ? std::string(none) : s;
}

std::string LiteralAlternatives(const std::vector<std::string>& words) {
  std::vector<std::string> quoted;
  quoted.reserve(words.size());
  for (const auto& w : words) quoted.push_back(RE2::QuoteMeta(w));
  return JoinAlternatives(quoted, kMatchesNothing);
}

Lexicon Lexicon::Load(const std::string& corpus_dir) {
  namespace fs = std::filesystem;
  Lexicon lex;
  fs::path root(corpus_dir);
  fs::path gaz = root / "gazetteers";
  std::vector<fs::path> files;
  if (fs::exists(gaz))
    for (const auto& e : fs::directory_iterator(gaz))
      if (e.path().extension() == ".tsv") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    bool demonyms = f.filename().string().rfind("demonyms", 0) == 0;
    bool header = true;
    for (auto& [n, line] : DataLines(f)) {
      if (header) {
        header = false;
        continue;
      }
      auto cols = Split(line, '\t');
      auto where = f.string() + ":" + std::to_string(n) + ":1: ";
      if (demonyms) {
        if (cols.size() < 2) throw RuleError(where + "expected 'forms<TAB>country'");
        lex.AddSurfaces(Trim(cols[1]), "Demonym", Split(cols[0], '|'));
        continue;
      }
      if (cols.size() < 2) throw RuleError(where + "expected 'name<TAB>type<TAB>aliases'");
      std::string type = Trim(cols[1]);
      if (!KnownType(type))
        throw RuleError(where + "unknown type '" + type +
                        "' (Person, Organization, Country, Place, Project, Product, Policy, Event)");
      std::vector<std::string> aliases;
      if (cols.size() > 2 && !Trim(cols[2]).empty()) aliases = Split(cols[2], '|');
      lex.AddSurfaces(Trim(cols[0]), type, aliases);
      if (cols.size() > 3)
        for (const auto& attr : Split(cols[3], ';')) {
          std::string a = Trim(attr);
          if (a.rfind("country=", 0) == 0) lex.entries_.back().country = Trim(a.substr(8));
          if (a.rfind("kind=", 0) == 0) lex.entries_.back().kind = Trim(a.substr(5));
          if (a.rfind("city=", 0) == 0) lex.entries_.back().city = Trim(a.substr(5));
          if (a.rfind("maker=", 0) == 0) {
            lex.entries_.back().maker = Trim(a.substr(6));
            lex.makers[lex.entries_.back().name] = lex.entries_.back().maker;
          }
        }
    }
  }
  // Demonym entries were added with the country name as an alias; remove
  // those aliases so that "China" stays a Country mention.
  {
    std::vector<Alias> kept;
    for (auto& a : lex.aliases_) {
      const auto& e = lex.entries_[a.entry];
      if (e.type == "Demonym" && a.surface == e.name) continue;
      kept.push_back(std::move(a));
    }
    lex.aliases_ = std::move(kept);
    lex.by_first_.clear();
    for (size_t i = 0; i < lex.aliases_.size(); ++i) lex.IndexAlias(static_cast<int>(i));
  }
  // Longest first; at equal length a name before a demonym: "U.S." is both the country's short name
  // and its adjective ("the U.S. company"), and a mention of it is the country.
  auto is_demonym = [&lex](const AliasStart& s) {
    return lex.entries_[lex.aliases_[static_cast<size_t>(s.alias)].entry].type == "Demonym";
  };
  for (auto& [first, starts] : lex.by_first_)
    std::stable_sort(starts.begin(), starts.end(), [&](const AliasStart& a, const AliasStart& b) {
      if (a.tokens != b.tokens) return a.tokens > b.tokens;
      return !is_demonym(a) && is_demonym(b);
    });
  lex.IndexStarts();

  fs::path lx = root / "lexicon";
  if (fs::exists(lx / "descriptors.tsv")) {
    for (auto& [n, line] : DataLines(lx / "descriptors.tsv")) {
      auto cols = Split(line, '\t');
      auto where = (lx / "descriptors.tsv").string() + ":" + std::to_string(n) + ":1: ";
      if (cols.size() < 2) throw RuleError(where + "expected 'head<TAB>type<TAB>flags'");
      HeadNoun h;
      h.text = Trim(cols[0]);
      h.type = Trim(cols[1]);
      if (!KnownType(h.type)) throw RuleError(where + "unknown type '" + h.type + "'");
      std::string flags = cols.size() > 2 ? cols[2] : "";
      h.anaphor = flags.find("anaphor") != std::string::npos;
      h.generic = flags.find("generic") != std::string::npos;
      for (const auto& f : Split(flags, ',')) {
        std::string flag = Trim(f);
        if (flag == "maker") h.maker = true;
        if (flag.rfind("kind=", 0) == 0) h.kind = flag.substr(5);
        if (flag.rfind("makers=", 0) == 0) h.makers = flag.substr(7);
        if (flag.rfind("not=", 0) == 0) h.not_kinds = Split(flag.substr(4), '|');
      }
      lex.heads.push_back(h);
    }
  }
  for (auto& w : Words(lx / "abbreviations.txt")) lex.abbreviations.insert(w);
  for (auto& w : Words(lx / "impersonal.txt")) lex.impersonal.push_back(LowerAscii(w));
  for (auto& w : Words(lx / "speech_verbs.txt")) lex.speech_verbs.push_back(w);
  for (auto& w : Words(lx / "quote_naming.txt")) lex.quote_naming.push_back(w);
  lex.source_openers = Words(lx / "source_openers.txt");
  lex.indefinite_articles = Words(lx / "indefinite_articles.txt");
  // Reporting words as they stand in the text: " said" (a word start), and
  // " que " for a whole word (" qu'", ending in an apostrophe, stays a start).
  auto word_start = [](const std::string& w) { return " " + LowerAscii(w); };
  auto whole_word = [](const std::string& w) {
    return " " + LowerAscii(w) + (!w.empty() && w.back() == '\'' ? "" : " ");
  };
  for (auto& w : Words(lx / "reporting_tags.txt")) lex.reporting_tags.push_back(word_start(w));
  for (auto& w : Words(lx / "clause_openers.txt")) lex.clause_openers.push_back(whole_word(w));
  for (auto& w : Words(lx / "complementizers.txt")) lex.complementizers.push_back(whole_word(w));
  for (auto& w : Words(lx / "reporting_verbs.txt")) lex.reporting_verbs.push_back(word_start(w));
  for (auto& w : Words(lx / "dated_relations.txt")) lex.dated_relations.insert(w);
  for (auto& w : Words(lx / "round_relations.txt")) lex.round_relations.insert(w);
  for (auto& w : Words(lx / "raise_words.txt")) lex.raise_words.insert(Fold(w));
  // The word lists kept folded (lower case, no accents), one set each.
  const std::pair<const char*, std::unordered_set<std::string>*> folded_lists[] = {
      {"first_names.txt", &lex.first_names},         {"non_names.txt", &lex.non_names},
      {"pronouns.txt", &lex.pronouns},               {"we_words.txt", &lex.we_words},
      {"person_pronouns.txt", &lex.person_pronouns}, {"thing_pronouns.txt", &lex.thing_pronouns},
      {"quote_openers.txt", &lex.quote_openers},     {"product_suffixes.txt", &lex.product_suffixes},
      {"org_suffixes.txt", &lex.org_suffixes},       {"place_suffixes.txt", &lex.place_suffixes},
      {"stopwords_fr.txt", &lex.stop_fr},            {"stopwords_en.txt", &lex.stop_en},
      {"descriptor_stops.txt", &lex.descriptor_stops}, {"prepositions.txt", &lex.prepositions},
      {"item_determiners.txt", &lex.item_determiners}, {"acronym_fillers.txt", &lex.acronym_fillers},
      {"definite_articles.txt", &lex.definite_articles}, {"version_followers.txt", &lex.version_followers},
      {"domain_suffixes.txt", &lex.domain_suffixes}, {"institution_heads.txt", &lex.institution_heads},
      {"name_links.txt", &lex.name_links},           {"person_relatives.txt", &lex.person_relatives},
      {"name_particles.txt", &lex.name_particles},
  };
  // (Words() of a file a corpus directory copied from an older kg lacks is empty.)
  for (const auto& [file, set] : folded_lists)
    for (auto& w : Words(lx / file)) set->insert(Fold(w));
  for (auto& w : Words(lx / "adverb_endings.txt")) lex.adverb_endings.push_back(Fold(w));
  lex.determiners = Words(lx / "determiners.txt");
  lex.anaphor_determiners = Words(lx / "anaphor_determiners.txt");
  lex.apposition_determiners = Words(lx / "apposition_determiners.txt");
  lex.naming_words = Words(lx / "naming_words.txt");
  // Words next to a name: "de " (a word and its space), "d'" (an elided form).
  auto then_space = [](const std::string& w) { return LowerAscii(w) + (!w.empty() && w.back() == '\'' ? "" : " "); };
  for (auto& w : Words(lx / "genitives.txt")) {
    lex.genitive_leads.push_back(" " + then_space(w));
    lex.genitives.insert(std::move(w));
  }
  lex.list_gaps.push_back(", ");
  for (auto& w : Words(lx / "coordinators.txt")) {
    lex.coordinators.insert(Fold(w));
    lex.list_gaps.push_back(" " + then_space(w));
    lex.list_gaps.push_back(", " + then_space(w));
  }
  for (auto& w : RequiredWords(lx / "complement_prepositions.txt")) lex.complement_prepositions.push_back(then_space(w));
  for (auto& w : RequiredWords(lx / "partner_prepositions.txt")) lex.partner_prepositions.push_back(then_space(w));
  for (auto& w : RequiredWords(lx / "preposition_determiners.txt")) lex.preposition_determiners.push_back(then_space(w));
  for (auto& w : RequiredWords(lx / "relative_pronouns.txt")) lex.relative_openers.push_back(", " + then_space(w));
  for (auto& w : RequiredWords(lx / "name_articles.txt")) lex.name_articles.push_back(then_space(w));
  lex.byline_openers = RequiredWords(lx / "byline_openers.txt");
  lex.possessive_markers = RequiredWords(lx / "possessive_markers.txt");
  for (auto& w : RequiredWords(lx / "participle_endings.txt")) lex.participle_endings.push_back(LowerAscii(w));
  for (auto& w : RequiredWords(lx / "agent_prepositions.txt")) lex.agent_prepositions.push_back(" " + w + " ");
  lex.place_modifier_suffixes = RequiredWords(lx / "place_modifier_suffixes.txt");
  for (auto& w : Words(lx / "person_participles.txt")) lex.person_participles.push_back(LowerAscii(w));
  for (auto& w : Words(lx / "subject_verbs.txt")) lex.subject_verbs.push_back(whole_word(w));
  for (auto& w : Words(lx / "locative_prepositions.txt")) lex.locative_prepositions.push_back(whole_word(w));
  if (fs::exists(lx / "place_adjectives.tsv")) {
    for (auto& [n, line] : DataLines(lx / "place_adjectives.tsv")) {
      auto cols = Split(line, '\t');
      if (cols.size() < 3)
        throw RuleError((lx / "place_adjectives.tsv").string() + ":" + std::to_string(n) +
                        ":1: expected 'forms<TAB>place<TAB>country'");
      for (const auto& form : Split(cols[0], '|'))
        lex.place_adjectives.emplace(Fold(Trim(form)), PlaceAdjective{Trim(cols[1]), Trim(cols[2])});
    }
  }
  if (fs::exists(lx / "months.tsv")) {
    for (auto& [n, line] : DataLines(lx / "months.tsv")) {
      auto cols = Split(line, '\t');
      std::string form = cols.empty() ? "" : Trim(cols[0]);
      int number = 0;
      if (cols.size() >= 2) {
        std::string num = Trim(cols[1]);
        auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), number);
        if (ec != std::errc() || end != num.data() + num.size()) number = 0;
      }
      if (form.empty() || number < 1 || number > 12)
        throw RuleError((lx / "months.tsv").string() + ":" + std::to_string(n) +
                        ":1: expected 'form<TAB>month number (1-12)'");
      lex.months.emplace_back(form, number);
    }
  }
  // Money amounts.
  auto where = [&](const char* file, int n) { return (lx / file).string() + ":" + std::to_string(n) + ":1: "; };
  auto required_lines = [&](const char* file) { return DataLines(Required(lx / file)); };
  for (auto& [n, line] : required_lines("day_words.tsv")) {
    auto cols = Split(line, '\t');
    std::string form = cols.empty() ? "" : Trim(cols[0]);
    std::string num = cols.size() > 1 ? Trim(cols[1]) : "";
    int day = 0;
    auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), day);
    if (ec != std::errc() || end != num.data() + num.size() || day < 1 || day > 31 ||
        std::none_of(form.begin(), form.end(), [](char c) { return c >= '0' && c <= '9'; }))
      throw RuleError(where("day_words.tsv", n) + "expected 'form<TAB>day (1-31)', the form with a digit");
    lex.day_words.emplace_back(form, day);
  }
  lex.ordinal_suffixes = RequiredWords(lx / "ordinal_suffixes.txt");
  for (auto& [n, line] : required_lines("currencies.tsv")) {
    auto cols = Split(line, '\t');
    CurrencyForm c;
    c.form = cols.empty() ? "" : Trim(cols[0]);
    c.code = cols.size() > 1 ? Trim(cols[1]) : "";
    std::istringstream places(cols.size() > 2 ? cols[2] : "");
    bool known = true;
    for (std::string p; places >> p;) {
      c.before |= p == "before";
      c.after |= p == "after";
      known &= p == "before" || p == "after";
    }
    if (c.form.empty() || c.code.empty() || !known || !(c.before || c.after))
      throw RuleError(where("currencies.tsv", n) + "expected 'form<TAB>ISO code<TAB>after|before|before after'");
    lex.currencies.push_back(std::move(c));
  }
  for (auto& [n, line] : required_lines("multipliers.tsv")) {
    auto cols = Split(line, '\t');
    MultiplierForm m;
    m.form = cols.empty() ? "" : Trim(cols[0]);
    // A factor: a positive number, all of the text ("1e9").
    auto factor = [](const std::string& text, double& out) {
      std::string t = Trim(text);
      char* end = nullptr;
      out = t.empty() ? 0 : std::strtod(t.c_str(), &end);
      return !t.empty() && end == t.c_str() + t.size() && out > 0;
    };
    bool ok = !m.form.empty() && cols.size() > 1 && factor(cols[1], m.factor);
    m.fr_factor = m.factor;
    std::istringstream options(cols.size() > 2 ? cols[2] : "");
    for (std::string o; ok && options >> o;) {
      if (o == "scale")
        m.scale = true;
      else if (o == "sign")
        m.sign = true;
      else
        ok = o.rfind("fr=", 0) == 0 && factor(o.substr(3), m.fr_factor);
    }
    if (!ok) throw RuleError(where("multipliers.tsv", n) + "expected 'form<TAB>factor<TAB>[fr=FACTOR] [scale] [sign]'");
    lex.multipliers.push_back(std::move(m));
  }
  lex.one_words = RequiredWords(lx / "one_words.txt");
  for (auto& w : RequiredWords(lx / "currency_links.txt")) lex.currency_links.push_back(then_space(w));
  for (auto& w : RequiredWords(lx / "count_prepositions.txt")) lex.count_prepositions.push_back(" " + then_space(w));
  for (auto& w : RequiredWords(lx / "amount_followers.txt")) lex.amount_followers.insert(Fold(w));
  for (auto& w : RequiredWords(lx / "unit_prices.txt")) lex.unit_prices.push_back(LowerAscii(w));
  for (auto& [n, line] : required_lines("durations.txt")) {
    std::string t = Trim(line);
    size_t colon = t.find(':');
    std::string kind = t.substr(0, colon), form = colon == std::string::npos ? "" : Trim(t.substr(colon + 1));
    auto* list = kind == "before" ? &lex.duration_prepositions
                 : kind == "number" ? &lex.duration_numbers
                 : kind == "unit"   ? &lex.duration_units
                                    : nullptr;
    if (!list || form.empty())
      throw RuleError(where("durations.txt", n) + "expected 'before: WORD', 'number: WORD' or 'unit: WORD'");
    list->push_back(form);
  }
  if (fs::exists(lx / "boilerplate.txt")) {
    for (auto& [n, line] : DataLines(lx / "boilerplate.txt")) {
      std::string t = Trim(line);
      if (t.rfind("cut:", 0) == 0)
        lex.boilerplate_cuts.push_back(Trim(t.substr(4)));
      else if (t.rfind("line:", 0) == 0)
        lex.boilerplate_lines.push_back(Trim(t.substr(5)));
      else if (t.rfind("class:", 0) == 0)
        lex.boilerplate_classes.push_back(Trim(t.substr(6)));
      else
        throw RuleError((lx / "boilerplate.txt").string() + ":" + std::to_string(n) +
                        ":1: expected 'line: REGEX', 'cut: REGEX' or 'class: WORD'");
    }
  }
  return lex;
}

}  // namespace kg::ingest
