// `binlake full-load` into Ceph radosgw (the CTest fixture "radosgw"), read back with boto3 and
// compared byte for byte with a load of the same snapshot data into a local directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/testing/radosgw_env.h"
#include "support/readers.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::MariaDbServer;
using testing::RunBinlake;
using testing::ShellQuote;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// name -> content of every LOAD file under dir (recursive), keys relative to dir.
std::map<std::string, std::string> LoadFilesUnder(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename().string().rfind("LOAD", 0) == 0) {
      out[fs::relative(e.path(), dir).string()] = ReadAll(e.path());
    }
  }
  return out;
}

TEST(FullLoadS3Test, LoadToRadosgwEqualsLocalLoad) {
  auto env = testing::LoadRadosgwEnv();
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  auto server = MariaDbServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  std::string sql =
      "CREATE DATABASE app; CREATE TABLE app.events (id INT PRIMARY KEY, "
      "kind ENUM('a','b'), payload VARBINARY(64), at DATETIME(3));"
      "INSERT INTO app.events VALUES ";
  for (int i = 1; i <= 30000; ++i) {
    sql += (i > 1 ? "," : "") + std::string("(") + std::to_string(i) + ",'" + (i % 2 ? "a" : "b") +
           "',UNHEX(SHA2('" + std::to_string(i) + "',256)),'2024-01-01 00:00:00.123' + INTERVAL " +
           std::to_string(i) + " SECOND)";
  }
  ASSERT_TRUE((*server)->Execute(sql).ok());

  fs::path dir = fs::temp_directory_path() / ("binlake-fl-s3-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::string source = "--source " + (*server)->RootUrl() + " --tls-mode disabled --progress off";
  std::string common =
      " --threads 3 --chunk-rows 4000 --set MaxFileSize=256 "
      "--set CompressionType=GZIP --set BucketFolder=dms/out";
  CommandResult local =
      RunBinlake("full-load " + source + " --target file://" + dir.string() + "/local" + common);
  ASSERT_EQ(local.exit_code, 0) << local.err;

  std::string creds = "AWS_ACCESS_KEY_ID=" + ShellQuote(env->access_key_id) +
                      " AWS_SECRET_ACCESS_KEY=" + ShellQuote(env->secret_access_key);
  std::string s3 = " --target s3://" + env->bucket + "/run1 --endpoint-url " + env->endpoint +
                   " --region " + env->region + " --path-style";
  CommandResult remote = RunBinlake("full-load " + source + s3 + common, creds);
  ASSERT_EQ(remote.exit_code, 0) << remote.err;
  EXPECT_NE(remote.out.find("s3://" + env->bucket + "/run1"), std::string::npos) << remote.out;

  ASSERT_TRUE(testing::DownloadS3Prefix(env->endpoint, env->access_key_id, env->secret_access_key,
                                        env->bucket, "run1/", (dir / "remote").string())
                  .ok());
  auto local_files = LoadFilesUnder(dir / "local");
  auto remote_files = LoadFilesUnder(dir / "remote");
  EXPECT_GT(local_files.size(), 3u);
  EXPECT_EQ(remote_files, local_files);
  EXPECT_TRUE(fs::exists(dir / "remote/dms/out/_binlake/full_load.json"));

  // DuckDB reads the gzip'd objects back to the source's row count.
  auto n = testing::DuckDbQuery(
      {"SELECT count(*) AS n, count(DISTINCT column2) AS d FROM "
       "read_csv(" +
       testing::DuckQuote((dir / "remote/dms/out/app/events").string() + "/LOAD*.csv.gz") +
       ", header=false)"});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ((*n)[0].at("n"), "30000");
  EXPECT_EQ((*n)[0].at("d"), "30000");

  // A missing bucket and a wrong secret: one line, non-zero, no secret in it.
  CommandResult missing = RunBinlake("full-load " + source +
                                         " --target s3://no-such-bucket-x/p "
                                         "--endpoint-url " +
                                         env->endpoint + " --path-style",
                                     creds);
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("no-such-bucket-x"), std::string::npos) << missing.err;
  CommandResult wrong = RunBinlake("full-load " + source + s3 + common,
                                   "AWS_ACCESS_KEY_ID=" + ShellQuote(env->access_key_id) +
                                       " AWS_SECRET_ACCESS_KEY=not-the-secret-123");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_EQ(wrong.err.find("not-the-secret-123"), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("binlake: error:"), std::string::npos) << wrong.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace binlake
