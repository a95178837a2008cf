// Plain data passed between the ingest stages: the cleaned document, its
// sentences, the mentions found in them, and the facts extracted.
// Every offset is a byte offset into Document::text (the normalized text).
#pragma once

#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/error.h"
#include "graph/value.h"

namespace kg::ingest {

// Thrown when one input cannot be ingested (empty, binary, invalid UTF-8,
// too large, unreadable). The batch reports it and goes on.
class IngestError : public Error {
 public:
  using Error::Error;
};

// Thrown when a data file (rules, lexicon) is malformed; the message starts
// with file:line:col.
class RuleError : public Error {
 public:
  using Error::Error;
};

// Whether `text` is `word`: the stages' tests of a field such as
// Mention::type against a literal ("Organization"). Always inlined, so that
// the literal's size makes the comparison a few instructions; in the stages'
// large functions GCC called std::operator== out of line, and it called
// memcmp (about 1,500 calls per bench article).
[[gnu::always_inline]] inline bool Is(std::string_view text, std::string_view word) {
  return text.size() == word.size() && std::memcmp(text.data(), word.data(), word.size()) == 0;
}

enum class Format { kText, kMarkdown, kHtml };

struct Document {
  std::string text;  // normalized (NFC, unified quotes/spaces, boilerplate removed)
  std::optional<std::string> title, author, published, url, lang, path;
};

struct Sentence {
  size_t begin = 0, end = 0;  // [begin, end) into Document::text
};

enum class MentionSource {
  kGazetteer,   // matched a lexicon entry
  kDiscovered,  // unknown name typed by a signal (descriptor, acronym, ...)
  kCandidate,   // capitalised name without a typing signal (weak)
  kDemonym,     // nationality adjective standing for a country (weak)
  kAnaphor,     // "la société", "le projet": refers back to an entity
  kPronoun,     // sentence-initial "Il", "He"
  kValue,       // money, date, number
};

// One recognised span in a sentence.
struct Mention {
  size_t begin = 0, end = 0;  // the name itself
  size_t outer_begin = 0;     // start of the descriptor/apposition ("la société OpenAI")
  std::string type;           // Person ... Event, or Money, Date, Number
  MentionSource source = MentionSource::kCandidate;
  std::string surface;        // the text of [begin, end)
  std::string canonical;      // lexicon name, or the surface for discovered names
  std::string descriptor;     // "la société d'investissement japonaise" (may be empty)
  std::string head;           // descriptor head noun ("start-up")
  std::string country;        // country named by a demonym in the descriptor
  bool country_stated = false;  // `country` was named by the description: a nationality ("la société chinoise") or a city's adjective
  std::string place;          // place named in the descriptor ("la start-up parisienne", "le groupe de Redmond")
  std::string kind;           // gazetteer kind, or the kind a head noun names ("the chipmaker")
  const std::vector<std::string>* not_kinds = nullptr;  // kinds the head noun never refers to (flag not=)
  std::string made;           // "le créateur de ChatGPT": the product whose maker is meant
  std::string signal;         // what found it (for --explain)
  bool nested = false;        // a name inside a longer lexicon name ("décret de [Joe Biden]")
  int entity = -1;            // index into Extraction::entities once resolved
  // Values.
  double amount = 0;           // Money: in units of `currency`; Number: the number
  std::string currency;        // ISO 4217 code
  bool currency_inferred = false;
  std::string iso_date;        // Date
  std::string period;          // "sur quatre ans" following an amount
};

struct EntityRecord {
  std::string name;  // canonical
  std::string type;
  std::vector<std::string> aliases;  // surface forms and descriptors, unique
  std::string country;                // from a descriptor or demonym
  std::vector<std::string> heads;     // descriptor head nouns seen
  std::vector<std::string> places;    // where it is based: gazetteer city, place adjectives of its descriptors
  std::string kind;                   // gazetteer kind ("chipmaker")
  bool strong = false;                // becomes a node
  bool repeated = false;              // a capitalised candidate written again so far (not after "in")
  size_t first_sentence = 0, first_begin = 0, first_end = 0;
  std::string signal;
};

struct RelationRecord {
  int src = -1, dst = -1;  // entity indexes
  std::string type;
  graph::Properties props;
  std::string rule;
  std::vector<std::string> other_rules;  // rules that found the same fact again
  size_t sentence = 0, span_begin = 0, span_end = 0;
};

struct QuoteRecord {
  std::string text;
  size_t sentence = 0, begin = 0, end = 0;  // span of the quoted text
  int speaker = -1;
  std::vector<int> about;
  std::string rule;
};

// Everything extracted from one document.
struct Extraction {
  Document doc;
  std::vector<Sentence> sentences;
  std::vector<std::vector<Mention>> mentions;  // per sentence, sorted by begin
  std::vector<EntityRecord> entities;
  std::vector<RelationRecord> relations;
  std::vector<QuoteRecord> quotes;
};

}  // namespace kg::ingest
