// dom.cc: the tolerant one-pass HTML tokenizer and tree builder.
#include "html/dom.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "veille/utf8.h"

namespace veille::html_internal {
namespace {

constexpr std::string_view kTagNames[] = {
#define VEILLE_TAG(id, name) name,
#include "html/tags.inc"
#undef VEILLE_TAG
};
constexpr size_t kTagCount = static_cast<size_t>(Tag::kCount);

struct Entity {
  const char* name;
  const char* value;
};
constexpr Entity kEntities[] = {
#include "html/entities.inc"
};

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
inline bool IsAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool IsAlnum(char c) { return IsAlpha(c) || (c >= '0' && c <= '9'); }
inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Windows-1252 meanings of numeric references 0x80-0x9F (HTML5 says so).
constexpr char32_t kC1[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                              0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                              0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                              0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

const Entity* FindEntity(std::string_view name) {
  auto it = std::lower_bound(
      std::begin(kEntities), std::end(kEntities), name,
      [](const Entity& e, std::string_view n) { return std::string_view(e.name) < n; });
  if (it != std::end(kEntities) && std::string_view(it->name) == name) return it;
  return nullptr;
}

// Tags with special parsing roles, as bit sets over Tag.
using TagSet = std::array<bool, kTagCount>;
constexpr TagSet MakeSet(std::initializer_list<Tag> tags) {
  TagSet s{};
  for (Tag t : tags) s[static_cast<size_t>(t)] = true;
  return s;
}
inline bool In(const TagSet& s, Tag t) { return s[static_cast<size_t>(t)]; }

constexpr TagSet kVoid = MakeSet({Tag::kArea, Tag::kBase, Tag::kBr, Tag::kCol, Tag::kEmbed,
                                  Tag::kHr, Tag::kImg, Tag::kInput, Tag::kLink, Tag::kMeta,
                                  Tag::kParam, Tag::kSource, Tag::kTrack, Tag::kWbr, Tag::kFrame});
// Raw text: content up to the matching end tag is text, not markup.
constexpr TagSet kRawText =
    MakeSet({Tag::kScript, Tag::kStyle, Tag::kXmp, Tag::kIframe, Tag::kNoembed, Tag::kNoframes,
             Tag::kNoscript, Tag::kTextarea, Tag::kTitle, Tag::kPlaintext});
// Escapable raw text: entities are decoded.
constexpr TagSet kRcdata = MakeSet({Tag::kTextarea, Tag::kTitle});
// Start tags that close an open <p>.
constexpr TagSet kClosesP =
    MakeSet({Tag::kAddress,  Tag::kArticle,    Tag::kAside,     Tag::kBlockquote, Tag::kCenter,
             Tag::kDetails,  Tag::kDialog,     Tag::kDir,       Tag::kDiv,        Tag::kDl,
             Tag::kFieldset, Tag::kFigcaption, Tag::kFigure,    Tag::kFooter,     Tag::kForm,
             Tag::kH1,       Tag::kH2,         Tag::kH3,        Tag::kH4,         Tag::kH5,
             Tag::kH6,       Tag::kHeader,     Tag::kHgroup,    Tag::kHr,         Tag::kMain,
             Tag::kMenu,     Tag::kNav,        Tag::kOl,        Tag::kP,          Tag::kPre,
             Tag::kSection,  Tag::kSummary,    Tag::kTable,     Tag::kUl,         Tag::kLi,
             Tag::kDd,       Tag::kDt,         Tag::kPlaintext, Tag::kXmp,        Tag::kListing,
             Tag::kSearch});
// Elements that bound the search for an open element an end tag closes.
constexpr TagSet kScope =
    MakeSet({Tag::kHtml, Tag::kTable, Tag::kTd, Tag::kTh, Tag::kCaption, Tag::kTemplate,
             Tag::kObject, Tag::kMarquee, Tag::kApplet, Tag::kSvg, Tag::kMath});
// The HTML5 "special" category (implied end tags of li/dd/dt stop at these,
// except address, div and p).
constexpr TagSet kSpecial =
    MakeSet({Tag::kAddress,   Tag::kApplet,     Tag::kArea,     Tag::kArticle,  Tag::kAside,
             Tag::kBase,      Tag::kBlockquote, Tag::kBody,     Tag::kBr,       Tag::kButton,
             Tag::kCaption,   Tag::kCenter,     Tag::kCol,      Tag::kColgroup, Tag::kDd,
             Tag::kDetails,   Tag::kDir,        Tag::kDl,       Tag::kDt,       Tag::kEmbed,
             Tag::kFieldset,  Tag::kFigcaption, Tag::kFigure,   Tag::kFooter,   Tag::kForm,
             Tag::kFrame,     Tag::kFrameset,   Tag::kH1,       Tag::kH2,       Tag::kH3,
             Tag::kH4,        Tag::kH5,         Tag::kH6,       Tag::kHead,     Tag::kHeader,
             Tag::kHgroup,    Tag::kHr,         Tag::kHtml,     Tag::kIframe,   Tag::kImg,
             Tag::kInput,     Tag::kLi,         Tag::kLink,     Tag::kListing,  Tag::kMain,
             Tag::kMarquee,   Tag::kMenu,       Tag::kMeta,     Tag::kNav,      Tag::kNoembed,
             Tag::kNoframes,  Tag::kNoscript,   Tag::kObject,   Tag::kOl,       Tag::kParam,
             Tag::kPlaintext, Tag::kPre,        Tag::kScript,   Tag::kSearch,   Tag::kSection,
             Tag::kSelect,    Tag::kSource,     Tag::kStyle,    Tag::kSummary,  Tag::kTable,
             Tag::kTbody,     Tag::kTd,         Tag::kTemplate, Tag::kTextarea, Tag::kTfoot,
             Tag::kTh,        Tag::kThead,      Tag::kTitle,    Tag::kTr,       Tag::kTrack,
             Tag::kUl,        Tag::kWbr,        Tag::kXmp});
// Start tags that end open SVG/MathML content (HTML5 "breakout" tags): an
// <svg> left unclosed does not swallow the rest of the page.
constexpr TagSet kBreaksForeign =
    MakeSet({Tag::kB,       Tag::kBig,  Tag::kBlockquote, Tag::kBody, Tag::kBr,     Tag::kCenter,
             Tag::kCode,    Tag::kDd,   Tag::kDiv,        Tag::kDl,   Tag::kDt,     Tag::kEm,
             Tag::kEmbed,   Tag::kH1,   Tag::kH2,         Tag::kH3,   Tag::kH4,     Tag::kH5,
             Tag::kH6,      Tag::kHead, Tag::kHr,         Tag::kI,    Tag::kImg,    Tag::kLi,
             Tag::kListing, Tag::kMenu, Tag::kMeta,       Tag::kOl,   Tag::kP,      Tag::kPre,
             Tag::kRuby,    Tag::kS,    Tag::kSmall,      Tag::kSpan, Tag::kStrong, Tag::kStrike,
             Tag::kSub,     Tag::kSup,  Tag::kTable,      Tag::kTt,   Tag::kU,      Tag::kUl,
             Tag::kVar});
// Elements that may stay in <head>; any other start tag there ends it.
constexpr TagSet kHeadContent =
    MakeSet({Tag::kMeta, Tag::kLink, Tag::kTitle, Tag::kStyle, Tag::kScript, Tag::kNoscript,
             Tag::kBase, Tag::kTemplate, Tag::kHtml, Tag::kHead, Tag::kOther});
constexpr TagSet kHeading = MakeSet({Tag::kH1, Tag::kH2, Tag::kH3, Tag::kH4, Tag::kH5, Tag::kH6});
constexpr TagSet kTableSection = MakeSet({Tag::kTbody, Tag::kThead, Tag::kTfoot});

class Builder {
 public:
  Builder(std::string_view html, int max_depth) : in_(html), max_depth_(max_depth) {
    doc_.nodes.reserve(html.size() / 40 + 16);
    doc_.arena.reserve(html.size() / 2 + 16);
    doc_.nodes.emplace_back();  // the document
    stack_.push_back(0);
  }

  Document Run() {
    size_t i = 0;
    const size_t n = in_.size();
    while (i < n) {
      const char* lt = static_cast<const char*>(std::memchr(in_.data() + i, '<', n - i));
      size_t end = lt ? static_cast<size_t>(lt - in_.data()) : n;
      if (end > i) AddText(in_.substr(i, end - i), /*decode=*/true);
      if (end >= n) break;
      i = Markup(end);
    }
    return std::move(doc_);
  }

 private:
  // Handles the markup at in_[i] == '<'; returns the position after it.
  size_t Markup(size_t i) {
    const size_t n = in_.size();
    if (i + 1 >= n) {
      AddText("<", false);
      return n;
    }
    char c = in_[i + 1];
    if (c == '!') {
      if (in_.compare(i, 4, "<!--") == 0) {
        size_t close = in_.find("-->", i + 4);
        if (in_.compare(i + 4, 1, ">") == 0) return i + 5;
        if (in_.compare(i + 4, 2, "->") == 0) return i + 6;
        return close == std::string_view::npos ? n : close + 3;
      }
      // A CDATA section exists only inside SVG and MathML; in HTML it is a
      // bogus comment that ends at the first '>', as browsers read it (a
      // stray "<![CDATA[" would otherwise hide the rest of the page).
      if (foreign_ > 0 && in_.compare(i, 9, "<![CDATA[") == 0) {
        size_t close = in_.find("]]>", i + 9);
        AddText(in_.substr(i + 9, (close == std::string_view::npos ? n : close) - i - 9), false);
        return close == std::string_view::npos ? n : close + 3;
      }
      size_t close = in_.find('>', i + 2);
      return close == std::string_view::npos ? n : close + 1;
    }
    if (c == '?') {
      size_t close = in_.find('>', i + 2);
      return close == std::string_view::npos ? n : close + 1;
    }
    if (c == '/') {
      if (i + 2 < n && IsAlpha(in_[i + 2])) return EndTag(i + 2);
      size_t close = in_.find('>', i + 2);
      return close == std::string_view::npos ? n : close + 1;
    }
    if (IsAlpha(c)) return StartTag(i + 1);
    AddText("<", false);
    return i + 1;
  }

  // Reads a tag name at in_[i]; lower-cases it into name_.
  size_t ReadName(size_t i) {
    name_.clear();
    const size_t n = in_.size();
    while (i < n && !IsSpace(in_[i]) && in_[i] != '/' && in_[i] != '>') name_ += Lower(in_[i++]);
    return i;
  }

  size_t StartTag(size_t i) {
    const size_t n = in_.size();
    i = ReadName(i);
    Tag tag = LookupTag(name_);
    std::string other_name = tag == Tag::kOther ? name_ : std::string();
    // Attributes.
    attrs_.clear();
    bool self_closing = false;
    while (i < n) {
      while (i < n && (IsSpace(in_[i]) || in_[i] == '/')) {
        if (in_[i] == '/' && i + 1 < n && in_[i + 1] == '>') self_closing = true;
        ++i;
      }
      if (i >= n) break;
      if (in_[i] == '>') {
        ++i;
        break;
      }
      size_t nb = i;
      ++i;  // an attribute name may start with '='
      while (i < n && !IsSpace(in_[i]) && in_[i] != '/' && in_[i] != '>' && in_[i] != '=') ++i;
      std::string_view aname = in_.substr(nb, i - nb);
      while (i < n && IsSpace(in_[i])) ++i;
      std::string_view value;
      bool has_value = false;
      if (i < n && in_[i] == '=') {
        ++i;
        while (i < n && IsSpace(in_[i])) ++i;
        if (i < n && (in_[i] == '"' || in_[i] == '\'')) {
          char q = in_[i++];
          size_t close = in_.find(q, i);
          if (close == std::string_view::npos) close = n;
          value = in_.substr(i, close - i);
          i = close < n ? close + 1 : n;
        } else {
          size_t vb = i;
          while (i < n && !IsSpace(in_[i]) && in_[i] != '>') ++i;
          value = in_.substr(vb, i - vb);
        }
        has_value = true;
      }
      (void)has_value;
      attrs_.push_back({aname, value});
    }
    OpenElement(tag, other_name, self_closing);
    // Raw text content.
    if (foreign_ == 0 && In(kRawText, tag)) {
      if (tag == Tag::kPlaintext) {
        AddText(in_.substr(i), false);
        return n;
      }
      size_t end = FindRawEnd(i, TagName(tag));
      std::string_view content = in_.substr(i, end - i);
      // Style sheets are never text; keep the rest (scripts hold JSON-LD).
      if (tag != Tag::kStyle && !content.empty()) AddText(content, In(kRcdata, tag));
      PopTo(tag);
      if (end >= n) return n;
      size_t close = in_.find('>', end);
      return close == std::string_view::npos ? n : close + 1;
    }
    return i;
  }

  // The position of "</name" (any case, then a blank, '/' or '>') from i.
  size_t FindRawEnd(size_t i, std::string_view name) {
    const size_t n = in_.size();
    while (true) {
      const char* p = static_cast<const char*>(std::memchr(in_.data() + i, '<', n - i));
      if (!p) return n;
      size_t at = static_cast<size_t>(p - in_.data());
      if (at + 2 + name.size() <= n && in_[at + 1] == '/') {
        bool match = true;
        for (size_t k = 0; k < name.size(); ++k)
          if (Lower(in_[at + 2 + k]) != name[k]) {
            match = false;
            break;
          }
        size_t after = at + 2 + name.size();
        if (match && (after == n || IsSpace(in_[after]) || in_[after] == '/' || in_[after] == '>'))
          return at;
      }
      i = at + 1;
    }
  }

  size_t EndTag(size_t i) {
    const size_t n = in_.size();
    i = ReadName(i);
    size_t close = in_.find('>', i);
    size_t next = close == std::string_view::npos ? n : close + 1;
    Tag tag = LookupTag(name_);
    if (foreign_ > 0 && tag != Tag::kSvg && tag != Tag::kMath) {
      // An end tag closes the SVG/MathML element it names; one that names
      // an open HTML element instead (the </a> after an unclosed <svg>)
      // ends the foreign content and is read by the HTML rules (HTML5).
      const int root = ForeignRoot();
      for (int k = static_cast<int>(stack_.size()) - 1; k >= root; --k) {
        const Node& e = doc_.nodes[stack_[k]];
        if (e.tag == tag && (tag != Tag::kOther || doc_.OtherName(stack_[k]) == name_)) {
          Truncate(k);
          return next;
        }
      }
      if (!OpenInScopeBelow(root, tag)) return next;
      Truncate(root);
    }
    switch (tag) {
      case Tag::kBr:
        OpenElement(Tag::kBr, {}, true);
        break;
      case Tag::kHtml:
      case Tag::kBody:
        break;  // content after </body> still belongs to the body
      case Tag::kP:
        ClosePInScope();
        break;
      case Tag::kLi: {
        int at = FindInScope(Tag::kLi, /*list_scope=*/true);
        if (at >= 0) Truncate(at);
        break;
      }
      default:
        CloseGeneric(tag, name_);
    }
    return next;
  }

  // Pops to the nearest open element named like the end tag, if one is open
  // within scope; otherwise the end tag is ignored.
  void CloseGeneric(Tag tag, std::string_view name) {
    for (int k = static_cast<int>(stack_.size()) - 1; k > 0; --k) {
      const Node& e = doc_.nodes[stack_[k]];
      if (e.tag == tag && (tag != Tag::kOther || doc_.OtherName(stack_[k]) == name)) {
        Truncate(k);
        return;
      }
      if (In(kScope, e.tag) && foreign_ == 0) return;
      if (foreign_ > 0 && (e.tag == Tag::kSvg || e.tag == Tag::kMath)) return;
    }
  }

  // Index in stack_ of the outermost open <svg>/<math> (foreign_ > 0).
  int ForeignRoot() const {
    for (int k = 1; k < static_cast<int>(stack_.size()); ++k) {
      Tag t = doc_.nodes[stack_[k]].tag;
      if (t == Tag::kSvg || t == Tag::kMath) return k;
    }
    return static_cast<int>(stack_.size());
  }

  // Whether an HTML element `tag` is open below stack_[root], within scope.
  bool OpenInScopeBelow(int root, Tag tag) const {
    if (tag == Tag::kOther) return false;
    for (int k = root - 1; k > 0; --k) {
      Tag t = doc_.nodes[stack_[k]].tag;
      if (t == tag) return true;
      if (In(kScope, t)) return false;
    }
    return false;
  }

  // Whether the current node is inside an SVG/MathML element that holds
  // HTML (foreignObject, desc, title; annotation-xml).
  bool InIntegrationPoint(int root) const {
    for (int k = static_cast<int>(stack_.size()) - 1; k > root; --k) {
      const Node& e = doc_.nodes[stack_[k]];
      if (e.tag == Tag::kTitle) return true;
      if (e.tag == Tag::kOther) {
        std::string_view name = doc_.OtherName(stack_[k]);
        if (name == "foreignobject" || name == "desc" || name == "annotation-xml") return true;
      }
    }
    return false;
  }

  // Index in stack_ of the nearest open `tag` within scope, or -1.
  int FindInScope(Tag tag, bool list_scope) {
    for (int k = static_cast<int>(stack_.size()) - 1; k > 0; --k) {
      Tag t = doc_.nodes[stack_[k]].tag;
      if (t == tag) return k;
      if (In(kScope, t) || t == Tag::kButton) return -1;
      if (list_scope && (t == Tag::kUl || t == Tag::kOl)) return -1;
    }
    return -1;
  }

  void ClosePInScope() {
    int at = FindInScope(Tag::kP, false);
    if (at >= 0) Truncate(at);
  }

  // Pops stack_ down to (and including) position k.
  void Truncate(int k) {
    for (size_t j = static_cast<size_t>(k); j < stack_.size(); ++j) {
      Tag t = doc_.nodes[stack_[j]].tag;
      if ((t == Tag::kSvg || t == Tag::kMath) && foreign_ > 0) --foreign_;
    }
    stack_.resize(static_cast<size_t>(k));
  }

  void PopTo(Tag tag) {
    for (int k = static_cast<int>(stack_.size()) - 1; k > 0; --k)
      if (doc_.nodes[stack_[k]].tag == tag) {
        Truncate(k);
        return;
      }
  }

  Tag Current() const { return doc_.nodes[stack_.back()].tag; }

  // The implied end tags of the HTML5 tree builder that matter for the tree
  // shape: open <p>, list items, definition items, table cells and rows,
  // options, headings, links, and the head.
  void ImpliedEnds(Tag tag) {
    if (head_open_ && !In(kHeadContent, tag)) {
      PopTo(Tag::kHead);
      head_open_ = false;
    }
    if (In(kClosesP, tag)) ClosePInScope();
    switch (tag) {
      case Tag::kLi:
      case Tag::kDd:
      case Tag::kDt:
        for (int k = static_cast<int>(stack_.size()) - 1; k > 0; --k) {
          Tag t = doc_.nodes[stack_[k]].tag;
          if ((tag == Tag::kLi && t == Tag::kLi) ||
              (tag != Tag::kLi && (t == Tag::kDd || t == Tag::kDt))) {
            Truncate(k);
            break;
          }
          if (In(kSpecial, t) && t != Tag::kAddress && t != Tag::kDiv && t != Tag::kP) break;
        }
        break;
      case Tag::kTd:
      case Tag::kTh:
      case Tag::kTr:
      case Tag::kTbody:
      case Tag::kThead:
      case Tag::kTfoot:
      case Tag::kCaption:
      case Tag::kColgroup:
        for (int k = static_cast<int>(stack_.size()) - 1; k > 0; --k) {
          Tag t = doc_.nodes[stack_[k]].tag;
          if (t == Tag::kTable || t == Tag::kTemplate) break;
          bool closes = t == Tag::kTd || t == Tag::kTh || t == Tag::kCaption ||
                        (tag != Tag::kTd && tag != Tag::kTh && t == Tag::kTr) ||
                        (In(kTableSection, tag) && In(kTableSection, t));
          if (tag == Tag::kCaption || tag == Tag::kColgroup)
            closes = closes || t == Tag::kTr || In(kTableSection, t);
          if (closes) {
            Truncate(k);
            break;
          }
          if (t == Tag::kTr || In(kTableSection, t)) break;
        }
        break;
      case Tag::kOption:
      case Tag::kOptgroup:
        if (Current() == Tag::kOption) stack_.pop_back();
        if (tag == Tag::kOptgroup && Current() == Tag::kOptgroup) stack_.pop_back();
        break;
      case Tag::kH1:
      case Tag::kH2:
      case Tag::kH3:
      case Tag::kH4:
      case Tag::kH5:
      case Tag::kH6:
        if (In(kHeading, Current())) stack_.pop_back();
        break;
      case Tag::kA: {
        int at = FindInScope(Tag::kA, false);
        if (at >= 0) Truncate(at);
        break;
      }
      case Tag::kTable:
        // A table directly in a table's content closes the first (HTML5).
        if (Current() == Tag::kTable) stack_.pop_back();
        break;
      default:
        break;
    }
  }

  void OpenElement(Tag tag, std::string_view other_name, bool self_closing) {
    if (foreign_ > 0 && In(kBreaksForeign, tag)) {
      const int root = ForeignRoot();
      if (!InIntegrationPoint(root)) Truncate(root);
    }
    if (foreign_ == 0) {
      if (tag == Tag::kHtml || tag == Tag::kBody || tag == Tag::kHead) {
        bool& seen = tag == Tag::kHtml ? seen_html_ : tag == Tag::kBody ? seen_body_ : seen_head_;
        if (seen) {
          // A second <html>/<body> adds its attributes to the first (HTML5).
          return;
        }
        seen = true;
        if (tag == Tag::kBody && head_open_) {
          PopTo(Tag::kHead);
          head_open_ = false;
        }
        if (tag == Tag::kHead) head_open_ = true;
      } else {
        ImpliedEnds(tag);
      }
    }
    uint32_t id = Append(tag, other_name);
    bool is_void = foreign_ == 0 ? In(kVoid, tag) : self_closing;
    if (foreign_ == 0 && tag == Tag::kOther && self_closing) is_void = true;
    if (is_void) return;
    if (static_cast<int>(stack_.size()) > max_depth_) {
      doc_.depth_capped = true;
      return;
    }
    stack_.push_back(id);
    if (tag == Tag::kSvg || tag == Tag::kMath) ++foreign_;
  }

  uint32_t Append(Tag tag, std::string_view other_name) {
    uint32_t id = static_cast<uint32_t>(doc_.nodes.size());
    Node& e = doc_.nodes.emplace_back();
    e.tag = tag;
    if (tag == Tag::kOther) {
      e.str_begin = static_cast<uint32_t>(doc_.arena.size());
      e.str_len = static_cast<uint32_t>(other_name.size());
      doc_.arena.append(other_name);
    }
    e.attr_begin = static_cast<uint32_t>(doc_.attrs.size());
    e.attr_count = static_cast<uint16_t>(std::min<size_t>(attrs_.size(), 0xFFFF));
    for (size_t k = 0; k < e.attr_count; ++k) {
      Attr a;
      a.name_begin = static_cast<uint32_t>(doc_.arena.size());
      for (char c : attrs_[k].first) doc_.arena += Lower(c);
      a.name_len = static_cast<uint32_t>(doc_.arena.size() - a.name_begin);
      a.value_begin = static_cast<uint32_t>(doc_.arena.size());
      std::string_view v = attrs_[k].second;
      if (v.find('&') == std::string_view::npos) {
        doc_.arena.append(v);
      } else {
        for (size_t j = 0; j < v.size();) {
          if (v[j] == '&') {
            DecodeCharRef(v, j, true, doc_.arena);
          } else {
            doc_.arena += v[j++];
          }
        }
      }
      a.value_len = static_cast<uint32_t>(doc_.arena.size() - a.value_begin);
      doc_.attrs.push_back(a);
    }
    Link(id);
    return id;
  }

  void Link(uint32_t id) {
    uint32_t parent = stack_.back();
    Node& p = doc_.nodes[parent];
    Node& c = doc_.nodes[id];
    c.parent = parent;
    c.prev = p.last_child;
    if (p.last_child != kNone)
      doc_.nodes[p.last_child].next = id;
    else
      p.first_child = id;
    p.last_child = id;
  }

  void AddText(std::string_view text, bool decode) {
    if (head_open_) {
      bool blank = std::all_of(text.begin(), text.end(), IsSpace);
      if (blank) return;
      if (Current() == Tag::kHead) {
        PopTo(Tag::kHead);
        head_open_ = false;
      }
    }
    uint32_t parent = stack_.back();
    uint32_t last = doc_.nodes[parent].last_child;
    bool extend = last != kNone && doc_.nodes[last].is_text &&
                  doc_.nodes[last].str_begin + doc_.nodes[last].str_len == doc_.arena.size();
    size_t before = doc_.arena.size();
    if (decode && text.find('&') != std::string_view::npos) {
      for (size_t j = 0; j < text.size();) {
        if (text[j] == '&') {
          DecodeCharRef(text, j, false, doc_.arena);
        } else {
          size_t amp = text.find('&', j);
          if (amp == std::string_view::npos) amp = text.size();
          doc_.arena.append(text.substr(j, amp - j));
          j = amp;
        }
      }
    } else {
      doc_.arena.append(text);
    }
    if (doc_.arena.size() == before) return;
    if (extend) {
      doc_.nodes[last].str_len += static_cast<uint32_t>(doc_.arena.size() - before);
      return;
    }
    uint32_t id = static_cast<uint32_t>(doc_.nodes.size());
    Node& t = doc_.nodes.emplace_back();
    t.is_text = true;
    t.str_begin = static_cast<uint32_t>(before);
    t.str_len = static_cast<uint32_t>(doc_.arena.size() - before);
    Link(id);
  }

  std::string_view in_;
  int max_depth_;
  Document doc_;
  std::vector<uint32_t> stack_;
  std::string name_;
  std::vector<std::pair<std::string_view, std::string_view>> attrs_;
  int foreign_ = 0;  // open svg/math elements
  bool seen_html_ = false, seen_body_ = false, seen_head_ = false, head_open_ = false;
};

}  // namespace

std::string_view TagName(Tag t) { return kTagNames[static_cast<size_t>(t)]; }

Tag LookupTag(std::string_view name) {
  // kTagNames[1..] is sorted.
  auto first = std::begin(kTagNames) + 1;
  auto it = std::lower_bound(first, std::end(kTagNames), name);
  if (it != std::end(kTagNames) && *it == name) return static_cast<Tag>(it - std::begin(kTagNames));
  return Tag::kOther;
}

std::string_view Document::Attribute(uint32_t i, std::string_view name, bool* found) const {
  const Node& n = nodes[i];
  for (uint32_t k = n.attr_begin; k < n.attr_begin + n.attr_count; ++k)
    if (AttrName(attrs[k]) == name) {
      if (found) *found = true;
      return AttrValue(attrs[k]);
    }
  if (found) *found = false;
  return {};
}

void DecodeCharRef(std::string_view s, size_t& i, bool in_attribute, std::string& out) {
  const size_t n = s.size();
  size_t j = i + 1;
  if (j < n && s[j] == '#') {
    ++j;
    bool hex = j < n && (s[j] == 'x' || s[j] == 'X');
    if (hex) ++j;
    size_t digits_begin = j;
    uint32_t cp = 0;
    bool overflow = false;
    while (j < n) {
      char c = s[j];
      int d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        d = (c | 0x20) - 'a' + 10;
      else
        break;
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      if (cp > 0x10FFFF) overflow = true, cp = 0x110000;
      ++j;
    }
    if (j == digits_begin) {  // "&#" with no digits: not a reference
      out += '&';
      ++i;
      return;
    }
    if (j < n && s[j] == ';') ++j;
    char32_t c = cp;
    if (overflow || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      c = 0xFFFD;
    else if (cp >= 0x80 && cp <= 0x9F)
      c = kC1[cp - 0x80];
    AppendUtf8(c, out);
    i = j;
    return;
  }
  // Named: the longest name in the table.
  size_t k = j;
  while (k < n && k - j < 32 && IsAlnum(s[k])) ++k;
  if (k == j) {
    out += '&';
    ++i;
    return;
  }
  if (k < n && s[k] == ';') {
    std::string name(s.substr(j, k - j + 1));
    if (const Entity* e = FindEntity(name)) {
      out += e->value;
      i = k + 1;
      return;
    }
  }
  // Legacy names without ';' (&amp, &nbsp, &copy ...): longest prefix.
  for (size_t len = std::min<size_t>(k - j, 6); len >= 2; --len) {
    std::string_view name = s.substr(j, len);
    if (const Entity* e = FindEntity(name)) {
      size_t after = j + len;
      if (in_attribute && after < n && (IsAlnum(s[after]) || s[after] == '=')) break;
      out += e->value;
      i = after;
      return;
    }
  }
  out += '&';
  ++i;
}

std::string DecodeEntities(std::string_view s, bool in_attribute) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&')
      DecodeCharRef(s, i, in_attribute, out);
    else
      out += s[i++];
  }
  return out;
}

Document Parse(std::string_view html, int max_depth) {
  return Builder(html, std::max(max_depth, 8)).Run();
}

}  // namespace veille::html_internal
