#include "source/binlog_stream.h"

// clang-format off
#include <mysql.h>        // before mariadb_rpl.h, which uses its types
#include <mariadb_rpl.h>
// clang-format on
#include <errmsg.h>

#include <ctime>

#include "binlog/gtid_set.h"
#include "source/mysql_gtid_dump.h"
#include "source/replica_errors.h"
#include "source/replica_server_id.h"

namespace binlake {
namespace {

// MARIA_SLAVE_CAPABILITY_GTID: the source sends MariaDB events unmodified.
constexpr int kMariaDbCapabilityGtid = 4;
constexpr unsigned int kDumpFlagNonBlock = 1;      // BINLOG_DUMP_NON_BLOCK
constexpr unsigned int kDumpFlagAnnotateRows = 2;  // BINLOG_SEND_ANNOTATE_ROWS_EVENT

}  // namespace

BinlogEventStream::BinlogEventStream(StreamOptions options) : options_(std::move(options)) {}

BinlogEventStream::~BinlogEventStream() {
  if (prefetcher_) {
    {
      // The reader thread may be blocked in a read: cut the connection so that it returns.
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_.store(true);
      if (conn_) conn_->Cancel();
    }
    prefetcher_.reset();  // joins the reader thread
  }
  std::lock_guard<std::mutex> lock(mu_);
  conn_.reset();
}

void BinlogEventStream::Cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_.store(true);
  if (conn_) conn_->Cancel();
}

Result<std::unique_ptr<BinlogEventStream>> BinlogEventStream::Open(const StreamOptions& options) {
  RETURN_IF_ERROR(ValidateStreamStart(options.start));
  std::unique_ptr<BinlogEventStream> stream(new BinlogEventStream(options));
  RETURN_IF_ERROR(stream->Start());
  return stream;
}

