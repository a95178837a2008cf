// CSV reading and bulk import: quoting, both header syntaxes, typed values,
// bad rows reported with FILE:LINE and nothing imported.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <map>
#include <set>
#include <tuple>

#include "graph/csv.h"
#include "graph/csv_import.h"
#include "graph/store.h"
#include "tests/test_util.h"

using kg::graph::CsvImportOptions;
using kg::graph::CsvReader;
using kg::graph::ImportCsv;
using kg::graph::ImportError;
using kg::graph::List;
using kg::graph::Store;
using kg::graph::Value;
using kg::testing::TempDir;
using kg::testing::WriteFile;

namespace {

std::vector<std::vector<std::string>> ReadAll(const std::string& path, std::vector<int64_t>* lines) {
  CsvReader reader(path);
  std::vector<std::vector<std::string>> rows;
  while (reader.Next()) {
    std::vector<std::string> row;
    for (const auto& f : reader.fields()) row.emplace_back(f.text);
    rows.push_back(row);
    if (lines) lines->push_back(reader.line());
  }
  return rows;
}

}  // namespace

TEST_CASE("CSV reader follows RFC 4180 quoting", "[graph][csv]") {
  TempDir tmp;
  std::string path = tmp.File("a.csv");
  WriteFile(path,
            "a,b,c\r\n"
            "\"x, y\",\"say \"\"hi\"\"\",plain\n"
            "\"multi\nline\",,\"\"\n"
            "\n"
            "\"été\",é\"\"\"\"x,last");
  // The last record is malformed (a quote inside an unquoted field).
  std::vector<int64_t> lines;
  CsvReader reader(path);
  std::vector<std::vector<std::string>> rows;
  auto read = [&] {
    while (reader.Next()) {
      std::vector<std::string> row;
      for (const auto& f : reader.fields()) row.emplace_back(f.text);
      rows.push_back(row);
      lines.push_back(reader.line());
    }
  };
  REQUIRE_THROWS_WITH(read(), Catch::Contains(path + ":6") && Catch::Contains("stray quote"));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == std::vector<std::string>{"a", "b", "c"});
  CHECK(rows[1] == std::vector<std::string>{"x, y", "say \"hi\"", "plain"});
  CHECK(rows[2] == std::vector<std::string>{"multi\nline", "", ""});
  CHECK(lines == std::vector<int64_t>{1, 2, 3});
}

TEST_CASE("CSV reader: quoted flag, trailing record without newline, unterminated quote",
          "[graph][csv]") {
  TempDir tmp;
  std::string path = tmp.File("b.csv");
  WriteFile(path, "\"\",x\n\"a\"\"b\",\"c\"");
  CsvReader reader(path);
  REQUIRE(reader.Next());
  CHECK(reader.fields()[0].quoted);
  CHECK(reader.fields()[0].text.empty());
  CHECK_FALSE(reader.fields()[1].quoted);
  REQUIRE(reader.Next());
  CHECK(reader.fields()[0].text == "a\"b");
  CHECK(reader.fields()[1].text == "c");
  CHECK_FALSE(reader.Next());

  WriteFile(path, "a,b\n\"open,c\n");
  CsvReader bad(path);
  REQUIRE(bad.Next());
  CHECK_THROWS_WITH(bad.Next(), Catch::Contains(path + ":2") && Catch::Contains("unterminated"));
}

TEST_CASE("AppendCsvField quotes only what needs it and reads back", "[graph][csv]") {
  std::string line;
  kg::graph::AppendCsvField(line, "plain");
  line += ',';
  kg::graph::AppendCsvField(line, "a,\"b\"\nc");
  line += ',';
  kg::graph::AppendCsvField(line, "", true);
  CHECK(line == "plain,\"a,\"\"b\"\"\nc\",\"\"");
  TempDir tmp;
  WriteFile(tmp.File("c.csv"), line + "\n");
  auto rows = ReadAll(tmp.File("c.csv"), nullptr);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == std::vector<std::string>{"plain", "a,\"b\"\nc", ""});
}

