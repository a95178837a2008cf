// GraphML export (http://graphml.graphdrawing.org/), readable by networkx,
// igraph, Gephi and yEd. Each property becomes a <key> with attr.type long,
// double, boolean or string; lists and maps are JSON text in string keys.
#pragma once

#include <ostream>

#include "graph/store.h"
#include "graph/subgraph.h"

namespace kg::graph {

// Writes `subgraph` as one directed <graph>: node ids "n<id>", edge ids
// "e<id>"; node key "labels" holds ":A:B", edge key "type" the type. A key
// whose values mix integers and floats is declared double; one that mixes
// other types is declared string (non-strings then written as JSON text).
// Reads the subgraph twice (key declarations come first). Deterministic.
void WriteGraphml(const Store& store, const Subgraph& subgraph, std::ostream& out);

}  // namespace kg::graph
