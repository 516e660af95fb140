// PlanTables over targets written by the real CDC writer (files, checkpoints) and schema history
// (recorded versions, DDL records), the way `binlake cdc` writes them: each case runs DDL
// statements between row changes and checks the plan (files, their order, column mappings,
// schema, key) and the rows the plan gives when its files are read through its mappings.
#include "lake/table_plan.h"

#include <gtest/gtest.h>

#include <map>

#include "cdc/checkpoint.h"
#include "cdc/schema_history.h"
#include "cdc/writer.h"
#include "cdc/writer_test_util.h"
#include "config/format_options.h"
#include "fullload/task_state.h"
#include "lake/table_merge.h"
#include "lake/testing/sample_target.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

using Row = std::vector<std::optional<std::string>>;  // nullopt = NULL

Column Col(const std::string& name, SqlType type = SqlType::kVarChar) {
  Column c;
  c.name = name;
  c.type.type = type;
  return c;
}

TableSchema Table(const std::string& table, std::vector<Column> columns,
                  std::vector<int> key = {0}) {
  return TableSchema{"app", table, std::move(columns), std::move(key)};
}

// A target as CDC writes it, one binlog event group after another (each 100 bytes of
// binlog.000001, from 1000 on: the full load's snapshot).
class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CdcWriterOptions o;
    auto factory = MakeRowFileWriterFactory(settings_);
    ASSERT_TRUE(factory.ok());
    o.settings = settings_;
    o.writer_factory = *factory;
    o.file_extension = DataFileExtension(settings_);
    o.clock = clock_.Fn();
    o.before_checkpoint = [this] { return history_.Flush(); };
    writer_ = cdc_testing::MustCreate(&store_, o);
  }

  // The full load of `tables`, each with `rows` (its first column an integer).
  void FullLoad(const std::vector<std::pair<TableSchema, std::vector<Row>>>& tables) {
    FullLoadState load;
    load.status = "complete";
    load.started_at = "2024-11-24T10:00:00.000Z";
    load.snapshot = Pos(0);
    load.settings_json = R"({"DataFormat":"csv"})";
    for (const auto& [schema, rows] : tables) {
      TableState t;
      t.schema = schema;
      const std::string key = "app/" + schema.table + "/LOAD00000001.csv";
      std::string data;
      for (const Row& r : rows) {
        for (size_t i = 0; i < r.size(); ++i) data += (i ? "," : "") + r[i].value_or("");
        data += "\n";
      }
      ASSERT_TRUE(store_.Put(key, data, {}).ok());
      t.files = {{key, rows.size(), data.size(), {}}};
      load.tables.push_back(std::move(t));
    }
    ASSERT_TRUE(store_.Put(FullLoadStateKey(""), SerializeFullLoadState(load), {}).ok());
    ASSERT_TRUE(writer_->Recover(Pos(0)).ok());
  }

  // One transaction of row changes of `table` (as CDC sees it: its columns are observed at the
  // first row event, then the rows go to the writer).
  void Rows(const TableSchema& table, const std::vector<std::pair<char, Row>>& rows) {
    history_.Observe(table, Pos(next_ + 50));
    writer_->BeginTransaction(kCommitUs + next_);
    for (const auto& [op, row] : rows) {
      std::vector<Value> values;
      for (size_t i = 0; i < row.size(); ++i) {
        if (!row[i]) {
          values.push_back(Value::Null());
        } else if (table.columns[i].type.type == SqlType::kBigInt) {
          values.push_back(Value::Int(std::stoll(*row[i])));
        } else {
          values.push_back(Value::String(*row[i]));
        }
      }
      ASSERT_TRUE(writer_->AddChange(table, op, values, "").ok());
    }
    End();
  }

  // A DDL statement as CDC handles it: recorded under the first table it names (app.`under`),
  // counted by the writer, a transaction of its own. Returns its position. `transformed`:
  // transformation rules apply to the table (the statement names the source's table).
  std::string Ddl(const std::string& kind, const std::string& under, const std::string& statement,
                  bool transformed = false) {
    binlog::BinlogPosition at = Pos(next_ + 50);
    EXPECT_TRUE(history_.RecordDdl("app", under, kind, statement, "app", at, 0, transformed).ok());
    writer_->AddDdl("app", under);
    writer_->BeginTransaction(kCommitUs + next_);
    End();
    return at.ToString();
  }

  uint64_t Commit() {
    EXPECT_TRUE(writer_->Commit().ok());
    return writer_->last_checkpoint().sequence;
  }

  Result<std::vector<TablePlan>> Plan(uint64_t upto, uint64_t from = 0,
                                      const TableSelector& select = nullptr) {
    auto lake = OpenLake(store_, "");
    if (!lake.ok()) return lake.status();
    lake_ = std::move(lake).value();
    return PlanTables(store_, lake_, from, upto, select);
  }

  // "app.t [id*, name]" then each step: "load[0,1]", "c2[0,-1]" (checkpoint 2, data column of
  // each of the table's columns), "TRUNCATE"; " loaded as app.x" after a rename.
  static std::string Describe(const TablePlan& p) {
    std::string out = p.schema.schema + "." + p.schema.table + " [";
    for (size_t i = 0; i < p.schema.columns.size(); ++i) {
      bool key = std::find(p.schema.primary_key.begin(), p.schema.primary_key.end(),
                           static_cast<int>(i)) != p.schema.primary_key.end();
      out += (i ? ", " : "") + p.schema.columns[i].name + (key ? "*" : "");
    }
    out += "]";
    if (p.loaded_as != p.schema.schema + "." + p.schema.table) {
      out += " loaded as '" + p.loaded_as + "'";
    }
    out += ":";
    for (const PlanStep& s : p.steps) {
      if (s.kind == PlanStep::Kind::kTruncate) {
        out += " TRUNCATE";
        continue;
      }
      out += s.file.cdc ? " c" + std::to_string(s.file.checkpoint) : " load";
      out += "/" + std::to_string(s.file.data_columns) + "[";
      for (size_t i = 0; i < s.file.columns.size(); ++i) {
        out += (i ? "," : "") + std::to_string(s.file.columns[i]);
      }
      out += "]";
    }
    return out;
  }
  std::vector<std::string> Describe(uint64_t upto, uint64_t from = 0) {
    auto plans = Plan(upto, from);
    EXPECT_TRUE(plans.ok()) << plans.status().ToString();
    std::vector<std::string> out;
    if (plans.ok()) {
      for (const TablePlan& p : *plans) out.push_back(Describe(p));
    }
    return out;
  }

  // The rows the plan of app.`table` gives: its files read in order through their mappings,
  // as "v1|v2|..." lines in key order (NULL as \N).
  std::string RowsOf(uint64_t upto, const std::string& table) {
    auto plans = Plan(upto);
    if (!plans.ok()) return plans.status().ToString();
    for (const TablePlan& p : *plans) {
      if (p.schema.table != table) continue;
      TableMerge merge(p.schema);
      for (const PlanStep& s : p.steps) {
        if (s.kind == PlanStep::Kind::kTruncate) {
          merge = TableMerge(p.schema);
          continue;
        }
        auto data = store_.Get(s.file.key);
        if (!data.ok()) return data.status().ToString();
        CsvRecordReader reader(*data, lake_.csv);
        CsvRecord record;
        for (Result<bool> more = reader.Next(&record); more.ok() && *more;
             more = reader.Next(&record)) {
          char op = s.file.cdc ? (*record[0])[0] : 'I';
          const size_t skip = s.file.cdc ? 1 : 0;
          if (record.size() != skip + s.file.data_columns) return "bad width in " + s.file.key;
          CsvRecord row;
          for (size_t i = 0; i < s.file.columns.size(); ++i) {
            const int c = s.file.columns[i];
            row.push_back(c < 0 ? p.absent.at(i) : record[skip + static_cast<size_t>(c)]);
          }
          Status applied = merge.Apply(op, std::move(row));
          if (!applied.ok()) return applied.ToString();
        }
      }
      std::string out;
      for (const CsvRecord& r : merge.TakeSortedRows()) {
        for (size_t i = 0; i < r.size(); ++i) out += (i ? "|" : "") + r[i].value_or("\\N");
        out += "\n";
      }
      return out;
    }
    return "no plan for app." + table;
  }

  static binlog::BinlogPosition Pos(uint64_t offset) {
    return binlog::BinlogPosition{"binlog.000001", 1000 + offset, ""};
  }
  void End() {
    next_ += 100;
    ASSERT_TRUE(writer_->EndTransaction(Pos(next_)).ok());
  }

  static constexpr uint64_t kCommitUs = 1732443299000000;
  S3Settings settings_;
  cdc_testing::FakeClock clock_;
  MemoryObjectStore store_;
  SchemaHistory history_{&store_, ""};
  std::unique_ptr<CdcWriter> writer_;
  uint64_t next_ = 0;
  Lake lake_;
};

