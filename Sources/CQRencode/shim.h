#ifndef PAYDESK_CQRENCODE_SHIM_H
#define PAYDESK_CQRENCODE_SHIM_H
// libqrencode (Debian libqrencode-dev): QR Code symbols for the pay codes the till shows.
#include <dlfcn.h>
#include <stddef.h>
#include <qrencode.h>

/* Loaded on first use, like libcurl (CCurl's shim).
   why not `link "qrencode"`: only the till's and the checkout's pay codes are drawn as QR codes, and
   a linked library is found, mapped and bound at every start of every command. */

struct cq_api {
    /* why __typeof__: each pointer has exactly the type qrencode.h declares. */
    __typeof__(&QRcode_encodeString) _Nonnull encode_string;
    __typeof__(&QRcode_free) _Nonnull free_code;
};

/* why the table is filled into the caller's memory, not a static here: a header's static is one per
   object file that uses it; TUIKit's `QRCode.library` is one per process. */
/// Opens libqrencode.so.4 and fills `api`; 1 when done, else 0.
static inline int cq_load(struct cq_api *api) {
    void *library = dlopen("libqrencode.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return 0;
    *(void **)(&api->encode_string) = dlsym(library, "QRcode_encodeString");
    *(void **)(&api->free_code) = dlsym(library, "QRcode_free");
    return api->encode_string != NULL && api->free_code != NULL;
}

/// The module at (x, y) of a symbol is dark: libqrencode keeps each module in a byte whose lowest bit says so.
static inline int cq_is_dark(const QRcode *code, int x, int y) { return code->data[y * code->width + x] & 1; }
#endif
