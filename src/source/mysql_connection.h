// MysqlConnection: one client connection to the source (libmariadb), with binlake's session
// settings applied, error mapping to Status, and a streaming row reader.
//
// Session settings (applied by Open): character set utf8mb4 (all text arrives as UTF-8),
// time_zone '+00:00' (TIMESTAMP values arrive in UTC, matching the binlog), long net timeouts
// (a chunk reader may pause while it waits for its turn to write).
//
// Thread-safety: a connection belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "source/connection_config.h"

typedef struct st_mysql MYSQL;
typedef struct st_mysql_res MYSQL_RES;

namespace binlake {

using TextRow = std::vector<std::optional<std::string>>;

// Streams the rows of one query without buffering the result (mysql_use_result). Field views
// returned by Next are valid until the next call to Next.
class RowStream {
 public:
  ~RowStream();
  // Returns true with a row, false at the end or on error (then check status()).
  bool Next();
  size_t field_count() const { return field_count_; }
  bool is_null(size_t i) const { return row_[i] == nullptr; }
  std::string_view field(size_t i) const { return {row_[i], lengths_[i]}; }
  const Status& status() const { return status_; }

 private:
  friend class MysqlConnection;
  RowStream(MYSQL* mysql, MYSQL_RES* res, size_t field_count, std::string context);

  MYSQL* mysql_;
  MYSQL_RES* res_;
  size_t field_count_;
  char** row_ = nullptr;
  unsigned long* lengths_ = nullptr;
  std::string context_;
  Status status_;
};

class MysqlConnection {
 public:
  static Result<std::unique_ptr<MysqlConnection>> Open(const ConnectionConfig& config);
  ~MysqlConnection();
  MysqlConnection(const MysqlConnection&) = delete;
  MysqlConnection& operator=(const MysqlConnection&) = delete;

  Status Execute(std::string_view sql);
  Result<std::vector<TextRow>> QueryRows(std::string_view sql);
  // First column of the first row; std::nullopt for no row or NULL.
  Result<std::optional<std::string>> QueryValue(std::string_view sql);
  // A global variable's value (SELECT @@GLOBAL.<name>); "" when the server does not have it, it
  // is NULL, or the query fails.
  std::string GlobalVariable(const char* name);
  Result<std::unique_ptr<RowStream>> Stream(std::string_view sql);

  // The server's version string, e.g. "10.11.6-MariaDB-log".
  const std::string& server_version() const { return server_version_; }
  bool is_mariadb() const { return is_mariadb_; }
  const ConnectionConfig& config() const { return config_; }
  unsigned long thread_id() const;
  // Aborts the connection at once (mariadb_cancel): a running query's remaining rows are not
  // drained and every later call fails. For stopping early; the connection is then unusable.
  void Cancel();
  // Escapes a string for use inside '...' in SQL.
  std::string Escape(std::string_view s) const;
  // The libmariadb handle, for protocol commands this class does not wrap (the binlog dump in
  // binlog_stream.cc). Owned by this object; same threading rules as the object.
  MYSQL* native_handle() const { return mysql_; }

 private:
  MysqlConnection(MYSQL* mysql, ConnectionConfig config);
  Status LastError(std::string_view context) const;

  MYSQL* mysql_;
  ConnectionConfig config_;
  std::string server_version_;
  bool is_mariadb_ = false;
};

// Maps a client/server error number to a binlake Status with a one-line message.
Status MysqlErrorToStatus(unsigned int error_number, std::string_view server_message,
                          std::string_view context);

// Quotes an identifier with backticks (doubling embedded backticks).
std::string QuoteIdentifier(std::string_view name);

}  // namespace binlake
