import Foundation
import Testing
@testable import PayConsole
import TUIKit

/// Renders a full 200×60 checkout and prints how long a frame takes (a figure, not a pass/fail).
@MainActor
@Suite struct RenderMeasurementTests {
    @Test func fullScreen200x60() throws {
        let console = try ConsoleHarness(columns: 200, rows: 60)
        console.logIn()
        console.ringUp((1...40).map { ("商品 item \($0) 珍珠奶茶", $0 % 5 + 1, "\($0).50") })
        let frames = 200
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<frames { console.app.render() }
        }
        let perFrame = elapsed / frames
        print("render 200×60 checkout: \(perFrame) per frame (\(frames) frames, debug build)")
        // The frame really is the full checkout at that size.
        #expect(console.terminal.screen.size == Size(columns: 200, rows: 60))
        #expect(console.screen.contains("40 lines"))
        #expect(console.screen.split(separator: "\n", omittingEmptySubsequences: false).count == 60)
    }
}
