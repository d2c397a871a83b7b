// SPDX-License-Identifier: GPL-2.0
/*
 * Register-level tests of the emulated Apple DART (tools/qemu) through its
 * DMA test engines, with no DART driver bound: the test programs page
 * tables, TTBR/TCR and TLB invalidations itself, following dart-hw.md, and
 * checks what the engines' DMA and the DART's fault registers report.
 * It drives every register path of the model (Documentation/dart/
 * emulator.rst) so that the model, which judges the real driver, is
 * itself checked against the facts sheet.
 *
 * Run on "-machine virt,apple-dart=full" with no DART driver loaded.
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_irq.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "dart_test_engine.h"

/* Common identification registers (dart-hw.md §1). */
#define DART_PARAMS1		0x000
#define DART_PARAMS1_PGSHIFT	GENMASK(27, 24)
#define DART_PARAMS2		0x004
#define DART_PARAMS2_BYPASS	BIT(0)
#define DART_PARAMS3		0x008
#define DART_PARAMS3_VA_WIDTH	GENMASK(21, 16)
#define DART_PARAMS4		0x00c
#define DART_PARAMS4_NUM_SIDS	GENMASK(8, 0)

/* T8020 layout (dart-hw.md §2). */
#define T8020_STREAM_COMMAND	0x020
#define T8020_CMD_INVALIDATE	BIT(20)
#define T8020_CMD_BUSY		BIT(2)
#define T8020_STREAM_SELECT(i)	(0x034 + 4 * (i))
#define T8020_ERROR		0x040
#define T8020_ERROR_ADDR_LO	0x050
#define T8020_ERROR_ADDR_HI	0x054
#define T8020_CONFIG		0x060
#define T8020_CONFIG_LOCK	BIT(15)
#define T8020_ENABLED_STREAMS	0x0fc
#define T8020_TCR(sid)		(0x100 + 4 * (sid))
#define T8020_TCR_TRANSLATE	BIT(7)
#define T8020_TCR_BYPASS	(BIT(8) | BIT(12))
#define T8020_TTBR_VALID	BIT(31)
#define T8020_ERR_STREAM	GENMASK(27, 24)
#define T8020_ERR_CODE		GENMASK(11, 0)

/* T8110 layout (dart-hw.md §3). */
#define T8110_TLB_CMD		0x080
#define T8110_TLB_CMD_BUSY	BIT(31)
#define T8110_TLB_FLUSH_ALL	0
#define T8110_TLB_FLUSH_SID	BIT(8)
#define T8110_TLB_OP(op)	((op) << 8)
#define T8110_ERROR		0x100
#define T8110_ERROR_MASK	0x104
#define T8110_ERROR_ADDR_LO	0x170
#define T8110_ERROR_ADDR_HI	0x174
#define T8110_ERROR_STREAMS(i)	(0x1c0 + 4 * (i))
#define T8110_PROTECT		0x200
#define T8110_UNPROTECT		0x204
#define T8110_PROTECT_LOCK	0x208
#define T8110_PROTECT_TCR_TTBR	BIT(0)
#define T8110_ENABLE_STREAMS(i)	(0xc00 + 4 * (i))
#define T8110_DISABLE_STREAMS(i) (0xc20 + 4 * (i))
#define T8110_TCR(sid)		(0x1000 + 4 * (sid))
#define T8110_TCR_TRANSLATE	BIT(0)
#define T8110_TCR_BYPASS	(BIT(1) | BIT(2))
#define T8110_TCR_FOUR_LEVEL	BIT(3)
#define T8110_TTBR(sid)		(0x1400 + 4 * (sid))
#define T8110_TTBR_VALID	BIT(0)
#define T8110_ERR_SID		GENMASK(27, 20)
#define T8110_ERR_CODE		GENMASK(14, 0)
#define T8110_ERR_SECONDARY	BIT(19)

#define DART_ERR_FLAG		BIT(31)

/* Fault codes per layout (dart-hw.md §2.2, §3.2). */
enum dm_fault { F_NO_TTBR, F_NO_PGD, F_NO_PMD, F_NO_PTE, F_WRITE, F_READ, F_SUBPAGE };
static const u32 t8020_codes[] = {
	[F_NO_TTBR] = BIT(0), [F_NO_PMD] = BIT(1), [F_NO_PTE] = BIT(2),
	[F_WRITE] = BIT(3), [F_READ] = BIT(4), [F_SUBPAGE] = BIT(7),
};

static const u32 t8110_codes[] = {
	[F_NO_TTBR] = BIT(0), [F_NO_PGD] = BIT(1), [F_NO_PMD] = BIT(2),
	[F_NO_PTE] = BIT(3), [F_WRITE] = BIT(4), [F_READ] = BIT(5),
	/* T8110 has no sub-page code; the model reports the direction. */
	[F_SUBPAGE] = BIT(5),
};

/* Page-table entries (dart-hw.md §4.1). */
#define DM_PTE_VALID		BIT_ULL(0)
#define DM_PTE_SP_DIS		BIT_ULL(1)	/* DART1 only */
#define DART1_NO_WRITE		BIT_ULL(7)
#define DART1_NO_READ		BIT_ULL(8)
#define DART1_ADDR		GENMASK_ULL(35, 12)
#define DART2_NO_WRITE		BIT_ULL(2)
#define DART2_NO_READ		BIT_ULL(3)
#define DART2_ADDR		GENMASK_ULL(37, 10)
#define DM_PTE_SP_END		GENMASK_ULL(51, 40)
#define DM_PTE_SP_START		GENMASK_ULL(63, 52)

#define DM_PGSHIFT		14
#define DM_PGSIZE		SZ_16K
#define DM_BITS			11
#define DM_ENTRIES		BIT(DM_BITS)
#define DM_IOVA			0x10000000ULL

/*
 * Every wait on the model is bounded only so that a broken model cannot
 * hang the run: QEMU's virtual clock follows host time under TCG, so on a
 * loaded host any tighter bound, or any assertion that something was seen
 * inside a time window, would fail at random.  Timing is asserted only as
 * lower bounds, which load can never break.
 */
#define DM_POLL_US		(10 * USEC_PER_SEC)

#define DM_MAX_DARTS		16
#define DM_MAX_ENGINES		16

struct dm_dart {
	struct device_node *np;
	void __iomem *base;
	const char *label;
	bool t8110;
	bool dart2;
	bool bypass;
	bool locked;		/* by the boot loader: only its L1s can change */
	u32 nsids;
	int irq;
	bool masked;		/* the handler masked the latched interrupt */
	u32 irq_error;
};

/*
 * @hw is mapped here, with no driver bound: its sid[] and port1 stay
 * unset, the streams come from the DT (@sid).
 */
struct dm_engine {
	struct dte_engine hw;
	struct device_node *np;
	int nports;
	struct dm_dart *dart[2];
	u32 sid[2];
	atomic_t irqs;
};

static struct dm_dart dm_darts[DM_MAX_DARTS];
static int dm_ndarts;
static struct dm_engine dm_engines[DM_MAX_ENGINES];
static int dm_nengines;

/* One stream's translation set-up, with tables owned by the test. */
struct dm_stream {
	struct kunit *test;
	struct dm_dart *d;
	u32 sid;
	bool four_level;
	__le64 *top[4];
};

/* ------------------------------------------------------------------ */
/* DART helpers                                                        */

static u32 dm_rd(struct dm_dart *d, u32 off)
{
	return readl(d->base + off);
}

static void dm_wr(struct dm_dart *d, u32 off, u32 val)
{
	writel(val, d->base + off);
}

static u32 dm_error_reg(struct dm_dart *d)
{
	return d->t8110 ? T8110_ERROR : T8020_ERROR;
}

static u32 dm_code(struct dm_dart *d, enum dm_fault f)
{
	return d->t8110 ? t8110_codes[f] : t8020_codes[f];
}

static irqreturn_t dm_dart_irq(int irq, void *data)
{
	struct dm_dart *d = data;

	/*
	 * Level interrupt: it stays asserted until the test clears ERROR, so
	 * mask it here and let the test look at the latched state.
	 */
	d->irq_error = dm_rd(d, dm_error_reg(d));
	disable_irq_nosync(irq);
	WRITE_ONCE(d->masked, true);
	return IRQ_HANDLED;
}

static u32 dm_busy_bit(struct dm_dart *d)
{
	return d->t8110 ? T8110_TLB_CMD_BUSY : T8020_CMD_BUSY;
}

static u32 dm_cmd_reg(struct dm_dart *d)
{
	return d->t8110 ? T8110_TLB_CMD : T8020_STREAM_COMMAND;
}

static u32 dm_cmd_val(struct dm_dart *d, u32 sid)
{
	return d->t8110 ? T8110_TLB_FLUSH_SID | sid : T8020_CMD_INVALIDATE;
}

/* Wait for the TLB command in flight to finish (BUSY to drop). */
static int dm_wait_idle(struct dm_dart *d)
{
	u32 val;

	return readl_poll_timeout_atomic(d->base + dm_cmd_reg(d), val,
					 !(val & dm_busy_bit(d)), 1, DM_POLL_US);
}

