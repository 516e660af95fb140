// XA in the binlog layer: XID text (binlog/xa.h), the XID of MariaDB GTID and XA_PREPARE events,
// XA QUERY statements, and the PositionTracker's XA groups, on events a real MariaDB 10.11.19
// wrote (binlog_checksum=CRC32, binlog_row_metadata=FULL) for, in this order:
//   CREATE TABLE x.t (id INT PRIMARY KEY, v VARCHAR(10)); RESET MASTER;
//   XA START 'a'; INSERT INTO x.t VALUES (1,'a'); XA END 'a'; XA PREPARE 'a';
//   XA ROLLBACK 'a';
//   XA START X'0102',X'6271',7; INSERT INTO x.t VALUES (2,'b'); XA END ...; XA PREPARE ...;
//   INSERT INTO x.t VALUES (3,'c');
//   XA COMMIT X'0102',X'6271',7;
//   XA START 'c'; INSERT INTO x.t VALUES (4,'d'); XA END 'c'; XA COMMIT 'c' ONE PHASE;
// (each line a separate client session; the bytes are binlog.000001 from offset 4, event by
// event, as `xxd -p` printed them). The live-server variant is binlog_mariadb_xa_test.cc.
#include <gtest/gtest.h>

#include "binlog/event_decoder.h"
#include "binlog/event_pump.h"
#include "binlog/test_util.h"
#include "binlog/xa.h"

