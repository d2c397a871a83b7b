// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit checks of the test kernel the platform builds: that it is the
 * kernel the project's tests assume (16K pages, DMA-API debug), and that the
 * 6.12 in-tree DART page-table code is built in, since the benchmarks use it
 * as their peer.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/sizes.h>

/* Every Apple silicon Mac DART uses 16K pages (dart-hw.md §0). */
static void dart_platform_page_size(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PAGE_SIZE, SZ_16K);
}

static void dart_platform_dma_debug(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, IS_ENABLED(CONFIG_DMA_API_DEBUG));
	KUNIT_EXPECT_TRUE(test, IS_ENABLED(CONFIG_PROVE_LOCKING));
}

static void dart_platform_noop_flush(unsigned long iova, size_t size,
				     size_t granule, void *cookie)
{
}

static const struct iommu_flush_ops dart_platform_flush_ops = {
	.tlb_flush_walk = dart_platform_noop_flush,
};

/*
 * Round-trip one 16K mapping through the built-in APPLE_DART2 format: the
 * benchmark peer must exist and translate.
 */
static void dart_platform_builtin_pgtable(struct kunit *test)
{
	struct io_pgtable_cfg cfg = {
		.pgsize_bitmap = SZ_16K,
		.ias = 32,
		.oas = 42,
		.coherent_walk = true,
		.tlb = &dart_platform_flush_ops,
	};
	const unsigned long iova = 0x10000000;
	const phys_addr_t pa = 0x812340000ULL;
	struct io_pgtable_ops *ops;
	size_t mapped = 0;

	cfg.iommu_dev = kunit_device_register(test, "dart-platform");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cfg.iommu_dev);

	ops = alloc_io_pgtable_ops(APPLE_DART2, &cfg, NULL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	KUNIT_EXPECT_EQ(test, ops->map_pages(ops, iova, pa, SZ_16K, 1,
					     IOMMU_READ | IOMMU_WRITE,
					     GFP_KERNEL, &mapped), 0);
	KUNIT_EXPECT_EQ(test, mapped, SZ_16K);
	KUNIT_EXPECT_EQ(test, ops->iova_to_phys(ops, iova + 0x123), pa + 0x123);
	KUNIT_EXPECT_EQ(test, ops->unmap_pages(ops, iova, SZ_16K, 1, NULL),
			SZ_16K);
	KUNIT_EXPECT_EQ(test, ops->iova_to_phys(ops, iova), 0);
	free_io_pgtable_ops(ops);
}

static struct kunit_case dart_platform_cases[] = {
	KUNIT_CASE(dart_platform_page_size),
	KUNIT_CASE(dart_platform_dma_debug),
	KUNIT_CASE(dart_platform_builtin_pgtable),
	{}
};

static struct kunit_suite dart_platform_suite = {
	.name = "dart_platform",
	.test_cases = dart_platform_cases,
};

kunit_test_suite(dart_platform_suite);

MODULE_DESCRIPTION("KUnit checks of the Apple DART test platform");
MODULE_LICENSE("GPL");
