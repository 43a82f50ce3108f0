// Every limit the services put on what they are sent, in one place (docs/limits.md lists them).
// Each is far beyond what a real workshop needs; it is there so that no request, however large or
// malformed, makes a service crash, run out of memory, or cut anything silently. A request over a
// limit is refused as a whole with INVALID_ARGUMENT naming the field and the limit ("name: 1204
// characters, at most 1000"), or RESOURCE_EXHAUSTED when the request is fine but the answer, or
// the thing it would grow, would be too large.
//
// Lengths are counted in characters (Unicode code points of the UTF-8 text), so a Vietnamese or
// Russian name has as much room as an English one.
#ifndef CONVENE_SERVICES_COMMON_LIMITS_H_
#define CONVENE_SERVICES_COMMON_LIMITS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace convene {

// --- Messages ------------------------------------------------------------------------------------

// Largest request or response the services and the CLI exchange, set on both sides of every
// channel: a larger request is refused by gRPC itself with RESOURCE_EXHAUSTED.
inline constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

// Status messages are cut to this many bytes (at a character boundary, ending in "…"), so that an
// error quoting a huge input still fits in gRPC's trailers.
inline constexpr size_t kMaxErrorMessageBytes = 2000;

// --- Text ----------------------------------------------------------------------------------------

// Names, titles, organisations, places, labels, question texts: one line of text.
inline constexpr size_t kMaxLineLength = 1000;
// Ids, keys (question, option, section, attribute names), codes, tokens, room names, request ids.
inline constexpr size_t kMaxKeyLength = 100;
// An email address (RFC 5321's limit on a path).
inline constexpr size_t kMaxEmailLength = 254;
// A link (an online session's URL).
inline constexpr size_t kMaxLinkLength = 2000;
// Free text written by organisers (a session's description).
inline constexpr size_t kMaxDescriptionLength = 10000;
// Free-text answers: the default maximum, and the most a survey may allow.
inline constexpr int kDefaultFreeTextLength = 2000;
inline constexpr int kMaxFreeTextLength = 100000;

// --- Counts --------------------------------------------------------------------------------------

// Data rows in one import (participants or survey responses): split larger files.
inline constexpr int kMaxImportRows = 100000;
// Items of a short list: an event's organisers, funders and languages; a session's topics;
// a participant's custom attributes; a plan's attribute weights.
inline constexpr int kMaxListItems = 50;
// A session's speakers (each one is checked with registration).
inline constexpr int kMaxSpeakers = 50;
// A survey's questions and sections; a question's options.
inline constexpr int kMaxQuestions = 200;
inline constexpr int kMaxSections = 200;
inline constexpr int kMaxOptions = 50;
// A codebook's rules, a rule's keywords, and the codes on one answer.
inline constexpr int kMaxCodebookRules = 200;
inline constexpr int kMaxKeywords = 200;
inline constexpr int kMaxCodesPerAnswer = 50;
// keep_together / keep_apart sets of a plan.
inline constexpr int kMaxConstraintSets = 1000;
// Groups per round and rounds of one grouping plan.
inline constexpr int kMaxGroups = 1000;
inline constexpr int kMaxRounds = 50;
// Participants one grouping plan can mix (its solver holds n * n dissimilarities).
inline constexpr int kMaxPlanParticipants = 3000;
// Sessions of one event (ListSessions answers them all, without pages).
inline constexpr int kMaxSessionsPerEvent = 2000;
// Rooms of one event (ListRooms answers them all).
inline constexpr int kMaxRoomsPerEvent = 500;
// Events in one CompareEvents (each one is read in full from survey).
inline constexpr int kMaxCompareEvents = 100;
// List pages: page_size 0 means kDefaultPageSize, larger values are capped at kMaxPageSize (as
// the protos say). The survey stream's pages are further cut at kMaxStreamPageBytes.
inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;
inline constexpr int64_t kMaxStreamPageBytes = 16 * 1024 * 1024;

// --- Checks --------------------------------------------------------------------------------------

// Characters (code points) in UTF-8 `text`; a byte that is not valid UTF-8 counts as one.
size_t CharacterCount(absl::string_view text);

// INVALID_ARGUMENT "<field>: <n> characters, at most <max>" when `text` is longer than `max`
// characters.
absl::Status CheckLength(absl::string_view field, absl::string_view text, size_t max);

// INVALID_ARGUMENT "<field>: <count> <what>, at most <max>" when count > max.
absl::Status CheckCount(absl::string_view field, int64_t count, int64_t max,
                        absl::string_view what);

// INVALID_ARGUMENT "rows: <n> rows, at most 100000 in one import; split the file" beyond
// kMaxImportRows.
absl::Status CheckImportRows(int64_t rows);

// RESOURCE_EXHAUSTED when `response` would be larger than kMaxMessageBytes, naming what to do
// instead (`advice`, e.g. "import the file in parts"). Call it before committing a write whose
// answer is built from the request, so that nothing is stored that cannot be acknowledged.
absl::Status CheckResponseSize(const google::protobuf::Message& response, absl::string_view advice);

// `message` cut to kMaxErrorMessageBytes at a character boundary, with "…" where it was cut.
std::string ShortenErrorMessage(absl::string_view message);

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_LIMITS_H_
