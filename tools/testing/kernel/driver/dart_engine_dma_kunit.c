// SPDX-License-Identifier: GPL-2.0
/*
 * DMA-API tests through whatever IOMMU driver owns the emulated DARTs.
 *
 * The platform's DMA test engines ("qemu,apple-dart-test-engine", bound by
 * dart_test_engine.ko while this module is loaded) are ordinary platform
 * devices behind their DARTs (DT "iommus"), so the DMA API maps through
 * the DART driver under test: the 6.12 tree's own apple-dart.c in the
 * oracle scenario, the project's driver later.  The
 * DART model checks every translation against its page tables and reports
 * a missing TLB flush as a model violation, which fails the run.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "dart_test_engine.h"

/* No callbacks: the suite only needs the engines bound while it runs. */
static struct dte_user de_user;

static struct dte_engine *de_first(struct kunit *test)
{
	struct dte_engine *e = dte_find("dma-t8103-a");

	if (!e)
		kunit_skip(test, "engine dma-t8103-a not bound");
	return e;
}

/* The engines probed and sit in translated DMA domains. */
static void de_bound(struct kunit *test)
{
	struct dte_engine *e;

	KUNIT_ASSERT_NOT_NULL(test, dte_next(NULL));
	for (e = dte_next(NULL); e; e = dte_next(e)) {
		struct iommu_domain *dom = iommu_get_domain_for_dev(e->dev);

		KUNIT_ASSERT_NOT_NULL(test, dom);
		kunit_info(test, "%s: stream %u, domain type %#x", e->label,
			   e->sid[0], dom->type);
		KUNIT_EXPECT_TRUE(test, dom->type & __IOMMU_DOMAIN_DMA_API);
		KUNIT_EXPECT_TRUE(test, dom->type & __IOMMU_DOMAIN_PAGING);
	}
}

/* Coherent memory: the engine fills it, the CPU sees it. */
static void de_coherent(struct kunit *test)
{
	struct dte_engine *e = de_first(test);
	const size_t len = 2 * SZ_16K;
	/* The engine's own stream: other masters share the DART. */
	u32 walks = dte_cnt(e, DTE_CNT_SEL_STREAM, DTE_CNT_WALKS), *cpu;
	dma_addr_t iova;
	size_t i;

	cpu = dma_alloc_coherent(e->dev, len, &iova, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cpu);
	dte_wr(e, DTE_DATA, 0x5a5a1234);
	KUNIT_EXPECT_EQ(test, dte_exec(e, DTE_OP_FILL, 0, iova, len) & DTE_ST_ERROR, 0);
	for (i = 0; i < len / 4; i++)
		if (cpu[i] != 0x5a5a1234)
			break;
	KUNIT_EXPECT_EQ(test, i, len / 4);
	KUNIT_EXPECT_EQ(test, dte_exec(e, DTE_OP_CHECKSUM, iova, 0, len) & DTE_ST_ERROR, 0);
	KUNIT_EXPECT_EQ(test, dte_rd(e, DTE_RESULT), dte_fnv1a((u8 *)cpu, len));
	/* It went through the DART's tables, not around them. */
	KUNIT_EXPECT_GT(test, dte_cnt(e, DTE_CNT_SEL_STREAM, DTE_CNT_WALKS),
			walks);
	KUNIT_EXPECT_EQ(test, dte_cnt(e, DTE_CNT_SEL_STREAM, DTE_CNT_BYPASS),
			0);
	dma_free_coherent(e->dev, len, cpu, iova);
}

