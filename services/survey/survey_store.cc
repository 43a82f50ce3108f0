#include "services/survey/survey_store.h"

#include <sqlite3.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"
#include "services/common/status.h"
#include "services/survey/tokens.h"

namespace convene::survey {
namespace {

using sqlite::Statement;

constexpr char kSchemaV1[] = R"sql(
CREATE TABLE settings (
  name TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE surveys (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  event_id TEXT NOT NULL,
  survey BLOB NOT NULL
);
CREATE INDEX surveys_by_event ON surveys (event_id, seq);
CREATE TABLE tokens (
  survey_id TEXT NOT NULL REFERENCES surveys (id),
  token_hash TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (survey_id, token_hash),
  UNIQUE (survey_id, participant_id)
) WITHOUT ROWID;
CREATE TABLE responses (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  survey_id TEXT NOT NULL REFERENCES surveys (id),
  response BLOB NOT NULL
);
CREATE INDEX responses_by_survey ON responses (survey_id, seq);
)sql";

// Counts changes to stored responses (see GetSurveyResponse.responses_revision).
constexpr char kSchemaV3[] = R"sql(
ALTER TABLE surveys ADD COLUMN responses_revision INTEGER NOT NULL DEFAULT 0;
)sql";

// The counts of answers (answer_counts.h), kept in step with the responses table.
constexpr char kSchemaV4[] = R"sql(
CREATE TABLE answer_counts (
  survey_id TEXT NOT NULL,
  question_key TEXT NOT NULL,
  kind INTEGER NOT NULL,
  value TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_seq INTEGER NOT NULL,
  PRIMARY KEY (survey_id, question_key, kind, value)
) WITHOUT ROWID;
)sql";
// The respondent's attributes as registration had them when the token was issued (a serialized
// RespondentAttributes), so that an answer needs no call to registration; NULL for tokens issued
// before this column, whose answers ask registration.
constexpr char kSchemaV5[] = R"sql(
ALTER TABLE tokens ADD COLUMN attributes BLOB;
)sql";
// Set once the counts describe every stored response (at the first start with answer_counts, the
// responses stored before are counted).
constexpr char kCountsReadySetting[] = "answer_counts";

constexpr char kBumpRevisionSql[] =
    "UPDATE surveys SET responses_revision = responses_revision + 1 WHERE id = ?";
constexpr char kSelectRevisionSql[] = "SELECT responses_revision FROM surveys WHERE id = ?";
constexpr char kSelectSecretSql[] = "SELECT value FROM settings WHERE name = 'hmac_secret'";
constexpr char kInsertSecretSql[] = "INSERT INTO settings (name, value) VALUES ('hmac_secret', ?)";
constexpr char kInsertSurveySql[] = "INSERT INTO surveys (id, event_id, survey) VALUES (?, ?, ?)";
constexpr char kUpdateSurveySql[] = "UPDATE surveys SET survey = ? WHERE id = ?";
constexpr char kSelectSurveySql[] = "SELECT survey FROM surveys WHERE id = ?";
constexpr char kSelectSurveysOfEventSql[] =
    "SELECT survey FROM surveys WHERE event_id = ? ORDER BY seq";
constexpr char kInsertTokenSql[] =
    "INSERT INTO tokens (survey_id, token_hash, participant_id, attributes) VALUES (?, ?, ?, ?)";
constexpr char kSelectTokenSql[] =
    "SELECT participant_id, used, attributes FROM tokens WHERE survey_id = ? AND token_hash = ?";
constexpr char kSelectTokenHoldersSql[] =
    "SELECT participant_id FROM tokens WHERE survey_id = ? ORDER BY participant_id";
constexpr char kSelectUsedTokenHoldersSql[] =
    "SELECT participant_id FROM tokens WHERE survey_id = ? AND used = 1";
constexpr char kDeleteUnusedTokenSql[] =
    "DELETE FROM tokens WHERE survey_id = ? AND participant_id = ? AND used = 0";
