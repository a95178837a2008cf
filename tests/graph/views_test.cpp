// GraphView: neighbours, degrees, labels, reachability and shortest paths on
// small graphs, checked against a brute-force search; the sidecar cache is
// reused, invalidated by writes, and rebuilt when corrupt.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "graph/views.h"
#include "tests/test_util.h"

using namespace kg::graph;
using kg::testing::TempDir;

namespace {

// All simple-or-not walks of exactly `len` hops from a to b, as relationship
// id sequences, by exhaustive enumeration over the store (the reference).
void Walks(const Store& store, NodeId at, NodeId to, Direction dir, int len,
           const std::set<std::string>& types, std::vector<RelId>& prefix,
           std::set<std::vector<RelId>>& out) {
  if (len == 0) {
    if (at == to) out.insert(prefix);
    return;
  }
  for (const auto& e : store.EdgesOf(at, dir)) {
    if (!types.empty() && !types.count(e.type)) continue;
    prefix.push_back(e.id);
    Walks(store, e.other, to, dir, len - 1, types, prefix, out);
    prefix.pop_back();
  }
}

// Shortest walks by brute force: the smallest len with any walk.
std::set<std::vector<RelId>> ShortestByBruteForce(const Store& store, NodeId a, NodeId b,
                                                  Direction dir, int max_hops,
                                                  const std::set<std::string>& types = {}) {
  for (int len = 0; len <= max_hops; ++len) {
    std::set<std::vector<RelId>> out;
    std::vector<RelId> prefix;
    Walks(store, a, b, dir, len, types, prefix, out);
    if (!out.empty()) return out;
  }
  return {};
}

// Checks that `p` is a real path from a to b following `dir`.
void CheckPathIsValid(const Store& store, const Path& p, NodeId a, NodeId b, Direction dir) {
  REQUIRE(p.nodes.size() == p.rels.size() + 1);
  CHECK(p.nodes.front() == a);
  CHECK(p.nodes.back() == b);
  for (size_t i = 0; i < p.rels.size(); ++i) {
    auto rel = store.GetRelationship(p.rels[i]);
    REQUIRE(rel);
    bool forward = rel->start == p.nodes[i] && rel->end == p.nodes[i + 1];
    bool backward = rel->end == p.nodes[i] && rel->start == p.nodes[i + 1];
    if (dir == Direction::kOut) CHECK(forward);
    if (dir == Direction::kIn) CHECK(backward);
    if (dir == Direction::kBoth) CHECK((forward || backward));
  }
}

struct Fixture {
  TempDir tmp;
  std::string db = tmp.File("kg.db");
  Store store{db, Store::Mode::kReadWrite};
  std::map<std::string, NodeId> id;

  NodeId N(const std::string& name, std::vector<std::string> labels = {"Thing"}) {
    return id[name] = store.CreateNode(labels, {{"name", Value(name)}});
  }
  RelId R(const std::string& a, const std::string& b, const std::string& type = "LINK") {
    return store.CreateRelationship(id.at(a), id.at(b), type, {});
  }
};

}  // namespace