Status BinlogEventStream::Start() {
  const StreamStart& start = options_.start;
  server_id_ = options_.non_blocking ? 0 : ReplicaServerId(options_.server_id, options_.task_key);
  ConnectionConfig config = options_.connection;
  int64_t heartbeat_ms = options_.heartbeat_period.count();
  if (heartbeat_ms < 0) return InvalidArgument("heartbeat period must not be negative");
  if (heartbeat_ms > 0) {
    // Two missed heartbeats (plus a second for rounding) mean the connection is dead.
    config.read_timeout_s = static_cast<int>((2 * heartbeat_ms + 999) / 1000 + 1);
  }
  read_timeout_s_ = config.read_timeout_s;
  ASSIGN_OR_RETURN(std::unique_ptr<MysqlConnection> conn, MysqlConnection::Open(config));
  is_mariadb_ = conn->is_mariadb();
  connection_id_ = conn->thread_id();
  RETURN_IF_ERROR(
      CheckStartSuitsSource(start, is_mariadb_, config.Describe(), conn->server_version()));
  // Checksum awareness: without it a source whose binlog has checksums refuses the dump.
  RETURN_IF_ERROR(conn->Execute("SET @master_binlog_checksum = @@global.binlog_checksum"));
  ASSIGN_OR_RETURN(auto rows, conn->QueryRows("SELECT @master_binlog_checksum = 'CRC32'"));
  checksums_ = !rows.empty() && !rows[0].empty() && rows[0][0] == std::string("1");
  // Nanoseconds, as MASTER_HEARTBEAT_PERIOD is sent by a real replica.
  RETURN_IF_ERROR(conn->Execute("SET @master_heartbeat_period = " +
                                std::to_string(static_cast<uint64_t>(heartbeat_ms) * 1000000)));
  if (is_mariadb_) {
    RETURN_IF_ERROR(
        conn->Execute("SET @mariadb_slave_capability = " + std::to_string(kMariaDbCapabilityGtid)));
  }
  if (start.kind == StreamStart::Kind::kMariaDbGtid) {
    // Non-strict, no duplicate filtering: exactly "the transactions after this state".
    RETURN_IF_ERROR(conn->Execute("SET @slave_connect_state = '" + conn->Escape(start.gtid) +
                                  "', @slave_gtid_strict_mode = 0, "
                                  "@slave_gtid_ignore_duplicates = 0"));
  }
  MYSQL* mysql = conn->native_handle();
  // A GTID start has no file: the fake ROTATE that opens the stream names it.
  std::string file = start.kind == StreamStart::Kind::kFilePosition ? start.file : "";
  uint64_t position =
      start.kind == StreamStart::Kind::kFilePosition ? start.position : binlog::kFirstEventPosition;
  if (start.kind == StreamStart::Kind::kMySqlGtidSet) {
    ASSIGN_OR_RETURN(binlog::MySqlGtidSet set, binlog::MySqlGtidSet::Parse(start.gtid));
    ASSIGN_OR_RETURN(std::vector<uint8_t> payload, BuildBinlogDumpGtidPayload(server_id_, set));
    // COM_BINLOG_DUMP_GTID, sent the way mariadb_rpl_open sends COM_BINLOG_DUMP (skip_check:
    // the reply is not read here; it is the event stream). libmariadb names no command 0x1e.
    int rc = mysql->methods->db_command(mysql, static_cast<enum_server_command>(kComBinlogDumpGtid),
                                        reinterpret_cast<const char*>(payload.data()),
                                        payload.size(), /*skip_check=*/1, nullptr);
    if (rc != 0) {
      return DumpErrorToStatus(mysql_errno(mysql), mysql_error(mysql), start, config);
    }
  } else {
    // mariadb_rpl_init runs "select @@binlog_checksum" on the session (result consumed).
    MARIADB_RPL* rpl = mariadb_rpl_init(mysql);
    if (rpl == nullptr) {
      return MysqlErrorToStatus(mysql_errno(mysql), mysql_error(mysql),
                                "preparing the binlog dump on " + config.Describe());
    }
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, file.c_str(), file.size());
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, static_cast<unsigned long>(position));
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_SERVER_ID, static_cast<unsigned int>(server_id_));
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_FLAGS,
                         (options_.annotate_rows && is_mariadb_ ? kDumpFlagAnnotateRows : 0u) |
                             (options_.non_blocking ? kDumpFlagNonBlock : 0u));
    // Sends COM_BINLOG_DUMP without reading the reply; the reply is the event stream.
    int rc = mariadb_rpl_open(rpl);
    mariadb_rpl_close(rpl);  // frees only the request state, not the connection
    if (rc != 0) {
      return DumpErrorToStatus(mysql_errno(mysql), mysql_error(mysql), start, config);
    }
  }
  cursor_.file = file;
  cursor_.position = position;
  {
    std::lock_guard<std::mutex> lock(mu_);
    conn_ = std::move(conn);
  }
  if (options_.raw_socket_reads && mysql_get_ssl_cipher(mysql) == nullptr && !mysql->net.compress) {
    // The dump request was sent and none of its reply read, so Connector/C holds no bytes of
    // it: from here the stream is read from the socket directly.
    raw_ = std::make_unique<RawPacketReader>(static_cast<int>(mysql_get_socket(mysql)),
                                             read_timeout_s_ * 1000);
  }
  // The first reply is either an error (purged file, missing grant, unknown GTID) or the fake
  // ROTATE; read it now so those errors surface from Open().
  ASSIGN_OR_RETURN(std::span<const uint8_t> first, ReadPacket());
  first_packet_.assign(first.begin(), first.end());
  first_pending_ = true;
  if (options_.prefetch_bytes > 0) {
    // The reader thread also checks each event's CRC32, off the decoding thread.
    prefetcher_ = std::make_unique<PacketPrefetcher>(
        [this]() -> Result<PacketPrefetcher::Packet> {
          ASSIGN_OR_RETURN(std::span<const uint8_t> packet, ReadPacket());
          return PacketPrefetcher::Packet{packet, CrcTag(packet)};
        },
        options_.prefetch_bytes);
  }
  return Status::Ok();
}

Status BinlogEventStream::Fail(Status st) {
  failed_ = st;
  return st;
}

Result<std::span<const uint8_t>> BinlogEventStream::ReadPacket() {
  ASSIGN_OR_RETURN(std::span<const uint8_t> data, raw_ ? ReadRawPacket() : ReadConnectorPacket());
  if (IsDumpEofPacket(data)) {
    if (options_.non_blocking) {
      return NotFound("reached the end of the binlog of " + options_.connection.Describe());
    }
    return NetworkError("the source " + options_.connection.Describe() +
                        " ended the binlog dump (EOF packet): reconnect from the last committed "
                        "position");
  }
  return data;
}

