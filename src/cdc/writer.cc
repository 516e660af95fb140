#include "cdc/writer.h"

#include "cdc/writer_impl.h"

namespace binlake {

Result<binlog::BinlogPosition> CdcWriter::Impl::Recover(const binlog::BinlogPosition& start) {
  DropBatch(/*discard=*/true);
  const std::string& folder = options_.settings.bucket_folder;
  if (!probed_) {
    // The commit protocol's fencing needs conditional create: refuse a store that ignores it.
    RETURN_IF_ERROR(ProbeConditionalCreate(*store_, CdcStateFolder(folder)));
    probed_ = true;
  }
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> listed, store_->List(CdcCheckpointPrefix(folder)));
  known_checkpoints_.clear();
  created_checkpoints_.clear();
  for (const ObjectInfo& o : listed) {
    std::optional<uint64_t> seq = CdcCheckpointSequence(o.key);
    if (seq && o.key == CdcCheckpointKey(folder, *seq)) known_checkpoints_.insert(*seq);
  }
  CdcCheckpoint c;
  if (known_checkpoints_.empty()) {
    c.position = start;
  } else {
    const uint64_t newest = *known_checkpoints_.rbegin();
    const std::string key = CdcCheckpointKey(folder, newest);
    ASSIGN_OR_RETURN(std::string text, store_->Get(key));
    Result<CdcCheckpoint> parsed = ParseCdcCheckpoint(text);
    if (!parsed.ok()) return parsed.status().WithContext(store_->Describe() + "/" + key);
    if (parsed->sequence != newest) {
      return Corruption(store_->Describe() + "/" + key + " says it is checkpoint " +
                        std::to_string(parsed->sequence));
    }
    c = std::move(*parsed);
    // Finish step 4 of the protocol for the newest batch (idempotent).
    for (const CdcFile& f : c.files) {
      RETURN_IF_ERROR(
          store_->PublishPrepared(f.key, f.token)
              .WithContext("publishing " + f.key + " of CDC checkpoint " + std::to_string(newest)));
    }
  }
  checkpoint_ = std::move(c);
  stats_ = checkpoint_.tables;
  broken_ = Status::Ok();
  recovered_ = true;
  committed_once_ = false;
  // Leftovers: uncommitted CDC objects (and checkpoint temp files) under the task's folder.
  leftovers_.clear();
  Result<std::vector<UncommittedObject>> found =
      store_->ListUncommitted(folder.empty() ? "" : folder + "/");
  if (!found.ok()) {
    spdlog::warn("could not list leftovers of uncommitted CDC batches in {}: {}",
                 store_->Describe(), found.status().message());
  } else {
    for (UncommittedObject& o : *found) {
      if (CdcNaming::IsCdcFileName(o.key) || CdcCheckpointSequence(o.key) || IsTxnIndexKey(o.key)) {
        leftovers_.push_back(std::move(o));
      }
    }
  }
  return checkpoint_.position;
}

Result<BatchFile*> CdcWriter::Impl::OpenFile(const TableSchema& table, const std::string& name,
                                             bool had_file) {
  auto f = std::make_unique<BatchFile>();
  const bool txn = options_.settings.preserve_transactions;
  const int64_t ms = NextFileMs(had_file);
  f->key = txn ? naming_.TxnFileKey(ms) : naming_.TableFileKey(table.schema, table.table, ms);
  f->table = txn ? "" : name;
  f->schema = table;
  f->first = batch_txns_ > 0 ? batch_position_ : checkpoint_.position;
  f->first.gtid_set.clear();
  f->first.server.clear();
  f->index = static_cast<uint32_t>(files_.size());
  PutOptions put;
  if (!txn && !tags_.empty()) {
    auto tagged = tags_.find(table.schema + '\0' + table.table);
    if (tagged != tags_.end()) put.tags = tagged->second;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> sink, store_->NewWriter(f->key, put));
  if (txn) {
    ASSIGN_OR_RETURN(f->txn, CdcTxnCsvFile::Make(txn_csv_, std::move(sink)));
  } else {
    ASSIGN_OR_RETURN(f->rows, options_.writer_factory(f->schema, columns_, std::move(sink)));
  }
  files_.push_back(std::move(f));
  return files_.back().get();
}

