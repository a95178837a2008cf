// Writing an extraction: nodes first (so relationships can point at them),
// then relationships and quotes, each with its evidence.
#include "ingest/store_writer.h"

#include <algorithm>
#include <bit>
#include <optional>
#include <span>
#include <utility>

#include "graph/normalize.h"

namespace kg::ingest {

std::string ContentHash(std::string_view text) {
  uint64_t a = 1469598103934665603ull, b = 1099511628211ull * 31;
  auto step = [&a, &b](unsigned char c) {
    a = (a ^ c) * 1099511628211ull;
    b = (b + c) * 0x100000001b3ull ^ (b >> 29);
  };
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {  // (four bytes a turn: fewer loop tests)
    step(p[i]);
    step(p[i + 1]);
    step(p[i + 2]);
    step(p[i + 3]);
  }
  for (; i < n; ++i) step(p[i]);
  // "%016llx%016llx" by hand (snprintf cost more than a kilobyte of hashing).
  std::string hex(32, '0');
  for (int k = 0; k < 16; ++k) {
    hex[15 - k] = "0123456789abcdef"[(a >> (4 * k)) & 0xF];
    hex[31 - k] = "0123456789abcdef"[(b >> (4 * k)) & 0xF];
  }
  return hex;
}

GraphWriter::GraphWriter(graph::Store& store, std::set<std::string> symmetric_types)
    : store_(store),
      symmetric_types_(std::move(symmetric_types)),
      first_new_node_(store.MaxNodeId() + 1),
      no_old_nodes_(first_new_node_ == 1),
      next_rel_(store.MaxRelationshipId() + 1),
      no_old_rels_(next_rel_ == 1) {}

std::vector<std::string> GraphWriter::UnreadIndexes() const {
  // Evidence is only written; relationships are looked up by their start
  // (rels_src_type), and not even that when there were none before.
  // evidence_rel is not kept live: its keys grow with the rowid only for new
  // relationships (163,444 of its 687,473 rows in the 10,000 bench articles
  // name an older one), and kept live it cost more than its rebuild (live,
  // 2,000 articles: 0.9 % fewer instructions, rebuild -447M and
  // AddEvidenceRows +284M; but 10,000: 27.8 s instead of 26.3 s, medians of
  // 3 alternated runs; sys 1.4 s instead of 0.9 s: each batch writes the
  // index pages it touched to the WAL). Keeping
  // evidence_node live as well costs more still (2,000 articles: 19,251M
  // instructions in all instead of 18,980M, and 19,145M dropping both).
  std::vector<std::string> names = {"evidence_node", "evidence_rel", "rels_dst_type"};
  if (no_old_rels_) names.emplace_back("rels_src_type");
  // Without nodes from before the writer, it reads neither aliases nor
  // labels nor names of nodes from the store (see no_old_nodes_).
  if (no_old_nodes_) names.insert(names.end(), {"aliases_node", "node_labels_node", "nodes_name"});
  return names;
}

graph::NodeId GraphWriter::ResolveEntity(const EntityRecord& e, bool& created) {
  const std::string norm = graph::NormalizeName(e.name);
  std::string key = e.type + "\t" + norm;
  graph::NodeId id = 0;
  auto it = node_cache_.find(key);
  if (it != node_cache_.end()) return it->second;
  if (no_old_nodes_) {
    // Store::FindByAlias and LabelsOf, from what this writer wrote.
    if (auto it = alias_nodes_.find(norm); it != alias_nodes_.end())
      for (graph::NodeId cand : it->second)
        if (known_[KnownIndex(cand)].type == e.type) {
          id = cand;
          break;
        }
  } else {
    for (graph::NodeId cand : store_.FindByAlias(e.name)) {
      auto labels = store_.LabelsOf(cand);
      if (std::find(labels.begin(), labels.end(), e.type) != labels.end()) {
        id = cand;
        break;
      }
    }
  }
  if (id == 0) {
    graph::List aliases;
    for (const auto& a : e.aliases)
      if (a != e.name) aliases.emplace_back(a);
    graph::Properties props = {{"name", e.name}, {"aliases", std::move(aliases)}};
    id = store_.CreateNode({e.type}, props);
    if (known_of_.size() <= static_cast<size_t>(id)) known_of_.resize(static_cast<size_t>(id) + 1, kNotKnown);
    const auto k = static_cast<uint32_t>(known_.size());
    known_of_[static_cast<size_t>(id)] = k;
    auto& known = known_.emplace_back();
    known.id = id;
    known.props = std::move(props);  // as written: no need to read them back for a new alias
    known.type = e.type;
    for (const auto& a : e.aliases) {
      AddAliasRow(id, a);
      AddKnownAlias(k, a);
    }
    AddKnownAlias(k, e.name);
    created = true;
  }
  node_cache_.emplace(key, id);
  return id;
}

void GraphWriter::AddAliasRow(graph::NodeId id, const std::string& alias) {
  if (!no_old_nodes_) {
    store_.AddAlias(id, alias);
    return;
  }
  std::string norm = graph::NormalizeName(alias);
  store_.AddAlias(id, alias, norm);
  if (norm.empty()) return;  // (Store::AddAlias writes none)
  auto& nodes = alias_nodes_[std::move(norm)];
  auto at = std::lower_bound(nodes.begin(), nodes.end(), id);
  if (at == nodes.end() || *at != id) nodes.insert(at, id);
}

bool GraphWriter::HasAlias(uint32_t k, std::string_view a) const {
  return known_aliases_.Find(k, a) != TextIndex::kNone;
}

void GraphWriter::AddKnownAlias(uint32_t k, std::string_view a) { known_aliases_.Add(k, a, 0); }

uint32_t GraphWriter::KnownIndex(graph::NodeId id) const {
  const auto at = static_cast<size_t>(id);
  return at < known_of_.size() ? known_of_[at] : kNotKnown;
}

uint32_t GraphWriter::Known(graph::NodeId id) {
  if (uint32_t k = KnownIndex(id); k != kNotKnown) return k;
  const auto at = static_cast<size_t>(id);
  if (known_of_.size() <= at) known_of_.resize(at + 1, kNotKnown);
  const auto k = static_cast<uint32_t>(known_.size());
  known_of_[at] = k;
  known_.emplace_back().id = id;
  for (const auto& a : store_.AliasesOf(id)) AddKnownAlias(k, a);
  return k;
}

uint32_t GraphWriter::EntityTypeIndex(const std::string& type) {
  for (size_t i = 0; i < entity_types_.size(); ++i)
    if (entity_types_[i] == type) return static_cast<uint32_t>(i);
  entity_types_.push_back(type);
  return static_cast<uint32_t>(entity_types_.size() - 1);
}

void GraphWriter::RecordKey(const EntityRecord& e, std::string& key) {
  key.assign(e.name);
  for (const auto& a : e.aliases) {
    const auto size = static_cast<uint32_t>(a.size());
    key.append(reinterpret_cast<const char*>(&size), sizeof size);
    key.append(a);
  }
}

graph::NodeId GraphWriter::EntityNode(const EntityRecord& e, const RecordLookup& record, bool& created) {
  created = false;
  const uint32_t type = record.type;
  // The same record (name and aliases) written before: its node, which has
  // every one of these aliases since then.
  if (uint32_t k = written_records_.Find(type, record.key); k != TextIndex::kNone) return known_[k].id;
  // A name seen before as written: the node it resolved to then (an entry of
  // node_cache_ never changes once made).
  uint32_t k = written_names_.Find(type, e.name);
  if (k == TextIndex::kNone) {
    k = Known(ResolveEntity(e, created));
    written_names_.Add(type, e.name, k);
  }
  // New aliases of a known node.
  KnownNode& node_known = known_[k];
  const graph::NodeId id = node_known.id;
  std::vector<std::string> fresh;
  for (const auto& a : e.aliases)
    if (!HasAlias(k, a)) fresh.push_back(a);
  if (!fresh.empty()) {
    if (!node_known.props) node_known.props = store_.GetNode(id)->props;
    graph::Properties& props = *node_known.props;
    graph::List list;
    auto p = props.find("aliases");
    if (p != props.end() && p->second.is_list()) list = p->second.as_list();
    for (const auto& a : fresh) {
      AddKnownAlias(k, a);
      AddAliasRow(id, a);
      list.emplace_back(a);
    }
    props["aliases"] = std::move(list);
    store_.SetNodeProperties(id, props);
  }
  written_records_.Add(type, record.key, k);
  return id;
}

size_t GraphWriter::EdgeIndex::SlotOf(graph::NodeId start, graph::NodeId end, uint32_t type) const {
  // Multiply-xorshift mixing of the three keys; the top bits pick the slot.
  uint64_t h = static_cast<uint64_t>(start) * 0x9e3779b97f4a7c15ull;
  h ^= static_cast<uint64_t>(end) + 0x632be59bd9b4e019ull + (h << 6) + (h >> 2);
  h = (h ^ type) * 0xbf58476d1ce4e5b9ull;
  h ^= h >> 31;
  return static_cast<size_t>(h) & (slots_.size() - 1);
}

graph::RelId GraphWriter::EdgeIndex::Find(graph::NodeId start, graph::NodeId end, uint32_t type) const {
  if (slots_.empty()) return 0;
  for (size_t i = SlotOf(start, end, type);; i = (i + 1) & (slots_.size() - 1)) {
    const Slot& slot = slots_[i];
    if (slot.id == 0) return 0;
    if (slot.start == start && slot.end == end && slot.type == type) return slot.id;
  }
}

void GraphWriter::EdgeIndex::Add(graph::NodeId start, graph::NodeId end, uint32_t type, graph::RelId id) {
  if ((used_ + 1) * 4 > slots_.size() * 3) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(1024, old.size() * 2), Slot{});
    used_ = 0;
    for (const Slot& slot : old)
      if (slot.id != 0) Add(slot.start, slot.end, slot.type, slot.id);
  }
  for (size_t i = SlotOf(start, end, type);; i = (i + 1) & (slots_.size() - 1)) {
    Slot& slot = slots_[i];
    if (slot.id == 0) {
      slot = Slot{start, end, id, type};
      ++used_;
      return;
    }
    if (slot.start == start && slot.end == end && slot.type == type) return;
  }
}

