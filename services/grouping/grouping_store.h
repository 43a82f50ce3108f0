// All SQL of the grouping service: plans (each stored whole as its proto, with the snapshot of the
// participants it was made from, so that a move can be re-measured without asking registration) and
// the request log that makes retried MakePlan calls idempotent.
//
// Thread safety: as sqlite::SerialDatabase. Every method must run while the caller holds a
// WriteTransaction (to write) or a ReadLock from this store.
#ifndef CONVENE_SERVICES_GROUPING_GROUPING_STORE_H_
#define CONVENE_SERVICES_GROUPING_GROUPING_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "convene/grouping/v1/grouping.pb.h"
#include "convene/registration/v1/registration_service.pb.h"
#include "services/common/sqlite/database.h"

namespace convene::grouping {

// A plan and the participants it was made from, in the order the solver saw them.
struct StoredPlan {
  v1::GroupPlan plan;
  std::vector<registration::v1::Participant> people;
};

class GroupingStore {
 public:
  static absl::StatusOr<std::unique_ptr<GroupingStore>> Open(const std::string& path);

  using WriteTransaction = sqlite::SerialDatabase::WriteTransaction;
  using ReadLock = sqlite::SerialDatabase::ReadLock;
  std::unique_ptr<WriteTransaction> BeginWrite() { return serial_.BeginWrite(); }
  ReadLock LockForRead() { return serial_.LockForRead(); }
  sqlite::Database& db() { return *db_; }

  absl::Status InsertPlan(const StoredPlan& plan);
  // Rewrites the plan (the people do not change). NOT_FOUND naming the id.
  absl::Status UpdatePlan(const v1::GroupPlan& plan);
  absl::StatusOr<StoredPlan> GetPlan(absl::string_view plan_id);
  // Newest first, without their people.
  absl::StatusOr<std::vector<v1::GroupPlan>> PlansOfEvent(absl::string_view event_id);

 private:
  explicit GroupingStore(std::unique_ptr<sqlite::Database> db)
      : serial_(std::move(db)), db_(&serial_.db()) {}

  sqlite::SerialDatabase serial_;
  sqlite::Database* db_;  // serial_'s connection
};

}  // namespace convene::grouping

#endif  // CONVENE_SERVICES_GROUPING_GROUPING_STORE_H_
