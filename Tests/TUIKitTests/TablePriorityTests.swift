import Testing
@testable import TUIKit

/// A narrow table hides its least important columns instead of wrapping or squeezing them.
@Suite struct TablePriorityTests {
    let columns = [
        TableColumn("No", width: .fixed(4)),
        TableColumn("Line", width: .fixed(6), priority: 1),
        TableColumn("Amount", width: .fixed(8), alignment: .right),
        TableColumn("Customer", width: .flex(min: 10), priority: 0),
        TableColumn("Channel", width: .fixed(7), priority: 1),
    ]

    @Test func everyColumnShowsWhenThereIsRoom() {
        #expect(Table.visibleColumns(columns, total: 80) == [0, 1, 2, 3, 4])
    }

    @Test func lowestPriorityGoesFirstThenEqualOnesRightToLeft() {
        // 4+6+8+10+7 + 4 gaps = 39: one column short, the customer (priority 0) goes.
        #expect(Table.visibleColumns(columns, total: 38) == [0, 1, 2, 4])
        // Next the channel (priority 1, rightmost of its rank), then the line.
        #expect(Table.visibleColumns(columns, total: 27) == [0, 1, 2])
        #expect(Table.visibleColumns(columns, total: 19) == [0, 2])
    }

    @Test func requiredColumnsStayEvenWhenTheyDoNotFit() {
        #expect(Table.visibleColumns(columns, total: 5) == [0, 2])
    }

    @Test func aNarrowRenderDropsTheHiddenColumnsCellsToo() {
        var table = Table(columns: columns, rows: [["B1", "hotel", "¥12.00", "C-0001", "alipay"]])
        var buffer = ScreenBuffer(size: Size(columns: 27, rows: 2))
        table.render(into: &buffer, area: buffer.bounds, theme: .builtInMono)
        #expect(buffer.rowText(0) == "No   Line     Amount")
        #expect(buffer.rowText(1) == "B1   hotel    ¥12.00")
    }

    @Test func rowStylesDrawProblemRowsInTheirOwnStyle() {
        var table = Table(columns: [TableColumn("What", width: .flex(min: 4))], rows: [["ok"], ["late"]])
        table.rowStyles = [1: "error"]
        table.showsCursor = false
        var buffer = ScreenBuffer(size: Size(columns: 6, rows: 3))
        table.render(into: &buffer, area: buffer.bounds, theme: .builtInDefault)
        #expect(buffer.cells[2 * 6].style == Theme.builtInDefault["error"])
        #expect(buffer.cells[1 * 6].style == Theme.builtInDefault["table.row"])
    }
}
