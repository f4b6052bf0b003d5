import Testing
@testable import TUIKit

@Suite struct WidgetTests {
    @Test func textFieldEditsCJKInputAndScrollsByColumns() {
        var field = TextField()
        for c in "奶茶x" { _ = field.handle(.character(c)) }
        #expect(field.text == "奶茶x")
        _ = field.handle(.left)
        _ = field.handle(.backspace)
        #expect(field.text == "奶x")
        _ = field.handle(.home)
        _ = field.handle(.character("珍"))
        #expect(field.text == "珍奶x")
        var buffer = ScreenBuffer(size: Size(columns: 12, rows: 1))
        let cursorX = field.render(into: &buffer, x: 0, y: 0, width: 12, style: .plain)
        #expect(buffer.rowText(0) == "珍奶x")
        #expect(cursorX == 2)
        // A field narrower than its text keeps the cursor visible.
        _ = field.handle(.end)
        var small = ScreenBuffer(size: Size(columns: 4, rows: 1))
        let end = field.render(into: &small, x: 0, y: 0, width: 4, style: .plain)
        #expect(small.rowText(0) == "奶x")
        #expect(end == 3)
    }

    @Test func textFieldFiltersAndMasks() {
        var pan = TextField(filter: .digits, masking: .reveal(first: 6, last: 4), maxLength: 19)
        for c in "4242-4242 4242 4242" { _ = pan.handle(.character(c)) }
        #expect(pan.text == "4242424242424242")
        #expect(String(pan.displayed) == "424242••••••4242")
        var cvc = TextField(filter: .digits, masking: .all, maxLength: 4)
        for c in "12345" { _ = cvc.handle(.character(c)) }
        #expect(cvc.text == "1234")
        #expect(String(cvc.displayed) == "••••")
        #expect(cvc.handle(.enter) == .submitted)
        _ = cvc.handle(.ctrl("u"))
        #expect(cvc.isEmpty)
    }

    @Test func tableMovesItsCursorAndScrolls() {
        var table = Table(columns: [TableColumn("Item", width: .flex(min: 4)), TableColumn("Qty", width: .fixed(3), alignment: .right)],
                          rows: (1...10).map { ["商品\($0)", "\($0)"] })
        var buffer = ScreenBuffer(size: Size(columns: 14, rows: 4))
        table.render(into: &buffer, area: buffer.bounds, theme: .builtInMono)
        #expect(buffer.text == "Item       Qty\n商品1        1\n商品2        2\n商品3        3")
        _ = table.handle(.end)
        table.render(into: &buffer, area: buffer.bounds, theme: .builtInMono)
        #expect(table.cursor == 9)
        #expect(buffer.rowText(3) == "商品10      10")
        _ = table.handle(.pageUp)
        #expect(table.cursor == 6)
        _ = table.handle(.character("k"))
        #expect(table.cursor == 5)
        table.rows = [["only", "1"]]
        #expect(table.cursor == 0)
        #expect(Table.widths(table.columns, total: 14) == [10, 3])
    }

    @Test func confirmDialogDefaultsToNo() {
        var dialog = Dialog.confirm("Quit", ["Quit PayDesk?"])
        #expect(dialog.handle(.enter) == .cancelled)
        _ = dialog.handle(.left)
        #expect(dialog.handle(.enter) == .confirmed)
        #expect(dialog.handle(.escape) == .cancelled)
        var input = Dialog.input("Code", [], label: "OTP", field: TextField(filter: .digits))
        for c in "12a3" { _ = input.handle(.character(c)) }
        #expect(input.handle(.enter) == .submitted("123"))
    }

    @Test func paletteMatchesLettersInOrder() {
        var palette = CommandPalette(commands: [.init(id: "co", title: "Checkout"), .init(id: "th", title: "Theme: dark"),
                                                .init(id: "q", title: "Quit")])
        for c in "tdk" { _ = palette.handle(.character(c)) }
        #expect(palette.matches.map(\.id) == ["th"])
        #expect(palette.handle(.enter) == .run("th"))
    }

    @Test func sparklineScalesToTheLargest() {
        #expect(Sparkline.text([0, 4, 8], width: 3) == "▁▅█")
        #expect(Sparkline.text([1, 2, 3, 4], width: 2) == "▆█")
    }
}
