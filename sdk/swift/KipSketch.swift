// The Swift sketch of the README: what a pump or tablet app written in Swift
// does with the C ABI. Swift is not packaged for Debian 12, so this file is
// not compiled here; swift_sketch_calls.c makes exactly these C calls, in this
// order, and //tests/integration:c_abi_test runs it against real servers
// (x86-64 and, under qemu, arm64). module.modulemap is checked by clang.
import Foundation
import KIP
import SwiftProtobuf

func planAndLog(target: String, sessionsTarget: String, token: String, caPem: String?,
                outboxURL: URL, outboxKey: Data, planRequest: Kip_Dosing_V1_PlanCourseRequest,
                event: Kip_Sessions_V1_Event) throws -> Kip_Dosing_V1_PlanCourseResponse? {
    var error: UnsafeMutablePointer<CChar>? = nil
    let client = kip_client_create(target, token, caPem, 10_000, &error)
    var out: UnsafeMutablePointer<UInt8>? = nil; var outSize = 0
    let request = try planRequest.serializedData()
    let code = request.withUnsafeBytes { kip_call(client, "/kip.dosing.v1.DosingService/PlanCourse",
        $0.bindMemory(to: UInt8.self).baseAddress, request.count, &out, &outSize, &error) }
    var plan: Kip_Dosing_V1_PlanCourseResponse? = nil
    if code == 0 { plan = try Kip_Dosing_V1_PlanCourseResponse(serializedData: Data(bytes: out!, count: outSize)) }
    kip_free(out); kip_free(error); error = nil

    // The outbox, encrypted with a key the app keeps in the Keychain.
    var logger: OpaquePointer? = nil
    let opened = outboxKey.withUnsafeBytes { kip_logger_create_with_key(outboxURL.path,
        $0.bindMemory(to: UInt8.self).baseAddress, outboxKey.count, sessionsTarget, token, &logger, &error) }
    if opened == 0 {
        let bytes = try event.serializedData()
        var id: UnsafeMutablePointer<CChar>? = nil
        _ = bytes.withUnsafeBytes { kip_logger_log_event(logger,
            $0.bindMemory(to: UInt8.self).baseAddress, bytes.count, &id, &error) }  // durable on return
        kip_free(id)
        _ = kip_logger_flush(logger, 30_000, &error)
        kip_logger_destroy(logger)
    }
    kip_free(error)
    kip_client_destroy(client)
    return plan
}
