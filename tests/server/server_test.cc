// Tests of `veille serve`: a server started in-process on an ephemeral port
// over a small archive built here, queried with httplib::Client and, for
// requests a well-behaved client would not send, with a raw socket.
#define CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#include "veille/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "veille/archive.h"
#include "veille/archive_queries.h"
#include "veille/hash.h"
#include "veille/query.h"

namespace veille {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kSecret = "TOP-SECRET-OUTSIDE-WEB-DIR";

Article Make(const std::string& id, const std::string& title, const std::string& text,
             const std::string& lang, const std::optional<std::string>& date,
             const std::optional<std::string>& outlet) {
  Article a;
  a.raw.id = id;
  a.raw.source = id + ".txt";
  a.raw.source_group = "g";
  a.raw.title = title;
  a.raw.text = text;
  a.clean.text = text;
  a.analysis.language = lang;
  a.analysis.date = date;
  a.analysis.outlet = outlet;
  return a;
}

struct EntityAt {
  std::string text, type, role;
};
struct QuoteAt {
  std::string text, speaker, cue;
};

// Adds a mention for every occurrence of each entity's text and one quote
// per QuoteAt, at the byte offsets where their text occurs.
void Annotate(Article* a, const std::vector<EntityAt>& entities,
              const std::vector<QuoteAt>& quotes) {
  const std::string& t = a->clean.text;
  for (const auto& e : entities)
    for (size_t p = t.find(e.text); p != std::string::npos; p = t.find(e.text, p + 1))
      a->entities.push_back({e.text, e.type, static_cast<uint32_t>(p),
                             static_cast<uint32_t>(p + e.text.size()), e.text, e.role});
  std::sort(a->entities.begin(), a->entities.end(),
            [](const Mention& x, const Mention& y) { return x.begin < y.begin; });
  for (const auto& q : quotes) {
    size_t p = t.find(q.text);
    ASSERT_NE(p, std::string::npos) << q.text;
    QuoteSpan s;
    s.text = q.text;
    s.begin = static_cast<uint32_t>(p);
    s.end = static_cast<uint32_t>(p + q.text.size());
    s.speaker = q.speaker;
    s.speaker_mention = q.speaker;
    s.cue = q.cue;
    a->quotes.push_back(s);
  }
}

// Sends `request` as is and returns the whole response (the server closes
// the connection because the request asks it to, or on error).
std::string RawRequest(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may refuse early and close
    sent += static_cast<size_t>(n);
  }
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

// Percent-encodes everything but unreserved ASCII.
std::string Encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '*') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

int StatusOf(const std::string& response) {
  if (response.size() < 12 || !response.starts_with("HTTP/1.")) return 0;
  return std::atoi(response.c_str() + 9);
}

