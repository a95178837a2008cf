// Entity lookup: exact matches through the store's indexes; suggestions by a
// scan of names and aliases, which runs only when nothing matched.
#include "graph/lookup.h"

#include <algorithm>
#include <map>
#include <set>

#include "graph/normalize.h"

namespace kg::graph {

std::string DisplayName(const Node& node) {
  auto it = node.props.find("name");
  if (it != node.props.end() && it->second.is_string()) return it->second.as_string();
  return "#" + std::to_string(node.id);
}

NameMatch FindEntity(const Store& store, const std::string& text, size_t max_suggestions) {
  NameMatch match;
  std::set<NodeId> ids;
  for (NodeId id : store.NodesNamed(text)) ids.insert(id);
  for (NodeId id : store.FindByAlias(text)) ids.insert(id);
  if (ids.empty() && text.size() > 1 && text[0] == '#' &&
      text.find_first_not_of("0123456789", 1) == std::string::npos && text.size() < 19) {
    NodeId id = std::stoll(text.substr(1));
    if (store.NodeExists(id)) ids.insert(id);
  }
  match.nodes.assign(ids.begin(), ids.end());
  if (!match.nodes.empty()) return match;

  std::string wanted = NormalizeName(text);
  if (wanted.empty()) return match;
  // No exact match: a name equal after normalization ("sam altman") is a
  // match; otherwise every distinct name and alias is a candidate suggestion.
  std::map<std::string, std::string> known;  // display text -> normalized
  std::set<NodeId> loose;
  {
    Statement st(store.db(), "SELECT id, name FROM nodes WHERE name IS NOT NULL ORDER BY id");
    while (st.Step()) {
      std::string shown = st.ColumnText(1);
      auto it = known.find(shown);
      if (it == known.end()) it = known.emplace(shown, NormalizeName(shown)).first;
      if (it->second == wanted) loose.insert(st.ColumnInt(0));
    }
  }
  if (!loose.empty() || max_suggestions == 0) {
    match.nodes.assign(loose.begin(), loose.end());
    return match;
  }
  {
    Statement st(store.db(), "SELECT DISTINCT alias FROM aliases");
    while (st.Step()) {
      std::string shown = st.ColumnText(0);
      if (!known.count(shown)) known.emplace(shown, NormalizeName(shown));
    }
  }
  size_t budget = std::max<size_t>(2, wanted.size() / 3);
  std::vector<std::tuple<size_t, int, std::string>> scored;
  for (const auto& [shown, norm] : known) {
    bool contained = norm.size() >= 3 && wanted.size() >= 3 &&
                     (norm.find(wanted) != std::string::npos || wanted.find(norm) != std::string::npos);
    size_t distance = EditDistance(wanted, norm);
    if (distance <= budget || contained) scored.emplace_back(distance, contained ? 0 : 1, shown);
  }
  std::sort(scored.begin(), scored.end());
  for (size_t i = 0; i < scored.size() && i < max_suggestions; ++i)
    match.suggestions.push_back(std::get<2>(scored[i]));
  return match;
}

}  // namespace kg::graph
