/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stress traffic over one ring: the driver sends numbered requests as two-descriptor chains
 * (a device-readable request, a device-writable response buffer); the device checks each
 * request, writes a response derived from it and returns the chain with used len = response
 * length; the driver checks every response. Both loops run until @messages have completed, in
 * the same process (threads) or in two processes over shared memory.
 *
 * Notifications: in polling mode the notify hook only counts; in blocking mode it writes an
 * eventfd and the waiting side sleeps in poll() after the enable-and-recheck handshake.
 */
#ifndef AMP_STRESS_LINK_H
#define AMP_STRESS_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "amp/vring.h"

/**
 * struct stress_side - one side of a stress link
 * @vr: ring handle, attached in the role this side plays
 * @bufs: local address of the buffer area (driver side: 2 buffers per message slot)
 * @buf_size: size of each buffer
 * @slots: message slots (driver side: how many chains may be outstanding)
 * @messages: number of messages to complete
 * @blocking: sleep on @wait_fd when idle, instead of polling
 * @wait_fd: eventfd this side sleeps on (blocking mode)
 * @kick_fd: eventfd the notify hook writes (blocking mode)
 * @seed: seed for batch sizes
 * @kicks: notifications this side sent
 * @waits: times this side slept
 * @error: first failure, empty when none
 */
struct stress_side {
	struct amp_vring *vr;
	uint8_t *bufs;
	uint32_t buf_size;
	uint32_t slots;
	uint64_t messages;
	bool blocking;
	int wait_fd;
	int kick_fd;
	uint64_t seed;
	uint64_t kicks;
	uint64_t waits;
	char error[200];
};

/* The notify hook to put in amp_vring_config.notify, with the side as context. */
void stress_notify(void *ctx, struct amp_vring *vr);

/* Run the driver or the device loop; 0 on success, -1 with side->error set. */
int stress_driver_run(struct stress_side *side);
int stress_device_run(struct stress_side *side);

#endif /* AMP_STRESS_LINK_H */
