// Resolving a channel's items from a prefix, a manifest or an augmented manifest
// (channel_items.h).
#include "pipe/channel_items.h"

#include <sys/stat.h>

#include "pipe/manifest.h"

namespace binlake::pipe {

Result<ObjectStore*> StoreCache::For(const std::string& root) {
  auto it = stores_.find(root);
  if (it != stores_.end()) return it->second.get();
  ASSIGN_OR_RETURN(auto store, opener_(root));
  ObjectStore* raw = store.get();
  stores_.emplace(root, std::move(store));
  return raw;
}

Result<UriParts> SplitUri(const std::string& uri) {
  std::string_view scheme;
  if (uri.rfind("s3://", 0) == 0) {
    scheme = "s3://";
  } else if (uri.rfind("file:///", 0) == 0) {
    scheme = "file://";
  } else {
    return InvalidArgument("'" + uri + "' is not an s3://bucket/prefix or file:///path URI");
  }
  std::string rest = uri.substr(scheme.size());
  if (scheme == "s3://") {
    size_t slash = rest.find('/');
    if (slash == 0 || rest.empty()) return InvalidArgument("'" + uri + "' names no bucket");
    if (slash == std::string::npos) return UriParts{uri, ""};
    size_t last = rest.rfind('/');
    if (last == slash)
      return UriParts{std::string(scheme) + rest.substr(0, slash), rest.substr(slash + 1)};
    return UriParts{std::string(scheme) + rest.substr(0, last), rest.substr(last + 1)};
  }
  size_t last = rest.rfind('/');  // rest starts with '/'
  std::string dir = rest.substr(0, last);
  if (dir.empty()) dir = "/";
  return UriParts{std::string(scheme) + dir, rest.substr(last + 1)};
}

namespace {

std::string Join(const std::string& root, const std::string& key) {
  if (key.empty()) return root;
  return root.back() == '/' ? root + key : root + "/" + key;
}

Result<ObjectRef> HeadObject(const std::string& uri, StoreCache& stores, const std::string& who) {
  ASSIGN_OR_RETURN(UriParts parts, SplitUri(uri));
  if (parts.key.empty()) return InvalidArgument(who + " names '" + uri + "', not an object");
  ASSIGN_OR_RETURN(ObjectStore * store, stores.For(parts.root));
  auto info = store->Head(parts.key);
  if (!info.ok()) return info.status().WithContext(who + ": " + uri);
  if (!info->has_value()) return NotFound(who + " names " + uri + ", which does not exist");
  return ObjectRef{store, parts.key, (*info)->size, uri};
}

Result<std::string> ReadWhole(const std::string& uri, StoreCache& stores, const std::string& who) {
  ASSIGN_OR_RETURN(UriParts parts, SplitUri(uri));
  ASSIGN_OR_RETURN(ObjectStore * store, stores.For(parts.root));
  auto text = store->Get(parts.key);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) {
      return NotFound(who + ": " + uri + " does not exist");
    }
    return text.status().WithContext(who + ": reading " + uri);
  }
  return std::move(text).value();
}

Result<std::vector<Item>> PrefixItems(const ChannelConfig& channel, StoreCache& stores) {
  const std::string who = "channel " + channel.name;
  std::string uri = channel.uri;
  // A local directory named without its trailing '/' means the directory, not a name prefix.
  if (uri.rfind("file:///", 0) == 0 && uri.back() != '/') {
    struct stat st;
    if (::stat(uri.c_str() + 7, &st) == 0 && S_ISDIR(st.st_mode)) uri += '/';
  }
  ASSIGN_OR_RETURN(UriParts parts, SplitUri(uri));
  ASSIGN_OR_RETURN(ObjectStore * store, stores.For(parts.root));
  auto listed = store->List(parts.key);
  if (!listed.ok() && listed.status().code() != StatusCode::kNotFound) {
    return listed.status().WithContext(who + ": listing " + channel.uri);
  }
  std::vector<Item> items;
  if (listed.ok()) {
    for (ObjectInfo& info : *listed) {
      if (!info.key.empty() && info.key.back() == '/') continue;
      Item item;
      Part part;
      part.object = ObjectRef{store, info.key, info.size, Join(parts.root, info.key)};
      item.parts.push_back(std::move(part));
      items.push_back(std::move(item));
    }
  }
  if (items.empty()) {
    return NotFound(who + ": no object under " + channel.uri +
                    " (S3Prefix: the channel must hold at least one object)");
  }
  return items;
}

Result<std::vector<Item>> ManifestItems(const ChannelConfig& channel, StoreCache& stores) {
  const std::string who = "channel " + channel.name + " manifest";
  ASSIGN_OR_RETURN(std::string text, ReadWhole(channel.uri, stores, who));
  ASSIGN_OR_RETURN(Manifest manifest, ParseManifest(text, channel.uri));
  std::vector<Item> items;
  items.reserve(manifest.entries.size());
  for (const std::string& rel : manifest.entries) {
    Item item;
    Part part;
    ASSIGN_OR_RETURN(part.object,
                     HeadObject(manifest.prefix + rel, stores, "manifest " + channel.uri));
    item.parts.push_back(std::move(part));
    items.push_back(std::move(item));
  }
  return items;
}

Result<std::vector<Item>> AugmentedItems(const ChannelConfig& channel, StoreCache& stores) {
  const std::string who = "channel " + channel.name + " augmented manifest";
  ASSIGN_OR_RETURN(std::string text, ReadWhole(channel.uri, stores, who));
  ASSIGN_OR_RETURN(auto lines, ParseAugmentedManifest(text, channel.attribute_names, channel.uri));
  std::vector<Item> items;
  items.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    Item item;
    for (AugmentedValue& v : lines[i]) {
      Part part;
      if (v.is_ref) {
        ASSIGN_OR_RETURN(part.object,
                         HeadObject(v.bytes, stores, "augmented manifest " + channel.uri));
      } else {
        part.is_inline = true;
        part.bytes = std::move(v.bytes);
      }
      item.parts.push_back(std::move(part));
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace

Result<std::vector<Item>> ResolveChannelItems(const ChannelConfig& channel, StoreCache& stores) {
  switch (channel.data_type) {
    case DataType::kS3Prefix:
      return PrefixItems(channel, stores);
    case DataType::kManifestFile:
      return ManifestItems(channel, stores);
    case DataType::kAugmentedManifestFile:
      return AugmentedItems(channel, stores);
  }
  return Internal("unknown S3DataType");
}

}  // namespace binlake::pipe
