// Streaming gzip decompression with zlib (gunzip.h).
#include "pipe/gunzip.h"

namespace binlake::pipe {

Gunzip::Gunzip() : out_(256u << 10, '\0') {}

Gunzip::~Gunzip() {
  if (initialized_) inflateEnd(&z_);
}

Status Gunzip::Reset(std::string name) {
  name_ = std::move(name);
  member_ended_ = false;
  any_input_ = false;
  if (!initialized_) {
    z_ = z_stream{};
    if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) return Internal("zlib inflateInit2 failed");
    initialized_ = true;
    return Status::Ok();
  }
  if (inflateReset(&z_) != Z_OK) return Internal("zlib inflateReset failed");
  return Status::Ok();
}

Result<bool> Gunzip::Inflate(const Sink& sink, size_t* produced) {
  z_.next_out = reinterpret_cast<Bytef*>(out_.data());
  z_.avail_out = static_cast<uInt>(out_.size());
  const int rc = inflate(&z_, Z_NO_FLUSH);
  *produced = out_.size() - z_.avail_out;
  if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
    return Corruption("damaged gzip object " + name_ + ": " +
                      (z_.msg != nullptr ? z_.msg : "zlib error " + std::to_string(rc)));
  }
  if (*produced > 0) {
    ASSIGN_OR_RETURN(bool more, sink(std::string_view(out_.data(), *produced)));
    if (!more) return false;
  }
  if (rc == Z_STREAM_END) member_ended_ = true;
  if (rc == Z_BUF_ERROR && *produced == 0 && z_.avail_in > 0) {
    return Corruption("damaged gzip object " + name_ + ": zlib made no progress");
  }
  return true;
}

Result<bool> Gunzip::Feed(std::string_view in, const Sink& sink) {
  if (!in.empty()) any_input_ = true;
  z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z_.avail_in = static_cast<uInt>(in.size());
  size_t produced = 0;
  while (z_.avail_in > 0) {
    if (member_ended_) {  // another member follows
      if (inflateReset(&z_) != Z_OK) return Internal("zlib inflateReset failed");
      member_ended_ = false;
    }
    ASSIGN_OR_RETURN(bool more, Inflate(sink, &produced));
    if (!more) return false;
  }
  // Drain output zlib may still hold for input already consumed.
  while (!member_ended_) {
    ASSIGN_OR_RETURN(bool more, Inflate(sink, &produced));
    if (!more) return false;
    if (produced == 0) break;
  }
  return true;
}

Status Gunzip::Finish() {
  if (!any_input_) return Corruption("damaged gzip object " + name_ + ": it is empty");
  if (!member_ended_) {
    return Corruption("damaged gzip object " + name_ + ": the gzip stream is cut short");
  }
  return Status::Ok();
}

}  // namespace binlake::pipe
