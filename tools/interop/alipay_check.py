"""The official Alipay SDK (python-alipay-sdk, PyPI) against the sandbox served by
`paydesk sandbox serve`: it signs every request (RSA2, parameters in the URL as it sends them),
verifies every answer's signature and every callback's. Any refusal by the SDK, or by the
sandbox of what the SDK signed, fails the check (exit 1).

usage: alipay_check.py BASE_URL KEYS_JSON
"""
import sys
import time
import uuid
from decimal import Decimal
from urllib.parse import parse_qsl

from Cryptodome.PublicKey import RSA
from alipay import AliPay
from alipay.exceptions import AliPayException

from common import callbacks, check, fail, load_keys


def client(keys, base, private_key=None):
    alipay = AliPay(appid=keys["app_id"], app_notify_url="https://merchant.example/notify/alipay",
                    app_private_key_string=private_key or keys["app_private_key"],
                    alipay_public_key_string=keys["alipay_public_key"], sign_type="RSA2")
    alipay._gateway = f"{base}/alipay/{keys['account']}/gateway.do"
    return alipay


def main():
    base, keys = sys.argv[1], load_keys(sys.argv[2])
    alipay = client(keys, base)

    out_trade_no = "SDK" + uuid.uuid4().hex[:20].upper()
    answer = alipay.api_alipay_trade_precreate(subject="interop 扫码", out_trade_no=out_trade_no, total_amount="30.00")
    check(answer.get("code") == "10000" and answer.get("qr_code"), f"precreate answered {answer.get('code')}, signature verified by the SDK")
    for _ in range(50):
        answer = alipay.api_alipay_trade_query(out_trade_no=out_trade_no)
        if answer.get("trade_status") == "TRADE_SUCCESS":
            break
        time.sleep(0.1)
    check(answer.get("trade_status") == "TRADE_SUCCESS", f"query by out_trade_no: {answer.get('trade_status')}")
    trade_no = answer["trade_no"]
    answer = alipay.api_alipay_trade_query(trade_no=trade_no)
    check(answer.get("code") == "10000" and answer.get("out_trade_no") == out_trade_no, "query with only trade_no")

    # A number for an amount, as the SDK's own examples pass it.
    barcode_no = "SDK" + uuid.uuid4().hex[:20].upper()
    answer = alipay.api_alipay_trade_pay(out_trade_no=barcode_no, scene="bar_code", auth_code="285712345678901234",
                                         subject="interop 条码", total_amount=12.5)
    check(answer.get("code") == "10000", f"barcode pay with a numeric total_amount answered {answer.get('code')} {answer.get('sub_code', '')}")

    first, second = "R1" + uuid.uuid4().hex[:12].upper(), "R2" + uuid.uuid4().hex[:12].upper()
    answer = alipay.api_alipay_trade_refund(refund_amount="5.00", trade_no=trade_no, out_request_no=first)
    check(answer.get("code") == "10000" and answer.get("fund_change") == "Y", "refund with only trade_no")
    answer = alipay.api_alipay_trade_refund(refund_amount="7.00", out_trade_no=out_trade_no, out_request_no=second)
    check(answer.get("refund_fee") == "12.00", f"second partial refund: refund_fee {answer.get('refund_fee')} is the total refunded")

    totals = {}
    for callback in callbacks(base, keys["account"]):
        data = dict(parse_qsl(callback["body"], keep_blank_values=True))
        sign = data.pop("sign", "")
        if not alipay.verify(dict(data), sign):
            fail(f"the SDK refused the sandbox's {callback['kind']} callback for {callback['orderNo']}")
        if data.get("out_biz_no"):
            totals[data["out_biz_no"]] = Decimal(data["refund_fee"])
    check(totals.get(first) == Decimal("5.00") and totals.get(second) == Decimal("12.00"),
          f"refund notifications verified by the SDK; refund_fee is the running total {totals}")

    # The sandbox refuses in Alipay's own codes, each in the answer the SDK verifies.
    answer = alipay.server_api("alipay.trade.query", {"out_trade_no": "", "trade_no": ""})
    check(answer.get("code") == "40002" and answer.get("sub_code") == "isv.invalid-parameter",
          f"a query naming no trade: {answer.get('code')} {answer.get('sub_code')}")
    try:
        alipay.server_api("alipay.trade.nosuch", {})
        fail("an unknown method was accepted")
    except AliPayException as error:
        check("isv.invalid-method" in str(error), "an unknown method answers isv.invalid-method")
    stranger = client(keys, base, private_key=RSA.generate(2048).export_key().decode())
    answer = stranger.api_alipay_trade_query(out_trade_no=out_trade_no)
    check(answer.get("sub_code") == "isv.invalid-signature", f"a request signed with another key: {answer.get('sub_code')}")

    # The SDK really checks: a callback with one value changed is refused.
    data = dict(parse_qsl(callbacks(base, keys["account"])[0]["body"], keep_blank_values=True))
    sign = data.pop("sign")
    data["total_amount"] = "9999.00"
    check(not alipay.verify(data, sign), "a tampered callback is refused by the SDK")


if __name__ == "__main__":
    main()
