/// A status machine written as data: each status lists the statuses that may follow it.
///
/// The `transitions` table is the one source of truth; the store's guarded updates and the tests
/// both read it. A status with no successors is final.
public protocol StatusMachine: CaseIterable, Hashable, Sendable, RawRepresentable where RawValue == String {
    static var transitions: [Self: Set<Self>] { get }
}

extension StatusMachine {
    /// Whether `next` may follow this status.
    public func canMove(to next: Self) -> Bool {
        Self.transitions[self]?.contains(next) ?? false
    }

    /// No status may follow this one.
    public var isFinal: Bool { Self.transitions[self]?.isEmpty ?? true }

    /// Throws an invalid-transition error naming both ends when `next` may not follow.
    public func checkMove(to next: Self, subject: String) throws(PayError) {
        guard canMove(to: next) else {
            throw PayError.conflict("\(subject) cannot move from \(rawValue) to \(next.rawValue)")
        }
    }

    /// Parses a status word as shown to people ("PAID", case-insensitive).
    public static func parse(_ text: String, field: String = "status") throws(PayError) -> Self {
        if let status = Self(rawValue: text.uppercased()) { return status }
        let known = allCases.map(\.rawValue).joined(separator: ", ")
        throw PayError.invalidInput("\(field) '\(text)': unknown status (known: \(known))")
    }
}

/// `CREATED → PAYING → PAID → PARTIALLY_REFUNDED → REFUNDED`, `CREATED|PAYING → CLOSED`, and
/// `PAYING → CREATED` when the order's last payment in flight ended unpaid.
public enum OrderStatus: String, StatusMachine {
    case created = "CREATED"
    case paying = "PAYING"
    case paid = "PAID"
    case partiallyRefunded = "PARTIALLY_REFUNDED"
    case refunded = "REFUNDED"
    case closed = "CLOSED"

    public static let transitions: [OrderStatus: Set<OrderStatus>] = [
        .created: [.paying, .closed],
        // why: PAYING → PAID may skip nothing, but a wallet or a barcode answer that comes back at
        // once still passes PAYING first, so the table has no CREATED → PAID shortcut.
        // why: PAYING says a payment is in flight; when every attempt ended and none paid, the
        // order is payable again exactly as when it was created (issue 10, item 6).
        .paying: [.paid, .closed, .created],
        .paid: [.partiallyRefunded, .refunded],
        // why: a second partial refund keeps the status; the guarded update still checks it.
        .partiallyRefunded: [.partiallyRefunded, .refunded],
        .refunded: [],
        .closed: [],
    ]
}

/// `INIT → PROCESSING → SUCCEEDED | FAILED | PENDING | UNKNOWN`, `PENDING → SUCCEEDED | FAILED | CLOSED`,
/// `UNKNOWN → SUCCEEDED | FAILED | CLOSED`.
public enum AttemptStatus: String, StatusMachine {
    case initial = "INIT"
    case processing = "PROCESSING"
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"
    case pending = "PENDING"
    case unknown = "UNKNOWN"
    case closed = "CLOSED"

    public static let transitions: [AttemptStatus: Set<AttemptStatus>] = [
        .initial: [.processing],
        .processing: [.succeeded, .failed, .pending, .unknown],
        .pending: [.succeeded, .failed, .closed],
        .unknown: [.succeeded, .failed, .closed],
        .succeeded: [],
        .failed: [],
        .closed: [],
    ]

    /// The one correction of a final status: the channel says it took the money for an attempt
    /// the center had settled as not paid (FAILED or CLOSED: a late pay answer, a revoke that did
    /// not hold). The money moved, so the attempt is SUCCEEDED — and always refunded as a
    /// duplicate, since the customer was told it did not go through. Not part of `transitions`,
    /// so `isFinal` keeps meaning "no further word of the center's own changes it".
    public static let lateSuccessFrom: Set<AttemptStatus> = [.failed, .closed]

    /// The attempt may still turn into money: it is not final.
    public var isInFlight: Bool { self == .processing || self == .pending || self == .unknown || self == .initial }
}

/// `PROCESSING → SUCCEEDED | FAILED | UNKNOWN`, `UNKNOWN → SUCCEEDED | FAILED`.
public enum RefundStatus: String, StatusMachine {
    case processing = "PROCESSING"
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"
    case unknown = "UNKNOWN"

    public static let transitions: [RefundStatus: Set<RefundStatus>] = [
        .processing: [.succeeded, .failed, .unknown],
        .unknown: [.succeeded, .failed],
        .succeeded: [],
        .failed: [],
    ]
}

/// Why an attempt failed, kept apart as the best billing systems do.
public enum FailureKind: String, Sendable, CaseIterable {
    /// The channel said no. Final; never retried elsewhere.
    case declined = "DECLINED"
    /// The channel was not reached or failed to process. Safe to retry on another account.
    case system = "SYSTEM"
    /// It may have gone through. Never retried blindly; resolved only by a query.
    case unknown = "UNKNOWN"
}
