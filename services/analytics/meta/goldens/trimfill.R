# Goldens for services/analytics/meta/trim_and_fill_test.cc: metafor 3.8.1
# trimfill() (estimator L0, side chosen by metafor) after rma() with FE, DL
# and REML on the random_effects datasets. Run: Rscript trimfill.R > trimfill.golden
suppressMessages(library(metafor))
cat(sprintf("# metafor %s, %s\n", packageVersion("metafor"), R.version.string))
sets <- list(
  bcg = escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg),
  normand = escalc(measure="MD", m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i,
                   n2i=n2i, data=dat.normand1999),
  hackshaw = dat.hackshaw1998)
for (name in names(sets)) {
  d <- sets[[name]]
  for (m in c("FE", "DL", "REML")) {
    fit <- rma(yi, vi, data=d, method=m, control=list(threshold=1e-10, maxiter=10000))
    tf <- trimfill(fit, control=list(threshold=1e-10, maxiter=10000))
    cat(sprintf("trimfill %s %s %d %s %.12g %.12g %.12g %.12g\n", name, m, tf$k0, tf$side,
                tf$beta[1], tf$se, tf$tau2, tf$ci.lb))
  }
}
