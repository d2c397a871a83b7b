// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the Apple DART page-table backend.
 *
 * The tests check the backend against dart-hw.md, not against itself: the
 * expected geometry of every configuration is worked out by hand from
 * section 4.2, and the tables are read back through a decoder of the
 * section 4.1 and 4.3 encodings that shares no code with the backend.
 * The randomized test compares every operation with a plain reference
 * model (an xarray of page -> address and protection).
 *
 * Every table page goes through the test's allocator hooks, so leaks show
 * up as allocations without a matching free.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/io-pgtable.h>
#include <linux/ktime.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmstat.h>
#include <linux/xarray.h>

#include "iommu-pages.h"
#include "io-pgtable-dart.h"

static unsigned int rand_ops = 10000;
module_param(rand_ops, uint, 0444);
MODULE_PARM_DESC(rand_ops,
		 "randomized operations per configuration (10 configurations; raise to soak)");

static unsigned int rand_seed = 1;
module_param(rand_seed, uint, 0444);
MODULE_PARM_DESC(rand_seed, "seed of the randomized test");

static unsigned int stress_iters = 20000;
module_param(stress_iters, uint, 0444);
MODULE_PARM_DESC(stress_iters, "map/unmap pairs per thread in the concurrency test");

/*
 * Section 4.1, restated for decoding.  A PTE holds a window of the
 * physical address: PA bit @pa_lo sits at PTE bit @field_lo and the
 * window ends at PTE bit @field_hi.
 */
struct ref_pte_layout {
	unsigned int	field_lo;
	unsigned int	field_hi;
	unsigned int	pa_lo;
	unsigned int	no_read_bit;
	unsigned int	no_write_bit;
	int		no_cache_bit;	/* -1: none */
	int		sp_dis_bit;	/* -1: none */
};

static const struct ref_pte_layout ref_dart1 = {
	.field_lo = 12, .field_hi = 35, .pa_lo = 12,
	.no_read_bit = 8, .no_write_bit = 7,
	.no_cache_bit = -1, .sp_dis_bit = 1,
};

static const struct ref_pte_layout ref_dart2 = {
	.field_lo = 10, .field_hi = 37, .pa_lo = 14,
	.no_read_bit = 3, .no_write_bit = 2,
	.no_cache_bit = 1, .sp_dis_bit = -1,
};

/* Section 4.3: where each register layout keeps the table address. */
struct ref_ttbr_layout {
	enum dart_ttbr_layout layout;
	unsigned int	valid_bit;
	unsigned int	field_lo;
	unsigned int	field_width;
	unsigned int	pa_lo;
};

static const struct ref_ttbr_layout ref_ttbr_t8020 = {
	.layout = DART_TTBR_LAYOUT_T8020,
	.valid_bit = 31, .field_lo = 0, .field_width = 31, .pa_lo = 12,
};

static const struct ref_ttbr_layout ref_ttbr_t8110 = {
	.layout = DART_TTBR_LAYOUT_T8110,
	.valid_bit = 0, .field_lo = 2, .field_width = 28, .pa_lo = 14,
};

/**
 * struct dart_case - one configuration of the matrix
 * @name:	description
 * @fmt:	PTE format
 * @ref:	decoder for @fmt
 * @ttbr_ref:	TTBR register layout asked for, and its decoder
 * @gshift:	log2 of the granule
 * @ias:	input address bits
 * @oas:	output address bits
 * @max_ttbrs:	TTBRs the DART has
 * @max_levels:	deepest walk the DART does
 * @levels:	expected table levels, worked out from section 4.2
 * @ttbrs:	expected TTBRs in use, likewise
 */
struct dart_case {
	const char			*name;
	enum io_pgtable_fmt		fmt;
	const struct ref_pte_layout	*ref;
	const struct ref_ttbr_layout	*ttbr_ref;
	unsigned int			gshift;
	unsigned int			ias;
	unsigned int			oas;
	unsigned int			max_ttbrs;
	unsigned int			max_levels;
	unsigned int			levels;
	unsigned int			ttbrs;
};

#define T8020	(&ref_ttbr_t8020)
#define T8110	(&ref_ttbr_t8110)

/*
 * Expected geometry: with b = granule shift - 3 index bits per level, the
 * IAS needs ias - shift bits of indices; two levels take 2b, anything
 * left selects the TTBR if the DART has that many, otherwise a further
 * level is needed.
 */
static const struct dart_case dart_cases[] = {
	/* M1: 18 index bits fit two 11-bit levels, one TTBR. */
	{ "dart1-16k-ias32", APPLE_DART, &ref_dart1, T8020, 14, 32, 36, 4, 2, 2, 1 },
	/* T8020 at its widest: 24 bits = 22 + 2 TTBR bits. */
	{ "dart1-16k-ias38-4ttbr", APPLE_DART, &ref_dart1, T8020, 14, 38, 36, 4, 2, 2, 4 },
	/* 4K: 20 bits = 18 + 2, all four TTBRs of 1 GiB each. */
	{ "dart1-4k-ias32-4ttbr", APPLE_DART, &ref_dart1, T8020, 12, 32, 36, 4, 2, 2, 4 },
	/* 24 bits with one TTBR: three 9-bit levels. */
	{ "dart1-4k-ias36-3lvl", APPLE_DART, &ref_dart1, T8020, 12, 36, 36, 1, 3, 3, 1 },
	/* 29 bits = 27 + 2: three levels and four TTBRs. */
	{ "dart1-4k-ias41-3lvl-4ttbr", APPLE_DART, &ref_dart1, T8020, 12, 41, 36, 4, 3, 3, 4 },
	/* 30 bits: 27 + 3 would need 8 TTBRs, so four levels. */
	{ "dart1-4k-ias42-4lvl", APPLE_DART, &ref_dart1, T8020, 12, 42, 36, 1, 4, 4, 1 },
	/* M1 Pro (T6000 registers, DART2 PTEs). */
	{ "dart2-16k-ias32", APPLE_DART2, &ref_dart2, T8020, 14, 32, 42, 4, 2, 2, 1 },
	/* M2 T8110 at 36 bits: exactly two levels. */
	{ "dart2-16k-ias36-t8110", APPLE_DART2, &ref_dart2, T8110, 14, 36, 42, 1, 3, 2, 1 },
	/* T602x: 28 bits, one TTBR, three levels, 64 top entries. */
	{ "dart2-16k-ias42-t8110-3lvl", APPLE_DART2, &ref_dart2, T8110, 14, 42, 42, 1, 3, 3, 1 },
	/* 24 bits = 22 + 2 on a four-TTBR T6000. */
	{ "dart2-16k-ias38-4ttbr", APPLE_DART2, &ref_dart2, T8020, 14, 38, 42, 4, 2, 2, 4 },
};

static void dart_case_desc(const struct dart_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dart_case, dart_cases, dart_case_desc);

/*
 * Freed tables are poisoned and held back for a while, so that a write
 * after free shows up when they are recycled.  The poison has the VALID
 * bit set: a walker reading a freed table sees entries, and fails loudly
 * (-EEXIST, wrong translations, pages unmapped that were not mapped).
 */
#define T_QUARANTINE	16
#define T_POISON	0xa5

struct dying_arg;
static void dying_hold(struct dying_arg *a);

/**
 * struct tctx - one page table under test
 * @test:	the test
 * @c:		its configuration
 * @cfg:	generic configuration
 * @dcfg:	DART configuration
 * @ops:	the page table
 * @allocs:	table allocations through the hooks
 * @frees:	table frees through the hooks
 * @live_bytes:	bytes allocated and not yet freed
 * @flush_walks: tlb_flush_walk calls
 * @flush_alls:	tlb_flush_all calls
 * @bpl:	index bits per level
 * @gran:	granule
 * @q_lock:	protects the quarantine
 * @q:		tables freed through the hooks, poisoned, not yet given back
 * @q_size:	their sizes
 * @q_next:	next quarantine slot to recycle
 * @q_dirty:	quarantined tables written after they were freed
 * @tables_added: new tables the backend reported (dcfg.table_added)
 * @fail_in:	when set, the hook's allocation that counts it down to 0
 *		fails
 * @dying:	when set, tlb_flush_walk stops in dying_hold() with it
 * @add_pages:	tlb_add_page calls
 * @add_next:	the IOVA the next tlb_add_page call should give
 * @add_bad:	tlb_add_page calls out of order or of the wrong size
 */
struct tctx {
	struct kunit			*test;
	const struct dart_case		*c;
	struct io_pgtable_cfg		cfg;
	struct dart_pgtable_cfg		dcfg;
	struct io_pgtable_ops		*ops;
	atomic_long_t			allocs;
	atomic_long_t			frees;
	atomic_long_t			live_bytes;
	atomic_long_t			flush_walks;
	atomic_long_t			flush_alls;
	unsigned int			bpl;
	unsigned long			gran;
	spinlock_t			q_lock;	/* the quarantine: q, q_size, q_next */
	void				*q[T_QUARANTINE];
	size_t				q_size[T_QUARANTINE];
	unsigned int			q_next;
	atomic_long_t			q_dirty;
	atomic_long_t			tables_added;
	atomic_t			fail_in;
	struct dying_arg		*dying;
	unsigned long			add_pages;
	unsigned long			add_next;
	unsigned long			add_bad;
};

static void *t_alloc(void *cookie, size_t size, gfp_t gfp)
{
	struct tctx *t = cookie;
	void *p;

	if (atomic_read(&t->fail_in) > 0 && atomic_dec_return(&t->fail_in) == 0)
		return NULL;
	if (size >= PAGE_SIZE)
		p = (void *)__get_free_pages(gfp | __GFP_ZERO, get_order(size));
	else
		p = kzalloc(size, gfp);
	if (p) {
		atomic_long_inc(&t->allocs);
		atomic_long_add(size, &t->live_bytes);
	}
	return p;
}

static void t_release(struct tctx *t, void *p, size_t size)
{
	if (memchr_inv(p, T_POISON, size))
		atomic_long_inc(&t->q_dirty);
	if (size >= PAGE_SIZE)
		free_pages((unsigned long)p, get_order(size));
	else
		kfree(p);
}

static void t_free(void *cookie, void *p, size_t size)
{
	struct tctx *t = cookie;
	unsigned long flags;
	size_t old_size;
	void *old;

	atomic_long_inc(&t->frees);
	atomic_long_sub(size, &t->live_bytes);
	memset(p, T_POISON, size);
	spin_lock_irqsave(&t->q_lock, flags);
	old = t->q[t->q_next];
	old_size = t->q_size[t->q_next];
	t->q[t->q_next] = p;
	t->q_size[t->q_next] = size;
	t->q_next = (t->q_next + 1) % T_QUARANTINE;
	spin_unlock_irqrestore(&t->q_lock, flags);
	if (old)
		t_release(t, old, old_size);
}

/* Give the quarantine back; no page table may be using the hooks. */
static void t_drain(struct tctx *t)
{
	unsigned int i;

	for (i = 0; i < T_QUARANTINE; i++) {
		if (t->q[i])
			t_release(t, t->q[i], t->q_size[i]);
		t->q[i] = NULL;
	}
}

static void t_flush_all(void *cookie)
{
	struct tctx *t = cookie;

	atomic_long_inc(&t->flush_alls);
}

static void t_flush_walk(unsigned long iova, size_t size, size_t granule,
			 void *cookie)
{
	struct tctx *t = cookie;

	/* A reclaimed leaf table: its whole span, aligned. */
	WARN_ON(size != t->gran << t->bpl || !IS_ALIGNED(iova, size) ||
		granule != t->gran);
	atomic_long_inc(&t->flush_walks);
	if (t->dying)
		dying_hold(t->dying);
}

static const struct iommu_flush_ops t_tlb = {
	.tlb_flush_all	= t_flush_all,
	.tlb_flush_walk	= t_flush_walk,
};

static void t_add_page(struct iommu_iotlb_gather *gather, unsigned long iova,
		       size_t granule, void *cookie)
{
	struct tctx *t = cookie;

	if (iova != t->add_next || granule != t->gran)
		t->add_bad++;
	t->add_next = iova + granule;
	t->add_pages++;
}

/* The flush ops of a driver that wants to hear of every page unmapped. */
static const struct iommu_flush_ops t_tlb_pages = {
	.tlb_flush_all	= t_flush_all,
	.tlb_flush_walk	= t_flush_walk,
	.tlb_add_page	= t_add_page,
};

/* A configuration for @c; tables come from the default allocator. */
static void t_init_cfg(struct tctx *t, struct kunit *test,
		       const struct dart_case *c)
{
	t_drain(t);
	memset(t, 0, sizeof(*t));
	spin_lock_init(&t->q_lock);
	t->test = test;
	t->c = c;
	t->gran = 1UL << c->gshift;
	t->bpl = c->gshift - 3;
	t->cfg.pgsize_bitmap = t->gran;
	t->cfg.ias = c->ias;
	t->cfg.oas = c->oas;
	t->cfg.coherent_walk = true;
	t->cfg.tlb = &t_tlb;
	t->dcfg.max_ttbrs = c->max_ttbrs;
	t->dcfg.max_levels = c->max_levels;
	t->dcfg.ttbr_layout = c->ttbr_ref->layout;
}

