// Planner implementation: tracks which variables are bound clause by clause
// and scores the two ends of each pattern part.
#include "queries/planner.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace kg::queries {

namespace {

using namespace ast;

void SplitConjuncts(const ExprPtr& e, std::vector<ExprPtr>& out);

// `WHERE var.name = <constant>` conjuncts, by variable.
void CollectNameEqualities(const ExprPtr& where, std::map<std::string, ExprPtr>& out) {
  if (!where) return;
  if (where->kind == ExprKind::kBinary && where->op == Op::kAnd) {
    CollectNameEqualities(where->args[0], out);
    CollectNameEqualities(where->args[1], out);
    return;
  }
  if (where->kind != ExprKind::kBinary || where->op != Op::kEq) return;
  for (int side = 0; side < 2; ++side) {
    const auto& prop = where->args[side];
    const auto& value = where->args[1 - side];
    if (prop->kind == ExprKind::kProperty && prop->name == "name" && prop->args[0]->kind == ExprKind::kVariable &&
        (value->kind == ExprKind::kParameter || (value->kind == ExprKind::kLiteral && value->literal.is_string())))
      out[prop->args[0]->name] = value;
  }
}

// `WHERE type(r) = '<literal>'` conjuncts, by relationship variable.
void CollectTypeEqualities(const ExprPtr& where, std::map<std::string, std::vector<std::string>>& out) {
  std::vector<ExprPtr> conjuncts;
  SplitConjuncts(where, conjuncts);
  for (const auto& c : conjuncts) {
    if (c->kind != ExprKind::kBinary || c->op != Op::kEq) continue;
    for (int side = 0; side < 2; ++side) {
      const auto& call = c->args[side];
      const auto& value = c->args[1 - side];
      bool is_type = call->kind == ExprKind::kFunction && call->name.size() == 4 && !call->distinct &&
                     std::equal(call->name.begin(), call->name.end(), "type", [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) == b;
                     });
      if (is_type && call->args.size() == 1 && call->args[0]->kind == ExprKind::kVariable &&
          value->kind == ExprKind::kLiteral && value->literal.is_string() && !out.count(call->args[0]->name))
        out[call->args[0]->name] = {value->literal.as_string()};
    }
  }
}

ExprPtr NameFromProperties(const NodePattern& n) {
  if (!n.properties || n.properties->kind != ExprKind::kMap) return nullptr;
  for (size_t i = 0; i < n.properties->keys.size(); ++i) {
    const auto& v = n.properties->args[i];
    if (n.properties->keys[i] == "name" &&
        (v->kind == ExprKind::kParameter || (v->kind == ExprKind::kLiteral && v->literal.is_string())))
      return v;
  }
  return nullptr;
}

// Lower is better.
int Score(const NodePattern& n, const std::set<std::string>& bound, const std::map<std::string, ExprPtr>& names,
          PatternStep& step) {
  if (!n.variable.empty() && bound.count(n.variable)) {
    step.anchor = AnchorKind::kBoundVariable;
    return 0;
  }
  if (auto name = NameFromProperties(n)) {
    step.anchor = AnchorKind::kNameIndex;
    step.anchor_name = name;
    return 1;
  }
  if (!n.variable.empty()) {
    auto it = names.find(n.variable);
    if (it != names.end()) {
      step.anchor = AnchorKind::kNameIndex;
      step.anchor_name = it->second;
      return 1;
    }
  }
  if (!n.labels.empty()) {
    step.anchor = AnchorKind::kLabelIndex;
    step.anchor_label = n.labels[0];
    return 2;
  }
  step.anchor = AnchorKind::kAllNodes;
  return 3;
}

void BindPattern(const PatternPart& part, std::set<std::string>& bound, std::vector<std::string>& added) {
  auto add = [&](const std::string& v) {
    if (!v.empty() && bound.insert(v).second) added.push_back(v);
  };
  for (size_t i = 0; i < part.nodes.size(); ++i) {
    add(part.nodes[i].variable);
    if (i < part.rels.size()) add(part.rels[i].variable);
  }
  add(part.path_variable);
}

void SplitConjuncts(const ExprPtr& e, std::vector<ExprPtr>& out) {
  if (!e) return;
  if (e->kind == ExprKind::kBinary && e->op == Op::kAnd) {
    SplitConjuncts(e->args[0], out);
    SplitConjuncts(e->args[1], out);
    return;
  }
  out.push_back(e);
}

// Variables an expression reads; false when it has parts whose variables
// are hard to see (comprehensions, pattern expressions), which stay at the end.
bool CollectVariables(const Expr& e, std::set<std::string>& out) {
  switch (e.kind) {
    case ExprKind::kVariable: out.insert(e.name); return true;
    case ExprKind::kListComprehension:
    case ExprKind::kQuantifier:
    case ExprKind::kPatternPredicate:
    case ExprKind::kPatternComprehension:
    case ExprKind::kCountStar: return false;
    case ExprKind::kFunction:
      if (IsAggregateFunction(e.name)) return false;
      break;
    default: break;
  }
  for (const auto& a : e.args)
    if (a && !CollectVariables(*a, out)) return false;
  return true;
}

