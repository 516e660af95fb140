// TLS for the source connection: what each --tls-mode asks of libmariadb (Connector/C 3.3, the
// one Debian 12 ships), the check after connecting, and one-line errors that say what failed.
//
//   mode             TLS        server certificate                  a server without TLS
//   disabled         never      -                                   plaintext
//   preferred        if offered not checked (no CA is passed)       plaintext
//   required         always     not checked (no CA is passed)       refused
//   verify_ca        always     chain checked against --tls-ca       refused
//                               (default: the system's CAs)
//   verify_identity  always     chain as verify_ca, and the host    refused, before
//                               name connected to must be in the     authenticating
//                               certificate (subjectAltName/CN)
//
// Connector/C 3.3 has no "require TLS without a host-name check": it refuses a server that does
// not offer TLS before authenticating only when MYSQL_OPT_SSL_VERIFY_SERVER_CERT is on, and that
// option also checks the host name. So `required` and `verify_ca` ask for TLS, and
// CheckNegotiatedTls refuses the connection right after connecting when none was negotiated;
// the authentication exchange (a password scramble, never the password with the default
// mysql_native_password) has then crossed in plaintext. verify_identity refuses first.
// The chain is checked whenever a CA file or directory is passed (Connector/C does that by
// itself), which is why preferred and required pass none.
//
// Thread-safety: pure functions, except ApplyTlsOptions, which writes to the handle it is given.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "source/connection_config.h"

typedef struct st_mysql MYSQL;

namespace binlake {

// The Connector/C options for one connection (see the table above).
struct TlsClientOptions {
  bool use_tls = false;      // MYSQL_OPT_SSL_ENFORCE: ask for TLS when the server offers it
  bool verify_host = false;  // MYSQL_OPT_SSL_VERIFY_SERVER_CERT: chain + host name
  std::string ca_file;       // MYSQL_OPT_SSL_CA: check the chain against this file
  std::string ca_dir;        // MYSQL_OPT_SSL_CAPATH: ... or this hashed directory
  std::string cert_file;     // client certificate (MYSQL_OPT_SSL_CERT)
  std::string key_file;      // its key (MYSQL_OPT_SSL_KEY)
  bool require_tls = false;  // CheckNegotiatedTls refuses a plaintext connection
};

// The options for `config`. `system_ca_dir` is the directory of the system's trusted CAs, used
// by verify_ca and verify_identity when config.tls_ca is empty.
TlsClientOptions PlanTls(const ConnectionConfig& config, std::string_view system_ca_dir);

// OpenSSL's default CA directory ($SSL_CERT_DIR, else e.g. /usr/lib/ssl/certs).
std::string SystemCaDir();

// Sets the options PlanTls chooses on `mysql` (before mysql_real_connect). kInvalidArgument,
// naming the flag, when a CA, certificate or key file given cannot be read.
Status ApplyTlsOptions(MYSQL* mysql, const ConnectionConfig& config);

// After connecting: kPreconditionFailed when the mode requires TLS and `negotiated` is false.
Status CheckNegotiatedTls(const ConnectionConfig& config, bool negotiated);

// A failed mysql_real_connect as a one-line Status naming the source (never its password).
// TLS failures (CR_SSL_CONNECTION_ERROR) say what failed: the certificate's chain (and which CA
// was trusted), the host name, a server without TLS; a system error during the handshake is
// kNetworkError (retryable). Other errors go to MysqlErrorToStatus.
Status ConnectErrorToStatus(const ConnectionConfig& config, unsigned int error_number,
                            std::string_view message);

}  // namespace binlake
