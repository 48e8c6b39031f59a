// content.cc: main-content extraction over the parsed page.
//
// 1. Site furniture is marked: elements that are never text (script, form
//    controls, media), hidden elements, and elements whose tag, role, class
//    or id says navigation, comments, sharing, ads, cookie banners ... (cue
//    weights in data/html/cues.tsv), unless they hold most of the page's text.
// 2. Text statistics bottom-up: visible text, text inside links, commas, the
//    text of each block that is not inside a nested block ("own" text).
// 3. Readability-style scoring: each block with enough own text scores
//    1 + commas + length/100 (at most 3), given to the block's container and
//    its ancestors (halved at the grandparent, then divided by 3 x level);
//    containers start from a tag and cue bonus; the final score is damped by
//    link density. The best candidate moves up to a common ancestor when
//    close competitors share it, or to an ancestor holding much more prose
//    (an article cut into sections), and its parent's children that score
//    well or read as prose join it.
// 4. The chosen elements are rendered as blocks, dropping inside them what
//    reads as furniture (negative cues, link lists, headings made of links,
//    lines of boilerplate from data/html/boilerplate_lines.txt).
// 5. Fallbacks: when the result is short, the whole body (cleaned the same
//    way) or the JSON-LD articleBody is used if it holds much more text.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "html/internal.h"

namespace veille::html_internal {
namespace {

constexpr uint32_t kMinParagraphText = 25;  // non-blank bytes
constexpr int kUnlikelyWeight = -50;
// The whole body replaces a chosen content shorter than this (non-blank
// bytes) when it holds this many times more text (listings, pages of short
// sections that no single container holds).
constexpr size_t kFallbackBelow = 5000;
constexpr size_t kFallbackRatio = 4;
// Below this much prose (bytes of paragraphs of 120 bytes or more) the
// chosen content is not an article.
constexpr size_t kMinArticleProse = 1000;
constexpr size_t kMinDeclaredProse = 200;
// An ancestor of the chosen element becomes the content when it holds
// kProseGain10/10 times its prose and kProseGainMin bytes more, prose is
// kProseShare10/10 of its text and links less than kProseMaxLinks of it.
constexpr uint32_t kProseGain10 = 15;
constexpr uint32_t kProseGainMin = 500;
constexpr uint32_t kProseShare10 = 5;
constexpr float kProseMaxLinks = 0.25f;
// A cue weight above kMildCue ("widget" of a page builder's blocks) does not
// drop a block of paragraphs inside the content holding kMildCueProse bytes
// of prose or more, half its text, links under a fifth of it.
constexpr int kMildCue = -25;
constexpr uint32_t kMildCueProse = 200;
// Short lines above the headline that are dropped with it.
constexpr size_t kMaxAboveHeadline = 3;

struct Info {
  int weight = 0;
  uint32_t text = 0;       // non-blank bytes of visible text in the subtree
  uint32_t link_text = 0;  // of which inside <a>
  uint32_t own_text = 0;   // not inside a nested block
  uint32_t own_commas = 0;
  uint32_t inline_link = 0;  // own text inside links
  uint32_t prose = 0;        // text of blocks below with a paragraph of own text, not links
  uint16_t n_li = 0, n_p = 0, n_img = 0, n_input = 0, n_heading = 0, n_a = 0;
  uint16_t n_link_heading = 0;  // headings that are links (teasers' titles)
  float score = 0;
  bool scored = false;
  bool junk = false;
  bool hard_junk = false;  // never text, whatever else
};

bool IsBlockTag(Tag t) {
  switch (t) {
    case Tag::kAddress:
    case Tag::kArticle:
    case Tag::kAside:
    case Tag::kBlockquote:
    case Tag::kBody:
    case Tag::kCenter:
    case Tag::kDd:
    case Tag::kDetails:
    case Tag::kDialog:
    case Tag::kDir:
    case Tag::kDiv:
    case Tag::kDl:
    case Tag::kDt:
    case Tag::kFieldset:
    case Tag::kFigcaption:
    case Tag::kFigure:
    case Tag::kFooter:
    case Tag::kForm:
    case Tag::kH1:
    case Tag::kH2:
    case Tag::kH3:
    case Tag::kH4:
    case Tag::kH5:
    case Tag::kH6:
    case Tag::kHeader:
    case Tag::kHgroup:
    case Tag::kHr:
    case Tag::kHtml:
    case Tag::kLi:
    case Tag::kMain:
    case Tag::kMenu:
    case Tag::kNav:
    case Tag::kOl:
    case Tag::kP:
    case Tag::kPre:
    case Tag::kSection:
    case Tag::kSummary:
    case Tag::kTable:
    case Tag::kTbody:
    case Tag::kThead:
    case Tag::kTfoot:
    case Tag::kTr:
    case Tag::kTd:
    case Tag::kTh:
    case Tag::kCaption:
    case Tag::kUl:
    case Tag::kSearch:
    case Tag::kLegend:
    case Tag::kListing:
    case Tag::kXmp:
    case Tag::kOption:
    case Tag::kFrameset:
      return true;
    default:
      return false;
  }
}

bool IsHeading(Tag t) {
  return t == Tag::kH1 || t == Tag::kH2 || t == Tag::kH3 || t == Tag::kH4 || t == Tag::kH5 ||
         t == Tag::kH6;
}

// Never text: scripts, styles, media, form controls, the head.
bool IsHardJunkTag(Tag t) {
  switch (t) {
    case Tag::kScript:
    case Tag::kStyle:
    case Tag::kNoscript:
    case Tag::kTemplate:
    case Tag::kSvg:
    case Tag::kMath:
    case Tag::kIframe:
    case Tag::kObject:
    case Tag::kEmbed:
    case Tag::kCanvas:
    case Tag::kVideo:
    case Tag::kAudio:
    case Tag::kSelect:
    case Tag::kOption:
    case Tag::kButton:
    case Tag::kInput:
    case Tag::kTextarea:
    case Tag::kHead:
    case Tag::kTitle:
    case Tag::kDialog:
    case Tag::kMap:
    case Tag::kDatalist:
    case Tag::kMeta:
    case Tag::kLink:
    case Tag::kNoembed:
    case Tag::kNoframes:
    case Tag::kFrameset:
    case Tag::kFrame:
    case Tag::kLabel:
    case Tag::kRp:
    case Tag::kRt:
      return true;
    default:
      return false;
  }
}

// Counts non-blank bytes and commas of a text node.
void CountText(std::string_view s, uint32_t* text, uint32_t* commas) {
  uint32_t t = 0, c = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    if (ch <= ' ') continue;
    if (ch == 0xC2 && i + 1 < s.size() && s[i + 1] == '\xA0') {
      ++i;
      continue;
    }
    ++t;
    if (ch == ',') ++c;
    // ، (U+060C), 、 (U+3001), ， (U+FF0C)
    if (ch == 0xD8 && i + 1 < s.size() && s[i + 1] == '\x8C') ++c;
    if (ch == 0xE3 && i + 2 < s.size() && s[i + 1] == '\x80' && s[i + 2] == '\x81') ++c;
    if (ch == 0xEF && i + 2 < s.size() && s[i + 1] == '\xBC' && s[i + 2] == '\x8C') ++c;
  }
  *text = t;
  *commas = c;
}

// Splits a class/id string into lower-case words (on non-alphanumerics and
// camelCase boundaries).
void ClassWords(std::string_view s, std::vector<std::string>* words) {
  std::string cur;
  char prev = 0;
  for (char c : s) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) {
      if (!cur.empty()) words->push_back(std::move(cur));
      cur.clear();
    } else {
      if (c >= 'A' && c <= 'Z' && prev >= 'a' && prev <= 'z' && !cur.empty()) {
        words->push_back(std::move(cur));
        cur.clear();
      }
      cur += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    prev = alnum ? c : 0;
  }
  if (!cur.empty()) words->push_back(std::move(cur));
}

