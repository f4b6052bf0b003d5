import PayCore

/// A card acquirer (`acquirer-a`, `acquirer-b`; Apple Pay tokens go the same way), modelled on
/// Stripe's API: `POST /v1/tokens` turns a card into a token (the number and CVC go no further),
/// `POST /v1/charges` charges a token (`status` succeeded / pending / failed, declines as
/// `{"error":{"type":"card_error","code":…}}` with HTTP 402), `POST /v1/refunds`; webhooks
/// `charge.succeeded`, `charge.pending`, `charge.refunded`, `charge.refund.updated`.
/// Amounts in minor units, currencies lower-case.
public final class CardAcquirerPlugin: HMACJSONPlugin {
    /// Exchanges card details for a token: the one call that carries a card number, which is
    /// checked (Luhn) before it is built. Only the token, first 6 and last 4 come back.
    public func tokenize(_ card: CardDetails) throws(PayError) -> CardToken {
        let request = jsonRequest("POST", "/v1/tokens", ["card": ["number": card.number, "exp_month": card.expiryMonth,
                                                                  "exp_year": card.expiryYear, "cvc": card.cvc]])
        let signed: HTTPMessage
        do { signed = try sign(request) } catch { throw PayError.internal("card tokenize: \(error)") }
        let response: HTTPMessage
        do { response = try transport.send(signed, channel: channel, account: account.id) } catch {
            throw PayError.internal("card tokenize: acquirer unreachable or timed out")
        }
        do throws(NotificationRejection) {
            try verifySigned(response)
            let fields = Self.flatten(try SafeJSON.object(response.body, what: "answer"))
            if fields["error.type"] == "card_error" {
                throw NotificationRejection("card refused by the acquirer: \(fields["error.code"] ?? "")", notForThisAccount: true)
            }
            guard response.status == 200, let token = fields["id"], let first6 = fields["card.first6"], let last4 = fields["card.last4"] else {
                throw NotificationRejection(fields["error.message"] ?? "no token in the answer")
            }
            return CardToken(token: token, first6: first6, last4: last4, brand: fields["card.brand"] ?? "")
        } catch {
            // why: notForThisAccount marks the acquirer's verdict on the card itself, which the customer can fix.
            throw error.notForThisAccount ? PayError.invalidInput(error.reason) : PayError.internal("card tokenize: \(error.reason)")
        }
    }

    public override func buildRequest(_ operation: ChannelOperation) throws -> HTTPMessage {
        switch operation {
        case .pay(let request):
            guard case .cardToken(let token, let challengeCompleted) = request.mode else {
                throw PayError.invalidInput("card payments need a card token")
            }
            var object: [String: Any] = ["amount": request.amount.minorUnits, "currency": request.amount.currency.code.lowercased(),
                                         "source": token, "reference": request.serial, "description": request.subject, "capture": true]
            if challengeCompleted { object["three_d_secure"] = "completed" }
            return jsonRequest("POST", "/v1/charges", object)
        case .query(let serial, _): return jsonRequest("GET", "/v1/charges/search?reference=\(serial)")
        case .close(let serial, _, _): return jsonRequest("POST", "/v1/charges/cancel", ["reference": serial])
        case .refund(let request):
            return jsonRequest("POST", "/v1/refunds", ["charge_reference": request.paymentSerial, "amount": request.amount.minorUnits,
                                                       "reference": request.refundSerial, "reason": request.reason])
        case .refundQuery(let refundSerial, _, _): return jsonRequest("GET", "/v1/refunds/search?reference=\(refundSerial)")
        case .bill(let date): return jsonRequest("GET", "/v1/reports/settlement?date=\(date)")
        }
    }

    public override func mapResult(_ fields: Fields, for operation: ChannelOperation) -> ChannelReply {
        if let code = fields["error.code"] {
            let message = "\(code): \(fields["error.message"] ?? "")"
            switch code {
            case "card_declined": return declined(DeclineCode.declined, message, status: code)
            case "insufficient_funds": return declined(DeclineCode.insufficientFunds, message, status: code)
            case "expired_card": return declined(DeclineCode.expiredCard, message, status: code)
            case "incorrect_cvc": return declined(DeclineCode.incorrectCVC, message, status: code)
            case "authentication_required": return declined(DeclineCode.authenticationRequired, message, status: code)
            case "resource_missing": return declined(DeclineCode.notFound, message, status: code)
            case "processing_error", "api_error", "rate_limit": return ChannelReply(result: .systemError(message: message), channelStatus: code)
            default:
                if case .refund = operation { return declined(DeclineCode.refundFailed, message, status: code) }
                return declined(DeclineCode.declined, message, status: code)
            }
        }
        let id = fields["id"] ?? ""
        let status = fields["status"] ?? ""
        switch operation {
        case .refund, .refundQuery:
            switch status {
            case "succeeded": return ChannelReply(result: .succeeded(channelSerial: id), channelStatus: status, channelRefundSerial: id)
            case "pending": return ChannelReply(result: .pending, channelStatus: status, channelRefundSerial: id)
            case "failed", "canceled": return declined(DeclineCode.refundFailed, fields["failure_reason"] ?? status, status: status)
            default: return ChannelReply(result: .unknown(message: "refund status '\(status)'"), channelStatus: status)
            }
        default:
            switch status {
            case "succeeded": return ChannelReply(result: .succeeded(channelSerial: id), channelStatus: status)
            case "pending": return ChannelReply(result: .pending, channelStatus: status)
            case "canceled": return declined(DeclineCode.closed, "canceled", status: status)
            case "failed": return declined(DeclineCode.declined, fields["failure_message"] ?? "failed", status: status)
            default: return ChannelReply(result: .unknown(message: "charge status '\(status)'"), channelStatus: status)
            }
        }
    }

    public override func parseNotification(_ message: HTTPMessage) throws(NotificationRejection) -> ChannelNotification {
        let event = JSONFields(try SafeJSON.object(message.body, what: "event"))
        let type = try event.string("type")
        let object = try event.nested("data").nested("object")
        let money = try Self.money(object, amountKey: "amount", currencyKey: "currency")
        switch type {
        case "charge.succeeded", "charge.pending", "charge.failed":
            let status = try object.string("status")
            return ChannelNotification(channel: channel, account: account.id, kind: .payment, centerSerial: try object.string("reference"),
                                       paymentSerial: nil, channelSerial: try object.string("id"), amount: money,
                                       status: status == "succeeded" ? .succeeded : (status == "pending" ? .pending : .failed),
                                       channelStatus: type, notificationId: event.optionalString("id"))
        case "charge.refunded", "charge.refund.updated":
            let status = try object.string("status")
            return ChannelNotification(channel: channel, account: account.id, kind: .refund, centerSerial: try object.string("reference"),
                                       paymentSerial: object.optionalString("charge_reference"), channelSerial: try object.string("id"), amount: money,
                                       status: status == "succeeded" ? .succeeded : (status == "pending" ? .pending : .failed),
                                       channelStatus: "\(type):\(status)", notificationId: event.optionalString("id"))
        default:
            throw NotificationRejection("event type '\(type)' is not a charge or refund event")
        }
    }
}
