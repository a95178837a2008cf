// Faster twins of re2 patterns, for the texts on which they match exactly as
// the pattern does (same match, same groups).
//
// Narrow twins: patterns that use \pL and \pN.
//
// RE2 compiles each \pL (any Unicode letter) to about 1,200 instructions in
// UTF-8 mode. A pattern with two or three of them is past the 512 instructions
// of RE2's BitState matcher, and asking it for submatches falls back to RE2's
// NFA, several times slower. Yet in French and English news almost every
// non-ASCII character is a letter (é, à, ç, ï, ô...). Over a text where that
// holds, \pL is the same class as "an ASCII letter or any non-ASCII
// character", and \pN the same as an ASCII digit; both compile to a handful of
// instructions. A narrow twin is the pattern with those classes; it matches
// exactly as the pattern does, with the same groups, on every text for which
// NonAsciiAreLetters() holds, and is used only there.
#pragma once

#include <re2/re2.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kg::ingest {

// `pattern` with \pL, \p{L}, \PL, \P{L}, \pN, \p{N}, \PN and \P{N} replaced by
// their narrow equivalents (inside and outside character classes; \Q...\E is
// left alone). Empty when the pattern has none of them.
std::string NarrowLetterClasses(std::string_view pattern);

// True when NarrowLetterClasses(pattern) matches every text that `pattern`
// matches, on any text: its narrow classes are only wider (\pL outside a
// negated class; no \pN, which narrows to ASCII digits, and no \PL or \PN).
bool NarrowingWidens(std::string_view pattern);

// True when `pattern` parses as an RE2 pattern with `options`, without the
// cost of compiling it.
bool SyntaxOk(const std::string& pattern, re2::RE2::Options options);

// True when every non-ASCII character of `text` (valid UTF-8) is a letter
// (\pL in RE2's tables).
bool NonAsciiAreLetters(std::string_view text);

// The narrow twin of `pattern` compiled with `options`, or null when the
// pattern has nothing to narrow or the twin would be no smaller.
std::unique_ptr<re2::RE2> CompileNarrowTwin(std::string_view pattern, const re2::RE2& original,
                                            const re2::RE2::Options& options);

// The atoms (characters, classes, escapes) that every match of `pattern`
// holds, in pattern order: those outside any alternation and any repetition
// that may be empty. Each character or class among them matches a character
// of its own. Empty when the pattern sets inline flags or does not parse.
std::vector<std::string_view> RequiredAtoms(std::string_view pattern);

// When every match of `pattern` starts with the byte \x01 (a marker of the
// tagged views: its first item, or the first item of the groups without
// quantifier or '|' that it starts with, is "\x01" without quantifier): the
// class written right after it ("[\x11\x12]"), or empty when no class
// without quantifier follows. Nullopt when a match may start otherwise, or
// the pattern sets inline flags.
std::optional<std::string_view> LeadingMarkerClass(std::string_view pattern);

// True when `pattern` may test the text around a position without reading
// it (^, $, \b, \B, \A, \z): only then do the groups of a match of it
// depend on more than the text of the match.
bool HasEmptyWidthTests(std::string_view pattern);

// Relaxed twins: a long bounded repetition of one character class, such as
// "[^,.;]{0,80}?", costs RE2 one copy of the class per count, and its NFA
// (the engine that finds submatches in large programs) keeps a thread per
// count alive. The relaxed twin drops the upper bound and captures the
// repetition: "(?P<__b0>[^,.;]{0,}?)". It matches everything the pattern
// matches, with the same order of preference, so when each such capture of
// its preferred match is within its bound, that match is the pattern's
// preferred match, groups included. Otherwise the pattern itself must run.
struct RelaxedPattern {
  struct Bound {
    std::string group;     // "__b0": the capture around the repetition
    int max = 0;           // the dropped upper bound, in characters
    // For a repetition inside a repeated group: the capture is around that
    // group and its rounds, and the bound holds when this pattern ("[^,.;]"
    // n+1 times) finds nothing in it. Empty: the capture's characters count.
    std::string exceeded;
  };
  std::string pattern;  // the twin; empty when there is no bound to drop
  std::vector<Bound> bounds;
};

// Relaxes every repetition {m,n} (n >= 8) of a single character (class,
// escape, '.' or literal). Patterns that set inline flags ("(?s)",
// "(?i:...)") are left alone.
RelaxedPattern RelaxBounds(std::string_view pattern);

// True when `pattern` parses wherever its relaxed twin (RelaxBounds) does,
// which then saves SyntaxOk(pattern): each bound the twin drops is well
// formed (min <= max <= 1000), and no count repeats a group around it (RE2
// limits the product of nested counts). False when that is not certain.
bool RelaxingKeepsSyntax(std::string_view pattern);

