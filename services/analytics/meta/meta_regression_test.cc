// Meta-regression against metafor 3.8.1 (goldens/meta_regression.R): every
// coefficient, test, heterogeneity statistic and prediction of 16 fits of the
// BCG trials, to 1e-6 relative; plus the design and its errors.
#include "services/analytics/meta/meta_regression.h"

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"

namespace kip::meta {
namespace {

struct Study {
  double yi, vi, ablat, year;
  std::string alloc;
};

void ExpectNear(double actual, double expected, const std::string& what) {
  const double tolerance = 1e-6 * std::max(1.0, std::fabs(expected));
  EXPECT_NEAR(actual, expected, tolerance) << what;
}

Tau2Method MethodOf(const std::string& name) {
  if (name == "DL") return Tau2Method::kDerSimonianLaird;
  if (name == "ML") return Tau2Method::kML;
  return Tau2Method::kRestrictedML;
}

Moderators ModeratorsOf(const std::vector<Study>& studies,
                        const std::string& model) {
  Moderators m;
  for (const Study& s : studies) {
    m.numeric["ablat"].push_back(s.ablat);
    if (model == "ablat_year") m.numeric["year"].push_back(s.year);
    if (model == "ablat_alloc")
      m.categorical["factor(alloc)"].push_back(s.alloc);
  }
  m.numeric_order = model == "ablat_year"
                        ? std::vector<std::string>{"ablat", "year"}
                        : std::vector<std::string>{"ablat"};
  return m;
}

// "ablat=10,year=1960" -> the design row.
std::vector<double> RowOf(const Design& design, const std::string& spec) {
  std::map<std::string, double> numeric;
  std::map<std::string, std::string> categorical;
  std::stringstream parts(spec);
  std::string part;
  while (std::getline(parts, part, ',')) {
    const size_t eq = part.find('=');
    const std::string name = part.substr(0, eq), value = part.substr(eq + 1);
    if (name == "alloc") {
      categorical["factor(alloc)"] = value;
    } else {
      numeric[name] = std::stod(value);
    }
  }
  absl::StatusOr<std::vector<double>> row =
      DesignRow(design, numeric, categorical);
  EXPECT_TRUE(row.ok()) << row.status();
  return row.ok() ? *row : std::vector<double>();
}

TEST(MetaRegressionTest, MatchesMetaforOnTheBcgTrials) {
  std::ifstream in("services/analytics/meta/goldens/meta_regression.golden");
  ASSERT_TRUE(in.good());
  std::vector<Study> studies;
  std::vector<double> yi, vi;
  std::string line;
  absl::StatusOr<MetaRegressionFit> fit;
  Design design;
  std::string label;
  int coefficient = 0, fits = 0, predictions = 0;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string tag;
    row >> tag;
    if (tag == "study") {
      Study s;
      row >> s.yi >> s.vi >> s.ablat >> s.year >> s.alloc;
      studies.push_back(s);
      yi.push_back(s.yi);
      vi.push_back(s.vi);
    } else if (tag == "model") {
      std::string model, method, test;
      row >> model >> method >> test;
      label = model + " " + method + " " + test;
      absl::StatusOr<Design> built = BuildDesign(
          static_cast<int>(studies.size()), ModeratorsOf(studies, model));
      ASSERT_TRUE(built.ok()) << built.status();
      design = *built;
      MetaRegressionOptions options;
      options.random_effects = method != "FE";
      options.tau2_method = MethodOf(method);
      options.knha = test == "knha";
      fit = FitMetaRegression(yi, vi, design, options);
      ASSERT_TRUE(fit.ok()) << label << ": " << fit.status();
      coefficient = 0;
      ++fits;
    } else if (tag == "coef") {
      std::string name;
      double est, se, z, p, lb, ub;
      row >> name >> est >> se >> z >> p >> lb >> ub;
      const Coefficient& c = fit->coefficients.at(coefficient++);
      const std::string what = label + " " + name;
      EXPECT_EQ(c.name, name);
      ExpectNear(c.estimate, est, what + " estimate");
      ExpectNear(c.se, se, what + " se");
      ExpectNear(c.z_or_t, z, what + " z");
      ExpectNear(c.p_value, p, what + " p");
      ExpectNear(c.ci_lower, lb, what + " ci.lb");
      ExpectNear(c.ci_upper, ub, what + " ci.ub");
    } else if (tag == "stats") {
      double qm, qmp, qe, qep, tau2, i2, h2, r2;
      int qmdf, qedf;
      row >> qm >> qmdf >> qmp >> qe >> qedf >> qep >> tau2 >> i2 >> h2 >> r2;
      ExpectNear(fit->qm, qm, label + " QM");
      EXPECT_EQ(fit->qm_df, qmdf) << label;
      ExpectNear(fit->qm_p_value, qmp, label + " QMp");
      ExpectNear(fit->qe, qe, label + " QE");
      EXPECT_EQ(fit->qe_df, qedf) << label;
      ExpectNear(fit->qe_p_value, qep, label + " QEp");
      ExpectNear(fit->tau2, tau2, label + " tau2");
      ExpectNear(fit->i2_percent, i2, label + " I2");
      ExpectNear(fit->h2, h2, label + " H2");
      ASSERT_TRUE(fit->has_r2);
      ExpectNear(fit->r2_percent, r2, label + " R2");
    } else if (tag == "pred") {
      std::string spec;
      double est, se, lb, ub, pilb, piub;
      row >> spec >> est >> se >> lb >> ub >> pilb >> piub;
      absl::StatusOr<Prediction> p = Predict(*fit, RowOf(design, spec));
      ASSERT_TRUE(p.ok()) << p.status();
      const std::string what = label + " at " + spec;
      ExpectNear(p->estimate, est, what + " pred");
      ExpectNear(p->se, se, what + " se");
      ExpectNear(p->ci_lower, lb, what + " ci.lb");
      ExpectNear(p->ci_upper, ub, what + " ci.ub");
      ExpectNear(p->pi_lower, pilb, what + " pi.lb");
      ExpectNear(p->pi_upper, piub, what + " pi.ub");
      ++predictions;
    }
  }
  EXPECT_EQ(fits, 16);
  EXPECT_EQ(predictions, 48);
}

TEST(MetaRegressionTest, BadDesignsAreRefusedByName) {
  Moderators constant;
  constant.numeric["dose_mg_per_kg"] = {0.5, 0.5, 0.5, 0.5};
  EXPECT_THAT(std::string(BuildDesign(4, constant).status().message()),
              ::testing::HasSubstr("rank-deficient"));
  Moderators short_column;
  short_column.numeric["dose_mg_per_kg"] = {0.5, 0.2};
  EXPECT_THAT(std::string(BuildDesign(4, short_column).status().message()),
              ::testing::HasSubstr("dose_mg_per_kg"));
  Moderators one_level;
  one_level.categorical["control"] = {"placebo", "placebo", "placebo"};
  EXPECT_THAT(std::string(BuildDesign(3, one_level).status().message()),
              ::testing::HasSubstr("two levels"));
  Moderators dose;
  dose.numeric["dose"] = {0.1, 0.2, 0.3};
  absl::StatusOr<Design> design = BuildDesign(3, dose);
  ASSERT_TRUE(design.ok());
  // Three studies, two coefficients: one residual df is enough; two studies
  // are not.
  EXPECT_TRUE(
      FitMetaRegression({-1, -0.5, -0.2}, {0.1, 0.1, 0.1}, *design, {}).ok());
  Design two = *design;
  two.rows.pop_back();
  EXPECT_EQ(FitMetaRegression({-1, -0.5}, {0.1, 0.1}, two, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DesignRow(*design, {}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// 10,000 studies: the estimators never form a k x k matrix (it would be
// 800 MB), so this is quick and small.
TEST(MetaRegressionTest, TenThousandStudiesFitInLinearMemory) {
  const int k = 10000;
  std::vector<double> yi, vi;
  Moderators m;
  for (int i = 0; i < k; ++i) {
    const double dose = 0.1 + (i % 50) * 0.03;
    yi.push_back(-0.5 - 0.4 * dose + ((i * 7919) % 101 - 50) / 100.0);
    vi.push_back(0.05 + (i % 13) * 0.01);
    m.numeric["dose"].push_back(dose);
    m.categorical["control"].push_back(i % 3 == 0 ? "placebo" : "midazolam");
  }
  absl::StatusOr<Design> design = BuildDesign(k, m);
  ASSERT_TRUE(design.ok()) << design.status();
  for (Tau2Method method : {Tau2Method::kRestrictedML, Tau2Method::kML,
                            Tau2Method::kDerSimonianLaird}) {
    MetaRegressionOptions options;
    options.tau2_method = method;
    absl::StatusOr<MetaRegressionFit> fit =
        FitMetaRegression(yi, vi, *design, options);
    ASSERT_TRUE(fit.ok()) << fit.status();
    EXPECT_NEAR(fit->coefficients[1].estimate, -0.4, 0.1);
  }
}

}  // namespace
}  // namespace kip::meta
