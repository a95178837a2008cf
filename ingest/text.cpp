// Text cleaning. Works line by line: markup first (HTML or Markdown), then
// typography, then boilerplate lines, then the header lines that carry the
// title, author and date.
#include "ingest/text.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <unordered_set>
#include <vector>

#include "graph/normalize.h"
#include "ingest/values.h"

namespace kg::ingest {

namespace {

std::string Trim(std::string_view s);

size_t Words(std::string_view s) {
  size_t n = 0;
  bool in = false;
  for (char c : s) {
    bool sp = c == ' ';
    if (!sp && !in) ++n;
    in = !sp;
  }
  return n;
}

// "Headline | Site" and "Headline - Site": a page title names its site; the
// headline is the longest part when parts are separated by " | ", and the
// part before a short trailing " - Site" / " – Site" / " — Site".
std::string WithoutSiteName(const std::string& title) {
  if (title.find(" | ") != std::string::npos) {
    std::string best;
    size_t from = 0;
    while (true) {
      size_t bar = title.find(" | ", from);
      std::string part = Trim(title.substr(from, bar == std::string::npos ? std::string::npos : bar - from));
      if (part.size() > best.size()) best = part;
      if (bar == std::string::npos) break;
      from = bar + 3;
    }
    return best;
  }
  for (const char* dash : {" - ", " \xE2\x80\x93 ", " \xE2\x80\x94 "}) {
    size_t at = title.rfind(dash);
    if (at == std::string::npos) continue;
    std::string head = title.substr(0, at), tail = title.substr(at + std::char_traits<char>::length(dash));
    if (Words(tail) <= 3 && Words(head) >= 4) return Trim(head);
  }
  return title;
}

std::string_view TrimView(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Link text is marked while markup is stripped (private-use characters,
// which no article holds): the lines that are mostly links ("Topics: Nvidia
// Intel", "Related: [..](..) · [..](..)") are navigation, not text. The
// marks go when the lines are cut.
constexpr std::string_view kLinkOpen = "\xEE\x80\x80";   // U+E000
constexpr std::string_view kLinkClose = "\xEE\x80\x81";  // U+E001

// Whether a link mark (kLinkOpen or kLinkClose, of one size) starts at `i` of `s`.
bool LinkMarkAt(std::string_view s, size_t i) {
  return s.compare(i, kLinkOpen.size(), kLinkOpen) == 0 || s.compare(i, kLinkClose.size(), kLinkClose) == 0;
}

// `s` without the link marks.
std::string WithoutLinkMarks(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (LinkMarkAt(s, i)) {
      i += kLinkOpen.size();
      continue;
    }
    out += s[i++];
  }
  return out;
}

// A thematic break ("---", "***", "* * *", "___"): three or more of one of
// these characters, spaces between them allowed.
bool IsThematicBreak(std::string_view line) {
  char mark = 0;
  int n = 0;
  for (char c : line) {
    if (c == ' ') continue;
    if (c != '-' && c != '*' && c != '_') return false;
    if (mark != 0 && c != mark) return false;
    mark = c;
    ++n;
  }
  return n >= 3;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
  out.append(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
}

struct NamedEntity {
  const char* name;
  uint32_t cp;
};
// The named character references of HTML 4 (Latin-1, symbols, special)
// and XML's "apos", sorted by name for a binary search.
constexpr NamedEntity kEntities[] = {
    {"AElig", 0xC6}, {"Aacute", 0xC1}, {"Acirc", 0xC2}, {"Agrave", 0xC0}, {"Alpha", 0x391},
    {"Aring", 0xC5}, {"Atilde", 0xC3}, {"Auml", 0xC4}, {"Beta", 0x392}, {"Ccedil", 0xC7},
    {"Chi", 0x3A7}, {"Dagger", 0x2021}, {"Delta", 0x394}, {"ETH", 0xD0}, {"Eacute", 0xC9},
    {"Ecirc", 0xCA}, {"Egrave", 0xC8}, {"Epsilon", 0x395}, {"Eta", 0x397}, {"Euml", 0xCB},
    {"Gamma", 0x393}, {"Iacute", 0xCD}, {"Icirc", 0xCE}, {"Igrave", 0xCC}, {"Iota", 0x399},
    {"Iuml", 0xCF}, {"Kappa", 0x39A}, {"Lambda", 0x39B}, {"Mu", 0x39C}, {"Ntilde", 0xD1},
    {"Nu", 0x39D}, {"OElig", 0x152}, {"Oacute", 0xD3}, {"Ocirc", 0xD4}, {"Ograve", 0xD2},
    {"Omega", 0x3A9}, {"Omicron", 0x39F}, {"Oslash", 0xD8}, {"Otilde", 0xD5}, {"Ouml", 0xD6},
    {"Phi", 0x3A6}, {"Pi", 0x3A0}, {"Prime", 0x2033}, {"Psi", 0x3A8}, {"Rho", 0x3A1},
    {"Scaron", 0x160}, {"Sigma", 0x3A3}, {"THORN", 0xDE}, {"Tau", 0x3A4}, {"Theta", 0x398},
    {"Uacute", 0xDA}, {"Ucirc", 0xDB}, {"Ugrave", 0xD9}, {"Upsilon", 0x3A5}, {"Uuml", 0xDC},
    {"Xi", 0x39E}, {"Yacute", 0xDD}, {"Yuml", 0x178}, {"Zeta", 0x396}, {"aacute", 0xE1},
    {"acirc", 0xE2}, {"acute", 0xB4}, {"aelig", 0xE6}, {"agrave", 0xE0}, {"alefsym", 0x2135},
    {"alpha", 0x3B1}, {"amp", 0x26}, {"and", 0x2227}, {"ang", 0x2220}, {"apos", 0x27}, {"aring", 0xE5},
    {"asymp", 0x2248}, {"atilde", 0xE3}, {"auml", 0xE4}, {"bdquo", 0x201E}, {"beta", 0x3B2},
    {"brvbar", 0xA6}, {"bull", 0x2022}, {"cap", 0x2229}, {"ccedil", 0xE7}, {"cedil", 0xB8},
    {"cent", 0xA2}, {"chi", 0x3C7}, {"circ", 0x2C6}, {"clubs", 0x2663}, {"cong", 0x2245},
    {"copy", 0xA9}, {"crarr", 0x21B5}, {"cup", 0x222A}, {"curren", 0xA4}, {"dArr", 0x21D3},
    {"dagger", 0x2020}, {"darr", 0x2193}, {"deg", 0xB0}, {"delta", 0x3B4}, {"diams", 0x2666},
    {"divide", 0xF7}, {"eacute", 0xE9}, {"ecirc", 0xEA}, {"egrave", 0xE8}, {"empty", 0x2205},
    {"emsp", 0x2003}, {"ensp", 0x2002}, {"epsilon", 0x3B5}, {"equiv", 0x2261}, {"eta", 0x3B7},
    {"eth", 0xF0}, {"euml", 0xEB}, {"euro", 0x20AC}, {"exist", 0x2203}, {"fnof", 0x192},
    {"forall", 0x2200}, {"frac12", 0xBD}, {"frac14", 0xBC}, {"frac34", 0xBE}, {"frasl", 0x2044},
    {"gamma", 0x3B3}, {"ge", 0x2265}, {"gt", 0x3E}, {"hArr", 0x21D4}, {"harr", 0x2194},
    {"hearts", 0x2665}, {"hellip", 0x2026}, {"iacute", 0xED}, {"icirc", 0xEE}, {"iexcl", 0xA1},
    {"igrave", 0xEC}, {"image", 0x2111}, {"infin", 0x221E}, {"int", 0x222B}, {"iota", 0x3B9},
    {"iquest", 0xBF}, {"isin", 0x2208}, {"iuml", 0xEF}, {"kappa", 0x3BA}, {"lArr", 0x21D0},
    {"lambda", 0x3BB}, {"lang", 0x2329}, {"laquo", 0xAB}, {"larr", 0x2190}, {"lceil", 0x2308},
    {"ldquo", 0x201C}, {"le", 0x2264}, {"lfloor", 0x230A}, {"lowast", 0x2217}, {"loz", 0x25CA},
    {"lrm", 0x200E}, {"lsaquo", 0x2039}, {"lsquo", 0x2018}, {"lt", 0x3C}, {"macr", 0xAF},
    {"mdash", 0x2014}, {"micro", 0xB5}, {"middot", 0xB7}, {"minus", 0x2212}, {"mu", 0x3BC},
    {"nabla", 0x2207}, {"nbsp", 0xA0}, {"ndash", 0x2013}, {"ne", 0x2260}, {"ni", 0x220B},
    {"not", 0xAC}, {"notin", 0x2209}, {"nsub", 0x2284}, {"ntilde", 0xF1}, {"nu", 0x3BD},
    {"oacute", 0xF3}, {"ocirc", 0xF4}, {"oelig", 0x153}, {"ograve", 0xF2}, {"oline", 0x203E},
    {"omega", 0x3C9}, {"omicron", 0x3BF}, {"oplus", 0x2295}, {"or", 0x2228}, {"ordf", 0xAA},
    {"ordm", 0xBA}, {"oslash", 0xF8}, {"otilde", 0xF5}, {"otimes", 0x2297}, {"ouml", 0xF6},
    {"para", 0xB6}, {"part", 0x2202}, {"permil", 0x2030}, {"perp", 0x22A5}, {"phi", 0x3C6},
    {"pi", 0x3C0}, {"piv", 0x3D6}, {"plusmn", 0xB1}, {"pound", 0xA3}, {"prime", 0x2032},
    {"prod", 0x220F}, {"prop", 0x221D}, {"psi", 0x3C8}, {"quot", 0x22}, {"rArr", 0x21D2},
    {"radic", 0x221A}, {"rang", 0x232A}, {"raquo", 0xBB}, {"rarr", 0x2192}, {"rceil", 0x2309},
    {"rdquo", 0x201D}, {"real", 0x211C}, {"reg", 0xAE}, {"rfloor", 0x230B}, {"rho", 0x3C1},
    {"rlm", 0x200F}, {"rsaquo", 0x203A}, {"rsquo", 0x2019}, {"sbquo", 0x201A}, {"scaron", 0x161},
    {"sdot", 0x22C5}, {"sect", 0xA7}, {"shy", 0xAD}, {"sigma", 0x3C3}, {"sigmaf", 0x3C2},
    {"sim", 0x223C}, {"spades", 0x2660}, {"sub", 0x2282}, {"sube", 0x2286}, {"sum", 0x2211},
    {"sup", 0x2283}, {"sup1", 0xB9}, {"sup2", 0xB2}, {"sup3", 0xB3}, {"supe", 0x2287},
    {"szlig", 0xDF}, {"tau", 0x3C4}, {"there4", 0x2234}, {"theta", 0x3B8}, {"thetasym", 0x3D1},
    {"thinsp", 0x2009}, {"thorn", 0xFE}, {"tilde", 0x2DC}, {"times", 0xD7}, {"trade", 0x2122},
    {"uArr", 0x21D1}, {"uacute", 0xFA}, {"uarr", 0x2191}, {"ucirc", 0xFB}, {"ugrave", 0xF9},
    {"uml", 0xA8}, {"upsih", 0x3D2}, {"upsilon", 0x3C5}, {"uuml", 0xFC}, {"weierp", 0x2118},
    {"xi", 0x3BE}, {"yacute", 0xFD}, {"yen", 0xA5}, {"yuml", 0xFF}, {"zeta", 0x3B6},
    {"zwj", 0x200D}, {"zwnj", 0x200C},
};

std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += '&';
      continue;
    }
    std::string_view name = s.substr(i + 1, semi - i - 1);
    uint32_t cp = 0;
    if (!name.empty() && name[0] == '#') {
      std::string num(name.substr(1));
      char* endp = nullptr;
      if (!num.empty() && (num[0] == 'x' || num[0] == 'X'))
        cp = static_cast<uint32_t>(std::strtoul(num.c_str() + 1, &endp, 16));
      else
        cp = static_cast<uint32_t>(std::strtoul(num.c_str(), &endp, 10));
      if (!utf8proc_codepoint_valid(static_cast<utf8proc_int32_t>(cp))) cp = 0;
    } else {
      auto it = std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                                 [](const NamedEntity& e, std::string_view n) { return std::string_view(e.name) < n; });
      if (it != std::end(kEntities) && name == it->name) cp = it->cp;
    }
    if (cp == 0) {
      out += '&';
      continue;
    }
    AppendUtf8(out, cp);
    i = semi;
  }
  return out;
}

