import PayCore
@testable import PayStore
import TestSupport

/// A fresh store in its own temporary directory with one business line, for repository tests.
final class TestStore {
    let directory = TemporaryDirectory("paystore")
    let store: Store
    let serials = SerialGenerator(clock: SystemClock())
    let now = Timestamp(milliseconds: 1_790_000_000_000)

    init() throws {
        store = try Store.open(path: directory.path("store.db"), create: true)
        try store.write {
            try store.businessLines.insert(BusinessLine(code: try BusinessLineCode("retail"), name: "Retail", layout: "retail",
                                                        defaultCurrency: .CNY, allowedMethods: []), at: now)
        }
    }

    var path: String { directory.path("store.db") }

    func order(_ no: String, amount: Int64 = 1000, at time: Timestamp? = nil) throws -> Order {
        let draft = OrderDraft(businessLine: try BusinessLineCode("retail"), orderNo: try MerchantOrderNo(no),
                               amount: Money(minorUnits: amount, currency: .CNY))
        return try store.write { try store.orders.create(draft, serial: serials.next(.order), at: time ?? now, operator: "t").order }
    }

    func succeededAttempt(for order: Order) throws -> PaymentAttempt {
        try store.write {
            let attempt = try store.attempts.insert(NewPaymentAttempt(serial: serials.next(.payment), orderId: order.id,
                                                                      method: .wechat, mode: "barcode", channel: "wechat",
                                                                      account: "wechat-direct", amount: order.amount), at: now)
            _ = try store.attempts.transition(attempt.id, from: .processing, to: .succeeded,
                                              outcome: AttemptOutcome(channelSerial: "42000\(order.id)"), at: now)
            return try store.attempts.find(id: attempt.id)!
        }
    }
}
