// A Parquet target reads as the same rows as a CSV target of the same data: the all-types table
// (format/parquet/all_types_table.h: every column type, NULLs, extremes) loaded and changed by
// the real file writers and the real CDC writer (inserts, updates, deletes, a key change, with
// the Op column in the LOAD files and a TimestampColumnName column) into a CSV and a Parquet
// target in memory; every file of each plan read through NewFileRowReader (lake/file_rows.h)
// gives the same op, key and CSV row, and the merge of LOAD + CDC (lake/merge_join.h) the same
// table. A Parquet file's rows also come typed (FileRowReader::values()): every value is what
// its field of the CSV row parses to. Plus the errors a Parquet file gives (corrupt bytes, a
// column of another type).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "cdc/writer.h"
#include "cdc/writer_test_util.h"
#include "common/parse_rendered_text.h"
#include "common/render_text.h"
#include "common/testing/same_value.h"
#include "config/format_options.h"
#include "config/target_layout.h"
#include "format/csv/csv_fields.h"
#include "format/parquet/all_types_table.h"
#include "format/parquet/type_mapping.h"
#include "fullload/task_state.h"
#include "lake/change_store.h"
#include "lake/file_rows.h"
#include "lake/merge_join.h"
#include "lake/table_plan.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

using parquet::testing::AllTypesTable;
using parquet::testing::MakeAllTypesTable;

constexpr uint64_t kCommitUs = 1732443299000000;

binlog::BinlogPosition Pos(uint64_t offset) {
  return binlog::BinlogPosition{"binlog.000001", 1000 + offset, ""};
}

// The all-types table keyed by "seq", with the values Parquet cannot hold (zero dates, written
// as NULL) replaced by NULL, so that both targets hold the same data.
AllTypesTable Table() {
  AllTypesTable t = MakeAllTypesTable(2);
  t.schema.primary_key = {static_cast<int>(t.schema.FindColumn("seq"))};
  for (auto& row : t.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      const Column& column = t.schema.columns[c];
      parquet::ColumnSpec spec = parquet::MapColumn(column, {});
      std::string scratch;
      parquet::Cell cell;
      if (!parquet::ConvertValue(row[c], spec, column.type, {}, &scratch, &cell).ok() ||
          cell.kind == parquet::Cell::Kind::kNull) {
        row[c] = Value::Null();
      }
    }
  }
  return t;
}

struct FileRows {
  std::string key;
  std::vector<std::string> rows;  // "op|key bytes (hex)|row"
  uint64_t typed_rows = 0;        // rows that came with values()
  // "row r column c: ..." where a value differs from what its field's text parses to
  std::vector<std::string> typed_mismatches;
};

// Checks the reader's values() (when it has them) against its row()'s fields, parsed.
void CheckTypedRow(const FileRowReader& reader, const TableSchema& schema,
                   const CsvOptions& dialect, FileRows* f) {
  const std::vector<Value>* values = reader.values();
  if (values == nullptr) return;
  ++f->typed_rows;
  const std::string where = "row " + std::to_string(f->rows.size());
  CsvFieldScanner scanner(dialect);
  std::vector<CsvField> fields;
  std::string_view record;
  size_t consumed = 0;
  auto scan = scanner.Next(reader.row(), true, &fields, &record, &consumed);
  if (!scan.ok() || fields.size() != schema.columns.size() ||
      values->size() != schema.columns.size()) {
    f->typed_mismatches.push_back(where + ": fields and values do not match the columns");
    return;
  }
  for (size_t c = 0; c < fields.size(); ++c) {
    Value parsed;
    std::string unquoted, scratch;
    if (!scanner.IsNull(fields[c])) {
      Status s = ParseRenderedText(schema.columns[c].type, scanner.Text(fields[c], &unquoted),
                                   dialect.render, &parsed, &scratch);
      if (!s.ok()) {
        f->typed_mismatches.push_back(where + " " + schema.columns[c].name + ": " + s.message());
        continue;
      }
    }
    if (!testing::SameValue((*values)[c], parsed)) {
      f->typed_mismatches.push_back(where + " " + schema.columns[c].name + ": the value is not " +
                                    "what its text parses to");
    }
  }
}

struct Target {
  MemoryObjectStore store;
  std::vector<FileRows> files;
  std::vector<std::string> table;  // the merged rows, in key order
};

