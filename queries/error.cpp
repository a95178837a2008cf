// Query error construction and the caret rendering shared by `kg query`,
// `kg shell` and the golden tests.
#include "queries/error.h"

#include <algorithm>

namespace kg::queries {

SourceSpan SourceSpan::Cover(SourceSpan a, SourceSpan b) {
  if (!a.valid()) return b;
  if (!b.valid()) return a;
  uint32_t start = std::min(a.offset, b.offset);
  uint32_t end = std::max(a.end(), b.end());
  return {start, end - start};
}

QueryError::QueryError(std::string type, std::string detail, std::string message, SourceSpan span)
    : Error(type + (detail.empty() ? "" : " " + detail) + ": " + message),
      type_(std::move(type)),
      detail_(std::move(detail)),
      message_(std::move(message)),
      span_(span) {}

namespace {

bool IsContinuationByte(unsigned char c) { return (c & 0xC0) == 0x80; }

// Number of code points in s[from, to).
size_t CodePoints(std::string_view s, size_t from, size_t to) {
  size_t n = 0;
  for (size_t i = from; i < to && i < s.size(); ++i)
    if (!IsContinuationByte(static_cast<unsigned char>(s[i]))) ++n;
  return n;
}

// Byte offset after skipping `n` code points from `from`.
size_t SkipCodePoints(std::string_view s, size_t from, size_t n) {
  size_t i = from;
  while (i < s.size() && n > 0) {
    ++i;
    while (i < s.size() && IsContinuationByte(static_cast<unsigned char>(s[i]))) ++i;
    --n;
  }
  return i;
}

}  // namespace

std::string RenderQueryError(std::string_view query, const QueryError& error) {
  std::string out = "kg: " + error.type();
  if (!error.detail().empty()) out += " (" + error.detail() + ")";
  out += ": " + error.message();
  SourceSpan span = error.span();
  if (!span.valid() || span.offset > query.size()) return out + "\n";
  size_t offset = span.offset;
  size_t line_start = query.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = (line_start == std::string_view::npos || offset == 0) ? 0 : line_start + 1;
  if (offset > 0 && query[offset - 1] == '\n') line_start = offset;
  size_t line_end = query.find('\n', offset);
  if (line_end == std::string_view::npos) line_end = query.size();
  int line_no = 1 + static_cast<int>(std::count(query.begin(), query.begin() + line_start, '\n'));
  bool multi_line = query.find('\n') < query.size() - (query.ends_with('\n') ? 1 : 0);
  size_t column = CodePoints(query, line_start, offset);
  size_t span_end = std::min<size_t>(span.end(), line_end);
  size_t width = std::max<size_t>(1, CodePoints(query, offset, span_end));
  out += " at " + std::to_string(line_no) + ":" + std::to_string(column + 1) + "\n";

  // Keep a window of about 100 code points around the span.
  constexpr size_t kWindow = 100;
  size_t skip = column > kWindow / 2 ? column - kWindow / 2 : 0;
  size_t shown_start = SkipCodePoints(query, line_start, skip);
  size_t shown_end = SkipCodePoints(query, shown_start, kWindow);
  shown_end = std::min(shown_end, line_end);
  std::string prefix = multi_line ? "LINE " + std::to_string(line_no) + ": " : "  ";
  std::string ellipsis_left = skip > 0 ? "..." : "";
  out += prefix + ellipsis_left + std::string(query.substr(shown_start, shown_end - shown_start)) +
         (shown_end < line_end ? "..." : "") + "\n";
  size_t caret_col = prefix.size() + ellipsis_left.size() + (column - skip);
  width = std::min(width, kWindow);
  out += std::string(caret_col, ' ') + std::string(width, '^') + "\n";
  return out;
}

}  // namespace kg::queries
