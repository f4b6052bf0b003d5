import Foundation
import PayCore

/// The bytes of a bill, from a file or from memory, cut into lines one chunk at a time: only the
/// chunk and the line being read are held, whatever the file's size.
struct BillByteSource {
    /// A chunk read at once.
    static let chunkBytes = 1 << 20
    /// The longest line any format allows; a longer one is an error, not a reason to buffer more.
    static let maxLineBytes = 1 << 16

    let name: String
    private var file: UnsafeMutablePointer<FILE>?
    private var memory: [UInt8] = []
    private var memoryOffset = 0

    init(path: String, name: String) throws(PayError) {
        self.name = name
        guard let file = fopen(path, "rb") else {
            throw PayError.invalidInput("bill '\(name)': cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        self.file = file
    }

    init(bytes: [UInt8], name: String) {
        self.name = name
        self.memory = bytes
    }

    mutating func close() {
        if let file { fclose(file) }
        file = nil
    }

    private mutating func fill(_ into: UnsafeMutablePointer<UInt8>, _ capacity: Int) throws(PayError) -> Int {
        if let file {
            let n = fread(into, 1, capacity, file)
            if n == 0, ferror(file) != 0 { throw PayError.invalidInput("bill '\(name)': read error: \(String(cString: strerror(errno)))") }
            return n
        }
        let n = min(capacity, memory.count - memoryOffset)
        guard n > 0 else { return 0 }
        memory.withUnsafeBufferPointer { source in
            into.update(from: source.baseAddress! + memoryOffset, count: n)
        }
        memoryOffset += n
        return n
    }

    /// Calls `body` for every non-blank line, its trailing CR removed (and a UTF-8 byte order mark
    /// before the first); `line.number` counts every line of the file from 1, blank ones too.
    mutating func lines(_ body: (inout BillLine) throws(PayError) -> Void) throws(PayError) {
        let capacity = BillByteSource.chunkBytes + BillByteSource.maxLineBytes
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var line = BillLine(name: name)
        var start = 0
        var end = 0
        var number = 0
        var atEOF = false
        func emit(_ from: Int, _ to: Int) throws(PayError) {
            number += 1
            var upper = to
            if upper > from, buffer[upper - 1] == 13 { upper -= 1 }
            var lower = from
            if number == 1, upper - lower >= 3, buffer[lower] == 0xEF, buffer[lower + 1] == 0xBB, buffer[lower + 2] == 0xBF { lower += 3 }
            guard upper > lower else { return }
            line.reset(number: number, bytes: UnsafeBufferPointer(start: buffer + lower, count: upper - lower))
            try body(&line)
        }
        while !atEOF {
            if start > 0 {
                if end > start { (buffer).update(from: buffer + start, count: end - start) }
                end -= start
                start = 0
            }
            let n = try fill(buffer + end, capacity - end)
            if n == 0 { atEOF = true }
            var scan = end
            end += n
            while scan < end {
                guard let hit = memchr(buffer + scan, 10, end - scan) else { break }
                let newline = buffer.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                try emit(start, newline)
                start = newline + 1
                scan = start
            }
            if end - start > BillByteSource.maxLineBytes {
                throw PayError.invalidInput("bill '\(name)' line \(number + 1): longer than \(BillByteSource.maxLineBytes) bytes")
            }
        }
        if end > start { try emit(start, end) }
    }
}

/// One line of a bill while it is being read, cut into fields; its bytes are valid only during the
/// call that received it. Every error it makes names the bill, the line and the column.
struct BillLine {
    let name: String
    private(set) var number = 0
    private(set) var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var starts: [Int] = []
    private var ends: [Int] = []
    /// Fields that were quoted and hold a doubled quote, to be unescaped when read as text.
    private var escaped: [Bool] = []
    /// Column names for errors, set by the format.
    var columns: [String] = []

    init(name: String) { self.name = name }

    mutating func reset(number: Int, bytes: UnsafeBufferPointer<UInt8>) {
        self.number = number
        self.bytes = bytes
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        escaped.removeAll(keepingCapacity: true)
    }

    var count: Int { starts.count }

    func error(_ message: String) -> PayError { PayError.invalidInput("bill '\(name)' line \(number): \(message)") }

    func column(_ index: Int) -> String {
        index < columns.count ? "column \(index + 1) (\(columns[index]))" : "column \(index + 1)"
    }

    func error(_ index: Int, _ message: String) -> PayError { error("\(column(index)) '\(text(index))': \(message)") }

    /// The line as text (for messages and the summary lines of the formats that have them).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    func hasPrefix(_ prefix: [UInt8]) -> Bool {
        bytes.count >= prefix.count && prefix.indices.allSatisfy { bytes[$0] == prefix[$0] }
    }

    func equals(_ literal: [UInt8]) -> Bool { bytes.count == literal.count && bytes.elementsEqual(literal) }

    // MARK: Fields

    /// Cuts the line at `separator`, RFC 4180 quoting: a quoted field may hold the separator and
    /// doubled quotes; a quote inside an unquoted field, an unterminated quote or text after a
    /// closing quote is bad quoting. (A quoted line break is not supported: no channel writes one.)
    mutating func split(_ separator: UInt8 = 44) throws(PayError) {
        let quote: UInt8 = 34
        var i = 0
        let n = bytes.count
        while true {
            if i < n, bytes[i] == quote {
                var j = i + 1
                var doubled = false
                var closed = false
                while j < n {
                    if bytes[j] == quote {
                        if j + 1 < n, bytes[j + 1] == quote { doubled = true; j += 2; continue }
                        closed = true
                        break
                    }
                    j += 1
                }
                guard closed else { throw error("bad quoting: column \(starts.count + 1) opens a quote that is never closed") }
                starts.append(i + 1); ends.append(j); escaped.append(doubled)
                i = j + 1
                if i == n { return }
                guard bytes[i] == separator else { throw error("bad quoting: text after the closing quote of column \(starts.count)") }
                i += 1
            } else {
                var j = i
                while j < n, bytes[j] != separator {
                    if bytes[j] == quote { throw error("bad quoting: a quote inside unquoted column \(starts.count + 1)") }
                    j += 1
                }
                starts.append(i); ends.append(j); escaped.append(false)
                if j == n { return }
                i = j + 1
            }
        }
    }

    /// Cuts a fixed-width line into fields of `widths` separated by one space; trailing spaces of a
    /// field are not part of it. A line of another length is an error.
    mutating func splitFixed(_ widths: [Int]) throws(PayError) {
        let expected = widths.reduce(0, +) + widths.count - 1
        guard bytes.count == expected else { throw error("\(bytes.count) bytes, a record of this kind has \(expected)") }
        var at = 0
        for width in widths {
            var end = at + width
            while end > at, bytes[end - 1] == 32 { end -= 1 }
            starts.append(at); ends.append(end); escaped.append(false)
            at += width + 1
        }
    }

    /// Drops a one-byte prefix every field must carry (WeChat's back-tick).
    mutating func dropPrefix(_ prefix: UInt8, what: String) throws(PayError) {
        for i in starts.indices {
            guard ends[i] > starts[i], bytes[starts[i]] == prefix else { throw error("\(column(i)) has no \(what)") }
            starts[i] += 1
        }
    }

    func expectCount(_ n: Int, what: String) throws(PayError) {
        guard count == n else { throw error("\(count) columns, \(what) has \(n)") }
    }

    func field(_ i: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[starts[i]..<ends[i]]) }

