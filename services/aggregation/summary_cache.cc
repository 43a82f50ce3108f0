#include "services/aggregation/summary_cache.h"

#include "google/protobuf/util/message_differencer.h"

namespace convene::aggregation {
namespace {

// What the figures depend on: the questions and whether the survey is anonymous.
sv::Survey Shape(const sv::Survey& survey) {
  sv::Survey shape;
  shape.set_id(survey.id());
  shape.set_anonymous(survey.anonymous());
  *shape.mutable_questions() = survey.questions();
  return shape;
}

}  // namespace

bool SummaryCache::Entry::Matches(const sv::Survey& current, int64_t current_revision) const {
  return overall != nullptr && revision == current_revision &&
         google::protobuf::util::MessageDifferencer::Equals(Shape(survey), Shape(current));
}

void SummaryCache::Entry::Reset(const sv::Survey& current, int64_t current_revision,
                                const std::vector<Dimension>& dimensions) {
  breakdown.reset();
  overall.reset();
  survey = current;
  revision = current_revision;
  resume_token.clear();
  overall = std::make_unique<SurveyAggregator>(survey);
  if (!dimensions.empty()) breakdown = std::make_unique<Breakdown>(survey, dimensions);
}

std::shared_ptr<SummaryCache::Entry> SummaryCache::Get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    order_.splice(order_.begin(), order_, it->second);
    return order_.front().second;
  }
  order_.emplace_front(key, std::make_shared<Entry>());
  index_[key] = order_.begin();
  while (order_.size() > capacity_) {
    index_.erase(order_.back().first);
    order_.pop_back();
  }
  return order_.front().second;
}

}  // namespace convene::aggregation
