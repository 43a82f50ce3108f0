#include "services/survey/survey_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "services/common/limits.h"
#include "services/common/testing/status_matchers.h"

namespace convene::survey {
namespace {

using ::convene::testing::IsOk;
using ::convene::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// The example definition of issue 5, as written there.
constexpr char kIssueExample[] = R"json(
{"title": "Workshop evaluation", "kind": "EVALUATION", "anonymous": true, "questions": [
  {"key": "overall", "text": "Overall satisfaction", "required": true,
   "likert": {"points": 5, "labels": ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]}},
  {"key": "recommend", "text": "How likely are you to recommend it?", "rating": {"min": 0, "max": 10}},
  {"key": "format", "text": "Preferred format", "singleChoice": {"options": [{"key": "in_person", "label": "In person"}, {"key": "online", "label": "Online"}]}},
  {"key": "topics", "text": "Most relevant topics", "multipleChoice": {"maxSelections": 3, "options": [{"key": "whistleblowers", "label": "Whistle-blower protection"}, {"key": "procurement", "label": "Procurement"}]}},
  {"key": "hours", "text": "Hours per week on anti-corruption work", "number": {"min": 0, "max": 80}},
  {"key": "most_useful", "text": "What was the most useful aspect?", "freeText": {"maxLength": 2000}},
  {"key": "uncac_ch2", "text": "Which UNCAC chapter covers preventive measures?", "quiz": {"correct": "ii", "points": 1, "options": [{"key": "ii", "label": "Chapter II"}, {"key": "v", "label": "Chapter V"}]}}]}
)json";

void AddOptions(google::protobuf::RepeatedPtrField<v1::Option>* options,
                const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    v1::Option* option = options->Add();
    option->set_key(key);
    option->set_label("Label " + key);
  }
}

// One question of every kind; "overall" is required.
v1::Survey AllKinds() {
  v1::Survey s;
  s.set_event_id("evt_1");
  s.set_title("Workshop evaluation");
  v1::Question* q = s.add_questions();
  q->set_key("overall");
  q->set_text("Overall satisfaction");
  q->set_required(true);
  q->mutable_likert()->set_points(5);
  q = s.add_questions();
  q->set_key("recommend");
  q->set_text("Recommend?");
  q->mutable_rating();
  q = s.add_questions();
  q->set_key("format");
  q->set_text("Format");
  AddOptions(q->mutable_single_choice()->mutable_options(), {"in_person", "online"});
  q = s.add_questions();
  q->set_key("topics");
  q->set_text("Topics");
  q->mutable_multiple_choice()->set_min_selections(1);
  q->mutable_multiple_choice()->set_max_selections(2);
  AddOptions(q->mutable_multiple_choice()->mutable_options(), {"a", "b", "c"});
  q = s.add_questions();
  q->set_key("hours");
  q->set_text("Hours");
  q->mutable_number()->set_has_min(true);
  q->mutable_number()->set_min(0);
  q->mutable_number()->set_has_max(true);
  q->mutable_number()->set_max(80);
  q->mutable_number()->set_integer(true);
  q = s.add_questions();
  q->set_key("most_useful");
  q->set_text("Most useful");
  q->mutable_free_text()->set_max_length(10);
  q = s.add_questions();
  q->set_key("uncac_ch2");
  q->set_text("Chapter?");
  q->mutable_quiz()->set_correct("ii");
  q->mutable_quiz()->set_points(2);
  AddOptions(q->mutable_quiz()->mutable_options(), {"ii", "v"});
  return s;
}

v1::Survey Normalized() {
  v1::Survey s = AllKinds();
  EXPECT_THAT(NormalizeSurvey(s), IsOk());
  return s;
}

v1::Answer Scale(const std::string& key, int value) {
  v1::Answer a;
  a.set_question_key(key);
  a.set_scale(value);
  return a;
}
v1::Answer Number(const std::string& key, double value) {
  v1::Answer a;
  a.set_question_key(key);
  a.set_number(value);
  return a;
}
v1::Answer Choice(const std::string& key, const std::string& value) {
  v1::Answer a;
  a.set_question_key(key);
  a.set_choice(value);
  return a;
}
v1::Answer Text(const std::string& key, const std::string& value) {
  v1::Answer a;
  a.set_question_key(key);
  a.set_text(value);
  return a;
}
v1::Answer Selected(const std::string& key, const std::vector<std::string>& keys) {
  v1::Answer a;
  a.set_question_key(key);
  v1::Selections* selections = a.mutable_selections();
  for (const std::string& k : keys) selections->add_option_keys(k);
  return a;
}

v1::Answer NoValue(const std::string& key) {
  v1::Answer a;
  a.set_question_key(key);
  return a;
}

// Validates "overall" = 3 plus `answer`.
absl::Status Check(const v1::Answer& answer) {
  std::vector<v1::Answer> answers = {answer};
  if (answer.question_key() != "overall") answers.push_back(Scale("overall", 3));
  return ValidateAnswers(Normalized(), answers);
}

// ---- definitions ----

TEST(NormalizeSurveyTest, FillsDefaults) {
  v1::Survey s = AllKinds();
  s.mutable_questions(5)->mutable_free_text()->set_max_length(0);
  s.mutable_questions(6)->mutable_quiz()->set_points(0);
  ASSERT_THAT(NormalizeSurvey(s), IsOk());
  EXPECT_EQ(s.kind(), v1::SURVEY_KIND_EVALUATION);
  EXPECT_EQ(s.questions(1).rating().min(), 0);
  EXPECT_EQ(s.questions(1).rating().max(), 10);
  EXPECT_EQ(s.questions(5).free_text().max_length(), 2000);
  EXPECT_EQ(s.questions(6).quiz().points(), 1);
}

