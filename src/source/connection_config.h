// How to connect to the source server. Built by the task layer from --source URL, the task
// config and the environment; the password never appears in logs or error messages.
#pragma once

#include <string>

#include "common/tls_mode.h"

namespace binlake {

struct ConnectionConfig {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user = "root";
  std::string password;  // secret
  std::string database;  // optional default schema
  std::string socket;    // optional unix socket (used instead of host:port when set)

  TlsMode tls_mode = TlsMode::kPreferred;
  std::string tls_ca;    // CA file (verify_ca / verify_identity)
  std::string tls_cert;  // client certificate
  std::string tls_key;   // client key

  int connect_timeout_s = 10;
  int read_timeout_s = 3600;  // a chunk reader may wait its turn; keep long

  // "user@host:port" for messages (never the password).
  std::string Describe() const {
    if (!socket.empty()) return user + "@localhost (socket " + socket + ")";
    return user + "@" + host + ":" + std::to_string(port);
  }
};

}  // namespace binlake