const TableSchema kT = Table("t", {Col("id", SqlType::kBigInt), Col("name")});

TEST_F(PlanTest, ATableWhoseColumnsNeverChangedMapsEachFileAsItIs) {
  FullLoad({{kT, {{"1", "one"}, {"2", "two"}}}});
  Rows(kT, {{'I', {"3", "three"}}});
  Commit();
  Rows(kT, {{'U', {"1", "ONE"}}, {'D', {"2", "two"}}});
  Commit();
  EXPECT_EQ(Describe(2), std::vector<std::string>{"app.t [id*, name]: load/2[0,1] c1/2[0,1] "
                                                  "c2/2[0,1]"});
  EXPECT_EQ(Describe(1), std::vector<std::string>{"app.t [id*, name]: load/2[0,1] c1/2[0,1]"});
  EXPECT_EQ(Describe(2, 1), std::vector<std::string>{"app.t [id*, name]: c2/2[0,1]"});
  EXPECT_EQ(RowsOf(2, "t"), "1|ONE\n3|three\n");
  auto plans = Plan(2);
  ASSERT_TRUE(plans.ok());
  for (const PlanStep& s : (*plans)[0].steps) EXPECT_TRUE(s.file.identity()) << s.file.key;
}

TEST_F(PlanTest, TheSampleTargetWithoutASchemaHistoryIsPlannedAsBefore) {
  MemoryObjectStore sample;
  testing::WriteSampleTarget(sample);
  auto lake = OpenLake(sample, "");
  ASSERT_TRUE(lake.ok());
  auto plans = PlanTables(sample, *lake, 0, 3, nullptr);
  ASSERT_TRUE(plans.ok()) << plans.status().ToString();
  ASSERT_EQ(plans->size(), 1u);
  EXPECT_EQ(Describe((*plans)[0]), "db.t [id*, name]: load/2[0,1] c1/2[0,1] c2/2[0,1] c3/2[0,1]");
}