TEST_CASE("neo4j-admin headers import typed properties, labels and id spaces", "[graph][import]") {
  TempDir tmp;
  WriteFile(tmp.File("nodes.csv"),
            ":ID,:LABEL,name,amount_usd:float,n:int,big:long,ok:boolean,tags:string[],"
            "xs:int[],skip:IGNORE\n"
            "p1,Person;Speaker,\"Émilie \"\"Em\"\" Durand, Jr.\",1.5,3,9000000000,true,a;b;c,1;2,zz\n"
            "o1,Organization,\"Line1\nLine2\",,,,FALSE,\"\",,zz\n");
  WriteFile(tmp.File("rels.csv"),
            ":START_ID,:END_ID,:TYPE,amount_usd:double,since\n"
            "p1,o1,WORKS_AT,500000000000,2024-01-02\n"
            "o1,o1,SELF,,\n");
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  CsvImportOptions opt;
  opt.node_files = {tmp.File("nodes.csv")};
  opt.relationship_files = {tmp.File("rels.csv")};
  auto version = store.GraphVersion();
  auto stats = ImportCsv(store, opt);
  CHECK(stats.nodes == 2);
  CHECK(stats.relationships == 2);
  CHECK(store.GraphVersion() == version + 1);

  auto people = store.NodesWithLabel("Person");
  REQUIRE(people.size() == 1);
  auto p = *store.GetNode(people[0]);
  CHECK(p.labels == std::vector<std::string>{"Person", "Speaker"});
  CHECK(p.props.at("name") == Value("Émilie \"Em\" Durand, Jr."));
  CHECK(p.props.at("amount_usd") == Value(1.5));
  CHECK(p.props.at("n") == Value(int64_t{3}));
  CHECK(p.props.at("big") == Value(int64_t{9000000000}));
  CHECK(p.props.at("ok") == Value(true));
  CHECK(p.props.at("tags") == Value(List{"a", "b", "c"}));
  CHECK(p.props.at("xs") == Value(List{int64_t{1}, int64_t{2}}));
  CHECK(p.props.count("skip") == 0);
  CHECK(p.props.count("id") == 0);  // :ID without a name maps rows only
  CHECK(store.NodesNamed("Émilie \"Em\" Durand, Jr.") == people);

  auto orgs = store.NodesWithLabel("Organization");
  REQUIRE(orgs.size() == 1);
  auto o = *store.GetNode(orgs[0]);
  CHECK(o.props.at("name") == Value("Line1\nLine2"));
  CHECK(o.props.count("amount_usd") == 0);  // empty unquoted: no property
  CHECK(o.props.at("ok") == Value(false));
  CHECK(o.props.at("tags") == Value(List{}));

  auto edges = store.EdgesOf(people[0], kg::graph::Direction::kOut);
  REQUIRE(edges.size() == 1);
  auto r = *store.GetRelationship(edges[0].id);
  CHECK(r.type == "WORKS_AT");
  CHECK(r.end == orgs[0]);
  CHECK(r.props.at("amount_usd") == Value(5e11));
  CHECK(r.props.at("amount_usd").is_float());
  CHECK(r.props.at("since") == Value("2024-01-02"));
  CHECK(store.Check().empty());
}

TEST_CASE("plain benchmark files keep the file id as property id", "[graph][import]") {
  TempDir tmp;
  WriteFile(tmp.File("nodes.csv"), "id,label,name\n0,Organization,org_0\n7,Person,person_7\n");
  WriteFile(tmp.File("edges.csv"), "src,dst,type\n7,0,FOUNDED\n0,7,ABOUT\n");
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  CsvImportOptions opt;
  opt.node_files = {tmp.File("nodes.csv")};
  opt.relationship_files = {tmp.File("edges.csv")};
  ImportCsv(store, opt);
  auto person = store.NodesNamed("person_7");
  REQUIRE(person.size() == 1);
  auto node = *store.GetNode(person[0]);
  CHECK(node.props.at("id") == Value(int64_t{7}));
  CHECK(node.labels == std::vector<std::string>{"Person"});
  auto out = store.EdgesOf(person[0], kg::graph::Direction::kOut);
  REQUIRE(out.size() == 1);
  CHECK(out[0].type == "FOUNDED");
  CHECK(store.GetNode(out[0].other)->props.at("name") == Value("org_0"));
  // Relationships without properties store '{}', as every writer of the store does.
  kg::graph::Statement st(store.db(), "SELECT count(*) FROM rels WHERE props = '{}'");
  REQUIRE(st.Step());
  CHECK(st.ColumnInt(0) == 2);
}

