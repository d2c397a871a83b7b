// SPDX-License-Identifier: GPL-2.0-only
/*
 * Apple DART page tables: the APPLE_DART and APPLE_DART2 formats.
 *
 * Written from the project's hardware facts sheet (dart-hw.md); section
 * numbers in comments refer to it.
 *
 * Layout (section 4.2): the IOVA is split into a TTBR index, n_levels
 * table indices of (granule shift - 3) bits each, and the page offset.
 * There are no block mappings, the level alone says whether an entry
 * points to a table or to a page.
 *
 * Concurrency: callers may map and unmap disjoint ranges at the same time,
 * also inside one table.  Tables are installed with cmpxchg.  A last-level
 * table is reclaimed when one unmap call clears its whole span; one emptied
 * piecemeal stays installed for the next map.  Each one has a count of its
 * valid entries plus what walkers currently hold of it, kept next to its
 * parent entry, so that a table is only torn down when nobody can be
 * writing it.
 */

#include <linux/atomic.h>
#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/err.h>
#include <linux/io-pgtable.h>
#include <linux/kernel.h>
#include <linux/kmemleak.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "iommu-pages.h"
#include "io-pgtable-dart.h"

/* Section 4.1: bits shared by both formats. */
#define DART_PTE_VALID		BIT_ULL(0)
#define DART_PTE_SP_END		GENMASK_ULL(51, 40)
#define DART_PTE_SP_START	GENMASK_ULL(63, 52)

/*
 * Section 4.1: sub-page protection with START 0 and END 0xfff lets the
 * whole page through, as Linux has always programmed it.
 */
#define DART_PTE_SP_WHOLE_PAGE	FIELD_PREP_CONST(DART_PTE_SP_END, 0xfff)

/* Section 4.2: an IAS above 42 has not been seen; 48 keeps shifts sane. */
#define DART_MAX_IAS		48
#define DART_MIN_LEVELS		2
#define DART_MAX_LEVELS		4
#define DART_DEFAULT_LEVELS	3

/*
 * Added to a slot's count while its table is being torn down: the count
 * stays negative whatever walkers add meanwhile (at most one table's
 * entries each), so a hold can be one atomic add that looks at the sign.
 */
#define DART_SLOT_DYING		(INT_MIN / 2)

/*
 * A count that went below zero without DYING (see dart_slot_broken()) is
 * set here: so far from zero that the table is never reclaimed again,
 * and every hold succeeds.
 */
#define DART_SLOT_PINNED	(INT_MAX / 2)

/* IOMMU_READ, IOMMU_WRITE and IOMMU_CACHE are bits 0 to 2. */
#define DART_PROT_BITS		(IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE)
#define DART_PROT_COMBOS	(DART_PROT_BITS + 1)

/**
 * struct dart_pte_fmt - how one PTE format encodes an entry
 * @name:	what logs and debugfs call the format
 * @oas:	widest output address the PA field holds
 * @granules:	page sizes whose page addresses the PA field can hold
 * @pa_shift:	right shift from a physical address to the PA field
 * @pa_mask:	PTE bits holding the shifted physical address
 * @no_read:	leaf bit denying reads
 * @no_write:	leaf bit denying writes
 * @no_cache:	leaf bit for an uncached mapping, 0 if the format has none
 * @leaf_fixed:	bits every leaf carries
 */
struct dart_pte_fmt {
	const char	*name;
	unsigned int	oas;
	unsigned long	granules;
	unsigned int	pa_shift;
	u64		pa_mask;
	u64		no_read;
	u64		no_write;
	u64		no_cache;
	u64		leaf_fixed;
};

/*
 * Section 4.1, APPLE_DART: PA[35:12] in place, so both granules fit.
 * Sub-page protection is switched off with SP_DIS (bit 1); the range is
 * still programmed whole so the mapping does not depend on SP_DIS being
 * honoured.
 */
static const struct dart_pte_fmt dart_fmt_dart1 = {
	.name		= "dart1",
	.oas		= 36,
	.granules	= SZ_4K | SZ_16K,
	.pa_shift	= 0,
	.pa_mask	= GENMASK_ULL(35, 12),
	.no_read	= BIT_ULL(8),
	.no_write	= BIT_ULL(7),
	.no_cache	= 0,
	.leaf_fixed	= BIT_ULL(1) | DART_PTE_SP_WHOLE_PAGE,
};

/*
 * Section 4.1, APPLE_DART2: PA[41:14] in bits [37:10], so only 16 KiB
 * aligned pages and tables can be addressed.  Sub-page protection cannot
 * be disabled and must be programmed; bit 1 is NO_CACHE, not SP_DIS.
 */
static const struct dart_pte_fmt dart_fmt_dart2 = {
	.name		= "dart2",
	.oas		= 42,
	.granules	= SZ_16K,
	.pa_shift	= 4,
	.pa_mask	= GENMASK_ULL(37, 10),
	.no_read	= BIT_ULL(3),
	.no_write	= BIT_ULL(2),
	.no_cache	= BIT_ULL(1),
	.leaf_fixed	= DART_PTE_SP_WHOLE_PAGE,
};

/* The formats this backend implements, NULL for any other. */
static const struct dart_pte_fmt *dart_pte_fmt_of(enum io_pgtable_fmt fmt)
{
	switch (fmt) {
	case APPLE_DART:
		return &dart_fmt_dart1;
	case APPLE_DART2:
		return &dart_fmt_dart2;
	default:
		return NULL;
	}
}

/**
 * struct dart_ttbr_fmt - how one register layout encodes a TTBR
 * @pa_shift:	right shift from the table address to the field
 * @field_shift: bit position of the field
 * @field_bits:	width of the field
 * @valid:	VALID bit
 */
struct dart_ttbr_fmt {
	unsigned int	pa_shift;
	unsigned int	field_shift;
	unsigned int	field_bits;
	u32		valid;
};

/* Section 4.3. */
static const struct dart_ttbr_fmt dart_ttbr_fmts[] = {
	[DART_TTBR_LAYOUT_NONE] = { .pa_shift = 0 },
	[DART_TTBR_LAYOUT_T8020] = {
		.pa_shift = 12, .field_shift = 0, .field_bits = 31,
		.valid = BIT(31),
	},
	[DART_TTBR_LAYOUT_T8110] = {
		.pa_shift = 14, .field_shift = 2, .field_bits = 28,
		.valid = BIT(0),
	},
};

/**
 * struct dart_pgtable - one set of DART page tables
 * @iop:	the generic part; its cfg is the caller's, as completed
 * @pg_shift:	log2 of the granule
 * @bpl:	index bits per table level
 * @levels:	table levels below the TTBR
 * @ttbr_shift:	lowest IOVA bit of the TTBR index
 * @pa_shift:	the PTE format's pa_shift (struct dart_pte_fmt), copied
 *		so that the hot paths need not follow a pointer
 * @pa_mask:	the PTE format's pa_mask, likewise
 * @top_shift:	lowest IOVA bit of the top-level index, with two levels
 * @idx_mask:	entries of a table minus one
 * @map_granule: the granule, or 0 if maps never take the one-page path
 * @unmap_granule: the granule, or 0 if unmaps never take it (@unmap_slow)
 * @iova_bad:	IOVA bits no page may have set: beyond the IAS, and those
 *		below the granule
 * @pa_bad:	the same for a page's physical address and the OAS
 * @top:	top-level table of each TTBR
 * @top_cnt:	counts of the leaf tables under the top table, when the top
 *		table is the leaves' parent (two levels)
 * @leaf_prot:	VALID and the fixed, protection and cache bits of a leaf, for
 *		each combination of IOMMU_READ, IOMMU_WRITE and IOMMU_CACHE
 * @fmt:	the PTE format
 * @n_ttbrs:	TTBRs in use
 * @top_entries: entries of each top table the IAS can reach
 * @tbl_size:	bytes of one hardware table
 * @top_size:	bytes allocated for a top table (TTBR alignment included)
 * @top_foreign: bit i set: the caller provided TTBR i's top table
 * @top_dirty:	top-level entries changed since the driver last copied them
 * @nr_tables:	tables owned, all levels
 * @nr_leaves:	last-level tables owned
 * @nr_bytes:	memory owned
 * @table_added: the caller's report of a new table (struct dart_pgtable_cfg)
 * @unmap_slow:	unmaps never take the open-coded path: more than two levels,
 *		or a driver that wants tlb_add_page() for every page
 *
 * The fields every map and unmap reads come first, together.
 */
struct dart_pgtable {
	struct io_pgtable		iop;
	unsigned int			pg_shift;
	unsigned int			bpl;
	unsigned int			levels;
	unsigned int			ttbr_shift;
	unsigned int			pa_shift;
	u64				pa_mask;
	unsigned int			top_shift;
	unsigned int			idx_mask;
	unsigned long			map_granule;
	unsigned long			unmap_granule;
	unsigned long			iova_bad;
	u64				pa_bad;
	u64				*top[DART_PGTABLE_MAX_TTBRS];
	atomic_t			*top_cnt[DART_PGTABLE_MAX_TTBRS];
	u64				leaf_prot[DART_PROT_COMBOS];

