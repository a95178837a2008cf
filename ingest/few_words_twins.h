// Few-words twins of re2 patterns, beside the narrow and relaxed twins of
// ingest/pattern_twins.h.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kg::ingest {

// Few-words twins: patterns with a long alternation of literal words (head
// nouns, demonyms) under (?i). Such an alternation makes the program too big
// for RE2's BitState matcher, and the NFA that then finds the groups runs a
// thread for each alternative that may start at a position. A word that does
// not occur in a match cannot change which parse of it the pattern prefers;
// so once the whole pattern has found where its match is (its DFA, no
// groups), the same pattern with only the alternatives whose words occur in
// the match, in the same order, finds the same groups, usually within
// BitState's reach.

// Literal alternatives and the folded words (Tokenize) of each.
class WordAlternatives {
 public:
  void Add(std::string_view text);  // appended after the others
  // Alternatives longest first (the order of preference of the pattern),
  // stable among equal lengths.
  void SortLongestFirst();
  // All of them, quoted, joined by '|' ("\\x00" when there are none).
  std::string Pattern() const;
  // Those whose words all occur among `words`, ascending; with no words, always.
  std::vector<uint32_t> In(const std::vector<std::string>& words) const;
  std::string Pattern(const std::vector<uint32_t>& which) const;

 private:
  struct Alternative {
    std::string quoted;
    std::vector<std::string> words;
  };
  std::vector<Alternative> alternatives_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_first_word_;
  std::vector<uint32_t> wordless_;
};

// A pattern made of texts and alternations: texts[0] alts[0] texts[1] ...
// alts[n-1] texts[n], compiled with `options`.
class FewWordsTwins {
 public:
  FewWordsTwins(std::vector<std::string> texts, std::vector<const WordAlternatives*> alternations,
                re2::RE2::Options options);
  FewWordsTwins(const FewWordsTwins&) = delete;
  FewWordsTwins& operator=(const FewWordsTwins&) = delete;
  // The whole pattern.
  std::string Pattern() const;
  // The twin for `match` (a match of the whole pattern): only the
  // alternatives whose words occur in it; narrow letter classes when
  // `narrow` (NonAsciiAreLetters(match)). Null when it does not compile, and
  // until the same twin has been asked for kCompileAfterUses times:
  // compiling costs as much as some thirty matches of a big pattern, so a
  // twin asked for only a few times is not worth it.
  const re2::RE2* For(std::string_view match, bool narrow) const;
  static constexpr int kCompileAfterUses = 16;
  // The leftmost match of `whole` (the whole pattern, or a narrow twin of
  // it) in `text`, with its groups 1 to n in groups[0..n-1]: found by
  // `whole` alone (its DFA), its groups read by the twin For() gives, or by
  // `whole` when there is none yet. False when there is no match. `n` is at
  // most kMaxGroups.
  static constexpr int kMaxGroups = 3;
  bool Match(const re2::RE2& whole, std::string_view text, re2::StringPiece* groups, int n) const;

 private:
  struct Twin {
    int uses = 0;
    std::unique_ptr<re2::RE2> re;
  };
  std::vector<std::string> texts_;
  std::vector<const WordAlternatives*> alternations_;
  re2::RE2::Options options_;
  mutable std::mutex mu_;
  // 'n' or 'w' (narrow or not), then per alternation its count and indices.
  mutable std::unordered_map<std::string, Twin> twins_;
  // The twin of a match text once it is compiled (For() of the same text
  // always returns it from then on): a match seen again skips cutting and
  // looking up its words. At most kMaxKnownMatches texts.
  //
  // Also the groups the twin found in that text: its match, anchored at both
  // ends of the text, depends only on the text and on whether the text
  // starts or ends the subject (where ^ and $ hold), when the pattern has no
  // other empty-width test (\b, \B, multi-line ^ and $): `context_free_`.
  // Kept per case of ^ and $ (`have`, bit 1: it starts the subject, bit 2:
  // it ends it), as offsets from the start of the text; kNoGroup for a
  // group that took no part.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static constexpr uint32_t kNoGroup = ~uint32_t{0};
  struct Known {
    const re2::RE2* twin = nullptr;
    unsigned have = 0;
    uint32_t groups[4][kMaxGroups][2] = {};  // [case][group - 1]: offset, size
  };
  static constexpr size_t kMaxKnownMatches = 1 << 14;
  bool context_free_ = false;
  mutable std::unordered_map<std::string, Known, TextHash, std::equal_to<>> known_;
};

}  // namespace kg::ingest
