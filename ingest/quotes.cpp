// Quotes: spans first, then a filter (names, scare quotes), then the speaker:
// after the quote ("», a dit X"), before it in the sentence (the nearest
// person), or the person in focus for a long quote standing alone.
#include "ingest/quotes.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "ingest/text.h"

namespace kg::ingest {

namespace {
// True when `m` follows a complementizer (`openers`, as " that " or
// " qu'") and no verb of speech (`verbs`, as " said") stands between it and
// the quote opening at `open`.
bool ReportedSubject(std::string_view text, const Mention& m, size_t open,
                     const std::vector<std::string>& openers, const std::vector<std::string>& verbs) {
  size_t b = m.outer_begin;
  auto before = [&](std::string_view w) { return b >= w.size() && text.substr(b - w.size(), w.size()) == w; };
  if (std::none_of(openers.begin(), openers.end(), before)) return false;
  std::string_view between = text.substr(m.end, open > m.end ? open - m.end : 0);
  for (const auto& verb : verbs)
    if (between.find(verb) != std::string_view::npos) return false;
  return true;
}

RE2::Options Opts() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_case_sensitive(false);
  return o;
}

// The words of `t`, counted up to `at_most`: a long quote is not read to its
// end (CountWords 5.5M -> 1.6M instructions on 300 bench articles, callgrind).
size_t WordCount(std::string_view t, size_t at_most) { return CountWords(t, at_most); }

// Where `re` first matches `text` (false when it does not): the match
// alone, which RE2's DFA finds. A group, even one around the whole pattern,
// sends RE2 on to a submatch search, the NFA when the program is too large
// for BitState (the verbs of speech): 16,700 instructions a match
// (QuoteAttributor::Attribute 141K -> 48K instructions per bench article,
// callgrind).
bool MatchSpan(const RE2& re, std::string_view text, re2::StringPiece& match) {
  return re.Match(text, 0, text.size(), RE2::UNANCHORED, &match, 1);
}

bool HasInnerPunctuation(std::string_view t) {
  for (char c : t)
    if (c == ',' || c == ';' || c == '!' || c == '?' || c == '.' || c == ':') return true;
  return t.find("\xE2\x80\xA6") != std::string_view::npos;
}

}  // namespace

std::vector<QuoteSpan> FindQuotes(std::string_view text, const Sentence& s) {
  std::vector<QuoteSpan> out;
  // Only '"' and the lead byte of « and » (0xC2) can start or end a quote.
  const char* data = text.data();
  auto is_mark = [&](size_t k, char second) {
    return k + 1 < text.size() && data[k] == '\xC2' && data[k + 1] == second;
  };
  size_t i = s.begin;
  while (i < s.end) {
    {
      const void* quote = std::memchr(data + i, '"', s.end - i);
      const void* lead = std::memchr(data + i, 0xC2, s.end - i);
      size_t q = quote ? static_cast<size_t>(static_cast<const char*>(quote) - data) : s.end;
      size_t l = lead ? static_cast<size_t>(static_cast<const char*>(lead) - data) : s.end;
      i = std::min(q, l);
    }
    if (i >= s.end) break;
    if (is_mark(i, '\xAB')) {  // «
      size_t depth = 1, j = i + 2;
      while (j < s.end && depth > 0) {
        const void* lead = std::memchr(data + j, 0xC2, s.end - j);
        if (!lead) {
          j = s.end;
          break;
        }
        j = static_cast<size_t>(static_cast<const char*>(lead) - data);
        if (is_mark(j, '\xAB')) ++depth;
        if (is_mark(j, '\xBB')) --depth;
        if (depth > 0) ++j;
      }
      if (depth == 0) {
        QuoteSpan q{i, j + 2, i + 2, j};
        out.push_back(q);
        i = j + 2;
        continue;
      }
      i += 2;
      continue;
    }
    if (data[i] == '"') {
      size_t j = text.find('"', i + 1);
      if (j == std::string_view::npos || j >= s.end) break;
      out.push_back({i, j + 1, i + 1, j});
      i = j + 1;
      continue;
    }
    ++i;
  }
  for (auto& q : out) {
    while (q.begin < q.end && text[q.begin] == ' ') ++q.begin;
    while (q.end > q.begin && text[q.end - 1] == ' ') --q.end;
  }
  return out;
}

