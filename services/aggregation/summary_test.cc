// Hand-checked examples for summary.h: the figures of every question kind as the proto states them
// (scale order with zero counts, top-two-box, net promoter score, % of respondents rather than of
// selections, themes most frequent first, quiz items), missing counts, which cells a breakdown
// suppresses (and the complementary cells), which questions' figures an anonymous survey withholds
// (overall and per cell, complements included), pre/post pairing by pair key (and the figures
// anonymous tests withhold), and the sentences of a report. Every expected figure is worked out by
// hand in the comments.
#include "services/aggregation/summary.h"

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/testing/status_matchers.h"

namespace convene::aggregation {
namespace {

using ::convene::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Student t quantiles of order 0.975 (scipy.stats.t.ppf polished by Newton steps on t.sf, as
// testdata/statistics_reference.py computes them).
constexpr double kT975Df1 = 12.706204736174694;
constexpr double kT975Df5 = 2.5705818356363137;

sv::Question ParseQuestion(const std::string& text) {
  sv::Question q;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &q)) << text;
  return q;
}

sv::Answer Scale(int value) {
  sv::Answer a;
  a.set_scale(value);
  return a;
}
sv::Answer Number(double value) {
  sv::Answer a;
  a.set_number(value);
  return a;
}
sv::Answer Choice(const std::string& key) {
  sv::Answer a;
  a.set_choice(key);
  return a;
}
sv::Answer Selections(const std::vector<std::string>& keys) {
  sv::Answer a;
  for (const std::string& key : keys) a.mutable_selections()->add_option_keys(key);
  return a;
}
sv::Answer Text(const std::string& text, const std::vector<std::string>& codes = {}) {
  sv::Answer a;
  a.set_text(text);
  for (const std::string& code : codes) a.add_codes(code);
  return a;
}

// value, label, count, percent of a distribution entry.
MATCHER_P4(Point, value, label, count, percent, "") {
  *result_listener << "{" << arg.value() << ", \"" << arg.label() << "\", " << arg.count() << ", "
                   << arg.percent() << "}";
  return arg.value() == value && arg.label() == label && arg.count() == count &&
         std::abs(arg.percent() - percent) < 1e-12;
}
// key, count, percent of an option.
MATCHER_P3(OptionIs, key, count, percent, "") {
  *result_listener << "{" << arg.key() << ", " << arg.count() << ", " << arg.percent() << "}";
  return arg.key() == key && arg.count() == count && std::abs(arg.percent() - percent) < 1e-12;
}
MATCHER_P3(ThemeIs, code, count, percent, "") {
  *result_listener << "{" << arg.code() << ", " << arg.count() << ", " << arg.percent() << "}";
  return arg.code() == code && arg.count() == count && std::abs(arg.percent() - percent) < 1e-12;
}

// --- Likert, rating and number questions

constexpr char kLikert[] = R"pb(
  key: "overall"
  text: "Overall satisfaction"
  likert {
    points: 5
    labels: [ "Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied" ]
  })pb";

TEST(QuestionAccumulatorTest, LikertHasEveryPointInScaleOrderWithLabelsAndTopTwoBox) {
  const sv::Question q = ParseQuestion(kLikert);
  QuestionAccumulator acc(q);
  for (int v : {5, 4, 4, 2, 5, 4}) {
    const sv::Answer a = Scale(v);
    acc.Add(&a);
  }
  acc.Add(nullptr);
  acc.Add(nullptr);
  EXPECT_EQ(acc.answered(), 6);
  const v1::QuestionSummary s = acc.Summarize(true);
  EXPECT_EQ(s.key(), "overall");
  EXPECT_EQ(s.text(), "Overall satisfaction");
  EXPECT_EQ(s.kind(), "likert");
  EXPECT_EQ(s.missing(), 2);
  ASSERT_TRUE(s.has_scale());
  const v1::ScaleStatistics& st = s.scale();
  EXPECT_EQ(st.answered(), 6);
  // Sorted: 2 4 4 4 5 5. Mean 24 / 6 = 4; squared deviations 4+0+0+0+1+1 = 6, variance 6 / 5.
  EXPECT_DOUBLE_EQ(st.mean(), 4.0);
  EXPECT_NEAR(st.standard_deviation(), std::sqrt(1.2), 1e-15);
  EXPECT_DOUBLE_EQ(st.median(), 4.0);
  // Inclusive quartiles: positions 1.25 and 3.75 of 0..5.
  EXPECT_DOUBLE_EQ(st.first_quartile(), 4.0);
  EXPECT_DOUBLE_EQ(st.third_quartile(), 4.75);
  EXPECT_DOUBLE_EQ(st.min(), 2.0);
  EXPECT_DOUBLE_EQ(st.max(), 5.0);
  const double half = kT975Df5 * std::sqrt(1.2) / std::sqrt(6.0);
  EXPECT_NEAR(st.mean_ci_low(), 4.0 - half, 1e-12);
  EXPECT_NEAR(st.mean_ci_high(), 4.0 + half, 1e-12);
  // 4 and 5: 3 + 2 of 6.
  ASSERT_TRUE(st.has_top_two_box_percent());
  EXPECT_NEAR(st.top_two_box_percent(), 500.0 / 6, 1e-12);
  EXPECT_FALSE(st.has_net_promoter_score());
  EXPECT_THAT(
      st.distribution(),
      ElementsAre(Point(1.0, "Very dissatisfied", 0, 0.0), Point(2.0, "Dissatisfied", 1, 100.0 / 6),
                  Point(3.0, "Neutral", 0, 0.0), Point(4.0, "Satisfied", 3, 50.0),
                  Point(5.0, "Very satisfied", 2, 100.0 / 3)));
}

TEST(QuestionAccumulatorTest, LikertWithoutAnswersHasCountsButNoFigures) {
  const sv::Question q = ParseQuestion(R"pb(key: "k"
                                            text: "T"
                                            likert { points: 7 })pb");
  QuestionAccumulator acc(q);
  for (int i = 0; i < 3; ++i) acc.Add(nullptr);
  const v1::QuestionSummary s = acc.Summarize(true);
  EXPECT_EQ(s.missing(), 3);
  const v1::ScaleStatistics& st = s.scale();
  EXPECT_EQ(st.answered(), 0);
  EXPECT_FALSE(st.has_mean());
  EXPECT_FALSE(st.has_standard_deviation());
  EXPECT_FALSE(st.has_median());
  EXPECT_FALSE(st.has_first_quartile());
  EXPECT_FALSE(st.has_min());
  EXPECT_FALSE(st.has_mean_ci_low());
  EXPECT_FALSE(st.has_top_two_box_percent());
  ASSERT_EQ(st.distribution_size(), 7);
  for (int i = 0; i < 7; ++i) {
    EXPECT_THAT(st.distribution(i), Point(i + 1.0, "", 0, 0.0));
  }
}

TEST(QuestionAccumulatorTest, OneAnswerHasNoSpreadAndAllIdenticalHaveZeroSpread) {
  const sv::Question q = ParseQuestion(kLikert);
  QuestionAccumulator one(q);
  const sv::Answer three = Scale(3);
  one.Add(&three);
  v1::ScaleStatistics st = one.Summarize(true).scale();
  EXPECT_DOUBLE_EQ(st.mean(), 3.0);
  EXPECT_DOUBLE_EQ(st.median(), 3.0);
  EXPECT_DOUBLE_EQ(st.first_quartile(), 3.0);
  EXPECT_DOUBLE_EQ(st.third_quartile(), 3.0);
  EXPECT_FALSE(st.has_standard_deviation());
  EXPECT_FALSE(st.has_mean_ci_low());
  EXPECT_DOUBLE_EQ(st.top_two_box_percent(), 0.0);

  QuestionAccumulator same(q);
  for (int i = 0; i < 4; ++i) same.Add(&three);
  st = same.Summarize(true).scale();
  EXPECT_EQ(st.standard_deviation(), 0.0);
  EXPECT_EQ(st.mean_ci_low(), 3.0);
  EXPECT_EQ(st.mean_ci_high(), 3.0);
}

TEST(QuestionAccumulatorTest, ZeroToTenRatingHasTheNetPromoterScore) {
  const sv::Question q = ParseQuestion(R"pb(key: "recommend"
                                            text: "Recommend?"
                                            rating { min: 0 max: 10 })pb");
  QuestionAccumulator acc(q);
  // Promoters (9, 10): 10 9 9 10 10 = 5 of 10; detractors (0..6): 6 3 5 = 3 of 10; NPS 50 - 30.
  for (int v : {10, 9, 9, 8, 7, 6, 3, 10, 10, 5}) {
    const sv::Answer a = Scale(v);
    acc.Add(&a);
  }
  acc.Add(nullptr);
  const v1::QuestionSummary s = acc.Summarize(true);
  EXPECT_EQ(s.kind(), "rating");
  EXPECT_EQ(s.missing(), 1);
  const v1::ScaleStatistics& st = s.scale();
  ASSERT_TRUE(st.has_net_promoter_score());
  EXPECT_NEAR(st.net_promoter_score(), 20.0, 1e-12);
  EXPECT_FALSE(st.has_top_two_box_percent());  // Likert only
  ASSERT_EQ(st.distribution_size(), 11);       // 0..10, given or not
  EXPECT_THAT(st.distribution(0), Point(0.0, "", 0, 0.0));
  EXPECT_THAT(st.distribution(9), Point(9.0, "", 2, 20.0));
  EXPECT_THAT(st.distribution(10), Point(10.0, "", 3, 30.0));
  EXPECT_DOUBLE_EQ(st.mean(), 7.7);  // 77 / 10
  // Sorted 3 5 6 7 8 9 9 10 10 10: median (8 + 9) / 2; quartiles at 2.25 and 6.75.
  EXPECT_DOUBLE_EQ(st.median(), 8.5);
  EXPECT_DOUBLE_EQ(st.first_quartile(), 6.25);
  EXPECT_DOUBLE_EQ(st.third_quartile(), 9.75);

  // Other rating scales have no net promoter score.
  const sv::Question five = ParseQuestion(R"pb(key: "pace"
                                               text: "Pace"
                                               rating { min: 1 max: 5 })pb");
  QuestionAccumulator other(five);
  const sv::Answer a = Scale(5);
  other.Add(&a);
  EXPECT_FALSE(other.Summarize(true).scale().has_net_promoter_score());
  EXPECT_EQ(other.Summarize(true).scale().distribution_size(), 5);
}

