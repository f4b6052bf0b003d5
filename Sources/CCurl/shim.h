#ifndef PAYDESK_CCURL_SHIM_H
#define PAYDESK_CCURL_SHIM_H
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
/* why: curl.h turns curl_easy_setopt into a type-checking macro under GCC; the calls below go through pointers. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/* libcurl (Debian libcurl4-openssl-dev), loaded on first use.
   why not `link "curl"`: a linked libcurl brings about twenty shared libraries (Kerberos, LDAP, SSH,
   RTMP, GnuTLS, ...) into every start of the program, and the dynamic loader was a third of a
   `paydesk query`. Only the worker's merchant notifications (and `bench serve`'s client) post over
   HTTP, so the library is opened there, once, with dlopen; every other command never maps it.
   why wrappers: curl_easy_setopt and curl_easy_getinfo are C variadics, which Swift cannot call. */

typedef size_t (*pd_curl_write_fn)(char *data, size_t size, size_t count, void *context);

struct pd_curl_api {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *handle);
    CURLcode (*easy_setopt)(CURL *handle, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *handle);
    CURLcode (*easy_getinfo)(CURL *handle, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
    void (*slist_free_all)(struct curl_slist *list);
    int loaded;
    char error[256];
};

/* why function-local statics: Swift emits a header's inline functions, not its global variables. */
static inline struct pd_curl_api *pd_curl_state(void) {
    static struct pd_curl_api api;
    return &api;
}
#define pd_curl (*pd_curl_state())

static void pd_curl_load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(pd_curl.error, sizeof pd_curl.error, "libcurl is not installed (%s)", reason ? reason : "libcurl.so.4 not found");
        return;
    }
#define PD_CURL_SYMBOL(field, name) \
    *(void **)(&pd_curl.field) = dlsym(library, name); \
    if (pd_curl.field == NULL) { snprintf(pd_curl.error, sizeof pd_curl.error, "libcurl lacks %s", name); return; }
    PD_CURL_SYMBOL(global_init, "curl_global_init")
    PD_CURL_SYMBOL(easy_init, "curl_easy_init")
    PD_CURL_SYMBOL(easy_cleanup, "curl_easy_cleanup")
    PD_CURL_SYMBOL(easy_setopt, "curl_easy_setopt")
    PD_CURL_SYMBOL(easy_perform, "curl_easy_perform")
    PD_CURL_SYMBOL(easy_getinfo, "curl_easy_getinfo")
    PD_CURL_SYMBOL(easy_strerror, "curl_easy_strerror")
    PD_CURL_SYMBOL(slist_append, "curl_slist_append")
    PD_CURL_SYMBOL(slist_free_all, "curl_slist_free_all")
#undef PD_CURL_SYMBOL
    if (pd_curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(pd_curl.error, sizeof pd_curl.error, "curl_global_init failed");
        return;
    }
    pd_curl.loaded = 1;
}

/// NULL when libcurl is ready, else why it is not (a static string, kept for the process).
static inline const char *pd_curl_open(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, pd_curl_load);
    return pd_curl.loaded ? NULL : pd_curl.error;
}

/* Each of these needs pd_curl_open() to have answered NULL. */
static inline CURL *pd_curl_easy_init(void) { return pd_curl.easy_init(); }
static inline void pd_curl_easy_cleanup(CURL *handle) { pd_curl.easy_cleanup(handle); }
static inline CURLcode pd_curl_easy_perform(CURL *handle) { return pd_curl.easy_perform(handle); }
static inline const char *pd_curl_easy_strerror(CURLcode code) { return pd_curl.easy_strerror(code); }
static inline struct curl_slist *pd_curl_slist_append(struct curl_slist *list, const char *text) { return pd_curl.slist_append(list, text); }
static inline void pd_curl_slist_free_all(struct curl_slist *list) { pd_curl.slist_free_all(list); }

static inline CURLcode pd_curl_setopt_long(CURL *handle, CURLoption option, long value) { return pd_curl.easy_setopt(handle, option, value); }
static inline CURLcode pd_curl_setopt_string(CURL *handle, CURLoption option, const char *value) { return pd_curl.easy_setopt(handle, option, value); }
static inline CURLcode pd_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) { return pd_curl.easy_setopt(handle, option, value); }
static inline CURLcode pd_curl_setopt_size(CURL *handle, CURLoption option, curl_off_t value) { return pd_curl.easy_setopt(handle, option, value); }
static inline CURLcode pd_curl_setopt_headers(CURL *handle, struct curl_slist *list) { return pd_curl.easy_setopt(handle, CURLOPT_HTTPHEADER, list); }
static inline CURLcode pd_curl_setopt_write(CURL *handle, pd_curl_write_fn function, void *context) {
    CURLcode code = pd_curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, function);
    return code != CURLE_OK ? code : pd_curl.easy_setopt(handle, CURLOPT_WRITEDATA, context);
}
static inline long pd_curl_response_code(CURL *handle) {
    long status = 0;
    return pd_curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK ? status : 0;
}

#endif
