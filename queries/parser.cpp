// Parser implementation. One function per grammar rule, in the order of the
// openCypher grammar: query, clauses, patterns, then expressions by rising
// precedence (OR, XOR, AND, NOT, comparison, predicates, + -, * / %, ^,
// unary, postfix, atoms).
#include "queries/parser.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "queries/lexer.h"

namespace kg::queries {

namespace {

using namespace ast;

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Parser {
 public:
  Parser(std::string_view text) : text_(text), tokens_(Lex(text)) {}

  Query ParseQuery() {
    Query q;
    if (IsKeyword("EXPLAIN")) {
      Next();
      q.explain = true;
    }
    q.parts.push_back(ParseSingleQuery());
    while (IsKeyword("UNION")) {
      SourceSpan span = Next().span;
      bool all = false;
      if (IsKeyword("ALL")) {
        span = SourceSpan::Cover(span, Next().span);
        all = true;
      }
      q.union_all.push_back(all);
      q.union_spans.push_back(span);
      q.parts.push_back(ParseSingleQuery());
    }
    if (IsSymbol(";")) Next();
    if (Peek().kind != TokenKind::kEnd) Unexpected("end of query");
    return q;
  }

  ExprPtr ParseStandaloneExpression() {
    auto e = ParseExpr();
    if (Peek().kind != TokenKind::kEnd) Unexpected("end of expression");
    return e;
  }

 private:
  // ---- token helpers
  const Token& Peek(size_t k = 0) const { return tokens_[std::min(pos_ + k, tokens_.size() - 1)]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool IsKeyword(std::string_view kw, size_t k = 0) const {
    const auto& t = Peek(k);
    return t.kind == TokenKind::kIdentifier && !t.quoted && IEquals(t.text, kw);
  }
  bool IsSymbol(std::string_view sym, size_t k = 0) const {
    const auto& t = Peek(k);
    return t.kind == TokenKind::kSymbol && t.text == sym;
  }
  [[noreturn]] void Unexpected(const std::string& expected) const {
    const auto& t = Peek();
    std::string found = t.kind == TokenKind::kEnd ? "end of input" : "'" + std::string(text_.substr(t.span.offset, t.span.length)) + "'";
    throw QueryError("SyntaxError", "UnexpectedSyntax", "expected " + expected + ", found " + found, t.span);
  }
  const Token& ExpectSymbol(std::string_view sym) {
    if (!IsSymbol(sym)) Unexpected("'" + std::string(sym) + "'");
    return Next();
  }
  const Token& ExpectKeyword(std::string_view kw) {
    if (!IsKeyword(kw)) Unexpected(std::string(kw));
    return Next();
  }
  SourceSpan PrevEnd() const { return pos_ == 0 ? SourceSpan{0, 0} : tokens_[pos_ - 1].span; }
  SourceSpan SpanFrom(SourceSpan start) const { return SourceSpan::Cover(start, PrevEnd()); }
  std::string Text(SourceSpan span) const { return std::string(text_.substr(span.offset, span.length)); }

  static bool IsReserved(const std::string& word) {
    static const char* const kReserved[] = {
        "MATCH", "OPTIONAL", "WHERE", "WITH", "RETURN", "UNWIND", "CREATE", "MERGE", "DELETE", "DETACH", "SET",
        "REMOVE", "UNION", "ORDER", "SKIP", "LIMIT", "AND", "OR", "XOR", "NOT", "AS", "IN", "IS", "CALL", "YIELD",
        "DISTINCT", "CASE", "WHEN", "THEN", "ELSE", "END", "STARTS", "ENDS", "CONTAINS", "ASC", "DESC", "ASCENDING",
        "DESCENDING", "BY", "ON", "NULL", "TRUE", "FALSE"};
    for (const char* r : kReserved)
      if (IEquals(word, r)) return true;
    return false;
  }

  // A variable name: an identifier that is not a reserved word (unless quoted).
  bool AtVariable(size_t k = 0) const {
    const auto& t = Peek(k);
    return t.kind == TokenKind::kIdentifier && (t.quoted || !IsReserved(t.text));
  }
  std::string ParseSymbolicName() {
    if (Peek().kind != TokenKind::kIdentifier) Unexpected("a name");
    return Next().text;
  }

  // ---- clauses
  SingleQuery ParseSingleQuery() {
    SingleQuery sq;
    SourceSpan start = Peek().span;
    while (true) {
      if (IsKeyword("MATCH")) {
        sq.clauses.push_back(ParseMatch(false));
      } else if (IsKeyword("OPTIONAL")) {
        sq.clauses.push_back(ParseMatch(true));
      } else if (IsKeyword("WITH")) {
        sq.clauses.push_back(ParseProjectionClause(ClauseKind::kWith));
      } else if (IsKeyword("RETURN")) {
        sq.clauses.push_back(ParseProjectionClause(ClauseKind::kReturn));
      } else if (IsKeyword("UNWIND")) {
        sq.clauses.push_back(ParseUnwind());
      } else if (IsKeyword("CREATE")) {
        sq.clauses.push_back(ParseCreate());
      } else if (IsKeyword("MERGE") || IsKeyword("DELETE") || IsKeyword("DETACH") || IsKeyword("SET") ||
                 IsKeyword("REMOVE") || IsKeyword("CALL") || IsKeyword("FOREACH") || IsKeyword("LOAD")) {
        throw QueryError("SyntaxError", "", "the " + Lower(Peek().text) + " clause is not supported by kg", Peek().span);
      } else {
        break;
      }
    }
    if (sq.clauses.empty()) Unexpected("a clause (MATCH, OPTIONAL MATCH, WITH, UNWIND, CREATE, RETURN)");
    sq.span = SpanFrom(start);
    return sq;
  }

  Clause ParseMatch(bool optional) {
    Clause c;
    SourceSpan start = Peek().span;
    if (optional) {
      Next();
      c.kind = ClauseKind::kOptionalMatch;
    } else {
      c.kind = ClauseKind::kMatch;
    }
    ExpectKeyword("MATCH");
    c.patterns = ParsePattern();
    if (IsKeyword("WHERE")) {
      Next();
      c.where = ParseExpr();
    }
    c.span = SpanFrom(start);
    return c;
  }

  Clause ParseCreate() {
    Clause c;
    c.kind = ClauseKind::kCreate;
    SourceSpan start = Next().span;
    c.patterns = ParsePattern();
    c.span = SpanFrom(start);
    return c;
  }

  Clause ParseUnwind() {
    Clause c;
    c.kind = ClauseKind::kUnwind;
    SourceSpan start = Next().span;
    c.unwind_expr = ParseExpr();
    ExpectKeyword("AS");
    if (!AtVariable()) Unexpected("a variable name");
    c.unwind_variable_span = Peek().span;
    c.unwind_variable = Next().text;
    c.span = SpanFrom(start);
    return c;
  }

  Clause ParseProjectionClause(ClauseKind kind) {
    Clause c;
    c.kind = kind;
    SourceSpan start = Next().span;
    Projection& p = c.projection;
    if (IsKeyword("DISTINCT")) {
      Next();
      p.distinct = true;
    }
    if (IsSymbol("*")) {
      p.star = true;
      p.star_span = Next().span;
      if (IsSymbol(",")) Next();
      else goto after_items;
    }
    while (true) {
      ProjectionItem item;
      SourceSpan item_start = Peek().span;
      item.expr = ParseExpr();
      item.text = Text(SpanFrom(item_start));
      if (IsKeyword("AS")) {
        Next();
        if (!AtVariable()) Unexpected("a variable name");
        item.alias = Next().text;
      }
      item.span = SpanFrom(item_start);
      p.items.push_back(std::move(item));
      if (!IsSymbol(",")) break;
      Next();
    }
  after_items:
    if (IsKeyword("ORDER")) {
      Next();
      ExpectKeyword("BY");
      while (true) {
        SortItem s;
        s.expr = ParseExpr();
        s.text = Text(s.expr->span);
        if (IsKeyword("ASC") || IsKeyword("ASCENDING")) {
          Next();
        } else if (IsKeyword("DESC") || IsKeyword("DESCENDING")) {
          Next();
          s.descending = true;
        }
        p.order_by.push_back(std::move(s));
        if (!IsSymbol(",")) break;
        Next();
      }
    }
    if (IsKeyword("SKIP")) {
      Next();
      p.skip = ParseExpr();
    }
    if (IsKeyword("LIMIT")) {
      Next();
      p.limit = ParseExpr();
    }
    if (kind == ClauseKind::kWith && IsKeyword("WHERE")) {
      Next();
      p.where = ParseExpr();
    }
    c.span = SpanFrom(start);
    return c;
  }

  // ---- patterns
  std::vector<PatternPart> ParsePattern() {
    std::vector<PatternPart> parts;
    while (true) {
      parts.push_back(ParsePatternPart());
      if (!IsSymbol(",")) break;
      Next();
    }
    return parts;
  }

  PatternPart ParsePatternPart() {
    PatternPart part;
    SourceSpan start = Peek().span;
    if (AtVariable() && IsSymbol("=", 1)) {
      part.path_variable_span = Peek().span;
      part.path_variable = Next().text;
      Next();
    }
    if ((IsKeyword("shortestPath") || IsKeyword("allShortestPaths")) && IsSymbol("(", 1)) {
      part.kind = IsKeyword("shortestPath") ? PathKind::kShortest : PathKind::kAllShortest;
      Next();
      Next();
      ParseChain(part);
      ExpectSymbol(")");
    } else if (IsSymbol("(") && IsSymbol("(", 1)) {
      // A parenthesized pattern: ((a)-->(b))
      Next();
      ParseChain(part);
      ExpectSymbol(")");
    } else {
      ParseChain(part);
    }
    part.span = SpanFrom(start);
    return part;
  }

  void ParseChain(PatternPart& part) {
    part.nodes.push_back(ParseNodePattern());
    while (AtRelationshipStart()) {
      if (part.rels.size() >= 256)
        throw QueryError("SyntaxError", "UnexpectedSyntax", "a pattern may have at most 256 relationships", Peek().span);
      part.rels.push_back(ParseRelPattern());
      part.nodes.push_back(ParseNodePattern());
    }
  }

  bool AtRelationshipStart() const {
    return IsSymbol("-") || (IsSymbol("<") && IsSymbol("-", 1));
  }

  NodePattern ParseNodePattern() {
    NodePattern n;
    SourceSpan start = ExpectSymbol("(").span;
    if (AtVariable()) {
      n.variable_span = Peek().span;
      n.variable = Next().text;
    }
    while (IsSymbol(":")) {
      Next();
      n.labels.push_back(ParseSymbolicName());
    }
    if (IsSymbol("{")) n.properties = ParseMapLiteral();
    else if (Peek().kind == TokenKind::kParameter) n.properties = ParseAtom();
    ExpectSymbol(")");
    n.span = SpanFrom(start);
    return n;
  }

  RelPattern ParseRelPattern() {
    RelPattern r;
    SourceSpan start = Peek().span;
    bool left = false, right = false;
    if (IsSymbol("<")) {
      Next();
      left = true;
    }
    ExpectSymbol("-");
    if (IsSymbol("[")) {
      Next();
      if (AtVariable()) {
        r.variable_span = Peek().span;
        r.variable = Next().text;
      }
      if (IsSymbol(":")) {
        Next();
        r.types.push_back(ParseSymbolicName());
        while (IsSymbol("|")) {
          Next();
          if (IsSymbol(":")) Next();
          r.types.push_back(ParseSymbolicName());
        }
      }
      if (IsSymbol("..")) throw QueryError("SyntaxError", "InvalidRelationshipPattern", "a variable-length relationship needs '*'", Peek().span);
      if (IsSymbol("*")) {
        Next();
        r.var_length = true;
        if (IsSymbol("-")) throw QueryError("SyntaxError", "InvalidRelationshipPattern", "negative bound in a variable-length relationship", Peek().span);
        if (Peek().kind == TokenKind::kInteger) r.min_hops = ParseIntegerToken();
        if (IsSymbol("..")) {
          Next();
          if (Peek().kind == TokenKind::kInteger) r.max_hops = ParseIntegerToken();
        } else if (r.min_hops) {
          r.max_hops = r.min_hops;
        }
      }
      if (IsSymbol("{")) r.properties = ParseMapLiteral();
      else if (Peek().kind == TokenKind::kParameter) r.properties = ParseAtom();
      ExpectSymbol("]");
    }
    ExpectSymbol("-");
    if (IsSymbol(">")) {
      Next();
      right = true;
    }
    if (left && right) r.direction = Direction::kBoth;
    else if (left) r.direction = Direction::kRightToLeft;
    else if (right) r.direction = Direction::kLeftToRight;
    else r.direction = Direction::kBoth;
    r.span = SpanFrom(start);
    return r;
  }

  int64_t ParseIntegerToken() {
    const Token& t = Next();
    return ParseIntegerText(t.text, t.span, false);
  }

  static int64_t ParseIntegerText(const std::string& text, SourceSpan span, bool negative) {
    int base = 10;
    std::string digits = text;
    if (text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
      base = 16;
      digits = text.substr(2);
    } else if (text.size() > 1 && text[0] == '0' && (text[1] == 'o' || text[1] == 'O')) {
      base = 8;
      digits = text.substr(2);
    }
    if (digits.empty()) throw QueryError("SyntaxError", "InvalidNumberLiteral", "invalid number literal", span);
    for (char c : digits) {
      int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
              : std::isalpha(static_cast<unsigned char>(c)) ? std::tolower(c) - 'a' + 10 : 99;
      if (d >= base) throw QueryError("SyntaxError", "InvalidNumberLiteral", "invalid number literal", span);
    }
    errno = 0;
    std::string signed_digits = (negative ? "-" : "") + digits;
    long long v = std::strtoll(signed_digits.c_str(), nullptr, base);
    if (errno == ERANGE) throw QueryError("SyntaxError", "IntegerOverflow", "integer literal is too large", span);
    return v;
  }

  ExprPtr ParseMapLiteral() {
    auto e = std::make_shared<Expr>();
    e->kind = ExprKind::kMap;
    SourceSpan start = ExpectSymbol("{").span;
    if (!IsSymbol("}")) {
      while (true) {
        if (Peek().kind != TokenKind::kIdentifier) Unexpected("a property key");
        e->keys.push_back(Next().text);
        ExpectSymbol(":");
        e->args.push_back(ParseExpr());
        if (!IsSymbol(",")) break;
        Next();
      }
    }
    ExpectSymbol("}");
    e->span = SpanFrom(start);
    return e;
  }

  // ---- expressions
  ExprPtr MakeBinary(Op op, ExprPtr a, ExprPtr b) {
    auto e = std::make_shared<Expr>();
    e->kind = ExprKind::kBinary;
    e->op = op;
    e->span = SourceSpan::Cover(a->span, b->span);
    e->args = {std::move(a), std::move(b)};
    return e;
  }

  // Bounds recursion so that a deeply nested query fails cleanly instead of
  // exhausting the stack.
  struct DepthGuard {
    explicit DepthGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxDepth)
        throw QueryError("SyntaxError", "UnexpectedSyntax", "the query is nested too deeply", parser.Peek().span);
    }
    ~DepthGuard() { --parser.depth_; }
    Parser& parser;
  };
  static constexpr int kMaxDepth = 400;