TEST(QuestionAccumulatorTest, WholeNumbersHaveADistributionAndFractionsDoNot) {
  const sv::Question bounded = ParseQuestion(R"pb(
    key: "days"
    text: "Days"
    number { min: 0 max: 10 has_min: true has_max: true integer: true })pb");
  QuestionAccumulator days(bounded);
  for (double v : {3.0, 7.0, 7.0, 10.0}) {
    const sv::Answer a = Number(v);
    days.Add(&a);
  }
  v1::QuestionSummary s = days.Summarize(true);
  EXPECT_EQ(s.kind(), "number");
  EXPECT_DOUBLE_EQ(s.scale().mean(), 6.75);
  EXPECT_DOUBLE_EQ(s.scale().median(), 7.0);
  ASSERT_EQ(s.scale().distribution_size(), 11);
  EXPECT_THAT(s.scale().distribution(7), Point(7.0, "", 2, 50.0));
  EXPECT_FALSE(s.scale().has_top_two_box_percent());

  // Whole numbers without bounds: only the values given.
  const sv::Question open = ParseQuestion(R"pb(
    key: "staff"
    text: "Staff"
    number { integer: true })pb");
  QuestionAccumulator staff(open);
  for (double v : {120.0, 80.0, 80.0}) {
    const sv::Answer a = Number(v);
    staff.Add(&a);
  }
  s = staff.Summarize(true);
  EXPECT_THAT(s.scale().distribution(),
              ElementsAre(Point(80.0, "", 2, 200.0 / 3), Point(120.0, "", 1, 100.0 / 3)));

  // Fractions: exact order statistics from the values, no distribution.
  const sv::Question real = ParseQuestion(R"pb(
    key: "hours"
    text: "Hours"
    number { min: 0 has_min: true })pb");
  QuestionAccumulator hours(real);
  for (double v : {10.0, 1.5, 2.25}) {
    const sv::Answer a = Number(v);
    hours.Add(&a);
  }
  hours.Add(nullptr);
  s = hours.Summarize(true);
  EXPECT_EQ(s.missing(), 1);
  EXPECT_EQ(s.scale().answered(), 3);
  EXPECT_NEAR(s.scale().mean(), 13.75 / 3, 1e-14);
  // Sorted 1.5 2.25 10: quartiles at positions 0.5 and 1.5.
  EXPECT_DOUBLE_EQ(s.scale().median(), 2.25);
  EXPECT_DOUBLE_EQ(s.scale().first_quartile(), 1.875);
  EXPECT_DOUBLE_EQ(s.scale().third_quartile(), 6.125);
  EXPECT_DOUBLE_EQ(s.scale().min(), 1.5);
  EXPECT_DOUBLE_EQ(s.scale().max(), 10.0);
  EXPECT_THAT(s.scale().distribution(), IsEmpty());
}

// --- Choices, free text, quiz

TEST(QuestionAccumulatorTest, SingleChoiceInOptionOrderWithZeroCounts) {
  const sv::Question q = ParseQuestion(R"pb(
    key: "format"
    text: "Preferred format"
    single_choice {
      options { key: "in_person" label: "In person" }
      options { key: "online" label: "Online" }
      options { key: "hybrid" label: "Hybrid" }
    })pb");
  QuestionAccumulator acc(q);
  for (const char* key : {"hybrid", "in_person", "hybrid"}) {
    const sv::Answer a = Choice(key);
    acc.Add(&a);
  }
  acc.Add(nullptr);
  const v1::QuestionSummary s = acc.Summarize(true);
  EXPECT_EQ(s.kind(), "single-choice");
  EXPECT_EQ(s.missing(), 1);
  EXPECT_EQ(s.choice().respondents(), 3);
  EXPECT_EQ(s.choice().selections(), 3);
  EXPECT_THAT(s.choice().options(),
              ElementsAre(OptionIs("in_person", 1, 100.0 / 3), OptionIs("online", 0, 0.0),
                          OptionIs("hybrid", 2, 200.0 / 3)));
  EXPECT_EQ(s.choice().options(0).label(), "In person");
}

TEST(QuestionAccumulatorTest, MultipleChoicePercentagesAreOfRespondentsNotSelections) {
  const sv::Question q = ParseQuestion(R"pb(
    key: "topics"
    text: "Topics"
    multiple_choice {
      options { key: "x" label: "X" }
      options { key: "y" label: "Y" }
      options { key: "z" label: "Z" }
    })pb");
  QuestionAccumulator acc(q);
  const std::vector<std::vector<std::string>> picks = {{"x", "y"}, {"x"}, {"z", "x"}, {"y"}};
  for (const auto& keys : picks) {
    const sv::Answer a = Selections(keys);
    acc.Add(&a);
  }
  acc.Add(nullptr);
  const v1::QuestionSummary s = acc.Summarize(true);
  EXPECT_EQ(s.kind(), "multiple-choice");
  EXPECT_EQ(s.missing(), 1);
  EXPECT_EQ(s.choice().respondents(), 4);
  EXPECT_EQ(s.choice().selections(), 6);
  // Of 4 respondents (of the 6 selections, x would be 50%).
  EXPECT_THAT(s.choice().options(),
              ElementsAre(OptionIs("x", 3, 75.0), OptionIs("y", 2, 50.0), OptionIs("z", 1, 25.0)));
}

TEST(QuestionAccumulatorTest, FreeTextThemesMostFrequentFirstAndUncodedOnlyWhenAsked) {
  const sv::Question q = ParseQuestion(R"pb(
    key: "most_useful"
    text: "What was the most useful aspect?"
    free_text {})pb");
  QuestionAccumulator acc(q);
  const std::vector<sv::Answer> answers = {
      Text("Peers and working together", {"peer experience sharing", "collaboration"}),
      Text("The coffee"),
      Text("Hearing peers", {"peer experience sharing"}),
      Text("Good venue", {"logistics"}),
      Text("Too short"),
  };
  for (const sv::Answer& a : answers) acc.Add(&a);
  acc.Add(nullptr);
  v1::QuestionSummary s = acc.Summarize(true);
  EXPECT_EQ(s.kind(), "free-text");
  EXPECT_EQ(s.missing(), 1);
  const v1::TextStatistics& t = s.free_text();
  EXPECT_EQ(t.answered(), 5);
  // Ties keep the codes' alphabetical order.
  EXPECT_THAT(t.themes(),
              ElementsAre(ThemeIs("peer experience sharing", 2, 40.0),
                          ThemeIs("collaboration", 1, 20.0), ThemeIs("logistics", 1, 20.0)));
  EXPECT_EQ(t.uncoded_count(), 2);
  EXPECT_THAT(t.uncoded_answers(), ElementsAre("The coffee", "Too short"));

  s = acc.Summarize(false);
  EXPECT_EQ(s.free_text().uncoded_count(), 2);
  EXPECT_THAT(s.free_text().uncoded_answers(), IsEmpty());
}

TEST(QuestionAccumulatorTest, QuizPercentCorrectAndOptions) {
  const sv::Question q = ParseQuestion(R"pb(
    key: "uncac"
    text: "Which chapter covers preventive measures?"
    quiz {
      correct: "ii"
      points: 2
      options { key: "ii" label: "Chapter II" }
      options { key: "v" label: "Chapter V" }
      options { key: "iii" label: "Chapter III" }
    })pb");
  QuestionAccumulator acc(q);
  for (const char* key : {"ii", "v", "ii", "ii"}) {
    const sv::Answer a = Choice(key);
    acc.Add(&a);
  }
  acc.Add(nullptr);
  const v1::QuestionSummary s = acc.Summarize(true);
  EXPECT_EQ(s.kind(), "quiz");
  EXPECT_EQ(s.missing(), 1);
  const v1::QuizItemStatistics& quiz = s.quiz();
  EXPECT_EQ(quiz.answered(), 4);
  EXPECT_EQ(quiz.correct(), 3);
  EXPECT_DOUBLE_EQ(quiz.percent_correct(), 75.0);
  EXPECT_EQ(quiz.correct_option(), "ii");
  EXPECT_THAT(quiz.options(), ElementsAre(OptionIs("ii", 3, 75.0), OptionIs("v", 1, 25.0),
                                          OptionIs("iii", 0, 0.0)));

  QuestionAccumulator nobody(q);
  nobody.Add(nullptr);
  EXPECT_FALSE(nobody.Summarize(true).quiz().has_percent_correct());
  EXPECT_EQ(nobody.Summarize(true).quiz().options(0).percent(), 0.0);
}

// --- Surveys

sv::Survey ParseSurvey(const std::string& text) {
  sv::Survey survey;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &survey)) << text;
  return survey;
}

constexpr char kQuizSurvey[] = R"pb(
  id: "srv_quiz"
  title: "Pre-test"
  anonymous: true
  questions {
    key: "overall"
    text: "Overall"
    likert { points: 5 }
  }
  questions {
    key: "q1"
    text: "Q1"
    quiz {
      correct: "a"
      points: 1
      options { key: "a" label: "A" }
      options { key: "b" label: "B" }
    }
  }
  questions {
    key: "q2"
    text: "Q2"
    quiz {
      correct: "b"
      points: 2
      options { key: "a" label: "A" }
      options { key: "b" label: "B" }
    }
  })pb";

sv::Response QuizResponse(int overall, const std::string& q1, const std::string& q2,
                          const std::string& country = "", const std::string& sector = "") {
  sv::Response r;
  auto add = [&](const std::string& key) {
    sv::Answer* a = r.add_answers();
    a->set_question_key(key);
    return a;
  };
  if (overall > 0) add("overall")->set_scale(overall);
  int score = 0;
  if (!q1.empty()) {
    add("q1")->set_choice(q1);
    if (q1 == "a") score += 1;
  }
  if (!q2.empty()) {
    add("q2")->set_choice(q2);
    if (q2 == "b") score += 2;
  }
  r.set_score(score);
  r.set_max_score(3);
  r.mutable_attributes()->set_country(country);
  r.mutable_attributes()->set_sector(sector);
  return r;
}

