// Fuzzes what `binlake pipe` reads from outside (src/pipe/): SageMaker's configuration files
// (inputdataconfig.json, resourceconfig.json), manifests and augmented manifests (channel data),
// and gzip objects (Gunzip, fed in uneven chunks, every byte it hands on counted). The first input
// byte picks the parser (its value mod 5); the rest is the text or the object. Every answer must
// be a value or one error, never a crash, a hang or a read out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "pipe/channel_config.h"
#include "pipe/gunzip.h"
#include "pipe/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  namespace pipe = binlake::pipe;
  switch (data[0] % 5) {
    case 0:
      (void)pipe::ParseManifest(text, "fuzz");
      break;
    case 1:
      (void)pipe::ParseAugmentedManifest(text, {"source-ref", "label"}, "fuzz");
      break;
    case 2:
      (void)pipe::ParseInputDataConfig(text, "fuzz");
      break;
    case 3:
      (void)pipe::ParseResourceConfig(text, "fuzz");
      break;
    default: {
      pipe::Gunzip gunzip;
      if (!gunzip.Reset("fuzz").ok()) std::abort();
      uint64_t out = 0;
      auto sink = [&](std::string_view bytes) -> binlake::Result<bool> {
        out += bytes.size();
        return out < (64u << 20);  // a bomb stops the sink, not the process
      };
      size_t at = 0, step = 1;
      bool more = true;
      while (more && at < text.size()) {
        const size_t n = std::min(step, text.size() - at);
        auto fed = gunzip.Feed(text.substr(at, n), sink);
        if (!fed.ok()) break;
        more = *fed;
        at += n;
        step = step * 3 + 1;
      }
      if (more && at == text.size()) (void)gunzip.Finish();
    }
  }
  return 0;
}
