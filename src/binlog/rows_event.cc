// TABLE_MAP (light header decode) and rows events of every version both servers write:
//   v0  WRITE/UPDATE/DELETE_ROWS 20-22 (MySQL 5.1.0-5.1.15), layout as v1
//   v1  23-25 (MySQL 5.1-5.5, MariaDB), MariaDB compressed 166-168
//   v2  30-32 and PARTIAL_UPDATE_ROWS 39 (MySQL 5.6+), MariaDB compressed 169-171
// Spec:
// https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Rows__event.html
//       https://mariadb.com/kb/en/rows_event_v1v2-rows_compressed_event_v1/
// Body:
//   post-header: uint48 table_id (uint32 when the post-header is 6 bytes), uint16 flags,
//                v2: uint16 extra_data_len (including itself) + extra data (NDB/partition info)
//   packed column_count
//   columns-present bitmap ((column_count+7)/8), UPDATE: a second one for the after image
//   rows (compressed events: one MariaDB compressed block holding the rows)
#include <string>

#include "binlog/event_decoders_internal.h"

namespace binlake::binlog::internal {
namespace {

struct RowsTypeInfo {
  RowsKind kind;
  uint8_t version;
  bool compressed;
  bool partial;
};

bool RowsType(uint8_t type, RowsTypeInfo* info) {
  switch (static_cast<EventType>(type)) {
    case EventType::kPreGaWriteRows:
      *info = {RowsKind::kWrite, 0, false, false};
      return true;
    case EventType::kPreGaUpdateRows:
      *info = {RowsKind::kUpdate, 0, false, false};
      return true;
    case EventType::kPreGaDeleteRows:
      *info = {RowsKind::kDelete, 0, false, false};
      return true;
    case EventType::kWriteRowsV1:
      *info = {RowsKind::kWrite, 1, false, false};
      return true;
    case EventType::kUpdateRowsV1:
      *info = {RowsKind::kUpdate, 1, false, false};
      return true;
    case EventType::kDeleteRowsV1:
      *info = {RowsKind::kDelete, 1, false, false};
      return true;
    case EventType::kWriteRowsV2:
      *info = {RowsKind::kWrite, 2, false, false};
      return true;
    case EventType::kUpdateRowsV2:
      *info = {RowsKind::kUpdate, 2, false, false};
      return true;
    case EventType::kDeleteRowsV2:
      *info = {RowsKind::kDelete, 2, false, false};
      return true;
    case EventType::kPartialUpdateRows:
      *info = {RowsKind::kUpdate, 2, false, true};
      return true;
    case EventType::kMariaWriteRowsCompressedV1:
      *info = {RowsKind::kWrite, 1, true, false};
      return true;
    case EventType::kMariaUpdateRowsCompressedV1:
      *info = {RowsKind::kUpdate, 1, true, false};
      return true;
    case EventType::kMariaDeleteRowsCompressedV1:
      *info = {RowsKind::kDelete, 1, true, false};
      return true;
    case EventType::kMariaWriteRowsCompressed:
      *info = {RowsKind::kWrite, 2, true, false};
      return true;
    case EventType::kMariaUpdateRowsCompressed:
      *info = {RowsKind::kUpdate, 2, true, false};
      return true;
    case EventType::kMariaDeleteRowsCompressed:
      *info = {RowsKind::kDelete, 2, true, false};
      return true;
    default:
      return false;
  }
}

}  // namespace

Status DecodeTableMapHeader(ByteView body, const DecodeContext& ctx, TableMapEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  uint8_t post = ctx.PostHeaderLen(static_cast<uint8_t>(EventType::kTableMap));
  RETURN_IF_ERROR(r.ReadUIntLe(post == 6 ? 4 : 6, &out->table_id, "table id"));
  RETURN_IF_ERROR(r.ReadU16(&out->flags, "table map flags"));
  if (post > 8) RETURN_IF_ERROR(r.Skip(post - 8u, "table map post-header"));
  uint8_t len = 0;
  RETURN_IF_ERROR(r.ReadU8(&len, "schema name length"));
  RETURN_IF_ERROR(r.ReadString(len, &out->schema, "schema name"));
  RETURN_IF_ERROR(r.Skip(1, "schema name terminator"));
  RETURN_IF_ERROR(r.ReadU8(&len, "table name length"));
  RETURN_IF_ERROR(r.ReadString(len, &out->table, "table name"));
  RETURN_IF_ERROR(r.Skip(1, "table name terminator"));
  RETURN_IF_ERROR(r.ReadPackedInt(&out->column_count, "column count"));
  out->body = body;
  return Status::Ok();
}

Status DecodeRows(const EventHeader& header, ByteView body, const DecodeContext& ctx,
                  RowsEvent* out) {
  RowsTypeInfo info;
  if (!RowsType(header.type, &info)) return Internal("not a rows event");
  out->kind = info.kind;
  out->version = info.version;
  out->compressed = info.compressed;
  out->partial = info.partial;
  ByteReader r(body, kEventHeaderSize);
  uint8_t post = ctx.PostHeaderLen(header.type);
  if (post == 0) post = info.version == 2 ? 10 : 8;
  RETURN_IF_ERROR(r.ReadUIntLe(post == 6 ? 4 : 6, &out->table_id, "table id"));
  RETURN_IF_ERROR(r.ReadU16(&out->flags, "rows flags"));
  if (post >= 10) {
    uint16_t extra = 0;
    RETURN_IF_ERROR(r.ReadU16(&extra, "extra row info length"));
    if (extra < 2) return r.Error("extra row info length below 2");
    RETURN_IF_ERROR(r.Skip(extra - 2u, "extra row info"));
    if (post > 10) RETURN_IF_ERROR(r.Skip(post - 10u, "rows post-header"));
  } else if (post > 8) {
    RETURN_IF_ERROR(r.Skip(post - 8u, "rows post-header"));
  }
  RETURN_IF_ERROR(r.ReadPackedInt(&out->column_count, "column count"));
  if (out->column_count > 4096) return r.Error("column count out of range");
  size_t bitmap = (out->column_count + 7) / 8;
  RETURN_IF_ERROR(r.ReadBytes(bitmap, &out->columns_before, "columns bitmap"));
  if (info.kind == RowsKind::kUpdate) {
    RETURN_IF_ERROR(r.ReadBytes(bitmap, &out->columns_after, "after-image columns bitmap"));
  }
  if (info.compressed) {
    ASSIGN_OR_RETURN(out->storage, MariaUncompress(r.Rest()));
    out->rows = AsBytes(*out->storage);
  } else {
    out->rows = r.Rest();
  }
  return Status::Ok();
}

}  // namespace binlake::binlog::internal
