// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the Apple DART driver: the ERROR decoder of both
 * register layouts against the facts sheet's tables (dart-hw.md §2.2,
 * §3.2) and a fault seen on real hardware, and the attach check on
 * hand-made DARTs and domains.  Pure; runs anywhere.
 *
 * The tests that drive every DART generation through DMA need the
 * emulated platform's test engines; they live out of tree, in
 * tools/testing/kernel/driver/.
 */

#include <kunit/device.h>
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

/* ---- probe checks --------------------------------------------------- */

/*
 * PARAMS of a DART the driver cannot drive (hw §1): no streams or more
 * than the 256 PARAMS4's field and the stream bitmaps hold, a page size
 * that is no power of two or that the PTE format cannot address (DART2
 * entries hold 16K page addresses only, hw §4.1).  The model refuses to
 * build such a DART, so only this test reaches the refusals.  Catches a
 * check that lets them through to the stream array and the backend.  (Its
 * third rule, pages larger than the kernel's without bypass, needs a 4K
 * kernel: on 16K pages no format has larger ones.)
 */
static void params_refused(struct kunit *test)
{
	static const struct {
		const struct adart_variant *hw;
		unsigned int nsids;
		u32 pgsize;
		int ret;
	} cases[] = {
		{ &adart_t8103, 16, SZ_16K, 0 },
		{ &adart_t8103, 16, SZ_4K, 0 },
		{ &adart_t8110, 256, SZ_16K, 0 },
		{ &adart_t8103, 0, SZ_16K, -EINVAL },
		{ &adart_t8110, ADART_MAX_SIDS + 1, SZ_16K, -EINVAL },
		{ &adart_t8103, 16, SZ_8K, -EINVAL },
		{ &adart_t8103, 16, SZ_16K + SZ_4K, -EINVAL },
		{ &adart_t8110, 16, SZ_4K, -EINVAL },
	};
	struct device *dev = kunit_device_register(test, "adart-kunit");
	struct adart dart = { .bypass = true };
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	dart.dev = dev;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		dart.hw = cases[i].hw;
		dart.lay = cases[i].hw->lay;
		dart.nsids = cases[i].nsids;
		dart.pgsize = cases[i].pgsize;
		KUNIT_EXPECT_EQ_MSG(test, adart_check_params(&dart),
				    cases[i].ret, "case %u: %s, %u streams, %#x",
				    i, cases[i].hw->name, cases[i].nsids,
				    cases[i].pgsize);
	}
}

/* ---- attach checks -------------------------------------------------- */

/*
 * A domain whose tables were built for a 42-bit T8110 (3 levels, hw §3,
 * §4.2) attached to a master behind a 38-bit one with the same walk
 * depth: the DMA API would hand out IOVAs the narrower DART cannot
 * translate, so the attach must be refused.  A narrower domain on the
 * wider DART is fine.  Catches an attach check that compares format,
 * granule, TTBRs and depth but not the VA width.
 */
static void attach_refuses_wider_ias(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "adart-kunit");
	struct adart_stream streams[4] = { };
	struct adart dart = {
		.hw = &adart_t8110, .lay = adart_t8110.lay, .nsids = 4,
		.pgsize = SZ_16K, .ias = 38, .oas = 42, .max_levels = 3,
		.streams = streams,
	};
	struct adart_master *m;
	struct adart_domain *dom;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	dom = kunit_kzalloc(test, sizeof(*dom), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_NOT_NULL(test, dom);
	dart.dev = dev;
	m->dev = dev;
	m->n_ports = 1;
	m->ports[0].dart = &dart;
	set_bit(1, m->ports[0].sids);

	dom->fmt = APPLE_DART2;
	dom->pgsize = SZ_16K;
	dom->pgcfg.ias = 42;
	dom->pgcfg.oas = 42;
	dom->dcfg.ttbr_layout = DART_TTBR_LAYOUT_T8110;
	dom->dcfg.n_ttbrs = 1;
	dom->dcfg.n_levels = 3;
	KUNIT_EXPECT_EQ(test, adart_domain_check(dom, m), -EINVAL);

	dom->pgcfg.ias = 38;
	KUNIT_EXPECT_EQ(test, adart_domain_check(dom, m), 0);
	dom->pgcfg.ias = 36;
	KUNIT_EXPECT_EQ(test, adart_domain_check(dom, m), 0);
}

/*
 * Identity (bypass) for masters that cannot have it: one whose boot
 * mappings sit at IOVAs other than their PAs (bypass would send the
 * firmware's DMA to the IOVA as a PA), one behind a locked DART (hw §6:
 * its TCR cannot be changed), and one whose second DART lacks bypass
 * (hw §2.1).  The 6.12 core asks def_domain_type() first, so no scenario
 * reaches these refusals; each case breaks one rule only, so a missing
 * check is caught by its own case.
 */
static void identity_refused(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "adart-kunit");
	struct adart darts[2] = {
		{ .hw = &adart_t8103, .lay = adart_t8103.lay, .bypass = true },
		{ .hw = &adart_t8103, .lay = adart_t8103.lay, .bypass = true },
	};
	struct adart_resv resv = {
		.iova = SZ_1G, .size = SZ_16K, .pa = SZ_2G,
		.kind = ADART_RESV_TRANSLATED,
	};
	struct adart_master *m;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	darts[0].dev = dev;
	darts[1].dev = dev;
	m->dev = dev;
	m->n_ports = 2;
	m->ports[0].dart = &darts[0];
	m->ports[1].dart = &darts[1];
	KUNIT_EXPECT_EQ(test, adart_identity_check(m), 0);

	m->resv = &resv;
	m->n_resv = 1;
	KUNIT_EXPECT_EQ(test, adart_identity_check(m), -EINVAL);
	resv.kind = ADART_RESV_DIRECT;
	resv.pa = resv.iova;
	KUNIT_EXPECT_EQ(test, adart_identity_check(m), 0);

	darts[1].locked = true;
	KUNIT_EXPECT_EQ(test, adart_identity_check(m), -EINVAL);
	darts[1].locked = false;

	darts[1].bypass = false;
	KUNIT_EXPECT_EQ(test, adart_identity_check(m), -EINVAL);
}

static struct kunit_case attach_cases[] = {
	KUNIT_CASE(attach_refuses_wider_ias),
	KUNIT_CASE(identity_refused),
	{}
};

static struct kunit_suite attach_suite = {
	.name = "apple_dart_attach",
	.test_cases = attach_cases,
};

static struct kunit_case probe_cases[] = {
	KUNIT_CASE(params_refused),
	{}
};

static struct kunit_suite probe_suite = {
	.name = "apple_dart_probe",
	.test_cases = probe_cases,
};

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

kunit_test_suites(&decode_suite, &probe_suite, &attach_suite);

MODULE_DESCRIPTION("KUnit tests for the Apple DART IOMMU driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