TEST_CASE("bad rows are reported with file and line and nothing is imported",
          "[graph][import]") {
  TempDir tmp;
  auto nodes = tmp.File("nodes.csv"), rels = tmp.File("rels.csv");
  struct Case {
    std::string nodes, rels, where, message;
  };
  auto c = GENERATE(values<Case>({
      {":ID,name\na,A\n,B\n", ":START_ID,:END_ID,:TYPE\na,a,T\n", "nodes.csv:3", "missing node id"},
      {":ID,name\na,A\na,B\n", ":START_ID,:END_ID,:TYPE\na,a,T\n", "nodes.csv:3", "duplicate node id"},
      {":ID,n:int\na,1\nb,x2\n", ":START_ID,:END_ID,:TYPE\na,b,T\n", "nodes.csv:3", "is not a integer"},
      {":ID,name\na,A\nb,B,C\n", ":START_ID,:END_ID,:TYPE\na,b,T\n", "nodes.csv:3", "expected 2 fields"},
      {":ID,name\na,A\nb,B\n", ":START_ID,:END_ID,:TYPE\na,b,T\n\"multi\nline\",b,T\nb,zz,T\n",
       "rels.csv:5", "unknown end node id 'zz'"},
      {":ID,name\na,A\n", ":START_ID,:END_ID,:TYPE,w:float\na,a,T,1.5\na,a,T,heavy\n", "rels.csv:3",
       "'heavy' is not a float"},
      {":ID,ok:boolean\na,true\nb,yes\n", ":START_ID,:END_ID,:TYPE\n", "nodes.csv:3", "is not a boolean"},
      {"id,label,name\n1,A,a\n", "src,dst,type\n1,2,T\n", "rels.csv:2", "unknown end node id '2'"},
  }));
  CAPTURE(c.nodes, c.rels);
  WriteFile(nodes, c.nodes);
  WriteFile(rels, c.rels);
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  store.CreateNode({"Existing"}, {{"name", "kept"}});
  auto version = store.GraphVersion();
  CsvImportOptions opt;
  opt.node_files = {nodes};
  opt.relationship_files = {rels};
  try {
    ImportCsv(store, opt);
    FAIL("the import should have failed");
  } catch (const ImportError& e) {
    CHECK_THAT(e.what(), Catch::Contains(tmp.File(c.where)) && Catch::Contains(c.message));
  }
  auto stats = store.GetStats();
  CHECK(stats.nodes == 1);
  CHECK(stats.relationships == 0);
  CHECK(store.GraphVersion() == version);
  CHECK(store.Check().empty());
  // The store still works with foreign keys on after a failed import.
  CHECK_THROWS(store.CreateRelationship(1, 999, "T", {}));
}

TEST_CASE("every bad row is listed, not only the first", "[graph][import]") {
  TempDir tmp;
  WriteFile(tmp.File("n.csv"), ":ID,n:int\na,1\nb,x\nc,y\n");
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  CsvImportOptions opt;
  opt.node_files = {tmp.File("n.csv")};
  try {
    ImportCsv(store, opt);
    FAIL("should fail");
  } catch (const ImportError& e) {
    REQUIRE(e.problems().size() == 2);
    CHECK_THAT(e.problems()[0], Catch::StartsWith(tmp.File("n.csv") + ":3: "));
    CHECK_THAT(e.problems()[1], Catch::StartsWith(tmp.File("n.csv") + ":4: "));
  }
}

TEST_CASE("a header without the needed columns is refused", "[graph][import]") {
  TempDir tmp;
  WriteFile(tmp.File("n.csv"), "name,label\nx,A\n");
  WriteFile(tmp.File("r.csv"), ":START_ID,:TYPE\na,T\n");
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  CsvImportOptions opt;
  opt.node_files = {tmp.File("n.csv")};
  CHECK_THROWS_WITH(ImportCsv(store, opt), Catch::Contains("n.csv:1") && Catch::Contains("'id'"));
  opt.node_files = {};
  opt.relationship_files = {tmp.File("r.csv")};
  CHECK_THROWS_WITH(ImportCsv(store, opt), Catch::Contains("r.csv:1") && Catch::Contains(":END_ID"));
  WriteFile(tmp.File("n2.csv"), ":ID,:START_ID\na,b\n");
  opt.node_files = {tmp.File("n2.csv")};
  opt.relationship_files = {};
  CHECK_THROWS_WITH(ImportCsv(store, opt), Catch::Contains("n2.csv:1") &&
                                               Catch::Contains("does not belong in a nodes file"));
  WriteFile(tmp.File("n3.csv"), ":ID,x:ID\na,b\n");
  opt.node_files = {tmp.File("n3.csv")};
  CHECK_THROWS_WITH(ImportCsv(store, opt), Catch::Contains("more than one :ID column"));
  WriteFile(tmp.File("n4.csv"), ":ID,when:zoned\na,b\n");
  opt.node_files = {tmp.File("n4.csv")};
  CHECK_THROWS_WITH(ImportCsv(store, opt), Catch::Contains("unknown type in header column 'when:zoned'"));
  CHECK(store.GetStats().nodes == 0);
}

