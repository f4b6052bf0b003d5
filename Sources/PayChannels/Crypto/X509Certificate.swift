#if canImport(Glibc)
import Glibc
#endif
import CCrypto
import PayCore

/// An X.509 certificate held by libcrypto: the sandbox issues them (WeChat Pay's platform
/// certificates, UnionPay's root → intermediate → signing chain) and the center checks a chain
/// against the roots it keeps. Signed SHA256withRSA.
public final class X509Certificate: @unchecked Sendable {
    // why @unchecked: the X509 is never mutated after it is issued or read.
    let cert: OpaquePointer

    init(cert: OpaquePointer) { self.cert = cert }

    deinit { libcrypto.X509_free(cert) }

    /// What a new certificate says about its subject.
    public struct Subject: Sendable {
        public var commonName: String
        public var organization: String?
        public var organizationalUnit: String?
        public var country: String?

        public init(commonName: String, organization: String? = nil, organizationalUnit: String? = nil, country: String? = nil) {
            self.commonName = commonName
            self.organization = organization
            self.organizationalUnit = organizationalUnit
            self.country = country
        }
    }

    /// Issues a certificate for `publicKey`, signed by `issuerKey` as `issuer` (nil: self-signed,
    /// `issuerKey` then being the subject's own key). `serial` is the big-endian serial number
    /// (at most 20 bytes); `isCA` makes it a CA certificate (basicConstraints CA:TRUE, keyCertSign).
    public static func issue(subject: Subject, publicKey: RSAPublicKey, serial: [UInt8], notBefore: Timestamp, days: Int,
                             isCA: Bool, issuer: X509Certificate?, issuerKey: RSAPrivateKey) throws(CryptoError) -> X509Certificate {
        guard !serial.isEmpty, serial.count <= 20, days > 0 else { throw CryptoError("certificate: serial of 1 to 20 bytes, days > 0") }
        guard let x = libcrypto.X509_new() else { throw CryptoError("X509_new: \(CryptoError.lastOpenSSLError())") }
        let certificate = X509Certificate(cert: x)
        guard libcrypto.X509_set_version(x, 2) == 1 else { throw CryptoError("X509_set_version: \(CryptoError.lastOpenSSLError())") }
        let bn = serial.withUnsafeBufferPointer { libcrypto.BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        defer { libcrypto.BN_free(bn) }
        guard let bn, libcrypto.BN_to_ASN1_INTEGER(bn, libcrypto.X509_get_serialNumber(x)) != nil else {
            throw CryptoError("certificate serial: \(CryptoError.lastOpenSSLError())")
        }
        let start = time_t(notBefore.seconds)
        guard libcrypto.ASN1_TIME_set(libcrypto.X509_getm_notBefore(x), start) != nil,
              libcrypto.ASN1_TIME_set(libcrypto.X509_getm_notAfter(x), start + time_t(days) * 86_400) != nil else {
            throw CryptoError("certificate validity: \(CryptoError.lastOpenSSLError())")
        }
        guard libcrypto.X509_set_pubkey(x, publicKey.pkey) == 1 else { throw CryptoError("X509_set_pubkey: \(CryptoError.lastOpenSSLError())") }
        guard let name = libcrypto.X509_get_subject_name(x) else { throw CryptoError("certificate subject") }
        let parts: [(String, String?)] = [("C", subject.country), ("O", subject.organization), ("OU", subject.organizationalUnit),
                                          ("CN", subject.commonName)]
        for (field, value) in parts {
            guard let value else { continue }
            let bytes = Array(value.utf8)
            let added = bytes.withUnsafeBufferPointer {
                libcrypto.X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, $0.baseAddress, Int32($0.count), -1, 0)
            }
            guard added == 1 else { throw CryptoError("certificate subject \(field): \(CryptoError.lastOpenSSLError())") }
        }
        let issuerName = issuer.map { libcrypto.X509_get_subject_name($0.cert) } ?? name
        guard libcrypto.X509_set_issuer_name(x, issuerName) == 1 else { throw CryptoError("X509_set_issuer_name: \(CryptoError.lastOpenSSLError())") }
        var ctx = X509V3_CTX()
        libcrypto.X509V3_set_ctx(&ctx, issuer?.cert ?? x, x, nil, nil, 0)
        let extensions: [(Int32, String)] = isCA
            ? [(NID_basic_constraints, "critical,CA:TRUE"), (NID_key_usage, "critical,keyCertSign,cRLSign"),
               (NID_subject_key_identifier, "hash")]
            : [(NID_basic_constraints, "critical,CA:FALSE"), (NID_key_usage, "critical,digitalSignature,nonRepudiation"),
               (NID_subject_key_identifier, "hash")]
        for (nid, value) in extensions {
            guard let ext = libcrypto.X509V3_EXT_conf_nid(nil, &ctx, nid, value) else {
                throw CryptoError("certificate extension \(value): \(CryptoError.lastOpenSSLError())")
            }
            defer { libcrypto.X509_EXTENSION_free(ext) }
            guard libcrypto.X509_add_ext(x, ext, -1) == 1 else { throw CryptoError("X509_add_ext: \(CryptoError.lastOpenSSLError())") }
        }
        guard libcrypto.X509_sign(x, issuerKey.pkey, libcrypto.EVP_sha256()) > 0 else { throw CryptoError("X509_sign: \(CryptoError.lastOpenSSLError())") }
        return certificate
    }

