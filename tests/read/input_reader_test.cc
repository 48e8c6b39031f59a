// InputReader over folders: order, skipping, and bad files among good ones.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "read/temp_dir.h"
#include "veille/read.h"
#include "veille/utf8.h"

namespace veille {
namespace {

using testing::TempDir;

bool Mentions(const std::vector<Diagnostic>& ds, std::string_view where, std::string_view what,
              Diagnostic::Severity severity) {
  for (const Diagnostic& d : ds) {
    if (d.where == where && d.message.find(what) != std::string::npos && d.severity == severity)
      return true;
  }
  return false;
}

TEST(InputReader, MissingPathIsNotFound) {
  TempDir dir;
  auto r = InputReader::Open({dir.path(), dir.path() + "/absent"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Error::Code::kNotFound);
  EXPECT_NE(r.error().message.find("absent"), std::string::npos);
}

TEST(InputReader, FolderWithBadFilesAmongGoodOnes) {
  TempDir dir;
  const std::string d = dir.path();
  const std::string good = "Titre de l'article numéro un\n\nLe corps de l'article.\n";
  dir.Write("b/02.txt", good);
  dir.Write("a.txt", " date 2021-08 Premier paragraphe du texte.\n");
  dir.Write("b/01.txt", good);
  dir.Write("b/c/03.TXT", good);
  dir.Write("b/empty.txt", "");
  dir.Write("b/nul.txt", std::string("du texte\0\0\0binaire", 19));
  dir.Write("b/scan.txt", "%PDF-1.7\n...");
  dir.Write("b/latin1.txt", "Le caf\xE9 ferme\n\nIl ouvrait depuis 1950.\n");
  dir.Write("b/page.html", "<html><body><p>Article</p></body></html>");
  dir.Write("b/notes.docx", "PK\x03\x04");
  dir.Write("b/photo.jpg", "\xFF\xD8\xFF\xE0");
  dir.Write("b/.hidden.txt", "caché");
  dir.Write(".git/objects/x.txt", "caché aussi");
  dir.Write("b/feed.jsonl", R"({"id": "j1", "text": "Ligne JSON."})"
                            "\n");
  // A 30 MB "article": over the default 16 MB limit, reported and skipped.
  dir.Write("b/huge.txt", std::string(30u << 20, 'a'));

  auto reader = InputReader::Open({d});
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  std::vector<InputRecord> records;
  std::vector<Diagnostic> diags;
  InputRecord record;
  while ((*reader)->Next(&record, &diags)) records.push_back(record);

  std::vector<std::string> sources;
  for (const auto& r : records) sources.push_back(r.source);
  const std::vector<std::string> expected = {
      d + "/a.txt",          d + "/b/01.txt",     d + "/b/02.txt",   d + "/b/c/03.TXT",
      d + "/b/feed.jsonl:1", d + "/b/latin1.txt", d + "/b/page.html"};
  EXPECT_EQ(sources, expected);

  using S = Diagnostic::Severity;
  EXPECT_TRUE(Mentions(diags, d + "/b/empty.txt", "empty", S::kError));
  EXPECT_TRUE(Mentions(diags, d + "/b/nul.txt", "NUL", S::kError));
  EXPECT_TRUE(Mentions(diags, d + "/b/scan.txt", "PDF", S::kError));
  EXPECT_TRUE(Mentions(diags, d + "/b/huge.txt", "limit", S::kError));
  EXPECT_TRUE(Mentions(diags, d + "/b/notes.docx", "unsupported", S::kWarning));
  EXPECT_TRUE(Mentions(diags, d + "/b/photo.jpg", "unsupported", S::kWarning));
  EXPECT_EQ(diags.size(), 6u) << "hidden files must be skipped silently";

  EXPECT_EQ(records[1].source_group, d + "/b");
  EXPECT_EQ(records[1].id_hint, "01");
  EXPECT_EQ(records[3].id_hint, "03");
  auto a = ParseRecord(records[0]);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->id, "a");
  EXPECT_EQ(a->date.value_or(""), "2021-08");
  EXPECT_EQ(a->source_group, d);

  auto latin = ParseRecord(records[5]);
  ASSERT_TRUE(latin.ok());
  EXPECT_EQ(FindInvalidUtf8(latin->text), std::string::npos);
  ASSERT_EQ(latin->diagnostics.size(), 1u);
  EXPECT_EQ(latin->diagnostics[0].where, d + "/b/latin1.txt");

  EXPECT_EQ((*reader)->files_done(), 11u);  // every .txt, .jsonl and .html, read or skipped
  EXPECT_EQ((*reader)->bytes_done(), (*reader)->bytes_total());
  EXPECT_GT((*reader)->bytes_total(), 30u << 20);
}

TEST(InputReader, OrderIsDeterministicAcrossRuns) {
  TempDir dir;
  for (const char* name : {"z.txt", "m/b.txt", "m/a.txt", "A.txt", "m.txt"})
    dir.Write(name, "Un texte.\n");
  auto list = [&] {
    std::vector<std::string> out;
    auto r = InputReader::Open({dir.path()});
    InputRecord rec;
    std::vector<Diagnostic> diags;
    while ((*r)->Next(&rec, &diags)) out.push_back(rec.source.substr(dir.path().size()));
    return out;
  };
  std::vector<std::string> first = list();
  EXPECT_EQ(first,
            (std::vector<std::string>{"/A.txt", "/m.txt", "/m/a.txt", "/m/b.txt", "/z.txt"}));
  EXPECT_EQ(list(), first);
}

TEST(InputReader, ExplicitFilesInGivenOrder) {
  TempDir dir;
  std::string b = dir.Write("b.txt", "B.\n");
  std::string a = dir.Write("a.txt", "A.\n");
  std::string hidden = dir.Write(".c.txt", "C.\n");
  auto r = InputReader::Open({b, a, hidden});
  ASSERT_TRUE(r.ok());
  InputRecord rec;
  std::vector<Diagnostic> diags;
  std::vector<std::string> got;
  while ((*r)->Next(&rec, &diags)) got.push_back(rec.source);
  EXPECT_EQ(got, (std::vector<std::string>{b, a, hidden}));
  EXPECT_TRUE(diags.empty());
}

TEST(InputReader, GzipNamedFileThatIsNotGzip) {
  TempDir dir;
  std::string p = dir.Write("plain.jsonl.gz", R"({"id": "1", "text": "T."})"
                                              "\n");
  auto r = InputReader::Open({p});
  ASSERT_TRUE(r.ok());
  InputRecord rec;
  std::vector<Diagnostic> diags;
  ASSERT_TRUE((*r)->Next(&rec, &diags));
  EXPECT_TRUE(ParseRecord(rec).ok());
  EXPECT_FALSE((*r)->Next(&rec, &diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].message.find("not gzip"), std::string::npos);
}

TEST(InputReader, BinaryJsonlSkippedWhole) {
  TempDir dir;
  std::string p = dir.Write("x.jsonl", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11));
  auto r = InputReader::Open({p});
  ASSERT_TRUE(r.ok());
  InputRecord rec;
  std::vector<Diagnostic> diags;
  EXPECT_FALSE((*r)->Next(&rec, &diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].severity, Diagnostic::Severity::kError);
  EXPECT_NE(diags[0].message.find("PNG"), std::string::npos);
}

TEST(InputWatcher, ReportsNewAndChangedReadableFilesOnce) {
  testing::TempDir dir;
  dir.Write("feed/a.txt", "Premier article.\n");
  dir.Write("feed/b.jsonl", "{\"id\": \"b\", \"text\": \"x\"}\n");
  dir.Write("feed/photo.jpg", "not text");
  dir.Write("feed/.draft.txt", "hidden");
  InputWatcher w({dir.path()}, std::chrono::milliseconds(0));
  std::vector<Diagnostic> problems;
  auto first = w.Changed(&problems);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first,
            (std::vector<std::string>{dir.path() + "/feed/a.txt", dir.path() + "/feed/b.jsonl"}));
  EXPECT_TRUE(w.Changed(&problems)->empty());  // nothing new
  dir.Write("feed/b.jsonl", "{\"id\": \"b\", \"text\": \"x\"}\n{\"id\": \"c\", \"text\": \"y\"}\n");
  dir.Write("feed/sub/d.txt", "Un autre.\n");
  EXPECT_EQ(*w.Changed(&problems), (std::vector<std::string>{dir.path() + "/feed/b.jsonl",
                                                             dir.path() + "/feed/sub/d.txt"}));
  EXPECT_TRUE(w.Changed(&problems)->empty());
  EXPECT_TRUE(problems.empty());
  // A file written a moment ago may be incomplete: left for a later call.
  InputWatcher patient({dir.path()}, std::chrono::hours(1));
  EXPECT_TRUE(patient.Changed(&problems)->empty());
  InputWatcher gone({dir.path() + "/nope"});
  EXPECT_FALSE(gone.Changed(&problems).ok());
}

}  // namespace
}  // namespace veille
