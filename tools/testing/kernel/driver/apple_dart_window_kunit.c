// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the DMA window of a 5-cell "iommus" specifier
 * (<&dart stream start-hi start-lo len-hi len-lo>, Documentation/dart/
 * driver.rst "DMA windows") through the emulated DMA test engines, on a
 * device tree the driver-window scenario edits: some DARTs with
 * #iommu-cells = <5>, the rest with one cell, and a master behind one of
 * each.  The windows are read from the DT here, independently of the
 * driver; every engine's default domain must have exactly its window as
 * aperture, every IOVA the DMA API hands out must lie inside it, and the
 * engine must reach the memory through those IOVAs.
 *
 * Out of tree only, like apple_dart_engines_kunit: it needs the emulator's
 * test device.
 */

#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "dart_test_engine.h"

/* No callbacks: the suite only needs the engines bound while it runs. */
static struct dte_user awt_user;

struct awt_window {
	u64 start;
	u64 end;
	bool set;
};

/* The overlap of @e's 5-cell specifiers' windows, as the binding says. */
static struct awt_window awt_dt_window(struct dte_engine *e)
{
	struct awt_window w = { .start = 0, .end = U64_MAX };
	struct of_phandle_args args;
	int idx;

	for (idx = 0; !of_parse_phandle_with_args(e->dev->of_node, "iommus",
						  "#iommu-cells", idx, &args);
	     idx++) {
		of_node_put(args.np);
		if (args.args_count != 5)
			continue;
		w.start = max(w.start, (u64)args.args[1] << 32 | args.args[2]);
		w.end = min(w.end, ((u64)args.args[1] << 32 | args.args[2]) +
				   ((u64)args.args[3] << 32 | args.args[4]) - 1);
		w.set = true;
	}
	return w;
}

/* The engines behind an IOMMU whose DT gives them a window, or none. */
static struct dte_engine *awt_next(struct dte_engine *e, bool windowed)
{
	while ((e = dte_next(e)))
		if (device_iommu_mapped(e->dev) &&
		    awt_dt_window(e).set == windowed)
			return e;
	return NULL;
}

static bool awt_inside(struct awt_window w, dma_addr_t iova, size_t len)
{
	return iova >= w.start && iova + len - 1 <= w.end;
}

/*
 * The default domain's aperture is the window (what dma-iommu allocates
 * from), and a master without one keeps the DART's whole default range.
 * A driver that ignored the extra cells, or read them in the wrong order,
 * leaves the aperture at 0.
 */
static void window_aperture(struct kunit *test)
{
	unsigned int windowed = 0, plain = 0;
	struct dte_engine *e;

	for (e = awt_next(NULL, true); e; e = awt_next(e, true)) {
		struct iommu_domain *dom = iommu_get_domain_for_dev(e->dev);
		struct awt_window w = awt_dt_window(e);

		KUNIT_ASSERT_NOT_NULL(test, dom);
		kunit_info(test, "%s: window %#llx-%#llx, aperture %#llx-%#llx",
			   e->label, w.start, w.end,
			   (u64)dom->geometry.aperture_start,
			   (u64)dom->geometry.aperture_end);
		KUNIT_EXPECT_EQ(test, dom->geometry.aperture_start, w.start);
		KUNIT_EXPECT_EQ(test, dom->geometry.aperture_end, w.end);
		KUNIT_EXPECT_TRUE(test, dom->geometry.force_aperture);
		windowed++;
	}
	for (e = awt_next(NULL, false); e; e = awt_next(e, false)) {
		struct iommu_domain *dom = iommu_get_domain_for_dev(e->dev);

		KUNIT_ASSERT_NOT_NULL(test, dom);
		KUNIT_EXPECT_EQ(test, dom->geometry.aperture_start, 0);
		KUNIT_EXPECT_GE(test, dom->geometry.aperture_end,
				DMA_BIT_MASK(32));
		plain++;
	}
	/* The scenario's DT: both kinds, or the test proves nothing. */
	KUNIT_EXPECT_GE(test, windowed, 2);
	KUNIT_EXPECT_GE(test, plain, 1);
}

#define AWT_BUFS	8
#define AWT_LEN		SZ_64K

/*
 * Coherent and streaming buffers of every windowed engine: each IOVA lies
 * inside the window, and the engine writes through it (and, behind a
 * second DART, reads it back through that one) what the CPU then sees.
 */
