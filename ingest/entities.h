// Entity stage: finds the entity mentions of one sentence. The lexicon is
// matched in one pass over the words (longest alias wins, case and accent
// aware); unknown names are discovered from signals: a descriptor or
// apposition before the name ("la start-up chinoise DeepSeek", "the French
// start-up Mistral AI", "le fabricant de processeurs graphiques (GPU), Nvidia"),
// a naming verb ("un projet nommé "Stargate""), an acronym in brackets, a
// known first name. Also anaphors ("la société", "le projet") and
// sentence-initial pronouns, left for the resolver.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ingest/lexicon.h"
#include "ingest/few_words_twins.h"
#include "ingest/types.h"

namespace re2 {
class RE2;
class StringPiece;
}

namespace kg::ingest {

class Recognizer {
 public:
  explicit Recognizer(const Lexicon& lexicon);
  ~Recognizer();
  Recognizer(const Recognizer&) = delete;
  Recognizer& operator=(const Recognizer&) = delete;

  // Entity mentions of sentence `s` of `text`, sorted by begin. `values` are
  // the value mentions of the sentence (their words are not names), in order
  // of begin as ValueFinder::Find returns them.
  // `given`, when not null, replaces the lexicon lookup (rule examples mark
  // their entities in the text).
  std::vector<Mention> Find(std::string_view text, const Sentence& s,
                            const std::vector<Mention>& values,
                            const std::vector<Mention>* given = nullptr) const;
  // The same, given the sentence's words: Tokenize(text.substr(s.begin,
  // s.end - s.begin), s.begin), which a caller that cut the whole text
  // into words has already (the words of the text inside the sentence,
  // when none crosses either end).
  std::vector<Mention> Find(std::string_view text, const Sentence& s, std::span<const Token> words,
                            const std::vector<Mention>& values,
                            const std::vector<Mention>* given = nullptr) const;

  // The head noun entry of `head` (folded compare), or null.
  const HeadNoun* FindHead(std::string_view head) const;
  // The first word of `phrase` that is a place adjective
  // (lexicon/place_adjectives.tsv: "parisienne"), or null.
  const PlaceAdjective* PlaceAdjectiveIn(std::string_view phrase) const;

 private:
  // PlaceAdjectiveIn over the words of a phrase.
  const PlaceAdjective* PlaceAdjectiveAmong(std::span<const Token> words) const;
  // `narrow`: the sentence's non-ASCII characters are all letters, so the
  // patterns' narrow twins may be used (ingest/pattern_twins.h).
  void AddDescriptors(std::string_view text, const Sentence& s, std::span<const Token> tokens,
                      bool narrow, std::vector<Mention>& m) const;
  // "Singapore's Temasek", "l'allemand Helsing": a country's or a place's
  // possessive, or a nationality with its article, right before an
  // organisation's name that has no descriptor describes it as one would.
  void AddCountryPossessors(std::string_view text, std::vector<Mention>& m) const;
  // Whether the capitalised word tokens[i], opening sentence `s`, is a name:
  // no word of the language (not in the lexicon's lists, not written in
  // lower case in the article) that recurs capitalised inside a sentence
  // of the article (1), or that a verb follows (lexicon/subject_verbs.txt: 2);
  // 0 when it is neither, -1 when it is a word of the language.
  int InitialName(std::string_view text, const Sentence& s, std::span<const Token> tokens, size_t i) const;
  // Types the capitalised names left without a signal from their context: a
  // person after "founded by" (and the names listed with it), next to a verb
  // of speech, or after a title ("CEO Jane Roe"); a product when its last
  // word is a product head ("Nimbus Platform") or a model code ("ZX-9").
  void TypeByContext(std::string_view text, const Sentence& s, std::vector<Mention>& m) const;
  // `last_head_word`: where the last word of the sentence that may start a
  // head noun that refers back begins (see anaphor_first_words_), npos for
  // none; the anaphor pattern cannot match after it.
  void AddAnaphors(std::string_view text, const Sentence& s, bool narrow, size_t last_head_word,
                   std::vector<Mention>& m) const;
  // `descriptor_` on `text` (PartialMatch, groups: descriptor, head,
  // separator), through `descriptor_unbounded_` first.
  bool MatchDescriptor(std::string_view text, bool narrow, re2::StringPiece* g) const;
  // The first byte in [lo, end) where a descriptor ending at `end` may start.
  size_t DescriptorFloor(std::string_view text, size_t lo, size_t end) const;
  // Whether the text of the sentence before `head` (from `lo`) may end with
  // what the anaphor pattern puts before a head noun (head_leads_); false
  // means that no anaphor has its head at `head`.
  bool HeadLeadBefore(std::string_view text, size_t lo, size_t head) const;
  // Whether `tail`, the text between a comma and a name, is all of
  // separator_tail_ (RE2::FullMatch, after a cheaper test).
  bool SeparatorTail(std::string_view tail) const;

  // A list of folded words with a filter of their hashes (Token::hash), one
  // bit per hash prefix: a word whose bit is clear is not in the list, known
  // without hashing the word again. A word whose bit is set is looked up by
  // that hash too, in an open-addressing table of (hash, word): the set's
  // own lookup hashed the word again (std::hash) and read a bucket and a
  // node. The words are copied end to end into one string, near each other
  // (the set's nodes were all over the heap).
  class WordFilter {
   public:
    explicit WordFilter(const std::unordered_set<std::string>& words);
    bool Has(const Token& t) const {
      const size_t bit = t.hash >> shift_;
      if ((bits_[bit >> 6] >> (bit & 63) & 1) == 0) return false;
      for (size_t i = SlotOf(t.hash);; i = (i + 1) & (slots_.size() - 1)) {
        const Slot& slot = slots_[i];
        if (slot.at == kEmpty) return false;
        if (slot.hash == t.hash && std::string_view(texts_.data() + slot.at, slot.size) == t.folded) return true;
      }
    }

