#include "services/survey/survey_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "services/common/testing/process.h"
#include "services/common/testing/status_matchers.h"

namespace convene::survey {
namespace {

using ::convene::testing::IsOk;
using ::convene::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SurveyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = convene::testing::MakeTempDir("survey") + "/survey.db";
    Reopen();
  }
  void Reopen() {
    store_.reset();
    auto store = SurveyStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(store).value();
  }
  void AddSurvey(const std::string& id, const std::string& event_id) {
    v1::Survey survey;
    survey.set_id(id);
    survey.set_event_id(event_id);
    survey.set_title("Workshop evaluation");
    auto txn = store_->BeginWrite();
    ASSERT_THAT(store_->InsertSurvey(survey), IsOk());
    ASSERT_THAT(txn->Commit(), IsOk());
  }

  std::string path_;
  std::unique_ptr<SurveyStore> store_;
};

TEST_F(SurveyStoreTest, SecretIsCreatedOnceAndKept) {
  std::string first;
  {
    auto txn = store_->BeginWrite();
    auto secret = store_->Secret();
    ASSERT_TRUE(secret.ok());
    first = *secret;
    EXPECT_EQ(*store_->Secret(), first);
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  Reopen();
  auto txn = store_->BeginWrite();
  EXPECT_EQ(*store_->Secret(), first);
}

TEST_F(SurveyStoreTest, TokensAreSingleUseAndOnePerParticipant) {
  AddSurvey("srv_1", "evt_1");
  AddSurvey("srv_2", "evt_1");
  auto txn = store_->BeginWrite();
  ASSERT_THAT(store_->InsertToken("srv_1", "par_1", "hash1"), IsOk());
  EXPECT_THAT(store_->InsertToken("srv_1", "par_1", "hash2"),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("UNIQUE")));
  // The token of a linked pair has a row per survey, each used once.
  ASSERT_THAT(store_->InsertToken("srv_2", "par_1", "hash1"), IsOk());
  auto found = store_->FindToken("srv_1", "hash1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->participant_id, "par_1");
  EXPECT_FALSE((*found)->used);
  EXPECT_FALSE(store_->FindToken("srv_1", "nope")->has_value());
  EXPECT_FALSE(store_->FindToken("srv_3", "hash1")->has_value());
  ASSERT_THAT(store_->UseToken("srv_1", "hash1"), IsOk());
  EXPECT_THAT(store_->UseToken("srv_1", "hash1"),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("already been used")));
  EXPECT_TRUE((*store_->FindToken("srv_1", "hash1"))->used);
  EXPECT_FALSE((*store_->FindToken("srv_2", "hash1"))->used);
  ASSERT_THAT(store_->UseToken("srv_2", "hash1"), IsOk());
  EXPECT_EQ(*store_->CountTokens("srv_1"), 1);
  EXPECT_THAT(*store_->TokenHolders("srv_2"), ElementsAre("par_1"));
}

TEST_F(SurveyStoreTest, AnonymousResponsesRefuseAParticipantId) {
  AddSurvey("srv_1", "evt_1");
  auto txn = store_->BeginWrite();
  v1::Response response;
  response.set_id("rsp_1");
  response.set_survey_id("srv_1");
  response.set_participant_id("par_1");
  EXPECT_THAT(store_->InsertResponse(response, /*anonymous=*/true),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("anonymous")));
  response.clear_participant_id();
  EXPECT_THAT(store_->InsertResponse(response, /*anonymous=*/true), IsOk());
}