    func isEmpty(_ i: Int) -> Bool { ends[i] == starts[i] }

    func text(_ i: Int) -> String {
        guard i < count else { return "" }
        let s = String(decoding: field(i), as: UTF8.self)
        return escaped[i] ? s.replacingOccurrences(of: "\"\"", with: "\"") : s
    }

    func fieldEquals(_ i: Int, _ literal: [UInt8]) -> Bool {
        let f = field(i)
        return f.count == literal.count && f.elementsEqual(literal)
    }

    /// A non-empty serial.
    func serial(_ i: Int) throws(PayError) -> String {
        guard !isEmpty(i) else { throw error("\(column(i)) is empty") }
        return text(i)
    }

    // MARK: Numbers

    /// A decimal amount ("-12.30") in minor units of a currency with `exponent` decimals: at most
    /// that many decimals, at most 15 integer digits.
    func minor(_ i: Int, exponent: Int) throws(PayError) -> Int64 {
        let f = field(i)
        var k = 0
        var negative = false
        if k < f.count, f[k] == 45 || f[k] == 43 { negative = f[k] == 45; k += 1 }
        var value: Int64 = 0
        var intDigits = 0
        while k < f.count, f[k] >= 48, f[k] <= 57 { value = value * 10 + Int64(f[k] - 48); intDigits += 1; k += 1 }
        var fraction = 0
        if k < f.count, f[k] == 46 {
            k += 1
            while k < f.count, f[k] >= 48, f[k] <= 57, fraction < exponent { value = value * 10 + Int64(f[k] - 48); fraction += 1; k += 1 }
            guard fraction > 0 else { throw error(i, "not an amount") }
        }
        guard intDigits > 0, intDigits <= 15, k == f.count else {
            throw error(i, exponent == 0 ? "not a whole amount" : "not an amount with at most \(exponent) decimals")
        }
        for _ in fraction..<exponent { value *= 10 }
        return negative ? -value : value
    }

