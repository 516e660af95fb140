// OpenObjectStore: the one place that maps a target URL scheme to a store implementation.
#include "store/local_object_store.h"
#include "store/s3_object_store.h"
#include "store/target_config.h"

namespace binlake {

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const TargetConfig& config) {
  std::string_view url = config.url;
  if (url.rfind("file://", 0) == 0) {
    ASSIGN_OR_RETURN(std::unique_ptr<LocalObjectStore> store, LocalObjectStore::Open(url));
    return std::unique_ptr<ObjectStore>(std::move(store));
  }
  if (url.rfind("s3://", 0) == 0) {
    ASSIGN_OR_RETURN(std::unique_ptr<s3::S3ObjectStore> store, s3::S3ObjectStore::Open(config));
    return std::unique_ptr<ObjectStore>(std::move(store));
  }
  if (url.empty()) return InvalidArgument("no target: give file:///path or s3://bucket/prefix");
  return InvalidArgument("unsupported target '" + config.url +
                         "': use file:///absolute/path or s3://bucket[/prefix]");
}

}  // namespace binlake
