import PayCore

/// The stored-value wallet: the center's own balance book, reached synchronously in-process.
/// No signatures (nothing crosses a boundary), no callbacks; JSON in minor units with `status`
/// SUCCEEDED / FAILED and `failure_code` INSUFFICIENT_BALANCE.
public final class WalletPlugin: ChannelPlugin {
    func request(_ path: String, _ object: [String: Any]) -> HTTPMessage {
        HTTPMessage(method: "POST", path: path, headers: ["Content-Type": "application/json"], body: SafeJSON.encode(object))
    }

    public override func buildRequest(_ operation: ChannelOperation) throws -> HTTPMessage {
        switch operation {
        case .pay(let r):
            guard case .account(let customer) = r.mode else { throw PayError.invalidInput("wallet payments need the customer id") }
            return request("/wallet/debit", ["reference": r.serial, "customer": customer, "amount": r.amount.minorUnits, "currency": r.amount.currency.code])
        case .query(let serial, _): return request("/wallet/query", ["reference": serial])
        case .close(let serial, _, _): return request("/wallet/cancel", ["reference": serial])
        case .refund(let r):
            return request("/wallet/credit", ["reference": r.refundSerial, "debit_reference": r.paymentSerial, "amount": r.amount.minorUnits,
                                              "currency": r.amount.currency.code])
        case .refundQuery(let refundSerial, _, _): return request("/wallet/credit/query", ["reference": refundSerial])
        case .bill(let date): return request("/wallet/statement", ["date": date])
        }
    }

    public override func verifyResponse(_ response: HTTPMessage, for operation: ChannelOperation) throws(NotificationRejection) -> Fields {
        var fields = Self.flatten(try SafeJSON.object(response.body, what: "answer"))
        fields["_status"] = String(response.status)
        if case .bill = operation { fields["_bill"] = fields["statement"] }
        return fields
    }

    public override func mapResult(_ fields: Fields, for operation: ChannelOperation) -> ChannelReply {
        let status = fields["status"] ?? ""
        let id = fields["id"] ?? ""
        let isRefund: Bool = { switch operation { case .refund, .refundQuery: true; default: false } }()
        switch status {
        case "SUCCEEDED": return ChannelReply(result: .succeeded(channelSerial: id), channelStatus: status, channelRefundSerial: isRefund ? id : nil)
        case "PENDING": return ChannelReply(result: .pending, channelStatus: status)
        case "CANCELLED": return declined(DeclineCode.closed, "cancelled", status: status)
        case "NOT_FOUND": return declined(DeclineCode.notFound, "no such entry", status: status)
        case "ERROR": return ChannelReply(result: .systemError(message: fields["message"] ?? "wallet error"), channelStatus: status)
        case "FAILED":
            let code = fields["failure_code"] ?? ""
            if isRefund { return declined(DeclineCode.refundFailed, code, status: code) }
            return declined(code == "INSUFFICIENT_BALANCE" ? DeclineCode.insufficientFunds : DeclineCode.declined, code, status: code)
        default: return ChannelReply(result: .unknown(message: "status '\(status)'"), channelStatus: status)
        }
    }
}
