import PayCore
import PayStore

/// The append-only audit log: every change of state with who, when, what, target, outcome and
/// origin. Each entry carries `hash`: HMAC-SHA256, under the key kept beside the store
/// (`AuditSeal`), of its id, the previous entry's hash and its fields, the first one chained to
/// 64 zeros. The store's `meta` keeps the head (last id and hash), and the anchor file beside the
/// store keeps every entry's id and MAC once committed, so removing the newest entries, emptying
/// the log or moving the head back are found too, even by someone who can write the store file.
///
/// A store made by an older PayDesk has a log without a key: `paydesk init` keys it (`seal()`),
/// its old entries keep their plain SHA-256 chain, verified as such, and the first keyed entry
/// (`audit.keyed`) covers them. Until then nothing can be written to its log.
///
/// `append` joins the caller's transaction when there is one, so an entry is committed with the
/// change it records or not at all; its anchor line is written after the commit.
public struct AuditLog {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    static let headKey = "audit.head"

    /// Appends an entry for `actor` at the context's current time.
    @discardableResult
    public func append(actor: Actor, action: String, target: String?, outcome: AuditOutcome = .ok,
                       detail: String? = nil) throws(PayError) -> AuditEntry {
        try append(actorName: actor.name, role: actor.role, origin: actor.origin, action: action, target: target,
                   outcome: outcome, detail: detail)
    }

    /// Appends an entry for someone who may not be an operator (a login under an unknown name).
    @discardableResult
    public func append(actorName: String, role: Role?, origin: String, action: String, target: String?,
                       outcome: AuditOutcome, detail: String?) throws(PayError) -> AuditEntry {
        // why: free text reaches the log from many places (a name typed at login, reasons); card data is never kept.
        let (actorName, target, detail) = (CardNumberMask.mask(actorName), target.map(CardNumberMask.mask), detail.map(CardNumberMask.mask))
        let store = context.store
        let at = context.now
        return try store.write {
            let head = try Self.head(store)
            let maxId = try store.audit.maxId()
            let seal = try Self.seal(store, head: head, maxId: maxId)
            // why: chain to the recorded head, not to the last row, so a removed newest entry shows;
            // and never reuse an id, so a row slipped in past the head shows too.
            let id = max(head.id, maxId) + 1
            let hash = seal.mac(id: id, prevHash: head.hash, at: at, actor: actorName, actorRole: role, action: action,
                                target: target, outcome: outcome, origin: origin, detail: detail)
            try store.audit.insert(AuditRecord(id: id, at: at, actor: actorName, actorRole: role?.rawValue, action: action,
                                               target: target, outcome: outcome.rawValue, origin: origin, detail: detail,
                                               prevHash: head.hash, hash: hash))
            try store.meta.set(Self.headKey, "\(id) \(hash)")
            // why: an anchor line must never claim an entry that was rolled back; one lost to a
            // crash after the commit leaves an entry whose MAC still proves it.
            store.db.afterCommit { try? seal.anchor(id: id, mac: hash) }
            return AuditEntry(id: id, at: at, actor: actorName, actorRole: role, action: action, target: target,
                              outcome: outcome, origin: origin, detail: detail, prevHash: head.hash, hash: hash)
        }
    }

    /// The store's seal; a store that never had an audit entry gets one now. A log written
    /// before keys existed is refused until `paydesk init` keys it.
    static func seal(_ store: Store, head: (id: Int64, hash: String), maxId: Int64) throws(PayError) -> AuditSeal {
        if let seal = try AuditSeal.load(store: store.path) { return seal }
        guard head.id == 0 && maxId == 0 else {
            throw PayError.notFound("audit key '\(AuditSeal.keyPath(store: store.path))' is missing: store '\(store.path)' was made by an older PayDesk or lost its key; `paydesk init --db \(store.path)` keys its audit log (restore the key file instead if it had one)")
        }
        if let seal = try AuditSeal.create(store: store.path, keyedFrom: 1) { return seal }
        // why: another process made them first.
        guard let seal = try AuditSeal.load(store: store.path) else {
            throw PayError.internal("audit key of store '\(store.path)': made by another process, then gone")
        }
        return seal
    }

