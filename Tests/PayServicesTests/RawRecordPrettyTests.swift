import Testing
import PayServices

@Suite("Raw record viewer text")
struct RawRecordPrettyTests {
    func record(_ body: String, _ format: RawRecord.Format) -> RawRecord {
        RawRecord(title: "t", headers: [], format: format, body: body)
    }

    @Test("JSON is pretty-printed with sorted keys and a 2-space indent")
    func json() {
        let lines = record(#"{"b":1,"a":{"c":[true,null,"x/y"],"d":{}},"e":"中文"}"#, .json).prettyLines
        #expect(lines == [
            "{",
            "  \"a\": {",
            "    \"c\": [",
            "      true,",
            "      null,",
            "      \"x/y\"",
            "    ],",
            "    \"d\": {}",
            "  },",
            "  \"b\": 1,",
            "  \"e\": \"中文\"",
            "}",
        ])
    }

    @Test("form fields become a two-column table, percent-decoded, in their order")
    func form() {
        #expect(record("subject=hello+world&buyer=%E4%BD%A0&sign=***", .form).prettyLines == [
            "subject  hello world",
            "buyer    你",
            "sign     ***",
        ])
    }

    @Test("XML leaf elements become a two-column table, CDATA unwrapped")
    func xml() {
        #expect(record("<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee>100</total_fee></xml>", .xml).prettyLines == [
            "return_code  SUCCESS",
            "total_fee    100",
        ])
    }

    @Test("text is shown as is, and a body that does not parse as its format falls back to text")
    func text() {
        #expect(record("success\nline 2", .text).prettyLines == ["success", "line 2"])
        #expect(record("{not json", .json).prettyLines == ["{not json"])
    }

    @Test("a channel call shows its request, then its answer")
    func answer() {
        let call = RawRecord(title: "call", headers: [], format: .form, body: "a=1", answer: #"{"ok":true}"#, answerFormat: .json)
        #expect(call.prettyLines == ["request:", "  a  1", "", "answer:", "  {", "    \"ok\": true", "  }"])
        #expect(RawRecord.Format.detect(" {\"a\":1}") == .json)
        #expect(RawRecord.Format.detect("a=1&b=2") == .form)
        #expect(RawRecord.Format.detect("<xml/>") == .xml)
        #expect(RawRecord.Format.detect("success") == .text)
    }
}
