#include "services/survey/answer_counts.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace convene::survey {

std::string NumberValue(double number) {
  for (int digits = 15; digits < 17; ++digits) {
    std::string text = absl::StrFormat("%.*g", digits, number);
    if (std::strtod(text.c_str(), nullptr) == number) return text;
  }
  return absl::StrFormat("%.17g", number);
}

void AnswerTally::Count(std::string question_key, CountKind kind, std::string value, int64_t seq,
                        int sign) {
  CountChange& change = changes_[CountKey{std::move(question_key), kind, std::move(value)}];
  change.count += sign;
  if (sign > 0) change.first_seq = std::min(change.first_seq, seq);
}

void AnswerTally::Add(const v1::Response& response, int64_t seq, int sign) {
  Count("", CountKind::kResponses, "", seq, sign);
  if (response.max_score() > 0) {
    Count("", CountKind::kScore, absl::StrCat(response.score()), seq, sign);
  }
  for (const v1::Answer& answer : response.answers()) {
    const std::string& key = answer.question_key();
    Count(key, CountKind::kAnswered, "", seq, sign);
    switch (answer.value_case()) {
      case v1::Answer::kScale:
        Count(key, CountKind::kValue, absl::StrCat(answer.scale()), seq, sign);
        break;
      case v1::Answer::kNumber:
        Count(key, CountKind::kValue, NumberValue(answer.number()), seq, sign);
        break;
      case v1::Answer::kChoice:
        Count(key, CountKind::kValue, answer.choice(), seq, sign);
        break;
      case v1::Answer::kSelections:
        for (const std::string& option : answer.selections().option_keys()) {
          Count(key, CountKind::kValue, option, seq, sign);
        }
        break;
      case v1::Answer::kText:
        if (answer.codes().empty()) Count(key, CountKind::kValue, answer.text(), seq, sign);
        break;
      case v1::Answer::VALUE_NOT_SET:
        break;
    }
    for (const std::string& code : answer.codes()) {
      Count(key, CountKind::kCode, code, seq, sign);
    }
  }
}

void AnswerTally::Merge(const AnswerTally& other) {
  for (const auto& [key, change] : other.changes_) {
    CountChange& mine = changes_[key];
    mine.count += change.count;
    mine.first_seq = std::min(mine.first_seq, change.first_seq);
  }
}

v1::CountAnswersResponse AnswerCountsOf(const v1::Survey& survey, std::vector<StoredCount> counts) {
  std::stable_sort(counts.begin(), counts.end(), [](const StoredCount& a, const StoredCount& b) {
    return a.first_seq < b.first_seq;
  });
  v1::CountAnswersResponse out;
  out.set_survey_id(survey.id());
  absl::flat_hash_map<std::string, v1::QuestionAnswerCounts> by_question;
  std::vector<std::pair<int64_t, int64_t>> scores;  // (score, count)
  for (StoredCount& c : counts) {
    if (c.count <= 0) continue;
    switch (c.key.kind) {
      case CountKind::kResponses:
        out.set_response_count(c.count);
        break;
      case CountKind::kScore: {
        int64_t score = 0;
        if (absl::SimpleAtoi(c.key.value, &score)) scores.emplace_back(score, c.count);
        break;
      }
      case CountKind::kAnswered:
        by_question[c.key.question_key].set_answered(c.count);
        break;
      case CountKind::kValue:
      case CountKind::kCode: {
        v1::QuestionAnswerCounts& q = by_question[c.key.question_key];
        v1::AnswerCount* count = c.key.kind == CountKind::kValue ? q.add_values() : q.add_codes();
        count->set_value(std::move(c.key.value));
        count->set_count(c.count);
        break;
      }
    }
  }
  for (const v1::Question& question : survey.questions()) {
    auto it = by_question.find(question.key());
    if (it == by_question.end() || it->second.answered() == 0) continue;
    v1::QuestionAnswerCounts* q = out.add_questions();
    *q = std::move(it->second);
    q->set_question_key(question.key());
  }
  std::sort(scores.begin(), scores.end());
  for (const auto& [score, count] : scores) {
    v1::AnswerCount* c = out.add_scores();
    c->set_value(absl::StrCat(score));
    c->set_count(count);
  }
  return out;
}

}  // namespace convene::survey
