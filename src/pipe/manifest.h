// SageMaker's manifest formats, as `S3DataType` names them (docs/PIPE.md, "Manifests"):
//
// ManifestFile: one JSON array, a prefix object first, then keys relative to it:
//   [{"prefix": "s3://bucket/some/prefix/"}, "relative/path/custdata-1", "custdata-2"]
// Each object's URI is the prefix followed by the relative key (plain concatenation).
//
// AugmentedManifestFile: JSON Lines, one JSON object per line. The channel's AttributeNames pick,
// in their order, the attributes each line contributes; others are ignored. An attribute whose
// name ends in "-ref" holds the URI of an object whose bytes are served; any other attribute's
// value is served inline: a JSON string as its characters (no quotes), any other JSON value as
// its compact JSON text (1 -> "1", true -> "true", {"a":1} -> {"a":1}).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace binlake::pipe {

struct Manifest {
  std::string prefix;                // the URI the keys are relative to
  std::vector<std::string> entries;  // relative keys, in the file's order
};

// kInvalidArgument (naming `source`) for anything but the shape above, or a manifest that lists
// no object.
Result<Manifest> ParseManifest(std::string_view text, std::string_view source);

struct AugmentedValue {
  bool is_ref = false;  // true: `bytes` is the URI of the object to serve
  std::string bytes;    // the inline value's bytes, or the URI
};

// One line of an augmented manifest: the values of `attributes` in their order.
// kInvalidArgument naming `source` and `line_number` (1-based) when the line is not a JSON object,
// lacks an attribute, or has a "-ref" attribute that is not a string.
Result<std::vector<AugmentedValue>> ParseAugmentedLine(std::string_view line,
                                                       const std::vector<std::string>& attributes,
                                                       std::string_view source, size_t line_number);

// Every non-blank line of an augmented manifest, parsed; kInvalidArgument when it has none.
Result<std::vector<std::vector<AugmentedValue>>> ParseAugmentedManifest(
    std::string_view text, const std::vector<std::string>& attributes, std::string_view source);

}  // namespace binlake::pipe
