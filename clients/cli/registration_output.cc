#include "clients/cli/registration_output.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/enums.h"

namespace convene::cli {
namespace {

using registration::Event;
using registration::Participant;

// Lists of names inside one cell: a semicolon, because names ("Ministry of
// Justice, Lao PDR") may contain commas.
constexpr absl::string_view kListSeparator = "; ";

std::string Capacity(const Event& event) {
  return event.capacity() == 0 ? "unlimited" : absl::StrCat(event.capacity());
}

std::string Dates(const Event& event) {
  if (event.start_date() == event.end_date()) return event.start_date();
  return absl::StrCat(event.start_date(), " to ", event.end_date());
}

std::string Place(const Event& event) {
  std::vector<std::string> parts;
  for (const std::string& part : {event.city(), event.country()}) {
    if (!part.empty()) parts.push_back(part);
  }
  return absl::StrJoin(parts, ", ");
}

std::string Format(const Event& event) {
  return EnumDisplay(registration::EventFormat_descriptor(), event.format());
}

std::string Sector(const Participant& p) {
  return EnumDisplay(registration::Sector_descriptor(), p.sector());
}
std::string Gender(const Participant& p) {
  return EnumDisplay(registration::Gender_descriptor(), p.gender());
}
std::string Role(const Participant& p) {
  return EnumDisplay(registration::Role_descriptor(), p.role());
}
std::string AttendanceMode(const Participant& p) {
  return EnumDisplay(registration::AttendanceMode_descriptor(), p.attendance_mode());
}

}  // namespace

std::string EventRecord(const Event& event) {
  return RenderRecord({
      {"id", event.id()},
      {"title", event.title()},
      {"theme", event.theme()},
      {"format", Format(event)},
      {"venue", event.venue()},
      {"city", event.city()},
      {"country", event.country()},
      {"time zone", event.time_zone()},
      {"dates", Dates(event)},
      {"capacity", Capacity(event)},
      {"organisers", absl::StrJoin(event.organisers(), kListSeparator)},
      {"funders", absl::StrJoin(event.funders(), kListSeparator)},
      {"languages", absl::StrJoin(event.languages(), kListSeparator)},
      {"created", FormatTimestamp(event.create_time())},
      {"updated", FormatTimestamp(event.update_time())},
  });
}

Table EventTable(const google::protobuf::RepeatedPtrField<Event>& events, OutputFormat format) {
  Table table;
  if (format != OutputFormat::kCsv) {
    table.header = {"id", "title", "dates", "place", "capacity"};
    table.cut_order = {3, 1};  // place, title
    for (const Event& e : events) {
      table.rows.push_back({e.id(), e.title(), Dates(e), Place(e), Capacity(e)});
    }
    return table;
  }
  table.header = {"id",      "title",     "theme",       "format",     "venue",    "city",
                  "country", "time_zone", "start_date",  "end_date",   "capacity", "organisers",
                  "funders", "languages", "create_time", "update_time"};
  for (const Event& e : events) {
    table.rows.push_back({e.id(), e.title(), e.theme(), Format(e), e.venue(), e.city(), e.country(),
                          e.time_zone(), e.start_date(), e.end_date(), absl::StrCat(e.capacity()),
                          absl::StrJoin(e.organisers(), kListSeparator),
                          absl::StrJoin(e.funders(), kListSeparator),
                          absl::StrJoin(e.languages(), kListSeparator),
                          FormatTimestamp(e.create_time()), FormatTimestamp(e.update_time())});
  }
  return table;
}

std::string StatusName(registration::ParticipantStatus status) {
  return EnumDisplay(registration::ParticipantStatus_descriptor(), status);
}

std::string ParticipantRecord(const Participant& p) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"id", p.id()},
      {"event", p.event_id()},
      {"name", p.name()},
      {"email", p.email()},
      {"country", p.country()},
      {"organization", p.organization()},
      {"sector", Sector(p)},
      {"gender", Gender(p)},
      {"role", Role(p)},
      {"attendance mode", AttendanceMode(p)},
      {"nominated by", p.nominated_by()},
      {"status", StatusName(p.status())},
      {"arrival", p.arrival() == 0 ? "" : absl::StrCat(p.arrival())},
      {"checked in", absl::StrJoin(p.check_in_days(), ", ")},
  };
  // Attributes in key order, so the same participant always prints the same.
  std::set<std::string> keys;
  for (const auto& [key, value] : p.attributes()) keys.insert(key);
  for (const std::string& key : keys) {
    fields.emplace_back(key, p.attributes().at(key));
  }
  fields.emplace_back("created", FormatTimestamp(p.create_time()));
  fields.emplace_back("updated", FormatTimestamp(p.update_time()));
  return RenderRecord(fields);
}

Table ParticipantTable(const google::protobuf::RepeatedPtrField<Participant>& participants,
                       OutputFormat format) {
  Table table;
  if (format != OutputFormat::kCsv) {
    table.header = {"id", "name", "country", "organization", "sector", "role", "status"};
    table.drop_order = {5, 3};       // role, organization
    table.cut_order = {3, 4, 5, 1};  // organization, sector, role, name
    for (const Participant& p : participants) {
      table.rows.push_back({p.id(), p.name(), p.country(), p.organization(), Sector(p), Role(p),
                            StatusName(p.status())});
    }
    return table;
  }
  // The fixed columns carry the import's column names; every attribute key
  // any participant has becomes one more column.
  std::set<std::string> keys;
  for (const Participant& p : participants) {
    for (const auto& [key, value] : p.attributes()) keys.insert(key);
  }
  table.header = {"id",           "event_id", "name",    "email",        "country",
                  "organization", "sector",   "gender",  "role",         "attendance_mode",
                  "nominated_by", "status",   "arrival", "check_in_days"};
  table.header.insert(table.header.end(), keys.begin(), keys.end());
  for (const Participant& p : participants) {
    std::vector<std::string> row = {p.id(),
                                    p.event_id(),
                                    p.name(),
                                    p.email(),
                                    p.country(),
                                    p.organization(),
                                    Sector(p),
                                    Gender(p),
                                    Role(p),
                                    AttendanceMode(p),
                                    p.nominated_by(),
                                    StatusName(p.status()),
                                    absl::StrCat(p.arrival()),
                                    absl::StrJoin(p.check_in_days(), " ")};
    for (const std::string& key : keys) {
      auto it = p.attributes().find(key);
      row.push_back(it == p.attributes().end() ? "" : it->second);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::string PromotedLine(const Participant& participant) {
  return absl::StrCat("promoted from the waitlist: ", participant.name(), " (", participant.id(),
                      ")\n");
}

}  // namespace convene::cli