TEST(SurveyAggregatorTest, EveryQuestionInOrderAndTheScoreDistribution) {
  const sv::Survey survey = ParseSurvey(kQuizSurvey);
  SurveyAggregator agg(survey);
  agg.Add(QuizResponse(5, "a", "b"));                 // 3
  agg.Add(QuizResponse(4, "b", "b"));                 // 2
  agg.Add(QuizResponse(0, "a", ""));                  // 1
  agg.Add(QuizResponse(3, "a", "b"));                 // 3
  sv::Response reversed = QuizResponse(2, "b", "a");  // 0, answers out of the survey's order
  std::reverse(reversed.mutable_answers()->begin(), reversed.mutable_answers()->end());
  agg.Add(reversed);
  EXPECT_EQ(agg.responses(), 5);
  EXPECT_EQ(agg.max_score(), 3);
  const std::vector<v1::QuestionSummary> questions = agg.Questions(true);
  ASSERT_EQ(questions.size(), 3u);
  EXPECT_EQ(questions[0].key(), "overall");
  EXPECT_EQ(questions[0].missing(), 1);
  EXPECT_DOUBLE_EQ(questions[0].scale().mean(), 3.5);  // 5 4 3 2
  EXPECT_EQ(questions[1].quiz().answered(), 5);
  EXPECT_EQ(questions[1].quiz().correct(), 3);
  EXPECT_EQ(questions[2].missing(), 1);
  EXPECT_EQ(questions[2].quiz().correct(), 3);
  EXPECT_EQ(questions[2].quiz().options(0).count(), 1);  // the reversed response's "a"
  const v1::ScaleStatistics score = agg.Score();
  EXPECT_EQ(score.answered(), 5);
  EXPECT_DOUBLE_EQ(score.mean(), 9.0 / 5);
  EXPECT_DOUBLE_EQ(score.median(), 2.0);
  EXPECT_THAT(score.distribution(), ElementsAre(Point(0.0, "", 1, 20.0), Point(1.0, "", 1, 20.0),
                                                Point(2.0, "", 1, 20.0), Point(3.0, "", 2, 40.0)));

  // Without quiz items there is no score.
  const sv::Survey plain = ParseSurvey(R"pb(id: "s"
                                            questions {
                                              key: "k"
                                              text: "T"
                                              likert { points: 5 }
                                            })pb");
  SurveyAggregator none(plain);
  none.Add(sv::Response());
  EXPECT_EQ(none.max_score(), 0);
  EXPECT_EQ(none.Score().answered(), 0);
  EXPECT_THAT(none.Score().distribution(), IsEmpty());
}

// --- Suppression

std::vector<std::vector<std::string>> OneDimension(const std::vector<std::string>& names) {
  std::vector<std::vector<std::string>> values;
  for (const std::string& name : names) values.push_back({name});
  return values;
}

TEST(SuppressedCellsTest, OneSmallCellTakesTheNextSmallestWithIt) {
  // B alone could be recomputed from the total; C (7) is the smallest other cell.
  EXPECT_THAT(SuppressedCells(OneDimension({"A", "B", "C", "D"}), {10, 3, 7, 12}, 5),
              ElementsAre(false, true, true, false));
  // A cell of exactly the minimum is shown.
  EXPECT_THAT(SuppressedCells(OneDimension({"A", "B", "C"}), {4, 5, 9}, 5),
              ElementsAre(true, true, false));
}

TEST(SuppressedCellsTest, NoSmallCellSuppressesNothing) {
  EXPECT_THAT(SuppressedCells(OneDimension({"A", "B", "C"}), {5, 6, 50}, 5),
              ElementsAre(false, false, false));
  EXPECT_THAT(SuppressedCells({}, {}, 5), IsEmpty());
}

TEST(SuppressedCellsTest, TwoSmallCellsProtectEachOther) {
  EXPECT_THAT(SuppressedCells(OneDimension({"A", "B", "C"}), {2, 3, 10}, 5),
              ElementsAre(true, true, false));
}

TEST(SuppressedCellsTest, AllSmallCellsAreSuppressed) {
  EXPECT_THAT(SuppressedCells(OneDimension({"A", "B", "C"}), {1, 4, 2}, 5),
              ElementsAre(true, true, true));
  EXPECT_THAT(SuppressedCells(OneDimension({"A"}), {3}, 5), ElementsAre(true));
  EXPECT_THAT(SuppressedCells({{"MY", "gov"}, {"MY", "cso"}, {"TH", "gov"}}, {1, 2, 3}, 5),
              ElementsAre(true, true, true));
  // A larger minimum moves the line.
  EXPECT_THAT(SuppressedCells(OneDimension({"A", "B", "C"}), {6, 8, 9}, 10),
              ElementsAre(true, true, true));
}

TEST(SuppressedCellsTest, TwoDimensionsProtectRowsAndColumnsUntilStable) {
  // Cells in key order (country, sector):
  //   0 ID gov 6   1 LA gov 2   2 MY cso 9   3 MY gov 8   4 PH cso 2
  //   5 PH gov 7   6 TH cso 6   7 TH gov 5   8 VN cso 10  9 VN gov 5
  // By country alone the totals are ID 6, LA 2, MY 17, PH 9, TH 11, VN 15: that breakdown hides
  // LA and, as its complement, ID. Here ID's only cell must then stay hidden too, or ID's figures
  // (from this table) with MY, PH, TH and VN (from that one) and the overall figures give LA's.
  // LA gov and PH cso are small. Row PH then has one hidden cell: PH gov joins. Column cso has one
  // (PH cso): its smallest shown cell, TH cso (6), joins. That leaves row TH with one: TH gov
  // joins. Every other group now hides 0 or at least 2, or is a single cell whose total is hidden
  // too.
  const std::vector<std::vector<std::string>> values = {
      {"ID", "gov"}, {"LA", "gov"}, {"MY", "cso"}, {"MY", "gov"}, {"PH", "cso"},
      {"PH", "gov"}, {"TH", "cso"}, {"TH", "gov"}, {"VN", "cso"}, {"VN", "gov"}};
  const std::vector<int64_t> respondents = {6, 2, 9, 8, 2, 7, 6, 5, 10, 5};
  EXPECT_THAT(SuppressedCells(values, respondents, 5),
              ElementsAre(true, true, false, false, true, true, true, true, false, false));

  // One small cell in a full 2 x 3 table: the overall total takes the smallest other cell
  // (VN cso 6), then rows MY and VN each take their other cell; columns then hide 2 each.
  EXPECT_THAT(SuppressedCells({{"MY", "cso"},
                               {"MY", "gov"},
                               {"TH", "cso"},
                               {"TH", "gov"},
                               {"VN", "cso"},
                               {"VN", "gov"}},
                              {3, 10, 9, 8, 6, 12}, 5),
              ElementsAre(true, true, false, false, true, true));
}

TEST(SuppressedCellsTest, ACellAloneInItsColumnIsNoComplement) {
  //        c0    c1    c2
  //   r0   12     -     6
  //   r1    3     7     9
  //   r2   11     -     7
  // Every row and column total is shown (by r: 18, 19, 18; by c: 26, 7, 22). r1 c0 (3) is small.
  // r1 c1 (7) is the whole of column c1, whose total shows it: hiding it would not protect 3
  // (3 = 19 - 7 - 9). So the overall total takes r0 c2 (6), row r0 then r0 c0 (12), and row r1
  // r1 c2 (9): a 2 x 2 block of hidden cells whose totals do not give any of them.
  EXPECT_THAT(SuppressedCells({{"r0", "c0"},
                               {"r0", "c2"},
                               {"r1", "c0"},
                               {"r1", "c1"},
                               {"r1", "c2"},
                               {"r2", "c0"},
                               {"r2", "c2"}},
                              {12, 6, 3, 7, 9, 11, 7}, 5),
              ElementsAre(true, true, true, false, true, false, false));
}

TEST(SuppressedCellsTest, TheHiddenCellsOfATotalAddUpToNoneOrToTheMinimum) {
  // 1 and 2 are small and hide each other, but the total less the two 10s would give their
  // figures together: those of 3 people. The smallest cell shown, the first 10, joins them (13).
  EXPECT_THAT(SuppressedCells(OneDimension({"A", "B", "C", "D"}), {1, 2, 10, 10}, 5),
              ElementsAre(true, true, true, false));
  // With a minimum of 10, 4 and 4 make 8: 12 joins them (20).
  EXPECT_THAT(SuppressedCells(OneDimension({"A", "B", "C", "D"}), {4, 4, 12, 30}, 10),
              ElementsAre(true, true, true, false));

  //          cso  gov  int
  //   MY      2    3   12
  //   TH      1    9   14
  //   VN     12    8   15
  // Every total is shown (by country 17, 24, 35; by sector 15, 20, 41). MY cso, MY gov and TH cso
  // are small; row TH then takes TH gov (9). That hides two cells or none in every row and
  // column, but column cso's total less VN cso gives MY cso and TH cso together: 3 people. So
  // VN cso (12) joins them, and row VN, now hiding one cell, takes VN gov (8). The rows now hide
  // 5, 10 and 20 respondents, the columns 15, 20 and 0.
  EXPECT_THAT(SuppressedCells({{"MY", "cso"},
                               {"MY", "gov"},
                               {"MY", "int"},
                               {"TH", "cso"},
                               {"TH", "gov"},
                               {"TH", "int"},
                               {"VN", "cso"},
                               {"VN", "gov"},
                               {"VN", "int"}},
                              {2, 3, 12, 1, 9, 14, 12, 8, 15}, 5),
              ElementsAre(true, true, false, true, true, false, true, true, false));
}

TEST(SuppressedCellsTest, NoCombinationOfTotalsGivesASumBelowTheMinimum) {
  //          c1   c2   c3
  //   r1     10    1   20
  //   r2     10   20    2
  //   r3     20   10   10
  // r1 c2 and r2 c3 are small; rows r1 and r2 take r1 c1 and r2 c1, columns c2 and c3 take r3 c2
  // and r3 c3. Every row and column then hides 0 or at least 5 respondents (r1 11, r2 12, r3 20,
  // c1 20, c2 11, c3 12), and the six hidden cells make one cycle, so none follows from the
  // totals. But r1's total plus r2's less c1's (each less the cells shown) is r1 c2 + r2 c3: the
  // figures of 3 people. A cell shown in r1, r2 or c1 joins them: r1 c3, the first of the
  // smallest (20).
  EXPECT_THAT(SuppressedCells({{"r1", "c1"},
                               {"r1", "c2"},
                               {"r1", "c3"},
                               {"r2", "c1"},
                               {"r2", "c2"},
                               {"r2", "c3"},
                               {"r3", "c1"},
                               {"r3", "c2"},
                               {"r3", "c3"}},
                              {10, 1, 20, 10, 20, 2, 20, 10, 10}, 5),
              ElementsAre(true, true, true, true, false, true, false, true, true));
}

