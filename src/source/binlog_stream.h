// BinlogEventStream: reads the source's binary log as a replica (COM_BINLOG_DUMP, or
// COM_BINLOG_DUMP_GTID for a MySQL GTID start) and hands over the raw events, one at a time,
// ready for binlog::EventPump::Feed.
//
// Protocol (https://mariadb.com/kb/en/com_binlog_dump/,
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication.html):
// Open() connects with MysqlConnection, then on that session
//   SET @master_binlog_checksum = @@global.binlog_checksum   (declare checksum awareness; the
//                                                              events then carry their CRC32)
//   SET @mariadb_slave_capability = 4                         (MariaDB: send GTID, GTID_LIST,
//                                                              BINLOG_CHECKPOINT, ANNOTATE_ROWS
//                                                              as they are, not rewritten)
//   SET @master_heartbeat_period = <ns>                       (an idle source sends HEARTBEAT)
//   SET @slave_connect_state = '<gtid list>', @slave_gtid_strict_mode = 0   (MariaDB GTID start)
// and sends COM_BINLOG_DUMP with libmariadb's mariadb_rpl_open, or, to start after a MySQL GTID
// set, COM_BINLOG_DUMP_GTID (0x1e: flags, server_id, no file name, position 4 and the set's
// binary SID block, built by mysql_gtid_dump.h) through the connection's db_command, as
// mariadb_rpl_open sends its command (libmariadb has no API for 0x1e). Every reply packet is
// then one event: a 0x00 status byte followed by the event (19-byte v4 header, body, CRC32 when
// the binlog has checksums), or an ERR packet. Packets are read with mysql_net_read_packet and the
// event bytes are handed over in place: mariadb_rpl_fetch is NOT used, because it parses every
// event (copying it into a memory root, inflating MariaDB compressed rows) and refuses event
// types it does not know (MySQL's TRANSACTION_PAYLOAD, HEARTBEAT_V2, GTID_TAGGED,
// PARTIAL_UPDATE_ROWS). binlake's own decoder is the only parser of event bodies.
//
// What the server sends first: a fake ROTATE (log_pos 0, LOG_EVENT_ARTIFICIAL_F) naming the file
// and start position, then that file's FORMAT_DESCRIPTION (with log_pos 0 when the start
// position is past it), then the events. At every file change: the real ROTATE at the end of the
// old file, a fake ROTATE for the new one, the new file's FORMAT_DESCRIPTION. A MariaDB GTID
// start begins at the head of the file holding the GTID and skips to it with an artificial
// GTID_LIST. A MySQL GTID start begins at the head of the oldest file holding a transaction not
// in the set and leaves out the transactions in the set. Heartbeats (type 27; MySQL 8 may send
// type 41) arrive when the source is idle.
//
// The loop the CDC task runs (errors and shutdown elided):
//
//   ASSIGN_OR_RETURN(auto stream, BinlogEventStream::Open(options));
//   binlog::EventPump pump(pump_options, &sink);
//   pump.StartFile(stream->current_file(), stream->next_position());
//   while (true) {
//     Result<StreamEvent> ev = stream->Next();
//     if (!ev.ok()) break;  // kNetworkError: reopen at the last commit (see replica_retry.h)
//     if (ev->IsFakeRotate()) {  // a position, not data: the file it names starts here
//       pump.StartFile(stream->current_file(), stream->next_position());
//       continue;
//     }
//     RETURN_IF_ERROR(pump.Feed(ev->bytes, ev->position));
//     if (!pump.position().in_transaction()) Commit(pump.position().last_commit());
//   }
//
// The fake ROTATE must not be fed: it precedes the FORMAT_DESCRIPTION, so the decoder does not
// know yet that it ends in a CRC32 and would read the checksum as part of the file name.
// Reconnecting: the caller opens a new stream (there is no in-place Reconnect) at the
// binlog::BinlogPosition of its last committed transaction: OpenStreamWithRetry in replica_retry.h,
// or, choosing the host and file:position vs GTID for a recorded position, resume_stream.h.
// It drops what its sink buffered for the unfinished transaction and may keep the same
// EventPump (the new stream starts with a fake ROTATE and a FORMAT_DESCRIPTION again). Never
// resume inside a transaction: the TABLE_MAPs before the resume point would be missing.
// replica_test_util.h (class Replica) is this loop as the tests run it.
//
// The parts, each in its own file: stream_start.h (where to start, checked before connecting
// and against the source's flavour), replica_server_id.h (the server_id announced),
// dump_packet.h (framing the reply packets: events, ERR, EOF, CRC32), replica_errors.h (what the
// source's errors mean), read_ahead_policy.h (whether a caller sets prefetch_bytes). This file
// holds the stream: the dump request and the two ways of reading its packets, on the caller's
// thread or ahead on the PacketPrefetcher's.
//
// Thread-safety: one thread calls Open/Next/accessors; Cancel() may be called from any other
// thread at any time (not from a signal handler: use a watcher thread).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/binlog_position.h"
#include "common/status.h"
#include "source/connection_config.h"
#include "source/dump_packet.h"  // StreamEvent, FrameDumpPacket
#include "source/mysql_connection.h"
#include "source/packet_prefetcher.h"
#include "source/raw_packet_reader.h"
#include "source/stream_start.h"  // StreamStart

