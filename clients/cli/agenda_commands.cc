// convene agenda add | update | remove | show | speaker | room | rooms |
// export
//
// Thin like the other nouns: the agenda service checks speakers against
// registration, finds clashes, renders time zones and writes the export files;
// these commands only fill requests from flags and lay the answers out.

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/command.h"
#include "clients/cli/enums.h"
#include "clients/cli/proto_flags.h"
#include "clients/cli/service_client.h"
#include "convene/agenda/v1/agenda_service.grpc.pb.h"
#include "services/common/status.h"

namespace convene::cli {
namespace {

namespace agenda = ::convene::agenda::v1;
using agenda::AgendaService;
using agenda::Person;
using agenda::Session;
using Sessions = google::protobuf::RepeatedPtrField<Session>;

// Lists inside one cell, as in registration_output.cc: names may hold commas.
constexpr absl::string_view kListSeparator = "; ";

// The session's writable fields by flag (all but the event, which only `add`
// takes, as --event); update sends exactly the ones given.
const std::vector<FlagField>& SessionFlags() {
  static const auto* flags = new std::vector<FlagField>{
      {"title", "title"},
      {"kind", "kind"},
      {"start", "start"},
      {"end", "end"},
      {"room", "room"},
      {"online-link", "online_link"},
      {"chair", "chair_id"},
      {"speaker", "speaker_ids"},
      {"topic", "topics"},
      {"description", "description"},
      {"expected-audience", "expected_audience"},
  };
  return *flags;
}

std::vector<FlagSpec> SessionFlagSpecs() {
  return FlagSpecsFor(Session::descriptor(), SessionFlags());
}

std::unique_ptr<AgendaService::Stub> Stub(const ServiceClient& client) {
  return AgendaService::NewStub(client.channel());
}

// "2024-10-01T09:30" -> "2024-10-01" and "09:30".
std::string DayOf(absl::string_view local) { return std::string(local.substr(0, 10)); }
std::string ClockOf(absl::string_view local) {
  return local.size() > 11 ? std::string(local.substr(11)) : std::string(local);
}

// "09:00–10:30", or "23:00–01:00 (+1 day)" when the zone shown moves the end
// past midnight.
std::string TimeRange(const Session& s) {
  std::string range = absl::StrCat(ClockOf(s.start()), "–", ClockOf(s.end()));
  if (DayOf(s.start()) != DayOf(s.end())) absl::StrAppend(&range, " (", DayOf(s.end()), ")");
  return range;
}

std::string Kind(const Session& s) {
  return EnumDisplay(agenda::SessionKind_descriptor(), s.kind());
}

std::string Role(agenda::PersonRole role) {
  return EnumDisplay(agenda::PersonRole_descriptor(), role);
}

// The chair and the speakers as the service named them; ids alone when it
// sent no names.
std::vector<const Person*> PeopleIn(const Session& s, agenda::PersonRole role) {
  std::vector<const Person*> people;
  for (const Person& p : s.people()) {
    if (p.role() == role) people.push_back(&p);
  }
  return people;
}

std::vector<std::string> ChairNames(const Session& s) {
  std::vector<std::string> names;
  for (const Person* p : PeopleIn(s, agenda::PERSON_ROLE_CHAIR)) names.push_back(p->name());
  if (names.empty() && !s.chair_id().empty()) names.push_back(s.chair_id());
  return names;
}

std::vector<std::string> SpeakerNames(const Session& s) {
  std::vector<std::string> names;
  for (const Person* p : PeopleIn(s, agenda::PERSON_ROLE_SPEAKER)) names.push_back(p->name());
  if (names.empty()) names.assign(s.speaker_ids().begin(), s.speaker_ids().end());
  return names;
}

// "Budi Santoso, Corruption Eradication Commission (KPK) (ID)".
std::string PersonLine(const Person& p) {
  std::string line = p.name().empty() ? p.participant_id() : p.name();
  if (!p.organization().empty()) absl::StrAppend(&line, ", ", p.organization());
  if (!p.country().empty()) absl::StrAppend(&line, " (", p.country(), ")");
  return line;
}

// `units` joined by spaces in lines of at most `width` characters, broken
// only between units (words of a title, whole names); the lines after the
// first start with `indent` spaces. A unit too long for a line is cut.
std::vector<std::string> WrapUnits(const std::vector<std::string>& units, int width,
                                   int indent = 0) {
  std::vector<std::string> lines;
  std::string line;
  for (const std::string& unit : units) {
    const int room = width - (lines.empty() ? 0 : indent);
    if (!line.empty() && DisplayWidth(line) + 1 + DisplayWidth(unit) > room) {
      lines.push_back(std::move(line));
      line.clear();
    }
    if (!line.empty()) line.push_back(' ');
    absl::StrAppend(&line, unit);
  }
  if (!line.empty() || lines.empty()) lines.push_back(std::move(line));
  for (size_t i = 0; i < lines.size(); ++i) {
    const int shift = i == 0 ? 0 : indent;
    lines[i] = absl::StrCat(std::string(shift, ' '), Truncate(lines[i], width - shift));
  }
  return lines;
}

// "chair:" or "speakers:" then the names, each but the last ending in a
// comma, as units that WrapUnits keeps whole.
std::vector<std::string> NameUnits(absl::string_view label, const std::vector<std::string>& names) {
  std::vector<std::string> units = {std::string(label)};
  for (size_t i = 0; i < names.size(); ++i) {
    units.push_back(i + 1 < names.size() ? absl::StrCat(names[i], ",") : names[i]);
  }
  return units;
}

// The text lines of a session's cell in the programme: its title, its chair
// and every speaker (a panel shows all its panelists, not just the first).
std::vector<std::string> SessionLines(const Session& s, int width) {
  std::vector<std::string> lines =
      WrapUnits(absl::StrSplit(s.title(), ' ', absl::SkipEmpty()), width);
  const std::vector<std::string> chairs = ChairNames(s);
  if (!chairs.empty()) {
    for (std::string& line : WrapUnits(NameUnits("chair:", chairs), width, 2)) {
      lines.push_back(std::move(line));
    }
  }
  const std::vector<std::string> speakers = SpeakerNames(s);
  if (!speakers.empty()) {
    for (std::string& line : WrapUnits(
             NameUnits(speakers.size() == 1 ? "speaker:" : "speakers:", speakers), width, 2)) {
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

// The programme for people: a heading row per day, then one row per session
// (time, session, kind, room) whose session cell runs over several lines for
// the title, the chair and the speakers, with the session's id under its time
// (for `agenda update` and `remove`). The session column takes the width
// the others leave, so the table fits the terminal (80 columns when piped).
Table ProgrammeTable(const Sessions& sessions) {
  Table table;
  table.header = {"time", "session", "kind", "room"};
  std::vector<int> widths(4, 0);
  for (size_t i = 0; i < table.header.size(); ++i) widths[i] = DisplayWidth(table.header[i]);
  int natural = widths[1];
  for (const Session& s : sessions) {
    widths[0] = std::max({widths[0], DisplayWidth(TimeRange(s)), DisplayWidth(DayOf(s.start())),
                          DisplayWidth(s.id())});
    widths[2] = std::max(widths[2], DisplayWidth(Kind(s)));
    widths[3] = std::max(widths[3], DisplayWidth(s.room()));
    for (const std::string& line : SessionLines(s, 1 << 20)) {
      natural = std::max(natural, DisplayWidth(line));
    }
  }
  constexpr int kGaps = 3 * 2;
  constexpr int kMinSessionWidth = 24;
  const int session_width = std::min(
      natural,
      std::max(kMinSessionWidth, OutputWidth() - widths[0] - widths[2] - widths[3] - kGaps));
  // Narrow terminals cut the room, then the kind, before the session.
  table.cut_order = {3, 2};

  std::string day;
  for (const Session& s : sessions) {
    if (DayOf(s.start()) != day) {
      if (!day.empty()) table.rows.push_back({});
      day = DayOf(s.start());
      table.rows.push_back({day});
    }
    std::vector<std::string> lines = SessionLines(s, session_width);
    if (lines.size() < 2) lines.resize(2);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i == 0) {
        table.rows.push_back({TimeRange(s), lines[i], Kind(s), s.room()});
      } else {
        table.rows.push_back({i == 1 ? s.id() : "", lines[i]});
      }
    }
  }
  return table;
}

// One row per session with every field, for spreadsheets; `role_of` adds a
// last column naming the role of that participant (speaker schedules).
Table SessionCsv(const Sessions& sessions, absl::string_view role_of = "") {
  Table table;
  table.header = {"id",
                  "event_id",
                  "day",
                  "start",
                  "end",
                  "time_zone",
                  "title",
                  "kind",
                  "room",
                  "online_link",
                  "chair_id",
                  "chair",
                  "speaker_ids",
                  "speakers",
                  "topics",
                  "description",
                  "expected_audience",
                  "revision"};
  if (!role_of.empty()) table.header.push_back("role");
  for (const Session& s : sessions) {
    std::vector<std::string> row = {s.id(),
                                    s.event_id(),
                                    DayOf(s.start()),
                                    s.start(),
                                    s.end(),
                                    s.time_zone(),
                                    s.title(),
                                    Kind(s),
                                    s.room(),
                                    s.online_link(),
                                    s.chair_id(),
                                    absl::StrJoin(ChairNames(s), kListSeparator),
                                    absl::StrJoin(s.speaker_ids(), kListSeparator),
                                    absl::StrJoin(SpeakerNames(s), kListSeparator),
                                    absl::StrJoin(s.topics(), kListSeparator),
                                    s.description(),
                                    absl::StrCat(s.expected_audience()),
                                    absl::StrCat(s.revision())};
    if (!role_of.empty()) {
      std::string role;
      for (const Person& p : s.people()) {
        if (p.participant_id() == role_of) role = Role(p.role());
      }
      if (role.empty()) role = s.chair_id() == role_of ? "chair" : "speaker";
      row.push_back(role);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

// Every field of one session, one per line; each speaker on a line of their
// own, with their organisation.
std::string SessionRecord(const Session& s) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"id", s.id()},
      {"event", s.event_id()},
      {"title", s.title()},
      {"kind", Kind(s)},
      {"day", DayOf(s.start())},
      {"time", absl::StrCat(TimeRange(s), " ", s.time_zone())},
      {"utc", s.has_start_time() ? absl::StrCat(FormatTimestamp(s.start_time()), " to ",
                                                FormatTimestamp(s.end_time()))
                                 : ""},
      {"room", s.room()},
      {"online link", s.online_link()},
  };
  std::vector<const Person*> chairs = PeopleIn(s, agenda::PERSON_ROLE_CHAIR);
  if (chairs.empty()) {
    fields.emplace_back("chair", s.chair_id());
  }
  for (const Person* p : chairs) fields.emplace_back("chair", PersonLine(*p));
  std::vector<const Person*> speakers = PeopleIn(s, agenda::PERSON_ROLE_SPEAKER);
  if (speakers.empty()) {
    fields.emplace_back("speakers", absl::StrJoin(s.speaker_ids(), kListSeparator));
  }
  for (size_t i = 0; i < speakers.size(); ++i) {
    fields.emplace_back(i == 0 ? (speakers.size() == 1 ? "speaker" : "speakers") : "",
                        PersonLine(*speakers[i]));
  }
  fields.emplace_back("topics", absl::StrJoin(s.topics(), kListSeparator));
  fields.emplace_back("description", s.description());
  fields.emplace_back("expected", s.expected_audience() == 0
                                      ? "everyone confirmed"
                                      : absl::StrCat(s.expected_audience(), " people"));
  fields.emplace_back("revision", absl::StrCat(s.revision()));
  fields.emplace_back("created", FormatTimestamp(s.create_time()));
  fields.emplace_back("updated", FormatTimestamp(s.update_time()));
  return RenderRecord(fields);
}

void PrintWarnings(const Invocation& in, const google::protobuf::RepeatedPtrField<std::string>& w) {
  for (const std::string& warning : w) *in.err << "warning: " << warning << "\n";
}

// One session as each output format shows it; `table_text` is what the table
// output prints.
void PrintSession(const Invocation& in, const google::protobuf::Message& response,
                  const Session& session, const std::string& table_text) {
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv: {
      Sessions one;
      *one.Add() = session;
      *in.out << RenderCsv(SessionCsv(one));
      break;
    }
    case OutputFormat::kTable:
      *in.out << table_text;
      break;
  }
}

absl::Status Add(const Invocation& in) {
  agenda::AddSessionRequest request;
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(in.args, "event"));
  request.mutable_session()->set_event_id(event);
  CONVENE_RETURN_IF_ERROR(
      SetFieldsFromFlags(in.args, SessionFlags(), request.mutable_session(), nullptr));
  request.set_request_id(in.args.Get("request-id"));
  agenda::AddSessionResponse response;
  ServiceClient client("agenda", in.timeout);
  auto stub = Stub(client);
  CONVENE_RETURN_IF_ERROR(client.Call(
      [&](grpc::ClientContext* context) { return stub->AddSession(context, request, &response); }));
  // The id alone, so that `id=$(convene agenda add ...)` works.
  PrintSession(in, response, response.session(), absl::StrCat(response.session().id(), "\n"));
  if (in.output != OutputFormat::kJson) PrintWarnings(in, response.warnings());
  return absl::OkStatus();
}

absl::Status Update(const Invocation& in) {
  agenda::UpdateSessionRequest request;
  request.mutable_session()->set_id(in.args.positional()[0]);
  CONVENE_RETURN_IF_ERROR(SetFieldsFromFlags(in.args, SessionFlags(), request.mutable_session(),
                                             request.mutable_update_mask()));
  // An empty mask means "every field" to the service, which would blank
  // everything the user did not retype.
  if (request.update_mask().paths().empty()) {
    return UsageError(
        "convene agenda update needs at least one field to change, e.g. --room \"Hall B\"");
  }
  agenda::UpdateSessionResponse response;
  ServiceClient client("agenda", in.timeout);
  auto stub = Stub(client);
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->UpdateSession(context, request, &response);
  }));
  PrintSession(in, response, response.session(), SessionRecord(response.session()));
  if (in.output != OutputFormat::kJson) PrintWarnings(in, response.warnings());
  return absl::OkStatus();
}

