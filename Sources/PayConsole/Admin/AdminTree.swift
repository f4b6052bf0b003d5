import TUIKit

/// The admin screen's tree as rows: each merchant, then its business lines and its channel
/// accounts; lines and accounts under no merchant (a demo store's) in a group of their own.
/// Pure: built from an `AdminOverview`, tested without a terminal.
struct AdminTree {
    enum Row: Hashable {
        case merchant(AdminMerchant)
        /// "Not under a merchant" (the lines and accounts a demo store seeded without one).
        case unassigned
        case heading(String)
        /// "none yet — l adds one".
        case empty(String)
        case line(AdminBusinessLine)
        case account(AdminAccount)

        /// Whether the cursor stops on the row.
        var isSelectable: Bool {
            switch self {
            case .merchant, .line, .account: return true
            case .unassigned, .heading, .empty: return false
            }
        }
    }

    let overview: AdminOverview
    let rows: [Row]

    init(_ overview: AdminOverview) {
        self.overview = overview
        var rows: [Row] = []
        let merchantIds = Set(overview.merchants.map(\.id))
        func group(_ lines: [AdminBusinessLine], _ accounts: [AdminAccount], addHints: Bool) {
            rows.append(.heading("Business lines"))
            rows += lines.isEmpty ? (addHints ? [.empty("none yet — l adds one")] : []) : lines.map(Row.line)
            rows.append(.heading("Channel accounts"))
            rows += accounts.isEmpty ? (addHints ? [.empty("none yet — a adds one")] : []) : accounts.map(Row.account)
        }
        for merchant in overview.merchants {
            rows.append(.merchant(merchant))
            group(overview.lines.filter { $0.merchant == merchant.id }, overview.accounts.filter { $0.merchant == merchant.id }, addHints: true)
        }
        let looseLines = overview.lines.filter { $0.merchant.map { !merchantIds.contains($0) } ?? true }
        let looseAccounts = overview.accounts.filter { $0.merchant.map { !merchantIds.contains($0) } ?? true }
        if !looseLines.isEmpty || !looseAccounts.isEmpty {
            rows.append(.unassigned)
            group(looseLines, looseAccounts, addHints: false)
        }
        self.rows = rows
    }

    /// The merchant a row belongs to (the one a new line or account under the cursor goes to).
    func merchant(at index: Int) -> String? {
        guard rows.indices.contains(index) else { return nil }
        for row in rows[...index].reversed() {
            if case .merchant(let merchant) = row { return merchant.id }
            if case .unassigned = row { return nil }
        }
        return nil
    }

    /// The next selectable row from `index` in `step` direction, or `index` when there is none.
    func selectable(from index: Int, step: Int) -> Int {
        var next = index + step
        while rows.indices.contains(next) {
            if rows[next].isSelectable { return next }
            next += step
        }
        return index
    }

    /// The first selectable row, or 0.
    var firstSelectable: Int { rows.firstIndex { $0.isSelectable } ?? 0 }

    /// Where the row with the same identity is in this tree (after a reload), if anywhere.
    func index(matching row: Row) -> Int? {
        rows.firstIndex { candidate in
            switch (candidate, row) {
            case (.merchant(let a), .merchant(let b)): return a.id == b.id
            case (.line(let a), .line(let b)): return a.code == b.code
            case (.account(let a), .account(let b)): return a.id == b.id
            default: return false
            }
        }
    }

    /// The row's text, indented by level, in columns.
    func text(_ row: Row) -> String {
        switch row {
        case .merchant(let merchant):
            return "▪ " + merchant.id.padded(toWidth: 16) + " " + merchant.name.padded(toWidth: 30) + " "
                + (merchant.active ? "active" : "DISABLED").padded(toWidth: 9) + merchant.contact
        case .unassigned:
            return "▪ Not under a merchant"
        case .heading(let title):
            return "    " + title
        case .empty(let text):
            return "      " + text
        case .line(let line):
            let methods = line.methods.isEmpty ? "all methods" : line.methods.joined(separator: ",")
            return "      " + line.code.padded(toWidth: 14) + " " + line.name.padded(toWidth: 22) + " " + line.layout.padded(toWidth: 10)
                + line.currency.padded(toWidth: 5) + methods
        case .account(let account):
            let keyText = account.missing.isEmpty ? "complete" : "\(account.missing.count) missing"
            return "      " + account.id.padded(toWidth: 16) + " " + account.channel.padded(toWidth: 11) + account.name.padded(toWidth: 22) + " "
                + (account.enabled ? "enabled" : "disabled").padded(toWidth: 9) + keyText
        }
    }
}
