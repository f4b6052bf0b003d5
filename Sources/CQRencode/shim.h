#ifndef PAYDESK_CQRENCODE_SHIM_H
#define PAYDESK_CQRENCODE_SHIM_H
// libqrencode (Debian libqrencode-dev): QR Code symbols for the pay codes the till shows.
#include <qrencode.h>

/// The module at (x, y) of a symbol is dark: libqrencode keeps each module in a byte whose lowest bit says so.
static inline int cq_is_dark(const QRcode *code, int x, int y) { return code->data[y * code->width + x] & 1; }
#endif
