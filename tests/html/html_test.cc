// html_test.cc: parser, charset decoding, URL normalisation, extraction.
#include "veille/html.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <string>
#include <vector>

#include "html/dom.h"
#include "veille/html_eval.h"
#include "veille/utf8.h"

namespace veille {
namespace {

using html_internal::Parse;
using html_internal::Tag;

std::string TextOf(const html_internal::Document& d) {
  std::string out;
  for (uint32_t i = 0; i < d.nodes.size(); ++i)
    if (d.nodes[i].is_text) out += std::string(d.Text(i)) + "|";
  return out;
}

TEST(HtmlParse, EntitiesInTextAndAttributes) {
  auto d = Parse(
      "<p title=\"a&amp;b&copy=1\">caf&eacute; &amp &#233;&#x41;&#0;&nosuch; &lt;b&gt;</p>", 64);
  EXPECT_EQ(TextOf(d),
            "caf\xC3\xA9 & \xC3\xA9"
            "A\xEF\xBF\xBD&nosuch; <b>|");
  uint32_t p = 0;
  for (uint32_t i = 0; i < d.nodes.size(); ++i)
    if (!d.nodes[i].is_text && d.nodes[i].tag == Tag::kP) p = i;
  ASSERT_NE(p, 0u);
  EXPECT_EQ(d.Attribute(p, "title"), "a&b&copy=1");
}

TEST(HtmlParse, ImpliedEndTagsAndRawText) {
  auto d = Parse("<ul><li>one<li>two</ul><p>a<p>b<script>if (a<b) {}</script><div>c</div>", 64);
  int li = 0, p = 0;
  for (uint32_t i = 0; i < d.nodes.size(); ++i) {
    if (d.nodes[i].is_text) continue;
    if (d.nodes[i].tag == Tag::kLi) {
      ++li;
      EXPECT_EQ(d.nodes[d.nodes[i].parent].tag, Tag::kUl);
    }
    if (d.nodes[i].tag == Tag::kP) {
      ++p;
      EXPECT_EQ(d.nodes[d.nodes[i].parent].tag, Tag::kOther);  // the document
    }
  }
  EXPECT_EQ(li, 2);
  EXPECT_EQ(p, 2);
  EXPECT_NE(TextOf(d).find("if (a<b) {}"), std::string::npos);
}

TEST(HtmlParse, CdataOnlyInForeignContent) {
  // In HTML a stray "<![CDATA[" is a bogus comment ending at the first '>':
  // the page after it is still read. Inside SVG it is a CDATA section.
  auto d = Parse("<body><![CDATA[<div>first</div><p>second</p>", 64);
  EXPECT_EQ(TextOf(d), "first|second|");
  auto svg = Parse("<svg><text><![CDATA[a<b]]></text></svg><p>after</p>", 64);
  EXPECT_EQ(TextOf(svg), "a<b|after|");
}

TEST(HtmlParse, UnclosedSvgEndsAtHtml) {
  // An <svg> left open ends at the end tag of an HTML element around it or
  // at an HTML start tag such as <div> or <p> (HTML5 foreign content rules),
  // so the page after it is not read as part of the image.
  auto in_svg = [](const html_internal::Document& d, Tag tag) {
    for (uint32_t i = 0; i < d.nodes.size(); ++i) {
      if (d.nodes[i].is_text || d.nodes[i].tag != tag) continue;
      for (uint32_t p = d.nodes[i].parent; p != html_internal::kNone; p = d.nodes[p].parent)
        if (d.nodes[p].tag == Tag::kSvg) return true;
      return false;
    }
    return true;
  };
  auto a = Parse("<a href=#><svg class=icon></a><main><p>text</p></main>", 64);
  EXPECT_FALSE(in_svg(a, Tag::kMain));
  auto b = Parse("<svg><path d=M0><div>text</div>", 64);
  EXPECT_FALSE(in_svg(b, Tag::kDiv));
  // HTML inside foreignObject stays there; an SVG <a> is closed by its own end tag.
  auto c =
      Parse("<svg><foreignObject><div>in</div></foreignObject><a><text>t</text></a></svg>", 64);
  EXPECT_TRUE(in_svg(c, Tag::kDiv));
  EXPECT_TRUE(in_svg(c, Tag::kA));
}

TEST(HtmlParse, DeepNestingIsCapped) {
  std::string html;
  for (int i = 0; i < 10000; ++i) html += "<table><tr><td>";
  html += "deep";
  auto d = Parse(html, 100);
  EXPECT_TRUE(d.depth_capped);
  EXPECT_NE(TextOf(d).find("deep"), std::string::npos);
}

TEST(Charset, DeclaredAndDetected) {
  std::string used;
  // Latin-1 declared and true.
  auto a = DecodeToUtf8("<meta charset=iso-8859-1><p>caf\xE9</p>", std::nullopt, &used);
  ASSERT_TRUE(a.ok());
  EXPECT_NE(a->find("caf\xC3\xA9"), std::string::npos);
  EXPECT_EQ(used, "windows-1252");
  // Declared latin-1 but the bytes are UTF-8.
  auto b = DecodeToUtf8("<meta charset=iso-8859-1><p>caf\xC3\xA9</p>", std::nullopt, &used);
  ASSERT_TRUE(b.ok());
  EXPECT_NE(b->find("caf\xC3\xA9"), std::string::npos);
  EXPECT_EQ(used, "UTF-8");
  // Declared UTF-8 but windows-1252 bytes.
  auto c = DecodeToUtf8(
      "<meta charset=\"utf-8\"><p>d\xE9j\xE0 l'\xE9t\xE9 \x93quoted\x94, "
      "fran\xE7"
      "ais et \xE9l\xE8ve</p>",
      std::nullopt, &used);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(FindInvalidUtf8(*c), std::string::npos);
  EXPECT_NE(c->find("d\xC3\xA9j\xC3\xA0"), std::string::npos);
  // The HTTP header wins over <meta>.
  auto d = DecodeToUtf8("<meta charset=utf-8><p>\xE9</p>", std::string_view("ISO-8859-1"), &used);
  ASSERT_TRUE(d.ok());
  EXPECT_NE(d->find("\xC3\xA9"), std::string::npos);
  // Binary content is refused.
  std::string png("\x89PNG\r\n\x1a\n", 8);
  png += std::string(200, '\0');
  EXPECT_FALSE(DecodeToUtf8(png).ok());
}

TEST(Charset, MisreadUtf8ReadBack) {
  // UTF-8 read as latin-1 or windows-1252 and saved as UTF-8 again: "—"
  // shows as U+00E2 U+0080 U+0094 (latin-1) or "â€”" (windows-1252).
  const std::string latin1_dash = "\xC3\xA2\xC2\x80\xC2\x94";
  const std::string cp1252_quote = "\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2";  // for U+2019
  const std::string misread_e = "\xC3\x83\xC2\xA9";                     // for U+00E9
  std::string page = "<meta charset=utf-8><p>debt" + latin1_dash + "nearly, it" + cp1252_quote +
                     "s late" + latin1_dash + "very late" + latin1_dash + "in the caf" + misread_e +
                     "</p>";
  auto a = DecodeToUtf8(page);
  ASSERT_TRUE(a.ok());
  EXPECT_NE(a->find("debt\xE2\x80\x94nearly, it\xE2\x80\x99s late\xE2\x80\x94very"),
            std::string::npos)
      << *a;
  EXPECT_NE(a->find("caf\xC3\xA9"), std::string::npos) << *a;
  // Without such evidence, text that happens to hold "Ã©" is left alone.
  auto b = DecodeToUtf8("<meta charset=utf-8><p>caf" + misread_e + " et \xC3\xA9t\xC3\xA9</p>");
  ASSERT_TRUE(b.ok());
  EXPECT_NE(b->find("caf" + misread_e + " et \xC3\xA9t\xC3\xA9"), std::string::npos);
}

TEST(Url, Normalize) {
  EXPECT_EQ(NormalizeUrl("HTTPS://WWW.Example.COM:443/a/./b/../c?utm_source=x&id=3&fbclid=y#top"),
            "https://www.example.com/a/c?id=3");
  EXPECT_EQ(NormalizeUrl("http://example.com:80"), "http://example.com/");
  EXPECT_EQ(NormalizeUrl(" \"http://example.com/x?gclid=1\"> "), "http://example.com/x");
  EXPECT_EQ(NormalizeUrl("not a url"), "not a url");
  EXPECT_EQ(ResolveUrl("https://a.org/news/x.html?q=1", "../y.html"), "https://a.org/y.html");
  EXPECT_EQ(ResolveUrl("https://a.org/news/x.html", "//cdn.org/z"), "https://cdn.org/z");
  EXPECT_EQ(ResolveUrl("https://a.org/news/x.html", "/top"), "https://a.org/top");
}

TEST(EvalMetrics, TokensAndScores) {
  auto t = WordTokens("L'été 2021, c'est_ça!");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[1], "été");
  EXPECT_EQ(t[4], "est_ça");
  WordScore w = ScoreWords("a b b c", "b b d");
  EXPECT_NEAR(w.precision, 2.0 / 3, 1e-9);
  EXPECT_NEAR(w.recall, 0.5, 1e-9);
  ShingleMatch m = MatchShingles("one two three four five", "one two three four");
  EXPECT_NEAR(m.tp, 0.5, 1e-9);  // 1 common of 2 true shingles
  EXPECT_NEAR(m.fn, 0.5, 1e-9);
  EXPECT_NEAR(m.fp, 0.0, 1e-9);
}

std::string Gzip(const std::string& s) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, s.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  zs.avail_in = static_cast<uInt>(s.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(ReadMaybeGzip, PlainMembersTruncated) {
  std::string dir = ::testing::TempDir();
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir + name, std::ios::binary) << bytes;
    return dir + name;
  };
  std::string page = "<p>" + std::string(100000, 'x') + "</p>";
  auto plain = ReadMaybeGzip(write("plain.html", page));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, page);
  auto one = ReadMaybeGzip(write("one.html.gz", Gzip(page)));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, page);
  // Two members: the whole text, in order.
  auto two = ReadMaybeGzip(write("two.html.gz", Gzip(page) + Gzip("<p>end</p>")));
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, page + "<p>end</p>");
  std::string gz = Gzip(page);
  auto cut = ReadMaybeGzip(write("cut.html.gz", gz.substr(0, gz.size() / 2)));
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().message.find("cut.html.gz"), std::string::npos);
  EXPECT_FALSE(ReadMaybeGzip(dir + "missing.html.gz").ok());
}

