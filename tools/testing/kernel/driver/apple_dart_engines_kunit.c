// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the Apple DART driver through the emulated platform's DMA
 * test engines ("qemu,apple-dart-test-engine", Documentation/dart/
 * emulator.rst), bound by dart_test_engine.ko with driver-managed DMA so
 * that the tests can attach their own domains.  Every engine, hence every DART generation, is
 * driven through unmanaged domains (remapping one IOVA, which catches a
 * missing invalidation of exactly that stream), fault reports, the blocked
 * domain, one domain over several DARTs and the DMA API.  Skipped where
 * there are no engines.
 *
 * Out of tree only: it needs the emulator's test device, so it is not part
 * of the in-tree series (the decoder tests in drivers/iommu/ are).
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/sizes.h>

#include "dart_test_engine.h"
/* iommu_group_replace_domain(), the core call iommufd uses */
#include "iommu-priv.h"

/* No callbacks: the suites only need the engines bound while they run. */
static struct dte_user akt_user;

/*
 * The next engine after @e behind an IOMMU: the library binds the masters
 * the DART driver refused too (driver-bad), which have no group to test.
 */
static struct dte_engine *akt_next(struct dte_engine *e)
{
	while ((e = dte_next(e)) && !device_iommu_mapped(e->dev))
		;
	return e;
}

/*
 * A model counter of the engine's own stream behind @port: other domains on
 * the same DART, a flush queue's timer say, may invalidate or fault their
 * own streams at any moment without moving it.
 */
static u32 akt_stream_cnt(struct dte_engine *e, unsigned int port, u32 reg)
{
	return dte_cnt(e, (port ? DTE_CNT_SEL_PORT1 : 0) | DTE_CNT_SEL_STREAM,
		       reg);
}

/* Invalidate commands that covered the engine's stream behind @port. */
static u32 akt_inval_cmds(struct dte_engine *e, unsigned int port)
{
	return akt_stream_cnt(e, port, DTE_CNT_INV_CMDS);
}

struct akt_fault_log {
	atomic_t	count;
	unsigned long	iova;
	int		flags;
	struct device	*dev;
};

static int akt_fault_handler(struct iommu_domain *domain, struct device *dev,
			     unsigned long iova, int flags, void *token)
{
	struct akt_fault_log *log = token;

	log->iova = iova;
	log->flags = flags;
	log->dev = dev;
	/* Publishes the fields above to the waiting test. */
	atomic_inc_return_release(&log->count);
	return 0;
}

/* The fault interrupt is asynchronous to the engine command. */
static int akt_wait_faults(struct akt_fault_log *log, int want)
{
	int i, n = 0;

	for (i = 0; i < 200; i++) {
		n = atomic_read_acquire(&log->count);
		if (n >= want)
			break;
		usleep_range(500, 1000);
	}
	return n;
}

static void akt_need_engines(struct kunit *test)
{
	if (!akt_next(NULL))
		kunit_skip(test, "no DMA test engines bound");
}

/*
 * An IOVA near the top of the domain's aperture: the last TTBR and the
 * last top-level entries, where an off-by-one in the TTBR split or the
 * four-level walk would show.
 */
static u64 akt_high_iova(struct iommu_domain *dom)
{
	return ((u64)dom->geometry.aperture_end + 1) - 4 * SZ_16K;
}

/* Two zeroed pages, word 2 of each marked, to tell their reads apart. */
struct akt_pages {
	struct page	*pa, *pb;
	u32		*va, *vb;
};

static void akt_pages_get(struct kunit *test, struct akt_pages *p, u32 a,
			  u32 b)
{
	p->pa = alloc_page(GFP_KERNEL | __GFP_ZERO);
	p->pb = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, p->pa);
	KUNIT_ASSERT_NOT_NULL(test, p->pb);
	p->va = page_address(p->pa);
	p->vb = page_address(p->pb);
	p->va[2] = a;
	p->vb[2] = b;
}

static void akt_pages_put(struct akt_pages *p)
{
	__free_page(p->pa);
	__free_page(p->pb);
}

/* A new unmanaged domain for @e's group, its faults going to @log. */
static struct iommu_domain *akt_attach_new(struct kunit *test,
					   struct dte_engine *e,
					   struct iommu_group **group,
					   struct akt_fault_log *log)
{
	struct iommu_domain *dom;
	int ret;

	dom = iommu_paging_domain_alloc(e->dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dom));
	*group = iommu_group_get(e->dev);
	KUNIT_ASSERT_NOT_NULL(test, *group);
	ret = iommu_attach_group(dom, *group);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: attach", e->label);
	iommu_set_fault_handler(dom, akt_fault_handler, log);
	return dom;
}

static void akt_detach_free(struct iommu_domain *dom, struct iommu_group *group)
{
	iommu_detach_group(dom, group);
	iommu_group_put(group);
	iommu_domain_free(dom);
}

/*
 * Map page A at an IOVA, read it through the engine, unmap, map page B
 * at the same IOVA, read again: the second read only sees B if the
 * DART's TLB entry for that stream was dropped (the model would also
 * report the stale use).  Then a write to a read-only mapping and a read
 * of an unmapped IOVA must reach the domain's fault handler with the
 * exact IOVA and direction.
 */