    /// Gives the store's audit log its key and anchor when it has none (`paydesk init`): a new
    /// store's log is keyed from its first entry; an older store's entries so far stay a plain
    /// SHA-256 chain and an `audit.keyed` entry, the first keyed one, seals them. Returns whether
    /// the store was keyed now.
    @discardableResult
    public func seal() throws(PayError) -> Bool {
        let store = context.store
        let keyed: Bool = try store.write {
            guard try AuditSeal.load(store: store.path) == nil else { return false }
            let head = try Self.head(store)
            let maxId = try store.audit.maxId()
            let from = max(head.id, maxId) + 1
            guard try AuditSeal.create(store: store.path, keyedFrom: from) != nil else { return false }
            return from > 1
        }
        if keyed {
            try append(actor: context.actor, action: "audit.keyed", target: nil,
                       detail: "entries before this one were written without a key (plain SHA-256 chain)")
        }
        return keyed
    }

    /// The newest `limit` entries, newest first. Needs `viewAudit`.
    public func recent(limit: Int) throws(PayError) -> [AuditEntry] {
        try Authorizer.require(.viewAudit, actor: context.actor)
        guard (1...10_000).contains(limit) else { throw PayError.invalidInput("limit '\(limit)': between 1 and 10000") }
        let store = context.store
        return try store.read {
            try store.audit.newest(limit: limit).map(Self.decode)
        }
    }

    /// The entries about one target ("order:retail/R1001", "operator:alice"), oldest first, for a
    /// timeline. Needs `viewAudit`.
    public func entries(target: String, limit: Int = 200) throws(PayError) -> [AuditEntry] {
        try Authorizer.require(.viewAudit, actor: context.actor)
        guard (1...10_000).contains(limit) else { throw PayError.invalidInput("limit '\(limit)': between 1 and 10000") }
        let store = context.store
        return try store.read {
            try store.audit.forTarget(target, limit: limit).map(Self.decode)
        }
    }

    /// Walks the whole chain in id order and names the first entry edited, removed or reordered.
    /// Needs `viewAudit`.
    public func verify() throws(PayError) -> AuditVerification {
        try Authorizer.require(.viewAudit, actor: context.actor)
        let store = context.store
        return try store.read { try Self.walk(store) }
    }

