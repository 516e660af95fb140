// Decoders of the control events: FORMAT_DESCRIPTION, ROTATE, XID, INTVAR, RAND, USER_VAR,
// HEARTBEAT (v1, v2), INCIDENT, XA_PREPARE, BINLOG_CHECKPOINT, ROWS_QUERY/ANNOTATE_ROWS and the
// TRANSACTION_PAYLOAD header.
// Spec:
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html
//       https://mariadb.com/kb/en/1-binlog-events/
#include <cstring>
#include <string>

#include "binlog/event_decoders_internal.h"

namespace binlake::binlog::internal {

// FORMAT_DESCRIPTION body:
//   +0  uint16   binlog_version (4)
//   +2  char[50] server_version, NUL-padded
//   +52 uint32   create_timestamp
//   +56 uint8    common header length (19)
//   +57 uint8[n] post-header length of types 1..n
//   then, from MySQL 5.6.1 / MariaDB 5.3 on: uint8 checksum algorithm + 4 checksum bytes (the
//   CRC32 of the event when the algorithm is CRC32; present as room even when it is OFF).
Status DecodeFormatDescription(const EventHeader& header, ByteView event_bytes, bool verify,
                               FormatDescriptionEvent* out) {
  ByteView after = event_bytes.subspan(kEventHeaderSize);
  ByteReader r(after, kEventHeaderSize);
  RETURN_IF_ERROR(r.ReadU16(&out->binlog_version, "binlog version"));
  if (out->binlog_version != 4) {
    return Unsupported("binlog version " + std::to_string(out->binlog_version) +
                       " (written by MySQL before 5.0) is not supported");
  }
  std::string_view version;
  RETURN_IF_ERROR(r.ReadString(50, &version, "server version"));
  out->server_version = std::string(version.substr(0, version.find('\0')));
  RETURN_IF_ERROR(r.ReadU32(&out->create_timestamp, "create timestamp"));
  RETURN_IF_ERROR(r.ReadU8(&out->header_length, "header length"));
  if (out->header_length != kEventHeaderSize) {
    return Unsupported("event header length " + std::to_string(out->header_length) +
                       " (expected 19)");
  }
  out->flavor =
      out->server_version.find("MariaDB") != std::string::npos ? Flavor::kMariaDb : Flavor::kMySql;
  uint32_t version_number = ParseServerVersion(out->server_version);
  // log_event.cc (Format_description_log_event): the trees whose versions look like
  // 5.1.[1-5]-a_drop5p*, 5.1.4-a_drop6p*, 5.2.[0-2]-a_drop6p* used other type codes.
  const std::string& v = out->server_version;
  out->permuted_event_types = v.size() > 12 && v[0] == '5' && v[1] == '.' && v[3] == '.' &&
                              v.compare(5, 7, "-a_drop") == 0 &&
                              ((v[2] == '1' && v[4] >= '1' && v[4] <= '5' && v[12] == '5') ||
                               (v[2] == '1' && v[4] == '4' && v[12] == '6') ||
                               (v[2] == '2' && v[4] >= '0' && v[4] <= '2' && v[12] == '6'));
  uint32_t split = out->flavor == Flavor::kMariaDb ? kMariaChecksumVersion : kMySqlChecksumVersion;
  size_t rest = r.remaining();
  if (version_number >= split) {
    if (rest < 1 + kChecksumSize) return r.Error("FORMAT_DESCRIPTION too short for its checksum");
    size_t n_types = rest - 1 - kChecksumSize;
    ByteView lens;
    RETURN_IF_ERROR(r.ReadBytes(n_types, &lens));
    out->post_header_lengths.assign(lens.begin(), lens.end());
    uint8_t alg = 0;
    RETURN_IF_ERROR(r.ReadU8(&alg));
    if (alg != 0 && alg != 1) {
      return Unsupported("unknown binlog checksum algorithm " + std::to_string(alg));
    }
    out->checksum = static_cast<ChecksumAlg>(alg);
    if (out->checksum == ChecksumAlg::kCrc32 && verify) {
      // The server sets LOG_EVENT_BINLOG_IN_USE_F in the FDE of the file it is writing and
      // clears it on close, after computing the CRC: the CRC is of the bytes without it.
      size_t end = event_bytes.size() - kChecksumSize;
      uint32_t stored = LoadLe32(event_bytes.data() + end);
      uint8_t head[kEventHeaderSize];
      std::memcpy(head, event_bytes.data(), kEventHeaderSize);
      head[17] &= static_cast<uint8_t>(~kFlagBinlogInUse);
      uint32_t crc = Crc32Update(Crc32(ByteView(head, kEventHeaderSize)),
                                 event_bytes.subspan(kEventHeaderSize, end - kEventHeaderSize));
      if (stored != crc) {
        return Corruption("CRC32 mismatch in FORMAT_DESCRIPTION event");
      }
    }
  } else {
    ByteView lens = r.Rest();
    out->post_header_lengths.assign(lens.begin(), lens.end());
    out->checksum = ChecksumAlg::kOff;
  }
  if (out->permuted_event_types && out->post_header_lengths.size() != 22) {
    return Unsupported("binlog of development server " + out->server_version +
                       " with an unexpected event type table");
  }
  (void)header;
  return Status::Ok();
}

// ROTATE: uint64 position (post-header, 8 bytes) then the next file name (rest of the event).
Status DecodeRotate(ByteView body, const DecodeContext& ctx, RotateEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  uint8_t post = ctx.PostHeaderLen(static_cast<uint8_t>(EventType::kRotate));
  if (post >= 8) {
    RETURN_IF_ERROR(r.ReadU64(&out->position, "rotate position"));
    RETURN_IF_ERROR(r.Skip(post - 8));
  }
  std::string_view name = AsStringView(r.Rest());
  if (name.empty()) return r.Error("ROTATE without a file name");
  out->next_file = std::string(name.substr(0, name.find('\0')));
  return Status::Ok();
}

Status DecodeXid(ByteView body, XidEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  return r.ReadU64(&out->xid, "xid");
}

Status DecodeIntvar(ByteView body, IntvarEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  RETURN_IF_ERROR(r.ReadU8(&out->kind, "intvar type"));
  return r.ReadU64(&out->value, "intvar value");
}

Status DecodeRand(ByteView body, RandEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  RETURN_IF_ERROR(r.ReadU64(&out->seed1, "rand seed1"));
  return r.ReadU64(&out->seed2, "rand seed2");
}

// USER_VAR: uint32 name_len, name, uint8 is_null; unless NULL: uint8 type, uint32 charset,
// uint32 value_len, value, and (5.6+) an optional uint8 flags.
Status DecodeUserVar(ByteView body, UserVarEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  uint32_t name_len = 0;
  RETURN_IF_ERROR(r.ReadU32(&name_len, "user var name length"));
  RETURN_IF_ERROR(r.ReadString(name_len, &out->name, "user var name"));
  uint8_t is_null = 0;
  RETURN_IF_ERROR(r.ReadU8(&is_null, "user var null flag"));
  out->is_null = is_null != 0;
  if (out->is_null) return Status::Ok();
  uint32_t value_len = 0;
  RETURN_IF_ERROR(r.ReadU8(&out->value_type, "user var type"));
  RETURN_IF_ERROR(r.ReadU32(&out->charset, "user var charset"));
  RETURN_IF_ERROR(r.ReadU32(&value_len, "user var length"));
  RETURN_IF_ERROR(r.ReadBytes(value_len, &out->value, "user var value"));
  if (!r.empty()) RETURN_IF_ERROR(r.ReadU8(&out->flags));
  return Status::Ok();
}

// HEARTBEAT (v1): the current binlog file name; the position is the header's log_pos.
Status DecodeHeartbeat(const EventHeader& header, ByteView body, HeartbeatEvent* out) {
  out->log_file = AsStringView(body);
  out->log_pos = header.log_pos;
  return Status::Ok();
}

// HEARTBEAT_V2: TLV fields (type, length as packed integers): 1 = file name, 2 = position
// (a packed integer), 0 = end mark.
Status DecodeHeartbeatV2(ByteView body, HeartbeatEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  while (!r.empty()) {
    uint64_t type = 0, len = 0;
    RETURN_IF_ERROR(r.ReadPackedInt(&type, "heartbeat field type"));
    if (type == 0) break;
    RETURN_IF_ERROR(r.ReadPackedInt(&len, "heartbeat field length"));
    ByteView value;
    RETURN_IF_ERROR(r.ReadBytes(len, &value, "heartbeat field"));
    if (type == 1) {
      out->log_file = AsStringView(value);
    } else if (type == 2) {
      ByteReader v(value);
      RETURN_IF_ERROR(v.ReadPackedInt(&out->log_pos, "heartbeat position"));
    }
  }
  return Status::Ok();
}

// INCIDENT: uint16 incident (post-header), uint8 message length, message.
Status DecodeIncident(ByteView body, const DecodeContext& ctx, IncidentEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  RETURN_IF_ERROR(r.ReadU16(&out->incident, "incident number"));
  uint8_t post = ctx.PostHeaderLen(static_cast<uint8_t>(EventType::kIncident));
  if (post > 2) RETURN_IF_ERROR(r.Skip(post - 2));
  if (r.empty()) return Status::Ok();
  uint8_t len = 0;
  RETURN_IF_ERROR(r.ReadU8(&len, "incident message length"));
  return r.ReadString(len, &out->message, "incident message");
}

// XA_PREPARE: uint8 one_phase, uint32 format_id, uint32 gtrid_len, uint32 bqual_len, data.
Status DecodeXaPrepare(ByteView body, const DecodeContext& ctx, XaPrepareEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  uint8_t one_phase = 0;
  uint32_t gtrid_len = 0, bqual_len = 0;
  RETURN_IF_ERROR(r.ReadU8(&one_phase, "XA one_phase"));
  out->one_phase = one_phase != 0;
  RETURN_IF_ERROR(r.ReadU32(&out->xid.format_id, "XA format id"));
  RETURN_IF_ERROR(r.ReadU32(&gtrid_len, "XA gtrid length"));
  RETURN_IF_ERROR(r.ReadU32(&bqual_len, "XA bqual length"));
  if (gtrid_len > kXaMaxPartLength || bqual_len > kXaMaxPartLength) {
    return r.Error("invalid XA id lengths");
  }
  ByteView gtrid, bqual;
  RETURN_IF_ERROR(r.ReadBytes(gtrid_len, &gtrid, "XA gtrid"));
  RETURN_IF_ERROR(r.ReadBytes(bqual_len, &bqual, "XA bqual"));
  out->xid.gtrid.assign(gtrid.begin(), gtrid.end());
  out->xid.bqual.assign(bqual.begin(), bqual.end());
  (void)ctx;
  return Status::Ok();
}

// BINLOG_CHECKPOINT (MariaDB): uint32 file name length, file name.
Status DecodeBinlogCheckpoint(ByteView body, BinlogCheckpointEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  uint32_t len = 0;
  RETURN_IF_ERROR(r.ReadU32(&len, "checkpoint file length"));
  return r.ReadString(len, &out->file, "checkpoint file name");
}

// ROWS_QUERY (MySQL): uint8 length (ignored: truncated at 255), then the statement to the end.
// ANNOTATE_ROWS (MariaDB): the statement is the whole body.
Status DecodeRowsQuery(const EventHeader& header, ByteView body, RowsQueryEvent* out) {
  if (header.type == static_cast<uint8_t>(EventType::kRowsQuery)) {
    if (body.empty()) return Corruption("empty ROWS_QUERY event");
    body = body.subspan(1);
  }
  out->statement = AsStringView(body);
  return Status::Ok();
}

// TRANSACTION_PAYLOAD: TLV header fields (type and length as packed integers, values packed
// integers): 1 payload size, 2 compression type (0 zstd, 255 none), 3 uncompressed size;
// 0 ends the header; the payload follows to the end of the event.
Status DecodeTransactionPayload(ByteView body, TransactionPayloadEvent* out) {
  ByteReader r(body, kEventHeaderSize);
  bool have_size = false;
  while (true) {
    uint64_t type = 0, len = 0;
    RETURN_IF_ERROR(r.ReadPackedInt(&type, "payload field type"));
    if (type == 0) break;
    RETURN_IF_ERROR(r.ReadPackedInt(&len, "payload field length"));
    ByteView value;
    RETURN_IF_ERROR(r.ReadBytes(len, &value, "payload field"));
    ByteReader v(value);
    uint64_t x = 0;
    if (type >= 1 && type <= 3) RETURN_IF_ERROR(v.ReadPackedInt(&x, "payload field value"));
    if (type == 1) {
      out->payload_size = x;
      have_size = true;
    } else if (type == 2) {
      out->compression = x;
    } else if (type == 3) {
      out->uncompressed_size = x;
    }
  }
  out->payload = r.Rest();
  if (have_size && out->payload_size != out->payload.size()) {
    return Corruption("TRANSACTION_PAYLOAD says " + std::to_string(out->payload_size) +
                      " payload bytes but has " + std::to_string(out->payload.size()));
  }
  return Status::Ok();
}

}  // namespace binlake::binlog::internal