// Random tables: whatever is chosen, every small cell is hidden, no total (overall, row or column)
// with two or more cells hides exactly one of them, and no row or column whose total the
// one-dimensional breakdown hides is shown in full.
TEST(SuppressedCellsTest, NoTotalEverHidesExactlyOneCell) {
  uint64_t state = 12345;
  auto next = [&state](int bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % static_cast<uint64_t>(bound));
  };
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<std::vector<std::string>> values;
    std::vector<int64_t> respondents;
    const int rows = 1 + next(6), columns = 1 + next(4);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < columns; ++c) {
        if (next(4) == 0) continue;  // combinations that do not occur
        values.push_back({absl::StrCat("r", r), absl::StrCat("c", c)});
        respondents.push_back(1 + next(12));
      }
    }
    const std::vector<bool> hidden = SuppressedCells(values, respondents, 5);
    ASSERT_EQ(hidden.size(), values.size());
    std::map<std::string, std::pair<int, int>> groups;  // name -> (cells, hidden)
    for (size_t i = 0; i < values.size(); ++i) {
      if (respondents[i] < 5) {
        EXPECT_TRUE(hidden[i]) << "trial " << trial;
      }
      for (const std::string& group :
           {std::string("all"), "row " + values[i][0], "column " + values[i][1]}) {
        ++groups[group].first;
        groups[group].second += hidden[i] ? 1 : 0;
      }
    }
    for (const auto& [group, counts] : groups) {
      if (counts.first >= 2) {
        EXPECT_NE(counts.second, 1) << "trial " << trial << ": " << group;
      }
    }
    for (size_t d = 0; d < 2 && !values.empty(); ++d) {
      std::map<std::string, std::pair<int64_t, bool>> rows_of;  // value -> (total, any hidden)
      for (size_t i = 0; i < values.size(); ++i) {
        rows_of[values[i][d]].first += respondents[i];
        rows_of[values[i][d]].second = rows_of[values[i][d]].second || hidden[i];
      }
      std::vector<std::vector<std::string>> row_values;
      std::vector<int64_t> totals;
      for (const auto& [value, row] : rows_of) {
        row_values.push_back({value});
        totals.push_back(row.first);
      }
      const std::vector<bool> hidden_rows = SuppressedCells(row_values, totals, 5);
      size_t r = 0;
      for (const auto& [value, row] : rows_of) {
        if (hidden_rows[r++]) {
          EXPECT_TRUE(row.second) << "trial " << trial << ": " << value << " shown in full";
        }
      }
    }
  }
}

// --- Breakdowns

TEST(BreakdownTest, CellsInValueOrderWithAndWithoutSuppression) {
  const sv::Survey survey = ParseSurvey(kQuizSurvey);
  Breakdown by_country(survey, {Dimension::kCountry});
  // MY 6 (overall 4 each, score 3), TH 2 (overall 1), VN 7 (overall 5), one without a country.
  for (int i = 0; i < 6; ++i) by_country.Add(QuizResponse(4, "a", "b", "MY"));
  for (int i = 0; i < 2; ++i) by_country.Add(QuizResponse(1, "b", "a", "TH"));
  for (int i = 0; i < 7; ++i) by_country.Add(QuizResponse(5, "a", "", "VN"));
  by_country.Add(QuizResponse(3, "a", "a", ""));

  std::vector<v1::BreakdownCell> cells = by_country.Cells(false, 5);
  ASSERT_EQ(cells.size(), 4u);
  EXPECT_THAT(cells[0].values(), ElementsAre(""));
  EXPECT_THAT(cells[1].values(), ElementsAre("MY"));
  EXPECT_THAT(cells[2].values(), ElementsAre("TH"));
  EXPECT_THAT(cells[3].values(), ElementsAre("VN"));
  for (const v1::BreakdownCell& cell : cells) {
    EXPECT_FALSE(cell.suppressed());
    EXPECT_EQ(cell.questions_size(), 3);
  }
  EXPECT_EQ(cells[2].respondents(), 2);
  EXPECT_DOUBLE_EQ(cells[2].questions(0).scale().mean(), 1.0);
  EXPECT_DOUBLE_EQ(cells[3].questions(0).scale().mean(), 5.0);
  EXPECT_DOUBLE_EQ(cells[1].score().mean(), 3.0);
  EXPECT_DOUBLE_EQ(cells[3].score().mean(), 1.0);

  // Anonymous: "" (1) and TH (2) are small and hide each other, but the total less MY and VN
  // would give their figures together, those of 3 people: MY (6), the smaller, is hidden too.
  cells = by_country.Cells(true, 5);
  ASSERT_EQ(cells.size(), 4u);
  EXPECT_TRUE(cells[0].suppressed());
  EXPECT_TRUE(cells[1].suppressed());
  EXPECT_TRUE(cells[2].suppressed());
  EXPECT_FALSE(cells[3].suppressed());
  EXPECT_EQ(cells[2].respondents(), 2);  // the count stays; the figures go
  EXPECT_THAT(cells[2].questions(), IsEmpty());
  EXPECT_FALSE(cells[2].has_score());
  EXPECT_EQ(cells[3].questions_size(), 3);

  // With 7 as the minimum, MY (6) is small too: "" , MY and TH hidden, VN shown.
  cells = by_country.Cells(true, 7);
  EXPECT_TRUE(cells[0].suppressed());
  EXPECT_TRUE(cells[1].suppressed());
  EXPECT_TRUE(cells[2].suppressed());
  EXPECT_FALSE(cells[3].suppressed());
}

TEST(BreakdownTest, OneSmallCellHidesItsComplementAndCellsNeverListUncodedText) {
  const sv::Survey survey = ParseSurvey(R"pb(
    id: "s"
    anonymous: true
    questions {
      key: "text"
      text: "Comments"
      free_text {}
    })pb");
  Breakdown by(survey, {Dimension::kGender});
  auto add = [&](const std::string& gender, const std::string& text) {
    sv::Response r;
    r.mutable_attributes()->set_gender(gender);
    sv::Answer* a = r.add_answers();
    a->set_question_key("text");
    a->set_text(text);
    by.Add(r);
  };
  for (int i = 0; i < 6; ++i) add("female", "Useful");
  for (int i = 0; i < 9; ++i) add("male", "Fine");
  add("other", "Identifying detail");
  std::vector<v1::BreakdownCell> cells = by.Cells(true, 5);
  ASSERT_EQ(cells.size(), 3u);
  // "other" (1) is small; the smallest other cell, female (6), is hidden with it.
  EXPECT_TRUE(cells[0].suppressed());
  EXPECT_FALSE(cells[1].suppressed());
  EXPECT_TRUE(cells[2].suppressed());
  EXPECT_EQ(cells[1].questions(0).free_text().uncoded_count(), 9);
  EXPECT_THAT(cells[1].questions(0).free_text().uncoded_answers(), IsEmpty());
}

TEST(BreakdownTest, TwoDimensionsKeepTheRequestOrder) {
  const sv::Survey survey = ParseSurvey(kQuizSurvey);
  Breakdown by(survey, {Dimension::kSector, Dimension::kCountry});
  by.Add(QuizResponse(4, "a", "b", "MY", "government"));
  by.Add(QuizResponse(2, "a", "b", "TH", "civil-society"));
  by.Add(QuizResponse(4, "a", "b", "MY", "government"));
  const std::vector<v1::BreakdownCell> cells = by.Cells(false, 5);
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_THAT(cells[0].values(), ElementsAre("civil-society", "TH"));
  EXPECT_THAT(cells[1].values(), ElementsAre("government", "MY"));
  EXPECT_EQ(cells[1].respondents(), 2);
}

// --- Withheld question figures (anonymous surveys)

constexpr char kCommentSurvey[] = R"pb(
  id: "srv_comments"
  anonymous: true
  questions {
    key: "overall"
    text: "Overall"
    likert { points: 5 }
  }
  questions {
    key: "comment"
    text: "Anything else?"
    free_text {}
  }
  questions {
    key: "unused"
    text: "Never answered"
    rating { min: 1 max: 7 }
  })pb";

// A response from `country` answering overall (always) and, when `comment` is given, the comment
// (coded "venue" when `coded`).
sv::Response CommentResponse(const std::string& country, const std::string& comment = "",
                             bool coded = false) {
  sv::Response r;
  r.mutable_attributes()->set_country(country);
  sv::Answer* a = r.add_answers();
  a->set_question_key("overall");
  a->set_scale(4);
  if (!comment.empty()) {
    a = r.add_answers();
    a->set_question_key("comment");
    a->set_text(comment);
    if (coded) a->add_codes("venue");
  }
  return r;
}

