// Per-family body decoders used by DecodeEvent (event_decoder.cc). Not part of the public API:
// each takes the event body (after the 19-byte header, without the checksum) and the context.
#pragma once

#include "binlog/event_header.h"
#include "binlog/events.h"

namespace binlake::binlog::internal {

// control_events.cc
// `event_bytes`: the whole event, checksum included (the FDE decides its own checksum).
Status DecodeFormatDescription(const EventHeader& header, ByteView event_bytes, bool verify,
                               FormatDescriptionEvent* out);
Status DecodeRotate(ByteView body, const DecodeContext& ctx, RotateEvent* out);
Status DecodeXid(ByteView body, XidEvent* out);
Status DecodeIntvar(ByteView body, IntvarEvent* out);
Status DecodeRand(ByteView body, RandEvent* out);
Status DecodeUserVar(ByteView body, UserVarEvent* out);
Status DecodeHeartbeat(const EventHeader& header, ByteView body, HeartbeatEvent* out);
Status DecodeHeartbeatV2(ByteView body, HeartbeatEvent* out);
Status DecodeIncident(ByteView body, const DecodeContext& ctx, IncidentEvent* out);
Status DecodeXaPrepare(ByteView body, const DecodeContext& ctx, XaPrepareEvent* out);
Status DecodeBinlogCheckpoint(ByteView body, BinlogCheckpointEvent* out);
Status DecodeRowsQuery(const EventHeader& header, ByteView body, RowsQueryEvent* out);
Status DecodeTransactionPayload(ByteView body, TransactionPayloadEvent* out);

// gtid_events.cc
Status DecodeMySqlGtid(const EventHeader& header, ByteView body, MySqlGtidEvent* out);
Status DecodePreviousGtids(ByteView body, PreviousGtidsEvent* out);
Status DecodeMariaGtid(const EventHeader& header, ByteView body, MariaGtidEvent* out);
Status DecodeMariaGtidList(ByteView body, MariaGtidListEvent* out);

// query_event.cc
Status DecodeQuery(const EventHeader& header, ByteView body, const DecodeContext& ctx,
                   QueryEvent* out);

// rows_event.cc
Status DecodeTableMapHeader(ByteView body, const DecodeContext& ctx, TableMapEvent* out);
Status DecodeRows(const EventHeader& header, ByteView body, const DecodeContext& ctx,
                  RowsEvent* out);

// mariadb_compression.cc: MariaDB's compressed-event block: 1 header byte (0x80 | alg<<4 |
// length-of-length), the uncompressed length big-endian in that many bytes, then zlib data.
Result<std::shared_ptr<const std::string>> MariaUncompress(ByteView block);

}  // namespace binlake::binlog::internal
