#include "services/common/sqlite/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/status.h"
#include "services/common/testing/process.h"
#include "services/common/testing/status_matchers.h"

namespace convene::sqlite {
namespace {

using ::convene::testing::IsOk;
using ::convene::testing::StatusIs;
using ::testing::HasSubstr;

std::unique_ptr<Database> OpenFile(const std::string& path) {
  auto db = Database::Open({.path = path});
  EXPECT_TRUE(db.ok()) << db.status();
  return std::move(db).value();
}

constexpr char kCreateT[] = "CREATE TABLE t (k TEXT PRIMARY KEY NOT NULL, v INTEGER NOT NULL);";
constexpr char kInsertT[] = "INSERT INTO t (k, v) VALUES (?, ?)";
constexpr char kCountT[] = "SELECT COUNT(*) FROM t";

int64_t Count(Database& db) {
  Statement stmt(db, kCountT);
  auto row = stmt.Step();
  EXPECT_TRUE(row.ok() && *row);
  return stmt.ColumnInt64(0);
}

TEST(DatabaseTest, UsesWalAndFullSync) {
  auto db = OpenFile(convene::testing::MakeTempDir("db") + "/x.db");
  Statement journal(*db, "PRAGMA journal_mode");
  ASSERT_TRUE(*journal.Step());
  EXPECT_EQ(journal.ColumnText(0), "wal");
  Statement sync(*db, "PRAGMA synchronous");
  ASSERT_TRUE(*sync.Step());
  EXPECT_EQ(sync.ColumnInt64(0), 2);  // FULL
}

TEST(DatabaseTest, MigrationsRunOnceAndSurviveReopen) {
  std::string path = convene::testing::MakeTempDir("db") + "/x.db";
  {
    auto db = OpenFile(path);
    ASSERT_THAT(db->Migrate({kCreateT}), IsOk());
    EXPECT_EQ(*db->SchemaVersion(), 1);
    Statement insert(*db, kInsertT);
    insert.BindText(1, "a").BindInt64(2, 1);
    ASSERT_THAT(insert.Run(), IsOk());
  }
  auto db = OpenFile(path);
  // Re-running the same list is a no-op; a second migration is applied on top.
  ASSERT_THAT(db->Migrate({kCreateT, "ALTER TABLE t ADD COLUMN w TEXT;"}), IsOk());
  EXPECT_EQ(*db->SchemaVersion(), 2);
  EXPECT_EQ(Count(*db), 1);
  // An older binary that knows only one migration refuses the newer file.
  EXPECT_THAT(db->Migrate({kCreateT}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("newer build")));
  EXPECT_THAT(db->CheckIntegrity(), IsOk());
}

TEST(DatabaseTest, FailedMigrationLeavesVersionUnchanged) {
  auto db = OpenFile(convene::testing::MakeTempDir("db") + "/x.db");
  EXPECT_FALSE(db->Migrate({kCreateT, "CREATE TABLE broken (;"}).ok());
  EXPECT_EQ(*db->SchemaVersion(), 1);
}

TEST(TransactionTest, RollsBackUnlessCommitted) {
  auto db = OpenFile(convene::testing::MakeTempDir("db") + "/x.db");
  ASSERT_THAT(db->Migrate({kCreateT}), IsOk());
  {
    Transaction txn(*db);
    ASSERT_THAT(txn.status(), IsOk());
    Statement insert(*db, kInsertT);
    insert.BindText(1, "lost").BindInt64(2, 1);
    ASSERT_THAT(insert.Run(), IsOk());
  }
  EXPECT_EQ(Count(*db), 0);
  {
    Transaction txn(*db);
    Statement insert(*db, kInsertT);
    insert.BindText(1, "kept").BindInt64(2, 1);
    ASSERT_THAT(insert.Run(), IsOk());
    ASSERT_THAT(txn.Commit(), IsOk());
  }
  EXPECT_EQ(Count(*db), 1);
}

TEST(StatementTest, ConstraintViolationIsAlreadyExistsAndBadSqlIsInternal) {
  auto db = OpenFile(convene::testing::MakeTempDir("db") + "/x.db");
  ASSERT_THAT(db->Migrate({kCreateT}), IsOk());
  for (int i = 0; i < 2; ++i) {
    Statement insert(*db, kInsertT);
    insert.BindText(1, "same").BindInt64(2, i);
    absl::Status status = insert.Run();
    if (i == 0) {
      EXPECT_THAT(status, IsOk());
    } else {
      EXPECT_THAT(status, StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("UNIQUE")));
    }
  }
  Statement bad(*db, "SELEKT nothing");
  EXPECT_THAT(bad.status(), StatusIs(absl::StatusCode::kInternal, HasSubstr("storage")));
  EXPECT_THAT(bad.Step(), StatusIs(absl::StatusCode::kInternal, HasSubstr("storage")));
}

TEST(StatementTest, NullsBlobsAndReuse) {
  auto db = OpenFile(":memory:");
  ASSERT_THAT(db->Execute("CREATE TABLE b (x BLOB, y TEXT)"), IsOk());
  std::string blob("a\0b", 3);
  {
    Statement insert(*db, "INSERT INTO b (x, y) VALUES (?, ?)");
    insert.BindBlob(1, blob).BindOptionalText(2, "");
    ASSERT_THAT(insert.Run(), IsOk());
  }
  Statement select(*db, "SELECT x, y FROM b");
  ASSERT_TRUE(*select.Step());
  EXPECT_EQ(select.ColumnBlob(0), blob);
  EXPECT_TRUE(select.ColumnIsNull(1));
}

TEST(RequestLogTest, FindsWhatWasLoggedAndRefusesAReusedIdForAnotherRequest) {
  auto db = OpenFile(":memory:");
  ASSERT_THAT(db->Migrate({kRequestLogSchema}), IsOk());
  const uint64_t request = Fingerprint("request one");
  EXPECT_FALSE(FindLoggedResponse(*db, "Add", "r1", request)->has_value());
  ASSERT_THAT(LogResponse(*db, "Add", "r1", request, std::string("\x01\x00", 2)), IsOk());
  auto found = FindLoggedResponse(*db, "Add", "r1", request);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, std::string("\x01\x00", 2));
  EXPECT_FALSE(FindLoggedResponse(*db, "Import", "r1", request)->has_value());
  EXPECT_THAT(FindLoggedResponse(*db, "Add", "r1", Fingerprint("request two")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
}

TEST(FingerprintTest, IsFnv1a) {
  // Published FNV-1a 64 test vectors.
  EXPECT_EQ(Fingerprint(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fingerprint("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Fingerprint("foobar"), 0x85944171f73967e8ull);
}

// --- Group commit (SerialDatabase)

// Inserts (key, 1) in a write of its own and commits it.
absl::Status WriteOne(SerialDatabase& serial, const std::string& key) {
  auto txn = serial.BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  {
    Statement insert(serial.db(), kInsertT);  // reset before Commit() releases the connection
    insert.BindText(1, key).BindInt64(2, 1);
    CONVENE_RETURN_IF_ERROR(insert.Run());
  }
  return txn->Commit();
}

int64_t CountRead(SerialDatabase& serial) {
  auto lock = serial.LockForRead();
  return Count(serial.db());
}

// Waits until `n` writes wait for the connection (a thread blocked in BeginWrite).
void AwaitWaitingWriters(SerialDatabase& serial, int n) {
  for (int i = 0; i < 10000 && serial.writers_waiting() < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(serial.writers_waiting(), n);
}

std::unique_ptr<SerialDatabase> OpenSerial(const std::string& path) {
  std::unique_ptr<Database> db = OpenFile(path);
  EXPECT_THAT(db->Migrate({kCreateT}), IsOk());
  return std::make_unique<SerialDatabase>(std::move(db));
}

TEST(SerialDatabaseTest, AWriteArrivingDuringAnotherIsCommittedWithItInOneCommit) {
  const std::string path = convene::testing::MakeTempDir("db") + "/x.db";
  auto serial = OpenSerial(path);
  auto first = serial->BeginWrite();
  ASSERT_THAT(first->status(), IsOk());
  {
    Statement insert(serial->db(), kInsertT);
    insert.BindText(1, "a").BindInt64(2, 1);
    ASSERT_THAT(insert.Run(), IsOk());
  }
  absl::Status second_status;
  std::thread second([&] { second_status = WriteOne(*serial, "b"); });
  AwaitWaitingWriters(*serial, 1);
  // The second write is waiting: the first leaves the batch to it and returns once it committed.
  EXPECT_THAT(first->Commit(), IsOk());
  second.join();
  EXPECT_THAT(second_status, IsOk());
  EXPECT_EQ(serial->stats().writes, 2);
  EXPECT_EQ(serial->stats().commits, 1);
  // A lone write commits at once.
  ASSERT_THAT(WriteOne(*serial, "c"), IsOk());
  EXPECT_EQ(serial->stats().commits, 2);
  first.reset();
  serial.reset();
  std::unique_ptr<Database> reopened = OpenFile(path);
  EXPECT_EQ(Count(*reopened), 3);
}

TEST(SerialDatabaseTest, AFailedWriteIsRolledBackAloneAndTheRestOfItsBatchIsCommitted) {
  const std::string path = convene::testing::MakeTempDir("db") + "/x.db";
  auto serial = OpenSerial(path);
  auto first = serial->BeginWrite();
  ASSERT_THAT(first->status(), IsOk());
  {
    Statement insert(serial->db(), kInsertT);
    insert.BindText(1, "a").BindInt64(2, 1);
    ASSERT_THAT(insert.Run(), IsOk());
  }
  absl::Status second_status;
  std::thread second([&] {
    auto txn = serial->BeginWrite();
    second_status = txn->status();
    if (!second_status.ok()) return;
    Statement insert(serial->db(), kInsertT);
    insert.BindText(1, "b").BindInt64(2, 1);
    second_status = insert.Run();
    if (!second_status.ok()) return;
    insert.Reset();
    insert.BindText(1, "a").BindInt64(2, 2);  // "a" is the first write's, in the same batch
    second_status = insert.Run();
  });
  AwaitWaitingWriters(*serial, 1);
  EXPECT_THAT(first->Commit(), IsOk());
  second.join();
  EXPECT_THAT(second_status, StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("UNIQUE")));
  serial.reset();
  std::unique_ptr<Database> reopened = OpenFile(path);
  EXPECT_EQ(Count(*reopened), 1);  // "a"; nothing of the failed write ("b" went with it)
}

TEST(SerialDatabaseTest, ManyConcurrentWritersAllLandAndReadersSeeOnlyWhatIsOnDisk) {
  const std::string path = convene::testing::MakeTempDir("db") + "/x.db";
  auto serial = OpenSerial(path);
  // A second connection sees only what is committed (WAL): with the read lock held, nothing may
  // be visible to the service's connection that is not committed.
  std::unique_ptr<Database> observer = OpenFile(path);
  constexpr int kThreads = 16;
  constexpr int kWrites = 40;
  std::atomic<int> failures{0};
  std::atomic<bool> writing{true};
  std::atomic<int> mismatches{0};
  std::thread reader([&] {
    while (writing.load()) {
      auto lock = serial->LockForRead();
      if (Count(serial->db()) != Count(*observer)) ++mismatches;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        if (!WriteOne(*serial, absl::StrCat(t, "-", i)).ok()) ++failures;
      }
    });
  }
  for (std::thread& w : writers) w.join();
  writing = false;
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(serial->stats().writes, kThreads * kWrites);
  EXPECT_LE(serial->stats().commits, kThreads * kWrites);
  EXPECT_EQ(CountRead(*serial), kThreads * kWrites);
  EXPECT_EQ(Count(*observer), kThreads * kWrites);
  observer.reset();
  serial.reset();
  std::unique_ptr<Database> reopened = OpenFile(path);
  EXPECT_EQ(Count(*reopened), kThreads * kWrites);
  EXPECT_THAT(reopened->CheckIntegrity(), IsOk());
}

TEST(SerialDatabaseTest, ADeferredWriteIsAnsweredOnlyOnceItsBatchIsCommitted) {
  const std::string path = convene::testing::MakeTempDir("db") + "/x.db";
  auto serial = OpenSerial(path);
  std::unique_ptr<Database> other = OpenFile(path);  // sees only what is committed
  DeferredCommits deferred;
  auto first = serial->BeginWrite();
  ASSERT_THAT(first->status(), IsOk());
  {
    Statement insert(serial->db(), kInsertT);
    insert.BindText(1, "a").BindInt64(2, 1);
    ASSERT_THAT(insert.Run(), IsOk());
  }
  std::promise<void> holding, go;
  absl::Status second_status;
  std::thread second([&] {
    auto txn = serial->BeginWrite();  // waits for the connection
    holding.set_value();
    go.get_future().wait();
    Statement insert(serial->db(), kInsertT);
    insert.BindText(1, "b").BindInt64(2, 1);
    second_status = insert.Run();
    insert.Reset();
    if (second_status.ok()) second_status = txn->Commit();  // the batch's COMMIT
  });
  AwaitWaitingWriters(*serial, 1);
  // A write is waiting, so the batch stays open for it; deferred, Commit() returns at once.
  EXPECT_THAT(first->Commit(), IsOk());
  holding.get_future().wait();
  std::atomic<int> answers{0};
  absl::Status answer;
  deferred.Then([&](const absl::Status& stored) {
    answer = stored;
    ++answers;
  });
  EXPECT_EQ(answers.load(), 0);  // not answered: "a" is not on disk yet
  EXPECT_EQ(Count(*other), 0);
  go.set_value();
  second.join();
  EXPECT_THAT(second_status, IsOk());
  EXPECT_EQ(answers.load(), 1);  // answered by the thread that committed the batch
  EXPECT_THAT(answer, IsOk());
  EXPECT_EQ(Count(*other), 2);
  EXPECT_EQ(serial->stats().commits, 1);

  // With nothing pending, Then() answers at once.
  DeferredCommits idle;
  bool answered = false;
  idle.Then([&](const absl::Status& stored) { answered = stored.ok(); });
  EXPECT_TRUE(answered);
}

// One "call" as the serial thread runs it: a write under a DeferredCommits of its own, answered
// through `answers` once its batch is done.
absl::Status DeferredWrite(SerialDatabase& serial, const std::string& key,
                           std::vector<absl::Status>& answers) {
  DeferredCommits deferred;
  absl::Status status = WriteOne(serial, key);
  deferred.Then([&answers, status](const absl::Status& stored) {
    answers.push_back(status.ok() ? stored : status);
  });
  return status;
}

TEST(SerialDatabaseTest, HeldBatchesKeepOneThreadsWritesInOneBatchUntilFlushed) {
  const std::string path = convene::testing::MakeTempDir("db") + "/x.db";
  auto serial = OpenSerial(path);
  std::unique_ptr<Database> other = OpenFile(path);  // sees only what is committed
  std::vector<absl::Status> answers;
  {
    HeldBatches held;
    ASSERT_THAT(DeferredWrite(*serial, "a", answers), IsOk());
    ASSERT_THAT(DeferredWrite(*serial, "b", answers), IsOk());
    // A failing write is rolled back alone; the batch stays open for the next.
    EXPECT_THAT(DeferredWrite(*serial, "a", answers),
                StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("UNIQUE")));
    ASSERT_THAT(DeferredWrite(*serial, "c", answers), IsOk());
    EXPECT_EQ(serial->stats().commits, 0);
    // Nothing committed, so nobody answered; not even the failed write, which read the batch.
    EXPECT_EQ(Count(*other), 0);
    EXPECT_TRUE(answers.empty());
    held.Flush();
    EXPECT_EQ(serial->stats().commits, 1);
    EXPECT_EQ(serial->stats().writes, 3);
    EXPECT_EQ(Count(*other), 3);
    ASSERT_EQ(answers.size(), 4u);
    EXPECT_THAT(answers[0], IsOk());
    EXPECT_THAT(answers[1], IsOk());
    EXPECT_THAT(answers[2], StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("UNIQUE")));
    EXPECT_THAT(answers[3], IsOk());
    // Held again after a flush; the destructor commits too.
    ASSERT_THAT(DeferredWrite(*serial, "d", answers), IsOk());
    EXPECT_EQ(answers.size(), 4u);
  }
  EXPECT_EQ(answers.size(), 5u);
  EXPECT_EQ(serial->stats().commits, 2);
  EXPECT_EQ(Count(*other), 4);
}

TEST(SerialDatabaseTest, AHeldBatchIsCommittedByAReaderOrByTheSameCallsNextWrite) {
  const std::string path = convene::testing::MakeTempDir("db") + "/x.db";
  auto serial = OpenSerial(path);
  std::unique_ptr<Database> other = OpenFile(path);
  std::vector<absl::Status> answers;
  HeldBatches held;
  ASSERT_THAT(DeferredWrite(*serial, "a", answers), IsOk());
  // A reader on another thread never sees a write before it is durable: it commits the batch.
  int64_t read = -1;
  std::thread reader([&] { read = CountRead(*serial); });
  reader.join();
  EXPECT_EQ(read, 1);
  EXPECT_EQ(Count(*other), 1);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_THAT(answers[0], IsOk());
  // One call writing twice: its second write needs the first on disk, which only this thread
  // would commit; it does so instead of waiting for itself.
  {
    DeferredCommits deferred;
    ASSERT_THAT(WriteOne(*serial, "b"), IsOk());
    ASSERT_THAT(WriteOne(*serial, "c"), IsOk());
    EXPECT_EQ(Count(*other), 2);  // "b" committed, "c" held
    bool answered = false;
    deferred.Then([&](const absl::Status& stored) { answered = stored.ok(); });
    EXPECT_FALSE(answered);
    held.Flush();
    EXPECT_TRUE(answered);
  }
  EXPECT_EQ(Count(*other), 3);
}

// Records the BatchHooks calls, and writes a row of its own before each COMMIT.
struct RecordingHooks : BatchHooks {
  explicit RecordingHooks(SerialDatabase& serial) : serial(serial) {}
  void WriteReleased() override { calls.push_back("released"); }
  void WriteRolledBack() override { calls.push_back("rolled back"); }
  absl::Status BeforeCommit() override {
    calls.push_back("before commit");
    Statement insert(serial.db(), kInsertT);
    insert.BindText(1, absl::StrCat("batch", ++batches)).BindInt64(2, 0);
    return insert.Run();
  }
  void BatchEnded() override { calls.push_back("ended"); }

  SerialDatabase& serial;
  std::vector<std::string> calls;
  int batches = 0;
};

TEST(SerialDatabaseTest, BatchHooksSeeEachWriteReleasedOrRolledBackThenTheCommit) {
  const std::string path = convene::testing::MakeTempDir("db") + "/x.db";
  auto serial = OpenSerial(path);
  RecordingHooks hooks(*serial);
  serial->SetBatchHooks(&hooks);
  auto first = serial->BeginWrite();
  ASSERT_THAT(first->status(), IsOk());
  {
    Statement insert(serial->db(), kInsertT);
    insert.BindText(1, "a").BindInt64(2, 1);
    ASSERT_THAT(insert.Run(), IsOk());
  }
  std::thread second([&] {
    auto txn = serial->BeginWrite();  // joins the first's batch, then ends without Commit()
    Statement insert(serial->db(), kInsertT);
    insert.BindText(1, "b").BindInt64(2, 1);
    EXPECT_THAT(insert.Run(), IsOk());
  });
  AwaitWaitingWriters(*serial, 1);
  std::thread third([&] { EXPECT_THAT(WriteOne(*serial, "c"), IsOk()); });
  AwaitWaitingWriters(*serial, 2);
  EXPECT_THAT(first->Commit(), IsOk());
  second.join();
  third.join();
  // The second and third writes take the connection in either order.
  ASSERT_EQ(hooks.calls.size(), 5u);
  EXPECT_EQ(hooks.calls[0], "released");
  EXPECT_THAT(std::vector<std::string>(hooks.calls.begin() + 1, hooks.calls.begin() + 3),
              ::testing::UnorderedElementsAre("released", "rolled back"));
  EXPECT_EQ(hooks.calls[3], "before commit");
  EXPECT_EQ(hooks.calls[4], "ended");
  EXPECT_EQ(serial->stats().commits, 1);
  first.reset();
  serial.reset();
  std::unique_ptr<Database> reopened = OpenFile(path);
  EXPECT_EQ(Count(*reopened), 3);  // "a", "c" and the hook's "batch1"; not "b"
}

TEST(SerialDatabaseTest, AWriteEndingWithoutCommitLeavesNothing) {
  const std::string path = convene::testing::MakeTempDir("db") + "/x.db";
  auto serial = OpenSerial(path);
  {
    auto txn = serial->BeginWrite();
    Statement insert(serial->db(), kInsertT);
    insert.BindText(1, "a").BindInt64(2, 1);
    ASSERT_THAT(insert.Run(), IsOk());
  }
  EXPECT_EQ(CountRead(*serial), 0);
  ASSERT_THAT(WriteOne(*serial, "a"), IsOk());
  EXPECT_EQ(CountRead(*serial), 1);
}

// A VFS that passes everything to SQLite's own, except that writes and syncs fail with a chosen
// result code while one is set: a full disk or a failed fsync, at a moment a test chooses. Each
// file is SQLite's own file wrapped in a FaultFile.
struct FaultVfs {
  struct FaultFile {
    sqlite3_file base;
    sqlite3_file* real;  // right after this struct, in the same allocation
  };

  static inline sqlite3_vfs* real = nullptr;
  static inline sqlite3_vfs vfs;
  static inline sqlite3_io_methods methods;
  static inline int write_error = SQLITE_OK;
  static inline int sync_error = SQLITE_OK;

  static sqlite3_file* Real(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file)->real; }

  static int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    auto* fault_file = reinterpret_cast<FaultFile*>(file);
    fault_file->real = reinterpret_cast<sqlite3_file*>(fault_file + 1);
    const int rc = real->xOpen(real, name, fault_file->real, flags, out_flags);
    fault_file->base.pMethods = fault_file->real->pMethods != nullptr ? &methods : nullptr;
    return rc;
  }

