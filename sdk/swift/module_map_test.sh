#!/usr/bin/env bash
# module.modulemap as Swift's Clang importer reads it: `@import KIP;` must
# declare the C ABI's functions, and a misspelt one must not compile.
set -euo pipefail
command -v clang >/dev/null || { echo "clang is missing: apt-get install clang (./kip test installs it)"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sdk/swift" "$work/sdk/c"
cp sdk/swift/module.modulemap "$work/sdk/swift/"
cp sdk/c/kip.h "$work/sdk/c/"
cat >"$work/uses.m" <<'M'
@import KIP;
int main(void) {
  char* error = 0;
  kip_logger* logger = 0;
  kip_client* client = kip_client_create("127.0.0.1:1", "token", 0, 1000, &error);
  (void)kip_logger_create_with_key("outbox.db", 0, 0, "127.0.0.1:1", "token", &logger, &error);
  kip_free(error);
  kip_client_destroy(client);
  return KIP_OK;
}
M
sed 's/kip_client_destroy(client)/kip_client_destory(client)/' "$work/uses.m" >"$work/misspelt.m"
flags=(-x objective-c -fmodules -fmodules-cache-path="$work/cache" -fmodule-map-file="$work/sdk/swift/module.modulemap" -fsyntax-only -Werror=implicit-function-declaration)
clang "${flags[@]}" "$work/uses.m"
echo "ok: @import KIP declares the C ABI"
if clang "${flags[@]}" "$work/misspelt.m" 2>/dev/null; then
  echo "FAIL: a misspelt C ABI function compiled: the check proves nothing"; exit 1
fi
echo "ok: a misspelt function does not compile"
