// Writes the seed corpus of every fuzz target (fuzz/corpus/<target>/) from the demo's own files
// (deploy/demo) and the shapes the tests use: `convene-fuzz-seeds fuzz/corpus`. The binary seeds
// (request messages) are written from their protobuf JSON below, so that they can be read and
// changed here. Running it again rewrites the same files.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "convene/grouping/v1/grouping_service.pb.h"
#include "fuzz/fuzz_inputs.pb.h"
#include "fuzz/fuzz_support.h"
#include "google/protobuf/util/json_util.h"

namespace {

namespace fs = std::filesystem;

fs::path root;
int written = 0;

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  const fs::path dir = root / target;
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
  ++written;
}

// A binary seed from the message's protobuf JSON; `$x` names are replaced from `vars`.
void WriteMessage(const std::string& target, const std::string& name,
                  google::protobuf::Message&& message, const std::string& json) {
  const auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  if (!status.ok()) {
    convene::fuzz::Fail(__FILE__, __LINE__, absl::StrCat(target, "/", name, ": ", status.ToString()));
  }
  Write(target, name, message.SerializeAsString());
}

// The id of the demo participant with this email ("par_N", as fuzz_support.h numbers them).
std::string Pid(const std::string& email) {
  for (const auto& p : convene::fuzz::DemoParticipants()) {
    if (p.email() == email) return p.id();
  }
  convene::fuzz::Fail(__FILE__, __LINE__, "no demo participant " + email);
}

void Csv() {
  Write("csv", "participants.csv", convene::fuzz::SourceFile("deploy/demo/participants.csv"));
  Write("csv", "quoted.csv",
        "name,organization\r\n\"Nguyễn Thị Hoa\",\"Towards Transparency, Vietnam\"\r\n"
        "\"Ahmad \"\"Zul\"\" Hassan\",\"Line one\nLine two\"\r\nSiti,KPK\n");
  Write("csv", "bom-blank-lines.csv", "\xEF\xBB\xBFname,email\n\n,x@y.org\na,\n\n");
  Write("csv", "formulas.csv", "a,b,c\r\n=SUM(A1:A3),-3.5,@cmd\r\n+1,\t tab,'quoted\r\n");
  Write("csv", "unclosed.csv", "a,b\n1,\"open\n2,3\n");
}

void SurveyDefinition() {
  for (const char* name : {"evaluation.json", "pretest.json", "posttest.json"}) {
    Write("survey_definition", name, convene::fuzz::SourceFile(absl::StrCat("deploy/demo/", name)));
  }
  Write("survey_definition", "poll.json",
        R"({"title": "Quick poll", "kind": "POLL", "questions": [
  {"key": "next_city", "text": "Where should we meet next?", "required": true,
   "singleChoice": {"options": [{"key": "bkk", "label": "Bangkok"}, {"key": "han", "label": "Hanoi"}]}},
  {"key": "days", "text": "How many days?", "number": {"min": 1, "max": 5, "hasMin": true, "hasMax": true, "integer": true}},
  {"key": "score", "text": "Score", "rating": {"min": 1, "max": 7}},
  {"key": "quiz", "text": "Which article of UNCAC covers whistle-blowers?",
   "quiz": {"correct": "a33", "points": 2, "options": [{"key": "a33", "label": "Article 33"}, {"key": "a13", "label": "Article 13"}]}}
]})");
}

