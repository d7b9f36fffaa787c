# metafor's side of //tests/bench:metareg_network_bench: the contrast-based
# network model (as services/analytics/meta/goldens/network.R builds it) fitted
# by rma.mv for `seconds`, timed inside R. Prints fits/s and tau^2.
# Usage: Rscript network_metafor.R ARMS.csv REFERENCE SECONDS
args <- commandArgs(trailingOnly=TRUE)
suppressMessages(library(metafor))
arms <- read.csv(args[1], stringsAsFactors=FALSE)
ref <- args[2]; seconds <- as.numeric(args[3])
out <- NULL; Vs <- list()
for (s in unique(arms$study)) {
  a <- arms[arms$study == s, ]
  b <- if (ref %in% a$treatment) which(a$treatment == ref) else which(a$treatment == sort(a$treatment)[1])
  v <- a$sd^2 / a$n; others <- setdiff(seq_len(nrow(a)), b)
  for (j in others) out <- rbind(out, data.frame(study=s, t1=a$treatment[j], t2=a$treatment[b], yi=a$mean[j] - a$mean[b]))
  V <- matrix(v[b], length(others), length(others)); diag(V) <- v[others] + v[b]; Vs[[length(Vs) + 1]] <- V
}
out$comp <- seq_len(nrow(out)); V <- bldiag(Vs)
trts <- c(ref, setdiff(sort(unique(arms$treatment)), ref))
X <- sapply(trts[-1], function(t) (out$t1 == t) - (out$t2 == t))
n <- 0; t0 <- proc.time()[["elapsed"]]
while (proc.time()[["elapsed"]] - t0 < seconds) {
  f <- rma.mv(out$yi, V, mods=X, intercept=FALSE, random=~ comp | study, rho=1/2, data=out)
  n <- n + 1
}
cat(sprintf("%.17g %.17g\n", n / (proc.time()[["elapsed"]] - t0), f$tau2))