std::string BodyOf(const std::string& response) {
  size_t p = response.find("\r\n\r\n");
  return p == std::string::npos ? "" : response.substr(p + 4);
}

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("veille_server_" + std::to_string(getpid())));
    fs::create_directories(*root_ / "web" / "css");
    std::ofstream(*root_ / "web" / "index.html") << "<!doctype html><title>Veille</title>";
    std::ofstream(*root_ / "web" / "app.js") << "console.log('ui');";
    std::ofstream(*root_ / "web" / "css" / "site.css") << "body{}";
    std::ofstream(*root_ / "web" / ".hidden.txt") << kSecret;
    std::ofstream(*root_ / "secret.txt") << kSecret;
    std::ofstream(*root_ / "web" / "notes.bin") << kSecret;
    fs::create_symlink(*root_ / "secret.txt", *root_ / "web" / "link.txt");

    db_ = new std::string((*root_ / "s.db").string());
    auto archive = Archive::Open(*db_, OpenMode::kReadWrite);
    ASSERT_TRUE(archive.ok()) << archive.error().message;
    ASSERT_TRUE((*archive)->Begin().ok());
    std::vector<Article> articles = {
        Make("fr-1", "Grève des dockers à Sète",
             "Les dockers du port de Sète ont cessé le travail jeudi. La grève des dockers "
             "pourrait durer une semaine, selon le syndicat. « La grève continue », affirme "
             "Marie Lefort.",
             "fr", "2021-08-12", "Le Quai"),
        Make("fr-2", "Les dockers reprennent",
             "Après trois jours de grève, les dockers ont repris le travail. Le port <b>tourne</b> "
             "de nouveau & les navires repartent. « Nous avons obtenu des garanties », a "
             "déclaré Marie Lefort, secrétaire du syndicat.",
             "fr", "2021-09-02", "La Vigie"),
        Make("fr-3", "Marché du poisson", "Le marché du poisson de Sète ouvre plus tôt cet été.",
             "fr", "2021", "Le Quai"),
        Make("en-1", "Dockers strike in Sète",
             "Dockers in the port of Sète walked out on Thursday; the strike could last a week.",
             "en", "2021-08-13", "Harbour News"),
    };
    // Entities and quotes as the extraction stages would find them (offsets
    // are computed, so the text can change without breaking them).
    Annotate(&articles[0], {{"Sète", "LOC", ""}, {"Marie Lefort", "PER", ""}},
             {{"La grève continue", "Marie Lefort", "affirme"}});
    Annotate(&articles[1], {{"Marie Lefort", "PER", "secrétaire du syndicat"}},
             {{"Nous avons obtenu des garanties", "Marie Lefort", "a déclaré"}});
    Annotate(&articles[2], {{"Sète", "LOC", ""}}, {});
    Annotate(&articles[3], {{"Sète", "LOC", ""}}, {});
    // One strike at Sète, told by two outlets (as the events stage reports it).
    for (int i : {0, 3}) {
      EventSpan e;
      e.action = "strike";
      e.place = "Sète";
      e.date = articles[i].analysis.date.value_or("");
      e.date_source = "article";
      const std::string& t = articles[i].clean.text;
      e.sentence_begin = 0;
      e.sentence_end = static_cast<uint32_t>(t.find('.'));
      e.begin = static_cast<uint32_t>(i == 0 ? t.find("cessé") : t.find("walked out"));
      e.end = e.begin + (i == 0 ? 6 : 10);
      articles[i].events.push_back(e);
    }
    for (const auto& a : articles) ASSERT_TRUE((*archive)->Store(a, Hash64(a.clean.text), {}).ok());
    // A passage fr-1 (row 1) shares with fr-2 (row 2), as the reuse stage
    // would store it: "les dockers" / "les dockers".
    Archive::PassageRow passage;
    passage.a = 1;
    passage.b = 2;
    passage.a_begin = 0;
    passage.a_end = 11;
    passage.b_begin = 30;  // "Après trois jours de grève, " is 30 bytes
    passage.b_end = 41;
    passage.words = 2;
    passage.similarity = 1.0;
    passage.direction = 1;
    ASSERT_TRUE((*archive)->AddPassage(passage).ok());
    ASSERT_TRUE((*archive)->Commit().ok());
    archive->reset();

    log_ = new std::vector<std::string>;
    ServerOptions o;
    o.db = *db_;
    o.port = 0;
    o.threads = 4;
    o.web_dir = (*root_ / "web").string();
    o.log = [](std::string_view line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_->emplace_back(line);
    };
    auto s = Server::Start(o);
    ASSERT_TRUE(s.ok()) << s.error().message;
    server_ = s->release();
  }

  static void TearDownTestSuite() {
    delete server_;
    fs::remove_all(*root_);
    delete root_;
    delete db_;
    delete log_;
  }

  static int port() { return server_->port(); }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", port());
    c.set_read_timeout(10, 0);
    return c;
  }

  // GET `path` (already URL-encoded) and parse the JSON body.
  std::pair<int, json> GetJson(const std::string& path) {
    auto c = Client();
    c.set_url_encode(false);
    auto res = c.Get(path);
    if (!res) return {0, json()};
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8") << path;
    return {res->status, json::parse(res->body, nullptr, false)};
  }

  void ExpectError(const std::string& path, int status, const std::string& message_part) {
    auto [code, j] = GetJson(path);
    EXPECT_EQ(code, status) << path;
    ASSERT_TRUE(j.is_object()) << path;
    ASSERT_TRUE(j.contains("error")) << path << " " << j.dump();
    EXPECT_EQ(j["error"]["status"], status) << path;
    EXPECT_NE(j["error"]["message"].get<std::string>().find(message_part), std::string::npos)
        << path << ": " << j["error"]["message"];
  }

  static fs::path* root_;
  static std::string* db_;
  static Server* server_;
  static std::vector<std::string>* log_;
  static std::mutex log_mu_;
};

fs::path* ServerTest::root_ = nullptr;
std::string* ServerTest::db_ = nullptr;
Server* ServerTest::server_ = nullptr;
std::vector<std::string>* ServerTest::log_ = nullptr;
std::mutex ServerTest::log_mu_;

TEST_F(ServerTest, SearchReturnsHitsSnippetsAndFacets) {
  auto [code, j] = GetJson("/api/search?q=dockers");
  ASSERT_EQ(code, 200) << j.dump();
  EXPECT_EQ(j["query"], "dockers");
  EXPECT_EQ(j["page"], 1);
  EXPECT_EQ(j["page_size"], 10);
  ASSERT_EQ(j["total"], 3);  // fr-1, fr-2, en-1
  ASSERT_EQ(j["hits"].size(), 3u);
  std::set<std::string> ids;
  for (auto& h : j["hits"]) {
    ids.insert(h["id"].get<std::string>());
    for (const char* k :
         {"score", "title", "date", "outlet", "language", "snippet", "snippet_html"})
      EXPECT_TRUE(h.contains(k)) << k;
    EXPECT_NE(h["snippet_html"].get<std::string>().find("<mark>"), std::string::npos) << h.dump();
    EXPECT_NE(h["snippet"].get<std::string>().find("["), std::string::npos) << h.dump();
  }
  EXPECT_EQ(ids, (std::set<std::string>{"fr-1", "fr-2", "en-1"}));
  // Facets add up to the total and count what is stored.
  auto& f = j["facets"];
  uint64_t sum = 0;
  for (auto& v : f["language"]) sum += v["count"].get<uint64_t>();
  EXPECT_EQ(sum, 3u);
  EXPECT_EQ(f["language"][0]["value"], "fr");
  EXPECT_EQ(f["language"][0]["count"], 2);
  EXPECT_EQ(f["outlet"].size(), 3u);
  ASSERT_EQ(f["month"].size(), 2u);
  EXPECT_EQ(f["month"][0]["value"], "2021-08");
  EXPECT_EQ(f["month"][0]["count"], 2);
  EXPECT_EQ(f["month"][1]["value"], "2021-09");
  EXPECT_TRUE(f["entities"].is_array());
}

