import PayCore
import PayServices

/// The one order a command's arguments name, as `query` and `timeline` take it: `--order NO
/// --business L`, `--serial S`, `--channel-serial S`, or (`timeline`) ORDER as typed.
enum OrderArguments {
    static func order(_ args: ParsedArguments, _ orders: OrderService, positional: Bool = false) throws -> Order {
        let typed = positional ? args.positionals.first : nil
        let given = ["order", "serial", "channel-serial"].filter { args.value($0) != nil } + (typed == nil ? [] : ["ORDER"])
        guard given.count == 1 else {
            throw PayError.usage("give exactly one of \(positional ? "ORDER, " : "")--order NO --business L, --serial S, --channel-serial S")
        }
        if let no = args.value("order") {
            return try orders.find(try BusinessLineCode(try args.required("business"), field: "--business"), try MerchantOrderNo(no, field: "--order"))
        }
        if let serial = args.value("serial") { return try orders.find(serial: serial) }
        if let channelSerial = args.value("channel-serial") { return try orders.find(channelSerial: channelSerial) }
        // why force unwrap: `given` counted ORDER only when it was typed.
        return try typedOrder(typed!, business: args.value("business"), orders)
    }

    /// ORDER as typed: an order no when --business is given, else a serial, else a channel serial.
    static func typedOrder(_ text: String, business: String?, _ orders: OrderService) throws(PayError) -> Order {
        if let business {
            return try orders.find(try BusinessLineCode(business, field: "--business"), try MerchantOrderNo(text, field: "ORDER"))
        }
        if let serial = try? Serial(text), serial.kind != nil {
            return try orders.find(serial: text)
        }
        do {
            return try orders.find(channelSerial: text)
        } catch where error.kind == .notFound {
            throw PayError.notFound("ORDER '\(text)': no order, payment or refund has this serial or channel serial (an order no needs --business)")
        }
    }
}