constexpr char kUseTokenSql[] =
    "UPDATE tokens SET used = 1 WHERE survey_id = ? AND token_hash = ? AND used = 0";
constexpr char kInsertResponseSql[] =
    "INSERT INTO responses (id, survey_id, response) VALUES (?, ?, ?)";
constexpr char kUpdateResponseSql[] = "UPDATE responses SET response = ? WHERE id = ?";
constexpr char kSelectResponseByIdSql[] = "SELECT seq, response FROM responses WHERE id = ?";
constexpr char kSelectAllResponsesSql[] =
    "SELECT seq, survey_id, response FROM responses ORDER BY seq";
constexpr char kAddCountSql[] =
    "INSERT INTO answer_counts (survey_id, question_key, kind, value, count, first_seq) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (survey_id, question_key, kind, value) "
    "DO UPDATE SET count = count + excluded.count, first_seq = MIN(first_seq, excluded.first_seq)";
constexpr char kDeleteZeroCountsSql[] =
    "DELETE FROM answer_counts WHERE survey_id = ? AND count = 0";
constexpr char kSelectCountsSql[] =
    "SELECT question_key, kind, value, count, first_seq FROM answer_counts WHERE survey_id = ?";
constexpr char kSelectSettingSql[] = "SELECT value FROM settings WHERE name = ?";
constexpr char kInsertSettingSql[] = "INSERT INTO settings (name, value) VALUES (?, ?)";
constexpr char kSelectResponsesSql[] =
    "SELECT seq, response FROM responses WHERE survey_id = ? AND seq > ? ORDER BY seq LIMIT ?";
// From the answer counts (CountKind::kResponses), not a scan of the survey's responses.
constexpr char kCountResponsesSql[] =
    "SELECT count FROM answer_counts WHERE survey_id = ? AND question_key = '' AND kind = 0 "
    "AND value = ''";
constexpr char kCountTokensSql[] = "SELECT COUNT(*) FROM tokens WHERE survey_id = ?";

absl::StatusOr<int> CountOf(sqlite::Database& db, const char* sql, absl::string_view id) {
  Statement stmt(db, sql);
  stmt.BindText(1, id);
  CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  return has_row ? static_cast<int>(stmt.ColumnInt64(0)) : 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SurveyStore>> SurveyStore::Open(const std::string& path) {
  CONVENE_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open({.path = path}));
  CONVENE_RETURN_IF_ERROR(
      db->Migrate({kSchemaV1, sqlite::kRequestLogSchema, kSchemaV3, kSchemaV4, kSchemaV5}));
  std::unique_ptr<SurveyStore> store(new SurveyStore(std::move(db)));
  CONVENE_RETURN_IF_ERROR(store->CountStoredAnswers());
  return store;
}

absl::Status SurveyStore::CountStoredAnswers() {
  {
    Statement ready(*db_, kSelectSettingSql);
    ready.BindText(1, kCountsReadySetting);
    CONVENE_ASSIGN_OR_RETURN(bool found, ready.Step());
    if (found) return absl::OkStatus();
  }
  auto txn = serial_.BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  {
    // Every survey's counts at once: one pass over the responses, in submission order.
    std::map<std::string, AnswerTally> tallies;
    Statement all(*db_, kSelectAllResponsesSql);
    while (true) {
      CONVENE_ASSIGN_OR_RETURN(bool has_row, all.Step());
      if (!has_row) break;
      CONVENE_ASSIGN_OR_RETURN(v1::Response response, sqlite::ColumnMessage<v1::Response>(all, 2));
      tallies[all.ColumnText(1)].Add(response, all.ColumnInt64(0));
    }
    for (const auto& [survey_id, tally] : tallies) {
      CONVENE_RETURN_IF_ERROR(AddCounts(survey_id, tally));
    }
    Statement done(*db_, kInsertSettingSql);
    done.BindText(1, kCountsReadySetting).BindText(2, "1");
    CONVENE_RETURN_IF_ERROR(done.Run());
  }
  return txn->Commit();
}

