// SPDX-License-Identifier: BSD-3-Clause
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amp/error.h"
#include "stress_link.h"

/* A side that sees no progress for this long has lost a notification: fail, do not hang. */
#define WAIT_TIMEOUT_MS 20000
#define MAX_BATCH       32
#define MAX_SLOTS       32768

static int fail(struct stress_side *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->error[0]) {
		va_start(ap, fmt);
		vsnprintf(s->error, sizeof(s->error), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static uint64_t next_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* Request length for message @seq: 8 (the sequence number) up to the whole buffer. */
static uint32_t request_len(uint64_t seq, uint32_t buf_size)
{
	return 8 + (uint32_t)((seq * 7919u) % (buf_size - 7));
}

static uint8_t pattern(uint64_t seq, uint32_t k)
{
	return (uint8_t)(seq * 131u + k * 31u + (k >> 8));
}

void stress_notify(void *ctx, struct amp_vring *vr)
{
	struct stress_side *s = ctx;
	uint64_t one = 1;

	(void)vr;
	s->kicks++;
	if (s->blocking && write(s->kick_fd, &one, sizeof(one)) != sizeof(one))
		fail(s, "eventfd write: %s", strerror(errno));
}

static int wait_for_kick(struct stress_side *s)
{
	struct pollfd p = {.fd = s->wait_fd, .events = POLLIN};
	uint64_t count;
	int r;

	s->waits++;
	do {
		r = poll(&p, 1, WAIT_TIMEOUT_MS);
	} while (r < 0 && errno == EINTR);
	if (r == 0)
		return fail(s, "no notification for %d ms: a kick was lost", WAIT_TIMEOUT_MS);
	if (r < 0 || read(s->wait_fd, &count, sizeof(count)) != sizeof(count))
		return fail(s, "eventfd wait: %s", strerror(errno));
	return 0;
}

/* Idle with nothing to do: poll (yielding now and then so a loaded machine progresses) or
 * sleep after the enable-and-recheck handshake that makes a lost wake-up impossible. */
static int idle(struct stress_side *s, bool (*enable)(struct amp_vring *),
		void (*disable)(struct amp_vring *), unsigned int *spins)
{
	if (!s->blocking) {
		if (++*spins % 256 == 0)
			sched_yield();
		return 0;
	}
	if (enable(s->vr)) {
		disable(s->vr);
		return 0;
	}
	if (wait_for_kick(s))
		return -1;
	disable(s->vr);
	return 0;
}

static int driver_loop(struct stress_side *s, uint64_t *slot_seq, uint16_t *free_slots);

int stress_driver_run(struct stress_side *s)
{
	uint64_t *slot_seq;
	uint16_t *free_slots;
	int r;

	if (!s->slots || s->slots > MAX_SLOTS || s->buf_size < 16)
		return fail(s, "bad stress configuration");
	slot_seq = calloc(s->slots, sizeof(*slot_seq));
	free_slots = calloc(s->slots, sizeof(*free_slots));
	if (!slot_seq || !free_slots)
		r = fail(s, "out of memory");
	else
		r = driver_loop(s, slot_seq, free_slots);
	free(slot_seq);
	free(free_slots);
	return r;
}

static int driver_loop(struct stress_side *s, uint64_t *slot_seq, uint16_t *free_slots)
{
	uint32_t nfree = s->slots;
	uint64_t sent = 0, done = 0, rnd = s->seed | 1;
	unsigned int spins = 0;

	for (uint32_t i = 0; i < s->slots; i++)
		free_slots[i] = (uint16_t)(s->slots - 1 - i);
	if (s->blocking)
		amp_vring_drv_disable_cb(s->vr);

	while (done < s->messages) {
		uint32_t batch = 1 + (uint32_t)(next_rand(&rnd) % MAX_BATCH), added = 0;
		bool progress = false;
		uint32_t len;
		void *token;
		int r;

		while ((r = amp_vring_drv_get_used(s->vr, &len, &token)) == 0) {
			uint32_t slot = (uint32_t)((uintptr_t)token - 1);
			uint8_t *resp = s->bufs + (2 * (size_t)slot + 1) * s->buf_size;
			uint64_t seq = slot_seq[slot], got;

			/* The device returns chains in the order it took them: in order. */
			if (slot >= s->slots || seq != done)
				return fail(s, "completion %llu for slot %u, expected %llu",
					    (unsigned long long)seq, slot,
					    (unsigned long long)done);
			if (len != request_len(seq, s->buf_size))
				return fail(s, "message %llu: used len %u, expected %u",
					    (unsigned long long)seq, len,
					    request_len(seq, s->buf_size));
			memcpy(&got, resp, 8);
			if (got != ~seq)
				return fail(s, "message %llu: response header %llx",
					    (unsigned long long)seq, (unsigned long long)got);
			for (uint32_t k = 8; k < len; k++)
				if (resp[k] != (uint8_t)(pattern(seq, k) ^ 0x5a))
					return fail(s, "message %llu: response byte %u wrong",
						    (unsigned long long)seq, k);
			free_slots[nfree++] = (uint16_t)slot;
			done++;
			progress = true;
		}
		if (r != -AMP_EAGAIN)
			return fail(s, "driver get_used: %s (%s)", amp_strerror(r),
				    amp_vring_fault_name(amp_vring_fault(s->vr)));

		while (added < batch && sent < s->messages && nfree) {
			uint32_t slot = free_slots[--nfree];
			uint8_t *req = s->bufs + 2 * (size_t)slot * s->buf_size;
			uint32_t rlen = request_len(sent, s->buf_size);
			struct amp_vring_sg sg[2] = {
				{req, rlen},
				{req + s->buf_size, s->buf_size},
			};

			memcpy(req, &sent, 8);
			for (uint32_t k = 8; k < rlen; k++)
				req[k] = pattern(sent, k);
			slot_seq[slot] = sent;
			r = amp_vring_drv_add(s->vr, sg, 1, 1, (void *)(uintptr_t)(slot + 1));
			if (r)
				return fail(s, "driver add: %s", amp_strerror(r));
			sent++;
			added++;
		}
		if (added) {
			amp_vring_drv_kick(s->vr);
			progress = true;
		}
		if (s->error[0])
			return -1;
		if (!progress && idle(s, amp_vring_drv_enable_cb, amp_vring_drv_disable_cb, &spins))
			return -1;
	}
	return 0;
}

int stress_device_run(struct stress_side *s)
{
	uint64_t processed = 0, rnd = (s->seed * 3) | 1;
	uint32_t batch = 1 + (uint32_t)(next_rand(&rnd) % MAX_BATCH), in_batch = 0;
	unsigned int spins = 0;

	if (s->blocking)
		amp_vring_dev_disable_notify(s->vr);
	while (processed < s->messages) {
		struct amp_vring_elem elems[2];
		struct amp_vring_chain chain = {.elems = elems, .max_elems = 2};
		uint64_t seq;
		uint8_t *req, *resp;
		int r = amp_vring_dev_get_avail(s->vr, &chain);

		if (r == -AMP_EAGAIN) {
			/* Return what we hold before idling, or the driver starves. */
			amp_vring_dev_kick(s->vr);
			in_batch = 0;
			if (idle(s, amp_vring_dev_enable_notify, amp_vring_dev_disable_notify,
				 &spins))
				return -1;
			continue;
		}
		if (r)
			return fail(s, "device get_avail: %s (%s)", amp_strerror(r),
				    amp_vring_fault_name(amp_vring_fault(s->vr)));
		if (chain.count != 2 || elems[0].writable || !elems[1].writable ||
		    elems[1].len != s->buf_size)
			return fail(s, "message %llu: unexpected chain shape",
				    (unsigned long long)processed);
		req = elems[0].va;
		resp = elems[1].va;
		memcpy(&seq, req, 8);
		if (seq != processed || elems[0].len != request_len(seq, s->buf_size))
			return fail(s, "request %llu (len %u), expected %llu",
				    (unsigned long long)seq, elems[0].len,
				    (unsigned long long)processed);
		for (uint32_t k = 8; k < elems[0].len; k++) {
			if (req[k] != pattern(seq, k))
				return fail(s, "request %llu: byte %u wrong",
					    (unsigned long long)seq, k);
			resp[k] = (uint8_t)(req[k] ^ 0x5a);
		}
		seq = ~seq;
		memcpy(resp, &seq, 8);
		r = amp_vring_dev_add_used(s->vr, chain.head, elems[0].len);
		if (r)
			return fail(s, "device add_used: %s", amp_strerror(r));
		processed++;
		if (++in_batch >= batch) {
			amp_vring_dev_kick(s->vr);
			in_batch = 0;
			batch = 1 + (uint32_t)(next_rand(&rnd) % MAX_BATCH);
		}
		if (s->error[0])
			return -1;
	}
	amp_vring_dev_kick(s->vr);
	return s->error[0] ? -1 : 0;
}