static void akt_unmanaged_one(struct kunit *test, struct dte_engine *e)
{
	struct akt_fault_log log = { };
	struct iommu_domain *dom;
	struct iommu_group *group;
	struct akt_pages pg;
	struct page *pa, *pb;
	u32 *va, *vb, val;
	u64 iova;
	int ports, p;

	akt_pages_get(test, &pg, 0xa0a0a0a2, 0xb0b0b0b2);
	pa = pg.pa;
	pb = pg.pb;
	va = pg.va;
	vb = pg.vb;
	dom = akt_attach_new(test, e, &group, &log);

	iova = akt_high_iova(dom);
	kunit_info(test, "%s: stream %u, IOVA %#llx", e->label, e->sid[0], iova);
	ports = e->port1 ? 2 : 1;

	KUNIT_EXPECT_EQ(test, iommu_map(dom, iova, page_to_phys(pa), SZ_16K,
					IOMMU_READ | IOMMU_WRITE, GFP_KERNEL), 0);
	for (p = 0; p < ports; p++) {
		KUNIT_EXPECT_TRUE(test, dte_read32(e, p, iova + 8, &val));
		KUNIT_EXPECT_EQ_MSG(test, val, va[2], "%s port %d", e->label, p);
	}
	KUNIT_EXPECT_EQ(test, iommu_unmap(dom, iova, SZ_16K), SZ_16K);
	KUNIT_EXPECT_EQ(test, iommu_map(dom, iova, page_to_phys(pb), SZ_16K,
					IOMMU_READ, GFP_KERNEL), 0);
	for (p = 0; p < ports; p++) {
		KUNIT_EXPECT_TRUE(test, dte_read32(e, p, iova + 8, &val));
		KUNIT_EXPECT_EQ_MSG(test, val, vb[2], "%s port %d: stale TLB",
				    e->label, p);
	}
	KUNIT_EXPECT_EQ(test, iommu_iova_to_phys(dom, iova + 8),
			page_to_phys(pb) + 8);

	/* Read-only page: the write faults and the handler hears of it. */
	KUNIT_EXPECT_FALSE(test, dte_write32(e, 0, iova + 0x10, 0x1234));
	KUNIT_EXPECT_EQ(test, akt_wait_faults(&log, 1), 1);
	KUNIT_EXPECT_EQ(test, log.iova, iova + 0x10);
	KUNIT_EXPECT_EQ(test, log.flags, IOMMU_FAULT_WRITE);
	/* Devices sharing a stream are indistinguishable: any of the group. */
	KUNIT_EXPECT_PTR_EQ(test, log.dev ? log.dev->iommu_group : NULL, group);
	KUNIT_EXPECT_EQ(test, vb[4], 0);

	/* Unmapped: a read fault at the exact IOVA. */
	KUNIT_EXPECT_EQ(test, iommu_unmap(dom, iova, SZ_16K), SZ_16K);
	KUNIT_EXPECT_FALSE(test, dte_read32(e, 0, iova + 0x20, &val));
	KUNIT_EXPECT_EQ(test, akt_wait_faults(&log, 2), 2);
	KUNIT_EXPECT_EQ(test, log.iova, iova + 0x20);
	KUNIT_EXPECT_EQ(test, log.flags, IOMMU_FAULT_READ);

	akt_detach_free(dom, group);
	akt_pages_put(&pg);
}

static void engines_unmanaged(struct kunit *test)
{
	struct dte_engine *e;

	akt_need_engines(test);
	for (e = akt_next(NULL); e; e = akt_next(e))
		akt_unmanaged_one(test, e);
}

/*
 * A leaf table emptied by one unmap call is freed (io-pgtable.rst): its
 * whole span mapped a kernel page at a time, then unmapped at once.  The
 * DART may cache the table's entry (walk-cache=on in the scenarios), so
 * the table may only go once the stream was invalidated (hw §2.3).  On a
 * DART whose pages are smaller than the kernel's the backend cannot leave
 * the table to the unmap's gather and asks for that invalidation itself
 * (tlb_flush_walk), so the unmap costs two commands, not one.  Afterwards
 * a read of the span faults, and a new mapping in it reads its own page,
 * not the freed table's.  driver-bad's dma-4k is such an engine: 4 KiB
 * DART pages under the 16K-page kernel.
 */
