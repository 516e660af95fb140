#include "store/conditional_probe.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <random>
#include <string>

namespace binlake {
namespace {

std::string RandomHex() {
  std::random_device device;
  std::mt19937_64 rng((static_cast<uint64_t>(device()) << 32) ^ device());
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace

Status ProbeConditionalCreate(ObjectStore& store, std::string_view key_prefix) {
  const std::string where = store.Describe();
  const bool s3 = where.rfind("s3://", 0) == 0;
  const std::string key = std::string(key_prefix) + "probe-" + RandomHex();
  auto unsupported = [&](const std::string& what) {
    return Unsupported(
        (s3 ? "the S3 store at " + where + " does not honour If-None-Match (conditional create)"
            : "the store at " + where + " does not honour conditional create (create if absent)") +
        ": two binlake instances could both commit; " + what + " (probe object " + key +
        "). Use a store with conditional writes, or make sure only one instance runs the task");
  };
  auto context = [&](const Status& s, const char* step) {
    return s.WithContext("probing conditional create at " + where + "/" + key + " (" + step + ")");
  };

  PutOptions once;
  once.if_none_match = true;
  once.content_type = "text/plain";
  const std::string first = "binlake conditional-create probe: first\n";
  Status created = store.Put(key, first, once);
  Status result;
  if (created.code() == StatusCode::kAlreadyExists) {
    result = unsupported("it refused to create an object that did not exist");
  } else if (!created.ok()) {
    return context(created, "first create");
  } else {
    Status again = store.Put(key, "binlake conditional-create probe: second\n", once);
    if (again.ok()) {
      result = unsupported("a second create of the same key succeeded and replaced the object");
    } else if (again.code() != StatusCode::kAlreadyExists) {
      result = context(again, "second create");
    } else {
      Result<std::string> stored = store.Get(key);
      if (!stored.ok()) {
        result = context(stored.status(), "reading back");
      } else if (*stored != first) {
        result = unsupported("a second create of the same key was refused but replaced the object");
      }
    }
  }
  if (Status deleted = store.Delete(key); !deleted.ok()) {
    spdlog::warn("could not delete the conditional-create probe object {}/{}: {}", where, key,
                 deleted.message());
  }
  return result;
}

}  // namespace binlake
