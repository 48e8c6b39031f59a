// limits.cc: AttemptGuard (failed-attempt buckets) and SessionStore (see
// veille/auth.h).
#include <algorithm>

#include "veille/auth.h"

namespace veille::auth {

namespace {

constexpr double kTrustSeconds = 86400;

}  // namespace

AttemptGuard::Bucket& AttemptGuard::Table::Find(std::string_view key, double now) {
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) Evict(now);
    it = buckets_.emplace(std::string(key), Bucket{limits_.burst, now}).first;
  }
  Bucket& b = it->second;
  if (now > b.at) {
    b.tokens = std::min(limits_.burst, b.tokens + (now - b.at) * limits_.per_second);
    b.at = now;
  }
  return b;
}

void AttemptGuard::Table::Evict(double now) {
  // Full buckets carry no state: a new one would start full as well.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Bucket& b = it->second;
    if (b.tokens + (now - b.at) * limits_.per_second >= limits_.burst) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  if (buckets_.size() < max_keys_) return;
  // Still full (a flood from very many addresses): drop the eighth that
  // failed longest ago.
  std::vector<double> ats;
  ats.reserve(buckets_.size());
  for (const auto& [k, b] : buckets_) ats.push_back(b.at);
  auto cut = ats.begin() + static_cast<std::ptrdiff_t>(ats.size() / 8);
  std::nth_element(ats.begin(), cut, ats.end());
  const double limit = *cut;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (it->second.at <= limit) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

double AttemptGuard::Table::Take(std::string_view key, double now) {
  Bucket& b = Find(key, now);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max(0.001, (1 - b.tokens) / limits_.per_second);
}

void AttemptGuard::Table::Give(std::string_view key, double now) {
  Bucket& b = Find(key, now);
  b.tokens = std::min(limits_.burst, b.tokens + 1);
}

AttemptGuard::AttemptGuard(AttemptLimits per_address, AttemptLimits per_account, size_t max_keys)
    : addresses_(per_address, std::max<size_t>(16, max_keys)),
      accounts_(per_account, std::max<size_t>(16, max_keys)),
      max_keys_(std::max<size_t>(16, max_keys)) {}

bool AttemptGuard::Trusted(std::string_view address, std::string_view account, double now) const {
  std::string key(account);
  key += '\n';
  key += address;
  auto it = trusted_.find(key);
  return it != trusted_.end() && now - it->second < kTrustSeconds;
}

double AttemptGuard::Begin(std::string_view address, std::string_view account, double now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (double wait = addresses_.Take(address, now); wait > 0) return wait;
  if (!account.empty() && !Trusted(address, account, now)) {
    if (double wait = accounts_.Take(account, now); wait > 0) {
      // Not evaluated: the address's try is not used up either.
      addresses_.Give(address, now);
      return wait;
    }
  }
  return 0;
}

void AttemptGuard::Succeeded(std::string_view address, std::string_view account, double now) {
  std::lock_guard<std::mutex> lock(mu_);
  addresses_.Give(address, now);
  if (account.empty()) return;
  if (!Trusted(address, account, now)) accounts_.Give(account, now);
  if (trusted_.size() >= max_keys_) {
    std::erase_if(trusted_, [now](const auto& kv) { return now - kv.second >= kTrustSeconds; });
    // Losing trust costs its owners nothing but exposure to a lockout.
    if (trusted_.size() >= max_keys_) trusted_.clear();
  }
  std::string key(account);
  key += '\n';
  key += address;
  trusted_[key] = now;
}

SessionStore::SessionStore(int64_t idle_seconds, int64_t max_age_seconds, size_t max_sessions)
    : idle_(idle_seconds),
      max_age_(max_age_seconds),
      max_sessions_(std::max<size_t>(1, max_sessions)) {}

Result<std::string> SessionStore::Create(std::string token_id, int64_t now) {
  auto bytes = RandomBytes(32);
  if (!bytes.ok()) return bytes.error();
  std::string cookie = Base64Url(*bytes);
  std::string key = Hex(HashSecret("", cookie));
  std::lock_guard<std::mutex> lock(mu_);
  if (by_hash_.size() >= max_sessions_) {
    std::erase_if(by_hash_, [&](const auto& kv) {
      return now - kv.second.last_seen >= idle_ || now - kv.second.created >= max_age_;
    });
    while (by_hash_.size() >= max_sessions_) {
      auto oldest = std::min_element(
          by_hash_.begin(), by_hash_.end(),
          [](const auto& a, const auto& b) { return a.second.last_seen < b.second.last_seen; });
      by_hash_.erase(oldest);
    }
  }
  by_hash_[key] = Entry{std::move(token_id), now, now};
  return cookie;
}

std::optional<std::string> SessionStore::Find(std::string_view cookie_value, int64_t now) {
  if (cookie_value.empty() || cookie_value.size() > 64) return std::nullopt;
  std::string key = Hex(HashSecret("", cookie_value));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_hash_.find(key);
  if (it == by_hash_.end()) return std::nullopt;
  Entry& e = it->second;
  if (now - e.last_seen >= idle_ || now - e.created >= max_age_) {
    by_hash_.erase(it);
    return std::nullopt;
  }
  e.last_seen = now;
  return e.token_id;
}

void SessionStore::Remove(std::string_view cookie_value) {
  if (cookie_value.empty() || cookie_value.size() > 64) return;
  std::string key = Hex(HashSecret("", cookie_value));
  std::lock_guard<std::mutex> lock(mu_);
  by_hash_.erase(key);
}

size_t SessionStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return by_hash_.size();
}

}  // namespace veille::auth
