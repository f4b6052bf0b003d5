import PayCore
import TUIKit

/// Routes and risk, from the admin screen (`R`): the routes with their accounts, the risk rules
/// and the risk lists with their values. A route's accounts are edited (`e`), a route or a risk
/// rule switched off and on (`d`, asks first), a route removed (`x`, asks first), a value added to
/// a list (`a`; a new list name makes the list) or removed (`x`, asks first). Every change goes
/// through the services, which check the admin's permission and audit it.
@MainActor
final class AdminRulesScreen: ConsoleScreen {
    enum Row: Hashable {
        case heading(String)
        case empty(String)
        case route(AdminRoute)
        case rule(AdminRiskRule)
        case list(AdminRiskList)

        var isSelectable: Bool {
            switch self {
            case .heading, .empty: return false
            case .route, .rule, .list: return true
            }
        }
    }

    let title = "Admin — routes and risk"
    private(set) var rules = AdminRules()
    private(set) var rows: [Row] = []
    private(set) var cursor = 0
    private var scroll = 0

    init(app: ConsoleApp) {
        reload(app: app)
    }

    var hints: [KeyHint] {
        [KeyHint("F1", "Help"), KeyHint("e", "Accounts"), KeyHint("d", "On/off"), KeyHint("a", "Add value"), KeyHint("x", "Remove"),
         KeyHint("Esc", "Back")]
    }

    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Routes and risk", [
            KeyHint("↑↓ j k", "move between routes, risk rules and lists"),
            KeyHint("e", "a route: change its accounts (priority order, ACCOUNT[:WEIGHT], comma separated)"),
            KeyHint("d", "a route or a risk rule: switch it off or on (asks first)"),
            KeyHint("x", "a route: remove it; a list: remove one of its values (asks first)"),
            KeyHint("a", "add a value to the selected list, or to a new list"),
            KeyHint("o", "on the admin tree: add a line's routes to an account"),
            KeyHint("r", "reload"),
            KeyHint("Esc", "back to the admin tree"),
        ])]
    }

    var statusSegments: [String] {
        ["\(rules.routes.count) routes · \(rules.riskRules.count) risk rules · \(rules.riskLists.count) lists"]
    }

    var selected: Row? { rows.indices.contains(cursor) ? rows[cursor] : nil }

    // MARK: Loading

    func reload(app: ConsoleApp) {
        guard let admin = app.services?.admin else { return }
        let keep = selected
        do {
            rules = try admin.rules()
        } catch {
            app.showMessage(error.message, error: true)
            return
        }
        var rows: [Row] = [.heading("Routes (tried top to bottom; the first that matches decides)")]
        rows += rules.routes.isEmpty ? [.empty("none yet — o on an account in the admin tree adds a line's routes")] : rules.routes.map(Row.route)
        rows.append(.heading("Risk rules"))
        rows += rules.riskRules.isEmpty ? [.empty("none (paydesk risk add)")] : rules.riskRules.map(Row.rule)
        rows.append(.heading("Risk lists (customer in NAME)"))
        rows += rules.riskLists.isEmpty ? [.empty("none yet — a adds a value to a new list")] : rules.riskLists.map(Row.list)
        self.rows = rows
        cursor = keep.flatMap(index(matching:)) ?? rows.firstIndex { $0.isSelectable } ?? 0
    }

    private func index(matching row: Row) -> Int? {
        rows.firstIndex { candidate in
            switch (candidate, row) {
            case (.route(let a), .route(let b)): return a.name == b.name
            case (.rule(let a), .rule(let b)): return a.name == b.name
            case (.list(let a), .list(let b)): return a.name == b.name
            default: return false
            }
        }
    }

    /// Moves the cursor to the first row `matches` accepts.
    func select(where matches: (Row) -> Bool) {
        if let index = rows.firstIndex(where: matches) { cursor = index }
    }

    // MARK: Keys

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        guard app.services?.admin != nil else { return false }
        switch key {
        case .up, .character("k"): move(-1)
        case .down, .character("j"): move(1)
        case .home: cursor = rows.firstIndex { $0.isSelectable } ?? cursor
        case .end: cursor = rows.lastIndex { $0.isSelectable } ?? cursor
        case .character("r"): reload(app: app)
        case .character("e"): editAccounts(app)
        case .character("d"): toggle(app)
        case .character("a"): addValue(app)
        case .character("x"): remove(app)
        default: return false
        }
        return true
    }

    private func move(_ step: Int) {
        var next = cursor + step
        while rows.indices.contains(next) {
            if rows[next].isSelectable { cursor = next; return }
            next += step
        }
    }

    // MARK: Actions

    func editAccounts(_ app: ConsoleApp) {
        guard case .route(let route)? = selected, let admin = app.services?.admin else {
            app.showMessage("Select a route to change its accounts", error: true)
            return
        }
        let field = TextField(route.accounts.joined(separator: ", "), maxLength: 512)
        app.present(.input("Accounts of route \(route.name)", [
            "\(route.method) payments of \(route.line ?? "every line") go to these accounts, first one first.",
            "ACCOUNT or ACCOUNT:WEIGHT (weights share the volume under 'weighted'), comma separated.",
        ], label: "Accounts", field: field)) { [weak self] outcome in
            guard case .submitted(let text) = outcome else { return }
            let accounts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            self?.run(app) { () throws(PayError) in try admin.setRouteAccounts(route.name, accounts: accounts) }
        }
    }

    func toggle(_ app: ConsoleApp) {
        guard let admin = app.services?.admin else { return }
        switch selected {
        case .route(let route)?:
            let on = !route.enabled
            app.present(.confirm(on ? "Route on" : "Route off",
                                 [on ? "Switch route \(route.name) on? It routes \(route.method) payments from now on."
                                     : "Switch route \(route.name) off? Its \(route.method) payments go to the next route that covers them."],
                                 yes: on ? "On" : "Off", no: "Cancel")) { [weak self] outcome in
                guard outcome == .confirmed else { return }
                self?.run(app) { () throws(PayError) in try admin.setRouteEnabled(route.name, enabled: on) }
            }
        case .rule(let rule)?:
            let on = !rule.enabled
            app.present(.confirm(on ? "Enable risk rule" : "Disable risk rule",
                                 [on ? "Enable \(rule.name)? Payments are checked against it from now on:"
                                     : "Disable \(rule.name)? Payments are no longer checked against it:",
                                  "\(rule.action) when \(rule.expression)"],
                                 yes: on ? "Enable" : "Disable", no: "Cancel")) { [weak self] outcome in
                guard outcome == .confirmed else { return }
                self?.run(app) { () throws(PayError) in try admin.setRiskRuleEnabled(rule.name, enabled: on) }
            }
        default:
            app.showMessage("Select a route or a risk rule to switch it on or off", error: true)
        }
    }

    func addValue(_ app: ConsoleApp) {
        guard let admin = app.services?.admin else { return }
        if case .list(let list)? = selected {
            app.present(.input("Add to \(list.name)", ["A customer id (or other value) the rules' `customer in \(list.name)` matches."],
                               label: "Value")) { [weak self] outcome in
                guard case .submitted(let value) = outcome else { return }
                self?.run(app) { () throws(PayError) in try admin.addToRiskList(list.name, value: value.trimmingCharacters(in: .whitespaces)) }
            }
            return
        }
        app.present(.input("New risk list", ["The list's name, as rules name it (`customer in NAME`):"], label: "List")) { [weak self] outcome in
            guard case .submitted(let typed) = outcome else { return }
            let name = typed.trimmingCharacters(in: .whitespaces)
            app.present(.input("Add to \(name)", ["Its first value (a list holds at least one):"], label: "Value")) { outcome in
                guard case .submitted(let value) = outcome else { return }
                self?.run(app) { () throws(PayError) in try admin.addToRiskList(name, value: value.trimmingCharacters(in: .whitespaces)) }
                self?.select { if case .list(let list) = $0 { return list.name == name } else { return false } }
            }
        }
    }

    func remove(_ app: ConsoleApp) {
        guard let admin = app.services?.admin else { return }
        switch selected {
        case .route(let route)?:
            app.present(.confirm("Remove route", ["Remove route \(route.name)? Its \(route.method) payments go to the next route that covers them."],
                                 yes: "Remove", no: "Cancel")) { [weak self] outcome in
                guard outcome == .confirmed else { return }
                self?.run(app) { () throws(PayError) in try admin.removeRoute(route.name) }
            }
        case .list(let list)?:
            app.present(ListMenu(title: "Remove from \(list.name)", items: list.values.map { ListMenu.Item($0) })) { [weak self] chosen in
                guard let chosen, list.values.indices.contains(chosen) else { return }
                let value = list.values[chosen]
                app.present(.confirm("Remove from list", ["Remove \(value) from \(list.name)?"], yes: "Remove", no: "Cancel")) { outcome in
                    guard outcome == .confirmed else { return }
                    self?.run(app) { () throws(PayError) in try admin.removeFromRiskList(list.name, value: value) }
                }
            }
        default:
            app.showMessage("Select a route or a list to remove from", error: true)
        }
    }

    /// Runs one change, says what it did (or why not) and reads the rules again.
    private func run(_ app: ConsoleApp, _ change: () throws(PayError) -> String) {
        do {
            app.showMessage(try change())
        } catch {
            app.showMessage(error.message, error: true)
        }
        reload(app: app)
    }

    // MARK: Drawing

    /// The rows' text, in columns as wide as their widest value (a route's accounts last, whole).
    func text(_ row: Row) -> String {
        let names = max(12, (rules.routes.map { $0.name.displayWidth } + rules.riskRules.map { $0.name.displayWidth }
                             + rules.riskLists.map { $0.name.displayWidth }).max() ?? 0)
        let lines = max(8, rules.routes.map { ($0.line ?? "any line").displayWidth }.max() ?? 0)
        let methods = max(6, rules.routes.map { $0.method.displayWidth }.max() ?? 0)
        let strategies = max(8, rules.routes.map { $0.strategy.displayWidth }.max() ?? 0)
        switch row {
        case .heading(let title): return title
        case .empty(let text): return "    " + text
        case .route(let route):
            return "  " + route.name.padded(toWidth: names) + " " + (route.line ?? "any line").padded(toWidth: lines) + " "
                + route.method.padded(toWidth: methods) + " " + (route.currency ?? "any").padded(toWidth: 4) + route.strategy.padded(toWidth: strategies)
                + " " + (route.enabled ? "on " : "OFF") + " → " + route.accounts.joined(separator: ", ")
        case .rule(let rule):
            return "  " + rule.name.padded(toWidth: names) + " " + rule.action.padded(toWidth: 10) + (rule.enabled ? "enabled " : "DISABLED")
                + "  " + rule.expression
        case .list(let list):
            return "  " + list.name.padded(toWidth: names) + " " + "\(list.values.count) value\(list.values.count == 1 ? "" : "s")".padded(toWidth: 10)
                + list.values.joined(separator: ", ")
        }
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        let theme = app.theme
        buffer.put(" Routes and risk", in: Rect(x: area.x, y: area.y, width: area.width, height: 1), style: theme["subtitle"])
        let list = Rect(x: area.x, y: area.y + 2, width: area.width, height: max(0, area.height - 2))
        if cursor < scroll { scroll = cursor }
        if cursor >= scroll + list.height { scroll = cursor - list.height + 1 }
        for (offset, row) in rows.dropFirst(scroll).prefix(list.height).enumerated() {
            let index = scroll + offset, y = list.y + offset
            let line = " " + text(row)
            if index == cursor {
                buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: theme["table.cursor"])
                buffer.put(line, x: area.x, y: y, style: theme["table.cursor"], maxWidth: area.width)
                continue
            }
            let style: Style
            switch row {
            case .heading: style = theme["label"]
            case .empty: style = theme["hint"]
            case .route(let route): style = route.enabled ? theme["body"] : theme["hint"]
            case .rule(let rule): style = rule.enabled ? theme["body"] : theme["hint"]
            case .list: style = theme["body"]
            }
            buffer.put(line, x: area.x, y: y, style: style, maxWidth: area.width)
        }
        return nil
    }
}
