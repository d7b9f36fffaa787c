#!/usr/bin/env bash
# The footprint of the C ABI on a device: the stripped size of libkip.so and of
# every non-system shared library it needs (the transitive closure of its
# DT_NEEDED entries, minus libc, libm, libstdc++, libgcc_s and the loader), as
# an app would ship them. Usage: footprint.sh x86_64|aarch64 path/to/libkip.so
set -euo pipefail
arch="$1" lib="$2"
case "$arch" in
  x86_64) tools=""; dirs=(/usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu) ;;
  aarch64) tools="aarch64-linux-gnu-"; dirs=(/usr/lib/aarch64-linux-gnu /lib/aarch64-linux-gnu) ;;
  *) echo "footprint.sh: arch is x86_64 or aarch64" >&2; exit 2 ;;
esac
is_system() {
  case "$1" in
    libc.so.*|libm.so.*|libstdc++.so.*|libgcc_s.so.*|ld-linux*|libpthread.so.*|libdl.so.*|librt.so.*) return 0 ;;
    *) return 1 ;;
  esac
}
resolve() {
  local d
  for d in "${dirs[@]}"; do [ -e "$d/$1" ] && { readlink -f "$d/$1"; return 0; }; done
  return 1
}
stripped_size() {
  local tmp
  tmp="$(mktemp)"
  "${tools}strip" -o "$tmp" "$1"
  stat -c %s "$tmp"
  rm -f "$tmp"
}
declare -A seen=()
queue=("$lib")
while [ ${#queue[@]} -gt 0 ]; do
  file="${queue[0]}"; queue=("${queue[@]:1}")
  while read -r needed; do
    is_system "$needed" && continue
    [ -n "${seen[$needed]:-}" ] && continue
    path="$(resolve "$needed")" || { echo "footprint.sh: $needed not found" >&2; exit 1; }
    seen[$needed]="$path"
    queue+=("$path")
  done < <("${tools}readelf" -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
done
own=$(stripped_size "$lib")
total=$own
printf '%-8s %-40s %10s\n' "$arch" "$(basename "$lib") (stripped)" "$own"
for name in $(printf '%s\n' "${!seen[@]}" | sort); do
  size=$(stripped_size "${seen[$name]}")
  total=$((total + size))
  printf '%-8s %-40s %10s\n' "$arch" "$name" "$size"
done
printf '%-8s %-40s %10s bytes (%.1f MiB, %d libraries)\n' "$arch" "in all" "$total" \
  "$(echo "$total / 1048576" | bc -l)" "$(( ${#seen[@]} + 1 ))"
