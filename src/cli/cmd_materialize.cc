// `binlake materialize`: each selected table of a target as of a committed point, as plain CSV
// files with a manifest (materialize/materialize.h, docs/MATERIALIZE.md).
#include <malloc.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/task_options.h"
#include "materialize/materialize.h"

namespace binlake::cli {
namespace {

struct MaterializeFlags {
  TaskFlags task;
  std::string output_url;
  std::string as_of = "latest";
  std::string format = "csv";
  int threads = 0;
  uint64_t memory_mb = 256;
  std::string spill_dir;
  bool rebuild = false;
  uint64_t max_part_bytes = 32ull << 20;
  uint64_t parts_per_table = 16;
  uint64_t row_group_rows = 10000;
  uint64_t range_kb = 32768;
  // The training layout.
  std::string layout = "table";
  std::string label;
  std::vector<std::string> features;
  std::vector<std::string> drop;
  std::string training_format = "csv";
  uint64_t object_size_mb = 128;
  uint64_t objects_min = 1;
  std::string null_as;
  bool null_as_given = false;
};

// The training layout the flags ask for (none for --layout table); kInvalidArgument for flags
// that do not go together.
Result<std::optional<TrainingLayout>> TrainingLayoutOf(const MaterializeFlags& flags,
                                                       const CLI::App& cmd) {
  static const char* kTrainingFlags[] = {"--label",           "--features",    "--drop",
                                         "--training-format", "--object-size", "--objects-min",
                                         "--null-as"};
  if (flags.layout != "training") {
    for (const char* f : kTrainingFlags) {
      if (cmd.count(f) > 0) return InvalidArgument(std::string(f) + " needs --layout training");
    }
    return std::optional<TrainingLayout>();
  }
  if (flags.label.empty()) return InvalidArgument("--layout training needs --label COLUMN");
  if (!flags.features.empty() && !flags.drop.empty()) {
    return InvalidArgument(
        "--features and --drop do not go together: name the features, or the "
        "columns to leave out");
  }
  if (cmd.count("--format") > 0) {
    return InvalidArgument(
        "--format is the table layout's; the training layout's is "
        "--training-format csv|recordio-protobuf");
  }
  TrainingLayout t;
  t.label = flags.label;
  t.features = flags.features;
  t.drop = flags.drop;
  t.format = flags.training_format == "csv" ? TrainingLayout::Format::kCsv
                                            : TrainingLayout::Format::kRecordIoProtobuf;
  t.object_bytes = flags.object_size_mb << 20;
  t.objects_min = flags.objects_min;
  if (flags.null_as_given) t.null_as = flags.null_as;
  return std::optional<TrainingLayout>(std::move(t));
}

int Run(const MaterializeFlags& flags, const CLI::App& cmd) {
  auto training = TrainingLayoutOf(flags, cmd);
  if (!training.ok()) return ReportBadUsage(training.status());
  TaskFlags task = flags.task;
  if (task.source_url.empty()) task.source_url = "mysql://materialize@localhost";  // not contacted
  auto config = BuildTaskConfig(task);
  if (!config.ok()) return ReportFailure(config.status());
  TargetConfig output_config = config->target;
  output_config.url = flags.output_url;
  if (output_config.url == config->target.url && config->settings.bucket_folder.empty()) {
    return ReportFailure(InvalidArgument(
        "--output is the target itself: give another location (inside the target, a folder whose "
        "name starts with '_', e.g. " +
        flags.output_url + "/_tables)"));
  }
  auto target = OpenObjectStore(config->target);
  if (!target.ok()) return ReportFailure(target.status());
  auto output = OpenObjectStore(output_config);
  if (!output.ok()) return ReportFailure(output.status());
  auto ops = StartOpsServer(task);
  if (!ops.ok()) return ReportFailure(ops.status());

  MaterializeOptions options;
  options.target_folder = config->settings.bucket_folder;
  options.as_of = flags.as_of;
  options.mappings = &config->table_mappings;
  options.threads = flags.threads;
  options.memory_bytes = flags.memory_mb << 20;
  options.spill_dir = flags.spill_dir;
  options.incremental = !flags.rebuild;
  options.max_part_bytes = flags.max_part_bytes;
  options.parts_per_table = flags.parts_per_table;
  options.row_group_rows = flags.row_group_rows;
  options.slice_bytes = flags.range_kb << 10;
  options.format = flags.format;
  options.training = *training;
  // A materialization allocates and frees buffers of megabytes (file chunks, part writers,
  // change runs) many times over. glibc's defaults hand each freed one back to the kernel, so the
  // next is faulted in again page by page (zeroed): keep them in the heap instead, for this
  // short-lived command. Measured on the materialize benchmark (2 cores, paravirtualized page
  // faults): an advance 30% faster, a rebuild 15%; memory stays within --memory-limit-mb plus
  // the buffers, as before.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
  auto result = RunMaterialize(**target, **output, options);
  if (!result.ok()) return ReportFailure(result.status());

  const AsOf& at = result->as_of;
  uint64_t rows = 0, parts = 0, written = 0, advanced = 0, copied = 0;
  for (const MaterializedTable& t : result->tables) {
    rows += t.rows;
    parts += t.parts.size();
    written += t.parts_written;
    copied += t.rows_copied;
    if (!t.rebuilt) ++advanced;
    if (t.inconsistencies > 0) {
      std::fprintf(stderr,
                   "binlake: warning: %s.%s: %llu change(s) did not fit the rows (the change log "
                   "and the full load disagree)\n",
                   t.schema.c_str(), t.table.c_str(),
                   static_cast<unsigned long long>(t.inconsistencies));
    }
  }
  std::string point = at.checkpoint == 0 ? "the full load's snapshot"
                                         : "checkpoint " + std::to_string(at.checkpoint);
  if (at.partial) {
    point += " and the first " + std::to_string(at.partial->transactions) +
             " indexed transaction(s) of batch " + std::to_string(at.partial->checkpoint);
  }
  std::printf(
      "materialized %s as of %s (binlog %s) into %s: %zu table(s), %llu row(s), version %llu\n",
      (*target)->Describe().c_str(), point.c_str(), at.position.ToString().c_str(),
      (*output)->Describe().c_str(), result->tables.size(), static_cast<unsigned long long>(rows),
      static_cast<unsigned long long>(result->version));
  if (advanced > 0) {
    std::printf(
        "advanced %llu table(s) from checkpoint %llu: %llu of %llu part file(s) written, %llu "
        "row(s) in them copied as bytes\n",
        static_cast<unsigned long long>(advanced),
        static_cast<unsigned long long>(result->previous_checkpoint),
        static_cast<unsigned long long>(written), static_cast<unsigned long long>(parts),
        static_cast<unsigned long long>(copied));
  }
  if (!at.exact) {
    std::printf(
        "note: %s falls inside a batch of changes; this is the last batch boundary before it%s\n",
        at.requested.c_str(), at.note.empty() ? "" : (" (" + at.note + ")").c_str());
  } else if (at.partial) {
    std::printf("exact: %s is cut inside batch %llu, after its transaction ending at %s\n",
                at.requested.c_str(), static_cast<unsigned long long>(at.partial->checkpoint),
                at.partial->end.ToString().c_str());
  }
  return 0;
}

}  // namespace

void RegisterMaterializeCommand(CLI::App& root, CommandTable& table) {
  auto flags = std::make_shared<MaterializeFlags>();
  CLI::App* cmd = root.add_subcommand(
      "materialize",
      "Write each table of a target as of a committed point (latest, a checkpoint, FILE:POS, a "
      "GTID set or a UTC time) as plain CSV or Parquet files, one row per key, sorted, with a "
      "manifest");
  cmd->add_option("--target", flags->task.target_url, "Target URL (written by full load + CDC)")
      ->required();
  cmd->add_option("--output", flags->output_url,
                  "Output URL: file:///dir or s3://bucket/prefix (same S3 endpoint and "
                  "credentials as the target)")
      ->required();
  cmd->add_option("--as-of", flags->as_of,
                  "latest | checkpoint number | FILE:POS | YYYY-MM-DDTHH:MM:SSZ | GTID set")
      ->capture_default_str();
  cmd->add_option("--format", flags->format,
                  "csv (the target's dialect) or parquet (typed as the full load types it); "
                  "both advance incrementally")
      ->capture_default_str()
      ->check(CLI::IsMember({"csv", "parquet"}));
  cmd->add_option("--threads", flags->threads,
                  "Threads: tables merged at once, and the parts an advance rewrites "
                  "(0: one per core)")
      ->capture_default_str();
  cmd->add_option("--memory-limit-mb", flags->memory_mb,
                  "Memory for the changes being merged, all threads together; beyond it they "
                  "spill to --spill-dir")
      ->capture_default_str()
      ->check(CLI::Range(16, 1 << 20));
  cmd->add_option("--spill-dir", flags->spill_dir,
                  "Where changes spill (default: $TMPDIR or /tmp)");
  cmd->add_option("--max-part-bytes", flags->max_part_bytes,
                  "Start a new part file when one reaches this size (an advance rewrites only "
                  "the parts whose keys changed)")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{256}, uint64_t{1} << 40));
  cmd->add_option("--parts-per-table", flags->parts_per_table,
                  "Cut a table into about this many parts when they stay under --max-part-bytes "
                  "and hold at least 1 MiB (0: parts by size only)")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 20));
  cmd->add_option("--row-group-rows", flags->row_group_rows,
                  "Parquet output: rows per row group (an advance copies the row groups no "
                  "change falls in as they are)")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30));
  cmd->add_option("--range-kb", flags->range_kb,
                  "A table with more of the LOAD bytes than its share of the threads is built in "
                  "key ranges of at least this many KiB of LOAD rows at once")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30));
  cmd->add_flag("--rebuild", flags->rebuild,
                "Rebuild every table from the target instead of advancing the previous version");
  cmd->add_option("--table-mappings", flags->task.table_mappings_path,
                  "DMS table-mappings JSON: the tables to materialize");
  cmd->add_option("--config", flags->task.config_path, "Task config file");
  cmd->add_option("--settings", flags->task.settings_path, "DMS S3Settings JSON file");
  cmd->add_option("--set", flags->task.set, "Override one DMS setting (e.g. BucketFolder)");
  cmd->add_option("--endpoint-url", flags->task.endpoint_url, "S3 endpoint");
  cmd->add_option("--region", flags->task.region, "S3 region");
  cmd->add_option("--profile", flags->task.profile, "AWS profile");
  cmd->add_option("--ca-bundle", flags->task.ca_bundle, "PEM CAs for an https S3 endpoint");
  cmd->add_flag("--path-style", flags->task.force_path_style, "Path-style S3 addressing");
  cmd->add_option("--log-level", flags->task.log_level, "error | warn | info | debug")
      ->capture_default_str();
  cmd->add_option("--log-format", flags->task.log_format,
                  "text | json (one JSON object per line: time, level, message, task, fields)")
      ->capture_default_str();
  flags->task.command = cmd->get_name();
  AddOpsFlags(cmd, &flags->task);
  cmd->add_option("--layout", flags->layout,
                  "table (the tables' rows) or training (examples for SageMaker's built-in "
                  "algorithms: no header, the label first; docs/MATERIALIZE.md)")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "training"}));
  cmd->add_option("--label", flags->label, "Training layout: the label column (written first)");
  cmd->add_option("--features", flags->features,
                  "Training layout: the feature columns, in order (default: every other column)")
      ->delimiter(',');
  cmd->add_option("--drop", flags->drop, "Training layout: columns left out of the features")
      ->delimiter(',');
  cmd->add_option("--training-format", flags->training_format,
                  "Training layout: csv (text/csv) or recordio-protobuf "
                  "(application/x-recordio-protobuf, numeric columns only)")
      ->capture_default_str()
      ->check(CLI::IsMember({"csv", "recordio-protobuf"}));
  cmd->add_option("--object-size", flags->object_size_mb,
                  "Training layout: objects of about this many MB at most")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
  cmd->add_option("--objects-min", flags->objects_min,
                  "Training layout: at least this many objects per table (for ShardedByS3Key over "
                  "that many instances)")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
  cmd->add_option("--null-as", flags->null_as,
                  "Training layout: the text written for NULL (default: a NULL is an error)")
      ->each([flags](const std::string&) { flags->null_as_given = true; });
  table.Add(cmd, [flags, cmd] { return Run(*flags, *cmd); });
}

}  // namespace binlake::cli
