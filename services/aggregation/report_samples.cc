#include "services/aggregation/report_samples.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "convene/survey/v1/survey.pb.h"

namespace convene::aggregation {
namespace {

namespace survey = ::convene::survey::v1;

const std::vector<std::string> kSatisfaction = {"Very dissatisfied", "Dissatisfied", "Neutral",
                                                "Satisfied", "Very satisfied"};
const std::vector<std::string> kAgreement = {
    "Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"};

// Student's t quantile of order 0.975 by the Cornish-Fisher expansion: a few parts in a thousand
// for df >= 3, which is plenty for sample data.
double T975(double df) {
  const double z = 1.959963984540054;
  const double z3 = z * z * z, z5 = z3 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

// The value at position h (0-based, fractional) of the sorted answers.
double At(int first_value, const std::vector<int>& counts, double h) {
  auto value = [&](long index) {
    long seen = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
      seen += counts[i];
      if (index < seen) return static_cast<double>(first_value + static_cast<int>(i));
    }
    return static_cast<double>(first_value + static_cast<int>(counts.size()) - 1);
  };
  const long lo = static_cast<long>(std::floor(h));
  const double frac = h - lo;
  return frac == 0 ? value(lo) : value(lo) + frac * (value(lo + 1) - value(lo));
}

v1::QuestionSummary Question(const std::string& key, const std::string& text,
                             const std::string& kind, int missing) {
  v1::QuestionSummary q;
  q.set_key(key);
  q.set_text(text);
  q.set_kind(kind);
  q.set_missing(missing);
  return q;
}

void Options(const std::vector<std::pair<std::string, std::string>>& options,
             const std::vector<int>& counts, int respondents,
             google::protobuf::RepeatedPtrField<v1::OptionCount>* out) {
  for (size_t i = 0; i < options.size(); ++i) {
    v1::OptionCount* option = out->Add();
    option->set_key(options[i].first);
    option->set_label(options[i].second);
    option->set_count(counts[i]);
    option->set_percent(respondents > 0 ? 100.0 * counts[i] / respondents : 0);
  }
}

const std::vector<std::pair<std::string, std::string>> kSessions = {
    {"trends", "Regional trends: UNCAC review and UN human rights recommendations"},
    {"panels", "Expert presentations and panel discussions"},
    {"regional_groups", "Regional group exercise (mixed countries)"},
    {"country_roundtables", "Country roundtables on national next steps"}};
const std::vector<std::pair<std::string, std::string>> kThemes = {
    {"whistleblowers", "Whistle-blowers, witnesses and human rights defenders"},
    {"expression", "Freedom of expression and right to information"},
    {"judiciary", "Judicial integrity and corruption"},
    {"business", "Business integrity and human rights"},
    {"governance", "Good governance"},
    {"death_penalty", "Corruption and the death penalty"}};
const std::vector<std::pair<std::string, std::string>> kFormats = {
    {"in_person", "In person"}, {"online", "Online"}, {"hybrid", "Hybrid"}};
const std::vector<std::pair<std::string, std::string>> kChapters = {
    {"ii", "Chapter II"}, {"iii", "Chapter III"}, {"v", "Chapter V"}};

v1::QuestionSummary Likert(const std::string& key, const std::string& text,
                           const std::vector<std::string>& labels, const std::vector<int>& counts,
                           int missing) {
  v1::QuestionSummary q = Question(key, text, "likert", missing);
  *q.mutable_scale() = ScaleFromCounts(1, counts, labels, /*likert=*/true, /*nps=*/false);
  return q;
}

v1::QuestionSummary Choice(const std::string& key, const std::string& text, const std::string& kind,
                           const std::vector<std::pair<std::string, std::string>>& options,
                           const std::vector<int>& counts, int respondents, int missing) {
  v1::QuestionSummary q = Question(key, text, kind, missing);
  q.mutable_choice()->set_respondents(respondents);
  q.mutable_choice()->set_selections(std::accumulate(counts.begin(), counts.end(), 0));
  Options(options, counts, respondents, q.mutable_choice()->mutable_options());
  return q;
}

v1::QuestionSummary Quiz(const std::vector<int>& counts, int missing) {
  const int answered = std::accumulate(counts.begin(), counts.end(), 0);
  v1::QuestionSummary q =
      Question("uncac_ch2", "A quick check: which chapter of UNCAC covers preventive measures?",
               "quiz", missing);
  v1::QuizItemStatistics* quiz = q.mutable_quiz();
  quiz->set_answered(answered);
  quiz->set_correct(counts[0]);
  if (answered > 0) quiz->set_percent_correct(100.0 * counts[0] / answered);
  quiz->set_correct_option("ii");
  Options(kChapters, counts, answered, quiz->mutable_options());
  return q;
}

v1::QuestionSummary FreeText(int answered, const std::vector<std::pair<std::string, int>>& themes,
                             const std::vector<std::string>& uncoded, int missing) {
  v1::QuestionSummary q =
      Question("most_useful", "What was the most useful aspect of the dialogue for you?",
               "free-text", missing);
  v1::TextStatistics* text = q.mutable_free_text();
  text->set_answered(answered);
  for (const auto& [code, count] : themes) {
    v1::ThemeCount* theme = text->add_themes();
    theme->set_code(code);
    theme->set_count(count);
    theme->set_percent(answered > 0 ? 100.0 * count / answered : 0);
  }
  text->set_uncoded_count(static_cast<int>(uncoded.size()));
  for (const std::string& answer : uncoded) text->add_uncoded_answers(answer);
  return q;
}

// One breakdown cell with figures for every question but the free text's answers.
v1::BreakdownCell Cell(const std::string& country, int respondents, std::vector<int> overall,
                       std::vector<int> recommend, std::vector<int> best, std::vector<int> quiz) {
  v1::BreakdownCell cell;
  cell.add_values(country);
  cell.set_respondents(respondents);
  *cell.add_questions() =
      Likert("overall", "Overall, how satisfied are you with the regional dialogue?", kSatisfaction,
             overall, 0);
  v1::QuestionSummary rating =
      Question("recommend", "How likely are you to recommend a dialogue like this to a colleague?",
               "rating", respondents - std::accumulate(recommend.begin(), recommend.end(), 0));
  *rating.mutable_scale() = ScaleFromCounts(0, recommend, {}, false, true);
  *cell.add_questions() = rating;
  const int best_n = std::accumulate(best.begin(), best.end(), 0);
  *cell.add_questions() =
      Choice("best_session", "Which part of the programme was most useful for your work?",
             "single-choice", kSessions, best, best_n, respondents - best_n);
  *cell.add_questions() = Quiz(quiz, respondents - std::accumulate(quiz.begin(), quiz.end(), 0));
  std::vector<int> scores = {quiz[1] + quiz[2], quiz[0]};
  *cell.mutable_score() = ScaleFromCounts(0, scores, {}, false, false);
  return cell;
}

v1::BreakdownCell Suppressed(const std::string& country, int respondents) {
  v1::BreakdownCell cell;
  cell.add_values(country);
  cell.set_respondents(respondents);
  cell.set_suppressed(true);
  return cell;
}

}  // namespace

v1::ScaleStatistics ScaleFromCounts(int first_value, const std::vector<int>& counts,
                                    const std::vector<std::string>& labels, bool likert, bool nps) {
  v1::ScaleStatistics s;
  const int n = std::accumulate(counts.begin(), counts.end(), 0);
  s.set_answered(n);
  for (size_t i = 0; i < counts.size(); ++i) {
    v1::ValueCount* value = s.add_distribution();
    value->set_value(first_value + static_cast<int>(i));
    if (i < labels.size()) value->set_label(labels[i]);
    value->set_count(counts[i]);
    value->set_percent(n > 0 ? 100.0 * counts[i] / n : 0);
  }
  if (n == 0) return s;
  double sum = 0;
  for (size_t i = 0; i < counts.size(); ++i) sum += counts[i] * (first_value + double(i));
  const double mean = sum / n;
  s.set_mean(mean);
  s.set_median(At(first_value, counts, (n - 1) / 2.0));
  s.set_first_quartile(At(first_value, counts, (n - 1) / 4.0));
  s.set_third_quartile(At(first_value, counts, 3 * (n - 1) / 4.0));
  s.set_min(At(first_value, counts, 0));
  s.set_max(At(first_value, counts, n - 1));
  if (n >= 2) {
    double squares = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
      squares += counts[i] * std::pow(first_value + double(i) - mean, 2);
    }
    const double sd = std::sqrt(squares / (n - 1));
    s.set_standard_deviation(sd);
    const double half = T975(n - 1) * sd / std::sqrt(n);
    s.set_mean_ci_low(mean - half);
    s.set_mean_ci_high(mean + half);
  }
  if (likert && counts.size() >= 2) {
    s.set_top_two_box_percent(100.0 * (counts[counts.size() - 1] + counts[counts.size() - 2]) / n);
  }
  if (nps && counts.size() == 11) {
    int promoters = counts[9] + counts[10], detractors = 0;
    for (int i = 0; i <= 6; ++i) detractors += counts[i];
    s.set_net_promoter_score(100.0 * (promoters - detractors) / n);
  }
  return s;
}

