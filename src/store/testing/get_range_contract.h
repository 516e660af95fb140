// The GetRange contract of object_store.h as gtest checks, so every store is held to the same
// cases: the local directory and the in-memory fake (unit tests), the S3 store on FakeS3 (unit
// tests) and on Ceph radosgw (integration), and the wrappers that forward to them.
// For tests only (uses gtest).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "store/object_store.h"

namespace binlake::testing {

// Writes "<prefix>ten" (10 bytes) and "<prefix>empty" with store.Put and checks slices inside,
// up to and across the end, past the end, of length 0, of the empty object, and of an absent key.
inline void ExpectGetRangeContract(ObjectStore& store, const std::string& prefix) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  const std::string ten = prefix + "ten", empty = prefix + "empty", absent = prefix + "absent";
  ASSERT_TRUE(store.Put(ten, "0123456789", {}).ok());
  ASSERT_TRUE(store.Put(empty, "", {}).ok());
  struct Case {
    std::string key;
    uint64_t offset, length;
    std::string want;
  };
  const Case cases[] = {
      {ten, 0, 4, "0123"},                 // the start
      {ten, 3, 4, "3456"},                 // inside
      {ten, 9, 1, "9"},                    // the last byte
      {ten, 6, 4, "6789"},                 // up to the end exactly
      {ten, 0, 10, "0123456789"},          // all of it
      {ten, 8, 5, "89"},                   // across the end: fewer
      {ten, 0, 1000, "0123456789"},        // far across the end
      {ten, 3, kMax, "3456789"},           // offset + length overflows: the rest
      {ten, 10, 1, ""},                    // offset == size
      {ten, 11, 5, ""},                    // past the end
      {ten, uint64_t{1} << 40, 4096, ""},  // far past the end
      {ten, 4, 0, ""},                     // length 0
      {ten, 10, 0, ""},                    // length 0 at the end
      {empty, 0, 1, ""},                   // nothing to read
      {empty, 0, kMax, ""},
      {absent, 0, 0, ""},  // length 0 does not look
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key + " [" + std::to_string(c.offset) + ", +" + std::to_string(c.length) + ")");
    Result<std::string> got = store.GetRange(c.key, c.offset, c.length);
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ(*got, c.want);
  }
  for (uint64_t offset : {uint64_t{0}, uint64_t{5}, uint64_t{100}}) {
    SCOPED_TRACE("absent key at " + std::to_string(offset));
    EXPECT_EQ(store.GetRange(absent, offset, 4).status().code(), StatusCode::kNotFound);
  }
}

// Reads the object `key` (whose bytes are `object`) in slices of `chunk` bytes until a slice comes
// back shorter than asked: every slice but the last is full, and their concatenation is the
// object.
inline void ExpectChunkedReadEqualsObject(ObjectStore& store, const std::string& key,
                                          const std::string& object, uint64_t chunk) {
  std::string joined;
  uint64_t slices = 0;
  const uint64_t at_most = object.size() / chunk + 2;  // a reader that never ends fails here
  while (slices < at_most) {
    Result<std::string> got = store.GetRange(key, joined.size(), chunk);
    ASSERT_TRUE(got.ok()) << "slice " << slices << ": " << got.status().message();
    ASSERT_LE(got->size(), chunk) << "slice " << slices;
    ++slices;
    joined += *got;
    if (got->size() < chunk) break;
  }
  EXPECT_EQ(slices, object.size() / chunk + 1);
  ASSERT_EQ(joined.size(), object.size());
  EXPECT_TRUE(joined == object) << "the slices do not add up to the object";
}

}  // namespace binlake::testing