// The value of attribute `attr` in the tag text `tag` ("<meta name=... >").
std::string Attribute(std::string_view tag, std::string_view attr) {
  std::string low = Lower(tag);
  std::string key = std::string(attr) + "=";
  size_t p = low.find(key);
  while (p != std::string::npos && p > 0 && !std::isspace(static_cast<unsigned char>(low[p - 1])))
    p = low.find(key, p + 1);
  if (p == std::string::npos) return "";
  p += key.size();
  if (p >= tag.size()) return "";
  char q = tag[p];
  if (q == '"' || q == '\'') {
    size_t e = tag.find(q, p + 1);
    if (e == std::string_view::npos) return "";
    return std::string(tag.substr(p + 1, e - p - 1));
  }
  size_t e = p;
  while (e < tag.size() && !std::isspace(static_cast<unsigned char>(tag[e])) && tag[e] != '>') ++e;
  return std::string(tag.substr(p, e - p));
}

struct HtmlResult {
  std::string text;
  std::string title, date, author;
};

// True when the class or id of `tag` holds one of `words` as a part (the
// parts split at spaces, '-' and '_': "cookie-banner", "article-tags").
bool HasBoilerplateClass(std::string_view tag, const std::unordered_set<std::string>& words) {
  if (words.empty()) return false;
  for (const char* attr : {"class", "id"}) {
    std::string value = Lower(Attribute(tag, attr));
    size_t b = 0;
    for (size_t i = 0; i <= value.size(); ++i) {
      if (i < value.size() && value[i] != ' ' && value[i] != '-' && value[i] != '_') continue;
      if (i > b && words.count(value.substr(b, i - b))) return true;
      b = i + 1;
    }
  }
  return false;
}

