// Text stage: raw bytes of one article -> normalized text plus the metadata
// the document states (title, author, date). Validates UTF-8, applies NFC,
// unifies apostrophes, quotes and spaces, removes HTML/Markdown markup and the
// boilerplate of saved pages (patterns and HTML classes from
// lexicon/boilerplate.txt; lines that are mostly links; the links after a
// closing thematic break).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "ingest/lexicon.h"
#include "ingest/types.h"

#include <re2/re2.h>
#include <re2/set.h>

namespace kg::ingest {

// Guesses the format from the file name, then from the content.
Format GuessFormat(const std::string& path, std::string_view raw);

class DateParser;

class TextCleaner {
 public:
  explicit TextCleaner(const Lexicon& lexicon);
  ~TextCleaner();
  TextCleaner(const TextCleaner&) = delete;
  TextCleaner& operator=(const TextCleaner&) = delete;

  // Throws IngestError when `raw` is empty, binary, invalid UTF-8 or larger
  // than `max_bytes`.
  Document Clean(std::string_view raw, Format format, size_t max_bytes = 16u << 20) const;
  // The date reader it uses for the dates documents state (lexicon months).
  const DateParser& dates() const { return *dates_; }

 private:
  std::unique_ptr<re2::RE2::Set> lines_, cuts_;
  std::unordered_set<std::string> classes_;  // lexicon boilerplate_classes: HTML elements dropped
  std::unique_ptr<re2::RE2> author_line_;
  std::unique_ptr<DateParser> dates_;
};

// Unifies typography: NFC, ’ -> ', “ ” -> ", non-breaking and thin spaces ->
// space, zero-width characters removed, CRLF -> LF.
std::string NormalizeTypography(std::string_view text);

// Words without Tokenize() (ingest/lexicon.h) building tokens, cut the same
// way: WordLength is the length of the word that opens `text` (0 when `text`
// opens with no letter, digit or mark); SkipLength the length of the one
// character that is no part of a word at `text`'s start (1 for a byte that is
// no UTF-8); CountWords is Tokenize(text).size(), or `at_most` when that is
// more (it stops counting there).
size_t WordLength(std::string_view text);
size_t SkipLength(std::string_view text);
size_t CountWords(std::string_view text, size_t at_most = SIZE_MAX);
// Characters of UTF-8 text (the bytes that start one).
size_t CountCharacters(std::string_view text);
// The first of `words` that `text` holds at `at`, as written; null for none
// (or when `at` is past the end).
const std::string* WordAt(std::string_view text, size_t at, const std::vector<std::string>& words);

}  // namespace kg::ingest
