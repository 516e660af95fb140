// QUERY_EVENT (2) and MariaDB QUERY_COMPRESSED_EVENT (165).
// Spec:
// https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Query__event.html
//       https://mariadb.com/kb/en/query_event/
//
// Body:
//   post-header (13 bytes in v4): uint32 thread_id, uint32 exec_time, uint8 db_len,
//                                 uint16 error_code, uint16 status_vars_len
//   status variables (status_vars_len bytes): { uint8 code, value }
//   db name (db_len bytes) + NUL
//   statement: the rest of the event (QUERY_COMPRESSED: a MariaDB compressed block)
#include <string>

#include "binlog/event_decoders_internal.h"

namespace binlake::binlog::internal {
namespace {

// Parses the status variables binlake uses; stops at the first unknown code (its length is not
// known, and servers themselves stop there), which is not an error.
Status DecodeStatusVars(ByteView block, size_t base, QueryStatus* st) {
  ByteReader r(block, base);
  while (!r.empty()) {
    uint8_t code = 0;
    RETURN_IF_ERROR(r.ReadU8(&code));
    uint8_t u8 = 0;
    uint16_t u16 = 0;
    uint32_t u32 = 0;
    uint64_t u64 = 0;
    switch (static_cast<QueryStatusVar>(code)) {
      case QueryStatusVar::kFlags2:
        RETURN_IF_ERROR(r.ReadU32(&u32, "Q_FLAGS2"));
        st->flags2 = u32;
        break;
      case QueryStatusVar::kSqlMode:
        RETURN_IF_ERROR(r.ReadU64(&u64, "Q_SQL_MODE"));
        st->sql_mode = u64;
        break;
      case QueryStatusVar::kCatalog:  // uint8 len, name, NUL
        RETURN_IF_ERROR(r.ReadU8(&u8, "Q_CATALOG"));
        RETURN_IF_ERROR(r.Skip(u8 + 1u, "Q_CATALOG"));
        break;
      case QueryStatusVar::kAutoIncrement:
        RETURN_IF_ERROR(r.Skip(4, "Q_AUTO_INCREMENT"));
        break;
      case QueryStatusVar::kCharset:
        RETURN_IF_ERROR(r.ReadU16(&u16, "Q_CHARSET"));
        st->charset_client = u16;
        RETURN_IF_ERROR(r.ReadU16(&u16, "Q_CHARSET"));
        st->collation_connection = u16;
        RETURN_IF_ERROR(r.ReadU16(&u16, "Q_CHARSET"));
        st->collation_server = u16;
        break;
      case QueryStatusVar::kTimeZone:
        RETURN_IF_ERROR(r.ReadU8(&u8, "Q_TIME_ZONE"));
        RETURN_IF_ERROR(r.ReadString(u8, &st->time_zone, "Q_TIME_ZONE"));
        break;
      case QueryStatusVar::kCatalogNz:
        RETURN_IF_ERROR(r.ReadU8(&u8, "Q_CATALOG_NZ"));
        RETURN_IF_ERROR(r.Skip(u8, "Q_CATALOG_NZ"));
        break;
      case QueryStatusVar::kLcTimeNames:
        RETURN_IF_ERROR(r.Skip(2, "Q_LC_TIME_NAMES"));
        break;
      case QueryStatusVar::kCharsetDatabase:
        RETURN_IF_ERROR(r.ReadU16(&u16, "Q_CHARSET_DATABASE"));
        st->collation_database = u16;
        break;
      case QueryStatusVar::kTableMapForUpdate:
        RETURN_IF_ERROR(r.Skip(8, "Q_TABLE_MAP_FOR_UPDATE"));
        break;
      case QueryStatusVar::kMasterDataWritten:
        RETURN_IF_ERROR(r.Skip(4, "Q_MASTER_DATA_WRITTEN"));
        break;
      case QueryStatusVar::kInvoker:  // uint8 len + user, uint8 len + host
        RETURN_IF_ERROR(r.ReadU8(&u8, "Q_INVOKER"));
        RETURN_IF_ERROR(r.Skip(u8, "Q_INVOKER"));
        RETURN_IF_ERROR(r.ReadU8(&u8, "Q_INVOKER"));
        RETURN_IF_ERROR(r.Skip(u8, "Q_INVOKER"));
        break;
      case QueryStatusVar::kUpdatedDbNames: {  // uint8 count (254 = too many), NUL-terminated
        RETURN_IF_ERROR(r.ReadU8(&u8, "Q_UPDATED_DB_NAMES"));
        if (u8 == 254) break;
        for (uint8_t i = 0; i < u8; ++i) {
          std::string_view rest = AsStringView(r.Rest());
          size_t nul = rest.find('\0');
          if (nul == std::string_view::npos) return r.Error("unterminated Q_UPDATED_DB_NAMES");
          RETURN_IF_ERROR(r.Skip(nul + 1));
        }
        break;
      }
      case QueryStatusVar::kMicroseconds:
      case QueryStatusVar::kMariaHrnow:
        RETURN_IF_ERROR(r.ReadUIntLe(3, &u64, "Q_MICROSECONDS"));
        st->microseconds = static_cast<uint32_t>(u64);
        break;
      case QueryStatusVar::kExplicitDefaultsForTimestamp:
      case QueryStatusVar::kSqlRequirePrimaryKey:
      case QueryStatusVar::kDefaultTableEncryption:
        RETURN_IF_ERROR(r.Skip(1));
        break;
      case QueryStatusVar::kDdlLoggedWithXid:
        RETURN_IF_ERROR(r.ReadU64(&u64, "Q_DDL_LOGGED_WITH_XID"));
        st->ddl_xid = u64;
        break;
      case QueryStatusVar::kDefaultCollationForUtf8mb4:
        RETURN_IF_ERROR(r.ReadU16(&u16, "Q_DEFAULT_COLLATION_FOR_UTF8MB4"));
        st->default_collation_for_utf8mb4 = u16;
        break;
      case QueryStatusVar::kMariaXid:
        RETURN_IF_ERROR(r.ReadU64(&u64, "Q_XID"));
        st->maria_xid = u64;
        break;
      case QueryStatusVar::kMariaGtidFlags3:
        RETURN_IF_ERROR(r.Skip(1));
        break;
      default:
        return Status::Ok();
    }
  }
  return Status::Ok();
}

}  // namespace

Status DecodeQuery(const EventHeader& header, ByteView body, const DecodeContext& ctx,
                   QueryEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  uint8_t db_len = 0;
  uint16_t status_len = 0;
  RETURN_IF_ERROR(r.ReadU32(&out->thread_id, "query thread id"));
  RETURN_IF_ERROR(r.ReadU32(&out->exec_time, "query exec time"));
  RETURN_IF_ERROR(r.ReadU8(&db_len, "query db length"));
  RETURN_IF_ERROR(r.ReadU16(&out->error_code, "query error code"));
  uint8_t post = ctx.PostHeaderLen(header.type);
  if (post == 0) post = 13;
  if (post >= 13) {
    RETURN_IF_ERROR(r.ReadU16(&status_len, "status vars length"));
    RETURN_IF_ERROR(r.Skip(post - 13u, "query post-header"));
  }
  size_t status_at = kEventHeaderSize + r.position();
  ByteView status;
  RETURN_IF_ERROR(r.ReadBytes(status_len, &status, "status variables"));
  RETURN_IF_ERROR(DecodeStatusVars(status, status_at, &out->status));
  RETURN_IF_ERROR(r.ReadString(db_len, &out->schema, "query db name"));
  RETURN_IF_ERROR(r.Skip(1, "query db name terminator"));
  ByteView statement = r.Rest();
  if (header.type == static_cast<uint8_t>(EventType::kMariaQueryCompressed)) {
    ASSIGN_OR_RETURN(out->storage, MariaUncompress(statement));
    out->statement = *out->storage;
    out->compressed = true;
  } else {
    out->statement = AsStringView(statement);
  }
  // XA statements (rare): their XID, in the canonical form of binlog/xa.h.
  if (out->statement.size() > 3 && (out->statement[0] | 0x20) == 'x' &&
      (out->statement[1] | 0x20) == 'a') {
    ASSIGN_OR_RETURN(out->xa, ParseXaStatement(out->statement));
  }
  return Status::Ok();
}

}  // namespace binlake::binlog::internal
