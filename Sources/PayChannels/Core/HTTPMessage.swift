/// One HTTP-shaped message between the center and a channel: a request (method, path) or an
/// answer (status). Bodies are raw bytes, exactly as signed.
public struct HTTPMessage: Hashable, Sendable {
    public var method: String
    public var path: String
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String = "POST", path: String = "/", status: Int = 0, headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A header by name, ignoring case as HTTP does.
    public func header(_ name: String) -> String? {
        if let value = headers[name] { return value }
        let lower = name.lowercased()
        return headers.first { $0.key.lowercased() == lower }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
