// AST helpers: rendering back to text, aggregate detection.
#include "queries/ast.h"

#include <cctype>

namespace kg::queries::ast {

namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const char* OpText(Op op) {
  switch (op) {
    case Op::kOr: return "OR";
    case Op::kXor: return "XOR";
    case Op::kAnd: return "AND";
    case Op::kNot: return "NOT ";
    case Op::kEq: return "=";
    case Op::kNe: return "<>";
    case Op::kLt: return "<";
    case Op::kGt: return ">";
    case Op::kLe: return "<=";
    case Op::kGe: return ">=";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
    case Op::kPow: return "^";
    case Op::kNeg: return "-";
    case Op::kPlus: return "+";
    case Op::kIn: return "IN";
    case Op::kStartsWith: return "STARTS WITH";
    case Op::kEndsWith: return "ENDS WITH";
    case Op::kContains: return "CONTAINS";
    case Op::kRegex: return "=~";
    case Op::kNone: return "?";
  }
  return "?";
}

std::string LiteralText(const Value& v) {
  if (v.is_null()) return "null";
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_float()) return FormatFloat(v.as_float());
  if (v.is_string()) return QuoteString(v.as_string());
  return "?";
}

std::string PatternText(const PatternPart& part) {
  std::string out;
  if (!part.path_variable.empty()) out += part.path_variable + " = ";
  for (size_t i = 0; i < part.nodes.size(); ++i) {
    const auto& n = part.nodes[i];
    out += "(" + n.variable;
    for (const auto& l : n.labels) out += ":" + l;
    if (n.properties) out += " " + ToString(*n.properties);
    out += ")";
    if (i < part.rels.size()) {
      const auto& r = part.rels[i];
      out += r.direction == Direction::kRightToLeft ? "<-[" : "-[";
      out += r.variable;
      for (size_t t = 0; t < r.types.size(); ++t) out += (t ? "|" : ":") + r.types[t];
      if (r.var_length) {
        out += "*";
        if (r.min_hops) out += std::to_string(*r.min_hops);
        if (r.max_hops != r.min_hops || !r.min_hops) {
          out += "..";
          if (r.max_hops) out += std::to_string(*r.max_hops);
        }
      }
      if (r.properties) out += " " + ToString(*r.properties);
      out += r.direction == Direction::kLeftToRight ? "]->" : "]-";
    }
  }
  return out;
}

}  // namespace

