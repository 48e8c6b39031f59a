// warc_fixture.h: builds WARC records, gzip members and HTTP responses for
// the reader tests (what Heritrix, wget and Browsertrix write).
#ifndef VEILLE_TESTS_READ_WARC_FIXTURE_H_
#define VEILLE_TESTS_READ_WARC_FIXTURE_H_

#include <zlib.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace veille::testing {

struct FixtureRecord {
  std::string type = "response";
  std::string uri;
  std::string block;
  std::string id;  // "<urn:uuid:...>"; made from a counter when empty
  std::string date = "2024-03-05T08:15:00Z";
  std::string content_type = "application/http; msgtype=response";
  std::vector<std::pair<std::string, std::string>> extra;
};

inline std::string RecordId(int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "<urn:uuid:00000000-0000-4000-8000-%012d>", n);
  return buf;
}

// One record: version line, headers, block, CRLF CRLF. `declared_length`
// (when >= 0) replaces the true Content-Length, to make a broken record.
inline std::string WarcBytes(const FixtureRecord& r, int n, long declared_length = -1) {
  std::string out = "WARC/1.1\r\n";
  out += "WARC-Type: " + r.type + "\r\n";
  out += "WARC-Record-ID: " + (r.id.empty() ? RecordId(n) : r.id) + "\r\n";
  out += "WARC-Date: " + r.date + "\r\n";
  if (!r.uri.empty()) out += "WARC-Target-URI: " + r.uri + "\r\n";
  if (!r.content_type.empty()) out += "Content-Type: " + r.content_type + "\r\n";
  for (const auto& [k, v] : r.extra) out += k + ": " + v + "\r\n";
  out +=
      "Content-Length: " +
      std::to_string(declared_length >= 0 ? static_cast<size_t>(declared_length) : r.block.size()) +
      "\r\n\r\n";
  out += r.block;
  out += "\r\n\r\n";
  return out;
}

// One gzip member holding `data`.
inline std::string Gzip(std::string_view data, int level = 6) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// zlib-wrapped (window_bits 15) or raw (-15) deflate.
inline std::string Deflate(std::string_view data, int window_bits) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::string Chunked(std::string_view body, size_t chunk) {
  std::string out;
  for (size_t i = 0; i < body.size(); i += chunk) {
    std::string_view c = body.substr(i, chunk);
    char hex[32];
    std::snprintf(hex, sizeof hex, "%zx\r\n", c.size());
    out += hex;
    out += c;
    out += "\r\n";
  }
  out += "0\r\n\r\n";
  return out;
}

inline std::string HttpBlock(std::string_view body,
                             std::string_view content_type = "text/html; charset=utf-8",
                             const std::vector<std::pair<std::string, std::string>>& headers = {},
                             int status = 200) {
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Status") + "\r\n";
  if (!content_type.empty()) out += "Content-Type: " + std::string(content_type) + "\r\n";
  for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
  out += "\r\n";
  out += body;
  return out;
}

// A news page as publishers write them: head metadata, navigation, the
// article (headline, byline, paragraphs), related links and a footer. The
// words depend on `n`, so that pages differ.
inline std::string NewsPage(int n, const std::string& canonical,
                            const std::string& extra_paragraph = "",
                            const std::string& site = "Le Courrier du Val") {
  static const char* kPlaces[] = {"Saint-Aubin", "Villeneuve", "Montclair",  "Bourg-Lès-Eaux",
                                  "Rochefière",  "Valmont",    "Les Aulnes", "Pradelle"};
  std::string place = kPlaces[n % 8];
  std::string num = std::to_string(n);
  std::string html = "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\n";
  html += "<title>Le conseil de " + place + " vote le budget " + num + " | " + site + "</title>\n";
  if (!canonical.empty()) html += "<link rel=\"canonical\" href=\"" + canonical + "\">\n";
  html += "<meta property=\"og:site_name\" content=\"" + site + "\">\n";
  html += "<meta property=\"article:published_time\" content=\"2024-03-0" +
          std::to_string(n % 9 + 1) + "T08:00:00+01:00\">\n</head><body>\n";
  html +=
      "<nav><ul><li><a href=\"/\">Accueil</a></li><li><a "
      "href=\"/local\">Local</a></li></ul></nav>\n";
  html += "<article><h1>Le conseil de " + place + " vote le budget " + num + "</h1>\n";
  html += "<p class=\"byline\">Par Claire Morand</p>\n";
  html += "<p>Le conseil municipal de " + place +
          " a adopté mardi soir, après trois heures de débat, un budget "
          "de " +
          num +
          " millions d’euros pour l’année qui vient, en hausse par rapport au précédent.</p>\n";
  html +=
      "<p>« Nous avons fait le choix de l’école et des routes », a expliqué la maire devant une "
      "salle "
      "comble, où les habitants étaient venus nombreux poser leurs questions sur le dossier "
      "numéro " +
      num + ".</p>\n";
  html +=
      "<p>L’opposition a voté contre, jugeant la hausse des taxes trop forte pour les familles de "
      "la "
      "commune, et demande un nouveau vote avant l’été sur la piscine et la médiathèque.</p>\n";
  if (!extra_paragraph.empty()) html += "<p>" + extra_paragraph + "</p>\n";
  html +=
      "</article>\n<aside><h2>À lire aussi</h2><ul><li><a href=\"/a\">Autre "
      "article</a></li></ul></aside>\n";
  html += "<footer><p>© " + site + " — Tous droits réservés.</p></footer></body></html>\n";
  return html;
}

}  // namespace veille::testing

#endif  // VEILLE_TESTS_READ_WARC_FIXTURE_H_
