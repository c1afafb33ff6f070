/* net_addr_parse(), net_addr_format() (net/addr.h). */
#include "net/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "util/strjoin.h"

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

void net_addr_format(const coap_address_t *a, char *out, size_t cap)
{
	char text[INET6_ADDRSTRLEN + 8], *p = text;

	if (cap == 0)
		return;
	out[0] = '\0';
	if (a == NULL)
		return;
	if (a->addr.sa.sa_family == AF_INET) {
		const uint8_t *b = (const uint8_t *)&a->addr.sin.sin_addr;
		for (int i = 0; i < 4; i++) {
			p += str_uint(p, b[i]);
			*p++ = i < 3 ? '.' : ':';
		}
		p += str_uint(p, ntohs(a->addr.sin.sin_port));
	} else if (a->addr.sa.sa_family == AF_INET6) {
		*p++ = '[';
		if (inet_ntop(AF_INET6, &a->addr.sin6.sin6_addr, p, INET6_ADDRSTRLEN) == NULL)
			return;
		p += strlen(p);
		*p++ = ']';
		*p++ = ':';
		p += str_uint(p, ntohs(a->addr.sin6.sin6_port));
	} else {
		return;
	}
	*p = '\0';
	str_join(out, cap, text, (char *)NULL);
}
