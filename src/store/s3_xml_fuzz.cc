// libFuzzer target: every S3 XML decoder on arbitrary bytes must return (ok or a Status), never
// crash, hang or read out of bounds. Seed corpus: testdata/fixtures/expected/s3-cases/*.xml.
//   cmake -DBINLAKE_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 ... && ./s3_xml_fuzz corpus/
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/s3_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)binlake::s3::ParseError(body);
  (void)binlake::s3::ParseListObjectsV2(body);
  (void)binlake::s3::ParseInitiateMultipartUpload(body);
  (void)binlake::s3::ParseCompleteMultipartUpload(body);
  (void)binlake::s3::ParseListMultipartUploads(body);
  (void)binlake::s3::UrlDecode(body);
  return 0;
}