// Where the element `name` opened before `from` ends: just past its closing
// tag, nested elements of the same name counted (html.size() when it does
// not close).
size_t ElementEnd(std::string_view html, size_t from, const std::string& name) {
  size_t depth = 1;
  for (size_t k = html.find('<', from); k != std::string_view::npos; k = html.find('<', k + 1)) {
    bool closing = k + 1 < html.size() && html[k + 1] == '/';
    size_t n = k + (closing ? 2 : 1);
    if (n + name.size() > html.size() || Lower(html.substr(n, name.size())) != name) continue;
    size_t after = n + name.size();
    if (after < html.size() && std::isalnum(static_cast<unsigned char>(html[after]))) continue;
    size_t gt = html.find('>', after);
    if (gt == std::string_view::npos) return html.size();
    if (!closing) {
      if (html[gt - 1] != '/') ++depth;
      continue;
    }
    if (--depth == 0) return gt + 1;
  }
  return html.size();
}

// Whether `html` reads like an article: much text, or two paragraphs
// (runs of text between tags) of 200 bytes or more.
bool HoldsArticleText(std::string_view html, size_t max_text) {
  size_t n = 0, run = 0, long_runs = 0;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') {
      long_runs += run >= 200;
      run = 0;
      in_tag = true;
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      ++run;
      n += c != ' ' && c != '\n';
    }
  }
  long_runs += run >= 200;
  return n > max_text || long_runs >= 2;
}