TEST_CASE("neighbours follow direction and type, a self-loop is listed once", "[graph][views]") {
  Fixture f;
  f.N("a", {"Person"});
  f.N("b", {"Organization", "Bank"});
  f.N("c");
  RelId ab = f.R("a", "b", "WORKS_AT");
  RelId ca = f.R("c", "a", "KNOWS");
  RelId aa = f.R("a", "a", "KNOWS");
  RelId ab2 = f.R("a", "b", "FUNDS");
  auto view = GraphView::Build(f.store);
  NodeId a = f.id["a"];

  auto both = view->Neighbours(a, Direction::kBoth);
  std::vector<RelId> rels;
  for (const auto& n : both) rels.push_back(n.rel);
  CHECK(rels == std::vector<RelId>{ab, ca, aa, ab2});
  CHECK(both[1].node == f.id["c"]);
  CHECK_FALSE(both[1].outgoing);
  CHECK(view->type_names()[both[0].type] == "WORKS_AT");

  // The same adjacency as the store reports, in every direction.
  for (Direction dir : {Direction::kOut, Direction::kIn, Direction::kBoth}) {
    for (NodeId n : f.store.AllNodeIds()) {
      auto expected = f.store.EdgesOf(n, dir);
      auto got = view->Neighbours(n, dir);
      REQUIRE(got.size() == expected.size());
      CHECK(view->Degree(n, dir) == expected.size());
      for (size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].rel == expected[i].id);
        CHECK(got[i].node == expected[i].other);
        CHECK(got[i].outgoing == expected[i].outgoing);
        CHECK(view->type_names()[got[i].type] == expected[i].type);
      }
    }
  }
  auto knows = view->Types({"KNOWS"});
  CHECK(view->Degree(a, Direction::kOut, knows) == 1);
  CHECK(view->Degree(a, Direction::kBoth, knows) == 2);
  CHECK(view->Neighbours(a, Direction::kOut, view->Types({"NO_SUCH_TYPE"})).empty());
  CHECK(view->Neighbours(424242, Direction::kBoth).empty());

  CHECK(view->NodesWithLabel("Bank") == std::vector<NodeId>{f.id["b"]});
  CHECK(view->NodesWithLabel("Thing") == std::vector<NodeId>{f.id["c"]});
  CHECK(view->NodesWithLabel("Nope").empty());
  auto vb = view->IndexOf(f.id["b"]);
  REQUIRE(vb);
  CHECK(view->HasLabel(*vb, *view->LabelOf("Organization")));
  CHECK_FALSE(view->HasLabel(*vb, *view->LabelOf("Person")));
}

TEST_CASE("the view carries the name column, NULL where the name is not a string", "[graph][views]") {
  Fixture f;
  f.N("alpha");
  f.N("");
  f.N("Zoé « ß »");
  NodeId numbered = f.store.CreateNode({"Thing"}, {{"name", Value(int64_t{7})}});
  NodeId unnamed = f.store.CreateNode({"Thing"}, {});
  f.R("alpha", "Zoé « ß »");
  for (bool cached : {false, true}) {
    INFO("from the cache file: " << cached);
    auto view = cached ? GraphView::Open(f.store) : GraphView::Build(f.store);
    if (cached) view = GraphView::Open(f.store);  // the second Open maps the file
    CHECK(view->source() == (cached ? ViewSource::kCache : ViewSource::kBuiltInMemory));
    auto name = [&](NodeId id) { return view->NameOf(*view->IndexOf(id)); };
    CHECK(name(f.id["alpha"]) == std::optional<std::string_view>("alpha"));
    CHECK(name(f.id[""]) == std::optional<std::string_view>(""));
    CHECK(name(f.id["Zoé « ß »"]) == std::optional<std::string_view>("Zoé « ß »"));
    CHECK_FALSE(name(numbered));
    CHECK_FALSE(name(unnamed));
  }
}

