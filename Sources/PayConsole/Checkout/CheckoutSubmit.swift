import Foundation
import PayCore

/// One checkout payment attempt and its idempotency key. A submit of the same sale with the same
/// payment (method, details, one-time code, supervisor) while the last answer was not final reuses
/// the key: a retry after a timeout or a failure replays the first attempt, never a second charge.
struct CheckoutSubmit: Equatable {
    let order: MerchantOrderNo
    let method: CheckoutPaymentMethod
    let otp: String?
    let override: String?
    let key: String

    /// The submit for this payment: `last` again when it is the same request, else a new attempt.
    static func next(after last: CheckoutSubmit?, order: MerchantOrderNo, method: CheckoutPaymentMethod, otp: String?,
                     override: String?) -> CheckoutSubmit {
        if let last, last.order == order, last.method == method, last.otp == otp, last.override == override { return last }
        return CheckoutSubmit(order: order, method: method, otp: otp, override: override,
                              key: "checkout-" + UUID().uuidString.lowercased())
    }
}
