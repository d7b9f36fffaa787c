# Goldens for services/analytics/meta/golden_matrix_test.cc: every measure x
# method x tau^2 estimator on three published datasets each (metafor 3.8.1,
# its own conventions): escalc() + rma() for the inverse-variance analyses
# (FE and DL, REML, ML, PM, HE, SJ; iterative ones to 1e-12, PM searched up
# to tau^2 = 1e6 instead of metafor's default 100), rma.mh() and
# rma.peto() for the table methods.
# Dichotomous: dat.bcg (Colditz 1994), dat.nielweise2007 (zero cells),
# dat.yusuf1985 table 6. Continuous: dat.normand1999, dat.curtis1998,
# dat.gibson2002 (studies with means). Run: Rscript matrix.R > matrix.golden
suppressMessages(library(metafor))
cat(sprintf("# metafor %s, %s\n", packageVersion("metafor"), R.version.string))
dich <- list(
  bcg = with(dat.bcg, data.frame(ai=tpos, n1i=tpos+tneg, ci=cpos, n2i=cpos+cneg)),
  nielweise = with(dat.nielweise2007, data.frame(ai=ai, n1i=n1i, ci=ci, n2i=n2i)),
  yusuf6 = with(subset(dat.yusuf1985, table == "6" & !is.na(ai)),
                data.frame(ai=ai, n1i=n1i, ci=ci, n2i=n2i)))
g <- subset(dat.gibson2002, !is.na(m1i))
cont <- list(
  normand = with(dat.normand1999, data.frame(m1i, sd1i, n1i, m2i, sd2i, n2i)),
  curtis = with(dat.curtis1998, data.frame(m1i, sd1i, n1i, m2i, sd2i, n2i)),
  gibson = with(g, data.frame(m1i, sd1i, n1i, m2i, sd2i, n2i)))
line <- function(set, measure, method, f)
  cat(sprintf("fit %s %s %s %.12g %.12g %.12g %.12g %.12g %d\n", set, measure, method,
              f$beta[1], f$se, f$tau2, f$QE, f$I2, f$k))
ctl <- list(threshold=1e-12, tol=1e-13, maxiter=10000, tau2.max=1e6)
for (name in names(dich)) {
  d <- dich[[name]]
  cat(sprintf("dich %s %d\n", name, nrow(d)))
  for (i in seq_len(nrow(d))) cat(sprintf("row %d %d %d %d\n", d$ai[i], d$n1i[i], d$ci[i], d$n2i[i]))
  for (m in c("RR", "OR", "RD")) {
    # Double-zero studies: out of RR and OR (drop00), in RD (escalc's default).
    e <- escalc(measure=m, ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=d, drop00=(m != "RD"))
    for (method in c("FE", "DL", "REML", "ML", "PM", "HE", "SJ"))
      line(name, m, method, rma(yi, vi, data=e, method=method, control=ctl))
    line(name, m, "MH", rma.mh(ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=d, measure=m))
  }
  line(name, "PETO_OR", "PETO", rma.peto(ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=d))
}
for (name in names(cont)) {
  d <- cont[[name]]
  cat(sprintf("cont %s %d\n", name, nrow(d)))
  for (i in seq_len(nrow(d))) with(d[i,], cat(sprintf("row %.17g %.17g %.17g %.17g %.17g %.17g\n",
                                                     m1i, sd1i, n1i, m2i, sd2i, n2i)))
  for (m in c("MD", "SMD")) {
    e <- escalc(measure=m, m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, data=d)
    for (method in c("FE", "DL", "REML", "ML", "PM", "HE", "SJ"))
      line(name, m, method, rma(yi, vi, data=e, method=method, control=ctl))
  }
}
