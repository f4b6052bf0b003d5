import Testing
@testable import PayChannels
import PayCore

/// A malformed bill is refused with the bill's name, the line number and what is wrong: bad quoting,
/// a short line, a bad amount, a wrong header, a truncated file, totals that disagree with the lines.
@Suite struct BillMalformedTests {
    /// A good bill of `account` for 2026-11-21, as lines, and the index of its first trade line.
    static func good(_ account: String) throws -> (channel: String, lines: [String], first: Int) {
        let h = try SandboxHarness()
        _ = try BillTests().makeDay(h, account)
        let lines = try h.plugin(account).downloadBill(date: "2026-11-21").split(separator: "\n").map(String.init)
        let channel = h.accounts[account]!.channel
        let first: Int = switch channel {
        case "alipay": 5
        case "paypal": 4
        default: 1
        }
        return (channel, lines, first)
    }

    static func error(_ channel: String, _ lines: [String]) -> String? {
        do {
            _ = try BillReader(channel: channel).read(bytes: Array((lines.joined(separator: "\n") + "\n").utf8), name: "day.csv") { _ in }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Replaces field `index` of line `line` (cut at commas; a fixed-width line by column offset).
    static func setting(_ lines: [String], _ line: Int, _ index: Int, _ value: String) -> [String] {
        var lines = lines
        var fields = lines[line].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[index] = value
        lines[line] = fields.joined(separator: ",")
        return lines
    }

    @Test func theGoodBillsAreRead() throws {
        for account in ["alipay-main", "wechat-sp", "unionpay-main", "acquirer-a", "paypal-main", "wallet-main"] {
            let (channel, lines, _) = try Self.good(account)
            #expect(Self.error(channel, lines) == nil, "\(account)")
        }
    }

    @Test func alipay() throws {
        let (c, lines, f) = try Self.good("alipay-main")
        let n = f + 1
        func expect(_ mutated: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let error = Self.error(c, mutated)
            #expect(error?.contains(message) == true, "\(error ?? "no error")", sourceLocation: sourceLocation)
        }
        expect(Self.setting(lines, f, 3, "a\"b"), "bill 'day.csv' line \(n): bad quoting: a quote inside unquoted column 4")
        expect(Self.setting(lines, f, 3, "\"ab"), "bill 'day.csv' line \(n): bad quoting: column 4 opens a quote that is never closed")
        var short = lines; short[f] = String(short[f][..<short[f].lastIndex(of: ",")!])
        expect(short, "line \(n): 11 columns, an Alipay trade line has 12")
        expect(Self.setting(lines, f, 7, "12.345"), "line \(n): column 8 (订单金额（元）) '12.345': not an amount with at most 2 decimals")
        expect(Self.setting(lines, f, 5, "2026-11-21 25:00:00"), "line \(n): column 6 (完成时间) '2026-11-21 25:00:00': not a time")
        var header = lines; header[4] = header[4].replacingOccurrences(of: "商户订单号", with: "订单号")
        expect(header, "bill 'day.csv' line 5: wrong header")
        expect(Array(lines.dropLast(3)), "bill 'day.csv' line \(lines.count - 2): truncated: no summary lines")
        let counts = lines.firstIndex { $0.hasPrefix("#交易合计") }!
        var more = lines; more[counts] = more[counts].replacingOccurrences(of: "退款合计：1笔", with: "退款合计：2笔")
        expect(more, "line \(counts + 2): the summary disagrees with the lines: 2 refunds declared, 1 listed (CNY)")
        // Dropping a trade line leaves the totals disagreeing: the summary is the integrity check.
        var dropped = lines; dropped.remove(at: f)
        expect(dropped, "the summary disagrees with the lines: 4 payments declared, 3 listed (CNY)")
    }

    @Test func wechat() throws {
        let (c, lines, f) = try Self.good("wechat-sp")
        let n = f + 1
        func expect(_ mutated: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let error = Self.error(c, mutated)
            #expect(error?.contains(message) == true, "\(error ?? "no error")", sourceLocation: sourceLocation)
        }
        expect(Self.setting(lines, f, 20, "`x\"y"), "line \(n): bad quoting: a quote inside unquoted column 21")
        expect(Self.setting(lines, f, 5, "4200001"), "line \(n): column 6 (微信订单号) has no back-tick (`)")
        var short = lines; short[f] = String(short[f][..<short[f].lastIndex(of: ",")!])
        expect(short, "line \(n): 26 columns, a WeChat Pay trade line has 27")
        expect(Self.setting(lines, f, 12, "`12,00"), "columns")
        expect(Self.setting(lines, f, 12, "`1e3"), "line \(n): column 13 (应结订单金额) '1e3': not an amount with at most 2 decimals")
        expect(Self.setting(lines, f, 9, "`PAID"), "line \(n): column 10 (交易状态) 'PAID': not SUCCESS or REFUND")
        expect(Self.setting(lines, 0, 0, "交易日期"), "bill 'day.csv' line 1: wrong header")
        expect(Array(lines.dropLast()), "line \(lines.count): truncated: no totals row")
        expect(Self.setting(lines, lines.count - 1, 4, "`9.99"), "line \(lines.count): the summary disagrees with the lines: fees of 9.99 declared")
    }

    @Test func unionpay() throws {
        let (c, lines, f) = try Self.good("unionpay-main")
        let n = f + 1
        func expect(_ mutated: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let error = Self.error(c, mutated)
            #expect(error?.contains(message) == true, "\(error ?? "no error")", sourceLocation: sourceLocation)
        }
        let width = UnionPayBillFormat.detailWidths.reduce(0, +) + UnionPayBillFormat.detailWidths.count - 1
        var short = lines; short[f].removeLast()
        expect(short, "line \(n): \(width - 1) bytes, a record of this kind has \(width)")
        // txnAmt sits after record, txnType, queryId, orderId, origQryId, txnTime and currencyCode.
        let amountAt = UnionPayBillFormat.detailWidths.prefix(7).reduce(0, +) + 7
        var bad = lines; var chars = Array(bad[f]); chars[amountAt + 3] = "x"; bad[f] = String(chars)
        expect(bad, "line \(n): column 8 (txnAmt)")
        expect(["H 5.0.0 " + lines[0].dropFirst(8)] + lines.dropFirst(), "line 1: version '5.0.0': this reader knows 5.1.0")
        expect(Array(lines.dropFirst()), "bill 'day.csv' line 1: wrong header: the file must start with an H record")
        expect(Array(lines.dropLast()), "line \(lines.count): truncated: no trailer (T) record")
        var dropped = lines; dropped.remove(at: f)
        expect(dropped, "the summary disagrees with the lines: 4 payments declared, 3 listed (CNY)")
    }

    @Test(arguments: ["acquirer-b", "wallet-main"])
    func settlement(account: String) throws {
        let (c, lines, f) = try Self.good(account)
        let n = f + 1
        func expect(_ mutated: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let error = Self.error(c, mutated)
            #expect(error?.contains(message) == true, "\(error ?? "no error")", sourceLocation: sourceLocation)
        }
        expect(Self.setting(lines, f, 2, "\"P1\"x"), "line \(n): bad quoting: text after the closing quote of column 3")
        var short = lines; short[f] = String(short[f][..<short[f].lastIndex(of: ",")!])
        expect(short, "line \(n): 9 columns, a settlement row has 10")
        expect(Self.setting(lines, f, 6, "12.0.0"), "line \(n): column 7 (gross) '12.0.0': not an amount")
        expect(Self.setting(lines, f, 8, "0.01"), "line \(n): column 9 (net) '0.01': net is not gross − fee")
        expect(Self.setting(lines, 0, 4, "booked_at"), "line 1: wrong header")
        expect(Array(lines.dropLast()), "line \(lines.count): truncated: no trailer and end rows")
        var dropped = lines; dropped.remove(at: f)
        expect(dropped, "line \(lines.count - 1): the end row counts \(lines.count - 3) rows, the file has \(lines.count - 4)")
        let trailer = lines.firstIndex { $0.hasPrefix("trailer,") }!
        expect(Self.setting(lines, trailer, 3, "1.00"), "line \(trailer + 1): column 8 (net)")
        // A row whose amount changed (its net with it) no longer adds up to the trailer.
        let fee = try Money.parse(lines[f].split(separator: ",", omittingEmptySubsequences: false)[7].description, currency: .CNY)
        var changed = Self.setting(lines, f, 6, "999.00")
        changed = Self.setting(changed, f, 8, Money(minorUnits: 99_900 - fee.minorUnits, currency: .CNY).decimalString)
        expect(changed, "line \(lines.count): the summary disagrees with the lines: payments of")
    }

    @Test func paypal() throws {
        let (c, lines, f) = try Self.good("paypal-main")
        let n = f + 1
        func expect(_ mutated: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let error = Self.error(c, mutated)
            #expect(error?.contains(message) == true, "\(error ?? "no error")", sourceLocation: sourceLocation)
        }
        expect(Self.setting(lines, f, 2, "\"P1"), "line \(n): bad quoting")
        var short = lines; short[f] = String(short[f][..<short[f].lastIndex(of: ",")!])
        expect(short, "line \(n): 13 columns, a transaction (SB) row has 14")
        expect(Self.setting(lines, f, 9, "12.00"), "line \(n): column 10 (Gross Transaction Amount) '12.00': not a whole number")
        expect(Self.setting(lines, 0, 4, "010"), "line 1: wrong header: not an STL report of version 011")
        expect(Array(lines.dropFirst(2)), "line 1: wrong header")
        expect(Array(lines.dropLast()), "line \(lines.count): truncated")
        var dropped = lines; dropped.remove(at: f)
        expect(dropped, "line \(lines.count - 4): SC counts \(lines.count - 9) rows, the report has \(lines.count - 10)")
    }
}