/* Issue an invalidate of one stream's TLB, without waiting. */
static void dm_start_invalidate(struct dm_dart *d, u32 sid)
{
	int i;

	for (i = 0; !d->t8110 && i < DIV_ROUND_UP(d->nsids, 32); i++)
		dm_wr(d, T8020_STREAM_SELECT(i), sid / 32 == i ? BIT(sid % 32) : 0);
	dm_wr(d, dm_cmd_reg(d), dm_cmd_val(d, sid));
}

/* Invalidate one stream's TLB and wait for BUSY to drop. */
static int dm_invalidate(struct dm_dart *d, u32 sid)
{
	dm_start_invalidate(d, sid);
	return dm_wait_idle(d);
}

static void dm_set_tcr(struct dm_dart *d, u32 sid, u32 val)
{
	dm_wr(d, d->t8110 ? T8110_TCR(sid) : T8020_TCR(sid), val);
}

static u32 dm_get_tcr(struct dm_dart *d, u32 sid)
{
	return dm_rd(d, d->t8110 ? T8110_TCR(sid) : T8020_TCR(sid));
}

static u32 dm_ttbr_off(struct dm_dart *d, u32 sid, int idx)
{
	if (d->t8110)
		return T8110_TTBR(sid);
	/* The 64-stream USB4 DART keeps its TTBRs at 0x400 (dart-hw.md §2). */
	return (d->nsids > 16 ? 0x400 : 0x200) + 16 * sid + 4 * idx;
}

static u32 dm_ttbr_val(struct dm_dart *d, phys_addr_t pa)
{
	/* dart-hw.md §4.3 */
	if (d->t8110)
		return ((pa >> 14) << 2) | T8110_TTBR_VALID;
	return (pa >> 12) | T8020_TTBR_VALID;
}

static void dm_enable_stream(struct dm_dart *d, u32 sid, bool on)
{
	u32 v;

	if (d->t8110) {
		dm_wr(d, on ? T8110_ENABLE_STREAMS(sid / 32) :
		      T8110_DISABLE_STREAMS(sid / 32), BIT(sid % 32));
		return;
	}
	if (sid >= 32)
		return;
	v = dm_rd(d, T8020_ENABLED_STREAMS);
	dm_wr(d, T8020_ENABLED_STREAMS, on ? v | BIT(sid) : v & ~BIT(sid));
}

/* ------------------------------------------------------------------ */
/* Page tables                                                         */

static void *dm_table(struct kunit *test)
{
	void *t = kunit_kzalloc(test, DM_PGSIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	/* Tables are one naturally aligned page (dart-hw.md §4). */
	KUNIT_ASSERT_EQ(test, virt_to_phys(t) & (DM_PGSIZE - 1), 0);
	return t;
}

static u64 dm_pte_addr(struct dm_dart *d, phys_addr_t pa)
{
	if (d->dart2)
		return (pa >> 4) & DART2_ADDR;
	return pa & DART1_ADDR;
}

static phys_addr_t dm_pte_to_pa(struct dm_dart *d, u64 pte)
{
	if (d->dart2)
		return (pte & DART2_ADDR) << 4;
	return pte & DART1_ADDR;
}

static u64 dm_leaf(struct dm_dart *d, phys_addr_t pa, bool rd, bool wr)
{
	u64 pte = DM_PTE_VALID | dm_pte_addr(d, pa) |
		  FIELD_PREP(DM_PTE_SP_START, 0) | FIELD_PREP(DM_PTE_SP_END, 0xfff);

	if (d->dart2) {
		pte |= rd ? 0 : DART2_NO_READ;
		pte |= wr ? 0 : DART2_NO_WRITE;
	} else {
		pte |= DM_PTE_SP_DIS;
		pte |= rd ? 0 : DART1_NO_READ;
		pte |= wr ? 0 : DART1_NO_WRITE;
	}
	return pte;
}

static __le64 *dm_next(struct dm_stream *st, __le64 *table, unsigned int idx)
{
	u64 pte = le64_to_cpu(table[idx]);
	__le64 *next;

	if (pte & DM_PTE_VALID)
		return phys_to_virt(dm_pte_to_pa(st->d, pte));
	next = dm_table(st->test);
	table[idx] = cpu_to_le64(DM_PTE_VALID | dm_pte_addr(st->d, virt_to_phys(next)));
	return next;
}

/* The leaf entry slot for @iova, creating tables on the way. */
static __le64 *dm_slot(struct dm_stream *st, u64 iova)
{
	unsigned int l2 = (iova >> DM_PGSHIFT) & (DM_ENTRIES - 1);
	unsigned int l1 = (iova >> (DM_PGSHIFT + DM_BITS)) & (DM_ENTRIES - 1);
	unsigned int top = (iova >> (DM_PGSHIFT + 2 * DM_BITS)) & (DM_ENTRIES - 1);
	__le64 *t;

	if (st->d->t8110) {
		t = st->top[0];
		if (st->four_level)
			t = dm_next(st, t, top);
	} else {
		/* IOVA[37:36] selects one of four TTBRs (dart-hw.md §4.2). */
		KUNIT_ASSERT_NOT_NULL(st->test, st->top[top & 3]);
		t = st->top[top & 3];
	}
	t = dm_next(st, t, l1);
	return &t[l2];
}

static void dm_map_pte(struct dm_stream *st, u64 iova, u64 pte)
{
	WRITE_ONCE(*dm_slot(st, iova), cpu_to_le64(pte));
	/* Make the entry visible to the walker before any invalidate. */
	dma_wmb();
}

static void dm_map(struct dm_stream *st, u64 iova, void *buf, bool rd, bool wr)
{
	dm_map_pte(st, iova, dm_leaf(st->d, virt_to_phys(buf), rd, wr));
}

static void dm_attach(struct kunit *test, struct dm_stream *st,
		      struct dm_dart *d, u32 sid, bool four_level)
{
	memset(st, 0, sizeof(*st));
	st->test = test;
	st->d = d;
	st->sid = sid;
	st->four_level = four_level;
	st->top[0] = dm_table(test);
	dm_wr(d, dm_ttbr_off(d, sid, 0), dm_ttbr_val(d, virt_to_phys(st->top[0])));
	if (!d->t8110) {
		int i;

		for (i = 1; i < 4; i++)
			dm_wr(d, dm_ttbr_off(d, sid, i), 0);
	}
	dm_enable_stream(d, sid, true);
	if (d->t8110)
		dm_set_tcr(d, sid, T8110_TCR_TRANSLATE |
			   (four_level ? T8110_TCR_FOUR_LEVEL : 0));
	else
		dm_set_tcr(d, sid, T8020_TCR_TRANSLATE);
	KUNIT_ASSERT_EQ(test, dm_invalidate(d, sid), 0);
}

/* Give a T8020 stream a table behind TTBR @idx. */
static void dm_add_ttbr(struct dm_stream *st, int idx)
{
	st->top[idx] = dm_table(st->test);
	dm_wr(st->d, dm_ttbr_off(st->d, st->sid, idx),
	      dm_ttbr_val(st->d, virt_to_phys(st->top[idx])));
}

static void dm_detach(struct dm_stream *st)
{
	struct dm_dart *d = st->d;
	int i;

	dm_set_tcr(d, st->sid, 0);
	for (i = 0; i < (d->t8110 ? 1 : 4); i++)
		dm_wr(d, dm_ttbr_off(d, st->sid, i), 0);
	KUNIT_EXPECT_EQ(st->test, dm_invalidate(d, st->sid), 0);
}

/* ------------------------------------------------------------------ */
/* Fault checking                                                      */

static bool dm_wait_masked(struct dm_dart *d)
{
	bool masked;

	/* The interrupt may target a vCPU the host has not run for a while. */
	return !read_poll_timeout(READ_ONCE, masked, masked, 20, DM_POLL_US,
				  false, d->masked);
}

/* Unmask the DART interrupt after the handler masked it. */
static void dm_unmask(struct dm_dart *d)
{
	WRITE_ONCE(d->masked, false);
	enable_irq(d->irq);
}

/*
 * The last engine command faulted at @iova: check the engine's status, the
 * DART's ERROR / ERROR_ADDR / per-stream bits and its level interrupt, then
 * clear the error by writing it back.
 */
static void dm_check_fault2(struct kunit *test, struct dm_engine *e, int port,
			    u64 iova, u64 engine_iova, enum dm_fault f)
{
	struct dm_dart *d = e->dart[port];
	u32 sid = e->sid[port];
	u32 err, code;
	u64 addr;
	int i;

	KUNIT_EXPECT_EQ(test, dte_fault_iova(&e->hw), engine_iova);

	err = dm_rd(d, dm_error_reg(d));
	KUNIT_EXPECT_TRUE(test, err & DART_ERR_FLAG);
	if (d->t8110) {
		code = FIELD_GET(T8110_ERR_CODE, err);
		KUNIT_EXPECT_EQ(test, FIELD_GET(T8110_ERR_SID, err), sid);
		addr = ((u64)dm_rd(d, T8110_ERROR_ADDR_HI) << 32) |
		       dm_rd(d, T8110_ERROR_ADDR_LO);
		/* Exactly this stream's bit, in its word (dart-hw.md §3). */
		for (i = 0; i < 8; i++)
			KUNIT_EXPECT_EQ_MSG(test, dm_rd(d, T8110_ERROR_STREAMS(i)),
					    i == sid / 32 ? BIT(sid % 32) : 0,
					    "ERROR_STREAMS[%d]", i);
	} else {
		code = FIELD_GET(T8020_ERR_CODE, err);
		KUNIT_EXPECT_EQ(test, FIELD_GET(T8020_ERR_STREAM, err), sid & 0xf);
		addr = ((u64)dm_rd(d, T8020_ERROR_ADDR_HI) << 32) |
		       dm_rd(d, T8020_ERROR_ADDR_LO);
	}
	KUNIT_EXPECT_EQ_MSG(test, code, dm_code(d, f), "%s ERROR 0x%08x",
			    d->label, err);
	KUNIT_EXPECT_EQ(test, addr, iova);

	/* The interrupt fired and is level: unmasking it fires it again. */
	KUNIT_ASSERT_TRUE(test, dm_wait_masked(d));
	KUNIT_EXPECT_TRUE(test, d->irq_error & DART_ERR_FLAG);
	dm_unmask(d);
	KUNIT_ASSERT_TRUE(test, dm_wait_masked(d));

	/* Clear by writing the value back (dart-hw.md §2.2, §3.2). */
	dm_wr(d, dm_error_reg(d), err);
	if (d->t8110) {
		for (i = 0; i < 8; i++)
			dm_wr(d, T8110_ERROR_STREAMS(i), 0xffffffff);
		KUNIT_EXPECT_EQ(test, dm_rd(d, T8110_ERROR_STREAMS(sid / 32)), 0);
	}
	KUNIT_EXPECT_EQ(test, dm_rd(d, dm_error_reg(d)), 0);
	dm_unmask(d);
	usleep_range(100, 200);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(d->masked));
}