// Removes tags; block-level tags become line breaks; script, style, nav,
// header, footer, aside and form contents are dropped, and so are the
// elements whose class or id names boilerplate (`classes`: cookie banners,
// newsletter boxes, tag lists) unless they hold an article's text. Link text is
// marked (kLinkOpen, kLinkClose); <hr> becomes a "---" line.
HtmlResult StripHtml(std::string_view html, const std::unordered_set<std::string>& classes) {
  // An element dropped by its class holds at most this much text, and at
  // most one long paragraph: more is the article itself ("<div
  // class='entry social-share'>").
  constexpr size_t kMaxDroppedText = 1500;
  static const char* kDrop[] = {"script", "style", "nav", "footer", "aside", "form",
                                "noscript", "svg", "button", "header"};
  static const char* kBlock[] = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                                 "tr", "section", "article", "blockquote", "ul", "ol", "table",
                                 "title", "hr", "figcaption", "main"};
  HtmlResult r;
  std::string out;
  size_t i = 0;
  bool in_title = false;
  std::string title;
  while (i < html.size()) {
    char c = html[i];
    if (c != '<') {
      if (in_title) {  // the page title goes in once, without its site name
        title += c;
        ++i;
        continue;
      }
      out += c;
      ++i;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      size_t e = html.find("-->", i + 4);
      i = e == std::string_view::npos ? html.size() : e + 3;
      continue;
    }
    size_t e = html.find('>', i);
    if (e == std::string_view::npos) break;
    std::string_view tag = html.substr(i, e - i + 1);
    i = e + 1;
    bool closing = tag.size() > 1 && tag[1] == '/';
    size_t nb = closing ? 2 : 1;
    size_t ne = nb;
    while (ne < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[ne])))) ++ne;
    std::string name = Lower(tag.substr(nb, ne - nb));
    if (name == "meta") {
      std::string key = Lower(Attribute(tag, "property") + Attribute(tag, "name") +
                              Attribute(tag, "itemprop"));
      std::string content = Attribute(tag, "content");
      if (r.date.empty() && (key.find("published") != std::string::npos || key == "date" ||
                             key.find("datepublished") != std::string::npos ||
                             key == "dc.date"))
        r.date = content;
      if (r.author.empty() && key.find("author") != std::string::npos) r.author = content;
      if (r.title.empty() && key == "og:title") r.title = content;
      continue;
    }
    if (name == "time" && r.date.empty()) r.date = Attribute(tag, "datetime");
    if (name == "a") {
      out += closing ? kLinkClose : kLinkOpen;
      continue;
    }
    if (name == "hr") {
      out += "\n---\n";
      continue;
    }
    if (!closing && !name.empty() && tag.size() >= 2 && tag[tag.size() - 2] != '/' && name != "article" &&
        name != "main" && name != "body" && name != "html" && HasBoilerplateClass(tag, classes)) {
      size_t end = ElementEnd(html, i, name);
      if (!HoldsArticleText(html.substr(i, end - i), kMaxDroppedText)) {
        i = end;
        out += '\n';
        continue;
      }
    }
    if (name == "title") {
      in_title = !closing;
      if (closing && r.title.empty()) {
        r.title = Trim(title);
        out += "\n" + WithoutSiteName(r.title) + "\n";
      }
      out += '\n';
      continue;
    }
    if (!closing && std::find_if(std::begin(kDrop), std::end(kDrop),
                                 [&](const char* d) { return name == d; }) != std::end(kDrop)) {
      std::string close = "</" + name;
      // Case-insensitive search for the closing tag.
      size_t found = std::string_view::npos;
      for (size_t k = i; k + close.size() <= html.size(); ++k) {
        if (html[k] == '<' && Lower(html.substr(k, close.size())) == close) {
          found = k;
          break;
        }
      }
      if (found == std::string_view::npos) {
        i = html.size();
      } else {
        size_t gt = html.find('>', found);
        i = gt == std::string_view::npos ? html.size() : gt + 1;
      }
      out += '\n';
      continue;
    }
    if (std::find_if(std::begin(kBlock), std::end(kBlock),
                     [&](const char* d) { return name == d; }) != std::end(kBlock))
      out += '\n';
  }
  r.text = DecodeEntities(out);
  r.title = DecodeEntities(r.title);
  r.author = DecodeEntities(r.author);
  return r;
}

// Removes Markdown markup from one line; returns the heading level (0 when
// the line is not a heading).
int StripMarkdownLine(std::string& line) {
  int level = 0;
  std::string t = Trim(line);
  while (level < (int)t.size() && t[level] == '#') ++level;
  if (level > 0 && level < (int)t.size() && t[level] == ' ')
    t = Trim(t.substr(level));
  else
    level = 0;
  if (t.rfind("> ", 0) == 0) t = t.substr(2);
  if (level == 0 && IsThematicBreak(t)) {  // kept as "---": Clean reads the breaks
    line = "---";
    return 0;
  }
  if (t.rfind("- ", 0) == 0 || t.rfind("* ", 0) == 0 || t.rfind("+ ", 0) == 0) t = t.substr(2);
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '!' && i + 1 < t.size() && t[i + 1] == '[') {
      size_t close = t.find("](", i);
      size_t end = close == std::string::npos ? std::string::npos : t.find(')', close);
      if (end != std::string::npos) {
        i = end;
        continue;
      }
    }
    if (c == '[') {
      size_t close = t.find("](", i);
      size_t end = close == std::string::npos ? std::string::npos : t.find(')', close);
      if (end != std::string::npos) {
        out += kLinkOpen;
        out += t.substr(i + 1, close - i - 1);
        out += kLinkClose;
        i = end;
        continue;
      }
    }
    if (c == '*' || c == '`' || (c == '_' && (i + 1 < t.size() && t[i + 1] == '_'))) {
      if (c == '_') ++i;
      continue;
    }
    out += c;
  }
  line = out;
  return level;
}

