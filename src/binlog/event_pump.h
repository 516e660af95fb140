// EventPump: drives decoding of one binlog stream, event by event, whatever the byte source (a
// file via BinlogFileReader, or a replication connection handing over one event per packet).
// It owns the stream state — DecodeContext (from FORMAT_DESCRIPTION), TableMapCache,
// PositionTracker — opens TRANSACTION_PAYLOAD events, decodes row images with RowReader and
// hands every event and row change to an EventSink.
//
// Errors carry the file and offset of the event: "binlog.000001 at 4711 (Write_rows): ...".
// An INCIDENT event is an error (the source lost events); encrypted binlogs are refused.
//
// Thread-safety: none; one pump per stream.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "binlog/event_decoder.h"
#include "binlog/position_tracker.h"
#include "binlog/row_reader.h"
#include "binlog/table_map_cache.h"

namespace binlake::binlog {

struct RowChangeEvent {
  const TableMap* table = nullptr;
  const RowChange* change = nullptr;
  const EventHeader* header = nullptr;        // of the rows event
  const PositionTracker* position = nullptr;  // file, event_start(), gtid, commit timestamp
  uint32_t row_index = 0;                     // 0-based, within the rows event
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Every decoded event; `inner` for events inside a TRANSACTION_PAYLOAD. Called before the
  // event's row changes.
  virtual Status OnEvent(const Event& event, bool inner) { return Status::Ok(); }
  virtual Status OnRowChange(const RowChangeEvent& row) { return Status::Ok(); }
};

struct PumpOptions {
  bool decode_rows = true;  // false: rows events are decoded but not their row images
  bool verify_checksum = true;
  TableMapCache::HintProvider schema_hints;  // optional, for maps without full metadata
};

struct PumpStats {
  std::array<uint64_t, 256> events{};        // top-level events by type code
  std::array<uint64_t, 256> inner_events{};  // events inside TRANSACTION_PAYLOAD, by type
  uint64_t skipped = 0;                      // events not interpreted (SkippedEvent)
  uint64_t row_changes = 0;
  uint64_t unresolved_partial_json = 0;  // see RowReader::unresolved_partial_json
  uint64_t bytes = 0;                    // top-level event bytes
};

class EventPump {
 public:
  EventPump(PumpOptions options, EventSink* sink);

  // Starts a new file (or stream position): resets the position, keeps nothing else. The file's
  // FORMAT_DESCRIPTION event resets the context and the table maps.
  void StartFile(std::string name, uint64_t position = 4);

  // Decodes one top-level event occupying [start, start + bytes.size()) of the current file.
  Status Feed(ByteView bytes, uint64_t start);
  // The same, for bytes whose trailing 4 bytes the caller already checked to be the CRC32 of
  // the rest (`crc32_verified`): when the stream has checksums, it is not computed again.
  Status Feed(ByteView bytes, uint64_t start, bool crc32_verified);

  const DecodeContext& context() const { return ctx_; }
  const PositionTracker& position() const { return tracker_; }
  const TableMapCache& tables() const { return tables_; }
  const PumpStats& stats() const { return stats_; }

 private:
  Status Handle(const Event& ev, bool inner);
  Status EmitRows(const Event& ev, const RowsEvent& rows);

  PumpOptions options_;
  EventSink* sink_;
  DecodeContext ctx_;
  TableMapCache tables_;
  PositionTracker tracker_;
  RowScratch scratch_;
  PumpStats stats_;
  Event event_{EventHeader{}, SkippedEvent{}};  // the top-level event being handled (reused)
};

}  // namespace binlake::binlog
