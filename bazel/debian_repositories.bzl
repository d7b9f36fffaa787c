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
    "sqlcipher": ("/usr/include/sqlcipher/sqlite3.h", "libsqlcipher-dev"),
    "libpq": ("/usr/include/postgresql/libpq-fe.h", "libpq-dev"),
    "benchmark": ("/usr/include/benchmark/benchmark.h", "libbenchmark-dev"),
    "jwt": ("/usr/include/jwt.h", "libjwt-dev"),
    "openssl": ("/usr/include/openssl/evp.h", "libssl-dev"),
    "nlohmann_json": ("/usr/include/nlohmann/json.hpp", "nlohmann-json3-dev"),
    "boost_math": ("/usr/include/boost/math/distributions/normal.hpp", "libboost-dev"),
    "yaml_cpp": ("/usr/include/yaml-cpp/yaml.h", "libyaml-cpp-dev"),
    "eigen": ("/usr/include/eigen3/Eigen/Dense", "libeigen3-dev"),
    "libxml2": ("/usr/include/libxml2/libxml/xmlwriter.h", "libxml2-dev"),
    # The Kotlin SDK: JNI headers, javac, kotlinc and protobuf-java.
    "jni": ("/usr/lib/jvm/default-java/include/jni.h", "default-jdk-headless"),
    "javac": ("/usr/bin/javac", "default-jdk-headless"),
    "kotlin": ("/usr/bin/kotlinc", "kotlin"),
    "protobuf_java": ("/usr/share/java/protobuf.jar", "libprotobuf-java"),
}

def _probe_rule(name, probe, package):
    """A genrule that checks, when the build runs, that `probe` exists.

    The check is an action, not a fact recorded when Bazel first evaluated the
    repository: a failed action is never cached, so after `apt-get install` the
    next build runs it again and passes, with no `bazel sync` or clean. A
    passing check is cached like any action.
    """
    fix = "run: apt-get install %s (./kip test, ./kip up and ./kip demo install it), then build again" % package
    return "\n".join([
        "genrule(",
        '    name = "%s_probe",' % name,
        '    outs = ["%s_present.h"],' % name,
        '    cmd = "if [ -e %s ]; then echo \'// %s is installed\' > $@; else echo \'%s is missing: %s\' >&2; exit 1; fi",' % (probe, probe, probe, fix),
        ")",
        'cc_library(name = "%s", hdrs = [":%s_present.h"])' % (name, name),
    ])

def _debian_libraries_impl(ctx):
    libraries = ctx.attr.libraries or {name: list(v) for name, v in DEBIAN_LIBRARIES.items()}
    lines = ['package(default_visibility = ["//visibility:public"])', ""]
    for name, (probe, package) in libraries.items():
        lines.append(_probe_rule(name, probe, package))
    ctx.file("BUILD", "\n".join(lines) + "\n")
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)

debian_libraries = repository_rule(
    implementation = _debian_libraries_impl,
    attrs = {
        # name -> [probe file, Debian packages]; empty: DEBIAN_LIBRARIES.
        "libraries": attr.string_list_dict(),
    },
    doc = "One target per Debian library, each checked when the build runs; " +
          "a missing one fails with the apt-get line.",
)
