/* net_addr_parse() (net/addr.h). */
#include "net/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

int net_addr_parse(const char *host, uint16_t port, coap_address_t *out)
{
	coap_address_init(out);
	memset(&out->addr, 0, sizeof(out->addr));
	if (inet_pton(AF_INET, host, &out->addr.sin.sin_addr) == 1) {
		out->addr.sin.sin_family = AF_INET;
		out->addr.sin.sin_port = htons(port);
		out->size = sizeof(out->addr.sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &out->addr.sin6.sin6_addr) == 1) {
		out->addr.sin6.sin6_family = AF_INET6;
		out->addr.sin6.sin6_port = htons(port);
		out->size = sizeof(out->addr.sin6);
		return 0;
	}
	return -EINVAL;
}