  // Makes it the default VFS (once), so that Database::Open uses it.
  static void Install() {
    if (real != nullptr) return;
    real = sqlite3_vfs_find(nullptr);
    vfs = *real;
    vfs.zName = "convene-fault";
    vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + real->szOsFile;
    vfs.xOpen = Open;
    methods.iVersion = 3;
    methods.xClose = [](sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); };
    methods.xRead = [](sqlite3_file* f, void* data, int size, sqlite3_int64 offset) {
      return Real(f)->pMethods->xRead(Real(f), data, size, offset);
    };
    methods.xWrite = [](sqlite3_file* f, const void* data, int size, sqlite3_int64 offset) {
      if (write_error != SQLITE_OK) return write_error;
      return Real(f)->pMethods->xWrite(Real(f), data, size, offset);
    };
    methods.xTruncate = [](sqlite3_file* f, sqlite3_int64 size) {
      return Real(f)->pMethods->xTruncate(Real(f), size);
    };
    methods.xSync = [](sqlite3_file* f, int flags) {
      if (sync_error != SQLITE_OK) return sync_error;
      return Real(f)->pMethods->xSync(Real(f), flags);
    };
    methods.xFileSize = [](sqlite3_file* f, sqlite3_int64* size) {
      return Real(f)->pMethods->xFileSize(Real(f), size);
    };
    methods.xLock = [](sqlite3_file* f, int lock) {
      return Real(f)->pMethods->xLock(Real(f), lock);
    };
    methods.xUnlock = [](sqlite3_file* f, int lock) {
      return Real(f)->pMethods->xUnlock(Real(f), lock);
    };
    methods.xCheckReservedLock = [](sqlite3_file* f, int* out) {
      return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
    };
    methods.xFileControl = [](sqlite3_file* f, int op, void* arg) {
      return Real(f)->pMethods->xFileControl(Real(f), op, arg);
    };
    methods.xSectorSize = [](sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); };
    methods.xDeviceCharacteristics = [](sqlite3_file* f) {
      return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
    };
    methods.xShmMap = [](sqlite3_file* f, int page, int size, int extend, void volatile** out) {
      return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
    };
    methods.xShmLock = [](sqlite3_file* f, int offset, int n, int flags) {
      return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
    };
    methods.xShmBarrier = [](sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); };
    methods.xShmUnmap = [](sqlite3_file* f, int delete_flag) {
      return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
    };
    methods.xFetch = [](sqlite3_file* f, sqlite3_int64 offset, int size, void** out) {
      return Real(f)->pMethods->xFetch(Real(f), offset, size, out);
    };
    methods.xUnfetch = [](sqlite3_file* f, sqlite3_int64 offset, void* page) {
      return Real(f)->pMethods->xUnfetch(Real(f), offset, page);
    };
    sqlite3_vfs_register(&vfs, /*makeDflt=*/1);
  }
};

