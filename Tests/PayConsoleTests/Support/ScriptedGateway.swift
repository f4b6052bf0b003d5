import PayConsole
import PayCore
import Synchronization

/// A test double for the payment core: answers each `pay` and `poll` with the next scripted
/// outcome and records what the checkout sent. Lives in the test target only.
final class ScriptedGateway: CheckoutPaymentGateway {
    struct Call: Sendable {
        let orderNo: String
        let amount: Money
        let method: CheckoutPaymentMethod
        let otp: String?
        /// The supervisor who allowed it while an earlier payment was unconfirmed.
        let override: String?
        /// The checkout attempt's idempotency key.
        let key: String
    }

    private struct State {
        var payAnswers: [CheckoutOutcome]
        var pollAnswers: [CheckoutOutcome]
        var checkAnswers: [CheckoutOutcome]
        var calls: [Call] = []
        var polls: [String] = []
        var checks: [String] = []
    }

    private let state: Mutex<State>

    init(pay: [CheckoutOutcome], poll: [CheckoutOutcome] = [], check: [CheckoutOutcome] = []) {
        state = Mutex(State(payAnswers: pay, pollAnswers: poll, checkAnswers: check))
    }

    var calls: [Call] { state.withLock { $0.calls } }
    var polls: [String] { state.withLock { $0.polls } }
    /// The serials the checkout asked the channel about (R on an unconfirmed payment).
    var checks: [String] { state.withLock { $0.checks } }

    func pay(order: Order, method: CheckoutPaymentMethod, otp: String?, override: Actor?, key: String,
             operator actor: Actor) async -> CheckoutOutcome {
        state.withLock { state in
            state.calls.append(Call(orderNo: order.orderNo.description, amount: order.amount, method: method, otp: otp,
                                    override: override?.name, key: key))
            return state.payAnswers.isEmpty ? .declined(code: nil, reason: "no scripted answer left") : state.payAnswers.removeFirst()
        }
    }

    func poll(serial: String) async -> CheckoutOutcome {
        state.withLock { state in
            state.polls.append(serial)
            return state.pollAnswers.isEmpty ? .pending(serial: serial, payCode: nil) : state.pollAnswers.removeFirst()
        }
    }

    func checkWithChannel(serial: String, operator actor: Actor) async -> CheckoutOutcome {
        state.withLock { state in
            state.checks.append(serial)
            return state.checkAnswers.isEmpty ? .unknown(serial: serial, reason: "no answer from the channel yet") : state.checkAnswers.removeFirst()
        }
    }
}