static void akt_reclaim_one(struct kunit *test, struct dte_engine *e)
{
	struct akt_fault_log log = { };
	size_t gran, span, off, want;
	struct iommu_domain *dom;
	struct iommu_group *group;
	struct akt_pages pg;
	u32 val, inv;
	u64 iova;

	akt_pages_get(test, &pg, 0xa1a1a1a3, 0xb1b1b1b3);
	dom = akt_attach_new(test, e, &group, &log);

	/* One leaf table: a page of 8-byte entries (hw §4). */
	gran = 1UL << __ffs(dom->pgsize_bitmap);
	span = gran * (gran / sizeof(u64));
	iova = round_down((u64)dom->geometry.aperture_end + 1 - span, span);
	want = gran < PAGE_SIZE ? 2 : 1;
	/* A DMA window narrower than one table (dt-bad-e) holds none. */
	if (dom->geometry.aperture_end - dom->geometry.aperture_start + 1 < span ||
	    iova < dom->geometry.aperture_start) {
		kunit_info(test, "%s: no room for a whole table", e->label);
		goto out;
	}
	kunit_info(test, "%s: %zu KiB pages, a %zu MiB table at IOVA %#llx",
		   e->label, gran / SZ_1K, span / SZ_1M, iova);

	for (off = 0; off < span; off += PAGE_SIZE)
		KUNIT_ASSERT_EQ(test, iommu_map(dom, iova + off,
						page_to_phys(pg.pa), PAGE_SIZE,
						IOMMU_READ, GFP_KERNEL), 0);
	KUNIT_EXPECT_TRUE(test, dte_read32(e, 0, iova + span - PAGE_SIZE + 8,
					   &val));
	KUNIT_EXPECT_EQ(test, val, pg.va[2]);
	inv = akt_inval_cmds(e, 0);
	KUNIT_EXPECT_EQ(test, iommu_unmap(dom, iova, span), span);
	KUNIT_EXPECT_GE_MSG(test, akt_inval_cmds(e, 0) - inv, (u32)want,
			    "%s: the table went before its invalidation", e->label);

	KUNIT_EXPECT_FALSE(test, dte_read32(e, 0, iova + 8, &val));
	KUNIT_EXPECT_EQ(test, akt_wait_faults(&log, 1), 1);
	KUNIT_EXPECT_EQ(test, log.iova, iova + 8);
	KUNIT_EXPECT_EQ(test, iommu_map(dom, iova + PAGE_SIZE,
					page_to_phys(pg.pb), PAGE_SIZE, IOMMU_READ,
					GFP_KERNEL), 0);
	KUNIT_EXPECT_TRUE(test, dte_read32(e, 0, iova + PAGE_SIZE + 8, &val));
	KUNIT_EXPECT_EQ_MSG(test, val, pg.vb[2], "%s: a walk through the freed table",
			    e->label);
	KUNIT_EXPECT_EQ(test, iommu_unmap(dom, iova + PAGE_SIZE, PAGE_SIZE),
			PAGE_SIZE);
out:
	akt_detach_free(dom, group);
	akt_pages_put(&pg);
}

static void engines_reclaim(struct kunit *test)
{
	struct dte_engine *e;

	akt_need_engines(test);
	for (e = akt_next(NULL); e; e = akt_next(e))
		akt_reclaim_one(test, e);
}

