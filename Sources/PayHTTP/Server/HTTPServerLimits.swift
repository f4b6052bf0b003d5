/// The limits `HTTPServer` holds every client to. Each limit that is hit is answered with its HTTP
/// status and the one JSON error shape, where libmicrohttpd lets us answer at all.
public struct HTTPServerLimits: Sendable {
    /// Handlers running at once: each connection has its own thread, and at most this many of them
    /// run the handler at the same time (the others wait their turn).
    public var threads = 8
    /// Open connections in total; beyond it a request is answered 503 `server_busy` (and a few
    /// more than that are refused by libmicrohttpd before a word is read).
    public var maxConnections = 256
    /// Open connections from one client address; beyond it libmicrohttpd refuses the connection.
    public var maxConnectionsPerClient = 64
    /// The token bucket of each client address: refilled at this rate, holding at most `burstPerClient`;
    /// an empty bucket is answered 429 `rate_limited` with Retry-After. A rate of 0 turns it off.
    public var requestsPerSecondPerClient = 200.0, burstPerClient = 400.0
    /// Header fields in one request; more → 431 `too_many_headers`.
    public var maxHeaders = 64
    /// Bytes of the request line and header fields; more → 431 `headers_too_large` (far more is
    /// refused by libmicrohttpd itself, with 431 and its own text).
    public var maxHeaderBytes = 16 * 1024
    /// A connection idle this long (a slow client sending half a request) is closed.
    public var connectionTimeoutSeconds = 15
    /// Peers trusted to name the client: a request from one of these addresses (nginx on loopback)
    /// carrying a valid `X-Real-IP` is taken as coming from that address — for the per-client rate
    /// limit and the handler. Empty: the peer is the client.
    public var trustedProxies: Set<String> = []

    public init() {}
}
