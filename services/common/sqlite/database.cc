#include "services/common/sqlite/database.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace convene::sqlite {
namespace {

// The one place that says what a failed SQLite call means for the caller. `system_errno` is the
// errno of the file operation that failed (SystemErrno); it is read only for I/O errors and failed
// opens (for anything else it may be left over from an earlier failure).
absl::Status StorageError(int rc, int system_errno, absl::string_view path, absl::string_view what,
                          absl::string_view message) {
  const int primary = rc & 0xff;
  const bool file_error = primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN;
  if (!file_error) system_errno = 0;
  std::string detail = absl::StrCat(what, ": ", message);
  if (system_errno != 0) absl::StrAppend(&detail, ": ", std::strerror(system_errno));
  if (primary == SQLITE_FULL || system_errno == ENOSPC || system_errno == EDQUOT) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "storage: the disk holding ", path, " is full; free space and retry (", detail, ")"));
  }
  if (primary == SQLITE_READONLY || system_errno == EROFS) {
    return absl::UnavailableError(
        absl::StrCat("storage: the database ", path,
                     " is read-only (its file system is mounted read-only, or the file is not "
                     "writable); make it writable and retry (",
                     detail, ")"));
  }
  if (primary == SQLITE_IOERR) {
    return absl::UnavailableError(absl::StrCat("storage: reading or writing ", path,
                                               " failed; check its disk and retry (", detail, ")"));
  }
  std::string text = absl::StrCat("storage: ", detail);
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
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

// The errno of the file operation behind an I/O error. SQLite passes it on (sqlite3_system_errno)
// only for some failures; for the others (a failed write or fsync of the WAL at COMMIT, say) the
// file that failed keeps it: the WAL (or rollback journal) first, then the database file.
int SystemErrno(sqlite3* db) {
  if (const int e = sqlite3_system_errno(db); e != 0) return e;
  for (const int pointer : {SQLITE_FCNTL_JOURNAL_POINTER, SQLITE_FCNTL_FILE_POINTER}) {
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(db, "main", pointer, &file) != SQLITE_OK || file == nullptr ||
        file->pMethods == nullptr) {
      continue;
    }
    int e = 0;
    if (file->pMethods->xFileControl(file, SQLITE_FCNTL_LAST_ERRNO, &e) == SQLITE_OK && e != 0) {
      return e;
    }
  }
  return 0;
}

// The name an error gives a statement run by Execute: the statement itself when it is short
// ("COMMIT"), else "execute".
absl::string_view ExecuteName(absl::string_view sql) {
  return sql.size() <= 32 ? sql : absl::string_view("execute");
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const Options& options) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(options.path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    const int system_errno = raw ? sqlite3_system_errno(raw) : 0;
    sqlite3_close_v2(raw);
    return StorageError(rc, system_errno, options.path, absl::StrCat("open ", options.path),
                        message);
  }
  std::unique_ptr<Database> db(new Database(raw, options.path));
  // SQLite opens a file it may not write for reading only, and every write would then fail: say so
  // now, once, rather than on each write.
  if (sqlite3_db_readonly(raw, "main") == 1) {
    return StorageError(SQLITE_READONLY, 0, options.path, "open", "it opens for reading only");
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  // A page cache of up to 64 MB (SQLite's default is 2 MB), taken only as pages are read: a large
  // import's index pages then stay in memory instead of being read again from the file.
  CONVENE_RETURN_IF_ERROR(
      db->Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA "
                  "foreign_keys=ON; PRAGMA cache_size=-65536;"));
  return db;
}

Database::Database(sqlite3* db, absl::string_view path)
    : db_(db), name_(path.substr(path.find_last_of('/') + 1)) {}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

absl::Status Database::Error(int rc, absl::string_view what) {
  last_error_ = StorageError(rc, SystemErrno(db_), name_, what, sqlite3_errmsg(db_));
  return last_error_;
}

void Database::RollBack() {
  if (sqlite3_get_autocommit(db_) == 0) Execute("ROLLBACK").IgnoreError();
  in_transaction_ = false;
}

