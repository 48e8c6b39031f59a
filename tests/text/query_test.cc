// Tests of the query parser (syntax trees and errors) and of ToFts5Match.
#include "veille/query.h"

#include <gtest/gtest.h>

namespace veille {
namespace {

const TextAnalyzer& A() {
  static auto a = std::move(TextAnalyzer::Create()).value();
  return *a;
}

std::string Tree(std::string_view q) {
  auto r = ParseQuery(q);
  if (!r.ok()) return "error: " + r.error().message;
  return r->DebugString();
}

TEST(ParseQuery, Trees) {
  EXPECT_EQ(Tree("talibans kaboul"), "AND(talibans kaboul)");
  EXPECT_EQ(Tree("\"ambassade des États-Unis\""), "AND(\"ambassade des États-Unis\")");
  EXPECT_EQ(Tree("a OR b c"), "AND(OR(a b) c)");
  EXPECT_EQ(Tree("a OR b OR c"), "AND(OR(a b c))");
  EXPECT_EQ(Tree("kaboul -taliban"), "AND(kaboul -taliban)");
  EXPECT_EQ(Tree("kaboul -\"prise de contrôle\""), "AND(kaboul -\"prise de contrôle\")");
  EXPECT_EQ(Tree("kaboul NOT taliban"), "AND(kaboul -taliban)");
  EXPECT_EQ(Tree("talib*"), "AND(talib*)");
  EXPECT_EQ(Tree("\"états uni\"*"), "AND(\"états uni\"*)");
  EXPECT_EQ(Tree("(a OR b) (c OR d)"), "AND(OR(a b) OR(c d))");
  EXPECT_EQ(Tree("x -(a OR b)"), "AND(x -OR(a b))");
  EXPECT_EQ(Tree("(a)"), "AND(a)");
  EXPECT_EQ(Tree("a AND b"), "AND(a b)");
  EXPECT_EQ(Tree("«guerre civile» kaboul"), "AND(\"guerre civile\" kaboul)");
  EXPECT_EQ(Tree("“guerre civile”"), "AND(\"guerre civile\")");
  EXPECT_EQ(Tree("etats-unis l'ambassade"), "AND(etats-unis l'ambassade)");
  EXPECT_EQ(Tree("or and"), "AND(or and)");  // lower case: plain words
}

TEST(ParseQuery, Errors) {
  for (const char* q : {"",
                        "   ",
                        "\"kaboul",
                        "kaboul \"prise de",
                        "-taliban",
                        "-a -b",
                        "OR",
                        "a OR",
                        "OR a",
                        "a OR OR b",
                        "a OR -b",
                        "(a",
                        "a)",
                        "()",
                        "*",
                        "a AND",
                        "AND a",
                        "NOT",
                        "(-a) b OR (-c)",
                        "«kaboul"}) {
    auto r = ParseQuery(q);
    ASSERT_FALSE(r.ok()) << "'" << q << "' parsed as " << r->DebugString();
    EXPECT_EQ(r.error().code, Error::Code::kInvalidArgument);
    EXPECT_FALSE(r.error().message.empty());
  }
  EXPECT_NE(ParseQuery("-taliban").error().message.find("exclusion"), std::string::npos);
  EXPECT_NE(ParseQuery("\"kaboul").error().message.find("quote"), std::string::npos);
  EXPECT_NE(ParseQuery("a OR").error().message.find("OR"), std::string::npos);
  EXPECT_FALSE(ParseQuery(std::string(5000, 'a')).ok());
  EXPECT_FALSE(ParseQuery(std::string(40, '(') + "a" + std::string(40, ')')).ok());
}

std::string Match(std::string_view q, std::vector<std::string> langs = {"fr"}) {
  auto p = ParseQuery(q);
  if (!p.ok()) return "parse error: " + p.error().message;
  auto m = ToFts5Match(*p, A(), langs);
  if (!m.ok()) return "error: " + m.error().message;
  return *m;
}

TEST(ToFts5Match, Expressions) {
  EXPECT_EQ(Match("talibans"), "\"taliban\"");
  EXPECT_EQ(Match("Kaboul"), "\"kaboul\"");
  EXPECT_EQ(Match("l'ambassade"), "\"ambassad\"");
  EXPECT_EQ(Match("etats-unis"), "\"etat unis\"");
  EXPECT_EQ(Match("capturé"), "\"captur\"");
  EXPECT_EQ(Match("les talibans à Kaboul"), "(\"taliban\" AND \"kaboul\")");
  EXPECT_EQ(Match("\"prise de Kaboul\""), "\"pris kaboul\"");
  EXPECT_EQ(Match("taliban OR talibans"), "(\"taliban\" OR \"taliban\")");
  EXPECT_EQ(Match("kaboul -taliban"), "(\"kaboul\" NOT \"taliban\")");
  EXPECT_EQ(Match("talib*"), "\"talib\" *");
  EXPECT_EQ(Match("Élys*"), "\"elys\" *");
  EXPECT_EQ(Match("etats-u*"), "\"etat u\" *");
  // Stems that differ between languages are OR-ed.
  EXPECT_EQ(Match("embassies", {"en", "fr"}), "(\"embassi\" OR \"embass\")");
  // A stop word in any language is dropped.
  EXPECT_EQ(Match("the war", {"en", "fr"}), "\"war\"");
  // ... but phrases keep the words each language indexed.
  EXPECT_EQ(Match("\"the war\"", {"en", "fr"}), "(\"war\" OR \"the war\")");
  // Typed without accents: the accented ending's stem is OR-ed in.
  EXPECT_EQ(Match("elysee"), "(\"elyse\" OR \"elys\")");
  EXPECT_EQ(Match("Élysée"), "\"elys\"");
  // No language: fold only.
  EXPECT_EQ(Match("Les Talibans", {}), "(\"les\" AND \"talibans\")");
  // User syntax never reaches FTS5: quotes, colons, NEAR, carets.
  EXPECT_EQ(Match("title:kaboul NEAR ^x"), "(\"titl kaboul\" AND \"near\" AND \"x\")");
}

TEST(ToFts5Match, NothingToSearch) {
  EXPECT_NE(Match("le la les").find("error: "), std::string::npos);
  EXPECT_NE(Match("les -kaboul").find("error: "), std::string::npos);
  EXPECT_NE(Match("!!! ...").find("error: "), std::string::npos);
  // A stop-word branch of an OR is dropped, the other kept.
  EXPECT_EQ(Match("le OR kaboul"), "\"kaboul\"");
}

}  // namespace
}  // namespace veille

