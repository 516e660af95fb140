#include "source/packet_prefetcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

namespace binlake {
namespace {

// Packet i: its number in decimal, repeated so that sizes vary.
std::string PacketText(int i) {
  std::string one = std::to_string(i) + ";";
  std::string out;
  const int repeat = i % 50 == 7 ? 400 : 1 + i % 13;
  for (int r = 0; r < repeat; ++r) out += one;
  return out;
}

std::span<const uint8_t> Bytes(const std::string& s) {
  return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string AsString(std::span<const uint8_t> s) {
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

TEST(PacketPrefetcherTest, ReturnsEveryPacketInOrderThenTheErrorForever) {
  constexpr int kPackets = 5000;
  int next = 0;
  std::string held;  // the read function's buffer, overwritten by every read
  PacketPrefetcher prefetcher(
      [&]() -> Result<PacketPrefetcher::Packet> {
        if (next == kPackets) return NetworkError("connection lost");
        held = PacketText(next++);
        return PacketPrefetcher::Packet{Bytes(held), static_cast<uint32_t>(held.size())};
      },
      /*ring_bytes=*/0);  // the smallest ring: it wraps many times
  for (int i = 0; i < kPackets; ++i) {
    auto p = prefetcher.Next();
    ASSERT_TRUE(p.ok()) << i << ": " << p.status().ToString();
    ASSERT_EQ(AsString(p->bytes), PacketText(i));
    ASSERT_EQ(p->tag, PacketText(i).size());  // the reader's tag travels with its packet
  }
  for (int again = 0; again < 3; ++again) {
    auto end = prefetcher.Next();
    ASSERT_FALSE(end.ok());
    EXPECT_EQ(end.status().code(), StatusCode::kNetworkError);
    EXPECT_EQ(end.status().message(), "connection lost");
  }
}

TEST(PacketPrefetcherTest, AHugePageRingCarriesEveryPacket) {
  // A ring of a multiple of 2 MiB is allocated aligned and advised as huge pages: packets must
  // cross it, and its end, unchanged (60,000 packets, ~5.8 MiB: the ring wraps twice).
  constexpr int kPackets = 60000;
  int next = 0;
  std::string held;
  PacketPrefetcher prefetcher(
      [&]() -> Result<PacketPrefetcher::Packet> {
        if (next == kPackets) return NetworkError("end");
        held = PacketText(next++);
        return PacketPrefetcher::Packet{Bytes(held), 0};
      },
      /*ring_bytes=*/size_t{2} << 20);
  for (int i = 0; i < kPackets; ++i) {
    auto p = prefetcher.Next();
    ASSERT_TRUE(p.ok()) << i << ": " << p.status().ToString();
    ASSERT_EQ(AsString(p->bytes), PacketText(i));
  }
  EXPECT_FALSE(prefetcher.Next().ok());
}

TEST(PacketPrefetcherTest, APacketIsDeliveredWhileTheReaderWaitsForTheNext) {
  // The second read blocks until released: the first packet must reach the consumer anyway
  // (an idle source must not delay the last event before it).
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  int reads = 0;
  const std::string packet = "the only event";
  PacketPrefetcher prefetcher(
      [&]() -> Result<PacketPrefetcher::Packet> {
        if (reads++ == 0) {
          return PacketPrefetcher::Packet{Bytes(packet), static_cast<uint32_t>(packet.size())};
        }
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return release; });
        return Cancelled("released");
      },
      /*ring_bytes=*/1 << 20);
  auto first = prefetcher.Next();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(AsString(first->bytes), packet);
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  auto end = prefetcher.Next();
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.status().code(), StatusCode::kCancelled);
}

TEST(PacketPrefetcherTest, ReadsAheadNoFurtherThanItsRing) {
  constexpr size_t kRing = 64 << 10;
  const std::string packet(56, 'x');  // a 64-byte record: 1024 of them fill the ring
  std::atomic<int> reads{0};
  std::atomic<bool> stop{false};
  {
    PacketPrefetcher prefetcher(
        [&]() -> Result<PacketPrefetcher::Packet> {
          if (stop.load()) return Cancelled("stopped");
          ++reads;
          return PacketPrefetcher::Packet{Bytes(packet), static_cast<uint32_t>(packet.size())};
        },
        kRing);
    // Whatever the timing, the reader holds at most a full ring, the packet it waits to place
    // and the one the consumer was given last.
    const int bound = static_cast<int>(kRing / 64) + 2;
    for (int consumed = 1; consumed <= 5000; ++consumed) {
      auto p = prefetcher.Next();
      ASSERT_TRUE(p.ok());
      ASSERT_EQ(AsString(p->bytes), packet);
      ASSERT_LE(reads.load() - consumed, bound) << "after " << consumed << " packets";
    }
    stop.store(true);  // lets the reader's next read return, so the destructor can join it
  }
}

TEST(PacketPrefetcherTest, LargePacketsTravelBesideTheRing) {
  // Packets above a quarter of the ring, mixed with small ones, in order and intact.
  constexpr size_t kRing = 64 << 10;
  int next = 0;
  std::string held;
  auto text = [](int i) {
    return i % 3 == 1 ? std::string(100000 + i, static_cast<char>('a' + i % 26))
                      : std::to_string(i);
  };
  PacketPrefetcher prefetcher(
      [&]() -> Result<PacketPrefetcher::Packet> {
        if (next == 300) return NetworkError("done");
        held = text(next++);
        return PacketPrefetcher::Packet{Bytes(held), static_cast<uint32_t>(held.size())};
      },
      kRing);
  for (int i = 0; i < 300; ++i) {
    auto p = prefetcher.Next();
    ASSERT_TRUE(p.ok()) << i;
    ASSERT_EQ(AsString(p->bytes), text(i)) << i;
    ASSERT_EQ(p->tag, text(i).size()) << i;
  }
  EXPECT_EQ(prefetcher.Next().status().message(), "done");
}

TEST(PacketPrefetcherTest, DestroyedWhileTheReaderWaitsForRoom) {
  const std::string packet(64, 'y');
  std::atomic<int> reads{0};
  {
    PacketPrefetcher prefetcher(
        [&]() -> Result<PacketPrefetcher::Packet> {
          ++reads;
          return PacketPrefetcher::Packet{Bytes(packet), static_cast<uint32_t>(packet.size())};
        },
        /*ring_bytes=*/0);
    auto p = prefetcher.Next();
    ASSERT_TRUE(p.ok());
    // The reader soon blocks waiting for room; the destructor must wake and join it.
  }
  EXPECT_GE(reads.load(), 1);
}

}  // namespace
}  // namespace binlake
