# binlake_cdc: the CDC task (replication stream -> binlog decoder -> CdcWriter).
add_library(binlake_cdc STATIC
  cdc_start.cc
  cdc_task.cc
  ddl_target.cc
  gtid_set_tracker.cc
  schema_history.cc
)
target_link_libraries(binlake_cdc PUBLIC binlake_cdc_writer binlake_binlog binlake_source
  binlake_full_load binlake_task_config spdlog::spdlog fmt::fmt)

binlake_add_test(cdc_task_test SOURCES ddl_target_test.cc gtid_set_tracker_test.cc
  schema_history_test.cc
  LIBS binlake_cdc)
