#!/usr/bin/env bash
# Builds the two dependencies Debian 12 cannot supply as LwM2M needs them
# (wolfSSL with static PSK + CCM_8, libcoap with its wolfSSL backend) from
# Debian source packages, statically, into a cache keyed on versions and flags.
#
# Usage: packaging/deps.sh            prints the install prefix on stdout
# Env:   LWBS_DEPS_CACHE (default /var/cache/lwbs-deps)
#
# Sources come from newer Debian suites through a private apt configuration
# derived from the machine's own /etc/apt/sources.list.d/debian.sources, so
# apt's signed Sources indexes vouch for the tarballs; the system's apt
# configuration is never modified.
set -euo pipefail

WOLFSSL_VERSION=5.7.2
WOLFSSL_SUITE=trixie
LIBCOAP_VERSION=4.3.5
LIBCOAP_SUITE=forky

WOLFSSL_FLAGS=(--enable-static --disable-shared --enable-dtls --enable-dtls13
	--enable-dtlscid --enable-dtls-frag-ch --enable-dtls-mtu --enable-psk
	--enable-aesccm --enable-ecc --enable-rpk --enable-opensslall
	--enable-opensslextra --enable-alpn --enable-sni
	--enable-context-extra-user-data --enable-certgen --enable-certreq
	--enable-certext --enable-keygen --disable-examples --disable-crypttests
	--disable-benchmark
	# SP math with x86-64 assembly: P-256 ECDHE 8x, ECDSA sign 20x, verify 6x
	# faster than the generic code (README.md, Performance).
	--enable-sp --enable-sp-asm
	# No locks: lwbsd and lwbs are single-threaded (workers are processes).
	# It also lets the libcoap patch give each wolfSSL context one DRBG for
	# all its sessions (item 8; each wolfSSL_new() otherwise instantiates
	# its own and reruns the DRBG self-test: 18 % of a PSK bootstrap's
	# user-space instructions).
	--enable-singlethreaded)
# x86-64: AES-NI and AVX2 SHA-256/AES-GCM, chosen at run time by CPUID, so
# the build still runs on CPUs without them. The bare DTLS 1.2 PSK handshake
# went from 47 to 18 us, DTLS 1.3 PSK bootstraps from 307 to 224 us
# (README.md, Performance).
[ "$(uname -m)" != x86_64 ] || WOLFSSL_FLAGS+=(--enable-intelasm)
WOLFSSL_CFLAGS="-O2 -fPIC -DWOLFSSL_STATIC_PSK -DDTLS_CID_MAX_SIZE=8 -DWOLFSSL_GETRANDOM"
LIBCOAP_FLAGS=(--with-wolfssl --enable-dtls --enable-static --disable-shared
	--disable-doxygen --disable-manpages --disable-documentation
	--disable-tests)
LIBCOAP_CFLAGS="-O2 -fPIC"

log() { echo "deps: $*" >&2; }
die() { echo "deps: error: $*" >&2; exit 1; }

# Our patches to libcoap (each file's header says what and why).
here=$(cd "$(dirname "$0")" && pwd)
LIBCOAP_PATCHES=("$here"/patches/libcoap-"$LIBCOAP_VERSION"-*.patch)
[ -f "${LIBCOAP_PATCHES[0]}" ] || LIBCOAP_PATCHES=()