void SurveyAnswers() {
  Write("survey_answers", "answers.json",
        R"({"overall": 4, "objectives_met": 5, "recommend": 9, "best_session": "country_roundtables",
 "themes": ["whistleblowers", "expression"], "format": "hybrid", "hours": 12,
 "most_useful": "Peers' experience sharing: hearing how other countries protect whistle-blowers in practice.",
 "uncac_ch2": "ii", "budget": 1234567})");
  Write("survey_answers", "answers-nulls.json",
        R"({"overall": 3, "objectives_met": 3, "themes": [], "most_useful": null, "budget": 0.1})");
  Write("survey_answers", "typed.txt",
        "4\n5\n\n2\n1, 3\nhybrid\n20\n  The country roundtable, where our delegation agreed next steps.\n1\n1234567.5\n");
  WriteMessage("survey_answers", "submit.bin", convene::survey::v1::SubmitResponseRequest(),
               R"({"surveyId": "srv_eval", "token": "tok", "answers": [
  {"questionKey": "overall", "scale": 4}, {"questionKey": "objectives_met", "scale": 4},
  {"questionKey": "themes", "selections": {"optionKeys": ["judiciary", "business", "governance"]}},
  {"questionKey": "hours", "number": 35}, {"questionKey": "budget", "number": 2500000.25},
  {"questionKey": "most_useful", "text": "  Alternatives to the death penalty for corruption offences.  "},
  {"questionKey": "uncac_ch2", "choice": "iii"}]})");
}

void SurveyResponseRow() {
  Write("survey_response_row", "responses.csv",
        "overall,objectives_met,recommend,best_session,themes,format,hours,most_useful,uncac_ch2,"
        "_country,_sector,_gender,_role\r\n"
        "4,5,9,panels,whistleblowers;expression,hybrid,12,\"Peers, and country roundtables\",ii,"
        "Viet Nam,CSO,F,participant\r\n"
        "5,4,10,trends,judiciary,online,40,,iii,MY,government,male,speaker\r\n"
        "3,3,,,,,,,,Lao PDR,academia,prefer not to say,\r\n");
  Write("survey_response_row", "no-header.csv",
        "2,2,6,regional_groups,governance; business ,in_person,0,Short answer,v,TH,NGO,M,panellist\n"
        "9,x,11,none,a;a,,-1,,ii,Atlantis,,,\n");
}

void Country() {
  for (const char* text : {"Viet Nam", "Vietnam", "VN", "VNM", "Socialist Republic of Viet Nam",
                           "Türkiye", "Turkey", "Lao PDR", "Iran (Islamic Republic of)",
                           "Republic of Korea", "Korea", "The Gambia", "  malaysia ",
                           "Côte d’Ivoire", "Myanmar", "Burma", "Timor-Leste", "Atlantis"}) {
    std::string name = absl::StrReplaceAll(text, {{" ", "_"}, {"’", "_"}, {"(", ""}, {")", ""}});
    Write("country", name, text);
  }
}

void ParticipantImport() {
  Write("participant_import", "participants.csv",
        convene::fuzz::SourceFile("deploy/demo/participants.csv"));
  Write("participant_import", "bad-rows.csv",
        "Name,E-mail,Country,Organisation,Sector,Gender,Role,Attendance Mode,Nominated By\r\n"
        "Ravi Kumar,ravi.kumar(at)example.my,Malaysia,MACC,ACA,M,participant,in person,\r\n"
        "Someone,someone@example.org,Atlantis,,unknown,,chair,remote,UNODC\r\n"
        "Nguyễn Thị Hoa,hoa@example.vn,Viet Nam,Towards Transparency,civil-society,female,"
        "speaker,online,\r\n");
}

void Dates() {
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"day", "2024-10-01"},
           {"bad-day", "2024-02-30"},
           {"zone", "Asia/Kuala_Lumpur"},
           {"zone-etc", "Etc/GMT+5"},
           {"minute", "2024-10-01T09:00"},
           {"minute-space-seconds", "2024-10-01 09:00:00"},
           {"london-gap", "Europe/London\n2024-03-31T01:30\n2024-03-31"},
           {"london-repeat", "Europe/London\n2024-10-27T01:30\n2024-10-27"},
           {"lord-howe", "Australia/Lord_Howe\n2024-10-06T02:15\n2024-10-06"},
           {"almaty", "Asia/Almaty\n2024-10-01T23:59\n2024-10-02"}}) {
    Write("dates", name, text);
  }
}

