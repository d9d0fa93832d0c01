// SPDX-License-Identifier: BSD-3-Clause
/*
 * The rpmsg header and name-service record: exact bytes in both byte orders, and every defect
 * a received buffer can have.
 */
#include "amp/error.h"
#include "amp/rpmsg_wire.h"
#include "testing.h"

static const enum amp_byte_order orders[] = {AMP_LITTLE_ENDIAN, AMP_BIG_ENDIAN};

static void test_hdr_encode_bytes(void)
{
	/* Linux's host endpoint 0x400 talking to remote 0x1e, 5-byte payload. */
	static const uint8_t le[16] = {0x00, 0x04, 0, 0, 0x1e, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0};
	static const uint8_t be[16] = {0, 0, 0x04, 0x00, 0, 0, 0, 0x1e, 0, 0, 0, 0, 0, 5, 0, 0};
	struct amp_rpmsg_hdr h = {.src = 0x400, .dst = 0x1e, .len = 5};
	uint8_t out[16];

	amp_rpmsg_hdr_encode(&h, AMP_LITTLE_ENDIAN, out);
	CHECK(!memcmp(out, le, 16));
	amp_rpmsg_hdr_encode(&h, AMP_BIG_ENDIAN, out);
	CHECK(!memcmp(out, be, 16));
}

static void test_hdr_round_trip(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_rpmsg_hdr in = {0x12345678, 0x400, 0xdeadbeef, 0x1f0, 0x8001}, out;
		uint8_t buf[512] = {0};

		amp_rpmsg_hdr_encode(&in, orders[o], buf);
		/* reserved and flags are carried, not judged: receivers ignore them */
		CHECK_EQ(amp_rpmsg_hdr_decode(buf, 512, orders[o], &out), AMP_RPMSG_VALID);
		CHECK_EQ(out.src, in.src);
		CHECK_EQ(out.dst, in.dst);
		CHECK_EQ(out.reserved, in.reserved);
		CHECK_EQ(out.len, in.len);
		CHECK_EQ(out.flags, in.flags);
	}
}

static void test_hdr_length_rules(void)
{
	struct amp_rpmsg_hdr h = {.src = 1024, .dst = 30}, out = {0};
	uint8_t buf[32] = {0};

	CHECK_EQ(amp_rpmsg_hdr_decode(buf, 15, AMP_LITTLE_ENDIAN, &out),
		 AMP_RPMSG_BUFFER_TOO_SHORT);
	CHECK_EQ(amp_rpmsg_hdr_decode(buf, 0, AMP_LITTLE_ENDIAN, &out), AMP_RPMSG_BUFFER_TOO_SHORT);
	h.len = 0; /* zero-length messages are valid */
	amp_rpmsg_hdr_encode(&h, AMP_LITTLE_ENDIAN, buf);
	CHECK_EQ(amp_rpmsg_hdr_decode(buf, 16, AMP_LITTLE_ENDIAN, &out), AMP_RPMSG_VALID);
	h.len = 4;
	amp_rpmsg_hdr_encode(&h, AMP_LITTLE_ENDIAN, buf);
	CHECK_EQ(amp_rpmsg_hdr_decode(buf, 20, AMP_LITTLE_ENDIAN, &out), AMP_RPMSG_VALID);
	CHECK_EQ(out.len, 4);
	h.len = 5;
	amp_rpmsg_hdr_encode(&h, AMP_LITTLE_ENDIAN, buf);
	out.len = 77;
	CHECK_EQ(amp_rpmsg_hdr_decode(buf, 20, AMP_LITTLE_ENDIAN, &out), AMP_RPMSG_LEN_OVER_BUFFER);
	CHECK_EQ(out.len, 77); /* not filled on a defect */
	h.len = 0xffff;
	amp_rpmsg_hdr_encode(&h, AMP_LITTLE_ENDIAN, buf);
	CHECK_EQ(amp_rpmsg_hdr_decode(buf, 512, AMP_LITTLE_ENDIAN, &out),
		 AMP_RPMSG_LEN_OVER_BUFFER);
	CHECK_EQ(amp_rpmsg_hdr_decode(buf, 0xffffffffu, AMP_LITTLE_ENDIAN, &out), AMP_RPMSG_VALID);
	/* The wrong byte order turns len 5 into 0x500: caught by the length rule. */
	h.len = 5;
	amp_rpmsg_hdr_encode(&h, AMP_BIG_ENDIAN, buf);
	CHECK_EQ(amp_rpmsg_hdr_decode(buf, 512, AMP_LITTLE_ENDIAN, &out),
		 AMP_RPMSG_LEN_OVER_BUFFER);
}

