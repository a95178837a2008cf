// Executor internals, shared by the executor*.cpp files; not an API (the
// front door is queries/executor.h).
//
// Rows are vectors of values addressed through a Layout (variable name ->
// slot). Each operator maps the rows it gets to the rows it gives: MATCH
// extends rows by walking patterns from their planned anchor, WITH/RETURN
// project (grouping when aggregating), UNWIND multiplies, CREATE writes.
//
// One class, Executor, with its member functions defined by topic:
//   executor.cpp          the operator pipeline, UNWIND, Execute/EvaluateConstant
//   executor_count.cpp    count(*) shortcuts (per-node degree, hop-by-hop counts)
//   executor_match.cpp    MATCH: expansion, variable-length hops, shortest paths
//   executor_write.cpp    CREATE
//   executor_project.cpp  WITH/RETURN: aggregation, DISTINCT, ORDER BY, SKIP/LIMIT
//   executor_eval.cpp     expressions and the functions that read the graph
#pragma once

#include <re2/re2.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "queries/error.h"
#include "queries/executor.h"

namespace kg::queries::detail {

using namespace ast;
using Row = std::vector<Value>;

inline std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

[[noreturn]] inline void TypeFail(const std::string& message, SourceSpan span) {
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

inline int64_t CheckedAdd(int64_t a, int64_t b, SourceSpan span) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) throw QueryError("ArithmeticError", "IntegerOverflow", "integer overflow", span);
  return r;
}
inline int64_t CheckedSub(int64_t a, int64_t b, SourceSpan span) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) throw QueryError("ArithmeticError", "IntegerOverflow", "integer overflow", span);
  return r;
}
inline int64_t CheckedMul(int64_t a, int64_t b, SourceSpan span) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw QueryError("ArithmeticError", "IntegerOverflow", "integer overflow", span);
  return r;
}

