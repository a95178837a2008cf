// Name normalization for the alias index: Unicode decomposition, accents
// removed, case folded, apostrophes unified, punctuation folded to spaces.
#pragma once

#include <string>
#include <string_view>

namespace kg::graph {

// "L’Élysée" and "l'elysee" give the same key. Invalid UTF-8 bytes are dropped.
std::string NormalizeName(std::string_view name);
// NormalizeName computed through utf8proc for every name: what NormalizeName
// answers from tables for ASCII and two-byte characters (tests compare them).
std::string NormalizeNameByUtf8proc(std::string_view name);

// Levenshtein distance over bytes, for "did you mean" suggestions.
size_t EditDistance(std::string_view a, std::string_view b);

// True when `text` is valid UTF-8.
bool IsValidUtf8(std::string_view text);

}  // namespace kg::graph