TEST_CASE("a big load (indexes rebuilt, rows sorted) imports every row as a small one does",
          "[graph][import]") {
  // Files over 64 KiB take the bulk path: node rows encoded without a property
  // map when they can be, relationships sorted by start node, rels_src_type
  // kept while the rows go in. Every row must still come out as written.
  TempDir tmp;
  const int kNodes = 3000, kRels = 9000;
  std::string nodes = ":ID,:LABEL,name,n:int,ok:boolean,note\n";
  struct Expected {
    std::vector<std::string> labels;
    kg::graph::Properties props;
  };
  std::map<int64_t, Expected> expected_nodes;  // by n
  for (int i = 0; i < kNodes; ++i) {
    Expected e;
    std::string name = i % 7 == 0 ? "Société \"" + std::to_string(i) + "\"" : "node_" + std::to_string(i);
    std::string name_field = i % 7 == 0 ? "\"Société \"\"" + std::to_string(i) + "\"\"\"" : name;
    std::string label = i % 3 == 0 ? "Person" : (i % 3 == 1 ? "Organization;Funder" : "");
    if (i % 3 == 0) e.labels = {"Person"};
    if (i % 3 == 1) e.labels = {"Funder", "Organization"};
    e.props["name"] = Value(name);
    e.props["n"] = Value(int64_t{i});
    std::string ok = i % 5 == 0 ? "" : (i % 2 ? "true" : "FALSE");
    if (!ok.empty()) e.props["ok"] = Value(i % 2 == 1);
    std::string note = i % 4 == 0 ? "" : (i % 4 == 1 ? "\"\"" : "n" + std::to_string(i));
    if (i % 4 == 1) e.props["note"] = Value("");
    if (i % 4 > 1) e.props["note"] = Value(note);
    nodes += "id" + std::to_string(i) + "," + label + "," + name_field + "," + std::to_string(i) +
             "," + ok + "," + note + "\n";
    expected_nodes[i] = e;
  }
  std::string rels = ":START_ID,:END_ID,:TYPE,w:int\n";
  std::multiset<std::tuple<int64_t, std::string, int64_t, std::string>> expected_rels;
  uint32_t seed = 7;
  for (int i = 0; i < kRels; ++i) {
    seed = seed * 1103515245u + 12345u;
    int a = i % 10 == 0 ? 42 : static_cast<int>((seed >> 8) % kNodes);  // one hub
    seed = seed * 1103515245u + 12345u;
    int b = static_cast<int>((seed >> 8) % kNodes);
    std::string type = i % 3 == 0 ? "FUNDS" : (i % 3 == 1 ? "ABOUT" : "PARTNER_OF");
    std::string w = i % 2 ? std::to_string(i) : "";
    rels += "id" + std::to_string(a) + ",id" + std::to_string(b) + "," + type + "," + w + "\n";
    expected_rels.emplace(a, type, b, w.empty() ? "{}" : "{\"w\":" + w + "}");
  }
  REQUIRE(rels.size() > (64 << 10));
  REQUIRE(nodes.size() > (64 << 10));
  WriteFile(tmp.File("nodes.csv"), nodes);
  WriteFile(tmp.File("rels.csv"), rels);

  auto new_file = GENERATE(true, false);
  CAPTURE(new_file);
  Store store(tmp.File(new_file ? "new.db" : "old.db"), Store::Mode::kReadWrite);
  kg::graph::NodeId before = 0;
  if (!new_file) {
    // An existing database: its rows stay, the new ids follow them.
    before = store.CreateNode({"Keep"}, {{"name", "kept"}});
    store.CreateRelationship(before, before, "SELF", {});
  }
  CsvImportOptions opt;
  opt.node_files = {tmp.File("nodes.csv")};
  opt.relationship_files = {tmp.File("rels.csv")};
  opt.new_file = new_file;
  auto stats = ImportCsv(store, opt);
  CHECK(stats.nodes == kNodes);
  CHECK(stats.relationships == kRels);

  std::map<kg::graph::NodeId, int64_t> n_of;
  int seen = 0;
  store.ForEachNode([&](const kg::graph::Node& node) {
    if (node.id == before) return;
    ++seen;
    int64_t n = node.props.at("n").as_int();
    n_of[node.id] = n;
    CHECK(node.id == before + 1 + n);  // file order
    CHECK(node.labels == expected_nodes.at(n).labels);
    CHECK(node.props == expected_nodes.at(n).props);
  });
  CHECK(seen == kNodes);
  CHECK(store.NodesNamed("Société \"7\"").size() == 1);

  std::multiset<std::tuple<int64_t, std::string, int64_t, std::string>> got;
  std::tuple<kg::graph::NodeId, std::string, kg::graph::NodeId> last{0, "", 0};
  store.ForEachRelationship([&](const kg::graph::Relationship& r) {
    if (r.type == "SELF") return;
    got.emplace(n_of.at(r.start), r.type, n_of.at(r.end), kg::graph::EncodeProperties(r.props));
    // Ids follow (start, type, end) order.
    std::tuple<kg::graph::NodeId, std::string, kg::graph::NodeId> key{r.start, r.type, r.end};
    CHECK(last <= key);
    last = key;
  });
  CHECK(got == expected_rels);
  CHECK(store.Check().empty());
  kg::graph::Statement indexes(store.db(),
                               "SELECT count(*) FROM sqlite_schema WHERE type='index' AND "
                               "name IN ('rels_src_type','rels_dst_type','nodes_name',"
                               "'node_labels_node')");
  REQUIRE(indexes.Step());
  CHECK(indexes.ColumnInt(0) == 4);
  kg::graph::Statement integrity(store.db(), "PRAGMA integrity_check");
  REQUIRE(integrity.Step());
  CHECK(integrity.ColumnText(0) == "ok");
}

