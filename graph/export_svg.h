// SVG export: DOT rendered by Graphviz's `dot`, run as a child process.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "graph/error.h"

namespace kg::graph {

// The full path of `program` found on $PATH, if any.
std::optional<std::string> FindProgram(const std::string& program);

// Feeds `dot_text` to `dot -Tsvg` on its standard input and writes the SVG to
// `out`. Returns what dot printed on its standard error (warnings; empty when
// clean). Throws Error naming the Debian package `graphviz` when `dot` is not
// installed, and Error with dot's messages when it fails.
std::string RenderSvg(const std::string& dot_text, std::ostream& out);

}  // namespace kg::graph
