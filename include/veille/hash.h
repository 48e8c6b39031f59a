// hash.h: stable 64-bit hashing for content fingerprints.
//
// In:  bytes. Out: a 64-bit hash that is the same on every platform and
//      every run (the archive persists it), unlike std::hash.
// Thread-safety: pure functions.
#ifndef VEILLE_HASH_H_
#define VEILLE_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace veille {

// The splitmix64 finaliser: a bijection that spreads every input bit over
// the output (also used to derive hash families from one hash).
inline uint64_t Mix64(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

// 64-bit hash of `s` (FNV-1a over 8-byte words, finished with a mixer).
uint64_t Hash64(std::string_view s, uint64_t seed = 0);

// 16 lowercase hex digits.
std::string HexHash(uint64_t h);

}  // namespace veille

#endif  // VEILLE_HASH_H_
