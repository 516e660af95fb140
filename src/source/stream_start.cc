#include "source/stream_start.h"

#include <limits>
#include <utility>

#include "binlog/binlog_position.h"
#include "binlog/gtid_set.h"

namespace binlake {

StreamStart StreamStart::At(std::string file, uint64_t position) {
  StreamStart s;
  s.kind = Kind::kFilePosition;
  s.file = std::move(file);
  s.position = position;
  return s;
}

StreamStart StreamStart::AfterMariaDbGtid(std::string gtid_list) {
  StreamStart s;
  s.kind = Kind::kMariaDbGtid;
  s.gtid = std::move(gtid_list);
  return s;
}

StreamStart StreamStart::AfterMySqlGtidSet(std::string gtid_set) {
  StreamStart s;
  s.kind = Kind::kMySqlGtidSet;
  s.gtid = std::move(gtid_set);
  return s;
}

std::string StreamStart::ToString() const {
  if (kind == Kind::kFilePosition) return file + ":" + std::to_string(position);
  return "GTID " + (gtid.empty() ? std::string("(empty)") : gtid);
}

Status ValidateMariaDbGtidList(std::string_view list) {
  return binlog::MariaGtidList::Parse(list).status();
}

Status ValidateStreamStart(const StreamStart& start) {
  switch (start.kind) {
    case StreamStart::Kind::kFilePosition:
      if (start.file.empty()) return InvalidArgument("binlog start: no file name given");
      if (start.position < binlog::kFirstEventPosition) {
        return InvalidArgument("binlog start " + start.ToString() +
                               ": positions start at 4 (after the file magic)");
      }
      if (start.position > std::numeric_limits<uint32_t>::max()) {
        return Unsupported("binlog start " + start.ToString() +
                           ": COM_BINLOG_DUMP cannot start beyond 4 GiB into a file");
      }
      return Status::Ok();
    case StreamStart::Kind::kMariaDbGtid:
      return ValidateMariaDbGtidList(start.gtid);
    case StreamStart::Kind::kMySqlGtidSet: {
      Result<binlog::MySqlGtidSet> set = binlog::MySqlGtidSet::Parse(start.gtid);
      if (!set.ok()) return set.status().WithContext("binlog start");
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status CheckStartSuitsSource(const StreamStart& start, bool source_is_mariadb,
                             std::string_view source, std::string_view server_version) {
  if (start.kind == StreamStart::Kind::kMariaDbGtid && !source_is_mariadb) {
    return InvalidArgument("binlog start " + start.ToString() + " is a MariaDB GTID, but " +
                           std::string(source) + " is MySQL " + std::string(server_version));
  }
  if (start.kind == StreamStart::Kind::kMySqlGtidSet && source_is_mariadb) {
    return InvalidArgument("binlog start " + start.ToString() + " is a MySQL GTID set, but " +
                           std::string(source) + " is MariaDB " + std::string(server_version) +
                           ": give a MariaDB GTID list (domain-server-sequence, as in "
                           "@@gtid_binlog_pos) or a binlog file:position");
  }
  return Status::Ok();
}

}  // namespace binlake