static void dm_check_fault(struct kunit *test, struct dm_engine *e, int port,
			   u64 iova, enum dm_fault f)
{
	dm_check_fault2(test, e, port, iova, iova, f);
}

/* ------------------------------------------------------------------ */
/* Discovery                                                           */

static struct dm_dart *dm_get_dart(struct device_node *np)
{
	struct dm_dart *d;
	int i, ret;

	for (i = 0; i < dm_ndarts; i++)
		if (dm_darts[i].np == np)
			return &dm_darts[i];
	if (dm_ndarts == DM_MAX_DARTS)
		return NULL;
	d = &dm_darts[dm_ndarts];
	d->np = of_node_get(np);
	d->base = of_iomap(np, 0);
	if (!d->base)
		return NULL;
	if (of_property_read_string(np, "label", &d->label))
		d->label = np->full_name;
	d->t8110 = of_device_is_compatible(np, "apple,t8110-dart");
	d->dart2 = d->t8110 || of_device_is_compatible(np, "apple,t6000-dart");
	d->bypass = readl(d->base + DART_PARAMS2) & DART_PARAMS2_BYPASS;
	d->locked = d->t8110 ? readl(d->base + T8110_PROTECT) & T8110_PROTECT_TCR_TTBR :
			       readl(d->base + T8020_CONFIG) & T8020_CONFIG_LOCK;
	if (d->t8110)
		d->nsids = FIELD_GET(DART_PARAMS4_NUM_SIDS,
				     readl(d->base + DART_PARAMS4));
	else if (of_device_is_compatible(np, "apple,t8103-usb4-dart"))
		d->nsids = 64;
	else
		d->nsids = 16;
	d->irq = irq_of_parse_and_map(np, 0);
	ret = request_irq(d->irq, dm_dart_irq, 0, "dart-model-test", d);
	if (ret) {
		iounmap(d->base);
		return NULL;
	}
	dm_ndarts++;
	return d;
}

static int dm_suite_init(struct kunit_suite *suite)
{
	struct device_node *np;
	struct of_phandle_args args;

	if (dm_nengines)
		return 0;
	for_each_compatible_node(np, NULL, "qemu,apple-dart-test-engine") {
		struct dm_engine *e = &dm_engines[dm_nengines];
		int i;

		if (dm_nengines == DM_MAX_ENGINES)
			break;
		e->hw.base = of_iomap(np, 0);
		if (!e->hw.base || readl(e->hw.base + DTE_ID) != DTE_ID_VALUE)
			continue;
		e->np = of_node_get(np);
		if (of_property_read_string(np, "label", &e->hw.label))
			e->hw.label = np->full_name;
		for (i = 0; i < 2; i++) {
			if (of_parse_phandle_with_args(np, "iommus", "#iommu-cells",
						       i, &args))
				break;
			e->dart[i] = dm_get_dart(args.np);
			e->sid[i] = args.args[0];
			of_node_put(args.np);
			if (!e->dart[i])
				break;
			e->nports = i + 1;
		}
		/*
		 * The display block's engines (emulator.rst): their DARTs came
		 * up locked by the boot loader, so these tests, which program
		 * streams from scratch, cannot use them.
		 */
		if (e->nports && e->dart[0]->locked) {
			of_node_put(e->np);
			iounmap(e->hw.base);
			memset(e, 0, sizeof(*e));
			continue;
		}
		dm_nengines++;
	}
	return 0;
}

static void dm_suite_exit(struct kunit_suite *suite)
{
}

static struct dm_engine *dm_engine(struct kunit *test, const char *label)
{
	int i;

	for (i = 0; i < dm_nengines; i++)
		if (!strcmp(dm_engines[i].hw.label, label))
			return &dm_engines[i];
	kunit_skip(test, "no engine %s on this machine", label);
	return NULL;
}

static int dm_case_init(struct kunit *test)
{
	if (!dm_nengines)
		kunit_skip(test, "no DMA test engines: not apple-dart machine");
	return 0;
}

/* One engine per DART, port 0: the set most tests run on. */
static const char *const dm_primary[] = {
	"dma-t8103-a", "dma-usb4", "dma-t6000", "dma-t8110", "dma-t6020",
	"dma-dcpext",
};

static struct dm_engine *dm_find(const char *label)
{
	int i;

	for (i = 0; i < dm_nengines; i++)
		if (!strcmp(dm_engines[i].hw.label, label))
			return &dm_engines[i];
	return NULL;
}

/* Run @fn for each primary engine present on this machine. */
static void dm_each(struct kunit *test,
		    void (*fn)(struct kunit *test, struct dm_engine *e))
{
	struct dm_engine *e;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dm_primary); i++) {
		e = dm_find(dm_primary[i]);
		if (e)
			fn(test, e);
	}
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

/* PARAMS report page size, bypass, and on T8110 widths and streams. */
static void dm_params(struct kunit *test)
{
	int i;

	KUNIT_ASSERT_GT(test, dm_ndarts, 0);
	for (i = 0; i < dm_ndarts; i++) {
		struct dm_dart *d = &dm_darts[i];
		u32 p1 = dm_rd(d, DART_PARAMS1);

		kunit_info(test, "%s: PARAMS1 %08x PARAMS2 %08x", d->label, p1,
			   dm_rd(d, DART_PARAMS2));
		KUNIT_EXPECT_EQ(test, FIELD_GET(DART_PARAMS1_PGSHIFT, p1), DM_PGSHIFT);
		/* The USB4 DART has no usable bypass (dart-hw.md §2.1). */
		if (of_device_is_compatible(d->np, "apple,t8103-usb4-dart"))
			KUNIT_EXPECT_FALSE(test, d->bypass);
		else
			KUNIT_EXPECT_TRUE(test, d->bypass);
		if (!d->t8110)
			continue;
		if (of_device_is_compatible(d->np, "apple,t6020-dart")) {
			KUNIT_EXPECT_EQ(test, FIELD_GET(DART_PARAMS3_VA_WIDTH,
							dm_rd(d, DART_PARAMS3)), 42);
			KUNIT_EXPECT_EQ(test, d->nsids, 64);
		} else {
			KUNIT_EXPECT_EQ(test, FIELD_GET(DART_PARAMS3_VA_WIDTH,
							dm_rd(d, DART_PARAMS3)), 36);
			KUNIT_EXPECT_EQ(test, d->nsids, 256);
		}
	}
}

