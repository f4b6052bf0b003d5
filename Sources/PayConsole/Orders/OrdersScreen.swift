import Foundation
import PayCore
import PayServices
import TUIKit

/// F3: the order browser. A page of orders newest first (only the rows that fit are loaded),
/// a k9s filter line on `/`, Enter opens the detail, `a` the repair actions of the selected order.
/// Rows refresh in place every two seconds.
@MainActor
final class OrdersScreen: ConsoleScreen {
    static let notConnected = "support services not connected"
    static let refreshMilliseconds: Int64 = 2_000
    /// Rows above the table: the header, the filter line and its message.
    static let headerRows = 3

    let title = "Orders"
    var destination: Destination? { .orders }
    private(set) var query = OrderQuery.all
    private(set) var page = OrderPage.empty
    private(set) var table = Table(columns: OrderRow.columns)
    /// The filter line while it is being edited.
    private(set) var filterField: TextField?
    private(set) var filterError: FilterError?
    /// Says what a load found when it is worth saying ("nothing found for …").
    private(set) var notice: String?
    private var loading = false
    /// Counts loads: an answer to a load that a newer one replaced (a filter typed while the
    /// previous page was still coming) is dropped, so the rows always answer the query shown.
    private var generation = 0
    /// Enter or `a` pressed while a page was loading: done on the page that arrives, not on the
    /// stale rows (`/` serial Enter Enter opens the order found).
    private var pending: Key?
    private var refreshing = false
    private var lastRefresh: Timestamp
    /// Rows the table shows, learned at the last render (the page size asked for).
    private var visibleRows: Int

    init(app: ConsoleApp) {
        lastRefresh = app.clock.now()
        visibleRows = max(1, app.terminal.size.rows - 3 - Self.headerRows - 2)
        if app.support != nil { load(.newest, app: app) }
    }

    var capturesText: Bool { filterField != nil }

