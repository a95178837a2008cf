// Executor: count(*) shortcuts. MATCH followed by an aggregation whose
// aggregates are all count(*) is counted per node or per hop, without
// producing one row per match.
#include "queries/executor_internal.h"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace kg::queries::detail {

namespace {

// Spreads the bits of a hash over a power-of-two table.
size_t MixHash(size_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  return h;
}

}  // namespace

// MATCH (n)-[:T]-() followed by an aggregation whose aggregates are all
// count(*): the rows of one node n are as many as its relationships, so
// each node goes to the groups once with its degree as the row count
// instead of once per relationship. Applies only when nothing else could
// tell those rows apart (no other variable, label, property or WHERE).
bool Executor::CountByDegree() {
  if (stages_.size() < 2 || writes_) return false;
  const Stage& ms = stages_[0];
  const Stage& gs = stages_[1];
  const PlanOp& op = *ms.op;
  if (op.kind != OpKind::kMatch || op.clause->where || op.steps.size() != 1 || !gs.groups) return false;
  if (gs.op->clause->projection.star) return false;
  for (const Expr* agg : gs.groups->aggs)
    if (agg->kind != ExprKind::kCountStar) return false;
  const PatternStep& step = op.steps[0];
  const PatternPart& part = *step.part;
  if (part.kind != PathKind::kNormal || !part.path_variable.empty() || part.rels.size() != 1) return false;
  if (!step.early_filters.empty()) return false;
  const RelPattern& rel = part.rels[0];
  if (rel.var_length || !rel.variable.empty() || rel.properties) return false;
  // The grouped node: the one with a variable; the other must be bare.
  bool n_first = !part.nodes[0].variable.empty();
  const NodePattern& n = part.nodes[n_first ? 0 : 1];
  const NodePattern& other = part.nodes[n_first ? 1 : 0];
  if (n.variable.empty() || !other.variable.empty() || !other.labels.empty() || other.properties) return false;
  if (ms.out.size() != 1) return false;
  graph::Direction dir = StepDirection(rel, !n_first);
  Row row(1);
  Env env{&ms.out, &row};
  std::vector<NodeId> candidates =
      n.labels.empty() ? graph_->AllNodes() : graph_->NodesWithLabel(n.labels[0]);
  const std::string* known_label = n.labels.empty() ? nullptr : &n.labels[0];
  // Each matching node once, with its degree as the number of rows.
  auto each = [&](auto&& fn) {
    for (NodeId c : candidates) {
      if (!NodeMatches(c, n, env, known_label)) continue;
      size_t degree = graph_->Degree(c, dir, rel.types);
      if (degree > 0) fn(c, static_cast<int64_t>(degree));
    }
  };
  if (!AddTopGroups(stages_[1], candidates.size(), each))
    each([&](NodeId c, int64_t weight) {
      AddToGroups(*stages_[1].groups, gs.op->clause->projection, gs.in, Row{Value(NodeRef{c})}, weight);
    });
  return true;
}