  ExprPtr ParseExpr() {
    DepthGuard guard(*this);
    return ParseOr();
  }

  ExprPtr ParseOr() {
    auto e = ParseXor();
    while (IsKeyword("OR")) {
      Next();
      e = MakeBinary(Op::kOr, e, ParseXor());
    }
    return e;
  }
  ExprPtr ParseXor() {
    auto e = ParseAnd();
    while (IsKeyword("XOR")) {
      Next();
      e = MakeBinary(Op::kXor, e, ParseAnd());
    }
    return e;
  }
  ExprPtr ParseAnd() {
    auto e = ParseNot();
    while (IsKeyword("AND")) {
      Next();
      e = MakeBinary(Op::kAnd, e, ParseNot());
    }
    return e;
  }
  ExprPtr ParseNot() {
    DepthGuard guard(*this);
    if (IsKeyword("NOT")) {
      SourceSpan start = Next().span;
      auto inner = ParseNot();
      auto e = std::make_shared<Expr>();
      e->kind = ExprKind::kUnary;
      e->op = Op::kNot;
      e->span = SourceSpan::Cover(start, inner->span);
      e->args = {inner};
      return e;
    }
    return ParseComparison();
  }

  std::optional<Op> PeekComparisonOp() const {
    if (Peek().kind != TokenKind::kSymbol) return std::nullopt;
    const std::string& s = Peek().text;
    if (s == "=") return Op::kEq;
    if (s == "<>" || s == "!=") return Op::kNe;
    if (s == "<") return Op::kLt;
    if (s == ">") return Op::kGt;
    if (s == "<=") return Op::kLe;
    if (s == ">=") return Op::kGe;
    return std::nullopt;
  }

