#include "store/part_buffer.h"

#include <sys/mman.h>

#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

#include "common/raw_bytes.h"

namespace binlake::s3 {

PartBuffer::~PartBuffer() { Release(); }

PartBuffer::PartBuffer(PartBuffer&& other) noexcept { swap(*this, other); }

PartBuffer& PartBuffer::operator=(PartBuffer&& other) noexcept {
  if (this != &other) {
    Release();
    swap(*this, other);
  }
  return *this;
}

void swap(PartBuffer& a, PartBuffer& b) noexcept {
  std::swap(a.data_, b.data_);
  std::swap(a.size_, b.size_);
  std::swap(a.capacity_, b.capacity_);
}

void PartBuffer::Allocate(size_t capacity) {
  if (data_ != nullptr) throw std::logic_error("PartBuffer::Allocate on a buffer with memory");
  if (capacity == 0) throw std::logic_error("PartBuffer::Allocate of 0 bytes");
  // MAP_NORESERVE: the pages are committed as they are written, not all at once.
  void* p = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  data_ = static_cast<char*>(p);
  // Huge pages past the first 2 MiB only: a small object keeps costing just what it holds.
  if (capacity > kHugePage) AdviseHugePages(data_ + kHugePage, capacity - kHugePage);
  capacity_ = capacity;
  size_ = 0;
}

void PartBuffer::Append(std::string_view data) {
  if (data.size() > capacity_ - size_) throw std::length_error("PartBuffer::Append past capacity");
  if (data.empty()) return;
  std::memcpy(data_ + size_, data.data(), data.size());
  size_ += data.size();
}

void PartBuffer::Release() {
  if (data_ != nullptr) ::munmap(data_, capacity_);
  data_ = nullptr;
  size_ = capacity_ = 0;
}

}  // namespace binlake::s3