/* Tables go through the test's allocator, which counts and poisons. */
static void t_use_hooks(struct tctx *t)
{
	t->cfg.alloc = t_alloc;
	t->cfg.free = t_free;
}

static void t_alloc_ops(struct tctx *t)
{
	t->ops = dart_io_pgtable_alloc(t->c->fmt, &t->cfg, &t->dcfg, t);
	KUNIT_ASSERT_FALSE_MSG(t->test, IS_ERR_OR_NULL(t->ops), "alloc: %ld",
			       PTR_ERR(t->ops));
}

static struct tctx *t_new(struct kunit *test)
{
	const struct dart_case *c = test->param_value;
	struct tctx *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t_init_cfg(t, test, c);
	t_use_hooks(t);
	t_alloc_ops(t);
	return t;
}

/*
 * Free the tables; every table allocated must have come back, and none
 * may have been written after it was freed.
 */
static void t_done(struct tctx *t)
{
	dart_io_pgtable_free(t->ops);
	t->ops = NULL;
	t_drain(t);
	KUNIT_EXPECT_EQ(t->test, atomic_long_read(&t->allocs),
			atomic_long_read(&t->frees));
	KUNIT_EXPECT_EQ(t->test, atomic_long_read(&t->live_bytes), 0);
	KUNIT_EXPECT_EQ_MSG(t->test, atomic_long_read(&t->q_dirty), 0,
			    "tables written after they were freed");
}

/* Decoders, from section 4.1 and 4.3 only. */
static phys_addr_t ref_pte_pa(const struct ref_pte_layout *l, u64 pte)
{
	unsigned int width = l->field_hi - l->field_lo + 1;

	return ((pte >> l->field_lo) & GENMASK_ULL(width - 1, 0)) << l->pa_lo;
}

static phys_addr_t ref_ttbr_pa(const struct ref_ttbr_layout *l, u32 reg)
{
	return ((u64)(reg >> l->field_lo) & GENMASK_ULL(l->field_width - 1, 0))
		<< l->pa_lo;
}

static int ref_pte_prot(const struct ref_pte_layout *l, u64 pte)
{
	int prot = 0;

	if (!(pte & BIT_ULL(l->no_read_bit)))
		prot |= IOMMU_READ;
	if (!(pte & BIT_ULL(l->no_write_bit)))
		prot |= IOMMU_WRITE;
	if (l->no_cache_bit >= 0 && !(pte & BIT_ULL(l->no_cache_bit)))
		prot |= IOMMU_CACHE;
	return prot;
}

/*
 * The whole leaf, bit for bit, as section 4.1 lays it out: nothing but
 * VALID, the address, the protection bits and the sub-page fields.  Linux
 * writes SP_START 0 and SP_END 0xfff on both formats (section 4.1).
 */
static u64 ref_leaf(const struct ref_pte_layout *l, phys_addr_t pa, int prot)
{
	u64 pte = BIT_ULL(0) | (u64)(pa >> l->pa_lo) << l->field_lo;

	if (!(prot & IOMMU_READ))
		pte |= BIT_ULL(l->no_read_bit);
	if (!(prot & IOMMU_WRITE))
		pte |= BIT_ULL(l->no_write_bit);
	if (l->no_cache_bit >= 0 && !(prot & IOMMU_CACHE))
		pte |= BIT_ULL(l->no_cache_bit);
	if (l->sp_dis_bit >= 0)
		pte |= BIT_ULL(l->sp_dis_bit);
	return pte | 0xfffULL << 40;
}

/* The protection a mapping must read back as. */
static int ref_expected_prot(const struct ref_pte_layout *l, int prot)
{
	prot &= IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	if (l->no_cache_bit < 0)
		prot &= ~IOMMU_CACHE;
	return prot;
}

static u64 *ref_top(struct tctx *t, unsigned int ttbr)
{
	phys_addr_t pa = ref_ttbr_pa(t->c->ttbr_ref, t->dcfg.ttbr[ttbr]);

	return phys_to_virt(pa);
}

/*
 * Section 4.2 walk: the TTBR index above all table levels, then one index
 * per level from the top, each (gshift - 3) bits wide.  Returns the entry
 * at level @depth (0: the top table), 0 if the walk stops before it.
 */
static u64 ref_walk_to(struct tctx *t, unsigned long iova, unsigned int depth)
{
	const struct dart_case *c = t->c;
	unsigned long ttbr = iova >> (c->gshift + c->levels * t->bpl);
	unsigned int lvl;
	u64 *table, pte = 0;

	if (ttbr >= c->ttbrs)
		return 0;
	table = ref_top(t, ttbr);
	for (lvl = 0; lvl <= depth; lvl++) {
		unsigned int shift = c->gshift + (c->levels - 1 - lvl) * t->bpl;

		pte = table[(iova >> shift) & ((1UL << t->bpl) - 1)];
		if (!(pte & 1))
			return 0;
		if (lvl == depth)
			break;
		/* Section 4.1: a table entry is only VALID and the address. */
		KUNIT_EXPECT_EQ(t->test, pte & ~GENMASK_ULL(c->ref->field_hi,
							    c->ref->field_lo), 1ULL);
		table = phys_to_virt(ref_pte_pa(c->ref, pte));
	}
	return pte;
}

/* The leaf entry of @iova, 0 if it is not mapped. */
static u64 ref_walk(struct tctx *t, unsigned long iova)
{
	return ref_walk_to(t, iova, t->c->levels - 1);
}

/* Check one page's leaf against what it should map (pa 0: nothing). */
static void ref_check_page(struct tctx *t, unsigned long iova, phys_addr_t pa,
			   int prot)
{
	const struct ref_pte_layout *l = t->c->ref;
	u64 pte = ref_walk(t, iova);
	phys_addr_t off = t->gran / 2 + 8;

	if (!pa) {
		KUNIT_EXPECT_EQ_MSG(t->test, pte, 0ULL, "iova %#lx", iova);
		KUNIT_EXPECT_EQ_MSG(t->test, t->ops->iova_to_phys(t->ops, iova + off),
				    0, "iova %#lx", iova);
		return;
	}
	KUNIT_EXPECT_EQ_MSG(t->test, ref_pte_pa(l, pte), pa, "iova %#lx", iova);
	KUNIT_EXPECT_EQ_MSG(t->test, ref_pte_prot(l, pte),
			    ref_expected_prot(l, prot), "iova %#lx", iova);
	KUNIT_EXPECT_EQ_MSG(t->test, pte, ref_leaf(l, pa, prot), "iova %#lx", iova);
	KUNIT_EXPECT_EQ_MSG(t->test, t->ops->iova_to_phys(t->ops, iova + off),
			    pa + off, "iova %#lx", iova);
}

static int t_map(struct tctx *t, unsigned long iova, phys_addr_t pa,
		 size_t pages, int prot, size_t *mapped)
{
	*mapped = 0;
	return t->ops->map_pages(t->ops, iova, pa, t->gran, pages, prot,
				 GFP_KERNEL, mapped);
}

static size_t t_unmap(struct tctx *t, unsigned long iova, size_t pages)
{
	return t->ops->unmap_pages(t->ops, iova, t->gran, pages, NULL);
}

static unsigned long t_leaf_span(struct tctx *t)
{
	return t->gran << t->bpl;
}

static unsigned long t_ttbr_span(struct tctx *t)
{
	return 1UL << (t->c->gshift + t->c->levels * t->bpl);
}

static phys_addr_t t_pa(struct tctx *t, unsigned long n)
{
	/* Near the top of the OAS, so every PA field bit is exercised. */
	return (1ULL << t->c->oas) - (n + 1) * t->gran;
}

static void dart_test_geometry(struct kunit *test)
{
	struct tctx *t = t_new(test);
	const struct dart_case *c = t->c;
	struct dart_pgtable_stats st;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, t->dcfg.n_levels, c->levels);
	KUNIT_EXPECT_EQ(test, t->dcfg.n_ttbrs, c->ttbrs);
	KUNIT_EXPECT_EQ(test, t->cfg.apple_dart_cfg.n_ttbrs, c->ttbrs);
	KUNIT_EXPECT_EQ(test, t->cfg.pgsize_bitmap, t->gran);
	for (i = 0; i < DART_PGTABLE_MAX_TTBRS; i++) {
		u32 reg = t->dcfg.ttbr[i];
		phys_addr_t pa = 0;

		/* A locked DART's TTBRs are read back (section 6). */
		KUNIT_EXPECT_EQ(test, dart_io_pgtable_decode_ttbr(c->ttbr_ref->layout,
								  reg, &pa),
				i < c->ttbrs);
		if (i >= c->ttbrs) {
			KUNIT_EXPECT_EQ(test, reg, 0U);
			continue;
		}
		KUNIT_EXPECT_EQ(test, pa,
				(phys_addr_t)t->cfg.apple_dart_cfg.ttbr[i]);
		KUNIT_EXPECT_TRUE(test, reg & BIT(c->ttbr_ref->valid_bit));
		KUNIT_EXPECT_EQ(test, ref_ttbr_pa(c->ttbr_ref, reg),
				(phys_addr_t)t->cfg.apple_dart_cfg.ttbr[i]);
		/* Section 4.3: VALID and the address field, nothing else. */
		KUNIT_EXPECT_EQ(test, reg, (u32)(BIT(c->ttbr_ref->valid_bit) |
			(t->cfg.apple_dart_cfg.ttbr[i] >> c->ttbr_ref->pa_lo) <<
			c->ttbr_ref->field_lo));
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(t->cfg.apple_dart_cfg.ttbr[i],
						   t->gran));
	}
	dart_io_pgtable_get_stats(t->ops, &st);
	KUNIT_EXPECT_EQ(test, st.tables, (unsigned long)c->ttbrs);
	KUNIT_EXPECT_EQ(test, st.leaf_tables, 0UL);
	t_done(t);
}

/* Sample IOVAs: both ends of the space and of every TTBR and leaf table. */
static unsigned int t_edges(struct tctx *t, unsigned long *iova)
{
	unsigned long top = 1UL << t->c->ias;
	unsigned int i, n = 0;

	for (i = 0; i < t->c->ttbrs; i++) {
		iova[n++] = i * t_ttbr_span(t);
		iova[n++] = min((i + 1) * t_ttbr_span(t), top) - t->gran;
	}
	iova[n++] = t_leaf_span(t) - t->gran;
	iova[n++] = t_leaf_span(t);
	iova[n++] = top - t->gran;
	return n;
}

static void dart_test_empty(struct kunit *test)
{
	struct tctx *t = t_new(test);
	unsigned long iova[16];
	unsigned int i, n = t_edges(t, iova);

	for (i = 0; i < n; i++)
		ref_check_page(t, iova[i], 0, 0);
	for (i = 0; i < t->c->ttbrs; i++)
		KUNIT_EXPECT_NULL(test, memchr_inv(ref_top(t, i), 0, t->gran));
	KUNIT_EXPECT_EQ(test, t_unmap(t, 0, 1), 0UL);
	t_done(t);
}

static void t_check_range(struct tctx *t, unsigned long iova, phys_addr_t pa,
			  size_t pages, int prot)
{
	size_t i;

	for (i = 0; i < pages; i++)
		ref_check_page(t, iova + i * t->gran, pa ? pa + i * t->gran : 0,
			       prot);
}

/* Map each size, translate, overlap, unmap, remap. */
static void dart_test_map_sizes(struct kunit *test)
{
	struct tctx *t = t_new(test);
	unsigned long entries = 1UL << t->bpl;
	unsigned long span = t_leaf_span(t);
	struct {
		unsigned long iova;
		size_t pages;
	} r[] = {
		{ 0, 1 },
		{ span - 3 * t->gran, 7 },		/* across a leaf table */
		{ 2 * span, entries },			/* one whole leaf table */
		{ 4 * span - 2 * t->gran, 2 * entries + 5 }, /* three tables */
	};
	int prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	size_t mapped;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(r); i++) {
		unsigned long iova = r[i].iova, last;
		size_t pages = r[i].pages, size = pages * t->gran;
		phys_addr_t pa = t_pa(t, 4 * entries);

		last = iova + size - t->gran;
		KUNIT_ASSERT_EQ(test, t_map(t, iova, pa, pages, prot, &mapped), 0);
		KUNIT_EXPECT_EQ(test, mapped, size);
		t_check_range(t, iova, pa, pages, prot);

		/* Overlaps at the start, in the middle and at the end. */
		KUNIT_EXPECT_EQ(test, t_map(t, iova, pa, 1, prot, &mapped), -EEXIST);
		KUNIT_EXPECT_EQ(test, mapped, 0UL);
		KUNIT_EXPECT_EQ(test, t_map(t, last, pa, 1, prot, &mapped), -EEXIST);
		if (iova >= 2 * t->gran) {
			/* Starts below: the free pages before get mapped. */
			KUNIT_EXPECT_EQ(test, t_map(t, iova - 2 * t->gran, pa, 4,
						    prot, &mapped), -EEXIST);
			KUNIT_EXPECT_EQ(test, mapped, 2 * t->gran);
			KUNIT_EXPECT_EQ(test, t_unmap(t, iova - 2 * t->gran, 2),
					2 * t->gran);
		}
		/* Unchanged by the failed maps. */
		t_check_range(t, iova, pa, pages, prot);

		KUNIT_EXPECT_EQ(test, t_unmap(t, iova, pages), size);
		t_check_range(t, iova, 0, pages, 0);
		KUNIT_EXPECT_EQ(test, t_unmap(t, iova, pages), 0UL);

		/* Remap somewhere else, read-only. */
		KUNIT_ASSERT_EQ(test, t_map(t, iova, pa - size, pages, IOMMU_READ,
					    &mapped), 0);
		t_check_range(t, iova, pa - size, pages, IOMMU_READ);
		KUNIT_EXPECT_EQ(test, t_unmap(t, iova, pages), size);
	}
	t_done(t);
}

