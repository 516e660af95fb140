// Connecting to the first usable host of a source given as several (ConnectionConfig::Hosts():
// --source mysql://user@h1:3306,h2:3307/db), in order: the primary first, then the servers that
// may take its place. Used at start and at every reconnect, so that after a failover the
// promoted replica is found (docs/COMMIT-PROTOCOL.md, "Failover").
//
// A host is usable when it answers (MysqlConnection::Open) and `check` accepts the connection;
// the first usable one wins (a refused host is logged as a warning when there are several).
// When none is:
//   - the first non-retryable error (a host whose check refused it for good, e.g. it lacks
//     transactions already written, or its binlog is off; a wrong password), as it is: the
//     caller stops;
//   - else a retryable error (no host answered, or the refusals were retryable): one line naming
//     each host and why, so that the caller retries with backoff. With one host its error is
//     returned as it is.
// Messages name hosts by ConnectionConfig::Describe (never the password).
//
// Thread-safety: the caller's thread.
#pragma once

#include <functional>
#include <memory>

#include "common/status.h"
#include "source/connection_config.h"
#include "source/mysql_connection.h"

namespace binlake {

// Accepts or refuses a connected host (Status::Ok() = usable).
using HostCheck = std::function<Status(MysqlConnection& conn)>;

// The connection to the first usable host (its config(): that host alone). `check` may be
// empty: the first host that answers.
Result<std::unique_ptr<MysqlConnection>> ConnectFirstUsable(const ConnectionConfig& config,
                                                            const HostCheck& check);

}  // namespace binlake