v1::SummarizeSurveyResponse SampleSurveySummary(bool by_country) {
  v1::SummarizeSurveyResponse r;
  r.set_survey_id("srv_7k2m9x4q1v8p");
  r.set_event_id("evt_3h8d2k5n0w6r");
  r.set_title("Evaluation: Regional dialogue on corruption and human rights");
  r.set_kind(survey::SURVEY_KIND_EVALUATION);
  r.set_anonymous(true);
  r.set_response_count(42);
  r.set_token_count(51);
  r.set_checked_in_count(45);
  r.set_response_rate_tokens(100.0 * 42 / 51);
  r.set_response_rate_checked_in(100.0 * 42 / 45);

  *r.add_questions() =
      Likert("overall", "Overall, how satisfied are you with the regional dialogue?", kSatisfaction,
             {0, 2, 4, 18, 18}, 0);
  *r.add_questions() = Likert("objectives_met",
                              "The dialogue helped me understand how anti-corruption and human "
                              "rights efforts reinforce each other.",
                              kAgreement, {1, 2, 5, 20, 13}, 1);
  v1::QuestionSummary recommend =
      Question("recommend", "How likely are you to recommend a dialogue like this to a colleague?",
               "rating", 2);
  *recommend.mutable_scale() =
      ScaleFromCounts(0, {0, 0, 0, 0, 1, 1, 2, 5, 10, 12, 9}, {}, false, true);
  *r.add_questions() = recommend;
  *r.add_questions() =
      Choice("best_session", "Which part of the programme was most useful for your work?",
             "single-choice", kSessions, {11, 9, 13, 7}, 40, 2);
  *r.add_questions() =
      Choice("themes", "Which themes should a follow-up dialogue focus on? (up to 3)",
             "multiple-choice", kThemes, {25, 18, 14, 12, 9, 5}, 40, 2);
  *r.add_questions() = Choice("format", "Preferred format for follow-up activities",
                              "single-choice", kFormats, {22, 6, 12}, 40, 2);
  v1::QuestionSummary hours = Question(
      "hours", "About how many hours a week do you spend on anti-corruption or human rights work?",
      "number", 4);
  v1::ScaleStatistics* h = hours.mutable_scale();
  h->set_answered(38);
  h->set_mean(23.42);
  h->set_standard_deviation(12.07);
  h->set_median(20);
  h->set_first_quartile(12);
  h->set_third_quartile(32);
  h->set_min(2);
  h->set_max(60);
  h->set_mean_ci_low(19.45);
  h->set_mean_ci_high(27.39);
  *r.add_questions() = hours;
  *r.add_questions() = FreeText(
      32,
      {{"peer-exchange", 12}, {"practical-tools", 9}, {"regional-network", 7}, {"case-studies", 4}},
      {"Meeting colleagues from the national human rights institution for the first time.",
       "<script>alert('the organisers')</script> The group work on whistle-blower protection.",
       "=HYPERLINK(\"http://attacker.example/x\",\"the UNCAC slides\")",
       "Learning how the UPR & UNCAC review cycles can feed each other.",
       "-- the country roundtable, definitely"},
      10);
  *r.add_questions() = Quiz({31, 6, 3}, 2);

  v1::ScaleStatistics* score = r.mutable_score();
  *score = ScaleFromCounts(0, {9, 31}, {}, false, false);
  r.set_max_score(1);

  r.add_highlights(
      "Out of 42 responses, 86% were satisfied or very satisfied with the dialogue overall.");
  r.add_highlights(
      "Out of 32 responses, 38% named peer experience sharing as the most useful aspect.");
  r.add_highlights(
      "A third of 40 respondents found the regional group exercise the most useful "
      "part of the programme.");
  r.add_highlights("Net promoter score +42.5 (40 ratings from 0 to 10).");

  if (by_country) {
    r.add_by("country");
    r.set_min_cell_size(5);
    *r.add_cells() = Cell("MY", 12, {0, 0, 1, 5, 6}, {0, 0, 0, 0, 0, 0, 1, 1, 3, 4, 3},
                          {3, 2, 5, 2}, {10, 1, 1});
    *r.add_cells() =
        Cell("TH", 9, {0, 1, 1, 4, 3}, {0, 0, 0, 0, 1, 0, 0, 2, 2, 2, 2}, {2, 3, 2, 2}, {7, 1, 1});
    *r.add_cells() =
        Cell("VN", 8, {0, 0, 1, 4, 3}, {0, 0, 0, 0, 0, 1, 0, 1, 2, 2, 2}, {2, 2, 3, 1}, {6, 2, 0});
    *r.add_cells() =
        Cell("ID", 6, {0, 1, 0, 2, 3}, {0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 1}, {2, 1, 2, 1}, {4, 1, 1});
    *r.add_cells() = Suppressed("KH", 5);
    *r.add_cells() = Suppressed("LA", 2);
    // The free text per cell: MY and TH shown; ID's 3 answers withheld, and VN's 6 with them, or
    // the overall themes less MY's and TH's would give ID's (uncoded answers: never per cell).
    *r.mutable_cells(0)->add_questions() = FreeText(
        10, {{"peer-exchange", 4}, {"practical-tools", 3}, {"regional-network", 2}}, {}, 2);
    *r.mutable_cells(1)->add_questions() =
        FreeText(7, {{"peer-exchange", 3}, {"case-studies", 2}, {"practical-tools", 1}}, {}, 2);
    for (auto [cell, reason] :
         {std::pair<int, const char*>{2, "complementary"}, {3, "fewer than 5 answers"}}) {
      v1::QuestionSummary* q = r.mutable_cells(cell)->add_questions();
      *q = Question("most_useful", "What was the most useful aspect of the dialogue for you?",
                    "free-text", 0);
      q->set_suppressed(true);
      q->set_suppressed_reason(reason);
    }
  }
  return r;
}