bool IsBullet(std::string_view line) {
  return line.rfind("\xE2\x80\xA2", 0) == 0 || line.rfind("- ", 0) == 0 ||
         line.rfind("* ", 0) == 0 || line.rfind("\xC2\xB7", 0) == 0;
}

}  // namespace

Format GuessFormat(const std::string& path, std::string_view raw) {
  std::string low = Lower(path);
  auto ends = [&](const char* suffix) {
    std::string s(suffix);
    return low.size() >= s.size() && low.compare(low.size() - s.size(), s.size(), s) == 0;
  };
  if (ends(".html") || ends(".htm") || ends(".xhtml")) return Format::kHtml;
  if (ends(".md") || ends(".markdown")) return Format::kMarkdown;
  std::string head = Lower(raw.substr(0, 512));
  if (head.find("<!doctype html") != std::string::npos || head.find("<html") != std::string::npos)
    return Format::kHtml;
  return Format::kText;
}

namespace {

// The first index from `i` on whose byte is not printable ASCII (0x20..0x7F);
// `n` when there is none. Eight bytes at a time.
size_t PrintableAsciiEnd(const char* d, size_t i, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  while (i + 8 <= n) {
    uint64_t w;
    std::memcpy(&w, d + i, 8);
    // A byte with the high bit set, or (high bit clear) below 0x20.
    if ((w & kHigh) || ((w - kOnes * 0x20) & ~w & kHigh)) break;
    i += 8;
  }
  while (i < n && static_cast<unsigned char>(d[i]) >= 0x20 && static_cast<unsigned char>(d[i]) < 0x80) ++i;
  return i;
}

// Whether two spaces stand in a row in `s`. Eight bytes at a time where
// bytes are in little-endian order in a word.
bool HasSpacePair(std::string_view s) {
  const char* d = s.data();
  const size_t n = s.size();
  size_t i = 0;
  uint64_t carry = 0;  // 1 when the byte before d[i] is a space
  if constexpr (std::endian::native == std::endian::little) {
    constexpr uint64_t kSpaces = 0x2020202020202020ULL, kLow7 = 0x7F7F7F7F7F7F7F7FULL;
    for (; i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, d + i, 8);
      const uint64_t x = w ^ kSpaces;  // a zero byte for each space
      // The low bit of each byte that was a space (exact: no borrow
      // crosses bytes).
      const uint64_t spaces = ~(((x & kLow7) + kLow7) | x | kLow7) >> 7;
      if ((spaces & (spaces >> 8)) || (carry & spaces)) return true;
      carry = spaces >> 56;
    }
  }
  for (; i < n; ++i) {
    const uint64_t space = d[i] == ' ';
    if (space & carry) return true;
    carry = space;
  }
  return false;
}

// True when `text` is valid UTF-8 (as utf8proc_iterate decodes it: the same
// answer as graph::IsValidUtf8, without decoding the ASCII bytes).
bool ValidUtf8(std::string_view text) {
  const char* d = text.data();
  const size_t n = text.size();
  size_t i = 0;
  while (true) {
    i = PrintableAsciiEnd(d, i, n);
    if (i >= n) return true;
    if (static_cast<unsigned char>(d[i]) < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t cp;
    auto len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(d + i),
                                static_cast<utf8proc_ssize_t>(n - i), &cp);
    if (len <= 0) return false;
    i += static_cast<size_t>(len);
  }
}

// True when NFC leaves `text` as it is, decided per character (a quick check
// that may answer false for text already in NFC): valid UTF-8 without NUL
// (utf8proc_NFC stops at the first), every character either below U+0300
// (where no character decomposes, combines or is a combining mark) or of
// combining class 0, not a mark, without canonical decomposition, not
// excluded from composition and not a Hangul jamo, so that it neither
// changes nor composes with the character before it.
bool IsNfcQuick(std::string_view text) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    if (*p >= 0x20 && *p < 0x80) {
      size_t at = static_cast<size_t>(reinterpret_cast<const char*>(p) - text.data());
      size_t skip = PrintableAsciiEnd(text.data(), at, text.size()) - at;
      p += skip;
      left -= static_cast<utf8proc_ssize_t>(skip);
      continue;
    }
    if (*p < 0x80) {
      if (*p == 0) return false;
      ++p;
      --left;
      continue;
    }
    utf8proc_int32_t cp;
    auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return false;
    p += n;
    left -= n;
    if (cp < 0x300) continue;
    if (cp >= 0x1100 && cp <= 0x11FF) return false;  // Hangul jamo compose algorithmically
    if (cp >= 0xAC00 && cp <= 0xD7A3) return false;  // Hangul syllables
    const utf8proc_property_t* prop = utf8proc_get_property(cp);
    if (prop->combining_class != 0 || prop->comp_exclusion) return false;
    if (prop->category == UTF8PROC_CATEGORY_MN || prop->category == UTF8PROC_CATEGORY_MC ||
        prop->category == UTF8PROC_CATEGORY_ME)
      return false;
    if (prop->decomp_seqindex != UINT16_MAX && prop->decomp_type == 0) return false;  // canonical
  }
  return true;
}

}  // namespace

