#include "protocol/uuid.h"

namespace sluice::protocol {

std::string Uuid::to_base64() const {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char raw[16];
  for (int i = 0; i < 8; ++i) {
    raw[i] = static_cast<unsigned char>(high >> (56 - 8 * i));
    raw[8 + i] = static_cast<unsigned char>(low >> (56 - 8 * i));
  }
  std::string out;
  out.reserve(22);
  int bits = 0;
  unsigned acc = 0;
  for (unsigned char b : raw) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

}  // namespace sluice::protocol
