import Foundation
import Testing
@testable import PayConsole
@testable import paydesk
import PayCore
import TestSupport
import TUIKit

/// The tour format: what parses, and errors that name the line.
@Suite struct TourParserTests {
    func parse(_ text: String) throws(TourError) -> Tour { try TourParser.parse(text, name: "t", file: "t.tour") }

    func error(_ text: String) -> TourError? {
        do { _ = try parse(text); return nil } catch { return error }
    }

    @Test func aTourReadsStepsActionsExpectationsAndBranches() throws {
        let tour = try parse("""
        # a comment
        title "A title"
        summary One line
        step First
        say Hello
        under The service does a thing
        run order create --business retail --order "A B" --amount 1.00
        expect exit 0
        keys F3 / "A B" Enter Ctrl-L
        advance 90s
        choose Which?
        option one "The first" -> a
        option two "The second" -> b
        label a
        step A
        end
        label b
        step B
        """)
        #expect(tour.title == "A title" && tour.summary == "One line" && tour.operatorName == "admin")
        #expect(tour.steps.count == 3 && tour.labels == ["a": 1, "b": 2])
        #expect(tour.steps[0].actions.map(\.kind) == [
            .run(["order", "create", "--business", "retail", "--order", "A B", "--amount", "1.00"]),
            .expect(.exit(0)),
            .keys([.key(.function(3)), .key(.character("/")), .text("A B"), .key(.enter), .key(.ctrl("l"))]),
            .advance(90_000, "90s"),
        ])
        #expect(tour.steps[0].choice?.options.map(\.target) == ["a", "b"])
        #expect(tour.steps[1].next == .end)
    }

    @Test(arguments: [
        ("title T\nstep S\nfly away", 3, "unknown instruction 'fly'"),
        ("title T\nsay hello", 2, "'say' before the first 'step'"),
        ("title T\nstep S\nkeys F13", 3, "unknown key 'F13'"),
        ("title T\nstep S\ngoto nowhere", 3, "no label 'nowhere'"),
        ("title T\nstep S\nrun pay --order ${SERIAL}", 3, "${SERIAL} is never captured"),
        ("title T\nstep S\nrun order create --order \"A", 3, "a quote is not closed"),
        ("title T\nstep S\nadvance soon", 3, "advance 'soon'"),
        ("title T\nstep S\nexpect order retail A", 3, "expected one of: expect exit N"),
        ("title T\nstep S\nrun pay --db other.db", 3, "no --db or --operator"),
        ("title T\nstep S\nchoose Which?\nstep T", 4, "'choose' needs at least one 'option'"),
        ("step S", 1, "a tour needs a 'title' line"),
        ("title T\nlabel x\nstep S\nlabel x\nstep T", 4, "label 'x' is defined twice"),
    ])
    func aBadLineIsRefusedNamingItsLine(text: String, line: Int, message: String) {
        let found = error(text)
        #expect(found?.line == line, "\(String(describing: found))")
        #expect(found?.message.contains(message) == true, "\(String(describing: found))")
        #expect(found?.description.hasPrefix("t.tour:\(line): ") == true)
    }

    @Test func everyShippedTourParses() throws {
        let tours = try DemoCatalog.all(environment: [:])
        #expect(tours.map(\.name) == ["happy-path", "lost-callback", "duplicate-payment", "risk-challenge",
                                     "channel-outage", "partial-refunds", "forged-callback", "reconciliation"])
        #expect(tours.allSatisfy { !$0.summary.isEmpty && !$0.steps.isEmpty })
    }

    @Test func aUserDirectoryAddsATourAndOverridesAShippedOne() throws {
        let directory = TemporaryDirectory("demo-user")
        try "title Mine\nstep S\nsay hi\n".write(toFile: directory.path("mine.tour"), atomically: true, encoding: .utf8)
        try "title My happy path\nstep S\nsay hi\n".write(toFile: directory.path("happy-path.tour"), atomically: true, encoding: .utf8)
        let tours = try DemoCatalog.all(environment: ["PAYDESK_DEMOS": directory.url.path])
        #expect(tours.first?.title == "My happy path")
        #expect(tours.last?.name == "mine")
        try "title Broken\nstep S\nwarp 9\n".write(toFile: directory.path("broken.tour"), atomically: true, encoding: .utf8)
        #expect(throws: PayError.self) { try DemoCatalog.all(environment: ["PAYDESK_DEMOS": directory.url.path]) }
    }
}

