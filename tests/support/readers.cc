#include "support/readers.h"

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <vector>

#include "support/test_servers.h"

namespace binlake::testing {

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string DuckQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += '\'';
    q += c;
  }
  return q + "'";
}

Result<std::vector<DuckRow>> DuckDbQuery(const std::vector<std::string>& statements) {
  std::string cmd = "node " + ShellQuote(SourceDir() + "/tests/js/duckdb_query.mjs");
  for (const auto& s : statements) cmd += " " + ShellQuote(s);
  CommandResult r = RunShell(cmd);
  if (r.exit_code != 0) return Internal("duckdb: " + r.err);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return Internal("duckdb printed no JSON: " + r.out);
  std::vector<DuckRow> rows;
  for (const auto& o : j) {
    DuckRow row;
    for (auto it = o.begin(); it != o.end(); ++it) {
      if (it.value().is_null()) {
        row[it.key()] = std::nullopt;
      } else {
        row[it.key()] = it.value().get<std::string>();
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

// Runs a Python `script` (boto3) with the credentials in its environment and `args` after it.
CommandResult RunBoto3(const std::string& script, const std::string& access_key,
                       const std::string& secret_key, const std::vector<std::string>& args) {
  std::string cmd = "AWS_ACCESS_KEY_ID=" + ShellQuote(access_key) +
                    " AWS_SECRET_ACCESS_KEY=" + ShellQuote(secret_key) + " /usr/bin/python3 -c " +
                    ShellQuote(script);
  for (const std::string& a : args) cmd += " " + ShellQuote(a);
  return RunShell(cmd);
}

}  // namespace

Status DownloadS3Prefix(const std::string& endpoint, const std::string& access_key,
                        const std::string& secret_key, const std::string& bucket,
                        const std::string& prefix, const std::string& dir) {
  std::string script =
      "import boto3, os, sys\n"
      "ep, b, p, d = sys.argv[1:5]\n"
      "s3 = boto3.client('s3', endpoint_url=ep, region_name='us-east-1')\n"
      "for page in s3.get_paginator('list_objects_v2').paginate(Bucket=b, Prefix=p):\n"
      "  for o in page.get('Contents', []):\n"
      "    rel = o['Key'][len(p):].lstrip('/')\n"
      "    path = os.path.join(d, rel)\n"
      "    os.makedirs(os.path.dirname(path), exist_ok=True)\n"
      "    s3.download_file(b, o['Key'], path)\n";
  CommandResult r = RunBoto3(script, access_key, secret_key, {endpoint, bucket, prefix, dir});
  if (r.exit_code != 0) return Internal("boto3 download failed: " + r.err);
  return Status::Ok();
}

Result<std::vector<std::string>> ListS3Keys(const std::string& endpoint,
                                            const std::string& access_key,
                                            const std::string& secret_key,
                                            const std::string& bucket, const std::string& prefix,
                                            bool uploads) {
  std::string script =
      "import boto3, sys\n"
      "ep, b, p, what = sys.argv[1:5]\n"
      "s3 = boto3.client('s3', endpoint_url=ep, region_name='us-east-1')\n"
      "op, field = ('list_multipart_uploads', 'Uploads') if what == 'uploads' else "
      "('list_objects_v2', 'Contents')\n"
      "for page in s3.get_paginator(op).paginate(Bucket=b, Prefix=p):\n"
      "  for o in page.get(field, []):\n"
      "    print(o['Key'])\n";
  CommandResult r = RunBoto3(script, access_key, secret_key,
                             {endpoint, bucket, prefix, uploads ? "uploads" : "objects"});
  if (r.exit_code != 0) return Internal("boto3 listing failed: " + r.err);
  std::vector<std::string> keys;
  size_t start = 0;
  for (size_t nl; (nl = r.out.find('\n', start)) != std::string::npos; start = nl + 1) {
    keys.push_back(r.out.substr(start, nl - start));
  }
  return keys;
}

CommandResult RunBinlake(const std::string& args, const std::string& env) {
  return RunShell(env + (env.empty() ? "" : " ") + ShellQuote(BinlakeProgram()) + " " + args);
}

}  // namespace binlake::testing