TEST(Extract, MainTextAndMetadata) {
  auto ex = HtmlExtractor::Create();
  ASSERT_TRUE(ex.ok()) << ex.error().message;
  std::string html = R"(<!doctype html><html lang="en-GB"><head>
<title>Rain floods the valley | The Valley Post</title>
<meta property="og:site_name" content="The Valley Post">
<meta property="article:published_time" content="2021-08-23T10:05:00+02:00">
<meta name="author" content="Jane Roe">
<link rel="canonical" href="/news/rain-floods?utm_source=feed">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<article><h1>Rain floods the valley</h1>
<p>Heavy rain flooded the lower valley on Monday, forcing dozens of families from their homes, officials said.</p>
<p>The river rose by two metres in six hours, the highest level recorded since 1987, according to the water board.</p>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
<p>Volunteers filled sandbags through the night, and the school was opened as a shelter for those who had nowhere to go.</p>
</article>
<aside class="related"><h2>Related</h2><ul><li><a href="/a">Storm warning issued for the coast</a></li></ul></aside>
<footer>Copyright 2021 The Valley Post. All rights reserved.</footer>
</body></html>)";
  PageInput in{html, std::string("https://valleypost.example/news/rain-floods"), {}};
  auto page = (*ex)->Extract(in);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->title.value_or(""), "Rain floods the valley");
  EXPECT_EQ(page->date.value_or(""), "2021-08-23T10:05:00+02:00");
  EXPECT_EQ(page->outlet.value_or(""), "The Valley Post");
  EXPECT_EQ(page->language.value_or(""), "en");
  EXPECT_EQ(page->canonical_url.value_or(""), "https://valleypost.example/news/rain-floods");
  ASSERT_EQ(page->authors.size(), 1u);
  EXPECT_EQ(page->authors[0], "Jane Roe");
  EXPECT_NE(page->text.find("Heavy rain flooded"), std::string::npos);
  EXPECT_NE(page->text.find("Volunteers filled sandbags"), std::string::npos);
  EXPECT_EQ(page->text.find("cookies"), std::string::npos);
  EXPECT_EQ(page->text.find("Share on"), std::string::npos);
  EXPECT_EQ(page->text.find("Storm warning"), std::string::npos);
  EXPECT_EQ(page->text.find("Copyright"), std::string::npos);
  EXPECT_EQ(page->text.find("Home"), std::string::npos);
  EXPECT_EQ(page->blocks.size(), 3u);
}

