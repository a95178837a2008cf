// Normalization through utf8proc: NFKD + strip marks + case fold, then
// punctuation and white space runs become one space.
#include "graph/normalize.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace kg::graph {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

namespace {
// For ASCII text the utf8proc mapping below is lower-casing alone (no
// compatibility decomposition, mark or ignorable character applies), and the
// word characters are [A-Za-z0-9_]: the same result without decoding.
std::string NormalizeAscii(std::string_view name) {
  // Written in place: the result is never longer than the name (a space
  // stands for at least one character).
  std::string out(name.size(), '\0');
  char* o = out.data();
  size_t used = 0;
  bool pending_space = false;
  for (char c : name) {
    bool upper = c >= 'A' && c <= 'Z';
    bool word = upper || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!word) {
      pending_space = true;
      continue;
    }
    if (pending_space && used > 0) o[used++] = ' ';
    pending_space = false;
    o[used++] = upper ? static_cast<char>(c - 'A' + 'a') : c;
  }
  out.resize(used);
  return out;
}
}  // namespace

std::string NormalizeNameByUtf8proc(std::string_view name) {
  utf8proc_uint8_t* folded = nullptr;
  auto options = static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                                                 UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD |
                                                 UTF8PROC_IGNORE);
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(name.data()),
                                    static_cast<utf8proc_ssize_t>(name.size()), &folded, options);
  std::string in;
  if (n < 0) {
    // Invalid UTF-8: keep the ASCII bytes only.
    for (char c : name)
      if (static_cast<unsigned char>(c) < 0x80) in += static_cast<char>(std::tolower(c));
  } else {
    in.assign(reinterpret_cast<char*>(folded), static_cast<size_t>(n));
  }
  std::free(folded);

  // Letters and digits are kept; every other run of characters becomes one space.
  std::string out;
  out.reserve(in.size());
  bool pending_space = false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(in.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(in.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p, left, &cp);
    if (len <= 0) break;
    auto cat = utf8proc_category(cp);
    bool word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) || cp == '_';
    if (word) {
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out.append(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
    } else {
      pending_space = true;
    }
    p += len;
    left -= len;
  }
  return out;
}

namespace {

// The normalized form of each character below U+0800 (one or two UTF-8
// bytes) within a name, laid end to end: character cp's is
// pool.substr(at[cp], at[cp + 1] - at[cp]). utf8proc maps each character on
// its own (compatibility decomposition, case folding, marks and ignorables
// removed, nothing composed), so the mapping of a name is the concatenation
// of its characters' mappings; a piece keeps the letters and digits of a
// character's mapping and has one space for each run of other characters,
// at its ends too. A name's normalized form is then its pieces joined, with
// each run of spaces one space and none at the ends.
struct ShortPieces {
  std::string pool;
  std::vector<uint32_t> at;
};

const ShortPieces& Pieces() {
  static const ShortPieces pieces = [] {
    ShortPieces t;
    t.at.reserve(0x801);
    for (uint32_t cp = 0; cp < 0x800; ++cp) {
      t.at.push_back(static_cast<uint32_t>(t.pool.size()));
      if (cp == 0) continue;  // (never used: a NUL goes through utf8proc)
      // "x" + c + "x" normalizes to "x", a piece without its spaces, "x": the
      // letters keep the spaces at the piece's ends.
      std::string name = "x";
      if (cp < 0x80) {
        name += static_cast<char>(cp);
      } else {
        name += static_cast<char>(0xC0 | (cp >> 6));
        name += static_cast<char>(0x80 | (cp & 0x3F));
      }
      name += 'x';
      std::string n = NormalizeNameByUtf8proc(name);
      // n is "x" + piece + "x" with the piece's end spaces single; without
      // letters around it a piece of only separators is " ".
      t.pool.append(n, 1, n.size() - 2);
    }
    t.at.push_back(static_cast<uint32_t>(t.pool.size()));
    return t;
  }();
  return pieces;
}

}  // namespace

std::string NormalizeName(std::string_view name) {
  if (std::all_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return NormalizeAscii(name);
  // Characters of one and two bytes (Latin, Greek, Cyrillic, ...): by their
  // pieces; a name with others, or with bytes that are not UTF-8, through
  // utf8proc.
  const ShortPieces& pieces = Pieces();
  std::string out;
  out.reserve(name.size());
  bool pending_space = false;
  const auto* p = reinterpret_cast<const unsigned char*>(name.data());
  const size_t n = name.size();
  for (size_t i = 0; i < n;) {
    size_t cp;
    const unsigned char c = p[i];
    if (c >= 0x01 && c < 0x80) {
      cp = c;
      ++i;
    } else if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
      cp = (static_cast<size_t>(c & 0x1F) << 6) | (p[i + 1] & 0x3F);
      i += 2;
    } else {
      return NormalizeNameByUtf8proc(name);
    }
    for (uint32_t k = pieces.at[cp]; k < pieces.at[cp + 1]; ++k) {
      const char b = pieces.pool[k];
      if (b == ' ') {
        pending_space = true;
        continue;
      }
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out += b;
    }
  }
  return out;
}

}  // namespace kg::graph