TEST_CASE("a big load with one bad row at the end imports nothing", "[graph][import]") {
  TempDir tmp;
  std::string nodes = "id,label,name\n", rels = "src,dst,type\n";
  for (int i = 0; i < 5000; ++i)
    nodes += std::to_string(i) + ",Person,person_" + std::to_string(i) + "\n";
  for (int i = 0; i < 6000; ++i)
    rels += std::to_string(i % 5000) + "," + std::to_string((i * 7) % 5000) + ",KNOWS\n";
  rels += "12,5000,KNOWS\n";  // line 6002
  WriteFile(tmp.File("nodes.csv"), nodes);
  WriteFile(tmp.File("rels.csv"), rels);
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  CsvImportOptions opt;
  opt.node_files = {tmp.File("nodes.csv")};
  opt.relationship_files = {tmp.File("rels.csv")};
  CHECK_THROWS_WITH(ImportCsv(store, opt), Catch::Contains(tmp.File("rels.csv") + ":6002") &&
                                               Catch::Contains("unknown end node id '5000'"));
  auto stats = store.GetStats();
  CHECK(stats.nodes == 0);
  CHECK(stats.relationships == 0);
  CHECK(store.Check().empty());
  kg::graph::Statement indexes(store.db(),
                               "SELECT count(*) FROM sqlite_schema WHERE type='index' AND "
                               "name IN ('rels_src_type','rels_dst_type','nodes_name',"
                               "'node_labels_node')");
  REQUIRE(indexes.Step());
  CHECK(indexes.ColumnInt(0) == 4);
}