absl::Status Database::Execute(absl::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string m = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    last_error_ = StorageError(rc, SystemErrno(db_), name_, ExecuteName(sql), m);
    return last_error_;
  }
  return absl::OkStatus();
}

absl::Status Database::ExecuteOne(const char* sql) {
  CONVENE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, CachedStatement(sql));
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
    sqlite3_reset(stmt);
    return absl::OkStatus();
  }
  last_error_ = StorageError(rc, SystemErrno(db_), name_, ExecuteName(sql), sqlite3_errmsg(db_));
  sqlite3_reset(stmt);
  return last_error_;
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
  // A full disk or an I/O error can make SQLite roll the whole transaction back by itself; a
  // statement run after that would be committed on its own, and the write stored in part.
  if (db_.in_transaction_ && sqlite3_get_autocommit(db_.db_) != 0) {
    return absl::AbortedError(
        "storage: the transaction was rolled back after an error; nothing of it was stored");
  }
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
  // A transaction still open here was left by a ROLLBACK that failed; it would refuse every BEGIN.
  db_.RollBack();
  status_ = db_.Execute("BEGIN IMMEDIATE");
  open_ = status_.ok();
  db_.in_transaction_ = open_;
}

Transaction::~Transaction() {
  if (open_) db_.RollBack();
}

absl::Status Transaction::Commit() {
  if (!open_) return absl::FailedPreconditionError("storage: commit without an open transaction");
  absl::Status status = db_.Execute("COMMIT");
  open_ = false;
  if (status.ok()) {
    db_.in_transaction_ = false;
  } else {
    // SQLite keeps the transaction open after some failures (a full disk while writing the WAL)
    // and rolls it back by itself after others; either way it ends here, refused whole.
    db_.RollBack();
  }
  return status;
}

// --- SerialDatabase: group commit

namespace {

// What the writes of a batch that could not be committed are told: a storage error (a full disk, a
// failed fsync) as it is; another write's own failure (a constraint, say) says nothing useful to
// them.
absl::Status BatchFailure(absl::Status cause) {
  if (cause.code() == absl::StatusCode::kResourceExhausted ||
      cause.code() == absl::StatusCode::kUnavailable ||
      cause.code() == absl::StatusCode::kDataLoss) {
    return cause;
  }
  return absl::AbortedError(
      "storage: the write was rolled back, together with the writes committed with it, after a "
      "storage error; nothing of it was stored; retry");
}

}  // namespace

SerialDatabase::~SerialDatabase() {
  std::unique_lock<std::mutex> lock(mu_);
  if (batch_ != nullptr) EndBatch();
}

SerialDatabase::ReadLock SerialDatabase::LockForRead() {
  ReadLock lock(mu_);
  while (batch_ != nullptr) {
    if (writers_waiting_.load() == 0) {
      EndBatch();
      break;
    }
    // Writes are queued behind this reader: the last of them commits the batch, so wait for that
    // rather than committing it early and leaving them a batch of their own each.
    std::shared_ptr<Batch> batch = batch_;
    lock.unlock();
    AwaitBatch(*batch);
    lock.lock();
  }
  return lock;
}

SerialDatabase::Stats SerialDatabase::stats() {
  std::unique_lock<std::mutex> lock(mu_);
  return stats_;
}

absl::Status SerialDatabase::JoinBatch() {
  // SQLite rolled the open batch back by itself after a failed statement nobody reported.
  if (batch_ != nullptr && sqlite3_get_autocommit(db_->db_) != 0) {
    CloseBatch(BatchFailure(db_->last_error_));
  }
  if (batch_ != nullptr) return absl::OkStatus();
  // A transaction still open here was left by a ROLLBACK that failed; it would refuse every BEGIN.
  db_->RollBack();
  db_->last_error_ = absl::OkStatus();
  CONVENE_RETURN_IF_ERROR(db_->ExecuteOne("BEGIN IMMEDIATE"));
  db_->in_transaction_ = true;
  batch_ = std::make_shared<Batch>();
  batch_writes_ = 0;
  return absl::OkStatus();
}

