// parse_web.cc: web records (pages, feed items) -> RawArticle: charset,
// main-content extraction (html module), identity by URL, provenance.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "read/html_text.h"
#include "read/read_internal.h"
#include "veille/html.h"
#include "veille/read.h"
#include "veille/warc.h"

namespace veille {
namespace {

using read_internal::Lower;
using read_internal::StartsWithIgnoreCase;
using read_internal::TrimBlanks;

// The html module's extractor, made on first use. Immutable, shared by the
// worker threads.
const Result<std::unique_ptr<HtmlExtractor>>& Extractor() {
  static const Result<std::unique_ptr<HtmlExtractor>> extractor = HtmlExtractor::Create();
  return extractor;
}

bool IsHttpUrl(std::string_view u) {
  return StartsWithIgnoreCase(u, "http://") || StartsWithIgnoreCase(u, "https://");
}

// The host of an http(s) URL, lowercased, without "www." and the port.
std::string HostOf(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  size_t at = rest.rfind('@');
  if (at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest[0] != '[') rest = rest.substr(0, rest.find(':'));
  std::string host = Lower(rest);
  if (host.rfind("www.", 0) == 0) host.erase(0, 4);
  return host;
}

// The path of an http(s) URL ("/" when empty).
std::string_view PathOf(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  size_t slash = rest.find_first_of("/?#");
  if (slash == std::string_view::npos) return "/";
  rest = rest.substr(slash);
  return rest.substr(0, rest.find_first_of("?#"));
}

// The URL that identifies a page: its canonical URL, unless that is
// evidently wrong (another scheme, or a site's home page named as canonical
// of every article), else the URL it was fetched from.
std::string IdentityUrl(const std::optional<std::string>& canonical, std::string_view fetched) {
  if (canonical && IsHttpUrl(*canonical)) {
    std::string_view cpath = PathOf(*canonical), fpath = PathOf(fetched);
    bool home = cpath == "/" || cpath.empty();
    if (!home || fetched.empty() || fpath == "/" || fpath.empty()) return *canonical;
  }
  return std::string(fetched);
}

// "fr-FR", "fr_FR", "FR" -> "fr"; "" if not a language tag.
std::string LanguageCode(std::string_view tag) {
  tag = TrimBlanks(tag);
  std::string code = Lower(tag.substr(0, tag.find_first_of("-_")));
  if (code.size() < 2 || code.size() > 3) return {};
  for (char c : code)
    if (c < 'a' || c > 'z') return {};
  return code;
}

// The day of an ISO 8601 date-time as written (in the publisher's zone).
std::optional<std::string> DayOf(const std::optional<std::string>& iso) {
  if (!iso) return std::nullopt;
  std::string d = NormalizeDate(*iso);
  if (d.empty()) return std::nullopt;
  return d;
}

void SetWebFields(const InputRecord& rec, const std::string& identity_url, RawArticle* a) {
  a->provenance = rec.provenance;
  a->source = rec.source;
  std::string id = ArticleIdForUrl(identity_url);
  a->id = id.empty() ? (rec.id_hint.empty() ? rec.source : rec.id_hint) : id;
  std::string host = HostOf(identity_url.empty() ? rec.url : identity_url);
  a->source_group = host.empty() ? rec.source_group : host;
  if (!identity_url.empty()) a->url = identity_url;
}

Result<RawArticle> ParsePage(const InputRecord& rec) {
  const auto& extractor = Extractor();
  if (!extractor.ok())
    return Error::BadInput(rec.source + ": no HTML extractor: " + extractor.error().message);
  std::string charset;
  const std::string http_charset = CharsetOf(rec.content_type);
  auto html = DecodeToUtf8(
      rec.bytes,
      http_charset.empty() ? std::nullopt : std::optional<std::string_view>(http_charset),
      &charset);
  if (!html.ok()) return Error::BadInput(rec.source + ": " + html.error().message);
  PageInput in;
  in.html = *html;
  if (!rec.url.empty()) in.url = rec.url;
  if (!rec.provenance.fetch_date.empty()) in.fetch_date = rec.provenance.fetch_date;
  auto extracted = (*extractor)->Extract(in);
  if (!extracted.ok()) return Error::BadInput(rec.source + ": " + extracted.error().message);
  ExtractedPage& page = *extracted;
  RawArticle a;
  for (Diagnostic d : page.diagnostics) {
    if (d.where.empty()) d.where = rec.source;
    a.diagnostics.push_back(std::move(d));
  }
  read_internal::CopyRepairingUtf8(page.text, &a.text, rec.source, &a.diagnostics);
  if (TrimBlanks(a.text).empty())
    return Error::BadInput(rec.source + ": no article text found in the page");
  if (page.title && !TrimBlanks(*page.title).empty())
    a.title = std::string(TrimBlanks(*page.title));
  a.date = DayOf(page.date);
  a.outlet = page.outlet;
  if (page.language) {
    std::string code = LanguageCode(*page.language);
    if (!code.empty()) a.language = code;
  }
  std::optional<std::string> canonical;
  if (page.canonical_url) canonical = NormalizeUrl(*page.canonical_url);
  SetWebFields(rec, IdentityUrl(canonical, rec.url.empty() ? "" : NormalizeUrl(rec.url)), &a);
  nlohmann::json meta = nlohmann::json::object();
  if (!page.authors.empty()) meta["authors"] = page.authors;
  if (page.modified) meta["modified"] = *page.modified;
  if (page.date) meta["published"] = *page.date;
  if (!charset.empty()) meta["charset"] = charset;
  if (!rec.url.empty()) meta["fetched_url"] = rec.url;
  a.metadata_json = meta.dump();
  return a;
}

Result<RawArticle> ParseFeedItem(const InputRecord& rec) {
  const FeedItem& it = rec.item;
  RawArticle a;
  std::string text = HtmlToText(it.content.empty() ? it.summary : it.content);
  read_internal::CopyRepairingUtf8(text, &a.text, rec.source, &a.diagnostics);
  if (TrimBlanks(a.text).empty())
    return Error::BadInput(rec.source + ": feed item has neither content nor summary");
  if (!it.title.empty()) a.title = it.title;
  a.date = DayOf(it.published.empty() ? std::nullopt : std::optional<std::string>(it.published));
  if (!rec.feed_title.empty()) a.outlet = rec.feed_title;
  std::string code = LanguageCode(rec.feed_language);
  if (!code.empty()) a.language = code;
  if (it.summary_only) {
    a.flags.push_back("summary-only");
  } else if (!it.summary.empty() && !it.content.empty()) {
    std::string summary = HtmlToText(it.summary);
    if (!summary.empty()) a.summary = summary;
  }
  std::string link = it.link.empty() && IsHttpUrl(it.guid) ? it.guid : it.link;
  SetWebFields(rec, link.empty() ? "" : NormalizeUrl(link), &a);
  if (link.empty() && !it.guid.empty()) a.id = "guid:" + it.guid;
  nlohmann::json meta = nlohmann::json::object();
  if (!it.authors.empty()) meta["authors"] = it.authors;
  if (!it.categories.empty()) meta["categories"] = it.categories;
  if (!it.guid.empty()) meta["guid"] = it.guid;
  if (!it.published.empty()) meta["published"] = it.published;
  if (!it.updated.empty()) meta["modified"] = it.updated;
  if (!link.empty()) meta["fetched_url"] = link;
  a.metadata_json = meta.dump();
  return a;
}

}  // namespace

std::string ArticleIdForUrl(std::string_view url) {
  url = TrimBlanks(url);
  if (!IsHttpUrl(url)) return {};
  return NormalizeUrl(url);
}

namespace read_internal {
Result<RawArticle> ParseWebRecord(const InputRecord& record) {
  if (record.kind == InputRecord::Kind::kFeedItem) return ParseFeedItem(record);
  return ParsePage(record);
}
}  // namespace read_internal

}  // namespace veille
