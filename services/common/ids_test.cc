#include "services/common/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace convene {
namespace {

TEST(NewIdTest, HasPrefixShapeAndDoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = NewId("par");
    EXPECT_TRUE(HasIdShape(id, "par")) << id;
    EXPECT_FALSE(HasIdShape(id, "evt")) << id;
    EXPECT_TRUE(seen.insert(id).second) << id;
  }
}

TEST(HasIdShapeTest, RejectsLookAlikesAndWrongLengths) {
  EXPECT_FALSE(HasIdShape("par_", "par"));
  EXPECT_FALSE(HasIdShape("par_0123456789ab0", "par"));
  EXPECT_FALSE(HasIdShape("par_0123456789aI", "par"));
  EXPECT_TRUE(HasIdShape("par_0123456789ab", "par"));
}

}  // namespace
}  // namespace convene