TEST(WithheldQuestionTest, OverallFiguresOfFewerAnswersThanTheMinimumAreWithheld) {
  const sv::Survey survey = ParseSurvey(kCommentSurvey);
  SurveyAggregator agg(survey);
  for (int i = 0; i < 6; ++i) agg.Add(CommentResponse("MY"));
  agg.Add(CommentResponse("MY", "The hotel was near my ministry", true));
  agg.Add(CommentResponse("MY", "Ask the one colleague from Laos"));
  agg.Add(CommentResponse("MY", "Ask me, the only judge"));

  // Not anonymous (no minimum): every figure, the uncoded answers too.
  std::vector<v1::QuestionSummary> all = agg.Questions(true);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_FALSE(all[1].suppressed());
  EXPECT_EQ(all[1].free_text().answered(), 3);
  EXPECT_EQ(all[1].free_text().uncoded_answers_size(), 2);

  // Minimum 5: 9 answered overall (shown); 3 the comment (withheld: key, text and kind only, no
  // missing count, which with the 9 responses would give the 3, no themes and no answers);
  // nobody the rating (nothing to protect: shown, with no figures).
  std::vector<v1::QuestionSummary> shown = agg.Questions(true, 5);
  ASSERT_EQ(shown.size(), 3u);
  EXPECT_FALSE(shown[0].suppressed());
  EXPECT_EQ(shown[0].scale().answered(), 9);
  const v1::QuestionSummary& comment = shown[1];
  EXPECT_TRUE(comment.suppressed());
  EXPECT_EQ(comment.suppressed_reason(), "fewer than 5 answers");
  EXPECT_EQ(comment.key(), "comment");
  EXPECT_EQ(comment.text(), "Anything else?");
  EXPECT_EQ(comment.kind(), "free-text");
  EXPECT_EQ(comment.missing(), 0);
  EXPECT_EQ(comment.statistics_case(), v1::QuestionSummary::STATISTICS_NOT_SET);
  EXPECT_FALSE(shown[2].suppressed());
  EXPECT_EQ(shown[2].scale().answered(), 0);
  EXPECT_EQ(shown[2].missing(), 9);

  // A withheld question says nothing in the highlights.
  v1::SummarizeSurveyResponse summary;
  summary.set_response_count(9);
  for (auto& q : shown) *summary.add_questions() = q;
  for (const std::string& sentence : SurveyHighlights(summary)) {
    EXPECT_THAT(sentence, ::testing::Not(HasSubstr("venue")));
  }

  // At exactly the minimum it is shown; a larger minimum withholds more.
  agg.Add(CommentResponse("MY", "Fine"));
  agg.Add(CommentResponse("MY", "Fine"));
  EXPECT_FALSE(agg.Questions(true, 5)[1].suppressed());
  EXPECT_EQ(agg.Questions(true, 5)[1].free_text().answered(), 5);
  EXPECT_TRUE(agg.Questions(true, 6)[1].suppressed());
  EXPECT_EQ(agg.Questions(true, 6)[1].suppressed_reason(), "fewer than 6 answers");
}

TEST(WithheldQuestionTest, ACellsFewAnswersAreWithheldWithTheirComplement) {
  const sv::Survey survey = ParseSurvey(kCommentSurvey);
  Breakdown by(survey, {Dimension::kCountry});
  // Respondents: ID 6, MY 9, TH 8, all shown. Comments: ID 2, MY 7, TH 6 (15 in all, shown).
  // ID's 2 are withheld; the overall comment figures less MY's and TH's would give them, so the
  // smaller of the two, TH (6), is withheld too, as complementary. MY is shown.
  for (int i = 0; i < 6; ++i) by.Add(CommentResponse("ID", i < 2 ? "The judge from Bali" : ""));
  for (int i = 0; i < 9; ++i) by.Add(CommentResponse("MY", i < 7 ? "Good" : "", i < 3));
  for (int i = 0; i < 8; ++i) by.Add(CommentResponse("TH", i < 6 ? "Good" : "", i < 1));
  const std::vector<v1::BreakdownCell> cells = by.Cells(true, 5);
  ASSERT_EQ(cells.size(), 3u);
  for (const v1::BreakdownCell& cell : cells) {
    EXPECT_FALSE(cell.suppressed());
    ASSERT_EQ(cell.questions_size(), 3);
    // Every respondent answered overall: shown in every cell.
    EXPECT_FALSE(cell.questions(0).suppressed());
    EXPECT_EQ(cell.questions(0).scale().answered(), cell.respondents());
    // Nobody answered the rating anywhere: no cell takes part, none is withheld.
    EXPECT_FALSE(cell.questions(2).suppressed());
  }
  EXPECT_TRUE(cells[0].questions(1).suppressed());
  EXPECT_EQ(cells[0].questions(1).suppressed_reason(), "fewer than 5 answers");
  EXPECT_EQ(cells[0].questions(1).missing(), 0);
  EXPECT_FALSE(cells[0].questions(1).has_free_text());
  EXPECT_FALSE(cells[1].questions(1).suppressed());
  EXPECT_EQ(cells[1].questions(1).free_text().answered(), 7);
  EXPECT_EQ(cells[1].questions(1).free_text().uncoded_count(), 4);
  // Cells never list free-text answers, whatever their size.
  EXPECT_THAT(cells[1].questions(1).free_text().uncoded_answers(), IsEmpty());
  EXPECT_TRUE(cells[2].questions(1).suppressed());
  EXPECT_EQ(cells[2].questions(1).suppressed_reason(), "complementary");

  // Not anonymous: nothing withheld.
  for (const v1::BreakdownCell& cell : by.Cells(false, 5)) {
    for (const v1::QuestionSummary& q : cell.questions()) EXPECT_FALSE(q.suppressed());
  }
}

TEST(WithheldQuestionTest, TheWithheldAnswersOfATotalAddUpToNoneOrToTheMinimum) {
  const sv::Survey survey = ParseSurvey(kCommentSurvey);
  Breakdown by(survey, {Dimension::kCountry});
  // Respondents: ID 6, MY 6, TH 8, VN 9, all shown. Comments: ID 1, MY 2, TH 7, VN 8 (18 in all,
  // shown). ID's and MY's are withheld and protect each other from subtraction one by one, but
  // the overall comment figures less TH's and VN's would give theirs together: 3 answers. So the
  // smaller of the others, TH (7), is withheld too, as complementary; VN is shown.
  for (int i = 0; i < 6; ++i) by.Add(CommentResponse("ID", i < 1 ? "Only judge" : ""));
  for (int i = 0; i < 6; ++i) by.Add(CommentResponse("MY", i < 2 ? "Good" : ""));
  for (int i = 0; i < 8; ++i) by.Add(CommentResponse("TH", i < 7 ? "Good" : ""));
  for (int i = 0; i < 9; ++i) by.Add(CommentResponse("VN", i < 8 ? "Good" : ""));
  const std::vector<v1::BreakdownCell> cells = by.Cells(true, 5);
  ASSERT_EQ(cells.size(), 4u);  // ID, MY, TH, VN
  std::vector<std::string> comment;
  for (const v1::BreakdownCell& cell : cells) {
    ASSERT_FALSE(cell.suppressed()) << cell.values(0);
    EXPECT_FALSE(cell.questions(0).suppressed());
    const v1::QuestionSummary& q = cell.questions(1);
    comment.push_back(q.suppressed() ? q.suppressed_reason()
                                     : absl::StrCat(q.free_text().answered(), " shown"));
  }
  EXPECT_THAT(comment, ElementsAre("fewer than 5 answers", "fewer than 5 answers", "complementary",
                                   "8 shown"));
}

TEST(WithheldQuestionTest, CellsHiddenWholeCountAsHiddenAndEmptyCellsTakeNoPart) {
  const sv::Survey survey = ParseSurvey(kCommentSurvey);
  Breakdown by(survey, {Dimension::kCountry});
  // Respondents: KH 2 (small), ID 6 (its complement), MY 9, TH 8, VN 7.
  // Comments:    KH 2,          ID 6,                 MY 3, TH 7, VN 0.
  // MY's 3 are withheld. KH and ID are hidden whole already, so the overall total hides three
  // cells' comments: no complement is needed, TH is shown; VN, where nobody commented, shows 0.
  for (int i = 0; i < 2; ++i) by.Add(CommentResponse("KH", "Phnom Penh next time"));
  for (int i = 0; i < 6; ++i) by.Add(CommentResponse("ID", "Good"));
  for (int i = 0; i < 9; ++i) by.Add(CommentResponse("MY", i < 3 ? "Good" : ""));
  for (int i = 0; i < 8; ++i) by.Add(CommentResponse("TH", i < 7 ? "Good" : ""));
  for (int i = 0; i < 7; ++i) by.Add(CommentResponse("VN"));
  const std::vector<v1::BreakdownCell> cells = by.Cells(true, 5);
  ASSERT_EQ(cells.size(), 5u);  // ID, KH, MY, TH, VN
  EXPECT_TRUE(cells[0].suppressed());
  EXPECT_TRUE(cells[1].suppressed());
  EXPECT_THAT(cells[1].questions(), IsEmpty());
  EXPECT_TRUE(cells[2].questions(1).suppressed());
  EXPECT_EQ(cells[2].questions(1).suppressed_reason(), "fewer than 5 answers");
  EXPECT_FALSE(cells[3].questions(1).suppressed());
  EXPECT_EQ(cells[3].questions(1).free_text().answered(), 7);
  EXPECT_FALSE(cells[4].questions(1).suppressed());
  EXPECT_EQ(cells[4].questions(1).free_text().answered(), 0);
  EXPECT_EQ(cells[4].questions(1).missing(), 7);
}

TEST(SuppressedCellsTest, CellsAlreadyHiddenCountAsHidden) {
  // B (3) is small; D is hidden already, so the total hides two cells: no complement.
  EXPECT_THAT(SuppressedCells(OneDimension({"A", "B", "C", "D"}), {10, 3, 7, 12}, 5,
                              {false, false, false, true}),
              ElementsAre(false, true, false, true));
  // Without it, C (7) would be B's complement.
  EXPECT_THAT(SuppressedCells(OneDimension({"A", "B", "C", "D"}), {10, 3, 7, 12}, 5,
                              {false, false, false, false}),
              ElementsAre(false, true, true, false));
}

// --- Pre/post

sv::Response Scored(const std::string& pair_key, int score) {
  sv::Response r;
  r.set_pair_key(pair_key);
  r.set_score(score);
  return r;
}

TEST(PrePostPairingTest, PairsByKeyAndCountsTheUnpairedOnBothSides) {
  PrePostPairing pairing(3);
  pairing.AddPre(Scored("k1", 1));
  pairing.AddPre(Scored("k2", 2));
  pairing.AddPre(Scored("k3", 0));  // never takes the post-test
  pairing.AddPre(Scored("", 2));    // no pair key: cannot pair
  pairing.AddPost(Scored("k2", 2));
  pairing.AddPost(Scored("k1", 3));
  pairing.AddPost(Scored("k4", 3));  // no pre-test
  pairing.AddPost(Scored("", 1));
  v1::ComparePrePostResponse out;
  pairing.Fill(0, &out);
  EXPECT_EQ(out.pairs(), 2);
  EXPECT_EQ(out.unpaired_pre(), 2);
  EXPECT_EQ(out.unpaired_post(), 2);
  EXPECT_EQ(out.max_score(), 3);
  // Pairs (1, 3) and (2, 2): gains 2 and 0.
  EXPECT_DOUBLE_EQ(out.mean_pre(), 1.5);
  EXPECT_DOUBLE_EQ(out.mean_post(), 2.5);
  EXPECT_DOUBLE_EQ(out.mean_gain(), 1.0);
  // sd of the gains sqrt(2); half-width t(0.975, 1) sqrt(2) / sqrt(2).
  EXPECT_NEAR(out.gain_ci_low(), 1.0 - kT975Df1, 1e-11);
  EXPECT_NEAR(out.gain_ci_high(), 1.0 + kT975Df1, 1e-11);
  // (2.5 - 1.5) / (3 - 1.5).
  EXPECT_NEAR(out.normalized_gain(), 2.0 / 3, 1e-15);
  // scipy.stats.wilcoxon([3, 2], [1, 2]): a zero difference, so the normal approximation of the
  // one non-zero difference: z = -1, p = 2 Phi(-1).
  EXPECT_NEAR(out.wilcoxon_p_value(), 0.31731050786291415, 1e-12);
}

