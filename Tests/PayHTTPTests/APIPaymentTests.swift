import Foundation
import Testing
import PayCore
import PayStore
import PayServices
@testable import PayHTTP
import TestSupport

@Suite("API payments: pay, refund, close")
struct APIPaymentTests {
    static let alipayCode = "284567890123456789"

    func order(_ f: APIFixture, _ no: String, _ amount: String) {
        let answer = f.send("POST", "/v1/orders", json: #"{"orderNo": "\#(no)", "amount": "\#(amount)"}"#)
        #expect(answer.status == 201, "\(answer.text)")
    }

    @Test func aScannedBarcodePaysAt200() throws {
        let f = try APIFixture()
        order(f, "P-1", "12.00")
        let answer = f.send("POST", "/v1/orders/P-1/pay", json: #"{"method": "alipay", "authCode": "\#(Self.alipayCode)", "amount": "12.00"}"#)
        #expect(answer.status == 200, "\(answer.text)")
        let result = try answer.decode(PayResultJSON.self)
        #expect(result.order.status == "PAID")
        #expect(result.payment?.status == "SUCCEEDED")
        #expect(result.payment?.channel == "alipay")
        #expect(answer.header("Idempotent-Replayed") == nil)
        #expect(try f.attempts("P-1").map(\.status) == [.succeeded])
    }

    @Test func aDeclineIs402WithThePaymentAndNothingCharged() throws {
        let f = try APIFixture()
        order(f, "P-2", "12.51")
        let answer = f.send("POST", "/v1/orders/P-2/pay", json: #"{"method": "alipay", "authCode": "\#(Self.alipayCode)"}"#)
        #expect(answer.status == 402, "\(answer.text)")
        let result = try answer.decode(PayResultJSON.self)
        #expect(result.payment?.status == "FAILED")
        #expect(result.payment?.failureCode == "DECLINED")
        #expect(result.order.paidAmount == "0.00")
    }

    @Test func aPayCodeIs202WithTheCodeURL() throws {
        let f = try APIFixture()
        order(f, "P-3", "8.00")
        let answer = f.send("POST", "/v1/orders/P-3/pay", json: #"{"method": "wechat"}"#)
        #expect(answer.status == 202, "\(answer.text)")
        let result = try answer.decode(PayResultJSON.self)
        #expect(result.payment?.status == "PENDING")
        #expect(result.codeUrl?.hasPrefix("weixin://") == true, "\(result.codeUrl ?? "none")")
    }

    @Test func aCardPaysAndItsNumberIsNeitherAnsweredNorStored() throws {
        let f = try APIFixture()
        order(f, "P-4", "20.00")
        let answer = f.send("POST", "/v1/orders/P-4/pay",
                            json: #"{"method": "card", "card": {"number": "4242424242424242", "expiry": "12/30", "cvc": "123"}}"#)
        #expect(answer.status == 200, "\(answer.text)")
        #expect(!answer.text.contains("4242424242424242"))
        try f.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let file = try Data(contentsOf: URL(fileURLWithPath: f.directory.path("store.db")))
        #expect(file.range(of: Data("4242424242424242".utf8)) == nil, "the store file holds the card number")

        order(f, "P-5", "20.00")
        let bad = f.send("POST", "/v1/orders/P-5/pay", json: #"{"method": "card", "card": {"number": "4242424242424241", "expiry": "12/30", "cvc": "123"}}"#)
        #expect(bad.status == 400)
        #expect(bad.error?.param == "card.number")
        let noCVC = f.send("POST", "/v1/orders/P-5/pay", json: #"{"method": "card", "card": {"number": "4242424242424242", "expiry": "12/30"}}"#)
        #expect(noCVC.error?.param == "card.cvc")
        let noCard = f.send("POST", "/v1/orders/P-5/pay", json: #"{"method": "card"}"#)
        #expect(noCard.status == 400)
        #expect(noCard.error?.code == "bad_request")
        #expect(noCard.error?.param == "card")
        #expect(try f.attempts("P-5").isEmpty)
    }

    @Test func riskBlocksAt402AndAChallengeIs202ThenAWrongCodeIs402() throws {
        let f = try APIFixture()
        order(f, "P-6", "20.00")
        let blocked = f.send("POST", "/v1/orders/P-6/pay", json: #"{"method": "alipay", "authCode": "\#(Self.alipayCode)", "customerId": "C666"}"#)
        #expect(blocked.status == 402, "\(blocked.text)")
        #expect(try blocked.decode(PayResultJSON.self).blockedBy?.isEmpty == false)
        #expect(blocked.object.keys.contains("payment"), "payment is null, not missing")

        order(f, "P-7", "6000.00")
        let card = #""card": {"number": "4242424242424242", "expiry": "12/30", "cvc": "123"}"#
        let challenged = f.send("POST", "/v1/orders/P-7/pay", json: #"{"method": "card", \#(card), "customerId": "RISK-1"}"#)
        #expect(challenged.status == 202, "\(challenged.text)")
        #expect(try challenged.decode(PayResultJSON.self).challenge?.sentTo == "RISK-1")
        let wrong = f.send("POST", "/v1/orders/P-7/pay", json: #"{"method": "card", \#(card), "customerId": "RISK-1", "otp": "000001"}"#)
        #expect(wrong.status == 402, "\(wrong.text)")
        #expect(wrong.error?.type == "payment_error")
        #expect(wrong.error?.code == "payment_declined")
        #expect(wrong.error?.param == "otp")
        #expect(try f.attempts("P-7").isEmpty)
    }

    @Test func payingAPaidOrderIsAConflictAndAWrongAmountIsNamed() throws {
        let f = try APIFixture()
        order(f, "P-8", "5.00")
        let wrong = f.send("POST", "/v1/orders/P-8/pay", json: #"{"method": "alipay", "authCode": "\#(Self.alipayCode)", "amount": "4.00"}"#)
        #expect(wrong.status == 400)
        #expect(wrong.error?.param == "amount")
        #expect(f.send("POST", "/v1/orders/P-8/pay", json: #"{"method": "alipay", "authCode": "\#(Self.alipayCode)"}"#).status == 200)
        try f.advance("1s")
        let again = f.send("POST", "/v1/orders/P-8/pay", json: #"{"method": "alipay", "authCode": "\#(Self.alipayCode)"}"#)
        #expect(again.status == 409)
        #expect(again.error?.code == "conflict")
        #expect(try f.attempts("P-8").count == 1)
        let method = f.send("POST", "/v1/orders/P-8/pay", json: #"{"method": "cash"}"#)
        #expect(method.status == 400)
        #expect(method.error?.param == "method")
    }

    @Test func refundPartOfAPaymentThenTheRest() throws {
        let f = try APIFixture()
        order(f, "R-1", "10.00")
        let paid = try f.send("POST", "/v1/orders/R-1/pay", json: #"{"method": "alipay", "authCode": "\#(Self.alipayCode)"}"#)
            .decode(PayResultJSON.self)
        let first = f.send("POST", "/v1/orders/R-1/refunds", json: #"{"amount": "4.00", "reason": "damaged", "refundNo": "RF-1"}"#)
        #expect(first.status == 201, "\(first.text)")
        let refund = try first.decode(RefundResultJSON.self)
        #expect(refund.refund.status == "SUCCEEDED")
        #expect(refund.refund.amount == "4.00")
        #expect(refund.refund.refundNo == "RF-1")
        #expect(refund.refund.paymentSerial == paid.payment?.serial)
        #expect(refund.order.status == "PARTIALLY_REFUNDED")

        let over = f.send("POST", "/v1/orders/R-1/refunds", json: #"{"amount": "6.01"}"#)
        #expect(over.status == 409, "\(over.text)")
        let bad = f.send("POST", "/v1/orders/R-1/refunds", json: #"{"amount": "-1"}"#)
        #expect(bad.status == 400)
        #expect(bad.error?.param == "amount")
        let rest = f.send("POST", "/v1/orders/R-1/refunds", json: #"{"amount": "6.00", "paymentSerial": "\#(paid.payment?.serial ?? "")"}"#)
        #expect(rest.status == 201, "\(rest.text)")
        #expect(try rest.decode(RefundResultJSON.self).order.status == "REFUNDED")
        #expect(try f.refunds("R-1").count == 2)
    }

    @Test func aRefundOfAnUnpaidOrderOrAnotherOrdersPaymentIsRefused() throws {
        let f = try APIFixture()
        order(f, "R-2", "10.00")
        let unpaid = f.send("POST", "/v1/orders/R-2/refunds", json: #"{"amount": "1.00"}"#)
        #expect(unpaid.status == 409, "\(unpaid.text)")
        order(f, "R-3", "10.00")
        let other = try f.send("POST", "/v1/orders/R-3/pay", json: #"{"method": "alipay", "authCode": "\#(Self.alipayCode)"}"#)
            .decode(PayResultJSON.self)
        let crossed = f.send("POST", "/v1/orders/R-2/refunds", json: #"{"amount": "1.00", "paymentSerial": "\#(other.payment?.serial ?? "")"}"#)
        #expect(crossed.status == 404, "\(crossed.text)")
        #expect(try f.refunds("R-3").isEmpty)
    }

    @Test func closeAnUnpaidOrderButNotAPaidOne() throws {
        let f = try APIFixture()
        order(f, "C-1", "3.00")
        let closed = f.send("POST", "/v1/orders/C-1/close")
        #expect(closed.status == 200, "\(closed.text)")
        #expect(try closed.decode([String: OrderJSON].self)["order"]?.status == "CLOSED")
        let again = f.send("POST", "/v1/orders/C-1/close", json: "{}")
        #expect(again.status == 409)
        order(f, "C-2", "3.00")
        f.send("POST", "/v1/orders/C-2/pay", json: #"{"method": "alipay", "authCode": "\#(Self.alipayCode)"}"#)
        let paid = f.send("POST", "/v1/orders/C-2/close")
        #expect(paid.status == 409)
        #expect(try #require(try f.order("C-2")).status == .paid)
        let extra = f.send("POST", "/v1/orders/C-1/close", json: #"{"reason": "x"}"#)
        #expect(extra.status == 400)
        #expect(extra.error?.param == "reason")
    }
}