// Clears the faults when the test ends, whatever happened.
class StorageFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FaultVfs::Install();
    path_ = convene::testing::MakeTempDir("db") + "/x.db";
    db_ = OpenFile(path_);
    ASSERT_THAT(db_->Migrate({kCreateT}), IsOk());
    ASSERT_THAT(Insert("a"), IsOk());
  }
  void TearDown() override { FaultVfs::write_error = FaultVfs::sync_error = SQLITE_OK; }

  absl::Status Insert(const std::string& key, int64_t value = 1) {
    Statement insert(*db_, kInsertT);
    insert.BindText(1, key).BindInt64(2, value);
    return insert.Run();
  }
  // Inserts `keys` in one transaction and commits it.
  absl::Status InsertAll(const std::vector<std::string>& keys) {
    Transaction txn(*db_);
    CONVENE_RETURN_IF_ERROR(txn.status());
    for (const std::string& key : keys) CONVENE_RETURN_IF_ERROR(Insert(key));
    return txn.Commit();
  }

  std::string path_;
  std::unique_ptr<Database> db_;
};

TEST_F(StorageFaultTest, FullDiskAtCommitIsRefusedWholeAndTheNextWriteSucceeds) {
  FaultVfs::write_error = SQLITE_FULL;
  EXPECT_THAT(
      InsertAll({"b", "c"}),
      StatusIs(
          absl::StatusCode::kResourceExhausted,
          HasSubstr("storage: the disk holding x.db is full; free space and retry (COMMIT: ")));
  EXPECT_EQ(Count(*db_), 1);  // reads still work, and nothing of the refused write is there
  FaultVfs::write_error = SQLITE_OK;
  ASSERT_THAT(InsertAll({"b", "c"}), IsOk());  // the same connection, no reopening
  EXPECT_EQ(Count(*db_), 3);
  EXPECT_THAT(db_->CheckIntegrity(), IsOk());
  db_.reset();
  db_ = OpenFile(path_);
  EXPECT_EQ(Count(*db_), 3);
}