struct BadDefinition {
  std::string name;
  void (*mutate)(v1::Survey&);
  std::string prefix;  // the message starts with this
};

class BadDefinitionTest : public ::testing::TestWithParam<BadDefinition> {};

TEST_P(BadDefinitionTest, IsInvalidArgumentNamingTheField) {
  v1::Survey s = AllKinds();
  GetParam().mutate(s);
  EXPECT_THAT(NormalizeSurvey(s),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith(GetParam().prefix)));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadDefinitionTest,
    ::testing::Values(
        BadDefinition{"NoTitle", [](v1::Survey& s) { s.set_title("  "); }, "title:"},
        BadDefinition{"NoEvent", [](v1::Survey& s) { s.clear_event_id(); }, "event_id:"},
        BadDefinition{"NoQuestions", [](v1::Survey& s) { s.clear_questions(); }, "questions:"},
        BadDefinition{"EmptyKey", [](v1::Survey& s) { s.mutable_questions(1)->clear_key(); },
                      "questions[1].key:"},
        BadDefinition{"BadKey",
                      [](v1::Survey& s) { s.mutable_questions(1)->set_key("Recommend-it"); },
                      "questions[1].key:"},
        BadDefinition{"DuplicateKey",
                      [](v1::Survey& s) { s.mutable_questions(1)->set_key("overall"); },
                      "overall:"},
        BadDefinition{"NoText", [](v1::Survey& s) { s.mutable_questions(0)->set_text(" "); },
                      "overall.text:"},
        BadDefinition{"NoKind", [](v1::Survey& s) { s.mutable_questions(0)->clear_kind(); },
                      "overall:"},
        BadDefinition{"LikertPoints",
                      [](v1::Survey& s) { s.mutable_questions(0)->mutable_likert()->set_points(4); },
                      "overall:"},
        BadDefinition{"LikertLabels",
                      [](v1::Survey& s) {
                        s.mutable_questions(0)->mutable_likert()->add_labels("Only one");
                      },
                      "overall:"},
        BadDefinition{"RatingMinAboveMax",
                      [](v1::Survey& s) {
                        s.mutable_questions(1)->mutable_rating()->set_min(5);
                        s.mutable_questions(1)->mutable_rating()->set_max(5);
                      },
                      "recommend:"},
        BadDefinition{"OneOption",
                      [](v1::Survey& s) {
                        s.mutable_questions(2)->mutable_single_choice()->mutable_options()->RemoveLast();
                      },
                      "format:"},
        BadDefinition{"BadOptionKey",
                      [](v1::Survey& s) {
                        s.mutable_questions(2)->mutable_single_choice()->mutable_options(0)->set_key(
                            "In person");
                      },
                      "format.options[0].key:"},
        BadDefinition{"DuplicateOption",
                      [](v1::Survey& s) {
                        s.mutable_questions(2)->mutable_single_choice()->mutable_options(1)->set_key(
                            "in_person");
                      },
                      "format:"},
        BadDefinition{"NoOptionLabel",
                      [](v1::Survey& s) {
                        s.mutable_questions(3)
                            ->mutable_multiple_choice()
                            ->mutable_options(2)
                            ->clear_label();
                      },
                      "topics.options[2].label:"},
        BadDefinition{"MinAboveMax",
                      [](v1::Survey& s) {
                        s.mutable_questions(3)->mutable_multiple_choice()->set_min_selections(3);
                      },
                      "topics:"},
        BadDefinition{"MinAboveOptionsUnbounded",
                      [](v1::Survey& s) {
                        s.mutable_questions(3)->mutable_multiple_choice()->set_max_selections(0);
                        s.mutable_questions(3)->mutable_multiple_choice()->set_min_selections(4);
                      },
                      "topics:"},
        BadDefinition{"NegativeMin",
                      [](v1::Survey& s) {
                        s.mutable_questions(3)->mutable_multiple_choice()->set_min_selections(-1);
                      },
                      "topics:"},
        BadDefinition{"NumberMinAboveMax",
                      [](v1::Survey& s) { s.mutable_questions(4)->mutable_number()->set_min(81); },
                      "hours:"},
        BadDefinition{"NumberBoundNotFinite",
                      [](v1::Survey& s) {
                        s.mutable_questions(4)->mutable_number()->set_max(
                            std::numeric_limits<double>::infinity());
                      },
                      "hours:"},
        BadDefinition{"TextTooLong",
                      [](v1::Survey& s) {
                        s.mutable_questions(5)->mutable_free_text()->set_max_length(100001);
                      },
                      "most_useful:"},
        BadDefinition{"TextNegative",
                      [](v1::Survey& s) {
                        s.mutable_questions(5)->mutable_free_text()->set_max_length(-1);
                      },
                      "most_useful:"},
        BadDefinition{"QuizCorrectNotOption",
                      [](v1::Survey& s) { s.mutable_questions(6)->mutable_quiz()->set_correct("x"); },
                      "uncac_ch2:"},
        BadDefinition{"QuizNegativePoints",
                      [](v1::Survey& s) { s.mutable_questions(6)->mutable_quiz()->set_points(-1); },
                      "uncac_ch2:"},
        BadDefinition{"UnknownSection",
                      [](v1::Survey& s) { s.mutable_questions(0)->set_section("intro"); },
                      "overall:"},
        BadDefinition{"DuplicateSection",
                      [](v1::Survey& s) {
                        s.add_sections()->set_key("intro");
                        s.add_sections()->set_key("intro");
                      },
                      "sections[1].key:"},
        BadDefinition{"EmptySectionKey", [](v1::Survey& s) { s.add_sections(); },
                      "sections[0].key:"}),
    [](const ::testing::TestParamInfo<BadDefinition>& info) { return info.param.name; });

