// Executor implementation. Rows are vectors of values addressed through a
// Layout (variable name -> slot). Each operator maps the rows it gets to the
// rows it gives: MATCH extends rows by walking patterns from their planned
// anchor, WITH/RETURN project (grouping when aggregating), UNWIND multiplies,
// CREATE writes.
#include "queries/executor.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "queries/functions.h"

namespace kg::queries {

namespace {

using namespace ast;
using Row = std::vector<Value>;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

[[noreturn]] void TypeFail(const std::string& message, SourceSpan span) {
  throw QueryError("TypeError", "InvalidArgumentType", message, span);
}

class Layout {
 public:
  int Find(const std::string& name) const {
    auto it = index_.find(name);
    return it == index_.end() ? -1 : it->second;
  }
  int Add(const std::string& name) {
    int i = Find(name);
    if (i >= 0) return i;
    names_.push_back(name);
    return index_[name] = static_cast<int>(names_.size()) - 1;
  }
  size_t size() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, int> index_;
};

// Variables visible to an expression: the row, then locals (list
// comprehension variables), then aggregate results computed for a group.
struct Env {
  const Layout* layout = nullptr;
  const Row* row = nullptr;
  const std::vector<std::pair<std::string, Value>>* locals = nullptr;
  const std::map<const Expr*, Value>* aggregates = nullptr;
};

int64_t CheckedAdd(int64_t a, int64_t b, SourceSpan span) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) throw QueryError("ArithmeticError", "IntegerOverflow", "integer overflow", span);
  return r;
}
int64_t CheckedSub(int64_t a, int64_t b, SourceSpan span) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) throw QueryError("ArithmeticError", "IntegerOverflow", "integer overflow", span);
  return r;
}
int64_t CheckedMul(int64_t a, int64_t b, SourceSpan span) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw QueryError("ArithmeticError", "IntegerOverflow", "integer overflow", span);
  return r;
}

// A hash consistent with Equivalent (grouping equality): equivalent values
// hash alike. Maps and paths hash by type only (correct, just slower).
size_t GroupingHash(const Value& v) {
  size_t h = v.v.index() * 0x9E3779B97F4A7C15ull;
  if (v.is_bool()) return h ^ static_cast<size_t>(v.as_bool());
  if (v.is_int()) return h ^ std::hash<int64_t>{}(v.as_int());
  if (v.is_float()) {
    double d = v.as_float();
    if (std::isnan(d)) return h ^ 0x7FF8;
    if (d == 0) return h;  // 0.0 and -0.0 are equivalent
    return h ^ std::hash<double>{}(d);
  }
  if (v.is_string()) return h ^ std::hash<std::string>{}(v.as_string());
  if (v.is_node()) return h ^ std::hash<int64_t>{}(v.as_node().id);
  if (v.is_rel()) return h ^ std::hash<int64_t>{}(v.as_rel().id);
  if (v.is_list()) {
    for (const auto& x : v.as_list()) h = h * 0x100000001B3ull + GroupingHash(x);
    return h;
  }
  return h;
}

struct GroupingHasher {
  size_t operator()(const Value& v) const { return GroupingHash(v); }
};
struct EquivalentValues {
  bool operator()(const Value& a, const Value& b) const { return Equivalent(a, b); }
};

// Spreads the bits of a hash over a power-of-two table.
size_t MixHash(size_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  return h;
}

class Executor {
 public:
  Executor(GraphAccess* graph, const Params& params) : graph_(graph), params_(params) {}

  QueryResult Run(const Plan& plan) {
    QueryResult result;
    std::vector<std::string> labels_before;
    writes_ = plan.writes;
    if (plan.writes) labels_before = graph_->AllLabels();
    for (size_t p = 0; p < plan.parts.size(); ++p) {
      auto [columns, rows] = RunSingle(plan.parts[p]);
      if (p == 0) result.columns = columns;
      for (auto& r : rows) result.rows.push_back(std::move(r));
    }
    bool distinct_union = !plan.union_all.empty() && !plan.union_all[0];
    if (distinct_union) result.rows = Distinct(std::move(result.rows));
    result.effects = effects_;
    if (plan.writes) {
      auto labels_after = graph_->AllLabels();
      result.effects.labels_added =
          static_cast<int64_t>(labels_after.size()) - static_cast<int64_t>(labels_before.size());
      if (result.effects.labels_added < 0) result.effects.labels_added = 0;
    }
    return result;
  }

  Value Eval(const Expr& e, const Env& env);

 private:
  static std::vector<Row> Distinct(std::vector<Row> rows) {
    std::set<Row, RowLess> seen;
    std::vector<Row> out;
    for (auto& r : rows)
      if (seen.insert(r).second) out.push_back(std::move(r));
    return out;
  }

  // The operators run as a push pipeline: each row an operator produces goes
  // straight to the next one. WITH/RETURN that sort, deduplicate or
  // aggregate collect their input first; the others stream, so LIMIT can
  // stop the operators before it early (not when the query writes).
  struct GroupTable;
  struct Stage {
    const PlanOp* op = nullptr;
    Layout in, out;
    bool buffering = false;
    std::vector<Row> buffer;
    std::unique_ptr<GroupTable> groups;  // aggregating projection: groups instead of rows
    int64_t skip = 0, limit = -1, seen = 0, emitted = 0;
  };
  struct StopAt {
    size_t stage;
  };

  static bool Streamable(const Projection& p) {
    for (const auto& item : p.items)
      if (ContainsAggregate(*item.expr)) return false;
    return !p.distinct && p.order_by.empty() && !(p.where && (p.skip || p.limit));
  }

  static Layout ProjectedLayout(const PlanOp& op, const Layout& in) {
    const Projection& p = op.clause->projection;
    Layout out;
    if (p.star) {
      std::vector<std::string> names = in.names();
      std::sort(names.begin(), names.end());
      for (const auto& n : names) out.Add(n);
    }
    for (const auto& item : p.items) out.Add(item.ColumnName());
    return out;
  }

  std::pair<std::vector<std::string>, std::vector<Row>> RunSingle(const SinglePlan& plan) {
    stages_.clear();
    results_.clear();
    Layout layout;
    for (const auto& op : plan.ops) {
      Stage stage;
      stage.op = &op;
      stage.in = layout;
      if (op.kind == OpKind::kProject) {
        stage.out = ProjectedLayout(op, layout);
        const Projection& p = op.clause->projection;
        // A query that writes runs clause by clause, so that each clause sees
        // all the writes of the clauses before it.
        stage.buffering = !Streamable(p) || writes_;
        bool aggregating = false;
        for (const auto& item : p.items) aggregating = aggregating || ContainsAggregate(*item.expr);
        if (aggregating && !writes_) {
          stage.groups = std::make_unique<GroupTable>();
          stage.groups->aggs = ProjectionAggregates(p);
        }
        if (!stage.buffering) {
          if (p.skip) stage.skip = EvalSkipLimit(p.skip, "SKIP");
          if (p.limit) stage.limit = EvalSkipLimit(p.limit, "LIMIT");
        }
      } else {
        stage.out = layout;
        stage.buffering = writes_;
        for (const auto& v : op.new_variables) stage.out.Add(v);
        if (op.kind == OpKind::kUnwind) stage.out.Add(op.clause->unwind_variable);
      }
      layout = stage.out;
      stages_.push_back(std::move(stage));
    }
    size_t from = 0;
    try {
      if (!CountChain() && !CountByDegree()) Feed(0, Row());
    } catch (const StopAt& stop) {
      from = stop.stage;
    }
    while (true) {
      try {
        for (size_t i = from; i < stages_.size(); ++i) FinishStage(i);
        break;
      } catch (const StopAt& stop) {
        from = stop.stage;
      }
    }
    if (plan.columns.empty()) return {{}, {}};
    return {plan.columns, std::move(results_)};
  }

