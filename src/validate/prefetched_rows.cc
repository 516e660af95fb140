#include "validate/prefetched_rows.h"

#include <algorithm>
#include <cstring>

namespace binlake {
namespace {

void PutLength(std::string* out, size_t n) {
  const uint32_t v = static_cast<uint32_t>(n);
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}

uint32_t GetLength(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace

PrefetchedRows::PrefetchedRows(std::unique_ptr<KeyedFields> inner, size_t columns,
                               size_t batch_bytes, size_t max_batches)
    : inner_(std::move(inner)),
      columns_(columns),
      batch_bytes_(batch_bytes),
      max_batches_(std::max<size_t>(1, max_batches)),
      fields_(columns),
      thread_([this] { Produce(); }) {}

PrefetchedRows::~PrefetchedRows() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  room_.notify_all();
  thread_.join();
}

void PrefetchedRows::Produce() {
  while (true) {
    Batch batch;
    while (batch.data.size() < batch_bytes_) {
      Result<bool> more = inner_->Next();
      if (!more.ok()) {
        batch.status = more.status();
        batch.end = true;
        break;
      }
      if (!*more) {
        batch.end = true;
        break;
      }
      batch.starts.push_back(batch.data.size());
      const std::string_view key = inner_->key();
      PutLength(&batch.data, key.size());
      batch.data += key;
      const auto& fields = inner_->fields();
      for (size_t i = 0; i < columns_; ++i) {
        const std::optional<std::string_view>& f = fields[i];
        batch.data.push_back(f ? 0 : 1);
        PutLength(&batch.data, f ? f->size() : 0);
        if (f) batch.data += *f;
      }
    }
    const bool end = batch.end;
    {
      std::unique_lock<std::mutex> lock(mu_);
      room_.wait(lock, [&] { return stop_ || queue_.size() < max_batches_; });
      if (stop_) break;
      queue_.push_back(std::move(batch));
    }
    ready_.notify_one();
    if (end) break;
  }
  inner_.reset();  // on this thread: the connection it uses is free once the thread ends
}

Result<bool> PrefetchedRows::Next() {
  while (row_ >= current_.starts.size()) {
    if (finished_) return false;
    if (current_.end) {
      finished_ = true;
      if (!current_.status.ok()) return current_.status;
      return false;
    }
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [&] { return !queue_.empty(); });
      current_ = std::move(queue_.front());
      queue_.pop_front();
    }
    room_.notify_one();
    row_ = 0;
  }
  const char* p = current_.data.data() + current_.starts[row_++];
  const uint32_t key_length = GetLength(p);
  key_ = std::string_view(p + 4, key_length);
  p += 4 + key_length;
  for (size_t i = 0; i < columns_; ++i) {
    const bool null = p[0] != 0;
    const uint32_t n = GetLength(p + 1);
    fields_[i] = null ? std::nullopt : std::optional<std::string_view>(std::string_view(p + 5, n));
    p += 5 + n;
  }
  return true;
}

}  // namespace binlake