TEST(NormalizeSurveyTest, MaxSelectionsAboveOptionCountIsAccepted) {
  // As in the issue's example (maxSelections 3, two options): it bounds nothing.
  v1::Survey s = AllKinds();
  s.mutable_questions(3)->mutable_multiple_choice()->set_max_selections(4);
  EXPECT_THAT(NormalizeSurvey(s), IsOk());
}

TEST(NormalizeSurveyTest, SectionsThatExistAreFine) {
  v1::Survey s = AllKinds();
  s.add_sections()->set_key("intro");
  s.add_sections()->set_key("outro");
  s.mutable_questions(0)->set_section("intro");
  s.mutable_questions(6)->set_section("outro");
  EXPECT_THAT(NormalizeSurvey(s), IsOk());
}

TEST(ParseSurveyDefinitionTest, IssueExampleParses) {
  absl::StatusOr<v1::Survey> s = ParseSurveyDefinition(kIssueExample);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->title(), "Workshop evaluation");
  EXPECT_EQ(s->kind(), v1::SURVEY_KIND_EVALUATION);
  EXPECT_TRUE(s->anonymous());
  ASSERT_EQ(s->questions_size(), 7);
  EXPECT_EQ(s->questions(0).likert().labels_size(), 5);
  EXPECT_EQ(s->questions(3).multiple_choice().max_selections(), 3);
  EXPECT_EQ(s->questions(4).number().max(), 80);
  EXPECT_EQ(s->questions(6).quiz().correct(), "ii");
  // With the event given, the parsed definition is a valid survey.
  v1::Survey survey = *s;
  survey.set_event_id("evt_1");
  EXPECT_THAT(NormalizeSurvey(survey), IsOk());
}

TEST(ParseSurveyDefinitionTest, AcceptsFullAndLowerCaseKindNames) {
  const std::string rest = R"(, "questions": [{"key": "q", "text": "Q", "rating": {}}]})";
  absl::StatusOr<v1::Survey> full =
      ParseSurveyDefinition(R"({"title": "T", "kind": "SURVEY_KIND_PRE_TEST")" + rest);
  ASSERT_THAT(full, IsOk());
  EXPECT_EQ(full->kind(), v1::SURVEY_KIND_PRE_TEST);
  absl::StatusOr<v1::Survey> lower =
      ParseSurveyDefinition(R"({"title": "T", "kind": "poll")" + rest);
  ASSERT_THAT(lower, IsOk());
  EXPECT_EQ(lower->kind(), v1::SURVEY_KIND_POLL);
  EXPECT_EQ(lower->questions(0).rating().max(), 10);
}

TEST(ParseSurveyDefinitionTest, RejectsBadJson) {
  EXPECT_THAT(ParseSurveyDefinition("{\"title\": "),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("definition:")));
  EXPECT_THAT(ParseSurveyDefinition(R"({"title": "T", "colour": "red"})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("colour")));
  EXPECT_THAT(ParseSurveyDefinition(R"({"title": "T", "kind": "SURVEY"})"),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("definition:")));
  EXPECT_THAT(ParseSurveyDefinition(R"({"title": "T", "questions": []})"),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("questions:")));
}

// ---- answers ----

TEST(ValidateAnswersTest, GoodValuesOfEveryKind) {
  v1::Survey s = Normalized();
  std::vector<v1::Answer> answers = {Scale("overall", 5),        Scale("recommend", 0),
                                     Choice("format", "online"), Selected("topics", {"a", "c"}),
                                     Number("hours", 80),        Text("most_useful", "  peers  "),
                                     Choice("uncac_ch2", "v")};
  answers[6].add_codes("stale");
  ASSERT_THAT(ValidateAnswers(s, answers), IsOk());
  ASSERT_EQ(answers.size(), 7u);
  EXPECT_EQ(answers[5].text(), "peers");
  EXPECT_THAT(answers[6].codes(), IsEmpty());
  EXPECT_THAT(Check(Scale("overall", 1)), IsOk());
  EXPECT_THAT(Check(Scale("recommend", 10)), IsOk());
  EXPECT_THAT(Check(Number("hours", 0)), IsOk());
  EXPECT_THAT(Check(Selected("topics", {"b"})), IsOk());
  // Ten characters of UTF-8, more bytes.
  EXPECT_THAT(Check(Text("most_useful", "éééééééééé")), IsOk());
}

TEST(ValidateAnswersTest, EmptyTextAndEmptySelectionAreNoAnswer) {
  std::vector<v1::Answer> answers = {Scale("overall", 4), Text("most_useful", "   "),
                                     Selected("topics", {})};
  ASSERT_THAT(ValidateAnswers(Normalized(), answers), IsOk());
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].question_key(), "overall");
}