class Extraction {
 public:
  Extraction(const ContentInput& in, std::vector<Diagnostic>* diags)
      : doc_(*in.doc), res_(*in.res), in_(in), diags_(diags), info_(doc_.nodes.size()) {}

  std::vector<Block> Run() {
    body_ = FindBody();
    MarkJunk();
    ComputeStats();
    uint32_t top = ChooseTop();
    std::vector<uint32_t> parts = Siblings(top);
    AddChunks(top, &parts);
    std::vector<Block> blocks;
    for (uint32_t p : parts) Render(p, top, &blocks);
    Filter(&blocks);
    size_t main_len = TextLen(blocks);
    // A page that is not an article (a listing, a product, a forum thread,
    // a service page) has no run of prose for the scoring to find: its
    // content is the main region, teasers and short lines included.
    // A page that says it is an article and has a paragraph or two of prose
    // is a short article.
    const size_t prose = ProseLen(blocks);
    if (prose < kMinArticleProse && !(in_.declared_article && prose >= kMinDeclaredProse)) {
      uint32_t region = MainRegion();
      relaxed_ = true;
      std::vector<Block> all;
      Render(region, region, &all);
      Filter(&all);
      relaxed_ = false;
      if (TextLen(all) > main_len) {
        blocks = std::move(all);
        main_len = TextLen(blocks);
      }
    }
    // Fallback 1: the body, cleaned the same way, when the choice is short.
    if (main_len < kFallbackBelow && info_[body_].text > kFallbackRatio * main_len + 200) {
      std::vector<Block> all;
      Render(body_, body_, &all);
      Filter(&all);
      size_t all_len = TextLen(all);
      if (all_len > kFallbackRatio * main_len + 200 && all_len < 20000) blocks = std::move(all);
    }
    // Fallback 2: JSON-LD articleBody when it holds much more text.
    if (in_.json_ld_body) {
      size_t ld_len = 0;
      for (char c : *in_.json_ld_body) ld_len += static_cast<unsigned char>(c) > ' ';
      if (ld_len > 400 && TextLen(blocks) * 2 < ld_len) {
        blocks.clear();
        size_t pos = 0;
        const std::string& b = *in_.json_ld_body;
        while (pos < b.size()) {
          size_t nl = b.find('\n', pos);
          if (nl == std::string::npos) nl = b.size();
          std::string line = CollapseSpace(std::string_view(b).substr(pos, nl - pos));
          if (!line.empty()) blocks.push_back({Block::Kind::kParagraph, std::move(line)});
          pos = nl + 1;
        }
      }
    }
    if (blocks.empty() && diags_)
      diags_->push_back({Diagnostic::Severity::kWarning, "", "no main text found"});
    return blocks;
  }

 private:
  static size_t TextLen(const std::vector<Block>& blocks) {
    size_t n = 0;
    for (const Block& b : blocks)
      for (char c : b.text) n += static_cast<unsigned char>(c) > ' ';
    return n;
  }

  // Text of the paragraphs long enough to be prose.
  static size_t ProseLen(const std::vector<Block>& blocks) {
    size_t n = 0;
    for (const Block& b : blocks)
      if ((b.kind == Block::Kind::kParagraph || b.kind == Block::Kind::kQuote) &&
          b.text.size() >= 120)
        n += b.text.size();
    return n;
  }

