#include "binlog/event_decoder.h"

#include <string>

#include "binlog/event_decoders_internal.h"

namespace binlake::binlog {

bool IsRowsEventType(uint8_t type) {
  switch (static_cast<EventType>(type)) {
    case EventType::kPreGaWriteRows:
    case EventType::kPreGaUpdateRows:
    case EventType::kPreGaDeleteRows:
    case EventType::kWriteRowsV1:
    case EventType::kUpdateRowsV1:
    case EventType::kDeleteRowsV1:
    case EventType::kWriteRowsV2:
    case EventType::kUpdateRowsV2:
    case EventType::kDeleteRowsV2:
    case EventType::kPartialUpdateRows:
    case EventType::kMariaWriteRowsCompressedV1:
    case EventType::kMariaUpdateRowsCompressedV1:
    case EventType::kMariaDeleteRowsCompressedV1:
    case EventType::kMariaWriteRowsCompressed:
    case EventType::kMariaUpdateRowsCompressed:
    case EventType::kMariaDeleteRowsCompressed:
      return true;
    default:
      return false;
  }
}

void ApplyFormatDescription(const FormatDescriptionEvent& fde, DecodeContext* ctx) {
  ctx->flavor = fde.flavor;
  ctx->checksum = fde.checksum == ChecksumAlg::kCrc32 ? ChecksumAlg::kCrc32 : ChecksumAlg::kOff;
  ctx->binlog_version = fde.binlog_version;
  ctx->server_version = ParseServerVersion(fde.server_version);
  ctx->post_header_len.fill(0);
  for (size_t i = 0; i < fde.post_header_lengths.size() && i + 1 < ctx->post_header_len.size();
       ++i) {
    ctx->post_header_len[i + 1] = fde.post_header_lengths[i];
  }
  ctx->permuted_types = fde.permuted_event_types;
  for (size_t i = 0; i < ctx->type_map.size(); ++i) ctx->type_map[i] = static_cast<uint8_t>(i);
  if (fde.permuted_event_types) {
    // Old code -> standard code: 16 TABLE_MAP, 17-19 v0 rows, 20 XID, 21-22 LOAD_QUERY events.
    static constexpr uint8_t kPerm[23] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                          12, 13, 14, 15, 19, 20, 21, 22, 16, 17, 18};
    for (size_t i = 0; i < 23; ++i) ctx->type_map[i] = kPerm[i];
    for (size_t i = 1; i < 23 && i - 1 < fde.post_header_lengths.size(); ++i) {
      ctx->post_header_len[kPerm[i]] = fde.post_header_lengths[i - 1];
    }
  }
}

