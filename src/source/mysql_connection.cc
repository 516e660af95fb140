#include "source/mysql_connection.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "source/connection_tls.h"

namespace binlake {

Status MysqlErrorToStatus(unsigned int error_number, std::string_view server_message,
                          std::string_view context) {
  std::string msg(context);
  msg += ": ";
  msg += server_message;
  switch (error_number) {
    case ER_ACCESS_DENIED_ERROR:
    case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_COLUMNACCESS_DENIED_ERROR:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    case ER_KILL_DENIED_ERROR:
      return PermissionDenied(std::move(msg));
    case ER_NO_SUCH_TABLE:
    case ER_BAD_DB_ERROR:
    case ER_BAD_FIELD_ERROR:
      return NotFound(std::move(msg));
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case ER_NET_READ_ERROR:
    case ER_NET_READ_INTERRUPTED:
    case ER_NET_WRITE_INTERRUPTED:
    case ER_SERVER_SHUTDOWN:
    case ER_CON_COUNT_ERROR:
      return NetworkError(std::move(msg));
    default:
      return Internal(std::move(msg));
  }
}

std::string QuoteIdentifier(std::string_view name) {
  std::string q = "`";
  for (char c : name) {
    if (c == '`') q += '`';
    q += c;
  }
  q += '`';
  return q;
}

RowStream::RowStream(MYSQL* mysql, MYSQL_RES* res, size_t field_count, std::string context)
    : mysql_(mysql), res_(res), field_count_(field_count), context_(std::move(context)) {}

RowStream::~RowStream() {
  if (res_) mysql_free_result(res_);  // drains the rest of an unfinished result
}

bool RowStream::Next() {
  if (!res_) return false;
  row_ = mysql_fetch_row(res_);
  if (!row_) {
    if (mysql_errno(mysql_) != 0) {
      status_ = MysqlErrorToStatus(mysql_errno(mysql_), mysql_error(mysql_), context_);
    }
    return false;
  }
  lengths_ = mysql_fetch_lengths(res_);
  return true;
}

MysqlConnection::MysqlConnection(MYSQL* mysql, ConnectionConfig config)
    : mysql_(mysql), config_(std::move(config)) {}

MysqlConnection::~MysqlConnection() { mysql_close(mysql_); }

unsigned long MysqlConnection::thread_id() const { return mysql_thread_id(mysql_); }

void MysqlConnection::Cancel() { mariadb_cancel(mysql_); }

Result<std::unique_ptr<MysqlConnection>> MysqlConnection::Open(const ConnectionConfig& config) {
  MYSQL* m = mysql_init(nullptr);
  if (!m) return Internal("mysql_init failed (out of memory)");
  std::unique_ptr<MysqlConnection> conn(new MysqlConnection(m, config));
  unsigned int timeout = static_cast<unsigned int>(config.connect_timeout_s);
  mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  unsigned int rw_timeout = static_cast<unsigned int>(config.read_timeout_s);
  mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
  mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
  mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (config.socket.empty()) {
    // host:port, always: libmariadb would take "localhost" for its default unix socket and
    // ignore the port (and the TLS host-name check would not apply).
    unsigned int protocol = MYSQL_PROTOCOL_TCP;
    mysql_optionsv(m, MYSQL_OPT_PROTOCOL, &protocol);
  }
  RETURN_IF_ERROR(ApplyTlsOptions(m, config));
  const char* socket = config.socket.empty() ? nullptr : config.socket.c_str();
  if (!mysql_real_connect(m, config.host.c_str(), config.user.c_str(), config.password.c_str(),
                          config.database.empty() ? nullptr : config.database.c_str(),
                          static_cast<unsigned int>(config.port), socket, 0)) {
    return ConnectErrorToStatus(config, mysql_errno(m), mysql_error(m));
  }
  RETURN_IF_ERROR(CheckNegotiatedTls(config, mysql_get_ssl_cipher(m) != nullptr));
  conn->server_version_ = mysql_get_server_info(m);
  conn->is_mariadb_ = conn->server_version_.find("MariaDB") != std::string::npos;
  RETURN_IF_ERROR(
      conn->Execute("SET SESSION time_zone = '+00:00', SESSION net_write_timeout = 3600, "
                    "SESSION net_read_timeout = 3600, SESSION wait_timeout = 28800"));
  return conn;
}

Status MysqlConnection::LastError(std::string_view context) const {
  return MysqlErrorToStatus(mysql_errno(mysql_), mysql_error(mysql_), context);
}

Status MysqlConnection::Execute(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
    return LastError(std::string("query failed (") + std::string(sql.substr(0, 120)) + ")");
  }
  MYSQL_RES* res = mysql_store_result(mysql_);
  if (res) mysql_free_result(res);
  return Status::Ok();
}

Result<std::vector<TextRow>> MysqlConnection::QueryRows(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
    return LastError(std::string("query failed (") + std::string(sql.substr(0, 120)) + ")");
  }
  MYSQL_RES* res = mysql_store_result(mysql_);
  std::vector<TextRow> rows;
  if (!res) {
    if (mysql_field_count(mysql_) != 0) return LastError("reading result");
    return rows;
  }
  unsigned n = mysql_num_fields(res);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* len = mysql_fetch_lengths(res);
    TextRow r;
    r.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
      if (row[i]) {
        r.emplace_back(std::string(row[i], len[i]));
      } else {
        r.emplace_back(std::nullopt);
      }
    }
    rows.push_back(std::move(r));
  }
  mysql_free_result(res);
  return rows;
}

std::string MysqlConnection::GlobalVariable(const char* name) {
  auto v = QueryValue(std::string("SELECT @@GLOBAL.") + name);
  if (!v.ok() || !v->has_value()) return "";
  return **v;
}

Result<std::optional<std::string>> MysqlConnection::QueryValue(std::string_view sql) {
  ASSIGN_OR_RETURN(auto rows, QueryRows(sql));
  if (rows.empty() || rows[0].empty()) return std::optional<std::string>();
  return rows[0][0];
}

Result<std::unique_ptr<RowStream>> MysqlConnection::Stream(std::string_view sql) {
  std::string context = std::string("reading (") + std::string(sql.substr(0, 120)) + ")";
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return LastError(context);
  MYSQL_RES* res = mysql_use_result(mysql_);
  if (!res) return LastError(context);
  return std::unique_ptr<RowStream>(
      new RowStream(mysql_, res, mysql_num_fields(res), std::move(context)));
}

std::string MysqlConnection::Escape(std::string_view s) const {
  std::string out(s.size() * 2 + 1, '\0');
  unsigned long n = mysql_real_escape_string(mysql_, out.data(), s.data(), s.size());
  out.resize(n);
  return out;
}

}  // namespace binlake
