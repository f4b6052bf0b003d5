#if canImport(Glibc)
import Glibc
#endif
import CCrypto

/// libcrypto's functions (OpenSSL 3), loaded from libcrypto.so.3 on the first call through this
/// table: `libcrypto.EVP_Digest(…)`. Commands that never hash, sign or seal never map the library
/// (see CCrypto's shim).
///
/// why the process ends when the library cannot be loaded: a linked libcrypto that is missing stops
/// the program before `main` with the dynamic loader's message and status 127; this is the same
/// message and status, at the first use instead of at every start — nothing can be signed, hashed
/// or sealed without it. `exit`, not `_exit`: the console's exit handler gives the terminal back.
let libcrypto: pd_crypto_api = {
    let table = UnsafeMutablePointer<pd_crypto_api>.allocate(capacity: 1)
    defer { table.deallocate() }
    var reason = [CChar](repeating: 0, count: 256)
    guard pd_crypto_load(table, &reason, reason.count) == 1 else {
        let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let line = Array("paydesk: error while loading shared libraries: \(text)\n".utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        exit(127)
    }
    return table.pointee
}()
