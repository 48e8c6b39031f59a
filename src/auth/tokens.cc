// tokens.cc: roles, random tokens, their salted hashes, credential headers
// and time helpers (see veille/auth.h).
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "veille/auth.h"

namespace veille::auth {

namespace {

constexpr std::string_view kTokenPrefix = "veille_";
constexpr size_t kSecretBytes = 32;
constexpr size_t kSecretChars = 43;  // base64url of 32 bytes, unpadded

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kReader:
      return "reader";
    case Role::kEditor:
      return "editor";
    case Role::kAdmin:
      return "admin";
  }
  return "reader";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kReader, Role::kEditor, Role::kAdmin})
    if (RoleName(r) == name) return r;
  return Error::InvalidArgument("unknown role '" + std::string(name.substr(0, 40)) +
                                "': reader, editor or admin");
}

bool IsValidUserName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] == '-' || name[0] == '.') return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    ssize_t r = getrandom(out.data() + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Error::Io(std::string("getrandom: ") + std::strerror(errno));
    }
    got += static_cast<size_t>(r);
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string Base64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (bytes.size() - i == 1) {
    uint32_t v = at(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    uint32_t v = at(i) << 16 | at(i + 1) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::string HashSecret(std::string_view salt, std::string_view secret) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx, salt.data(), salt.size()) == 1 &&
            EVP_DigestUpdate(ctx, secret.data(), secret.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, digest, &len) == 1;
  EVP_MD_CTX_free(ctx);
  // SHA-256 cannot fail short of memory exhaustion; an empty hash then
  // matches no stored one (VerifySecret compares lengths first).
  if (!ok) return std::string();
  return std::string(reinterpret_cast<const char*>(digest), len);
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool VerifySecret(std::string_view salt, std::string_view stored_hash, std::string_view secret) {
  std::string h = HashSecret(salt, secret);
  return !h.empty() && ConstantTimeEqual(h, stored_hash);
}

Result<NewToken> MakeToken() {
  auto id = RandomBytes(kTokenIdHexChars / 2);
  if (!id.ok()) return id.error();
  auto secret = RandomBytes(kSecretBytes);
  if (!secret.ok()) return secret.error();
  auto salt = RandomBytes(kSaltBytes);
  if (!salt.ok()) return salt.error();
  NewToken t;
  t.id = Hex(*id);
  std::string secret_text = Base64Url(*secret);
  t.text = std::string(kTokenPrefix) + t.id + "_" + secret_text;
  t.salt = std::move(*salt);
  t.hash = HashSecret(t.salt, secret_text);
  if (t.hash.empty()) return Error::Internal("SHA-256 failed");
  return t;
}

std::optional<TokenParts> SplitToken(std::string_view text) {
  if (text.size() != kTokenPrefix.size() + kTokenIdHexChars + 1 + kSecretChars ||
      !text.starts_with(kTokenPrefix))
    return std::nullopt;
  std::string_view id = text.substr(kTokenPrefix.size(), kTokenIdHexChars);
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  if (text[kTokenPrefix.size() + kTokenIdHexChars] != '_') return std::nullopt;
  std::string_view secret = text.substr(kTokenPrefix.size() + kTokenIdHexChars + 1);
  for (char c : secret)
    if (!IsBase64UrlChar(c)) return std::nullopt;
  return TokenParts{id, secret};
}

std::optional<std::string_view> BearerToken(std::string_view h) {
  constexpr std::string_view kScheme = "bearer";
  if (h.size() <= kScheme.size() + 1) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (Lower(h[i]) != kScheme[i]) return std::nullopt;
  size_t p = kScheme.size();
  if (h[p] != ' ') return std::nullopt;
  while (p < h.size() && h[p] == ' ') ++p;
  std::string_view token = h.substr(p);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  if (token.empty() || token.find_first_of(" \t,") != std::string_view::npos) return std::nullopt;
  return token;
}

std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name) {
  std::optional<std::string_view> found;
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
    while (!pair.empty() && (pair.back() == ' ' || pair.back() == '\t')) pair.remove_suffix(1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
    if (found) return std::nullopt;
    std::string_view value = pair.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    found = value;
  }
  return found;
}

std::string AddressKey(std::string_view address) {
  std::string a(address.substr(0, 64));
  in6_addr v6{};
  if (inet_pton(AF_INET6, a.c_str(), &v6) == 1) {
    // An IPv4 client seen through a dual-stack socket (::ffff:a.b.c.d).
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(v6.s6_addr, kMapped, 12) == 0) {
      char buf[INET_ADDRSTRLEN];
      if (inet_ntop(AF_INET, v6.s6_addr + 12, buf, sizeof buf)) return buf;
    }
    std::memset(v6.s6_addr + 8, 0, 8);
    char buf[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, &v6, buf, sizeof buf)) return std::string(buf) + "/64";
  }
  return a;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoTime(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::optional<int64_t>> ParseDuration(std::string_view text) {
  if (text == "never") return std::optional<int64_t>();
  auto bad = [&] {
    return Error::InvalidArgument("bad duration '" + std::string(text.substr(0, 40)) +
                                  "': a number and a unit (s, m, h, d, w), e.g. 90d, or never");
  };
  if (text.size() < 2 || text.size() > 12) return bad();
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return bad();
    n = n * 10 + (c - '0');
  }
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'w':
      unit = 7 * 86400;
      break;
    default:
      return bad();
  }
  // At most about a hundred years: longer is "never" spelt differently.
  if (n <= 0 || n > int64_t{100} * 366 * 86400 / unit) return bad();
  return std::optional<int64_t>(n * unit);
}

}  // namespace veille::auth
