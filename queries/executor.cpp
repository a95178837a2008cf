// Executor: runs the operators of a plan as a push pipeline (MATCH, UNWIND,
// CREATE, WITH/RETURN) and the public entry points Execute and
// EvaluateConstant.
#include "queries/executor_internal.h"

#include <algorithm>
#include <memory>
#include <set>

namespace kg::queries::detail {

QueryResult Executor::Run(const Plan& plan) {
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

std::vector<Row> Executor::Distinct(std::vector<Row> rows) {
  std::set<Row, RowLess> seen;
  std::vector<Row> out;
  for (auto& r : rows)
    if (seen.insert(r).second) out.push_back(std::move(r));
  return out;
}

bool Executor::Streamable(const Projection& p) {
  for (const auto& item : p.items)
    if (ContainsAggregate(*item.expr)) return false;
  return !p.distinct && p.order_by.empty() && !(p.where && (p.skip || p.limit));
}

Layout Executor::ProjectedLayout(const PlanOp& op, const Layout& in) {
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

std::pair<std::vector<std::string>, std::vector<Row>> Executor::RunSingle(const SinglePlan& plan) {
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

void Executor::Feed(size_t i, Row row) {
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

std::vector<Row> Executor::RunStage(Stage& s, std::vector<Row> in, bool window) {
  switch (s.op->kind) {
    case OpKind::kMatch:
    case OpKind::kOptionalMatch: return RunMatch(*s.op, s.out, std::move(in));
    case OpKind::kUnwind: return RunUnwind(*s.op, s.out, std::move(in));
    case OpKind::kCreate: return RunCreate(*s.op, s.out, std::move(in));
    case OpKind::kProject: return RunProject(*s.op, s.in, std::move(in), window);
  }
  return {};
}

void Executor::FinishStage(size_t i) {
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

// ---------------------------------------------------------------- UNWIND
std::vector<Row> Executor::RunUnwind(const PlanOp& op, Layout& layout, std::vector<Row> input) {
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

}  // namespace kg::queries::detail

namespace kg::queries {

QueryResult Execute(const Plan& plan, GraphAccess& graph, const Params& params) {
  detail::Executor executor(&graph, params);
  return executor.Run(plan);
}

Value EvaluateConstant(const ast::Expr& expr, const Params& params) {
  detail::Executor executor(nullptr, params);
  return executor.Eval(expr, detail::Env{});
}

}  // namespace kg::queries
