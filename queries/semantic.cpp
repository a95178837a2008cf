// Semantic analysis implementation: one walk over the clauses with the set
// of variables in scope and their kinds.
#include "queries/semantic.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "graph/normalize.h"

namespace kg::queries {

namespace {

using namespace ast;
using Scope = std::map<std::string, VarKind>;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

[[noreturn]] void Fail(const std::string& detail, const std::string& message, SourceSpan span) {
  throw QueryError("SyntaxError", detail, message, span);
}

const char* KindName(VarKind k) {
  switch (k) {
    case VarKind::kNode: return "a node";
    case VarKind::kRelationship: return "a relationship";
    case VarKind::kRelationshipList: return "a list of relationships";
    case VarKind::kPath: return "a path";
    case VarKind::kValue: return "a value";
    case VarKind::kScalar: return "a value that is not a graph element";
    case VarKind::kList: return "a list";
  }
  return "?";
}

// "; did you mean 'toUpper'?" for the closest known function, if close.
std::string Suggest(const std::string& lower_name);

class Analyzer {
 public:
  void Run(const Query& q) {
    std::vector<std::string> first_columns;
    for (size_t i = 0; i < q.parts.size(); ++i) {
      auto columns = AnalyzeSingle(q.parts[i]);
      if (i > 0 && q.union_all[i - 1] != q.union_all[0])
        Fail("InvalidClauseComposition", "UNION and UNION ALL cannot be mixed", q.union_spans[i - 1]);
      if (i == 0) first_columns = columns;
      else if (columns != first_columns)
        Fail("DifferentColumnsInUnion", "all parts of a UNION must return the same column names", q.union_spans[i - 1]);
    }
  }

 private:
  std::vector<std::string> AnalyzeSingle(const SingleQuery& sq) {
    Scope scope;
    std::vector<std::string> columns;
    for (size_t i = 0; i < sq.clauses.size(); ++i) {
      const Clause& c = sq.clauses[i];
      bool last = i + 1 == sq.clauses.size();
      switch (c.kind) {
        case ClauseKind::kMatch:
        case ClauseKind::kOptionalMatch: AnalyzeMatch(c, scope); break;
        case ClauseKind::kCreate: AnalyzeCreate(c, scope); break;
        case ClauseKind::kUnwind: {
          CheckExpr(*c.unwind_expr, scope, false);
          if (scope.count(c.unwind_variable))
            Fail("VariableAlreadyBound", "variable '" + c.unwind_variable + "' is already bound", c.unwind_variable_span);
          scope[c.unwind_variable] = VarKind::kValue;
          break;
        }
        case ClauseKind::kWith:
        case ClauseKind::kReturn: {
          if (c.kind == ClauseKind::kReturn && !last)
            Fail("InvalidClauseComposition", "RETURN must be the last clause", c.span);
          columns = AnalyzeProjection(c, scope);
          if (c.kind == ClauseKind::kWith && last)
            Fail("InvalidClauseComposition", "a query cannot end with WITH", c.span);
          break;
        }
      }
      if (last && c.kind != ClauseKind::kReturn && c.kind != ClauseKind::kCreate && c.kind != ClauseKind::kWith)
        Fail("InvalidClauseComposition", "a query must end with RETURN or an updating clause", c.span);
    }
    return columns;
  }

  // ---- patterns
  void Declare(Scope& scope, const std::string& name, VarKind kind, SourceSpan span) {
    auto it = scope.find(name);
    if (it == scope.end()) {
      scope[name] = kind;
      return;
    }
    if (kind == VarKind::kPath) Fail("VariableAlreadyBound", "variable '" + name + "' is already bound", span);
    if (it->second == VarKind::kList && kind == VarKind::kRelationshipList) return;
    if (it->second == VarKind::kScalar || it->second == VarKind::kList)
      Fail("VariableTypeConflict", "variable '" + name + "' is " + KindName(it->second) + ", not " + KindName(kind), span);
    if (it->second == VarKind::kValue && kind == VarKind::kNode) return;  // a node passed on as a value
    if (it->second == VarKind::kValue && (kind == VarKind::kRelationship || kind == VarKind::kRelationshipList)) return;
    if (it->second != kind)
      Fail("VariableTypeConflict", "variable '" + name + "' is " + KindName(it->second) + ", not " + KindName(kind), span);
  }

