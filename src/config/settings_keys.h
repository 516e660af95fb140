// Internal to binlake_task_config: the table of accepted S3Settings keys, their types and how
// each value is checked and stored. settings_parser.cc does the JSON/text plumbing around it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "config/settings.h"

namespace binlake::settings_internal {

enum class Kind { kBool, kInt, kString };

// A setting value after its JSON type was checked against the setting's kind.
struct Input {
  bool b = false;
  int64_t i = 0;
  std::string s;
};

// Applies a type-checked value; returns an error whose message is the problem only (the caller
// prefixes origin and key).
using ApplyFn = Status (*)(const Input& in, S3Settings* s);

struct Spec {
  std::string_view name;
  Kind kind;
  int64_t min;  // kInt only, inclusive
  int64_t max;
  ApplyFn apply;
};

// Every key, in alphabetical order.
std::span<const Spec> AllSpecs();
// nullptr if `key` is not a known setting (exact, case-sensitive match).
const Spec* FindSpec(std::string_view key);
// ASCII lowercase copy.
std::string Lower(std::string_view v);

}  // namespace binlake::settings_internal
