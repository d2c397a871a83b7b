/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Apple DART page-table backend: interface for the DART driver.
 *
 * The header lives next to the backend in drivers/iommu/ rather than in
 * include/linux/ because its only users are the DART driver and the
 * backend's own tests, all in this directory.
 */
#ifndef __IO_PGTABLE_DART_H
#define __IO_PGTABLE_DART_H

#include <linux/io-pgtable.h>
#include <linux/types.h>

/*
 * A T8020/T6000 stream has four TTBRs; a T8110 stream has one
 * (dart-hw.md section 0).  io_pgtable_cfg.apple_dart_cfg.ttbr[] has the
 * same size.
 */
#define DART_PGTABLE_MAX_TTBRS		4

/**
 * enum dart_ttbr_layout - register layout the TTBR values are encoded for
 * @DART_TTBR_LAYOUT_NONE: no register values; use the physical addresses
 *	in io_pgtable_cfg.apple_dart_cfg.ttbr[]
 * @DART_TTBR_LAYOUT_T8020: T8020/T6000, VALID bit 31, PA >> 12 in [30:0]
 * @DART_TTBR_LAYOUT_T8110: T8110, VALID bit 0, PA >> 14 in [29:2]
 */
enum dart_ttbr_layout {
	DART_TTBR_LAYOUT_NONE,
	DART_TTBR_LAYOUT_T8020,
	DART_TTBR_LAYOUT_T8110,
};

/**
 * struct dart_pgtable_cfg - DART-specific configuration beyond io_pgtable_cfg
 * @max_ttbrs:	in: TTBRs per stream the DART has, 1 to 4; 0 means 4.
 * @max_levels:	in: deepest walk the DART implements, counted in table
 *		levels below the TTBR (2, or 3 on a T8110 with TCR.FOUR_LEVEL);
 *		0 means 3.
 * @ttbr_layout: in: layout to encode @ttbr for.
 * @top_va:	in, optional: caller-provided top-level tables, one per TTBR
 *		in use, for a locked DART whose TTBRs cannot be changed (the
 *		firmware's L1, mapped by the driver).  Each must be zeroed.
 *		The backend writes them but never frees them.  NULL entries
 *		mean the backend allocates that table.
 * @top_pa:	in: physical address of each @top_va table.
 * @n_ttbrs:	out: TTBRs in use; the others must be programmed invalid.
 * @n_levels:	out: table levels below the TTBR (2, 3 or 4); the walk
 *		needs TCR.FOUR_LEVEL when this is 3.
 * @top_entries: out: entries of each top table the IAS can reach.
 * @ttbr:	out: value for TTBR register i in @ttbr_layout, VALID set.
 */
struct dart_pgtable_cfg {
	unsigned int		max_ttbrs;
	unsigned int		max_levels;
	enum dart_ttbr_layout	ttbr_layout;
	void			*top_va[DART_PGTABLE_MAX_TTBRS];
	phys_addr_t		top_pa[DART_PGTABLE_MAX_TTBRS];

	unsigned int		n_ttbrs;
	unsigned int		n_levels;
	unsigned int		top_entries;
	u32			ttbr[DART_PGTABLE_MAX_TTBRS];
};

/**
 * struct dart_pgtable_stats - table memory currently owned by a page table
 * @tables:	tables of every level, top level included
 * @leaf_tables: last-level tables, the ones reclaimed when they empty
 * @bytes:	memory held by tables and their bookkeeping
 */
struct dart_pgtable_stats {
	unsigned long	tables;
	unsigned long	leaf_tables;
	unsigned long	bytes;
};

/**
 * struct dart_pgtable_run - pages mapped back to back, as a walk reports them
 * @iova:	first IOVA of the run
 * @pa:		physical address @iova maps to
 * @size:	bytes; IOVA and PA both advance page by page over them
 * @prot:	IOMMU_READ, IOMMU_WRITE and IOMMU_CACHE the pages allow
 * @attrs:	every PTE bit outside the address field, the same on all
 *		pages of the run; for debugging output only
 */
struct dart_pgtable_run {
	u64		iova;
	phys_addr_t	pa;
	u64		size;
	int		prot;
	u64		attrs;
};

/**
 * struct dart_pgtable_walk_stats - what a walk went through
 * @tables:	tables visited, top tables included
 * @pages:	pages found mapped
 */
struct dart_pgtable_walk_stats {
	unsigned long	tables;
	unsigned long	pages;
};

struct io_pgtable_ops *dart_io_pgtable_alloc(enum io_pgtable_fmt fmt,
					     struct io_pgtable_cfg *cfg,
					     struct dart_pgtable_cfg *dcfg,
					     void *cookie);
void dart_io_pgtable_free(struct io_pgtable_ops *ops);
unsigned int dart_io_pgtable_sync_top(struct io_pgtable_ops *ops,
				      unsigned int ttbr,
				      void (*fn)(void *priv, unsigned int idx,
						 u64 entry),
				      void *priv);
u64 dart_io_pgtable_top_entry(struct io_pgtable_ops *ops, unsigned int ttbr,
			      unsigned int idx);
bool dart_io_pgtable_decode_ttbr(enum dart_ttbr_layout layout, u32 val,
				 phys_addr_t *pa);
void dart_io_pgtable_get_stats(struct io_pgtable_ops *ops,
			       struct dart_pgtable_stats *stats);
unsigned long dart_io_pgtable_fmt_pgsizes(enum io_pgtable_fmt fmt);
const char *dart_io_pgtable_fmt_name(enum io_pgtable_fmt fmt);
void dart_io_pgtable_walk(struct io_pgtable_ops *ops,
			  void (*fn)(void *priv,
				     const struct dart_pgtable_run *run),
			  void *priv, struct dart_pgtable_walk_stats *stats);

#endif /* __IO_PGTABLE_DART_H */
