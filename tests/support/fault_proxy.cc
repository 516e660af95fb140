// FaultProxy: the listener, the connections, the counters and the TCP mode. The HTTP mode is in
// fault_proxy_http.cc.
#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "support/fault_proxy_impl.h"

namespace binlake::testing {
namespace {

constexpr uint8_t kComBinlogDump = 0x12;
constexpr uint8_t kComBinlogDumpGtid = 0x1e;

bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void SetTimeouts(int fd, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

// Follows the client->server MySQL packets (3-byte length, sequence id, payload) to notice a
// binlog dump request: a command packet (sequence id 0) whose first payload byte is
// COM_BINLOG_DUMP or COM_BINLOG_DUMP_GTID.
class ClientPacketWatcher {
 public:
  // Returns true once a dump request was seen (in these bytes or before).
  bool Feed(const uint8_t* data, size_t size) {
    for (size_t i = 0; i < size && !dump_;) {
      if (header_len_ < 4) {
        header_[header_len_++] = data[i++];
        if (header_len_ == 4) {
          remaining_ = header_[0] | (header_[1] << 8) | (static_cast<uint32_t>(header_[2]) << 16);
          first_byte_pending_ = true;
          if (remaining_ == 0) header_len_ = 0;
        }
        continue;
      }
      if (first_byte_pending_) {
        first_byte_pending_ = false;
        if (header_[3] == 0 && (data[i] == kComBinlogDump || data[i] == kComBinlogDumpGtid)) {
          dump_ = true;
        }
      }
      size_t take = std::min<size_t>(remaining_, size - i);
      i += take;
      remaining_ -= static_cast<uint32_t>(take);
      if (remaining_ == 0) header_len_ = 0;
    }
    return dump_;
  }

 private:
  uint8_t header_[4] = {0, 0, 0, 0};
  int header_len_ = 0;
  uint32_t remaining_ = 0;
  bool first_byte_pending_ = false;
  bool dump_ = false;
};

// Follows the server->client packets of a binlog dump (each an OK byte and an event: 4-byte
// timestamp, then the type code) to tell where a cut lands: inside a packet (an event), and
// inside a transaction (after a GTID event whose XID event has not arrived complete).
class DumpStreamWatcher {
 public:
  void Feed(const uint8_t* data, size_t size) {
    for (size_t i = 0; i < size;) {
      if (header_len_ < 4) {
        header_[header_len_++] = data[i++];
        if (header_len_ == 4) {
          remaining_ = header_[0] | (header_[1] << 8) | (static_cast<uint32_t>(header_[2]) << 16);
          seen_ = 0;
          if (remaining_ == 0) header_len_ = 0;
        }
        continue;
      }
      size_t take = std::min<size_t>(remaining_, size - i);
      for (size_t k = 0; k < take && seen_ < sizeof(start_); ++k) start_[seen_++] = data[i + k];
      i += take;
      remaining_ -= static_cast<uint32_t>(take);
      if (remaining_ == 0) {
        header_len_ = 0;
        if (seen_ >= 6 && start_[0] == 0x00) EventEnded(start_[5]);
      }
    }
  }
  bool mid_packet() const { return header_len_ != 0; }
  bool in_transaction() const { return in_transaction_; }

 private:
  void EventEnded(uint8_t type) {
    constexpr uint8_t kXid = 16, kMySqlGtid = 33, kMariaDbGtid = 162;
    if (type == kMariaDbGtid || type == kMySqlGtid) in_transaction_ = true;
    if (type == kXid) in_transaction_ = false;
  }

  uint8_t header_[4] = {0, 0, 0, 0};
  int header_len_ = 0;
  uint32_t remaining_ = 0;
  uint8_t start_[6] = {0, 0, 0, 0, 0, 0};
  size_t seen_ = 0;
  bool in_transaction_ = false;
};

}  // namespace

std::string_view S3OpName(S3Op op) {
  static constexpr std::array<std::string_view, kS3OpCount> kNames = {"CreateMultipartUpload",
                                                                      "UploadPart",
                                                                      "CompleteMultipartUpload",
                                                                      "AbortMultipartUpload",
                                                                      "PutObject",
                                                                      "PutCheckpoint",
                                                                      "GetObject",
                                                                      "HeadObject",
                                                                      "ListObjectsV2",
                                                                      "ListMultipartUploads",
                                                                      "DeleteObject",
                                                                      "Other"};
  return kNames[static_cast<int>(op)];
}

std::string_view HttpFaultName(HttpFault fault) {
  static constexpr std::array<std::string_view, kHttpFaultCount> kNames = {
      "500", "503", "reset-req", "reset-resp", "truncated", "latency", "drop-answer"};
  return kNames[static_cast<int>(fault)];
}

std::vector<HttpFault> AllHttpFaults() {
  std::vector<HttpFault> all;
  for (int i = 0; i < kHttpFaultCount; ++i) all.push_back(static_cast<HttpFault>(i));
  return all;
}

FaultProxy::Impl::Impl(Mode mode, int upstream_port, HttpFaultPlan http, TcpFaultPlan tcp)
    : mode_(mode),
      upstream_port_(upstream_port),
      http_(std::move(http)),
      tcp_(tcp),
      enabled_(mode == Mode::kHttp ? http_.enabled : tcp_.enabled),
      rng_(mode == Mode::kHttp ? http_.seed : tcp_.seed) {}

FaultProxy::Impl::~Impl() { Stop(); }

Status FaultProxy::Impl::Listen() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return IoError(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return IoError(std::string("fault proxy bind/listen: ") + std::strerror(errno));
  }
  listen_fd_ = fd;
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return Status::Ok();
}

void FaultProxy::Impl::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_.exchange(true)) return;
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);  // wakes recv(), send() and poll()
  }
  stop_cv_.notify_all();
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  std::vector<Worker> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (Worker& w : workers) w.thread.join();
}

