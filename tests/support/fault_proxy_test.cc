// FaultProxy (support/fault_proxy.h): requests are classified as the S3 operations they are,
// everything passes intact when faults are off (FakeS3 behind the proxy, binlake's S3 store in
// front), each fault kind reaches the S3 client as what it is (an error, or a pause), budgets and
// coverage rules hold, HTTP framing (chunked, HEAD, 204) survives the proxy, and the TCP mode cuts
// a binlog dump connection exactly where its plan says and leaves other connections alone.
#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store/http_client.h"
#include "store/s3_object_store.h"
#include "store/testing/fake_s3.h"

namespace binlake::testing {
namespace {

using s3::S3ObjectStore;

// --- Classification ---

TEST(FaultProxyTest, ClassifiesS3Requests) {
  struct Case {
    const char* method;
    const char* target;
    S3Op op;
  };
  const Case cases[] = {
      {"POST", "/bkt/p/a.csv?uploads", S3Op::kCreateMultipartUpload},
      {"POST", "/bkt/p/a.csv?uploads=", S3Op::kCreateMultipartUpload},
      {"PUT", "/bkt/p/a.csv?partNumber=2&uploadId=xyz", S3Op::kUploadPart},
      {"POST", "/bkt/p/a.csv?uploadId=xyz", S3Op::kCompleteMultipartUpload},
      {"DELETE", "/bkt/p/a.csv?uploadId=xyz", S3Op::kAbortMultipartUpload},
      {"PUT", "/bkt/p/a.csv", S3Op::kPutObject},
      {"PUT", "/bkt/p/_binlake/cdc/checkpoint-00000000000000000007.json", S3Op::kPutCheckpoint},
      {"PUT", "/bkt/_binlake/cdc/probe-123", S3Op::kPutObject},
      {"GET", "/bkt/p/_binlake/cdc/checkpoint-00000000000000000007.json", S3Op::kGetObject},
      {"HEAD", "/bkt/p/a.csv", S3Op::kHeadObject},
      {"GET", "/bkt?list-type=2&prefix=p%2F", S3Op::kListObjectsV2},
      {"GET", "/bkt/?list-type=2&prefix=p%2F&continuation-token=x", S3Op::kListObjectsV2},
      {"GET", "/bkt?uploads&prefix=p%2F", S3Op::kListMultipartUploads},
      {"GET", "/bkt/?uploads=&prefix=p%2F", S3Op::kListMultipartUploads},
      {"DELETE", "/bkt/p/a.csv", S3Op::kDeleteObject},
      {"HEAD", "/bkt", S3Op::kOther},
      {"GET", "/bkt/p/a.csv?uploadsx=1", S3Op::kGetObject},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(S3OpName(ClassifyS3Request(c.method, c.target)), S3OpName(c.op))
        << c.method << " " << c.target;
  }
}

// --- Through FakeS3 ---

class FaultProxyS3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s3 = FakeS3::Start();
    ASSERT_TRUE(s3.ok()) << s3.status().ToString();
    s3_ = std::move(*s3);
  }
  // Starts the proxy in front of FakeS3 and a store (`attempts` per request) through it.
  void StartProxy(HttpFaultPlan plan, int attempts) {
    int port = std::stoi(s3_->endpoint().substr(s3_->endpoint().rfind(':') + 1));
    auto proxy = FaultProxy::StartHttp(port, std::move(plan));
    ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();
    proxy_ = std::move(*proxy);
    TargetConfig target = s3_->Target("pre");
    target.endpoint_url = proxy_->endpoint();
    target.max_attempts = attempts;
    auto store = S3ObjectStore::Open(target);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  static HttpFaultPlan Only(HttpFault kind, int budget) {
    HttpFaultPlan plan;
    plan.kinds = {kind};
    plan.probability = 1;
    plan.budget = budget;
    plan.min_latency = std::chrono::milliseconds(10);
    plan.max_latency = std::chrono::milliseconds(20);
    return plan;
  }

  std::unique_ptr<FakeS3> s3_;
  std::unique_ptr<FaultProxy> proxy_;
  std::unique_ptr<S3ObjectStore> store_;
};

TEST_F(FaultProxyS3Test, ForwardsEveryOperationIntactWhenFaultsAreOff) {
  HttpFaultPlan plan;
  plan.enabled = false;
  StartProxy(plan, 1);
  ASSERT_TRUE(store_->Put("a.txt", "hello", {}).ok());
  auto got = store_->Get("a.txt");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "hello");
  auto head = store_->Head("a.txt");
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->size, 5u);
  EXPECT_TRUE(store_->Head("absent").ok());
  // A two-part multipart upload, prepared then published from its token.
  auto w = store_->NewWriter("big.bin", {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(std::string(5u << 20, 'a')).ok());
  ASSERT_TRUE((*w)->Write(std::string(1u << 20, 'b')).ok());
  auto token = (*w)->Prepare();
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  auto uncommitted = store_->ListUncommitted("");
  ASSERT_TRUE(uncommitted.ok());
  EXPECT_EQ(uncommitted->size(), 1u);
  ASSERT_TRUE(store_->PublishPrepared("big.bin", *token).ok());
  EXPECT_EQ(s3_->Object("pre/big.bin")->size(), 6u << 20);
  // A checkpoint-like key, a listing, a delete and an abort.
  ASSERT_TRUE(store_->Put("_binlake/cdc/checkpoint-00000000000000000001.json", "{}", {}).ok());
  auto list = store_->List("");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 3u);
  ASSERT_TRUE(store_->Delete("a.txt").ok());
  auto w2 = store_->NewWriter("aborted.bin", {});
  ASSERT_TRUE(w2.ok());
  ASSERT_TRUE((*w2)->Write("x").ok());
  ASSERT_TRUE((*w2)->Prepare().ok());
  uncommitted = store_->ListUncommitted("");
  ASSERT_TRUE(uncommitted.ok());
  ASSERT_EQ(uncommitted->size(), 1u);
  ASSERT_TRUE(store_->DiscardUncommitted((*uncommitted)[0]).ok());

  for (S3Op op : {S3Op::kCreateMultipartUpload, S3Op::kUploadPart, S3Op::kCompleteMultipartUpload,
                  S3Op::kAbortMultipartUpload, S3Op::kPutObject, S3Op::kPutCheckpoint,
                  S3Op::kGetObject, S3Op::kHeadObject, S3Op::kListObjectsV2,
                  S3Op::kListMultipartUploads, S3Op::kDeleteObject}) {
    EXPECT_GE(proxy_->requests(op), 1) << S3OpName(op);
  }
  EXPECT_EQ(proxy_->requests(S3Op::kUploadPart), 3);  // two parts, then one
  EXPECT_EQ(proxy_->requests(S3Op::kOther), 0);
  EXPECT_EQ(proxy_->total_faults(), 0);
  EXPECT_EQ(s3_->Object("pre/a.txt"), std::nullopt);
  EXPECT_EQ(s3_->open_uploads(), 0u);
}

