import PayCore

/// An answer in the one error shape, on its way out of a route: what went wrong, for whom, and
/// (for internal errors only) what the log line should say that the client must not see.
struct APIFailure: Error, Sendable {
    var status: Int
    var type: String
    var code: String
    var message: String
    var param: String?
    var headers: [(name: String, value: String)] = []
    /// Details kept out of the answer and written to the log (internal errors).
    var logDetail: String?

    func response() -> HTTPResponse {
        APIErrorBody.response(status: status, type: type, code: code, message: message, param: param, extraHeaders: headers)
    }

    // MARK: The request's own faults

    static func invalid(_ param: String?, _ message: String) -> APIFailure {
        APIFailure(status: 400, type: "invalid_request_error", code: "invalid_parameter", message: message, param: param)
    }

    static func badRequest(_ message: String, param: String? = nil) -> APIFailure {
        APIFailure(status: 400, type: "invalid_request_error", code: "bad_request", message: message, param: param)
    }

    static func malformedJSON(_ message: String) -> APIFailure {
        APIFailure(status: 400, type: "invalid_request_error", code: "malformed_json", message: message)
    }

    static func unsupportedMediaType(_ given: String?) -> APIFailure {
        APIFailure(status: 415, type: "invalid_request_error", code: "unsupported_media_type",
                   message: "a request body must be sent as Content-Type: application/json" + (given.map { " (got '\($0)')" } ?? " (none given)"))
    }

    static func routeNotFound(_ method: String, _ path: String) -> APIFailure {
        APIFailure(status: 404, type: "invalid_request_error", code: "route_not_found",
                   message: "no route \(method) \(path.prefix(200))")
    }

    static func methodNotAllowed(_ method: String, _ path: String, allow: [String]) -> APIFailure {
        APIFailure(status: 405, type: "invalid_request_error", code: "method_not_allowed",
                   message: "\(path.prefix(200)) does not take \(method); it takes \(allow.joined(separator: ", "))",
                   headers: [("Allow", allow.joined(separator: ", "))])
    }

    static func notFound(_ message: String) -> APIFailure {
        APIFailure(status: 404, type: "invalid_request_error", code: "resource_missing", message: message)
    }

    static func lineMismatch(_ given: String, caller: BusinessLineCode) -> APIFailure {
        APIFailure(status: 403, type: "permission_error", code: "business_line_mismatch",
                   message: "businessLine '\(given.prefix(64))': the request is signed for \(caller); a line acts for itself only",
                   param: "businessLine")
    }

    static func unauthenticated(code: String, message: String) -> APIFailure {
        APIFailure(status: 401, type: "authentication_error", code: code, message: message,
                   headers: [("WWW-Authenticate", "PayDesk-Signature")])
    }

    static func `internal`(_ detail: String, requestId: String) -> APIFailure {
        APIFailure(status: 500, type: "api_error", code: "internal_error",
                   message: "the payment center failed to answer this request; quote request id \(requestId.isEmpty ? "(none)" : requestId) to support",
                   logDetail: detail)
    }

    // MARK: The services' typed errors

    /// The HTTP meaning of a service's error, by its kind (the same table the command line's
    /// exit codes follow): usage 400, invalid input 400, declined 402, pending 202, not found
    /// 404, conflict 409, not permitted 403, internal 500. `param` is the request field the
    /// error is about, in the API's spelling.
    static func from(_ error: PayError, requestId: String) -> APIFailure {
        let param = Self.param(of: error)
        switch error.kind {
        case .usage:
            return APIFailure(status: 400, type: "invalid_request_error", code: "bad_request", message: error.message, param: param)
        case .invalidInput:
            return APIFailure(status: 400, type: "invalid_request_error", code: "invalid_parameter", message: error.message, param: param)
        case .declined:
            return APIFailure(status: 402, type: "payment_error", code: "payment_declined", message: error.message, param: param)
        case .pending:
            return APIFailure(status: 202, type: "pending_error", code: "payment_unsettled", message: error.message, param: param)
        case .notFound:
            return APIFailure(status: 404, type: "invalid_request_error", code: "resource_missing", message: error.message, param: param)
        case .conflict:
            return APIFailure(status: 409, type: "invalid_request_error", code: conflictCode(error), message: error.message, param: param)
        case .notPermitted:
            return APIFailure(status: 403, type: "permission_error", code: "forbidden", message: error.message, param: param)
        case .internal:
            return .internal(error.message, requestId: requestId)
        }
    }

    /// The stable code of a conflict: the idempotency key's own two cases, else `conflict`.
    static func conflictCode(_ error: PayError) -> String {
        IdempotencyGuard.conflictCode(error) ?? "conflict"
    }

    /// The services name arguments as the command line's flags do ("auth-code", "customer");
    /// the API's fields are spelled otherwise.
    static func param(of error: PayError) -> String? {
        if error.failure == .wrongOneTimeCode || error.failure == .oneTimeCodeExpired { return "otp" }
        guard let argument = error.argument else { return nil }
        let first = argument.split(separator: " ").first.map(String.init) ?? argument
        switch first {
        case "auth-code": return "authCode"
        case "customer": return "customerId"
        case "card": return "card"
        case "refund-no": return "refundNo"
        case "payment": return "paymentSerial"
        case "attr": return argument.split(separator: " ").dropFirst().first.map { "attributes.\($0)" } ?? "attributes"
        default: return first
        }
    }
}