  // MATCH (n)-[:T]-() followed by an aggregation whose aggregates are all
  // count(*): the rows of one node n are as many as its relationships, so
  // each node goes to the groups once with its degree as the row count
  // instead of once per relationship. Applies only when nothing else could
  // tell those rows apart (no other variable, label, property or WHERE).
  bool CountByDegree() {
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
  bool AddTopGroups(Stage& gs, size_t size_hint, Each&& each) {
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
  bool CountChain() {
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

  void Feed(size_t i, Row row) {
    if (i == stages_.size()) {
      results_.push_back(std::move(row));
      return;
    }
    Stage& s = stages_[i];
    if (s.limit >= 0 && s.emitted >= s.limit) return;
    if (s.groups) {
      AddToGroups(*s.groups, s.op->clause->projection, s.in, std::move(row));
      return;
    }
    if (s.buffering) {
      s.buffer.push_back(std::move(row));
      return;
    }
    if (s.op->kind == OpKind::kMatch || s.op->kind == OpKind::kOptionalMatch) {
      MatchRow(*s.op, s.out, std::move(row), [&](const Row& r) { Feed(i + 1, r); });
      return;
    }
    std::vector<Row> in;
    in.push_back(std::move(row));
    std::vector<Row> out = RunStage(s, std::move(in), false);
    for (auto& r : out) {
      if (s.op->kind == OpKind::kProject) {
        if (s.seen++ < s.skip) continue;
        if (s.limit >= 0 && s.emitted >= s.limit) break;
        ++s.emitted;
      }
      Feed(i + 1, std::move(r));
      if (s.limit >= 0 && s.emitted >= s.limit && !writes_) throw StopAt{i};
    }
  }

  std::vector<Row> RunStage(Stage& s, std::vector<Row> in, bool window) {
    switch (s.op->kind) {
      case OpKind::kMatch:
      case OpKind::kOptionalMatch: return RunMatch(*s.op, s.out, std::move(in));
      case OpKind::kUnwind: return RunUnwind(*s.op, s.out, std::move(in));
      case OpKind::kCreate: return RunCreate(*s.op, s.out, std::move(in));
      case OpKind::kProject: return RunProject(*s.op, s.in, std::move(in), window);
    }
    return {};
  }

  void FinishStage(size_t i) {
    Stage& s = stages_[i];
    if (!s.buffering) return;
    std::vector<Row> rows;
    if (s.groups) {
      auto groups = std::move(s.groups);
      rows = RunProject(*s.op, s.in, {}, true, groups.get());
    } else {
      rows = RunStage(s, std::move(s.buffer), true);
    }
    s.buffer.clear();
    s.buffering = false;  // finished: nothing more arrives
    for (auto& r : rows) Feed(i + 1, std::move(r));
  }

  // ---------------------------------------------------------------- MATCH
  struct MatchState {
    const PlanOp* op;
    Layout* layout;
    std::vector<RelId> used_rels;  // relationship uniqueness within the MATCH
    // Slots bound before this MATCH: a null there (from OPTIONAL MATCH)
    // matches nothing, while a null in a new slot means "not bound yet".
    std::vector<bool> prebound;
  };

  static std::vector<bool> PreboundSlots(const Layout& layout, const PlanOp& op) {
    std::vector<bool> pre(layout.size(), true);
    for (const auto& v : op.new_variables) {
      int slot = layout.Find(v);
      if (slot >= 0) pre[slot] = false;
    }
    return pre;
  }

  std::vector<Row> RunMatch(const PlanOp& op, Layout& layout, std::vector<Row> input) {
    std::vector<Row> out;
    for (auto& row : input) MatchRow(op, layout, std::move(row), [&](const Row& r) { out.push_back(r); });
    return out;
  }

  // Matches one input row, calling `emit` for each result as it is found.
  void MatchRow(const PlanOp& op, Layout& layout, Row row, const std::function<void(const Row&)>& emit) {
    for (const auto& v : op.new_variables) layout.Add(v);
    MatchState state{&op, &layout, {}, PreboundSlots(layout, op)};
    row.resize(layout.size());
    bool any = false;
    MatchSteps(state, 0, row, [&](const Row& r) {
      if (op.clause->where) {
        Env env{&layout, &r};
        Value ok = Eval(*op.clause->where, env);
        if (!ok.is_bool() || !ok.as_bool()) return;
      }
      any = true;
      emit(r);
    });
    if (op.kind == OpKind::kOptionalMatch && !any) {
      for (const auto& v : op.new_variables) row[layout.Find(v)] = Value();
      emit(row);
    }
  }

  void MatchSteps(MatchState& st, size_t step_index, Row& row, const std::function<void(const Row&)>& emit) {
    if (step_index == st.op->steps.size()) {
      emit(row);
      return;
    }
    const PatternStep& step = st.op->steps[step_index];
    MatchPart(st, step, row, [&](Row& r) { MatchSteps(st, step_index + 1, r, emit); });
  }

  // `known_label`: a label the node is known to have (from the label index).
  bool NodeMatches(NodeId id, const NodePattern& n, const Env& env, const std::string* known_label = nullptr) {
    if (n.labels.empty() && !n.properties) return true;
    if (!n.labels.empty() && !(n.labels.size() == 1 && known_label && n.labels[0] == *known_label)) {
      for (const auto& l : n.labels)
        if (!graph_->HasLabel(id, l)) return false;
    }
    if (!n.properties) return true;
    return PropertiesMatch(graph_->PropertiesOf(id), n.properties, env);
  }

  bool PropertiesMatch(const graph::Properties& props, const ExprPtr& pattern, const Env& env) {
    if (!pattern) return true;
    Value expected = Eval(*pattern, env);
    if (expected.is_null()) return true;
    if (!expected.is_map()) TypeFail("a property pattern must be a map", pattern->span);
    for (const auto& [k, v] : expected.as_map()) {
      auto it = props.find(k);
      if (it == props.end()) return false;
      auto eq = Equals(FromGraphValue(it->second), v);
      if (!eq || !*eq) return false;
    }
    return true;
  }

  bool RelMatches(RelId id, const RelPattern& r, const Env& env) {
    if (!r.properties) return true;
    return PropertiesMatch(graph_->GetRelationship(id).props, r.properties, env);
  }

  static graph::Direction StepDirection(const RelPattern& r, bool reversed) {
    if (r.direction == Direction::kBoth) return graph::Direction::kBoth;
    bool out = r.direction == Direction::kLeftToRight;
    if (reversed) out = !out;
    return out ? graph::Direction::kOut : graph::Direction::kIn;
  }

  std::vector<NodeId> AnchorCandidates(const PatternStep& step, const NodePattern& n, const Env& env) {
    switch (step.anchor) {
      case AnchorKind::kNameIndex: {
        Value name = Eval(*step.anchor_name, env);
        if (!name.is_string()) return {};
        return graph_->NodesNamed(name.as_string());
      }
      case AnchorKind::kLabelIndex: return graph_->NodesWithLabel(step.anchor_label);
      default: (void)n; return graph_->AllNodes();
    }
  }

  // Binds `value` to slot of `name`; returns false when the slot already holds
  // a different value.
  static bool BindOrCheck(Row& row, int slot, const Value& value, bool& was_bound) {
    was_bound = !row[slot].is_null();
    if (was_bound) return Equivalent(row[slot], value);
    row[slot] = value;
    return true;
  }

  void MatchPart(MatchState& st, const PatternStep& step, Row& row, const std::function<void(Row&)>& next) {
    const PatternPart& part = *step.part;
    Layout& layout = *st.layout;
    size_t k = part.rels.size();
    // Walk order: indexes into part.nodes / part.rels.
    auto node_at = [&](size_t i) -> const NodePattern& { return part.nodes[step.reversed ? k - i : i]; };
    const NodePattern& first = node_at(0);
    int first_slot = first.variable.empty() ? -1 : layout.Find(first.variable);
    Env env{&layout, &row};
    std::vector<NodeId> candidates;
    if (first_slot >= 0 && st.prebound[first_slot] && row[first_slot].is_null()) return;
    if (first_slot >= 0 && !row[first_slot].is_null()) {
      if (!row[first_slot].is_node()) return;
      candidates.push_back(row[first_slot].as_node().id);
    } else {
      candidates = AnchorCandidates(step, first, env);
    }
    if (part.kind != PathKind::kNormal) {
      for (NodeId c : candidates) MatchShortest(st, step, row, c, next);
      return;
    }
    std::vector<NodeId> path_nodes;
    std::vector<RelId> path_rels;
    if (step.anchor == AnchorKind::kRelationshipScan) {
      ScanRelationships(st, step, row, first_slot, next);
      return;
    }
    const std::string* known_label = step.anchor == AnchorKind::kLabelIndex ? &step.anchor_label : nullptr;
    for (NodeId c : candidates) {
      if (!NodeMatches(c, first, env, known_label)) continue;
      bool was_bound = false;
      if (first_slot >= 0 && !BindOrCheck(row, first_slot, Value(NodeRef{c}), was_bound)) continue;
      if (!PassesEarlyFilters(step, env)) {
        if (first_slot >= 0 && !was_bound) row[first_slot] = Value();
        continue;
      }
      path_nodes.assign(1, c);
      path_rels.clear();
      ExtendChain(st, step, row, 0, path_nodes, path_rels, next);
      if (first_slot >= 0 && !was_bound) row[first_slot] = Value();
    }
  }

  // Starts the walk from each relationship of the first hop, in each
  // orientation the pattern allows (a self-loop once when undirected).
  void ScanRelationships(MatchState& st, const PatternStep& step, Row& row, int first_slot,
                         const std::function<void(Row&)>& next) {
    const PatternPart& part = *step.part;
    const RelPattern& rel = step.reversed ? part.rels.back() : part.rels.front();
    graph::Direction dir = StepDirection(rel, step.reversed);
    std::vector<NodeId> path_nodes;
    std::vector<RelId> path_rels;
    std::vector<EdgeRef> one(1);
    auto walk = [&](NodeId from, const EdgeRef& e) {
      if (first_slot >= 0) row[first_slot] = Value(NodeRef{from});
      path_nodes.assign(1, from);
      path_rels.clear();
      one[0] = e;
      ExtendChain(st, step, row, 0, path_nodes, path_rels, next, &one);
      if (first_slot >= 0) row[first_slot] = Value();
    };
    graph_->ForEachRelationship(rel.types, [&](RelId id, NodeId start, NodeId end, int32_t code) {
      if (dir != graph::Direction::kIn) walk(start, EdgeRef{id, end, true, code});
      if (dir != graph::Direction::kOut && !(dir == graph::Direction::kBoth && start == end))
        walk(end, EdgeRef{id, start, false, code});
    });
  }

  bool PassesEarlyFilters(const PatternStep& step, const Env& env) {
    for (const auto& f : step.early_filters) {
      Value ok = Eval(*f, env);
      if (!ok.is_bool() || !ok.as_bool()) return false;
    }
    return true;
  }

  void FinishPart(MatchState& st, const PatternStep& step, Row& row, std::vector<NodeId>& path_nodes,
                  std::vector<RelId>& path_rels, const std::function<void(Row&)>& next) {
    const PatternPart& part = *step.part;
    int slot = part.path_variable.empty() ? -1 : st.layout->Find(part.path_variable);
    if (slot >= 0) {
      PathValue p{path_nodes, path_rels};
      if (step.reversed) {
        std::reverse(p.nodes.begin(), p.nodes.end());
        std::reverse(p.rels.begin(), p.rels.end());
      }
      row[slot] = Value(std::move(p));
      next(row);
      row[slot] = Value();
    } else {
      next(row);
    }
  }

  // `given_edges`: the relationships to try for hop i instead of expanding
  // the current node (the relationship scan supplies them).
  void ExtendChain(MatchState& st, const PatternStep& step, Row& row, size_t i, std::vector<NodeId>& path_nodes,
                   std::vector<RelId>& path_rels, const std::function<void(Row&)>& next,
                   const std::vector<EdgeRef>* given_edges = nullptr) {
    const PatternPart& part = *step.part;
    size_t k = part.rels.size();
    if (i == k) {
      FinishPart(st, step, row, path_nodes, path_rels, next);
      return;
    }
    Layout& layout = *st.layout;
    const RelPattern& rel = part.rels[step.reversed ? k - 1 - i : i];
    const NodePattern& target = part.nodes[step.reversed ? k - 1 - i : i + 1];
    int target_slot = target.variable.empty() ? -1 : layout.Find(target.variable);
    int rel_slot = rel.variable.empty() ? -1 : layout.Find(rel.variable);
    graph::Direction dir = StepDirection(rel, step.reversed);
    NodeId from = path_nodes.back();
    Env env{&layout, &row};

    if (target_slot >= 0 && st.prebound[target_slot] && row[target_slot].is_null()) return;
    if (rel_slot >= 0 && st.prebound[rel_slot] && row[rel_slot].is_null()) return;
    auto arrive = [&](NodeId node, const std::function<void()>& on_ok) {
      if (target_slot >= 0 && !row[target_slot].is_null()) {
        if (!row[target_slot].is_node() || row[target_slot].as_node().id != node) return;
        if (!NodeMatches(node, target, env)) return;
        on_ok();
        return;
      }
      if (!NodeMatches(node, target, env)) return;
      if (target_slot >= 0) row[target_slot] = Value(NodeRef{node});
      on_ok();
      if (target_slot >= 0) row[target_slot] = Value();
    };

    if (!rel.var_length) {
      bool rel_bound = rel_slot >= 0 && !row[rel_slot].is_null();
      // A type the WHERE requires (type(r) = 'T') narrows the expansion.
      const std::vector<std::string>* types = &rel.types;
      if (rel.types.empty() && rel_slot >= 0) {
        auto it = st.op->where_types.find(rel.variable);
        if (it != st.op->where_types.end()) types = &it->second;
      }
      std::vector<EdgeRef> expanded;
      if (!given_edges) expanded = graph_->Expand(from, dir, *types);
      for (const auto& e : given_edges ? *given_edges : expanded) {
        if (std::find(st.used_rels.begin(), st.used_rels.end(), e.id) != st.used_rels.end()) continue;
        if (rel_bound && (!row[rel_slot].is_rel() || row[rel_slot].as_rel().id != e.id)) continue;
        if (!RelMatches(e.id, rel, env)) continue;
        st.used_rels.push_back(e.id);
        if (rel_slot >= 0 && !rel_bound) row[rel_slot] = Value(RelRef{e.id, e.type_code});
        path_rels.push_back(e.id);
        path_nodes.push_back(e.other);
        arrive(e.other, [&] { ExtendChain(st, step, row, i + 1, path_nodes, path_rels, next); });
        path_nodes.pop_back();
        path_rels.pop_back();
        if (rel_slot >= 0 && !rel_bound) row[rel_slot] = Value();
        st.used_rels.pop_back();
      }
      return;
    }
    int64_t min_hops = rel.min_hops.value_or(1);
    int64_t max_hops = rel.max_hops.value_or(std::numeric_limits<int64_t>::max());
    if (step.distinct_ends) {
      ReachDistinct(st, step, rel, dir, from, min_hops, max_hops, env, [&](NodeId node) {
        arrive(node, [&] { ExtendChain(st, step, row, i + 1, path_nodes, path_rels, next); });
      });
      return;
    }
    // Variable length: depth-first over trails (no relationship twice).
    std::optional<ValueList> bound_list;
    if (rel_slot >= 0 && !row[rel_slot].is_null()) {
      if (!row[rel_slot].is_list()) return;
      bound_list = row[rel_slot].as_list();
    }
    size_t base = path_rels.size();
    std::function<void(NodeId, int64_t)> dfs = [&](NodeId node, int64_t depth) {
      if (depth >= min_hops) {
        ValueList rels;
        for (size_t j = base; j < path_rels.size(); ++j) rels.push_back(Value(RelRef{path_rels[j]}));
        if (step.reversed) std::reverse(rels.begin(), rels.end());
        bool ok = true;
        if (bound_list) ok = Equivalent(Value(*bound_list), Value(rels));
        if (ok) {
          if (rel_slot >= 0 && !bound_list) row[rel_slot] = Value(std::move(rels));
          arrive(node, [&] { ExtendChain(st, step, row, i + 1, path_nodes, path_rels, next); });
          if (rel_slot >= 0 && !bound_list) row[rel_slot] = Value();
        }
      }
      if (depth >= max_hops) return;
      for (const auto& e : graph_->Expand(node, dir, rel.types)) {
        if (std::find(st.used_rels.begin(), st.used_rels.end(), e.id) != st.used_rels.end()) continue;
        if (!RelMatches(e.id, rel, env)) continue;
        st.used_rels.push_back(e.id);
        path_rels.push_back(e.id);
        path_nodes.push_back(e.other);
        dfs(e.other, depth + 1);
        path_nodes.pop_back();
        path_rels.pop_back();
        st.used_rels.pop_back();
      }
    };
    dfs(from, 0);
  }

  // Breadth-first from both ends, one whole level at a time, expanding the
  // smaller frontier; stops at the first level where the searches meet.
  bool BidirectionalShortest(NodeId start, NodeId target, graph::Direction dir, const RelPattern& rel, int64_t max_hops,
                             const Env& env, std::vector<NodeId>& path_nodes, std::vector<RelId>& path_rels) {
    struct Link {
      NodeId node;
      RelId rel;
      int64_t depth;
    };
    graph::Direction back_dir = dir == graph::Direction::kOut  ? graph::Direction::kIn
                                : dir == graph::Direction::kIn ? graph::Direction::kOut
                                                               : graph::Direction::kBoth;
    std::unordered_map<NodeId, Link> fwd{{start, {start, 0, 0}}}, bwd{{target, {target, 0, 0}}};
    std::vector<NodeId> ffront{start}, bfront{target};
    int64_t fdepth = 0, bdepth = 0;
    while (!ffront.empty() && !bfront.empty() && fdepth + bdepth < max_hops) {
      bool forward = ffront.size() <= bfront.size();
      auto& front = forward ? ffront : bfront;
      auto& mine = forward ? fwd : bwd;
      auto& other = forward ? bwd : fwd;
      int64_t depth = (forward ? fdepth : bdepth) + 1;
      std::vector<NodeId> next_front;
      std::optional<NodeId> meet;
      int64_t best = std::numeric_limits<int64_t>::max();
      for (NodeId n : front) {
        for (const auto& e : graph_->Expand(n, forward ? dir : back_dir, rel.types)) {
          if (!RelMatches(e.id, rel, env)) continue;
          if (mine.count(e.other)) continue;
          mine[e.other] = {n, e.id, depth};
          next_front.push_back(e.other);
          auto it = other.find(e.other);
          if (it != other.end() && depth + it->second.depth < best) {
            best = depth + it->second.depth;
            meet = e.other;
          }
        }
      }
      (forward ? fdepth : bdepth) = depth;
      front = std::move(next_front);
      if (meet) {
        if (best > max_hops) return false;
        std::vector<NodeId> left{*meet};
        std::vector<RelId> left_rels;
        for (NodeId n = *meet; n != start;) {
          const Link& l = fwd.at(n);
          left_rels.push_back(l.rel);
          left.push_back(l.node);
          n = l.node;
        }
        path_nodes.assign(left.rbegin(), left.rend());
        path_rels.assign(left_rels.rbegin(), left_rels.rend());
        for (NodeId n = *meet; n != target;) {
          const Link& l = bwd.at(n);
          path_rels.push_back(l.rel);
          path_nodes.push_back(l.node);
          n = l.node;
        }
        return true;
      }
    }
    return false;
  }

  // The distinct nodes reachable from `from` in min..max hops (min <= 1),
  // breadth-first with a visited set. Any node other than `from` reachable
  // by a walk is reachable by a trail no longer than the walk. `from` itself
  // needs a cycle: a directed walk back contains one; undirected, a trail
  // back is searched for explicitly.
  void ReachDistinct(MatchState& st, const PatternStep& step, const RelPattern& rel, graph::Direction dir, NodeId from,
                     int64_t min_hops, int64_t max_hops, const Env& env, const std::function<void(NodeId)>& emit) {
    (void)step;
    if (min_hops == 0) emit(from);
    std::unordered_set<NodeId> visited{from};
    std::vector<NodeId> frontier{from};
    bool back_to_start = false;
    for (int64_t depth = 0; depth < max_hops && !frontier.empty(); ++depth) {
      std::vector<NodeId> next_frontier;
      for (NodeId n : frontier)
        for (const auto& e : graph_->Expand(n, dir, rel.types)) {
          if (!RelMatches(e.id, rel, env)) continue;
          if (e.other == from) back_to_start = true;
          if (visited.insert(e.other).second) {
            next_frontier.push_back(e.other);
            emit(e.other);
          }
        }
      frontier = std::move(next_frontier);
    }
    if (!back_to_start || min_hops == 0) return;
    if (dir != graph::Direction::kBoth) {
      emit(from);
      return;
    }
    // Undirected: look for a trail from `from` back to itself.
    std::vector<RelId> used;
    std::function<bool(NodeId, int64_t)> dfs = [&](NodeId n, int64_t depth) {
      if (depth >= max_hops) return false;
      for (const auto& e : graph_->Expand(n, dir, rel.types)) {
        if (std::find(used.begin(), used.end(), e.id) != used.end()) continue;
        if (std::find(st.used_rels.begin(), st.used_rels.end(), e.id) != st.used_rels.end()) continue;
        if (!RelMatches(e.id, rel, env)) continue;
        if (e.other == from) return true;
        used.push_back(e.id);
        bool found = dfs(e.other, depth + 1);
        used.pop_back();
        if (found) return true;
      }
      return false;
    };
    if (dfs(from, 0)) emit(from);
  }

  // shortestPath / allShortestPaths: breadth-first search from `start` with
  // a visited set; each reached node records its predecessors at the
  // shortest depth, and paths are rebuilt from those records.
  void MatchShortest(MatchState& st, const PatternStep& step, Row& row, NodeId start,
                     const std::function<void(Row&)>& next) {
    const PatternPart& part = *step.part;
    Layout& layout = *st.layout;
    Env env{&layout, &row};
    const NodePattern& first = part.nodes.front();
    const NodePattern& last = part.nodes.back();
    const RelPattern& rel = part.rels.front();
    if (!NodeMatches(start, first, env)) return;
    int first_slot = first.variable.empty() ? -1 : layout.Find(first.variable);
    bool first_bound = false;
    if (first_slot >= 0 && !BindOrCheck(row, first_slot, Value(NodeRef{start}), first_bound)) return;
    int last_slot = last.variable.empty() ? -1 : layout.Find(last.variable);
    std::optional<NodeId> target;
    if (last_slot >= 0 && !row[last_slot].is_null()) {
      if (!row[last_slot].is_node()) return;
      target = row[last_slot].as_node().id;
    }
    int64_t min_hops = rel.min_hops.value_or(1);
    int64_t max_hops = rel.var_length ? rel.max_hops.value_or(std::numeric_limits<int64_t>::max()) : 1;
    graph::Direction dir = StepDirection(rel, false);
    if (target && *target != start && part.kind == PathKind::kShortest && min_hops <= 1) {
      if (NodeMatches(*target, last, env)) {
        std::vector<NodeId> pn;
        std::vector<RelId> pr;
        if (BidirectionalShortest(start, *target, dir, rel, max_hops, env, pn, pr)) {
          int rel_slot = rel.variable.empty() ? -1 : layout.Find(rel.variable);
          if (rel_slot >= 0) {
            ValueList rl;
            for (RelId r : pr) rl.push_back(Value(RelRef{r}));
            row[rel_slot] = rel.var_length ? Value(std::move(rl)) : Value(RelRef{pr[0]});
          }
          FinishPart(st, step, row, pn, pr, next);
          if (rel_slot >= 0) row[rel_slot] = Value();
        }
      }
      if (first_slot >= 0 && !first_bound) row[first_slot] = Value();
      return;
    }
    struct Pred {
      NodeId from;
      RelId rel;
    };
    std::unordered_map<NodeId, std::vector<Pred>> preds;
    std::unordered_map<NodeId, int64_t> depth_of{{start, 0}};
    std::vector<NodeId> frontier{start};
    std::vector<NodeId> reached_order;
    if (min_hops == 0) reached_order.push_back(start);
    for (int64_t depth = 0; depth < max_hops && !frontier.empty(); ++depth) {
      if (target && depth_of.count(*target) && depth_of[*target] >= std::max<int64_t>(min_hops, 1)) break;
      std::vector<NodeId> next_frontier;
      for (NodeId n : frontier) {
        for (const auto& e : graph_->Expand(n, dir, rel.types)) {
          if (!RelMatches(e.id, rel, env)) continue;
          auto it = depth_of.find(e.other);
          if (it == depth_of.end()) {
            depth_of[e.other] = depth + 1;
            preds[e.other].push_back({n, e.id});
            next_frontier.push_back(e.other);
            reached_order.push_back(e.other);
          } else if (it->second == depth + 1) {
            preds[e.other].push_back({n, e.id});
          }
        }
      }
      frontier = std::move(next_frontier);
    }
    for (NodeId end : reached_order) {
      if (target && end != *target) continue;
      if (depth_of[end] < min_hops) continue;
      if (!NodeMatches(end, last, env)) continue;
      // Rebuild paths (one for shortestPath, all for allShortestPaths).
      std::vector<std::pair<std::vector<NodeId>, std::vector<RelId>>> paths;
      std::vector<NodeId> ns{end};
      std::vector<RelId> rs;
      bool all = part.kind == PathKind::kAllShortest;
      std::function<void(NodeId)> back = [&](NodeId n) {
        if (!all && !paths.empty()) return;
        if (n == start && (ns.size() - 1) == static_cast<size_t>(depth_of[end])) {
          paths.push_back({std::vector<NodeId>(ns.rbegin(), ns.rend()), std::vector<RelId>(rs.rbegin(), rs.rend())});
          return;
        }
        auto it = preds.find(n);
        if (it == preds.end()) return;
        for (const auto& p : it->second) {
          ns.push_back(p.from);
          rs.push_back(p.rel);
          back(p.from);
          ns.pop_back();
          rs.pop_back();
        }
      };
      back(end);
      for (auto& [pn, pr] : paths) {
        bool was = false;
        if (last_slot >= 0 && !BindOrCheck(row, last_slot, Value(NodeRef{end}), was)) continue;
        int rel_slot = rel.variable.empty() ? -1 : layout.Find(rel.variable);
        if (rel_slot >= 0) {
          ValueList rl;
          for (RelId r : pr) rl.push_back(Value(RelRef{r}));
          row[rel_slot] = rel.var_length ? Value(std::move(rl)) : (pr.empty() ? Value() : Value(RelRef{pr[0]}));
        }
        FinishPart(st, step, row, pn, pr, next);
        if (rel_slot >= 0) row[rel_slot] = Value();
        if (last_slot >= 0 && !was) row[last_slot] = Value();
      }
    }
    if (first_slot >= 0 && !first_bound) row[first_slot] = Value();
  }

  // ---------------------------------------------------------------- UNWIND
  std::vector<Row> RunUnwind(const PlanOp& op, Layout& layout, std::vector<Row> input) {
    int slot = layout.Add(op.clause->unwind_variable);
    std::vector<Row> out;
    for (auto& row : input) {
      row.resize(layout.size());
      Env env{&layout, &row};
      Value list = Eval(*op.clause->unwind_expr, env);
      if (list.is_null()) continue;
      if (!list.is_list()) {
        row[slot] = list;
        out.push_back(row);
        continue;
      }
      for (const auto& item : list.as_list()) {
        Row r = row;
        r[slot] = item;
        out.push_back(std::move(r));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- CREATE
  graph::Properties EvalProperties(const ExprPtr& e, const Env& env) {
    graph::Properties props;
    if (!e) return props;
    Value m = Eval(*e, env);
    if (m.is_null()) return props;
    if (!m.is_map()) TypeFail("properties must be a map", e->span);
    for (const auto& [k, v] : m.as_map()) {
      if (v.is_null()) continue;
      auto g = ToGraphValue(v);
      if (!g) throw QueryError("TypeError", "InvalidPropertyType", "property '" + k + "' cannot hold a " + TypeName(v), e->span);
      if (v.is_list())
        for (const auto& item : v.as_list())
          if (item.is_list() || item.is_map())
            throw QueryError("TypeError", "InvalidPropertyType", "property '" + k + "' cannot hold nested collections", e->span);
      if (v.is_map()) throw QueryError("TypeError", "InvalidPropertyType", "property '" + k + "' cannot hold a map", e->span);
      props[k] = std::move(*g);
    }
    return props;
  }

  std::vector<Row> RunCreate(const PlanOp& op, Layout& layout, std::vector<Row> input) {
    for (const auto& v : op.new_variables) layout.Add(v);
    for (auto& row : input) {
      row.resize(layout.size());
      for (const auto& part : op.clause->patterns) {
        std::vector<NodeId> nodes;
        std::vector<RelId> rels;
        for (size_t i = 0; i < part.nodes.size(); ++i) {
          const auto& n = part.nodes[i];
          int slot = n.variable.empty() ? -1 : layout.Find(n.variable);
          Env env{&layout, &row};
          if (slot >= 0 && !row[slot].is_null()) {
            if (!row[slot].is_node()) TypeFail("'" + n.variable + "' is not a node", n.span);
            nodes.push_back(row[slot].as_node().id);
          } else {
            auto props = EvalProperties(n.properties, env);
            NodeId id = graph_->CreateNode(n.labels, props);
            effects_.nodes_created++;
            effects_.properties_set += static_cast<int64_t>(props.size());
            if (slot >= 0) row[slot] = Value(NodeRef{id});
            nodes.push_back(id);
          }
        }
        for (size_t i = 0; i < part.rels.size(); ++i) {
          const auto& r = part.rels[i];
          Env env{&layout, &row};
          auto props = EvalProperties(r.properties, env);
          NodeId a = nodes[i], b = nodes[i + 1];
          if (r.direction == Direction::kRightToLeft) std::swap(a, b);
          RelId id = graph_->CreateRelationship(a, b, r.types[0], props);
          effects_.relationships_created++;
          effects_.properties_set += static_cast<int64_t>(props.size());
          if (!r.variable.empty()) row[layout.Find(r.variable)] = Value(RelRef{id});
          rels.push_back(id);
        }
        if (!part.path_variable.empty()) row[layout.Find(part.path_variable)] = Value(PathValue{nodes, rels});
      }
    }
    return input;
  }

  // ---------------------------------------------------------------- WITH / RETURN
  static void CollectAggregates(const Expr& e, std::vector<const Expr*>& out) {
    if (e.kind == ExprKind::kCountStar || (e.kind == ExprKind::kFunction && IsAggregateFunction(Lower(e.name)))) {
      out.push_back(&e);
      return;
    }
    for (const auto& a : e.args)
      if (a) CollectAggregates(*a, out);
  }

  int64_t EvalSkipLimit(const ExprPtr& e, const char* what) {
    Value v = Eval(*e, Env{});
    if (!v.is_int())
      throw QueryError("SyntaxError", "InvalidArgumentType", std::string(what) + " needs an integer", e->span);
    if (v.as_int() < 0)
      throw QueryError("SyntaxError", "NegativeIntegerArgument", std::string(what) + " cannot be negative", e->span);
    return v.as_int();
  }

  // The running state of one aggregate call over one group. What only some
  // aggregates need is allocated on first use: there may be one per node.
  struct AccumulatorExtra {
    std::vector<Value> values;        // collect, stdev, percentiles
    std::unordered_set<Value, GroupingHasher, EquivalentValues> seen;  // DISTINCT
    std::optional<Value> best;        // min, max
    Value percentile;                 // percentile argument, from the first row
    bool has_percentile = false;
  };
  struct Accumulator {
    int64_t count = 0;  // rows for count(*), else non-null values
    bool all_int = true;
    int64_t isum = 0;
    double fsum = 0;
    std::unique_ptr<AccumulatorExtra> extra;
    AccumulatorExtra& x() {
      if (!extra) extra = std::make_unique<AccumulatorExtra>();
      return *extra;
    }
  };

  // `weight`: how many identical rows `row` stands for (count(*) only).
  void Accumulate(Accumulator& acc, const Expr& agg, const Row& row, const Layout& layout, int64_t weight = 1) {
    if (agg.kind == ExprKind::kCountStar) {
      acc.count += weight;
      return;
    }
    Env env{&layout, &row};
    Value v = Eval(*agg.args[0], env);
    std::string name = Lower(agg.name);
    if ((name == "percentiledisc" || name == "percentilecont") && !acc.x().has_percentile) {
      acc.x().percentile = Eval(*agg.args[1], env);
      acc.x().has_percentile = true;
    }
    if (v.is_null()) return;
    if (agg.distinct && !acc.x().seen.insert(v).second) return;
    ++acc.count;
    if (name == "count") return;
    if (name == "min" || name == "max") {
      if (!acc.x().best || (name == "min" ? OrderCompare(v, *acc.x().best) < 0 : OrderCompare(v, *acc.x().best) > 0)) acc.x().best = v;
      return;
    }
    if (name == "sum" || name == "avg") {
      if (!v.is_number()) TypeFail(name + "() needs numbers", agg.span);
      if (v.is_int() && acc.all_int) {
        if (__builtin_add_overflow(acc.isum, v.as_int(), &acc.isum)) acc.all_int = false;
      } else {
        acc.all_int = false;
      }
      acc.fsum += v.as_number();
      return;
    }
    acc.x().values.push_back(std::move(v));
  }

  Value FinishAggregate(Accumulator& acc, const Expr& agg) {
    if (agg.kind == ExprKind::kCountStar) return Value(acc.count);
    std::string name = Lower(agg.name);
    auto& values = acc.x().values;
    if (name == "count") return Value(acc.count);
    if (name == "collect") return Value(ValueList(values.begin(), values.end()));
    if (name == "min" || name == "max") return acc.x().best ? *acc.x().best : Value();
    if (name == "sum") return acc.all_int ? Value(acc.isum) : Value(acc.fsum);
    if (name == "avg") {
      if (acc.count == 0) return Value();
      double total = acc.all_int ? static_cast<double>(acc.isum) : acc.fsum;
      return Value(total / static_cast<double>(acc.count));
    }
    if (name == "stdev" || name == "stdevp") {
      if (values.size() < (name == "stdev" ? 2u : 1u)) return Value(0.0);
      double mean = 0;
      for (const auto& v : values) {
        if (!v.is_number()) TypeFail(name + "() needs numbers", agg.span);
        mean += v.as_number();
      }
      mean /= static_cast<double>(values.size());
      double ss = 0;
      for (const auto& v : values) ss += (v.as_number() - mean) * (v.as_number() - mean);
      return Value(std::sqrt(ss / static_cast<double>(values.size() - (name == "stdev" ? 1 : 0))));
    }
    if (name == "percentiledisc" || name == "percentilecont") {
      if (values.empty()) return Value();
      const Value& pv = acc.x().percentile;
      if (!pv.is_number()) TypeFail("percentile must be a number", agg.span);
      double p = pv.as_number();
      if (p < 0 || p > 1) throw QueryError("ArgumentError", "NumberOutOfRange", "percentile must be between 0 and 1", agg.span);
      for (const auto& v : values)
        if (!v.is_number()) TypeFail(name + "() needs numbers", agg.span);
      std::sort(values.begin(), values.end(), ValueLess());
      size_t n = values.size();
      if (name == "percentiledisc") {
        size_t idx = p == 0 ? 0 : static_cast<size_t>(std::ceil(p * static_cast<double>(n))) - 1;
        return values[std::min(idx, n - 1)];
      }
      double pos = p * static_cast<double>(n - 1);
      size_t lo = static_cast<size_t>(std::floor(pos));
      size_t hi = static_cast<size_t>(std::ceil(pos));
      double frac = pos - static_cast<double>(lo);
      return Value(values[lo].as_number() + (values[hi].as_number() - values[lo].as_number()) * frac);
    }
    return Value();
  }

  // Groups of an aggregating projection, filled row by row.
  struct Group {
    Row representative;  // the first row of the group
    std::vector<Accumulator> accs;
  };
  struct GroupTable {
    std::vector<const Expr*> aggs;
    std::map<Row, size_t, RowLess> index;
    std::vector<Group> groups;
  };

  static std::vector<const Expr*> ProjectionAggregates(const Projection& p) {
    std::vector<const Expr*> aggs;
    for (const auto& it : p.items) CollectAggregates(*it.expr, aggs);
    for (const auto& s : p.order_by) CollectAggregates(*s.expr, aggs);
    return aggs;
  }

  void AddToGroups(GroupTable& table, const Projection& p, const Layout& layout, Row row, int64_t weight = 1) {
    row.resize(layout.size());
    Env env{&layout, &row};
    Row key;
    if (p.star) {
      std::vector<std::string> names = layout.names();
      std::sort(names.begin(), names.end());
      for (const auto& n : names) key.push_back(row[layout.Find(n)]);
    }
    for (const auto& it : p.items)
      if (!ContainsAggregate(*it.expr)) key.push_back(Eval(*it.expr, env));
    auto [pos, inserted] = table.index.try_emplace(std::move(key), table.groups.size());
    if (inserted) table.groups.push_back(Group{row, std::vector<Accumulator>(table.aggs.size())});
    Group& g = table.groups[pos->second];
    for (size_t i = 0; i < table.aggs.size(); ++i) Accumulate(g.accs[i], *table.aggs[i], row, layout, weight);
  }

  // Projects `input` (in `layout`); `window` applies SKIP and LIMIT.
  std::vector<Row> RunProject(const PlanOp& op, const Layout& layout, std::vector<Row> input, bool window,
                              GroupTable* prebuilt = nullptr) {
    const Projection& p = op.clause->projection;
    // Items: star expands to the visible variables (sorted), then the listed items.
    struct Item {
      const Expr* expr = nullptr;  // null for a star variable
      std::string name;
      int star_slot = -1;
    };
    std::vector<Item> items;
    if (p.star) {
      std::vector<std::string> names = layout.names();
      std::sort(names.begin(), names.end());
      for (const auto& n : names) items.push_back({nullptr, n, layout.Find(n)});
    }
    for (const auto& it : p.items) items.push_back({it.expr.get(), it.ColumnName(), -1});
    bool aggregating = false;
    for (const auto& it : items)
      if (it.expr && ContainsAggregate(*it.expr)) aggregating = true;

    // ORDER BY sees the projected names and, where they are not shadowed,
    // the variables before the projection: a combined row [old..., new...].
    Layout order_layout;
    std::vector<int> order_pick;
    if (!p.order_by.empty() || p.where) {
      std::vector<std::string> combined_names = layout.names();
      for (const auto& it : items) combined_names.push_back(it.name);
      std::map<std::string, int> combined_index;
      for (size_t i = 0; i < combined_names.size(); ++i) combined_index[combined_names[i]] = static_cast<int>(i);
      for (const auto& [name, idx] : combined_index) {
        order_layout.Add(name);
        order_pick.push_back(idx);
      }
    }

    struct Out {
      Row values;
      Row order_row;  // in order_layout
      std::map<const Expr*, Value> aggregates;
    };
    std::vector<Out> outs;
    auto make_order_row = [&](const Row& old_row, const Row& values) {
      Row r(order_pick.size());
      for (size_t i = 0; i < order_pick.size(); ++i) {
        int idx = order_pick[i];
        r[i] = idx < static_cast<int>(layout.size()) ? (idx < static_cast<int>(old_row.size()) ? old_row[idx] : Value())
                                                       : values[idx - layout.size()];
      }
      return r;
    };

    size_t skip = window && p.skip ? static_cast<size_t>(EvalSkipLimit(p.skip, "SKIP")) : 0;
    size_t limit = window && p.limit ? static_cast<size_t>(EvalSkipLimit(p.limit, "LIMIT")) : SIZE_MAX;
    // An ORDER BY item written like a projected item sorts by that column.
    std::vector<int> order_cols;
    for (const auto& s : p.order_by) {
      int col = -1;
      std::string text = ast::ToString(*s.expr);
      for (size_t c = 0; c < items.size(); ++c)
        if (items[c].expr && ast::ToString(*items[c].expr) == text) col = static_cast<int>(c);
      order_cols.push_back(col);
    }
    auto sort_key = [&](Out& o) {
      Row k;
      k.reserve(p.order_by.size());
      Env env{&order_layout, &o.order_row, nullptr, &o.aggregates};
      for (size_t j = 0; j < p.order_by.size(); ++j)
        k.push_back(order_cols[j] >= 0 ? o.values[order_cols[j]] : Eval(*p.order_by[j].expr, env));
      return k;
    };
    // Ties keep their input order (the index breaks them), as a stable sort.
    auto less = [&](const std::pair<Row, size_t>& a, const std::pair<Row, size_t>& b) {
      for (size_t j = 0; j < p.order_by.size(); ++j) {
        int c = OrderCompare(a.first[j], b.first[j]);
        if (c != 0) return p.order_by[j].descending ? c > 0 : c < 0;
      }
      return a.second < b.second;
    };

    if (!aggregating) {
      for (auto& row : input) {
        row.resize(layout.size());
        Env env{&layout, &row};
        Row values;
        values.reserve(items.size());
        for (const auto& it : items) values.push_back(it.expr ? Eval(*it.expr, env) : row[it.star_slot]);
        Out o;
        if (!p.order_by.empty() || p.where) o.order_row = make_order_row(row, values);
        o.values = std::move(values);
        outs.push_back(std::move(o));
      }
    } else {
      GroupTable local;
      GroupTable& table = prebuilt ? *prebuilt : local;
      if (!prebuilt) {
        table.aggs = ProjectionAggregates(p);
        for (auto& row : input) AddToGroups(table, p, layout, std::move(row));
      }
      bool all_aggregate = true;
      for (const auto& it : items)
        if (!it.expr || !ContainsAggregate(*it.expr)) all_aggregate = false;
      if (table.groups.empty() && all_aggregate) {
        Group g{Row(layout.size()), std::vector<Accumulator>(table.aggs.size())};
        table.groups.push_back(std::move(g));
      }
      // ORDER BY ... LIMIT over many groups: keep only the best SKIP+LIMIT
      // groups while projecting (a bounded max-heap on the sort key).
      bool bounded = !p.order_by.empty() && !p.distinct && !p.where && limit != SIZE_MAX &&
                     skip < table.groups.size() && limit < table.groups.size() - skip;
      std::vector<std::pair<Row, size_t>> heap;
      std::map<size_t, Out> kept;
      size_t index = 0;
      for (auto& g : table.groups) {
        Out o;
        for (size_t i = 0; i < table.aggs.size(); ++i) o.aggregates[table.aggs[i]] = FinishAggregate(g.accs[i], *table.aggs[i]);
        const Row& rep = g.representative;
        Env env{&layout, &rep, nullptr, &o.aggregates};
        for (const auto& it : items) o.values.push_back(it.expr ? Eval(*it.expr, env) : rep[it.star_slot]);
        if (!p.order_by.empty() || p.where) o.order_row = make_order_row(rep, o.values);
        if (!bounded) {
          outs.push_back(std::move(o));
          continue;
        }
        heap.push_back({sort_key(o), index});
        std::push_heap(heap.begin(), heap.end(), less);
        kept.emplace(index++, std::move(o));
        if (heap.size() > skip + limit) {
          std::pop_heap(heap.begin(), heap.end(), less);
          kept.erase(heap.back().second);
          heap.pop_back();
        }
      }
      for (auto& [i, o] : kept) outs.push_back(std::move(o));
    }

    if (p.distinct) {
      std::set<Row, RowLess> seen;
      std::vector<Out> kept;
      for (auto& o : outs)
        if (seen.insert(o.values).second) kept.push_back(std::move(o));
      outs = std::move(kept);
    }
    if (limit == SIZE_MAX) limit = outs.size();
    if (!p.order_by.empty()) {
      std::vector<std::pair<Row, size_t>> keys;
      keys.reserve(outs.size());
      for (size_t i = 0; i < outs.size(); ++i) keys.push_back({sort_key(outs[i]), i});
      // Only the first skip + limit rows are kept: sort just those (top-k).
      size_t needed = outs.size();
      if (limit < outs.size() && skip < outs.size() - limit) needed = skip + limit;
      if (needed < keys.size()) {
        std::partial_sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(needed), keys.end(), less);
        keys.resize(needed);
      } else {
        std::sort(keys.begin(), keys.end(), less);
      }
      std::vector<Out> sorted;
      sorted.reserve(keys.size());
      for (auto& [k, i] : keys) sorted.push_back(std::move(outs[i]));
      outs = std::move(sorted);
    }
    std::vector<Row> result;
    Layout next;
    for (const auto& it : items) next.Add(it.name);
    size_t window_end = skip + std::min(limit, outs.size());
    for (size_t i = skip; i < outs.size() && i < window_end; ++i) {
      if (p.where) {
        Env env{&order_layout, &outs[i].order_row, nullptr, &outs[i].aggregates};
        Value ok = Eval(*p.where, env);
        if (!ok.is_bool() || !ok.as_bool()) continue;
      }
      result.push_back(std::move(outs[i].values));
    }
    // WITH ... WHERE filters the rows SKIP and LIMIT kept.
    return result;
  }

  // ---------------------------------------------------------------- expressions
  Value LookupVariable(const std::string& name, const Env& env, SourceSpan span) {
    if (env.locals)
      for (auto it = env.locals->rbegin(); it != env.locals->rend(); ++it)
        if (it->first == name) return it->second;
    if (env.layout) {
      int slot = env.layout->Find(name);
      if (slot >= 0 && env.row && slot < static_cast<int>(env.row->size())) return (*env.row)[slot];
      if (slot >= 0) return Value();
    }
    throw QueryError("SyntaxError", "UndefinedVariable", "variable '" + name + "' is not defined", span);
  }

  Value PropertyOf(const Value& target, const std::string& key, SourceSpan span) {
    if (target.is_null()) return Value();
    if (target.is_node()) {
      const graph::Value* v = graph_->NodeProperty(target.as_node().id, key);
      return v ? FromGraphValue(*v) : Value();
    }
    const graph::Properties* props = nullptr;
    if (target.is_rel()) props = &graph_->GetRelationship(target.as_rel().id).props;
    else if (target.is_map()) {
      auto it = target.as_map().find(key);
      return it == target.as_map().end() ? Value() : it->second;
    } else {
      TypeFail("cannot read property '" + key + "' of a " + TypeName(target), span);
    }
    auto it = props->find(key);
    return it == props->end() ? Value() : FromGraphValue(it->second);
  }

  static std::optional<bool> Truth(const Value& v, SourceSpan span) {
    if (v.is_null()) return std::nullopt;
    if (!v.is_bool()) TypeFail("expected a boolean, got a " + TypeName(v), span);
    return v.as_bool();
  }

  static Value FromTruth(std::optional<bool> b) { return b ? Value(*b) : Value(); }

  Value Arithmetic(Op op, const Value& a, const Value& b, SourceSpan span) {
    if (a.is_null() || b.is_null()) return Value();
    if (op == Op::kAdd) {
      if (a.is_list() || b.is_list()) {
        ValueList out;
        if (a.is_list()) out = a.as_list();
        else out.push_back(a);
        if (b.is_list()) out.insert(out.end(), b.as_list().begin(), b.as_list().end());
        else out.push_back(b);
        return Value(std::move(out));
      }
      if (a.is_string() && b.is_string()) return Value(a.as_string() + b.as_string());
      if (a.is_string() && b.is_number()) return Value(a.as_string() + (b.is_int() ? std::to_string(b.as_int()) : FormatFloat(b.as_float())));
      if (b.is_string() && a.is_number()) return Value((a.is_int() ? std::to_string(a.as_int()) : FormatFloat(a.as_float())) + b.as_string());
    }
    if (!a.is_number() || !b.is_number())
      TypeFail("cannot apply an arithmetic operator to a " + TypeName(a) + " and a " + TypeName(b), span);
    if (a.is_int() && b.is_int()) {
      int64_t x = a.as_int(), y = b.as_int();
      switch (op) {
        case Op::kAdd: return Value(CheckedAdd(x, y, span));
        case Op::kSub: return Value(CheckedSub(x, y, span));
        case Op::kMul: return Value(CheckedMul(x, y, span));
        case Op::kDiv:
          if (y == 0) throw QueryError("ArithmeticError", "DivisionByZero", "division by zero", span);
          if (x == INT64_MIN && y == -1) throw QueryError("ArithmeticError", "IntegerOverflow", "integer overflow", span);
          return Value(x / y);
        case Op::kMod:
          if (y == 0) throw QueryError("ArithmeticError", "DivisionByZero", "division by zero", span);
          if (y == -1) return Value(int64_t{0});
          return Value(x % y);
        case Op::kPow: return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
        default: break;
      }
    }
    double x = a.as_number(), y = b.as_number();
    switch (op) {
      case Op::kAdd: return Value(x + y);
      case Op::kSub: return Value(x - y);
      case Op::kMul: return Value(x * y);
      case Op::kDiv: return Value(x / y);
      case Op::kMod: return Value(std::fmod(x, y));
      case Op::kPow: return Value(std::pow(x, y));
      default: return Value();
    }
  }

  const RE2& Regex(const std::string& pattern, SourceSpan span) {
    auto it = regexes_.find(pattern);
    if (it != regexes_.end()) return *it->second;
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(pattern, options);
    if (!re->ok()) throw QueryError("ArgumentError", "InvalidArgumentValue", "invalid regular expression: " + re->error(), span);
    return *regexes_.emplace(pattern, std::move(re)).first->second;
  }

  Value EvalBinary(const Expr& e, const Env& env) {
    Op op = e.op;
    if (op == Op::kAnd || op == Op::kOr || op == Op::kXor) {
      auto a = Truth(Eval(*e.args[0], env), e.args[0]->span);
      if (op == Op::kAnd && a && !*a) {
        Truth(Eval(*e.args[1], env), e.args[1]->span);
        return Value(false);
      }
      if (op == Op::kOr && a && *a) {
        Truth(Eval(*e.args[1], env), e.args[1]->span);
        return Value(true);
      }
      auto b = Truth(Eval(*e.args[1], env), e.args[1]->span);
      if (op == Op::kAnd) {
        if (b && !*b) return Value(false);
        if (a && b) return Value(true);
        return Value();
      }
      if (op == Op::kOr) {
        if (b && *b) return Value(true);
        if (a && b) return Value(false);
        return Value();
      }
      if (!a || !b) return Value();
      return Value(*a != *b);
    }
    Value a = Eval(*e.args[0], env);
    Value b = Eval(*e.args[1], env);
    switch (op) {
      case Op::kEq: return FromTruth(Equals(a, b));
      case Op::kNe: {
        auto eq = Equals(a, b);
        return eq ? Value(!*eq) : Value();
      }
      case Op::kLt:
      case Op::kGt:
      case Op::kLe:
      case Op::kGe: {
        auto c = Compare(a, b);
        if (!c) return Value();
        if (*c == kUnordered) return Value(false);
        switch (op) {
          case Op::kLt: return Value(*c < 0);
          case Op::kGt: return Value(*c > 0);
          case Op::kLe: return Value(*c <= 0);
          default: return Value(*c >= 0);
        }
      }
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod:
      case Op::kPow: return Arithmetic(op, a, b, e.span);
      case Op::kIn: {
        if (b.is_null()) return Value();
        if (!b.is_list()) TypeFail("IN needs a list, got a " + TypeName(b), e.args[1]->span);
        bool unknown = false;
        for (const auto& item : b.as_list()) {
          auto eq = Equals(a, item);
          if (!eq) unknown = true;
          else if (*eq) return Value(true);
        }
        return unknown ? Value() : Value(false);
      }
      case Op::kStartsWith:
      case Op::kEndsWith:
      case Op::kContains: {
        if (!a.is_string() || !b.is_string()) return Value();
        const std::string& s = a.as_string();
        const std::string& t = b.as_string();
        if (op == Op::kStartsWith) return Value(s.compare(0, t.size(), t) == 0 && s.size() >= t.size());
        if (op == Op::kEndsWith) return Value(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
        return Value(s.find(t) != std::string::npos);
      }
      case Op::kRegex: {
        if (!a.is_string() || !b.is_string()) return Value();
        return Value(RE2::FullMatch(a.as_string(), Regex(b.as_string(), e.args[1]->span)));
      }
      default: return Value();
    }
  }

  Value EvalIndex(const Expr& e, const Env& env) {
    Value target = Eval(*e.args[0], env);
    Value index = Eval(*e.args[1], env);
    if (target.is_null() || index.is_null()) return Value();
    if (target.is_list()) {
      if (!index.is_int()) TypeFail("list index must be an integer", e.args[1]->span);
      const auto& l = target.as_list();
      int64_t i = index.as_int();
      int64_t n = static_cast<int64_t>(l.size());
      if (i < 0) i += n;
      if (i < 0 || i >= n) return Value();
      return l[static_cast<size_t>(i)];
    }
    if (target.is_map() || target.is_node() || target.is_rel()) {
      if (!index.is_string()) TypeFail("map key must be a string", e.args[1]->span);
      return PropertyOf(target, index.as_string(), e.span);
    }
    TypeFail("cannot index a " + TypeName(target), e.span);
  }

  Value EvalSlice(const Expr& e, const Env& env) {
    Value target = Eval(*e.args[0], env);
    Value from = e.args[1] ? Eval(*e.args[1], env) : Value(int64_t{0});
    Value to = e.args[2] ? Eval(*e.args[2], env) : Value();
    if (target.is_null()) return Value();
    if ((e.args[1] && from.is_null()) || (e.args[2] && to.is_null())) return Value();
    if (!target.is_list()) TypeFail("cannot slice a " + TypeName(target), e.span);
    const auto& l = target.as_list();
    int64_t n = static_cast<int64_t>(l.size());
    if (!from.is_int() || (!to.is_null() && !to.is_int())) TypeFail("slice bounds must be integers", e.span);
    int64_t a = from.as_int(), b = to.is_null() ? n : to.as_int();
    if (a < 0) a += n;
    if (b < 0) b += n;
    a = std::clamp<int64_t>(a, 0, n);
    b = std::clamp<int64_t>(b, 0, n);
    if (b <= a) return Value(ValueList{});
    return Value(ValueList(l.begin() + a, l.begin() + b));
  }

  Value EvalCase(const Expr& e, const Env& env) {
    size_t i = 0;
    Value subject;
    if (e.has_subject) subject = Eval(*e.args[i++], env);
    size_t pairs_end = e.args.size() - (e.has_else ? 1 : 0);
    for (; i + 1 < pairs_end + 1 && i < pairs_end; i += 2) {
      Value w = Eval(*e.args[i], env);
      bool hit;
      if (e.has_subject) {
        auto eq = Equals(subject, w);
        hit = eq && *eq;
      } else {
        hit = w.is_bool() && w.as_bool();
      }
      if (hit) return Eval(*e.args[i + 1], env);
    }
    return e.has_else ? Eval(*e.args.back(), env) : Value();
  }

  Value EvalComprehension(const Expr& e, const Env& env) {
    Value list = Eval(*e.args[0], env);
    if (list.is_null()) return Value();
    if (!list.is_list()) TypeFail("expected a list, got a " + TypeName(list), e.args[0]->span);
    std::vector<std::pair<std::string, Value>> locals;
    if (env.locals) locals = *env.locals;
    locals.push_back({e.variable, Value()});
    Env inner = env;
    inner.locals = &locals;
    if (e.kind == ExprKind::kListComprehension) {
      ValueList out;
      for (const auto& item : list.as_list()) {
        locals.back().second = item;
        if (e.args[1]) {
          Value ok = Eval(*e.args[1], inner);
          if (!ok.is_bool() || !ok.as_bool()) continue;
        }
        out.push_back(e.args[2] ? Eval(*e.args[2], inner) : item);
      }
      return Value(std::move(out));
    }
    int64_t trues = 0, nulls = 0, total = 0;
    for (const auto& item : list.as_list()) {
      locals.back().second = item;
      ++total;
      Value ok = e.args[1] ? Eval(*e.args[1], inner) : Value(true);
      if (ok.is_null()) ++nulls;
      else if (ok.is_bool() && ok.as_bool()) ++trues;
    }
    int64_t falses = total - trues - nulls;
    if (e.name == "all") return falses > 0 ? Value(false) : (nulls > 0 ? Value() : Value(true));
    if (e.name == "any") return trues > 0 ? Value(true) : (nulls > 0 ? Value() : Value(false));
    if (e.name == "none") return trues > 0 ? Value(false) : (nulls > 0 ? Value() : Value(true));
    // single
    if (trues > 1) return Value(false);
    if (nulls > 0) return Value();
    return Value(trues == 1);
  }

  Value EvalPatternPredicate(const Expr& e, const Env& env) {
    bool found = false;
    try {
      MatchInline(*e.pattern, env, [&](const Layout&, const Row&) {
        found = true;
        throw Found{};
      });
    } catch (const Found&) {
    }
    return Value(found);
  }

  Value EvalPatternComprehension(const Expr& e, const Env& env) {
    ValueList out;
    MatchInline(*e.pattern, env, [&](const Layout& layout, const Row& row) {
      Env inner{&layout, &row, env.locals, env.aggregates};
      if (e.args[0]) {
        Value ok = Eval(*e.args[0], inner);
        if (!ok.is_bool() || !ok.as_bool()) return;
      }
      out.push_back(Eval(*e.args[1], inner));
    });
    return Value(std::move(out));
  }

  // Matches a pattern inside an expression under the current bindings
  // (locals included), calling `fn` for each match.
  void MatchInline(const PatternPart& pattern, const Env& env, const std::function<void(const Layout&, const Row&)>& fn) {
    PlanOp op;
    op.kind = OpKind::kMatch;
    PatternStep step;
    step.part = &pattern;
    Layout layout = env.layout ? *env.layout : Layout();
    Row row = env.row ? *env.row : Row();
    row.resize(layout.size());
    if (env.locals)
      for (const auto& [name, value] : *env.locals) {
        int slot = layout.Add(name);
        row.resize(layout.size());
        row[slot] = value;
      }
    size_t bound_count = layout.size();
    for (size_t i = 0; i < pattern.nodes.size(); ++i) {
      if (!pattern.nodes[i].variable.empty()) layout.Add(pattern.nodes[i].variable);
      if (i < pattern.rels.size() && !pattern.rels[i].variable.empty()) layout.Add(pattern.rels[i].variable);
    }
    if (!pattern.path_variable.empty()) layout.Add(pattern.path_variable);
    row.resize(layout.size());
    for (size_t i = bound_count; i < layout.size(); ++i) op.new_variables.push_back(layout.names()[i]);
    const auto& first = pattern.nodes.front();
    int slot = first.variable.empty() ? -1 : layout.Find(first.variable);
    if (slot >= 0 && !row[slot].is_null()) {
      step.anchor = AnchorKind::kBoundVariable;
    } else {
      const auto& last = pattern.nodes.back();
      int lslot = last.variable.empty() ? -1 : layout.Find(last.variable);
      if (lslot >= 0 && !row[lslot].is_null()) {
        step.reversed = true;
        step.anchor = AnchorKind::kBoundVariable;
      }
    }
    op.steps.push_back(step);
    MatchState st{&op, &layout, {}, PreboundSlots(layout, op)};
    MatchSteps(st, 0, row, [&](const Row& r) { fn(layout, r); });
  }

  struct Found {};

  Value GraphFunction(const std::string& name, const Expr& e, const std::vector<Value>& args) {
    const Value& a = args.empty() ? Value() : args[0];
    auto bad = [&] { TypeFail(e.name + "() cannot take a " + TypeName(a), e.span); };
    if (name == "id") {
      if (a.is_null()) return Value();
      if (a.is_node()) return Value(a.as_node().id);
      if (a.is_rel()) return Value(a.as_rel().id);
      bad();
    }
    if (name == "labels") {
      if (a.is_null()) return Value();
      if (!a.is_node()) throw QueryError("TypeError", "InvalidArgumentValue", "labels() needs a node, got a " + TypeName(a), e.span);
      ValueList out;
      for (const auto& l : graph_->LabelsOf(a.as_node().id)) out.push_back(Value(l));
      return Value(std::move(out));
    }
    if (name == "type") {
      if (a.is_null()) return Value();
      if (!a.is_rel()) throw QueryError("TypeError", "InvalidArgumentValue", "type() needs a relationship, got a " + TypeName(a), e.span);
      if (a.as_rel().type_code >= 0) return Value(graph_->TypeName(a.as_rel().type_code));
      return Value(graph_->GetRelationship(a.as_rel().id).type);
    }
    if (name == "properties") {
      if (a.is_null()) return Value();
      if (a.is_map()) return a;
      const graph::Properties* props = nullptr;
      if (a.is_node()) props = &graph_->PropertiesOf(a.as_node().id);
      else if (a.is_rel()) props = &graph_->GetRelationship(a.as_rel().id).props;
      else bad();
      ValueMap out;
      for (const auto& [k, v] : *props) out.emplace(k, FromGraphValue(v));
      return Value(std::move(out));
    }
    if (name == "keys") {
      if (a.is_null()) return Value();
      ValueList out;
      if (a.is_map()) {
        for (const auto& [k, v] : a.as_map()) out.push_back(Value(k));
        return Value(std::move(out));
      }
      const graph::Properties* props = nullptr;
      if (a.is_node()) props = &graph_->PropertiesOf(a.as_node().id);
      else if (a.is_rel()) props = &graph_->GetRelationship(a.as_rel().id).props;
      else bad();
      for (const auto& [k, v] : *props) out.push_back(Value(k));
      return Value(std::move(out));
    }
    if (name == "length") {
      if (a.is_null()) return Value();
      if (a.is_path()) return Value(static_cast<int64_t>(a.as_path().rels.size()));
      if (a.is_list()) return Value(static_cast<int64_t>(a.as_list().size()));
      if (a.is_string()) return CallScalarFunction("size", args, e.span).value();
      bad();
    }
    if (name == "size" && a.is_path()) TypeFail("size() cannot take a Path", e.span);
    if (name == "nodes" || name == "relationships") {
      if (a.is_null()) return Value();
      if (!a.is_path()) bad();
      ValueList out;
      if (name == "nodes")
        for (auto n : a.as_path().nodes) out.push_back(Value(NodeRef{n}));
      else
        for (auto r : a.as_path().rels) out.push_back(Value(RelRef{r}));
      return Value(std::move(out));
    }
    if (name == "startnode" || name == "endnode") {
      if (a.is_null()) return Value();
      if (!a.is_rel()) bad();
      const auto& r = graph_->GetRelationship(a.as_rel().id);
      return Value(NodeRef{name == "startnode" ? r.start : r.end});
    }
    if (name == "exists") return Value(!a.is_null());
    if (name == "evidence") {
      if (a.is_null()) return Value();
      std::vector<graph::Evidence> ev;
      if (a.is_node()) ev = graph_->EvidenceForNode(a.as_node().id);
      else if (a.is_rel()) ev = graph_->EvidenceForRelationship(a.as_rel().id);
      else bad();
      ValueList out;
      for (const auto& x : ev) {
        ValueMap m;
        m["article"] = x.article_title ? Value(*x.article_title) : Value(x.article);
        m["date"] = x.article_published ? Value(*x.article_published) : Value();
        m["sentence"] = Value(x.sentence);
        m["rule"] = Value(x.rule);
        out.push_back(Value(std::move(m)));
      }
      return Value(std::move(out));
    }
    if (name == "timestamp") return Value(static_cast<int64_t>(std::time(nullptr)) * 1000);
    if (auto v = CallScalarFunction(name, args, e.span)) return *v;
    throw QueryError("SyntaxError", "UnknownFunction", "unknown function '" + e.name + "'", e.span);
  }

  GraphAccess* graph_;
  const Params& params_;
  bool writes_ = false;
  std::vector<Stage> stages_;
  std::vector<Row> results_;
  SideEffects effects_;
  std::unordered_map<std::string, std::unique_ptr<RE2>> regexes_;
};

Value Executor::Eval(const Expr& e, const Env& env) {
  if (env.aggregates) {
    auto it = env.aggregates->find(&e);
    if (it != env.aggregates->end()) return it->second;
  }
  switch (e.kind) {
    case ExprKind::kLiteral: return e.literal;
    case ExprKind::kParameter: {
      auto it = params_.find(e.name);
      if (it == params_.end())
        throw QueryError("ParameterMissing", "MissingParameter", "parameter $" + e.name + " has no value", e.span);
      return it->second;
    }
    case ExprKind::kVariable: return LookupVariable(e.name, env, e.span);
    case ExprKind::kProperty: return PropertyOf(Eval(*e.args[0], env), e.name, e.span);
    case ExprKind::kLabelCheck: {
      Value v = Eval(*e.args[0], env);
      if (v.is_null()) return Value();
      if (!v.is_node()) TypeFail("label check needs a node", e.span);
      const auto& labels = graph_->LabelsOf(v.as_node().id);
      for (const auto& l : e.keys)
        if (!std::binary_search(labels.begin(), labels.end(), l)) return Value(false);
      return Value(true);
    }
    case ExprKind::kList: {
      ValueList out;
      out.reserve(e.args.size());
      for (const auto& a : e.args) out.push_back(Eval(*a, env));
      return Value(std::move(out));
    }
    case ExprKind::kMap: {
      ValueMap out;
      for (size_t i = 0; i < e.args.size(); ++i) out[e.keys[i]] = Eval(*e.args[i], env);
      return Value(std::move(out));
    }
    case ExprKind::kIndex: return EvalIndex(e, env);
    case ExprKind::kSlice: return EvalSlice(e, env);
    case ExprKind::kUnary: {
      Value v = Eval(*e.args[0], env);
      if (e.op == Op::kNot) {
        auto t = Truth(v, e.args[0]->span);
        return t ? Value(!*t) : Value();
      }
      if (v.is_null()) return Value();
      if (!v.is_number()) TypeFail("cannot negate a " + TypeName(v), e.span);
      if (e.op == Op::kPlus) return v;
      if (v.is_int()) return Value(CheckedSub(0, v.as_int(), e.span));
      return Value(-v.as_float());
    }
    case ExprKind::kBinary: return EvalBinary(e, env);
    case ExprKind::kIsNull: return Value(Eval(*e.args[0], env).is_null());
    case ExprKind::kIsNotNull: return Value(!Eval(*e.args[0], env).is_null());
    case ExprKind::kCountStar:
      throw QueryError("SyntaxError", "InvalidAggregation", "count(*) is not allowed here", e.span);
    case ExprKind::kFunction: {
      std::string name = Lower(e.name);
      if (IsAggregateFunction(name))
        throw QueryError("SyntaxError", "InvalidAggregation", e.name + "() is not allowed here", e.span);
      std::vector<Value> args;
      args.reserve(e.args.size());
      for (const auto& a : e.args) args.push_back(Eval(*a, env));
      return GraphFunction(name, e, args);
    }
    case ExprKind::kCase: return EvalCase(e, env);
    case ExprKind::kListComprehension:
    case ExprKind::kQuantifier: return EvalComprehension(e, env);
    case ExprKind::kPatternPredicate: return EvalPatternPredicate(e, env);
    case ExprKind::kPatternComprehension: return EvalPatternComprehension(e, env);
  }
  return Value();
}

}  // namespace

QueryResult Execute(const Plan& plan, GraphAccess& graph, const Params& params) {
  Executor executor(&graph, params);
  return executor.Run(plan);
}

Value EvaluateConstant(const ast::Expr& expr, const Params& params) {
  Executor executor(nullptr, params);
  return executor.Eval(expr, Env{});
}

}  // namespace kg::queries