// Dates: UTC read in the page's time zone, URL slugs that start with a
// number, the date the page shows when it shows only the update.
TEST(Extract, DatesZoneUrlDisplayed) {
  auto ex = HtmlExtractor::Create();
  ASSERT_TRUE(ex.ok()) << ex.error().message;
  auto extract = [&](const std::string& head, const std::string& body, const std::string& url) {
    std::string html = "<html><head>" + head + "</head><body><article><p>" +
                       std::string(
                           "The council met on the evening of the vote, and the mayor "
                           "spoke for an hour about the budget and the roads.") +
                       "</p>" + body + "</article></body></html>";
    PageInput in{html, url, {}};
    auto page = (*ex)->Extract(in);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->date.value_or("") : std::string();
  };
  // 06:35 UTC is 22:35 the evening before in the page's zone (-08:00).
  EXPECT_EQ(
      extract(R"(<meta property="article:published_time" content="2023-11-09T06:35:29+00:00">)",
              R"(<time datetime="2023-11-08T21:05:30-08:00">9pm</time>
                       <time datetime="2023-11-08T23:55:46-08:00">11pm</time>)",
              "https://news.example/a"),
      "2023-11-08T22:35:29-08:00");
  // Without other zoned times it stays as written.
  EXPECT_EQ(extract(R"(<meta property="article:published_time" content="2023-11-09T06:35:29Z">)",
                    "", "https://news.example/a"),
            "2023-11-09T06:35:29Z");
  // Across a year's end.
  EXPECT_EQ(extract(R"(<meta property="article:published_time" content="2021-01-01T01:00:00Z">)",
                    R"(<time datetime="2020-12-31T09:00:00-05:00">a</time>
                       <time datetime="2020-12-31T10:00:00-05:00">b</time>)",
                    "https://news.example/a")
                .substr(0, 10),
            "2020-12-31");
  // "/2023/10/3-questions" has no day; "/2023/10/03/" has.
  EXPECT_EQ(extract("", "", "https://blog.example/2023/10/3-questions-for-the-mayor/"), "");
  EXPECT_EQ(extract("", "", "https://blog.example/2023/10/03/questions/"), "2023-10-03");
  // RDFa on any element; a day written with a two-digit year.
  EXPECT_EQ(
      extract("",
              R"(<span property="schema:dateCreated" content="2022-01-28T12:45:46+01:00"></span>)",
              "https://news.example/a")
          .substr(0, 10),
      "2022-01-28");
  EXPECT_EQ(extract("", R"(<span class="post-date">28.01.22</span>)", "https://news.example/a"),
            "2022-01-28");
  // Not a version number.
  EXPECT_EQ(
      extract("", R"(<span class="post-date">release 10.12.15.2</span>)", "https://news.example/a"),
      "");
  // The page shows the update only: that is its date; it shows both: the
  // publication.
  const std::string meta =
      R"(<meta property="article:published_time" content="2018-02-28T20:00:18+00:00">
         <meta property="article:modified_time" content="2020-01-05T11:53:45+00:00">)";
  EXPECT_EQ(extract(meta, "<p>5 January 2020</p>", "https://news.example/a").substr(0, 10),
            "2020-01-05");
  EXPECT_EQ(
      extract(meta, "<p>28 February 2018, updated 5 January 2020</p>", "https://news.example/a")
          .substr(0, 10),
      "2018-02-28");
}

