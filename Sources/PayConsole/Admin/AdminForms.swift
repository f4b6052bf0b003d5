import Foundation
import PayCore
import TUIKit

/// The admin forms: what each asks, and its values read back into a draft. The form checks the
/// shape of each value and names the field; the service checks the meaning (a merchant id taken,
/// an unknown merchant) and its error is shown on the form too.
@MainActor
enum AdminForms {
    static let layouts = ["retail", "hotel", "flight", "ticket", "insurance"]

    // MARK: Merchant

    static func merchant() -> AdminForm {
        AdminForm(title: "Add a merchant", intro: ["A company the center collects for; its business lines and channel accounts go under it."],
                  fields: [
                    AdminForm.text("Merchant id", hint: "1–32 of a-z 0-9 -, e.g. acme-property", maxLength: 32),
                    AdminForm.text("Name", hint: "as on the merchant's contract", maxLength: 64),
                    AdminForm.text("Contact", hint: "who to call about it (optional)", maxLength: 128),
                  ])
    }

    static func merchantDraft(_ form: inout AdminForm) -> AdminMerchantDraft? {
        let id = form.value("Merchant id"), name = form.value("Name")
        guard checkIdentifier(id, label: "Merchant id", form: &form) else { return nil }
        guard !name.isEmpty else { form.fail("Name", "Name: required"); return nil }
        return AdminMerchantDraft(id: id, name: name, contact: form.value("Contact"))
    }

    // MARK: Business line

    static func businessLine(merchants: [String], selected: String?) -> AdminForm {
        AdminForm(title: "Add a business line", intro: ["A line of business the checkout serves (its layout), in one currency."],
                  fields: [
                    AdminForm.text("Code", hint: "1–32 of a-z 0-9 -, e.g. retail; used in orders and the API", maxLength: 32),
                    AdminForm.text("Name", hint: "shown at the checkout", maxLength: 64),
                    AdminForm.choice("Layout", layouts, hint: "←/→ or Space: the checkout layout"),
                    AdminForm.text("Currency", "CNY", hint: "ISO 4217 code, e.g. CNY, USD", maxLength: 3),
                    AdminForm.text("Methods", hint: "comma separated, empty for all: \(PaymentMethod.allCases.map(\.rawValue).joined(separator: ","))"),
                    AdminForm.choice("Merchant", merchants, selected: selected, hint: "←/→ or Space: the merchant the line belongs to"),
                  ])
    }

    static func businessLineDraft(_ form: inout AdminForm) -> AdminLineDraft? {
        let code = form.value("Code"), name = form.value("Name")
        guard checkIdentifier(code, label: "Code", form: &form) else { return nil }
        guard !name.isEmpty else { form.fail("Name", "Name: required"); return nil }
        let currency: Currency
        do { currency = try Currency.parse(form.value("Currency").uppercased(), field: "Currency") } catch {
            form.fail("Currency", error.message)
            return nil
        }
        guard let methods = methods(&form) else { return nil }
        let merchant = form.value("Merchant")
        guard !merchant.isEmpty else { form.fail("Merchant", "Merchant: add a merchant first (m)"); return nil }
        return AdminLineDraft(code: code, name: name, layout: form.value("Layout"), currency: currency, methods: methods, merchant: merchant)
    }

    static func editLine(_ line: AdminBusinessLine) -> AdminForm {
        AdminForm(title: "Edit business line \(line.code)", intro: ["Layout and currency stay; orders already taken keep theirs."],
                  fields: [
                    AdminForm.text("Name", line.name, hint: "shown at the checkout", maxLength: 64),
                    AdminForm.text("Methods", line.methods.joined(separator: ","), hint: "comma separated, empty for all"),
                    AdminForm.text("Notify URL", line.notifyURL, hint: "where merchant notifications go (http:// or https://); empty: none", maxLength: 512),
                    AdminForm.text("Notify secret", hint: "the HMAC secret of the notifications; empty keeps it as it is",
                                   masking: .all, maxLength: 256, placeholder: line.notifySecretSet ? "•••••• (set; type to replace)" : "not set"),
                  ])
    }