  ExprPtr ParseComparison() {
    auto left = ParsePredicates();
    ExprPtr result;
    while (auto op = PeekComparisonOp()) {
      Next();
      auto right = ParsePredicates();
      auto cmp = MakeBinary(*op, left, right);
      result = result ? MakeBinary(Op::kAnd, result, cmp) : cmp;
      left = right;
    }
    return result ? result : left;
  }

  ExprPtr ParsePredicates() {
    auto e = ParseAdditive();
    while (true) {
      if (IsSymbol("=~")) {
        Next();
        e = MakeBinary(Op::kRegex, e, ParseAdditive());
      } else if (IsKeyword("IN")) {
        Next();
        e = MakeBinary(Op::kIn, e, ParseAdditive());
      } else if (IsKeyword("STARTS") && IsKeyword("WITH", 1)) {
        Next();
        Next();
        e = MakeBinary(Op::kStartsWith, e, ParseAdditive());
      } else if (IsKeyword("ENDS") && IsKeyword("WITH", 1)) {
        Next();
        Next();
        e = MakeBinary(Op::kEndsWith, e, ParseAdditive());
      } else if (IsKeyword("CONTAINS")) {
        Next();
        e = MakeBinary(Op::kContains, e, ParseAdditive());
      } else if (IsKeyword("IS")) {
        Next();
        bool negated = false;
        if (IsKeyword("NOT")) {
          Next();
          negated = true;
        }
        ExpectKeyword("NULL");
        auto n = std::make_shared<Expr>();
        n->kind = negated ? ExprKind::kIsNotNull : ExprKind::kIsNull;
        n->span = SpanFrom(e->span);
        n->args = {e};
        e = n;
      } else {
        return e;
      }
    }
  }

