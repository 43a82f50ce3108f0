// The counts of answers a survey keeps beside its responses (CountAnswersResponse): how many
// responses there are, how many answered each question, and how many gave each answer, each theme
// code and each quiz score. The store adds a response's counts in the same transaction that stores
// it, so the counts always describe exactly the stored responses, and a summary reads them instead
// of every response.
//
// AnswerTally is what some responses add to (or, with sign -1, take from) the counts: plain C++,
// free of SQL and gRPC. Not thread-safe.
#ifndef CONVENE_SERVICES_SURVEY_ANSWER_COUNTS_H_
#define CONVENE_SERVICES_SURVEY_ANSWER_COUNTS_H_

#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/btree_map.h"
#include "convene/survey/v1/survey.pb.h"
#include "convene/survey/v1/survey_service.pb.h"

namespace convene::survey {

// What a count counts. Stored as its number: do not renumber.
enum class CountKind : int {
  kResponses = 0,  // responses stored (question_key and value empty)
  kAnswered = 1,   // responses that answered the question (value empty)
  kValue = 2,      // responses that gave the answer `value` (CountAnswersResponse's values)
  kCode = 3,       // free-text answers carrying the theme code `value`
  kScore = 4,      // responses with the quiz score `value` (question_key empty)
};

struct CountKey {
  std::string question_key;
  CountKind kind;
  std::string value;

  friend bool operator<(const CountKey& a, const CountKey& b) {
    return std::tie(a.question_key, a.kind, a.value) < std::tie(b.question_key, b.kind, b.value);
  }
};

struct CountChange {
  int64_t count = 0;
  // Where in submission order (the response's seq) the value was first given; kept by the store to
  // list values in that order.
  int64_t first_seq = std::numeric_limits<int64_t>::max();
};

// A number answer as counted: the shortest decimal that reads back as the same double.
std::string NumberValue(double number);

class AnswerTally {
 public:
  // Adds what `response`, stored at `seq`, counts; with `sign` -1, takes it away (a response about
  // to be replaced).
  void Add(const v1::Response& response, int64_t seq, int sign = 1);

  // Adds every change of `other`.
  void Merge(const AnswerTally& other);

  const absl::btree_map<CountKey, CountChange>& changes() const { return changes_; }
  bool empty() const { return changes_.empty(); }
  void clear() { changes_.clear(); }

 private:
  void Count(std::string question_key, CountKind kind, std::string value, int64_t seq, int sign);

  absl::btree_map<CountKey, CountChange> changes_;
};

// One stored count, as the store reads them.
struct StoredCount {
  CountKey key;
  int64_t count = 0;
  int64_t first_seq = 0;
};

// The counts of `survey` as CountAnswersResponse: questions in the survey's order (those answered
// by nobody left out), values and codes in the order they were first given, scores in ascending
// order. Counts of question keys the survey does not have are left out.
v1::CountAnswersResponse AnswerCountsOf(const v1::Survey& survey, std::vector<StoredCount> counts);

}  // namespace convene::survey

#endif  // CONVENE_SERVICES_SURVEY_ANSWER_COUNTS_H_
