// SPDX-License-Identifier: BSD-3-Clause
/*
 * The rpmsg header and name-service record: encode to local memory, decode from shared memory
 * with every field read once before it is checked.
 */
#include <string.h>

#include "amp/error.h"
#include "amp/rpmsg_wire.h"
#include "io_access.h"
#include "mutant.h"

/* Header field offsets (Linux struct rpmsg_hdr, packed). */
#define HDR_SRC      0
#define HDR_DST      4
#define HDR_RESERVED 8
#define HDR_LEN      12
#define HDR_FLAGS    14

/* Name-service record offsets (Linux struct rpmsg_ns_msg, packed). */
#define NS_NAME  0
#define NS_ADDR  32
#define NS_FLAGS 36

static void put16(uint8_t *p, bool swap, uint16_t v)
{
	v = amp_ring16(swap, v);
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, bool swap, uint32_t v)
{
	v = amp_ring32(swap, v);
	memcpy(p, &v, sizeof(v));
}

static uint16_t get16(const uint8_t *p, bool swap)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return amp_ring16(swap, v);
}

static uint32_t get32(const uint8_t *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return amp_ring32(swap, v);
}

/* A name is valid when it has 1..31 characters followed by a NUL within the 32 bytes. */
static size_t name_length(const char *name, size_t max)
{
	size_t n = 0;

	while (n < max && name[n])
		n++;
	return n;
}

const char *amp_rpmsg_defect_name(enum amp_rpmsg_defect defect)
{
	static const char *const names[AMP_RPMSG_DEFECT_COUNT] = {
		[AMP_RPMSG_VALID] = "valid",
		[AMP_RPMSG_BUFFER_TOO_SHORT] = "fewer bytes than a header",
		[AMP_RPMSG_LEN_OVER_BUFFER] = "payload length beyond the bytes delivered",
		[AMP_RPMSG_ADDR_ANY_USED] = "source or destination is RPMSG_ADDR_ANY",
		[AMP_RPMSG_NS_BAD_SIZE] = "name-service message is not 40 bytes",
		[AMP_RPMSG_NS_NAME_UNTERMINATED] = "name-service name not NUL-terminated",
		[AMP_RPMSG_NS_NAME_EMPTY] = "name-service name is empty",
		[AMP_RPMSG_NS_ADDR_RESERVED] = "name service announces a reserved address",
		[AMP_RPMSG_USED_LEN_OVER_BUFFER] = "used length beyond the buffer",
	};

	if ((unsigned int)defect >= AMP_RPMSG_DEFECT_COUNT)
		return "unknown";
	return names[defect];
}

void amp_rpmsg_hdr_encode(const struct amp_rpmsg_hdr *hdr, enum amp_byte_order order,
			  uint8_t out[AMP_RPMSG_HDR_SIZE])
{
	bool swap = amp_order_swaps(order);

	put32(out + HDR_SRC, swap, hdr->src);
	put32(out + HDR_DST, swap, hdr->dst);
	put32(out + HDR_RESERVED, swap, hdr->reserved);
	put16(out + HDR_LEN, swap, hdr->len);
	put16(out + HDR_FLAGS, swap, hdr->flags);
}

enum amp_rpmsg_defect amp_rpmsg_hdr_decode(const volatile void *buf, uint32_t delivered,
					   enum amp_byte_order order, struct amp_rpmsg_hdr *hdr)
{
	uint8_t raw[AMP_RPMSG_HDR_SIZE];
	bool swap = amp_order_swaps(order);
	struct amp_rpmsg_hdr h;

	if (delivered < AMP_RPMSG_HDR_SIZE)
		return AMP_RPMSG_BUFFER_TOO_SHORT;
	/* One copy: the peer may change the buffer while we look at it. */
	amp_copy_in(raw, buf, sizeof(raw));
	h.src = get32(raw + HDR_SRC, swap);
	h.dst = get32(raw + HDR_DST, swap);
	h.reserved = get32(raw + HDR_RESERVED, swap);
	h.len = get16(raw + HDR_LEN, swap);
	h.flags = get16(raw + HDR_FLAGS, swap);
	if (h.len > delivered - AMP_RPMSG_HDR_SIZE)
		return AMP_RPMSG_LEN_OVER_BUFFER;
	if (h.src == AMP_RPMSG_ADDR_ANY || h.dst == AMP_RPMSG_ADDR_ANY)
		return AMP_RPMSG_ADDR_ANY_USED;
	*hdr = h;
	return AMP_RPMSG_VALID;
}

int amp_rpmsg_ns_encode(const char *name, uint32_t addr, uint32_t flags, enum amp_byte_order order,
			uint8_t out[AMP_RPMSG_NS_MSG_SIZE])
{
	bool swap = amp_order_swaps(order);
	size_t n = name ? name_length(name, AMP_RPMSG_NAME_SIZE) : 0;

	if (!n || n >= AMP_RPMSG_NAME_SIZE || addr == AMP_RPMSG_ADDR_ANY ||
	    addr == AMP_RPMSG_NS_ADDR)
		return -AMP_EINVAL;
	/* Zero padding, as Linux's strscpy_pad(): no stale bytes of ours go on the wire. */
	memset(out, 0, AMP_RPMSG_NS_MSG_SIZE);
	/* Mutant: the padding is not NUL but '_', so the name runs to the end of its 32 bytes
	 * unterminated (NS-003). */
	if (AMP_MUTANT_IS(NS_NAME_UNTERMINATED))
		memset(out + NS_NAME, '_', AMP_RPMSG_NAME_SIZE);
	memcpy(out + NS_NAME, name, n);
	put32(out + NS_ADDR, swap, addr);
	put32(out + NS_FLAGS, swap, flags);
	return 0;
}

enum amp_rpmsg_defect amp_rpmsg_ns_decode(const volatile void *payload, uint32_t len,
					  enum amp_byte_order order, struct amp_rpmsg_ns_msg *ns)
{
	uint8_t raw[AMP_RPMSG_NS_MSG_SIZE];
	bool swap = amp_order_swaps(order);
	size_t n;
	uint32_t addr;

	if (len != AMP_RPMSG_NS_MSG_SIZE)
		return AMP_RPMSG_NS_BAD_SIZE;
	amp_copy_in(raw, payload, sizeof(raw));
	/* Linux forces name[31] = 0 ("don't trust the remote processor for null terminating the
	 * name"); we reject instead, so that a truncated name never creates a channel. */
	n = name_length((const char *)raw + NS_NAME, AMP_RPMSG_NAME_SIZE);
	if (n == AMP_RPMSG_NAME_SIZE)
		return AMP_RPMSG_NS_NAME_UNTERMINATED;
	if (!n)
		return AMP_RPMSG_NS_NAME_EMPTY;
	addr = get32(raw + NS_ADDR, swap);
	if (addr == AMP_RPMSG_ADDR_ANY || addr == AMP_RPMSG_NS_ADDR)
		return AMP_RPMSG_NS_ADDR_RESERVED;
	memset(ns->name, 0, sizeof(ns->name));
	memcpy(ns->name, raw + NS_NAME, n);
	ns->addr = addr;
	ns->flags = get32(raw + NS_FLAGS, swap);
	return AMP_RPMSG_VALID;
}
