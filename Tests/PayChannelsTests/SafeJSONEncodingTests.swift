import Foundation
import Testing
import TestSupport
@testable import PayChannels

@Suite("SafeJSON.encode: the channels' request and answer bodies")
struct SafeJSONEncodingTests {
    @Test("random channel-shaped objects (snake_case keys) encode to the bytes JSONSerialization with .sortedKeys wrote before")
    func sameBytesAsJSONSerialization() throws {
        var random = SeededRandom(state: 18)
        for round in 0..<300 {
            let object = Self.object(&random, depth: 0)
            let expected = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            #expect(SafeJSON.encode(object) == [UInt8](expected), "round \(round)")
        }
    }

    @Test("a parsed body is written back as it came: true stays true, 1 stays 1, 1.5 stays 1.5, null stays null")
    func parsedValuesKeepTheirKind() throws {
        let body = #"{"a":true,"b":false,"c":1,"d":0,"e":1.5,"f":-3,"g":null,"h":[1,true,"x"],"i":{"j":"https://x/y"},"k":12345678901234567890}"#
        let parsed = try SafeJSON.object(Array(body.utf8))
        #expect(String(decoding: SafeJSON.encode(parsed), as: UTF8.self) == body)
    }

    @Test("Swift values: Bool is true/false and Int a number, never each other; [String: String] nests")
    func swiftValues() {
        let object: [String: Any] = ["flag": true, "count": 1, "amount": Int64(-250), "payer": ["auth_code": "134567890123456789"],
                                     "list": [["n": 2], "s"], "none": NSNull()]
        #expect(String(decoding: SafeJSON.encode(object), as: UTF8.self)
                == #"{"amount":-250,"count":1,"flag":true,"list":[{"n":2},"s"],"none":null,"payer":{"auth_code":"134567890123456789"}}"#)
    }

    @Test("a recorded call's JSON body keeps its escaped slashes and masks its secrets")
    func maskedBody() {
        let masked = ChannelCallMask.body(Array(#"{"notify_url":"https://paydesk.local/n","sign":"abc","amount":{"total":1}}"#.utf8))
        #expect(masked == #"{"amount":{"total":1},"notify_url":"https:\/\/paydesk.local\/n","sign":"***"}"#)
    }

    static let keyAlphabet = Array("abcdefghijklmnopqrstuvwxyz_")
    static let textAlphabet: [Character] = Array("aZ09 _-./:\\\"'{}[]=&¥é中😀") + ["\u{0}", "\u{1b}", "\u{7f}", "\n", "\t", "\u{2028}"]

    static func key(_ random: inout SeededRandom) -> String {
        String((0..<Int.random(in: 1...14, using: &random)).map { _ in keyAlphabet.randomElement(using: &random)! })
    }

    static func object(_ random: inout SeededRandom, depth: Int) -> [String: Any] {
        var object: [String: Any] = [:]
        for _ in 0..<Int.random(in: 0...8, using: &random) { object[key(&random)] = value(&random, depth: depth + 1) }
        return object
    }

    static func value(_ random: inout SeededRandom, depth: Int) -> Any {
        switch Int.random(in: 0..<(depth < 3 ? 8 : 6), using: &random) {
        case 0: return Bool.random(using: &random)
        case 1: return Int.random(in: -1_000_000...1_000_000, using: &random)
        case 2: return Int64.random(in: Int64.min...Int64.max, using: &random)
        case 3, 4: return String((0..<Int.random(in: 0...20, using: &random)).map { _ in textAlphabet.randomElement(using: &random)! })
        case 5: return ["k": String(Int.random(in: 0...99, using: &random))]
        case 6: return (0..<Int.random(in: 0...3, using: &random)).map { _ in value(&random, depth: depth + 1) }
        default: return object(&random, depth: depth)
        }
    }
}
