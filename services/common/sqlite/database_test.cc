#include "services/common/sqlite/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

TEST(DatabaseTest, OpenInMissingFolderIsUnavailableNamingThePath) {
  EXPECT_THAT(Database::Open({.path = "/nonexistent-dir/x.db"}),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("/nonexistent-dir/x.db")));
}

}  // namespace
}  // namespace convene::sqlite
