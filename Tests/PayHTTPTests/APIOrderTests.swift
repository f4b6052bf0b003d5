import Foundation
import Testing
import PayCore
import PayStore
import PayServices
@testable import PayHTTP
import TestSupport

@Suite("API orders: create, list, look up by any identifier")
struct APIOrderTests {
    @Test func createAnOrderWithItemsSubOrdersCustomerAndExpiry() throws {
        let f = try APIFixture()
        let body = """
        {"orderNo": "A-1", "amount": "30.00", "currency": "CNY", "customerId": "C-42", "expiresInSeconds": 600,
         "items": [{"name": "Tea", "quantity": 2, "unitPrice": "10.00"}, {"name": "Cake", "quantity": 1, "unitPrice": "10.00"}],
         "subOrders": [{"account": "bakery", "amount": "10.00"}]}
        """
        let answer = f.send("POST", "/v1/orders", json: body)
        #expect(answer.status == 201, "\(answer.text)")
        let order = try answer.decode([String: OrderJSON].self)["order"]
        #expect(order?.orderNo == "A-1")
        #expect(order?.businessLine == "retail")
        #expect(order?.amount == "30.00")
        #expect(order?.status == "CREATED")
        #expect(order?.customerId == "C-42")
        #expect(order?.items.count == 2)
        #expect(order?.subOrders.map { "\($0.account) \($0.amount)" } == ["bakery 10.00"])
        let stored = try #require(try f.order("A-1"))
        #expect(stored.expiresAt.milliseconds - stored.createdAt.milliseconds == 600_000)
        #expect(stored.operatorName == "api:retail")

        // The same order again is the same order (200); other parameters under its number conflict.
        // (A second later: an identical request signed in the same second is a replayed signature.)
        try f.advance("1s")
        let again = f.send("POST", "/v1/orders", json: body)
        #expect(again.status == 200, "\(again.text)")
        #expect(try again.decode([String: OrderJSON].self)["order"]?.serial == order?.serial)
        let other = f.send("POST", "/v1/orders", json: #"{"orderNo": "A-1", "amount": "31.00"}"#)
        #expect(other.status == 409)
        #expect(other.error?.code == "conflict")
        #expect(try #require(try f.order("A-1")).amount.minorUnits == 3000)
    }

    @Test func theLinesPricingApplies() throws {
        let f = try APIFixture()
        // A flight's insurance adds the premium per passenger, owed to the insurer (as the console
        // and `order create --attr` do).
        let flight = f.send("POST", "/v1/orders", json: #"{"orderNo": "F-1", "amount": "100.00", "attributes": {"insurance": "yes", "passengers": "A,B"}}"#,
                            line: "flight")
        #expect(flight.status == 201, "\(flight.text)")
        let order = try #require(try flight.decode([String: OrderJSON].self)["order"])
        #expect(order.amount == "160.00")
        #expect(order.subOrders.map { "\($0.account) \($0.amount)" } == ["insurer 60.00"])
        // A hotel stay that ends before it starts is refused, nothing written.
        let stay = f.send("POST", "/v1/orders", json: #"{"orderNo": "H-1", "amount": "100.00", "attributes": {"checkIn": "2026-12-02", "checkOut": "2026-12-01"}}"#,
                          line: "hotel")
        #expect(stay.status == 400)
        #expect(stay.error?.code == "invalid_parameter")
        #expect(stay.error?.param == "attributes.checkOut", "\(stay.text)")
        #expect(try f.order("H-1", line: try BusinessLineCode("hotel")) == nil)
        // A detail the line does not take is named as the attribute it is.
        let unknown = f.send("POST", "/v1/orders", json: #"{"orderNo": "H-2", "amount": "100.00", "attributes": {"seats": "Row 5"}}"#,
                             line: "hotel")
        #expect(unknown.status == 400)
        #expect(unknown.error?.param == "attributes.seats", "\(unknown.text)")
        // The stay comes back typed in the answer.
        let kept = f.send("POST", "/v1/orders", json: #"{"orderNo": "H-3", "amount": "100.00", "attributes": {"guest": "Ada", "checkIn": "2026-12-01", "checkOut": "2026-12-03"}}"#,
                          line: "hotel")
        #expect(kept.status == 201, "\(kept.text)")
        let details = try #require(try kept.decode([String: OrderJSON].self)["order"]?.details)
        #expect(details.kind == "hotel" && details.guest == "Ada" && details.nights == 2)
    }

    @Test func badFieldsAreNamedAndNothingIsWritten() throws {
        let f = try APIFixture()
        let before = try f.count("orders")
        let cases: [(String, String)] = [
            (#"{"amount": "1.00"}"#, "orderNo"),
            (#"{"orderNo": "B-1"}"#, "amount"),
            (#"{"orderNo": "B-1", "amount": "1.005"}"#, "amount"),
            (#"{"orderNo": "B-1", "amount": 1.5}"#, "amount"),
            (#"{"orderNo": "B-1", "amount": "1.00", "currency": "XXX"}"#, "currency"),
            (#"{"orderNo": "B-1", "amount": "3.00", "items": [{"name": "Tea", "quantity": "2", "unitPrice": "1.50"}]}"#, "items[0].quantity"),
            (#"{"orderNo": "B-1", "amount": "3.00", "items": [{"name": "Tea", "quantity": 2, "unitPrice": "1.505"}]}"#, "items[0].unitPrice"),
            (#"{"orderNo": "B-1", "amount": "3.00", "items": [{"name": "Tea", "quantity": 2, "price": "1.50"}]}"#, "items[0].unitPrice"),
            (#"{"orderNo": "B-1", "amount": "1.00", "expiresInSeconds": 0}"#, "expiresInSeconds"),
            (#"{"orderNo": "B-1", "amount": "1.00", "ammount": "1.00"}"#, "ammount"),
            (#"{"orderNo": "", "amount": "1.00"}"#, "orderNo"),
        ]
        for (body, param) in cases {
            let answer = f.send("POST", "/v1/orders", json: body)
            #expect(answer.status == 400, "\(body): \(answer.text)")
            #expect(answer.error?.code == "invalid_parameter", "\(body)")
            #expect(answer.error?.param == param, "\(body): \(answer.text)")
        }
        // Items that do not sum to the amount: refused by the order's own rules.
        let sum = f.send("POST", "/v1/orders", json: #"{"orderNo": "B-1", "amount": "5.00", "items": [{"name": "Tea", "quantity": 2, "unitPrice": "1.50"}]}"#)
        #expect(sum.status == 400)
        #expect(try f.count("orders") == before)
    }

    @Test func contentTypeAndSyntaxAreCheckedAfterTheSignature() throws {
        let f = try APIFixture()
        let plain = f.send("POST", "/v1/orders", json: #"{"orderNo": "C-1", "amount": "1.00"}"#, headers: ["content-type": "text/plain"])
        #expect(plain.status == 415)
        #expect(plain.error?.code == "unsupported_media_type")
        let broken = f.send("POST", "/v1/orders", json: #"{"orderNo": "C-1", "amount": "1.00""#)
        #expect(broken.status == 400)
        #expect(broken.error?.code == "malformed_json")
        #expect(try f.order("C-1") == nil)
    }

    @Test func aBodyNamingAnotherLineIsForbidden() throws {
        let f = try APIFixture()
        let answer = f.send("POST", "/v1/orders", json: #"{"businessLine": "hotel", "orderNo": "X-1", "amount": "1.00"}"#)
        #expect(answer.status == 403)
        #expect(answer.error?.code == "business_line_mismatch")
        #expect(answer.error?.param == "businessLine")
        #expect(try f.order("X-1") == nil && (try f.order("X-1", line: try BusinessLineCode("hotel"))) == nil)
        let own = f.send("POST", "/v1/orders", json: #"{"businessLine": "retail", "orderNo": "X-1", "amount": "1.00"}"#)
        #expect(own.status == 201)
    }

    @Test func anOrderIsFoundByItsNumberItsPaymentSerialAndItsChannelSerial() throws {
        let f = try APIFixture()
        f.send("POST", "/v1/orders", json: #"{"orderNo": "Q-1", "amount": "12.00"}"#)
        let paid = f.send("POST", "/v1/orders/Q-1/pay", json: #"{"method": "alipay", "authCode": "284567890123456789"}"#)
        #expect(paid.status == 200, "\(paid.text)")
        let payment = try #require(try paid.decode(PayResultJSON.self).payment)
        let channelSerial = try #require(payment.channelSerial)

        for path in ["/v1/orders/Q-1", "/v1/payments/\(payment.serial)", "/v1/payments/by-channel-serial/\(channelSerial)"] {
            let answer = f.send("GET", path)
            #expect(answer.status == 200, "\(path): \(answer.text)")
            let detail = try answer.decode(OrderDetailJSON.self)
            #expect(detail.order.orderNo == "Q-1", "\(path)")
            #expect(detail.payments.map(\.serial) == [payment.serial], "\(path)")
            #expect(detail.order.status == "PAID")
        }
        let missing = f.send("GET", "/v1/orders/Q-404")
        #expect(missing.status == 404)
        #expect(missing.error?.code == "resource_missing")
        let orderSerial = f.send("GET", "/v1/payments/\(try #require(try f.order("Q-1")).serial)")
        #expect(orderSerial.status == 404, "an order's serial is not a payment's")
        let badSerial = f.send("GET", "/v1/payments/p-lower")
        #expect(badSerial.status == 400)
        #expect(badSerial.error?.param == "serial")
    }

    @Test func anotherLinesOrderIsNotFoundByAnyIdentifier() throws {
        let f = try APIFixture()
        f.send("POST", "/v1/orders", json: #"{"orderNo": "S-1", "amount": "12.00"}"#)
        let paid = try f.send("POST", "/v1/orders/S-1/pay", json: #"{"method": "alipay", "authCode": "284567890123456789"}"#)
            .decode(PayResultJSON.self)
        let payment = try #require(paid.payment)
        // The hotel line's system asks for retail's order: as if it did not exist.
        for path in ["/v1/orders/S-1", "/v1/payments/\(payment.serial)", "/v1/payments/by-channel-serial/\(payment.channelSerial ?? "")",
                     "/v1/orders/S-1?refresh=true"] {
            let parts = path.split(separator: "?")
            let answer = f.send("GET", String(parts[0]), query: parts.count > 1 ? [("refresh", "true")] : [], line: "hotel")
            #expect(answer.status == 404, "\(path): \(answer.text)")
            #expect(answer.error?.code == "resource_missing")
            #expect(!answer.text.contains("S-1") || path.hasPrefix("/v1/orders/S-1"), "\(answer.text)")
        }
        let list = try f.send("GET", "/v1/orders", line: "hotel").decode(ListAnswer.self)
        #expect(!list.orders.contains { $0.businessLine != "hotel" })
        for (method, path, body) in [("POST", "/v1/orders/S-1/refunds", #"{"amount": "1.00"}"#),
                                     ("POST", "/v1/orders/S-1/refunds", #"{"amount": "1.00", "paymentSerial": "\#(payment.serial)"}"#),
                                     ("POST", "/v1/orders/S-1/close", "{}"),
                                     ("POST", "/v1/orders/S-1/pay", #"{"method": "wechat"}"#)] {
            let answer = f.send(method, path, json: body, line: "hotel")
            #expect(answer.status == 404, "\(path) \(body): \(answer.text)")
        }
        #expect(try f.refunds("S-1").isEmpty)
    }

    struct ListAnswer: Decodable {
        let orders: [OrderJSON]
        let next: String?
    }

    @Test func theListPagesWithACursorAndFilters() throws {
        let f = try APIFixture()
        for i in 1...5 {
            f.send("POST", "/v1/orders", json: #"{"orderNo": "L-\#(i)", "amount": "\#(i).00"}"#)
            try f.advance("1s")
        }
        f.send("POST", "/v1/orders/L-2/pay", json: #"{"method": "alipay", "authCode": "284567890123456789"}"#)
        f.send("POST", "/v1/orders", json: #"{"orderNo": "L-H", "amount": "1.00"}"#, line: "hotel")

        let first = f.send("GET", "/v1/orders", query: [("limit", "2")])
        #expect(first.status == 200, "\(first.text)")
        let page1 = try first.decode(ListAnswer.self)
        #expect(page1.orders.map(\.orderNo) == ["L-5", "L-4"])
        let cursor = try #require(page1.next)
        let page2 = try f.send("GET", "/v1/orders", query: [("limit", "2"), ("after", cursor)]).decode(ListAnswer.self)
        #expect(page2.orders.map(\.orderNo) == ["L-3", "L-2"])
        var seen = page1.orders.map(\.orderNo) + page2.orders.map(\.orderNo)
        var next = page2.next
        while let after = next {
            let page = try f.send("GET", "/v1/orders", query: [("limit", "2"), ("after", after)]).decode(ListAnswer.self)
            seen += page.orders.map(\.orderNo)
            next = page.next
        }
        #expect(!seen.contains("L-H"))
        #expect(Set(seen).isSuperset(of: ["L-1", "L-2", "L-3", "L-4", "L-5"]))
        #expect(first.object.keys.contains("next"))

        // (The demo store's own retail orders are older than the test's start.)
        let start = APIFixture.start.iso8601
        let paid = try f.send("GET", "/v1/orders", query: [("status", "PAID"), ("since", start)]).decode(ListAnswer.self)
        #expect(paid.orders.map(\.orderNo) == ["L-2"])
        #expect(paid.next == nil)
        let alipay = try f.send("GET", "/v1/orders", query: [("channel", "alipay"), ("since", start)]).decode(ListAnswer.self)
        #expect(alipay.orders.map(\.orderNo) == ["L-2"])
        let hotel = try f.send("GET", "/v1/orders", query: [("since", start)], line: "hotel").decode(ListAnswer.self)
        #expect(hotel.orders.map(\.orderNo) == ["L-H"])
        let since = f.now.adding(milliseconds: -2500).iso8601
        let recent = try f.send("GET", "/v1/orders", query: [("since", since)]).decode(ListAnswer.self)
        #expect(recent.orders.map(\.orderNo) == ["L-5", "L-4"])

        for (name, value) in [("limit", "0"), ("limit", "x"), ("status", "SHIPPED"), ("after", "nope"), ("since", "yesterday"), ("sort", "asc")] {
            let answer = f.send("GET", "/v1/orders", query: [(name, value)])
            #expect(answer.status == 400, "\(name)=\(value): \(answer.text)")
            #expect(answer.error?.param == name, "\(name)=\(value)")
        }
    }

    @Test func refreshAsksTheChannelFirst() throws {
        let f = try APIFixture()
        // Ends in 55: paid at the channel, but no callback is ever sent; only a query finds it.
        f.send("POST", "/v1/orders", json: #"{"orderNo": "R-1", "amount": "10.55"}"#)
        let pending = f.send("POST", "/v1/orders/R-1/pay", json: #"{"method": "wechat"}"#)
        #expect(pending.status == 202, "\(pending.text)")
        #expect(try pending.decode(PayResultJSON.self).codeUrl != nil)
        try f.advance("5s")
        let plain = try f.send("GET", "/v1/orders/R-1").decode(OrderDetailJSON.self)
        #expect(plain.order.status != "PAID")
        let refreshed = f.send("GET", "/v1/orders/R-1", query: [("refresh", "true")])
        #expect(refreshed.status == 200, "\(refreshed.text)")
        #expect(try refreshed.decode(OrderDetailJSON.self).order.status == "PAID")
        let bad = f.send("GET", "/v1/orders/R-1", query: [("refresh", "yes")])
        #expect(bad.status == 400)
        #expect(bad.error?.param == "refresh")
    }
}
