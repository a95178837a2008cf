// Result formats: table (Unicode box text for people), csv, json, and tck
// (the TCK runner's protocol: TAB-separated values in TCK notation).
#pragma once

#include <string>

#include "queries/executor.h"
#include "queries/graph_access.h"

namespace kg::queries {

enum class OutputFormat { kTable, kCsv, kJson, kTck };

// Returns false for an unknown name.
bool ParseOutputFormat(const std::string& name, OutputFormat& out);

// The whole result, ending in a newline.
std::string FormatResult(const QueryResult& result, GraphAccess& graph, OutputFormat format);

// One value in TCK notation: (:A {k: 1}), [:T], <()-[:T]->()>, 'text', 1.0 ...
std::string FormatTckValue(const Value& value, GraphAccess& graph);

// The eight SIDE-EFFECT lines of the TCK protocol.
std::string FormatSideEffects(const SideEffects& effects);

}  // namespace kg::queries
