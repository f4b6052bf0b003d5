import PayCore
import PayServices
import TUIKit

/// F11: the admin screens (issue 14), for `admin` only. A tree of merchants with their business
/// lines and channel accounts; the selected node's details below it, secrets masked. Keys add a
/// merchant (`m`), a line (`l`), an account (`a`), edit a line (`e`), set an account's ids (`s`),
/// import a key from a PEM file (`i`), register an account at the sandbox portal (`p`), test it (`t`),
/// route a line's payments to it (`o`), enable or disable an account or a merchant
/// (`d`, asks first); `R` opens the routes and risk rules and lists; Enter lists what can be done
/// with the selected node.
@MainActor
final class AdminScreen: ConsoleScreen {
    let title = "Admin"
    var destination: Destination? { .admin }
    private(set) var tree = AdminTree(AdminOverview())
    private(set) var channels: [AdminChannel] = []
    private(set) var cursor = 0
    private var scroll = 0
    private(set) var loadError: String?

    init(app: ConsoleApp) {
        reload(app: app)
    }

    var hints: [KeyHint] {
        [KeyHint("F1", "Help"), KeyHint("Enter", "Actions"), KeyHint("m", "Merchant"), KeyHint("l", "Line"), KeyHint("a", "Account"),
         KeyHint("i", "Key"), KeyHint("t", "Test"), KeyHint("d", "On/off"), KeyHint("R", "Routes/risk")]
    }

    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Admin", [
            KeyHint("↑↓ j k", "move between merchants, lines and accounts"),
            KeyHint("Enter", "what can be done with the selected one"),
            KeyHint("m", "add a merchant"),
            KeyHint("l", "add a business line under the selected merchant"),
            KeyHint("a", "add a channel account under the selected merchant"),
            KeyHint("e", "edit the selected business line (name, methods, notifications)"),
            KeyHint("s", "set the ids of the selected account (app id, mch id …)"),
            KeyHint("i", "import a key or secret of the selected account from a file (PEM for keys)"),
            KeyHint("p", "register the selected account at the sandbox portal (keys, ids, secrets)"),
            KeyHint("t", "test the selected account: a harmless signed call to the channel"),
            KeyHint("o", "route a business line's payments (its channel's methods) to the selected account"),
            KeyHint("d", "enable or disable the selected account or merchant (asks first)"),
            KeyHint("R", "routes and risk: a route's accounts, risk rules on/off, risk lists"),
            KeyHint("r", "reload"),
        ]), AdminText.formHelp]
    }

    var statusSegments: [String] {
        let overview = tree.overview
        return ["\(overview.merchants.count) merchants · \(overview.lines.count) lines · \(overview.accounts.count) accounts"]
    }

    var selected: AdminTree.Row? { tree.rows.indices.contains(cursor) ? tree.rows[cursor] : nil }

    var paletteCommands: [CommandPalette.Command] {
        [.init(id: "admin.merchant", title: "Admin: add a merchant"),
         .init(id: "admin.line", title: "Admin: add a business line"),
         .init(id: "admin.account", title: "Admin: add a channel account"),
         .init(id: "admin.rules", title: "Admin: routes and risk")]
    }

    func runPaletteCommand(_ id: String, app: ConsoleApp) -> Bool {
        switch id {
        case "admin.merchant": addMerchant(app)
        case "admin.line": addLine(app)
        case "admin.account": addAccount(app)
        case "admin.rules": openRules(app)
        default: return false
        }
        return true
    }

    // MARK: Loading

    /// Reads the tree again, keeping the cursor on the same merchant, line or account.
    func reload(app: ConsoleApp) {
        guard let admin = app.services?.admin else { return }
        let keep = selected
        do {
            let fresh = AdminTree(try admin.overview())
            channels = admin.channels()
            loadError = nil
            tree = fresh
            cursor = keep.flatMap(fresh.index(matching:)) ?? fresh.firstSelectable
        } catch {
            loadError = error.message
            app.showMessage(error.message, error: true)
        }
    }

    /// Moves the cursor to the row of `row`'s identity (a node just added).
    func select(_ row: AdminTree.Row) {
        if let index = tree.index(matching: row) { cursor = index }
    }

    // MARK: Keys

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        guard app.services?.admin != nil else { return false }
        switch key {
        case .up, .character("k"): cursor = tree.selectable(from: cursor, step: -1)
        case .down, .character("j"): cursor = tree.selectable(from: cursor, step: 1)
        case .home: cursor = tree.firstSelectable
        case .end: cursor = tree.rows.lastIndex { $0.isSelectable } ?? cursor
        case .character("r"): reload(app: app)
        case .character("m"): addMerchant(app)
        case .character("l"): addLine(app)
        case .character("a"): addAccount(app)
        case .character("e"): editLine(app)
        case .character("i"): importKey(app)
        case .character("s"): setIdentifiers(app)
        case .character("p"): registerAtPortal(app)
        case .character("t"): testAccount(app)
        case .character("o"): routeToAccount(app)
        case .character("d"): toggle(app)
        case .character("R"): openRules(app)
        case .enter: showActions(app)
        default: return false
        }
        return true
    }

    /// The actions of the selected node, as a menu (the letters do the same).
    func showActions(_ app: ConsoleApp) {
        var actions: [(ListMenu.Item, (ConsoleApp) -> Void)] = []
        switch selected {
        case .merchant(let merchant)?:
            actions.append((ListMenu.Item("Add a business line", detail: "l"), addLine))
            actions.append((ListMenu.Item("Add a channel account", detail: "a"), addAccount))
            actions.append((ListMenu.Item(merchant.active ? "Disable the merchant" : "Enable the merchant again", detail: "d"), toggle))
        case .line?:
            actions.append((ListMenu.Item("Edit the business line", detail: "e"), editLine))
        case .account(let account)?:
            actions.append((ListMenu.Item("Set the ids the channel gave out", detail: "s"), setIdentifiers))
            actions.append((ListMenu.Item("Import a key or secret from a file", detail: "i"), importKey))
            if channels.first(where: { $0.name == account.channel })?.hasSandboxPortal == true {
                actions.append((ListMenu.Item("Register at the sandbox portal", detail: "p"), registerAtPortal))
            }
            actions.append((ListMenu.Item("Test the credentials", detail: "t"), testAccount))
            actions.append((ListMenu.Item("Route a business line's payments here", detail: "o"), routeToAccount))
            actions.append((ListMenu.Item(account.enabled ? "Disable the account" : "Enable the account", detail: "d"), toggle))
        default: break
        }
        actions.append((ListMenu.Item("Add a merchant", detail: "m"), addMerchant))
        actions.append((ListMenu.Item("Routes and risk rules and lists", detail: "R"), openRules))
        app.present(ListMenu(title: "Actions", items: actions.map(\.0))) { chosen in
            if let chosen { actions[chosen].1(app) }
        }
    }

    // MARK: Actions

    func addMerchant(_ app: ConsoleApp) {
        open(AdminForms.merchant(), app: app) { form, admin in
            guard let draft = AdminForms.merchantDraft(&form) else { return nil }
            do throws(PayError) { try admin.addMerchant(draft) } catch { form.fail(nil, error.message); return nil }
            return ("Merchant \(draft.id) added", .merchant(AdminMerchant(id: draft.id, name: draft.name)))
        }
    }

    func addLine(_ app: ConsoleApp) {
        let merchants = tree.overview.merchants.filter(\.active).map(\.id)
        open(AdminForms.businessLine(merchants: merchants, selected: tree.merchant(at: cursor)), app: app) { form, admin in
            guard let draft = AdminForms.businessLineDraft(&form) else { return nil }
            do throws(PayError) { try admin.addBusinessLine(draft) } catch { form.fail(nil, error.message); return nil }
            return ("Business line \(draft.code) added under \(draft.merchant)",
                    .line(AdminBusinessLine(code: draft.code, name: draft.name, layout: draft.layout, currency: draft.currency.code, methods: [], merchant: draft.merchant)))
        }
    }

    func addAccount(_ app: ConsoleApp) {
        let merchants = tree.overview.merchants.filter(\.active).map(\.id)
        open(AdminForms.account(channels: channels, merchants: merchants, selected: tree.merchant(at: cursor)), app: app) { form, admin in
            guard let draft = AdminForms.accountDraft(&form) else { return nil }
            do throws(PayError) { try admin.addAccount(draft) } catch { form.fail(nil, error.message); return nil }
            return ("Channel account \(draft.id) added (disabled): import its keys (i) or register it at the sandbox portal (p)",
                    .account(AdminAccount(id: draft.id, channel: draft.channel, name: draft.name, merchant: draft.merchant, currencies: [], enabled: false)))
        }
    }

    func editLine(_ app: ConsoleApp) {
        guard case .line(let line)? = selected else { app.showMessage("Select a business line to edit", error: true); return }
        open(AdminForms.editLine(line), app: app) { form, admin in
            guard let change = AdminForms.lineChange(&form, of: line) else { return nil }
            if change == AdminLineChange(code: line.code) { return ("Business line \(line.code): nothing changed", nil) }
            do throws(PayError) { try admin.editBusinessLine(change) } catch { form.fail(nil, error.message); return nil }
            return ("Business line \(line.code) changed", nil)
        }
    }

    func importKey(_ app: ConsoleApp) {
        guard case .account(let account)? = selected else { app.showMessage("Select a channel account to import a key into", error: true); return }
        let files = channels.first { $0.name == account.channel }?.files ?? []
        open(AdminForms.importKey(account: account, files: files), app: app) { form, admin in
            guard let (key, path) = AdminForms.keyImport(&form) else { return nil }
            let what: String
            do throws(PayError) { what = try admin.importKey(account: account.id, key: key, path: path) } catch {
                form.fail("File", error.message)
                return nil
            }
            return ("\(account.id): \(key) imported — \(what)", nil)
        }
    }

    func setIdentifiers(_ app: ConsoleApp) {
        guard case .account(let account)? = selected else { app.showMessage("Select a channel account to set its ids", error: true); return }
        let fields = channels.first { $0.name == account.channel }?.identifiers ?? []
        guard !fields.isEmpty else { app.showMessage("\(account.channel) accounts have no ids to set", error: true); return }
        open(AdminForms.identifiers(account: account, fields: fields), app: app) { form, admin in
            let values = AdminForms.identifierValues(form, account: account)
            if values.isEmpty { return ("\(account.id): nothing changed", nil) }
            do throws(PayError) { try admin.setIdentifiers(account: account.id, values) } catch { form.fail(nil, error.message); return nil }
            return ("\(account.id): \(values.keys.sorted().joined(separator: ", ")) set", nil)
        }
    }

    func registerAtPortal(_ app: ConsoleApp) {
        guard case .account(let account)? = selected else { app.showMessage("Select a channel account to register", error: true); return }
        app.present(.confirm("Sandbox portal", [
            "Register \(account.id) at the \(account.channel) sandbox portal?",
            "The center gets a new key pair; the portal learns its public key and",
            "hands out the channel's public key, ids and secrets, which are imported.",
            "Keys this account already holds are replaced.",
        ], yes: "Register", no: "Cancel")) { [weak self] outcome in
            guard outcome == .confirmed, let self, let admin = app.services?.admin else { return }
            do {
                let lines = try admin.registerAtSandboxPortal(account: account.id)
                self.reload(app: app)
                app.present(.message("Registered \(account.id)", lines)) { _ in }
            } catch {
                app.showMessage(error.message, error: true)
            }
        }
    }

    func testAccount(_ app: ConsoleApp) {
        guard case .account(let account)? = selected, let admin = app.services?.admin else {
            app.showMessage("Select a channel account to test", error: true)
            return
        }
        do {
            let report = try admin.testAccount(id: account.id)
            app.present(.message(report.ok ? "\(account.id): credentials work" : "\(account.id): credentials FAIL",
                                 [report.summary] + report.details)) { _ in }
        } catch {
            app.showMessage(error.message, error: true)
        }
    }

    /// Asks which of the merchant's business lines, then routes its payments by the account's
    /// channel's methods to the account.
    func routeToAccount(_ app: ConsoleApp) {
        guard case .account(let account)? = selected, let admin = app.services?.admin else {
            app.showMessage("Select a channel account to route payments to", error: true)
            return
        }
        let lines = tree.overview.lines.filter { $0.merchant == account.merchant }
        guard !lines.isEmpty else { app.showMessage("\(account.merchant ?? "this merchant") has no business line to route", error: true); return }
        app.present(ListMenu(title: "Route to \(account.id)", items: lines.map { ListMenu.Item($0.code, detail: $0.name) })) { [weak self] chosen in
            guard let chosen else { return }
            do {
                app.showMessage(try admin.routeLine(lines[chosen].code, account: account.id))
            } catch {
                app.showMessage(error.message, error: true)
            }
            self?.reload(app: app)
        }
    }

    func toggle(_ app: ConsoleApp) {
        guard let admin = app.services?.admin else { return }
        switch selected {
        case .account(let account)?:
            let enable = !account.enabled
            let lines = enable ? ["Enable \(account.id)? Routes may send payments to it from now on."]
                               : ["Disable \(account.id)? Routes skip it from now on;", "payments in flight on it go on."]
            app.present(.confirm(enable ? "Enable account" : "Disable account", lines, yes: enable ? "Enable" : "Disable", no: "Cancel")) { [weak self] outcome in
                guard outcome == .confirmed else { return }
                do {
                    try admin.setAccountEnabled(id: account.id, enabled: enable)
                    app.showMessage("\(account.id) \(enable ? "enabled" : "disabled")")
                } catch {
                    app.showMessage(error.message, error: true)
                }
                self?.reload(app: app)
            }
        case .merchant(let merchant)? where merchant.active:
            app.present(.confirm("Disable merchant", ["Disable \(merchant.id) (\(merchant.name))?",
                                                      "Its business lines take no new payments."], yes: "Disable", no: "Cancel")) { [weak self] outcome in
                guard outcome == .confirmed else { return }
                do {
                    try admin.disableMerchant(id: merchant.id)
                    app.showMessage("Merchant \(merchant.id) disabled")
                } catch {
                    app.showMessage(error.message, error: true)
                }
                self?.reload(app: app)
            }
        case .merchant(let merchant)?:
            app.present(.confirm("Enable merchant", ["Enable \(merchant.id) (\(merchant.name)) again?",
                                                     "Its business lines take payments again."], yes: "Enable", no: "Cancel")) { [weak self] outcome in
                guard outcome == .confirmed else { return }
                do {
                    try admin.enableMerchant(id: merchant.id)
                    app.showMessage("Merchant \(merchant.id) enabled")
                } catch {
                    app.showMessage(error.message, error: true)
                }
                self?.reload(app: app)
            }
        default:
            app.showMessage("Select a channel account or a merchant to enable or disable", error: true)
        }
    }

    /// The routes and risk screen, over this one (Esc comes back).
    func openRules(_ app: ConsoleApp) {
        app.push(AdminRulesScreen(app: app))
    }

    /// Opens `form` on its own screen; `submit` answers (message, row to select) or nil to stay.
    private func open(_ form: AdminForm, app: ConsoleApp,
                      submit: @escaping (inout AdminForm, any AdminDesk) -> (String, AdminTree.Row?)?) {
        var added: AdminTree.Row?
        app.push(AdminFormScreen(form: form, submit: { form, admin in
            guard let (message, row) = submit(&form, admin) else { return nil }
            added = row
            return message
        }, done: { [weak self] in
            self?.reload(app: app)
            if let added { self?.select(added) }
        }))
    }

    // MARK: Drawing

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        let theme = app.theme
        guard app.services?.admin != nil else {
            let lines = ["The admin screens: \(AdminText.notConnected).", "Meanwhile: paydesk merchant, paydesk business, paydesk account"]
            for (index, line) in lines.enumerated() {
                buffer.put(line, in: Rect(x: area.x, y: area.y + area.height / 2 - 1 + index, width: area.width, height: 1),
                           style: index == 0 ? theme["notice"] : theme["hint"], alignment: .center)
            }
            return nil
        }
        buffer.put(" Merchants, business lines and channel accounts", in: Rect(x: area.x, y: area.y, width: area.width, height: 1), style: theme["subtitle"])
        let detail = detailLines()
        let detailHeight = min(detail.count + 1, max(0, area.height / 2 - 1))
        let treeArea = Rect(x: area.x, y: area.y + 2, width: area.width, height: max(0, area.height - 3 - detailHeight))
        if let loadError {
            buffer.put(" " + loadError, in: Rect(x: area.x, y: area.y + 1, width: area.width, height: 1), style: theme["error"])
        }
        if tree.rows.isEmpty {
            buffer.put("No merchant yet: m adds the first one.", in: Rect(x: area.x, y: treeArea.y + 1, width: area.width, height: 1),
                       style: theme["hint"], alignment: .center)
        }
        if cursor < scroll { scroll = cursor }
        if cursor >= scroll + treeArea.height { scroll = cursor - treeArea.height + 1 }
        for (offset, row) in tree.rows.dropFirst(scroll).prefix(treeArea.height).enumerated() {
            let index = scroll + offset
            let y = treeArea.y + offset
            let style: Style
            switch row {
            case .merchant(let merchant): style = merchant.active ? theme["body"].with(.bold) : theme["hint"]
            case .unassigned: style = theme["body"].with(.bold)
            case .heading: style = theme["label"]
            case .empty: style = theme["hint"]
            case .account(let account): style = account.enabled ? theme["body"] : theme["hint"]
            case .line: style = theme["body"]
            }
            let line = " " + tree.text(row)
            if index == cursor {
                buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: theme["table.cursor"])
                buffer.put(line, x: area.x, y: y, style: theme["table.cursor"], maxWidth: area.width)
            } else {
                buffer.put(line, x: area.x, y: y, style: style, maxWidth: area.width)
            }
        }
        if detailHeight > 0 {
            let top = area.maxY - detailHeight - 1
            buffer.put(String(repeating: "─", count: area.width), x: area.x, y: top, style: theme["border"])
            for (index, line) in detail.prefix(detailHeight - 1).enumerated() {
                buffer.put(" " + line, x: area.x, y: top + 1 + index, style: index == 0 ? theme["subtitle"] : theme["body"], maxWidth: area.width)
            }
        }
        return nil
    }

    /// The selected node's details; an account's secrets as the service masked them.
    func detailLines() -> [String] {
        switch selected {
        case .merchant(let merchant)?:
            let overview = tree.overview
            return ["Merchant \(merchant.id) — \(merchant.name)",
                    "status \(merchant.active ? "active" : "disabled")   contact \(merchant.contact.isEmpty ? "—" : merchant.contact)",
                    "\(overview.lines.filter { $0.merchant == merchant.id }.count) business lines, "
                        + "\(overview.accounts.filter { $0.merchant == merchant.id }.count) channel accounts"]
        case .line(let line)?:
            return ["Business line \(line.code) — \(line.name)",
                    "layout \(line.layout)   currency \(line.currency)   methods \(line.methods.isEmpty ? "all" : line.methods.joined(separator: ", "))",
                    "merchant \(line.merchant ?? "—")",
                    "notify \(line.notifyURL.isEmpty ? "off" : line.notifyURL)   secret \(line.notifySecretSet ? "•••••• set" : "not set")"]
        case .account(let account)?:
            var lines = ["Channel account \(account.id) — \(account.name) (\(account.channel), \(account.enabled ? "enabled" : "disabled"))",
                         "merchant \(account.merchant ?? "—")   currencies \(account.currencies.joined(separator: ","))   fee \(AdminText.fee(bps: account.feeRateBps, fixedMinor: account.feeFixedMinor))"]
            let width = max(12, (account.settings.map { $0.name.displayWidth }.max() ?? 0) + 2)
            lines += account.settings.map { $0.name.padded(toWidth: width) + ($0.shown.isEmpty ? "not set" : $0.shown) }
            lines += account.missing.filter { name in !account.settings.contains { $0.name == name } }
                .map { $0.padded(toWidth: width) + "not set" }
            return lines
        default:
            return []
        }
    }
}
