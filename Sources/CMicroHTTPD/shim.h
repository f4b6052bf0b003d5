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
#include <microhttpd.h>

/* why: libmicrohttpd's start, info and log entry points are C variadics (or take a va_list), which
   Swift cannot call or implement. These small non-variadic wrappers are the whole bridge; no HTTP
   is parsed here. */

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

static inline struct MHD_Daemon *pd_mhd_start(const struct pd_mhd_config *config) {
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
    return MHD_start_daemon(config->flags, 0, NULL, NULL, config->access, config->access_cls,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

/// The client's numeric address ("127.0.0.1", "::1") into `buffer`; "" when unknown.
static inline void pd_mhd_client_address(struct MHD_Connection *connection, char *buffer, size_t size) {
    buffer[0] = '\0';
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return;
    const struct sockaddr *address = info->client_addr;
    if (address->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)address)->sin_addr, buffer, (socklen_t)size);
    } else if (address->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)address)->sin6_addr, buffer, (socklen_t)size);
    }
}

#endif
