# Goldens for services/analytics/meta/meta_regression_test.cc: metafor rma()
# with moderators (a continuous pair, and a continuous plus a categorical),
# fixed and random effects (DL, REML, ML), z and Knapp-Hartung tests, and
# predict() at new moderator values. Data: dat.bcg (log risk ratios), shipped
# with metafor. Iterative estimators run to 1e-12.
# Run: Rscript meta_regression.R > meta_regression.golden
suppressMessages(library(metafor))
cat(sprintf("# metafor %s, %s\n", packageVersion("metafor"), R.version.string))
d <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
cat(sprintf("data bcg %d\n", nrow(d)))
for (i in seq_len(nrow(d)))
  cat(sprintf("study %.17g %.17g %.17g %.17g %s\n", d$yi[i], d$vi[i], d$ablat[i], d$year[i], d$alloc[i]))
models <- list(ablat_year = ~ ablat + year, ablat_alloc = ~ ablat + factor(alloc))
newmods <- list(ablat_year = rbind(c(10, 1960), c(30, 1970), c(50, 1980)),
                ablat_alloc = rbind(c(10, 0, 1), c(30, 0, 0), c(50, 1, 0)))
newnames <- list(ablat_year = c("ablat=10,year=1960", "ablat=30,year=1970", "ablat=50,year=1980"),
                 ablat_alloc = c("ablat=10,alloc=systematic", "ablat=30,alloc=alternate", "ablat=50,alloc=random"))
for (model in names(models)) {
  for (m in c("FE", "DL", "REML", "ML")) {
    for (test in c("z", "knha")) {
      fit <- rma(yi, vi, mods=models[[model]], data=d, method=m, test=test,
                 control=list(threshold=1e-12, tol=1e-12, maxiter=10000))
      cat(sprintf("model %s %s %s\n", model, m, test))
      for (j in seq_along(fit$beta))
        cat(sprintf("coef %s %.12g %.12g %.12g %.12g %.12g %.12g\n", rownames(fit$beta)[j],
            fit$beta[j], fit$se[j], fit$zval[j], fit$pval[j], fit$ci.lb[j], fit$ci.ub[j]))
      r2 <- if (is.null(fit$R2) || is.na(fit$R2)) -1 else fit$R2
      cat(sprintf("stats %.12g %d %.12g %.12g %d %.12g %.12g %.12g %.12g %.12g\n", fit$QM, fit$QMdf[1],
          fit$QMp, fit$QE, fit$k - fit$p, fit$QEp, fit$tau2, fit$I2, fit$H2, r2))
      p <- predict(fit, newmods=newmods[[model]])
      pi_lb <- if (is.null(p$pi.lb)) p$ci.lb else p$pi.lb
      pi_ub <- if (is.null(p$pi.ub)) p$ci.ub else p$pi.ub
      for (j in seq_along(p$pred))
        cat(sprintf("pred %s %.12g %.12g %.12g %.12g %.12g %.12g\n", newnames[[model]][j],
            p$pred[j], p$se[j], p$ci.lb[j], p$ci.ub[j], pi_lb[j], pi_ub[j]))
    }
  }
}