std::string ToString(const Expr& e) {
  auto arg = [&](size_t i) { return e.args.size() > i && e.args[i] ? ToString(*e.args[i]) : std::string(); };
  switch (e.kind) {
    case ExprKind::kLiteral: return LiteralText(e.literal);
    case ExprKind::kParameter: return "$" + e.name;
    case ExprKind::kVariable: return e.name;
    case ExprKind::kProperty: return arg(0) + "." + e.name;
    case ExprKind::kLabelCheck: {
      std::string s = arg(0);
      for (const auto& l : e.keys) s += ":" + l;
      return s;
    }
    case ExprKind::kList: {
      std::string s = "[";
      for (size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + arg(i);
      return s + "]";
    }
    case ExprKind::kMap: {
      std::string s = "{";
      for (size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + e.keys[i] + ": " + arg(i);
      return s + "}";
    }
    case ExprKind::kIndex: return arg(0) + "[" + arg(1) + "]";
    case ExprKind::kSlice: return arg(0) + "[" + arg(1) + ".." + arg(2) + "]";
    case ExprKind::kUnary: return std::string(OpText(e.op)) + arg(0);
    case ExprKind::kBinary: return "(" + arg(0) + " " + OpText(e.op) + " " + arg(1) + ")";
    case ExprKind::kIsNull: return arg(0) + " IS NULL";
    case ExprKind::kIsNotNull: return arg(0) + " IS NOT NULL";
    case ExprKind::kFunction: {
      std::string s = e.name + "(" + (e.distinct ? "DISTINCT " : "");
      for (size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + arg(i);
      return s + ")";
    }
    case ExprKind::kCountStar: return "count(*)";
    case ExprKind::kCase: {
      std::string s = "CASE";
      size_t i = 0;
      if (e.has_subject) s += " " + arg(i++);
      size_t pairs_end = e.args.size() - (e.has_else ? 1 : 0);
      for (; i + 1 < pairs_end + 1 && i < pairs_end; i += 2) s += " WHEN " + arg(i) + " THEN " + arg(i + 1);
      if (e.has_else) s += " ELSE " + arg(e.args.size() - 1);
      return s + " END";
    }
    case ExprKind::kListComprehension: {
      std::string s = "[" + e.variable + " IN " + arg(0);
      if (e.args[1]) s += " WHERE " + arg(1);
      if (e.args[2]) s += " | " + arg(2);
      return s + "]";
    }
    case ExprKind::kQuantifier: {
      std::string s = e.name + "(" + e.variable + " IN " + arg(0);
      if (e.args[1]) s += " WHERE " + arg(1);
      return s + ")";
    }
    case ExprKind::kPatternPredicate: return PatternText(*e.pattern);
    case ExprKind::kPatternComprehension: {
      std::string s = "[" + PatternText(*e.pattern);
      if (e.args[0]) s += " WHERE " + arg(0);
      return s + " | " + arg(1) + "]";
    }
  }
  return "?";
}

std::string Query::ToString() const {
  std::string out;
  for (size_t p = 0; p < parts.size(); ++p) {
    if (p > 0) out += union_all[p - 1] ? "UNION ALL\n" : "UNION\n";
    for (const auto& c : parts[p].clauses) {
      switch (c.kind) {
        case ClauseKind::kMatch:
        case ClauseKind::kOptionalMatch:
        case ClauseKind::kCreate: {
          out += c.kind == ClauseKind::kMatch ? "MATCH " : c.kind == ClauseKind::kCreate ? "CREATE " : "OPTIONAL MATCH ";
          for (size_t i = 0; i < c.patterns.size(); ++i) out += (i ? ", " : "") + PatternText(c.patterns[i]);
          if (c.where) out += " WHERE " + ast::ToString(*c.where);
          break;
        }
        case ClauseKind::kUnwind:
          out += "UNWIND " + ast::ToString(*c.unwind_expr) + " AS " + c.unwind_variable;
          break;
        case ClauseKind::kWith:
        case ClauseKind::kReturn: {
          const auto& p = c.projection;
          out += c.kind == ClauseKind::kWith ? "WITH " : "RETURN ";
          if (p.distinct) out += "DISTINCT ";
          if (p.star) out += p.items.empty() ? "*" : "*, ";
          for (size_t i = 0; i < p.items.size(); ++i) {
            out += (i ? ", " : "") + ast::ToString(*p.items[i].expr);
            if (!p.items[i].alias.empty()) out += " AS " + p.items[i].alias;
          }
          for (size_t i = 0; i < p.order_by.size(); ++i)
            out += (i ? ", " : " ORDER BY ") + ast::ToString(*p.order_by[i].expr) + (p.order_by[i].descending ? " DESC" : "");
          if (p.skip) out += " SKIP " + ast::ToString(*p.skip);
          if (p.limit) out += " LIMIT " + ast::ToString(*p.limit);
          if (p.where) out += " WHERE " + ast::ToString(*p.where);
          break;
        }
      }
      out += "\n";
    }
  }
  return out;
}

bool IsAggregateFunction(const std::string& lower_name) {
  return lower_name == "count" || lower_name == "sum" || lower_name == "avg" || lower_name == "min" ||
         lower_name == "max" || lower_name == "collect" || lower_name == "stdev" || lower_name == "stdevp" ||
         lower_name == "percentiledisc" || lower_name == "percentilecont";
}

bool ContainsAggregate(const Expr& e) {
  if (e.kind == ExprKind::kCountStar) return true;
  if (e.kind == ExprKind::kFunction && IsAggregateFunction(Lower(e.name))) return true;
  for (const auto& a : e.args)
    if (a && ContainsAggregate(*a)) return true;
  return false;
}

}  // namespace kg::queries::ast
