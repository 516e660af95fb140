#include "cdc/checkpoint.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(CdcCheckpointTest, KeysAndSequenceNumbers) {
  EXPECT_EQ(CdcCheckpointKey("", 42), "_binlake/cdc/checkpoint-00000000000000000042.json");
  EXPECT_EQ(CdcCheckpointKey("a/b", 1), "a/b/_binlake/cdc/checkpoint-00000000000000000001.json");
  EXPECT_EQ(CdcCheckpointPrefix("a"), "a/_binlake/cdc/checkpoint-");
  EXPECT_EQ(CdcCheckpointSequence(CdcCheckpointKey("a/b", 18446744073709551615ull)),
            18446744073709551615ull);
  EXPECT_EQ(CdcCheckpointSequence("_binlake/cdc/checkpoint-00000000000000000007.json"), 7u);
  EXPECT_FALSE(CdcCheckpointSequence("_binlake/cdc/checkpoint-7.json"));
  EXPECT_FALSE(CdcCheckpointSequence("_binlake/cdc/checkpoint-0000000000000000000x.json"));
  EXPECT_FALSE(CdcCheckpointSequence("_binlake/cdc/checkpoint-00000000000000000007.json.tmp"));
  EXPECT_FALSE(CdcCheckpointSequence("x_binlake/cdc/checkpoint-00000000000000000007.json"));
  EXPECT_FALSE(CdcCheckpointSequence("_binlake/cdc/checkpoint-99999999999999999999.json"));
}

CdcCheckpoint Sample() {
  CdcCheckpoint c;
  c.sequence = 12;
  c.created_at = "2024-11-24T10:15:00.123Z";
  c.position = {"binlog.000003", 4711, "0-1-42,1-2-7"};
  c.position.server = "server_id=1";
  c.last_commit_us = 1732443299000001;
  c.last_file_ms = 1732443300123;
  c.transactions = 99;
  c.files = {{"db/t/20241124-101500123.csv", "upload-1\n1 \"etag\"\n", "db.t", 3},
             {"CDC_TXN-20241124101500123.csv", ".tmp-x.0123456789abcdef", "", 5}};
  c.files[0].first = {"binlog.000003", 4000, ""};  // where its rows begin
  c.tables["db.t"] = {3, 2, 1, 1, "2024-11-24 10:14:59.000001"};
  c.tables["db.caf\xc3\xa9"] = {1, 0, 0, 0, "2024-11-24 10:14:58.000000"};
  return c;
}

TEST(CdcCheckpointTest, RoundTrip) {
  const CdcCheckpoint c = Sample();
  const std::string json = SerializeCdcCheckpoint(c);
  EXPECT_NE(json.find("\"format\": \"binlake-cdc-checkpoint/1\""), std::string::npos);
  EXPECT_NE(json.find("\"last_commit_time\": \"2024-11-24 10:14:59.000001\""), std::string::npos);
  EXPECT_NE(json.find("\"first\": {\n"), std::string::npos) << json;
  EXPECT_EQ(json.find("\"first\""), json.rfind("\"first\""));  // only where it is known
  auto back = ParseCdcCheckpoint(json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, c);
  EXPECT_EQ(json.find("\"lease\""), std::string::npos);  // outside hot standby
  // The empty checkpoint too.
  EXPECT_EQ(*ParseCdcCheckpoint(SerializeCdcCheckpoint(CdcCheckpoint{})), CdcCheckpoint{});
}

// Hot standby: the committing instance and its lease term.
TEST(CdcCheckpointTest, LeaseHolderRoundTrip) {
  CdcCheckpoint c = Sample();
  c.lease_holder = "replica-b";
  c.lease_term = 3;
  const std::string json = SerializeCdcCheckpoint(c);
  EXPECT_NE(json.find("\"format\": \"binlake-cdc-checkpoint/1\""), std::string::npos);
  EXPECT_NE(json.find("\"holder\": \"replica-b\""), std::string::npos) << json;
  auto back = ParseCdcCheckpoint(json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, c);
}

// Pending XA transactions make a version-2 checkpoint (an older binlake refuses it rather than
// lose their rows); without them the checkpoint stays version 1.
TEST(CdcCheckpointTest, PendingXaRoundTripAsVersion2) {
  CdcCheckpoint c = Sample();
  c.pending_xa = {{"X'0102',X'6271',7", "0-1-3", "binlog.000003", 770, 1098},
                  {"X'61',X'',1", "", "binlog.000002", 4, 400}};
  const std::string json = SerializeCdcCheckpoint(c);
  EXPECT_NE(json.find("\"format\": \"binlake-cdc-checkpoint/2\""), std::string::npos);
  EXPECT_NE(json.find("\"xid\": \"X'0102',X'6271',7\""), std::string::npos);
  auto back = ParseCdcCheckpoint(json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, c);
  EXPECT_EQ(SerializeCdcCheckpoint(Sample()).find("pending_xa"), std::string::npos);
  // A version-1 checkpoint (as older binlakes wrote it) has nothing pending.
  auto v1 = ParseCdcCheckpoint(SerializeCdcCheckpoint(Sample()));
  ASSERT_TRUE(v1.ok());
  EXPECT_TRUE(v1->pending_xa.empty());
  std::string broken = json;
  broken.replace(broken.find("\"start\": 770"), 12, "\"start\": \"x\"");
  EXPECT_EQ(ParseCdcCheckpoint(broken).status().code(), StatusCode::kCorruption);
}

TEST(CdcCheckpointTest, OlderCheckpointsNameNoServer) {
  std::string json = SerializeCdcCheckpoint(Sample());
  const std::string server = ",\n    \"server\": \"server_id=1\"";
  ASSERT_NE(json.find(server), std::string::npos) << json;
  json.erase(json.find(server), server.size());
  auto back = ParseCdcCheckpoint(json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->position.server, "");
  EXPECT_EQ(back->position.gtid_set, "0-1-42,1-2-7");
}

TEST(CdcCheckpointTest, RejectsWhatIsNotACheckpoint) {
  EXPECT_EQ(ParseCdcCheckpoint("").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseCdcCheckpoint("[1]").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseCdcCheckpoint(R"({"format":"binlake-full-load/1"})").status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ParseCdcCheckpoint(R"({"format":"binlake-cdc-checkpoint/1"})").status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ParseCdcCheckpoint(R"({"format":"binlake-cdc-checkpoint/3"})").status().code(),
            StatusCode::kCorruption);
  std::string json = SerializeCdcCheckpoint(Sample());
  json.replace(json.find("\"binlog_position\": 4711"), 23, "\"binlog_position\": \"x\"");
  auto bad = ParseCdcCheckpoint(json);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(bad.status().message().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace binlake
