# binlake_full_load: the full-load task (snapshot orchestration, LOAD files, task state).
add_library(binlake_full_load STATIC
  cdc_row_filter.cc
  full_load.cc
  progress.cc
  row_filter.cc
  table_output.cc
  task_state.cc
)
target_link_libraries(binlake_full_load PUBLIC binlake_source binlake_store binlake_task_config
  binlake_common nlohmann_json::nlohmann_json spdlog::spdlog fmt::fmt)

binlake_add_test(full_load_test SOURCES table_output_test.cc task_state_test.cc row_filter_test.cc
  progress_test.cc cdc_row_filter_test.cc row_buffer_test.cc
  LIBS binlake_full_load)
