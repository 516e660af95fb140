#include "ops/ops_server.h"

#include <httplib.h>
#include <prometheus/text_serializer.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/health.h"
#include "common/metrics.h"

namespace binlake::ops {

Result<HostPort> ParseHostPort(const std::string& address) {
  const size_t colon = address.rfind(':');
  auto bad = [&address] {
    return InvalidArgument("--metrics-address '" + address +
                           "' is not HOST:PORT (e.g. 127.0.0.1:9464, :9464, [::1]:9464)");
  };
  if (colon == std::string::npos) return bad();
  HostPort hp;
  hp.host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), hp.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || hp.port < 0 ||
      hp.port > 65535) {
    return bad();
  }
  if (hp.host.size() >= 2 && hp.host.front() == '[' && hp.host.back() == ']') {
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  } else if (hp.host.find(':') != std::string::npos) {
    return bad();  // an IPv6 address needs brackets
  }
  if (hp.host.empty()) hp.host = "0.0.0.0";
  return hp;
}

std::string RenderMetrics() {
  metrics::BeforeScrape();
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, metrics::Registry().Collect());
  return out.str();
}

Status WriteMetricsFile(const std::string& path) {
  const std::string text = RenderMetrics();
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::remove(temp.c_str());
      return IoError("cannot write the metrics file " + path);
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return IoError("cannot write the metrics file " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

struct OpsServer::Impl {
  httplib::Server server;
  std::thread thread;
};

Result<std::unique_ptr<OpsServer>> OpsServer::Start(const std::string& address,
                                                    OpsServerOptions options) {
  ASSIGN_OR_RETURN(HostPort hp, ParseHostPort(address));
  auto impl = std::make_unique<Impl>();
  httplib::Server& s = impl->server;
  s.new_task_queue = [] { return new httplib::ThreadPool(2); };
  // One request per connection: an idle keep-alive connection would hold a worker until it timed
  // out, and stopping the server waits for it (a scrape every 15 s or more gains nothing from
  // keeping the connection).
  s.set_keep_alive_max_count(1);
  // cpp-httplib's default also sets SO_REUSEPORT, which lets a second process bind the same port
  // and silently take half the scrapes: only SO_REUSEADDR (a restart may rebind at once).
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  s.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(RenderMetrics(), "text/plain; version=0.0.4; charset=utf-8");
  });
  s.Get("/healthz", [options](const httplib::Request&, httplib::Response& res) {
    health::Report r = health::Liveness(options.liveness);
    res.status = r.ok ? 200 : 503;
    res.set_content(r.text + "\n", "text/plain; charset=utf-8");
  });
  s.Get("/readyz", [options](const httplib::Request&, httplib::Response& res) {
    health::Report r = health::Readiness(options.liveness, options.store_grace);
    res.status = r.ok ? 200 : 503;
    res.set_content(r.text + "\n", "text/plain; charset=utf-8");
  });
  int port = hp.port;
  if (port == 0) {
    port = s.bind_to_any_port(hp.host);
    if (port < 0) port = 0;
  } else if (!s.bind_to_port(hp.host, port)) {
    port = 0;
  }
  if (port == 0) {
    return PreconditionFailed("cannot listen on --metrics-address " + address +
                              " (in use, or not an address of this host)");
  }
  impl->thread = std::thread([srv = &impl->server] { srv->listen_after_bind(); });
  // stop() before the accept loop runs would be lost (cpp-httplib checks is_running): wait for it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!impl->server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::unique_ptr<OpsServer> server(new OpsServer(std::move(impl)));
  const bool v6 = hp.host.find(':') != std::string::npos;
  server->address_ = (v6 ? "[" + hp.host + "]" : hp.host) + ":" + std::to_string(port);
  return server;
}

OpsServer::OpsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

OpsServer::~OpsServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace binlake::ops
