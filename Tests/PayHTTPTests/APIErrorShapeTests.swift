import Foundation
import Testing
@testable import PayHTTP

@Suite("The one error shape")
struct APIErrorShapeTests {
    @Test func anErrorAnswerIsJSONWithTypeCodeMessageAndParam() throws {
        let response = APIErrorBody.response(status: 429, type: "rate_limit_error", code: "rate_limited",
                                             message: "too many requests from 127.0.0.1; retry after 1 s", param: nil,
                                             extraHeaders: [("Retry-After", "1")])
        #expect(response.status == 429)
        #expect(response.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
        #expect(response.headers.contains { $0.name == "Retry-After" && $0.value == "1" })
        let decoded = try JSONDecoder().decode(APIErrorBody.self, from: Data(response.body))
        #expect(decoded.error.code == "rate_limited")
        #expect(decoded.error.type == "rate_limit_error")
        #expect(decoded.error.param == nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(Set(object.keys) == ["error"])
    }
}