TEST(PrePostPairingTest, NothingPairedHasOnlyCounts) {
  PrePostPairing pairing(4);
  pairing.AddPre(Scored("", 1));
  pairing.AddPost(Scored("", 2));
  pairing.AddPost(Scored("k", 2));
  v1::ComparePrePostResponse out;
  pairing.Fill(0, &out);
  EXPECT_EQ(out.pairs(), 0);
  EXPECT_EQ(out.unpaired_pre(), 1);
  EXPECT_EQ(out.unpaired_post(), 2);
  EXPECT_FALSE(out.has_mean_pre());
  EXPECT_FALSE(out.has_mean_gain());
  EXPECT_FALSE(out.has_gain_ci_low());
  EXPECT_FALSE(out.has_wilcoxon_p_value());
  EXPECT_THAT(PrePostHighlights(out),
              ElementsAre("3 responses could not be paired (1 pre-test only, 2 post-test only)."));
}

// `pairs` people who took both tests (scores 1 then 2), `pre_only` only the pre-test, `post_only`
// only the post-test, filled with `min_cell_size`.
v1::ComparePrePostResponse Compared(int pairs, int pre_only, int post_only, int min_cell_size) {
  PrePostPairing pairing(3);
  for (int i = 0; i < pairs; ++i) pairing.AddPre(Scored(absl::StrCat("k", i), 1 + i % 2));
  for (int i = 0; i < pre_only; ++i) pairing.AddPre(Scored(absl::StrCat("pre", i), 1));
  for (int i = 0; i < pairs; ++i) pairing.AddPost(Scored(absl::StrCat("k", i), 2 + i % 2));
  for (int i = 0; i < post_only; ++i) pairing.AddPost(Scored(absl::StrCat("post", i), 3));
  v1::ComparePrePostResponse out;
  pairing.Fill(min_cell_size, &out);
  return out;
}

// No figure, only the counts.
void ExpectWithheld(const v1::ComparePrePostResponse& c, const std::string& reason) {
  EXPECT_TRUE(c.suppressed());
  EXPECT_EQ(c.suppressed_reason(), reason);
  EXPECT_EQ(c.max_score(), 3);
  EXPECT_FALSE(c.has_mean_pre());
  EXPECT_FALSE(c.has_mean_post());
  EXPECT_FALSE(c.has_mean_gain());
  EXPECT_FALSE(c.has_gain_ci_low());
  EXPECT_FALSE(c.has_gain_ci_high());
  EXPECT_FALSE(c.has_normalized_gain());
  EXPECT_FALSE(c.has_wilcoxon_p_value());
  for (const std::string& sentence : PrePostHighlights(c)) {
    EXPECT_THAT(sentence, ::testing::Not(HasSubstr("mean"))) << sentence;
  }
}

TEST(PrePostPairingTest, AnonymousTestsWithholdTheFiguresOfFewerPeopleThanTheMinimum) {
  // 3 pairs: their mean scores would describe 3 people. The counts stay.
  v1::ComparePrePostResponse c = Compared(3, 0, 0, 5);
  EXPECT_EQ(c.pairs(), 3);
  EXPECT_EQ(c.min_cell_size(), 5);
  ExpectWithheld(c, "fewer than 5 pairs");
  EXPECT_THAT(PrePostHighlights(c), IsEmpty());

  // 6 pairs, but 2 took only the pre-test: the pre-test's own mean score (of 8) less the paired
  // mean (of 6) would give those 2's. The sentence of counts stays.
  c = Compared(6, 2, 0, 5);
  EXPECT_EQ(c.pairs(), 6);
  EXPECT_EQ(c.unpaired_pre(), 2);
  ExpectWithheld(c, "fewer than 5 took only the pre-test");
  EXPECT_THAT(PrePostHighlights(c),
              ElementsAre("2 responses could not be paired (2 pre-test only, 0 post-test only)."));
  // Likewise 1 who took only the post-test.
  ExpectWithheld(Compared(6, 5, 1, 5), "fewer than 5 took only the post-test");
  // A raised minimum.
  ExpectWithheld(Compared(6, 0, 0, 7), "fewer than 7 pairs");

  // At least the minimum everywhere, or nobody (nothing to protect): every figure.
  for (const v1::ComparePrePostResponse& shown :
       {Compared(6, 5, 0, 5), Compared(5, 0, 0, 5), Compared(0, 5, 6, 5)}) {
    EXPECT_FALSE(shown.suppressed());
    EXPECT_EQ(shown.suppressed_reason(), "");
    EXPECT_EQ(shown.min_cell_size(), 5);
  }
  c = Compared(6, 5, 0, 5);
  EXPECT_DOUBLE_EQ(c.mean_pre(), 1.5);
  EXPECT_DOUBLE_EQ(c.mean_post(), 2.5);
  EXPECT_TRUE(c.has_wilcoxon_p_value());
  EXPECT_THAT(PrePostHighlights(c)[0], HasSubstr("6 participants took both tests"));

  // Not anonymous (no minimum): every figure, however few.
  c = Compared(2, 1, 1, 0);
  EXPECT_FALSE(c.suppressed());
  EXPECT_EQ(c.min_cell_size(), 0);
  EXPECT_DOUBLE_EQ(c.mean_gain(), 1.0);
}

TEST(PrePostItemsTest, ItemsOfFewAnswersAndItemsOfAWithheldComparisonHaveNoFigures) {
  const sv::Survey survey = ParseSurvey(kQuizSurvey);
  SurveyAggregator pre(survey), post(survey);
  // q1: 6 answers in each test (3 then 5 correct); q2: 6 before, 3 after.
  for (int i = 0; i < 6; ++i) {
    pre.Add(QuizResponse(3, i < 3 ? "a" : "b", "b"));
    post.Add(QuizResponse(3, i < 5 ? "a" : "b", i < 3 ? "b" : ""));
  }
  v1::ComparePrePostResponse c;
  FillPrePostItems(pre, post, 5, &c);
  ASSERT_EQ(c.items_size(), 2);  // the quiz questions, not "overall"
  EXPECT_EQ(c.items(0).key(), "q1");
  EXPECT_FALSE(c.items(0).suppressed());
  EXPECT_DOUBLE_EQ(c.items(0).percent_correct_pre(), 50.0);
  EXPECT_NEAR(c.items(0).percent_correct_post(), 500.0 / 6, 1e-12);
  EXPECT_EQ(c.items(1).key(), "q2");
  EXPECT_EQ(c.items(1).text(), "Q2");
  EXPECT_TRUE(c.items(1).suppressed());
  EXPECT_EQ(c.items(1).suppressed_reason(), "fewer than 5 answers");
  EXPECT_FALSE(c.items(1).has_percent_correct_pre());
  EXPECT_FALSE(c.items(1).has_percent_correct_post());

  // Not anonymous: both.
  c.Clear();
  FillPrePostItems(pre, post, 0, &c);
  ASSERT_EQ(c.items_size(), 2);
  EXPECT_FALSE(c.items(1).suppressed());
  EXPECT_DOUBLE_EQ(c.items(1).percent_correct_post(), 100.0);

  // A withheld comparison withholds every item, with its reason.
  c.Clear();
  c.set_suppressed(true);
  c.set_suppressed_reason("fewer than 5 pairs");
  FillPrePostItems(pre, post, 5, &c);
  ASSERT_EQ(c.items_size(), 2);
  for (const v1::PrePostItem& item : c.items()) {
    EXPECT_TRUE(item.suppressed()) << item.key();
    EXPECT_EQ(item.suppressed_reason(), "fewer than 5 pairs");
    EXPECT_FALSE(item.has_percent_correct_pre());
    EXPECT_FALSE(item.has_percent_correct_post());
  }
}

// --- Sentences

// 42 answers to "What was the most useful aspect?", `peer` of them coded "peer experience
// sharing" and 8 "collaboration".
v1::SummarizeSurveyResponse ThemesSummary(int responses, int answers, int peer) {
  const sv::Question q = ParseQuestion(R"pb(
    key: "most_useful"
    text: "What was the most useful aspect?"
    free_text {})pb");
  QuestionAccumulator acc(q);
  for (int i = 0; i < answers; ++i) {
    std::vector<std::string> codes;
    if (i < peer) codes.push_back("peer experience sharing");
    if (i >= answers - 8) codes.push_back("collaboration");
    const sv::Answer a = Text("answer", codes);
    acc.Add(&a);
  }
  for (int i = answers; i < responses; ++i) acc.Add(nullptr);
  v1::SummarizeSurveyResponse summary;
  summary.set_response_count(responses);
  *summary.add_questions() = acc.Summarize(true);
  return summary;
}

TEST(SurveyHighlightsTest, ThemeSentenceAsInTheOutcomesDocument) {
  // 11 of 42 is 26.19%; no whole count of 42 rounds to 27% (11.34 would), so the issue's
  // "27%" sentence is checked with 13 of 48 (27.08%).
  EXPECT_THAT(SurveyHighlights(ThemesSummary(42, 42, 11)),
              ElementsAre("Out of 42 responses, 26% named peer experience sharing as the most "
                          "useful aspect."));
  EXPECT_THAT(SurveyHighlights(ThemesSummary(48, 48, 13)),
              ElementsAre("Out of 48 responses, 27% named peer experience sharing as the most "
                          "useful aspect."));
  // A second theme is mentioned from 20% on (8 of 32 is 25%); answers fewer than responses say so.
  EXPECT_THAT(
      SurveyHighlights(ThemesSummary(34, 32, 11)),
      ElementsAre(
          "Out of 32 answers (34 responses), 34% named peer experience sharing as the most useful "
          "aspect.",
          "Out of 32 answers (34 responses), 25% named collaboration as the most useful aspect."));
}

