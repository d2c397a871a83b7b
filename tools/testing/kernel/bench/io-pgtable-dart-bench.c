// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark of the Apple DART page-table backend against the kernel's
 * built-in one (alloc_io_pgtable_ops(APPLE_DART2), needs
 * CONFIG_IOMMU_IO_PGTABLE_DART=y), in the same boot.
 *
 * Both map and unmap a range in 16 KiB pages, once one page per call and
 * once with the largest pgcount each backend accepts, in interleaved
 * rounds; the fastest round of each phase counts.  Figures are
 * printed as KUnit diagnostics, never asserted: emulated and real
 * machines differ too much for a threshold to mean anything.
 */

#include <kunit/test.h>
#include <linux/io-pgtable.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/vmstat.h>

#include "iommu-pages.h"
#include "io-pgtable-dart.h"

static unsigned int bench_mib = 1024;
module_param(bench_mib, uint, 0444);
MODULE_PARM_DESC(bench_mib, "MiB mapped and unmapped per run (default 1 GiB)");

static unsigned int bench_rounds = 5;
module_param(bench_rounds, uint, 0444);
MODULE_PARM_DESC(bench_rounds, "timed rounds per backend; the best counts");

static bool bench_memory_sleep = true;
module_param(bench_memory_sleep, bool, 0444);
MODULE_PARM_DESC(bench_memory_sleep,
		 "measure the built-in backend's table memory (sleeps 6 s)");

#define BENCH_GRANULE	SZ_16K
#define BENCH_PA	SZ_4G		/* any aligned address: never accessed */

/**
 * struct bench_backend - one backend under test
 * @name:	for the report
 * @alloc:	make a T8110-like page table (DART2 PTEs, 16 KiB, IAS 36)
 * @free:	free it
 */
struct bench_backend {
	const char *name;
	struct io_pgtable_ops *(*alloc)(struct io_pgtable_cfg *cfg);
	void (*free)(struct io_pgtable_ops *ops);
};

static struct io_pgtable_ops *bench_ours_alloc(struct io_pgtable_cfg *cfg)
{
	struct dart_pgtable_cfg dcfg = { .max_ttbrs = 1, .max_levels = 3 };
	struct io_pgtable_ops *ops;

	ops = dart_io_pgtable_alloc(APPLE_DART2, cfg, &dcfg, NULL);
	return IS_ERR(ops) ? NULL : ops;
}

static struct io_pgtable_ops *bench_builtin_alloc(struct io_pgtable_cfg *cfg)
{
	return alloc_io_pgtable_ops(APPLE_DART2, cfg, NULL);
}

static const struct bench_backend bench_backends[] = {
	{ "io-pgtable-dart (ours)", bench_ours_alloc, dart_io_pgtable_free },
	{ "6.12 built-in", bench_builtin_alloc, free_io_pgtable_ops },
};

/* Phases, in the order they run. */
enum { MAP1, UNMAP1, MAPN, UNMAPN, NR_PHASES };

static const char * const bench_phase[NR_PHASES] = {
	"map 1/call", "unmap 1/call", "map pgcount", "unmap pgcount",
};

static size_t bench_pages(void)
{
	return (size_t)bench_mib * SZ_1M / BENCH_GRANULE;
}

static int bench_map_all(struct io_pgtable_ops *ops, size_t pages,
			 size_t pgcount)
{
	int prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	size_t done, mapped;

	/* A backend may stop at a table boundary; call again for the rest. */
	for (done = 0; done < pages; done += mapped / BENCH_GRANULE) {
		mapped = 0;
		if (ops->map_pages(ops, done * BENCH_GRANULE,
				   BENCH_PA + done * BENCH_GRANULE,
				   BENCH_GRANULE, min(pgcount, pages - done),
				   prot, GFP_KERNEL, &mapped) || !mapped)
			return -EIO;
	}
	return 0;
}

static int bench_unmap_all(struct io_pgtable_ops *ops, size_t pages,
			   size_t pgcount)
{
	struct iommu_iotlb_gather gather;
	size_t done, sz;
	int ret = 0;

	iommu_iotlb_gather_init(&gather);
	for (done = 0; done < pages; done += sz / BENCH_GRANULE) {
		sz = ops->unmap_pages(ops, done * BENCH_GRANULE, BENCH_GRANULE,
				      min(pgcount, pages - done), &gather);
		if (!sz) {
			ret = -EIO;
			break;
		}
	}
	/* What a driver does after its invalidation. */
	iommu_put_pages_list(&gather.freelist);
	return ret;
}

static struct io_pgtable_ops *bench_alloc(const struct bench_backend *b)
{
	struct io_pgtable_cfg cfg = {
		.pgsize_bitmap	= BENCH_GRANULE,
		.ias		= 36,
		.oas		= 42,
		.coherent_walk	= true,
	};

	return b->alloc(&cfg);
}