TEST_F(PlanTest, AddedColumnsReadNullInEarlierFiles) {
  FullLoad({{kT, {{"1", "one"}}}});
  Rows(kT, {{'I', {"2", "two"}}});
  const std::string alter = Ddl("ALTER", "t", "ALTER TABLE t ADD COLUMN price DECIMAL(8,2)");
  const TableSchema wide =
      Table("t", {kT.columns[0], kT.columns[1], Col("price", SqlType::kDecimal)});
  Rows(wide, {{'I', {"3", "three", "3.50"}}, {'U', {"1", "one", "1.25"}}});
  Commit();
  // One batch: the writer started a new file at the ALTER.
  EXPECT_EQ(Describe(1), std::vector<std::string>{
                             "app.t [id*, name, price]: load/2[0,1,-1] c1/2[0,1,-1] c1/3[0,1,2]"});
  EXPECT_EQ(RowsOf(1, "t"), "1|one|1.25\n2|two|\\N\n3|three|3.50\n");
  auto plans = Plan(1);
  ASSERT_TRUE(plans.ok());
  EXPECT_EQ((*plans)[0].schema.columns[2].type.type, SqlType::kDecimal);
  // ADD ... FIRST / AFTER place the column.
  Ddl("ALTER", "t", "ALTER TABLE t ADD COLUMN tag VARCHAR(5) FIRST, ADD note TEXT AFTER id");
  Commit();
  EXPECT_EQ(Describe(2),
            std::vector<std::string>{"app.t [tag, id*, note, name, price]: load/2[-1,0,-1,1,-1] "
                                     "c1/2[-1,0,-1,1,-1] c1/3[-1,0,-1,1,2]"});
  plans = Plan(2);
  ASSERT_TRUE(plans.ok());
  EXPECT_EQ((*plans)[0].schema.columns[2].type.type, SqlType::kText);  // from the statement
}