  // The page's main region: its <main> (or role=main) holding the most
  // text, else the body.
  uint32_t MainRegion() const {
    uint32_t best = body_;
    uint32_t best_text = 0;
    for (uint32_t i = 1; i < doc_.nodes.size(); ++i) {
      const Node& nd = doc_.nodes[i];
      if (nd.is_text || info_[i].junk) continue;
      bool main = nd.tag == Tag::kMain || AsciiLower(doc_.Attribute(i, "role")) == "main";
      if (main && info_[i].text > best_text) best = i, best_text = info_[i].text;
    }
    if (best != body_ && best_text * 4 < info_[body_].text) return body_;
    return best;
  }

  uint32_t FindBody() const {
    for (uint32_t i = 1; i < doc_.nodes.size(); ++i)
      if (!doc_.nodes[i].is_text && doc_.nodes[i].tag == Tag::kBody) return i;
    return 0;
  }

  // Cue weight of element i, memoised on its class, id, role and itemprop
  // values (a page repeats the same few class strings on many elements).
  int CueWeight(uint32_t i) {
    const Node& n = doc_.nodes[i];
    if (n.attr_count == 0) return 0;
    cue_key_.clear();
    for (uint32_t k = n.attr_begin; k < n.attr_begin + n.attr_count; ++k) {
      std::string_view name = doc_.AttrName(doc_.attrs[k]);
      if (name == "class" || name == "id" || name == "role" || name == "itemprop") {
        cue_key_ += name[0];
        cue_key_ += doc_.AttrValue(doc_.attrs[k]);
        cue_key_ += '\x01';
      }
    }
    if (cue_key_.empty()) return 0;
    auto cached = cue_cache_.find(cue_key_);
    if (cached != cue_cache_.end()) return cached->second;
    int w = ComputeCueWeight(n);
    cue_cache_.emplace(cue_key_, w);
    return w;
  }

  int ComputeCueWeight(const Node& n) {
    int w = 0;
    words_.clear();
    std::string classid;
    for (uint32_t k = n.attr_begin; k < n.attr_begin + n.attr_count; ++k) {
      std::string_view name = doc_.AttrName(doc_.attrs[k]);
      std::string_view value = doc_.AttrValue(doc_.attrs[k]);
      if (name == "class" || name == "id") {
        ClassWords(value, &words_);
        classid += AsciiLower(value);
        classid += ' ';
      } else if (name == "role") {
        auto it = res_.role_cues.find(AsciiLower(value));
        if (it != res_.role_cues.end()) w += it->second;
      } else if (name == "itemprop") {
        auto it = res_.itemprop_cues.find(AsciiLower(value));
        if (it != res_.itemprop_cues.end()) w += it->second;
      }
    }
    if (!words_.empty()) {
      std::sort(words_.begin(), words_.end());
      words_.erase(std::unique(words_.begin(), words_.end()), words_.end());
      for (const std::string& word : words_) {
        auto it = res_.token_cues.find(word);
        if (it != res_.token_cues.end()) w += it->second;
      }
      w += SubstrCueWeight(res_, classid);
    }
    return std::clamp(w, -100, 100);
  }

  bool IsHidden(uint32_t i) const {
    const Node& n = doc_.nodes[i];
    for (uint32_t k = n.attr_begin; k < n.attr_begin + n.attr_count; ++k) {
      std::string_view name = doc_.AttrName(doc_.attrs[k]);
      if (name == "hidden") return true;
      if (name == "aria-hidden" && AsciiLower(doc_.AttrValue(doc_.attrs[k])) == "true") return true;
      if (name == "style") {
        std::string v;
        for (char c : doc_.AttrValue(doc_.attrs[k]))
          if (c != ' ' && c != '\t' && c != '\n')
            v += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        if (v.find("display:none") != std::string::npos ||
            v.find("visibility:hidden") != std::string::npos)
          return true;
      }
    }
    return false;
  }

  // Tags whose role is furniture, as a cue weight.
  static int TagWeight(Tag t) {
    switch (t) {
      case Tag::kNav:
        return -80;
      case Tag::kFooter:
        return -60;
      case Tag::kAside:
        return -60;
      case Tag::kForm:
        return -10;
      case Tag::kArticle:
        return 10;
      case Tag::kMain:
        return 15;
      default:
        return 0;
    }
  }

