#include "validate/progress_metrics.h"

#include "common/metrics.h"

namespace binlake::metrics {
namespace {

struct ValidateFamilies {
  prometheus::Family<prometheus::Counter>& compared =
      prometheus::BuildCounter()
          .Name("binlake_validate_rows_compared_total")
          .Help("Source rows compared with the lake (a range compared again counts again)")
          .Register(Registry());
  prometheus::Family<prometheus::Counter>& done =
      prometheus::BuildCounter()
          .Name("binlake_validate_tables_done_total")
          .Help("Tables compared, by result: equal or different")
          .Register(Registry());
  prometheus::Family<prometheus::Gauge>& differences =
      prometheus::BuildGauge()
          .Name("binlake_validate_differences")
          .Help("Rows of a table that differ, by kind: missing_in_lake, extra_in_lake, different")
          .Register(Registry());
};
ValidateFamilies& V() {
  static ValidateFamilies* f = new ValidateFamilies();  // never destroyed, like the registry
  return *f;
}

}  // namespace

void ValidateRangeCompared(const std::string& table, uint64_t source_rows) {
  V().compared.Add({{"table", table}}).Increment(static_cast<double>(source_rows));
}

void ValidateTableDone(const std::string& table, uint64_t missing_in_lake, uint64_t extra_in_lake,
                       uint64_t different) {
  const bool equal = missing_in_lake == 0 && extra_in_lake == 0 && different == 0;
  V().done.Add({{"result", equal ? "equal" : "different"}}).Increment();
  V().differences.Add({{"table", table}, {"kind", "missing_in_lake"}})
      .Set(static_cast<double>(missing_in_lake));
  V().differences.Add({{"table", table}, {"kind", "extra_in_lake"}})
      .Set(static_cast<double>(extra_in_lake));
  V().differences.Add({{"table", table}, {"kind", "different"}})
      .Set(static_cast<double>(different));
}

}  // namespace binlake::metrics
