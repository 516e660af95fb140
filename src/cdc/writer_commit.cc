// The commit protocol of CdcWriter (cdc/writer.h "Commit"): prepare every file of the batch,
// create the next checkpoint (checkpoint_commit.h), publish the files, then fold old checkpoints
// into the commit log; Fence commits an empty checkpoint that fences a predecessor.
#include "cdc/writer_impl.h"

namespace binlake {

Status CdcWriter::Impl::Commit() {
  RETURN_IF_ERROR(broken_);
  if (!recovered_) return Internal("CDC writer: Commit before Recover");
  if (in_txn_) return Internal("CDC writer: Commit inside a transaction");
  RETURN_IF_ERROR(batch_error_);
  if (batch_txns_ == 0) return Status::Ok();

  // Step 2: prepare every file (durable, invisible), several at a time: each is a round trip
  // to the store (an fsync, or an S3 part upload).
  const auto began = std::chrono::steady_clock::now();
  CdcCheckpoint next;
  next.sequence = checkpoint_.sequence + 1;
  std::vector<Result<std::string>> tokens(files_.size(), Result<std::string>(std::string()));
  ParallelFor(files_.size(), kParallelFiles, [&](size_t i) { tokens[i] = files_[i]->Prepare(); });
  for (size_t i = 0; i < files_.size(); ++i) {
    BatchFile& f = *files_[i];
    if (!tokens[i].ok()) {
      Status s = tokens[i].status().WithContext("preparing " + f.key);
      DropBatch(/*discard=*/true);
      return s;
    }
    f.token = std::move(tokens[i]).value();
    next.files.push_back(CdcFile{f.key, f.token, f.table, f.row_count(), f.first});
  }
  if (options_.before_checkpoint) {
    Status s = options_.before_checkpoint();
    if (!s.ok()) {
      DropBatch(/*discard=*/true);
      return s;
    }
  }
  // The transaction index becomes visible before the checkpoint that names it (under a key of
  // this attempt only: cdc/txn_index.h).
  if (!options_.settings.preserve_transactions) {
    Result<std::string> index = txindex_.Close(next.sequence);
    if (!index.ok()) {
      DropBatch(/*discard=*/true);
      return index.status();
    }
    next.txindex = std::move(index).value();
  }
  const auto prepared = std::chrono::steady_clock::now();
  next.position = batch_position_;
  if (options_.gtid_set_after_batch) next.position.gtid_set = options_.gtid_set_after_batch();
  next.pending_xa =
      options_.pending_xa_after_batch ? options_.pending_xa_after_batch() : checkpoint_.pending_xa;
  next.last_commit_us = batch_last_commit_us_;
  next.last_file_ms =
      files_.empty() ? checkpoint_.last_file_ms : static_cast<uint64_t>(batch_max_ms_);
  next.transactions = checkpoint_.transactions + batch_txns_;
  next.tables = stats_;

  // Step 3, the commit point: create checkpoint N+1, only if nobody else did and nobody is
  // ahead (cdc/checkpoint_commit.h).
  std::string serialized;
  CheckpointCommit created = CreateNext(next, &serialized);
  switch (created.outcome) {
    case CheckpointOutcome::kCommitted:
      break;
    case CheckpointOutcome::kLost:
      txindex_.DeleteClosed();  // no checkpoint names it
      DropBatch(/*discard=*/true);
      return created.status;
    case CheckpointOutcome::kUnknown:
      // Cannot tell: keep the prepared objects for Recover and stop.
      DropBatch(/*discard=*/false);
      broken_ = created.status;
      return broken_;
  }
  {
    std::vector<std::pair<std::string, uint64_t>> file_bytes;
    for (const auto& f : files_) file_bytes.emplace_back(f->table, f->size());
    RecordCommittedBatch(checkpoint_, next, file_bytes, batch_commit_times_, options_.clock());
  }
  MakeCurrent(next, std::move(created), std::move(serialized));
  const auto checkpointed = std::chrono::steady_clock::now();

  // Step 4: publish.
  const size_t files = files_.size();
  RETURN_IF_ERROR(PublishAll(next));
  AfterCommit();
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  const auto published = std::chrono::steady_clock::now();
  metrics::ObserveCdcCommitDuration(published - began);
  spdlog::debug(
      "committed CDC checkpoint {}: {} files in {} ms (prepare {} ms, checkpoint {} ms, "
      "publish {} ms)",
      next.sequence, files, ms(published - began), ms(prepared - began),
      ms(checkpointed - prepared), ms(published - checkpointed));
  return Status::Ok();
}

CheckpointCommit CdcWriter::Impl::CreateNext(CdcCheckpoint& next, std::string* serialized) {
  next.created_at = FormatIso8601(
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.clock().time_since_epoch())
          .count());
  next.lease_holder = options_.lease_holder;
  next.lease_term = options_.lease_term;
  *serialized = SerializeCdcCheckpoint(next);
  return CreateCheckpoint(*store_, options_.settings.bucket_folder, next.sequence, *serialized);
}

