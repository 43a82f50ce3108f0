// Hand-made aggregation responses shaped like a real workshop's (the Kuala Lumpur regional
// dialogue's evaluation, its UNCAC pre/post test, its participation, and a programme's trend), for
// the render tests, the headless-browser test, and for looking at the reports
// (aggregation_report_samples writes every format to a folder). They are built here, not by the
// service: what they test is the rendering.
#ifndef CONVENE_SERVICES_AGGREGATION_REPORT_SAMPLES_H_
#define CONVENE_SERVICES_AGGREGATION_REPORT_SAMPLES_H_

#include <string>
#include <vector>

#include "convene/aggregation/v1/aggregation.pb.h"
#include "convene/aggregation/v1/aggregation_service.pb.h"

namespace convene::aggregation {

// The statistics of whole-number answers given as counts per value, first_value, first_value + 1,
// ...: n, mean, sample sd, median and quartiles (inclusive method), min, max, the 95% CI
// (Student t, approximated), the distribution with `labels` (may be empty), top-two-box when
// `likert`, the net promoter score when `nps`.
v1::ScaleStatistics ScaleFromCounts(int first_value, const std::vector<int>& counts,
                                    const std::vector<std::string>& labels, bool likert, bool nps);

// Nine questions, one of every kind (two Likert), 42 of 51 tokens answered, highlights, a quiz
// score; with `by_country`, a breakdown by country with two small cells suppressed and one
// complementary cell, and in the cells shown the free text's figures withheld in one (3 answers)
// and, as its complement, in another. Free text includes an answer with "<script>" and one starting
// with "=".
v1::SummarizeSurveyResponse SampleSurveySummary(bool by_country);
v1::ComparePrePostResponse SamplePrePost();
// The same tests, anonymous: 4 took only the pre-test, so every figure is withheld and only the
// counts remain.
v1::ComparePrePostResponse SamplePrePostWithheld();
v1::SummarizeParticipationResponse SampleParticipation();
v1::CompareEventsResponse SampleCompareEvents();

}  // namespace convene::aggregation

#endif  // CONVENE_SERVICES_AGGREGATION_REPORT_SAMPLES_H_
