import PayCore

/// A callback a sandbox PSP queued for the center, with its headers and body exactly as sent.
public struct SandboxCallback: Hashable, Sendable {
    public let id: Int64
    public let channel: String
    public let account: String
    /// The center serial it is about (payment or refund).
    public let orderNo: String
    public let kind: String
    public let headers: [String: String]
    public let body: [UInt8]
    /// When the PSP sends it.
    public let sentAt: Timestamp
    public let deliveredAt: Timestamp?
}
