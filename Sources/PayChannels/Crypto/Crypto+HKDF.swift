#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CCrypto

extension Crypto {
    /// HKDF-SHA256 (RFC 5869, extract then expand) through libcrypto's EVP_KDF "HKDF": `length`
    /// bytes (1…8160) from the input key material, a salt and a context `info`.
    public static func hkdfSHA256(key: [UInt8], salt: [UInt8], info: [UInt8], length: Int) throws(CryptoError) -> [UInt8] {
        guard !key.isEmpty else { throw CryptoError("HKDF: the input key is empty") }
        guard (1...(255 * 32)).contains(length) else { throw CryptoError("HKDF length \(length): 1 to 8160 bytes") }
        guard let kdf = libcrypto.EVP_KDF_fetch(nil, "HKDF", nil) else { throw CryptoError("HKDF: \(CryptoError.lastOpenSSLError())") }
        defer { libcrypto.EVP_KDF_free(kdf) }
        guard let ctx = libcrypto.EVP_KDF_CTX_new(kdf) else { throw CryptoError("HKDF: \(CryptoError.lastOpenSSLError())") }
        defer { libcrypto.EVP_KDF_CTX_free(ctx) }
        var keyBytes = key, saltBytes = salt.isEmpty ? [UInt8](repeating: 0, count: 32) : salt, infoBytes = info
        var digest = Array("SHA256".utf8CString)
        var out = [UInt8](repeating: 0, count: length)
        // why: an OSSL_PARAM keeps the pointer to its key name; a Swift String bridged for the
        // call would be gone by the time EVP_KDF_derive reads it.
        let keys: [String] = [OSSL_KDF_PARAM_DIGEST, OSSL_KDF_PARAM_KEY, OSSL_KDF_PARAM_SALT, OSSL_KDF_PARAM_INFO]
        let names = keys.map { strdup($0) }
        defer { names.forEach { free($0) } }
        let ok = digest.withUnsafeMutableBufferPointer { digestPtr in
            keyBytes.withUnsafeMutableBytes { keyPtr in
                saltBytes.withUnsafeMutableBytes { saltPtr in
                    infoBytes.withUnsafeMutableBytes { infoPtr in
                        var params = [
                            libcrypto.OSSL_PARAM_construct_utf8_string(names[0], digestPtr.baseAddress, 0),
                            libcrypto.OSSL_PARAM_construct_octet_string(names[1], keyPtr.baseAddress, keyPtr.count),
                            libcrypto.OSSL_PARAM_construct_octet_string(names[2], saltPtr.baseAddress, saltPtr.count),
                            libcrypto.OSSL_PARAM_construct_octet_string(names[3], infoPtr.baseAddress, infoPtr.count),
                            libcrypto.OSSL_PARAM_construct_end(),
                        ]
                        return libcrypto.EVP_KDF_derive(ctx, &out, length, &params)
                    }
                }
            }
        }
        guard ok == 1 else { throw CryptoError("HKDF derive: \(CryptoError.lastOpenSSLError())") }
        return out
    }
}
