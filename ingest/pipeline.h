// Ingest pipeline front door: raw article -> text -> sentences -> values and
// entities -> resolution -> relation rules and quotes -> Extraction, which
// GraphWriter (ingest/store_writer.h) stores. Load once, extract many: every
// pattern and lexicon is compiled in the constructor. Extract() is const and
// keeps no state between documents.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "ingest/lexicon.h"
#include "ingest/rules.h"
#include "ingest/store_writer.h"
#include "ingest/types.h"

namespace kg::ingest {

class TextCleaner;
class ValueFinder;
class Recognizer;
class QuoteAttributor;

struct DocOptions {
  std::string lang = "auto";  // fr, en or auto
  std::optional<std::string> title, url, date, path;
  size_t max_bytes = 16u << 20;
};

class Pipeline {
 public:
  // Loads <corpus_dir>/gazetteers, lexicon and rules. Throws RuleError.
  explicit Pipeline(const std::string& corpus_dir);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Throws IngestError for bad input (empty, binary, invalid UTF-8, too large).
  Extraction Extract(std::string_view raw, Format format, const DocOptions& options) const;
  // Runs the stages after cleaning on `doc`. `given` (rule examples) replaces
  // the lexicon lookup with marked mentions.
  Extraction ExtractDocument(Document doc, const std::vector<Mention>* given = nullptr) const;

  // Sentence by sentence: the text with [entities], then each relation and
  // quote with the rule that produced it.
  std::string Explain(const Extraction& ex, bool views = false) const;

  const Lexicon& lexicon() const { return lexicon_; }
  const RuleSet& rules() const { return rules_; }

  // $KG_CORPUS, else the corpus/ directory of the source tree kg was built from.
  static std::string DefaultCorpusDir();
  // "fr" or "en" from the function words of the text's first 8,000 bytes.
  std::string DetectLanguage(std::string_view text) const;
  // The same, given the words of `text` (Tokenize(text)).
  std::string DetectLanguage(std::string_view text, std::span<const Token> words) const;

 private:
  // A relationship of an extraction: its type and its two entities (in
  // order, either way round for a symmetric type). One named end of a
  // relationship: its type, the side (true: the source) and the entity.
  using RelationKey = std::tuple<std::string, int, int>;
  // (An EndKey views the type of a rule's emit, which the pipeline keeps.)
  using EndKey = std::tuple<std::string_view, bool, int>;
  // (A type the rules declare symmetric keys its entities in order.)
  RelationKey RelKey(const std::string& type, int a, int b) const;
  // Entity `e` is the named `side` ("src"/"dst") of a relationship of `type`.
  static EndKey EndKeyOf(std::string_view type, std::string_view side, int e);
  void DropReplacedGuesses(Extraction& ex, size_t first_new, const std::map<size_t, std::string>& guessed,
                           const std::vector<EndKey>& explicit_ends, std::map<RelationKey, size_t>& rel_index) const;
  void DateRelations(Extraction& ex) const;
  // A round's investors named after it ("X raised $40 million. Y led the
  // round.") take its amount (see the .cpp).
  void RoundAmounts(Extraction& ex) const;
  void LinkQuotesToContext(Extraction& ex) const;
  static std::vector<int> SpeakerSide(const Extraction& ex, int speaker);
  static int TopicBefore(const Extraction& ex, size_t last, const std::vector<int>& exclude);
  // Adds the French (`fr`) and English (`en`) function words among `words`.
  void CountFunctionWords(std::span<const Token> words, int& fr, int& en) const;

  Lexicon lexicon_;
  RuleSet rules_;
  std::unique_ptr<TextCleaner> cleaner_;
  std::unique_ptr<ValueFinder> values_;
  std::unique_ptr<Recognizer> recognizer_;
  std::unique_ptr<QuoteAttributor> quotes_;
  // The function words of DetectLanguage (lexicon_.stop_fr, stop_en): one
  // bit per prefix of their hashes (Token::hash); a word whose bit is clear
  // is no function word.
  std::vector<uint64_t> stop_filter_;
  int stop_filter_shift_ = 64;
  // The function words by Token::hash, with bit 1 French and bit 2
  // English, in an open-addressing table (bits 0: an empty slot).
  struct StopSlot {
    uint64_t hash = 0;
    std::string_view word;
    unsigned char bits = 0;
  };
  std::vector<StopSlot> stop_slots_;
  int stop_slot_shift_ = 64;
};

}  // namespace kg::ingest
