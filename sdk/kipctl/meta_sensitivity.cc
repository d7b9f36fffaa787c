#include "sdk/kipctl/meta_sensitivity.h"

#include <cstdio>

#include "sdk/kipctl/analytics_args.h"

namespace kip::kipctl {
namespace {

namespace av1 = kip::analytics::v1;
using nlohmann::json;

json Pooled(const av1::PooledResult& p) {
  return {{"study", p.name()},
          {"k", p.k()},
          {"estimate", JsonNumber(p.estimate())},
          {"ci_lower", JsonNumber(p.ci_lower())},
          {"ci_upper", JsonNumber(p.ci_upper())},
          {"p_value", JsonNumber(p.p_value())},
          {"tau2", JsonNumber(p.tau2())},
          {"i2", JsonNumber(p.i2())}};
}

void PrintPooledRows(
    const char* title, const char* column,
    const google::protobuf::RepeatedPtrField<av1::PooledResult>& rows) {
  if (rows.empty()) return;
  std::printf("\n%s\n%-28s %4s %10s %22s %8s\n", title, column, "k", "estimate",
              "95% CI", "I2");
  for (const av1::PooledResult& p : rows) {
    std::printf("%-28.28s %4d %10.4f   [%8.4f, %8.4f] %7.1f%%\n",
                p.name().c_str(), p.k(), p.estimate(), p.ci_lower(),
                p.ci_upper(), p.i2());
  }
}

}  // namespace

void AddSensitivityJson(const av1::RunMetaAnalysisResponse& r, json& out) {
  if (!r.leave_one_out().empty()) {
    out["leave_one_out"] = json::array();
    for (const auto& p : r.leave_one_out())
      out["leave_one_out"].push_back(Pooled(p));  // study = the one left out
  }
  if (!r.cumulative().empty()) {
    out["cumulative"] = json::array();
    for (const auto& p : r.cumulative())
      out["cumulative"].push_back(Pooled(p));  // study = the one added
  }
  if (r.has_trim_and_fill()) {
    const av1::TrimAndFill& t = r.trim_and_fill();
    json adjusted = Pooled(t.adjusted());
    adjusted.erase("study");
    out["trim_and_fill"] = {{"missing_studies", t.missing_studies()},
                            {"side", t.side()},
                            {"adjusted", adjusted}};
  }
  if (!r.influence().empty()) {
    out["influence"] = json::array();
    for (const auto& s : r.influence()) {
      out["influence"].push_back(
          {{"study", s.study()},
           {"rstudent", JsonNumber(s.rstudent())},
           {"dffits", JsonNumber(s.dffits())},
           {"cooks_distance", JsonNumber(s.cooks_distance())},
           {"cov_ratio", JsonNumber(s.cov_ratio())},
           {"tau2_deleted", JsonNumber(s.tau2_deleted())},
           {"qe_deleted", JsonNumber(s.qe_deleted())},
           {"hat", JsonNumber(s.hat())},
           {"weight_percent", JsonNumber(s.weight_percent())},
           {"dfbetas", JsonNumber(s.dfbetas())},
           {"heterogeneity_contribution",
            JsonNumber(s.heterogeneity_contribution())},
           {"influence_on_result", JsonNumber(s.influence_on_result())},
           {"influential", s.influential()}});
    }
  }
}

void PrintSensitivity(const av1::RunMetaAnalysisResponse& r) {
  PrintPooledRows("Leave-one-out (pooled without the study)", "left out",
                  r.leave_one_out());
  PrintPooledRows("Cumulative by year (pooled up to the study)", "added",
                  r.cumulative());
  if (r.has_trim_and_fill()) {
    const av1::TrimAndFill& t = r.trim_and_fill();
    std::printf(
        "\nTrim-and-fill: %d studies estimated missing on the %s; adjusted "
        "%.4f [%.4f, %.4f]\n",
        t.missing_studies(), t.side().c_str(), t.adjusted().estimate(),
        t.adjusted().ci_lower(), t.adjusted().ci_upper());
  }
  if (!r.influence().empty()) {
    std::printf("\nInfluence (metafor's influence(); * = influential)\n");
    std::printf("%-28s %9s %9s %9s %8s %9s %9s %7s %7s %8s\n", "study",
                "rstudent", "dffits", "cook.d", "cov.r", "tau2.del", "QE.del",
                "hat", "weight", "dfbetas");
    for (const auto& s : r.influence()) {
      std::printf(
          "%-28.28s %9.4f %9.4f %9.4f %8.4f %9.4f %9.3f %7.4f %6.2f%% "
          "%8.4f %s\n",
          s.study().c_str(), s.rstudent(), s.dffits(), s.cooks_distance(),
          s.cov_ratio(), s.tau2_deleted(), s.qe_deleted(), s.hat(),
          s.weight_percent(), s.dfbetas(), s.influential() ? "*" : "");
    }
  }
}

}  // namespace kip::kipctl
