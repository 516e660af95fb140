#include "source/packet_prefetcher.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>

namespace binlake {
namespace {

// Record header: uint32 length, uint32 kind, uint32 tag, 4 bytes unused; the bytes follow,
// padded to 8.
constexpr size_t kHeader = 16;
constexpr uint32_t kData = 0;
constexpr uint32_t kWrap = 1;   // nothing more before the end of the ring: continue at 0
constexpr uint32_t kLarge = 2;  // the packet is the next entry of large_

size_t Align8(size_t n) { return (n + 7) & ~size_t{7}; }

// A waiting consumer is woken once this much arrived since it began to wait (or the stream
// ended); otherwise it looks again after its wait's timeout. Waking it per packet would cost two
// system calls per packet whenever the consumer is faster than the stream.
constexpr uint64_t kWakeBytes = 1 << 20;
// Each side publishes its position with a plain release store per packet, and looks whether the
// other side sleeps (which needs a full fence after that store) once per kCheckBytes it moved:
// a fence per packet cost a quarter of the reader's time. A sleeper is woken at most kCheckBytes
// after its wake point, or when the consumer finds the ring empty (it always looks then).
constexpr uint64_t kCheckBytes = 64 << 10;
constexpr int64_t kFirstWaitNs = 1'000'000;     // 1 ms, doubled while nothing arrives,
constexpr int64_t kLongestWaitNs = 50'000'000;  // up to 50 ms: the latency bound when idle

// Sleeps while *word == expected, at most timeout_ns (Linux futex; spurious wake-ups are fine:
// the caller re-checks).
void FutexWait(std::atomic<uint32_t>* word, uint32_t expected, int64_t timeout_ns) {
  timespec ts{static_cast<time_t>(timeout_ns / 1'000'000'000),
              static_cast<long>(timeout_ns % 1'000'000'000)};
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected, &ts, nullptr,
          0);
}

void FutexWakeOne(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

}  // namespace

PacketPrefetcher::PacketPrefetcher(ReadFn read, size_t ring_bytes)
    : read_(std::move(read)), size_(std::max<size_t>(Align8(ring_bytes), 64 << 10)) {
  // The ring is rewritten over and over: huge pages (RawBytes, the default size is a multiple
  // of 2 MiB) spare its first pass a page fault per 4 KiB, ~1,000 for 4 MiB.
  ring_ = RawBytes(size_);
  reader_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "binlake-stream");  // for top -H and perf
    ReaderLoop();
  });
}

PacketPrefetcher::~PacketPrefetcher() {
  stop_.store(true);
  room_gen_.fetch_add(1);
  room_gen_.notify_all();
  if (reader_.joinable()) reader_.join();
}

void PacketPrefetcher::WriteLength(uint64_t pos, uint32_t length) {
  std::memcpy(ring_.data() + pos % size_, &length, 4);
}

uint32_t PacketPrefetcher::ReadLength(uint64_t pos) const {
  uint32_t v;
  std::memcpy(&v, ring_.data() + pos % size_, 4);
  return v;
}

bool PacketPrefetcher::WaitForRoom(uint64_t tail, size_t bytes) {
  if (tail + bytes - seen_head_ <= size_) return true;
  seen_head_ = head_.load();
  if (tail + bytes - seen_head_ <= size_) return true;
  // Full: sleep until `bytes` and a hand-over step more are free, so that a consumer slower
  // than the stream wakes the reader once per step, not once per packet. The step is at most a
  // quarter of the ring, and `bytes` too, so an empty ring always satisfies it.
  const uint64_t wake = tail + bytes + std::min<uint64_t>(kWakeBytes, size_ / 4) - size_;
  reader_wake_head_.store(wake);
  while (head_.load() < wake && !stop_.load()) {
    const uint32_t gen = room_gen_.load();
    reader_waiting_.store(true);
    // Checked again after announcing the wait: a consumer that moved head_ before seeing the
    // announcement is seen here; one that moves it later sees the announcement and notifies.
    if (head_.load() < wake && !stop_.load()) room_gen_.wait(gen);
    reader_waiting_.store(false);
  }
  seen_head_ = head_.load();
  return !stop_.load();
}

void PacketPrefetcher::Publish(uint64_t tail) {
  tail_.store(tail, std::memory_order_release);
  if (tail - reader_checked_ < kCheckBytes) return;
  reader_checked_ = tail;
  std::atomic_thread_fence(std::memory_order_seq_cst);  // orders the store before the load
  if (consumer_waiting_.load() && tail - consumer_wait_head_.load() >= kWakeBytes) {
    data_gen_.fetch_add(1);
    FutexWakeOne(&data_gen_);
  }
}

void PacketPrefetcher::ReaderLoop() {
  uint64_t tail = 0;
  while (true) {
    Result<Packet> packet = read_();
    if (stop_.load()) return;
    if (!packet.ok()) {
      end_ = packet.status();
      ended_.store(true);
      data_gen_.fetch_add(1);
      FutexWakeOne(&data_gen_);
      return;
    }
    const size_t n = packet->bytes.size();
    const bool large = n > size_ / 4;
    const size_t need = kHeader + (large ? 0 : Align8(n));
    const size_t at = tail % size_;
    if (size_ - at < need) {
      // The record does not fit before the end of the ring: mark the rest as skipped.
      if (!WaitForRoom(tail, size_ - at)) return;
      WriteLength(tail, 0);
      std::memcpy(ring_.data() + at + 4, &kWrap, 4);
      tail += size_ - at;
    }
    if (!WaitForRoom(tail, need)) return;
    uint8_t* record = ring_.data() + tail % size_;
    const uint32_t length = static_cast<uint32_t>(large ? 0 : n);
    const uint32_t kind = large ? kLarge : kData;
    std::memcpy(record, &length, 4);
    std::memcpy(record + 4, &kind, 4);
    std::memcpy(record + 8, &packet->tag, 4);
    if (large) {
      std::lock_guard<std::mutex> lock(large_mu_);
      large_.emplace_back(packet->bytes.begin(), packet->bytes.end());
    } else if (n > 0) {
      std::memcpy(record + kHeader, packet->bytes.data(), n);
    }
    tail += need;
    Publish(tail);
  }
}

Result<PacketPrefetcher::Packet> PacketPrefetcher::Next() {
  // The packet returned last is no longer needed: give its space back.
  auto release = [this](uint64_t to, bool force_check) {
    head_.store(to, std::memory_order_release);
    if (!force_check && to - consumer_checked_ < kCheckBytes) return;
    consumer_checked_ = to;
    std::atomic_thread_fence(std::memory_order_seq_cst);  // orders the store before the load
    if (reader_waiting_.load() && to >= reader_wake_head_.load()) {
      room_gen_.fetch_add(1);
      room_gen_.notify_one();
    }
  };
  if (release_to_ != head_.load(std::memory_order_relaxed)) release(release_to_, false);
  std::vector<uint8_t>().swap(current_large_);
  uint64_t head = release_to_;
  while (true) {
    if (seen_tail_ == head) seen_tail_ = tail_.load();
    if (seen_tail_ == head) {
      if (ended_.load()) {
        // Nothing is published after the end: an empty ring now is empty for good.
        if (tail_.load() == head) return end_;
        continue;
      }
      release(head, true);  // a reader waiting for room must not wait for a later check
      const uint32_t gen = data_gen_.load();
      consumer_wait_head_.store(head);
      consumer_waiting_.store(true);
      if (tail_.load() == head && !ended_.load()) FutexWait(&data_gen_, gen, wait_ns_);
      consumer_waiting_.store(false);
      wait_ns_ = std::min(wait_ns_ * 2, kLongestWaitNs);
      continue;
    }
    wait_ns_ = kFirstWaitNs;
    const size_t at = head % size_;
    uint32_t kind;
    std::memcpy(&kind, ring_.data() + at + 4, 4);
    if (kind == kWrap) {
      head += size_ - at;
      release(head, false);
      continue;
    }
    uint32_t tag;
    std::memcpy(&tag, ring_.data() + at + 8, 4);
    if (kind == kLarge) {
      {
        std::lock_guard<std::mutex> lock(large_mu_);
        current_large_ = std::move(large_.front());
        large_.pop_front();
      }
      release_to_ = head + kHeader;
      return Packet{std::span<const uint8_t>(current_large_.data(), current_large_.size()), tag};
    }
    const uint32_t length = ReadLength(head);
    release_to_ = head + kHeader + Align8(length);
    return Packet{std::span<const uint8_t>(ring_.data() + at + kHeader, length), tag};
  }
}

}  // namespace binlake
