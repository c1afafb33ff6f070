/*
 * SO_REUSEPORT for lwbsd's workers (lwbsd.workers > 1): every worker binds
 * its own UDP sockets to the same address and port, and the kernel hashes
 * each datagram's 4-tuple to one of them, so one client's DTLS session
 * always reaches the same worker.
 *
 * libcoap 4.3.5 sets only SO_REUSEADDR before bind() and offers no hook.
 * lwbsd links libcoap statically with `-Wl,--wrap=bind` (src/cmd/meson.build):
 * every bind() in the executable, libcoap's included, goes through
 * __wrap_bind() (reuseport.c), which adds SO_REUSEPORT to UDP sockets once
 * net_reuseport_enable() was called. This file is linked into lwbsd only.
 */
#ifndef LWBS_NET_REUSEPORT_H
#define LWBS_NET_REUSEPORT_H

/* From now on, UDP sockets bound in this process get SO_REUSEPORT. */
void net_reuseport_enable(void);

#endif
