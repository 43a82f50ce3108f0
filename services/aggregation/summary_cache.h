// Figures kept between calls, so that summarising a survey again reads only the responses that
// came after the last summary (the survey service's resume token) instead of all of them. Nothing
// is kept on disk: the aggregation service still owns no data, and a restart only makes the next
// summary of each survey read everything once.
//
// An entry holds the accumulators of one survey for one breakdown (by: nothing, country, ...). It
// is started again from nothing when the survey's questions change or when stored responses were
// changed after submission (GetSurveyResponse.responses_revision: theme codes).
//
// Thread-safe: the cache's map has its own mutex; a caller locks an entry's mutex while it brings
// the entry up to date and reads it, so concurrent summaries of one survey take turns.
#ifndef CONVENE_SERVICES_AGGREGATION_SUMMARY_CACHE_H_
#define CONVENE_SERVICES_AGGREGATION_SUMMARY_CACHE_H_

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "services/aggregation/summary.h"

namespace convene::aggregation {

class SummaryCache {
 public:
  struct Entry {
    std::mutex mu;
    // The survey as the accumulators were started with (they point into it).
    sv::Survey survey;
    int64_t revision = -1;
    // Where the next read resumes ("" = from the first response).
    std::string resume_token;
    std::unique_ptr<SurveyAggregator> overall;
    std::unique_ptr<Breakdown> breakdown;

    // Whether the accumulators still describe `current` at `revision`; if not, they must be
    // started again with Reset.
    bool Matches(const sv::Survey& current, int64_t current_revision) const;
    // Starts from nothing for `current` (a breakdown along `dimensions` when there are any).
    void Reset(const sv::Survey& current, int64_t current_revision,
               const std::vector<Dimension>& dimensions);
  };

  // Keeps at most `capacity` entries, dropping the least recently used.
  explicit SummaryCache(size_t capacity) : capacity_(capacity) {}

  // The entry for `key`, created empty when there is none. A caller keeps the entry it holds even
  // if the cache drops it meanwhile.
  std::shared_ptr<Entry> Get(const std::string& key);

 private:
  std::mutex mu_;
  size_t capacity_;
  // Most recently used first.
  std::list<std::pair<std::string, std::shared_ptr<Entry>>> order_;
  absl::flat_hash_map<std::string, decltype(order_)::iterator> index_;
};

}  // namespace convene::aggregation

#endif  // CONVENE_SERVICES_AGGREGATION_SUMMARY_CACHE_H_