v1::ComparePrePostResponse SamplePrePost() {
  v1::ComparePrePostResponse r;
  r.set_pre_survey_id("srv_pre4t8v2m6k");
  r.set_post_survey_id("srv_post9q3w7x1");
  r.set_pairs(36);
  r.set_unpaired_pre(4);
  r.set_unpaired_post(2);
  r.set_max_score(10);
  r.set_mean_pre(4.61);
  r.set_mean_post(7.28);
  r.set_mean_gain(2.67);
  r.set_gain_ci_low(2.05);
  r.set_gain_ci_high(3.29);
  r.set_normalized_gain(0.495);
  r.set_wilcoxon_p_value(0.0000031);
  const std::vector<std::tuple<std::string, std::string, double, double>> items = {
      {"uncac_ch2", "Which chapter of UNCAC covers preventive measures?", 47.5, 86.8},
      {"art13", "Article 13 of UNCAC is about…", 35.0, 71.1},
      {"upr", "Which body conducts the Universal Periodic Review?", 62.5, 84.2},
      {"whistle", "Which article asks States to consider protecting reporting persons?", 22.5,
       63.2},
      {"irm", "The UNCAC Implementation Review Mechanism reviews each State in…", 40.0, 55.3}};
  for (const auto& [key, text, pre, post] : items) {
    v1::PrePostItem* item = r.add_items();
    item->set_key(key);
    item->set_text(text);
    item->set_percent_correct_pre(pre);
    item->set_percent_correct_post(post);
  }
  r.add_highlights(
      "36 people took both tests; their mean score rose from 4.6 to 7.3 out of 10 "
      "(gain +2.7, 95% CI 2.1 to 3.3).");
  r.add_highlights(
      "The share who knew that Article 33 covers reporting persons rose from 23% to "
      "63%.");
  return r;
}