void CdcWriter::Impl::MakeCurrent(const CdcCheckpoint& next, CheckpointCommit created,
                                  std::string serialized) {
  checkpoint_ = next;
  known_checkpoints_ = std::move(created.listed);
  known_checkpoints_.insert(next.sequence);
  created_checkpoints_[next.sequence] = std::move(serialized);
}

Status CdcWriter::Impl::Fence() {
  RETURN_IF_ERROR(broken_);
  if (!recovered_) return Internal("CDC writer: Fence before Recover");
  if (in_txn_ || batch_txns_ > 0) return Internal("CDC writer: Fence with an open batch");
  if (options_.before_checkpoint) RETURN_IF_ERROR(options_.before_checkpoint());
  CdcCheckpoint next = checkpoint_;
  next.sequence = checkpoint_.sequence + 1;
  next.files.clear();
  next.txindex.clear();
  std::string serialized;
  CheckpointCommit created = CreateNext(next, &serialized);
  switch (created.outcome) {
    case CheckpointOutcome::kCommitted:
      break;
    case CheckpointOutcome::kLost:
      return created.status;
    case CheckpointOutcome::kUnknown:
      broken_ = created.status;
      return broken_;
  }
  MakeCurrent(next, std::move(created), std::move(serialized));
  AfterCommit();
  spdlog::info("committed fencing checkpoint {} at {}", next.sequence, next.position.ToString());
  return Status::Ok();
}

Status CdcWriter::Impl::PublishAll(const CdcCheckpoint& next) {
  std::vector<Status> published(files_.size());
  ParallelFor(files_.size(), kParallelFiles, [&](size_t i) {
    BatchFile& f = *files_[i];
    Status s = f.Finish();
    // The writer may fail where the store's idempotent publication succeeds (e.g. a concurrent
    // Recover already published the file).
    if (!s.ok()) s = store_->PublishPrepared(f.key, f.token);
    published[i] = s;
  });
  Status failed;
  for (size_t i = 0; i < files_.size() && failed.ok(); ++i) {
    if (!published[i].ok()) {
      failed = published[i].WithContext(
          "publishing " + files_[i]->key + " of committed CDC checkpoint " +
          std::to_string(next.sequence) + " (restart binlake to finish)");
    }
  }
  DropBatch(/*discard=*/false);
  if (!failed.ok()) broken_ = failed;
  return failed;
}

void CdcWriter::Impl::AfterCommit() {
  // Retention: keep the newest checkpoints_to_keep; fold the older ones into the commit log
  // once commit_log_group of them are due (cdc/commit_log.h).
  const uint64_t keep = static_cast<uint64_t>(options_.checkpoints_to_keep);
  std::vector<uint64_t> due;
  for (uint64_t seq : known_checkpoints_) {
    if (seq + keep > checkpoint_.sequence) break;
    due.push_back(seq);
  }
  if (!due.empty() && due.size() >= static_cast<size_t>(options_.commit_log_group)) {
    Status s = FoldCheckpoints(*store_, options_.settings.bucket_folder, due, created_checkpoints_);
    if (s.ok()) {
      for (uint64_t seq : due) {
        known_checkpoints_.erase(seq);
        created_checkpoints_.erase(seq);
      }
    } else {
      spdlog::warn("could not fold old CDC checkpoints {}-{} into the commit log: {}", due.front(),
                   due.back(), s.message());  // retried after the next commit
    }
  }
  if (committed_once_) return;
  committed_once_ = true;
  // Leftovers found by Recover can no longer be committed by anyone (COMMIT-PROTOCOL.md).
  for (const UncommittedObject& o : leftovers_) {
    Status s = store_->DiscardUncommitted(o);
    if (!s.ok()) spdlog::warn("could not discard uncommitted {}: {}", o.key, s.message());
  }
  if (!leftovers_.empty()) {
    spdlog::info("discarded {} leftover(s) of uncommitted CDC batches", leftovers_.size());
  }
  leftovers_.clear();
}

}  // namespace binlake
