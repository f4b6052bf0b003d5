import PayCore

/// PayPal, after its Payments v2 API: a capture (`status` COMPLETED / PENDING / DECLINED /
/// FAILED) charged to an approved payer, refunds (COMPLETED / PENDING / FAILED / CANCELLED),
/// errors as `{"name":…,"issue":…}` (INSTRUMENT_DECLINED, PAYER_CANNOT_PAY), webhooks
/// PAYMENT.CAPTURE.COMPLETED / .PENDING / .DENIED / .REFUNDED and PAYMENT.REFUND.FAILED.
/// `amount.value` is in minor units (DESIGN §5), with `amount.currency_code`; USD, EUR, GBP, JPY, HKD.
public final class PayPalPlugin: HMACJSONPlugin {
    public static let currencies: Set<String> = ["USD", "EUR", "GBP", "JPY", "HKD"]

    public override func buildRequest(_ operation: ChannelOperation) throws -> HTTPMessage {
        func amount(_ money: Money) -> [String: Any] { ["currency_code": money.currency.code, "value": money.minorUnits] }
        switch operation {
        case .pay(let request):
            guard case .account(let payer) = request.mode else { throw PayError.invalidInput("paypal payments need the approving payer") }
            return jsonRequest("POST", "/v2/payments/captures", ["invoice_id": request.serial, "payer_id": payer,
                                                                 "amount": amount(request.amount), "note_to_payer": request.subject])
        case .query(let serial, _): return jsonRequest("GET", "/v2/payments/captures?invoice_id=\(serial)")
        case .close(let serial, _, _): return jsonRequest("POST", "/v2/payments/captures/void", ["invoice_id": serial])
        case .refund(let request):
            return jsonRequest("POST", "/v2/payments/captures/refund", ["capture_invoice_id": request.paymentSerial,
                                                                        "invoice_id": request.refundSerial, "amount": amount(request.amount),
                                                                        "note_to_payer": request.reason])
        case .refundQuery(let refundSerial, _, _): return jsonRequest("GET", "/v2/payments/refunds?invoice_id=\(refundSerial)")
        case .bill(let date): return jsonRequest("GET", "/v1/reporting/transactions?date=\(date)")
        }
    }

    public override func mapResult(_ fields: Fields, for operation: ChannelOperation) -> ChannelReply {
        if let name = fields["name"] {
            let issue = fields["issue"] ?? name
            let message = "\(issue): \(fields["message"] ?? "")"
            switch issue {
            case "INSTRUMENT_DECLINED", "TRANSACTION_REFUSED": return declined(DeclineCode.declined, message, status: issue)
            case "PAYER_CANNOT_PAY": return declined(DeclineCode.insufficientFunds, message, status: issue)
            case "RESOURCE_NOT_FOUND": return declined(DeclineCode.notFound, message, status: issue)
            case "INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE": return ChannelReply(result: .systemError(message: message), channelStatus: issue)
            default:
                if case .refund = operation { return declined(DeclineCode.refundFailed, message, status: issue) }
                return declined(DeclineCode.declined, message, status: issue)
            }
        }
        let id = fields["id"] ?? ""
        let status = fields["status"] ?? ""
        switch operation {
        case .refund, .refundQuery:
            switch status {
            case "COMPLETED": return ChannelReply(result: .succeeded(channelSerial: id), channelStatus: status, channelRefundSerial: id)
            case "PENDING": return ChannelReply(result: .pending, channelStatus: status, channelRefundSerial: id)
            case "FAILED", "CANCELLED": return declined(DeclineCode.refundFailed, status, status: status)
            default: return ChannelReply(result: .unknown(message: "refund status '\(status)'"), channelStatus: status)
            }
        default:
            switch status {
            case "COMPLETED": return ChannelReply(result: .succeeded(channelSerial: id), channelStatus: status)
            case "PENDING": return ChannelReply(result: .pending, channelStatus: status)
            case "VOIDED": return declined(DeclineCode.closed, "voided", status: status)
            case "DECLINED", "FAILED": return declined(DeclineCode.declined, status, status: status)
            default: return ChannelReply(result: .unknown(message: "capture status '\(status)'"), channelStatus: status)
            }
        }
    }

    public override func parseNotification(_ message: HTTPMessage) throws(NotificationRejection) -> ChannelNotification {
        let event = JSONFields(try SafeJSON.object(message.body, what: "event"))
        let type = try event.string("event_type")
        let resource = try event.nested("resource")
        let money = try Self.money(try resource.nested("amount"), amountKey: "value", currencyKey: "currency_code")
        let status: ChannelNotification.Status
        let kind: ChannelNotification.Kind
        switch type {
        case "PAYMENT.CAPTURE.COMPLETED": (kind, status) = (.payment, .succeeded)
        case "PAYMENT.CAPTURE.PENDING": (kind, status) = (.payment, .pending)
        case "PAYMENT.CAPTURE.DENIED": (kind, status) = (.payment, .failed)
        case "PAYMENT.CAPTURE.REFUNDED": (kind, status) = (.refund, .succeeded)
        case "PAYMENT.REFUND.FAILED": (kind, status) = (.refund, .failed)
        default: throw NotificationRejection("event_type '\(type)' is not a capture or refund event")
        }
        return ChannelNotification(channel: channel, account: account.id, kind: kind, centerSerial: try resource.string("invoice_id"),
                                   paymentSerial: resource.optionalString("capture_invoice_id"), channelSerial: try resource.string("id"),
                                   amount: money, status: status, channelStatus: type, notificationId: event.optionalString("id"))
    }
}
