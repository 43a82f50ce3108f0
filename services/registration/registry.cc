#include "services/registration/registry.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/field_mask_util.h"
#include "services/common/dates.h"
#include "services/common/ids.h"
#include "services/common/limits.h"
#include "services/common/requests.h"
#include "services/common/status.h"
#include "services/registration/countries.h"
#include "services/registration/rules.h"

namespace convene::registration {
namespace {

const std::set<std::string>& WritableEventFields() {
  static const auto* fields = new std::set<std::string>{
      "title",      "theme",    "format",   "venue",      "city",    "country",  "time_zone",
      "start_date", "end_date", "capacity", "organisers", "funders", "languages"};
  return *fields;
}

const std::set<std::string>& WritableParticipantFields() {
  static const auto* fields =
      new std::set<std::string>{"name",   "email", "country",         "organization", "sector",
                                "gender", "role",  "attendance_mode", "nominated_by", "attributes"};
  return *fields;
}

absl::Status EmailTaken(const v1::Participant& holder) {
  return absl::AlreadyExistsError(absl::StrCat("email: ", holder.email(),
                                               " is already registered for this event as ",
                                               holder.name(), " (", holder.id(), ")"));
}

// Counts sorted largest first, then by key.
void AddCounts(std::vector<std::pair<std::string, int>> counts,
               google::protobuf::RepeatedPtrField<v1::Count>* out) {
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (const auto& [key, count] : counts) {
    v1::Count* c = out->Add();
    c->set_key(key);
    c->set_count(count);
  }
}

// Stored enum numbers become their proto names ("4" -> "SECTOR_CIVIL_SOCIETY").
std::vector<std::pair<std::string, int>> EnumNames(
    const google::protobuf::EnumDescriptor* descriptor,
    std::vector<std::pair<std::string, int>> counts) {
  for (auto& [key, count] : counts) {
    int number = 0;
    const google::protobuf::EnumValueDescriptor* value =
        absl::SimpleAtoi(key, &number) ? descriptor->FindValueByNumber(number) : nullptr;
    if (value != nullptr) key = value->name();
  }
  return counts;
}

}  // namespace

// --- Events
// -------------------------------------------------------------------------------------------

absl::Status Registry::CreateEvent(const v1::CreateEventRequest& request,
                                   v1::CreateEventResponse* response) {
  v1::Event event = request.event();
  CONVENE_RETURN_IF_ERROR(NormalizeEvent(event));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(bool replayed,
                           ReplayLoggedResponse(store_->db(), "CreateEvent", request, response));
  if (replayed) return txn->Commit();  // answered once what it read is on disk
  const absl::Time now = options_.now();
  event.set_id(NewId("evt"));
  ToTimestamp(now, event.mutable_create_time());
  ToTimestamp(now, event.mutable_update_time());
  CONVENE_RETURN_IF_ERROR(store_->InsertEvent(event));
  *response->mutable_event() = event;
  CONVENE_RETURN_IF_ERROR(LogResponseFor(store_->db(), "CreateEvent", request, *response));
  return txn->Commit();
}

absl::Status Registry::GetEvent(const v1::GetEventRequest& request,
                                v1::GetEventResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("event_id", request.event_id()));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(*response->mutable_event(), store_->GetEvent(request.event_id()));
  return absl::OkStatus();
}

absl::Status Registry::ListEvents(const v1::ListEventsRequest& request,
                                  v1::ListEventsResponse* response) {
  CONVENE_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  CONVENE_ASSIGN_OR_RETURN(int64_t cursor, PageCursor(request.page_token()));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(Page<v1::Event> page, store_->ListEvents(cursor, page_size));
  for (v1::Event& event : page.items) *response->add_events() = std::move(event);
  response->set_next_page_token(PageToken(page.next_cursor));
  return absl::OkStatus();
}

