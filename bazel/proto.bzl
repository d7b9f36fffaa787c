"""kip_proto_library: C++ messages, gRPC stubs and gMock stubs from system protoc.

Debian ships no @com_google_protobuf repository, so the native proto rules cannot
run; this macro calls /usr/bin/protoc with /usr/bin/grpc_cpp_plugin instead.
Protos import each other as "kip/<service>/v1/<file>.proto" (rooted at //protos)
and the generated headers are included the same way.
"""

_PROTOC = "/usr/bin/protoc"
_GRPC_PLUGIN = "/usr/bin/grpc_cpp_plugin"

def kip_proto_library(name, srcs = [], deps = [], grpc = False, visibility = None,
                      system_proto = None, system_root = None):
    """Generates <name> (cc_library) and <name>_srcs (the .proto files, transitively).

    Args:
      name: the cc_library to generate.
      srcs: .proto files in this package.
      deps: other kip_proto_library targets these import.
      grpc: also generate service stubs (and gMock stubs).
      visibility: of the generated targets.
      system_proto: instead of srcs, a proto installed by a Debian package, as its
        import path (e.g. "grpc/health/v1/health.proto") under system_root.
      system_root: the directory system_proto is found under.
    """
    native.filegroup(
        name = name + "_srcs",
        srcs = srcs + [d + "_srcs" for d in deps],
        visibility = visibility,
    )
    proto_files = ["$(location %s)" % s for s in srcs]
    import_root = "-Iprotos"
    if system_proto:
        srcs_for_names = [system_proto.split("/")[-1]]
        proto_files = [system_root + "/" + system_proto]
        import_root = "-I" + system_root
    else:
        srcs_for_names = srcs
    base_names = [s[:-len(".proto")] for s in srcs_for_names]
    outs = []
    for b in base_names:
        outs += [b + ".pb.h", b + ".pb.cc"]
        if grpc:
            outs += [b + ".grpc.pb.h", b + ".grpc.pb.cc", b + "_mock.grpc.pb.h"]

    check = ("for tool in %s %s; do [ -x $$tool ] || { echo \"$$tool is missing: " +
             "run apt-get install protobuf-compiler protobuf-compiler-grpc (or ./kip test)\" >&2; " +
             "exit 1; }; done; ") % (_PROTOC, _GRPC_PLUGIN)
    grpc_flags = ""
    if grpc:
        grpc_flags = ("--plugin=protoc-gen-grpc=%s " % _GRPC_PLUGIN +
                      "--grpc_out=generate_mock_code=true:$(GENDIR)/protos ")
    native.genrule(
        name = name + "_gen",
        srcs = srcs + [name + "_srcs"],
        outs = outs,
        cmd = check + (("[ -f %s/%s ] || { echo \"%s/%s is missing: run apt-get install " +
                        "grpc-proto (or ./kip test)\" >&2; exit 1; }; ") %
                       (system_root, system_proto, system_root, system_proto)
                       if system_proto else "") +
              _PROTOC + " " + import_root + " -I/usr/include " +
              "--cpp_out=$(GENDIR)/protos " + grpc_flags + " ".join(proto_files),
    )
    proto_deps = ["//bazel:protobuf"]
    if grpc:
        proto_deps.append("//bazel:grpcpp")
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        strip_include_prefix = "/protos",
        deps = deps + proto_deps,
        visibility = visibility,
    )
