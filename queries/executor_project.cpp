// Executor: WITH/RETURN projection: grouping and aggregate functions,
// DISTINCT, ORDER BY (top-k when there is a LIMIT), SKIP/LIMIT and the
// WHERE of a WITH.
#include "queries/executor_internal.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "queries/functions.h"

namespace kg::queries::detail {

void Executor::CollectAggregates(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == ExprKind::kCountStar || (e.kind == ExprKind::kFunction && IsAggregateFunction(Lower(e.name)))) {
    out.push_back(&e);
    return;
  }
  for (const auto& a : e.args)
    if (a) CollectAggregates(*a, out);
}

int64_t Executor::EvalSkipLimit(const ExprPtr& e, const char* what) {
  Value v = Eval(*e, Env{});
  if (!v.is_int())
    throw QueryError("SyntaxError", "InvalidArgumentType", std::string(what) + " needs an integer", e->span);
  if (v.as_int() < 0)
    throw QueryError("SyntaxError", "NegativeIntegerArgument", std::string(what) + " cannot be negative", e->span);
  return v.as_int();
}

// `weight`: how many identical rows `row` stands for (count(*) only).
void Executor::Accumulate(Accumulator& acc, const Expr& agg, const Row& row, const Layout& layout, int64_t weight) {
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

Value Executor::FinishAggregate(Accumulator& acc, const Expr& agg) {
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

std::vector<const Expr*> Executor::ProjectionAggregates(const Projection& p) {
  std::vector<const Expr*> aggs;
  for (const auto& it : p.items) CollectAggregates(*it.expr, aggs);
  for (const auto& s : p.order_by) CollectAggregates(*s.expr, aggs);
  return aggs;
}

void Executor::AddToGroups(GroupTable& table, const Projection& p, const Layout& layout, Row row, int64_t weight) {
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
std::vector<Row> Executor::RunProject(const PlanOp& op, const Layout& layout, std::vector<Row> input, bool window,
                                      GroupTable* prebuilt) {
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

}  // namespace kg::queries::detail