  void MarkJunk() {
    const size_t n = doc_.nodes.size();
    // Tags that are never text, and the text under each element without them.
    std::vector<uint8_t> tag_junk(n, 0), hidden(n, 0);
    text_len_.assign(n, 0);
    commas_.assign(n, 0);
    for (uint32_t i = 1; i < n; ++i) {
      const Node& nd = doc_.nodes[i];
      bool parent = nd.parent != kNone && tag_junk[nd.parent];
      tag_junk[i] = parent || (!nd.is_text && IsHardJunkTag(nd.tag));
      if (!nd.is_text && !tag_junk[i]) hidden[i] = IsHidden(i);
      if (nd.is_text && !tag_junk[i]) CountText(doc_.Text(i), &text_len_[i], &commas_[i]);
    }
    std::vector<uint32_t> raw(n, 0), own(n, 0), prose(n, 0);
    auto accumulate = [&](const std::vector<uint8_t>& skip) {
      std::fill(raw.begin(), raw.end(), 0);
      std::fill(own.begin(), own.end(), 0);
      std::fill(prose.begin(), prose.end(), 0);
      for (uint32_t i = static_cast<uint32_t>(n); i-- > 1;) {
        const Node& nd = doc_.nodes[i];
        if (skip[i]) continue;
        if (nd.is_text) {
          raw[i] = own[i] = text_len_[i];
        } else if (IsBlockTag(nd.tag) && own[i] >= 100) {
          prose[i] += own[i];  // a paragraph's worth of text of its own
        }
        if (nd.parent == kNone) continue;
        raw[nd.parent] += raw[i];
        prose[nd.parent] += prose[i];
        if (nd.is_text || !IsBlockTag(nd.tag)) own[nd.parent] += own[i];
      }
    };
    accumulate(tag_junk);
    // Hidden elements are not text, unless they hold most of the page: its
    // scripts reveal them (streamed server rendering, tabs, "read more").
    const uint32_t all_text = raw[body_];
    for (uint32_t i = 1; i < n; ++i) {
      const Node& nd = doc_.nodes[i];
      Info& f = info_[i];
      bool parent_hard = nd.parent != kNone && info_[nd.parent].hard_junk;
      f.hard_junk =
          parent_hard || tag_junk[i] || (hidden[i] && !(all_text > 0 && raw[i] * 2 > all_text));
      if (!nd.is_text && !f.hard_junk) f.weight = CueWeight(i) + TagWeight(nd.tag);
    }
    std::vector<uint8_t> hard(n);
    for (uint32_t i = 0; i < n; ++i) hard[i] = info_[i].hard_junk;
    accumulate(hard);
    // Furniture by tag or cue, unless it holds most of the page's prose (a
    // wrapper named after the layout: "has-sidebar", "main-with-widgets").
    const uint32_t page_prose = prose[body_];
    for (uint32_t i = 1; i < n; ++i) {
      const Node& nd = doc_.nodes[i];
      Info& f = info_[i];
      bool parent_junk = nd.parent != kNone && info_[nd.parent].junk;
      if (f.hard_junk || parent_junk) {
        f.junk = true;
        continue;
      }
      if (nd.is_text || nd.tag == Tag::kBody || nd.tag == Tag::kHtml) continue;
      if (f.weight <= kUnlikelyWeight) {
        bool holds_page = page_prose > 0 ? prose[i] * 2 > page_prose : raw[i] * 2 > raw[body_];
        if (!holds_page) f.junk = true;
      }
    }
  }

  void ComputeStats() {
    const size_t n = doc_.nodes.size();
    for (uint32_t i = static_cast<uint32_t>(n); i-- > 1;) {
      const Node& nd = doc_.nodes[i];
      Info& f = info_[i];
      if (f.junk) continue;
      if (nd.is_text) {
        f.text = text_len_[i];
        f.own_text = text_len_[i];
        f.own_commas = commas_[i];
      } else if (nd.tag == Tag::kA) {
        f.link_text = f.text;
        f.inline_link = f.own_text;
      } else if (nd.tag == Tag::kImg || nd.tag == Tag::kPicture) {
        f.n_img = 1;
      }
      if (!nd.is_text && IsBlockTag(nd.tag) && f.own_text >= 80 && f.inline_link * 2 < f.own_text)
        f.prose += f.own_text;
      if (!nd.is_text && IsHeading(nd.tag) && f.text > 0 && f.link_text * 2 > f.text)
        f.n_link_heading = 1;
      else if (!nd.is_text && nd.tag == Tag::kA)
        f.n_link_heading = f.n_heading;
      if (nd.parent == kNone) continue;
      Info& p = info_[nd.parent];
      p.text += f.text;
      p.prose += f.prose;
      p.link_text += f.link_text;
      p.n_img = static_cast<uint16_t>(std::min(0xFFFF, p.n_img + f.n_img));
      p.n_a = static_cast<uint16_t>(
          std::min(0xFFFF, p.n_a + f.n_a + (nd.tag == Tag::kA && f.text > 0)));
      p.n_li = static_cast<uint16_t>(std::min(0xFFFF, p.n_li + f.n_li + (nd.tag == Tag::kLi)));
      p.n_p = static_cast<uint16_t>(std::min(0xFFFF, p.n_p + f.n_p + (nd.tag == Tag::kP)));
      p.n_heading =
          static_cast<uint16_t>(std::min(0xFFFF, p.n_heading + f.n_heading + IsHeading(nd.tag)));
      p.n_link_heading =
          static_cast<uint16_t>(std::min(0xFFFF, p.n_link_heading + f.n_link_heading));
      if (nd.is_text || !IsBlockTag(nd.tag)) {
        p.own_text += f.own_text;
        p.own_commas += f.own_commas;
        p.inline_link += f.inline_link;
      }
    }
  }

  float InitScore(uint32_t i) const {
    float s = 0;
    switch (doc_.nodes[i].tag) {
      case Tag::kDiv:
      case Tag::kArticle:
      case Tag::kMain:
      case Tag::kSection:
        s = 5;
        break;
      case Tag::kPre:
      case Tag::kTd:
      case Tag::kBlockquote:
        s = 3;
        break;
      case Tag::kAddress:
      case Tag::kOl:
      case Tag::kUl:
      case Tag::kDl:
      case Tag::kDd:
      case Tag::kDt:
      case Tag::kLi:
      case Tag::kForm:
        s = -3;
        break;
      case Tag::kH1:
      case Tag::kH2:
      case Tag::kH3:
      case Tag::kH4:
      case Tag::kH5:
      case Tag::kH6:
      case Tag::kTh:
        s = -5;
        break;
      default:
        break;
    }
    return s + static_cast<float>(info_[i].weight);
  }

