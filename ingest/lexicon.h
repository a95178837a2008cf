// Lexicon: the data that drives recognition, loaded once from the corpus
// directory (gazetteers/*.tsv, lexicon/*). Also the word tokenizer shared by
// the stages, so that lexicon entries and text are cut the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace kg::ingest {

// The hash of a folded word (64-bit FNV-1a), which Tokenize computes as it
// folds: Token::hash, Lexicon::TokenHash.
inline constexpr uint64_t kFoldedHashSeed = 14695981039346656037ull;
inline constexpr uint64_t kFoldedHashPrime = 1099511628211ull;
inline size_t FoldedHash(std::string_view folded) {
  uint64_t h = kFoldedHashSeed;
  for (unsigned char c : folded) h = (h ^ c) * kFoldedHashPrime;
  return static_cast<size_t>(h);
}

// A word: a maximal run of letters and digits.
struct Token {
  size_t begin = 0, end = 0;  // byte offsets into the tokenized text (plus `base`)
  std::string folded;         // lower case, accents removed
  size_t hash = 0;            // FoldedHash(folded)
  bool upper_initial = false;
  bool has_digit = false;
};

// Cuts `text` into words; offsets are `base` + position in `text`.
std::vector<Token> Tokenize(std::string_view text, size_t base = 0);
// A letter, digit or mark (Unicode categories L*, N*, M*): what a word is made of.
bool IsWordCodepoint(int32_t cp);
// Lower case without accents ("États" -> "etats").
std::string Fold(std::string_view word);
// ASCII letters lowered, every other byte kept: for phrases with spaces and
// accents, which Fold would join ("Il s'agit", " a précisé").
std::string LowerAscii(std::string_view text);
// LowerAscii(text) == lowered, without making the lowered string.
inline bool LowersTo(std::string_view text, std::string_view lowered) {
  if (text.size() != lowered.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
    if (c != lowered[i]) return false;
  }
  return true;
}
// Whether `text` ends with one of `words` (ASCII lowered), in any ASCII case
// (" in " before a place name).
bool LoweredEndsWith(std::string_view text, const std::vector<std::string>& words);

// An re2 class that matches nothing: what an empty list of words stands for.
inline constexpr const char* kMatchesNothing = "[^\\x00-\\x{10FFFF}]";
// re2 patterns (lexicon fragments, quoted words) joined as alternatives, in
// their order; `none` when there are none.
std::string JoinAlternatives(const std::vector<std::string>& patterns, const char* none);
// Words as literal re2 alternatives, in their order; kMatchesNothing when
// there are none.
std::string LiteralAlternatives(const std::vector<std::string>& words);

struct LexiconEntry {
  std::string name;  // canonical
  std::string type;  // Person ... Event, or "Demonym" (name = the country)
  std::string country;  // attribute country=NAME: a person's or company's country
  std::string kind;     // attribute kind=: "chipmaker", "lab", "app" (what "the chipmaker" agrees with)
  std::string city;     // attribute city=NAME: where a company is based ("le groupe de Redmond")
  std::string maker;    // attribute maker=NAME: who makes a product ("le créateur de ChatGPT")
};

// A place adjective of lexicon/place_adjectives.tsv: "parisienne" is Paris, in France.
struct PlaceAdjective {
  std::string place;    // canonical Place name
  std::string country;  // canonical Country name
};

// A descriptor head noun: "société" (Organization), "président" (Person).
struct HeadNoun {
  std::string text;
  std::string type;
  bool anaphor = false;  // "la société" alone may refer back to a company
  bool generic = false;  // refers back to any entity of the type
  bool maker = false;    // "le créateur de ChatGPT": with "de" and a product, the product's maker
  std::string kind;      // flag kind=K: agrees with entities of gazetteer kind K ("the chipmaker")
  std::string makers;    // flag makers=K: "le fabricant de puces" is of kind K ("puces": chipmaker)
  // flag not=K1|K2: never refers back to an entity of those gazetteer kinds
  // ("la jeune pousse" is no fund and no bank).
  std::vector<std::string> not_kinds;
};

// A currency word or sign of money amounts (lexicon/currencies.tsv).
struct CurrencyForm {
  std::string form;     // "dollars", "€", "US$" (literal, any case)
  std::string code;     // ISO 4217: "USD"
  bool before = false;  // opens the amount: "$13bn"
  bool after = false;   // follows the number: "13 milliards de dollars", "13 $"
};

