// Lexer: splits query text into Tokens, each with its byte span. Knows no
// grammar: keywords are identifiers that the parser compares case-insensitively.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "queries/error.h"

namespace kg::queries {

enum class TokenKind {
  kIdentifier,        // name or `quoted name`; text holds the unquoted name
  kInteger,           // text holds the digits as written (0x.., 0o.. too)
  kFloat,
  kString,            // text holds the decoded string
  kParameter,         // $name; text holds name
  kSymbol,            // punctuation/operator; text holds it: ( ) [ ] { } , . .. : | ; + - * / % ^ = <> != < > <= >= =~ +=
  kEnd,
};

struct Token {
  TokenKind kind;
  std::string text;
  SourceSpan span;
  bool quoted = false;  // identifier was `back-quoted`
};

// Throws QueryError(SyntaxError) on an unterminated string or comment, a bad
// escape, or a character that starts no token.
std::vector<Token> Lex(std::string_view text);

}  // namespace kg::queries
