// Mantel-Haenszel (RR, OR, RD), Peto and the standardised mean difference
// against metafor 3.8.1 (goldens/mh_peto_smd.{golden,R}): rma.mh()/rma.peto()
// on the BCG trials (no zero cells) and Niel-Weise 2007 (anti-infective
// catheters; zero cells and double-zero studies), escalc("SMD") on Normand.
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "services/analytics/meta/effect_size.h"
#include "services/analytics/meta/mantel_haenszel.h"

namespace kip::meta {
namespace {

void ExpectClose(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-6 * std::max(std::fabs(expected), 1e-12))
      << what;
}

struct Golden {
  std::vector<std::pair<ContinuousArms, Effect>> smd;
  std::vector<std::pair<std::string, std::vector<DichotomousArms>>> sets;
  std::vector<std::tuple<std::string, std::string, std::vector<double>>>
      fits;  // set, measure
};

Golden Load() {
  std::ifstream in("services/analytics/meta/goldens/mh_peto_smd.golden");
  EXPECT_TRUE(in.good());
  Golden g;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream w(line);
    std::string kind;
    w >> kind;
    if (kind == "smd") {
      ContinuousArms a;
      Effect e;
      w >> a.mean_treatment >> a.sd_treatment >> a.n_treatment >>
          a.mean_control >> a.sd_control >> a.n_control >> e.estimate >>
          e.variance;
      g.smd.emplace_back(a, e);
    } else if (kind == "data") {
      std::string name;
      w >> name;
      g.sets.emplace_back(name, std::vector<DichotomousArms>{});
    } else if (kind == "arms") {
      DichotomousArms a;
      w >> a.events_treatment >> a.total_treatment >> a.events_control >>
          a.total_control;
      g.sets.back().second.push_back(a);
    } else if (kind == "mh" || kind == "peto") {
      std::string measure;
      w >> measure;
      std::vector<double> values(11);
      for (double& v : values) w >> v;
      g.fits.emplace_back(g.sets.back().first, kind + " " + measure, values);
    }
  }
  return g;
}

TEST(MhPetoSmdTest, StandardisedMeanDifferencesMatchEscalc) {
  const Golden g = Load();
  ASSERT_EQ(g.smd.size(), 9u);
  for (const auto& [arms, golden] : g.smd) {
    auto e = StandardizedMeanDifference("s", arms, SmdConvention::kMetafor);
    ASSERT_TRUE(e.ok());
    ExpectClose(e->estimate, golden.estimate, "SMD yi");
    ExpectClose(e->variance, golden.variance, "SMD vi");
  }
}

TEST(MhPetoSmdTest, RevManSmdByHand) {
  // Deeks & Higgins 2010: d = (55 - 75) / sp, sp^2 = (154 x 47^2 + 155 x 64^2)
  // / 309, g = d (1 - 3 / (4 x 311 - 9)), SE^2 = 311 / (155 x 156) + g^2 / (2 x
  // (311 - 3.94)).
  ContinuousArms arms{55, 47, 155, 75, 64, 156};
  const double sp = std::sqrt((154 * 47.0 * 47 + 155 * 64.0 * 64) / 309);
  const double g = (55 - 75) / sp * (1 - 3.0 / (4 * 311 - 9));
  auto e = StandardizedMeanDifference("s", arms, SmdConvention::kRevMan5);
  ExpectClose(e->estimate, g, "g");
  ExpectClose(e->variance, 311.0 / (155 * 156) + g * g / (2 * (311 - 3.94)),
              "var");
}

TEST(MhPetoSmdTest, MantelHaenszelAndPetoMatchMetafor) {
  const Golden g = Load();
  ASSERT_EQ(g.fits.size(), 8u);
  for (const auto& [set_name, method, v] : g.fits) {
    const std::vector<DichotomousArms>* studies = nullptr;
    for (const auto& [name, rows] : g.sets) {
      if (name == set_name) studies = &rows;
    }
    absl::StatusOr<Pooled> fit;
    if (method == "peto OR") {
      fit = PoolPeto(*studies);
    } else {
      const DichotomousMeasure measure =
          method == "mh RR"   ? DichotomousMeasure::kLogRiskRatio
          : method == "mh OR" ? DichotomousMeasure::kLogOddsRatio
                              : DichotomousMeasure::kRiskDifference;
      fit = PoolMantelHaenszel(*studies, measure);
    }
    ASSERT_TRUE(fit.ok()) << fit.status();
    const std::string at = set_name + " " + method + ": ";
    ExpectClose(fit->estimate, v[0], at + "estimate");
    ExpectClose(fit->se, v[1], at + "se");
    ExpectClose(fit->ci_lower, v[2], at + "ci_lower");
    ExpectClose(fit->ci_upper, v[3], at + "ci_upper");
    ExpectClose(fit->z, v[4], at + "z");
    ExpectClose(fit->p_value, v[5], at + "p");
    ExpectClose(fit->q, v[6], at + "Q");
    ExpectClose(fit->q_p_value, v[7], at + "Q p");
    ExpectClose(fit->i2_percent, v[8], at + "I2");
    ExpectClose(fit->h2, v[9], at + "H2");
    EXPECT_EQ(fit->k, static_cast<int>(v[10])) << at;
  }
}

}  // namespace
}  // namespace kip::meta