TEST(ValidateAnswersTest, NonIntegerNumberQuestionTakesFractions) {
  v1::Survey s = Normalized();
  s.mutable_questions(4)->mutable_number()->set_integer(false);
  std::vector<v1::Answer> answers = {Scale("overall", 4), Number("hours", 2.5)};
  EXPECT_THAT(ValidateAnswers(s, answers), IsOk());
}

struct BadAnswer {
  std::string name;
  v1::Answer answer;
  std::string message;  // the whole message, which starts with the key
};

class BadAnswerTest : public ::testing::TestWithParam<BadAnswer> {};

TEST_P(BadAnswerTest, IsInvalidArgumentNamingTheKey) {
  EXPECT_THAT(Check(GetParam().answer),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(StartsWith(GetParam().answer.question_key() + ": "),
                                        HasSubstr(GetParam().message))));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadAnswerTest,
    ::testing::Values(
        BadAnswer{"LikertHigh", Scale("overall", 6), "overall: 6 is outside 1..5"},
        BadAnswer{"LikertZero", Scale("overall", 0), "overall: 0 is outside 1..5"},
        BadAnswer{"LikertWrongKind", Text("overall", "good"), "likert"},
        BadAnswer{"RatingHigh", Scale("recommend", 11), "recommend: 11 is outside 0..10"},
        BadAnswer{"RatingNegative", Scale("recommend", -1), "outside 0..10"},
        BadAnswer{"RatingWrongKind", Number("recommend", 5), "scale"},
        BadAnswer{"SingleUnknown", Choice("format", "hybrid"), "\"hybrid\" is not an option"},
        BadAnswer{"SingleWrongKind", Selected("format", {"online"}), "choice"},
        BadAnswer{"MultiUnknown", Selected("topics", {"a", "z"}), "\"z\" is not an option"},
        BadAnswer{"MultiDuplicate", Selected("topics", {"a", "a"}), "selected twice"},
        BadAnswer{"MultiTooMany", Selected("topics", {"a", "b", "c"}), "3 selections, at most 2"},
        BadAnswer{"MultiWrongKind", Choice("topics", "a"), "selections"},
        BadAnswer{"NumberHigh", Number("hours", 81), "above the maximum 80"},
        BadAnswer{"NumberLow", Number("hours", -1), "below the minimum 0"},
        BadAnswer{"NumberNotInteger", Number("hours", 2.5), "2.5 is not a whole number"},
        BadAnswer{"NumberNaN", Number("hours", std::nan("")), "finite"},
        BadAnswer{"NumberInf", Number("hours", std::numeric_limits<double>::infinity()), "finite"},
        BadAnswer{"NumberWrongKind", Scale("hours", 3), "number"},
        BadAnswer{"TextTooLong", Text("most_useful", "eleven char"), "11 characters, at most 10"},
        BadAnswer{"TextTooLongUtf8", Text("most_useful", "ééééééééééé"), "11 characters"},
        BadAnswer{"TextNul", Text("most_useful", std::string("a\0b", 3)), "NUL"},
        BadAnswer{"TextBadUtf8", Text("most_useful", "\xC3"), "UTF-8"},
        BadAnswer{"TextWrongKind", Scale("most_useful", 3), "text"},
        BadAnswer{"QuizUnknown", Choice("uncac_ch2", "iii"), "\"iii\" is not an option"},
        BadAnswer{"QuizWrongKind", Scale("uncac_ch2", 2), "choice"},
        BadAnswer{"NoValue", NoValue("format"), "no value"},
        BadAnswer{"UnknownKey", Scale("overal", 3), "overal: no such question"}),
    [](const ::testing::TestParamInfo<BadAnswer>& info) { return info.param.name; });

TEST(ValidateAnswersTest, TooFewSelections) {
  v1::Survey s = Normalized();
  s.mutable_questions(3)->mutable_multiple_choice()->set_min_selections(2);
  std::vector<v1::Answer> answers = {Scale("overall", 3), Selected("topics", {"a"})};
  EXPECT_THAT(ValidateAnswers(s, answers),
              StatusIs(absl::StatusCode::kInvalidArgument, "topics: 1 selection, at least 2"));
}

TEST(ValidateAnswersTest, RequiredMissingAndDuplicate) {
  v1::Survey s = Normalized();
  std::vector<v1::Answer> none = {Scale("recommend", 3)};
  EXPECT_THAT(ValidateAnswers(s, none),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("overall: ")));
  std::vector<v1::Answer> twice = {Scale("overall", 3), Scale("overall", 4)};
  EXPECT_THAT(ValidateAnswers(s, twice),
              StatusIs(absl::StatusCode::kInvalidArgument, "overall: answered more than once"));
}

TEST(ValidateAnswersTest, RatingWithCustomRange) {
  v1::Survey s = Normalized();
  s.mutable_questions(1)->mutable_rating()->set_min(1);
  s.mutable_questions(1)->mutable_rating()->set_max(4);
  std::vector<v1::Answer> ok = {Scale("overall", 3), Scale("recommend", 4)};
  EXPECT_THAT(ValidateAnswers(s, ok), IsOk());
  std::vector<v1::Answer> bad = {Scale("overall", 3), Scale("recommend", 0)};
  EXPECT_THAT(ValidateAnswers(s, bad),
              StatusIs(absl::StatusCode::kInvalidArgument, "recommend: 0 is outside 1..4"));
}