/* The default DMA domain of every engine: coherent and streaming DMA. */
static void engines_dma_api(struct kunit *test)
{
	unsigned int i, round;
	struct dte_engine *e;

	akt_need_engines(test);
	/* @i makes each engine's pattern its own. */
	for (e = akt_next(NULL), i = 0; e; e = akt_next(e), i++) {
		struct iommu_domain *dom = iommu_get_domain_for_dev(e->dev);
		u32 *buf, val;
		dma_addr_t iova;

		KUNIT_ASSERT_NOT_NULL(test, dom);
		kunit_info(test, "%s: domain type %#x", e->label, dom->type);
		buf = dma_alloc_coherent(e->dev, SZ_16K, &iova, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		KUNIT_EXPECT_TRUE(test, dte_write32(e, 0, iova + 12, 0x600d0000 + i));
		KUNIT_EXPECT_EQ(test, buf[3], 0x600d0000 + i);
		if (e->port1) {
			KUNIT_EXPECT_TRUE(test, dte_read32(e, 1,
							   iova + 12, &val));
			KUNIT_EXPECT_EQ(test, val, 0x600d0000 + i);
		}
		dma_free_coherent(e->dev, SZ_16K, buf, iova);

		/* Map/unmap repeatedly: IOVAs get reused under new pages. */
		for (round = 0; round < 4; round++) {
			u32 *p = kmalloc(SZ_16K, GFP_KERNEL);

			KUNIT_ASSERT_NOT_NULL(test, p);
			p[5] = 0x5eed0000 + round;
			iova = dma_map_single(e->dev, p, SZ_16K, DMA_TO_DEVICE);
			KUNIT_ASSERT_FALSE(test, dma_mapping_error(e->dev, iova));
			KUNIT_EXPECT_TRUE(test, dte_read32(e, 0, iova + 20, &val));
			KUNIT_EXPECT_EQ(test, val, p[5]);
			dma_unmap_single(e->dev, iova, SZ_16K, DMA_TO_DEVICE);
			kfree(p);
		}
	}
}

/*
 * Engines of the display block (Documentation/dart/emulator.rst): on
 * "full" their streams sit on the DARTs the boot loader locked, which
 * can only translate (hw §6).
 */
static bool akt_behind_locked(const struct dte_engine *e)
{
	return !strcmp(e->label, "dcp") || !strcmp(e->label, "piodma");
}

/*
 * Claiming DMA ownership puts the group in the blocked domain: the
 * engine's accesses are refused until the default domain is back.  On a
 * locked DART there is no blocked domain, so the claim must fail and
 * leave the default domain working.
 */
static void engines_blocked(struct kunit *test)
{
	struct dte_engine *e;
	int owner;

	akt_need_engines(test);
	for (e = akt_next(NULL); e; e = akt_next(e)) {
		u32 *buf, val, blocked;
		dma_addr_t iova;

		buf = dma_alloc_coherent(e->dev, SZ_16K, &iova, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		buf[1] = 0xb10cb10c;
		if (akt_behind_locked(e)) {
			int ret = iommu_device_claim_dma_owner(e->dev, &owner);

			KUNIT_EXPECT_NE_MSG(test, ret, 0,
					    "%s: blocked on a locked DART", e->label);
			if (!ret)
				iommu_device_release_dma_owner(e->dev);
			KUNIT_EXPECT_TRUE(test, dte_read32(e, 0, iova + 4, &val));
			KUNIT_EXPECT_EQ(test, val, 0xb10cb10c);
			dma_free_coherent(e->dev, SZ_16K, buf, iova);
			continue;
		}
		KUNIT_ASSERT_EQ(test, iommu_device_claim_dma_owner(e->dev, &owner), 0);
		blocked = akt_stream_cnt(e, 0, DTE_CNT_BLOCKED);
		KUNIT_EXPECT_FALSE_MSG(test, dte_read32(e, 0, iova + 4, &val),
				       "%s: not blocked", e->label);
		KUNIT_EXPECT_GT(test, akt_stream_cnt(e, 0, DTE_CNT_BLOCKED),
				blocked);
		iommu_device_release_dma_owner(e->dev);
		KUNIT_EXPECT_TRUE(test, dte_read32(e, 0, iova + 4, &val));
		KUNIT_EXPECT_EQ(test, val, 0xb10cb10c);
		dma_free_coherent(e->dev, SZ_16K, buf, iova);
	}
}

static struct dte_engine *akt_find(const char *label)
{
	struct dte_engine *e = dte_find(label);

	return e && device_iommu_mapped(e->dev) ? e : NULL;
}

/*
 * One unmanaged domain over four DARTs: dma-t8103-a (dart-t8103), dma-dcpext
 * (dart-dcpext and dart-dispext0) and dma-usb4 share DART1 tables; a remap
 * must be invalidated on all of them.  dma-t6000's DART walks DART2
 * tables, so it is refused.
 */
static void engines_shared_domain(struct kunit *test)
{
	static const char * const labels[] = { "dma-t8103-a", "dma-dcpext", "dma-usb4" };
	struct dte_engine *e[ARRAY_SIZE(labels)], *other = akt_find("dma-t6000");
	struct iommu_group *g[ARRAY_SIZE(labels)], *og;
	const u64 iova = 0x40000000;
	struct iommu_domain *dom;
	struct page *pa, *pb;
	unsigned int i;
	u32 val;

	for (i = 0; i < ARRAY_SIZE(labels); i++) {
		e[i] = akt_find(labels[i]);
		if (!e[i])
			kunit_skip(test, "%s not bound", labels[i]);
	}
	if (!other)
		kunit_skip(test, "dma-t6000 not bound");

	pa = alloc_page(GFP_KERNEL | __GFP_ZERO);
	pb = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, pa);
	KUNIT_ASSERT_NOT_NULL(test, pb);
	((u32 *)page_address(pa))[7] = 0xaaaa0007;
	((u32 *)page_address(pb))[7] = 0xbbbb0007;

	dom = iommu_paging_domain_alloc(e[0]->dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dom));
	for (i = 0; i < ARRAY_SIZE(labels); i++) {
		g[i] = iommu_group_get(e[i]->dev);
		KUNIT_ASSERT_EQ(test, iommu_attach_group(dom, g[i]), 0);
	}
	og = iommu_group_get(other->dev);
	KUNIT_EXPECT_EQ(test, iommu_attach_group(dom, og), -EINVAL);
	iommu_group_put(og);

	KUNIT_ASSERT_EQ(test, iommu_map(dom, iova, page_to_phys(pa), SZ_16K,
					IOMMU_READ, GFP_KERNEL), 0);
	for (i = 0; i < ARRAY_SIZE(labels); i++) {
		KUNIT_EXPECT_TRUE(test, dte_read32(e[i], 0, iova + 28, &val));
		KUNIT_EXPECT_EQ(test, val, 0xaaaa0007);
	}
	KUNIT_EXPECT_TRUE(test, dte_read32(e[1], 1, iova + 28, &val));
	KUNIT_EXPECT_EQ(test, val, 0xaaaa0007);

	KUNIT_EXPECT_EQ(test, iommu_unmap(dom, iova, SZ_16K), SZ_16K);
	KUNIT_ASSERT_EQ(test, iommu_map(dom, iova, page_to_phys(pb), SZ_16K,
					IOMMU_READ, GFP_KERNEL), 0);
	for (i = 0; i < ARRAY_SIZE(labels); i++) {
		KUNIT_EXPECT_TRUE(test, dte_read32(e[i], 0, iova + 28, &val));
		KUNIT_EXPECT_EQ_MSG(test, val, 0xbbbb0007, "%s", labels[i]);
	}
	KUNIT_EXPECT_TRUE(test, dte_read32(e[1], 1, iova + 28, &val));
	KUNIT_EXPECT_EQ(test, val, 0xbbbb0007);
	KUNIT_EXPECT_EQ(test, iommu_unmap(dom, iova, SZ_16K), SZ_16K);

	for (i = 0; i < ARRAY_SIZE(labels); i++) {
		iommu_detach_group(dom, g[i]);
		iommu_group_put(g[i]);
	}
	iommu_domain_free(dom);
	__free_page(pa);
	__free_page(pb);
}

#define AKT_ISP_DARTS	3

