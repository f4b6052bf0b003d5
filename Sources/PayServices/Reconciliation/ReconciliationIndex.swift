import PayCore
import PayStore

/// The center's records of one day in a compact form, found by channel serial or center serial
/// in constant time: the one thing a run keeps that grows with the day (the bill streams by).
///
/// A record keeps no strings, only its numbers and the 64-bit FNV-1a hashes of its two serials
/// (~60 bytes a record plus two dictionary slots, ~100 MB for a million). The serials themselves
/// are read back from the store for the few records that end up in a mismatch or the pool.
/// why hashes: a million pairs of 30-character strings would cost ~130 MB more; two different
/// serials of one account sharing a 64-bit hash is about 1 in 10^7 for a day of a million trades.
struct ReconciliationIndex {
    struct Entry {
        var id: Int64
        var orderId: Int64
        var attemptId: Int64
        var amountMinor: Int64
        var paymentAmountMinor: Int64
        var createdAt: Int64
        var status: String
        /// The ISO code (a small string: kept inline, no allocation).
        var currency: String
        var kind: ReconciliationKind
        var matched = false
    }

    private(set) var entries: [Entry] = []
    private var byChannelSerial: [UInt64: Int32] = [:]
    private var bySerial: [UInt64: Int32] = [:]

    init(capacity: Int = 0) {
        entries.reserveCapacity(capacity)
    }

    /// FNV-1a over the text's UTF-8 bytes, salted by kind so a refund never finds a payment.
    static func hash(_ text: String, _ kind: ReconciliationKind) -> UInt64 {
        var h: UInt64 = kind == .payment ? 0xcbf2_9ce4_8422_2325 : 0x8422_2325_cbf2_9ce4
        var copy = text
        copy.withUTF8 { bytes in
            for byte in bytes {
                h ^= UInt64(byte)
                h = h &* 0x0000_0100_0000_01b3
            }
        }
        return h
    }

    mutating func add(_ record: CenterRecord) {
        let index = Int32(entries.count)
        entries.append(Entry(id: record.id, orderId: record.orderId, attemptId: record.attemptId, amountMinor: record.amountMinor,
                             paymentAmountMinor: record.paymentAmountMinor, createdAt: record.createdAt, status: record.status,
                             currency: record.currency, kind: record.kind))
        if let channelSerial = record.channelSerial, !channelSerial.isEmpty {
            byChannelSerial[Self.hash(channelSerial, record.kind)] = index
        }
        bySerial[Self.hash(record.serial, record.kind)] = index
    }

    /// The record a bill line names: by channel serial, else by the center serial it echoes.
    func find(channelSerial: String, centerSerial: String, kind: ReconciliationKind) -> Int? {
        if !channelSerial.isEmpty, let index = byChannelSerial[Self.hash(channelSerial, kind)] { return Int(index) }
        if !centerSerial.isEmpty, let index = bySerial[Self.hash(centerSerial, kind)] { return Int(index) }
        return nil
    }

    mutating func markMatched(_ index: Int) { entries[index].matched = true }
}