// A multiplier of money amounts (lexicon/multipliers.tsv).
struct MultiplierForm {
  std::string form;       // "milliards", "bn" (literal, any case)
  double factor = 1;
  double fr_factor = 1;   // in French text ("billion": 1e12)
  bool scale = false;     // also "un milliard de dollars", and "100 milliards" without a currency
  bool sign = false;      // also after a leading sign: "$13bn"
};

class Lexicon {
 public:
  // Loads <corpus_dir>/gazetteers/*.tsv and <corpus_dir>/lexicon/*. Throws
  // RuleError (file:line: message) on a malformed line.
  static Lexicon Load(const std::string& corpus_dir);

  // Adds one surface form of an entry (gazetteer loading and tests).
  void AddEntry(const std::string& name, const std::string& type,
                const std::vector<std::string>& aliases);

  struct Alias {
    std::vector<std::string> tokens;  // folded
    std::vector<bool> capitalised;    // per token: written with a capital in the lexicon
    std::string surface;
    bool exact_case = false;          // short aliases and acronyms
    int entry = 0;
  };
  const std::vector<LexiconEntry>& entries() const { return entries_; }
  const std::vector<Alias>& aliases() const { return aliases_; }
  // An alias as listed under its first token: enough to rule most
  // candidates out without reading the alias itself.
  // (What a match reads is copied in, so that the alias itself is read only
  // in the rarer cases that need its surface.)
  struct AliasStart {
    int alias = 0;        // index into aliases()
    int entry = 0;        // aliases()[alias].entry
    uint32_t words = 0;   // where WordsOf() finds its tokens
    uint32_t tokens = 0;  // aliases()[alias].tokens.size()
    size_t second = 0;    // TokenHash of its second token (0 for one token)
    bool exact_case = false;  // aliases()[alias].exact_case
  };
  static size_t TokenHash(std::string_view folded) { return FoldedHash(folded); }
  // Aliases whose first folded token has TokenHash `first`, longest first: those
  // whose first token is the word hashed, and, should another word have the
  // same hash, its aliases too (a caller compares the tokens). Empty for none.
  // (A filter of bits first: most words start no alias, and are answered
  // without reading the table.)
  std::span<const AliasStart> AliasesStartingWith(size_t first) const {
    const uint64_t mixed = static_cast<uint64_t>(first) * kMixHashes;
    const uint64_t bit = mixed >> first_filter_shift_;
    if ((first_filter_[bit >> 6] >> (bit & 63) & 1) == 0) return {};
    return StartsOf(first, mixed);
  }
  // The tokens of an alias in order (aliases()[a].tokens, and whether each
  // is capitalised: .capitalised), read one after the other from one array
  // where each folded token is followed by a byte that ends it: a candidate's
  // words are compared where its tokens lie together, with no table of where
  // each one is to read first. (A table of the tokens' places, another of
  // their hashes, then their text missed the cache one after the other: perf
  // samples of memcmp in the 10,000-article dry run 850 -> 600.)
  class AliasWords {
   public:
    explicit AliasWords(const char* at) : at_(at) {}
    // Whether the next token is `folded`; if so, moves past it.
    bool Next(std::string_view folded) {
      // (Byte by byte: a byte of `folded` never equals the end byte, so the
      // comparison stops there at the latest.)
      for (size_t i = 0; i < folded.size(); ++i)
        if (at_[i] != folded[i]) return false;
      const char end = at_[folded.size()];
      if (end != kLower && end != kCapitalised) return false;
      capitalised_ = end == kCapitalised;
      at_ += folded.size() + 1;
      return true;
    }
    // Whether the token that Next() moved past is written with a capital in
    // the lexicon.
    bool capitalised() const { return capitalised_; }

   private:
    const char* at_;
    bool capitalised_ = false;
  };
  AliasWords WordsOf(const AliasStart& start) const { return AliasWords(word_texts_.data() + start.words); }
  // Fetches the lexicon entry of `start` into the cache ahead of its reading:
  // the first three lines, what a name found reads of it.
  void PrefetchEntry(const AliasStart& start) const {
    const char* e = reinterpret_cast<const char*>(&entries_[static_cast<size_t>(start.entry)]);
    __builtin_prefetch(e);
    __builtin_prefetch(e + 64);
    __builtin_prefetch(e + 128);
  }