TEST_F(StorageFaultTest, FailedFsyncAtCommitIsRefusedAndTheNextWriteSucceeds) {
  FaultVfs::sync_error = SQLITE_IOERR_FSYNC;
  EXPECT_THAT(InsertAll({"b", "c", "d"}),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("storage: reading or writing x.db failed")));
  EXPECT_EQ(Count(*db_), 1);
  FaultVfs::sync_error = SQLITE_OK;
  ASSERT_THAT(InsertAll({"e"}), IsOk());
  EXPECT_EQ(Count(*db_), 2);
  EXPECT_THAT(db_->CheckIntegrity(), IsOk());
  // Written after the refused one, over its place in the WAL: after a restart only "a" and "e".
  db_.reset();
  db_ = OpenFile(path_);
  EXPECT_EQ(Count(*db_), 2);
  EXPECT_THAT(db_->CheckIntegrity(), IsOk());
}

TEST_F(StorageFaultTest, AfterSqliteRolledBackByItselfNoLaterStatementIsStored) {
  // A small page cache, so that the transaction spills to the WAL before COMMIT, and that write
  // fails: SQLite rolls the whole transaction back by itself.
  ASSERT_THAT(db_->Execute("PRAGMA cache_size = 10"), IsOk());
  Transaction txn(*db_);
  ASSERT_THAT(txn.status(), IsOk());
  FaultVfs::write_error = SQLITE_IOERR_WRITE;
  absl::Status status;
  for (int i = 0; i < 200 && status.ok(); ++i) {
    Statement insert(*db_, kInsertT);
    insert.BindText(1, absl::StrCat("big", i, std::string(4000, 'x'))).BindInt64(2, i);
    status = insert.Run();
  }
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("reading or writing")));
  FaultVfs::write_error = SQLITE_OK;
  // Run outside any transaction, this would be committed on its own.
  EXPECT_THAT(Insert("late"), StatusIs(absl::StatusCode::kAborted, HasSubstr("rolled back")));
  EXPECT_THAT(txn.Commit(), ::testing::Not(IsOk()));
  EXPECT_EQ(Count(*db_), 1);
  ASSERT_THAT(InsertAll({"b"}), IsOk());
  EXPECT_EQ(Count(*db_), 2);
}

