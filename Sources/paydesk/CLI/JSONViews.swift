import PayCore
import PayServices

/// The JSON shapes of §10: camelCase keys, amounts as decimal strings, times in ISO 8601 UTC.
struct OrderJSON: Encodable {
    let orderNo: String
    let businessLine: String
    let serial: String
    let amount: String
    let currency: String
    let status: String
    let paidAmount: String
    let refundedAmount: String
    let customerId: String?
    let items: [ItemJSON]
    let subOrders: [SubOrderJSON]
    let createdAt: String
    let expiresAt: String

    struct ItemJSON: Encodable {
        let name: String
        let quantity: Int64
        let unitPrice: String
    }

    struct SubOrderJSON: Encodable {
        let account: String
        let amount: String
    }

    init(_ order: Order) {
        orderNo = order.orderNo.rawValue
        businessLine = order.businessLine.rawValue
        serial = order.serial.rawValue
        amount = order.amount.decimalString
        currency = order.amount.currency.code
        status = order.status.rawValue
        paidAmount = order.paidAmount.decimalString
        refundedAmount = order.refundedAmount.decimalString
        customerId = order.customerId
        items = order.items.map { ItemJSON(name: $0.name, quantity: $0.quantity, unitPrice: $0.unitPrice.decimalString) }
        subOrders = order.subOrders.map { SubOrderJSON(account: $0.merchantAccount, amount: $0.amount.decimalString) }
        createdAt = order.createdAt.iso8601
        expiresAt = order.expiresAt.iso8601
    }
}

struct PaymentJSON: Encodable {
    let serial: String
    let orderNo: String
    let businessLine: String
    let method: String
    let channel: String
    let account: String
    let channelSerial: String?
    let amount: String
    let currency: String
    let status: String
    let failureKind: String?
    let failureCode: String?
    let failureMessage: String?
    let createdAt: String

    init(_ attempt: PaymentAttempt, order: Order) {
        serial = attempt.serial.rawValue
        orderNo = order.orderNo.rawValue
        businessLine = order.businessLine.rawValue
        method = attempt.method.rawValue
        channel = attempt.channel
        account = attempt.account
        channelSerial = attempt.channelSerial
        amount = attempt.amount.decimalString
        currency = attempt.amount.currency.code
        status = attempt.status.rawValue
        failureKind = attempt.failureKind?.rawValue
        failureCode = attempt.failureCode
        failureMessage = attempt.failureMessage
        createdAt = attempt.createdAt.iso8601
    }
}

struct RefundJSON: Encodable {
    let serial: String
    let paymentSerial: String
    let refundNo: String?
    let channelRefundSerial: String?
    let amount: String
    let currency: String
    let status: String
    let reason: String?
    let createdAt: String

    init(_ refund: Refund, paymentSerial: Serial) {
        serial = refund.serial.rawValue
        self.paymentSerial = paymentSerial.rawValue
        refundNo = refund.refundNo
        channelRefundSerial = refund.channelRefundSerial
        amount = refund.amount.decimalString
        currency = refund.amount.currency.code
        status = refund.status.rawValue
        reason = refund.reason
        createdAt = refund.createdAt.iso8601
    }
}

/// `query` prints `{order, payments, refunds}`.
struct OrderDetailJSON: Encodable {
    let order: OrderJSON
    let payments: [PaymentJSON]
    let refunds: [RefundJSON]

    init(_ detail: OrderDetail) {
        order = OrderJSON(detail.order)
        payments = detail.attempts.map { PaymentJSON($0, order: detail.order) }
        let serials = Dictionary(uniqueKeysWithValues: detail.attempts.map { ($0.id, $0.serial) })
        refunds = detail.refunds.compactMap { refund in serials[refund.attemptId].map { RefundJSON(refund, paymentSerial: $0) } }
    }
}
