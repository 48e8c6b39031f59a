// events_test.cc: the event extractor on invented French and English texts
// (golden files), and its rules one by one: voice, "s'emparer de", "tomber
// aux mains de", nominalisations, negation, modality, reported speech,
// anaphora, dates.
#include "veille/events.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "veille/entities.h"

namespace veille::events {
namespace {

class EventsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto x = Extractor::Create();
    ASSERT_TRUE(x.ok()) << x.error().message;
    extractor_ = std::move(x).value().release();
    auto r = EntityRecognizer::Create();
    ASSERT_TRUE(r.ok()) << r.error().message;
    recognizer_ = std::move(r).value().release();
  }
  static void TearDownTestSuite() {
    delete extractor_;
    delete recognizer_;
  }

  static std::vector<EventSpan> Run(const std::string& text, const std::string& lang,
                                    const std::vector<TimeRef>& times = {},
                                    const std::string& date = "",
                                    const std::vector<QuoteSpan>& quotes = {}) {
    std::vector<Mention> mentions;
    for (auto& m : recognizer_->Recognize(text, lang))
      mentions.push_back({m.text, m.type, m.begin, m.end, m.canonical, m.role});
    return extractor_->Extract(text, lang, mentions, quotes, times, date);
  }
  // "actor|action|target|place|date" per event.
  static std::string Line(const EventSpan& e) {
    return e.actor + "|" + e.action + "|" + e.target + "|" + e.place + "|" + e.date;
  }
  static std::vector<std::string> Lines(const std::vector<EventSpan>& v) {
    std::vector<std::string> out;
    for (auto& e : v) out.push_back(Line(e));
    return out;
  }
  static bool Has(const std::vector<EventSpan>& v, const std::string& action,
                  const std::string& target) {
    for (auto& e : v)
      if (e.action == action && e.target == target) return true;
    return false;
  }

  static Extractor* extractor_;
  static EntityRecognizer* recognizer_;
};
Extractor* EventsTest::extractor_ = nullptr;
EntityRecognizer* EventsTest::recognizer_ = nullptr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Golden files: tests/data/events/NAME.txt -> NAME.events (one event a line).
// VEILLE_UPDATE_GOLDEN=1 rewrites them (review the diff).
void CheckGolden(const std::string& name, const std::vector<std::string>& lines) {
  const std::string path = "tests/data/events/" + name + ".events";
  std::string got;
  for (auto& l : lines) got += l + "\n";
  if (std::getenv("VEILLE_UPDATE_GOLDEN")) {
    std::ofstream(path) << got;
    return;
  }
  EXPECT_EQ(ReadFile(path), got) << "golden file " << path;
}

TEST_F(EventsTest, FrenchGolden) {
  std::string text = ReadFile("tests/data/events/fr_offensive.txt");
  ASSERT_FALSE(text.empty());
  CheckGolden("fr_offensive", Lines(Run(text, "fr", {}, "2021-03-12")));
}

TEST_F(EventsTest, EnglishGolden) {
  std::string text = ReadFile("tests/data/events/en_offensive.txt");
  ASSERT_FALSE(text.empty());
  CheckGolden("en_offensive", Lines(Run(text, "en", {}, "2021-03-12")));
}

TEST_F(EventsTest, ActiveAndPassiveVoice) {
  auto a = Run("Les talibans ont capturé Kandahar.", "fr");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].action, "capture");
  EXPECT_EQ(a[0].target, "Kandahar");
  EXPECT_FALSE(a[0].actor.empty());
  auto p = Run("Kandahar a été capturée par les talibans.", "fr");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].target, "Kandahar");
  EXPECT_EQ(p[0].actor, a[0].actor);
  auto e = Run("Kandahar was captured by the Taliban.", "en");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].target, "Kandahar");
  EXPECT_FALSE(e[0].actor.empty());
}

TEST_F(EventsTest, IdiomsAndNominalisations) {
  auto v = Run("Les talibans se sont emparés de Kandahar.", "fr");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].action, "capture");
  EXPECT_EQ(v[0].target, "Kandahar");
  auto m = Run("Hérat est tombée aux mains des talibans.", "fr");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].action, "capture");
  EXPECT_FALSE(m[0].actor.empty());
  auto n = Run("La prise de Kandahar par les talibans inquiète Washington.", "fr");
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].target, "Kandahar");
  EXPECT_FALSE(n[0].actor.empty());
  auto f = Run("Le ministère a confirmé la chute de Ghazni.", "fr");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].action, "fall");
  EXPECT_EQ(f[0].target, "Ghazni");
}

TEST_F(EventsTest, ElectionsWonAndReelections) {
  auto w = Run("Joe Biden a remporté l'élection présidentielle américaine.", "fr");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].action, "elect");
  EXPECT_EQ(w[0].target, "Joe Biden");
  auto e = Run("Joe Biden won the election in November.", "en");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].target, "Joe Biden");
  auto r = Run("Le maire sortant, Jean Dupuis, a été réélu dimanche.", "fr");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].action, "elect");
  EXPECT_EQ(r[0].target, "Jean Dupuis");
}