// Degree-weighted rows (one node each, standing for `weight` rows, given by
// `each(fn)` calling fn(node, weight)) into an aggregating projection with
// ORDER BY and LIMIT, whose items are grouping keys and count(*) only and
// whose sort items each name a column (`size_hint`: about how many nodes
// `each` gives). The groups are formed in a hash
// table of key hashes, first nodes and weights (keys are evaluated again
// from the first node when needed, never stored for every group), and only
// the best SKIP+LIMIT of them (the ones the projection would keep, ties in
// the order groups were first seen) go to the group table, in first-seen
// order; the projection then sorts and cuts them as usual. Returns false,
// without calling `each`, when the projection does not have that shape.
template <typename Each>
bool Executor::AddTopGroups(Stage& gs, size_t size_hint, Each&& each) {
  const Projection& p = gs.op->clause->projection;
  if (p.order_by.empty() || !p.limit || p.distinct || p.where || p.star || gs.in.size() != 1) return false;
  std::vector<int> key_of_item(p.items.size(), -1);  // -1: the item is count(*)
  std::vector<const Expr*> key_exprs;
  for (size_t i = 0; i < p.items.size(); ++i) {
    const Expr& e = *p.items[i].expr;
    if (e.kind == ExprKind::kCountStar) continue;
    if (ContainsAggregate(e)) return false;
    key_of_item[i] = static_cast<int>(key_exprs.size());
    key_exprs.push_back(&e);
  }
  // The column each sort item reads, as RunProject resolves it: the item
  // written the same way, else the projected column the variable names.
  std::vector<int> sort_item;
  for (const auto& sort : p.order_by) {
    int col = -1;
    std::string text = ast::ToString(*sort.expr);
    for (size_t c = 0; c < p.items.size(); ++c)
      if (ast::ToString(*p.items[c].expr) == text) col = static_cast<int>(c);
    if (col < 0 && sort.expr->kind == ExprKind::kVariable)
      for (size_t c = 0; c < p.items.size(); ++c)
        if (p.items[c].ColumnName() == sort.expr->name) col = static_cast<int>(c);
    if (col < 0) return false;
    sort_item.push_back(col);
  }
  uint64_t skip = p.skip ? static_cast<uint64_t>(EvalSkipLimit(p.skip, "SKIP")) : 0;
  uint64_t limit = static_cast<uint64_t>(EvalSkipLimit(p.limit, "LIMIT"));

  Row row(1);
  Env env{&gs.in, &row};
  auto eval_keys = [&](NodeId node, Row& keys) {
    row[0] = Value(NodeRef{node});
    keys.clear();
    for (const Expr* e : key_exprs) keys.push_back(Eval(*e, env));
  };
  // Groups: first node, total weight, key hash; an open-addressing table.
  struct Group {
    NodeId first;
    int64_t weight;
    size_t hash;
  };
  std::vector<Group> groups;
  groups.reserve(size_hint);
  constexpr uint32_t kEmpty = UINT32_MAX;
  size_t capacity = 1024;
  while (capacity < 2 * size_hint) capacity *= 2;
  std::vector<uint32_t> slots(capacity, kEmpty);
  Row keys, other;
  // Adds one node to its group. The table is far bigger than the caches:
  // nodes wait in a short queue whose slots are prefetched on arrival.
  auto insert = [&](NodeId node, int64_t w, size_t hash) {
    size_t mask = slots.size() - 1;
    bool keys_current = false;
    for (size_t at = hash & mask;; at = (at + 1) & mask) {
      uint32_t g = slots[at];
      if (g == kEmpty) {
        slots[at] = static_cast<uint32_t>(groups.size());
        groups.push_back({node, w, hash});
        break;
      }
      if (groups[g].hash != hash) continue;
      if (!keys_current) eval_keys(node, keys), keys_current = true;
      eval_keys(groups[g].first, other);
      bool same = true;
      for (size_t k = 0; k < keys.size() && same; ++k) same = Equivalent(keys[k], other[k]);
      if (same) {
        groups[g].weight += w;
        return;
      }
    }
    if (2 * groups.size() > slots.size()) {  // grow: keep the load under 1/2
      std::vector<uint32_t> bigger(slots.size() * 2, kEmpty);
      size_t bigger_mask = bigger.size() - 1;
      for (uint32_t g = 0; g < groups.size(); ++g) {
        size_t at = groups[g].hash & bigger_mask;
        while (bigger[at] != kEmpty) at = (at + 1) & bigger_mask;
        bigger[at] = g;
      }
      slots = std::move(bigger);
    }
  };
  struct Pending {
    NodeId node;
    int64_t weight;
    size_t hash;
  };
  constexpr size_t kQueue = 16;
  Pending queue[kQueue];
  size_t queued = 0;
  each([&](NodeId node, int64_t w) {
    eval_keys(node, keys);
    size_t hash = 0;
    for (const auto& k : keys) hash = hash * 0x100000001B3ull + GroupingHash(k);
    hash = MixHash(hash);
    __builtin_prefetch(&slots[hash & (slots.size() - 1)]);
    Pending& slot = queue[queued % kQueue];
    if (queued >= kQueue) insert(slot.node, slot.weight, slot.hash);
    slot = {node, w, hash};
    ++queued;
  });
  for (size_t i = queued > kQueue ? queued - kQueue : 0; i < queued; ++i)
    insert(queue[i % kQueue].node, queue[i % kQueue].weight, queue[i % kQueue].hash);

  std::vector<uint32_t> chosen;
  size_t num_groups = groups.size();
  if (skip >= num_groups || limit >= num_groups - skip) {
    for (uint32_t g = 0; g < num_groups; ++g) chosen.push_back(g);
  } else {
    // A bounded max-heap of the best skip+limit groups; keys evaluated
    // only when a comparison needs them, once per group.
    struct Entry {
      uint32_t g;
      Row keys;  // empty until needed (when there are keys)
    };
    auto before = [&](Entry& a, Entry& b) {
      for (size_t j = 0; j < sort_item.size(); ++j) {
        int k = key_of_item[sort_item[j]];
        int c;
        if (k < 0) {
          int64_t wa = groups[a.g].weight, wb = groups[b.g].weight;
          c = (wa > wb) - (wa < wb);
        } else {
          if (a.keys.empty()) eval_keys(groups[a.g].first, a.keys);
          if (b.keys.empty()) eval_keys(groups[b.g].first, b.keys);
          c = OrderCompare(a.keys[k], b.keys[k]);
        }
        if (c != 0) return p.order_by[j].descending ? c > 0 : c < 0;
      }
      return a.g < b.g;
    };
    size_t keep = static_cast<size_t>(skip + limit);
    std::vector<Entry> heap;
    heap.reserve(keep + 1);
    for (uint32_t g = 0; g < num_groups; ++g) {
      Entry e{g, {}};
      if (heap.size() < keep) {
        heap.push_back(std::move(e));
        std::push_heap(heap.begin(), heap.end(), before);
      } else if (keep > 0 && before(e, heap.front())) {
        std::pop_heap(heap.begin(), heap.end(), before);
        heap.back() = std::move(e);
        std::push_heap(heap.begin(), heap.end(), before);
      }
    }
    for (const auto& e : heap) chosen.push_back(e.g);
    std::sort(chosen.begin(), chosen.end());
  }
  for (uint32_t g : chosen)
    AddToGroups(*gs.groups, p, gs.in, Row{Value(NodeRef{groups[g].first})}, groups[g].weight);
  return true;
}