  std::vector<HeadNoun> heads;
  std::unordered_set<std::string> abbreviations;  // "M.", "janv.", "U.S."
  std::vector<std::string> boilerplate_lines;     // re2 patterns, whole line
  std::vector<std::string> boilerplate_cuts;      // re2: this line and the tail
  std::vector<std::string> boilerplate_classes;   // HTML class/id parts of dropped elements ("cookie")
  std::unordered_set<std::string> first_names;    // folded
  std::unordered_set<std::string> non_names;      // capitalised words that start no name
  std::unordered_set<std::string> pronouns;       // "il", "elle", "he", "she" (folded)
  std::unordered_set<std::string> person_pronouns;  // "he", "she" (folded): never an organization
  std::unordered_set<std::string> thing_pronouns;   // "it" (folded): never a person (optional file)
  std::unordered_map<std::string, PlaceAdjective> place_adjectives;  // folded form -> place
  std::unordered_map<std::string, std::string> makers;  // product canonical -> maker canonical (maker=)
  std::vector<std::string> impersonal;            // "il s'agit", "il y a" (ASCII lowered): no person
  std::vector<std::string> speech_verbs;          // re2 fragments
  std::vector<std::string> source_openers;        // re2 fragments: "selon", "according to" before a source
  std::vector<std::string> quote_naming;          // re2 fragments: "nommé", "so-called" before a quoted name
  std::vector<std::string> indefinite_articles;   // "un", "an": after a quote, an unnamed speaker
  // Reporting words, ASCII-lowered, with the spaces they stand between in the
  // text (see their files under lexicon/):
  std::vector<std::string> reporting_tags;    // " said", " a déclaré": after a noun phrase, it reports
  std::vector<std::string> clause_openers;    // " que ", " qu'": between a subject and what it reports
  std::vector<std::string> complementizers;   // " that ", " qu'": open a reported clause
  std::vector<std::string> reporting_verbs;   // " said", " déclaré": a verb of speech after a name
  std::unordered_set<std::string> we_words;       // "nous", "nos", "our" (folded): the speaker's side
  std::unordered_set<std::string> dated_relations;  // "FUNDS": take the date of their sentence
  std::unordered_set<std::string> round_relations;  // "FUNDS": take the amount of the round just raised (optional)
  std::unordered_set<std::string> raise_words;      // "raised", "leve" (folded): a company raising a round (optional)
  std::unordered_set<std::string> quote_openers;
  std::unordered_set<std::string> product_suffixes;  // "ultra", "pro", "mini" (folded): "Blackwell Ultra"
  std::unordered_set<std::string> place_suffixes;    // "county", "valley" (folded): "Milam County"
  std::unordered_set<std::string> org_suffixes;      // "ai", "labs", "inc" (folded): "Scale" = "Scale AI"
  std::unordered_set<std::string> domain_suffixes;   // "ai", "com" (folded): "Qure.ai" is one name
  std::unordered_set<std::string> institution_heads; // "university", "agence" (folded): before a name link
  std::unordered_set<std::string> name_links;        // "of", "de" (folded): "University of Strathclyde"
  std::unordered_set<std::string> name_particles;    // "le", "van", "der" (folded): "Capucine Le Goff"
  std::unordered_set<std::string> person_relatives;  // "who" (folded): "Kamau, who ..." names a person
  std::vector<std::string> adverb_endings;           // "ly", "ment" (folded): "Separately, the company"
  std::unordered_set<std::string> stop_fr, stop_en;  // language detection
  // The grammar of descriptors (see their files under lexicon/):
  std::vector<std::string> determiners;   // "le", "de la", "l'" as written, in file order
  std::vector<std::string> anaphor_determiners;     // "la", "the", "l'" before an anaphoric head, in file order
  std::vector<std::string> apposition_determiners;  // "the", "its", "la" opening an apposition, in file order
  std::vector<std::string> naming_words;  // "du nom de", "baptisée" as written, in file order
  std::unordered_set<std::string> descriptor_stops;  // "par", "which" (folded): end a descriptor
  std::unordered_set<std::string> prepositions;      // "de", "of" (folded): cannot end an apposition
  std::unordered_set<std::string> item_determiners;  // "la", "the" (folded): after "et", a second item
  std::unordered_set<std::string> version_followers;  // "and", "ou" (folded): after a product and a number, a version
  std::unordered_set<std::string> acronym_fillers;   // "de", "of" (folded): skipped in an acronym's initials
  std::unordered_set<std::string> coordinators;      // "et", "and" (folded): join two items
  std::unordered_set<std::string> definite_articles; // "the", "la" (folded): start another description
  std::unordered_set<std::string> genitives;         // "de", "of" (as written): "la plateforme de X"
  // Words as they stand in the text next to a name, spaces included (see
  // their files under lexicon/), in file order:
  std::vector<std::string> genitive_leads;           // " de ", " d'" (genitives.txt): right after a head noun
  std::vector<std::string> list_gaps;                // ", ", " et ", ", and " (coordinators.txt): between list items
  std::vector<std::string> complement_prepositions;  // "by ", "d'": before a complement, not a subject
  std::vector<std::string> partner_prepositions;     // "avec ", "by ": before a partner or an agent
  std::vector<std::string> preposition_determiners;  // "la ", "l'": between such a preposition and the name
  std::vector<std::string> relative_openers;         // ", which ", ", qui ": after a name, open a relative clause
  std::vector<std::string> name_articles;            // "le ", "l'": taken off a name a rule creates
  std::vector<std::string> byline_openers;           // re2 fragments: "par", "auteur\s*:" open an author line
  std::vector<std::string> possessive_markers;       // "'s": right after a possessor's name
  std::vector<std::string> participle_endings;       // "ed", "ée" (lower case): of a past participle
  std::vector<std::string> agent_prepositions;       // " par ", " by ": after a participle, before its agent
  std::vector<std::string> place_modifier_suffixes;  // "-based": "the San Francisco-based start-up"
  std::vector<std::string> person_participles;       // "founded", "créée" (ASCII lowered): "... by" lists people
  std::vector<std::string> subject_verbs;            // " a ", " n'", " said " (ASCII lowered): after a subject
  std::vector<std::string> locative_prepositions;    // " in ", " à " (ASCII lowered): before a place
  std::vector<std::pair<std::string, int>> months;   // "janvier" 1, "janv." 1 (as written, in file order)
  std::vector<std::pair<std::string, int>> day_words;  // "1er" 1 (day_words.tsv; each holds a digit)
  std::vector<std::string> ordinal_suffixes;          // "st", "th": "January 21st"
  // The words of money amounts and their periods (see their files under
  // lexicon/), in file order:
  std::vector<CurrencyForm> currencies;
  std::vector<MultiplierForm> multipliers;
  std::vector<std::string> one_words;               // "un", "a": "un milliard de dollars"
  std::vector<std::string> currency_links;          // "de ", "d'": between an amount and its currency
  std::vector<std::string> count_prepositions;      // " de ", " of ": after an amount, a count of something else
  std::unordered_set<std::string> amount_followers; // "dans", "in" (folded): after a bare amount, still money
  std::vector<std::string> unit_prices;             // "per share" (ASCII-lowered): after money, a price per unit
  std::vector<std::string> duration_prepositions;   // "sur", "over": "sur quatre ans"
  std::vector<std::string> duration_numbers;        // "quatre", "four"
  std::vector<std::string> duration_units;          // "ans", "years"

