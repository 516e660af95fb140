// Serving channels into Pipe mode FIFOs, epoch after epoch (pipe_server.h).
#include "pipe/pipe_server.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "format/recordio/recordio.h"
#include "pipe/epoch_plan.h"
#include "pipe/fifo.h"
#include "pipe/gunzip.h"

namespace binlake::pipe {
namespace {

std::string FifoPath(const std::string& dir, const std::string& channel, uint64_t epoch) {
  return dir + "/" + channel + "_" + std::to_string(epoch);
}

// Writes records as RecordIO. A record is gathered after an 8-byte gap (record_) so that, when
// it holds no magic word at an aligned offset (almost always), its header goes into the gap and
// the framed record is written without a copy; otherwise AppendRecordIo splits it.
class RecordFramer {
 public:
  std::string* StartRecord() {
    record_.assign(8, '\0');
    return &record_;
  }
  // The record gathered in *StartRecord()'s buffer, after its first 8 bytes.
  Result<bool> WriteGathered(FifoWriter& out, const std::string& name) {
    std::string_view data(record_.data() + 8, record_.size() - 8);
    if (data.size() > kRecordIoMaxRecord) {
      return Unsupported(name + " is " + std::to_string(data.size()) +
                         " bytes: longer than a RecordIO record can be (" +
                         std::to_string(kRecordIoMaxRecord) + " bytes)");
    }
    const uint64_t padded = (data.size() + 3) / 4 * 4;
    if (RecordIoFramedSize(data) == 8 + padded) {
      const uint32_t words[2] = {kRecordIoMagic, static_cast<uint32_t>(data.size())};
      static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "RecordIO words are little-endian");
      std::memcpy(record_.data(), words, 8);
      record_.append(padded - data.size(), '\0');
      return out.Write(record_);
    }
    return WriteOne(out, data);
  }
  Result<bool> WriteOne(FifoWriter& out, std::string_view record) {
    framed_.clear();
    RETURN_IF_ERROR(AppendRecordIo(record, &framed_));
    return out.Write(framed_);
  }

