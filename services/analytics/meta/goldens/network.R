# Goldens for services/analytics/meta/network_test.cc: contrast-based network
# meta-analysis as metafor's rma.mv fits it - each study's contrasts against
# its baseline arm (the reference treatment when the study has it, else its
# alphabetically first treatment) with their within-study covariances, a
# common tau^2 with correlation 1/2 between a study's contrasts (random =
# ~ comp | study, rho = 1/2), REML, tolerances tightened to convergence.
# Also: every pairwise effect, P-scores (Ruecker & Schwarzer 2015, smaller
# is better), and the design-by-treatment interaction test (Higgins et al.
# 2012): design-specific contrast parameters added to the model, their Wald
# test (QM) under the inconsistency model's own tau^2.
# Datasets: dat.hasselblad1998 (smoking cessation, log OR; a zero-cell study
# gets 1/2 added to every cell of every arm) and dat.senn2013 (HbA1c, MD,
# 10 treatments). Run: Rscript network.R > network.golden
suppressMessages(library(metafor))
cat(sprintf("# metafor %s, %s\n", packageVersion("metafor"), R.version.string))
ctrl <- list(optimizer="optim", optmethod="BFGS", reltol=1e-14, maxit=10000)
contrasts <- function(arms, measure, ref) {
  out <- NULL; Vs <- list()
  for (s in unique(arms$study)) {
    a <- arms[arms$study == s, ]
    if (measure == "OR" && any(a$xi == 0 | a$xi == a$ni)) { a$xi <- a$xi + 0.5; a$ni <- a$ni + 1 }
    b <- if (ref %in% a$trt) which(a$trt == ref) else which(a$trt == sort(a$trt)[1])
    if (measure == "OR") { est <- log(a$xi / (a$ni - a$xi)); v <- 1 / a$xi + 1 / (a$ni - a$xi) }
    else { est <- a$mi; v <- a$sdi^2 / a$ni }
    others <- setdiff(seq_len(nrow(a)), b)
    for (j in others)
      out <- rbind(out, data.frame(study=s, t1=a$trt[j], t2=a$trt[b], yi=est[j] - est[b],
                                   design=paste(sort(a$trt), collapse=":")))
    V <- matrix(v[b], length(others), length(others)); diag(V) <- v[others] + v[b]
    Vs[[length(Vs) + 1]] <- V
  }
  out$comp <- seq_len(nrow(out))
  list(d=out, V=bldiag(Vs))
}
run <- function(name, arms, measure, ref) {
  cs <- contrasts(arms, measure, ref)
  d <- cs$d; V <- cs$V
  trts <- c(ref, setdiff(sort(unique(arms$trt)), ref))
  X <- sapply(trts[-1], function(t) (d$t1 == t) - (d$t2 == t))
  fit <- rma.mv(d$yi, V, mods=X, intercept=FALSE, random=~ comp | study, rho=1/2, data=d,
                method="REML", control=ctrl)
  cat(sprintf("network %s %s %s %d\n", name, measure, ref, nrow(arms)))
  for (i in seq_len(nrow(arms)))
    cat(sprintf("arm %s %s %.17g %.17g %.17g\n", gsub(" ", "_", arms$study[i]), arms$trt[i],
        if (measure == "OR") arms$xi[i] else arms$mi[i], if (measure == "OR") arms$ni[i] else arms$sdi[i],
        if (measure == "OR") 0 else arms$ni[i]))
  cat(sprintf("fit %.12g %.12g %d\n", fit$tau2, fit$QE, fit$QEdf <- fit$k - fit$p))
  b <- c(0, fit$beta); vb <- rbind(0, cbind(0, fit$vb))
  P <- numeric(length(trts))
  for (i in seq_along(trts)) for (j in seq_along(trts)) if (i != j) {
    est <- b[i] - b[j]; se <- sqrt(vb[i, i] + vb[j, j] - 2 * vb[i, j])
    if (i < j) cat(sprintf("effect %s %s %.12g %.12g\n", trts[i], trts[j], est, se))
    P[i] <- P[i] + pnorm((b[j] - b[i]) / se) / (length(trts) - 1)
  }
  for (i in seq_along(trts)) cat(sprintf("pscore %s %.12g\n", trts[i], P[i]))
  designs <- unique(d$design)
  Z <- NULL
  for (g in designs) for (t in unique(d$t1[d$design == g]))
    Z <- cbind(Z, as.numeric(d$design == g & d$t1 == t))
  inc <- suppressWarnings(suppressMessages(rma.mv(d$yi, V, mods=cbind(X, Z), intercept=FALSE,
                random=~ comp | study, rho=1/2, data=d, method="REML", control=ctrl)))
  kept <- which(!inc$coef.na)
  z_kept <- kept[kept > ncol(X)]
  btt <- match(z_kept, kept)
  w <- anova(inc, btt=btt)
  cat(sprintf("inconsistency %.12g %d %.12g %.12g\n", w$QM, length(btt), w$QMp, inc$tau2))
}
h <- dat.hasselblad1998
run("hasselblad", data.frame(study=as.character(h$study), trt=h$trt, xi=h$xi, ni=h$ni), "OR", "no_contact")
s <- dat.senn2013
run("senn", data.frame(study=s$study, trt=s$treatment, mi=s$mi, sdi=s$sdi, ni=s$ni), "MD", "placebo")
