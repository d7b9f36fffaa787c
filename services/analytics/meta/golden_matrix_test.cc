// Every measure x method x tau^2 estimator on three published datasets each,
// through RunMetaAnalysis with the metafor convention, against metafor 3.8.1
// (goldens/matrix.{golden,R}): 117 analyses, estimate, SE, tau^2, Q and I^2 to
// a relative 1e-6.
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/analytics/meta/meta_analysis.h"

namespace kip::meta {
namespace {

void ExpectClose(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-6 * std::max(std::fabs(expected), 1e-9))
      << what;
}

TEST(GoldenMatrixTest, EveryMeasureMethodAndEstimatorMatchesMetafor) {
  std::ifstream in("services/analytics/meta/goldens/matrix.golden");
  ASSERT_TRUE(in.good());
  std::map<std::string, std::vector<av1::StudyData>> sets;
  std::string line, current;
  int compared = 0;
  while (std::getline(in, line)) {
    std::istringstream w(line);
    std::string kind;
    w >> kind;
    if (kind == "dich" || kind == "cont") {
      w >> current;
    } else if (kind == "row") {
      av1::StudyData s;
      s.set_study(absl::StrCat(current, " ", sets[current].size() + 1));
      if (line.find('.') == std::string::npos &&
          std::count(line.begin(), line.end(), ' ') == 4) {
        int64_t a, n1, c, n2;
        w >> a >> n1 >> c >> n2;
        auto* d = s.mutable_dichotomous();
        d->set_events_treatment(a);
        d->set_total_treatment(n1);
        d->set_events_control(c);
        d->set_total_control(n2);
      } else {
        double m1, sd1, n1, m2, sd2, n2;
        w >> m1 >> sd1 >> n1 >> m2 >> sd2 >> n2;
        auto* c = s.mutable_continuous();
        c->set_mean_treatment(m1);
        c->set_sd_treatment(sd1);
        c->set_n_treatment(static_cast<int64_t>(n1));
        c->set_mean_control(m2);
        c->set_sd_control(sd2);
        c->set_n_control(static_cast<int64_t>(n2));
      }
      sets[current].push_back(s);
    } else if (kind == "fit") {
      std::string set, measure, method;
      double estimate, se, tau2, q, i2;
      int k;
      w >> set >> measure >> method >> estimate >> se >> tau2 >> q >> i2 >> k;
      av1::RunMetaAnalysisRequest request;
      for (const auto& s : sets.at(set)) *request.add_studies() = s;
      av1::MetaAnalysisOptions* o = request.mutable_options();
      av1::EffectMeasure m;
      ASSERT_TRUE(av1::EffectMeasure_Parse(measure, &m));
      o->set_measure(m);
      o->set_convention(av1::METAFOR);
      const std::map<std::string, av1::Tau2Estimator> tau2_methods = {
          {"DL", av1::DERSIMONIAN_LAIRD},
          {"REML", av1::REML},
          {"ML", av1::MAXIMUM_LIKELIHOOD},
          {"PM", av1::PAULE_MANDEL},
          {"HE", av1::HEDGES},
          {"SJ", av1::SIDIK_JONKMAN}};
      if (method == "MH" || method == "PETO" || method == "FE") {
        o->set_model(av1::FIXED_EFFECT);
        o->set_method(method == "MH"     ? av1::MANTEL_HAENSZEL
                      : method == "PETO" ? av1::PETO
                                         : av1::INVERSE_VARIANCE);
      } else {
        o->set_model(av1::RANDOM_EFFECTS);
        o->set_method(av1::INVERSE_VARIANCE);
        o->set_tau2_estimator(tau2_methods.at(method));
      }
      auto result = RunMetaAnalysis(request);
      const std::string at = set + " " + measure + " " + method + ": ";
      ASSERT_TRUE(result.ok()) << at << result.status();
      const auto& r = result->overall();
      const bool ratio = m == av1::RR || m == av1::OR || m == av1::PETO_OR;
      ExpectClose(ratio ? std::log(r.estimate()) : r.estimate(), estimate,
                  at + "estimate");
      ExpectClose(r.se(), se, at + "se");
      ExpectClose(r.tau2(), tau2, at + "tau2");
      ExpectClose(r.q(), q, at + "Q");
      ExpectClose(r.i2(), i2, at + "I2");
      // rma.mh/rma.peto count double-zero studies in k; KIP lists them as
      // excluded.
      if (method != "MH" && method != "PETO") {
        EXPECT_EQ(r.k(), k) << at;
      }
      ++compared;
    }
  }
  EXPECT_EQ(compared, 117);
}

}  // namespace
}  // namespace kip::meta