void SerialDatabase::EndBatch() {
  absl::Status status;
  if (batch_writes_ > 0) {
    if (hooks_ != nullptr) status = hooks_->BeforeCommit();
    if (status.ok()) status = db_->ExecuteOne("COMMIT");
    if (status.ok()) {
      ++stats_.commits;
      stats_.writes += batch_writes_;
    }
  }
  CloseBatch(status.ok() ? status : BatchFailure(status));
}

void SerialDatabase::CloseBatch(absl::Status status) {
  if (batch_ == nullptr) return;
  // Nothing to keep (no write, or a failed COMMIT: SQLite keeps the transaction open after some
  // failures, a full disk while writing the WAL, and rolls it back by itself after others).
  db_->RollBack();
  std::vector<std::function<void(const absl::Status&)>> callbacks;
  {
    std::lock_guard<std::mutex> done_lock(done_mu_);
    batch_->status = std::move(status);
    batch_->done = true;
    callbacks.swap(batch_->callbacks);
  }
  const std::shared_ptr<Batch> done = std::move(batch_);
  batch_ = nullptr;
  batch_writes_ = 0;
  if (hooks_ != nullptr) hooks_->BatchEnded();
  batch_done_.notify_all();
  // The deferred writes' answers (DeferredCommits::Then): quick, and none touches the database.
  for (auto& callback : callbacks) callback(done->status);
}

void SerialDatabase::OnBatchDone(const std::shared_ptr<Batch>& batch,
                                 std::function<void(const absl::Status&)> done) {
  {
    std::lock_guard<std::mutex> done_lock(done_mu_);
    if (!batch->done) {
      batch->callbacks.push_back(std::move(done));
      return;
    }
  }
  done(batch->status);
}

absl::Status SerialDatabase::FinishWrite(std::unique_lock<std::mutex>& lock,
                                         std::shared_ptr<Batch> batch) {
  if (batch_ == batch) {
    HeldBatches* held = HeldBatches::Current();
    if (batch_writes_ >= kMaxBatchWrites || (held == nullptr && writers_waiting_.load() == 0)) {
      EndBatch();
    } else if (held != nullptr &&
               std::find(held->held_.begin(), held->held_.end(), this) == held->held_.end()) {
      held->held_.push_back(this);
    }
  }
  // The connection goes to the next writer now; the COMMIT of this batch may be theirs.
  lock.unlock();
  if (DeferredCommits* deferred = DeferredCommits::Current()) {
    deferred->batches_.emplace_back(this, std::move(batch));
    return absl::OkStatus();
  }
  AwaitBatch(*batch);
  std::lock_guard<std::mutex> done_lock(done_mu_);
  return batch->status;
}

namespace {
thread_local DeferredCommits* current_deferred = nullptr;
}  // namespace

DeferredCommits::DeferredCommits() : outer_(current_deferred) { current_deferred = this; }

DeferredCommits::~DeferredCommits() { current_deferred = outer_; }

DeferredCommits* DeferredCommits::Current() { return current_deferred; }

absl::Status DeferredCommits::AwaitEarlier() {
  absl::Status first;
  for (const auto& [db, batch] : batches_) {
    // A batch this thread holds open would wait for this thread.
    if (HeldBatches::Current() != nullptr) db->CommitIfOpen(batch);
    db->AwaitBatch(*batch);
    std::lock_guard<std::mutex> done_lock(db->done_mu_);
    first.Update(batch->status);
  }
  return first;
}

void DeferredCommits::Then(std::function<void(const absl::Status&)> done) {
  if (batches_.empty()) {
    done(absl::OkStatus());
    return;
  }
  struct Pending {
    std::mutex mu;
    size_t left;
    absl::Status first;
    std::function<void(const absl::Status&)> done;
  };
  auto pending = std::make_shared<Pending>();
  pending->left = batches_.size();
  pending->done = std::move(done);
  for (auto& [db, batch] : batches_) {
    db->OnBatchDone(batch, [pending](const absl::Status& status) {
      bool last = false;
      {
        std::lock_guard<std::mutex> lock(pending->mu);
        pending->first.Update(status);
        last = --pending->left == 0;
      }
      if (last) pending->done(pending->first);
    });
  }
  batches_.clear();
}