void Ics() {
  Write("ics", "title", "Increasing public participation in anti-corruption efforts through digital technologies");
  Write("ics", "special", "Room 2; Level 3, \\Annex\\\r\nsecond line\nthird\rfourth\ttab\x01");
  Write("ics", "utf8", "Hội thảo về phòng, chống tham nhũng và quyền con người — Kuala Lumpur, "
                       "Malaysia: “chia sẻ kinh nghiệm” 🙂 giữa các quốc gia trong khu vực");
}

void RegistrationRequests() {
  const std::string t = "registration_requests";
  WriteMessage(t, "add-import-cancel.bin", convene::fuzz::RegistrationCalls(), R"({"calls": [
  {"addParticipant": {"participant": {"eventId": "@0", "name": "Nguyễn Thị Hoa", "email": "hoa@example.vn",
    "country": "Viet Nam", "organization": "Towards Transparency", "sector": "SECTOR_CIVIL_SOCIETY",
    "gender": "GENDER_FEMALE", "role": "ROLE_PARTICIPANT", "attributes": {"dietary": "vegetarian"}}}},
  {"importParticipants": {"eventId": "@0", "header": ["name", "email", "country", "organization", "sector", "gender", "role", "dietary"],
    "rows": [{"line": 2, "cells": ["Lim Wei Ming", "lim.wei@example.my", "Malaysia", "Youth Against Corruption", "civil society", "male", "speaker", "vegetarian"]},
             {"line": 3, "cells": ["Ravi Kumar", "ravi.kumar(at)example.my", "Malaysia", "MACC", "ACA", "M", "participant", ""]}],
    "skipInvalid": true}},
  {"cancelParticipant": {"participantId": "@1"}},
  {"checkInParticipant": {"participantId": "@0", "day": "2024-10-02"}},
  {"checkInParticipant": {"participantId": "@2"}},
  {"getParticipationSummary": {"eventId": "@0"}}]})");
  WriteMessage(t, "capacity.bin", convene::fuzz::RegistrationCalls(), R"({"calls": [
  {"updateEvent": {"event": {"id": "@0", "capacity": 3}, "updateMask": "capacity"}},
  {"addParticipant": {"participant": {"eventId": "@0", "name": "Late One", "email": "late@example.org", "country": "TH"}}},
  {"addParticipant": {"participant": {"eventId": "@0", "name": "Later Two", "email": "later@example.org", "country": "KH"}}},
  {"cancelParticipant": {"participantId": "@0"}},
  {"updateEvent": {"event": {"id": "@0", "capacity": 10, "timeZone": "Asia/Bangkok"}, "updateMask": "capacity,timeZone"}},
  {"listParticipants": {"eventId": "@0", "status": "PARTICIPANT_STATUS_WAITLISTED", "pageSize": 1}}]})");
  WriteMessage(t, "events.bin", convene::fuzz::RegistrationCalls(), R"({"calls": [
  {"createEvent": {"event": {"title": "Webinar on whistle-blower protection", "format": "EVENT_FORMAT_ONLINE",
    "timeZone": "Asia/Almaty", "startDate": "2024-11-05", "endDate": "2024-11-05", "capacity": 1,
    "organisers": ["UNODC"], "languages": ["English", "Russian"]}, "requestId": "req-1"}},
  {"createEvent": {"event": {"title": "Webinar on whistle-blower protection", "timeZone": "Asia/Almaty",
    "startDate": "2024-11-05", "endDate": "2024-11-05"}, "requestId": "req-1"}},
  {"addParticipant": {"participant": {"eventId": "@1", "name": "Aigerim", "email": "aigerim@example.kz", "country": "KZ"}, "requestId": "r2"}},
  {"addParticipant": {"participant": {"eventId": "@1", "name": "Dana", "email": "dana@example.kz", "country": "Kazakhstan"}}},
  {"updateParticipant": {"participant": {"id": "@3", "email": "AIGERIM@example.kz"}, "updateMask": "email"}},
  {"listEvents": {"pageSize": 1}},
  {"getEvent": {"eventId": "@1"}}]})");
}

