// FaultProxy's HTTP mode: HTTP/1.1 requests read from the client, classified as S3 operations,
// forwarded (each on a connection of its own) or answered by the proxy, with the fault the plan
// decides. RFC 9112: message framing (Content-Length, chunked, no body for HEAD/1xx/204/304).
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "support/fault_proxy.h"
#include "support/fault_proxy_impl.h"

namespace binlake::testing {
namespace {

constexpr size_t kMaxHead = 64 * 1024;

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Buffered reading from one socket: `buf` holds what was received, `pos` what was consumed.
struct Reader {
  int fd;
  std::string buf;
  size_t pos = 0;

  bool Fill() {
    char chunk[65536];
    while (true) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buf.append(chunk, static_cast<size_t>(n));
      return true;
    }
  }
  // At least `n` unconsumed bytes.
  bool Need(size_t n) {
    while (buf.size() - pos < n) {
      if (!Fill()) return false;
    }
    return true;
  }
  // The offset just past the next occurrence of `delim` at or after `pos`; npos on EOF/too long.
  size_t Find(std::string_view delim, size_t limit) {
    size_t from = pos;
    while (true) {
      size_t at = buf.find(delim, from);
      if (at != std::string::npos) return at + delim.size();
      if (buf.size() - pos > limit) return std::string::npos;
      from = buf.size() >= delim.size() ? buf.size() - delim.size() + 1 : pos;
      from = std::max(from, pos);
      if (!Fill()) return std::string::npos;
    }
  }
  // Drops consumed bytes.
  void Compact() {
    buf.erase(0, pos);
    pos = 0;
  }
};

struct Head {
  std::string first_line;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercase

  std::string Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return "";
  }
};

Head ParseHead(std::string_view text) {
  Head h;
  size_t line_end = text.find("\r\n");
  h.first_line = std::string(text.substr(0, line_end));
  size_t pos = line_end == std::string_view::npos ? text.size() : line_end + 2;
  while (pos < text.size()) {
    size_t e = text.find("\r\n", pos);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(pos, e - pos);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string name(line.substr(0, colon));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      h.headers.emplace_back(std::move(name), std::string(value));
    }
    pos = e + 2;
  }
  return h;
}

bool HasToken(const std::string& value, std::string_view token) {
  std::string v = value;
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v.find(token) != std::string::npos;
}

bool ParseLength(const std::string& text, size_t* out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  *out = std::stoull(text);
  return true;
}

// One response read from the upstream: every byte of it, and where its body starts.
struct RawResponse {
  std::string raw;
  size_t body_start = 0;  // == raw.size() when it has no body
  bool close = false;     // the upstream closes after it (Connection: close, or EOF-delimited)
};

// Reads a chunked body from `r` (at r.pos) up to and including its trailer section.
bool ReadChunked(Reader& r) {
  while (true) {
    size_t line_end = r.Find("\r\n", 1024);
    if (line_end == std::string::npos) return false;
    std::string size_text = r.buf.substr(r.pos, line_end - 2 - r.pos);
    size_text = size_text.substr(0, size_text.find(';'));
    size_t size = 0;
    try {
      size = std::stoull(size_text, nullptr, 16);
    } catch (...) {
      return false;
    }
    r.pos = line_end;
    if (size == 0) {
      // Trailer fields, then an empty line.
      while (true) {
        size_t end = r.Find("\r\n", kMaxHead);
        if (end == std::string::npos) return false;
        bool empty = end - r.pos == 2;
        r.pos = end;
        if (empty) return true;
      }
    }
    if (!r.Need(size + 2)) return false;
    r.pos += size + 2;
  }
}

// Reads one whole response to a `method` request (interim 1xx answers included in `raw`).
bool ReadResponse(Reader& r, const std::string& method, RawResponse* out) {
  while (true) {
    size_t head_end = r.Find("\r\n\r\n", kMaxHead);
    if (head_end == std::string::npos) return false;
    Head head = ParseHead(std::string_view(r.buf).substr(r.pos, head_end - r.pos));
    r.pos = head_end;
    int status = 0;
    if (head.first_line.size() >= 12) status = std::atoi(head.first_line.c_str() + 9);
    if (status >= 100 && status < 200) continue;
    out->close = HasToken(head.Header("connection"), "close");
    size_t body_start = r.pos;
    if (method == "HEAD" || status == 204 || status == 304) {
      // No body.
    } else if (HasToken(head.Header("transfer-encoding"), "chunked")) {
      if (!ReadChunked(r)) return false;
    } else if (size_t length = 0; ParseLength(head.Header("content-length"), &length)) {
      if (!r.Need(length)) return false;
      r.pos += length;
    } else {
      while (r.Fill()) {
      }
      r.pos = r.buf.size();
      out->close = true;
    }
    out->raw = r.buf.substr(0, r.pos);
    out->body_start = body_start;
    return true;
  }
}