void SerialDatabase::CommitIfOpen(const std::shared_ptr<Batch>& batch) {
  std::unique_lock<std::mutex> lock(mu_);
  if (batch_ == batch) EndBatch();
}

namespace {
thread_local HeldBatches* current_held = nullptr;
}  // namespace

HeldBatches::HeldBatches() { current_held = this; }

HeldBatches::~HeldBatches() {
  Flush();
  current_held = nullptr;
}

HeldBatches* HeldBatches::Current() { return current_held; }

void HeldBatches::Flush() {
  for (SerialDatabase* db : held_) {
    std::unique_lock<std::mutex> lock(db->mu_);
    if (db->batch_ != nullptr && db->writers_waiting_.load() == 0) db->EndBatch();
  }
  held_.clear();
}

void SerialDatabase::AwaitBatch(const Batch& batch) {
  std::unique_lock<std::mutex> done_lock(done_mu_);
  batch_done_.wait(done_lock, [&batch] { return batch.done; });
}

SerialDatabase::WriteTransaction::WriteTransaction(SerialDatabase& owner) : owner_(owner) {
  if (DeferredCommits* deferred = DeferredCommits::Current()) {
    // This thread's earlier writes are answered as one: this one goes on only if they were stored.
    status_ = deferred->AwaitEarlier();
    if (!status_.ok()) return;
  }
  ++owner_.writers_waiting_;
  lock_ = std::unique_lock<std::mutex>(owner_.mu_);
  --owner_.writers_waiting_;
  status_ = owner_.JoinBatch();
  if (status_.ok() && owner_.batch_writes_ > 0) {
    status_ = owner_.db_->ExecuteOne("SAVEPOINT convene_write");
    savepoint_ = status_.ok();
  }
  open_ = status_.ok();
}

SerialDatabase::WriteTransaction::~WriteTransaction() {
  if (!lock_.owns_lock()) return;  // Commit() has run
  Database& db = *owner_.db_;
  if (open_ && owner_.hooks_ != nullptr) owner_.hooks_->WriteRolledBack();
  if (open_ && owner_.batch_ != nullptr) {
    if (!savepoint_) {
      // The batch held no write before this one: rolling it back undoes this write alone.
      owner_.CloseBatch(absl::OkStatus());
    } else if (sqlite3_get_autocommit(db.db_) != 0 ||
               !db.Execute("ROLLBACK TO convene_write; RELEASE convene_write").ok()) {
      // Undo this write alone; when that fails SQLite has rolled back the whole batch by itself.
      owner_.CloseBatch(BatchFailure(db.last_error_));
    }
  }
  if (owner_.batch_ == nullptr) return;
  if (owner_.batch_writes_ == 0) {
    // Nothing read that is not on disk; end the empty batch unless a writer is about to use it.
    if (owner_.writers_waiting_.load() == 0) owner_.EndBatch();
    return;
  }
  // This transaction may have read writes of the batch that are not on disk yet: whatever it
  // answers, it answers once they are.
  owner_.FinishWrite(lock_, owner_.batch_).IgnoreError();
}

absl::Status SerialDatabase::WriteTransaction::Commit() {
  if (!status_.ok()) return status_;
  if (!lock_.owns_lock()) {
    return absl::FailedPreconditionError("storage: commit of a write already committed");
  }
  Database& db = *owner_.db_;
  const absl::Status released =
      savepoint_ ? db.ExecuteOne("RELEASE convene_write") : absl::OkStatus();
  open_ = false;
  std::shared_ptr<Batch> batch = owner_.batch_;
  if (!released.ok() || batch == nullptr || sqlite3_get_autocommit(db.db_) != 0) {
    // SQLite rolled the batch back by itself after a failed statement: this write is lost with the
    // rest of the batch.
    if (owner_.hooks_ != nullptr) owner_.hooks_->WriteRolledBack();
    absl::Status status = BatchFailure(db.last_error_.ok() ? released : db.last_error_);
    owner_.CloseBatch(status);
    lock_.unlock();
    return status;
  }
  if (owner_.hooks_ != nullptr) owner_.hooks_->WriteReleased();
  ++owner_.batch_writes_;
  return owner_.FinishWrite(lock_, std::move(batch));
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