namespace binlake::binlog {
namespace {

using testing::FromHex;

struct RawEvent {
  uint64_t offset;
  const char* hex;
};

// clang-format off
const std::vector<RawEvent>& MariaDbXaEvents() {
  static const std::vector<RawEvent> kEvents = {
    {4,
     "0d43136b0f01000000fc000000000100000100040031302e31312e31392d4d6172696144422d302b64656231"
     "3275312d6c6f6700000000000000000000000000000000000000000d43136b13380d00080012000404040412"
     "0000e400041a08000000080808020000000a0a0a0000000000000a0a0a000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000000041304000d0808080a0a0a01185bef7f"
    },
    {256,
     "0d43136ba3010000001d0000001d0100000000000000000000aedf1b57"
    },
    {285,
     "0d43136ba101000000280000004501000000000d00000062696e6c6f672e3030303030313a7c12ff"
    },
    {325,
     "0d43136ba2010000002d0000007201000008000100000000000000000000004c0100000001006101ffcc6cd7"
     "ad"
    },
    {370,
     "0d43136ba00100000035000000a70100000000494e5345525420494e544f20782e742056414c554553202831"
     "2c27612729a1516b71"
    },
    {423,
     "0d43136b13010000003c000000e30100000000120000000000010001780001740002030f0228000201010002"
     "012d04050269640176080100de5f834c"
    },
    {483,
     "0d43136b1701000000280000000b020000000012000000000001000203fc01000000016159c26c7a"
    },
    {523,
     "0d43136b0201000000510000005c020000080006000000000000000000001a00000000000101000020540000"
     "0000060373746404210021002d0000584120454e442058273631272c5827272c31e7035503"
    },
    {604,
     "0d43136b2601000000250000008102000000000001000000010000000000000061190ff8e5"
    },
    {641,
     "0d43136ba2010000002b000000ac02000008000200000000000000000000008d01000000010061452741a2"
    },
    {684,
     "0d43136b02010000005600000002030000080007000000000000000000001a00000000000101000020540000"
     "0000060373746404210021002d0000584120524f4c4c4241434b2058273631272c5827272c319da8088e"
    },
    {770,
     "0d43136ba201000000300000003203000008000300000000000000000000004c0700000002020102627101ff"
     "9e8f7604"
    },
    {818,
     "0d43136ba00100000035000000670300000000494e5345525420494e544f20782e742056414c554553202832"
     "2c27622729913adce5"
    },
    {871,
     "0d43136b13010000003c000000a30300000000120000000000010001780001740002030f0228000201010002"
     "012d0405026964017608010058b27710"
    },
    {931,
     "0d43136b170100000028000000cb030000000012000000000001000203fc020000000162ddae877c"
    },
    {971,
     "0d43136b02010000005700000022040000080008000000000000000000001a00000000000101000020540000"
     "0000060373746404210021002d0000584120454e4420582730313032272c582736323731272c375b25d0e4"
    },
    {1058,
     "0d43136b2601000000280000004a04000000000007000000020000000200000001026271275db531"
    },
    {1098,
     "0e43136ba2010000002a0000007404000008000400000000000000000000000c00000000000055da0fb4"
    },
    {1140,
     "0e43136ba00100000035000000a90400000000494e5345525420494e544f20782e742056414c554553202833"
     "2c276327290851da8b"
    },
    {1193,
     "0e43136b13010000003c000000e50400000000120000000000010001780001740002030f0228000201010002"
     "012d0405026964017608010069c6696b"
    },
    {1253,
     "0e43136b1701000000280000000d050000000012000000000001000203fc030000000163ba355935"
    },
    {1293,
     "0e43136b10010000001f0000002c050000000013000000000000009325c3ab"
    },
    {1324,
     "0e43136ba2010000002e0000005a05000008000500000000000000000000008d070000000202010262718c5e"
     "0616"
    },
    {1370,
     "0e43136b02010000005a000000b405000008000a000000000000000000001a00000000000101000020540000"
     "0000060373746404210021002d0000584120434f4d4d495420582730313032272c582736323731272c3713de"
     "5725"
    },
    {1460,
     "0e43136ba2010000002a000000de05000008000600000000000000000000000c0000000000000673f7e0"
    },
    {1502,
     "0e43136ba00100000035000000130600000000494e5345525420494e544f20782e742056414c554553202834"
     "2c27642729e0eb90c9"
    },
    {1555,
     "0e43136b13010000003c0000004f0600000000120000000000010001780001740002030f0228000201010002"
     "012d0405026964017608010043a99ff6"
    },
    {1615,
     "0e43136b17010000002800000077060000000012000000000001000203fc040000000164ca3e3264"
    },
    {1655,
     "0e43136b10010000001f0000009606000000001800000000000000c624f1b1"
    },
  };
  return kEvents;
}
// clang-format on

std::vector<uint8_t> Bytes(const RawEvent& e) { return FromHex(e.hex); }

TEST(XaXidText, ParsesTheServersForm) {
  auto xid = ParseXaXid("X'0102',X'6271',7");
  ASSERT_TRUE(xid.ok()) << xid.status().ToString();
  EXPECT_EQ(xid->gtrid, std::string("\x01\x02", 2));
  EXPECT_EQ(xid->bqual, "bq");
  EXPECT_EQ(xid->format_id, 7u);
  EXPECT_EQ(xid->ToString(), "X'0102',X'6271',7");
  auto upper = ParseXaXid(" x'AbCd' , X'' , 1 ");
  ASSERT_TRUE(upper.ok()) << upper.status().ToString();
  EXPECT_EQ(upper->ToString(), "X'abcd',X'',1");
  // formatID is 4 bytes in the events: the text's value modulo 2^32.
  EXPECT_EQ(ParseXaXid("X'61',X'',4294967297")->format_id, 1u);
  EXPECT_EQ(ParseXaXid("X'61',X'',-1")->format_id, 0xffffffffu);
  std::string max64(128, 'f');
  EXPECT_TRUE(ParseXaXid("X'" + max64 + "',X'" + max64 + "',1").ok());
}

TEST(XaXidText, RefusesAnythingElse) {
  for (const char* bad :
       {"", "'a','b',1", "X'',X'',1", "X'0',X'',1", "X'zz',X'',1", "X'61',X''", "X'61',X'',",
        "X'61',X'',1 x", "X'61' X'' 1", "X'61',X'',123456789012345678901"}) {
    auto xid = ParseXaXid(bad);
    EXPECT_FALSE(xid.ok()) << bad;
    if (!xid.ok()) {
      EXPECT_EQ(xid.status().code(), StatusCode::kCorruption) << bad;
    }
  }
  EXPECT_FALSE(ParseXaXid("X'" + std::string(130, 'a') + "',X'',1").ok());  // 65 bytes
}

TEST(XaStatementText, VerbsAndOnePhase) {
  auto commit = ParseXaStatement("XA COMMIT X'0102',X'6271',7");
  ASSERT_TRUE(commit.ok() && commit->has_value());
  EXPECT_EQ((*commit)->verb, XaVerb::kCommit);
  EXPECT_FALSE((*commit)->one_phase);
  EXPECT_EQ((*commit)->xid.ToString(), "X'0102',X'6271',7");
  auto one = ParseXaStatement("xa commit X'61',X'',1 one phase");
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_TRUE((*one)->one_phase);
  EXPECT_EQ((*one)->xid.ToString(), "X'61',X'',1");
  EXPECT_EQ((*ParseXaStatement("XA START X'61',X'',1"))->verb, XaVerb::kStart);
  EXPECT_EQ((*ParseXaStatement("XA END X'61',X'',1"))->verb, XaVerb::kEnd);
  EXPECT_EQ((*ParseXaStatement("XA ROLLBACK X'61',X'',1"))->verb, XaVerb::kRollback);
  EXPECT_EQ((*ParseXaStatement("XA PREPARE X'61',X'',1"))->verb, XaVerb::kPrepare);
  // Not XA statements.
  for (const char* other : {"BEGIN", "COMMIT", "XAVIER", "ALTER TABLE xa ADD c INT", ""}) {
    auto r = ParseXaStatement(other);
    ASSERT_TRUE(r.ok()) << other;
    EXPECT_FALSE(r->has_value()) << other;
  }
  EXPECT_FALSE(ParseXaStatement("XA RECOVER").ok());
  EXPECT_FALSE(ParseXaStatement("XA COMMIT 'a'").ok());  // not the server's form
}

// The decoder reads the XID where each event carries it.
TEST(XaEvents, MariaDbGtidXaPrepareAndQuery) {
  DecodeContext ctx = DecodeContext::Default();
  std::map<uint64_t, Event> by_offset;
  for (const RawEvent& raw : MariaDbXaEvents()) {
    std::vector<uint8_t> bytes = Bytes(raw);
    auto ev = DecodeEvent(ByteView(bytes), ctx);
    ASSERT_TRUE(ev.ok()) << raw.offset << ": " << ev.status().ToString();
    if (const auto* fde = std::get_if<FormatDescriptionEvent>(&ev->data)) {
      ApplyFormatDescription(*fde, &ctx);
    }
    if (!std::holds_alternative<QueryEvent>(ev->data)) by_offset.emplace(raw.offset, *ev);
  }
  const auto& body = std::get<MariaGtidEvent>(by_offset.at(325).data);
  EXPECT_TRUE(body.prepared_xa());
  EXPECT_FALSE(body.completed_xa());
  ASSERT_TRUE(body.xa_xid.has_value());
  EXPECT_EQ(body.xa_xid->ToString(), "X'61',X'',1");
  const auto& rollback = std::get<MariaGtidEvent>(by_offset.at(641).data);
  EXPECT_TRUE(rollback.completed_xa());
  EXPECT_TRUE(rollback.standalone());
  EXPECT_EQ(rollback.xa_xid->ToString(), "X'61',X'',1");
  EXPECT_EQ(std::get<MariaGtidEvent>(by_offset.at(770).data).xa_xid->ToString(),
            "X'0102',X'6271',7");
  const auto& prepare = std::get<XaPrepareEvent>(by_offset.at(1058).data);
  EXPECT_FALSE(prepare.one_phase);
  EXPECT_EQ(prepare.xid.ToString(), "X'0102',X'6271',7");
  EXPECT_EQ(std::get<MariaGtidEvent>(by_offset.at(1324).data).xa_xid->ToString(),
            "X'0102',X'6271',7");
  // An ordinary transaction's GTID has no XID.
  EXPECT_FALSE(std::get<MariaGtidEvent>(by_offset.at(1098).data).xa_xid.has_value());
  EXPECT_FALSE(std::get<MariaGtidEvent>(by_offset.at(1460).data).xa_xid.has_value());
}

// Records, per ended group, its kind, XID and place, and per row whether it was an XA body's.
class GroupSink : public EventSink {
 public:
  Status OnRowChange(const RowChangeEvent& row) override {
    rows.push_back(std::to_string(row.position->event_start()) +
                   (row.position->in_xa_body() ? " xa-body" : " committed"));
    return Status::Ok();
  }
  std::vector<std::string> rows;
};

std::string Describe(const GroupInfo& g) {
  const char* kinds[] = {"transaction", "xa-prepare", "xa-one-phase", "xa-commit", "xa-rollback"};
  std::string s = std::string(kinds[static_cast<int>(g.kind)]) + " " + g.file + " " +
                  std::to_string(g.start) + "-" + std::to_string(g.end) + " " + g.gtid;
  if (g.kind != GroupKind::kTransaction) s += " " + g.xid.ToString();
  return s;
}

TEST(XaGroups, PositionTrackerOnMariaDbEvents) {
  GroupSink sink;
  EventPump pump(PumpOptions{}, &sink);
  pump.StartFile("binlog.000001", 4);
  std::vector<std::string> groups;
  for (const RawEvent& raw : MariaDbXaEvents()) {
    std::vector<uint8_t> bytes = Bytes(raw);
    uint64_t before = pump.position().transactions();
    ASSERT_TRUE(pump.Feed(ByteView(bytes), raw.offset).ok()) << raw.offset;
    if (pump.position().transactions() != before) {
      groups.push_back(Describe(pump.position().last_group()));
      EXPECT_FALSE(pump.position().in_xa_body());
    }
  }
  EXPECT_EQ(groups, (std::vector<std::string>{
                        "xa-prepare binlog.000001 325-641 0-1-1 X'61',X'',1",
                        "xa-rollback binlog.000001 641-770 0-1-2 X'61',X'',1",
                        "xa-prepare binlog.000001 770-1098 0-1-3 X'0102',X'6271',7",
                        "transaction binlog.000001 1098-1324 0-1-4",
                        "xa-commit binlog.000001 1324-1460 0-1-5 X'0102',X'6271',7",
                        "transaction binlog.000001 1460-1686 0-1-6",  // XA COMMIT ONE PHASE
                    }));
  EXPECT_EQ(sink.rows, (std::vector<std::string>{"483 xa-body", "931 xa-body", "1253 committed",
                                                 "1615 committed"}));
  EXPECT_EQ(pump.position().last_commit().ToString(), "binlog.000001:1686");
}

}  // namespace
}  // namespace binlake::binlog
