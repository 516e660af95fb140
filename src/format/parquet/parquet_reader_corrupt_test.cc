// Tests of the Parquet reader (parquet_reader.h) on untrusted bytes and on files of other
// writers:
//   - files cut short, cut in the middle, with flipped bytes, and hand-built files with one
//     defect each give a one-line "parquet: " error, never a crash;
//   - a file DuckDB writes (when node and DuckDB are installed: scripts/setup.sh);
//   - the committed fuzz seeds (fuzz/corpus/parquet_reader_fuzz) read cleanly.
// With BINLAKE_WRITE_PARQUET_SEEDS=DIR, the FuzzSeeds test (re)writes those seeds into DIR.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include "common/testing/sanitizers.h"
#include "format/parquet/all_types_table.h"
#include "format/parquet/compression.h"
#include "format/parquet/metadata.h"
#include "format/parquet/parquet_reader.h"
#include "format/parquet/parquet_reader_test_util.h"
#include "format/parquet/parquet_test_util.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/rle_decoder.h"
#include "format/parquet/rle_encoder.h"
#include "format/parquet/sysbench_rows.h"
#include "format/parquet/type_mapping.h"

namespace binlake::parquet {
namespace {

using testing::AllTypesTable;
using testing::ComboName;
using testing::kRowTimestamp;
using testing::kTimestampColumn;
using testing::MakeAllTypesTable;
using testing::OptionsFor;
using testing::ReadEverything;
using testing::SysbenchValues;
using testing::WriteRows;
using Combo = testing::Combo;

// ---------------------------------------------------------------------------------------------
// Untrusted bytes.

std::vector<std::pair<std::string, std::string>> SmallFiles() {
  AllTypesTable t = MakeAllTypesTable(3);
  // Shorter large values keep the files small, so every byte can be flipped.
  for (auto& row : t.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (row[c].kind() == Value::Kind::kString && row[c].text().size() > 40) {
        row[c] = Value::String(row[c].text().substr(0, 40));
      }
      if (row[c].kind() == Value::Kind::kBytes && row[c].text().size() > 40) {
        row[c] = Value::Bytes(row[c].text().substr(0, 40));
      }
    }
  }
  std::vector<std::pair<std::string, std::string>> files;
  const Combo combos[] = {
      {ParquetEncoding::kRleDictionary, Codec::kUncompressed, ParquetVersion::k1_0},
      {ParquetEncoding::kPlain, Codec::kUncompressed, ParquetVersion::k2_0},
      {ParquetEncoding::kRleDictionary, Codec::kGzip, ParquetVersion::k1_0},
      {ParquetEncoding::kPlainDictionary, Codec::kSnappy, ParquetVersion::k2_0},
      {ParquetEncoding::kRleDictionary, Codec::kZstd, ParquetVersion::k2_0},
  };
  for (const Combo& combo : combos) {
    ParquetWriterOptions o = OptionsFor(combo);
    o.row_group_length = 10;
    o.data_page_size = 64;
    auto bytes = WriteRows(t.schema, t.rows, o, true);
    EXPECT_TRUE(bytes.ok());
    files.emplace_back(ComboName(combo), *bytes);
  }
  return files;
}

TEST(ParquetReaderCorrupt, CutShortAtEveryLength) {
  for (const auto& [name, bytes] : SmallFiles()) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(ReadEverything(bytes).ok());
    for (size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_FALSE(ReadEverything(std::string_view(bytes).substr(0, n)).ok()) << n;
    }
  }
}

// Under AddressSanitizer every read costs ~10x, so the corruption tests there try every 7th
// position (7 and the 4 masks of FlippedBytes are coprime: each mask still meets every position
// class), every position otherwise.
constexpr size_t kStride = BINLAKE_ASAN ? 7 : 1;

TEST(ParquetReaderCorrupt, DataCutWithFooterKept) {
  // The first n bytes and the original footer: chunks now lie past the data or start inside
  // another chunk's pages.
  for (const auto& [name, bytes] : SmallFiles()) {
    SCOPED_TRACE(name);
    uint32_t footer_length;
    std::memcpy(&footer_length, bytes.data() + bytes.size() - 8, 4);
    size_t footer_start = bytes.size() - 8 - footer_length;
    for (size_t n = 0; n < footer_start; n += kStride) {
      std::string cut = bytes.substr(0, n) + bytes.substr(footer_start);
      EXPECT_FALSE(ReadEverything(cut).ok()) << n;
    }
  }
}

