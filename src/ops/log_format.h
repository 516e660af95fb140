// The log line formats of a command (--log-format): "text" (the default: "binlake: LEVEL:
// message", for people at a terminal) or "json": one JSON object per line, for log pipelines
// (Loki, CloudWatch, Elasticsearch):
//   {"time":"2026-12-05T17:40:00.123Z","level":"warn","message":"...","task":"s3://b/p",
//    "fields":{"command":"cdc","pid":1234}}
// Applies to spdlog's default logger and to the final error line (FormatErrorLine). `task` is
// the target URL (never the source URL, which may hold a password).
// Thread-safety: SetLogFormat before other threads log; the rest from any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake::ops {

// `format` "text" or "json"; kInvalidArgument otherwise.
Status SetLogFormat(const std::string& format, const std::string& command, const std::string& task);
// The line printed for a command's final error (without the newline).
std::string FormatErrorLine(std::string_view message);
// One JSON log line (without the newline); `unix_ms` is the time, in ms since the epoch.
std::string JsonLogLine(int64_t unix_ms, std::string_view level, std::string_view message);

}  // namespace binlake::ops