TEST(SurveyHighlightsTest, QuestionsNotAskingWhatAreQuoted) {
  const sv::Question q = ParseQuestion(R"pb(key: "comments"
                                            text: "Any other comments?"
                                            free_text {})pb");
  QuestionAccumulator acc(q);
  const sv::Answer a = Text("More time", {"duration"});
  acc.Add(&a);
  const sv::Answer b = Text("Fine");
  acc.Add(&b);
  v1::SummarizeSurveyResponse summary;
  summary.set_response_count(2);
  *summary.add_questions() = acc.Summarize(true);
  EXPECT_THAT(SurveyHighlights(summary),
              ElementsAre("Out of 2 responses, 50% named duration in answer to \u201cAny other "
                          "comments?\u201d."));
}

TEST(SurveyHighlightsTest, OneSentencePerKindOfQuestion) {
  const sv::Survey survey = ParseSurvey(R"pb(
    id: "s"
    questions {
      key: "overall"
      text: "Overall satisfaction"
      likert {
        points: 5
        labels: [ "Very poor", "Poor", "Fair", "Good", "Excellent" ]
      }
    }
    questions {
      key: "recommend"
      text: "Recommend?"
      rating { min: 0 max: 10 }
    }
    questions {
      key: "format"
      text: "Preferred format"
      single_choice {
        options { key: "a" label: "In person" }
        options { key: "b" label: "Online" }
      }
    }
    questions {
      key: "q"
      text: "Chapter II?"
      quiz {
        correct: "y"
        points: 2
        options { key: "y" label: "Yes" }
        options { key: "n" label: "No" }
      }
    })pb");
  SurveyAggregator agg(survey);
  struct Row {
    int overall, recommend;
    const char* format;
    const char* quiz;
  };
  // Overall: 5 4 4 2 (75% top two, mean 3.75). Recommend: 10 9 6 8 -> 50% - 25% = +25.
  // Format: a a b a (75% of 4). Quiz: y n y y (75%), scores 2 0 2 2 (mean 1.5 of 2).
  for (const Row& row :
       {Row{5, 10, "a", "y"}, Row{4, 9, "a", "n"}, Row{4, 6, "b", "y"}, Row{2, 8, "a", "y"}}) {
    sv::Response r;
    auto add = [&r](const char* key) {
      sv::Answer* a = r.add_answers();
      a->set_question_key(key);
      return a;
    };
    add("overall")->set_scale(row.overall);
    add("recommend")->set_scale(row.recommend);
    add("format")->set_choice(row.format);
    add("q")->set_choice(row.quiz);
    r.set_score(std::string(row.quiz) == "y" ? 2 : 0);
    agg.Add(r);
  }
  v1::SummarizeSurveyResponse summary;
  summary.set_response_count(4);
  for (auto& q : agg.Questions(true)) *summary.add_questions() = q;
  summary.set_max_score(agg.max_score());
  *summary.mutable_score() = agg.Score();
  EXPECT_THAT(
      SurveyHighlights(summary),
      ElementsAre(
          "75% of 4 respondents answered Good or Excellent to \u201cOverall satisfaction\u201d "
          "(mean 3.8 of 5).",
          "Net promoter score for \u201cRecommend?\u201d: +25 (4 answers).",
          "\u201cIn person\u201d was the most chosen answer to \u201cPreferred format\u201d: 75% "
          "of 4 respondents.",
          "75% of 4 answered \u201cChapter II?\u201d correctly.",
          "The mean score was 1.5 of 2 (4 responses)."));
}

TEST(SurveyHighlightsTest, NetPromoterScoreIsSignedAsPrinted) {
  const sv::Question q = ParseQuestion(R"pb(key: "r"
                                            text: "R"
                                            rating { min: 0 max: 10 })pb");
  for (const auto& [extreme, shown] : {std::pair<int, std::string>{10, "0"}, {0, "0"}}) {
    // One promoter (or detractor) and 249 passives: +-0.4.
    QuestionAccumulator acc(q);
    const sv::Answer one = Scale(extreme), passive = Scale(8);
    acc.Add(&one);
    for (int i = 0; i < 249; ++i) acc.Add(&passive);
    v1::SummarizeSurveyResponse summary;
    summary.set_response_count(250);
    *summary.add_questions() = acc.Summarize(true);
    EXPECT_NEAR(std::abs(summary.questions(0).scale().net_promoter_score()), 0.4, 1e-12);
    EXPECT_THAT(SurveyHighlights(summary),
                ElementsAre(absl::StrCat("Net promoter score for \u201cR\u201d: ", shown,
                                         " (250 answers).")));
  }
}

TEST(SurveyHighlightsTest, NothingAnsweredSaysNothing) {
  const sv::Survey survey = ParseSurvey(kQuizSurvey);
  SurveyAggregator agg(survey);
  v1::SummarizeSurveyResponse summary;
  for (auto& q : agg.Questions(true)) *summary.add_questions() = q;
  summary.set_max_score(agg.max_score());
  *summary.mutable_score() = agg.Score();
  EXPECT_THAT(SurveyHighlights(summary), IsEmpty());
}

TEST(PrePostHighlightsTest, GainSentence) {
  PrePostPairing pairing(3);
  pairing.AddPre(Scored("k1", 1));
  pairing.AddPre(Scored("k2", 2));
  pairing.AddPost(Scored("k1", 3));
  pairing.AddPost(Scored("k2", 2));
  v1::ComparePrePostResponse out;
  pairing.Fill(0, &out);
  EXPECT_THAT(PrePostHighlights(out),
              ElementsAre("2 participants took both tests: the mean score rose from 1.5 to 2.5 of "
                          "3 (mean gain 1.00, 95% CI -11.71 to 13.71; normalised gain 0.67; "
                          "Wilcoxon signed-rank p = 0.317)."));
}

TEST(PrePostHighlightsTest, PValueReadsAsTheTablesPrintIt) {
  v1::ComparePrePostResponse out;
  out.set_pairs(36);
  out.set_max_score(10);
  out.set_mean_pre(4.61);
  out.set_mean_post(7.28);
  out.set_mean_gain(2.67);
  // Below 0.001: "< 0.001" (never "< 0.0001" or "0.000"); else three decimals, as FormatPValue.
  for (const auto& [p, clause] :
       std::vector<std::pair<double, std::string>>{{0.0000031, "p < 0.001"},
                                                   {0.00099, "p < 0.001"},
                                                   {0.001, "p = 0.001"},
                                                   {0.04271, "p = 0.043"},
                                                   {0.5, "p = 0.500"},
                                                   {1.0, "p = 1.000"}}) {
    out.set_wilcoxon_p_value(p);
    ASSERT_EQ(PrePostHighlights(out).size(), 1u);
    EXPECT_THAT(PrePostHighlights(out)[0],
                HasSubstr(absl::StrCat("Wilcoxon signed-rank ", clause, ").")));
    EXPECT_EQ(PValueClause(p), clause);
    EXPECT_EQ(clause, absl::StrCat("p ", p < 0.001 ? "" : "= ", FormatPValue(p)));
  }
}

TEST(WholePercentTest, RoundsToTheNearestWholeNumber) {
  EXPECT_EQ(WholePercent(26.19), "26%");
  EXPECT_EQ(WholePercent(26.5), "27%");
  EXPECT_EQ(WholePercent(0.4), "0%");
  EXPECT_EQ(WholePercent(100), "100%");
}

// --- Requests

google::protobuf::RepeatedPtrField<std::string> By(std::vector<std::string> names) {
  google::protobuf::RepeatedPtrField<std::string> by;
  for (std::string& name : names) by.Add(std::move(name));
  return by;
}

TEST(ParseDimensionsTest, UpToTwoKnownNames) {
  EXPECT_THAT(*ParseDimensions(By({})), IsEmpty());
  EXPECT_THAT(*ParseDimensions(By({" Country ", "SECTOR"})),
              ElementsAre(Dimension::kCountry, Dimension::kSector));
  EXPECT_THAT(*ParseDimensions(By({"role", "gender"})),
              ElementsAre(Dimension::kRole, Dimension::kGender));
  EXPECT_EQ(DimensionName(Dimension::kGender), "gender");
}

TEST(ParseDimensionsTest, UnknownRepeatedOrTooManyAreRefusedNamingBy) {
  EXPECT_THAT(ParseDimensions(By({"region"})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("by"), HasSubstr("region"))));
  EXPECT_THAT(ParseDimensions(By({"country", "Country"})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("by"), HasSubstr("twice"))));
  EXPECT_THAT(ParseDimensions(By({"country", "sector", "gender"})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("by")));
}

TEST(MinCellSizeTest, DefaultAndOnlyUpward) {
  EXPECT_EQ(*MinCellSize(0), 5);
  EXPECT_EQ(*MinCellSize(5), 5);
  EXPECT_EQ(*MinCellSize(10), 10);
  EXPECT_THAT(MinCellSize(3),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("min_cell_size")));
  EXPECT_THAT(MinCellSize(-1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("min_cell_size")));
}

}  // namespace
}  // namespace convene::aggregation