// ---- quiz ----

TEST(QuizScoreTest, SumsPointsOfCorrectAnswers) {
  v1::Survey s = Normalized();
  v1::Question* q = s.add_questions();
  q->set_key("q2");
  q->set_text("Second");
  q->mutable_quiz()->set_correct("b");
  AddOptions(q->mutable_quiz()->mutable_options(), {"a", "b"});
  ASSERT_THAT(NormalizeSurvey(s), IsOk());  // q2 gets 1 point
  EXPECT_EQ(QuizScore(s, {}), std::make_pair(0, 3));
  EXPECT_EQ(QuizScore(s, {Choice("uncac_ch2", "ii")}), std::make_pair(2, 3));
  EXPECT_EQ(QuizScore(s, {Choice("uncac_ch2", "v"), Choice("q2", "b")}), std::make_pair(1, 3));
  EXPECT_EQ(
      QuizScore(s, {Choice("uncac_ch2", "ii"), Choice("q2", "b"), Choice("format", "online")}),
      std::make_pair(3, 3));
  EXPECT_EQ(QuizScore(AllKinds(), {}).second, 2);
}

// ---- CSV ----

v1::ImportRow Row(int line, const std::vector<std::string>& cells) {
  v1::ImportRow row;
  row.set_line(line);
  for (const std::string& cell : cells) row.add_cells(cell);
  return row;
}

TEST(ResponseLayoutTest, HeaderErrors) {
  v1::Survey s = Normalized();
  EXPECT_THAT(ResponseLayout::FromHeader(s, {"overall", "colour"}),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("colour: ")));
  EXPECT_THAT(ResponseLayout::FromHeader(s, {"overall", "_country", "overall"}),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("overall: ")));
  EXPECT_THAT(ResponseLayout::FromHeader(s, {"_region"}),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("_region: ")));
  EXPECT_THAT(ResponseLayout::FromHeader(s, {"overall", " _role "}), IsOk());
}

TEST(ResponseLayoutTest, ParsesAGoodRowWithAttributes) {
  v1::Survey s = Normalized();
  absl::StatusOr<ResponseLayout> layout = ResponseLayout::FromHeader(
      s, {"overall", "recommend", "format", "topics", "hours", "most_useful", "uncac_ch2",
          "_country", "_sector", "_gender", "_role"});
  ASSERT_THAT(layout, IsOk());
  std::vector<v1::Answer> answers;
  v1::RespondentAttributes attributes;
  EXPECT_THAT(layout->ParseRow(Row(2, {"4", " 9 ", "online", "a; c", "12", " Peer talks ", "ii",
                                       "MY", "government", "female", "participant"}),
                               answers, attributes),
              IsEmpty());
  ASSERT_EQ(answers.size(), 7u);
  EXPECT_EQ(answers[0].scale(), 4);
  EXPECT_EQ(answers[1].scale(), 9);
  EXPECT_EQ(answers[2].choice(), "online");
  EXPECT_THAT(answers[3].selections().option_keys(), ElementsAre("a", "c"));
  EXPECT_EQ(answers[4].number(), 12);
  EXPECT_EQ(answers[5].text(), "Peer talks");
  EXPECT_EQ(answers[6].choice(), "ii");
  EXPECT_EQ(attributes.country(), "MY");
  EXPECT_EQ(attributes.sector(), "government");
  EXPECT_EQ(attributes.gender(), "female");
  EXPECT_EQ(attributes.role(), "participant");
  EXPECT_EQ(QuizScore(s, answers), std::make_pair(2, 2));
}

TEST(ResponseLayoutTest, EmptyCellsAreNoAnswer) {
  absl::StatusOr<ResponseLayout> layout =
      ResponseLayout::FromHeader(Normalized(), {"overall", "topics", "most_useful", "_country"});
  ASSERT_THAT(layout, IsOk());
  std::vector<v1::Answer> answers;
  v1::RespondentAttributes attributes;
  EXPECT_THAT(layout->ParseRow(Row(3, {"5", "", "  "}), answers, attributes), IsEmpty());
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].question_key(), "overall");
  EXPECT_EQ(attributes.country(), "");
}

TEST(ResponseLayoutTest, ReportsEveryBadCellWithItsLine) {
  absl::StatusOr<ResponseLayout> layout = ResponseLayout::FromHeader(
      Normalized(), {"recommend", "format", "topics", "hours", "most_useful", "uncac_ch2"});
  ASSERT_THAT(layout, IsOk());
  std::vector<v1::Answer> answers;
  v1::RespondentAttributes attributes;
  std::vector<v1::RowError> errors =
      layout->ParseRow(Row(7, {"eleven", "hybrid", "a;z;a", "2.5", "far too long text", "iii"}),
                       answers, attributes);
  std::vector<std::string> fields;
  for (const v1::RowError& e : errors) {
    EXPECT_EQ(e.line(), 7);
    EXPECT_THAT(e.reason(), StartsWith(e.field() + ": "));
    fields.push_back(e.field());
  }
  // overall is required and has no column.
  EXPECT_THAT(fields, ElementsAre("recommend", "format", "topics", "hours", "most_useful",
                                  "uncac_ch2", "overall"));
  EXPECT_THAT(errors[0].reason(), HasSubstr("\"eleven\" is not a whole number"));
  EXPECT_THAT(errors[2].reason(), HasSubstr("\"z\" is not an option"));
  EXPECT_THAT(errors[3].reason(), HasSubstr("not a whole number"));
  EXPECT_THAT(answers, IsEmpty());
}