absl::Status Remove(const Invocation& in) {
  agenda::RemoveSessionRequest request;
  request.set_session_id(in.args.positional()[0]);
  agenda::RemoveSessionResponse response;
  ServiceClient client("agenda", in.timeout);
  auto stub = Stub(client);
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->RemoveSession(context, request, &response);
  }));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(Table{{"session_id"}, {{request.session_id()}}});
      break;
    case OutputFormat::kTable:
      *in.out << "removed " << request.session_id() << "\n";
      break;
  }
  return absl::OkStatus();
}

absl::Status ShowOne(const Invocation& in) {
  for (const char* flag : {"event", "day", "speaker", "room"}) {
    if (in.args.Has(flag)) {
      return UsageError(absl::StrCat("--", flag,
                                     " filters the programme; leave it out to show one "
                                     "session, or leave out the SESSION_ID"));
    }
  }
  agenda::GetSessionRequest request;
  request.set_session_id(in.args.positional()[0]);
  request.set_time_zone(in.args.Get("timezone"));
  agenda::GetSessionResponse response;
  ServiceClient client("agenda", in.timeout);
  auto stub = Stub(client);
  CONVENE_RETURN_IF_ERROR(client.Call(
      [&](grpc::ClientContext* context) { return stub->GetSession(context, request, &response); }));
  PrintSession(in, response, response.session(), SessionRecord(response.session()));
  return absl::OkStatus();
}

