// Executor: expression evaluation. Variables, properties, operators with
// openCypher null and type rules, CASE, comprehensions, pattern predicates
// and the functions that read the graph.
#include "queries/executor_internal.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "queries/functions.h"

namespace kg::queries::detail {

Value Executor::LookupVariable(const std::string& name, const Env& env, SourceSpan span) {
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

Value Executor::PropertyOf(const Value& target, const std::string& key, SourceSpan span) {
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

std::optional<bool> Executor::Truth(const Value& v, SourceSpan span) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_bool()) TypeFail("expected a boolean, got a " + TypeName(v), span);
  return v.as_bool();
}

Value Executor::Arithmetic(Op op, const Value& a, const Value& b, SourceSpan span) {
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

const RE2& Executor::Regex(const std::string& pattern, SourceSpan span) {
  auto it = regexes_.find(pattern);
  if (it != regexes_.end()) return *it->second;
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) throw QueryError("ArgumentError", "InvalidArgumentValue", "invalid regular expression: " + re->error(), span);
  return *regexes_.emplace(pattern, std::move(re)).first->second;
}

Value Executor::EvalBinary(const Expr& e, const Env& env) {
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

Value Executor::EvalIndex(const Expr& e, const Env& env) {
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

Value Executor::EvalSlice(const Expr& e, const Env& env) {
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

Value Executor::EvalCase(const Expr& e, const Env& env) {
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

Value Executor::EvalComprehension(const Expr& e, const Env& env) {
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

Value Executor::EvalPatternPredicate(const Expr& e, const Env& env) {
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

Value Executor::EvalPatternComprehension(const Expr& e, const Env& env) {
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

Value Executor::GraphFunction(const std::string& name, const Expr& e, const std::vector<Value>& args) {
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

}  // namespace kg::queries::detail
