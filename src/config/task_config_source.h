// How to reach the source server: parsed from a URL mysql://user[:password]@host[:port][/db]
// (or several hosts: mysql://user@host1[:port1],host2[:port2]/db, the form Connector/J and
// MariaDB Connector/J take for failover, tried in order) plus the task config's `source:` map
// (password_env, tls, server_id).
//
// Secrets: `password` is never part of Describe() or any error message produced here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/tls_mode.h"

namespace binlake {

// TlsMode (MySQL client --ssl-mode values) and TlsModeName are in common/tls_mode.h.

// Accepts the names above case-insensitively, '-' or '_'.
Result<TlsMode> ParseTlsMode(std::string_view text);

struct TlsOptions {
  TlsMode mode = TlsMode::kPreferred;  // the MySQL client default
  std::string ca;                      // CA certificate file (PEM) for verify_ca / verify_identity
  std::string cert;                    // client certificate file (PEM); needs `key`
  std::string key;                     // client private key file (PEM); needs `cert`
};

struct SourceHost {
  std::string host;  // name or IP; IPv6 without brackets
  uint16_t port = 3306;
  bool operator==(const SourceHost&) const = default;
};

struct SourceConfig {
  std::string user;
  std::string password;  // never logged
  std::string host;      // name or IP; IPv6 without brackets
  uint16_t port = 3306;
  // More hosts of the same logical source (a primary's replicas, cluster nodes), tried after
  // host:port in this order, at start and at every reconnect (source/connection_config.h).
  std::vector<SourceHost> other_hosts;
  std::string database;  // optional default database; empty = none
  TlsOptions tls;
  uint32_t server_id = 0;  // replica server_id for CDC; 0 = binlake picks one

  // "mysql://user@host:port[,host2:port2...][/db]" (user and db percent-encoded where needed, so
  // the text parses back) plus the TLS mode when not the default; never the password.
  std::string Describe() const;
};

// Parses mysql://user[:password]@host[:port][,host[:port]...][/database] (scheme mysql:// or
// mariadb://). user, password and database are percent-decoded; characters like '@', '/' or ':'
// in a password must be percent-encoded (%40, %2F, %3A). IPv6 hosts go in brackets:
// mysql://u@[::1]:3306,[::2]:3307. Each port defaults to 3306; a host may be given once. A password
// in the URL is accepted but discouraged (it shows in `ps` and shell history); prefer password_env
// in the task config. Errors never echo the URL (it may hold the password).
Result<SourceConfig> ParseSourceUrl(std::string_view url);

// Decodes %XX escapes; an invalid escape is an error.
Result<std::string> PercentDecode(std::string_view text);

}  // namespace binlake
