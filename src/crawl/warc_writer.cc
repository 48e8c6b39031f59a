// warc_writer.cc: rotating WARC/1.1 files, one gzip member per record.
#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/random.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>

#include "veille/crawl.h"

namespace veille {
namespace {

std::string Gzip(std::string_view data) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string TimeStamp(const char* format) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// The payload of an HTTP message: what follows its header block.
std::string_view HttpPayload(std::string_view message) {
  size_t e = message.find("\r\n\r\n");
  if (e != std::string_view::npos) return message.substr(e + 4);
  e = message.find("\n\n");
  return e == std::string_view::npos ? std::string_view() : message.substr(e + 2);
}

}  // namespace

std::string WarcSha1Digest(std::string_view data) {
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out = "sha1:";
  // 160 bits = 32 groups of 5 bits (RFC 4648 base32, no padding needed).
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : md) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  return out;
}

std::string NewWarcRecordId() {
  unsigned char b[16];
  size_t got = 0;
  while (got < sizeof b) {
    ssize_t n = getrandom(b + got, sizeof b - got, 0);
    if (n <= 0) {
      if (errno == EINTR) continue;
      break;
    }
    got += static_cast<size_t>(n);
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char s[64];
  std::snprintf(s, sizeof s,
                "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x>",
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                b[13], b[14], b[15]);
  return s;
}

std::string WarcDateNow() { return TimeStamp("%Y-%m-%dT%H:%M:%SZ"); }

Result<std::unique_ptr<WarcWriter>> WarcWriter::Open(const WarcWriterOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) return Error::Io(options.dir + ": cannot create folder: " + ec.message());
  std::unique_ptr<WarcWriter> w(new WarcWriter(options));
  if (auto s = w->Rotate(); !s.ok()) return s.error();
  return w;
}

WarcWriter::~WarcWriter() {
  if (file_) {
    std::fflush(file_);
    fsync(fileno(file_));
    std::fclose(file_);
  }
}

Status WarcWriter::Rotate() {
  if (file_) {
    if (auto s = Flush(); !s.ok()) return s;
    std::fclose(file_);
    file_ = nullptr;
  }
  // A new name every time, also across processes started in the same second.
  for (;;) {
    char serial[16];
    std::snprintf(serial, sizeof serial, "%05u", ++serial_);
    path_ = (std::filesystem::path(options_.dir) /
             (options_.prefix + "-" + TimeStamp("%Y%m%d%H%M%S") + "-" + serial + ".warc.gz"))
                .string();
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      file_ = fdopen(fd, "wb");
      break;
    }
    if (errno != EEXIST) return Error::Io(path_ + ": cannot create: " + std::strerror(errno));
  }
  if (!file_) return Error::Io(path_ + ": cannot open: " + std::strerror(errno));
  size_ = 0;
  files_.push_back(path_);
  std::string info = "software: " + options_.software +
                     "\r\nformat: WARC File Format 1.1\r\n"
                     "conformsTo: http://iipc.github.io/warc-specifications/specifications/"
                     "warc-format/warc-1.1/\r\n";
  auto r = Append(NewWarcRecordId(), "warcinfo", "", WarcDateNow(), "application/warc-fields", info,
                  "", {{"WARC-Filename", std::filesystem::path(path_).filename().string()}});
  if (!r.ok()) return r.error();
  return Flush();
}

Result<WarcLocation> WarcWriter::Append(
    const std::string& id, std::string_view type, std::string_view uri, std::string_view date,
    std::string_view content_type, std::string_view block, std::string_view payload_digest,
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string head = "WARC/1.1\r\nWARC-Type: " + std::string(type) + "\r\nWARC-Record-ID: " + id +
                     "\r\nWARC-Date: " + std::string(date) + "\r\n";
  if (!uri.empty()) head += "WARC-Target-URI: " + std::string(uri) + "\r\n";
  for (const auto& [k, v] : extra) head += k + ": " + v + "\r\n";
  head += "WARC-Block-Digest: " + WarcSha1Digest(block) + "\r\n";
  if (!payload_digest.empty())
    head += "WARC-Payload-Digest: " + std::string(payload_digest) + "\r\n";
  if (!content_type.empty()) head += "Content-Type: " + std::string(content_type) + "\r\n";
  head += "Content-Length: " + std::to_string(block.size()) + "\r\n\r\n";
  std::string rec = std::move(head);
  rec.append(block);
  rec += "\r\n\r\n";
  std::string member = Gzip(rec);
  WarcLocation loc{path_, size_, id};
  if (std::fwrite(member.data(), 1, member.size(), file_) != member.size())
    return Error::Io(path_ + ": write failed: " + std::strerror(errno));
  size_ += member.size();
  return loc;
}

Result<WarcLocation> WarcWriter::WriteRecord(
    std::string_view type, std::string_view uri, std::string_view date,
    std::string_view content_type, std::string_view block,
    const std::vector<std::pair<std::string, std::string>>& extra) {
  if (size_ >= options_.max_file_bytes) {
    if (auto s = Rotate(); !s.ok()) return s.error();
  }
  return Append(NewWarcRecordId(), type, uri, date, content_type, block, "", extra);
}

Result<WarcLocation> WarcWriter::WriteExchange(
    std::string_view uri, std::string_view date, std::string_view request,
    std::string_view response, std::string_view ip_address,
    const std::vector<std::pair<std::string, std::string>>& fields) {
  if (size_ >= options_.max_file_bytes) {
    if (auto s = Rotate(); !s.ok()) return s.error();
  }
  const std::string response_id = NewWarcRecordId(), request_id = NewWarcRecordId();
  std::vector<std::pair<std::string, std::string>> extra;
  if (!ip_address.empty()) extra.emplace_back("WARC-IP-Address", std::string(ip_address));
  std::vector<std::pair<std::string, std::string>> response_extra = extra;
  response_extra.insert(response_extra.end(), fields.begin(), fields.end());
  auto resp = Append(response_id, "response", uri, date, "application/http; msgtype=response",
                     response, WarcSha1Digest(HttpPayload(response)), response_extra);
  if (!resp.ok()) return resp.error();
  extra.emplace_back("WARC-Concurrent-To", response_id);
  auto req = Append(request_id, "request", uri, date, "application/http; msgtype=request", request,
                    "", extra);
  if (!req.ok()) return req.error();
  if (std::fflush(file_) != 0) return Error::Io(path_ + ": write failed: " + std::strerror(errno));
  return resp;
}

Status WarcWriter::Flush() {
  if (std::fflush(file_) != 0) return Error::Io(path_ + ": flush failed: " + std::strerror(errno));
  if (fsync(fileno(file_)) != 0)
    return Error::Io(path_ + ": fsync failed: " + std::strerror(errno));
  return OkStatus();
}

}  // namespace veille