std::string S3ErrorAnswer(HttpFault kind, const std::string& method, const std::string& target,
                          int serial) {
  const bool slow = kind == HttpFault::kSlowDown;
  std::string request_id = "fault-proxy-" + std::to_string(serial);
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" +
                     std::string(slow ? "SlowDown" : "InternalError") + "</Code><Message>" +
                     (slow ? "Please reduce your request rate."
                           : "We encountered an internal error. Please "
                             "try again.") +
                     "</Message><Resource>" + target.substr(0, target.find('?')) +
                     "</Resource><RequestId>" + request_id + "</RequestId></Error>";
  if (method == "HEAD") body.clear();
  return std::string(slow ? "HTTP/1.1 503 Slow Down\r\n"
                          : "HTTP/1.1 500 Internal Server Error\r\n") +
         "Content-Type: application/xml\r\nx-amz-request-id: " + request_id +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Whether S3 answers the operation (when it succeeds) with a body.
bool AnswersWithBody(S3Op op) {
  switch (op) {
    case S3Op::kCreateMultipartUpload:
    case S3Op::kCompleteMultipartUpload:
    case S3Op::kGetObject:
    case S3Op::kListObjectsV2:
    case S3Op::kListMultipartUploads:
      return true;
    default:
      return false;
  }
}

bool HasQueryParam(std::string_view query, std::string_view name) {
  std::string q = "&" + std::string(query) + "&";
  return q.find("&" + std::string(name) + "=") != std::string::npos ||
         q.find("&" + std::string(name) + "&") != std::string::npos;
}

}  // namespace

S3Op ClassifyS3Request(std::string_view method, std::string_view target) {
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  // Path-style: /bucket[/key]. A key is present when something follows the bucket's slash.
  size_t slash = path.size() > 1 ? path.find('/', 1) : std::string_view::npos;
  const bool object = slash != std::string_view::npos && slash + 1 < path.size();
  if (!object) {
    if (method == "GET" && HasQueryParam(query, "uploads")) return S3Op::kListMultipartUploads;
    if (method == "GET" && HasQueryParam(query, "list-type")) return S3Op::kListObjectsV2;
    return S3Op::kOther;
  }
  if (method == "PUT") {
    if (HasQueryParam(query, "uploadId")) return S3Op::kUploadPart;
    return path.find("_binlake/cdc/checkpoint-") != std::string_view::npos ? S3Op::kPutCheckpoint
                                                                           : S3Op::kPutObject;
  }
  if (method == "GET") return S3Op::kGetObject;
  if (method == "HEAD") return S3Op::kHeadObject;
  if (method == "DELETE") {
    return HasQueryParam(query, "uploadId") ? S3Op::kAbortMultipartUpload : S3Op::kDeleteObject;
  }
  if (method == "POST" && HasQueryParam(query, "uploads")) return S3Op::kCreateMultipartUpload;
  if (method == "POST" && HasQueryParam(query, "uploadId")) return S3Op::kCompleteMultipartUpload;
  return S3Op::kOther;
}

std::optional<HttpFault> FaultProxy::Impl::Decide(S3Op op, bool has_body) {
  std::lock_guard<std::mutex> lock(mu_);
  const int o = static_cast<int>(op);
  ++requests_[o];
  if (!enabled() || stopping() || http_.kinds.empty() || budget_used_ >= http_.budget) {
    return std::nullopt;
  }
  if (consecutive_[o] >= http_.max_consecutive) {
    consecutive_[o] = 0;
    return std::nullopt;
  }
  int so_far = 0;
  for (int v : faults_[o]) so_far += v;
  const bool hit = so_far < http_.min_per_operation ||
                   std::uniform_real_distribution<double>(0, 1)(rng_) < http_.probability;
  if (!hit) {
    consecutive_[o] = 0;
    return std::nullopt;
  }
  // The kind this operation has had least, ties broken at random.
  std::vector<HttpFault> fit;
  for (HttpFault k : http_.kinds) {
    if (k != HttpFault::kTruncatedBody || has_body) fit.push_back(k);
  }
  if (fit.empty()) return std::nullopt;
  std::shuffle(fit.begin(), fit.end(), rng_);
  HttpFault kind = *std::min_element(fit.begin(), fit.end(), [&](HttpFault a, HttpFault b) {
    return faults_[o][static_cast<int>(a)] < faults_[o][static_cast<int>(b)];
  });
  ++consecutive_[o];
  ++budget_used_;
  return kind;
}

