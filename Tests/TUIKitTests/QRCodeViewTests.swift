import Foundation
import Testing
import TUIKit
import TestSupport

/// The pay code QR as a phone would see it: the drawn cells read back and decoded by zbarimg
/// (`QRReader`), and the widget's sizing: the quiet zone shrinks, then it gives way to the URL.
@Suite struct QRCodeViewTests {
    static let url = "weixin://wxpay/bizpayurl?pr=Ab12Cd3"

    static func decode(_ buffer: ScreenBuffer, area: Rect, glyphsAreDark: Bool) throws -> String {
        try QRReader.decode(buffer, area: area, glyphsAreDark: glyphsAreDark)
    }

    @Test(arguments: [true, false])
    func drawnCodeDecodesBackToItsURL(colors: Bool) throws {
        var buffer = ScreenBuffer(size: Size(columns: 60, rows: 30))
        let area = Rect(x: 3, y: 2, width: 50, height: 26)
        let view = QRCodeView(Self.url, colors: colors)
        let rows = try #require(view.render(into: &buffer, area: area))
        let chosen = try #require(view.layout(width: area.width, height: area.height))
        let drawn = QRCodeView.cells(size: chosen.code.size, quiet: chosen.quiet)
        #expect(rows == drawn.rows && rows <= area.height)
        #expect(chosen.quiet == 4)
        let code = Rect(x: area.x + (area.width - drawn.columns) / 2, y: area.y, width: drawn.columns, height: drawn.rows)
        #expect(try Self.decode(buffer, area: code, glyphsAreDark: colors) == Self.url)
    }

    @Test func aLongPayCodeStillDecodes() throws {
        let url = "https://qr.alipay.com/bax08431ttbdjgqsvuj2005f?out_trade_no=P20261121093000000004&amount=12345.67"
        var buffer = ScreenBuffer(size: Size(columns: 80, rows: 40))
        let area = Rect(x: 0, y: 0, width: 80, height: 40)
        #expect(QRCodeView(url).render(into: &buffer, area: area) != nil)
        #expect(try Self.decode(buffer, area: area, glyphsAreDark: true) == url)
    }

    @Test func aPanelTooSmallDrawsNothingSoTheURLStandsAlone() {
        var buffer = ScreenBuffer(size: Size(columns: 40, rows: 12))
        let before = buffer
        #expect(QRCodeView(Self.url).render(into: &buffer, area: Rect(x: 0, y: 0, width: 40, height: 12)) == nil)
        #expect(buffer == before)
    }

    @Test func theQuietZoneShrinksBeforeTheCodeGivesUp() throws {
        let code = try #require(QRCode(Self.url))
        let wide = QRCodeView.cells(size: code.size, quiet: 4), narrow = QRCodeView.cells(size: code.size, quiet: 2)
        let view = QRCodeView(Self.url)
        #expect(view.layout(width: wide.columns, height: wide.rows).map(\.quiet) == 4)
        #expect(view.layout(width: narrow.columns, height: narrow.rows).map(\.quiet) == 2)
        // why: 35 bytes need version 3 even at the lowest correction (version 2 holds 32).
        #expect(view.layout(width: narrow.columns - 1, height: narrow.rows).map(\.quiet) == nil)
    }
}
