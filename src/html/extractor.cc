// extractor.cc: HtmlExtractor: parse, metadata, main content, language.
#include <ctime>
#include <string>

#include "html/internal.h"
#include "veille/analyze.h"
#include "veille/utf8.h"

namespace veille {

using html_internal::Document;
using html_internal::Resources;

struct HtmlExtractor::Impl {
  Resources res;
  HtmlOptions options;
};

const char* BlockKindName(Block::Kind kind) {
  switch (kind) {
    case Block::Kind::kParagraph:
      return "p";
    case Block::Kind::kHeading:
      return "h";
    case Block::Kind::kListItem:
      return "li";
    case Block::Kind::kQuote:
      return "quote";
    case Block::Kind::kTable:
      return "table";
    case Block::Kind::kPre:
      return "pre";
  }
  return "p";
}

HtmlExtractor::HtmlExtractor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HtmlExtractor::~HtmlExtractor() = default;

Result<std::unique_ptr<HtmlExtractor>> HtmlExtractor::Create(const HtmlOptions& options) {
  return CreateFromDir(DataPath("html"), options);
}

Result<std::unique_ptr<HtmlExtractor>> HtmlExtractor::CreateFromDir(const std::string& dir,
                                                                    const HtmlOptions& options) {
  auto res = html_internal::LoadResources(dir);
  if (!res.ok()) return res.error();
  auto impl = std::make_unique<Impl>();
  impl->res = std::move(*res);
  impl->options = options;
  return std::unique_ptr<HtmlExtractor>(new HtmlExtractor(std::move(impl)));
}

Result<ExtractedPage> HtmlExtractor::Extract(const PageInput& page) const {
  ExtractedPage out;
  const std::string where = page.url.value_or("");
  std::string_view html = page.html;
  if (html.size() > impl_->options.max_html_bytes) {
    size_t cut = impl_->options.max_html_bytes;
    while (cut > 0 && (static_cast<unsigned char>(html[cut]) & 0xC0) == 0x80) --cut;
    out.diagnostics.push_back({Diagnostic::Severity::kWarning, where,
                               "page of " + std::to_string(html.size()) +
                                   " bytes: only the first " + std::to_string(cut) +
                                   " bytes were read"});
    html = html.substr(0, cut);
  }
  if (size_t bad = FindInvalidUtf8(html); bad != std::string_view::npos)
    return Error::BadInput("invalid UTF-8 at byte " + std::to_string(bad) +
                           " (decode the page with DecodeToUtf8 first)");
  size_t nuls = 0;
  for (size_t i = 0; i < html.size() && i < 4096; ++i) nuls += html[i] == '\0';
  if (nuls > 8) return Error::BadInput("not text: NUL bytes in the first 4 KB");

  Document doc = html_internal::Parse(html, impl_->options.max_depth);
  if (doc.depth_capped)
    out.diagnostics.push_back({Diagnostic::Severity::kWarning, where,
                               "elements nested deeper than " +
                                   std::to_string(impl_->options.max_depth) +
                                   " levels were attached at that depth"});
  std::optional<std::string> ld_body;
  bool declared_article = false;
  html_internal::ExtractMetadata(doc, impl_->res, page, &out, &ld_body, &declared_article);

  html_internal::ContentInput in{&doc, &impl_->res, out.title, ld_body, declared_article};
  std::vector<Diagnostic> diags;
  out.blocks = html_internal::ExtractContent(in, &diags);
  // Pages that render their text for readers without scripts inside
  // <noscript> (forum software, some single-page sites): when the page gives
  // almost nothing, the largest <noscript> is read as HTML.
  size_t got = 0;
  for (const Block& b : out.blocks) got += b.text.size();
  if (got < 200) {
    std::string_view best;
    for (uint32_t i = 1; i < doc.nodes.size(); ++i) {
      const html_internal::Node& n = doc.nodes[i];
      if (n.is_text || n.tag != html_internal::Tag::kNoscript ||
          n.first_child == html_internal::kNone)
        continue;
      std::string_view raw = doc.Text(n.first_child);
      if (raw.size() > best.size()) best = raw;
    }
    if (best.size() > 1000) {
      Document inner = html_internal::Parse(best, impl_->options.max_depth);
      html_internal::ContentInput in2{&inner, &impl_->res, out.title, std::nullopt,
                                      declared_article};
      std::vector<Diagnostic> ignored;
      std::vector<Block> blocks = html_internal::ExtractContent(in2, &ignored);
      size_t n = 0;
      for (const Block& b : blocks) n += b.text.size();
      if (n > 2 * got + 200) {
        out.blocks = std::move(blocks);
        diags.clear();
      }
    }
  }
  for (Diagnostic& d : diags) {
    d.where = where;
    out.diagnostics.push_back(std::move(d));
  }
  for (const Block& b : out.blocks) {
    if (!out.text.empty()) out.text += "\n\n";
    out.text += b.text;
  }
  html_internal::PreferDisplayedDate(doc, impl_->res, &out);
  if (!out.date) {
    // A page is not published after it was fetched (or after today).
    std::string today;
    if (!page.fetch_date) {
      std::time_t now = std::time(nullptr);
      std::tm tm{};
      gmtime_r(&now, &tm);
      char buf[16];
      std::strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
      today = buf;
    }
    std::string_view max_date = page.fetch_date ? std::string_view(*page.fetch_date) : today;
    out.date = html_internal::DateFromText(doc, impl_->res, out.blocks, max_date);
  }
  if (!out.language && !out.text.empty()) {
    std::string lang = DetectLanguage(out.text);
    if (lang != "und") out.language = lang;
  }
  return out;
}

}  // namespace veille
