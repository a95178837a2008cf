// Resolution stage: maps mentions to one entity per real-world thing within an
// article (lexicon names, repeated names, surnames, anaphors such as "le
// projet" or "la société chinoise", sentence-initial "Il"), and tracks the
// entity in focus for rules that need an implicit subject.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/lexicon.h"
#include "ingest/text_index.h"
#include "ingest/types.h"

namespace kg::ingest {

class Lexicon;

// Whether entity `e` is one of `exclude`.
inline bool Excluded(std::span<const int> exclude, int e) {
  return std::find(exclude.begin(), exclude.end(), e) != exclude.end();
}

class Resolver {
 public:
  // `ex` and `lexicon` must outlive the resolver; sentences are resolved in
  // order. The lexicon supplies the corporate suffixes that a company's short
  // name drops ("Scale" for "Scale AI") and the words around a name that
  // make it a complement, a list item or the subject of a relative clause.
  Resolver(Extraction& ex, const Lexicon& lexicon) : ex_(ex), lex_(lexicon) {}

  // Resolves the entity mentions of sentence `i` (sets Mention::entity).
  void ResolveSentence(size_t i);
  // Resolves one mention of sentence `i` (also for mentions a rule creates).
  int Resolve(Mention& m, size_t i);
  // The entity of `type` in focus at byte `pos` of sentence `i`: the first
  // such mention earlier in the sentence, else the first one of the nearest
  // earlier sentence that has one; -1 when none. The entities of `exclude`
  // (the other end's, a list of them for "A et B participent") are skipped.
  int Focus(const std::string& type, size_t i, size_t pos, std::span<const int> exclude = {}) const;
  // Like Focus() for any of `types`.
  // `lookback` earlier sentences are searched when sentence `i` has none.
  int Subject(const std::vector<std::string>& types, size_t i, size_t pos, std::span<const int> exclude,
              size_t lookback) const;
  // The entity of `type` whose relative clause holds byte `pos` of sentence
  // `i` ("Samsung, which will preinstall the app on its phones"), or -1.
  int RelativeSubject(const std::string& type, size_t i, size_t pos) const;
  // The entity a name or alias already seen in the article stands for, or -1.
  int KnownName(std::string_view surface) const;
  // The maker of product entity `product` (a DEVELOPS fact of the article,
  // else the gazetteer's maker=) when a mention of sentence `i` names it; else -1.
  int NamedMaker(int product, size_t i) const;
  // The Country entity named `name`, added for mention `m` of sentence `i`
  // when the article has none yet.
  int CountryEntity(const std::string& name, const Mention& m, size_t i) { return EntityFor("Country", name, m, i); }
  // The Organization entity named `name` (a gazetteer name the text writes
  // only inside another name, "Nvidia" of "Nvidia H200"), added for mention
  // `m` of sentence `i` when the article has none yet.
  int OrganizationEntity(const std::string& name, const Mention& m, size_t i) {
    return EntityFor("Organization", name, m, i);
  }
  // The entity of `type` that the mentions of sentences 0..i name most often,
  // at least twice and more often than any other, but none of `exclude`; -1
  // when none stands out (what an article about a company is about).
  int MostNamed(const std::string& type, size_t i, std::span<const int> exclude) const;
  // The nearest entity of `type` before `pos` in sentence `i`, else Focus().
  int Nearest(const std::string& type, size_t i, size_t pos, std::span<const int> exclude = {}) const;

 private:
  int EntityFor(const std::string& type, const std::string& name, const Mention& m, size_t i);
  int ResolveAnaphor(const Mention& m, size_t i) const;
  // How well entity `e` agrees with what anaphor `m` says of it (country,
  // place, kind, product made): -1 when it contradicts it, else the number
  // of things that match.
  int Agreement(const Mention& m, int e) const;
  // The entity that makes the product named `product` (canonical), or -1.
  int MakerOf(const std::string& product) const;
  // True for a name followed by ", which", ", qui"...
  bool FollowedByRelative(const Mention& m) const;
  // True for a name after "by", "par", "de", "of"...: not a subject.
  bool IsComplement(const Mention& m) const;
  // True when the text at `pos` (the end of a name) is a possessive marker
  // of lexicon/possessive_markers.txt ("'s").
  bool FollowedByPossessive(size_t pos) const;
  // `m` (with its descriptor) comes right after one of `words` ("avec "),
  // a determiner of lexicon/preposition_determiners.txt ("l'") allowed between.
  bool PrecededBy(const Mention& m, const std::vector<std::string>& words) const;
  // The text [from, to) of the article separates two items of a list (", ",
  // " et ", ", and ").
  bool ListGap(size_t from, size_t to) const;
  // Sentence i opens with a participle clause ("Créée en 2021 par A, ...",
  // "Backed by Google, ..."): its first word is a capitalised participle.
  bool OpensWithParticiple(size_t i) const;
  // `word` (lower-cased) ends with a participle ending (lexicon/participle_endings.txt) after more than
  // `stem` letters.
  bool ParticipleEnding(std::string_view word, size_t stem) const;
  // Whether the text since the last comma before `pos` opens with a coordinator (", et par l'entrepreneur X").
  bool CoordinatedSinceComma(size_t pos) const;
  // `normalized`, when given, is graph::NormalizeName(alias).
  void AddAlias(int e, const std::string& alias, const std::string* normalized = nullptr);

  Extraction& ex_;
  const Lexicon& lex_;
  // Of the entities: (0, type \t normalized name) -> index, and (0,
  // normalized alias of any type) -> index, the first entity given it.
  TextIndex by_key_{256};
  TextIndex by_alias_{512};
  std::string key_;  // EntityFor's key, its buffer kept
};

}  // namespace kg::ingest
