// Test helpers for the replication client: a replica that runs the CDC loop of binlog_stream.h
// (stream -> EventPump -> rows committed at transaction boundaries) against a test server.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "binlog/binlog_position.h"
#include "binlog/event_pump.h"
#include "binlog/row_render.h"
#include "source/binlog_stream.h"
#include "source/mysql_connection.h"
#include "source/snapshot.h"
#include "support/test_servers.h"

namespace binlake::replica_testing {

inline ConnectionConfig Config(const testing::MariaDbServer& server,
                               const std::string& user = "root", const std::string& pw = "") {
  ConnectionConfig c;
  c.host = "127.0.0.1";
  c.port = server.port();
  c.user = user;
  c.password = pw;
  c.tls_mode = TlsMode::kDisabled;
  return c;
}

inline binlog::BinlogPosition Now(const testing::MariaDbServer& server) {
  auto conn = MysqlConnection::Open(Config(server));
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return {};
  auto p = ReadCurrentBinlogPosition(**conn);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : binlog::BinlogPosition{};
}

inline StreamOptions Options(const testing::MariaDbServer& server, StreamStart start) {
  StreamOptions o;
  o.connection = Config(server);
  o.task_key = "replica-test";
  o.start = std::move(start);
  o.heartbeat_period = std::chrono::seconds(1);
  return o;
}

using Cells = std::vector<std::optional<std::string>>;

struct SeenRow {
  std::string table;
  binlog::RowOp op = binlog::RowOp::kInsert;
  Cells before, after;
  std::string gtid;
};

// Buffers the rows of the open transaction; Replica moves them to `committed` at its end.
class RowSink : public binlog::EventSink {
 public:
  Status OnRowChange(const binlog::RowChangeEvent& row) override {
    SeenRow r;
    r.table = row.table->schema.schema + "." + row.table->schema.table;
    r.op = row.change->op;
    if (row.change->before) binlog::RenderRowCells(*row.table, *row.change->before, {}, &r.before);
    if (row.change->after) binlog::RenderRowCells(*row.table, *row.change->after, {}, &r.after);
    r.gtid = row.position->gtid();
    pending.push_back(std::move(r));
    return Status::Ok();
  }
  std::vector<SeenRow> pending;
};

// The CDC loop of binlog_stream.h, one event per Step().
class Replica {
 public:
  explicit Replica(std::unique_ptr<BinlogEventStream> stream) : pump_({}, &sink_) {
    Attach(std::move(stream));
  }
  // Continues on a new stream (after a reconnect): what the open transaction buffered is dropped.
  void Attach(std::unique_ptr<BinlogEventStream> stream) {
    stream_ = std::move(stream);
    sink_.pending.clear();
    pump_.StartFile(stream_->current_file(), stream_->next_position());
  }

  Status Step() {
    ASSIGN_OR_RETURN(StreamEvent ev, stream_->Next());
    if (ev.IsFakeRotate()) {
      ++fake_rotates;
      pump_.StartFile(stream_->current_file(), stream_->next_position());
      return Status::Ok();
    }
    if (ev.IsHeartbeat()) ++heartbeats;
    RETURN_IF_ERROR(pump_.Feed(ev.bytes, ev.position));
    if (!pump_.position().in_transaction()) {
      for (SeenRow& r : sink_.pending) committed.push_back(std::move(r));
      sink_.pending.clear();
      last_commit = pump_.position().last_commit();
      last_commit_gtid = pump_.position().last_commit_gtid();
    }
    return Status::Ok();
  }

  // Steps until the stream has passed `target` (a SHOW MASTER STATUS position).
  Status RunTo(const binlog::BinlogPosition& target,
               std::chrono::seconds deadline = std::chrono::seconds(60)) {
    auto end = std::chrono::steady_clock::now() + deadline;
    while (
        !(stream_->current_file() == target.file && stream_->next_position() >= target.position) ||
        pump_.position().in_transaction()) {
      if (std::chrono::steady_clock::now() > end) {
        return Internal("did not reach " + target.ToString() + " (at " + stream_->current_file() +
                        ":" + std::to_string(stream_->next_position()) + ")");
      }
      RETURN_IF_ERROR(Step());
    }
    return Status::Ok();
  }

  BinlogEventStream& stream() { return *stream_; }
  binlog::EventPump& pump() { return pump_; }

  std::vector<SeenRow> committed;
  binlog::BinlogPosition last_commit;  // gtid_set empty: see PositionTracker::last_commit()
  std::string last_commit_gtid;
  int heartbeats = 0;
  int fake_rotates = 0;

 private:
  std::unique_ptr<BinlogEventStream> stream_;
  RowSink sink_;
  binlog::EventPump pump_;
};

inline std::unique_ptr<Replica> OpenReplica(const StreamOptions& options) {
  auto s = BinlogEventStream::Open(options);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return nullptr;
  return std::make_unique<Replica>(std::move(s).value());
}

// The after-image id column (first column) of each committed row, as integers.
inline std::vector<int64_t> Ids(const std::vector<SeenRow>& rows) {
  std::vector<int64_t> ids;
  for (const SeenRow& r : rows) {
    const Cells& c = r.op == binlog::RowOp::kDelete ? r.before : r.after;
    ids.push_back(c.empty() || !c[0] ? -1 : std::stoll(*c[0]));
  }
  return ids;
}

}  // namespace binlake::replica_testing