  ExprPtr ParseAdditive() {
    auto e = ParseMultiplicative();
    while (IsSymbol("+") || IsSymbol("-")) {
      Op op = Next().text == "+" ? Op::kAdd : Op::kSub;
      e = MakeBinary(op, e, ParseMultiplicative());
    }
    return e;
  }
  ExprPtr ParseMultiplicative() {
    auto e = ParsePower();
    while (IsSymbol("*") || IsSymbol("/") || IsSymbol("%")) {
      const std::string& s = Next().text;
      Op op = s == "*" ? Op::kMul : (s == "/" ? Op::kDiv : Op::kMod);
      e = MakeBinary(op, e, ParsePower());
    }
    return e;
  }
  ExprPtr ParsePower() {
    auto e = ParseUnary();
    while (IsSymbol("^")) {
      Next();
      e = MakeBinary(Op::kPow, e, ParseUnary());
    }
    return e;
  }
  ExprPtr ParseUnary() {
    DepthGuard guard(*this);
    if (IsSymbol("-") || IsSymbol("+")) {
      SourceSpan start = Peek().span;
      bool minus = Next().text == "-";
      if (minus && Peek().kind == TokenKind::kInteger && !IsPostfixAfterLiteral()) {
        const Token& t = Next();
        auto lit = std::make_shared<Expr>();
        lit->kind = ExprKind::kLiteral;
        lit->literal = Value(ParseIntegerText(t.text, SourceSpan::Cover(start, t.span), true));
        lit->span = SourceSpan::Cover(start, t.span);
        return ParsePostfix(lit);
      }
      auto inner = ParseUnary();
      auto e = std::make_shared<Expr>();
      e->kind = ExprKind::kUnary;
      e->op = minus ? Op::kNeg : Op::kPlus;
      e->span = SourceSpan::Cover(start, inner->span);
      e->args = {inner};
      return e;
    }
    return ParsePostfix(ParseAtom());
  }
  // -1.x or -1[0] would bind the postfix to 1 first; rare, kept simple.
  bool IsPostfixAfterLiteral() const { return false; }

