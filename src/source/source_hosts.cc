#include "source/source_hosts.h"

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

namespace binlake {

Result<std::unique_ptr<MysqlConnection>> ConnectFirstUsable(const ConnectionConfig& config,
                                                            const HostCheck& check) {
  const std::vector<ConnectionConfig> hosts = config.Hosts();
  std::vector<Status> failures;
  for (const ConnectionConfig& host : hosts) {
    Result<std::unique_ptr<MysqlConnection>> conn = MysqlConnection::Open(host);
    Status st = conn.ok() ? Status::Ok() : conn.status();
    if (st.ok() && check) st = check(**conn);
    if (st.ok()) return std::move(conn).value();
    if (hosts.size() > 1) spdlog::warn("source host {}: {}", host.Describe(), st.message());
    failures.push_back(std::move(st));
  }
  // Refused for good, or unreachable in a way retrying does not mend (a bad password).
  for (const Status& st : failures) {
    if (!st.IsRetryable()) return st;
  }
  if (failures.size() == 1) return failures.front();
  std::string all = "no host of the source " + config.Describe() + " is usable:";
  for (size_t i = 0; i < failures.size(); ++i) {
    all += (i ? "; " : " ") + failures[i].message();
  }
  return Status(failures.front().code(), all);
}

}  // namespace binlake