TEST(ResponseLayoutTest, RangeErrorsAndExtraCells) {
  absl::StatusOr<ResponseLayout> layout =
      ResponseLayout::FromHeader(Normalized(), {"overall", "recommend", "hours", "topics"});
  ASSERT_THAT(layout, IsOk());
  std::vector<v1::Answer> answers;
  v1::RespondentAttributes attributes;
  std::vector<v1::RowError> errors =
      layout->ParseRow(Row(9, {"6", "4.5", "nan", "a;b;c", "extra"}), answers, attributes);
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0].field(), "row");
  EXPECT_EQ(errors[1].field(), "overall");
  EXPECT_EQ(errors[1].reason(), "overall: 6 is outside 1..5");
  EXPECT_EQ(errors[2].field(), "recommend");
  EXPECT_EQ(errors[3].field(), "hours");
  EXPECT_THAT(errors[3].reason(), HasSubstr("finite"));
  EXPECT_EQ(errors[4].field(), "topics");
  EXPECT_THAT(errors[4].reason(), HasSubstr("at most 2"));
  // Trailing empty cells are harmless; missing trailing cells are empty.
  EXPECT_THAT(layout->ParseRow(Row(10, {"3", "", "", "", " "}), answers, attributes), IsEmpty());
  EXPECT_THAT(layout->ParseRow(Row(11, {"3"}), answers, attributes), IsEmpty());
  EXPECT_EQ(answers.size(), 1u);
}

// ---- codebook ----

v1::Codebook Book() {
  v1::Codebook book;
  v1::CodeRule* rule = book.add_rules();
  rule->set_code("peer_learning");
  rule->add_keywords("peer");
  rule->add_keywords("experience sharing");
  rule = book.add_rules();
  rule->set_code("collaboration");
  rule->add_keywords("collaboration");
  rule->add_keywords("cooperation");
  rule = book.add_rules();
  rule->set_code("tools");
  rule->add_keywords("toolkit");
  rule->add_keywords("");
  return book;
}

TEST(ApplyCodebookTest, WholeWordsCaseInsensitiveInCodebookOrder) {
  v1::Codebook book = Book();
  EXPECT_THAT(ApplyCodebook(book, "Peer experience was great"), ElementsAre("peer_learning"));
  EXPECT_THAT(ApplyCodebook(book, "COOPERATION and peer-to-peer talks, more collaboration"),
              ElementsAre("peer_learning", "collaboration"));
  // Whole words only: inflected forms need their own keywords.
  EXPECT_THAT(ApplyCodebook(book, "collaborations across agencies"), IsEmpty());
  EXPECT_THAT(ApplyCodebook(book, "peers and toolkits"), IsEmpty());
  // Phrases match across any whitespace, not across words.
  EXPECT_THAT(ApplyCodebook(book, "Experience\n  sharing helped"), ElementsAre("peer_learning"));
  EXPECT_THAT(ApplyCodebook(book, "experience of sharing"), IsEmpty());
  // UTF-8 around a keyword is kept intact and is part of the word.
  EXPECT_THAT(ApplyCodebook(book, "«toolkit» très utile"), ElementsAre("tools"));
  EXPECT_THAT(ApplyCodebook(book, "toolkité"), IsEmpty());
  EXPECT_THAT(ApplyCodebook(book, "“Peer” learning"), ElementsAre("peer_learning"));
  EXPECT_THAT(ApplyCodebook(book, "Peer—learning"), ElementsAre("peer_learning"));
  EXPECT_THAT(ApplyCodebook(book, "ÉPEER"), IsEmpty());
  EXPECT_THAT(ApplyCodebook(book, ""), IsEmpty());
}

TEST(ValidateCodebookTest, GoodAndBad) {
  EXPECT_THAT(ValidateCodebook(Book()), IsOk());
  EXPECT_THAT(ValidateCodebook(v1::Codebook()),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("rules: ")));
  v1::Codebook empty_code = Book();
  empty_code.mutable_rules(1)->set_code(" ");
  EXPECT_THAT(ValidateCodebook(empty_code),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("rules[1].code: ")));
  v1::Codebook duplicate = Book();
  duplicate.mutable_rules(2)->set_code("peer_learning");
  EXPECT_THAT(ValidateCodebook(duplicate),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("rules[2].code: ")));
  v1::Codebook no_keyword = Book();
  no_keyword.mutable_rules(0)->clear_keywords();
  no_keyword.mutable_rules(0)->add_keywords("  ");
  EXPECT_THAT(ValidateCodebook(no_keyword),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("rules[0].keywords: ")));
}

// --- Limits (services/common/limits.h) --------------------------------------------------------

std::string Repeat(const std::string& unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += unit;
  return out;
}

