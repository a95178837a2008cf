// JSON export of the whole graph: the format `kg export --format json` prints
// and the scorer reads. Deterministic: nodes and relationships sorted by id.
#pragma once

#include <ostream>

#include "graph/store.h"
#include "graph/subgraph.h"

namespace kg::graph {

// Writes {"nodes":[{"id","labels","properties"}...],
//         "relationships":[{"id","type","start","end","properties"}...]}
// one element per line, ending with a newline.
void ExportJson(const Store& store, std::ostream& out);
// The same format restricted to `subgraph`.
void ExportJson(const Store& store, const Subgraph& subgraph, std::ostream& out);

}  // namespace kg::graph