uint32_t GraphWriter::TypeIndex(const std::string& name) {
  for (size_t i = 0; i < types_.size(); ++i)
    if (types_[i].name == name) return static_cast<uint32_t>(i);
  types_.push_back({name, symmetric_types_.count(name) > 0});
  return static_cast<uint32_t>(types_.size() - 1);
}

void GraphWriter::LoadOutEdges(graph::NodeId node, uint32_t type) {
  // Without relationships from before the writer, or from a node it
  // created, there are only those Relate made (and recorded): nothing to read.
  if (no_old_rels_ || node >= first_new_node_) return;
  if (!loaded_out_edges_.emplace(node, type).second) return;
  // The first (oldest) relationship to each node, as the scan in id order
  // found it (Add keeps the first).
  for (const auto& e : store_.EdgesOf(node, graph::Direction::kOut, types_[type].name))
    edges_.Add(node, e.other, type, e.id);
}

graph::RelId GraphWriter::Relate(graph::NodeId a, graph::NodeId b, uint32_t type, const graph::Properties& props,
                                 bool symmetric, bool& created) {
  created = false;
  LoadOutEdges(a, type);
  if (graph::RelId id = edges_.Find(a, b, type)) return id;
  if (symmetric) {
    LoadOutEdges(b, type);
    if (graph::RelId id = edges_.Find(b, a, type)) return id;
  }
  created = true;
  // Written at the end of Write, all at once; SQLite gives them the ids
  // that follow the largest (Write checks).
  const graph::RelId id = next_rel_ + static_cast<graph::RelId>(new_rels_.size());
  new_rels_.push_back({a, b, types_[type].name, graph::EncodeProperties(props)});
  edges_.Add(a, b, type, id);
  return id;
}

