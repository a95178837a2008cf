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

#include <memory>
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

}  // namespace kg::ingest
