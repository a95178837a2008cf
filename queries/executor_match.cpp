// Executor: MATCH. Walks each pattern from its planned anchor, expanding
// fixed and variable-length hops, and finds shortest paths; also matches
// the patterns written inside expressions.
#include "queries/executor_internal.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace kg::queries::detail {

std::vector<bool> Executor::PreboundSlots(const Layout& layout, const PlanOp& op) {
  std::vector<bool> pre(layout.size(), true);
  for (const auto& v : op.new_variables) {
    int slot = layout.Find(v);
    if (slot >= 0) pre[slot] = false;
  }
  return pre;
}

std::vector<Row> Executor::RunMatch(const PlanOp& op, Layout& layout, std::vector<Row> input) {
  std::vector<Row> out;
  for (auto& row : input) MatchRow(op, layout, std::move(row), [&](const Row& r) { out.push_back(r); });
  return out;
}

// Matches one input row, calling `emit` for each result as it is found.
void Executor::MatchRow(const PlanOp& op, Layout& layout, Row row, const std::function<void(const Row&)>& emit) {
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

void Executor::MatchSteps(MatchState& st, size_t step_index, Row& row, const std::function<void(const Row&)>& emit) {
  if (step_index == st.op->steps.size()) {
    emit(row);
    return;
  }
  const PatternStep& step = st.op->steps[step_index];
  MatchPart(st, step, row, [&](Row& r) { MatchSteps(st, step_index + 1, r, emit); });
}

// `known_label`: a label the node is known to have (from the label index).
bool Executor::NodeMatches(NodeId id, const NodePattern& n, const Env& env, const std::string* known_label) {
  if (n.labels.empty() && !n.properties) return true;
  if (!n.labels.empty() && !(n.labels.size() == 1 && known_label && n.labels[0] == *known_label)) {
    for (const auto& l : n.labels)
      if (!graph_->HasLabel(id, l)) return false;
  }
  if (!n.properties) return true;
  return PropertiesMatch(graph_->PropertiesOf(id), n.properties, env);
}

bool Executor::PropertiesMatch(const graph::Properties& props, const ExprPtr& pattern, const Env& env) {
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

bool Executor::RelMatches(RelId id, const RelPattern& r, const Env& env) {
  if (!r.properties) return true;
  return PropertiesMatch(graph_->GetRelationship(id).props, r.properties, env);
}

std::vector<NodeId> Executor::AnchorCandidates(const PatternStep& step, const NodePattern& n, const Env& env) {
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
bool Executor::BindOrCheck(Row& row, int slot, const Value& value, bool& was_bound) {
  was_bound = !row[slot].is_null();
  if (was_bound) return Equivalent(row[slot], value);
  row[slot] = value;
  return true;
}

void Executor::MatchPart(MatchState& st, const PatternStep& step, Row& row, const std::function<void(Row&)>& next) {
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
void Executor::ScanRelationships(MatchState& st, const PatternStep& step, Row& row, int first_slot,
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

bool Executor::PassesEarlyFilters(const PatternStep& step, const Env& env) {
  for (const auto& f : step.early_filters) {
    Value ok = Eval(*f, env);
    if (!ok.is_bool() || !ok.as_bool()) return false;
  }
  return true;
}

void Executor::FinishPart(MatchState& st, const PatternStep& step, Row& row, std::vector<NodeId>& path_nodes,
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
void Executor::ExtendChain(MatchState& st, const PatternStep& step, Row& row, size_t i, std::vector<NodeId>& path_nodes,
                           std::vector<RelId>& path_rels, const std::function<void(Row&)>& next,
                           const std::vector<EdgeRef>* given_edges) {
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
bool Executor::BidirectionalShortest(NodeId start, NodeId target, graph::Direction dir, const RelPattern& rel,
                                     int64_t max_hops, const Env& env, std::vector<NodeId>& path_nodes,
                                     std::vector<RelId>& path_rels) {
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
void Executor::ReachDistinct(MatchState& st, const PatternStep& step, const RelPattern& rel, graph::Direction dir,
                             NodeId from, int64_t min_hops, int64_t max_hops, const Env& env,
                             const std::function<void(NodeId)>& emit) {
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
void Executor::MatchShortest(MatchState& st, const PatternStep& step, Row& row, NodeId start,
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

// Matches a pattern inside an expression under the current bindings
// (locals included), calling `fn` for each match.
void Executor::MatchInline(const PatternPart& pattern, const Env& env,
                           const std::function<void(const Layout&, const Row&)>& fn) {
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

}  // namespace kg::queries::detail