absl::Status Show(const Invocation& in) {
  if (!in.args.positional().empty()) return ShowOne(in);
  agenda::ListSessionsRequest request;
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(in.args, "event"));
  request.set_event_id(event);
  request.set_day(in.args.Get("day"));
  request.set_speaker_id(in.args.Get("speaker"));
  request.set_room(in.args.Get("room"));
  request.set_time_zone(in.args.Get("timezone"));
  agenda::ListSessionsResponse response;
  ServiceClient client("agenda", in.timeout);
  auto stub = Stub(client);
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->ListSessions(context, request, &response);
  }));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(SessionCsv(response.sessions()));
      break;
    case OutputFormat::kTable: {
      if (response.sessions().empty()) {
        const bool filtered =
            !request.day().empty() || !request.speaker_id().empty() || !request.room().empty();
        *in.out << (filtered ? "no sessions match\n"
                             : "no sessions yet; add one with: convene agenda add\n");
        break;
      }
      *in.out << "times in " << response.sessions(0).time_zone() << "\n\n"
              << RenderTable(ProgrammeTable(response.sessions()));
      break;
    }
  }
  return absl::OkStatus();
}

absl::Status Speaker(const Invocation& in) {
  agenda::GetSpeakerScheduleRequest request;
  request.set_participant_id(in.args.positional()[0]);
  request.set_time_zone(in.args.Get("timezone"));
  agenda::GetSpeakerScheduleResponse response;
  ServiceClient client("agenda", in.timeout);
  auto stub = Stub(client);
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->GetSpeakerSchedule(context, request, &response);
  }));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(SessionCsv(response.sessions(), request.participant_id()));
      break;
    case OutputFormat::kTable: {
      Person person = response.person();
      if (person.participant_id().empty()) person.set_participant_id(request.participant_id());
      *in.out << PersonLine(person) << "\n";
      if (response.sessions().empty()) {
        *in.out << "speaks at and chairs no session\n";
        break;
      }
      const Table csv = SessionCsv(response.sessions(), request.participant_id());
      Table table;
      table.header = {"day", "time", "title", "role", "room"};
      table.cut_order = {2, 4};  // title, room
      for (int i = 0; i < response.sessions_size(); ++i) {
        const Session& s = response.sessions(i);
        table.rows.push_back(
            {DayOf(s.start()), TimeRange(s), s.title(), csv.rows[i].back(), s.room()});
      }
      *in.out << "times in " << response.sessions(0).time_zone() << "\n\n" << RenderTable(table);
      break;
    }
  }
  return absl::OkStatus();
}

