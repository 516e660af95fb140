// RunPipe end to end in one process: a reader thread reads the FIFOs as a training program does.
#include "pipe/pipe_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "common/testing/temp_dir.h"
#include "format/recordio/recordio.h"
#include "store/target_config.h"
#include "store/testing/failing_reads_store.h"

namespace binlake::pipe {
namespace {

void WriteFile(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string Gzip(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Waits (bounded) for the FIFO to exist, then reads it to the end, or `limit` bytes and closes.
std::string ReadFifo(const std::string& path, size_t limit = SIZE_MAX) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  struct stat st;
  while (::stat(path.c_str(), &st) != 0) {
    if (std::chrono::steady_clock::now() > deadline) return "<no fifo " + path + ">";
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return "<cannot open " + path + ">";
  std::string out;
  char buf[65536];
  while (out.size() < limit) {
    ssize_t n = ::read(fd, buf, std::min(sizeof(buf), limit - out.size()));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

class PipeServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::mkdir((dir_.path() + "/data").c_str(), 0700);
    options_.fifo_dir = dir_.path() + "/fifos";
    options_.open_timeout = std::chrono::seconds(20);
    options_.chunk_bytes = 1000;  // many chunks per object
    options_.open_store = [](const std::string& url) {
      TargetConfig c;
      c.url = url;
      return OpenObjectStore(c);
    };
  }
  ChannelConfig Channel() {
    ChannelConfig c;
    c.name = "train";
    c.uri = "file://" + dir_.path() + "/data";
    return c;
  }
  TempDir dir_{"pipe-server"};
  PipeOptions options_;
};

TEST_F(PipeServerTest, TwoEpochsRecordIoAndEarlyStop) {
  std::vector<std::string> objects;
  for (int i = 0; i < 5; ++i) {
    objects.push_back(std::string(400000 * i + 3, static_cast<char>('a' + i)));  // > the pipe
    WriteFile(dir_.path() + "/data/obj" + std::to_string(i), objects.back());
  }
  ChannelConfig c = Channel();
  c.record_wrapper = RecordWrapper::kRecordIo;
  options_.epochs = 3;
  auto run = std::async(std::launch::async, [&] { return RunPipe({c}, options_); });
  std::string expected;
  for (const std::string& o : objects) ASSERT_TRUE(AppendRecordIo(o, &expected).ok());
  EXPECT_EQ(ReadFifo(options_.fifo_dir + "/train_0"), expected);
  EXPECT_EQ(ReadFifo(options_.fifo_dir + "/train_1", 10), expected.substr(0, 10));  // stops early
  EXPECT_EQ(ReadFifo(options_.fifo_dir + "/train_2"), expected);
  auto result = run.get();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ((*result)[0].epochs.size(), 3u);
  EXPECT_FALSE((*result)[0].epochs[0].reader_stopped);
  EXPECT_EQ((*result)[0].epochs[0].items, 5u);
  // Epoch 1's reader stopped after 10 bytes: the epoch (4 MB) does not fit in the pipe (1 MiB),
  // so a write met the closed FIFO (EPIPE) and the epoch ended there, the process unharmed.
  EXPECT_TRUE((*result)[0].epochs[1].reader_stopped);
  EXPECT_LT((*result)[0].epochs[1].bytes, expected.size());
  EXPECT_EQ((*result)[0].epochs[2].bytes, expected.size());
  // Every FIFO is gone.
  struct stat st;
  for (int e = 0; e < 4; ++e) {
    EXPECT_NE(::stat((options_.fifo_dir + "/train_" + std::to_string(e)).c_str(), &st), 0) << e;
  }
}

TEST_F(PipeServerTest, GzipObjectsAreGunzipped) {
  std::string a(50000, 'x'), b = "hello, gzip";
  WriteFile(dir_.path() + "/data/a.gz", Gzip(a));
  WriteFile(dir_.path() + "/data/b.gz", Gzip(b) + Gzip(b));  // two members
  ChannelConfig c = Channel();
  c.compression = Compression::kGzip;
  auto run = std::async(std::launch::async, [&] { return RunPipe({c}, options_); });
  EXPECT_EQ(ReadFifo(options_.fifo_dir + "/train_0"), a + b + b);
  ASSERT_TRUE(run.get().ok());
}

TEST_F(PipeServerTest, DamagedGzipObjectIsNamed) {
  std::string good = Gzip(std::string(20000, 'y'));
  WriteFile(dir_.path() + "/data/a.gz", good);
  WriteFile(dir_.path() + "/data/b.gz", good.substr(0, good.size() / 2));  // cut short
  ChannelConfig c = Channel();
  c.compression = Compression::kGzip;
  auto run = std::async(std::launch::async, [&] { return RunPipe({c}, options_); });
  std::string got = ReadFifo(options_.fifo_dir + "/train_0");
  auto result = run.get();
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("damaged gzip object"), std::string::npos)
      << result.status().message();
  EXPECT_NE(result.status().message().find("b.gz"), std::string::npos);
  // The reader got at most the bytes before the damage (then end of file; the exit status says
  // the epoch failed).
  EXPECT_LT(got.size(), 40000u);
  EXPECT_TRUE(got == std::string(got.size(), 'y'));
}

TEST_F(PipeServerTest, ReadErrorMidObjectFailsTheRun) {
  WriteFile(dir_.path() + "/data/a", std::string(5000, 'a'));
  WriteFile(dir_.path() + "/data/b", std::string(5000, 'b'));
  WriteFile(dir_.path() + "/data/c", std::string(5000, 'c'));
  options_.epochs = 2;
  options_.open_store = [](const std::string& url) -> Result<std::unique_ptr<ObjectStore>> {
    TargetConfig c;
    c.url = url;
    ASSIGN_OR_RETURN(auto base, OpenObjectStore(c));
    return std::unique_ptr<ObjectStore>(new testing::FailingReadsStore(
        std::move(base), "b", "HTTP 500 InternalError after 8 attempts"));
  };
  auto run = std::async(std::launch::async, [&] { return RunPipe({Channel()}, options_); });
  std::string got = ReadFifo(options_.fifo_dir + "/train_0");
  auto result = run.get();
  ASSERT_FALSE(result.ok());  // never a silently short epoch
  EXPECT_NE(result.status().message().find("channel train epoch 0: reading file://"),
            std::string::npos)
      << result.status().message();
  EXPECT_NE(result.status().message().find("/data/b: HTTP 500"), std::string::npos)
      << result.status().message();
  EXPECT_LT(got.size(), 15000u);
  struct stat st;
  EXPECT_NE(::stat((options_.fifo_dir + "/train_0").c_str(), &st), 0);
  EXPECT_NE(::stat((options_.fifo_dir + "/train_1").c_str(), &st), 0);
}

TEST_F(PipeServerTest, ReaderThatNeverOpensTimesOut) {
  WriteFile(dir_.path() + "/data/a", "abc");
  options_.open_timeout = std::chrono::milliseconds(200);
  auto result = RunPipe({Channel()}, options_);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("no reader opened the FIFO"), std::string::npos)
      << result.status().message();
  struct stat st;
  EXPECT_NE(::stat((options_.fifo_dir + "/train_0").c_str(), &st), 0);  // removed
}

TEST_F(PipeServerTest, EmptyChannelAndEmptyShard) {
  auto empty = RunPipe({Channel()}, options_);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("no object under"), std::string::npos)
      << empty.status().message();
  WriteFile(dir_.path() + "/data/a", "abc");
  ChannelConfig c = Channel();
  c.distribution = Distribution::kShardedByS3Key;
  options_.host = {1, 2};
  auto shard = RunPipe({c}, options_);
  ASSERT_FALSE(shard.ok());
  EXPECT_NE(shard.status().message().find("empty shard"), std::string::npos)
      << shard.status().message();
}

TEST_F(PipeServerTest, ShardedHostsPartitionTheChannel) {
  std::string all;
  for (int i = 0; i < 6; ++i) {
    WriteFile(dir_.path() + "/data/o" + std::to_string(i), std::to_string(i));
  }
  ChannelConfig c = Channel();
  c.distribution = Distribution::kShardedByS3Key;
  std::string got;
  for (size_t h = 0; h < 2; ++h) {
    PipeOptions o = options_;
    o.host = {h, 2};
    o.fifo_dir = options_.fifo_dir + std::to_string(h);
    auto run = std::async(std::launch::async, [&] { return RunPipe({c}, o); });
    got += ReadFifo(o.fifo_dir + "/train_0") + "|";
    ASSERT_TRUE(run.get().ok());
  }
  EXPECT_EQ(got, "024|135|");  // sorted keys, object i to host i % 2
}

}  // namespace
}  // namespace binlake::pipe
