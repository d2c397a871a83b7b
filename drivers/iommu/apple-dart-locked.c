// SPDX-License-Identifier: GPL-2.0-only
/*
 * Apple DART IOMMU driver: DARTs the boot loader locked.
 *
 * iBoot and m1n1 leave the display DARTs translating for the display
 * coprocessor and the scanout, then lock them: TCR and TTBR ignore writes
 * until the SoC resets, but the L1 tables the TTBRs point at are plain
 * memory that software may rewrite (hw §6).  So a locked stream always
 * walks the boot loader's L1 pages; a domain of ours reaches it by being
 * mirrored into them.
 *
 * The domain keeps its own top table, as on any DART, and that table is
 * a shadow: on each flush the entries the backend reports as changed are
 * copied into the L1 of every locked stream translating through the
 * domain, before the TLB invalidation (io-pgtable-dart.c,
 * dart_io_pgtable_sync_top()).  The other way, using the firmware's page
 * itself as the domain's top table, would tie the table to one stream:
 * a domain on two locked streams, or one that outlives the attachment
 * (an unmanaged domain switched away and back), would need a copy anyway,
 * and the firmware's entries would have to be cleared first, leaving the
 * boot mappings unreachable until refilled.  Documentation/dart/driver.rst
 * ("Locked DARTs") gives the ordering argument.
 *
 * Section numbers ("hw §N") refer to Documentation/dart/hardware.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/log2.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "apple-dart.h"

static unsigned int adart_l1_entries(const struct adart *dart)
{
	return dart->pgsize / sizeof(u64);
}

/*
 * One 64-bit store: the walker sees either the old table under the entry
 * or the new one, and both map every boot region in its range to the
 * same PA (the new domain got them before the switch, adart_resv_install()).
 * An entry that already holds the value is not written, so rewriting a
 * whole L1 costs only the entries that differ.
 */
static bool adart_l1_write(u64 *l1, unsigned int idx, u64 entry)
{
	if (READ_ONCE(l1[idx]) == entry)
		return false;
	WRITE_ONCE(l1[idx], entry);
	return true;
}

/* ---- probe -------------------------------------------------------------- */

static bool adart_tcr_translates(const struct adart *dart, u32 tcr)
{
	return (tcr & dart->lay->tcr_translate) && !(tcr & dart->lay->tcr_bypass);
}

static void adart_fw_stream_free(struct adart_fw_stream *fw)
{
	unsigned int i;

	for (i = 0; i < fw->n_ttbrs; i++) {
		if (fw->l1[i])
			memunmap(fw->l1[i]);
		kfree(fw->boot[i]);
	}
	kfree(fw);
}

/*
 * Learn where stream @sid's tables are from its TTBRs and TCR, and map its
 * L1s.  The driver will write those pages, so each must be one aligned
 * granule (hw §4.3) inside memory the DT keeps from Linux ("no-map"
 * reserved memory, where the boot loader puts its tables): anything else
 * could be memory the kernel owns.
 */
