#include "support/prometheus_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "support/test_servers.h"

namespace binlake::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kReadyTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(10);
constexpr int kStartAttempts = 3;

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The last `n` characters of `s`.
std::string Tail(const std::string& s, size_t n = 3000) {
  return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

// A YAML string: JSON's double-quoted form is valid YAML.
std::string YamlString(const std::string& s) { return nlohmann::json(s).dump(); }

// "NaN", "+Inf", "-Inf", "1.5e+03": the whole string must be a number.
Result<double> ParseSampleValue(const std::string& s) {
  const char* begin = s.c_str();
  char* end = nullptr;
  double v = std::strtod(begin, &end);
  if (s.empty() || end != begin + s.size()) return Internal("not a sample value: " + s);
  return v;
}

// "exit code 2", "signal 9".
std::string DescribeWaitStatus(int status) {
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "exit code " + std::to_string(WEXITSTATUS(status));
}

// The port of "host:port" (0 if there is none).
int PortOf(const std::string& address) {
  size_t colon = address.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(address.c_str() + colon + 1);
}

}  // namespace

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::string UrlEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<std::pair<int, std::string>> HttpGet(const std::string& url) {
  TempDir temp("binlake-http-get");
  const std::string body_path = temp.File("body");
  CommandResult r = RunShell("curl -s -S --globoff --noproxy '*' --max-time 10 -o " +
                             ShellQuote(body_path) + " -w '%{http_code}' " + ShellQuote(url));
  int code = std::atoi(r.out.c_str());
  if (r.exit_code != 0 || code == 0) {
    return NetworkError("GET " + url + ": curl exit " + std::to_string(r.exit_code) + ": " + r.err);
  }
  return std::make_pair(code, ReadWholeFile(body_path));
}

Result<std::unique_ptr<PrometheusServer>> PrometheusServer::Start(
    const std::string& scrape_target, std::chrono::milliseconds scrape_interval,
    const std::string& metrics_path) {
  if (scrape_interval.count() <= 0) return InvalidArgument("scrape_interval must be positive");
  std::unique_ptr<PrometheusServer> p(new PrometheusServer());
  p->dir_ = std::make_unique<TempDir>("binlake-prometheus");
  const std::string interval = std::to_string(scrape_interval.count()) + "ms";
  const std::string config_path = p->dir_->File("prometheus.yml");
  {
    std::ofstream config(config_path);
    config << "global:\n"
           << "  scrape_interval: " << interval << "\n"
           << "  scrape_timeout: " << interval << "\n"
           << "  evaluation_interval: " << interval << "\n"
           << "scrape_configs:\n"
           << "  - job_name: binlake\n"
           << "    metrics_path: " << YamlString(metrics_path) << "\n"
           << "    static_configs:\n"
           << "      - targets: [" << YamlString(scrape_target) << "]\n";
    if (!config) return IoError("cannot write " + config_path);
  }
  Status last;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    // Not the target's port: the target may not have bound it yet.
    p->port_ = FreeLoopbackPort();
    while (p->port_ != 0 && p->port_ == PortOf(scrape_target)) p->port_ = FreeLoopbackPort();
    if (p->port_ == 0) return NetworkError("no free port on 127.0.0.1");
    last = p->Launch(config_path);
    if (last.ok()) return p;
    // Another process took the port between FreeLoopbackPort and Prometheus's bind: again.
    if (p->Log().find("address already in use") == std::string::npos) break;
  }
  return last;
}

Status PrometheusServer::Launch(const std::string& config_path) {
  Stop();
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> args = {
      "prometheus",
      "--config.file=" + config_path,
      "--storage.tsdb.path=" + dir_->File("data"),
      "--web.listen-address=127.0.0.1:" + std::to_string(port_),
  };
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log_path = dir_->File("prometheus.log");
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return Internal("fork failed");
  if (pid == 0) {
    // Dies with the thread that started it, so a test process killed by a timeout or a crash
    // leaves no Prometheus behind.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = ::open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0) ::_exit(127);
    ::dup2(null, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::close_range(3, ~0U, 0);  // no socket or file of the test is held by Prometheus
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  exit_status_ = 0;
  auto deadline = Clock::now() + kReadyTimeout;
  while (true) {
    if (!Running()) {
      return Internal("prometheus ended (" + DescribeWaitStatus(exit_status_) +
                      ") before it was ready; its log:\n" + Tail(Log()));
    }
    auto r = HttpGet(Url() + "/-/ready");
    if (r.ok() && r->first == 200) return Status::Ok();
    if (Clock::now() >= deadline) {
      Stop();
      return Internal("prometheus not ready within 60 s; its log:\n" + Tail(Log()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

PrometheusServer::~PrometheusServer() { Stop(); }

bool PrometheusServer::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    exit_status_ = status;
    pid_ = 0;
    return false;
  }
  return true;
}

void PrometheusServer::Stop() {
  if (!Running()) return;
  ::kill(pid_, SIGTERM);
  auto deadline = Clock::now() + kStopTimeout;
  while (Running()) {
    if (Clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      exit_status_ = status;
      pid_ = 0;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string PrometheusServer::Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string PrometheusServer::Log() const { return ReadWholeFile(dir_->File("prometheus.log")); }

Result<std::string> PrometheusServer::Query(const std::string& promql) {
  ASSIGN_OR_RETURN(auto response, HttpGet(Url() + "/api/v1/query?query=" + UrlEncode(promql)));
  if (response.first != 200) {
    return Internal("query " + promql + ": HTTP " + std::to_string(response.first) + ": " +
                    Tail(response.second, 500));
  }
  return std::move(response.second);
}

Result<std::optional<double>> PrometheusServer::QueryScalar(const std::string& promql) {
  ASSIGN_OR_RETURN(std::string body, Query(promql));
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return Internal("query " + promql + ": not JSON: " + Tail(body, 500));
  try {
    if (j.at("status") != "success") return Internal("query " + promql + ": " + body);
    const nlohmann::json& data = j.at("data");
    const std::string type = data.at("resultType");
    const nlohmann::json& result = data.at("result");
    std::string value;
    if (type == "scalar") {
      value = result.at(1);
    } else if (type == "vector") {
      if (result.empty()) return std::optional<double>();
      if (result.size() > 1) {
        return Internal("query " + promql + " yields " + std::to_string(result.size()) +
                        " series, not one: " + Tail(body, 1000));
      }
      value = result.at(0).at("value").at(1);
    } else {
      return Internal("query " + promql + ": result type " + type + ", not a vector or scalar");
    }
    ASSIGN_OR_RETURN(double v, ParseSampleValue(value));
    return std::optional<double>(v);
  } catch (const nlohmann::json::exception& e) {
    return Internal("query " + promql + ": unexpected JSON (" + e.what() + "): " + Tail(body, 500));
  }
}

}  // namespace binlake::testing