// ALTER TABLE ... ADD COLUMN gives the rows already there the column's default (NOT NULL without
// one: the type's implicit default); files written before read it (lake/column_default.h).
TEST_F(PlanTest, AddedColumnsReadTheirDefaultInEarlierFiles) {
  FullLoad({{kT, {{"1", "one"}}}});
  Rows(kT, {{'I', {"2", "two"}}});
  Ddl("ALTER", "t",
      "ALTER TABLE t ADD COLUMN note VARCHAR(9) NOT NULL DEFAULT 'a,\\\"b', ADD qty INT NOT NULL");
  const TableSchema wide = Table("t", {kT.columns[0], kT.columns[1], Col("note", SqlType::kVarChar),
                                       Col("qty", SqlType::kInt)});
  Rows(wide, {{'I', {"3", "three", "n", "7"}}});
  Commit();
  EXPECT_EQ(RowsOf(1, "t"), "1|one|a,\"b|0\n2|two|a,\"b|0\n3|three|n|7\n");
  // A default binlake cannot know for the rows already there: one line naming table and column.
  Ddl("ALTER", "t", "ALTER TABLE t ADD COLUMN at DATETIME NOT NULL DEFAULT NOW()");
  Commit();
  auto plans = Plan(2);
  ASSERT_FALSE(plans.ok());
  EXPECT_EQ(plans.status().message(),
            "app.t: column at was added with a default binlake cannot give the rows already there "
            "(DEFAULT NOW(...) is an expression)");
}

TEST_F(PlanTest, DroppedColumnsAreSkippedAndReAddedOnesAreNewColumns) {
  FullLoad({{kT, {{"1", "one"}}}});
  Ddl("ALTER", "t", "ALTER TABLE `app`.`t` DROP COLUMN `name`");
  const TableSchema narrow = Table("t", {kT.columns[0]});
  Rows(narrow, {{'I', {"2"}}});
  Commit();
  EXPECT_EQ(Describe(1), std::vector<std::string>{"app.t [id*]: load/2[0] c1/1[0]"});
  EXPECT_EQ(RowsOf(1, "t"), "1\n2\n");
  Ddl("ALTER", "t", "ALTER TABLE t ADD name VARCHAR(10)");
  Rows(kT, {{'I', {"3", "x"}}});
  Commit();
  // The old `name` is gone: the full load's values do not come back.
  EXPECT_EQ(Describe(2), std::vector<std::string>{"app.t [id*, name]: load/2[0,-1] c1/1[0,-1] "
                                                  "c2/2[0,1]"});
  EXPECT_EQ(RowsOf(2, "t"), "1|\\N\n2|\\N\n3|x\n");
}

