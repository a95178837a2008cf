// Shared by the typed exporters (GraphML, neo4j-admin CSV): the column type
// of a property across many elements, and value formatting.
#pragma once

#include <string>

#include "graph/value.h"

namespace kg::graph::exporttypes {

// The type of one property key over all the elements that have it.
enum class Kind { kNone, kBool, kLong, kDouble, kString, kJson };

// The kind of a scalar value (kJson for lists and maps; kNone for null).
Kind KindOf(const Value& v);
// The narrowest kind holding both (long + double = double; other mixes =
// string, written as JSON text when not a string).
Kind Merge(Kind a, Kind b);

// Shortest text that reads back as the same double ("0.1", "5e+11", "NaN",
// "Infinity", "-Infinity"); integral values keep no fraction.
std::string FormatDouble(double d);
// The value as JSON text (type fidelity as in the store).
std::string JsonText(const Value& v);

}  // namespace kg::graph::exporttypes