  void CheckPropertiesExpr(const ExprPtr& props, const Scope& scope, bool in_match) {
    if (!props) return;
    if (props->kind == ExprKind::kParameter && in_match)
      Fail("InvalidParameterUse", "a parameter cannot be used as a property map in MATCH", props->span);
    CheckExpr(*props, scope, false);
  }

  void AnalyzeMatch(const Clause& c, Scope& scope) {
    Scope before = scope;
    std::set<std::string> rels_here;
    // Declare all variables first: a pattern may refer to variables bound
    // later in the same MATCH.
    for (const auto& part : c.patterns) {
      for (size_t i = 0; i < part.nodes.size(); ++i) {
        const auto& n = part.nodes[i];
        if (!n.variable.empty()) Declare(scope, n.variable, VarKind::kNode, n.variable_span);
        if (i < part.rels.size()) {
          const auto& r = part.rels[i];
          if (!r.variable.empty()) {
            if (rels_here.count(r.variable))
              Fail("RelationshipUniquenessViolation", "relationship '" + r.variable + "' is used twice in one MATCH", r.variable_span);
            rels_here.insert(r.variable);
            Declare(scope, r.variable, r.var_length ? VarKind::kRelationshipList : VarKind::kRelationship, r.variable_span);
          }
          if (r.var_length && r.min_hops && r.max_hops && *r.min_hops > *r.max_hops) {
            // An empty range matches nothing; allowed.
          }
        }
      }
      if (!part.path_variable.empty()) Declare(scope, part.path_variable, VarKind::kPath, part.path_variable_span);
      if (part.kind != PathKind::kNormal) {
        if (part.rels.size() != 1)
          Fail("InvalidArgumentType", "shortestPath needs a pattern of exactly one relationship", part.span);
      }
    }
    for (const auto& part : c.patterns) {
      for (size_t i = 0; i < part.nodes.size(); ++i) {
        CheckPropertiesExpr(part.nodes[i].properties, scope, true);
        if (i < part.rels.size()) CheckPropertiesExpr(part.rels[i].properties, scope, true);
      }
    }
    if (c.where) {
      CheckExpr(*c.where, scope, false);
      if (ContainsAggregate(*c.where)) Fail("InvalidAggregation", "aggregation is not allowed in WHERE", c.where->span);
    }
  }

  void AnalyzeCreate(const Clause& c, Scope& scope) {
    for (const auto& part : c.patterns) {
      if (part.kind != PathKind::kNormal) Fail("InvalidClauseComposition", "CREATE cannot create shortest paths", part.span);
      for (size_t i = 0; i < part.nodes.size(); ++i) {
        const auto& n = part.nodes[i];
        if (!n.variable.empty()) {
          auto it = scope.find(n.variable);
          if (it != scope.end()) {
            bool alone = part.nodes.size() == 1;
            if (!n.labels.empty() || n.properties || alone)
              Fail("VariableAlreadyBound", "variable '" + n.variable + "' is already bound", n.variable_span);
            if (it->second != VarKind::kNode && it->second != VarKind::kValue)
              Fail("VariableTypeConflict", "variable '" + n.variable + "' is " + KindName(it->second) + ", not a node", n.variable_span);
          } else {
            scope[n.variable] = VarKind::kNode;
          }
        }
        CheckPropertiesExpr(n.properties, scope, false);
        if (i < part.rels.size()) {
          const auto& r = part.rels[i];
          if (!r.variable.empty() && scope.count(r.variable))
            Fail("VariableAlreadyBound", "variable '" + r.variable + "' is already bound", r.variable_span);
          if (r.var_length) Fail("CreatingVarLength", "CREATE cannot create a variable-length relationship", r.span);
          if (r.types.size() != 1)
            Fail("NoSingleRelationshipType", "CREATE needs exactly one relationship type", r.span);
          if (r.direction == Direction::kBoth)
            Fail("RequiresDirectedRelationship", "CREATE needs a directed relationship", r.span);
          if (!r.variable.empty()) {
            if (scope.count(r.variable))
              Fail("VariableAlreadyBound", "variable '" + r.variable + "' is already bound", r.variable_span);
            scope[r.variable] = VarKind::kRelationship;
          }
          CheckPropertiesExpr(r.properties, scope, false);
        }
      }
      if (!part.path_variable.empty()) {
        if (scope.count(part.path_variable))
          Fail("VariableAlreadyBound", "variable '" + part.path_variable + "' is already bound", part.path_variable_span);
        scope[part.path_variable] = VarKind::kPath;
      }
    }
  }

