// TextIndex: (owner, text) -> a value, owner a small number; the hash table
// of the writer's names and aliases and of the resolver's entity keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kg::ingest {

// Open addressing over (64-bit hash, entry) slots; each entry is its owner,
// value and length followed by its text, in one array. A lookup reads one
// slot and then, on a hash match, one entry: two cache lines, where entries
// and texts in two arrays took three, and std::unordered_map four or more and
// a heap block per entry. The writer's tables outgrow the caches (10,000
// bench articles: some 45,000 aliases and 20,000 names), so the lines read
// are the cost.
// Not thread-safe; copyable.
class TextIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  // `first_slots` (a power of two): the slots made at the first Add, room
  // for 3/4 as many entries before the table doubles.
  explicit TextIndex(size_t first_slots = 1024) : first_slots_(first_slots) {}
  // The value of (owner, text), or kNone.
  uint32_t Find(uint32_t owner, std::string_view text) const;
  // Adds (owner, text) -> value; keeps the value already there, if any.
  // Returns whether it was added. Throws std::length_error past 16 GB of
  // entries.
  bool Add(uint32_t owner, std::string_view text, uint32_t value);
  // Asks the CPU to load the slot where Find(owner, text) begins, so that
  // the lookups of a batch of keys wait for memory together.
  void Prefetch(uint32_t owner, std::string_view text) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[SlotOf(Hash(owner, text))]);
  }
  // The number of entries.
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t at = kNone;  // the entry's first word in words_; kNone: empty
  };
  // An entry in words_: owner, value, text size, then the text, padded to
  // whole words.
  static constexpr size_t kHeaderWords = 3;
  bool Matches(uint32_t at, uint32_t owner, std::string_view text) const;
  std::string_view TextAt(uint32_t at) const {
    return std::string_view(reinterpret_cast<const char*>(&words_[at + kHeaderWords]), words_[at + 2]);
  }
  static uint64_t Hash(uint32_t owner, std::string_view text);
  size_t SlotOf(uint64_t hash) const { return static_cast<size_t>(hash >> shift_); }
  void Grow();
  size_t first_slots_;
  std::vector<Slot> slots_;  // 2^(64 - shift_) of them, at most 3/4 used
  int shift_ = 64;
  std::vector<uint32_t> words_;  // the entries end to end
  size_t size_ = 0;
};

}  // namespace kg::ingest