static int adart_fw_stream_init(struct adart *dart, unsigned int sid)
{
	struct adart_stream *s = &dart->streams[sid];
	const struct adart_layout *lay = dart->lay;
	u32 shift = ilog2(dart->pgsize);
	struct adart_fw_stream *fw;
	unsigned long valid = 0;
	phys_addr_t pa[ADART_MAX_TTBRS];
	unsigned int i, n;
	int ret = -EINVAL;

	for (i = 0; i < lay->n_ttbrs; i++)
		if (dart_io_pgtable_decode_ttbr(lay->ttbr_layout, s->ttbr[i],
						&pa[i]))
			__set_bit(i, &valid);
	n = find_first_zero_bit(&valid, lay->n_ttbrs);
	if (!n) {
		dev_err(dart->dev, "locked stream %u translates, but TTBR0 (%#x) is not valid\n",
			sid, s->ttbr[0]);
		return -EINVAL;
	}
	/* The IOVA's top bits pick the TTBR (hw §4.2): a run from TTBR0. */
	if (!is_power_of_2(n) || hweight_long(valid) != n) {
		dev_err(dart->dev, "locked stream %u: TTBRs %*pbl valid; only a power-of-two run from TTBR0 can be taken over\n",
			sid, lay->n_ttbrs, &valid);
		return -EINVAL;
	}

	fw = kzalloc(sizeof(*fw), GFP_KERNEL);
	if (!fw)
		return -ENOMEM;
	fw->n_ttbrs = n;
	/* hw §3.1: FOUR_LEVEL adds a table below the TTBR; T8020 has none. */
	fw->n_levels = (s->tcr & lay->tcr_four_level) ? 3 : 2;
	fw->ias = min(shift + fw->n_levels * (shift - 3) + ilog2(n),
		      adart_walk_ias(dart));
	if (fw->n_levels > dart->max_levels) {
		dev_err(dart->dev, "locked stream %u walks %u levels, more than the DART reports\n",
			sid, fw->n_levels);
		goto err;
	}

	for (i = 0; i < n; i++) {
		fw->pa[i] = pa[i];
		if (!IS_ALIGNED(pa[i], dart->pgsize)) {
			dev_err(dart->dev, "locked stream %u: L1 of TTBR%u at %pa is not aligned to the %u KiB granule\n",
				sid, i, &pa[i], dart->pgsize / SZ_1K);
			goto err;
		}
		if (!adart_resv_nomap_contains(pa[i], dart->pgsize)) {
			dev_err(dart->dev, "locked stream %u: L1 of TTBR%u at %pa is outside no-map reserved memory; refusing to write it\n",
				sid, i, &pa[i]);
			goto err;
		}
		/* Coherent walks (hw §4): plain cacheable memory. */
		fw->l1[i] = memremap(pa[i], dart->pgsize, MEMREMAP_WB);
		if (!fw->l1[i]) {
			dev_err(dart->dev, "cannot map the L1 of locked stream %u at %pa\n",
				sid, &pa[i]);
			ret = -ENOMEM;
			goto err;
		}
		fw->boot[i] = kmemdup(fw->l1[i], dart->pgsize, GFP_KERNEL);
		if (!fw->boot[i]) {
			ret = -ENOMEM;
			goto err;
		}
	}
	s->fw = fw;
	return 0;

err:
	adart_fw_stream_free(fw);
	return ret;
}

/*
 * Two streams walking one L1 would see each other's domains: a rewrite
 * for one would retarget the other.  The boot loader gives each live
 * stream its own (hw §6, pt-region per device); refuse anything else.
 */
static int adart_fw_check_shared(struct adart *dart)
{
	unsigned int a, b, i, j;

	for (a = 0; a < dart->nsids; a++) {
		const struct adart_fw_stream *fa = dart->streams[a].fw;

		for (b = a + 1; fa && b < dart->nsids; b++) {
			const struct adart_fw_stream *fb = dart->streams[b].fw;

			for (i = 0; fb && i < fa->n_ttbrs; i++)
				for (j = 0; j < fb->n_ttbrs; j++)
					if (fa->pa[i] == fb->pa[j]) {
						dev_err(dart->dev, "locked streams %u and %u share the L1 at %pa; cannot give them separate domains\n",
							a, b, &fa->pa[i]);
						return -EINVAL;
					}
		}
	}
	return 0;
}

/**
 * adart_locked_probe() - take stock of a DART the boot loader locked
 * @dart:	the DART, with its streams allocated
 *
 * Reads every stream's TCR and TTBRs (nothing is written: the DART would
 * ignore it, hw §6) and maps the L1 of each translating stream.  Streams
 * that do not translate stay as they are, unusable; without any, the
 * DART is refused.
 *
 * Return: 0, or a negative errno after logging why the DART is refused.
 */
int adart_locked_probe(struct adart *dart)
{
	unsigned long flags;
	unsigned int sid, live = 0;
	int ret;

	spin_lock_irqsave(&dart->lock, flags);
	for (sid = 0; sid < dart->nsids; sid++)
		adart_hw_read_stream(dart, sid);
	spin_unlock_irqrestore(&dart->lock, flags);

	for (sid = 0; sid < dart->nsids; sid++) {
		if (!adart_tcr_translates(dart, dart->streams[sid].tcr))
			continue;
		ret = adart_fw_stream_init(dart, sid);
		if (ret)
			return ret;
		live++;
	}
	/* No stream can ever be programmed: nothing for a domain to use. */
	if (!live) {
		dev_err(dart->dev, "locked by the boot loader, but no stream translates: nothing to take over\n");
		return -EBUSY;
	}
	ret = adart_fw_check_shared(dart);
	if (ret)
		return ret;

	dart->locked = true;
	for (sid = 0; sid < dart->nsids; sid++) {
		const struct adart_fw_stream *fw = dart->streams[sid].fw;

		if (fw)
			dev_info(dart->dev, "locked stream %u: the boot loader's L1 at %pa, %u TTBRs, %u levels, %u VA bits\n",
				 sid, &fw->pa[0], fw->n_ttbrs, fw->n_levels,
				 fw->ias);
	}
	dev_info(dart->dev, "locked by the boot loader: %u live streams, their L1 tables rewritten entry by entry\n",
		 live);
	return 0;
}