/* T8020 layout, 16 streams (emulator.rst): TCR and four TTBRs a stream. */
#define AKT_T8020_TCR(sid)	(0x100 + 4 * (sid))
#define AKT_T8020_TTBR(sid, i)	(0x200 + 0x10 * (sid) + 4 * (i))
#define AKT_T8020_TTBRS		4
#define AKT_T8020_TTBR_VALID	BIT(31)

struct akt_isp_dart {
	void __iomem	*base;
	const char	*label;
	u32		sid;
	u32		tcr;
	u32		ttbr[AKT_T8020_TTBRS];
};

/*
 * The stream's TCR and TTBRs as the DART holds them (plain register
 * reads, which the model allows next to the driver), the same on all
 * three DARTs.
 */
static void akt_isp_state(struct kunit *test, struct akt_isp_dart *d)
{
	unsigned int i, t;

	for (i = 0; i < AKT_ISP_DARTS; i++) {
		d[i].tcr = readl(d[i].base + AKT_T8020_TCR(d[i].sid));
		for (t = 0; t < AKT_T8020_TTBRS; t++)
			d[i].ttbr[t] = readl(d[i].base +
					     AKT_T8020_TTBR(d[i].sid, t));
		kunit_info(test, "%s stream %u: TCR %#x TTBR %#x,%#x,%#x,%#x",
			   d[i].label, d[i].sid, d[i].tcr, d[i].ttbr[0],
			   d[i].ttbr[1], d[i].ttbr[2], d[i].ttbr[3]);
		KUNIT_EXPECT_EQ_MSG(test, d[i].tcr, d[0].tcr, "%s", d[i].label);
		for (t = 0; t < AKT_T8020_TTBRS; t++)
			KUNIT_EXPECT_EQ_MSG(test, d[i].ttbr[t], d[0].ttbr[t],
					    "%s TTBR%u", d[i].label, t);
	}
}

/*
 * A master behind three DARTs, the most the driver takes (dma-isp:
 * dart-dcpext, dart-dispext0 and dart-isp, Documentation/dart/emulator.rst).
 * Its ports sit behind the first two; dart-isp has no port, as a path
 * of the master the test cannot drive.  In an unmanaged domain, a remap
 * of one IOVA must reach both ports (the model reports a stale use on
 * either DART), and the stream on dart-isp must translate through the
 * same tables as on the other two: the same TCR and TTBRs in the DARTs'
 * registers, the domain's and not the default domain's, and the default
 * domain's again after the detach.  (The driver's debugfs "streams" file
 * says the same, but debugfs files cannot be read with kernel_read().)
 */
static void engines_three_darts(struct kunit *test)
{
	struct dte_engine *e = akt_find("dma-isp");
	struct akt_isp_dart d[AKT_ISP_DARTS] = { };
	u32 before_tcr, before_ttbr0;
	struct of_phandle_args args;
	struct iommu_domain *dom;
	struct iommu_group *group;
	struct page *pa, *pb;
	const u64 iova = SZ_1G;
	unsigned int i, p;
	u32 val;

	if (!e)
		kunit_skip(test, "dma-isp not bound");
	KUNIT_ASSERT_TRUE(test, e->port1);
	for (i = 0; i < AKT_ISP_DARTS; i++) {
		KUNIT_ASSERT_EQ(test, of_parse_phandle_with_args(e->dev->of_node,
								 "iommus",
								 "#iommu-cells",
								 i, &args), 0);
		KUNIT_EXPECT_TRUE(test, of_device_is_compatible(args.np,
								"apple,t8103-dart"));
		if (of_property_read_string(args.np, "label", &d[i].label))
			d[i].label = "?";
		d[i].base = of_iomap(args.np, 0);
		d[i].sid = args.args[0];
		of_node_put(args.np);
		KUNIT_ASSERT_TRUE_MSG(test, d[i].base, "%s: of_iomap", d[i].label);
	}

	/* The default domain (DMA or identity): the same on all three. */
	akt_isp_state(test, d);
	before_tcr = d[0].tcr;
	before_ttbr0 = d[0].ttbr[0];

	pa = alloc_page(GFP_KERNEL | __GFP_ZERO);
	pb = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, pa);
	KUNIT_ASSERT_NOT_NULL(test, pb);
	((u32 *)page_address(pa))[9] = 0xaaaa0009;
	((u32 *)page_address(pb))[9] = 0xbbbb0009;

	dom = iommu_paging_domain_alloc(e->dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dom));
	group = iommu_group_get(e->dev);
	KUNIT_ASSERT_NOT_NULL(test, group);
	KUNIT_ASSERT_EQ(test, iommu_attach_group(dom, group), 0);

	KUNIT_ASSERT_EQ(test, iommu_map(dom, iova, page_to_phys(pa), SZ_16K,
					IOMMU_READ, GFP_KERNEL), 0);
	for (p = 0; p < 2; p++) {
		val = 0;
		KUNIT_EXPECT_TRUE(test, dte_read32(e, p,
						   iova + 36, &val));
		KUNIT_EXPECT_EQ_MSG(test, val, 0xaaaa0009, "port %u", p);
	}

	/*
	 * The domain's tables on all three DARTs, dart-isp included, in
	 * place of the default domain's.
	 */
	akt_isp_state(test, d);
	KUNIT_EXPECT_NE(test, d[0].tcr, 0);
	KUNIT_EXPECT_TRUE(test, d[0].ttbr[0] & AKT_T8020_TTBR_VALID);
	if (before_ttbr0 & AKT_T8020_TTBR_VALID)
		KUNIT_EXPECT_NE_MSG(test, d[0].ttbr[0], before_ttbr0,
				    "still the default domain's table");

	/* Remap: both ports see the new page, not a stale TLB entry. */
	KUNIT_EXPECT_EQ(test, iommu_unmap(dom, iova, SZ_16K), SZ_16K);
	KUNIT_ASSERT_EQ(test, iommu_map(dom, iova, page_to_phys(pb), SZ_16K,
					IOMMU_READ, GFP_KERNEL), 0);
	for (p = 0; p < 2; p++) {
		val = 0;
		KUNIT_EXPECT_TRUE(test, dte_read32(e, p,
						   iova + 36, &val));
		KUNIT_EXPECT_EQ_MSG(test, val, 0xbbbb0009, "port %u: stale TLB",
				    p);
	}
	KUNIT_EXPECT_EQ(test, iommu_unmap(dom, iova, SZ_16K), SZ_16K);

	/* Back on the default domain, on all three. */
	iommu_detach_group(dom, group);
	akt_isp_state(test, d);
	KUNIT_EXPECT_EQ(test, d[0].tcr, before_tcr);
	KUNIT_EXPECT_EQ(test, d[0].ttbr[0], before_ttbr0);

	iommu_group_put(group);
	iommu_domain_free(dom);
	for (i = 0; i < AKT_ISP_DARTS; i++)
		iounmap(d[i].base);
	__free_page(pa);
	__free_page(pb);
}