// With one attempt per request, every kind but the latency spike reaches the caller as an
// error; the next request (the budget of one spent) goes through.
TEST_F(FaultProxyS3Test, EachKindReachesTheS3Client) {
  s3_->PutDirect("pre/obj", std::string(100000, 'o'));
  for (HttpFault kind : AllHttpFaults()) {
    SCOPED_TRACE(std::string(HttpFaultName(kind)));
    StartProxy(Only(kind, 1), 1);
    auto got = store_->Get("obj");
    if (kind == HttpFault::kLatency) {
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(got->size(), 100000u);
    } else {
      ASSERT_FALSE(got.ok()) << "a faulted GET read " << got->size() << " bytes";
      if (kind == HttpFault::kInternalError) {
        EXPECT_NE(got.status().message().find("InternalError"), std::string::npos);
      } else if (kind == HttpFault::kSlowDown) {
        EXPECT_EQ(got.status().code(), StatusCode::kThrottled);
      } else {
        EXPECT_EQ(got.status().code(), StatusCode::kNetworkError) << got.status().ToString();
      }
    }
    EXPECT_EQ(proxy_->faults(S3Op::kGetObject, kind), 1);
    EXPECT_EQ(proxy_->total_faults(), 1);
    auto again = store_->Get("obj");
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(*again, std::string(100000, 'o'));
  }
}

