// SPDX-License-Identifier: BSD-3-Clause
/*
 * ampsim firmware inspect: judge an image in the order a remoteproc host meets it (ELF
 * structure, PT_LOAD segments, the resource table's section, the table itself), keep the first
 * error as the verdict's reason, then print what was found as text or as one JSON object. The
 * table is read only through amp_rsc_table_open/_entry/_check (reference/include/amp/rsc_table.h).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "amp/error.h"
#include "amp/rsc_table.h"
#include "ampsim.h"
#include "amp/fw_image.h"
#include "fw_inspect.h"
#include "json_writer.h"

#define RSC_SECTION ".resource_table"
/* A reason: a fw_image reason, or an entry label and a problem name, behind a short prefix. */
#define REASON_SIZE (AMP_FW_WHY_SIZE + 64)
/* "entry 1023 (carveout at 0xffffffff)" and the like. */
#define LABEL_SIZE 64

/**
 * struct inspection - what was found, computed once and then printed in either format
 * @path: the file
 * @img: the image
 * @parsed: amp_fw_image_parse() succeeded, so segments and sections can be looked at
 * @reason: the first error found; empty while the image is valid
 * @warnings: how many warnings were found
 * @overlap: two PT_LOAD segments overlap, as @overlap_why says
 * @overlap_why: which segments and where
 * @overlap_pair: their program header indices
 * @rsc_found: amp_fw_image_find_section(): 1 found, 0 absent, negative when a name is broken
 * @rsc_why: why the section cannot be used (with @rsc_found negative or @rsc_bytes NULL)
 * @rsc: the section
 * @rsc_bytes: its bytes, when all of them are in the file
 * @rsc_seg: the PT_LOAD segment whose file image holds them, or NULL
 * @rsc_load_addr: where @rsc_seg puts the table (physical address)
 * @open: amp_rsc_table_open()'s result; the table is usable when it is AMP_RSC_OK
 * @table: the opened table
 * @check: amp_rsc_table_check()'s result
 * @finding: where amp_rsc_table_check() found @check
 */
struct inspection {
	const char *path;
	struct amp_fw_image img;
	bool parsed;
	char reason[REASON_SIZE];
	unsigned int warnings;
	bool overlap;
	char overlap_why[AMP_FW_WHY_SIZE];
	size_t overlap_pair[2];
	int rsc_found;
	char rsc_why[AMP_FW_WHY_SIZE];
	struct amp_fw_section rsc;
	const uint8_t *rsc_bytes;
	const struct amp_fw_segment *rsc_seg;
	uint64_t rsc_load_addr;
	enum amp_rsc_problem open;
	struct amp_rsc_table table;
	enum amp_rsc_problem check;
	struct amp_rsc_finding finding;
};

/* Keep the first error only: it is the one a loader would stop at. */
__attribute__((format(printf, 2, 3))) static void fail(struct inspection *in, const char *fmt, ...)
{
	va_list ap;

	if (in->reason[0])
		return;
	va_start(ap, fmt);
	vsnprintf(in->reason, sizeof(in->reason), fmt, ap);
	va_end(ap);
}

static bool offset_usable(enum amp_rsc_problem p)
{
	return p != AMP_RSC_OFFSET_RANGE && p != AMP_RSC_OFFSET_ALIGN;
}

/* "entry 2 (vdev at 0x84)", or "entry 1 (at 0x1000)" when the offset itself is the problem. */
static void entry_label(const struct amp_rsc_table *t, uint32_t index, char *buf)
{
	struct amp_rsc_entry e;

	if (offset_usable(amp_rsc_table_entry(t, index, &e)))
		snprintf(buf, LABEL_SIZE, "entry %" PRIu32 " (%s at 0x%" PRIx32 ")", index,
			 amp_rsc_type_name(e.type), e.offset);
	else
		snprintf(buf, LABEL_SIZE, "entry %" PRIu32 " (at 0x%" PRIx32 ")", index, e.offset);
}

