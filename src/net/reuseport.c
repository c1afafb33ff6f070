/*
 * The bind() wrapper behind net_reuseport_enable() (net/reuseport.h). Only
 * UDP sockets are touched, and only once enabled: with one worker a second
 * lwbsd on the same port must still fail with EADDRINUSE.
 */
#include "net/reuseport.h"

#include <stdbool.h>
#include <sys/socket.h>

/* Provided by the linker's --wrap=bind; declared here for -Wmissing-prototypes. */
int __real_bind(int fd, const struct sockaddr *addr, socklen_t len);
int __wrap_bind(int fd, const struct sockaddr *addr, socklen_t len);

static bool reuseport;

void net_reuseport_enable(void)
{
	reuseport = true;
}

int __wrap_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	int type = 0, one = 1;
	socklen_t tlen = sizeof(type);

	/* A failure here surfaces as bind()'s EADDRINUSE, which lwbsd reports. */
	if (reuseport && getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) == 0 &&
	    type == SOCK_DGRAM)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	return __real_bind(fd, addr, len);
}
