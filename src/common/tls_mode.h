// TLS modes for the source connection, as the MySQL client's --ssl-mode names them.
#pragma once

namespace binlake {

enum class TlsMode { kDisabled, kPreferred, kRequired, kVerifyCa, kVerifyIdentity };

}  // namespace binlake