// A table transformation rules shape (the statements name the source's table and columns): an
// ALTER that adds, drops or modifies columns takes the columns CDC recorded next for the target,
// by name (here the rules upper-case the added column's name: replaying the statement would
// have named it `price`). A statement that renames columns cannot be read over the target.
TEST_F(PlanTest, ATransformedTablesAlterTakesTheRecordedColumnsByName) {
  FullLoad({{kT, {{"1", "one"}}}});
  Ddl("ALTER", "t", "ALTER TABLE src ADD COLUMN price DECIMAL(8,2)", /*transformed=*/true);
  const TableSchema wide =
      Table("t", {kT.columns[0], kT.columns[1], Col("PRICE", SqlType::kDecimal)});
  Rows(wide, {{'I', {"2", "two", "2.50"}}});
  Commit();
  EXPECT_EQ(Describe(1),
            std::vector<std::string>{"app.t [id*, name, PRICE]: load/2[0,1,-1] c1/3[0,1,2]"});
  EXPECT_EQ(RowsOf(1, "t"), "1|one|\\N\n2|two|2.50\n");
  Ddl("ALTER", "t", "ALTER TABLE src DROP COLUMN name", /*transformed=*/true);
  const TableSchema narrow = Table("t", {kT.columns[0], Col("PRICE", SqlType::kDecimal)});
  Rows(narrow, {{'I', {"3", "3.00"}}});
  Commit();
  EXPECT_EQ(RowsOf(2, "t"), "1|\\N\n2|2.50\n3|3.00\n");
  Ddl("ALTER", "t", "ALTER TABLE src RENAME COLUMN price TO cost", /*transformed=*/true);
  Commit();
  auto plans = Plan(3);
  ASSERT_FALSE(plans.ok());
  EXPECT_THAT(plans.status().message(),
              ::testing::HasSubstr("replaying the source's DDL that renames columns or tables"));
}

TEST_F(PlanTest, RenamedColumnsMapByNameThroughEveryRename) {
  FullLoad({{kT, {{"1", "one"}}}});
  Ddl("ALTER", "t", "ALTER TABLE t RENAME COLUMN name TO title");
  const TableSchema titled = Table("t", {kT.columns[0], Col("title")});
  Rows(titled, {{'I', {"2", "two"}}});
  Commit();
  Ddl("ALTER", "t", "ALTER TABLE t CHANGE COLUMN title label VARCHAR(30) NOT NULL");
  Ddl("ALTER", "t", "ALTER TABLE t CHANGE id `key` BIGINT");  // the key column renamed
  const TableSchema labelled = Table("t", {Col("key", SqlType::kBigInt), Col("label")});
  Rows(labelled, {{'U', {"1", "uno"}}});
  Commit();
  EXPECT_EQ(Describe(2), std::vector<std::string>{"app.t [key*, label]: load/2[0,1] c1/2[0,1] "
                                                  "c2/2[0,1]"});
  EXPECT_EQ(Describe(1), std::vector<std::string>{"app.t [id*, title]: load/2[0,1] c1/2[0,1]"});
  EXPECT_EQ(RowsOf(2, "t"), "1|uno\n2|two\n");
}

TEST_F(PlanTest, ModifiedColumnsKeepTheirValuesWhereverTheyMove) {
  FullLoad({{kT, {{"1", "one"}}}});
  Ddl("ALTER", "t", "ALTER TABLE t MODIFY COLUMN name VARCHAR(50) FIRST");
  const TableSchema moved = Table("t", {Col("name"), kT.columns[0]}, {1});
  Rows(moved, {{'I', {"two", "2"}}});
  Commit();
  EXPECT_EQ(Describe(1), std::vector<std::string>{"app.t [name, id*]: load/2[1,0] c1/2[0,1]"});
  EXPECT_EQ(RowsOf(1, "t"), "one|1\ntwo|2\n");
  // The primary key follows the DDL too.
  Ddl("ALTER", "t", "ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (name)");
  Commit();
  EXPECT_EQ(Describe(2), std::vector<std::string>{"app.t [name*, id]: load/2[1,0] c1/2[0,1]"});
}

TEST_F(PlanTest, TruncateEmptiesTheTableAtItsPlaceAmongTheFiles) {
  FullLoad({{kT, {{"1", "one"}}}});
  Rows(kT, {{'I', {"2", "two"}}});
  Ddl("TRUNCATE", "t", "TRUNCATE TABLE t");
  Rows(kT, {{'I', {"3", "three"}}});
  Commit();
  Rows(kT, {{'I', {"4", "four"}}});
  Commit();
  EXPECT_EQ(Describe(2),
            std::vector<std::string>{"app.t [id*, name]: load/2[0,1] c1/2[0,1] TRUNCATE c1/2[0,1] "
                                     "c2/2[0,1]"});
  EXPECT_EQ(RowsOf(2, "t"), "3|three\n4|four\n");
  // An incremental plan after the truncate has none; one before it has it.
  EXPECT_EQ(Describe(2, 1), std::vector<std::string>{"app.t [id*, name]: c2/2[0,1]"});
}

