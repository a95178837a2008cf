// Quote stage: finds « », " " quotes in a sentence (the splitter keeps a quote
// that spans sentence ends in one sentence), tells a person's words from
// names and scare quotes ("Stargate", "philosophie libérale"), and attributes
// each quote to its speaker ("X a déclaré : «…»", "«…», a dit X", "selon X",
// "the reactions of X: "…"", a sentence-initial pronoun).
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "ingest/lexicon.h"
#include "ingest/types.h"

namespace re2 {
class RE2;
}

namespace kg::ingest {

struct QuoteSpan {
  size_t open = 0, close = 0;  // the marks, [open, close)
  size_t begin = 0, end = 0;   // the quoted text
};

// Quote spans of sentence `s`, in order.
std::vector<QuoteSpan> FindQuotes(std::string_view text, const Sentence& s);

class QuoteAttributor {
 public:
  explicit QuoteAttributor(const Lexicon& lexicon);
  ~QuoteAttributor();
  QuoteAttributor(const QuoteAttributor&) = delete;
  QuoteAttributor& operator=(const QuoteAttributor&) = delete;

  // Quotes of a person in sentence `si`. `focus` gives the person in focus
  // before a byte offset (for quotes with no speaker in the sentence, and
  // for a speaker named by a definite description: "», a martelé le
  // président"). `entities` are the document's entities so far: a speaker
  // named by a surname alone ("Shamgunov wrote") is the person whose name
  // ends with it.
  std::vector<QuoteRecord> Attribute(std::string_view text, const Sentence& s, size_t si,
                                     const std::vector<Mention>& mentions,
                                     const std::vector<EntityRecord>& entities,
                                     const std::function<int(size_t)>& focus) const;

 private:
  // The entity a one-word name at [begin, end) of `text` stands for as a
  // surname: a person whose name ends with it, else a name of two or three
  // words ending with it; -1 for none (or when `own` is such a person).
  int SurnameOwner(std::string_view text, size_t begin, size_t end, int own,
                   const std::vector<EntityRecord>& entities) const;

  std::unique_ptr<re2::RE2> naming_, after_verb_, after_name_verb_, short_intro_, indefinite_subject_, source_before_;
  const Lexicon& lex_;
};

}  // namespace kg::ingest
