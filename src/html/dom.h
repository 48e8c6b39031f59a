// dom.h: the module's HTML parser and the tree it builds (internal).
//
// In:  UTF-8 HTML.
// Out: a Document: a flat array of nodes (elements and text) linked by index,
//      with decoded text and attribute values in one arena.
// Thread-safety: a Document is a value; Parse is pure.
//
// The parser is a single pass tokenizer with a small tree builder: void
// elements, raw-text elements (script, style, title, textarea ...), implied
// end tags (p, li, dd/dt, table parts, option, head), end tags matched within
// their scope and ignored otherwise, foreign content (svg, math) taken as
// generic elements. It is not the whole HTML5 tree-construction algorithm
// (no adoption agency, no foster parenting), which is what trafilatura and
// readability-lxml see through libxml2 as well; it costs time linear in the
// input and nests at most max_depth elements deep.
#ifndef VEILLE_HTML_DOM_H_
#define VEILLE_HTML_DOM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace veille::html_internal {

// Known elements. kOther is any other name (custom elements, svg parts ...).
enum class Tag : uint8_t {
#define VEILLE_TAG(id, name) id,
#include "html/tags.inc"
#undef VEILLE_TAG
  kCount
};

// The lower-case name of a known tag ("" for kOther and the document).
std::string_view TagName(Tag t);
// Tag for a lower-case name, kOther if unknown.
Tag LookupTag(std::string_view lower_name);

constexpr uint32_t kNone = 0xFFFFFFFFu;

struct Node {
  uint32_t parent = kNone;
  uint32_t first_child = kNone;
  uint32_t last_child = kNone;
  uint32_t next = kNone;  // next sibling
  uint32_t prev = kNone;  // previous sibling
  // Text node: the text (entities decoded) in Document::arena. Element of an
  // unknown kind: its lower-case name there.
  uint32_t str_begin = 0;
  uint32_t str_len = 0;
  uint32_t attr_begin = 0;  // index into Document::attrs
  uint16_t attr_count = 0;
  Tag tag = Tag::kOther;
  bool is_text = false;
};

struct Attr {
  uint32_t name_begin, name_len;  // lower-case name
  uint32_t value_begin, value_len;
};

struct Document {
  std::vector<Node> nodes;  // nodes[0] is the document (root) node
  std::vector<Attr> attrs;
  std::string arena;
  bool depth_capped = false;  // some elements were nested deeper than allowed

  const Node& node(uint32_t i) const { return nodes[i]; }
  std::string_view Text(uint32_t i) const {
    const Node& n = nodes[i];
    return std::string_view(arena).substr(n.str_begin, n.str_len);
  }
  // The value of attribute `name` (lower case) of element i; found=false if
  // absent.
  std::string_view Attribute(uint32_t i, std::string_view name, bool* found = nullptr) const;
  std::string_view AttrName(const Attr& a) const {
    return std::string_view(arena).substr(a.name_begin, a.name_len);
  }
  std::string_view AttrValue(const Attr& a) const {
    return std::string_view(arena).substr(a.value_begin, a.value_len);
  }
  std::string_view OtherName(uint32_t i) const { return Text(i); }
};

// Parses `html` (UTF-8). Never fails: any input gives a tree.
Document Parse(std::string_view html, int max_depth);

// Appends to `out` the UTF-8 replacement of the character reference at
// s[i] == '&' and advances i past it; appends "&" and advances by one when
// it is not a reference. `in_attribute` applies the rule that a legacy named
// reference without ';' followed by an alphanumeric or '=' is left as is.
void DecodeCharRef(std::string_view s, size_t& i, bool in_attribute, std::string& out);
// `s` with every character reference decoded.
std::string DecodeEntities(std::string_view s, bool in_attribute = false);

}  // namespace veille::html_internal

#endif  // VEILLE_HTML_DOM_H_
