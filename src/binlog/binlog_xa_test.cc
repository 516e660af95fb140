// XA in the binlog layer: XID text (binlog/xa.h), the XID of MariaDB GTID and XA_PREPARE events,
// XA QUERY statements, and the PositionTracker's XA groups, on events a real MariaDB 10.11.19
// wrote (xa_test_events.h says for which statements).
#include <gtest/gtest.h>

#include "binlog/event_decoder.h"
#include "binlog/event_pump.h"
#include "binlog/test_util.h"
#include "binlog/xa.h"
#include "binlog/xa_test_events.h"

namespace binlake::binlog {
namespace {

using testing::FromHex;
using testing::MariaDbXaEvents;
using RawEvent = testing::RawXaEvent;

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
