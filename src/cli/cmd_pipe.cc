// `binlake pipe`: SageMaker Pipe mode's input channels served into FIFOs outside SageMaker
// (pipe/pipe_server.h, docs/PIPE.md). Channels come from --channel flags, or else from
// SageMaker's inputdataconfig.json and resourceconfig.json.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/task_options.h"
#include "ops/log_format.h"
#include "pipe/channel_config.h"
#include "pipe/pipe_server.h"
#include "store/target_config.h"

namespace binlake::cli {
namespace {

std::atomic<bool> g_pipe_interrupted{false};
void OnPipeSignal(int) { g_pipe_interrupted.store(true); }

struct PipeFlags {
  TaskFlags task;  // S3 access flags and logging only
  std::vector<std::string> channels;
  std::string input_data_config = "/opt/ml/input/config/inputdataconfig.json";
  std::string resource_config = "/opt/ml/input/config/resourceconfig.json";
  std::string fifo_dir = "/opt/ml/input/data";
  uint64_t epochs = 1;
  std::string distribution = "FullyReplicated";
  int64_t host_index = -1;
  int64_t host_count = -1;
  std::string shuffle_seed;
  std::string record_wrapper = "None";
  std::string compression = "None";
  std::string data_type = "S3Prefix";
  std::vector<std::string> attribute_names;
  double open_timeout = 300;
  int read_threads = 0;
  uint64_t read_ahead_mb = 0;
};

Result<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + std::string(what) + " " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::vector<pipe::ChannelConfig>> ChannelsFromFlags(const PipeFlags& f) {
  std::vector<pipe::ChannelConfig> out;
  ASSIGN_OR_RETURN(auto distribution, pipe::ParseDistribution(f.distribution));
  ASSIGN_OR_RETURN(auto wrapper, pipe::ParseRecordWrapper(f.record_wrapper));
  ASSIGN_OR_RETURN(auto compression, pipe::ParseCompression(f.compression));
  ASSIGN_OR_RETURN(auto data_type, pipe::ParseDataType(f.data_type));
  std::optional<int64_t> seed;
  if (!f.shuffle_seed.empty()) {
    try {
      size_t used = 0;
      seed = std::stoll(f.shuffle_seed, &used);
      if (used != f.shuffle_seed.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      return InvalidArgument("--shuffle-seed takes an integer, not '" + f.shuffle_seed + "'");
    }
  }
  if (data_type == pipe::DataType::kAugmentedManifestFile && f.attribute_names.empty()) {
    return InvalidArgument("--data-type AugmentedManifestFile needs --attribute-names");
  }
  for (const std::string& flag : f.channels) {
    ASSIGN_OR_RETURN(pipe::ChannelConfig c, pipe::ParseChannelFlag(flag));
    c.distribution = distribution;
    c.record_wrapper = wrapper;
    c.compression = compression;
    c.data_type = data_type;
    c.shuffle_seed = seed;
    c.attribute_names = f.attribute_names;
    out.push_back(std::move(c));
  }
  return out;
}

int Run(const PipeFlags& f) {
  spdlog::set_level(spdlog::level::from_str(f.task.log_level));
  Status fmt = ops::SetLogFormat(f.task.log_format, f.task.command, "");
  if (!fmt.ok()) return ReportBadUsage(fmt);

  std::vector<pipe::ChannelConfig> channels;
  pipe::HostPlacement host;
  if (!f.channels.empty()) {
    auto parsed = ChannelsFromFlags(f);
    if (!parsed.ok()) return ReportBadUsage(parsed.status());
    channels = std::move(*parsed);
  } else {
    auto text = ReadFile(f.input_data_config, "--input-data-config");
    if (!text.ok()) {
      return ReportBadUsage(InvalidArgument(text.status().message() +
                                            " (give --channel NAME=URL, or SageMaker's " +
                                            "inputdataconfig.json with --input-data-config)"));
    }
    auto parsed = pipe::ParseInputDataConfig(*text, f.input_data_config);
    if (!parsed.ok()) return ReportBadUsage(parsed.status());
    channels = std::move(*parsed);
    if (f.host_index < 0 && f.host_count < 0) {
      auto resource = ReadFile(f.resource_config, "--resource-config");
      if (resource.ok()) {
        auto placement = pipe::ParseResourceConfig(*resource, f.resource_config);
        if (!placement.ok()) return ReportBadUsage(placement.status());
        host = *placement;
      } else {
        // No resourceconfig.json: one host, unless a channel needs to know.
        for (const auto& c : channels) {
          if (c.distribution == pipe::Distribution::kShardedByS3Key) {
            return ReportBadUsage(InvalidArgument(
                "channel " + c.name + " is ShardedByS3Key but " + resource.status().message() +
                " (give it with --resource-config, or --host-index and --host-count)"));
          }
        }
      }
    }
  }
  if (f.host_index >= 0 || f.host_count >= 0) {
    if (f.host_index < 0 || f.host_count < 1 || f.host_index >= f.host_count) {
      return ReportBadUsage(
          InvalidArgument("--host-index I and --host-count N go together, with 0 <= I < N"));
    }
    host.index = static_cast<size_t>(f.host_index);
    host.count = static_cast<size_t>(f.host_count);
  }

  pipe::PipeOptions options;
  options.fifo_dir = f.fifo_dir;
  options.epochs = f.epochs;
  options.host = host;
  options.open_timeout = std::chrono::milliseconds(static_cast<int64_t>(f.open_timeout * 1000));
  options.read_threads = f.read_threads;
  options.read_ahead_bytes = static_cast<size_t>(f.read_ahead_mb << 20);
  options.cancel = &g_pipe_interrupted;
  TargetConfig base;
  base.endpoint_url = f.task.endpoint_url;
  base.region = f.task.region;
  base.profile = f.task.profile;
  base.force_path_style = f.task.force_path_style;
  base.ca_bundle = f.task.ca_bundle;
  options.open_store = [base](const std::string& url) {
    TargetConfig config = base;
    config.url = url;
    return OpenObjectStore(config);
  };

  struct sigaction sa {};
  sa.sa_handler = OnPipeSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  auto result = pipe::RunPipe(channels, options);
  if (!result.ok()) {
    if (result.status().code() == StatusCode::kCancelled) {
      spdlog::warn("pipe interrupted; its FIFOs were removed");
      return 130;
    }
    return ReportFailure(result.status());
  }
  for (const pipe::ChannelReport& r : *result) {
    uint64_t bytes = 0;
    for (const auto& e : r.epochs) bytes += e.bytes;
    std::printf("channel %s: %zu epoch(s) served, %llu byte(s) (%zu item(s) in the channel)\n",
                r.name.c_str(), r.epochs.size(), static_cast<unsigned long long>(bytes),
                r.channel_items);
  }
  return 0;
}

}  // namespace

void RegisterPipeCommand(CLI::App& root, CommandTable& table) {
  auto f = std::make_shared<PipeFlags>();
  CLI::App* cmd = root.add_subcommand(
      "pipe",
      "Serve training channels (a local directory or an S3 prefix, a manifest, an augmented "
      "manifest) into FIFOs <fifo-dir>/<channel>_<epoch> as SageMaker's Pipe input mode does");
  cmd->add_option("--channel", f->channels,
                  "NAME=URL (file:///dir or s3://bucket/prefix; repeatable). Without it, the "
                  "channels of --input-data-config are served");
  cmd->add_option("--input-data-config", f->input_data_config,
                  "SageMaker's inputdataconfig.json (used when no --channel is given)")
      ->capture_default_str();
  cmd->add_option("--resource-config", f->resource_config,
                  "SageMaker's resourceconfig.json: this host's place among the hosts")
      ->capture_default_str();
  cmd->add_option("--fifo-dir", f->fifo_dir, "Where the FIFOs are made")->capture_default_str();
  cmd->add_option("--epochs", f->epochs, "Epochs to serve (0: until SIGINT/SIGTERM)")
      ->capture_default_str();
  cmd->add_option("--data-type", f->data_type,
                  "With --channel: S3Prefix | ManifestFile | AugmentedManifestFile")
      ->capture_default_str();
  cmd->add_option("--attribute-names", f->attribute_names,
                  "With --channel and AugmentedManifestFile: the attributes served, in order");
  cmd->add_option("--distribution", f->distribution,
                  "With --channel: FullyReplicated | ShardedByS3Key")
      ->capture_default_str();
  cmd->add_option("--host-index", f->host_index, "This host's 0-based index (ShardedByS3Key)");
  cmd->add_option("--host-count", f->host_count, "How many hosts share the channels");
  cmd->add_option("--shuffle-seed", f->shuffle_seed,
                  "With --channel: shuffle the items afresh every epoch with this seed");
  cmd->add_option("--record-wrapper", f->record_wrapper, "With --channel: None | RecordIO")
      ->capture_default_str();
  cmd->add_option("--compression", f->compression,
                  "With --channel: None | Gzip (objects are gunzipped as they are served)")
      ->capture_default_str();
  cmd->add_option("--open-timeout", f->open_timeout,
                  "Seconds to wait for the reader to open each FIFO")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--read-threads", f->read_threads,
                  "Parallel reads per channel (0: 4 for S3, 2 for local files)")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  cmd->add_option("--read-ahead-mb", f->read_ahead_mb,
                  "Bytes read ahead per channel, in MiB (0: 8 read chunks)")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 16));
  cmd->add_option("--endpoint-url", f->task.endpoint_url, "S3 endpoint");
  cmd->add_option("--region", f->task.region, "S3 region");
  cmd->add_option("--profile", f->task.profile, "AWS profile");
  cmd->add_option("--ca-bundle", f->task.ca_bundle, "PEM CAs for an https S3 endpoint");
  cmd->add_flag("--path-style", f->task.force_path_style, "Path-style S3 addressing");
  cmd->add_option("--log-level", f->task.log_level, "error | warn | info | debug")
      ->capture_default_str();
  cmd->add_option("--log-format", f->task.log_format, "text | json")->capture_default_str();
  f->task.command = cmd->get_name();
  table.Add(cmd, [f] { return Run(*f); });
}

}  // namespace binlake::cli
