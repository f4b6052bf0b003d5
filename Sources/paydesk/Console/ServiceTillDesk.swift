import PayCore
import PayStore
import PayChannels
import PayServices
import PayConsole

/// The till's door to `TillService` and the receipt printer: the services on a connection of
/// their own, so a refund's channel call or a printer never holds up the console's loop. An
/// actor: one SQLite connection, one call at a time.
actor ServiceTillDesk: TillDesk {
    private var services: ServicesOnDemand

    init(storePath: String) { services = ServicesOnDemand(storePath: storePath) }

    private func open(as actor: Actor) throws(PayError) -> (context: ServiceContext, gateway: ChannelGateway) {
        try services.open(as: actor)
    }

    func find(_ identifier: String, operator actor: Actor) throws(PayError) -> Order {
        try TillService(open(as: actor).context).find(identifier)
    }

    func sale(orderId: Int64, operator actor: Actor) throws(PayError) -> TillSale {
        try TillService(open(as: actor).context).sale(orderId: orderId)
    }

    func todaysSales(operator actor: Actor) throws(PayError) -> [Order] {
        try TillService(open(as: actor).context).todaysSales()
    }

    func check(_ sale: TillSale, lines: [RefundLineRequest], operator actor: Actor) throws(PayError) -> (amount: Money, approval: String?) {
        try TillService(open(as: actor).context).check(sale, lines: lines)
    }

    func voidLines(_ sale: TillSale, operator actor: Actor) throws(PayError) -> [RefundLineRequest] {
        try TillService(open(as: actor).context).voidLines(sale)
    }

    func refund(orderId: Int64, lines: [RefundLineRequest], approver: Actor?, reason: String?, key: String,
                operator actor: Actor) throws(PayError) -> (refund: Refund, sale: TillSale) {
        let (context, gateway) = try open(as: actor)
        let till = TillService(context)
        let refund = try till.refund(orderId: orderId, lines: lines, approver: approver, reason: reason, key: try IdempotencyKey(key),
                                     gateway: gateway)
        return (refund, try till.sale(orderId: orderId))
    }

    func print(_ receipt: ReceiptDocument, directory: String, output: ReceiptOutput) throws(PayError) -> (path: String, printedOn: String?) {
        let printer = ReceiptPrinter(directory: directory, output: output)
        let path = try printer.save(receipt)
        return (path, try printer.print(receipt))
    }
}
