// Source stage against a real MariaDB: catalog, snapshots (every method), chunk planning and
// connection errors.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "source/binlog_backlog.h"
#include "source/catalog.h"
#include "source/chunk_planner.h"
#include "source/mysql_connection.h"
#include "source/snapshot.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

using testing::MariaDbServer;

class SourceIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = MariaDbServer::Start();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value().release();
    ASSERT_TRUE(server_
                    ->Execute(R"sql(
      CREATE DATABASE shop;
      CREATE TABLE shop.items (id BIGINT PRIMARY KEY, name VARCHAR(20), price DECIMAL(10,2));
      CREATE TABLE shop.pairs (a VARCHAR(10), b INT, v INT, PRIMARY KEY (a, b));
      CREATE TABLE shop.nopk (x INT, y TEXT);
      CREATE TABLE shop.types (id INT PRIMARY KEY, u INT UNSIGNED, j JSON, e ENUM('p','q'),
        t TIME(2), ts TIMESTAMP(6) NULL, f FLOAT, g GEOMETRY, bn VARBINARY(10));
      CREATE VIEW shop.v AS SELECT id FROM shop.items;
      CREATE USER 'repl'@'%' IDENTIFIED BY 's3cr3t-pw';
      GRANT SELECT ON shop.items TO 'repl'@'%';
    )sql")
                    .ok());
    std::string sql = "INSERT INTO shop.items VALUES ";
    for (int i = 0; i < 5000; ++i) {
      // Keys with gaps and negatives, so equal-width ranges are uneven.
      int64_t id = (i % 2 ? 1 : -1) * static_cast<int64_t>(i) * 7;
      sql += (i ? "," : "") + std::string("(") + std::to_string(id) + ",'n" + std::to_string(i) +
             "'," + std::to_string(i) + ".5)";
    }
    ASSERT_TRUE(server_->Execute(sql).ok());
    sql = "INSERT INTO shop.pairs VALUES ";
    for (int i = 0; i < 3000; ++i) {
      sql += (i ? "," : "") + std::string("('k") + std::to_string(i % 37) + "'," +
             std::to_string(i) + "," + std::to_string(i) + ")";
    }
    ASSERT_TRUE(server_->Execute(sql).ok());
    ASSERT_TRUE(server_->Execute("INSERT INTO shop.nopk VALUES (1,'a'),(1,'a'),(2,NULL)").ok());
  }
  static void TearDownTestSuite() { delete server_; }

  ConnectionConfig Config(const std::string& user = "root", const std::string& pw = "") {
    ConnectionConfig c;
    c.host = "127.0.0.1";
    c.port = server_->port();
    c.user = user;
    c.password = pw;
    c.tls_mode = TlsMode::kDisabled;
    return c;
  }
  std::unique_ptr<MysqlConnection> Connect() {
    auto c = MysqlConnection::Open(Config());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }
  const SourceTable* Find(const std::vector<SourceTable>& all, const std::string& table) {
    for (auto& t : all) {
      if (t.schema.table == table) return &t;
    }
    return nullptr;
  }

  static MariaDbServer* server_;
};
MariaDbServer* SourceIntegrationTest::server_ = nullptr;