TEST(ParquetReaderCorrupt, FlippedBytes) {
  size_t errors = 0, reads = 0;
  for (const auto& [name, bytes] : SmallFiles()) {
    SCOPED_TRACE(name);
    // Every byte, with one of four masks in turn (a low bit, a high bit, all bits).
    std::string b = bytes;
    for (size_t i = 0; i < bytes.size(); i += kStride) {
      const uint8_t mask = "\x01\x10\x80\xff"[i % 4];
      b[i] = static_cast<char>(bytes[i] ^ mask);
      ++reads;
      errors += ReadEverything(b, 1 + i % 13).ok() ? 0 : 1;
      b[i] = bytes[i];
      if (HasFailure()) FAIL() << "byte " << i << " ^ " << int{mask};
    }
  }
  std::printf("%zu of %zu mutated files refused\n", errors, reads);
  EXPECT_GT(errors, reads / 10);
}

// Hand-built files: one INT32 OPTIONAL column "x", one row group, with one defect each.

struct TestPage {
  PageHeader header;
  std::string body;  // as stored (compressed if the codec says so)
};

std::string Le32(uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }

// A v1 data page body: 4-byte length + def levels, then `values`.
std::string V1Body(const std::string& levels, const std::string& values) {
  return Le32(static_cast<uint32_t>(levels.size())) + levels + values;
}

TestPage DataPageV1(int32_t num_values, Encoding encoding, const std::string& body) {
  TestPage p;
  p.header.type = PageType::kDataPage;
  p.header.num_values = num_values;
  p.header.encoding = encoding;
  p.header.uncompressed_page_size = static_cast<int32_t>(body.size());
  p.header.compressed_page_size = static_cast<int32_t>(body.size());
  p.body = body;
  return p;
}

TestPage DictionaryPage(int32_t num_values, const std::string& body) {
  TestPage p;
  p.header.type = PageType::kDictionaryPage;
  p.header.num_values = num_values;
  p.header.encoding = Encoding::kPlain;
  p.header.uncompressed_page_size = static_cast<int32_t>(body.size());
  p.header.compressed_page_size = static_cast<int32_t>(body.size());
  p.body = body;
  return p;
}

std::string Int32s(std::initializer_list<int32_t> v) {
  std::string out;
  for (int32_t x : v) out.append(reinterpret_cast<const char*>(&x), 4);
  return out;
}

std::string AllDefined(size_t n) {
  std::string levels;
  EncodeRleRepeated(1, n, 1, &levels);
  return levels;
}

struct FileSpec {
  std::vector<TestPage> pages;
  int64_t rows = 3;
  Codec codec = Codec::kUncompressed;
  std::function<void(FileMetaData*)> tweak;
};

std::string BuildFile(const FileSpec& spec) {
  std::string out(kMagic);
  ColumnChunk chunk;
  chunk.file_offset = 4;
  chunk.meta.type = PhysicalType::kInt32;
  chunk.meta.path_in_schema = {"x"};
  chunk.meta.codec = spec.codec;
  chunk.meta.num_values = spec.rows;
  chunk.meta.data_page_offset = 4;
  for (const TestPage& p : spec.pages) {
    SerializePageHeader(p.header, &out);
    out += p.body;
  }
  chunk.meta.total_compressed_size = static_cast<int64_t>(out.size()) - 4;
  chunk.meta.total_uncompressed_size = chunk.meta.total_compressed_size;
  FileMetaData m;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  SchemaElement x;
  x.name = "x";
  x.type = PhysicalType::kInt32;
  x.repetition = Repetition::kOptional;
  m.schema = {root, x};
  m.num_rows = spec.rows;
  RowGroup rg;
  rg.num_rows = spec.rows;
  rg.columns = {chunk};
  m.row_groups = {rg};
  if (spec.tweak) spec.tweak(&m);
  std::string footer;
  SerializeFileMetaData(m, &footer);
  out += footer + Le32(static_cast<uint32_t>(footer.size())) + std::string(kMagic);
  return out;
}

FileSpec GoodSpec() {
  FileSpec s;
  s.pages = {DataPageV1(3, Encoding::kPlain, V1Body(AllDefined(3), Int32s({7, -8, 9})))};
  return s;
}

// The error of reading `bytes` (which must fail), checked for form.
std::string ErrorOf(const std::string& bytes) {
  Status s = ReadEverything(bytes);
  EXPECT_FALSE(s.ok());
  return s.message();
}

