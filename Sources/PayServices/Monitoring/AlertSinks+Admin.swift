import Foundation
import PayCore
import PayStore
import PayChannels

/// An alert sink as people see it: never its secret (only a hint of its end), and a URL's query
/// masked (a DingTalk robot's `access_token` is a credential too).
public struct AlertSinkView: Sendable, Equatable {
    public var name: String
    public var kind: AlertSinkKind
    public var target: String
    /// The last four characters of the secret after "…"; empty when the sink has none (SMS).
    public var secretHint: String
    public var minSeverity: AlertSeverity
    public var burst: Int64
    public var ratePerMinute: Int64
    /// Whole tokens in the bucket now (refilled for the time passed).
    public var tokens: Int64
    /// Notices queued for delivery, and notices dropped by the rate limit.
    public var sent: Int64
    public var dropped: Int64
    public var enabled: Bool
    public var createdBy: String
    public var createdAt: Timestamp
}

/// What `add` is given.
public struct AlertSinkDraft: Sendable {
    public var name: String
    public var kind: AlertSinkKind
    public var target: String
    public var minSeverity: AlertSeverity
    public var ratePerMinute: Int64
    public var burst: Int64
    /// A DingTalk robot's own secret ("SEC…", issued by DingTalk); nil: PayDesk makes one.
    public var secret: String?

    public init(name: String, kind: AlertSinkKind, target: String, minSeverity: AlertSeverity = .warning,
                ratePerMinute: Int64 = AlertSinkService.defaultRatePerMinute, burst: Int64 = AlertSinkService.defaultBurst,
                secret: String? = nil) {
        self.name = name
        self.kind = kind
        self.target = target
        self.minSeverity = minSeverity
        self.ratePerMinute = ratePerMinute
        self.burst = burst
        self.secret = secret
    }
}

/// The alert sinks' administration (admin only: `.manageAlertSinks`), every change audited,
/// never with the secret.
public struct AlertSinkService {
    public static let defaultRatePerMinute: Int64 = 6
    public static let defaultBurst: Int64 = 10
    public static let maxRatePerMinute: Int64 = 10_000
    public static let maxBurst: Int64 = 10_000

    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    public func list() throws(PayError) -> [AlertSinkView] {
        try Authorizer.require(.manageAlertSinks, actor: context.actor)
        let store = context.store
        let now = context.now
        return try store.read { try store.alertSinks.all() }.map { Self.view($0, at: now) }
    }

    /// Adds a sink; returns it with its secret, which is shown this once (empty for SMS).
    public func add(_ draft: AlertSinkDraft) throws(PayError) -> (sink: AlertSinkView, secret: String) {
        try Authorizer.require(.manageAlertSinks, actor: context.actor)
        try Self.validate(draft)
        let secret: String
        switch (draft.kind, draft.secret) {
        case (_, let given?): secret = given
        case (.webhook, nil): secret = "whsec_" + Crypto.randomHex(24)
        case (.dingtalk, nil): secret = "SEC" + Crypto.randomHex(32)
        case (.sms, nil): secret = ""
        }
        let store = context.store
        let now = context.now
        let actor = context.actor
        let record: AlertSinkRecord = try store.write {
            if try store.alertSinks.find(name: draft.name) != nil {
                throw PayError.conflict("alert sink '\(draft.name)' exists already")
            }
            let id = try store.alertSinks.insert(name: draft.name, kind: draft.kind, target: draft.target, secret: secret,
                                                 minSeverity: draft.minSeverity, capacity: draft.burst,
                                                 refillPerMinute: draft.ratePerMinute, createdBy: actor.name, at: now)
            try AuditLog(context).append(actor: actor, action: "alert-sink.add", target: "alert-sink:\(draft.name)",
                                         detail: "\(draft.kind.rawValue) to \(Self.maskedTarget(draft.target)), \(draft.minSeverity.rawValue) and above, \(draft.ratePerMinute)/min, burst \(draft.burst)")
            guard let record = try store.alertSinks.find(id: id) else { throw PayError.internal("alert sink \(id) vanished") }
            return record
        }
        return (Self.view(record, at: now), secret)
    }

    /// Turns a sink on or off (`enabled: false` also stops its queued deliveries).
    @discardableResult
    public func setEnabled(_ name: String, _ enabled: Bool) throws(PayError) -> AlertSinkView {
        try Authorizer.require(.manageAlertSinks, actor: context.actor)
        let store = context.store
        let now = context.now
        return try store.write {
            guard try store.alertSinks.find(name: name) != nil else { throw PayError.notFound("no alert sink named '\(name)'") }
            if try store.alertSinks.setEnabled(name: name, enabled) {
                try AuditLog(context).append(actor: context.actor, action: enabled ? "alert-sink.enable" : "alert-sink.disable",
                                             target: "alert-sink:\(name)")
            }
            guard let record = try store.alertSinks.find(name: name) else { throw PayError.notFound("no alert sink named '\(name)'") }
            return Self.view(record, at: now)
        }
    }