// Writes the target in `format`, then reads it back through its plan.
void BuildAndRead(DataFormat format, Target* target) {
  AllTypesTable t = Table();
  const size_t seq = t.schema.FindColumn("seq");
  S3Settings s;
  s.data_format = format;
  s.include_op_for_full_load = true;
  s.timestamp_column_name = "ts";
  auto factory = MakeRowFileWriterFactory(s);
  ASSERT_TRUE(factory.ok());
  ObjectStore& store = target->store;

  // The full load: rows 0..9.
  const std::string load_key = "db/all_types/LOAD00000001" + DataFileExtension(s);
  {
    auto sink = store.NewWriter(load_key, {});
    ASSERT_TRUE(sink.ok());
    OutputColumns extra{
        .include_op = true, .timestamp_column_name = "ts", .sequence_column_name = ""};
    auto w = (*factory)(t.schema, extra, std::move(sink).value());
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    for (size_t r = 0; r < 10; ++r) {
      RowMeta meta;
      meta.timestamp = "2024-11-24 10:00:00.000000";
      ASSERT_TRUE((*w)->Append(meta, t.rows[r]).ok());
    }
    ASSERT_TRUE((*w)->Finish().ok());
  }
  FullLoadState load;
  load.status = "complete";
  load.started_at = "2024-11-24T10:00:00.000Z";
  load.snapshot = Pos(0);
  load.settings_json = std::string(R"({"DataFormat":")") +
                       (format == DataFormat::kParquet ? "parquet" : "csv") +
                       R"(","IncludeOpForFullLoad":true,"TimestampColumnName":"ts"})";
  TableState ts;
  ts.schema = t.schema;
  ts.files = {{load_key, 10, 0, {}}};
  load.tables.push_back(ts);
  ASSERT_TRUE(store.Put(FullLoadStateKey(""), SerializeFullLoadState(load), {}).ok());

  // CDC: inserts 10..13, an update of row 2 (row 5's values), a delete of row 3; then a key
  // change of row 4 (D, I as seq 100) and an update of row 11.
  cdc_testing::FakeClock clock;
  CdcWriterOptions o;
  o.settings = s;
  o.writer_factory = *factory;
  o.file_extension = DataFileExtension(s);
  o.clock = clock.Fn();
  auto writer = cdc_testing::MustCreate(&store, o);
  ASSERT_TRUE(writer->Recover(Pos(0)).ok());
  auto change = [&](char op, std::vector<Value> row) {
    ASSERT_TRUE(writer->AddChange(t.schema, op, row, "").ok());
  };
  writer->BeginTransaction(kCommitUs);
  for (size_t r = 10; r < 14; ++r) change('I', t.rows[r]);
  std::vector<Value> updated = t.rows[5];
  updated[seq] = t.rows[2][seq];
  change('U', updated);
  change('D', t.rows[3]);
  ASSERT_TRUE(writer->EndTransaction(Pos(100)).ok());
  ASSERT_TRUE(writer->Commit().ok());
  writer->BeginTransaction(kCommitUs + 1000000);
  change('D', t.rows[4]);
  std::vector<Value> moved = t.rows[4];
  moved[seq] = Value::Int(100);
  change('I', moved);
  updated = t.rows[0];
  updated[seq] = t.rows[11][seq];
  change('U', updated);
  ASSERT_TRUE(writer->EndTransaction(Pos(200)).ok());
  ASSERT_TRUE(writer->Commit().ok());

  // Read back as materialize does (materialize/table_job.cc).
  auto lake = OpenLake(store, "");
  ASSERT_TRUE(lake.ok()) << lake.status().ToString();
  ASSERT_EQ(lake->format, format);
  auto plans = PlanTables(store, *lake, 0, 2, nullptr);
  ASSERT_TRUE(plans.ok()) << plans.status().ToString();
  ASSERT_EQ(plans->size(), 1u);
  const TablePlan& plan = (*plans)[0];
  std::vector<ColumnType> key_types;
  for (int c : plan.schema.primary_key) {
    key_types.push_back(plan.schema.columns[static_cast<size_t>(c)].type);
  }
  KeyEncoder encoder(key_types, false);
  ChangeStore changes({});
  for (const PlanStep& step : plan.steps) {
    ASSERT_EQ(step.kind, PlanStep::Kind::kFile);
    FileRowLayout l;
    l.csv = lake->csv;
    l.parquet = lake->format == DataFormat::kParquet;
    l.header = lake->csv.header;
    l.has_op = true;
    l.max_extra_columns = 1 + (step.file.cdc ? 1 : 0);
    l.data_columns = step.file.data_columns;
    l.columns = step.file.columns;
    l.key = plan.schema.primary_key;
    for (const Column& c : plan.schema.columns) l.types.push_back(c.type);
    auto reader = NewFileRowReader(store, step.file.key, l, encoder);
    FileRows& f = target->files.emplace_back();
    f.key = step.file.key;
    while (true) {
      auto more = reader->Next();
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      CheckTypedRow(*reader, plan.schema, lake->csv, &f);
      std::string hex;
      AppendHex(reader->key(), &hex);
      f.rows.push_back(std::string(1, reader->op()) + "|" + hex + "|" + std::string(reader->row()));
      ASSERT_TRUE(changes.Add(reader->op(), reader->key(), reader->row()).ok());
    }
  }
  auto cursor = changes.Finish();
  ASSERT_TRUE(cursor.ok());
  ChangeQueue queue(cursor->get());
  ASSERT_TRUE(queue.Start().ok());
  struct Sink : RowSink {
    Status Row(std::string_view, std::string_view row) override {
      rows->emplace_back(row);
      return Status::Ok();
    }
    std::vector<std::string>* rows;
  } sink;
  sink.rows = &target->table;
  MergeStats stats;
  Status merged = MergeJoin(nullptr, &queue, false, {}, false, &sink, &stats);
  ASSERT_TRUE(merged.ok()) << merged.ToString();
  EXPECT_EQ(stats.inconsistencies, 0u);
}

