// The pipeline over the repository's corpus/ (lexicons, gazetteers, rules),
// loaded once per test process, for the ingest tests that run whole texts.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "ingest/pipeline.h"

namespace kg::ingest::testing {

inline const Pipeline& CorpusPipeline() {
  static Pipeline p(KG_SOURCE_DIR "/corpus");
  return p;
}

// The repository's rule macros (corpus/rules/macros.rules), to put before
// the rules of a test that uses {det} or a list slot.
inline std::string CorpusMacros() {
  std::ifstream in(KG_SOURCE_DIR "/corpus/rules/macros.rules");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str() + "\n";
}

// `text` through the whole pipeline as a plain-text article in `lang`.
inline Extraction ExtractText(const std::string& text, const std::string& lang) {
  Document d;
  d.text = text;
  d.lang = lang;
  return CorpusPipeline().ExtractDocument(d);
}

}  // namespace kg::ingest::testing
