// Gunzip: streaming gzip decompression (zlib, RFC 1952) of one object fed in chunks, for
// `CompressionType: Gzip`. Several gzip members one after another (as `cat a.gz b.gz` makes)
// decompress to the concatenation of their contents, as gunzip(1) does.
//
// Errors name the object: bytes that are not gzip, a damaged stream, or one cut short (Finish).
//
// Thread-safety: one Gunzip belongs to one thread.
#pragma once

#include <zlib.h>

#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake::pipe {

class Gunzip {
 public:
  // Receives decompressed bytes; returns false to stop (the reader went away), or an error.
  using Sink = std::function<Result<bool>(std::string_view)>;

  Gunzip();
  ~Gunzip();
  Gunzip(const Gunzip&) = delete;
  Gunzip& operator=(const Gunzip&) = delete;

  // Starts a new object (`name` for messages).
  Status Reset(std::string name);
  // Decompresses `in` into `sink`. Returns false when the sink stopped.
  Result<bool> Feed(std::string_view in, const Sink& sink);
  // The object's bytes have all been fed: kCorruption unless its last gzip member ended.
  Status Finish();

 private:
  // One inflate() into out_, its bytes (*produced) handed to `sink`; false when the sink stopped.
  Result<bool> Inflate(const Sink& sink, size_t* produced);

  z_stream z_{};
  bool initialized_ = false;
  bool member_ended_ = false;  // the last member ended and no byte followed yet
  bool any_input_ = false;
  std::string name_;
  std::string out_;
};

}  // namespace binlake::pipe
