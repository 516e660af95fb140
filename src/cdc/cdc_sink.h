// CdcSink: the CDC task's consumer of the decoded binlog stream (binlog::EventSink). It turns
// the row changes of the selected tables into CdcWriter calls and reacts to DDL.
//
// Per row change (OnRowChange):
//   - selection: a table is replicated when the mappings select it (TableMappings::Selects), or,
//     without mappings, when it is outside the system schemas (CdcSelectsTable); decided once
//     per table map.
//   - time bounds: a row committed before SetSkipBefore's time is skipped (--start-time); a row
//     committed at or after options.stop_at_time sets stop_requested() and its whole
//     transaction is skipped (the run loop stops at the transaction's end, without it).
//   - description: the table map's columns, with the catalog's knowledge the binlog lacks
//     (MariaDB sends JSON as LONGTEXT: typed JSON by the catalog's hint, its text values written
//     as Value::Json), unnamed columns labelled "@<n>"; made once per table map and handed to
//     the schema history (SchemaHistory::Observe) at the map's first row.
//   - updates that change the primary key, and every update of a table without one, are
//     written as 'D' with the before-image then 'I' with the after-image (a 'U' with the
//     after-image alone would leave the old key, or an arbitrary duplicate, in any state built
//     from the files); other updates are one 'U' with the after-image, as DMS writes them.
//   - transformation rules (transform/table_transform.h): the row is written as the rules make
//     it (the target's schema, table and column names, removed columns left out); the schema
//     history and DDL records use the target's names; two source tables mapped to one target
//     table stop the task with an error at the second one's first row.
//   - row filters: the mappings' source filters for the table (transform/cdc_row_filter.h),
//     compiled once per description; an UPDATE passes if either image does (CdcRowPasses); a
//     split update writes each of its two rows only where its image passes. A
//     filter that does not apply to the columns (unknown column, bad literal) is returned as
//     the error of the table's first row, which stops the task.
//   - the sequence column (when options.sequence_column_name is set): "FFFFFFOOOOOOOOOOOORRRRRRR",
//     the binlog file number (6 digits), the rows event's offset (12) and a counter of the
//     event's rows given to the writer (7): strictly increasing along the stream.
//   The first row written opens the writer's transaction (transaction_open()).
//   Rows of an XA transaction's body (PositionTracker::in_xa_body()) are not written when they
//   are read: they are committed, if ever, by a later XA COMMIT, when cdc/xa_tracker.h hands
//   them over again with the committing transaction's tracker as their position.
// Per event (OnEvent): a DDL on a selected table (cdc/ddl_target.h) is counted by the writer,
// recorded in the schema history at the tracker's position (when a tracker is set and the
// transaction is not skipped), and the catalog is re-read; cached descriptions are dropped.
//
// Transactions: the run loop ends the writer's transaction (EndTransaction) and then calls
// TransactionEnded(); after a reconnect it calls Reset() (per-map caches are keyed by table map
// serial, which a new stream renews).
//
// Ownership: borrows the mappings (options.mappings), writer, catalog, control connection
// (nullable: the catalog is then never re-read) and history, which must outlive the sink. The
// catalog ("schema.table" -> columns) is shared with the caller; a DDL replaces its content.
// The control connection dies when the source restarts (or closes it after wait_timeout) while
// the stream reconnects on its own: a re-read that fails with a network error opens a new
// connection with the same configuration (owned by the sink) and reads again.
// Threading: one thread (the decoding thread), like the pump that calls it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "binlog/event_pump.h"
#include "cdc/schema_history.h"
#include "cdc/writer.h"
#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"
#include "source/mysql_connection.h"
#include "transform/cdc_row_filter.h"
#include "transform/table_mappings.h"
#include "transform/table_transform.h"

namespace binlake {

struct CdcSinkOptions {
  const TableMappings* mappings = nullptr;  // nullptr = every user table, no filters
  std::string sequence_column_name;         // empty = no sequence values
  // Rows of transactions committed at or after this time are not written (stop_requested()).
  std::optional<std::chrono::system_clock::time_point> stop_at_time;
};

// The task's selection: the mappings' rules, else every table outside the system schemas.
bool CdcSelectsTable(const TableMappings* mappings, std::string_view schema,
                     std::string_view table);

// Whether `change` passes `filter`: an INSERT by its after-image, a DELETE by its before-image,
// an UPDATE if either image does (cdc_row_filter.h).
bool CdcRowPasses(const CdcRowFilter& filter, const binlog::RowChange& change);

class CdcSink : public binlog::EventSink {
 public:
  CdcSink(CdcSinkOptions options, CdcWriter* writer, std::map<std::string, TableSchema>* catalog,
          MysqlConnection* control, SchemaHistory* history);

