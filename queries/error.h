// Query errors: what went wrong, the openCypher TCK classification
// (type + detail code), and the span of query text to blame.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "graph/error.h"

namespace kg::queries {

// A byte range of the query text. length 0 with offset kNoOffset = unknown.
struct SourceSpan {
  static constexpr uint32_t kNoOffset = 0xFFFFFFFFu;
  uint32_t offset = kNoOffset;
  uint32_t length = 0;
  bool valid() const { return offset != kNoOffset; }
  uint32_t end() const { return offset + length; }
  // The smallest span covering both.
  static SourceSpan Cover(SourceSpan a, SourceSpan b);
};

// Thrown by every stage. `type` is a TCK error type (SyntaxError,
// SemanticError, TypeError, ArgumentError, ...); `detail` a TCK detail code
// (UndefinedVariable, InvalidArgumentType, ...) or empty.
class QueryError : public Error {
 public:
  QueryError(std::string type, std::string detail, std::string message, SourceSpan span = {});
  const std::string& type() const { return type_; }
  const std::string& detail() const { return detail_; }
  const std::string& message() const { return message_; }
  SourceSpan span() const { return span_; }

 private:
  std::string type_, detail_, message_;
  SourceSpan span_;
};

// For people: the message, then the offending line with carets under the
// span (columns counted in code points; `LINE n:` for multi-line queries;
// long lines trimmed to a window around the span).
std::string RenderQueryError(std::string_view query, const QueryError& error);

}  // namespace kg::queries