TEST(NormalizeSurveyLimitsTest, QuestionsSectionsAndOptionsAreCounted) {
  v1::Survey many = AllKinds();
  while (many.questions_size() < kMaxQuestions) {
    v1::Question* q = many.add_questions();
    q->set_key("q" + std::to_string(many.questions_size()));
    q->set_text("Question");
    q->mutable_rating();
  }
  EXPECT_THAT(NormalizeSurvey(many), IsOk());
  v1::Question* extra = many.add_questions();
  extra->set_key("one_too_many");
  extra->set_text("Question");
  extra->mutable_rating();
  EXPECT_THAT(NormalizeSurvey(many), StatusIs(absl::StatusCode::kInvalidArgument,
                                              StartsWith("questions: 201 questions, at most 200")));

  v1::Survey sections = AllKinds();
  for (int i = 0; i <= kMaxSections; ++i) sections.add_sections()->set_key("s" + std::to_string(i));
  EXPECT_THAT(NormalizeSurvey(sections),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("sections: 201 sections, at most 200")));

  for (const int kind : {0, 1, 2}) {
    v1::Survey options = AllKinds();
    v1::Question* q = options.add_questions();
    q->set_key("choice");
    q->set_text("Choose");
    std::vector<std::string> keys;
    for (int i = 0; i < kMaxOptions; ++i) keys.push_back("o" + std::to_string(i));
    auto* list = kind == 0   ? q->mutable_single_choice()->mutable_options()
                 : kind == 1 ? q->mutable_multiple_choice()->mutable_options()
                             : q->mutable_quiz()->mutable_options();
    if (kind == 2) q->mutable_quiz()->set_correct("o0");
    AddOptions(list, keys);
    EXPECT_THAT(NormalizeSurvey(options), IsOk()) << kind;
    AddOptions(list, {"one_too_many"});
    EXPECT_THAT(NormalizeSurvey(options), StatusIs(absl::StatusCode::kInvalidArgument,
                                                   StartsWith("choice: 51 options, at most 50")))
        << kind;
  }
}

TEST(NormalizeSurveyLimitsTest, TextAndKeysAreMeasuredInCharacters) {
  struct Case {
    std::function<void(v1::Survey&, const std::string&)> set;
    size_t limit;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](v1::Survey& s, const std::string& t) { s.set_title(t); }, kMaxLineLength, "title"},
      {[](v1::Survey& s, const std::string& t) { s.mutable_questions(0)->set_text(t); },
       kMaxLineLength, "overall.text"},
      {[](v1::Survey& s, const std::string& t) {
         s.mutable_questions(2)->mutable_single_choice()->mutable_options(0)->set_label(t);
       },
       kMaxLineLength, "format.options[0].label"},
      {[](v1::Survey& s, const std::string& t) {
         auto* likert = s.mutable_questions(0)->mutable_likert();
         for (int i = 0; i < 5; ++i) likert->add_labels(i == 4 ? t : "label");
       },
       kMaxLineLength, "overall.labels"},
      {[](v1::Survey& s, const std::string& t) {
         v1::Section* section = s.add_sections();
         section->set_key("part_1");
         section->set_title(t);
       },
       kMaxLineLength, "sections[0].title"},
      {[](v1::Survey& s, const std::string& t) { s.set_event_id(t); }, kMaxKeyLength, "event_id"},
      {[](v1::Survey& s, const std::string& t) { s.set_linked_survey_id(t); }, kMaxKeyLength,
       "linked_survey_id"},
  };
  for (const Case& c : cases) {
    v1::Survey fits = AllKinds();
    c.set(fits, Repeat("ễ", c.limit));
    EXPECT_THAT(NormalizeSurvey(fits), IsOk()) << c.field;
    v1::Survey over = AllKinds();
    c.set(over, Repeat("ễ", c.limit + 1));
    EXPECT_THAT(NormalizeSurvey(over),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         StartsWith(c.field + ": " + std::to_string(c.limit + 1) +
                                    " characters, at most " + std::to_string(c.limit))))
        << c.field;
  }
  // Keys are [a-z0-9_]+, so only ASCII; the limit applies before the pattern.
  v1::Survey long_key = AllKinds();
  long_key.mutable_questions(1)->set_key(std::string(kMaxKeyLength + 1, 'k'));
  EXPECT_THAT(NormalizeSurvey(long_key),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("questions[1].key: 101 characters, at most 100")));
  v1::Survey free_text = AllKinds();
  free_text.mutable_questions(5)->mutable_free_text()->set_max_length(kMaxFreeTextLength + 1);
  EXPECT_THAT(NormalizeSurvey(free_text), StatusIs(absl::StatusCode::kInvalidArgument,
                                                   HasSubstr("max_length must be 1..100000")));
}

TEST(ValidateCodebookTest, Limits) {
  v1::Codebook rules;
  for (int i = 0; i <= kMaxCodebookRules; ++i) {
    v1::CodeRule* rule = rules.add_rules();
    rule->set_code("code_" + std::to_string(i));
    rule->add_keywords("word");
  }
  EXPECT_THAT(ValidateCodebook(rules), StatusIs(absl::StatusCode::kInvalidArgument,
                                                StartsWith("rules: 201 rules, at most 200")));
  v1::Codebook keywords = Book();
  for (int i = 0; i < kMaxKeywords; ++i) keywords.mutable_rules(0)->add_keywords("w");
  EXPECT_THAT(ValidateCodebook(keywords),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("rules[0].keywords: 202 keywords, at most 200")));
  v1::Codebook long_code = Book();
  long_code.mutable_rules(1)->set_code(std::string(kMaxKeyLength + 1, 'c'));
  EXPECT_THAT(ValidateCodebook(long_code), StatusIs(absl::StatusCode::kInvalidArgument,
                                                    StartsWith("rules[1].code: 101 characters")));
  v1::Codebook long_keyword = Book();
  long_keyword.mutable_rules(2)->add_keywords(Repeat("ễ", kMaxLineLength + 1));
  EXPECT_THAT(ValidateCodebook(long_keyword),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("rules[2].keywords: 1001 characters")));
}

