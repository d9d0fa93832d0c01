/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: the rpmsg wire format
 *
 * Every rpmsg buffer starts with a 16-byte header; a message to address 53 carries a 40-byte
 * name-service record. No virtio specification defines them: the format is the one Linux
 * (drivers/rpmsg/virtio_rpmsg_bus.c, rpmsg_ns.c), OpenAMP and rpmsg-lite share. All fields are
 * in the link's byte order, which on remoteproc is the host's (the vdev is a legacy device).
 *
 * These functions encode into local memory and decode from shared memory without trusting it:
 * each field is read once, and a decode either fills the caller's structure with values that
 * obey the rules below or names the first rule the bytes break (&enum amp_rpmsg_defect).
 */
#ifndef AMP_RPMSG_WIRE_H
#define AMP_RPMSG_WIRE_H

#include <stdint.h>

#include "io.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMP_RPMSG_ADDR_ANY           0xffffffffu /* "no address"; never on the wire */
#define AMP_RPMSG_NS_ADDR            53u         /* the name service's address */
#define AMP_RPMSG_RESERVED_ADDRESSES 1024u       /* first dynamically allocated address */
#define AMP_RPMSG_NAME_SIZE          32u         /* names: up to 31 characters and a NUL */
#define AMP_RPMSG_HDR_SIZE           16u
#define AMP_RPMSG_NS_MSG_SIZE        40u
#define AMP_RPMSG_BUF_SIZE           512u /* Linux's buffer size; peers learn it from desc.len */

/* Name-service flags: bit 0 tells creation from destruction. */
#define AMP_RPMSG_NS_CREATE  0u
#define AMP_RPMSG_NS_DESTROY 1u

/* rpmsg device feature bit: the name service is available (the only upstream rpmsg bit). */
#define AMP_VIRTIO_RPMSG_F_NS 0

/**
 * struct amp_rpmsg_hdr - a message header in CPU byte order
 * @src: sender's endpoint address
 * @dst: receiver's endpoint address
 * @reserved: senders write 0; receivers ignore it (OpenAMP and rpmsg-lite use it as scratch)
 * @len: payload length in bytes
 * @flags: senders write 0; receivers ignore it
 */
struct amp_rpmsg_hdr {
	uint32_t src;
	uint32_t dst;
	uint32_t reserved;
	uint16_t len;
	uint16_t flags;
};

/**
 * struct amp_rpmsg_ns_msg - a name-service record in CPU byte order
 * @name: the service name, NUL-terminated within the 32 bytes
 * @addr: the endpoint address being announced or withdrawn
 * @flags: AMP_RPMSG_NS_CREATE or AMP_RPMSG_NS_DESTROY in bit 0; other bits are passed on
 */
struct amp_rpmsg_ns_msg {
	char name[AMP_RPMSG_NAME_SIZE];
	uint32_t addr;
	uint32_t flags;
};

/**
 * enum amp_rpmsg_defect - why received bytes are not a valid message
 * @AMP_RPMSG_VALID: no defect
 * @AMP_RPMSG_BUFFER_TOO_SHORT: fewer than 16 bytes were delivered (Linux does not check this)
 * @AMP_RPMSG_LEN_OVER_BUFFER: 16 + hdr.len exceeds the bytes delivered (RPMSG-002)
 * @AMP_RPMSG_ADDR_ANY_USED: src or dst is RPMSG_ADDR_ANY (RPMSG-004)
 * @AMP_RPMSG_NS_BAD_SIZE: a name-service payload that is not 40 bytes (NS-002)
 * @AMP_RPMSG_NS_NAME_UNTERMINATED: no NUL within the 32 name bytes (NS-003)
 * @AMP_RPMSG_NS_NAME_EMPTY: the name is empty
 * @AMP_RPMSG_NS_ADDR_RESERVED: the record announces RPMSG_ADDR_ANY or the name service's own
 *	address 53 (NS-005)
 * @AMP_RPMSG_USED_LEN_OVER_BUFFER: the peer says it wrote more bytes than the buffer holds
 *	(RPMSG-002; found by the transport, not by the decoders here)
 * @AMP_RPMSG_DEFECT_COUNT: number of values
 */
enum amp_rpmsg_defect {
	AMP_RPMSG_VALID = 0,
	AMP_RPMSG_BUFFER_TOO_SHORT,
	AMP_RPMSG_LEN_OVER_BUFFER,
	AMP_RPMSG_ADDR_ANY_USED,
	AMP_RPMSG_NS_BAD_SIZE,
	AMP_RPMSG_NS_NAME_UNTERMINATED,
	AMP_RPMSG_NS_NAME_EMPTY,
	AMP_RPMSG_NS_ADDR_RESERVED,
	AMP_RPMSG_USED_LEN_OVER_BUFFER,
	AMP_RPMSG_DEFECT_COUNT
};

/**
 * amp_rpmsg_defect_name() - short description of a defect
 * @defect: the defect
 *
 * Return: a static string.
 */
const char *amp_rpmsg_defect_name(enum amp_rpmsg_defect defect);

/**
 * amp_rpmsg_hdr_encode() - lay out a header
 * @hdr: the header in CPU order
 * @order: byte order of the link
 * @out: the 16 wire bytes
 */
void amp_rpmsg_hdr_encode(const struct amp_rpmsg_hdr *hdr, enum amp_byte_order order,
			  uint8_t out[AMP_RPMSG_HDR_SIZE]);

/**
 * amp_rpmsg_hdr_decode() - read and check the header of a received buffer
 * @buf: the buffer in shared memory
 * @delivered: bytes the sender says it wrote (used.len on vring0) or may have written (the
 *	descriptor length on vring1), already checked against the buffer's size by the ring
 * @order: byte order of the link
 * @hdr: filled when the header is valid
 *
 * Return: AMP_RPMSG_VALID, or the first defect (the header is then not filled).
 */
enum amp_rpmsg_defect amp_rpmsg_hdr_decode(const volatile void *buf, uint32_t delivered,
					   enum amp_byte_order order, struct amp_rpmsg_hdr *hdr);

/**
 * amp_rpmsg_ns_encode() - lay out a name-service record
 * @name: service name, at most 31 characters
 * @addr: endpoint address
 * @flags: AMP_RPMSG_NS_CREATE or AMP_RPMSG_NS_DESTROY
 * @order: byte order of the link
 * @out: the 40 wire bytes; the name is NUL-padded to 32 bytes
 *
 * Return: 0, or -AMP_EINVAL for an empty or too long name or a reserved address.
 */
int amp_rpmsg_ns_encode(const char *name, uint32_t addr, uint32_t flags, enum amp_byte_order order,
			uint8_t out[AMP_RPMSG_NS_MSG_SIZE]);

/**
 * amp_rpmsg_ns_decode() - read and check a name-service record
 * @payload: the message payload in shared memory
 * @len: payload length from the (already validated) header
 * @order: byte order of the link
 * @ns: filled when the record is valid; the name is NUL-terminated
 *
 * Return: AMP_RPMSG_VALID, or the first defect (the record is then not filled).
 */
enum amp_rpmsg_defect amp_rpmsg_ns_decode(const volatile void *payload, uint32_t len,
					  enum amp_byte_order order, struct amp_rpmsg_ns_msg *ns);

#ifdef __cplusplus
}
#endif

#endif /* AMP_RPMSG_WIRE_H */
