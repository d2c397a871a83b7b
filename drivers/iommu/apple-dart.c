// SPDX-License-Identifier: GPL-2.0-only
/*
 * Apple DART IOMMU driver: the platform driver and the IOMMU API.
 *
 * A DART translates the DMA of the devices behind it per stream (hw §0):
 * each stream either bypasses translation, is blocked, or walks page
 * tables through its TTBRs.  A device ("master") may use several streams
 * on up to three DARTs; all of them then share its domain.  Register
 * layouts live in apple-dart-hw.c, the page tables in io-pgtable-dart.c.
 *
 * Section numbers ("hw §N") refer to Documentation/dart/hardware.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/bitfield.h>
#include <linux/clk.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io-pgtable.h>
#include <linux/irqdesc.h>
#include <linux/iommu.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/pm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sizes.h>

#include "apple-dart.h"
#include "dma-iommu.h"
#include "iommu-pages.h"

/* hw §1 (kernel refuses smaller windows) */
#define ADART_MIN_MMIO		0x4000

/*
 * fwspec IDs name the DART instance as well as the stream, because one
 * fwspec holds the IDs of every DART a master is behind.
 */
#define ADART_FWID_DART		GENMASK(31, 16)
#define ADART_FWID_SID		GENMASK(15, 0)

/*
 * hw §8: Apple's PCIe block catches MSI writes to this doorbell before
 * they reach the DART, so the IOVA page must never be handed out.
 */
#ifdef CONFIG_PCIE_APPLE_MSI_DOORBELL_ADDR
#define ADART_MSI_DOORBELL	CONFIG_PCIE_APPLE_MSI_DOORBELL_ADDR
#else
#define ADART_MSI_DOORBELL	0xfffff000
#endif

/*
 * ADART_RELEASE: no device uses the stream any more.  It is blocked, or,
 * if the boot loader handed it over translating, given back its tables
 * (adart_boot_handback()): what was scanning out before the driver came
 * keeps scanning after it goes.
 */
enum adart_mode {
	ADART_BLOCK,
	ADART_BYPASS,
	ADART_TRANSLATE,
	ADART_RELEASE,
};

/* DARTs, their IDs and the stream-to-group table are guarded by this. */
static DEFINE_MUTEX(adart_lock);
static LIST_HEAD(adart_list);
static DEFINE_IDA(adart_ida);
static DEFINE_IDA(adart_domain_ida);

static const struct iommu_ops adart_iommu_ops;

static void adart_release(struct kref *ref)
{
	struct adart *dart = container_of(ref, struct adart, ref);

	ida_free(&adart_ida, dart->id);
	adart_locked_release(dart);
	kfree(dart->streams);
	kfree(dart);
}

static void adart_put(struct adart *dart)
{
	kref_put(&dart->ref, adart_release);
}

static struct adart *adart_find(unsigned int id)
{
	struct adart *dart;

	lockdep_assert_held(&adart_lock);
	list_for_each_entry(dart, &adart_list, node)
		if (dart->id == id && !dart->gone)
			return dart;
	return NULL;
}

/* ---- flushing ---------------------------------------------------------- */

/*
 * Call @fn with each port of @dom under @dom->lock, interrupts off: the
 * set cannot change meanwhile, and each port holds a reference on its
 * DART.
 */
static void __adart_domain_visit_ports(struct adart_domain *dom,
				       void (*fn)(const struct adart_port *p,
						  void *priv),
				       void *priv)
{
	unsigned int i;

	lockdep_assert_held(&dom->lock);
	for (i = 0; i < ADART_MAX_PORTS; i++)
		if (dom->ports[i].dart)
			fn(&dom->ports[i], priv);
}

static void adart_domain_visit_ports(struct adart_domain *dom,
				     void (*fn)(const struct adart_port *p,
						void *priv),
				     void *priv)
{
	unsigned long flags;

	spin_lock_irqsave(&dom->lock, flags);
	__adart_domain_visit_ports(dom, fn, priv);
	spin_unlock_irqrestore(&dom->lock, flags);
}

/*
 * Every invalidation drops whole streams (hw §2.3, §3.3: no ranges), so
 * a domain flush is one command per DART on the T8020 layout and one per
 * stream on the T8110 one, whatever the range.
 */
static void adart_port_flush(const struct adart_port *p, void *priv)
{
	int *err = priv;
	int ret;

	spin_lock(&p->dart->lock);
	ret = adart_hw_invalidate(p->dart, p->sids);
	spin_unlock(&p->dart->lock);
	if (ret)
		*err = ret;
}

/*
 * Flush every port of @dom.  @pages are tables unhooked
 * before the flush.  A flush that completes on every port drops whatever
 * the streams cached of them, and of the tables earlier failed flushes
 * kept in @dom->held: all of them are then left in @pages for the caller
 * to free.  When a DART does not finish its command, its streams may
 * still walk them (hw §2.3, §3.3): @pages join @dom->held instead.
 *
 * Both happen under @dom->lock, with the flush: a table kept by a failed
 * flush is only released by a flush that started after it was kept, so
 * after it was unhooked.
 *
 * Callers that wait for @dom->lock while another flush runs share the
 * next one.  A command drops every translation its streams cached, not
 * a range (hw §2.3, §3.3), so any flush started after the caller's
 * page-table stores, and completed on every port, is also the caller's:
 * the caller notes how many had started before it takes the lock, and
 * finds out under it whether a later one has completed meanwhile.  With
 * several threads unmapping strictly in one domain, one command then
 * serves everyone who queued up behind the one running.  Only callers
 * that ask with @share, though: adart_flush_iotlb_all() says why one
 * must not.
 *
 * Return: 0, or -ETIMEDOUT.
 */
static int adart_domain_flush(struct adart_domain *dom,
			      struct list_head *pages, bool share)
{
	unsigned long flags, n, seen, mine;
	int err = 0;

	/*
	 * The caller's page-table stores come before the read, for the CPU
	 * and for the DART (outer shareable): a flush that this read does
	 * not see started, by the barrier after its count, saw them.
	 */
	dma_mb();
	seen = READ_ONCE(dom->flush_started);
	spin_lock_irqsave(&dom->lock, flags);
	if (share && (long)(dom->flush_done - seen) > 0) {
		atomic_long_inc(&dom->cnt.flush_shared);
		goto out;
	}
	mine = dom->flush_started + 1;
	WRITE_ONCE(dom->flush_started, mine);
	/* Pairs with the barrier above; the L1 update reads tables too. */
	dma_mb();

	/* Locked streams walk the boot loader's L1: update it first (hw §6). */
	if (dom->locked_sids)
		adart_locked_sync(dom);
	__adart_domain_visit_ports(dom, adart_port_flush, &err);
	if (err && !list_empty(pages)) {
		n = list_count_nodes(pages);
		list_splice_tail_init(pages, &dom->held);
		atomic_long_add(n, &dom->cnt.tables_held);
		pr_err_ratelimited("domain %d: TLB invalidation timed out, keeping %lu table pages the DART may still walk\n",
				   dom->id, n);
	} else if (!err) {
		dom->flush_done = mine;
		if (!list_empty(&dom->held)) {
			atomic_long_sub(list_count_nodes(&dom->held),
					&dom->cnt.tables_held);
			list_splice_tail_init(&dom->held, pages);
		}
	}
out:
	spin_unlock_irqrestore(&dom->lock, flags);
	return err;
}

/* A flush with nothing newly unhooked, which may release held tables. */
static int adart_domain_flush_release(struct adart_domain *dom, bool share)
{
	LIST_HEAD(pages);
	int ret;

	ret = adart_domain_flush(dom, &pages, share);
	iommu_put_pages_list(&pages);
	return ret;
}

static void adart_tlb_flush_all(void *cookie)
{
	struct adart_domain *dom = cookie;

	adart_domain_flush_release(dom, true);
}

/*
 * The backend frees a table only after this returns (io-pgtable.rst).
 * It asks only for unmaps without a gather to defer the free to, which
 * the IOMMU core never makes: nothing can be held back here, and a
 * timeout is only reported (adart_poll_idle()).
 */
static void adart_tlb_flush_walk(unsigned long iova, size_t size,
				 size_t granule, void *cookie)
{
	struct adart_domain *dom = cookie;

	atomic_long_inc(&dom->cnt.flush_walk);
	adart_domain_flush_release(dom, true);
}

/*
 * The backend hooked a new table into @cookie's tree, during a map: tells
 * adart_iotlb_sync_map() to invalidate.  Reported where it happens, so a
 * table reclaimed meanwhile by a concurrent unmap cannot hide it.
 */
static void adart_table_added(void *cookie)
{
	struct adart_domain *dom = cookie;

	atomic_set(&dom->table_added, 1);
}

static const struct iommu_flush_ops adart_flush_ops = {
	.tlb_flush_all	= adart_tlb_flush_all,
	.tlb_flush_walk	= adart_tlb_flush_walk,
};

/* ---- domain stream sets ------------------------------------------------- */

/* The port of @ports that names @dart (NULL: a free one), or NULL. */
static struct adart_port *adart_ports_find(struct adart_port *ports,
					   const struct adart *dart)
{
	unsigned int i;

	for (i = 0; i < ADART_MAX_PORTS; i++)
		if (ports[i].dart == dart)
			return &ports[i];
	return NULL;
}

