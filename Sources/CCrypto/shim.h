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
#include <openssl/safestack.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

/* libcrypto (Debian libssl-dev; OpenSSL 3), loaded on first use, like libcurl (CCurl's shim).
   why not `link "crypto"`: a linked libcrypto is mapped and relocated (17,000 relative and 4,000
   symbol relocations) at every start of every command, and most commands (`query`, `orders`,
   `--help`) never sign, hash or seal anything. Swift calls each function through `libcrypto`, the
   table below filled from libcrypto.so.3 once (PayChannels/Crypto/LibCrypto.swift). What OpenSSL
   writes as macros over these (BIO_get_mem_data, sk_X509_*) is written out at its Swift call.
   why __typeof__: each pointer has exactly the type OpenSSL's headers declare, none written again here. */
#define PD_CRYPTO_FUNCTIONS(X) \
    X(ASN1_INTEGER_to_BN) \
    X(ASN1_STRING_to_UTF8) \
    X(ASN1_TIME_set) \
    X(ASN1_TIME_to_tm) \
    X(BIO_ctrl) \
    X(BIO_free) \
    X(BIO_new) \
    X(BIO_new_mem_buf) \
    X(BIO_s_mem) \
    X(BN_bin2bn) \
    X(BN_bn2dec) \
    X(BN_bn2hex) \
    X(BN_free) \
    X(BN_to_ASN1_INTEGER) \
    X(CRYPTO_free) \
    X(CRYPTO_memcmp) \
    X(ERR_clear_error) \
    X(ERR_error_string_n) \
    X(ERR_get_error) \
    X(EVP_CIPHER_CTX_ctrl) \
    X(EVP_CIPHER_CTX_free) \
    X(EVP_CIPHER_CTX_new) \
    X(EVP_DecryptFinal_ex) \
    X(EVP_DecryptInit_ex) \
    X(EVP_DecryptUpdate) \
    X(EVP_Digest) \
    X(EVP_DigestSign) \
    X(EVP_DigestSignInit) \
    X(EVP_DigestVerify) \
    X(EVP_DigestVerifyInit) \
    X(EVP_EncryptFinal_ex) \
    X(EVP_EncryptInit_ex) \
    X(EVP_EncryptUpdate) \
    X(EVP_KDF_CTX_free) \
    X(EVP_KDF_CTX_new) \
    X(EVP_KDF_derive) \
    X(EVP_KDF_fetch) \
    X(EVP_KDF_free) \
    X(EVP_MD_CTX_free) \
    X(EVP_MD_CTX_new) \
    X(EVP_PKEY_CTX_free) \
    X(EVP_PKEY_CTX_new_from_name) \
    X(EVP_PKEY_CTX_set_rsa_keygen_bits) \
    X(EVP_PKEY_free) \
    X(EVP_PKEY_generate) \
    X(EVP_PKEY_get_base_id) \
    X(EVP_PKEY_keygen_init) \
    X(EVP_Q_mac) \
    X(EVP_aes_256_gcm) \
    X(EVP_sha256) \
    X(OPENSSL_sk_free) \
    X(OPENSSL_sk_new_null) \
    X(OPENSSL_sk_push) \
    X(OSSL_PARAM_construct_end) \
    X(OSSL_PARAM_construct_octet_string) \
    X(OSSL_PARAM_construct_utf8_string) \
    X(PEM_read_bio_PUBKEY) \
    X(PEM_read_bio_PrivateKey) \
    X(PEM_read_bio_X509) \
    X(PEM_write_bio_PUBKEY) \
    X(PEM_write_bio_PrivateKey) \
    X(PEM_write_bio_X509) \
    X(PKCS5_PBKDF2_HMAC) \
    X(RAND_bytes) \
    X(X509V3_EXT_conf_nid) \
    X(X509V3_set_ctx) \
    X(X509_EXTENSION_free) \
    X(X509_NAME_ENTRY_get_data) \
    X(X509_NAME_add_entry_by_txt) \
    X(X509_NAME_get_entry) \
    X(X509_NAME_get_index_by_NID) \
    X(X509_STORE_CTX_free) \
    X(X509_STORE_CTX_get_error) \
    X(X509_STORE_CTX_init) \
    X(X509_STORE_CTX_new) \
    X(X509_STORE_CTX_set_time) \
    X(X509_STORE_add_cert) \
    X(X509_STORE_free) \
    X(X509_STORE_new) \
    X(X509_add_ext) \
    X(X509_free) \
    X(X509_get0_notAfter) \
    X(X509_get0_notBefore) \
    X(X509_get0_serialNumber) \
    X(X509_get_pubkey) \
    X(X509_get_serialNumber) \
    X(X509_get_subject_name) \
    X(X509_getm_notAfter) \
    X(X509_getm_notBefore) \
    X(X509_new) \
    X(X509_set_issuer_name) \
    X(X509_set_pubkey) \
    X(X509_set_version) \
    X(X509_sign) \
    X(X509_verify_cert) \
    X(X509_verify_cert_error_string)

struct pd_crypto_api {
#define PD_CRYPTO_FIELD(name) __typeof__(&name) _Nonnull name;
    PD_CRYPTO_FUNCTIONS(PD_CRYPTO_FIELD)
#undef PD_CRYPTO_FIELD
};

/* why the table is filled into the caller's memory, not a static here: a header's static is one per
   object file that uses it (one per Swift file in a debug build); Swift's `libcrypto` is one per process. */
/// Opens libcrypto.so.3 and fills `api`; 1 when done, else 0 with the reason in `error`.
static inline int pd_crypto_load(struct pd_crypto_api *api, char *error, size_t size) {
    void *library = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(error, size, "%s", reason ? reason : "libcrypto.so.3: cannot open shared object file");
        return 0;
    }
#define PD_CRYPTO_SYMBOL(name) \
    *(void **)(&api->name) = dlsym(library, #name); \
    if (api->name == NULL) { snprintf(error, size, "libcrypto.so.3 lacks %s", #name); return 0; }
    PD_CRYPTO_FUNCTIONS(PD_CRYPTO_SYMBOL)
#undef PD_CRYPTO_SYMBOL
    return 1;
}
#endif