TEST_F(EventsTest, PossessiveNominalisationsTakeTheGoverningSubject) {
  auto r = Run("Le Premier ministre Édouard Philippe a présenté sa démission au président.", "fr");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].action, "resign");
  EXPECT_EQ(r[0].actor, "Édouard Philippe");
  auto m = Run("Emmanuel Macron s'est entretenu avec Vladimir Poutine.", "fr");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].action, "meet");
  EXPECT_FALSE(m[0].actor.empty());
  EXPECT_FALSE(m[0].target.empty());
}

TEST_F(EventsTest, NegationModalityAndConditionsAreNotEvents) {
  EXPECT_TRUE(Run("Les talibans n'ont pas encore pris Kaboul.", "fr").empty());
  EXPECT_TRUE(Run("Les talibans pourraient prendre le contrôle de Kaboul.", "fr").empty());
  EXPECT_TRUE(Run("Les talibans ne sont pas prêts à s'emparer de Kaboul.", "fr").empty());
  EXPECT_TRUE(Run("Ils n'attaqueraient pas l'ambassade à Kaboul.", "fr").empty());
  EXPECT_TRUE(Run("Les États-Unis ont ordonné le déploiement de soldats à Kaboul.", "fr").empty());
  EXPECT_TRUE(Run("Si le groupe prend le contrôle de Kaboul, l'aide cessera.", "fr").empty());
  EXPECT_TRUE(Run("The Taliban have not captured Kabul.", "en").empty());
  EXPECT_TRUE(Run("The Taliban could capture Kabul within weeks.", "en").empty());
  // The journalistic conditional of a past event is an alleged event.
  auto alleged = Run("Les talibans auraient capturé Kunduz.", "fr");
  ASSERT_EQ(alleged.size(), 1u);
  EXPECT_TRUE(alleged[0].reported);
}

// Words that look like triggers in news but report no event.
TEST_F(EventsTest, OtherSensesOfTriggerWordsAreNotEvents) {
  // A participle used as an adjective, or as a noun (an elected official).
  EXPECT_TRUE(Run("Des colons vivent en Cisjordanie occupée depuis 1967.", "fr").empty());
  EXPECT_TRUE(Run("Marie-Laure Harel, élue dans le 3e arrondissement, le soutient.", "fr").empty());
  // ... but with a date or a place it is one.
  const std::string kabuga = "Félicien Kabuga, arrêté le 16 mai à Asnières, sera jugé.";
  TimeRef may16{static_cast<uint32_t>(kabuga.find("le 16")),
                static_cast<uint32_t>(kabuga.find(" à ")), "2020-05-16"};
  auto k = Run(kabuga, "fr", {may16}, "2020-05-20");
  ASSERT_EQ(k.size(), 1u);
  EXPECT_EQ(k[0].action, "arrest");
  EXPECT_EQ(k[0].target, "Félicien Kabuga");
  EXPECT_EQ(k[0].date, "2020-05-16");
  EXPECT_EQ(k[0].date_source, "event");
  // Without the date, the named place after it is enough.
  EXPECT_EQ(Run("Félicien Kabuga, arrêté à Asnières, sera jugé.", "fr").size(), 1u);
  // "être pris d'un malaise": a person is not taken like a city.
  EXPECT_TRUE(Run("Angélique Etienne a été prise d'un malaise.", "fr").empty());
  // A verbal attack on a politician.
  EXPECT_TRUE(Run("Marine Le Pen a attaqué Emmanuel Macron sur sa politique.", "fr").empty());
  // An incise names who speaks, not what is announced.
  EXPECT_TRUE(Run("« Il pleuvra demain », a annoncé Météo-France.", "fr").empty());
  // Other senses of prendre and tomber.
  EXPECT_TRUE(Run("L'Irak est pris en étau entre Washington et Téhéran.", "fr").empty());
  EXPECT_TRUE(Run("A cause de cette diète, Carlos Ramirez est tombé malade.", "fr").empty());
  EXPECT_EQ(Run("Les rebelles ont pris d'assaut Kandahar.", "fr").size(), 1u);
  // "en retrait" is no withdrawal without its possessive.
  EXPECT_TRUE(Run("Un chiffre en retrait par rapport aux jours précédents en France.", "fr").empty());
  // The name an apposition describes is the subject.
  auto d = Run("Aaron Danielson, 39 ans, partisan du groupe Patriot Prayer, a été tué par balle.",
               "fr");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].target, "Aaron Danielson");
  // The next clause's subject is no second object.
  EXPECT_TRUE(
      Run("Le conseil prendra des décisions et Facebook devra s'y conformer.", "fr").empty());
}