  ExprPtr ParsePostfix(ExprPtr e) {
    while (true) {
      if (IsSymbol(".")) {
        Next();
        auto p = std::make_shared<Expr>();
        p->kind = ExprKind::kProperty;
        if (Peek().kind != TokenKind::kIdentifier) Unexpected("a property name");
        p->name = Next().text;
        p->span = SpanFrom(e->span);
        p->args = {e};
        e = p;
      } else if (IsSymbol("[")) {
        Next();
        ExprPtr from, to;
        bool slice = false;
        if (!IsSymbol("..")) from = ParseExpr();
        if (IsSymbol("..")) {
          Next();
          slice = true;
          if (!IsSymbol("]")) to = ParseExpr();
        }
        ExpectSymbol("]");
        auto p = std::make_shared<Expr>();
        p->kind = slice ? ExprKind::kSlice : ExprKind::kIndex;
        p->span = SpanFrom(e->span);
        p->args = {e, from, to};
        if (!slice) p->args.resize(2);
        e = p;
      } else if (IsSymbol(":") && (e->kind == ExprKind::kVariable || e->kind == ExprKind::kProperty ||
                                   e->kind == ExprKind::kIndex)) {
        auto p = std::make_shared<Expr>();
        p->kind = ExprKind::kLabelCheck;
        while (IsSymbol(":")) {
          Next();
          p->keys.push_back(ParseSymbolicName());
        }
        p->span = SpanFrom(e->span);
        p->args = {e};
        e = p;
      } else {
        return e;
      }
    }
  }

