// The pipeline over the repository's corpus/ (lexicons, gazetteers, rules),
// loaded once per test process, for the ingest tests that run whole texts.
#pragma once

#include <string>

#include "ingest/pipeline.h"

namespace kg::ingest::testing {

inline const Pipeline& CorpusPipeline() {
  static Pipeline p(KG_SOURCE_DIR "/corpus");
  return p;
}

// `text` through the whole pipeline as a plain-text article in `lang`.
inline Extraction ExtractText(const std::string& text, const std::string& lang) {
  Document d;
  d.text = text;
  d.lang = lang;
  return CorpusPipeline().ExtractDocument(d);
}

}  // namespace kg::ingest::testing
