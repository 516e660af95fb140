#include "source/binlog_stream.h"

// clang-format off
#include <mysql.h>        // before mariadb_rpl.h, which uses its types
#include <mariadb_rpl.h>
// clang-format on
#include <errmsg.h>
#include <mysqld_error.h>
#include <sched.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <limits>

#include "binlog/event_header.h"
#include "source/mysql_gtid_dump.h"

namespace binlake {
namespace {

// v4 event header (https://mariadb.com/kb/en/2-binlog-event-header/): timestamp 4, type 1,
// server_id 4, event_size 4, log_pos 4, flags 2.
constexpr size_t kHeaderSize = 19;
constexpr uint8_t kRotateEvent = 4;
constexpr uint8_t kFormatDescriptionEvent = 15;
constexpr uint8_t kHeartbeatEvent = 27;
constexpr uint8_t kHeartbeatV2Event = 41;
constexpr uint16_t kArtificialFlag = 0x20;  // LOG_EVENT_ARTIFICIAL_F
// MARIA_SLAVE_CAPABILITY_GTID: the source sends MariaDB events unmodified.
constexpr int kMariaDbCapabilityGtid = 4;
constexpr unsigned int kDumpFlagAnnotateRows = 2;  // BINLOG_SEND_ANNOTATE_ROWS_EVENT

uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
uint64_t Le64(const uint8_t* p) {
  return static_cast<uint64_t>(Le32(p)) | static_cast<uint64_t>(Le32(p + 4)) << 32;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

StreamStart StreamStart::At(std::string file, uint64_t position) {
  StreamStart s;
  s.kind = Kind::kFilePosition;
  s.file = std::move(file);
  s.position = position;
  return s;
}

StreamStart StreamStart::AfterMariaDbGtid(std::string gtid_list) {
  StreamStart s;
  s.kind = Kind::kMariaDbGtid;
  s.gtid = std::move(gtid_list);
  return s;
}

StreamStart StreamStart::AfterMySqlGtidSet(std::string gtid_set) {
  StreamStart s;
  s.kind = Kind::kMySqlGtidSet;
  s.gtid = std::move(gtid_set);
  return s;
}

std::string StreamStart::ToString() const {
  if (kind == Kind::kFilePosition) return file + ":" + std::to_string(position);
  return "GTID " + (gtid.empty() ? std::string("(empty)") : gtid);
}

bool StreamEvent::IsFakeRotate() const { return type == kRotateEvent && artificial; }

bool StreamEvent::IsHeartbeat() const {
  return type == kHeartbeatEvent || type == kHeartbeatV2Event;
}

uint32_t DefaultReplicaServerId(std::string_view task_key) {
  // FNV-1a (64-bit), folded into [2^30, 2^32 - 1).
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : task_key) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  constexpr uint64_t kLow = uint64_t{1} << 30;
  constexpr uint64_t kSpan = (uint64_t{1} << 32) - 1 - kLow;
  return static_cast<uint32_t>(kLow + (h ^ (h >> 32)) % kSpan);
}

bool ReadAheadPays(const ConnectionConfig& source, unsigned cpus) {
  if (cpus <= 1) return false;  // nothing to overlap with
  if (cpus > 2) return true;
  const std::string& h = source.host;
  const bool on_this_host = !source.socket.empty() || h == "localhost" || h == "::1" ||
                            h == "[::1]" || h.rfind("127.", 0) == 0;
  return !on_this_host;
}

unsigned UsableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

Status ValidateMariaDbGtidList(std::string_view list) {
  return binlog::MariaGtidList::Parse(list).status();
}

Status DumpErrorToStatus(unsigned int error_number, std::string_view message,
                         const StreamStart& start, const ConnectionConfig& connection) {
  const std::string source = connection.Describe();
  const std::string server_says = " (the source says: " + std::string(message) + ")";
  switch (error_number) {
    case ER_MASTER_FATAL_ERROR_READING_BINLOG:
    case ER_MASTER_HAS_PURGED_REQUIRED_GTIDS:
      if (Contains(message, "Could not find first log file name")) {
        return PreconditionFailed("binlog file " + start.file + " is no longer on the source " +
                                  source + " (purged, or never existed)" + server_says +
                                  ": the changes after " + start.ToString() +
                                  " cannot be read; run a new full load");
      }
      if (Contains(message, "same server_uuid") || Contains(message, "same server_id")) {
        return PreconditionFailed("another replica uses the same server_id on the source " +
                                  source + server_says +
                                  ": give each binlake task its own source.server_id");
      }
      if (start.kind != StreamStart::Kind::kFilePosition &&
          (Contains(message, "GTID") || Contains(message, "gtid") ||
           error_number == ER_MASTER_HAS_PURGED_REQUIRED_GTIDS)) {
        return PreconditionFailed("the source " + source + " cannot stream from " +
                                  start.ToString() + server_says +
                                  ": its binlog no longer holds (or never held) that position; "
                                  "run a new full load");
      }
      return PreconditionFailed("the source " + source + " cannot send its binlog from " +
                                start.ToString() + server_says);
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    case ER_ACCESS_DENIED_ERROR:
      if (Contains(message, "REPLICATION SLAVE")) {
        return PermissionDenied("user " + connection.user +
                                " lacks the REPLICATION SLAVE privilege needed to read the binlog"
                                " (GRANT REPLICATION SLAVE ON *.* TO '" +
                                connection.user + "'@'...')" + server_says);
      }
      return PermissionDenied("reading the binlog of " + source + ": " + std::string(message));
    case CR_SERVER_LOST:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST_EXTENDED:
    case CR_CONNECTION_ERROR:
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:
    case ER_QUERY_INTERRUPTED:
    case ER_NET_READ_ERROR:
    case ER_NET_ERROR_ON_WRITE:
    case ER_ABORTING_CONNECTION:
    case ER_NEW_ABORTING_CONNECTION:
      return NetworkError("lost the binlog stream from " + source + " (" + std::string(message) +
                          "): reconnect from the last committed position");
    default:
      return MysqlErrorToStatus(error_number, message,
                                "reading the binlog of " + source + " from " + start.ToString());
  }
}

Result<StreamEvent> FrameDumpPacket(std::span<const uint8_t> packet,
                                    binlog::BinlogPosition* cursor) {
  auto at = [&] { return cursor->ToString(); };
  if (packet.size() < 1 + kHeaderSize || packet[0] != 0x00) {
    return Corruption("at " + at() + ": a packet of " + std::to_string(packet.size()) +
                      " bytes (status byte " + std::to_string(packet.empty() ? 0 : packet[0]) +
                      ") is not an event");
  }
  const uint8_t* ev = packet.data() + 1;
  const size_t ev_size = packet.size() - 1;
  uint32_t event_size = Le32(ev + 9);
  if (event_size != ev_size) {
    return Corruption("at " + at() + ": event header says " + std::to_string(event_size) +
                      " bytes, the packet holds " + std::to_string(ev_size));
  }
  StreamEvent out;
  out.bytes = packet.subspan(1);
  out.type = ev[4];
  uint32_t log_pos = Le32(ev + 13);
  out.flags = static_cast<uint16_t>(ev[17] | ev[18] << 8);
  // log_pos 0 marks events that occupy no place in the file: the fake ROTATE, a
  // FORMAT_DESCRIPTION re-sent before a start past it, a HEARTBEAT_V2 (its position is in its
  // body). MariaDB 11 also writes 0 for the events inside an event group (only the group's last
  // event carries its end): those are real and follow the previous event directly.
  const bool unplaced =
      log_pos == 0 && (out.type == kRotateEvent || out.type == kFormatDescriptionEvent ||
                       out.IsHeartbeat() || (out.flags & kArtificialFlag) != 0);
  out.artificial = unplaced || (out.flags & kArtificialFlag) != 0 || out.IsHeartbeat();
  uint64_t next = cursor->position;
  if (unplaced) {
    out.position = cursor->position;
  } else if (log_pos == 0) {
    out.position = cursor->position;
    next = cursor->position + ev_size;
  } else {
    // log_pos is the event's end, 32 bits wide: widen it against the current position.
    // Only a drop of more than 2 GiB is a wrap; a smaller one is taken as sent.
    uint64_t end = (cursor->position & ~uint64_t{0xffffffff}) | log_pos;
    if (end < cursor->position && cursor->position - end > (uint64_t{1} << 31)) {
      end += uint64_t{1} << 32;
    }
    out.position = end >= ev_size ? end - ev_size : 0;
    next = end;
  }
  if (out.type == kRotateEvent) {
    // ROTATE body: uint64 position of the first event in the next file, then its name; a
    // CRC32 follows when the stream has checksums (recognised by matching it, since the fake
    // ROTATE arrives before any FORMAT_DESCRIPTION could say so).
    size_t name_end = ev_size;
    if (ev_size >= kHeaderSize + 8 + 1 + 4 &&
        binlog::Crc32(binlog::ByteView(ev, ev_size - 4)) == Le32(ev + ev_size - 4)) {
      name_end -= 4;
    }
    std::string_view name;
    if (name_end > kHeaderSize + 8) {
      name = std::string_view(reinterpret_cast<const char*>(ev) + kHeaderSize + 8,
                              name_end - kHeaderSize - 8);
      name = name.substr(0, name.find('\0'));
    }
    if (name.empty()) {
      return Corruption("at " + at() + ": ROTATE event of " + std::to_string(ev_size) +
                        " bytes without a file name");
    }
    cursor->file = std::string(name);
    next = Le64(ev + kHeaderSize);
  }
  cursor->position = next;
  return out;
}

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
  const StreamStart& start = options.start;
  switch (start.kind) {
    case StreamStart::Kind::kFilePosition:
      if (start.file.empty()) return InvalidArgument("binlog start: no file name given");
      if (start.position < binlog::kFirstEventPosition) {
        return InvalidArgument("binlog start " + start.ToString() +
                               ": positions start at 4 (after the file magic)");
      }
      if (start.position > std::numeric_limits<uint32_t>::max()) {
        return Unsupported("binlog start " + start.ToString() +
                           ": COM_BINLOG_DUMP cannot start beyond 4 GiB into a file");
      }
      break;
    case StreamStart::Kind::kMariaDbGtid:
      RETURN_IF_ERROR(ValidateMariaDbGtidList(start.gtid));
      break;
    case StreamStart::Kind::kMySqlGtidSet: {
      Result<binlog::MySqlGtidSet> set = binlog::MySqlGtidSet::Parse(start.gtid);
      if (!set.ok()) return set.status().WithContext("binlog start");
      break;
    }
  }
  std::unique_ptr<BinlogEventStream> stream(new BinlogEventStream(options));
  RETURN_IF_ERROR(stream->Start());
  return stream;
}

Status BinlogEventStream::Start() {
  const StreamStart& start = options_.start;
  server_id_ =
      options_.server_id != 0 ? options_.server_id : DefaultReplicaServerId(options_.task_key);
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
  if (start.kind == StreamStart::Kind::kMariaDbGtid && !is_mariadb_) {
    return InvalidArgument("binlog start " + start.ToString() + " is a MariaDB GTID, but " +
                           config.Describe() + " is MySQL " + conn->server_version());
  }
  if (start.kind == StreamStart::Kind::kMySqlGtidSet && is_mariadb_) {
    return InvalidArgument("binlog start " + start.ToString() + " is a MySQL GTID set, but " +
                           config.Describe() + " is MariaDB " + conn->server_version() +
                           ": give a MariaDB GTID list (domain-server-sequence, as in "
                           "@@gtid_binlog_pos) or a binlog file:position");
  }
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
                         options_.annotate_rows && is_mariadb_ ? kDumpFlagAnnotateRows : 0u);
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
  if (data.size() < 9 && !data.empty() && data[0] == 0xfe) {
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
  std::span<const uint8_t> data = *packet;
  if (!data.empty() && data[0] == 0xff) {
    // ERR packet: 0xFF, error number (2 bytes), '#' and a 5-character SQL state, message.
    unsigned int number = data.size() >= 3 ? data[1] | data[2] << 8 : 0;
    size_t text_at = data.size() >= 9 && data[3] == '#' ? 9 : std::min<size_t>(3, data.size());
    std::string_view message(reinterpret_cast<const char*>(data.data()) + text_at,
                             data.size() - text_at);
    return DumpErrorToStatus(number, message, options_.start, options_.connection);
  }
  return data;
}

uint32_t BinlogEventStream::CrcTag(std::span<const uint8_t> packet) const {
  // packet = status byte, event (header, body, CRC32).
  if (!checksums_ || packet.size() < 1 + kHeaderSize + 4) return 0;
  const size_t crc_at = packet.size() - 4;
  const uint32_t computed = binlog::Crc32(packet.subspan(1, crc_at - 1));
  return computed == Le32(packet.data() + crc_at) ? 1 : 0;
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
