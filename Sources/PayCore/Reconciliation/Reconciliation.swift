/// How a reconciliation run ended (issue 16). Stored by its raw value, always bound from here.
public enum ReconciliationStatus: String, Sendable, CaseIterable, Hashable {
    /// Every line of the bill matched a center record and nothing is left over (the holding pool aside).
    case matched = "MATCHED"
    /// At least one mismatch was recorded.
    case mismatched = "MISMATCHED"
    /// The channel had no bill for the day (or the `--bill` file was missing): nothing compared.
    case noBill = "NO_BILL"
    /// The bill was malformed, its summary disagreed with its lines, or the channel failed: nothing applied.
    case failed = "FAILED"
}

/// Which side of a trade a mismatch or a held record concerns.
public enum ReconciliationSide: String, Sendable, CaseIterable, Hashable {
    /// The center's record (an attempt or a refund).
    case center
    /// The channel's bill line.
    case channel
}

/// Payment or refund, as the bill and the center both know it.
public enum ReconciliationKind: String, Sendable, CaseIterable, Hashable {
    case payment
    case refund
}

/// The kinds of disagreement a run finds: roncoo-pay's seven (the channel or the center missing a
/// trade, amounts over or short, status and fee differences) and Hyperswitch's statuses, each for
/// payments and for refunds.
public enum MismatchType: String, Sendable, CaseIterable, Hashable {
    /// The bill has a successful trade the center has no record of.
    case channelOnly = "CHANNEL_ONLY"
    /// The center has a successful trade the bill does not list (after the holding pool's wait).
    case centerOnly = "CENTER_ONLY"
    /// The channel says it succeeded; the center has it UNKNOWN, PENDING, FAILED or CLOSED
    /// (a lost callback, most often).
    case channelSuccessCenterNot = "CHANNEL_SUCCESS_CENTER_NOT"
    /// The center has it SUCCEEDED; the bill says it failed or is still processing.
    case centerSuccessChannelNot = "CENTER_SUCCESS_CHANNEL_NOT"
    /// The channel moved less than the center recorded.
    case amountShort = "AMOUNT_SHORT"
    /// The channel moved more than the center recorded.
    case amountOver = "AMOUNT_OVER"
    /// The channel's fee is not the account's agreed fee for the amount.
    case feeDiffers = "FEE_DIFFERS"
    case currencyDiffers = "CURRENCY_DIFFERS"
    case refundChannelOnly = "REFUND_CHANNEL_ONLY"
    case refundCenterOnly = "REFUND_CENTER_ONLY"
    case refundChannelSuccessCenterNot = "REFUND_CHANNEL_SUCCESS_CENTER_NOT"
    case refundCenterSuccessChannelNot = "REFUND_CENTER_SUCCESS_CHANNEL_NOT"
    case refundAmountShort = "REFUND_AMOUNT_SHORT"
    case refundAmountOver = "REFUND_AMOUNT_OVER"
    case refundFeeDiffers = "REFUND_FEE_DIFFERS"
    case refundCurrencyDiffers = "REFUND_CURRENCY_DIFFERS"

    public var kind: ReconciliationKind { rawValue.hasPrefix("REFUND_") ? .refund : .payment }

    /// The same disagreement about a refund.
    public var forRefund: MismatchType {
        guard kind == .payment else { return self }
        return MismatchType(rawValue: "REFUND_" + rawValue) ?? self
    }

    /// In a few words, for lists and the console.
    public var phrase: String {
        switch self {
        case .channelOnly: "channel only"
        case .centerOnly: "center only"
        case .channelSuccessCenterNot: "channel paid, center not"
        case .centerSuccessChannelNot: "center paid, channel not"
        case .amountShort: "amount short"
        case .amountOver: "amount over"
        case .feeDiffers: "fee differs"
        case .currencyDiffers: "currency differs"
        case .refundChannelOnly: "refund channel only"
        case .refundCenterOnly: "refund center only"
        case .refundChannelSuccessCenterNot: "refund: channel done, center not"
        case .refundCenterSuccessChannelNot: "refund: center done, channel not"
        case .refundAmountShort: "refund amount short"
        case .refundAmountOver: "refund amount over"
        case .refundFeeDiffers: "refund fee differs"
        case .refundCurrencyDiffers: "refund currency differs"
        }
    }
}

/// How an operator settles a mismatch (`reconcile resolve ITEM --trust …`).
public enum MismatchResolution: String, Sendable, CaseIterable, Hashable {
    /// The channel is right: adjust the center (settle the payment as the channel says, through
    /// the payment service).
    case trustChannel = "channel"
    /// The center is right: mark the mismatch with the operator's evidence; nothing moves.
    case trustCenter = "center"
    /// Give the money back: refund the payment the channel took (through the refund service).
    case refund = "refund"
}

/// Whether a mismatch still waits for someone.
public enum MismatchState: String, Sendable, CaseIterable, Hashable {
    case open = "OPEN"
    case resolved = "RESOLVED"
}

/// A record in the holding pool: one side only, waiting for the next day's bill.
public enum PoolState: String, Sendable, CaseIterable, Hashable {
    case waiting = "WAITING"
    /// The other side turned up in a later run.
    case matched = "MATCHED"
    /// It waited its days and became a mismatch.
    case expired = "EXPIRED"
}
