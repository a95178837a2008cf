// neo4j-admin CSV export: DIR/nodes.csv, DIR/relationships.csv and a
// DIR/README.md with the `neo4j-admin database import full` command.
// `kg import` reads the same files back.
#pragma once

#include <string>

#include "graph/store.h"
#include "graph/subgraph.h"

namespace kg::graph {

struct Neo4jCsvFiles {
  std::string nodes, relationships, readme;  // paths written
};

// Writes `subgraph` into directory `dir` (created when missing). Headers:
// `:ID,:LABEL,prop:type...` and `:START_ID,:END_ID,:TYPE,prop:type...`, with
// types long, double, boolean, string and arrays of them (elements joined by
// ';'). Strings are always quoted, so "" is the empty string and an empty
// field a missing property. Lists that cannot be arrays (mixed element
// types, strings holding ';', nested lists) and maps are written as JSON
// text in a string column; a key mixing integers and floats becomes double.
// Throws Error when a file cannot be written.
Neo4jCsvFiles WriteNeo4jCsv(const Store& store, const Subgraph& subgraph, const std::string& dir);

}  // namespace kg::graph
