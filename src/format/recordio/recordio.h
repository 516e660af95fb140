// RecordIO framing, as MXNet's dmlc-core writes it and SageMaker reads it (Pipe mode's
// `RecordWrapperType: RecordIO`, and `application/x-recordio-protobuf` training data):
// https://mxnet.apache.org/api/architecture/note_data_loading#data-format
//
// A record is one or more parts; each part is
//   uint32 magic 0xced7230a (little-endian), uint32 lrecord (little-endian):
//   cflag = lrecord >> 29, length = lrecord & ((1 << 29) - 1), then `length` bytes of data,
//   zero-padded to a multiple of 4 bytes.
// cflag 0: the whole record; 1, 2, 3: the first, a middle, the last part of a record that was
// split where its data held the magic word at a 4-byte-aligned offset (the reader joins the parts
// with the magic word between them), so a reader that finds a magic word always finds a part's
// start. A record is at most 2^29 - 1 bytes.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake {

inline constexpr uint32_t kRecordIoMagic = 0xced7230a;
inline constexpr uint32_t kRecordIoMaxRecord = (1u << 29) - 1;

// Appends `record` framed as RecordIO to `out`. kInvalidArgument when it is longer than
// kRecordIoMaxRecord.
Status AppendRecordIo(std::string_view record, std::string* out);

// The bytes AppendRecordIo adds for `record` (its framed size).
uint64_t RecordIoFramedSize(std::string_view record);

}  // namespace binlake