  ExprPtr ParseAtom() {
    const Token& t = Peek();
    auto e = std::make_shared<Expr>();
    SourceSpan start = t.span;
    switch (t.kind) {
      case TokenKind::kInteger:
        e->kind = ExprKind::kLiteral;
        e->literal = Value(ParseIntegerText(t.text, t.span, false));
        Next();
        e->span = start;
        return e;
      case TokenKind::kFloat: {
        e->kind = ExprKind::kLiteral;
        double d = std::strtod(t.text.c_str(), nullptr);
        if (std::isinf(d)) throw QueryError("SyntaxError", "FloatingPointOverflow", "float literal is too large", t.span);
        e->literal = Value(d);
        Next();
        e->span = start;
        return e;
      }
      case TokenKind::kString:
        e->kind = ExprKind::kLiteral;
        e->literal = Value(t.text);
        Next();
        e->span = start;
        return e;
      case TokenKind::kParameter:
        e->kind = ExprKind::kParameter;
        e->name = t.text;
        Next();
        e->span = start;
        return e;
      case TokenKind::kSymbol:
        if (t.text == "[") return ParseListOrComprehension();
        if (t.text == "{") return ParseMapLiteral();
        if (t.text == "(") {
          if (auto pattern = TryParsePatternPredicate()) return pattern;
          Next();
          auto inner = ParseExpr();
          ExpectSymbol(")");
          return inner;
        }
        Unexpected("an expression");
      case TokenKind::kIdentifier: {
        if (!t.quoted) {
          if (IsKeyword("TRUE") || IsKeyword("FALSE") || IsKeyword("NULL")) {
            e->kind = ExprKind::kLiteral;
            e->literal = IsKeyword("NULL") ? Value() : Value(IsKeyword("TRUE"));
            Next();
            e->span = start;
            return e;
          }
          if (IsKeyword("CASE")) return ParseCase();
          if ((IsKeyword("all") || IsKeyword("any") || IsKeyword("none") || IsKeyword("single")) && IsSymbol("(", 1) &&
              AtVariable(2) && IsKeyword("IN", 3)) {
            e->kind = ExprKind::kQuantifier;
            e->name = Lower(Next().text);
            Next();
            e->variable = Next().text;
            Next();
            e->args.push_back(ParseExpr());
            if (IsKeyword("WHERE")) {
              Next();
              e->args.push_back(ParseExpr());
            } else {
              e->args.push_back(nullptr);
            }
            ExpectSymbol(")");
            e->span = SpanFrom(start);
            return e;
          }
        }
        if (IsSymbol("(", 1)) return ParseFunctionCall();
        if (!t.quoted && IsReserved(t.text)) Unexpected("an expression");
        e->kind = ExprKind::kVariable;
        e->name = t.text;
        Next();
        e->span = start;
        return e;
      }
      case TokenKind::kEnd:
        Unexpected("an expression");
    }
    Unexpected("an expression");
  }