void AgendaRequests() {
  const std::string maria = Pid("maria.cristina@example.ph"), siti = Pid("siti.rohani@example.my"),
                    budi = Pid("budi.santoso@example.id"), lim = Pid("lim.wei@example.my"),
                    kavitha = Pid("kavitha.subramaniam@example.my"),
                    pimchanok = Pid("pimchanok.srisuk@example.th"),
                    hoa = Pid("nguyen.thi@example.vn"), hendra = Pid("hendra.gunawan@example.id");
  const std::string programme = absl::StrCat(R"({"calls": [
  {"addSession": {"session": {"title": "Opening and welcome remarks", "kind": "SESSION_KIND_OPENING",
    "start": "2024-10-01T09:00", "end": "2024-10-01T09:30", "room": "Main Hall", "chairId": ")", maria,
    R"(", "speakerIds": [")", siti, R"(", ")", budi, R"("]}}},
  {"addSession": {"session": {"title": "Increasing public participation in anti-corruption efforts through digital technologies",
    "kind": "SESSION_KIND_PANEL", "start": "2024-10-01T09:30", "end": "2024-10-01T11:00", "room": "Main Hall",
    "chairId": ")", lim, R"(", "speakerIds": [")", kavitha, R"(", ")", pimchanok, R"(", ")", hoa, R"(", ")", hendra,
    R"("], "topics": ["public participation", "digital technologies"]}}},
  {"addSession": {"session": {"title": "Coffee break", "kind": "SESSION_KIND_BREAK", "start": "2024-10-01T11:00",
    "end": "2024-10-01T11:15", "room": "Main Hall"}}},
  {"addSession": {"session": {"title": "Side event: digital tools for citizen reporting", "start": "2024-10-01T10:00",
    "end": "2024-10-01T10:45", "room": "Meeting Room 2", "speakerIds": [")", pimchanok, R"("]}}},
  {"addSession": {"session": {"title": "Plenary: group reports, conclusions and next steps", "kind": "SESSION_KIND_PLENARY",
    "start": "2024-10-02 13:30", "end": "2024-10-02T15:00:00", "room": "Meeting Room 2", "description": "Reports; then, conclusions.\nNext steps."}}},
  {"updateSession": {"session": {"id": "ses_3", "room": "Main Hall"}, "updateMask": "room"}},
  {"listSessions": {"eventId": "evt_demo", "day": "2024-10-01", "timeZone": "Asia/Almaty"}},
  {"getSpeakerSchedule": {"participantId": ")", budi, R"(", "timeZone": "Europe/London"}},
  {"exportAgenda": {"eventId": "evt_demo", "format": "EXPORT_FORMAT_ICS"}},
  {"exportAgenda": {"eventId": "evt_demo", "format": "EXPORT_FORMAT_MARKDOWN", "timeZone": "UTC"}},
  {"exportAgenda": {"eventId": "evt_demo", "format": "EXPORT_FORMAT_CSV"}}]})");
  WriteMessage("agenda_requests", "programme.bin", convene::fuzz::AgendaCalls(), programme);
  WriteMessage("agenda_requests", "london-dst.bin", convene::fuzz::AgendaCalls(), R"({
  "event": {"title": "Autumn school", "timeZone": "Europe/London", "startDate": "2024-10-26", "endDate": "2024-10-28"},
  "calls": [
  {"addSession": {"session": {"title": "Night of the clock change", "start": "2024-10-27T00:30", "end": "2024-10-27T01:30", "onlineLink": "https://example.org/meet"}}},
  {"addSession": {"session": {"title": "Repeated hour", "start": "2024-10-27T01:30", "end": "2024-10-27T02:30", "room": "Hall"}}},
  {"addSession": {"session": {"title": "Until midnight", "start": "2024-10-28T23:00", "end": "2024-10-29T00:00"}}},
  {"updateSession": {"session": {"id": "ses_1", "start": "2024-10-27T01:00"}, "updateMask": "start"}},
  {"exportAgenda": {"eventId": "evt_demo", "format": "EXPORT_FORMAT_ICS", "timeZone": "America/Sao_Paulo"}}]})");
}