absl::Status Registry::UpdateEvent(const v1::UpdateEventRequest& request,
                                   v1::UpdateEventResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("event.id", request.event().id()));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(v1::Event event, store_->GetEvent(request.event().id()));
  CONVENE_RETURN_IF_ERROR(
      ApplyMask(request.event(), request.update_mask(), WritableEventFields(), &event));
  CONVENE_RETURN_IF_ERROR(NormalizeEvent(event));
  const absl::Time now = options_.now();
  ToTimestamp(now, event.mutable_update_time());
  CONVENE_RETURN_IF_ERROR(store_->UpdateEvent(event));
  CONVENE_RETURN_IF_ERROR(FillSeats(event, now, response->mutable_promoted()));
  *response->mutable_event() = event;
  return txn->Commit();
}

absl::Status Registry::FillSeats(const v1::Event& event, absl::Time now,
                                 google::protobuf::RepeatedPtrField<v1::Participant>* promoted) {
  CONVENE_ASSIGN_OR_RETURN(int64_t confirmed,
                           store_->CountWithStatus(event.id(), v1::PARTICIPANT_STATUS_CONFIRMED));
  CONVENE_ASSIGN_OR_RETURN(int64_t waitlisted,
                           store_->CountWithStatus(event.id(), v1::PARTICIPANT_STATUS_WAITLISTED));
  const int64_t seats = SeatsToFill(event.capacity(), confirmed, waitlisted);
  CONVENE_ASSIGN_OR_RETURN(std::vector<v1::Participant> next,
                           store_->EarliestWaitlisted(event.id(), seats));
  for (v1::Participant& p : next) {
    p.set_status(v1::PARTICIPANT_STATUS_CONFIRMED);
    ToTimestamp(now, p.mutable_update_time());
    CONVENE_RETURN_IF_ERROR(store_->UpdateParticipant(p));
    *promoted->Add() = std::move(p);
  }
  return absl::OkStatus();
}

// --- Participants
// -------------------------------------------------------------------------------------

absl::Status Registry::AddParticipant(const v1::AddParticipantRequest& request,
                                      v1::AddParticipantResponse* response) {
  v1::Participant p = request.participant();
  CONVENE_RETURN_IF_ERROR(Required("event_id", p.event_id()));
  CONVENE_RETURN_IF_ERROR(NormalizeParticipant(p));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(bool replayed,
                           ReplayLoggedResponse(store_->db(), "AddParticipant", request, response));
  if (replayed) return txn->Commit();  // answered once what it read is on disk
  CONVENE_ASSIGN_OR_RETURN(v1::Event event, store_->GetEvent(p.event_id()));
  CONVENE_ASSIGN_OR_RETURN(std::optional<v1::Participant> holder,
                           store_->FindByEmail(event.id(), EmailKey(p.email())));
  if (holder) return EmailTaken(*holder);
  int64_t confirmed = 0;  // counted only where there is a limit: the count reads every seat taken
  if (event.capacity() > 0) {
    CONVENE_ASSIGN_OR_RETURN(confirmed,
                             store_->CountWithStatus(event.id(), v1::PARTICIPANT_STATUS_CONFIRMED));
  }
  const absl::Time now = options_.now();
  p.set_id(NewId("par"));
  p.set_status(AdmissionStatus(event.capacity(), confirmed));
  p.clear_check_in_days();
  ToTimestamp(now, p.mutable_create_time());
  ToTimestamp(now, p.mutable_update_time());
  CONVENE_RETURN_IF_ERROR(store_->InsertParticipant(p));
  *response->mutable_participant() = std::move(p);
  CONVENE_RETURN_IF_ERROR(LogResponseFor(store_->db(), "AddParticipant", request, *response));
  return txn->Commit();
}