  void AddScore(uint32_t i, float s) {
    Info& f = info_[i];
    if (!f.scored) {
      f.scored = true;
      f.score = InitScore(i);
      candidates_.push_back(i);
    }
    f.score += s;
  }

  float LinkDensity(uint32_t i) const {
    const Info& f = info_[i];
    return f.text == 0 ? 0.f : static_cast<float>(f.link_text) / static_cast<float>(f.text);
  }

  bool InBody(uint32_t i) const {
    for (uint32_t p = i; p != kNone; p = doc_.nodes[p].parent)
      if (p == body_) return true;
    return false;
  }

  uint32_t ChooseTop() {
    const size_t n = doc_.nodes.size();
    for (uint32_t i = 1; i < n; ++i) {
      const Node& nd = doc_.nodes[i];
      const Info& f = info_[i];
      if (nd.is_text || f.junk || !IsBlockTag(nd.tag) || IsHeading(nd.tag)) continue;
      if (f.own_text < kMinParagraphText) continue;
      // Own text mostly made of links is a menu, not a paragraph.
      if (f.inline_link * 2 > f.own_text) continue;
      float s = 1.f + static_cast<float>(f.own_commas) +
                std::min(3.f, static_cast<float>(f.own_text) / 100.f);
      bool container = nd.tag != Tag::kP && nd.tag != Tag::kLi && nd.tag != Tag::kDt &&
                       nd.tag != Tag::kDd && nd.tag != Tag::kTh;
      if (container && i != body_) AddScore(i, s);
      uint32_t a = nd.parent;
      for (int level = 0; level < 5 && a != kNone && a != 0; ++level) {
        if (doc_.nodes[a].tag == Tag::kHtml) break;
        float divider = level == 0 ? 1.f : level == 1 ? 2.f : static_cast<float>(level) * 3.f;
        AddScore(a, s / divider);
        if (a == body_) break;
        a = doc_.nodes[a].parent;
      }
    }
    if (candidates_.empty()) return body_;
    for (uint32_t c : candidates_) info_[c].score *= 1.f - LinkDensity(c);
    std::vector<uint32_t> best = candidates_;
    std::sort(best.begin(), best.end(),
              [&](uint32_t a, uint32_t b) { return info_[a].score > info_[b].score; });
    uint32_t top = best[0];
    if (top == body_ || !InBody(top)) return top;
    // Close competitors that share an ancestor: the ancestor is the content
    // (an article split into several containers).
    std::vector<uint32_t> alternatives;
    for (size_t k = 1; k < best.size() && k < 5; ++k)
      if (info_[best[k]].score >= 0.75f * info_[top].score) alternatives.push_back(best[k]);
    if (alternatives.size() >= 3) {
      for (uint32_t p = doc_.nodes[top].parent; p != kNone && p != body_;
           p = doc_.nodes[p].parent) {
        int containing = 0;
        for (uint32_t alt : alternatives) {
          for (uint32_t q = alt; q != kNone; q = doc_.nodes[q].parent)
            if (q == p) {
              ++containing;
              break;
            }
        }
        if (containing >= 3) {
          top = p;
          break;
        }
      }
    }
    if (!info_[top].scored) AddScore(top, 0);
    // Walk up while the parent scores better.
    float last = info_[top].score;
    float threshold = last / 3.f;
    for (uint32_t p = doc_.nodes[top].parent; p != kNone && p != body_ && p != 0;
         p = doc_.nodes[p].parent) {
      if (!info_[p].scored) continue;
      if (info_[p].score < threshold) break;
      if (info_[p].score > last) {
        top = p;
        break;
      }
      last = info_[p].score;
    }
    // An article cut into sections, each with its paragraphs deep in
    // wrappers, scores in pieces: an ancestor that holds much more prose
    // and is mostly prose, not links, is the content.
    {
      uint32_t best_up = top;
      for (uint32_t p = doc_.nodes[top].parent; p != kNone && p != body_ && p != 0;
           p = doc_.nodes[p].parent) {
        const Info& a = info_[p];
        if (a.junk) break;
        // Sections have headings of their own; teasers' titles are links.
        const int more_headings = a.n_heading - info_[best_up].n_heading;
        const int more_linked = a.n_link_heading - info_[best_up].n_link_heading;
        if (a.prose * 10 >= info_[best_up].prose * kProseGain10 + 10 * kProseGainMin &&
            a.prose * 10 >= a.text * kProseShare10 && LinkDensity(p) < kProseMaxLinks &&
            more_linked * 4 <= more_headings)
          best_up = p;
      }
      top = best_up;
    }
    // An only child is its parent's whole content.
    while (top != body_) {
      uint32_t p = doc_.nodes[top].parent;
      if (p == kNone || p == body_ || p == 0) break;
      int elements = 0;
      for (uint32_t c = doc_.nodes[p].first_child; c != kNone; c = doc_.nodes[c].next) {
        if (doc_.nodes[c].is_text) {
          if (info_[c].text > 0) elements += 2;
        } else if (!info_[c].junk) {
          ++elements;
        }
      }
      if (elements != 1) break;
      top = p;
    }
    return top;
  }

  bool SameClass(uint32_t a, uint32_t b) const {
    std::string_view ca = doc_.Attribute(a, "class");
    return !ca.empty() && ca == doc_.Attribute(b, "class");
  }

