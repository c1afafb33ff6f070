/* Socket addresses from the literal text operators type (config, options). */
#ifndef LWBS_NET_ADDR_H
#define LWBS_NET_ADDR_H

#include <stdint.h>

#include <coap3/coap.h>

/*
 * host: a literal IPv4 or IPv6 address (no name lookup, no brackets); port in
 * host order. Fills out (family, address, port, size) and returns 0, or
 * -EINVAL when host is not a literal address (out is then unspecified).
 */
int net_addr_parse(const char *host, uint16_t port, coap_address_t *out);

#endif