TEST(ParquetReaderCorrupt, HandBuiltFilesWithOneDefect) {
  // The good file reads.
  {
    std::string good = BuildFile(GoodSpec());
    auto file = ParquetFile::Open(good);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    auto reader = ParquetRowReader::Make(&*file);
    ASSERT_TRUE(reader.ok());
    ASSERT_EQ(*(*reader)->NextBatch(), 3u);
    EXPECT_EQ((*reader)->column(0).ints, (std::vector<int64_t>{7, -8, 9}));
  }
  auto with = [](std::function<void(FileSpec*)> change) {
    FileSpec s = GoodSpec();
    change(&s);
    return BuildFile(s);
  };
  auto meta = [&](std::function<void(FileMetaData*)> tweak) {
    return with([&](FileSpec* s) { s->tweak = tweak; });
  };
  using ::testing::HasSubstr;

  // Framing.
  std::string good = BuildFile(GoodSpec());
  EXPECT_THAT(ErrorOf("PAR1PAR1"), HasSubstr("too short"));
  EXPECT_THAT(ErrorOf("PARX" + good.substr(4)), HasSubstr("no magic"));
  EXPECT_THAT(ErrorOf(good.substr(0, good.size() - 8) + Le32(1u << 31) + "PAR1"),
              HasSubstr("footer length"));
  EXPECT_EQ(ReadEverything("PARE" + good.substr(4)).code(), StatusCode::kUnsupported);
  // Footer Thrift: a list claiming more elements than there are bytes, a varint of 11 bytes.
  {
    std::string footer = "\x29\xfc\xff\xff\xff\x0f";  // field 2 (schema): 2^32-1 structs
    std::string f = "PAR1" + footer + Le32(static_cast<uint32_t>(footer.size())) + "PAR1";
    EXPECT_THAT(ErrorOf(f), HasSubstr("truncated"));
    footer = "\x15" + std::string(10, '\xff') + "\x01";  // field 1 (i32): 11-byte varint
    f = "PAR1" + footer + Le32(static_cast<uint32_t>(footer.size())) + "PAR1";
    EXPECT_THAT(ErrorOf(f), HasSubstr("varint"));
  }
  // Schema and row groups.
  EXPECT_THAT(ErrorOf(meta([](FileMetaData* m) { m->schema[0].num_children = 2; })),
              HasSubstr("children"));
  EXPECT_EQ(ReadEverything(meta([](FileMetaData* m) {
              m->schema[1].num_children = 1;
              SchemaElement leaf = m->schema[1];
              leaf.num_children = -1;
              m->schema.push_back(leaf);
            })).code(),
            StatusCode::kUnsupported);
  EXPECT_EQ(ReadEverything(meta([](FileMetaData* m) {
              m->schema[1].repetition = Repetition::kRepeated;
            })).code(),
            StatusCode::kUnsupported);
  EXPECT_THAT(ErrorOf(meta([](FileMetaData* m) { m->num_rows = 4; })), HasSubstr("rows"));
  EXPECT_THAT(ErrorOf(meta([](FileMetaData* m) {
                m->row_groups[0].columns[0].meta.type = PhysicalType::kInt64;
              })),
              HasSubstr("chunk of type INT64"));
  EXPECT_THAT(ErrorOf(meta([](FileMetaData* m) {
                m->row_groups[0].columns[0].meta.data_page_offset = 1 << 20;
              })),
              HasSubstr("not within the data"));
  EXPECT_THAT(ErrorOf(meta([](FileMetaData* m) {
                m->row_groups[0].columns[0].meta.total_compressed_size += 1000;
              })),
              HasSubstr("not within the data"));
  EXPECT_EQ(ReadEverything(meta([](FileMetaData* m) {
              m->row_groups[0].columns[0].meta.codec = Codec::kLz4Raw;
            })).code(),
            StatusCode::kUnsupported);
  EXPECT_THAT(ErrorOf(meta([](FileMetaData* m) {
                m->row_groups[0].columns[0].meta.codec = static_cast<Codec>(99);
              })),
              HasSubstr("unknown codec 99"));
  // Rows the pages do not hold.
  EXPECT_THAT(
      ErrorOf(with([](FileSpec* s) {
        s->rows = 4;
        s->pages[0] = DataPageV1(4, Encoding::kPlain, V1Body(AllDefined(4), Int32s({1, 2, 3})));
      })),
      HasSubstr("PLAIN values run past"));
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) { s->pages[0].header.num_values = 2; })),
              HasSubstr("ends before its rows"));
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) { s->pages[0].header.num_values = 5; })),
              HasSubstr("5 values where the chunk has 3"));
  // Page header sizes.
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) { s->pages[0].header.compressed_page_size = 100; })),
              HasSubstr("runs past its column chunk"));
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) { s->pages[0].header.compressed_page_size = -1; })),
              HasSubstr("negative compressed_page_size"));
  // A compressed page claiming 2 GB: refused before any allocation.
  {
    std::string body = V1Body(AllDefined(3), Int32s({1, 2, 3}));
    auto c = Compressor::Make(Codec::kSnappy, 0);
    std::string compressed;
    ASSERT_TRUE((*c)->Compress(body, &compressed).ok());
    FileSpec s = GoodSpec();
    s.codec = Codec::kSnappy;
    s.pages[0].body = compressed;
    s.pages[0].header.compressed_page_size = static_cast<int32_t>(compressed.size());
    ASSERT_TRUE(ReadEverything(BuildFile(s)).ok());
    s.pages[0].header.uncompressed_page_size = INT32_MAX;
    EXPECT_THAT(ErrorOf(BuildFile(s)), HasSubstr("cannot hold"));
    s.pages[0].header.uncompressed_page_size = static_cast<int32_t>(body.size()) + 1;
    EXPECT_THAT(ErrorOf(BuildFile(s)), HasSubstr("SNAPPY page holds"));
    s.pages[0].body[compressed.size() / 2] ^= 0x55;
    s.pages[0].header.uncompressed_page_size = static_cast<int32_t>(body.size());
    (void)ReadEverything(BuildFile(s));  // an error or other values, never a crash
  }
  // Definition levels.
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) {
                s->pages[0] = DataPageV1(3, Encoding::kPlain, Le32(100) + AllDefined(3));
              })),
              HasSubstr("definition levels run past"));
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) {
                std::string levels = "\x06\x02";  // RLE run of 3 copies of 2 (bit width 1)
                s->pages[0] = DataPageV1(3, Encoding::kPlain, V1Body(levels, Int32s({1, 2, 3})));
              })),
              HasSubstr("RLE value wider"));
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) {
                std::string levels = std::string("\x00\x01", 2);  // a run of 0 values
                s->pages[0] = DataPageV1(3, Encoding::kPlain, V1Body(levels, Int32s({1, 2, 3})));
              })),
              HasSubstr("empty run"));
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) {
                std::string levels = "\xff\xff\xff\xff\xff\x01";  // header over 5 bytes
                s->pages[0] = DataPageV1(3, Encoding::kPlain, V1Body(levels, Int32s({1, 2, 3})));
              })),
              HasSubstr("run header"));
  // Dictionary pages and indices.
  std::string dict = Int32s({10, 20});
  auto dict_page = [&](const std::string& indices) {
    return with([&](FileSpec* s) {
      s->pages = {DictionaryPage(2, dict),
                  DataPageV1(3, Encoding::kRleDictionary, V1Body(AllDefined(3), indices))};
    });
  };
  {
    std::string indices = "\x01";
    EncodeRleHybrid(std::vector<uint32_t>{1, 0, 1}.data(), 3, 1, &indices);
    std::string f = dict_page(indices);
    auto file = ParquetFile::Open(f);
    ASSERT_TRUE(file.ok());
    auto reader = ParquetRowReader::Make(&*file);
    ASSERT_EQ(*(*reader)->NextBatch(), 3u);
    EXPECT_EQ((*reader)->column(0).ints, (std::vector<int64_t>{20, 10, 20}));
    std::string wide = "\x02";
    EncodeRleHybrid(std::vector<uint32_t>{1, 3, 1}.data(), 3, 2, &wide);
    EXPECT_THAT(ErrorOf(dict_page(wide)), HasSubstr("dictionary index 3 of a dictionary of 2"));
    EXPECT_THAT(ErrorOf(dict_page("\x21")), HasSubstr("bit width 33"));
    EXPECT_THAT(ErrorOf(dict_page("\x01")), HasSubstr("dictionary indices"));
    EXPECT_THAT(ErrorOf(dict_page("")), HasSubstr("without indices"));
  }
  EXPECT_THAT(ErrorOf(with([](FileSpec* s) {
                s->pages[0] =
                    DataPageV1(3, Encoding::kRleDictionary, V1Body(AllDefined(3), "\x01\x06\x00"));
              })),
              HasSubstr("without a dictionary page"));
  EXPECT_THAT(ErrorOf(with([&](FileSpec* s) {
                s->pages.insert(s->pages.begin(), DictionaryPage(3, dict));
              })),
              HasSubstr("dictionary page of 8 bytes for 3 values"));
  EXPECT_THAT(ErrorOf(with([&](FileSpec* s) {
                s->pages = {DataPageV1(2, Encoding::kPlain, V1Body(AllDefined(2), Int32s({1, 2}))),
                            DictionaryPage(2, dict),
                            DataPageV1(1, Encoding::kPlain, V1Body(AllDefined(1), Int32s({3})))};
              })),
              HasSubstr("dictionary page after data pages"));
  EXPECT_EQ(ReadEverything(with([](FileSpec* s) {
              s->pages[0].header.encoding = Encoding::kDeltaBinaryPacked;
            })).code(),
            StatusCode::kUnsupported);
}

