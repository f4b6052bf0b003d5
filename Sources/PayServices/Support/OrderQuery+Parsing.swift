import PayCore
import PayStore

/// The order browser's filter language, in the manner of k9s: words separated by spaces, all of
/// which must hold (AND).
///
/// - `status:paid` — the order's status; `status:unknown`, `status:pending`, `status:processing`,
///   `status:failed`, `status:succeeded`, `status:init` (attempt statuses that are no order status)
///   mean "has a payment attempt in that status". `closed` is the order's status.
/// - `!refunded`, `!status:refunded`, `!unknown` — none of that status (order or attempt, as above).
/// - `channel:alipay`, `line:hotel` (or `business:hotel`).
/// - `amount>100`, `amount>=100`, `amount<20.5`, `amount<=20.5`, `amount=100` — major units of each
///   order's own currency, exact (no floating point), at most 3 decimal places.
/// - `since:2026-11-01`, `until:2026-11-30` — UTC dates or times; a date for `until` includes that
///   whole day; a duration (`since:2h`) counts back from now.
/// - any other word: an identifier (order no, order / payment / refund serial, channel serial,
///   channel refund serial, refund no, customer id); one a filter.
extension OrderQuery {
    /// Parses a filter line. Errors: PayError.invalidInput with a message that starts
    /// "filter column N: " (N 1-based, in characters) and says what was expected there.
    public static func parse(_ text: String, now: Timestamp) throws(PayError) -> OrderQuery {
        var filter = OrderFilter()
        var search: String?
        var seen: Set<String> = []
        for (column, word) in words(of: text) {
            func fail(_ why: String, at offset: Int = 0) -> PayError {
                PayError.invalidInput("filter column \(column + offset): \(why)")
            }
            func once(_ key: String) throws(PayError) {
                guard seen.insert(key).inserted else { throw fail("'\(word)': \(key) is given twice; give it once") }
            }
            if word.hasPrefix("!") {
                var name = String(word.dropFirst())
                var offset = 1
                if name.lowercased().hasPrefix("status:") { name = String(name.dropFirst(7)); offset += 7 }
                guard let status = Status(name) else {
                    throw fail("'\(word)': expected a status after '!', such as !refunded or !unknown (\(Status.known))", at: offset)
                }
                switch status {
                case .order(let s): if !filter.excludedStatuses.contains(s) { filter.excludedStatuses.append(s) }
                case .attempt(let s): if !filter.excludedAttemptStatuses.contains(s) { filter.excludedAttemptStatuses.append(s) }
                }
                continue
            }
            let lowered = word.lowercased()
            if lowered.hasPrefix("amount") {
                let rest = word.dropFirst(6)
                guard let comparison = AmountBound.Comparison.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count })
                    .first(where: { rest.hasPrefix($0.rawValue) }) else {
                    throw fail("'\(word)': expected a comparison after 'amount': <, <=, =, >= or >", at: 6)
                }
                let offset = 6 + comparison.rawValue.count
                let value = String(rest.dropFirst(comparison.rawValue.count))
                do {
                    filter.amounts.append(AmountBound(comparison, scaled: try scaledAmount(value)))
                } catch {
                    throw fail("amount '\(value)': \(error.message)", at: offset)
                }
                continue
            }
            guard let colon = word.firstIndex(of: ":") else {
                guard search == nil else {
                    throw fail("'\(word)': a second search word (already searching for '\(search!)'); search for one identifier, or use field:value")
                }
                search = word
                continue
            }
            let key = lowered[..<colon]
            let value = String(word[word.index(after: colon)...])
            let offset = key.count + 1
            guard !value.isEmpty else { throw fail("'\(word)': expected a value after '\(key):'", at: offset) }
            switch key {
            case "status":
                try once("status")
                guard let status = Status(value) else {
                    throw fail("status '\(value)': expected one of \(Status.known)", at: offset)
                }
                switch status {
                case .order(let s): filter.status = s
                case .attempt(let s): filter.attemptStatus = s
                }
            case "channel":
                try once("channel")
                guard value.count <= 32, value.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
                    throw fail("channel '\(value)': expected a channel name such as alipay, wechat, unionpay, card", at: offset)
                }
                filter.channel = value
            case "line", "business":
                try once("line")
                do {
                    filter.businessLine = try BusinessLineCode(value, field: "line")
                } catch {
                    throw fail(error.message, at: offset)
                }
            case "since":
                try once("since")
                do { filter.since = try time(value, now: now, endOfDay: false) } catch {
                    throw fail("since '\(value)': \(error.message)", at: offset)
                }
            case "until":
                try once("until")
                do { filter.until = try time(value, now: now, endOfDay: true) } catch {
                    throw fail("until '\(value)': \(error.message)", at: offset)
                }
                if let since = filter.since, let until = filter.until, until <= since {
                    throw fail("until '\(value)' is not after since \(since); nothing could match", at: offset)
                }
            default:
                throw fail("unknown field '\(word[..<colon])'; expected status, channel, line, amount, since or until (or an identifier without ':')")
            }
            if let since = filter.since, let until = filter.until, until <= since, key == "since" {
                throw fail("since '\(value)' is not before until \(until); nothing could match", at: offset)
            }
        }
        filter.identifier = search
        return OrderQuery(text: text.trimmingCharacters(), filter: filter, search: search)
    }

    /// The words of the line with the 1-based column (in characters) each starts at.
    static func words(of text: String) -> [(column: Int, word: String)] {
        var result: [(Int, String)] = []
        var current = ""
        var start = 0
        for (index, character) in text.enumerated() {
            if character.isWhitespace {
                if !current.isEmpty { result.append((start, current)); current = "" }
            } else {
                if current.isEmpty { start = index + 1 }
                current.append(character)
            }
        }
        if !current.isEmpty { result.append((start, current)) }
        return result
    }

    /// "100", "20.5", "0.001": exact thousandths (`AmountBound.scale`) of a major unit.
    static func scaledAmount(_ text: String) throws(PayError) -> Int64 {
        let scale = AmountBound.scale
        guard !text.isEmpty else { throw PayError.invalidInput("expected a number such as 100 or 20.5") }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty, parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }) else {
            throw PayError.invalidInput("expected a plain number such as 100 or 20.5 (digits and at most one '.', no sign or separators)")
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || !fraction.isEmpty else { throw PayError.invalidInput("expected digits after '.'") }
        guard fraction.count <= scale else {
            throw PayError.invalidInput("at most \(scale) decimal places (no currency has more)")
        }
        let digits = parts[0] + fraction + String(repeating: "0", count: scale - fraction.count)
        guard let value = Int64(digits) else { throw PayError.invalidInput("too large") }
        return value
    }

    /// A UTC date or time, or a duration back from `now`; `until` with a bare date is the end of that day.
    static func time(_ text: String, now: Timestamp, endOfDay: Bool) throws(PayError) -> Timestamp {
        let expected = PayError.invalidInput("expected a UTC date or time such as 2026-11-01 or 2026-11-01T09:30Z, or a duration back from now such as 2h or 7d")
        if let first = text.unicodeScalars.first, ("0"..."9").contains(first), !text.contains("-") {
            let back: Int64
            do { back = try DurationText.milliseconds(text, field: "since", in: 0...(100 * 365 * 86_400_000)) } catch { throw expected }
            return now.adding(milliseconds: -back)
        }
        let parsed: Timestamp
        do { parsed = try Timestamp.parse(text) } catch { throw expected }
        return endOfDay && text.count == 10 ? parsed.adding(milliseconds: 86_400_000) : parsed
    }

    /// A status word: an order status, or an attempt status that is no order status.
    enum Status {
        case order(OrderStatus)
        case attempt(AttemptStatus)

        init?(_ text: String) {
            let name = text.uppercased().replacingHyphens()
            if let status = OrderStatus(rawValue: name) { self = .order(status); return }
            if let status = AttemptStatus(rawValue: name) { self = .attempt(status); return }
            return nil
        }

        static var known: String {
            (OrderStatus.allCases.map(\.rawValue)
                + AttemptStatus.allCases.map(\.rawValue).filter { OrderStatus(rawValue: $0) == nil }.map { $0 + " (an attempt)" })
                .map { $0.lowercased() }.joined(separator: ", ")
        }
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        var slice = self[...]
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }

    fileprivate func replacingHyphens() -> String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}
