// Independent readers for checking what binlake wrote: DuckDB (npm @duckdb/node-api, through
// tests/js/duckdb_query.mjs) and boto3 (Debian python3-boto3) for S3 objects.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace binlake::testing {

// One row: column name -> text (DuckDB's VARCHAR cast) or NULL.
using DuckRow = std::map<std::string, std::optional<std::string>>;

// Runs SQL statements in a fresh in-memory DuckDB; returns the last statement's rows.
Result<std::vector<DuckRow>> DuckDbQuery(const std::vector<std::string>& statements);

// A local file's bytes; "" when it cannot be read.
std::string ReadFileBytes(const std::string& path);

// SQL string literal for DuckDB.
std::string DuckQuote(const std::string& s);

// Downloads every object under s3://bucket/prefix from `endpoint` into `dir` with boto3
// (keys relative to prefix become paths). Credentials from AWS_* in the environment given.
Status DownloadS3Prefix(const std::string& endpoint, const std::string& access_key,
                        const std::string& secret_key, const std::string& bucket,
                        const std::string& prefix, const std::string& dir);

// The keys under s3://bucket/prefix, listed by boto3: of the objects, or (`uploads`) of the
// multipart uploads neither completed nor aborted (list_multipart_uploads).
Result<std::vector<std::string>> ListS3Keys(const std::string& endpoint,
                                            const std::string& access_key,
                                            const std::string& secret_key,
                                            const std::string& bucket, const std::string& prefix,
                                            bool uploads);

// Runs the built binlake program with `args` (already shell-quoted as needed) and `env`
// assignments ("NAME=value ..." prefix).
struct CommandResult;
CommandResult RunBinlake(const std::string& args, const std::string& env = "");

}  // namespace binlake::testing