#define AKT_BATCH	8

/*
 * Flushing is per stream, whatever the range (hw §2.3, §3.3).  So:
 * - mapping a page next to mapped ones (no new table) needs no
 *   invalidation, also at an IOVA the stream just faulted on (the DART
 *   does not keep a failed walk, hw §2.2/§3.2 and emulator.rst);
 * - unmapping AKT_BATCH pages into one gather issues nothing until
 *   iotlb_sync, which then issues exactly one command per DART (the
 *   engine has one stream on each), not one per page; the pages then
 *   fault and the one left mapped still reads.
 * A map-time flush, or a flush per unmapped page, fails the counts.
 */
static void akt_batch_one(struct kunit *test, struct dte_engine *e)
{
	unsigned int ports = e->port1 ? 2 : 1, p, k;
	struct iommu_iotlb_gather gather;
	struct iommu_domain *dom;
	struct iommu_group *group;
	u32 before[2], val;
	struct page *pg;
	size_t gran;
	u64 iova;

	pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, pg);
	((u32 *)page_address(pg))[1] = 0xba7c0001;

	dom = iommu_paging_domain_alloc(e->dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dom));
	group = iommu_group_get(e->dev);
	KUNIT_ASSERT_NOT_NULL(test, group);
	KUNIT_ASSERT_EQ(test, iommu_attach_group(dom, group), 0);
	gran = 1UL << __ffs(dom->pgsize_bitmap);
	/* The start of a leaf table's span with 4K and 16K pages alike. */
	iova = SZ_1G;

	/* The first page may install tables, which may be invalidated. */
	KUNIT_ASSERT_EQ(test, iommu_map(dom, iova, page_to_phys(pg), gran,
					IOMMU_READ, GFP_KERNEL), 0);
	for (p = 0; p < ports; p++)
		before[p] = akt_inval_cmds(e, p);

	/* A refused access, then a map there: no invalidation between. */
	KUNIT_EXPECT_FALSE(test, dte_read32(e, 0, iova + AKT_BATCH * gran + 4,
					    &val));
	for (k = 1; k <= AKT_BATCH; k++)
		KUNIT_ASSERT_EQ(test, iommu_map(dom, iova + k * gran,
						page_to_phys(pg), gran,
						IOMMU_READ, GFP_KERNEL), 0);
	for (p = 0; p < ports; p++)
		KUNIT_EXPECT_EQ_MSG(test, akt_inval_cmds(e, p) - before[p], 0,
				    "%s port %u: invalidations for maps into an existing table",
				    e->label, p);
	for (k = 0; k <= AKT_BATCH; k++) {
		val = 0;
		KUNIT_EXPECT_TRUE(test, dte_read32(e, 0, iova + k * gran + 4,
						   &val));
		KUNIT_EXPECT_EQ_MSG(test, val, 0xba7c0001, "%s page %u",
				    e->label, k);
	}

	/* Page AKT_BATCH stays mapped, so no table is freed. */
	for (p = 0; p < ports; p++)
		before[p] = akt_inval_cmds(e, p);
	iommu_iotlb_gather_init(&gather);
	for (k = 0; k < AKT_BATCH; k++)
		KUNIT_EXPECT_EQ(test, iommu_unmap_fast(dom, iova + k * gran,
						       gran, &gather), gran);
	for (p = 0; p < ports; p++)
		KUNIT_EXPECT_EQ_MSG(test, akt_inval_cmds(e, p) - before[p], 0,
				    "%s port %u: invalidated before iotlb_sync",
				    e->label, p);
	iommu_iotlb_sync(dom, &gather);
	for (p = 0; p < ports; p++)
		KUNIT_EXPECT_EQ_MSG(test, akt_inval_cmds(e, p) - before[p], 1,
				    "%s port %u: commands for %u pages in one gather",
				    e->label, p, AKT_BATCH);
	KUNIT_EXPECT_FALSE(test, dte_read32(e, 0, iova + 4, &val));
	KUNIT_EXPECT_FALSE(test, dte_read32(e, 0, iova + (AKT_BATCH - 1) * gran + 4,
					    &val));
	KUNIT_EXPECT_TRUE(test, dte_read32(e, 0, iova + AKT_BATCH * gran + 4,
					   &val));
	KUNIT_EXPECT_EQ(test, val, 0xba7c0001);

	KUNIT_EXPECT_EQ(test, iommu_unmap(dom, iova + AKT_BATCH * gran, gran),
			gran);
	iommu_detach_group(dom, group);
	iommu_group_put(group);
	iommu_domain_free(dom);
	__free_page(pg);
}

