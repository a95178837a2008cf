// Entity recognition over the words of one sentence. The lexicon lookup is a
// hash of first words to aliases, longest alias first, so the sentence is
// read once; descriptors and anaphors are two precompiled re2 patterns built
// from lexicon/descriptors.tsv.
#include "ingest/entities.h"

#include <re2/re2.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <numeric>
#include <span>
#include <string_view>

#include "ingest/pattern_twins.h"
#include "ingest/text.h"

namespace kg::ingest {

namespace {

bool IsEntityType(const std::string& t) {
  return Is(t, "Person") || Is(t, "Organization") || Is(t, "Country") || Is(t, "Place") || Is(t, "Project") ||
         Is(t, "Product") || Is(t, "Policy") || Is(t, "Event");
}

// True when the bytes between two words allow them to be one name.
bool NameGap(std::string_view gap) {
  if (gap == "+") return true;  // "Kuehne+Nagel"
  if (gap.size() > 3) return false;
  for (char c : gap)
    if (c != ' ' && c != '-' && c != '\'' && c != '.' && c != '&' && c != '/') return false;
  return true;
}

bool Overlaps(const std::vector<Mention>& ms, size_t b, size_t e) {
  for (const auto& m : ms)
    if (b < m.end && m.begin < e) return true;
  return false;
}

RE2::Options Opts() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

char LowerAsciiChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// LowerAscii(a) == LowerAscii(b), without making the lowered strings.
bool SameLowered(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (LowerAsciiChar(a[i]) != LowerAsciiChar(b[i])) return false;
  return true;
}

// The first of `words` (ASCII lowered) that `text` holds at `at`, in any
// ASCII case; null for none.
const std::string* LoweredWordAt(std::string_view text, size_t at, const std::vector<std::string>& words) {
  if (at > text.size()) return nullptr;
  for (const auto& w : words)
    if (at + w.size() <= text.size() && LowersTo(text.substr(at, w.size()), w)) return &w;
  return nullptr;
}

// A word of two or more capitals and digits, no lower-case letter ("CMA", "CGM").
bool AllCaps(std::string_view text, const Token& t) {
  if (t.end - t.begin < 2) return false;
  for (size_t k = t.begin; k < t.end; ++k) {
    auto c = static_cast<unsigned char>(text[k]);
    if (!std::isupper(c) && !std::isdigit(c)) return false;
  }
  return std::isupper(static_cast<unsigned char>(text[t.begin])) != 0;
}

// RE2's \s.
bool IsReSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

// The last two bytes of a text, ASCII lowered, as one key.
uint32_t LeadKey(char last, char before_last) {
  return static_cast<uint32_t>(static_cast<unsigned char>(LowerAsciiChar(last))) << 8 |
         static_cast<unsigned char>(LowerAsciiChar(before_last));
}

bool IsWordByte(char c) { return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80; }

// Whether `word` stands as a whole word somewhere in [lo, hi) of `text`
// other than at `except`, and, with `mid_sentence`, after a lower-case
// letter, a digit, a comma, a bracket or an apostrophe (so not opening a
// sentence or a quotation).
bool OccursElsewhere(std::string_view text, std::string_view word, size_t lo, size_t hi, size_t except,
                     bool mid_sentence) {
  if (word.empty()) return false;
  // (A searcher, not string_view::find: the first letter of a name is
  // common in the text, and find compares at each.)
  const std::boyer_moore_horspool_searcher searcher(word.begin(), word.end());
  auto next = [&](size_t from) {
    if (from >= hi) return std::string_view::npos;
    auto it = std::search(text.begin() + static_cast<std::ptrdiff_t>(from), text.begin() + static_cast<std::ptrdiff_t>(hi), searcher);
    return it == text.begin() + static_cast<std::ptrdiff_t>(hi) ? std::string_view::npos
                                                                 : static_cast<size_t>(it - text.begin());
  };
  for (size_t p = next(lo); p != std::string_view::npos; p = next(p + 1)) {
    if (p == except) continue;
    if (p > 0 && IsWordByte(text[p - 1])) continue;
    if (p + word.size() < text.size() && IsWordByte(text[p + word.size()])) continue;
    if (!mid_sentence) return true;
    // Inside a longer name ("Nimbus Data" for "Nimbus"): not the word alone.
    size_t r = p + word.size();
    while (r < text.size() && text[r] == ' ') ++r;
    if (r < text.size() && r > p + word.size() && std::isupper(static_cast<unsigned char>(text[r]))) continue;
    size_t q = p;
    while (q > 0 && text[q - 1] == ' ') --q;
    if (q == 0) continue;
    char c = text[q - 1];
    if (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == ',' ||
        c == '(' || c == '\'')
      return true;
    // A lower-case accented letter ends the word before ("créée", "société").
    if (static_cast<unsigned char>(c) >= 0x80 && q >= 2 && q - 2 < text.size()) {
      size_t b = q - 1;
      while (b > 0 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80) --b;
      auto w = Tokenize(text.substr(b, q - b));
      if (!w.empty() && !w.back().upper_initial) return true;
    }
  }
  return false;
}

// OccursElsewhere(text, word, lo, hi, npos, false) for `word` and for
// `singular`, `word` without its final 's', in one pass: a match of `word` is
// one of `singular` followed by an 's'.
bool WordOrSingularOccurs(std::string_view text, std::string_view singular, size_t lo, size_t hi) {
  const std::boyer_moore_horspool_searcher searcher(singular.begin(), singular.end());
  const auto end = text.begin() + static_cast<std::ptrdiff_t>(hi);
  for (size_t from = lo; from < hi;) {
    auto it = std::search(text.begin() + static_cast<std::ptrdiff_t>(from), end, searcher);
    if (it == end) return false;
    const auto p = static_cast<size_t>(it - text.begin());
    from = p + 1;
    if (p > 0 && IsWordByte(text[p - 1])) continue;
    const size_t e = p + singular.size();
    if (e >= text.size() || !IsWordByte(text[e])) return true;  // the singular
    if (text[e] == 's' && e + 1 <= hi && (e + 1 >= text.size() || !IsWordByte(text[e + 1]))) return true;  // the word
  }
  return false;
}

// The words of `tokens` (in order) inside [b, e): what Tokenize cuts of the
// text there, unless a word of `tokens` crosses b or e (nullopt).
std::optional<std::span<const Token>> WordsWithin(std::span<const Token> tokens, size_t b, size_t e) {
  auto first = std::partition_point(tokens.begin(), tokens.end(), [&](const Token& t) { return t.end <= b; });
  if (first != tokens.end() && first->begin < b) return std::nullopt;
  auto last = first;
  while (last != tokens.end() && last->end <= e) ++last;
  if (last != tokens.end() && last->begin < e) return std::nullopt;
  return tokens.subspan(static_cast<size_t>(first - tokens.begin()),
                                                static_cast<size_t>(last - first));
}

// Whether `word` holds a combining mark (Unicode M*), or bytes that are not UTF-8.
bool HasMark(std::string_view word) {
  for (size_t i = 0; i < word.size();) {
    if (static_cast<unsigned char>(word[i]) < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t cp;
    auto len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(word.data() + i),
                                static_cast<utf8proc_ssize_t>(word.size() - i), &cp);
    if (len <= 0) return true;
    auto cat = utf8proc_category(cp);
    if (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) return true;
    i += static_cast<size_t>(len);
  }
  return false;
}

// `narrow_twin` when the text allows it and there is one, else `re`.
const RE2& Pick(const std::unique_ptr<RE2>& re, const std::unique_ptr<RE2>& narrow_twin, bool narrow) {
  return narrow && narrow_twin ? *narrow_twin : *re;
}

}  // namespace

Recognizer::Recognizer(const Lexicon& lexicon) : lex_(lexicon) {
  for (const auto& [form, number] : lex_.months)
    for (const auto& t : Tokenize(form)) month_words_.insert(t.folded);
  for (const auto& h : lex_.heads)
    for (const auto& t : Tokenize(h.text)) cue_words_.insert(t.folded);
  for (size_t i = 0; i < lex_.heads.size(); ++i) folded_heads_.emplace(Fold(lex_.heads[i].text), i);  // the first wins
  // Product families named with a version in the lexicon ("GPT-4o", "Claude
  // Opus 4", "Llama 3"): the same first word with another version is another
  // product of the family.
  for (const auto& a : lex_.aliases()) {
    if (!Is(lex_.entries()[a.entry].type, "Product") || a.tokens.size() < 2) continue;
    bool versioned = std::any_of(a.tokens.begin() + 1, a.tokens.end(), [](const std::string& t) {
      return !t.empty() && std::isdigit(static_cast<unsigned char>(t[0]));
    });
    if (versioned && !a.tokens[0].empty() && !std::isdigit(static_cast<unsigned char>(a.tokens[0][0])))
      model_stems_.insert(a.tokens[0]);
  }
  // The main (longest) word of each naming phrase: "nom" of "du nom de".
  for (const auto& w : lex_.naming_words) {
    std::string longest;
    for (const auto& t : Tokenize(w))
      if (t.folded.size() > longest.size()) longest = t.folded;
    if (!longest.empty()) cue_words_.insert(longest);
  }
  for (const auto& w : cue_words_) cue_hashes_.insert(Lexicon::TokenHash(w));
  model_stems_filter_.emplace(model_stems_);
  cue_words_filter_.emplace(cue_words_);
  cue_hashes_filter_.emplace(cue_hashes_);
  // Head nouns, those that may refer back alone, and demonyms: longest first.
  for (const auto& h : lex_.heads) {
    heads_.Add(h.text);
    if (h.anaphor || h.maker) {
      anaphor_heads_.Add(h.text);
      auto words = Tokenize(h.text);
      if (words.empty())
        anaphor_head_without_word_ = true;
      else
        anaphor_first_words_.insert(Lexicon::TokenHash(words[0].folded));
    }
  }
  anaphor_first_words_filter_.emplace(anaphor_first_words_);
  for (const auto& a : lex_.aliases())
    if (Is(lex_.entries()[a.entry].type, "Demonym")) demonyms_.Add(a.surface);
  // What the anaphor pattern puts right before a head (see HeadLeadBefore):
  // a determiner, a demonym, a place modifier ("-based"); "\x00" stands for
  // no demonym.
  {
    std::vector<std::string> leads = lex_.anaphor_determiners;
    bool demonym = false;
    for (const auto& a : lex_.aliases())
      if (Is(lex_.entries()[a.entry].type, "Demonym")) {
        leads.push_back(a.surface);
        demonym = true;
      }
    if (!demonym) leads.emplace_back(1, '\0');
    leads.insert(leads.end(), lex_.place_modifier_suffixes.begin(), lex_.place_modifier_suffixes.end());
    for (auto& lead : leads) {
      // (A lead with U+212A or U+017F may match an ASCII 'k' or 's'.)
      if (lead.empty() || IsReSpace(lead.back()) || lead.find("\xE2\x84\xAA") != std::string::npos ||
          lead.find("\xC5\xBF") != std::string::npos) {
        head_leads_usable_ = false;
        continue;
      }
      // A lead with a byte of another character among its last two can
      // only match text with such a byte there, which HeadLeadBefore lets
      // through unread.
      const auto last = static_cast<unsigned char>(lead.back());
      if (last >= 0x80) continue;
      if (lead.size() == 1) {
        one_byte_leads_[static_cast<unsigned char>(LowerAsciiChar(lead.back()))] = true;
        continue;
      }
      const auto before_last = static_cast<unsigned char>(lead[lead.size() - 2]);
      if (before_last >= 0x80) continue;
      head_leads_[LeadKey(lead.back(), lead[lead.size() - 2])].push_back(lead);
    }
  }
  heads_.SortLongestFirst();
  anaphor_heads_.SortLongestFirst();
  demonyms_.SortLongestFirst();

  // "la ", "de la ", "l'": a word is followed by a space, an elided form by
  // its apostrophe.
  auto determiner_pattern = [](const std::vector<std::string>& list) {
    std::vector<std::string> words, elided;
    for (const auto& d : list) (!d.empty() && d.back() == '\'' ? elided : words).push_back(d);
    return "(?:(?:" + LiteralAlternatives(words) + ")\\s+|(?:" + LiteralAlternatives(elided) + ")\\s*)";
  };
  const std::string determiners = determiner_pattern(lex_.determiners);
  const std::string naming = "(?:" + LiteralAlternatives(lex_.naming_words) + ")";
  auto descriptor_before = [&] {
    return std::string("(?i)(?:^|[\\s(,:;])(") + determiners + R"((?:[\pL\-]+\s+){0,2}?()";
  };
  auto descriptor_after = [&](const char* tail_repeat) {
    // The separator: a comma or spaces, a naming word, an opening quote
    // ("\s*,\s*(?:NAMING\s*)?Q?|\s+NAMING\s*Q?|\s+Q?" written once).
    return R"()(?:[\s(][^,.;:!?«»"…])" + std::string(tail_repeat) + R"()?))" + R"(((?:\s*,\s*|\s+)(?:)" + naming +
           R"(\s*)?(?:"|« ?)?)$)";
  };
  auto descriptor = [&](const char* tail_repeat) {
    return descriptor_before() + heads_.Pattern() + descriptor_after(tail_repeat);
  };
  descriptor_twins_ = std::make_unique<FewWordsTwins>(std::vector<std::string>{descriptor_before(), descriptor_after("*?")},
                                                      std::vector<const WordAlternatives*>{&heads_}, Opts());
  descriptor_ = std::make_unique<RE2>(descriptor("{0,100}?"), Opts());
  if (!descriptor_->ok()) throw RuleError("lexicon/descriptors.tsv: " + descriptor_->error());
  descriptor_unbounded_ = std::make_unique<RE2>(descriptor("*?"), Opts());
  if (!descriptor_unbounded_->ok()) throw RuleError("lexicon/descriptors.tsv: " + descriptor_unbounded_->error());
  // "the San Francisco-based start-up": up to two modifiers between the
  // determiner and the head.
  const std::string based = "(?:" + LiteralAlternatives(lex_.place_modifier_suffixes) + ")";
  // "the South Korean company": a demonym before the head.
  anaphor_twins_ = std::make_unique<FewWordsTwins>(
      std::vector<std::string>{std::string("(?i)(?:^|[^\\pL])(") + determiner_pattern(lex_.anaphor_determiners) +
                                   "(?:(?:",
                               ")\\s+|[\\pL]+[\\pL-]*" + based + "\\s+|[\\pL]+\\s+[\\pL]+" + based + "\\s+)?(",
                               ")(?:\\s+(", "))?)(?:[^\\pL\\pN]|$)"},
      std::vector<const WordAlternatives*>{&demonyms_, &anaphor_heads_, &demonyms_}, Opts());
  anaphor_ = std::make_unique<RE2>(anaphor_twins_->Pattern(), Opts());
  // "Krishna Rao, Anthropic's chief financial officer": an apposition after
  // the name; "the Claude chatbot": a head noun right after it.
  after_apposition_ = std::make_unique<RE2>(
      std::string(R"((?i)^,\s*(?:(?:)") + LiteralAlternatives(lex_.apposition_determiners) + R"()\s*)?(?:[\pL\pN'\-]+\s+){0,4}?()" +
          heads_.Pattern() + R"()(?:[^\pL]|$))",
      Opts());
  // (An optional lower-case modifier between: "the Zorin server chips".)
  after_head_ = std::make_unique<RE2>(
      std::string(R"((?i)^\s+(?:((?-i:\p{Ll})[\pL\-]*)\s+)?()") + heads_.Pattern() + R"()(?:[^\pL]|$))", Opts());
  if (!anaphor_->ok()) throw RuleError("lexicon/descriptors.tsv: " + anaphor_->error());
  // The part of `descriptor_` after its comma separator, whole.
  separator_tail_ = std::make_unique<RE2>(std::string(R"((?i)\s*(?:)") + naming + R"(\s*)?(?:"|« ?)?)", Opts());
  for (const auto& w : lex_.naming_words) {
    const auto first = static_cast<unsigned char>(w.empty() ? ' ' : LowerAsciiChar(w[0]));
    if (first >= 0x80 || !std::isalnum(first)) naming_first_usable_ = false;
    naming_first_[first] = true;
  }
  for (const auto& h : lex_.heads)
    if (h.text.find_first_of(",.;:!?\xC2\xE2") != std::string::npos) heads_have_punctuation_ = true;
  descriptor_narrow_ = CompileNarrowTwin(descriptor_->pattern(), *descriptor_, Opts());
  descriptor_unbounded_narrow_ = CompileNarrowTwin(descriptor_unbounded_->pattern(), *descriptor_unbounded_, Opts());
  anaphor_narrow_ = CompileNarrowTwin(anaphor_->pattern(), *anaphor_, Opts());
  after_apposition_narrow_ = CompileNarrowTwin(after_apposition_->pattern(), *after_apposition_, Opts());
  after_head_narrow_ = CompileNarrowTwin(after_head_->pattern(), *after_head_, Opts());
}

