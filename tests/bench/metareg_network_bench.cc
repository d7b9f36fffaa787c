// Meta-regressions and network meta-analyses per second, in-process, beside
// metafor (rma with mods, and rma.mv) on the same data in the same run when
// Rscript with metafor is installed, as a ratio, with the estimates compared:
// a meta-regression of 100 studies on two numeric moderators and a
// three-level factor (REML), and the 10-treatment HbA1c network of
// dat.senn2013 (REML).
//
//   bazel run -c opt //tests/bench:metareg_network_bench [-- --seconds=3]
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/analytics/meta/meta_regression.h"
#include "services/analytics/meta/network.h"

ABSL_FLAG(double, seconds, 2, "measuring time per figure");

namespace {

using namespace kip::meta;  // NOLINT: a benchmark of this one engine

struct Measured {
  double per_second = 0;
  double value = 0;  // the dose coefficient, or the network's tau^2
};

std::string TempDir() {
  return ::getenv("TMPDIR") != nullptr ? ::getenv("TMPDIR") : "/tmp";
}

bool HaveMetafor() {
  return std::system(
             "Rscript -e 'suppressMessages(library(metafor))' >/dev/null "
             "2>&1") == 0;
}

std::optional<Measured> RunR(const std::string& command) {
  const std::string out = TempDir() + "/kip_bench_r.txt";
  if (std::system(absl::StrCat(command, " > ", out, " 2>/dev/null").c_str()) !=
      0)
    return std::nullopt;
  std::ifstream in(out);
  Measured m;
  if (!(in >> m.per_second >> m.value)) return std::nullopt;
  return m;
}

template <typename Fit>
Measured Time(Fit fit) {
  Measured m;
  int64_t fits = 0;
  const absl::Time start = absl::Now();
  const absl::Time stop = start + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  while (absl::Now() < stop) {
    m.value = fit();
    ++fits;
  }
  m.per_second = fits / absl::ToDoubleSeconds(absl::Now() - start);
  return m;
}

void MetaRegressionRow() {
  std::mt19937 rng(20261123);
  std::uniform_real_distribution<double> dose(0.1, 1.5), hours(1, 100),
      variance(0.02, 0.3);
  const char* controls[] = {"midazolam", "placebo", "pregabalin"};
  const int k = 100;
  std::vector<double> yi, vi;
  Moderators m;
  m.numeric_order = {"dose", "hours"};
  std::ofstream csv(TempDir() + "/kip_bench_metareg.csv");
  csv << "yi,vi,dose,hours,control\n";
  csv.precision(17);
  for (int i = 0; i < k; ++i) {
    const double d = dose(rng), h = hours(rng), v = variance(rng);
    const std::string c = controls[i % 3];
    std::normal_distribution<double> noise(0, std::sqrt(v + 0.05));
    yi.push_back(-0.4 - 0.6 * d + 0.002 * h + noise(rng));
    vi.push_back(v);
    m.numeric["dose"].push_back(d);
    m.numeric["hours"].push_back(h);
    m.categorical["control"].push_back(c);
    csv << yi.back() << "," << v << "," << d << "," << h << "," << c << "\n";
  }
  csv.close();
  const Design design = *BuildDesign(k, m);
  const Measured kip = Time([&] {
    return FitMetaRegression(yi, vi, design, {})->coefficients[1].estimate;
  });
  std::optional<Measured> r;
  if (HaveMetafor()) {
    r = RunR(absl::StrCat(
        "Rscript -e \"suppressMessages(library(metafor)); d <- read.csv('",
        TempDir(),
        "/kip_bench_metareg.csv'); n <- 0; t0 <- "
        "proc.time()[['elapsed']]; while (proc.time()[['elapsed']] "
        "- t0 < ",
        absl::GetFlag(FLAGS_seconds),
        ") { f <- rma(yi, vi, mods=~dose+hours+factor(control), data=d, "
        "method='REML'); n <- n + 1 }; cat(sprintf('%.17g %.17g\\n', n / "
        "(proc.time()[['elapsed']] - t0), f[['beta']][2]))\""));
  }
  if (r.has_value()) {
    std::printf("%-44s %12.0f %12.1f %7.0fx %12.3g\n",
                "meta-regression, 100 studies, 4 moderators", kip.per_second,
                r->per_second, kip.per_second / r->per_second,
                std::fabs(kip.value - r->value));
  } else {
    std::printf("%-44s %12.0f %12s   (Rscript with metafor not installed)\n",
                "meta-regression, 100 studies, 4 moderators", kip.per_second,
                "-");
  }
}

void NetworkRow() {
  // The HbA1c network, as services/analytics/meta/goldens/network.golden has
  // it.
  std::ifstream golden("services/analytics/meta/goldens/network.golden");
  std::vector<NetworkArm> arms;
  std::string line, current;
  const std::string csv_path = TempDir() + "/kip_bench_network.csv";
  std::ofstream csv(csv_path);
  csv << "study,treatment,mean,sd,n\n";
  csv.precision(17);
  while (std::getline(golden, line)) {
    std::stringstream row(line);
    std::string tag;
    row >> tag;
    if (tag == "network") row >> current;
    if (tag != "arm" || current != "senn") continue;
    NetworkArm a;
    row >> a.study >> a.treatment >> a.mean >> a.sd >> a.n;
    arms.push_back(a);
    csv << a.study << "," << a.treatment << "," << a.mean << "," << a.sd << ","
        << a.n << "\n";
  }
  csv.close();
  NetworkOptions options;
  options.reference = "placebo";
  const Measured kip = Time([&] { return FitNetwork(arms, options)->tau2; });
  std::optional<Measured> r;
  if (HaveMetafor()) {
    r = RunR(absl::StrCat("Rscript tests/bench/network_metafor.R ", csv_path,
                          " placebo ", absl::GetFlag(FLAGS_seconds)));
  }
  const char* what = "network, 10 treatments, 26 studies (senn2013)";
  if (r.has_value()) {
    std::printf("%-44s %12.0f %12.1f %7.0fx %12.3g\n", what, kip.per_second,
                r->per_second, kip.per_second / r->per_second,
                std::fabs(kip.value - r->value));
  } else {
    std::printf("%-44s %12.0f %12s   (Rscript with metafor not installed)\n",
                what, kip.per_second, "-");
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::printf(
      "Fits per second, KIP in-process beside metafor inside R, same data, "
      "same run\n(KIP's network fit includes the inconsistency model and "
      "every pairwise effect)\n");
  std::printf("%-44s %12s %12s %8s %12s\n", "", "KIP fits/s", "metafor",
              "ratio", "|d value|");
  MetaRegressionRow();
  NetworkRow();
  return 0;
}
