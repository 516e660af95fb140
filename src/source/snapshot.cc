#include "source/snapshot.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <thread>

namespace binlake {
namespace {

constexpr int kLockFreeAttempts = 40;
constexpr std::string_view kStartSnapshot = "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";

Status BeginSnapshot(MysqlConnection& conn) {
  RETURN_IF_ERROR(conn.Execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
  return conn.Execute(kStartSnapshot);
}

// MariaDB: binlog position of the snapshot just opened on `conn`.
Result<binlog::BinlogPosition> MariaDbSnapshotPosition(MysqlConnection& conn) {
  ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SHOW STATUS LIKE 'binlog_snapshot_%'"));
  binlog::BinlogPosition p;
  for (auto& r : rows) {
    if (r.size() < 2 || !r[0] || !r[1]) continue;
    if (*r[0] == "Binlog_snapshot_file") p.file = *r[1];
    if (*r[0] == "Binlog_snapshot_position") {
      std::from_chars(r[1]->data(), r[1]->data() + r[1]->size(), p.position);
    }
  }
  return p;
}

Status ForEachParallel(const std::vector<MysqlConnection*>& conns, const std::vector<size_t>& which,
                       const std::function<Status(MysqlConnection&, size_t)>& fn) {
  std::vector<Status> results(which.size());
  std::vector<std::thread> threads;
  threads.reserve(which.size());
  for (size_t k = 0; k < which.size(); ++k) {
    threads.emplace_back([&, k] { results[k] = fn(*conns[which[k]], which[k]); });
  }
  for (auto& t : threads) t.join();
  for (auto& s : results) RETURN_IF_ERROR(s);
  return Status::Ok();
}

Result<SnapshotResult> LockFree(MysqlConnection& control,
                                const std::vector<MysqlConnection*>& workers) {
  std::vector<binlog::BinlogPosition> pos(workers.size());
  std::vector<size_t> todo(workers.size());
  for (size_t i = 0; i < workers.size(); ++i) todo[i] = i;
  auto open = [&](MysqlConnection& c, size_t i) -> Status {
    RETURN_IF_ERROR(BeginSnapshot(c));
    ASSIGN_OR_RETURN(pos[i], MariaDbSnapshotPosition(c));
    return Status::Ok();
  };
  for (int attempt = 1; attempt <= kLockFreeAttempts; ++attempt) {
    RETURN_IF_ERROR(ForEachParallel(workers, todo, open));
    binlog::BinlogPosition newest = pos[0];
    for (auto& p : pos) {
      if (!binlog::AtOrAfter(newest, p)) newest = p;  // by file number, then offset
    }
    if (newest.file.empty()) return PreconditionFailed("binlog is off");
    todo.clear();
    for (size_t i = 0; i < pos.size(); ++i) {
      if (!(pos[i] == newest)) todo.push_back(i);
    }
    if (todo.empty()) {
      SnapshotResult r;
      r.method = SnapshotMethod::kMariaDbLockFree;
      r.position = newest;
      r.connections_used = static_cast<int>(workers.size());
      r.attempts = attempt;
      ASSIGN_OR_RETURN(auto gtid,
                       control.QueryValue("SELECT BINLOG_GTID_POS('" + control.Escape(newest.file) +
                                          "', " + std::to_string(newest.position) + ")"));
      r.position.gtid_set = gtid.value_or("");
      return r;
    }
    for (size_t i : todo) RETURN_IF_ERROR(workers[i]->Execute("ROLLBACK"));
  }
  for (auto* w : workers) (void)w->Execute("ROLLBACK");
  return Throttled("snapshots did not agree after " + std::to_string(kLockFreeAttempts) +
                   " attempts (heavy write load)");
}

Result<SnapshotResult> WithLock(MysqlConnection& control,
                                const std::vector<MysqlConnection*>& workers,
                                const std::vector<TableSchema>& tables, SnapshotMethod method) {
  if (method == SnapshotMethod::kFlushTablesWithReadLock) {
    RETURN_IF_ERROR(control.Execute("FLUSH TABLES WITH READ LOCK"));
  } else {
    std::string sql = "LOCK TABLES ";
    for (size_t i = 0; i < tables.size(); ++i) {
      if (i) sql += ", ";
      sql += QuoteIdentifier(tables[i].schema) + "." + QuoteIdentifier(tables[i].table) + " READ";
    }
    if (tables.empty()) sql = "SELECT 1";
    RETURN_IF_ERROR(control.Execute(sql));
  }
  std::vector<size_t> all(workers.size());
  for (size_t i = 0; i < workers.size(); ++i) all[i] = i;
  Status opened =
      ForEachParallel(workers, all, [](MysqlConnection& c, size_t) { return BeginSnapshot(c); });
  Result<binlog::BinlogPosition> position =
      opened.ok() ? ReadCurrentBinlogPosition(control) : Result<binlog::BinlogPosition>(opened);
  Status unlocked = control.Execute("UNLOCK TABLES");
  if (!position.ok()) return position.status();
  RETURN_IF_ERROR(unlocked);
  SnapshotResult r;
  r.method = method;
  r.position = std::move(position).value();
  r.connections_used = static_cast<int>(workers.size());
  r.attempts = 1;
  return r;
}

}  // namespace

std::string_view SnapshotMethodName(SnapshotMethod m) {
  switch (m) {
    case SnapshotMethod::kAuto:
      return "auto";
    case SnapshotMethod::kMariaDbLockFree:
      return "mariadb-lock-free";
    case SnapshotMethod::kFlushTablesWithReadLock:
      return "flush-tables-with-read-lock";
    case SnapshotMethod::kLockTables:
      return "lock-tables";
    case SnapshotMethod::kSingleConnection:
      return "single-connection";
  }
  return "unknown";
}

Result<binlog::BinlogPosition> ReadCurrentBinlogPosition(MysqlConnection& conn) {
  // MySQL 8.4 renamed SHOW MASTER STATUS; MariaDB and older MySQL keep the old name.
  auto rows = conn.QueryRows("SHOW MASTER STATUS");
  if (!rows.ok()) rows = conn.QueryRows("SHOW BINARY LOG STATUS");
  if (!rows.ok()) return rows.status().WithContext("reading the binlog position");
  binlog::BinlogPosition p;
  if (rows->empty()) return p;  // binlog off
  const TextRow& r = (*rows)[0];
  p.file = r.size() > 0 ? r[0].value_or("") : "";
  if (r.size() > 1 && r[1]) std::from_chars(r[1]->data(), r[1]->data() + r[1]->size(), p.position);
  if (conn.is_mariadb()) {
    ASSIGN_OR_RETURN(auto gtid, conn.QueryValue("SELECT @@GLOBAL.gtid_binlog_pos"));
    p.gtid_set = gtid.value_or("");
  } else if (r.size() > 4 && r[4]) {
    p.gtid_set = *r[4];  // Executed_Gtid_Set
    p.gtid_set.erase(std::remove(p.gtid_set.begin(), p.gtid_set.end(), '\n'), p.gtid_set.end());
  }
  return p;
}

Result<SnapshotResult> OpenConsistentSnapshot(MysqlConnection& control,
                                              const std::vector<MysqlConnection*>& workers,
                                              const std::vector<TableSchema>& tables,
                                              SnapshotMethod requested) {
  if (workers.empty()) return InvalidArgument("no worker connections");
  SnapshotMethod method = requested;
  if (method == SnapshotMethod::kAuto) {
    method = control.is_mariadb() ? SnapshotMethod::kMariaDbLockFree
                                  : SnapshotMethod::kFlushTablesWithReadLock;
  }
  if (method == SnapshotMethod::kSingleConnection) {
    // One transaction: consistent by construction; its position needs no lock on MariaDB.
    RETURN_IF_ERROR(BeginSnapshot(*workers[0]));
    SnapshotResult r;
    r.method = method;
    r.connections_used = 1;
    r.attempts = 1;
    if (workers[0]->is_mariadb()) {
      ASSIGN_OR_RETURN(r.position, MariaDbSnapshotPosition(*workers[0]));
      if (!r.position.file.empty()) {
        ASSIGN_OR_RETURN(auto gtid, control.QueryValue("SELECT BINLOG_GTID_POS('" +
                                                       control.Escape(r.position.file) + "', " +
                                                       std::to_string(r.position.position) + ")"));
        r.position.gtid_set = gtid.value_or("");
      }
    }
    return r;
  }
  if (method == SnapshotMethod::kMariaDbLockFree) {
    auto r = LockFree(control, workers);
    if (r.ok()) return r;
    spdlog::warn("lock-free snapshot not possible ({}); trying FLUSH TABLES WITH READ LOCK",
                 r.status().message());
    method = SnapshotMethod::kFlushTablesWithReadLock;
  }
  if (method == SnapshotMethod::kFlushTablesWithReadLock) {
    auto r = WithLock(control, workers, tables, method);
    if (r.ok() || r.status().code() != StatusCode::kPermissionDenied) return r;
    spdlog::warn("FLUSH TABLES WITH READ LOCK refused ({}); using LOCK TABLES",
                 r.status().message());
    for (auto* w : workers) (void)w->Execute("ROLLBACK");
    method = SnapshotMethod::kLockTables;
  }
  auto r = WithLock(control, workers, tables, SnapshotMethod::kLockTables);
  if (r.ok() || r.status().code() != StatusCode::kPermissionDenied) return r;
  spdlog::warn("LOCK TABLES refused ({}); reading with one connection", r.status().message());
  for (auto* w : workers) (void)w->Execute("ROLLBACK");
  return OpenConsistentSnapshot(control, workers, tables, SnapshotMethod::kSingleConnection);
}

}  // namespace binlake