TEST_F(ServerTest, SearchFiltersPagingAndNoFacets) {
  auto [code, j] = GetJson("/api/search?q=dockers&lang=en");
  ASSERT_EQ(code, 200);
  ASSERT_EQ(j["total"], 1);
  EXPECT_EQ(j["hits"][0]["id"], "en-1");

  auto [c2, j2] = GetJson("/api/search?q=dockers&outlet=le%20quai&since=2021-08&until=2021-08-31");
  ASSERT_EQ(c2, 200);
  ASSERT_EQ(j2["total"], 1);
  EXPECT_EQ(j2["hits"][0]["id"], "fr-1");

  auto [c3, p1] = GetJson("/api/search?q=dockers&page_size=1&facets=0");
  auto [c4, p2] = GetJson("/api/search?q=dockers&page_size=1&page=2&facets=0");
  ASSERT_EQ(c3, 200);
  ASSERT_EQ(c4, 200);
  EXPECT_FALSE(p1.contains("facets"));
  EXPECT_EQ(p1["total"], 3);
  EXPECT_EQ(p2["total"], 3);
  ASSERT_EQ(p1["hits"].size(), 1u);
  ASSERT_EQ(p2["hits"].size(), 1u);
  EXPECT_NE(p1["hits"][0]["id"], p2["hits"][0]["id"]);

  auto [c5, none] = GetJson("/api/search?q=dockers&page=50");
  ASSERT_EQ(c5, 200);
  EXPECT_TRUE(none["hits"].empty());
}

TEST_F(ServerTest, EventsAndTimelines) {
  auto [code, j] = GetJson("/api/events");
  ASSERT_EQ(code, 200) << j.dump();
  ASSERT_EQ(j["events"].size(), 1u) << j.dump();
  const auto& e = j["events"][0];
  EXPECT_EQ(e["action"], "strike");
  EXPECT_EQ(e["place"], "Sète");
  EXPECT_EQ(e["reports"], 2);
  EXPECT_EQ(e["outlets"], 2);
  EXPECT_EQ(e["first"]["id"], "fr-1");
  EXPECT_EQ(e["date"], "2021-08-12");
  EXPECT_EQ(e["dates"].size(), 2u);  // the two reports disagree by a day
  ASSERT_EQ(e["sources"].size(), 2u);
  EXPECT_EQ(e["sources"][0]["sentence"], "Les dockers du port de Sète ont cessé le travail jeudi");
  auto [c2, by_entity] = GetJson("/api/timeline?entity=S%C3%A8te");
  ASSERT_EQ(c2, 200);
  EXPECT_EQ(by_entity["events"].size(), 1u);
  auto [c3, by_query] = GetJson("/api/timeline?q=dockers");
  ASSERT_EQ(c3, 200);
  EXPECT_EQ(by_query["events"].size(), 1u);
  auto [c4, none] = GetJson("/api/timeline?q=poisson");
  ASSERT_EQ(c4, 200);
  EXPECT_EQ(none["events"].size(), 0u);
  auto [c5, later] = GetJson("/api/events?since=2022");
  EXPECT_EQ(later["events"].size(), 0u);
  ExpectError("/api/timeline", 400, "one of them");
  ExpectError("/api/timeline?q=dockers&entity=S%C3%A8te", 400, "one of them");
  ExpectError("/api/events?limit=0", 400, "limit");
}

