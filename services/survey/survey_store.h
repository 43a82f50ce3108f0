// All SQL of the survey service: surveys (whole protos), tokens (only their SHA-256, with the
// survey they open, the participant they invite and that participant's coarse attributes; the one
// token of a linked pre/post pair has a row for each of the two surveys), responses (whole protos,
// in submission order) and their answer counts (answer_counts.h; changed in the same transaction as
// the responses), the service's HMAC secret, and the request log.
//
// Anonymity lives here too: the responses table has no participant or token column, and an
// anonymous survey's Response protos are stored without participant_id (the caller clears it;
// InsertResponse refuses one that still has it).
//
// Thread safety: as sqlite::SerialDatabase. Every method must run while the caller holds a
// WriteTransaction (to write) or a ReadLock from this store.
#ifndef CONVENE_SERVICES_SURVEY_SURVEY_STORE_H_
#define CONVENE_SERVICES_SURVEY_SURVEY_STORE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "convene/survey/v1/survey.pb.h"
#include "services/common/sqlite/database.h"
#include "services/survey/answer_counts.h"

namespace convene::survey {

struct TokenRecord {
  std::string participant_id;
  bool used = false;
  // The participant's attributes when the token was issued; absent for tokens issued before
  // tokens kept them.
  std::optional<v1::RespondentAttributes> attributes;
};

using sqlite::Page;

// ALREADY_EXISTS: the token has answered before. Also the answer to a retry whose first call was
// stored but not acknowledged: an anonymous survey keeps no link from a token to its response, so
// the first answer cannot be replayed; the message tells the respondent it was recorded.
absl::Status TokenUsedError();

// Answer counts change with every stored response, many of which share a batch (group commit):
// the store adds each write's changes up in memory and writes them once per batch, just before its
// COMMIT (sqlite::BatchHooks), instead of a row update per answer per response.
class SurveyStore : private sqlite::BatchHooks {
 public:
  static absl::StatusOr<std::unique_ptr<SurveyStore>> Open(const std::string& path);

  using WriteTransaction = sqlite::SerialDatabase::WriteTransaction;
  using ReadLock = sqlite::SerialDatabase::ReadLock;
  std::unique_ptr<WriteTransaction> BeginWrite() { return serial_.BeginWrite(); }
  ReadLock LockForRead() { return serial_.LockForRead(); }
  sqlite::Database& db() { return *db_; }

  // The service's HMAC secret, created on first use. Under a WriteTransaction.
  absl::StatusOr<std::string> Secret();

  absl::Status InsertSurvey(const v1::Survey& survey);
  // NOT_FOUND naming the id.
  absl::Status UpdateSurvey(const v1::Survey& survey);
  absl::StatusOr<v1::Survey> GetSurvey(absl::string_view survey_id);
  // In creation order.
  absl::StatusOr<std::vector<v1::Survey>> SurveysOfEvent(absl::string_view event_id);

  // ALREADY_EXISTS if the participant already has a token for the survey.
  absl::Status InsertToken(absl::string_view survey_id, absl::string_view participant_id,
                           absl::string_view token_hash,
                           const v1::RespondentAttributes& attributes = {});
  // The token with this hash for this survey, if any.
  absl::StatusOr<std::optional<TokenRecord>> FindToken(absl::string_view survey_id,
                                                       absl::string_view token_hash);
  // Participants of the survey who hold a token (only those who used it, when `used_only`).
  absl::StatusOr<std::vector<std::string>> TokenHolders(absl::string_view survey_id,
                                                        bool used_only = false);
  // Removes the participant's token when it is unused (to issue a new one).
  absl::Status DeleteUnusedToken(absl::string_view survey_id, absl::string_view participant_id);
  // Marks the token used; TokenUsedError() when it already was (the single-use check).
  absl::Status UseToken(absl::string_view survey_id, absl::string_view token_hash);

  // Stores the response and adds it to its survey's answer counts.
  absl::Status InsertResponse(const v1::Response& response, bool anonymous);
  // The same for many responses of one survey, with one change to the counts.
  absl::Status InsertResponses(absl::string_view survey_id,
                               const std::vector<v1::Response>& responses, bool anonymous);
  // Replaces a stored response (codes on answers), and its part of the counts. NOT_FOUND naming
  // the id.
  absl::Status UpdateResponse(const v1::Response& response);
  // The survey's answer counts (answer_counts.h).
  absl::StatusOr<v1::CountAnswersResponse> AnswerCounts(const v1::Survey& survey);
  // In submission order, after `cursor` (0 = from the start).
  absl::StatusOr<Page<v1::Response>> ResponsesOf(absl::string_view survey_id, int64_t cursor,
                                                 int limit);
  // The same page as stored bytes (serialized Response messages), without parsing them, ended
  // early once its responses reach `max_bytes` (a page always holds at least one).
  absl::StatusOr<Page<std::string>> ResponseBytesOf(absl::string_view survey_id, int64_t cursor,
                                                    int limit, int64_t max_bytes);
  // How many times stored responses of the survey changed after submission.
  absl::Status BumpResponsesRevision(absl::string_view survey_id);
  absl::StatusOr<int64_t> ResponsesRevision(absl::string_view survey_id);
  absl::StatusOr<int> CountResponses(absl::string_view survey_id);
  absl::StatusOr<int> CountTokens(absl::string_view survey_id);

 private:
  // Counts the responses stored before the answer_counts table existed, once.
  absl::Status CountStoredAnswers();
  // Writes the changes to the survey's counts.
  absl::Status AddCounts(absl::string_view survey_id, const AnswerTally& tally);
  absl::Status InsertOne(const v1::Response& response, bool anonymous);
  // Empties the survey cache before a survey is written.
  void ForgetSurveys();

  // sqlite::BatchHooks: the write's changes join the batch's, which are written before COMMIT.
  void WriteReleased() override;
  void WriteRolledBack() override;
  absl::Status BeforeCommit() override;
  void BatchEnded() override;

  explicit SurveyStore(std::unique_ptr<sqlite::Database> db)
      : serial_(std::move(db)), db_(&serial_.db()) {
    serial_.SetBatchHooks(this);
  }

  sqlite::SerialDatabase serial_;
  sqlite::Database* db_;  // serial_'s connection
  // Changes to the counts by survey id: of the write running, and of the writes released into the
  // open batch. Used with the connection held.
  std::map<std::string, AnswerTally> write_counts_;
  std::map<std::string, AnswerTally> batch_counts_;
  // Surveys as parsed from their rows (GetSurvey runs for every response), by id; emptied by every
  // write of a survey and again when that write's batch ends, whether it was committed or not, so
  // that nothing read of an uncommitted change outlives it. Used with the connection held.
  static constexpr size_t kCachedSurveys = 256;
  absl::flat_hash_map<std::string, v1::Survey> surveys_;
  bool surveys_written_ = false;  // a survey was written in the open batch
};

}  // namespace convene::survey

#endif  // CONVENE_SERVICES_SURVEY_SURVEY_STORE_H_
