// Normalization through utf8proc: NFKD + strip marks + case fold, then
// punctuation and white space runs become one space.
#include "graph/normalize.h"

#include <utf8proc.h>

#include <algorithm>
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
  std::string out;
  out.reserve(name.size());
  bool pending_space = false;
  for (char c : name) {
    bool upper = c >= 'A' && c <= 'Z';
    bool word = upper || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!word) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out += upper ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}
}  // namespace

std::string NormalizeName(std::string_view name) {
  if (std::all_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return NormalizeAscii(name);
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

}  // namespace kg::graph