/*
 * Add the streams of @m to a set of ports (a domain's flush set, a
 * group's record): each of its DARTs gets the port already naming it, or
 * claims a free one, which then holds a reference on the DART.  All or
 * nothing: -ENOSPC, with @ports unchanged, if too few ports are free.
 */
static int adart_ports_merge(struct adart_port *ports,
			     const struct adart_master *m)
{
	unsigned int i, missing = 0, n_free = 0;
	struct adart_port *p;

	for (i = 0; i < m->n_ports; i++)
		if (!adart_ports_find(ports, m->ports[i].dart))
			missing++;
	for (i = 0; i < ADART_MAX_PORTS; i++)
		if (!ports[i].dart)
			n_free++;
	if (missing > n_free)
		return -ENOSPC;

	for (i = 0; i < m->n_ports; i++) {
		const struct adart_port *mp = &m->ports[i];

		p = adart_ports_find(ports, mp->dart);
		if (!p) {
			p = adart_ports_find(ports, NULL);
			p->dart = mp->dart;
			kref_get(&p->dart->ref);
			bitmap_zero(p->sids, ADART_MAX_SIDS);
		}
		bitmap_or(p->sids, p->sids, mp->sids, ADART_MAX_SIDS);
	}
	return 0;
}

/* Add all streams of @m to @dom, or none if its DARTs do not fit. */
static int adart_domain_add_master(struct adart_domain *dom,
				   struct adart_master *m)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&dom->lock, flags);
	ret = adart_ports_merge(dom->ports, m);
	adart_locked_count(dom);
	spin_unlock_irqrestore(&dom->lock, flags);
	return ret;
}

/*
 * Take a stream out of @dom's flush set.  Only once the stream no longer
 * translates through @dom (adart_port_set()): before that, an unmap on
 * @dom racing with the switch would not invalidate the stream, and the
 * backend could free a table the stream still walks.
 */
static void adart_domain_del_sid(struct adart_domain *dom, struct adart *dart,
				 unsigned int sid)
{
	struct adart *put = NULL;
	struct adart_port *p;
	unsigned long flags;

	WARN_ON_ONCE(rcu_access_pointer(dart->streams[sid].domain) == dom);
	spin_lock_irqsave(&dom->lock, flags);
	p = adart_ports_find(dom->ports, dart);
	if (p) {
		clear_bit(sid, p->sids);
		if (bitmap_empty(p->sids, ADART_MAX_SIDS)) {
			put = p->dart;
			p->dart = NULL;
		}
		adart_locked_count(dom);
	}
	spin_unlock_irqrestore(&dom->lock, flags);
	if (put)
		adart_put(put);
}

/* ---- stream programming ----------------------------------------------- */

/*
 * Point the streams of one port of @dev at a mode (and @dom's tables when
 * translating).  The caller holds the group mutex, which is what keeps
 * stream->domain and stream->flush_dom stable here: every device sharing
 * a stream is in the same group.
 *
 * A stream stays in its old domain's flush set (flush_dom) until its new
 * TCR/TTBRs are written and its TLB invalidated, and only then leaves it.
 * An unmap on the old domain racing with this either flushes before the
 * switch, with the stream still in its set, or after it, when the stream
 * no longer walks the old tables at all: both flushes and the switch
 * take the DART's lock, and the switch's invalidation has completed
 * before the lock is dropped (hw §2.3, §3.3).  Either way no table the
 * backend frees after its iotlb_sync is still reachable from the TLB.
 * Leaving first (before the switch) lets such a flush miss the stream
 * while it still walks the old tables.  Joining the new domain is done
 * before this (adart_domain_add_master()), for the same reason.
 */
static void adart_port_set(struct adart_port *p, struct device *dev,
			   enum adart_mode mode, struct adart_domain *dom)
{
	struct adart_domain *join = mode == ADART_TRANSLATE ? dom : NULL;
	struct adart *dart = p->dart;
	unsigned long flags;
	unsigned int sid, i;
	u32 tcr;

	switch (mode) {
	case ADART_TRANSLATE:
		tcr = adart_tcr_translate(dart, dom);
		break;
	case ADART_BYPASS:
		tcr = dart->lay->tcr_bypass;
		break;
	default:
		tcr = 0;
		break;
	}

	spin_lock_irqsave(&dart->lock, flags);
	for_each_set_bit(sid, p->sids, dart->nsids) {
		struct adart_stream *s = &dart->streams[sid];

		rcu_assign_pointer(s->domain, join);
		WRITE_ONCE(s->master, dev);
		/* hw §6: TCR/TTBR are frozen, the L1 is what can change. */
		if (s->fw) {
			adart_locked_stream_set(dart, sid, join);
			continue;
		}
		if (mode == ADART_RELEASE && s->boot_kept) {
			adart_boot_handback(dart, sid);
			continue;
		}
		s->tcr = tcr;
		for (i = 0; i < ADART_MAX_TTBRS; i++)
			s->ttbr[i] = (join && i < dom->dcfg.n_ttbrs) ?
				     dom->dcfg.ttbr[i] : 0;
		adart_hw_write_stream(dart, sid);
	}
	/* hw §7: the stream may still cache walks of its previous tables. */
	adart_hw_invalidate(dart, p->sids);
	spin_unlock_irqrestore(&dart->lock, flags);

	/* Only now can the old domain's flushes stop covering the stream. */
	for_each_set_bit(sid, p->sids, dart->nsids) {
		struct adart_stream *s = &dart->streams[sid];

		if (s->flush_dom && s->flush_dom != join)
			adart_domain_del_sid(s->flush_dom, dart, sid);
		s->flush_dom = join;
	}
}

static void adart_master_set(struct adart_master *m, enum adart_mode mode,
			     struct adart_domain *dom)
{
	unsigned int i;

	for (i = 0; i < m->n_ports; i++)
		adart_port_set(&m->ports[i], m->dev, mode, dom);
}

/* ---- paging domains ----------------------------------------------------- */

/*
 * Can every DART of @m walk the tables @dom was built with?  That
 * includes their width: the DMA API hands out IOVAs up to the domain's
 * aperture, and a DART translates no more VA bits than its walker
 * resolves (hw §3, §4.2; adart_walk_ias()).
 */
VISIBLE_IF_KUNIT int adart_domain_check(struct adart_domain *dom,
					struct adart_master *m)
{
	unsigned int i;

	for (i = 0; i < m->n_ports; i++) {
		struct adart *dart = m->ports[i].dart;

		if (dart->hw->fmt != dom->fmt || dart->pgsize != dom->pgsize ||
		    dart->lay->ttbr_layout != dom->dcfg.ttbr_layout ||
		    dart->lay->n_ttbrs < dom->dcfg.n_ttbrs ||
		    dart->max_levels < dom->dcfg.n_levels ||
		    adart_walk_ias(dart) < dom->pgcfg.ias ||
		    dart->oas < dom->pgcfg.oas) {
			dev_err(m->dev,
				"%s (%s, %u levels, %u TTBRs, %u VA bits) cannot walk this domain's tables (%u levels, %u TTBRs, %u VA bits)\n",
				dev_name(dart->dev), dart->hw->name,
				dart->max_levels, dart->lay->n_ttbrs,
				adart_walk_ias(dart), dom->dcfg.n_levels,
				dom->dcfg.n_ttbrs, dom->pgcfg.ias);
			return -EINVAL;
		}
	}
	return adart_locked_domain_check(dom, m);
}
EXPORT_SYMBOL_IF_KUNIT(adart_domain_check);

/*
 * A master joining a built domain must be able to emit every IOVA of its
 * aperture: its DMA window, if it has one, must hold the aperture.
 */
static int adart_domain_window_check(struct adart_domain *dom,
				     struct adart_master *m)
{
	const struct iommu_domain_geometry *g = &dom->domain.geometry;

	if (g->aperture_start >= m->win_start && g->aperture_end <= m->win_end)
		return 0;
	dev_err(m->dev, "its DMA window %#llx-%#llx does not hold the domain's aperture %#llx-%#llx\n",
		m->win_start, m->win_end, (u64)g->aperture_start,
		(u64)g->aperture_end);
	return -EINVAL;
}

/*
 * Build the tables for the DARTs of the first master attached: the PTE
 * format, granule, TTBR layout and walk depth are theirs (hw §0, §4), and
 * the widths are what all of them can do.
 */
static int adart_domain_finalize(struct adart_domain *dom,
				 struct adart_master *m)
{
	struct adart *first = m->ports[0].dart;
	struct io_pgtable_ops *ops;
	u32 ias = first->ias, oas = first->oas, fw_ias;
	u32 ttbrs = first->lay->n_ttbrs, levels = first->max_levels;
	unsigned int i;
	int ret = 0;

	mutex_lock(&dom->init_lock);
	if (dom->pgtbl) {
		ret = adart_domain_check(dom, m);
		if (!ret)
			ret = adart_domain_window_check(dom, m);
		goto out;
	}