TEST_F(SurveyStoreTest, ResponsesPageInSubmissionOrderAndSurviveReopen) {
  AddSurvey("srv_1", "evt_1");
  AddSurvey("srv_2", "evt_1");
  {
    auto txn = store_->BeginWrite();
    for (int i = 0; i < 7; ++i) {
      v1::Response response;
      response.set_id("rsp_" + std::to_string(i));
      response.set_survey_id(i == 3 ? "srv_2" : "srv_1");
      ASSERT_THAT(store_->InsertResponse(response, false), IsOk());
    }
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  Reopen();
  auto lock = store_->LockForRead();
  std::vector<std::string> seen;
  int64_t cursor = 0;
  do {
    auto page = store_->ResponsesOf("srv_1", cursor, 2);
    ASSERT_TRUE(page.ok());
    for (const auto& r : page->items) seen.push_back(r.id());
    cursor = page->next_cursor;
  } while (cursor != 0);
  EXPECT_THAT(seen, ::testing::ElementsAre("rsp_0", "rsp_1", "rsp_2", "rsp_4", "rsp_5", "rsp_6"));
  EXPECT_EQ(*store_->CountResponses("srv_1"), 6);
  EXPECT_EQ(store_->SurveysOfEvent("evt_1")->size(), 2u);
  EXPECT_THAT(store_->GetSurvey("srv_9"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("srv_9")));
}

TEST_F(SurveyStoreTest, ResponseBytesPagesEndAtTheirByteBudget) {
  AddSurvey("srv_1", "evt_1");
  std::vector<std::string> stored;
  {
    auto txn = store_->BeginWrite();
    for (int i = 0; i < 5; ++i) {
      v1::Response response;
      response.set_id("rsp_" + std::to_string(i));
      response.set_survey_id("srv_1");
      v1::Answer* answer = response.add_answers();
      answer->set_question_key("note");
      answer->set_text(std::string(1000, 'a'));
      ASSERT_THAT(store_->InsertResponse(response, false), IsOk());
    }
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  auto lock = store_->LockForRead();
  // 2500 bytes hold two responses of about 1000 bytes and reach the budget with the third: pages
  // of 3 and 2 although 500 were asked for; a budget of 1 byte still gives one response a page.
  for (const auto& [budget, sizes] : std::vector<std::pair<int64_t, std::vector<size_t>>>{
           {2500, {3, 2}}, {1, {1, 1, 1, 1, 1}}, {1 << 20, {5}}}) {
    std::vector<size_t> pages;
    int64_t cursor = 0;
    int total = 0;
    do {
      auto page = store_->ResponseBytesOf("srv_1", cursor, 500, budget);
      ASSERT_TRUE(page.ok()) << page.status();
      pages.push_back(page->items.size());
      total += static_cast<int>(page->items.size());
      cursor = page->next_cursor;
    } while (cursor != 0);
    EXPECT_EQ(pages, sizes) << "budget " << budget;
    EXPECT_EQ(total, 5);
  }
}

// The counts a set of responses should have, counted here one answer at a time, keyed
// "question|kind|value" (kind: answered, value, code) plus "|responses|" and "|score|N".
std::map<std::string, int64_t> CountedByHand(const std::vector<v1::Response>& responses) {
  std::map<std::string, int64_t> counts;
  for (const v1::Response& r : responses) {
    ++counts["|responses|"];
    if (r.max_score() > 0) ++counts["|score|" + std::to_string(r.score())];
    for (const v1::Answer& a : r.answers()) {
      const std::string q = a.question_key();
      ++counts[q + "|answered|"];
      if (a.has_scale()) ++counts[q + "|value|" + std::to_string(a.scale())];
      if (a.has_number()) ++counts[q + "|value|" + (a.number() == 2.5 ? "2.5" : "17")];
      if (a.has_choice()) ++counts[q + "|value|" + a.choice()];
      for (const std::string& o : a.selections().option_keys()) ++counts[q + "|value|" + o];
      if (a.has_text() && a.codes().empty()) ++counts[q + "|value|" + a.text()];
      for (const std::string& c : a.codes()) ++counts[q + "|code|" + c];
    }
  }
  return counts;
}

std::map<std::string, int64_t> Flatten(const v1::CountAnswersResponse& counts) {
  std::map<std::string, int64_t> flat;
  if (counts.response_count() > 0) flat["|responses|"] = counts.response_count();
  for (const v1::AnswerCount& s : counts.scores()) flat["|score|" + s.value()] = s.count();
  for (const v1::QuestionAnswerCounts& q : counts.questions()) {
    flat[q.question_key() + "|answered|"] = q.answered();
    for (const v1::AnswerCount& v : q.values())
      flat[q.question_key() + "|value|" + v.value()] += v.count();
    for (const v1::AnswerCount& c : q.codes())
      flat[q.question_key() + "|code|" + c.value()] += c.count();
  }
  return flat;
}

class AnswerCountsTest : public SurveyStoreTest {
 protected:
  void SetUp() override {
    SurveyStoreTest::SetUp();
    survey_.set_id("srv_1");
    survey_.set_event_id("evt_1");
    survey_.add_questions()->set_key("overall");
    survey_.add_questions()->set_key("hours");
    survey_.add_questions()->set_key("useful");
    survey_.add_questions()->set_key("topics");
    survey_.add_questions()->set_key("comments");
    auto txn = store_->BeginWrite();
    ASSERT_THAT(store_->InsertSurvey(survey_), IsOk());
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  // Response i answers some questions, depending on i.
  v1::Response MakeResponse(int i) {
    v1::Response r;
    r.set_id("rsp_" + std::to_string(i));
    r.set_survey_id("srv_1");
    r.set_score(i % 3);
    r.set_max_score(2);
    auto answer = [&](const std::string& key) {
      v1::Answer* a = r.add_answers();
      a->set_question_key(key);
      return a;
    };
    if (i % 4 != 0) answer("overall")->set_scale(1 + i % 5);
    answer("hours")->set_number(i % 2 == 0 ? 2.5 : 17);
    if (i % 3 != 0) answer("useful")->set_choice(i % 2 == 0 ? "peers" : "cases");
    v1::Answer* topics = answer("topics");
    topics->mutable_selections()->add_option_keys("law");
    if (i % 2 == 0) topics->mutable_selections()->add_option_keys("audit");
    if (i % 5 != 0) answer("comments")->set_text(i % 2 == 0 ? "more cases" : "longer breaks");
    return r;
  }
  std::map<std::string, int64_t> Stored() {
    auto lock = store_->LockForRead();
    auto counts = store_->AnswerCounts(survey_);
    EXPECT_TRUE(counts.ok()) << counts.status();
    return counts.ok() ? Flatten(*counts) : std::map<std::string, int64_t>{};
  }

  v1::Survey survey_;
};

TEST_F(SurveyStoreTest, TokensKeepTheAttributesTheyWereIssuedWith) {
  AddSurvey("srv_1", "evt_1");
  v1::RespondentAttributes attributes;
  attributes.set_country("KZ");
  attributes.set_sector("Civil society");
  {
    auto txn = store_->BeginWrite();
    ASSERT_THAT(store_->InsertToken("srv_1", "par_1", "hash1", attributes), IsOk());
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  Reopen();
  auto lock = store_->LockForRead();
  auto found = store_->FindToken("srv_1", "hash1");
  ASSERT_TRUE(found.ok() && found->has_value());
  ASSERT_TRUE((*found)->attributes.has_value());
  EXPECT_EQ((*found)->attributes->country(), "KZ");
  EXPECT_EQ((*found)->attributes->sector(), "Civil society");
}

TEST(NumberValueTest, ShortestDecimalThatReadsBack) {
  EXPECT_EQ(NumberValue(17), "17");
  EXPECT_EQ(NumberValue(2.5), "2.5");
  EXPECT_EQ(NumberValue(0.1), "0.1");
  EXPECT_EQ(NumberValue(-3.75), "-3.75");
  for (double v : {1.0 / 3, 2.0 / 3 * 1e-7, 123456.789012345678, 0.1 + 0.2}) {
    EXPECT_EQ(std::strtod(NumberValue(v).c_str(), nullptr), v) << NumberValue(v);
  }
}

TEST_F(AnswerCountsTest, FollowEveryStoredResponse) {
  std::vector<v1::Response> all;
  {
    // One at a time, then a batch (as an import stores them).
    auto txn = store_->BeginWrite();
    for (int i = 0; i < 7; ++i) {
      all.push_back(MakeResponse(i));
      ASSERT_THAT(store_->InsertResponse(all.back(), true), IsOk());
    }
    std::vector<v1::Response> batch;
    for (int i = 7; i < 30; ++i) batch.push_back(MakeResponse(i));
    ASSERT_THAT(store_->InsertResponses("srv_1", batch, true), IsOk());
    all.insert(all.end(), batch.begin(), batch.end());
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  EXPECT_EQ(Stored(), CountedByHand(all));
  EXPECT_EQ(Stored()["|responses|"], 30);
  EXPECT_EQ(Stored()["topics|value|law"], 30);

  // Codes on free text move answers from the uncoded texts to the codes, and back.
  {
    auto txn = store_->BeginWrite();
    for (int i : {1, 3, 4}) {
      all[i].mutable_answers(all[i].answers_size() - 1)->add_codes("logistics");
      ASSERT_THAT(store_->UpdateResponse(all[i]), IsOk());
    }
    all[3].mutable_answers(all[3].answers_size() - 1)->clear_codes();
    ASSERT_THAT(store_->UpdateResponse(all[3]), IsOk());
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  EXPECT_EQ(Stored(), CountedByHand(all));
  EXPECT_EQ(Stored()["comments|code|logistics"], 2);

  // A write that is not committed changes no count; the counts survive a restart.
  {
    auto txn = store_->BeginWrite();
    ASSERT_THAT(store_->InsertResponse(MakeResponse(99), true), IsOk());
  }
  Reopen();
  EXPECT_EQ(Stored(), CountedByHand(all));
}

TEST_F(AnswerCountsTest, ValuesInTheOrderFirstGivenAndQuestionsInTheSurveysOrder) {
  {
    auto txn = store_->BeginWrite();
    for (int i = 1; i < 6; ++i) ASSERT_THAT(store_->InsertResponse(MakeResponse(i), true), IsOk());
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  auto lock = store_->LockForRead();
  auto counts = store_->AnswerCounts(survey_);
  ASSERT_TRUE(counts.ok()) << counts.status();
  std::vector<std::string> keys;
  for (const auto& q : counts->questions()) keys.push_back(q.question_key());
  EXPECT_THAT(keys, ElementsAre("overall", "hours", "useful", "topics", "comments"));
  // Response 1 said "longer breaks" first, response 2 "more cases"; 5 answered no comment.
  const auto& comments = counts->questions(4).values();
  ASSERT_EQ(comments.size(), 2);
  EXPECT_EQ(comments[0].value(), "longer breaks");
  EXPECT_EQ(comments[0].count(), 2);
  EXPECT_EQ(comments[1].value(), "more cases");
  std::vector<std::string> scores;
  for (const auto& s : counts->scores())
    scores.push_back(s.value() + "x" + std::to_string(s.count()));
  EXPECT_THAT(scores, ElementsAre("0x1", "1x2", "2x2"));
}

TEST_F(AnswerCountsTest, ResponsesStoredBeforeTheCountsAreCountedAtStart) {
  std::vector<v1::Response> all;
  {
    auto txn = store_->BeginWrite();
    for (int i = 0; i < 12; ++i) {
      all.push_back(MakeResponse(i));
      ASSERT_THAT(store_->InsertResponse(all.back(), true), IsOk());
    }
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  // As a database from before the counts: the table empty and the mark that it is complete absent.
  {
    auto txn = store_->BeginWrite();
    ASSERT_THAT(store_->db().Execute("DELETE FROM answer_counts; "
                                     "DELETE FROM settings WHERE name = 'answer_counts'"),
                IsOk());
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  EXPECT_TRUE(Stored().empty());
  Reopen();
  EXPECT_EQ(Stored(), CountedByHand(all));
  Reopen();  // counted once, not again
  EXPECT_EQ(Stored(), CountedByHand(all));
}

}  // namespace
}  // namespace convene::survey
