// `binlake materialize` end to end: MariaDB writes in phases while `binlake cdc` runs; at each
// pause the source position (SHOW MASTER STATUS) and the tables' contents are recorded. Then every
// table is materialized as of each recorded position, and DuckDB, reading the output folders with
// a glob, must find exactly what the source held then. A second materialization into the same
// output advances it to the newest checkpoint. Points inside one CDC batch are cut exactly.
#include "integration/materialize_fixture.h"

namespace binlake::materialize_integration {
namespace {

TEST_F(MaterializeTest, EachRecordedPositionGivesWhatTheSourceHeldThen) {
  ASSERT_TRUE(
      server_
          ->Execute("CREATE DATABASE app;"
                    "CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT);"
                    "CREATE TABLE app.pairs (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b));"
                    "CREATE TABLE app.heap (v INT, w VARCHAR(10));"
                    "INSERT INTO app.items VALUES (1,'one',1),(2,'two',NULL),(3,'',3);"
                    "INSERT INTO app.pairs VALUES (1,'x',10),(1,'y',11),(2,'x',20);"
                    "INSERT INTO app.heap VALUES (1,'p'),(1,'p'),(2,NULL);"
                    "CREATE DATABASE helper; CREATE TABLE helper.digits (x INT PRIMARY KEY);"
                    "INSERT INTO helper.digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)")
          .ok());
  ASSERT_EQ(testing::RunBinlake("full-load --progress off " + Common()).exit_code, 0);
  BinlakeProcess cdc("cdc " + Common() + " --set CdcMaxBatchInterval=1 --sequence-column seq");
  const std::vector<std::string> phases = {
      // Inserts, updates (one moves its key), deletes; a composite key changes; one of two
      // equal rows of the table without a key changes.
      "INSERT INTO app.items VALUES (4,'four',4),(5,'five',5);"
      "UPDATE app.items SET name = 'TWO', qty = 2 WHERE id = 2;"
      "UPDATE app.items SET id = 30 WHERE id = 3;"
      "DELETE FROM app.items WHERE id = 1;"
      "UPDATE app.pairs SET b = 'z' WHERE a = 1 AND b = 'y';"
      "UPDATE app.heap SET w = 'q' WHERE v = 1 LIMIT 1",
      // A 20,000-row transaction, and more key moves.
      "BEGIN; INSERT INTO app.items SELECT 1000 + n, CONCAT('n', n), n % 7 FROM (SELECT a.x + "
      "10 * b.x + 100 * c.x + 1000 * d.x + 10000 * e.x AS n FROM helper.digits a, helper.digits "
      "b, helper.digits c, helper.digits d, helper.digits e WHERE e.x < 2) t;"
      "UPDATE app.items SET id = id + 100000 WHERE id BETWEEN 1000 AND 1099; COMMIT;"
      "DELETE FROM app.pairs WHERE a = 2; INSERT INTO app.heap VALUES (2,NULL)",
      // Half of them deleted, NULLs set and cleared.
      "DELETE FROM app.items WHERE id % 2 = 0 AND id > 1000;"
      "UPDATE app.items SET qty = NULL WHERE id = 5; UPDATE app.items SET name = NULL WHERE id = 4;"
      "DELETE FROM app.heap WHERE v = 2 LIMIT 1",
      // One row of the big table (an advance copies the rest of its part as bytes).
      "UPDATE app.items SET name = 'one row' WHERE id = 5001",
  };
  struct Pause {
    std::string position;
    std::map<std::string, std::string> rows;
  };
  std::vector<Pause> pauses;
  // `wait`: until CDC has committed past the position (nothing to commit before the first
  // phase).
  auto record = [&](bool wait) {
    Pause p;
    p.position = server_->MasterPosition();
    for (const Table& t : Tables()) p.rows[t.name] = SourceRows(t);
    if (wait) {
      ASSERT_TRUE(testing::WaitForCheckpoint("--target " + ShellQuote(Target()), p.position,
                                             std::chrono::seconds(120)))
          << cdc.Log();
    }
    pauses.push_back(std::move(p));
  };
  record(false);  // nothing changed yet: the full load's state
  for (const std::string& sql : phases) {
    Status s = server_->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << sql;
    record(true);
  }
  ASSERT_TRUE(cdc.Kill(SIGTERM)) << cdc.Log();
  ASSERT_EQ(cdc.exit_code(), 0) << cdc.Log();

  for (size_t i = 0; i < pauses.size(); ++i) {
    const std::string output = dir_.path() + "/at-" + std::to_string(i);
    CommandResult r = Materialize(output, pauses[i].position);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find("note:"), std::string::npos)
        << "a position from SHOW MASTER STATUS while writes paused is exact: " << r.out;
    for (const Table& t : Tables()) {
      EXPECT_EQ(OutputRows(output, t), pauses[i].rows[t.name])
          << "app." << t.name << " as of " << pauses[i].position << "\n"
          << r.out;
    }
  }
  // The same output advanced to the newest checkpoint: the newest rows, one version.
  const std::string output = dir_.path() + "/at-0";
  const std::string metrics = dir_.path() + "/materialize.prom";
  CommandResult advanced = Materialize(output, "latest", "--metrics-file " + metrics);
  ASSERT_EQ(advanced.exit_code, 0) << advanced.err;
  EXPECT_NE(advanced.out.find("version 2"), std::string::npos) << advanced.out;
  {  // The last change, one row of the big table: an advance to it copies the rest of that
     // part's stretches as bytes (part marks), in the kernel from a directory, and from memory
     // after one GET from S3 (Ceph radosgw). Both outputs hold the same bytes (marks included),
     // as CSV and as Parquet.
    const std::string sparse = dir_.path() + "/sparse";
    ASSERT_EQ(Materialize(sparse, pauses[pauses.size() - 2].position).exit_code, 0);
    CommandResult last = Materialize(sparse, "latest");
    ASSERT_EQ(last.exit_code, 0) << last.err;
    EXPECT_NE(last.out.find(": 1 of 4 part file(s) written"), std::string::npos) << last.out;
    EXPECT_EQ(last.out.find(", 0 row(s) in them copied as bytes"), std::string::npos) << last.out;
    for (const Table& t : Tables()) {
      EXPECT_EQ(OutputRows(sparse, t), pauses.back().rows[t.name]) << "app." << t.name;
    }
    // The same advance of Parquet parts in row groups of 500 rows: the row groups the change
    // does not fall in are copied encoded (their offsets moved in the new footer), and DuckDB
    // reads the rows the source held.
    const std::string sparse_parquet = dir_.path() + "/sparse-parquet";
    const std::string parquet_flags = "--format parquet --row-group-rows 500";
    ASSERT_EQ(
        Materialize(sparse_parquet, pauses[pauses.size() - 2].position, parquet_flags).exit_code,
        0);
    CommandResult typed_last = Materialize(sparse_parquet, "latest", parquet_flags);
    ASSERT_EQ(typed_last.exit_code, 0) << typed_last.err;
    EXPECT_NE(typed_last.out.find(": 1 of 4 part file(s) written"), std::string::npos)
        << typed_last.out;
    EXPECT_EQ(typed_last.out.find(", 0 row(s) in them copied as bytes"), std::string::npos)
        << typed_last.out;
    for (const Table& t : Tables()) {
      EXPECT_EQ(OutputRows(sparse_parquet, t, /*parquet=*/true), pauses.back().rows[t.name])
          << "app." << t.name << " as Parquet";
    }
    auto env = testing::LoadRadosgwEnv();
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    const std::string creds = "AWS_ACCESS_KEY_ID=" + ShellQuote(env->access_key_id) +
                              " AWS_SECRET_ACCESS_KEY=" + ShellQuote(env->secret_access_key);
    auto advance_line = [](const std::string& out) {
      const size_t at = out.find("\nadvanced ");
      return at == std::string::npos ? std::string() : out.substr(at, out.find('\n', at + 1) - at);
    };
    // The same two runs into radosgw, CSV and Parquet: the same advance, the same objects.
    for (const auto& [local, flags, local_last] :
         {std::tuple(sparse, std::string(), last.out),
          std::tuple(sparse_parquet, parquet_flags, typed_last.out)}) {
      const std::string prefix = "materialize-" +
                                 std::filesystem::path(dir_.path()).filename().string() +
                                 (flags.empty() ? "" : "-parquet");
      for (const std::string& as_of : {pauses[pauses.size() - 2].position, std::string("latest")}) {
        CommandResult r =
            testing::RunBinlake("materialize --target " + ShellQuote(Target()) + " --output " +
                                    ShellQuote("s3://" + env->bucket + "/" + prefix) +
                                    " --endpoint-url " + env->endpoint + " --region " +
                                    env->region + " --as-of " + ShellQuote(as_of) + " " + flags,
                                creds);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        if (as_of == "latest") {
          EXPECT_EQ(advance_line(r.out), advance_line(local_last)) << r.out;
        }
      }
      const std::string downloaded = dir_.path() + "/from-" + prefix;
      ASSERT_TRUE(testing::DownloadS3Prefix(env->endpoint, env->access_key_id,
                                            env->secret_access_key, env->bucket, prefix + "/",
                                            downloaded)
                      .ok());
      EXPECT_TRUE(OutputFiles(downloaded, /*marks=*/true) == OutputFiles(local, /*marks=*/true))
          << local;
      EXPECT_GT(OutputFiles(local, /*marks=*/true).size(), OutputFiles(local).size());
    }
    // A run into radosgw killed while it writes: its finished parts wait as multipart uploads
    // not completed, which no listing sees, so the prefix holds exactly the last version; the
    // next run aborts them.
    const std::string prefix =
        "materialize-" + std::filesystem::path(dir_.path()).filename().string();
    // The keys under the prefix that contain `part` (`uploads`: of the uploads not completed).
    auto listed = [&](bool uploads, const std::string& part) {
      auto keys = testing::ListS3Keys(env->endpoint, env->access_key_id, env->secret_access_key,
                                      env->bucket, prefix + "/", uploads);
      EXPECT_TRUE(keys.ok()) << keys.status().ToString();
      size_t n = 0;
      for (const std::string& k : keys.ok() ? *keys : std::vector<std::string>()) {
        n += k.find(part) != std::string::npos && k.find("/_binlake/") == std::string::npos;
      }
      return n;
    };
    const std::string s3_args = "materialize --target " + ShellQuote(Target()) + " --output " +
                                ShellQuote("s3://" + env->bucket + "/" + prefix) +
                                " --endpoint-url " + env->endpoint + " --region " + env->region;
    bool killed = false;
    for (int attempt = 0; attempt < 5 && !killed; ++attempt) {
      BinlakeProcess run(s3_args + " --rebuild --threads 1 --max-part-bytes 512", creds);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      // Until a part of the new version is finished: an upload waits (or an object exists).
      const std::string version = "/part-0000000" + std::to_string(3 + attempt);
      while (std::chrono::steady_clock::now() < deadline && run.Running() &&
             listed(true, version) + listed(false, version) == 0) {
      }
      ASSERT_TRUE(run.Kill(SIGKILL)) << run.Log();
      killed = run.exit_signal() == SIGKILL;
    }
    ASSERT_TRUE(killed) << "every run into radosgw finished before it could be killed";
    EXPECT_GE(listed(true, "/part-"), 1u);
    const std::string after_kill = dir_.path() + "/from-s3-killed";
    ASSERT_TRUE(testing::DownloadS3Prefix(env->endpoint, env->access_key_id, env->secret_access_key,
                                          env->bucket, prefix + "/", after_kill)
                    .ok());
    EXPECT_TRUE(OutputFiles(after_kill) == OutputFiles(sparse));  // the parts (marks aside)
    CommandResult next = testing::RunBinlake(s3_args + " --as-of latest", creds);
    ASSERT_EQ(next.exit_code, 0) << next.err;
    EXPECT_EQ(listed(true, ""), 0u);
    const std::string after_next = dir_.path() + "/from-s3-after-kill";
    ASSERT_TRUE(testing::DownloadS3Prefix(env->endpoint, env->access_key_id, env->secret_access_key,
                                          env->bucket, prefix + "/", after_next)
                    .ok());
    // Nothing changed since the last version: its parts stay, and the killed run's marks went.
    EXPECT_TRUE(OutputFiles(after_next, /*marks=*/true) == OutputFiles(sparse, /*marks=*/true));
  }
  {  // --metrics-file: what the run did, in the Prometheus text format promtool accepts
    std::ifstream in(metrics);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("binlake_materialize_tables_planned 4\n"), std::string::npos) << text;
    EXPECT_NE(text.find("binlake_materialize_rows{table=\"app.items\"} " +
                        std::to_string(std::count(pauses.back().rows["items"].begin(),
                                                  pauses.back().rows["items"].end(), '\n')) +
                        "\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(std::system(("promtool check metrics < " + ShellQuote(metrics)).c_str()), 0);
  }
  for (const Table& t : Tables()) {
    EXPECT_EQ(OutputRows(output, t), pauses.back().rows[t.name]) << "app." << t.name;
  }
  // An output advanced pause by pause, in parts of about 2 KiB: each step reads only the
  // changes since the last one and rewrites only the parts they touch.
  const std::string chain = dir_.path() + "/chain";
  for (size_t i = 0; i < pauses.size(); ++i) {
    CommandResult r = Materialize(chain, pauses[i].position, "--max-part-bytes 2048");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    if (i > 0) {
      EXPECT_NE(r.out.find("advanced 4 table(s) from checkpoint"), std::string::npos) << r.out;
    }
    for (const Table& t : Tables()) {
      EXPECT_EQ(OutputRows(chain, t), pauses[i].rows[t.name])
          << "app." << t.name << " advanced to " << pauses[i].position << "\n"
          << r.out;
    }
  }
  // Parquet parts, typed: DuckDB reads the same rows.
  const std::string typed = dir_.path() + "/typed";
  CommandResult parquet = Materialize(typed, "latest", "--format parquet");
  ASSERT_EQ(parquet.exit_code, 0) << parquet.err;
  for (const Table& t : Tables()) {
    EXPECT_EQ(OutputRows(typed, t, /*parquet=*/true), pauses.back().rows[t.name])
        << "app." << t.name << " as Parquet";
  }
  // A run killed while it writes: the manifest still names the last complete version, which
  // its files hold, and a glob of the table folders reads that version too (the new version's
  // parts wait as hidden temp files until the run publishes them: docs/MATERIALIZE.md); the
  // next run removes the killed run's files.
  // The files in the table folders whose names start with `name`.
  auto files = [](const std::string& dir, const std::string& name) {
    size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      const std::string rel = std::filesystem::relative(e.path(), dir).string();
      n += rel.rfind("_binlake/", 0) != 0 && e.path().filename().string().rfind(name, 0) == 0;
    }
    return n;
  };
  bool killed = false;
  for (int attempt = 0; attempt < 5 && !killed; ++attempt) {
    BinlakeProcess run(
        MaterializeArgs(chain, "latest", "--rebuild --threads 1 --max-part-bytes 512"));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    // Poll until a part of the new version is finished: on one thread, parts are written one
    // after the other, so the first of two temp files is (or a part has its name).
    const std::string version = "part-0000000" + std::to_string(pauses.size() + 1 + attempt);
    while (std::chrono::steady_clock::now() < deadline && run.Running() &&
           files(chain, ".tmp-" + version) < 2 && files(chain, version) == 0) {
    }
    ASSERT_TRUE(run.Kill(SIGKILL)) << run.Log();
    killed = run.exit_signal() == SIGKILL;
  }
  ASSERT_TRUE(killed) << "every run finished before it could be killed";
  for (const Table& t : Tables()) {
    EXPECT_EQ(ManifestRows(chain, t), pauses.back().rows[t.name]) << "app." << t.name;
    EXPECT_EQ(OutputRows(chain, t), pauses.back().rows[t.name]) << "app." << t.name << " (glob)";
  }
  EXPECT_GE(files(chain, ".tmp-part-"), 1u);
  CommandResult after = Materialize(chain, "latest");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  for (const Table& t : Tables()) {
    EXPECT_EQ(OutputRows(chain, t), pauses.back().rows[t.name]) << "app." << t.name;
    EXPECT_EQ(ManifestRows(chain, t), pauses.back().rows[t.name]) << "app." << t.name;
  }
  EXPECT_EQ(files(chain, ".tmp-"), 0u);  // the killed run's temp files are gone

