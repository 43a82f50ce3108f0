#include "services/agenda/agenda_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/agenda/session_rules.h"
#include "services/common/dates.h"
#include "services/common/testing/process.h"
#include "services/common/testing/status_matchers.h"

namespace convene::agenda {
namespace {

namespace av1 = ::convene::agenda::v1;

using ::convene::testing::IsOk;
using ::convene::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::UTCTimeZone());
}

av1::Session MakeSession(const std::string& id, const std::string& event_id, int hour) {
  av1::Session s;
  s.set_id(id);
  s.set_event_id(event_id);
  s.set_title("Session " + id);
  s.set_kind(av1::SESSION_KIND_PANEL);
  s.set_start("2023-05-31T09:00");  // rendered; not stored
  s.set_end("2023-05-31T10:00");
  s.set_time_zone("Asia/Jakarta");
  ToTimestamp(Utc(2023, 5, 31, hour, 0), s.mutable_start_time());
  ToTimestamp(Utc(2023, 5, 31, hour + 1, 0), s.mutable_end_time());
  s.set_room("Hall A");
  s.set_chair_id("par_chair");
  s.add_speaker_ids("par_b");
  s.add_speaker_ids("par_a");
  s.add_topics("ethics");
  s.set_expected_audience(40);
  s.set_revision(0);
  av1::Person* person = s.add_people();  // from registration; not stored
  person->set_participant_id("par_chair");
  person->set_name("Dana Chair");
  person->set_role(av1::PERSON_ROLE_CHAIR);
  return s;
}

// What the store is expected to give back for `s`.
av1::Session StoredForm(av1::Session s) {
  s.clear_start();
  s.clear_end();
  s.clear_people();
  return s;
}

MATCHER_P(ProtoEq, want, "") {
  *result_listener << "\n  got:  " << arg.ShortDebugString()
                   << "\n  want: " << want.ShortDebugString();
  return arg.SerializeAsString() == want.SerializeAsString();
}

av1::Room MakeRoom(const std::string& event_id, const std::string& name, int capacity) {
  av1::Room room;
  room.set_event_id(event_id);
  room.set_name(name);
  room.set_capacity(capacity);
  return room;
}

std::vector<std::string> IdsOf(const std::vector<av1::Session>& sessions) {
  std::vector<std::string> ids;
  for (const av1::Session& s : sessions) ids.push_back(s.id());
  return ids;
}

std::vector<std::string> NamesOf(const std::vector<av1::Room>& rooms) {
  std::vector<std::string> names;
  for (const av1::Room& r : rooms) names.push_back(r.name());
  return names;
}

class AgendaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = convene::testing::MakeTempDir("agenda-store");
    ASSERT_FALSE(dir_.empty());
    path_ = dir_ + "/agenda.db";
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<AgendaStore>> store = AgendaStore::Open(path_);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
  }

  // Runs `write` in a committed write transaction.
  template <typename F>
  absl::Status Write(F write) {
    auto txn = store_->BeginWrite();
    if (!txn->status().ok()) return txn->status();
    absl::Status status = write(*store_);
    if (!status.ok()) return status;
    return txn->Commit();
  }

  absl::StatusOr<av1::Session> Get(const std::string& id) {
    auto lock = store_->LockForRead();
    return store_->GetSession(id);
  }
  std::vector<av1::Session> Sessions(const std::string& event_id) {
    auto lock = store_->LockForRead();
    absl::StatusOr<std::vector<av1::Session>> sessions = store_->SessionsOfEvent(event_id);
    EXPECT_THAT(sessions, IsOk());
    return sessions.ok() ? *sessions : std::vector<av1::Session>{};
  }
  std::vector<av1::Room> Rooms(const std::string& event_id) {
    auto lock = store_->LockForRead();
    absl::StatusOr<std::vector<av1::Room>> rooms = store_->RoomsOfEvent(event_id);
    EXPECT_THAT(rooms, IsOk());
    return rooms.ok() ? *rooms : std::vector<av1::Room>{};
  }
  std::optional<av1::Room> Room(const std::string& event_id, const std::string& key) {
    auto lock = store_->LockForRead();
    absl::StatusOr<std::optional<av1::Room>> room = store_->FindRoom(event_id, key);
    EXPECT_THAT(room, IsOk());
    return room.ok() ? *room : std::nullopt;
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<AgendaStore> store_;
};