// A page that is not an article (a section front): its teasers, titles
// included, are the content; the menu of one-word links is not.
TEST(Extract, ListingKeepsTeasers) {
  auto ex = HtmlExtractor::Create();
  ASSERT_TRUE(ex.ok()) << ex.error().message;
  std::string html = R"(<html><head><title>Travel - The Valley Post</title></head><body>
<div class="top"><ul><li><a href="/">Home</a></li><li><a href="/n">News</a></li>
<li><a href="/s">Sport</a></li><li><a href="/t">Travel</a></li></ul></div>
<div class="stream">
<div class="card"><h3><a href="/1">Holiday traffic reaches a record on the coast road</a></h3>
<p>More drivers than ever took the coast road this weekend.</p></div>
<div class="card"><h3><a href="/2">Ferry fares rise for the third year running</a></h3>
<p>The operator blamed the price of fuel.</p></div>
<div class="card"><h3><a href="/3">Night trains return to the northern line</a></h3>
<p>Sleeper cars run twice a week from June.</p></div>
</div></body></html>)";
  PageInput in{html, std::string("https://valleypost.example/travel"), {}};
  auto page = (*ex)->Extract(in);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_NE(page->text.find("Holiday traffic reaches a record"), std::string::npos);
  EXPECT_NE(page->text.find("Sleeper cars run twice a week"), std::string::npos);
  EXPECT_NE(page->text.find("Ferry fares rise"), std::string::npos);
  EXPECT_EQ(page->text.find("Sport"), std::string::npos);
}

