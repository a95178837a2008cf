// kg_view_bench: runs the benchmark queries of /work/shared/bench/queries.json
// as direct GraphView/Store calls (no query language), so the traversal
// primitives can be timed apart from the query engine. Used by
// tools/bench.d/query; prints one JSON object per query on stdout.
//
//   kg_view_bench --db DB --data DATADIR [--query Q3] [--reps 5] [--no-warmup]
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "graph/store.h"
#include "graph/views.h"

namespace {

using namespace kg::graph;
using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Inputs {
  nlohmann::json params;
  std::vector<std::pair<std::string, std::string>> pairs;
};

Inputs ReadInputs(const std::string& dir) {
  Inputs in;
  std::ifstream params(dir + "/params.json");
  if (!params) throw kg::Error("cannot read " + dir + "/params.json");
  params >> in.params;
  std::ifstream pairs(dir + "/pairs.txt");
  std::string line;
  while (std::getline(pairs, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string a, b;
    fields >> a >> b;
    in.pairs.emplace_back(a, b);
  }
  return in;
}

class Bench {
 public:
  Bench(const Store& store, const GraphView& view, const Inputs& in)
      : store_(store), view_(view), in_(in), name_of_(store.db(), "SELECT name FROM nodes WHERE id=?1") {}

  std::string Run(const std::string& query) {
    if (query == "Q1") return Q1();
    if (query == "Q2") return Q2();
    if (query == "Q3") return Q3();
    if (query == "Q4") return Q4();
    if (query == "Q5") return Pairs(Direction::kBoth);
    if (query == "Q5b") return Pairs(Direction::kOut);
    if (query == "Q6") return Q6();
    if (query == "Q7") return Q7();
    throw kg::Error("unknown query " + query);
  }

 private:
  std::string Param(const char* key) const { return in_.params.at(key).get<std::string>(); }

  // The one node named `name` (the generator's names are unique).
  NodeId Named(const std::string& name) const {
    auto ids = store_.NodesNamed(name);
    if (ids.empty()) throw kg::Error("no node named " + name);
    return ids.front();
  }

  std::string NameOf(NodeId id) const {
    name_of_.Bind(1, id);
    name_of_.Step();
    std::string name = name_of_.ColumnText(0);
    name_of_.Reset();
    return name;
  }

  // MATCH (n {name: $name}) RETURN n.id, labels(n)[0]
  std::string Q1() const {
    auto node = store_.GetNode(Named(Param("name")));
    return std::to_string(node->props.at("id").as_int()) + "|" + node->labels.front();
  }

  // MATCH (h {name: $hub})-[e]->(n) WHERE type(e) = $type RETURN n.name
  std::string Q2() const {
    std::vector<std::string> names;
    for (const auto& n : view_.Neighbours(Named(Param("hub")), Direction::kOut,
                                          view_.Types({Param("type")})))
      names.push_back(NameOf(n.node));
    std::sort(names.begin(), names.end());
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) out += (i ? "\n" : "") + names[i];
    return out;
  }

  // MATCH (a {name: $name})-->()-->(c) WHERE c <> a RETURN count(DISTINCT c)
  std::string Q3() const {
    VertexIndex a = *view_.IndexOf(Named(Param("mid")));
    auto out = view_.out();
    std::vector<VertexIndex> ends;
    for (uint64_t p = out.offsets[a]; p < out.offsets[a + 1]; ++p) {
      VertexIndex b = out.nodes[p];
      for (uint64_t q = out.offsets[b]; q < out.offsets[b + 1]; ++q)
        if (out.nodes[q] != a) ends.push_back(out.nodes[q]);
    }
    std::sort(ends.begin(), ends.end());
    return std::to_string(std::unique(ends.begin(), ends.end()) - ends.begin());
  }

  // MATCH (a {name: $name})-[*1..3]->(c) WHERE c <> a RETURN count(DISTINCT c)
  std::string Q4() const {
    auto reached = view_.Reachable(Named(Param("mid3")), Direction::kOut, 3);
    return std::to_string(reached.size() - 1);
  }

  // shortestPath((a)-[*..6]-(b)) per pair; -1 when none.
  std::string Pairs(Direction dir) const {
    std::string out;
    for (const auto& [a, b] : in_.pairs) {
      auto path = view_.ShortestPath(Named(a), Named(b), dir, 6);
      out += (out.empty() ? "" : ",") + std::to_string(path ? static_cast<int64_t>(path->length()) : -1);
    }
    return out;
  }

  // MATCH (n)--() RETURN n.name, count(*) AS deg ORDER BY deg DESC, name LIMIT 10
  std::string Q6() const {
    size_t n = view_.num_nodes();
    auto out = view_.out(), in = view_.in();
    std::vector<uint64_t> degree(n);
    for (size_t v = 0; v < n; ++v)
      degree[v] = out.offsets[v + 1] - out.offsets[v] + in.offsets[v + 1] - in.offsets[v];
    // Every node whose degree reaches the 10th largest may be in the top 10
    // once ties are broken by name.
    std::vector<uint64_t> sorted = degree;
    size_t k = std::min<size_t>(10, n);
    if (k == 0) return "";
    std::nth_element(sorted.begin(), sorted.begin() + (k - 1), sorted.end(), std::greater<>());
    uint64_t threshold = sorted[k - 1];
    std::vector<std::pair<uint64_t, std::string>> top;
    for (size_t v = 0; v < n; ++v)
      if (degree[v] >= threshold && degree[v] > 0)
        top.emplace_back(degree[v], NameOf(view_.IdOf(static_cast<VertexIndex>(v))));
    std::sort(top.begin(), top.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    std::string text;
    for (size_t i = 0; i < top.size() && i < 10; ++i)
      text += (i ? "\n" : "") + top[i].second + "|" + std::to_string(top[i].first);
    return text;
  }

  // MATCH (:Person)-[:SAID]->(:Quote)-[:ABOUT]->(:Organization)<-[:FUNDS]-(:Organization)
  // RETURN count(*), by multiplying per-node counts (as the igraph peer does).
  std::string Q7() const {
    auto person = view_.LabelOf("Person"), quote = view_.LabelOf("Quote"),
         org = view_.LabelOf("Organization");
    auto said = view_.TypeOf("SAID"), about = view_.TypeOf("ABOUT"), funds = view_.TypeOf("FUNDS");
    if (!person || !quote || !org || !said || !about || !funds) return "0";
    auto in = view_.in(), out = view_.out();
    auto count_in = [&](VertexIndex v, TypeId type, LabelId from_label) {
      uint64_t c = 0;
      for (uint64_t p = in.offsets[v]; p < in.offsets[v + 1]; ++p)
        c += in.types[p] == type && view_.HasLabel(in.nodes[p], from_label);
      return c;
    };
    // FUNDS in-degree from organizations, once per organization.
    std::vector<int64_t> funders_of(view_.num_nodes(), -1);
    int64_t total = 0;
    for (NodeId q : view_.NodesWithLabel("Quote")) {
      VertexIndex qv = *view_.IndexOf(q);
      uint64_t speakers = count_in(qv, *said, *person);
      if (speakers == 0) continue;
      uint64_t funders = 0;
      for (uint64_t p = out.offsets[qv]; p < out.offsets[qv + 1]; ++p) {
        VertexIndex o = out.nodes[p];
        if (out.types[p] != *about || !view_.HasLabel(o, *org)) continue;
        if (funders_of[o] < 0) funders_of[o] = static_cast<int64_t>(count_in(o, *funds, *org));
        funders += static_cast<uint64_t>(funders_of[o]);
      }
      total += static_cast<int64_t>(speakers * funders);
    }
    return std::to_string(total);
  }

  const Store& store_;
  const GraphView& view_;
  const Inputs& in_;
  mutable Statement name_of_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Times the benchmark queries as direct GraphView calls", "kg_view_bench"};
  std::string db, data, only;
  int reps = 5;
  bool no_warmup = false;
  app.add_option("--db", db, "kg database")->required();
  app.add_option("--data", data, "benchmark data directory (params.json, pairs.txt)")->required();
  app.add_option("--query", only, "run only this query id");
  app.add_option("--reps", reps, "timed repetitions (after one warm-up)");
  app.add_flag("--no-warmup", no_warmup, "time the first execution (cold)");
  CLI11_PARSE(app, argc, argv);
  try {
    auto t0 = Clock::now();
    Store store(db, Store::Mode::kReadOnly);
    double open_store_ms = MsSince(t0);
    t0 = Clock::now();
    auto view = GraphView::Open(store);
    double open_view_ms = MsSince(t0);
    const char* source = view->source() == ViewSource::kCache          ? "cache"
                         : view->source() == ViewSource::kBuiltAndCached ? "built+cached"
                                                                         : "built";
    Inputs in = ReadInputs(data);
    Bench bench(store, *view, in);
    for (const char* q : {"Q1", "Q2", "Q3", "Q4", "Q5", "Q5b", "Q6", "Q7"}) {
      if (!only.empty() && only != q) continue;
      if (!no_warmup) bench.Run(q);
      std::vector<double> times;
      std::string result;
      for (int r = 0; r < std::max(reps, 1); ++r) {
        auto start = Clock::now();
        result = bench.Run(q);
        times.push_back(MsSince(start));
      }
      nlohmann::json line = {{"query", q},         {"times_ms", times},
                             {"result", result},   {"open_store_ms", open_store_ms},
                             {"open_view_ms", open_view_ms}, {"view_source", source},
                             {"nodes", view->num_nodes()}, {"relationships", view->num_relationships()}};
      std::cout << line.dump() << "\n" << std::flush;
    }
  } catch (const std::exception& e) {
    std::cerr << "kg_view_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