  std::vector<uint32_t> Siblings(uint32_t top) {
    std::vector<uint32_t> parts;
    uint32_t parent = doc_.nodes[top].parent;
    if (top == body_ || parent == kNone || parent == 0) return {top};
    const float top_score = info_[top].scored ? info_[top].score : 0.f;
    const float threshold = std::max(10.f, top_score * 0.2f);
    for (uint32_t c = doc_.nodes[parent].first_child; c != kNone; c = doc_.nodes[c].next) {
      if (c == top) {
        parts.push_back(c);
        continue;
      }
      const Node& nd = doc_.nodes[c];
      const Info& f = info_[c];
      if (f.junk || f.text == 0) continue;
      // Teasers of other pages: their titles are links.
      if (f.n_link_heading >= 2 && f.n_link_heading * 4 > f.n_heading) continue;
      float bonus = !nd.is_text && SameClass(c, top) ? top_score * 0.2f : 0.f;
      bool append = f.scored && f.score + bonus >= threshold;
      if (!append && (nd.is_text || nd.tag == Tag::kP ||
                      (IsBlockTag(nd.tag) && f.own_text * 10 >= f.text * 9))) {
        float ld = LinkDensity(c);
        if (f.text > 80 && ld < 0.25f)
          append = true;
        else if (f.text > 0 && f.text <= 80 && ld == 0.f && EndsSentence(c))
          append = true;
      }
      if (append) parts.push_back(c);
    }
    return parts;
  }

  // One of several siblings of the same tag and class that hold prose: the
  // posts of a thread, the entries of a page of reviews (their "comment",
  // "reply" cues name what the page is made of).
  bool RepeatedProse(uint32_t i) const {
    if (info_[i].prose == 0) return false;
    std::string_view cls = doc_.Attribute(i, "class");
    if (cls.empty()) return false;
    uint32_t parent = doc_.nodes[i].parent;
    if (parent == kNone) return false;
    int same = 0, seen = 0;
    for (uint32_t c = doc_.nodes[parent].first_child; c != kNone && seen < 64;
         c = doc_.nodes[c].next, ++seen) {
      if (c == i || doc_.nodes[c].is_text || doc_.nodes[c].tag != doc_.nodes[i].tag) continue;
      if (info_[c].prose > 0 && doc_.Attribute(c, "class") == cls && ++same >= 2) return true;
    }
    return false;
  }

  bool IsWithin(uint32_t i, uint32_t ancestor) const {
    for (uint32_t p = i; p != kNone; p = doc_.nodes[p].parent)
      if (p == ancestor) return true;
    return false;
  }

  // An article the page cuts into chunks between ads and rails (each chunk
  // in its own wrapper, so not a sibling of the chosen one): the other
  // elements of the chosen element's tag and class that hold prose join it,
  // in page order.
  void AddChunks(uint32_t top, std::vector<uint32_t>* parts) const {
    if (top == body_) return;
    std::string_view cls = doc_.Attribute(top, "class");
    if (cls.empty()) return;
    const Tag tag = doc_.nodes[top].tag;
    std::vector<uint32_t> extra;
    for (uint32_t i = 1; i < doc_.nodes.size(); ++i) {
      const Node& nd = doc_.nodes[i];
      if (nd.is_text || nd.tag != tag || i == top || info_[i].junk) continue;
      if (info_[i].prose < 2 * kMinParagraphText || LinkDensity(i) > 0.3f) continue;
      if (doc_.Attribute(i, "class") != cls) continue;
      bool overlaps = IsWithin(top, i);
      for (uint32_t p : *parts) overlaps = overlaps || IsWithin(i, p) || IsWithin(p, i);
      for (uint32_t e : extra) overlaps = overlaps || IsWithin(i, e);
      if (!overlaps) extra.push_back(i);
    }
    if (extra.empty()) return;
    parts->insert(parts->end(), extra.begin(), extra.end());
    std::sort(parts->begin(), parts->end());
  }

  bool EndsSentence(uint32_t i) const {
    std::string t = CollapseSpace(PlainText(i));
    if (t.empty()) return false;
    char last = t.back();
    return last == '.' || last == '!' || last == '?' || last == ':' ||
           (t.size() >= 3 && (t.compare(t.size() - 3, 3, "\xE3\x80\x82") == 0));
  }

  // Text of a subtree (junk left out), no block structure.
  std::string PlainText(uint32_t i) const {
    std::string out;
    std::vector<uint32_t> stack{i};
    while (!stack.empty()) {
      uint32_t k = stack.back();
      stack.pop_back();
      if (info_[k].junk) continue;
      const Node& nd = doc_.nodes[k];
      if (nd.is_text) {
        out += doc_.Text(k);
        continue;
      }
      if (IsBlockTag(nd.tag) || nd.tag == Tag::kBr) out += ' ';
      std::vector<uint32_t> kids;
      for (uint32_t c = nd.first_child; c != kNone; c = doc_.nodes[c].next) kids.push_back(c);
      for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back(*it);
    }
    return out;
  }

