#include "binlog/table_map_cache.h"

#include <cstring>

namespace binlake::binlog {

Result<std::shared_ptr<const TableMap>> TableMapCache::Add(const TableMapEvent& event,
                                                           const DecodeContext& ctx) {
  auto it = maps_.find(event.table_id);
  std::string_view body = AsStringView(event.body);
  if (it != maps_.end() && it->second.body == body) return it->second.map;
  const TableSchema* hint = hints_ ? hints_(event.schema, event.table) : nullptr;
  ASSIGN_OR_RETURN(std::shared_ptr<const TableMap> map, DecodeTableMap(event, ctx, hint));
  ++decodes_;
  Entry& e = maps_[event.table_id];
  e.body.assign(body.data(), body.size());
  e.map = map;
  return map;
}

}  // namespace binlake::binlog
