import Testing
@testable import PayChannels
import PayCore

/// A day's bill lists exactly that day's payments and refunds, with fees and totals that add up,
/// in each channel's format.
@Suite struct BillTests {
    struct Day {
        var paid: [String] = []
        var refunds: [String] = []
        var excluded: [String] = []
        /// The channel serials the center was told: payments', then refunds'.
        var channelSerials: [String] = []
        var refundChannelSerials: [String] = []
        /// The channel serial of the payment refunded.
        var refundedPayment = ""
        var paidMinor: Int64 = 0
        var refundedMinor: Int64 = 0
        var feeMinor: Int64 = 0
    }

    /// Pays and refunds on 2026-11-21, then pays again on the 22nd.
    func makeDay(_ h: SandboxHarness, _ account: String) throws -> Day {
        let plugin = try h.plugin(account)
        let ledger = h.accounts[account]!
        var day = Day()
        var paidSerials: [(String, String, Int64)] = []
        for minor: Int64 in [1200, 3400, 1255, 77_777] {
            let (serial, reply) = try h.pay(account, minor)
            guard case .succeeded(let channelSerial) = reply.result else { Issue.record("\(reply)"); continue }
            day.paid.append(serial)
            day.paidMinor += minor
            day.feeMinor += ledger.fee(for: h.money(account, minor)).minorUnits
            paidSerials.append((serial, channelSerial, minor))
            day.channelSerials.append(channelSerial)
        }
        let (declined, _) = try h.pay(account, 1251)
        day.excluded.append(declined)
        let (payment, channelSerial, amount) = paidSerials[1]
        let refundSerial = "R" + payment.dropFirst()
        day.refundedPayment = channelSerial
        let refund = plugin.refund(RefundRequest(refundSerial: refundSerial, paymentSerial: payment, channelSerial: channelSerial,
                                        amount: h.money(account, 500), paymentAmount: h.money(account, amount), reason: "returned"))
        day.refunds.append(refundSerial)
        // What the center records: the refund id the channel answered (UnionPay answers it while the refund is pending).
        if let refundChannelSerial = refund.channelRefundSerial {
            day.refundChannelSerials.append(refundChannelSerial)
        } else if case .succeeded(let refundChannelSerial) = refund.result {
            day.refundChannelSerials.append(refundChannelSerial)
        }
        day.refundedMinor += 500
        day.feeMinor -= ledger.fee(for: h.money(account, amount)).minorUnits * 500 / amount
        h.clock.advance(seconds: 86_400)
        let (tomorrow, _) = try h.pay(account, 9900)
        day.excluded.append(tomorrow)
        return day
    }

    func dec(_ minor: Int64, _ h: SandboxHarness, _ account: String) -> String { h.money(account, minor).decimalString }