	const struct dart_pte_fmt	*fmt;
	unsigned int			n_ttbrs;
	unsigned int			top_entries;
	size_t				tbl_size;
	size_t				top_size;
	unsigned long			top_foreign;
	unsigned long			*top_dirty[DART_PGTABLE_MAX_TTBRS];
	atomic_long_t			nr_tables;
	atomic_long_t			nr_leaves;
	atomic_long_t			nr_bytes;
	void				(*table_added)(void *cookie);
	bool				unmap_slow;
};

#define to_dart(ops) container_of(io_pgtable_ops_to_pgtable(ops), \
				  struct dart_pgtable, iop)

static inline unsigned int dart_entries(const struct dart_pgtable *d)
{
	return 1U << d->bpl;
}

/* Level 0 is the top table, level levels - 1 holds the leaves. */
static inline unsigned int dart_lvl_shift(const struct dart_pgtable *d,
					  unsigned int lvl)
{
	return d->pg_shift + (d->levels - 1 - lvl) * d->bpl;
}

static inline unsigned int dart_index(const struct dart_pgtable *d,
				      unsigned int lvl, unsigned long iova)
{
	return (iova >> dart_lvl_shift(d, lvl)) & (dart_entries(d) - 1);
}

static inline unsigned int dart_ttbr_index(const struct dart_pgtable *d,
					   unsigned long iova)
{
	return iova >> d->ttbr_shift;
}

/* Tables and pages use the same PA field (section 4.1). */
static inline u64 dart_pa_to_pte(const struct dart_pgtable *d, phys_addr_t pa)
{
	return ((u64)pa >> d->pa_shift) & d->pa_mask;
}

static inline phys_addr_t dart_pte_to_pa(const struct dart_pgtable *d,
					 u64 pte)
{
	return (phys_addr_t)((pte & d->pa_mask) << d->pa_shift);
}

static inline u64 *dart_pte_to_table(const struct dart_pgtable *d, u64 pte)
{
	return phys_to_virt(dart_pte_to_pa(d, pte));
}

/* Section 4.1: a table entry is VALID plus the table's address. */
static u64 dart_table_pte(const struct dart_pgtable *d, u64 *table)
{
	return dart_pa_to_pte(d, virt_to_phys(table)) | DART_PTE_VALID;
}

static inline bool dart_pte_valid(u64 pte)
{
	return pte & DART_PTE_VALID;
}

/*
 * The parent of the leaves keeps one count per entry; except at the top,
 * the counts sit right after the hardware table in the same allocation.
 */
static bool dart_is_leaf_parent(const struct dart_pgtable *d,
				unsigned int lvl)
{
	return lvl == d->levels - 2;
}

static size_t dart_table_alloc_size(const struct dart_pgtable *d,
				    unsigned int lvl)
{
	if (lvl == 0)
		return d->top_size;
	if (dart_is_leaf_parent(d, lvl))
		return roundup_pow_of_two(d->tbl_size +
					  dart_entries(d) * sizeof(atomic_t));
	return d->tbl_size;
}

static void dart_account(struct dart_pgtable *d, unsigned int lvl,
			 long sign)
{
	atomic_long_add(sign, &d->nr_tables);
	atomic_long_add(sign * (long)dart_table_alloc_size(d, lvl),
			&d->nr_bytes);
	if (lvl == d->levels - 1)
		atomic_long_add(sign, &d->nr_leaves);
}

/* Give a table's memory back to whoever it came from. */
static void dart_release_table(struct dart_pgtable *d, void *table, size_t size)
{
	struct io_pgtable_cfg *cfg = &d->iop.cfg;

	if (cfg->free)
		cfg->free(d->iop.cookie, table, size);
	else if (size >= PAGE_SIZE)
		iommu_free_pages(table, get_order(size));
	else
		kfree(table);
}

static void *dart_alloc_table(struct dart_pgtable *d, unsigned int lvl,
			      gfp_t gfp)
{
	struct io_pgtable_cfg *cfg = &d->iop.cfg;
	size_t size = dart_table_alloc_size(d, lvl);
	void *table;

	if (cfg->alloc) {
		table = cfg->alloc(d->iop.cookie, size, gfp);
	} else if (size >= PAGE_SIZE) {
		table = iommu_alloc_pages(gfp, get_order(size));
	} else {
		/* Power-of-two kmalloc sizes are naturally aligned. */
		table = kzalloc(size, gfp);
		/*
		 * Below the top, the only reference to a table is the PA in
		 * its parent's entry (section 4), which kmemleak cannot
		 * follow: a live one would be reported as leaked.  It holds
		 * no kernel pointers to scan either.
		 */
		if (table && lvl)
			kmemleak_ignore(table);
	}
	if (!table)
		return NULL;

	/*
	 * Section 4: tables are naturally aligned; the PA field could not
	 * even hold the low bits.  The top must also suit the TTBR field.
	 */
	if (WARN_ON(!IS_ALIGNED(virt_to_phys(table),
				lvl ? d->tbl_size : d->top_size))) {
		dart_release_table(d, table, size);
		return NULL;
	}
	dart_account(d, lvl, 1);
	return table;
}

static void dart_free_table(struct dart_pgtable *d, unsigned int lvl,
			    void *table)
{
	dart_account(d, lvl, -1);
	dart_release_table(d, table, dart_table_alloc_size(d, lvl));
}

/*
 * Hand an emptied leaf table to the gather so that the driver frees it
 * after its TLB invalidation, like the other IOMMU drivers' freelists.
 * Only whole pages from our own allocator can go on that list.
 *
 * Only a table whose whole span the unmap call itself cleared is
 * reclaimed at all.  Until the driver invalidates, the DART may still
 * walk through the old parent entry; that is harmless only while nobody
 * can map into the span, i.e. while every IOVA of it belongs to the
 * unmap that has not been synced yet (the rule the Intel driver follows
 * for its freelist).  A table emptied piecemeal shares its span with
 * IOVAs that may be mapped again at once: it is never unhooked, so
 * nothing needs an invalidation on its account.
 */
static bool dart_defer_free(struct dart_pgtable *d, void *table,
			    struct iommu_iotlb_gather *gather)
{
	if (!gather || d->iop.cfg.alloc || d->tbl_size != PAGE_SIZE)
		return false;
	dart_account(d, d->levels - 1, -1);
	list_add_tail(&virt_to_page(table)->lru, &gather->freelist);
	return true;
}

static void dart_mark_top(struct dart_pgtable *d, unsigned long iova)
{
	/* Pairs with the fully ordered test_and_clear_bit() in sync_top. */
	smp_mb__before_atomic();
	set_bit(dart_index(d, 0, iova), d->top_dirty[dart_ttbr_index(d, iova)]);
}

/*
 * Install a new table at @lvl + 1 under the empty entry @ptep, which
 * translates @iova.  Out of line: the hot paths find their tables there.
 */
static noinline u64 *dart_install_table(struct dart_pgtable *d, u64 *ptep,
					unsigned int lvl, unsigned long iova,
					gfp_t gfp)
{
	u64 old, new;
	u64 *table;

	table = dart_alloc_table(d, lvl + 1, gfp);
	if (!table)
		return ERR_PTR(-ENOMEM);

	/*
	 * The coherent walker (section 4) is a DMA observer: like any
	 * descriptor handed to a device, the zeroed table must reach it
	 * before the entry that points to it.  The cmpxchg only orders
	 * against other CPUs, and on !SMP it is no barrier at all.
	 */
	dma_wmb();
	new = dart_table_pte(d, table);
	old = cmpxchg64(ptep, 0, new);
	if (old) {
		/* Lost the race to another mapper of the same range. */
		dart_free_table(d, lvl + 1, table);
		return dart_pte_to_table(d, old);
	}
	if (lvl == 0)
		dart_mark_top(d, iova);
	/* Only the winner of the cmpxchg reports: one report per table. */
	if (d->table_added)
		d->table_added(d->iop.cookie);
	return table;
}

/*
 * Walk the levels above the leaves' parent (three or more levels only),
 * installing missing tables when @gfp allows it.  These tables are never
 * freed before the whole page table, so no count protects the walk.
 */
static u64 *dart_walk_upper(struct dart_pgtable *d, unsigned long iova,
			    gfp_t gfp)
{
	u64 *table = d->top[dart_ttbr_index(d, iova)];
	unsigned int lvl;

	for (lvl = 0; lvl < d->levels - 2; lvl++) {
		u64 *ptep = table + dart_index(d, lvl, iova);
		u64 pte = READ_ONCE(*ptep);

		if (dart_pte_valid(pte)) {
			table = dart_pte_to_table(d, pte);
			continue;
		}
		if (!gfp)
			return NULL;
		table = dart_install_table(d, ptep, lvl, iova, gfp);
		if (IS_ERR(table))
			return table;
	}
	return table;
}