    static func lineChange(_ form: inout AdminForm, of line: AdminBusinessLine) -> AdminLineChange? {
        let name = form.value("Name")
        guard !name.isEmpty else { form.fail("Name", "Name: required"); return nil }
        guard let methods = methods(&form) else { return nil }
        let url = form.value("Notify URL")
        if !url.isEmpty, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            form.fail("Notify URL", "Notify URL '\(url)': must start with http:// or https://")
            return nil
        }
        let secret = form.value("Notify secret")
        return AdminLineChange(code: line.code, name: name == line.name ? nil : name,
                                  methods: methods.map(\.rawValue) == line.methods ? nil : methods,
                                  notifyURL: url == line.notifyURL ? nil : url, notifySecret: secret.isEmpty ? nil : secret)
    }

    // MARK: Channel account

    static func account(channels: [AdminChannel], merchants: [String], selected: String?) -> AdminForm {
        AdminForm(title: "Add a channel account", intro: ["An account the center holds at a channel; it stays disabled until its keys are in."],
                  fields: [
                    AdminForm.text("Account id", hint: "1–32 of a-z 0-9 -, e.g. alipay-main; routes name it", maxLength: 32),
                    AdminForm.choice("Channel", channels.map(\.name), hint: "←/→ or Space: the channel"),
                    AdminForm.text("Name", hint: "for people, e.g. Alipay (main)", maxLength: 64),
                    AdminForm.choice("Merchant", merchants, selected: selected, hint: "←/→ or Space: whose account it is"),
                    AdminForm.text("Currencies", "CNY", hint: "comma separated ISO 4217 codes"),
                    AdminForm.text("Fee rate", "0", hint: "basis points: 60 = 0.60 %", filter: .digits, maxLength: 5),
                    AdminForm.text("Fixed fee", "0", hint: "per payment, in minor units (fen, cents)", filter: .digits, maxLength: 9),
                  ])
    }

    static func accountDraft(_ form: inout AdminForm) -> AdminAccountDraft? {
        let id = form.value("Account id"), name = form.value("Name")
        guard checkIdentifier(id, label: "Account id", form: &form) else { return nil }
        guard !form.value("Channel").isEmpty else { form.fail("Channel", "Channel: none available"); return nil }
        guard !name.isEmpty else { form.fail("Name", "Name: required"); return nil }
        let merchant = form.value("Merchant")
        guard !merchant.isEmpty else { form.fail("Merchant", "Merchant: add a merchant first (m)"); return nil }
        var currencies: [Currency] = []
        for code in form.value("Currencies").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).uppercased() }) where !code.isEmpty {
            do { currencies.append(try Currency.parse(code, field: "Currencies")) } catch {
                form.fail("Currencies", error.message)
                return nil
            }
        }
        guard !currencies.isEmpty else { form.fail("Currencies", "Currencies: at least one, e.g. CNY"); return nil }
        guard let rate = Int64(form.value("Fee rate")), rate <= 10_000 else {
            form.fail("Fee rate", "Fee rate '\(form.value("Fee rate"))': basis points from 0 to 10000")
            return nil
        }
        guard let fixed = Int64(form.value("Fixed fee")) else {
            form.fail("Fixed fee", "Fixed fee '\(form.value("Fixed fee"))': a whole number of minor units")
            return nil
        }
        return AdminAccountDraft(id: id, channel: form.value("Channel"), name: name, merchant: merchant, currencies: currencies,
                                   feeRateBps: rate, feeFixedMinor: fixed)
    }

    // MARK: Key import

    static func importKey(account: AdminAccount, files: [AdminChannelField]) -> AdminForm {
        let missing = files.first { account.missing.contains($0.name) }?.name
        return AdminForm(title: "Import a key into \(account.id)",
                         intro: ["Read from a file on this machine (PEM for a key, one line for a secret),",
                                 "checked, and stored encrypted; never typed here and never shown."],
                         fields: [
                            AdminForm.choice("Key", files.map(\.name), selected: missing,
                                             hint: files.map { "\($0.name): \($0.summary)" }.joined(separator: " · ")),
                            AdminForm.text("File", hint: "the file's path, e.g. /home/admin/keys/center-private.pem", maxLength: 1024),
                         ])
    }

    static func identifiers(account: AdminAccount, fields: [AdminChannelField]) -> AdminForm {
        let current = Dictionary(account.settings.map { ($0.name, $0.shown) }, uniquingKeysWith: { first, _ in first })
        return AdminForm(title: "Ids of \(account.id)", intro: ["The ids the \(account.channel) merchant portal gave out; empty fields stay as they are."],
                         fields: fields.map { AdminForm.text($0.name, current[$0.name] ?? "", hint: $0.summary, maxLength: 128) })
    }

    /// The ids typed that differ from the account's.
    static func identifierValues(_ form: AdminForm, account: AdminAccount) -> [String: String] {
        var values: [String: String] = [:]
        for index in form.fields.indices {
            let name = form.fields[index].label, value = form.value(index)
            if !value.isEmpty, value != account.settings.first(where: { $0.name == name })?.shown { values[name] = value }
        }
        return values
    }

    /// The key and path, or nil with the form marked.
    static func keyImport(_ form: inout AdminForm) -> (key: String, path: String)? {
        guard !form.value("Key").isEmpty else { form.fail("Key", "Key: this channel imports no key files"); return nil }
        let path = form.value("File")
        guard !path.isEmpty else { form.fail("File", "File: required (a path, not the key's text)"); return nil }
        guard !path.hasPrefix("-----") else { form.fail("File", "File: give the file's path, never the key's text"); return nil }
        return (form.value("Key"), NSString(string: path).expandingTildeInPath)
    }

    // MARK: Shared checks

    static func checkIdentifier(_ value: String, label: String, form: inout AdminForm) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        if value.isEmpty { form.fail(label, "\(label): required"); return false }
        if value.count > 32 || !value.allSatisfy(allowed.contains) {
            form.fail(label, "\(label) '\(value)': use 1–32 lower-case letters, digits or '-'")
            return false
        }
        return true
    }

    /// The methods of the "Methods" field: empty for all, else each a known method.
    static func methods(_ form: inout AdminForm) -> [PaymentMethod]? {
        var methods: [PaymentMethod] = []
        for word in form.value("Methods").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            do { methods.append(try PaymentMethod.parse(word, field: "Methods")) } catch {
                form.fail("Methods", error.message)
                return nil
            }
        }
        return methods
    }
}
