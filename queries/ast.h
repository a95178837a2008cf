// AST: the parsed query as plain, immutable data. Every node carries the
// SourceSpan of the text it came from. Built by the parser, read by the
// semantic analysis and the planner; nothing modifies it after parsing.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "queries/error.h"
#include "queries/value.h"

namespace kg::queries::ast {

enum class ExprKind {
  kLiteral,        // literal
  kParameter,      // name
  kVariable,       // name
  kProperty,       // args[0].name
  kLabelCheck,     // args[0]:labels
  kList,           // [args...]
  kMap,            // {keys[i]: args[i]}
  kIndex,          // args[0][args[1]]
  kSlice,          // args[0][args[1]..args[2]]; absent bounds are null pointers
  kUnary,          // op args[0]
  kBinary,         // args[0] op args[1]
  kIsNull,         // args[0] IS NULL
  kIsNotNull,      // args[0] IS NOT NULL
  kFunction,       // name(args...), distinct
  kCountStar,      // count(*)
  kCase,           // CASE [args[0] when has_subject] WHEN/THEN pairs [ELSE]
  kListComprehension,  // [name IN args[0] WHERE args[1] | args[2]]
  kQuantifier,     // name (all/any/none/single)(variable IN args[0] WHERE args[1])
  kPatternPredicate,   // a relationship pattern used as a boolean (pattern)
  kPatternComprehension,  // [pattern WHERE args[0] | args[1]] (pattern)
};

enum class Op {
  kNone, kOr, kXor, kAnd, kNot, kEq, kNe, kLt, kGt, kLe, kGe, kAdd, kSub, kMul, kDiv, kMod, kPow,
  kNeg, kPlus, kIn, kStartsWith, kEndsWith, kContains, kRegex,
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;
struct PatternPart;

struct Expr {
  ExprKind kind;
  SourceSpan span;
  Op op = Op::kNone;
  Value literal;
  std::string name;       // variable, parameter, property key, function name (as written), quantifier
  std::string variable;   // list comprehension / quantifier variable
  bool distinct = false;  // function call with DISTINCT
  bool has_subject = false;  // CASE x WHEN ...
  bool has_else = false;
  std::vector<ExprPtr> args;  // children; for kCase: [subject] when1 then1 ... [else]
  std::vector<std::string> keys;    // map keys / labels
  std::shared_ptr<const PatternPart> pattern;  // kPatternPredicate
};

enum class Direction { kLeftToRight, kRightToLeft, kBoth };

struct NodePattern {
  SourceSpan span;
  std::string variable;  // empty = anonymous
  SourceSpan variable_span;
  std::vector<std::string> labels;
  ExprPtr properties;  // a kMap or kParameter expression, or null
};

struct RelPattern {
  SourceSpan span;
  std::string variable;
  SourceSpan variable_span;
  std::vector<std::string> types;  // alternatives (:A|B)
  Direction direction = Direction::kBoth;
  bool var_length = false;
  std::optional<int64_t> min_hops, max_hops;  // for var_length
  ExprPtr properties;
};

enum class PathKind { kNormal, kShortest, kAllShortest };

// A chain node (rel node)*, optionally named p = ...
struct PatternPart {
  SourceSpan span;
  std::string path_variable;
  SourceSpan path_variable_span;
  PathKind kind = PathKind::kNormal;
  std::vector<NodePattern> nodes;
  std::vector<RelPattern> rels;  // rels[i] joins nodes[i] and nodes[i+1]
};

struct ProjectionItem {
  ExprPtr expr;
  std::string alias;   // explicit AS name, else empty
  std::string text;    // the expression text as written: the column name without alias
  SourceSpan span;
  std::string ColumnName() const { return alias.empty() ? text : alias; }
};

struct SortItem {
  ExprPtr expr;
  bool descending = false;
  std::string text;
};

struct Projection {
  bool distinct = false;
  bool star = false;  // RETURN * / WITH *
  SourceSpan star_span;
  std::vector<ProjectionItem> items;
  std::vector<SortItem> order_by;
  ExprPtr skip, limit;
  ExprPtr where;  // WITH ... WHERE only
};

enum class ClauseKind { kMatch, kOptionalMatch, kWith, kReturn, kUnwind, kCreate };

struct Clause {
  ClauseKind kind;
  SourceSpan span;
  std::vector<PatternPart> patterns;  // MATCH, CREATE
  ExprPtr where;                      // MATCH
  Projection projection;              // WITH, RETURN
  ExprPtr unwind_expr;                // UNWIND expr AS variable
  std::string unwind_variable;
  SourceSpan unwind_variable_span;
};

struct SingleQuery {
  SourceSpan span;
  std::vector<Clause> clauses;
};

struct Query {
  std::vector<SingleQuery> parts;   // joined by UNION
  std::vector<bool> union_all;      // union_all[i] joins parts[i] and parts[i+1]
  std::vector<SourceSpan> union_spans;
  bool explain = false;             // EXPLAIN prefix
  // A readable rendering, one clause per line (for tests and --explain).
  std::string ToString() const;
};

// Renders an expression back to query text (normalized spacing).
std::string ToString(const Expr& expr);

// True when the function name is an aggregate (count, sum, avg, min, max, collect, ...).
bool IsAggregateFunction(const std::string& lower_name);
// True when `expr` contains an aggregate call (not looking inside list comprehensions' own scopes).
bool ContainsAggregate(const Expr& expr);

}  // namespace kg::queries::ast