TEST_CASE("shortest paths respect direction, types, max hops and unreachable nodes",
          "[graph][views]") {
  Fixture f;
  for (const char* n : {"a", "b", "c", "d", "e", "lonely"}) f.N(n);
  // a -> b -> c -> d, plus d -> a, plus a shortcut a -[FAST]-> c and e -> d.
  f.R("a", "b");
  f.R("b", "c");
  f.R("c", "d");
  f.R("d", "a");
  RelId fast = f.R("a", "c", "FAST");
  f.R("e", "d");
  auto view = GraphView::Build(f.store);
  auto a = f.id["a"], c = f.id["c"], d = f.id["d"], e = f.id["e"];

  auto p = view->ShortestPath(a, d, Direction::kOut, 6);
  REQUIRE(p);
  CHECK(p->length() == 2);
  CHECK(p->rels.front() == fast);
  CheckPathIsValid(f.store, *p, a, d, Direction::kOut);

  // Without FAST the path is three hops; with max 2 hops there is none.
  auto link = view->Types({"LINK"});
  auto q = view->ShortestPath(a, d, Direction::kOut, 6, link);
  REQUIRE(q);
  CHECK(q->length() == 3);
  CHECK_FALSE(view->ShortestPath(a, d, Direction::kOut, 2, link));

  // d -> a is one hop out, but a to d going "in" is also one hop.
  CHECK(view->ShortestPath(d, a, Direction::kOut, 6)->length() == 1);
  auto back = view->ShortestPath(a, d, Direction::kIn, 6);
  REQUIRE(back);
  CHECK(back->length() == 1);
  CheckPathIsValid(f.store, *back, a, d, Direction::kIn);

  // e is reachable only by ignoring direction.
  CHECK_FALSE(view->ShortestPath(a, e, Direction::kOut, 6));
  auto und = view->ShortestPath(a, e, Direction::kBoth, 6);
  REQUIRE(und);
  CHECK(und->length() == 2);
  CheckPathIsValid(f.store, *und, a, e, Direction::kBoth);

  CHECK_FALSE(view->ShortestPath(a, f.id["lonely"], Direction::kBoth, 6));
  CHECK_FALSE(view->ShortestPath(a, 999999, Direction::kBoth, 6));
  auto self = view->ShortestPath(c, c, Direction::kOut, 6);
  REQUIRE(self);
  CHECK(self->length() == 0);
  CHECK(self->nodes == std::vector<NodeId>{c});
}

TEST_CASE("all shortest paths count parallel relationships as distinct paths", "[graph][views]") {
  Fixture f;
  for (const char* n : {"s", "x", "y", "t"}) f.N(n);
  // s => x (two parallel), s -> y, x -> t, y -> t, plus a self-loop on x.
  f.R("s", "x");
  f.R("s", "x");
  f.R("s", "y");
  f.R("x", "t");
  f.R("y", "t");
  f.R("x", "x");
  auto view = GraphView::Build(f.store);
  auto s = f.id["s"], t = f.id["t"];
  auto paths = view->AllShortestPaths(s, t, Direction::kOut, 6);
  CHECK(paths.size() == 3);
  std::set<std::vector<RelId>> got;
  for (const auto& p : paths) {
    CheckPathIsValid(f.store, p, s, t, Direction::kOut);
    got.insert(p.rels);
  }
  CHECK(got == ShortestByBruteForce(f.store, s, t, Direction::kOut, 6));
  CHECK(std::is_sorted(paths.begin(), paths.end(),
                       [](const Path& x, const Path& y) { return x.rels < y.rels; }));
  CHECK(view->AllShortestPaths(s, t, Direction::kOut, 6, {}, 2).size() == 2);
  CHECK(view->AllShortestPaths(s, t, Direction::kOut, 1).empty());
  CHECK(view->AllShortestPaths(t, s, Direction::kOut, 6).empty());
  CHECK(view->AllShortestPaths(t, s, Direction::kBoth, 6).size() == 3);
}

TEST_CASE("shortest paths agree with brute force on random graphs", "[graph][views]") {
  auto seed = GENERATE(1u, 2u, 3u, 4u, 5u);
  Fixture f;
  std::mt19937 rng(seed);
  const int kNodes = 12, kRels = 20;
  for (int i = 0; i < kNodes; ++i) f.N("n" + std::to_string(i));
  const char* kTypes[] = {"A", "B"};
  for (int i = 0; i < kRels; ++i)
    f.R("n" + std::to_string(rng() % kNodes), "n" + std::to_string(rng() % kNodes),
        kTypes[rng() % 2]);
  auto view = GraphView::Build(f.store);
  for (Direction dir : {Direction::kOut, Direction::kIn, Direction::kBoth}) {
    for (const std::set<std::string>& types : {std::set<std::string>{}, {"A"}}) {
      auto filter = view->Types({types.begin(), types.end()});
      for (int i = 0; i < kNodes; ++i) {
        for (int j = 0; j < kNodes; ++j) {
          NodeId a = f.id["n" + std::to_string(i)], b = f.id["n" + std::to_string(j)];
          auto expected = ShortestByBruteForce(f.store, a, b, dir, 4, types);
          auto one = view->ShortestPath(a, b, dir, 4, filter);
          auto all = view->AllShortestPaths(a, b, dir, 4, filter);
          INFO("seed " << seed << " from n" << i << " to n" << j);
          REQUIRE(one.has_value() == !expected.empty());
          if (!one) {
            CHECK(all.empty());
            continue;
          }
          CHECK(expected.count(one->rels) == 1);
          CheckPathIsValid(f.store, *one, a, b, dir);
          std::set<std::vector<RelId>> got;
          for (const auto& p : all) got.insert(p.rels);
          CHECK(got == expected);
          CHECK(got.size() == all.size());
        }
      }
    }
  }
}