/*
 * The entry that points to @iova's leaf table (its slot), and the slot's
 * count: valid entries of the leaf table plus what walkers hold of it.
 * With two levels, the usual case, the parent is the top table and this
 * is a handful of instructions.  Returns NULL if an upper table is missing
 * and @gfp is 0, an error pointer if installing one failed.
 */
static __always_inline u64 *dart_leaf_slot(struct dart_pgtable *d,
					   unsigned long iova, gfp_t gfp,
					   atomic_t **cnt)
{
	unsigned int idx = dart_index(d, d->levels - 2, iova);
	unsigned int ttbr;
	u64 *table;

	if (likely(d->levels == DART_MIN_LEVELS)) {
		ttbr = dart_ttbr_index(d, iova);
		*cnt = d->top_cnt[ttbr] + idx;
		return d->top[ttbr] + idx;
	}
	table = dart_walk_upper(d, iova, gfp);
	if (IS_ERR_OR_NULL(table))
		return table;
	*cnt = (atomic_t *)(table + dart_entries(d)) + idx;
	return table + idx;
}

/*
 * Hold a slot for @n: a mapper holds the entries it is about to write,
 * so one atomic operation per leaf table covers both its walk and its
 * result; any other walker holds one.  Fails if the slot is DYING.
 * Acquire, so that the walker then reads the parent entry as it is now
 * (as a reclaimer left it, for instance).  One add, not a compare and
 * exchange loop: the one-page map and unmap are a few dozen instructions,
 * and this is the most expensive of them.  A failed hold takes its add
 * back; the reclaimer takes back only DART_SLOT_DYING, so the two never
 * lose each other's updates.
 */
static __always_inline bool dart_slot_try_hold(atomic_t *cnt, int n)
{
	if (likely(atomic_fetch_add_acquire(n, cnt) >= 0))
		return true;
	atomic_sub(n, cnt);
	return false;
}

/*
 * A slot count below zero that is no DYING one: more entries were counted
 * as cleared than were ever mapped.  Only concurrent unmaps of the same
 * IOVAs do that (each may see an entry valid before the other clears it),
 * which the IOMMU API forbids: one unmap owns an IOVA.  The true count is
 * lost, and walkers would wait forever for a teardown that never comes.
 * Say so and pin the slot instead: its table then stays installed until
 * the tables are freed, which is safe whatever is still mapped in it.
 */
static noinline void dart_slot_broken(atomic_t *cnt)
{
	int v = atomic_read(cnt), pinned = DART_SLOT_PINNED;

	/* Not a constant to sparse: see dart_slot_reclaim(). */
	OPTIMIZER_HIDE_VAR(pinned);
	while (v < 0 && v > DART_SLOT_DYING / 2) {
		if (atomic_try_cmpxchg(cnt, &v, pinned)) {
			pr_err_ratelimited("io-pgtable-dart: leaf table count fell to %d: the same IOVAs were unmapped concurrently; keeping the table\n",
					   v);
			return;
		}
	}
}

static noinline void dart_slot_wait(atomic_t *cnt)
{
	int v;

	while ((v = atomic_read(cnt)) < 0) {
		/* DYING lasts one teardown; anything else is broken. */
		if (v > DART_SLOT_DYING / 2)
			dart_slot_broken(cnt);
		else
			cpu_relax();
	}
}

/* Hold a slot, waiting for a DYING one to be torn down first. */
static __always_inline void dart_slot_hold(atomic_t *cnt, int n)
{
	while (unlikely(!dart_slot_try_hold(cnt, n)))
		dart_slot_wait(cnt);
}

/*
 * An unmap call cleared the whole span of the table behind @pp and the
 * slot count fell to zero: no valid entries are left in the table and no
 * walker holds it, so unhook and free it.  A walker that takes the slot
 * first wins the cmpxchg; the table then stays installed, empty, for the
 * next map, like one emptied piecemeal.  Interrupts
 * stay off while the slot is DYING so that a walker waiting on it can
 * never interrupt the one tearing it down.  The cmpxchg is fully ordered:
 * it reads the zero the last walker's release left, so everything that
 * walker did to the table comes first.
 */
static noinline void dart_slot_reclaim(struct dart_pgtable *d,
				       unsigned long iova, u64 *pp,
				       atomic_t *cnt,
				       struct iommu_iotlb_gather *gather)
{
	unsigned long span = 1UL << dart_lvl_shift(d, d->levels - 2);
	int dying = DART_SLOT_DYING;
	unsigned long flags;
	u64 pte;

	/*
	 * Not a constant to sparse, which would warn that cmpxchg's 8- and
	 * 16-bit cases (never taken for an atomic_t) truncate it.
	 */
	OPTIMIZER_HIDE_VAR(dying);
	local_irq_save(flags);
	if (atomic_cmpxchg(cnt, 0, dying) != 0)
		goto out;

	pte = READ_ONCE(*pp);
	if (dart_pte_valid(pte)) {
		u64 *table = dart_pte_to_table(d, pte);

		WRITE_ONCE(*pp, 0);
		if (d->levels == DART_MIN_LEVELS)
			dart_mark_top(d, iova);
		/*
		 * The walker may still cache the old entry; without a gather
		 * to defer the free (no gather, a custom allocator, 4K
		 * tables), invalidate before the memory is reused, and before
		 * the slot can be taken to install a new table.
		 * The cleared entry must reach the walker before the
		 * invalidation does (section 2.3: m1n1 also orders its PTE
		 * writes before the invalidate).
		 */
		if (!dart_defer_free(d, table, gather)) {
			dma_wmb();
			io_pgtable_tlb_flush_walk(&d->iop, iova & ~(span - 1),
						  span, 1UL << d->pg_shift);
			dart_free_table(d, d->levels - 1, table);
		}
	}
	/* Failed holds may still be taking their adds back. */
	atomic_sub_return_release(dying, cnt);
out:
	local_irq_restore(flags);
}

/*
 * Give back @drop: what was held and is not now a valid entry.  Release:
 * this walker's accesses to the table come before whoever frees it.
 * Returns true if the count fell to zero.  A leaf table left empty stays
 * installed; only an unmap that cleared its whole span reclaims it.
 */
static __always_inline bool dart_slot_put(atomic_t *cnt, int drop)
{
	int left;

	if (!drop)
		return false;
	left = atomic_sub_return_release(drop, cnt);
	if (unlikely(left < 0))
		dart_slot_broken(cnt);
	return left == 0;
}

/*
 * The leaf table behind a held slot; a missing one is installed when
 * @gfp allows it.  Returns NULL if there is none and @gfp is 0.
 */
static __always_inline u64 *dart_slot_table(struct dart_pgtable *d, u64 *pp,
					    unsigned long iova, gfp_t gfp)
{
	u64 pte = READ_ONCE(*pp);

	if (likely(dart_pte_valid(pte)))
		return dart_pte_to_table(d, pte);
	if (!gfp)
		return NULL;
	return dart_install_table(d, pp, d->levels - 2, iova, gfp);
}

static inline int dart_check_range(const struct dart_pgtable *d,
				   unsigned long iova, size_t pgsize,
				   size_t pgcount, size_t *size)
{
	const struct io_pgtable_cfg *cfg = &d->iop.cfg;

	if (pgsize != 1UL << d->pg_shift || !pgcount ||
	    !IS_ALIGNED(iova, pgsize))
		return -EINVAL;
	if (check_mul_overflow(pgsize, pgcount, size) ||
	    iova + *size - 1 < iova || (iova + *size - 1) >> cfg->ias)
		return -ERANGE;
	return 0;
}

/* Section 4.1: protection, cache and sub-page bits of a leaf. */
static u64 dart_prot_to_pte(const struct dart_pte_fmt *fmt, int prot)
{
	u64 pte = DART_PTE_VALID | fmt->leaf_fixed;

	if (!(prot & IOMMU_READ))
		pte |= fmt->no_read;
	if (!(prot & IOMMU_WRITE))
		pte |= fmt->no_write;
	if (!(prot & IOMMU_CACHE))
		pte |= fmt->no_cache;
	return pte;
}

/* Section 4.1, the other way: what a leaf lets through. */
static int dart_pte_to_prot(const struct dart_pte_fmt *fmt, u64 pte)
{
	int prot = 0;

	if (!(pte & fmt->no_read))
		prot |= IOMMU_READ;
	if (!(pte & fmt->no_write))
		prot |= IOMMU_WRITE;
	if (fmt->no_cache && !(pte & fmt->no_cache))
		prot |= IOMMU_CACHE;
	return prot;
}

/*
 * The hot paths below walk once per leaf table, not per page, and take
 * one atomic operation per leaf table for a map, two for an unmap.  The
 * common case (two levels, so the leaves' parent is the top table, and
 * one leaf table) is open-coded in the ops with no calls but tail calls:
 * anything unusual continues out of line, finding its slot again from the
 * IOVA (upper tables are never freed, so that walk is stable).
 */