// A descriptor (determiner, words, head, up to 100 characters without
// punctuation, separator) has no . ; : ! ? » or … and at most one comma, the
// one of its separator: it starts after the last of these marks before the
// name, or after the one comma before, when the last comma may be that
// separator.
size_t Recognizer::DescriptorFloor(std::string_view text, size_t lo, size_t end) const {
  if (heads_have_punctuation_) return lo;
  // The bytes the loop below stops at: the marks, a comma, and the last
  // bytes of » and …; one load per byte passes over the others (DescriptorFloor
  // 15.8M -> 11.3M instructions on 300 bench articles, callgrind).
  static constexpr auto kStops = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : {'.', ';', ':', '!', '?', ',', '\xBB', '\xA6'}) t[c] = true;
    return t;
  }();
  bool separator_possible = true;
  for (size_t i = end; i > lo; --i) {
    char c = text[i - 1];
    if (!kStops[static_cast<unsigned char>(c)]) continue;
    if (c == '.' || c == ';' || c == ':' || c == '!' || c == '?') return i;
    if (c == '\xBB' && i >= lo + 2 && text[i - 2] == '\xC2') return i;                            // »
    if (c == '\xA6' && i >= lo + 3 && text[i - 3] == '\xE2' && text[i - 2] == '\x80') return i;  // …
    if (c != ',') continue;
    if (separator_possible && SeparatorTail(text.substr(i, end - i))) {
      separator_possible = false;
      continue;
    }
    return i;
  }
  return lo;
}

// Most text after a comma opens no naming phrase: after its spaces comes
// neither a quote nor the first letter of a naming word (in any case), and
// the pattern need not run. (A byte of another character may be one that
// (?i) folds onto an ASCII letter: the pattern decides.)
bool Recognizer::SeparatorTail(std::string_view tail) const {
  size_t k = 0;
  while (k < tail.size() && IsReSpace(tail[k])) ++k;
  if (k == tail.size()) return true;  // spaces alone
  const auto c = static_cast<unsigned char>(LowerAsciiChar(tail[k]));
  if (naming_first_usable_ && c != '"' && c < 0x80 && !naming_first_[c]) return false;
  return RE2::FullMatch(tail, *separator_tail_);
}

// The anaphor pattern has a determiner, a demonym or a place modifier right
// before the head, then spaces (none after an elided determiner). Compared
// from their last byte, ASCII letters in any case; a byte of another
// character in the text may be one of theirs in another case: the pattern
// decides.
bool Recognizer::HeadLeadBefore(std::string_view text, size_t lo, size_t head) const {
  if (!head_leads_usable_) return true;
  size_t end = head;
  while (end > lo && IsReSpace(text[end - 1])) --end;
  if (end == lo) return false;
  const char last = text[end - 1];
  if (static_cast<unsigned char>(last) >= 0x80 || one_byte_leads_[static_cast<unsigned char>(LowerAsciiChar(last))])
    return true;
  if (end - 1 == lo) return false;
  if (static_cast<unsigned char>(text[end - 2]) >= 0x80) return true;
  auto it = head_leads_.find(LeadKey(last, text[end - 2]));
  if (it == head_leads_.end()) return false;
  for (const std::string& lead : it->second) {
    if (lead.size() > end - lo) continue;
    bool same = true;
    for (size_t j = lead.size() - 2, t = end - 2; j > 0 && same; --j, --t) {
      if (static_cast<unsigned char>(text[t - 1]) >= 0x80) break;  // (same)
      same = LowerAsciiChar(lead[j - 1]) == LowerAsciiChar(text[t - 1]);
    }
    if (same) return true;
  }
  return false;
}

Recognizer::~Recognizer() = default;

Recognizer::WordFilter::WordFilter(const std::unordered_set<std::string>& words) {
  // About 32 bits a word (at least 512): few words not in the list find
  // their bit set.
  int log2 = 9;
  while ((size_t{1} << log2) < 32 * words.size() && log2 < 20) ++log2;
  shift_ = 64 - log2;
  bits_.assign((size_t{1} << log2) / 64, 0);
  int slots_log2 = 4;
  while ((size_t{1} << slots_log2) < 2 * words.size()) ++slots_log2;
  slot_shift_ = 64 - slots_log2;
  slots_.assign(size_t{1} << slots_log2, Slot{});
  for (const auto& w : words) {
    const size_t hash = FoldedHash(w);
    const size_t bit = hash >> shift_;
    bits_[bit >> 6] |= uint64_t{1} << (bit & 63);
    size_t i = SlotOf(hash);
    while (slots_[i].at != kEmpty) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = Slot{hash, static_cast<uint32_t>(texts_.size()), static_cast<uint32_t>(w.size())};
    texts_ += w;
  }
}

