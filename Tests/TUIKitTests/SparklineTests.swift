import Testing
@testable import TUIKit

/// The sparkline: scaling, missing values, ranges, the threshold and folding an hour into a column.
@Suite struct SparklineTests {
    @Test func scalesToTheLargestValueFromZero() {
        #expect(Sparkline([0, 3.5, 7]).text(width: 3) == "▁▅█")
        #expect(Sparkline([0, 0]).text(width: 2) == "▁▁", "all zero: the lowest block")
        #expect(Sparkline([1, 2, 3, 4]).text(width: 2) == "▆█", "the last values that fit")
    }

    @Test func aMissingValueIsTheMissingCharacter() {
        #expect(Sparkline([1, nil, 1]).text(width: 3) == "█·█")
        #expect(Sparkline([1, nil, 1], missing: " ").text(width: 3) == "█ █")
        #expect(Sparkline([nil, nil]).text(width: 2) == "··")
    }

    @Test func aGivenRangeClampsWhatFallsOutside() {
        let line = Sparkline([0.5, 0.9, 1.0, 1.2, -1], range: 0.9...1.0)
        #expect(line.text(width: 5) == "▁▁██▁")
        #expect(Sparkline.level(0.96, on: 0.9...1.0) == 4)
    }

    @Test func theThresholdMarksBreachingCellsOnItsSide() {
        let rates = Sparkline([0.99, 0.95, 0.9, 0.6, nil], range: 0...1, threshold: .init(0.9, breach: .below))
        #expect(rates.cells(width: 5).map(\.breached) == [false, false, true, true, false])
        #expect(rates.thresholdGlyph == "▇")
        let latency = Sparkline([100, 2_500, 1_999], threshold: .init(2_000, breach: .above))
        #expect(latency.cells(width: 3).map(\.breached) == [false, true, false])
        // Scaled to the threshold too when it is above every value.
        #expect(Sparkline([1, 1], threshold: .init(2, breach: .above)).text(width: 2) == "▅▅")
    }

    @Test func renderDrawsBreachesInTheirStyle() {
        var buffer = ScreenBuffer(size: Size(columns: 6, rows: 1))
        let red = Style(foreground: .red)
        let used = Sparkline([1, 5, 1], threshold: .init(4, breach: .above)).render(into: &buffer, x: 1, y: 0, width: 3, style: .plain, breachStyle: red)
        #expect(used == 3)
        #expect(buffer.rowText(0) == " ▂█▂")
        #expect(buffer[2, 0].style == red && buffer[1, 0].style == .plain)
    }

    @Test func foldMergesAnHourIntoTheColumnsThereAre() {
        let minutes: [Double?] = (0..<60).map { Double($0 % 3 == 0 ? 3 : 0) }
        let sums = Sparkline.fold(minutes, into: 20, by: .sum)
        #expect(sums.count == 20 && sums.allSatisfy { $0 == 3 })
        #expect(Sparkline.fold(minutes, into: 7, by: .sum).count == 7)
        #expect(Sparkline.fold(minutes, into: 7, by: .sum).compactMap { $0 }.reduce(0, +) == 60, "every minute counted once")
        #expect(Sparkline.fold([1, nil, nil, nil, 3, 5], into: 3, by: .mean) == [1, nil, 4])
        #expect(Sparkline.fold([1, 2], into: 5, by: .max) == [1, 2], "fewer values than columns stay as they are")
    }
}
