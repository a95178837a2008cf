// TextIndex: (owner, text) -> value, kept through the table's growth.
#include <catch2/catch.hpp>

#include <string>

#include "ingest/text_index.h"

using kg::ingest::TextIndex;

TEST_CASE("a text index finds what was added, by owner and text, after growing", "[ingest][text_index]") {
  TextIndex index(4);
  CHECK(index.Find(0, "OpenAI") == TextIndex::kNone);
  CHECK(index.Add(0, "OpenAI", 7));
  CHECK_FALSE(index.Add(0, "OpenAI", 8));  // the first value stays
  CHECK(index.Add(1, "OpenAI", 9));        // another owner: another entry
  CHECK(index.Add(2, "", 10));
  const std::string long_text(1000, 'x');
  CHECK(index.Add(3, long_text, 11));
  // Texts of every length up to a few words, so entries end at every offset
  // within a word, through several doublings of the table.
  for (uint32_t i = 0; i < 5000; ++i) CHECK(index.Add(i % 7, std::string(i % 13, 'a') + std::to_string(i), i));
  CHECK(index.size() == 5004);
  CHECK(index.Find(0, "OpenAI") == 7);
  CHECK(index.Find(1, "OpenAI") == 9);
  CHECK(index.Find(2, "OpenAI") == TextIndex::kNone);
  CHECK(index.Find(2, "") == 10);
  CHECK(index.Find(3, long_text) == 11);
  CHECK(index.Find(3, long_text.substr(1)) == TextIndex::kNone);
  for (uint32_t i = 0; i < 5000; ++i) {
    const std::string text = std::string(i % 13, 'a') + std::to_string(i);
    CHECK(index.Find(i % 7, text) == i);
    CHECK(index.Find(i % 7 + 1, text) == TextIndex::kNone);
  }
}