Table RoomTable(const google::protobuf::RepeatedPtrField<agenda::Room>& rooms,
                OutputFormat format) {
  Table table;
  if (format == OutputFormat::kCsv) {
    table.header = {"event_id", "name", "capacity"};
    for (const agenda::Room& r : rooms) {
      table.rows.push_back({r.event_id(), r.name(), absl::StrCat(r.capacity())});
    }
    return table;
  }
  table.header = {"room", "seats"};
  table.cut_order = {0};
  for (const agenda::Room& r : rooms) {
    table.rows.push_back({r.name(), r.capacity() == 0 ? "unknown" : absl::StrCat(r.capacity())});
  }
  return table;
}

absl::Status SetRoom(const Invocation& in) {
  agenda::SetRoomRequest request;
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(in.args, "event"));
  CONVENE_ASSIGN_OR_RETURN(std::string name, RequiredFlag(in.args, "name"));
  CONVENE_ASSIGN_OR_RETURN(int capacity, IntFlag(in.args, "capacity", 0));
  request.mutable_room()->set_event_id(event);
  request.mutable_room()->set_name(name);
  request.mutable_room()->set_capacity(capacity);
  agenda::SetRoomResponse response;
  ServiceClient client("agenda", in.timeout);
  auto stub = Stub(client);
  CONVENE_RETURN_IF_ERROR(client.Call(
      [&](grpc::ClientContext* context) { return stub->SetRoom(context, request, &response); }));
  google::protobuf::RepeatedPtrField<agenda::Room> one;
  *one.Add() = response.room();
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(RoomTable(one, in.output));
      break;
    case OutputFormat::kTable: {
      const agenda::Room& r = response.room();
      *in.out << "room " << r.name() << ": "
              << (r.capacity() == 0 ? "seats unknown" : absl::StrCat(r.capacity(), " seats"))
              << "\n";
      break;
    }
  }
  return absl::OkStatus();
}

