// CSV reading and bulk import: quoting, both header syntaxes, typed values,
// bad rows reported with FILE:LINE and nothing imported.
#include <catch2/catch.hpp>

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
