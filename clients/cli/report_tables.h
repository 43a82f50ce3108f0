// The `convene report` answers laid out for a terminal (`--format table`, the default): the
// figures come from the aggregation service and the pieces from the render library
// (services/aggregation/render.h); this only lays them out at `width` columns.
//
// What it promises: people's text (answers, labels, attribute values) is one line of printable
// characters (control characters, escape sequences included, become spaces); figures are never
// cut; in a breakdown table a long attribute value (a sector such as
// "international-organisation") or a list of themes wraps onto further lines instead of being
// cut, and a suppressed cell's or question's "suppressed (...)" spans the figure columns it stands
// for, as in the HTML report, so it does not widen the respondents column.
//
// Pure functions of the message; thread-safe.
#ifndef CONVENE_CLIENTS_CLI_REPORT_TABLES_H_
#define CONVENE_CLIENTS_CLI_REPORT_TABLES_H_

#include <string>

#include "convene/aggregation/v1/aggregation_service.pb.h"
#include "services/aggregation/render.h"

namespace convene::cli {

// Each report as the terminal shows it, at `width` columns.
std::string SurveyTable(const aggregation::v1::SummarizeSurveyResponse& r, int width);
std::string PrePostTable(const aggregation::v1::ComparePrePostResponse& r, int width);
std::string ParticipationTable(const aggregation::v1::SummarizeParticipationResponse& r, int width);
std::string CompareTable(const aggregation::v1::CompareEventsResponse& r, int width);

// A breakdown table (aggregation::BreakdownTable, ScoreBreakdownTable) whose first `dimensions`
// columns are attribute values, fitted to `width` columns: the values wrap (at spaces and after
// hyphens; a word longer than the column breaks) from the last dimension back while the table is
// too wide, down to a column of 8, and then lists of figures ("peer-exchange 40.0%; case-studies
// 28.6%") wrap between their items; a cell from the respondents column on that reads
// "suppressed ..." with only empty cells after it spans those columns (wrapping at spaces when it
// is longer than they are wide). The figure columns are never narrowed: a table of many options
// can still be wider than `width`.
std::string BreakdownLayout(aggregation::TextTable table, size_t dimensions, int width);

}  // namespace convene::cli

#endif  // CONVENE_CLIENTS_CLI_REPORT_TABLES_H_