TEST(ParquetReaderCorrupt, RleDecoderLimits) {
  // A bit-packed run cut short yields what its bytes hold, then fails.
  std::string data = "\x05\xff";  // 2 groups of 8 (bit width 1), 1 byte present
  RleDecoder d(data, 1);
  uint8_t out[16];
  EXPECT_TRUE(d.Get(out, 8));
  EXPECT_EQ(std::string(out, out + 8), std::string(8, '\x01'));
  EXPECT_FALSE(d.Get(out, 1));
  EXPECT_STREQ(d.error(), "fewer values than expected");
  // Bit width 0 (a dictionary of one value): runs of zeros without value bytes.
  RleDecoder z(std::string_view("\x08\x03", 2), 0);  // RLE run of 4, bit-packed group of 8
  uint32_t v[12];
  ASSERT_TRUE(z.Get(v, 12));
  for (uint32_t x : v) EXPECT_EQ(x, 0u);
  // A random round trip with every bit width and odd batch splits.
  std::mt19937 rng(7);
  for (int bw = 1; bw <= 32; ++bw) {
    std::vector<uint32_t> values(1000);
    for (size_t i = 0; i < values.size(); ++i) {
      uint64_t max = bw == 32 ? UINT32_MAX : (uint64_t{1} << bw) - 1;
      values[i] = static_cast<uint32_t>(i % 50 < 20 ? max / 3 : rng() % (max + 1));
    }
    std::string enc;
    EncodeRleHybrid(values.data(), values.size(), bw, &enc);
    RleDecoder dec(enc, bw);
    std::vector<uint32_t> got(values.size());
    size_t at = 0;
    while (at < got.size()) {
      size_t n = std::min<size_t>(got.size() - at, 1 + rng() % 37);
      ASSERT_TRUE(dec.Get(got.data() + at, n)) << bw;
      at += n;
    }
    EXPECT_EQ(got, values) << "bit width " << bw;
  }
}

