import Testing
@testable import TUIKit

@Suite struct DisplayWidthTests {
    @Test func cjkTakesTwoColumnsYenOne() {
        #expect("珍珠奶茶".displayWidth == 8)
        #expect("¥12.00".displayWidth == 6)
        #expect("￥".displayWidth == 2)
        #expect("Espresso".displayWidth == 8)
        #expect("한국".displayWidth == 4)
    }

    @Test func combiningMarksTakeNoColumns() {
        #expect("e\u{301}".displayWidth == 1)
        #expect("Cafe\u{301}".displayWidth == 4)
        #expect("a\u{200B}b".displayWidth == 2)
    }

    @Test func truncationNeverSplitsAWideCharacter() {
        #expect("珍珠奶茶".truncated(toWidth: 5) == "珍珠…")
        #expect("珍珠奶茶".padded(toWidth: 5) == "珍珠…")
        #expect("ab".padded(toWidth: 4, alignment: .right) == "  ab")
    }

    @Test("a file name too wide for its panel is broken across lines, never cut, and no wide character is split")
    func longWordsBreakWhole() {
        #expect("R20261121-P20261121.txt".broken(toWidth: 10) == ["R20261121-", "P20261121.", "txt"])
        #expect("小笼包x".broken(toWidth: 3) == ["小", "笼", "包x"])
        #expect("short".broken(toWidth: 10) == ["short"])
        #expect("".broken(toWidth: 10) == [])
        #expect("abc".broken(toWidth: 0) == [])
    }

    @Test func bufferPlacesWideCharactersInTwoCells() {
        var buffer = ScreenBuffer(size: Size(columns: 10, rows: 1))
        buffer.put("小笼包x", x: 0, y: 0, style: .plain)
        #expect(buffer.rowText(0) == "小笼包x")
        #expect(buffer[1, 0].isContinuation)
        // Overwriting the right half of a wide character blanks its left half.
        buffer.put("y", x: 1, y: 0, style: .plain)
        #expect(buffer.rowText(0) == " y笼包x")
        // A wide character that does not fit whole is not drawn half.
        var narrow = ScreenBuffer(size: Size(columns: 3, rows: 1))
        narrow.put("a小笼", x: 0, y: 0, style: .plain)
        #expect(narrow.rowText(0) == "a小")
    }

    @Test func coloursParseNamesIndexesAndHex() {
        #expect(Color(parsing: "bright-white") == .index(15))
        #expect(Color(parsing: "default") == .default)
        #expect(Color(parsing: "color200") == .index(200))
        #expect(Color(parsing: "#ff0000") == .index(196))
        #expect(Color(parsing: "#000000") == .index(16))
        #expect(Color(parsing: "color256") == nil)
        #expect(Color(parsing: "purple") == nil)
        #expect(Color.index(196).downgradedTo16 == .index(9))
    }
}