    /// Reads one PEM "CERTIFICATE".
    public convenience init(pem: String) throws(CryptoError) {
        let cert = try BIOText.read(pem) { bio in libcrypto.PEM_read_bio_X509(bio, nil, nil, nil) }
        guard let cert else { throw CryptoError("not a PEM certificate: \(CryptoError.lastOpenSSLError())") }
        self.init(cert: cert)
    }

    public var pem: String { BIOText.write { bio in libcrypto.PEM_write_bio_X509(bio, cert) } }

    /// The certified key (nil when it is not RSA).
    public var publicKey: RSAPublicKey? {
        guard let key = libcrypto.X509_get_pubkey(cert) else { return nil }
        guard libcrypto.EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else { libcrypto.EVP_PKEY_free(key); return nil }
        return RSAPublicKey(pkey: key)
    }

    /// The serial number in upper-case hex without leading zeros (WeChat Pay's `serial_no`).
    public var serialHex: String { serialText(decimal: false) }

    /// The serial number in decimal (UnionPay's `certId`).
    public var serialDecimal: String { serialText(decimal: true) }

    private func serialText(decimal: Bool) -> String {
        guard let bn = libcrypto.ASN1_INTEGER_to_BN(libcrypto.X509_get0_serialNumber(cert), nil) else { return "" }
        defer { libcrypto.BN_free(bn) }
        guard let text = decimal ? libcrypto.BN_bn2dec(bn) : libcrypto.BN_bn2hex(bn) else { return "" }
        defer { libcrypto.CRYPTO_free(text, nil, 0) }
        return String(cString: text).uppercased()
    }

    /// The start of the validity period.
    public var notBefore: Timestamp {
        var parsed = tm()
        guard libcrypto.ASN1_TIME_to_tm(libcrypto.X509_get0_notBefore(cert), &parsed) == 1 else { return Timestamp(seconds: 0) }
        return Timestamp(seconds: Int64(timegm(&parsed)))
    }

    /// The end of the validity period.
    public var notAfter: Timestamp {
        var parsed = tm()
        guard libcrypto.ASN1_TIME_to_tm(libcrypto.X509_get0_notAfter(cert), &parsed) == 1 else { return Timestamp(seconds: 0) }
        return Timestamp(seconds: Int64(timegm(&parsed)))
    }

    /// The subject's common name (CN), "" when it has none.
    public var commonName: String {
        guard let name = libcrypto.X509_get_subject_name(cert) else { return "" }
        let index = libcrypto.X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        guard index >= 0, let entry = libcrypto.X509_NAME_get_entry(name, index), let data = libcrypto.X509_NAME_ENTRY_get_data(entry) else { return "" }
        var out: UnsafeMutablePointer<UInt8>?
        let length = libcrypto.ASN1_STRING_to_UTF8(&out, data)
        guard length >= 0, let out else { return "" }
        defer { libcrypto.CRYPTO_free(out, nil, 0) }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(length)), as: UTF8.self)
    }

    /// Checks that this certificate chains through `intermediates` to one of `roots` and that each is
    /// valid at `time`; throws with libcrypto's reason when it does not.
    public func verify(roots: [X509Certificate], intermediates: [X509Certificate], at time: Timestamp) throws(CryptoError) {
        guard let store = libcrypto.X509_STORE_new() else { throw CryptoError("X509_STORE_new failed") }
        defer { libcrypto.X509_STORE_free(store) }
        for root in roots where libcrypto.X509_STORE_add_cert(store, root.cert) != 1 {
            throw CryptoError("root certificate: \(CryptoError.lastOpenSSLError())")
        }
        // why OPENSSL_sk_*: sk_X509_new_null, sk_X509_push and sk_X509_free are macros over them.
        guard let untrusted = libcrypto.OPENSSL_sk_new_null() else { throw CryptoError("sk_X509_new failed") }
        defer { libcrypto.OPENSSL_sk_free(untrusted) }
        for intermediate in intermediates { _ = libcrypto.OPENSSL_sk_push(untrusted, UnsafeRawPointer(intermediate.cert)) }
        guard let ctx = libcrypto.X509_STORE_CTX_new() else { throw CryptoError("X509_STORE_CTX_new failed") }
        defer { libcrypto.X509_STORE_CTX_free(ctx) }
        guard libcrypto.X509_STORE_CTX_init(ctx, store, cert, untrusted) == 1 else {
            throw CryptoError("X509_STORE_CTX_init: \(CryptoError.lastOpenSSLError())")
        }
        libcrypto.X509_STORE_CTX_set_time(ctx, 0, time_t(time.seconds))
        guard libcrypto.X509_verify_cert(ctx) == 1 else {
            let code = libcrypto.X509_STORE_CTX_get_error(ctx)
            let reason = libcrypto.X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "error \(code)"
            libcrypto.ERR_clear_error()
            throw CryptoError("certificate chain does not verify: \(reason)")
        }
    }
}
