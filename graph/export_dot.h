// DOT export for Graphviz: one node per entity labelled with its name, shape
// and colour by label, relationships labelled with their type and key
// property. Deterministic: same graph, same bytes.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "graph/store.h"
#include "graph/subgraph.h"

namespace kg::graph {

struct DotOptions {
  // Groups nodes into one cluster per article they were extracted from
  // (their first article by id, from the evidence table). A node with no
  // evidence stays outside every cluster.
  bool cluster_by_article = false;
  // Words of a Quote's text shown in its note.
  int quote_words = 8;
};

// Writes `subgraph` of `store` as a DOT digraph, nodes then relationships,
// each in ascending id order. Every string is escaped for a DOT quoted
// string; invalid UTF-8 bytes become U+FFFD.
void WriteDot(const Store& store, const Subgraph& subgraph, std::ostream& out,
              const DotOptions& options = {});

// `text` as a DOT quoted string, quotes included ("a \"b\"\nc").
std::string DotQuote(std::string_view text);

// The key property of a relationship shown under its type: an amount as
// "$500B", else a date; empty when there is none.
std::string KeyPropertyText(const Properties& props);

}  // namespace kg::graph