namespace binlake {

struct StreamOptions {
  ConnectionConfig connection;
  // Our server_id as a replica. Two replicas with the same id evict each other on the source
  // (the source ends the older dump), so every binlake task needs its own: 0 here means
  // DefaultReplicaServerId(task_key) (replica_server_id.h).
  uint32_t server_id = 0;
  std::string task_key;  // identity of the task, for the default server_id (e.g. its target URL)
  StreamStart start;
  // The source sends a HEARTBEAT after this much idle time; 0 disables heartbeats. The read
  // timeout becomes 2 periods + 1 s, so a silently dead connection is a kNetworkError in
  // about two periods (without heartbeats: connection.read_timeout_s).
  std::chrono::milliseconds heartbeat_period{std::chrono::seconds(15)};
  bool annotate_rows = true;  // MariaDB: ask for ANNOTATE_ROWS (the statement of row events)
  // Read the stream from the socket in large reads (raw_packet_reader.h) when the connection
  // has neither TLS nor compression; false: through Connector/C.
  bool raw_socket_reads = true;
  // Read ahead on a thread of its own (source/packet_prefetcher.h), holding up to this many
  // bytes of events not yet returned by Next(): receiving then overlaps with the caller's
  // decoding and writing. 0 = read on the caller's thread inside Next(). Whether it pays off:
  // ReadAheadPays (read_ahead_policy.h).
  size_t prefetch_bytes = size_t{4} << 20;
  // Read what the binlog holds now, as `mysqlbinlog --read-from-remote-server` does: server_id
  // 0 (the source then evicts no other dump with the same id, and registers no replica) and the
  // BINLOG_DUMP_NON_BLOCK flag (1; file:position starts): at the end of the binlog the source sends
  // EOF instead of waiting, and Next() returns kNotFound ("reached the end of the binlog"). For
  // short reads of a known range beside a running replica (the CDC task's XA re-reads,
  // cdc/xa_replay.h).
  bool non_blocking = false;
};

class BinlogEventStream {
 public:
  // Connects, negotiates, sends the dump request and waits for the source's first reply, so a
  // purged start file, a missing grant or an unknown GTID fail here, not in Next(). A malformed
  // start (position < 4, bad GTID text) is kInvalidArgument before connecting; a GTID of the
  // other flavour than the source's is kInvalidArgument once connected.
  static Result<std::unique_ptr<BinlogEventStream>> Open(const StreamOptions& options);
  ~BinlogEventStream();
  BinlogEventStream(const BinlogEventStream&) = delete;
  BinlogEventStream& operator=(const BinlogEventStream&) = delete;

  // Blocks until the next event. Errors: kNetworkError (connection lost, source restarted, no
  // heartbeat within the read timeout: reopen), kPreconditionFailed / kPermissionDenied (see
  // DumpErrorToStatus, replica_errors.h), kCorruption (a packet that is not one event), kCancelled
  // (Cancel()). After an error the stream is finished: every later call returns an error.
  Result<StreamEvent> Next();

  // Makes a blocked or future Next() return kCancelled promptly (shuts the socket down).
  // Thread-safe; idempotent.
  void Cancel();

  // The binlog file the stream is in: the start file, then the file named by each ROTATE (real
  // or fake) once that ROTATE was returned by Next(). Empty before the first ROTATE of a GTID
  // start.
  const std::string& current_file() const { return cursor_.file; }
  // Offset in current_file() of the next event the stream expects.
  uint64_t next_position() const { return cursor_.position; }
  uint32_t server_id() const { return server_id_; }
  // The source's id of the dump connection (SHOW PROCESSLIST, KILL).
  unsigned long connection_id() const { return connection_id_; }
  bool checksums() const { return checksums_; }  // negotiated binlog_checksum is CRC32
  bool is_mariadb() const { return is_mariadb_; }
  uint64_t events() const { return events_; }
  uint64_t bytes() const { return bytes_; }

 private:
  explicit BinlogEventStream(StreamOptions options);
  Status Start();
  // Reads one reply packet (the caller's thread, or the prefetcher's). Touches no member the
  // consumer changes: errors are returned, not recorded (Fail() is the consumer's).
  Result<std::span<const uint8_t>> ReadPacket();
  Result<std::span<const uint8_t>> ReadConnectorPacket();  // through Connector/C
  Result<std::span<const uint8_t>> ReadRawPacket();        // through raw_
  Status SilenceError() const;  // no byte for read_timeout_s_: the connection is dead
  Result<StreamEvent> ToEvent(const uint8_t* data, size_t size, bool crc32_verified);
  // Tag for a packet read on the prefetching thread: 1 when it ends in a matching CRC32.
  uint32_t CrcTag(std::span<const uint8_t> packet) const;
  Status Fail(Status st);

  StreamOptions options_;
  std::unique_ptr<MysqlConnection> conn_;
  std::mutex mu_;  // guards conn_'s existence against Cancel() from another thread
  std::atomic<bool> cancelled_{false};
  Status failed_;                                 // sticky error after the stream ended
  bool first_pending_ = false;                    // Open() read the first packet; Next() returns it
  std::vector<uint8_t> first_packet_;             // its copy
  std::unique_ptr<PacketPrefetcher> prefetcher_;  // when options_.prefetch_bytes > 0
  std::unique_ptr<RawPacketReader> raw_;          // reads the socket itself (no TLS)
  binlog::BinlogPosition cursor_;                 // the file and the offset of the next event
  uint32_t server_id_ = 0;
  int read_timeout_s_ = 0;
  unsigned long connection_id_ = 0;
  bool checksums_ = false;
  bool is_mariadb_ = false;
  uint64_t events_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace binlake