// The binlog backlog against the server's own SHOW MASTER STATUS: nothing after the head; after
// an earlier point of the same file, exactly the bytes between; after a rotation, the rest of the
// old file plus the new one.
TEST_F(SourceIntegrationTest, BinlogBacklogMatchesTheServersHead) {
  auto c = Connect();
  ASSERT_NE(c, nullptr);
  auto head = [&] {
    std::string p = server_->MasterPosition();
    size_t colon = p.rfind(':');
    return std::make_pair(p.substr(0, colon), std::stoull(p.substr(colon + 1)));
  };
  auto [file, pos] = head();
  auto none = QueryBinlogBytesAfter(*c, file, pos);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(*none, 0u);
  ASSERT_TRUE(server_->Execute("INSERT INTO shop.nopk VALUES (9,'backlog')").ok());
  auto [file2, pos2] = head();
  ASSERT_EQ(file2, file);
  EXPECT_EQ(*QueryBinlogBytesAfter(*c, file, pos), pos2 - pos);
  ASSERT_TRUE(server_->Execute("FLUSH BINARY LOGS").ok());
  ASSERT_TRUE(server_->Execute("DELETE FROM shop.nopk WHERE x = 9").ok());
  auto [file3, pos3] = head();
  ASSERT_NE(file3, file);
  auto rows = c->QueryRows("SHOW BINARY LOGS");
  ASSERT_TRUE(rows.ok());
  uint64_t old_size = 0;
  for (const auto& r : *rows) {
    if (r[0] == file) old_size = std::stoull(*r[1]);
  }
  ASSERT_GT(old_size, pos2);  // the rotate event ends the old file
  EXPECT_EQ(*QueryBinlogBytesAfter(*c, file, pos2), (old_size - pos2) + pos3);
  EXPECT_EQ(QueryBinlogBytesAfter(*c, "no-such-bin.000001", 4).status().code(),
            StatusCode::kNotFound);
}

TEST_F(SourceIntegrationTest, CatalogDescribesTablesButNotViews) {
  auto conn = Connect();
  auto catalog = ReadCatalog(*conn);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ(Find(*catalog, "v"), nullptr);
  const SourceTable* types = Find(*catalog, "types");
  ASSERT_NE(types, nullptr);
  const TableSchema& s = types->schema;
  ASSERT_EQ(s.columns.size(), 9u);
  EXPECT_EQ(s.primary_key, std::vector<int>{0});
  EXPECT_TRUE(s.columns[1].type.is_unsigned);
  EXPECT_EQ(s.columns[2].type.type, SqlType::kJson);
  EXPECT_EQ(s.columns[3].type.elements, (std::vector<std::string>{"p", "q"}));
  EXPECT_EQ(s.columns[4].type.fsp, 2);
  EXPECT_EQ(s.columns[5].type.type, SqlType::kTimestamp);
  EXPECT_EQ(s.columns[7].type.type, SqlType::kGeometry);
  EXPECT_EQ(s.columns[8].type.collation_id, kBinaryCollationId);
  const SourceTable* pairs = Find(*catalog, "pairs");
  ASSERT_NE(pairs, nullptr);
  EXPECT_EQ(pairs->schema.primary_key, (std::vector<int>{0, 1}));
  EXPECT_TRUE(Find(*catalog, "nopk")->schema.primary_key.empty());
}

// Every chunk plan must cover each row exactly once.
void ExpectChunksCoverTable(MysqlConnection& conn, const TableSchema& t, uint64_t est,
                            uint64_t per_chunk, size_t expected_rows, size_t min_chunks) {
  auto chunks = PlanChunks(conn, t, est, per_chunk);
  ASSERT_TRUE(chunks.ok()) << chunks.status().ToString();
  EXPECT_GE(chunks->size(), min_chunks);
  std::multiset<std::string> seen;
  for (const Chunk& c : *chunks) {
    auto stream = conn.Stream(ChunkQuery(t, c));
    ASSERT_TRUE(stream.ok()) << stream.status().ToString() << " " << ChunkQuery(t, c);
    while ((*stream)->Next()) {
      std::string key;
      for (int k : t.primary_key) key += std::string((*stream)->field(k)) + "|";
      if (t.primary_key.empty()) key = std::to_string(seen.size());
      seen.insert(key);
    }
    ASSERT_TRUE((*stream)->status().ok());
  }
  EXPECT_EQ(seen.size(), expected_rows);
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a row was read twice";
}

