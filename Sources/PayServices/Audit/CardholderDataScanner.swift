import Foundation
import PayCore

/// Looks through files byte by byte (the store, its WAL, the sandbox's files, logs) for cardholder
/// data that must never be kept (§5): a full card number or a card verification code.
///
/// It finds
/// - any of the `pans` given, as a plain digit string anywhere (also inside longer runs): `.pan`;
/// - any run of 13–19 digits (alone, or grouped by single spaces or hyphens as cards are printed)
///   that starts like a card (2–6) and passes the Luhn check: `.panLike`;
/// - any of the `cvcs` given standing on its own (not part of a longer number or word), and any
///   3–4 digits right after a label such as `cvc`, `cvv` or `security_code`.
///
/// Limits: it reads bytes as ASCII text, so a number stored as an SQLite INTEGER (binary) or in
/// UTF-16 is not seen. Findings are masked: a report never repeats the number it found.
public enum CardholderDataScanner {
    public struct Finding: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            /// One of the card numbers the caller named: certain.
            case pan
            /// A run of digits shaped like a card number: worth a look. In an SQLite file two
            /// adjacent numeric text columns (a token ending in digits, then a BIN and last four)
            /// can form one by chance.
            case panLike
            case cvc
        }
        public let file: String
        /// Byte offset in the file.
        public let offset: Int
        public let kind: Kind
        /// "424242…4242" for a card number, "cvc (3 digits)" for a code.
        public let masked: String

        public var description: String {
            let what = switch kind { case .pan: "card number"; case .panLike: "card-like number"; case .cvc: "card code" }
            return "\(file) at byte \(offset): \(what) \(masked)"
        }
    }

    public struct Report: Sendable {
        /// The files that existed and were read.
        public let scanned: [String]
        public let findings: [Finding]
        public var clean: Bool { findings.isEmpty }
    }

    /// The files that belong to a store: the store, its WAL and shared memory, and the sandbox's
    /// file with its WAL (those that exist), followed by `logs`.
    public static func storeFiles(storePath: String, logs: [String] = []) -> [String] {
        let sandbox = storePath + ".sandbox.db"
        return [storePath, storePath + "-wal", storePath + "-shm", sandbox, sandbox + "-wal", sandbox + "-shm"] + logs
    }

    /// Scans every file of `files` that exists.
    public static func scan(files: [String], pans: [String] = [], cvcs: [String] = []) throws(PayError) -> Report {
        var scanned: [String] = []
        var findings: [Finding] = []
        for file in files where FileManager.default.fileExists(atPath: file) {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw PayError.internal("cardholder data scan: cannot read '\(file)'")
            }
            scanned.append(file)
            findings += scan(bytes: [UInt8](data), file: file, pans: pans, cvcs: cvcs)
        }
        return Report(scanned: scanned, findings: findings)
    }

    /// Scans bytes already in memory; `file` only labels the findings.
    public static func scan(bytes: [UInt8], file: String, pans: [String] = [], cvcs: [String] = []) -> [Finding] {
        var found: [Finding] = []
        var seen = Set<Int>()
        func add(_ offset: Int, _ kind: Finding.Kind, _ masked: String) {
            guard seen.insert(offset * 4 + (kind == .pan ? 0 : kind == .panLike ? 1 : 2)).inserted else { return }
            found.append(Finding(file: file, offset: offset, kind: kind, masked: masked))
        }
        bytes.withUnsafeBufferPointer { buffer in
            let runs = digitRuns(buffer)
            for pan in pans {
                let needle = Array(pan.utf8.filter(isDigit))
                guard needle.count >= 12 else { continue }
                for offset in occurrences(of: needle, in: buffer) { add(offset, .pan, mask(needle)) }
                for (offset, digits) in runs where digits == needle { add(offset, .pan, mask(needle)) }
            }
            for (offset, digits) in runs where looksLikeCard(digits) && !seen.contains(offset * 4) {
                add(offset, .panLike, mask(digits))
            }
            for cvc in cvcs {
                let needle = Array(cvc.utf8)
                guard (3...4).contains(needle.count), needle.allSatisfy(isDigit) else { continue }
                for offset in occurrences(of: needle, in: buffer) where standsAlone(offset, needle.count, buffer) {
                    add(offset, .cvc, "cvc (\(needle.count) digits)")
                }
            }
            for offset in labelledCodes(buffer) { add(offset, .cvc, "labelled card code") }
        }
        return found.sorted { $0.offset < $1.offset }
    }

    /// The Luhn (mod 10) check of a digit string (ASCII digits).
    public static func luhnValid(_ digits: [UInt8]) -> Bool {
        guard !digits.isEmpty else { return false }
        var sum = 0
        for (index, byte) in digits.reversed().enumerated() {
            var value = Int(byte) - 48
            if index % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    // MARK: Runs of digits

    /// Runs of 13–19 digits, plain or grouped, that could be card numbers: (offset, digits).
    static func digitRuns(_ buffer: UnsafeBufferPointer<UInt8>) -> [(Int, [UInt8])] {
        var result: [(Int, [UInt8])] = []
        var index = 0
        let count = buffer.count
        while index < count {
            guard isDigit(buffer[index]), index == 0 || !isDigit(buffer[index - 1]) else { index += 1; continue }
            // Collect digit groups joined by single spaces or hyphens.
            let start = index
            var groups: [[UInt8]] = [[]]
            var cursor = index
            while cursor < count {
                let byte = buffer[cursor]
                if isDigit(byte) {
                    groups[groups.count - 1].append(byte)
                    cursor += 1
                } else if (byte == 0x20 || byte == 0x2d), cursor + 1 < count, isDigit(buffer[cursor + 1]),
                          groups.last!.count >= 4 {
                    groups.append([])
                    cursor += 1
                } else {
                    break
                }
            }
            index = max(cursor, index + 1)
            let first = groups[0]
            // The first group on its own (the common case: no separators).
            result += candidates(first, at: start)
            // Grouped as printed: every group but the last of 4–6 digits.
            if groups.count > 1 {
                let joined = groups.flatMap { $0 }
                let shaped = groups.dropLast().allSatisfy { (4...6).contains($0.count) } && (1...6).contains(groups.last!.count)
                if shaped && (13...19).contains(joined.count) {
                    result.append((start, joined))
                }
            }
        }
        return result
    }

    /// The run itself, and for a run one or two digits too long, the run without its first or last
    /// digit (a binary byte that happens to be a digit can sit right beside a stored value).
    static func candidates(_ run: [UInt8], at offset: Int) -> [(Int, [UInt8])] {
        switch run.count {
        case 13...19:
            var list = [(offset, run)]
            if run.count >= 14 { list += [(offset + 1, Array(run.dropFirst())), (offset, Array(run.dropLast()))] }
            return list
        case 20: return [(offset + 1, Array(run.dropFirst())), (offset, Array(run.dropLast()))]
        default: return []
        }
    }

    static func looksLikeCard(_ digits: [UInt8]) -> Bool {
        guard (13...19).contains(digits.count), let first = digits.first,
              first >= UInt8(ascii: "2") && first <= UInt8(ascii: "6") else { return false }
        return luhnValid(digits)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
    }

    /// A code stands alone when neither neighbour is a letter, a digit, or a decimal point or comma
    /// (so "K737Q" in a serial and "1.737" in an amount are not codes).
    static func standsAlone(_ offset: Int, _ length: Int, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        func joins(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == 0x2e || byte == 0x2c }
        if offset > 0 && joins(buffer[offset - 1]) { return false }
        let end = offset + length
        if end < buffer.count && joins(buffer[end]) { return false }
        return true
    }

    static func occurrences(of needle: [UInt8], in buffer: UnsafeBufferPointer<UInt8>) -> [Int] {
        guard !needle.isEmpty, buffer.count >= needle.count else { return [] }
        var result: [Int] = []
        let first = needle[0]
        var index = 0
        let last = buffer.count - needle.count
        while index <= last {
            if buffer[index] == first {
                var match = true
                for k in 1..<needle.count where buffer[index + k] != needle[k] { match = false; break }
                if match { result.append(index) }
            }
            index += 1
        }
        return result
    }

    static let codeLabels: [[UInt8]] = ["cvc", "cvv", "cvv2", "cvc2", "security_code", "securitycode", "card_code"].map { Array($0.utf8) }

    /// Offsets of 3–4 digits that follow a code label within a few punctuation bytes:
    /// `"cvc":"123"`, `cvv=123`, `security_code: 1234`.
    static func labelledCodes(_ buffer: UnsafeBufferPointer<UInt8>) -> [Int] {
        var result: [Int] = []
        let count = buffer.count
        var index = 0
        while index < count {
            let byte = lowercased(buffer[index])
            guard byte == UInt8(ascii: "c") || byte == UInt8(ascii: "s") else { index += 1; continue }
            var matched = 0
            for label in codeLabels where index + label.count <= count && label.count > matched {
                var equal = true
                for k in 0..<label.count where lowercased(buffer[index + k]) != label[k] { equal = false; break }
                if equal { matched = label.count }
            }
            guard matched > 0, index == 0 || !isAlphanumeric(buffer[index - 1]) else { index += 1; continue }
            var cursor = index + matched
            var skipped = 0
            while cursor < count, skipped < 4, [0x22, 0x27, 0x3a, 0x3d, 0x20].contains(buffer[cursor]) {
                cursor += 1
                skipped += 1
            }
            var digits = 0
            while cursor + digits < count, isDigit(buffer[cursor + digits]) { digits += 1 }
            let end = cursor + digits
            if skipped > 0, (3...4).contains(digits), end >= count || !isAlphanumeric(buffer[end]) {
                result.append(cursor)
            }
            index += matched
        }
        return result
    }

    /// "424242…4242": the first six and last four digits, as receipts may print them.
    static func mask(_ digits: [UInt8]) -> String {
        String(decoding: digits.prefix(6), as: UTF8.self) + "…" + String(decoding: digits.suffix(4), as: UTF8.self)
    }
}
