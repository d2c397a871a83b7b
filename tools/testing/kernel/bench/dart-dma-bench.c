// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA map and unmap through a DART driver, timed to the nanosecond and
 * with the TLB commands they cost, for "make bench"
 * (tools/platform/bench.sh).
 *
 * The kernel's dma_map_benchmark reports 0.1 us steps and no loop count, so
 * it can neither resolve sub-microsecond differences nor say how many
 * invalidations an unmap costs.  This driver is bound to a DMA test engine
 * through driver_override, like dma_map_benchmark; writing "LOOPS PAGES
 * THREADS ROUNDS" to its "bench" attribute makes each of THREADS threads
 * (one per CPU) map and unmap its own buffer of PAGES pages LOOPS times
 * through the DMA API in the engine's default domain (strict or DMA-FQ, as
 * the group is set), in ROUNDS rounds; reading the attribute gives the
 * totals, each round's, and the TLB commands the engine's DART ran for
 * the engine's stream meanwhile.  That count is the QEMU model's, read through the engine (a
 * real DART has no such counter, emulator.rst).  Figures only: nothing is
 * asserted about them.
 *
 * In a strict domain a one-thread run then maps and unmaps the same buffer
 * as many times with the IOMMU API, at an IOVA the DMA API is not using:
 * the IOMMU driver's share of a DMA API figure, without dma-iommu's IOVA allocator,
 * flush queue and bookkeeping.  The difference between the two is the
 * core's share, which no IOMMU driver can remove (README, "Benchmarks").
 */

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "apple-dart-test-engine.h"

#define DDB_MAX_PAGES	256
#define DDB_MAX_ROUNDS	32
#define DDB_MAX_THREADS	8
#define DDB_MAX_LOOPS	1000000	/* per thread: minutes under TCG at most */

/**
 * struct ddb - one bound engine
 * @base:	the engine's registers (for the model's counters)
 * @lock:	one run at a time; protects the result
 * @loops:	last run: map/unmap pairs per thread
 * @threads:	last run: threads
 * @rounds:	last run: rounds
 * @bytes:	last run: buffer size
 * @map_ns:	last run: time in dma_map_single(), summed over all threads
 * @unmap_ns:	last run: time in dma_unmap_single(), summed
 * @round_map_ns: last run: @map_ns of each round
 * @round_unmap_ns: last run: @unmap_ns of each round
 * @inv:	last run: TLB commands that reached the engine's stream
 * @imap_ns:	last run: time in iommu_map(), summed (0: not measured)
 * @iunmap_ns:	last run: time in iommu_unmap_fast(), summed
 * @isync_ns:	last run: time in iommu_iotlb_sync() after it, summed
 */
struct ddb {
	void __iomem *base;
	struct mutex lock;	/* one run at a time; protects the result */
	u32 loops;
	unsigned int threads;
	unsigned int rounds;
	size_t bytes;
	u64 map_ns;
	u64 unmap_ns;
	u64 round_map_ns[DDB_MAX_ROUNDS];
	u64 round_unmap_ns[DDB_MAX_ROUNDS];
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

/* One thread's part of a round, and what it measured. */
struct ddb_thread {
	struct device *dev;
	struct ddb_round *round;
	void *buf;
	size_t size;
	u32 loops;
	u64 map_ns;
	u64 unmap_ns;
	int ret;
	struct completion done;
};

/**
 * struct ddb_round - one round of a run, shared by its threads
 * @arrived:	threads that reached the start line
 * @threads:	threads in the round
 */
struct ddb_round {
	atomic_t arrived;
	unsigned int threads;
};

/*
 * A thread's loops.  Every thread of a round waits at the start line until
 * all are there, so that none runs a part of its loops alone: under
 * -icount an operation is charged what the other vCPUs run meanwhile
 * (README, "Benchmarks"), and a head start would change that share from
 * one round to the next.
 */
static int ddb_thread_fn(void *data)
{
	struct ddb_thread *t = data;
	u64 map_ns = 0, unmap_ns = 0;
	dma_addr_t dma;
	ktime_t t0, t1, t2;
	u32 i;

	atomic_inc(&t->round->arrived);
	while (atomic_read(&t->round->arrived) < t->round->threads)
		cpu_relax();
	for (i = 0; i < t->loops; i++) {
		t0 = ktime_get();
		dma = dma_map_single(t->dev, t->buf, t->size, DMA_BIDIRECTIONAL);
		t1 = ktime_get();
		if (dma_mapping_error(t->dev, dma)) {
			t->ret = -ENOMEM;
			break;
		}
		dma_unmap_single(t->dev, dma, t->size, DMA_BIDIRECTIONAL);
		t2 = ktime_get();
		map_ns += ktime_to_ns(ktime_sub(t1, t0));
		unmap_ns += ktime_to_ns(ktime_sub(t2, t1));
		cond_resched();
	}
	t->map_ns = map_ns;
	t->unmap_ns = unmap_ns;
	/* The module may go once the last round is done: exit in the core. */
	kthread_complete_and_exit(&t->done, 0);
}

/*
 * One round: @threads threads, one per online CPU, each mapping and
 * unmapping its own buffer @loops times.  All are made and bound before
 * any is woken, so that no thread spins at the start line while the
 * others are still being created.  The sums go to @map_ns and @unmap_ns.
 */
static int ddb_round(struct device *dev, struct ddb_thread *th,
		     unsigned int threads, u32 loops, u64 *map_ns,
		     u64 *unmap_ns)
{
	struct ddb_round round = { .threads = threads };
	struct task_struct *task[DDB_MAX_THREADS];
	unsigned int i, made, cpu = -1;
	int ret = 0;

	atomic_set(&round.arrived, 0);
	cpus_read_lock();
	for (made = 0; made < threads; made++) {
		struct ddb_thread *t = &th[made];

		t->round = &round;
		t->loops = loops;
		t->ret = 0;
		init_completion(&t->done);
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids) {
			ret = -ENODEV;
			break;
		}
		task[made] = kthread_create(ddb_thread_fn, t,
					    "dart-dma-bench/%u", made);
		if (IS_ERR(task[made])) {
			ret = PTR_ERR(task[made]);
			break;
		}
		kthread_bind(task[made], cpu);
	}
	cpus_read_unlock();
	if (ret) {
		/* Never woken: their function never runs. */
		for (i = 0; i < made; i++)
			kthread_stop(task[i]);
		return ret;
	}
	for (i = 0; i < threads; i++)
		wake_up_process(task[i]);
	for (i = 0; i < threads; i++) {
		wait_for_completion(&th[i].done);
		ret = ret ?: th[i].ret;
		*map_ns += th[i].map_ns;
		*unmap_ns += th[i].unmap_ns;
	}
	return ret;
}