TEST_F(EventsTest, ReportedSpeechKeepsItsSource) {
  auto r = Run("Un porte-parole des talibans a déclaré que les insurgés avaient capturé Bol Alam.",
               "fr");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].reported);
  EXPECT_EQ(r[0].target, "Bol Alam");
  // "les insurgés" links back to the group named before.
  EXPECT_EQ(r[0].actor, r[0].source);
  std::string q = "« Nous avons pris Kandahar », a déclaré Zabihullah Mujahid.";
  QuoteSpan quote;
  quote.begin = q.find("Nous");
  quote.end = q.find(" »");
  quote.text = q.substr(quote.begin, quote.end - quote.begin);
  quote.speaker = "Zabihullah Mujahid";
  auto s = Run(q, "fr", {}, "", {quote});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].source, "Zabihullah Mujahid");
}

TEST_F(EventsTest, AnaphoraResolvesToEarlierEntities) {
  auto c =
      Run("Les combats ont repris à Badghis. Des combattants talibans ont capturé le siège "
          "de la police de la ville.",
          "fr");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].target, "Badghis");
  auto p = Run("La crise s'aggrave en Afghanistan. Le président Ashraf Ghani a fui le pays.", "fr");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].action, "flee");
  EXPECT_EQ(p[0].target, "Afghanistan");
  auto d =
      Run("Le Pentagone a déclaré que 3000 soldats américains seront déployés à Kaboul.", "fr");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].action, "deploy");
  EXPECT_EQ(d[0].actor, "États-Unis");
  EXPECT_EQ(d[0].target, "Kaboul");
}

TEST_F(EventsTest, DateIsOwnThenSentenceThenArticle) {
  std::string text = "Les talibans ont capturé Kandahar le 13 août. Ils ont aussi pris Hérat.";
  TimeRef t;
  t.begin = text.find("le 13 août");
  t.end = t.begin + std::string("le 13 août").size();
  t.value = "2021-08-13";
  auto e = Run(text, "fr", {t}, "2021-08-14");
  ASSERT_GE(e.size(), 1u);
  EXPECT_EQ(e[0].date, "2021-08-13");
  EXPECT_EQ(e[0].date_source, "event");
  auto a = Run("Les talibans ont capturé Kandahar.", "fr", {}, "2021-08-14");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].date, "2021-08-14");
  EXPECT_EQ(a[0].date_source, "article");
  EXPECT_TRUE(Run("Les talibans ont capturé Kandahar.", "fr")[0].date.empty());
}

TEST(EventDates, CalendarDatesAndWindows) {
  EXPECT_EQ(CalendarDate("2021-08-13"), "2021-08-13");
  EXPECT_EQ(CalendarDate("2021-08-13T10:00"), "2021-08-13");
  EXPECT_EQ(CalendarDate("2021-08"), "2021-08");
  EXPECT_EQ(CalendarDate("2021"), "2021");
  EXPECT_EQ(CalendarDate("P3D"), "");
  EXPECT_EQ(CalendarDate("XXXX-08-13"), "");
  EXPECT_EQ(CalendarDate("2021-W32"), "");
  EXPECT_EQ(CalendarDate("PRESENT_REF"), "");
  EXPECT_TRUE(DatesCompatible("2021-08-13", "2021-08-15"));
  EXPECT_FALSE(DatesCompatible("2021-08-13", "2021-08-20"));
  EXPECT_TRUE(DatesCompatible("2021-08", "2021-08-20"));
  EXPECT_TRUE(DatesCompatible("", "2021-08-20"));
  EXPECT_FALSE(DatesCompatible("2001-11", "2021-08-13"));
  EXPECT_EQ(MergeAction("fall"), "capture");
  EXPECT_EQ(MergeAction("flee"), "flee");
}

// Property: whatever the text, events lie inside their sentence, in order,
// with an action of the closed set.
TEST_F(EventsTest, SpansAreInsideTheText) {
  std::string text = ReadFile("tests/data/events/fr_offensive.txt");
  for (size_t cut = 0; cut < text.size(); cut += 37) {
    std::string part = text.substr(0, cut);
    // Keep valid UTF-8: cut back to a lead byte.
    while (!part.empty() && (static_cast<unsigned char>(part.back()) & 0xC0) == 0x80)
      part.pop_back();
    if (!part.empty() && static_cast<unsigned char>(part.back()) >= 0xC0) part.pop_back();
    for (const auto& e : Run(part, "fr")) {
      EXPECT_LE(e.sentence_begin, e.begin);
      EXPECT_LT(e.begin, e.end);
      EXPECT_LE(e.end, e.sentence_end);
      EXPECT_LE(e.sentence_end, part.size());
      const auto& acts = extractor_->actions();
      EXPECT_NE(std::find(acts.begin(), acts.end(), e.action), acts.end());
    }
  }
}

}  // namespace
}  // namespace veille::events