  // Inside the chosen content: furniture the first pass could not see.
  bool DropInside(uint32_t i, uint32_t top) const {
    const Node& nd = doc_.nodes[i];
    const Info& f = info_[i];
    if (f.junk) return true;
    if (nd.is_text || i == top) return false;
    if (f.text == 0) return nd.tag != Tag::kBr && nd.tag != Tag::kImg;
    // A heading made of a link is a teaser's title: furniture in an
    // article, content on a page of teasers.
    if (IsHeading(nd.tag)) return f.weight < 0 || (!relaxed_ && LinkDensity(i) > 0.33f);
    switch (nd.tag) {
      case Tag::kForm:
      case Tag::kFieldset:
      case Tag::kTable:
      case Tag::kUl:
      case Tag::kOl:
      case Tag::kDl:
      case Tag::kDiv:
      case Tag::kSection:
      case Tag::kAside:
      case Tag::kHeader:
      case Tag::kFooter:
      case Tag::kFigure:
      case Tag::kDetails:
      case Tag::kMenu:
      case Tag::kNav:
      case Tag::kOther:
      case Tag::kSpan:
      case Tag::kP:
      case Tag::kLi:
      case Tag::kFigcaption:
      case Tag::kAddress:
      case Tag::kCenter:
      case Tag::kArticle: {
        // Readability's rule: a negative cue outweighs a small content score.
        // (The score starts from the cue weight.)
        // A cue on a wrapper that holds most of the chosen text names the
        // layout, not furniture.
        bool holds_most = f.text * 2 > info_[top].text;
        bool mild = f.weight > kMildCue && f.n_p > 0 && f.prose * 2 >= f.text &&
                    f.prose >= kMildCueProse && LinkDensity(i) < 0.2f;
        if (f.weight < 0 && !holds_most && (f.scored ? f.score < 0 && !mild : f.weight <= -25) &&
            !(relaxed_ && RepeatedProse(i)))
          return true;
        if (relaxed_) {
          // Teasers are links with their titles: keep them; a menu is links
          // of a word or two.
          float ld = LinkDensity(i);
          return ld > 0.5f && f.n_a >= 3 && f.link_text < 25u * f.n_a && !holds_most;
        }
        // Nor is it a list of links: what the choice holds is inside it.
        if (holds_most && top != body_) return false;
        float ld = LinkDensity(i);
        bool is_list = nd.tag == Tag::kUl || nd.tag == Tag::kOl || nd.tag == Tag::kDl;
        if (f.weight < 25 && ld > 0.5f) return true;
        if (f.weight < 25 && ld > 0.2f && f.text < 2000 && !is_list && nd.tag != Tag::kP) {
          // Prose with links keeps most of its text outside them; a block of
          // teasers is mostly links.
          if ((f.own_text + f.prose) * 2 < f.text || f.text < 300) return true;
        }
        if (f.weight >= 25 && ld > 0.5f) return true;
        if (!is_list && nd.tag != Tag::kP && f.n_li > 3 && f.n_p == 0 && ld > 0.3f) return true;
        return false;
      }
      default:
        return false;
    }
  }

  struct Writer {
    std::vector<Block>* out;
    std::string cur;
    bool pending = false;
    Block::Kind kind = Block::Kind::kParagraph;
    void Flush() {
      while (!cur.empty() && cur.back() == ' ') cur.pop_back();
      if (!cur.empty()) out->push_back({kind, std::move(cur)});
      cur.clear();
      pending = false;
    }
  };

  void Render(uint32_t root, uint32_t top, std::vector<Block>* out) {
    Writer w{out, {}, false, Block::Kind::kParagraph};
    RenderNode(root, top, &w, Block::Kind::kParagraph, 0);
    w.Flush();
  }

  void RenderNode(uint32_t i, uint32_t top, Writer* w, Block::Kind ctx, int depth) {
    if (DropInside(i, top)) return;
    const Node& nd = doc_.nodes[i];
    if (nd.is_text) {
      w->kind = ctx;
      AppendCollapsed(doc_.Text(i), w->cur, &w->pending);
      return;
    }
    switch (nd.tag) {
      case Tag::kBr:
        w->Flush();
        return;
      case Tag::kHr:
        w->Flush();
        return;
      case Tag::kPre: {
        w->Flush();
        std::string t = PlainTextPre(i);
        // Trim blank lines at the ends, keep the inside.
        size_t b = t.find_first_not_of("\n\r");
        size_t e = t.find_last_not_of(" \t\n\r");
        if (b != std::string::npos && e != std::string::npos && e >= b)
          w->out->push_back({Block::Kind::kPre, t.substr(b, e - b + 1)});
        return;
      }
      case Tag::kTable:
        w->Flush();
        RenderTable(i, top, w, depth);
        return;
      default:
        break;
    }
    bool block = IsBlockTag(nd.tag);
    Block::Kind kind = ctx;
    if (IsHeading(nd.tag))
      kind = Block::Kind::kHeading;
    else if (nd.tag == Tag::kLi || nd.tag == Tag::kDt || nd.tag == Tag::kDd)
      kind = Block::Kind::kListItem;
    else if (nd.tag == Tag::kBlockquote)
      kind = Block::Kind::kQuote;
    if (block) w->Flush();
    for (uint32_t c = nd.first_child; c != kNone; c = doc_.nodes[c].next)
      RenderNode(c, top, w, kind, depth + 1);
    if (block) w->Flush();
  }

  std::string PlainTextPre(uint32_t i) const {
    std::string out;
    std::vector<uint32_t> stack{i};
    while (!stack.empty()) {
      uint32_t k = stack.back();
      stack.pop_back();
      if (info_[k].junk) continue;
      const Node& nd = doc_.nodes[k];
      if (nd.is_text) {
        out += doc_.Text(k);
        continue;
      }
      if (nd.tag == Tag::kBr) out += '\n';
      std::vector<uint32_t> kids;
      for (uint32_t c = nd.first_child; c != kNone; c = doc_.nodes[c].next) kids.push_back(c);
      for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back(*it);
    }
    return out;
  }

