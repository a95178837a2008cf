// kg path and kg show: name resolution (aliases, ambiguity, suggestions),
// shortest connections with evidence, entity cards with quotes.
#include <catch2/catch.hpp>

#include "graph/store.h"
#include "tests/test_util.h"

using namespace kg::graph;
using kg::testing::RunKg;
using kg::testing::TempDir;

namespace {

// A small news graph:
//   Sam Altman -LEADS-> OpenAI -PARTNER_OF-> Microsoft <-FUNDS- SoftBank
//   OpenAI -DEVELOPS-> GPT-5 ; Paris (City) ; Paris (Person)
//   Sam Altman -SAID-> Quote -ABOUT-> Microsoft
struct NewsGraph {
  TempDir tmp;
  std::string db_path = tmp.File("kg.db");
  std::string db = "--db '" + db_path + "' ";
  NodeId altman, openai, microsoft, softbank, gpt5, paris_city, paris_person, quote, lonely;
  RelId leads, partner, funds, said, about;

  NewsGraph() {
    Store s(db_path, Store::Mode::kReadWrite);
    Store::WriteTxn txn(s);
    ArticleId art = s.AddArticle({0, "h1", std::string("AI deals"), std::nullopt, std::nullopt,
                                  std::string("2025-01-02"), std::string("en"), std::nullopt, "",
                                  "Sam Altman leads OpenAI. OpenAI partners with Microsoft."});
    altman = s.CreateNode({"Person"}, {{"name", Value("Sam Altman")}});
    openai = s.CreateNode({"Organization"}, {{"name", Value("OpenAI")}});
    microsoft = s.CreateNode({"Organization"}, {{"name", Value("Microsoft")}, {"hq", Value("Redmond")}});
    softbank = s.CreateNode({"Organization"}, {{"name", Value("SoftBank")}});
    gpt5 = s.CreateNode({"Product"}, {{"name", Value("GPT-5")}});
    paris_city = s.CreateNode({"Country"}, {{"name", Value("Paris")}});
    paris_person = s.CreateNode({"Person"}, {{"name", Value("Paris")}});
    lonely = s.CreateNode({"Organization"}, {{"name", Value("Lonely Corp")}});
    quote = s.CreateNode({"Quote"}, {{"text", Value("Compute is the currency of the future.")}});
    s.AddAlias(openai, "Open AI");
    s.AddAlias(microsoft, "MSFT");
    leads = s.CreateRelationship(altman, openai, "LEADS", {});
    partner = s.CreateRelationship(openai, microsoft, "PARTNER_OF", {{"since", Value(2019)}});
    funds = s.CreateRelationship(softbank, microsoft, "FUNDS", {{"amount_usd", Value(1e9)}});
    s.CreateRelationship(openai, gpt5, "DEVELOPS", {});
    said = s.CreateRelationship(altman, quote, "SAID", {});
    about = s.CreateRelationship(quote, microsoft, "ABOUT", {});
    Evidence e;
    e.article = art;
    e.rel = leads;
    e.sentence = "Sam Altman leads OpenAI.";
    e.span_end = 24;
    e.rule = "leads.1";
    s.AddEvidence(e);
    e.rel = partner;
    e.sentence = "OpenAI partners with Microsoft.";
    e.span_start = 25;
    e.span_end = 56;
    e.rule = "partner.2";
    s.AddEvidence(e);
    txn.Commit();
  }
};

}  // namespace

TEST_CASE("kg path prints the shortest connection hop by hop with evidence", "[tools][path]") {
  NewsGraph g;
  auto r = RunKg(g.db + "path 'Sam Altman' SoftBank");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  std::string expected =
      "Sam Altman -> SoftBank: 3 hops\n"
      "\n"
      "  (Sam Altman:Person #1)\n"
      "    -[:LEADS #1]->\n"
      "      evidence: \"Sam Altman leads OpenAI.\" (AI deals, 2025-01-02; rule leads.1)\n"
      "  (OpenAI:Organization #2)\n"
      "    -[:PARTNER_OF #2 {since: 2019}]->\n"
      "      evidence: \"OpenAI partners with Microsoft.\" (AI deals, 2025-01-02; rule partner.2)\n"
      "  (Microsoft:Organization #3)\n"
      "    <-[:FUNDS #3 {amount_usd: 1000000000.0}]-\n"
      "      evidence: none recorded\n"
      "  (SoftBank:Organization #4)\n";
  CHECK(r.out == expected);
  // Same bytes on a second run (the view now comes from the cache file).
  CHECK(RunKg(g.db + "path 'Sam Altman' SoftBank").out == expected);
}

