// Entity lookup by the name a user types: exact names and aliases (after
// NormalizeName), "#ID" for a node id, and close-name suggestions when
// nothing matches. Used by `kg path` and `kg show`.
#pragma once

#include <string>
#include <vector>

#include "graph/store.h"

namespace kg::graph {

struct NameMatch {
  std::vector<NodeId> nodes;             // ascending; several = ambiguous
  std::vector<std::string> suggestions;  // when `nodes` is empty: closest known names, best first
};

// Nodes whose name equals `text` or that have it as an alias (compared after
// NormalizeName); "#123" names node 123 when nothing else matches; failing
// that, nodes whose name equals `text` after NormalizeName (a scan). With no
// match, up to `max_suggestions` known names or aliases closest to `text`
// (edit distance on normalized forms, then containment), best first.
NameMatch FindEntity(const Store& store, const std::string& text, size_t max_suggestions = 3);

// A short display name: the `name` property, else "#id".
std::string DisplayName(const Node& node);

}  // namespace kg::graph