// A hash consistent with Equivalent (grouping equality): equivalent values
// hash alike. Maps and paths hash by type only (correct, just slower).
inline size_t GroupingHash(const Value& v) {
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

class Executor {
 public:
  Executor(GraphAccess* graph, const Params& params) : graph_(graph), params_(params) {}

  QueryResult Run(const Plan& plan);

  Value Eval(const Expr& e, const Env& env);

 private:
  // Members declared `inline` run once per row or per relationship; each is
  // defined in, and called only from, the file of its section, where
  // `inline` lets the compiler fold it into its callers (without it, Q3 of
  // docs/benchmarks.md runs 2% more instructions). A call from another file
  // draws the warning "inline function ... used but never defined".

  // ---------------------------------------------------------------- pipeline (executor.cpp)
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

  static std::vector<Row> Distinct(std::vector<Row> rows);
  static bool Streamable(const Projection& p);
  static Layout ProjectedLayout(const PlanOp& op, const Layout& in);
  std::pair<std::vector<std::string>, std::vector<Row>> RunSingle(const SinglePlan& plan);
  void Feed(size_t i, Row row);
  std::vector<Row> RunStage(Stage& s, std::vector<Row> in, bool window);
  void FinishStage(size_t i);
  std::vector<Row> RunUnwind(const PlanOp& op, Layout& layout, std::vector<Row> input);

  // ---------------------------------------------------------------- count(*) shortcuts (executor_count.cpp)
  bool CountByDegree();
  template <typename Each>
  bool AddTopGroups(Stage& gs, size_t size_hint, Each&& each);
  bool CountChain();

  // ---------------------------------------------------------------- MATCH (executor_match.cpp)
  struct MatchState {
    const PlanOp* op;
    Layout* layout;
    std::vector<RelId> used_rels;  // relationship uniqueness within the MATCH
    // Slots bound before this MATCH: a null there (from OPTIONAL MATCH)
    // matches nothing, while a null in a new slot means "not bound yet".
    std::vector<bool> prebound;
  };

  static std::vector<bool> PreboundSlots(const Layout& layout, const PlanOp& op);
  std::vector<Row> RunMatch(const PlanOp& op, Layout& layout, std::vector<Row> input);
  void MatchRow(const PlanOp& op, Layout& layout, Row row, const std::function<void(const Row&)>& emit);
  void MatchSteps(MatchState& st, size_t step_index, Row& row, const std::function<void(const Row&)>& emit);
  bool NodeMatches(NodeId id, const NodePattern& n, const Env& env, const std::string* known_label = nullptr);
  bool PropertiesMatch(const graph::Properties& props, const ExprPtr& pattern, const Env& env);
  inline bool RelMatches(RelId id, const RelPattern& r, const Env& env);
  static graph::Direction StepDirection(const RelPattern& r, bool reversed) {
    if (r.direction == Direction::kBoth) return graph::Direction::kBoth;
    bool out = r.direction == Direction::kLeftToRight;
    if (reversed) out = !out;
    return out ? graph::Direction::kOut : graph::Direction::kIn;
  }
  std::vector<NodeId> AnchorCandidates(const PatternStep& step, const NodePattern& n, const Env& env);
  static bool BindOrCheck(Row& row, int slot, const Value& value, bool& was_bound);
  void MatchPart(MatchState& st, const PatternStep& step, Row& row, const std::function<void(Row&)>& next);
  void ScanRelationships(MatchState& st, const PatternStep& step, Row& row, int first_slot,
                         const std::function<void(Row&)>& next);
  inline bool PassesEarlyFilters(const PatternStep& step, const Env& env);
  void FinishPart(MatchState& st, const PatternStep& step, Row& row, std::vector<NodeId>& path_nodes,
                  std::vector<RelId>& path_rels, const std::function<void(Row&)>& next);
  void ExtendChain(MatchState& st, const PatternStep& step, Row& row, size_t i, std::vector<NodeId>& path_nodes,
                   std::vector<RelId>& path_rels, const std::function<void(Row&)>& next,
                   const std::vector<EdgeRef>* given_edges = nullptr);
  bool BidirectionalShortest(NodeId start, NodeId target, graph::Direction dir, const RelPattern& rel, int64_t max_hops,
                             const Env& env, std::vector<NodeId>& path_nodes, std::vector<RelId>& path_rels);
  void ReachDistinct(MatchState& st, const PatternStep& step, const RelPattern& rel, graph::Direction dir, NodeId from,
                     int64_t min_hops, int64_t max_hops, const Env& env, const std::function<void(NodeId)>& emit);
  void MatchShortest(MatchState& st, const PatternStep& step, Row& row, NodeId start,
                     const std::function<void(Row&)>& next);
  void MatchInline(const PatternPart& pattern, const Env& env, const std::function<void(const Layout&, const Row&)>& fn);

  // ---------------------------------------------------------------- CREATE (executor_write.cpp)
  graph::Properties EvalProperties(const ExprPtr& e, const Env& env);
  std::vector<Row> RunCreate(const PlanOp& op, Layout& layout, std::vector<Row> input);

  // ---------------------------------------------------------------- WITH / RETURN (executor_project.cpp)
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

  static void CollectAggregates(const Expr& e, std::vector<const Expr*>& out);
  int64_t EvalSkipLimit(const ExprPtr& e, const char* what);
  inline void Accumulate(Accumulator& acc, const Expr& agg, const Row& row, const Layout& layout, int64_t weight = 1);
  Value FinishAggregate(Accumulator& acc, const Expr& agg);
  static std::vector<const Expr*> ProjectionAggregates(const Projection& p);
  void AddToGroups(GroupTable& table, const Projection& p, const Layout& layout, Row row, int64_t weight = 1);
  std::vector<Row> RunProject(const PlanOp& op, const Layout& layout, std::vector<Row> input, bool window,
                              GroupTable* prebuilt = nullptr);

  // ---------------------------------------------------------------- expressions (executor_eval.cpp)
  struct Found {};  // thrown to stop a pattern predicate at its first match

  inline Value LookupVariable(const std::string& name, const Env& env, SourceSpan span);
  Value PropertyOf(const Value& target, const std::string& key, SourceSpan span);
  static std::optional<bool> Truth(const Value& v, SourceSpan span);
  static Value FromTruth(std::optional<bool> b) { return b ? Value(*b) : Value(); }
  Value Arithmetic(Op op, const Value& a, const Value& b, SourceSpan span);
  const RE2& Regex(const std::string& pattern, SourceSpan span);
  Value EvalBinary(const Expr& e, const Env& env);
  Value EvalIndex(const Expr& e, const Env& env);
  Value EvalSlice(const Expr& e, const Env& env);
  Value EvalCase(const Expr& e, const Env& env);
  Value EvalComprehension(const Expr& e, const Env& env);
  Value EvalPatternPredicate(const Expr& e, const Env& env);
  Value EvalPatternComprehension(const Expr& e, const Env& env);
  Value GraphFunction(const std::string& name, const Expr& e, const std::vector<Value>& args);

  GraphAccess* graph_;
  const Params& params_;
  bool writes_ = false;
  std::vector<Stage> stages_;
  std::vector<Row> results_;
  SideEffects effects_;
  std::unordered_map<std::string, std::unique_ptr<RE2>> regexes_;
};

}  // namespace kg::queries::detail