	if (first->pgsize > PAGE_SIZE) {
		dev_err(m->dev,
			"%s has %u KiB pages, more than the kernel's %lu KiB: no paging domain\n",
			dev_name(first->dev), first->pgsize / SZ_1K,
			PAGE_SIZE / SZ_1K);
		ret = -EINVAL;
		goto out;
	}
	for (i = 1; i < m->n_ports; i++) {
		struct adart *dart = m->ports[i].dart;

		ias = min(ias, dart->ias);
		oas = min(oas, dart->oas);
		ttbrs = min(ttbrs, dart->lay->n_ttbrs);
		levels = min(levels, dart->max_levels);
	}
	/*
	 * Boot mappings above the default width (the display coprocessor's
	 * at 0xf00000000 and up on a T8020, hw §4.4) widen the tables, up
	 * to what the walker translates (checked by adart_resv_parse()).
	 */
	ias = max(ias, adart_resv_ias(m));
	/* So does a DMA window's top (checked by adart_master_window()). */
	if (m->win_end != U64_MAX)
		ias = max_t(u32, ias, fls64(m->win_end));
	/*
	 * A locked stream keeps the boot loader's TTBR count and depth
	 * (hw §6): the tables get exactly the width those give.
	 */
	ret = adart_locked_geometry(m, &fw_ias);
	if (ret)
		goto out;
	if (fw_ias && adart_resv_ias(m) > fw_ias) {
		dev_err(m->dev, "boot mappings need %u VA bits, the locked streams' tables reach %u\n",
			adart_resv_ias(m), fw_ias);
		ret = -EINVAL;
		goto out;
	}
	if (fw_ias)
		ias = fw_ias;

	dom->fmt = first->hw->fmt;
	dom->pgsize = first->pgsize;
	dom->pgcfg = (struct io_pgtable_cfg) {
		.pgsize_bitmap	= first->pgsize,
		.ias		= ias,
		.oas		= oas,
		.coherent_walk	= true,
		.tlb		= &adart_flush_ops,
		.iommu_dev	= first->dev,
	};
	dom->dcfg = (struct dart_pgtable_cfg) {
		.max_ttbrs	= ttbrs,
		.max_levels	= levels,
		.ttbr_layout	= first->lay->ttbr_layout,
		.table_added	= adart_table_added,
	};
	ops = dart_io_pgtable_alloc(dom->fmt, &dom->pgcfg, &dom->dcfg, dom);
	if (IS_ERR(ops)) {
		ret = PTR_ERR(ops);
		dev_err(m->dev, "no page tables for %u VA bits on %s: %d\n",
			ias, dev_name(first->dev), ret);
		goto out;
	}
	ret = adart_domain_check(dom, m);
	if (ret) {
		dart_io_pgtable_free(ops);
		goto out;
	}

	dom->domain.pgsize_bitmap = first->pgsize;
	/*
	 * dma-iommu allocates from the aperture only (its base and limit),
	 * so a DMA window becomes the aperture: every IOVA the master is
	 * handed lies inside it, with nothing to reserve around it.
	 */
	dom->domain.geometry.aperture_start = m->win_start;
	dom->domain.geometry.aperture_end = min(m->win_end, DMA_BIT_MASK(ias));
	dom->domain.geometry.force_aperture = true;
	/* Pairs with the acquire in adart_domain_pgtable(). */
	smp_store_release(&dom->pgtbl, ops);
	adart_debugfs_add_domain(dom);
out:
	mutex_unlock(&dom->init_lock);
	return ret;
}

static void adart_domain_free(struct iommu_domain *domain);

static struct iommu_domain *adart_domain_alloc_paging(struct device *dev)
{
	struct adart_domain *dom;
	int ret;

	dom = kzalloc(sizeof(*dom), GFP_KERNEL);
	if (!dom)
		return ERR_PTR(-ENOMEM);
	mutex_init(&dom->init_lock);
	spin_lock_init(&dom->lock);
	INIT_LIST_HEAD(&dom->fw);
	INIT_LIST_HEAD(&dom->held);
	dom->id = ida_alloc(&adart_domain_ida, GFP_KERNEL);
	if (dom->id < 0) {
		ret = dom->id;
		goto err_free;
	}

	/* Without a device (iommu_domain_alloc()) the first attach decides. */
	if (dev) {
		struct adart_master *m = dev_iommu_priv_get(dev);

		ret = adart_domain_finalize(dom, m);
		if (ret)
			goto err_ida;
		/*
		 * Allocated while the device's group has no domain: the group's
		 * first default domain, whose attach the core does not let fail
		 * (iommu_setup_default_domain() WARNs and gives the device up).
		 * Its boot mappings go in now, so that attach allocates nothing
		 * and a failure is this allocation's.
		 */
		if (!iommu_get_domain_for_dev(dev)) {
			ret = adart_resv_install(dom, m);
			if (ret) {
				adart_domain_free(&dom->domain);
				return ERR_PTR(ret);
			}
		}
	}
	return &dom->domain;

err_ida:
	ida_free(&adart_domain_ida, dom->id);
err_free:
	mutex_destroy(&dom->init_lock);
	kfree(dom);
	return ERR_PTR(ret);
}

static void adart_domain_free(struct iommu_domain *domain)
{
	struct adart_domain *dom = to_adart_domain(domain);

	/*
	 * A fault report that found the domain before its streams left it
	 * may still be in the domain's handler (adart_report_fault(), under
	 * RCU), and the caller frees the handler's data once this returns.
	 */
	synchronize_rcu();
	adart_debugfs_remove(&dom->debugfs);
	/* No stream uses the tables any more: the core detached them all. */
	dart_io_pgtable_free(dom->pgtbl);
	/*
	 * Tables no flush completed for since they were unhooked: the
	 * streams that left may still cache them (hw §2.3).  Leaked, not
	 * freed, with the reason.
	 */
	if (!list_empty(&dom->held))
		pr_err("domain %d freed with %ld table pages never invalidated: leaking them\n",
		       dom->id, atomic_long_read(&dom->cnt.tables_held));
	adart_resv_domain_free(dom);
	ida_free(&adart_domain_ida, dom->id);
	mutex_destroy(&dom->init_lock);
	/* A fault handler may still be looking at it (adart_report_fault). */
	kfree_rcu(dom, rcu);
}

static int adart_attach_paging(struct iommu_domain *domain, struct device *dev)
{
	struct adart_domain *dom = to_adart_domain(domain);
	struct adart_master *m = dev_iommu_priv_get(dev);
	int ret;

	ret = adart_domain_finalize(dom, m);
	if (!ret)
		ret = adart_resv_install(dom, m);
	if (ret)
		return ret;
	ret = adart_domain_add_master(dom, m);
	if (ret) {
		dev_err(dev, "domain already spans %u DARTs\n", ADART_MAX_PORTS);
		return ret;
	}
	adart_master_set(m, ADART_TRANSLATE, dom);
	return 0;
}

static int adart_map_pages(struct iommu_domain *domain, unsigned long iova,
			   phys_addr_t paddr, size_t pgsize, size_t pgcount,
			   int prot, gfp_t gfp, size_t *mapped)
{
	struct adart_domain *dom = to_adart_domain(domain);
	struct io_pgtable_ops *ops = adart_domain_pgtable(dom);

	/* A domain from iommu_domain_alloc() has no format before attach. */
	if (!ops)
		return -ENODEV;
	return ops->map_pages(ops, iova, paddr, pgsize, pgcount, prot, gfp,
			      mapped);
}

/* An unmap in a domain that holds boot mappings: checked first. */
static noinline size_t adart_unmap_resv(struct adart_domain *dom,
					struct io_pgtable_ops *ops,
					unsigned long iova, size_t pgsize,
					size_t pgcount,
					struct iommu_iotlb_gather *gather)
{
	/* A boot mapping stays while the domain lives (driver.rst). */
	if (__adart_resv_protected(dom, iova, (u64)pgsize * pgcount))
		return 0;
	return ops->unmap_pages(ops, iova, pgsize, pgcount, gather);
}

static size_t adart_unmap_pages(struct iommu_domain *domain, unsigned long iova,
				size_t pgsize, size_t pgcount,
				struct iommu_iotlb_gather *gather)
{
	struct adart_domain *dom = to_adart_domain(domain);
	struct io_pgtable_ops *ops = adart_domain_pgtable(dom);

	if (!ops)
		return 0;
	/*
	 * Nearly every domain has no boot mapping: one load, then a tail
	 * call, with no stack frame (the one-page unmap is a few dozen
	 * instructions in all, make bench).
	 */
	if (unlikely(!list_empty(&dom->fw)))
		return adart_unmap_resv(dom, ops, iova, pgsize, pgcount,
					gather);
	return ops->unmap_pages(ops, iova, pgsize, pgcount, gather);
}

static phys_addr_t adart_iova_to_phys(struct iommu_domain *domain,
				      dma_addr_t iova)
{
	struct io_pgtable_ops *ops = adart_domain_pgtable(to_adart_domain(domain));

	return ops ? ops->iova_to_phys(ops, iova) : 0;
}

/*
 * The core gathers whole unmap batches before calling this, so one
 * stream invalidation covers them all (in lazy mode dma-iommu's flush
 * queue calls adart_flush_iotlb_all() instead).  Leaf tables the backend
 * emptied ride on the gather's freelist and may only go once the walker
 * can no longer reach them.
 */
static void adart_iotlb_sync(struct iommu_domain *domain,
			     struct iommu_iotlb_gather *gather)
{
	struct adart_domain *dom = to_adart_domain(domain);

	if (gather->start > gather->end && list_empty(&gather->freelist)) {
		atomic_long_inc(&dom->cnt.sync_empty);
		return;
	}
	atomic_long_inc(&dom->cnt.sync);
	adart_domain_flush(dom, &gather->freelist, true);
	iommu_put_pages_list(&gather->freelist);
}

