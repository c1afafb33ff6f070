/* Inside the net module: what dtls.c shares with dtls_rpk.c. */
#ifndef LWBS_NET_DTLS_INT_H
#define LWBS_NET_DTLS_INT_H

#include <coap3/coap.h>
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

/* The WOLFSSL of a DTLS session (defect 7 in net/dtls.h), or NULL. */
WOLFSSL *dtls_ssl(const coap_session_t *session);

#endif
