// A scratch copy of the repository's lexicons and gazetteers in a temporary
// directory, for tests that show a word list taking effect: they append to
// (or rewrite) one of its files and load the copy again. It has no rules
// unless a test writes some. Removed at the end of the test.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ingest/pipeline.h"

namespace kg::ingest::testing {

class ScratchCorpus {
 public:
  explicit ScratchCorpus(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::filesystem::copy(KG_SOURCE_DIR "/corpus/lexicon", dir_ / "lexicon");
    std::filesystem::copy(KG_SOURCE_DIR "/corpus/gazetteers", dir_ / "gazetteers");
  }
  ~ScratchCorpus() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchCorpus(const ScratchCorpus&) = delete;
  ScratchCorpus& operator=(const ScratchCorpus&) = delete;

  std::string path() const { return dir_.string(); }
  // Adds `line` (and a newline) at the end of lexicon/`file`.
  void Append(const std::string& file, const std::string& line) const {
    std::ofstream out(dir_ / "lexicon" / file, std::ios::app);
    out << line << "\n";
  }
  // Replaces lexicon/`file` with `content`.
  void Write(const std::string& file, const std::string& content) const {
    std::ofstream(dir_ / "lexicon" / file) << content;
  }
  // `text` through a pipeline loaded from the copy, as an article in `lang`.
  Extraction Extract(const std::string& text, const std::string& lang) const {
    Pipeline p(path());
    Document d;
    d.text = text;
    d.lang = lang;
    return p.ExtractDocument(d);
  }
  // Writes rules/`file` (the copy has no rules until one is written).
  void WriteRules(const std::string& file, const std::string& content) const {
    std::filesystem::create_directories(dir_ / "rules");
    std::ofstream(dir_ / "rules" / file) << content;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace kg::ingest::testing