  // Bad requests: one line, exit 1, the output untouched.
  CommandResult early = Materialize(output, "binlog.000001:4");
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_NE(early.err.find("before the full load's snapshot"), std::string::npos) << early.err;
  EXPECT_EQ(std::count(early.err.begin(), early.err.end(), '\n'), 1) << early.err;
  for (const Table& t : Tables()) {
    EXPECT_EQ(OutputRows(output, t), pauses.back().rows[t.name]) << "app." << t.name;
  }
}

// One long CDC batch with several write pauses inside it: as of each pause's binlog position,
// GTID position and time, the materialized tables are what the source held then, cut exactly
// inside the batch (the transaction index, docs/MATERIALIZE.md), and the manifest says so.
TEST_F(MaterializeTest, PointsInsideABatchAreCutExactly) {
  ASSERT_TRUE(
      server_
          ->Execute("CREATE DATABASE app;"
                    "CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT);"
                    "CREATE TABLE app.pairs (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b));"
                    "CREATE TABLE app.heap (v INT, w VARCHAR(10));"
                    "INSERT INTO app.items VALUES (1,'one',1),(2,'two',NULL),(3,'',3);"
                    "INSERT INTO app.pairs VALUES (1,'x',10),(1,'y',11),(2,'x',20);"
                    "INSERT INTO app.heap VALUES (1,'p'),(1,'p'),(2,NULL)")
          .ok());
  ASSERT_EQ(testing::RunBinlake("full-load --progress off " + Common()).exit_code, 0);
  // Every pause falls inside one batch (the phases take a few seconds).
  BinlakeProcess cdc("cdc " + Common() + " --set CdcMaxBatchInterval=30");
  const std::vector<std::string> phases = {
      "INSERT INTO app.items VALUES (4,'four',4),(5,'five',5);"
      "UPDATE app.items SET name = 'TWO', qty = 2 WHERE id = 2;"
      "UPDATE app.heap SET w = 'q' WHERE v = 1 LIMIT 1",
      "UPDATE app.items SET id = 30 WHERE id = 3; DELETE FROM app.items WHERE id = 1;"
      "UPDATE app.pairs SET b = 'z' WHERE a = 1 AND b = 'y'; INSERT INTO app.heap VALUES (3,'r')",
      "BEGIN; INSERT INTO app.items VALUES (6,'six',6),(7,'seven',7);"
      "DELETE FROM app.pairs WHERE a = 2; COMMIT; UPDATE app.items SET qty = NULL WHERE id = 5",
      "DELETE FROM app.items WHERE id = 6; DELETE FROM app.heap WHERE v = 3",
  };
  struct Pause {
    std::string position, gtid, time;
    std::map<std::string, std::string> rows;
  };
  std::vector<Pause> pauses;
  for (const std::string& sql : phases) {
    Status s = server_->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << sql;
    Pause p;
    p.position = server_->MasterPosition();
    auto at = server_->Query(
        "SELECT @@gtid_binlog_pos, DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ'), "
        "UNIX_TIMESTAMP()");
    ASSERT_TRUE(at.ok() && at->size() == 1) << at.status().ToString();
    p.gtid = (*at)[0][0].value_or("");
    p.time = (*at)[0][1].value_or("");
    for (const Table& t : Tables()) p.rows[t.name] = SourceRows(t);
    pauses.push_back(std::move(p));
    // Commit times are in seconds: the next phase commits in a later second than this pause.
    const std::string second = (*at)[0][2].value_or("");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto now = server_->Query("SELECT UNIX_TIMESTAMP()");
      if (now.ok() && !now->empty() && (*now)[0][0].value_or("") != second) break;
    }
  }
  ASSERT_TRUE(testing::WaitForCheckpoint("--target " + ShellQuote(Target()), pauses.back().position,
                                         std::chrono::seconds(120)))
      << cdc.Log();
  ASSERT_TRUE(cdc.Kill(SIGTERM)) << cdc.Log();
  ASSERT_EQ(cdc.exit_code(), 0) << cdc.Log();