// A dropped answer was applied upstream; a reset in the middle of the request was not.
TEST_F(FaultProxyS3Test, DroppedAnswerIsAppliedResetRequestIsNot) {
  StartProxy(Only(HttpFault::kDropAnswer, 1), 1);
  EXPECT_FALSE(store_->Put("dropped", std::string(1 << 20, 'd'), {}).ok());
  EXPECT_EQ(s3_->Object("pre/dropped")->size(), 1u << 20);
  EXPECT_EQ(proxy_->faults(S3Op::kPutObject, HttpFault::kDropAnswer), 1);

  StartProxy(Only(HttpFault::kResetMidRequest, 1), 1);
  Status put = store_->Put("reset", std::string(4 << 20, 'r'), {});
  EXPECT_EQ(put.code(), StatusCode::kNetworkError) << put.ToString();
  EXPECT_EQ(s3_->Object("pre/reset"), std::nullopt);
  EXPECT_EQ(proxy_->faults(S3Op::kPutObject, HttpFault::kResetMidRequest), 1);
}

// Retries get through: at most max_consecutive faults in a row per operation, and no more than
// the budget in all.
TEST_F(FaultProxyS3Test, BudgetAndRunLengthHold) {
  s3_->PutDirect("pre/obj", "data");
  HttpFaultPlan plan = Only(HttpFault::kInternalError, 6);
  plan.max_consecutive = 2;
  StartProxy(plan, 3);
  for (int i = 0; i < 10; ++i) {
    auto got = store_->Get("obj");
    ASSERT_TRUE(got.ok()) << i << ": " << got.status().ToString();
  }
  EXPECT_EQ(proxy_->total_faults(), 6);
  // Three GETs took three requests each (two faults, then through); seven took one.
  EXPECT_EQ(proxy_->requests(S3Op::kGetObject), 16);
}

// min_per_operation: every operation's first requests get faults even at probability 0.
TEST_F(FaultProxyS3Test, CoverageGivesEveryOperationItsFaults) {
  HttpFaultPlan plan = Only(HttpFault::kSlowDown, 100);
  plan.probability = 0;
  plan.min_per_operation = 1;
  StartProxy(plan, 4);
  ASSERT_TRUE(store_->Put("a", "1", {}).ok());
  ASSERT_TRUE(store_->Get("a").ok());
  ASSERT_TRUE(store_->Head("a").ok());
  ASSERT_TRUE(store_->List("").ok());
  ASSERT_TRUE(store_->Delete("a").ok());
  ASSERT_TRUE(store_->Get("a").status().code() == StatusCode::kNotFound);
  for (S3Op op : {S3Op::kPutObject, S3Op::kGetObject, S3Op::kHeadObject, S3Op::kListObjectsV2,
                  S3Op::kDeleteObject}) {
    EXPECT_EQ(proxy_->faults(op, HttpFault::kSlowDown), 1) << S3OpName(op);
  }
  EXPECT_EQ(proxy_->total_faults(), 5);
}

// --- Raw servers for framing and TCP ---

// Serves each connection with `serve(fd)` on a thread of its own; stops in the destructor.
class RawServer {
 public:
  explicit RawServer(std::function<void(int)> serve) : serve_(std::move(serve)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(fd_, 16);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] {
      while (true) {
        int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) return;
        std::lock_guard<std::mutex> lock(mu_);
        conns_.push_back(c);
        threads_.emplace_back([this, c] { serve_(c); });
      }
    });
  }
  ~RawServer() {
    ::shutdown(fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(fd_);
    std::lock_guard<std::mutex> lock(mu_);
    for (int c : conns_) ::shutdown(c, SHUT_RDWR);
    for (auto& t : threads_) t.join();
    for (int c : conns_) ::close(c);
  }
  int port() const { return port_; }

 private:
  std::function<void(int)> serve_;
  int fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> conns_;
  std::vector<std::thread> threads_;
};

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads one request head (these requests have no body); "" at EOF.
std::string ReadHead(int fd) {
  std::string in;
  char c;
  while (in.find("\r\n\r\n") == std::string::npos) {
    if (::recv(fd, &c, 1, 0) != 1) return "";
    in += c;
  }
  return in;
}

