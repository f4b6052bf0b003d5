import Foundation
import PayCore

/// A failing command's error as JSON on stderr, for `--json`: `{"error":{"code","message","param"}}`,
/// keys sorted, on one line. `code` is stable (scripts switch on it; it follows the exit code),
/// `message` is the line a person would read, made safe as `ErrorLine` makes it, and `param` the
/// option at fault without its dashes (`amount`), or null.
enum ErrorJSON {
    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let param: String?

            // why: `param` must appear as null when no option is at fault, which synthesized Encodable omits.
            enum CodingKeys: String, CodingKey { case code, message, param }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(code, forKey: .code)
                try container.encode(message, forKey: .message)
                try container.encode(param, forKey: .param)
            }
        }
        let error: Detail
    }

    /// The stable code of each kind of error (one per exit code).
    static func code(_ kind: PayError.Kind) -> String {
        switch kind {
        case .usage: "usage"
        case .invalidInput: "invalid_input"
        case .declined: "declined"
        case .pending: "pending"
        case .notFound: "not_found"
        case .conflict: "conflict"
        case .notPermitted: "not_permitted"
        case .internal: "internal"
        }
    }

    /// The option an error is about: the argument a service named, else a message's leading
    /// `--name` ("--amount '12.345': …"), else nil.
    static func param(_ error: PayError) -> String? {
        if let argument = error.argument { return argument }
        guard error.message.hasPrefix("--") else { return nil }
        let name = error.message.dropFirst(2).prefix { $0.isLetter || $0.isNumber || $0 == "-" }
        return name.isEmpty ? nil : String(name)
    }

    static func render(_ error: PayError) -> String {
        let body = Body(error: .init(code: code(error.kind), message: ErrorLine.render(FailureHints.message(error)), param: param(error)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(body) else {
            return #"{"error":{"code":"internal","message":"cannot encode the error as JSON","param":null}}"#
        }
        return String(decoding: data, as: UTF8.self)
    }
}
