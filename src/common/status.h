// The one error model of binlake's library code: Status and Result<T>.
//
// Library functions never throw for expected failures (bad bytes, network errors, a server that
// says no); they return a Status or a Result<T>. Exceptions are reserved for programming errors.
// The command-line layer turns a failed Status into one line on stderr and a non-zero exit code.
//
// Thread-safety: values only; safe to copy and move between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace binlake {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad user input: config, flags, mappings
  kNotFound,            // a table, object, file or bucket that should exist does not
  kCorruption,          // bytes that violate their format (binlog, XML, checkpoint)
  kUnsupported,         // valid input we deliberately do not handle (e.g. encrypted binlog)
  kIoError,             // local file system
  kNetworkError,        // connection refused/reset, timeout: retryable
  kPermissionDenied,    // wrong password, missing grant, S3 403
  kPreconditionFailed,  // the source or target is not in a usable state (binlog_format, bucket)
  kAlreadyExists,       // conditional write lost (If-None-Match)
  kThrottled,           // S3 SlowDown/503/429: retryable
  kInternal,            // a server or library reported something unexpected
  kCancelled,           // stopped by a signal or a caller
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // True for failures that may succeed when retried (network, throttling).
  bool IsRetryable() const {
    return code_ == StatusCode::kNetworkError || code_ == StatusCode::kThrottled;
  }

  // Prefixes context: "reading x: <message>". Keeps the code.
  Status WithContext(std::string_view context) const;

  // "<message>" for the one-line error shown to users; code name for logs.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
inline Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
inline Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status NetworkError(std::string m) { return {StatusCode::kNetworkError, std::move(m)}; }
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status PreconditionFailed(std::string m) {
  return {StatusCode::kPreconditionFailed, std::move(m)};
}
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status Throttled(std::string m) { return {StatusCode::kThrottled, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }

// Result<T> holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(data_).ok()) {
      data_ = Status(StatusCode::kInternal, "Result constructed from an OK status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(data_);
  }

  // REQUIRES: ok().
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace binlake

#define BINLAKE_CONCAT_INNER_(a, b) a##b
#define BINLAKE_CONCAT_(a, b) BINLAKE_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` failed.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::binlake::Status binlake_status_ = (expr);        \
    if (!binlake_status_.ok()) return binlake_status_; \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, F())` declares x from a Result or returns its Status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(BINLAKE_CONCAT_(binlake_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()