/*
 * Write @n leaves from @ptep on, up to the first entry in use; returns
 * how many were written.  Consecutive leaves differ only in the PA field,
 * which is linear (section 4.1), so each is the previous one plus @step.
 * A single page, the most common map, is one test; longer runs go four
 * at a time: one test and one branch per four entries.
 */
static __always_inline unsigned int dart_write_leaves(u64 *ptep, unsigned int n,
						      u64 pte, u64 step)
{
	unsigned int i = 0;

	if (n == 1) {
		if (READ_ONCE(*ptep))
			return 0;
		WRITE_ONCE(*ptep, pte);
		return 1;
	}
	for (; i + 4 <= n; i += 4, pte += 4 * step) {
		if (READ_ONCE(ptep[i]) | READ_ONCE(ptep[i + 1]) |
		    READ_ONCE(ptep[i + 2]) | READ_ONCE(ptep[i + 3]))
			break;
		WRITE_ONCE(ptep[i], pte);
		WRITE_ONCE(ptep[i + 1], pte + step);
		WRITE_ONCE(ptep[i + 2], pte + 2 * step);
		WRITE_ONCE(ptep[i + 3], pte + 3 * step);
	}
	for (; i < n; i++, pte += step) {
		if (READ_ONCE(ptep[i]))
			break;
		WRITE_ONCE(ptep[i], pte);
	}
	return i;
}

/*
 * Clear up to @n valid leaves from @ptep on, up to the first hole; as
 * above, a single page is one test and longer runs go four at a time.
 */
static __always_inline unsigned int dart_clear_leaves(u64 *ptep, unsigned int n)
{
	unsigned int i = 0;

	if (n == 1) {
		if (!dart_pte_valid(READ_ONCE(*ptep)))
			return 0;
		WRITE_ONCE(*ptep, 0);
		return 1;
	}
	for (; i + 4 <= n; i += 4) {
		if (!(READ_ONCE(ptep[i]) & READ_ONCE(ptep[i + 1]) &
		      READ_ONCE(ptep[i + 2]) & READ_ONCE(ptep[i + 3]) &
		      DART_PTE_VALID))
			break;
		WRITE_ONCE(ptep[i], 0);
		WRITE_ONCE(ptep[i + 1], 0);
		WRITE_ONCE(ptep[i + 2], 0);
		WRITE_ONCE(ptep[i + 3], 0);
	}
	for (; i < n; i++) {
		if (!dart_pte_valid(READ_ONCE(ptep[i])))
			break;
		WRITE_ONCE(ptep[i], 0);
	}
	return i;
}

/*
 * Non-zero if an IOVA range is bad, all conditions in one test: the
 * granule, alignment, a count that is neither 0 nor beyond the IAS
 * (@pgcount - 1 wraps for 0) and an end inside the IAS.  With the count
 * bounded, the end cannot wrap.  Zero exactly when dart_check_range()
 * returns 0.
 */
static __always_inline unsigned long
dart_range_bad(const struct dart_pgtable *d, unsigned long iova,
	       size_t pgsize, size_t pgcount)
{
	unsigned int shift = d->pg_shift, ias = d->iop.cfg.ias;
	unsigned long last = iova + (pgcount << shift) - 1;

	return (pgsize ^ (1UL << shift)) | (iova & ((1UL << shift) - 1)) |
	       ((pgcount - 1) >> (ias - shift)) | ((iova | last) >> ias);
}

/*
 * Map @n pages from @iova, all in the leaf table behind slot @pp, which
 * the caller holds for @n.  Consecutive leaves differ only in the PA
 * field, which is linear (section 4.1), so each entry is the previous one
 * plus @step instead of being encoded anew.
 */
static __always_inline int dart_map_held(struct dart_pgtable *d,
					 unsigned long iova, u64 *pp,
					 atomic_t *cnt, u64 pte, u64 step,
					 unsigned int n, gfp_t gfp,
					 size_t *mapped)
{
	unsigned int i;
	u64 *ptep;

	ptep = dart_slot_table(d, pp, iova, gfp);
	if (IS_ERR(ptep)) {
		dart_slot_put(cnt, n);
		return PTR_ERR(ptep);
	}

	ptep += dart_index(d, d->levels - 1, iova);
	i = dart_write_leaves(ptep, n, pte, step);
	*mapped += (size_t)i << d->pg_shift;
	if (unlikely(i < n)) {
		dart_slot_put(cnt, n - i);
		return -EEXIST;
	}
	return 0;
}

/* Any number of leaf tables, any number of levels: one walk per table. */
static noinline int dart_map_tables(struct dart_pgtable *d, unsigned long iova,
				    u64 pte, u64 step, size_t pgcount,
				    gfp_t gfp, size_t *mapped)
{
	unsigned int entries = dart_entries(d);
	atomic_t *cnt;
	u64 *pp;
	int ret;

	do {
		unsigned int n = min_t(size_t, pgcount, entries -
				       dart_index(d, d->levels - 1, iova));

		pp = dart_leaf_slot(d, iova, gfp, &cnt);
		if (IS_ERR(pp))
			return PTR_ERR(pp);
		dart_slot_hold(cnt, n);
		ret = dart_map_held(d, iova, pp, cnt, pte, step, n, gfp, mapped);
		if (ret)
			return ret;
		pte += n * step;
		iova += (unsigned long)n << d->pg_shift;
		pgcount -= n;
	} while (pgcount);
	return 0;
}

/* The fast path's slot is held for @n but its leaf table is missing. */
static noinline int dart_map_install(struct dart_pgtable *d,
				     unsigned long iova, u64 pte, u64 step,
				     unsigned int n, gfp_t gfp, size_t *mapped)
{
	atomic_t *cnt;
	u64 *pp = dart_leaf_slot(d, iova, 0, &cnt);

	return dart_map_held(d, iova, pp, cnt, pte, step, n, gfp, mapped);
}