void FaultProxy::Impl::AcceptLoop() {
  while (!stopping_) {
    int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down
    }
    int one = 1;
    ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      ::close(c);
      return;
    }
    // Join the threads of connections that ended, so a long run keeps few.
    for (size_t i = 0; i < workers_.size();) {
      if (workers_[i].done->load()) {
        workers_[i].thread.join();
        workers_[i] = std::move(workers_.back());
        workers_.pop_back();
      } else {
        ++i;
      }
    }
    fds_.insert(c);
    ++connections_;
    auto done = std::make_shared<std::atomic<bool>>(false);
    workers_.push_back(Worker{std::thread([this, c, done] {
                                Serve(c);
                                done->store(true);
                              }),
                              done});
  }
}

void FaultProxy::Impl::Serve(int fd) {
  SetTimeouts(fd, 120);
  if (mode_ == Mode::kHttp) {
    ServeHttp(fd);
  } else {
    ServeTcp(fd);
  }
}

bool FaultProxy::Impl::Track(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) {
    ::close(fd);
    return false;
  }
  fds_.insert(fd);
  return true;
}

void FaultProxy::Impl::Close(int fd, bool reset) {
  if (fd < 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (reset) {
    linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  }
  fds_.erase(fd);
  ::close(fd);
}

int FaultProxy::Impl::ConnectUpstream() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (!Track(fd)) return -1;
  SetTimeouts(fd, 120);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Close(fd, false);
    return -1;
  }
  return fd;
}

bool FaultProxy::Impl::Pause(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !stop_cv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

uint64_t FaultProxy::Impl::Random(uint64_t lo, uint64_t hi) {
  if (hi <= lo) return lo;
  std::lock_guard<std::mutex> lock(mu_);
  return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_);
}

void FaultProxy::Impl::ServeTcp(int client) {
  int upstream = ConnectUpstream();
  if (upstream < 0) {
    Close(client, true);
    return;
  }
  ClientPacketWatcher watcher;
  DumpStreamWatcher stream;
  bool dump = false;
  uint64_t sent_after_dump = 0;
  uint64_t threshold = 0;
  std::vector<char> buf(1 << 16);
  bool reset = false;
  while (!stopping_) {
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    int n = ::poll(fds, 2, 1000);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (fds[0].revents != 0) {
      ssize_t got = ::recv(client, buf.data(), buf.size(), 0);
      if (got <= 0) break;
      if (!dump && watcher.Feed(reinterpret_cast<const uint8_t*>(buf.data()), got)) {
        dump = true;
        threshold = Random(tcp_.min_bytes, tcp_.max_bytes);
        std::lock_guard<std::mutex> lock(mu_);
        ++dump_connections_;
      }
      if (!SendAll(upstream, buf.data(), static_cast<size_t>(got))) break;
    }
    if (fds[1].revents != 0) {
      ssize_t got = ::recv(upstream, buf.data(), buf.size(), 0);
      if (got <= 0) break;
      size_t forward = static_cast<size_t>(got);
      bool drop = false;
      if (dump && sent_after_dump + forward >= threshold && enabled()) {
        std::lock_guard<std::mutex> lock(mu_);
        if (budget_used_ < tcp_.budget) {
          ++budget_used_;
          ++drops_;
          drop = true;
          forward = static_cast<size_t>(threshold - sent_after_dump);
        }
      }
      if (forward > 0 && !SendAll(client, buf.data(), forward)) break;
      if (dump) {
        sent_after_dump += forward;
        stream.Feed(reinterpret_cast<const uint8_t*>(buf.data()), forward);
      }
      if (drop) {
        std::lock_guard<std::mutex> lock(mu_);
        drops_mid_event_ += stream.mid_packet() ? 1 : 0;
        drops_mid_transaction_ += stream.in_transaction() ? 1 : 0;
        reset = true;
        break;
      }
    }
  }
  Close(upstream, reset);
  Close(client, reset);
}

