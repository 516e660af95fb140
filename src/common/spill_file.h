// Anonymous spill files: local scratch files that hold a task's data beyond its memory budget
// and vanish when closed, even after a crash (O_TMPFILE; or a named file unlinked at once where
// the file system lacks O_TMPFILE).
//
// Thread-safety: the functions are safe; a file descriptor's use is the caller's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace binlake {

// An anonymous read-write file in `dir`; the caller closes the descriptor. kIoError (one line,
// naming the folder) when it cannot be created.
Result<int> CreateSpillFile(const std::string& dir);

// Writes all of `data` at the file's current offset (retries short writes and EINTR).
Status WriteSpill(int fd, const char* data, size_t size);

// Reads exactly `size` bytes at `offset` into `out` (retries short reads and EINTR); kIoError when
// the file ends first.
Status ReadSpill(int fd, uint64_t offset, size_t size, char* out);

}  // namespace binlake
