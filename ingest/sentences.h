// Sentence stage: splits normalized text into sentences, French and English.
// Abbreviations come from lexicon/abbreviations.txt; decimal commas and points,
// ellipses inside a sentence, and quotes spanning a sentence end are kept in
// one sentence. Every line break ends a sentence.
#pragma once

#include <string_view>
#include <vector>

#include "ingest/lexicon.h"
#include "ingest/types.h"

namespace kg::ingest {

// Sentences of `text`, in order, trimmed, never empty; offsets into `text`.
std::vector<Sentence> SplitSentences(std::string_view text, const Lexicon& lexicon);

}  // namespace kg::ingest
