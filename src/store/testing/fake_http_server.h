// A tiny HTTP/1.1 server on 127.0.0.1 for unit tests of the S3 client: each request goes to a
// handler that scripts the answer (status, headers, body), or drops the connection, or never
// answers. Keep-alive connections are served by one thread each. Not for production use.
//
// Thread-safety: the handler is called from connection threads, one request at a time overall
// (a mutex serializes handler calls, so handlers may keep plain state).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.h"

namespace binlake::testing {

class FakeHttpServer {
 public:
  struct Request {
    std::string method;
    std::string target;  // path and query as sent, e.g. "/bucket/key?uploads"
    std::map<std::string, std::string> headers;  // lowercase names
    std::string body;
    std::string Header(const std::string& lower_name) const {
      auto it = headers.find(lower_name);
      return it == headers.end() ? "" : it->second;
    }
    // The decoded value of query parameter `name` ("" if absent); HasQuery tells absent apart.
    std::string Query(const std::string& name) const;
    bool HasQuery(const std::string& name) const;
    std::string Path() const { return target.substr(0, target.find('?')); }
  };
  struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool drop_connection = false;  // close the socket without answering
    bool hang = false;             // never answer (until the server stops)
  };
  using Handler = std::function<Response(const Request&)>;

  static Result<std::unique_ptr<FakeHttpServer>> Start(Handler handler);
  ~FakeHttpServer();  // stops accepting, closes every connection, joins all threads
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Every request received so far, in order.
  std::vector<Request> requests() const;

 private:
  explicit FakeHttpServer(Handler handler) : handler_(std::move(handler)) {}
  void AcceptLoop();
  void Serve(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::vector<Request> requests_;     // guarded by mu_
  std::vector<int> connections_;      // guarded by mu_
  std::vector<std::thread> workers_;  // guarded by mu_
  std::mutex handler_mu_;
};

// A TCP port on 127.0.0.1 where nothing listens (bound, then closed).
int UnusedLocalPort();

}  // namespace binlake::testing