v1::ComparePrePostResponse SamplePrePostWithheld() {
  v1::ComparePrePostResponse r = SamplePrePost();
  const std::string reason = "fewer than 5 took only the pre-test";
  r.set_min_cell_size(5);
  r.set_suppressed(true);
  r.set_suppressed_reason(reason);
  r.clear_mean_pre();
  r.clear_mean_post();
  r.clear_mean_gain();
  r.clear_gain_ci_low();
  r.clear_gain_ci_high();
  r.clear_normalized_gain();
  r.clear_wilcoxon_p_value();
  for (v1::PrePostItem& item : *r.mutable_items()) {
    item.clear_percent_correct_pre();
    item.clear_percent_correct_post();
    item.set_suppressed(true);
    item.set_suppressed_reason(reason);
  }
  r.clear_highlights();
  r.add_highlights("6 responses could not be paired (4 pre-test only, 2 post-test only).");
  return r;
}

v1::SummarizeParticipationResponse SampleParticipation() {
  v1::SummarizeParticipationResponse r;
  r.set_event_id("evt_3h8d2k5n0w6r");
  r.set_title("Regional dialogue on corruption and human rights");
  r.set_registered(54);
  auto add = [](google::protobuf::RepeatedPtrField<v1::AttributeCount>* list,
                const std::vector<std::pair<std::string, int>>& counts) {
    int total = 0;
    for (const auto& [value, count] : counts) total += count;
    for (const auto& [value, count] : counts) {
      v1::AttributeCount* c = list->Add();
      c->set_value(value);
      c->set_count(count);
      c->set_percent(100.0 * count / total);
    }
  };
  add(r.mutable_by_status(), {{"confirmed", 45}, {"waitlisted", 5}, {"cancelled", 4}});
  add(r.mutable_by_country(),
      {{"MY", 12}, {"TH", 9}, {"VN", 8}, {"ID", 7}, {"KH", 5}, {"LA", 2}, {"PH", 2}});
  add(r.mutable_by_sector(), {{"government", 14},
                              {"anti-corruption-body", 9},
                              {"human-rights-institution", 8},
                              {"civil-society", 8},
                              {"academia", 3},
                              {"international-organization", 3}});
  add(r.mutable_by_gender(), {{"female", 24}, {"male", 20}, {"", 1}});
  add(r.mutable_by_role(),
      {{"participant", 36}, {"speaker", 6}, {"moderator", 2}, {"organizer", 1}});
  for (const auto& [day, female, male] :
       {std::tuple<std::string, int, int>{"2024-10-01", 23, 19}, {"2024-10-02", 21, 17}}) {
    v1::DayAttendance* d = r.add_attendance();
    d->set_day(day);
    d->set_checked_in(female + male);
    add(d->mutable_by_gender(), {{"female", female}, {"male", male}});
  }
  r.set_speakers(9);
  add(r.mutable_speakers_by_gender(), {{"female", 5}, {"male", 4}});
  return r;
}

