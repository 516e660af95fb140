// PartBuffer: the bytes of one object part, filled by an object writer and read by its upload
// (S3ObjectWriter). Its capacity - the store's part size - is mapped up front as anonymous
// memory, so a part is never copied to grow, and only the pages written become resident: a small
// object costs the memory it holds, not a whole part.
//
// Page faults: every first write to a 4 KiB page is a trip into the kernel (a costly one in a
// VM), ~2,000 for an 8 MiB part; in a CDC catch-up into S3 they and the copies of a growing
// buffer were a third of binlake's CPU. So the 2 MiB-aligned extents of the mapping past its
// first 2 MiB are advised as transparent huge pages (madvise MADV_HUGEPAGE; no effect where THP
// is off): a full part then takes a handful of faults. The price: a buffer holding more than
// 2 MiB may have up to 2 MiB more resident than it holds (never more than its capacity).
//
// Thread-safety: none. A writer hands a full buffer to its upload thread and neither touches it
// until the upload ended.
#pragma once

#include <cstddef>
#include <string_view>

namespace binlake::s3 {

class PartBuffer {
 public:
  PartBuffer() = default;  // no memory: Allocate before the first Append
  ~PartBuffer();
  PartBuffer(PartBuffer&& other) noexcept;
  PartBuffer& operator=(PartBuffer&& other) noexcept;
  PartBuffer(const PartBuffer&) = delete;
  PartBuffer& operator=(const PartBuffer&) = delete;

  // Gives an empty buffer without memory `capacity` bytes (> 0). Throws std::bad_alloc when
  // the memory cannot be had (as std::string does); std::logic_error if it has memory already.
  void Allocate(size_t capacity);

  // Appends `data`; it must fit (size() + data.size() <= capacity(), else std::length_error:
  // a bug in the caller).
  void Append(std::string_view data);
  void Clear() { size_ = 0; }  // keeps the memory and its resident pages for the next part

  std::string_view view() const { return {data_, size_}; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }

  friend void swap(PartBuffer& a, PartBuffer& b) noexcept;

 private:
  void Release();

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;  // data_ is an anonymous mapping of capacity_ bytes
};

}  // namespace binlake::s3
