#include "ops/log_format.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

namespace binlake::ops {
namespace {

struct JsonSettings {
  std::mutex mu;
  bool json = false;
  std::string command;
  std::string task;
};

JsonSettings& Settings() {
  static JsonSettings* s = new JsonSettings();  // never destroyed: threads may log at exit
  return *s;
}

std::string IsoTime(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return buf;
}

class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const int64_t ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    const auto level = spdlog::level::to_string_view(msg.level);
    std::string line = JsonLogLine(ms, std::string_view(level.data(), level.size()),
                                   std::string_view(msg.payload.data(), msg.payload.size()));
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

std::string JsonLogLine(int64_t unix_ms, std::string_view level, std::string_view message) {
  JsonSettings& s = Settings();
  nlohmann::ordered_json j;
  j["time"] = IsoTime(unix_ms);
  j["level"] = level;
  j["message"] = message;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    j["task"] = s.task;
    j["fields"] = {{"command", s.command}, {"pid", static_cast<int64_t>(::getpid())}};
  }
  // Invalid UTF-8 (a source's bytes in a message) is replaced, never an exception.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status SetLogFormat(const std::string& format, const std::string& command,
                    const std::string& task) {
  JsonSettings& s = Settings();
  if (format == "text") {
    std::lock_guard<std::mutex> lock(s.mu);
    s.json = false;
    spdlog::set_pattern("binlake: %l: %v");
    return Status::Ok();
  }
  if (format != "json") {
    return InvalidArgument("--log-format '" + format + "' is not text or json");
  }
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.json = true;
    s.command = command;
    s.task = task;
  }
  spdlog::set_formatter(std::make_unique<JsonFormatter>());
  return Status::Ok();
}

std::string FormatErrorLine(std::string_view message) {
  JsonSettings& s = Settings();
  bool json;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    json = s.json;
  }
  std::string line(message);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';  // one line, always
  }
  if (!json) return "binlake: error: " + line;
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  return JsonLogLine(ms, "error", line);
}

}  // namespace binlake::ops
