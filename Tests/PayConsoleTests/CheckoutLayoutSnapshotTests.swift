import Foundation
import Testing
@testable import PayConsole
import PayCore
import TUIKit

/// Each business line's checkout, rendered through `VirtualTerminal` and compared with its snapshot.
@MainActor
@Suite struct CheckoutLayoutSnapshotTests {
    @Test func retail() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.ringUp([("珍珠奶茶", 2, "18.00"), ("Croissant", 1, "15.00"), ("USB-C cable", 1, "39.00")])
        #expect(console.screen.contains("Total ¥90.00"))
        assertSnapshot(console.screen, named: "checkout-retail")
    }

    @Test func hotelShowsGuestStayNightsAndDeposit() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.selectLine("Hotel")
        console.setDetail(index: 0, "王小明 Wang Xiaoming")
        console.setDetail(index: 1, "1208")
        console.setDetail(index: 2, "2026-11-21")
        console.setDetail(index: 3, "2026-11-23")
        console.setDetail(index: 4, "500.00")
        console.ringUp([("豪华大床房 Deluxe King", 2, "688.00"), ("早餐 Breakfast", 2, "128.00")])
        #expect(console.screen.contains("Nights   2"))
        // The deposit is in the total as soon as it is entered, before the order exists.
        #expect(console.screen.contains("Total ¥2,132.00"))
        #expect(console.screen.contains("incl. deposit ¥500.00"))
        assertSnapshot(console.screen, named: "checkout-hotel")
        // Paying creates the order with the deposit as its own line, for the same total.
        console.press(.function(9))
        #expect(console.screen.contains("押金 Deposit (refundable)"))
        #expect(console.screen.contains("Total ¥2,132.00"))
        #expect(console.screen.contains("Amount due  ¥2,132.00"))
    }

    @Test func eachLinesDetailsFormListsTheFieldsItTakes() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.selectLine("Hotel")
        console.setDetail(index: 0, "王小明 Wang Xiaoming")
        console.setDetail(index: 4, "500.00")
        console.press(.function(7))
        assertSnapshot(console.screen, named: "checkout-hotel-details-form")
        console.press(.escape)
        let forms: [(String, [String])] = [("Flight", ["Passengers", "Segments", "Travel insurance"]),
                                           ("Ticket", ["Event", "Session", "Seats"]),
                                           ("Insurance", ["Policyholder", "Insured", "Cover from", "Cover to"])]
        for (line, labels) in forms {
            console.selectLine(line)
            console.press(.function(7))
            for label in labels { #expect(console.screen.contains(label), "\(line): \(label)") }
            console.press(.escape)
        }
    }

    @Test func aDepositChangedOrRemovedMovesTheTotalAtOnce() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.selectLine("Hotel")
        console.ringUp([("豪华大床房 Deluxe King", 1, "688.00")])
        #expect(console.screen.contains("Total ¥688.00"))
        console.setDetail(index: 4, "300")
        #expect(console.screen.contains("Total ¥988.00"))
        console.press(.function(7), .down, .down, .down, .down, .enter, .ctrl("u"))
        console.type("\n")
        #expect(console.screen.contains("Total ¥688.00"))
        #expect(!console.screen.contains("incl. deposit"))
    }

    @Test func aStayThatEndsBeforeItStartsIsRefusedNamingTheField() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.selectLine("Hotel")
        console.setDetail(index: 2, "2026-11-23")
        #expect(console.screen.contains("Stay     2026-11-23 → ?"))
        console.setDetail(index: 3, "2026-11-21")
        #expect(console.screen.contains("Check-out '2026-11-21': the stay must end after check-in 2026-11-23"))
        // Nothing changed: the stay still waits for its check-out day.
        #expect(console.screen.contains("Stay     2026-11-23 → ?"))
        console.setDetail(index: 3, "2026-11-24")
        #expect(console.screen.contains("Nights   1"))
        #expect(!console.screen.contains("the stay must end"))
    }

    @Test func anInsuranceSaleNeedsItsHolderBeforePayment() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.selectLine("Insurance")
        console.ringUp([("Travel health 30 days", 1, "268.00")])
        console.press(.function(9))
        #expect(console.screen.contains("Policyholder: missing; a policy is issued to its holder (F7)"))
        #expect(!console.screen.contains("Scan"))
    }

    @Test func flightAddsInsuranceAsASubOrder() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.selectLine("Flight")
        console.setDetail(index: 0, "Li Lei, Han Meimei")
        console.setDetail(index: 1, "PEK→SHA CA1501 2026-12-01")
        console.ringUp([("经济舱 PEK→SHA", 2, "980.00")])
        #expect(console.screen.contains("Total ¥1,960.00"))
        // Insurance joins the total as soon as it is chosen: ¥30.00 for each of the two passengers.
        console.setDetail(index: 2, nil)
        #expect(console.screen.contains("Total ¥2,020.00"))
        assertSnapshot(console.screen, named: "checkout-flight")
        console.press(.function(9))
        #expect(console.screen.contains("航空意外险 Travel insura…"))
        #expect(console.screen.contains("Sub-order   ¥60.00 → insurer"))
        let order = try #require(try console.app.services?.orders.find(try BusinessLineCode("flight"), try MerchantOrderNo("F2026112109300000001")))
        #expect(order.subOrders == [try SubOrder(merchantAccount: "insurer", amount: Money(minorUnits: 6000, currency: .CNY))])
        #expect(order.amount == Money(minorUnits: 202_000, currency: .CNY))
    }

    @Test func ticket() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.selectLine("Ticket")
        console.setDetail(index: 0, "故宫 Palace Museum")
        console.setDetail(index: 1, "2026-12-24 09:00")
        console.ringUp([("故宫门票 Palace Museum", 3, "60.00")])
        assertSnapshot(console.screen, named: "checkout-ticket")
    }

    @Test func insurance() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.selectLine("Insurance")
        console.setDetail(index: 0, "张伟 Zhang Wei")
        console.setDetail(index: 2, "2026-12-01")
        console.setDetail(index: 3, "2026-12-31")
        console.ringUp([("Travel health 30 days", 1, "268.00")])
        assertSnapshot(console.screen, named: "checkout-insurance")
    }

    @Test func everyLayoutNameHasItsSubclass() throws {
        let names = ["retail": RetailCheckoutLayout.self, "hotel": HotelCheckoutLayout.self, "flight": FlightCheckoutLayout.self,
                     "ticket": TicketCheckoutLayout.self, "insurance": InsuranceCheckoutLayout.self] as [String: CheckoutLayout.Type]
        for (name, type) in names {
            let line = BusinessLine(code: try BusinessLineCode(name), name: name, layout: name, defaultCurrency: .CNY, allowedMethods: [])
            #expect(Swift.type(of: CheckoutLayoutFactory.make(for: line)) == type)
        }
        let unknown = BusinessLine(code: try BusinessLineCode("bakery"), name: "Bakery", layout: "bakery", defaultCurrency: .CNY, allowedMethods: [])
        #expect(CheckoutLayoutFactory.make(for: unknown) is RetailCheckoutLayout)
    }
}
