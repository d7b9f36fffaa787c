# The expected numbers of //tests/integration:metareg_test's mixed-input CSV:
# six studies of one MD analysis, each reported differently (arm means, arm
# medians with quartiles, change scores, a crossover, a CI, an estimate and
# SE), converted as conversions.R documents, then pooled by metafor.
# Run: Rscript mixed_inputs.R
suppressMessages(library(metafor))
luo_wan_s3 <- function(n, q1, m, q3) {
  eta <- 2 * qnorm((0.75 * n - 0.125) / (n + 0.25)); w <- 0.7 + 0.39 / n
  c(w * (q1 + q3) / 2 + (1 - w) * m, (q3 - q1) / eta)
}
t <- luo_wan_s3(25, 2, 3, 5); c <- luo_wan_s3(25, 3, 4.5, 6)
chg <- escalc(measure="MC", m1i=c(3.9, 5.2), m2i=c(6.5, 6.4), sd1i=c(1.8, 1.7), sd2i=c(1.2, 1.3),
              ni=c(20, 20), ri=c(0.5, 0.5))
sdchg <- sqrt(chg$vi * 20)
md <- escalc(measure="MD", m1i=c(3.0, t[1], chg$yi[1]), sd1i=c(1.5, t[2], sdchg[1]), n1i=c(30, 25, 20),
             m2i=c(4.2, c[1], chg$yi[2]), sd2i=c(1.6, c[2], sdchg[2]), n2i=c(30, 25, 20))
pr <- escalc(measure="MC", m1i=3.1, m2i=4.0, sd1i=1.2, sd2i=1.5, ni=16, ri=0.5)
yi <- c(md$yi, pr$yi, -1.05, -0.8)
vi <- c(md$vi, pr$vi, ((-0.5 - -1.6) / (2 * qnorm(0.975)))^2, 0.09)
for (m in c("FE", "REML")) {
  f <- rma(yi, vi, method=m, control=list(threshold=1e-12, tol=1e-12, maxiter=10000))
  cat(sprintf("%s %.12g %.12g %.12g %.12g\n", m, f$beta[1], f$se, f$ci.lb, f$tau2))
}
