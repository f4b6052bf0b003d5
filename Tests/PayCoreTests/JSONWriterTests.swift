import Foundation
import Testing
@testable import PayCore

@Suite("JSONWriter: the payment path's JSON")
struct JSONWriterTests {
    func text(_ value: JSONValue, escapesSlashes: Bool = false) -> String {
        String(decoding: value.encoded(escapesSlashes: escapesSlashes), as: UTF8.self)
    }

    @Test("quotes, backslashes and control characters are escaped; U+007F, U+2028 and non-ASCII text are not")
    func escaping() {
        #expect(text(.string("say \"hi\" \\ bye")) == #""say \"hi\" \\ bye""#)
        #expect(text(.string("\u{8}\u{c}\n\r\t")) == #""\b\f\n\r\t""#)
        #expect(text(.string("\u{0}\u{1}\u{1b}\u{1f}")) == #""\u0000\u0001\u001b\u001f""#)
        #expect(text(.string("\u{7f}\u{2028}珍珠奶茶 ¥12 😀")) == "\"\u{7f}\u{2028}珍珠奶茶 ¥12 😀\"")
        #expect(text(.string("")) == #""""#)
    }

    @Test("a slash is kept as is for the channels and escaped as \\/ on request")
    func slashes() {
        #expect(text(.string("https://qr.alipay.com/x")) == #""https://qr.alipay.com/x""#)
        #expect(text(.string("https://qr.alipay.com/x"), escapesSlashes: true) == #""https:\/\/qr.alipay.com\/x""#)
    }

    @Test("integers in decimal over the whole range, doubles without a trailing .0")
    func numbers() {
        #expect(text(.array([.int(0), .int(7), .int(-7), .int(10), .int(1999), .int(Int64.max), .int(Int64.min)]))
                == "[0,7,-7,10,1999,9223372036854775807,-9223372036854775808]")
        #expect(text(.array([.double(1), .double(0.1), .double(-2.5), .double(1e20), .double(1e-7)])) == "[1,0.1,-2.5,1e+20,1e-07]")
        var writer = JSONWriter()
        writer.writeUInt(UInt64.max)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "18446744073709551615")
    }

    @Test("objects nest with their keys sorted at every level; empty containers stay empty")
    func nesting() {
        let value: JSONValue = .object(["b": .object(["z": .null, "a": .bool(true)]), "a": .array([.object([:]), .array([]), .bool(false)]),
                                        "amount": .object(["total": .int(100), "currency": .string("CNY")])])
        #expect(text(value) == #"{"a":[{},[],false],"amount":{"currency":"CNY","total":100},"b":{"a":true,"z":null}}"#)
    }

    @Test("keys sort by their UTF-8 bytes: digits, upper case, _, lower case, then other scripts")
    func keyOrder() {
        let keys = ["b", "B", "_", "a_b", "ab", "a10", "a9", "é", "😀", "￿", "1"]
        let value = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.map { ($0, JSONValue.int(1)) }))
        #expect(text(value) == #"{"1":1,"B":1,"_":1,"a10":1,"a9":1,"a_b":1,"ab":1,"b":1,"é":1,"￿":1,"😀":1}"#)
    }

    @Test("random documents encode to the bytes of JSONEncoder with .sortedKeys, slashes escaped or not")
    func sameBytesAsJSONEncoder() throws {
        var random = SplitMix(seed: 0x4A53_4F4E)
        for round in 0..<400 {
            let value = JSONValue.object(Self.randomObject(&random, depth: 0))
            for escapesSlashes in [false, true] {
                let encoder = JSONEncoder()
                encoder.outputFormatting = escapesSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
                let expected = try encoder.encode(Encoded(value: value))
                #expect(value.encoded(escapesSlashes: escapesSlashes) == [UInt8](expected), "round \(round)")
            }
        }
    }

    // MARK: random documents

    static let alphabet: [Character] = Array("abcxyzABCXYZ_-. /\\\"019é中😀") + ["\u{0}", "\u{1f}", "\u{7f}", "\n", "\t", "\u{2028}", "\u{ffff}"]

    static func randomString(_ random: inout SplitMix, maxLength: Int) -> String {
        String((0..<Int.random(in: 0...maxLength, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
    }

    static func randomObject(_ random: inout SplitMix, depth: Int) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            object[randomString(&random, maxLength: 6)] = randomValue(&random, depth: depth + 1)
        }
        return object
    }

    static func randomValue(_ random: inout SplitMix, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth < 4 ? 9 : 7), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &random))
        case 3: return .int(Int64.random(in: -1000...1000, using: &random))
        case 4: return .double(Double(Int.random(in: -100_000...100_000, using: &random)) / 100)
        case 5, 6: return .string(randomString(&random, maxLength: 12))
        case 7: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        default: return .object(randomObject(&random, depth: depth))
        }
    }
}

/// `JSONValue` as Foundation's encoder sees it.
private struct Encoded: Encodable {
    let value: JSONValue

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .int(let number): try container.encode(number)
        case .double(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let elements): try container.encode(elements.map(Encoded.init))
        case .object(let entries): try container.encode(entries.mapValues(Encoded.init))
        }
    }
}

/// SplitMix64, so every run draws the same documents.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
