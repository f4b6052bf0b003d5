import Foundation
import Testing
@testable import PayConsole
import PayCore
import PayServices
import PayStore
import TUIKit

/// The order browser (F3): pages, the filter line, searches, saved views, export, narrow terminals.
@MainActor
@Suite struct OrderBrowserSnapshotTests {
    @Test func withoutSupportServicesF3SaysSo() async throws {
        let console = try OrdersHarness(desk: nil)
        await console.open()
        #expect(console.screen.contains("support services not connected"))
        #expect(!console.screen.contains("not in this build"))
    }

    @Test func emptyStore() async throws {
        let console = try OrdersHarness(desk: FakeSupportDesk(orderCount: 0))
        await console.open()
        #expect(console.screen.contains("No orders yet"))
        assertSnapshot(console.styledScreen, named: "orders-empty")
    }

    @Test func newestFirstOnePageThatFits() async throws {
        let console = try OrdersHarness()
        await console.open()
        let screen = console.screen
        // 30 rows: title, header, filter line, message, table header, 21 rows, footer, flash, status, keys.
        #expect(screen.contains("R20261121000300"))
        #expect(screen.contains("22 shown · PgDn older"))
        #expect(screen.contains("T20261121000279"))
        #expect(!screen.contains("F20261121000278"))
        #expect(screen.range(of: "R20261121000300")!.lowerBound < screen.range(of: "F20261121000298")!.lowerBound)
        assertSnapshot(console.styledScreen, named: "orders-newest")
    }

    @Test func pagingLoadsOnlyTheNextPage() async throws {
        let console = try OrdersHarness()
        await console.open()
        await console.pressAndSettle(.pageDown)
        #expect(console.screen.contains("F20261121000278"))
        #expect(!console.screen.contains("R20261121000300"))
        #expect(console.screen.contains("PgUp newer · PgDn older"))
        await console.pressAndSettle(.end)
        #expect(console.screen.contains("H20261121000001"))
        #expect(!console.screen.contains("PgDn older"))
        await console.pressAndSettle(.home)
        #expect(console.screen.contains("R20261121000300"))
        let desk = try #require(console.desk)
        #expect(desk.pagesAsked.count == 4)
    }