static void engines_flush_batching(struct kunit *test)
{
	struct dte_engine *e;

	akt_need_engines(test);
	for (e = akt_next(NULL); e; e = akt_next(e))
		akt_batch_one(test, e);
}

/*
 * dma-iommu's flush queue counts flush_iotlb_all() calls as flushes: a
 * call must run a command of its own even while other CPUs flush the same
 * domain, or a full queue is not emptied and the 6.12 core writes over it,
 * losing its IOVAs (driver.rst).  Two threads flush one domain at once;
 * the engine's stream must see one command per call and DART.  The same
 * two threads syncing a gather may share commands (counted, not
 * asserted): that shows the threads really overlapped.  Catches a
 * flush_iotlb_all() that shares a flush it did not start.
 */
#define AKT_FLUSH_CALLS	2000

struct akt_flusher {
	struct iommu_domain	*dom;
	struct completion	done;
	bool			gather;
	u64			iova;
	size_t			gran;
};

static int akt_flusher_fn(void *data)
{
	struct akt_flusher *f = data;
	struct iommu_iotlb_gather g;
	unsigned int i;

	for (i = 0; i < AKT_FLUSH_CALLS; i++) {
		if (!f->gather) {
			iommu_flush_iotlb_all(f->dom);
			continue;
		}
		iommu_iotlb_gather_init(&g);
		iommu_iotlb_gather_add_range(&g, f->iova, f->gran);
		iommu_iotlb_sync(f->dom, &g);
	}
	complete(&f->done);
	return 0;
}

/*
 * Commands the engine's stream behind port 0 saw for 2 x AKT_FLUSH_CALLS,
 * from two threads bound to two CPUs so that they really run at once.
 * Both threads are started or neither: the flushers live on the test's
 * stack.
 */
static int akt_flush_race(struct dte_engine *e, struct akt_flusher *f,
			  bool gather, u32 *cmds)
{
	unsigned int cpu = cpumask_first(cpu_online_mask);
	struct task_struct *t[2];
	u32 before;
	int i;

	for (i = 0; i < 2; i++) {
		f[i].gather = gather;
		init_completion(&f[i].done);
		t[i] = kthread_create(akt_flusher_fn, &f[i], "akt-flush/%d", i);
		if (IS_ERR(t[i])) {
			/* Never woken: it exits without running the loop. */
			if (i)
				kthread_stop(t[0]);
			return PTR_ERR(t[i]);
		}
		kthread_bind(t[i], cpu);
		cpu = cpumask_next(cpu, cpu_online_mask);
	}
	before = akt_inval_cmds(e, 0);
	for (i = 0; i < 2; i++)
		wake_up_process(t[i]);
	for (i = 0; i < 2; i++)
		wait_for_completion(&f[i].done);
	*cmds = akt_inval_cmds(e, 0) - before;
	return 0;
}

static void engines_flush_all_own(struct kunit *test)
{
	struct akt_flusher f[2] = {};
	struct iommu_domain *dom;
	struct iommu_group *group;
	struct dte_engine *e;
	u32 one, all, synced, before;
	struct page *pg;
	size_t gran;
	int i, ret;

	akt_need_engines(test);
	if (num_online_cpus() < 2)
		kunit_skip(test, "one CPU: no flushes can overlap");
	e = akt_next(NULL);
	pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, pg);
	dom = iommu_paging_domain_alloc(e->dev);
	if (IS_ERR(dom)) {
		__free_page(pg);
		KUNIT_FAIL_AND_ABORT(test, "%s: no domain: %ld", e->label,
				     PTR_ERR(dom));
	}
	group = iommu_group_get(e->dev);
	ret = group ? iommu_attach_group(dom, group) : -ENODEV;
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (ret)
		goto out_put;
	gran = 1UL << __ffs(dom->pgsize_bitmap);
	ret = iommu_map(dom, SZ_1G, page_to_phys(pg), gran, IOMMU_READ,
			GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (ret)
		goto out_detach;

	before = akt_inval_cmds(e, 0);
	iommu_flush_iotlb_all(dom);
	one = akt_inval_cmds(e, 0) - before;
	KUNIT_EXPECT_GE_MSG(test, one, 1, "%s: flush_iotlb_all issued nothing",
			    e->label);

	for (i = 0; i < 2; i++) {
		f[i].dom = dom;
		f[i].iova = SZ_1G;
		f[i].gran = gran;
	}
	ret = akt_flush_race(e, f, false, &all);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret)
		KUNIT_EXPECT_EQ_MSG(test, all, 2 * AKT_FLUSH_CALLS * one,
				    "%s: concurrent flush_iotlb_all calls shared commands",
				    e->label);
	if (!ret)
		ret = akt_flush_race(e, f, true, &synced);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret)
		kunit_info(test, "%s: %u commands for %u concurrent syncs, %u for as many flush_iotlb_all\n",
			   e->label, synced, 2 * AKT_FLUSH_CALLS, all);

	KUNIT_EXPECT_EQ(test, iommu_unmap(dom, SZ_1G, gran), gran);
