// feed_test.cc: RSS 2.0, RSS 1.0 and Atom parsing, dates, sniffing, bad feeds.
#include "veille/feed.h"

#include <gtest/gtest.h>

#include <string>

#include "read/html_text.h"

namespace veille {
namespace {

constexpr char kRss2[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Le Courrier du Val</title>
  <link>https://courrier-du-val.example/</link>
  <atom:link href="https://courrier-du-val.example/feed" rel="self"/>
  <language>fr</language>
  <item>
    <title>Le pont de Saint-Aubin rouvre &amp; la ville respire</title>
    <link>https://courrier-du-val.example/2024/03/pont.html?utm_source=rss</link>
    <guid isPermaLink="false">cdv-4411</guid>
    <pubDate>Tue, 05 Mar 2024 09:30:00 +0100</pubDate>
    <dc:creator>Claire Morand</dc:creator>
    <category>Local</category><category>Travaux</category>
    <description>Après huit mois de travaux, le pont rouvre.</description>
    <content:encoded><![CDATA[<p>Après huit mois de travaux, le pont de Saint-Aubin a rouvert lundi.</p>
      <p>« C’est un soulagement », a déclaré la maire.</p><script>track()</script>]]></content:encoded>
  </item>
  <item>
    <title>Marché de printemps</title>
    <guid>https://courrier-du-val.example/2024/03/marche.html</guid>
    <pubDate>Wed, 6 Mar 24 18:00 GMT</pubDate>
    <author>redaction@courrier-du-val.example (Paul Lenoir)</author>
    <description>Le marché revient &lt;b&gt;samedi&lt;/b&gt;.</description>
  </item>
</channel>
</rss>)";

TEST(Feed, Rss2ItemsWithContentAndSummaryOnly) {
  auto f = ParseFeed(kRss2, "https://courrier-du-val.example/feed");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->format, Feed::Format::kRss2);
  EXPECT_EQ(f->title, "Le Courrier du Val");
  EXPECT_EQ(f->link, "https://courrier-du-val.example/");
  EXPECT_EQ(f->language, "fr");
  ASSERT_EQ(f->items.size(), 2u);
  const FeedItem& a = f->items[0];
  EXPECT_EQ(a.number, 1u);
  EXPECT_EQ(a.title, "Le pont de Saint-Aubin rouvre & la ville respire");
  EXPECT_EQ(a.link, "https://courrier-du-val.example/2024/03/pont.html?utm_source=rss");
  EXPECT_EQ(a.guid, "cdv-4411");
  EXPECT_EQ(a.published, "2024-03-05T09:30:00+01:00");
  EXPECT_EQ(a.authors, std::vector<std::string>{"Claire Morand"});
  EXPECT_EQ(a.categories, (std::vector<std::string>{"Local", "Travaux"}));
  EXPECT_FALSE(a.summary_only);
  EXPECT_EQ(HtmlToText(a.content),
            "Après huit mois de travaux, le pont de Saint-Aubin a rouvert lundi.\n\n"
            "« C’est un soulagement », a déclaré la maire.");
  const FeedItem& b = f->items[1];
  EXPECT_TRUE(b.summary_only);
  EXPECT_EQ(b.link, "https://courrier-du-val.example/2024/03/marche.html");  // permalink guid
  EXPECT_EQ(b.published, "2024-03-06T18:00:00Z");
  EXPECT_EQ(b.authors, std::vector<std::string>{"Paul Lenoir"});
  EXPECT_EQ(HtmlToText(b.summary), "Le marché revient samedi.");
  EXPECT_GT(b.line, a.line);
}

TEST(Feed, Rss1RdfItemsBesideTheChannel) {
  constexpr char kRdf[] = R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://gazette.example/rss"><title>La Gazette</title>
    <link>https://gazette.example/</link><dc:language>fr-FR</dc:language></channel>
  <item rdf:about="https://gazette.example/n/12">
    <title>Une école rénovée</title><link>https://gazette.example/n/12</link>
    <description>Les élèves ont retrouvé leurs classes.</description>
    <dc:date>2024-02-29T07:45:00+01:00</dc:date><dc:creator>Inès Vidal</dc:creator>
    <dc:subject>Éducation</dc:subject>
  </item>
</rdf:RDF>)";
  auto f = ParseFeed(kRdf);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->format, Feed::Format::kRss1);
  EXPECT_EQ(f->title, "La Gazette");
  EXPECT_EQ(f->language, "fr-FR");
  ASSERT_EQ(f->items.size(), 1u);
  EXPECT_EQ(f->items[0].guid, "https://gazette.example/n/12");
  EXPECT_EQ(f->items[0].published, "2024-02-29T07:45:00+01:00");
  EXPECT_EQ(f->items[0].authors, std::vector<std::string>{"Inès Vidal"});
  EXPECT_EQ(f->items[0].categories, std::vector<std::string>{"Éducation"});
  EXPECT_TRUE(f->items[0].summary_only);
}