// A forum thread: the posts are the content, though their class names the
// author.
TEST(Extract, ThreadKeepsPosts) {
  auto ex = HtmlExtractor::Create();
  ASSERT_TRUE(ex.ok()) << ex.error().message;
  std::string html = R"(<html><head><title>Leaking tap - Home Repair Forum</title></head><body>
<div class="thread">
<div class="message by-author">My kitchen tap drips all night long; I changed the washer last week and it still leaks from the spout.</div>
<div class="message by-author">Check the O-ring behind the spout: on most mixer taps it wears out long before the washer does, and it costs nothing to replace.</div>
<div class="message by-author">Thanks, the O-ring was cracked right through. A new one cost me fifty cents at the hardware shop and it works.</div>
</div></body></html>)";
  PageInput in{html, std::string("https://forum.example/t/leaking-tap"), {}};
  auto page = (*ex)->Extract(in);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_NE(page->text.find("My kitchen tap drips"), std::string::npos);
  EXPECT_NE(page->text.find("Check the O-ring"), std::string::npos);
  EXPECT_NE(page->text.find("the O-ring was cracked"), std::string::npos);
}

// An article cut into sections, each with its paragraphs deep in wrappers
// of their own: every section is the content, not only the one that scores
// best.
TEST(Extract, SectionedArticleReadWhole) {
  auto ex = HtmlExtractor::Create();
  ASSERT_TRUE(ex.ok()) << ex.error().message;
  auto section = [](const std::string& id, const std::string& heading,
                    const std::vector<std::string>& paragraphs) {
    std::string h = "<section id=\"" + id + "\"><div class=\"m" + id + "\"><div><div class=\"w" +
                    id + "\"><h2>" + heading + "</h2><div><div class=\"t" + id + "\">";
    for (const std::string& p : paragraphs) h += "<p>" + p + "</p>";
    return h + "</div></div></div></div></div></section>";
  };
  std::string html =
      "<html><head><title>How tides work</title><meta property=\"og:type\" "
      "content=\"article\"></head><body><nav><a href=/>Home</a> <a "
      "href=/sea>Sea</a></nav><div class=\"page\">" +
      section("one", "What a tide is",
              {"A tide is the slow rise and fall of the sea, twice a day on most coasts, driven "
               "by the pull of the moon and, to a lesser degree, of the sun.",
               "Where the coast is shallow and wide, the water may withdraw for kilometres, "
               "leaving sand, mud and pools behind it, and come back within hours.",
               "Sailors, fishermen and walkers read tide tables, printed by harbours, to know "
               "when the water will be high, when it will be low, and how fast it will turn."}) +
      section("two", "Spring and neap tides",
              {"When the sun and the moon pull in line, at new and full moon, the tides run "
               "higher and lower than usual: these are the spring tides.",
               "A week later the two pull at right angles and the range is smallest; sailors call "
               "these the neap tides, and harbours plan their dredging around them."}) +
      section("three", "Why some seas barely move",
              {"Closed seas such as the Mediterranean or the Baltic have tides of a few "
               "centimetres only, because too little water flows in through their straits.",
               "In a long bay that narrows, by contrast, the wave is funnelled and the range can "
               "reach fifteen metres, as it does in a few famous estuaries."}) +
      section("four", "Tides and the shore",
              {"Twice a day the sea covers and uncovers the same strip of shore, and the plants "
               "and animals that live there have learnt to survive both water and air.",
               "Mussels close their shells at low water, crabs hide under wet weeds, and birds "
               "follow the edge of the sea to feed on what it leaves behind."}) +
      section("five", "Reading a tide table",
              {"A tide table gives, for each day, the times of high and low water at one harbour "
               "and the height of each, measured from a fixed level chosen by the charts.",
               "Between two tides the water does not move at an even pace: it turns slowly, "
               "runs fastest halfway, then slows again before it turns once more."}) +
      "</div><footer>Contact us</footer></body></html>";
  PageInput in{html, std::string("https://sea.example/tides"), {}};
  auto page = (*ex)->Extract(in);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_NE(page->text.find("slow rise and fall of the sea"), std::string::npos) << page->text;
  EXPECT_NE(page->text.find("these are the spring tides"), std::string::npos) << page->text;
  EXPECT_NE(page->text.find("tides of a few"), std::string::npos) << page->text;
  EXPECT_NE(page->text.find("times of high and low water"), std::string::npos) << page->text;
  EXPECT_EQ(page->text.find("Contact us"), std::string::npos) << page->text;
}