  Status OnEvent(const binlog::Event& ev, bool inner) override;
  Status OnRowChange(const binlog::RowChangeEvent& row) override;

  // True while the writer holds a transaction this sink opened (a row of it was written).
  bool transaction_open() const { return transaction_open_; }
  // The run loop ended the current transaction (or it had no written rows).
  void TransactionEnded() {
    transaction_open_ = false;
    skip_transaction_ = false;
  }
  bool stop_requested() const { return stop_requested_; }
  // Skips rows committed before `t` (--start-time, for a run without a checkpoint).
  void SetSkipBefore(std::chrono::system_clock::time_point t) { skip_before_ = t; }
  // The connection catalog re-reads go to from now on (after a reconnect, possibly to another
  // server of the source); borrowed like the constructor's.
  void SetControl(MysqlConnection* control) { control_ = control; }
  // The pump's position (file and offset of the event being handled), for DDL records.
  void SetTracker(const binlog::PositionTracker* tracker) { tracker_ = tracker; }
  // Forgets the open transaction and the per-map caches (a new stream begins).
  void Reset();
  // Drops what is cached for a table map (after an XA body was re-read by a pump of its own).
  void ForgetTableMap(uint64_t serial);
  // Row changes given to the writer so far.
  uint64_t row_changes() const { return row_changes_; }

  // The catalog's columns of schema.table (nullptr if unknown): schema hints for the pump.
  const TableSchema* Hint(std::string_view schema, std::string_view table) const;

 private:
  // A table's columns as read (`schema`) and as written (`transform.target()`), with the token
  // that names the written description to the writer.
  struct OutputTable {
    TableSchema schema;
    TableTransform transform;              // the transformation rules' target (names, kept columns)
    std::unique_ptr<RowTransformer> rows;  // makes `transform`'s rows (null if status failed)
    uint64_t token = 0;
    CdcRowFilter filter;    // the mappings' source filters on the source's columns
    Status status;          // why the filters or rules do not apply (stops the task)
    bool has_json = false;  // a JSON column (its text values become Value::Json)
  };

  // CdcSelectsTable, decided once per table map (matching the rules' patterns for every row was
  // ~2% of a catch-up).
  bool Selected(const binlog::TableMap& map);
  // The map's description (see the header comment); `*created` tells whether this call made it
  // (else it was cached).
  const OutputTable& OutputSchema(const binlog::TableMap& map, bool* created);
  // Whether an update is written as a delete of its before-image and an insert of its
  // after-image: it changes the primary key (compared as rendered text), or the table has none
  // (in the source, or in the target when transformation rules removed a key column).
  bool UpdateIsDeleteAndInsert(const OutputTable& output, const binlog::RowImage& before,
                               const binlog::RowImage& after);
  // One change to the writer: JSON text typed, the sequence value made, counted.
  Status WriteChange(const OutputTable& output, char op, const binlog::RowImage& image,
                     const binlog::RowChangeEvent& row);
  void RefreshCatalog();

  const CdcSinkOptions options_;
  CdcWriter* writer_;
  std::map<std::string, TableSchema>* catalog_;
  MysqlConnection* control_;                           // the caller's, or reopened_control_
  std::unique_ptr<MysqlConnection> reopened_control_;  // after the caller's was lost
  SchemaHistory* history_;
  const binlog::PositionTracker* tracker_ = nullptr;
  std::unordered_map<uint64_t, OutputTable> output_schemas_;  // by table map serial
  std::unordered_map<uint64_t, bool> selected_;               // by table map serial
  uint64_t last_token_ = 0;              // never reused, so a token always means one description
  std::set<uint64_t> recorded_serials_;  // table maps whose schema was given to the history
  std::vector<Value> values_;
  std::vector<Value> before_values_;  // an update's before-image, JSON rendered
  std::string header_time_;           // scratch: the change's $AR_H_TIMESTAMP
  std::string header_position_;       // scratch: its $AR_H_STREAM_POSITION
  TargetTableClaims claims_;          // one source table per target table
  std::string key_text_a_;            // scratch for UpdateIsDeleteAndInsert
  std::string key_text_b_;
  std::string sequence_;
  std::string sequence_file_;
  uint64_t sequence_event_ = 0;
  uint64_t sequence_row_ = 0;
  bool transaction_open_ = false;
  bool skip_transaction_ = false;
  bool stop_requested_ = false;
  std::optional<std::chrono::system_clock::time_point> skip_before_;
  uint64_t row_changes_ = 0;
};

}  // namespace binlake