 private:
  std::vector<LexiconEntry> entries_;
  std::vector<Alias> aliases_;
  void IndexAlias(int idx);  // adds aliases_[idx] to by_first_
  // AddEntry without IndexStarts (Load indexes them once, at the end).
  void AddSurfaces(const std::string& name, const std::string& type, const std::vector<std::string>& aliases);
  // Makes the flat copy of by_first_ that AliasesStartingWith reads.
  void IndexStarts();
  std::span<const AliasStart> StartsOf(size_t first, uint64_t mixed) const;
  // TokenHash of the first token -> its aliases (the hash is the key: a
  // sentence's words are hashed once, for this lookup and the second-token test).
  std::unordered_map<size_t, std::vector<AliasStart>> by_first_;
  // The same lists in one array, found through an open-addressing table of
  // (first hash, where its list begins, how many): a lookup reads a slot and
  // the list, where the map read a bucket, a node and the vector's block.
  static constexpr uint64_t kMixHashes = 0x9e3779b97f4a7c15ull;
  struct StartList {
    size_t first = 0;
    uint32_t begin = 0, count = 0;  // count 0: an empty slot
  };
  // The bytes that end each token in word_texts_ (a folded token holds
  // letters, digits and marks, neither of these).
  static constexpr char kLower = '\0', kCapitalised = '\1';
  std::vector<AliasStart> starts_;
  std::string word_texts_;  // the tokens of each start, in order, each with its end byte
  std::vector<StartList> start_slots_;
  int start_slots_shift_ = 64;
  // One bit per mixed first hash prefix: a word whose bit is clear starts no alias.
  std::vector<uint64_t> first_filter_ = std::vector<uint64_t>(1, 0);
  int first_filter_shift_ = 58;
};

}  // namespace kg::ingest
