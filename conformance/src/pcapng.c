// SPDX-License-Identifier: BSD-3-Clause
/*
 * The pcapng writer (amptrace/pcapng.h). Blocks as the pcapng specification
 * (draft-ietf-opsawg-pcapng) lays them out: a section header, an interface description per
 * initiator, an enhanced packet per event; every block and option padded to 32 bits, written in
 * the little-endian byte order the section header's magic announces.
 */
#include <string.h>

#include "amptrace/pcapng.h"
#include "trace_internal.h"

#define BLOCK_SHB          0x0a0d0d0au
#define BLOCK_IDB          0x00000001u
#define BLOCK_EPB          0x00000006u
#define BYTE_ORDER_MAGIC   0x1a2b3c4du
#define OPT_END            0
#define OPT_COMMENT        1
#define OPT_SHB_USERAPPL   4
#define OPT_IF_NAME        2
#define OPT_IF_DESCRIPTION 3
#define OPT_IF_TSRESOL     9
/* Timestamps in picoseconds: if_tsresol 12 means units of 10^-12 s. */
#define TSRESOL_PS 12

static uint32_t pad4(uint32_t n)
{
	return (n + 3) & ~3u;
}

static int emit(struct amptrace_pcapng *p, const void *data, size_t n)
{
	static const uint8_t zeros[4];

	if (p->failed)
		return -1;
	if (fwrite(data, 1, n, p->out) != n ||
	    fwrite(zeros, 1, pad4((uint32_t)n) - n, p->out) != pad4((uint32_t)n) - n) {
		p->failed = true;
		return -1;
	}
	return 0;
}

/* An option: code, length, value padded. */
static int option(struct amptrace_pcapng *p, uint16_t code, const void *value, uint16_t len)
{
	uint8_t head[4];

	put16(head, code);
	put16(head + 2, len);
	if (emit(p, head, 4))
		return -1;
	return len ? emit(p, value, len) : 0;
}

static uint32_t option_size(uint32_t len)
{
	return 4 + pad4(len);
}

static int block_edge(struct amptrace_pcapng *p, uint32_t type, uint32_t total)
{
	uint8_t b[8];

	put32(b, type);
	put32(b + 4, total);
	return emit(p, b, type ? 8 : 4);
}

int amptrace_pcapng_open(struct amptrace_pcapng *p, FILE *out)
{
	static const char appl[] = "ampsim";
	uint8_t body[16];
	uint32_t total = 12 + 16 + option_size(sizeof(appl) - 1) + option_size(0);

	memset(p->interface, 0, sizeof(p->interface));
	p->out = out;
	p->failed = false;
	p->ninterfaces = 0;
	p->len = 0;
	p->comments = 0;
	put32(body, BYTE_ORDER_MAGIC);
	put16(body + 4, 1); /* version 1.0 */
	put16(body + 6, 0);
	put64(body + 8, UINT64_MAX); /* section length not given */
	block_edge(p, BLOCK_SHB, total);
	emit(p, body, sizeof(body));
	option(p, OPT_SHB_USERAPPL, appl, sizeof(appl) - 1);
	option(p, OPT_END, NULL, 0);
	put32(body, total);
	return emit(p, body, 4);
}

static int interface(struct amptrace_pcapng *p, const struct amptrace_table *t, uint16_t who)
{
	const struct amptrace_initiator *in = &t->initiator[who];
	const char *kind = in->kind == AMPTRACE_HOST ? "host" : "core";
	uint16_t name_len = (uint16_t)strlen(in->name);
	uint8_t body[8], tsresol = TSRESOL_PS;
	uint32_t total = 12 + 8 + option_size(name_len) + option_size((uint32_t)strlen(kind)) +
			 option_size(1) + option_size(0);

	put16(body, AMPTRACE_PCAPNG_LINKTYPE);
	put16(body + 2, 0);
	put32(body + 4, 0); /* no snapshot length */
	block_edge(p, BLOCK_IDB, total);
	emit(p, body, sizeof(body));
	option(p, OPT_IF_NAME, in->name, name_len);
	option(p, OPT_IF_DESCRIPTION, kind, (uint16_t)strlen(kind));
	option(p, OPT_IF_TSRESOL, &tsresol, 1);
	option(p, OPT_END, NULL, 0);
	put32(body, total);
	p->interface[who] = ++p->ninterfaces;
	return emit(p, body, 4);
}

