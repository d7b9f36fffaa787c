#!/usr/bin/env bash
# The shared-library check of the container images (Docker cannot run here):
# for each server binary, every shared library `ldd` resolves must belong to a
# package that the runtime stage of deploy/docker/Dockerfile installs (its
# runtime-packages/<service>.txt, with the packages those depend on) or that
# debian:12-slim already has (Priority: required, with their dependencies).
# And the lists hold nothing else: each listed package provides a library
# the binary links.
set -euo pipefail

DEPLOY=deploy/docker
fail=0
problem() { echo "FAIL: $*" >&2; fail=1; }

grep -q 'runtime-packages/${SERVICE}.txt' "$DEPLOY/Dockerfile" ||
  problem "the Dockerfile's runtime stage does not install runtime-packages/\${SERVICE}.txt"

# The build stage installs what ./kip builds with (its PACKAGES list).
build_packages="$(sed -n '/^PACKAGES=(/,/^)/p' kip | sed '1d;$d' | tr -s ' \n' '\n' | grep .)"
[ -n "$build_packages" ] || problem "no PACKAGES list found in ./kip"
for pkg in $build_packages; do
  grep -q -- " $pkg\b" "$DEPLOY/Dockerfile" ||
    problem "the Dockerfile's build stage does not install $pkg (./kip's PACKAGES)"
done

# Dependency closure of the given packages (names only, no virtual packages).
closure() {
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances "$@" 2>/dev/null |
    grep -v '^ ' | grep -v '^<' | sed 's/:.*//' | sort -u
}

# "library package" for each library `ldd` resolves for a binary: one pass
# over dpkg's file lists, trying both spellings of a path (usrmerge).
owners() {
  local lib real candidate
  declare -A spelling=()
  while read -r lib; do
    real="$(readlink -f "$lib")"
    for candidate in "$lib" "/usr$lib" "${lib#/usr}" "$real" "/usr$real" "${real#/usr}"; do
      spelling["$candidate"]="$lib"
    done
  done < <(ldd "$1" | awk '/=> \// {print $3}')
  declare -A owner=()
  local line list path
  while read -r line; do
    list="${line%%.list:*}"  # /var/lib/dpkg/info/libc6:amd64
    path="${line#*.list:}"
    lib="${spelling[$path]:-}"
    list="${list##*/}"
    [ -n "$lib" ] && owner["$lib"]="${list%%:*}"
  done < <(printf '%s\n' "${!spelling[@]}" |
             { grep -H -x -F -f - /var/lib/dpkg/info/*.list || true; })
  for lib in $(ldd "$1" | awk '/=> \// {print $3}'); do
    echo "$lib ${owner[$lib]:-?unowned}"
  done
}

mapfile -t required < <(dpkg-query -W -f='${Package} ${Priority}\n' | awk '$2 == "required" {print $1}')
base="$(closure "${required[@]}")"

for service in dosing sessions analytics gateway; do
  binary="services/$service/${service}_server"
  list="$DEPLOY/runtime-packages/$service.txt"
  [ -x "$binary" ] || { problem "$binary is not built"; continue; }
  [ -f "$list" ] || { problem "$list is missing"; continue; }
  mapfile -t listed < <(grep -v '^#' "$list" | grep -v '^$')
  provided="$(printf '%s\n' "$base"; closure "${listed[@]}")"
  needed=""
  while read -r lib pkg; do
    needed+="$pkg"$'\n'
    grep -qx "$pkg" <<<"$provided" ||
      problem "$service: $lib comes from $pkg, which the runtime stage does not install"
  done < <(owners "$binary")
  for pkg in "${listed[@]}"; do
    grep -qx "$pkg" <<<"$needed" ||
      problem "$service: $list lists $pkg, but the binary links nothing from it"
    grep -qx "$pkg" <<<"$base" &&
      problem "$service: $pkg is already in debian:12-slim; do not list it"
  done
  echo "$service: $(sort -u <<<"$needed" | grep -c .) packages behind $(ldd "$binary" | grep -c '=> /') libraries, all provided"
done
exit "$fail"
