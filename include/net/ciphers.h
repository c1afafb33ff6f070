/*
 * Cipher suites of lwbs's own DTLS clients (`lwbs bench --ciphers`).
 *
 * libcoap 4.3.5 fixes its wolfSSL cipher list at compile time
 * (COAP_WOLFSSL_PSK_CIPHERS) and applies it to every new session with
 * wolfSSL_set_cipher_list(). The lwbs executable is linked with
 * `-Wl,--wrap=wolfSSL_set_cipher_list` and `--wrap=wolfDTLS_method`
 * (src/cmd/meson.build) so that ciphers.c can substitute the list chosen here, e.g.
 * "PSK-AES128-CCM-8" to benchmark TLS_PSK_WITH_AES_128_CCM_8. A list without a TLS13 suite also
 * caps the version at DTLS 1.2. Linked into lwbs only.
 */
#ifndef LWBS_NET_CIPHERS_H
#define LWBS_NET_CIPHERS_H

/* Sessions created from now on offer only list (wolfSSL names, ':'-separated; not copied). */
void net_ciphers_override(const char *list);

#endif
