// A summary from the survey service's answer counts (SurveyAggregator::AddCounts) must give the
// figures that reading every response gives: generated surveys of every question kind, edge cases
// included, summarised both ways. The counts are made by the survey service's own code
// (services/survey/answer_counts.h), as its store makes them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "google/protobuf/text_format.h"
#include "google/protobuf/util/field_comparator.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/aggregation/summary.h"
#include "services/survey/answer_counts.h"

namespace convene::aggregation {
namespace {

constexpr char kEveryKind[] = R"pb(
  id: "srv_1"
  questions {
    key: "overall"
    likert {
      points: 5
      labels: "Poor"
      labels: "Fair"
      labels: "Good"
      labels: "Very good"
      labels: "Excellent"
    }
  }
  questions {
    key: "recommend"
    rating { min: 0 max: 10 }
  }
  questions {
    key: "years"
    number { has_min: true min: 0 has_max: true max: 40 integer: true }
  }
  questions {
    key: "hours"
    number { has_min: true min: 0 }
  }
  questions {
    key: "useful"
    single_choice {
      options { key: "peers" label: "Peers" }
      options { key: "cases" label: "Cases" }
      options { key: "law" label: "Law" }
    }
  }
  questions {
    key: "topics"
    multiple_choice {
      options { key: "audit" label: "Audit" }
      options { key: "procurement" label: "Procurement" }
      options { key: "whistle" label: "Whistle-blowers" }
    }
  }
  questions {
    key: "comments"
    free_text {}
  }
  questions {
    key: "q1"
    quiz {
      options { key: "a" label: "A" }
      options { key: "b" label: "B" }
      correct: "b"
      points: 2
    }
  }
  questions {
    key: "q2"
    quiz {
      options { key: "a" label: "A" }
      options { key: "b" label: "B" }
      correct: "a"
      points: 1
    }
  }
)pb";

sv::Survey EveryKind() {
  sv::Survey survey;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kEveryKind, &survey));
  return survey;
}

// Response i of a generated set: each question answered with probability `answer_rate`;
// `spread` 0 gives every respondent the same answers.
sv::Response Generated(std::mt19937& random, double answer_rate, int spread) {
  auto pick = [&](int n) { return spread == 0 ? 0 : static_cast<int>(random() % n); };
  std::bernoulli_distribution answers(answer_rate);
  sv::Response r;
  auto answer = [&](const char* key) -> sv::Answer* {
    if (!answers(random)) return nullptr;
    sv::Answer* a = r.add_answers();
    a->set_question_key(key);
    return a;
  };
  if (auto* a = answer("overall")) a->set_scale(1 + pick(5));
  if (auto* a = answer("recommend")) a->set_scale(pick(11));
  if (auto* a = answer("years")) a->set_number(pick(41));
  if (auto* a = answer("hours")) a->set_number(pick(1000) / 7.0);
  static const char* kOptions[] = {"peers", "cases", "law"};
  if (auto* a = answer("useful")) a->set_choice(kOptions[pick(3)]);
  if (auto* a = answer("topics")) {
    static const char* kTopics[] = {"audit", "procurement", "whistle"};
    for (const char* topic : kTopics) {
      if (spread == 0 || pick(2) == 1) a->mutable_selections()->add_option_keys(topic);
    }
  }
  if (auto* a = answer("comments")) {
    static const char* kTexts[] = {"more cases", "longer breaks", "peer exchange", "none"};
    a->set_text(kTexts[pick(4)]);
    if (pick(3) == 1) a->add_codes("logistics");
    if (pick(5) == 1) a->add_codes("peers");
  }
  int score = 0;
  if (auto* a = answer("q1")) {
    a->set_choice(pick(2) == 1 ? "b" : "a");
    if (a->choice() == "b") score += 2;
  }
  if (auto* a = answer("q2")) {
    a->set_choice(pick(2) == 1 ? "b" : "a");
    if (a->choice() == "a") score += 1;
  }
  r.set_score(score);
  r.set_max_score(3);
  return r;
}

