// Random-effects REML meta-analyses per second for 16 and for 1,000 studies,
// in-process, beside metafor's rma(method="REML") on the same data in the
// same run (when Rscript with metafor is installed), as a ratio, with the
// estimates compared. Goal: >= 100x metafor with identical numbers.
//
//   bazel run -c opt //tests/bench:meta_analysis_bench [-- --seconds=3]
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/analytics/meta/pooling.h"

ABSL_FLAG(double, seconds, 2, "measuring time per figure");

namespace {

using kip::meta::Effect;

std::vector<Effect> Studies(int k, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> theta(-0.5, 0.4);
  std::uniform_real_distribution<double> variance(0.01, 0.3);
  std::vector<Effect> effects;
  for (int i = 0; i < k; ++i) {
    const double v = variance(rng);
    std::normal_distribution<double> noise(0, std::sqrt(v));
    effects.push_back({theta(rng) + noise(rng), v, false});
  }
  return effects;
}

struct Measured {
  double fits_per_second = 0;
  double estimate = 0, tau2 = 0;
};

Measured Kip(const std::vector<Effect>& effects) {
  kip::meta::PoolOptions options;
  options.tau2_method = kip::meta::Tau2Method::kRestrictedML;
  Measured m;
  int64_t fits = 0;
  const absl::Time start = absl::Now();
  const absl::Time stop = start + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  while (absl::Now() < stop) {
    for (int i = 0; i < 10; ++i) {
      auto fit = kip::meta::Pool(effects, options);
      m.estimate = fit->estimate;
      m.tau2 = fit->tau2;
      ++fits;
    }
  }
  m.fits_per_second = fits / absl::ToDoubleSeconds(absl::Now() - start);
  return m;
}

// metafor's own timing of the same fits, from inside R (no process start-up).
std::optional<Measured> Metafor(const std::vector<Effect>& effects) {
  if (std::system(
          "Rscript -e 'suppressMessages(library(metafor))' >/dev/null 2>&1") !=
      0) {
    return std::nullopt;
  }
  const std::string dir = ::getenv("TMPDIR") ? ::getenv("TMPDIR") : "/tmp";
  const std::string csv = dir + "/kip_bench_studies.csv",
                    out = dir + "/kip_bench_metafor.txt";
  {
    std::ofstream f(csv);
    f << "yi,vi\n";
    f.precision(17);
    for (const Effect& e : effects)
      f << e.estimate << "," << e.variance << "\n";
  }
  const std::string script = absl::StrCat(
      "suppressMessages(library(metafor)); d <- read.csv('", csv,
      "'); n <- 0; ", "t0 <- proc.time()[['elapsed']]; ",
      "while (proc.time()[['elapsed']] - t0 < ", absl::GetFlag(FLAGS_seconds),
      ") { ", "f <- rma(yi, vi, data=d, method='REML'); n <- n + 1 }; ",
      "el <- proc.time()[['elapsed']] - t0; ",
      "cat(sprintf('%.17g %.17g %.17g\\n', n / el, f[['beta']][1], f[['tau2']]))");
  if (std::system(
          absl::StrCat("Rscript -e \"", script, "\" > ", out, " 2>/dev/null")
              .c_str()) != 0) {
    return std::nullopt;
  }
  std::ifstream in(out);
  Measured m;
  if (!(in >> m.fits_per_second >> m.estimate >> m.tau2)) return std::nullopt;
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::printf(
      "REML random-effects meta-analyses per second (KIP also computes the "
      "Q-profile\n"
      "CI of tau^2 and the prediction interval; metafor's rma() does not)\n");
  std::printf("%-8s %14s %14s %8s %14s %14s\n", "studies", "KIP fits/s",
              "metafor fits/s", "ratio", "|d estimate|", "|d tau2|");
  for (int k : {16, 1000}) {
    const std::vector<Effect> effects = Studies(k, 6962 + k);
    const Measured kip = Kip(effects);
    const std::optional<Measured> r = Metafor(effects);
    if (r.has_value()) {
      std::printf(
          "%-8d %14.0f %14.1f %7.0fx %14.3g %14.3g\n", k, kip.fits_per_second,
          r->fits_per_second, kip.fits_per_second / r->fits_per_second,
          std::fabs(kip.estimate - r->estimate), std::fabs(kip.tau2 - r->tau2));
    } else {
      std::printf(
          "%-8d %14.0f %14s %8s   (Rscript with metafor not installed)\n", k,
          kip.fits_per_second, "-", "-");
    }
  }
  return 0;
}