Recognizer::HashFilter::HashFilter(const std::unordered_set<size_t>& hashes) : hashes_(hashes) {
  // As WordFilter: about 32 bits a hash, at least 512.
  int log2 = 9;
  while ((size_t{1} << log2) < 32 * hashes.size() && log2 < 20) ++log2;
  shift_ = 64 - log2;
  bits_.assign((size_t{1} << log2) / 64, 0);
  for (size_t h : hashes) {
    const size_t bit = h >> shift_;
    bits_[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
}

namespace {

// A word before a name: where it starts and whether it is a cue word.
struct CueWord {
  size_t begin = 0;
  bool cue = false;
};

}  // namespace

// The descriptor pattern's matches are among those of the same pattern with
// an unbounded tail, in the same order of preference: when the preferred
// unbounded match has a tail of at most 100 characters after its first
// (the space or bracket), it is the bounded pattern's match too. The
// unbounded pattern's automaton is small and stays cached; the bounded one's
// counter makes a new DFA state at almost every byte.
//
// The groups of that match: the pattern has some two hundred heads, past the
// size where RE2 can use its BitState matcher, and its NFA runs a thread for
// each head that may start at a position. So the whole pattern only finds
// where the match is (RE2's DFA), and the same pattern with only the heads
// whose words occur in the match, in the same order, gives its groups: a head
// that does not occur there cannot change which match is preferred.
bool Recognizer::MatchDescriptor(std::string_view text, bool narrow, re2::StringPiece* g) const {
  if (!descriptor_twins_->Match(Pick(descriptor_unbounded_, descriptor_unbounded_narrow_, narrow), text, g, 3))
    return false;
  size_t tail_begin = static_cast<size_t>(g[1].data() - text.data()) + g[1].size();
  size_t tail_end = static_cast<size_t>(g[2].data() - text.data());
  if (CountCharacters(text.substr(tail_begin, tail_end - tail_begin)) <= 101) return true;
  return RE2::PartialMatch(text, Pick(descriptor_, descriptor_narrow_, narrow), &g[0], &g[1], &g[2]);
}

const PlaceAdjective* Recognizer::PlaceAdjectiveIn(std::string_view phrase) const {
  if (lex_.place_adjectives.empty()) return nullptr;
  return PlaceAdjectiveAmong(Tokenize(phrase));
}

const PlaceAdjective* Recognizer::PlaceAdjectiveAmong(std::span<const Token> words) const {
  if (lex_.place_adjectives.empty()) return nullptr;
  for (const auto& t : words) {
    auto it = lex_.place_adjectives.find(t.folded);
    if (it != lex_.place_adjectives.end()) return &it->second;
  }
  return nullptr;
}

const HeadNoun* Recognizer::FindHead(std::string_view head) const {
  std::string f = Fold(head);
  auto it = folded_heads_.find(f);
  if (it != folded_heads_.end()) return &lex_.heads[it->second];
  return nullptr;
}

std::vector<Mention> Recognizer::Find(std::string_view text, const Sentence& s,
                                      const std::vector<Mention>& values,
                                      const std::vector<Mention>* given) const {
  const auto tokens = Tokenize(text.substr(s.begin, s.end - s.begin), s.begin);
  return Find(text, s, tokens, values, given);
}

std::vector<Mention> Recognizer::Find(std::string_view text, const Sentence& s, std::span<const Token> tokens,
                                      const std::vector<Mention>& values,
                                      const std::vector<Mention>* given) const {
  std::string_view sent = text.substr(s.begin, s.end - s.begin);
  // (Held, not read again: the loops below compare with it at every word.)
  const size_t n_tokens = tokens.size();
  // "Jan 27", "Sept. 2": a month and a day, no name nor version.
  auto month_day = [&](size_t i) {
    if (i + 1 >= n_tokens || !month_words_.count(tokens[i].folded)) return false;
    const Token& d = tokens[i + 1];
    std::string_view gap = text.substr(tokens[i].end, d.begin - tokens[i].end);
    return (gap == " " || gap == ". ") && d.end - d.begin <= 2 &&
           std::all_of(text.begin() + static_cast<std::ptrdiff_t>(d.begin), text.begin() + static_cast<std::ptrdiff_t>(d.end),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  };
  // A byte per word rather than std::vector<bool>'s bit: read at every word.
  // (With number_only below, on the stack for most sentences: a heap block
  // each cost more than the loops that read them; Recognizer::Find 341.3M ->
  // 338.2M instructions on 300 bench articles, callgrind.)
  constexpr size_t kFewWords = 96;
  char few_flags[2 * kFewWords];
  std::vector<char> many_flags;
  char* covered = few_flags;
  if (n_tokens > kFewWords) {
    many_flags.resize(2 * n_tokens);
    covered = many_flags.data();
  }
  std::fill_n(covered, 2 * n_tokens, '\0');
  // A bare number may be part of a name ("Microsoft 365 Copilot"): a lexicon
  // name of several words may take it (the pipeline then drops the number).
  char* const number_only = covered + n_tokens;
  // (No word that begins at or after the last value's end overlaps one: the
  // loop stops there rather than reading every value for every word.)
  size_t values_end = 0;
  for (const auto& v : values) values_end = std::max(values_end, v.end);
  for (size_t i = 0; i < n_tokens && tokens[i].begin < values_end; ++i)
    for (const auto& v : values) {
      if (v.begin >= tokens[i].end) break;  // (the values are in order of begin: none after it overlaps)
      if (tokens[i].begin < v.end) {
        number_only[i] = !covered[i] && Is(v.type, "Number") && v.begin >= tokens[i].begin && v.end <= tokens[i].end;
        covered[i] = true;
      }
    }
  auto span_text = [&](size_t b, size_t e) { return std::string(text.substr(b, e - b)); };
  std::vector<Mention> out;
  // Room for three mentions (about 1.5 KB), what most sentences hold. The
  // vector lives as long as the article's extraction; a block of 4 KB (eight
  // mentions) costs the allocator a new slab of pages almost every time.
  out.reserve(3);
  // A mention made at the end of `out` (out.emplace_back(), which saves
  // moving one in) is completed by `added`.
  auto added = [&](Mention& m) {
    // (Written into the mention's own string: no temporary to move in.)
    m.surface.assign(text.data() + m.begin, m.end - m.begin);
    if (m.canonical.empty()) m.canonical = m.surface;
    if (m.outer_begin == 0 || m.outer_begin > m.begin) m.outer_begin = m.begin;
    // The words it overlaps: a run of the words, which are in order.
    auto i = static_cast<size_t>(std::partition_point(tokens.begin(), tokens.end(),
                                                      [&](const Token& t) { return t.end <= m.begin; }) -
                                 tokens.begin());
    for (; i < n_tokens && tokens[i].begin < m.end; ++i) covered[i] = 1;
  };
  auto add = [&](Mention&& m) { added(out.emplace_back(std::move(m))); };

  if (given) {
    for (const auto& g : *given)
      if (g.begin >= s.begin && g.end <= s.end) add(Mention(g));
  } else {
    // The aliases that start at each word, looked up for every word before
    // the loop below reads them, and the first of each list fetched: the
    // lexicon's tables miss the cache, and lookups that do not wait for each
    // other's answers miss it at the same time. (More instructions, for the
    // words a match then skips, but fewer stalls: Recognizer::Find 269.3M ->
    // 277.9M instructions on 300 bench articles; perf samples of Find and
    // Lexicon::StartsOf on the 10,000-article dry run 1,229 -> 1,143.)
    using Starts = std::span<const Lexicon::AliasStart>;
    Starts few_starts[kFewWords];
    std::vector<Starts> many_starts;
    Starts* starts = few_starts;
    if (n_tokens > kFewWords) {
      many_starts.resize(n_tokens);
      starts = many_starts.data();
    }
    for (size_t i = 0; i < n_tokens; ++i) {
      starts[i] = covered[i] ? Starts() : lex_.AliasesStartingWith(tokens[i].hash);
      if (!starts[i].empty()) __builtin_prefetch(starts[i].data());
    }
    // Lexicon, longest alias first at each word.
    for (size_t i = 0; i < n_tokens; ++i) {
      if (covered[i]) continue;
      for (const auto& c : starts[i]) {
        size_t k = c.tokens;
        if (i + k > n_tokens) continue;
        if (k > 1 && c.second != tokens[i + 1].hash) continue;  // the second words differ
        // (Its entry, read when the words match, on its way while they are
        // compared: perf samples of the strings copied from it, 10,000-article
        // dry run, 220 -> 64.)
        lex_.PrefetchEntry(c);
        const auto& a = lex_.aliases()[static_cast<size_t>(c.alias)];
        auto words = lex_.WordsOf(c);
        bool ok = true;
        for (size_t j = 0; j < k && ok; ++j) {
          const auto& t = tokens[i + j];
          if ((covered[i + j] && !(number_only[i + j] && j > 0)) || !words.Next(t.folded)) ok = false;
          if (ok && j > 0) {
            std::string_view gap = text.substr(tokens[i + j - 1].end, t.begin - tokens[i + j - 1].end);
            // A gap no name has, unless the lexicon name has it too
            // ("Ministry of Economy, Trade and Industry").
            if (!NameGap(gap)) {
              auto at = Tokenize(a.surface);
              ok = at.size() == k &&
                   std::string_view(a.surface).substr(at[j - 1].end, at[j].begin - at[j - 1].end) == gap;
            }
          }
          if (ok && words.capitalised() && !t.upper_initial) ok = false;
        }
        if (!ok) continue;
        if (c.exact_case) {
          std::string surf = span_text(tokens[i].begin, tokens[i + k - 1].end);
          if (Tokenize(surf).size() != k) continue;
          // Compare the words as written.
          bool same = true;
          auto at = Tokenize(a.surface);
          for (size_t j = 0; j < k && same; ++j)
            same = text.substr(tokens[i + j].begin, tokens[i + j].end - tokens[i + j].begin) ==
                   std::string_view(a.surface).substr(at[j].begin, at[j].end - at[j].begin);
          if (!same) continue;
        }
        // "CMA CGM": a known acronym right before another word in capitals
        // that starts no known name is part of a longer name.
        if (k == 1 && c.exact_case && i + 1 < n_tokens && !covered[i + 1] &&
            tokens[i + 1].begin == tokens[i].end + 1 && text[tokens[i].end] == ' ' && AllCaps(text, tokens[i]) &&
            AllCaps(text, tokens[i + 1]) && tokens[i + 1].end - tokens[i + 1].begin >= 2 &&
            starts[i + 1].empty())
          break;
        const auto& e = lex_.entries()[static_cast<size_t>(c.entry)];
        // "Lena Ford", "Jean Roche": a known first name right before a
        // one-word company name makes a person's name (found below), not
        // the company.
        if (k == 1 && Is(e.type, "Organization") && i > 0 && !covered[i - 1] && tokens[i - 1].upper_initial &&
            tokens[i].begin == tokens[i - 1].end + 1 && text[tokens[i - 1].end] == ' ' &&
            first_names_.Has(tokens[i - 1]) && !stop_en_.Has(tokens[i - 1]) && !stop_fr_.Has(tokens[i - 1]))
          break;
        Mention& m = out.emplace_back();
        m.begin = tokens[i].begin;
        m.end = tokens[i + k - 1].end;
        if (Is(e.type, "Demonym")) {
          m.type = "Country";
          m.source = MentionSource::kDemonym;
        } else {
          m.type = e.type;
          m.source = MentionSource::kGazetteer;
        }
        m.canonical = e.name;
        if (!Is(e.type, "Demonym")) {
          m.country = e.country;
          m.kind = e.kind;
          m.place = e.city;
        }
        m.signal = "lexicon";
        added(m);
        i += k - 1;
        break;
      }
    }
  }

  // Versioned model names: a family's first word, up to two capitalised
  // words, then a version ("GPT-5.1", "Claude Opus 4.5", "Gemini 3", "Llama
  // 4"). A lexicon name that stops inside the version ("Claude Opus 4" of
  // "Claude Opus 4.5") gives way.
  if (!given) {
    auto digits = [&](const Token& t, bool letters_after) {
      size_t n = t.end - t.begin, k = 0;
      while (k < n && std::isdigit(static_cast<unsigned char>(text[t.begin + k]))) ++k;
      if (k == 0 || k > 3) return false;
      if (k == n) return true;
      if (!letters_after) return false;
      for (size_t q = k; q < n; ++q)
        if (!std::islower(static_cast<unsigned char>(text[t.begin + q]))) return false;
      return n - k <= 2;  // "4o", "7b"
    };
    for (size_t i = 0; i < n_tokens; ++i) {
      if (!tokens[i].upper_initial || !model_stems_filter_->Has(tokens[i]) || month_day(i)) continue;
      size_t j = i + 1;
      while (j < n_tokens && j <= i + 2 && tokens[j].upper_initial && !tokens[j].has_digit &&
             tokens[j].begin == tokens[j - 1].end + 1 && text[tokens[j - 1].end] == ' ')
        ++j;
      if (j >= n_tokens || tokens[j].begin != tokens[j - 1].end + 1) continue;
      char sep = text[tokens[j - 1].end];
      if ((sep != '-' && sep != ' ') || !digits(tokens[j], true)) continue;
      size_t e = tokens[j].end, k = j + 1;
      if (k < n_tokens && text[e] == '.' && tokens[k].begin == e + 1 && digits(tokens[k], true)) {
        e = tokens[k].end;
        ++k;
      }
      Mention m;
      m.begin = tokens[i].begin;
      m.end = e;
      bool known = false;  // a lexicon name as long or longer ("Microsoft 365 Copilot")
      for (const auto& o : out)
        if (o.begin <= m.begin && o.end >= m.end && o.source == MentionSource::kGazetteer) known = true;
      if (known) continue;
      out.erase(std::remove_if(out.begin(), out.end(),
                               [&](const Mention& o) { return o.begin < m.end && m.begin < o.end; }),
                out.end());
      m.type = "Product";
      m.source = MentionSource::kDiscovered;
      m.signal = "model-version";
      for (size_t q = i; q < k; ++q) covered[q] = true;
      add(std::move(m));
      i = k - 1;
    }
  }

  // A lexicon product and a version ("AlphaFold 3", "Windows 11"): one or two
  // digits, perhaps ".N", then the end of the clause, a word of
  // version_followers.txt or a capitalised word, not a count ("ChatGPT 300
  // millions", "Copilot 5 fois").
  if (!given) {
    for (auto& m : out) {
      if (!Is(m.type, "Product") || m.source != MentionSource::kGazetteer) continue;
      size_t q = m.end;
      if (q + 1 >= s.end || text[q] != ' ' || !std::isdigit(static_cast<unsigned char>(text[q + 1]))) continue;
      size_t r = q + 1;
      while (r < s.end && std::isdigit(static_cast<unsigned char>(text[r]))) ++r;
      if (r - (q + 1) > 2 || text[q + 1] == '0') continue;
      if (r + 1 < s.end && text[r] == '.' && std::isdigit(static_cast<unsigned char>(text[r + 1]))) {
        r += 2;
        while (r < s.end && std::isdigit(static_cast<unsigned char>(text[r]))) ++r;
      }
      bool ends = r >= s.end || (!std::isalnum(static_cast<unsigned char>(text[r])) && text[r] != ' ' &&
                                 text[r] != '%' && text[r] != '-' && text[r] != '\'');
      if (!ends && text[r] == ' ' && r + 1 < s.end) {
        auto next = std::partition_point(tokens.begin(), tokens.end(), [&](const Token& t) { return t.begin <= r; });
        ends = std::isupper(static_cast<unsigned char>(text[r + 1])) ||
               (next != tokens.end() && next->begin == r + 1 && version_followers_.Has(*next));
      }
      if (!ends) continue;
      bool taken = false;
      for (const auto& o : out)
        if (&o != &m && o.begin < r && q < o.end) taken = true;
      if (taken) continue;
      m.end = r;
      m.surface = span_text(m.begin, m.end);
      m.canonical = m.surface;
      m.source = MentionSource::kDiscovered;
      m.signal = "model-version";
    }
  }

  // A product name and an edition word: "Blackwell Ultra", "Gemini 2.5 Pro",
  // "GPT-4o mini" (corpus/lexicon/product_suffixes.txt).
  if (!given) {
    for (auto& m : out) {
      if (!Is(m.type, "Product") || (m.source != MentionSource::kGazetteer && !Is(m.signal, "model-version"))) continue;
      for (size_t t = 0; t < n_tokens; ++t) {
        if (tokens[t].begin < m.end) continue;
        if (tokens[t].begin != m.end + 1 || text[m.end] != ' ' || covered[t] ||
            !product_suffixes_.Has(tokens[t]))
          break;
        m.end = tokens[t].end;
        m.surface = span_text(m.begin, m.end);
        m.canonical = m.surface;
        m.source = MentionSource::kDiscovered;
        m.signal = "model-version";
        covered[t] = true;
      }
    }
  }

  // Names inside a longer lexicon name: "décret de [Joe Biden]".
  if (!given) {
    std::vector<Mention> nested;
    for (const auto& outer : out) {
      if (outer.source != MentionSource::kGazetteer) continue;
      // The words inside it: the run [first, first + inside) of the words,
      // which are in order.
      const auto first = static_cast<size_t>(
          std::partition_point(tokens.begin(), tokens.end(), [&](const Token& t) { return t.begin < outer.begin; }) -
          tokens.begin());
      size_t inside = 0;
      while (first + inside < n_tokens && tokens[first + inside].end <= outer.end) ++inside;
      if (inside < 3) continue;
      for (size_t x = 1; x < inside; ++x) {
        size_t i = first + x;
        for (const auto& c : lex_.AliasesStartingWith(tokens[i].hash)) {
          size_t k = c.tokens;
          if (x + k > inside || (x == 0 && k == inside)) continue;
          if (k > 1 && c.second != tokens[i + 1].hash) continue;  // the second words differ
          const auto& e = lex_.entries()[static_cast<size_t>(c.entry)];
          if (!Is(e.type, "Person") && !Is(e.type, "Organization") && !Is(e.type, "Country")) continue;
          // An alias of the longer name's own entity ("von der Leyen" in
          // "Ursula von der Leyen") is the same name, not a nested one.
          if (e.type == outer.type && e.name == outer.canonical) continue;
          auto words = lex_.WordsOf(c);
          bool ok = true;
          for (size_t j = 0; j < k && ok; ++j) {
            const auto& t = tokens[i + j];
            ok = words.Next(t.folded) && (!words.capitalised() || t.upper_initial);
          }
          if (!ok || c.exact_case) continue;
          Mention m;
          m.begin = tokens[i].begin;
          m.end = tokens[i + k - 1].end;
          m.outer_begin = m.begin;
          m.type = e.type;
          m.source = MentionSource::kGazetteer;
          m.canonical = e.name;
          m.nested = true;
          m.signal = "lexicon(nested)";
          m.surface = span_text(m.begin, m.end);
          nested.push_back(m);
          x += k - 1;
          break;
        }
      }
    }
    for (auto& m : nested) out.push_back(std::move(m));
  }

  // "Nvidia H800": a maker followed by a model code is a product; so is a
  // product followed by one ("Pixel P9").
  for (auto& m : out) {
    if ((!Is(m.type, "Organization") && !Is(m.type, "Product")) || m.source != MentionSource::kGazetteer) continue;
    // (From the first word after the name, which are in order.)
    for (auto i = static_cast<size_t>(std::partition_point(tokens.begin(), tokens.end(),
                                                            [&](const Token& t) { return t.begin <= m.end; }) -
                                      tokens.begin());
         i < n_tokens; ++i) {
      if (covered[i]) continue;
      if (tokens[i].begin == m.end + 1 && text[m.end] == ' ' && tokens[i].has_digit &&
          tokens[i].upper_initial) {
        size_t e = tokens[i].end;
        // "GPT-4o": keep a hyphenated continuation.
        if (i + 1 < n_tokens && tokens[i + 1].begin == e + 1 && text[e] == '-') e = tokens[i + 1].end;
        m.signal = Is(m.type, "Product") ? "product+model" : "maker+model";
        m.type = "Product";
        m.source = MentionSource::kDiscovered;
        m.end = e;
        m.surface = span_text(m.begin, m.end);
        m.canonical = m.surface;
        covered[i] = true;
      }
      break;
    }
  }

  // "CUDA-Q", "Qwen2.5-VL": a product name goes on after a hyphen with a
  // short word in capitals or with a digit (the tokenizer cut it there).
  for (auto& m : out) {
    if (!Is(m.type, "Product") || m.end >= text.size() || text[m.end] != '-') continue;
    auto i = static_cast<size_t>(std::partition_point(tokens.begin(), tokens.end(),
                                                      [&](const Token& t) { return t.begin <= m.end; }) -
                                 tokens.begin());
    if (i >= n_tokens || covered[i] || tokens[i].begin != m.end + 1 || tokens[i].end - tokens[i].begin > 6 ||
        !(tokens[i].has_digit || AllCaps(text, tokens[i])))
      continue;
    m.end = tokens[i].end;
    m.surface = span_text(m.begin, m.end);
    m.canonical = m.surface;
    if (m.source == MentionSource::kGazetteer) m.source = MentionSource::kDiscovered;
    covered[i] = true;
  }

  // Capitalised names not in the lexicon.
  for (size_t i = 0; i < n_tokens; ++i) {
    if (covered[i] || !tokens[i].upper_initial) continue;
    if (non_names_.Has(tokens[i]) || month_day(i)) continue;
    size_t j = i + 1;
    bool hyphen_given_name = false;
    bool linked = false;  // the name took a link word ("University of ...")
    auto hyphen_between = [&](size_t a, size_t b) {
      return tokens[b].begin == tokens[a].end + 1 && text[tokens[a].end] == '-';
    };
    for (;;) {
      // "Seine-et-Marne", "Stoke-on-Trent": a short lower-case link between
      // hyphens.
      if (j + 1 < n_tokens && !covered[j] && !covered[j + 1] && !tokens[j].upper_initial &&
          !tokens[j].has_digit && tokens[j].end - tokens[j].begin <= 4 && hyphen_between(j - 1, j) &&
          hyphen_between(j, j + 1) && tokens[j + 1].upper_initial) {
        j += 2;
        continue;
      }
      if (j < n_tokens && !covered[j] && (tokens[j].upper_initial || (tokens[j].has_digit && j > i)) &&
          // "Sarvam AI": a corporate suffix continues a name.
          (!non_names_.Has(tokens[j]) || org_suffixes_.Has(tokens[j])) &&
          NameGap(text.substr(tokens[j - 1].end, tokens[j].begin - tokens[j - 1].end))) {
        ++j;
        continue;
      }
      // "Capucine Le Goff", "Jeroen van der Linde": after a first name, the
      // particles of a surname (one or two) and its capitalised word.
      if (j < n_tokens && first_names_.Has(tokens[i]) && name_particles_.Has(tokens[j]) && !covered[j]) {
        size_t k = j;
        while (k < n_tokens && k < j + 2 && name_particles_.Has(tokens[k]) && !covered[k] &&
               tokens[k].begin == tokens[k - 1].end + 1)
          ++k;
        if (k < n_tokens && k > j && !covered[k] && tokens[k].upper_initial && !non_names_.Has(tokens[k]) &&
            !name_particles_.Has(tokens[k]) && tokens[k].begin == tokens[k - 1].end + 1 && !tokens[k].has_digit) {
          j = k + 1;
          continue;
        }
      }
      // "Choi Yoon-ho", "Park Ji-hoon": a given name whose second syllable,
      // after a hyphen, is in lower case (after two capitalised words).
      if (j < n_tokens && j >= i + 2 && !covered[j] && !tokens[j].upper_initial && !tokens[j].has_digit &&
          tokens[j].begin == tokens[j - 1].end + 1 && text[tokens[j - 1].end] == '-' &&
          tokens[j].end - tokens[j].begin <= 6 && (tokens[j].end == text.size() || !IsWordByte(text[tokens[j].end])) &&
          (tokens[j].end == text.size() || text[tokens[j].end] != '-')) {
        ++j;
        hyphen_given_name = true;
        break;
      }
      // "Qure.ai", "Booking.com": a web domain right after the dot.
      if (j < n_tokens && !covered[j] && !tokens[j].upper_initial && tokens[j].begin == tokens[j - 1].end + 1 &&
          text[tokens[j - 1].end] == '.' && domain_suffixes_.Has(tokens[j]) &&
          (tokens[j].end == text.size() || !IsWordByte(text[tokens[j].end]))) {
        ++j;
        continue;
      }
      // "University of Strathclyde", "Université de Sherbrooke": a link word
      // after an institution's head noun, then a capitalised word (or a
      // place the lexicon knows: "Development Bank of Japan"), continues it.
      // ("National Centre for Research and Development": after such a link,
      // a coordinator joins one more capitalised word.)
      if (j + 1 < n_tokens && !covered[j] && !covered[j + 1] && linked && coordinators_.Has(tokens[j]) &&
          !tokens[j].upper_initial && tokens[j + 1].upper_initial && !non_names_.Has(tokens[j + 1]) &&
          text.substr(tokens[j - 1].end, tokens[j].begin - tokens[j - 1].end) == " " &&
          text.substr(tokens[j].end, tokens[j + 1].begin - tokens[j].end) == " " &&
          (j + 2 >= n_tokens || !tokens[j + 2].upper_initial || tokens[j + 2].begin > tokens[j + 1].end + 1)) {
        j += 2;
        break;
      }
      if (j + 1 < n_tokens && !covered[j] && !tokens[j].upper_initial && institution_heads_.Has(tokens[j - 1]) &&
          name_links_.Has(tokens[j]) && tokens[j + 1].upper_initial && !non_names_.Has(tokens[j + 1])) {
        const std::string_view gap1 = text.substr(tokens[j - 1].end, tokens[j].begin - tokens[j - 1].end);
        const std::string_view gap2 = text.substr(tokens[j].end, tokens[j + 1].begin - tokens[j].end);
        if (gap1 == " " && (gap2 == " " || gap2 == "'")) {
          if (!covered[j + 1]) {
            j += 2;
            linked = true;
            continue;
          }
          Mention* place = nullptr;
          for (auto& o : out)
            if (o.begin == tokens[j + 1].begin && o.end > o.begin && (Is(o.type, "Country") || Is(o.type, "Place")))
              place = &o;
          if (place) {
            size_t k = j + 1;
            while (k < n_tokens && tokens[k].end <= place->end) ++k;
            place->end = place->begin;  // the name takes in the place (erased below)
            for (size_t c = j + 1; c < k; ++c) covered[c] = 0;
            j = k;
            break;
          }
        }
      }
      break;
    }
    size_t n = j - i;
    std::string_view first_word = text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
    bool all_caps = std::none_of(first_word.begin(), first_word.end(),
                                 [](char c) { return c >= 'a' && c <= 'z'; });
    bool sentence_initial = tokens[i].begin == s.begin ||
                            (i == 0 && tokens[i].begin <= s.begin + 3);
    // A lone acronym is a name only when an apposition follows ("RAISE, sa
    // plateforme"); the apposition typing below decides its type.
    bool appos = tokens[j - 1].end + 2 <= s.end && text.compare(tokens[j - 1].end, 2, ", ") == 0;
    // ... or when a product head follows ("the ZX9 server chips": the
    // typing below makes it a product).
    bool before_product = false;
    if (n == 1 && all_caps && !sentence_initial) {
      re2::StringPiece h, modifier;
      const HeadNoun* head = nullptr;
      if (RE2::PartialMatch(text.substr(tokens[i].end, s.end - tokens[i].end), *after_head_, &modifier, &h))
        head = FindHead(std::string_view(h.data(), h.size()));
      before_product = head && Is(head->type, "Product");
    }
    // "Samsung SDI", "LG CNS": a lone acronym right after a known company's
    // name (no title such as "CEO", no corporate suffix, no product line
    // "Nvidia RTX chips") names a company of the group.
    if (n == 1 && all_caps && first_word.size() >= 2 && first_word.size() <= 5 && !before_product &&
        !tokens[i].has_digit && !org_suffixes_.Has(tokens[i]) && tokens[i].begin > 0 && text[tokens[i].begin - 1] == ' ') {
      Mention* group = nullptr;
      for (auto& o : out)
        if (o.end + 1 == tokens[i].begin && o.end > o.begin && o.source == MentionSource::kGazetteer &&
            Is(o.type, "Organization"))
          group = &o;
      if (group) {
        group->end = tokens[i].end;
        group->surface = span_text(group->begin, group->end);
        group->canonical = group->surface;
        group->source = MentionSource::kDiscovered;
        group->signal = "organisation+acronym";
        covered[i] = 1;
        continue;
      }
    }
    const int initial_name = n == 1 && sentence_initial && !all_caps ? InitialName(text, s, tokens, i) : 0;
    // "Bleu, la coentreprise de A et B, a obtenu ...": an unknown word opening
    // the sentence, then an apposition that a comma closes, stays a
    // candidate; the apposition's head noun (below) makes it a name, else it
    // goes. ("Separately, the company said ...": an adverb, by its ending.)
    const bool initial_apposition =
        n == 1 && sentence_initial && !all_caps && initial_name == 0 && appos &&
        text.substr(tokens[i].end + 2, s.end - tokens[i].end - 2).find(',') != std::string_view::npos &&
        std::none_of(lex_.adverb_endings.begin(), lex_.adverb_endings.end(), [&](const std::string& e) {
          return tokens[i].folded.size() >= e.size() + 4 && tokens[i].folded.ends_with(e);
        });
    // "Kamau, who serves as ...": an unknown word opening the sentence before
    // a relative pronoun of people is a person's name.
    const bool initial_person = n == 1 && sentence_initial && !all_caps &&
                                (initial_name == 0 || first_names_.Has(tokens[i])) && appos &&
                                j < n_tokens && tokens[j].begin == tokens[j - 1].end + 2 &&
                                person_relatives_.Has(tokens[j]);
    // "la RATP", "the FTC": an acronym after a definite article (no word of
    // the language such as "the GPU": those are in non_names.txt) names an
    // organisation.
    const bool article_acronym =
        n == 1 && all_caps && !sentence_initial && first_word.size() >= 3 && !tokens[i].has_digit && i > 0 &&
        definite_articles_.Has(tokens[i - 1]) && tokens[i - 1].end + 1 >= tokens[i].begin &&
        (i + 1 >= n_tokens || !tokens[i + 1].upper_initial || tokens[i + 1].begin > tokens[i].end + 1);
    if (n == 1 && !initial_apposition && !initial_person && !article_acronym &&
        ((sentence_initial && initial_name <= 0) || (all_caps && first_word.size() <= 5 && !appos && !before_product))) {
      i = j - 1;
      continue;
    }
    Mention& m = out.emplace_back();
    m.begin = tokens[i].begin;
    m.end = tokens[j - 1].end;
    // "T. Reil": an initial and a name.
    bool initial = n >= 2 && tokens[i].end - tokens[i].begin == 1 && tokens[i].end < text.size() &&
                   text[tokens[i].end] == '.' && std::isupper(static_cast<unsigned char>(text[tokens[i].begin]));
    // ("Alice & Bob", "Ben & Jerry's": two names an ampersand joins are a company's.)
    const bool ampersand = text.substr(m.begin, m.end - m.begin).find('&') != std::string_view::npos;
    if ((n >= 2 && (first_names_.Has(tokens[i]) || initial) && !ampersand) || initial_person || hyphen_given_name) {
      m.type = "Person";
      m.source = MentionSource::kDiscovered;
      m.signal = initial_person ? "person-relative" : hyphen_given_name ? "given-name" : initial ? "initial" : "first-name";
    } else if (n >= 2 && place_suffixes_.Has(tokens[j - 1])) {
      m.type = "Place";  // "Shackelford County", "Silicon Valley"
      m.source = MentionSource::kDiscovered;
      m.signal = "place-suffix";
    } else {
      m.type = "Organization";
      // The subject of a verb is a name; a word written again elsewhere is
      // one when the article writes it twice.
      m.source = initial_name == 2 ? MentionSource::kDiscovered : MentionSource::kCandidate;
      m.signal = initial_name == 2   ? "subject"
                 : initial_name == 1 ? "sentence-initial"
                 : initial_apposition ? "initial-apposition"
                                      : "capitalised";
    }
    added(m);
    i = j - 1;
  }

  // `keep` takes in its neighbour `gone` (removed below): one discovered name.
  auto absorb = [&](Mention& keep, Mention& gone, const char* signal) {
    keep.begin = std::min(keep.begin, gone.begin);
    keep.end = std::max(keep.end, gone.end);
    keep.outer_begin = keep.begin;
    keep.surface = span_text(keep.begin, keep.end);
    keep.canonical = keep.surface;
    keep.source = MentionSource::kDiscovered;
    keep.signal = signal;
    gone.end = gone.begin;
  };
  // "Grace Blackwell": an unknown capitalised word next to a known product
  // names one product with it.
  if (!given) {
    for (auto& c : out) {
      if (c.source != MentionSource::kCandidate || c.end == c.begin) continue;
      for (auto& o : out) {
        if (&o == &c || !Is(o.type, "Product") || o.end == o.begin ||
            (o.source != MentionSource::kGazetteer && !Is(o.signal, "model-version")))
          continue;
        bool before = c.end + 1 == o.begin && text[c.end] == ' ';
        bool after = o.end + 1 == c.begin && text[o.end] == ' ';
        if (!before && !after) continue;
        if (Tokenize(c.surface).size() != 1) continue;
        absorb(o, c, "product+name");
        break;
      }
    }
  }

  // "Amazon Web Services", "Google Cloud": a known organisation followed by
  // more capitalised words is a longer name.
  // (Not a lone word in capitals: "Nvidia RTX chips" names a product line.)
  // So is a known person's surname alone followed by capitalised words: "Bezos Expeditions", "Musk
  // Foundation" name an organisation, not the person.
  for (auto& c : out) {
    if (c.source != MentionSource::kCandidate || c.end == c.begin) continue;
    if (auto w = Tokenize(c.surface); w.size() == 1 && AllCaps(c.surface, w[0])) continue;
    for (auto& o : out) {
      if (&o == &c || o.source != MentionSource::kGazetteer || o.end + 1 != c.begin || text[o.end] != ' ')
        continue;
      if (!Is(o.type, "Organization") && !(Is(o.type, "Person") && Tokenize(o.surface).size() == 1)) continue;
      absorb(c, o, "organisation+name");
    }
  }
  // "the UK Space Agency", "the Irish Aviation Authority": a country's name
  // or a capitalised nationality before an institution's (a capitalised name
  // ending in a head noun of institution_heads.txt) is part of it.
  for (auto& c : out) {
    if (c.source != MentionSource::kCandidate || c.end == c.begin || !Is(c.type, "Organization")) continue;
    if (c.begin == 0 || text[c.begin - 1] != ' ') continue;
    // (A country's name right before it first, then its words.)
    Mention* country = nullptr;
    for (auto& o : out)
      if (o.end + 1 == c.begin && &o != &c && o.end > o.begin && Is(o.type, "Country") &&
          (o.source == MentionSource::kGazetteer ||
           (o.source == MentionSource::kDemonym && std::isupper(static_cast<unsigned char>(text[o.begin]))))) {
        country = &o;
        break;
      }
    if (!country) continue;
    auto words = Tokenize(c.surface);
    if (words.size() < 2 || !institution_heads_.Has(words.back())) continue;
    absorb(c, *country, "country+institution");
  }
  // "Lightspeed India", "Partech Africa", "Google France": a known company
  // right before a country's or a continent's name is its regional arm, a
  // company of its own (not before a name's next word: "Airtel Kenya Limited"
  // is left to the words that follow).
  for (auto& o : out) {
    if (o.end == o.begin || !Is(o.type, "Organization")) continue;
    // (A capitalised word only when it does not open the sentence: "Carrefour Belgique".)
    if (o.source != MentionSource::kGazetteer && !(o.source == MentionSource::kCandidate && o.begin > s.begin)) continue;
    if (o.end >= text.size() || text[o.end] != ' ') continue;
    for (auto& c : out) {
      // (Where c starts first: few mentions start right after o.)
      if (o.end + 1 != c.begin || &c == &o || c.end == c.begin || c.source != MentionSource::kGazetteer ||
          !(Is(c.type, "Country") || (Is(c.type, "Place") && Is(c.kind, "continent"))))
        continue;
      if (!std::isupper(static_cast<unsigned char>(text[c.begin]))) continue;
      if (c.end + 1 < s.end && text[c.end] == ' ' && std::isupper(static_cast<unsigned char>(text[c.end + 1]))) continue;
      if (c.end < s.end && text[c.end] == '-') continue;  // "Google UK-based ..."
      absorb(o, c, "organisation+region");
      o.canonical = o.surface;
      o.outer_begin = o.begin;
      break;
    }
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](const Mention& m) { return m.end == m.begin; }), out.end());

  // "Parti communiste chinois (PCC)": a capitalised phrase followed by its
  // acronym in brackets. (An acronym follows a '(' in the sentence or
  // right before it: without one, the loop need not read the words.)
  const size_t paren_from = s.begin > 0 ? s.begin - 1 : 0;
  const bool has_paren = text.substr(paren_from, s.end - paren_from).find('(') != std::string_view::npos;
  for (size_t i = 0; has_paren && i + 1 < n_tokens; ++i) {
    const auto& t = tokens[i];
    const size_t len = t.end - t.begin;
    if (len < 2 || len > 6 || t.begin == 0 || text[t.begin - 1] != '(' || t.end >= text.size() || text[t.end] != ')')
      continue;
    std::string_view word = text.substr(t.begin, len);
    if (!std::all_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) continue;
    // Walk back over the words whose initials spell the acronym.
    size_t need = word.size();
    size_t k = i;
    size_t matched = 0;
    while (k > 0 && matched < need) {
      --k;
      const auto& w = tokens[k];
      char initial = w.folded.empty() ? 0 : w.folded[0];
      char want = static_cast<char>(word[need - 1 - matched] - 'A' + 'a');
      if (initial == want) {
        ++matched;
      } else if (!acronym_fillers_.Has(w)) {
        break;
      }
    }
    if (matched != need || !tokens[k].upper_initial) continue;
    size_t b = tokens[k].begin, e = tokens[i - 1].end;
    bool known = false;
    for (auto& m : out) {
      if (m.begin <= b && m.end >= e) known = true;  // already a lexicon name
    }
    if (known || Overlaps(out, b, e)) {
      // Let the candidate (if any) become a typed organisation.
      for (auto& m : out)
        if (m.source == MentionSource::kCandidate && m.begin >= b && m.end <= e) {
          m.begin = b;
          m.end = e;
          m.surface = span_text(b, e);
          m.canonical = m.surface;
          m.source = MentionSource::kDiscovered;
          m.signal = "acronym";
        }
      continue;
    }
    Mention& m = out.emplace_back();
    m.begin = b;
    m.end = e;
    m.type = "Organization";
    m.source = MentionSource::kDiscovered;
    m.signal = "acronym";
    added(m);
  }

  const bool narrow = NonAsciiAreLetters(sent);
  AddDescriptors(text, s, tokens, narrow, out);
  AddCountryPossessors(text, out);
  // Candidates typed by what follows them.
  for (auto& m : out) {
    if (m.source != MentionSource::kCandidate) continue;
    std::string_view after = text.substr(m.end, s.end - m.end);
    re2::StringPiece h, modifier;
    const HeadNoun* head = nullptr;
    if (RE2::PartialMatch(after, Pick(after_head_, after_head_narrow_, narrow), &modifier, &h)) {
      head = FindHead(std::string_view(h.data(), h.size()));
      if (head && !Is(head->type, "Product")) head = nullptr;  // "Claude chatbot", "Trainium2 chips"
      // The modifier is a plain word ("Zorin server chips"), no preposition
      // or conjunction ("Zorin and chips").
      if (head && !modifier.empty()) {
        std::string f = Fold(std::string_view(modifier.data(), modifier.size()));
        if (lex_.prepositions.count(f) || lex_.coordinators.count(f) || lex_.descriptor_stops.count(f) ||
            lex_.stop_en.count(f) || lex_.stop_fr.count(f))
          head = nullptr;
      }
    }
    if (!head && RE2::PartialMatch(after, Pick(after_apposition_, after_apposition_narrow_, narrow), &h)) {
      head = FindHead(std::string_view(h.data(), h.size()));
      // "X, known for its agent Y": a preposition before the head makes it
      // the complement of another word, not X's apposition.
      // (The apposition's own determiner is none: "Voltiq, a recycling
      // start-up", where "a" is also a French verb of descriptor_stops.txt.)
      const auto before_head = Tokenize(after.substr(0, static_cast<size_t>(h.data() - after.data())));
      for (size_t k = 0; k < before_head.size(); ++k) {
        const bool determiner = k == 0 && std::find(lex_.apposition_determiners.begin(), lex_.apposition_determiners.end(),
                                                    before_head[k].folded) != lex_.apposition_determiners.end();
        if (head && !determiner && descriptor_stops_.Has(before_head[k])) head = nullptr;
      }
    }
    if (!head) continue;
    m.type = head->type;
    m.source = MentionSource::kDiscovered;
    m.signal = "apposition:" + head->text;
  }
  out.erase(std::remove_if(out.begin(), out.end(),
                           [](const Mention& m) {
                             return m.source == MentionSource::kCandidate && Is(m.signal, "initial-apposition");
                           }),
            out.end());
  TypeByContext(text, s, out);
  // The anaphor pattern needs a head noun that refers back: its first word
  // starts a word of the sentence (after a space or an apostrophe; case
  // folded by (?i) as Fold folds it), and ends it unless a combining mark
  // follows; a determiner or a modifier comes before it. The last such word
  // bounds where a match may start.
  size_t last_head_word = anaphor_head_without_word_ ? s.end : std::string::npos;
  for (size_t i = n_tokens; i > 0 && last_head_word == std::string::npos; --i)
    if ((anaphor_first_words_filter_->Has(tokens[i - 1].hash) ||
         (!narrow && HasMark(text.substr(tokens[i - 1].begin, tokens[i - 1].end - tokens[i - 1].begin)))) &&
        HeadLeadBefore(text, s.begin, tokens[i - 1].begin))
      last_head_word = tokens[i - 1].begin;
  AddAnaphors(text, s, narrow, last_head_word, out);

  // Sentence-initial pronoun, unless impersonal ("Il s'agit", "Il y a").
  {
    auto impersonal = [&] {
      std::string start = LowerAscii(text.substr(s.begin, std::min<size_t>(s.end - s.begin, 40)));
      for (const auto& phrase : lex_.impersonal)
        if (start.compare(0, phrase.size(), phrase) == 0 &&
            (start.size() == phrase.size() || !std::isalnum(static_cast<unsigned char>(start[phrase.size()]))))
          return true;
      return false;
    };
    // (Capitalised, not in capitals: "IT minister" is no "It".)
    if (!tokens.empty() && tokens[0].begin == s.begin && tokens[0].upper_initial &&
        !std::isupper(static_cast<unsigned char>(text[std::min(tokens[0].begin + 1, tokens[0].end - 1)])) &&
        pronouns_.Has(tokens[0]) && !Overlaps(out, tokens[0].begin, tokens[0].end) &&
        !impersonal()) {
      Mention m;
      m.begin = tokens[0].begin;
      m.end = tokens[0].end;
      m.type = lex_.thing_pronouns.count(tokens[0].folded) ? "Organization" : "Person";
      m.source = MentionSource::kPronoun;
      m.signal = "pronoun";
      m.surface = span_text(m.begin, m.end);
      m.outer_begin = m.begin;
      out.push_back(m);
    }
  }
  // By begin, as std::sort orders them (equal begins included), moving each
  // mention once: the same sort of their indexes takes the same steps.
  if (std::adjacent_find(out.begin(), out.end(), [](const Mention& a, const Mention& b) {
        return a.begin >= b.begin;
      }) == out.end())
    return out;  // strictly in order: the one order any sort gives
  std::vector<uint32_t> order(out.size());
  std::iota(order.begin(), order.end(), uint32_t{0});
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return out[a].begin < out[b].begin; });
  std::vector<Mention> sorted;
  sorted.reserve(out.size());
  for (uint32_t i : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

void Recognizer::AddDescriptors(std::string_view text, const Sentence& s, std::span<const Token> tokens,
                                bool narrow, std::vector<Mention>& out) const {
  // Whether each word of the sentence is a cue word, looked up once; and
  // the last words before a name (below). On the stack for most sentences:
  // the two heap blocks cost AddDescriptors about a tenth of its
  // instructions (89.9M -> 79.1M on 300 bench articles, callgrind).
  constexpr size_t kCueWindow = 14;
  constexpr size_t kFewWords = 96;
  signed char few_cues[kFewWords];
  std::vector<signed char> many_cues;
  signed char* is_cue = few_cues;
  if (tokens.size() > kFewWords) {
    many_cues.resize(tokens.size());
    is_cue = many_cues.data();
  }
  std::fill_n(is_cue, tokens.size(), static_cast<signed char>(-1));
  CueWord before[kCueWindow];
  size_t n_before = 0;
  for (auto& m : out) {
    if (m.source == MentionSource::kDemonym || m.nested || Is(m.type, "Country") || !IsEntityType(m.type)) continue;
    size_t from = s.begin;
    // Cheap test first: a descriptor needs a head noun or a naming word among
    // the few words before the name.
    {
      size_t lo = m.begin > s.begin + 160 ? m.begin - 160 : s.begin;
      while (lo > s.begin && (static_cast<unsigned char>(text[lo]) & 0xC0) == 0x80) --lo;
      // The last 14 words of text[lo, m.begin) (of Tokenize(text.substr(lo,
      // m.begin - lo), lo)), the last first: those of the sentence inside, a
      // word cut by lo or m.begin tokenized again. A cue word must be among
      // them. (Read from the back, only those 14: AddDescriptors 92.3M ->
      // 89.9M instructions on 300 bench articles, callgrind.)
      n_before = 0;
      auto after_last = std::lower_bound(tokens.begin(), tokens.end(), m.begin,
                                         [](const Token& t, size_t pos) { return t.begin < pos; });
      for (auto it = after_last; it != tokens.begin() && n_before < kCueWindow;) {
        --it;
        if (it->end <= lo) break;
        if (it->begin >= lo && it->end <= m.begin) {
          auto& c = is_cue[static_cast<size_t>(it - tokens.begin())];
          if (c < 0) c = cue_hashes_filter_->Has(it->hash);
          before[n_before++] = {it->begin, c > 0};
        } else {
          size_t pb = std::max(it->begin, lo), pe = std::min(it->end, m.begin);
          const auto cut = Tokenize(text.substr(pb, pe - pb), pb);
          for (auto t = cut.rbegin(); t != cut.rend() && n_before < kCueWindow; ++t)
            before[n_before++] = {t->begin, cue_words_filter_->Has(*t)};
        }
      }
      if (std::none_of(before, before + n_before, [](const CueWord& w) { return w.cue; })) continue;
      // The head (a cue word) must also come after the last mark a
      // descriptor cannot contain; without one the pattern cannot match.
      // (A cue word after the floor among all the words and one among the
      // last 14 is one among the last 14 after the floor: the words after
      // the floor are the last ones.)
      const size_t floor = DescriptorFloor(text, lo, m.begin);
      if (std::none_of(before, before + n_before, [&](const CueWord& w) { return w.cue && w.begin >= floor; }))
        continue;
      from = lo;
    }
    while (from < m.begin) {
      std::string_view prefix = text.substr(from, m.begin - from);
      re2::StringPiece g[3];
      if (!MatchDescriptor(prefix, narrow, g)) break;
      std::string_view desc = g[0];
      const size_t desc_begin = static_cast<size_t>(desc.data() - text.data());
      // Its words: those of the sentence (Tokenize(desc, desc_begin) would
      // cut the same), unless a word of the sentence crosses one of its ends.
      std::vector<Token> cut_words;
      const auto within = WordsWithin(tokens, desc_begin, desc_begin + desc.size());
      if (!within) cut_words = Tokenize(desc, desc_begin);
      const std::span<const Token> words = within ? *within : std::span<const Token>(cut_words);
      // Restart after a stop word inside the descriptor; not right after
      // the determiner, where the word is a noun ("son produit phare, X",
      // "la concurrence de X"), not a verb.
      size_t restart = 0;
      for (size_t i = 1; i < words.size(); ++i) {
        if (i > 1 && descriptor_stops_.Has(words[i])) restart = words[i].end;
        // "et la société": a second item, not "concepteur et éditeur".
        if (coordinators_.Has(words[i]) && i + 1 < words.size() && item_determiners_.Has(words[i + 1]))
          restart = words[i].end;
        // "the company bought the data startup": a determiner after a word
        // that is no preposition starts another description.
        if (i > 1 && definite_articles_.Has(words[i]) && !prepositions_.Has(words[i - 1]) &&
            words[i].begin > restart)
          restart = words[i].begin;
      }
      if (restart) {
        from = restart;
        continue;
      }
      // "le logiciel de la start-up Rayonne": a description of another type
      // after a preposition and an article describes the name (the first
      // head describes that description). Not after a maker's head: "l'éditeur
      // de la plateforme Azure" says who makes what the name is.
      const HeadNoun* head = FindHead(g[1]);
      if (head && !head->maker) {
        size_t inner = 0;
        for (size_t i = 2; i + 1 < words.size(); ++i)
          if (definite_articles_.Has(words[i]) && prepositions_.Has(words[i - 1])) inner = words[i].begin;
        if (inner > from && inner > desc_begin) {
          re2::StringPiece g2[3];
          const HeadNoun* inner_head = nullptr;
          if (MatchDescriptor(text.substr(inner, m.begin - inner), narrow, g2) && g2[0].data() == text.data() + inner)
            inner_head = FindHead(g2[1]);
          if (inner_head && inner_head->type != head->type) {
            from = inner;
            continue;
          }
        }
      }
      if (words.empty() || prepositions_.Has(words.back())) break;
      // "the browser company Sidekick": in a compound the last noun heads.
      if (head) {
        size_t after = static_cast<size_t>(g[1].data() - text.data()) + g[1].size();
        if (after < m.begin && text[after] == ' ') {
          size_t w = after + 1;
          while (w < m.begin && text[w] != ' ') ++w;
          if (const HeadNoun* second = FindHead(text.substr(after + 1, w - after - 1))) head = second;
        }
      }
      if (!head) break;
      size_t db = static_cast<size_t>(desc.data() - text.data());
      size_t de = db + desc.size();
      // (A product read from its parts, "Grace Blackwell", "Lumo X7", is as
      // sure of its type as a lexicon name.)
      bool gazetteer = m.source == MentionSource::kGazetteer || Is(m.signal, "product+name") ||
                       Is(m.signal, "product+model") || Is(m.signal, "maker+model") || Is(m.signal, "model-version");
      bool compatible = head->type == m.type || !gazetteer;
      // The descriptor must not end with a name of the same type ("la
      // société OpenAI, Oracle").
      for (const auto& o : out)
        if (&o != &m && o.begin >= db && o.end >= de - 1 && o.end <= de && o.type == head->type &&
            o.source != MentionSource::kDemonym)
          compatible = false;
      if (!compatible) break;
      m.descriptor = std::string(desc);
      m.head = head->text;
      m.outer_begin = db;
      if (!gazetteer) {
        m.type = head->type;
        m.source = MentionSource::kDiscovered;
        m.signal = "descriptor:" + head->text;
      }
      for (const auto& o : out)
        if (o.source == MentionSource::kDemonym && o.begin >= db && o.end <= de) {
          m.country = o.canonical;
          m.country_stated = true;
        }
      // "la jeune pousse munichoise Helsing": a place adjective places it.
      if (const PlaceAdjective* pa = PlaceAdjectiveAmong(words)) {
        m.place = pa->place;
        if (!m.country_stated) {
          m.country = pa->country;
          m.country_stated = true;
        }
      }
      // A second apposition before the first: "le concepteur de ChatGPT,
      // la société OpenAI" (the name is the same entity).
      size_t k = db;
      while (k > s.begin && text[k - 1] == ' ') --k;
      if (k > s.begin && text[k - 1] == ',') {
        std::string_view prefix2 = text.substr(s.begin, k - 1 - s.begin);
        std::string p2(prefix2);
        p2 += ", ";
        re2::StringPiece c[3];
        if (MatchDescriptor(p2, narrow, c)) {
          auto w2 = Tokenize(std::string_view(c[0].data(), c[0].size()));
          bool stop = false;
          for (size_t i = 1; i < w2.size(); ++i)
            if (descriptor_stops_.Has(w2[i])) stop = true;
          const HeadNoun* h2 = FindHead(std::string_view(c[1].data(), c[1].size()));
          size_t db2 = s.begin + static_cast<size_t>(c[0].data() - p2.data());
          bool same_type_inside = false;
          for (const auto& o : out)
            if (&o != &m && o.begin >= db2 && o.end <= k && o.type == m.type && o.source != MentionSource::kDemonym)
              same_type_inside = true;
          if (!stop && h2 && h2->type == m.type && !same_type_inside && !w2.empty() &&
              !prepositions_.Has(w2.back()))
            m.outer_begin = db2;
        }
      }
      break;
    }
  }
}

void Recognizer::AddCountryPossessors(std::string_view text, std::vector<Mention>& out) const {
  // A country's or a place's possessive ("Singapore's Temasek",
  // "Johannesburg's Lelapa AI"), or a nationality standing as a noun right
  // before the name ("l'allemand Helsing", "le britannique FloodFlash"):
  // either places the organisation, and the collapsed view reads the two as
  // one name, as it reads a described one ("led by Singapore's Temasek, with
  // ...", "à commencer par l'allemand Siemens, ainsi que l'américaine
  // Uptake"). Countries and places are few in a sentence: the names after
  // each are looked for among all.
  for (const Mention& c : out) {
    const bool country = Is(c.type, "Country"), place = Is(c.type, "Place");
    if ((!country && !place) || c.canonical.empty()) continue;
    size_t name = 0, outer = c.begin;
    if (c.source == MentionSource::kDemonym) {
      // (Written in lower case, as French writes a nationality: a capital
      // one may open the name, "the Norwegian Public Roads Administration".)
      if (!country || c.end >= text.size() || text[c.end] != ' ' ||
          std::isupper(static_cast<unsigned char>(text[c.begin])))
        continue;
      name = c.end + 1;
      // With its article, as a descriptor starts with its determiner.
      size_t w = c.begin;
      if (w > 0 && text[w - 1] == '\'') --w;
      else if (w > 0 && text[w - 1] == ' ') --w;
      else continue;
      size_t a = w;
      while (a > 0 && std::isalpha(static_cast<unsigned char>(text[a - 1]))) --a;
      if (a == w || !lex_.definite_articles.count(Fold(text.substr(a, w - a)))) continue;
      outer = a;
    } else {
      const std::string* marker = WordAt(text, c.end, lex_.possessive_markers);
      if (!marker) continue;
      name = c.end + marker->size() + 1;
      if (name > text.size() || text[name - 1] != ' ') continue;
    }
    for (Mention& m : out) {
      if (m.begin != name || !Is(m.type, "Organization") || m.outer_begin != m.begin || m.nested) continue;
      m.outer_begin = outer;
      if (place) {
        if (m.place.empty()) m.place = c.canonical;
      } else if (!m.country_stated) {
        m.country = c.canonical;
        m.country_stated = true;
      }
    }
  }
}

int Recognizer::InitialName(std::string_view text, const Sentence& s, std::span<const Token> tokens,
                            size_t i) const {
  const Token& t = tokens[i];
  std::string_view w = text.substr(t.begin, t.end - t.begin);
  if (w.size() < 3 || t.has_digit || !std::isupper(static_cast<unsigned char>(w[0]))) return -1;
  if (non_names_.Has(t) || pronouns_.Has(t) || stop_en_.Has(t) || stop_fr_.Has(t) || first_names_.Has(t) ||
      cue_words_filter_->Has(t) || prepositions_.Has(t) || coordinators_.Has(t))
    return -1;
  // The article around the sentence (a bound that keeps a long text linear).
  constexpr size_t kWindow = 6000;
  const size_t lo = s.begin > kWindow ? s.begin - kWindow : 0, hi = std::min(text.size(), s.end + kWindow);
  // A word of the language is written in lower case somewhere ("Analysts":
  // "analyst").
  std::string lower(w);
  lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
  if (lower.size() > 3 && lower.back() == 's') {
    if (WordOrSingularOccurs(text, std::string_view(lower).substr(0, lower.size() - 1), lo, hi)) return -1;
  } else if (OccursElsewhere(text, lower, lo, hi, std::string_view::npos, false)) {
    return -1;
  }
  if (LoweredWordAt(text.substr(0, s.end), t.end, lex_.subject_verbs)) return 2;
  return OccursElsewhere(text, w, lo, hi, t.begin, true) ? 1 : 0;
}

void Recognizer::TypeByContext(std::string_view text, const Sentence& s, std::vector<Mention>& out) const {
  // The mentions by begin (on the stack for a sentence of up to 32 of them:
  // TypeByContext 12.4M -> 11.1M instructions on 300 bench articles, callgrind).
  constexpr size_t kFewMentions = 32;
  size_t few[kFewMentions];
  std::vector<size_t> many;
  size_t* order = few;
  if (out.size() > kFewMentions) {
    many.resize(out.size());
    order = many.data();
  }
  const std::span<size_t> by_begin(order, out.size());
  std::iota(by_begin.begin(), by_begin.end(), size_t{0});
  std::sort(by_begin.begin(), by_begin.end(), [&](size_t a, size_t b) { return out[a].begin < out[b].begin; });
  const std::string_view upto = text.substr(0, s.end);
  size_t list_end = std::string_view::npos;  // end of the last name of a list of people
  for (size_t idx : by_begin) {
    Mention& m = out[idx];
    if (m.end == m.begin || m.begin < s.begin) continue;
    const std::string_view before = text.substr(s.begin, m.begin - s.begin);
    bool person_list = false;
    // "founded in 2021 by A, B and C": the names after the agent of a
    // founding participle, and those listed with them.
    if (list_end != std::string_view::npos && m.begin > list_end) {
      std::string gap = LowerAscii(text.substr(list_end, m.begin - list_end));
      person_list = std::find(lex_.list_gaps.begin(), lex_.list_gaps.end(), gap) != lex_.list_gaps.end();
    }
    if (!person_list)
      for (const auto& prep : lex_.agent_prepositions) {  // " by "
        if (before.size() < prep.size() || !LowersTo(before.substr(before.size() - prep.size()), prep)) continue;
        const size_t pe = before.size() - prep.size(), pb = pe > 40 ? pe - 40 : 0;
        const std::string window = LowerAscii(before.substr(pb, pe - pb));
        for (const auto& p : lex_.person_participles) {
          for (size_t at = window.find(p); at != std::string::npos && !person_list; at = window.find(p, at + 1))
            person_list = (at == 0 || !IsWordByte(window[at - 1])) &&
                          (at + p.size() == window.size() || !IsWordByte(window[at + p.size()]));
          if (person_list) break;
        }
        break;
      }
    // ("Créée par A et B, la société ...": the apposition after the last
    // founder is the company's, not B's.)
    const bool apposition = m.source == MentionSource::kDiscovered && m.signal.rfind("apposition:", 0) == 0;
    list_end = person_list && (Is(m.type, "Person") || m.source == MentionSource::kCandidate || apposition)
                   ? m.end
                   : std::string_view::npos;
    if (m.source != MentionSource::kCandidate && !(apposition && person_list)) continue;
    auto words = Tokenize(m.surface);
    if (words.empty()) continue;
    // A person's name: two to four words, no digit, no corporate or place
    // suffix, not in capitals.
    bool person_shape = words.size() >= 2 && words.size() <= 4 && !lex_.org_suffixes.count(words.back().folded) &&
                        !lex_.place_suffixes.count(words.back().folded) && !AllCaps(m.surface, words[0]) &&
                        std::none_of(words.begin(), words.end(), [](const Token& w) { return w.has_digit; });
    const char* signal = nullptr;
    if (person_shape && person_list) signal = "person-list";
    // "said Jane Roe", "Jane Roe said", "a déclaré Jane Roe".
    if (person_shape && !signal) {
      if (LoweredWordAt(upto, m.end, lex_.reporting_tags)) signal = "speech";
      for (const auto& v : lex_.reporting_verbs)
        if (!signal && before.size() > v.size() && before.back() == ' ' &&
            LowersTo(before.substr(before.size() - 1 - v.size(), v.size()), v))
          signal = "speech";
    }
    // "CEO Jane Roe", "former Acme executive Jane Roe": a title right before;
    // "data management firm Kelvo": another head noun without a determiner.
    const HeadNoun* head_before = nullptr;
    if (!signal && !before.empty() && before.back() == ' ') {
      size_t end = before.size() - 1, b = end;
      for (int k = 0; k < 3 && !head_before; ++k) {
        while (b > 0 && before[b - 1] != ' ') --b;
        if (b == end) break;
        head_before = FindHead(before.substr(b, end - b));
        if (b == 0) break;
        --b;
      }
      if (head_before && Is(head_before->type, "Person") && person_shape) signal = "title";
    }
    if (signal) {
      m.type = "Person";
      m.source = MentionSource::kDiscovered;
      m.signal = signal;
      continue;
    }
    if (head_before && !Is(head_before->type, "Person")) {
      m.type = head_before->type;
      m.source = MentionSource::kDiscovered;
      m.signal = "head:" + head_before->text;
      continue;
    }
    // "Nimbus Platform", "ZX-9": a product head or a model code ends the name.
    const HeadNoun* last = words.size() >= 2 ? FindHead(words.back().folded) : nullptr;
    if ((last && Is(last->type, "Product")) || words.back().has_digit) {
      m.type = "Product";
      m.source = MentionSource::kDiscovered;
      m.signal = last ? "product-head" : "model-code";
    }
  }
}

void Recognizer::AddAnaphors(std::string_view text, const Sentence& s, bool narrow, size_t last_head_word,
                             std::vector<Mention>& out) const {
  std::string_view in = text.substr(s.begin, s.end - s.begin);
  const RE2& anaphor = Pick(anaphor_, anaphor_narrow_, narrow);
  re2::StringPiece g[3];
  std::vector<Mention> found;
  std::vector<size_t> modifiers;  // the begin of each name nested in a description ("the iPhone maker")
  // (The head follows the match's first byte: none is left to match once
  // the text searched starts after the last head word.)
  while (last_head_word != std::string::npos && static_cast<size_t>(in.data() - text.data()) <= last_head_word &&
         anaphor_twins_->Match(anaphor, in, g, 3)) {
    size_t b = static_cast<size_t>(g[0].data() - text.data());
    size_t e = b + g[0].size();
    in = text.substr(e, s.end - e);
    bool inside = false;
    for (const auto& m : out)
      // (A country's short name that is also its adjective, "the U.S. company", stays inside.)
      if (m.source != MentionSource::kDemonym && m.source != MentionSource::kCandidate && !Is(m.type, "Place") &&
          !Is(m.type, "Country") && b < m.end && m.begin < e)
        inside = true;
    if (inside) continue;
    // "la société Tencent": a descriptor, not an anaphor.
    size_t k = e;
    while (k < s.end && text[k] == ' ') ++k;
    // ... also after one or two lower-case adjectives ("la start-up
    // berlinoise SmartRecruiters").
    std::vector<size_t> starts{k};
    bool described = false;  // "la plateforme cloud de Microsoft"
    for (size_t w = 0, q = k; w < 2 && q < s.end; ++w) {
      size_t r = q;
      while (r < s.end && (std::islower(static_cast<unsigned char>(text[r])) ||
                           static_cast<unsigned char>(text[r]) >= 0x80 || text[r] == '-'))
        ++r;
      if (r == q || r >= s.end || text[r] != ' ') break;
      // "the company partnered with PayPal": no adjective is a preposition.
      std::string word(text.substr(q, r - q));
      // ("le créateur de ChatGPT": a maker noun's product is read below.)
      const HeadNoun* described_head = q == k ? FindHead(g[1]) : nullptr;
      if (lex_.genitives.count(word) && !(described_head && described_head->maker)) {
        // ("le groupe de Walldorf": a place after "de" is no description;
        // "la start-up fait des drones": nor are words that name nothing.)
        bool place = false, name = false;
        for (const auto& m : out) {
          if (Is(m.type, "Place") && m.begin == r + 1 && q == k) place = true;
          if (m.begin == r + 1 && m.source != MentionSource::kDemonym) name = true;
        }
        if (!place && name) described = true;
      }
      if (lex_.descriptor_stops.count(word) || lex_.prepositions.count(word))
        break;
      q = r + 1;
      starts.push_back(q);
    }
    // ("Le groupe utilise déjà ChatGPT": a known name of another type after
    // the words is no description of it.)
    const HeadNoun* head_before = FindHead(g[1]);
    bool before_name = false;
    for (const auto& m : out)
      if (std::find(starts.begin(), starts.end(), m.begin) != starts.end() && m.source != MentionSource::kDemonym &&
          !std::islower(static_cast<unsigned char>(text[m.begin])) &&  // "vise l'Europe" is no name
          (m.begin == k || !head_before || m.type == head_before->type || m.source == MentionSource::kCandidate))
        before_name = true;
    if (before_name || described) continue;
    const HeadNoun* head = head_before;
    if (!head) continue;
    std::string made, place_name, made_kind;
    size_t made_at = std::string::npos;  // where the product it makes is named inside it
    // "the maker of X", "la société d'investissement": a description, not a
    // reference back (lexicon/genitives.txt).
    if (const std::string* lead = WordAt(text.substr(0, s.end), e, lex_.genitive_leads)) {
      // ... unless a place follows: "le groupe de Walldorf", "la société de
      // Cupertino" refer back to the company based there; or a product
      // follows a maker noun: "le créateur de ChatGPT" is its maker.
      size_t after = e + lead->size();
      const Mention* place = nullptr;
      for (const auto& m : out) {
        if (Is(m.type, "Place") && m.begin == after) place = &m;
        if (head->maker && Is(m.type, "Product") && m.source != MentionSource::kCandidate &&
            (m.begin == after || (m.begin > after && WordAt(text.substr(0, m.begin), after, lex_.preposition_determiners) &&
                                  m.begin - after <= 4)))
          made = m.canonical;  // ("le créateur de l'iPhone": a determiner between)
      }
      const Mention* product = nullptr;
      for (const auto& m : out)
        if (!made.empty() && Is(m.type, "Product") && m.canonical == made && m.begin >= after) product = &m;
      if (place) {
        e = place->end;
        place_name = place->canonical;
      } else if (made.empty()) {
        // "le fabricant américain de puces": what a maker noun makes may say
        // its kind (flag makers= of that word's head noun), unless a name
        // follows ("le fabricant de puces Nvidia" describes it).
        if (!head->maker) continue;
        size_t r = after;
        while (r < s.end && (std::isalpha(static_cast<unsigned char>(text[r])) ||
                             static_cast<unsigned char>(text[r]) >= 0x80 || text[r] == '-'))
          ++r;
        const HeadNoun* made_of = r > after ? FindHead(text.substr(after, r - after)) : nullptr;
        if (!made_of || made_of->makers.empty()) continue;
        bool names = false;
        for (size_t q = r, w = 0; w < 3 && q < s.end; ++w) {
          while (q < s.end && text[q] == ' ') ++q;
          for (const auto& m : out)
            if (m.begin == q && m.source != MentionSource::kDemonym) names = true;
          size_t z = q;
          while (z < s.end && (std::islower(static_cast<unsigned char>(text[z])) ||
                               static_cast<unsigned char>(text[z]) >= 0x80 || text[z] == '-'))
            ++z;
          if (z == q) break;
          q = z;
        }
        if (names) continue;
        made_kind = made_of->makers;
        e = r;
      } else if (product) {
        // "Le créateur de ChatGPT, dirigé par Sam Altman": the product is
        // nested in the description (the collapsed view reads one name).
        e = product->end;
        made_at = product->begin;
      }
    }
    // A maker noun that does not refer back alone ("le concepteur") needs its product.
    if (head->maker && !head->anaphor && made.empty()) continue;
    // "OpenAI, le créateur de ChatGPT,": an apposition describes the name
    // before it (the rules read it as words).
    if (!made.empty() || !made_kind.empty()) {
      size_t p = b;
      while (p > s.begin && text[p - 1] == ' ') --p;
      if (p > s.begin && text[p - 1] == ',') continue;
    }
    Mention a;
    a.begin = b;
    a.end = e;
    a.outer_begin = b;
    a.type = head->type;
    a.source = MentionSource::kAnaphor;
    a.head = head->text;
    a.surface = std::string(text.substr(b, e - b));
    a.signal = "anaphor:" + head->text;
    a.made = made;
    if (made_at != std::string::npos) modifiers.push_back(made_at);
    a.kind = made_kind.empty() ? head->kind : made_kind;
    if (!head->not_kinds.empty()) a.not_kinds = &head->not_kinds;
    a.place = place_name;
    // "la start-up chinoise", "the South Korean company", "the San
    // Francisco-based startup": a demonym or place inside it.
    for (const auto& m : out) {
      if (m.begin < b || m.end > e) continue;
      if (m.source == MentionSource::kDemonym || Is(m.type, "Country")) {
        a.country = m.canonical;
        a.country_stated = true;
      }
      if (Is(m.type, "Place") && a.place.empty()) a.place = m.canonical;
    }
    // "le fabricant de puces américain", "la licorne franco-américaine": a
    // demonym right after it (after a space and a hyphenated prefix).
    if (!a.country_stated && e < s.end && text[e] == ' ') {
      size_t q = e + 1;
      size_t r = q;
      while (r < s.end && (std::islower(static_cast<unsigned char>(text[r])) || static_cast<unsigned char>(text[r]) >= 0x80))
        ++r;
      if (r > q && r < s.end && text[r] == '-') q = r + 1;
      for (const auto& m : out)
        if (m.source == MentionSource::kDemonym && (m.begin == e + 1 || m.begin == q)) {
          a.country = m.canonical;
          a.country_stated = true;
        }
    }
    // "la start-up parisienne": a place adjective after it.
    if (made.empty()) {
      size_t q = e;
      while (q < s.end && text[q] == ' ') ++q;
      size_t r = q;
      while (r < s.end && (std::isalpha(static_cast<unsigned char>(text[r])) ||
                           static_cast<unsigned char>(text[r]) >= 0x80 || text[r] == '-'))
        ++r;
      if (r > q && q > e) {
        auto it = lex_.place_adjectives.find(Fold(text.substr(q, r - q)));
        if (it != lex_.place_adjectives.end()) {
          a.place = it->second.place;
          if (a.country.empty()) {
            a.country = it->second.country;
            a.country_stated = true;
          }
          a.end = e = r;
          a.surface = std::string(text.substr(b, e - b));
        }
      }
    }
    found.push_back(a);
  }
  // "the iPhone maker", "the San Francisco startup": a determiner, a product
  // (before a maker noun) or a place (before a head that refers back), the
  // head. The name stays, nested in the description (the full view of the
  // rules shows it, the collapsed view the description).
  for (const auto& m : out) {
    if (!Is(m.type, "Product") && !Is(m.type, "Place")) continue;
    if (m.source == MentionSource::kCandidate) continue;
    size_t q = m.end;
    if (q >= s.end || text[q] != ' ') continue;
    ++q;
    size_t r = q;
    while (r < s.end && (std::isalpha(static_cast<unsigned char>(text[r])) ||
                         static_cast<unsigned char>(text[r]) >= 0x80 || text[r] == '-'))
      ++r;
    if (r == q || (r < s.end && (std::isalnum(static_cast<unsigned char>(text[r])) || text[r] == '\'')))
      continue;
    const HeadNoun* head = FindHead(text.substr(q, r - q));
    if (!head || !Is(head->type, "Organization")) continue;
    if (Is(m.type, "Product") ? !head->maker : !head->anaphor) continue;
    // The determiner right before the name.
    const std::string* det = nullptr;
    for (const auto& d : lex_.anaphor_determiners) {
      if (d.empty() || d.back() == '\'') continue;
      size_t n = d.size() + 1;
      if (m.begin >= s.begin + n && SameLowered(text.substr(m.begin - n, n - 1), d) && text[m.begin - 1] == ' ' &&
          (m.begin - n == s.begin || !std::isalpha(static_cast<unsigned char>(text[m.begin - n - 1]))))
        det = &d;
    }
    if (!det) continue;
    // "the iPhone maker Apple": a descriptor of the name that follows.
    size_t k = r;
    while (k < s.end && text[k] == ' ') ++k;
    bool before_name = false;
    for (const auto& o : out)
      if (o.begin == k && k > r && o.source != MentionSource::kDemonym) before_name = true;
    if (before_name || WordAt(text.substr(0, s.end), r, lex_.genitive_leads)) continue;
    Mention a;
    a.begin = a.outer_begin = m.begin - det->size() - 1;
    a.end = r;
    a.type = head->type;
    a.source = MentionSource::kAnaphor;
    a.head = head->text;
    a.kind = head->kind;
    if (!head->not_kinds.empty()) a.not_kinds = &head->not_kinds;
    a.surface = std::string(text.substr(a.begin, a.end - a.begin));
    a.signal = "anaphor:" + head->text;
    if (Is(m.type, "Product"))
      a.made = m.canonical;
    else
      a.place = m.canonical;
    bool taken = false;
    for (const auto& f : found)
      if (f.begin < a.end && a.begin < f.end) taken = true;
    if (taken) continue;
    modifiers.push_back(m.begin);
    found.push_back(std::move(a));
  }
  if (found.empty()) return;
  // The demonym of "la société chinoise" (and the place of "the San
  // Francisco-based start-up") belongs to the anaphor.
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const Mention& m) {
                             if (std::find(modifiers.begin(), modifiers.end(), m.begin) != modifiers.end())
                               return false;
                             if (m.source != MentionSource::kDemonym && m.source != MentionSource::kCandidate &&
                                 !Is(m.type, "Place"))
                               return false;
                             for (const auto& a : found)
                               if (m.begin >= a.begin && m.end <= a.end) return true;
                             return false;
                           }),
            out.end());
  for (auto& m : out)
    if (std::find(modifiers.begin(), modifiers.end(), m.begin) != modifiers.end() &&
        (Is(m.type, "Product") || Is(m.type, "Place")))
      m.nested = true;
  for (auto& a : found) out.push_back(std::move(a));
}

}  // namespace kg::ingest