TEST_F(StorageFaultTest, ReadOnlyIsUnavailableAndClears) {
  ASSERT_THAT(db_->Execute("PRAGMA query_only = 1"), IsOk());
  EXPECT_THAT(InsertAll({"b"}), StatusIs(absl::StatusCode::kUnavailable,
                                         HasSubstr("storage: the database x.db is read-only")));
  EXPECT_EQ(Count(*db_), 1);
  ASSERT_THAT(db_->Execute("PRAGMA query_only = 0"), IsOk());
  ASSERT_THAT(InsertAll({"b"}), IsOk());
  EXPECT_EQ(Count(*db_), 2);
}

TEST_F(StorageFaultTest, ABatchWhoseCommitFailsIsRefusedToEveryWriteInIt) {
  SerialDatabase serial(std::move(db_));
  auto first = serial.BeginWrite();
  ASSERT_THAT(first->status(), IsOk());
  {
    Statement insert(serial.db(), kInsertT);
    insert.BindText(1, "b").BindInt64(2, 1);
    ASSERT_THAT(insert.Run(), IsOk());
  }
  absl::Status second_status;
  std::thread second([&] {
    FaultVfs::sync_error = SQLITE_IOERR_FSYNC;  // the batch's COMMIT, which the second write runs
    second_status = WriteOne(serial, "c");
  });
  AwaitWaitingWriters(serial, 1);
  EXPECT_THAT(first->Commit(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("reading or writing")));
  second.join();
  EXPECT_THAT(second_status,
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("reading or writing")));
  FaultVfs::sync_error = SQLITE_OK;
  EXPECT_EQ(CountRead(serial), 1);  // only "a", from before
  ASSERT_THAT(WriteOne(serial, "b"), IsOk());
  EXPECT_EQ(CountRead(serial), 2);
  EXPECT_EQ(serial.stats().writes, 1);
}

