import Testing
@testable import PayChannels
import PayCore
import TestSupport

/// Thousands of random and mutated callbacks per channel: every parser answers with a verdict,
/// never a crash, and no mutation of a signed body is accepted.
@Suite struct FuzzTests {
    static let alphabet = Array("{}[]\":,=&%+0123456789abcdefABCDEF-_.\\ \n\u{0}".utf8) + [0xC3, 0x28, 0xFF, 0xE4, 0xB8]

    static func mutate(_ body: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        var out = body
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !out.isEmpty else { out = [alphabet.randomElement(using: &random)!]; continue }
            let i = Int.random(in: 0..<out.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: out[i] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1: out.insert(alphabet.randomElement(using: &random)!, at: i)
            case 2: out.remove(at: i)
            case 3: out = Array(out.prefix(i))
            case 4: out[i] = alphabet.randomElement(using: &random)!
            default: out.insert(contentsOf: out[i..<min(out.count, i + 8)], at: i)
            }
        }
        return out
    }

    @Test(arguments: [("alipay", "alipay-main"), ("wechat", "wechat-direct"), ("unionpay", "unionpay-main"),
                      ("card", "acquirer-a"), ("paypal", "paypal-main")])
    func mutatedAndRandomCallbacksAreRejected(channel: String, account: String) throws {
        let h = try SandboxHarness(only: [channel])
        let (serial, _) = try h.pay(account, 1200)
        let genuine = try #require(try h.sandbox.sentCallbacks(orderNo: serial).first)
        let plugin = try h.plugin(account)
        var random = SeededRandom(state: 20_261_121 &+ UInt64(channel.utf8.count))
        let isForm = channel == "alipay" || channel == "unionpay"
        // Empty values are outside the signature in both form schemes (and mean nothing to the parser).
        func signed(_ params: [String: String]?) -> [String: String]? { params?.filter { !$0.value.isEmpty } }
        let originalParams = isForm ? signed(try FormCodec.dictionary(genuine.body)) : [:]
        var accepted = 0
        for round in 0..<1500 {
            let body: [UInt8]
            if round % 3 == 0 {
                body = (0..<Int.random(in: 0..<400, using: &random)).map { _ in
                    round % 2 == 0 ? UInt8.random(in: 0...255, using: &random) : Self.alphabet.randomElement(using: &random)! }
            } else {
                body = Self.mutate(genuine.body, using: &random)
            }
            var headers = genuine.headers
            if round % 7 == 0, let name = headers.keys.sorted().randomElement(using: &random) {
                headers[name] = String(decoding: Self.mutate(Array(headers[name]!.utf8), using: &random), as: UTF8.self)
            }
            do {
                let note = try plugin.receiveNotification(headers: headers, body: body)
                // Only a re-encoding of the very same parameters may pass (form bodies decode "+" and "%20" alike).
                let same = body == genuine.body || (isForm && signed(try? FormCodec.dictionary(body)) == originalParams)
                #expect(same, "accepted a mutation: \(String(decoding: body, as: UTF8.self))")
                #expect(note.centerSerial == serial)
                accepted += 1
            } catch {
                #expect(!error.reason.isEmpty)
            }
        }
        #expect(accepted < 1500)
    }

    @Test func codecsSurviveRandomInput() {
        var random = SeededRandom(state: 7)
        for round in 0..<3000 {
            let bytes = (0..<Int.random(in: 0..<200, using: &random)).map { _ in
                round % 2 == 0 ? UInt8.random(in: 0...255, using: &random) : Self.alphabet.randomElement(using: &random)! }
            _ = try? FormCodec.parse(bytes)
            _ = try? SafeJSON.object(bytes)
            _ = try? SignatureHeader.verify(String(decoding: bytes, as: UTF8.self), body: bytes, secret: "s", now: Timestamp(seconds: 0))
            _ = Hex.decode(String(decoding: bytes, as: UTF8.self))
            _ = Base64.decode(String(decoding: bytes, as: UTF8.self))
        }
    }
}
