// ObjectWriter: a sink for the bytes of one object (a data file, a checkpoint), with two-phase
// publication for the CDC commit protocol. Defined here, below the stages, so that the formats
// (format/) write files without knowing the stores (store/) that implement it; the store's
// visibility contract is in store/object_store.h.
//
// Thread-safety: an ObjectWriter belongs to one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake {

// Streams one object. Memory use is bounded by the store's part size, not the object size.
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual Status Write(std::string_view data) = 0;
  // Makes the object visible. After Close (ok or not) the writer must not be used.
  virtual Status Close() = 0;
  // Discards everything written; best effort, never throws. Called by the destructor if
  // neither Close nor Abort was.
  virtual void Abort() = 0;
  virtual uint64_t bytes_written() const = 0;

  // Two-phase publication, for the CDC commit protocol (docs/COMMIT-PROTOCOL.md). Prepare makes
  // every byte written durable in the store without making the object visible, and returns a
  // token from which ObjectStore::PublishPrepared can publish it later, even from another
  // process after a crash. After Prepare only Close (publish now) or Abort (discard) may follow.
  virtual Result<std::string> Prepare() { return Unsupported("this writer cannot prepare"); }

  // The writer that takes the bytes: this one, or the one a wrapper that only forwards them
  // writes to. A store's fast copy into its own writers (ObjectRanges::CopyRange: between two
  // local files in the kernel) finds them behind such a wrapper this way.
  virtual ObjectWriter* BytesSink() { return this; }
};

}  // namespace binlake