   private:
    static constexpr uint32_t kEmpty = UINT32_MAX;
    struct Slot {
      size_t hash = 0;
      uint32_t at = kEmpty, size = 0;  // the word: texts_.substr(at, size); kEmpty: an empty slot
    };
    size_t SlotOf(size_t hash) const {
      return static_cast<size_t>((static_cast<uint64_t>(hash) * 0x9e3779b97f4a7c15ull) >> slot_shift_);
    }
    int shift_ = 0;  // 64 - log2 of the number of bits
    std::vector<uint64_t> bits_;
    int slot_shift_ = 64;  // 64 - log2 of the number of slots (at least twice the words)
    std::vector<Slot> slots_;
    std::string texts_;
  };

  // A set of word hashes behind a filter of bits like WordFilter's: most
  // words are in no such set, and are answered from one bit.
  class HashFilter {
   public:
    explicit HashFilter(const std::unordered_set<size_t>& hashes);
    bool Has(size_t hash) const {
      const size_t bit = hash >> shift_;
      return (bits_[bit >> 6] >> (bit & 63) & 1) != 0 && hashes_.count(hash) > 0;
    }

   private:
    const std::unordered_set<size_t>& hashes_;
    int shift_ = 0;  // 64 - log2 of the number of bits
    std::vector<uint64_t> bits_;
  };

  const Lexicon& lex_;
  std::unordered_set<std::string> cue_words_;  // folded words of heads and naming verbs
  // Folded month names and abbreviations (months.tsv, without their period):
  // "Jan 27" in a dateline is a date, no name.
  std::unordered_set<std::string> month_words_;
  // Lexicon::TokenHash of each of cue_words_: a word whose hash is not here
  // is no cue word (one that is may be, when two words share a hash; the
  // descriptor pattern then decides).
  std::unordered_set<size_t> cue_hashes_;
  // Lexicon::TokenHash of the first word of each head noun of the anaphor
  // pattern: a sentence with none of them (and no combining mark, which may
  // join a word to the next) holds no anaphor. Unusable (every sentence is
  // read) when such a head has no word.
  std::unordered_set<size_t> anaphor_first_words_;
  bool anaphor_head_without_word_ = false;
  // The anaphor determiners, demonyms and place modifiers, for
  // HeadLeadBefore: those of two bytes or more by their last two (ASCII
  // lowered), and the last byte of those of one. Those ending with a byte
  // of another character are left out (the test lets such text through).
  // Unusable when one is empty, ends with a space, or holds a character
  // that (?i) folds onto an ASCII letter.
  std::unordered_map<uint32_t, std::vector<std::string>> head_leads_;
  bool one_byte_leads_[256] = {};
  bool head_leads_usable_ = true;
  std::unordered_map<std::string, size_t> folded_heads_;  // Fold(lex_.heads[i].text) -> the first such i, for FindHead
  std::unordered_set<std::string> model_stems_;  // first words of versioned product names ("gpt", "claude")
  // Filters of the word lists that Find looks words up in, word by word
  // (made once the lists are complete).
  std::optional<WordFilter> model_stems_filter_, cue_words_filter_;  // (once the constructor has made the lists)
  std::optional<HashFilter> cue_hashes_filter_, anaphor_first_words_filter_;  // (likewise)
  WordFilter domain_suffixes_{lex_.domain_suffixes}, institution_heads_{lex_.institution_heads},
      name_links_{lex_.name_links}, person_relatives_{lex_.person_relatives}, name_particles_{lex_.name_particles};
  WordFilter non_names_{lex_.non_names}, org_suffixes_{lex_.org_suffixes}, product_suffixes_{lex_.product_suffixes},
      first_names_{lex_.first_names}, place_suffixes_{lex_.place_suffixes}, acronym_fillers_{lex_.acronym_fillers},
      pronouns_{lex_.pronouns}, descriptor_stops_{lex_.descriptor_stops}, prepositions_{lex_.prepositions},
      coordinators_{lex_.coordinators}, item_determiners_{lex_.item_determiners},
      definite_articles_{lex_.definite_articles}, stop_en_{lex_.stop_en}, stop_fr_{lex_.stop_fr},
      version_followers_{lex_.version_followers};
  std::unique_ptr<re2::RE2> descriptor_, descriptor_unbounded_, anaphor_, connector_, after_apposition_, after_head_;
  std::unique_ptr<re2::RE2> separator_tail_;  // what may follow the comma before the name
  // The first bytes of the naming words, ASCII lowered: what a tail of
  // separator_tail_ holds after its spaces, unless a quote or nothing
  // follows them. Unusable when a naming word opens with no ASCII letter or
  // digit.
  bool naming_first_[256] = {};
  bool naming_first_usable_ = true;
  // Narrow twins (null when a pattern has none), for sentences where they are exact.
  std::unique_ptr<re2::RE2> descriptor_narrow_, descriptor_unbounded_narrow_, anaphor_narrow_,
      after_apposition_narrow_, after_head_narrow_;
  bool heads_have_punctuation_ = false;      // then DescriptorFloor cannot cut
  // The head nouns, those that may refer back alone, and the demonyms, as
  // the alternations of the descriptor and anaphor patterns; their twins with
  // fewer alternatives give the groups of a match (ingest/few_words_twins.h).
  WordAlternatives heads_, anaphor_heads_, demonyms_;
  std::unique_ptr<FewWordsTwins> descriptor_twins_, anaphor_twins_;
};

}  // namespace kg::ingest
