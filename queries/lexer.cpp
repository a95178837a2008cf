// Lexer implementation: one pass over the bytes; UTF-8 passes through
// identifiers and strings untouched.
#include "queries/lexer.h"

#include <cctype>

namespace kg::queries {

namespace {

bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentPart(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

SourceSpan Span(size_t from, size_t to) {
  return {static_cast<uint32_t>(from), static_cast<uint32_t>(to - from)};
}

}  // namespace

std::vector<Token> Lex(std::string_view s) {
  std::vector<Token> tokens;
  size_t i = 0;
  auto fail = [&](const std::string& msg, size_t from, size_t to) {
    throw QueryError("SyntaxError", "UnexpectedSyntax", msg, Span(from, to));
  };
  while (true) {
    while (i < s.size()) {
      unsigned char c = s[i];
      if (std::isspace(c)) {
        ++i;
      } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
        while (i < s.size() && s[i] != '\n') ++i;
      } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
        size_t end = s.find("*/", i + 2);
        if (end == std::string_view::npos) fail("unterminated comment", i, i + 2);
        i = end + 2;
      } else {
        break;
      }
    }
    if (i >= s.size()) break;
    size_t start = i;
    unsigned char c = s[i];
    if (IsIdentStart(c)) {
      while (i < s.size() && IsIdentPart(static_cast<unsigned char>(s[i]))) ++i;
      tokens.push_back({TokenKind::kIdentifier, std::string(s.substr(start, i - start)), Span(start, i)});
      continue;
    }
    if (c == '`') {
      std::string name;
      ++i;
      while (true) {
        if (i >= s.size()) fail("unterminated `quoted name`", start, i);
        if (s[i] == '`') {
          if (i + 1 < s.size() && s[i + 1] == '`') {
            name += '`';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        name += s[i++];
      }
      Token t{TokenKind::kIdentifier, name, Span(start, i)};
      t.quoted = true;
      tokens.push_back(std::move(t));
      continue;
    }
    if (c == '$') {
      ++i;
      size_t name_start = i;
      if (i < s.size() && s[i] == '`') {
        size_t end = s.find('`', i + 1);
        if (end == std::string_view::npos) fail("unterminated parameter name", start, s.size());
        tokens.push_back({TokenKind::kParameter, std::string(s.substr(i + 1, end - i - 1)), Span(start, end + 1)});
        i = end + 1;
        continue;
      }
      while (i < s.size() && IsIdentPart(static_cast<unsigned char>(s[i]))) ++i;
      if (i == name_start) fail("expected a parameter name after $", start, i);
      tokens.push_back({TokenKind::kParameter, std::string(s.substr(name_start, i - name_start)), Span(start, i)});
      continue;
    }
    if (std::isdigit(c) || (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      bool is_float = false;
      if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X' || s[i + 1] == 'o' || s[i + 1] == 'O')) {
        i += 2;
        while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
      } else {
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        if (i < s.size() && s[i] == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
          is_float = true;
          ++i;
          while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        }
        if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
          size_t j = i + 1;
          if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
          if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
            is_float = true;
            i = j;
            while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
          }
        }
        // A letter glued to a number (123abc) is not a number.
        if (i < s.size() && IsIdentStart(static_cast<unsigned char>(s[i]))) {
          while (i < s.size() && IsIdentPart(static_cast<unsigned char>(s[i]))) ++i;
          throw QueryError("SyntaxError", "InvalidNumberLiteral", "invalid number literal", Span(start, i));
        }
      }
      tokens.push_back({is_float ? TokenKind::kFloat : TokenKind::kInteger, std::string(s.substr(start, i - start)), Span(start, i)});
      continue;
    }
    if (c == '\'' || c == '"') {
      char quote = static_cast<char>(c);
      std::string value;
      ++i;
      while (true) {
        if (i >= s.size()) fail("unterminated string", start, s.size());
        char d = s[i];
        if (d == quote) {
          ++i;
          break;
        }
        if (d == '\\') {
          if (i + 1 >= s.size()) fail("unterminated string", start, s.size());
          char e = s[i + 1];
          size_t esc_start = i;
          i += 2;
          switch (e) {
            case '\\': value += '\\'; break;
            case '\'': value += '\''; break;
            case '"': value += '"'; break;
            case 'n': value += '\n'; break;
            case 't': value += '\t'; break;
            case 'r': value += '\r'; break;
            case 'b': value += '\b'; break;
            case 'f': value += '\f'; break;
            case 'u':
            case 'U': {
              size_t digits = e == 'u' ? 4 : 8;
              if (i + digits > s.size()) fail("bad unicode escape", esc_start, s.size());
              uint32_t cp = 0;
              for (size_t k = 0; k < digits; ++k) {
                char h = s[i + k];
                if (!std::isxdigit(static_cast<unsigned char>(h)))
                  throw QueryError("SyntaxError", "InvalidUnicodeLiteral", "bad unicode escape", Span(esc_start, i + k + 1));
                cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
              }
              i += digits;
              AppendUtf8(value, cp);
              break;
            }
            default:
              value += '\\';
              value += e;
          }
          continue;
        }
        value += d;
        ++i;
      }
      tokens.push_back({TokenKind::kString, value, Span(start, i)});
      continue;
    }
    // Symbols: longest match first.
    static const char* const kSymbols[] = {"..", "<>", "!=", "<=", ">=", "=~", "+=", "(", ")", "[", "]", "{", "}",
                                           ",", ".", ":", "|", ";", "+", "-", "*", "/", "%", "^", "=", "<", ">"};
    bool matched = false;
    for (const char* sym : kSymbols) {
      std::string_view sv(sym);
      if (s.substr(i, sv.size()) == sv) {
        tokens.push_back({TokenKind::kSymbol, std::string(sv), Span(i, i + sv.size())});
        i += sv.size();
        matched = true;
        break;
      }
    }
    if (!matched) {
      size_t end = i + 1;
      while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
      fail("unexpected character '" + std::string(s.substr(i, end - i)) + "'", i, end);
    }
  }
  tokens.push_back({TokenKind::kEnd, "", Span(s.size(), s.size())});
  return tokens;
}

}  // namespace kg::queries