/*
 * A map across four leaf tables (and, with three levels, two
 * intermediate ones) with its Nth table allocation failing, N = 1, 2, ...
 * until it succeeds: each failure is -ENOMEM with what was mapped
 * reported, that part mapped right and nothing beyond it, and the
 * caller's unmap of it (what the core does) leaves tables that a full
 * map then fills.  t_done() checks every table came back.  Catches a
 * failed install that leaves a hold on its slot (the next map or the
 * reclaim then spins), reports pages it did not map, or leaks the table.
 */
static void dart_test_alloc_fail(struct kunit *test)
{
	struct tctx *t = t_new(test);
	unsigned long entries = 1UL << t->bpl, span = t_leaf_span(t);
	size_t pages = 2 * entries + 5, size = pages * t->gran, mapped;
	int prot = IOMMU_READ | IOMMU_WRITE;
	phys_addr_t pa = t_pa(t, pages);
	unsigned long iova = 4 * span - 2 * t->gran;
	unsigned int n;
	int ret;

	if (t->c->levels > 2 && entries * span + size <= t_ttbr_span(t))
		iova = entries * span - 2 * t->gran;
	for (n = 1; n < 16; n++) {
		atomic_set(&t->fail_in, n);
		ret = t_map(t, iova, pa, pages, prot, &mapped);
		if (atomic_xchg(&t->fail_in, 0)) {
			/* Fewer than n allocations: it went through. */
			KUNIT_EXPECT_EQ(test, ret, 0);
			KUNIT_EXPECT_EQ(test, mapped, size);
			t_check_range(t, iova, pa, pages, prot);
			KUNIT_EXPECT_EQ(test, t_unmap(t, iova, pages), size);
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "allocation %u", n);
		KUNIT_EXPECT_LT(test, mapped, size);
		KUNIT_EXPECT_EQ(test, mapped % t->gran, 0UL);
		t_check_range(t, iova, pa, mapped / t->gran, prot);
		t_check_range(t, iova + mapped, 0, pages - mapped / t->gran, 0);
		if (mapped)
			KUNIT_EXPECT_EQ(test, t_unmap(t, iova, mapped / t->gran),
					mapped);
		if (test->status == KUNIT_FAILURE)
			break;
	}
	/* At least the first leaf table's allocation failed once. */
	KUNIT_EXPECT_GE(test, n, 2U);
	KUNIT_EXPECT_LT(test, n, 16U);
	t_done(t);
}

/* First and last page of each TTBR, last page of the space, and across. */
static void dart_test_edges(struct kunit *test)
{
	struct tctx *t = t_new(test);
	int prot = IOMMU_READ | IOMMU_WRITE;
	unsigned long iova[16];
	unsigned int i, n = t_edges(t, iova);
	size_t mapped;

	for (i = 0; i < n; i++) {
		phys_addr_t pa = t_pa(t, i);

		KUNIT_EXPECT_EQ(test, t_map(t, iova[i], pa, 1, prot, &mapped), 0);
		ref_check_page(t, iova[i], pa, prot);
		KUNIT_EXPECT_EQ(test, t_unmap(t, iova[i], 1), t->gran);
		ref_check_page(t, iova[i], 0, 0);
	}
	/* One call spanning each pair of neighbouring TTBRs. */
	for (i = 1; i < t->c->ttbrs; i++) {
		unsigned long va = i * t_ttbr_span(t) - t->gran;

		KUNIT_EXPECT_EQ(test, t_map(t, va, t_pa(t, 9), 2, prot, &mapped), 0);
		t_check_range(t, va, t_pa(t, 9), 2, prot);
		KUNIT_EXPECT_NE(test, ref_walk(t, va), 0ULL);
		KUNIT_EXPECT_EQ(test, t_unmap(t, va, 2), 2 * t->gran);
	}
	t_done(t);
}

static void dart_test_errors(struct kunit *test)
{
	struct tctx *t = t_new(test);
	unsigned long top = 1UL << t->c->ias, g = t->gran;
	phys_addr_t oas_top = 1ULL << t->c->oas;
	int rw = IOMMU_READ | IOMMU_WRITE;
	size_t mapped;

	/* prot needs READ or WRITE. */
	KUNIT_EXPECT_EQ(test, t_map(t, 0, g, 1, 0, &mapped), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_map(t, 0, g, 1, IOMMU_CACHE, &mapped), -EINVAL);
	/* Misaligned IOVA, PA, wrong page size, no pages. */
	KUNIT_EXPECT_EQ(test, t_map(t, g / 2, g, 1, rw, &mapped), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_map(t, 0, g + g / 2, 1, rw, &mapped), -EINVAL);
	mapped = 0;
	KUNIT_EXPECT_EQ(test, t->ops->map_pages(t->ops, 0, 0, 2 * g, 1, rw,
						GFP_KERNEL, &mapped), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->ops->map_pages(t->ops, 0, 0, g / 2, 1, rw,
						GFP_KERNEL, &mapped), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_map(t, 0, g, 0, rw, &mapped), -EINVAL);
	/* Beyond the IAS, or running over its end. */
	KUNIT_EXPECT_EQ(test, t_map(t, top, g, 1, rw, &mapped), -ERANGE);
	KUNIT_EXPECT_EQ(test, t_map(t, top - g, g, 2, rw, &mapped), -ERANGE);
	KUNIT_EXPECT_EQ(test, t_map(t, ~0UL - g + 1, g, 1, rw, &mapped), -ERANGE);
	KUNIT_EXPECT_EQ(test, t->ops->iova_to_phys(t->ops, top - g), 0);
	KUNIT_EXPECT_EQ(test, t->ops->iova_to_phys(t->ops, top), 0);
	/* Beyond the OAS, or running over its end. */
	KUNIT_EXPECT_EQ(test, t_map(t, 0, oas_top, 1, rw, &mapped), -ERANGE);
	KUNIT_EXPECT_EQ(test, t_map(t, 0, oas_top - g, 2, rw, &mapped), -ERANGE);
	KUNIT_EXPECT_EQ(test, mapped, 0UL);
	/* A physical range wrapping past the end of the address space. */
	KUNIT_EXPECT_EQ(test, t_map(t, 0, (phys_addr_t)0 - g, 2, rw, &mapped),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, mapped, 0UL);
	/* None of the above left anything behind. */
	ref_check_page(t, 0, 0, 0);
	ref_check_page(t, top - g, 0, 0);

	/* Over an existing entry. */
	KUNIT_ASSERT_EQ(test, t_map(t, 4 * g, g, 1, rw, &mapped), 0);
	KUNIT_EXPECT_EQ(test, t_map(t, 4 * g, 8 * g, 1, rw, &mapped), -EEXIST);
	ref_check_page(t, 4 * g, g, rw);

	/* Unmap: bad input unmaps nothing. */
	KUNIT_EXPECT_EQ(test, t_unmap(t, 4 * g + g / 2, 1), 0UL);
	KUNIT_EXPECT_EQ(test, t->ops->unmap_pages(t->ops, 4 * g, 2 * g, 1, NULL),
			0UL);
	KUNIT_EXPECT_EQ(test, t_unmap(t, 4 * g, 0), 0UL);
	KUNIT_EXPECT_EQ(test, t_unmap(t, top, 1), 0UL);
	ref_check_page(t, 4 * g, g, rw);

	/* Partial unmap stops at the first hole. */
	KUNIT_ASSERT_EQ(test, t_map(t, 5 * g, 2 * g, 3, rw, &mapped), 0);
	KUNIT_ASSERT_EQ(test, t_map(t, 9 * g, 2 * g, 1, rw, &mapped), 0);
	KUNIT_EXPECT_EQ(test, t_unmap(t, 3 * g, 8), 0UL);
	KUNIT_EXPECT_EQ(test, t_unmap(t, 4 * g, 8), 4 * g);
	KUNIT_EXPECT_EQ(test, t_unmap(t, 8 * g, 2), 0UL);
	KUNIT_EXPECT_EQ(test, t_unmap(t, 9 * g, 2), g);
	t_done(t);
}

/* Section 4.1 protection encodings, one page per combination. */
static void dart_test_encoding(struct kunit *test)
{
	static const int prots[] = {
		IOMMU_READ, IOMMU_WRITE, IOMMU_READ | IOMMU_WRITE,
		IOMMU_READ | IOMMU_CACHE, IOMMU_WRITE | IOMMU_CACHE,
		IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
		IOMMU_READ | IOMMU_NOEXEC | IOMMU_MMIO,
	};
	struct tctx *t = t_new(test);
	const struct ref_pte_layout *l = t->c->ref;
	size_t mapped;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(prots); i++) {
		unsigned long iova = i * t->gran;
		phys_addr_t pa = t_pa(t, i);
		u64 pte;

		KUNIT_ASSERT_EQ(test, t_map(t, iova, pa, 1, prots[i], &mapped), 0);
		ref_check_page(t, iova, pa, prots[i]);
		pte = ref_walk(t, iova);
		/* NO_CACHE exactly when DART2 is not asked for IOMMU_CACHE. */
		if (l->no_cache_bit >= 0)
			KUNIT_EXPECT_EQ(test, !!(pte & BIT_ULL(l->no_cache_bit)),
					!(prots[i] & IOMMU_CACHE));
	}
	/* Lowest page address too: PA bits must not leak into flag bits. */
	KUNIT_ASSERT_EQ(test, t_map(t, 64 * t->gran, t->gran, 1, IOMMU_READ,
				    &mapped), 0);
	ref_check_page(t, 64 * t->gran, t->gran, IOMMU_READ);
	t_done(t);
}

/* What dart_io_pgtable_walk() reported, in order. */
struct walk_log {
	struct dart_pgtable_run	runs[8];
	unsigned int		n;
};

static void walk_record(void *priv, const struct dart_pgtable_run *run)
{
	struct walk_log *log = priv;

	if (log->n < ARRAY_SIZE(log->runs))
		log->runs[log->n] = *run;
	log->n++;
}

/*
 * The walk reports the mappings as runs: pages that follow each other in
 * IOVA and PA with the same protection are one run, also across a leaf
 * table boundary; a PA or protection break starts a new one; pages behind
 * a TTBR other than the first carry that TTBR's IOVA base (section 4.2).
 */
/* The first page of the last TTBR, or near the top of a single one. */
static unsigned long t_last_base(struct tctx *t)
{
	if (t->c->ttbrs > 1)
		return (t->c->ttbrs - 1) * t_ttbr_span(t);
	return (1UL << t->c->ias) - 2 * t->gran;
}

static void dart_test_walk(struct kunit *test)
{
	struct tctx *t = t_new(test);
	const struct ref_pte_layout *l = t->c->ref;
	unsigned long g = t->gran, span = t_leaf_span(t);
	const struct {
		unsigned long	iova;
		phys_addr_t	pa;
		unsigned long	pages;
		int		prot;
	} want[] = {
		{ span - 2 * g, t_pa(t, 40), 4,
		  IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE },
		{ span + 2 * g, t_pa(t, 10), 1, IOMMU_READ | IOMMU_WRITE },
		{ span + 3 * g, t_pa(t, 10) + g, 2, IOMMU_READ },
		{ t_last_base(t), t_pa(t, 60), 2, IOMMU_WRITE },
	};
	struct dart_pgtable_walk_stats ws;
	struct dart_pgtable_stats st;
	struct walk_log log = { };
	size_t mapped;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(want); i++)
		KUNIT_ASSERT_EQ(test, t_map(t, want[i].iova, want[i].pa,
					    want[i].pages, want[i].prot,
					    &mapped), 0);
	dart_io_pgtable_walk(t->ops, walk_record, &log, &ws);
	KUNIT_ASSERT_EQ(test, log.n, (unsigned int)ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct dart_pgtable_run *r = &log.runs[i];

		KUNIT_EXPECT_EQ_MSG(test, r->iova, (u64)want[i].iova, "run %u", i);
		KUNIT_EXPECT_EQ_MSG(test, r->pa, want[i].pa, "run %u", i);
		KUNIT_EXPECT_EQ_MSG(test, r->size, (u64)want[i].pages * g,
				    "run %u", i);
		KUNIT_EXPECT_EQ_MSG(test, r->prot,
				    ref_expected_prot(l, want[i].prot), "run %u", i);
		/* Everything but the address field, as section 4.1 has it. */
		KUNIT_EXPECT_EQ_MSG(test, r->attrs, ref_leaf(l, 0, want[i].prot),
				    "run %u", i);
	}
	KUNIT_EXPECT_EQ(test, ws.pages, 9UL);
	/* Nothing runs concurrently: every table owned is reachable. */
	dart_io_pgtable_get_stats(t->ops, &st);
	KUNIT_EXPECT_EQ(test, ws.tables, st.tables);
	t_done(t);
}

