#include "services/common/sqlite/database.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace convene::sqlite {
namespace {

absl::Status StatusFromCode(int rc, absl::string_view what, absl::string_view message) {
  std::string text = absl::StrCat("storage: ", what, ": ", message);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return absl::UnavailableError(text);
    case SQLITE_CONSTRAINT:
      return absl::AlreadyExistsError(text);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(text);
    default:
      return absl::InternalError(text);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const Options& options) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(options.path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return StatusFromCode(rc, absl::StrCat("open ", options.path), message);
  }
  std::unique_ptr<Database> db(new Database(raw));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  CONVENE_RETURN_IF_ERROR(
      db->Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA "
                  "foreign_keys=ON;"));
  return db;
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

absl::Status Database::Error(int rc, absl::string_view what) {
  return StatusFromCode(rc, what, sqlite3_errmsg(db_));
}

absl::Status Database::Execute(absl::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string m = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return StatusFromCode(rc, "execute", m);
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Database::SchemaVersion() {
  Statement stmt(*this, "PRAGMA user_version");
  CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return absl::InternalError("storage: PRAGMA user_version returned no row");
  return static_cast<int>(stmt.ColumnInt64(0));
}

absl::Status Database::Migrate(const std::vector<absl::string_view>& migrations) {
  CONVENE_ASSIGN_OR_RETURN(int version, SchemaVersion());
  if (version > static_cast<int>(migrations.size())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage: the database has schema version ", version, " but this program knows only up to ",
        migrations.size(), "; use a newer build"));
  }
  for (int i = version; i < static_cast<int>(migrations.size()); ++i) {
    Transaction txn(*this);
    CONVENE_RETURN_IF_ERROR(txn.status());
    CONVENE_RETURN_IF_ERROR(Execute(migrations[i]));
    CONVENE_RETURN_IF_ERROR(Execute(absl::StrCat("PRAGMA user_version = ", i + 1)));
    CONVENE_RETURN_IF_ERROR(txn.Commit());
  }
  return absl::OkStatus();
}

absl::Status Database::CheckIntegrity() {
  Statement stmt(*this, "PRAGMA integrity_check");
  std::string report;
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    absl::StrAppend(&report, report.empty() ? "" : "; ", stmt.ColumnText(0));
  }
  if (report == "ok") return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("storage: integrity check failed: ", report));
}

absl::StatusOr<sqlite3_stmt*> Database::CachedStatement(const char* sql) {
  auto it = cache_.find(absl::string_view(sql));
  if (it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, absl::StrCat("prepare \"", sql, "\""));
  cache_.emplace(sql, stmt);
  return stmt;
}

Statement::Statement(Database& db, const char* sql) : db_(db) {
  auto stmt = db.CachedStatement(sql);
  if (stmt.ok()) {
    stmt_ = *stmt;
  } else {
    status_ = stmt.status();
  }
}

Statement::~Statement() { Reset(); }

void Statement::Reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::BindText(int index, absl::string_view value) {
  if (stmt_) sqlite3_bind_text(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindBlob(int index, absl::string_view value) {
  if (stmt_) sqlite3_bind_blob(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindInt64(int index, int64_t value) {
  if (stmt_) sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::BindNull(int index) {
  if (stmt_) sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::BindOptionalText(int index, absl::string_view value) {
  return value.empty() ? BindNull(index) : BindText(index, value);
}

absl::StatusOr<bool> Statement::Step() {
  if (!status_.ok()) return status_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_.Error(rc, absl::StrCat("step \"", sqlite3_sql(stmt_), "\""));
}

absl::Status Statement::Run() {
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, Step());
    if (!has_row) return absl::OkStatus();
  }
}

std::string Statement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, index));
}

std::string Statement::ColumnBlob(int index) const {
  const void* blob = sqlite3_column_blob(stmt_, index);
  if (blob == nullptr) return "";
  return std::string(static_cast<const char*>(blob), sqlite3_column_bytes(stmt_, index));
}

int64_t Statement::ColumnInt64(int index) const { return sqlite3_column_int64(stmt_, index); }

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

int Statement::Changes() const { return sqlite3_changes(db_.handle()); }

Transaction::Transaction(Database& db) : db_(db) {
  status_ = db_.Execute("BEGIN IMMEDIATE");
  open_ = status_.ok();
}

Transaction::~Transaction() {
  if (open_) db_.Execute("ROLLBACK").IgnoreError();
}

absl::Status Transaction::Commit() {
  if (!open_) return absl::FailedPreconditionError("storage: commit without an open transaction");
  absl::Status status = db_.Execute("COMMIT");
  if (status.ok()) open_ = false;
  return status;
}

uint64_t Fingerprint(absl::string_view bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

absl::StatusOr<std::optional<std::string>> FindLoggedResponse(Database& db,
                                                              absl::string_view method,
                                                              absl::string_view request_id,
                                                              uint64_t request_fingerprint) {
  static constexpr char kSql[] =
      "SELECT request_fingerprint, response FROM request_log WHERE method = ? "
      "AND request_id = ?";
  Statement stmt(db, kSql);
  stmt.BindText(1, method).BindText(2, request_id);
  CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::nullopt;
  if (static_cast<uint64_t>(stmt.ColumnInt64(0)) != request_fingerprint) {
    return absl::InvalidArgumentError(absl::StrCat("request_id: \"", request_id,
                                                   "\" was already used for a different ", method,
                                                   " request; use a new id for a new request"));
  }
  return stmt.ColumnBlob(1);
}

absl::Status LogResponse(Database& db, absl::string_view method, absl::string_view request_id,
                         uint64_t request_fingerprint, absl::string_view response) {
  static constexpr char kSql[] =
      "INSERT INTO request_log (method, request_id, request_fingerprint, "
      "response) "
      "VALUES (?, ?, ?, ?)";
  Statement stmt(db, kSql);
  stmt.BindText(1, method)
      .BindText(2, request_id)
      .BindInt64(3, static_cast<int64_t>(request_fingerprint))
      .BindBlob(4, response);
  return stmt.Run();
}

}  // namespace convene::sqlite
