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
 * Section numbers ("hw §N") refer to the DART facts sheet, dart-hw.md.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/log2.h>
#include <linux/of.h>
#include <linux/of_address.h>
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
