#include "config/task_config_source.h"

#include <cctype>
#include <charconv>

#include "common/ascii.h"

namespace binlake {
namespace {

// Escapes the characters that would change how a URL's userinfo or path parses.
std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '%' || c == '@' || c == ':' || c == '/' || c == '?' || c == '#' || u < 0x20) {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Status BadUrl(std::string_view problem) {
  return InvalidArgument("source URL: " + std::string(problem) +
                         " (expected mysql://user[:password]@host[:port][,host2[:port2]...]"
                         "[/database])");
}

// "host", "host:port", "[v6]" or "[v6]:port".
Result<SourceHost> ParseHostPort(std::string_view hostport) {
  SourceHost out;
  std::string_view port_text;
  if (!hostport.empty() && hostport.front() == '[') {
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return BadUrl("unclosed '[' in the host");
    out.host = std::string(hostport.substr(1, close - 1));
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return BadUrl("unexpected text after ']'");
      port_text = after.substr(1);
      if (port_text.empty()) return BadUrl("empty port");
    }
  } else {
    size_t pc = hostport.rfind(':');
    out.host = std::string(hostport.substr(0, pc));
    if (pc != std::string_view::npos) {
      port_text = hostport.substr(pc + 1);
      if (port_text.empty()) return BadUrl("empty port");
    }
  }
  if (out.host.empty()) return BadUrl("empty host");
  if (out.host.find_first_of(":%") != std::string::npos && hostport.front() != '[') {
    return BadUrl("invalid host (IPv6 addresses go in brackets)");
  }
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return BadUrl("port must be a number between 1 and 65535");
    }
    out.port = static_cast<uint16_t>(port);
  }
  return out;
}

}  // namespace

Result<TlsMode> ParseTlsMode(std::string_view text) {
  std::string key(text);
  for (char& c : key) {
    c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (TlsMode m : {TlsMode::kDisabled, TlsMode::kPreferred, TlsMode::kRequired, TlsMode::kVerifyCa,
                    TlsMode::kVerifyIdentity}) {
    if (key == TlsModeName(m)) return m;
  }
  return InvalidArgument("'" + std::string(text) +
                         "' is not one of disabled, preferred, required, verify_ca, "
                         "verify_identity");
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) {
      return InvalidArgument("incomplete percent escape");
    }
    int hi = AsciiHexDigit(text[i + 1]);
    int lo = AsciiHexDigit(text[i + 2]);
    if (hi < 0 || lo < 0) return InvalidArgument("invalid percent escape");
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

Result<SourceConfig> ParseSourceUrl(std::string_view url) {
  std::string_view rest;
  for (std::string_view scheme : {"mysql://", "mariadb://"}) {
    if (url.substr(0, scheme.size()) == scheme) rest = url.substr(scheme.size());
  }
  if (rest.empty()) return BadUrl("must start with mysql:// or mariadb://");
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return BadUrl("query strings and fragments are not supported");
  }
  // Authority ends at the first '/'; userinfo is everything before the authority's last '@'.
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return BadUrl("no user (write user@host)");
  std::string_view userinfo = authority.substr(0, at);
  std::string_view hostport = authority.substr(at + 1);

  SourceConfig config;
  size_t colon = userinfo.find(':');
  Result<std::string> user = PercentDecode(userinfo.substr(0, colon));
  if (!user.ok()) return BadUrl("user: " + user.status().message());
  if (user->empty()) return BadUrl("empty user");
  config.user = std::move(user).value();
  if (colon != std::string_view::npos) {
    Result<std::string> password = PercentDecode(userinfo.substr(colon + 1));
    if (!password.ok()) return BadUrl("password: " + password.status().message());
    config.password = std::move(password).value();
  }

  while (true) {
    size_t comma = hostport.find(',');
    Result<SourceHost> one = ParseHostPort(hostport.substr(0, comma));
    if (!one.ok()) return one.status();
    if (one->host == config.host && one->port == config.port) return BadUrl("a host given twice");
    for (const SourceHost& h : config.other_hosts) {
      if (h == *one) return BadUrl("a host given twice");
    }
    if (config.host.empty()) {
      config.host = one->host;
      config.port = one->port;
    } else {
      config.other_hosts.push_back(*one);
    }
    if (comma == std::string_view::npos) break;
    hostport = hostport.substr(comma + 1);
  }

  if (!path.empty()) {
    if (path.find('/') != std::string_view::npos) return BadUrl("the path must be one database");
    Result<std::string> db = PercentDecode(path);
    if (!db.ok()) return BadUrl("database: " + db.status().message());
    config.database = std::move(db).value();
  }
  return config;
}

std::string SourceConfig::Describe() const {
  std::string out = "mysql://" + PercentEncode(user) + "@";
  auto add = [&out](const std::string& h, uint16_t p) {
    out += h.find(':') != std::string::npos ? "[" + h + "]" : h;
    out += ":" + std::to_string(p);
  };
  add(host, port);
  for (const SourceHost& h : other_hosts) {
    out += ",";
    add(h.host, h.port);
  }
  if (!database.empty()) out += "/" + PercentEncode(database);
  if (tls.mode != TlsMode::kPreferred) out += " (tls: " + std::string(TlsModeName(tls.mode)) + ")";
  return out;
}

}  // namespace binlake
