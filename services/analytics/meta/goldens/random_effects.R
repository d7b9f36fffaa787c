# Goldens for services/analytics/meta/tau2_test.cc: metafor rma() for every
# tau^2 estimator, with and without the Knapp-Hartung (knha) adjustment, the
# Q-profile CI of tau^2 and the prediction interval, on three datasets shipped
# with metafor. Run: Rscript random_effects.R > random_effects.golden
# Iterative estimators (REML, ML, PM) and the Q-profile CI are run to a
# tolerance of 1e-10..1e-12 (metafor's defaults stop at changes of 1e-5, resp.
# uniroot's 1.2e-4), so the goldens are the exact solutions to ~12 digits.
suppressMessages(library(metafor))
cat(sprintf("# metafor %s, %s\n", packageVersion("metafor"), R.version.string))
sets <- list(
  bcg = escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg),
  normand = escalc(measure="MD", m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i,
                   n2i=n2i, data=dat.normand1999),
  hackshaw = dat.hackshaw1998)
for (name in names(sets)) {
  d <- sets[[name]]
  cat(sprintf("data %s %d\n", name, nrow(d)))
  for (i in seq_len(nrow(d))) cat(sprintf("yi_vi %.17g %.17g\n", d$yi[i], d$vi[i]))
  for (m in c("FE", "DL", "REML", "ML", "PM", "HE", "SJ")) {
    for (test in c("z", "knha")) {
      if (m == "FE" && test == "knha") next
      fit <- rma(yi, vi, data=d, method=m, test=test,
                 control=list(threshold=1e-10, tol=1e-12, maxiter=10000))
      p <- predict(fit)
      pi_lb <- if (is.null(p$pi.lb)) p$ci.lb else p$pi.lb
      pi_ub <- if (is.null(p$pi.ub)) p$ci.ub else p$pi.ub
      if (m != "FE") {
        ci <- confint(fit, control=list(tol=1e-12, maxiter=10000))$random
        t2l <- ci["tau^2", "ci.lb"]; t2u <- ci["tau^2", "ci.ub"]
      } else { t2l <- 0; t2u <- 0 }
      cat(sprintf("fit %s %s %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g\n",
        m, test, fit$beta[1], fit$se, fit$ci.lb, fit$ci.ub, fit$zval, fit$pval,
        fit$tau2, fit$QE, fit$QEp, fit$I2, fit$H2, pi_lb, pi_ub, t2l, t2u))
    }
  }
}