TEST_CASE("reachability visits each node once within the hop limit", "[graph][views]") {
  Fixture f;
  for (const char* n : {"a", "b", "c", "d", "e"}) f.N(n);
  f.R("a", "b");
  f.R("a", "b");
  f.R("b", "c");
  f.R("a", "c");
  f.R("c", "d");
  f.R("d", "e");
  f.R("e", "a");
  auto view = GraphView::Build(f.store);
  auto reached = view->Reachable(f.id["a"], Direction::kOut, 2);
  std::map<NodeId, int> dist;
  for (const auto& [node, d] : reached) CHECK(dist.emplace(node, d).second);
  CHECK(dist == std::map<NodeId, int>{{f.id["a"], 0}, {f.id["b"], 1}, {f.id["c"], 1},
                                      {f.id["d"], 2}});
  CHECK(view->Reachable(f.id["a"], Direction::kOut, 0).size() == 1);
  CHECK(view->Reachable(f.id["a"], Direction::kOut, 10).size() == 5);
  CHECK(view->Reachable(f.id["a"], Direction::kIn, 1).size() == 2);
}

TEST_CASE("the view cache is reused, invalidated by a write, and ignored when unwritable",
          "[graph][views]") {
  Fixture f;
  f.N("a");
  f.N("b");
  f.R("a", "b");
  std::string cache = GraphView::CachePath(f.db);
  {
    auto view = GraphView::Open(f.store);
    CHECK(view->source() == ViewSource::kBuiltAndCached);
    CHECK(std::filesystem::exists(cache));
  }
  {
    auto view = GraphView::Open(f.store);
    CHECK(view->source() == ViewSource::kCache);
    CHECK(view->num_relationships() == 1);
    CHECK(view->ShortestPath(f.id["a"], f.id["b"], Direction::kOut, 3)->length() == 1);
  }
  // A write bumps the graph version: the old cache must not be used.
  f.N("c");
  f.R("b", "c");
  {
    auto view = GraphView::Open(f.store);
    CHECK(view->source() == ViewSource::kBuiltAndCached);
    CHECK(view->num_nodes() == 3);
    CHECK(view->ShortestPath(f.id["a"], f.id["c"], Direction::kOut, 3)->length() == 2);
  }
  // A second process (another connection, read-only) sees the same cache.
  {
    Store reader(f.db, Store::Mode::kReadOnly);
    auto view = GraphView::Open(reader);
    CHECK(view->source() == ViewSource::kCache);
    CHECK(view->num_relationships() == 2);
  }
  // Same version number but a different database file (deleted and
  // recreated): the file identity or the ids must reject the old cache.
  auto copy = f.tmp.File("copy.db");
  {
    Store other(copy, Store::Mode::kReadWrite);
    other.CreateNode({"X"}, {});
    std::filesystem::copy_file(cache, GraphView::CachePath(copy));
    auto view = GraphView::Open(other);
    CHECK(view->source() == ViewSource::kBuiltAndCached);
    CHECK(view->num_nodes() == 1);
  }
}