void SurveyRequests() {
  const std::string t = "survey_requests";
  WriteMessage(t, "import-code-stream.bin", convene::fuzz::SurveyCalls(), R"({"calls": [
  {"importResponses": {"surveyId": "srv_eval", "header": ["overall", "objectives_met", "most_useful", "themes", "_country", "_sector"],
    "rows": [{"line": 2, "cells": ["4", "5", "Networking and new partnerships with civil society", "governance;judiciary", "Viet Nam", "CSO"]},
             {"line": 3, "cells": ["9", "", "", "", "Atlantis", ""]}], "skipInvalid": true, "requestId": "imp-1"}},
  {"codeAnswers": {"surveyId": "srv_eval", "questionKey": "most_useful", "codebook": {"rules": [
    {"code": "peer experience sharing", "keywords": ["peer", "peers", "experience"]},
    {"code": "collaboration", "keywords": ["networking", "partnership", "partnerships"]}]}}},
  {"codeAnswers": {"surveyId": "srv_eval", "questionKey": "most_useful", "answerCodes": [{"responseId": "rsp_0", "codes": ["review mechanisms"]}]}},
  {"streamResponses": {"surveyId": "srv_eval", "pageSize": 2}},
  {"closeSurvey": {"surveyId": "srv_eval"}},
  {"submitResponse": {"surveyId": "srv_eval", "token": "t", "answers": [{"questionKey": "overall", "scale": 5}, {"questionKey": "objectives_met", "scale": 5}]}}]})");
  WriteMessage(t, "draft-update-open.bin", convene::fuzz::SurveyCalls(), R"({"calls": [
  {"updateSurvey": {"survey": {"id": "srv_draft", "title": "Evaluation, day 2", "anonymous": false, "closeTime": "2024-10-03T00:00:00Z"}, "updateMask": "title,anonymous,closeTime"}},
  {"openSurvey": {"surveyId": "srv_draft"}},
  {"submitResponse": {"surveyId": "srv_draft", "token": "t", "answers": [{"questionKey": "overall", "scale": 2},
    {"questionKey": "objectives_met", "scale": 1}, {"questionKey": "uncac_ch2", "choice": "ii"}, {"questionKey": "hours", "number": 8}]}},
  {"createSurvey": {"survey": {"eventId": "evt_demo", "title": "Poll", "kind": "SURVEY_KIND_POLL",
    "questions": [{"key": "next", "text": "Next city?", "singleChoice": {"options": [{"key": "a", "label": "Almaty"}, {"key": "b", "label": "Bishkek"}]}}]}}},
  {"openSurvey": {"surveyId": "srv_new_0"}},
  {"importResponses": {"surveyId": "srv_new_0", "header": ["next"], "rows": [{"line": 2, "cells": ["a"]}, {"line": 3, "cells": ["b"]}]}},
  {"listSurveys": {"eventId": "evt_demo"}},
  {"getSurvey": {"surveyId": "srv_pre"}}]})");
}