/* The checks of dart_map_pages() one by one, for the exact error. */
static noinline int dart_map_bad(struct dart_pgtable *d, unsigned long iova,
				 phys_addr_t paddr, size_t pgsize,
				 size_t pgcount, int prot)
{
	size_t size;
	int ret;

	ret = dart_check_range(d, iova, pgsize, pgcount, &size);
	if (ret)
		return ret;
	if (!IS_ALIGNED(paddr, pgsize) || !(prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	/* A range wrapping past the top of the address space is beyond too. */
	if ((u64)paddr + size - 1 < (u64)paddr ||
	    ((u64)paddr + size - 1) >> d->iop.cfg.oas)
		return -ERANGE;
	/* dart_map_pages() found a fault that the checks above do not. */
	WARN_ON_ONCE(1);
	return -EINVAL;
}

/* Give back @drop of the fast path's slot and fail with @ret. */
static noinline int dart_put_fail(struct dart_pgtable *d, unsigned long iova,
				  unsigned int drop, int ret)
{
	atomic_t *cnt;

	dart_leaf_slot(d, iova, 0, &cnt);
	dart_slot_put(cnt, drop);
	return ret;
}

/*
 * One page under a two-level tree: what nearly every dma_map_*() asks
 * for.  The steps of the general path in dart_map_pages(), with what one
 * page and two levels make constant worked out at allocation; anything
 * out of the ordinary (no leaf table yet, a slot being torn down, an entry
 * in use) goes to the general helpers.  The caller checked the arguments.
 */
static __always_inline int dart_map_one(struct dart_pgtable *d,
					unsigned long iova, phys_addr_t paddr,
					size_t pgsize, int prot, gfp_t gfp,
					size_t *mapped)
{
	unsigned int ttbr = iova >> d->ttbr_shift;
	unsigned int pidx = (iova >> d->top_shift) & d->idx_mask;
	atomic_t *cnt = d->top_cnt[ttbr] + pidx;
	u64 pte, tpte, *ptep;

	pte = d->leaf_prot[prot & DART_PROT_BITS] | dart_pa_to_pte(d, paddr);
	if (unlikely(!dart_slot_try_hold(cnt, 1)))
		return dart_map_tables(d, iova, pte, dart_pa_to_pte(d, pgsize),
				       1, gfp ?: GFP_ATOMIC, mapped);
	tpte = READ_ONCE(d->top[ttbr][pidx]);
	if (unlikely(!dart_pte_valid(tpte)))
		return dart_map_install(d, iova, pte, dart_pa_to_pte(d, pgsize),
					1, gfp ?: GFP_ATOMIC, mapped);
	/* Held, a valid slot entry cannot change: reclaim needs 0 holds. */
	ptep = dart_pte_to_table(d, tpte) + ((iova >> d->pg_shift) & d->idx_mask);
	if (unlikely(READ_ONCE(*ptep)))
		return dart_put_fail(d, iova, 1, -EEXIST);
	WRITE_ONCE(*ptep, pte);
	*mapped += pgsize;
	return 0;
}

/* Any number of pages, and bad arguments. */
static noinline int dart_map_any(struct dart_pgtable *d, unsigned long iova,
				 phys_addr_t paddr, size_t pgsize,
				 size_t pgcount, int prot, gfp_t gfp,
				 size_t *mapped)
{
	unsigned int idx, pidx, ttbr, i;
	u64 pte, step, *ptep, plast, bad;
	atomic_t *cnt;

	/*
	 * All checks in one test; the PA range cannot wrap once the IOVA
	 * range is good, as it is no longer than the IAS.
	 */
	plast = (u64)paddr + ((u64)pgcount << d->pg_shift) - 1;
	bad = dart_range_bad(d, iova, pgsize, pgcount) |
	      (paddr & (pgsize - 1)) | (((u64)paddr | plast) >> d->iop.cfg.oas);
	if (unlikely(bad || !(prot & (IOMMU_READ | IOMMU_WRITE))))
		return dart_map_bad(d, iova, paddr, pgsize, pgcount, prot);

	/* In the OAS, the PA field never carries into the bits above it. */
	pte = d->leaf_prot[prot & DART_PROT_BITS] | dart_pa_to_pte(d, paddr);
	step = dart_pa_to_pte(d, pgsize);
	if (!gfp)
		gfp = GFP_ATOMIC;

	idx = dart_index(d, d->levels - 1, iova);
	if (unlikely(d->levels != DART_MIN_LEVELS ||
		     pgcount > dart_entries(d) - idx))
		return dart_map_tables(d, iova, pte, step, pgcount, gfp, mapped);

	ttbr = dart_ttbr_index(d, iova);
	pidx = dart_index(d, 0, iova);
	cnt = d->top_cnt[ttbr] + pidx;
	if (unlikely(!dart_slot_try_hold(cnt, pgcount)))
		return dart_map_tables(d, iova, pte, step, pgcount, gfp, mapped);
	ptep = d->top[ttbr] + pidx;
	if (unlikely(!dart_pte_valid(READ_ONCE(*ptep))))
		return dart_map_install(d, iova, pte, step, pgcount, gfp, mapped);

	/* Held, a valid slot entry cannot change: reclaim needs 0 holds. */
	ptep = dart_pte_to_table(d, READ_ONCE(*ptep)) + idx;
	i = dart_write_leaves(ptep, pgcount, pte, step);
	*mapped += (size_t)i << d->pg_shift;
	if (unlikely(i < pgcount))
		return dart_put_fail(d, iova, pgcount - i, -EEXIST);
	return 0;
}

static int dart_map_pages(struct io_pgtable_ops *ops, unsigned long iova,
			  phys_addr_t paddr, size_t pgsize, size_t pgcount,
			  int prot, gfp_t gfp, size_t *mapped)
{
	struct dart_pgtable *d = to_dart(ops);

	/*
	 * One page: granule, alignment, IAS and OAS in one test.  For one
	 * aligned page, the last byte is in range if the first one is.
	 */
	if (likely(pgcount == 1 &&
		   !((pgsize ^ d->map_granule) | (iova & d->iova_bad) |
		     (paddr & d->pa_bad)) &&
		   (prot & (IOMMU_READ | IOMMU_WRITE))))
		return dart_map_one(d, iova, paddr, pgsize, prot, gfp, mapped);
	return dart_map_any(d, iova, paddr, pgsize, pgcount, prot, gfp, mapped);
}

/*
 * Clear up to @n pages from @iova in the leaf table behind slot @pp, up
 * to the first hole; returns how many.  The entries to clear would pin the
 * table by themselves, but the first one may be a hole, whose table
 * another walker may reclaim meanwhile: hold the slot.
 */
static __always_inline unsigned int
dart_unmap_leaf(struct dart_pgtable *d, unsigned long iova, u64 *pp,
		atomic_t *cnt, unsigned int n, struct iommu_iotlb_gather *gather)
{
	unsigned int i = 0;
	u64 *ptep;

	dart_slot_hold(cnt, 1);
	ptep = dart_slot_table(d, pp, iova, 0);
	if (ptep)
		i = dart_clear_leaves(ptep + dart_index(d, d->levels - 1, iova), n);
	/* Only a table this call emptied whole is reclaimed. */
	if (dart_slot_put(cnt, 1 + i) && i == dart_entries(d))
		dart_slot_reclaim(d, iova, pp, cnt, gather);
	return i;
}

/* What every unmap ends with, @done pages cleared from @iova on. */
static __always_inline size_t dart_unmap_done(unsigned long iova, size_t done,
					      unsigned int pg_shift,
					      struct iommu_iotlb_gather *gather)
{
	size_t size = done << pg_shift;

	/*
	 * No barrier for the walker: the driver's flush is an MMIO write,
	 * and writel() orders the cleared entries before it (hw §2.3).
	 */
	if (size) {
		/* iommu_iotlb_gather_add_range(), without its branches. */
		if (gather) {
			gather->start = min(gather->start, iova);
			gather->end = max(gather->end, iova + size - 1);
		}
	}
	return size;
}

/*
 * Any number of leaf tables, any number of levels, and the per-page
 * tlb_add_page() callbacks for a driver that has them and wants them.
 * As the io-pgtable contract says: stop at the first hole.
 */
static noinline size_t dart_unmap_tables(struct dart_pgtable *d,
					 unsigned long iova, size_t pgcount,
					 struct iommu_iotlb_gather *gather)
{
	const struct iommu_flush_ops *tlb = d->iop.cfg.tlb;
	unsigned int entries = dart_entries(d), i, j;
	size_t pgsize = 1UL << d->pg_shift, done = 0;
	unsigned long va = iova;
	bool add_page;
	atomic_t *cnt;
	u64 *pp;

	add_page = tlb && tlb->tlb_add_page && !iommu_iotlb_gather_queued(gather);
	do {
		unsigned int n = min_t(size_t, pgcount - done, entries -
				       dart_index(d, d->levels - 1, va));

		pp = dart_leaf_slot(d, va, 0, &cnt);
		if (IS_ERR_OR_NULL(pp))
			break;
		i = dart_unmap_leaf(d, va, pp, cnt, n, gather);
		if (add_page)
			for (j = 0; j < i; j++)
				io_pgtable_tlb_add_page(&d->iop, gather,
							va + j * pgsize, pgsize);
		done += i;
		va += i * pgsize;
		if (i < n)
			break;
	} while (done < pgcount);
	return dart_unmap_done(iova, done, d->pg_shift, gather);
}

/* The fast path cleared a whole leaf table and emptied its count. */
static noinline size_t dart_unmap_reclaim(struct dart_pgtable *d,
					  unsigned long iova, unsigned int done,
					  struct iommu_iotlb_gather *gather)
{
	atomic_t *cnt;
	u64 *pp = dart_leaf_slot(d, iova, 0, &cnt);

	dart_slot_reclaim(d, iova, pp, cnt, gather);
	return dart_unmap_done(iova, done, d->pg_shift, gather);
}

/* A slot count that fell to zero or below after a one-page unmap. */
static noinline void dart_unmap_one_put(atomic_t *cnt, int left)
{
	/* One page can never empty a whole leaf table: no reclaim here. */
	if (left < 0)
		dart_slot_broken(cnt);
}

/*
 * One page under a two-level tree, as dart_map_one() for maps.  As the
 * io-pgtable contract says, a hole unmaps nothing.
 */
static __always_inline size_t dart_unmap_one(struct dart_pgtable *d,
					     unsigned long iova,
					     struct iommu_iotlb_gather *gather)
{
	unsigned int ttbr = iova >> d->ttbr_shift;
	unsigned int pidx = (iova >> d->top_shift) & d->idx_mask;
	atomic_t *cnt = d->top_cnt[ttbr] + pidx;
	u64 tpte, *ptep;
	int left, i = 0;

	/* The entry may be a hole, whose table another unmap may reclaim. */
	if (unlikely(!dart_slot_try_hold(cnt, 1)))
		return dart_unmap_tables(d, iova, 1, gather);
	tpte = READ_ONCE(d->top[ttbr][pidx]);
	if (likely(dart_pte_valid(tpte))) {
		ptep = dart_pte_to_table(d, tpte) +
		       ((iova >> d->pg_shift) & d->idx_mask);
		if (likely(dart_pte_valid(READ_ONCE(*ptep)))) {
			WRITE_ONCE(*ptep, 0);
			i = 1;
		}
	}
	left = atomic_sub_return_release(1 + i, cnt);
	if (unlikely(left <= 0))
		dart_unmap_one_put(cnt, left);
	return dart_unmap_done(iova, i, d->pg_shift, gather);
}

/* Any number of pages, and bad arguments. */
static noinline size_t dart_unmap_any(struct dart_pgtable *d,
				      unsigned long iova, size_t pgsize,
				      size_t pgcount,
				      struct iommu_iotlb_gather *gather)
{
	unsigned int idx, pidx, ttbr, i = 0;
	atomic_t *cnt;
	int left;
	u64 pte;

	/* Bad input unmaps nothing. */
	if (unlikely(dart_range_bad(d, iova, pgsize, pgcount)))
		return 0;

	idx = dart_index(d, d->levels - 1, iova);
	if (unlikely(d->unmap_slow || pgcount > dart_entries(d) - idx))
		return dart_unmap_tables(d, iova, pgcount, gather);

	ttbr = dart_ttbr_index(d, iova);
	pidx = dart_index(d, 0, iova);
	cnt = d->top_cnt[ttbr] + pidx;
	if (unlikely(!dart_slot_try_hold(cnt, 1)))
		return dart_unmap_tables(d, iova, pgcount, gather);
	pte = READ_ONCE(d->top[ttbr][pidx]);
	if (likely(dart_pte_valid(pte)))
		i = dart_clear_leaves(dart_pte_to_table(d, pte) + idx, pgcount);
	/*
	 * A table emptied piecemeal stays installed, so single-page churn
	 * costs no table allocation, free or invalidation.
	 */
	left = atomic_sub_return_release(1 + i, cnt);
	if (unlikely(left <= 0)) {
		if (left < 0)
			dart_slot_broken(cnt);
		else if (i == dart_entries(d))
			return dart_unmap_reclaim(d, iova, i, gather);
	}
	return dart_unmap_done(iova, i, d->pg_shift, gather);
}

static size_t dart_unmap_pages(struct io_pgtable_ops *ops, unsigned long iova,
			       size_t pgsize, size_t pgcount,
			       struct iommu_iotlb_gather *gather)
{
	struct dart_pgtable *d = to_dart(ops);

	if (likely(pgcount == 1 &&
		   !((pgsize ^ d->unmap_granule) | (iova & d->iova_bad))))
		return dart_unmap_one(d, iova, gather);
	return dart_unmap_any(d, iova, pgsize, pgcount, gather);
}

static phys_addr_t dart_iova_to_phys(struct io_pgtable_ops *ops,
				     unsigned long iova)
{
	struct dart_pgtable *d = to_dart(ops);
	phys_addr_t pa = 0;
	atomic_t *cnt;
	u64 *pp, *ptep, pte;

	if (iova >> d->iop.cfg.ias)
		return 0;
	pp = dart_leaf_slot(d, iova, 0, &cnt);
	if (IS_ERR_OR_NULL(pp))
		return 0;
	dart_slot_hold(cnt, 1);
	ptep = dart_slot_table(d, pp, iova, 0);
	if (ptep) {
		pte = READ_ONCE(ptep[dart_index(d, d->levels - 1, iova)]);
		if (dart_pte_valid(pte))
			pa = dart_pte_to_pa(d, pte) |
			     (iova & ((1UL << d->pg_shift) - 1));
	}
	dart_slot_put(cnt, 1);
	return pa;
}

static void dart_free_level(struct dart_pgtable *d, u64 *table,
			    unsigned int lvl)
{
	unsigned int i;

	if (lvl < d->levels - 1) {
		for (i = 0; i < dart_entries(d); i++)
			if (dart_pte_valid(table[i]))
				dart_free_level(d, dart_pte_to_table(d, table[i]),
						lvl + 1);
	}
	if (lvl)
		dart_free_table(d, lvl, table);
}

/*
 * A caller-provided top table outlives the page tables (a locked DART's
 * L1, which the next domain takes over): empty each entry before the
 * table under it goes, so that it never points at freed memory.
 */
static void dart_empty_top(struct dart_pgtable *d, u64 *top)
{
	unsigned int i;
	u64 pte;

	for (i = 0; i < dart_entries(d); i++) {
		pte = top[i];
		if (!dart_pte_valid(pte))
			continue;
		WRITE_ONCE(top[i], 0);
		dart_free_level(d, dart_pte_to_table(d, pte), 1);
	}
}

static void dart_destroy(struct dart_pgtable *d)
{
	unsigned int i;

	for (i = 0; i < d->n_ttbrs; i++) {
		if (d->top[i] && (d->top_foreign & BIT(i))) {
			dart_empty_top(d, d->top[i]);
		} else if (d->top[i]) {
			dart_free_level(d, d->top[i], 0);
			dart_free_table(d, 0, d->top[i]);
		}
		kfree(d->top_cnt[i]);
		bitmap_free(d->top_dirty[i]);
	}
	kfree(d);
}

/*
 * Sizing (section 4.2): the fewest table levels that the DART's TTBRs can
 * cover, never fewer than the two every DART walks.  Returns the TTBR
 * index bits, or -E2BIG if the DART cannot walk this IAS.
 */
static int dart_size_levels(struct dart_pgtable *d, unsigned int ias,
			    unsigned int max_ttbrs, unsigned int max_levels)
{
	int va_bits = ias - d->pg_shift;

	for (d->levels = DART_MIN_LEVELS; d->levels <= max_levels;
	     d->levels++) {
		int ttbr_bits = max_t(int, va_bits - d->levels * d->bpl, 0);

		if ((1U << ttbr_bits) <= max_ttbrs)
			return ttbr_bits;
	}
	return -E2BIG;
}

static int dart_encode_ttbr(enum dart_ttbr_layout layout, phys_addr_t pa,
			    u32 *val)
{
	const struct dart_ttbr_fmt *t = &dart_ttbr_fmts[layout];
	u64 field = (u64)pa >> t->pa_shift;

	if (layout == DART_TTBR_LAYOUT_NONE) {
		*val = 0;
		return 0;
	}
	if (!IS_ALIGNED(pa, 1UL << t->pa_shift) || field >> t->field_bits)
		return -ERANGE;
	*val = t->valid | (u32)(field << t->field_shift);
	return 0;
}

static int dart_setup_top(struct dart_pgtable *d, struct dart_pgtable_cfg *dc,
			  unsigned int i)
{
	unsigned int entries = dart_entries(d);
	phys_addr_t pa;

	if (dc->top_va[i]) {
		/*
		 * A locked DART's L1 is reused as it is, only if empty.  Each
		 * TTBR is decided on its own: a NULL entry means the backend
		 * allocates that table, as the interface documents.
		 */
		if (!IS_ALIGNED(dc->top_pa[i], d->top_size))
			return -EINVAL;
		if (memchr_inv(dc->top_va[i], 0, d->tbl_size))
			return -EBUSY;
		d->top[i] = dc->top_va[i];
		d->top_foreign |= BIT(i);
		pa = dc->top_pa[i];
	} else {
		d->top[i] = dart_alloc_table(d, 0, GFP_KERNEL);
		if (!d->top[i])
			return -ENOMEM;
		pa = virt_to_phys(d->top[i]);
	}

	if (d->levels == DART_MIN_LEVELS) {
		d->top_cnt[i] = kcalloc(entries, sizeof(atomic_t), GFP_KERNEL);
		if (!d->top_cnt[i])
			return -ENOMEM;
	}
	/* All dirty: the driver's first copy writes the whole table. */
	d->top_dirty[i] = bitmap_alloc(entries, GFP_KERNEL);
	if (!d->top_dirty[i])
		return -ENOMEM;
	bitmap_fill(d->top_dirty[i], entries);

	d->iop.cfg.apple_dart_cfg.ttbr[i] = pa;
	return dart_encode_ttbr(dc->ttbr_layout, pa, &dc->ttbr[i]);
}

static const struct io_pgtable_ops dart_ops = {
	.map_pages	= dart_map_pages,
	.unmap_pages	= dart_unmap_pages,
	.iova_to_phys	= dart_iova_to_phys,
};

static struct dart_pgtable *dart_alloc(enum io_pgtable_fmt fmt,
				       struct io_pgtable_cfg *cfg,
				       struct dart_pgtable_cfg *dc,
				       void *cookie)
{
	unsigned int max_ttbrs = dc->max_ttbrs ?: DART_PGTABLE_MAX_TTBRS;
	unsigned int max_levels = dc->max_levels ?: DART_DEFAULT_LEVELS;
	const struct dart_pte_fmt *pte_fmt;
	struct dart_pgtable *d;
	unsigned int i;
	int ret;

	pte_fmt = dart_pte_fmt_of(fmt);
	if (!pte_fmt)
		return ERR_PTR(-EINVAL);

	/* Section 4: the walker must be coherent, there is no cache flush. */
	if (!cfg->coherent_walk || cfg->quirks ||
	    !is_power_of_2(cfg->pgsize_bitmap) ||
	    !(cfg->pgsize_bitmap & pte_fmt->granules) ||
	    max_ttbrs > DART_PGTABLE_MAX_TTBRS ||
	    max_levels < DART_MIN_LEVELS || max_levels > DART_MAX_LEVELS ||
	    dc->ttbr_layout >= ARRAY_SIZE(dart_ttbr_fmts) ||
	    !!cfg->alloc != !!cfg->free)
		return ERR_PTR(-EINVAL);
	if (!cfg->oas || cfg->oas > pte_fmt->oas || cfg->ias > DART_MAX_IAS)
		return ERR_PTR(-ERANGE);

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);

	/* leaf_prot[] is indexed by the three prot bits. */
	BUILD_BUG_ON(DART_PROT_BITS != 7);
	d->pa_shift = pte_fmt->pa_shift;
	d->pa_mask = pte_fmt->pa_mask;
	for (i = 0; i < DART_PROT_COMBOS; i++)
		d->leaf_prot[i] = dart_prot_to_pte(pte_fmt, i);
	d->pg_shift = __ffs(cfg->pgsize_bitmap);
	d->bpl = d->pg_shift - ilog2(sizeof(u64));
	d->tbl_size = cfg->pgsize_bitmap;

	/* Below this a single table level would cover the whole IAS. */
	if (cfg->ias <= d->pg_shift + d->bpl) {
		ret = -EINVAL;
		goto err_free;
	}
	ret = dart_size_levels(d, cfg->ias, max_ttbrs, max_levels);
	if (ret < 0)
		goto err_free;
	d->n_ttbrs = 1U << ret;
	d->ttbr_shift = d->pg_shift + d->levels * d->bpl;
	/* Index bits left for the top table; any above select the TTBR. */
	d->top_entries = 1U << min(d->bpl, cfg->ias - d->pg_shift -
				   (d->levels - 1) * d->bpl);
	d->fmt = pte_fmt;
	d->top_size = max_t(size_t, d->tbl_size,
			    1UL << dart_ttbr_fmts[dc->ttbr_layout].pa_shift);

	d->iop.fmt = fmt;
	d->iop.cookie = cookie;
	d->iop.ops = dart_ops;
	d->table_added = dc->table_added;
	d->unmap_slow = d->levels != DART_MIN_LEVELS ||
			(cfg->tlb && cfg->tlb->tlb_add_page);
	/* What the one-page paths need, ready (dart_map_one()). */
	d->top_shift = d->pg_shift + d->bpl;
	d->idx_mask = dart_entries(d) - 1;
	if (d->levels == DART_MIN_LEVELS)
		d->map_granule = cfg->pgsize_bitmap;
	if (!d->unmap_slow)
		d->unmap_granule = cfg->pgsize_bitmap;
	d->iova_bad = ~(unsigned long)GENMASK_ULL(cfg->ias - 1, 0) |
		      (cfg->pgsize_bitmap - 1);
	d->pa_bad = ~GENMASK_ULL(cfg->oas - 1, 0) | (cfg->pgsize_bitmap - 1);
	d->iop.cfg = *cfg;
	memset(&d->iop.cfg.apple_dart_cfg, 0,
	       sizeof(d->iop.cfg.apple_dart_cfg));
	memset(dc->ttbr, 0, sizeof(dc->ttbr));
	for (i = 0; i < d->n_ttbrs; i++) {
		ret = dart_setup_top(d, dc, i);
		if (ret)
			goto err_destroy;
	}
	d->iop.cfg.apple_dart_cfg.n_ttbrs = d->n_ttbrs;
	dc->n_ttbrs = d->n_ttbrs;
	dc->n_levels = d->levels;
	dc->top_entries = d->top_entries;
	*cfg = d->iop.cfg;
	return d;

err_destroy:
	dart_destroy(d);
	return ERR_PTR(ret);
err_free:
	kfree(d);
	return ERR_PTR(ret);
}

/**
 * dart_io_pgtable_alloc() - allocate DART page tables
 * @fmt:	APPLE_DART or APPLE_DART2 (section 0 says which DART uses which)
 * @cfg:	generic configuration: one granule in @pgsize_bitmap, @ias,
 *		@oas, @coherent_walk (required), optional @tlb, @alloc/@free.
 *		On success @apple_dart_cfg holds each top table's physical
 *		address and the number of TTBRs in use.
 * @dcfg:	DART-specific inputs and outputs, may be NULL for defaults
 *		(four TTBRs, three table levels, no register encoding)
 * @cookie:	passed back to the @cfg->tlb callbacks and to @cfg->alloc
 *
 * The 6.12 io-pgtable registry is fixed when the kernel is built, so a
 * modular DART driver calls this instead of alloc_io_pgtable_ops().  The
 * returned ops are the standard ones.
 *
 * Context: process context, may sleep.
 * Return: the ops, or an error pointer: -EINVAL for an unusable
 * configuration, -ERANGE for an IAS or OAS beyond the format, -E2BIG when
 * the DART's TTBRs and levels cannot cover the IAS, -EBUSY when a
 * caller-provided top table is not empty, -ENOMEM.
 */
struct io_pgtable_ops *dart_io_pgtable_alloc(enum io_pgtable_fmt fmt,
					     struct io_pgtable_cfg *cfg,
					     struct dart_pgtable_cfg *dcfg,
					     void *cookie)
{
	struct dart_pgtable_cfg defaults = {};
	struct dart_pgtable *d;

	d = dart_alloc(fmt, cfg, dcfg ?: &defaults, cookie);
	if (IS_ERR(d))
		return ERR_CAST(d);
	return &d->iop.ops;
}
EXPORT_SYMBOL_GPL(dart_io_pgtable_alloc);

/**
 * dart_io_pgtable_free() - free page tables from dart_io_pgtable_alloc()
 * @ops:	the page tables, may be NULL
 *
 * Like free_io_pgtable_ops(): the tables must no longer be live in any
 * DART; the TLB is flushed through @cfg->tlb before the memory goes.
 * Caller-provided top tables are left in place, emptied.
 */
void dart_io_pgtable_free(struct io_pgtable_ops *ops)
{
	struct dart_pgtable *d;

	if (!ops)
		return;
	d = to_dart(ops);
	io_pgtable_tlb_flush_all(&d->iop);
	dart_destroy(d);
}
EXPORT_SYMBOL_GPL(dart_io_pgtable_free);

/**
 * dart_io_pgtable_sync_top() - report the top-level entries that changed
 * @ops:	the page tables
 * @ttbr:	TTBR index
 * @fn:		called with the index and current value of each entry that
 *		changed
 * @priv:	passed to @fn
 *
 * For a locked DART, whose TTBRs point at the firmware's L1 (section 6),
 * the driver keeps our top table as a shadow and mirrors it into the
 * firmware's page before each TLB invalidation.  Only entries written
 * since the previous call are reported, so that mirroring costs what
 * changed rather than a whole table; right after allocation every entry
 * counts as changed.  Each entry's bit is cleared before its value is
 * read, so an install racing with the call is either reported with its
 * new value now or marked again for the next call.  Calls for one TTBR
 * must be serialised by the caller.
 *
 * Context: any context; @fn runs in the caller's.
 * Return: the number of entries reported.
 */
unsigned int dart_io_pgtable_sync_top(struct io_pgtable_ops *ops,
				      unsigned int ttbr,
				      void (*fn)(void *priv, unsigned int idx,
						 u64 entry),
				      void *priv)
{
	struct dart_pgtable *d = to_dart(ops);
	unsigned int idx, copied = 0;

	if (WARN_ON(ttbr >= d->n_ttbrs))
		return 0;
	for_each_set_bit(idx, d->top_dirty[ttbr], dart_entries(d)) {
		/* Fully ordered: a concurrent install sets the bit again. */
		if (!test_and_clear_bit(idx, d->top_dirty[ttbr]))
			continue;
		fn(priv, idx, READ_ONCE(d->top[ttbr][idx]));
		copied++;
	}
	return copied;
}
EXPORT_SYMBOL_GPL(dart_io_pgtable_sync_top);

/**
 * dart_io_pgtable_top_entry() - one entry of a top-level table
 * @ops:	the page tables
 * @ttbr:	TTBR index, below &dart_pgtable_cfg.n_ttbrs
 * @idx:	entry, below the granule's entry count
 *
 * What dart_io_pgtable_sync_top() would report for the entry, for a
 * driver that compares a whole firmware L1 with the shadow (when a stream
 * switches to these tables).  The value is opaque to the caller.
 *
 * Context: any context.
 * Return: the entry, 0 when out of range.
 */
u64 dart_io_pgtable_top_entry(struct io_pgtable_ops *ops, unsigned int ttbr,
			      unsigned int idx)
{
	struct dart_pgtable *d = to_dart(ops);

	if (WARN_ON(ttbr >= d->n_ttbrs || idx >= dart_entries(d)))
		return 0;
	return READ_ONCE(d->top[ttbr][idx]);
}
EXPORT_SYMBOL_GPL(dart_io_pgtable_top_entry);

/**
 * dart_io_pgtable_decode_ttbr() - the table a TTBR register value points at
 * @layout:	register layout @val was read from
 * @val:	the register
 * @pa:		set to the table's physical address when valid
 *
 * The inverse of the encoding dart_io_pgtable_alloc() reports in
 * &dart_pgtable_cfg.ttbr (section 4.3), for a driver that must use the
 * tables a boot loader programmed into a locked DART.
 *
 * Context: any context.
 * Return: true when @val has its VALID bit set.
 */
bool dart_io_pgtable_decode_ttbr(enum dart_ttbr_layout layout, u32 val,
				 phys_addr_t *pa)
{
	const struct dart_ttbr_fmt *t = &dart_ttbr_fmts[layout];

	if (layout == DART_TTBR_LAYOUT_NONE || !(val & t->valid))
		return false;
	*pa = (phys_addr_t)((val >> t->field_shift) &
			    GENMASK(t->field_bits - 1, 0)) << t->pa_shift;
	return true;
}
EXPORT_SYMBOL_GPL(dart_io_pgtable_decode_ttbr);

/**
 * dart_io_pgtable_get_stats() - table memory currently held
 * @ops:	the page tables
 * @stats:	filled in
 *
 * Tables handed to an unmap's gather are no longer counted.
 *
 * Context: any context.
 */
void dart_io_pgtable_get_stats(struct io_pgtable_ops *ops,
			       struct dart_pgtable_stats *stats)
{
	struct dart_pgtable *d = to_dart(ops);

	stats->tables = atomic_long_read(&d->nr_tables);
	stats->leaf_tables = atomic_long_read(&d->nr_leaves);
	stats->bytes = atomic_long_read(&d->nr_bytes);
}
EXPORT_SYMBOL_GPL(dart_io_pgtable_get_stats);

/**
 * dart_io_pgtable_fmt_pgsizes() - page sizes a PTE format can map
 * @fmt:	APPLE_DART or APPLE_DART2
 *
 * The granules whose page and table addresses the format's PA field can
 * hold (section 4.1), i.e. what dart_io_pgtable_alloc() accepts in
 * io_pgtable_cfg.pgsize_bitmap, one at a time.
 *
 * Context: any context.
 * Return: a bitmap of page sizes, 0 for a format this backend lacks.
 */
unsigned long dart_io_pgtable_fmt_pgsizes(enum io_pgtable_fmt fmt)
{
	const struct dart_pte_fmt *f = dart_pte_fmt_of(fmt);

	return f ? f->granules : 0;
}
EXPORT_SYMBOL_GPL(dart_io_pgtable_fmt_pgsizes);

/**
 * dart_io_pgtable_fmt_name() - a PTE format's name for logs and debugfs
 * @fmt:	APPLE_DART or APPLE_DART2
 *
 * Context: any context.
 * Return: "dart1" or "dart2", "unknown" for a format this backend lacks.
 */
const char *dart_io_pgtable_fmt_name(enum io_pgtable_fmt fmt)
{
	const struct dart_pte_fmt *f = dart_pte_fmt_of(fmt);

	return f ? f->name : "unknown";
}
EXPORT_SYMBOL_GPL(dart_io_pgtable_fmt_name);

/**
 * struct dart_walk - state of one dart_io_pgtable_walk()
 * @d:		the page tables
 * @fn:		the caller's callback
 * @priv:	its argument
 * @stats:	the caller's counts
 * @run:	the run being collected; @run.size is 0 when there is none
 */
struct dart_walk {
	struct dart_pgtable		*d;
	void (*fn)(void *priv, const struct dart_pgtable_run *run);
	void				*priv;
	struct dart_pgtable_walk_stats	*stats;
	struct dart_pgtable_run		run;
};

static void dart_walk_flush(struct dart_walk *w)
{
	if (!w->run.size)
		return;
	w->fn(w->priv, &w->run);
	w->run.size = 0;
}

/* Leaves differ only in the PA field within a run (section 4.1). */
static void dart_walk_leaf(struct dart_walk *w, unsigned long iova, u64 pte)
{
	struct dart_pgtable_run *r = &w->run;
	struct dart_pgtable *d = w->d;
	phys_addr_t pa = dart_pte_to_pa(d, pte);
	u64 attrs = pte & ~d->pa_mask;

	w->stats->pages++;
	if (r->size && iova == r->iova + r->size && pa == r->pa + r->size &&
	    attrs == r->attrs) {
		r->size += 1UL << d->pg_shift;
		return;
	}
	dart_walk_flush(w);
	r->iova = iova;
	r->pa = pa;
	r->attrs = attrs;
	r->prot = dart_pte_to_prot(d->fmt, pte);
	r->size = 1UL << d->pg_shift;
}

static void dart_walk_table(struct dart_walk *w, u64 *table, unsigned int lvl,
			    unsigned int entries, unsigned long base)
{
	struct dart_pgtable *d = w->d;
	unsigned int i;

	w->stats->tables++;
	for (i = 0; i < entries; i++) {
		unsigned long iova = base + ((unsigned long)i <<
					     dart_lvl_shift(d, lvl));
		u64 pte = READ_ONCE(table[i]);
		atomic_t *cnt;
		u64 *leaves;

		if (!dart_pte_valid(pte)) {
			dart_walk_flush(w);
		} else if (lvl == d->levels - 1) {
			dart_walk_leaf(w, iova, pte);
		} else if (!dart_is_leaf_parent(d, lvl)) {
			/* Upper tables live as long as the page table. */
			dart_walk_table(w, dart_pte_to_table(d, pte), lvl + 1,
					dart_entries(d), iova);
		} else {
			/* Held, a leaf table cannot be reclaimed under us. */
			dart_leaf_slot(d, iova, 0, &cnt);
			dart_slot_hold(cnt, 1);
			leaves = dart_slot_table(d, table + i, iova, 0);
			if (leaves)
				dart_walk_table(w, leaves, lvl + 1,
						dart_entries(d), iova);
			else
				dart_walk_flush(w);
			dart_slot_put(cnt, 1);
		}
	}
}

/**
 * dart_io_pgtable_walk() - report what the page tables map, run by run
 * @ops:	the page tables
 * @fn:		called with each run of pages that follow each other in
 *		IOVA and in PA and whose entries agree on everything but the
 *		address, in IOVA order; a run never spans two TTBRs
 * @priv:	passed to @fn
 * @stats:	set to the tables visited and the pages found
 *
 * For debugging output: the caller learns what is mapped without knowing
 * the PTE format.  Mappings may change during the walk, so a run may be
 * stale by the time @fn sees it; each leaf table is held while it is read
 * and cannot be reclaimed meanwhile.
 *
 * Context: any context; @fn runs in the caller's.
 */
void dart_io_pgtable_walk(struct io_pgtable_ops *ops,
			  void (*fn)(void *priv,
				     const struct dart_pgtable_run *run),
			  void *priv, struct dart_pgtable_walk_stats *stats)
{
	struct dart_walk w = {
		.d = to_dart(ops), .fn = fn, .priv = priv, .stats = stats,
	};
	unsigned int i;

	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < w.d->n_ttbrs; i++) {
		dart_walk_table(&w, w.d->top[i], 0, w.d->top_entries,
				(unsigned long)i << w.d->ttbr_shift);
		dart_walk_flush(&w);
	}
}
EXPORT_SYMBOL_GPL(dart_io_pgtable_walk);