absl::Status ListRooms(const Invocation& in) {
  agenda::ListRoomsRequest request;
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(in.args, "event"));
  request.set_event_id(event);
  agenda::ListRoomsResponse response;
  ServiceClient client("agenda", in.timeout);
  auto stub = Stub(client);
  CONVENE_RETURN_IF_ERROR(client.Call(
      [&](grpc::ClientContext* context) { return stub->ListRooms(context, request, &response); }));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(RoomTable(response.rooms(), in.output));
      break;
    case OutputFormat::kTable:
      if (response.rooms().empty()) {
        *in.out << "no rooms yet; declare one with: convene agenda room\n";
      } else {
        *in.out << RenderTable(RoomTable(response.rooms(), in.output));
      }
      break;
  }
  return absl::OkStatus();
}

absl::StatusOr<agenda::ExportFormat> ParseExportFormat(absl::string_view text) {
  const std::string format = absl::AsciiStrToLower(text);
  if (format == "ics") return agenda::EXPORT_FORMAT_ICS;
  if (format == "md" || format == "markdown") return agenda::EXPORT_FORMAT_MARKDOWN;
  if (format == "csv") return agenda::EXPORT_FORMAT_CSV;
  return UsageError(absl::StrCat("--format must be ics, md or csv, not \"", text, "\""));
}

// "wrote FILE (N sessions)" where the file's format makes N easy to count.
std::string WroteLine(const std::string& path, agenda::ExportFormat format,
                      const std::string& content) {
  int sessions = -1;
  if (format == agenda::EXPORT_FORMAT_ICS) {
    sessions = 0;
    for (size_t at = content.find("BEGIN:VEVENT"); at != std::string::npos;
         at = content.find("BEGIN:VEVENT", at + 1)) {
      ++sessions;
    }
  }
  if (sessions < 0) return absl::StrCat("wrote ", path, "\n");
  return absl::StrCat("wrote ", path, " (", sessions,
                      sessions == 1 ? " session)\n" : " sessions)\n");
}

