// golden_test.cc: extraction of the pages in tests/data/html/ against their
// expected JSON, and properties that hold on every page: valid UTF-8, text
// made of the page's visible words in order, and idempotence on the
// extractor's own output rendered as simple HTML.
//
// After a deliberate change, regenerate the expected files with
// VEILLE_UPDATE_GOLDEN=1 and check the differences by hand.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "html/dom.h"
#include "veille/html.h"
#include "veille/html_eval.h"
#include "veille/utf8.h"

namespace veille {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* kDir = "tests/data/html";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const HtmlExtractor& Extractor() {
  static const HtmlExtractor* ex = [] {
    auto r = HtmlExtractor::Create();
    EXPECT_TRUE(r.ok());
    return r->release();
  }();
  return *ex;
}

std::vector<fs::path> Pages() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kDir))
    if (e.path().extension() == ".html") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

ExtractedPage ExtractFile(const fs::path& p, std::string* html_out = nullptr) {
  auto html = DecodeToUtf8(ReadFile(p));
  EXPECT_TRUE(html.ok()) << p;
  PageInput in{*html, std::string("https://example.org/") + p.stem().string(), {}};
  auto page = Extractor().Extract(in);
  EXPECT_TRUE(page.ok()) << p;
  if (html_out) *html_out = *html;
  return page.ok() ? *page : ExtractedPage{};
}

json ToJson(const ExtractedPage& page, const fs::path& p) {
  json j = json::parse(PageToJson(page, p.filename().string(), std::nullopt));
  j["modified"] = page.modified ? json(*page.modified) : json(nullptr);
  json blocks = json::array();
  for (const Block& b : page.blocks) blocks.push_back({BlockKindName(b.kind), b.text});
  j["blocks"] = blocks;
  return j;
}

TEST(HtmlGolden, Pages) {
  std::vector<fs::path> pages = Pages();
  ASSERT_GE(pages.size(), 4u);
  bool update = std::getenv("VEILLE_UPDATE_GOLDEN") != nullptr;
  for (const fs::path& p : pages) {
    json got = ToJson(ExtractFile(p), p);
    fs::path expected_path = p;
    expected_path.replace_extension(".expected.json");
    if (update) {
      std::ofstream(expected_path) << got.dump(2, ' ', false) << "\n";
      continue;
    }
    ASSERT_TRUE(fs::exists(expected_path)) << expected_path;
    json expected = json::parse(ReadFile(expected_path));
    EXPECT_EQ(got, expected) << p << "\n" << got.dump(2, ' ', false);
  }
}

// The words of the page's text nodes outside scripts and styles, in order.
std::vector<std::string> VisibleWords(const std::string& html) {
  auto doc = html_internal::Parse(html, 256);
  std::string text;
  for (uint32_t i = 1; i < doc.nodes.size(); ++i) {
    const auto& n = doc.nodes[i];
    if (!n.is_text) continue;
    auto t = doc.nodes[n.parent].tag;
    if (t == html_internal::Tag::kScript || t == html_internal::Tag::kStyle) continue;
    text += doc.Text(i);
    text += ' ';
  }
  std::vector<std::string> out;
  for (auto w : WordTokens(text)) out.emplace_back(w);
  return out;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

// The blocks as a plain page: one element per block.
std::string Render(const ExtractedPage& page) {
  std::string html = "<html><body><article>";
  for (const Block& b : page.blocks) {
    switch (b.kind) {
      case Block::Kind::kHeading:
        html += "<h2>" + Escape(b.text) + "</h2>";
        break;
      case Block::Kind::kListItem:
        html += "<ul><li>" + Escape(b.text) + "</li></ul>";
        break;
      case Block::Kind::kQuote:
        html += "<blockquote><p>" + Escape(b.text) + "</p></blockquote>";
        break;
      case Block::Kind::kPre:
        html += "<pre>" + Escape(b.text) + "</pre>";
        break;
      default:
        html += "<p>" + Escape(b.text) + "</p>";
        break;
    }
  }
  return html + "</article></body></html>";
}

TEST(HtmlProperties, ValidSubsequenceIdempotent) {
  for (const fs::path& p : Pages()) {
    std::string html;
    ExtractedPage page = ExtractFile(p, &html);
    ASSERT_FALSE(page.text.empty()) << p;
    EXPECT_EQ(FindInvalidUtf8(page.text), std::string_view::npos) << p;
    // Every word of the text is a word of the page, in page order.
    std::vector<std::string> visible = VisibleWords(html);
    size_t at = 0;
    for (auto w : WordTokens(page.text)) {
      while (at < visible.size() && visible[at] != w) ++at;
      ASSERT_LT(at, visible.size()) << p << ": '" << w << "' out of order or not on the page";
      ++at;
    }
    // Extracting the extractor's own output gives it back.
    std::string again_html = Render(page);
    PageInput in{again_html, std::nullopt, {}};
    auto again = Extractor().Extract(in);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->text, page.text) << p;
  }
}

TEST(HtmlBadInput, LargeBinaryDeep) {
  // A 50 MB page: read up to the limit, with a diagnostic, in bounded time.
  std::string big = "<html><body><article>";
  std::string para = "<p>" + std::string(1000, 'x') + " words, more words.</p>\n";
  while (big.size() < (50u << 20)) big += para;
  PageInput in{big, std::nullopt, {}};
  auto page = Extractor().Extract(in);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->diagnostics.empty());
  EXPECT_NE(page->diagnostics[0].message.find("only the first"), std::string::npos);
  // Binary content labelled text/html.
  std::string binary("\x1f\x8b\x08\x00", 4);
  for (int i = 0; i < 5000; ++i) binary += static_cast<char>((i * 7919) % 256);
  auto decoded = DecodeToUtf8(binary, std::string_view("utf-8"));
  EXPECT_FALSE(decoded.ok());
  // Tables nested 10,000 deep.
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "<table><tr><td>";
  deep += "<p>The text at the bottom of ten thousand tables, with a sentence of its own.</p>";
  PageInput din{deep, std::nullopt, {}};
  auto dpage = Extractor().Extract(din);
  ASSERT_TRUE(dpage.ok());
  EXPECT_NE(dpage->text.find("ten thousand tables"), std::string::npos);
  bool capped = false;
  for (const Diagnostic& d : dpage->diagnostics)
    capped |= d.message.find("nested deeper") != std::string::npos;
  EXPECT_TRUE(capped);
  // Invalid entities pass through as text.
  std::string ent =
      "<p>Fish &chips; &#xZZ; &#99999999; &amp&amp; &unknown and a full sentence here.</p>";
  PageInput ein{ent, std::nullopt, {}};
  auto epage = Extractor().Extract(ein);
  ASSERT_TRUE(epage.ok());
  EXPECT_EQ(FindInvalidUtf8(epage->text), std::string_view::npos);
  EXPECT_NE(epage->text.find("&chips;"), std::string::npos);
}

}  // namespace
}  // namespace veille