/* An item: @len bytes of @value, then @tail_len bytes of @tail (a message's payload). */
static void item_tail(struct amptrace_pcapng *p, unsigned int type, const void *value, uint32_t len,
		      const void *tail, uint32_t tail_len)
{
	uint8_t *b = p->packet + p->len;
	uint64_t all = (uint64_t)len + tail_len;

	/* The packet has room for the items of any event; a runaway one is cut, not overrun. */
	if (!p->len || all > 0xffff || sizeof(p->packet) - p->len < 4 + all)
		return;
	b[0] = (uint8_t)type;
	b[1] = 0;
	put16(b + 2, (uint32_t)all);
	memcpy(b + 4, value, len);
	if (tail_len)
		memcpy(b + 4 + len, tail, tail_len);
	p->len += 4 + (uint32_t)all;
}

static void item(struct amptrace_pcapng *p, unsigned int type, const void *value, uint32_t len)
{
	item_tail(p, type, value, len, NULL, 0);
}

int amptrace_pcapng_begin(struct amptrace_pcapng *p, const struct amptrace_table *t,
			  const struct amptrace_event *ev)
{
	uint8_t *b = p->packet;
	uint8_t sub = 0;

	if (!p->interface[ev->initiator] && interface(p, t, ev->initiator))
		return -1;
	if (ev->kind == AMPTRACE_BARRIER)
		sub = ev->barrier;
	else if (ev->kind == AMPTRACE_MBOX_WRITE || ev->kind == AMPTRACE_MBOX_READ)
		sub = ev->fifo;
	else if (ev->kind == AMPTRACE_IRQ)
		sub = ev->line;
	b[0] = AMPTRACE_PCAPNG_VERSION;
	b[1] = (uint8_t)ev->kind;
	b[2] = sub;
	b[3] = ev->kind == AMPTRACE_IRQ ? ev->level : 0;
	put16(b + 4, ev->initiator);
	put16(b + 6, ev->kind == AMPTRACE_BARRIER ? 0 : ev->region);
	put64(b + 8, ev->seq);
	put64(b + 16, ev->time_ps);
	put64(b + 24, ev->kind == AMPTRACE_STORE ? ev->addr : 0);
	put32(b + 32,
	      ev->kind == AMPTRACE_MBOX_WRITE || ev->kind == AMPTRACE_MBOX_READ ? ev->value : 0);
	put32(b + 36, ev->kind == AMPTRACE_STORE ? ev->size : 0);
	p->len = AMPTRACE_PCAPNG_HEADER;
	p->comments = 0;
	p->initiator = ev->initiator;
	p->time_ps = ev->time_ps;
	if (ev->kind == AMPTRACE_STORE) {
		memcpy(b + p->len, ev->bytes, ev->size);
		p->len += ev->size;
	}
	if (ev->kind != AMPTRACE_BARRIER) {
		const char *name = t->region[ev->region].name;

		item(p, AMPTRACE_ITEM_REGION, name, (uint32_t)strlen(name));
	}
	return 0;
}