/*
 * dma-iommu's flush queue calls this, and counts calls, not commands:
 * each queued IOVA is stamped with the number of calls begun, and freed
 * once more calls have returned than that.  A CPU whose queue is full
 * calls this, then adds an entry, taking for granted that the call freed
 * the oldest one; if it did not, the 6.12 core writes over its full ring
 * and loses every IOVA in it (make bench lost 150 000 in one second, then
 * dma_map_single() failed for want of IOVA space).
 *
 * A shared flush makes that likely: it returns the moment another CPU's
 * flush completes, before that CPU has returned to count it, so nothing
 * queued since that flush began can go, and a full ring whose oldest
 * entry is that recent frees nothing.  This caller never shares: it runs
 * a command of its own, as every 6.12 driver does, and the other caller
 * has that long to count its flush finished (the race left is the core's
 * own; make bench's IOVA counts show no loss with either driver).  In
 * lazy mode this is the only flush, once per 256 unmaps per CPU or per
 * 10 ms: sharing it gained nothing.
 */
static void adart_flush_iotlb_all(struct iommu_domain *domain)
{
	struct adart_domain *dom = to_adart_domain(domain);

	atomic_long_inc(&dom->cnt.flush_all);
	adart_domain_flush_release(dom, false);
}

/*
 * A new mapping only replaces entries that were not valid.  dart-hw.md
 * documents no caching of invalid entries: the invalidate "drops all
 * cached translations" (hw §2.3, §3.3), and a walk that ends on an
 * invalid entry faults (hw §2.2, §3.2).  So filling in leaves needs no
 * invalidation, and one per map would cost every dma_map_*() a
 * whole-stream command and its wait even in lazy mode.
 *
 * What is left uncertain is the table levels: the T8110 advertises
 * prefetching table-walk caches (PARAMS2 CTC/STT/TLB prefetch, hw §1),
 * which might hold an empty parent entry.  Installing a table is rare
 * (once per 32 MiB of IOVA with 16K pages, hw §4.2), so that case keeps
 * the invalidation 6.12 does on every map.
 */
static int adart_iotlb_sync_map(struct iommu_domain *domain,
				unsigned long iova, size_t size)
{
	struct adart_domain *dom = to_adart_domain(domain);

	/*
	 * A locked stream walks its L1, not our top table (hw §6): a table
	 * this map installed may have been reported to another thread's
	 * flush, which might not have stored it yet.  Syncing under the
	 * domain lock waits for that flush or stores the entry itself, so
	 * the mapping is reachable when this returns.
	 */
	if (unlikely(READ_ONCE(dom->locked_sids)))
		adart_locked_sync_map(dom);

	/*
	 * Nearly every map installs nothing: a plain read, not an atomic
	 * exchange, on that path.  A report this thread made is seen by its
	 * own read; one taken by another thread's exchange is that thread's
	 * to flush.
	 */
	if (likely(!atomic_read(&dom->table_added)))
		return 0;
	/* Full barrier: a flush after this sees the table's stores. */
	if (!atomic_xchg(&dom->table_added, 0))
		return 0;
	atomic_long_inc(&dom->cnt.sync_map);
	/* The new table may not be seen: iommu_map() undoes the mapping. */
	return adart_domain_flush_release(dom, true);
}

/* ---- identity and blocked domains --------------------------------------- */

/*
 * The core asks def_domain_type() before it builds an identity domain, so
 * this is the driver's own guard for callers that do not: the attach
 * would otherwise let the master's DMA reach PAs untranslated.
 */
