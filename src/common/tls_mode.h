// TLS modes for the source connection, as the MySQL client's --ssl-mode names them.
#pragma once

#include <string_view>

namespace binlake {

enum class TlsMode { kDisabled, kPreferred, kRequired, kVerifyCa, kVerifyIdentity };

// "disabled", "preferred", "required", "verify_ca", "verify_identity" (the --tls-mode values).
constexpr std::string_view TlsModeName(TlsMode mode) {
  switch (mode) {
    case TlsMode::kDisabled:
      return "disabled";
    case TlsMode::kPreferred:
      return "preferred";
    case TlsMode::kRequired:
      return "required";
    case TlsMode::kVerifyCa:
      return "verify_ca";
    case TlsMode::kVerifyIdentity:
      return "verify_identity";
  }
  return "preferred";
}

}  // namespace binlake
