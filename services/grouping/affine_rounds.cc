#include "services/grouping/affine_rounds.h"

#include <algorithm>
#include <random>

namespace convene::grouping {
namespace {

// GF(q), q = p^e <= 256, elements 0..q-1 written in base p as polynomial coefficients; products
// reduced by a monic irreducible polynomial of degree e found by search.
class Field {
 public:
  // nullopt when q is not a prime power (or too large).
  static std::optional<Field> Of(int q) {
    if (q < 2 || q > 256) return std::nullopt;
    int p = 2;
    while (q % p != 0) ++p;
    int e = 0;
    for (int rest = q; rest > 1; rest /= p) {
      if (rest % p != 0) return std::nullopt;
      ++e;
    }
    Field field(q, p, e);
    // Try every monic polynomial of degree e (its lower coefficients as a number) until the
    // products have no zero divisors, which makes the quotient ring a field.
    for (int low = 0; low < q; ++low) {
      field.modulus_ = low;
      field.BuildTable();
      if (field.IsField()) return field;
    }
    return std::nullopt;
  }

  int Add(int a, int b) const { return Digitwise(a, b, +1); }
  int Sub(int a, int b) const { return Digitwise(a, b, -1); }
  int Mul(int a, int b) const { return table_[static_cast<size_t>(a) * q_ + b]; }

 private:
  Field(int q, int p, int e) : q_(q), p_(p), e_(e) {}

  int Digitwise(int a, int b, int sign) const {
    int out = 0, scale = 1;
    for (int d = 0; d < e_; ++d) {
      const int x = a % p_, y = b % p_;
      out += (((x + sign * y) % p_ + p_) % p_) * scale;
      a /= p_, b /= p_, scale *= p_;
    }
    return out;
  }

  // Polynomial product reduced modulo x^e + (modulus_ as lower coefficients).
  int MulSlow(int a, int b) const {
    std::vector<int> x(e_), y(e_), product(2 * e_, 0), low(e_);
    for (int d = 0, m = modulus_; d < e_; ++d) low[d] = m % p_, m /= p_;
    for (int d = 0; d < e_; ++d) x[d] = a % p_, a /= p_;
    for (int d = 0; d < e_; ++d) y[d] = b % p_, b /= p_;
    for (int i = 0; i < e_; ++i) {
      for (int j = 0; j < e_; ++j) product[i + j] = (product[i + j] + x[i] * y[j]) % p_;
    }
    // x^e = -low: fold the high coefficients down.
    for (int d = 2 * e_ - 1; d >= e_; --d) {
      const int c = product[d];
      if (c == 0) continue;
      product[d] = 0;
      for (int k = 0; k < e_; ++k) {
        product[d - e_ + k] = ((product[d - e_ + k] - c * low[k]) % p_ + p_) % p_;
      }
    }
    int out = 0;
    for (int d = e_ - 1; d >= 0; --d) out = out * p_ + product[d];
    return out;
  }

  void BuildTable() {
    table_.assign(static_cast<size_t>(q_) * q_, 0);
    for (int a = 0; a < q_; ++a) {
      for (int b = 0; b < q_; ++b) table_[static_cast<size_t>(a) * q_ + b] = MulSlow(a, b);
    }
  }

  bool IsField() const {
    for (int a = 1; a < q_; ++a) {
      for (int b = 1; b < q_; ++b) {
        if (Mul(a, b) == 0) return false;
      }
    }
    return true;
  }

  int q_, p_, e_;
  int modulus_ = 0;
  std::vector<int> table_;
};

}  // namespace

int AffineRoundCount(int n, int groups) {
  if (groups < 2 || n % groups != 0) return 0;
  const int k = n / groups;
  if (k < 2 || k > groups || !Field::Of(groups)) return 0;
  return groups + (groups % k == 0 ? 1 : 0);
}

std::optional<std::vector<std::vector<int>>> AffineRounds(int n, int groups, int rounds,
                                                          const std::vector<int>& first_round,
                                                          const std::vector<double>& dissimilarity,
                                                          uint64_t seed, int steps) {
  const int available = AffineRoundCount(n, groups);
  if (available == 0 || static_cast<int>(first_round.size()) != n) return std::nullopt;
  const int k = n / groups;
  const std::optional<Field> field = Field::Of(groups);
  // Round 1's groups are the columns; rows number the members of each column.
  std::vector<int> row(n), group_of(n), filled(groups, 0);
  for (int person = 0; person < n; ++person) {
    const int g = first_round[person];
    if (g < 0 || g >= groups || filled[g] == k) return std::nullopt;
    group_of[person] = g;
    row[person] = filled[g]++;
  }
  std::vector<int> label(groups);  // field element of each round-1 group
  for (int g = 0; g < groups; ++g) label[g] = g;
  const int total = std::min(rounds, available);
  auto build = [&] {
    std::vector<std::vector<int>> out;
    for (int m = 0; m < std::min(total, groups); ++m) {
      std::vector<int> assignment(n);
      for (int person = 0; person < n; ++person) {
        assignment[person] = field->Sub(label[group_of[person]], field->Mul(m, row[person]));
      }
      out.push_back(std::move(assignment));
    }
    if (total > groups) {
      std::vector<int> assignment(n);
      const int per_row = groups / k;
      for (int person = 0; person < n; ++person) {
        assignment[person] = row[person] * per_row + label[group_of[person]] / k;
      }
      out.push_back(std::move(assignment));
    }
    return out;
  };
  auto diversity = [&](const std::vector<std::vector<int>>& schedule) {
    double sum = 0;
    for (size_t r = 1; r < schedule.size(); ++r) {
      std::vector<std::vector<int>> members(groups);
      for (int person = 0; person < n; ++person) members[schedule[r][person]].push_back(person);
      for (const auto& group : members) {
        for (size_t a = 0; a < group.size(); ++a) {
          for (size_t b = a + 1; b < group.size(); ++b) {
            sum += dissimilarity[static_cast<size_t>(group[a]) * n + group[b]];
          }
        }
      }
    }
    return sum;
  };
  std::vector<std::vector<int>> best = build();
  if (dissimilarity.size() != static_cast<size_t>(n) * n || total < 2) return best;
  double best_value = diversity(best);
  std::mt19937_64 random(seed);
  for (int step = 0; step < steps; ++step) {
    // Either two members of one round-1 group trade rows, or two groups trade field elements.
    const bool rows = random() % 2 == 0;
    int x, y;
    if (rows) {
      x = static_cast<int>(random() % n);
      y = static_cast<int>(random() % n);
      if (x == y || group_of[x] != group_of[y]) continue;
      std::swap(row[x], row[y]);
    } else {
      x = static_cast<int>(random() % groups);
      y = static_cast<int>(random() % groups);
      if (x == y) continue;
      std::swap(label[x], label[y]);
    }
    std::vector<std::vector<int>> candidate = build();
    const double value = diversity(candidate);
    if (value >= best_value) {
      best_value = value;
      best = std::move(candidate);
    } else if (rows) {
      std::swap(row[x], row[y]);
    } else {
      std::swap(label[x], label[y]);
    }
  }
  return best;
}

}  // namespace convene::grouping
