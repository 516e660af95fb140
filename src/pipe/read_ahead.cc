// Parallel ordered read-ahead of object chunks (read_ahead.h).
#include "pipe/read_ahead.h"

#include <algorithm>

namespace binlake::pipe {

ReadAhead::ReadAhead(std::vector<ObjectRef> objects, ReadAheadOptions options)
    : objects_(std::move(objects)), options_(options) {
  int threads = std::max(1, options_.threads);
  const size_t chunk = std::max<size_t>(options_.chunk_bytes, 1);
  max_alive_ = 2 * std::max<size_t>(options_.max_ahead_bytes / chunk, 1) + threads;
  workers_.reserve(threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

bool ReadAhead::Claim(size_t* seq, size_t* object, uint64_t* offset, uint64_t* length, bool* last) {
  if (next_object_ >= objects_.size()) return false;
  const ObjectRef& ref = objects_[next_object_];
  const uint64_t chunk = std::max<size_t>(options_.chunk_bytes, 1);
  *seq = next_seq_++;
  *object = next_object_;
  *offset = next_offset_;
  *length = std::min<uint64_t>(chunk, ref.size - std::min(ref.size, next_offset_));
  *last = next_offset_ + *length >= ref.size;
  if (*last) {
    ++next_object_;
    next_offset_ = 0;
  } else {
    next_offset_ += *length;
  }
  return true;
}

void ReadAhead::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [&] {
      if (stop_ || next_object_ >= objects_.size()) return true;
      // Room for one more chunk (always for the first, so a chunk larger than the budget runs).
      if (alive_ >= max_alive_) return false;
      return ahead_bytes_ == 0 || ahead_bytes_ + options_.chunk_bytes <= options_.max_ahead_bytes;
    });
    size_t seq, object;
    uint64_t offset, length;
    bool last;
    if (stop_ || !Claim(&seq, &object, &offset, &length, &last)) return;
    ahead_bytes_ += std::max<uint64_t>(length, 1);
    ++alive_;
    std::unique_ptr<Chunk> chunk;
    if (!free_.empty()) {
      chunk = std::move(free_.back());
      free_.pop_back();
    } else {
      chunk = std::make_unique<Chunk>();
    }
    lock.unlock();

    const ObjectRef& ref = objects_[object];
    chunk->object = object;
    chunk->offset = offset;
    chunk->last = last;
    chunk->data.clear();
    chunk->status = Status::Ok();
    if (length > 0) {
      Status s = ref.store->AppendRange(ref.key, offset, length, &chunk->data);
      if (!s.ok()) {
        chunk->status = s.WithContext("reading " + ref.name);
        chunk->data.clear();
      } else if (chunk->data.size() != length) {
        chunk->status = Corruption("reading " + ref.name + ": got " +
                                   std::to_string(chunk->data.size()) + " byte(s) at offset " +
                                   std::to_string(offset) + " where " + std::to_string(length) +
                                   " were listed (the object changed while being served)");
        chunk->data.clear();
      }
    }

    lock.lock();
    ready_[seq] = std::move(chunk);
    if (seq == consume_seq_) ready_cv_.notify_one();
  }
}

ReadAhead::Chunk* ReadAhead::Next() {
  std::unique_lock<std::mutex> lock(mu_);
  if (taken_ != nullptr) return nullptr;  // Release() was not called: a caller bug; stop
  if (consume_seq_ >= next_seq_ && next_object_ >= objects_.size()) return nullptr;
  ready_cv_.wait(lock, [&] { return ready_.count(consume_seq_) > 0; });
  auto it = ready_.find(consume_seq_);
  taken_ = std::move(it->second);
  ready_.erase(it);
  ++consume_seq_;
  return taken_.get();
}

void ReadAhead::Release(Chunk* chunk) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (taken_.get() != chunk || chunk == nullptr) return;
    const ObjectRef& ref = objects_[chunk->object];
    uint64_t planned = std::min<uint64_t>(std::max<size_t>(options_.chunk_bytes, 1),
                                          ref.size - std::min(ref.size, chunk->offset));
    ahead_bytes_ -= std::max<uint64_t>(planned, 1);
    --alive_;
    free_.push_back(std::move(taken_));
  }
  work_cv_.notify_one();
}

}  // namespace binlake::pipe