/*
 * Randomized test against the reference model.  Operations land in a few
 * small windows around the interesting boundaries (leaf tables, TTBRs,
 * upper levels, end of space) so that they collide and tables fill and
 * empty often.
 */
#define RAND_WIN	96	/* pages each side of a boundary */
#define RAND_MAX_PAGES	24

struct rand_state {
	struct tctx		*t;
	struct rnd_state	rnd;
	struct xarray		model;	/* page index -> pfn << 3 | prot index */
	struct xarray		spans;	/* leaf span index -> 1: table installed */
	unsigned long		win[8];
	unsigned int		n_win;
	unsigned long		ops[3];
};

static const int rand_prots[] = {
	IOMMU_READ, IOMMU_WRITE, IOMMU_READ | IOMMU_WRITE,
	IOMMU_READ | IOMMU_CACHE, IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
};

static void rand_windows(struct rand_state *s)
{
	struct tctx *t = s->t;
	unsigned int i;

	s->win[s->n_win++] = t_leaf_span(t);
	s->win[s->n_win++] = 1UL << t->c->ias;
	if (t->c->levels > 2)
		s->win[s->n_win++] = t_leaf_span(t) << t->bpl;
	for (i = 1; i < t->c->ttbrs; i++)
		s->win[s->n_win++] = i * t_ttbr_span(t);
}

static void rand_check_page(struct rand_state *s, unsigned long iova)
{
	struct tctx *t = s->t;
	void *e;

	if (iova >> t->c->ias)
		return;
	e = xa_load(&s->model, iova >> t->c->gshift);
	if (!e) {
		ref_check_page(t, iova, 0, 0);
		return;
	}
	ref_check_page(t, iova, (xa_to_value(e) >> 3) << t->c->gshift,
		       rand_prots[xa_to_value(e) & 7]);
}

/*
 * The leaf tables the policy keeps: one for every span a map call ever
 * wrote to, until an unmap call clears that whole span (and nothing less)
 * in one go.  A span emptied piecemeal keeps its table.
 */
static unsigned long rand_model_leaves(struct rand_state *s)
{
	unsigned long idx, n = 0;
	void *e;

	xa_for_each(&s->spans, idx, e)
		n++;
	return n;
}

/* Pages [@pg0, @pg0 + @k) were mapped: their leaf tables exist. */
static void rand_model_map_spans(struct rand_state *s, unsigned long pg0,
				 unsigned long k)
{
	unsigned int bpl = s->t->bpl;
	unsigned long sp;

	if (!k)
		return;
	for (sp = pg0 >> bpl; sp <= (pg0 + k - 1) >> bpl; sp++)
		xa_store(&s->spans, sp, xa_mk_value(1), GFP_KERNEL);
}

/*
 * Pages [@pg0, @pg0 + @k) were unmapped by one call: the leaf tables
 * whose whole span it cleared are reclaimed.
 */
static void rand_model_unmap_spans(struct rand_state *s, unsigned long pg0,
				   unsigned long k)
{
	unsigned long sp, end = (pg0 + k) >> s->t->bpl;

	for (sp = DIV_ROUND_UP(pg0, 1UL << s->t->bpl); sp < end; sp++)
		xa_erase(&s->spans, sp);
}

/*
 * Decode every table reachable from the TTBRs and compare with the model:
 * each valid leaf must be in it, bit for bit, every reachable leaf table
 * must be one the reclaim policy keeps (rand_model_leaves()), and nothing
 * in the model may be missing.  This sees writes outside the pages an operation touched,
 * which the per-operation checks cannot.
 */
static void rand_scan(struct rand_state *s, u64 *table, unsigned int lvl,
		      unsigned long va, unsigned long *leaves,
		      unsigned long *leaf_tables)
{
	struct tctx *t = s->t;
	const struct ref_pte_layout *l = t->c->ref;
	unsigned int shift = t->c->gshift + (t->c->levels - 1 - lvl) * t->bpl;
	unsigned long i, n = 1UL << t->bpl, used = 0;

	for (i = 0; i < n; i++) {
		unsigned long iova = va + (i << shift);
		u64 pte = table[i];
		void *e;

		if (!(pte & 1)) {
			KUNIT_EXPECT_EQ_MSG(t->test, pte, 0ULL, "iova %#lx", iova);
			continue;
		}
		used++;
		if (lvl < t->c->levels - 1) {
			rand_scan(s, phys_to_virt(ref_pte_pa(l, pte)), lvl + 1,
				  iova, leaves, leaf_tables);
			continue;
		}
		(*leaves)++;
		e = xa_load(&s->model, iova >> t->c->gshift);
		KUNIT_EXPECT_NOT_NULL_MSG(t->test, e, "stray leaf at iova %#lx", iova);
		if (!e)
			continue;
		KUNIT_EXPECT_EQ_MSG(t->test, pte,
				    ref_leaf(l, (xa_to_value(e) >> 3) << t->c->gshift,
					     rand_prots[xa_to_value(e) & 7]),
				    "iova %#lx", iova);
	}
	if (lvl == t->c->levels - 1) {
		(*leaf_tables)++;
		KUNIT_EXPECT_NOT_NULL_MSG(t->test,
					  xa_load(&s->spans, va >> (t->c->gshift + t->bpl)),
					  "leaf table (%lu entries) at iova %#lx should have been reclaimed",
					  used, va);
	}
}

static void rand_check_all(struct rand_state *s)
{
	struct tctx *t = s->t;
	unsigned long i, leaves = 0, leaf_tables = 0, model = 0, idx;
	void *e;

	for (i = 0; i < t->c->ttbrs; i++)
		rand_scan(s, ref_top(t, i), 0, i * t_ttbr_span(t), &leaves,
			  &leaf_tables);
	xa_for_each(&s->model, idx, e)
		model++;
	KUNIT_EXPECT_EQ(t->test, leaves, model);
	KUNIT_EXPECT_EQ(t->test, leaf_tables, rand_model_leaves(s));
}

static void rand_one(struct rand_state *s)
{
	struct tctx *t = s->t;
	struct kunit *test = t->test;
	u32 r = prandom_u32_state(&s->rnd);
	unsigned long base = s->win[r % s->n_win];
	unsigned long pages = 1 + (r >> 8) % RAND_MAX_PAGES;
	long off = (long)((r >> 16) % (2 * RAND_WIN)) - RAND_WIN;
	unsigned long iova, pg0, i, k, top_pg = 1UL << (t->c->ias - t->c->gshift);
	unsigned int op = prandom_u32_state(&s->rnd) % 100;
	bool unmap = op >= 50, beyond;

	if (off < 0 && base < (unsigned long)-off * t->gran)
		off = 0;
	iova = base + off * t->gran;
	pg0 = iova >> t->c->gshift;
	beyond = pg0 + pages > top_pg;

	/* Leading pages mapped (for unmap) or free (for map). */
	for (k = 0; k < pages && !beyond; k++)
		if (!!xa_load(&s->model, pg0 + k) != unmap)
			break;

	if (op < 50) {
		unsigned int pi = prandom_u32_state(&s->rnd) % ARRAY_SIZE(rand_prots);
		u64 pfn_max = (1ULL << (t->c->oas - t->c->gshift)) - pages;
		u64 pfn = 1 + prandom_u32_state(&s->rnd) % (u32)min_t(u64, pfn_max - 1, U32_MAX);
		size_t mapped;
		int ret;

		s->ops[0]++;
		ret = t_map(t, iova, pfn << t->c->gshift, pages, rand_prots[pi],
			    &mapped);
		if (beyond) {
			KUNIT_EXPECT_EQ(test, ret, -ERANGE);
			KUNIT_EXPECT_EQ(test, mapped, 0UL);
			return;
		}
		KUNIT_EXPECT_EQ(test, ret, k == pages ? 0 : -EEXIST);
		KUNIT_EXPECT_EQ(test, mapped, k * t->gran);
		for (i = 0; i < k; i++)
			xa_store(&s->model, pg0 + i,
				 xa_mk_value((pfn + i) << 3 | pi), GFP_KERNEL);
		rand_model_map_spans(s, pg0, k);
	} else if (op < 90) {
		size_t ret;

		s->ops[1]++;
		ret = t_unmap(t, iova, pages);
		KUNIT_EXPECT_EQ(test, ret, beyond ? 0 : k * t->gran);
		if (beyond)
			return;
		for (i = 0; i < k; i++)
			xa_erase(&s->model, pg0 + i);
		rand_model_unmap_spans(s, pg0, k);
	} else {
		s->ops[2]++;
	}
	for (i = 0; i < pages; i++)
		rand_check_page(s, iova + i * t->gran);
}

static void dart_test_random(struct kunit *test)
{
	struct tctx *t = t_new(test);
	struct dart_pgtable_stats st;
	struct rand_state *s;
	unsigned long idx, n;
	void *e;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->t = t;
	prandom_seed_state(&s->rnd, rand_seed);
	xa_init(&s->model);
	xa_init(&s->spans);
	rand_windows(s);

	for (n = 0; n < rand_ops; n++) {
		rand_one(s);
		if (n % 1024 == 1023 || n == rand_ops - 1) {
			/* Exactly the leaf tables the policy keeps. */
			dart_io_pgtable_get_stats(t->ops, &st);
			KUNIT_EXPECT_EQ(test, st.leaf_tables, rand_model_leaves(s));
			rand_check_all(s);
		}
		if (test->status == KUNIT_FAILURE)
			break;
	}
	kunit_info(test, "seed %u: %lu map, %lu unmap, %lu lookup; %lu leaf tables in use at the end\n",
		   rand_seed, s->ops[0], s->ops[1], s->ops[2], rand_model_leaves(s));

	/* Emptied piecemeal, every table stays, to be freed with the rest. */
	xa_for_each(&s->model, idx, e)
		KUNIT_EXPECT_EQ(test, t_unmap(t, idx << t->c->gshift, 1), t->gran);
	xa_destroy(&s->model);
	dart_io_pgtable_get_stats(t->ops, &st);
	KUNIT_EXPECT_EQ(test, st.leaf_tables, rand_model_leaves(s));
	KUNIT_EXPECT_NE(test, st.leaf_tables, 0UL);
	rand_check_all(s);
	xa_destroy(&s->spans);
	t_done(t);
}

/*
 * The reclaim policy (io-pgtable.rst): an unmap call that clears a leaf
 * table's whole span reclaims it; a table emptied piecemeal stays
 * installed, empty, and the next map into its span reuses it with no
 * allocation and no invalidation.
 *
 * Map-all/unmap-all one page per call keeps every table; all in one call
 * (what a driver does for one buffer) gives every leaf table back, also
 * the ones emptied piecemeal before.  Reports the memory reclaimed.
 */
