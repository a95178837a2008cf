// Resolution: a per-article table of entities keyed by type and normalized
// name, plus an alias table for repeated and shortened names.
#include "ingest/resolve.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>
#include <string_view>

#include "graph/normalize.h"
#include "ingest/lexicon.h"
#include "ingest/text.h"

namespace kg::ingest {

using namespace std::string_view_literals;

namespace {
constexpr size_t kLookback = 6;  // sentences an anaphor may reach back
// Sentences the salience of a description counts: the article so far, up to a
// bound that keeps a very long article linear.
constexpr size_t kSalienceWindow = 80;
// A complement in the description's own sentence weighs this much of a mention there.
constexpr double kOwnComplementWeight = 0.3;
// The salience of an organization the article has shown only investing, as a share.
constexpr double kInvestorSalience = 0.5;

bool IsEntityType(const std::string& t) {
  return Is(t, "Person") || Is(t, "Organization") || Is(t, "Country") || Is(t, "Place") || Is(t, "Project") ||
         Is(t, "Product") || Is(t, "Policy") || Is(t, "Event");
}

std::string LastWord(const std::string& name) {
  auto toks = Tokenize(name);
  return toks.empty() ? "" : toks.back().folded;
}
}  // namespace

void Resolver::AddAlias(int e, const std::string& alias, const std::string* normalized) {
  if (alias.empty()) return;
  auto& rec = ex_.entities[e];
  // An alias the entity has already went into by_alias_ when it was added.
  if (std::find(rec.aliases.begin(), rec.aliases.end(), alias) != rec.aliases.end()) return;
  rec.aliases.push_back(alias);
  by_alias_.Add(0, normalized ? *normalized : graph::NormalizeName(alias), static_cast<uint32_t>(e));
}

int Resolver::KnownName(std::string_view surface) const {
  const uint32_t e = by_alias_.Find(0, graph::NormalizeName(surface));
  return e == TextIndex::kNone ? -1 : static_cast<int>(e);
}

int Resolver::EntityFor(const std::string& type, const std::string& name, const Mention& m, size_t i) {
  const std::string normalized = graph::NormalizeName(name);
  key_.assign(type).append(1, '\t').append(normalized);
  if (uint32_t known = by_key_.Find(0, key_); known != TextIndex::kNone) return static_cast<int>(known);
  int e = static_cast<int>(ex_.entities.size());
  if (ex_.entities.size() == ex_.entities.capacity()) ex_.entities.reserve(std::max<size_t>(128, 2 * ex_.entities.size()));
  EntityRecord& rec = ex_.entities.emplace_back();
  rec.aliases.reserve(4);
  rec.name = name;
  rec.type = type;
  rec.first_sentence = i;
  rec.first_begin = m.begin;
  rec.first_end = m.end;
  rec.signal = m.signal;
  by_key_.Add(0, key_, static_cast<uint32_t>(e));
  AddAlias(e, name, &normalized);
  return e;
}

int Resolver::Resolve(Mention& m, size_t i) {
  if (!IsEntityType(m.type)) return -1;
  int e = -1;
  switch (m.source) {
    case MentionSource::kValue:
      return -1;
    case MentionSource::kPronoun: {
      // "Il"/"Elle" is the subject of the sentence before (a person or, in
      // French, a company), else the person in focus; "He"/"She"
      // (lexicon/person_pronouns.txt) only a person.
      // "It" (lexicon/thing_pronouns.txt) never a person: the company,
      // product or project the sentence before is about, nothing else (a
      // sentence about a thing that has no name gives "It" no antecedent:
      // "The fab is the centrepiece of ... It is backed by ...").
      const std::string folded = Fold(m.surface);
      const bool person_only = lex_.person_pronouns.count(folded) > 0;
      const bool thing_only = lex_.thing_pronouns.count(folded) > 0;
      const std::vector<std::string> types =
          person_only  ? std::vector<std::string>{"Person"}
          : thing_only ? std::vector<std::string>{"Organization", "Product", "Project"}
                       : std::vector<std::string>{"Person", "Organization"};
      e = i > 0 ? Subject(types, i - 1, ex_.sentences[i - 1].end, {}, 0) : -1;
      if (e < 0 && !thing_only) e = Focus("Person", i, m.begin);
      break;
    }
    case MentionSource::kAnaphor:
      e = ResolveAnaphor(m, i);
      break;
    case MentionSource::kGazetteer:
    case MentionSource::kDemonym:
      e = EntityFor(m.type, m.canonical, m, i);
      break;
    case MentionSource::kDiscovered:
    case MentionSource::kCandidate: {
      if (uint32_t known = by_alias_.Find(0, graph::NormalizeName(m.surface)); known != TextIndex::kNone) {
        e = static_cast<int>(known);
        // A name seen so far only as a bare capitalised word takes the type
        // a signal gives it now ("Cursor ..." then "the assistant Cursor").
        auto& rec = ex_.entities[static_cast<size_t>(e)];
        // A capitalised name written again is a name for what follows ("Core Scientific ... Adam
        // Sullivan, its chief executive"), unless it follows a preposition of place ("in Karnal").
        if (m.source == MentionSource::kCandidate &&
            !LoweredEndsWith(std::string_view(ex_.doc.text).substr(0, m.begin), lex_.locative_prepositions))
          rec.repeated = true;
        if (m.source == MentionSource::kDiscovered && !rec.strong && rec.type != m.type) {
          rec.type = m.type;
          by_key_.Add(0, m.type + '\t' + graph::NormalizeName(rec.name), static_cast<uint32_t>(e));
        }
        break;
      }
      // "Marcus" after "Gary Marcus"; "Chen" after "Chen Yu-ting" (a family
      // name before a hyphenated given name); "Tierney-Voss" after "Orla
      // Tierney-Voss" (a hyphenated family name alone: the name's whole last part).
      const bool hyphenated = m.surface.find(' ') == std::string::npos && m.surface.find('-') != std::string::npos;
      if (hyphenated || Tokenize(m.surface).size() == 1) {
        std::string w = Fold(m.surface);
        for (int k = static_cast<int>(ex_.entities.size()) - 1; k >= 0; --k) {
          const auto& rec = ex_.entities[k];
          if (!Is(rec.type, "Person")) continue;
          if (hyphenated) {
            const std::string name = Fold(rec.name);
            if (name.size() > w.size() && name.ends_with(w) && name[name.size() - w.size() - 1] == ' ') {
              e = k;
              break;
            }
            continue;
          }
          const auto toks = Tokenize(rec.name);
          if (toks.size() < 2) continue;
          const size_t space = rec.name.find(' ');
          const bool family_first = toks[0].folded == w && rec.name.find(' ', space + 1) == std::string::npos &&
                                    rec.name.find('-', space) != std::string::npos;
          if (LastWord(rec.name) == w || family_first) {
            e = k;
            break;
          }
        }
        if (e >= 0) break;
        if (!hyphenated) {
          // A company named again by its first word, in one pass over the
          // organizations: "Scale" after "Scale AI", "Mistral" after "Mistral
          // AI" (without its corporate suffix: the latest such company), else
          // "Kestrel" after "Kestrel Orbital" (a company the article named in
          // full: the first such company). A gazetteer entry lists its own
          // short names ("European" is no name for the European Space Agency),
          // and "Allianz" is not "Allianz X" (a one- or two-letter second word).
          // A company named in full in this same sentence is another one: "JLL
          // Spark, the venture arm of JLL".
          const bool name_word = !lex_.non_names.count(w);
          int without_suffix = -1, first_word = -1;
          for (size_t k = 0; k < ex_.entities.size(); ++k) {
            const auto& rec = ex_.entities[k];
            if (!Is(rec.type, "Organization")) continue;
            const auto toks = Tokenize(rec.name);
            if (toks.size() < 2 || toks[0].folded != w) continue;
            if (toks.size() == 2 && lex_.org_suffixes.count(toks[1].folded)) without_suffix = static_cast<int>(k);
            if (first_word < 0 && name_word && !Is(rec.signal, "lexicon") && toks[1].folded.size() >= 3 &&
                rec.first_sentence < i)
              first_word = static_cast<int>(k);
          }
          e = without_suffix >= 0 ? without_suffix : first_word;
          if (e >= 0) break;
        }
      }
      e = EntityFor(m.type, m.canonical, m, i);
      break;
    }
  }
  m.entity = e;
  if (e < 0) return e;
  auto& rec = ex_.entities[e];
  m.type = rec.type;  // rules see the type of the entity the mention resolved to
  if (m.source == MentionSource::kGazetteer || m.source == MentionSource::kDiscovered) {
    rec.strong = true;
    AddAlias(e, m.surface);
    if (!m.descriptor.empty()) {
      std::string sep = m.outer_begin + m.descriptor.size() + 1 < m.begin ? ", " : " ";
      AddAlias(e, m.descriptor + sep + m.surface);
    }
  }
  if (!m.head.empty() && m.source != MentionSource::kAnaphor) {
    std::string h = Fold(m.head);
    if (std::find(rec.heads.begin(), rec.heads.end(), h) == rec.heads.end()) rec.heads.push_back(h);
  }
  if (m.source != MentionSource::kAnaphor && m.source != MentionSource::kPronoun) {
    if (!m.country.empty() && rec.country.empty()) rec.country = m.country;
    if (!m.place.empty() && std::find(rec.places.begin(), rec.places.end(), m.place) == rec.places.end())
      rec.places.push_back(m.place);
    if (!m.kind.empty() && rec.kind.empty()) rec.kind = m.kind;
  }
  return e;
}

void Resolver::ResolveSentence(size_t i) {
  for (auto& m : ex_.mentions[i]) Resolve(m, i);
}

int Resolver::Agreement(const Mention& m, int e) const {
  const auto& rec = ex_.entities[e];
  // A kind the description excludes ("la jeune pousse" is no fund).
  if (m.not_kinds && !rec.kind.empty() &&
      std::find(m.not_kinds->begin(), m.not_kinds->end(), rec.kind) != m.not_kinds->end())
    return -1;
  int score = 0;
  // Countries and places: its own (gazetteer, descriptors) and those of the
  // LOCATED_IN facts found so far.
  auto located = [&](const std::string& type, const std::string& name) {
    for (const auto& r : ex_.relations)
      if (r.src == e && Is(r.type, "LOCATED_IN") && r.dst >= 0 && ex_.entities[r.dst].type == type &&
          ex_.entities[r.dst].name == name)
        return true;
    return false;
  };
  if (!m.country.empty()) {
    if (rec.country == m.country || located("Country", m.country))
      ++score;
    else if (!rec.country.empty())
      return -1;
  }
  if (!m.place.empty()) {
    if (std::find(rec.places.begin(), rec.places.end(), m.place) != rec.places.end() || located("Place", m.place))
      ++score;
    else if (!rec.places.empty() && m.country.empty())
      return -1;
  }
  if (!m.kind.empty()) {
    if (rec.kind == m.kind)
      ++score;
    else if (!rec.kind.empty())
      return -1;
  }
  if (!m.made.empty()) {
    int maker = MakerOf(m.made);
    if (maker == e)
      score += 2;
    else if (maker >= 0)
      return -1;
  }
  return score;
}

int Resolver::MakerOf(const std::string& product) const {
  // A DEVELOPS fact of the article, else the gazetteer's maker=.
  int maker = -1;
  for (const auto& r : ex_.relations)
    if (Is(r.type, "DEVELOPS") && r.dst >= 0 && ex_.entities[r.dst].name == product) maker = r.src;
  if (maker < 0)
    if (auto it = lex_.makers.find(product); it != lex_.makers.end()) maker = KnownName(it->second);
  return maker;
}

int Resolver::NamedMaker(int product, size_t i) const {
  if (product < 0 || !Is(ex_.entities[product].type, "Product")) return -1;
  int maker = MakerOf(ex_.entities[product].name);
  if (maker < 0) return -1;
  for (const auto& o : ex_.mentions[i])
    if (o.entity == maker && o.source != MentionSource::kAnaphor && o.source != MentionSource::kPronoun) return maker;
  return -1;
}

int Resolver::ResolveAnaphor(const Mention& m, size_t i) const {
  std::string head = Fold(m.head);
  // What the description says of its entity (a country, a place, a kind, a
  // product it makes): the entities that agree best are the only ones it may
  // refer to; one that contradicts it never. Nothing said: all agree (0).
  int best_agreement = 0;
  std::unordered_map<int, int> agreement;
  // The article's funding so far, per organization: bit 1 it invests, bit 2
  // it raises.
  std::unordered_map<int, int> funding;
  if (Is(m.type, "Organization"))
    for (const auto& r : ex_.relations)
      if (Is(r.type, "FUNDS")) {
        funding[r.src] |= 1;
        funding[r.dst] |= 2;
      }
  auto role = [&](int e) {
    auto it = funding.find(e);
    return it == funding.end() ? 0 : it->second;
  };
  // A description that excludes investors ("the start-up") fits best the
  // company the article has shown raising money.
  const bool excludes_investors =
      m.not_kinds && std::find(m.not_kinds->begin(), m.not_kinds->end(), "investor"sv) != m.not_kinds->end();
  const bool distinguishing =
      !m.country.empty() || !m.place.empty() || !m.kind.empty() || !m.made.empty() || m.not_kinds != nullptr;
  if (distinguishing) {
    best_agreement = -1;
    for (size_t k = 0; k < ex_.entities.size(); ++k) {
      const auto& rec = ex_.entities[k];
      if (rec.type != m.type) continue;
      int a = Agreement(m, static_cast<int>(k));
      if (a >= 0 && excludes_investors && (role(static_cast<int>(k)) & 2)) a += 2;
      agreement[static_cast<int>(k)] = a;
      best_agreement = std::max(best_agreement, a);
    }
    // A description that names what no entity of the article agrees with
    // ("la société chinoise" with no Chinese company named) refers to none.
    if (best_agreement < 0) return -1;
    // "le créateur de ChatGPT" is its maker or no one.
    if (!m.made.empty() && best_agreement < 2) return -1;
  }
  // An entity's agreement with the description (-1: it contradicts it, or
  // is of another type); best_agreement is at least 0 here.
  auto agreement_of = [&](int e) {
    auto it = agreement.find(e);
    return it == agreement.end() ? -1 : it->second;
  };
  auto agrees = [&](int e) { return !distinguishing || agreement_of(e) == best_agreement; };
  // The name an apposition follows needs only not to contradict it: the
  // preference for the company shown raising money is for a description
  // that refers back, not for one that describes the name before it.
  auto not_contradicted = [&](int e) { return !distinguishing || agreement_of(e) >= 0; };
  auto fits = [&](const Mention& o) {
    if (o.entity < 0 || o.source == MentionSource::kAnaphor || o.source == MentionSource::kPronoun)
      return o.entity >= 0 && ex_.entities[o.entity].type == m.type && agrees(o.entity) &&
             (o.source != MentionSource::kAnaphor || Fold(o.head) == head);
    const auto& rec = ex_.entities[o.entity];
    if (rec.type != m.type) return false;
    return agrees(o.entity);
  };
  const std::string& t = ex_.doc.text;
  const bool genitive = FollowedByPossessive(m.end);
  // "Créée en 2021 par A, ex-Bayer, l'entreprise ...", "Backed by Google,
  // the start-up ...": a sentence that opens with a participle clause says
  // it of the description that closes the clause; the names inside the
  // clause are not the one it refers to.
  const bool after_opening_participle = !IsComplement(m) && m.outer_begin >= ex_.sentences[i].begin + 2 &&
                                        t.compare(m.outer_begin - 2, 2, ", ") == 0 && OpensWithParticiple(i);
  // "..., co-led by Accel and Coatue, the company said": a reporting tag, not
  // an apposition of the name before it.
  const bool reporting_tag = [&] {
    for (const auto& w : lex_.reporting_tags)
      if (m.end + w.size() <= t.size() && LowerAscii(std::string_view(t).substr(m.end, w.size())) == w)
        return true;
    return false;
  }();
  // An apposition describes the name just before it ("xAI, the company led
  // by Elon Musk"), unless it is a genitive ("Jio Platforms, the group's
  // arm": the group is another entity).
  if (!genitive && !reporting_tag && !after_opening_participle)
    for (const auto& o : ex_.mentions[i])
      if (o.entity >= 0 && o.end + 2 == m.begin && t.compare(o.end, 2, ", ") == 0 && o.source != MentionSource::kAnaphor &&
          o.source != MentionSource::kPronoun && o.source != MentionSource::kCandidate && !IsComplement(o) &&
          ex_.entities[o.entity].type == m.type && not_contradicted(o.entity))
        return o.entity;
  // "io, la start-up cofondée par Jony Ive": a description defined by its
  // own clause names what comes before it, not an entity of earlier
  // sentences; when that is no known name, it stays unresolved.
  {
    size_t k = m.end;
    while (k < t.size() && t[k] == ' ') ++k;
    size_t w = k;
    while (w < t.size() && (std::isalpha(static_cast<unsigned char>(t[w])) || static_cast<unsigned char>(t[w]) >= 0x80 ||
                            t[w] == '-'))
      ++w;
    bool participle = ParticipleEnding(LowerAscii(t.substr(k, w - k)), 0);
    bool by = WordAt(t, w, lex_.agent_prepositions) != nullptr;
    bool after_comma = m.outer_begin >= 2 && t.compare(m.outer_begin - 2, 2, ", ") == 0;
    bool after_name = false;
    for (const auto& o : ex_.mentions[i])
      if (o.entity >= 0 && o.end + 2 == m.outer_begin) after_name = true;
    // ("Avec cette acquisition, l'entreprise dirigée par X ...": the comma
    // closes a phrase that opens the sentence with a preposition, and the
    // description is the subject, not an apposition.)
    bool opening_phrase = false;
    if (after_comma) {
      const size_t sb = ex_.sentences[i].begin;
      const std::string_view before = std::string_view(t).substr(sb, m.outer_begin - 2 - sb);
      size_t fw = 0;
      while (fw < before.size() && (std::isalpha(static_cast<unsigned char>(before[fw])) ||
                                    static_cast<unsigned char>(before[fw]) >= 0x80))
        ++fw;
      opening_phrase = fw > 0 && before.find(',') == std::string_view::npos &&
                       lex_.prepositions.count(Fold(before.substr(0, fw))) > 0;
    }
    if (participle && by && after_comma && !after_name && !opening_phrase) return -1;
  }
  // A description does not refer to the subject of its own clause: in
  // "Lightspeed a participé au tour, qui valorise l'entreprise" or "Google
  // said it would cut ties with the startup" the company is another one. When
  // a reported clause starts between the two ("Microsoft a indiqué que le
  // groupe ...") and the description is not a complement, the subject is the
  // one meant; otherwise it is only a last resort.
  const Mention* own_subject = nullptr;
  for (const auto& o : ex_.mentions[i]) {
    if (o.begin >= m.begin) break;
    if (o.entity < 0 || Is(o.type, "Money") || Is(o.type, "Date") || Is(o.type, "Number")) continue;
    if (o.source == MentionSource::kDemonym) continue;
    // ("Reliance's ambitions depend on ...": a possessor is not the subject.)
    bool genitive_o = FollowedByPossessive(o.end);
    if (o.source != MentionSource::kAnaphor && o.source != MentionSource::kPronoun && !IsComplement(o) &&
        !genitive_o)
      own_subject = &o;
    break;
  }
  const Mention* reported_subject = nullptr;  // "Microsoft CEO Satya Nadella said the company's ..."
  size_t reported_at = m.outer_begin;          // where the reporting verb stands
  if (own_subject && !IsComplement(m)) {
    std::string between = LowerAscii(t.substr(own_subject->end, m.outer_begin - own_subject->end));
    for (const auto& w : lex_.clause_openers)
      if (auto at = between.find(w); at != std::string::npos) {
        reported_subject = own_subject;
        reported_at = std::min(reported_at, own_subject->end + at);
      }
    // "..., the company said": the subject reports its own news.
    if (reporting_tag) reported_subject = own_subject;
    if (reported_subject) own_subject = nullptr;
  }
  // First an entity that was described with the same head noun ("la
  // start-up" -> the start-up named before); the salience below decides
  // otherwise. Tiers: complements of earlier sentences ("led by X") only when
  // nothing else fits.
  for (int tier = 0; tier < 2; ++tier) {
    for (size_t back = 0; back <= kLookback && back <= i; ++back) {
      size_t si = i - back;
      // The current sentence is read backwards (the nearest name first),
      // earlier sentences forwards (their subject first).
      std::vector<const Mention*> order;
      if (si == i) {
        for (const auto& o : ex_.mentions[si])
          if (o.begin < m.begin && !after_opening_participle) order.push_back(&o);
        std::reverse(order.begin(), order.end());
      } else {
        // An earlier sentence offers its subject first, then its other
        // names except complements ("led by X").
        int subj = Subject({m.type}, si, ex_.sentences[si].end, {}, 0);
        for (const auto& o : ex_.mentions[si])
          if (o.entity == subj && subj >= 0) {
            order.push_back(&o);
            break;
          }
        // Complements, and the list items that follow one ("by A and B").
        const auto& ms = ex_.mentions[si];
        std::vector<bool> comp(ms.size(), false);
        for (size_t k = 0; k < ms.size(); ++k) {
          comp[k] = IsComplement(ms[k]);
          if (!comp[k] && k > 0 && comp[k - 1]) comp[k] = ListGap(ms[k - 1].end, ms[k].outer_begin);
        }
        for (size_t k = 0; k < ms.size(); ++k)
          if (ms[k].entity != subj && comp[k] == (tier == 1)) order.push_back(&ms[k]);

      }
      for (const Mention* op : order) {
        const Mention& o = *op;
        if ((o.source == MentionSource::kCandidate && !ex_.entities[o.entity].strong && !ex_.entities[o.entity].repeated) || !fits(o)) continue;
        if (si == i && IsComplement(o)) continue;
        if (&o == own_subject) continue;
        // "Jio Platforms, the group's arm": an apposition does not refer
        // back to the name it describes.
        if (si == i && o.end + 2 == m.begin && ex_.doc.text.compare(o.end, 2, ", ") == 0) continue;
        const auto& rec = ex_.entities[o.entity];
        if (std::find(rec.heads.begin(), rec.heads.end(), head) == rec.heads.end()) continue;
        return o.entity;
      }
    }
  }
  if (reported_subject && fits(*reported_subject)) return reported_subject->entity;
  // "Clay Magouyrk, co-chief executive of Oracle, said the company ...": a
  // person reporting speaks for the organization named with him.
  if (reported_subject && Is(ex_.entities[reported_subject->entity].type, "Person"))
    for (const auto& o : ex_.mentions[i])
      if (o.begin > reported_subject->end && o.end <= reported_at && o.entity >= 0 && &o != &m &&
          o.source != MentionSource::kAnaphor && fits(o))
        return o.entity;
  // No entity was described with that head: the most salient entity of the
  // type in the last sentences, each mention weighing more when it is recent
  // and when it is its sentence's subject ("la start-up" in an article about
  // Anthropic is Anthropic, not the LinkedIn of the sentence before).
  // ("Jio Platforms, the group's digital arm": the group is another entity.)
  int genitive_of = -1;
  if (genitive)
    for (const auto& o : ex_.mentions[i])
      if (o.entity >= 0 && o.end + 2 == m.begin && t.compare(o.end, 2, ", ") == 0) genitive_of = o.entity;
  std::unordered_map<int, double> salience;
  std::unordered_map<int, size_t> last_seen;
  // Recent mentions weigh most; the whole article so far counts a little
  // (its main company stays salient).
  double weight = 1.5;  // the description's own sentence
  for (size_t back = 0; back <= i && back <= kSalienceWindow; ++back,
              weight = back == 1 ? 0.7 : std::max(weight * 0.7, 0.1)) {
    size_t si = i - back;
    int subj = si == i ? -1 : Subject({m.type}, si, ex_.sentences[si].end, {}, 0);
    for (const auto& o : ex_.mentions[si]) {
      if (si == i && (o.begin >= m.begin || after_opening_participle)) break;
      if (o.entity < 0 || &o == own_subject || o.entity == genitive_of) continue;
      if (o.source == MentionSource::kCandidate && !ex_.entities[o.entity].strong && !ex_.entities[o.entity].repeated) continue;
      if (si == i && o.end + 2 == m.begin && t.compare(o.end, 2, ", ") == 0) continue;
      const auto& rec = ex_.entities[o.entity];
      if (rec.type != m.type || !agrees(o.entity)) continue;
      // In its own sentence, a complement ("ancienne ingénieure chez X, ...,
      // l'entreprise") is rarely the one meant: it weighs as an older mention.
      double w = si == i && IsComplement(o) ? weight * kOwnComplementWeight : weight;
      salience[o.entity] += o.entity == subj ? 2 * w : w;
      if (!last_seen.count(o.entity)) last_seen[o.entity] = o.begin;  // nearest sentence first
    }
  }
  // An organization the article has shown only investing is seldom "the
  // company" of the sentences around it: its salience counts half.
  for (auto& [e, score] : salience)
    if (role(e) == 1) score *= kInvestorSalience;
  int best = -1;
  for (const auto& [e, score] : salience)
    if (best < 0 || score > salience[best] + 1e-9 ||
        (std::abs(score - salience[best]) <= 1e-9 && last_seen[e] > last_seen[best]))
      best = e;
  if (best >= 0) return best;
  if (own_subject && fits(*own_subject)) return own_subject->entity;
  return -1;
}

int Resolver::MostNamed(const std::string& type, size_t i, std::span<const int> exclude) const {
  std::unordered_map<int, int> named;
  for (size_t k = 0; k <= i; ++k)
    for (const auto& o : ex_.mentions[k])
      if (o.entity >= 0 && o.source != MentionSource::kPronoun &&
          ex_.entities[static_cast<size_t>(o.entity)].type == type && !Excluded(exclude, o.entity))
        ++named[o.entity];
  int best = -1, best_n = 0;
  bool tie = false;
  for (const auto& [e, n] : named) {
    if (n > best_n) {
      best = e;
      best_n = n;
      tie = false;
    } else if (n == best_n) {
      tie = true;
    }
  }
  return best_n >= 2 && !tie ? best : -1;
}

int Resolver::Nearest(const std::string& type, size_t i, size_t pos, std::span<const int> exclude) const {
  // "Orange a conclu un accord avec OpenAI pour intégrer ChatGPT dans son
  // application": "son" is the subject's, not that of a partner or agent
  // ("avec OpenAI", "by X"), which is taken only when no other name fits.
  // ("part of Scale AI and its founder": a name after "of" stays eligible.)
  const auto& ms = ex_.mentions[i];
  for (int pass = 0; pass < 2; ++pass)
    for (auto it = ms.rbegin(); it != ms.rend(); ++it) {
      if (it->begin >= pos || it->entity < 0 || Excluded(exclude, it->entity)) continue;
      if (it->source == MentionSource::kCandidate || it->source == MentionSource::kDemonym) continue;
      // ("supplied by Oracle, which uses its cloud": the relative clause
      // makes the agent the subject again.)
      if (pass == 0 && PrecededBy(*it, lex_.partner_prepositions) && !FollowedByRelative(*it)) continue;
      if (ex_.entities[it->entity].type == type) return it->entity;
    }
  return Focus(type, i, pos, exclude);
}

bool Resolver::PrecededBy(const Mention& o, const std::vector<std::string>& words) const {
  const std::string& t = ex_.doc.text;
  size_t b = o.outer_begin;
  // A determiner between the word and the name does not count: "avec l'AFP",
  // "with the startup".
  // (The first byte first, before a compare: most words start otherwise.)
  for (const auto& det : lex_.preposition_determiners) {
    size_t n = det.size();
    if (b >= n + 1 && (n == 0 || t[b - n] == det[0]) && t.compare(b - n, n, det) == 0 &&
        (t[b - n - 1] == ' ' || t[b - n - 1] == '\'')) {
      b -= n;
      break;
    }
  }
  for (const auto& w : words) {
    size_t n = w.size();
    if (b >= n && (n == 0 || t[b - n] == w[0]) && t.compare(b - n, n, w) == 0 &&
        (b == n || t[b - n - 1] == ' ' || t[b - n - 1] == '\''))
      return true;
  }
  return false;
}

bool Resolver::ListGap(size_t from, size_t to) const {
  if (to < from) return false;
  std::string_view gap = std::string_view(ex_.doc.text).substr(from, to - from);
  return std::find(lex_.list_gaps.begin(), lex_.list_gaps.end(), gap) != lex_.list_gaps.end();
}

bool Resolver::CoordinatedSinceComma(size_t pos) const {
  const std::string& t = ex_.doc.text;
  size_t comma = t.rfind(',', pos);
  if (comma == std::string::npos || comma + 1 >= pos) return false;
  std::string_view rest = std::string_view(t).substr(comma, pos - comma);
  for (const auto& g : lex_.list_gaps)
    if (!Is(g, ", ") && rest.substr(0, g.size()) == g) return true;
  return false;
}

int Resolver::RelativeSubject(const std::string& type, size_t i, size_t pos) const {
  const std::string& t = ex_.doc.text;
  const auto& ms = ex_.mentions[i];
  for (auto it = ms.rbegin(); it != ms.rend(); ++it) {
    if (it->end > pos || it->entity < 0) continue;
    if (ex_.entities[it->entity].type != type) continue;
    if (!FollowedByRelative(*it)) return -1;  // the nearest such name opens no relative clause
    // The clause must still be running at `pos`: no comma closes it.
    if (t.find(',', it->end + 1) < pos) return -1;
    return it->entity;
  }
  return -1;
}

bool Resolver::FollowedByRelative(const Mention& o) const {
  return WordAt(ex_.doc.text, o.end, lex_.relative_openers) != nullptr;
}

bool Resolver::IsComplement(const Mention& o) const {
  return PrecededBy(o, lex_.complement_prepositions);
}

bool Resolver::FollowedByPossessive(size_t pos) const {
  return WordAt(ex_.doc.text, pos, lex_.possessive_markers) != nullptr;
}

bool Resolver::OpensWithParticiple(size_t i) const {
  const std::string& t = ex_.doc.text;
  const size_t sb = ex_.sentences[i].begin, se = ex_.sentences[i].end;
  size_t w = sb;
  while (w < se && (std::isalpha(static_cast<unsigned char>(t[w])) || static_cast<unsigned char>(t[w]) >= 0x80)) ++w;
  if (w == sb || (!std::isupper(static_cast<unsigned char>(t[sb])) && static_cast<unsigned char>(t[sb]) < 0x80))
    return false;
  // (At least three letters before the ending: "Ted" or "Bed" opens no clause.)
  return ParticipleEnding(LowerAscii(t.substr(sb, w - sb)), 2);
}

bool Resolver::ParticipleEnding(std::string_view word, size_t stem) const {
  return std::any_of(lex_.participle_endings.begin(), lex_.participle_endings.end(), [&](const std::string& suf) {
    return word.size() > suf.size() + stem && word.ends_with(suf);
  });
}

int Resolver::Focus(const std::string& type, size_t i, size_t pos, std::span<const int> exclude) const {
  return Subject({type}, i, pos, exclude, kLookback);
}

int Resolver::Subject(const std::vector<std::string>& types, size_t i, size_t pos, std::span<const int> exclude,
                      size_t lookback) const {
  // The agent of a passive or a complement ("led by X", "le patron de X"),
  // and the rest of a list that starts with one, is not the subject in focus.
  auto complement = [&](const Mention& o) { return IsComplement(o); };
  const bool whole = pos >= ex_.sentences[i].end;  // a whole earlier sentence
  for (size_t back = 0; back <= lookback && back <= i; ++back) {
    size_t si = i - back;
    bool first = true;  // in the current sentence only its first name is a subject
    // ("Créée en 2021 par A, ex-Bayer, l'entreprise compte ...": after an
    // opening participle clause, the subject follows a comma and is not
    // followed by one; the names inside the clause are not it.)
    const bool participle_clause = (si != i || whole) && OpensWithParticiple(si);
    bool prev_complement = false;
    bool list_closed = false;  // the last item came after "et"/"and": a comma ends the list
    size_t prev_end = 0;
    for (const auto& o : ex_.mentions[si]) {
      if (si == i && o.begin >= pos) break;
      if (o.entity < 0 || Is(o.type, "Money") || Is(o.type, "Date") || Is(o.type, "Number")) continue;
      if (si == i && !first && !whole) break;
      // A name in parentheses is an aside, not the subject: the agency of a
      // dateline ("GRENOBLE, 12 mars (AFP) - La start-up X"), an acronym.
      if (o.outer_begin > 0 && ex_.doc.text[o.outer_begin - 1] == '(' && o.end < ex_.doc.text.size() &&
          ex_.doc.text[o.end] == ')')
        continue;
      // "Aux États-Unis, Anduril a levé ...": a place that opens the sentence
      // before a comma is no subject.
      const std::string& ot = ex_.entities[o.entity].type;
      if ((Is(ot, "Country") || Is(ot, "Place")) && std::find(types.begin(), types.end(), ot) == types.end() &&
          o.end < ex_.doc.text.size() && ex_.doc.text[o.end] == ',')
        continue;
      first = false;
      // ("Fondée par A, B et C, la start-up X ...": X is the subject.)
      bool item = prev_complement && o.source != MentionSource::kAnaphor && ListGap(prev_end, o.outer_begin) &&
                  !(list_closed && ex_.doc.text.compare(prev_end, o.outer_begin - prev_end, ", ") == 0);
      bool comp = complement(o) || item;
      // ("Fondée par A, ancien X de Y, et par B, la start-up X ...": a complement
      // after a coordinator ends the list too.)
      list_closed = (item && ex_.doc.text.compare(prev_end, o.outer_begin - prev_end, ", ") != 0) ||
                    (comp && o.outer_begin > 0 && CoordinatedSinceComma(o.outer_begin - 1));
      prev_complement = comp;
      prev_end = o.end;
      if (Excluded(exclude, o.entity) || (o.source == MentionSource::kCandidate && !ex_.entities[o.entity].strong && !ex_.entities[o.entity].repeated) || comp) continue;
      if (o.source == MentionSource::kDemonym) continue;
      if (participle_clause && (o.outer_begin < 2 || ex_.doc.text.compare(o.outer_begin - 2, 2, ", ") != 0 ||
                                (o.end < ex_.doc.text.size() && ex_.doc.text[o.end] == ',')))
        continue;
      const std::string& et = ex_.entities[o.entity].type;
      if (std::find(types.begin(), types.end(), et) != types.end()) return o.entity;
    }
  }
  return -1;
}

}  // namespace kg::ingest
