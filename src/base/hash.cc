// hash.cc: a stable 64-bit hash (word-at-a-time FNV-style with a final mix).
#include "veille/hash.h"

#include <cstring>

namespace veille {
uint64_t Hash64(std::string_view s, uint64_t seed) {
  constexpr uint64_t kPrime = 0x100000001b3ULL;
  uint64_t h = 0xcbf29ce484222325ULL ^ Mix64(seed + s.size());
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);  // little-endian on every platform we build for
    h = (h ^ w) * kPrime;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ tail) * kPrime;
  return Mix64(h);
}

std::string HexHash(uint64_t h) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[i] = kDigits[h & 15];
  return out;
}

}  // namespace veille