static void window_dma(struct kunit *test)
{
	struct dte_engine *e;
	unsigned int n = 0;

	for (e = awt_next(NULL, true); e; e = awt_next(e, true), n++) {
		struct awt_window w = awt_dt_window(e);
		dma_addr_t iova[AWT_BUFS], sio[AWT_BUFS];
		void *cpu[AWT_BUFS], *str[AWT_BUFS];
		unsigned int i;
		u32 val;

		for (i = 0; i < AWT_BUFS; i++) {
			u32 tag = 0xa0000000 | n << 16 | i;

			cpu[i] = dma_alloc_coherent(e->dev, AWT_LEN, &iova[i],
						    GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, cpu[i]);
			KUNIT_EXPECT_TRUE_MSG(test, awt_inside(w, iova[i], AWT_LEN),
					      "%s: coherent IOVA %pad outside the window",
					      e->label, &iova[i]);
			KUNIT_EXPECT_TRUE(test, dte_write32(e, 0, iova[i] + AWT_LEN - 4,
							    tag));
			KUNIT_EXPECT_EQ(test, ((u32 *)cpu[i])[AWT_LEN / 4 - 1], tag);
			if (e->port1) {
				KUNIT_EXPECT_TRUE(test, dte_read32(e, 1, iova[i] + AWT_LEN - 4,
								   &val));
				KUNIT_EXPECT_EQ(test, val, tag);
			}

			str[i] = kzalloc(AWT_LEN, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, str[i]);
			((u32 *)str[i])[1] = ~tag;
			sio[i] = dma_map_single(e->dev, str[i], AWT_LEN,
						DMA_TO_DEVICE);
			KUNIT_ASSERT_FALSE(test, dma_mapping_error(e->dev, sio[i]));
			KUNIT_EXPECT_TRUE_MSG(test, awt_inside(w, sio[i], AWT_LEN),
					      "%s: streaming IOVA %pad outside the window",
					      e->label, &sio[i]);
			KUNIT_EXPECT_TRUE(test, dte_read32(e, 0, sio[i] + 4, &val));
			KUNIT_EXPECT_EQ(test, val, ~tag);
		}
		for (i = 0; i < AWT_BUFS; i++) {
			dma_unmap_single(e->dev, sio[i], AWT_LEN, DMA_TO_DEVICE);
			kfree(str[i]);
			dma_free_coherent(e->dev, AWT_LEN, cpu[i], iova[i]);
		}
	}
	KUNIT_EXPECT_GE(test, n, 2);
}

/*
 * The allocator has only the window: a buffer larger than the window
 * finds no IOVA, one of half its size does.  A driver that kept the
 * DART's whole range (reserving nothing around the window) hands out the
 * large one.
 */
static void window_bounds_allocator(struct kunit *test)
{
	struct dte_engine *e;
	unsigned int n = 0;

	for (e = awt_next(NULL, true); e; e = awt_next(e, true), n++) {
		struct awt_window w = awt_dt_window(e);
		size_t size = w.end - w.start + 1;
		dma_addr_t iova;
		void *cpu;

		cpu = dma_alloc_coherent(e->dev, size + SZ_16K, &iova,
					 GFP_KERNEL | __GFP_NOWARN);
		KUNIT_EXPECT_NULL_MSG(test, cpu, "%s: %zu bytes at %pad, the window has %zu",
				      e->label, size + SZ_16K, &iova, size);
		if (cpu)
			dma_free_coherent(e->dev, size + SZ_16K, cpu, iova);

		cpu = dma_alloc_coherent(e->dev, size / 2, &iova, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, cpu);
		KUNIT_EXPECT_TRUE(test, awt_inside(w, iova, size / 2));
		KUNIT_EXPECT_TRUE(test, dte_write32(e, 0, iova, 0x5eed));
		KUNIT_EXPECT_EQ(test, *(u32 *)cpu, 0x5eed);
		dma_free_coherent(e->dev, size / 2, cpu, iova);
	}
	KUNIT_EXPECT_GE(test, n, 2);
}

/*
 * A domain whose tables were built for dma-t8103-a (no window: 32 VA
 * bits from 0) attached to dma-dcpext, whose window is 8 MiB at 1 GiB on
 * DARTs of the same format: refused, dma-dcpext stays in its default
 * domain and still reaches memory.  The other way round (a domain with
 * the window as aperture for a master without one) is fine.  Catches an
 * attach check that looks at the DARTs but not the window: the IOMMU API
 * would map IOVAs the master cannot emit.
 */
static void window_refuses_wider_domain(struct kunit *test)
{
	struct dte_engine *wide = dte_find("dma-t8103-a");
	struct dte_engine *win = dte_find("dma-dcpext");
	struct iommu_domain *dom, *was;
	void *cpu;
	dma_addr_t iova;

	KUNIT_ASSERT_NOT_NULL(test, wide);
	KUNIT_ASSERT_NOT_NULL(test, win);
	KUNIT_ASSERT_TRUE(test, awt_dt_window(win).set);
	was = iommu_get_domain_for_dev(win->dev);

	dom = iommu_paging_domain_alloc(wide->dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dom));
	KUNIT_EXPECT_EQ(test, iommu_attach_device(dom, win->dev), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, iommu_get_domain_for_dev(win->dev), was);
	iommu_domain_free(dom);

	cpu = dma_alloc_coherent(win->dev, SZ_16K, &iova, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cpu);
	KUNIT_EXPECT_TRUE(test, dte_write32(win, 0, iova, 0xd0d0));
	KUNIT_EXPECT_EQ(test, *(u32 *)cpu, 0xd0d0);
	dma_free_coherent(win->dev, SZ_16K, cpu, iova);

	dom = iommu_paging_domain_alloc(win->dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dom));
	KUNIT_EXPECT_EQ(test, iommu_attach_device(dom, wide->dev), 0);
	iommu_detach_device(dom, wide->dev);
	iommu_domain_free(dom);
}

static struct kunit_case window_cases[] = {
	KUNIT_CASE(window_aperture),
	KUNIT_CASE(window_dma),
	KUNIT_CASE(window_bounds_allocator),
	KUNIT_CASE(window_refuses_wider_domain),
	{}
};

static struct kunit_suite window_suite = {
	.name = "apple_dart_window",
	.test_cases = window_cases,
};

kunit_test_suite(window_suite);

/* Bind the engines before the suite runs, which is when the module is live. */
static int __init awt_init(void)
{
	return dte_use(&awt_user);
}
module_init(awt_init);

static void __exit awt_exit(void)
{
	dte_unuse(&awt_user);
}
module_exit(awt_exit);

MODULE_DESCRIPTION("KUnit tests of the Apple DART driver's DMA windows through the emulated DMA test engines");
MODULE_LICENSE("GPL");