// Pieces: RE2 finds the groups of a match with its BitState matcher only in
// a program of at most kBitStateMax instructions, otherwise with its NFA, on
// our patterns several times slower. Once the program's DFA has found where
// the match is, its groups are those of the preferred parse of that span
// (RE2's order of preference: a backtracking matcher's), and the preferred
// parse of a concatenation A B is the first parse of A, in A's order, that B
// can complete. So the pattern is cut at its top level into pieces that each
// fit BitState, run one after the other, each from where the previous one
// ended. A piece A that more follows is run as "A()L" at the start of the
// rest of the span, where L is as much of what follows as still fits (whole
// items, then the start of the next one), its groups made non-capturing, and
// "()" marks where the next piece starts. "L" starts every text that the rest
// of the pattern matches, so the parse of A found comes no later in A's order
// than the pattern's own; once the later pieces complete it, to the end of
// the span, it is the pattern's, and each later piece finds the pattern's
// parse of its own part. The last piece must match the rest of the span
// exactly; once no group is left, the rest of the pattern is one piece that
// only its DFA checks. When a piece fails, the pattern itself reads the
// groups (on the bench, never; on real articles, for a few percent of the
// matches). Items without groups before a slot are jumped over where their
// DFA says where the slot starts: the parse's slot starts at a '\x01' that
// ends a match of those items and starts a match of the rest of the
// pattern, where one '\x01' alone does (else the pattern reads the groups:
// on the bench, never).
class PatternPieces {
 public:
  static constexpr int kBitStateMax = 512;
  static constexpr int kMaxPieceGroups = 16;  // a piece's groups, its cut included
  // The pieces of `re` (its pattern and options), or null when it fits
  // BitState, has no group or cannot be cut (a top-level '|', inline flags,
  // an item that alone exceeds kBitStateMax and is no choice, a piece with
  // more than kMaxPieceGroups groups). An item too big for a piece of its own
  // that is a choice, a non-capturing group "(?:X|Y)", "(?:X)?", "(?:X)??" or
  // (without groups) "(?:x){0,8}" or "(?:x){0,8}?", is read by its branches
  // in RE2's order of preference ("(?:x){0,8}?": none, then x and
  // "(?:x){0,7}?"): the preferred parse of "(?:X|Y) R" over the rest of the
  // span takes X when "X R" matches it (its DFA tells), else Y; the branch
  // taken and R are then cut into pieces in turn. A non-capturing group
  // without quantifier or '|' is read as its items.
  static std::unique_ptr<PatternPieces> Cut(const re2::RE2& re);
  PatternPieces(const PatternPieces&) = delete;
  PatternPieces& operator=(const PatternPieces&) = delete;

  // The groups of `re`'s match [begin, end) of `text` (found by its DFA) in
  // groups[0..n): as re.Match(text, begin, end, ANCHOR_BOTH, groups, n), `re`
  // being the pattern Cut() was given.
  void Groups(const re2::RE2& re, std::string_view text, size_t begin, size_t end, re2::StringPiece* groups,
              int n) const;

 private:
  PatternPieces() = default;
  struct Plan;
  struct Piece {
    std::unique_ptr<re2::RE2> re;
    std::vector<int> group_index;  // the pattern's index of each of the piece's groups
    bool more = false;             // "A()L": its last group is where the next step starts
    // Or, with `re` null, a jump over items without groups before one that
    // starts with "\x01" (a slot): where exactly one '\x01' ends a match of
    // `jump` (their DFA, anchored at both ends) from where the step starts
    // and starts a match of `rest` (the items from the slot on, without
    // groups) up to the end of the span, that item starts there and
    // `after_jump` reads the rest (the last step of a plan); otherwise the
    // pattern reads the groups.
    std::unique_ptr<re2::RE2> jump, rest;
    std::shared_ptr<const Plan> after_jump;
  };
  // Pieces run one after the other, then, when there are branches, the first
  // one whose check matches the rest of the span (the last one has none)
  // with its plan (its items and those after the choice).
  struct Plan {
    struct Branch {
      std::unique_ptr<re2::RE2> check;
      std::unique_ptr<Plan> plan;
    };
    std::vector<Piece> pieces;
    std::vector<Branch> branches;
  };
  // Runs `plan` from `at` up to `end`; false when a piece or every branch fails.
  static bool Run(const Plan& plan, std::string_view text, size_t at, size_t end, re2::StringPiece* groups, int n);
  Plan plan_;
};

// re.Match(text, from, text.size(), UNANCHORED, groups, n) for one pattern
// `re`, its groups read by the pattern's pieces once it has matched
// kCutAfterMatches times (cutting costs about two compilations of the
// pattern, and a rule that matches little is not worth it). Thread-safe.
class PieceMatcher {
 public:
  static constexpr int kCutAfterMatches = 32;
  PieceMatcher() = default;
  PieceMatcher(const PieceMatcher&) = delete;
  PieceMatcher& operator=(const PieceMatcher&) = delete;
  // REQUIRES: the same `re` at every call.
  bool Match(const re2::RE2& re, std::string_view text, size_t from, re2::StringPiece* groups, int n) const;
  // The groups of `re`'s match [begin, end) of `text` (its leftmost match
  // from some offset, as re.Match(..., &found, 1) finds it), as
  // re.Match(text, begin, end, ANCHOR_BOTH, groups, n): the second half of
  // Match().
  void Groups(const re2::RE2& re, std::string_view text, size_t begin, size_t end, re2::StringPiece* groups,
              int n) const;

 private:
  mutable std::atomic<int> matches_{0};
  mutable std::once_flag cut_once_;
  mutable std::unique_ptr<PatternPieces> pieces_;
};

}  // namespace kg::ingest
