// CdcSink's decisions without a source: which tables and rows reach the writer (selection,
// row filters, time bounds), DDL counting, and the sequence column. Row changes are built by
// hand and fed as the pump would; the writer writes CSV into a MemoryObjectStore.
#include "cdc/cdc_sink.h"

#include <gtest/gtest.h>

#include <memory>

#include "cdc/writer_test_util.h"
#include "config/format_options.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

using cdc_testing::Schema;

TableMappings Mappings(const std::string& filters_json = "") {
  std::string rule =
      R"({"rule-type":"selection","rule-id":"1","rule-name":"1","rule-action":"include",
          "object-locator":{"schema-name":"db","table-name":"t"})";
  if (!filters_json.empty()) rule += R"(,"filters":)" + filters_json;
  auto m = TableMappings::Parse(R"({"rules":[)" + rule + "}]}", "test");
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(*m) : TableMappings::AllUserTables();
}

// A source filter "<column> >= <value>".
std::string AtLeast(const std::string& column, int value) {
  return R"([{"filter-type":"source","column-name":")" + column +
         R"(","filter-conditions":[{"filter-operator":"gte","value":")" + std::to_string(value) +
         R"("}]}])";
}

// `name` must outlive the image (Value::String does not own its text): pass a literal.
binlog::RowImage Image(int64_t id, std::string_view name = "x") {
  binlog::RowImage image;
  image.values = {Value::Int(id), Value::String(name)};
  image.present = {1, 1};
  return image;
}

TEST(CdcSelectsTableTest, EveryUserTableWithoutMappings) {
  EXPECT_TRUE(CdcSelectsTable(nullptr, "db", "t"));
  EXPECT_TRUE(CdcSelectsTable(nullptr, "shop", "orders"));
  for (const char* system : {"mysql", "information_schema", "performance_schema", "sys"}) {
    EXPECT_FALSE(CdcSelectsTable(nullptr, system, "t")) << system;
  }
}

TEST(CdcSelectsTableTest, TheMappingsRulesOtherwise) {
  TableMappings m = Mappings();
  EXPECT_TRUE(CdcSelectsTable(&m, "db", "t"));
  EXPECT_FALSE(CdcSelectsTable(&m, "db", "other"));
  EXPECT_FALSE(CdcSelectsTable(&m, "shop", "t"));
}

TEST(CdcRowPassesTest, EachOperationIsJudgedByItsImages) {
  TableMappings m = Mappings(AtLeast("id", 10));
  auto filter = CdcRowFilter::Compile(m.SelectingRulesFor("db", "t"), Schema("db", "t"));
  ASSERT_TRUE(filter.ok()) << filter.status().message();
  binlog::RowImage low = Image(5), high = Image(20);
  using binlog::RowOp;
  EXPECT_FALSE(CdcRowPasses(*filter, {RowOp::kInsert, nullptr, &low}));
  EXPECT_TRUE(CdcRowPasses(*filter, {RowOp::kInsert, nullptr, &high}));
  EXPECT_FALSE(CdcRowPasses(*filter, {RowOp::kDelete, &low, nullptr}));
  EXPECT_TRUE(CdcRowPasses(*filter, {RowOp::kDelete, &high, nullptr}));
  // An UPDATE passes if either image does: a row moving into or out of the filter is kept.
  EXPECT_TRUE(CdcRowPasses(*filter, {RowOp::kUpdate, &low, &high}));
  EXPECT_TRUE(CdcRowPasses(*filter, {RowOp::kUpdate, &high, &low}));
  EXPECT_FALSE(CdcRowPasses(*filter, {RowOp::kUpdate, &low, &low}));
  // A missing image never passes.
  EXPECT_FALSE(CdcRowPasses(*filter, {RowOp::kInsert, nullptr, nullptr}));
}

class CdcSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CdcWriterOptions o;
    o.settings = settings_;
    auto factory = MakeRowFileWriterFactory(settings_);
    ASSERT_TRUE(factory.ok()) << factory.status().message();
    o.writer_factory = *factory;
    o.file_extension = ".csv";
    o.sequence_column_name = "seq";  // written as the sink passes it ("" without its option)
    o.before_checkpoint = [this] { return history_.Flush(); };
    writer_ = cdc_testing::MustCreate(&store_, o);
    ASSERT_TRUE(writer_->Recover(binlog::BinlogPosition{"binlog.000001", 4, ""}).ok());
    tracker_.Reset("binlog.000001", 4);
  }

  std::unique_ptr<CdcSink> Sink(CdcSinkOptions options) {
    return std::make_unique<CdcSink>(std::move(options), writer_.get(), &catalog_, nullptr,
                                     &history_);
  }

  // A table map of schema.table(id BIGINT, name VARCHAR); serials are unique per map.
  std::shared_ptr<binlog::TableMap> Map(const std::string& schema, const std::string& table,
                                        std::vector<std::string> columns = {"id", "name"}) {
    auto map = std::make_shared<binlog::TableMap>();
    map->serial = ++serial_;
    map->schema = Schema(schema, table, columns);
    return map;
  }

  // One row change, as the pump hands it over.
  Status Feed(CdcSink& sink, const binlog::TableMap& map, binlog::RowOp op,
              const binlog::RowImage* before, const binlog::RowImage* after) {
    binlog::RowChange change{op, before, after};
    binlog::RowChangeEvent ev;
    ev.table = &map;
    ev.change = &change;
    ev.position = &tracker_;
    return sink.OnRowChange(ev);
  }
  Status Insert(CdcSink& sink, const binlog::TableMap& map, int64_t id) {
    binlog::RowImage after = Image(id);
    return Feed(sink, map, binlog::RowOp::kInsert, nullptr, &after);
  }

  // Ends the transaction as the run loop does.
  Status EndTransaction(CdcSink& sink) {
    if (!sink.transaction_open()) writer_->BeginTransaction(tracker_.commit_timestamp_us());
    RETURN_IF_ERROR(writer_->EndTransaction(binlog::BinlogPosition{"binlog.000001", ++end_, ""}));
    sink.TransactionEnded();
    return Status::Ok();
  }

  // The committed CSV of schema/table (every file of it, in name order).
  std::string Committed(const std::string& prefix) {
    EXPECT_TRUE(writer_->Commit().ok());
    std::string out;
    for (const std::string& key : cdc_testing::Keys(store_, prefix)) out += *store_.Get(key);
    return out;
  }

  uint64_t Inserts(const std::string& table) {
    auto it = writer_->table_stats().find(table);
    return it == writer_->table_stats().end() ? 0 : it->second.inserts;
  }

  S3Settings settings_;
  MemoryObjectStore store_;
  SchemaHistory history_{&store_, ""};
  std::map<std::string, TableSchema> catalog_;
  std::unique_ptr<CdcWriter> writer_;
  binlog::PositionTracker tracker_;
  uint64_t serial_ = 0;
  uint64_t end_ = 100;
};

TEST_F(CdcSinkTest, WritesTheSelectedTablesOnly) {
  auto sink = Sink({});
  auto t = Map("db", "t"), user = Map("mysql", "user");
  ASSERT_TRUE(Insert(*sink, *t, 1).ok());
  ASSERT_TRUE(Insert(*sink, *user, 2).ok());
  EXPECT_TRUE(sink->transaction_open());
  ASSERT_TRUE(EndTransaction(*sink).ok());
  EXPECT_FALSE(sink->transaction_open());
  EXPECT_EQ(sink->row_changes(), 1u);
  EXPECT_EQ(Inserts("db.t"), 1u);
  EXPECT_EQ(writer_->table_stats().count("mysql.user"), 0u);

  auto only_t = Mappings();
  auto mapped = Sink({&only_t, "", std::nullopt});
  auto other = Map("db", "other");
  ASSERT_TRUE(Insert(*mapped, *t, 3).ok());
  ASSERT_TRUE(Insert(*mapped, *other, 4).ok());
  ASSERT_TRUE(EndTransaction(*mapped).ok());
  EXPECT_EQ(Inserts("db.t"), 2u);
  EXPECT_EQ(writer_->table_stats().count("db.other"), 0u);
}

TEST_F(CdcSinkTest, AppliesTheMappingsRowFilters) {
  auto m = Mappings(AtLeast("id", 10));
  auto sink = Sink({&m, "", std::nullopt});
  auto t = Map("db", "t");
  ASSERT_TRUE(Insert(*sink, *t, 5).ok());
  EXPECT_FALSE(sink->transaction_open());  // nothing written: no transaction opened
  ASSERT_TRUE(Insert(*sink, *t, 10).ok());
  binlog::RowImage low = Image(6), high = Image(11);
  ASSERT_TRUE(Feed(*sink, *t, binlog::RowOp::kUpdate, &high, &low).ok());
  ASSERT_TRUE(Feed(*sink, *t, binlog::RowOp::kDelete, &low, nullptr).ok());
  ASSERT_TRUE(EndTransaction(*sink).ok());
  EXPECT_EQ(sink->row_changes(), 2u);
  const CdcTableStats& stats = writer_->table_stats().at("db.t");
  // The update moves id 11 to 6: a key change, so the delete of 11 (which passes) is written,
  // and the insert of 6 (which does not) is not: the row left the filtered table.
  EXPECT_EQ(stats.inserts, 1u);
  EXPECT_EQ(stats.updates, 0u);
  EXPECT_EQ(stats.deletes, 1u);
}

