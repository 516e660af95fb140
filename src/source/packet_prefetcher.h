// PacketPrefetcher: reads packets on a thread of its own, ahead of the consumer, so that
// receiving (socket reads, the kernel's TCP work, libmariadb's framing) overlaps with decoding
// and writing on the consumer's thread. Used by BinlogEventStream for catch-up speed.
//
// A single-producer single-consumer ring of `ring_bytes`: the reader thread calls `read` in a
// loop and copies each packet into the ring as a record [uint32 length, uint32 kind, uint32 tag,
// pad][bytes], padded to 8 bytes, then publishes it (one release store; no lock, no fence). A
// packet larger than a quarter of the ring travels in its own heap buffer instead (the ring holds a
// marker). When the ring is full the reader waits (memory stays bounded by ring_bytes plus one
// large packet) until the consumer freed a 64 KiB step more than it needs. A consumer that finds
// the ring empty sleeps (Linux futex) until 64 KiB more arrived, the stream ended, or a timeout:
// 0.2 ms, doubling while nothing arrives, at most 50 ms. So a busy stream is handed over in 64 KiB
// steps (two system calls per step, not per packet), and an event on an idle stream waits at most
// 50 ms in the ring (CDC batches last >= 1 s).
//
// Errors keep their place: the packets read before an error are all returned, then the error,
// then the same error again on every later call. After an error the reader thread has ended.
//
// Threading: Next() from one consumer thread; `read` runs only on the reader thread, which starts
// in the constructor. The destructor stops the reader: it must not be blocked in `read` forever,
// so the owner first makes `read` return (BinlogEventStream cancels its connection).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "common/raw_bytes.h"
#include "common/status.h"

namespace binlake {

class PacketPrefetcher {
 public:
  // One packet and an opaque tag the reader attaches to it (BinlogEventStream: whether the
  // event's CRC32 was verified on the reader thread).
  struct Packet {
    std::span<const uint8_t> bytes;
    uint32_t tag = 0;
  };
  // The next packet; its bytes valid until the next call of `read` (the reader copies them).
  using ReadFn = std::function<Result<Packet>()>;

  // `ring_bytes` is rounded up to a multiple of 8 and to at least 64 KiB.
  PacketPrefetcher(ReadFn read, size_t ring_bytes);
  ~PacketPrefetcher();
  PacketPrefetcher(const PacketPrefetcher&) = delete;
  PacketPrefetcher& operator=(const PacketPrefetcher&) = delete;

  // The next packet, in the order read; the bytes stay valid until the next call.
  Result<Packet> Next();

 private:
  void ReaderLoop();
  // Reader: waits until `bytes` more fit in the ring (false: stop requested).
  bool WaitForRoom(uint64_t tail, size_t bytes);
  void Publish(uint64_t tail);  // reader: makes records before `tail` visible
  void WriteLength(uint64_t pos, uint32_t length);
  uint32_t ReadLength(uint64_t pos) const;

  ReadFn read_;
  uint64_t seen_head_ = 0;       // reader: head_ when it last looked
  uint64_t reader_checked_ = 0;  // reader: tail_ when it last looked for a sleeping consumer
  RawBytes ring_;                // size_ bytes, not zero-filled
  const size_t size_;

  // Ring positions, counting bytes since the start (index = position % size_). Each side's
  // hot atomics sit on cache lines of their own, and each side keeps a private copy of the
  // other's position, read again only when its copy says the ring is empty (or full): a busy
  // stream moves a cache line between the cores once per hand-over, not once per packet.
  alignas(64) std::atomic<uint64_t> tail_{0};  // reader: everything before it is published
  alignas(64) std::atomic<uint64_t> head_{0};  // consumer: everything before it may be overwritten
  // Wake-ups: a side bumps the other's generation and notifies only when that one waits.
  alignas(64) std::atomic<bool> consumer_waiting_{false};
  std::atomic<uint64_t> consumer_wait_head_{0};  // where the waiting consumer stands
  std::atomic<uint32_t> data_gen_{0};
  alignas(64) std::atomic<bool> reader_waiting_{false};
  std::atomic<uint64_t> reader_wake_head_{0};  // the waiting reader wants head_ to reach it
  std::atomic<uint32_t> room_gen_{0};
  alignas(64) std::atomic<bool> ended_{false};  // the reader ended; end_ is set before
  std::atomic<bool> stop_{false};               // the destructor asks the reader to end
  Status end_;

  std::mutex large_mu_;                     // guards large_
  std::deque<std::vector<uint8_t>> large_;  // packets too big for the ring, in order
  std::vector<uint8_t> current_large_;      // consumer: the large packet returned last
  alignas(64) uint64_t release_to_ = 0;     // consumer: head_ after the packet returned
  uint64_t seen_tail_ = 0;                  // consumer: tail_ when it last looked
  uint64_t consumer_checked_ = 0;           // consumer: head_ when it last looked for a waiter
  int64_t wait_ns_ = 200'000;               // consumer: its next wait's timeout

  std::thread reader_;
};

}  // namespace binlake