TEST_CASE("kg path resolves aliases and honours direction, types and max hops", "[tools][path]") {
  NewsGraph g;
  // "open ai" is an alias of OpenAI (normalized), MSFT of Microsoft.
  auto r = RunKg(g.db + "path 'open ai' MSFT --direction out");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("OpenAI -> Microsoft: 1 hop\n"));

  // Following direction, SoftBank cannot be reached from Sam Altman.
  auto none = RunKg(g.db + "path 'Sam Altman' SoftBank --direction out");
  CHECK(none.exit_code == 1);
  CHECK(none.out == "no path from Sam Altman to SoftBank within 6 hops\n");
  CHECK(RunKg(g.db + "path 'Sam Altman' SoftBank --max-hops 2").exit_code == 1);

  // Through the quote (SAID, ABOUT) Microsoft is 2 hops away; with only
  // LEADS and PARTNER_OF also 2, but a different route.
  auto via_quote = RunKg(g.db + "path 'Sam Altman' Microsoft --all");
  REQUIRE(via_quote.exit_code == 0);
  CHECK_THAT(via_quote.out, Catch::StartsWith("Sam Altman -> Microsoft: 2 hops, 2 shortest paths\n"));
  CHECK_THAT(via_quote.out, Catch::Contains("path 2\n") && Catch::Contains(":SAID #5") &&
                                Catch::Contains(":PARTNER_OF #2"));
  auto typed = RunKg(g.db + "path 'Sam Altman' Microsoft --all --type LEADS,PARTNER_OF");
  REQUIRE(typed.exit_code == 0);
  CHECK_THAT(typed.out, Catch::StartsWith("Sam Altman -> Microsoft: 2 hops, 1 shortest path\n"));
  CHECK_THAT(typed.out, !Catch::Contains("SAID"));

  CHECK(RunKg(g.db + "path OpenAI 'Lonely Corp'").exit_code == 1);
  CHECK(RunKg(g.db + "path OpenAI SoftBank --direction sideways").exit_code == 2);
  CHECK(RunKg(g.db + "path OpenAI SoftBank --format png").exit_code == 2);
}

TEST_CASE("kg path and kg show explain unknown and ambiguous names", "[tools][path]") {
  NewsGraph g;
  auto unknown = RunKg(g.db + "path 'Sam Altmann' OpenAI");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.out.empty());
  CHECK_THAT(unknown.err, Catch::Contains("no entity named 'Sam Altmann'; did you mean 'Sam Altman'?"));

  auto ambiguous = RunKg(g.db + "show Paris");
  CHECK(ambiguous.exit_code == 1);
  CHECK_THAT(ambiguous.err, Catch::Contains("'Paris' is ambiguous: 2 entities match\n"
                                            "  #6  Paris (Country)\n"
                                            "  #7  Paris (Person)\n"));
  // The id form picks one.
  auto by_id = RunKg(g.db + "show '#7'");
  CHECK(by_id.exit_code == 0);
  CHECK_THAT(by_id.out, Catch::StartsWith("Paris  #7\nlabels: Person\n"));
}

TEST_CASE("kg show prints an entity card with relationships, evidence and quotes", "[tools][path]") {
  NewsGraph g;
  auto r = RunKg(g.db + "show MSFT");
  REQUIRE(r.exit_code == 0);
  std::string expected =
      "Microsoft  #3\n"
      "labels: Organization\n"
      "aliases: MSFT\n"
      "properties: {hq: \"Redmond\"}\n"
      "\n"
      "relationships (2)\n"
      "  <-[:PARTNER_OF #2 {since: 2019}]- (OpenAI:Organization #2)\n"
      "      evidence: \"OpenAI partners with Microsoft.\" (AI deals, 2025-01-02; rule partner.2)\n"
      "  <-[:FUNDS #3 {amount_usd: 1000000000.0}]- (SoftBank:Organization #4)\n"
      "      evidence: none recorded\n"
      "\n"
      "quotes by it (0)\n"
      "\n"
      "quotes about it (1)\n"
      "  \"Compute is the currency of the future.\"  #9\n"
      "      said by: (Sam Altman:Person #1)\n"
      "      evidence: none recorded\n";
  CHECK(r.out == expected);

  auto altman = RunKg(g.db + "show 'sam altman'");
  REQUIRE(altman.exit_code == 0);
  CHECK_THAT(altman.out, Catch::Contains("relationships (1)\n  -[:LEADS #1]-> (OpenAI:Organization #2)\n"));
  CHECK_THAT(altman.out, Catch::Contains("quotes by it (1)\n"
                                         "  \"Compute is the currency of the future.\"  #9\n"
                                         "      about: (Microsoft:Organization #3)\n"));
}

TEST_CASE("kg path --format dot draws only the nodes and relationships of the paths",
          "[tools][path]") {
  NewsGraph g;
  auto r = RunKg(g.db + "path 'Sam Altman' Microsoft --all --format dot");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("digraph"));
  for (const char* shown : {"Sam Altman", "OpenAI", "Microsoft", "LEADS", "PARTNER_OF", "SAID", "ABOUT"})
    CHECK_THAT(r.out, Catch::Contains(shown));
  for (const char* hidden : {"SoftBank", "GPT-5", "FUNDS", "DEVELOPS"})
    CHECK_THAT(r.out, !Catch::Contains(hidden));
  CHECK(RunKg(g.db + "path 'Sam Altman' Microsoft --all --format dot").out == r.out);
}