TEST_F(SourceIntegrationTest, ChunksCoverEveryRowOnce) {
  auto conn = Connect();
  auto catalog = ReadCatalog(*conn);
  ASSERT_TRUE(catalog.ok());
  ExpectChunksCoverTable(*conn, Find(*catalog, "items")->schema, 5000, 400, 5000, 10);
  ExpectChunksCoverTable(*conn, Find(*catalog, "pairs")->schema, 3000, 250, 3000, 10);
  ExpectChunksCoverTable(*conn, Find(*catalog, "nopk")->schema, 3, 1, 3, 1);
}

TEST_F(SourceIntegrationTest, EverySnapshotMethodSeesOnePointAndItsPosition) {
  for (SnapshotMethod method :
       {SnapshotMethod::kMariaDbLockFree, SnapshotMethod::kFlushTablesWithReadLock,
        SnapshotMethod::kLockTables, SnapshotMethod::kSingleConnection}) {
    SCOPED_TRACE(std::string(SnapshotMethodName(method)));
    ASSERT_TRUE(server_
                    ->Execute("CREATE TABLE IF NOT EXISTS shop.counter (id INT AUTO_INCREMENT "
                              "PRIMARY KEY, v INT)")
                    .ok());
    auto control = Connect();
    std::vector<std::unique_ptr<MysqlConnection>> owned;
    std::vector<MysqlConnection*> workers;
    for (int i = 0; i < 3; ++i) {
      owned.push_back(Connect());
      workers.push_back(owned.back().get());
    }
    // A writer commits continuously while the snapshots open.
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      auto w = Connect();
      while (!stop) (void)w->Execute("INSERT INTO shop.counter (v) VALUES (1)");
    });
    TableSchema counter;
    counter.schema = "shop";
    counter.table = "counter";
    auto snap = OpenConsistentSnapshot(*control, workers, {counter}, method);
    stop = true;
    writer.join();
    ASSERT_TRUE(snap.ok()) << snap.status().ToString();
    EXPECT_FALSE(snap->position.file.empty());
    EXPECT_FALSE(snap->position.gtid_set.empty());
    std::set<std::string> counts;
    for (int i = 0; i < snap->connections_used; ++i) {
      auto n = workers[i]->QueryValue("SELECT COUNT(*) FROM shop.counter");
      ASSERT_TRUE(n.ok());
      counts.insert(n->value_or(""));
    }
    EXPECT_EQ(counts.size(), 1u) << "snapshots disagree";
    // The rows committed after the snapshot are exactly the binlog's rows after its position.
    auto total = control->QueryValue("SELECT COUNT(*) FROM shop.counter");
    auto events = control->QueryRows("SHOW BINLOG EVENTS IN '" + snap->position.file + "' FROM " +
                                     std::to_string(snap->position.position));
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    int writes = 0;
    for (auto& e : *events) {
      if (e.size() > 2 && e[2].value_or("").find("Write_rows") == 0) ++writes;
    }
    EXPECT_EQ(std::stoi(total->value_or("0")) - std::stoi(counts.begin()->c_str()), writes);
    owned.clear();  // ends the snapshot transactions (they hold metadata locks)
    control.reset();
    ASSERT_TRUE(server_->Execute("DROP TABLE shop.counter; FLUSH BINARY LOGS").ok());
  }
}

TEST_F(SourceIntegrationTest, ConnectionErrorsAreClearAndSecretFree) {
  auto bad = MysqlConnection::Open(Config("repl", "wrong-password-123"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(bad.status().message().find("Access denied"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("wrong-password-123"), std::string::npos);

  ConnectionConfig c = Config();
  c.port = 1;  // nothing listens there
  c.connect_timeout_s = 2;
  auto unreachable = MysqlConnection::Open(c);
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.status().code(), StatusCode::kNetworkError);
  EXPECT_NE(unreachable.status().message().find("127.0.0.1:1"), std::string::npos);

  auto repl = MysqlConnection::Open(Config("repl", "s3cr3t-pw"));
  ASSERT_TRUE(repl.ok()) << repl.status().ToString();
  Status denied = (*repl)->Execute("SELECT * FROM shop.pairs");
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace binlake
