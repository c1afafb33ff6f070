#include "net/coaplog.h"

#include <string.h>

#include "util/log.h"

void coaplog_emit(coap_log_t level, const char *message)
{
	size_t n = strlen(message);

	if (n > 0 && message[n - 1] == '\n')
		n--;
	if (level <= COAP_LOG_ERR)
		log_err("coap: %.*s", (int)n, message);
	else if (level == COAP_LOG_WARN)
		log_warn("coap: %.*s", (int)n, message);
	else
		log_debug("coap: %.*s", (int)n, message);
}

void coaplog_install(void)
{
	coap_set_log_handler(coaplog_emit);
	coap_set_log_level(log_debug_enabled() ? COAP_LOG_DEBUG : COAP_LOG_WARN);
	coap_dtls_set_log_level(log_debug_enabled() ? COAP_LOG_DEBUG : COAP_LOG_WARN);
}
