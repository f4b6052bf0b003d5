import PayCore
import PayStore
@testable import PayServices
import TestSupport

/// A fresh store on a simulated clock, with one business line, for service tests.
final class ServiceFixture {
    let directory = TemporaryDirectory("services")
    let context: ServiceContext

    init(notifyURL: String = "", simulated: Bool = true) throws {
        let store = try Store.open(path: directory.path("store.db"), create: true)
        if simulated {
            try store.write {
                try store.meta.set(MetaRepository.clockModeKey, "simulated")
                try store.meta.set(MetaRepository.clockNowKey, String(1_790_000_000_000))
            }
        }
        context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: "tester"))
        // why: as `paydesk init` does, the key file beside the store, which the secrets at rest are sealed under.
        _ = try AuditLog(context).seal()
        try store.write {
            try store.businessLines.insert(BusinessLine(code: try BusinessLineCode("retail"), name: "Retail", layout: "retail",
                                                        defaultCurrency: .CNY, allowedMethods: [], notifyURL: notifyURL,
                                                        notifySecret: "whsec_test"), at: context.now)
        }
    }

    var store: Store { context.store }

    func advance(_ text: String) throws {
        _ = try store.write { try store.meta.advanceClock(by: try DurationText.milliseconds(text)) }
        try context.refreshClock()
    }

    func order(_ no: String, amount: Int64 = 1000) throws -> Order {
        try OrderService(context).create(OrderDraft(businessLine: try BusinessLineCode("retail"), orderNo: try MerchantOrderNo(no),
                                                    amount: Money(minorUnits: amount, currency: .CNY))).order
    }
}