TEST_F(AgendaStoreTest, InsertThenGetKeepsInstantsAndZoneButNotRenderedTimesOrPeople) {
  const av1::Session session = MakeSession("ses_1", "evt_1", 2);
  ASSERT_THAT(Write([&](AgendaStore& s) { return s.InsertSession(session); }), IsOk());
  absl::StatusOr<av1::Session> got = Get("ses_1");
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(*got, ProtoEq(StoredForm(session)));
  EXPECT_EQ(got->start_time().seconds(), absl::ToUnixSeconds(Utc(2023, 5, 31, 2, 0)));
  EXPECT_EQ(got->end_time().seconds(), absl::ToUnixSeconds(Utc(2023, 5, 31, 3, 0)));
  EXPECT_EQ(got->time_zone(), "Asia/Jakarta");
  EXPECT_THAT(got->start(), IsEmpty());
  EXPECT_THAT(got->end(), IsEmpty());
  EXPECT_THAT(got->people(), IsEmpty());
  EXPECT_THAT(got->speaker_ids(), ElementsAre("par_b", "par_a"));
}

TEST_F(AgendaStoreTest, InsertingTheSameIdTwiceFails) {
  const av1::Session session = MakeSession("ses_1", "evt_1", 2);
  ASSERT_THAT(Write([&](AgendaStore& s) { return s.InsertSession(session); }), IsOk());
  EXPECT_THAT(Write([&](AgendaStore& s) { return s.InsertSession(session); }),
              StatusIs(absl::StatusCode::kAlreadyExists, ::testing::_));
  EXPECT_THAT(Sessions("evt_1"), SizeIs(1));
}

TEST_F(AgendaStoreTest, GetUnknownIsNotFoundNamingTheId) {
  EXPECT_THAT(Get("ses_nope"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("ses_nope")));
}

TEST_F(AgendaStoreTest, UpdateReplacesTheSession) {
  ASSERT_THAT(
      Write([](AgendaStore& s) { return s.InsertSession(MakeSession("ses_1", "evt_1", 2)); }),
      IsOk());
  av1::Session changed = MakeSession("ses_1", "evt_1", 5);
  changed.set_title("Moved");
  changed.set_room("Hall B");
  changed.clear_speaker_ids();
  changed.add_speaker_ids("par_c");
  changed.set_revision(1);
  ASSERT_THAT(Write([&](AgendaStore& s) { return s.UpdateSession(changed); }), IsOk());
  absl::StatusOr<av1::Session> got = Get("ses_1");
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(*got, ProtoEq(StoredForm(changed)));
  EXPECT_EQ(got->title(), "Moved");
  EXPECT_EQ(got->revision(), 1);
  EXPECT_THAT(Sessions("evt_1"), SizeIs(1));
}

TEST_F(AgendaStoreTest, UpdateUnknownIsNotFoundNamingTheId) {
  const av1::Session ghost = MakeSession("ses_ghost", "evt_1", 2);
  EXPECT_THAT(Write([&](AgendaStore& s) { return s.UpdateSession(ghost); }),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("ses_ghost")));
  EXPECT_THAT(Get("ses_ghost"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("ses_ghost")));
}

TEST_F(AgendaStoreTest, DeleteRemovesAndUnknownIsNotFound) {
  ASSERT_THAT(Write([](AgendaStore& s) {
                absl::Status status = s.InsertSession(MakeSession("ses_1", "evt_1", 2));
                if (!status.ok()) return status;
                return s.InsertSession(MakeSession("ses_2", "evt_1", 3));
              }),
              IsOk());
  ASSERT_THAT(Write([](AgendaStore& s) { return s.DeleteSession("ses_1"); }), IsOk());
  EXPECT_THAT(Get("ses_1"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("ses_1")));
  EXPECT_THAT(Get("ses_2"), IsOk());
  EXPECT_THAT(Write([](AgendaStore& s) { return s.DeleteSession("ses_1"); }),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("ses_1")));
  EXPECT_THAT(Write([](AgendaStore& s) { return s.DeleteSession("ses_zzz"); }),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("ses_zzz")));
  EXPECT_THAT(IdsOf(Sessions("evt_1")), ElementsAre("ses_2"));
}

