# CTest fixture "radosgw": one throw-away Ceph radosgw (scripts/test-servers/radosgw-start.sh)
# shared by every integration test that lists it in FIXTURES. The setup test writes
# ${CMAKE_BINARY_DIR}/test-servers/radosgw.env (export lines: S3_ENDPOINT, S3_BUCKET, keys; read
# in C++ with store/testing/radosgw_env.h); the cleanup test stops exactly the processes the
# start script recorded and deletes the env file. ctest adds both around any selected test that
# needs them, e.g. `ctest -R store_s3_radosgw`.
set(BINLAKE_RADOSGW_ENV ${CMAKE_BINARY_DIR}/test-servers/radosgw.env)

add_test(NAME radosgw_start
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/test-servers/radosgw-start.sh
          --env-file ${BINLAKE_RADOSGW_ENV})
set_tests_properties(radosgw_start PROPERTIES
  FIXTURES_SETUP radosgw LABELS integration TIMEOUT 300)

add_test(NAME radosgw_stop
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/test-servers/radosgw-stop.sh
          --env-file ${BINLAKE_RADOSGW_ENV})
set_tests_properties(radosgw_stop PROPERTIES
  FIXTURES_CLEANUP radosgw LABELS integration TIMEOUT 120)

# The scripts themselves: a second, private instance is started and stopped, and no process
# of it may survive.
add_test(NAME radosgw_start_stop_leaves_nothing
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/test-servers/radosgw-selftest.sh)
set_tests_properties(radosgw_start_stop_leaves_nothing PROPERTIES
  LABELS integration TIMEOUT 300)
