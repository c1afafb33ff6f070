/* Socket addresses from the literal text operators type (config, options). */
#ifndef LWBS_NET_ADDR_H
#define LWBS_NET_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include <coap3/coap.h>

/*
 * host: a literal IPv4 or IPv6 address (no name lookup, no brackets); port in
 * host order. Fills out (family, address, port, size) and returns 0, or
 * -EINVAL when host is not a literal address (out is then unspecified).
 */
int net_addr_parse(const char *host, uint16_t port, coap_address_t *out);

/*
 * a as text for logs and audit records, as libcoap's coap_print_addr() has
 * it: "192.0.2.1:5683", "[2001:db8::1]:5683" (IPv4-mapped IPv6 stays IPv6).
 * Always NUL-terminates a cap > 0, truncating; "" for a NULL a or another
 * family. IPv4 is formatted by hand: lwbsd formats every client's peer.
 */
void net_addr_format(const coap_address_t *a, char *out, size_t cap);

#endif
