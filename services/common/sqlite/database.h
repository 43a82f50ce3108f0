// A small RAII layer over SQLite, in the manner of Chromium's //sql: a Database
// owns one connection, a Statement is a prepared statement borrowed from the
// connection's cache and reset when it goes out of scope, and a Transaction
// rolls back in its destructor unless committed.
//
// Durability: every connection runs in WAL mode with synchronous=FULL, so a
// committed transaction is on disk before Commit() returns; that is what lets a
// service acknowledge a write.
//
// Thread safety: a Database and its statements are NOT safe for concurrent use.
// The owner (a service's store) serialises access, normally with one mutex held
// for the length of a transaction.
//
// Errors: every SQLite failure becomes a status in one place (database.cc, StorageError), its
// message starting with "storage:" and ending with SQLite's own text (and the system's, for a file
// operation):
//   - a full disk (SQLITE_FULL, or a write failing with ENOSPC or EDQUOT): RESOURCE_EXHAUSTED,
//     "storage: the disk holding <file> is full; free space and retry";
//   - a read-only database (SQLITE_READONLY, a write failing with EROFS, or a file that opens only
//     for reading): UNAVAILABLE, "storage: the database <file> is read-only ...";
//   - any other I/O error (a failed read, write or fsync): UNAVAILABLE, naming the file;
// <file> is the file's name without its folder once the database is open (callers of every role see
// these errors), its whole path when opening fails (only the operator, starting the service, does);
//   - SQLITE_BUSY/LOCKED, a file that cannot be opened: UNAVAILABLE;
//   - constraint violations: ALREADY_EXISTS; a corrupt file: DATA_LOSS; anything else: INTERNAL.
// A write that fails so is refused whole: its Transaction is rolled back and nothing of it is
// stored (a statement run after SQLite rolled the transaction back by itself is refused too). The
// connection stays usable: once the disk has room or is writable again, the next write succeeds
// without reopening anything. A write whose fsync failed is not acknowledged either; like a call
// cut by a crash it may still be found after a restart, if nothing was written after it.
#ifndef CONVENE_SERVICES_COMMON_SQLITE_DATABASE_H_
#define CONVENE_SERVICES_COMMON_SQLITE_DATABASE_H_

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace convene::sqlite {

class Database {
 public:
  struct Options {
    // File path; created if missing (its directory must exist). ":memory:" for
    // a private in-memory db.
    std::string path;
    int busy_timeout_ms = 5000;
  };

  // Opens (or creates) the database and applies the connection settings above.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const Options& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more SQL statements that take no parameters and return no rows.
  absl::Status Execute(absl::string_view sql);
  // Execute() for one statement run often (COMMIT, SAVEPOINT ...): prepared once, from the cache.
  absl::Status ExecuteOne(const char* sql);

  // Brings the schema up to date. migrations[i] takes PRAGMA user_version from
  // i to i+1; those not yet applied run in order, each in its own transaction
  // together with the version bump. A database whose version is newer than the
  // list is refused (FAILED_PRECONDITION): an older binary must not write it.
  absl::Status Migrate(const std::vector<absl::string_view>& migrations);

  // PRAGMA user_version.
  absl::StatusOr<int> SchemaVersion();

  // PRAGMA integrity_check: OK when SQLite answers "ok", DATA_LOSS with its
  // report otherwise.
  absl::Status CheckIntegrity();

  sqlite3* handle() { return db_; }

  // Converts a SQLite result code into a status (see "Errors" above) using this connection's error
  // message; `what` names the operation that failed.
  absl::Status Error(int rc, absl::string_view what);

 private:
  friend class Statement;
  friend class Transaction;
  friend class SerialDatabase;
  Database(sqlite3* db, absl::string_view path);
  // Rolls back the transaction SQLite still has open, if any (it may have rolled it back itself).
  void RollBack();
  // Prepared statements keyed by their SQL text, prepared once and reused.
  absl::StatusOr<sqlite3_stmt*> CachedStatement(const char* sql);

  sqlite3* db_;
  // The file's name without its folder: what errors after opening name (callers of any role see
  // them; the folder is the operator's business and is in the start-up log).
  const std::string name_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
  // True from a Transaction's BEGIN until its COMMIT or ROLLBACK.
  bool in_transaction_ = false;
  // The last error a statement or Execute() returned (what a group commit reports to the writes of
  // a batch SQLite rolled back after one of them failed).
  absl::Status last_error_;
};

// A prepared statement from the database's cache. Bind parameters (1-based, as
// in SQLite), Step through rows, read columns (0-based). The statement is reset
// and its bindings cleared on destruction.
//
//   Statement stmt(db, kSelectParticipantSql);
//   stmt.BindText(1, id);
//   CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
class Statement {
 public:
  Statement(Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Not OK when preparing failed; every later call then returns this status.
  const absl::Status& status() const { return status_; }

  Statement& BindText(int index, absl::string_view value);
  Statement& BindBlob(int index, absl::string_view value);
  Statement& BindInt64(int index, int64_t value);
  Statement& BindNull(int index);
  // Binds NULL when `value` is empty.
  Statement& BindOptionalText(int index, absl::string_view value);

  // Advances to the next row: true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Steps until done; for statements that return no rows.
  absl::Status Run();
  // Makes the statement ready to run again with new bindings.
  void Reset();

  std::string ColumnText(int index) const;
  std::string ColumnBlob(int index) const;
  int64_t ColumnInt64(int index) const;
  bool ColumnIsNull(int index) const;

  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int Changes() const;

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
  absl::Status status_;
};

// A message stored whole (serialized protobuf) in column `index` of the current row. DATA_LOSS when
// the bytes do not parse.
template <typename Message>
absl::StatusOr<Message> ColumnMessage(const Statement& stmt, int index) {
  Message message;
  if (!message.ParseFromString(stmt.ColumnBlob(index))) {
    return absl::DataLossError("storage: a stored record cannot be read");
  }
  return message;
}

// BEGIN IMMEDIATE on construction (so the write lock is taken up front and a
// transaction never fails half way on lock upgrade); ROLLBACK on destruction
// unless Commit() succeeded, and at once when Commit() fails. Transactions do not
// nest.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Not OK when BEGIN failed.
  const absl::Status& status() const { return status_; }
  // COMMIT. When it fails (a full disk, a failed fsync) the transaction is rolled back before this
  // returns: nothing of it is stored, and the connection is ready for the next one.
  absl::Status Commit();

 private:
  Database& db_;
  absl::Status status_;
  bool open_ = false;
};

// One page of rows read in a stable order: the items, and the cursor (the last row's sequence
// number) to continue after, 0 when there is no next page. Stores turn the cursor into a page
// token.
template <typename T>
struct Page {
  std::vector<T> items;
  int64_t next_cursor = 0;
  // The sequence number of the last item (0 when there is none): a cursor that resumes after it.
  int64_t last_cursor = 0;
};

// Steps `stmt` into a page: the statement's column 0 is the row's sequence number and it asks for
// limit + 1 rows (the extra one only tells that there is a next page); `read(stmt)` turns the
// current row into an item (absl::StatusOr<T>). `full(item)`, called with each item added, may end
// the page early by returning true (a page that must stay under a size in bytes, say); the next
// page then starts after that item.
template <typename T, typename Read, typename Full>
absl::StatusOr<Page<T>> ReadPage(Statement& stmt, int limit, Read read, Full full) {
  Page<T> page;
  int64_t last = 0;
  bool is_full = false;
  while (true) {
    absl::StatusOr<bool> has_row = stmt.Step();
    if (!has_row.ok()) return has_row.status();
    if (!*has_row) break;
    if (static_cast<int>(page.items.size()) == limit || is_full) {
      page.next_cursor = last;
      break;
    }
    last = stmt.ColumnInt64(0);
    absl::StatusOr<T> item = read(stmt);
    if (!item.ok()) return item.status();
    page.items.push_back(*std::move(item));
    is_full = full(page.items.back());
  }
  page.last_cursor = last;
  return page;
}

template <typename T, typename Read>
absl::StatusOr<Page<T>> ReadPage(Statement& stmt, int limit, Read read) {
  return ReadPage<T>(stmt, limit, std::move(read), [](const T&) { return false; });
}

// One connection shared by all of a service's threads, with one mutex serialising every use: what a
// store needs so that "read, decide, write" runs as one atomic step. Every statement must run while
// the caller holds a WriteTransaction or a ReadLock from here.
//
// Group commit. A write is acknowledged only once it is on disk, yet writes that arrive together
// share one COMMIT and so one fsync. The connection keeps one batch transaction open (BEGIN
// IMMEDIATE, taken by the batch's first write, which is the transaction itself) and each later
// WriteTransaction is a SAVEPOINT inside it.
// Commit() releases the savepoint into the batch, then either commits the batch itself, when no
// other write is waiting for the connection (or the batch holds kMaxBatchWrites writes), or leaves
// the connection to the waiting writer and sleeps until a later write (or a reader) has committed
// the batch. A lone write therefore costs one COMMIT as before, and the writes that queue up while
// a COMMIT's fsync runs are committed together by the next one.
//   - A write that fails, or ends without Commit(), is rolled back to its savepoint alone; the
//     other writes of its batch go on.
//   - A batch whose COMMIT fails (a full disk, a failed fsync) is refused whole: Commit() returns
//     that error to every write in it and nothing of them is stored. So does a batch SQLite rolled
//     back by itself after a failed statement.
//   - Nobody reads a write before it is durable: LockForRead() waits until the open batch is
//     committed (committing it itself when no write is queued to do it), and a
//     write that ends without Commit() (it found its answer already stored, say) waits until the
//     batch it read from is committed.
//   - A caller that answers asynchronously (a gRPC reactor) need not wait at all: while a
//     DeferredCommits exists on its thread, Commit() returns as soon as the write is in its batch,
//     and DeferredCommits::Then() answers once the batch is committed, so the thread takes the next
//     call meanwhile. A later write on that thread first waits for the earlier ones, and fails
//     with their error if their batch was refused.
//   - A thread that runs many calls one after another (unary.h's serial thread) can keep their
//     writes in one batch without any thread waiting: while a HeldBatches exists on it, Commit()
//     leaves the batch open for the thread's next write, and HeldBatches::Flush() commits it.
class DeferredCommits;
class HeldBatches;

// What a store may keep in memory for the open batch and write once, just before the batch's
// COMMIT, instead of once per write (counters many writes change, say). The calls come with the
// connection held, in this order for each write: the store changes its pending state while the
// write runs, then WriteReleased() (the write joined the batch) or WriteRolledBack() (it did not);
// for the batch, BeforeCommit() (an error refuses the whole batch) and then BatchEnded(), whether
// the batch was committed or not.
class BatchHooks {
 public:
  virtual ~BatchHooks() = default;
  virtual void WriteReleased() = 0;
  virtual void WriteRolledBack() = 0;
  virtual absl::Status BeforeCommit() = 0;
  virtual void BatchEnded() = 0;
};

class SerialDatabase {
 public:
  // A batch's COMMIT waits for no more writes than this, however many are queued.
  static constexpr int kMaxBatchWrites = 256;

  explicit SerialDatabase(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  ~SerialDatabase();

  // Holds the connection from construction until Commit() returns or the object is destroyed.
  class WriteTransaction {
   public:
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;

    // Not OK when the batch or the savepoint could not be begun.
    const absl::Status& status() const { return status_; }
    // Adds this write to its batch and returns once the batch is committed, having released the
    // connection: OK when the write is on disk, else the error that refused the batch. Every
    // Statement of the write must be gone (out of scope) before, as stores' methods make sure.
    absl::Status Commit();

   private:
    friend class SerialDatabase;
    explicit WriteTransaction(SerialDatabase& owner);

    SerialDatabase& owner_;
    std::unique_lock<std::mutex> lock_;
    absl::Status status_;
    bool open_ = false;  // true while this write is open (not committed or rolled back)
    // Whether the write is a SAVEPOINT: only when the batch already holds writes. The first write
    // of a batch is the batch's transaction itself, undone by rolling the batch back; it so spares
    // SQLite the copy of every page it changes that a savepoint keeps (slow for a large import).
    bool savepoint_ = false;
  };
  using ReadLock = std::unique_lock<std::mutex>;

  std::unique_ptr<WriteTransaction> BeginWrite() {
    return std::unique_ptr<WriteTransaction>(new WriteTransaction(*this));
  }
  // Holds the connection, with every acknowledged write committed.
  ReadLock LockForRead();

  // The connection; use it only while holding a WriteTransaction or a ReadLock.
  Database& db() { return *db_; }

  // Calls `hooks` (which must outlive this) as BatchHooks says; set once, before any write.
  void SetBatchHooks(BatchHooks* hooks) { hooks_ = hooks; }

  // Writes committed, and the batch COMMITs that committed them, since the database was opened.
  struct Stats {
    int64_t writes = 0;
    int64_t commits = 0;
  };
  Stats stats();
  // Writes waiting for the connection at this moment (for tests).
  int writers_waiting() const { return writers_waiting_.load(); }

 private:
  friend class DeferredCommits;
  friend class HeldBatches;

  // One batch transaction; shared by the writes in it, which wait for `done` or are called back.
  struct Batch {
    bool done = false;
    absl::Status status;
    std::vector<std::function<void(const absl::Status&)>> callbacks;
  };
  // Calls done(outcome) once `batch` is done: at once, on this thread, when it is already.
  void OnBatchDone(const std::shared_ptr<Batch>& batch,
                   std::function<void(const absl::Status&)> done);

  // The rest run with mu_ held.
  // Begins a batch unless one is open.
  absl::Status JoinBatch();
  // Commits the open batch (rolls it back when it holds no write), records its outcome and wakes
  // the writes waiting for it.
  void EndBatch();
  // Ends the open batch with `status` as its outcome (rolling back what is left of it) and wakes
  // the writes waiting for it.
  void CloseBatch(absl::Status status);
  // Commits the open batch when nobody else will, releases the connection and waits until `batch`
  // is done; returns its outcome.
  absl::Status FinishWrite(std::unique_lock<std::mutex>& lock, std::shared_ptr<Batch> batch);
  // Waits, without mu_, until `batch` is done.
  void AwaitBatch(const Batch& batch);
  // Takes mu_ and commits `batch` if it is still the open one: a batch a HeldBatches kept open
  // that the same thread now needs committed.
  void CommitIfOpen(const std::shared_ptr<Batch>& batch);

  std::mutex mu_;
  // Guards every Batch's `done` and `status`; taken after mu_, never before it. Writes waiting for
  // their batch wait here, not on mu_, so they are woken while the next batch runs.
  std::mutex done_mu_;
  std::condition_variable batch_done_;
  // Threads in BeginWrite() waiting for mu_: a write leaves its batch open for them.
  std::atomic<int> writers_waiting_{0};
  std::unique_ptr<Database> db_;
  BatchHooks* hooks_ = nullptr;
  std::shared_ptr<Batch> batch_;  // the open batch, or null
  int batch_writes_ = 0;          // writes released into the open batch
  Stats stats_;
};

// Lets writes on the current thread return from Commit() before their batch is committed (see
// SerialDatabase), from construction to destruction; one per thread at a time.
class DeferredCommits {
 public:
  DeferredCommits();
  ~DeferredCommits();
  DeferredCommits(const DeferredCommits&) = delete;
  DeferredCommits& operator=(const DeferredCommits&) = delete;

  // Calls done(status) once every batch this thread's writes went into is done: OK when all are
  // committed, else the first refusal. At once, on this thread, when none is pending.
  void Then(std::function<void(const absl::Status&)> done);

 private:
  friend class SerialDatabase;
  // The current thread's, or null.
  static DeferredCommits* Current();
  // Waits for every batch recorded so far; the first refusal, else OK.
  absl::Status AwaitEarlier();

  std::vector<std::pair<SerialDatabase*, std::shared_ptr<SerialDatabase::Batch>>> batches_;
  DeferredCommits* outer_;
};

// Keeps the batches of the current thread's writes open from one write to the next, from
// construction until Flush() or destruction, which commit them (a batch that holds
// SerialDatabase::kMaxBatchWrites writes is committed at once). For a thread that runs queued
// calls one after another, under a DeferredCommits per call: writes of calls queued together then
// share one COMMIT with no thread handing the connection to another. Anything that reads the
// database meanwhile (LockForRead, on any thread) commits the open batch first, as it always does,
// so nobody sees a write before it is durable. One per thread at a time.
class HeldBatches {
 public:
  HeldBatches();
  ~HeldBatches();
  HeldBatches(const HeldBatches&) = delete;
  HeldBatches& operator=(const HeldBatches&) = delete;

  // Commits every batch this thread left open (unless another thread's write, waiting for the
  // connection, will commit it); their writes' callers are answered from here.
  void Flush();

 private:
  friend class SerialDatabase;
  friend class DeferredCommits;
  // The current thread's, or null.
  static HeldBatches* Current();

  std::vector<SerialDatabase*> held_;
};

// Idempotent requests. A writing RPC that carries a client request id stores
// its serialized response under (method, request_id) in the same transaction as
// its writes; a retry finds it and returns it. The request's fingerprint is
// stored too, so that reusing an id for a different request is refused rather
// than answered with an unrelated response. Add kRequestLogSchema to a
// service's migrations.
inline constexpr char kRequestLogSchema[] =
    "CREATE TABLE request_log ("
    "  method TEXT NOT NULL,"
    "  request_id TEXT NOT NULL,"
    "  request_fingerprint INTEGER NOT NULL,"
    "  response BLOB NOT NULL,"
    "  PRIMARY KEY (method, request_id)"
    ") WITHOUT ROWID;";

// 64-bit FNV-1a of `bytes` (e.g. a request's deterministic serialization):
// stable across builds.
uint64_t Fingerprint(absl::string_view bytes);

// The stored response of an earlier call with this id, or nullopt.
// INVALID_ARGUMENT naming "request_id" when the earlier call had another
// fingerprint.
absl::StatusOr<std::optional<std::string>> FindLoggedResponse(Database& db,
                                                              absl::string_view method,
                                                              absl::string_view request_id,
                                                              uint64_t request_fingerprint);
absl::Status LogResponse(Database& db, absl::string_view method, absl::string_view request_id,
                         uint64_t request_fingerprint, absl::string_view response);

}  // namespace convene::sqlite

#endif  // CONVENE_SERVICES_COMMON_SQLITE_DATABASE_H_
