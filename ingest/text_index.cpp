#include "ingest/text_index.h"

#include <bit>
#include <cstring>
#include <functional>
#include <stdexcept>

namespace kg::ingest {

uint64_t TextIndex::Hash(uint32_t owner, std::string_view text) {
  // Multiplying spreads the owner and the text's hash into the top bits,
  // which pick the slot.
  return (std::hash<std::string_view>{}(text) ^ (static_cast<uint64_t>(owner) << 32 | owner)) *
         0x9e3779b97f4a7c15ull;
}

bool TextIndex::Matches(uint32_t at, uint32_t owner, std::string_view text) const {
  const uint32_t* entry = &words_[at];
  return entry[0] == owner && entry[2] == text.size() &&
         std::memcmp(entry + kHeaderWords, text.data(), text.size()) == 0;
}

uint32_t TextIndex::Find(uint32_t owner, std::string_view text) const {
  if (slots_.empty()) return kNone;
  const uint64_t hash = Hash(owner, text);
  for (size_t i = SlotOf(hash);; i = (i + 1) & (slots_.size() - 1)) {
    const Slot& slot = slots_[i];
    if (slot.at == kNone) return kNone;
    if (slot.hash == hash && Matches(slot.at, owner, text)) return words_[slot.at + 1];
  }
}

bool TextIndex::Add(uint32_t owner, std::string_view text, uint32_t value) {
  if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
  const uint64_t hash = Hash(owner, text);
  for (size_t i = SlotOf(hash);; i = (i + 1) & (slots_.size() - 1)) {
    Slot& slot = slots_[i];
    if (slot.at == kNone) {
      const size_t at = words_.size();
      const size_t words = kHeaderWords + (text.size() + 3) / 4;
      if (text.size() >= kNone || at + words >= kNone) throw std::length_error("TextIndex: too many entries");
      words_.resize(at + words, 0);
      words_[at] = owner;
      words_[at + 1] = value;
      words_[at + 2] = static_cast<uint32_t>(text.size());
      if (!text.empty()) std::memcpy(&words_[at + kHeaderWords], text.data(), text.size());
      slot = Slot{hash, static_cast<uint32_t>(at)};
      ++size_;
      return true;
    }
    if (slot.hash == hash && Matches(slot.at, owner, text)) return false;
  }
}

void TextIndex::Grow() {
  const size_t size = slots_.empty() ? first_slots_ : slots_.size() * 2;
  shift_ = 64 - std::countr_zero(size);
  slots_.assign(size, Slot{});
  // Room for the entries until the next Grow (3/4 of the slots), at about
  // 20 bytes of text each.
  words_.reserve(size * 3 / 4 * (kHeaderWords + 5));
  for (size_t at = 0; at < words_.size(); at += kHeaderWords + (words_[at + 2] + 3) / 4) {
    const uint64_t hash = Hash(words_[at], TextAt(static_cast<uint32_t>(at)));
    size_t i = SlotOf(hash);
    while (slots_[i].at != kNone) i = (i + 1) & (size - 1);
    slots_[i] = Slot{hash, static_cast<uint32_t>(at)};
  }
}

}  // namespace kg::ingest
