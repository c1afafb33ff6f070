/* libcoap's log lines, routed into util/log with our levels and prefix. */
#ifndef LWBS_NET_COAPLOG_H
#define LWBS_NET_COAPLOG_H

#include <coap3/coap.h>

/*
 * Emit one libcoap message (trailing newline dropped) at the matching
 * util/log level, prefixed "coap: ". libcoap never logs PSK keys.
 */
void coaplog_emit(coap_log_t level, const char *message);

/* Route libcoap's logging through coaplog_emit(), verbose when debug logging is on. */
void coaplog_install(void);

#endif