    @Test func alipayBillIsHashCommentedChineseCSV() throws {
        let h = try SandboxHarness(only: ["alipay"])
        let day = try makeDay(h, "alipay-main")
        let bill = try h.plugin("alipay-main").downloadBill(date: "2026-11-21")
        let lines = bill.split(separator: "\n").map(String.init)
        #expect(lines.first == "#支付宝业务明细查询")
        let header = try #require(lines.first { !$0.hasPrefix("#") })
        #expect(header.hasPrefix("支付宝交易号,商户订单号,业务类型") && header.contains("服务费（元）"))
        let rows = lines.filter { !$0.hasPrefix("#") }.dropFirst()
        #expect(rows.filter { $0.contains(",交易,") }.map { $0.split(separator: ",")[1] }.map(String.init) == day.paid)
        #expect(rows.filter { $0.contains(",退款,") }.count == day.refunds.count)
        for serial in day.excluded { #expect(!bill.contains(serial)) }
        #expect(lines.contains("#交易合计：\(day.paid.count)笔，退款合计：\(day.refunds.count)笔"))
        let a = "alipay-main"
        #expect(lines.contains("#订单金额合计：\(dec(day.paidMinor, h, a))元，退款金额合计：\(dec(day.refundedMinor, h, a))元，服务费合计：\(dec(day.feeMinor, h, a))元，商家实收合计：\(dec(day.paidMinor - day.refundedMinor - day.feeMinor, h, a))元"), "\(bill)")
        // The detail rows add up to the summary.
        let net = rows.map { Double($0.split(separator: ",", omittingEmptySubsequences: false)[8])! }.reduce(0, +)
        #expect(abs(net - Double(day.paidMinor - day.refundedMinor) / 100) < 0.001)
    }

    @Test func wechatBillIsBacktickCSVWithTotals() throws {
        let h = try SandboxHarness(only: ["wechat"])
        let day = try makeDay(h, "wechat-sp")
        let bill = try h.plugin("wechat-sp").downloadBill(date: "2026-11-21")
        let lines = bill.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("交易时间,公众账号ID,商户号"))
        let rows = lines.filter { $0.hasPrefix("`") }.dropLast()
        #expect(rows.count == day.paid.count + day.refunds.count)
        #expect(rows.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { $0.hasPrefix("`") } })
        for serial in day.paid + day.refunds { #expect(bill.contains("`\(serial)")) }
        for serial in day.excluded { #expect(!bill.contains(serial)) }
        let index = try #require(lines.firstIndex(of: "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"))
        let a = "wechat-sp"
        #expect(lines[index + 1] == "`\(day.paid.count + day.refunds.count),`\(dec(day.paidMinor, h, a)),`\(dec(day.refundedMinor, h, a)),`0.00,`\(dec(day.feeMinor, h, a)),`\(dec(day.paidMinor, h, a)),`\(dec(day.refundedMinor, h, a))")
        let fees = rows.map { Double($0.split(separator: ",", omittingEmptySubsequences: false)[22].dropFirst())! }.reduce(0, +)
        #expect(abs(fees - Double(day.feeMinor) / 100) < 0.001)
    }

    @Test func unionpayBillIsFixedWidthWithATrailer() throws {
        let h = try SandboxHarness(only: ["unionpay"])
        let day = try makeDay(h, "unionpay-main")
        let bill = try h.plugin("unionpay-main").downloadBill(date: "2026-11-21")
        let lines = bill.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("H 5.1.0 ") && lines[0].hasSuffix(" 20261121"))
        let details = lines.filter { $0.hasPrefix("D ") }
        #expect(Set(details.map(\.count)) == [UnionPayBillFormat.detailWidths.reduce(0, +) + UnionPayBillFormat.detailWidths.count - 1])
        #expect(details.filter { $0.hasPrefix("D 01 ") }.count == day.paid.count)
        #expect(details.filter { $0.hasPrefix("D 04 ") }.count == day.refunds.count)
        for serial in day.paid + day.refunds { #expect(bill.contains(" \(serial) ")) }
        for serial in day.excluded { #expect(!bill.contains(serial)) }
        let trailer = try #require(lines.last)
        #expect(trailer == "T \(String(day.paid.count).leftPadded(10)) \(String(day.paidMinor).leftPadded(16)) \(String(day.refunds.count).leftPadded(10)) \(String(day.refundedMinor).leftPadded(16)) D \(String(day.feeMinor).leftPadded(16))")
    }

    @Test(arguments: ["acquirer-a", "acquirer-b", "wallet-main"])
    func settlementBillsEndWithTrailerAndCount(account: String) throws {
        let h = try SandboxHarness()
        let day = try makeDay(h, account)
        let bill = try h.plugin(account).downloadBill(date: "2026-11-21")
        let lines = bill.split(separator: "\n").map(String.init)
        #expect(lines[0] == SettlementBillFormat.header)
        #expect(lines.filter { $0.hasPrefix("payment,") }.map { String($0.split(separator: ",")[2]) } == day.paid)
        #expect(lines.filter { $0.hasPrefix("refund,") }.map { String($0.split(separator: ",")[2]) } == day.refunds)
        for serial in day.excluded { #expect(!bill.contains(serial)) }
        #expect(lines.contains("trailer,CNY,\(day.paid.count),\(dec(day.paidMinor, h, account)),\(day.refunds.count),\(dec(day.refundedMinor, h, account)),\(dec(day.feeMinor, h, account)),\(dec(day.paidMinor - day.refundedMinor - day.feeMinor, h, account))"), "\(bill)")
        #expect(lines.last == "end,\(day.paid.count + day.refunds.count)")
    }

    @Test func paypalBillIsAnSTLReport() throws {
        let h = try SandboxHarness(only: ["paypal"])
        let day = try makeDay(h, "paypal-main")
        let bill = try h.plugin("paypal-main").downloadBill(date: "2026-11-21")
        let lines = bill.split(separator: "\n").map(String.init)
        #expect(lines.prefix(4).map { String($0.prefix(4)) } == ["\"RH\"", "\"FH\"", "\"SH\"", "\"CH\""])
        #expect(lines.filter { $0.hasPrefix("\"SB\",") && $0.contains("\"T0006\"") }.count == day.paid.count)
        #expect(lines.filter { $0.hasPrefix("\"SB\",") && $0.contains("\"T1107\"") }.count == day.refunds.count)
        for serial in day.excluded { #expect(!bill.contains(serial)) }
        // Amounts in cents, as STL writes them.
        #expect(lines.contains { $0.hasPrefix("\"SF\",\"USD\",\(day.paid.count),\(day.paidMinor),\(day.refunds.count),\(day.refundedMinor),") })
        #expect(lines.last == "\"FF\",\(day.paid.count + day.refunds.count)")
    }

    @Test func aBadDateIsRefused() throws {
        let h = try SandboxHarness(only: ["wallet"])
        #expect(throws: PayError.self) { try h.plugin("wallet-main").downloadBill(date: "2026-13-40") }
    }
}
