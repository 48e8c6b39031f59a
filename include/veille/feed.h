// feed.h: RSS 2.0, RSS 1.0 (RDF) and Atom feeds.
//
// In:  the bytes of a feed document (any encoding its XML declaration or BOM
//      names; libxml2 in recovery mode, so the broken feeds real sites serve
//      are read as far as they make sense) and the URL it came from, if known.
// Out: a Feed: its title, link, language and items in document order; each
//      item's link (absolute), guid, dates (ISO 8601), authors, categories,
//      summary and full content (HTML as the feed gives it). An item without
//      full content is marked summary_only. What was repaired comes back in
//      Feed::problems; a document that is not XML, or XML that is not a feed,
//      is an Error::BadInput saying so.
// Thread-safety: ParseFeed may run on many threads at once (libxml2 keeps its
//      error state per thread); no network access, no external entities.
#ifndef VEILLE_FEED_H_
#define VEILLE_FEED_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "veille/result.h"

namespace veille {

struct FeedItem {
  uint32_t number = 0;    // 1-based position in the feed
  uint32_t line = 0;      // line of the item element in the document
  std::string title;      // text (entities and markup removed)
  std::string link;       // absolute URL of the article page, "" if none
  std::string guid;       // RSS guid, Atom id, RDF rdf:about
  std::string published;  // ISO 8601 ("2024-03-01T10:00:00+01:00", or a day), "" if none
  std::string updated;
  std::vector<std::string> authors;
  std::vector<std::string> categories;
  std::string summary;  // description / summary (HTML or text)
  std::string content;  // content:encoded / Atom content (HTML); "" if none
  // No full content: only a summary (or a title) to store; a page fetched
  // later for the same URL replaces it.
  bool summary_only = false;
};

struct Feed {
  enum class Format { kRss2, kRss1, kAtom };
  Format format = Format::kRss2;
  std::string title;
  std::string link;
  std::string language;  // as declared ("fr", "en-US"), "" if none
  std::vector<FeedItem> items;
  std::vector<std::string> problems;  // XML errors recovered from
};

struct FeedOptions {
  size_t max_items = 100000;
};

// Parses a feed. `url` (the feed's address, may be empty) resolves relative
// links and is the base for xml:base.
Result<Feed> ParseFeed(std::string_view bytes, std::string_view url = {},
                       const FeedOptions& options = {});

// Whether `head` (the first bytes of a file) looks like a feed document: an
// <rss>, <feed> or <rdf:RDF> root after the XML prolog. For choosing a
// reader by content when a file is named .xml.
bool LooksLikeFeed(std::string_view head);

// An RFC 822 date (RSS: "Tue, 10 Jun 2003 04:00:00 GMT", numeric or named
// zones, two-digit years) or an ISO 8601 / W3C-DTF one (Atom, Dublin Core),
// as ISO 8601: "YYYY-MM-DDTHH:MM:SS" plus "Z" or "+HH:MM" when a zone is
// given, or "YYYY-MM-DD" for a bare day. "" if it is not a date.
std::string NormalizeFeedDate(std::string_view s);

}  // namespace veille

#endif  // VEILLE_FEED_H_