/*
 * @loops map/unmap pairs per thread, in @rounds rounds.  Each round's sums
 * are kept: make bench takes the median round as its figure, which one
 * round disturbed by something else (a timer, the console) cannot move.
 */
static int ddb_run(struct device *dev, struct ddb *b, u32 loops, u32 pages,
		   unsigned int threads, unsigned int rounds)
{
	size_t size = (size_t)pages * PAGE_SIZE;
	u32 per_round = loops / rounds;
	struct ddb_thread *th;
	unsigned int i, r;
	u32 inv0;
	int ret = 0;

	th = kcalloc(threads, sizeof(*th), GFP_KERNEL);
	if (!th)
		return -ENOMEM;
	for (i = 0; i < threads; i++) {
		th[i].dev = dev;
		th[i].size = size;
		/* A power of two: kmalloc() aligns it to its size, so to a page. */
		th[i].buf = kmalloc(size, GFP_KERNEL);
		if (!th[i].buf) {
			ret = -ENOMEM;
			goto out;
		}
	}
	/* Nothing of an earlier run stays: loops=0 says there is no result. */
	b->loops = 0;
	b->threads = 0;
	b->rounds = 0;
	b->bytes = 0;
	b->inv = 0;
	b->map_ns = 0;
	b->unmap_ns = 0;
	b->imap_ns = 0;
	b->iunmap_ns = 0;
	b->isync_ns = 0;
	inv0 = ddb_inv_count(b);
	for (r = 0; r < rounds && !ret; r++) {
		b->round_map_ns[r] = 0;
		b->round_unmap_ns[r] = 0;
		ret = ddb_round(dev, th, threads, per_round,
				&b->round_map_ns[r], &b->round_unmap_ns[r]);
		b->map_ns += b->round_map_ns[r];
		b->unmap_ns += b->round_unmap_ns[r];
	}
	if (ret)
		goto out;
	/*
	 * A flush queue invalidates what is left in it from a timer (10 ms
	 * in the 6.12 dma-iommu core): wait for it, so that the count covers
	 * every unmap of the run.
	 */
	msleep(50);
	b->inv = ddb_inv_count(b) - inv0;
	/* The driver's own share is measured with one thread only. */
	if (threads == 1)
		ret = ddb_run_iommu(dev, b, th[0].buf, size, per_round * rounds);
	if (!ret) {
		b->threads = threads;
		b->rounds = rounds;
		b->bytes = size;
		b->loops = per_round * rounds;
	}
out:
	for (i = 0; i < threads; i++)
		kfree(th[i].buf);
	kfree(th);
	return ret;
}

/*
 * "LOOPS PAGES [THREADS [ROUNDS]]": LOOPS map/unmap pairs of PAGES pages
 * in each of THREADS threads (1 by default, at most one per online CPU),
 * split into ROUNDS rounds (1 by default).  A run that fails leaves
 * loops=0: no result.
 */
static ssize_t bench_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct ddb *b = dev_get_drvdata(dev);
	unsigned int threads = 1, rounds = 1;
	u32 loops, pages;
	int n, ret;

	n = sscanf(buf, "%u %u %u %u", &loops, &pages, &threads, &rounds);
	if (n < 2 || !pages || pages > DDB_MAX_PAGES || !is_power_of_2(pages) ||
	    !threads || threads > min(num_online_cpus(), DDB_MAX_THREADS) ||
	    !rounds || rounds > DDB_MAX_ROUNDS || loops < rounds ||
	    loops > DDB_MAX_LOOPS)
		return -EINVAL;
	mutex_lock(&b->lock);
	ret = ddb_run(dev, b, loops, pages, threads, rounds);
	mutex_unlock(&b->lock);
	return ret ?: count;
}

static ssize_t bench_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct ddb *b = dev_get_drvdata(dev);
	unsigned int r;
	ssize_t n;

	mutex_lock(&b->lock);
	n = sysfs_emit(buf, "loops=%u threads=%u bytes=%zu map_ns=%llu unmap_ns=%llu inv=%u",
		       b->loops, b->threads, b->bytes, b->map_ns, b->unmap_ns,
		       b->inv);
	n += sysfs_emit_at(buf, n, " imap_ns=%llu iunmap_ns=%llu isync_ns=%llu",
			   b->imap_ns, b->iunmap_ns, b->isync_ns);
	for (r = 0; r < b->rounds; r++)
		n += sysfs_emit_at(buf, n, "%s%llu", r ? "," : " round_map_ns=",
				   b->round_map_ns[r]);
	for (r = 0; r < b->rounds; r++)
		n += sysfs_emit_at(buf, n, "%s%llu", r ? "," : " round_unmap_ns=",
				   b->round_unmap_ns[r]);
	n += sysfs_emit_at(buf, n, "\n");
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