WriteStats GraphWriter::Write(const Extraction& ex) {
  WriteStats stats;
  std::string hash = ContentHash(ex.doc.text);
  if (auto existing = store_.FindArticleByHash(hash)) {
    stats.unchanged = true;
    stats.article = *existing;
    return stats;
  }
  // An article is all or nothing; inside the caller's transaction (a batch
  // of articles) it adds to that one and the caller rolls back on failure.
  std::optional<graph::Store::WriteTxn> txn;
  if (!store_.in_transaction()) txn.emplace(store_);
  graph::Article art;
  art.hash = hash;
  art.title = ex.doc.title;
  art.url = ex.doc.url;
  art.author = ex.doc.author;
  art.published = ex.doc.published;
  art.lang = ex.doc.lang;
  art.path = ex.doc.path;
  art.text = ex.doc.text;
  graph::ArticleId article = store_.AddArticle(art);
  stats.article = article;
  // The rows are written into the elements left from the articles before
  // (their strings keep their buffers): no Evidence built, moved and
  // destroyed for each row.
  size_t n_evidence = 0;
  auto evidence = [&](std::optional<graph::NodeId> node, std::optional<graph::RelId> rel, size_t si,
                      size_t b, size_t e, std::string_view rule, std::string_view rule_suffix = {}) {
    if (n_evidence == evidence_.size()) evidence_.emplace_back();
    graph::Evidence& ev = evidence_[n_evidence++];
    ev.node = node;
    ev.rel = rel;
    ev.article = article;
    ev.sentence_index = static_cast<int64_t>(si);
    ev.span_start = static_cast<int64_t>(b);
    ev.span_end = static_cast<int64_t>(e);
    ev.sentence_start = static_cast<int64_t>(ex.sentences[si].begin);
    ev.sentence_end = static_cast<int64_t>(ex.sentences[si].end);
    ev.rule.assign(rule);
    ev.rule.append(rule_suffix);
  };
  new_rels_.clear();

  std::vector<graph::NodeId> node_of(ex.entities.size(), 0);
  // The writer's tables outgrow the caches, so each lookup waits for memory:
  // asking for the slots of all of an article's records first lets those
  // waits overlap (10,000 bench articles, perf samples in TextIndex::Find
  // -25 %; the same for the relationships' table gave nothing measurable).
  if (records_.size() < ex.entities.size()) records_.resize(ex.entities.size());
  for (size_t i = 0; i < ex.entities.size(); ++i) {
    const auto& e = ex.entities[i];
    if (!e.strong) continue;
    RecordLookup& record = records_[i];
    record.type = EntityTypeIndex(e.type);
    RecordKey(e, record.key);
    written_records_.Prefetch(record.type, record.key);
  }
  for (size_t i = 0; i < ex.entities.size(); ++i) {
    const auto& e = ex.entities[i];
    if (!e.strong) continue;
    bool created = false;
    node_of[i] = EntityNode(e, records_[i], created);
    if (created) ++stats.entities_added;
    evidence(node_of[i], std::nullopt, e.first_sentence, e.first_begin, e.first_end,
             e.signal.empty() ? "entity" : "entity:", e.signal);
  }
  for (const auto& r : ex.relations) {
    graph::NodeId a = node_of[r.src], b = node_of[r.dst];
    if (a == 0 || b == 0 || a == b) continue;
    bool created = false;
    const uint32_t type = TypeIndex(r.type);
    graph::RelId id = Relate(a, b, type, r.props, types_[type].symmetric, created);
    if (created) ++stats.relations_added;
    evidence(std::nullopt, id, r.sentence, r.span_begin, r.span_end, r.rule);
  }
  for (const auto& q : ex.quotes) {
    if (q.speaker < 0 || node_of[q.speaker] == 0) continue;
    auto [known_quote, fresh_quote] = quote_nodes_.try_emplace(q.text, 0);
    graph::NodeId& qid = known_quote->second;
    if (fresh_quote && !no_old_nodes_) {
      for (graph::NodeId cand : store_.NodesNamed(q.text)) {
        auto labels = store_.LabelsOf(cand);
        if (std::find(labels.begin(), labels.end(), "Quote") != labels.end()) qid = cand;
      }
    }
    if (qid == 0) {
      qid = store_.CreateNode({"Quote"}, {{"name", q.text},
                                          {"text", q.text},
                                          {"language", ex.doc.lang.value_or("")},
                                          {"article", static_cast<int64_t>(article)}});
      ++stats.quotes_added;
    }
    evidence(qid, std::nullopt, q.sentence, q.begin, q.end, q.rule);
    bool created = false;
    graph::RelId said = Relate(node_of[q.speaker], qid, TypeIndex("SAID"), {}, false, created);
    evidence(std::nullopt, said, q.sentence, q.begin, q.end, q.rule);
    for (int about : q.about) {
      if (about < 0 || node_of[about] == 0) continue;
      graph::RelId rid = Relate(qid, node_of[about], TypeIndex("ABOUT"), {}, false, created);
      evidence(std::nullopt, rid, q.sentence, q.begin, q.end, "quote.about");
    }
  }
  // The relationships made above, then the evidence (which refers to them),
  // each in one statement. 2,000 bench articles: Relate with a
  // CreateRelationship each took 636M instructions, Relate and
  // AddRelationships take 384M; the same store.
  if (!new_rels_.empty()) {
    const graph::RelId first = store_.AddRelationships(new_rels_);
    if (first != next_rel_)
      throw StorageError("relationship ids out of step: the store gave " + std::to_string(first) +
                                ", the writer expected " + std::to_string(next_rel_) +
                                " (another writer?)");
    next_rel_ += static_cast<graph::RelId>(new_rels_.size());
  }
  // In the order of the calls above: the same ids as one insert each.
  store_.AddEvidenceRows(std::span<const graph::Evidence>(evidence_.data(), n_evidence));
  if (txn) txn->Commit();
  return stats;
}

}  // namespace kg::ingest