// What the survey service would answer to CountAnswers for these responses.
sv::CountAnswersResponse CountsOf(const sv::Survey& survey,
                                  const std::vector<sv::Response>& responses) {
  survey::AnswerTally tally;
  for (size_t i = 0; i < responses.size(); ++i) tally.Add(responses[i], static_cast<int64_t>(i));
  std::vector<survey::StoredCount> stored;
  for (const auto& [key, change] : tally.changes()) {
    stored.push_back({.key = key, .count = change.count, .first_seq = change.first_seq});
  }
  return survey::AnswerCountsOf(survey, std::move(stored));
}

// Uncoded texts come grouped from the counts; the figures are compared as sets of answers.
std::vector<v1::QuestionSummary> Sorted(std::vector<v1::QuestionSummary> questions) {
  for (v1::QuestionSummary& q : questions) {
    auto* texts = q.mutable_free_text()->mutable_uncoded_answers();
    std::sort(texts->begin(), texts->end());
    if (q.free_text().ByteSizeLong() == 0) q.clear_free_text();
  }
  return questions;
}

void ExpectSameFigures(const google::protobuf::Message& from_responses,
                       const google::protobuf::Message& from_counts) {
  google::protobuf::util::DefaultFieldComparator comparator;
  // Means of fractional numbers are summed in another order: the last bits may differ.
  comparator.set_float_comparison(google::protobuf::util::DefaultFieldComparator::APPROXIMATE);
  comparator.SetDefaultFractionAndMargin(1e-12, 1e-12);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(from_responses, from_counts)) << differences;
}

void ExpectCountsGiveTheSameSummary(const std::vector<sv::Response>& responses) {
  const sv::Survey survey = EveryKind();
  SurveyAggregator read(survey), counted(survey);
  for (const sv::Response& r : responses) read.Add(r);
  counted.AddCounts(CountsOf(survey, responses));
  EXPECT_EQ(read.responses(), counted.responses());
  for (int min_answers : {0, 5}) {
    const auto a = Sorted(read.Questions(true, min_answers));
    const auto b = Sorted(counted.Questions(true, min_answers));
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      SCOPED_TRACE(a[i].key());
      ExpectSameFigures(a[i], b[i]);
    }
  }
  ExpectSameFigures(read.Score(), counted.Score());
}

TEST(SummaryFromCountsTest, SameFiguresAsEveryResponseReadOneByOne) {
  std::mt19937 random(20261129);
  for (int n : {2, 3, 7, 40, 500}) {
    for (double rate : {1.0, 0.8, 0.3}) {
      SCOPED_TRACE(::testing::Message() << n << " responses, answer rate " << rate);
      std::vector<sv::Response> responses;
      for (int i = 0; i < n; ++i) responses.push_back(Generated(random, rate, 1));
      ExpectCountsGiveTheSameSummary(responses);
    }
  }
}

TEST(SummaryFromCountsTest, EdgeCases) {
  std::mt19937 random(7);
  {
    SCOPED_TRACE("no responses");
    ExpectCountsGiveTheSameSummary({});
  }
  {
    SCOPED_TRACE("one response");
    ExpectCountsGiveTheSameSummary({Generated(random, 1.0, 1)});
  }
  {
    SCOPED_TRACE("all identical");
    std::vector<sv::Response> same;
    for (int i = 0; i < 9; ++i) same.push_back(Generated(random, 1.0, 0));
    ExpectCountsGiveTheSameSummary(same);
  }
  {
    SCOPED_TRACE("all missing");
    std::vector<sv::Response> empty;
    for (int i = 0; i < 6; ++i) empty.push_back(Generated(random, 0.0, 1));
    ExpectCountsGiveTheSameSummary(empty);
  }
}

TEST(SummaryFromCountsTest, AnswersOfUnknownQuestionsAndOptionsAreLeftOutAsWhenRead) {
  const sv::Survey survey = EveryKind();
  sv::Response odd;
  odd.set_max_score(3);  // as the survey service stores every response of a survey with a quiz
  sv::Answer* a = odd.add_answers();
  a->set_question_key("gone");  // a question no longer in the survey
  a->set_scale(3);
  a = odd.add_answers();
  a->set_question_key("useful");
  a->set_choice("withdrawn");  // an option no longer offered
  ExpectCountsGiveTheSameSummary({odd, odd});
}

}  // namespace
}  // namespace convene::aggregation