TEST(ParquetRowsTest, AParquetTargetReadsAsTheSameRowsAsACsvTarget) {
  Target csv, pq;
  ASSERT_NO_FATAL_FAILURE(BuildAndRead(DataFormat::kCsv, &csv));
  ASSERT_NO_FATAL_FAILURE(BuildAndRead(DataFormat::kParquet, &pq));
  ASSERT_EQ(csv.files.size(), 3u);  // LOAD and two CDC files
  ASSERT_EQ(pq.files.size(), csv.files.size());
  for (size_t i = 0; i < csv.files.size(); ++i) {
    EXPECT_NE(csv.files[i].key.find(".csv"), std::string::npos);
    EXPECT_NE(pq.files[i].key.find(".parquet"), std::string::npos);
    ASSERT_EQ(pq.files[i].rows.size(), csv.files[i].rows.size()) << csv.files[i].key;
    for (size_t r = 0; r < csv.files[i].rows.size(); ++r) {
      EXPECT_EQ(pq.files[i].rows[r], csv.files[i].rows[r]) << csv.files[i].key << " row " << r;
    }
  }
  EXPECT_EQ(csv.files[0].rows.size(), 10u);
  EXPECT_EQ(csv.files[1].rows.size(), 6u);
  // 10 loaded + 4 inserted - 1 deleted; the key change keeps the count.
  ASSERT_EQ(csv.table.size(), 13u);
  EXPECT_EQ(pq.table, csv.table);
}

TEST(ParquetRowsTest, ParquetRowsComeTypedAsTheirTextParses) {
  Target csv, pq;
  ASSERT_NO_FATAL_FAILURE(BuildAndRead(DataFormat::kCsv, &csv));
  ASSERT_NO_FATAL_FAILURE(BuildAndRead(DataFormat::kParquet, &pq));
  for (const FileRows& f : csv.files) EXPECT_EQ(f.typed_rows, 0u) << f.key;
  ASSERT_EQ(pq.files.size(), 3u);
  for (const FileRows& f : pq.files) {
    EXPECT_EQ(f.typed_rows, f.rows.size()) << f.key;
    EXPECT_TRUE(f.typed_mismatches.empty())
        << f.key << ": " << f.typed_mismatches.size() << " mismatches, the first: "
        << (f.typed_mismatches.empty() ? "" : f.typed_mismatches.front());
  }
}