v1::CompareEventsResponse SampleCompareEvents() {
  v1::CompareEventsResponse r;
  r.set_question_key("overall");
  const std::vector<std::tuple<std::string, std::string, std::string, std::vector<int>>> events = {
      {"evt_0bkk2023", "Regional dialogue, Bangkok", "2023-06-12", {1, 3, 6, 14, 8}},
      {"evt_1hn2024", "National workshop, Hanoi", "2024-03-05", {0, 2, 5, 12, 9}},
      {"evt_3h8d2k5n0w6r", "Regional dialogue, Kuala Lumpur", "2024-10-01", {0, 2, 4, 18, 18}}};
  int i = 0;
  for (const auto& [id, title, date, counts] : events) {
    v1::EventQuestion* e = r.add_events();
    e->set_event_id(id);
    e->set_event_title(title);
    e->set_start_date(date);
    e->set_survey_id(absl::StrCat("srv_eval", ++i));
    e->set_survey_kind(survey::SURVEY_KIND_EVALUATION);
    e->set_response_count(std::accumulate(counts.begin(), counts.end(), 0));
    *e->mutable_question() =
        Likert("overall", "Overall, how satisfied are you with the regional dialogue?",
               kSatisfaction, counts, 0);
  }
  v1::EventQuestion* none = r.add_events();
  none->set_event_id("evt_9webinar");
  none->set_event_title("Webinar: beneficial ownership");
  none->set_start_date("2024-11-20");
  return r;
}

}  // namespace convene::aggregation
