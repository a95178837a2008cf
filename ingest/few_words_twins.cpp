#include "ingest/few_words_twins.h"

#include <algorithm>

#include "ingest/lexicon.h"
#include "ingest/pattern_twins.h"

namespace kg::ingest {

void WordAlternatives::Add(std::string_view text) {
  Alternative a;
  a.quoted = re2::RE2::QuoteMeta(re2::StringPiece(text.data(), text.size()));
  for (auto& t : Tokenize(text)) a.words.push_back(std::move(t.folded));
  alternatives_.push_back(std::move(a));
}

void WordAlternatives::SortLongestFirst() {
  std::stable_sort(alternatives_.begin(), alternatives_.end(),
                   [](const Alternative& a, const Alternative& b) { return a.quoted.size() > b.quoted.size(); });
  by_first_word_.clear();
  wordless_.clear();
  for (uint32_t i = 0; i < alternatives_.size(); ++i) {
    if (alternatives_[i].words.empty()) wordless_.push_back(i);
    else by_first_word_[alternatives_[i].words[0]].push_back(i);
  }
}

std::string WordAlternatives::Pattern() const {
  std::vector<uint32_t> all(alternatives_.size());
  for (uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  return Pattern(all);
}

std::string WordAlternatives::Pattern(const std::vector<uint32_t>& which) const {
  std::vector<std::string> quoted;
  for (uint32_t i : which) quoted.push_back(alternatives_[i].quoted);
  return JoinAlternatives(quoted, "\\x00");
}

std::vector<uint32_t> WordAlternatives::In(const std::vector<std::string>& words) const {
  std::vector<uint32_t> out = wordless_;
  for (const auto& w : words) {
    auto it = by_first_word_.find(w);
    if (it == by_first_word_.end()) continue;
    for (uint32_t i : it->second) {
      const auto& need = alternatives_[i].words;
      bool all = true;
      for (size_t k = 1; k < need.size() && all; ++k) all = std::find(words.begin(), words.end(), need[k]) != words.end();
      if (all) out.push_back(i);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

FewWordsTwins::FewWordsTwins(std::vector<std::string> texts, std::vector<const WordAlternatives*> alternations,
                             re2::RE2::Options options)
    : texts_(std::move(texts)), alternations_(std::move(alternations)), options_(std::move(options)) {
  // Word boundaries, and ^ and $ of lines (flag m, or POSIX syntax without
  // one_line), look at the text around a match. (Conservative: an escaped
  // backslash before a b, or an m among the flags of any group, counts too.)
  const std::string p = Pattern();
  context_free_ = !(options_.posix_syntax() && !options_.one_line()) && p.find("\\b") == std::string::npos &&
                  p.find("\\B") == std::string::npos;
  for (size_t i = p.find("(?"); context_free_ && i != std::string::npos; i = p.find("(?", i + 2))
    for (size_t k = i + 2; k < p.size() && p[k] != ':' && p[k] != ')'; ++k)
      if (p[k] == 'm') context_free_ = false;
}

std::string FewWordsTwins::Pattern() const {
  std::string p = texts_[0];
  for (size_t i = 0; i < alternations_.size(); ++i) p += alternations_[i]->Pattern() + texts_[i + 1];
  return p;
}

const re2::RE2* FewWordsTwins::For(std::string_view match, bool narrow) const {
  std::vector<std::string> words;
  for (auto& t : Tokenize(match)) words.push_back(std::move(t.folded));
  std::vector<std::vector<uint32_t>> which;
  std::string key(1, narrow ? 'n' : 'w');
  for (const auto* alternation : alternations_) {
    which.push_back(alternation->In(words));
    auto n = static_cast<uint32_t>(which.back().size());
    key.append(reinterpret_cast<const char*>(&n), sizeof n);
    key.append(reinterpret_cast<const char*>(which.back().data()), n * sizeof(uint32_t));
  }
  std::lock_guard<std::mutex> lock(mu_);
  Twin& twin = twins_[key];
  if (twin.uses < kCompileAfterUses && ++twin.uses == kCompileAfterUses) {
    std::string pattern = texts_[0];
    for (size_t i = 0; i < alternations_.size(); ++i) pattern += alternations_[i]->Pattern(which[i]) + texts_[i + 1];
    std::string narrowed = narrow ? NarrowLetterClasses(pattern) : std::string();
    auto re = std::make_unique<re2::RE2>(narrowed.empty() ? pattern : narrowed, options_);
    if (re->ok()) twin.re = std::move(re);
  }
  return twin.re.get();
}

bool FewWordsTwins::Match(const re2::RE2& whole, std::string_view text, re2::StringPiece* groups, int n) const {
  re2::StringPiece found;
  if (!whole.Match(text, 0, text.size(), re2::RE2::UNANCHORED, &found, 1)) return false;
  const size_t begin = static_cast<size_t>(found.data() - text.data()), end = begin + found.size();
  re2::StringPiece all[kMaxGroups + 1];
  const std::string_view found_text(found.data(), found.size());
  const bool keep_groups = context_free_ && n == kMaxGroups;
  const unsigned edges = (begin == 0 ? 1u : 0u) | (end == text.size() ? 2u : 0u);
  const re2::RE2* few = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = known_.find(found_text); it != known_.end()) {
      const Known& k = it->second;
      few = k.twin;
      if (keep_groups && (k.have >> edges & 1)) {
        for (int g = 0; g < n; ++g) {
          const uint32_t* at = k.groups[edges][g];
          groups[g] = at[0] == kNoGroup ? re2::StringPiece() : re2::StringPiece(found.data() + at[0], at[1]);
        }
        return true;
      }
    }
  }
  if (!few) {
    few = For(found_text, NonAsciiAreLetters(found_text));
    std::lock_guard<std::mutex> lock(mu_);
    if (few && known_.size() < kMaxKnownMatches) known_.emplace(found_text, Known{few});
  }
  if (few && few->Match(text, begin, end, re2::RE2::ANCHOR_BOTH, all, n + 1)) {
    if (keep_groups) {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = known_.find(found_text); it != known_.end() && it->second.twin == few) {
        Known& k = it->second;
        for (int g = 0; g < n; ++g) {
          const re2::StringPiece& piece = all[g + 1];
          k.groups[edges][g][0] = piece.data() ? static_cast<uint32_t>(piece.data() - found.data()) : kNoGroup;
          k.groups[edges][g][1] = static_cast<uint32_t>(piece.size());
        }
        k.have |= 1u << edges;
      }
    }
  } else if (!whole.Match(text, 0, text.size(), re2::RE2::UNANCHORED, all, n + 1)) {
    return false;
  }
  std::copy(all + 1, all + n + 1, groups);
  return true;
}

}  // namespace kg::ingest
