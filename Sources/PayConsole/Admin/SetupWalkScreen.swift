import PayCore
import TUIKit

/// The first run's walk for a store made for real use (issue 14): right after the admin operator
/// is created, the first merchant, business line and channel account, the account's credentials
/// from the sandbox portal (or the admin's own files, on the admin screen), then the account
/// enabled, tested and routed, so the checkout takes a sandbox payment without `--demo`.
/// Esc on the first step skips it; the admin screen (F11) does each step later as well.
@MainActor
final class SetupWalkScreen: ConsoleScreen {
    enum Step: Equatable {
        case intro
        case merchant, line, account
        /// How the account gets its keys: the sandbox portal, or files on the admin screen.
        case credentials
        case done
    }

    private(set) var step = Step.intro
    private(set) var form: AdminForm?
    private(set) var menu = ListMenu(title: "Credentials", items: [])
    private(set) var merchant = ""
    private(set) var line = ""
    private(set) var account = ""
    private(set) var channel = ""
    /// What the last steps did, shown on the last page.
    private(set) var report: [(text: String, ok: Bool)] = []

    init() {}

    let title = "First run — set up"
    var capturesText: Bool { form != nil }
    /// F11 on the last page leaves the walk for the admin screen with the new account selected.
    var claimedKeys: [Key] { step == .done ? [.function(11)] : [] }