Status BinlogEventStream::SilenceError() const {
  return NetworkError("no event or heartbeat from " + options_.connection.Describe() + " for " +
                      std::to_string(read_timeout_s_) +
                      " s (connection dead?): reconnect from the last committed position");
}

Result<std::span<const uint8_t>> BinlogEventStream::ReadConnectorPacket() {
  MYSQL* mysql = conn_->native_handle();
  // The coarse clock (a few ms resolution) is plenty to tell a read timeout, and far cheaper
  // per packet than the precise one.
  auto coarse_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  };
  const auto began = coarse_now();
  unsigned long n = mysql_net_read_packet(mysql);
  if (cancelled_.load()) return Cancelled("binlog stream cancelled");
  if (n == static_cast<unsigned long>(packet_error)) {
    Status st = DumpErrorToStatus(mysql_errno(mysql), mysql_error(mysql), options_.start,
                                  options_.connection);
    auto waited = coarse_now() - began;
    if (st.code() == StatusCode::kNetworkError && read_timeout_s_ > 0 &&
        waited >= std::chrono::seconds(read_timeout_s_) - std::chrono::milliseconds(500)) {
      st = SilenceError();
    }
    return st;
  }
  return std::span<const uint8_t>(mysql->net.read_pos, n);
}

Result<std::span<const uint8_t>> BinlogEventStream::ReadRawPacket() {
  Result<std::span<const uint8_t>> packet = raw_->Next();
  if (cancelled_.load()) return Cancelled("binlog stream cancelled");
  if (!packet.ok()) {
    if (raw_->timed_out()) return SilenceError();
    return DumpErrorToStatus(CR_SERVER_LOST, packet.status().message(), options_.start,
                             options_.connection);
  }
  if (std::optional<DumpErrPacket> err = ParseDumpErrPacket(*packet)) {
    return DumpErrorToStatus(err->number, err->message, options_.start, options_.connection);
  }
  return *packet;
}

uint32_t BinlogEventStream::CrcTag(std::span<const uint8_t> packet) const {
  return checksums_ && DumpPacketCrc32Matches(packet) ? 1 : 0;
}

Result<StreamEvent> BinlogEventStream::Next() {
  if (!failed_.ok()) return failed_;
  if (cancelled_.load()) return Fail(Cancelled("binlog stream cancelled"));
  if (first_pending_) {
    first_pending_ = false;
    return ToEvent(first_packet_.data(), first_packet_.size(), false);
  }
  Result<PacketPrefetcher::Packet> packet(PacketPrefetcher::Packet{});
  if (prefetcher_) {
    packet = prefetcher_->Next();
  } else {
    Result<std::span<const uint8_t>> bytes = ReadPacket();
    packet = bytes.ok() ? Result<PacketPrefetcher::Packet>(PacketPrefetcher::Packet{*bytes, 0})
                        : Result<PacketPrefetcher::Packet>(bytes.status());
  }
  if (!packet.ok()) {
    // Where the stream was: after the last event returned.
    return Fail(packet.status().code() == StatusCode::kCancelled
                    ? packet.status()
                    : packet.status().WithContext("binlog stream at " + cursor_.ToString()));
  }
  // Tag 1: the prefetching thread verified the CRC32 (CrcTag).
  return ToEvent(packet->bytes.data(), packet->bytes.size(), packet->tag == 1);
}

Result<StreamEvent> BinlogEventStream::ToEvent(const uint8_t* data, size_t size,
                                               bool crc32_verified) {
  // FrameDumpPacket moves the cursor only when it succeeds.
  Result<StreamEvent> ev = FrameDumpPacket(std::span<const uint8_t>(data, size), &cursor_);
  if (!ev.ok()) {
    return Fail(ev.status().WithContext("binlog stream from " + options_.connection.Describe()));
  }
  ev->crc32_verified = crc32_verified;
  ++events_;
  bytes_ += ev->bytes.size();
  return ev;
}

}  // namespace binlake
