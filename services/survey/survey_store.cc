#include "services/survey/survey_store.h"

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
    "INSERT INTO tokens (survey_id, token_hash, participant_id) VALUES (?, ?, ?)";
constexpr char kSelectTokenSql[] =
    "SELECT participant_id, used FROM tokens WHERE survey_id = ? AND token_hash = ?";
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
constexpr char kSelectResponsesSql[] =
    "SELECT seq, response FROM responses WHERE survey_id = ? AND seq > ? ORDER BY seq LIMIT ?";
constexpr char kCountResponsesSql[] = "SELECT COUNT(*) FROM responses WHERE survey_id = ?";
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
  CONVENE_RETURN_IF_ERROR(db->Migrate({kSchemaV1, sqlite::kRequestLogSchema, kSchemaV3}));
  return std::unique_ptr<SurveyStore>(new SurveyStore(std::move(db)));
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
  Statement stmt(*db_, kInsertSurveySql);
  stmt.BindText(1, survey.id())
      .BindText(2, survey.event_id())
      .BindBlob(3, survey.SerializeAsString());
  return stmt.Run();
}

absl::Status SurveyStore::UpdateSurvey(const v1::Survey& survey) {
  Statement stmt(*db_, kUpdateSurveySql);
  stmt.BindBlob(1, survey.SerializeAsString()).BindText(2, survey.id());
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  if (stmt.Changes() == 0) {
    return absl::NotFoundError(absl::StrCat("survey ", survey.id(), " does not exist"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Survey> SurveyStore::GetSurvey(absl::string_view survey_id) {
  Statement stmt(*db_, kSelectSurveySql);
  stmt.BindText(1, survey_id);
  CONVENE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return absl::NotFoundError(absl::StrCat("survey ", survey_id, " does not exist"));
  return sqlite::ColumnMessage<v1::Survey>(stmt, 0);
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
                                      absl::string_view token_hash) {
  Statement stmt(*db_, kInsertTokenSql);
  stmt.BindText(1, survey_id).BindText(2, token_hash).BindText(3, participant_id);
  return stmt.Run();
}

absl::StatusOr<std::optional<TokenRecord>> SurveyStore::FindToken(absl::string_view survey_id,
                                                                  absl::string_view token_hash) {
  Statement stmt(*db_, kSelectTokenSql);
  stmt.BindText(1, survey_id).BindText(2, token_hash);
  CONVENE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::nullopt;
  return TokenRecord{stmt.ColumnText(0), stmt.ColumnInt64(1) != 0};
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

absl::Status SurveyStore::InsertResponse(const v1::Response& response, bool anonymous) {
  if (anonymous && !response.participant_id().empty()) {
    return absl::InternalError("storage: an anonymous response must not carry a participant id");
  }
  Statement stmt(*db_, kInsertResponseSql);
  stmt.BindText(1, response.id())
      .BindText(2, response.survey_id())
      .BindBlob(3, response.SerializeAsString());
  return stmt.Run();
}

absl::Status SurveyStore::UpdateResponse(const v1::Response& response) {
  Statement stmt(*db_, kUpdateResponseSql);
  stmt.BindBlob(1, response.SerializeAsString()).BindText(2, response.id());
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  if (stmt.Changes() == 0) {
    return absl::NotFoundError(absl::StrCat("response ", response.id(), " does not exist"));
  }
  return absl::OkStatus();
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