/**
 * adart_locked_release() - unmap a locked DART's L1 tables
 * @dart:	the DART, no longer used by any domain
 */
void adart_locked_release(struct adart *dart)
{
	unsigned int sid;

	if (!dart->streams)
		return;
	for (sid = 0; sid < dart->nsids; sid++) {
		if (dart->streams[sid].fw)
			adart_fw_stream_free(dart->streams[sid].fw);
		dart->streams[sid].fw = NULL;
	}
}

/* ---- masters and domains ------------------------------------------------ */

/**
 * adart_master_locked() - is any DART of @m locked?
 * @m:	the master
 *
 * Return: true when some stream of @m can only translate (no identity or
 * blocked domain for it).
 */
bool adart_master_locked(const struct adart_master *m)
{
	unsigned int i;

	for (i = 0; i < m->n_ports; i++)
		if (m->ports[i].dart->locked)
			return true;
	return false;
}

/**
 * adart_locked_check_master() - can every stream of @m on a locked DART work?
 * @m:	the master being probed
 *
 * Return: 0, or -EINVAL when a stream on a locked DART does not translate:
 * it can never be programmed.
 */
int adart_locked_check_master(const struct adart_master *m)
{
	unsigned int i, sid;

	for (i = 0; i < m->n_ports; i++) {
		const struct adart_port *p = &m->ports[i];

		if (!p->dart->locked)
			continue;
		for_each_set_bit(sid, p->sids, p->dart->nsids) {
			if (p->dart->streams[sid].fw)
				continue;
			dev_err(m->dev, "stream %u of %s does not translate, and the boot loader locked its registers\n",
				sid, dev_name(p->dart->dev));
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * adart_locked_geometry() - VA width the boot loader's tables impose on @m
 * @m:		the master
 * @ias:	set to the width, 0 when @m has no locked stream
 *
 * A locked stream's TTBR count and walk depth cannot change (hw §6), so
 * its domain's tables must have the firmware's shape: the VA width that
 * gives the backend exactly that many TTBRs and levels.
 *
 * Return: 0, or -EINVAL when @m's locked streams disagree.
 */
int adart_locked_geometry(const struct adart_master *m, u32 *ias)
{
	const struct adart_fw_stream *first = NULL;
	unsigned int i, sid;

	*ias = 0;
	for (i = 0; i < m->n_ports; i++) {
		const struct adart_port *p = &m->ports[i];

		for_each_set_bit(sid, p->sids, p->dart->nsids) {
			const struct adart_fw_stream *fw = p->dart->streams[sid].fw;

			if (!fw)
				continue;
			if (!first) {
				first = fw;
				continue;
			}
			if (fw->ias != first->ias || fw->n_levels != first->n_levels ||
			    fw->n_ttbrs != first->n_ttbrs) {
				dev_err(m->dev, "the boot loader's tables of %s stream %u differ in shape from its other locked streams\n",
					dev_name(p->dart->dev), sid);
				return -EINVAL;
			}
		}
	}
	if (first)
		*ias = first->ias;
	return 0;
}

/**
 * adart_locked_domain_check() - can @m's locked streams use @dom's tables?
 * @dom:	the domain, its tables built
 * @m:		the master
 *
 * Return: 0, or -EINVAL when a locked stream's TTBRs or walk depth differ
 * from the domain's.
 */
int adart_locked_domain_check(const struct adart_domain *dom,
			      const struct adart_master *m)
{
	unsigned int i, sid;

	for (i = 0; i < m->n_ports; i++) {
		const struct adart_port *p = &m->ports[i];

		for_each_set_bit(sid, p->sids, p->dart->nsids) {
			const struct adart_fw_stream *fw = p->dart->streams[sid].fw;

			if (!fw || (fw->n_ttbrs == dom->dcfg.n_ttbrs &&
				    fw->n_levels == dom->dcfg.n_levels))
				continue;
			dev_err(m->dev, "locked %s stream %u walks %u TTBRs of %u levels, the domain has %u of %u\n",
				dev_name(p->dart->dev), sid, fw->n_ttbrs,
				fw->n_levels, dom->dcfg.n_ttbrs,
				dom->dcfg.n_levels);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * adart_locked_count() - recount the locked streams in @dom's flush set
 * @dom:	the domain, its lock held
 */
void adart_locked_count(struct adart_domain *dom)
{
	unsigned int i, n = 0;

	lockdep_assert_held(&dom->lock);
	for (i = 0; i < ADART_MAX_PORTS; i++)
		if (dom->ports[i].dart && dom->ports[i].dart->locked)
			n += bitmap_weight(dom->ports[i].sids, ADART_MAX_SIDS);
	WRITE_ONCE(dom->locked_sids, n);
}

/**
 * adart_locked_stream_set() - point a locked stream's L1s at @dom's tables
 * @dart:	the DART, its lock held
 * @sid:	a stream with boot loader tables
 * @dom:	the domain the stream now translates through, or NULL to put
 *		the boot loader's entries back
 *
 * Rewrites the entries that differ, one store each.  Every boot region is
 * mapped in @dom before this (and in the boot loader's tables), so no
 * boot mapping is missing at any moment; the caller then invalidates the
 * stream's TLB, before which the stream may still use the old tables,
 * which stay allocated until then.
 */
void adart_locked_stream_set(struct adart *dart, unsigned int sid,
			     struct adart_domain *dom)
{
	struct adart_fw_stream *fw = dart->streams[sid].fw;
	struct io_pgtable_ops *ops = dom ? adart_domain_pgtable(dom) : NULL;
	unsigned int t, idx, n = 0;

	lockdep_assert_held(&dart->lock);
	/* The tables below an entry are complete before it points at them. */
	dma_wmb();
	for (t = 0; t < fw->n_ttbrs; t++)
		for (idx = 0; idx < adart_l1_entries(dart); idx++)
			n += adart_l1_write(fw->l1[t], idx,
					    ops ? dart_io_pgtable_top_entry(ops, t, idx) :
						  fw->boot[t][idx]);
	atomic_long_inc(&dart->cnt.l1_switches);
	atomic_long_add(n, &dart->cnt.l1_switch_entries);
}

/**
 * struct adart_l1_sync - one flush's mirroring of changed entries
 * @dom:	the domain flushed
 * @ttbr:	the TTBR whose entries are being reported
 * @written:	entries written, per port of @dom
 */
struct adart_l1_sync {
	struct adart_domain	*dom;
	unsigned int		ttbr;
	unsigned long		written[ADART_MAX_PORTS];
};

static void adart_l1_sync_entry(void *priv, unsigned int idx, u64 entry)
{
	struct adart_l1_sync *ls = priv;
	unsigned int i, sid;

	for (i = 0; i < ADART_MAX_PORTS; i++) {
		const struct adart_port *p = &ls->dom->ports[i];
		struct adart *dart = p->dart;

		if (!dart || !dart->locked)
			continue;
		/*
		 * Under the DART's lock a stream's domain cannot change: a
		 * stream that left @dom (or has not joined it yet) has its
		 * L1 rewritten whole by adart_locked_stream_set() instead.
		 */
		spin_lock(&dart->lock);
		for_each_set_bit(sid, p->sids, dart->nsids) {
			struct adart_stream *s = &dart->streams[sid];

			if (s->fw && rcu_access_pointer(s->domain) == ls->dom &&
			    adart_l1_write(s->fw->l1[ls->ttbr], idx, entry))
				ls->written[i]++;
		}
		spin_unlock(&dart->lock);
	}
}

/**
 * adart_locked_sync() - mirror @dom's changed top-level entries into L1s
 * @dom:	the domain being flushed, its lock held
 *
 * Called by every flush of a domain with locked streams, before the TLB
 * invalidation: a table the backend unhooked is out of every L1 before
 * the invalidation that precedes its freeing, and a table it installed
 * is reachable before the map returns (iotlb_sync_map flushes then).
 * Holding @dom's lock serialises the syncs of one domain, so a flush
 * never returns while another is still writing an entry it reported.
 */
void adart_locked_sync(struct adart_domain *dom)
{
	struct io_pgtable_ops *ops = adart_domain_pgtable(dom);
	struct adart_l1_sync ls = { .dom = dom };
	unsigned int i;

	lockdep_assert_held(&dom->lock);
	if (!ops)
		return;
	dma_wmb();
	for (ls.ttbr = 0; ls.ttbr < dom->dcfg.n_ttbrs; ls.ttbr++)
		dart_io_pgtable_sync_top(ops, ls.ttbr, adart_l1_sync_entry, &ls);
	for (i = 0; i < ADART_MAX_PORTS; i++) {
		struct adart *dart = dom->ports[i].dart;

		if (!ls.written[i])
			continue;
		atomic_long_inc(&dart->cnt.l1_syncs);
		atomic_long_add(ls.written[i], &dart->cnt.l1_entries_written);
	}
}

/**
 * adart_locked_sync_map() - make a map's new tables reachable from the L1s
 * @dom:	the domain mapped into, with locked streams
 *
 * Called by iotlb_sync_map, whose invalidation is skipped when another
 * thread took the report of the table installed (adart_iotlb_sync_map()).
 */
void adart_locked_sync_map(struct adart_domain *dom)
{
	unsigned long flags;

	spin_lock_irqsave(&dom->lock, flags);
	if (dom->locked_sids)
		adart_locked_sync(dom);
	spin_unlock_irqrestore(&dom->lock, flags);
}

/* ---- unlocked DARTs the boot loader left translating --------------------- */

/*
 * Are all of stream @sid's L1 tables, as its TTBRs name them, inside no-map
 * reserved memory?  Only then are they still the boot loader's when the
 * stream is handed back: Linux never allocates that memory (hw §6).
 */
static bool adart_boot_tables_reserved(const struct adart *dart,
				       const struct adart_stream *s)
{
	const struct adart_layout *lay = dart->lay;
	unsigned int i, valid = 0;
	phys_addr_t pa;

	for (i = 0; i < lay->n_ttbrs; i++) {
		if (!dart_io_pgtable_decode_ttbr(lay->ttbr_layout, s->ttbr[i],
						 &pa))
			continue;
		if (!adart_resv_nomap_contains(pa, dart->pgsize))
			return false;
		valid++;
	}
	return valid;
}

/**
 * adart_boot_keep() - remember how the boot loader left live streams
 * @dart:	an unlocked DART just reset, with the streams in @live left
 *		as they were and read back into dart->streams
 * @live:	streams a master with boot mappings uses (adart_resv.c)
 *
 * A stream that translates through tables in no-map reserved memory is
 * given back to them when no device uses it any more, so that unbinding
 * or unloading the driver leaves a display scanning the boot framebuffer
 * instead of faulting on every frame.  Tables anywhere else may be memory
 * Linux reuses, so such a stream is blocked instead, as any other.
 */
void adart_boot_keep(struct adart *dart, const unsigned long *live)
{
	unsigned int sid;

	for_each_set_bit(sid, live, dart->nsids) {
		struct adart_stream *s = &dart->streams[sid];

		if (!adart_tcr_translates(dart, s->tcr))
			continue;
		if (!adart_boot_tables_reserved(dart, s)) {
			dev_info(dart->dev, "stream %u: the boot loader's tables are not in no-map reserved memory; blocked, not handed back, when released\n",
				 sid);
			continue;
		}
		s->boot_kept = true;
		s->boot_tcr = s->tcr;
		memcpy(s->boot_ttbr, s->ttbr, sizeof(s->boot_ttbr));
	}
}

/**
 * adart_boot_handback() - point a released stream at the boot loader's tables
 * @dart:	an unlocked DART, its lock held
 * @sid:	a stream with &adart_stream.boot_kept set
 *
 * Both the domain the stream leaves and the boot loader's tables map every
 * boot region to the same PA (adart_resv_install()), so whichever TTBR
 * the walker sees at any moment, the firmware's mappings are there; the
 * caller invalidates the stream's TLB afterwards.
 */
void adart_boot_handback(struct adart *dart, unsigned int sid)
{
	struct adart_stream *s = &dart->streams[sid];

	lockdep_assert_held(&dart->lock);
	s->tcr = s->boot_tcr;
	memcpy(s->ttbr, s->boot_ttbr, sizeof(s->ttbr));
	adart_hw_write_stream(dart, sid);
}
