// ProbeConditionalCreate: does a store honour conditional create (PutOptions::if_none_match:
// S3 PutObject with If-None-Match: * (S3 API Reference, PutObject, "If-None-Match": 412
// PreconditionFailed when the key exists); local: rename/link without replacement)?
//
// The CDC commit protocol relies on it (docs/COMMIT-PROTOCOL.md, "Two instances of one task"):
// on a store that ignores the header, a second PUT of checkpoint N succeeds and overwrites the
// first, so two binlake instances could both commit. Some S3-compatible stores ignore
// If-None-Match without an error, so only trying tells.
//
// Thread-safety: as safe as `store` (it is used, not kept).
#pragma once

#include <string_view>

#include "common/status.h"
#include "store/object_store.h"

namespace binlake {

// Creates "<key_prefix>probe-<16 random hex digits>" with if_none_match, creates it again with
// if_none_match and other bytes, reads it back, then deletes it (best effort: a failed delete
// is logged, not returned; the name never collides with binlake's own objects under the prefix).
//   ok:            the second create was refused (kAlreadyExists) and the first bytes are there;
//   kUnsupported:  the store accepted the second create, or refused the first one, or replaced
//                  the bytes while refusing: one line, "the S3 store at s3://b/p does not honour
//                  If-None-Match (conditional create): two binlake instances could both
//                  commit; ..." (for other stores: "the store at <Describe()> ...");
//   other errors:  the store's own (unreachable, permission denied, ...), with context.
// Three or four requests to the store.
Status ProbeConditionalCreate(ObjectStore& store, std::string_view key_prefix);

}  // namespace binlake