void FaultProxy::Impl::Record(S3Op op, HttpFault planned, HttpFault applied) {
  (void)planned;
  std::lock_guard<std::mutex> lock(mu_);
  ++faults_[static_cast<int>(op)][static_cast<int>(applied)];
}

void FaultProxy::Impl::ServeHttp(int client) {
  Reader in{client, {}, 0};
  int serial = 0;
  while (!stopping()) {
    in.Compact();
    size_t head_end = in.Find("\r\n\r\n", kMaxHead);
    if (head_end == std::string::npos) break;
    const std::string head_text = in.buf.substr(0, head_end);
    Head head = ParseHead(head_text);
    in.pos = head_end;
    size_t sp1 = head.first_line.find(' ');
    size_t sp2 = head.first_line.rfind(' ');
    if (sp1 == std::string::npos || sp2 <= sp1) break;
    const std::string method = head.first_line.substr(0, sp1);
    const std::string target = head.first_line.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t length = 0;
    if (HasToken(head.Header("transfer-encoding"), "chunked")) break;  // not sent by binlake
    if (!head.Header("content-length").empty() &&
        !ParseLength(head.Header("content-length"), &length)) {
      break;
    }
    const S3Op op = ClassifyS3Request(method, target);
    const std::optional<HttpFault> fault = Decide(op, AnswersWithBody(op));
    ++serial;

    if (fault == HttpFault::kResetMidRequest) {
      // Part of the body (none if there is none), then a reset.
      const size_t part = length == 0 ? 0 : Random(0, length - 1);
      in.Need(part);
      Record(op, *fault, *fault);
      Close(client, true);
      return;
    }
    if (!in.Need(length)) break;
    const std::string body = in.buf.substr(in.pos, length);
    in.pos += length;
    const bool client_closes = HasToken(head.Header("connection"), "close");

    if (fault == HttpFault::kInternalError || fault == HttpFault::kSlowDown) {
      Record(op, *fault, *fault);
      if (!SendAll(client, S3ErrorAnswer(*fault, method, target, serial)) || client_closes) break;
      continue;
    }
    if (fault == HttpFault::kLatency) {
      if (!Pause(std::chrono::milliseconds(
              Random(http_.min_latency.count(), http_.max_latency.count())))) {
        break;
      }
      Record(op, *fault, *fault);
    }

    const bool hold =
        !http_.hold_target.empty() && target.find(http_.hold_target) != std::string::npos;
    if (hold) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++held_;
      }
      if (!Pause(http_.hold_for)) break;
    }

    int upstream = ConnectUpstream();
    if (upstream < 0) break;  // the client sees the connection close, as from a dead server
    Reader up{upstream, {}, 0};
    RawResponse response;
    bool got = SendAll(upstream, head_text) && SendAll(upstream, body) &&
               ReadResponse(up, method, &response);
    Close(upstream, false);
    if (hold && got) {
      std::lock_guard<std::mutex> lock(mu_);
      ++released_;
    }
    if (!got) break;

    if (fault == HttpFault::kTruncatedBody && response.body_start < response.raw.size()) {
      // The head and part of the body, then an orderly close: the answer is cut short.
      const size_t keep = Random(response.body_start, response.raw.size() - 1);
      SendAll(client, std::string_view(response.raw).substr(0, keep));
      Record(op, *fault, *fault);
      ::shutdown(client, SHUT_WR);
      break;
    }
    if (fault == HttpFault::kResetMidResponse || fault == HttpFault::kTruncatedBody) {
      // Part of the answer (at least one byte, not all of it), then a reset.
      const size_t keep = Random(1, response.raw.size() - 1);
      SendAll(client, std::string_view(response.raw).substr(0, keep));
      Record(op, *fault, HttpFault::kResetMidResponse);
      Close(client, true);
      return;
    }
    if (fault == HttpFault::kDropAnswer) {
      Record(op, *fault, *fault);
      break;  // applied upstream; the client gets no answer
    }
    if (!SendAll(client, response.raw) || client_closes || response.close) break;
  }
  Close(client, false);
}

}  // namespace binlake::testing
