/// How a plugin reaches its channel. The sandbox implements it in-process; a real deployment
/// would implement it over HTTPS.
public protocol ChannelTransport: AnyObject {
    /// Sends `request` to `channel` for the center's `account` and returns the channel's answer.
    func send(_ request: HTTPMessage, channel: String, account: String) throws(TransportError) -> HTTPMessage
}
