// The pipeline runs the stages sentence by sentence, because resolution and
// rules look back at earlier sentences (anaphora, focus, currency context).
#include "ingest/pipeline.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "graph/normalize.h"
#include "ingest/entities.h"
#include "ingest/quotes.h"
#include "ingest/resolve.h"
#include "ingest/sentences.h"
#include "ingest/text.h"
#include "ingest/values.h"

#ifndef KG_CORPUS_DIR
#define KG_CORPUS_DIR "corpus"
#endif

namespace kg::ingest {

namespace {

// An amount into `props`: `key` (and `key`_usd when in dollars), its
// currency and the period it spans ("sur quatre ans").
void SetAmount(graph::Properties& props, const std::string& key, const Mention& money) {
  if (Is(money.currency, "USD")) props[key + "_usd"] = money.amount;
  props[key] = money.amount;
  props["currency"] = money.currency;
  if (!money.period.empty()) props["period"] = money.period;
}

// The fold of the first word of `text` (Tokenize(text)[0].folded), or
// nothing when `text` has no word.
std::optional<std::string> FirstWordFolded(std::string_view text) {
  while (!text.empty()) {
    if (size_t len = WordLength(text); len > 0) return Fold(text.substr(0, len));
    text.remove_prefix(SkipLength(text));
  }
  return std::nullopt;
}

// Token::upper_initial of a word at the start of `text`.
bool UpperInitial(std::string_view text) {
  auto f = static_cast<unsigned char>(text[0]);
  if (f < 0x80) return f >= 'A' && f <= 'Z';
  utf8proc_int32_t cp;
  utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()), static_cast<utf8proc_ssize_t>(text.size()),
                   &cp);
  return utf8proc_isupper(cp);
}

// How far back "@Type^REL" looks for the relationship it continues.
constexpr size_t kRecentSentences = 3;