TEST(ParquetRowsTest, CorruptAndMismatchedFilesAreOneLineErrors) {
  Target pq;
  ASSERT_NO_FATAL_FAILURE(BuildAndRead(DataFormat::kParquet, &pq));
  const std::string key = pq.files[0].key;
  auto bytes = pq.store.Get(key);
  ASSERT_TRUE(bytes.ok());
  AllTypesTable t = Table();
  KeyEncoder encoder({t.schema.columns[t.schema.FindColumn("seq")].type}, false);
  FileRowLayout l;
  l.parquet = true;
  l.has_op = true;
  l.max_extra_columns = 1;
  l.data_columns = t.schema.columns.size();
  for (size_t c = 0; c < t.schema.columns.size(); ++c) {
    l.columns.push_back(static_cast<int>(c));
    l.types.push_back(t.schema.columns[c].type);
  }
  l.key = t.schema.primary_key;
  auto first_error = [&](const FileRowLayout& layout) -> Status {
    auto reader = NewFileRowReader(pq.store, key, layout, encoder);
    while (true) {
      Result<bool> more = reader->Next();
      if (!more.ok()) return more.status();
      if (!*more) return Status::Ok();
    }
  };
  ASSERT_TRUE(first_error(l).ok());

  // Cut short: kCorruption naming the object.
  ASSERT_TRUE(pq.store.Put(key, bytes->substr(0, bytes->size() / 2), {}).ok());
  Status s = first_error(l);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find(key), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find('\n'), std::string::npos);
  ASSERT_TRUE(pq.store.Put(key, *bytes, {}).ok());

  // A plan type the file's column cannot hold (a DATETIME column read as a DATE).
  FileRowLayout other = l;
  other.types[t.schema.FindColumn("dtm6")].type = SqlType::kDate;
  s = first_error(other);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported) << s.ToString();
  EXPECT_NE(s.message().find("column dtm6"), std::string::npos) << s.message();

  // Values out of the type's range: the BIGINT UNSIGNED column read as TINYINT UNSIGNED.
  other = l;
  other.types[t.schema.FindColumn("biu")].type = SqlType::kTinyInt;
  s = first_error(other);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find(key + " row 2: column biu"), std::string::npos) << s.message();

  // A file with more columns than the table and its extras.
  other = l;
  other.data_columns -= 2;
  other.columns.resize(other.data_columns);
  other.types.resize(other.data_columns);
  s = first_error(other);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
}

// A store that records the reads (of Parquet files, for the ranges).
class CountingStore : public MemoryObjectStore {
 public:
  Result<std::string> Get(std::string_view key) override {
    ++gets;
    return MemoryObjectStore::Get(key);
  }
  Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) override {
    if (key.ends_with(".parquet")) largest_range = std::max(largest_range, length);
    return MemoryObjectStore::GetRange(key, offset, length);
  }
  int gets = 0;
  uint64_t largest_range = 0;
};

// A file of many row groups is read one row group at a time (ranged GETs of the footer and of
// each row group, never the whole object) and gives the rows the same data gives as CSV.
TEST(ParquetRowsTest, ManyRowGroupsAreReadOneAtATime) {
  AllTypesTable t = Table();
  AllTypesTable big = MakeAllTypesTable(300);  // 2,100 rows
  for (auto& row : big.rows) {
    const int64_t seq = row[t.schema.FindColumn("seq")].int_value();
    const auto uniq = row[t.schema.FindColumn("uniq")];
    row = t.rows[static_cast<size_t>(seq) % 7];
    row[t.schema.FindColumn("seq")] = Value::Int(seq);
    row[t.schema.FindColumn("uniq")] = uniq;
  }
  CountingStore store;
  for (DataFormat format : {DataFormat::kCsv, DataFormat::kParquet}) {
    S3Settings s;
    s.data_format = format;
    s.row_group_length = 100;
    auto factory = MakeRowFileWriterFactory(s);
    ASSERT_TRUE(factory.ok());
    auto sink = store.NewWriter("f" + DataFileExtension(s), {});
    ASSERT_TRUE(sink.ok());
    auto w = (*factory)(t.schema, {}, std::move(sink).value());
    ASSERT_TRUE(w.ok());
    for (const auto& row : big.rows) ASSERT_TRUE((*w)->Append({}, row).ok());
    ASSERT_TRUE((*w)->Finish().ok());
  }
  KeyEncoder encoder({t.schema.columns[t.schema.FindColumn("seq")].type}, false);
  std::vector<std::string> rows[2];
  uint64_t read[2] = {0, 0};
  for (int parquet = 0; parquet < 2; ++parquet) {
    FileRowLayout l;
    l.parquet = parquet == 1;
    l.data_columns = t.schema.columns.size();
    for (size_t c = 0; c < t.schema.columns.size(); ++c) {
      l.columns.push_back(static_cast<int>(c));
      l.types.push_back(t.schema.columns[c].type);
    }
    l.key = t.schema.primary_key;
    auto reader = NewFileRowReader(store, parquet ? "f.parquet" : "f.csv", l, encoder);
    while (true) {
      auto more = reader->Next();
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      rows[parquet].push_back(std::string(reader->key()) + "|" + std::string(reader->row()));
    }
    read[parquet] = reader->bytes_read();
  }
  ASSERT_EQ(rows[0].size(), 2100u);
  EXPECT_EQ(rows[1], rows[0]);
  auto info = store.Head("f.parquet");
  ASSERT_TRUE(info.ok() && *info);
  EXPECT_EQ(store.gets, 0);
  // 21 row groups: no GET is near the file's size (the largest is the footer, with the
  // statistics of 40 columns x 21 row groups), and every byte is read about once (the tail's
  // 64 KiB twice).
  EXPECT_LT(store.largest_range, (*info)->size / 2) << (*info)->size;
  EXPECT_GE(read[1], (*info)->size);
  EXPECT_LE(read[1], (*info)->size + (64u << 10));
}