/// Every shipped tour, played to its end on a demo store through the console on a
/// `VirtualTerminal`, its expectations checked: the tours are tests of the product.
@MainActor
@Suite(.serialized) struct TourPlaythroughTests {
    func play(_ name: String, choosing options: [Int] = []) throws -> DemoHarness {
        let harness = try DemoHarness()
        #expect(harness.demo.start(name))
        harness.demo.playThrough(choosing: options)
        let failures = harness.demo.failures.map { "\($0.tour): \($0.failure)" }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))\n\(harness.demo.player?.log.joined(separator: "\n") ?? "")")
        #expect(harness.demo.finished == [name], "\(String(describing: harness.demo.player?.state)): \(harness.demo.player?.log ?? [])")
        return harness
    }

    @Test func happyPath() throws {
        let harness = try play("happy-path")
        #expect(harness.screen.contains("HOTEL-1"))
    }

    @Test func lostCallback() throws { _ = try play("lost-callback") }
    @Test func duplicatePayment() throws { _ = try play("duplicate-payment") }
    @Test func riskChallengeRightCode() throws { _ = try play("risk-challenge", choosing: [1]) }
    @Test func riskChallengeWrongCodeFirst() throws { _ = try play("risk-challenge", choosing: [2]) }
    @Test func channelOutage() throws { _ = try play("channel-outage") }
    @Test func partialRefunds() throws { _ = try play("partial-refunds") }
    @Test func forgedCallback() throws { _ = try play("forged-callback") }
    @Test func reconciliation() throws { _ = try play("reconciliation") }
}

/// The panel and the demoer's keys.
@MainActor
@Suite(.serialized) struct DemoConsoleTests {
    static let small = """
    title Two steps
    summary A tiny tour
    step Orders
    say The cashier opens the orders.
    under OrdersScreen asks the support desk for the first page.
    keys F3
    expect screen "PayDesk — Orders"
    step Back
    say Back to the till.
    keys F2
    """

    @Test func thePanelListsToursAndNarratesAStepAndMarksWhatChanged() throws {
        let tour = try TourParser.parse(Self.small, name: "small", file: "small.tour")
        let harness = try DemoHarness(tours: [tour])
        #expect(harness.screen.contains("1 Two steps"), "\(harness.screen)")
        harness.demo.handle(.key(.enter))
        #expect(harness.demo.mode == .touring)
        #expect(harness.screen.contains("PayDesk — Checkout"), "logged in as the tour's operator:\n\(harness.screen)")
        harness.demo.handle(.key(.enter))
        #expect(harness.screen.contains("The cashier opens the orders."))
        #expect(harness.screen.contains("OrdersScreen asks the support desk"))
        #expect(harness.screen.contains("✓ the screen shows"))
        #expect(harness.demo.changedRegion != nil)
        #expect(harness.screen.contains("The screen changed") || harness.screen.contains("Marked on the screen"))
        harness.demo.handle(.key(.enter))
        harness.demo.handle(.key(.enter))
        #expect(harness.screen.contains("Tour finished"), "\(harness.screen)")
        harness.demo.handle(.key(.escape))
        #expect(harness.demo.mode == .menu)
    }

    @Test func aFailedExpectationStopsTheTourNamingTheStepAndLine() throws {
        let tour = try TourParser.parse("title Fails\nstep One\nrun clock show\nexpect output \"1999\"\nstep Two\nsay never\n",
                                        name: "fails", file: "fails.tour")
        let harness = try DemoHarness(tours: [tour])
        harness.demo.start("fails")
        harness.demo.playThrough()
        let failure = try #require(harness.demo.failures.first?.failure)
        #expect(failure.stepNumber == 1 && failure.line == 4, "\(failure)")
        #expect(failure.message.contains("output shows \"1999\""))
        #expect(harness.screen.contains("The tour stopped at step 1 (line 4)"), "\(harness.screen)")
        #expect(harness.demo.finished.isEmpty)
    }

    @Test func aClockJumpIsSaidAndMovesTheConsolesClock() throws {
        let tour = try TourParser.parse("title Jump\nstep Wait\nadvance 2h\n", name: "jump", file: "jump.tour")
        let harness = try DemoHarness(tours: [tour])
        let before = harness.stage.now()
        harness.demo.start("jump")
        harness.demo.next()
        #expect(harness.stage.now().milliseconds - before.milliseconds == 7_200_000)
        #expect(harness.screen.contains("fast-forward 2h on the simulated clock"), "\(harness.screen)")
        #expect(harness.screen.contains(harness.stage.now().displayString), "the status bar shows the new time")
    }

    @Test func autoplayOncePlaysEveryTourThenStops() throws {
        let small = try TourParser.parse(Self.small, name: "small", file: "small.tour")
        let jump = try TourParser.parse("title Jump\nstep Wait\nadvance 1m\n", name: "jump", file: "jump.tour")
        let harness = try DemoHarness(tours: [small, jump], settings: .init(autoplay: true, once: true, speed: 100))
        var beats = 0
        while !harness.demo.isQuitting && beats < 50 {
            harness.demo.autoStep()
            beats += 1
        }
        #expect(harness.demo.isQuitting)
        #expect(harness.demo.finished == ["small", "jump"])
    }

    @Test func aCommandActsAsTheToursOperatorWithItsPermissionsChecked() throws {
        let tour = try TourParser.parse("""
        title As a cashier
        operator cashier
        step Try
        run sandbox outage --channel alipay --on
        expect exit 8
        """, name: "cashier", file: "cashier.tour")
        let harness = try DemoHarness(tours: [tour])
        harness.demo.start("cashier")
        harness.demo.playThrough()
        #expect(harness.demo.failures.isEmpty, "\(harness.demo.failures.map(\.failure))")
        #expect(harness.screen.contains("cashier (cashier)"))
    }
}
