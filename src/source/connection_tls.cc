#include "source/connection_tls.h"

#include <errmsg.h>
#include <mysql.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "source/mysql_connection.h"

namespace binlake {
namespace {

bool RequiresTls(TlsMode mode) {
  return mode == TlsMode::kRequired || mode == TlsMode::kVerifyCa ||
         mode == TlsMode::kVerifyIdentity;
}

bool ChecksCertificate(TlsMode mode) {
  return mode == TlsMode::kVerifyCa || mode == TlsMode::kVerifyIdentity;
}

std::string ModeFlag(const ConnectionConfig& config) {
  return "--tls-mode " + std::string(TlsModeName(config.tls_mode));
}

std::string Where(const ConnectionConfig& config) {
  return "cannot connect to the source " + config.Describe();
}

Status NotOffered(const ConnectionConfig& config) {
  return PreconditionFailed(Where(config) + ": the server does not offer TLS and " +
                            ModeFlag(config) +
                            " needs it (configure ssl_cert and ssl_key on the server, or use "
                            "--tls-mode preferred)");
}

// "... (104)": Connector/C's text for a system error (errno) during the TLS handshake.
bool EndsWithErrno(std::string_view text) {
  size_t open = text.rfind(" (");
  if (open == std::string_view::npos || text.back() != ')') return false;
  std::string_view digits = text.substr(open + 2, text.size() - open - 3);
  if (digits.empty()) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Status CheckReadable(const ConnectionConfig& config, const std::string& path, const char* what) {
  if (path.empty() || ::access(path.c_str(), R_OK) == 0) return Status::Ok();
  return InvalidArgument(Where(config) + ": " + what + " " + path +
                         " cannot be read: " + std::strerror(errno));
}

}  // namespace

TlsClientOptions PlanTls(const ConnectionConfig& config, std::string_view system_ca_dir) {
  TlsClientOptions o;
  if (config.tls_mode == TlsMode::kDisabled) return o;
  o.use_tls = true;
  o.cert_file = config.tls_cert;
  o.key_file = config.tls_key;
  o.require_tls = RequiresTls(config.tls_mode);
  if (ChecksCertificate(config.tls_mode)) {
    // A CA makes Connector/C check the chain; without one it would not (verify_ca).
    if (!config.tls_ca.empty()) {
      o.ca_file = config.tls_ca;
    } else {
      o.ca_dir = std::string(system_ca_dir);
    }
  }
  o.verify_host = config.tls_mode == TlsMode::kVerifyIdentity;
  return o;
}

std::string SystemCaDir() {
  const char* env = std::getenv(X509_get_default_cert_dir_env());
  if (env != nullptr && *env != '\0') return env;
  return X509_get_default_cert_dir();
}

Status ApplyTlsOptions(MYSQL* mysql, const ConnectionConfig& config) {
  const TlsClientOptions o = PlanTls(config, SystemCaDir());
  my_bool on = 1;
  my_bool off = 0;
  mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, o.use_tls ? &on : &off);
  if (!o.use_tls) return Status::Ok();
  RETURN_IF_ERROR(
      CheckReadable(config, o.ca_file, "the source's CA file (--tls-ca, source.tls.ca)"));
  RETURN_IF_ERROR(CheckReadable(config, o.cert_file, "the client certificate (source.tls.cert)"));
  RETURN_IF_ERROR(CheckReadable(config, o.key_file, "the client key (source.tls.key)"));
  if (!o.cert_file.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CERT, o.cert_file.c_str());
  if (!o.key_file.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_KEY, o.key_file.c_str());
  if (!o.ca_file.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CA, o.ca_file.c_str());
  if (!o.ca_dir.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CAPATH, o.ca_dir.c_str());
  mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, o.verify_host ? &on : &off);
  return Status::Ok();
}

Status CheckNegotiatedTls(const ConnectionConfig& config, bool negotiated) {
  if (negotiated || !RequiresTls(config.tls_mode)) return Status::Ok();
  return NotOffered(config);
}

Status ConnectErrorToStatus(const ConnectionConfig& config, unsigned int error_number,
                            std::string_view message) {
  if (error_number != CR_SSL_CONNECTION_ERROR) {
    return MysqlErrorToStatus(error_number, message, Where(config));
  }
  std::string_view reason = message;
  for (std::string_view prefix : {"TLS/SSL error: ", "SSL connection error: "}) {
    if (reason.substr(0, prefix.size()) == prefix) reason.remove_prefix(prefix.size());
  }
  if (reason.find("Validation of SSL server certificate failed") != std::string_view::npos) {
    return InvalidArgument(Where(config) +
                           ": the server's TLS certificate is not valid for the host name '" +
                           config.host + "' (" + ModeFlag(config) +
                           " checks the name connected to: connect by a name the certificate "
                           "lists, or use --tls-mode verify_ca)");
  }
  if (reason.find("SSL is required, but the server does not support it") !=
      std::string_view::npos) {
    return NotOffered(config);
  }
  if (EndsWithErrno(reason)) {
    return NetworkError(Where(config) + ": TLS handshake failed: " + std::string(reason));
  }
  if (ChecksCertificate(config.tls_mode) && reason.find("certificate") != std::string_view::npos) {
    const std::string trusted =
        config.tls_ca.empty() ? "the system's CAs" : "CA file " + config.tls_ca;
    return InvalidArgument(Where(config) + ": the server's TLS certificate was refused (" +
                           ModeFlag(config) + ", " + trusted + "): " + std::string(reason));
  }
  return InvalidArgument(Where(config) + ": TLS handshake failed (" + ModeFlag(config) +
                         "): " + std::string(reason));
}

}  // namespace binlake
