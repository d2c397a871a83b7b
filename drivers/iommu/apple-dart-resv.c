// SPDX-License-Identifier: GPL-2.0-only
/*
 * Apple DART IOMMU driver: reserved memory the boot loader left mapped.
 *
 * m1n1 describes what the display coprocessor's firmware and the display
 * pipe still reach through the DARTs as /reserved-memory nodes with
 * "iommu-addresses = <&master IOVA SIZE>" per master, and lists them in
 * the master's "memory-region" (prior-art.md on m1n1 and DCP).  An
 * IOVA equal to the region's PA is a direct mapping, another IOVA a
 * translated one (the firmware heap sits at IOVA 0), a node without
 * "reg" only a hole in the IOVA space.  6.12's of_iommu turns the
 * translated case into a bare reservation, so the driver parses the
 * regions itself.
 *
 * Section numbers ("hw §N") refer to Documentation/dart/hardware.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/log2.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "apple-dart.h"

/* The kinds, as the log and the scenario's checks name them. */
static const char *const adart_resv_kind_name[] = {
	[ADART_RESV_DIRECT]	= "direct",
	[ADART_RESV_TRANSLATED]	= "translated",
	[ADART_RESV_RESERVED]	= "reserved",
};

/**
 * adart_walk_ias() - VA bits the DART's walker can translate
 * @dart:	the DART
 *
 * hw §4.2: one table level resolves log2(page size) - 3 bits and the
 * TTBR index the bits above its tables, so a T8020 with 16K pages walks
 * 38 bits through its four TTBRs even though Linux builds 32-bit domains
 * there by default.  The T8110 reports its width in PARAMS3 (hw §3).
 *
 * Return: the width; firmware IOVAs above it cannot be translated.
 */
u32 adart_walk_ias(const struct adart *dart)
{
	u32 shift = ilog2(dart->pgsize);
	u32 bits = shift + dart->max_levels * (shift - 3) +
		   ilog2(dart->lay->n_ttbrs);

	return dart->hw->fixed_ias ? bits : min(bits, dart->ias);
}

/* Is @np a master behind one of @m's DARTs?  Same DART: one IOVA space. */
static bool adart_resv_same_dart(const struct adart_master *m,
				 struct device_node *np)
{
	struct of_phandle_args args;
	unsigned int i;
	bool same = false;
	int idx;

	for (idx = 0; !same && !of_parse_phandle_with_args(np, "iommus",
							   "#iommu-cells", idx,
							   &args); idx++) {
		for (i = 0; i < m->n_ports; i++)
			if (args.np == m->ports[i].dart->dev->of_node)
				same = true;
		of_node_put(args.np);
	}
	return same;
}

/*
 * One "iommu-addresses" entry of region @rn that names @m's device: check
 * it against the DARTs (alignment to their page, hw §4; the width they
 * walk, hw §4.2) and record it.
 */