static void check_table(struct inspection *in)
{
	const struct amp_rsc_finding *f = &in->finding;
	uint32_t num;

	in->open = amp_rsc_table_open(&in->table, in->rsc_bytes, in->rsc.size, in->img.order);
	if (in->open != AMP_RSC_OK) {
		fail(in, "resource table header: %s", amp_rsc_problem_name(in->open));
		return;
	}
	in->check = amp_rsc_table_check(&in->table, &in->finding);
	num = amp_rsc_table_num(&in->table);
	for (uint32_t i = 0; i < num; i++) {
		struct amp_rsc_entry e;
		enum amp_rsc_problem p = amp_rsc_table_entry(&in->table, i, &e);

		in->warnings += p != AMP_RSC_OK && !amp_rsc_problem_is_error(p);
	}
	if (amp_rsc_problem_is_error(in->check)) {
		char a[LABEL_SIZE], b[LABEL_SIZE];

		entry_label(&in->table, f->entry, a);
		if (f->other == f->entry) {
			fail(in, "%s: %s", a, amp_rsc_problem_name(in->check));
		} else {
			entry_label(&in->table, f->other, b);
			fail(in, "%s and %s: %s", a, b, amp_rsc_problem_name(in->check));
		}
	}
}

static void check_rsc_section(struct inspection *in)
{
	in->rsc_found = amp_fw_image_find_section(&in->img, RSC_SECTION, &in->rsc, in->rsc_why);
	if (in->rsc_found < 0) {
		fail(in, "%s", in->rsc_why);
		return;
	}
	if (in->rsc_found == 0)
		return; /* valid: Linux boots firmware without a table */
	in->rsc_bytes = amp_fw_image_section_bytes(&in->img, &in->rsc, in->rsc_why);
	if (!in->rsc_bytes) {
		fail(in, RSC_SECTION ": %s", in->rsc_why);
		return;
	}
	in->rsc_seg = amp_fw_image_segment_holding(&in->img, &in->rsc);
	if (!in->rsc_seg) {
		fail(in,
		     RSC_SECTION
		     " (section %zu, file offset 0x%" PRIx64 ", %" PRIu64
		     " bytes) lies in no PT_LOAD segment's file image: it is not loaded",
		     in->rsc.index, in->rsc.offset, in->rsc.size);
	} else {
		in->rsc_load_addr = in->rsc_seg->paddr + (in->rsc.offset - in->rsc_seg->offset);
		/* Linux finds the loaded table by sh_addr, not where the segment put it. */
		in->warnings += in->rsc_load_addr != in->rsc.addr;
	}
	check_table(in);
}

/* Everything but reading the file: returns 0 or -AMP_ENOMEM. */
static int examine(struct inspection *in, const uint8_t *bytes, size_t size)
{
	char why[AMP_FW_WHY_SIZE];
	int ret;

	ret = amp_fw_image_parse(&in->img, bytes, size, why);
	if (ret == -AMP_ENOMEM)
		return ret;
	if (ret) {
		fail(in, "%s", why);
		return 0;
	}
	in->parsed = true;
	for (size_t i = 0; i < in->img.nload; i++) {
		if (amp_fw_image_check_segment(&in->img, &in->img.load[i], why))
			fail(in, "%s", why);
	}
	ret = amp_fw_image_check_overlap(&in->img, &in->overlap_pair[0], &in->overlap_pair[1],
					 in->overlap_why);
	if (ret == -AMP_ENOMEM)
		return ret;
	if (ret) {
		in->overlap = true;
		fail(in, "%s", in->overlap_why);
	}
	check_rsc_section(in);
	return 0;
}

/* ---- shared by both formats -------------------------------------------------------------- */

static const char *byte_order_name(enum amp_byte_order order)
{
	return order == AMP_BIG_ENDIAN ? "big-endian" : "little-endian";
}

static void flags_string(uint32_t flags, char out[4])
{
	out[0] = flags & PF_R ? 'R' : '-';
	out[1] = flags & PF_W ? 'W' : '-';
	out[2] = flags & PF_X ? 'X' : '-';
	out[3] = '\0';
}

/* "ok", "warning: NAME" or "error: NAME". */
static void verdict_string(enum amp_rsc_problem p, char *buf, size_t n)
{
	if (p == AMP_RSC_OK)
		snprintf(buf, n, "ok");
	else
		snprintf(buf, n, "%s: %s", amp_rsc_problem_is_error(p) ? "error" : "warning",
			 amp_rsc_problem_name(p));
}

static const char *verdict_word(enum amp_rsc_problem p)
{
	if (p == AMP_RSC_OK)
		return "ok";
	return amp_rsc_problem_is_error(p) ? "error" : "warning";
}

static bool has_body(uint32_t type)
{
	return type == AMP_RSC_CARVEOUT || type == AMP_RSC_DEVMEM || type == AMP_RSC_TRACE ||
	       type == AMP_RSC_VDEV;
}

