// listing_test.cc: what a source lists (feeds, sitemaps, section pages'
// article links), same-site tests, Retry-After and backoff.
#include <gtest/gtest.h>

#include <set>

#include "veille/crawl.h"
#include "veille/html.h"

namespace veille {
namespace {

const ArticleLinkRules& Rules() {
  static const ArticleLinkRules rules = [] {
    auto r = ArticleLinkRules::LoadDefault();
    EXPECT_TRUE(r.ok()) << r.error().message;
    return std::move(r).value();
  }();
  return rules;
}

TEST(SameSite, RegistrableDomain) {
  EXPECT_TRUE(SameSite("https://news.example.co.uk/a", "http://www.example.co.uk/b"));
  EXPECT_FALSE(SameSite("https://a.github.io/x", "https://b.github.io/x"));
  EXPECT_FALSE(SameSite("https://example.com/", "https://example.org/"));
  EXPECT_TRUE(SameSite("http://127.0.0.1:8080/a", "http://127.0.0.1:9090/b"));
  EXPECT_FALSE(SameSite("http://127.0.0.1/a", "http://127.0.0.2/a"));
  EXPECT_FALSE(SameSite("mailto:x@example.com", "https://example.com/"));
}

TEST(ExtractLinks, WhereLinksSit) {
  std::string html =
      "<html><head><base href=\"https://www.example.fr/\"></head><body>"
      "<header><a href=\"/politique/\">Politique</a></header>"
      "<nav><a href=\"/sport/\">Sport</a></nav>"
      "<main><article><h2><a href=\"2024/03/05/la-reforme-passe-au-senat\">La réforme "
      "passe au Sénat sans vote</a></h2></article>"
      "<a href=\"javascript:void(0)\">x</a><a href=\"mailto:a@b.fr\">m</a>"
      "<a rel=\"nofollow\" href=\"/pub\">pub</a><a href=\"#top\">haut</a></main>"
      "<footer><a href=\"/mentions-legales\">Mentions</a></footer></body></html>";
  auto links = ExtractLinks(html, "https://www.example.fr/politique/");
  ASSERT_EQ(links.size(), 4u);
  EXPECT_EQ(links[0].url, "https://www.example.fr/politique/");
  EXPECT_TRUE(links[0].in_navigation);
  EXPECT_TRUE(links[1].in_navigation);
  EXPECT_EQ(links[2].url, "https://www.example.fr/2024/03/05/la-reforme-passe-au-senat");
  EXPECT_TRUE(links[2].in_heading);
  EXPECT_TRUE(links[2].in_article);
  EXPECT_FALSE(links[2].in_navigation);
  EXPECT_EQ(links[2].text, "La réforme passe au Sénat sans vote");
  EXPECT_TRUE(links[3].in_navigation);
}

TEST(ParseListing, SectionPageKeepsArticleLinksOnly) {
  std::string page =
      "<!doctype html><html><body>"
      "<nav><a href=\"/\">Accueil</a><a href=\"/economie/\">Économie</a>"
      "<a href=\"/sport/\">Sport</a><a href=\"/compte/login\">Connexion</a></nav>"
      "<main>"
      "<article><h3><a href=\"/economie/2024/05/02/les-prix-du-ble-remontent.html\">Les prix du "
      "blé remontent après la récolte</a></h3></article>"
      "<article><h3><a href=\"/economie/le-port-rouvre-ses-quais-aux-cargos\">Le port rouvre "
      "ses quais aux cargos</a></h3></article>"
      "<article><a href=\"/economie/article-123456?utm_source=home\">Fermeture d'une usine "
      "textile dans la vallée</a></article>"
      "<a href=\"/economie/le-port-rouvre-ses-quais-aux-cargos#comments\">3 commentaires</a>"
      "<a href=\"https://autre-site.example.net/2024/05/02/un-article-ailleurs\">Ailleurs, un "
      "article d'un autre site</a>"
      "<a href=\"/economie/photo.jpg\">Photo</a>"
      "<a href=\"/economie/\">Économie</a>"
      "</main><footer><a href=\"/contact\">Contact</a></footer></body></html>";
  Listing l = ParseListing(page, "text/html; charset=utf-8",
                           "https://www.journal.example/economie/", "auto", Rules(), 100);
  EXPECT_EQ(l.kind, Listing::Kind::kPage) << l.problem;
  std::vector<std::string> urls;
  for (const auto& link : l.links) urls.push_back(link.url);
  EXPECT_EQ(urls,
            (std::vector<std::string>{
                "https://www.journal.example/economie/2024/05/02/les-prix-du-ble-remontent.html",
                "https://www.journal.example/economie/le-port-rouvre-ses-quais-aux-cargos",
                "https://www.journal.example/economie/article-123456",
            }));
}

TEST(ParseListing, FeedSignaturesChangeWithTheItem) {
  auto feed = [](const std::string& title) {
    return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>"
           "<item><title>" +
           title +
           "</title><link>https://ex.example/a/1</link><pubDate>Tue, 05 Mar 2024 10:00:00 "
           "GMT</pubDate></item>"
           "<item><title>Deux</title><link>https://ex.example/a/2</link></item>"
           "<item><title>Deux encore</title><link>https://ex.example/a/2?utm_medium=x</link></item>"
           "</channel></rss>";
  };
  Listing a = ParseListing(feed("Un"), "application/rss+xml", "https://ex.example/feed", "auto",
                           Rules(), 100);
  Listing b =
      ParseListing(feed("Un, mis à jour"), "", "https://ex.example/feed", "feed", Rules(), 100);
  ASSERT_EQ(a.kind, Listing::Kind::kFeed);
  ASSERT_EQ(a.links.size(), 2u);  // the third item is the second's URL again
  ASSERT_EQ(b.links.size(), 2u);
  EXPECT_NE(a.links[0].signature, b.links[0].signature);
  EXPECT_EQ(a.links[1].signature, b.links[1].signature);
}

TEST(ParseListing, SitemapAndIndex) {
  Listing s = ParseListing(
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>https://e.example/"
      "a</loc><lastmod>2024-01-01</lastmod></url><url><loc>https://e.example/b</loc></url></"
      "urlset>",
      "application/xml", "https://e.example/sitemap.xml", "auto", Rules(), 1);
  EXPECT_EQ(s.kind, Listing::Kind::kSitemap);
  EXPECT_EQ(s.links.size(), 1u);  // max_links
  Listing i = ParseListing(
      "<sitemapindex><sitemap><loc>https://e.example/s1.xml</loc></sitemap></sitemapindex>", "",
      "https://e.example/sitemap.xml", "sitemap", Rules(), 10);
  EXPECT_EQ(i.kind, Listing::Kind::kSitemapIndex);
  ASSERT_EQ(i.links.size(), 1u);
  EXPECT_EQ(i.links[0].url, "https://e.example/s1.xml");
  Listing n = ParseListing("just text", "text/plain", "https://e.example/x", "auto", Rules(), 10);
  EXPECT_EQ(n.kind, Listing::Kind::kNone);
  EXPECT_FALSE(n.problem.empty());
  EXPECT_STREQ(ListingKindName(i.kind), "sitemap index");
}

TEST(RetryAfter, SecondsAndDates) {
  const int64_t now = 1709632800;  // Tue, 05 Mar 2024 10:00:00 GMT
  EXPECT_EQ(ParseRetryAfter("120", now), 120.0);
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), 0.0);
  EXPECT_EQ(ParseRetryAfter("Tue, 05 Mar 2024 10:01:30 GMT", now), 90.0);
  EXPECT_EQ(ParseRetryAfter("Tuesday, 05-Mar-24 10:00:10 GMT", now), 10.0);
  EXPECT_EQ(ParseRetryAfter("Tue Mar  5 10:00:05 2024", now), 5.0);
  EXPECT_EQ(ParseRetryAfter("Mon, 04 Mar 2024 10:00:00 GMT", now), 0.0);  // past
  EXPECT_FALSE(ParseRetryAfter("", now));
  EXPECT_FALSE(ParseRetryAfter("-5", now));
  EXPECT_FALSE(ParseRetryAfter("soon", now));
}

TEST(Backoff, GrowsWithJitterUpToTheCap) {
  EXPECT_DOUBLE_EQ(BackoffSeconds(0, 1, 100, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(BackoffSeconds(3, 1, 100, 0.5), 8.0);
  EXPECT_DOUBLE_EQ(BackoffSeconds(3, 1, 100, 0.0), 4.0);
  EXPECT_LT(BackoffSeconds(3, 1, 100, 0.999), 12.0);
  EXPECT_DOUBLE_EQ(BackoffSeconds(40, 1, 100, 0.5), 100.0);
  std::set<double> distinct;
  for (double u : {0.1, 0.3, 0.7}) distinct.insert(BackoffSeconds(2, 1, 100, u));
  EXPECT_EQ(distinct.size(), 3u);
}

}  // namespace
}  // namespace veille