static void dart_test_reclaim(struct kunit *test)
{
	struct tctx *t = t_new(test);
	unsigned long entries = 1UL << t->bpl, tables = 8, i;
	unsigned long pages = tables * entries;
	struct dart_pgtable_stats empty, full, after;
	long walks, allocs, frees;
	size_t mapped;

	dart_io_pgtable_get_stats(t->ops, &empty);
	KUNIT_EXPECT_EQ(test, empty.leaf_tables, 0UL);

	/* Single-page churn: one table, allocated once, never flushed. */
	/* One table per level below the top, the leaf table included. */
	allocs = atomic_long_read(&t->allocs);
	for (i = 0; i < 100; i++) {
		KUNIT_ASSERT_EQ(test, t_map(t, 5 * t->gran, t_pa(t, i), 1,
					    IOMMU_READ, &mapped), 0);
		KUNIT_ASSERT_EQ(test, t_unmap(t, 5 * t->gran, 1), t->gran);
	}
	dart_io_pgtable_get_stats(t->ops, &after);
	KUNIT_EXPECT_EQ(test, after.leaf_tables, 1UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->allocs) - allocs,
			(long)t->c->levels - 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->frees), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->flush_walks), 0L);
	ref_check_page(t, 5 * t->gran, 0, 0);
	KUNIT_EXPECT_NE(test, ref_walk_to(t, 0, t->c->levels - 2), 0ULL);

	/* One page per call both ways: the tables stay, empty. */
	for (i = 0; i < pages; i++)
		KUNIT_ASSERT_EQ(test, t_map(t, i * t->gran, t_pa(t, i), 1,
					    IOMMU_READ, &mapped), 0);
	dart_io_pgtable_get_stats(t->ops, &full);
	KUNIT_EXPECT_EQ(test, full.leaf_tables, tables);
	walks = atomic_long_read(&t->flush_walks);
	frees = atomic_long_read(&t->frees);
	for (i = 0; i < pages; i++)
		KUNIT_ASSERT_EQ(test, t_unmap(t, i * t->gran, 1), t->gran);
	dart_io_pgtable_get_stats(t->ops, &after);
	KUNIT_EXPECT_EQ(test, after.leaf_tables, tables);
	KUNIT_EXPECT_EQ(test, after.bytes, full.bytes);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->flush_walks), walks);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->frees), frees);
	for (i = 0; i < tables; i++)
		KUNIT_EXPECT_NE(test, ref_walk_to(t, i * entries * t->gran,
						  t->c->levels - 2), 0ULL);
	kunit_info(test, "map-all/unmap-all of %lu pages, 1/call: tables %lu -> %lu -> %lu, %lu KiB kept for reuse\n",
		   pages, empty.tables, full.tables, after.tables,
		   after.leaf_tables * t->gran / SZ_1K);

	/* All in one call both ways: the empty tables are reused... */
	allocs = atomic_long_read(&t->allocs);
	KUNIT_ASSERT_EQ(test, t_map(t, 0, t_pa(t, pages), pages,
				    IOMMU_READ, &mapped), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->allocs), allocs);
	/* ...and every one comes back, each flushed (no gather) first. */
	KUNIT_EXPECT_EQ(test, t_unmap(t, 0, pages), pages * t->gran);
	dart_io_pgtable_get_stats(t->ops, &after);
	KUNIT_EXPECT_EQ(test, after.leaf_tables, 0UL);
	KUNIT_EXPECT_EQ(test, after.tables, full.tables - tables);
	KUNIT_EXPECT_EQ(test, after.bytes, full.bytes - tables * t->gran);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->flush_walks) - walks,
			(long)tables);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->frees) - frees, (long)tables);
	for (i = 0; i < tables; i++)
		KUNIT_EXPECT_EQ(test, ref_walk_to(t, i * entries * t->gran,
						  t->c->levels - 2), 0ULL);
	kunit_info(test, "map-all/unmap-all of %lu pages, one call: tables %lu -> %lu -> %lu, %lu KiB reclaimed (%lu KiB left)\n",
		   pages, empty.tables, full.tables, after.tables,
		   (full.bytes - after.bytes) / SZ_1K, after.bytes / SZ_1K);

	/*
	 * Clearing less than a whole span, even the rest of a table whose
	 * other entries went before, or starting one page in, reclaims
	 * nothing; the whole tables in the middle of a call do go.
	 */
	KUNIT_ASSERT_EQ(test, t_map(t, 0, t_pa(t, 3 * entries), 3 * entries,
				    IOMMU_READ, &mapped), 0);
	KUNIT_EXPECT_EQ(test, t_unmap(t, 0, 1), t->gran);
	walks = atomic_long_read(&t->flush_walks);
	KUNIT_EXPECT_EQ(test, t_unmap(t, t->gran, 3 * entries - 2),
			(3 * entries - 2) * t->gran);
	dart_io_pgtable_get_stats(t->ops, &after);
	KUNIT_EXPECT_EQ(test, after.leaf_tables, 2UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->flush_walks) - walks, 1L);
	KUNIT_EXPECT_NE(test, ref_walk_to(t, 0, t->c->levels - 2), 0ULL);
	KUNIT_EXPECT_EQ(test, ref_walk_to(t, entries * t->gran,
					  t->c->levels - 2), 0ULL);
	KUNIT_EXPECT_NE(test, ref_walk_to(t, 2 * entries * t->gran,
					  t->c->levels - 2), 0ULL);
	KUNIT_EXPECT_EQ(test, t_unmap(t, (3 * entries - 1) * t->gran, 1),
			t->gran);
	dart_io_pgtable_get_stats(t->ops, &after);
	KUNIT_EXPECT_EQ(test, after.leaf_tables, 2UL);
	t_done(t);
}

/*
 * With the default allocator and a gather, leaf tables whose whole span
 * the unmap call cleared go on the gather's freelist for the driver to
 * free after its invalidation; the backend flushes nothing itself.
 */
static void dart_test_gather(struct kunit *test)
{
	const struct dart_case *c = test->param_value;
	unsigned long entries, i, listed = 0;
	struct iommu_iotlb_gather gather;
	struct dart_pgtable_stats st;
	struct page *p;
	struct tctx *t;
	size_t mapped;
	phys_addr_t pa;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t_init_cfg(t, test, c);
	t_alloc_ops(t);
	entries = 1UL << t->bpl;

	pa = t_pa(t, 3 * entries);
	KUNIT_ASSERT_EQ(test, t_map(t, 0, pa, 3 * entries, IOMMU_WRITE,
				    &mapped), 0);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, t->ops->unmap_pages(t->ops, t->gran, t->gran,
						  3 * entries - 2, &gather),
			(3 * entries - 2) * t->gran);
	KUNIT_EXPECT_EQ(test, gather.start, t->gran);
	KUNIT_EXPECT_EQ(test, gather.end, (3 * entries - 1) * t->gran - 1);
	for (i = 0; i < 3 * entries; i++)
		ref_check_page(t, i * t->gran,
			       (i == 0 || i == 3 * entries - 1) ?
			       pa + i * t->gran : 0, IOMMU_WRITE);

	/* The middle table emptied; whole-page tables ride the gather. */
	list_for_each_entry(p, &gather.freelist, lru)
		listed++;
	iommu_put_pages_list(&gather.freelist);
	dart_io_pgtable_get_stats(t->ops, &st);
	KUNIT_EXPECT_EQ(test, st.leaf_tables, 2UL);
	KUNIT_EXPECT_EQ(test, listed + atomic_long_read(&t->flush_walks), 1UL);
	KUNIT_EXPECT_EQ(test, listed, t->gran == PAGE_SIZE ? 1UL : 0UL);
	/* Emptied piecemeal, with or without a gather: kept, no flush. */
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, t->ops->unmap_pages(t->ops, 0, t->gran, 1,
						  &gather), t->gran);
	KUNIT_EXPECT_TRUE(test, list_empty(&gather.freelist));
	KUNIT_EXPECT_EQ(test, t_unmap(t, (3 * entries - 1) * t->gran, 1), t->gran);
	dart_io_pgtable_get_stats(t->ops, &st);
	KUNIT_EXPECT_EQ(test, st.leaf_tables, 2UL);
	KUNIT_EXPECT_EQ(test, listed + atomic_long_read(&t->flush_walks), 1UL);

	/* A kept table refilled and cleared whole in one call goes too. */
	KUNIT_ASSERT_EQ(test, t_map(t, 0, pa, entries, IOMMU_WRITE, &mapped), 0);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, t->ops->unmap_pages(t->ops, 0, t->gran, entries,
						  &gather), entries * t->gran);
	list_for_each_entry(p, &gather.freelist, lru)
		listed++;
	iommu_put_pages_list(&gather.freelist);
	KUNIT_EXPECT_EQ(test, listed, t->gran == PAGE_SIZE ? 2UL : 0UL);
	KUNIT_EXPECT_EQ(test, listed + atomic_long_read(&t->flush_walks), 2UL);
	dart_io_pgtable_get_stats(t->ops, &st);
	KUNIT_EXPECT_EQ(test, st.leaf_tables, 1UL);
	dart_io_pgtable_free(t->ops);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->flush_alls), 1L);
}

/*
 * Walkers may cache table entries, which is why reclaim invalidates at
 * all.  A leaf table emptied by unmapping its last page, while the rest
 * of its span is free for anyone to map, must not be replaced by a new
 * table before an invalidation: a DMA through the new mapping would walk
 * the cached entry into the old table and fault.  The policy keeps such a
 * table installed: the parent entry never changes, and no invalidation
 * is needed.  Only when the unmap covers the whole span (no one else may
 * map there before its sync) does the table go, on the gather.
 */
static void dart_test_reclaim_walk_cache(struct kunit *test)
{
	const struct dart_case *c = test->param_value;
	struct iommu_iotlb_gather gather;
	unsigned long base, depth;
	struct tctx *t;
	u64 cached, now;
	size_t mapped;
	long inval;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	/* The default allocator: the one whose tables can ride a gather. */
	t_init_cfg(t, test, c);
	t_alloc_ops(t);
	base = t_leaf_span(t);
	depth = c->levels - 2;

	KUNIT_ASSERT_EQ(test, t_map(t, base, t_pa(t, 2), 2, IOMMU_READ,
				    &mapped), 0);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, t->ops->unmap_pages(t->ops, base, t->gran, 1,
						  &gather), t->gran);
	/* The driver's sync; the walker may now cache the parent entry. */
	iommu_put_pages_list(&gather.freelist);
	cached = ref_walk_to(t, base, depth);
	KUNIT_ASSERT_NE(test, cached, 0ULL);
	inval = atomic_long_read(&t->flush_walks) +
		atomic_long_read(&t->flush_alls);

	/* The last page goes; someone maps elsewhere in the span at once. */
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, t->ops->unmap_pages(t->ops, base + t->gran,
						  t->gran, 1, &gather), t->gran);
	KUNIT_ASSERT_EQ(test, t_map(t, base + 5 * t->gran, t_pa(t, 5), 1,
				    IOMMU_READ, &mapped), 0);
	now = ref_walk_to(t, base, depth);
	KUNIT_EXPECT_EQ_MSG(test, now, cached,
			    "parent entry %#llx replaced by %#llx", cached, now);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->flush_walks) +
			atomic_long_read(&t->flush_alls), inval);
	KUNIT_EXPECT_TRUE(test, list_empty(&gather.freelist));
	ref_check_page(t, base + 5 * t->gran, t_pa(t, 5), IOMMU_READ);
	iommu_put_pages_list(&gather.freelist);
	KUNIT_EXPECT_EQ(test, t_unmap(t, base + 5 * t->gran, 1), t->gran);
	dart_io_pgtable_free(t->ops);
}

static void t_table_added(void *cookie)
{
	struct tctx *t = cookie;

	atomic_long_inc(&t->tables_added);
}

/* Maps of @pages from @iova; the new tables reported, as the stats count. */
static void t_expect_added(struct tctx *t, unsigned long iova, size_t pages,
			   long want)
{
	struct dart_pgtable_stats st0, st1;
	long added = atomic_long_read(&t->tables_added);
	size_t mapped;

	dart_io_pgtable_get_stats(t->ops, &st0);
	KUNIT_ASSERT_EQ(t->test, t_map(t, iova, t_pa(t, pages), pages,
				       IOMMU_READ, &mapped), 0);
	dart_io_pgtable_get_stats(t->ops, &st1);
	added = atomic_long_read(&t->tables_added) - added;
	KUNIT_EXPECT_EQ(t->test, added, (long)(st1.tables - st0.tables));
	if (want >= 0)
		KUNIT_EXPECT_EQ(t->test, added, want);
}

/*
 * Every table a map hooks in is reported once, when it happens, and no
 * other map reports anything.  Catches a backend that reports nothing (the
 * driver would skip the invalidation a new table needs, and the walker
 * could keep the empty entry it replaced) or that reports on every map
 * (an invalidation per dma_map_*()).
 */
static void dart_test_table_added(struct kunit *test)
{
	const struct dart_case *c = test->param_value;
	unsigned long span;
	struct tctx *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t_init_cfg(t, test, c);
	t_use_hooks(t);
	t->dcfg.table_added = t_table_added;
	t_alloc_ops(t);
	span = t_leaf_span(t);

	/* The first map installs every level below the top. */
	t_expect_added(t, 0, 1, c->levels - 1);
	t_expect_added(t, t->gran, 1, 0);
	/* The next leaf table's span: one new leaf table. */
	t_expect_added(t, span, 1, 1);
	/* Emptied page by page, tables stay: mapping again adds none. */
	KUNIT_EXPECT_EQ(test, t_unmap(t, 0, 1), t->gran);
	KUNIT_EXPECT_EQ(test, t_unmap(t, t->gran, 1), t->gran);
	t_expect_added(t, 0, 1, 0);
	/* Two leaf tables at once (one call), then one whole span back. */
	t_expect_added(t, 2 * span, 2 * (span / t->gran), 2);
	KUNIT_EXPECT_EQ(test, t_unmap(t, 2 * span, span / t->gran), span);
	t_expect_added(t, 2 * span, 1, -1);
	t_done(t);
}

static void t_copy_top(void *priv, unsigned int idx, u64 entry)
{
	u64 *shadow = priv;

	shadow[idx] = entry;
}

static unsigned int t_sync_top(struct tctx *t, unsigned int ttbr, u64 *shadow)
{
	return dart_io_pgtable_sync_top(t->ops, ttbr, t_copy_top, shadow);
}

