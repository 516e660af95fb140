#include "materialize/progress_metrics.h"

#include "common/metrics.h"

namespace binlake::metrics {
namespace {

struct MaterializeFamilies {
  prometheus::Gauge& planned = prometheus::BuildGauge()
                                   .Name("binlake_materialize_tables_planned")
                                   .Help("Tables this materialize run writes")
                                   .Register(Registry())
                                   .Add({});
  prometheus::Family<prometheus::Counter>& done =
      prometheus::BuildCounter()
          .Name("binlake_materialize_tables_done_total")
          .Help("Tables materialized, by how: advanced (from the previous version) or rebuilt")
          .Register(Registry());
  prometheus::Family<prometheus::Gauge>& rows = prometheus::BuildGauge()
                                                    .Name("binlake_materialize_rows")
                                                    .Help("Rows in a table's new materialization")
                                                    .Register(Registry());
  prometheus::Family<prometheus::Counter>& parts =
      prometheus::BuildCounter()
          .Name("binlake_materialize_part_files_written_total")
          .Help("Part files written for a table (an advance rewrites only the changed ones)")
          .Register(Registry());
};
MaterializeFamilies& M() {
  static MaterializeFamilies* f = new MaterializeFamilies();  // never destroyed, like the registry
  return *f;
}

}  // namespace

void MaterializePlanned(uint64_t tables) { M().planned.Set(static_cast<double>(tables)); }

void MaterializeTableDone(const std::string& table, bool advanced, uint64_t rows,
                          uint64_t parts_written) {
  M().done.Add({{"how", advanced ? "advanced" : "rebuilt"}}).Increment();
  M().rows.Add({{"table", table}}).Set(static_cast<double>(rows));
  M().parts.Add({{"table", table}}).Increment(static_cast<double>(parts_written));
}

}  // namespace binlake::metrics
