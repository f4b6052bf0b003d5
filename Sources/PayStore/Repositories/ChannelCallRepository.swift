import PayCore

/// One recorded channel call (`channel_calls`), bodies and headers already masked.
public struct ChannelCallRecord: Sendable, Hashable {
    public let id: Int64
    public let at: Timestamp
    public let channel: String
    public let account: String
    /// "pay", "query", "close", "refund", "refund query", "bill".
    public let operation: String
    /// The payment serial the call was about.
    public let serial: String?
    public let refundSerial: String?
    public let orderId: Int64?
    public let latencyMilliseconds: Int64
    /// Nil: no answer (timeout, unreachable).
    public let httpStatus: Int?
    /// The center's word for the result: SUCCEEDED, PENDING, DECLINED:<code>, SYSTEM_ERROR, UNKNOWN.
    public let result: String
    /// The channel's own status word ("TRADE_SUCCESS", "TIMEOUT").
    public let channelStatus: String
    public let requestId: String?
    /// "POST /v1/charges".
    public let requestPath: String
    public let requestHeaders: [String: String]
    public let requestBody: String
    public let responseHeaders: [String: String]?
    public let responseBody: String?

    public init(id: Int64, at: Timestamp, channel: String, account: String, operation: String, serial: String?, refundSerial: String?,
                orderId: Int64?, latencyMilliseconds: Int64, httpStatus: Int?, result: String, channelStatus: String, requestId: String?,
                requestPath: String, requestHeaders: [String: String], requestBody: String, responseHeaders: [String: String]?,
                responseBody: String?) {
        self.id = id
        self.at = at
        self.channel = channel
        self.account = account
        self.operation = operation
        self.serial = serial
        self.refundSerial = refundSerial
        self.orderId = orderId
        self.latencyMilliseconds = latencyMilliseconds
        self.httpStatus = httpStatus
        self.result = result
        self.channelStatus = channelStatus
        self.requestId = requestId
        self.requestPath = requestPath
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
    }
}

/// The calls the channel gateway made (`channel_calls`, schema 13), for the order timeline.
public struct ChannelCallRepository {
    let db: Connection

    /// Records a call; the order is the one of the payment `record.serial` names (`orderId` is
    /// ignored). Returns the new row's id.
    @discardableResult
    public func insert(_ record: ChannelCallRecord) throws -> Int64 {
        try db.execute("""
            INSERT INTO channel_calls (at, channel, account, operation, serial, refund_serial, order_id, latency_ms, http_status, result,
                                       channel_status, request_id, request_path, request_headers, request_body, response_headers,
                                       response_body)
            VALUES (?, ?, ?, ?, ?, ?, (SELECT order_id FROM payment_attempts WHERE serial = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [record.at.milliseconds, record.channel, record.account, record.operation, record.serial, record.refundSerial,
                  record.serial, record.latencyMilliseconds, record.httpStatus.map { Int64($0) }, record.result, record.channelStatus,
                  record.requestId, record.requestPath, JSONText.encode(record.requestHeaders), record.requestBody,
                  record.responseHeaders.map(JSONText.encode), record.responseBody])
        return db.lastInsertRowID
    }

    public func find(id: Int64) throws -> ChannelCallRecord? {
        try db.row("SELECT * FROM channel_calls WHERE id = ?", [id]).map(Self.decode)
    }

    /// The order's calls, oldest first.
    public func forOrder(_ orderId: Int64) throws -> [ChannelCallRecord] {
        try db.rows("SELECT * FROM channel_calls WHERE order_id = ? ORDER BY at, id", [orderId]).map(Self.decode)
    }

    static func decode(_ row: Row) -> ChannelCallRecord {
        ChannelCallRecord(id: row.int64("id"), at: Timestamp(milliseconds: row.int64("at")), channel: row.string("channel"),
                          account: row.string("account"), operation: row.string("operation"), serial: row.optionalString("serial"),
                          refundSerial: row.optionalString("refund_serial"), orderId: row.optionalInt64("order_id"),
                          latencyMilliseconds: row.int64("latency_ms"), httpStatus: row.optionalInt64("http_status").map(Int.init),
                          result: row.string("result"), channelStatus: row.string("channel_status"),
                          requestId: row.optionalString("request_id"), requestPath: row.string("request_path"),
                          requestHeaders: JSONText.decode(row.string("request_headers")), requestBody: row.string("request_body"),
                          responseHeaders: row.optionalString("response_headers").map(JSONText.decode),
                          responseBody: row.optionalString("response_body"))
    }
}

extension Store {
    public var channelCalls: ChannelCallRepository { ChannelCallRepository(db: db) }
    public var timeline: TimelineRepository { TimelineRepository(db: db) }
}