TEST_CASE("integer ids in two id spaces and two relationship files", "[graph][import]") {
  // The relationships are read while the nodes are parsed, keeping the file
  // ids; each file's ends are then looked up in their own id space.
  TempDir tmp;
  // Ids outside 0..2^32-1 (-5, 5000000000) take the usual path.
  WriteFile(tmp.File("people.csv"), ":ID(Person),name\n10,ann\n5,bob\n7,cy\n-5,dee\n5000000000,eve\n");
  WriteFile(tmp.File("orgs.csv"), ":ID(Org),name\n0,acme\n1,globex\n2,initech\n");
  WriteFile(tmp.File("works.csv"), ":START_ID(Person),:END_ID(Org),:TYPE\n10,2,WORKS_AT\n5,0,WORKS_AT\n");
  WriteFile(tmp.File("hires.csv"), ":START_ID(Org),:END_ID(Person),:TYPE\n1,7,HIRED\n2,10,HIRED\n");
  Store store(tmp.File("kg.db"), Store::Mode::kReadWrite);
  CsvImportOptions opt;
  opt.node_files = {tmp.File("people.csv"), tmp.File("orgs.csv")};
  opt.relationship_files = {tmp.File("works.csv"), tmp.File("hires.csv")};
  auto stats = ImportCsv(store, opt);
  CHECK(stats.nodes == 8);
  CHECK(stats.relationships == 4);
  std::multiset<std::tuple<std::string, std::string, std::string>> got;
  store.ForEachRelationship([&](const kg::graph::Relationship& r) {
    got.emplace(store.GetNode(r.start)->props.at("name").as_string(), r.type,
                store.GetNode(r.end)->props.at("name").as_string());
  });
  CHECK(got == std::multiset<std::tuple<std::string, std::string, std::string>>{
                   {"ann", "WORKS_AT", "initech"},
                   {"bob", "WORKS_AT", "acme"},
                   {"globex", "HIRED", "cy"},
                   {"initech", "HIRED", "ann"}});
  {
    WriteFile(tmp.File("far.csv"),
              ":START_ID(Org),:END_ID(Person),:TYPE\n0,-5,HIRED\n0,5000000000,HIRED\n");
    Store far(tmp.File("far.db"), Store::Mode::kReadWrite);
    opt.relationship_files = {tmp.File("far.csv")};
    CHECK(ImportCsv(far, opt).relationships == 2);
    std::multiset<std::string> ends;
    far.ForEachRelationship([&](const kg::graph::Relationship& r) {
      ends.insert(far.GetNode(r.end)->props.at("name").as_string());
    });
    CHECK(ends == std::multiset<std::string>{"dee", "eve"});
  }
  // An id of the other space is unknown here.
  WriteFile(tmp.File("bad.csv"), ":START_ID(Person),:END_ID(Org),:TYPE\n10,2,T\n0,2,T\n");
  Store other(tmp.File("other.db"), Store::Mode::kReadWrite);
  opt.relationship_files = {tmp.File("bad.csv")};
  CHECK_THROWS_WITH(ImportCsv(other, opt), Catch::Contains(tmp.File("bad.csv") + ":3") &&
                                               Catch::Contains("unknown start node id '0'"));
  CHECK(other.GetStats().nodes == 0);
}

