#include "services/registration/rules.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "services/common/dates.h"
#include "services/common/limits.h"
#include "services/common/status.h"
#include "services/registration/countries.h"

namespace convene::registration {
namespace {

absl::Status FieldError(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

void Trim(std::string& text) { text = std::string(absl::StripAsciiWhitespace(text)); }

void TrimAll(google::protobuf::RepeatedPtrField<std::string>& list) {
  for (std::string& item : list) Trim(item);
  list.erase(std::remove(list.begin(), list.end(), std::string()), list.end());
}

// Single-line text: control characters (line breaks included) are refused
// rather than stored.
absl::Status CheckLine(absl::string_view field, absl::string_view text,
                       size_t max_length = kMaxLineLength) {
  CONVENE_RETURN_IF_ERROR(CheckLength(field, text, max_length));
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return FieldError(field, "must be a single line of text");
  }
  return absl::OkStatus();
}

absl::Status NormalizeCountryField(absl::string_view field, std::string& country, bool required) {
  CONVENE_RETURN_IF_ERROR(CheckLength(field, country, kMaxLineLength));
  Trim(country);
  if (country.empty()) {
    return required ? FieldError(field, "is required (an ISO code such as MY, or a name)")
                    : absl::OkStatus();
  }
  std::optional<std::string> code = NormalizeCountry(country);
  if (!code) {
    return FieldError(field, absl::StrCat("\"", country,
                                          "\" is not a known country (give an ISO 3166-1 code "
                                          "such as VN, or a name such as Viet Nam)"));
  }
  country = *code;
  return absl::OkStatus();
}

absl::Status CheckEmail(absl::string_view email) {
  if (email.empty()) return FieldError("email", "is required");
  CONVENE_RETURN_IF_ERROR(CheckLength("email", email, kMaxEmailLength));
  const size_t at = email.find('@');
  const bool shaped = at != absl::string_view::npos && at > 0 &&
                      email.find('@', at + 1) == absl::string_view::npos &&
                      email.find('.', at + 2) != absl::string_view::npos && email.back() != '.' &&
                      email.find_first_of(" \t,;<>()[]\\\"") == absl::string_view::npos;
  if (!shaped) {
    return FieldError("email", absl::StrCat("\"", email, "\" is not an email address"));
  }
  return CheckLine("email", email, kMaxEmailLength);
}

// UPPER_SNAKE form of user text: "civil-society" and "Civil society" both give
// "CIVIL_SOCIETY".
std::string EnumKey(absl::string_view text) {
  std::string key = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  for (char& c : key) {
    if (c == '-' || c == ' ') c = '_';
  }
  return key;
}

// "SECTOR_CIVIL_SOCIETY" -> "civil-society".
std::string DisplayName(absl::string_view prefix, absl::string_view name) {
  std::string display = absl::AsciiStrToLower(absl::StripPrefix(name, prefix));
  absl::StrReplaceAll({{"_", "-"}}, &display);
  return display;
}

template <typename E>
absl::StatusOr<E> ParseEnum(absl::string_view text, absl::string_view field,
                            const google::protobuf::EnumDescriptor* descriptor,
                            absl::string_view prefix,
                            std::initializer_list<std::pair<absl::string_view, E>> synonyms) {
  const std::string key = EnumKey(text);
  if (key.empty()) return static_cast<E>(0);
  for (const auto& [synonym, value] : synonyms) {
    if (key == synonym) return value;
  }
  const google::protobuf::EnumValueDescriptor* value =
      descriptor->FindValueByName(absl::StartsWith(key, prefix) ? key : absl::StrCat(prefix, key));
  if (value != nullptr && value->number() != 0) return static_cast<E>(value->number());
  std::vector<std::string> accepted;
  for (int i = 1; i < descriptor->value_count(); ++i) {
    accepted.push_back(DisplayName(prefix, descriptor->value(i)->name()));
  }
  return FieldError(field,
                    absl::StrCat("\"", text, "\" is not one of: ", absl::StrJoin(accepted, ", ")));
}

absl::Status CheckEnum(absl::string_view field, const google::protobuf::EnumDescriptor* descriptor,
                       int value) {
  if (descriptor->FindValueByNumber(value) == nullptr) {
    return FieldError(field, absl::StrCat(value, " is not a valid value"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status NormalizeEvent(v1::Event& event) {
  for (std::string* text :
       {event.mutable_title(), event.mutable_theme(), event.mutable_venue(), event.mutable_city(),
        event.mutable_time_zone(), event.mutable_start_date(), event.mutable_end_date()}) {
    Trim(*text);
  }
  TrimAll(*event.mutable_organisers());
  TrimAll(*event.mutable_funders());
  TrimAll(*event.mutable_languages());
  if (event.title().empty()) return FieldError("title", "is required");
  CONVENE_RETURN_IF_ERROR(CheckLength("time_zone", event.time_zone(), kMaxKeyLength));
  CONVENE_RETURN_IF_ERROR(CheckLine("title", event.title()));
  CONVENE_RETURN_IF_ERROR(CheckLine("theme", event.theme()));
  CONVENE_RETURN_IF_ERROR(CheckLine("venue", event.venue()));
  CONVENE_RETURN_IF_ERROR(CheckLine("city", event.city()));
  for (const auto& [field, list] :
       {std::pair{"organisers", &event.organisers()}, std::pair{"funders", &event.funders()},
        std::pair{"languages", &event.languages()}}) {
    CONVENE_RETURN_IF_ERROR(CheckCount(field, list->size(), kMaxListItems, "items"));
    for (const std::string& item : *list) CONVENE_RETURN_IF_ERROR(CheckLine(field, item));
  }
  CONVENE_RETURN_IF_ERROR(CheckEnum("format", v1::EventFormat_descriptor(), event.format()));
  CONVENE_RETURN_IF_ERROR(NormalizeCountryField("country", *event.mutable_country(), false));
  CONVENE_RETURN_IF_ERROR(LoadZone(event.time_zone(), "time_zone").status());
  if (event.start_date().empty()) return FieldError("start_date", "is required (YYYY-MM-DD)");
  if (event.end_date().empty()) return FieldError("end_date", "is required (YYYY-MM-DD)");
  CONVENE_ASSIGN_OR_RETURN(absl::CivilDay start, ParseDay(event.start_date(), "start_date"));
  CONVENE_ASSIGN_OR_RETURN(absl::CivilDay end, ParseDay(event.end_date(), "end_date"));
  if (end < start) {
    return FieldError("end_date",
                      absl::StrCat(event.end_date(), " is before start_date ", event.start_date()));
  }
  if (end - start > 366) return FieldError("end_date", "the event is longer than a year");
  if (event.capacity() < 0) {
    return FieldError("capacity",
                      absl::StrCat(event.capacity(), " is negative (0 means unlimited)"));
  }
  return absl::OkStatus();
}

absl::Status NormalizeParticipant(v1::Participant& p) {
  for (std::string* text :
       {p.mutable_name(), p.mutable_email(), p.mutable_organization(), p.mutable_nominated_by()}) {
    Trim(*text);
  }
  if (p.name().empty()) return FieldError("name", "is required");
  CONVENE_RETURN_IF_ERROR(CheckLine("name", p.name()));
  CONVENE_RETURN_IF_ERROR(CheckEmail(p.email()));
  CONVENE_RETURN_IF_ERROR(NormalizeCountryField("country", *p.mutable_country(), true));
  CONVENE_RETURN_IF_ERROR(CheckLine("organization", p.organization()));
  CONVENE_RETURN_IF_ERROR(CheckLine("nominated_by", p.nominated_by()));
  CONVENE_RETURN_IF_ERROR(CheckEnum("sector", v1::Sector_descriptor(), p.sector()));
  CONVENE_RETURN_IF_ERROR(CheckEnum("gender", v1::Gender_descriptor(), p.gender()));
  CONVENE_RETURN_IF_ERROR(CheckEnum("role", v1::Role_descriptor(), p.role()));
  CONVENE_RETURN_IF_ERROR(
      CheckEnum("attendance_mode", v1::AttendanceMode_descriptor(), p.attendance_mode()));
  if (p.role() == v1::ROLE_UNSPECIFIED) p.set_role(v1::ROLE_PARTICIPANT);
  CONVENE_RETURN_IF_ERROR(
      CheckCount("attributes", p.attributes_size(), kMaxListItems, "attributes"));
  for (const auto& [key, value] : p.attributes()) {
    if (key.empty()) return FieldError("attributes", "an attribute has an empty name");
    CONVENE_RETURN_IF_ERROR(CheckLine("attributes", key, kMaxKeyLength));
    CONVENE_RETURN_IF_ERROR(CheckLine(absl::StrCat("attributes.", key), value));
  }
  return absl::OkStatus();
}

std::string EmailKey(absl::string_view email) { return absl::AsciiStrToLower(email); }

v1::ParticipantStatus AdmissionStatus(int32_t capacity, int64_t confirmed) {
  if (capacity == 0 || confirmed < capacity) return v1::PARTICIPANT_STATUS_CONFIRMED;
  return v1::PARTICIPANT_STATUS_WAITLISTED;
}

int64_t SeatsToFill(int32_t capacity, int64_t confirmed, int64_t waitlisted) {
  if (capacity == 0) return waitlisted;
  return std::clamp<int64_t>(capacity - confirmed, 0, waitlisted);
}

std::vector<std::string> EventDays(const v1::Event& event) {
  std::vector<std::string> days;
  auto start = ParseDay(event.start_date(), "start_date");
  auto end = ParseDay(event.end_date(), "end_date");
  if (!start.ok() || !end.ok()) return days;
  for (absl::CivilDay d = *start; d <= *end; ++d) days.push_back(FormatDay(d));
  return days;
}

absl::StatusOr<std::string> CheckInDay(const v1::Event& event, absl::string_view day,
                                       absl::CivilDay today) {
  std::string chosen = day.empty() ? FormatDay(today) : std::string(day);
  if (!day.empty()) CONVENE_RETURN_IF_ERROR(ParseDay(day, "day").status());
  const std::vector<std::string> days = EventDays(event);
  if (std::find(days.begin(), days.end(), chosen) == days.end()) {
    return FieldError(
        "day", absl::StrCat(day.empty() ? "today, " : "", chosen, ", is not a day of the event (",
                            event.start_date(), " to ", event.end_date(), ")"));
  }
  return chosen;
}

absl::StatusOr<v1::Sector> ParseSector(absl::string_view text) {
  return ParseEnum<v1::Sector>(
      text, "sector", v1::Sector_descriptor(), "SECTOR_",
      {{"CSO", v1::SECTOR_CIVIL_SOCIETY},
       {"NGO", v1::SECTOR_CIVIL_SOCIETY},
       {"CIVIL_SOCIETY_ORGANISATION", v1::SECTOR_CIVIL_SOCIETY},
       {"CIVIL_SOCIETY_ORGANIZATION", v1::SECTOR_CIVIL_SOCIETY},
       {"GOVT", v1::SECTOR_GOVERNMENT},
       {"PUBLIC_SECTOR", v1::SECTOR_GOVERNMENT},
       {"ACA", v1::SECTOR_ANTI_CORRUPTION_BODY},
       {"ANTI_CORRUPTION_AGENCY", v1::SECTOR_ANTI_CORRUPTION_BODY},
       {"ANTI_CORRUPTION_COMMISSION", v1::SECTOR_ANTI_CORRUPTION_BODY},
       {"NHRI", v1::SECTOR_HUMAN_RIGHTS_INSTITUTION},
       {"NATIONAL_HUMAN_RIGHTS_INSTITUTION", v1::SECTOR_HUMAN_RIGHTS_INSTITUTION},
       {"ACADEMIC", v1::SECTOR_ACADEMIA},
       {"UNIVERSITY", v1::SECTOR_ACADEMIA},
       {"PRIVATE", v1::SECTOR_PRIVATE_SECTOR},
       {"BUSINESS", v1::SECTOR_PRIVATE_SECTOR},
       {"INTERNATIONAL_ORGANIZATION", v1::SECTOR_INTERNATIONAL_ORGANISATION},
       {"IO", v1::SECTOR_INTERNATIONAL_ORGANISATION},
       {"UN", v1::SECTOR_INTERNATIONAL_ORGANISATION}});
}

absl::StatusOr<v1::Gender> ParseGender(absl::string_view text) {
  return ParseEnum<v1::Gender>(text, "gender", v1::Gender_descriptor(), "GENDER_",
                               {{"F", v1::GENDER_FEMALE},
                                {"WOMAN", v1::GENDER_FEMALE},
                                {"M", v1::GENDER_MALE},
                                {"MAN", v1::GENDER_MALE},
                                {"PREFER_NOT_TO_SAY", v1::GENDER_UNDISCLOSED}});
}

absl::StatusOr<v1::Role> ParseRole(absl::string_view text) {
  return ParseEnum<v1::Role>(text, "role", v1::Role_descriptor(), "ROLE_",
                             {{"PANELIST", v1::ROLE_SPEAKER},
                              {"PANELLIST", v1::ROLE_SPEAKER},
                              {"PRESENTER", v1::ROLE_SPEAKER},
                              {"CHAIR", v1::ROLE_MODERATOR},
                              {"ORGANIZER", v1::ROLE_ORGANISER}});
}

absl::StatusOr<v1::AttendanceMode> ParseAttendanceMode(absl::string_view text) {
  return ParseEnum<v1::AttendanceMode>(text, "attendance_mode", v1::AttendanceMode_descriptor(),
                                       "ATTENDANCE_MODE_",
                                       {{"VIRTUAL", v1::ATTENDANCE_MODE_ONLINE},
                                        {"REMOTE", v1::ATTENDANCE_MODE_ONLINE},
                                        {"IN_PERSON", v1::ATTENDANCE_MODE_IN_PERSON},
                                        {"ONSITE", v1::ATTENDANCE_MODE_IN_PERSON},
                                        {"ON_SITE", v1::ATTENDANCE_MODE_IN_PERSON}});
}

// --- Import
// -------------------------------------------------------------------------------------------

namespace {

constexpr absl::string_view kKnownColumns[] = {"name",   "email", "country",         "organization",
                                               "sector", "role",  "attendance_mode", "nominated_by",
                                               "gender"};

std::string CanonicalColumn(absl::string_view header) {
  std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header));
  for (char& c : name) {
    if (c == ' ' || c == '-') c = '_';
  }
  if (name == "organisation") return "organization";
  return name;
}

v1::RowError MakeRowError(int line, absl::string_view field, absl::string_view reason) {
  v1::RowError error;
  error.set_line(line);
  error.set_field(std::string(field));
  error.set_reason(std::string(reason));
  return error;
}

// Splits a rule's "field: reason" message into a row error.
v1::RowError RowErrorFromStatus(int line, const absl::Status& status) {
  absl::string_view message = status.message();
  const size_t colon = message.find(": ");
  if (colon == absl::string_view::npos) return MakeRowError(line, "", message);
  return MakeRowError(line, message.substr(0, colon), message.substr(colon + 2));
}

}  // namespace

absl::StatusOr<ImportLayout> ImportLayout::FromHeader(const std::vector<std::string>& header) {
  ImportLayout layout;
  std::set<std::string> seen;
  int extra = 0;
  for (const std::string& cell : header) {
    CONVENE_RETURN_IF_ERROR(CheckLine("header", cell, kMaxKeyLength));
    std::string column = CanonicalColumn(cell);
    if (column.empty()) {
      return FieldError("header",
                        absl::StrCat("column ", layout.columns_.size() + 1, " has no name"));
    }
    if (!seen.insert(column).second) {
      return FieldError("header", absl::StrCat("column \"", column, "\" appears twice"));
    }
    if (std::find(std::begin(kKnownColumns), std::end(kKnownColumns), column) ==
        std::end(kKnownColumns)) {
      // Each extra column becomes an attribute of every participant.
      CONVENE_RETURN_IF_ERROR(
          CheckCount("header", ++extra, kMaxListItems, "columns beyond the known ones"));
    }
    layout.columns_.push_back(column);
  }
  for (absl::string_view required : {"name", "email", "country"}) {
    if (!seen.count(std::string(required))) {
      return FieldError("header", absl::StrCat("the required column \"", required,
                                               "\" is missing (expected "
                                               "name,email,country,organization,sector,gender,"
                                               "role)"));
    }
  }
  return layout;
}

std::vector<v1::RowError> ImportLayout::ParseRow(const v1::ImportRow& row,
                                                 v1::Participant& p) const {
  std::vector<v1::RowError> errors;
  const int line = row.line();
  if (static_cast<size_t>(row.cells_size()) != columns_.size()) {
    errors.push_back(
        MakeRowError(line, "row",
                     absl::StrCat("has ", row.cells_size(), " cells but the header has ",
                                  columns_.size(), " columns")));
    return errors;
  }
  auto note = [&](const absl::Status& status) {
    if (!status.ok()) errors.push_back(RowErrorFromStatus(line, status));
  };
  for (size_t i = 0; i < columns_.size(); ++i) {
    const std::string& column = columns_[i];
    const std::string& cell = row.cells(i);
    if (column == "name") {
      p.set_name(cell);
    } else if (column == "email") {
      p.set_email(cell);
    } else if (column == "country") {
      p.set_country(cell);
    } else if (column == "organization") {
      p.set_organization(cell);
    } else if (column == "nominated_by") {
      p.set_nominated_by(cell);
    } else if (column == "sector") {
      auto value = ParseSector(cell);
      value.ok() ? p.set_sector(*value) : note(value.status());
    } else if (column == "gender") {
      auto value = ParseGender(cell);
      value.ok() ? p.set_gender(*value) : note(value.status());
    } else if (column == "role") {
      auto value = ParseRole(cell);
      value.ok() ? p.set_role(*value) : note(value.status());
    } else if (column == "attendance_mode") {
      auto value = ParseAttendanceMode(cell);
      value.ok() ? p.set_attendance_mode(*value) : note(value.status());
    } else {
      std::string value(absl::StripAsciiWhitespace(cell));
      if (!value.empty()) (*p.mutable_attributes())[column] = value;
    }
  }
  // The participant's own checks, one field at a time so that every bad field
  // is reported.
  v1::Participant copy = p;
  absl::Status status = NormalizeParticipant(copy);
  for (int guard = 0; !status.ok() && guard < 8; ++guard) {
    v1::RowError error = RowErrorFromStatus(line, status);
    errors.push_back(error);
    // Blank the failing field and try again to find the next one.
    const std::string& field = error.field();
    if (field == "name") {
      copy.set_name("x");
    } else if (field == "email") {
      copy.set_email("x@example.org");
    } else if (field == "country") {
      copy.set_country("MY");
    } else if (field == "organization") {
      copy.clear_organization();
    } else if (field == "nominated_by") {
      copy.clear_nominated_by();
    } else {
      copy.clear_attributes();
    }
    status = NormalizeParticipant(copy);
  }
  if (errors.empty()) p = std::move(copy);
  return errors;
}

}  // namespace convene::registration
