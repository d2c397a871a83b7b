// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the Apple DART driver: the ERROR decoder of both
 * register layouts against the facts sheet's tables (dart-hw.md §2.2,
 * §3.2) and a fault seen on real hardware.  Pure; runs anywhere.
 *
 * The tests that drive every DART generation through DMA need the
 * emulated platform's test engines; they live out of tree, in
 * tools/testing/kernel/driver/.
 */

#include <kunit/test.h>
#include <linux/iommu.h>
#include <linux/module.h>

#include "apple-dart.h"

/* ---- decoder ------------------------------------------------------------ */

/* AsahiLinux/linux#283, M2 (T8110): status 0x80100004, stream 1, NO PMD. */
static void decode_t8110_field_vector(struct kunit *test)
{
	struct adart_fault f;

	adart_decode_fault(adart_t8110.lay, 0x80100004, 0x70, &f);
	KUNIT_EXPECT_EQ(test, f.sid, 1);
	KUNIT_EXPECT_EQ(test, f.code, 0x4);
	KUNIT_EXPECT_EQ(test, f.n_codes, 1);
	KUNIT_EXPECT_EQ(test, f.iova, 0x70);
	KUNIT_EXPECT_STREQ(test, f.name, "no L1 table entry (PMD)");
	KUNIT_EXPECT_TRUE(test, f.dir_known);
	KUNIT_EXPECT_FALSE(test, f.write);
}

static void decode_t8110_fields(struct kunit *test)
{
	struct adart_fault f;

	/* WRITE_nREAD (28), stream 200 in [27:20], WRITE_FAULT (4). */
	adart_decode_fault(adart_t8110.lay, BIT(31) | BIT(28) | (200 << 20) | BIT(4),
			   0xfedc0000ULL, &f);
	KUNIT_EXPECT_EQ(test, f.sid, 200);
	KUNIT_EXPECT_TRUE(test, f.write);
	KUNIT_EXPECT_STREQ(test, f.name, "write to a read-only page");

	/* A read NO_TTBR; SECONDARY (19) is outside the code field. */
	adart_decode_fault(adart_t8110.lay, BIT(31) | BIT(19) | (255 << 20) | BIT(0),
			   0, &f);
	KUNIT_EXPECT_EQ(test, f.sid, 255);
	KUNIT_EXPECT_EQ(test, f.code, BIT(0));
	KUNIT_EXPECT_FALSE(test, f.write);
	KUNIT_EXPECT_STREQ(test, f.name, "no TTBR for IOVA");

	/* BPF_REJECT, the top of the 15-bit code field. */
	adart_decode_fault(adart_t8110.lay, BIT(31) | BIT(14), 0, &f);
	KUNIT_EXPECT_EQ(test, f.code, BIT(14));
	KUNIT_EXPECT_STREQ(test, f.name, "BPF reject");
}

static void decode_t8020_fields(struct kunit *test)
{
	const struct adart_variant *v[] = {
		&adart_t8103, &adart_t8103_usb4, &adart_t6000,
	};
	struct adart_fault f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		/* Stream in [27:24], NO_PTE (2): no direction. */
		adart_decode_fault(v[i]->lay, BIT(31) | (9 << 24) | BIT(2),
				   0xfffcc040, &f);
		KUNIT_EXPECT_EQ(test, f.sid, 9);
		KUNIT_EXPECT_EQ(test, f.code, BIT(2));
		KUNIT_EXPECT_STREQ(test, f.name, "no page table entry (PTE)");
		KUNIT_EXPECT_FALSE(test, f.dir_known);

		/* WRITE_FAULT (3) tells the direction. */
		adart_decode_fault(v[i]->lay, BIT(31) | (15 << 24) | BIT(3), 0, &f);
		KUNIT_EXPECT_EQ(test, f.sid, 15);
		KUNIT_EXPECT_TRUE(test, f.dir_known);
		KUNIT_EXPECT_TRUE(test, f.write);

		/* READ_FAULT (4). */
		adart_decode_fault(v[i]->lay, BIT(31) | BIT(4), 0, &f);
		KUNIT_EXPECT_TRUE(test, f.dir_known);
		KUNIT_EXPECT_FALSE(test, f.write);

		/* Bit 5 has no name; two bits are flagged as such. */
		adart_decode_fault(v[i]->lay, BIT(31) | BIT(5), 0, &f);
		KUNIT_EXPECT_STREQ(test, f.name, "unknown");
		adart_decode_fault(v[i]->lay, BIT(31) | BIT(0) | BIT(1), 0, &f);
		KUNIT_EXPECT_EQ(test, f.n_codes, 2);
		KUNIT_EXPECT_STREQ(test, f.name, "no TTBR for IOVA");

		/* The code mask is [11:0]: bit 12 is not a code. */
		adart_decode_fault(v[i]->lay, BIT(31) | BIT(12), 0, &f);
		KUNIT_EXPECT_EQ(test, f.code, 0);
	}
}

static struct kunit_case decode_cases[] = {
	KUNIT_CASE(decode_t8110_field_vector),
	KUNIT_CASE(decode_t8110_fields),
	KUNIT_CASE(decode_t8020_fields),
	{}
};

static struct kunit_suite decode_suite = {
	.name = "apple_dart_decode",
	.test_cases = decode_cases,
};

kunit_test_suite(decode_suite);

MODULE_DESCRIPTION("KUnit tests for the Apple DART IOMMU driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