// An article followed by teasers of other articles (linked titles, then a
// summary): the article is the content, the teasers are not, however much
// prose their summaries hold.
TEST(Extract, TeasersAfterArticleLeftOut) {
  auto ex = HtmlExtractor::Create();
  ASSERT_TRUE(ex.ok()) << ex.error().message;
  std::string article =
      "<div class=\"body\"><p>The valley's only cinema reopened on Saturday after two years of "
      "works, with a new roof, a second screen and seats taken from a theatre in the city.</p>"
      "<p>Its owners, a couple who bought it at auction, said that more than four hundred people "
      "came to the first screening, a comedy shot in the valley itself thirty years ago.</p>"
      "<p>The second screen will show films in their original language on Tuesdays, and the "
      "school has already booked mornings for its pupils, who will pay half price.</p>"
      "<p>The works cost more than expected, the owners added, because the old projection room "
      "had to be rebuilt from the floor up, but the town council covered part of the bill.</p>"
      "<p>Tickets are sold at the door and on the cinema's own site; there is no booking fee, "
      "and the bar on the first floor opens an hour before each film.</p></div>";
  std::string teasers = "<div class=\"grid\">";
  const char* summaries[] = {
      "The council voted on Monday to close the bridge to lorries for the whole summer, while "
      "engineers study the cracks found in two of its piers during the spring inspection.",
      "Farmers in the upper valley say the dry spring has cut their first hay harvest by a "
      "third, and several have started selling cattle early to save the winter feed.",
      "The music school will move into the old post office in September, giving its three "
      "hundred pupils rooms of their own and a hall for concerts that seats two hundred.",
      "A family of otters has been filmed on the river below the mill for the first time in "
      "forty years, a sign, naturalists say, that the water is cleaner than it was.",
      "The market will stay on the square after the works, the mayor promised, though the "
      "stalls will stand along the new pavement rather than across the road as before.",
      "The hospital's maternity ward will remain open at night after a petition signed by "
      "six thousand people, the health authority announced in a short statement on Friday.",
      "The ski lifts will open a week early this winter, the resort said, after the first snow "
      "fell in October and the new machines made the rest on the lower slopes."};
  int n = 0;
  for (const char* summary : summaries)
    teasers += "<div class=\"item\"><h5><a href=/c" + std::to_string(n) +
               ">Local</a></h5><h3><a href=/a" + std::to_string(n) + ">Story " + std::to_string(n) +
               "</a></h3><p>" + summary + "</p></div>",
        ++n;
  teasers += "</div>";
  std::string html =
      "<html><head><title>Cinema reopens</title><meta property=\"og:type\" content=\"article\">"
      "</head><body><div id=\"content\">" +
      article + teasers + "</div></body></html>";
  PageInput in{html, std::string("https://valleypost.example/cinema"), {}};
  auto page = (*ex)->Extract(in);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_NE(page->text.find("only cinema reopened"), std::string::npos) << page->text;
  EXPECT_NE(page->text.find("bar on the first floor"), std::string::npos) << page->text;
  EXPECT_EQ(page->text.find("family of otters"), std::string::npos) << page->text;
  EXPECT_EQ(page->text.find("close the bridge"), std::string::npos) << page->text;
}

