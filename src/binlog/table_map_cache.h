// TableMapCache: table_id -> decoded TableMap for one binlog stream.
//
// Servers send a TABLE_MAP before every statement's rows events, usually with the same bytes for
// the same table; the cache keeps the decoded map and only re-decodes when the bytes differ (a
// new table id, or an ALTER TABLE), so steady-state cost is one memcmp per TABLE_MAP.
// Clear it when a new FORMAT_DESCRIPTION starts a new file or server session: table ids are
// only meaningful within one.
//
// Thread-safety: none. The maps handed out are immutable and may be shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "binlog/events.h"
#include "binlog/table_map.h"
#include "common/status.h"

namespace binlake::binlog {

class TableMapCache {
 public:
  // Optional source of schema hints for maps without full metadata: called with (schema, table)
  // when a map is decoded; may return nullptr.
  using HintProvider = std::function<const TableSchema*(std::string_view, std::string_view)>;

  TableMapCache() = default;
  explicit TableMapCache(HintProvider hints) : hints_(std::move(hints)) {}

  // Records a TABLE_MAP; returns the decoded map (cached when the bytes are unchanged).
  Result<std::shared_ptr<const TableMap>> Add(const TableMapEvent& event, const DecodeContext& ctx);

  // The map for `table_id`, or nullptr.
  const TableMap* Find(uint64_t table_id) const {
    auto it = maps_.find(table_id);
    return it == maps_.end() ? nullptr : it->second.map.get();
  }

  void Clear() { maps_.clear(); }
  size_t size() const { return maps_.size(); }
  uint64_t decodes() const { return decodes_; }  // full TABLE_MAP decodes (for tests/stats)

 private:
  struct Entry {
    std::string body;  // the TABLE_MAP body the map was decoded from
    std::shared_ptr<const TableMap> map;
  };
  HintProvider hints_;
  std::unordered_map<uint64_t, Entry> maps_;
  uint64_t decodes_ = 0;
};

}  // namespace binlake::binlog