  // ---- projections
  static bool IsGroupingReference(const Expr& e) {
    return e.kind == ExprKind::kVariable || (e.kind == ExprKind::kProperty && e.args[0]->kind == ExprKind::kVariable);
  }

  // Non-aggregated parts of an aggregating expression must be grouping keys.
  void CheckAggregationRefs(const Expr& e, const std::set<std::string>& keys, const std::string& error_detail) {
    if (e.kind == ExprKind::kCountStar) return;
    if (e.kind == ExprKind::kFunction && IsAggregateFunction(Lower(e.name))) return;
    if (IsGroupingReference(e) && keys.count(ToString(e))) return;
    if (e.kind == ExprKind::kVariable)
      Fail(error_detail, "'" + e.name + "' is used next to an aggregation but is not a grouping key", e.span);
    if (e.kind == ExprKind::kListComprehension || e.kind == ExprKind::kQuantifier) {
      CheckAggregationRefs(*e.args[0], keys, error_detail);
      return;
    }
    for (const auto& a : e.args)
      if (a) CheckAggregationRefs(*a, keys, error_detail);
  }

  std::vector<std::string> AnalyzeProjection(const Clause& c, Scope& scope) {
    const Projection& p = c.projection;
    bool is_with = c.kind == ClauseKind::kWith;
    Scope next;
    std::vector<std::string> columns;
    if (p.star) {
      if (scope.empty() && !is_with) Fail("NoVariablesInScope", "RETURN * needs variables in scope", p.star_span);
      next = scope;
      for (const auto& [name, kind] : scope) columns.push_back(name);
    }
    bool aggregating = false;
    std::set<std::string> keys;
    std::set<std::string> seen;
    // Reported after the aggregation checks, which the TCK expects first.
    const ProjectionItem* missing_alias = nullptr;
    for (const auto& item : p.items) {
      CheckExpr(*item.expr, scope, true);
      if (ContainsAggregate(*item.expr)) aggregating = true;
      else keys.insert(ToString(*item.expr));
      if (is_with && item.alias.empty() && item.expr->kind != ExprKind::kVariable && !missing_alias)
        missing_alias = &item;
      std::string name = item.ColumnName();
      if (seen.count(name) || (p.star && scope.count(name) && !(item.expr->kind == ExprKind::kVariable && item.alias.empty())))
        Fail("ColumnNameConflict", "column '" + name + "' is defined more than once", item.span);
      seen.insert(name);
      columns.push_back(name);
    }
    if (p.star)
      for (const auto& [name, kind] : scope) keys.insert(name);
    for (const auto& item : p.items)
      if (ContainsAggregate(*item.expr)) CheckAggregationRefs(*item.expr, keys, "AmbiguousAggregationExpression");
    for (const auto& item : p.items) {
      VarKind kind = InferKind(*item.expr);
      if (item.expr->kind == ExprKind::kVariable) kind = scope.at(item.expr->name);
      next[item.ColumnName()] = kind;
    }
    // ORDER BY sees the projected names, and the earlier variables unless
    // DISTINCT or aggregation removed them.
    Scope order_scope = next;
    if (!p.distinct && !aggregating)
      for (const auto& [name, kind] : scope) order_scope.emplace(name, kind);
    for (const auto& s : p.order_by) {
      bool agg = ContainsAggregate(*s.expr);
      if (agg && !aggregating)
        Fail("InvalidAggregation", "ORDER BY cannot aggregate when the projection does not", s.expr->span);
      if (agg) {
        std::set<std::string> order_keys = keys;
        for (const auto& item : p.items)
          if (!item.alias.empty() && !ContainsAggregate(*item.expr)) order_keys.insert(item.alias);
        CheckExprAllowAggregate(*s.expr, order_scope, p);
        CheckAggregationRefs(*s.expr, order_keys, "AmbiguousAggregationExpression");
      } else {
        CheckOrderExpr(*s.expr, order_scope, p);
      }
    }
    if (missing_alias)
      Fail("NoExpressionAlias", "expressions in WITH must be aliased (use AS)", missing_alias->expr->span);
    CheckSkipLimit(p.skip);
    CheckSkipLimit(p.limit);
    if (p.where) {
      CheckOrderExpr(*p.where, order_scope, p);
      if (ContainsAggregate(*p.where)) Fail("InvalidAggregation", "aggregation is not allowed in WHERE", p.where->span);
    }
    scope = std::move(next);
    return columns;
  }