namespace veille {
namespace {

std::string GramMatch(std::string_view q, std::vector<std::string> langs = {"fr"}) {
  auto p = ParseQuery(q);
  EXPECT_TRUE(p.ok()) << q;
  MatchOptions o;
  o.stop_phrases = true;
  auto m = ToFts5Match(*p, A(), langs, o);
  return m.ok() ? *m : "ERROR: " + m.error().message;
}

TEST(ToFts5Match, PhrasesOfStopWordsBecomeGrams) {
  EXPECT_EQ(GramMatch("\"celle qui\""),
            "\"\x1E"
            "celle_qui\"");
  EXPECT_EQ(GramMatch("«\u00a0Qu’il y a\u00a0»"),
            "\"\x1E"
            "il_y_a\"");
  // Longer than kMaxStopGram: the overlapping grams at one position.
  EXPECT_EQ(GramMatch("\"ce qui a la\" AND \"ce qui a la de\""),
            "(\"\x1E"
            "ce_qui_a_la\" AND NEAR(\"\x1E"
            "ce_qui_a_la\" \"\x1E"
            "qui_a_la_de\", 0))");
  // Mixed phrases, single stop words and prefix phrases are unchanged.
  EXPECT_EQ(GramMatch("\"ministre de la santé\""), "\"ministr sant\"");
  EXPECT_EQ(GramMatch("kaboul \"le\""), "\"kaboul\"");
  EXPECT_EQ(GramMatch("\"celle qu\"*"), GramMatch("\"celle qu\"*"));
  EXPECT_EQ(GramMatch("\"celle qui\"", {"en", "fr"}).find("celle_qui") != std::string::npos, true);
  // Without the option, as before.
  auto p = ParseQuery("\"celle qui\"");
  EXPECT_FALSE(ToFts5Match(*p, A(), {"fr"}).ok());
  EXPECT_TRUE(HasStopPhrase(*p, A(), {"fr"}));
  EXPECT_FALSE(HasStopPhrase(*ParseQuery("\"ministre de la\""), A(), {"fr"}));
}

}  // namespace
}  // namespace veille