// --- FaultProxy ---

FaultProxy::FaultProxy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  port_ = impl_->port();
}

FaultProxy::~FaultProxy() { impl_->Stop(); }

Result<std::unique_ptr<FaultProxy>> FaultProxy::StartHttp(int upstream_port, HttpFaultPlan plan) {
  if (plan.min_latency > plan.max_latency || plan.probability < 0 || plan.probability > 1) {
    return InvalidArgument("bad HTTP fault plan");
  }
  auto impl =
      std::make_unique<Impl>(Impl::Mode::kHttp, upstream_port, std::move(plan), TcpFaultPlan{});
  RETURN_IF_ERROR(impl->Listen());
  return std::unique_ptr<FaultProxy>(new FaultProxy(std::move(impl)));
}

Result<std::unique_ptr<FaultProxy>> FaultProxy::StartTcp(int upstream_port, TcpFaultPlan plan) {
  if (plan.min_bytes > plan.max_bytes) return InvalidArgument("bad TCP fault plan");
  auto impl = std::make_unique<Impl>(Impl::Mode::kTcp, upstream_port, HttpFaultPlan{}, plan);
  RETURN_IF_ERROR(impl->Listen());
  return std::unique_ptr<FaultProxy>(new FaultProxy(std::move(impl)));
}

void FaultProxy::SetFaultsEnabled(bool on) { impl_->SetEnabled(on); }

int FaultProxy::requests(S3Op op) const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->requests_[static_cast<int>(op)];
}

int FaultProxy::faults(S3Op op) const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  int n = 0;
  for (int v : impl_->faults_[static_cast<int>(op)]) n += v;
  return n;
}

int FaultProxy::faults(S3Op op, HttpFault kind) const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->faults_[static_cast<int>(op)][static_cast<int>(kind)];
}

int FaultProxy::faults_of_kind(HttpFault kind) const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  int n = 0;
  for (const auto& row : impl_->faults_) n += row[static_cast<int>(kind)];
  return n;
}

int FaultProxy::total_faults() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  int n = impl_->drops_;
  for (const auto& row : impl_->faults_) {
    for (int v : row) n += v;
  }
  return n;
}

std::string FaultProxy::Report() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  char line[256];
  std::snprintf(line, sizeof line, "%-24s %8s", "operation", "requests");
  std::string out = line;
  for (int k = 0; k < kHttpFaultCount; ++k) {
    out += " " + std::string(HttpFaultName(static_cast<HttpFault>(k)));
  }
  out += "\n";
  for (int op = 0; op < kS3OpCount; ++op) {
    std::snprintf(line, sizeof line, "%-24s %8d", S3OpName(static_cast<S3Op>(op)).data(),
                  impl_->requests_[op]);
    out += line;
    for (int k = 0; k < kHttpFaultCount; ++k) {
      std::snprintf(line, sizeof line, " %*d",
                    static_cast<int>(HttpFaultName(static_cast<HttpFault>(k)).size()),
                    impl_->faults_[op][k]);
      out += line;
    }
    out += "\n";
  }
  return out;
}

int FaultProxy::connections() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->connections_;
}

int FaultProxy::dump_connections() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->dump_connections_;
}

int FaultProxy::drops() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->drops_;
}

int FaultProxy::drops_mid_event() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->drops_mid_event_;
}

int FaultProxy::held() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->held_;
}

int FaultProxy::released() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->released_;
}

int FaultProxy::drops_mid_transaction() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->drops_mid_transaction_;
}

}  // namespace binlake::testing