TEST(Feed, AtomEntriesTextHtmlXhtmlAndRelativeLinks) {
  constexpr char kAtom[] = R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en" xml:base="https://harbour-times.example/">
  <title type="html">Harbour &lt;i&gt;Times&lt;/i&gt;</title>
  <link href="https://harbour-times.example/"/>
  <link rel="self" href="https://harbour-times.example/atom.xml"/>
  <entry>
    <title>Ferry service resumes</title>
    <link rel="alternate" type="text/html" href="/news/ferry-service"/>
    <link rel="replies" href="/news/ferry-service#comments"/>
    <id>tag:harbour-times.example,2024:ferry</id>
    <published>2024-01-15T06:00:00Z</published><updated>2024-01-15T09:12:30.5-05:00</updated>
    <author><name>Sam Okafor</name></author><author><name>Lea Brandt</name></author>
    <category term="transport" label="Transport"/>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The ferry runs again.</p><p>Crossings every hour.</p></div></content>
  </entry>
  <entry>
    <title type="text">Tide tables</title>
    <link href="tides"/>
    <id>tag:harbour-times.example,2024:tides</id>
    <updated>2024-01-16</updated>
    <summary type="html">&lt;p&gt;New tables are out.&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Plain</title><id>x</id>
    <content type="text">Line one &amp; more
line two</content>
  </entry>
</feed>)";
  auto f = ParseFeed(kAtom, "https://harbour-times.example/atom.xml");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->format, Feed::Format::kAtom);
  EXPECT_EQ(f->title, "Harbour Times");
  EXPECT_EQ(f->language, "en");
  ASSERT_EQ(f->items.size(), 3u);
  const FeedItem& a = f->items[0];
  EXPECT_EQ(a.link, "https://harbour-times.example/news/ferry-service");
  EXPECT_EQ(a.published, "2024-01-15T06:00:00Z");
  EXPECT_EQ(a.updated, "2024-01-15T09:12:30-05:00");
  EXPECT_EQ(a.authors, (std::vector<std::string>{"Sam Okafor", "Lea Brandt"}));
  EXPECT_EQ(a.categories, std::vector<std::string>{"Transport"});
  EXPECT_FALSE(a.summary_only);
  EXPECT_EQ(HtmlToText(a.content), "The ferry runs again.\n\nCrossings every hour.");
  const FeedItem& b = f->items[1];
  EXPECT_EQ(b.link, "https://harbour-times.example/tides");
  EXPECT_EQ(b.published, "2024-01-16");  // no <published>: <updated>
  EXPECT_TRUE(b.summary_only);
  EXPECT_EQ(HtmlToText(b.summary), "New tables are out.");
  EXPECT_EQ(HtmlToText(f->items[2].content), "Line one & more\n\nline two");
}

TEST(Feed, LongDescriptionCountsAsFullContent) {
  std::string body;
  for (int i = 0; i < 5; ++i)
    body += "&lt;p&gt;" + std::string(400, 'a' + i) + " paragraphe.&lt;/p&gt;";
  std::string rss =
      "<rss><channel><item><title>T</title><link>https://x.example/a</link>"
      "<description>" +
      body + "</description></item></channel></rss>";
  auto f = ParseFeed(rss);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->items.size(), 1u);
  EXPECT_FALSE(f->items[0].summary_only);
  EXPECT_FALSE(f->items[0].content.empty());
}

