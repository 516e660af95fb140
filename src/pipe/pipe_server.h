// `binlake pipe`: serves channels into FIFOs as SageMaker's Pipe mode presents them to a training
// container (docs/PIPE.md). For each channel, one thread serves epoch 0, 1, 2, ... in turn:
//
//   <fifo_dir>/<channel>_<epoch> is made (epoch 0's FIFOs of every channel before any is served),
//   binlake waits up to open_timeout for the reader to open it, writes the epoch's bytes (the
//   host's items in epoch_plan.h's order; each object's bytes, gunzipped for Gzip; each object or
//   augmented-manifest value one RecordIO record for RecordIO), makes the next epoch's FIFO,
//   closes this one (the reader sees end of file) and removes it.
//
// A reader that closes its end early (EPIPE) ends that epoch for it; the next one is served.
// Objects are read ahead in parallel ranged reads (read_ahead.h): memory stays bounded
// (max_ahead_bytes per channel; with RecordIO, plus one record, at most 2^29 - 1 bytes).
//
// Errors stop every channel; the FIFOs binlake made are removed; the first error is returned
// (the reader of an epoch cut by an error sees end of file early: the run's exit status is what
// says the epoch failed).
//
// Thread-safety: RunPipe is called once per process at a time; it runs one thread per channel.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "pipe/channel_config.h"
#include "pipe/channel_items.h"

namespace binlake::pipe {

struct PipeOptions {
  std::string fifo_dir = "/opt/ml/input/data";
  uint64_t epochs = 1;  // 0: until stopped (cancel)
  HostPlacement host;
  std::chrono::milliseconds open_timeout{300000};
  int read_threads = 0;         // per channel; 0: 4 for s3://, 2 for file://
  size_t read_ahead_bytes = 0;  // per channel; 0: 8 chunks
  size_t chunk_bytes = 0;       // 0: the store's PreferredReadBytes (S3 8 MiB, local 1 MiB)
  const std::atomic<bool>* cancel = nullptr;  // set by SIGINT/SIGTERM: stop (kCancelled)
  StoreOpener open_store;
};

struct EpochReport {
  uint64_t items = 0;           // items served in full
  uint64_t bytes = 0;           // bytes written to the FIFO
  bool reader_stopped = false;  // the reader closed the FIFO before the end
};

struct ChannelReport {
  std::string name;
  size_t channel_items = 0;  // items in the channel (all hosts)
  std::vector<EpochReport> epochs;
};

Result<std::vector<ChannelReport>> RunPipe(const std::vector<ChannelConfig>& channels,
                                           const PipeOptions& options);

}  // namespace binlake::pipe