absl::Status Export(const Invocation& in) {
  agenda::ExportAgendaRequest request;
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(in.args, "event"));
  CONVENE_ASSIGN_OR_RETURN(std::string format_text, RequiredFlag(in.args, "format"));
  CONVENE_ASSIGN_OR_RETURN(agenda::ExportFormat format, ParseExportFormat(format_text));
  request.set_event_id(event);
  request.set_format(format);
  request.set_time_zone(in.args.Get("timezone"));
  agenda::ExportAgendaResponse response;
  ServiceClient client("agenda", in.timeout);
  auto stub = Stub(client);
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->ExportAgenda(context, request, &response);
  }));
  const std::string path = in.args.Get("out");
  return WriteExport(in, response, response.content(), WroteLine(path, format, response.content()));
}

}  // namespace

std::vector<Command> AgendaCommands() {
  constexpr absl::string_view kFields =
      "[--room ROOM] [--online-link URL] [--chair PARTICIPANT_ID] "
      "[--speaker PARTICIPANT_ID]... [--topic TOPIC]... [--description TEXT] "
      "[--expected-audience N]";
  const std::string kinds = EnumChoices(agenda::SessionKind_descriptor());
  std::vector<FlagSpec> add_flags = SessionFlagSpecs();
  add_flags.push_back({"event"});
  add_flags.push_back({"request-id"});
  Command show{"agenda",
               "show",
               "agenda show --event EVENT_ID [--day YYYY-MM-DD] [--speaker PARTICIPANT_ID] "
               "[--room ROOM] [--timezone ZONE]",
               "Shows the programme day by day with every chair and speaker (optionally one "
               "day's, one person's or one room's sessions); 'convene agenda show SESSION_ID' "
               "shows one session in full. Times are in the event's zone unless --timezone "
               "names another.",
               {{"event"}, {"day"}, {"speaker"}, {"room"}, {"timezone"}},
               {"SESSION_ID"},
               Show};
  show.optional_positional = 1;
  return {
      {"agenda",
       "add",
       absl::StrCat("agenda add --event EVENT_ID --title TITLE --kind KIND "
                    "--start YYYY-MM-DDTHH:MM --end YYYY-MM-DDTHH:MM ",
                    kFields, " [--request-id ID]"),
       absl::StrCat("Adds a session (times in the event's zone) and prints its id; a speaker, "
                    "chair or room already busy at that time is refused, naming the clash. "
                    "Warnings (an overfull room) go to stderr. KIND is one of ",
                    absl::StrJoin(absl::StrSplit(kinds, '|'), ", "), "."),
       add_flags,
       {},
       Add},
      {"agenda",
       "update",
       absl::StrCat("agenda update SESSION_ID [--title TITLE] [--kind KIND] [--start "
                    "YYYY-MM-DDTHH:MM] [--end YYYY-MM-DDTHH:MM] ",
                    kFields),
       "Changes the fields given (--speaker replaces the whole list) and shows the session.",
       SessionFlagSpecs(),
       {"SESSION_ID"},
       Update},
      {"agenda",
       "remove",
       "agenda remove SESSION_ID",
       "Removes a session.",
       {},
       {"SESSION_ID"},
       Remove},
      std::move(show),
      {"agenda",
       "speaker",
       "agenda speaker PARTICIPANT_ID [--timezone ZONE]",
       "Lists the sessions a participant speaks at or chairs.",
       {{"timezone"}},
       {"PARTICIPANT_ID"},
       Speaker},
      {"agenda",
       "room",
       "agenda room --event EVENT_ID --name ROOM [--capacity SEATS]",
       "Declares a room of the venue or changes its seats; sessions expecting more people than "
       "the room seats are warned of.",
       {{"event"}, {"name"}, {"capacity"}},
       {},
       SetRoom},
      {"agenda",
       "rooms",
       "agenda rooms --event EVENT_ID",
       "Lists the event's rooms.",
       {{"event"}},
       {},
       ListRooms},
      {"agenda",
       "export",
       "agenda export --event EVENT_ID --format ics|md|csv [--timezone ZONE] [--out FILE]",
       "Writes the programme as an iCalendar file, Markdown or CSV to standard output, or to "
       "FILE.",
       {{"event"}, {"format"}, {"timezone"}, {"out"}},
       {},
       Export},
  };
}

}  // namespace convene::cli
