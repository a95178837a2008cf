// TextIndex: (owner, text) -> a value, owner a small number; the hash table
// of the writer's names and aliases and of the resolver's entity keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kg::ingest {

// Open addressing over (64-bit hash, entry) slots, so that a lookup reads one
// slot and then, on a hash match, the text; std::unordered_map read a bucket,
// the node before, the node and the text, and cost a heap block per entry
// (and one more for a text too long for the string's own buffer).
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
  // Returns whether it was added.
  bool Add(uint32_t owner, std::string_view text, uint32_t value);

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t entry = kNone;  // index into entries_; kNone: empty
  };
  struct Entry {
    uint32_t owner;
    uint32_t value;
    size_t at, size;  // the text: texts_.substr(at, size)
  };
  std::string_view TextOf(const Entry& entry) const { return std::string_view(texts_).substr(entry.at, entry.size); }
  static uint64_t Hash(uint32_t owner, std::string_view text);
  size_t SlotOf(uint64_t hash) const { return static_cast<size_t>(hash >> shift_); }
  void Grow();
  size_t first_slots_;
  std::vector<Slot> slots_;  // 2^(64 - shift_) of them, at most 3/4 used
  int shift_ = 64;
  std::vector<Entry> entries_;
  std::string texts_;  // the entries' texts end to end: no heap block per entry
};

}  // namespace kg::ingest
