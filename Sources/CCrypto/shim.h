#ifndef PAYDESK_CCRYPTO_SHIM_H
#define PAYDESK_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <openssl/kdf.h>

/// EVP_PKEY_CTX_set_rsa_keygen_bits and friends are macros or need casts in some versions.
static inline int ccrypto_ctrl_aead_set_ivlen(EVP_CIPHER_CTX *ctx, int len) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, len, NULL);
}
static inline int ccrypto_ctrl_aead_get_tag(EVP_CIPHER_CTX *ctx, int len, void *tag) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, len, tag);
}
static inline int ccrypto_ctrl_aead_set_tag(EVP_CIPHER_CTX *ctx, int len, void *tag) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, len, tag);
}
static inline int ccrypto_bio_get_mem_data(BIO *bio, char **pp) {
    return (int)BIO_get_mem_data(bio, pp);
}
/// STACK_OF(X509) helpers: the sk_X509_* names are macros Swift cannot import.
static inline STACK_OF(X509) *ccrypto_sk_x509_new(void) { return sk_X509_new_null(); }
static inline int ccrypto_sk_x509_push(STACK_OF(X509) *stack, X509 *cert) { return sk_X509_push(stack, cert); }
static inline void ccrypto_sk_x509_free(STACK_OF(X509) *stack) { sk_X509_free(stack); }
#endif