TEST(NormalizeCodesTest, TrimsAndRefusesEmptyRepeatedTooManyOrTooLong) {
  google::protobuf::RepeatedPtrField<std::string> codes;
  *codes.Add() = " peer_learning ";
  *codes.Add() = "tools";
  ASSERT_THAT(NormalizeCodes("answer_codes.codes", codes), IsOk());
  EXPECT_THAT(codes, ElementsAre("peer_learning", "tools"));
  *codes.Add() = "tools ";
  EXPECT_THAT(NormalizeCodes("answer_codes.codes", codes),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"tools\" given twice")));
  codes.Clear();
  *codes.Add() = " ";
  EXPECT_THAT(NormalizeCodes("answer_codes.codes", codes),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty code")));
  codes.Clear();
  for (int i = 0; i <= kMaxCodesPerAnswer; ++i) *codes.Add() = "c" + std::to_string(i);
  EXPECT_THAT(NormalizeCodes("answer_codes.codes", codes),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("answer_codes.codes: 51 codes, at most 50")));
  codes.Clear();
  *codes.Add() = std::string(kMaxKeyLength + 1, 'c');
  EXPECT_THAT(NormalizeCodes("answer_codes.codes", codes),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("answer_codes.codes: 101 characters, at most 100")));
}

}  // namespace
}  // namespace convene::survey

namespace convene::survey {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::ImportRow AttributeRow(int line, std::vector<std::string> cells) {
  v1::ImportRow row;
  row.set_line(line);
  for (auto& c : cells) row.add_cells(c);
  return row;
}

TEST(ResponseLayoutTest, AttributesAreReadAsRegistrationReadsThem) {
  v1::Survey s = Normalized();
  absl::StatusOr<ResponseLayout> layout =
      ResponseLayout::FromHeader(s, {"overall", "_country", "_sector", "_gender", "_role"});
  ASSERT_TRUE(layout.ok());
  std::vector<v1::Answer> answers;
  v1::RespondentAttributes attributes;
  EXPECT_THAT(layout->ParseRow(AttributeRow(2, {"4", "Viet Nam", "CSO", "F", "Speaker"}), answers,
                               attributes),
              IsEmpty());
  EXPECT_EQ(attributes.country(), "VN");
  EXPECT_EQ(attributes.sector(), "civil-society");
  EXPECT_EQ(attributes.gender(), "female");
  EXPECT_EQ(attributes.role(), "speaker");

  std::vector<v1::RowError> errors =
      layout->ParseRow(AttributeRow(7, {"4", "Atlantis", "pirates", "F", ""}), answers, attributes);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].line(), 7);
  EXPECT_EQ(errors[0].field(), "_country");
  EXPECT_THAT(errors[0].reason(), ::testing::HasSubstr("Atlantis"));
  EXPECT_EQ(errors[1].field(), "_sector");
  EXPECT_THAT(errors[1].reason(), ::testing::StartsWith("_sector"));
}

TEST(AttributesOfTest, CodesAndDisplayForms) {
  registration::v1::Participant p;
  p.set_name("Not copied");
  p.set_email("not.copied@example.org");
  p.set_country("KZ");
  p.set_sector(registration::v1::SECTOR_ANTI_CORRUPTION_BODY);
  p.set_gender(registration::v1::GENDER_MALE);
  v1::RespondentAttributes a = AttributesOf(p);
  EXPECT_EQ(a.country(), "KZ");
  EXPECT_EQ(a.sector(), "anti-corruption-body");
  EXPECT_EQ(a.gender(), "male");
  EXPECT_EQ(a.role(), "");  // unspecified reads as nothing
  EXPECT_FALSE(a.SerializeAsString().find("copied") != std::string::npos);
}

TEST(EffectiveStateTest, OpenAndCloseTimesMoveTheStateOn) {
  const absl::Time t0 = absl::FromUnixSeconds(1727740800);  // 2024-10-01T00:00Z
  v1::Survey s;
  s.set_state(v1::SURVEY_STATE_DRAFT);
  EXPECT_EQ(EffectiveState(s, t0), v1::SURVEY_STATE_DRAFT);
  s.mutable_open_time()->set_seconds(absl::ToUnixSeconds(t0 + absl::Hours(1)));
  s.mutable_close_time()->set_seconds(absl::ToUnixSeconds(t0 + absl::Hours(3)));
  EXPECT_EQ(EffectiveState(s, t0), v1::SURVEY_STATE_DRAFT);
  EXPECT_EQ(EffectiveState(s, t0 + absl::Hours(1)), v1::SURVEY_STATE_OPEN);
  EXPECT_EQ(EffectiveState(s, t0 + absl::Hours(3)), v1::SURVEY_STATE_CLOSED);
  // Opened by hand before its time; closed by hand before its time.
  s.set_state(v1::SURVEY_STATE_OPEN);
  EXPECT_EQ(EffectiveState(s, t0), v1::SURVEY_STATE_OPEN);
  s.set_state(v1::SURVEY_STATE_CLOSED);
  EXPECT_EQ(EffectiveState(s, t0), v1::SURVEY_STATE_CLOSED);
}

}  // namespace
}  // namespace convene::survey
