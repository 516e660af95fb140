// stream_drain: a reference for CDC catch-up on a machine. It asks the source for its binlog dump
// stream (COM_BINLOG_DUMP through Connector/C, as binlake does, ANNOTATE_ROWS not requested)
// and reads it straight from the socket with binlake's RawPacketReader on one thread, framing
// packets and nothing else: no checksum, no decoding, no output. Its time is about what the
// source's dump thread and the kernel need to hand the bytes over. It is not a strict floor:
// binlake with nothing to write has come in under it (its reading thread runs beside its
// decoding, and reads larger batches when the decoder is busy).
//
// Usage: stream_drain PORT FILE START_POS STOP_POS   (user root, no password, no TLS)
// Prints: "<seconds> <events> <bytes>", seconds from the dump request to the first event whose
// end (log_pos) reaches STOP_POS in FILE.
// clang-format off
#include <mysql.h>  // before mariadb_rpl.h, which needs its types
#include <mariadb_rpl.h>
// clang-format on

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "source/raw_packet_reader.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: stream_drain PORT FILE START_POS STOP_POS\n");
    return 2;
  }
  const unsigned port = static_cast<unsigned>(std::atoi(argv[1]));
  const std::string file = argv[2];
  const unsigned long start = std::strtoul(argv[3], nullptr, 10);
  const unsigned long stop = std::strtoul(argv[4], nullptr, 10);

  MYSQL* mysql = mysql_init(nullptr);
  my_bool off = 0;
  mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &off);
  if (!mysql_real_connect(mysql, "127.0.0.1", "root", "", nullptr, port, nullptr, 0) ||
      mysql_query(mysql, "SET @master_binlog_checksum = @@global.binlog_checksum") ||
      mysql_query(mysql, "SET @mariadb_slave_capability = 4")) {
    std::fprintf(stderr, "stream_drain: %s\n", mysql_error(mysql));
    return 1;
  }
  MARIADB_RPL* rpl = mariadb_rpl_init(mysql);
  mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, file.c_str(), file.size());
  mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, start);
  mariadb_rpl_optionsv(rpl, MARIADB_RPL_SERVER_ID, 4000000001u);
  mariadb_rpl_optionsv(rpl, MARIADB_RPL_FLAGS, 0);
  const auto t0 = std::chrono::steady_clock::now();
  if (mariadb_rpl_open(rpl) != 0) {
    std::fprintf(stderr, "stream_drain: %s\n", mysql_error(mysql));
    return 1;
  }
  // The request was written and no reply read: every byte of the reply is on the socket.
  binlake::RawPacketReader reader(static_cast<int>(mysql_get_socket(mysql)), 60000);
  unsigned long long events = 0, bytes = 0;
  bool in_file = true;
  while (true) {
    auto packet = reader.Next();
    if (!packet.ok()) {
      std::fprintf(stderr, "stream_drain: before %s:%lu: %s\n", file.c_str(), stop,
                   packet.status().ToString().c_str());
      return 1;
    }
    const std::span<const uint8_t> p = *packet;  // status byte, then the event
    bytes += p.size() + 4;
    if (!p.empty() && p[0] == 0xff) {
      std::fprintf(stderr, "stream_drain: the source sent an error packet\n");
      return 1;
    }
    if (p.size() < 1 + 19) continue;
    ++events;
    const uint8_t* ev = p.data() + 1;
    const unsigned long log_pos =
        ev[13] | ev[14] << 8 | ev[15] << 16 | static_cast<unsigned long>(ev[16]) << 24;
    if (ev[4] == 4 /* ROTATE */ && p.size() >= 1 + 19 + 8) {
      std::string name(reinterpret_cast<const char*>(ev + 19 + 8), p.size() - 1 - 19 - 8);
      in_file = name.compare(0, file.size(), file) == 0;
    } else if (in_file && log_pos >= stop) {
      break;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%.3f %llu %llu\n", seconds, events, bytes);
  mysql_close(mysql);
  return 0;
}
