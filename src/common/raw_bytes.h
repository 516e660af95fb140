// RawBytes: a heap byte buffer that is neither zero-filled nor copied on construction, for
// buffers the kernel or a copy fills before anything reads them (socket reads, rings).
//
// Page faults: the first write to each 4 KiB page traps into the kernel, which is costly in a VM
// (~10 us each measured here). A buffer whose size is a multiple of 2 MiB is therefore allocated
// 2 MiB-aligned and advised as transparent huge pages (madvise MADV_HUGEPAGE; no effect where
// THP is off), so it takes a fault per 2 MiB instead.
//
// Thread-safety: none; a plain owner of memory.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

namespace binlake {

inline constexpr size_t kHugePage = size_t{2} << 20;  // x86-64 and arm64 (4 KiB base pages)

// Advises the whole 2 MiB-aligned extents inside [begin, begin + length) as transparent huge
// pages. Best effort: EINVAL where the kernel has no THP; the memory works the same without.
inline void AdviseHugePages(void* begin, size_t length) {
  const uintptr_t base = reinterpret_cast<uintptr_t>(begin);
  const uintptr_t first = (base + kHugePage - 1) & ~uintptr_t{kHugePage - 1};
  const uintptr_t end = (base + length) & ~uintptr_t{kHugePage - 1};
  if (end > first) (void)::madvise(reinterpret_cast<void*>(first), end - first, MADV_HUGEPAGE);
}

class RawBytes {
 public:
  static constexpr size_t kHugePage = binlake::kHugePage;

  RawBytes() = default;
  explicit RawBytes(size_t size) : data_(Allocate(size)), size_(size) {}

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }

  // Makes room for at least `needed` bytes, keeping the first `keep` (<= size()): grows to twice
  // the size or to `needed` rounded up to huge pages, whichever is more (amortised O(1) appends,
  // every growth a multiple of 2 MiB). Nothing happens when `needed` <= size().
  void Reserve(size_t needed, size_t keep) {
    if (needed <= size_) return;
    const size_t rounded = (needed + kHugePage - 1) / kHugePage * kHugePage;
    Grow(rounded > 2 * size_ ? rounded : 2 * size_, keep);
  }

  // Grows to `size` bytes keeping the first `keep` (<= size()) bytes; never shrinks.
  void Grow(size_t size, size_t keep) {
    if (size <= size_) return;
    std::unique_ptr<uint8_t, Free> bigger(Allocate(size));
    if (keep > 0) std::memcpy(bigger.get(), data_.get(), keep);
    data_ = std::move(bigger);
    size_ = size;
  }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };

  static uint8_t* Allocate(size_t size) {
    const bool huge = size > 0 && size % kHugePage == 0;
    void* p = huge ? std::aligned_alloc(kHugePage, size) : std::malloc(size > 0 ? size : 1);
    if (p == nullptr) throw std::bad_alloc();
    if (huge) AdviseHugePages(p, size);
    return static_cast<uint8_t*>(p);
  }

  std::unique_ptr<uint8_t, Free> data_;
  size_t size_ = 0;
};

}  // namespace binlake
