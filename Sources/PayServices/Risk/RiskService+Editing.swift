import PayCore
import PayStore

/// Editing the named lists and switching rules on and off (admin: `manageRisk`). Each change is
/// checked for permission first, validated with nothing written on a refusal, and recorded in the
/// audit log in the same transaction.
extension RiskService {
    /// The longest value a list holds (a customer id is at most this long too).
    public static let maxListValueLength = 128

    /// What a list edit did: the values that changed and those that were already so.
    public struct ListEdit: Sendable, Equatable {
        public let list: String
        public let changed: [String]
        public let unchanged: [String]
    }

    /// Adds values to a named list (`customer in NAME`); a value already there is left alone.
    /// Card numbers in a value are masked, as customer ids are where they enter, so they still match.
    @discardableResult
    public func addToList(_ list: String, values: [String]) throws(PayError) -> ListEdit {
        try Authorizer.require(.manageRisk, actor: context.actor)
        try Self.checkListName(list)
        let values = try Self.checkValues(values)
        let store = context.store
        let now = context.now
        return try store.write {
            var added: [String] = [], present: [String] = []
            for value in values {
                if try store.riskLists.add(list, value, at: now) { added.append(value) } else { present.append(value) }
            }
            if !added.isEmpty {
                try AuditLog(context).append(actor: context.actor, action: "risk.list.add", target: "risk-list:\(list)",
                                             detail: added.joined(separator: ", "))
            }
            return ListEdit(list: list, changed: added, unchanged: present)
        }
    }

    /// Removes values from a named list. A value the list does not hold is `notFound` and
    /// nothing is removed, so a typo is not taken for done.
    @discardableResult
    public func removeFromList(_ list: String, values: [String]) throws(PayError) -> ListEdit {
        try Authorizer.require(.manageRisk, actor: context.actor)
        try Self.checkListName(list)
        let values = try Self.checkValues(values)
        let store = context.store
        return try store.write {
            let known = try store.riskLists.all().map(\.name)
            guard known.contains(list) else {
                throw PayError.notFound("risk list '\(list)': no such list (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))").about("list")
            }
            for value in values where try !store.riskLists.remove(list, value) {
                throw PayError.notFound("risk list '\(list)': does not hold '\(value)'; nothing removed").about("value")
            }
            try AuditLog(context).append(actor: context.actor, action: "risk.list.remove", target: "risk-list:\(list)",
                                         detail: values.joined(separator: ", "))
            return ListEdit(list: list, changed: values, unchanged: [])
        }
    }

    /// Enables or disables a rule (a guarded update from the other state). Returns the rule and
    /// whether it changed: a rule already in that state is left as it is.
    @discardableResult
    public func setRuleEnabled(_ name: String, _ enabled: Bool) throws(PayError) -> (rule: RiskRuleRecord, changed: Bool) {
        try Authorizer.require(.manageRisk, actor: context.actor)
        let store = context.store
        let now = context.now
        return try store.write {
            let changed = try store.riskRules.setEnabled(name: name, enabled, at: now)
            guard let rule = try store.riskRules.find(name: name) else {
                let known = try store.riskRules.all().map(\.name)
                throw PayError.notFound("risk rule '\(name)': no rule of that name (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
            }
            if changed {
                try AuditLog(context).append(actor: context.actor, action: enabled ? "risk.rule.enable" : "risk.rule.disable",
                                             target: "risk-rule:\(name)", detail: "\(rule.action.rawValue) when \(rule.expression)")
            }
            return (rule, changed)
        }
    }

    static func checkListName(_ name: String) throws(PayError) {
        // why the rule language's identifier: a list is only of use when `customer in NAME` can name it.
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_", name.count <= 64,
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") })
        else {
            throw PayError.invalidInput("risk list '\(name)': a name the rules can use: 1–64 letters, digits, '_' or '-', starting with a letter or '_'").about("list")
        }
    }

    static func checkValues(_ values: [String]) throws(PayError) -> [String] {
        guard !values.isEmpty else { throw PayError.usage("give at least one --value") }
        var masked: [String] = []
        for value in values {
            guard !value.isEmpty, value.count <= maxListValueLength, !(value.unicodeScalars.first?.properties.isWhitespace ?? false), !(value.unicodeScalars.last?.properties.isWhitespace ?? false),
                  !value.unicodeScalars.contains(where: { [.control, .format, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory) })
            else {
                throw PayError.invalidInput("value '\(value)': 1–\(maxListValueLength) characters, no control characters, no leading or trailing space").about("value")
            }
            let value = CardNumberMask.mask(value)
            if !masked.contains(value) { masked.append(value) }
        }
        return masked
    }
}
