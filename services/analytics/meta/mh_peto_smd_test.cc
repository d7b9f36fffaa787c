// Mantel-Haenszel (RR, OR, RD), Peto and the standardised mean difference
// against metafor 3.8.1 (goldens/mh_peto_smd.{golden,R}): rma.mh()/rma.peto()
// on the BCG trials (no zero cells) and Niel-Weise 2007 (anti-infective
// catheters; zero cells and double-zero studies), escalc("SMD") on Normand.
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "gtest/gtest.h"
#include "services/analytics/meta/effect_size.h"
#include "services/analytics/meta/mantel_haenszel.h"
#include "services/analytics/meta/meta_analysis.h"

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
      fits;                                                 // set, measure
  std::map<std::string, std::vector<std::string>> peto_yi;  // set -> yi or NA
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
    } else if (kind == "petoyi") {
      int index;
      std::string yi;
      w >> index >> yi;
      g.peto_yi[g.sets.back().first].push_back(yi);
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

// The per-study rows of a Peto analysis under the metafor convention show
// what rma.peto shows: a zero-cell table's OR with 0.5 added to each cell.
TEST(MhPetoSmdTest, PetoRowsAreMetaforsUnderItsConvention) {
  const Golden g = Load();
  for (const auto& [name, tables] : g.sets) {
    av1::RunMetaAnalysisRequest request;
    request.mutable_options()->set_measure(av1::PETO_OR);
    request.mutable_options()->set_convention(av1::METAFOR);
    request.mutable_options()->set_model(av1::FIXED_EFFECT);
    for (const DichotomousArms& t : tables) {
      auto* d = request.add_studies()->mutable_dichotomous();
      d->set_events_treatment(t.events_treatment);
      d->set_total_treatment(t.total_treatment);
      d->set_events_control(t.events_control);
      d->set_total_control(t.total_control);
    }
    absl::StatusOr<av1::RunMetaAnalysisResponse> r = RunMetaAnalysis(request);
    ASSERT_TRUE(r.ok()) << r.status();
    const std::vector<std::string>& yi = g.peto_yi.at(name);
    ASSERT_EQ(static_cast<size_t>(r->studies_size()), yi.size()) << name;
    for (size_t i = 0; i < yi.size(); ++i) {
      if (yi[i] == "NA") {
        EXPECT_TRUE(r->studies(i).excluded()) << name << " " << i;
        continue;
      }
      EXPECT_NEAR(std::log(r->studies(i).estimate()), std::stod(yi[i]), 1e-9)
          << name << " study " << i;
    }
  }
}

}  // namespace
}  // namespace kip::meta
