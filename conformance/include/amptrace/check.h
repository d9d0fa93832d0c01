/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: the conformance checker (docs/conformance.md)
 *
 * A checker takes a trace's events one at a time, rebuilds from the raw stores what each side of
 * every rpmsg link did - device-block status and features, descriptors, avail and used entries
 * and indices, suppression flags and event indices, buffer ownership, rpmsg messages and
 * name-service records, kicks - and judges every rule of the catalogue (conformance/rules.yaml)
 * as it goes. Its memory depends on the board (the shared bytes written, the rings' sizes), not
 * on the trace's length.
 *
 * Links are found in the trace itself: a resource table stored into shared memory (the host's
 * copy into the remote) declares its rpmsg device blocks (a vdev entry of id 7), and a
 * one-byte store to the status byte of a well-formed device block anywhere (a block a firmware
 * declared for a peer) makes that block a link. The initiator that writes the status is the
 * driver; the device is the other initiator that sees the block's memory (or, failing that, the
 * first other initiator to write the link's used rings or block). Kicks are mailbox messages
 * between the two; a FIFO's receiver is learned from who reads it.
 */
#ifndef AMPTRACE_CHECK_H
#define AMPTRACE_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "amptrace/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Violations kept per rule with their events (the count goes on). */
#define AMPCHECK_SHOWN 8
/* One violation's description. */
#define AMPCHECK_TEXT_SIZE 200

/**
 * enum ampcheck_side - whom a rule constrains
 * @AMPCHECK_SIDE_DRIVER: the driver (the side that owns the status and posts buffers)
 * @AMPCHECK_SIDE_DEVICE: the device (the remote)
 * @AMPCHECK_SIDE_BOTH: whichever side did it
 * @AMPCHECK_SIDE_IMAGE: the resource table a firmware image declares (judged as the device's)
 */
enum ampcheck_side {
	AMPCHECK_SIDE_DRIVER = 1,
	AMPCHECK_SIDE_DEVICE = 2,
	AMPCHECK_SIDE_BOTH = 3,
	AMPCHECK_SIDE_IMAGE = 4,
};

/**
 * enum ampcheck_severity - how binding a rule is
 * @AMPCHECK_MUST: the virtio specification's MUST
 * @AMPCHECK_MUST_DERIVED: a direct consequence of a MUST
 * @AMPCHECK_DF_MUST: de facto: breaking it breaks Linux, OpenAMP or rpmsg-lite interoperation
 * @AMPCHECK_SHOULD: the specification's SHOULD
 * @AMPCHECK_DF_SHOULD: a convention peers tolerate breaking
 */
enum ampcheck_severity {
	AMPCHECK_MUST,
	AMPCHECK_MUST_DERIVED,
	AMPCHECK_DF_MUST,
	AMPCHECK_SHOULD,
	AMPCHECK_DF_SHOULD,
};

/**
 * struct ampcheck_rule - one rule of the catalogue
 * @id: e.g. "DRV-001"
 * @side: &enum ampcheck_side
 * @severity: &enum ampcheck_severity
 * @title: one line
 * @observed: what in the trace it reads
 * @check: what it requires
 * @source: the specification section or implementation function it comes from
 * @deviations: bit mask of the &struct ampcheck_deviation a profile may allow
 */
struct ampcheck_rule {
	const char *id;
	unsigned int side;
	unsigned int severity;
	const char *title;
	const char *observed;
	const char *check;
	const char *source;
	uint32_t deviations;
};

/**
 * struct ampcheck_deviation - a violation real implementations commit on purpose
 * @tag: its name
 * @description: who does it and where
 */
struct ampcheck_deviation {
	const char *tag;
	const char *description;
};

/**
 * struct ampcheck_profile - the deviations an implementation family is allowed
 * @name: "strict", "linux", "openamp", "rpmsg-lite"
 * @description: one line
 * @allows: bit mask of deviations reported instead of failed
 */
struct ampcheck_profile {
	const char *name;
	const char *description;
	uint32_t allows;
};

/**
 * enum ampcheck_result - a rule's verdict
 * @AMPCHECK_PASS: exercised, never violated
 * @AMPCHECK_FAIL: violated (a MUST-class rule)
 * @AMPCHECK_WARN: violated (a SHOULD-class rule)
 * @AMPCHECK_DEVIATION: violated only in ways the profile allows
 * @AMPCHECK_NOT_EXERCISED: the trace never gave the rule anything to judge
 * @AMPCHECK_NOT_JUDGED: the rule constrains a side outside --side
 */
enum ampcheck_result {
	AMPCHECK_PASS,
	AMPCHECK_FAIL,
	AMPCHECK_WARN,
	AMPCHECK_DEVIATION,
	AMPCHECK_NOT_EXERCISED,
	AMPCHECK_NOT_JUDGED,
};

/**
 * struct ampcheck_violation - one violating event
 * @seq: the event's number in the trace
 * @time_ps: its time
 * @initiator: who did it (an initiator id of the trace)
 * @side: &enum ampcheck_side of the one who did it (driver or device)
 * @deviation: the deviation it is, or -1
 * @text: what was wrong
 */
struct ampcheck_violation {
	uint64_t seq;
	uint64_t time_ps;
	uint16_t initiator;
	uint8_t side;
	int8_t deviation;
	char text[AMPCHECK_TEXT_SIZE];
};

/**
 * struct ampcheck_verdict - what a rule came to
 * @result: &enum ampcheck_result (after ampcheck_finish())
 * @exercised: how many times the rule had something to judge
 * @violations: violations counted (deviations included)
 * @deviations: of those, the ones the profile allows
 * @shown: entries of @first
 * @first: the first violations
 */
struct ampcheck_verdict {
	enum ampcheck_result result;
	uint64_t exercised;
	uint64_t violations;
	uint64_t deviations;
	unsigned int shown;
	struct ampcheck_violation first[AMPCHECK_SHOWN];
};

/**
 * enum ampcheck_byte_order - the links' byte order
 * @AMPCHECK_ORDER_AUTO: from each device block's type word (3 in one order or the other)
 * @AMPCHECK_ORDER_LITTLE: little-endian
 * @AMPCHECK_ORDER_BIG: big-endian
 */
enum ampcheck_byte_order {
	AMPCHECK_ORDER_AUTO,
	AMPCHECK_ORDER_LITTLE,
	AMPCHECK_ORDER_BIG,
};

/**
 * enum ampcheck_decoded_kind - what the decoder recognised in an event
 * @AMPCHECK_D_LINK: a device block became a link (@addr)
 * @AMPCHECK_D_STATUS: the status changed (@old -> @value)
 * @AMPCHECK_D_FEATURES: DRIVER_OK settled the features (offered @old, accepted @value)
 * @AMPCHECK_D_VRING: a vring's layout (@vring at trace address @addr, device address @old,
 *	@num entries, @align)
 * @AMPCHECK_D_NOTIFYID: the driver placed a vring (@vring, device address @old, notify id @value)
 * @AMPCHECK_D_AVAIL_IDX: avail.idx of @vring published (@old -> @value)
 * @AMPCHECK_D_USED_IDX: used.idx of @vring published (@old -> @value)
 * @AMPCHECK_D_KICK: @side kicked @vring
 * @AMPCHECK_D_MESSAGE: an rpmsg message published by @side on @vring (@src, @dst, @len, @flags,
 *	@payload)
 * @AMPCHECK_D_NS: a name-service record by @side (@name, @addr, @flags: 0 create, 1 destroy)
 * @AMPCHECK_D_RESET: the driver reset the device
 * @AMPCHECK_D_DESC: an avail.idx store exposed descriptor @value of @vring (buffer at trace
 *	address @addr, @len bytes, @flags): the device owns it now
 * @AMPCHECK_D_USED: a used.idx store returned descriptor @value of @vring with used length
 *	@len: the driver owns it again
 * @AMPCHECK_D_SUPPRESSION: @side changed the notification suppression of @vring: @flags is the
 *	field (0 avail.flags, 1 used.flags, 2 used_event, 3 avail_event), @value its new value
 */
enum ampcheck_decoded_kind {
	AMPCHECK_D_LINK,
	AMPCHECK_D_STATUS,
	AMPCHECK_D_FEATURES,
	AMPCHECK_D_VRING,
	AMPCHECK_D_NOTIFYID,
	AMPCHECK_D_AVAIL_IDX,
	AMPCHECK_D_USED_IDX,
	AMPCHECK_D_KICK,
	AMPCHECK_D_MESSAGE,
	AMPCHECK_D_NS,
	AMPCHECK_D_RESET,
	AMPCHECK_D_DESC,
	AMPCHECK_D_USED,
	AMPCHECK_D_SUPPRESSION,
};

/**
 * struct ampcheck_decoded - one thing the decoder recognised (fields as @kind says)
 * @kind: &enum ampcheck_decoded_kind
 * @link: the link's index (as ampcheck_link_describe() numbers them)
 * @vring: 0 or 1, or -1
 * @side: AMPCHECK_SIDE_DRIVER or AMPCHECK_SIDE_DEVICE, or 0
 * @addr: an address (trace address space)
 * @old: the value before, or a second value
 * @value: the value
 * @num: vring entries
 * @align: vring alignment
 * @src: message source
 * @dst: message destination
 * @len: message length (header's)
 * @flags: message header flags, or name-service flags
 * @name: name-service name (NUL-terminated here whatever the record held)
 * @payload: message payload (valid during the callback), @payload_len bytes
 * @payload_len: bytes at @payload
 * @text: all of it as one line
 */
struct ampcheck_decoded {
	enum ampcheck_decoded_kind kind;
	unsigned int link;
	int vring;
	uint8_t side;
	uint64_t addr;
	uint64_t old;
	uint64_t value;
	uint32_t num;
	uint32_t align;
	uint32_t src;
	uint32_t dst;
	uint32_t len;
	uint32_t flags;
	char name[33];
	const uint8_t *payload;
	uint32_t payload_len;
	char text[256];
};

/**
 * struct ampcheck_options - what to judge
 * @sides: mask of AMPCHECK_SIDE_DRIVER / _DEVICE whose rules are judged (0: both)
 * @profile: the deviations allowed (NULL: strict)
 * @byte_order: &enum ampcheck_byte_order
 * @initiator: when set, only what the initiator of this name did is judged (one core of a
 *	board whose other cores run other firmware); NULL: everyone
 * @decoded: when set, called for everything the decoder recognises (status changes, features,
 *	ring layout, publications, kicks, messages, name-service records, resets), after the event
 *	that completes it
 * @ctx: passed to @decoded
 */
struct ampcheck_options {
	unsigned int sides;
	const struct ampcheck_profile *profile;
	enum ampcheck_byte_order byte_order;
	const char *initiator;
	void (*decoded)(void *ctx, const struct amptrace_event *ev,
			const struct ampcheck_decoded *d);
	void *ctx;
};

struct ampcheck;

/**
 * ampcheck_rules() - the catalogue
 * @count: set to the number of rules
 *
 * Return: the rules, in catalogue order (the index is a rule's number for ampcheck_verdict()).
 */
const struct ampcheck_rule *ampcheck_rules(unsigned int *count);

/**
 * ampcheck_deviations() - the deviation tags
 * @count: set to their number
 *
 * Return: the deviations, by bit number.
 */
const struct ampcheck_deviation *ampcheck_deviations(unsigned int *count);

/**
 * ampcheck_profile_find() - a profile by name
 * @name: "strict", "linux", "openamp" or "rpmsg-lite"
 *
 * Return: the profile, or NULL.
 */
const struct ampcheck_profile *ampcheck_profile_find(const char *name);

/**
 * ampcheck_profiles() - every profile
 * @count: set to their number
 *
 * Return: the profiles.
 */
const struct ampcheck_profile *ampcheck_profiles(unsigned int *count);

/**
 * ampcheck_result_name() - "pass", "fail", "warn", "deviation", "not exercised", "not judged"
 * @result: &enum ampcheck_result
 * Return: a static string ("?" for a value out of range).
 */
const char *ampcheck_result_name(unsigned int result);

/**
 * ampcheck_severity_name() - "MUST", "MUST-derived", "DF-MUST", "SHOULD", "DF-SHOULD"
 * @severity: &enum ampcheck_severity
 * Return: a static string ("?" for a value out of range).
 */
const char *ampcheck_severity_name(unsigned int severity);

/**
 * ampcheck_side_name() - "driver", "device", "both", "image"
 * @side: &enum ampcheck_side
 * Return: a static string ("?" for a value out of range).
 */
const char *ampcheck_side_name(unsigned int side);

/**
 * ampcheck_create() - a checker (heap-allocated: its shadow of shared memory grows with what
 *	the trace writes)
 * @opt: the options (copied)
 *
 * Return: the checker, or NULL when memory is short.
 */
struct ampcheck *ampcheck_create(const struct ampcheck_options *opt);

/**
 * ampcheck_event() - judge one event
 * @ck: the checker
 * @table: the trace's definitions so far (the reader's)
 * @ev: the event, as a reader returned it
 *
 * Return: 0, or -1 when the checker cannot go on (a limit of docs/conformance.md exceeded, memory
 * short); the reason is ampcheck_error().
 */
int ampcheck_event(struct ampcheck *ck, const struct amptrace_table *table,
		   const struct amptrace_event *ev);

/**
 * ampcheck_trace() - judge every event @r yields, to the end of the trace (what
 *	ampcheck_event() does for each, without a call and a dispatch per event of the caller's)
 * @ck: the checker
 * @r: an open reader; the checker reads its definitions as they come
 *
 * Return: 0 at the end of the trace; -1 when the trace is malformed (@r->failed, the reason in
 * @r->error) or when the checker cannot go on at event @r->events - 1 (ampcheck_error()).
 */
int ampcheck_trace(struct ampcheck *ck, struct amptrace_reader *r);

/**
 * ampcheck_finish() - judge what needs the whole trace and settle every verdict
 * @ck: the checker
 *
 * Return: 0 when every MUST-class rule judged passed (or deviated as the profile allows), 1
 * otherwise.
 */
int ampcheck_finish(struct ampcheck *ck);

/**
 * ampcheck_verdict() - one rule's verdict
 * @ck: the checker
 * @rule: an index of ampcheck_rules()
 *
 * Return: the verdict.
 */
const struct ampcheck_verdict *ampcheck_verdict(const struct ampcheck *ck, unsigned int rule);

/**
 * ampcheck_links() - how many rpmsg links the trace showed
 * @ck: the checker
 *
 * Return: the count.
 */
unsigned int ampcheck_links(const struct ampcheck *ck);

/**
 * ampcheck_link_describe() - one line about a link: its block, driver and device
 * @ck: the checker
 * @index: 0 .. ampcheck_links() - 1
 * @buf: receives the text
 * @size: bytes of @buf
 */
void ampcheck_link_describe(const struct ampcheck *ck, unsigned int index, char *buf,
			    unsigned int size);

/**
 * ampcheck_error() - why ampcheck_event() failed
 * @ck: the checker
 *
 * Return: the message.
 */
const char *ampcheck_error(const struct ampcheck *ck);

/**
 * ampcheck_destroy() - free a checker
 * @ck: the checker, or NULL
 */
void ampcheck_destroy(struct ampcheck *ck);

#ifdef __cplusplus
}
#endif

#endif