key=$( { printf '%s\n' "$WOLFSSL_VERSION" "${WOLFSSL_FLAGS[*]}" "$WOLFSSL_CFLAGS" \
	"$LIBCOAP_VERSION" "${LIBCOAP_FLAGS[*]}" "$LIBCOAP_CFLAGS" "$(gcc -dumpfullversion)"
	[ ${#LIBCOAP_PATCHES[@]} -eq 0 ] || cat "${LIBCOAP_PATCHES[@]}"; } |
	sha256sum | cut -c1-16)
cache=${LWBS_DEPS_CACHE:-/var/cache/lwbs-deps}
prefix=$cache/$key
if [ -f "$prefix/.complete" ]; then
	echo "$prefix"
	exit 0
fi

work=$(mktemp -d /tmp/lwbs-deps.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A private apt tree: deb-src for the suites we need, derived from the
# machine's own mirror and keyring so no host name lives in this repository.
apt_setup() {
	local src=/etc/apt/sources.list.d/debian.sources
	[ -r "$src" ] || die "$src not found: cannot derive a deb-src entry"
	mkdir -p "$work/apt/parts" "$work/apt/lists/partial"
	# Keep only the first stanza (the main archive), turn it into deb-src
	# for our suites.
	awk 'BEGIN{RS="";ORS="\n\n"} NR==1' "$src" |
		sed -e 's/^Types:.*/Types: deb-src/' \
		    -e "s/^Suites:.*/Suites: $WOLFSSL_SUITE $LIBCOAP_SUITE/" \
		    -e '/^#/d' >"$work/apt/parts/lwbs.sources"
	APT=(apt-get -o Dir::Etc::sourcelist=/dev/null
		-o Dir::Etc::sourceparts="$work/apt/parts"
		-o Dir::State::Lists="$work/apt/lists"
		-o Dir::Cache="$work/apt/cache"
		-o APT::Sandbox::User=root)
	mkdir -p "$work/apt/cache/archives/partial"
	"${APT[@]}" update -qq >&2 || die "apt-get update of the private source index failed"
}

# Newest Debian revision of upstream version $2 of source package $1 in suite $3.
pick_version() {
	local pkg=$1 up=$2 suite=$3 v f
	f=$(ls "$work"/apt/lists/*_"$suite"_main_source_Sources* 2>/dev/null | head -n1)
	[ -n "$f" ] || die "no Sources index for $suite: is the suite still served?"
	v=$(/usr/lib/apt/apt-helper cat-file "$f" |
		awk -v pkg="$pkg" -v up="$up" '
			/^Package: /{p=$2} /^Version: /{ver=$2}
			/^$/{ if (p==pkg && index(ver, up "-")==1) print ver; p=""; ver="" }' |
		sort -V | tail -n1)
	[ -n "$v" ] || die "Debian $suite no longer serves $pkg $up; pin a newer upstream version and suite at the top of packaging/deps.sh and re-check the libcoap/wolfSSL defect workarounds in src/net/dtls.c"
	echo "$v"
}

fetch_wolfssl() {
	local v
	v=$(pick_version wolfssl "$WOLFSSL_VERSION" "$WOLFSSL_SUITE")
	log "wolfssl $v from $WOLFSSL_SUITE"
	(cd "$work" && "${APT[@]}" source --download-only -qq "wolfssl=$v" >&2) ||
		die "apt-get source wolfssl=$v failed"
	(cd "$work" && dpkg-source -x --skip-debianization ./wolfssl_*.dsc wolfssl-src >/dev/null 2>&1 ||
		dpkg-source -x ./wolfssl_*.dsc wolfssl-src >&2)
}

fetch_libcoap() {
	local v
	v=$(pick_version libcoap3 "$LIBCOAP_VERSION" "$LIBCOAP_SUITE")
	log "libcoap3 $v from $LIBCOAP_SUITE (orig tarball)"
	(cd "$work" && "${APT[@]}" source --download-only --tar-only -qq "libcoap3=$v" >&2) ||
		die "apt-get source libcoap3=$v failed"
	mkdir -p "$work/libcoap-src"
	tar -xf "$work"/libcoap3_*.orig.tar.* -C "$work/libcoap-src" --strip-components=1
	local p
	for p in "${LIBCOAP_PATCHES[@]}"; do
		log "applying $(basename "$p")"
		patch -d "$work/libcoap-src" -p1 --quiet --forward <"$p" >&2 ||
			die "$(basename "$p") does not apply to libcoap $v"
	done
}

build_wolfssl() {
	log "building wolfSSL"
	cd "$work/wolfssl-src"
	[ -x ./configure ] || ./autogen.sh >&2
	./configure --prefix="$prefix" "${WOLFSSL_FLAGS[@]}" CFLAGS="$WOLFSSL_CFLAGS" >&2
	make -j"$(nproc)" >&2
	make install >&2
}

build_libcoap() {
	log "building libcoap"
	cd "$work/libcoap-src"
	[ -x ./configure ] || ./autogen.sh >&2
	PKG_CONFIG_PATH="$prefix/lib/pkgconfig" ./configure --prefix="$prefix" \
		"${LIBCOAP_FLAGS[@]}" CFLAGS="$LIBCOAP_CFLAGS" >&2
	make -j"$(nproc)" >&2
	make install >&2
}

apt_setup
fetch_wolfssl
fetch_libcoap
rm -rf "$prefix"
mkdir -p "$prefix"
build_wolfssl
build_libcoap
touch "$prefix/.complete"
echo "$prefix"