  int cut = 0;
  // An output of the full load, advanced to the first pause (reading batch 1 in part), then
  // pause by pause (rebuilt: the previous version was cut inside the batch).
  const std::string chain = dir_.path() + "/chain";
  ASSERT_EQ(Materialize(chain, "0", "--max-part-bytes 256").exit_code, 0);
  for (size_t i = 0; i < pauses.size(); ++i) {
    std::vector<std::string> points = {pauses[i].position, pauses[i].gtid, pauses[i].time};
    // A time at or after the newest checkpoint's last commit is not known to be complete (CDC
    // may not have committed all of it yet): only a boundary, not exact.
    if (i + 1 == pauses.size()) points.pop_back();
    for (size_t k = 0; k < points.size(); ++k) {
      const std::string& when = points[k];
      const std::string output = dir_.path() + "/at-" + std::to_string(i) + "-" + std::to_string(k);
      CommandResult r = Materialize(output, when);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.out.find("note:"), std::string::npos) << when << " is exact: " << r.out;
      if (r.out.find("is cut inside batch") != std::string::npos) ++cut;
      std::ifstream in(output + "/_binlake/materialization.json");
      const std::string manifest((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
      EXPECT_NE(manifest.find("\"exact\": true"), std::string::npos) << manifest;
      for (const Table& t : Tables()) {
        EXPECT_EQ(OutputRows(output, t), pauses[i].rows[t.name])
            << "app." << t.name << " as of " << when << "\n"
            << r.out;
      }
    }
    CommandResult r = Materialize(chain, pauses[i].position, "--max-part-bytes 256");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find("advanced 3 table(s) from checkpoint 0") != std::string::npos, i == 0)
        << r.out;
    for (const Table& t : Tables()) {
      EXPECT_EQ(OutputRows(chain, t), pauses[i].rows[t.name])
          << "app." << t.name << " advanced to " << pauses[i].position << "\n"
          << r.out;
    }
  }
  // The last pause may be the batch's end; the others are inside it.
  EXPECT_GE(cut, 3 * static_cast<int>(pauses.size() - 1));
}

}  // namespace
}  // namespace binlake::materialize_integration
