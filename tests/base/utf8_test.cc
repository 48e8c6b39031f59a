// Tests for UTF-8 validation and repair, including a property test: repair
// always yields valid UTF-8 and leaves valid input unchanged.
#include "veille/utf8.h"

#include <gtest/gtest.h>

#include <random>

namespace veille {
namespace {

TEST(Utf8, ValidInputIsAccepted) {
  EXPECT_EQ(FindInvalidUtf8("Kaboul, États-Unis « ok » 😀"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8(""), std::string_view::npos);
}

TEST(Utf8, InvalidSequencesAreFound) {
  EXPECT_EQ(FindInvalidUtf8("ab\xFF"), 2u);
  EXPECT_EQ(FindInvalidUtf8("a\xC3"), 1u);              // truncated
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);           // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("x\xED\xA0\x80"), 1u);      // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);   // > U+10FFFF
}

TEST(Utf8, RepairReplacesWithReplacementCharacter) {
  size_t n = 0;
  EXPECT_EQ(RepairUtf8("bless\xE9s", &n), "bless\xEF\xBF\xBDs");
  EXPECT_EQ(n, 1u);
}

TEST(Utf8, RepairProperty) {
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 64, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    std::string r = RepairUtf8(s);
    ASSERT_EQ(FindInvalidUtf8(r), std::string_view::npos);
    ASSERT_EQ(RepairUtf8(r), r);  // idempotent on valid input
  }
}

TEST(Utf8, DecodeEncodeRoundTrip) {
  for (char32_t c : {U'a', U'é', U'€', U'😀', U'\u00A0'}) {
    std::string s;
    AppendUtf8(c, s);
    size_t i = 0;
    EXPECT_EQ(DecodeUtf8(s, i), c);
    EXPECT_EQ(i, s.size());
  }
}

}  // namespace
}  // namespace veille
