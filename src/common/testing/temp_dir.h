// TempDir: a fresh directory for one test, made with mkdtemp(3) under
// std::filesystem::temp_directory_path() (so $TMPDIR is honoured, /tmp otherwise), and removed
// with everything in it when the object is destroyed.
//
// For tests only. A directory that cannot be made ends the test program with a message (there
// is nothing a test can do without it).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace binlake {

class TempDir {
 public:
  // `prefix` names the directory: <temp>/<prefix>.XXXXXX.
  explicit TempDir(std::string_view prefix = "binlake") {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / (std::string(prefix) + ".XXXXXX")).string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) {
      std::fprintf(stderr, "TempDir: cannot create %s\n", pattern.c_str());
      std::abort();
    }
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

}  // namespace binlake
