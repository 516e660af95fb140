#include "format/parquet/dictionary.h"

#include <cstring>
#include <functional>

namespace binlake::parquet {
namespace {

constexpr size_t kInitialSlots = 1024;

uint64_t Mix(uint64_t x) {  // splitmix64 finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t Hash(std::string_view v) {
  if (v.size() <= 8) {
    uint64_t x = 0;
    std::memcpy(&x, v.data(), v.size());
    return Mix(x ^ (static_cast<uint64_t>(v.size()) << 59));
  }
  return Mix(std::hash<std::string_view>()(v));
}

}  // namespace

DictionaryBuilder::DictionaryBuilder(int fixed_width)
    : fixed_width_(fixed_width), slots_(kInitialSlots, 0) {}

std::string_view DictionaryBuilder::Entry(uint32_t index) const {
  if (fixed_width_ > 0) {
    return {plain_.data() + static_cast<size_t>(index) * fixed_width_,
            static_cast<size_t>(fixed_width_)};
  }
  uint32_t start = offsets_[index];
  uint32_t length;
  std::memcpy(&length, plain_.data() + start - 4, 4);  // the PLAIN length prefix (LE host)
  return {plain_.data() + start, length};
}

uint32_t DictionaryBuilder::GetOrInsert(std::string_view value) {
  uint64_t h = Hash(value);
  size_t mask = slots_.size() - 1;
  size_t slot = h & mask;
  while (slots_[slot] != 0) {
    uint32_t index = slots_[slot] - 1;
    if (hashes_[index] == h && Entry(index) == value) return index;
    slot = (slot + 1) & mask;
  }
  uint32_t index = size();
  if (fixed_width_ > 0) {
    plain_.append(value);
  } else {
    uint32_t length = static_cast<uint32_t>(value.size());
    char prefix[4];
    std::memcpy(prefix, &length, 4);
    plain_.append(prefix, 4);
    offsets_.push_back(static_cast<uint32_t>(plain_.size()));
    plain_.append(value);
  }
  hashes_.push_back(h);
  slots_[slot] = index + 1;
  if (hashes_.size() * 2 > slots_.size()) Grow();  // load factor <= 1/2
  return index;
}

void DictionaryBuilder::Grow() {
  std::vector<uint32_t> slots(slots_.size() * 2, 0);
  size_t mask = slots.size() - 1;
  for (uint32_t i = 0; i < hashes_.size(); ++i) {
    size_t slot = hashes_[i] & mask;
    while (slots[slot] != 0) slot = (slot + 1) & mask;
    slots[slot] = i + 1;
  }
  slots_.swap(slots);
}

size_t DictionaryBuilder::MemoryUsage() const {
  return plain_.capacity() + offsets_.capacity() * 4 + hashes_.capacity() * 8 +
         slots_.capacity() * 4;
}

void DictionaryBuilder::Clear() {
  plain_.clear();
  offsets_.clear();
  hashes_.clear();
  if (slots_.size() > kInitialSlots) {
    std::vector<uint32_t>(kInitialSlots, 0).swap(slots_);
  } else {
    std::fill(slots_.begin(), slots_.end(), 0);
  }
}

}  // namespace binlake::parquet