/* Every engine operation through a translated stream of every DART. */
static void dm_dma_ops_one(struct kunit *test, struct dm_engine *e)
{
	struct dm_dart *d = e->dart[0];
	u8 *a0 = dm_table(test), *a1 = dm_table(test);
	u8 *b0 = dm_table(test), *b1 = dm_table(test);
	u64 a = DM_IOVA, b = DM_IOVA + 0x100000;
	u32 walks = dte_cnt(&e->hw, 0, DTE_CNT_WALKS), val, sum;
	struct dm_stream st;
	unsigned int j;

	kunit_info(test, "%s via %s stream %u", e->hw.label, d->label, e->sid[0]);
	dm_attach(test, &st, d, e->sid[0], false);
	/* Two IOVA-contiguous pages on separate physical pages. */
	dm_map(&st, a, a0, true, true);
	dm_map(&st, a + DM_PGSIZE, a1, true, true);
	dm_map(&st, b, b0, true, true);
	dm_map(&st, b + DM_PGSIZE, b1, true, true);

	dte_set_addr(&e->hw, 0, b, 2 * DM_PGSIZE);
	dte_wr(&e->hw, DTE_DATA, 0xa5c3e1f0);
	KUNIT_EXPECT_EQ(test, dte_run(&e->hw, DTE_OP_FILL) & DTE_ST_ERROR, 0);
	KUNIT_EXPECT_EQ(test, ((u32 *)b0)[0], 0xa5c3e1f0);
	KUNIT_EXPECT_EQ(test, ((u32 *)b1)[DM_PGSIZE / 4 - 1], 0xa5c3e1f0);

	for (j = 0; j < DM_PGSIZE; j++) {
		a0[j] = j * 7 + e->sid[0];
		a1[j] = j * 13 + e->sid[0];
	}
	dte_set_addr(&e->hw, a, b, 2 * DM_PGSIZE);
	KUNIT_EXPECT_EQ(test, dte_run(&e->hw, DTE_OP_COPY) & DTE_ST_ERROR, 0);
	KUNIT_EXPECT_EQ(test, memcmp(a0, b0, DM_PGSIZE), 0);
	KUNIT_EXPECT_EQ(test, memcmp(a1, b1, DM_PGSIZE), 0);

	dte_set_addr(&e->hw, a, b, 2 * DM_PGSIZE);
	KUNIT_EXPECT_EQ(test, dte_run(&e->hw, DTE_OP_COMPARE) &
			(DTE_ST_ERROR | DTE_ST_MISCOMPARE), 0);
	KUNIT_EXPECT_EQ(test, dte_rd(&e->hw, DTE_RESULT), U32_MAX);
	b1[100] ^= 0xff;
	KUNIT_EXPECT_TRUE(test, dte_run(&e->hw, DTE_OP_COMPARE) & DTE_ST_MISCOMPARE);
	KUNIT_EXPECT_EQ(test, dte_rd(&e->hw, DTE_RESULT), DM_PGSIZE + 100);

	sum = dte_fnv1a(a0, DM_PGSIZE);
	dte_set_addr(&e->hw, a, 0, DM_PGSIZE);
	KUNIT_EXPECT_EQ(test, dte_run(&e->hw, DTE_OP_CHECKSUM) & DTE_ST_ERROR, 0);
	KUNIT_EXPECT_EQ(test, dte_rd(&e->hw, DTE_RESULT), sum);

	KUNIT_EXPECT_TRUE(test, dte_write32(&e->hw, 0, a + 0x40, 0x12345678));
	KUNIT_EXPECT_EQ(test, ((u32 *)a0)[0x10], 0x12345678);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, a + DM_PGSIZE + 8, &val));
	KUNIT_EXPECT_EQ(test, val, ((u32 *)a1)[2]);

	KUNIT_EXPECT_GE(test, dte_cnt(&e->hw, 0, DTE_CNT_WALKS) - walks, 4);
	dm_detach(&st);
}

static void dm_dma_ops(struct kunit *test)
{
	dm_each(test, dm_dma_ops_one);
}

/* Each fault code, with stream, address, interrupt and clearing. */
static void dm_faults_one(struct kunit *test, struct dm_engine *e)
{
	struct dm_dart *d = e->dart[0];
	u8 *buf = dm_table(test);
	u64 a = DM_IOVA;
	u32 faults = dte_cnt(&e->hw, 0, DTE_CNT_FAULTS);
	struct dm_stream st;
	u32 val;

	kunit_info(test, "%s via %s", e->hw.label, d->label);
	dm_attach(test, &st, d, e->sid[0], false);
	dm_map(&st, a, buf, true, true);
	dm_map(&st, a + DM_PGSIZE, buf, false, true);
	dm_map(&st, a + 2 * DM_PGSIZE, buf, true, false);

	/* Leaf entry invalid: NO_PTE; the fault IOVA is exact. */
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, a + 3 * DM_PGSIZE + 0x24, &val));
	dm_check_fault(test, e, 0, a + 3 * DM_PGSIZE + 0x24, F_NO_PTE);

	/* L1 entry invalid: NO_PMD (the next 32 MiB). */
	KUNIT_EXPECT_FALSE(test, dte_write32(&e->hw, 0, a + SZ_32M, 1));
	dm_check_fault(test, e, 0, a + SZ_32M, F_NO_PMD);

	/* No read / no write permission. */
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, a + DM_PGSIZE, &val));
	dm_check_fault(test, e, 0, a + DM_PGSIZE, F_READ);
	KUNIT_EXPECT_TRUE(test, dte_write32(&e->hw, 0, a + DM_PGSIZE, 5));
	KUNIT_EXPECT_FALSE(test, dte_write32(&e->hw, 0, a + 2 * DM_PGSIZE + 4, 1));
	dm_check_fault(test, e, 0, a + 2 * DM_PGSIZE + 4, F_WRITE);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, a + 2 * DM_PGSIZE, &val));
	KUNIT_EXPECT_EQ(test, val, 5);

	/* Invalid TTBR: NO_TTBR. */
	dm_wr(d, dm_ttbr_off(d, e->sid[0], 0), 0);
	KUNIT_EXPECT_EQ(test, dm_invalidate(d, e->sid[0]), 0);
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, a, &val));
	dm_check_fault(test, e, 0, a, F_NO_TTBR);

	/* A second fault while one is latched does not replace it. */
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, a, &val));
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, a + 0x100, &val));
	if (d->t8110)
		KUNIT_EXPECT_TRUE(test, dm_rd(d, T8110_ERROR) & T8110_ERR_SECONDARY);
	dm_check_fault2(test, e, 0, a, a + 0x100, F_NO_TTBR);

	/* The same fault again after clearing is a new event. */
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, a, &val));
	dm_check_fault(test, e, 0, a, F_NO_TTBR);

	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_FAULTS) - faults, 8);

	/*
	 * T8110 ERROR_MASK: a masked source is not latched and raises no
	 * interrupt; its stream's ERROR_STREAMS bit is still set.
	 */
	if (d->t8110) {
		u32 sid = e->sid[0];
		int i;

		dm_wr(d, T8110_ERROR_MASK, dm_code(d, F_NO_TTBR));
		KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, a + 0x200, &val));
		KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_FAULTS) - faults, 9);
		KUNIT_EXPECT_EQ(test, dm_rd(d, T8110_ERROR), 0);
		usleep_range(100, 200);
		KUNIT_EXPECT_FALSE(test, READ_ONCE(d->masked));
		KUNIT_EXPECT_EQ(test, dm_rd(d, T8110_ERROR_STREAMS(sid / 32)),
				BIT(sid % 32));
		dm_wr(d, T8110_ERROR_MASK, 0);
		for (i = 0; i < 8; i++)
			dm_wr(d, T8110_ERROR_STREAMS(i), 0xffffffff);
	}
	dm_detach(&st);
}

static void dm_faults(struct kunit *test)
{
	dm_each(test, dm_faults_one);
}

/* 4-level T8110 walk (t6020-like DART with a 42-bit VA) and NO_PGD. */
static void dm_four_level(struct kunit *test)
{
	struct dm_engine *e = dm_engine(test, "dma-t6020");
	u64 a = BIT_ULL(40) + 0x8000, b = BIT_ULL(41);
	u32 *buf = dm_table(test);
	struct dm_stream st;
	u32 val;

	dm_attach(test, &st, e->dart[0], e->sid[0], true);
	dm_map(&st, a, buf, true, true);
	buf[3] = 0xfeedf00d;
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, a + 12, &val));
	KUNIT_EXPECT_EQ(test, val, 0xfeedf00d);
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, b, &val));
	dm_check_fault(test, e, 0, b, F_NO_PGD);
	/* Below a valid L0 entry: the middle and leaf codes. */
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, a + SZ_32M, &val));
	dm_check_fault(test, e, 0, a + SZ_32M, F_NO_PMD);
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, a + DM_PGSIZE, &val));
	dm_check_fault(test, e, 0, a + DM_PGSIZE, F_NO_PTE);
	dm_detach(&st);
}