// Page builders wrap each block of an article in elements named "widget": a
// mild cue that does not drop paragraphs of prose.
TEST(Extract, ProseInBuilderWidgetsKept) {
  auto ex = HtmlExtractor::Create();
  ASSERT_TRUE(ex.ok()) << ex.error().message;
  const char* paragraphs[] = {
      "The old mill by the river has been turned into a library, with reading rooms on three "
      "floors and a children's corner where the grain was once stored.",
      "The architects kept the wheel, the beams and the stone walls, and added a glass stair "
      "that lets daylight reach the lower floor for the first time in a century.",
      "Volunteers moved twelve thousand books from the former library in the town hall over "
      "a single weekend, carrying the last boxes across the square by hand.",
      "The library opens every day but Monday, and late on Thursdays, when the reading rooms "
      "stay open until ten for students preparing their examinations.",
      "A small exhibition on the ground floor tells the story of the mill, from the flour it "
      "ground for the valley to the flood that stopped the wheel in 1958.",
      "The council hopes the building will also host concerts and talks, and has set aside a "
      "room with a piano given by a family whose grandfather worked at the mill.",
      "Parking is limited, the librarians warn, and visitors are asked to come on foot or by "
      "bicycle, for which racks have been installed along the river path.",
      "Membership is free for residents of the valley; others pay a small yearly fee that "
      "also gives access to the libraries of the three neighbouring towns."};
  std::string html =
      "<html><head><title>The mill becomes a library</title><meta property=\"og:type\" "
      "content=\"article\"></head><body><div class=\"entry\">";
  for (int k = 0; k < 8; k += 2)
    html += "<div class=\"widget-wrap w" + std::to_string(k) +
            "\"><div class=\"inner\"><div class=\"text\"><p>" + paragraphs[k] + "</p><p>" +
            paragraphs[k + 1] + "</p></div></div></div>";
  html += "</div></body></html>";
  PageInput in{html, std::string("https://valleypost.example/mill"), {}};
  auto page = (*ex)->Extract(in);
  ASSERT_TRUE(page.ok()) << page.error().message;
  for (const char* p : paragraphs)
    EXPECT_NE(page->text.find(std::string(p).substr(0, 40)), std::string::npos) << page->text;
}

// A class naming the post's own tags ("tag-election", as blogging software
// writes them on each post) is not a list of tags; a tag list is furniture.
TEST(Extract, PostTagClassesAreNotFurniture) {
  auto ex = HtmlExtractor::Create();
  ASSERT_TRUE(ex.ok()) << ex.error().message;
  std::string html =
      "<html><head><title>The Valley Post</title></head><body><main>"
      "<article class=\"post-11 post type-post status-publish format-standard has-post-thumbnail "
      "category-news tag-council\"><h2><a href=/a>Council votes the "
      "budget</a></h2><p>The vote came late on Tuesday after a long debate.</p></article>"
      "<article class=\"post-12 post type-post status-publish format-standard has-post-thumbnail "
      "category-news tag-schools\"><h2><a href=/b>A new school for the "
      "upper valley</a></h2><p>Building starts in the spring and ends next year.</p></article>"
      "<article class=\"post-13 post type-post status-publish format-standard has-post-thumbnail "
      "category-news tag-rivers\"><h2><a href=/c>The river is cleaner "
      "than it was</a></h2><p>Otters were filmed below the mill for the first time.</p></article>"
      "<div class=\"tag-list\"><a href=/t/1>council</a> <a href=/t/2>schools</a> <a "
      "href=/t/3>rivers</a> <a href=/t/4>weather</a></div></main></body></html>";
  PageInput in{html, std::string("https://valleypost.example/"), {}};
  auto page = (*ex)->Extract(in);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_NE(page->text.find("The vote came late on Tuesday"), std::string::npos) << page->text;
  EXPECT_NE(page->text.find("Otters were filmed"), std::string::npos) << page->text;
  EXPECT_EQ(page->text.find("weather"), std::string::npos) << page->text;
}

}  // namespace
}  // namespace veille