void amptrace_pcapng_decoded(struct amptrace_pcapng *p, const struct ampcheck_decoded *d)
{
	uint8_t v[96] = {0};
	uint8_t vring = d->vring < 0 ? 0 : (uint8_t)d->vring;
	uint32_t n = strlen(d->text);

	if (!p->len)
		return;
	put32(v, d->link);
	switch (d->kind) {
	case AMPCHECK_D_LINK:
		put64(v + 4, d->addr);
		item(p, AMPTRACE_ITEM_LINK, v, 12);
		break;
	case AMPCHECK_D_STATUS:
		v[4] = (uint8_t)d->old;
		v[5] = (uint8_t)d->value;
		item(p, AMPTRACE_ITEM_STATUS, v, 6);
		break;
	case AMPCHECK_D_FEATURES:
		put32(v + 4, (uint32_t)d->old);
		put32(v + 8, (uint32_t)d->value);
		item(p, AMPTRACE_ITEM_FEATURES, v, 12);
		break;
	case AMPCHECK_D_VRING:
		v[4] = vring;
		put64(v + 8, d->addr);
		put32(v + 16, (uint32_t)d->old);
		put32(v + 20, d->num);
		put32(v + 24, d->align);
		item(p, AMPTRACE_ITEM_VRING, v, 28);
		break;
	case AMPCHECK_D_NOTIFYID:
		v[4] = vring;
		put32(v + 8, (uint32_t)d->old);
		put32(v + 12, (uint32_t)d->value);
		item(p, AMPTRACE_ITEM_NOTIFYID, v, 16);
		break;
	case AMPCHECK_D_AVAIL_IDX:
	case AMPCHECK_D_USED_IDX:
		v[4] = vring;
		put16(v + 6, (uint32_t)d->old);
		put16(v + 8, (uint32_t)d->value);
		item(p,
		     d->kind == AMPCHECK_D_AVAIL_IDX ? AMPTRACE_ITEM_AVAIL_IDX
						     : AMPTRACE_ITEM_USED_IDX,
		     v, 10);
		break;
	case AMPCHECK_D_KICK:
		v[4] = vring;
		v[5] = d->side;
		put32(v + 8, (uint32_t)d->value);
		item(p, AMPTRACE_ITEM_KICK, v, 12);
		break;
	case AMPCHECK_D_MESSAGE:
		v[4] = vring;
		v[5] = d->side;
		put16(v + 6, d->len);
		put32(v + 8, d->src);
		put32(v + 12, d->dst);
		put16(v + 16, d->flags);
		item_tail(p, AMPTRACE_ITEM_MESSAGE, v, 20, d->payload, d->payload_len);
		break;
	case AMPCHECK_D_NS:
		v[4] = vring;
		v[5] = d->side;
		put32(v + 8, (uint32_t)d->addr);
		put32(v + 12, d->flags);
		put32(v + 16, d->src);
		memcpy(v + 20, d->name, 32);
		item(p, AMPTRACE_ITEM_NS, v, 52);
		break;
	case AMPCHECK_D_RESET:
		item(p, AMPTRACE_ITEM_RESET, v, 4);
		break;
	case AMPCHECK_D_DESC:
		v[4] = vring;
		put16(v + 6, (uint32_t)d->value);
		put64(v + 8, d->addr);
		put32(v + 16, d->len);
		put16(v + 20, d->flags);
		item(p, AMPTRACE_ITEM_DESC, v, 22);
		break;
	case AMPCHECK_D_USED:
		v[4] = vring;
		put16(v + 6, (uint32_t)d->value);
		put32(v + 8, d->len);
		item(p, AMPTRACE_ITEM_USED, v, 12);
		break;
	case AMPCHECK_D_SUPPRESSION:
		v[4] = vring;
		v[5] = d->side;
		v[6] = (uint8_t)d->flags;
		put16(v + 8, (uint32_t)d->value);
		item(p, AMPTRACE_ITEM_SUPPRESSION, v, 10);
		break;
	}
	/* The decoder's line as a packet comment too (Wireshark shows those as they are). */
	if (p->comments + n + 1 <= sizeof(p->comment)) {
		if (p->comments)
			p->comment[p->comments++] = '\n';
		memcpy(p->comment + p->comments, d->text, n);
		p->comments += n;
	}
}

int amptrace_pcapng_end(struct amptrace_pcapng *p)
{
	uint8_t body[20];
	uint32_t total = 12 + 20 + pad4(p->len) + option_size(0);

	if (!p->len)
		return 0;
	if (p->comments)
		total += option_size(p->comments);
	put32(body, p->interface[p->initiator] - 1);
	put32(body + 4, (uint32_t)(p->time_ps >> 32));
	put32(body + 8, (uint32_t)p->time_ps);
	put32(body + 12, p->len);
	put32(body + 16, p->len);
	block_edge(p, BLOCK_EPB, total);
	emit(p, body, sizeof(body));
	emit(p, p->packet, p->len);
	if (p->comments)
		option(p, OPT_COMMENT, p->comment, (uint16_t)p->comments);
	option(p, OPT_END, NULL, 0);
	put32(body, total);
	p->len = 0;
	return emit(p, body, 4);
}

int amptrace_pcapng_close(struct amptrace_pcapng *p)
{
	if (!p->failed && fflush(p->out))
		p->failed = true;
	return p->failed ? -1 : 0;
}