/* T8020: IOVA[37:36] select TTBR0..3. */
static void dm_ttbr_select_one(struct kunit *test, struct dm_engine *e)
{
	struct dm_dart *d = e->dart[0];
	u32 *buf[4], val;
	struct dm_stream st;
	int t;

	if (d->t8110)
		return;
	dm_attach(test, &st, d, e->sid[0], false);
	for (t = 0; t < 4; t++) {
		if (t)
			dm_add_ttbr(&st, t);
		buf[t] = dm_table(test);
		buf[t][0] = 0x1000 + t;
		dm_map(&st, ((u64)t << 36) | DM_IOVA, buf[t], true, true);
	}
	KUNIT_EXPECT_EQ(test, dm_invalidate(d, st.sid), 0);
	for (t = 0; t < 4; t++) {
		KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, ((u64)t << 36) | DM_IOVA,
						   &val));
		KUNIT_EXPECT_EQ(test, val, 0x1000 + t);
	}
	/* Drop TTBR2: only that quarter faults. */
	dm_wr(d, dm_ttbr_off(d, st.sid, 2), 0);
	KUNIT_EXPECT_EQ(test, dm_invalidate(d, st.sid), 0);
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, (2ULL << 36) | DM_IOVA, &val));
	dm_check_fault(test, e, 0, (2ULL << 36) | DM_IOVA, F_NO_TTBR);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, (3ULL << 36) | DM_IOVA, &val));
	KUNIT_EXPECT_EQ(test, val, 0x1003);
	dm_detach(&st);
}

static void dm_ttbr_select(struct kunit *test)
{
	dm_each(test, dm_ttbr_select_one);
}

/*
 * The TLB caches translations until invalidated; strict mode reports the
 * use of a stale entry as a model violation (declared expected here).
 */
static void dm_tlb_one(struct kunit *test, struct dm_engine *e)
{
	struct dm_dart *d = e->dart[0];
	u32 *p = dm_table(test), *q = dm_table(test), val;
	u32 hits, misses, stale, viol, inv, tcr, polls, busy_ns, own, walks;
	unsigned int other;
	u64 a = DM_IOVA;
	ktime_t t0;
	s64 ns;
	struct dm_stream st;

	dm_attach(test, &st, d, e->sid[0], false);
	p[0] = 0x11111111;
	q[0] = 0x22222222;
	dm_map(&st, a, p, true, true);
	hits = dte_cnt(&e->hw, 0, DTE_CNT_TLB_HITS);
	misses = dte_cnt(&e->hw, 0, DTE_CNT_TLB_MISSES);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, a, &val));
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, a, &val));
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_TLB_MISSES) - misses, 1);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_TLB_HITS) - hits, 1);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_TLB_ENTRIES), 1);

	/* Only invalidates drop entries: rewriting TCR and TTBR does not. */
	tcr = dm_get_tcr(d, st.sid);
	dm_set_tcr(d, st.sid, 0);
	dm_set_tcr(d, st.sid, tcr);
	dm_wr(d, dm_ttbr_off(d, st.sid, 0), dm_rd(d, dm_ttbr_off(d, st.sid, 0)));
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_TLB_ENTRIES), 1);

	/* Remap without invalidating: the old page is still used. */
	stale = dte_cnt(&e->hw, 0, DTE_CNT_STALE);
	viol = dte_cnt(&e->hw, 0, DTE_CNT_VIOLATIONS);
	dm_map(&st, a, q, true, true);
	dte_expect_viol(&e->hw, 0, 1);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, a, &val));
	KUNIT_EXPECT_EQ(test, val, 0x11111111);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_STALE) - stale, 1);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_VIOLATIONS) - viol, 1);
	KUNIT_EXPECT_EQ(test, dte_rd(&e->hw, DTE_EXPECT_VIOL), 0);

	/*
	 * The invalidate takes effect when BUSY drops, not when it is
	 * written.  The engine holds BUSY, so the window is as long as this
	 * needs however slowly the vCPU runs: every read of the command
	 * register sees BUSY (and is counted), and DMA meanwhile still uses
	 * the old entry.
	 */
	inv = dte_cnt(&e->hw, 0, DTE_CNT_INV_SID);
	polls = dte_cnt(&e->hw, 0, DTE_CNT_BUSY_POLLS);
	dte_hold_busy(&e->hw, 0, true);
	dm_start_invalidate(d, st.sid);
	KUNIT_EXPECT_TRUE(test, dm_rd(d, dm_cmd_reg(d)) & dm_busy_bit(d));
	KUNIT_EXPECT_TRUE(test, dm_rd(d, dm_cmd_reg(d)) & dm_busy_bit(d));
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_BUSY_POLLS) - polls, 2);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_INV_SID) - inv, 0);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_TLB_ENTRIES), 1);
	dte_expect_viol(&e->hw, 0, 1);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, a, &val));
	KUNIT_EXPECT_EQ(test, val, 0x11111111);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_STALE) - stale, 2);
	KUNIT_EXPECT_EQ(test, dte_rd(&e->hw, DTE_EXPECT_VIOL), 0);
	dte_hold_busy(&e->hw, 0, false);
	KUNIT_EXPECT_EQ(test, dm_wait_idle(d), 0);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_INV_SID) - inv, 1);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_TLB_ENTRIES), 0);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, a, &val));
	KUNIT_EXPECT_EQ(test, val, 0x22222222);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_STALE) - stale, 2);

	/*
	 * Unheld, BUSY lasts busy-ns of QEMU's virtual clock, which the
	 * guest's timer counts too: it can never be seen to drop earlier.
	 * Whether it is seen set at all depends on host load, so that is
	 * only logged.  (1 us of slack covers the counter's granularity.)
	 */
	busy_ns = dte_cnt(&e->hw, 0, DTE_BUSY_NS);
	polls = dte_cnt(&e->hw, 0, DTE_CNT_BUSY_POLLS);
	t0 = ktime_get();
	KUNIT_EXPECT_EQ(test, dm_invalidate(d, st.sid), 0);
	ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	kunit_info(test, "%s: busy-ns %u, BUSY for %lld ns, %u polls saw BUSY",
		   d->label, busy_ns, ns, dte_cnt(&e->hw, 0, DTE_CNT_BUSY_POLLS) - polls);
	KUNIT_EXPECT_GE(test, ns + NSEC_PER_USEC, (s64)busy_ns);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, a, &val));
	KUNIT_EXPECT_EQ(test, val, 0x22222222);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_TLB_ENTRIES), 1);

	/*
	 * With DTE_CNT_SEL_STREAM the engine counts its own stream's events
	 * only: another stream's invalidate moves the DART's count, not the
	 * stream's, so a driver test can count what it caused while other
	 * masters on the DART keep flushing.
	 */
	other = st.sid ? st.sid - 1 : st.sid + 1;
	inv = dte_cnt(&e->hw, 0, DTE_CNT_INV_SID);
	own = dte_cnt(&e->hw, DTE_CNT_SEL_STREAM, DTE_CNT_INV_CMDS);
	KUNIT_EXPECT_EQ(test, dm_invalidate(d, other), 0);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_INV_SID) - inv, 1);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, DTE_CNT_SEL_STREAM,
				      DTE_CNT_INV_CMDS) - own, 0);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_TLB_ENTRIES), 1);
	KUNIT_EXPECT_EQ(test, dm_invalidate(d, st.sid), 0);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, DTE_CNT_SEL_STREAM,
				      DTE_CNT_INV_CMDS) - own, 1);
	walks = dte_cnt(&e->hw, DTE_CNT_SEL_STREAM, DTE_CNT_WALKS);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, a, &val));
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, DTE_CNT_SEL_STREAM,
				      DTE_CNT_WALKS) - walks, 1);

	/* Unmapping without invalidate is a stale use too. */
	dm_map_pte(&st, a, 0);
	dte_expect_viol(&e->hw, 0, 1);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, a, &val));
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_STALE) - stale, 3);
	KUNIT_EXPECT_EQ(test, dte_rd(&e->hw, DTE_EXPECT_VIOL), 0);
	dm_detach(&st);
}

static void dm_tlb(struct kunit *test)
{
	dm_each(test, dm_tlb_one);
}

/* T8110 flush-all drops every stream; T8020 select covers many streams. */
static void dm_invalidate_kinds_one(struct kunit *test, struct dm_engine *e)
{
	struct dm_dart *d = e->dart[0];
	u32 *p = dm_table(test), val, all, sid, other;
	struct dm_stream st;

	dm_attach(test, &st, d, e->sid[0], false);
	dm_map(&st, DM_IOVA, p, true, true);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, DM_IOVA, &val));
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_TLB_ENTRIES), 1);

	/*
	 * Invalidating another stream keeps ours: the same bit in the other
	 * STREAM_SELECT word (USB4 stream 40 vs 8), or a SID that differs
	 * in the high bits (T8110 200 vs 8).
	 */
	other = e->sid[0] >= 32 ? e->sid[0] % 32 : e->sid[0] ^ 1;
	KUNIT_EXPECT_EQ(test, dm_invalidate(d, other), 0);
	KUNIT_EXPECT_EQ_MSG(test, dte_cnt(&e->hw, 0, DTE_CNT_TLB_ENTRIES), 1,
			    "%s: invalidating stream %u dropped stream %u", d->label,
			    other, e->sid[0]);

	if (d->t8110) {
		all = dte_cnt(&e->hw, 0, DTE_CNT_INV_ALL);
		dm_wr(d, T8110_TLB_CMD, T8110_TLB_FLUSH_ALL);
		KUNIT_EXPECT_EQ(test, dm_wait_idle(d), 0);
		KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_INV_ALL) - all, 1);
	} else {
		/* Select every stream at once, as Linux's reset does. */
		all = dte_cnt(&e->hw, 0, DTE_CNT_INV_SID);
		for (sid = 0; sid < DIV_ROUND_UP(d->nsids, 32); sid++)
			dm_wr(d, T8020_STREAM_SELECT(sid), U32_MAX);
		dm_wr(d, T8020_STREAM_COMMAND, T8020_CMD_INVALIDATE);
		KUNIT_EXPECT_EQ(test, dm_wait_idle(d), 0);
		KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_INV_SID) - all, d->nsids);
	}
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_TLB_ENTRIES), 0);
	dm_detach(&st);
}