std::vector<std::string> RuleFiles(const std::string& corpus_dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  fs::path dir = fs::path(corpus_dir) / "rules";
  if (fs::exists(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".rules") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Pipeline::RelationKey Pipeline::RelKey(const std::string& type, int a, int b) const {
  if (a > b && rules_.symmetric_types().count(type)) std::swap(a, b);
  return {type, a, b};
}

Pipeline::EndKey Pipeline::EndKeyOf(std::string_view type, std::string_view side, int e) {
  return {type, side == "src", e};
}

std::string Pipeline::DefaultCorpusDir() {
  const char* env = std::getenv("KG_CORPUS");
  if (env && *env) return env;
  return KG_CORPUS_DIR;
}

namespace {
// DetectLanguage reads the words of the text's first bytes.
constexpr size_t kLanguageBytes = 8000;
// Spreads a word's hash into the top bits, which pick its bit of stop_filter_.
constexpr uint64_t kMixHash = 0x9e3779b97f4a7c15ull;
}  // namespace

Pipeline::Pipeline(const std::string& corpus_dir)
    : lexicon_(Lexicon::Load(corpus_dir)), rules_(RuleSet::Load(RuleFiles(corpus_dir))) {
  cleaner_ = std::make_unique<TextCleaner>(lexicon_);
  values_ = std::make_unique<ValueFinder>(lexicon_);
  recognizer_ = std::make_unique<Recognizer>(lexicon_);
  quotes_ = std::make_unique<QuoteAttributor>(lexicon_);
  // The folded function words of lexicon_.stop_fr (bit 1) and stop_en (bit
  // 2), viewed in the lexicon's strings: read through stop_filter_ and
  // stop_slots_.
  std::unordered_map<std::string_view, unsigned char> stop_words;
  for (const auto& w : lexicon_.stop_fr) stop_words[w] |= 1;
  for (const auto& w : lexicon_.stop_en) stop_words[w] |= 2;
  // About 64 bits per function word.
  size_t filter_bits = 64;
  while (filter_bits < 64 * stop_words.size()) filter_bits *= 2;
  stop_filter_.assign(filter_bits / 64, 0);
  stop_filter_shift_ = 64 - std::countr_zero(filter_bits);
  // Twice as many slots as words, at least.
  size_t slots = 16;
  while (slots < 2 * stop_words.size()) slots *= 2;
  stop_slots_.assign(slots, StopSlot{});
  stop_slot_shift_ = 64 - std::countr_zero(slots);
  for (const auto& [w, bits] : stop_words) {
    const uint64_t hash = static_cast<uint64_t>(FoldedHash(w));
    const uint64_t bit = hash * kMixHash >> stop_filter_shift_;
    stop_filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
    size_t i = static_cast<size_t>(hash * kMixHash >> stop_slot_shift_);
    while (stop_slots_[i].bits != 0) i = (i + 1) & (slots - 1);
    stop_slots_[i] = StopSlot{hash, w, bits};
  }
}

Pipeline::~Pipeline() = default;

void Pipeline::CountFunctionWords(std::span<const Token> words, int& fr, int& en) const {
  // A function word's hash first: most words are none, and are answered
  // from one bit; the others are found by the hash the word has already (a
  // lookup in a map of the words hashed it again: 16K more instructions per bench
  // article, callgrind).
  const size_t mask = stop_slots_.size() - 1;
  for (const Token& t : words) {
    const uint64_t mixed = static_cast<uint64_t>(t.hash) * kMixHash;
    const uint64_t bit = mixed >> stop_filter_shift_;
    if ((stop_filter_[bit >> 6] >> (bit & 63) & 1) == 0) continue;
    for (size_t i = static_cast<size_t>(mixed >> stop_slot_shift_); stop_slots_[i].bits != 0; i = (i + 1) & mask) {
      const StopSlot& slot = stop_slots_[i];
      if (slot.hash != t.hash || slot.word != t.folded) continue;
      if (slot.bits & 1) ++fr;
      if (slot.bits & 2) ++en;
      break;
    }
  }
}

std::string Pipeline::DetectLanguage(std::string_view text) const {
  return DetectLanguage(text, Tokenize(text.substr(0, kLanguageBytes)));
}

std::string Pipeline::DetectLanguage(std::string_view text, std::span<const Token> words) const {
  // The words of the first kLanguageBytes bytes: those of `words` that end
  // there, then the part there of a word that crosses the bound.
  const auto inside = std::partition_point(words.begin(), words.end(),
                                           [](const Token& t) { return t.end <= kLanguageBytes; });
  int fr = 0, en = 0;
  CountFunctionWords(words.first(static_cast<size_t>(inside - words.begin())), fr, en);
  if (inside != words.end() && inside->begin < kLanguageBytes)
    CountFunctionWords(Tokenize(text.substr(inside->begin, kLanguageBytes - inside->begin), inside->begin), fr, en);
  return en > fr ? "en" : "fr";
}

Extraction Pipeline::Extract(std::string_view raw, Format format, const DocOptions& o) const {
  Document doc = cleaner_->Clean(raw, format, o.max_bytes);
  if (o.title) doc.title = o.title;
  if (o.url) doc.url = o.url;
  if (o.date) {
    std::string d = cleaner_->dates().Parse(*o.date);
    doc.published = d.empty() ? *o.date : d;
  }
  if (o.path) doc.path = o.path;
  // (Auto: ExtractDocument detects it from the words it cuts the text into.)
  if (o.lang == "auto" || o.lang.empty())
    doc.lang.reset();
  else
    doc.lang = o.lang;
  return ExtractDocument(std::move(doc));
}

Extraction Pipeline::ExtractDocument(Document doc, const std::vector<Mention>* given) const {
  Extraction ex;
  ex.doc = std::move(doc);
  // The words of the whole text, cut once: the language's function words,
  // and each sentence's words for the recognizer. (DetectLanguage scanned
  // the text on its own, word by word: a dry run of 300 bench articles
  // takes 76K fewer instructions per article, callgrind.)
  const std::vector<Token> words = Tokenize(ex.doc.text);
  if (!ex.doc.lang) ex.doc.lang = DetectLanguage(ex.doc.text, words);
  const std::string lang = *ex.doc.lang;
  const std::string& text = ex.doc.text;
  ex.sentences = SplitSentences(text, lexicon_);
  // The first word of `words` that may end inside the sentence: those
  // before it end before the sentences so far.
  size_t first_word = 0;
  Resolver resolver(ex, lexicon_);
  ex.mentions.reserve(ex.sentences.size());
  ValueContext vctx;
  std::map<RelationKey, size_t> rel_index;
  // A relation kg states itself (no rule of corpus/rules), unless the
  // extraction holds it already.
  auto add_built_in = [&](const std::string& type, int src, int dst, const char* rule, size_t sentence,
                          size_t span_begin, size_t span_end) {
    RelationKey key = RelKey(type, src, dst);
    if (rel_index.count(key)) return;
    RelationRecord rec;
    rec.src = src;
    rec.dst = dst;
    rec.type = type;
    rec.rule = rule;
    rec.sentence = sentence;
    rec.span_begin = span_begin;
    rec.span_end = span_end;
    rel_index.emplace(std::move(key), ex.relations.size());
    ex.relations.push_back(std::move(rec));
  };

  // (TYPE, source?, E) of the explicit relations of a sentence, with
  // repeats: a vector kept from sentence to sentence, searched only when a
  // guess may be replaced (a std::set cost a node per insert).
  std::vector<EndKey> explicit_ends;
  // The two ends of an emit, kept from emit to emit (a vector each time cost
  // a heap block per entity).
  std::vector<int> srcs, dsts;
  for (size_t si = 0; si < ex.sentences.size(); ++si) {
    const Sentence& s = ex.sentences[si];
    auto vals = values_->Find(text, s, lang, vctx);
    // The sentence's words: those of the text inside it, unless one crosses
    // an end (the recognizer then cuts the sentence itself).
    // (Sentences come in order: from where the one before ended, else by a
    // search.)
    if (first_word > 0 && words[first_word - 1].end > s.begin)
      first_word = static_cast<size_t>(
          std::partition_point(words.begin(), words.end(), [&](const Token& t) { return t.end <= s.begin; }) -
          words.begin());
    while (first_word < words.size() && words[first_word].end <= s.begin) ++first_word;
    size_t end_word = first_word;
    while (end_word < words.size() && words[end_word].end <= s.end) ++end_word;
    const bool cut_inside = (first_word < words.size() && words[first_word].begin < s.begin) ||
                            (end_word < words.size() && words[end_word].begin < s.end);
    auto ents = cut_inside ? recognizer_->Find(text, s, vals, given)
                           : recognizer_->Find(text, s, std::span<const Token>(words).subspan(first_word, end_word - first_word),
                                               vals, given);
    first_word = end_word;
    // A number inside a name ("Microsoft 365 Copilot") is part of the name.
    vals.erase(std::remove_if(vals.begin(), vals.end(),
                              [&](const Mention& v) {
                                if (!Is(v.type, "Number")) return false;
                                for (const auto& m : ents)
                                  if ((m.source == MentionSource::kGazetteer || Is(m.signal, "model-version")) &&
                                      m.begin <= v.begin && v.end <= m.end)
                                    return true;
                                return false;
                              }),
               vals.end());
    // The mentions of the sentence by begin, values first among equal
    // begins: a stable sort of the values followed by the entities, which
    // is a merge when each list is in order already.
    auto by_begin = [](const Mention& a, const Mention& b) { return a.begin < b.begin; };
    std::vector<Mention> all;
    const bool merged = std::is_sorted(vals.begin(), vals.end(), by_begin) &&
                        std::is_sorted(ents.begin(), ents.end(), by_begin);
    if (merged && vals.empty()) {
      all = std::move(ents);
    } else if (merged && ents.empty()) {
      all = std::move(vals);
    } else if (merged && ents.capacity() >= ents.size() + vals.size()) {
      // std::merge(vals, ents) in place, from the back: the entities before
      // the first value stay where they are.
      all = std::move(ents);
      size_t e = all.size(), v = vals.size();
      all.resize(e + v);
      for (size_t out = e + v; v > 0;) {
        if (e > 0 && all[e - 1].begin >= vals[v - 1].begin)  // an equal begin: the value first
          all[--out] = std::move(all[--e]);
        else
          all[--out] = std::move(vals[--v]);
      }
    } else if (merged) {
      // The same merge into a new vector where the entities' has no room
      // for the values: each mention is moved once, constructed in place.
      // (Growing the entities' vector moved them all and default-constructed
      // the values' places, which were then move-assigned; a Mention is 13
      // strings.)
      all.reserve(vals.size() + ents.size() + 1);
      auto v = vals.begin(), e = ents.begin();
      while (v != vals.end() || e != ents.end()) {
        if (e == ents.end() || (v != vals.end() && v->begin <= e->begin))  // an equal begin: the value first
          all.push_back(std::move(*v++));
        else
          all.push_back(std::move(*e++));
      }
    } else {
      all.reserve(vals.size() + ents.size() + 1);
      for (auto& m : vals) all.push_back(std::move(m));
      for (auto& m : ents) all.push_back(std::move(m));
    }
    // A single capitalised word opening a sentence is no name by itself
    // ("Selon", "Informatica"?), unless the article has named it already (or
    // written it capitalised twice inside sentences: "à Bleu" ... "avec Bleu").
    // (The first word of Tokenize() over the sentence's first 80 bytes, when
    // it opens the sentence.)
    const std::string_view head = std::string_view(text).substr(s.begin, std::min<size_t>(s.end - s.begin, 80));
    if (const size_t len = WordLength(head); len > 0 && UpperInitial(head)) {
      const size_t w_begin = s.begin, w_end = s.begin + len;
      bool covered = std::any_of(all.begin(), all.end(), [&](const Mention& m) { return m.begin < w_end && w_begin < m.end; });
      int e = covered ? -1 : resolver.KnownName(head.substr(0, len));
      if (e >= 0 && (ex.entities[static_cast<size_t>(e)].strong || ex.entities[static_cast<size_t>(e)].repeated) &&
          !lexicon_.pronouns.count(Fold(head.substr(0, len)))) {
        Mention m;
        m.begin = m.outer_begin = w_begin;
        m.end = w_end;
        m.type = ex.entities[static_cast<size_t>(e)].type;
        m.source = MentionSource::kDiscovered;
        m.signal = "known-name";
        m.surface = text.substr(w_begin, len);
        m.canonical = ex.entities[static_cast<size_t>(e)].name;
        if (merged)  // after the mentions that begin where it does, as the stable sort puts it
          all.insert(std::upper_bound(all.begin(), all.end(), m, by_begin), std::move(m));
        else
          all.push_back(std::move(m));
      }
    }
    if (!merged) std::stable_sort(all.begin(), all.end(), by_begin);
    // A name and the number after it that the article named together before
    // ("Reachy 2" again after "a mis au point Reachy 2"): one mention.
    for (size_t k = 0; k + 1 < all.size(); ++k) {
      Mention& m = all[k];
      const Mention& n = all[k + 1];
      if (!Is(n.type, "Number") || Is(m.type, "Money") || Is(m.type, "Date") || Is(m.type, "Number")) continue;
      if (n.begin != m.end + 1 || text[m.end] != ' ') continue;
      const std::string_view both = std::string_view(text).substr(m.begin, n.end - m.begin);
      const int e = resolver.KnownName(both);
      if (e < 0 || !ex.entities[static_cast<size_t>(e)].strong) continue;
      m.end = n.end;
      m.surface = std::string(both);
      m.canonical = ex.entities[static_cast<size_t>(e)].name;
      m.type = ex.entities[static_cast<size_t>(e)].type;
      m.source = MentionSource::kDiscovered;
      m.signal = "known-name";
      all.erase(all.begin() + static_cast<std::ptrdiff_t>(k + 1));
    }
    ex.mentions.push_back(std::move(all));
    resolver.ResolveSentence(si);

    auto matches = rules_.Apply(text, s, ex.mentions[si], lang);
    // Relations this sentence adds, and which of them guessed an endpoint from
    // the focus (@Type, ~Type): an explicit one of the same type and the same
    // other endpoint replaces such a guess ("Créée par A, Mistral AI ..."
    // names the company the focus rule would have guessed).
    const size_t first_new = ex.relations.size();
    std::map<size_t, std::string> guessed;         // index into ex.relations -> "src"/"dst", the named end
    explicit_ends.clear();
    for (const auto& match : matches) {
      const Rule& r = *match.rule;
      // Entities the rule itself names ("le décret de Joe Biden").
      std::map<std::string, int> created;
      for (const auto& [group, type] : r.new_entities) {
        auto it = match.new_spans.find(group);
        if (it == match.new_spans.end()) continue;
        Mention m;
        m.begin = it->second.first;
        m.end = it->second.second;
        while (m.end > m.begin && (text[m.end - 1] == ' ' || text[m.end - 1] == ',')) --m.end;
        if (m.end <= m.begin) continue;
        m.outer_begin = m.begin;
        m.type = type;
        m.source = MentionSource::kDiscovered;
        m.surface = text.substr(m.begin, m.end - m.begin);
        // Leading articles (lexicon/name_articles.txt) are not part of the name.
        std::string name = m.surface;
        for (const std::string& d : lexicon_.name_articles) {
          if (name.size() > d.size() && graph::NormalizeName(name.substr(0, d.size())) + (d.back() == ' ' ? " " : "") ==
                                            graph::NormalizeName(d) + (d.back() == ' ' ? " " : "")) {
            name = name.substr(d.size());
            break;
          }
        }
        m.canonical = name;
        m.signal = "rule:" + r.id;
        // Reuse a mention already covering the span.
        int found = -1;
        for (const auto& o : ex.mentions[si])
          if (o.entity >= 0 && o.type == type && o.begin <= m.begin && o.end >= m.end) found = o.entity;
        if (found < 0) {
          resolver.Resolve(m, si);
          found = m.entity;
          ex.mentions[si].push_back(m);
        }
        created[group.substr(group.find('_', 4) + 1)] = found;
      }
      // The entities of the end `name` of an emit, into `out`.
      auto endpoints = [&](const std::string& name, std::span<const int> exclude, std::vector<int>& out) {
        out.clear();
        if (!name.empty() && name[0] == '*') {
          // "*Organization": the entity the article is about, only when one
          // stands out (named at least twice so far and more than any other).
          if (int best = resolver.MostNamed(name.substr(1), si, exclude); best >= 0) out.push_back(best);
          return;
        }
        if (!name.empty() && (name[0] == '@' || name[0] == '~')) {
          // "@Organization^FUNDS": the recipient of the latest FUNDS
          // relationship of the last sentences ("X a également remis au pot":
          // the same round), else the organization in focus.
          std::string type = name.substr(1);
          auto caret = type.find('^');
          if (caret != std::string::npos) {
            std::string rel = type.substr(caret + 1);
            type.resize(caret);
            for (auto it = ex.relations.rbegin(); it != ex.relations.rend(); ++it) {
              if (it->sentence + kRecentSentences < si) break;
              if (it->type == rel && !Excluded(exclude, it->dst) &&
                  ex.entities[static_cast<size_t>(it->dst)].type == type) {
                out.push_back(it->dst);
                return;
              }
            }
            // No such relationship yet: the entity the article is about, when
            // one stands out (a round's investors listed after the round: the
            // company that raised it).
            if (int best = resolver.MostNamed(type, si, exclude); best >= 0) {
              out.push_back(best);
              return;
            }
          }
          int f = name[0] == '@' ? resolver.RelativeSubject(type, si, match.begin) : -1;
          if (Excluded(exclude, f)) f = -1;
          if (f < 0)
            f = name[0] == '@' ? resolver.Focus(type, si, match.begin, exclude)
                               : resolver.Nearest(type, si, match.begin, exclude);
          if (f >= 0) out.push_back(f);
          return;
        }
        auto c = created.find(name);
        if (c != created.end()) {
          if (c->second >= 0) out.push_back(c->second);
          return;
        }
        auto it = match.slots.find(name);
        if (it == match.slots.end()) return;
        for (int idx : it->second) {
          int e = ex.mentions[si][static_cast<size_t>(idx)].entity;
          if (e >= 0) out.push_back(e);
        }
        return;
      };
      for (const auto& emit : r.emits) {
        // The named endpoint first; the guessed one may not be the same entity.
        if (ContextEndpoint(emit.dst) && !ContextEndpoint(emit.src)) {
          endpoints(emit.src, {}, srcs);
          endpoints(emit.dst, srcs, dsts);
        } else {
          endpoints(emit.dst, {}, dsts);
          endpoints(emit.src, dsts, srcs);
        }
        if (srcs.empty() || dsts.empty()) continue;
        // "Apple will pay Google for its Gemini model": the possessor of a
        // product whose maker is known and named in the sentence is its maker.
        if (Is(emit.type, "DEVELOPS") && ContextEndpoint(emit.src) && dsts.size() == 1)
          if (int maker = resolver.NamedMaker(dsts[0], si); maker >= 0) srcs = {maker};
        const bool guess = ContextEndpoint(emit.src) || ContextEndpoint(emit.dst);
        graph::Properties props;
        for (const auto& [key, val] : emit.props) {
          auto it = match.slots.find(val);
          if (it == match.slots.end() || it->second.empty()) {
            if (r.slots.end() == std::find_if(r.slots.begin(), r.slots.end(), [&](const Slot& sl) { return sl.name == val; }))
              props[key] = val;  // a literal
            continue;
          }
          const Mention& v = ex.mentions[si][static_cast<size_t>(it->second[0])];
          // "Nvidia et Microsoft misent 15 milliards sur Anthropic": an amount
          // shared by several parties is their total, not each one's.
          if (Is(v.type, "Money") && srcs.size() * dsts.size() > 1) continue;
          if (Is(v.type, "Money")) {
            SetAmount(props, key, v);
          } else if (Is(v.type, "Date")) {
            props[key] = v.iso_date;
          } else if (Is(v.type, "Number")) {
            if (std::floor(v.amount) == v.amount && std::abs(v.amount) < 9e15)
              props[key] = static_cast<int64_t>(v.amount);
            else
              props[key] = v.amount;
          } else if (v.entity >= 0) {
            props[key] = ex.entities[v.entity].name;
          }
        }
        for (int a : srcs) {
          for (int b : dsts) {
            if (a == b) continue;
            if (!guess) {
              explicit_ends.push_back(EndKeyOf(emit.type, "src", a));
              explicit_ends.push_back(EndKeyOf(emit.type, "dst", b));
            }
            RelationKey key = RelKey(emit.type, a, b);
            auto it = rel_index.find(key);
            if (it != rel_index.end()) {
              if (!guess) guessed.erase(it->second);  // confirmed by name
              auto& old = ex.relations[it->second];
              for (const auto& [k, v] : props) old.props.emplace(k, v);
              if (old.rule != r.id &&
                  std::find(old.other_rules.begin(), old.other_rules.end(), r.id) == old.other_rules.end())
                old.other_rules.push_back(r.id);
              continue;
            }
            RelationRecord rec;
            rec.src = a;
            rec.dst = b;
            rec.type = emit.type;
            rec.props = props;
            rec.rule = r.id;
            rec.sentence = si;
            rec.span_begin = match.begin;
            rec.span_end = match.end;
            if (guess && ContextEndpoint(emit.src) != ContextEndpoint(emit.dst))
              guessed.emplace(ex.relations.size(), ContextEndpoint(emit.dst) ? "src" : "dst");
            rel_index.emplace(std::move(key), ex.relations.size());
            ex.relations.push_back(std::move(rec));
          }
        }
      }
    }
    if (!guessed.empty()) DropReplacedGuesses(ex, first_new, guessed, explicit_ends, rel_index);
    // What a description says of its entity: "le créateur de ChatGPT"
    // develops ChatGPT, "the South Korean company" is in South Korea, and so
    // is a name after one ("l'équipementier suédois Ericsson", "le fonds
    // parisien Elaia": a city's adjective places it in the city's country).
    for (size_t k = 0; k < ex.mentions[si].size(); ++k) {
      const Mention& m = ex.mentions[si][k];
      if (m.entity < 0 || !Is(m.type, "Organization")) continue;
      bool anaphor = m.source == MentionSource::kAnaphor;
      if (!anaphor && m.descriptor.empty() && !m.country_stated) continue;
      const Mention d = m;  // a copy: a country entity may be added below
      std::vector<std::pair<std::string, int>> facts;  // type, other end
      if (anaphor && !d.made.empty())
        for (const auto& o : ex.mentions[si])
          if (Is(o.type, "Product") && o.canonical == d.made && o.entity >= 0 && o.begin >= d.begin && o.end <= d.end)
            facts.emplace_back("DEVELOPS", o.entity);
      if (d.country_stated && !d.country.empty())
        facts.emplace_back("LOCATED_IN", resolver.CountryEntity(d.country, d, si));
      for (const auto& [type, other] : facts) {
        if (other < 0 || other == d.entity) continue;
        add_built_in(type, d.entity, other, Is(type, "DEVELOPS") ? "description.maker" : "description.located", si,
                     d.begin, d.end);
      }
    }
    auto qs = quotes_->Attribute(text, s, si, ex.mentions[si], ex.entities,
                                 [&](size_t pos) { return resolver.Focus("Person", si, pos); });
    for (auto& q : qs) {
      // A capitalised name that speaks is a person.
      if (q.speaker >= 0 && !ex.entities[q.speaker].strong && Is(ex.entities[q.speaker].type, "Organization"))
        ex.entities[q.speaker].type = "Person";
      ex.quotes.push_back(std::move(q));
    }
  }

  // A product named after its maker ("Nvidia H800") is developed by it.
  // The organisations' first words, folded once (not once per product); an
  // organisation's words are cut, once, only for a product that opens with
  // its first word.
  const size_t n_entities = ex.entities.size();
  std::vector<std::optional<std::string>> org_first(n_entities);
  std::vector<std::optional<std::vector<Token>>> org_tokens(n_entities);
  std::vector<size_t> orgs, products;  // indexes, in order
  for (size_t e = 0; e < n_entities; ++e) {
    if (Is(ex.entities[e].type, "Organization")) orgs.push_back(e);
    if (Is(ex.entities[e].type, "Product") && ex.entities[e].strong) products.push_back(e);
  }
  // (FoldedHash of the first word, organisation), sorted: the organisations
  // whose first word may be a product's, in index order, by binary search.
  std::vector<std::pair<size_t, size_t>> org_by_first;
  if (!products.empty()) {
    for (size_t o : orgs) {
      org_first[o] = FirstWordFolded(ex.entities[o].name);
      if (org_first[o]) org_by_first.emplace_back(FoldedHash(*org_first[o]), o);
    }
    std::sort(org_by_first.begin(), org_by_first.end());
  }
  for (size_t p : products) {
    const auto& prod = ex.entities[p];
    auto ptoks = Tokenize(prod.name);
    if (ptoks.empty()) continue;
    const size_t first = ptoks[0].hash;
    auto it = std::lower_bound(org_by_first.begin(), org_by_first.end(), std::pair<size_t, size_t>(first, 0));
    bool made = false;
    for (; it != org_by_first.end() && it->first == first; ++it) {
      const size_t o = it->second;
      const auto& org = ex.entities[o];
      // Another first word: no prefix of the product's words.
      if (*org_first[o] != ptoks[0].folded) continue;
      if (!org_tokens[o]) org_tokens[o] = Tokenize(org.name);
      const auto& otoks = *org_tokens[o];
      if (otoks.empty() || otoks.size() >= ptoks.size()) continue;
      bool prefix = true;
      for (size_t k = 0; k < otoks.size(); ++k) prefix &= otoks[k].folded == ptoks[k].folded;
      if (!prefix) continue;
      add_built_in("DEVELOPS", static_cast<int>(o), static_cast<int>(p), "name.maker-prefix", prod.first_sentence,
                   prod.first_begin, prod.first_end);
      made = true;
    }
    if (made) continue;
    // A gazetteer company the article names only inside the product's name,
    // before a model code ("Nvidia GB300 NVL72 racks"; not "Amazon Web
    // Services", "Google Cloud"): the longest of its names that opens the
    // product's words (AliasesStartingWith lists them longest first).
    for (const auto& start : lexicon_.AliasesStartingWith(first)) {
      // (The entry last: reading it missed the cache for most aliases, the
      // product's own among them; it was ExtractDocument's hottest load in
      // perf, 15 % of its samples.)
      if (start.tokens >= ptoks.size()) continue;
      if (std::none_of(ptoks.begin() + start.tokens, ptoks.end(), [](const Token& t) { return t.has_digit; }))
        continue;
      auto words = lexicon_.WordsOf(start);
      bool prefix = true;
      for (size_t k = 0; k < start.tokens && prefix; ++k) prefix = words.Next(ptoks[k].folded);
      if (!prefix) continue;
      const LexiconEntry& entry = lexicon_.entries()[static_cast<size_t>(start.entry)];
      if (!Is(entry.type, "Organization")) continue;
      Mention at;
      at.begin = prod.first_begin;
      at.end = prod.first_end;
      at.signal = "maker-prefix";
      const int o = resolver.OrganizationEntity(entry.name, at, prod.first_sentence);
      if (o >= 0 && o != static_cast<int>(p))
        add_built_in("DEVELOPS", o, static_cast<int>(p), "name.maker-prefix", prod.first_sentence, prod.first_begin,
                     prod.first_end);
      break;
    }
  }
  RoundAmounts(ex);
  DateRelations(ex);
  LinkQuotesToContext(ex);
  // Entities that take part in a fact become nodes.
  for (const auto& r : ex.relations) {
    ex.entities[r.src].strong = true;
    ex.entities[r.dst].strong = true;
  }
  for (const auto& q : ex.quotes) {
    if (q.speaker >= 0) ex.entities[q.speaker].strong = true;
    for (int a : q.about) ex.entities[a].strong = true;
  }
  // A capitalised name the article writes twice or more is a name, not a
  // capitalised word that happened to stand there once; unless it only ever
  // follows a preposition of place ("in Karnal": a place, not an
  // organization).
  std::vector<unsigned char> named(ex.entities.size(), 0), placed(ex.entities.size(), 1);
  for (const auto& ms : ex.mentions)
    for (const auto& m : ms) {
      if (m.entity < 0 || (m.source != MentionSource::kCandidate && m.source != MentionSource::kDiscovered)) continue;
      const auto e = static_cast<size_t>(m.entity);
      if (named[e] < 2) ++named[e];
      if (placed[e] && !LoweredEndsWith(std::string_view(text).substr(0, m.begin), lexicon_.locative_prepositions))
        placed[e] = 0;
    }
  for (size_t e = 0; e < ex.entities.size(); ++e)
    if (named[e] >= 2 && !placed[e]) ex.entities[e].strong = true;
  return ex;
}

// Removes the relations of `guessed` (added since `first_new`) whose named
// endpoint has an explicit relation of the same type in the same sentence.
void Pipeline::DropReplacedGuesses(Extraction& ex, size_t first_new, const std::map<size_t, std::string>& guessed,
                                   const std::vector<EndKey>& explicit_ends,
                                   std::map<RelationKey, size_t>& rel_index) const {
  auto replaced = [&](size_t k) {
    auto g = guessed.find(k);
    if (g == guessed.end()) return false;
    const auto& r = ex.relations[k];
    const EndKey end = EndKeyOf(r.type, g->second, Is(g->second, "src") ? r.src : r.dst);
    return std::find(explicit_ends.begin(), explicit_ends.end(), end) != explicit_ends.end();
  };
  std::vector<RelationRecord> kept;
  for (size_t k = first_new; k < ex.relations.size(); ++k)
    if (!replaced(k)) kept.push_back(std::move(ex.relations[k]));
  if (kept.size() == ex.relations.size() - first_new) {
    for (size_t k = 0; k < kept.size(); ++k) ex.relations[first_new + k] = std::move(kept[k]);
    return;
  }
  for (auto it = rel_index.begin(); it != rel_index.end();)
    it = it->second >= first_new ? rel_index.erase(it) : std::next(it);
  ex.relations.resize(first_new);
  for (auto& r : kept) {
    rel_index.emplace(RelKey(r.type, r.src, r.dst), ex.relations.size());
    ex.relations.push_back(std::move(r));
  }
}

// "Tidewright said it had raised $40 million in a Series B round. Bessemer
// led the round, with participation from ...": a relationship of a kind of
// corpus/lexicon/round_relations.txt (FUNDS) found in a sentence that states
// no amount takes the amount of the round its recipient raised in one of the
// two sentences before (the recipient named before the amount, a word of
// raise_words.txt among the four words right before it) when no relationship
// found there has it already. Only the first such relationship takes it (the
// round's lead is named first): the amount is the round's total, not each
// investor's.
void Pipeline::RoundAmounts(Extraction& ex) const {
  if (lexicon_.round_relations.empty() || lexicon_.raise_words.empty()) return;
  constexpr size_t kBack = 2, kWordsBefore = 4;  // sentences back; words before the amount
  std::set<std::pair<size_t, size_t>> used;  // (sentence, begin) of the amounts given
  auto has_money = [&](size_t si) {
    return std::any_of(ex.mentions[si].begin(), ex.mentions[si].end(),
                       [](const Mention& m) { return Is(m.type, "Money"); });
  };
  for (auto& r : ex.relations) {
    if (!lexicon_.round_relations.count(r.type) || r.props.count("amount")) continue;
    if (r.sentence >= ex.mentions.size() || has_money(r.sentence)) continue;
    const Mention* found = nullptr;
    size_t found_sentence = 0;
    for (size_t back = 1; back <= kBack && back <= r.sentence && !found; ++back) {
      const size_t si = r.sentence - back;
      for (const auto& m : ex.mentions[si]) {
        if (!Is(m.type, "Money") || m.currency.empty() || used.count({si, m.begin})) continue;
        // Given already to a relationship found in that sentence.
        const bool taken = std::any_of(ex.relations.begin(), ex.relations.end(), [&](const RelationRecord& o) {
          auto a = o.props.find("amount");
          return o.sentence == si && a != o.props.end() && a->second == graph::Value(m.amount);
        });
        if (taken) continue;
        for (const auto& who : ex.mentions[si]) {
          if (who.entity != r.dst || who.end > m.begin) continue;
          const auto words = Tokenize(std::string_view(ex.doc.text).substr(who.end, m.begin - who.end));
          const size_t from = words.size() > kWordsBefore ? words.size() - kWordsBefore : 0;
          if (std::any_of(words.begin() + static_cast<std::ptrdiff_t>(from), words.end(),
                          [&](const Token& t) { return lexicon_.raise_words.count(t.folded); })) {
            found = &m;
            found_sentence = si;
            break;
          }
        }
        if (found) break;
      }
    }
    if (!found) continue;
    used.insert({found_sentence, found->begin});
    SetAmount(r.props, "amount", *found);
  }
}

// A fact of a dated kind (a funding round, an acquisition, an announcement:
// corpus/lexicon/dated_relations.txt) takes the date its sentence states,
// the one nearest to the words that expressed it.
void Pipeline::DateRelations(Extraction& ex) const {
  for (auto& r : ex.relations) {
    if (!lexicon_.dated_relations.count(r.type) || r.props.count("date")) continue;
    if (r.sentence >= ex.mentions.size()) continue;
    const Mention* best = nullptr;
    size_t best_distance = 0;
    for (const auto& m : ex.mentions[r.sentence]) {
      if (!Is(m.type, "Date") || m.iso_date.empty()) continue;
      size_t distance = m.end <= r.span_begin ? r.span_begin - m.end : m.begin >= r.span_end ? m.begin - r.span_end : 0;
      if (!best || distance < best_distance) {
        best = &m;
        best_distance = distance;
      }
    }
    if (best) r.props["date"] = best->iso_date;
  }
}

// What a quote is about beyond the names in it: a quote that speaks for "us"
// is about the speaker's side (the organization they lead or founded, else
// their country), and one that opens on a demonstrative ("Cela ...", "This
// ...") about the article's topic so far.
void Pipeline::LinkQuotesToContext(Extraction& ex) const {
  auto add = [](QuoteRecord& q, int e) {
    if (e >= 0 && e != q.speaker && std::find(q.about.begin(), q.about.end(), e) == q.about.end())
      q.about.push_back(e);
  };
  for (auto& q : ex.quotes) {
    if (q.speaker < 0) continue;
    // The words of the quote as Tokenize() cuts them, without the tokens.
    std::string_view rest = q.text;
    std::string first;  // folded
    bool any = false, we = false;
    while (!rest.empty()) {
      const size_t len = WordLength(rest);
      if (len == 0) {
        rest.remove_prefix(SkipLength(rest));
        continue;
      }
      const std::string_view w = rest.substr(0, len);
      rest.remove_prefix(len);
      if (!any) first = Fold(w);
      any = true;
      // "US" in capitals is the country, not the pronoun.
      bool capitals = w.size() > 1 && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      if (!capitals && lexicon_.we_words.count(Fold(w))) {
        we = true;
        break;  // (the words after it tell nothing more)
      }
    }
    if (!any) continue;
    std::vector<int> side = SpeakerSide(ex, q.speaker);
    if (we)
      for (int e : side) add(q, e);
    if (lexicon_.quote_openers.count(first)) {
      side.push_back(q.speaker);
      add(q, TopicBefore(ex, q.sentence, side));
    }
  }
}

// Whom a person speaks for: the organizations the article says they lead or
// founded; else the country they lead or are placed in, or the nationality
// of a descriptor ("l'universitaire américain").
std::vector<int> Pipeline::SpeakerSide(const Extraction& ex, int speaker) {
  std::vector<int> orgs, countries;
  for (const auto& r : ex.relations) {
    if (r.src != speaker) continue;
    const auto& type = ex.entities[r.dst].type;
    if ((Is(r.type, "LEADS") || Is(r.type, "FOUNDED")) && Is(type, "Organization")) orgs.push_back(r.dst);
    if ((Is(r.type, "LEADS") || Is(r.type, "LOCATED_IN")) && Is(type, "Country")) countries.push_back(r.dst);
  }
  if (!orgs.empty()) return orgs;
  if (!countries.empty()) return countries;
  const std::string& country = ex.entities[speaker].country;
  if (!country.empty())
    for (size_t e = 0; e < ex.entities.size(); ++e)
      if (Is(ex.entities[e].type, "Country") && ex.entities[e].name == country) return {static_cast<int>(e)};
  return {};
}

// The organization, product, project or policy mentioned most often up to sentence
// `last`, at least twice (the earliest first mention wins a tie), other than
// `exclude`.
int Pipeline::TopicBefore(const Extraction& ex, size_t last, const std::vector<int>& exclude) {
  // Per entity (by index, the order in which the candidates are compared):
  // whether it may be the topic, its mentions and the position of its first.
  const size_t n = ex.entities.size();
  std::vector<char> topical(n);
  for (size_t e = 0; e < n; ++e) {
    const auto& type = ex.entities[e].type;
    topical[e] = Is(type, "Organization") || Is(type, "Product") || Is(type, "Project") || Is(type, "Policy");
  }
  for (int e : exclude)
    if (e >= 0 && static_cast<size_t>(e) < n) topical[static_cast<size_t>(e)] = 0;
  std::vector<size_t> mentions(n, 0), first(n, 0);
  size_t order = 0;
  for (size_t si = 0; si <= last && si < ex.mentions.size(); ++si)
    for (const auto& m : ex.mentions[si]) {
      if (m.entity < 0 || !topical[static_cast<size_t>(m.entity)]) continue;
      if (m.source == MentionSource::kCandidate) continue;
      const size_t at = order++;
      if (mentions[static_cast<size_t>(m.entity)]++ == 0) first[static_cast<size_t>(m.entity)] = at;
    }
  int best = -1;
  for (size_t e = 0; e < n; ++e) {
    if (mentions[e] < 2) continue;  // named once: not what the article is about
    const auto b = static_cast<size_t>(best);
    if (best < 0 || mentions[e] > mentions[b] || (mentions[e] == mentions[b] && first[e] < first[b]))
      best = static_cast<int>(e);
  }
  return best;
}

std::string Pipeline::Explain(const Extraction& ex, bool views) const {
  std::ostringstream out;
  const std::string& text = ex.doc.text;
  out << "article: " << ex.doc.title.value_or("(untitled)") << "  lang=" << ex.doc.lang.value_or("?");
  if (ex.doc.author) out << "  author=" << *ex.doc.author;
  if (ex.doc.published) out << "  date=" << *ex.doc.published;
  out << "\n";
  for (size_t si = 0; si < ex.sentences.size(); ++si) {
    const auto& s = ex.sentences[si];
    std::string shown;
    size_t pos = s.begin;
    std::vector<const Mention*> ms;
    for (const auto& m : ex.mentions[si]) ms.push_back(&m);
    std::sort(ms.begin(), ms.end(), [](const Mention* a, const Mention* b) { return a->begin < b->begin; });
    for (const Mention* m : ms) {
      if (m->begin < pos) continue;
      shown += text.substr(pos, m->begin - pos);
      shown += "[" + text.substr(m->begin, m->end - m->begin) + "|" + m->type;
      if (m->entity >= 0 && ex.entities[m->entity].name != m->surface) shown += "=" + ex.entities[m->entity].name;
      if (Is(m->type, "Money")) {
        std::ostringstream v;
        v.precision(15);
        v << m->amount << " " << m->currency << (m->currency_inferred ? "?" : "");
        shown += "=" + v.str();
      }
      if (Is(m->type, "Date")) shown += "=" + m->iso_date;
      shown += "]";
      pos = m->end;
    }
    shown += text.substr(pos, s.end - pos);
    out << "[" << si << "] " << shown << "\n";
    if (views) {
      std::string v;
      rules_.Apply(text, s, ex.mentions[si], ex.doc.lang.value_or("fr"), &v);
      out << v;
    }
    for (const auto& r : ex.relations) {
      if (r.sentence != si) continue;
      out << "    " << ex.entities[r.src].name << " -[" << r.type << "]-> " << ex.entities[r.dst].name;
      if (!r.props.empty()) {
        out << " {";
        bool first = true;
        for (const auto& [k, v] : r.props) {
          out << (first ? "" : ", ") << k << ": ";
          if (v.is_string()) out << v.as_string();
          else if (v.is_float()) out << std::to_string(v.as_float());
          else if (v.is_int()) out << v.as_int();
          first = false;
        }
        out << "}";
      }
      out << "  (rule " << r.rule << ")\n";
    }
    for (const auto& q : ex.quotes) {
      if (q.sentence != si) continue;
      out << "    quote \"" << q.text.substr(0, 80) << (q.text.size() > 80 ? "..." : "") << "\" SAID by "
          << (q.speaker >= 0 ? ex.entities[q.speaker].name : "?");
      for (int a : q.about) out << "; ABOUT " << ex.entities[a].name;
      out << "  (rule " << q.rule << ")\n";
    }
  }
  out << "entities:\n";
  for (const auto& e : ex.entities)
    if (e.strong) out << "  " << e.type << " " << e.name << "\n";
  return out.str();
}

}  // namespace kg::ingest
