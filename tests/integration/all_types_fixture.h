// The all-types table used by the full-load and CDC tests: every MariaDB column type with edge
// values (NULL, extremes, zero dates, every fractional precision, utf8mb4 and latin1 text,
// binary bytes including NUL, comma, quote and newline).
#pragma once

namespace binlake::testing {

// CREATE TABLE types.all_types (needs the database `types`).
inline constexpr const char* kAllTypesCreate = R"sql(
    CREATE TABLE types.all_types (
      id INT PRIMARY KEY,
      ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT UNSIGNED, i INT, bi BIGINT,
      biu BIGINT UNSIGNED, dec0 DECIMAL(10,0), dec65 DECIMAL(65,30), dsm DECIMAL(5,2),
      f FLOAT, d DOUBLE, b1 BIT(1), b64 BIT(64), y YEAR,
      dt DATE, t0 TIME, t6 TIME(6), dt0 DATETIME, dt3 DATETIME(3), dt6 DATETIME(6),
      ts0 TIMESTAMP NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL,
      c CHAR(10), vc VARCHAR(100), tx TEXT, l1 VARCHAR(20) CHARACTER SET latin1,
      bn BINARY(4), vb VARBINARY(20), bl BLOB,
      e ENUM('small','medium','large'), s SET('a','b','c'), j JSON, g GEOMETRY);
)sql";

// The rows (run with sql_mode='' and time_zone='+00:00').
inline constexpr const char* kAllTypesRows = R"sql(
    INSERT INTO types.all_types VALUES
     (1, 1, 2, 3, 4, 5, 6, 7, 8, 9.5, 1.25, 0.1, 0.1e0 + 0.2e0, b'1', b'101', 2024,
      '2024-02-29', '12:34:56', '-01:02:03.000004', '2024-02-29 23:59:59',
      '2024-02-29 23:59:59.123', '2024-02-29 23:59:59.123456', '2024-02-29 23:59:59',
      '2024-02-29 23:59:59.654321', 'abc', 'hello', 'text value', 'café',
      x'01020304', x'deadbeef', x'cafe', 'medium', 'a,c',
      '{"k": "v", "n": [1, 2, {"x": null}], "u": "\u00e9", "f": 1.5}', ST_GeomFromText('POINT(1 2)')),
     (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
      NULL, NULL, NULL, NULL),
     (3, -128, 0, -32768, 0, -2147483648, -9223372036854775808, 0, -9999999999,
      -99999999999999999999999999999999999.999999999999999999999999999999, -999.99,
      -3.40282e38, -1.7976931348623157e308, b'0', b'0', 1901, '1000-01-01', '-838:59:59',
      '-838:59:59.000000', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000',
      '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01', '1970-01-01 00:00:01.000000',
      '', '', '', '', x'00000000', x'', x'', 'small', '', '[]', ST_GeomFromText('POINT(0 0)')),
     (4, 127, 255, 32767, 16777215, 2147483647, 9223372036854775807, 18446744073709551615,
      9999999999, 99999999999999999999999999999999999.999999999999999999999999999999, 999.99,
      3.40282e38, 1.7976931348623157e308, b'1', x'ffffffffffffffff', 2155, '9999-12-31',
      '838:59:59', '838:59:59.000000', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999',
      '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07', '2038-01-19 03:14:07.999999',
      'zzzzzzzzzz', REPEAT('x', 100), REPEAT('long ', 2000), 'ÿ', x'ffffffff',
      x'ffffffffffffffffffffffffffffffffffffffff', x'ff', 'large', 'a,b,c', '"a string"',
      ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')),
     (5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0e0, -0e0, b'0', b'0', 0, '0000-00-00', '00:00:00',
      '00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000',
      '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000',
      '0', '0', '0', '0', x'00', x'00', x'00', '', '', '0', NULL),
     (6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.17549435e-38, 4.9e-324, b'1', b'1', 1999,
      '2000-01-01', '00:00:00.5', '-00:00:00.000001', '2000-01-01 00:00:00',
      '2000-01-01 00:00:00.5', '2000-01-01 00:00:00.000001', '2000-01-01 00:00:00',
      '2000-01-01 00:00:00.000001',
      'a,b', 'say "hi", then\nleave\r\n', 'tab\there,"quoted",\\backslash', 'naïve',
      x'002c220a', x'0d0a2c22', x'000000', 'small', 'b', '{"emoji": "😀", "esc": "a\\"b\\\\c\\n"}',
      NULL),
     (7, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 16777216, 123456789.123456789, b'0', b'1000000000000000',
      2000, '2001-01-01', '100:00:00', '23:59:59.999999', '2001-01-01 01:01:01',
      '2001-01-01 01:01:01.001', '2001-01-01 01:01:01.010101', '2001-01-01 01:01:01',
      '2001-01-01 01:01:01.100000', ' lead', 'trail ', '😀 utf8mb4 ✓ 中文', 'Ø',
      x'20202020', x'', x'', 'medium', 'a', 'true', NULL);
  )sql";

}  // namespace binlake::testing