static void dm_invalidate_kinds(struct kunit *test)
{
	dm_each(test, dm_invalidate_kinds_one);
}

/* Bypass passes IOVA = PA where supported; elsewhere it is refused. */
static void dm_bypass_one(struct kunit *test, struct dm_engine *e)
{
	struct dm_dart *d = e->dart[0];
	u32 *p = dm_table(test), val;
	u32 viol = dte_cnt(&e->hw, 0, DTE_CNT_VIOLATIONS);
	u64 pa = virt_to_phys(p);

	dm_enable_stream(d, e->sid[0], true);
	if (!d->bypass)
		dte_expect_viol(&e->hw, 0, 1);
	dm_set_tcr(d, e->sid[0], d->t8110 ? T8110_TCR_BYPASS : T8020_TCR_BYPASS);
	if (d->bypass) {
		u32 bypassed = dte_cnt(&e->hw, 0, DTE_CNT_BYPASS);

		KUNIT_EXPECT_TRUE(test, dte_write32(&e->hw, 0, pa + 8, 0xb1b2b3b4));
		KUNIT_EXPECT_EQ(test, p[2], 0xb1b2b3b4);
		KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, pa + 8, &val));
		KUNIT_EXPECT_EQ(test, val, 0xb1b2b3b4);
		KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_BYPASS) - bypassed, 2);
		KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_VIOLATIONS), viol);
	} else {
		KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_VIOLATIONS) - viol, 1);
		KUNIT_EXPECT_FALSE(test, dte_write32(&e->hw, 0, pa + 8, 1));
		dm_check_fault(test, e, 0, pa + 8, F_NO_TTBR);
	}
	dm_set_tcr(d, e->sid[0], 0);
}

static void dm_bypass(struct kunit *test)
{
	dm_each(test, dm_bypass_one);
}

/* TCR = 0 or a disabled stream blocks DMA with a fault. */
static void dm_blocked_one(struct kunit *test, struct dm_engine *e)
{
	struct dm_dart *d = e->dart[0];
	u32 *p = dm_table(test), val;
	u32 blocked = dte_cnt(&e->hw, 0, DTE_CNT_BLOCKED);
	struct dm_stream st;

	dm_attach(test, &st, d, e->sid[0], false);
	dm_map(&st, DM_IOVA, p, true, true);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, DM_IOVA, &val));
	dm_set_tcr(d, e->sid[0], 0);
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, DM_IOVA, &val));
	dm_check_fault(test, e, 0, DM_IOVA, F_NO_TTBR);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, 0, DTE_CNT_BLOCKED) - blocked, 1);

	dm_set_tcr(d, e->sid[0], d->t8110 ? T8110_TCR_TRANSLATE : T8020_TCR_TRANSLATE);
	if (d->t8110 || e->sid[0] < 32) {
		dm_enable_stream(d, e->sid[0], false);
		KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, DM_IOVA, &val));
		dm_check_fault(test, e, 0, DM_IOVA, F_NO_TTBR);
		dm_enable_stream(d, e->sid[0], true);
	}
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, DM_IOVA, &val));
	dm_detach(&st);
}

static void dm_blocked(struct kunit *test)
{
	dm_each(test, dm_blocked_one);
}

/* Sub-page protection limits a page to [START, END] in 4-byte units. */
static void dm_subpage_one(struct kunit *test, struct dm_engine *e)
{
	struct dm_dart *d = e->dart[0];
	u32 *p = dm_table(test), val;
	u64 pte;
	struct dm_stream st;

	dm_attach(test, &st, d, e->sid[0], false);
	pte = dm_leaf(d, virt_to_phys(p), true, true) & ~(DM_PTE_SP_START | DM_PTE_SP_END);
	/* DART1 needs SP_DIS clear to check; DART2 always checks. */
	pte &= ~(d->dart2 ? 0 : DM_PTE_SP_DIS);
	pte |= FIELD_PREP(DM_PTE_SP_START, 1) | FIELD_PREP(DM_PTE_SP_END, 2);
	dm_map_pte(&st, DM_IOVA, pte);
	p[1] = 0x51;
	p[2] = 0x52;
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, DM_IOVA + 4, &val));
	KUNIT_EXPECT_EQ(test, val, 0x51);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, DM_IOVA + 8, &val));
	KUNIT_EXPECT_EQ(test, val, 0x52);
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, DM_IOVA + 12, &val));
	dm_check_fault(test, e, 0, DM_IOVA + 12, F_SUBPAGE);
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, DM_IOVA, &val));
	dm_check_fault(test, e, 0, DM_IOVA, F_SUBPAGE);

	/* DART1 with SP_DIS set ignores the range. */
	if (!d->dart2) {
		dm_map_pte(&st, DM_IOVA, pte | DM_PTE_SP_DIS);
		KUNIT_EXPECT_EQ(test, dm_invalidate(d, st.sid), 0);
		KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, DM_IOVA + 12, &val));
	}
	dm_detach(&st);
}

static void dm_subpage(struct kunit *test)
{
	dm_each(test, dm_subpage_one);
}

/* Two engines on one stream share its translations and TLB. */
static void dm_shared_stream(struct kunit *test)
{
	struct dm_engine *b = dm_engine(test, "dma-t8103-b");
	struct dm_engine *c = dm_engine(test, "dma-t8103-c");
	u32 *p = dm_table(test), val, hits;
	struct dm_stream st;

	KUNIT_ASSERT_PTR_EQ(test, b->dart[0], c->dart[0]);
	KUNIT_ASSERT_EQ(test, b->sid[0], c->sid[0]);
	dm_attach(test, &st, b->dart[0], b->sid[0], false);
	dm_map(&st, DM_IOVA, p, true, true);
	KUNIT_EXPECT_TRUE(test, dte_write32(&b->hw, 0, DM_IOVA, 0xc0ffee));
	hits = dte_cnt(&c->hw, 0, DTE_CNT_TLB_HITS);
	KUNIT_EXPECT_TRUE(test, dte_read32(&c->hw, 0, DM_IOVA, &val));
	KUNIT_EXPECT_EQ(test, val, 0xc0ffee);
	KUNIT_EXPECT_EQ(test, dte_cnt(&c->hw, 0, DTE_CNT_TLB_HITS) - hits, 1);
	dm_detach(&st);
	KUNIT_EXPECT_FALSE(test, dte_read32(&c->hw, 0, DM_IOVA, &val));
	dm_check_fault(test, c, 0, DM_IOVA, F_NO_TTBR);
}

/*
 * One master behind two DARTs (DCP-like): one set of tables in both, DMA
 * on port 0, continuous scan-out on port 1, which faults once unmapped.
 */