absl::Status Registry::ImportParticipants(const v1::ImportParticipantsRequest& request,
                                          v1::ImportParticipantsResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("event_id", request.event_id()));
  CONVENE_RETURN_IF_ERROR(CheckImportRows(request.rows_size()));
  std::vector<std::string> header(request.header().begin(), request.header().end());
  CONVENE_ASSIGN_OR_RETURN(ImportLayout layout, ImportLayout::FromHeader(header));
  if (request.rows().empty()) {
    return absl::InvalidArgumentError("rows: there are no participant rows to import");
  }

  // Parse and check every row on its own before taking the store's lock.
  std::vector<v1::Participant> parsed(request.rows_size());
  std::vector<bool> valid(request.rows_size(), true);
  for (int i = 0; i < request.rows_size(); ++i) {
    std::vector<v1::RowError> errors = layout.ParseRow(request.rows(i), parsed[i]);
    for (v1::RowError& error : errors) *response->add_errors() = std::move(error);
    valid[i] = errors.empty();
    parsed[i].set_event_id(request.event_id());
  }

  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  if (!request.validate_only()) {
    v1::ImportParticipantsResponse replay;
    CONVENE_ASSIGN_OR_RETURN(
        bool replayed, ReplayLoggedResponse(store_->db(), "ImportParticipants", request, &replay));
    if (replayed) {
      *response = std::move(replay);
      return txn->Commit();  // answered once what it read is on disk
    }
  }
  CONVENE_ASSIGN_OR_RETURN(v1::Event event, store_->GetEvent(request.event_id()));

  // Emails must be new to the event and appear once in the file.
  std::map<std::string, int> line_of_email;
  std::vector<v1::RowError> email_errors;
  for (int i = 0; i < request.rows_size(); ++i) {
    if (!valid[i]) continue;
    const int line = request.rows(i).line();
    const std::string key = EmailKey(parsed[i].email());
    CONVENE_ASSIGN_OR_RETURN(std::optional<v1::Participant> holder,
                             store_->FindByEmail(event.id(), key));
    v1::RowError error;
    error.set_line(line);
    error.set_field("email");
    if (holder) {
      error.set_reason(absl::StrCat(parsed[i].email(), " is already registered as ", holder->name(),
                                    " (", holder->id(), ")"));
    } else if (auto [it, inserted] = line_of_email.emplace(key, line); !inserted) {
      error.set_reason(absl::StrCat(parsed[i].email(), " is already on line ", it->second));
    } else {
      continue;
    }
    valid[i] = false;
    email_errors.push_back(std::move(error));
  }
  for (v1::RowError& error : email_errors) *response->add_errors() = std::move(error);
  std::stable_sort(
      response->mutable_errors()->begin(), response->mutable_errors()->end(),
      [](const v1::RowError& a, const v1::RowError& b) { return a.line() < b.line(); });

  if (request.validate_only() || (response->errors_size() > 0 && !request.skip_invalid())) {
    return absl::OkStatus();  // nothing written; the transaction rolls back
  }

  CONVENE_ASSIGN_OR_RETURN(int64_t confirmed,
                           store_->CountWithStatus(event.id(), v1::PARTICIPANT_STATUS_CONFIRMED));
  const absl::Time now = options_.now();
  for (int i = 0; i < request.rows_size(); ++i) {
    if (!valid[i]) continue;
    v1::Participant& p = parsed[i];
    p.set_id(NewId("par"));
    p.set_status(AdmissionStatus(event.capacity(), confirmed));
    if (p.status() == v1::PARTICIPANT_STATUS_CONFIRMED) {
      ++confirmed;
      response->set_confirmed_count(response->confirmed_count() + 1);
    } else {
      response->set_waitlisted_count(response->waitlisted_count() + 1);
    }
    ToTimestamp(now, p.mutable_create_time());
    ToTimestamp(now, p.mutable_update_time());
    CONVENE_RETURN_IF_ERROR(store_->InsertParticipant(p));
    *response->add_participants() = std::move(p);
  }
  // The answer repeats every row; one that could not be sent must not be stored either.
  CONVENE_RETURN_IF_ERROR(CheckResponseSize(*response, "import the file in parts"));
  CONVENE_RETURN_IF_ERROR(LogResponseFor(store_->db(), "ImportParticipants", request, *response));
  return txn->Commit();
}

