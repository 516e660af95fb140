// The object the test code's precompiled header is built with (CMakeLists.txt, binlake_test_pch).