/* The shadow top level reports exactly the entries that changed. */
static void dart_test_dirty_top(struct kunit *test)
{
	struct tctx *t = t_new(test);
	unsigned long entries = 1UL << t->bpl, far;
	u64 *shadow;
	size_t mapped;
	unsigned int i;

	shadow = kunit_kcalloc(test, entries, sizeof(u64), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, shadow);
	/* First sync after allocation copies the whole table. */
	KUNIT_EXPECT_EQ(test, t_sync_top(t, 0, shadow), entries);
	KUNIT_EXPECT_EQ(test, t_sync_top(t, 0, shadow), 0U);

	/* A new table under the top: one entry. */
	KUNIT_ASSERT_EQ(test, t_map(t, 0, t_pa(t, 0), 1, IOMMU_READ, &mapped), 0);
	KUNIT_EXPECT_EQ(test, t_sync_top(t, 0, shadow), 1U);
	/* Same leaf table again: nothing at the top changes. */
	KUNIT_ASSERT_EQ(test, t_map(t, t->gran, t_pa(t, 1), 1, IOMMU_READ,
				    &mapped), 0);
	KUNIT_EXPECT_EQ(test, t_sync_top(t, 0, shadow), 0U);
	/* Two more top entries in one call. */
	far = (t->gran << (t->bpl * (t->c->levels - 1))) * 3 - t->gran;
	KUNIT_ASSERT_EQ(test, t_map(t, far, t_pa(t, 2), 2, IOMMU_READ,
				    &mapped), 0);
	KUNIT_EXPECT_EQ(test, t_sync_top(t, 0, shadow), 2U);
	KUNIT_EXPECT_EQ(test, memcmp(shadow, ref_top(t, 0), t->gran), 0);
	/* A whole-table comparison reads the same entries. */
	for (i = 0; i < entries; i++)
		if (dart_io_pgtable_top_entry(t->ops, 0, i) != shadow[i])
			break;
	KUNIT_EXPECT_EQ(test, i, (unsigned int)entries);

	/* Emptied piecemeal, the leaf tables stay: nothing changes. */
	KUNIT_EXPECT_EQ(test, t_unmap(t, 0, 2), 2 * t->gran);
	KUNIT_EXPECT_EQ(test, t_unmap(t, far, 2), 2 * t->gran);
	KUNIT_EXPECT_EQ(test, t_sync_top(t, 0, shadow), 0U);
	/* Refilled (reused, no new entry), then cleared whole in one call. */
	KUNIT_ASSERT_EQ(test, t_map(t, 0, t_pa(t, entries), entries, IOMMU_READ,
				    &mapped), 0);
	KUNIT_EXPECT_EQ(test, t_sync_top(t, 0, shadow), 0U);
	KUNIT_EXPECT_EQ(test, t_unmap(t, 0, entries), entries * t->gran);
	/* With two levels the leaf tables hang off the top. */
	KUNIT_EXPECT_EQ(test, t_sync_top(t, 0, shadow),
			t->c->levels == 2 ? 1U : 0U);
	KUNIT_EXPECT_EQ(test, memcmp(shadow, ref_top(t, 0), t->gran), 0);
	for (i = 1; i < t->c->ttbrs; i++)
		KUNIT_EXPECT_EQ(test, t_sync_top(t, i, shadow),
				entries);
	t_done(t);
}

/*
 * A caller-provided top table (a locked DART's L1) is used, kept, and
 * left empty when the page tables are freed.
 */
static void dart_test_foreign_top(struct kunit *test)
{
	const struct dart_case *c = test->param_value;
	void *top[DART_PGTABLE_MAX_TTBRS] = {};
	unsigned long size = max(1UL << c->gshift, PAGE_SIZE);
	struct dart_pgtable_stats st;
	struct tctx *t;
	unsigned int i;
	size_t mapped;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t_init_cfg(t, test, c);
	t_use_hooks(t);
	for (i = 0; i < c->ttbrs; i++) {
		top[i] = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
						  get_order(size));
		KUNIT_ASSERT_NOT_NULL(test, top[i]);
		t->dcfg.top_va[i] = top[i];
		t->dcfg.top_pa[i] = virt_to_phys(top[i]);
	}
	t_alloc_ops(t);
	for (i = 0; i < c->ttbrs; i++)
		KUNIT_EXPECT_EQ(test, (phys_addr_t)t->cfg.apple_dart_cfg.ttbr[i],
				virt_to_phys(top[i]));
	dart_io_pgtable_get_stats(t->ops, &st);
	KUNIT_EXPECT_EQ(test, st.tables, 0UL);

	for (i = 0; i < c->ttbrs; i++) {
		unsigned long va = i * t_ttbr_span(t) + t->gran;

		KUNIT_ASSERT_EQ(test, t_map(t, va, t_pa(t, i), 1, IOMMU_READ,
					    &mapped), 0);
		ref_check_page(t, va, t_pa(t, i), IOMMU_READ);
		KUNIT_EXPECT_NOT_NULL(test, memchr_inv(top[i], 0, size));
	}
	t_done(t);
	/*
	 * Freed, the tables the caller keeps point at nothing freed: empty,
	 * so the next domain can take them over.
	 */
	for (i = 0; i < c->ttbrs; i++)
		KUNIT_EXPECT_NULL(test, memchr_inv(top[i], 0, size));
	t_init_cfg(t, test, c);
	t_use_hooks(t);
	for (i = 0; i < c->ttbrs; i++) {
		t->dcfg.top_va[i] = top[i];
		t->dcfg.top_pa[i] = virt_to_phys(top[i]);
	}
	t_alloc_ops(t);
	t_done(t);
	for (i = 0; i < c->ttbrs; i++)
		free_pages((unsigned long)top[i], get_order(size));

	/* A table that is not empty is refused. */
	t_init_cfg(t, test, c);
	t_use_hooks(t);
	top[0] = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, get_order(size));
	KUNIT_ASSERT_NOT_NULL(test, top[0]);
	((u64 *)top[0])[1] = 1;
	for (i = 0; i < c->ttbrs; i++) {
		t->dcfg.top_va[i] = top[0];
		t->dcfg.top_pa[i] = virt_to_phys(top[0]);
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(dart_io_pgtable_alloc(c->fmt, &t->cfg,
							    &t->dcfg, t)),
			-EBUSY);
	free_pages((unsigned long)top[0], get_order(size));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->allocs),
			atomic_long_read(&t->frees));

	/*
	 * So is one at a PA the TTBR field cannot hold (section 4.3: tables
	 * below 2^42 or 2^43 only), before anything is written to it.
	 */
	t_init_cfg(t, test, c);
	t_use_hooks(t);
	top[0] = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, get_order(size));
	KUNIT_ASSERT_NOT_NULL(test, top[0]);
	t->dcfg.top_va[0] = top[0];
	t->dcfg.top_pa[0] = BIT_ULL(50);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dart_io_pgtable_alloc(c->fmt, &t->cfg,
							    &t->dcfg, t)),
			-ERANGE);
	KUNIT_EXPECT_NULL(test, memchr_inv(top[0], 0, size));
	free_pages((unsigned long)top[0], get_order(size));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->allocs),
			atomic_long_read(&t->frees));

	/*
	 * Only TTBR 1's table provided: NULL entries mean the backend
	 * allocates that TTBR's table (io-pgtable-dart.h), and the one given
	 * is used, not silently replaced.
	 */
	if (c->ttbrs < 2)
		return;
	t_init_cfg(t, test, c);
	t_use_hooks(t);
	top[1] = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, get_order(size));
	KUNIT_ASSERT_NOT_NULL(test, top[1]);
	t->dcfg.top_va[1] = top[1];
	t->dcfg.top_pa[1] = virt_to_phys(top[1]);
	t_alloc_ops(t);
	KUNIT_EXPECT_EQ(test, (phys_addr_t)t->cfg.apple_dart_cfg.ttbr[1],
			virt_to_phys(top[1]));
	KUNIT_EXPECT_NE(test, (phys_addr_t)t->cfg.apple_dart_cfg.ttbr[0],
			virt_to_phys(top[1]));
	dart_io_pgtable_get_stats(t->ops, &st);
	KUNIT_EXPECT_EQ(test, st.tables, (unsigned long)c->ttbrs - 1);
	KUNIT_ASSERT_EQ(test, t_map(t, t_ttbr_span(t), t_pa(t, 1), 1, IOMMU_READ,
				    &mapped), 0);
	ref_check_page(t, t_ttbr_span(t), t_pa(t, 1), IOMMU_READ);
	KUNIT_EXPECT_NOT_NULL(test, memchr_inv(top[1], 0, size));
	t_done(t);
	free_pages((unsigned long)top[1], get_order(size));
}

/*
 * Concurrent mappers sharing leaf tables, emptying and refilling them, and
 * reclaim under concurrent walkers: one thread keeps mapping and unmapping
 * a third table whole (which reclaims it), the other keeps looking up
 * IOVAs in its span (holding the slot against the DYING claim).
 */
struct stress_arg {
	struct tctx		*t;
	unsigned int		parity;
	unsigned int		errors;
	struct completion	done;
};

static int stress_fn(void *data)
{
	struct stress_arg *a = data;
	struct tctx *t = a->t;
	unsigned long entries = 1UL << t->bpl, n, va, j;
	unsigned long whole = 2 * entries * t->gran;
	phys_addr_t pa, wpa = t_pa(t, 2 * entries);
	size_t mapped;

	for (n = 0; n < stress_iters; n++) {
		if (a->parity == 0 && n % 16 == 0) {
			if (t_map(t, whole, wpa, entries, IOMMU_READ, &mapped) ||
			    t_unmap(t, whole, entries) != entries * t->gran)
				a->errors++;
		} else if (a->parity == 1) {
			j = (n * 7) % entries;
			pa = t->ops->iova_to_phys(t->ops, whole + j * t->gran);
			if (pa && pa != wpa + j * t->gran)
				a->errors++;
		}
		/*
		 * Interleaved pages at the start of one leaf table and across
		 * the boundary into the next, so both threads keep emptying
		 * and refilling the same two tables.
		 */
		va = ((n % 4) * 2 + a->parity) * t->gran;
		if (n & 4)
			va += entries * t->gran - 4 * t->gran;
		if (t_map(t, va, t_pa(t, n % 64), 1, IOMMU_READ, &mapped) ||
		    t->ops->iova_to_phys(t->ops, va) != t_pa(t, n % 64) ||
		    t_unmap(t, va, 1) != t->gran)
			a->errors++;
		if (n % 256 == 0)
			cond_resched();
	}
	complete(&a->done);
	return 0;
}

static void dart_test_concurrent(struct kunit *test)
{
	struct tctx *t = t_new(test);
	struct stress_arg a[2];
	struct dart_pgtable_stats st;
	struct task_struct *k;
	unsigned int i;
	size_t mapped;

	/* The shared tables go in first: no install race to free a loser. */
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, t_map(t, i * t_leaf_span(t), t_pa(t, 0), 1,
					    IOMMU_READ, &mapped), 0);
		KUNIT_ASSERT_EQ(test, t_unmap(t, i * t_leaf_span(t), 1), t->gran);
	}
	for (i = 0; i < ARRAY_SIZE(a); i++) {
		a[i].t = t;
		a[i].parity = i;
		a[i].errors = 0;
		init_completion(&a[i].done);
		k = kthread_run(stress_fn, &a[i], "dart-pgt-%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(k));
	}
	for (i = 0; i < ARRAY_SIZE(a); i++) {
		wait_for_completion(&a[i].done);
		KUNIT_EXPECT_EQ(test, a[i].errors, 0U);
	}
	/*
	 * The two shared tables were emptied piecemeal: kept.  The third may
	 * be kept too if a lookup held it when its last unmap ended; one more
	 * whole cycle, alone, reclaims it.  Each reclaim flushed (no gather)
	 * and freed exactly one table.
	 */
	KUNIT_ASSERT_EQ(test, t_map(t, 2 * t_leaf_span(t),
				    t_pa(t, 2UL << t->bpl), 1UL << t->bpl,
				    IOMMU_READ, &mapped), 0);
	KUNIT_EXPECT_EQ(test, t_unmap(t, 2 * t_leaf_span(t), 1UL << t->bpl),
			t_leaf_span(t));
	dart_io_pgtable_get_stats(t->ops, &st);
	KUNIT_EXPECT_EQ(test, st.leaf_tables, 2UL);
	KUNIT_EXPECT_GE(test, atomic_long_read(&t->flush_walks), 1L);
	KUNIT_EXPECT_LE(test, atomic_long_read(&t->flush_walks),
			(long)DIV_ROUND_UP(stress_iters, 16) + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->frees),
			atomic_long_read(&t->flush_walks));
	kunit_info(test, "%u x %u map/lookup/unmap, %ld leaf tables reclaimed\n",
		   (unsigned int)ARRAY_SIZE(a), stress_iters,
		   atomic_long_read(&t->flush_walks));
	t_done(t);
}