static void test_hdr_addr_any_rejected(void)
{
	struct amp_rpmsg_hdr h = {.src = AMP_RPMSG_ADDR_ANY, .dst = 53}, out;
	uint8_t buf[16];

	amp_rpmsg_hdr_encode(&h, AMP_LITTLE_ENDIAN, buf);
	CHECK_EQ(amp_rpmsg_hdr_decode(buf, 16, AMP_LITTLE_ENDIAN, &out), AMP_RPMSG_ADDR_ANY_USED);
	h = (struct amp_rpmsg_hdr){.src = 1024, .dst = AMP_RPMSG_ADDR_ANY};
	amp_rpmsg_hdr_encode(&h, AMP_BIG_ENDIAN, buf);
	CHECK_EQ(amp_rpmsg_hdr_decode(buf, 16, AMP_BIG_ENDIAN, &out), AMP_RPMSG_ADDR_ANY_USED);
}

static void test_ns_encode_bytes(void)
{
	uint8_t out[40], want[40] = {0};

	memcpy(want, "rpmsg-client-sample", 19);
	want[32] = 0x1e; /* addr, little-endian */
	CHECK_EQ(amp_rpmsg_ns_encode("rpmsg-client-sample", 0x1e, AMP_RPMSG_NS_CREATE,
				     AMP_LITTLE_ENDIAN, out),
		 0);
	CHECK(!memcmp(out, want, 40));

	memset(want + 32, 0, 8);
	want[35] = 0x1e; /* addr, big-endian */
	want[39] = 1;    /* DESTROY */
	memset(out, 0xee, sizeof(out));
	CHECK_EQ(amp_rpmsg_ns_encode("rpmsg-client-sample", 0x1e, AMP_RPMSG_NS_DESTROY,
				     AMP_BIG_ENDIAN, out),
		 0);
	CHECK(!memcmp(out, want, 40)); /* padding is zero, not what the buffer held */
}

static void test_ns_encode_rejects(void)
{
	char name31[32], name32[33];
	uint8_t out[40];

	memset(name31, 'a', 31);
	name31[31] = 0;
	memset(name32, 'b', 32);
	name32[32] = 0;
	CHECK_EQ(amp_rpmsg_ns_encode(name31, 1024, 0, AMP_LITTLE_ENDIAN, out), 0);
	CHECK(out[30] == 'a' && out[31] == 0);
	CHECK_EQ(amp_rpmsg_ns_encode(name32, 1024, 0, AMP_LITTLE_ENDIAN, out), -AMP_EINVAL);
	CHECK_EQ(amp_rpmsg_ns_encode("", 1024, 0, AMP_LITTLE_ENDIAN, out), -AMP_EINVAL);
	CHECK_EQ(amp_rpmsg_ns_encode(NULL, 1024, 0, AMP_LITTLE_ENDIAN, out), -AMP_EINVAL);
	CHECK_EQ(amp_rpmsg_ns_encode("x", AMP_RPMSG_NS_ADDR, 0, AMP_LITTLE_ENDIAN, out),
		 -AMP_EINVAL);
	CHECK_EQ(amp_rpmsg_ns_encode("x", AMP_RPMSG_ADDR_ANY, 0, AMP_LITTLE_ENDIAN, out),
		 -AMP_EINVAL);
	/* Addresses below 1024 are legitimate announcements (rpmsg-lite uses them). */
	CHECK_EQ(amp_rpmsg_ns_encode("x", 30, 0, AMP_LITTLE_ENDIAN, out), 0);
}

static void test_ns_round_trip(void)
{
	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct amp_rpmsg_ns_msg ns;
		uint8_t raw[40];

		REQUIRE(amp_rpmsg_ns_encode("rpmsg-raw", 0x401, AMP_RPMSG_NS_DESTROY, orders[o],
					    raw) == 0);
		memset(&ns, 0x77, sizeof(ns));
		CHECK_EQ(amp_rpmsg_ns_decode(raw, 40, orders[o], &ns), AMP_RPMSG_VALID);
		CHECK(!strcmp(ns.name, "rpmsg-raw"));
		CHECK_EQ(ns.name[31], 0);
		CHECK_EQ(ns.addr, 0x401);
		CHECK_EQ(ns.flags, AMP_RPMSG_NS_DESTROY);
	}
}