// ---------------------------------------------------------------------------------------------
// Another writer: DuckDB (its defaults: PARQUET_VERSION V1, dictionaries, PLAIN).

TEST(ParquetReader, ReadsDuckDbFiles) {
  testing::TempDir dir;
  const char* codecs[] = {"uncompressed", "snappy", "gzip", "zstd"};
  for (const char* codec : codecs) {
    SCOPED_TRACE(codec);
    std::string path = dir.path() + "/duck_" + codec + ".parquet";
    auto done = testing::DuckDbQuery(
        {"SET threads=1",
         "COPY (SELECT i::INTEGER AS i, i::BIGINT * 1000000007 AS b, "
         "CASE WHEN i % 7 = 0 THEN NULL ELSE 's' || (i % 100)::VARCHAR END AS s, "
         "i / 4 AS d, (i::FLOAT / 8)::FLOAT AS f, i % 3 = 0 AS flag, "
         "CAST(i * 1.001 AS DECIMAL(18,3)) AS dec, DATE '2020-01-01' + (i % 1000)::INTEGER AS dt, "
         "CASE WHEN i % 5 = 0 THEN NULL ELSE i % 11 END::SMALLINT AS small "
         "FROM range(0, 10000) t(i)) TO " +
             testing::SqlQuote(path) + " (FORMAT parquet, COMPRESSION " + codec +
             ", ROW_GROUP_SIZE 3000)",
         "SELECT 1 AS one"});
    if (!done.ok()) GTEST_SKIP() << "DuckDB not available: " << done.status().ToString();
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto file = ParquetFile::Open(bytes);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    ASSERT_EQ(file->num_rows(), 10000);
    const auto& cols = file->columns();
    ASSERT_EQ(cols.size(), 9u);
    EXPECT_EQ(cols[0].type, PhysicalType::kInt32);
    EXPECT_EQ(cols[1].type, PhysicalType::kInt64);
    EXPECT_EQ(cols[2].type, PhysicalType::kByteArray);
    EXPECT_EQ(cols[3].type, PhysicalType::kDouble);
    EXPECT_EQ(cols[4].type, PhysicalType::kFloat);
    EXPECT_EQ(cols[5].type, PhysicalType::kBoolean);
    EXPECT_EQ(cols[6].precision, 18);
    EXPECT_EQ(cols[6].scale, 3);
    EXPECT_EQ(cols[7].converted_type, ConvertedType::kDate);
    auto reader = ParquetRowReader::Make(&*file);
    ASSERT_TRUE(reader.ok());
    int64_t i = 0;
    while (true) {
      auto more = (*reader)->Next();
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      auto& rd = **reader;
      std::string where = "row " + std::to_string(i);
      ASSERT_EQ(rd.field(0).i, i) << where;
      ASSERT_EQ(rd.field(1).i, i * 1000000007) << where;
      if (i % 7 == 0) {
        ASSERT_TRUE(rd.field(2).null) << where;
      } else {
        ASSERT_EQ(rd.field(2).bytes, "s" + std::to_string(i % 100)) << where;
      }
      ASSERT_EQ(rd.field(3).d, static_cast<double>(i) / 4) << where;
      ASSERT_EQ(static_cast<float>(rd.field(4).d), static_cast<float>(i) / 8) << where;
      ASSERT_EQ(rd.field(5).i, i % 3 == 0 ? 1 : 0) << where;
      ASSERT_EQ(rd.field(6).i, i * 1001) << where;
      ASSERT_EQ(rd.field(7).i, 18262 + i % 1000) << where;  // 2020-01-01 is day 18262
      if (i % 5 == 0) {
        ASSERT_TRUE(rd.field(8).null) << where;
      } else {
        ASSERT_EQ(rd.field(8).i, i % 11) << where;
      }
      ++i;
    }
    EXPECT_EQ(i, 10000);
  }
}

