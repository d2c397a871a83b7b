// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA map and unmap through a DART driver, timed to the nanosecond and
 * with the TLB commands they cost, for "make bench"
 * (tools/platform/bench.sh).
 *
 * The kernel's dma_map_benchmark reports 0.1 us steps and no loop count, so
 * it can neither resolve sub-microsecond differences nor say how many
 * invalidations an unmap costs.  This driver is bound to a DMA test engine
 * through driver_override, like dma_map_benchmark; writing "LOOPS PAGES" to
 * its "bench" attribute maps and unmaps one buffer of PAGES pages LOOPS
 * times through the DMA API in the engine's default domain (strict or
 * DMA-FQ, as the group is set) and reading the attribute gives the totals
 * and the TLB commands the engine's DART ran for the engine's stream
 * meanwhile.  That count is the QEMU model's, read through the engine (a
 * real DART has no such counter, emulator.rst).  Figures only: nothing is
 * asserted about them.
 *
 * In a strict domain the run then maps and unmaps the same buffer as many
 * times with the IOMMU API, at an IOVA the DMA API is not using: the IOMMU
 * driver's share of a DMA API figure, without dma-iommu's IOVA allocator,
 * flush queue and bookkeeping.  The difference between the two is the
 * core's share, which no IOMMU driver can remove (README, "Benchmarks").
 */

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "apple-dart-test-engine.h"

#define DDB_MAX_PAGES	256

/**
 * struct ddb - one bound engine
 * @base:	the engine's registers (for the model's counters)
 * @lock:	one run at a time; protects the result
 * @loops:	last run: map/unmap pairs
 * @bytes:	last run: buffer size
 * @map_ns:	last run: time in dma_map_single(), summed
 * @unmap_ns:	last run: time in dma_unmap_single(), summed
 * @inv:	last run: TLB commands that reached the engine's stream
 * @imap_ns:	last run: time in iommu_map(), summed (0: not measured)
 * @iunmap_ns:	last run: time in iommu_unmap_fast(), summed
 * @isync_ns:	last run: time in iommu_iotlb_sync() after it, summed
 */
struct ddb {
	void __iomem *base;
	struct mutex lock;	/* one run at a time; protects the result */
	u32 loops;
	size_t bytes;
	u64 map_ns;
	u64 unmap_ns;
	u32 inv;
	u64 imap_ns;
	u64 iunmap_ns;
	u64 isync_ns;
};

/* TLB commands the DART behind port 0 ran for the engine's stream so far. */
static u32 ddb_inv_count(struct ddb *b)
{
	writel(DTE_CNT_SEL_STREAM, b->base + DTE_CNT_SELECT);
	return readl(b->base + DTE_CNT_INV_CMDS);
}

/*
 * The driver's own share: iommu_map() (with its map sync), then
 * iommu_unmap_fast() and iommu_iotlb_sync() apart, of @size bytes at
 * @buf, @loops times, in @dev's default domain.  A lazy unmap costs the
 * driver only the first of the two, a strict one both.  The IOVA is the
 * lowest @size-aligned one at least 16 MiB into the aperture: dma-iommu
 * allocates top-down from the DMA mask and the run holds one buffer at a
 * time, so nothing of its own is there; a mapping found there anyway makes
 * the run fail rather than touch it.
 */
static int ddb_run_iommu(struct device *dev, struct ddb *b, void *buf,
			 size_t size, u32 loops)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);
	u64 map_ns = 0, unmap_ns = 0, sync_ns = 0;
	phys_addr_t pa = virt_to_phys(buf);
	struct iommu_iotlb_gather gather;
	ktime_t t0, t1, t2, t3;
	unsigned long iova;
	size_t unmapped;
	u32 i;
	int ret;

	b->imap_ns = 0;
	b->iunmap_ns = 0;
	b->isync_ns = 0;
	if (!dom || dom->type != IOMMU_DOMAIN_DMA)
		return 0;
	iova = ALIGN(dom->geometry.aperture_start + SZ_16M, size);
	if (iova + size - 1 > dom->geometry.aperture_end ||
	    iommu_iova_to_phys(dom, iova) ||
	    iommu_iova_to_phys(dom, iova + size - PAGE_SIZE))
		return -EBUSY;
	for (i = 0; i < loops; i++) {
		iommu_iotlb_gather_init(&gather);
		t0 = ktime_get();
		ret = iommu_map(dom, iova, pa, size, IOMMU_READ | IOMMU_WRITE,
				GFP_KERNEL);
		t1 = ktime_get();
		if (ret)
			return ret;
		unmapped = iommu_unmap_fast(dom, iova, size, &gather);
		t2 = ktime_get();
		iommu_iotlb_sync(dom, &gather);
		t3 = ktime_get();
		if (unmapped != size)
			return -EIO;
		map_ns += ktime_to_ns(ktime_sub(t1, t0));
		unmap_ns += ktime_to_ns(ktime_sub(t2, t1));
		sync_ns += ktime_to_ns(ktime_sub(t3, t2));
		cond_resched();
	}
	b->imap_ns = map_ns;
	b->iunmap_ns = unmap_ns;
	b->isync_ns = sync_ns;
	return 0;
}