static int adart_resv_add(struct adart_master *m, struct device_node *rn,
			  const struct resource *phys, bool has_phys,
			  u64 iova, u64 size, u32 pgsize, u32 walk_ias)
{
	struct device *dev = m->dev;
	struct adart_resv *r;
	u64 last = iova + size - 1;
	unsigned int i;

	if (!size) {
		dev_err(dev, "%pOFn: iommu-addresses entry of size 0\n", rn);
		return -EINVAL;
	}
	if (!IS_ALIGNED(iova | size, pgsize) ||
	    (has_phys && !IS_ALIGNED(phys->start, pgsize))) {
		dev_err(dev, "%pOFn: IOVA %#llx size %#llx PA %pa not aligned to the DART's %u KiB pages\n",
			rn, iova, size, &phys->start, pgsize / SZ_1K);
		return -EINVAL;
	}
	if (last < iova || (walk_ias < 64 && last >> walk_ias)) {
		dev_err(dev, "%pOFn: IOVA %#llx-%#llx beyond the %u bits the DART can translate\n",
			rn, iova, last, walk_ias);
		return -EINVAL;
	}
	if (has_phys && size > resource_size(phys)) {
		dev_err(dev, "%pOFn: IOVA size %#llx exceeds the region %pR\n",
			rn, size, phys);
		return -EINVAL;
	}
	for (i = 0; i < m->n_resv; i++) {
		r = &m->resv[i];
		if (iova <= r->iova + r->size - 1 && r->iova <= last) {
			dev_err(dev, "%pOFn: IOVA %#llx-%#llx overlaps %#llx-%#llx of another region\n",
				rn, iova, last, r->iova, r->iova + r->size - 1);
			return -EINVAL;
		}
	}

	r = krealloc_array(m->resv, m->n_resv + 1, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	m->resv = r;
	r = &m->resv[m->n_resv++];
	r->iova = iova;
	r->size = size;
	r->pa = has_phys ? phys->start : 0;
	if (!has_phys)
		r->kind = ADART_RESV_RESERVED;
	else if (phys->start == iova)
		r->kind = ADART_RESV_DIRECT;
	else
		r->kind = ADART_RESV_TRANSLATED;
	r->prot = IOMMU_READ | IOMMU_WRITE;
	if (of_dma_is_coherent(dev->of_node))
		r->prot |= IOMMU_CACHE;
	dev_dbg(dev, "%pOFn: %s IOVA %#llx-%#llx -> PA %pa\n", rn,
		adart_resv_kind_name[r->kind], iova, last, &r->pa);
	return 0;
}

/* Walk the "iommu-addresses" of region @rn for the entries naming @m. */
static int adart_resv_parse_region(struct adart_master *m,
				   struct device_node *rn, u32 pgsize,
				   u32 walk_ias)
{
	struct device *dev = m->dev;
	struct device_node *np, *other = NULL;
	const __be32 *p, *end;
	struct resource phys = { };
	bool has_phys, mine = false;
	int len, na, ns, ret = 0;

	p = of_get_property(rn, "iommu-addresses", &len);
	if (!p)
		return 0;	/* ordinary reserved memory */
	has_phys = of_property_present(rn, "reg");
	if (has_phys) {
		ret = of_address_to_resource(rn, 0, &phys);
		if (ret) {
			dev_err(dev, "%pOFn: unreadable reg: %d\n", rn, ret);
			return ret;
		}
	}

	end = p + len / sizeof(*p);
	while (p < end && !ret) {
		np = of_find_node_by_phandle(be32_to_cpup(p++));
		if (!np) {
			dev_err(dev, "%pOFn: iommu-addresses names no node\n",
				rn);
			return -EINVAL;
		}
		/* The IOVA is in the address space of the master's bus. */
		na = of_n_addr_cells(np);
		ns = of_n_size_cells(np);
		if (end - p < na + ns) {
			dev_err(dev, "%pOFn: iommu-addresses entry for %pOF cut short\n",
				rn, np);
			of_node_put(np);
			return -EINVAL;
		}
		if (np == dev->of_node) {
			mine = true;
			ret = adart_resv_add(m, rn, &phys, has_phys,
					     of_read_number(p, na),
					     of_read_number(p + na, ns),
					     pgsize, walk_ias);
		} else if (!of_property_present(np, "iommus")) {
			dev_err(dev, "%pOFn: iommu-addresses names %pOF, which is not behind an IOMMU\n",
				rn, np);
			ret = -EINVAL;
		} else if (!other && !adart_resv_same_dart(m, np)) {
			other = of_node_get(np);
		}
		p += na + ns;
		of_node_put(np);
	}
	if (!ret && !mine) {
		if (other)
			dev_err(dev, "%pOFn: listed in memory-region but mapped only for %pOF, behind another DART\n",
				rn, other);
		else
			dev_err(dev, "%pOFn: listed in memory-region but has no iommu-addresses entry for this device\n",
				rn);
		ret = -EINVAL;
	}
	of_node_put(other);
	return ret;
}

/**
 * adart_resv_parse() - read the boot loader's mappings of a master
 * @m:	the master, its ports filled in
 *
 * Every "memory-region" of @m's node with "iommu-addresses" must have a
 * well-formed entry for @m: non-zero, aligned to the DART's page, within
 * what its DARTs walk (hw §4.2) and overlapping no other region of @m.
 * Anything else is refused with the reason, since the firmware behind
 * the master would lose a mapping it relies on.
 *
 * Return: 0 with @m->resv and @m->n_resv set, or a negative errno.
 */
int adart_resv_parse(struct adart_master *m)
{
	struct device_node *node = m->dev->of_node;
	u32 pgsize = m->ports[0].dart->pgsize, walk_ias = U32_MAX;
	struct of_phandle_iterator it;
	unsigned int i;
	int err, ret = 0;

	if (!node)
		return 0;
	for (i = 0; i < m->n_ports; i++)
		walk_ias = min(walk_ias, adart_walk_ias(m->ports[i].dart));

	of_for_each_phandle(&it, err, node, "memory-region", NULL, 0) {
		ret = adart_resv_parse_region(m, it.node, pgsize, walk_ias);
		if (ret) {
			of_node_put(it.node);
			break;
		}
	}
	if (ret) {
		kfree(m->resv);
		m->resv = NULL;
		m->n_resv = 0;
	}
	return ret;
}

/**
 * adart_resv_ias() - VA bits a domain needs for a master's mappings
 * @m:	the master
 *
 * Return: the width of the highest direct or translated IOVA of @m, 0
 * when it has none; adart_resv_parse() checked it against the walker.
 */
u32 adart_resv_ias(const struct adart_master *m)
{
	u32 ias = 0;
	unsigned int i;

	for (i = 0; i < m->n_resv; i++)
		if (m->resv[i].kind != ADART_RESV_RESERVED)
			ias = max_t(u32, ias,
				    fls64(m->resv[i].iova + m->resv[i].size - 1));
	return ias;
}

/**
 * adart_resv_translated() - does a master need a paging domain?
 * @m:	the master
 *
 * Return: true when a region of @m is mapped at an IOVA other than its
 * PA, which bypass cannot give it.
 */
bool adart_resv_translated(const struct adart_master *m)
{
	unsigned int i;

	for (i = 0; i < m->n_resv; i++)
		if (m->resv[i].kind == ADART_RESV_TRANSLATED)
			return true;
	return false;
}

/**
 * adart_resv_report() - the master's regions for get_resv_regions
 * @m:		the master
 * @head:	list to add them to
 *
 * Direct regions are IOMMU_RESV_DIRECT: the core maps them into DMA
 * domains before attaching one, and refuses the blocked domain.  A
 * translated region is reported at its IOVA as IOMMU_RESV_RESERVED, so
 * that dma-iommu never allocates it; the core has no type for a PA at
 * another IOVA, so the driver maps it itself (adart_resv_install()).
 */
void adart_resv_report(const struct adart_master *m, struct list_head *head)
{
	struct iommu_resv_region *region;
	unsigned int i;

	for (i = 0; i < m->n_resv; i++) {
		const struct adart_resv *r = &m->resv[i];

		region = iommu_alloc_resv_region(r->iova, r->size, r->prot,
						 r->kind == ADART_RESV_DIRECT ?
						 IOMMU_RESV_DIRECT :
						 IOMMU_RESV_RESERVED,
						 GFP_KERNEL);
		if (region)
			list_add_tail(&region->list, head);
	}
}

/**
 * struct adart_fw_range - an IOVA range of a domain holding a boot mapping
 * @node:	entry in &adart_domain.fw, read under RCU by unmaps
 * @iova:	first IOVA
 * @last:	last IOVA
 */
struct adart_fw_range {
	struct list_head	node;
	u64			iova;
	u64			last;
};

/* Record @r in @dom's protected ranges, once; @dom->init_lock held. */
static int adart_resv_protect(struct adart_domain *dom,
			      const struct adart_resv *r)
{
	u64 last = r->iova + r->size - 1;
	struct adart_fw_range *f;

	lockdep_assert_held(&dom->init_lock);
	list_for_each_entry(f, &dom->fw, node)
		if (f->iova == r->iova && f->last == last)
			return 0;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->iova = r->iova;
	f->last = last;
	list_add_tail_rcu(&f->node, &dom->fw);
	return 0;
}

/*
 * Map @size bytes at @iova to @pa in @dom.  Through iommu_map() once the
 * core has set the domain up (its ops are set after domain_alloc_paging()
 * returns): the domain may then be live, and the map must be synced.  At
 * allocation, before that, no stream uses it: straight into the tables.
 */
static int adart_resv_map_run(struct adart_domain *dom, u64 iova,
			      phys_addr_t pa, size_t size, int prot)
{
	struct io_pgtable_ops *ops = adart_domain_pgtable(dom);
	size_t mapped;
	int ret;

	if (dom->domain.ops)
		return iommu_map(&dom->domain, iova, pa, size, prot, GFP_KERNEL);
	while (size) {
		mapped = 0;
		ret = ops->map_pages(ops, iova, pa, dom->pgsize,
				     size / dom->pgsize, prot, GFP_KERNEL,
				     &mapped);
		if (ret)
			return ret;
		if (WARN_ON_ONCE(!mapped))
			return -EINVAL;
		iova += mapped;
		pa += mapped;
		size -= mapped;
	}
	return 0;
}

/* Map the pages of @r that @dom lacks; any other PA there is a conflict. */
static int adart_resv_map(struct adart_domain *dom, struct device *dev,
			  const struct adart_resv *r)
{
	struct io_pgtable_ops *ops = adart_domain_pgtable(dom);
	struct iommu_domain *domain = &dom->domain;
	u64 off, run = 0;
	phys_addr_t pa, want;
	int ret;

	if (r->iova + r->size - 1 > domain->geometry.aperture_end) {
		dev_err(dev, "IOVA %#llx-%#llx is beyond this domain's aperture (%#llx)\n",
			r->iova, r->iova + r->size - 1,
			(u64)domain->geometry.aperture_end);
		return -EINVAL;
	}
	/*
	 * Page by page: the core may have mapped a direct region already,
	 * and a client of an unmanaged domain anything.  PA 0 reads as
	 * unmapped; no region of RAM starts there on these machines.
	 */
	for (off = 0; off <= r->size; off += dom->pgsize) {
		pa = off < r->size ? ops->iova_to_phys(ops, r->iova + off) : 1;
		if (!pa) {
			run += dom->pgsize;
			continue;
		}
		if (run) {
			ret = adart_resv_map_run(dom, r->iova + off - run,
						 r->pa + off - run, run,
						 r->prot);
			if (ret) {
				dev_err(dev, "cannot map IOVA %#llx: %d\n",
					r->iova + off - run, ret);
				return ret;
			}
			run = 0;
		}
		if (off < r->size && pa != r->pa + off) {
			want = r->pa + off;
			dev_err(dev, "IOVA %#llx of a boot mapping already maps %pa, not %pa\n",
				r->iova + off, &pa, &want);
			return -EBUSY;
		}
	}
	return 0;
}

/**
 * adart_resv_install() - put a master's boot mappings into a domain
 * @dom:	paging domain @m is attaching to, its tables built
 * @m:		the master
 *
 * Called at every attach of @m to a paging domain, before its streams
 * switch to it, so the firmware behind @m never walks a table without
 * them: the default DMA domain and every unmanaged one.  A domain keeps
 * them for its lifetime, so switching back and forth needs nothing more.
 * The group's first default domain gets them when it is allocated: the
 * core may not fail that domain's attach (iommu_setup_default_domain()
 * WARNs and gives the device up), which then finds them all and
 * allocates nothing.
 *
 * Return: 0, or a negative errno (the attach fails, the streams stay).
 */
int adart_resv_install(struct adart_domain *dom, struct adart_master *m)
{
	unsigned int i;
	int ret = 0;

	mutex_lock(&dom->init_lock);
	for (i = 0; i < m->n_resv && !ret; i++) {
		const struct adart_resv *r = &m->resv[i];

		if (r->kind == ADART_RESV_RESERVED)
			continue;
		ret = adart_resv_map(dom, m->dev, r);
		if (!ret)
			ret = adart_resv_protect(dom, r);
	}
	mutex_unlock(&dom->init_lock);
	return ret;
}

/**
 * __adart_resv_protected() - does an unmap touch a boot mapping?
 * @dom:	the domain, with at least one range installed
 * @iova:	first IOVA unmapped
 * @size:	bytes
 *
 * The out-of-line half of adart_resv_protected(), which skips the call
 * for the domains (nearly all) that hold no boot mapping.
 *
 * Return: true, with a warning, when [@iova, @iova + @size) overlaps a
 * range adart_resv_install() put into @dom: the unmap must not happen.
 */
bool __adart_resv_protected(struct adart_domain *dom, u64 iova, u64 size)
{
	struct adart_fw_range *f;
	bool hit = false;

	rcu_read_lock();
	list_for_each_entry_rcu(f, &dom->fw, node) {
		if (iova <= f->last && f->iova <= iova + size - 1) {
			hit = true;
			break;
		}
	}
	rcu_read_unlock();
	if (hit)
		pr_warn_ratelimited("domain %d: refusing to unmap IOVA %#llx-%#llx: a boot loader's mapping\n",
				    dom->id, iova, iova + size - 1);
	return hit;
}

/**
 * adart_resv_domain_free() - drop a domain's protected ranges
 * @dom:	the domain, no longer attached or mapped through
 */
void adart_resv_domain_free(struct adart_domain *dom)
{
	struct adart_fw_range *f, *tmp;

	list_for_each_entry_safe(f, tmp, &dom->fw, node)
		kfree(f);
}

/* Does @np list a region with a PA mapped for @np itself? */
static bool adart_resv_node_mapped(struct device_node *np)
{
	struct of_phandle_iterator it;
	const __be32 *p, *end;
	bool found = false;
	int err, len;

	of_for_each_phandle(&it, err, np, "memory-region", NULL, 0) {
		p = of_get_property(it.node, "iommu-addresses", &len);
		if (!p || !of_property_present(it.node, "reg"))
			continue;
		end = p + len / sizeof(*p);
		while (!found && end - p > 0) {
			struct device_node *who;

			who = of_find_node_by_phandle(be32_to_cpup(p++));
			if (!who)
				break;
			found = who == np;
			p += of_n_addr_cells(who) + of_n_size_cells(who);
			of_node_put(who);
		}
		if (found) {
			of_node_put(it.node);
			break;
		}
	}
	return found;
}

/**
 * adart_resv_live_streams() - streams a boot loader left translating
 * @dart:	an unlocked DART about to be reset
 * @live:	set for each stream of @dart that a master with mapped
 *		regions uses
 *
 * The boot loader programmed those streams and the firmware behind them
 * (a display scanout, a coprocessor) is still fetching: the reset (hw §7)
 * must leave them as they are until their master attaches a domain that
 * holds the same mappings.
 */
void adart_resv_live_streams(struct adart *dart, unsigned long *live)
{
	struct device_node *np;
	struct of_phandle_args args;
	int idx;

	bitmap_zero(live, ADART_MAX_SIDS);
	for_each_node_with_property(np, "iommus") {
		if (!of_device_is_available(np) || !adart_resv_node_mapped(np))
			continue;
		for (idx = 0; !of_parse_phandle_with_args(np, "iommus",
							  "#iommu-cells", idx,
							  &args); idx++) {
			if (args.np == dart->dev->of_node &&
			    args.args_count == 1 && args.args[0] < dart->nsids)
				set_bit(args.args[0], live);
			of_node_put(args.np);
		}
	}
}

/**
 * adart_resv_nomap_contains() - is [@pa, @pa + @size) inside no-map memory?
 * @pa:		first byte
 * @size:	bytes
 *
 * A locked DART's L1 tables are the boot loader's, in a /reserved-memory
 * region marked "no-map" (hw §6, pt-region): memory Linux never
 * allocates, so the driver may rewrite them.
 *
 * Return: true when one such region holds the whole range.
 */
bool adart_resv_nomap_contains(phys_addr_t pa, size_t size)
{
	struct device_node *rm, *np;
	struct resource res;
	bool found = false;

	rm = of_find_node_by_path("/reserved-memory");
	if (!rm)
		return false;
	for_each_available_child_of_node(rm, np) {
		if (!of_property_read_bool(np, "no-map") ||
		    of_address_to_resource(np, 0, &res))
			continue;
		if (pa >= res.start && size - 1 <= res.end - pa &&
		    pa <= res.end) {
			found = true;
			of_node_put(np);
			break;
		}
	}
	of_node_put(rm);
	return found;
}