static void dm_dual_port(struct kunit *test)
{
	struct dm_engine *e = dm_engine(test, "dma-dcpext");
	u8 *fb = dm_table(test);
	struct dm_stream s0, s1;
	struct dm_dart *d1;
	u32 sum, n;

	KUNIT_ASSERT_EQ(test, e->nports, 2);
	KUNIT_ASSERT_TRUE(test, dte_rd(&e->hw, DTE_CAPS) & DTE_CAPS_PORT1);
	d1 = e->dart[1];
	dm_attach(test, &s0, e->dart[0], e->sid[0], false);
	dm_attach(test, &s1, d1, e->sid[1], false);
	/* Same top table in both DARTs, as one Linux domain would. */
	dm_wr(d1, dm_ttbr_off(d1, s1.sid, 0), dm_ttbr_val(d1, virt_to_phys(s0.top[0])));
	KUNIT_EXPECT_EQ(test, dm_invalidate(d1, s1.sid), 0);
	dm_map(&s0, DM_IOVA, fb, true, true);

	dte_set_addr(&e->hw, 0, DM_IOVA, DM_PGSIZE);
	dte_wr(&e->hw, DTE_DATA, 0x00ff00ff);
	KUNIT_EXPECT_EQ(test, dte_run(&e->hw, DTE_OP_FILL) & DTE_ST_ERROR, 0);
	sum = dte_fnv1a(fb, DM_PGSIZE);

	dte_set_addr(&e->hw, DM_IOVA, 0, DM_PGSIZE);
	dte_wr(&e->hw, DTE_SCAN_PERIOD, 200);
	dte_wr(&e->hw, DTE_SCAN_COUNT, 0);
	dte_run(&e->hw, DTE_OP_SCAN_START | DTE_CMD_PORT1);
	KUNIT_EXPECT_TRUE(test, dte_rd(&e->hw, DTE_STATUS) & DTE_ST_SCANNING);
	/* Scans run on QEMU timers: wait for them, however late they are. */
	KUNIT_EXPECT_EQ(test, read_poll_timeout(dte_rd, n, n >= 3, 1000, DM_POLL_US,
						false, &e->hw, DTE_SCAN_COUNT), 0);
	KUNIT_EXPECT_EQ(test, dte_rd(&e->hw, DTE_SCAN_SUM), sum);
	KUNIT_EXPECT_EQ(test, dte_rd(&e->hw, DTE_SCAN_ERRORS), 0);
	KUNIT_EXPECT_GT(test, dte_cnt(&e->hw, 1, DTE_CNT_TLB_HITS), 0);

	/*
	 * Unmap in the shared tables and invalidate both DARTs.  The scan is
	 * paused meanwhile: a read between the unmap and the invalidate would
	 * be a stale TLB use, which the model rightly reports.
	 */
	dte_run(&e->hw, DTE_OP_SCAN_STOP | DTE_CMD_PORT1);
	dm_map_pte(&s0, DM_IOVA, 0);
	KUNIT_EXPECT_EQ(test, dm_invalidate(e->dart[0], s0.sid), 0);
	KUNIT_EXPECT_EQ(test, dm_invalidate(d1, s1.sid), 0);
	dte_run(&e->hw, DTE_OP_SCAN_START | DTE_CMD_PORT1);
	KUNIT_EXPECT_EQ(test, read_poll_timeout(dte_rd, n, n, 1000, DM_POLL_US,
						false, &e->hw, DTE_SCAN_ERRORS), 0);
	dte_run(&e->hw, DTE_OP_SCAN_STOP | DTE_CMD_PORT1);
	n = dte_rd(&e->hw, DTE_SCAN_ERRORS);
	KUNIT_EXPECT_GT(test, n, 0);
	KUNIT_EXPECT_FALSE(test, dte_rd(&e->hw, DTE_STATUS) & DTE_ST_SCANNING);
	dte_wr(&e->hw, DTE_STATUS, DTE_ST_ERROR);
	dm_check_fault(test, e, 1, DM_IOVA, F_NO_PTE);
	/* The scan went through disp0 only. */
	KUNIT_EXPECT_EQ(test, dm_rd(e->dart[0], dm_error_reg(e->dart[0])), 0);

	s1.top[0] = NULL;
	dm_detach(&s1);
	dm_detach(&s0);
}

/* Deferred commands and the completion interrupt. */
static irqreturn_t dm_engine_irq(int irq, void *data)
{
	struct dm_engine *e = data;

	atomic_inc(&e->irqs);
	dte_wr(&e->hw, DTE_CTRL, 0);
	return IRQ_HANDLED;
}

static void dm_engine_irq_test(struct kunit *test)
{
	struct dm_engine *e = dm_engine(test, "dma-t8103-a");
	u32 *p = dm_table(test);
	struct dm_stream st;
	int irq, ret, n;
	u32 status;
	ktime_t t0;
	s64 ns;

	dm_attach(test, &st, e->dart[0], e->sid[0], false);
	dm_map(&st, DM_IOVA, p, true, true);
	irq = irq_of_parse_and_map(e->np, 0);
	KUNIT_ASSERT_GT(test, irq, 0);
	atomic_set(&e->irqs, 0);
	ret = request_irq(irq, dm_engine_irq, 0, "dart-model-engine", e);
	KUNIT_ASSERT_EQ(test, ret, 0);
	dte_set_addr(&e->hw, 0, DM_IOVA, 4);
	dte_wr(&e->hw, DTE_DATA, 0x600d);
	/*
	 * Park the command behind a DELAY no run reaches (71 minutes), so
	 * that "not run yet" holds however slowly the vCPU gets here...
	 */
	dte_wr(&e->hw, DTE_DELAY, U32_MAX);
	dte_wr(&e->hw, DTE_CTRL, DTE_CTRL_IRQ);
	dte_wr(&e->hw, DTE_CMD, DTE_OP_WRITE32 | DTE_CMD_DEFER);
	status = dte_rd(&e->hw, DTE_STATUS);
	KUNIT_EXPECT_TRUE(test, status & DTE_ST_BUSY);
	KUNIT_EXPECT_FALSE(test, status & DTE_ST_DONE);
	KUNIT_EXPECT_EQ(test, p[0], 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&e->irqs), 0);
	/*
	 * ... then re-arm it: it runs 500 us after this write, never
	 * earlier (the guest's timer and QEMU's run on one clock).
	 */
	t0 = ktime_get();
	dte_wr(&e->hw, DTE_DELAY, 500);
	KUNIT_EXPECT_EQ(test, read_poll_timeout(atomic_read, n, n, 100, DM_POLL_US,
						false, &e->irqs), 0);
	ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	KUNIT_EXPECT_GE(test, ns + NSEC_PER_USEC, 500 * NSEC_PER_USEC);
	KUNIT_EXPECT_EQ(test, atomic_read(&e->irqs), 1);
	status = dte_rd(&e->hw, DTE_STATUS);
	KUNIT_EXPECT_TRUE(test, status & DTE_ST_DONE);
	KUNIT_EXPECT_FALSE(test, status & (DTE_ST_BUSY | DTE_ST_ERROR));
	KUNIT_EXPECT_EQ(test, p[0], 0x600d);
	dte_wr(&e->hw, DTE_STATUS, status);
	free_irq(irq, e);
	dm_detach(&st);
}

/*
 * Run @stmt, which must make the model report exactly one violation; it is
 * declared expected first so the harness does not count it as a failure.
 */
static u32 dm_viol_begin(struct dm_engine *e)
{
	u32 before = dte_cnt(&e->hw, 0, DTE_CNT_VIOLATIONS);

	dte_expect_viol(&e->hw, 0, 1);
	return before;
}

static void dm_viol_end(struct kunit *test, struct dm_engine *e, u32 before,
			const char *what)
{
	KUNIT_EXPECT_EQ_MSG(test, dte_cnt(&e->hw, 0, DTE_CNT_VIOLATIONS) - before, 1,
			    "%s: %s", e->hw.label, what);
	KUNIT_EXPECT_EQ(test, dte_rd(&e->hw, DTE_EXPECT_VIOL), 0);
	/* Never let a leftover expectation hide a real violation. */
	dte_expect_viol(&e->hw, 0, 0);
}