static int ddb_run(struct device *dev, struct ddb *b, u32 loops, u32 pages)
{
	size_t size = (size_t)pages * PAGE_SIZE;
	u64 map_ns = 0, unmap_ns = 0;
	dma_addr_t dma;
	ktime_t t0, t1, t2;
	u32 i, inv0;
	void *buf;
	int ret;

	/* A power of two: kmalloc() aligns it to its size, so to a page. */
	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	inv0 = ddb_inv_count(b);
	for (i = 0; i < loops; i++) {
		t0 = ktime_get();
		dma = dma_map_single(dev, buf, size, DMA_BIDIRECTIONAL);
		t1 = ktime_get();
		if (dma_mapping_error(dev, dma)) {
			kfree(buf);
			return -ENOMEM;
		}
		dma_unmap_single(dev, dma, size, DMA_BIDIRECTIONAL);
		t2 = ktime_get();
		map_ns += ktime_to_ns(ktime_sub(t1, t0));
		unmap_ns += ktime_to_ns(ktime_sub(t2, t1));
		cond_resched();
	}
	/*
	 * A flush queue invalidates what is left in it from a timer (10 ms
	 * in the 6.12 dma-iommu core): wait for it, so that the count covers
	 * every unmap of the run.
	 */
	msleep(50);
	b->inv = ddb_inv_count(b) - inv0;
	b->loops = loops;
	b->bytes = size;
	b->map_ns = map_ns;
	b->unmap_ns = unmap_ns;
	ret = ddb_run_iommu(dev, b, buf, size, loops);
	kfree(buf);
	return ret;
}

static ssize_t bench_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct ddb *b = dev_get_drvdata(dev);
	u32 loops, pages;
	int ret;

	if (sscanf(buf, "%u %u", &loops, &pages) != 2 || !loops || !pages ||
	    pages > DDB_MAX_PAGES || !is_power_of_2(pages))
		return -EINVAL;
	mutex_lock(&b->lock);
	ret = ddb_run(dev, b, loops, pages);
	mutex_unlock(&b->lock);
	return ret ?: count;
}

static ssize_t bench_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct ddb *b = dev_get_drvdata(dev);
	ssize_t n;

	mutex_lock(&b->lock);
	n = sysfs_emit(buf, "loops=%u bytes=%zu map_ns=%llu unmap_ns=%llu inv=%u",
		       b->loops, b->bytes, b->map_ns, b->unmap_ns, b->inv);
	n += sysfs_emit_at(buf, n, " imap_ns=%llu iunmap_ns=%llu isync_ns=%llu\n",
			   b->imap_ns, b->iunmap_ns, b->isync_ns);
	mutex_unlock(&b->lock);
	return n;
}
static DEVICE_ATTR_RW(bench);

static struct attribute *ddb_attrs[] = {
	&dev_attr_bench.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ddb);

static int ddb_probe(struct platform_device *pdev)
{
	struct ddb *b;
	int ret;

	b = devm_kzalloc(&pdev->dev, sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(b->base))
		return PTR_ERR(b->base);
	if (readl(b->base + DTE_ID) != DTE_ID_VALUE)
		return -ENODEV;
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		return ret;
	ret = devm_mutex_init(&pdev->dev, &b->lock);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, b);
	return 0;
}

/* No match table: bound only on request, through driver_override. */
static struct platform_driver ddb_driver = {
	.probe = ddb_probe,
	.driver = {
		.name = "dart-dma-bench",
		.dev_groups = ddb_groups,
	},
};
module_platform_driver(ddb_driver);

MODULE_DESCRIPTION("Benchmark: DMA map/unmap through a DART, with its TLB commands");
MODULE_LICENSE("GPL");
