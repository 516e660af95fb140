#include "binlog/event_pump.h"

#include <string>

#include "binlog/transaction_payload.h"

namespace binlake::binlog {
namespace {

// MySQL writes a rows event with this table id and STMT_END_F to mark a statement end when it
// has no table to name ("dummy event"); it carries no rows.
constexpr uint64_t kDummyTableId = 0x00ffffff;

std::string IncidentName(uint16_t n) {
  return n == 1 ? "LOST_EVENTS" : "incident " + std::to_string(n);
}

}  // namespace

EventPump::EventPump(PumpOptions options, EventSink* sink)
    : options_(std::move(options)),
      sink_(sink),
      ctx_(DecodeContext::Default()),
      tables_(options_.schema_hints) {
  ctx_.verify_checksum = options_.verify_checksum;
}

void EventPump::StartFile(std::string name, uint64_t position) {
  tracker_.Reset(std::move(name), position);
}

Status EventPump::Feed(ByteView bytes, uint64_t start) {
  auto context = [&](uint8_t type) {
    return tracker_.file() + " at " + std::to_string(start) + " (" +
           std::string(EventTypeName(type)) + ")";
  };
  Status decoded = DecodeEvent(bytes, ctx_, &event_);
  if (!decoded.ok()) {
    uint8_t type = bytes.size() > 4 ? bytes[4] : 0;
    return Status(decoded.code(), context(type) + ": " + decoded.message());
  }
  const Event& ev = event_;
  ++stats_.events[ev.header.type];
  stats_.bytes += bytes.size();
  tracker_.OnEvent(ev, start, start + bytes.size());
  Status st = Handle(ev, false);
  if (!st.ok()) return Status(st.code(), context(ev.header.type) + ": " + st.message());
  return Status::Ok();
}

Status EventPump::Feed(ByteView bytes, uint64_t start, bool crc32_verified) {
  if (!crc32_verified || !ctx_.verify_checksum) return Feed(bytes, start);
  ctx_.verify_checksum = false;  // the same comparison was made by the caller
  Status st = Feed(bytes, start);
  ctx_.verify_checksum = options_.verify_checksum;
  return st;
}

Status EventPump::Handle(const Event& ev, bool inner) {
  if (std::holds_alternative<SkippedEvent>(ev.data)) ++stats_.skipped;
  if (const auto* fde = std::get_if<FormatDescriptionEvent>(&ev.data)) {
    ApplyFormatDescription(*fde, &ctx_);
    ctx_.verify_checksum = options_.verify_checksum;
    tables_.Clear();
  } else if (const auto* tm = std::get_if<TableMapEvent>(&ev.data)) {
    if (options_.decode_rows) RETURN_IF_ERROR(tables_.Add(*tm, ctx_).status());
  } else if (const auto* inc = std::get_if<IncidentEvent>(&ev.data)) {
    return Corruption(std::string("INCIDENT event: the source reported ") +
                      IncidentName(inc->incident) +
                      (inc->message.empty() ? "" : ": " + std::string(inc->message)));
  }
  RETURN_IF_ERROR(sink_->OnEvent(ev, inner));
  if (const auto* rows = std::get_if<RowsEvent>(&ev.data)) {
    if (options_.decode_rows) RETURN_IF_ERROR(EmitRows(ev, *rows));
  } else if (const auto* payload = std::get_if<TransactionPayloadEvent>(&ev.data)) {
    if (inner) return Corruption("nested TRANSACTION_PAYLOAD");
    ASSIGN_OR_RETURN(std::unique_ptr<PayloadReader> reader, PayloadReader::Open(*payload));
    DecodeContext inner_ctx = InnerContext(ctx_);
    size_t index = 0;
    while (true) {
      ASSIGN_OR_RETURN(std::optional<ByteView> bytes, reader->Next());
      if (!bytes) break;
      Result<Event> decoded = DecodeEvent(*bytes, inner_ctx);
      if (!decoded.ok()) {
        return decoded.status().WithContext("event " + std::to_string(index + 1) +
                                            " inside the TRANSACTION_PAYLOAD");
      }
      ++stats_.inner_events[decoded->header.type];
      tracker_.OnInnerEvent(decoded.value());
      RETURN_IF_ERROR(Handle(decoded.value(), true));
      ++index;
    }
  }
  return Status::Ok();
}

Status EventPump::EmitRows(const Event& ev, const RowsEvent& rows) {
  const TableMap* table = tables_.Find(rows.table_id);
  if (table == nullptr) {
    if (rows.rows.empty() || rows.table_id == kDummyTableId) return Status::Ok();
    return Corruption("rows event for table id " + std::to_string(rows.table_id) +
                      " without a preceding TABLE_MAP (does the start position fall inside a "
                      "transaction?)");
  }
  ASSIGN_OR_RETURN(RowReader reader, RowReader::Create(rows, *table, &scratch_));
  RowChange change;
  RowChangeEvent out;
  out.table = table;
  out.change = &change;
  out.header = &ev.header;
  out.position = &tracker_;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&change));
    if (!more) break;
    ++stats_.row_changes;
    RETURN_IF_ERROR(sink_->OnRowChange(out));
    ++out.row_index;
  }
  stats_.unresolved_partial_json += reader.unresolved_partial_json();
  return Status::Ok();
}

}  // namespace binlake::binlog