TEST_F(AgendaStoreTest, SessionsOfEventReturnsOnlyThatEvent) {
  ASSERT_THAT(Write([](AgendaStore& s) {
                for (const av1::Session& session :
                     {MakeSession("ses_1", "evt_1", 4), MakeSession("ses_2", "evt_2", 2),
                      MakeSession("ses_3", "evt_1", 2), MakeSession("ses_4", "evt_1", 3)}) {
                  absl::Status status = s.InsertSession(session);
                  if (!status.ok()) return status;
                }
                return absl::OkStatus();
              }),
              IsOk());
  const std::vector<av1::Session> one = Sessions("evt_1");
  EXPECT_THAT(IdsOf(one), UnorderedElementsAre("ses_1", "ses_3", "ses_4"));
  for (const av1::Session& s : one) {
    EXPECT_EQ(s.event_id(), "evt_1");
    EXPECT_THAT(s.start(), IsEmpty());
    EXPECT_THAT(s.people(), IsEmpty());
    EXPECT_EQ(s.time_zone(), "Asia/Jakarta");
  }
  EXPECT_THAT(IdsOf(Sessions("evt_2")), ElementsAre("ses_2"));
  EXPECT_THAT(Sessions("evt_none"), IsEmpty());
}

// What the per-event limits (kMaxSessionsPerEvent, kMaxRoomsPerEvent) are checked against.
TEST_F(AgendaStoreTest, CountsSessionsAndRoomsPerEvent) {
  ASSERT_THAT(Write([](AgendaStore& s) {
                for (const av1::Session& session :
                     {MakeSession("ses_1", "evt_1", 4), MakeSession("ses_2", "evt_2", 2),
                      MakeSession("ses_3", "evt_1", 2)}) {
                  absl::Status status = s.InsertSession(session);
                  if (!status.ok()) return status;
                }
                for (const char* name : {"Hall A", "hall a", "Room 2"}) {
                  absl::Status status = s.PutRoom(MakeRoom("evt_1", name, 10));
                  if (!status.ok()) return status;
                }
                return absl::OkStatus();
              }),
              IsOk());
  auto lock = store_->LockForRead();
  EXPECT_EQ(*store_->CountSessions("evt_1"), 2);
  EXPECT_EQ(*store_->CountSessions("evt_2"), 1);
  EXPECT_EQ(*store_->CountSessions("evt_none"), 0);
  EXPECT_EQ(*store_->CountRooms("evt_1"), 2);  // "Hall A" and "hall a" are one room
  EXPECT_EQ(*store_->CountRooms("evt_2"), 0);
}

TEST_F(AgendaStoreTest, PutRoomCreatesThenReplacesByCaseInsensitiveName) {
  ASSERT_THAT(Write([](AgendaStore& s) { return s.PutRoom(MakeRoom("evt_1", "Hall A", 50)); }),
              IsOk());
  std::optional<av1::Room> room = Room("evt_1", RoomKey("Hall A"));
  ASSERT_TRUE(room.has_value());
  EXPECT_THAT(*room, ProtoEq(MakeRoom("evt_1", "Hall A", 50)));

  ASSERT_THAT(Write([](AgendaStore& s) { return s.PutRoom(MakeRoom("evt_1", " HALL a ", 80)); }),
              IsOk());
  const std::vector<av1::Room> rooms = Rooms("evt_1");
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0].capacity(), 80);
  EXPECT_EQ(rooms[0].name(), " HALL a ");  // the latest spelling, as given
  room = Room("evt_1", "hall a");
  ASSERT_TRUE(room.has_value());
  EXPECT_EQ(room->capacity(), 80);
}

TEST_F(AgendaStoreTest, FindRoomIsPerEventAndMissingIsNullopt) {
  ASSERT_THAT(Write([](AgendaStore& s) { return s.PutRoom(MakeRoom("evt_1", "Hall A", 50)); }),
              IsOk());
  EXPECT_FALSE(Room("evt_2", "hall a").has_value());
  EXPECT_FALSE(Room("evt_1", "hall b").has_value());
  EXPECT_TRUE(Room("evt_1", RoomKey("  HALL A")).has_value());
}