Status CdcWriter::Impl::AddChange(const TableSchema& table, uint64_t schema_token, char op,
                                  std::span<const Value> values, std::string_view sequence) {
  if (!recovered_) return Internal("CDC writer: AddChange before Recover");
  if (!in_txn_) return Internal("CDC writer: AddChange outside a transaction");
  RETURN_IF_ERROR(batch_error_);
  if (op != 'I' && op != 'U' && op != 'D') {
    return InvalidArgument(std::string("CDC writer: unknown operation '") + op + "'");
  }
  const S3Settings& s = options_.settings;
  if ((s.cdc_inserts_only && op != 'I') || (s.cdc_inserts_and_updates && op == 'D')) {
    return Status::Ok();
  }
  if (values.size() != table.columns.size()) {
    return InvalidArgument("CDC writer: a row of " + table.schema + "." + table.table + " has " +
                           std::to_string(values.size()) + " values for " +
                           std::to_string(table.columns.size()) + " columns");
  }
  TokenEntry* known = nullptr;
  if (schema_token != 0) {
    auto it = by_token_.find(schema_token);
    if (it != by_token_.end()) known = &it->second;
  }
  TableSlot& slot = known ? *known->slot : Slot(table);
  BatchFile* file = nullptr;
  Status st;
  if (s.preserve_transactions) {
    if (files_.empty()) {
      Result<BatchFile*> opened = OpenFile(table, "", false);
      st = opened.status();
      if (opened.ok()) file = *opened;
    } else {
      file = files_.front().get();
    }
    if (st.ok()) {
      st = file->txn->Append(op, table, !s.timestamp_column_name.empty(), txn_time_,
                             !options_.sequence_column_name.empty(), sequence, values);
    }
  } else {
    if (!slot.ended && known && known->file != nullptr && known->file == slot.file) {
      file = slot.file;  // same columns as when this token's rows last went there
    } else if (!slot.ended && slot.file != nullptr && SameColumns(slot.file->schema, table)) {
      file = slot.file;
    } else {
      // A table's first file in this batch, its columns changed, or a DDL came: a new file.
      Result<BatchFile*> opened = OpenFile(table, slot.name, slot.file != nullptr);
      st = opened.status();
      if (opened.ok()) {
        file = slot.file = *opened;
        slot.ended = false;
      }
    }
    if (st.ok()) {
      RowMeta meta;
      meta.op = op;
      meta.timestamp = txn_time_;
      meta.sequence = sequence;
      st = file->rows->Append(meta, values);
    }
    if (st.ok() && schema_token != 0 && !known) by_token_[schema_token] = {&slot, file};
    if (st.ok() && known) known->file = file;
    if (st.ok() && file->last_txn != txn_serial_) {  // the transaction index's row counts
      file->last_txn = txn_serial_;
      txindex_.Touch(file->index);
    }
  }
  if (!st.ok()) {
    batch_error_ = st.WithContext("writing CDC changes of " + slot.name);
    return batch_error_;
  }
  batch_max_file_bytes_ = std::max(batch_max_file_bytes_, file->size());
  CdcTableStats& t = *slot.stats;
  ++(op == 'I' ? t.inserts : op == 'U' ? t.updates : t.deletes);
  if (slot.last_txn != txn_serial_) {  // once per transaction: its rows share the time
    slot.last_txn = txn_serial_;
    t.last_change = txn_time_;
  }
  return Status::Ok();
}

Result<std::unique_ptr<CdcWriter>> CdcWriter::Create(ObjectStore* store, CdcWriterOptions options) {
  if (!options.settings.preserve_transactions && !options.writer_factory) {
    return InvalidArgument("CDC writer: no file writer factory");
  }
  ASSIGN_OR_RETURN(CdcNaming naming, CdcNaming::Make(options.settings, options.file_extension));
  auto impl = std::make_unique<Impl>(store, std::move(options), std::move(naming));
  return std::unique_ptr<CdcWriter>(new CdcWriter(std::move(impl)));
}

CdcWriter::CdcWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CdcWriter::~CdcWriter() = default;

Result<binlog::BinlogPosition> CdcWriter::Recover(const binlog::BinlogPosition& start) {
  return impl_->Recover(start);
}
Status CdcWriter::Fence() { return impl_->Fence(); }
void CdcWriter::BeginTransaction(uint64_t commit_timestamp_us) {
  impl_->BeginTransaction(commit_timestamp_us);
}
Status CdcWriter::AddChange(const TableSchema& table, char op, std::span<const Value> values,
                            std::string_view sequence) {
  return impl_->AddChange(table, 0, op, values, sequence);
}

Status CdcWriter::AddChange(const TableSchema& table, uint64_t schema_token, char op,
                            std::span<const Value> values, std::string_view sequence) {
  return impl_->AddChange(table, schema_token, op, values, sequence);
}
void CdcWriter::SetObjectTags(const std::string& schema, const std::string& table,
                              std::vector<std::pair<std::string, std::string>> tags) {
  impl_->SetObjectTags(schema + '\0' + table, std::move(tags));
}
void CdcWriter::AddDdl(const std::string& schema, const std::string& table) {
  impl_->AddDdl(schema, table);
}
Status CdcWriter::EndTransaction(const binlog::BinlogPosition& after, std::string_view gtid) {
  return impl_->EndTransaction(after, gtid);
}
bool CdcWriter::ShouldCommit(std::chrono::system_clock::time_point now) const {
  return impl_->ShouldCommit(now);
}
Status CdcWriter::Commit() { return impl_->Commit(); }
void CdcWriter::Abort() { impl_->Abort(); }
const CdcCheckpoint& CdcWriter::last_checkpoint() const { return impl_->last_checkpoint(); }
const std::map<std::string, CdcTableStats>& CdcWriter::table_stats() const {
  return impl_->table_stats();
}
bool CdcWriter::batch_empty() const { return impl_->batch_empty(); }

}  // namespace binlake
