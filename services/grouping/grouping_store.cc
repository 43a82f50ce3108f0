#include "services/grouping/grouping_store.h"

#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace convene::grouping {
namespace {

using sqlite::Statement;

constexpr char kSchemaV1[] = R"sql(
CREATE TABLE plans (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  event_id TEXT NOT NULL,
  plan BLOB NOT NULL,
  people BLOB NOT NULL
);
CREATE INDEX plans_by_event ON plans (event_id, seq);
)sql";

constexpr char kInsertPlanSql[] =
    "INSERT INTO plans (id, event_id, plan, people) VALUES (?, ?, ?, ?)";
constexpr char kUpdatePlanSql[] = "UPDATE plans SET plan = ? WHERE id = ?";
constexpr char kSelectPlanSql[] = "SELECT plan, people FROM plans WHERE id = ?";
constexpr char kSelectPlansOfEventSql[] =
    "SELECT plan FROM plans WHERE event_id = ? ORDER BY seq DESC";

}  // namespace

absl::StatusOr<std::unique_ptr<GroupingStore>> GroupingStore::Open(const std::string& path) {
  CONVENE_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open({.path = path}));
  CONVENE_RETURN_IF_ERROR(db->Migrate({kSchemaV1, sqlite::kRequestLogSchema}));
  return std::unique_ptr<GroupingStore>(new GroupingStore(std::move(db)));
}

absl::Status GroupingStore::InsertPlan(const StoredPlan& stored) {
  registration::v1::ListParticipantsResponse people;
  for (const auto& p : stored.people) *people.add_participants() = p;
  Statement stmt(*db_, kInsertPlanSql);
  stmt.BindText(1, stored.plan.id())
      .BindText(2, stored.plan.event_id())
      .BindBlob(3, stored.plan.SerializeAsString())
      .BindBlob(4, people.SerializeAsString());
  return stmt.Run();
}

absl::Status GroupingStore::UpdatePlan(const v1::GroupPlan& plan) {
  Statement stmt(*db_, kUpdatePlanSql);
  stmt.BindBlob(1, plan.SerializeAsString()).BindText(2, plan.id());
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  if (stmt.Changes() == 0) {
    return absl::NotFoundError(absl::StrCat("plan ", plan.id(), " does not exist"));
  }
  return absl::OkStatus();
}

absl::StatusOr<StoredPlan> GroupingStore::GetPlan(absl::string_view plan_id) {
  Statement stmt(*db_, kSelectPlanSql);
  stmt.BindText(1, plan_id);
  CONVENE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return absl::NotFoundError(absl::StrCat("plan ", plan_id, " does not exist"));
  StoredPlan stored;
  registration::v1::ListParticipantsResponse people;
  if (!stored.plan.ParseFromString(stmt.ColumnBlob(0)) ||
      !people.ParseFromString(stmt.ColumnBlob(1))) {
    return absl::DataLossError(absl::StrCat("storage: plan ", plan_id, " cannot be read"));
  }
  stored.people.assign(people.participants().begin(), people.participants().end());
  return stored;
}

absl::StatusOr<std::vector<v1::GroupPlan>> GroupingStore::PlansOfEvent(absl::string_view event_id) {
  Statement stmt(*db_, kSelectPlansOfEventSql);
  stmt.BindText(1, event_id);
  std::vector<v1::GroupPlan> plans;
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    if (!plans.emplace_back().ParseFromString(stmt.ColumnBlob(0))) {
      return absl::DataLossError("storage: a plan cannot be read");
    }
  }
  return plans;
}

}  // namespace convene::grouping