absl::StatusOr<std::string> Registry::EventOfParticipant(absl::string_view participant_id) {
  CONVENE_RETURN_IF_ERROR(Required("participant_id", participant_id));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(v1::Participant participant, store_->GetParticipant(participant_id));
  return participant.event_id();
}

absl::Status Registry::GetParticipant(const v1::GetParticipantRequest& request,
                                      v1::GetParticipantResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("participant_id", request.participant_id()));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(*response->mutable_participant(),
                           store_->GetParticipant(request.participant_id()));
  return absl::OkStatus();
}

absl::Status Registry::ListParticipants(const v1::ListParticipantsRequest& request,
                                        v1::ListParticipantsResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("event_id", request.event_id()));
  CONVENE_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  CONVENE_ASSIGN_OR_RETURN(int64_t cursor, PageCursor(request.page_token()));
  ParticipantFilter filter{.event_id = request.event_id(),
                           .status = request.status(),
                           .country = "",
                           .sector = request.sector(),
                           .role = request.role(),
                           .gender = request.gender()};
  if (!request.country().empty()) {
    std::optional<std::string> code = NormalizeCountry(request.country());
    if (!code) {
      return absl::InvalidArgumentError(
          absl::StrCat("country: \"", request.country(), "\" is not a known country"));
    }
    filter.country = *code;
  }
  auto lock = store_->LockForRead();
  CONVENE_RETURN_IF_ERROR(store_->GetEvent(request.event_id()).status());
  CONVENE_ASSIGN_OR_RETURN(Page<v1::Participant> page,
                           store_->ListParticipants(filter, cursor, page_size));
  for (v1::Participant& p : page.items) *response->add_participants() = std::move(p);
  response->set_next_page_token(PageToken(page.next_cursor));
  return absl::OkStatus();
}

absl::Status Registry::UpdateParticipant(const v1::UpdateParticipantRequest& request,
                                         v1::UpdateParticipantResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("participant.id", request.participant().id()));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(v1::Participant p, store_->GetParticipant(request.participant().id()));
  const std::string old_email_key = EmailKey(p.email());
  CONVENE_RETURN_IF_ERROR(
      ApplyMask(request.participant(), request.update_mask(), WritableParticipantFields(), &p));
  CONVENE_RETURN_IF_ERROR(NormalizeParticipant(p));
  if (EmailKey(p.email()) != old_email_key) {
    CONVENE_ASSIGN_OR_RETURN(std::optional<v1::Participant> holder,
                             store_->FindByEmail(p.event_id(), EmailKey(p.email())));
    if (holder) return EmailTaken(*holder);
  }
  ToTimestamp(options_.now(), p.mutable_update_time());
  CONVENE_RETURN_IF_ERROR(store_->UpdateParticipant(p));
  *response->mutable_participant() = std::move(p);
  return txn->Commit();
}

absl::Status Registry::CancelParticipant(const v1::CancelParticipantRequest& request,
                                         v1::CancelParticipantResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("participant_id", request.participant_id()));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(v1::Participant p, store_->GetParticipant(request.participant_id()));
  if (p.status() == v1::PARTICIPANT_STATUS_CANCELLED) {
    *response->mutable_participant() = std::move(p);
    return absl::OkStatus();  // cancelling twice changes nothing
  }
  const bool held_seat = p.status() == v1::PARTICIPANT_STATUS_CONFIRMED;
  const absl::Time now = options_.now();
  p.set_status(v1::PARTICIPANT_STATUS_CANCELLED);
  ToTimestamp(now, p.mutable_update_time());
  CONVENE_RETURN_IF_ERROR(store_->UpdateParticipant(p));
  if (held_seat) {
    CONVENE_ASSIGN_OR_RETURN(v1::Event event, store_->GetEvent(p.event_id()));
    google::protobuf::RepeatedPtrField<v1::Participant> promoted;
    CONVENE_RETURN_IF_ERROR(FillSeats(event, now, &promoted));
    if (!promoted.empty()) *response->mutable_promoted() = promoted[0];
  }
  *response->mutable_participant() = std::move(p);
  return txn->Commit();
}

