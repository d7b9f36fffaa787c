// Case diagnostics against metafor 3.8.1's influence() and baujat()
// (goldens/influence.R): five models of the BCG trials, every statistic of
// every study, to 1e-6.
#include "services/analytics/meta/influence.h"

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"

namespace kip::meta {
namespace {

void ExpectNear(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-6 * std::max(1.0, std::fabs(expected)))
      << what;
}

TEST(InfluenceTest, MatchesMetaforOnTheBcgTrials) {
  std::ifstream in("services/analytics/meta/goldens/influence.golden");
  ASSERT_TRUE(in.good());
  std::vector<double> yi, vi, ablat;
  std::vector<StudyInfluence> influence;
  std::string line, label;
  int study = 0, models = 0;
  double baujat_x = 0, baujat_y = 0;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string tag;
    row >> tag;
    if (tag == "study") {
      double y, v, a;
      row >> y >> v >> a;
      yi.push_back(y);
      vi.push_back(v);
      ablat.push_back(a);
    } else if (tag == "model") {
      std::string mods, method, test;
      row >> mods >> method >> test;
      label = mods + " " + method + " " + test;
      Moderators moderators;
      if (mods == "ablat") moderators.numeric["ablat"] = ablat;
      absl::StatusOr<Design> design =
          BuildDesign(static_cast<int>(yi.size()), moderators);
      ASSERT_TRUE(design.ok()) << design.status();
      MetaRegressionOptions options;
      options.random_effects = method != "FE";
      options.tau2_method = method == "DL"   ? Tau2Method::kDerSimonianLaird
                            : method == "ML" ? Tau2Method::kML
                                             : Tau2Method::kRestrictedML;
      options.knha = test == "knha";
      absl::StatusOr<MetaRegressionFit> fit =
          FitMetaRegression(yi, vi, *design, options);
      ASSERT_TRUE(fit.ok()) << fit.status();
      absl::StatusOr<std::vector<StudyInfluence>> got =
          Influence(yi, vi, *design, options, *fit);
      ASSERT_TRUE(got.ok()) << got.status();
      influence = *got;
      study = 0;
      ++models;
    } else if (tag == "baujat") {
      row >> baujat_x >> baujat_y;
    } else if (tag == "inf") {
      double rstudent, dffits, cook, covr, tau2del, qedel, hat, weight;
      int infl;
      row >> rstudent >> dffits >> cook >> covr >> tau2del >> qedel >> hat >>
          weight >> infl;
      const StudyInfluence& s = influence.at(study);
      const std::string what = label + " study " + std::to_string(study + 1);
      ExpectNear(s.rstudent, rstudent, what + " rstudent");
      ExpectNear(s.dffits, dffits, what + " dffits");
      ExpectNear(s.cooks_distance, cook, what + " cook.d");
      ExpectNear(s.cov_ratio, covr, what + " cov.r");
      ExpectNear(s.tau2_deleted, tau2del, what + " tau2.del");
      ExpectNear(s.qe_deleted, qedel, what + " QE.del");
      ExpectNear(s.hat, hat, what + " hat");
      ExpectNear(s.weight_percent, weight, what + " weight");
      EXPECT_EQ(s.influential, infl == 1) << what;
      ExpectNear(s.baujat_x, baujat_x, what + " baujat x");
      ExpectNear(s.baujat_y, baujat_y, what + " baujat y");
      std::vector<double> dfbetas;
      for (double d; row >> d;) dfbetas.push_back(d);
      ASSERT_EQ(dfbetas.size(), s.dfbetas.size()) << what;
      for (size_t j = 0; j < dfbetas.size(); ++j) {
        ExpectNear(s.dfbetas[j], dfbetas[j],
                   what + " dfbetas " + std::to_string(j));
      }
      ++study;
    }
  }
  EXPECT_EQ(models, 5);
}

TEST(InfluenceTest, TooFewStudiesToLeaveOneOut) {
  Moderators dose;
  dose.numeric["dose"] = {0.1, 0.2, 0.3};
  absl::StatusOr<Design> design = BuildDesign(3, dose);
  ASSERT_TRUE(design.ok());
  absl::StatusOr<MetaRegressionFit> fit =
      FitMetaRegression({-1, -0.5, -0.2}, {0.1, 0.1, 0.1}, *design, {});
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(Influence({-1, -0.5, -0.2}, {0.1, 0.1, 0.1}, *design, {}, *fit)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kip::meta
