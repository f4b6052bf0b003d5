import Foundation
import Testing
import PayCore
import PayStore
import PayServices
import TestSupport
@testable import paydesk

/// `order create --attr`: the business lines' pricing (flight insurance, hotel deposit) lives in
/// the service layer, so an order made at the shell is priced as the console's checkout prices it.
@Suite("order create pricing")
struct OrderPricingCommandTests {
    static func order(_ store: DemoStore, _ line: String, _ no: String) throws -> Order {
        let context = try ServiceContext(store: try Store.open(path: store.path), actor: .system)
        return try OrderService(context).find(try BusinessLineCode(line), try MerchantOrderNo(no))
    }

    @Test("flight insurance for two passengers adds the premium as a line and a sub-order to the insurer")
    func flightInsurance() throws {
        let store = try DemoStore()
        let result = store.run(["order", "create", "--business", "flight", "--order", "FL-1", "--amount", "1960.00",
                                "--item", "经济舱 PEK→SHA:2:980.00", "--attr", "passengers=Li Lei, Han Meimei", "--attr", "insurance=yes"])
        #expect(result.exitCode == 0, "\(result)")
        let order = try Self.order(store, "flight", "FL-1")
        #expect(order.amount == Money(minorUnits: 202_000, currency: .CNY))
        #expect(order.subOrders == [try SubOrder(merchantAccount: Pricing.insurerAccount, amount: Money(minorUnits: 6000, currency: .CNY))])
        #expect(order.items.last?.name == Pricing.insuranceItemName && order.items.last?.quantity == 2)
        #expect(order.attributes["insurance"] == "yes")
    }

    @Test("a hotel deposit raises the amount; a stay that ends before it starts is refused, naming the stay")
    func hotelDeposit() throws {
        let store = try DemoStore()
        let result = store.run(["order", "create", "--business", "hotel", "--order", "HT-1", "--amount", "1376.00",
                                "--item", "Deluxe King:2:688.00", "--attr", "checkIn=2026-11-21", "--attr", "checkOut=2026-11-23",
                                "--attr", "deposit=500"])
        #expect(result.exitCode == 0, "\(result)")
        #expect(try Self.order(store, "hotel", "HT-1").amount == Money(minorUnits: 187_600, currency: .CNY))
        let backwards = store.run(["order", "create", "--business", "hotel", "--order", "HT-2", "--amount", "10",
                                   "--attr", "checkIn=2026-11-23", "--attr", "checkOut=2026-11-21"])
        #expect(backwards.exitCode == 3)
        #expect(backwards.stderr.contains("checkOut '2026-11-21': the stay must end after check-in 2026-11-23"), "\(backwards)")
    }

    @Test("--attr without KEY=VALUE is refused, naming the argument")
    func badAttribute() throws {
        let store = try DemoStore()
        let result = store.run(["order", "create", "--business", "retail", "--order", "R-1", "--amount", "10", "--attr", "insurance"])
        #expect(result.exitCode == 3)
        #expect(result.stderr.contains("--attr 'insurance': expected KEY=VALUE"), "\(result)")
    }
}
