import Foundation
import PayCore
import PayServices
import TUIKit

/// The payment panel's text for each step (what the right-hand panel says).
extension CheckoutScreen {
    func panel(app: ConsoleApp, width: Int) -> PaymentPanel {
        typealias Line = PaymentPanel.Line
        if let till { return tillPanel(till, app: app, width: width) }
        let due = sale.total.displayString
        var footer: Line? = error.map { Line($0, "error") }
        switch phase {
        case .ringing:
            var lines = [Line("Amount due  \(due)", "total"), Line("")]
            if sale.order == nil {
                lines += [Line("F9  take the payment", "hint"), Line("F6  load an order by its no", "hint"), Line("F7  \(layout.businessTitle.lowercased())", "hint")]
            } else {
                lines += [Line("F9  take the payment", "hint")]
            }
            if footer == nil { footer = Line(sale.order == nil ? "Ring up: Tab moves between item, quantity and price; Enter adds the line." : "Order loaded.", "hint") }
            return PaymentPanel(lines: lines, footer: footer)
        case .paying:
            let code = scan.text
            var recognised = Line("Alipay · WeChat Pay · UnionPay codes", "hint")
            if let channel = ScanCode.recognise(code) {
                recognised = Line("→ \(channel.displayName) code (\(code.count) digits)", "channel")
            } else if let channel = ScanCode.likely(code) {
                recognised = Line("→ \(channel.displayName)?  \(code.count) digits so far", "hint")
            } else if !code.isEmpty {
                recognised = Line("no channel starts with \(code.prefix(2))", "error")
            }
            var customer = sale.order?.customerId.map { "customer \($0)" } ?? "no customer (F7)"
            if let wallet, wallet.customer == sale.order?.customerId { customer += " · wallet \(wallet.balance.displayString)" }
            var lines = [Line("Amount due  \(due)", "total"), Line("Scan", "label"), recognised, Line(""),
                         Line("Q  pay code for the customer"), Line("C  card       A  Apple Pay"),
                         Line("W  wallet     P  PayPal"), Line(customer, "hint")]
            if let override { lines += [Line(""), Line("Allowed by \(override.name) while an earlier", "status.pending"),
                                        Line("payment is unconfirmed", "status.pending")] }
            if app.gateway == nil { lines.append(Line("payment service not connected", "error")) }
            if footer == nil { footer = Line("Scan the customer's payment code (or type it and press Enter), or choose Q, C, A, W or P.", "hint") }
            return PaymentPanel(lines: lines, scanLine: 1, footer: footer)
        case .working(let label):
            return PaymentPanel(lines: [Line("Amount due  \(due)", "total"), Line(""), Line("\(app.spinner.frame) \(label)", "status.pending")],
                                footer: Line("Waiting for the payment service…", "hint"))
        case .waiting(let wait):
            let (serial, payCode, method, unknown) = (wait.serial, wait.payCode, wait.method, wait.unknown)
            let countdown = wait.countdown(at: app.clock.now())
            var lines = [Line("Amount due  \(due)", "total"), Line(""),
                         Line("\(app.spinner.frame) \(unknown ? "Checking with the channel" : "Waiting for the customer")  \(countdown)", "status.pending"),
                         Line(method), Line("Serial \(serial)", "hint")]
            if payCode != nil { lines.append(Line("Customer scans:", "label")) }
            let words = unknown ? "No answer yet from the channel: do not take the money again."
                : (payCode != nil ? "The customer scans the code with their app. R checks now." : "The customer is confirming on their phone. R checks now.")
            return PaymentPanel(lines: lines, footer: Line(words, "hint"), payCode: payCode)
        case .paid(let serial, let channelSerial, let method, let receipt, let path):
            var lines = [Line("✔ PAID  \(due)", "status.paid"), Line(method), Line(""), Line("Serial", "label"), Line(serial),
                         Line("Channel serial", "label"), Line(channelSerial)]
            if let path {
                // why broken, not cut: the cashier may have to find the file by this name.
                lines.append(Line("Receipt saved", "label"))
                lines += URL(fileURLWithPath: path).lastPathComponent.broken(toWidth: max(10, width - 2)).map { Line($0, "hint") }
            }
            return PaymentPanel(lines: lines, footer: Line("Paid. Enter starts a new sale.", "status.paid"), receipt: receipt.lines(fitting: receiptColumns(app, panelWidth: width)))
        case .declined(let sentence, let code):
            var lines = [Line("✘ NOT PAID", "status.failed")]
            lines += sentence.wrapped(toWidth: max(10, width - 2)).map { Line($0) }
            if let code { lines.append(Line("code \(code.rawValue)", "hint")) }
            lines += [Line(""), Line("F9  try again or another method", "hint"), Line("F12 cancel the sale", "hint")]
            return PaymentPanel(lines: lines, footer: Line("Not paid: \(sentence)", "status.failed"))
        case .unresolved(let serial, _, let reason):
            var lines = [Line("? NOT CONFIRMED", "status.pending")]
            lines += reason.wrapped(toWidth: max(10, width - 2)).map { Line($0) }
            guard let serial else {
                return PaymentPanel(lines: lines, footer: footer ?? Line("Not confirmed yet: look the order up later (F3).", "status.pending"))
            }
            lines += [Line("Serial \(serial)", "hint"), Line(""), Line("R   ask the channel now", "hint"),
                      Line("S   supervisor: allow another payment", "hint"), Line("F12 new sale (the center settles it)", "hint")]
            return PaymentPanel(lines: lines, footer: footer ?? Line("Not confirmed: do not charge again. R asks the channel, S calls a supervisor.", "status.pending"))
        case .notConnected:
            let text = "This console is not connected to the payment service, so it cannot take payments. Nothing was charged."
            var lines = [Line("✘ PAYMENT SERVICE NOT CONNECTED", "status.failed")]
            lines += text.wrapped(toWidth: max(10, width - 2)).map { Line($0) }
            return PaymentPanel(lines: lines, footer: Line("payment service not connected", "error"))
        }
    }
}
