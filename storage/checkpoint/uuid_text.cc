#include "storage/checkpoint/uuid_text.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <string>

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Uuid;

namespace {

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

Uuid from_bytes(const std::array<unsigned char, 16>& raw) {
  Uuid id;
  for (int i = 0; i < 8; ++i) {
    id.high = (id.high << 8) | raw[static_cast<std::size_t>(i)];
    id.low = (id.low << 8) | raw[static_cast<std::size_t>(8 + i)];
  }
  return id;
}

}  // namespace

Result<Uuid> parse_uuid_base64(std::string_view text) {
  std::string_view digits = text;
  if (digits.size() == 24 && digits.substr(22) == "==") digits = digits.substr(0, 22);
  if (digits.size() != 22) {
    return Result<Uuid>(ErrorCode::INVALID_REQUEST, "'" + std::string(text) + "' is not a 22-character base64 UUID");
  }
  // 22 characters carry 132 bits; the last 4 are padding bits that Java's
  // decoder ignores, so we ignore them too.
  std::array<unsigned char, 16> raw{};
  std::size_t out = 0;
  unsigned acc = 0;
  int bits = 0;
  for (char c : digits) {
    const int v = base64url_value(c);
    if (v < 0) {
      return Result<Uuid>(ErrorCode::INVALID_REQUEST,
                          "'" + std::string(text) + "' contains a character outside URL-safe base64");
    }
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      raw[out++] = static_cast<unsigned char>(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  return from_bytes(raw);
}

Uuid random_uuid() {
  for (;;) {
    std::array<unsigned char, 16> raw{};
    std::size_t filled = 0;
    while (filled < raw.size()) {
      const ssize_t n = ::getrandom(raw.data() + filled, raw.size() - filled, 0);
      if (n > 0) filled += static_cast<std::size_t>(n);
      // n < 0 is only EINTR here (the buffer is valid and under 256 bytes): retry.
    }
    raw[6] = static_cast<unsigned char>((raw[6] & 0x0f) | 0x40);  // version 4
    raw[8] = static_cast<unsigned char>((raw[8] & 0x3f) | 0x80);  // IETF variant
    const Uuid id = from_bytes(raw);
    const bool reserved = id.high == 0 && id.low <= 1;
    if (!reserved && id.to_base64().front() != '-') return id;
  }
}

}  // namespace sluice::storage