std::string NormalizeTypography(std::string_view text) {
  std::string nfc;
  if (!IsNfcQuick(text)) {
    utf8proc_uint8_t* mapped = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(
        std::string(text).c_str()));
    nfc = mapped ? reinterpret_cast<char*>(mapped) : std::string(text);
    std::free(mapped);
    text = nfc;
  }
  // Runs of bytes that stay as they are are copied whole; `run` is where the
  // current one starts.
  std::string out;
  out.reserve(text.size());
  const char* d = text.data();
  const size_t n = text.size();
  size_t run = 0, i = 0;
  auto replace = [&](size_t len, std::string_view with) {
    out.append(d + run, i - run);
    out.append(with);
    i += len;
    run = i;
  };
  while (true) {
    i = PrintableAsciiEnd(d, i, n);
    if (i >= n) break;
    auto c = static_cast<unsigned char>(d[i]);
    if (c < 0x80) {
      if (c == '\n') {
        ++i;
      } else if (c == '\r') {
        replace(1, i + 1 < n && d[i + 1] == '\n' ? "" : "\n");
      } else if (c == '\t' || c == '\f' || c == '\v') {
        replace(1, " ");
      } else {
        replace(1, "");  // other control characters
      }
      continue;
    }
    utf8proc_int32_t cp;
    auto len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(d + i),
                                static_cast<utf8proc_ssize_t>(n - i), &cp);
    if (len <= 0) {
      replace(1, "");  // a byte that is no UTF-8
      continue;
    }
    const auto size = static_cast<size_t>(len);
    switch (cp) {
      case 0x2019: case 0x2018: case 0x02BC: case 0x2032: case 0x00B4: case 0x201B:
        replace(size, "'");
        break;
      case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033:
        replace(size, "\"");
        break;
      case 0x00A0: case 0x202F: case 0x2009: case 0x2007: case 0x2002: case 0x2003:
      case 0x2008: case 0x200A: case 0x3000:
        replace(size, " ");
        break;
      case 0x200B: case 0x200C: case 0x200D: case 0xFEFF: case 0x00AD:
        replace(size, "");
        break;
      case 0x2028: case 0x2029:
        replace(size, "\n");
        break;
      default:
        i += size;
    }
  }
  out.append(d + run, n - run);
  return out;
}


size_t WordLength(std::string_view text) {
  // Per byte: 1 for an ASCII letter or digit, 0 for another ASCII byte, 2
  // for a byte of a longer character. One load per byte tells the first
  // (WordLength 13.2M -> 8.2M instructions self on 300 bench articles,
  // callgrind).
  static constexpr auto kClass = [] {
    std::array<unsigned char, 256> t{};
    for (int c = 0; c < 256; ++c)
      t[c] = c >= 0x80 ? 2 : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ? 1 : 0;
    return t;
  }();
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char k = kClass[static_cast<unsigned char>(text[i])];
    if (k == 1) {
      ++i;
      continue;
    }
    if (k == 0) break;
    utf8proc_int32_t cp;
    auto len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                                static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
    if (len <= 0 || !IsWordCodepoint(cp)) break;
    i += static_cast<size_t>(len);
  }
  return i;
}

size_t SkipLength(std::string_view text) {
  if (static_cast<unsigned char>(text[0]) < 0x80) return 1;
  utf8proc_int32_t cp;
  auto len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                              static_cast<utf8proc_ssize_t>(text.size()), &cp);
  return len > 0 ? static_cast<size_t>(len) : 1;
}

size_t CountCharacters(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

const std::string* WordAt(std::string_view text, size_t at, const std::vector<std::string>& words) {
  if (at > text.size()) return nullptr;
  for (const auto& w : words)
    if (text.substr(at, w.size()) == w) return &w;
  return nullptr;
}

size_t CountWords(std::string_view text, size_t at_most) {
  size_t n = 0;
  while (!text.empty() && n < at_most) {
    size_t len = WordLength(text);
    if (len > 0) {
      ++n;
      text.remove_prefix(len);
    } else {
      text.remove_prefix(SkipLength(text));
    }
  }
  return n;
}

TextCleaner::TextCleaner(const Lexicon& lexicon) : dates_(std::make_unique<DateParser>(lexicon)) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_case_sensitive(false);
  lines_ = std::make_unique<RE2::Set>(opts, RE2::ANCHOR_BOTH);
  cuts_ = std::make_unique<RE2::Set>(opts, RE2::ANCHOR_BOTH);
  for (const auto& p : lexicon.boilerplate_lines) {
    std::string err;
    if (lines_->Add(p, &err) < 0) throw RuleError("lexicon/boilerplate.txt: bad pattern '" + p + "': " + err);
  }
  for (const auto& p : lexicon.boilerplate_cuts) {
    std::string err;
    if (cuts_->Add(p, &err) < 0) throw RuleError("lexicon/boilerplate.txt: bad pattern '" + p + "': " + err);
  }
  for (const auto& c : lexicon.boilerplate_classes) classes_.insert(Lower(c));
  lines_->Compile();
  cuts_->Compile();
  // "Par Marie Dupont": a line that opens with a word of
  // lexicon/byline_openers.txt names the author.
  author_line_ = std::make_unique<RE2>(
      "(?i)^(?:" + JoinAlternatives(lexicon.byline_openers, kMatchesNothing) + R"()\s+(\S.{0,60})$)", opts);
  if (!author_line_->ok()) throw RuleError("lexicon/byline_openers.txt: " + author_line_->error());
}