    @Test func filterNarrowsAndShowsInTheHeader() async throws {
        let console = try OrdersHarness()
        await console.open()
        await console.typeAndSettle("/status:refunded line:ticket\n")
        #expect(console.screen.contains("Orders — filter: status:refunded line:ticket"))
        let rows = console.screen.split(separator: "\n").filter { $0.contains("20261121000") }
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0.contains("REFUNDED") && $0.contains("ticket") })
        assertSnapshot(console.styledScreen, named: "orders-filtered")
        // Esc clears the filter and every order is back.
        await console.pressAndSettle(.escape)
        #expect(console.screen.contains("all orders, newest first"))
        #expect(console.screen.contains("R20261121000300"))
    }

    @Test func searchByChannelSerialFindsTheOrder() async throws {
        let console = try OrdersHarness()
        await console.open()
        await console.typeAndSettle("/\(FakeSupportDesk.storyChannelSerial)\n")
        #expect(console.screen.contains("H20261121000297"))
        #expect(console.screen.contains("1 shown"))
        assertSnapshot(console.styledScreen, named: "orders-searched")
    }

    /// Found in tmux: `/` serial Enter Enter typed before the page came back opened the first row
    /// of the old page. Enter while a page loads now opens the row of the page that arrives.
    @Test func enterTypedBeforeTheFilteredPageArrivesOpensTheOrderFound() async throws {
        let console = try OrdersHarness()
        await console.open()
        #expect(console.selectedOrderNo == "R20261121000300", "the cursor starts on another order")
        console.type("/\(FakeSupportDesk.storyChannelSerial)\n\n")
        await console.settle()
        #expect(console.screen.contains("PayDesk — Order H20261121000297"), "\(console.screen)")
    }

    @Test func searchFindingNothingSaysSo() async throws {
        let console = try OrdersHarness()
        await console.open()
        await console.typeAndSettle("/NO-SUCH-ORDER\n")
        #expect(console.screen.contains("nothing found for 'NO-SUCH-ORDER'"))
        assertSnapshot(console.styledScreen, named: "orders-nothing-found")
    }

    @Test func badFilterPointsAtItsColumnAndKeepsTheResults() async throws {
        let console = try OrdersHarness()
        await console.open()
        await console.typeAndSettle("/status:paid colour:red\n")
        let lines = console.screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let message = try #require(lines.first { $0.contains("unknown key 'colour'") })
        #expect(message.contains("filter column 13"))
        // The caret sits under the 'c' of "colour" on the filter line above.
        let filterLine = try #require(lines.first { $0.hasPrefix(" /status:paid colour:red") })
        let caret = try #require(message.firstIndex(of: "^"))
        let caretColumn = message.distance(from: message.startIndex, to: caret)
        #expect(Array(filterLine)[caretColumn] == "c")
        // The old results stay.
        #expect(console.screen.contains("R20261121000300"))
        assertSnapshot(console.styledScreen, named: "orders-bad-filter")
    }

    @Test func eightyColumnsHideColumnsByPriorityInsteadOfWrapping() async throws {
        let console = try OrdersHarness(columns: 80, rows: 24)
        await console.open()
        let header = try #require(console.screen.split(separator: "\n").first { $0.hasPrefix("Time") })
        #expect(header.contains("Order no") && header.contains("Amount") && header.contains("Status"))
        #expect(!header.contains("Customer") && !header.contains("Serial") && !header.contains("Channel"))
        assertSnapshot(console.styledScreen, named: "orders-narrow-80x24")
    }

    @Test func rowsRefreshInPlace() async throws {
        let console = try OrdersHarness()
        await console.open()
        let desk = try #require(console.desk)
        let row = { console.screen.split(separator: "\n").first { $0.contains("H20261121000293") }.map(String.init) ?? "" }
        #expect(row().contains("CREATED"))
        desk.change("H20261121000293", status: .paid)
        await console.advance(seconds: 1)
        #expect(row().contains("CREATED"))
        await console.advance(seconds: 2)
        #expect(row().contains("PAID"))
    }

    @Test func cashierSeesYourSales() async throws {
        let console = try OrdersHarness(desk: FakeSupportDesk(cashier: "cashier"))
        await console.open(as: "cashier")
        #expect(console.screen.contains("your sales"))
        #expect(console.screen.contains("R20261121000300"))
        #expect(!console.screen.contains("T20261121000299"))  // rung up by cashier2
        #expect(console.screen.contains("H20261121000297"))
    }

    @Test func savedViewsRecallAFilter() async throws {
        let console = try OrdersHarness()
        await console.open()
        await console.typeAndSettle("/status:paying\n")
        console.type(":Save view\n")
        await console.typeAndSettle("unfinished\n")
        let desk = try #require(console.desk)
        #expect(desk.views == [SavedView(name: "unfinished", query: "status:paying")])
        await console.pressAndSettle(.escape)
        #expect(console.screen.contains("all orders"))
        console.type(":Views\n")
        await console.settle()
        #expect(console.screen.contains("unfinished"))
        await console.pressAndSettle(.enter)
        #expect(console.screen.contains("filter: status:paying"))
    }

    @Test func exportWritesTheFilteredListBesideTheStore() async throws {
        let console = try OrdersHarness()
        await console.open()
        await console.typeAndSettle("/line:hotel\n")
        console.type(":Export\n")
        await console.settle()
        let folder = console.directory.url.path
        #expect(console.screen.contains("Writes orders matching 'line:hotel' as CSV."))
        await console.pressAndSettle(.enter)
        #expect(console.screen.contains("exported 75 orders to \(folder)/orders-20261121-093000.csv"))
        let text = try String(contentsOfFile: folder + "/orders-20261121-093000.csv", encoding: .utf8)
        #expect(text.split(separator: "\n").count == 76)
        #expect(!text.contains(",retail,"))
    }
}