// A column a file lacks (added after it was written) reads as TablePlan::absent says, in both
// formats: the default's text, quoted as the target's CSV quotes it, or NULL; a key column too.
TEST(ParquetRowsTest, ColumnsAFileLacksReadTheirDefault) {
  TableSchema narrow;
  Column id;
  id.name = "id";
  id.type.type = SqlType::kInt;
  narrow.columns = {id};
  MemoryObjectStore store;
  for (DataFormat format : {DataFormat::kCsv, DataFormat::kParquet}) {
    S3Settings s;
    s.data_format = format;
    auto factory = MakeRowFileWriterFactory(s);
    ASSERT_TRUE(factory.ok());
    auto sink = store.NewWriter("f" + DataFileExtension(s), {});
    ASSERT_TRUE(sink.ok());
    auto w = (*factory)(narrow, {}, std::move(sink).value());
    ASSERT_TRUE(w.ok());
    for (int64_t i : {2, 1}) {
      const Value row[] = {Value::Int(i)};
      ASSERT_TRUE((*w)->Append({}, row).ok());
    }
    ASSERT_TRUE((*w)->Finish().ok());
  }
  ColumnType note, price;
  note.type = SqlType::kVarChar;
  price.type = SqlType::kDecimal;
  price.precision = 6;
  price.scale = 2;
  KeyEncoder encoder({price, id.type}, false);  // key (price, id)
  for (int parquet = 0; parquet < 2; ++parquet) {
    FileRowLayout l;
    l.parquet = parquet == 1;
    l.data_columns = 1;
    l.columns = {0, -1, -1, -1};
    l.types = {id.type, note, price, note};
    l.absent = {std::nullopt, "a,\"b", "1.50", std::nullopt};
    l.key = {2, 0};
    auto reader = NewFileRowReader(store, parquet ? "f.parquet" : "f.csv", l, encoder);
    std::vector<std::string> rows;
    while (true) {
      auto more = reader->Next();
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      rows.push_back(std::string(reader->row()));
      std::string key;
      ASSERT_TRUE(encoder.Append(0, "1.50", &key).ok());
      ASSERT_TRUE(encoder.Append(1, rows.size() == 1 ? "2" : "1", &key).ok());
      EXPECT_EQ(reader->key(), key) << parquet;
    }
    EXPECT_EQ(rows, (std::vector<std::string>{"2,\"a,\"\"b\",1.50,", "1,\"a,\"\"b\",1.50,"}))
        << parquet;
  }
}

// OpenLake: a Parquet target whose full load did not record the columns' types (an older
// binlake), and a DataFormat binlake does not read, are one-line errors.
TEST(ParquetRowsTest, TargetsThatCannotBeReadAreRefused) {
  Target pq;
  ASSERT_NO_FATAL_FAILURE(BuildAndRead(DataFormat::kParquet, &pq));
  auto state = pq.store.Get(FullLoadStateKey(""));
  ASSERT_TRUE(state.ok());
  auto put_replacing = [&](const std::string& from, const std::string& to) {
    std::string text = *state;
    const size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    ASSERT_TRUE(pq.store.Put(FullLoadStateKey(""), text, {}).ok());
  };
  put_replacing(R"("column_types": "full")", R"("column_types": "names")");
  auto lake = OpenLake(pq.store, "");
  EXPECT_EQ(lake.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(lake.status().message().find("db.all_types"), std::string::npos)
      << lake.status().message();
  put_replacing(R"("DataFormat": "parquet")", R"("DataFormat": "orc")");
  lake = OpenLake(pq.store, "");
  EXPECT_EQ(lake.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(lake.status().message().find("\"orc\""), std::string::npos) << lake.status().message();
  EXPECT_EQ(lake.status().message().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace binlake
