// Decoders of the GTID events of both flavours.
// MySQL:
// https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Gtid__event.html
//          GTID_TAGGED (9.x) uses the mysql::serialization format
//          (libs/mysql/serialization/readme.md).
// MariaDB: https://mariadb.com/kb/en/gtid_event/ and https://mariadb.com/kb/en/gtid_list_event/
#include <string>

#include "binlog/event_decoders_internal.h"

namespace binlake::binlog::internal {
namespace {

// Signed: zig-zag (sign in the lowest bit) on top of the unsigned encoding.
Status ReadVarInt(ByteReader* r, int64_t* out) {
  uint64_t u = 0;
  RETURN_IF_ERROR(r->ReadVarUInt(&u));
  *out = (u & 1) ? -static_cast<int64_t>(u >> 1) - 1 : static_cast<int64_t>(u >> 1);
  return Status::Ok();
}

// GTID_TAGGED_LOG_EVENT body: uint8 serialization version, then a message:
//   varlen size (of the whole message incl. the version byte), varlen last_non_ignorable_field_id,
//   { varlen field_id, field data }.
// Gtid_event fields: 0 flags, 1 uuid (16 varlen bytes), 2 gno (signed), 3 tag (varlen length +
// bytes), 4 last_committed (signed), 5 sequence_number (signed), 6 immediate_commit_timestamp,
// 7 original_commit_timestamp, 8 transaction_length, 9 immediate_server_version,
// 10 original_server_version, 11 commit_group_ticket. Absent 7/10 equal 6/9.
Status DecodeTaggedGtid(ByteView body, MySqlGtidEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  uint64_t size = 0, last_non_ignorable = 0;
  RETURN_IF_ERROR(r.Skip(1, "serialization version"));
  RETURN_IF_ERROR(r.ReadVarUInt(&size));
  if (size > body.size()) return r.Error("GTID_TAGGED message size beyond the event");
  ByteReader m(body.first(size), kEventHeaderSize);
  RETURN_IF_ERROR(m.Skip(r.position()));
  RETURN_IF_ERROR(m.ReadVarUInt(&last_non_ignorable));
  bool have_original_ts = false, have_original_version = false;
  out->has_commit_timestamps = false;
  while (!m.empty()) {
    uint64_t id = 0, u = 0;
    RETURN_IF_ERROR(m.ReadVarUInt(&id));
    switch (id) {
      case 0:
        RETURN_IF_ERROR(m.ReadVarUInt(&u));
        out->flags = static_cast<uint8_t>(u);
        break;
      case 1:
        for (uint8_t& b : out->gtid.uuid) {
          RETURN_IF_ERROR(m.ReadVarUInt(&u));
          if (u > 255) return m.Error("GTID_TAGGED uuid byte out of range");
          b = static_cast<uint8_t>(u);
        }
        break;
      case 2:
        RETURN_IF_ERROR(ReadVarInt(&m, &out->gtid.gno));
        break;
      case 3: {
        RETURN_IF_ERROR(m.ReadVarUInt(&u));
        if (u > 32) return m.Error("GTID tag longer than 32 characters");
        std::string_view tag;
        RETURN_IF_ERROR(m.ReadString(u, &tag, "GTID tag"));
        out->gtid.tag = std::string(tag);
        break;
      }
      case 4:
        RETURN_IF_ERROR(ReadVarInt(&m, &out->last_committed));
        break;
      case 5:
        RETURN_IF_ERROR(ReadVarInt(&m, &out->sequence_number));
        break;
      case 6:
        RETURN_IF_ERROR(m.ReadVarUInt(&out->immediate_commit_us));
        out->has_commit_timestamps = true;
        break;
      case 7:
        RETURN_IF_ERROR(m.ReadVarUInt(&out->original_commit_us));
        have_original_ts = true;
        break;
      case 8:
        RETURN_IF_ERROR(m.ReadVarUInt(&out->transaction_length));
        break;
      case 9:
        RETURN_IF_ERROR(m.ReadVarUInt(&u));
        out->immediate_server_version = static_cast<uint32_t>(u);
        break;
      case 10:
        RETURN_IF_ERROR(m.ReadVarUInt(&u));
        out->original_server_version = static_cast<uint32_t>(u);
        have_original_version = true;
        break;
      case 11:
        RETURN_IF_ERROR(m.ReadVarUInt(&u));  // commit group ticket
        break;
      default:
        // Fields added by newer servers: ignorable ones may be skipped, and since fields are
        // ordered by id, everything from here on is unknown.
        if (id <= last_non_ignorable) {
          return m.Error("GTID_TAGGED has unknown non-ignorable field " + std::to_string(id));
        }
        return Status::Ok();
    }
  }
  if (!have_original_ts) out->original_commit_us = out->immediate_commit_us;
  if (!have_original_version) out->original_server_version = out->immediate_server_version;
  return Status::Ok();
}

}  // namespace

// GTID / ANONYMOUS_GTID body:
//   +0  uint8   flags
//   +1  uuid[16]
//   +17 int64   gno
//   +25 uint8   logical timestamp type (2), int64 last_committed, int64 sequence_number (5.7+)
//   +42 uint56  immediate_commit_timestamp (8.0.1+), high bit 55 set: uint56 original follows
//       packed  transaction_length (8.0.2+)
//       uint32  immediate_server_version, high bit 31 set: uint32 original follows (8.0.14+)
//       uint64  commit_group_ticket (8.0.33+)
Status DecodeMySqlGtid(const EventHeader& header, ByteView body, MySqlGtidEvent* out) {
  auto type = static_cast<EventType>(header.type);
  out->anonymous = type == EventType::kAnonymousGtid;
  out->tagged = type == EventType::kGtidTagged;
  if (out->tagged) return DecodeTaggedGtid(body, out);
  ByteReader r(body, kEventHeaderSize);
  ByteView uuid;
  uint64_t gno = 0;
  RETURN_IF_ERROR(r.ReadU8(&out->flags, "GTID flags"));
  RETURN_IF_ERROR(r.ReadBytes(16, &uuid, "GTID uuid"));
  std::copy(uuid.begin(), uuid.end(), out->gtid.uuid.begin());
  RETURN_IF_ERROR(r.ReadU64(&gno, "GTID gno"));
  out->gtid.gno = static_cast<int64_t>(gno);
  if (r.remaining() < 1 + 16 || *r.current() != 2) return Status::Ok();
  uint64_t v = 0;
  RETURN_IF_ERROR(r.Skip(1));
  RETURN_IF_ERROR(r.ReadU64(&v));
  out->last_committed = static_cast<int64_t>(v);
  RETURN_IF_ERROR(r.ReadU64(&v));
  out->sequence_number = static_cast<int64_t>(v);
  if (r.remaining() < 7) return Status::Ok();
  RETURN_IF_ERROR(r.ReadUIntLe(7, &out->immediate_commit_us));
  out->has_commit_timestamps = true;
  constexpr uint64_t kHigh = 1ULL << 55;
  if (out->immediate_commit_us & kHigh) {
    out->immediate_commit_us &= ~kHigh;
    RETURN_IF_ERROR(r.ReadUIntLe(7, &out->original_commit_us, "original commit timestamp"));
  } else {
    out->original_commit_us = out->immediate_commit_us;
  }
  if (r.empty()) return Status::Ok();
  RETURN_IF_ERROR(r.ReadPackedInt(&out->transaction_length, "transaction length"));
  if (r.remaining() < 4) return Status::Ok();
  RETURN_IF_ERROR(r.ReadU32(&out->immediate_server_version));
  if (out->immediate_server_version & (1u << 31)) {
    out->immediate_server_version &= ~(1u << 31);
    RETURN_IF_ERROR(r.ReadU32(&out->original_server_version, "original server version"));
  } else {
    out->original_server_version = out->immediate_server_version;
  }
  return Status::Ok();
}

// PREVIOUS_GTIDS body: the executed GTID set in the Gtid_set binary encoding (gtid_set.h, both
// the untagged and the MySQL 8.3+ tagged format). Bytes after the set are ignored.
Status DecodePreviousGtids(ByteView body, PreviousGtidsEvent* out) {
  size_t consumed = 0;
  ASSIGN_OR_RETURN(out->gtids, MySqlGtidSet::Decode(body, kEventHeaderSize, &consumed));
  return Status::Ok();
}

// MariaDB GTID body: uint64 seq_no, uint32 domain_id, uint8 flags2, then uint64 commit_id if
// FL_GROUP_COMMIT_ID, then the XID (uint32 format, uint8 gtrid_len, uint8 bqual_len, data) if
// FL_PREPARED_XA or FL_COMPLETED_XA (both may be present: Gtid_log_event's constructor in
// MariaDB's sql/log_event.cc reads them in this order); later bytes (flags_extra ...) are
// ignored.
Status DecodeMariaGtid(const EventHeader& header, ByteView body, MariaGtidEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  RETURN_IF_ERROR(r.ReadU64(&out->gtid.seq_no, "GTID sequence"));
  RETURN_IF_ERROR(r.ReadU32(&out->gtid.domain_id, "GTID domain"));
  RETURN_IF_ERROR(r.ReadU8(&out->flags2, "GTID flags"));
  out->gtid.server_id = header.server_id;
  if (out->flags2 & kMariaGtidGroupCommitId) {
    RETURN_IF_ERROR(r.ReadU64(&out->commit_id, "GTID commit id"));
  }
  if (out->flags2 & (kMariaGtidPreparedXa | kMariaGtidCompletedXa)) {
    XaXid xid;
    uint8_t gtrid_len = 0, bqual_len = 0;
    ByteView gtrid, bqual;
    RETURN_IF_ERROR(r.ReadU32(&xid.format_id, "GTID XA format id"));
    RETURN_IF_ERROR(r.ReadU8(&gtrid_len, "GTID XA gtrid length"));
    RETURN_IF_ERROR(r.ReadU8(&bqual_len, "GTID XA bqual length"));
    if (gtrid_len > kXaMaxPartLength || bqual_len > kXaMaxPartLength) {
      return r.Error("invalid XA id lengths in a GTID event");
    }
    RETURN_IF_ERROR(r.ReadBytes(gtrid_len, &gtrid, "GTID XA gtrid"));
    RETURN_IF_ERROR(r.ReadBytes(bqual_len, &bqual, "GTID XA bqual"));
    xid.gtrid.assign(gtrid.begin(), gtrid.end());
    xid.bqual.assign(bqual.begin(), bqual.end());
    out->xa_xid = std::move(xid);
  }
  return Status::Ok();
}

// MariaDB GTID_LIST body: uint32 count (low 28 bits; high 4 bits flags), then count x
// (uint32 domain, uint32 server_id, uint64 seq_no).
Status DecodeMariaGtidList(ByteView body, MariaGtidListEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  uint32_t count = 0;
  RETURN_IF_ERROR(r.ReadU32(&count, "GTID list count"));
  count &= 0x0fffffff;
  if (count > r.remaining() / 16) return r.Error("GTID list count beyond the event");
  out->gtids.resize(count);
  for (MariaGtid& g : out->gtids) {
    RETURN_IF_ERROR(r.ReadU32(&g.domain_id));
    RETURN_IF_ERROR(r.ReadU32(&g.server_id));
    RETURN_IF_ERROR(r.ReadU64(&g.seq_no));
  }
  return Status::Ok();
}

}  // namespace binlake::binlog::internal