  // ORDER BY may repeat a projected expression even when its variables are
  // gone (after DISTINCT or aggregation).
  void CheckOrderExpr(const Expr& e, const Scope& scope, const Projection& p) {
    std::string text = ToString(e);
    for (const auto& item : p.items)
      if (ToString(*item.expr) == text) return;
    if (e.kind == ExprKind::kVariable) {
      CheckExpr(e, scope, false);
      return;
    }
    if (e.kind == ExprKind::kListComprehension || e.kind == ExprKind::kQuantifier || e.kind == ExprKind::kPatternPredicate ||
        e.kind == ExprKind::kPatternComprehension) {
      CheckExpr(e, scope, false);
      return;
    }
    if (e.kind == ExprKind::kFunction) CheckExpr(e, scope, false);
    for (const auto& a : e.args)
      if (a) CheckOrderExpr(*a, scope, p);
  }

  static VarKind InferKind(const Expr& e) {
    if ((e.kind == ExprKind::kLiteral && !e.literal.is_null()) || e.kind == ExprKind::kMap) return VarKind::kScalar;
    if (e.kind == ExprKind::kList) {
      for (const auto& item : e.args)
        if (InferKind(*item) != VarKind::kScalar) return VarKind::kList;
      return VarKind::kScalar;
    }
    return VarKind::kValue;
  }

  // An aggregating ORDER BY item: parts equal to a projected expression are
  // fine; other aggregates may only use the projected names.
  void CheckExprAllowAggregate(const Expr& e, const Scope& scope, const Projection& p) {
    std::string text = ToString(e);
    for (const auto& item : p.items)
      if (ToString(*item.expr) == text) return;
    if (e.kind == ExprKind::kCountStar) return;
    if (e.kind == ExprKind::kFunction && IsAggregateFunction(Lower(e.name))) {
      for (const auto& a : e.args)
        if (a) CheckExpr(*a, scope, false, true);
      return;
    }
    if (e.kind == ExprKind::kVariable && !scope.count(e.name))
      Fail("UndefinedVariable", "variable '" + e.name + "' is not defined", e.span);
    for (const auto& a : e.args)
      if (a) CheckExprAllowAggregate(*a, scope, p);
  }

