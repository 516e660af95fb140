// The inverse of render_text.h: turns the text AppendValueText wrote for a non-NULL value of a
// column back into a Value, so that a consumer of binlake's CSV files (`binlake materialize`)
// can hand the Parquet writer (format/parquet/type_mapping.h) the same Values the full load hands
// it and get the same Parquet values.
//
// Contract. For a column of `type` and the RenderOptions `options` the text was written with:
//   * Every text AppendValueText writes for a value of a MySQL/MariaDB column of `type`, as the
//     full load's reader (source/text_value.h) or the binlog decoder (binlog/row_reader.h) holds
//     it, parses, and gives back the full load's Value (the table below; the notes after it say
//     where the binlog decoder holds another kind).
//   * Parsing is strict: a text parses only if it is exactly what AppendValueText writes for the
//     returned Value, so AppendValueText(*out, type, options) == text for every text that parses
//     (JSON excepted: see below). Anything else fails with one line, kCorruption, naming the
//     column type and a short escaped excerpt of the text (the text comes from files in a store
//     and is untrusted; nothing asserts or throws on it).
//   * Values are checked against the column type's range where it has one: integers against
//     their SQL type and signedness, BIT(n) against n bits, DECIMAL(p,s) against its digit
//     counts, dates/times against MySQL's field ranges (month 0..12, day 0..31, hour 0..23,
//     TIME -838..838 hours, minutes and seconds 0..59).
//   * NULL is not handled here: the caller knows from the file's NULL convention which fields are
//     NULL and never passes them.
//
//   SQL type                        text (render_text.h)              Value
//   TINYINT..BIGINT [UNSIGNED]      canonical decimal                 Int, or UInt when unsigned
//   YEAR                            exactly four digits               Int (UInt when unsigned)
//   DECIMAL(p,s)                    [-]int[.s digits], as the server  Decimal, viewing `text`
//   FLOAT / DOUBLE                  shortest round-trip text          Float / Double (-0 kept)
//   BIT(n)                          canonical decimal                 Bit
//   DATE                            YYYY-MM-DD (0000-00-00 kept)      Date
//   DATETIME(f) / TIMESTAMP(f)      YYYY-MM-DD HH:MM:SS[.f digits]    DateTime / Timestamp
//   TIME(f)                         [-]HH:MM:SS[.f digits], HHH+      Time
//   CHAR/VARCHAR/TEXT, ENUM, SET    the text itself                   String, viewing `text`
//     (collation 63 "binary")       hex or base64 per options         Bytes, in *scratch
//   BINARY/VARBINARY/BLOB/GEOMETRY  hex or base64 per options         Bytes, in *scratch
//   VECTOR                          [f1,f2,...] shortest floats       Bytes (float32 LE), *scratch
//   JSON                            compact JSON                      Json, viewing `text`
//
// Where the binlog decoder (CDC files) produces another Value for the same text, the one returned
// is the full load's, which the Parquet writer turns into the same Parquet value, because the
// Parquet mapping writes these kinds as their render_text text:
//   ENUM / SET   the decoder's EnumIndex / SetBits render as their labels; the full load reads
//                labels as String. Labels are not checked against ColumnType::elements (a file
//                written under an earlier definition may hold labels the current one lacks; index
//                0 renders as "" and unknown labels as numbers).
//   JSON         the decoder's text and the server's are canonicalized by render_text (compact,
//                keys in stored order); the parsed Value holds the canonical text, which renders
//                to itself. JSON text is not validated: render_text writes text that is not valid
//                JSON as it is, so every text is a possible rendering (the Parquet writer renders
//                it through the same function again).
//   strings      a string column whose bytes the decoder could not read as UTF-8 (charset
//                unknown) holds Bytes and renders as hex; that text comes back as String and
//                renders (CSV and Parquet) the same.
// Not recoverable from the text (render_text drops it): the payload of a NaN, and microseconds
// below the column's fractional precision (neither reader produces them).
//
// Ownership and lifetime of the bytes *out points at (Value never owns memory, common/value.h):
//   * String, Decimal and Json values view `text` itself: valid while the caller's buffer that
//     `text` views is.
//   * Bytes values (hex/base64-decoded, VECTOR) view *scratch, which is overwritten: valid until
//     the next change to *scratch (in particular the next ParseRenderedText call with it).
//     Keep one scratch string per column to hold a whole row's values at once (each is reused
//     without reallocating once it is large enough), or copy with OwnedValue.
//   * The other kinds hold no bytes.
// *scratch is modified only for the Bytes kinds (and may be on failure); *out is written only on
// success.
//
// Thread-safety: a pure function; concurrent calls need distinct `scratch` strings.
#pragma once

#include <string>
#include <string_view>

#include "common/render_text.h"
#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"

namespace binlake {

// Parses `text`, the render_text text of a non-NULL value of a column of `type` written with
// `options` (only options.binary_encoding matters: BINARY/VARBINARY/BLOB/GEOMETRY and binary-
// collation strings), into *out. REQUIRES: out != nullptr, scratch != nullptr.
Status ParseRenderedText(const ColumnType& type, std::string_view text,
                         const RenderOptions& options, Value* out, std::string* scratch);

// "DECIMAL(10,2)", "INT UNSIGNED", "DATETIME(6)", "VARBINARY (hex)": the column type as the
// error messages above name it.
std::string RenderedTypeLabel(const ColumnType& type, const RenderOptions& options);

}  // namespace binlake
