#include "source/read_ahead_policy.h"

#include <sched.h>

#include <algorithm>
#include <string>

namespace binlake {

bool ReadAheadPays(const ConnectionConfig& source, unsigned cpus) {
  if (cpus <= 1) return false;  // nothing to overlap with
  if (cpus > 2) return true;
  const std::string& h = source.host;
  const bool on_this_host = !source.socket.empty() || h == "localhost" || h == "::1" ||
                            h == "[::1]" || h.rfind("127.", 0) == 0;
  return !on_this_host;
}

unsigned UsableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

}  // namespace binlake