namespace convene::aggregation {
namespace {

// The rank of `rows` (each a vector of equal length), by Gaussian elimination.
int Rank(std::vector<std::vector<double>> rows) {
  int rank = 0;
  const size_t columns = rows.empty() ? 0 : rows[0].size();
  for (size_t c = 0; c < columns && rank < static_cast<int>(rows.size()); ++c) {
    size_t pivot = rank;
    for (size_t r = rank; r < rows.size(); ++r) {
      if (std::abs(rows[r][c]) > std::abs(rows[pivot][c])) pivot = r;
    }
    if (std::abs(rows[pivot][c]) < 1e-9) continue;
    std::swap(rows[pivot], rows[rank]);
    for (size_t r = 0; r < rows.size(); ++r) {
      if (r == static_cast<size_t>(rank)) continue;
      const double factor = rows[r][c] / rows[rank][c];
      for (size_t k = c; k < columns; ++k) rows[r][k] -= factor * rows[rank][k];
    }
    ++rank;
  }
  return rank;
}

// The sets of at least one of `cells` (indices into a vector of counts) whose counts add up to
// less than `below`.
std::vector<std::vector<size_t>> SetsBelow(const std::vector<size_t>& cells,
                                           const std::vector<int64_t>& counts, int64_t below) {
  std::vector<std::vector<size_t>> sets;
  std::vector<size_t> set;
  auto extend = [&](auto& self, size_t from, int64_t sum) -> void {
    for (size_t j = from; j < cells.size(); ++j) {
      if (sum + counts[cells[j]] >= below) continue;
      set.push_back(cells[j]);
      sets.push_back(set);
      self(self, j + 1, sum + counts[cells[j]]);
      set.pop_back();
    }
  };
  extend(extend, 0, 0);
  return sets;
}

// Random two-way tables: whatever the totals shown (every row and column total that the
// one-dimensional breakdowns show, and the overall one), no small cell's count can be solved for,
// by any combination of them: its unit vector is not in the span of the totals' equations over the
// hidden cells. Nor can the sum of any set of hidden cells smaller than the minimum (such a set is
// made of small cells only); in particular, the hidden cells of each total shown (and of the rows
// or columns whose totals are hidden, together) add up to 0 or to at least the minimum.
TEST(SuppressedCellsTest, NoSmallCellFollowsFromAnyCombinationOfTotals) {
  uint64_t state = 987654321;
  auto next = [&state](int bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % static_cast<uint64_t>(bound));
  };
  int solvable = 0, checked = 0, withheld = 0, sets = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<std::vector<std::string>> values;
    std::vector<int64_t> respondents;
    const int rows = 2 + next(5), columns = 2 + next(4);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < columns; ++c) {
        if (next(5) == 0) continue;
        values.push_back({absl::StrCat("r", r), absl::StrCat("c", c)});
        respondents.push_back(1 + next(14));
      }
    }
    const std::vector<bool> hidden = SuppressedCells(values, respondents, 5);
    if (std::all_of(hidden.begin(), hidden.end(), [](bool h) { return h; })) {
      ++withheld;  // the table shows nothing
      continue;
    }
    std::vector<size_t> unknowns;
    for (size_t i = 0; i < values.size(); ++i) {
      if (hidden[i]) unknowns.push_back(i);
    }
    // The equations: one per total that is shown, over the hidden cells it covers.
    std::vector<std::vector<double>> equations;
    equations.push_back(std::vector<double>(unknowns.size(), 1.0));  // overall
    // The hidden respondents of each known total: "all", a row or column shown, and per dimension
    // the rows hidden in the one-dimensional breakdown together ("hidden rows 0").
    std::map<std::string, int64_t> hidden_sum;
    for (size_t i = 0; i < values.size(); ++i) hidden_sum["all"] += hidden[i] ? respondents[i] : 0;
    for (size_t d = 0; d < 2; ++d) {
      std::map<std::string, int64_t> totals;
      for (size_t i = 0; i < values.size(); ++i) totals[values[i][d]] += respondents[i];
      std::vector<std::vector<std::string>> names;
      std::vector<int64_t> sums;
      for (const auto& [name, total] : totals) {
        names.push_back({name});
        sums.push_back(total);
      }
      const std::vector<bool> total_hidden = SuppressedCells(names, sums, 5);
      for (size_t t = 0; t < names.size(); ++t) {
        const std::string group =
            total_hidden[t] ? absl::StrCat("hidden rows ", d) : absl::StrCat(d, " ", names[t][0]);
        for (size_t i = 0; i < values.size(); ++i) {
          if (hidden[i] && values[i][d] == names[t][0]) hidden_sum[group] += respondents[i];
        }
        if (total_hidden[t]) continue;
        std::vector<double> equation(unknowns.size(), 0.0);
        for (size_t u = 0; u < unknowns.size(); ++u) {
          if (values[unknowns[u]][d] == names[t][0]) equation[u] = 1.0;
        }
        equations.push_back(std::move(equation));
      }
    }
    for (const auto& [group, sum] : hidden_sum) {
      EXPECT_TRUE(sum == 0 || sum >= 5) << "trial " << trial << ": " << group << " hides " << sum;
    }
    const int rank = Rank(equations);
    std::vector<size_t> small;  // positions in `unknowns`
    std::vector<int64_t> counts;
    for (size_t u = 0; u < unknowns.size(); ++u) {
      counts.push_back(respondents[unknowns[u]]);
      if (counts.back() < 5) small.push_back(u);
    }
    for (const std::vector<size_t>& set : SetsBelow(small, counts, 5)) {
      if (set.size() == 1) {
        ++checked;
      } else {
        ++sets;
      }
      std::vector<std::vector<double>> with = equations;
      std::vector<double> indicator(unknowns.size(), 0.0);
      std::string names;
      for (size_t u : set) {
        indicator[u] = 1.0;
        absl::StrAppend(&names, " ", values[unknowns[u]][0], "/", values[unknowns[u]][1]);
      }
      with.push_back(indicator);
      if (Rank(with) == rank) {
        ++solvable;
        ADD_FAILURE() << "trial " << trial << ": the sum of" << names << " follows from the totals";
      }
    }
  }
  EXPECT_GT(checked, 500);
  EXPECT_GT(sets, 500);      // sets of two small cells or more
  EXPECT_LT(withheld, 400);  // most tables still show something
  EXPECT_EQ(solvable, 0);
}

// The same for one question's answer counts, withheld as Breakdown::Cells withholds them: random
// two-way tables of respondents and of answers (0 to the respondents), the cells hidden whole for
// their respondents, then per question the cells with fewer answers than the minimum and their
// complements. No withheld small count (1 to 4 answers), nor any sum of withheld counts below 5,
// follows from the question's totals shown: the overall one, and each row's or column's that the
// one-dimensional breakdown shows (neither hidden whole there nor withheld). A cell nobody
// answered in counts as known (0).
TEST(SuppressedCellsTest, NoSmallAnswerCountFollowsFromTheQuestionsTotals) {
  uint64_t state = 24681357;
  auto next = [&state](int bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % static_cast<uint64_t>(bound));
  };
  // What Breakdown::Cells does for one question, given the cells hidden whole.
  auto withhold = [](const std::vector<std::vector<std::string>>& values,
                     const std::vector<int64_t>& answers, const std::vector<bool>& hidden) {
    std::vector<std::vector<std::string>> v;
    std::vector<int64_t> a;
    std::vector<bool> h;
    std::vector<size_t> at;
    for (size_t i = 0; i < values.size(); ++i) {
      if (answers[i] == 0) continue;
      v.push_back(values[i]);
      a.push_back(answers[i]);
      h.push_back(hidden[i]);
      at.push_back(i);
    }
    std::vector<bool> out = hidden;
    const std::vector<bool> result = SuppressedCells(v, a, 5, h);
    for (size_t j = 0; j < at.size(); ++j) out[at[j]] = out[at[j]] || result[j];
    return out;
  };
  int solvable = 0, checked = 0, sets = 0;
  for (int trial = 0; trial < 1500; ++trial) {
    std::vector<std::vector<std::string>> values;
    std::vector<int64_t> respondents, answers;
    const int rows = 2 + next(5), columns = 2 + next(4);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < columns; ++c) {
        if (next(5) == 0) continue;
        values.push_back({absl::StrCat("r", r), absl::StrCat("c", c)});
        respondents.push_back(1 + next(14));
        // Mostly everyone answers; sometimes few or nobody.
        answers.push_back(next(3) == 0 ? next(static_cast<int>(respondents.back()) + 1)
                                       : respondents.back());
      }
    }
    const std::vector<bool> hidden = SuppressedCells(values, respondents, 5);
    const std::vector<bool> withheld = withhold(values, answers, hidden);
    std::vector<size_t> unknowns;
    for (size_t i = 0; i < values.size(); ++i) {
      if (withheld[i] && answers[i] > 0) unknowns.push_back(i);
    }
    bool any_shown = false;
    for (size_t i = 0; i < values.size(); ++i)
      any_shown = any_shown || (!withheld[i] && answers[i] > 0);
    if (!any_shown) continue;
    std::vector<std::vector<double>> equations;
    equations.push_back(std::vector<double>(unknowns.size(), 1.0));  // overall
    for (size_t d = 0; d < 2; ++d) {
      std::map<std::string, std::pair<int64_t, int64_t>> totals;  // respondents, answers
      for (size_t i = 0; i < values.size(); ++i) {
        totals[values[i][d]].first += respondents[i];
        totals[values[i][d]].second += answers[i];
      }
      std::vector<std::vector<std::string>> names;
      std::vector<int64_t> row_respondents, row_answers;
      for (const auto& [name, total] : totals) {
        names.push_back({name});
        row_respondents.push_back(total.first);
        row_answers.push_back(total.second);
      }
      const std::vector<bool> row_hidden = SuppressedCells(names, row_respondents, 5);
      const std::vector<bool> row_withheld = withhold(names, row_answers, row_hidden);
      for (size_t t = 0; t < names.size(); ++t) {
        if (row_withheld[t] || row_answers[t] == 0) continue;
        std::vector<double> equation(unknowns.size(), 0.0);
        for (size_t u = 0; u < unknowns.size(); ++u) {
          if (values[unknowns[u]][d] == names[t][0]) equation[u] = 1.0;
        }
        equations.push_back(std::move(equation));
      }
    }
    const int rank = Rank(equations);
    std::vector<size_t> small;  // positions in `unknowns`
    std::vector<int64_t> counts;
    for (size_t u = 0; u < unknowns.size(); ++u) {
      counts.push_back(answers[unknowns[u]]);
      if (counts.back() < 5) small.push_back(u);
    }
    for (const std::vector<size_t>& set : SetsBelow(small, counts, 5)) {
      if (set.size() == 1) {
        ++checked;
      } else {
        ++sets;
      }
      std::vector<std::vector<double>> with = equations;
      std::vector<double> indicator(unknowns.size(), 0.0);
      std::string names;
      for (size_t u : set) {
        indicator[u] = 1.0;
        absl::StrAppend(&names, " ", values[unknowns[u]][0], "/", values[unknowns[u]][1]);
      }
      with.push_back(indicator);
      if (Rank(with) == rank) {
        ++solvable;
        ADD_FAILURE() << "trial " << trial << ": the answer count of" << names
                      << " follows from the totals";
      }
    }
  }
  EXPECT_GT(checked, 500);
  EXPECT_GT(sets, 100);
  EXPECT_EQ(solvable, 0);
}

}  // namespace
}  // namespace convene::aggregation
