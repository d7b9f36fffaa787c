# Goldens for services/analytics/meta/influence_test.cc: metafor's
# influence() - studentized deleted residuals, DFFITS, Cook's distances,
# covariance ratios, tau^2 and QE with each study left out, hat values,
# weights, DFBETAS, the influential flag and baujat()'s x and y - for
# intercept-only and
# meta-regression models on dat.bcg (log risk ratios), REML and DL, z and
# Knapp-Hartung. Run: Rscript influence.R > influence.golden
suppressMessages(library(metafor))
cat(sprintf("# metafor %s, %s\n", packageVersion("metafor"), R.version.string))
d <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
cat(sprintf("data bcg %d\n", nrow(d)))
for (i in seq_len(nrow(d))) cat(sprintf("study %.17g %.17g %.17g\n", d$yi[i], d$vi[i], d$ablat[i]))
ctrl <- list(threshold=1e-12, tol=1e-12, maxiter=10000)
fits <- list(
  c("intercept", "REML", "z"), c("intercept", "DL", "knha"), c("intercept", "FE", "z"),
  c("ablat", "REML", "z"), c("ablat", "ML", "knha"))
for (f in fits) {
  mods <- if (f[1] == "ablat") ~ ablat else ~ 1
  fit <- rma(yi, vi, mods=mods, data=d, method=f[2], test=f[3], control=ctrl)
  inf <- influence(fit)
  db <- as.matrix(dfbetas(fit))
  pdf(NULL); bj <- baujat(fit); invisible(dev.off())
  cat(sprintf("model %s %s %s\n", f[1], f[2], f[3]))
  for (i in seq_len(nrow(d))) {
    dfbs <- paste(sprintf("%.12g", db[i, ]), collapse=" ")
    cat(sprintf("baujat %.12g %.12g\n", bj$x[i], bj$y[i]))
    cat(sprintf("inf %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %d %s\n",
        inf$inf$rstudent[i], inf$inf$dffits[i], inf$inf$cook.d[i], inf$inf$cov.r[i],
        inf$inf$tau2.del[i], inf$inf$QE.del[i], inf$inf$hat[i], inf$inf$weight[i],
        as.integer(inf$is.infl[i]), dfbs))
  }
}
