// The pure event decoder: one event's bytes plus a DecodeContext in, a typed Event out. No I/O,
// no state: the caller keeps the context (ApplyFormatDescription), the table maps
// (TableMapCache) and the position (PositionTracker).
//
// `bytes` is exactly one event as stored in a binlog file or sent in a replication packet (after
// the packet's OK byte): header, body and, when the stream has checksums, the CRC32. Where the
// bytes came from does not matter.
#pragma once

#include "binlog/event_header.h"
#include "binlog/events.h"
#include "common/status.h"

namespace binlake::binlog {

// Decodes one event. Errors:
//   kCorruption   truncated/oversized event, CRC32 mismatch, a field out of bounds;
//   kUnsupported  an encrypted binlog (MariaDB START_ENCRYPTION), binlog versions 1-3.
// Event types binlake does not interpret decode to SkippedEvent.
Result<Event> DecodeEvent(ByteView bytes, const DecodeContext& ctx);

// The same, decoding into `out` (reusing its storage: the fast path for streams). On error `out`
// holds a partially decoded event and must not be used.
Status DecodeEvent(ByteView bytes, const DecodeContext& ctx, Event* out);

// Updates `ctx` from a stream's FORMAT_DESCRIPTION event: flavour, server version, checksum
// algorithm and post-header lengths. Call it whenever a FORMAT_DESCRIPTION event is decoded.
void ApplyFormatDescription(const FormatDescriptionEvent& fde, DecodeContext* ctx);

// True for event types that carry row images.
bool IsRowsEventType(uint8_t type);

}  // namespace binlake::binlog