// Answers by path: /b/chunked (a chunked body with a trailer), /b/head (HEAD: a length, no
// body), /b/nocontent (204). One answer per connection, then the connection stays open until
// the proxy closes it, so a proxy waiting for a body that never comes would hang the request.
void ServeFraming(int fd) {
  std::string head = ReadHead(fd);
  if (head.find(" /b/chunked ") != std::string::npos) {
    SendAll(fd,
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nx-trailer: 1\r\n\r\n");
  } else if (head.find(" /b/head ") != std::string::npos) {
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nETag: \"e\"\r\n\r\n");
  } else {
    SendAll(fd, "HTTP/1.1 204 No Content\r\n\r\n");
  }
  char c;
  while (::recv(fd, &c, 1, 0) > 0) {
  }
}

TEST(FaultProxyFramingTest, ChunkedHeadAnd204AnswersPassIntact) {
  RawServer server(ServeFraming);
  HttpFaultPlan plan;
  plan.enabled = false;
  auto proxy = FaultProxy::StartHttp(server.port(), plan);
  ASSERT_TRUE(proxy.ok());
  s3::HttpClient client({2000, 5000, ""});
  const std::string base = (*proxy)->endpoint();
  for (int round = 0; round < 2; ++round) {  // the client keeps its connection alive
    auto chunked = client.Send({"GET", base + "/b/chunked", {}, {}});
    ASSERT_TRUE(chunked.ok()) << chunked.status().ToString();
    EXPECT_EQ(chunked->body, "hello world");
    auto head = client.Send({"HEAD", base + "/b/head", {}, {}});
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->Header("etag"), "\"e\"");
    auto none = client.Send({"DELETE", base + "/b/nocontent", {}, {}});
    ASSERT_TRUE(none.ok()) << none.status().ToString();
    EXPECT_EQ(none->status, 204);
  }
  EXPECT_EQ((*proxy)->requests(S3Op::kGetObject), 2);
  EXPECT_EQ((*proxy)->requests(S3Op::kHeadObject), 2);
  EXPECT_EQ((*proxy)->requests(S3Op::kDeleteObject), 2);
}

TEST(FaultProxyFramingTest, ChunkedAnswerCutShortIsAnError) {
  RawServer server(ServeFraming);
  HttpFaultPlan plan;
  plan.kinds = {HttpFault::kTruncatedBody};
  plan.probability = 1;
  plan.budget = 1;
  auto proxy = FaultProxy::StartHttp(server.port(), plan);
  ASSERT_TRUE(proxy.ok());
  s3::HttpClient client({2000, 5000, ""});
  auto cut = client.Send({"GET", (*proxy)->endpoint() + "/b/chunked", {}, {}});
  EXPECT_FALSE(cut.ok()) << "read " << cut->body;
  EXPECT_EQ((*proxy)->faults(S3Op::kGetObject, HttpFault::kTruncatedBody), 1);
}

// --- TCP mode ---