    /// An unsigned integer of at most 18 digits.
    func integer(_ i: Int) throws(PayError) -> Int64 {
        let f = field(i)
        guard f.count > 0, f.count <= 18, f.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw error(i, "not a whole number") }
        return f.reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) }
    }

    // MARK: Times

    /// "YYYY-MM-DD HH:MM:SS" in Beijing time (Alipay, WeChat).
    func beijingTime(_ i: Int) throws(PayError) -> Timestamp {
        try time(i, layout: BillLine.dashed, offsetMilliseconds: ChannelTime.beijingOffset, what: "a time like 2026-11-21 17:30:12")
    }

    /// "YYYYMMDDHHMMSS" in Beijing time (UnionPay's txnTime).
    func compactBeijingTime(_ i: Int) throws(PayError) -> Timestamp {
        try time(i, layout: BillLine.compact, offsetMilliseconds: ChannelTime.beijingOffset, what: "a time like 20261121173012")
    }

    /// "YYYY-MM-DDTHH:MM:SS.mmmZ" or without milliseconds, UTC.
    func isoTime(_ i: Int) throws(PayError) -> Timestamp {
        let f = field(i)
        if f.count == 24 {
            let base = try time(i, layout: BillLine.isoMillis, offsetMilliseconds: 0, what: "a UTC time like 2026-11-21T09:30:12.000Z")
            return base.adding(milliseconds: Int64(f[20] - 48) * 100 + Int64(f[21] - 48) * 10 + Int64(f[22] - 48))
        }
        return try time(i, layout: BillLine.iso, offsetMilliseconds: 0, what: "a UTC time like 2026-11-21T09:30:12Z")
    }

    /// "YYYY/MM/DD HH:MM:SS +0000" (PayPal's reports), UTC only.
    func slashedUTCTime(_ i: Int) throws(PayError) -> Timestamp {
        try time(i, layout: BillLine.slashed, offsetMilliseconds: 0, what: "a time like 2026/11/21 09:30:12 +0000")
    }

    // Layouts: "9" a digit, anything else that byte; year, month, day, hour, minute, second in order.
    private static let dashed = Array("9999-99-99 99:99:99".utf8)
    private static let compact = Array("99999999999999".utf8)
    private static let iso = Array("9999-99-99T99:99:99Z".utf8)
    private static let isoMillis = Array("9999-99-99T99:99:99.999Z".utf8)
    private static let slashed = Array("9999/99/99 99:99:99 +0000".utf8)

    private func time(_ i: Int, layout: [UInt8], offsetMilliseconds: Int64, what: String) throws(PayError) -> Timestamp {
        let f = field(i)
        guard f.count == layout.count else { throw error(i, "not \(what)") }
        for k in 0..<layout.count {
            let ok = layout[k] == 57 ? (f[k] >= 48 && f[k] <= 57) : f[k] == layout[k]
            guard ok else { throw error(i, "not \(what)") }
        }
        func number(_ at: Int, _ length: Int) -> Int64 { (at..<at + length).reduce(Int64(0)) { $0 * 10 + Int64(f[$1] - 48) } }
        let compact = layout.count == BillLine.compact.count
        let at = compact ? [0, 4, 6, 8, 10, 12] : [0, 5, 8, 11, 14, 17]
        let (y, mo, d) = (number(at[0], 4), number(at[1], 2), number(at[2], 2))
        let (h, mi, s) = (number(at[3], 2), number(at[4], 2), number(at[5], 2))
        guard y >= 1, (1...12).contains(mo), (1...BillLine.daysIn(y, mo)).contains(d), h < 24, mi < 60, s < 60 else {
            throw error(i, "not \(what)")
        }
        let days = BillLine.daysFromCivil(y, mo, d)
        return Timestamp(milliseconds: ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 - offsetMilliseconds)
    }

    static func daysIn(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension BillLine {
    /// Every field as text (header rows).
    var textFields: [String] { (0..<count).map { text($0) } }
}