namespace {

// Decodes in place: the variant's previous alternative is replaced without moving events around.
template <typename T, typename F>
Status Decode(EventData* data, F&& f) {
  T* ev = std::get_if<T>(data);
  if (ev == nullptr) {
    ev = &data->emplace<T>();
  } else {
    *ev = T();
  }
  return f(ev);
}

Status DecodeBody(const EventHeader& h, ByteView bytes, ByteView body, const DecodeContext& ctx,
                  EventData* data) {
  using namespace internal;  // NOLINT(build/namespaces)
  switch (static_cast<EventType>(h.type)) {
    case EventType::kFormatDescription:
      return Decode<FormatDescriptionEvent>(
          data, [&](auto* e) { return DecodeFormatDescription(h, bytes, ctx.verify_checksum, e); });
    case EventType::kRotate:
      return Decode<RotateEvent>(data, [&](auto* e) { return DecodeRotate(body, ctx, e); });
    case EventType::kStop:
      data->emplace<StopEvent>();
      return Status::Ok();
    case EventType::kXid:
      return Decode<XidEvent>(data, [&](auto* e) { return DecodeXid(body, e); });
    case EventType::kIntvar:
      return Decode<IntvarEvent>(data, [&](auto* e) { return DecodeIntvar(body, e); });
    case EventType::kRand:
      return Decode<RandEvent>(data, [&](auto* e) { return DecodeRand(body, e); });
    case EventType::kUserVar:
      return Decode<UserVarEvent>(data, [&](auto* e) { return DecodeUserVar(body, e); });
    case EventType::kQuery:
    case EventType::kMariaQueryCompressed:
      return Decode<QueryEvent>(data, [&](auto* e) { return DecodeQuery(h, body, ctx, e); });
    case EventType::kRowsQuery:
    case EventType::kMariaAnnotateRows:
      return Decode<RowsQueryEvent>(data, [&](auto* e) { return DecodeRowsQuery(h, body, e); });
    case EventType::kHeartbeat:
      return Decode<HeartbeatEvent>(data, [&](auto* e) { return DecodeHeartbeat(h, body, e); });
    case EventType::kHeartbeatV2:
      return Decode<HeartbeatEvent>(data, [&](auto* e) { return DecodeHeartbeatV2(body, e); });
    case EventType::kIncident:
      return Decode<IncidentEvent>(data, [&](auto* e) { return DecodeIncident(body, ctx, e); });
    case EventType::kGtid:
    case EventType::kAnonymousGtid:
    case EventType::kGtidTagged:
      return Decode<MySqlGtidEvent>(data, [&](auto* e) { return DecodeMySqlGtid(h, body, e); });
    case EventType::kPreviousGtids:
      return Decode<PreviousGtidsEvent>(data,
                                        [&](auto* e) { return DecodePreviousGtids(body, e); });
    case EventType::kMariaGtid:
      return Decode<MariaGtidEvent>(data, [&](auto* e) { return DecodeMariaGtid(h, body, e); });
    case EventType::kMariaGtidList:
      return Decode<MariaGtidListEvent>(data,
                                        [&](auto* e) { return DecodeMariaGtidList(body, e); });
    case EventType::kMariaBinlogCheckpoint:
      return Decode<BinlogCheckpointEvent>(
          data, [&](auto* e) { return DecodeBinlogCheckpoint(body, e); });
    case EventType::kMariaStartEncryption:
      return Unsupported(
          "the binlog is encrypted (MariaDB encrypt_binlog=ON, START_ENCRYPTION event); binlake "
          "cannot read encrypted binlogs: stream them from the server, which decrypts them");
    case EventType::kXaPrepare:
      return Decode<XaPrepareEvent>(data, [&](auto* e) { return DecodeXaPrepare(body, ctx, e); });
    case EventType::kTableMap:
      return Decode<TableMapEvent>(data,
                                   [&](auto* e) { return DecodeTableMapHeader(body, ctx, e); });
    case EventType::kTransactionPayload:
      return Decode<TransactionPayloadEvent>(
          data, [&](auto* e) { return DecodeTransactionPayload(body, e); });
    default:
      if (IsRowsEventType(h.type)) {
        return Decode<RowsEvent>(data, [&](auto* e) { return DecodeRows(h, body, ctx, e); });
      }
      data->emplace<SkippedEvent>(SkippedEvent{body});
      return Status::Ok();
  }
}

}  // namespace

Status DecodeEvent(ByteView bytes, const DecodeContext& ctx, Event* out) {
  ASSIGN_OR_RETURN(FramedEvent framed, FrameEvent(bytes, ctx));
  if (ctx.permuted_types && framed.header.type < ctx.type_map.size()) {
    framed.header.type = ctx.type_map[framed.header.type];
  }
  out->header = framed.header;
  Status st = DecodeBody(framed.header, bytes, framed.body, ctx, &out->data);
  if (!st.ok()) {
    return st.WithContext(std::string(EventTypeName(framed.header.type)) + " event");
  }
  return Status::Ok();
}

Result<Event> DecodeEvent(ByteView bytes, const DecodeContext& ctx) {
  Event ev{EventHeader{}, SkippedEvent{}};
  RETURN_IF_ERROR(DecodeEvent(bytes, ctx, &ev));
  return ev;
}

}  // namespace binlake::binlog