TEST_F(PlanTest, ADroppedTableIsGoneAndACreatedOneStartsFromItsCreate) {
  const TableSchema u = Table("u", {Col("k", SqlType::kBigInt)});
  FullLoad({{kT, {{"1", "one"}}}, {u, {{"7"}}}});
  Rows(kT, {{'I', {"2", "two"}}});
  Ddl("DROP", "t", "DROP TABLE t /* generated by server */");
  Commit();
  EXPECT_EQ(Describe(1), std::vector<std::string>{"app.u [k*]: load/1[0]"});
  const std::string create =
      Ddl("CREATE", "t", "CREATE TABLE t (id BIGINT NOT NULL, v INT, extra JSON, PRIMARY KEY (v))");
  const TableSchema again = Table(
      "t", {Col("id", SqlType::kBigInt), Col("v", SqlType::kInt), Col("extra", SqlType::kJson)},
      {1});
  Rows(again, {{'I', {"1", "10", "{}"}}});
  Commit();
  EXPECT_EQ(Describe(2),
            (std::vector<std::string>{"app.u [k*]: load/1[0]",
                                      "app.t [id, v*, extra] loaded as '': c2/3[0,1,2]"}));
  EXPECT_EQ(RowsOf(2, "t"), "1|10|{}\n");
  auto plans = Plan(2);
  ASSERT_TRUE(plans.ok());
  EXPECT_EQ((*plans)[1].schema.columns[2].type.type, SqlType::kJson);
  // Incremental from before the CREATE: the new table starts empty.
  EXPECT_EQ(Describe(2, 1)[1], "app.t [id, v*, extra] loaded as '': TRUNCATE c2/3[0,1,2]");
  // A statement naming several tables drops each (recorded under the first only).
  Ddl("DROP", "t", "DROP TABLE IF EXISTS t, app.u");
  Commit();
  EXPECT_EQ(Describe(3), std::vector<std::string>{});
}

TEST_F(PlanTest, ARenamedTableCarriesItsStateUnderTheNewName) {
  FullLoad({{kT, {{"1", "one"}}}});
  Rows(kT, {{'I', {"2", "two"}}});
  Ddl("RENAME", "t", "RENAME TABLE t TO t2");
  const TableSchema t2 = Table("t2", kT.columns);
  Rows(t2, {{'I', {"3", "three"}}});
  Commit();
  Ddl("ALTER", "t2", "ALTER TABLE t2 ADD COLUMN n INT, RENAME TO t3");
  const TableSchema t3 = Table("t3", {kT.columns[0], kT.columns[1], Col("n", SqlType::kInt)});
  Rows(t3, {{'D', {"1", "one", std::nullopt}}});
  Commit();
  EXPECT_EQ(Describe(1),
            std::vector<std::string>{
                "app.t2 [id*, name] loaded as 'app.t': load/2[0,1] c1/2[0,1] c1/2[0,1]"});
  EXPECT_EQ(Describe(2), std::vector<std::string>{"app.t3 [id*, name, n] loaded as 'app.t': "
                                                  "load/2[0,1,-1] c1/2[0,1,-1] c1/2[0,1,-1] "
                                                  "c2/3[0,1,2]"});
  EXPECT_EQ(RowsOf(2, "t3"), "2|two|\\N\n3|three|\\N\n");
  // The selection goes by the name as of the point.
  auto only_t = Plan(2, 0, [](const std::string&, const std::string& t) { return t == "t"; });
  ASSERT_TRUE(only_t.ok());
  EXPECT_TRUE(only_t->empty());
}

