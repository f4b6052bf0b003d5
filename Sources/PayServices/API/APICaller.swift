import PayCore

/// Who signed an API request: a business line's system, acting for that line only.
public struct APICaller: Sendable, Equatable {
    public let line: BusinessLineCode
    /// `Actor(name: "api:LINE", role: .service, origin: "api REMOTE")`: what services check permissions of.
    public let actor: Actor

    public init(line: BusinessLineCode, actor: Actor) {
        self.line = line
        self.actor = actor
    }
}

/// Why a request's signature was refused (HTTP 401). `code` is stable: `signature_missing`,
/// `signature_malformed`, `unknown_business_line`, `signature_invalid`, `signature_expired`,
/// `signature_replayed`.
public struct APIAuthError: Error, Sendable, Equatable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