TEST_CASE("a corrupt or truncated view cache is detected and rebuilt", "[graph][views]") {
  Fixture f;
  for (int i = 0; i < 50; ++i) f.N("n" + std::to_string(i));
  for (int i = 0; i + 1 < 50; ++i) f.R("n" + std::to_string(i), "n" + std::to_string(i + 1));
  std::string cache = GraphView::CachePath(f.db);
  GraphView::Open(f.store);
  std::string good = kg::testing::ReadFile(cache);
  REQUIRE(good.size() > 1000);

  // The header, an early array, the middle, and the last bytes of the file.
  auto offset = GENERATE(0, 40, 700, -2000, -8, -1);
  std::string bad = good;
  size_t pos = offset >= 0 ? static_cast<size_t>(offset) : good.size() + offset;
  bad[pos] = static_cast<char>(bad[pos] ^ 0x20);
  kg::testing::WriteFile(cache, bad);
  INFO("flipped byte " << pos);
  // Either Open refuses the file at once, or the first call that reads the
  // damaged part throws and removes it; a second Open then rebuilds it.
  bool detected = false;
  {
    auto view = GraphView::Open(f.store);
    if (view->source() == ViewSource::kBuiltAndCached) {
      detected = true;
    } else {
      try {
        view->ShortestPath(f.id["n0"], f.id["n49"], Direction::kOut, 60);
        view->NodesWithLabel("Thing");
        for (VertexIndex v = 0; v < view->num_nodes(); ++v) {
          view->LabelsOf(v);
          view->NameOf(v);
        }
      } catch (const ViewCacheError&) {
        detected = true;
        CHECK_FALSE(std::filesystem::exists(cache));
      }
    }
  }
  CHECK(detected);
  {
    auto view = GraphView::Open(f.store);
    CHECK(view->ShortestPath(f.id["n0"], f.id["n49"], Direction::kOut, 60)->length() == 49);
  }
  CHECK(kg::testing::ReadFile(cache) == good);

  kg::testing::WriteFile(cache, good.substr(0, good.size() / 2));
  CHECK(GraphView::Open(f.store)->source() == ViewSource::kBuiltAndCached);
  kg::testing::WriteFile(cache, "");
  CHECK(GraphView::Open(f.store)->source() == ViewSource::kBuiltAndCached);
  CHECK(GraphView::Open(f.store)->source() == ViewSource::kCache);
}

TEST_CASE("a view whose cache cannot be written is built in memory", "[graph][views]") {
  Fixture f;
  f.N("a");
  f.N("b");
  f.R("a", "b", "T");
  // A non-empty directory where the cache file should go: neither readable
  // as a cache nor replaceable by rename(2), whoever runs the test.
  std::string cache = GraphView::CachePath(f.db);
  std::filesystem::create_directories(cache);
  kg::testing::WriteFile(cache + "/keep", "x");
  auto view = GraphView::Open(f.store);
  CHECK(view->source() == ViewSource::kBuiltInMemory);
  CHECK(view->ShortestPath(f.id["a"], f.id["b"], Direction::kOut, 1)->length() == 1);
  CHECK(std::filesystem::is_directory(cache));
  for (const auto& entry : std::filesystem::directory_iterator(f.tmp.path()))
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
}

TEST_CASE("a view opened inside a write transaction sees its writes and is not cached",
          "[graph][views]") {
  Fixture f;
  f.N("a");
  f.N("b");
  std::string cache = GraphView::CachePath(f.db);
  {
    Store::WriteTxn txn(f.store);
    f.R("a", "b");
    auto view = GraphView::Open(f.store);
    CHECK(view->source() == ViewSource::kBuiltInMemory);
    CHECK(view->num_relationships() == 1);
    CHECK_FALSE(std::filesystem::exists(cache));
  }  // rolled back
  auto view = GraphView::Open(f.store);
  CHECK(view->num_relationships() == 0);
  CHECK(view->source() == ViewSource::kBuiltAndCached);
}

TEST_CASE("a view opened inside a read-only transaction comes from the cache", "[graph][views]") {
  Fixture f;
  f.N("a");
  f.N("b");
  f.R("a", "b");
  CHECK(GraphView::Open(f.store)->source() == ViewSource::kBuiltAndCached);
  Transaction txn(f.store.db(), false);
  CHECK(f.store.NodeExists(f.id["a"]));  // the transaction has read
  auto view = GraphView::Open(f.store);
  CHECK(view->source() == ViewSource::kCache);
  CHECK(view->num_relationships() == 1);
}