absl::Status SurveyStore::AddCounts(absl::string_view survey_id, const AnswerTally& tally) {
  bool emptied = false;
  for (const auto& [key, change] : tally.changes()) {
    if (change.count == 0) continue;
    Statement add(*db_, kAddCountSql);
    add.BindText(1, survey_id)
        .BindText(2, key.question_key)
        .BindInt64(3, static_cast<int>(key.kind))
        .BindText(4, key.value)
        .BindInt64(5, change.count)
        .BindInt64(6, change.first_seq);
    CONVENE_RETURN_IF_ERROR(add.Run());
    emptied = emptied || change.count < 0;
  }
  if (emptied) {
    Statement zeros(*db_, kDeleteZeroCountsSql);
    zeros.BindText(1, survey_id);
    CONVENE_RETURN_IF_ERROR(zeros.Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> SurveyStore::Secret() {
  {
    Statement select(*db_, kSelectSecretSql);
    CONVENE_ASSIGN_OR_RETURN(bool found, select.Step());
    if (found) return select.ColumnText(0);
  }
  CONVENE_ASSIGN_OR_RETURN(std::string secret, NewSecret());
  Statement insert(*db_, kInsertSecretSql);
  insert.BindText(1, secret);
  CONVENE_RETURN_IF_ERROR(insert.Run());
  return secret;
}

absl::Status SurveyStore::InsertSurvey(const v1::Survey& survey) {
  ForgetSurveys();
  Statement stmt(*db_, kInsertSurveySql);
  stmt.BindText(1, survey.id())
      .BindText(2, survey.event_id())
      .BindBlob(3, survey.SerializeAsString());
  return stmt.Run();
}

absl::Status SurveyStore::UpdateSurvey(const v1::Survey& survey) {
  ForgetSurveys();
  Statement stmt(*db_, kUpdateSurveySql);
  stmt.BindBlob(1, survey.SerializeAsString()).BindText(2, survey.id());
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  if (stmt.Changes() == 0) {
    return absl::NotFoundError(absl::StrCat("survey ", survey.id(), " does not exist"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Survey> SurveyStore::GetSurvey(absl::string_view survey_id) {
  auto cached = surveys_.find(survey_id);
  if (cached != surveys_.end()) return cached->second;
  Statement stmt(*db_, kSelectSurveySql);
  stmt.BindText(1, survey_id);
  CONVENE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return absl::NotFoundError(absl::StrCat("survey ", survey_id, " does not exist"));
  CONVENE_ASSIGN_OR_RETURN(v1::Survey survey, sqlite::ColumnMessage<v1::Survey>(stmt, 0));
  if (surveys_.size() >= kCachedSurveys) surveys_.clear();
  surveys_.emplace(survey.id(), survey);
  return survey;
}

void SurveyStore::ForgetSurveys() {
  surveys_.clear();
  surveys_written_ = true;
}

absl::StatusOr<std::vector<v1::Survey>> SurveyStore::SurveysOfEvent(absl::string_view event_id) {
  Statement stmt(*db_, kSelectSurveysOfEventSql);
  stmt.BindText(1, event_id);
  std::vector<v1::Survey> surveys;
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    CONVENE_ASSIGN_OR_RETURN(v1::Survey survey, sqlite::ColumnMessage<v1::Survey>(stmt, 0));
    surveys.push_back(std::move(survey));
  }
  return surveys;
}

absl::Status SurveyStore::InsertToken(absl::string_view survey_id, absl::string_view participant_id,
                                      absl::string_view token_hash,
                                      const v1::RespondentAttributes& attributes) {
  Statement stmt(*db_, kInsertTokenSql);
  stmt.BindText(1, survey_id)
      .BindText(2, token_hash)
      .BindText(3, participant_id)
      .BindBlob(4, attributes.SerializeAsString());
  return stmt.Run();
}

absl::StatusOr<std::optional<TokenRecord>> SurveyStore::FindToken(absl::string_view survey_id,
                                                                  absl::string_view token_hash) {
  Statement stmt(*db_, kSelectTokenSql);
  stmt.BindText(1, survey_id).BindText(2, token_hash);
  CONVENE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::nullopt;
  TokenRecord token{.participant_id = stmt.ColumnText(0), .used = stmt.ColumnInt64(1) != 0};
  if (!stmt.ColumnIsNull(2)) {
    CONVENE_ASSIGN_OR_RETURN(token.attributes,
                             sqlite::ColumnMessage<v1::RespondentAttributes>(stmt, 2));
  }
  return token;
}

absl::StatusOr<std::vector<std::string>> SurveyStore::TokenHolders(absl::string_view survey_id,
                                                                   bool used_only) {
  Statement stmt(*db_, used_only ? kSelectUsedTokenHoldersSql : kSelectTokenHoldersSql);
  stmt.BindText(1, survey_id);
  std::vector<std::string> holders;
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    holders.push_back(stmt.ColumnText(0));
  }
  return holders;
}

absl::Status SurveyStore::DeleteUnusedToken(absl::string_view survey_id,
                                            absl::string_view participant_id) {
  Statement stmt(*db_, kDeleteUnusedTokenSql);
  stmt.BindText(1, survey_id).BindText(2, participant_id);
  return stmt.Run();
}

absl::Status TokenUsedError() {
  return absl::AlreadyExistsError(
      "token: this token has already been used to answer; the response given with it is recorded");
}

absl::Status SurveyStore::UseToken(absl::string_view survey_id, absl::string_view token_hash) {
  Statement stmt(*db_, kUseTokenSql);
  stmt.BindText(1, survey_id).BindText(2, token_hash);
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  if (stmt.Changes() == 0) return TokenUsedError();
  return absl::OkStatus();
}

void SurveyStore::WriteReleased() {
  for (auto& [survey_id, tally] : write_counts_) batch_counts_[survey_id].Merge(tally);
  write_counts_.clear();
}

void SurveyStore::WriteRolledBack() {
  write_counts_.clear();
  // What was read of the surveys after the write changed one may be undone now.
  if (surveys_written_) surveys_.clear();
}

absl::Status SurveyStore::BeforeCommit() {
  for (const auto& [survey_id, tally] : batch_counts_) {
    CONVENE_RETURN_IF_ERROR(AddCounts(survey_id, tally));
  }
  return absl::OkStatus();
}

void SurveyStore::BatchEnded() {
  write_counts_.clear();
  batch_counts_.clear();
  // The batch may not have been committed.
  if (surveys_written_) surveys_.clear();
  surveys_written_ = false;
}

absl::Status SurveyStore::InsertOne(const v1::Response& response, bool anonymous) {
  if (anonymous && !response.participant_id().empty()) {
    return absl::InternalError("storage: an anonymous response must not carry a participant id");
  }
  Statement stmt(*db_, kInsertResponseSql);
  stmt.BindText(1, response.id())
      .BindText(2, response.survey_id())
      .BindBlob(3, response.SerializeAsString());
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  write_counts_[response.survey_id()].Add(response, sqlite3_last_insert_rowid(db_->handle()));
  return absl::OkStatus();
}

absl::Status SurveyStore::InsertResponse(const v1::Response& response, bool anonymous) {
  return InsertOne(response, anonymous);
}

absl::Status SurveyStore::InsertResponses(absl::string_view survey_id,
                                          const std::vector<v1::Response>& responses,
                                          bool anonymous) {
  for (const v1::Response& response : responses) {
    if (response.survey_id() != survey_id) {
      return absl::InternalError("storage: responses of another survey in one insert");
    }
    CONVENE_RETURN_IF_ERROR(InsertOne(response, anonymous));
  }
  return absl::OkStatus();
}

absl::Status SurveyStore::UpdateResponse(const v1::Response& response) {
  AnswerTally tally;
  {
    Statement old(*db_, kSelectResponseByIdSql);
    old.BindText(1, response.id());
    CONVENE_ASSIGN_OR_RETURN(bool found, old.Step());
    if (!found) {
      return absl::NotFoundError(absl::StrCat("response ", response.id(), " does not exist"));
    }
    CONVENE_ASSIGN_OR_RETURN(v1::Response before, sqlite::ColumnMessage<v1::Response>(old, 1));
    if (before.survey_id() != response.survey_id()) {
      return absl::InternalError("storage: a response cannot move to another survey");
    }
    tally.Add(before, old.ColumnInt64(0), -1);
    tally.Add(response, old.ColumnInt64(0));
  }
  Statement stmt(*db_, kUpdateResponseSql);
  stmt.BindBlob(1, response.SerializeAsString()).BindText(2, response.id());
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  write_counts_[response.survey_id()].Merge(tally);
  return absl::OkStatus();
}

absl::StatusOr<v1::CountAnswersResponse> SurveyStore::AnswerCounts(const v1::Survey& survey) {
  Statement stmt(*db_, kSelectCountsSql);
  stmt.BindText(1, survey.id());
  std::vector<StoredCount> counts;
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    counts.push_back({.key = {.question_key = stmt.ColumnText(0),
                              .kind = static_cast<CountKind>(stmt.ColumnInt64(1)),
                              .value = stmt.ColumnText(2)},
                      .count = stmt.ColumnInt64(3),
                      .first_seq = stmt.ColumnInt64(4)});
  }
  return AnswerCountsOf(survey, std::move(counts));
}

absl::StatusOr<Page<v1::Response>> SurveyStore::ResponsesOf(absl::string_view survey_id,
                                                            int64_t cursor, int limit) {
  Statement stmt(*db_, kSelectResponsesSql);
  stmt.BindText(1, survey_id).BindInt64(2, cursor).BindInt64(3, limit + 1);
  return sqlite::ReadPage<v1::Response>(
      stmt, limit, [](Statement& row) { return sqlite::ColumnMessage<v1::Response>(row, 1); });
}

absl::StatusOr<Page<std::string>> SurveyStore::ResponseBytesOf(absl::string_view survey_id,
                                                               int64_t cursor, int limit,
                                                               int64_t max_bytes) {
  Statement stmt(*db_, kSelectResponsesSql);
  stmt.BindText(1, survey_id).BindInt64(2, cursor).BindInt64(3, limit + 1);
  int64_t bytes = 0;
  return sqlite::ReadPage<std::string>(
      stmt, limit, [](Statement& row) -> absl::StatusOr<std::string> { return row.ColumnBlob(1); },
      [&bytes, max_bytes](const std::string& response) {
        bytes += static_cast<int64_t>(response.size());
        return bytes >= max_bytes;
      });
}

absl::Status SurveyStore::BumpResponsesRevision(absl::string_view survey_id) {
  Statement stmt(*db_, kBumpRevisionSql);
  stmt.BindText(1, survey_id);
  return stmt.Run();
}

absl::StatusOr<int64_t> SurveyStore::ResponsesRevision(absl::string_view survey_id) {
  Statement stmt(*db_, kSelectRevisionSql);
  stmt.BindText(1, survey_id);
  CONVENE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  return found ? stmt.ColumnInt64(0) : 0;
}

absl::StatusOr<int> SurveyStore::CountResponses(absl::string_view survey_id) {
  return CountOf(*db_, kCountResponsesSql, survey_id);
}

absl::StatusOr<int> SurveyStore::CountTokens(absl::string_view survey_id) {
  return CountOf(*db_, kCountTokensSql, survey_id);
}

}  // namespace convene::survey