void GroupingRequests() {
  const std::string t = "grouping_requests";
  WriteMessage(t, "diverse.bin", convene::grouping::v1::MakePlanRequest(),
               R"({"spec": {"eventId": "evt_demo", "groupCount": 4, "strategy": "STRATEGY_DIVERSE", "seed": "7",
  "keepApart": [{"participantIds": ["par_1", "par_2"]}], "keepTogether": [{"participantIds": ["par_3", "par_4"]}]}})");
  WriteMessage(t, "by-country.bin", convene::grouping::v1::MakePlanRequest(),
               R"({"spec": {"eventId": "evt_demo", "strategy": "STRATEGY_BY_ATTRIBUTE", "byAttribute": " Country ", "maxSize": 3, "minSize": 2, "mergeSmall": true}})");
  WriteMessage(t, "rounds.bin", convene::grouping::v1::MakePlanRequest(),
               R"({"spec": {"eventId": "evt_demo", "groupSize": 4, "rounds": 3, "seed": "11",
  "weights": [{"attribute": "country", "weight": 3}, {"attribute": "dietary", "weight": 0.5}]}})");
  WriteMessage(t, "checked-in-random.bin", convene::grouping::v1::MakePlanRequest(),
               R"({"spec": {"eventId": "evt_demo", "eligibility": "ELIGIBILITY_CHECKED_IN", "checkedInDay": "2024-10-01",
  "groupCount": 3, "strategy": "STRATEGY_RANDOM", "spreadFacilitators": true}})");
}

void AggregationRequests() {
  std::vector<std::string> responses;
  const char* countries[] = {"MY", "Viet Nam", "ID", "TH", "Lao PDR", "MY", "PH", "MY", "KH", "ID"};
  const char* sectors[] = {"government", "CSO", "academia", "government", "NHRI",
                           "anti-corruption body", "civil society", "private", "", "UN"};
  const char* texts[] = {"Peers' experience sharing on whistle-blower protection.",
                         "The country roundtable on national next steps.",
                         "Networking and new partnerships.", "", "The expert presentations.",
                         "Seeing how UPR and UNCAC recommendations overlap.", "x", "",
                         "Collaboration between government and civil society.", "Peer learning"};
  for (int i = 0; i < 10; ++i) {
    responses.push_back(absl::StrCat(
        R"({"id": "rsp_)", i, R"(", "attributes": {"country": ")", countries[i], R"(", "sector": ")",
        sectors[i], R"(", "gender": ")", i % 2 ? "female" : "male", R"("}, "answers": [
      {"questionKey": "overall", "scale": )", 1 + i % 5, R"(}, {"questionKey": "objectives_met", "scale": )",
        5 - i % 5, R"(}, {"questionKey": "recommend", "scale": )", i, R"(},
      {"questionKey": "best_session", "choice": "panels"}, {"questionKey": "themes", "selections": {"optionKeys": ["governance"]}},
      {"questionKey": "hours", "number": )", i * 7, R"(}, {"questionKey": "most_useful", "text": ")", texts[i],
        R"("}, {"questionKey": "uncac_ch2", "choice": ")", i % 3 ? "ii" : "v", R"("}]})"));
  }
  const std::string all = absl::StrJoin(responses, ",\n");
  WriteMessage("aggregation_requests", "by-country.bin", convene::fuzz::AggregationInput(),
               absl::StrCat(R"({"request": {"surveyId": "srv_eval", "by": ["country"]}, "anonymous": true, "responses": [)",
                            all, "]}"));
  WriteMessage("aggregation_requests", "by-sector-gender.bin", convene::fuzz::AggregationInput(),
               absl::StrCat(R"({"request": {"surveyId": "srv_eval", "by": [" Sector", "gender "], "minCellSize": 3}, "anonymous": true, "responses": [)",
                            all, "]}"));
  WriteMessage("aggregation_requests", "named.bin", convene::fuzz::AggregationInput(),
               absl::StrCat(R"({"request": {"surveyId": "srv_eval", "by": ["role"]}, "anonymous": false, "responses": [)",
                            all, "]}"));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR (fuzz/corpus)\n", argv[0]);
    return 2;
  }
  convene::fuzz::QuietProtobuf();
  root = argv[1];
  Csv();
  SurveyDefinition();
  SurveyAnswers();
  SurveyResponseRow();
  Country();
  ParticipantImport();
  Dates();
  Ics();
  RegistrationRequests();
  AgendaRequests();
  SurveyRequests();
  GroupingRequests();
  AggregationRequests();
  std::printf("%d seeds written under %s\n", written, argv[1]);
  return 0;
}