absl::Status Registry::CheckInParticipant(const v1::CheckInParticipantRequest& request,
                                          v1::CheckInParticipantResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("participant_id", request.participant_id()));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(v1::Participant p, store_->GetParticipant(request.participant_id()));
  if (p.status() == v1::PARTICIPANT_STATUS_CANCELLED) {
    return absl::FailedPreconditionError(
        absl::StrCat("participant ", p.id(), " (", p.name(), ") has cancelled"));
  }
  if (p.status() == v1::PARTICIPANT_STATUS_WAITLISTED) {
    return absl::FailedPreconditionError(
        absl::StrCat("participant ", p.id(), " (", p.name(),
                     ") is on the waitlist; raise the capacity or wait for a "
                     "cancellation first"));
  }
  CONVENE_ASSIGN_OR_RETURN(v1::Event event, store_->GetEvent(p.event_id()));
  CONVENE_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(event.time_zone(), "time_zone"));
  const absl::Time now = options_.now();
  CONVENE_ASSIGN_OR_RETURN(std::string day,
                           CheckInDay(event, request.day(), absl::ToCivilDay(now, zone)));
  CONVENE_RETURN_IF_ERROR(store_->AddCheckIn(p.id(), day, now));
  CONVENE_ASSIGN_OR_RETURN(*response->mutable_participant(), store_->GetParticipant(p.id()));
  return txn->Commit();
}

absl::Status Registry::GetParticipationSummary(const v1::GetParticipationSummaryRequest& request,
                                               v1::GetParticipationSummaryResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("event_id", request.event_id()));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(v1::Event event, store_->GetEvent(request.event_id()));
  response->set_event_id(event.id());
  for (auto [status, setter] :
       {std::pair{v1::PARTICIPANT_STATUS_CONFIRMED,
                  &v1::GetParticipationSummaryResponse::set_confirmed_count},
        std::pair{v1::PARTICIPANT_STATUS_WAITLISTED,
                  &v1::GetParticipationSummaryResponse::set_waitlisted_count},
        std::pair{v1::PARTICIPANT_STATUS_CANCELLED,
                  &v1::GetParticipationSummaryResponse::set_cancelled_count}}) {
    CONVENE_ASSIGN_OR_RETURN(int64_t count, store_->CountWithStatus(event.id(), status));
    (response->*setter)(static_cast<int32_t>(count));
  }
  CONVENE_ASSIGN_OR_RETURN(auto by_country,
                           store_->CountConfirmedBy(event.id(), SummaryKey::kCountry));
  AddCounts(std::move(by_country), response->mutable_by_country());
  CONVENE_ASSIGN_OR_RETURN(auto by_sector,
                           store_->CountConfirmedBy(event.id(), SummaryKey::kSector));
  AddCounts(EnumNames(v1::Sector_descriptor(), std::move(by_sector)),
            response->mutable_by_sector());
  CONVENE_ASSIGN_OR_RETURN(auto by_gender,
                           store_->CountConfirmedBy(event.id(), SummaryKey::kGender));
  AddCounts(EnumNames(v1::Gender_descriptor(), std::move(by_gender)),
            response->mutable_by_gender());
  CONVENE_ASSIGN_OR_RETURN(auto by_role, store_->CountConfirmedBy(event.id(), SummaryKey::kRole));
  AddCounts(EnumNames(v1::Role_descriptor(), std::move(by_role)), response->mutable_by_role());
  CONVENE_ASSIGN_OR_RETURN(auto check_ins, store_->CountCheckInsByDay(event.id()));
  std::map<std::string, int> per_day(check_ins.begin(), check_ins.end());
  for (const std::string& day : EventDays(event)) {
    v1::Count* c = response->add_check_ins_by_day();
    c->set_key(day);
    c->set_count(per_day[day]);
  }
  return absl::OkStatus();
}

}  // namespace convene::registration