/* The model reports driver mistakes; each is declared expected here. */
static void dm_violations_one(struct kunit *test, struct dm_engine *e)
{
	struct dm_dart *d = e->dart[0];
	u32 *p = dm_table(test), val, v;
	struct dm_stream st;
	__le64 *l1;
	u64 pte;

	dm_attach(test, &st, d, e->sid[0], false);

	v = dm_viol_begin(e);
	dm_set_tcr(d, st.sid, dm_get_tcr(d, st.sid) | BIT(30));
	dm_viol_end(test, e, v, "reserved TCR bit");
	dm_set_tcr(d, st.sid, d->t8110 ? T8110_TCR_TRANSLATE : T8020_TCR_TRANSLATE);

	/* Bit 4 (DART1) / 5 (DART2) of a leaf is reserved; the walk sees it. */
	pte = dm_leaf(d, virt_to_phys(p), true, true) | BIT_ULL(4 + d->dart2);
	dm_map_pte(&st, DM_IOVA, pte);
	v = dm_viol_begin(e);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, DM_IOVA, &val));
	dm_viol_end(test, e, v, "reserved leaf bit");

	/* A reserved bit in a table (L1) entry; the walk on a miss sees it. */
	dm_map(&st, DM_IOVA, p, true, true);
	KUNIT_EXPECT_EQ(test, dm_invalidate(d, st.sid), 0);
	l1 = &st.top[0][(DM_IOVA >> (DM_PGSHIFT + DM_BITS)) & (DM_ENTRIES - 1)];
	WRITE_ONCE(*l1, cpu_to_le64(le64_to_cpu(*l1) | BIT_ULL(2)));
	dma_wmb();
	v = dm_viol_begin(e);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, 0, DM_IOVA, &val));
	dm_viol_end(test, e, v, "reserved table entry bit");
	WRITE_ONCE(*l1, cpu_to_le64(le64_to_cpu(*l1) & ~BIT_ULL(2)));
	dma_wmb();
	KUNIT_EXPECT_EQ(test, dm_invalidate(d, st.sid), 0);

	/* Translate and bypass together: reported, and the stream blocks. */
	v = dm_viol_begin(e);
	dm_set_tcr(d, st.sid, d->t8110 ? T8110_TCR_TRANSLATE | T8110_TCR_BYPASS :
		   T8020_TCR_TRANSLATE | T8020_TCR_BYPASS);
	dm_viol_end(test, e, v, "translate + bypass");
	KUNIT_EXPECT_FALSE(test, dte_read32(&e->hw, 0, DM_IOVA, &val));
	dm_check_fault(test, e, 0, DM_IOVA, F_NO_TTBR);
	dm_set_tcr(d, st.sid, d->t8110 ? T8110_TCR_TRANSLATE : T8020_TCR_TRANSLATE);

	if (d->t8110) {
		/* Unknown TLB_CMD operation; flush of a stream it lacks. */
		v = dm_viol_begin(e);
		dm_wr(d, T8110_TLB_CMD, T8110_TLB_OP(5) | st.sid);
		dm_viol_end(test, e, v, "unknown TLB_CMD op");
		KUNIT_EXPECT_FALSE(test, dm_rd(d, T8110_TLB_CMD) & T8110_TLB_CMD_BUSY);
		if (d->nsids < 256) {
			v = dm_viol_begin(e);
			dm_wr(d, T8110_TLB_CMD, T8110_TLB_FLUSH_SID | d->nsids);
			dm_viol_end(test, e, v, "flush of a missing stream");
		}
	}

	v = dm_viol_begin(e);
	if (d->t8110)
		dm_wr(d, dm_ttbr_off(d, st.sid, 0),
		      dm_ttbr_val(d, virt_to_phys(st.top[0])) | BIT(1));
	else
		dm_wr(d, dm_ttbr_off(d, st.sid, 1), T8020_TTBR_VALID | 0x1);
	dm_viol_end(test, e, v, "reserved TTBR bit / misaligned table");

	v = dm_viol_begin(e);
	val = dm_rd(d, 0x3ff0);
	dm_viol_end(test, e, v, "unknown register");

	v = dm_viol_begin(e);
	val = readb(d->base + DART_PARAMS1);
	dm_viol_end(test, e, v, "8-bit access");

	v = dm_viol_begin(e);
	dm_wr(d, DART_PARAMS1, 0);
	dm_viol_end(test, e, v, "write to PARAMS1");

	/*
	 * A TLB command, and on T8020 a STREAM_SELECT write, while the
	 * previous command is BUSY.  The engine holds BUSY, so the writes
	 * land inside the window whatever the host load.
	 */
	dte_hold_busy(&e->hw, 0, true);
	dm_start_invalidate(d, st.sid);
	v = dm_viol_begin(e);
	dm_wr(d, dm_cmd_reg(d), dm_cmd_val(d, st.sid));
	dm_viol_end(test, e, v, "command while BUSY");
	if (!d->t8110) {
		v = dm_viol_begin(e);
		dm_wr(d, T8020_STREAM_SELECT(0), BIT(st.sid % 32));
		dm_viol_end(test, e, v, "STREAM_SELECT while BUSY");
	}
	dte_hold_busy(&e->hw, 0, false);
	KUNIT_EXPECT_EQ(test, dm_wait_idle(d), 0);

	dm_wr(d, dm_ttbr_off(d, st.sid, 1), 0);
	dm_detach(&st);
}

static void dm_violations(struct kunit *test)
{
	dm_each(test, dm_violations_one);
}

/*
 * Locks (dart-hw.md §6): TCR/TTBR writes are ignored and reported, while
 * the tables behind the locked TTBR stay writable and invalidates work.
 * These leave their DARTs locked, so they run last.
 */
static void dm_lock_one(struct kunit *test, struct dm_engine *e, int port)
{
	struct dm_dart *d = e->dart[port];
	u32 *p = dm_table(test), *q = dm_table(test), val, tcr, ttbr, viol, lw;
	struct dm_stream st;

	dm_attach(test, &st, d, e->sid[port], false);
	dm_map(&st, DM_IOVA, p, true, true);
	p[0] = 0x10c4;
	q[0] = 0x10c5;
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, port, DM_IOVA, &val));
	tcr = dm_get_tcr(d, st.sid);
	ttbr = dm_rd(d, dm_ttbr_off(d, st.sid, 0));

	if (d->t8110)
		dm_wr(d, T8110_PROTECT, T8110_PROTECT_TCR_TTBR);
	else
		dm_wr(d, T8020_CONFIG, T8020_CONFIG_LOCK);

	viol = dte_cnt(&e->hw, port, DTE_CNT_VIOLATIONS);
	lw = dte_cnt(&e->hw, port, DTE_CNT_LOCKED_WRITES);
	dte_expect_viol(&e->hw, port, 2);
	dm_set_tcr(d, st.sid, 0);
	dm_wr(d, dm_ttbr_off(d, st.sid, 0), 0);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, port, DTE_CNT_VIOLATIONS) - viol, 2);
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, port, DTE_CNT_LOCKED_WRITES) - lw, 2);
	KUNIT_EXPECT_EQ(test, dm_get_tcr(d, st.sid), tcr);
	KUNIT_EXPECT_EQ(test, dm_rd(d, dm_ttbr_off(d, st.sid, 0)), ttbr);

	/* The locked TTBR's table is still ours to edit. */
	dm_map(&st, DM_IOVA, q, true, true);
	KUNIT_EXPECT_EQ(test, dm_invalidate(d, st.sid), 0);
	KUNIT_EXPECT_TRUE(test, dte_read32(&e->hw, port, DM_IOVA, &val));
	KUNIT_EXPECT_EQ(test, val, 0x10c5);

	if (d->t8110) {
		/* UNPROTECT works until PROTECT_LOCK is written. */
		dm_wr(d, T8110_UNPROTECT, T8110_PROTECT_TCR_TTBR);
		KUNIT_EXPECT_EQ(test, dm_rd(d, T8110_PROTECT), 0);
		dm_set_tcr(d, st.sid, tcr);
		dm_wr(d, T8110_PROTECT, T8110_PROTECT_TCR_TTBR);
		dm_wr(d, T8110_PROTECT_LOCK, 1);
		dte_expect_viol(&e->hw, port, 1);
		dm_wr(d, T8110_UNPROTECT, T8110_PROTECT_TCR_TTBR);
		KUNIT_EXPECT_EQ(test, dm_rd(d, T8110_PROTECT) & T8110_PROTECT_TCR_TTBR, 1);
	} else {
		/* "Locked down until reboot": CONFIG cannot clear it. */
		dm_wr(d, T8020_CONFIG, 0);
		KUNIT_EXPECT_TRUE(test, dm_rd(d, T8020_CONFIG) & T8020_CONFIG_LOCK);
	}
	KUNIT_EXPECT_EQ(test, dte_cnt(&e->hw, port, DTE_EXPECT_VIOL), 0);
	/* Leave the locked stream harmless: no tables behind it. */
	dm_map_pte(&st, DM_IOVA, 0);
	KUNIT_EXPECT_EQ(test, dm_invalidate(d, st.sid), 0);
}

static void dm_lock(struct kunit *test)
{
	dm_lock_one(test, dm_engine(test, "dma-t8110"), 0);
	dm_lock_one(test, dm_engine(test, "dma-dcpext"), 1);
}

static struct kunit_case dm_cases[] = {
	KUNIT_CASE(dm_params),
	KUNIT_CASE(dm_dma_ops),
	KUNIT_CASE(dm_faults),
	KUNIT_CASE(dm_four_level),
	KUNIT_CASE(dm_ttbr_select),
	KUNIT_CASE(dm_tlb),
	KUNIT_CASE(dm_invalidate_kinds),
	KUNIT_CASE(dm_bypass),
	KUNIT_CASE(dm_blocked),
	KUNIT_CASE(dm_subpage),
	KUNIT_CASE(dm_shared_stream),
	KUNIT_CASE(dm_dual_port),
	KUNIT_CASE(dm_engine_irq_test),
	KUNIT_CASE(dm_violations),
	{}
};

static struct kunit_suite dm_suite = {
	.name = "dart_model",
	.suite_init = dm_suite_init,
	.suite_exit = dm_suite_exit,
	.init = dm_case_init,
	.test_cases = dm_cases,
};

static struct kunit_case dm_lock_cases[] = {
	KUNIT_CASE(dm_lock),
	{}
};

static struct kunit_suite dm_lock_suite = {
	.name = "dart_model_lock",
	.suite_init = dm_suite_init,
	.init = dm_case_init,
	.test_cases = dm_lock_cases,
};

kunit_test_suites(&dm_suite, &dm_lock_suite);

static void __exit dm_exit(void)
{
	int i;

	for (i = 0; i < dm_ndarts; i++) {
		free_irq(dm_darts[i].irq, &dm_darts[i]);
		iounmap(dm_darts[i].base);
		of_node_put(dm_darts[i].np);
	}
	for (i = 0; i < dm_nengines; i++) {
		iounmap(dm_engines[i].hw.base);
		of_node_put(dm_engines[i].np);
	}
}
module_exit(dm_exit);

MODULE_DESCRIPTION("Register-level tests of the emulated Apple DART");
MODULE_LICENSE("GPL");