QuoteAttributor::QuoteAttributor(const Lexicon& lex) : lex_(lex) {
  naming_ = std::make_unique<RE2>("(?:" + JoinAlternatives(lex.quote_naming, kMatchesNothing) + ")\\s*$", Opts());
  std::string verbs = JoinAlternatives(lex.speech_verbs, kMatchesNothing);
  after_verb_ = std::make_unique<RE2>("^\\s*[,.]?\\s*(?:" + verbs + ")", Opts());
  after_name_verb_ = std::make_unique<RE2>("^(?:\\s*,[^,.\"«»]{1,60},)?\\s*(?:" + verbs + ")", Opts());
  // "X a salué un « moment historique »": a verb of speech, perhaps a
  // determiner, then the quote (the text before it ends so).
  short_intro_ = std::make_unique<RE2>(
      "\\b(?:" + verbs + ")\\s+(?:(?:" + LiteralAlternatives(lex.determiners) + ")\\s*)?$", Opts());
  // ", an analyst said": a speaker brought in by an indefinite article.
  indefinite_subject_ = std::make_unique<RE2>("^\\s*[,.]?\\s*(?:" + LiteralAlternatives(lex.indefinite_articles) +
                                                  ")\\s[^\"«».]{0,60}?\\b(" + verbs + ")\\b",
                                              Opts());
  // "Selon un porte-parole de Sanofi, « … »", "According to Scania, "…"":
  // the text before an organization that speaks through the quote.
  source_before_ = std::make_unique<RE2>(
      "(?:^|\\W)(?:" + JoinAlternatives(lex.source_openers, kMatchesNothing) + ")\\s+(?:[\\pL'-]+\\s+){0,4}?(?:\\pL')?$", Opts());
  for (const RE2* re : {after_verb_.get(), short_intro_.get(), indefinite_subject_.get(), source_before_.get()})
    if (!re->ok()) throw RuleError("lexicon (speech_verbs, determiners, indefinite_articles): " + re->error());
}

int QuoteAttributor::SurnameOwner(std::string_view text, size_t begin, size_t end, int own,
                                  const std::vector<EntityRecord>& entities) const {
  auto word = Tokenize(text.substr(begin, end - begin));
  if (word.size() != 1 || !word[0].upper_initial) return -1;
  if (own >= 0 && static_cast<size_t>(own) < entities.size() && Is(entities[static_cast<size_t>(own)].type, "Person") &&
      Tokenize(entities[static_cast<size_t>(own)].name).size() >= 2)
    return -1;  // already a person's full name
  int fallback = -1;
  for (size_t e = 0; e < entities.size(); ++e) {
    if (static_cast<int>(e) == own) continue;
    const auto& ent = entities[e];
    if (!Is(ent.type, "Person") && !Is(ent.type, "Organization") && !Is(ent.type, "Project") && !Is(ent.type, "Product")) continue;
    auto toks = Tokenize(ent.name);
    if (toks.size() < 2 || toks.back().folded != word[0].folded) continue;
    if (Is(ent.type, "Person")) return static_cast<int>(e);
    // A name of two or three capitalised words that recognition did not
    // type as a person ("founded by Nikita Shamgunov").
    if (fallback < 0 && toks.size() <= 3 &&
        std::all_of(toks.begin(), toks.end(), [](const Token& t) { return t.upper_initial; }))
      fallback = static_cast<int>(e);
  }
  return fallback;
}

QuoteAttributor::~QuoteAttributor() = default;

