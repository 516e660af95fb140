// How to connect to the source server. Built by the task layer from --source URL, the task
// config and the environment; the password never appears in logs or error messages.
//
// Several hosts (--source mysql://user@h1:3306,h2:3307/db): `host:port` first, then
// `other_hosts` in order. They are candidates for one logical source, e.g. a primary and its
// replicas: a connection goes to the first that answers and suits the caller
// (source/source_hosts.h), tried again in that order at every reconnect, so that after a
// failover binlake finds the promoted replica. One MysqlConnection is always to one host
// (Hosts()).
#pragma once

#include <string>
#include <vector>

#include "common/tls_mode.h"

namespace binlake {

struct ConnectionConfig {
  struct Endpoint {
    std::string host;
    int port = 3306;
  };

  std::string host = "127.0.0.1";
  int port = 3306;
  std::vector<Endpoint> other_hosts;  // tried after host:port, in this order
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

  // One config per candidate host, in the order they are tried: host:port, then other_hosts
  // (none with a socket). Each has no other_hosts.
  std::vector<ConnectionConfig> Hosts() const {
    ConnectionConfig one = *this;
    one.other_hosts.clear();
    std::vector<ConnectionConfig> out{one};
    if (!socket.empty()) return out;
    for (const Endpoint& e : other_hosts) {
      one.host = e.host;
      one.port = e.port;
      out.push_back(one);
    }
    return out;
  }

  // "user@host:port" for messages (never the password); with other hosts
  // "user@host:port,host2:port2".
  std::string Describe() const {
    if (!socket.empty()) return user + "@localhost (socket " + socket + ")";
    std::string out = user + "@" + HostPort(host, port);
    for (const Endpoint& e : other_hosts) out += "," + HostPort(e.host, e.port);
    return out;
  }

 private:
  static std::string HostPort(const std::string& host, int port) {
    bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  }
};

}  // namespace binlake