out_detach:
	iommu_detach_group(dom, group);
out_put:
	iommu_group_put(group);
	iommu_domain_free(dom);
	__free_page(pg);
}

/*
 * Replacing a group's domain A by domain B (same IOVA, different pages):
 * the engine reads B's page at once, so the switch invalidated the
 * stream; afterwards A's unmap and sync issue no command to the
 * engine's DARTs, so the stream left A's flush set.  That it leaves only
 * after the switch is checked in the driver (adart_domain_del_sid()
 * warns otherwise, and a warning fails the run).
 */
static void akt_switch_one(struct kunit *test, struct dte_engine *e)
{
	unsigned int ports = e->port1 ? 2 : 1, p;
	struct iommu_domain *da, *db;
	struct iommu_group *group;
	struct page *pa, *pb;
	const u64 iova = SZ_1G;
	u32 before[2], val;
	size_t gran;

	pa = alloc_page(GFP_KERNEL | __GFP_ZERO);
	pb = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, pa);
	KUNIT_ASSERT_NOT_NULL(test, pb);
	((u32 *)page_address(pa))[3] = 0xaaaa0003;
	((u32 *)page_address(pb))[3] = 0xbbbb0003;

	da = iommu_paging_domain_alloc(e->dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(da));
	db = iommu_paging_domain_alloc(e->dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(db));
	gran = 1UL << __ffs(da->pgsize_bitmap);
	KUNIT_ASSERT_EQ(test, iommu_map(da, iova, page_to_phys(pa), gran,
					IOMMU_READ, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iommu_map(db, iova, page_to_phys(pb), gran,
					IOMMU_READ, GFP_KERNEL), 0);
	group = iommu_group_get(e->dev);
	KUNIT_ASSERT_NOT_NULL(test, group);

	KUNIT_ASSERT_EQ(test, iommu_attach_group(da, group), 0);
	KUNIT_EXPECT_TRUE(test, dte_read32(e, 0, iova + 12, &val));
	KUNIT_EXPECT_EQ_MSG(test, val, 0xaaaa0003, "%s in A", e->label);
	/* Straight from A to B, as iommufd replaces a domain. */
	KUNIT_ASSERT_EQ(test, iommu_group_replace_domain(group, db), 0);
	KUNIT_EXPECT_TRUE(test, dte_read32(e, 0, iova + 12, &val));
	KUNIT_EXPECT_EQ_MSG(test, val, 0xbbbb0003, "%s in B", e->label);

	for (p = 0; p < ports; p++)
		before[p] = akt_inval_cmds(e, p);
	KUNIT_EXPECT_EQ(test, iommu_unmap(da, iova, gran), gran);
	for (p = 0; p < ports; p++)
		KUNIT_EXPECT_EQ_MSG(test, akt_inval_cmds(e, p) - before[p], 0,
				    "%s port %u: the old domain still flushes the stream",
				    e->label, p);
	KUNIT_EXPECT_TRUE(test, dte_read32(e, 0, iova + 12, &val));
	KUNIT_EXPECT_EQ(test, val, 0xbbbb0003);

	KUNIT_EXPECT_EQ(test, iommu_unmap(db, iova, gran), gran);
	iommu_detach_group(db, group);
	iommu_group_put(group);
	iommu_domain_free(da);
	iommu_domain_free(db);
	__free_page(pa);
	__free_page(pb);
}

static void engines_switch_domain(struct kunit *test)
{
	struct dte_engine *e;

	akt_need_engines(test);
	for (e = akt_next(NULL); e; e = akt_next(e))
		akt_switch_one(test, e);
}

static struct kunit_case engine_cases[] = {
	KUNIT_CASE(engines_dma_api),
	KUNIT_CASE(engines_unmanaged),
	KUNIT_CASE(engines_reclaim),
	KUNIT_CASE(engines_blocked),
	KUNIT_CASE(engines_shared_domain),
	KUNIT_CASE(engines_three_darts),
	KUNIT_CASE(engines_flush_batching),
	KUNIT_CASE(engines_flush_all_own),
	KUNIT_CASE(engines_switch_domain),
	{}
};

static struct kunit_suite engine_suite = {
	.name = "apple_dart_engines",
	.test_cases = engine_cases,
};

kunit_test_suite(engine_suite);

/* Bind the engines before the suites run, which is when the module is live. */
static int __init akt_init(void)
{
	return dte_use(&akt_user);
}
module_init(akt_init);

static void __exit akt_exit(void)
{
	dte_unuse(&akt_user);
}
module_exit(akt_exit);

MODULE_DESCRIPTION("KUnit tests of the Apple DART driver through the emulated DMA test engines");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(IOMMUFD_INTERNAL);