TEST_F(CdcSinkTest, AnUpdateOfTheKeyOrOfARowWithoutKeyIsADeleteAndAnInsert) {
  auto sink = Sink({});
  auto t = Map("db", "t");
  auto no_key = Map("db", "heap");
  no_key->schema.primary_key.clear();
  binlog::RowImage one_x = Image(1, "x"), one_y = Image(1, "y"), two_y = Image(2, "y");
  ASSERT_TRUE(Feed(*sink, *t, binlog::RowOp::kUpdate, &one_x, &one_y).ok());  // same key
  ASSERT_TRUE(Feed(*sink, *t, binlog::RowOp::kUpdate, &one_y, &two_y).ok());  // key 1 -> 2
  ASSERT_TRUE(Feed(*sink, *no_key, binlog::RowOp::kUpdate, &one_x, &one_y).ok());
  ASSERT_TRUE(EndTransaction(*sink).ok());
  EXPECT_EQ(sink->row_changes(), 5u);
  // (The sequence column is empty: this sink has no sequence_column_name.)
  EXPECT_EQ(Committed("db/t/"), "U,\"\",1,y\nD,\"\",1,y\nI,\"\",2,y\n");
  EXPECT_EQ(Committed("db/heap/"), "D,\"\",1,x\nI,\"\",1,y\n");
}

TEST_F(CdcSinkTest, AFilterOnAMissingColumnStopsAtTheTablesFirstRow) {
  auto m = Mappings(AtLeast("amount", 10));
  auto sink = Sink({&m, "", std::nullopt});
  auto t = Map("db", "t");
  Status s = Insert(*sink, *t, 1);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("amount"), std::string::npos) << s.message();
  EXPECT_EQ(sink->row_changes(), 0u);
}

TEST_F(CdcSinkTest, TimeBounds) {
  // The tracker's commit time is the epoch (no event observed).
  auto t = Map("db", "t");
  auto skipping = Sink({});
  skipping->SetSkipBefore(std::chrono::system_clock::time_point(std::chrono::seconds(1)));
  ASSERT_TRUE(Insert(*skipping, *t, 1).ok());
  EXPECT_FALSE(skipping->stop_requested());
  EXPECT_EQ(skipping->row_changes(), 0u);

  auto stopping = Sink({nullptr, "", std::chrono::system_clock::time_point()});
  ASSERT_TRUE(Insert(*stopping, *t, 2).ok());
  EXPECT_TRUE(stopping->stop_requested());
  EXPECT_FALSE(stopping->transaction_open());
  EXPECT_EQ(stopping->row_changes(), 0u);
  EXPECT_EQ(Inserts("db.t"), 0u);
}

TEST_F(CdcSinkTest, CountsDdlOnSelectedTablesOnly) {
  auto sink = Sink({});
  auto query = [&](std::string_view schema, std::string_view statement) {
    binlog::QueryEvent q;
    q.schema = schema;
    q.statement = statement;
    return sink->OnEvent(binlog::Event{binlog::EventHeader{}, q}, false);
  };
  ASSERT_TRUE(query("db", "ALTER TABLE t ADD COLUMN note TEXT").ok());
  ASSERT_TRUE(query("db", "ALTER TABLE mysql.user ADD COLUMN note TEXT").ok());
  ASSERT_TRUE(query("db", "INSERT INTO t VALUES (1)").ok());  // not a DDL
  EXPECT_EQ(writer_->table_stats().at("db.t").ddls, 1u);
  EXPECT_EQ(writer_->table_stats().count("mysql.user"), 0u);
}

TEST_F(CdcSinkTest, SequenceIsFileEventAndRowInTheEvent) {
  auto sink = Sink({nullptr, "seq", std::nullopt});
  auto t = Map("db", "t");
  tracker_.Reset("binlog.000007", 1234);
  ASSERT_TRUE(Insert(*sink, *t, 1).ok());
  ASSERT_TRUE(Insert(*sink, *t, 2).ok());
  tracker_.Reset("binlog.000007", 2000);
  ASSERT_TRUE(Insert(*sink, *t, 3).ok());
  ASSERT_TRUE(EndTransaction(*sink).ok());
  const std::string csv = Committed("db/t/");
  const size_t a = csv.find("0000070000000012340000000");
  const size_t b = csv.find("0000070000000012340000001");
  const size_t c = csv.find("0000070000000020000000000");
  ASSERT_NE(a, std::string::npos) << csv;
  ASSERT_NE(b, std::string::npos) << csv;
  ASSERT_NE(c, std::string::npos) << csv;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

}  // namespace
}  // namespace binlake