/*
 * Installs racing into one empty slot.  Several threads, each on its own
 * CPU, leave a barrier together and map into the same empty leaf span, so
 * they all find the slot (and, with three or more levels, the upper slots
 * above it) empty and allocate a table for it; one cmpxchg wins and the
 * others must free theirs and carry on in the winner's.  Each round fills
 * the whole span, unmaps it in one call (which reclaims the leaf table, so
 * the slot is empty again for the next round), and every few rounds the
 * page table is freed and made again so that the upper slots are empty
 * too.  Catches a loser that writes its entries into the table it frees
 * (its pages are then unreachable and the freed table is written: the
 * quarantine sees it), one that leaks its table, and one that frees the
 * winner's.
 */
#define RACE_TABLES	8	/* page tables per configuration */
#define RACE_ROUNDS	6	/* rounds on each */
#define RACE_PAGES	8	/* interleaved single-page maps per thread */
#define RACE_MAX	4	/* threads */

struct race_arg {
	struct tctx		*t;
	unsigned long		base;
	unsigned int		id;
	unsigned int		n;
	atomic_t		*arrived;
	int			err;
	struct completion	done;
};

/* Thread @id's contiguous chunk of the span, after the interleaved pages. */
static void race_chunk(struct tctx *t, unsigned int id, unsigned int n,
		       unsigned long *first, unsigned long *pages)
{
	unsigned long head = (unsigned long)n * RACE_PAGES;
	unsigned long each = ((1UL << t->bpl) - head) / n;

	*first = head + id * each;
	*pages = id == n - 1 ? (1UL << t->bpl) - *first : each;
}

/* Page @pg of the span maps to this; ascending, as a multi-page map goes. */
static phys_addr_t race_pa(struct tctx *t, unsigned long pg)
{
	return t_pa(t, (1UL << t->bpl) - 1) + pg * t->gran;
}

static int race_fn(void *data)
{
	struct race_arg *a = data;
	struct tctx *t = a->t;
	unsigned long k, pg, first, pages;
	size_t mapped;

	/* All leave at once: every first map finds the slot empty. */
	atomic_inc(a->arrived);
	while (atomic_read(a->arrived) < a->n)
		cpu_relax();
	for (k = 0; k < RACE_PAGES && !a->err; k++) {
		pg = k * a->n + a->id;
		a->err = t_map(t, a->base + pg * t->gran, race_pa(t, pg), 1,
			       IOMMU_READ | IOMMU_WRITE, &mapped);
	}
	race_chunk(t, a->id, a->n, &first, &pages);
	if (!a->err)
		a->err = t_map(t, a->base + first * t->gran, race_pa(t, first),
			       pages, IOMMU_READ | IOMMU_WRITE, &mapped);
	complete(&a->done);
	return 0;
}

/*
 * One round: @n threads fill the empty span at @base.  Returns how many
 * tables the losers gave back, or -1 after a failure already reported.
 */
static long race_round(struct kunit *test, struct tctx *t, unsigned long base,
		       unsigned int n, const unsigned int *cpus)
{
	unsigned long entries = 1UL << t->bpl, pg, bad = 0;
	long allocs = atomic_long_read(&t->allocs);
	long frees = atomic_long_read(&t->frees);
	long added = atomic_long_read(&t->tables_added);
	struct task_struct *k[RACE_MAX];
	struct dart_pgtable_stats st0, st;
	struct race_arg a[RACE_MAX];
	atomic_t arrived;
	unsigned int i;
	long lost;

	dart_io_pgtable_get_stats(t->ops, &st0);
	atomic_set(&arrived, 0);
	for (i = 0; i < n; i++) {
		a[i] = (struct race_arg) {
			.t = t, .base = base, .id = i, .n = n,
			.arrived = &arrived,
		};
		init_completion(&a[i].done);
		k[i] = kthread_create(race_fn, &a[i], "dart-pgt-race%u", i);
		if (IS_ERR(k[i])) {
			KUNIT_FAIL(test, "kthread_create: %ld", PTR_ERR(k[i]));
			/* Not woken yet: they stop before their function runs. */
			while (i--)
				kthread_stop(k[i]);
			return -1;
		}
		kthread_bind(k[i], cpus[i]);
	}
	for (i = 0; i < n; i++)
		wake_up_process(k[i]);
	for (i = 0; i < n; i++) {
		if (!wait_for_completion_timeout(&a[i].done, 30 * HZ)) {
			/* The threads are leaked rather than the boot hung. */
			KUNIT_FAIL(test, "a racing map never returned");
			return -1;
		}
		KUNIT_EXPECT_EQ_MSG(test, a[i].err, 0, "thread %u", i);
	}

	/* Every page each thread mapped, winner's or loser's, is reachable. */
	for (pg = 0; pg < entries; pg++) {
		unsigned long iova = base + pg * t->gran;
		phys_addr_t pa = t->ops->iova_to_phys(t->ops, iova);
		u64 pte = ref_walk(t, iova);

		if (ref_pte_pa(t->c->ref, pte) == race_pa(t, pg) &&
		    pa == race_pa(t, pg))
			continue;
		if (!bad++)
			kunit_err(test, "iova %#lx: pte %#llx, iova_to_phys %pa\n",
				  iova, pte, &pa);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0UL, "pages lost of %lu", entries);

	/*
	 * One table kept per level below the ones already there; every other
	 * allocation was a loser's and is back.
	 */
	dart_io_pgtable_get_stats(t->ops, &st);
	added = atomic_long_read(&t->tables_added) - added;
	lost = atomic_long_read(&t->allocs) - allocs - added;
	KUNIT_EXPECT_EQ(test, (long)(st.tables - st0.tables), added);
	KUNIT_EXPECT_EQ(test, st.leaf_tables, st0.leaf_tables + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->frees) - frees, lost);

	/* Unmapped in one call, the leaf table goes: the slot is empty. */
	KUNIT_EXPECT_EQ(test, t_unmap(t, base, entries), t_leaf_span(t));
	dart_io_pgtable_get_stats(t->ops, &st);
	KUNIT_EXPECT_EQ(test, st.leaf_tables, st0.leaf_tables);
	KUNIT_EXPECT_EQ(test, st.tables, st0.tables + (unsigned long)added - 1);
	KUNIT_EXPECT_EQ(test, ref_walk_to(t, base, t->c->levels - 2), 0ULL);
	return lost;
}

static void dart_test_install_race(struct kunit *test)
{
	const struct dart_case *c = test->param_value;
	unsigned int cpus[RACE_MAX], n = 0, cpu, r, p;
	struct dart_pgtable_stats st0, st;
	unsigned long base;
	long lost, races = 0;
	struct tctx *t;

	for_each_online_cpu(cpu) {
		if (n == RACE_MAX)
			break;
		cpus[n++] = cpu;
	}
	if (n < 2)
		kunit_skip(test, "one CPU online: nothing runs at the same time");

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	for (p = 0; p < RACE_TABLES; p++) {
		t_init_cfg(t, test, c);
		t_use_hooks(t);
		t->dcfg.table_added = t_table_added;
		t_alloc_ops(t);
		dart_io_pgtable_get_stats(t->ops, &st0);
		/* A different span each time, away from the space's start. */
		base = (3 + p) * t_leaf_span(t);
		for (r = 0; r < RACE_ROUNDS; r++) {
			lost = race_round(test, t, base, n, cpus);
			if (lost < 0)
				return;
			races += lost;
		}
		/* The counters are back where they started, but for the upper tables. */
		dart_io_pgtable_get_stats(t->ops, &st);
		KUNIT_EXPECT_EQ(test, st.leaf_tables, st0.leaf_tables);
		KUNIT_EXPECT_EQ(test, st.tables, st0.tables + c->levels - 2);
		t_done(t);
	}
	/*
	 * Without a single lost race the test proved nothing.  Both threads
	 * allocate and zero a table between leaving the barrier and the
	 * cmpxchg, so with two CPUs running this happens in most rounds.
	 */
	KUNIT_EXPECT_GT_MSG(test, races, 0L, "%u rounds, %u threads: no install race lost",
			    RACE_TABLES * RACE_ROUNDS, n);
	kunit_info(test, "%u threads x %u rounds: %ld racing installs lost and freed\n",
		   n, RACE_TABLES * RACE_ROUNDS, races);
}

struct double_unmap_arg {
	struct tctx		*t;
	unsigned long		iova;
	int			ret;
	struct completion	done;
};

static int double_unmap_fn(void *data)
{
	struct double_unmap_arg *a = data;
	size_t mapped;

	a->ret = t_map(a->t, a->iova, t_pa(a->t, 1), 1, IOMMU_READ, &mapped);
	if (!a->ret && t_unmap(a->t, a->iova, 1) != a->t->gran)
		a->ret = -EIO;
	complete(&a->done);
	return 0;
}

/*
 * Two unmaps of one IOVA racing (a caller bug) may both see its entry
 * valid and both count it cleared.  The same outcome, deterministically:
 * unmap, put the entry back behind the backend's back, unmap again.  The
 * leaf table's count then falls below zero.  The backend must report it
 * (pr_err, not WARN: the harness fails on any warning) and keep working:
 * a later map into the same table must not wait forever for a teardown
 * that never comes.  That map runs in a thread, so a backend that does
 * spin fails the test instead of hanging the boot (the thread is leaked).
 */
static void dart_test_double_unmap(struct kunit *test)
{
	struct tctx *t = t_new(test);
	unsigned long iova = 5 * t->gran;
	struct double_unmap_arg *a;
	struct task_struct *k;
	u64 parent, pte, *leaf;
	unsigned int idx;
	size_t mapped;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_EQ(test, t_map(t, iova, t_pa(t, 0), 1, IOMMU_READ,
				    &mapped), 0);
	pte = ref_walk(t, iova);
	parent = ref_walk_to(t, iova, t->c->levels - 2);
	KUNIT_ASSERT_NE(test, pte, 0ULL);
	KUNIT_ASSERT_NE(test, parent, 0ULL);
	leaf = phys_to_virt(ref_pte_pa(t->c->ref, parent));
	idx = (iova >> t->c->gshift) & ((1UL << t->bpl) - 1);

	KUNIT_ASSERT_EQ(test, t_unmap(t, iova, 1), t->gran);
	WRITE_ONCE(leaf[idx], pte);
	KUNIT_EXPECT_EQ(test, t_unmap(t, iova, 1), t->gran);
	KUNIT_EXPECT_EQ(test, ref_walk(t, iova), 0ULL);

	a->t = t;
	a->iova = iova + t->gran;
	init_completion(&a->done);
	k = kthread_run(double_unmap_fn, a, "dart-pgt-dbl");
	KUNIT_ASSERT_FALSE(test, IS_ERR(k));
	if (!wait_for_completion_timeout(&a->done, 5 * HZ)) {
		KUNIT_FAIL(test, "a map waits forever on the broken count");
		return;
	}
	KUNIT_EXPECT_EQ(test, a->ret, 0);
	kfree(a);
	/* The table stays installed, so a whole-span cycle still works. */
	KUNIT_ASSERT_EQ(test, t_map(t, 0, t_pa(t, 1UL << t->bpl),
				    1UL << t->bpl, IOMMU_READ, &mapped), 0);
	KUNIT_EXPECT_EQ(test, t_unmap(t, 0, 1UL << t->bpl), t_leaf_span(t));
	KUNIT_EXPECT_EQ(test, ref_walk(t, iova), 0ULL);
	t_done(t);
}

/*
 * A driver with a tlb_add_page() callback hears of every page an unmap
 * cleared, in order and of the granule's size, as the io-pgtable contract
 * has it; not when its gather is queued (a flush queue invalidates all of
 * it later).  Catches pages left out at a table boundary or the end of a
 * call, and calls for a queued gather.
 */
static void dart_test_add_page(struct kunit *test)
{
	const struct dart_case *c = test->param_value;
	struct iommu_iotlb_gather gather;
	unsigned long entries, pages, iova;
	struct tctx *t;
	size_t mapped;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t_init_cfg(t, test, c);
	t->cfg.tlb = &t_tlb_pages;
	t_use_hooks(t);
	t_alloc_ops(t);
	entries = 1UL << t->bpl;

	/* Across two table boundaries, a whole table in the middle. */
	pages = 2 * entries + 4;
	iova = (entries - 2) * t->gran;
	KUNIT_ASSERT_EQ(test, t_map(t, iova, t_pa(t, pages), pages, IOMMU_READ,
				    &mapped), 0);
	iommu_iotlb_gather_init(&gather);
	t->add_next = iova;
	KUNIT_EXPECT_EQ(test, t->ops->unmap_pages(t->ops, iova, t->gran, pages,
						  &gather), pages * t->gran);
	KUNIT_EXPECT_EQ(test, t->add_pages, pages);
	KUNIT_EXPECT_EQ(test, t->add_bad, 0UL);
	KUNIT_EXPECT_EQ(test, ref_walk(t, iova), 0ULL);

	/* One page: the open-coded path is not taken with the callback. */
	KUNIT_ASSERT_EQ(test, t_map(t, iova, t_pa(t, 1), 1, IOMMU_READ,
				    &mapped), 0);
	t->add_next = iova;
	KUNIT_EXPECT_EQ(test, t->ops->unmap_pages(t->ops, iova, t->gran, 1,
						  &gather), t->gran);
	KUNIT_EXPECT_EQ(test, t->add_pages, pages + 1);

	/* Queued: nothing per page. */
	KUNIT_ASSERT_EQ(test, t_map(t, iova, t_pa(t, 3), 3, IOMMU_READ,
				    &mapped), 0);
	iommu_iotlb_gather_init(&gather);
	gather.queued = true;
	KUNIT_EXPECT_EQ(test, t->ops->unmap_pages(t->ops, iova, t->gran, 3,
						  &gather), 3 * t->gran);
	KUNIT_EXPECT_EQ(test, t->add_pages, pages + 1);
	KUNIT_EXPECT_EQ(test, t->add_bad, 0UL);
	t_done(t);
}

