#include <catch2/catch.hpp>

#include "ingest/pipeline.h"
#include "tests/ingest/corpus_pipeline.h"

using namespace kg::ingest;

namespace {
Extraction Run(const std::string& text) { return kg::ingest::testing::ExtractText(text, "fr"); }
int EntityOf(const Extraction& ex, size_t sentence, const std::string& surface) {
  for (const auto& m : ex.mentions[sentence])
    if (m.surface == surface) return m.entity;
  return -2;
}
}  // namespace

TEST_CASE("resolver gives one entity to repeated names and surnames", "[ingest][resolve]") {
  auto ex = Run("L'universitaire américain Karl Bonner a parlé. Ensuite, Bonner est parti.");
  int a = EntityOf(ex, 0, "Karl Bonner");
  REQUIRE(a >= 0);
  CHECK(EntityOf(ex, 1, "Bonner") == a);
}

TEST_CASE("resolver resolves anaphors and pronouns to the entity in focus", "[ingest][resolve]") {
  auto ex = Run(
      "Une start-up chinoise, du nom de Tarvik Nova, a surpris. Le ministre Karl Bonner a parlé. "
      "Il a salué la start-up chinoise.");
  int start_up = EntityOf(ex, 0, "Tarvik Nova");
  int bonner = EntityOf(ex, 1, "Karl Bonner");
  REQUIRE(start_up >= 0);
  REQUIRE(bonner >= 0);
  CHECK(EntityOf(ex, 2, "Il") == bonner);
  CHECK(EntityOf(ex, 2, "la start-up chinoise") == start_up);
  CHECK(ex.entities[static_cast<size_t>(start_up)].country == "China");
}

TEST_CASE("resolver leaves an anaphor with no antecedent unresolved", "[ingest][resolve]") {
  auto ex = Run("Le projet avance bien.");
  CHECK(EntityOf(ex, 0, "Le projet") == -1);
}