    /// Walks the chain, checking each entry's MAC (its SHA-256 below the seal's `keyedFrom`), its
    /// link to the one before, the recorded head, and every id and MAC the anchor file holds.
    /// Throws `notFound` naming the key or anchor file when one is missing.
    static func walk(_ store: Store) throws -> AuditVerification {
        let seal = try AuditSeal.load(store: store.path)
        let anchored = try seal?.anchored() ?? [:]
        if seal == nil, try head(store).id > 0 || (try store.audit.maxId()) > 0 {
            throw PayError.notFound("audit key '\(AuditSeal.keyPath(store: store.path))' is missing: the log of store '\(store.path)' cannot be verified; restore the key and anchor files, or if the store was made by an older PayDesk, key it with `paydesk init --db \(store.path)`")
        }
        let recordedHead = try head(store)
        let anchoredIds = Dictionary(anchored.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        var expectedPrev = AuditEntry.genesisHash
        var previousId: Int64 = 0
        var count = 0
        func problem(_ id: Int64, _ kind: AuditVerification.ProblemKind, _ message: String) -> AuditVerification {
            AuditVerification(entries: count, problem: .init(entryId: id, kind: kind, message: message))
        }
        while true {
            let batch = try store.audit.after(previousId, limit: 500)
            if batch.isEmpty { break }
            for record in batch {
                let entry = decode(record)
                count += 1
                if try entry.recomputedHash(seal: seal) != entry.hash {
                    if let seal, entry.id >= seal.keyedFrom {
                        if let written = anchoredIds[entry.hash], written != entry.id {
                            return problem(entry.id, .reordered, "entry #\(entry.id) is out of order: it was written as entry #\(written)")
                        }
                        if entry.id > recordedHead.id {
                            return problem(entry.id, .inserted, "entry #\(entry.id) was not written by PayDesk: it does not carry the audit key's MAC")
                        }
                        return problem(entry.id, .edited, "entry #\(entry.id) was edited, or written by someone else than PayDesk: it does not carry the audit key's MAC")
                    }
                    return problem(entry.id, .edited, "entry #\(entry.id) was edited: its fields no longer give its hash")
                }
                if let mac = anchored[entry.id], mac != entry.hash {
                    return problem(entry.id, .edited, "entry #\(entry.id) differs from the one PayDesk anchored when it was written (\(seal?.anchorPath ?? "the anchor"))")
                }
                if entry.prevHash != expectedPrev {
                    if let later = try store.audit.firstId(withHash: entry.prevHash),
                       later > entry.id {
                        return problem(entry.id, .reordered, "entry #\(entry.id) is out of order: it was written after entry #\(later)")
                    }
                    if entry.id > previousId + 1 {
                        let gap = entry.id - 1 > previousId + 1 ? "entries #\(previousId + 1)–#\(entry.id - 1) were" : "entry #\(previousId + 1) was"
                        return problem(previousId + 1, .removed, "\(gap) removed (entry #\(entry.id) was chained to another predecessor)")
                    }
                    if previousId == 0 {
                        return problem(entry.id, .inserted, "entry #\(entry.id) does not start the chain: it was not written by PayDesk")
                    }
                    return problem(previousId, .edited, "entry #\(previousId) was rewritten: entry #\(entry.id) was chained to a different hash")
                }
                expectedPrev = entry.hash
                previousId = entry.id
            }
        }
        if let anchoredMax = anchored.keys.max(), anchoredMax > previousId {
            let what = previousId == 0 ? "the log is empty" : "the log ends at #\(previousId)"
            let lost = anchoredMax > previousId + 1 ? "entries #\(previousId + 1)–#\(anchoredMax) were" : "entry #\(anchoredMax) was"
            return problem(previousId + 1, .removed, "\(lost) removed: \(what) but the anchor '\(seal?.anchorPath ?? "")' holds entries up to #\(anchoredMax)")
        }
        let head = try head(store)
        if head.id > previousId {
            let what = previousId == 0 ? "the log is empty" : "the log ends at #\(previousId)"
            return problem(previousId + 1, .removed, "entry #\(previousId + 1) was removed: \(what) but PayDesk wrote up to #\(head.id)")
        }
        if head.id < previousId {
            return problem(head.id + 1, .inserted, "entry #\(head.id + 1) was not written by PayDesk: the recorded head is #\(head.id)")
        }
        if head.hash != expectedPrev {
            return problem(previousId, .edited, "entry #\(previousId) was rewritten: its hash differs from the recorded head")
        }
        return AuditVerification(entries: count, problem: nil)
    }

    /// The recorded head: the last id written and its hash (0 and 64 zeros for an empty log).
    static func head(_ store: Store) throws -> (id: Int64, hash: String) {
        guard let text = try store.meta.value(headKey) else { return (0, AuditEntry.genesisHash) }
        let parts = text.split(separator: " ")
        guard parts.count == 2, let id = Int64(parts[0]) else {
            throw PayError.conflict("audit log head '\(text)' is damaged; run `paydesk audit verify`")
        }
        return (id, String(parts[1]))
    }

    static func decode(_ record: AuditRecord) -> AuditEntry {
        let outcome = AuditOutcome(rawValue: record.outcome)
        return AuditEntry(
            id: record.id, at: record.at, actor: record.actor,
            actorRole: record.actorRole.flatMap(Role.init(rawValue:)), action: record.action,
            target: record.target,
            // why: an edited outcome must still decode so that verify can report the edit.
            outcome: outcome ?? .failed,
            origin: record.origin, detail: record.detail, prevHash: record.prevHash,
            hash: outcome == nil ? "" : record.hash)
    }
}
