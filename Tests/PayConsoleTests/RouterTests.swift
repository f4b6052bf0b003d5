import Foundation
import Testing
@testable import PayConsole
import PayCore
import TUIKit

/// The console as a router: where a login lands, the destination table feeding the keys, the
/// help overlay and the palette, and who may go where.
@MainActor
@Suite struct RouterTests {
    @Test(arguments: [("cashier", "Checkout"), ("support", "Orders"), ("supervisor", "Orders"), ("admin", "Checkout")])
    func aLoginLandsOnTheScreenOfItsRole(name: String, screen: String) throws {
        let console = try ConsoleHarness()
        console.logIn(name)
        #expect(console.screen.contains("PayDesk — \(screen)"), "\(name) lands on \(screen):\n\(console.screen)")
        #expect(console.screen.contains("\(name) (\(name))"))
    }

    @Test func everyDestinationHasOneRowAndOneKey() {
        let rows = DestinationTable.entries.map(\.destination)
        #expect(Set(rows) == Set(Destination.allCases))
        #expect(rows.count == Destination.allCases.count)
        let keys = DestinationTable.entries.map(\.key)
        #expect(Set(keys).count == keys.count, "two destinations share a key")
        for entry in DestinationTable.entries {
            #expect(KeyMap.action(for: entry.key) == .go(entry.destination))
        }
    }

    @Test func theHelpOverlayListsEveryDestinationFromTheTable() throws {
        let console = try ConsoleHarness(rows: 40)
        console.logIn("support")
        console.press(.function(1))
        for entry in DestinationTable.entries {
            #expect(console.screen.contains("\(entry.key.label)") && console.screen.contains(entry.title.lowercased()),
                    "help lacks \(entry.title):\n\(console.screen)")
        }
        #expect(console.screen.contains("reconciliation"))
    }

    @Test func thePaletteOffersTheDestinationsTheRoleMayOpen() throws {
        let console = try ConsoleHarness(rows: 40)
        console.logIn("cashier")
        console.press(.ctrl("p"))
        console.type("go to")
        #expect(console.screen.contains("Go to checkout (F2)"))
        #expect(console.screen.contains("Go to orders (F3)"))
        #expect(!console.screen.contains("Go to alerts"), "a cashier may not read alerts:\n\(console.screen)")
        console.press(.escape)

        let support = try ConsoleHarness(rows: 40)
        support.logIn("support")
        support.press(.ctrl("p"))
        support.type("go to")
        #expect(support.screen.contains("Go to reconciliation (F6)"))
        #expect(!support.screen.contains("Go to checkout"), "support takes no payments:\n\(support.screen)")
        support.press(.escape, .ctrl("p"))
        support.type("reconciliation\n")
        #expect(support.screen.contains("PayDesk — Reconciliation"))
    }

    @Test func aRoleThatMayNotGoSomewhereIsToldWhyAndStays() throws {
        let console = try ConsoleHarness()
        console.logIn("support")
        console.press(.function(2))
        #expect(console.screen.contains("PayDesk — Orders"))
        #expect(console.screen.contains("support (support) may not open checkout: needs cashier, supervisor or admin"), "\(console.screen)")

        let cashier = try ConsoleHarness()
        cashier.logIn("cashier")
        cashier.press(.function(4))
        #expect(cashier.screen.contains("PayDesk — Checkout"))
        #expect(cashier.screen.contains("cashier (cashier) may not open alerts: needs support, supervisor or admin"), "\(cashier.screen)")
    }

    @Test func aDestinationKeyTheScreenUsesStaysWithTheScreen() throws {
        let console = try ConsoleHarness()
        console.logIn("supervisor")
        console.press(.function(2))
        #expect(console.screen.contains("PayDesk — Checkout"))
        console.press(.function(6))
        #expect(console.screen.contains("Load order"), "F6 loads an order while ringing up:\n\(console.screen)")
        console.press(.escape, .escape)
        console.press(.function(3))
        #expect(console.screen.contains("PayDesk — Orders"), "back to the landing screen, not a second one")
        console.press(.function(6))
        #expect(console.screen.contains("PayDesk — Reconciliation"))
        console.press(.escape)
        #expect(console.screen.contains("PayDesk — Orders"))
    }
}
