// fingerprint.cc: line fingerprints for the "recurs across a source" signal.
//
// Two copies of a footer rarely differ in more than spacing, case or the
// apostrophe a CMS produced, so those are folded before hashing.
#include <unicode/uchar.h>

#include <unordered_set>

#include "clean/text_util.h"
#include "veille/clean.h"
#include "veille/hash.h"
#include "veille/utf8.h"

namespace veille {
namespace {

constexpr uint64_t kFingerprintSeed = 0x6c696e65;  // "line"; persisted: never change
constexpr size_t kMinCandidate = 8;
constexpr size_t kMaxCandidate = 400;

void FoldForFingerprint(std::string_view line, std::string* out) {
  out->clear();
  bool pending_space = false;
  size_t i = 0;
  while (i < line.size()) {
    unsigned char b = static_cast<unsigned char>(line[i]);
    char32_t c;
    if (b < 0x80) {
      c = b;
      ++i;
    } else {
      c = DecodeUtf8(line, i);
    }
    if (c == '\n' || clean_internal::IsBlank(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out->empty()) out->push_back(' ');
    pending_space = false;
    if (c < 0x80) {
      out->push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    } else if (c == 0x2019 || c == 0x2018 || c == 0x02BC) {
      out->push_back('\'');
    } else {
      AppendUtf8(static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT)),
                 *out);
    }
  }
}

}  // namespace

uint64_t LineFingerprint(std::string_view line) {
  std::string folded;
  if (clean_internal::IsNfc(line)) {
    FoldForFingerprint(line, &folded);
  } else {
    FoldForFingerprint(clean_internal::ToNfc(line), &folded);
  }
  return Hash64(folded, kFingerprintSeed);
}

std::vector<uint64_t> CandidateLineFingerprints(std::string_view text) {
  std::vector<uint64_t> out;
  std::unordered_set<uint64_t> seen;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = clean_internal::Trim(text.substr(pos, nl - pos));
    if (line.size() >= kMinCandidate && line.size() <= kMaxCandidate) {
      uint64_t f = LineFingerprint(line);
      if (seen.insert(f).second) out.push_back(f);
    }
    pos = nl + 1;
  }
  return out;
}

}  // namespace veille