  void CheckSkipLimit(const ExprPtr& e) {
    if (!e) return;
    if (HasVariables(*e)) Fail("NonConstantExpression", "SKIP and LIMIT must be constant", e->span);
    if (e->kind == ExprKind::kLiteral) {
      if (e->literal.is_int() && e->literal.as_int() < 0)
        Fail("NegativeIntegerArgument", "SKIP and LIMIT cannot be negative", e->span);
      if (!e->literal.is_int())
        Fail("InvalidArgumentType", "SKIP and LIMIT need an integer", e->span);
    }
    CheckExpr(*e, {}, false);
  }

  static bool HasVariables(const Expr& e) {
    if (e.kind == ExprKind::kVariable || e.kind == ExprKind::kPatternPredicate) return true;
    for (const auto& a : e.args)
      if (a && HasVariables(*a)) return true;
    return false;
  }

  // ---- expressions
  void CheckExpr(const Expr& e, const Scope& scope, bool allow_aggregate, bool inside_aggregate = false) {
    switch (e.kind) {
      case ExprKind::kVariable:
        if (!scope.count(e.name)) Fail("UndefinedVariable", "variable '" + e.name + "' is not defined", e.span);
        return;
      case ExprKind::kCountStar:
        if (!allow_aggregate) Fail("InvalidAggregation", "aggregation is not allowed here", e.span);
        if (inside_aggregate) Fail("NestedAggregation", "aggregations cannot be nested", e.span);
        return;
      case ExprKind::kFunction: {
        std::string name = Lower(e.name);
        const auto& fns = KnownFunctions();
        auto it = fns.find(name);
        if (it == fns.end()) Fail("UnknownFunction", "unknown function '" + e.name + "'" + Suggest(name), e.span);
        int n = static_cast<int>(e.args.size());
        if (n < it->second.first || (it->second.second >= 0 && n > it->second.second))
          Fail("InvalidNumberOfArguments", "wrong number of arguments to " + e.name + "()", e.span);
        bool agg = IsAggregateFunction(name);
        if (agg) {
          if (!allow_aggregate) Fail("InvalidAggregation", "aggregation is not allowed here", e.span);
          if (inside_aggregate) Fail("NestedAggregation", "aggregations cannot be nested", e.span);
          for (const auto& a : e.args)
            if (a && HasRand(*a)) Fail("NonConstantExpression", "rand() cannot be aggregated", a->span);
        }
        for (const auto& a : e.args)
          if (a) CheckExpr(*a, scope, allow_aggregate, inside_aggregate || agg);
        CheckLiteralArgumentTypes(e, name);
        if (name == "size" && !e.args.empty() && e.args[0] && e.args[0]->kind == ExprKind::kPatternPredicate)
          Fail("UnexpectedSyntax", "size() of a pattern is not allowed; use a pattern comprehension", e.args[0]->span);
        if (!e.args.empty() && e.args[0] && e.args[0]->kind == ExprKind::kVariable) {
          auto it2 = scope.find(e.args[0]->name);
          if (it2 != scope.end()) {
            VarKind k = it2->second;
            bool bad = (name == "size" && k == VarKind::kPath) ||
                       (name == "labels" && k != VarKind::kNode && k != VarKind::kValue) ||
                       (name == "type" && k != VarKind::kRelationship && k != VarKind::kValue) ||
                       (name == "length" && (k == VarKind::kNode || k == VarKind::kRelationship));
            if (bad) Fail("InvalidArgumentType", name + "() cannot take " + KindName(k), e.args[0]->span);
          }
        }
        return;
      }
      case ExprKind::kListComprehension:
      case ExprKind::kQuantifier: {
        CheckExpr(*e.args[0], scope, allow_aggregate, inside_aggregate);
        Scope inner = scope;
        inner[e.variable] = VarKind::kValue;
        for (size_t i = 1; i < e.args.size(); ++i)
          if (e.args[i]) CheckExpr(*e.args[i], inner, false, inside_aggregate);
        return;
      }
      case ExprKind::kPatternComprehension: {
        Scope inner = scope;
        for (size_t i = 0; i < e.pattern->nodes.size(); ++i) {
          const auto& n = e.pattern->nodes[i];
          if (!n.variable.empty()) inner.emplace(n.variable, VarKind::kNode);
          if (i < e.pattern->rels.size() && !e.pattern->rels[i].variable.empty())
            inner.emplace(e.pattern->rels[i].variable, e.pattern->rels[i].var_length ? VarKind::kRelationshipList : VarKind::kRelationship);
        }
        if (!e.pattern->path_variable.empty()) inner.emplace(e.pattern->path_variable, VarKind::kPath);
        if (e.args[0]) CheckExpr(*e.args[0], inner, false);
        CheckExpr(*e.args[1], inner, false);
        return;
      }
      case ExprKind::kPatternPredicate: {
        for (size_t i = 0; i < e.pattern->nodes.size(); ++i) {
          const auto& n = e.pattern->nodes[i];
          if (!n.variable.empty() && !scope.count(n.variable))
            Fail("UndefinedVariable", "variable '" + n.variable + "' is not defined", n.variable_span);
          if (n.properties) CheckExpr(*n.properties, scope, false);
          if (i < e.pattern->rels.size()) {
            const auto& r = e.pattern->rels[i];
            if (!r.variable.empty() && !scope.count(r.variable))
              Fail("UndefinedVariable", "variable '" + r.variable + "' is not defined", r.variable_span);
          }
        }
        return;
      }
      case ExprKind::kProperty: {
        CheckExpr(*e.args[0], scope, allow_aggregate, inside_aggregate);
        const Expr& target = *e.args[0];
        if (target.kind == ExprKind::kLiteral && !target.literal.is_null() && !target.literal.is_map())
          Fail("InvalidArgumentType", "cannot read a property of a " + TypeName(target.literal), e.span);
        if (target.kind == ExprKind::kList)
          Fail("InvalidArgumentType", "cannot read a property of a list", e.span);
        if (target.kind == ExprKind::kVariable) {
          auto kind = scope.at(target.name);
          if (kind == VarKind::kPath || kind == VarKind::kRelationshipList)
            Fail("InvalidArgumentType", "cannot read a property of " + std::string(KindName(kind)), e.span);
        }
        return;
      }
      default:
        for (const auto& a : e.args)
          if (a) CheckExpr(*a, scope, allow_aggregate, inside_aggregate);
        if (e.kind == ExprKind::kBinary && e.op == Op::kIn) {
          const Expr& list = *e.args[1];
          if ((list.kind == ExprKind::kLiteral && !list.literal.is_null()) || list.kind == ExprKind::kMap)
            Fail("InvalidArgumentType", "IN needs a list", list.span);
        }
        if ((e.kind == ExprKind::kBinary && (e.op == Op::kAnd || e.op == Op::kOr || e.op == Op::kXor)) ||
            (e.kind == ExprKind::kUnary && e.op == Op::kNot)) {
          for (const auto& a : e.args) {
            bool boolean_literal = a->kind == ExprKind::kLiteral && (a->literal.is_bool() || a->literal.is_null());
            bool never_boolean = a->kind == ExprKind::kList || a->kind == ExprKind::kMap;
            if ((InferKind(*a) == VarKind::kScalar || never_boolean) && !boolean_literal)
              Fail("InvalidArgumentType", "a boolean operator needs boolean operands", a->span);
          }
        }
        return;
    }
  }

