// ReadAhead: reads a list of objects, in order, in chunks fetched by a few worker threads ahead
// of the consumer (ranged reads: ObjectStore::AppendRange), so a fast reader is not starved by
// one request at a time, and memory stays bounded whatever the objects' sizes.
//
// The objects are cut into chunks of `chunk_bytes` (an empty object is one empty chunk). Workers
// claim chunks in order and fetch them while the bytes claimed but not yet released by the
// consumer stay within `max_ahead_bytes` (at least one chunk is always allowed) and the chunks
// alive (fetching, ready or held by the consumer) number at most 2 * max_ahead_bytes /
// chunk_bytes + threads: chunk buffers are reused and keep their capacity (at most chunk_bytes),
// so that count bounds the memory even for many small objects. The consumer takes chunks
// strictly in order with Next() and hands each back with Release() once written.
//
// A failed read is delivered in order, as the failing chunk's status: the consumer sees every
// byte before it and then the error, never a silently short object. A chunk shorter than
// planned (the object shrank while being read) is an error too.
//
// Thread-safety: Next()/Release() from one consumer thread; the workers are internal. The
// destructor stops the workers (waiting for the reads in progress) and joins them.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "store/object_store.h"

namespace binlake::pipe {

struct ObjectRef {
  ObjectStore* store = nullptr;  // not owned; outlives the ReadAhead
  std::string key;
  uint64_t size = 0;
  std::string name;  // for messages: the object's URI
};

struct ReadAheadOptions {
  size_t chunk_bytes = 1u << 20;
  size_t max_ahead_bytes = 16u << 20;
  int threads = 2;
};

class ReadAhead {
 public:
  struct Chunk {
    size_t object = 0;  // index into the objects given
    uint64_t offset = 0;
    bool last = false;  // the object's last chunk
    Status status;      // not ok: the read failed (data is empty)
    std::string data;
  };

  ReadAhead(std::vector<ObjectRef> objects, ReadAheadOptions options);
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // The next chunk in order (blocks until it is fetched); nullptr after the last one.
  Chunk* Next();
  // Gives back the chunk Next() returned (its buffer is reused).
  void Release(Chunk* chunk);

  const std::vector<ObjectRef>& objects() const { return objects_; }

 private:
  void Work();
  // Under mu_: the next chunk to claim, if any; advances the cursor.
  bool Claim(size_t* seq, size_t* object, uint64_t* offset, uint64_t* length, bool* last);

  const std::vector<ObjectRef> objects_;
  const ReadAheadOptions options_;

  std::mutex mu_;
  std::condition_variable work_cv_;   // workers: room to claim, or stop
  std::condition_variable ready_cv_;  // consumer: its next chunk arrived
  bool stop_ = false;
  size_t next_object_ = 0;  // claim cursor
  uint64_t next_offset_ = 0;
  size_t next_seq_ = 0;       // sequence number of the next chunk to claim
  size_t consume_seq_ = 0;    // sequence number of the next chunk Next() returns
  uint64_t ahead_bytes_ = 0;  // claimed and not yet released
  size_t alive_ = 0;          // chunks claimed and not yet released
  size_t max_alive_ = 1;
  std::map<size_t, std::unique_ptr<Chunk>> ready_;
  std::unique_ptr<Chunk> taken_;  // the chunk the consumer holds
  std::vector<std::unique_ptr<Chunk>> free_;
  std::vector<std::thread> workers_;
};

}  // namespace binlake::pipe