TEST_F(ServerTest, SnippetHtmlIsEscaped) {
  auto [code, j] = GetJson("/api/search?q=tourne");
  ASSERT_EQ(code, 200);
  ASSERT_EQ(j["total"], 1);
  std::string html = j["hits"][0]["snippet_html"];
  EXPECT_EQ(html.find("<b>"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;b&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("&amp;"), std::string::npos) << html;
  std::string plain = j["hits"][0]["snippet"];
  EXPECT_NE(plain.find("<b>"), std::string::npos) << plain;
}

TEST_F(ServerTest, ValidationErrors) {
  ExpectError("/api/search?q=x&color=red", 400, "unknown parameter 'color'; accepted: q, lang");
  ExpectError("/api/search?q=x&page_size=0", 400, "page_size");
  ExpectError("/api/search?q=x&page_size=1000", 400, "between 1 and 100");
  ExpectError("/api/search?q=x&page=1001", 400, "page");
  ExpectError("/api/search?q=x&page=-1", 400, "page");
  ExpectError("/api/search?q=x&page=abc", 400, "whole number");
  ExpectError("/api/search?q=x&page=1e3", 400, "whole number");
  ExpectError("/api/search?q=" + std::string(501, 'a'), 400, "too long");
  ExpectError("/api/search?q=x&since=2021-13", 400, "since");
  ExpectError("/api/search?q=x&until=yesterday", 400, "until");
  ExpectError("/api/search", 400, "missing parameter 'q'");
  ExpectError("/api/search?q=", 400, "empty");
  ExpectError("/api/search?q=a&q=b", 400, "more than once");
  ExpectError("/api/search?q=x&facets=2", 400, "facets");
  ExpectError("/api/search?q=%00x", 400, "control");
  ExpectError("/api/search?q=%ff%fe", 400, "UTF-8");
  ExpectError("/api/search?q=%22unbalanced", 400, "");
  ExpectError("/api/stats?verbose=1", 400, "takes no parameters");
  ExpectError("/api/entities?type=XYZ", 400, "PER LOC ORG");
  ExpectError("/api/speakers?top=501", 400, "top");
  // A query of exactly the cap is accepted.
  auto [code, j] = GetJson("/api/search?q=" + std::string(500, 'a'));
  EXPECT_EQ(code, 200) << j.dump();
}

TEST_F(ServerTest, ArticleAndStats) {
  auto [code, a] = GetJson("/api/articles/fr-1");
  ASSERT_EQ(code, 200);
  EXPECT_EQ(a["id"], "fr-1");
  EXPECT_EQ(a["title"], "Grève des dockers à Sète");
  EXPECT_EQ(a["outlet"], "Le Quai");
  EXPECT_TRUE(a["text"].get<std::string>().starts_with("Les dockers du port"));
  EXPECT_TRUE(a["removed"].is_array());
  EXPECT_TRUE(a["flags"].is_array());

  ExpectError("/api/articles/nope", 404, "nope");
  ExpectError("/api/articles/" + std::string(201, 'x'), 400, "invalid id");
  ExpectError("/api/articles/fr-1?x=1", 400, "unknown parameter");

  auto [c2, s] = GetJson("/api/stats");
  ASSERT_EQ(c2, 200);
  EXPECT_EQ(s["articles"], 4);
  EXPECT_EQ(s["languages"]["fr"], 3);
  EXPECT_EQ(s["outlets"]["Le Quai"], 2);
  EXPECT_EQ(s["first_date"], "2021-01-01");
  EXPECT_TRUE(s["available"]["entities"].get<bool>());
  EXPECT_TRUE(s["available"]["quotes"].get<bool>());
  EXPECT_TRUE(s["available"]["reuse"].get<bool>());
}

TEST_F(ServerTest, ArticleHasEntitiesAndQuotesAtTheirOffsets) {
  auto [code, a] = GetJson("/api/articles/fr-2");
  ASSERT_EQ(code, 200);
  const std::string text = a["text"];
  ASSERT_EQ(a["entities"].size(), 1u) << a.dump();
  for (auto& e : a["entities"]) {
    size_t b = e["start"], end = e["end"];
    ASSERT_LE(end, text.size());
    EXPECT_EQ(text.substr(b, end - b), e["text"].get<std::string>());
    EXPECT_EQ(e["type"], "PER");
    EXPECT_EQ(e["canonical"], "Marie Lefort");
    EXPECT_EQ(e["role"], "secrétaire du syndicat");
  }
  ASSERT_EQ(a["quotes"].size(), 1u);
  auto& q = a["quotes"][0];
  size_t b = q["start"], end = q["end"];
  ASSERT_LE(end, text.size());
  EXPECT_EQ(text.substr(b, end - b), "Nous avons obtenu des garanties");
  EXPECT_EQ(q["speaker"], "Marie Lefort");
  EXPECT_EQ(q["cue"], "a déclaré");

  auto [c2, plain] = GetJson("/api/articles/fr-3");
  ASSERT_EQ(c2, 200);
  EXPECT_TRUE(plain["quotes"].is_array());
  EXPECT_TRUE(plain["quotes"].empty());
}

TEST_F(ServerTest, ReuseGivesPassagesSideBySide) {
  auto [code, j] = GetJson("/api/reuse?article=fr-2");
  ASSERT_EQ(code, 200) << j.dump();
  ASSERT_EQ(j["total"], 1);
  const json& pair = j["pairs"][0];
  EXPECT_EQ(pair["a"], "fr-1");
  EXPECT_EQ(pair["b"], "fr-2");
  EXPECT_EQ(pair["first"], "a");
  EXPECT_EQ(pair["a_outlet"], "Le Quai");
  ASSERT_EQ(pair["passages"].size(), 1u);
  EXPECT_EQ(pair["passages"][0]["a_text"].get<std::string>(), "Les dockers");
  EXPECT_EQ(pair["passages"][0]["b_text"].get<std::string>(), "les dockers");
  auto [code2, by_outlet] = GetJson("/api/reuse?outlet=La%20Vigie");
  ASSERT_EQ(code2, 200);
  EXPECT_EQ(by_outlet["total"], 1);
  auto [code3, none] = GetJson("/api/reuse?article=en-1");
  ASSERT_EQ(code3, 200);
  EXPECT_EQ(none["total"], 0);
  ExpectError("/api/reuse", 400, "article");
  ExpectError("/api/reuse?who=x", 400, "accepted: article, outlet");
}

TEST_F(ServerTest, EntitiesList) {
  auto [code, j] = GetJson("/api/entities");
  ASSERT_EQ(code, 200) << j.dump();
  ASSERT_EQ(j["entities"].size(), 2u) << j.dump();
  // Most articles first: Sète (fr-1, fr-3, en-1), then Marie Lefort (fr-1, fr-2).
  EXPECT_EQ(j["entities"][0]["name"], "Sète");
  EXPECT_EQ(j["entities"][0]["type"], "LOC");
  EXPECT_EQ(j["entities"][0]["articles"], 3);
  EXPECT_EQ(j["entities"][0]["mentions"], 3);
  EXPECT_EQ(j["entities"][1]["name"], "Marie Lefort");
  EXPECT_EQ(j["entities"][1]["articles"], 2);

  auto [c2, per] = GetJson("/api/entities?type=PER&top=5");
  ASSERT_EQ(c2, 200);
  ASSERT_EQ(per["entities"].size(), 1u);
  EXPECT_EQ(per["entities"][0]["name"], "Marie Lefort");

  auto [c3, one] = GetJson("/api/entities?top=1");
  ASSERT_EQ(c3, 200);
  EXPECT_EQ(one["entities"].size(), 1u);

  // Dates are ranges: fr-1 (2021-08-12) and fr-3 ("2021") may be on or
  // before 2021-08-12; en-1 (2021-08-13) is not.
  auto [c4, aug] = GetJson("/api/entities?until=2021-08-12&type=LOC");
  ASSERT_EQ(c4, 200);
  ASSERT_EQ(aug["entities"].size(), 1u);
  EXPECT_EQ(aug["entities"][0]["articles"], 2);

  ExpectError("/api/entities?top=0", 400, "top");
  ExpectError("/api/entities?top=501", 400, "top");
  ExpectError("/api/entities?type=per", 400, "PER LOC ORG");
  ExpectError("/api/entities?since=2021-02-30", 400, "since");
  ExpectError("/api/entities?name=x", 400, "unknown parameter 'name'");
}

TEST_F(ServerTest, OneEntity) {
  auto [code, e] = GetJson("/api/entities/S%C3%A8te");
  ASSERT_EQ(code, 200) << e.dump();
  EXPECT_EQ(e["name"], "Sète");
  EXPECT_EQ(e["type"], "LOC");
  EXPECT_EQ(e["articles"], 3);
  EXPECT_EQ(e["mentions"], 3);
  EXPECT_EQ(e["types"]["LOC"], 3);
  EXPECT_EQ(e["types"]["PER"], 0);
  ASSERT_EQ(e["aliases"].size(), 1u);
  EXPECT_EQ(e["aliases"][0]["alias"], "Sète");
  EXPECT_EQ(e["aliases"][0]["mentions"], 3);
  EXPECT_EQ(e["first_date"], "2021");
  EXPECT_EQ(e["last_date"], "2021-08-13");
  // Mentions per month add up to the mentions of articles dated at least to
  // the month: the one dated "2021" is left out of the timeline.
  uint64_t sum = 0;
  std::string previous;
  for (auto& m : e["timeline"]) {
    std::string month = m["month"];
    EXPECT_EQ(month.size(), 7u) << month;
    EXPECT_GT(month, previous);
    previous = month;
    sum += m["mentions"].get<uint64_t>();
  }
  EXPECT_EQ(sum, 2u);
  ASSERT_EQ(e["cooccurring"].size(), 1u);
  EXPECT_EQ(e["cooccurring"][0]["name"], "Marie Lefort");
  EXPECT_EQ(e["cooccurring"][0]["articles"], 1);  // fr-1 only

  // Any spelling that folds to the same key finds it.
  auto [c2, folded] = GetJson("/api/entities/SETE");
  ASSERT_EQ(c2, 200);
  EXPECT_EQ(folded["name"], "Sète");

  auto [c3, person] = GetJson("/api/entities/Marie%20Lefort");
  ASSERT_EQ(c3, 200);
  ASSERT_EQ(person["roles"].size(), 1u);
  EXPECT_EQ(person["roles"][0]["role"], "secrétaire du syndicat");

  ExpectError("/api/entities/Atlantide", 404, "Atlantide");
  ExpectError("/api/entities/S%C3%A8te?x=1", 400, "takes no parameters");
  ExpectError("/api/entities/" + std::string(201, 'x'), 400, "invalid id");
  ExpectError("/api/entities/%ff", 400, "invalid id");
}

TEST_F(ServerTest, QuotesAndSpeakers) {
  auto [code, j] = GetJson("/api/quotes");
  ASSERT_EQ(code, 200) << j.dump();
  EXPECT_EQ(j["total"], 2);
  EXPECT_EQ(j["page"], 1);
  EXPECT_EQ(j["page_size"], 10);
  ASSERT_EQ(j["quotes"].size(), 2u);
  // Newest first: fr-2 (2021-09-02) before fr-1 (2021-08-12).
  auto& q = j["quotes"][0];
  EXPECT_EQ(q["article"], "fr-2");
  EXPECT_EQ(q["text"], "Nous avons obtenu des garanties");
  EXPECT_EQ(q["speaker"], "Marie Lefort");
  EXPECT_EQ(q["cue"], "a déclaré");
  EXPECT_EQ(q["title"], "Les dockers reprennent");
  EXPECT_EQ(q["outlet"], "La Vigie");
  EXPECT_EQ(q["date"], "2021-09-02");
  EXPECT_LT(q["start"].get<int>(), q["end"].get<int>());
  EXPECT_EQ(j["quotes"][1]["article"], "fr-1");

  auto [c2, about] = GetJson("/api/quotes?about=garanties");
  ASSERT_EQ(c2, 200);
  ASSERT_EQ(about["total"], 1);
  EXPECT_EQ(about["quotes"][0]["article"], "fr-2");

  auto [c3, by] = GetJson("/api/quotes?speaker=marie%20lefort&page_size=1&page=2");
  ASSERT_EQ(c3, 200);
  EXPECT_EQ(by["total"], 2);
  ASSERT_EQ(by["quotes"].size(), 1u);
  EXPECT_EQ(by["quotes"][0]["article"], "fr-1");

  auto [c4, none] = GetJson("/api/quotes?speaker=Jean%20Personne");
  ASSERT_EQ(c4, 200);
  EXPECT_EQ(none["total"], 0);
  EXPECT_TRUE(none["quotes"].empty());

  auto [c5, sep] = GetJson("/api/quotes?since=2021-09");
  ASSERT_EQ(c5, 200);
  EXPECT_EQ(sep["total"], 1);

  auto [c6, sp] = GetJson("/api/speakers");
  ASSERT_EQ(c6, 200) << sp.dump();
  ASSERT_EQ(sp["speakers"].size(), 1u);
  EXPECT_EQ(sp["speakers"][0]["speaker"], "Marie Lefort");
  EXPECT_EQ(sp["speakers"][0]["type"], "PER");
  EXPECT_EQ(sp["speakers"][0]["quotes"], 2);
  EXPECT_EQ(sp["speakers"][0]["articles"], 2);

  ExpectError("/api/quotes?page_size=101", 400, "page_size");
  ExpectError("/api/quotes?about=%22unbalanced", 400, "");
  ExpectError("/api/quotes?speaker=" + std::string(201, 'x'), 400, "too long");
  ExpectError("/api/quotes?until=2021-9", 400, "until");
  ExpectError("/api/speakers?top=0", 400, "top");
  ExpectError("/api/speakers?top=x", 400, "whole number");
  ExpectError("/api/speakers?about=x", 400, "accepted: top");
}

TEST_F(ServerTest, SearchEntityFilterAndFacet) {
  auto [code, j] = GetJson("/api/search?q=dockers&entity=S%C3%A8te");
  ASSERT_EQ(code, 200) << j.dump();
  EXPECT_EQ(j["total"], 2);  // fr-1 and en-1 name Sète; fr-2 does not
  std::set<std::string> ids;
  for (auto& h : j["hits"]) ids.insert(h["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"fr-1", "en-1"}));
  uint64_t sum = 0;
  for (auto& v : j["facets"]["language"]) sum += v["count"].get<uint64_t>();
  EXPECT_EQ(sum, 2u);

  // The same filter without facets goes through Archive::Search.
  auto [c2, nf] = GetJson("/api/search?q=dockers&entity=sete&facets=0");
  ASSERT_EQ(c2, 200);
  EXPECT_EQ(nf["total"], 2);

  auto [c3, unknown] = GetJson("/api/search?q=dockers&entity=Atlantide");
  ASSERT_EQ(c3, 200);
  EXPECT_EQ(unknown["total"], 0);

  // Entity facet: articles among the matches naming each entity.
  auto [c4, all] = GetJson("/api/search?q=dockers");
  ASSERT_EQ(c4, 200);
  auto& ents = all["facets"]["entities"];
  ASSERT_EQ(ents.size(), 2u) << ents.dump();
  std::map<std::string, int> counts;
  for (auto& e : ents) {
    counts[e["value"]] = e["count"];
    EXPECT_TRUE(e["type"] == "LOC" || e["type"] == "PER");
  }
  EXPECT_EQ(counts["Sète"], 2);          // fr-1, en-1
  EXPECT_EQ(counts["Marie Lefort"], 2);  // fr-1, fr-2
  EXPECT_EQ(all["facets"]["entities_sample"], 3);
}

TEST_F(ServerTest, FacetedAndPlainSearchAgree) {
  // Property: whatever the query and filters, the one-pass faceted search
  // returns the same total and the same hits, in the same order, as
  // Archive::Search, and its facets add up to the total.
  for (std::string q : {"dockers", "le port", "port", "grève OR strike", "dock*", "-poisson port",
                        "\"port de\"", "sète"}) {
    q = Encode(q);
    for (std::string filter : {"", "&lang=fr", "&since=2021-08-13", "&outlet=Le%20Quai"}) {
      for (std::string paging : {"&page_size=1", "&page_size=2&page=2", ""}) {
        std::string base = "/api/search?q=" + q + filter + paging;
        auto [c1, with] = GetJson(base);
        auto [c2, without] = GetJson(base + "&facets=0");
        ASSERT_EQ(c1, 200) << base << with.dump();
        ASSERT_EQ(c2, 200) << base;
        EXPECT_EQ(with["total"], without["total"]) << base;
        ASSERT_EQ(with["hits"].size(), without["hits"].size()) << base;
        for (size_t i = 0; i < with["hits"].size(); ++i) {
          EXPECT_EQ(with["hits"][i]["id"], without["hits"][i]["id"]) << base << " " << i;
          EXPECT_DOUBLE_EQ(with["hits"][i]["score"].get<double>(),
                           without["hits"][i]["score"].get<double>());
          EXPECT_EQ(with["hits"][i]["snippet_html"], without["hits"][i]["snippet_html"]);
        }
        uint64_t sum = 0;
        for (auto& v : with["facets"]["language"]) sum += v["count"].get<uint64_t>();
        EXPECT_EQ(sum, with["total"].get<uint64_t>()) << base;
        for (auto& e : with["facets"]["entities"])
          EXPECT_LE(e["count"].get<uint64_t>(), with["facets"]["entities_sample"].get<uint64_t>());
      }
    }
  }
}

TEST_F(ServerTest, FacetedSearchGivesWhereEachPageHitMatched) {
  // The positions recorded during the ranked scan (veille_bm25_hits) are
  // those of the matched terms, so SnippetAt gives MakeSnippet's extract.
  auto archive = Archive::Open(*db_, OpenMode::kReadOnly);
  ASSERT_TRUE(archive.ok());
  SearchAttributes attributes;
  const std::vector<std::string> languages = {"en", "fr"};
  for (std::string q : {"dockers", "grève OR strike", "dock*", "port -poisson", "sète"}) {
    for (size_t offset : {0, 1}) {
      SearchOptions o;
      o.query = q;
      o.limit = 1;
      o.offset = offset;
      auto page = SearchWithFacets(**archive, attributes, o, 10, 200);
      ASSERT_TRUE(page.ok()) << page.error().message;
      auto parsed = ParseQuery(q);
      for (const auto& h : page->hits) {
        ASSERT_TRUE(h.positions.has_value()) << q << " " << h.id;
        EXPECT_FALSE(h.positions->empty()) << q << " " << h.id;
        auto text = (*archive)->Get(h.id);
        ASSERT_TRUE(text.ok());
        EXPECT_EQ(SnippetAt((*archive)->analyzer(), text->text, h.language, *h.positions),
                  MakeSnippet((*archive)->analyzer(), text->text, h.language, *parsed, languages))
            << q << " " << h.id;
      }
    }
  }
}

TEST_F(ServerTest, UnknownRoutesAndMethods) {
  ExpectError("/api/nothing", 404, "routes: /api/search");
  ExpectError("/api", 404, "no such API route");
  ExpectError("/nothing.html", 404, "no such file");
  auto c = Client();
  for (int m = 0; m < 4; ++m) {
    auto res = m == 0   ? c.Post("/api/search", "", "text/plain")
               : m == 1 ? c.Put("/", "", "text/plain")
               : m == 2 ? c.Delete("/api/stats")
                        : c.Patch("/api/search", "", "text/plain");
    ASSERT_TRUE(res) << m;
    EXPECT_EQ(res->status, 405);
    EXPECT_EQ(res->get_header_value("Allow"), "GET, HEAD");
    auto j = json::parse(res->body, nullptr, false);
    ASSERT_TRUE(j.is_object());
    EXPECT_EQ(j["error"]["status"], 405);
  }
  auto head = c.Head("/api/stats");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
}

TEST_F(ServerTest, ServesTheUi) {
  auto c = Client();
  auto index = c.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<title>Veille</title>"), std::string::npos);
  EXPECT_FALSE(index->get_header_value("Content-Security-Policy").empty());
  auto js = c.Get("/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  auto css = c.Get("/css/site.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(css->body, "body{}");
}

TEST_F(ServerTest, PathTraversalNeverLeavesTheWebDir) {
  const std::vector<std::string> targets = {
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/..%2fsecret.txt",
      "/..%2Fsecret.txt",
      "/.%2e/secret.txt",
      "/css/../../secret.txt",
      "/css/%2e%2e/%2e%2e/secret.txt",
      "//etc/passwd",
      "/%2fetc/passwd",
      "/..\\secret.txt",
      "/..%5csecret.txt",
      "/index.html%00.txt",
      "/secret.txt%00",
      "/%00",
      "/link.txt",
      "/.hidden.txt",
      "/notes.bin",
      "/./index.html",
      "/css//site.css",
      "/%252e%252e/secret.txt",
      "/%c0%ae%c0%ae/secret.txt",
      "/etc/passwd",
      "/" + std::string(2000, 'a') + ".html",
  };
  for (const auto& t : targets) {
    std::string res =
        RawRequest(port(), "GET " + t + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    int status = StatusOf(res);
    EXPECT_EQ(res.find(kSecret), std::string::npos) << t;
    EXPECT_EQ(res.find("root:"), std::string::npos) << t;
    if (status == 302) {
      // A plain path without an extension is a page of the UI: sent into
      // its fragment, never read from disk.
      EXPECT_NE(res.find("\r\nLocation: /#/"), std::string::npos) << t << ": " << res;
      continue;
    }
    EXPECT_GE(status, 400) << t;
    EXPECT_LT(status, 500) << t;
    auto j = json::parse(BodyOf(res), nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("error")) << t << ": " << res.substr(0, 300);
  }
}

TEST_F(ServerTest, OversizedRequestsAre4xx) {
  // A body on a GET.
  std::string big(100000, 'x');
  std::string res = RawRequest(port(),
                               "GET /api/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                               "Content-Length: " +
                                   std::to_string(big.size()) + "\r\n\r\n" + big);
  EXPECT_EQ(StatusOf(res), 413) << res.substr(0, 200);
  // A URI over 8 KiB.
  res = RawRequest(port(), "GET /api/search?q=" + std::string(9000, 'a') +
                               " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(res), 414) << res.substr(0, 200);
  EXPECT_TRUE(json::parse(BodyOf(res), nullptr, false).is_object()) << res.substr(0, 300);
  // A header line over 8 KiB.
  res = RawRequest(port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'b') +
                               "\r\nConnection: close\r\n\r\n");
  int status = StatusOf(res);
  EXPECT_TRUE(status == 0 || (status >= 400 && status < 500)) << res.substr(0, 200);
  // Garbage instead of HTTP.
  res = RawRequest(port(), "\x01\x02 garbage\r\n\r\n");
  status = StatusOf(res);
  EXPECT_TRUE(status == 0 || status == 400) << res.substr(0, 200);
  // The server is still up.
  auto [code, j] = GetJson("/api/stats");
  EXPECT_EQ(code, 200);
}

TEST_F(ServerTest, AccessLogHasOneLinePerRequest) {
  // Unique targets: the log line is written after the response is sent, so
  // wait for it, then check that there is exactly one per request.
  auto [code, j] = GetJson("/api/search?q=poisson&facets=0&page=3");
  ASSERT_EQ(code, 200);
  ExpectError("/api/articles/missing-for-log", 404, "");
  auto lines_with = [](const std::string& part) {
    std::lock_guard<std::mutex> lock(log_mu_);
    std::vector<std::string> out;
    for (const auto& l : *log_)
      if (l.find(part) != std::string::npos) out.push_back(l);
    return out;
  };
  // Each request's line may come after the next request's: wait for both.
  for (int i = 0; i < 200 && (lines_with("missing-for-log").empty() ||
                              lines_with("q=poisson&facets=0&page=3").empty());
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto a = lines_with("q=poisson&facets=0&page=3");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_NE(a[0].find("\"GET /api/search?q=poisson&facets=0&page=3\" 200 "), std::string::npos)
      << a[0];
  EXPECT_NE(a[0].find("127.0.0.1"), std::string::npos) << a[0];
  EXPECT_NE(a[0].find("ms"), std::string::npos) << a[0];
  auto b = lines_with("missing-for-log");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NE(b[0].find("\" 404 "), std::string::npos) << b[0];
}

TEST_F(ServerTest, ConcurrentClientsGetConsistentAnswers) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      httplib::Client c("127.0.0.1", port());
      for (int i = 0; i < 20; ++i) {
        auto res = c.Get("/api/search?q=dockers&page_size=2");
        if (!res || res->status != 200) continue;
        auto j = json::parse(res->body, nullptr, false);
        if (j.is_object() && j["total"] == 3 && j["hits"].size() == 2) ++ok;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 160);
}

TEST(ServerCacheTest, AnswersAreCachedUntilTheArchiveChanges) {
  // The server reads while another connection ingests: a cached search must
  // not hide the new article, and the attributes must know its language.
  fs::path dir = fs::temp_directory_path() / ("veille_server_cache_" + std::to_string(getpid()));
  fs::create_directories(dir / "web");
  std::ofstream(dir / "web" / "index.html") << "<!doctype html>";
  const std::string db = (dir / "c.db").string();
  auto writer = Archive::Open(db, OpenMode::kReadWrite);
  ASSERT_TRUE(writer.ok());
  auto store = [&](const Article& a) {
    ASSERT_TRUE((*writer)->Begin().ok());
    ASSERT_TRUE((*writer)->Store(a, Hash64(a.clean.text), {}).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  };
  store(
      Make("c-1", "Écluse", "L'écluse de Bram rouvre au printemps.", "fr", "2022-03-01", "Canal"));

  ServerOptions o;
  o.db = db;
  o.port = 0;
  o.threads = 2;
  o.web_dir = (dir / "web").string();
  o.log = [](std::string_view) {};
  auto s = Server::Start(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  httplib::Client c("127.0.0.1", (*s)->port());
  auto search = [&](const std::string& path) {
    auto res = c.Get(path);
    EXPECT_TRUE(res);
    if (!res) return std::make_pair(json(), std::string());
    return std::make_pair(json::parse(res->body), res->get_header_value("X-Cache"));
  };
  auto [first, h1] = search("/api/search?q=%C3%A9cluse");
  EXPECT_EQ(first["total"], 1);
  EXPECT_EQ(h1, "");
  auto [again, h2] = search("/api/search?q=%C3%A9cluse");
  EXPECT_EQ(h2, "hit");
  EXPECT_EQ(again, first);

  store(Make("c-2", "Écluse", "Une deuxième écluse est en travaux.", "fr", "2022-04-02", "Canal"));
  auto [after, h3] = search("/api/search?q=%C3%A9cluse");
  EXPECT_EQ(h3, "");
  EXPECT_EQ(after["total"], 2);
  std::map<std::string, int> langs;
  for (auto& l : after["facets"]["language"]) langs[l["value"]] = l["count"];
  EXPECT_EQ(langs["fr"], 2);
  auto [filtered, h4] = search("/api/search?q=%C3%A9cluse&lang=fr&since=2022-04");
  EXPECT_EQ(filtered["total"], 1);
  // Errors are not cached.
  auto bad = c.Get("/api/entities/Nulle%20Part");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 404);
  bad = c.Get("/api/entities/Nulle%20Part");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->get_header_value("X-Cache"), "");
  (*s)->Stop();
  EXPECT_TRUE((*s)->Wait().ok());
  s->reset();
  writer->reset();
  fs::remove_all(dir);
}

TEST(ServerStartTest, RejectsBadOptionsAndStopsCleanly) {
  ServerOptions o;
  o.db = "/nonexistent/archive.db";
  o.port = 0;
  o.web_dir = "/nonexistent-web";
  auto s = Server::Start(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Error::Code::kNotFound);

  fs::path dir = fs::temp_directory_path() / ("veille_server_start_" + std::to_string(getpid()));
  fs::create_directories(dir / "web");
  std::ofstream(dir / "web" / "index.html") << "<!doctype html>";
  o.web_dir = (dir / "web").string();
  s = Server::Start(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("no archive"), std::string::npos);

  // A file that is not an archive fails at start, not on the first request.
  std::ofstream(dir / "bad.db") << "not sqlite";
  o.db = (dir / "bad.db").string();
  s = Server::Start(o);
  EXPECT_FALSE(s.ok());

  {
    auto a = Archive::Open((dir / "ok.db").string(), OpenMode::kReadWrite);
    ASSERT_TRUE(a.ok());
  }
  o.db = (dir / "ok.db").string();
  o.log = [](std::string_view) {};
  s = Server::Start(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_GT((*s)->port(), 0);
  {
    // An archive without extracted stages answers empty lists and says so.
    httplib::Client c("127.0.0.1", (*s)->port());
    auto stats = c.Get("/api/stats");
    ASSERT_TRUE(stats);
    auto j = json::parse(stats->body);
    EXPECT_FALSE(j["available"]["entities"].get<bool>());
    EXPECT_FALSE(j["available"]["quotes"].get<bool>());
    auto ents = c.Get("/api/entities");
    ASSERT_TRUE(ents);
    EXPECT_EQ(ents->status, 200);
    EXPECT_TRUE(json::parse(ents->body)["entities"].empty());
    auto sp = c.Get("/api/speakers");
    ASSERT_TRUE(sp);
    EXPECT_EQ(sp->status, 200);
    EXPECT_TRUE(json::parse(sp->body)["speakers"].empty());
  }
  (*s)->Stop();
  EXPECT_TRUE((*s)->Wait().ok());
  (*s)->Stop();  // twice is harmless
  fs::remove_all(dir);
}

}  // namespace
}  // namespace veille