bool UsesOnlyDistinct(const Projection& p) {
  if (p.distinct) return true;
  bool any_aggregate = false;
  for (const auto& item : p.items) {
    const Expr& e = *item.expr;
    if (e.kind == ExprKind::kFunction && e.distinct) {
      any_aggregate = true;
      continue;
    }
    if (ContainsAggregate(e)) return false;
  }
  return any_aggregate;
}

// Whether `e` is a WHERE that gives the same answer for every match with
// the same node variables: it reads only variables (no subquery, pattern or
// aggregate) and calls no rand().
bool DeterministicOverVariables(const Expr& e) {
  if (e.kind == ExprKind::kFunction && e.name.size() == 4 &&
      std::equal(e.name.begin(), e.name.end(), "rand",
                 [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
    return false;
  std::set<std::string> vars;
  if (!CollectVariables(e, vars)) return false;
  for (const auto& a : e.args)
    if (a && !DeterministicOverVariables(*a)) return false;
  return true;
}

// A MATCH of one chain ending in an anonymous variable-length hop, no path
// variable and no WHERE other than one over its (node) variables, followed
// by a projection that only needs distinct rows: the hop can be a
// reachability search. (The relationships are anonymous, so the matches of
// one end node are rows the WHERE cannot tell apart.)
void MarkDistinctEnds(SinglePlan& single) {
  for (size_t i = 0; i + 1 < single.ops.size(); ++i) {
    auto& op = single.ops[i];
    const auto& next = single.ops[i + 1];
    if (op.kind != OpKind::kMatch || op.steps.size() != 1) continue;
    if (op.clause->where && !DeterministicOverVariables(*op.clause->where)) continue;
    if (next.kind != OpKind::kProject || !UsesOnlyDistinct(next.clause->projection)) continue;
    auto& step = op.steps[0];
    const PatternPart& part = *step.part;
    if (part.kind != PathKind::kNormal || !part.path_variable.empty() || part.rels.size() != 1) continue;
    const RelPattern& rel = part.rels[0];
    if (!rel.var_length || !rel.variable.empty() || rel.properties || rel.min_hops.value_or(1) > 1) continue;
    step.distinct_ends = true;
  }
}

}  // namespace

Plan BuildPlan(std::shared_ptr<const ast::Query> query) {
  Plan plan;
  plan.query = query;
  plan.union_all = query->union_all;
  for (const auto& sq : query->parts) {
    SinglePlan single;
    std::set<std::string> bound;
    for (const auto& clause : sq.clauses) {
      PlanOp op;
      op.clause = &clause;
      switch (clause.kind) {
        case ClauseKind::kMatch:
        case ClauseKind::kOptionalMatch: {
          op.kind = clause.kind == ClauseKind::kMatch ? OpKind::kMatch : OpKind::kOptionalMatch;
          std::map<std::string, ExprPtr> names;
          CollectNameEqualities(clause.where, names);
          CollectTypeEqualities(clause.where, op.where_types);
          // Patterns with a bound or indexed end go first.
          std::vector<const PatternPart*> remaining;
          for (const auto& p : clause.patterns) remaining.push_back(&p);
          while (!remaining.empty()) {
            size_t best = 0;
            int best_score = 100;
            PatternStep best_step;
            for (size_t i = 0; i < remaining.size(); ++i) {
              const auto* part = remaining[i];
              PatternStep front, back;
              front.part = back.part = part;
              back.reversed = true;
              int sf = Score(part->nodes.front(), bound, names, front);
              int sb = part->nodes.size() > 1 && part->kind == PathKind::kNormal
                           ? Score(part->nodes.back(), bound, names, back) : 100;
              if (sf < best_score) best_score = sf, best = i, best_step = front;
              if (sb < best_score) best_score = sb, best = i, best_step = back;
            }
            if (best_step.anchor == AnchorKind::kAllNodes) {
              const PatternPart& part = *best_step.part;
              const NodePattern& n = best_step.reversed ? part.nodes.back() : part.nodes.front();
              if (!part.rels.empty() && part.kind == PathKind::kNormal && n.labels.empty() && !n.properties &&
                  !(best_step.reversed ? part.rels.back() : part.rels.front()).var_length)
                best_step.anchor = AnchorKind::kRelationshipScan;
            }
            {
              // Conjuncts decidable once the anchor node is bound.
              std::vector<ExprPtr> conjuncts;
              SplitConjuncts(clause.where, conjuncts);
              const PatternPart& part = *best_step.part;
              const NodePattern& anchor = best_step.reversed ? part.nodes.back() : part.nodes.front();
              std::set<std::string> available = bound;
              if (!anchor.variable.empty()) available.insert(anchor.variable);
              for (const auto& c : conjuncts) {
                std::set<std::string> vars;
                if (!CollectVariables(*c, vars)) continue;
                bool ok = std::all_of(vars.begin(), vars.end(), [&](const std::string& v) { return available.count(v) > 0; });
                bool uses_anchor = !anchor.variable.empty() && vars.count(anchor.variable);
                if (ok && uses_anchor) best_step.early_filters.push_back(c);
              }
            }
            op.steps.push_back(best_step);
            BindPattern(*remaining[best], bound, op.new_variables);
            remaining.erase(remaining.begin() + static_cast<std::ptrdiff_t>(best));
          }
          break;
        }
        case ClauseKind::kCreate:
          op.kind = OpKind::kCreate;
          plan.writes = true;
          for (const auto& p : clause.patterns) BindPattern(p, bound, op.new_variables);
          break;
        case ClauseKind::kUnwind:
          op.kind = OpKind::kUnwind;
          bound.insert(clause.unwind_variable);
          op.new_variables.push_back(clause.unwind_variable);
          break;
        case ClauseKind::kWith:
        case ClauseKind::kReturn: {
          op.kind = OpKind::kProject;
          std::set<std::string> next;
          std::vector<std::string> columns;
          if (clause.projection.star) {
            for (const auto& v : bound) columns.push_back(v);  // sorted (std::set)
          }
          for (const auto& item : clause.projection.items) columns.push_back(item.ColumnName());
          for (const auto& c : columns) next.insert(c);
          op.new_variables = columns;
          bound = next;
          if (clause.kind == ClauseKind::kReturn) single.columns = columns;
          break;
        }
      }
      single.ops.push_back(std::move(op));
    }
    MarkDistinctEnds(single);
    plan.parts.push_back(std::move(single));
  }
  return plan;
}

std::string Plan::ToString() const {
  static const char* const kAnchors[] = {"bound variable", "name index", "label index", "all nodes",
                                         "relationship scan"};
  std::string out;
  for (size_t p = 0; p < parts.size(); ++p) {
    if (p > 0) out += union_all[p - 1] ? "UnionAll\n" : "Union (distinct)\n";
    for (const auto& op : parts[p].ops) {
      const auto& c = *op.clause;
      switch (op.kind) {
        case OpKind::kMatch:
        case OpKind::kOptionalMatch:
          out += op.kind == OpKind::kMatch ? "Match\n" : "OptionalMatch\n";
          for (const auto& s : op.steps) {
            const auto& n = s.reversed ? s.part->nodes.back() : s.part->nodes.front();
            out += "  Pattern " + std::string(s.reversed ? "(walked right to left) " : "") + "from (" + n.variable +
                   ") via " + kAnchors[static_cast<int>(s.anchor)];
            if (s.anchor == AnchorKind::kLabelIndex) out += " :" + s.anchor_label;
            if (s.anchor == AnchorKind::kNameIndex) out += " name = " + ast::ToString(*s.anchor_name);
            for (const auto& rel : s.part->rels)
              if (rel.types.empty() && !rel.var_length && op.where_types.count(rel.variable))
                out += ", expands " + rel.variable + " of type " + op.where_types.at(rel.variable)[0] + " only";
            if (s.part->kind == PathKind::kShortest) out += ", shortest path (BFS)";
            if (s.part->kind == PathKind::kAllShortest) out += ", all shortest paths (BFS)";
            if (s.distinct_ends) out += ", distinct ends (BFS reachability)";
            for (const auto& f : s.early_filters) out += ", early filter " + ast::ToString(*f);
            out += "\n";
          }
          if (c.where) out += "  Filter " + ast::ToString(*c.where) + "\n";
          break;
        case OpKind::kCreate: out += "Create\n"; break;
        case OpKind::kUnwind: out += "Unwind " + ast::ToString(*c.unwind_expr) + " AS " + c.unwind_variable + "\n"; break;
        case OpKind::kProject: {
          const auto& pr = c.projection;
          bool agg = false;
          for (const auto& i : pr.items) agg = agg || ast::ContainsAggregate(*i.expr);
          out += std::string(c.kind == ClauseKind::kReturn ? "Return" : "With") + (agg ? " (aggregate)" : "") +
                 (pr.distinct ? " (distinct)" : "") + ":";
          for (const auto& v : op.new_variables) out += " " + v;
          out += "\n";
          if (!pr.order_by.empty()) out += "  Sort\n";
          if (pr.skip) out += "  Skip " + ast::ToString(*pr.skip) + "\n";
          if (pr.limit) out += "  Limit " + ast::ToString(*pr.limit) + "\n";
          if (pr.where) out += "  Filter " + ast::ToString(*pr.where) + "\n";
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace kg::queries