    /// Queues a test notice through the sink, past its severity floor and its bucket (a test of
    /// the target, not of the limit). Returns the outbox row's id; the worker delivers it.
    public func test(_ name: String) throws(PayError) -> Int64 {
        try Authorizer.require(.manageAlertSinks, actor: context.actor)
        let store = context.store
        let now = context.now
        return try store.write {
            guard let sink = try store.alertSinks.find(name: name) else { throw PayError.notFound("no alert sink named '\(name)'") }
            guard sink.enabled else { throw PayError.conflict("alert sink '\(name)' is disabled; enable it first") }
            let alert = AlertSummary(id: 0, rule: "paydesk.sink-test", labels: AlertLabels(["sink": name]), severity: .info,
                                     state: .firing, message: "test notice to alert sink \(name), asked by \(context.actor.name)",
                                     firings: 1, startedAt: now, firedAt: now, lastSeenAt: now, acknowledgedBy: nil, resolvedAt: nil,
                                     value: nil, threshold: nil, silence: nil, inhibitedBy: nil, returnedFromSilence: false)
            let payload = try AlertOutboxPayload(sink: sink.id, body: AlertNoticeBody(alert, .firing, at: now)).encoded()
            let id = try store.outbox.enqueue(topic: sink.kind.topic, orderId: nil, payload: payload, at: now)
            try AuditLog(context).append(actor: context.actor, action: "alert-sink.test", target: "alert-sink:\(name)", detail: "delivery A\(id)")
            return id
        }
    }

    /// Checks a draft's every field; errors name the field and what it takes.
    public static func validate(_ draft: AlertSinkDraft) throws(PayError) {
        try validateName(draft.name)
        try validateTarget(draft.target, kind: draft.kind)
        guard (1...maxRatePerMinute).contains(draft.ratePerMinute) else {
            throw PayError.invalidInput("rate '\(draft.ratePerMinute)/min': 1 to \(maxRatePerMinute) notices a minute")
        }
        guard (1...maxBurst).contains(draft.burst) else {
            throw PayError.invalidInput("burst '\(draft.burst)': 1 to \(maxBurst) notices")
        }
        if let given = draft.secret {
            guard draft.kind == .dingtalk else {
                throw PayError.invalidInput("secret: only a DingTalk sink takes its secret from outside; PayDesk makes the others")
            }
            guard (8...200).contains(given.count), given.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) else {
                throw PayError.invalidInput("secret: 8 to 200 visible ASCII characters (the robot's \"SEC…\" secret from DingTalk)")
            }
        }
    }

    static func view(_ record: AlertSinkRecord, at now: Timestamp) -> AlertSinkView {
        let elapsed = max(0, now.milliseconds - record.refilledAt.milliseconds)
        let parts = min(record.capacity * AlertSinkRepository.partsPerToken, record.tokenParts + elapsed * record.refillPerMinute)
        return AlertSinkView(name: record.name, kind: record.kind, target: maskedTarget(record.target),
                             secretHint: Self.hint(record.secret), minSeverity: record.minSeverity,
                             burst: record.capacity, ratePerMinute: record.refillPerMinute, tokens: parts / AlertSinkRepository.partsPerToken, sent: record.sent,
                             dropped: record.dropped, enabled: record.enabled, createdBy: record.createdBy, createdAt: record.createdAt)
    }

    /// The last four characters of a secret, only when that leaves most of it unsaid (the
    /// generated ones are 48 to 67 characters; a short secret from `--secret-env` gets none).
    static func hint(_ secret: String) -> String {
        secret.count >= 24 ? "…" + secret.suffix(4) : ""
    }

    /// A URL without its user info (`user:password@`) and its query's values (`?access_token=…`);
    /// other targets as they are.
    static func maskedTarget(_ target: String) -> String {
        var target = target
        if let scheme = target.range(of: "://") {
            let authorityEnd = target[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? target.endIndex
            if let at = target[scheme.upperBound..<authorityEnd].lastIndex(of: "@") {
                target.replaceSubrange(scheme.upperBound...at, with: "…@")
            }
        }
        guard let question = target.firstIndex(of: "?") else { return target }
        let names = target[target.index(after: question)...].split(separator: "&").map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? "" }
        return String(target[..<question]) + "?" + names.map { "\($0)=…" }.joined(separator: "&")
    }

    static func validateName(_ name: String) throws(PayError) {
        let allowed = name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }
        guard (1...40).contains(name.count), allowed, name.first.map({ $0.isLetter || $0.isNumber }) == true else {
            throw PayError.invalidInput("sink name '\(name)': 1 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
    }

    static func validateTarget(_ target: String, kind: AlertSinkKind) throws(PayError) {
        switch kind {
        case .webhook, .dingtalk:
            guard target.count <= 2000, let url = URL(string: target), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", url.host?.isEmpty == false else {
                throw PayError.invalidInput("target '\(maskedTarget(target))': a \(kind.rawValue) sink needs an http(s) URL")
            }
        case .sms:
            let digits = target.hasPrefix("+") ? target.dropFirst() : Substring(target)
            guard (5...20).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw PayError.invalidInput("target '\(target)': an SMS sink needs a phone number (5 to 20 digits, optionally after '+')")
            }
        }
    }
}
