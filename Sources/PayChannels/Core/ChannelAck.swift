/// The answer the center sends back to a channel's callback.
public struct ChannelAck: Hashable, Sendable {
    public let status: Int
    public let body: String
    public init(status: Int, body: String) { self.status = status; self.body = body }
}
