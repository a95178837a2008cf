// Relation rules: loads corpus/rules/*.rules (format in corpus/rules/README.md)
// and matches them against a "tagged view" of a sentence, where each mention
// is replaced by a marker that the slots of a pattern ({Organization:a},
// {Money+:m}) stand for. Patterns are compiled once, at load.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/pattern_twins.h"
#include "ingest/types.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

namespace kg::ingest {

enum class View {
  kFull,       // every mention is a marker, descriptors stay text
  kCollapsed,  // a name and its descriptor ("la société OpenAI") are one marker
  kBoth,
};

struct Slot {
  std::string name;
  std::vector<std::string> types;  // Person ... Event, Money, Date, Number, Entity
  bool list = false;               // {Organization+:a}: a coordinated list
  unsigned type_mask = 0;          // the types as bits (Entity: every entity type)
};

struct EmitSpec {
  std::string type;
  std::string src, dst;  // slot names, or "@Type"/"~Type" (in focus, nearest), "*Type" (the article's)
  std::vector<std::pair<std::string, std::string>> props;  // key=slot or key=literal
};

// An emit endpoint the pipeline finds from the context ("@Type", "~Type",
// "*Type"), not a slot or a new_ group of the match.
inline bool ContextEndpoint(std::string_view end) {
  return !end.empty() && (end[0] == '@' || end[0] == '~' || end[0] == '*');
}

struct RuleExample {
  bool positive = true;
  std::string text;    // with [surface|Type] markup
  std::string expect;  // "Src TYPE Dst" (optional)
  int line = 0;
};

struct Rule {
  std::string id, file, lang;  // lang "fr", "en" or "" (any)
  int line = 0;
  std::string source;  // the pattern as written
  std::string pattern;  // with its slots and macros expanded
  // The pattern compiled, owned by the RuleSet's filter; null when the
  // filter holds `fast` or `narrow` instead (see Exact()).
  const re2::RE2* re = nullptr;
  // `re`, or the pattern compiled on first use: a rule with a relaxed twin
  // needs it only where a bound is exceeded, and compiling every pattern at
  // start-up doubled its time. Null if it does not compile.
  const re2::RE2* Exact() const;
  bool HasPattern() const { return re || fast || narrow; }
  // Twins of the pattern (ingest/pattern_twins.h), null when they would not
  // help. `narrow` has narrow letter classes, for sentences whose non-ASCII
  // characters are all letters. `fast` drops the upper bound of long
  // repetitions and, unless `fast_any_text`, has narrow letter classes too;
  // its match stands when each capture of `bounds` is within its bound. For
  // other sentences, Relaxed() is the relaxed twin without narrowing, with
  // the same groups (compiled on first use: \pL makes it slow to compile;
  // null if it does not compile). `fast` and `narrow` are owned by the
  // filter or by `fast_owned` and `narrow_owned`.
  std::unique_ptr<re2::RE2> narrow_owned, fast_owned;
  const re2::RE2* narrow = nullptr;
  const re2::RE2* fast = nullptr;
  int ngroups = 0;  // capturing groups of the pattern, and one for the whole match
  bool fast_any_text = false;
  std::string relaxed_pattern;
  const re2::RE2* Relaxed() const;
  struct Bound {
    int index = 0;  // capture of `fast` around a relaxed repetition
    int max = 0;    // its bound, in characters
    // Set for a repetition inside a repeated group: the capture is around
    // the group's rounds, and this finds a run of max+1 characters of its class.
    std::shared_ptr<const re2::RE2> exceeded;
  };
  std::vector<Bound> bounds;
  mutable std::once_flag relaxed_once, exact_once;
  mutable std::unique_ptr<re2::RE2> relaxed, exact_owned;
  // re.Match(text, from, text.size(), UNANCHORED, groups, n) for `re` one of
  // `fast`, Relaxed(), `narrow` and Exact(): the groups read by the pieces of
  // its pattern (ingest/pattern_twins.h) when its program is too big for
  // RE2's BitState matcher.
  bool MatchGroups(const re2::RE2& re, std::string_view text, size_t from, re2::StringPiece* groups, int n) const;
  // The groups of re's match [begin, end) of `text`: the second half of
  // MatchGroups(), as re.Match(text, begin, end, ANCHOR_BOTH, groups, n).
  void SpanGroups(const re2::RE2& re, std::string_view text, size_t begin, size_t end, re2::StringPiece* groups,
                  int n) const;
  PieceMatcher matchers[4];  // per pattern, in that order
  re2::RE2::Options options;
  std::vector<Slot> slots;
  std::vector<std::pair<std::string, std::string>> new_entities;  // group -> type
  std::vector<EmitSpec> emits;
  View view = View::kBoth;
  // `unless RE`: the rule does not fire where RE matches the view text right
  // after the match (null: no such line).
  std::unique_ptr<re2::RE2> unless;
  std::vector<RuleExample> examples;

