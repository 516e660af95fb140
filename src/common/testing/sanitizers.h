// BINLAKE_ASAN: 1 when the test is built with AddressSanitizer, by GCC (__SANITIZE_ADDRESS__) or
// by clang (__has_feature(address_sanitizer); clang 14 does not define the GCC macro).
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define BINLAKE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BINLAKE_ASAN 1
#endif
#endif
#ifndef BINLAKE_ASAN
#define BINLAKE_ASAN 0
#endif
