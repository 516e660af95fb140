// Decoded binlog events as value types, one struct per event kind, held in the `Event` variant and
// dispatched with std::visit.
//
// Lifetime: string_view/ByteView members point into the event bytes given to DecodeEvent (or, for
// MariaDB compressed events, into `storage`, which the event shares). Copy what must outlive the
// bytes. Small fields that later stages keep (FORMAT_DESCRIPTION, ROTATE, GTID sets) are owned.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "binlog/byte_reader.h"
#include "binlog/event_header.h"
#include "binlog/gtid.h"
#include "binlog/gtid_set.h"
#include "binlog/xa.h"

namespace binlake::binlog {

// FORMAT_DESCRIPTION_EVENT (15): the first event of every binlog file.
// https://dev.mysql.com/doc/dev/mysql-server/latest/classmysql_1_1binlog_1_1event_1_1Format__description__event.html
struct FormatDescriptionEvent {
  uint16_t binlog_version = 4;
  std::string server_version;  // "8.0.32", "10.11.6-MariaDB-log"
  uint32_t create_timestamp = 0;
  uint8_t header_length = kEventHeaderSize;
  std::vector<uint8_t> post_header_lengths;  // [type - 1]
  ChecksumAlg checksum = ChecksumAlg::kUndefined;
  Flavor flavor = Flavor::kMySql;
  // Written by one of the 2006-2008 MySQL 5.1/5.2 "-a_drop5p"/"-a_drop6p" development trees,
  // which numbered TABLE_MAP, the v0 rows events, XID and the LOAD_QUERY events differently.
  bool permuted_event_types = false;
};

// ROTATE_EVENT (4): the next event is at `position` in `next_file`.
struct RotateEvent {
  uint64_t position = 4;
  std::string next_file;
};

struct StopEvent {};

// XID_EVENT (16): commit of an XA-capable (InnoDB) transaction.
struct XidEvent {
  uint64_t xid = 0;
};

// INTVAR_EVENT (5): LAST_INSERT_ID (1) or INSERT_ID (2) for the next statement.
struct IntvarEvent {
  uint8_t kind = 0;
  uint64_t value = 0;
};

// RAND_EVENT (13): RAND() seeds for the next statement.
struct RandEvent {
  uint64_t seed1 = 0;
  uint64_t seed2 = 0;
};

// USER_VAR_EVENT (14): a user variable used by the next statement.
struct UserVarEvent {
  std::string_view name;
  bool is_null = true;
  uint8_t value_type = 0;  // STRING_RESULT 0, REAL 1, INT 2, ROW 3, DECIMAL 4
  uint32_t charset = 0;
  ByteView value;
  uint8_t flags = 0;  // bit 0: unsigned
};

// Status variables of a QUERY event that later stages may need.
struct QueryStatus {
  std::optional<uint32_t> flags2;
  std::optional<uint64_t> sql_mode;
  std::optional<uint16_t> charset_client;
  std::optional<uint16_t> collation_connection;
  std::optional<uint16_t> collation_server;
  std::optional<uint16_t> collation_database;
  std::string_view time_zone;
  std::optional<uint64_t> ddl_xid;       // MySQL Q_DDL_LOGGED_WITH_XID
  std::optional<uint64_t> maria_xid;     // MariaDB Q_XID
  std::optional<uint32_t> microseconds;  // MySQL Q_MICROSECONDS / MariaDB Q_HRNOW
  std::optional<uint16_t> default_collation_for_utf8mb4;
};

// QUERY_EVENT (2) and MariaDB QUERY_COMPRESSED_EVENT (165): a statement (DDL, BEGIN, COMMIT, or
// a statement-based change).
struct QueryEvent {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  std::string_view schema;
  std::string_view statement;
  QueryStatus status;
  bool compressed = false;
  std::shared_ptr<const std::string> storage;  // decompressed statement of QUERY_COMPRESSED
  // "XA START|END|PREPARE|COMMIT|ROLLBACK <xid>" (binlog/xa.h); nullopt for other statements.
  std::optional<XaStatement> xa;
};

// ROWS_QUERY_LOG_EVENT (29, MySQL) and ANNOTATE_ROWS_EVENT (160, MariaDB): the statement that
// produced the following rows events.
struct RowsQueryEvent {
  std::string_view statement;
};

// HEARTBEAT_LOG_EVENT (27) and HEARTBEAT_LOG_EVENT_V2 (41): sent by a source when idle.
struct HeartbeatEvent {
  std::string_view log_file;
  uint64_t log_pos = 0;  // v1: header log_pos; v2: its own field
};

// INCIDENT_EVENT (26): something happened on the source that replicas cannot reproduce (e.g.
// LOST_EVENTS). Decoding succeeds; stream consumers treat it as an error (see EventPump).
struct IncidentEvent {
  uint16_t incident = 0;  // 1 = LOST_EVENTS
  std::string_view message;
};

// GTID_LOG_EVENT (33), ANONYMOUS_GTID_LOG_EVENT (34), GTID_TAGGED_LOG_EVENT (42).
struct MySqlGtidEvent {
  bool anonymous = false;
  bool tagged = false;
  uint8_t flags = 0;  // bit 0: may have statement-based changes
  MySqlGtid gtid;
  int64_t last_committed = 0;
  int64_t sequence_number = 0;
  bool has_commit_timestamps = false;
  uint64_t immediate_commit_us = 0;  // microseconds since the epoch
  uint64_t original_commit_us = 0;
  uint64_t transaction_length = 0;
  uint32_t immediate_server_version = 0;
  uint32_t original_server_version = 0;
};

// PREVIOUS_GTIDS_LOG_EVENT (35): the GTID set executed before this file.
struct PreviousGtidsEvent {
  MySqlGtidSet gtids;
};

// MariaDB GTID_EVENT (162): starts an event group (a transaction, or one standalone statement).
struct MariaGtidEvent {
  MariaGtid gtid;  // server_id comes from the event header
  uint8_t flags2 = 0;
  uint64_t commit_id = 0;  // group commit id when kMariaGtidGroupCommitId
  // With FL_PREPARED_XA (the group is an XA transaction's body, ended by XA_PREPARE) or
  // FL_COMPLETED_XA (the group is its XA COMMIT / XA ROLLBACK): the transaction's XID.
  std::optional<XaXid> xa_xid;
  bool standalone() const { return (flags2 & kMariaGtidStandalone) != 0; }
  bool prepared_xa() const { return (flags2 & kMariaGtidPreparedXa) != 0; }
  bool completed_xa() const { return (flags2 & kMariaGtidCompletedXa) != 0; }
};

// MariaDB GTID_LIST_EVENT (163): the binlog state at the start of a file.
struct MariaGtidListEvent {
  std::vector<MariaGtid> gtids;
};

// MariaDB BINLOG_CHECKPOINT_EVENT (161).
struct BinlogCheckpointEvent {
  std::string_view file;
};

// XA_PREPARE_LOG_EVENT (38): ends the event group of an XA transaction's body (binlog/xa.h).
// one_phase: the group was XA COMMIT ... ONE PHASE (MySQL), i.e. it commits; else it is
// prepared, and an XA COMMIT or XA ROLLBACK group for the same XID follows later.
struct XaPrepareEvent {
  bool one_phase = false;
  XaXid xid;
};

// TABLE_MAP_EVENT (19), lightly decoded: the full column description (types, metadata, names)
// is decoded once per distinct table map by DecodeTableMap / TableMapCache.
struct TableMapEvent {
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::string_view schema;
  std::string_view table;
  uint64_t column_count = 0;
  ByteView body;  // the whole event body (post-header included), for DecodeTableMap
};

enum class RowsKind : uint8_t { kWrite, kUpdate, kDelete };

// WRITE/UPDATE/DELETE_ROWS v0/v1/v2, PARTIAL_UPDATE_ROWS (39) and MariaDB's compressed rows events.
// Row images are decoded with RowReader (row_reader.h) and the table's TableMap.
struct RowsEvent {
  RowsKind kind = RowsKind::kWrite;
  uint8_t version = 2;   // 0 (5.1 pre-GA), 1, 2
  bool partial = false;  // PARTIAL_UPDATE_ROWS: after-images may hold JSON diffs
  bool compressed = false;
  uint64_t table_id = 0;
  uint16_t flags = 0;
  uint64_t column_count = 0;
  ByteView columns_before;  // bitmap of columns in the (before) image, (n+7)/8 bytes
  ByteView columns_after;   // UPDATE only: bitmap of columns in the after image
  ByteView rows;            // the row images
  std::shared_ptr<const std::string> storage;  // decompressed rows of a compressed event
};

// TRANSACTION_PAYLOAD_EVENT (40): a whole transaction's events, compressed (zstd).
// Read the inner events with PayloadReader (transaction_payload.h).
struct TransactionPayloadEvent {
  uint64_t compression = 0;  // 0 = zstd, 255 = none
  uint64_t payload_size = 0;
  uint64_t uncompressed_size = 0;
  ByteView payload;
};

// An event binlake does not interpret (known but irrelevant types, or unknown types): skipped by
// its length and counted.
struct SkippedEvent {
  ByteView body;
};

using EventData =
    std::variant<FormatDescriptionEvent, RotateEvent, StopEvent, XidEvent, IntvarEvent, RandEvent,
                 UserVarEvent, QueryEvent, RowsQueryEvent, HeartbeatEvent, IncidentEvent,
                 MySqlGtidEvent, PreviousGtidsEvent, MariaGtidEvent, MariaGtidListEvent,
                 BinlogCheckpointEvent, XaPrepareEvent, TableMapEvent, RowsEvent,
                 TransactionPayloadEvent, SkippedEvent>;

struct Event {
  EventHeader header;
  EventData data;
};

}  // namespace binlake::binlog
