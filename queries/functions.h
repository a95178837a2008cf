// Scalar functions that need no graph access (strings, numbers, lists,
// conversions). Names are lower-case. Graph functions live in the executor.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "queries/error.h"
#include "queries/value.h"

namespace kg::queries {

// Returns nullopt when `name` is not a pure scalar function.
// Throws QueryError(TypeError/ArgumentError) on bad arguments.
std::optional<Value> CallScalarFunction(const std::string& name, const std::vector<Value>& args, SourceSpan span);

}  // namespace kg::queries
