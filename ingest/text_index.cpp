#include "ingest/text_index.h"

#include <bit>
#include <functional>

namespace kg::ingest {

uint64_t TextIndex::Hash(uint32_t owner, std::string_view text) {
  // Multiplying spreads the owner and the text's hash into the top bits,
  // which pick the slot.
  return (std::hash<std::string_view>{}(text) ^ (static_cast<uint64_t>(owner) << 32 | owner)) *
         0x9e3779b97f4a7c15ull;
}

uint32_t TextIndex::Find(uint32_t owner, std::string_view text) const {
  if (slots_.empty()) return kNone;
  const uint64_t hash = Hash(owner, text);
  for (size_t i = SlotOf(hash);; i = (i + 1) & (slots_.size() - 1)) {
    const Slot& slot = slots_[i];
    if (slot.entry == kNone) return kNone;
    if (slot.hash != hash) continue;
    const Entry& entry = entries_[slot.entry];
    if (entry.owner == owner && TextOf(entry) == text) return entry.value;
  }
}

bool TextIndex::Add(uint32_t owner, std::string_view text, uint32_t value) {
  if ((entries_.size() + 1) * 4 > slots_.size() * 3) Grow();
  const uint64_t hash = Hash(owner, text);
  for (size_t i = SlotOf(hash);; i = (i + 1) & (slots_.size() - 1)) {
    Slot& slot = slots_[i];
    if (slot.entry == kNone) {
      slot = Slot{hash, static_cast<uint32_t>(entries_.size())};
      entries_.push_back(Entry{owner, value, texts_.size(), text.size()});
      texts_.append(text);
      return true;
    }
    if (slot.hash != hash) continue;
    const Entry& entry = entries_[slot.entry];
    if (entry.owner == owner && TextOf(entry) == text) return false;
  }
}

void TextIndex::Grow() {
  const size_t size = slots_.empty() ? first_slots_ : slots_.size() * 2;
  shift_ = 64 - std::countr_zero(size);
  slots_.assign(size, Slot{});
  // Room for the entries until the next Grow (3/4 of the slots), and for
  // their texts at about 20 bytes each.
  entries_.reserve(size * 3 / 4);
  texts_.reserve(size * 16);
  for (uint32_t e = 0; e < entries_.size(); ++e) {
    const uint64_t hash = Hash(entries_[e].owner, TextOf(entries_[e]));
    size_t i = SlotOf(hash);
    while (slots_[i].entry != kNone) i = (i + 1) & (size - 1);
    slots_[i] = Slot{hash, e};
  }
}

}  // namespace kg::ingest