TEST_F(PlanTest, TablesSwappedThroughAThirdNameKeepTheirOwnRows) {
  const TableSchema a = Table("a", {Col("id", SqlType::kBigInt), Col("x")});
  const TableSchema b = Table("b", {Col("id", SqlType::kBigInt), Col("y")});
  FullLoad({{a, {{"1", "a1"}}}, {b, {{"1", "b1"}}}});
  Ddl("RENAME", "a", "RENAME TABLE a TO tmp, b TO a, tmp TO b");
  Rows(Table("a", b.columns), {{'I', {"2", "was b"}}});
  Commit();
  EXPECT_EQ(Describe(1),
            (std::vector<std::string>{"app.b [id*, x] loaded as 'app.a': load/2[0,1]",
                                      "app.a [id*, y] loaded as 'app.b': load/2[0,1] c1/2[0,1]"}));
  EXPECT_EQ(RowsOf(1, "a"), "1|b1\n2|was b\n");
}

TEST_F(PlanTest, ATableCreatedDuringCdcIsPlannedFromItsCreate) {
  FullLoad({{kT, {}}});
  Ddl("CREATE", "n",
      "CREATE TABLE IF NOT EXISTS n (a INT UNSIGNED, b VARCHAR(5), "
      "KEY ix (b), CONSTRAINT pk PRIMARY KEY (a, b)) ENGINE=InnoDB");
  Rows(Table("n", {Col("a", SqlType::kInt), Col("b")}, {0, 1}), {{'I', {"1", "x"}}});
  Ddl("CREATE", "m", "CREATE TABLE m LIKE n");
  Commit();
  EXPECT_EQ(Describe(1), (std::vector<std::string>{"app.t [id*, name]: load/2[0,1]",
                                                   "app.n [a*, b*] loaded as '': c1/2[0,1]",
                                                   "app.m [a*, b*] loaded as '':"}));
}

