// The full load's objects in the target, written so that a late request of an earlier run cannot
// replace them.
//
// A full load that was killed (or lost its network) may have requests on the way to the store:
// received, or held by a proxy, and applied after the process died (docs/COMMIT-PROTOCOL.md,
// "Late requests of a killed full load"). The LOAD files and _binlake/full_load.json have fixed
// names, so such a request could replace the next run's object with older data, under a snapshot
// position that does not match it. Every object of a full load is therefore created, never
// overwritten (If-None-Match: *, after deleting the earlier one): a late write is refused by the
// store, or, if it lands between the delete and the create, makes the create fail (noticed).
// The LOAD files are checked once written: a late request cannot remove or add one unnoticed.
//
// Thread-safety: the functions use only their arguments; the store must be usable from the
// calling thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "fullload/table_output.h"
#include "store/object_store.h"

namespace binlake {

// True for "LOAD00000001.csv" etc.: a LOAD file directly in a table folder (`rest` is the key
// after the folder's prefix).
bool IsLoadFileName(std::string_view rest);

// Before a table is loaded: discards the uncommitted uploads (S3 multipart uploads) of LOAD files
// under `prefix` (an earlier run's, which a late CompleteMultipartUpload could otherwise publish)
// and deletes the LOAD files an earlier run published.
Status ClearEarlierLoadFiles(ObjectStore& store, const std::string& prefix);

// After a table is loaded: the LOAD files under `prefix` must be exactly `written`, each with the
// size written. A LOAD file that is not ours (a late create of an earlier run) is deleted with a
// warning; one of ours that is missing or has another size fails with an error that says to run
// the full load again.
Status CheckLoadFiles(ObjectStore& store, const std::string& prefix,
                      const std::vector<OutputFile>& written);

// Writes `data` under `key`, replacing what is there, by delete + create-only put (a few rounds
// when something else creates the key between the two).
Status CreateReplacing(ObjectStore& store, const std::string& key, std::string_view data);

}  // namespace binlake
