// Parser: recursive descent from Tokens to the immutable AST. Checks syntax
// only (the semantic analysis checks variables and aggregation).
#pragma once

#include <string_view>

#include "queries/ast.h"

namespace kg::queries {

// Throws QueryError(SyntaxError, ...) pointing at the offending token.
ast::Query Parse(std::string_view text);

// Parses a standalone expression (for --param values).
ast::ExprPtr ParseExpression(std::string_view text);

}  // namespace kg::queries