  // Computed at load for matching. A capturing group of the pattern: a slot
  // (index into `slots`) or a new_ group.
  struct Group {
    int index = 0;
    std::string name;
    int slot = -1;  // -1: a new_ group
    int relaxed_index = 0;  // the same group's index in `fast` and Relaxed()
  };
  std::vector<Group> groups;
  // Per emit: the type bits its src and dst need present in the sentence
  // (kAnyType: no need).
  std::vector<std::pair<unsigned, unsigned>> emit_needs;
  // The markers every match holds, in the order they come in it: per
  // marker, its type codes as bits (bit i: code kFirstCode + i).
  std::vector<unsigned> marker_order;
  // Where a match may start: every match of the pattern starts with a
  // marker of these codes (bits as in marker_order), and so does every match
  // of its twins, which keep the pattern's first items; 0 when a match may
  // start elsewhere. Found on first use, as EmptyWidthTests().
  unsigned StartCodes() const;
  mutable std::atomic<unsigned> start_codes{~0u};  // ~0u: not known yet
  // The pattern (and so each twin) has an empty-width test (^, $, \b...):
  // the groups of a match may depend on the bytes around it. Found on first
  // use (tokenizing every pattern at start-up cost 18M instructions).
  bool EmptyWidthTests() const;
  mutable std::atomic<signed char> empty_width_tests{-1};  // -1: not known yet
};

// The words that read a coordinated list ({Type+:name}), from the macros of
// corpus/rules/macros.rules.
struct ListWords {
  // list_qualifier, as its words stand before the text they introduce ("de ",
  // "d'"): ", de la société X," qualifies the item before.
  std::vector<std::string> qualifiers;
  // list_conjunction: the item after one ends a list.
  std::vector<std::string> conjunctions;
  // list_preposition_*, one family per macro ("de", "du", "of"...): an item
  // after a preposition of another family than the first item's is no item.
  std::vector<std::vector<std::string>> preposition_families;
  // list_determiner: words between such a preposition and the item.
  std::vector<std::string> determiners;
};

// One firing of a rule on one sentence.
struct RuleMatch {
  const Rule* rule = nullptr;
  View view = View::kFull;
  // The names view the rule's (Rule::groups): no copy per match.
  std::map<std::string_view, std::vector<int>, std::less<>> slots;  // slot -> mention indexes
  std::map<std::string_view, std::pair<size_t, size_t>, std::less<>> new_spans;  // group -> text span
  size_t begin = 0, end = 0;  // span in the text
};

class RuleSet {
 public:
  // Loads rule files. Collects every problem and throws one RuleError listing
  // them as file:line:col: message.
  static RuleSet Load(const std::vector<std::string>& files);
  // Parses rules from a string (tests); `file` names it in messages.
  static RuleSet Parse(const std::string& content, const std::string& file, const std::string& lang);

  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }
  // The relationship types declared `symmetric` (COMPETES_WITH, PARTNER_OF):
  // A-B and B-A are one relationship.
  const std::set<std::string>& symmetric_types() const { return symmetric_types_; }