    var hints: [KeyHint] {
        if filterField != nil { return [KeyHint("Enter", "Apply"), KeyHint("Esc", "Cancel")] }
        var hints = [KeyHint("F1", "Help"), KeyHint("/", "Filter"), KeyHint("Enter", "Open"), KeyHint("a", "Actions")]
        if !query.text.isEmpty { hints.append(KeyHint("Esc", "Clear")) }
        return hints + [KeyHint(":", "Views·Export"), KeyHint("F2", "Checkout")]
    }

    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Orders", [
            KeyHint("↑↓ j k", "move; past the page edge loads the next page"),
            KeyHint("PgUp PgDn", "newer / older page"),
            KeyHint("Home End", "newest / oldest orders"),
            KeyHint("Enter", "open the order and its timeline"),
            KeyHint("a", "repair actions for the selected order"),
            KeyHint("/", "filter: status:paid channel:alipay line:hotel amount>100 since:2026-11-01 !refunded, or any identifier"),
            KeyHint("Esc", "clear the filter"),
            KeyHint(":", "Save view…, Views…, Delete view…, Export CSV…"),
        ])]
    }

    var statusSegments: [String] {
        var segments = [query.text.isEmpty ? "all orders" : "filter \(query.text)"]
        if page.hasOlder || page.hasNewer { segments.append("more ↕") }
        return segments
    }

    var selected: Order? { page.orders.indices.contains(table.cursor) ? page.orders[table.cursor] : nil }

    // MARK: Loading

    /// Loads the page at `position`; `cursorAtEnd` puts the cursor on its last row (paging up).
    func load(_ position: BrowsePosition, cursorAtEnd: Bool = false, app: ConsoleApp, then done: ((OrderPage) -> Void)? = nil) {
        generation += 1
        let mine = generation
        loading = true
        let query = self.query, limit = visibleRows
        app.ask({ support throws(PayError) in try await support.page(query, at: position, limit: limit) }) { [weak self] result in
            guard let self, mine == generation else { return }
            loading = false
            let waiting = pending
            pending = nil
            switch result {
            case .success(let page):
                show(page, cursorAtEnd: cursorAtEnd)
                done?(page)
                if let waiting { _ = handle(waiting, app: app) }
            case .failure(let error):
                app.showMessage(error.message, error: true)
            }
        }
    }

    private func show(_ page: OrderPage, cursorAtEnd: Bool) {
        self.page = page
        table.rows = page.orders.map(OrderRow.cells)
        table.moveCursor(to: cursorAtEnd ? page.orders.count - 1 : 0)
    }

    /// Refreshes the rows on screen in place (a payment that completed, a refund).
    func tick(app: ConsoleApp) {
        let now = app.clock.now()
        guard app.support != nil, !refreshing, !loading, !page.orders.isEmpty,
              now.milliseconds - lastRefresh.milliseconds >= Self.refreshMilliseconds else { return }
        lastRefresh = now
        refreshing = true
        let ids = page.orders.map(\.id)
        app.ask({ support throws(PayError) in try await support.reload(ids: ids) }) { [weak self] result in
            guard let self else { return }
            refreshing = false
            if case .success(let fresh) = result { replace(fresh) }
        }
    }

    /// Puts fresher copies of orders into their rows; other rows stay.
    func replace(_ fresh: [Order]) {
        let byId = Dictionary(fresh.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let orders = page.orders.map { byId[$0.id] ?? $0 }
        guard orders != page.orders else { return }
        page = OrderPage(orders: orders, hasNewer: page.hasNewer, hasOlder: page.hasOlder)
        let cursor = table.cursor
        table.rows = orders.map(OrderRow.cells)
        table.moveCursor(to: cursor)
    }

    // MARK: The filter line

    func applyFilter(_ text: String, app: ConsoleApp) {
        guard let support = app.support else { return }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parsed: OrderQuery
        do {
            parsed = trimmed.isEmpty ? .all : try support.parseFilter(trimmed)
        } catch {
            // why: the old results stay; only the message and the caret say what was wrong.
            filterField = TextField(trimmed)
            filterError = FilterError(error.message)
            return
        }
        filterField = nil
        filterError = nil
        query = parsed
        load(.newest, app: app) { [weak self] page in
            guard let self else { return }
            notice = page.orders.isEmpty && !parsed.text.isEmpty ? Self.nothingFound(parsed) : nil
        }
    }

    static func nothingFound(_ query: OrderQuery) -> String {
        if let search = query.search, !search.isEmpty, search == query.text.trimmingCharacters(in: .whitespaces) {
            return "nothing found for '\(search)' — no order has that identifier"
        }
        return "no orders match '\(query.text)'"
    }

    // MARK: Keys

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        if var field = filterField {
            switch key {
            case .escape:
                filterField = nil
                filterError = nil
            case .enter:
                applyFilter(field.text, app: app)
            default:
                _ = field.handle(key)
                filterField = field
            }
            return true
        }
        guard app.support != nil else { return false }
        switch key {
        case .character("/"):
            filterField = TextField(query.text)
            filterError = nil
            return true
        case .escape:
            guard !query.text.isEmpty else { return false }
            query = .all
            notice = nil
            filterError = nil
            load(.newest, app: app)
            return true
        case .enter:
            if loading { pending = key; return true }
            guard let order = selected else { return true }
            app.push(OrderDetailScreen(app: app, order: order))
            return true
        case .character("a"):
            if loading { pending = key; return true }
            guard let order = selected else { return true }
            RepairFlow.start(app: app, order: order) { [weak self] changed in
                self?.replace([changed])
            }
            return true
        case .down, .character("j"):
            if table.cursor + 1 >= page.orders.count, page.hasOlder, let last = page.orders.last {
                load(.older(than: last), app: app)
                return true
            }
            return table.handle(key) || true
        case .up, .character("k"):
            if table.cursor == 0, page.hasNewer, let first = page.orders.first {
                load(.newer(than: first), cursorAtEnd: true, app: app)
                return true
            }
            return table.handle(key) || true
        case .pageDown:
            if page.hasOlder, let last = page.orders.last { load(.older(than: last), app: app) } else { _ = table.handle(.end) }
            return true
        case .pageUp:
            if page.hasNewer, let first = page.orders.first { load(.newer(than: first), app: app) } else { _ = table.handle(.home) }
            return true
        case .home:
            load(.newest, app: app)
            return true
        case .end:
            load(.oldest, cursorAtEnd: true, app: app)
            return true
        default:
            return false
        }
    }

    // MARK: Palette: saved views and export

    var paletteCommands: [CommandPalette.Command] {
        [.init(id: "orders.save-view", title: "Save view…"), .init(id: "orders.views", title: "Views…"),
         .init(id: "orders.delete-view", title: "Delete view…"), .init(id: "orders.export", title: "Export CSV…")]
    }

    func runPaletteCommand(_ id: String, app: ConsoleApp) -> Bool {
        guard id.hasPrefix("orders.") else { return false }
        guard app.support != nil else { app.showMessage(Self.notConnected, error: true); return true }
        switch id {
        case "orders.save-view": askViewName(app: app)
        case "orders.views": chooseView(app: app, deleting: false)
        case "orders.delete-view": chooseView(app: app, deleting: true)
        case "orders.export": askExportPath(app: app)
        default: return false
        }
        return true
    }

    private func askViewName(app: ConsoleApp) {
        guard !query.text.isEmpty else {
            app.showMessage("no filter to save: type one with / first", error: true)
            return
        }
        let text = query.text
        app.present(.input("Save view", ["Filter: \(text)"], label: "Name")) { outcome in
            guard case .submitted(let raw) = outcome else { return }
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { app.showMessage("view name: empty; give the view a name", error: true); return }
            app.ask({ support throws(PayError) in try await support.saveView(name: name, query: text) }) { result in
                switch result {
                case .success: app.showMessage("saved view '\(name)'")
                case .failure(let error): app.showMessage(error.message, error: true)
                }
            }
        }
    }

    private func chooseView(app: ConsoleApp, deleting: Bool) {
        app.ask({ support throws(PayError) in try await support.savedViews() }) { [weak self] result in
            switch result {
            case .failure(let error): app.showMessage(error.message, error: true)
            case .success(let views) where views.isEmpty:
                app.showMessage("no saved views yet: filter with /, then Save view… in the palette")
            case .success(let views):
                let menu = ListMenu(title: deleting ? "Delete view" : "Views", items: views.map { ListMenu.Item($0.name, detail: $0.query) })
                app.present(menu) { index in
                    guard let index, let self else { return }
                    let view = views[index]
                    if deleting {
                        app.ask({ support throws(PayError) in try await support.deleteView(name: view.name) }) { result in
                            if case .failure(let error) = result { app.showMessage(error.message, error: true) } else { app.showMessage("deleted view '\(view.name)'") }
                        }
                    } else {
                        self.applyFilter(view.query, app: app)
                    }
                }
            }
        }
    }

    /// Where an export goes unless the operator says otherwise: beside the store, named by the time.
    static func defaultExportPath(storePath: String, now: Timestamp) -> String {
        let folder = URL(fileURLWithPath: storePath).deletingLastPathComponent().path
        let stamp = now.displayString.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            .replacingOccurrences(of: " ", with: "-")
        return folder + "/orders-\(stamp).csv"
    }

    private func askExportPath(app: ConsoleApp) {
        let query = self.query
        let field = TextField(Self.defaultExportPath(storePath: app.options.storePath, now: app.clock.now()))
        let what = query.text.isEmpty ? "every order" : "orders matching '\(query.text)'"
        app.present(.input("Export CSV", ["Writes \(what) as CSV."], label: "File", field: field)) { outcome in
            guard case .submitted(let raw) = outcome else { return }
            let path = raw.trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { app.showMessage("export file: empty; give a path", error: true); return }
            app.ask({ support throws(PayError) in try await support.exportCSV(query, toFile: path) }) { result in
                switch result {
                case .success(let count): app.showMessage("exported \(count) order\(count == 1 ? "" : "s") to \(path)")
                case .failure(let error): app.showMessage(error.message, error: true)
                }
            }
        }
    }

    // MARK: Drawing

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        guard app.support != nil else {
            let lines = ["The order browser: " + Self.notConnected + ".", "Meanwhile: paydesk orders, paydesk query --order NO --business LINE"]
            let top = area.y + area.height / 2 - 1
            for (index, line) in lines.enumerated() {
                buffer.put(line, in: Rect(x: area.x, y: top + index, width: area.width, height: 1),
                           style: index == 0 ? app.theme["notice"] : app.theme["hint"], alignment: .center)
            }
            return nil
        }
        var cursor: (x: Int, y: Int)?
        let row = { (y: Int) in Rect(x: area.x, y: area.y + y, width: area.width, height: 1) }
        // Header: what is shown, and whose.
        let scope = app.seesOwnSalesOnly ? "your sales" : "all business lines"
        let what = (query.text.isEmpty ? "all orders, newest first" : "filter: \(query.text)") + (loading ? " · loading…" : "")
        buffer.put(" Orders — \(what)", x: area.x, y: area.y, style: app.theme["subtitle"], maxWidth: area.width - scope.displayWidth - 2)
        buffer.put(scope + " ", x: area.maxX - scope.displayWidth - 1, y: area.y, style: app.theme["label"])
        // The filter line.
        if var field = filterField {
            buffer.put(" /", x: area.x, y: area.y + 1, style: app.theme["label"])
            let x = field.render(into: &buffer, x: area.x + 2, y: area.y + 1, width: area.width - 3, style: app.theme["field.focus"])
            filterField = field
            cursor = (x, area.y + 1)
        } else {
            buffer.put(" / filter · Enter open · a actions", in: row(1), style: app.theme["hint"])
        }
        if let filterError {
            if let column = filterError.column, filterField != nil {
                let caretX = area.x + 2 + max(0, column - 1)
                buffer.put("^", x: caretX, y: area.y + 2, style: app.theme["error"])
                buffer.put(filterError.message, x: caretX + 2, y: area.y + 2, style: app.theme["error"], maxWidth: max(0, area.maxX - caretX - 2))
            } else {
                buffer.put(" " + filterError.message, in: row(2), style: app.theme["error"])
            }
        } else if let notice {
            buffer.put(" " + notice, in: row(2), style: app.theme["notice"])
        }
        // The table, then a footer line.
        let tableArea = Rect(x: area.x, y: area.y + Self.headerRows, width: area.width, height: max(0, area.height - Self.headerRows - 1))
        visibleRows = max(1, tableArea.height - 1)
        table.showsCursor = filterField == nil
        if page.orders.isEmpty && !loading {
            table.render(into: &buffer, area: Rect(x: tableArea.x, y: tableArea.y, width: tableArea.width, height: 1), theme: app.theme)
            let empty = query.text.isEmpty ? "No orders yet: take a payment at the checkout (F2)." : (notice ?? "No orders match.")
            buffer.put(empty, in: Rect(x: area.x, y: tableArea.y + 2, width: area.width, height: 1), style: app.theme["hint"], alignment: .center)
        } else {
            table.render(into: &buffer, area: tableArea, theme: app.theme)
        }
        var footer = page.orders.isEmpty ? "" : " \(page.orders.count) shown"
        if page.hasNewer { footer += " · PgUp newer" }
        if page.hasOlder { footer += " · PgDn older" }
        buffer.put(footer, in: row(area.height - 1), style: app.theme["hint"])
        return cursor
    }
}