// A MySQL-like server: every client packet is answered with 100,000 bytes.
void ServeStream(int fd) {
  char header[4];
  while (true) {
    size_t got = 0;
    while (got < 4) {
      ssize_t n = ::recv(fd, header + got, 4 - got, 0);
      if (n <= 0) return;
      got += static_cast<size_t>(n);
    }
    size_t length = static_cast<uint8_t>(header[0]);
    std::string payload(length, '\0');
    for (size_t done = 0; done < length;) {
      ssize_t n = ::recv(fd, payload.data() + done, length - done, 0);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
    if (!SendAll(fd, std::string(100000, 'e'))) return;
  }
}

// Connects to `port`, sends one packet (sequence id 0, command `command`), reads until EOF or
// 100,000 bytes; returns the bytes read.
size_t SendCommandAndRead(int port, uint8_t command) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return 0;
  }
  const char packet[] = {3, 0, 0, 0, static_cast<char>(command), 1, 2};
  SendAll(fd, std::string_view(packet, sizeof packet));
  size_t total = 0;
  char buf[8192];
  while (total < 100000) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    total += static_cast<size_t>(n);
  }
  ::close(fd);
  return total;
}

TEST(FaultProxyTcpTest, CutsBinlogDumpsWithinBudgetAndLeavesOtherConnections) {
  RawServer server(ServeStream);
  TcpFaultPlan plan;
  plan.budget = 1;
  plan.min_bytes = 12345;
  plan.max_bytes = 12345;
  auto proxy = FaultProxy::StartTcp(server.port(), plan);
  ASSERT_TRUE(proxy.ok());
  EXPECT_EQ(SendCommandAndRead((*proxy)->port(), 0x03), 100000u);  // COM_QUERY: untouched
  EXPECT_EQ(SendCommandAndRead((*proxy)->port(), 0x12), 12345u);   // COM_BINLOG_DUMP: cut
  EXPECT_EQ(SendCommandAndRead((*proxy)->port(), 0x1e), 100000u);  // the budget is spent
  EXPECT_EQ((*proxy)->drops(), 1);
  EXPECT_EQ((*proxy)->dump_connections(), 2);
  EXPECT_EQ((*proxy)->connections(), 3);
}

// A dump stream of one transaction: GTID (MariaDB, type 162), WRITE_ROWS (30), XID (16), each a
// packet of an OK byte and a 19-byte event header plus a body.
std::string EventPacket(uint8_t type, size_t body) {
  std::string payload(1 + 19 + body, '\0');
  payload[5] = static_cast<char>(type);
  std::string packet(4, '\0');
  packet[0] = static_cast<char>(payload.size() & 0xff);
  packet[1] = static_cast<char>(payload.size() >> 8);
  return packet + payload;
}
const std::string kTransaction =
    EventPacket(162, 10) + EventPacket(30, 200) + EventPacket(16, 8);  // 34 + 224 + 32 bytes

// Answers a binlog dump request with kTransaction, then stays open until the proxy closes.
void ServeDump(int fd) {
  char request[16];
  if (::recv(fd, request, sizeof request, 0) <= 0) return;
  SendAll(fd, kTransaction);
  char c;
  while (::recv(fd, &c, 1, 0) > 0) {
  }
}

TEST(FaultProxyTcpTest, TellsWhetherACutLandsInsideAnEventAndATransaction) {
  RawServer server(ServeDump);
  struct Case {
    uint64_t at;
    int mid_event;
    int mid_transaction;
  };
  // Inside WRITE_ROWS; between WRITE_ROWS and XID; inside XID; after XID (at its end).
  for (Case c : {Case{100, 1, 1}, Case{34 + 224, 0, 1}, Case{34 + 224 + 10, 1, 1},
                 Case{34 + 224 + 32, 0, 0}}) {
    SCOPED_TRACE(c.at);
    TcpFaultPlan plan;
    plan.budget = 1;
    plan.min_bytes = plan.max_bytes = c.at;
    auto proxy = FaultProxy::StartTcp(server.port(), plan);
    ASSERT_TRUE(proxy.ok());
    EXPECT_EQ(SendCommandAndRead((*proxy)->port(), 0x12), c.at);
    EXPECT_EQ((*proxy)->drops(), 1);
    EXPECT_EQ((*proxy)->drops_mid_event(), c.mid_event);
    EXPECT_EQ((*proxy)->drops_mid_transaction(), c.mid_transaction);
  }
}

}  // namespace
}  // namespace binlake::testing
