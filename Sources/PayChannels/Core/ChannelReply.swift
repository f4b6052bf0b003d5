/// A channel's full answer: the result, plus what some operations return beside it.
public struct ChannelReply: Hashable, Sendable {
    public let result: ChannelResult
    /// The channel's own status word ("TRADE_SUCCESS", "USERPAYING", "succeeded") for the timeline.
    public let channelStatus: String
    /// For a pay code: the text the customer's app scans.
    public let codeURL: String?
    /// For a refund: the channel's refund serial when it gave one.
    public let channelRefundSerial: String?

    public init(result: ChannelResult, channelStatus: String, codeURL: String? = nil, channelRefundSerial: String? = nil) {
        self.result = result
        self.channelStatus = channelStatus
        self.codeURL = codeURL
        self.channelRefundSerial = channelRefundSerial
    }
}
