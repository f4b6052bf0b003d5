import CMicroHTTPD
import PayCore

/// libmicrohttpd's functions, loaded from libmicrohttpd.so.12 the first time a server starts (see
/// CMicroHTTPD's shim): only `serve`, `sandbox serve` and what serves in tests map it and GnuTLS.
struct MicroHTTPD: @unchecked Sendable {
    // why @unchecked: pointers to functions of a library that stays loaded, written once before any use.
    let api: pd_mhd_api

    /// The table, or why the library cannot be loaded (the answer is kept for the process).
    static let table: Result<MicroHTTPD, PayError> = {
        let table = UnsafeMutablePointer<pd_mhd_api>.allocate(capacity: 1)
        defer { table.deallocate() }
        var reason = [CChar](repeating: 0, count: 256)
        guard pd_mhd_load(table, &reason, reason.count) == 1 else {
            return .failure(PayError.internal(String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)))
        }
        return .success(MicroHTTPD(api: table.pointee))
    }()
}
