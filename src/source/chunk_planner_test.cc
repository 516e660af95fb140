#include "source/chunk_planner.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(ChunkPlannerTest, SingleColumnRange) {
  EXPECT_EQ(KeyRangePredicate({"`id`"}, {"10"}, {"20"}), "((`id` >= 10)) AND ((`id` < 20))");
  EXPECT_EQ(KeyRangePredicate({"`id`"}, {}, {"20"}), "((`id` < 20))");
  EXPECT_EQ(KeyRangePredicate({"`id`"}, {"10"}, {}), "((`id` >= 10))");
}

TEST(ChunkPlannerTest, CompositeKeyIsLexicographic) {
  EXPECT_EQ(KeyRangePredicate({"`a`", "`b`"}, {"1", "'x'"}, {}),
            "((`a` > 1) OR (`a` = 1 AND `b` >= 'x'))");
  EXPECT_EQ(KeyRangePredicate({"`a`", "`b`"}, {}, {"2", "'y'"}),
            "((`a` < 2) OR (`a` = 2 AND `b` < 'y'))");
}

TEST(ChunkPlannerTest, ChunkQuerySelectsEveryColumn) {
  TableSchema t;
  t.schema = "s";
  t.table = "t";
  Column a;
  a.name = "a";
  a.type.type = SqlType::kInt;
  Column f;
  f.name = "f";
  f.type.type = SqlType::kFloat;
  t.columns = {a, f};
  EXPECT_EQ(ChunkQuery(t, Chunk{0, ""}), "SELECT `a`, (`f` + 0e0) FROM `s`.`t`");
  EXPECT_EQ(ChunkQuery(t, Chunk{1, "`a` < 5"}),
            "SELECT `a`, (`f` + 0e0) FROM `s`.`t` WHERE `a` < 5");
}

}  // namespace
}  // namespace binlake