TEST(Feed, BrokenXmlIsRecoveredAndNotAFeedIsAnError) {
  // An unescaped ampersand and an unclosed item, as hand-made feeds have.
  auto f = ParseFeed(
      "<rss><channel><title>A & B</title><item><title>Un</title>"
      "<link>https://a.example/1</link></item><item><title>Deux</title>");
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->problems.empty());
  ASSERT_GE(f->items.size(), 1u);
  EXPECT_EQ(f->items[0].link, "https://a.example/1");

  auto html = ParseFeed("<!DOCTYPE html><html><body><p>Bonjour</p></body></html>");
  ASSERT_FALSE(html.ok());
  EXPECT_NE(html.error().message.find("root element is <html>"), std::string::npos);
  EXPECT_FALSE(ParseFeed("{\"not\": \"xml\"}").ok());
  EXPECT_FALSE(ParseFeed("").ok());
  EXPECT_FALSE(ParseFeed(std::string("\x89PNG\r\n\x1a\n\0\0\0", 11)).ok());
}

TEST(Feed, NoExternalEntitiesAreLoaded) {
  auto f =
      ParseFeed(R"(<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&x;</title><link>https://a.example/</link></item></channel></rss>)");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->items.size(), 1u);
  EXPECT_EQ(f->items[0].title.find("root:"), std::string::npos);
}

TEST(Feed, Sniffing) {
  EXPECT_TRUE(LooksLikeFeed("<?xml version=\"1.0\"?>\n<!-- c -->\n<rss version=\"2.0\">"));
  EXPECT_TRUE(LooksLikeFeed("\xEF\xBB\xBF<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
  EXPECT_TRUE(LooksLikeFeed("<rdf:RDF xmlns:rdf=\"...\">"));
  EXPECT_TRUE(LooksLikeFeed("<atom:feed xmlns:atom=\"...\">"));
  EXPECT_FALSE(LooksLikeFeed("<?xml version=\"1.0\"?><urlset>"));
  EXPECT_FALSE(LooksLikeFeed("<html><head>"));
  EXPECT_FALSE(LooksLikeFeed("<rssx>"));
  EXPECT_FALSE(LooksLikeFeed(""));
}

TEST(FeedDate, Rfc822AndIso8601) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z"},
      {"Sat, 07 Sep 2002 00:00:01 +0200", "2002-09-07T00:00:01+02:00"},
      {"07 Sep 2002 9:05 EDT", "2002-09-07T09:05:00-04:00"},
      {"Mon, 1 Jan 24 10:00:00 CEST", "2024-01-01T10:00:00+02:00"},
      {"mar., 05 mars 2024 09:30:00 +0100", "2024-03-05T09:30:00+01:00"},
      {"Thu, 01 Feb 2024 12:00:00", "2024-02-01T12:00:00"},
      {"5 août 2021", "2021-08-05"},
      {"2024-03-05T09:30:00+01:00", "2024-03-05T09:30:00+01:00"},
      {"2024-03-05T09:30:00.123Z", "2024-03-05T09:30:00Z"},
      {"2024-03-05 09:30:00", "2024-03-05T09:30:00"},
      {"2024-03-05T09:30+0530", "2024-03-05T09:30:00+05:30"},
      {"2024-03-05", "2024-03-05"},
      {"2024-02-30", ""},
      {"Fri, 31 Feb 2024 10:00:00 GMT", ""},
      {"yesterday", ""},
      {"", ""},
      {"2024-03-05Tnonsense", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(NormalizeFeedDate(c.in), c.out) << c.in;
}

TEST(HtmlText, BlocksBecomeParagraphs) {
  EXPECT_EQ(HtmlToText("<h2>Titre</h2><p>Un <b>mot</b>&nbsp;!</p><ul><li>a</li><li>b</li></ul>"
                       "<style>p{}</style><p>fin<br>ligne</p>"),
            "Titre\n\nUn mot\xC2\xA0!\n\na\n\nb\n\nfin\n\nligne");
  EXPECT_EQ(HtmlToText("  plain   text \n here "), "plain text here");
  EXPECT_EQ(HtmlToText(""), "");
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "<div>";
  deep += "deep";
  EXPECT_LE(HtmlToText(deep).size(), 4u);  // bounded, no stack overflow
  EXPECT_EQ(HtmlEscapeText("a<b & c>\nd"), "a&lt;b &amp; c&gt;<br>d");
}

}  // namespace
}  // namespace veille
