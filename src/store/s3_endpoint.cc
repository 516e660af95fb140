#include "store/s3_endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>

namespace binlake::s3 {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLowerAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z'); }

// "1.2.3.4" (any all-digit dotted quad) or a bracketed IPv6 literal.
bool LooksLikeIpAddress(std::string_view host) {
  if (!host.empty() && host.front() == '[') return true;
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (!IsDigit(c)) {
      return false;
    }
  }
  return dots == 3;
}

// Host without the port: "127.0.0.1:80" -> "127.0.0.1", "[::1]:80" -> "[::1]".
std::string_view HostName(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    return close == std::string_view::npos ? authority : authority.substr(0, close + 1);
  }
  size_t colon = authority.rfind(':');
  return colon == std::string_view::npos ? authority : authority.substr(0, colon);
}

}  // namespace

Result<S3Location> ParseS3Url(std::string_view url) {
  constexpr std::string_view kScheme = "s3://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return InvalidArgument("not an s3:// URL: '" + std::string(url) + "'");
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  S3Location loc;
  loc.bucket = std::string(rest.substr(0, slash));
  if (loc.bucket.empty()) return InvalidArgument("no bucket in '" + std::string(url) + "'");
  for (char c : loc.bucket) {
    if (!(IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' ||
          c == '_')) {
      return InvalidArgument("invalid S3 bucket name '" + loc.bucket + "' in '" + std::string(url) +
                             "'");
    }
  }
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash + 1);
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    if (!prefix.empty()) loc.prefix = std::string(prefix) + "/";
  }
  if (loc.prefix.find("//") != std::string::npos) {
    return InvalidArgument("empty path segment in '" + std::string(url) + "'");
  }
  return loc;
}

bool IsDnsCompatibleBucketName(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  if (!IsLowerAlnum(b.front()) || !IsLowerAlnum(b.back())) return false;
  for (size_t i = 0; i < b.size(); ++i) {
    char c = b[i];
    if (!(IsLowerAlnum(c) || c == '-' || c == '.')) return false;
    if (c == '.' && i > 0 && b[i - 1] == '.') return false;
  }
  return !LooksLikeIpAddress(b);
}

bool IsLoopbackHost(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string h(host);
  std::transform(h.begin(), h.end(), h.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (h == "localhost" || h == "localhost.") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

std::string PlaintextEndpointWarning(const S3Endpoint& endpoint) {
  if (endpoint.https() || IsLoopbackHost(endpoint.host_name())) return "";
  return "the S3 endpoint " + endpoint.display() +
         " is plain http on another machine: credentials (access key id, session token, request "
         "signatures) and all data travel unencrypted; use https:// if the store offers it";
}

Result<S3Endpoint> S3Endpoint::Create(std::string_view endpoint_url, std::string_view region,
                                      std::string_view bucket, bool force_path_style) {
  S3Endpoint e;
  e.bucket_ = std::string(bucket);
  std::string url = endpoint_url.empty() ? "https://s3." + std::string(region) + ".amazonaws.com"
                                         : std::string(endpoint_url);
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    url = "https://" + url;
    scheme_end = 5;
  }
  e.scheme_ = url.substr(0, scheme_end);
  std::transform(e.scheme_.begin(), e.scheme_.end(), e.scheme_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (e.scheme_ != "http" && e.scheme_ != "https") {
    return InvalidArgument("S3 endpoint '" + std::string(endpoint_url) +
                           "' must start with http:// or https://");
  }
  std::string rest = url.substr(scheme_end + 3);
  size_t path_start = rest.find('/');
  std::string authority = rest.substr(0, path_start);
  if (path_start != std::string::npos) e.base_path_ = rest.substr(path_start);
  while (!e.base_path_.empty() && e.base_path_.back() == '/') e.base_path_.pop_back();
  if (authority.empty() || authority.find('@') != std::string::npos ||
      e.base_path_.find_first_of("?#") != std::string::npos) {
    return InvalidArgument("S3 endpoint '" + std::string(endpoint_url) +
                           "' must look like http[s]://host[:port][/path]");
  }
  e.display_ = e.scheme_ + "://" + authority + e.base_path_;

  std::string_view host_name = HostName(authority);
  e.host_name_ = std::string(host_name);
  const bool local = host_name == "localhost" || LooksLikeIpAddress(host_name);
  const bool dotted_https = e.scheme_ == "https" && bucket.find('.') != std::string_view::npos;
  e.path_style_ = force_path_style || local || !IsDnsCompatibleBucketName(bucket) || dotted_https;
  e.host_ = e.path_style_ ? authority : std::string(bucket) + "." + authority;
  return e;
}

std::string S3Endpoint::Path(std::string_view key) const {
  std::string path = base_path_;
  if (path_style_) {
    path += "/" + bucket_;
    if (!key.empty()) path += "/" + std::string(key);
  } else {
    path += "/" + std::string(key);
  }
  return path;
}

std::string S3Endpoint::Url(std::string_view key, const sigv4::KeyValues& query) const {
  std::string url = scheme_ + "://" + host_ + sigv4::UriEncodePath(Path(key));
  if (!query.empty()) {
    std::string canonical = sigv4::CanonicalQueryString(query);
    // "uploads=" -> "uploads": some servers treat the bare form only as the sub-resource.
    std::string out;
    size_t pos = 0;
    while (pos <= canonical.size()) {
      size_t amp = canonical.find('&', pos);
      if (amp == std::string::npos) amp = canonical.size();
      std::string_view pair(canonical.data() + pos, amp - pos);
      if (!pair.empty() && pair.back() == '=') pair.remove_suffix(1);
      if (!out.empty()) out += '&';
      out += pair;
      pos = amp + 1;
    }
    url += "?" + out;
  }
  return url;
}

}  // namespace binlake::s3