/* One timed round of all phases; keeps the fastest time of each. */
static int bench_round(const struct bench_backend *b, u64 *best)
{
	size_t pages = bench_pages();
	struct io_pgtable_ops *ops;
	u64 t[NR_PHASES + 1];
	int ret, i;

	ops = bench_alloc(b);
	if (!ops)
		return -ENOMEM;
	t[0] = ktime_get_ns();
	ret = bench_map_all(ops, pages, 1);
	t[1] = ktime_get_ns();
	ret = ret ?: bench_unmap_all(ops, pages, 1);
	t[2] = ktime_get_ns();
	ret = ret ?: bench_map_all(ops, pages, pages);
	t[3] = ktime_get_ns();
	ret = ret ?: bench_unmap_all(ops, pages, pages);
	t[4] = ktime_get_ns();
	b->free(ops);

	for (i = 0; i < NR_PHASES; i++)
		best[i] = min(best[i], t[i + 1] - t[i]);
	return ret;
}

/*
 * NR_IOMMU_PAGES is folded from per-CPU deltas about once a second; wait
 * for that so that a few dozen table pages are not lost in the drift.
 */
static long bench_iommu_kib(void)
{
	msleep(2100);
	return (long)global_node_page_state(NR_IOMMU_PAGES) *
	       (long)(PAGE_SIZE / SZ_1K);
}

static void bench_memory(struct kunit *test, const struct bench_backend *b)
{
	size_t pages = bench_pages();
	struct io_pgtable_ops *ops;
	long base, full, empty;

	base = bench_iommu_kib();
	ops = bench_alloc(b);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	KUNIT_EXPECT_EQ(test, bench_map_all(ops, pages, pages), 0);
	full = bench_iommu_kib();
	KUNIT_EXPECT_EQ(test, bench_unmap_all(ops, pages, pages), 0);
	empty = bench_iommu_kib();
	b->free(ops);
	kunit_info(test, "%s: table memory (NR_IOMMU_PAGES) %ld KiB with %u MiB mapped, %ld KiB after unmap-all\n",
		   b->name, full - base, bench_mib, empty - base);
}

static void bench_map_unmap(struct kunit *test)
{
	u64 best[ARRAY_SIZE(bench_backends)][NR_PHASES];
	size_t pages = bench_pages();
	struct dart_pgtable_stats st;
	struct io_pgtable_ops *ops;
	unsigned int i, r;
	u64 q;

	memset(best, 0xff, sizeof(best));
	/* Interleaved rounds, so that neither side gets a warmer machine. */
	for (r = 0; r < bench_rounds; r++)
		for (i = 0; i < ARRAY_SIZE(bench_backends); i++)
			KUNIT_ASSERT_EQ(test, bench_round(&bench_backends[i],
							  best[i]), 0);

	for (i = 0; i < ARRAY_SIZE(bench_backends); i++)
		kunit_info(test, "%s: %u MiB in %zu pages of 16K, best of %u: map 1/call %llu us, unmap 1/call %llu us, map pgcount %llu us, unmap pgcount %llu us\n",
			   bench_backends[i].name, bench_mib, pages, bench_rounds,
			   best[i][MAP1] / 1000, best[i][UNMAP1] / 1000,
			   best[i][MAPN] / 1000, best[i][UNMAPN] / 1000);
	for (i = 0; i < NR_PHASES; i++) {
		q = best[1][i] ? div64_u64(best[0][i] * 100, best[1][i]) : 0;
		kunit_info(test, "time ours / 6.12 built-in, %s: %llu.%02llu (below 1: ours is faster)\n",
			   bench_phase[i], q / 100, q % 100);
	}

	/* Ours counts its tables exactly. */
	ops = bench_alloc(&bench_backends[0]);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	KUNIT_EXPECT_EQ(test, bench_map_all(ops, pages, pages), 0);
	dart_io_pgtable_get_stats(ops, &st);
	kunit_info(test, "%s: %lu tables, %lu KiB with %u MiB mapped\n",
		   bench_backends[0].name, st.tables, st.bytes / SZ_1K, bench_mib);
	/*
	 * Unmapped one page per call, the emptied leaf tables stay for the
	 * next map; one call clearing whole tables gives them back.
	 */
	KUNIT_EXPECT_EQ(test, bench_unmap_all(ops, pages, 1), 0);
	dart_io_pgtable_get_stats(ops, &st);
	kunit_info(test, "%s: %lu tables, %lu KiB after unmap-all 1/call (kept for reuse)\n",
		   bench_backends[0].name, st.tables, st.bytes / SZ_1K);
	KUNIT_EXPECT_EQ(test, bench_map_all(ops, pages, pages), 0);
	KUNIT_EXPECT_EQ(test, bench_unmap_all(ops, pages, pages), 0);
	dart_io_pgtable_get_stats(ops, &st);
	kunit_info(test, "%s: %lu tables, %lu KiB after unmap-all in one call\n",
		   bench_backends[0].name, st.tables, st.bytes / SZ_1K);
	bench_backends[0].free(ops);

	/* The built-in backend has no counters: ask the page allocator. */
	if (bench_memory_sleep)
		bench_memory(test, &bench_backends[1]);
}

static struct kunit_case bench_cases[] = {
	KUNIT_CASE_SLOW(bench_map_unmap),
	{}
};

static struct kunit_suite bench_suite = {
	.name = "io-pgtable-dart-bench",
	.test_cases = bench_cases,
};

kunit_test_suite(bench_suite);

MODULE_DESCRIPTION("Benchmark: Apple DART page tables, ours against 6.12's");
MODULE_LICENSE("GPL");