 private:
  std::string record_;
  std::string framed_;
};

Status ServeEpoch(const ChannelConfig& channel, const std::vector<Item>& items,
                  const std::vector<size_t>& order, const ReadAheadOptions& read_ahead,
                  FifoWriter& out, EpochReport* report) {
  const bool recordio = channel.record_wrapper == RecordWrapper::kRecordIo;
  const bool gzip = channel.compression == Compression::kGzip;
  std::vector<ObjectRef> objects;
  for (size_t idx : order) {
    for (const Part& part : items[idx].parts) {
      if (part.is_inline) continue;
      if (recordio && !gzip && part.object.size > kRecordIoMaxRecord) {
        return Unsupported(part.object.name + " is " + std::to_string(part.object.size) +
                           " bytes: longer than a RecordIO record can be (" +
                           std::to_string(kRecordIoMaxRecord) + " bytes)");
      }
      objects.push_back(part.object);
    }
  }
  ReadAhead reader(std::move(objects), read_ahead);
  Gunzip gunzip;
  RecordFramer framer;
  std::string* record = nullptr;
  std::string current;  // the object being served, for messages

  // Where an object's (decompressed) bytes go: the record being gathered, or the FIFO.
  auto sink = [&](std::string_view bytes) -> Result<bool> {
    if (record == nullptr) return out.Write(bytes);
    if (record->size() - 8 + bytes.size() > kRecordIoMaxRecord) {
      return Unsupported(current + " decompresses to more than " +
                         std::to_string(kRecordIoMaxRecord) +
                         " bytes, the most a RecordIO record can hold");
    }
    record->append(bytes);
    return true;
  };

  for (size_t idx : order) {
    for (const Part& part : items[idx].parts) {
      bool open = true;
      if (part.is_inline) {
        if (recordio) {
          ASSIGN_OR_RETURN(open, framer.WriteOne(out, part.bytes));
        } else {
          ASSIGN_OR_RETURN(open, out.Write(part.bytes));
        }
        if (!open) {
          report->reader_stopped = true;
          return Status::Ok();
        }
        continue;
      }
      current = part.object.name;
      record = recordio ? framer.StartRecord() : nullptr;
      if (recordio && !gzip) record->reserve(8 + part.object.size + 3);
      if (gzip) RETURN_IF_ERROR(gunzip.Reset(current));
      while (open) {
        ReadAhead::Chunk* chunk = reader.Next();
        if (chunk == nullptr) return Internal("the read-ahead ended before " + current);
        if (!chunk->status.ok()) {
          Status failed = chunk->status;
          reader.Release(chunk);
          return failed;
        }
        const bool last = chunk->last;
        Result<bool> wrote = gzip ? gunzip.Feed(chunk->data, sink) : sink(chunk->data);
        reader.Release(chunk);
        if (!wrote.ok()) return wrote.status();
        open = *wrote;
        if (last) break;
      }
      if (open && gzip) RETURN_IF_ERROR(gunzip.Finish());
      if (open && recordio) {
        ASSIGN_OR_RETURN(open, framer.WriteGathered(out, current));
      }
      if (!open) {
        report->reader_stopped = true;
        return Status::Ok();
      }
    }
    ++report->items;
  }
  ASSIGN_OR_RETURN(bool open, out.Flush());
  if (!open) report->reader_stopped = true;
  return Status::Ok();
}

struct ChannelRun {
  const ChannelConfig* config = nullptr;
  std::vector<Item> items;
  ReadAheadOptions read_ahead;
  ChannelReport report;
  Status status;
};

Status ServeChannel(ChannelRun& run, const PipeOptions& options, StopFlag& stop) {
  const ChannelConfig& channel = *run.config;
  uint64_t epoch = 0;
  // Whatever happens, the FIFOs this channel made are gone when it returns.
  struct Cleanup {
    const PipeOptions& options;
    const ChannelConfig& channel;
    const uint64_t& epoch;
    ~Cleanup() {
      ::unlink(FifoPath(options.fifo_dir, channel.name, epoch).c_str());
      ::unlink(FifoPath(options.fifo_dir, channel.name, epoch + 1).c_str());
    }
  } cleanup{options, channel, epoch};

  for (; options.epochs == 0 || epoch < options.epochs; ++epoch) {
    const std::string path = FifoPath(options.fifo_dir, channel.name, epoch);
    FifoWriter out(&stop);
    RETURN_IF_ERROR(out.Open(path, options.open_timeout));
    std::vector<size_t> order = EpochItems(run.items.size(), channel.shuffle_seed,
                                           channel.distribution, options.host, epoch);
    EpochReport report;
    Status served = ServeEpoch(channel, run.items, order, run.read_ahead, out, &report);
    report.bytes = out.bytes_written();
    if (!served.ok()) {
      return served.WithContext("channel " + channel.name + " epoch " + std::to_string(epoch));
    }
    if (options.epochs == 0 || epoch + 1 < options.epochs) {
      RETURN_IF_ERROR(MakeFifo(FifoPath(options.fifo_dir, channel.name, epoch + 1)));
    }
    out.Close();
    ::unlink(path.c_str());
    if (report.reader_stopped) {
      spdlog::info("{}: the reader closed it early, after {} byte(s) ({} of {} item(s))", path,
                   report.bytes, report.items, order.size());
    } else {
      spdlog::info("{}: served {} item(s), {} byte(s)", path, report.items, report.bytes);
    }
    run.report.epochs.push_back(report);
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<ChannelReport>> RunPipe(const std::vector<ChannelConfig>& channels,
                                           const PipeOptions& options) {
  if (channels.empty()) return InvalidArgument("no channel to serve");
  if (options.host.count == 0 || options.host.index >= options.host.count) {
    return InvalidArgument("host index " + std::to_string(options.host.index) +
                           " is not below the host count " + std::to_string(options.host.count));
  }
  // A reader that closes its end must not kill the process: its writes fail with EPIPE instead.
  ::signal(SIGPIPE, SIG_IGN);

  StoreCache stores(options.open_store);
  std::vector<ChannelRun> runs(channels.size());
  for (size_t i = 0; i < channels.size(); ++i) {
    ChannelRun& run = runs[i];
    run.config = &channels[i];
    run.report.name = channels[i].name;
    for (size_t j = 0; j < i; ++j) {
      if (channels[j].name == channels[i].name) {
        return InvalidArgument("channel " + channels[i].name + " is given twice");
      }
    }
    ASSIGN_OR_RETURN(run.items, ResolveChannelItems(channels[i], stores));
    run.report.channel_items = run.items.size();
    RETURN_IF_ERROR(CheckShards(run.items.size(), channels[i].distribution, options.host,
                                "channel " + channels[i].name));
    // Read-ahead sized for the store the channel's first object is in.
    const ObjectStore* store = nullptr;
    for (const Item& item : run.items) {
      for (const Part& part : item.parts) {
        if (!part.is_inline && store == nullptr) store = part.object.store;
      }
    }
    const bool s3 = channels[i].uri.rfind("s3://", 0) == 0;
    run.read_ahead.chunk_bytes = options.chunk_bytes > 0 ? options.chunk_bytes
                                 : store != nullptr      ? store->PreferredReadBytes()
                                                         : (1u << 20);
    run.read_ahead.threads = options.read_threads > 0 ? options.read_threads : (s3 ? 4 : 2);
    run.read_ahead.max_ahead_bytes =
        options.read_ahead_bytes > 0 ? options.read_ahead_bytes : run.read_ahead.chunk_bytes * 8;
  }

  std::error_code ec;
  std::filesystem::create_directories(options.fifo_dir, ec);
  if (ec) return IoError("cannot make --fifo-dir " + options.fifo_dir + ": " + ec.message());
  for (const ChannelConfig& channel : channels) {
    Status made = MakeFifo(FifoPath(options.fifo_dir, channel.name, 0));
    if (!made.ok()) {
      for (const ChannelConfig& c : channels) {
        if (&c == &channel) break;
        ::unlink(FifoPath(options.fifo_dir, c.name, 0).c_str());
      }
      return made;
    }
  }

  StopFlag stop;
  stop.external = options.cancel;
  std::mutex first_error_mu;
  Status first_error;
  std::vector<std::thread> threads;
  threads.reserve(runs.size());
  for (ChannelRun& run : runs) {
    threads.emplace_back([&run, &options, &stop, &first_error_mu, &first_error] {
      run.status = ServeChannel(run, options, stop);
      if (!run.status.ok()) {
        std::lock_guard<std::mutex> lock(first_error_mu);
        // The first real failure wins over the cancellations it causes in other channels.
        if (first_error.ok() &&
            !(run.status.code() == StatusCode::kCancelled && stop.internal.load())) {
          first_error = run.status;
        }
        stop.internal = true;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  if (!first_error.ok()) return first_error;
  for (const ChannelRun& run : runs) {
    if (!run.status.ok()) return run.status;
  }
  std::vector<ChannelReport> reports;
  for (ChannelRun& run : runs) reports.push_back(std::move(run.report));
  return reports;
}

}  // namespace binlake::pipe