#ifndef MODULE
/*
 * In-tree registration.  io_pgtable_init_table[] in io-pgtable.c is
 * static and only names built-in backends, and its alloc hook is not told
 * the format, so each format gets its own entry (see
 * Documentation/dart/io-pgtable.rst for the matching io-pgtable.c hunk).
 */
static struct io_pgtable *dart_init_alloc(enum io_pgtable_fmt fmt,
					  struct io_pgtable_cfg *cfg,
					  void *cookie)
{
	struct dart_pgtable_cfg dc = {};
	struct dart_pgtable *d;

	d = dart_alloc(fmt, cfg, &dc, cookie);
	return IS_ERR(d) ? NULL : &d->iop;
}

static struct io_pgtable *dart1_init_alloc(struct io_pgtable_cfg *cfg,
					   void *cookie)
{
	return dart_init_alloc(APPLE_DART, cfg, cookie);
}

static struct io_pgtable *dart2_init_alloc(struct io_pgtable_cfg *cfg,
					   void *cookie)
{
	return dart_init_alloc(APPLE_DART2, cfg, cookie);
}

static void dart_init_free(struct io_pgtable *iop)
{
	dart_destroy(container_of(iop, struct dart_pgtable, iop));
}

struct io_pgtable_init_fns io_pgtable_apple_dart_init_fns = {
	.alloc	= dart1_init_alloc,
	.free	= dart_init_free,
	.caps	= IO_PGTABLE_CAP_CUSTOM_ALLOCATOR,
};

struct io_pgtable_init_fns io_pgtable_apple_dart2_init_fns = {
	.alloc	= dart2_init_alloc,
	.free	= dart_init_free,
	.caps	= IO_PGTABLE_CAP_CUSTOM_ALLOCATOR,
};
#endif

MODULE_DESCRIPTION("Apple DART page tables (APPLE_DART, APPLE_DART2)");
MODULE_LICENSE("GPL");
