#include "fullload/task_state.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(TaskStateTest, RoundTrips) {
  FullLoadState s;
  s.status = "complete";
  s.started_at = "2026-11-24T09:00:00.000Z";
  s.finished_at = "2026-11-24T09:01:00.000Z";
  s.source_server = "repl@db:3306";
  s.source_version = "10.11.6-MariaDB";
  s.source_flavor = "mariadb";
  s.snapshot_method = "mariadb-lock-free";
  s.snapshot = binlog::BinlogPosition{"binlog.000002", 12345, "0-1-42"};
  s.snapshot.server = "server_id=1";
  s.settings_json = R"({"CsvDelimiter":","})";
  TableState t;
  t.schema.schema = "shop";
  t.schema.table = "orders";
  Column c;
  c.name = "id";
  c.type.type = SqlType::kBigInt;
  t.schema.columns.push_back(c);
  c.name = "line";
  c.type.type = SqlType::kVarChar;
  c.type.length = 20;
  t.schema.columns.push_back(c);
  Column at;  // every attribute a type can have
  at.name = "at";
  at.type.type = SqlType::kDateTime;
  at.type.fsp = 3;
  t.schema.columns.push_back(at);
  Column price;
  price.name = "price";
  price.type.type = SqlType::kDecimal;
  price.type.precision = 12;
  price.type.scale = 2;
  price.type.is_unsigned = true;
  t.schema.columns.push_back(price);
  Column size;
  size.name = "size";
  size.type.type = SqlType::kEnum;
  size.type.elements = {"s", "m", "l"};
  t.schema.columns.push_back(size);
  t.schema.primary_key = {0, 1};
  t.rows = 7;
  t.bytes = 99;
  t.files.push_back(OutputFile{"shop/orders/LOAD00000001.csv", 7, 99, {40, 80}});
  t.files.push_back(OutputFile{"shop/orders/LOAD00000002.csv", 1, 9, {}});
  s.tables.push_back(t);

  std::string json = SerializeFullLoadState(s);
  EXPECT_NE(json.find("\"binlog_position\": 12345"), std::string::npos);
  auto back = ParseFullLoadState(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->status, "complete");
  EXPECT_EQ(back->snapshot, s.snapshot);
  EXPECT_EQ(back->snapshot.server, "server_id=1");
  ASSERT_EQ(back->tables.size(), 1u);
  EXPECT_EQ(back->tables[0].schema.table, "orders");
  EXPECT_EQ(back->tables[0].files[0].key, "shop/orders/LOAD00000001.csv");
  // Split points (validate's key ranges); a file without them has none.
  EXPECT_EQ(back->tables[0].files[0].splits, (std::vector<uint64_t>{40, 80}));
  EXPECT_TRUE(back->tables[0].files[1].splits.empty());
  EXPECT_EQ(json.find("\"splits\": []"), std::string::npos);
  EXPECT_EQ(back->tables[0].schema.columns[0].name, "id");
  EXPECT_EQ(back->tables[0].schema.columns[0].type.type, SqlType::kBigInt);
  EXPECT_EQ(back->tables[0].schema.columns[1].type.type, SqlType::kVarChar);
  EXPECT_EQ(back->tables[0].schema.primary_key, (std::vector<int>{0, 1}));
  // Column types with their attributes (materialize reads Parquet values through them).
  EXPECT_TRUE(back->tables[0].full_column_types);
  ASSERT_EQ(back->tables[0].schema.columns.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    const ColumnType& want = t.schema.columns[i].type;
    const ColumnType& got = back->tables[0].schema.columns[i].type;
    EXPECT_EQ(got.type, want.type) << i;
    EXPECT_EQ(got.fsp, want.fsp) << i;
    EXPECT_EQ(got.precision, want.precision) << i;
    EXPECT_EQ(got.scale, want.scale) << i;
    EXPECT_EQ(got.is_unsigned, want.is_unsigned) << i;
    EXPECT_EQ(got.length, want.length) << i;
    EXPECT_EQ(got.elements, want.elements) << i;
  }
  // A state written before the attributes were recorded: type names only.
  auto old = ParseFullLoadState(
      R"({"format":"binlake-full-load/1","status":"complete","source":{},"snapshot":{},)"
      R"("settings":{},"tables":[{"schema":"s","table":"t","columns":[{"name":"a",)"
      R"("type":"datetime"}],"files":[]}]})");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_FALSE(old->tables[0].full_column_types);
}

TEST(TaskStateTest, RejectsGarbage) {
  EXPECT_EQ(ParseFullLoadState("{").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseFullLoadState(R"({"format":"other"})").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseFullLoadState(R"({"format":"binlake-full-load/1"})").status().code(),
            StatusCode::kCorruption);
}

TEST(TaskStateTest, KeyUnderBucketFolder) {
  EXPECT_EQ(FullLoadStateKey(""), "_binlake/full_load.json");
  EXPECT_EQ(FullLoadStateKey("dms/out"), "dms/out/_binlake/full_load.json");
}

}  // namespace
}  // namespace binlake