VISIBLE_IF_KUNIT int adart_identity_check(const struct adart_master *m)
{
	unsigned int i;

	if (adart_resv_translated(m)) {
		dev_err(m->dev, "boot mappings at IOVAs other than their PAs need a paging domain\n");
		return -EINVAL;
	}
	if (adart_master_locked(m)) {
		dev_err(m->dev, "behind a DART the boot loader locked: its streams can only translate\n");
		return -EINVAL;
	}
	/* hw §2.1: bypass only where PARAMS2 offers it, on every DART. */
	for (i = 0; i < m->n_ports; i++) {
		if (!m->ports[i].dart->bypass) {
			dev_err(m->dev, "%s cannot bypass translation\n",
				dev_name(m->ports[i].dart->dev));
			return -EINVAL;
		}
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(adart_identity_check);

static int adart_attach_identity(struct iommu_domain *domain,
				 struct device *dev)
{
	struct adart_master *m = dev_iommu_priv_get(dev);
	int ret;

	ret = adart_identity_check(m);
	if (ret)
		return ret;
	adart_master_set(m, ADART_BYPASS, NULL);
	return 0;
}

static struct iommu_domain adart_identity_domain = {
	.type	= IOMMU_DOMAIN_IDENTITY,
	.ops	= &(const struct iommu_domain_ops) {
		.attach_dev	= adart_attach_identity,
	},
};

static int adart_attach_blocked(struct iommu_domain *domain,
				struct device *dev)
{
	struct adart_master *m = dev_iommu_priv_get(dev);

	/*
	 * A locked stream cannot be blocked (hw §6), and emptying its L1
	 * would cut off the firmware behind it; releasing the device puts
	 * the boot loader's entries back instead.
	 */
	if (adart_master_locked(m)) {
		dev_err(dev, "behind a DART the boot loader locked: no blocked domain\n");
		return -EINVAL;
	}
	adart_master_set(m, ADART_BLOCK, NULL);
	return 0;
}

static struct iommu_domain adart_blocked_domain = {
	.type	= IOMMU_DOMAIN_BLOCKED,
	.ops	= &(const struct iommu_domain_ops) {
		.attach_dev	= adart_attach_blocked,
	},
};

/* ---- masters ------------------------------------------------------------ */

/*
 * The core reads a master's "iommus" one entry at a time and stops,
 * without a word, at the first one it cannot parse, keeping those
 * before it: a truncated entry, or one naming a node without
 * #iommu-cells, would leave the master behind only some of its DARTs,
 * with the other ports' DMA on streams nobody programs.  A repeated
 * entry is a typo for another stream.  So the whole property is checked
 * when its first entry is translated.
 */
static int adart_check_iommus(struct device *dev)
{
	struct device_node *np = dev->of_node;
	struct of_phandle_args a, b;
	int len, used = 0, n, i;
	bool same;

	if (!np || !of_get_property(np, "iommus", &len))
		return 0;
	for (n = 0; !of_parse_phandle_with_args(np, "iommus", "#iommu-cells",
						n, &a); n++) {
		used += 1 + a.args_count;
		for (i = 0; i < n; i++) {
			if (of_parse_phandle_with_args(np, "iommus",
						       "#iommu-cells", i, &b))
				continue;
			same = b.np == a.np && b.args_count == a.args_count &&
			       !memcmp(a.args, b.args,
				       a.args_count * sizeof(a.args[0]));
			of_node_put(b.np);
			if (same) {
				dev_err(dev, "%pOF: iommus entries %d and %d are the same (stream %u of %pOF)\n",
					np, i, n, a.args_count ? a.args[0] : 0,
					a.np);
				of_node_put(a.np);
				return -EINVAL;
			}
		}
		of_node_put(a.np);
	}
	if (used * sizeof(__be32) != (size_t)len) {
		dev_err(dev, "%pOF: iommus has %d bytes, but its %d whole entries take %zu: entry %d is truncated or names a node that is not an IOMMU\n",
			np, len, n, used * sizeof(__be32), n);
		return -EINVAL;
	}
	return 0;
}

/* <&dart stream start-hi start-lo len-hi len-lo>: a stream with a window. */
#define ADART_WINDOW_CELLS	5

/**
 * adart_of_window() - the DMA window of one "iommus" specifier
 * @dev:	the master, for the log
 * @dart:	the DART the specifier names
 * @args:	the specifier: the stream, then optionally start and length
 *		as two 64-bit numbers of two cells each, most significant
 *		cell first
 * @start:	set to the window's first IOVA (0 without a window)
 * @end:	set to its last IOVA (U64_MAX without a window)
 *
 * A window says which IOVAs the master can emit on that stream; the
 * domain's aperture, and so the DMA allocator, is kept inside it.  It
 * must lie inside what the DART's walker translates (hw §4.2): an IOVA
 * above that could never be mapped, so such a window is refused rather
 * than clipped, and so is one not made of whole DART pages (hw §4).
 *
 * Return: 0, or -EINVAL with the reason logged.
 */
static int adart_of_window(struct device *dev, const struct adart *dart,
			   const struct of_phandle_args *args, u64 *start,
			   u64 *end)
{
	u32 bits = adart_walk_ias(dart);
	u64 base, len;

	*start = 0;
	*end = U64_MAX;
	if (args->args_count != ADART_WINDOW_CELLS)
		return 0;
	base = (u64)args->args[1] << 32 | args->args[2];
	len = (u64)args->args[3] << 32 | args->args[4];
	if (!len || base > DMA_BIT_MASK(bits) ||
	    len - 1 > DMA_BIT_MASK(bits) - base) {
		dev_err(dev, "%pOF: DMA window %#llx+%#llx crosses the %u VA bits the DART translates\n",
			args->np, base, len, bits);
		return -EINVAL;
	}
	if (!IS_ALIGNED(base | len, dart->pgsize)) {
		dev_err(dev, "%pOF: DMA window %#llx+%#llx is not made of %u KiB pages\n",
			args->np, base, len, dart->pgsize / SZ_1K);
		return -EINVAL;
	}
	*start = base;
	*end = base + len - 1;
	return 0;
}

static int adart_of_xlate(struct device *dev,
			  const struct of_phandle_args *args)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	struct adart *dart, *found = NULL;
	u64 win_start, win_end;
	u32 id;

	/*
	 * Refusals are "not yet" (-EPROBE_DEFER): on any other error the
	 * core carries on without an IOMMU, and the device's DMA goes to
	 * streams the DART blocks (a PCIe disk then hangs on its first
	 * read).  Deferred, its driver never binds until the DT is fixed.
	 */
	if (fwspec && !fwspec->num_ids && adart_check_iommus(dev))
		return -EPROBE_DEFER;
	if (args->args_count != 1 && args->args_count != ADART_WINDOW_CELLS) {
		dev_err(dev, "%pOF: %d cells in iommus, expected the stream, or the stream and a DMA window\n",
			args->np, args->args_count);
		return -EINVAL;
	}

	mutex_lock(&adart_lock);
	list_for_each_entry(dart, &adart_list, node) {
		if (dart->dev->of_node == args->np && !dart->gone) {
			found = dart;
			break;
		}
	}
	if (found && args->args[0] >= found->nsids) {
		dev_err(dev, "%pOF: stream %u, but the DART has %u streams\n",
			args->np, args->args[0], found->nsids);
		found = ERR_PTR(-EPROBE_DEFER);
	} else if (found &&
		   adart_of_window(dev, found, args, &win_start, &win_end)) {
		found = ERR_PTR(-EPROBE_DEFER);
	} else if (found) {
		id = FIELD_PREP(ADART_FWID_DART, found->id) |
		     FIELD_PREP(ADART_FWID_SID, args->args[0]);
	}
	mutex_unlock(&adart_lock);

	if (!found)
		return -ENODEV;
	if (IS_ERR(found))
		return PTR_ERR(found);
	return iommu_fwspec_add_ids(dev, &id, 1);
}

static void adart_master_free(struct adart_master *m)
{
	unsigned int i;

	for (i = 0; i < m->n_ports; i++)
		adart_put(m->ports[i].dart);
	kfree(m->resv);
	kfree(m);
}

static int adart_master_add_id(struct adart_master *m, u32 id)
{
	struct adart *dart = adart_find(FIELD_GET(ADART_FWID_DART, id));
	struct adart *first = m->ports[0].dart;
	unsigned int i;

	if (!dart)
		return -ENODEV;
	for (i = 0; i < m->n_ports; i++) {
		if (m->ports[i].dart == dart) {
			set_bit(FIELD_GET(ADART_FWID_SID, id), m->ports[i].sids);
			return 0;
		}
	}
	if (m->n_ports == ADART_MAX_DARTS_PER_MASTER) {
		dev_err(m->dev, "behind more than %u DARTs\n",
			ADART_MAX_DARTS_PER_MASTER);
		return -EINVAL;
	}
	/*
	 * One domain covers all of them with one set of tables, so they
	 * must agree on what a table is (hw §4): say which part differs.
	 */
	if (first && first->hw->fmt != dart->hw->fmt) {
		dev_err(m->dev, "%s and %s use different PTE formats (%s, %s)\n",
			dev_name(first->dev), dev_name(dart->dev),
			dart_io_pgtable_fmt_name(first->hw->fmt),
			dart_io_pgtable_fmt_name(dart->hw->fmt));
		return -EINVAL;
	}
	if (first && first->pgsize != dart->pgsize) {
		dev_err(m->dev, "%s and %s use different page sizes (%u KiB, %u KiB)\n",
			dev_name(first->dev), dev_name(dart->dev),
			first->pgsize / SZ_1K, dart->pgsize / SZ_1K);
		return -EINVAL;
	}
	if (first && first->lay->ttbr_layout != dart->lay->ttbr_layout) {
		dev_err(m->dev, "%s (%s) and %s (%s) encode TTBRs differently\n",
			dev_name(first->dev), first->hw->name,
			dev_name(dart->dev), dart->hw->name);
		return -EINVAL;
	}
	kref_get(&dart->ref);
	m->ports[m->n_ports].dart = dart;
	set_bit(FIELD_GET(ADART_FWID_SID, id), m->ports[m->n_ports].sids);
	m->n_ports++;
	return 0;
}

/* Another device still probed on stream @sid of @dart, or NULL. */
static struct device *adart_other_user(struct adart *dart, unsigned int sid)
{
	struct adart_user *u;

	lockdep_assert_held(&dart->lock);
	list_for_each_entry(u, &dart->users, node)
		if (test_bit(sid, u->m->ports[u->port].sids))
			return u->m->dev;
	return NULL;
}

/*
 * Count @m in as a user of its streams.  A stream's fault reports name
 * the first device probed on it.
 */
static void adart_master_count_in(struct adart_master *m)
{
	unsigned long flags;
	unsigned int i, sid;

	for (i = 0; i < m->n_ports; i++) {
		struct adart_port *p = &m->ports[i];
		struct adart_user *u = &m->users[i];
		struct adart *dart = p->dart;

		spin_lock_irqsave(&dart->lock, flags);
		u->m = m;
		u->port = i;
		list_add_tail(&u->node, &dart->users);
		for_each_set_bit(sid, p->sids, dart->nsids) {
			struct adart_stream *s = &dart->streams[sid];

			s->users++;
			if (!s->master)
				WRITE_ONCE(s->master, m->dev);
		}
		spin_unlock_irqrestore(&dart->lock, flags);
	}
}

/*
 * Count @m out again.  A stream shared with other devices keeps
 * reporting its faults: when @m was the device named for them, one of
 * the devices left is named instead.
 */
static void adart_master_count_out(struct adart_master *m)
{
	unsigned long flags;
	unsigned int i, sid;

	for (i = 0; i < m->n_ports; i++) {
		struct adart_port *p = &m->ports[i];
		struct adart *dart = p->dart;

		spin_lock_irqsave(&dart->lock, flags);
		list_del(&m->users[i].node);
		for_each_set_bit(sid, p->sids, dart->nsids) {
			struct adart_stream *s = &dart->streams[sid];

			s->users--;
			if (s->master == m->dev)
				WRITE_ONCE(s->master, adart_other_user(dart, sid));
		}
		spin_unlock_irqrestore(&dart->lock, flags);
	}
}

/* Block the streams of @m that no probed device uses. */
static void adart_master_block_idle(struct adart_master *m)
{
	struct adart_port idle;
	unsigned int i, sid;

	for (i = 0; i < m->n_ports; i++) {
		struct adart *dart = m->ports[i].dart;

		idle.dart = dart;
		bitmap_zero(idle.sids, ADART_MAX_SIDS);
		for_each_set_bit(sid, m->ports[i].sids, dart->nsids)
			if (!READ_ONCE(dart->streams[sid].users))
				set_bit(sid, idle.sids);
		adart_port_set(&idle, NULL, ADART_RELEASE, NULL);
	}
}

/*
 * @m's DMA window: the overlap of the windows its "iommus" specifiers give
 * (adart_of_window(); of_xlate checked each), within what every one of
 * its DARTs walks, since one set of tables serves them all.  Masters
 * without a 5-cell specifier, and PCI functions (iommu-map has one cell),
 * have none.
 */
static int adart_master_window(struct adart_master *m)
{
	struct device_node *np = m->dev->of_node;
	struct of_phandle_args args;
	u64 start, end;
	unsigned int i;
	int idx, ret = 0;

	m->win_start = 0;
	m->win_end = U64_MAX;
	if (!np || dev_is_pci(m->dev))
		return 0;
	for (idx = 0; !ret && !of_parse_phandle_with_args(np, "iommus",
							  "#iommu-cells", idx,
							  &args); idx++) {
		for (i = 0; i < m->n_ports; i++) {
			if (m->ports[i].dart->dev->of_node != args.np)
				continue;
			ret = adart_of_window(m->dev, m->ports[i].dart, &args,
					      &start, &end);
			m->win_start = max(m->win_start, start);
			m->win_end = min(m->win_end, end);
			break;
		}
		of_node_put(args.np);
	}
	if (ret || m->win_end == U64_MAX)
		return ret;
	if (m->win_start > m->win_end) {
		dev_err(m->dev, "its DMA windows do not overlap\n");
		return -EINVAL;
	}
	for (i = 0; i < m->n_ports; i++) {
		u32 bits = adart_walk_ias(m->ports[i].dart);

		if (m->win_end > DMA_BIT_MASK(bits)) {
			dev_err(m->dev, "DMA window ends at %#llx, beyond the %u VA bits %s translates\n",
				m->win_end, bits,
				dev_name(m->ports[i].dart->dev));
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The DARTs must be up before @m's device uses DMA and stay up until it
 * is done: order probe, PM and unbind after them.  Without the links,
 * unbinding a DART would not unbind the device's driver first, so a
 * device that cannot be linked to all of its DARTs is refused.
 *
 * The links are managed ones, left to the driver core: it drops each when
 * its DART unbinds (AUTOREMOVE_SUPPLIER) or the device is deleted, and
 * adding an existing one again returns it without a second reference, so
 * a device probed again after a release stacks nothing.  But a managed
 * link cannot be deleted while the device is registered (device_link_del()
 * warns), so a refusal must come before the first one is made: each DART
 * is tried first with a stateless link, which can be deleted, and which
 * device_link_add() refuses exactly where it would refuse a managed one
 * for a dependency cycle (a DART that is the device's own child or
 * consumer).  The trials are deleted before the managed links are made: a
 * managed add on top of a stateless link would keep it without
 * AUTOREMOVE_SUPPLIER.  What can still fail then is memory; links made
 * before that stay until their DART unbinds, and a later probe reuses
 * them.
 */
static int adart_master_link(struct adart_master *m)
{
	struct device_link *trial[ADART_MAX_DARTS_PER_MASTER];
	unsigned int i, n;

	for (n = 0; n < m->n_ports; n++) {
		trial[n] = device_link_add(m->dev, m->ports[n].dart->dev,
					   DL_FLAG_STATELESS);
		if (!trial[n])
			break;
	}
	for (i = 0; i < n; i++)
		device_link_del(trial[i]);
	if (n < m->n_ports) {
		dev_err(m->dev, "cannot link to %s (a dependency cycle, or out of memory): unbind and PM would not wait for this device\n",
			dev_name(m->ports[n].dart->dev));
		return -EINVAL;
	}

	for (i = 0; i < m->n_ports; i++) {
		struct device *dart = m->ports[i].dart->dev;

		if (!device_link_add(m->dev, dart, DL_FLAG_PM_RUNTIME |
				     DL_FLAG_AUTOREMOVE_SUPPLIER)) {
			dev_err(m->dev, "cannot link to %s: out of memory\n",
				dev_name(dart));
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * A device refused for what its DT node or the boot loader's state says,
 * for want of memory, or for a DART that left in the meantime, is
 * deferred, as adart_of_xlate() defers its refusals: on any other error
 * (of_dma_configure_id() in 6.12 takes all but -EPROBE_DEFER to mean "no
 * IOMMU") the core binds the device's driver without one, and its DMA
 * goes to streams the DART blocks or, on a locked DART, through the boot
 * loader's tables to wherever they lead.  Deferred, its driver does not
 * bind, and the reason is logged at each attempt; the same holds for
 * adart_device_group()'s refusals.  (Inside another DART's registration
 * the core takes the refusal for that DART's failure: driver.rst, "Not
 * done yet".)
 */
static struct iommu_device *adart_refuse(struct adart_master *m)
{
	adart_master_free(m);
	return ERR_PTR(-EPROBE_DEFER);
}

static struct iommu_device *adart_probe_device(struct device *dev)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	struct adart_master *m;
	unsigned int i;
	int ret = 0;

	if (!fwspec || !fwspec->num_ids)
		return ERR_PTR(-ENODEV);
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-EPROBE_DEFER);
	m->dev = dev;

	mutex_lock(&adart_lock);
	for (i = 0; i < fwspec->num_ids && !ret; i++)
		ret = adart_master_add_id(m, fwspec->ids[i]);
	mutex_unlock(&adart_lock);
	if (!ret)
		ret = adart_locked_check_master(m);
	if (!ret)
		ret = adart_master_window(m);
	if (ret)
		return adart_refuse(m);
	ret = adart_resv_parse(m);
	if (ret) {
		/* Its streams may still walk the boot loader's tables. */
		adart_master_block_idle(m);
		return adart_refuse(m);
	}

	ret = adart_master_link(m);
	if (ret)
		return adart_refuse(m);

	adart_master_count_in(m);
	dev_iommu_priv_set(dev, m);
	return &m->ports[0].dart->iommu;
}

/*
 * Streams no device uses any more are blocked; a stream still shared
 * with another device of the group keeps its domain.
 */
static void adart_release_device(struct device *dev)
{
	struct adart_master *m = dev_iommu_priv_get(dev);

	adart_master_count_out(m);
	/* Fault reports that still name @dev (adart_report_fault()) end. */
	synchronize_rcu();
	adart_master_block_idle(m);
	adart_master_free(m);
}

/* ---- groups ------------------------------------------------------------- */

/**
 * struct adart_group_data - streams of the devices of one IOMMU group
 * @group:	the group
 * @ports:	the streams, per DART
 *
 * Devices sharing a stream cannot be isolated from each other, so they
 * share a group; this records which streams point at the group, to undo
 * it when the group goes.
 */
struct adart_group_data {
	struct iommu_group	*group;
	struct adart_port	ports[ADART_MAX_PORTS];
};

static void adart_group_release(void *data)
{
	struct adart_group_data *gd = data;
	unsigned int i, sid;

	mutex_lock(&adart_lock);
	for (i = 0; i < ADART_MAX_PORTS; i++) {
		struct adart *dart = gd->ports[i].dart;

		if (!dart)
			continue;
		for_each_set_bit(sid, gd->ports[i].sids, dart->nsids)
			if (dart->streams[sid].group == gd->group)
				dart->streams[sid].group = NULL;
		adart_put(dart);
	}
	mutex_unlock(&adart_lock);
	kfree(gd);
}

static int adart_group_record(struct adart_group_data *gd,
			      struct adart_master *m)
{
	unsigned int i, sid;
	int ret;

	ret = adart_ports_merge(gd->ports, m);
	if (ret)
		return ret;
	for (i = 0; i < m->n_ports; i++) {
		const struct adart_port *mp = &m->ports[i];

		for_each_set_bit(sid, mp->sids, mp->dart->nsids)
			mp->dart->streams[sid].group = gd->group;
	}
	return 0;
}

/*
 * Streams the device shares with others put it in their group.  Every
 * refusal here defers the device, for the reason adart_refuse() gives.
 */
static struct iommu_group *adart_device_group(struct device *dev)
{
	struct adart_master *m = dev_iommu_priv_get(dev);
	struct iommu_group *group = NULL;
	struct adart_group_data *gd;
	unsigned int i, sid;
	int ret;

	mutex_lock(&adart_lock);
	for (i = 0; i < m->n_ports; i++) {
		struct adart *dart = m->ports[i].dart;

		for_each_set_bit(sid, m->ports[i].sids, dart->nsids) {
			struct iommu_group *g = dart->streams[sid].group;

			if (g && group && g != group) {
				dev_err(dev, "streams in two IOMMU groups (%d, %d)\n",
					iommu_group_id(group), iommu_group_id(g));
				group = ERR_PTR(-EPROBE_DEFER);
				goto out;
			}
			if (g)
				group = g;
		}
	}

	if (group)
		group = iommu_group_ref_get(group);
	else if (dev_is_pci(dev))
		group = pci_device_group(dev);
	else
		group = generic_device_group(dev);
	if (IS_ERR(group)) {
		group = ERR_PTR(-EPROBE_DEFER);
		goto out;
	}

	gd = iommu_group_get_iommudata(group);
	if (!gd) {
		gd = kzalloc(sizeof(*gd), GFP_KERNEL);
		if (!gd) {
			ret = -EPROBE_DEFER;
			goto err_put;
		}
		gd->group = group;
		iommu_group_set_iommudata(group, gd, adart_group_release);
	}
	ret = adart_group_record(gd, m);
	if (ret) {
		dev_err(dev, "group spans more than %u DARTs\n", ADART_MAX_PORTS);
		ret = -EPROBE_DEFER;
		goto err_put;
	}
out:
	mutex_unlock(&adart_lock);
	return group;

err_put:
	mutex_unlock(&adart_lock);
	iommu_group_put(group);
	return ERR_PTR(ret);
}

static int adart_def_domain_type(struct device *dev)
{
	struct adart_master *m = dev_iommu_priv_get(dev);
	unsigned int i;

	if (adart_resv_translated(m) || adart_master_locked(m))
		return IOMMU_DOMAIN_DMA;
	for (i = 0; i < m->n_ports; i++)
		if (!m->ports[i].dart->bypass)
			return IOMMU_DOMAIN_DMA;
	/* Larger DART pages than the kernel's leave only bypass (probe). */
	if (m->ports[0].dart->pgsize > PAGE_SIZE)
		return IOMMU_DOMAIN_IDENTITY;
	return 0;
}

static void adart_get_resv_regions(struct device *dev, struct list_head *head)
{
	struct adart_master *m = dev_iommu_priv_get(dev);

	if (dev_is_pci(dev)) {
		struct iommu_resv_region *r;

		r = iommu_alloc_resv_region(ADART_MSI_DOORBELL & PAGE_MASK,
					    PAGE_SIZE,
					    IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO,
					    IOMMU_RESV_MSI, GFP_KERNEL);
		if (r)
			list_add_tail(&r->list, head);
	}
	/*
	 * 6.12's of_iommu_get_resv_regions() would turn translated regions
	 * into bare reservations with a warning: DT devices get the regions
	 * parsed at probe instead (apple-dart-resv.c).
	 */
	if (dev->of_node)
		adart_resv_report(m, head);
	else
		iommu_dma_get_resv_regions(dev, head);
}

/*
 * Deferred flushing batches whole-stream invalidations, the only kind the
 * DART has (hw §2.3, §3.3), so dma-iommu's flush queue pays off in full.
 */
static bool adart_capable(struct device *dev, enum iommu_cap cap)
{
	return cap == IOMMU_CAP_DEFERRED_FLUSH;
}

static const struct iommu_ops adart_iommu_ops = {
	.capable		= adart_capable,
	.identity_domain	= &adart_identity_domain,
	.blocked_domain		= &adart_blocked_domain,
	.domain_alloc_paging	= adart_domain_alloc_paging,
	.probe_device		= adart_probe_device,
	.release_device		= adart_release_device,
	.device_group		= adart_device_group,
	.of_xlate		= adart_of_xlate,
	.def_domain_type	= adart_def_domain_type,
	.get_resv_regions	= adart_get_resv_regions,
	/* Narrowed to the DART's granule when a domain is finalized. */
	.pgsize_bitmap		= SZ_4K | SZ_16K,
	.owner			= THIS_MODULE,
	.default_domain_ops	= &(const struct iommu_domain_ops) {
		.attach_dev		= adart_attach_paging,
		.map_pages		= adart_map_pages,
		.unmap_pages		= adart_unmap_pages,
		.iova_to_phys		= adart_iova_to_phys,
		.iotlb_sync		= adart_iotlb_sync,
		.iotlb_sync_map		= adart_iotlb_sync_map,
		.flush_iotlb_all	= adart_flush_iotlb_all,
		.free			= adart_domain_free,
	},
};

/* ---- faults ------------------------------------------------------------- */

/*
 * Find the one stream the fault can be from.  A T8020 names the stream in
 * four bits (hw §2.2), so on its 64-stream variant a fault could come
 * from any stream with the same low bits; only if exactly one of those
 * translates is the fault pinned on it and handed on.  Returns that
 * stream, or -1.
 */
static int adart_report_fault(struct adart *dart, const struct adart_fault *f)
{
	unsigned int step = (dart->lay->err_sid >> __ffs(dart->lay->err_sid)) + 1;
	int flags = f->write ? IOMMU_FAULT_WRITE : IOMMU_FAULT_READ;
	struct adart_domain *dom = NULL;
	struct device *dev = NULL;
	unsigned int sid, hits = 0;
	int found = -1;

	rcu_read_lock();
	for (sid = f->sid; sid < dart->nsids; sid += step) {
		struct adart_domain *d = rcu_dereference(dart->streams[sid].domain);

		if (!d)
			continue;
		hits++;
		found = sid;
		dom = d;
		dev = READ_ONCE(dart->streams[sid].master);
	}
	if (hits != 1) {
		found = f->sid < dart->nsids && step >= dart->nsids ? f->sid : -1;
		dom = NULL;
	}
	if (found >= 0)
		atomic_long_inc(&dart->streams[found].faults);
	if (dom && dev) {
		atomic_long_inc(&dart->cnt.faults_reported);
		atomic_long_inc(&dom->cnt.faults);
		report_iommu_fault(&dom->domain, dev, f->iova, flags);
	} else {
		atomic_long_inc(&dart->cnt.faults_unclaimed);
	}
	rcu_read_unlock();
	return found;
}

static irqreturn_t adart_irq(int irq, void *data)
{
	struct adart *dart = data;
	struct adart_fault f;
	char where[24];
	bool latched;
	int sid;

	spin_lock(&dart->lock);
	latched = adart_hw_read_fault(dart, &f);
	if (latched)
		adart_hw_clear_fault(dart, &f);
	spin_unlock(&dart->lock);
	if (!latched)
		return IRQ_NONE;

	atomic_long_inc(&dart->cnt.faults);
	sid = adart_report_fault(dart, &f);
	if (sid >= 0)
		snprintf(where, sizeof(where), "%d", sid);
	else
		snprintf(where, sizeof(where), "%u (ambiguous)", f.sid);
	dev_err_ratelimited(dart->dev,
			    "translation fault: stream %s, %s (ERROR %#010x%s), %s at IOVA %#llx\n",
			    where, f.name, f.status,
			    f.n_codes == 1 ? "" : ", not one code bit",
			    !f.dir_known ? "access" : f.write ? "write" : "read",
			    f.iova);
	return IRQ_HANDLED;
}

/* ---- platform driver ---------------------------------------------------- */

/* What the rest of the driver assumes of PARAMS (hw §1): refuse the rest. */
VISIBLE_IF_KUNIT int adart_check_params(const struct adart *dart)
{
	struct device *dev = dart->dev;

	if (!dart->nsids || dart->nsids > ADART_MAX_SIDS) {
		dev_err(dev, "%u streams, this driver handles 1 to %u\n",
			dart->nsids, ADART_MAX_SIDS);
		return -EINVAL;
	}
	/* hw §4: which page sizes a PTE format can address is its own. */
	if (!is_power_of_2(dart->pgsize) ||
	    !(dart_io_pgtable_fmt_pgsizes(dart->hw->fmt) & dart->pgsize)) {
		dev_err(dev, "page size %#x unusable with the %s PTE format\n",
			dart->pgsize, dart_io_pgtable_fmt_name(dart->hw->fmt));
		return -EINVAL;
	}
	if (dart->pgsize > PAGE_SIZE && !dart->bypass) {
		dev_err(dev, "%u KiB pages need a kernel with pages that large, and there is no bypass\n",
			dart->pgsize / SZ_1K);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(adart_check_params);

/*
 * Reset an unlocked DART.  Streams the boot loader left translating for a
 * master with boot mappings keep fetching through its tables until that
 * master attaches a domain holding the same mappings (apple-dart-resv.c).
 */
static int adart_probe_reset(struct adart *dart)
{
	DECLARE_BITMAP(live, ADART_MAX_SIDS);
	unsigned long flags;
	unsigned int sid;
	int ret;

	adart_resv_live_streams(dart, live);
	spin_lock_irqsave(&dart->lock, flags);
	ret = adart_hw_reset(dart, live);
	for_each_set_bit(sid, live, dart->nsids)
		adart_hw_read_stream(dart, sid);
	spin_unlock_irqrestore(&dart->lock, flags);
	adart_boot_keep(dart, live);
	for_each_set_bit(sid, live, dart->nsids)
		dev_info(dart->dev, "stream %u left as the boot loader programmed it (TCR %#x TTBR0 %#x) until its master attaches\n",
			 sid, dart->streams[sid].tcr, dart->streams[sid].ttbr[0]);
	if (ret)
		dev_err(dart->dev, "reset failed: %d\n", ret);
	return ret;
}

static int adart_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct clk_bulk_data *clks;
	struct resource *res;
	struct adart *dart;
	u32 cells;
	int ret;

	dart = kzalloc(sizeof(*dart), GFP_KERNEL);
	if (!dart)
		return -ENOMEM;
	kref_init(&dart->ref);
	spin_lock_init(&dart->lock);
	INIT_LIST_HEAD(&dart->node);
	INIT_LIST_HEAD(&dart->users);
	dart->dev = dev;
	dart->hw = of_device_get_match_data(dev);
	dart->lay = dart->hw->lay;
	dart->id = ida_alloc_max(&adart_ida, FIELD_MAX(ADART_FWID_DART),
				 GFP_KERNEL);
	if (dart->id < 0) {
		ret = dart->id;
		kfree(dart);
		return ret;
	}

	/*
	 * The binding has one cell, the stream (hw §0), or five, the stream
	 * and a DMA window (adart_of_window()); with any other count every
	 * master's specifier would be cut wrong and name the wrong stream.
	 */
	ret = of_property_read_u32(dev->of_node, "#iommu-cells", &cells);
	if (ret)
		dev_err(dev, "no #iommu-cells that reads as one u32 (%d), the DART binding has one cell (the stream) or five (the stream and a DMA window)\n",
			ret);
	else if (cells != 1 && cells != ADART_WINDOW_CELLS)
		dev_err(dev, "#iommu-cells is %u, the DART binding has one cell (the stream) or five (the stream and a DMA window)\n",
			cells);
	if (ret || (cells != 1 && cells != ADART_WINDOW_CELLS)) {
		ret = -EINVAL;
		goto err_put;
	}

	dart->regs = devm_platform_get_and_ioremap_resource(pdev, 0, &res);
	if (IS_ERR(dart->regs)) {
		ret = dev_err_probe(dev, PTR_ERR(dart->regs),
				    "cannot map reg: missing, malformed, or a window another device holds\n");
		goto err_put;
	}
	if (resource_size(res) < ADART_MIN_MMIO) {
		dev_err(dev, "MMIO window %pR is smaller than %#x bytes\n", res,
			ADART_MIN_MMIO);
		ret = -EINVAL;
		goto err_put;
	}
	/* hw §5: faults are only seen through the DART's interrupt. */
	dart->irq = platform_get_irq_optional(pdev, 0);
	if (dart->irq < 0) {
		ret = dev_err_probe(dev, dart->irq, "no fault interrupt\n");
		goto err_put;
	}
	/* A per-CPU interrupt (PPI) is no device's line: the core would warn. */
	if (irq_is_percpu_devid(dart->irq)) {
		dev_err(dev, "IRQ %d is a per-CPU interrupt (PPI), not a line of its own\n",
			dart->irq);
		ret = -EINVAL;
		goto err_put;
	}
	ret = devm_clk_bulk_get_all_enable(dev, &clks);
	if (ret) {
		dev_err_probe(dev, ret, "cannot enable clocks\n");
		goto err_put;
	}

	ret = adart_hw_read_params(dart);
	if (!ret)
		ret = adart_check_params(dart);
	if (ret)
		goto err_put;

	dart->streams = kcalloc(dart->nsids, sizeof(*dart->streams), GFP_KERNEL);
	if (!dart->streams) {
		ret = -ENOMEM;
		goto err_put;
	}

	/* hw §6: TCR/TTBR are frozen; the streams keep the boot tables. */
	if (adart_hw_locked(dart))
		ret = adart_locked_probe(dart);
	else
		ret = adart_probe_reset(dart);
	if (ret)
		goto err_put;

	ret = request_irq(dart->irq, adart_irq, IRQF_SHARED, dev_name(dev), dart);
	if (ret) {
		dev_err_probe(dev, ret, "cannot request IRQ %d\n", dart->irq);
		goto err_put;
	}

	platform_set_drvdata(pdev, dart);
	mutex_lock(&adart_lock);
	list_add_tail(&dart->node, &adart_list);
	mutex_unlock(&adart_lock);
	adart_debugfs_add_dart(dart);

	ret = iommu_device_sysfs_add(&dart->iommu, dev, NULL, "apple-dart.%s",
				     dev_name(dev));
	if (ret)
		goto err_unlist;
	ret = iommu_device_register(&dart->iommu, &adart_iommu_ops, dev);
	if (ret)
		goto err_sysfs;

	dev_info(dev, "%s DART: %u streams, %u KiB pages, %u VA bits (%u levels), %u PA bits, bypass %s\n",
		 dart->hw->name, dart->nsids, dart->pgsize / SZ_1K, dart->ias,
		 dart->max_levels, dart->oas, dart->bypass ? "yes" : "no");
	return 0;

err_sysfs:
	iommu_device_sysfs_remove(&dart->iommu);
err_unlist:
	adart_debugfs_remove(&dart->debugfs);
	mutex_lock(&adart_lock);
	list_del(&dart->node);
	mutex_unlock(&adart_lock);
	free_irq(dart->irq, dart);
err_put:
	adart_put(dart);
	return ret;
}

/*
 * Release every device still probed on @dart.  The core releases only
 * those whose IOMMU it is (iommu_device_unregister()); one behind another
 * DART too would keep its port here, pointing at this struct adart, and
 * when its driver binds again (nothing probes it again while it sits in
 * its group) its streams on the DART bound in this one's place would
 * never be programmed: DMA through that port would fault, and nothing
 * would link the device to the new DART.  Released, its next probe
 * translates its "iommus" again and finds the DART bound then, or waits
 * for it (of_xlate).  Their drivers were unbound first (device links).
 * Removals are serialized: two DARTs of one device must not release it
 * at once.
 */
static DEFINE_MUTEX(adart_remove_lock);

static void adart_release_users(struct adart *dart)
{
	struct device *dev, *prev = NULL;
	struct adart_user *u;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&dart->lock, flags);
		u = list_first_entry_or_null(&dart->users, struct adart_user,
					     node);
		dev = u ? get_device(u->m->dev) : NULL;
		spin_unlock_irqrestore(&dart->lock, flags);
		if (!dev)
			break;
		if (dev == prev) {
			/* Probed, but not (yet) in a group: nothing to release. */
			dev_err(dart->dev, "%s is still probed on this DART\n",
				dev_name(dev));
			put_device(dev);
			break;
		}
		iommu_group_remove_device(dev);
		put_device(prev);
		prev = dev;
	}
	put_device(prev);
}

/*
 * Unbinding a DART first unbinds the drivers of the devices behind it
 * (device links), then releases all of those devices
 * (adart_release_users()).  What still refers to it, a domain that had
 * its streams, keeps its memory (refcount) but no longer touches its
 * registers.
 */
static void adart_remove(struct platform_device *pdev)
{
	struct adart *dart = platform_get_drvdata(pdev);
	DECLARE_BITMAP(kept, ADART_MAX_SIDS);
	unsigned long flags;
	unsigned int sid;

	/* No device probed from now on finds it. */
	mutex_lock(&adart_lock);
	list_del(&dart->node);
	mutex_unlock(&adart_lock);

	mutex_lock(&adart_remove_lock);
	iommu_device_unregister(&dart->iommu);
	adart_release_users(dart);
	mutex_unlock(&adart_remove_lock);
	iommu_device_sysfs_remove(&dart->iommu);
	adart_debugfs_remove(&dart->debugfs);

	spin_lock_irqsave(&dart->lock, flags);
	/*
	 * A locked DART keeps the boot loader's entries, put back already.
	 * So do an unlocked DART's streams handed back to its tables (or
	 * never taken): the reset leaves them as they are.
	 */
	bitmap_zero(kept, ADART_MAX_SIDS);
	for (sid = 0; sid < dart->nsids; sid++)
		if (dart->streams[sid].boot_kept &&
		    !rcu_access_pointer(dart->streams[sid].domain))
			__set_bit(sid, kept);
	if (!dart->locked)
		adart_hw_reset(dart, kept);
	dart->gone = true;
	spin_unlock_irqrestore(&dart->lock, flags);
	free_irq(dart->irq, dart);
	adart_put(dart);
}

/*
 * The streams left passing DMA through (bypass, hw §2.1, §3.1): a device
 * on one needs no tables, and may not be behind a device link that
 * stops it first (a master the driver never probed), so a reset must
 * not block it.
 */
static void adart_bypass_streams(struct adart *dart, unsigned long *sids)
{
	unsigned int sid;

	lockdep_assert_held(&dart->lock);
	bitmap_zero(sids, ADART_MAX_SIDS);
	for (sid = 0; sid < dart->nsids; sid++)
		if (dart->streams[sid].tcr == dart->lay->tcr_bypass)
			set_bit(sid, sids);
}

/* Every stream back as dart->streams has it, then the TLB emptied. */
static int adart_restore_streams(struct adart *dart)
{
	DECLARE_BITMAP(all, ADART_MAX_SIDS);
	unsigned int sid;

	lockdep_assert_held(&dart->lock);
	for (sid = 0; sid < dart->nsids; sid++)
		adart_hw_write_stream(dart, sid);
	bitmap_fill(all, dart->nsids);
	return adart_hw_invalidate(dart, all);
}

/*
 * Suspend leaves the DART as losing power would (hw §5): reset, the
 * stream state only in dart->streams.  Resume then restores from there,
 * on every suspend, not only where the power domain really goes down.
 * Device links suspend the devices behind it first and resume them last.
 * Bypass streams keep passing DMA until power really goes.  A reset that
 * fails (its invalidation timed out) fails the suspend, with the streams
 * put back: the PM core then resumes the devices already suspended.
 */
static int adart_suspend(struct device *dev)
{
	struct adart *dart = dev_get_drvdata(dev);
	DECLARE_BITMAP(keep, ADART_MAX_SIDS);
	unsigned long flags;
	int ret;

	/* Nothing of a locked DART's state is in its writable registers. */
	if (dart->locked)
		return 0;
	spin_lock_irqsave(&dart->lock, flags);
	adart_bypass_streams(dart, keep);
	ret = adart_hw_reset(dart, keep);
	if (ret)
		adart_restore_streams(dart);
	spin_unlock_irqrestore(&dart->lock, flags);
	if (ret)
		dev_err(dev, "reset on suspend failed: %d\n", ret);
	return ret;
}

static int adart_resume(struct device *dev)
{
	struct adart *dart = dev_get_drvdata(dev);
	DECLARE_BITMAP(sids, ADART_MAX_SIDS);
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&dart->lock, flags);
	/*
	 * Still locked: TCR/TTBR survived and cannot be written.  A locked
	 * DART that lost power comes back unlocked and is reprogrammed like
	 * any other; its streams' TCR/TTBR are still the boot loader's.
	 */
	if (dart->locked && adart_hw_locked(dart)) {
		bitmap_fill(sids, dart->nsids);
		ret = adart_hw_invalidate(dart, sids);
	} else {
		/* Bypass streams that kept power kept passing DMA. */
		adart_bypass_streams(dart, sids);
		ret = adart_hw_reset(dart, sids);
		if (!ret)
			ret = adart_restore_streams(dart);
	}
	spin_unlock_irqrestore(&dart->lock, flags);
	if (ret)
		dev_err(dev, "cannot restore streams on resume: %d\n", ret);
	return ret;
}

static DEFINE_SIMPLE_DEV_PM_OPS(adart_pm_ops, adart_suspend, adart_resume);

static const struct of_device_id adart_of_match[] = {
	{ .compatible = "apple,t8103-dart",	 .data = &adart_t8103 },
	{ .compatible = "apple,t8103-usb4-dart", .data = &adart_t8103_usb4 },
	{ .compatible = "apple,t6000-dart",	 .data = &adart_t6000 },
	/* T602x reports its wider VA in PARAMS3 (hw §0). */
	{ .compatible = "apple,t6020-dart",	 .data = &adart_t8110 },
	{ .compatible = "apple,t8110-dart",	 .data = &adart_t8110 },
	/* M3: listed before its T8110 fallback in the DT (hw §0). */
	{ .compatible = "apple,t8122-dart",	 .data = &adart_t8122 },
	{ }
};
MODULE_DEVICE_TABLE(of, adart_of_match);

static struct platform_driver adart_driver = {
	.driver = {
		.name		= "apple-dart",
		.of_match_table	= adart_of_match,
		.pm		= pm_sleep_ptr(&adart_pm_ops),
	},
	.probe	= adart_probe,
	.remove	= adart_remove,
};

static const struct adart_debugfs_ops adart_debugfs_ops = {
	.domain_visit_ports	= adart_domain_visit_ports,
};

static int __init adart_init(void)
{
	int ret;

	adart_debugfs_init(&adart_debugfs_ops);
	ret = platform_driver_register(&adart_driver);
	if (ret)
		adart_debugfs_exit();
	return ret;
}
module_init(adart_init);

static void __exit adart_exit(void)
{
	platform_driver_unregister(&adart_driver);
	adart_debugfs_exit();
}
module_exit(adart_exit);

MODULE_DESCRIPTION("Apple DART IOMMU driver");
MODULE_LICENSE("GPL");
