#include "services/survey/survey_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace convene::survey
