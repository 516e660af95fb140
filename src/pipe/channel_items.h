// The items a channel serves, resolved once at start (docs/PIPE.md, "What an epoch holds"):
//   S3Prefix: every object whose key starts with the URI's prefix, sorted by key (keys ending in
//     '/', folder markers, are skipped); a file:// URI naming a directory means everything in it;
//   ManifestFile: the manifest's objects in its order (each checked to exist);
//   AugmentedManifestFile: the manifest's lines; each line's parts are its AttributeNames' values
//     (inline bytes, or the objects the "-ref" attributes name).
// A channel with no item is an error (SageMaker too refuses an empty channel).
//
// Thread-safety: StoreCache is not thread-safe (one per channel thread); items are values.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "pipe/channel_config.h"
#include "pipe/read_ahead.h"
#include "store/object_store.h"

namespace binlake::pipe {

// Opens the store whose root is a URL (file:///dir, s3://bucket[/prefix]).
using StoreOpener = std::function<Result<std::unique_ptr<ObjectStore>>(const std::string& url)>;

// One store per root URL, opened on first use.
class StoreCache {
 public:
  explicit StoreCache(StoreOpener opener) : opener_(std::move(opener)) {}
  Result<ObjectStore*> For(const std::string& root);

 private:
  StoreOpener opener_;
  std::map<std::string, std::unique_ptr<ObjectStore>> stores_;
};

// An object URI cut at its last '/': root "s3://b/x", key "y" for s3://b/x/y; root "s3://b", key
// "" for s3://b or s3://b/. Only s3:// and file:// URIs are accepted.
struct UriParts {
  std::string root;
  std::string key;
};
Result<UriParts> SplitUri(const std::string& uri);

struct Part {
  bool is_inline = false;
  std::string bytes;  // inline bytes
  ObjectRef object;   // otherwise
};
struct Item {
  std::vector<Part> parts;
};

Result<std::vector<Item>> ResolveChannelItems(const ChannelConfig& channel, StoreCache& stores);

}  // namespace binlake::pipe