// ---------------------------------------------------------------------------------------------
// Fuzz seeds (fuzz/corpus/parquet_reader_fuzz): written by this test on request, read by it
// always.

std::vector<std::pair<std::string, std::string>> SeedFiles() {
  std::vector<std::pair<std::string, std::string>> seeds;
  for (auto& [name, bytes] : SmallFiles()) seeds.emplace_back("alltypes_" + name, bytes);
  testing::SysbenchRows s = testing::MakeSysbenchRows(40);
  ParquetWriterOptions o;
  o.row_group_length = 16;
  o.data_page_size = 256;
  auto bytes = WriteRows(s.schema, SysbenchValues(s), o, false);
  EXPECT_TRUE(bytes.ok());
  seeds.emplace_back("sysbench_v1", *bytes);
  o.version = ParquetVersion::k2_0;
  o.codec = Codec::kGzip;
  o.encoding = ParquetEncoding::kPlain;
  bytes = WriteRows(s.schema, SysbenchValues(s), o, false);
  EXPECT_TRUE(bytes.ok());
  seeds.emplace_back("sysbench_v2_gzip_plain", *bytes);
  return seeds;
}

TEST(ParquetReader, FuzzSeeds) {
  const char* out = std::getenv("BINLAKE_WRITE_PARQUET_SEEDS");
  if (out != nullptr && *out != '\0') {
    std::filesystem::create_directories(out);
    for (const auto& [name, bytes] : SeedFiles()) {
      std::ofstream(std::string(out) + "/" + name + ".parquet", std::ios::binary) << bytes;
    }
  }
  const char* src = std::getenv("BINLAKE_SOURCE_DIR");
  std::filesystem::path dir =
      std::filesystem::path(src != nullptr ? src : ".") / "fuzz/corpus/parquet_reader_fuzz";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " not found";
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Status s = ReadEverything(bytes);
    EXPECT_TRUE(s.ok()) << entry.path() << ": " << s.ToString();
    ++n;
  }
  EXPECT_GE(n, 5u);
}

}  // namespace
}  // namespace binlake::parquet
