// ObjectStore: the narrow interface every target (local directory, S3) implements, so the
// pipeline never knows which one it writes to and tests can use either.
//
// Keys are relative to the target's root (the path of file:///path, or the prefix of
// s3://bucket/prefix); the store adds the root. Keys use '/' as separator.
//
// Visibility contract: an object becomes visible to Get/List only when its writer's Close()
// succeeds (local: temp file + rename; S3: single PUT or CompleteMultipartUpload). An aborted or
// crashed writer leaves nothing that looks like a complete object under its key.
//
// Thread-safety: an ObjectStore may be used from several threads at once; an ObjectWriter belongs
// to one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/object_writer.h"
#include "common/status.h"

namespace binlake {

struct PutOptions {
  // Fail with kAlreadyExists if the key exists (S3 If-None-Match: *; local: link/rename
  // without replacement). Used by the commit protocol so two instances cannot both commit.
  bool if_none_match = false;
  std::string content_type = "application/octet-stream";
  // S3 object tags (key, value) the object is created with (S3: the x-amz-tagging header of
  // PutObject and CreateMultipartUpload); a local directory has no tags and ignores them.
  std::vector<std::pair<std::string, std::string>> tags;
};

// An object a writer started but never published: a local hidden temp file, an S3 multipart
// upload that was neither completed nor aborted. Prepared objects of a commit in progress are
// uncommitted too, so only a caller that knows which ones are dead may discard them
// (docs/COMMIT-PROTOCOL.md, "Crash and restart").
struct UncommittedObject {
  std::string key;  // the key it would be published under (local: may be cut at 100 characters)
  std::string id;   // the store's handle: local temp file name, S3 upload id
};

struct ObjectInfo {
  std::string key;  // relative to the store root
  uint64_t size = 0;
  std::string etag;  // may be empty (local store)
};

// Ranges of one object (ObjectStore::OpenRanges). Thread-safety: one thread.
class ObjectRanges {
 public:
  virtual ~ObjectRanges() = default;
  // The object's size when it was opened.
  virtual uint64_t size() const = 0;
  // ObjectStore::AppendRange's slice of this object.
  virtual Status AppendRange(uint64_t offset, uint64_t length, std::string* out) = 0;
  // Appends the bytes [offset, offset + length) to `to` (a writer of this store or another).
  // A local file goes to a local writer in the kernel (copy_file_range(2): the bytes never pass
  // through this process); otherwise they are read and written. kCorruption when the object
  // ends first; `to`'s errors as Write's.
  virtual Status CopyRange(uint64_t offset, uint64_t length, ObjectWriter* to) = 0;
};

class ObjectStore;

// ObjectRanges through the store's own reads (the default of OpenRanges).
class StoreRanges : public ObjectRanges {
 public:
  StoreRanges(ObjectStore& store, std::string_view key, uint64_t size)
      : store_(store), key_(key), size_(size) {}
  uint64_t size() const override { return size_; }
  Status AppendRange(uint64_t offset, uint64_t length, std::string* out) override;
  Status CopyRange(uint64_t offset, uint64_t length, ObjectWriter* to) override;

 private:
  ObjectStore& store_;
  std::string key_;
  uint64_t size_;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual Status Put(std::string_view key, std::string_view data, const PutOptions& options) = 0;
  virtual Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                          const PutOptions& options) = 0;
  // kNotFound if absent.
  virtual Result<std::string> Get(std::string_view key) = 0;
  // The bytes [offset, offset + length) of the object: fewer when the object ends first (offset +
  // length may pass the size, even overflow: then it is the rest of the object), "" when
  // offset >= size. kNotFound if absent. Length 0 returns "" without a request or a read (even
  // for an absent key; a malformed key is still kInvalidArgument). Only the slice is read (S3: GET
  // with Range: bytes=first-last; local: pread), so a reader can walk objects of any size (1 GiB
  // and more) in chunks of a few MiB with bounded memory. Only an S3-compatible server that
  // ignores Range sends the whole object for each slice (the S3 store logs a warning once).
  // Several calls on one key see the same object only while nobody replaces it.
  virtual Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) = 0;
  // GetRange's slice appended to `*out` (same rules and errors; on an error `*out` keeps its
  // size). For readers that walk an object in chunks: a buffer whose capacity is kept costs no
  // fresh memory per chunk (page faults dominate the cost of a new multi-MiB string). The local
  // store reads straight into `*out`; the default copies GetRange's result.
  virtual Status AppendRange(std::string_view key, uint64_t offset, uint64_t length,
                             std::string* out) {
    ASSIGN_OR_RETURN(std::string bytes, GetRange(key, offset, length));
    out->append(bytes);
    return Status::Ok();
  }
  // Whether reading a few KiB of an object costs a system call rather than a request (local
  // files): readers may then read many small ranges instead of whole objects.
  virtual bool SmallReadsAreCheap() const { return false; }
  // Object `key`, opened for reading many ranges of it (the local store keeps the file open:
  // one open for all of them). kNotFound if absent.
  virtual Result<std::unique_ptr<ObjectRanges>> OpenRanges(std::string_view key) {
    ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, Head(key));
    if (!info) return NotFound(Describe() + "/" + std::string(key) + " does not exist");
    return std::unique_ptr<ObjectRanges>(new StoreRanges(*this, key, info->size));
  }
  // The slice size that suits a reader walking an object in chunks: large where each request
  // costs a round trip (S3: 8 MiB), small where a read is a system call (local: 1 MiB, so the
  // reader's buffer stays in the cache and costs few fresh pages).
  virtual size_t PreferredReadBytes() const { return 8u << 20; }
  // std::nullopt if absent.
  virtual Result<std::optional<ObjectInfo>> Head(std::string_view key) = 0;
  // All objects whose key starts with `prefix`, in lexicographic key order.
  virtual Result<std::vector<ObjectInfo>> List(std::string_view prefix) = 0;
  // Deleting an absent key succeeds.
  virtual Status Delete(std::string_view key) = 0;
  // Publishes an object that an ObjectWriter prepared (`token` from Prepare). Idempotent: it
  // succeeds when the object was already published from this token.
  virtual Status PublishPrepared(std::string_view key, std::string_view token) = 0;

  // Uncommitted objects whose key starts with `prefix`, in no particular order. The default (a
  // store that cannot enumerate them) lists none.
  virtual Result<std::vector<UncommittedObject>> ListUncommitted(std::string_view prefix) {
    (void)prefix;
    return std::vector<UncommittedObject>{};
  }
  // Discards one uncommitted object for good (its bytes can never be published afterwards).
  // Discarding one that is already gone succeeds.
  virtual Status DiscardUncommitted(const UncommittedObject& object) {
    (void)object;
    return Status::Ok();
  }

  // Checks the target is reachable and writable enough to start (bucket exists, credentials ok,
  // directory creatable). Returns a precise, user-facing error otherwise.
  virtual Status CheckAccess() = 0;

  // For messages: "file:///tmp/out" or "s3://bucket/prefix". Never contains secrets.
  virtual std::string Describe() const = 0;
};

inline Status StoreRanges::AppendRange(uint64_t offset, uint64_t length, std::string* out) {
  return store_.AppendRange(key_, offset, length, out);
}

inline Status StoreRanges::CopyRange(uint64_t offset, uint64_t length, ObjectWriter* to) {
  std::string bytes;
  RETURN_IF_ERROR(store_.AppendRange(key_, offset, length, &bytes));
  if (bytes.size() != length) {
    return Corruption(store_.Describe() + "/" + key_ + " ends before byte " +
                      std::to_string(offset + length));
  }
  return to->Write(bytes);
}

}  // namespace binlake
