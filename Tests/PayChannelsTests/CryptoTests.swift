import Testing
@testable import PayChannels
import PayCore

/// Golden vectors from the RFCs and NIST, and from the `openssl` command line for RSA.
@Suite struct CryptoTests {
    @Test func sha256MatchesFIPSVectors() {
        #expect(Crypto.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Crypto.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hmacMatchesRFC4231() {
        // RFC 4231 test case 2.
        #expect(Crypto.hmacSHA256Hex(secret: "Jefe", text: "what do ya want for nothing?")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // RFC 4231 test case 1: key 0x0b × 20, "Hi There".
        let mac = Crypto.hmacSHA256(key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8))
        #expect(Hex.encode(mac) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func acquirerHeaderMatchesOpenSSL() {
        // `printf '1700000000.{...}' | openssl dgst -sha256 -hmac whsec_demo`
        #expect(Crypto.hmacSHA256Hex(secret: "whsec_demo", text: #"1700000000.{"id":"ch_1","status":"succeeded"}"#)
                == "f3af4cb7a0e7ded6f3902323e97bc3aa979614f70615574a3e1d3492b6a82ac6")
    }

    @Test func pbkdf2MatchesRFC7914Vectors() throws {
        let one = try Crypto.pbkdf2SHA256(password: "password", salt: Array("salt".utf8), iterations: 1, length: 32)
        #expect(Hex.encode(one) == "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")
        let many = try Crypto.pbkdf2SHA256(password: "password", salt: Array("salt".utf8), iterations: 4096, length: 32)
        #expect(Hex.encode(many) == "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")
        #expect(throws: PayError.self) { try Crypto.pbkdf2SHA256(password: "x", salt: [], iterations: 0, length: 32) }
    }

    @Test func constantTimeCompare() {
        #expect(Crypto.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!Crypto.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!Crypto.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(Crypto.constantTimeEquals("", ""))
    }

    @Test func randomBytesDiffer() {
        let a = Crypto.randomBytes(32), b = Crypto.randomBytes(32)
        #expect(a.count == 32 && a != b)
    }

    static let goldenKey = """
-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCpuC2FKjPZGIBC
j9ju4n69yr0iCl3P0Q52r/+FZ86X3ELJdW2qv9at49VajU03RV117D6VGDdWtPkV
f+b7KEklI6GH1/B3O4LVgwpVy+JLITu/SP3n0BBZIlXUJ2x6MJkkqc1UCdTY5zI2
66gxCBHSpav8xKRWviPzwE/KIVtvX9vPJUdiyZewA+gh4j4pyksntx7DTAcdz1lt
rK0zFa9IOy1MibPZCvcKNOSuywpMZgdOfCVK/RUy5/6AAIvRsTrSH9AxIzvYfBCT
MmvgAxGWdPD0+KUpxn/jawSCvG0Eeuok6N8Byc+q9LDl05RVrh0PGRN+4A+6Kmyn
TiNagMrLAgMBAAECggEACQxCZ6gq0HGPxjyl9izz+x6XplIYKI/pbfwPABKF1IRl
Dm6+Cc16s+rYASD+/f8q2Yez2b316/Tvlyz/kuHVwxmbBG4c1IvDJf/Q6WcE/uKx
go6byU5xzgFYbbGBBSNEdCHAn7DQfJRtZw55eSJdf4sz1+C3Ls//LwD7H/hW8rZ6
0GNKtLxecA9mOV4jc1OUsU0eDYjnkiNAgBPQGsj9sUqFDsUdoVJ+qj0zFM9cWlXK
V9byNBX9TUIIeoncFqsxyBJ4SymcPRtFOuPnsfWnwCDqfXTCerpc03ZyDrx68+IJ
FUn2vFhRtnT4PVEYL9ho9Jqu/0HPsS2iCY6zHBeiFQKBgQDViINXmyGYhYN8HHNf
6rXsnLzY+uKk8lhr6r7orkRfGYS4PpJD2D0PvIOBEk3q+xQuYifIhL5abLa6tBLP
gTrdJ8UYml/wPd8Gszd1g45q3EXUTbxlC2o1IgM3KnilunKAASQS+e2ELzdLJda1
olNmTp7/iS1EykZf8YLyWO8LXQKBgQDLeP/QyKoSgLfRtABZyRXClHfSk3OMXw+d
zdavlI1IJpahtG1/h3TwqkgvCbeRt6uOSUD6k06QhujnVZgVZhGugGNDXrFD9KCa
r2dAhbTe95YAYTGIdp2u6zlPQT4Mpq+l6wdD20hhBG1xgFa82nZW/AAJPfJGPgk1
CEr0COD0RwKBgCYoKcg62WsG2LMR5nAKYg3xCDIBywRMpg5KuWic02znA3dk/wAO
oQKx3hHvcmr+COIs+gzz44wHBzQfv4jDAADK/YZi96fXdoYc+lkOdCGWUQgaCANK
YeUyub5e4YZD5fgHvCmD7bSEN24/SbnVUu/iNrlVCvjS6HZ2kr65s6WlAoGAcyAW
VjKDkA6Gcz+Ohz6wcjUBCwNk+IJ82oOxugyqV62Fwx7MacDh2J3wU7UCyY8LoWkv
O9gHNt0ugF28vDbRQFPiVicI03NhP8SI/kfoy9N4auSTWywKEgODnKVEj3Hspksy
BCHZdRNFPVgpO5e8J4FUH+aN41KMcRYtGqC/b1cCgYB1f5g8LdKAjU3qlc6UhuZf
M0qbz//glQrSq6tlYQLvpCUhdJBhOHQwlScPE5a6oxkiRQWO0DIc86+IwcUuURkF
qzFi3zZ9mIEux52MfiOvMJ6P+AdytasWxPMDfET70R+RRrZmtou1ZsrFRwDCW8O7
Cp2ApI4ZSGXHudGAtQDi5w==
-----END PRIVATE KEY-----
"""
    static let goldenMessage = "app_id=2021000000000001&out_trade_no=P0001&total_amount=12.34&trade_status=TRADE_SUCCESS"
    /// `openssl dgst -sha256 -sign golden.pem msg.txt | base64`
    static let goldenSignature = "b3Am9Mv9UlZK8dV1spa26A9vWFYWfpn2v0LVCo/X1k+D3zCzEwVCCjaDu1NxMAYCymW//mDEg7eTcDOwbOl5NSY7gHlyTSjeGqu6lriozhg73uSZkIIEe+tZnoiMZThfmK15wBNDgTaRyJLct6NXqsonikKFx3wBQgo8jgNYVNVJDQoVyYxIMaIc7anxGWqmraQxel0xZObn8xZvqf3p8pVKMp5nUMe5+uQoeRhhaAOTE1pwcHKVX34ABTGCEFF2Z1xupTlUbvzcuQhyoqnwKiCnW1z4LoBONJJkyKeN/1pO/bzyZ2Dwct5PLCtfqHfhr7H4QL7Vn9rJ7DD9JdOmhA=="

    @Test func rsaSignatureMatchesOpenSSL() throws {
        let key = try RSAPrivateKey(pem: Self.goldenKey)
        // PKCS#1 v1.5 is deterministic: the same key and message give openssl's exact bytes.
        #expect(key.signBase64(Self.goldenMessage) == Self.goldenSignature)
        #expect(key.publicKey.verifyBase64(Self.goldenSignature, for: Self.goldenMessage))
    }

    @Test func rsaRejectsTamperingAndWrongKey() throws {
        let key = try RSAPrivateKey(pem: Self.goldenKey)
        let other = try RSAPrivateKey.generate()
        let pub = key.publicKey
        #expect(!pub.verifyBase64(Self.goldenSignature, for: Self.goldenMessage.replacingOccurrences(of: "12.34", with: "12.35")))
        #expect(!other.publicKey.verifyBase64(Self.goldenSignature, for: Self.goldenMessage))
        var bytes = Base64.decode(Self.goldenSignature)!
        bytes[10] ^= 0x01
        #expect(!pub.verify(bytes, for: Array(Self.goldenMessage.utf8)))
        #expect(!pub.verifyBase64("not base64!", for: Self.goldenMessage))
        #expect(!pub.verify([], for: Array(Self.goldenMessage.utf8)))
        #expect(!pub.verify(Array(bytes.prefix(100)), for: Array(Self.goldenMessage.utf8)))
    }

    @Test func rsaPEMRoundTrip() throws {
        let key = try RSAPrivateKey.generate()
        let again = try RSAPrivateKey(pem: key.pem)
        let signature = again.sign(Array("hello".utf8))
        #expect(signature.count == 256)
        let pub = try RSAPublicKey(pem: key.publicKey.pem)
        #expect(pub.verify(signature, for: Array("hello".utf8)))
        #expect(pub.serial == key.publicKey.serial && pub.serial.count == 40)
        #expect(throws: CryptoError.self) { try RSAPrivateKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
        #expect(throws: CryptoError.self) { try RSAPublicKey(pem: "") }
        #expect(throws: CryptoError.self) { try RSAPublicKey(pem: key.pem) }
    }

    @Test func aesGCMMatchesNISTVectors() throws {
        // GCM spec (McGrew & Viega) test case 13 and 14: zero key, zero IV.
        let key = [UInt8](repeating: 0, count: 32), iv = [UInt8](repeating: 0, count: 12)
        let empty = try Crypto.aes256GCMSeal(key: key, nonce: iv, plaintext: [], aad: [])
        #expect(Hex.encode(empty.tag) == "530f8afbc74536b9a963b4f1c4cb738b")
        let block = try Crypto.aes256GCMSeal(key: key, nonce: iv, plaintext: [UInt8](repeating: 0, count: 16), aad: [])
        #expect(Hex.encode(block.ciphertext) == "cea7403d4d606b6e074ec5d3baf39d18")
        #expect(Hex.encode(block.tag) == "d0d1c8a799996bf0265b98b5d48ab919")
    }

    @Test func aesGCMRoundTripAndTagFailure() throws {
        let key = Crypto.randomBytes(32), nonce = Array("0123456789ab".utf8), aad = Array("transaction".utf8)
        let plain = Array(#"{"out_trade_no":"P1","trade_state":"SUCCESS"}"#.utf8)
        let sealed = try Crypto.aes256GCMSeal(key: key, nonce: nonce, plaintext: plain, aad: aad)
        #expect(try Crypto.aes256GCMOpen(key: key, nonce: nonce, sealed: sealed, aad: aad) == plain)
        var flipped = sealed.ciphertext
        flipped[0] ^= 1
        #expect(throws: CryptoError.self) {
            try Crypto.aes256GCMOpen(key: key, nonce: nonce, sealed: .init(ciphertext: flipped, tag: sealed.tag), aad: aad)
        }
        #expect(throws: CryptoError.self) { try Crypto.aes256GCMOpen(key: key, nonce: nonce, sealed: sealed, aad: Array("refund".utf8)) }
        #expect(throws: CryptoError.self) { try Crypto.aes256GCMOpen(key: Crypto.randomBytes(32), nonce: nonce, sealed: sealed, aad: aad) }
        #expect(throws: CryptoError.self) { try Crypto.aes256GCMOpen(key: key, nonce: nonce, sealed: .init(ciphertext: sealed.ciphertext, tag: [1, 2]), aad: aad) }
        #expect(throws: CryptoError.self) { try Crypto.aes256GCMSeal(key: [1], nonce: nonce, plaintext: plain, aad: aad) }
    }
}
