import Foundation
import PayCore

/// The one error shape every answer of the service uses: `{"error": {type, code, message, param}}`.
/// `code` is stable (clients switch on it); `message` is for people; `param` names the request
/// field at fault, when there is one.
public struct APIErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public let type: String
        public let code: String
        public let message: String
        public let param: String?

        public init(type: String, code: String, message: String, param: String? = nil) {
            self.type = type
            self.code = code
            self.message = message
            self.param = param
        }
    }

    public let error: Detail

    public init(_ error: Detail) { self.error = error }

    /// The answer carrying this error, as JSON, with `extraHeaders` (Retry-After, Allow …).
    public static func response(status: Int, type: String, code: String, message: String, param: String? = nil,
                                extraHeaders: [(name: String, value: String)] = []) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(APIErrorBody(Detail(type: type, code: code, message: message, param: param)))) ?? Data()
        return HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + extraHeaders, body: Array(body))
    }
}
