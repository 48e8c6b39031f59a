#include "veille/hash.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace veille {
namespace {

TEST(Hash, StableAcrossRuns) {
  // Persisted in archives: these values must never change.
  EXPECT_EQ(HexHash(Hash64("")), HexHash(Hash64("")));
  EXPECT_NE(Hash64("a"), Hash64("b"));
  EXPECT_NE(Hash64("abcdefgh"), Hash64("abcdefgh "));
  EXPECT_EQ(HexHash(0x0123456789abcdefULL), "0123456789abcdef");
}

TEST(Hash, NoCollisionsOnSmallKeys) {
  std::set<uint64_t> seen;
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(seen.insert(Hash64(std::to_string(i))).second);
}

TEST(Hash, SeedChangesHash) { EXPECT_NE(Hash64("kaboul", 1), Hash64("kaboul", 2)); }

}  // namespace
}  // namespace veille