/* The entry's own fields were decoded (amp_rsc_table_entry() stops early on these). */
static bool fields_decoded(const struct amp_rsc_entry *e)
{
	return offset_usable(e->problem) && e->problem != AMP_RSC_ENTRY_TRUNCATED &&
	       has_body(e->type);
}

/* How many of a vdev's vrings were decoded (none when its header already failed). */
static uint32_t vrings_decoded(const struct amp_rsc_entry *e)
{
	const struct amp_rsc_vdev *vd = &e->u.vdev;

	if (!fields_decoded(e) || e->type != AMP_RSC_VDEV)
		return 0;
	return vd->num_of_vrings < AMP_RSC_MAX_VRINGS ? vd->num_of_vrings : AMP_RSC_MAX_VRINGS;
}

static const char *rsc_note_absent(void)
{
	return "no " RSC_SECTION " section: valid; Linux boots such firmware, which gets no "
	       "carveouts, trace buffers or virtio devices from the image";
}

static const char *note_big_endian(void)
{
	return "big-endian image: Linux loads it only on a big-endian host (EI_DATA must match "
	       "the host's byte order); the table is decoded big-endian";
}

/* ---- text -------------------------------------------------------------------------------- */

/* A name from the image, quoted, with anything unprintable as \xNN. */
static void text_name(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void text_fields(FILE *out, const struct amp_rsc_entry *e)
{
	const struct amp_rsc_vdev *vd = &e->u.vdev;

	switch (e->type) {
	case AMP_RSC_CARVEOUT:
	case AMP_RSC_DEVMEM:
		fprintf(out,
			": da 0x%" PRIx32 " pa 0x%" PRIx32 " len 0x%" PRIx32 " flags 0x%" PRIx32
			" name ",
			e->u.mem.da, e->u.mem.pa, e->u.mem.len, e->u.mem.flags);
		text_name(out, e->u.mem.name);
		break;
	case AMP_RSC_TRACE:
		fprintf(out, ": da 0x%" PRIx32 " len 0x%" PRIx32 " name ", e->u.trace.da,
			e->u.trace.len);
		text_name(out, e->u.trace.name);
		break;
	default: /* AMP_RSC_VDEV */
		fprintf(out,
			": id %" PRIu32 " notifyid %" PRIu32 " dfeatures 0x%" PRIx32
			" gfeatures 0x%" PRIx32 " config_len %" PRIu32
			" status 0x%x num_of_vrings %u",
			vd->id, vd->notifyid, vd->dfeatures, vd->gfeatures, vd->config_len,
			vd->status, vd->num_of_vrings);
		break;
	}
}

static void text_entry(FILE *out, const struct amp_rsc_table *t, uint32_t i)
{
	struct amp_rsc_entry e;
	char verdict[96];

	verdict_string(amp_rsc_table_entry(t, i, &e), verdict, sizeof(verdict));
	fprintf(out, "  entry %" PRIu32 ": ", i);
	if (!offset_usable(e.problem)) {
		fprintf(out, "at 0x%" PRIx32 " -- %s\n", e.offset, verdict);
		return;
	}
	fputs(amp_rsc_type_name(e.type), out);
	if (!has_body(e.type))
		fprintf(out, " (type %" PRIu32 ")", e.type);
	fprintf(out, " at 0x%" PRIx32 ", %" PRIu32 " bytes", e.offset, e.size);
	if (fields_decoded(&e))
		text_fields(out, &e);
	fprintf(out, " -- %s\n", verdict);
	for (uint32_t k = 0; k < vrings_decoded(&e); k++) {
		const struct amp_vdev_vring_info *v = &e.u.vdev.vring[k];

		fprintf(out,
			"    vring %" PRIu32 ": da 0x%" PRIx32 " align %" PRIu32 " num %" PRIu32
			" notifyid %" PRIu32 "\n",
			k, v->da, v->align, v->num, v->notifyid);
	}
}

static void text_table(FILE *out, const struct inspection *in)
{
	char verdict[96];
	uint32_t num;

	if (in->open != AMP_RSC_OK) {
		verdict_string(in->open, verdict, sizeof(verdict));
		fprintf(out, "  header -- %s\n", verdict);
		return;
	}
	num = amp_rsc_table_num(&in->table);
	fprintf(out, "  header: version %u, %" PRIu32 " entries -- ok\n", AMP_RSC_TABLE_VERSION,
		num);
	for (uint32_t i = 0; i < num; i++)
		text_entry(out, &in->table, i);
	verdict_string(in->check, verdict, sizeof(verdict));
	fprintf(out, "  check: %s", verdict);
	if (in->check != AMP_RSC_OK && in->finding.other != in->finding.entry)
		fprintf(out, " (entries %" PRIu32 " and %" PRIu32 ")", in->finding.entry,
			in->finding.other);
	else if (in->check != AMP_RSC_OK)
		fprintf(out, " (entry %" PRIu32 ")", in->finding.entry);
	fputc('\n', out);
}

static void text_rsc(FILE *out, const struct inspection *in)
{
	const struct amp_fw_section *s = &in->rsc;

	if (in->rsc_found < 0) {
		fprintf(out, "resource table -- error: %s\n", in->rsc_why);
		return;
	}
	if (in->rsc_found == 0) {
		fprintf(out, "resource table: none\nnote: %s\n", rsc_note_absent());
		return;
	}
	fprintf(out,
		"resource table: section %zu (" RSC_SECTION "), %" PRIu64
		" bytes, address 0x%" PRIx64 ", file offset 0x%" PRIx64,
		s->index, s->size, s->addr, s->offset);
	if (!in->rsc_bytes) {
		fprintf(out, " -- error: %s\n", in->rsc_why);
		return;
	}
	if (!in->rsc_seg)
		fputs(" -- error: in no PT_LOAD segment's file image (not loaded)\n", out);
	else if (in->rsc_load_addr != s->addr)
		fprintf(out,
			", in segment %zu -- warning: the segment loads it at 0x%" PRIx64
			", but Linux looks for the loaded table at its section address\n",
			in->rsc_seg->index, in->rsc_load_addr);
	else
		fprintf(out, ", in segment %zu -- ok\n", in->rsc_seg->index);
	text_table(out, in);
}

static void text_report(FILE *out, const struct inspection *in, size_t size)
{
	const struct amp_fw_image *img = &in->img;
	const char *machine = amp_fw_machine_name(img->machine);
	const char *type = amp_fw_type_name(img->type);
	char why[AMP_FW_WHY_SIZE], flags[4];

	fprintf(out, "file: %s (%zu bytes)\n", in->path, size);
	if (img->have_ehdr) {
		fprintf(out,
			"ELF header: ELF%d, %s, machine %s (%u), type %s (%u), entry 0x%" PRIx64
			"\n",
			img->elf_class == ELFCLASS64 ? 64 : 32, byte_order_name(img->order),
			machine ? machine : "unknown", img->machine, type ? type : "unknown",
			img->type, img->entry);
	}
	if (in->parsed) {
		fprintf(out, "program headers: %zu, PT_LOAD segments: %zu\n", img->phnum,
			img->nload);
		for (size_t i = 0; i < img->nload; i++) {
			const struct amp_fw_segment *s = &img->load[i];
			int bad = amp_fw_image_check_segment(img, s, why);

			flags_string(s->flags, flags);
			fprintf(out,
				"  segment %zu: paddr 0x%" PRIx64 " vaddr 0x%" PRIx64
				" offset 0x%" PRIx64 " filesz 0x%" PRIx64 " memsz 0x%" PRIx64
				" flags %s -- %s%s\n",
				s->index, s->paddr, s->vaddr, s->offset, s->filesz, s->memsz, flags,
				bad ? "error: " : "ok", bad ? why : "");
		}
		if (in->overlap)
			fprintf(out, "  overlap -- error: %s\n", in->overlap_why);
		text_rsc(out, in);
	}
	if (img->have_ehdr && img->order == AMP_BIG_ENDIAN)
		fprintf(out, "note: %s\n", note_big_endian());
	if (in->reason[0])
		fprintf(out, "verdict: invalid: %s\n", in->reason);
	else if (in->warnings)
		fprintf(out, "verdict: valid, %u warning%s\n", in->warnings,
			in->warnings == 1 ? "" : "s");
	else
		fputs("verdict: valid\n", out);
}

/* ---- JSON -------------------------------------------------------------------------------- */

static void json_problem(struct json_writer *w, enum amp_rsc_problem p)
{
	json_string(w, "verdict", verdict_word(p));
	if (p == AMP_RSC_OK)
		json_null(w, "problem");
	else
		json_string(w, "problem", amp_rsc_problem_name(p));
}

static void json_fields(struct json_writer *w, const struct amp_rsc_entry *e)
{
	const struct amp_rsc_vdev *vd = &e->u.vdev;

	switch (e->type) {
	case AMP_RSC_CARVEOUT:
	case AMP_RSC_DEVMEM:
		json_uint(w, "da", e->u.mem.da);
		json_uint(w, "pa", e->u.mem.pa);
		json_uint(w, "len", e->u.mem.len);
		json_uint(w, "flags", e->u.mem.flags);
		json_string(w, "name", e->u.mem.name);
		break;
	case AMP_RSC_TRACE:
		json_uint(w, "da", e->u.trace.da);
		json_uint(w, "len", e->u.trace.len);
		json_string(w, "name", e->u.trace.name);
		break;
	default: /* AMP_RSC_VDEV */
		json_uint(w, "id", vd->id);
		json_uint(w, "notifyid", vd->notifyid);
		json_uint(w, "dfeatures", vd->dfeatures);
		json_uint(w, "gfeatures", vd->gfeatures);
		json_uint(w, "config_len", vd->config_len);
		json_uint(w, "status", vd->status);
		json_uint(w, "num_of_vrings", vd->num_of_vrings);
		json_begin_array(w, "vrings");
		for (uint32_t k = 0; k < vrings_decoded(e); k++) {
			json_begin_object(w, NULL);
			json_uint(w, "da", vd->vring[k].da);
			json_uint(w, "align", vd->vring[k].align);
			json_uint(w, "num", vd->vring[k].num);
			json_uint(w, "notifyid", vd->vring[k].notifyid);
			json_end_object(w);
		}
		json_end_array(w);
		break;
	}
}

static void json_table(struct json_writer *w, const struct inspection *in)
{
	uint32_t num;

	json_begin_object(w, "header");
	json_problem(w, in->open);
	json_end_object(w);
	if (in->open != AMP_RSC_OK)
		return;
	num = amp_rsc_table_num(&in->table);
	json_uint(w, "version", AMP_RSC_TABLE_VERSION);
	json_uint(w, "num", num);
	json_begin_array(w, "entries");
	for (uint32_t i = 0; i < num; i++) {
		struct amp_rsc_entry e;

		amp_rsc_table_entry(&in->table, i, &e);
		json_begin_object(w, NULL);
		json_uint(w, "index", i);
		json_uint(w, "offset", e.offset);
		if (offset_usable(e.problem)) {
			json_uint(w, "type", e.type);
			json_string(w, "type_name", amp_rsc_type_name(e.type));
			json_uint(w, "size", e.size);
		}
		json_problem(w, e.problem);
		if (fields_decoded(&e))
			json_fields(w, &e);
		json_end_object(w);
	}
	json_end_array(w);
	json_begin_object(w, "check");
	json_problem(w, in->check);
	json_begin_array(w, "entries");
	if (in->check != AMP_RSC_OK) {
		json_uint(w, NULL, in->finding.entry);
		if (in->finding.other != in->finding.entry)
			json_uint(w, NULL, in->finding.other);
	}
	json_end_array(w);
	json_end_object(w);
}

static void json_rsc(struct json_writer *w, const struct inspection *in)
{
	if (in->rsc_found == 0) {
		json_null(w, "resource_table");
		return;
	}
	json_begin_object(w, "resource_table");
	if (in->rsc_found < 0) {
		json_string(w, "verdict", "error");
		json_string(w, "problem", in->rsc_why);
		json_end_object(w);
		return;
	}
	json_uint(w, "section", in->rsc.index);
	json_uint(w, "size", in->rsc.size);
	json_uint(w, "address", in->rsc.addr);
	json_uint(w, "offset", in->rsc.offset);
	if (in->rsc_seg) {
		json_uint(w, "segment", in->rsc_seg->index);
		json_uint(w, "load_address", in->rsc_load_addr);
	} else {
		json_null(w, "segment");
	}
	if (!in->rsc_bytes) {
		json_string(w, "verdict", "error");
		json_string(w, "problem", in->rsc_why);
	} else if (!in->rsc_seg) {
		json_string(w, "verdict", "error");
		json_string(w, "problem", "in no PT_LOAD segment's file image (not loaded)");
	} else if (in->rsc_load_addr != in->rsc.addr) {
		json_string(w, "verdict", "warning");
		json_string(w, "problem",
			    "the segment loads it elsewhere than its section address");
	} else {
		json_string(w, "verdict", "ok");
		json_null(w, "problem");
	}
	if (in->rsc_bytes)
		json_table(w, in);
	json_end_object(w);
}

static void json_segments(struct json_writer *w, const struct inspection *in)
{
	const struct amp_fw_image *img = &in->img;
	char why[AMP_FW_WHY_SIZE], flags[4];

	json_uint(w, "program_headers", img->phnum);
	json_begin_array(w, "segments");
	for (size_t i = 0; i < img->nload; i++) {
		const struct amp_fw_segment *s = &img->load[i];
		int bad = amp_fw_image_check_segment(img, s, why);

		flags_string(s->flags, flags);
		json_begin_object(w, NULL);
		json_uint(w, "index", s->index);
		json_uint(w, "paddr", s->paddr);
		json_uint(w, "vaddr", s->vaddr);
		json_uint(w, "offset", s->offset);
		json_uint(w, "filesz", s->filesz);
		json_uint(w, "memsz", s->memsz);
		json_string(w, "flags", flags);
		json_string(w, "verdict", bad ? "error" : "ok");
		if (bad)
			json_string(w, "problem", why);
		else
			json_null(w, "problem");
		json_end_object(w);
	}
	json_end_array(w);
	if (!in->overlap) {
		json_null(w, "overlap");
		return;
	}
	json_begin_object(w, "overlap");
	json_begin_array(w, "segments");
	json_uint(w, NULL, in->overlap_pair[0]);
	json_uint(w, NULL, in->overlap_pair[1]);
	json_end_array(w);
	json_string(w, "problem", in->overlap_why);
	json_end_object(w);
}

static void json_report(FILE *out, const struct inspection *in, size_t size)
{
	const struct amp_fw_image *img = &in->img;
	const char *machine = amp_fw_machine_name(img->machine);
	const char *type = amp_fw_type_name(img->type);
	struct json_writer w;

	json_init(&w, out);
	json_begin_object(&w, NULL);
	json_string(&w, "file", in->path);
	json_uint(&w, "size", size);
	if (img->have_ehdr) {
		json_begin_object(&w, "elf");
		json_uint(&w, "class", img->elf_class == ELFCLASS64 ? 64 : 32);
		json_string(&w, "data", byte_order_name(img->order));
		json_uint(&w, "machine", img->machine);
		if (machine)
			json_string(&w, "machine_name", machine);
		else
			json_null(&w, "machine_name");
		json_uint(&w, "type", img->type);
		if (type)
			json_string(&w, "type_name", type);
		else
			json_null(&w, "type_name");
		json_uint(&w, "entry", img->entry);
		json_end_object(&w);
	}
	if (in->parsed) {
		json_segments(&w, in);
		json_rsc(&w, in);
	}
	json_begin_array(&w, "notes");
	if (in->parsed && in->rsc_found == 0)
		json_string(&w, NULL, rsc_note_absent());
	if (img->have_ehdr && img->order == AMP_BIG_ENDIAN)
		json_string(&w, NULL, note_big_endian());
	json_end_array(&w);
	json_string(&w, "verdict", in->reason[0] ? "invalid" : "valid");
	if (in->reason[0])
		json_string(&w, "reason", in->reason);
	else
		json_null(&w, "reason");
	json_uint(&w, "warnings", in->warnings);
	json_end_object(&w);
}

int fw_inspect(const char *path, bool json, FILE *out, FILE *err)
{
	int status = AMPSIM_EXIT_USAGE;
	struct inspection *in;
	char why[AMP_FW_WHY_SIZE];
	uint8_t *bytes;
	size_t size;

	if (amp_fw_image_read_file(path, &bytes, &size, why)) {
		fprintf(err, "ampsim: %s\n", why);
		return status;
	}
	/* Several reason buffers: on the heap rather than the stack. */
	in = calloc(1, sizeof(*in));
	if (in) {
		in->path = path;
		if (examine(in, bytes, size) == 0) {
			if (json)
				json_report(out, in, size);
			else
				text_report(out, in, size);
			if (in->reason[0])
				fprintf(err, "invalid: %s\n", in->reason);
			status = in->reason[0] ? AMPSIM_EXIT_FAILURE : AMPSIM_EXIT_OK;
		}
		amp_fw_image_release(&in->img);
	}
	if (status == AMPSIM_EXIT_USAGE)
		fprintf(err, "ampsim: out of memory inspecting %s\n", path);
	free(in);
	free(bytes);
	return status;
}