TextCleaner::~TextCleaner() = default;

Document TextCleaner::Clean(std::string_view raw, Format format, size_t max_bytes) const {
  if (raw.size() > max_bytes)
    throw IngestError("file too large (" + std::to_string(raw.size() >> 20) + " MB; limit " +
                      std::to_string(max_bytes >> 20) + " MB)");
  if (raw.find('\0') != std::string_view::npos) throw IngestError("binary file (contains NUL bytes)");
  if (!ValidUtf8(raw)) {
    // Locate the first invalid byte for the message.
    size_t at = 0;
    while (at < raw.size()) {
      utf8proc_int32_t cp;
      auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(raw.data() + at),
                                static_cast<utf8proc_ssize_t>(raw.size() - at), &cp);
      if (n <= 0) break;
      at += static_cast<size_t>(n);
    }
    throw IngestError("invalid UTF-8 at byte " + std::to_string(at));
  }
  std::string_view input = raw;
  if (input.rfind("\xEF\xBB\xBF", 0) == 0) input.remove_prefix(3);
  Document doc;
  std::string html_text;
  if (format == Format::kHtml) {
    auto h = StripHtml(input, classes_);
    html_text = std::move(h.text);
    input = html_text;
    if (!h.title.empty()) doc.title = WithoutSiteName(NormalizeTypography(Trim(h.title)));
    if (!h.author.empty()) doc.author = Trim(h.author);
    if (!h.date.empty()) {
      std::string d = dates_->Parse(h.date);
      if (d.empty() && h.date.size() >= 10 && h.date[4] == '-') d = h.date.substr(0, 10);
      if (!d.empty()) doc.published = d;
    }
  }
  const std::string body = NormalizeTypography(input);

  // Lines, trimmed, spaces collapsed, markup removed: one buffer that holds
  // them all (never longer than `body`), and each line's span in it.
  std::string line_text;
  line_text.reserve(body.size());
  std::vector<std::pair<size_t, size_t>> spans;
  // How much of each line is link text.
  struct LinkShare {
    size_t links = 0, inside = 0, outside = 0;  // links; letters in and out of them
  };
  std::vector<LinkShare> shares;
  for (size_t pos = 0; pos < body.size();) {
    size_t nl = body.find('\n', pos);
    size_t end = nl == std::string::npos ? body.size() : nl;
    std::string_view line(body.data() + pos, end - pos);
    pos = end + 1;
    std::string markdown;
    if (format == Format::kMarkdown) {
      markdown.assign(line);
      int level = StripMarkdownLine(markdown);
      if (level == 1 && !doc.title) doc.title = Trim(WithoutLinkMarks(markdown));
      line = markdown;
    }
    // The link marks go; what they held is counted.
    LinkShare share;
    std::string unmarked;
    if (line.find('\xEE') != std::string_view::npos) {
      bool in_link = false;
      for (size_t k = 0; k < line.size();) {
        if (LinkMarkAt(line, k)) {
          in_link = line[k + 2] == kLinkOpen[2];
          share.links += in_link;
          k += kLinkOpen.size();
          continue;
        }
        auto c = static_cast<unsigned char>(line[k]);
        if (std::isalnum(c) || c >= 0x80) (in_link ? share.inside : share.outside) += 1;
        unmarked += line[k++];
      }
      line = unmarked;
    }
    shares.push_back(share);
    // Each run of words goes in whole, after one space when spaces stood
    // before it and it is not the line's first: a line with no space at
    // either end and none after another is that already, and goes in at
    // once (TextCleaner::Clean 232K -> 158K instructions per bench article,
    // callgrind).
    const size_t begin = line_text.size();
    if (!line.empty() && line.front() != ' ' && line.back() != ' ' && !HasSpacePair(line)) {
      line_text.append(line);
      spans.emplace_back(begin, line_text.size());
      continue;
    }
    for (size_t k = 0; k < line.size();) {
      size_t a = k;
      while (a < line.size() && line[a] == ' ') ++a;
      if (a == line.size()) break;
      size_t b = line.find(' ', a);
      if (b == std::string_view::npos) b = line.size();
      if (a > k && line_text.size() > begin) line_text += ' ';
      line_text.append(line.substr(a, b - a));
      k = b;
    }
    spans.emplace_back(begin, line_text.size());
  }
  std::vector<std::string_view> lines;
  lines.reserve(spans.size());
  for (const auto& [b, e] : spans) lines.emplace_back(line_text.data() + b, e - b);

  // Boilerplate: drop matching lines; a "cut" line ends the article when no
  // long paragraph follows it.
  auto is_long = [](std::string_view l) { return l.size() >= 200; };
  // Navigation: a line that is links with little else ("Topics: Nvidia
  // Intel", "Related: A · B", a lone link), and what follows the last
  // thematic break when every line after it is a third links at least.
  auto is_links = [&](size_t i) {
    const LinkShare& sh = shares[i];
    return (sh.links >= 2 && sh.outside * 2 <= sh.inside) || (sh.links == 1 && sh.outside * 10 <= sh.inside);
  };
  size_t tail = lines.size();
  for (size_t i = lines.size(); i-- > 0;) {
    if (IsThematicBreak(lines[i])) {
      bool links_only = true, any = false;
      for (size_t k = i + 1; k < lines.size() && links_only; ++k) {
        if (lines[k].empty()) continue;
        any = true;
        // Links make a third of its letters at least.
        links_only = shares[k].links > 0 && !is_long(lines[k]) && shares[k].outside <= 2 * shares[k].inside;
      }
      if (any && links_only) tail = i;
      break;
    }
    if (is_long(lines[i])) break;
  }
  std::vector<std::string_view> kept;
  kept.reserve(lines.size());
  for (size_t i = 0; i < tail; ++i) {
    std::string_view t = lines[i];
    if (IsThematicBreak(t) || is_links(i)) continue;
    std::string_view bare = t;
    if (IsBullet(bare)) bare = TrimView(bare.substr(bare[0] == '-' || bare[0] == '*' ? 1 : bare.rfind("\xE2\x80\xA2", 0) == 0 ? 3 : 2));
    if (!bare.empty() && cuts_->Match(bare, nullptr)) {
      bool later_long = std::any_of(lines.begin() + static_cast<std::ptrdiff_t>(i) + 1, lines.end(), is_long);
      if (!later_long) break;
      continue;
    }
    if (!bare.empty() && lines_->Match(bare, nullptr)) continue;
    kept.push_back(t);
  }
  // A heading left at the end with no text after it ("Get the Daily", the
  // title of a box whose text went): short, and no sentence ends it.
  if (std::any_of(kept.begin(), kept.end(), is_long)) {
    auto ends_sentence = [](std::string_view l) {
      char last = l.back();
      return last == '.' || last == '!' || last == '?' || last == '"' || last == ')' ||
             (l.size() >= 2 && l.compare(l.size() - 2, 2, "\xC2\xBB") == 0);  // »
    };
    while (!kept.empty() && !is_long(kept.back()) && (kept.back().empty() || (CountWords(kept.back(), 9) <= 8 && !ends_sentence(kept.back()))))
      kept.pop_back();
  }
  // Header: the lines before the first long paragraph may state the title,
  // author and date.
  size_t first_long = 0;
  while (first_long < kept.size() && !is_long(kept[first_long])) ++first_long;
  if (first_long == kept.size()) first_long = 0;  // no long paragraph: no header
  std::vector<std::string_view> out_lines;
  out_lines.reserve(kept.size());
  bool title_line_kept = false;
  for (size_t i = 0; i < kept.size(); ++i) {
    std::string_view line = kept[i];
    if (i < first_long) {
      bool bullet = IsBullet(line);
      std::string_view bare = bullet ? TrimView(line.substr(line.rfind("\xE2\x80\xA2", 0) == 0 ? 3 : 2)) : line;
      if (bare.empty()) continue;
      std::string m;
      if (!doc.published) {
        std::string d = dates_->Parse(bare);
        if (!d.empty() && bare.size() < 60) {
          doc.published = d;
          continue;
        }
      }
      if (RE2::FullMatch(bare, *author_line_, &m)) {
        if (!doc.author) doc.author = Trim(m);
        continue;
      }
      if (bullet) {
        // "• francknegro1900": a lone word in the header is the author.
        if (bare.find(' ') == std::string::npos && !doc.author &&
            std::none_of(bare.begin(), bare.end(), [](char c) { return c == '.'; }))
          doc.author = std::string(bare);
        continue;
      }
      if (!doc.title && bare.size() < 200) {
        doc.title = std::string(bare);
        if (!title_line_kept) {
          out_lines.push_back(bare);
          title_line_kept = true;
        }
        continue;
      }
      if (doc.title && bare == *doc.title) {  // the headline once (<title> and <h1>)
        if (!title_line_kept) out_lines.push_back(bare);
        title_line_kept = true;
        continue;
      }
      // A short header line that is neither title nor metadata: keep it.
      if (bare.size() > 40) out_lines.push_back(bare);
      continue;
    }
    out_lines.push_back(line);
  }
  // Join hard-wrapped lines (a line continuing in lower case) and separate
  // paragraphs with one newline.
  std::string text;
  text.reserve(line_text.size() + out_lines.size());
  for (size_t i = 0; i < out_lines.size(); ++i) {
    std::string_view l = out_lines[i];
    if (l.empty()) continue;
    if (!text.empty()) {
      unsigned char f = static_cast<unsigned char>(l[0]);
      char last = text[text.size() - 2 < text.size() ? text.size() - 2 : 0];
      bool prev_unfinished = last != '.' && last != '!' && last != '?' && last != ':' &&
                             last != '"' && static_cast<unsigned char>(last) < 0x80;
      if (prev_unfinished && f >= 'a' && f <= 'z' && text.size() > 61) {
        text.back() = ' ';
      }
    }
    text += l;
    text += '\n';
  }
  while (!text.empty() && text.back() == '\n') text.pop_back();
  if (TrimView(text).empty()) throw IngestError("empty document (no text after cleaning)");
  doc.text = std::move(text);
  return doc;
}

}  // namespace kg::ingest
