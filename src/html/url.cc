// url.cc: URL normalisation for identity and relative reference resolution.
#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "veille/html.h"
#include "veille/utf8.h"

namespace veille {
namespace {

struct TrackingParams {
  std::vector<std::string> exact, prefixes;
};

const TrackingParams& Tracking() {
  static const TrackingParams* t = [] {
    auto* p = new TrackingParams;
    std::ifstream in(DataPath("html/tracking_params.txt"));
    std::string line;
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      if (line.back() == '*')
        p->prefixes.push_back(line.substr(0, line.size() - 1));
      else
        p->exact.push_back(line);
    }
    return p;
  }();
  return *t;
}

bool IsTracking(std::string_view name) {
  std::string lower(name);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  const TrackingParams& t = Tracking();
  if (std::find(t.exact.begin(), t.exact.end(), lower) != t.exact.end()) return true;
  for (const std::string& p : t.prefixes)
    if (lower.compare(0, p.size(), p) == 0) return true;
  return false;
}

std::string_view TrimJunk(std::string_view s) {
  auto junk = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '<' ||
           c == '>' || c == '\f';
  };
  while (!s.empty() && junk(s.front())) s.remove_prefix(1);
  while (!s.empty() && junk(s.back())) s.remove_suffix(1);
  return s;
}

struct Parts {
  std::string scheme, authority, path, query;
  bool has_authority = false, has_query = false;
};

// Splits an absolute URL (RFC 3986 appendix B); false if there is no scheme.
bool Split(std::string_view u, Parts* p) {
  size_t colon = u.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = u[i];
    bool ok = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    if (i > 0) ok = ok || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  p->scheme = std::string(u.substr(0, colon));
  for (char& c : p->scheme) c = static_cast<char>(c | 0x20);
  std::string_view rest = u.substr(colon + 1);
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  if (rest.substr(0, 2) == "//") {
    p->has_authority = true;
    rest.remove_prefix(2);
    size_t end = rest.find_first_of("/?");
    p->authority = std::string(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  size_t q = rest.find('?');
  p->path = std::string(rest.substr(0, q));
  if (q != std::string_view::npos) {
    p->has_query = true;
    p->query = std::string(rest.substr(q + 1));
  }
  return true;
}

// RFC 3986 5.2.4.
std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> out;
  bool absolute = !path.empty() && path[0] == '/';
  size_t i = absolute ? 1 : 0;
  bool trailing = false;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(i, slash - i);
    trailing = false;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      trailing = true;
    } else if (seg == ".") {
      trailing = true;
    } else {
      out.push_back(seg);
    }
    i = slash + 1;
  }
  std::string r = absolute ? "/" : "";
  for (size_t k = 0; k < out.size(); ++k) {
    if (k) r += '/';
    r += out[k];
  }
  if (trailing && (r.empty() || r.back() != '/')) r += '/';
  return r;
}

}  // namespace

std::string NormalizeUrl(std::string_view url) {
  url = TrimJunk(url);
  Parts p;
  if (!Split(url, &p) || (p.scheme != "http" && p.scheme != "https") || !p.has_authority)
    return std::string(url);
  // Host: lower case, no userinfo change, default port dropped, trailing dot.
  std::string auth = p.authority;
  size_t at = auth.rfind('@');
  std::string userinfo = at == std::string::npos ? "" : auth.substr(0, at + 1);
  std::string host = at == std::string::npos ? auth : auth.substr(at + 1);
  for (char& c : host)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  size_t colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']', colon) == std::string::npos) {
    std::string port = host.substr(colon + 1);
    if (port.empty() || (p.scheme == "http" && port == "80") ||
        (p.scheme == "https" && port == "443"))
      host.resize(colon);
  }
  while (!host.empty() && host.back() == '.') host.pop_back();
  std::string path = p.path.empty() ? "/" : RemoveDotSegments(p.path);
  std::string query;
  if (p.has_query) {
    size_t i = 0;
    while (i <= p.query.size()) {
      size_t amp = p.query.find('&', i);
      if (amp == std::string::npos) amp = p.query.size();
      std::string_view param = std::string_view(p.query).substr(i, amp - i);
      std::string_view name = param.substr(0, param.find('='));
      if (!param.empty() && !IsTracking(name)) {
        if (!query.empty()) query += '&';
        query += param;
      }
      i = amp + 1;
    }
  }
  std::string out = p.scheme + "://" + userinfo + host + path;
  if (!query.empty()) out += "?" + query;
  return out;
}

std::string ResolveUrl(std::string_view base, std::string_view ref) {
  ref = TrimJunk(ref);
  Parts r;
  if (Split(ref, &r)) return std::string(ref);
  Parts b;
  if (!Split(TrimJunk(base), &b) || !b.has_authority) return std::string(ref);
  std::string_view rest = ref.substr(0, ref.find('#'));
  std::string out = b.scheme + ":";
  if (rest.substr(0, 2) == "//") return b.scheme + ":" + std::string(rest);
  out += "//" + b.authority;
  size_t q = rest.find('?');
  std::string_view rpath = rest.substr(0, q);
  std::string_view rquery = q == std::string_view::npos ? std::string_view() : rest.substr(q);
  if (rpath.empty()) {
    out += b.path.empty() ? "/" : b.path;
    if (!rquery.empty())
      out += rquery;
    else if (b.has_query)
      out += "?" + b.query;
    return out;
  }
  if (rpath[0] == '/') {
    out += RemoveDotSegments(rpath);
  } else {
    std::string merged = b.path.empty() ? "/" : b.path.substr(0, b.path.rfind('/') + 1);
    merged += rpath;
    out += RemoveDotSegments(merged);
  }
  out += rquery;
  return out;
}

}  // namespace veille
