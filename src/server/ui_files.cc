// ui_files.cc: the web UI's files, and plain URLs redirected into its pages
// (see api.h).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/api.h"

namespace veille::server {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxPathBytes = 1024;
constexpr size_t kMaxUiParamBytes = 1000;

const char* ContentType(std::string_view ext) {
  static const std::pair<std::string_view, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [e, type] : kTypes)
    if (e == ext) return type;
  return nullptr;
}

// Percent-encodes everything but unreserved characters (and '/' when
// `keep_slash`), as encodeURIComponent does.
std::string Encode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/');
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string EncodeQuery(const RawParams& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += Encode(k, false);
    out += '=';
    out += Encode(v, false);
  }
  return out;
}

Result<std::string> SafeRelativePath(std::string_view path) {
  auto bad = [] { return Error::InvalidArgument("invalid path"); };
  if (path.empty() || path.front() != '/' || path.size() > kMaxPathBytes) return bad();
  if (!IsCleanText(path) || path.find('\\') != std::string_view::npos) return bad();
  if (path == "/") return std::string("index.html");
  std::string_view rest = path.substr(1);
  std::string out;
  while (true) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg.empty() || seg == "." || seg == "..") return bad();
    out += seg;
    if (slash == std::string_view::npos) break;
    out += '/';
    rest = rest.substr(slash + 1);
  }
  return out;
}

Reply Api::Ui(const Request& r) {
  if (r.method != "GET" && r.method != "HEAD") {
    Reply e = ErrorReply(405, "method not allowed: the UI's files answer GET and HEAD");
    e.headers.emplace_back("Allow", "GET, HEAD");
    return e;
  }
  const std::string_view path = r.path;
  const std::string_view last = path.substr(path.rfind('/') + 1);
  const bool file = path == "/" ? r.params.empty() : last.find('.') != std::string_view::npos;
  if (file) {
    if (!r.params.empty()) return ErrorReply(400, "the UI's files take no parameters");
    return Static(path);
  }
  // A plain URL for a page of the UI ("/?q=kaboul", "/search?q=kaboul",
  // "/article/ID"): its pages live in the fragment, which only the browser
  // sees, so the server sends it there.
  if (path != "/") {
    auto rel = SafeRelativePath(path);
    if (!rel.ok()) return ErrorReply(rel.error());
    if ((*rel)[0] == '.' || rel->find("/.") != std::string::npos)
      return ErrorReply(404, "no such file");
  }
  for (const auto& [k, v] : r.params)
    if (!IsCleanText(k) || !IsCleanText(v) || k.size() + v.size() > kMaxUiParamBytes)
      return ErrorReply(400, "parameters must be short UTF-8 text without control characters");
  const bool query =
      std::any_of(r.params.begin(), r.params.end(), [](const auto& p) { return p.first == "q"; });
  std::string location = "/#";
  location += path == "/" ? (query ? "/search" : "/") : Encode(path, true);
  if (!r.params.empty()) location.append("?").append(EncodeQuery(r.params));
  Reply reply;
  reply.status = 302;
  reply.content_type = "text/plain; charset=utf-8";
  reply.body = std::string("See ").append(location).append("\n");
  reply.headers.emplace_back("Location", location);
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

Reply Api::Static(std::string_view path) {
  auto rel = SafeRelativePath(path);
  if (!rel.ok()) return ErrorReply(rel.error());
  // Hidden files (.git, .env, editor droppings) are never part of the UI.
  if ((*rel)[0] == '.' || rel->find("/.") != std::string::npos)
    return ErrorReply(404, "no such file");
  fs::path full = fs::path(web_dir_) / *rel;
  const char* type = ContentType(full.extension().string());
  if (!type) return ErrorReply(404, "no such file");
  // Symbolic links could still lead out of the folder: the resolved path
  // must be inside the (canonical) web folder.
  std::error_code ec;
  auto canon = fs::canonical(full, ec);
  if (ec || !canon.string().starts_with(web_dir_ + "/") || !fs::is_regular_file(canon, ec))
    return ErrorReply(404, "no such file");
  std::ifstream in(canon, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  if (!in) return ErrorReply(404, "no such file");
  Reply r;
  r.content_type = type;
  r.body = std::move(body).str();
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace veille::server