// MATCH (:A)-[:T]->(:B)-[:U]->... RETURN count(*) with no variable at
// all: the matches are counted hop by hop (how many partial paths end at
// each node) without producing one row per match. Relationship uniqueness
// holds by itself when no two hops can follow the same relationship type.
bool Executor::CountChain() {
  if (stages_.size() < 2 || writes_) return false;
  const Stage& ms = stages_[0];
  const Stage& gs = stages_[1];
  const PlanOp& op = *ms.op;
  if (op.kind != OpKind::kMatch || op.clause->where || op.steps.size() != 1 || !gs.groups) return false;
  const Projection& p = gs.op->clause->projection;
  if (p.star || ms.out.size() != 0) return false;
  for (const auto& item : p.items)
    if (!ContainsAggregate(*item.expr)) return false;
  for (const Expr* agg : gs.groups->aggs)
    if (agg->kind != ExprKind::kCountStar) return false;
  const PatternStep& step = op.steps[0];
  const PatternPart& part = *step.part;
  if (part.kind != PathKind::kNormal || !part.path_variable.empty() || part.rels.empty()) return false;
  if (!step.early_filters.empty()) return false;
  std::set<std::string> seen_types;
  for (const auto& rel : part.rels) {
    if (rel.var_length || !rel.variable.empty() || rel.properties) return false;
    if (part.rels.size() > 1) {
      if (rel.types.empty()) return false;
      std::set<std::string> mine(rel.types.begin(), rel.types.end());
      for (const auto& t : mine)
        if (!seen_types.insert(t).second) return false;
    }
  }
  Row row;
  Env env{&ms.out, &row};
  const NodePattern& first = part.nodes[0];
  std::vector<NodeId> starts = first.labels.empty() ? graph_->AllNodes() : graph_->NodesWithLabel(first.labels[0]);
  const std::string* known_label = first.labels.empty() ? nullptr : &first.labels[0];
  // Paths ending at each node after i hops.
  std::unordered_map<NodeId, int64_t> counts;
  for (NodeId c : starts)
    if (NodeMatches(c, first, env, known_label)) counts[c] = 1;
  int64_t total = 0;
  for (size_t i = 0; i < part.rels.size() && !counts.empty(); ++i) {
    const RelPattern& rel = part.rels[i];
    const NodePattern& target = part.nodes[i + 1];
    graph::Direction dir = StepDirection(rel, false);
    if (i + 1 == part.rels.size() && target.labels.empty() && !target.properties) {
      // A bare last node: every relationship of the last hop ends a match.
      for (const auto& [node, paths] : counts) {
        int64_t degree = static_cast<int64_t>(graph_->Degree(node, dir, rel.types));
        total = CheckedAdd(total, CheckedMul(paths, degree, rel.span), rel.span);
      }
      counts.clear();
      break;
    }
    std::unordered_map<NodeId, int64_t> next;
    std::unordered_map<NodeId, bool> matches;  // NodeMatches per node, once
    for (const auto& [node, paths] : counts)
      for (const auto& e : graph_->Expand(node, dir, rel.types)) {
        auto m = matches.find(e.other);
        if (m == matches.end()) m = matches.emplace(e.other, NodeMatches(e.other, target, env)).first;
        if (m->second) next[e.other] = CheckedAdd(next[e.other], paths, rel.span);
      }
    counts = std::move(next);
  }
  for (const auto& [node, paths] : counts) total = CheckedAdd(total, paths, op.clause->span);
  if (total > 0) AddToGroups(*stages_[1].groups, p, gs.in, Row(), total);
  return true;
}

}  // namespace kg::queries::detail
