# Goldens for services/analytics/meta/conversions_test.cc.
# - paired (crossover) mean differences and change scores: metafor's escalc
#   measure "MC" (yi = m1 - m2, vi = (sd1^2 + sd2^2 - 2 r sd1 sd2) / n); a
#   change score's SD is sqrt(vi * n) of escalc("MC", final, baseline).
# - CI -> SE: metafor 3.8.1 has no conv.wald(); written out in R, as its
#   documentation gives it: (T(ub) - T(lb)) / (2 qnorm(1 - alpha/2)).
# - median/quartiles/range -> mean (Luo et al. 2018, Table 1 weights) and SD
#   (Wan et al. 2014, eqs. 7, 9, 16): metafor 3.8.1 has no conv.fivenum();
#   written out in R from the papers, independently of the C++.
# Run: Rscript conversions.R > conversions.golden
suppressMessages(library(metafor))
cat(sprintf("# metafor %s, %s\n", packageVersion("metafor"), R.version.string))
p <- data.frame(n=c(12, 20, 35), m1=c(3.1, 4.2, 2.0), sd1=c(1.2, 2.0, 0.9),
                m2=c(4.0, 5.1, 2.6), sd2=c(1.5, 1.8, 1.1), r=c(0.5, 0.7, -0.2))
e <- escalc(measure="MC", m1i=m1, m2i=m2, sd1i=sd1, sd2i=sd2, ni=n, ri=r, data=p)
for (i in seq_len(nrow(p)))
  cat(sprintf("paired %g %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n", p$n[i], p$m1[i], p$sd1[i],
              p$m2[i], p$sd2[i], p$r[i], e$yi[i], e$vi[i]))
# change: final m1/sd1, baseline m2/sd2
for (i in seq_len(nrow(p)))
  cat(sprintf("change %g %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n", p$n[i], p$m2[i], p$sd2[i],
              p$m1[i], p$sd1[i], p$r[i], e$yi[i], sqrt(e$vi[i] * p$n[i])))
ci <- function(est, lb, ub, level, ratio) {
  t <- if (ratio) log else identity
  c(t(est), ((t(ub) - t(lb)) / (2 * qnorm(1 - (1 - level) / 2)))^2)
}
for (x in list(list(0.62, 0.41, 0.94, 0.95, 1), list(1.8, 1.1, 2.95, 0.9, 1),
               list(-1.05, -1.6, -0.5, 0.95, 0))) {
  r <- ci(x[[1]], x[[2]], x[[3]], x[[4]], x[[5]] == 1)
  cat(sprintf("interval %.17g %.17g %.17g %.17g %d %.17g %.17g\n", x[[1]], x[[2]], x[[3]], x[[4]],
              x[[5]], r[1], r[2]))
}
luo_wan <- function(n, a, q1, m, q3, b) {
  xi <- 2 * qnorm((n - 0.375) / (n + 0.25)); eta <- 2 * qnorm((0.75 * n - 0.125) / (n + 0.25))
  if (!is.na(a) && !is.na(q1)) {
    w1 <- 2.2 / (2.2 + n^0.75); w2 <- 0.7 - 0.72 / n^0.55
    c(w1 * (a + b) / 2 + w2 * (q1 + q3) / 2 + (1 - w1 - w2) * m, (b - a) / (2 * xi) + (q3 - q1) / (2 * eta))
  } else if (!is.na(a)) {
    w <- 4 / (4 + n^0.75); c(w * (a + b) / 2 + (1 - w) * m, (b - a) / xi)
  } else {
    w <- 0.7 + 0.39 / n; c(w * (q1 + q3) / 2 + (1 - w) * m, (q3 - q1) / eta)
  }
}
cases <- list(c(25, 1, 3, 5, 7, 10), c(25, 1, NA, 5, NA, 10), c(25, NA, 3, 5, 7, NA),
              c(8, 0, 2, 3, 6, 9), c(140, 12, 20, 24, 31, 47), c(140, NA, 20, 24, 31, NA))
for (x in cases) {
  r <- luo_wan(x[1], x[2], x[3], x[4], x[5], x[6])
  f <- function(v) if (is.na(v)) "NA" else sprintf("%.17g", v)
  cat(sprintf("median %g %s %s %.17g %s %s %.17g %.17g\n", x[1], f(x[2]), f(x[3]), x[4], f(x[5]), f(x[6]), r[1], r[2]))
}