  ExprPtr ParseFunctionCall() {
    auto e = std::make_shared<Expr>();
    SourceSpan start = Peek().span;
    e->name = Next().text;
    // Namespaced names (a.b.c) are not supported; the single name is kept.
    ExpectSymbol("(");
    if (IEquals(e->name, "count") && IsSymbol("*")) {
      Next();
      ExpectSymbol(")");
      e->kind = ExprKind::kCountStar;
      e->span = SpanFrom(start);
      return e;
    }
    e->kind = ExprKind::kFunction;
    if (IsKeyword("DISTINCT")) {
      Next();
      e->distinct = true;
    }
    if (!IsSymbol(")")) {
      while (true) {
        e->args.push_back(ParseExpr());
        if (!IsSymbol(",")) break;
        Next();
      }
    }
    ExpectSymbol(")");
    e->span = SpanFrom(start);
    return e;
  }

  ExprPtr ParseCase() {
    auto e = std::make_shared<Expr>();
    e->kind = ExprKind::kCase;
    SourceSpan start = Next().span;
    if (!IsKeyword("WHEN")) {
      e->has_subject = true;
      e->args.push_back(ParseExpr());
    }
    if (!IsKeyword("WHEN")) Unexpected("WHEN");
    while (IsKeyword("WHEN")) {
      Next();
      e->args.push_back(ParseExpr());
      ExpectKeyword("THEN");
      e->args.push_back(ParseExpr());
    }
    if (IsKeyword("ELSE")) {
      Next();
      e->has_else = true;
      e->args.push_back(ParseExpr());
    }
    ExpectKeyword("END");
    e->span = SpanFrom(start);
    return e;
  }

  ExprPtr ParseListOrComprehension() {
    SourceSpan start = Next().span;  // [
    auto e = std::make_shared<Expr>();
    if (IsSymbol("(") || (AtVariable() && IsSymbol("=", 1))) {
      size_t saved = pos_;
      try {
        auto part = std::make_shared<PatternPart>();
        PatternPart parsed = ParsePatternPart();
        if (!parsed.rels.empty() && (IsKeyword("WHERE") || IsSymbol("|"))) {
          *part = std::move(parsed);
          e->kind = ExprKind::kPatternComprehension;
          e->pattern = part;
          ExprPtr where;
          if (IsKeyword("WHERE")) {
            Next();
            where = ParseExpr();
          }
          ExpectSymbol("|");
          e->args.push_back(where);
          e->args.push_back(ParseExpr());
          ExpectSymbol("]");
          e->span = SpanFrom(start);
          return e;
        }
        pos_ = saved;
      } catch (const QueryError&) {
        pos_ = saved;
      }
    }
    if (AtVariable() && IsKeyword("IN", 1)) {
      e->kind = ExprKind::kListComprehension;
      e->variable = Next().text;
      Next();
      e->args.push_back(ParseExpr());
      ExprPtr where, projection;
      if (IsKeyword("WHERE")) {
        Next();
        where = ParseExpr();
      }
      if (IsSymbol("|")) {
        Next();
        projection = ParseExpr();
      }
      e->args.push_back(where);
      e->args.push_back(projection);
      ExpectSymbol("]");
      e->span = SpanFrom(start);
      return e;
    }
    e->kind = ExprKind::kList;
    if (!IsSymbol("]")) {
      while (true) {
        e->args.push_back(ParseExpr());
        if (!IsSymbol(",")) break;
        Next();
      }
    }
    ExpectSymbol("]");
    e->span = SpanFrom(start);
    return e;
  }

  // (a)-[...]-(b) used as an expression. Backtracks when the parenthesis is
  // an ordinary parenthesized expression.
  ExprPtr TryParsePatternPredicate() {
    size_t saved = pos_;
    try {
      NodePattern first = ParseNodePattern();
      if (!AtRelationshipStart()) {
        pos_ = saved;
        return nullptr;
      }
      pos_ = saved;
    } catch (const QueryError&) {
      pos_ = saved;
      return nullptr;
    }
    auto part = std::make_shared<PatternPart>();
    SourceSpan start = Peek().span;
    ParseChain(*part);
    part->span = SpanFrom(start);
    auto e = std::make_shared<Expr>();
    e->kind = ExprKind::kPatternPredicate;
    e->span = part->span;
    e->pattern = part;
    return e;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

ast::Query Parse(std::string_view text) { return Parser(text).ParseQuery(); }

ast::ExprPtr ParseExpression(std::string_view text) { return Parser(text).ParseStandaloneExpression(); }

}  // namespace kg::queries