  void CollectRows(uint32_t i, std::vector<uint32_t>* rows) const {
    for (uint32_t c = doc_.nodes[i].first_child; c != kNone; c = doc_.nodes[c].next) {
      const Node& nd = doc_.nodes[c];
      if (nd.is_text || info_[c].junk) continue;
      if (nd.tag == Tag::kTr)
        rows->push_back(c);
      else if (nd.tag == Tag::kTbody || nd.tag == Tag::kThead || nd.tag == Tag::kTfoot)
        CollectRows(c, rows);
    }
  }

  void RenderTable(uint32_t table, uint32_t top, Writer* w, int depth) {
    std::vector<uint32_t> rows;
    CollectRows(table, &rows);
    // The caption, and what misnested markup left directly in the table
    // (cells without rows, stray blocks), read as ordinary content.
    for (uint32_t c = doc_.nodes[table].first_child; c != kNone; c = doc_.nodes[c].next) {
      Tag t = doc_.nodes[c].tag;
      if (!doc_.nodes[c].is_text && (t == Tag::kTr || t == Tag::kTbody || t == Tag::kThead ||
                                     t == Tag::kTfoot || t == Tag::kColgroup || t == Tag::kCol))
        continue;
      RenderNode(c, top, w, Block::Kind::kParagraph, depth + 1);
      w->Flush();
    }
    for (uint32_t r : rows) {
      std::vector<uint32_t> cells;
      for (uint32_t c = doc_.nodes[r].first_child; c != kNone; c = doc_.nodes[c].next)
        if (!doc_.nodes[c].is_text && !info_[c].junk &&
            (doc_.nodes[c].tag == Tag::kTd || doc_.nodes[c].tag == Tag::kTh))
          cells.push_back(c);
      // Layout tables (one cell a row, or cells holding blocks) are read
      // as ordinary content.
      bool layout = cells.size() <= 1;
      for (uint32_t c : cells)
        if (info_[c].n_p > 0 || info_[c].text > 400 || info_[c].n_li > 0) layout = true;
      if (layout) {
        for (uint32_t c : cells) RenderNode(c, top, w, Block::Kind::kParagraph, depth + 1);
        w->Flush();
        continue;
      }
      std::string row;
      for (uint32_t c : cells) {
        if (DropInside(c, top)) continue;
        std::string cell = CollapseSpace(PlainText(c));
        if (cell.empty()) continue;
        if (!row.empty()) row += " | ";
        row += cell;
      }
      if (!row.empty()) w->out->push_back({Block::Kind::kTable, std::move(row)});
    }
  }

  static std::string KeyOf(std::string_view s) {
    std::string lower = Utf8Lower(s);
    size_t b = 0, e = lower.size();
    auto punct = [](char c) {
      return c == ' ' || c == '.' || c == ':' || c == '!' || c == '|' || c == '-' || c == '>' ||
             c == '\xC2' || c == '\xBB' || c == '\xAB' || c == '\xE2' || c == '\x80' ||
             c == '\xA6' || c == '\x94' || c == '\x93';
    };
    while (b < e && punct(lower[b])) ++b;
    while (e > b && punct(lower[e - 1])) --e;
    return lower.substr(b, e - b);
  }

  bool IsBoilerplateLine(const std::string& text) const {
    if (text.size() > 100) return false;
    std::string key = KeyOf(text);
    if (key.empty()) return true;
    for (const std::string& e : res_.line_exact)
      if (key == e) return true;
    for (const std::string& p : res_.line_prefix)
      if (key.compare(0, p.size(), p) == 0 &&
          (key.size() == p.size() || !std::isalnum(static_cast<unsigned char>(key[p.size()]))))
        return true;
    return false;
  }

  void Filter(std::vector<Block>* blocks) const {
    std::vector<Block> out;
    out.reserve(blocks->size());
    std::string title_key = in_.title ? KeyOf(*in_.title) : std::string();
    std::unordered_set<std::string> seen;
    for (Block& b : *blocks) {
      if (b.text.empty()) continue;
      // The same paragraph twice is the page's mobile and desktop layouts,
      // or a pull quote: the text once.
      if (b.text.size() >= 60 && !seen.insert(b.text).second) continue;
      if (b.kind != Block::Kind::kPre && IsBoilerplateLine(b.text)) continue;
      // The headline repeated as the first heading is the title, not text;
      // the few short lines above it (section labels, breadcrumbs; not a
      // dateline) are not the article either.
      if (out.size() <= kMaxAboveHeadline && b.kind == Block::Kind::kHeading &&
          !title_key.empty() && KeyOf(b.text) == title_key &&
          std::all_of(out.begin(), out.end(), [](const Block& x) {
            return x.text.size() < 60 && x.text.find_first_of("0123456789") == std::string::npos;
          })) {
        out.clear();
        continue;
      }
      out.push_back(std::move(b));
    }
    *blocks = std::move(out);
  }

  const Document& doc_;
  const Resources& res_;
  const ContentInput& in_;
  std::vector<Diagnostic>* diags_;
  std::vector<Info> info_;
  std::vector<uint32_t> candidates_;
  std::vector<std::string> words_;
  bool relaxed_ = false;  // rendering a page that is not an article
  std::string cue_key_;
  // Non-blank bytes and commas of each text node (0 under never-text tags).
  std::vector<uint32_t> text_len_, commas_;
  std::unordered_map<std::string, int> cue_cache_;
  uint32_t body_ = 0;
};

}  // namespace

std::vector<Block> ExtractContent(const ContentInput& in, std::vector<Diagnostic>* diags) {
  return Extraction(in, diags).Run();
}

}  // namespace veille::html_internal