  // All firings on sentence `s`, for rules of `lang` (or of no language).
  std::vector<RuleMatch> Apply(std::string_view text, const Sentence& s,
                               const std::vector<Mention>& mentions, const std::string& lang,
                               std::string* explain_views = nullptr) const;

 private:
  // A rule file's text, its name (in messages) and its language.
  struct Source {
    std::string content, file, lang;
  };
  // The set of `sources`: their macros first, then their rules; throws one
  // RuleError with `errors` and the problems found.
  static RuleSet Build(const std::vector<Source>& sources, std::vector<std::string> errors);
  void ParseInto(const std::string& content, const std::string& file, const std::string& lang,
                 std::vector<std::string>& errors);
  // The `macro NAME TEXT` lines of `content` into macros_; then, once every
  // file is read, each macro's text with the macros it uses expanded.
  void CollectMacros(const std::string& content, const std::string& file, std::vector<std::string>& errors);
  void ResolveMacros(std::vector<std::string>& errors);
  // The words of the alternation a macro stands for ("(?:et|ou|and)"), in order.
  std::vector<std::string> MacroWords(const std::string& name) const;
  // Literal prefilters, computed at load from the patterns: a rule whose
  // required literal strings ("atoms") do not all occur in a view cannot
  // match it, and its pattern is not run.
  void BuildFilter();
  // Per filter, what one view of a sentence let through: the atoms it
  // matched (marked in `seen`, by atom index) and the filter ids they let
  // through; `all`: every rule (no atoms known).
  struct FilterPass {
    std::vector<int> atoms, potentials;
    std::vector<char> seen;
    bool all = true;
  };
  // The rules of `lang` (or of no language) that may match `view_text`:
  // sets `bit` in flags[rule], and appends to `list` the rules whose flags
  // were 0. `passes` holds, per filter, what a first view of the sentence
  // let through: kept there when `second` is false, reused when it is true
  // and this view matches no atom that view did not.
  void Candidates(std::string_view view_text, const std::string& lang, unsigned char bit,
                  std::vector<unsigned char>& flags, std::vector<int>& list, std::vector<FilterPass>& passes,
                  bool second) const;
  // Group and emit tables of every rule (after parsing).
  void Prepare();

  std::vector<std::unique_ptr<Rule>> rules_;
  std::map<std::string, std::string> macros_;  // name -> re2 text, expanded
  std::set<std::string> symmetric_types_;
  ListWords list_words_;  // from macros.rules, by ResolveMacros
  // One literal prefilter per rule language ("" for the rules of every
  // language): a sentence consults those of its language only. The filter
  // owns the compiled patterns of its rules, or their fast or narrow twins
  // (Rule::re, Rule::fast or Rule::narrow points into it).
  struct LangFilter {
    std::string lang;
    std::unique_ptr<re2::FilteredRE2> filter;
    std::vector<int> rule_of;              // filter id -> rule index (-1: a replaced pattern)
    bool usable = false;                   // false: every rule of it is a candidate
    std::unique_ptr<re2::RE2::Set> atoms;  // the atoms, case-insensitive, unanchored
    // Names this filter (as built by BuildFilter(), never reused) in the
    // per-thread cache of its potentials (Candidates()).
    uint64_t id = 0;
  };
  std::vector<LangFilter> filters_;
  // f.filter->AllPotentials(matched, &potentials), from a per-thread cache
  // when these atoms were seen lately; sorts `matched`.
  static void Potentials(const LangFilter& f, std::vector<int>& matched, std::vector<int>& potentials);
  // Compiled bound checks of the rules' relaxed twins, shared by pattern.
  std::map<std::string, std::shared_ptr<const re2::RE2>> bound_checks_;
  // Per rule language: the distinct emit needs of its rules.
  std::vector<std::pair<std::string, std::vector<std::pair<unsigned, unsigned>>>> lang_needs_;
};

// Splits "[OpenAI|Organization] a racheté [Windsurf|Organization]" into plain
// text and the marked mentions (canonical = surface).
std::pair<std::string, std::vector<Mention>> ParseMarkup(const std::string& marked);

}  // namespace kg::ingest
