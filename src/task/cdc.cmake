# binlake_cdc_writer: the output side of CDC (DMS-style change files, CDC_TXN files, the
# checkpoint object and the commit protocol of docs/COMMIT-PROTOCOL.md).
add_library(binlake_cdc_writer STATIC
  cdc_checkpoint.cc
  cdc_naming.cc
  cdc_naming_tz.cc
  cdc_writer.cc
  cdc_writer_txn_file.cc
)
target_link_libraries(binlake_cdc_writer
  PUBLIC binlake_common binlake_store binlake_format binlake_task_config
         nlohmann_json::nlohmann_json
  PRIVATE spdlog::spdlog fmt::fmt)

# Test helpers (fake clock, temp targets, a store that simulates a crash at a protocol step).
add_library(binlake_cdc_writer_testing STATIC cdc_writer_test_util.cc)
target_link_libraries(binlake_cdc_writer_testing PUBLIC binlake_cdc_writer PRIVATE ZLIB::ZLIB)

binlake_add_test(cdc_naming_test SOURCES cdc_naming_test.cc cdc_checkpoint_test.cc
  LIBS binlake_cdc_writer)
binlake_add_test(cdc_writer_test SOURCES cdc_writer_test.cc cdc_writer_protocol_test.cc
  LIBS binlake_cdc_writer_testing)
binlake_add_test(cdc_writer_radosgw_test SOURCES cdc_writer_radosgw_test.cc
  LIBS binlake_cdc_writer_testing binlake_store_testing LABEL integration FIXTURES radosgw)