TEST_F(AgendaStoreTest, RoomsOfEventOrderedByNameKey) {
  ASSERT_THAT(Write([](AgendaStore& s) {
                for (const av1::Room& room :
                     {MakeRoom("evt_1", "hall C", 10), MakeRoom("evt_1", "Auditorium", 300),
                      MakeRoom("evt_2", "Annex", 5), MakeRoom("evt_1", "Hall b", 20),
                      MakeRoom("evt_1", "Breakout 1", 15)}) {
                  absl::Status status = s.PutRoom(room);
                  if (!status.ok()) return status;
                }
                return absl::OkStatus();
              }),
              IsOk());
  EXPECT_THAT(NamesOf(Rooms("evt_1")), ElementsAre("Auditorium", "Breakout 1", "Hall b", "hall C"));
  EXPECT_THAT(NamesOf(Rooms("evt_2")), ElementsAre("Annex"));
  EXPECT_THAT(Rooms("evt_3"), IsEmpty());
}

TEST_F(AgendaStoreTest, EverythingSurvivesReopeningTheFile) {
  const av1::Session one = MakeSession("ses_1", "evt_1", 2);
  const av1::Session two = MakeSession("ses_2", "evt_1", 3);
  ASSERT_THAT(Write([&](AgendaStore& s) {
                absl::Status status = s.InsertSession(one);
                if (!status.ok()) return status;
                status = s.InsertSession(two);
                if (!status.ok()) return status;
                status = s.PutRoom(MakeRoom("evt_1", "Hall A", 50));
                if (!status.ok()) return status;
                return s.PutRoom(MakeRoom("evt_1", "Hall B", 30));
              }),
              IsOk());
  ASSERT_THAT(Write([](AgendaStore& s) { return s.DeleteSession("ses_2"); }), IsOk());
  Reopen();
  absl::StatusOr<av1::Session> got = Get("ses_1");
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(*got, ProtoEq(StoredForm(one)));
  EXPECT_THAT(Get("ses_2"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("ses_2")));
  EXPECT_THAT(IdsOf(Sessions("evt_1")), ElementsAre("ses_1"));
  EXPECT_THAT(NamesOf(Rooms("evt_1")), ElementsAre("Hall A", "Hall B"));
  // And it can still be written after reopening (the migration is not rerun destructively).
  ASSERT_THAT(
      Write([](AgendaStore& s) { return s.InsertSession(MakeSession("ses_3", "evt_1", 6)); }),
      IsOk());
  Reopen();
  EXPECT_THAT(IdsOf(Sessions("evt_1")), UnorderedElementsAre("ses_1", "ses_3"));
}

TEST_F(AgendaStoreTest, UncommittedWriteTransactionLeavesNothing) {
  {
    auto txn = store_->BeginWrite();
    ASSERT_THAT(txn->status(), IsOk());
    ASSERT_THAT(store_->InsertSession(MakeSession("ses_1", "evt_1", 2)), IsOk());
    ASSERT_THAT(store_->PutRoom(MakeRoom("evt_1", "Hall A", 50)), IsOk());
    // Visible inside the transaction...
    EXPECT_THAT(store_->GetSession("ses_1"), IsOk());
  }  // ...but dropped without Commit().
  EXPECT_THAT(Get("ses_1"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("ses_1")));
  EXPECT_THAT(Sessions("evt_1"), IsEmpty());
  EXPECT_THAT(Rooms("evt_1"), IsEmpty());
  Reopen();
  EXPECT_THAT(Sessions("evt_1"), IsEmpty());
  EXPECT_THAT(Rooms("evt_1"), IsEmpty());
}

TEST_F(AgendaStoreTest, UncommittedUpdateAndDeleteAreRolledBack) {
  const av1::Session original = MakeSession("ses_1", "evt_1", 2);
  ASSERT_THAT(Write([&](AgendaStore& s) { return s.InsertSession(original); }), IsOk());
  {
    auto txn = store_->BeginWrite();
    ASSERT_THAT(txn->status(), IsOk());
    av1::Session changed = original;
    changed.set_title("Changed");
    ASSERT_THAT(store_->UpdateSession(changed), IsOk());
    ASSERT_THAT(store_->DeleteSession("ses_1"), IsOk());
  }
  absl::StatusOr<av1::Session> got = Get("ses_1");
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(*got, ProtoEq(StoredForm(original)));
}

}  // namespace
}  // namespace convene::agenda