/*
 * An operation that meets a slot while another unmap tears its table
 * down.  The reclaim's tlb_flush_walk (no gather: the hooks' allocator)
 * runs with the slot DYING, the table unhooked but not yet freed, and
 * interrupts off; the hook holds it there while a thread on another CPU
 * runs one operation in the same span.  That operation must wait for the
 * teardown: one that completed during the hold went through a DYING slot
 * (a map would write into, or install next to, a table being freed, and
 * an unmap would count entries of it).  Afterwards the map must be
 * reachable, in a new table.  Map and unmap, one page and several: with
 * two levels each meets the slot on its fast path and falls back to the
 * table walk; with more, the walk waits itself.
 */
#define DYING_HOLD_MS	50
#define DYING_TRIES	5

enum { DYING_MAP1, DYING_MAPN, DYING_UNMAP1, DYING_UNMAPN, DYING_OPS };

struct dying_arg {
	struct tctx		*t;
	unsigned long		base;
	unsigned int		op;
	atomic_t		stage;	/* 1 dying, 2 racer started, 3 done */
	bool			started;	/* the racer ran during the hold */
	bool			early;		/* ... and finished in it */
	ktime_t			call;		/* when its operation began */
	ktime_t			release;	/* when the hold ended */
	long			ret;		/* the racer's operation */
	size_t			mapped;
	size_t			reclaimed;	/* the teardown's unmap */
	struct completion	racer_done;
	struct completion	reclaim_done;
};

static bool dying_wait(atomic_t *stage, int want, s64 ms)
{
	ktime_t end = ktime_add_ms(ktime_get(), ms);

	while (atomic_read(stage) < want) {
		if (ktime_after(ktime_get(), end))
			return false;
		cpu_relax();
	}
	return true;
}

/* In the reclaim's flush, interrupts off: let the racer run into it. */
static void dying_hold(struct dying_arg *a)
{
	atomic_set(&a->stage, 1);
	a->started = dying_wait(&a->stage, 2, 200);
	dying_wait(&a->stage, 3, DYING_HOLD_MS);
	a->early = atomic_read(&a->stage) >= 3;
	a->release = ktime_get();
}

static unsigned long dying_pages(unsigned int op)
{
	return op == DYING_MAP1 || op == DYING_UNMAP1 ? 1 : 4;
}

static int dying_racer_fn(void *data)
{
	struct dying_arg *a = data;
	struct tctx *t = a->t;
	unsigned long iova = a->base + 3 * t->gran;

	if (dying_wait(&a->stage, 1, 5000)) {
		atomic_set(&a->stage, 2);
		a->call = ktime_get();
		if (a->op == DYING_MAP1 || a->op == DYING_MAPN)
			a->ret = t_map(t, iova, t_pa(t, 3), dying_pages(a->op),
				       IOMMU_READ, &a->mapped);
		else
			a->ret = t_unmap(t, iova, dying_pages(a->op));
		atomic_set(&a->stage, 3);
	}
	kthread_complete_and_exit(&a->racer_done, 0);
}

static int dying_reclaim_fn(void *data)
{
	struct dying_arg *a = data;
	struct tctx *t = a->t;

	t->dying = a;
	a->reclaimed = t_unmap(t, a->base, 1UL << t->bpl);
	t->dying = NULL;
	kthread_complete_and_exit(&a->reclaim_done, 0);
}

/*
 * One teardown of the span at @a->base with the racer's operation in it.
 * Both threads are made and bound before either is woken.  Returns false
 * if a thread never finished: @a and the page table are then left to it.
 */
static bool dying_round(struct kunit *test, struct dying_arg *a,
			const unsigned int *cpus)
{
	struct task_struct *racer, *reclaim;

	racer = kthread_create(dying_racer_fn, a, "dart-pgt-racer");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, racer);
	reclaim = kthread_create(dying_reclaim_fn, a, "dart-pgt-reclaim");
	if (IS_ERR(reclaim)) {
		kthread_stop(racer);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, reclaim);
	}
	kthread_bind(racer, cpus[1]);
	kthread_bind(reclaim, cpus[0]);
	wake_up_process(racer);
	wake_up_process(reclaim);
	if (!wait_for_completion_timeout(&a->reclaim_done, 10 * HZ) ||
	    !wait_for_completion_timeout(&a->racer_done, 10 * HZ)) {
		KUNIT_FAIL(test, "op %u: a thread never finished", a->op);
		return false;
	}
	return true;
}

static void dart_test_dying_slot(struct kunit *test)
{
	const struct dart_case *c = test->param_value;
	unsigned int op, try, cpu, cpus[2], n = 0, rounds = 0;
	struct dart_pgtable_stats st;
	struct dying_arg *a;
	unsigned long base;
	struct tctx *t;
	size_t mapped;

	for_each_online_cpu(cpu) {
		if (n < 2)
			cpus[n++] = cpu;
	}
	if (n < 2)
		kunit_skip(test, "one CPU online: nothing runs at the same time");
	/* Not the test's memory: a thread that never ends may still use it. */
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t_init_cfg(t, test, c);
	t_use_hooks(t);
	t_alloc_ops(t);
	base = 2 * t_leaf_span(t);
	for (op = 0; op < DYING_OPS; op++) {
		/*
		 * A racer whose vCPU was held up past the hold meets no
		 * DYING slot; that proves nothing, so try again.
		 */
		for (try = 0; try < DYING_TRIES; try++) {
			a = kzalloc(sizeof(*a), GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, a);
			KUNIT_ASSERT_EQ(test, t_map(t, base,
						    t_pa(t, 1UL << t->bpl),
						    1UL << t->bpl, IOMMU_READ,
						    &mapped), 0);
			a->t = t;
			a->base = base;
			a->op = op;
			init_completion(&a->racer_done);
			init_completion(&a->reclaim_done);
			if (!dying_round(test, a, cpus))
				return;
			rounds++;
			KUNIT_EXPECT_EQ(test, a->reclaimed, t_leaf_span(t));
			KUNIT_EXPECT_FALSE_MSG(test, a->early,
					       "op %u: completed through a DYING slot",
					       op);
			if (a->op == DYING_MAP1 || a->op == DYING_MAPN) {
				KUNIT_EXPECT_EQ(test, a->ret, 0L);
				KUNIT_EXPECT_EQ(test, a->mapped,
						dying_pages(op) * t->gran);
				ref_check_page(t, base + 3 * t->gran,
					       t_pa(t, 3), IOMMU_READ);
				KUNIT_EXPECT_EQ(test,
						t_unmap(t, base + 3 * t->gran,
							dying_pages(op)),
						dying_pages(op) * t->gran);
			} else {
				KUNIT_EXPECT_EQ(test, a->ret, 0L);
			}
			if (a->started && ktime_before(a->call, a->release)) {
				kfree(a);
				break;
			}
			kfree(a);
		}
		KUNIT_EXPECT_LT_MSG(test, try, (unsigned int)DYING_TRIES,
				    "op %u: the racer never ran during a teardown",
				    op);
	}
	/* Every teardown freed its table; the counts end where they began. */
	KUNIT_ASSERT_EQ(test, t_map(t, base, t_pa(t, 1UL << t->bpl),
				    1UL << t->bpl, IOMMU_READ, &mapped), 0);
	KUNIT_EXPECT_EQ(test, t_unmap(t, base, 1UL << t->bpl), t_leaf_span(t));
	dart_io_pgtable_get_stats(t->ops, &st);
	KUNIT_EXPECT_EQ(test, st.leaf_tables, 0UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->flush_walks),
			(long)rounds + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->frees),
			atomic_long_read(&t->flush_walks));
	t_done(t);
	kfree(t);
}

/* Configurations the backend must refuse, each with its error. */
static void dart_test_bad_config(struct kunit *test)
{
	static const struct {
		const char *what;
		enum io_pgtable_fmt fmt;
		unsigned long pgsize;
		unsigned int ias, oas, max_ttbrs, max_levels;
		int err;
	} bad[] = {
		{ "DART2 cannot hold 4K pages", APPLE_DART2, SZ_4K, 32, 42, 4, 3, -EINVAL },
		{ "two granules", APPLE_DART, SZ_4K | SZ_16K, 32, 36, 4, 3, -EINVAL },
		{ "64K granule", APPLE_DART, SZ_64K, 32, 36, 4, 3, -EINVAL },
		{ "DART1 OAS 37", APPLE_DART, SZ_16K, 32, 37, 4, 3, -ERANGE },
		{ "DART2 OAS 43", APPLE_DART2, SZ_16K, 32, 43, 4, 3, -ERANGE },
		{ "IAS 49", APPLE_DART2, SZ_16K, 49, 42, 4, 3, -ERANGE },
		{ "IAS 25: one level", APPLE_DART2, SZ_16K, 25, 42, 4, 3, -EINVAL },
		{ "IAS 42 on 2 levels, 1 TTBR", APPLE_DART2, SZ_16K, 42, 42, 1, 2, -E2BIG },
		{ "IAS 38 on 2 levels, 1 TTBR", APPLE_DART2, SZ_16K, 38, 42, 1, 2, -E2BIG },
		{ "5 TTBRs", APPLE_DART, SZ_16K, 32, 36, 5, 3, -EINVAL },
		{ "5 levels", APPLE_DART, SZ_16K, 32, 36, 4, 5, -EINVAL },
		{ "ARM format", ARM_64_LPAE_S1, SZ_16K, 32, 36, 4, 3, -EINVAL },
	};
	struct io_pgtable_cfg cfg;
	struct dart_pgtable_cfg dcfg;
	struct io_pgtable_ops *ops;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		cfg = (struct io_pgtable_cfg) {
			.pgsize_bitmap = bad[i].pgsize, .ias = bad[i].ias,
			.oas = bad[i].oas, .coherent_walk = true,
		};
		dcfg = (struct dart_pgtable_cfg) {
			.max_ttbrs = bad[i].max_ttbrs,
			.max_levels = bad[i].max_levels,
		};
		ops = dart_io_pgtable_alloc(bad[i].fmt, &cfg, &dcfg, NULL);
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(ops), bad[i].err, "%s",
				    bad[i].what);
		if (!IS_ERR(ops))
			dart_io_pgtable_free(ops);
	}

	/* No coherent walk, quirks, half a custom allocator. */
	cfg = (struct io_pgtable_cfg) {
		.pgsize_bitmap = SZ_16K, .ias = 32, .oas = 36,
	};
	KUNIT_EXPECT_EQ(test, PTR_ERR(dart_io_pgtable_alloc(APPLE_DART, &cfg,
							    NULL, NULL)), -EINVAL);
	cfg.coherent_walk = true;
	cfg.quirks = IO_PGTABLE_QUIRK_ARM_NS;
	KUNIT_EXPECT_EQ(test, PTR_ERR(dart_io_pgtable_alloc(APPLE_DART, &cfg,
							    NULL, NULL)), -EINVAL);
	cfg.quirks = 0;
	cfg.alloc = t_alloc;
	KUNIT_EXPECT_EQ(test, PTR_ERR(dart_io_pgtable_alloc(APPLE_DART, &cfg,
							    NULL, NULL)), -EINVAL);

	/* Defaults without a DART config: 6.12-compatible sizing. */
	cfg.alloc = NULL;
	cfg.ias = 38;
	ops = dart_io_pgtable_alloc(APPLE_DART, &cfg, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ops));
	KUNIT_EXPECT_EQ(test, cfg.apple_dart_cfg.n_ttbrs, 4U);
	dart_io_pgtable_free(ops);
}

static struct kunit_case dart_pgtable_cases[] = {
	KUNIT_CASE_PARAM(dart_test_geometry, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_empty, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_map_sizes, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_alloc_fail, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_edges, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_errors, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_encoding, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_walk, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_random, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_reclaim, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_gather, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_reclaim_walk_cache, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_table_added, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_dirty_top, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_foreign_top, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_concurrent, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_install_race, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_double_unmap, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_dying_slot, dart_case_gen_params),
	KUNIT_CASE_PARAM(dart_test_add_page, dart_case_gen_params),
	KUNIT_CASE(dart_test_bad_config),
	{}
};

static struct kunit_suite dart_pgtable_suite = {
	.name = "io-pgtable-dart",
	.test_cases = dart_pgtable_cases,
};

kunit_test_suite(dart_pgtable_suite);

MODULE_DESCRIPTION("KUnit tests for the Apple DART page-table backend");
MODULE_LICENSE("GPL");
