#ifndef PAYDESK_CMICROHTTPD_SHIM_H
#define PAYDESK_CMICROHTTPD_SHIM_H
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <dlfcn.h>
#include <microhttpd.h>

/* libmicrohttpd (Debian libmicrohttpd-dev), loaded on first use, like libcurl (CCurl's shim).
   why not `link "microhttpd"`: a linked libmicrohttpd brings GnuTLS and its eight libraries (p11-kit,
   nettle, hogweed, gmp, idn2, unistring, tasn1, ffi) into every start of the program, and the dynamic
   loader binding them was a tenth of a `paydesk query`. Only `paydesk serve` (and the tests and
   `bench serve` that serve) answer HTTP, so the library is opened there, once, with dlopen.
   why wrappers: libmicrohttpd's start, info and log entry points are C variadics (or take a va_list),
   which Swift cannot call or implement; Swift calls the rest through the table below. These small
   wrappers are the whole bridge; no HTTP is parsed here. */

struct pd_mhd_api {
    /* why __typeof__: each pointer has exactly the type microhttpd.h declares, none written again here. */
    __typeof__(&MHD_start_daemon) _Nonnull start_daemon;
    __typeof__(&MHD_quiesce_daemon) _Nonnull quiesce_daemon;
    __typeof__(&MHD_stop_daemon) _Nonnull stop_daemon;
    __typeof__(&MHD_create_response_from_buffer) _Nonnull create_response_from_buffer;
    __typeof__(&MHD_destroy_response) _Nonnull destroy_response;
    __typeof__(&MHD_add_response_header) _Nonnull add_response_header;
    __typeof__(&MHD_queue_response) _Nonnull queue_response;
    __typeof__(&MHD_get_connection_values) _Nonnull get_connection_values;
    __typeof__(&MHD_get_connection_info) _Nonnull get_connection_info;
};

/* why the table is filled into the caller's memory, not a static here: a header's static is one per
   object file that uses it (one per Swift file in a debug build); PayHTTP's `MicroHTTPD.table` is one per process. */
/// Opens libmicrohttpd.so.12 and fills `api`; 1 when done, else 0 with the reason in `error`.
static inline int pd_mhd_load(struct pd_mhd_api *api, char *error, size_t size) {
    void *library = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(error, size, "libmicrohttpd is not installed (%s)", reason ? reason : "libmicrohttpd.so.12 not found");
        return 0;
    }
#define PD_MHD_SYMBOL(field, name) \
    *(void **)(&api->field) = dlsym(library, name); \
    if (api->field == NULL) { snprintf(error, size, "libmicrohttpd lacks %s", name); return 0; }
    PD_MHD_SYMBOL(start_daemon, "MHD_start_daemon")
    PD_MHD_SYMBOL(quiesce_daemon, "MHD_quiesce_daemon")
    PD_MHD_SYMBOL(stop_daemon, "MHD_stop_daemon")
    PD_MHD_SYMBOL(create_response_from_buffer, "MHD_create_response_from_buffer")
    PD_MHD_SYMBOL(destroy_response, "MHD_destroy_response")
    PD_MHD_SYMBOL(add_response_header, "MHD_add_response_header")
    PD_MHD_SYMBOL(queue_response, "MHD_queue_response")
    PD_MHD_SYMBOL(get_connection_values, "MHD_get_connection_values")
    PD_MHD_SYMBOL(get_connection_info, "MHD_get_connection_info")
#undef PD_MHD_SYMBOL
    return 1;
}

/// A log line from libmicrohttpd, already formatted.
typedef void (*pd_mhd_log_line)(void *cls, const char *line);

struct pd_mhd_logger {
    pd_mhd_log_line line;
    void *cls;
};

static void pd_mhd_format_log(void *cls, const char *fm, va_list ap) {
    struct pd_mhd_logger *logger = (struct pd_mhd_logger *)cls;
    char buffer[512];
    vsnprintf(buffer, sizeof buffer, fm, ap);
    size_t length = strlen(buffer);
    while (length > 0 && (buffer[length - 1] == '\n' || buffer[length - 1] == '\r')) buffer[--length] = '\0';
    if (logger != NULL && logger->line != NULL) logger->line(logger->cls, buffer);
}

/// What `pd_mhd_start` needs; `listen_fd` is a socket already bound and listening.
struct pd_mhd_config {
    unsigned int flags;
    int listen_fd;
    unsigned int threads;
    unsigned int connection_limit;
    unsigned int per_ip_connection_limit;
    size_t connection_memory_limit;
    unsigned int connection_timeout_seconds;
    MHD_AccessHandlerCallback access;
    void *access_cls;
    MHD_RequestCompletedCallback completed;
    void *completed_cls;
    void *(*uri_log)(void *cls, const char *uri, struct MHD_Connection *connection);
    void *uri_log_cls;
    MHD_NotifyConnectionCallback connection_notify;
    void *connection_notify_cls;
    struct pd_mhd_logger *logger;
};

static inline struct MHD_Daemon *pd_mhd_start(const struct pd_mhd_api *api, const struct pd_mhd_config *config) {
    struct MHD_OptionItem options[12];
    unsigned int n = 0;
    /* the logger first, so start-up messages reach it too */
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)pd_mhd_format_log, config->logger };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET, (intptr_t)config->listen_fd, NULL };
    if (config->threads > 1) /* a thread pool; 0 with MHD_USE_THREAD_PER_CONNECTION */
        options[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)config->threads, NULL };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, (intptr_t)config->connection_limit, NULL };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)config->per_ip_connection_limit, NULL };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)config->connection_memory_limit, NULL };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)config->connection_timeout_seconds, NULL };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)config->completed, config->completed_cls };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)config->uri_log, config->uri_log_cls };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)config->connection_notify, config->connection_notify_cls };
    options[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    return api->start_daemon(config->flags, 0, NULL, NULL, config->access, config->access_cls,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

/// The client's numeric address ("127.0.0.1", "::1") into `buffer`; "" when unknown.
static inline void pd_mhd_client_address(const struct pd_mhd_api *api, struct MHD_Connection *connection, char *buffer, size_t size) {
    buffer[0] = '\0';
    const union MHD_ConnectionInfo *info = api->get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return;
    const struct sockaddr *address = info->client_addr;
    if (address->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)address)->sin_addr, buffer, (socklen_t)size);
    } else if (address->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)address)->sin6_addr, buffer, (socklen_t)size);
    }
}

#endif
