// ScratchArena: bump allocation for bytes that decoded values point to (converted text, DECIMAL
// text, JSON text). Blocks never move, so earlier allocations stay valid until Reset(); Reset()
// keeps the largest block, so steady-state decoding allocates nothing.
//
// Thread-safety: none; one arena per decoding thread.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace binlake::binlog {

class ScratchArena {
 public:
  explicit ScratchArena(size_t block_size = 64 * 1024) : block_size_(block_size) {}
  ScratchArena(const ScratchArena&) = delete;
  ScratchArena& operator=(const ScratchArena&) = delete;

  // Returns `n` writable bytes, valid until Reset().
  char* Allocate(size_t n) {
    if (n > available_) NewBlock(n);
    char* p = cursor_;
    cursor_ += n;
    available_ -= n;
    return p;
  }

  // Gives back the unused tail of the last allocation of `allocated` bytes of which `used` were
  // written. REQUIRES: it was the last Allocate call and used <= allocated.
  void Shrink(size_t allocated, size_t used) {
    cursor_ -= allocated - used;
    available_ += allocated - used;
  }

  std::string_view Copy(std::string_view s) {
    char* p = Allocate(s.size());
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  void Reset() {
    if (blocks_.size() > 1) {
      // Keep only the biggest block.
      size_t best = 0;
      for (size_t i = 1; i < blocks_.size(); ++i) {
        if (sizes_[i] > sizes_[best]) best = i;
      }
      std::unique_ptr<char[]> keep = std::move(blocks_[best]);
      size_t keep_size = sizes_[best];
      blocks_.clear();
      sizes_.clear();
      blocks_.push_back(std::move(keep));
      sizes_.push_back(keep_size);
    }
    if (!blocks_.empty()) {
      cursor_ = blocks_[0].get();
      available_ = sizes_[0];
    }
  }

 private:
  void NewBlock(size_t min) {
    size_t size = min > block_size_ ? min : block_size_;
    blocks_.push_back(std::make_unique<char[]>(size));
    sizes_.push_back(size);
    cursor_ = blocks_.back().get();
    available_ = size;
  }

  size_t block_size_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<size_t> sizes_;
  char* cursor_ = nullptr;
  size_t available_ = 0;
};

}  // namespace binlake::binlog
