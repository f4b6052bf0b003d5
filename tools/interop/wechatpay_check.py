"""The official WeChat Pay v3 SDK (wechatpayv3, PyPI) against the sandbox served by
`paydesk sandbox serve`: in platform-certificate mode it downloads and decrypts the platform
certificates, signs every request, verifies every answer's signature and decrypts the callbacks.
Any refusal by the SDK, or by the sandbox of what the SDK signed, fails the check (exit 1).

usage: wechatpay_check.py BASE_URL KEYS_JSON
"""
import copy
import json
import sys
import time
import uuid

import wechatpayv3.core as core
from wechatpayv3 import WeChatPay, WeChatPayType

from common import callbacks, check, fail, load_keys


def main():
    base, keys = sys.argv[1], load_keys(sys.argv[2])
    account = keys["account"]
    # why: the SDK downloads the platform certificates in its constructor, from WeChat's fixed
    # host; the download is held back until the base URL points at the sandbox.
    init = core.Core._init_certificates
    core.Core._init_certificates = lambda self: None
    try:
        pay = WeChatPay(wechatpay_type=WeChatPayType.NATIVE, mchid=keys["mchid"], private_key=keys["merchant_private_key"],
                        cert_serial_no=keys["merchant_serial_no"], appid=keys["appid"], apiv3_key=keys["api_v3_key"],
                        notify_url="https://merchant.example/notify/wechat")
    finally:
        core.Core._init_certificates = init
    pay._core._gate_way = f"{base}/wechat/{account}"
    try:
        pay._core._init_certificates()
    except Exception as error:
        fail(f"GET /v3/certificates: the SDK found no usable platform certificate: {error}")
    serials = [format(c.serial_number, "X") for c in pay._core._certificates]
    check(serials == [keys["platform_serial"]], f"platform certificate downloaded and decrypted, serial {serials}")

    out_trade_no = "SDK" + uuid.uuid4().hex[:20].upper()
    code, message = pay.pay(description="interop 原生扫码", out_trade_no=out_trade_no, amount={"total": 1200, "currency": "CNY"})
    check(code == 200 and json.loads(message).get("code_url"), f"native pay answered {code}, signature verified by the SDK")

    state = {}
    for _ in range(50):
        code, message = pay.query(out_trade_no=out_trade_no)
        state = json.loads(message)
        if code == 200 and state.get("trade_state") == "SUCCESS":
            break
        time.sleep(0.1)
    check(state.get("trade_state") == "SUCCESS", f"query by out_trade_no: {state.get('trade_state')}")
    transaction_id = state["transaction_id"]
    code, message = pay.query(transaction_id=transaction_id)
    check(code == 200 and json.loads(message).get("out_trade_no") == out_trade_no, f"query by transaction_id answered {code}")

    code, message = pay.query(transaction_id="4200000000000000000000000000")
    check(code == 404 and json.loads(message).get("code") == "ORDER_NOT_EXIST", f"query of an unknown transaction_id: {code}")

    codepay_no = "SDK" + uuid.uuid4().hex[:20].upper()
    code, message = pay.pay(description="interop 付款码", out_trade_no=codepay_no, amount={"total": 800, "currency": "CNY"},
                            payer={"auth_code": "134567890123456789"}, scene_info={"device_id": "interop"}, pay_type=WeChatPayType.CODEPAY)
    check(code == 200 and json.loads(message).get("trade_state") == "SUCCESS", f"codepay answered {code}")

    out_refund_no = "RSDK" + uuid.uuid4().hex[:16].upper()
    code, message = pay.refund(out_refund_no=out_refund_no, amount={"refund": 200, "total": 1200, "currency": "CNY"},
                               transaction_id=transaction_id)
    refund = json.loads(message)
    check(code == 200 and refund.get("status") == "SUCCESS" and refund.get("out_trade_no") == out_trade_no,
          f"refund given only transaction_id: {code} {refund.get('status')}")
    code, message = pay.query_refund(out_refund_no=out_refund_no)
    check(code == 200 and json.loads(message).get("refund_id") == refund["refund_id"], "refund query")

    sent = callbacks(base, account)
    events = []
    for callback in sent:
        data = pay.callback(callback["headers"], callback["body"])
        if data is None:
            fail(f"the SDK refused the sandbox's {callback['kind']} callback for {callback['orderNo']}")
        events.append((data["event_type"], data["resource"].get("out_trade_no"), data["resource"].get("out_refund_no")))
    check(("TRANSACTION.SUCCESS", out_trade_no, None) in events, "payment callback verified and decrypted by the SDK")
    check(("REFUND.SUCCESS", out_trade_no, out_refund_no) in events, "refund callback verified and decrypted by the SDK")

    # The SDK really checks: a callback with one byte changed is refused.
    forged = copy.deepcopy(sent[0])
    forged["body"] = forged["body"].replace("TRANSACTION.", "TRANSACTION-", 1)
    check(pay.callback(forged["headers"], forged["body"]) is None, "a tampered callback is refused by the SDK")
    unnamed = copy.deepcopy(sent[0])
    unnamed["headers"].pop("Wechatpay-Signature-Type", None)
    try:
        pay.callback(unnamed["headers"], unnamed["body"])
        fail("the SDK accepted a callback without Wechatpay-Signature-Type")
    except Exception as error:
        check("does not support" in str(error), "the SDK requires Wechatpay-Signature-Type")


if __name__ == "__main__":
    main()