  static bool HasRand(const Expr& e) {
    if (e.kind == ExprKind::kFunction && Lower(e.name) == "rand") return true;
    for (const auto& a : e.args)
      if (a && HasRand(*a)) return true;
    return false;
  }

  // Literal arguments of a type a function can never take are compile-time errors.
  void CheckLiteralArgumentTypes(const Expr& e, const std::string& name) {
    if (e.args.empty() || !e.args[0]) return;
    const Expr& a = *e.args[0];
    bool literal_scalar = a.kind == ExprKind::kLiteral && !a.literal.is_null();
    bool literal_container = a.kind == ExprKind::kList || a.kind == ExprKind::kMap;
    if (!literal_scalar && !literal_container) return;
    auto bad = [&] { Fail("InvalidArgumentType", name + "() cannot take this argument", a.span); };
    if (name == "labels" || name == "type" || name == "id" || name == "startnode" || name == "endnode" ||
        name == "nodes" || name == "relationships" || name == "length") {
      if (literal_scalar || literal_container) bad();
    }
    if (name == "keys" || name == "properties") {
      if (literal_scalar || a.kind == ExprKind::kList) bad();
    }
  }
};

}  // namespace

const std::map<std::string, std::pair<int, int>>& KnownFunctions() {
  static const std::map<std::string, std::pair<int, int>> kFunctions = {
      {"count", {1, 1}},       {"sum", {1, 1}},          {"avg", {1, 1}},        {"min", {1, 1}},
      {"max", {1, 1}},         {"collect", {1, 1}},      {"stdev", {1, 1}},      {"stdevp", {1, 1}},
      {"percentiledisc", {2, 2}}, {"percentilecont", {2, 2}},
      {"id", {1, 1}},          {"labels", {1, 1}},       {"type", {1, 1}},       {"properties", {1, 1}},
      {"keys", {1, 1}},        {"length", {1, 1}},       {"nodes", {1, 1}},      {"relationships", {1, 1}},
      {"startnode", {1, 1}},   {"endnode", {1, 1}},      {"coalesce", {1, -1}},  {"size", {1, 1}},
      {"head", {1, 1}},        {"last", {1, 1}},         {"tail", {1, 1}},       {"tolower", {1, 1}},
      {"toupper", {1, 1}},     {"trim", {1, 1}},         {"ltrim", {1, 1}},      {"rtrim", {1, 1}},
      {"tostring", {1, 1}},    {"tointeger", {1, 1}},    {"tofloat", {1, 1}},    {"toboolean", {1, 1}},
      {"exists", {1, 1}},      {"range", {2, 3}},        {"evidence", {1, 1}},   {"abs", {1, 1}},
      {"sign", {1, 1}},        {"ceil", {1, 1}},         {"floor", {1, 1}},      {"round", {1, 1}},
      {"sqrt", {1, 1}},        {"rand", {0, 0}},         {"reverse", {1, 1}},    {"substring", {2, 3}},
      {"left", {2, 2}},        {"right", {2, 2}},        {"replace", {3, 3}},    {"split", {2, 2}},
      {"timestamp", {0, 0}},   {"type", {1, 1}},         {"char_length", {1, 1}}, {"character_length", {1, 1}},
  };
  return kFunctions;
}

namespace {

std::string Suggest(const std::string& lower_name) {
  std::string best;
  // Close enough to be a typo: under a third of the name's length.
  size_t best_distance = std::min<size_t>(3, lower_name.size() / 3 + 1);
  for (const auto& [name, arity] : KnownFunctions()) {
    size_t d = graph::EditDistance(lower_name, name);
    if (d < best_distance) best_distance = d, best = name;
  }
  if (best.empty()) return "";
  static const char* const kCamelCase[] = {"toUpper", "toLower", "toString", "toInteger", "toFloat", "toBoolean",
                                           "startNode", "endNode", "percentileDisc", "percentileCont", "stDev",
                                           "stDevP", "lTrim", "rTrim"};
  for (const char* display : kCamelCase)
    if (Lower(display) == best) best = display;
  return "; did you mean '" + best + "'?";
}

}  // namespace

void Analyze(const ast::Query& query) { Analyzer().Run(query); }

}  // namespace kg::queries