TEST_F(StorageFaultTest, ADeferredWriteWhoseBatchIsRefusedIsAnsweredWithTheErrorAndStopsTheNext) {
  SerialDatabase serial(std::move(db_));
  DeferredCommits deferred;
  auto first = serial.BeginWrite();
  ASSERT_THAT(first->status(), IsOk());
  {
    Statement insert(serial.db(), kInsertT);
    insert.BindText(1, "b").BindInt64(2, 1);
    ASSERT_THAT(insert.Run(), IsOk());
  }
  absl::Status second_status;
  std::thread second([&] {
    FaultVfs::sync_error = SQLITE_IOERR_FSYNC;  // the batch's COMMIT, which the second write runs
    second_status = WriteOne(serial, "c");
  });
  AwaitWaitingWriters(serial, 1);
  EXPECT_THAT(first->Commit(), IsOk());  // deferred: the batch is not committed yet
  // The thread's next write waits for the earlier one's batch, and is refused with its error.
  auto next = serial.BeginWrite();
  EXPECT_THAT(next->status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("reading or writing")));
  EXPECT_THAT(next->Commit(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("reading or writing")));
  next.reset();
  second.join();
  EXPECT_THAT(second_status,
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("reading or writing")));
  absl::Status answer;
  deferred.Then([&](const absl::Status& stored) { answer = stored; });
  EXPECT_THAT(answer, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("reading or writing")));
  FaultVfs::sync_error = SQLITE_OK;
  EXPECT_EQ(CountRead(serial), 1);  // only "a", from before
}

TEST(DatabaseTest, OpenInMissingFolderIsUnavailableNamingThePath) {
  EXPECT_THAT(Database::Open({.path = "/nonexistent-dir/x.db"}),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("/nonexistent-dir/x.db")));
}

}  // namespace
}  // namespace convene::sqlite