TEST_F(PlanTest, ADdlThatCannotBeInterpretedIsAOneLineErrorNamingIt) {
  FullLoad({{kT, {{"1", "one"}}}});
  Rows(kT, {{'I', {"2", "two"}}});
  const std::string at = Ddl("ALTER", "t", "ALTER TABLE t ADD SYSTEM VERSIONING");
  Commit();
  auto plans = Plan(1);
  ASSERT_EQ(plans.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(plans.status().message(),
            "app.t: cannot interpret \"ALTER TABLE t ADD SYSTEM VERSIONING\" at " + at +
                ": ADD SYSTEM VERSIONING");
  // As of before it, the table is planned.
  EXPECT_EQ(Describe(0), std::vector<std::string>{"app.t [id*, name]: load/2[0,1]"});
  // A table dropped by the point does not need it.
  Ddl("DROP", "t", "DROP TABLE t");
  Commit();
  EXPECT_EQ(Describe(2), std::vector<std::string>{});
}

TEST_F(PlanTest, AnAlterWhoseColumnsAreNotThoseRecordedIsAnError) {
  FullLoad({{kT, {{"1", "one"}}}});
  const std::string at = Ddl("ALTER", "t", "ALTER TABLE t ADD COLUMN c INT");
  // The binlog's rows after it have other columns than the statement says.
  Rows(Table("t", {kT.columns[0], kT.columns[1], Col("d")}), {{'I', {"2", "two", "x"}}});
  Commit();
  auto plans = Plan(1);
  ASSERT_EQ(plans.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(plans.status().message(),
            "app.t: cannot interpret \"ALTER TABLE t ADD COLUMN c INT\" at " + at +
                ": the columns it leaves (id, name, c) are not those recorded at "
                "binlog.000001:1150 (id, name, d)");
}

TEST_F(PlanTest, ALongStatementIsShortenedOnOneLine) {
  FullLoad({{kT, {}}});
  Ddl("ALTER", "t", "ALTER TABLE t\n  ADD COLUMN c INT,\n  FROBNICATE " + std::string(300, 'x'));
  Commit();
  auto plans = Plan(1);
  ASSERT_EQ(plans.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(plans.status().message().find('\n'), std::string::npos);
  EXPECT_NE(plans.status().message().find("\"ALTER TABLE t ADD COLUMN c INT, FROBNICATE xxx"),
            std::string::npos)
      << plans.status().message();
  EXPECT_LT(plans.status().message().size(), 250u) << plans.status().message();
}

TEST_F(PlanTest, AColumnOfAnUnknownTypeNeedsARecordedVersion) {
  FullLoad({{kT, {{"1", "one"}}}});
  Ddl("ALTER", "t", "ALTER TABLE t ADD COLUMN g SOMETYPE(3)");
  Commit();
  auto plans = Plan(1);
  ASSERT_EQ(plans.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(plans.status().message().find("the type of column g"), std::string::npos)
      << plans.status().message();
  Rows(Table("t", {kT.columns[0], kT.columns[1], Col("g", SqlType::kBlob)}),
       {{'I', {"2", "b", "z"}}});
  Commit();
  plans = Plan(2);
  ASSERT_TRUE(plans.ok()) << plans.status().ToString();
  EXPECT_EQ((*plans)[0].schema.columns[2].type.type, SqlType::kBlob);
}

TEST_F(PlanTest, DdlAcrossAFailoverCannotBeOrderedByPosition) {
  FullLoad({{kT, {{"1", "one"}}}});
  Rows(kT, {{'I', {"2", "two"}}});
  Commit();
  Ddl("TRUNCATE", "t", "TRUNCATE t");
  Commit();
  EXPECT_EQ(Describe(2), std::vector<std::string>{"app.t [id*, name]: load/2[0,1] c1/2[0,1] "
                                                  "TRUNCATE"});
  // Checkpoint 2 as if taken on a promoted replica.
  auto text = store_.Get(CdcCheckpointKey("", 2));
  ASSERT_TRUE(text.ok());
  auto c = ParseCdcCheckpoint(*text);
  ASSERT_TRUE(c.ok());
  auto first = ParseCdcCheckpoint(*store_.Get(CdcCheckpointKey("", 1)));
  ASSERT_TRUE(first.ok());
  first->position.server = "server_id=1";
  c->position.server = "server_id=2";
  ASSERT_TRUE(store_.Put(CdcCheckpointKey("", 1), SerializeCdcCheckpoint(*first), {}).ok());
  ASSERT_TRUE(store_.Put(CdcCheckpointKey("", 2), SerializeCdcCheckpoint(*c), {}).ok());
  EXPECT_EQ(Describe(1).size(), 1u);
  auto plans = Plan(2);
  ASSERT_EQ(plans.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(plans.status().message().find("checkpoint 2 was taken on another server"),
            std::string::npos)
      << plans.status().message();
}

TEST_F(PlanTest, FilesOfOlderTargetsArePlacedByTheirBatchUnlessADdlShareIt) {
  FullLoad({{kT, {{"1", "one"}}}});
  Rows(kT, {{'I', {"2", "two"}}});
  Commit();
  Rows(kT, {{'I', {"3", "three"}}});
  Ddl("TRUNCATE", "t", "TRUNCATE t");
  Commit();
  // Rewrite the checkpoints as a binlake that did not record CdcFile::first wrote them.
  for (uint64_t k : {1, 2}) {
    auto text = store_.Get(CdcCheckpointKey("", k));
    ASSERT_TRUE(text.ok());
    auto c = ParseCdcCheckpoint(*text);
    ASSERT_TRUE(c.ok());
    for (CdcFile& f : c->files) {
      EXPECT_FALSE(f.first.empty());
      f.first = {};
    }
    ASSERT_TRUE(store_.Put(CdcCheckpointKey("", k), SerializeCdcCheckpoint(*c), {}).ok());
  }
  EXPECT_EQ(Describe(1), std::vector<std::string>{"app.t [id*, name]: load/2[0,1] c1/2[0,1]"});
  auto plans = Plan(2);
  ASSERT_EQ(plans.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(plans.status().message().find("does not record where its rows begin"),
            std::string::npos)
      << plans.status().message();
}

}  // namespace
}  // namespace binlake
