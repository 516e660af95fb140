// Whether the replication stream reads ahead on a thread of its own (StreamOptions::
// prefetch_bytes, source/packet_prefetcher.h): the CPU policy.
//
// That thread needs a CPU (with one CPU, never). A source on this host (a unix socket,
// "localhost", 127.0.0.0/8 or ::1) runs its dump thread here, and while catching up that thread
// takes a whole CPU; with `cpus` <= 2 (the CPUs this process may run on) a read-ahead thread then
// takes its time from the source or from decoding. Measured on such a host (bench/cdc, 260k row
// changes into a local directory, 8 alternating runs): catch-up took 0.206 s (median) reading on
// the decoding thread against 0.234 s with the read-ahead thread. Otherwise reading ahead overlaps
// receiving and checking the events with decoding and writing them.
//
// ReadAheadPays is pure; UsableCpus asks the kernel (sched_getaffinity) and is thread-safe.
#pragma once

#include "source/connection_config.h"

namespace binlake {

// True when reading ahead pays off for `source` with `cpus` usable CPUs (see above).
bool ReadAheadPays(const ConnectionConfig& source, unsigned cpus);

// CPUs this process may run on (its affinity mask; at least 1).
unsigned UsableCpus();

}  // namespace binlake
