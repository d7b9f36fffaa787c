#!/usr/bin/env bash
# Issue #13: a library that is missing when Bazel first evaluates @debian and
# installed afterwards builds on the very next command of the same Bazel
# server - no `bazel sync`, no clean. Runs the real repository rule
# (bazel/debian_repositories.bzl) in a scratch workspace and output base, with
# one library pointed at a file this test creates, so no system package is
# touched.
set -euo pipefail

rules="$TEST_SRCDIR/kip/bazel/debian_repositories.bzl"
[ -f "$rules" ] || { echo "missing $rules" >&2; exit 1; }
root="$TEST_TMPDIR/probe"
ws="$root/ws"
fake="$root/usr/include/fake/fake.h"
mkdir -p "$ws/bazel" "$root/home"
cp "$rules" "$ws/bazel/debian_repositories.bzl"
touch "$ws/bazel/BUILD"
cat >"$ws/WORKSPACE" <<WS
workspace(name = "probe")
load("//bazel:debian_repositories.bzl", "debian_libraries", "debian_rules_cc")
debian_rules_cc(name = "rules_cc")
local_repository(name = "rules_java", path = "/usr/share/bazel/rules/java")
local_repository(name = "platforms", path = "/usr/share/bazel/platforms")
debian_libraries(
    name = "debian",
    libraries = {"fake": ["$fake", "libfake-dev"]},
)
WS
cat >"$ws/BUILD" <<'B'
cc_binary(name = "app", srcs = ["app.cc"], deps = ["@debian//:fake"])
B
echo 'int main() { return 0; }' >"$ws/app.cc"

export HOME="$root/home"
bazel_cmd=(bazel --output_user_root="$root/user_root" --output_base="$root/output_base"
  --nohome_rc --max_idle_secs=60)
trap '(cd "$ws" && "${bazel_cmd[@]}" shutdown) >/dev/null 2>&1 || true' EXIT
cd "$ws"

echo "1. the library is missing: the build fails and says how to fix it"
if "${bazel_cmd[@]}" build --jobs=2 //:app >"$root/first.log" 2>&1; then
  cat "$root/first.log"; echo "FAIL: built without $fake" >&2; exit 1
fi
grep -q "$fake is missing: run: apt-get install libfake-dev" "$root/first.log" || {
  cat "$root/first.log"; echo "FAIL: no apt-get line in the error" >&2; exit 1; }

echo "2. installed (here: created) after Bazel evaluated @debian"
mkdir -p "$(dirname "$fake")"
touch "$fake"

echo "3. the next build, on the same Bazel server, passes"
if ! "${bazel_cmd[@]}" build --jobs=2 //:app >"$root/second.log" 2>&1; then
  cat "$root/second.log"; echo "FAIL: still failing after the install" >&2; exit 1
fi
echo "PASS"
