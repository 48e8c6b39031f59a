// server_helpers.h: what the server tests share: a small archive with
// accounts, and a raw HTTP/1.1 client that can choose its source address
// (127.0.0.2 is another loopback address on Linux) and see every header.
#ifndef VEILLE_TESTS_SERVER_HELPERS_H_
#define VEILLE_TESTS_SERVER_HELPERS_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "veille/accounts.h"
#include "veille/archive.h"
#include "veille/auth.h"
#include "veille/hash.h"

namespace veille::testing {

namespace fs = std::filesystem;

// A folder with web/index.html and an archive of two articles; removed
// when the object goes.
struct TestArchive {
  fs::path root;
  std::string db;

  explicit TestArchive(const std::string& name) {
    root = fs::temp_directory_path() / ("veille_" + name + "_" + std::to_string(getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "web");
    std::ofstream(root / "web" / "index.html") << "<!doctype html><title>Veille</title>";
    std::ofstream(root / "web" / "app.js") << "'use strict';";
    db = (root / "a.db").string();
    auto a = Archive::Open(db, OpenMode::kReadWrite);
    if (!a.ok()) return;
    (void)(*a)->Begin();
    for (auto [id, text] : std::vector<std::pair<std::string, std::string>>{
             {"fr-1", "Les dockers du port de Sète ont cessé le travail jeudi."},
             {"fr-2", "Après trois jours de grève, les dockers ont repris le travail."}}) {
      Article art;
      art.raw.id = id;
      art.raw.source = std::string(id).append(".txt");
      art.raw.source_group = "g";
      art.raw.title = "Dockers";
      art.raw.text = text;
      art.clean.text = text;
      art.analysis.language = "fr";
      art.analysis.date = "2021-08-12";
      (void)(*a)->Store(art, Hash64(text), {});
    }
    (void)(*a)->Commit();
  }
  ~TestArchive() { fs::remove_all(root); }
  std::string web() const { return (root / "web").string(); }

  // Adds `user` with `role` and returns a new token (or "" on failure).
  // `expires` is an ISO time; `revoked` revokes it at once.
  std::string AddAccount(const std::string& user, const std::string& role,
                         std::optional<std::string> expires = std::nullopt,
                         bool revoked = false) const {
    auto a = Archive::Open(db, OpenMode::kReadWrite);
    if (!a.ok()) return "";
    auto users = Users(**a, "");
    bool exists = false;
    for (const auto& u : *users) exists |= u.name == user;
    if (!exists && !AddUser(**a, user, role, auth::IsoTime(auth::NowSeconds())).ok()) return "";
    auto t = auth::MakeToken();
    TokenRecord r;
    r.id = t->id;
    r.salt = t->salt;
    r.hash = t->hash;
    r.created = auth::IsoTime(auth::NowSeconds());
    r.expires = std::move(expires);
    if (!AddToken(**a, user, r).ok()) return "";
    if (revoked && !RevokeToken(**a, r.id, auth::IsoTime(auth::NowSeconds())).ok()) return "";
    return t->text;
  }

  bool Revoke(const std::string& token) const {
    auto a = Archive::Open(db, OpenMode::kReadWrite);
    auto parts = auth::SplitToken(token);
    return a.ok() && parts &&
           RevokeToken(**a, std::string(parts->id), auth::IsoTime(auth::NowSeconds())).ok();
  }

  std::vector<AuditRecord> Audit() const {
    auto a = Archive::Open(db, OpenMode::kReadOnly);
    if (!a.ok()) return {};
    AuditQuery q;
    q.limit = 100000;
    auto r = ReadAudit(**a, q);
    return r.ok() ? *r : std::vector<AuditRecord>();
  }
};

struct RawResponse {
  int status = 0;                                   // 0: no answer
  std::multimap<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// One keep-alive connection from `source` (an IPv4 address) to 127.0.0.1.
class RawClient {
 public:
  RawClient(int port, const std::string& source = "127.0.0.1") {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, source.c_str(), &local.sin_addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) Fail();
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Fail();
    int yes = 1;
    if (fd_ >= 0) setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    timeval tv{10, 0};
    if (fd_ >= 0) setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawClient() {
    if (fd_ >= 0) close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  bool ok() const { return fd_ >= 0; }

  bool Send(const std::string& bytes) {
    size_t sent = 0;
    while (fd_ >= 0 && sent < bytes.size()) {
      ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return fd_ >= 0;
  }

  // Sends a request (extra header lines end in \r\n) and reads its answer.
  RawResponse Request(const std::string& method, const std::string& target,
                      const std::string& headers = "", const std::string& body = "") {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers;
    if (!body.empty() || method == "POST")
      req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    if (!Send(req)) return {};
    return Read(method == "HEAD");
  }

  // Reads one answer (status line, headers, Content-Length body).
  RawResponse Read(bool head = false) {
    RawResponse r;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!Fill()) return r;
    std::string head_text = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    if (head_text.size() < 12 || !head_text.starts_with("HTTP/1.")) return r;
    r.status = std::atoi(head_text.c_str() + 9);
    size_t pos = head_text.find("\r\n");
    while (pos != std::string::npos) {
      size_t next = head_text.find("\r\n", pos + 2);
      std::string line =
          head_text.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      pos = next;
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers.emplace(name, value);
    }
    size_t length = head ? 0 : static_cast<size_t>(std::atoll(r.Header("content-length").c_str()));
    while (buf_.size() < length)
      if (!Fill()) break;
    r.body = buf_.substr(0, length);
    buf_.erase(0, std::min(length, buf_.size()));
    return r;
  }

  // Whether the server closed the connection (waits up to `ms`).
  bool ClosedWithin(int ms) {
    timeval tv{ms / 1000, (ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char c;
    while (true) {
      ssize_t n = recv(fd_, &c, 1, 0);
      if (n == 0) return true;
      if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
      buf_ += c;
    }
  }
  int fd() const { return fd_; }

 private:
  void Fail() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  bool Fill() {
    char tmp[8192];
    ssize_t n = fd_ < 0 ? -1 : recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string buf_;
};

inline std::string Bearer(const std::string& token) {
  return "Authorization: Bearer " + token + "\r\n";
}

}  // namespace veille::testing

#endif  // VEILLE_TESTS_SERVER_HELPERS_H_