std::vector<QuoteRecord> QuoteAttributor::Attribute(std::string_view text, const Sentence& s, size_t si,
                                                    const std::vector<Mention>& ms,
                                                    const std::vector<EntityRecord>& entities,
                                                    const std::function<int(size_t)>& focus) const {
  // The speaker a mention names: itself as a person, or the person whose
  // surname it is.
  auto person = [&](const Mention& m) {
    if (m.entity < 0) return -1;
    // (A known organization's name is no surname.)
    int owner = Is(m.type, "Person") || m.source != MentionSource::kGazetteer
                    ? SurnameOwner(text, m.begin, m.end, m.entity, entities)
                    : -1;
    if (owner >= 0) return owner;
    return Is(m.type, "Person") ? m.entity : -1;
  };
  // A named organization (no capitalised word recognition left untyped): it
  // speaks when no person does ("», a indiqué Orange").
  auto organization = [](const Mention& m) {
    return m.entity >= 0 && Is(m.type, "Organization") && m.source != MentionSource::kCandidate;
  };
  // The speaker a mention right after a quote names: a person as above, or a
  // capitalised name of two words or more that recognition left untyped.
  auto speaker_after = [&](const Mention& m) {
    int speaker = person(m);
    if (speaker < 0 && m.source == MentionSource::kCandidate && Tokenize(m.surface).size() >= 2) speaker = m.entity;
    return speaker;
  };
  std::vector<QuoteRecord> out;
  auto spans = FindQuotes(text, s);
  size_t prev_close = s.begin;
  for (const auto& q : spans) {
    std::string_view inner = text.substr(q.begin, q.end - q.begin);
    std::string_view before = text.substr(s.begin, q.open - s.begin);
    size_t region_start = prev_close;
    prev_close = q.close;
    if (inner.empty()) continue;
    // A name in quotes: "un projet nommé "Stargate"", or a quote that is
    // exactly one mention.
    if (RE2::PartialMatch(before, *naming_)) continue;
    bool is_name = false;
    for (const auto& m : ms)
      if (m.begin <= q.begin && m.end >= q.end && !Is(m.type, "Money")) is_name = true;
    if (is_name) continue;
    QuoteRecord rec;
    rec.text = std::string(inner);
    rec.sentence = si;
    rec.begin = q.begin;
    rec.end = q.end;
    // Scare quotes: a short phrase without punctuation, unless a person's
    // verb of speech brings it in ("X a salué un « moment historique »")
    // and it is no name (it opens in lower case).
    if (WordCount(inner, 4) < 4 && !HasInnerPunctuation(inner)) {
      // (A capitalised phrase is a name: "said the "Stargate" effort".)
      auto words = Tokenize(inner);
      if (words.empty() || words[0].upper_initial) continue;
      re2::StringPiece intro;
      if (!MatchSpan(*short_intro_, before, intro)) continue;
      // The person ends at most a few words before the verb phrase.
      const size_t verb_at = static_cast<size_t>(intro.data() - text.data());
      for (auto it = ms.rbegin(); it != ms.rend(); ++it) {
        if (it->end > verb_at || it->begin < region_start) continue;
        if (verb_at - it->end > 24) break;
        rec.speaker = person(*it);
        break;
      }
      if (rec.speaker < 0) continue;
      rec.rule = "quote.short-after-verb";
      out.push_back(std::move(rec));
      continue;
    }
    // 1. After the quote: "», a déclaré X" / "," X said.
    std::string_view after = text.substr(q.close, s.end - q.close);
    std::string_view rest = after;
    bool anonymous = false;  // "», juge un analyste": a speaker we cannot name
    re2::StringPiece verb;
    if (MatchSpan(*after_verb_, after, verb)) {
      anonymous = true;
      for (const auto& m : ms)
        if (m.begin >= q.close && m.begin < q.close + 60 && m.entity >= 0) {
          int speaker = speaker_after(m);
          if (speaker < 0) continue;
          rec.speaker = speaker;
          rec.rule = "quote.after-verb";
          anonymous = false;
          break;
        }
      // "», a indiqué le ministère" / "", the ministry said": an organization
      // right after the verb speaks when no person does.
      if (anonymous) {
        size_t np = static_cast<size_t>(verb.data() - text.data()) + verb.size();
        for (const auto& m : ms)
          if (organization(m) && m.outer_begin >= np && m.outer_begin <= np + 4) {
            rec.speaker = m.entity;
            rec.rule = "quote.after-verb-organization";
            anonymous = false;
            break;
          }
      }
      // "», a martelé le président de la République": a definite description
      // that names no organization or thing is the person in focus.
      if (anonymous) {
        size_t np = static_cast<size_t>(verb.data() - text.data()) + verb.size();
        while (np < s.end && text[np] == ' ') ++np;
        size_t len = np < s.end ? WordLength(text.substr(np, s.end - np)) : 0;
        size_t head_end = np + len;
        while (head_end < s.end && (text[head_end] == '\'' || text[head_end] == ' ')) ++head_end;
        head_end += head_end < s.end ? WordLength(text.substr(head_end, s.end - head_end)) : 0;
        bool thing = std::any_of(ms.begin(), ms.end(), [&](const Mention& m) {
          return m.entity >= 0 && !Is(m.type, "Person") && m.source != MentionSource::kDemonym && m.outer_begin < head_end &&
                 m.end > np;
        });
        if (len > 0 && lex_.definite_articles.count(Fold(text.substr(np, len))) && !thing) {
          rec.speaker = focus(q.open);
          rec.rule = "quote.after-verb-description";
          anonymous = rec.speaker < 0;
        }
      }
    } else if (re2::StringPiece said; RE2::PartialMatch(after, *indefinite_subject_, &said)) {
      anonymous = true;  // ", an analyst said"
      // ", a BIS spokesperson said": the organization speaks through them.
      const size_t end = static_cast<size_t>(said.data() - text.data());
      for (const auto& m : ms)
        if (organization(m) && m.begin >= q.close && m.end <= end) {
          rec.speaker = m.entity;
          rec.rule = "quote.organization-spokesperson";
          anonymous = false;
          break;
        }
    } else {
      // "X said" right after the quote, also after the organization and
      // title that introduce X ("», OpenAI chief executive Sam Altman said").
      size_t limit = q.close + 6;
      for (const auto& m : ms) {
        if (m.begin < q.close || m.begin > limit || m.entity < 0) continue;
        if (organization(m) && limit == q.close + 6) {
          // ("", the ministry said": the organization itself.)
          std::string_view tail = text.substr(m.end, std::min<size_t>(s.end - m.end, 90));
          if (m.outer_begin <= q.close + 6 && RE2::PartialMatch(tail, *after_name_verb_)) {
            rec.speaker = m.entity;
            rec.rule = "quote.organization-verb-after";
            break;
          }
          limit = m.end + 40;  // the person may follow a title of up to a few words
          continue;
        }
        int speaker = speaker_after(m);
        if (speaker < 0) break;
        std::string_view tail = text.substr(m.end, std::min<size_t>(s.end - m.end, 90));
        if (RE2::PartialMatch(tail, *after_name_verb_)) {
          rec.speaker = speaker;
          rec.rule = "quote.name-verb-after";
        }
        break;
      }
    }
    (void)rest;
    // 2. The nearest person before the quote in the sentence.
    if (anonymous) continue;
    if (rec.speaker < 0) {
      for (auto it = ms.rbegin(); it != ms.rend(); ++it) {
        if (it->end > q.open || it->begin < region_start) continue;
        if (int speaker = person(*it); speaker >= 0) {
          rec.speaker = speaker;
          rec.rule = "quote.person-before";
          // "Sam Altman replied that Musk was "wrong"": a person who opens a
          // reported clause, with no verb of speech of his own, is not the
          // speaker; the person before him is.
          if (ReportedSubject(text, *it, q.open, lex_.complementizers, lex_.reporting_verbs)) {
            for (auto earlier = std::next(it); earlier != ms.rend(); ++earlier)
              if (earlier->begin >= region_start && Is(earlier->type, "Person") && earlier->entity >= 0 &&
                  earlier->entity != it->entity) {
                rec.speaker = earlier->entity;
                break;
              }
          }
          break;
        }
      }
      // "Vasquez told Reuters: "…"": a surname that opens the sentence (no
      // mention there) and a verb of speech after it.
      if (rec.speaker < 0 && region_start == s.begin) {
        auto words = Tokenize(text.substr(s.begin, q.open - s.begin), s.begin);
        if (!words.empty() && words[0].upper_initial && !words[0].has_digit &&
            std::none_of(ms.begin(), ms.end(), [&](const Mention& m) { return m.begin <= words[0].begin && m.end > words[0].begin; }) &&
            RE2::PartialMatch(text.substr(words[0].end, q.open - words[0].end), *after_name_verb_)) {
          rec.speaker = SurnameOwner(text, words[0].begin, words[0].end, -1, entities);
          if (rec.speaker >= 0) rec.rule = "quote.surname-before";
        }
      }
      if (rec.speaker < 0) {
        for (auto it = ms.rbegin(); it != ms.rend(); ++it) {
          if (it->end > q.open) continue;
          if (Is(it->type, "Person") && it->entity >= 0) {
            rec.speaker = it->entity;
            rec.rule = "quote.person-before";
            break;
          }
        }
      }
    }
    // 2b. No person before it: an organization the sentence gives as the
    // source ("Selon un porte-parole de Sanofi, « … »"), or its subject when
    // a colon brings the quote in ("Le groupe a démenti : « … »").
    if (rec.speaker < 0 && !anonymous) {
      std::string_view lead = text.substr(region_start, q.open - region_start);
      while (!lead.empty() && lead.back() == ' ') lead.remove_suffix(1);
      const bool colon = !lead.empty() && lead.back() == ':';
      for (const auto& m : ms) {
        if (m.entity < 0 || !Is(m.type, "Organization")) continue;
        if (m.outer_begin < region_start || m.end > q.open) continue;
        // (A capitalised word that nothing typed speaks only after "selon".)
        const bool source = RE2::PartialMatch(text.substr(region_start, m.outer_begin - region_start), *source_before_);
        const bool subject = colon && m.outer_begin <= region_start + 2 && m.source != MentionSource::kCandidate;
        if (source || subject) {
          rec.speaker = m.entity;
          rec.rule = source ? "quote.source-organization" : "quote.subject-organization";
        }
        break;  // only the first organization of the sentence
      }
    }
    // 3. A long quote alone: the person in focus.
    if (rec.speaker < 0 && WordCount(inner, 6) >= 6) {
      rec.speaker = focus(q.open);
      rec.rule = "quote.focus";
    }
    if (rec.speaker < 0) continue;
    // What the quote is about: names inside it, and the name just before it
    // ("qu'OpenAI « pourrait … »").
    for (const auto& m : ms) {
      if (m.entity < 0 || m.entity == rec.speaker) continue;
      if (Is(m.type, "Money") || Is(m.type, "Date") || Is(m.type, "Number")) continue;
      bool inside = m.begin >= q.begin && m.end <= q.end;
      bool just_before = m.end <= q.open && q.open - m.end <= 3 && m.source != MentionSource::kDemonym;
      if ((inside && m.source != MentionSource::kCandidate) || just_before)
        if (std::find(rec.about.begin(), rec.about.end(), m.entity) == rec.about.end())
          rec.about.push_back(m.entity);
    }
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace kg::ingest
