"""Repository rules that bind the build to Debian's packages, never the network."""

_RULES_CC_PATH = "/usr/share/bazel/rules/cc"

# Debian's rules_cc 0.0.4 loads `use_cpp_toolchain`, which Bazel 4.2.3's
# @bazel_tools lacks; these two files are the only users of it.
_FILES_USING_USE_CPP_TOOLCHAIN = [
    "cc/private/rules_impl/compiler_flag.bzl",
    "cc/private/rules_impl/cc_flags_supplier.bzl",
]

def _debian_rules_cc_impl(ctx):
    src = ctx.path(_RULES_CC_PATH)
    if not src.exists:
        fail("%s is missing: run `apt-get install bazel-rules-cc` (or `./kip test`)" % _RULES_CC_PATH)
    result = ctx.execute(["cp", "-R", str(src) + "/.", "."])
    if result.return_code != 0:
        fail("copying %s failed: %s" % (_RULES_CC_PATH, result.stderr))
    for path in _FILES_USING_USE_CPP_TOOLCHAIN:
        text = ctx.read(path)
        text = text.replace(', "use_cpp_toolchain")', ")")
        text = text.replace("use_cpp_toolchain()", '["@bazel_tools//tools/cpp:toolchain_type"]')
        ctx.file(path, text, legacy_utf8 = False)

debian_rules_cc = repository_rule(
    implementation = _debian_rules_cc_impl,
    local = True,
    doc = "Debian's rules_cc, patched to load under Bazel 4.2.3.",
)

# Library wrapper name -> (a file the -dev package installs, the Debian package).
DEBIAN_LIBRARIES = {
    "grpcpp": ("/usr/include/grpcpp/grpcpp.h", "libgrpc++-dev protobuf-compiler-grpc"),
    "grpcpp_reflection": ("/usr/lib/x86_64-linux-gnu/libgrpc++_reflection.so", "libgrpc++-dev"),
    "protobuf": ("/usr/include/google/protobuf/message.h", "libprotobuf-dev protobuf-compiler"),
    "absl": ("/usr/include/absl/status/status.h", "libabsl-dev"),
    "gtest": ("/usr/lib/x86_64-linux-gnu/libgtest.a", "libgtest-dev"),
    "gmock": ("/usr/lib/x86_64-linux-gnu/libgmock.a", "libgmock-dev"),
    "sqlite3": ("/usr/include/sqlite3.h", "libsqlite3-dev"),
    "libpq": ("/usr/include/postgresql/libpq-fe.h", "libpq-dev"),
    "benchmark": ("/usr/include/benchmark/benchmark.h", "libbenchmark-dev"),
    "jwt": ("/usr/include/jwt.h", "libjwt-dev"),
    "openssl": ("/usr/include/openssl/evp.h", "libssl-dev"),
    "nlohmann_json": ("/usr/include/nlohmann/json.hpp", "nlohmann-json3-dev"),
    "boost_math": ("/usr/include/boost/math/distributions/normal.hpp", "libboost-dev"),
    "yaml_cpp": ("/usr/include/yaml-cpp/yaml.h", "libyaml-cpp-dev"),
}

def _debian_libraries_impl(ctx):
    lines = ['package(default_visibility = ["//visibility:public"])', ""]
    for name, (probe, package) in DEBIAN_LIBRARIES.items():
        if ctx.path(probe).exists:
            lines.append('cc_library(name = "%s")' % name)
        else:
            # Fail only the builds that need the library, with the fix in the message.
            lines.append("genrule(")
            lines.append('    name = "%s_missing",' % name)
            lines.append('    outs = ["%s_missing.cc"],' % name)
            lines.append('    cmd = "echo \'%s is missing: run apt-get install %s (or ./kip test)\' >&2; exit 1",' % (probe, package))
            lines.append(")")
            lines.append('cc_library(name = "%s", srcs = [":%s_missing"])' % (name, name))
    ctx.file("BUILD", "\n".join(lines) + "\n")
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)

debian_libraries = repository_rule(
    implementation = _debian_libraries_impl,
    local = True,
    doc = "One target per Debian library; a missing one fails with the apt-get line.",
)