static void test_ns_decode_defects(void)
{
	struct amp_rpmsg_ns_msg ns = {.addr = 99};
	uint8_t raw[64];

	REQUIRE(amp_rpmsg_ns_encode("svc", 1024, 0, AMP_LITTLE_ENDIAN, raw) == 0);
	CHECK_EQ(amp_rpmsg_ns_decode(raw, 39, AMP_LITTLE_ENDIAN, &ns), AMP_RPMSG_NS_BAD_SIZE);
	CHECK_EQ(amp_rpmsg_ns_decode(raw, 41, AMP_LITTLE_ENDIAN, &ns), AMP_RPMSG_NS_BAD_SIZE);
	CHECK_EQ(amp_rpmsg_ns_decode(raw, 0, AMP_LITTLE_ENDIAN, &ns), AMP_RPMSG_NS_BAD_SIZE);

	memset(raw, 'z', 32); /* 32 characters, no NUL */
	CHECK_EQ(amp_rpmsg_ns_decode(raw, 40, AMP_LITTLE_ENDIAN, &ns),
		 AMP_RPMSG_NS_NAME_UNTERMINATED);
	raw[31] = 0; /* 31 characters: the longest valid name */
	CHECK_EQ(amp_rpmsg_ns_decode(raw, 40, AMP_LITTLE_ENDIAN, &ns), AMP_RPMSG_VALID);
	CHECK_EQ(strlen(ns.name), 31);
	raw[0] = 0;
	CHECK_EQ(amp_rpmsg_ns_decode(raw, 40, AMP_LITTLE_ENDIAN, &ns), AMP_RPMSG_NS_NAME_EMPTY);

	REQUIRE(amp_rpmsg_ns_encode("svc", 1024, 0, AMP_LITTLE_ENDIAN, raw) == 0);
	raw[32] = 53; /* addr 53 */
	raw[33] = 0;
	CHECK_EQ(amp_rpmsg_ns_decode(raw, 40, AMP_LITTLE_ENDIAN, &ns), AMP_RPMSG_NS_ADDR_RESERVED);
	memset(raw + 32, 0xff, 4);
	ns.addr = 99;
	CHECK_EQ(amp_rpmsg_ns_decode(raw, 40, AMP_LITTLE_ENDIAN, &ns), AMP_RPMSG_NS_ADDR_RESERVED);
	CHECK_EQ(ns.addr, 99); /* not filled on a defect */
}

/* Bytes after the NUL need not be zero (a DF-SHOULD); they never reach the caller's name. */
static void test_ns_garbage_after_name_not_copied(void)
{
	struct amp_rpmsg_ns_msg ns;
	uint8_t raw[40];

	REQUIRE(amp_rpmsg_ns_encode("abc", 2000, 0, AMP_LITTLE_ENDIAN, raw) == 0);
	memset(raw + 4, 'Q', 28);
	CHECK_EQ(amp_rpmsg_ns_decode(raw, 40, AMP_LITTLE_ENDIAN, &ns), AMP_RPMSG_VALID);
	CHECK(!strcmp(ns.name, "abc"));
	for (size_t i = 3; i < sizeof(ns.name); i++)
		CHECK_EQ(ns.name[i], 0);
}

static void test_defect_names(void)
{
	for (int i = 0; i < AMP_RPMSG_DEFECT_COUNT; i++) {
		CHECK(strcmp(amp_rpmsg_defect_name((enum amp_rpmsg_defect)i), "unknown"));
		for (int j = 0; j < i; j++)
			CHECK(strcmp(amp_rpmsg_defect_name((enum amp_rpmsg_defect)i),
				     amp_rpmsg_defect_name((enum amp_rpmsg_defect)j)));
	}
	CHECK(!strcmp(amp_rpmsg_defect_name(AMP_RPMSG_DEFECT_COUNT), "unknown"));
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_hdr_encode_bytes),
		TEST(test_hdr_round_trip),
		TEST(test_hdr_length_rules),
		TEST(test_hdr_addr_any_rejected),
		TEST(test_ns_encode_bytes),
		TEST(test_ns_encode_rejects),
		TEST(test_ns_round_trip),
		TEST(test_ns_decode_defects),
		TEST(test_ns_garbage_after_name_not_copied),
		TEST(test_defect_names),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
