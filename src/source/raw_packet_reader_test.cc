#include "source/raw_packet_reader.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace binlake {
namespace {

// One MySQL packet: 3-byte length, sequence id, payload.
std::string Packet(const std::string& payload, uint8_t seq) {
  std::string p(4, '\0');
  p[0] = static_cast<char>(payload.size() & 0xff);
  p[1] = static_cast<char>(payload.size() >> 8 & 0xff);
  p[2] = static_cast<char>(payload.size() >> 16 & 0xff);
  p[3] = static_cast<char>(seq);
  return p + payload;
}

class RawPacketReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0); }
  void TearDown() override {
    if (writer_.joinable()) writer_.join();
    close(fds_[0]);
    if (fds_[1] >= 0) close(fds_[1]);
  }
  // Writes `bytes` from another thread in pieces of `step` bytes (so packets straddle reads).
  void WriteInPieces(std::string bytes, size_t step, bool close_after) {
    writer_ = std::thread([this, bytes = std::move(bytes), step, close_after] {
      for (size_t at = 0; at < bytes.size(); at += step) {
        size_t n = std::min(step, bytes.size() - at);
        size_t done = 0;
        while (done < n) {
          ssize_t w = write(fds_[1], bytes.data() + at + done, n - done);
          if (w <= 0) return;
          done += static_cast<size_t>(w);
        }
      }
      if (close_after) {
        close(fds_[1]);
        fds_[1] = -1;
      }
    });
  }

  int fds_[2] = {-1, -1};
  std::thread writer_;
};

TEST_F(RawPacketReaderTest, PacketsAcrossReadsAndAJoinedLargePayload) {
  // Small packets, an empty one, one of exactly 0xFFFFFF + 10 bytes (two pieces), more small.
  std::vector<std::string> payloads = {
      "\x00"
      "event-1",
      "", std::string(300, 'x')};
  std::string large(0xFFFFFF + 10, '\0');
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>(i * 7);
  std::string stream;
  uint8_t seq = 1;
  for (const auto& p : payloads) stream += Packet(p, seq++);
  stream += Packet(large.substr(0, 0xFFFFFF), seq++);
  stream += Packet(large.substr(0xFFFFFF), seq++);
  stream += Packet("after", seq++);
  WriteInPieces(stream, 4093, /*close_after=*/true);

  RawPacketReader reader(fds_[0], 10000);
  for (const auto& want : payloads) {
    auto got = reader.Next();
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(std::string(got->begin(), got->end()), want);
  }
  auto joined = reader.Next();
  ASSERT_TRUE(joined.ok()) << joined.status().ToString();
  ASSERT_EQ(joined->size(), large.size());
  EXPECT_TRUE(std::string(joined->begin(), joined->end()) == large);
  auto after = reader.Next();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(std::string(after->begin(), after->end()), "after");
  // The writer closed its end: the reader says so instead of waiting.
  auto end = reader.Next();
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.status().code(), StatusCode::kNetworkError);
  EXPECT_FALSE(reader.timed_out());
}

TEST_F(RawPacketReaderTest, SilenceLongerThanTheTimeoutIsANetworkError) {
  RawPacketReader reader(fds_[0], 50);
  auto got = reader.Next();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNetworkError);
  EXPECT_TRUE(reader.timed_out());
}

TEST_F(RawPacketReaderTest, AHalfPacketThenCloseIsAnError) {
  std::string p = Packet("0123456789", 1);
  WriteInPieces(p.substr(0, 7), 7, /*close_after=*/true);
  RawPacketReader reader(fds_[0], 10000);
  auto got = reader.Next();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNetworkError);
}

}  // namespace
}  // namespace binlake
