/* Helper threads that never take a signal. */
#ifndef LWBS_UTIL_THREAD_H
#define LWBS_UTIL_THREAD_H

#include <pthread.h>

/*
 * pthread_create() with every signal blocked in the new thread: signals go
 * to the thread that waits for them (lwbsd's loop, whose wait they must
 * interrupt), never to a helper. Returns 0 or the negated pthread error.
 */
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
