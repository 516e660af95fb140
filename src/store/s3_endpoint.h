// Where an S3 request goes: the s3://bucket/prefix target URL, and the endpoint + addressing style
// that turn (bucket, key, query) into a URL and a Host header.
// Spec: S3 User Guide, "Virtual hosting of buckets" and "Regional endpoints"; bucket naming rules.
//
// Addressing: path-style ("https://host/bucket/key") when force_path_style, when the endpoint
// host is an IP address or "localhost", when the bucket name is not DNS-compatible, or over
// https when the name has a dot (the wildcard certificate would not match); virtual-hosted
// ("https://bucket.host/key") otherwise. With no endpoint URL the endpoint is AWS's regional one,
// https://s3.<region>.amazonaws.com. An endpoint given without scheme means https.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "store/sigv4.h"

namespace binlake::s3 {

struct S3Location {
  std::string bucket;
  std::string prefix;  // "" or ending in '/': "s3://b/out" and "s3://b/out/" -> "out/"
};

// Parses "s3://bucket[/prefix]". kInvalidArgument with a one-line reason otherwise.
Result<S3Location> ParseS3Url(std::string_view url);

// True for names a virtual host can carry: 3-63 of [a-z0-9.-], starting and ending with a
// letter or digit, no "..", not shaped like an IPv4 address.
bool IsDnsCompatibleBucketName(std::string_view bucket);

// True for a host name that is this machine: "localhost" (any case, a trailing dot allowed), an
// IPv4 address in 127.0.0.0/8, or ::1 (also bracketed, or as ::ffff:127.x.y.z). Names are not
// resolved.
bool IsLoopbackHost(std::string_view host);

class S3Endpoint {
 public:
  static Result<S3Endpoint> Create(std::string_view endpoint_url, std::string_view region,
                                   std::string_view bucket, bool force_path_style);

  // The Host header ("bucket.s3.us-east-1.amazonaws.com", "127.0.0.1:18081").
  const std::string& host() const { return host_; }
  // The request path, NOT encoded, for an object key (bucket-level requests: key "").
  std::string Path(std::string_view key) const;
  // The full URL: scheme://host + UriEncodePath(Path(key)) [+ "?" + query]. The query is in
  // canonical order; a parameter with an empty value is written as a bare name ("?uploads").
  std::string Url(std::string_view key, const sigv4::KeyValues& query) const;
  // The endpoint as the user gave it (or AWS's), for messages: "http://127.0.0.1:18081".
  const std::string& display() const { return display_; }
  // The endpoint's host, without port or bucket: "127.0.0.1", "[::1]", "s3.amazonaws.com".
  const std::string& host_name() const { return host_name_; }
  bool https() const { return scheme_ == "https"; }
  bool path_style() const { return path_style_; }
  const std::string& bucket() const { return bucket_; }

 private:
  std::string scheme_;     // "http" or "https"
  std::string host_;       // host[:port], bucket-qualified when virtual-hosted
  std::string host_name_;  // the endpoint's host alone
  std::string base_path_;  // path part of the endpoint URL, "" or "/something"
  std::string bucket_;
  std::string display_;
  bool path_style_ = true;
};

// The warning to log once before using `endpoint`, when requests to it would cross a network
// unencrypted: plain http to a host that is not loopback (IsLoopbackHost). "" otherwise.
std::string PlaintextEndpointWarning(const S3Endpoint& endpoint);

}  // namespace binlake::s3