TEST_CASE("a big load into an empty rels table builds rels_dst_type from sorted keys",
          "[graph][import]") {
  // rels_dst_type is then written from keys sorted in memory (a WITHOUT ROWID
  // table turned into the index) instead of by CREATE INDEX. It must hold
  // exactly CREATE INDEX's keys, in its order, with other connections seeing
  // it, on a journaled file with nodes already in it, and a later import on
  // top (rels not empty: CREATE INDEX again) must keep it right.
  TempDir tmp;
  const int kNodes = 2000, kRels = 12000;
  std::string nodes = "id,label,name\n";
  for (int i = 0; i < kNodes; ++i)
    nodes += std::to_string(i) + ",Thing,thing_" + std::to_string(i) + "\n";
  // Types whose byte order is not their first-seen order: a prefix of
  // another, lower and upper case, non-ASCII.
  const std::vector<std::string> types = {"b", "AB", "A", "\xc3\x89T\xc3\x89", "a", "Z_9"};
  std::string rels = "src,dst,type\n";
  uint32_t seed = 11;
  for (int i = 0; i < kRels; ++i) {
    seed = seed * 1103515245u + 12345u;
    int a = static_cast<int>((seed >> 8) % kNodes);
    seed = seed * 1103515245u + 12345u;
    int b = i % 9 == 0 ? 17 : static_cast<int>((seed >> 8) % kNodes);  // one hub end
    rels += std::to_string(a) + "," + std::to_string(b) + "," + types[(seed >> 4) % types.size()] +
            "\n";
  }
  REQUIRE(rels.size() > (64 << 10));
  WriteFile(tmp.File("nodes.csv"), nodes);
  WriteFile(tmp.File("rels.csv"), rels);
  const std::string db = tmp.File("kg.db");
  // (dst, type, id) of every row, read the way the index orders them and
  // from the table itself.
  auto index_keys = [](const Store& s) {
    std::vector<std::tuple<int64_t, std::string, int64_t>> keys;
    kg::graph::Statement st(s.db(),
                            "SELECT dst, type, id FROM rels INDEXED BY rels_dst_type "
                            "WHERE dst > 0 ORDER BY dst, type, id");
    while (st.Step()) keys.emplace_back(st.ColumnInt(0), st.ColumnText(1), st.ColumnInt(2));
    return keys;
  };
  auto table_keys = [](const Store& s) {
    std::vector<std::tuple<int64_t, std::string, int64_t>> keys;
    kg::graph::Statement st(s.db(), "SELECT dst, type, id FROM rels NOT INDEXED");
    while (st.Step()) keys.emplace_back(st.ColumnInt(0), st.ColumnText(1), st.ColumnInt(2));
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  {
    Store store(db, Store::Mode::kReadWrite);
    Store other(db, Store::Mode::kReadOnly);  // open before the import
    CHECK(other.GetStats().relationships == 0);
    store.CreateNode({"Before"}, {{"name", "before"}});  // node ids start at 2
    CsvImportOptions opt;
    opt.node_files = {tmp.File("nodes.csv")};
    opt.relationship_files = {tmp.File("rels.csv")};
    CHECK(ImportCsv(store, opt).relationships == kRels);
    CHECK(store.Check().empty());
    auto keys = index_keys(store);
    CHECK(keys.size() == static_cast<size_t>(kRels));
    CHECK(keys == table_keys(store));
    // The index serves lookups by end node, here and in the other connection.
    auto hub = store.NodesNamed("thing_17");
    REQUIRE(hub.size() == 1);
    auto in = store.EdgesOf(hub[0], kg::graph::Direction::kIn);
    size_t expected_in = 0;
    for (const auto& [dst, type, id] : keys) expected_in += dst == hub[0];
    CHECK(in.size() == expected_in);
    CHECK(in.size() >= static_cast<size_t>(kRels / 9));
    CHECK(other.EdgesOf(hub[0], kg::graph::Direction::kIn, "AB").size() ==
          store.EdgesOf(hub[0], kg::graph::Direction::kIn, "AB").size());
    CHECK(index_keys(other) == keys);
  }
  {
    // A connection that may not write its schema builds it by CREATE INDEX.
    Store store(tmp.File("defensive.db"), Store::Mode::kReadWrite);
    int on = 0;
    REQUIRE(sqlite3_db_config(store.db().handle(), SQLITE_DBCONFIG_DEFENSIVE, 1, &on) ==
            SQLITE_OK);
    REQUIRE(on == 1);
    CsvImportOptions opt;
    opt.node_files = {tmp.File("nodes.csv")};
    opt.relationship_files = {tmp.File("rels.csv")};
    CHECK(ImportCsv(store, opt).relationships == kRels);
    CHECK(store.Check().empty());
    CHECK(index_keys(store).size() == static_cast<size_t>(kRels));
    CHECK(index_keys(store) == table_keys(store));
  }
  {
    // A second load on top: the rows are not all of rels any more.
    Store store(db, Store::Mode::kReadWrite);
    WriteFile(tmp.File("nodes2.csv"), "id,label,name\n0,Thing,extra\n");
    WriteFile(tmp.File("rels2.csv"), "src,dst,type\n0,0,A\n");
    CsvImportOptions opt;
    opt.node_files = {tmp.File("nodes2.csv")};
    opt.relationship_files = {tmp.File("rels2.csv")};
    CHECK(ImportCsv(store, opt).relationships == 1);
    opt.node_files = {tmp.File("nodes.csv")};
    opt.relationship_files = {tmp.File("rels.csv")};
    CHECK(ImportCsv(store, opt).relationships == kRels);
    CHECK(store.Check().empty());
    CHECK(index_keys(store).size() == static_cast<size_t>(2 * kRels + 1));
    CHECK(index_keys(store) == table_keys(store));
  }
}