    var hints: [KeyHint] {
        switch step {
        case .intro: return [KeyHint("F1", "Help"), KeyHint("Enter", "Start"), KeyHint("Esc", "Skip")]
        case .merchant, .line, .account:
            return [KeyHint("F1", "Help"), KeyHint("Tab", "Next"), KeyHint("←→", "Choose"), KeyHint("F9", "Save")]
        case .credentials: return [KeyHint("F1", "Help"), KeyHint("↑↓", "Choose"), KeyHint("Enter", "Go")]
        case .done: return [KeyHint("Enter", "Checkout"), KeyHint("F11", "Admin")]
        }
    }

    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("First run", [
            KeyHint("Enter", "next step"),
            KeyHint("Esc", "on the first page: skip the walk (the admin screen, F11, does it later)"),
        ]), AdminText.formHelp]
    }

    /// The step's number and name ("Step 2 of 4: the business line").
    var stepTitle: String {
        switch step {
        case .intro: return "Set up the store"
        case .merchant: return "Step 1 of 4: the merchant"
        case .line: return "Step 2 of 4: the business line"
        case .account: return "Step 3 of 4: the channel account"
        case .credentials: return "Step 4 of 4: the account's credentials"
        case .done: return "Ready"
        }
    }

    // MARK: Keys

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        guard let admin = app.services?.admin else { return false }
        switch step {
        case .intro:
            switch key {
            case .enter: begin(.merchant, admin: admin)
            case .escape: finish(app, message: "Set-up skipped: F11 opens the admin screen")
            default: return false
            }
            return true
        case .merchant, .line, .account:
            guard var form else { return false }
            let outcome = form.handle(key)
            self.form = form
            switch outcome {
            case .none: break
            // why: a half-made set-up is still the admin's; Esc leaves the walk for the admin screen.
            case .cancel: finish(app, message: "Set-up left at \(stepTitle.lowercased()): the admin screen (F11) goes on from here", admin: true)
            case .submit: submit(admin)
            }
            return true
        case .credentials:
            switch menu.handle(key) {
            case .chosen(let index): chooseCredentials(index, admin: admin, app: app)
            case .cancelled: finish(app, message: "Account \(account) is disabled until its keys are in: i imports them", admin: true)
            case .moved, .ignored: break
            }
            return true
        case .done:
            switch key {
            case .enter: finish(app, message: "Set-up done: ring up a sale on line \(line) and take a sandbox payment")
            case .function(11): finish(app, message: "Set-up done", admin: true)
            default: return false
            }
            return true
        }
    }

    /// Opens the form of `next`.
    func begin(_ next: Step, admin: any AdminDesk) {
        step = next
        switch next {
        case .merchant: form = AdminForms.merchant()
        case .line: form = AdminForms.businessLine(merchants: [merchant], selected: merchant)
        case .account: form = AdminForms.account(channels: admin.channels(), merchants: [merchant], selected: merchant)
        case .credentials:
            form = nil
            let portal = admin.channels().first { $0.name == channel }?.hasSandboxPortal == true
            var items = [ListMenu.Item("Import my own key files", detail: "on the admin screen: s ids, i keys, d enable")]
            if portal { items.insert(ListMenu.Item("Register at the sandbox portal", detail: "keys, ids and secrets made for you"), at: 0) }
            menu = ListMenu(title: "Credentials", items: items)
        case .intro, .done: form = nil
        }
    }

    /// Saves the step's form through the desk and goes on; a refusal stays on the form, marked.
    func submit(_ admin: any AdminDesk) {
        guard var form else { return }
        do throws(PayError) {
            switch step {
            case .merchant:
                guard let draft = AdminForms.merchantDraft(&form) else { self.form = form; return }
                try admin.addMerchant(draft)
                merchant = draft.id
                begin(.line, admin: admin)
            case .line:
                guard let draft = AdminForms.businessLineDraft(&form) else { self.form = form; return }
                try admin.addBusinessLine(draft)
                line = draft.code
                begin(.account, admin: admin)
            case .account:
                guard let draft = AdminForms.accountDraft(&form) else { self.form = form; return }
                try admin.addAccount(draft)
                account = draft.id
                channel = draft.channel
                begin(.credentials, admin: admin)
            default:
                break
            }
        } catch {
            form.fail(nil, error.message)
            self.form = form
        }
    }

    func chooseCredentials(_ index: Int, admin: any AdminDesk, app: ConsoleApp) {
        guard menu.items.indices.contains(index), menu.items[index].title.hasPrefix("Register") else {
            finish(app, message: "Import the keys of \(account) (i), set its ids (s), then enable it (d)", admin: true)
            return
        }
        report = []
        do {
            let lines = try admin.registerAtSandboxPortal(account: account)
            report += lines.map { ($0, true) }
        } catch {
            report.append((error.message, false))
            step = .done
            return
        }
        do {
            try admin.setAccountEnabled(id: account, enabled: true)
            report.append(("Account \(account) enabled", true))
        } catch {
            report.append((error.message, false))
        }
        do {
            let test = try admin.testAccount(id: account)
            report.append((test.summary, test.ok))
        } catch {
            report.append((error.message, false))
        }
        do {
            report.append((try admin.routeLine(line, account: account), true))
        } catch {
            report.append((error.message, false))
        }
        step = .done
    }

    /// Leaves the walk: to the admin's landing screen (the checkout), or the admin screen.
    func finish(_ app: ConsoleApp, message: String, admin: Bool = false) {
        let landing = DestinationTable.entry(DestinationTable.landing(for: app.session?.role ?? .admin)).make(app)
        app.screens = [landing]
        if admin {
            let screen = AdminScreen(app: app)
            if !account.isEmpty { screen.select(.account(AdminAccount(id: account, channel: channel, name: "", merchant: merchant, currencies: [], enabled: false))) }
            app.screens.append(screen)
        }
        app.showMessage(message)
    }

    // MARK: Drawing

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        let theme = app.theme
        guard app.services?.admin != nil else {
            buffer.put("The set-up walk: \(AdminText.notConnected).", in: Rect(x: area.x, y: area.y + area.height / 2, width: area.width, height: 1),
                       style: theme["notice"], alignment: .center)
            return nil
        }
        let body = theme["dialog"]
        if var form {
            form.intro = [stepTitle] + form.intro
            let cursor = AdminText.renderFormBox(&form, into: &buffer, area: area, theme: theme)
            form.intro.removeFirst()
            self.form = form
            return cursor
        }
        let text: [String]
        switch step {
        case .intro:
            text = ["This store is empty. Before it takes a payment it needs:",
                    "",
                    "  1. a merchant — the company the center collects for;",
                    "  2. a business line of that merchant — what the checkout sells;",
                    "  3. a channel account — where the money goes (Alipay, WeChat Pay …);",
                    "  4. the account's credentials — from the sandbox portal here.",
                    "",
                    "Enter starts; Esc skips (the admin screen, F11, does the same later)."]
        case .credentials:
            text = ["Account \(account) (\(channel)) needs its keys and ids.",
                    "The sandbox portal plays the channel's merchant portal: the center's key",
                    "pair is made here, the portal learns its public key and hands out the",
                    "channel's key, ids and secrets. With real files, use the admin screen."]
        case .done:
            text = report.map { ($0.ok ? "✓ " : "✗ ") + $0.text }
                + ["", "Enter: the checkout (line \(line)) — F11: the admin screen"]
        default:
            text = []
        }
        let height = text.count + (step == .credentials ? menu.items.count + 1 : 0) + 5
        let box = area.centered(width: min(area.width, 84), height: min(area.height, height))
        buffer.fill(box, style: body)
        buffer.box(box, style: body, title: stepTitle, titleStyle: theme["dialog.title"])
        let inner = box.inset(2)
        for (index, line) in text.enumerated() where index < inner.height {
            let style = step == .done && line.hasPrefix("✗") ? theme["error"].withBackground(of: body) : body
            buffer.put(line, x: inner.x, y: inner.y + index, style: style, maxWidth: inner.width)
        }
        if step == .credentials {
            menu.render(into: &buffer, area: Rect(x: inner.x, y: inner.y + text.count + 1, width: inner.width, height: menu.items.count), theme: theme)
        }
        return nil
    }
}
