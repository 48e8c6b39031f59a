// state.cc: a story's running state and its binary form (see veille/stories.h).
//
// Encoding (little-endian, version 1): u8 version; u32 size; i32 first_day,
// last_day; i64 title_article; f32 title_score; then the body, title and
// entity vectors, each u32 count + count x (u64 key, f32 weight); then the
// entity names, u32 count + count x (u64 key, u16 length, bytes); then the
// languages, u32 count + count x (u16 length, bytes, u32 articles).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "veille/stories.h"

namespace veille::stories {
namespace {

constexpr uint8_t kVersion = 1;

template <typename T>
void Put(std::string* out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out->append(buf, sizeof(T));
}

void PutString(std::string* out, std::string_view s) {
  const uint16_t n = static_cast<uint16_t>(std::min<size_t>(s.size(), 0xffff));
  Put(out, n);
  out->append(s.data(), n);
}

void PutVector(std::string* out, const SparseVector& v) {
  Put(out, static_cast<uint32_t>(v.size()));
  for (const Weighted& x : v) {
    Put(out, x.key);
    Put(out, x.w);
  }
}

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  template <typename T>
  bool Get(T* v) {
    if (s_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(v, s_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool GetString(std::string* v) {
    uint16_t n = 0;
    if (!Get(&n) || s_.size() - pos_ < n) return false;
    v->assign(s_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool GetVector(SparseVector* v) {
    uint32_t n = 0;
    if (!Get(&n) || (s_.size() - pos_) / 12 < n) return false;
    v->resize(n);
    for (auto& x : *v)
      if (!Get(&x.key) || !Get(&x.w)) return false;
    return true;
  }
  bool done() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

double Norm(const SparseVector& v) {
  double n = 0;
  for (const Weighted& x : v) n += double(x.w) * x.w;
  return std::sqrt(n);
}

}  // namespace

void StoryState::UpdateNorms() {
  body_norm = Norm(body);
  title_norm = Norm(title);
  entities_norm = Norm(entities);
}

std::string StoryState::Encode() const {
  std::string out;
  out.reserve(64 + 12 * (body.size() + title.size() + entities.size()) + 24 * entity_names.size());
  Put(&out, kVersion);
  Put(&out, size);
  Put(&out, first_day);
  Put(&out, last_day);
  Put(&out, title_article);
  Put(&out, title_score);
  PutVector(&out, body);
  PutVector(&out, title);
  PutVector(&out, entities);
  Put(&out, static_cast<uint32_t>(entity_names.size()));
  for (const auto& [k, name] : entity_names) {
    Put(&out, k);
    PutString(&out, name);
  }
  Put(&out, static_cast<uint32_t>(languages.size()));
  for (const auto& [lang, n] : languages) {
    PutString(&out, lang);
    Put(&out, n);
  }
  return out;
}

Result<StoryState> StoryState::Decode(int64_t id, std::string_view bytes) {
  StoryState s;
  s.id = id;
  Reader r(bytes);
  uint8_t version = 0;
  auto bad = [id] { return Error::BadInput("story " + std::to_string(id) + ": damaged state"); };
  if (!r.Get(&version) || version != kVersion) return bad();
  if (!r.Get(&s.size) || !r.Get(&s.first_day) || !r.Get(&s.last_day) || !r.Get(&s.title_article) ||
      !r.Get(&s.title_score) || !r.GetVector(&s.body) || !r.GetVector(&s.title) ||
      !r.GetVector(&s.entities))
    return bad();
  uint32_t n = 0;
  if (!r.Get(&n) || n > bytes.size()) return bad();
  s.entity_names.resize(n);
  for (auto& [k, name] : s.entity_names)
    if (!r.Get(&k) || !r.GetString(&name)) return bad();
  if (!r.Get(&n) || n > bytes.size()) return bad();
  s.languages.resize(n);
  for (auto& [lang, c] : s.languages)
    if (!r.GetString(&lang) || !r.Get(&c)) return bad();
  if (!r.done()) return bad();
  s.UpdateNorms();
  return s;
}

std::vector<std::string> StoryState::TopEntities(size_t n) const {
  std::vector<Weighted> order(entities);
  std::sort(order.begin(), order.end(), [](const Weighted& a, const Weighted& b) {
    return a.w != b.w ? a.w > b.w : a.key < b.key;
  });
  std::vector<std::string> out;
  for (const Weighted& x : order) {
    if (out.size() >= n) break;
    auto it = std::lower_bound(entity_names.begin(), entity_names.end(), x.key,
                               [](const auto& p, uint64_t k) { return p.first < k; });
    if (it != entity_names.end() && it->first == x.key) out.push_back(it->second);
  }
  return out;
}

std::string_view ViaName(Via v) {
  switch (v) {
    case Via::kNew:
      return "new";
    case Via::kSimilar:
      return "similar";
    case Via::kCopy:
      return "copy";
  }
  return "new";
}

}  // namespace veille::stories