/* Streaming mappings: map, device copy, unmap, CPU check. */
static void de_streaming(struct kunit *test)
{
	struct dte_engine *e = de_first(test);
	const size_t len = 3 * SZ_16K + 100;
	dma_addr_t s, d;
	u8 *src, *dst;
	size_t i;

	src = kunit_kmalloc(test, len, GFP_KERNEL);
	dst = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	for (i = 0; i < len; i++)
		src[i] = i * 31 + 7;
	s = dma_map_single(e->dev, src, len, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(e->dev, s));
	d = dma_map_single(e->dev, dst, len, DMA_FROM_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(e->dev, d));
	kunit_info(test, "src %pa -> IOVA %pad, dst IOVA %pad", &(phys_addr_t){
		   virt_to_phys(src) }, &s, &d);

	KUNIT_EXPECT_EQ(test, dte_exec(e, DTE_OP_CHECKSUM, s, 0, len) & DTE_ST_ERROR, 0);
	KUNIT_EXPECT_EQ(test, dte_rd(e, DTE_RESULT), dte_fnv1a(src, len));
	KUNIT_EXPECT_EQ(test, dte_exec(e, DTE_OP_COPY, s, d, len) & DTE_ST_ERROR, 0);
	dma_unmap_single(e->dev, d, len, DMA_FROM_DEVICE);
	dma_unmap_single(e->dev, s, len, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, memcmp(src, dst, len), 0);
}

/*
 * DMA to an unmapped IOVA faults: the engine reports the IOVA, and the
 * driver's fault handler decodes the DART's error (the scenario checks its
 * message against the line printed here).
 */
static void de_unmap_fault(struct kunit *test)
{
	struct dte_engine *e = de_first(test);
	u32 faults = dte_cnt(e, DTE_CNT_SEL_STREAM, DTE_CNT_FAULTS), st;
	u64 fault;
	dma_addr_t iova;
	void *buf;

	buf = kunit_kzalloc(test, SZ_16K, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	iova = dma_map_single(e->dev, buf, SZ_16K, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(e->dev, iova));
	KUNIT_EXPECT_TRUE(test, dte_write32(e, 0, iova + 0x40, 0x77));
	dma_unmap_single(e->dev, iova, SZ_16K, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, ((u32 *)buf)[0x10], 0x77);

	pr_info("expect fault stream:%u at 0x%llx\n", e->sid[0], (u64)iova + 0x40);
	st = dte_exec(e, DTE_OP_READ32, iova + 0x40, 0, 4);
	KUNIT_EXPECT_TRUE(test, st & DTE_ST_ERROR);
	fault = dte_fault_iova(e);
	KUNIT_EXPECT_EQ(test, fault, (u64)iova + 0x40);
	KUNIT_EXPECT_EQ(test,
			dte_cnt(e, DTE_CNT_SEL_STREAM, DTE_CNT_FAULTS) - faults,
			1);
}

/* Engines on one stream share a group, a domain and its mappings. */
static void de_shared_stream(struct kunit *test)
{
	struct dte_engine *b = dte_find("dma-t8103-b"), *c = dte_find("dma-t8103-c");
	struct iommu_group *gb, *gc;
	dma_addr_t iova;
	u32 *buf;

	if (!b || !c)
		kunit_skip(test, "engines sharing a stream not bound");
	gb = iommu_group_get(b->dev);
	gc = iommu_group_get(c->dev);
	KUNIT_EXPECT_PTR_EQ(test, gb, gc);
	iommu_group_put(gb);
	iommu_group_put(gc);
	KUNIT_EXPECT_PTR_EQ(test, iommu_get_domain_for_dev(b->dev),
			    iommu_get_domain_for_dev(c->dev));

	buf = dma_alloc_coherent(b->dev, SZ_16K, &iova, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_TRUE(test, dte_write32(c, 0, iova + 8, 0xc0c0c0c0));
	KUNIT_EXPECT_EQ(test, buf[2], 0xc0c0c0c0);
	dma_free_coherent(b->dev, SZ_16K, buf, iova);
}

static struct kunit_case de_cases[] = {
	KUNIT_CASE(de_bound),
	KUNIT_CASE(de_coherent),
	KUNIT_CASE(de_streaming),
	KUNIT_CASE(de_unmap_fault),
	KUNIT_CASE(de_shared_stream),
	{}
};

static struct kunit_suite de_suite = {
	.name = "dart_engine_dma",
	.test_cases = de_cases,
};

kunit_test_suite(de_suite);

/* Bind the engines before KUnit runs the suite (when the module is live). */
static int __init de_init(void)
{
	return dte_use(&de_user);
}
module_init(de_init);

static void __exit de_exit(void)
{
	dte_unuse(&de_user);
}
module_exit(de_exit);

MODULE_DESCRIPTION("DMA-API tests through the emulated Apple DART's test engines");
MODULE_LICENSE("GPL");
