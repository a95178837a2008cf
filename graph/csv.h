// CSV: an RFC 4180 reader over a memory-mapped file (quoted fields, doubled
// quotes, embedded newlines, CRLF) and the matching field writer.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graph/error.h"

namespace kg::graph {

struct CsvField {
  std::string_view text;  // unquoted content; valid until the next Next()
  bool quoted = false;    // the field was written between double quotes
};

// Reads records one by one. Not copyable (owns a mapping).
class CsvReader {
 public:
  // Maps `path`; throws Error naming the file when it cannot be read.
  explicit CsvReader(const std::string& path, char delimiter = ',');
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;
  ~CsvReader();

  // Reads the next record. Returns false at the end of the file. Throws Error
  // "FILE:LINE: ..." on malformed quoting. A blank line is skipped.
  bool Next();
  const std::vector<CsvField>& fields() const { return fields_; }
  // Line (1-based) where the current record starts.
  int64_t line() const { return record_line_; }
  const std::string& path() const { return path_; }
  // "FILE:LINE" of the current record, for messages.
  std::string Where() const;

 private:
  std::string path_;
  char delimiter_;
  std::array<bool, 256> stop_{};  // the bytes that end an unquoted field (or are an error in it)
  const char* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  size_t released_ = 0;  // bytes already given back to the kernel
  int64_t line_ = 1;
  int64_t record_line_ = 0;
  std::vector<CsvField> fields_;
  std::string scratch_;  // unescaped text of quoted fields with doubled quotes
  struct ScratchSpan {
    size_t field, offset, length;
  };
  std::vector<ScratchSpan> scratch_spans_;
};

// Appends `text` to `out` as one CSV field: quoted (and quotes doubled) when
// `always_quote` or when it holds a delimiter, quote, CR or LF.
void AppendCsvField(std::string& out, std::string_view text, bool always_quote = false);

}  // namespace kg::graph
