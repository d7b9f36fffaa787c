# Goldens for services/analytics/meta/mh_peto_smd_test.cc (metafor 3.8.1):
# escalc(measure="SMD") on dat.normand1999; rma.mh() for RR, OR and RD and
# rma.peto() on dat.bcg (no zero cells) and dat.nielweise2007 (zero cells),
# with the per-study Peto ORs rma.peto reports.
# Run: Rscript mh_peto_smd.R > mh_peto_smd.golden
suppressMessages(library(metafor))
cat(sprintf("# metafor %s, %s\n", packageVersion("metafor"), R.version.string))
s <- escalc(measure="SMD", m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i,
            data=dat.normand1999)
for (i in seq_len(nrow(s))) with(dat.normand1999[i,],
  cat(sprintf("smd %.17g %.17g %.17g %.17g %.17g %.17g %.12g %.12g\n",
              m1i, sd1i, n1i, m2i, sd2i, n2i, s$yi[i], s$vi[i])))
sets <- list(bcg = with(dat.bcg, data.frame(ai=tpos, n1i=tpos+tneg, ci=cpos, n2i=cpos+cneg)),
             nielweise = with(dat.nielweise2007, data.frame(ai=ai, n1i=n1i, ci=ci, n2i=n2i)))
for (name in names(sets)) {
  d <- sets[[name]]
  cat(sprintf("data %s %d\n", name, nrow(d)))
  for (i in seq_len(nrow(d))) cat(sprintf("arms %d %d %d %d\n", d$ai[i], d$n1i[i], d$ci[i], d$n2i[i]))
  for (m in c("RR", "OR", "RD")) {
    fit <- rma.mh(ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=d, measure=m)
    cat(sprintf("mh %s %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %d\n", m,
      fit$beta[1], fit$se, fit$ci.lb, fit$ci.ub, fit$zval, fit$pval, fit$QE, fit$QEp,
      fit$I2, fit$H2, fit$k))
  }
  fit <- rma.peto(ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=d)
  cat(sprintf("peto OR %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %.12g %d\n",
    fit$beta[1], fit$se, fit$ci.lb, fit$ci.ub, fit$zval, fit$pval, fit$QE, fit$QEp,
    fit$I2, fit$H2, fit$k))
  # The per-study Peto ORs rma.peto shows (0.5 added to a zero-cell table).
  for (i in seq_along(fit$yi.f))
    cat(sprintf("petoyi %d %s\n", i - 1, if (is.na(fit$yi.f[i])) "NA" else sprintf("%.12g", fit$yi.f[i])))
}
