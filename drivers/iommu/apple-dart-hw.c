// SPDX-License-Identifier: GPL-2.0-only
/*
 * Apple DART register layouts: the T8020 map (M1, M1 Pro/Max/Ultra) and
 * the T8110 map (M2 and later), as descriptor data plus the few sequences
 * that differ in shape rather than in offsets (reading the geometry and
 * invalidating the TLB).
 *
 * Section numbers ("hw §N") refer to Documentation/dart/hardware.rst.
 */

#include <kunit/visibility.h>
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/iopoll.h>

#include "apple-dart.h"

/* Identification, common to both maps (hw §1). */
#define ADART_PARAMS1			0x000
#define   ADART_PARAMS1_PGSHIFT		GENMASK(27, 24)
#define ADART_PARAMS2			0x004
#define   ADART_PARAMS2_BYPASS		BIT(0)
#define   ADART_PARAMS2_REG_LOCK	BIT(1)
#define ADART_PARAMS3			0x008
#define   ADART_PARAMS3_PA_WIDTH	GENMASK(29, 24)
#define   ADART_PARAMS3_VA_WIDTH	GENMASK(21, 16)
#define   ADART_PARAMS3_VER_MAJOR	GENMASK(15, 8)
#define ADART_PARAMS4			0x00c
#define   ADART_PARAMS4_SIDS		GENMASK(8, 0)

/* The error latch bit sits at the top in both maps (hw §2.2, §3.2). */
#define ADART_ERR_FLAG			BIT(31)

/* T8020 map (hw §2). */
#define T8020_STREAM_CMD		0x020
#define   T8020_STREAM_CMD_BUSY		BIT(2)
#define   T8020_STREAM_CMD_INVAL	BIT(20)
#define T8020_STREAM_SEL		0x034
#define T8020_ERR			0x040
#define   T8020_ERR_SID			GENMASK(27, 24)
#define   T8020_ERR_CODE		GENMASK(11, 0)
#define T8020_ERR_ADDR_LO		0x050
#define T8020_ERR_ADDR_HI		0x054
#define T8020_CONFIG			0x060
#define   T8020_CONFIG_LOCK		BIT(15)
#define T8020_ENABLED_STREAMS		0x0fc
#define T8020_TCR			0x100
#define   T8020_TCR_TRANSLATE		BIT(7)
#define   T8020_TCR_BYPASS_DART		BIT(8)
#define   T8020_TCR_BYPASS_DAPF		BIT(12)
#define T8020_TTBR			0x200
#define T8020_USB4_TTBR			0x400
#define T8020_TTBR_STRIDE		16

/* T8110 map (hw §3). */
#define T8110_TLB_CMD			0x080
#define   T8110_TLB_CMD_BUSY		BIT(31)
#define   T8110_TLB_CMD_OP		GENMASK(10, 8)
#define   T8110_TLB_OP_FLUSH_SID	1
#define   T8110_TLB_CMD_SID		GENMASK(7, 0)
#define T8110_ERR			0x100
#define   T8110_ERR_WRITE		BIT(28)
#define   T8110_ERR_SID			GENMASK(27, 20)
#define   T8110_ERR_CODE		GENMASK(14, 0)
#define T8110_ERR_MASK			0x104
#define T8110_ERR_ADDR_LO		0x170
#define T8110_ERR_ADDR_HI		0x174
#define T8110_ERR_STREAMS		0x1c0
#define T8110_PROTECT			0x200
#define   T8110_PROTECT_TCR_TTBR	BIT(0)
#define T8110_ENABLE_STREAMS		0xc00
#define T8110_TCR			0x1000
#define   T8110_TCR_TRANSLATE		BIT(0)
#define   T8110_TCR_BYPASS_DART		BIT(1)
#define   T8110_TCR_BYPASS_DAPF		BIT(2)
#define   T8110_TCR_FOUR_LEVEL		BIT(3)
#define T8110_TTBR			0x1400

/*
 * Linux polls a TLB command for 100 us (hw §2.3); allow ten times that.
 * A command that never finishes leaves stale translations behind, so
 * waiting longer costs nothing when things work and gives slow models
 * and busy hosts a chance.  Polled without a delay: a command takes about
 * a microsecond (emulator.rst, "Latencies"), and a 1 us step held the
 * DART's lock for up to twice that, on every strict unmap.
 */
#define ADART_CMD_POLL_US		0
#define ADART_CMD_TIMEOUT_US		1000

/* Above 36 VA bits a T8110 walks three tables below its TTBR (hw §4.2). */
#define T8110_THREE_LEVEL_VA		36

#define ADART_DIR_READ		1
#define ADART_DIR_WRITE		2

static const struct adart_fault_code t8020_codes[] = {
	{ BIT(0),  "no TTBR for IOVA" },
	{ BIT(1),  "no L1 table entry (PMD)" },
	{ BIT(2),  "no page table entry (PTE)" },
	{ BIT(3),  "write to a read-only page", ADART_DIR_WRITE },
	{ BIT(4),  "read of a write-only page", ADART_DIR_READ },
	{ BIT(6),  "page table read error" },
	{ BIT(7),  "sub-page protection" },
	{ BIT(11), "no DAPF match" },
};

static const struct adart_fault_code t8110_codes[] = {
	{ BIT(0),  "no TTBR for IOVA" },
	{ BIT(1),  "no top table entry (PGD)" },
	{ BIT(2),  "no L1 table entry (PMD)" },
	{ BIT(3),  "no page table entry (PTE)" },
	{ BIT(4),  "write to a read-only page", ADART_DIR_WRITE },
	{ BIT(5),  "read of a write-only page", ADART_DIR_READ },
	{ BIT(6),  "AXI decode error" },
	{ BIT(7),  "AXI error" },
	{ BIT(8),  "CTRR write protect" },
	{ BIT(9),  "drop protect" },
	{ BIT(10), "APF reject" },
	{ BIT(11), "STT mismatch" },
	{ BIT(12), "STT flush" },
	{ BIT(13), "external" },
	{ BIT(14), "BPF reject" },
};

static int adart_poll_idle(struct adart *dart, u32 reg, u32 busy)
{
	u32 val;
	int ret;

	ret = readl_poll_timeout_atomic(dart->regs + reg, val, !(val & busy),
					ADART_CMD_POLL_US,
					ADART_CMD_TIMEOUT_US);
	dart->cmd_stuck = ret != 0;
	if (ret) {
		atomic_long_inc(&dart->cnt.inval_timeouts);
		dev_err_ratelimited(dart->dev,
				    "TLB command still busy after %u us (%#x)\n",
				    ADART_CMD_TIMEOUT_US, val);
	}
	return ret;
}

/*
 * hw §2.3: one command covers every stream selected in STREAM_SELECT, 32
 * streams per 32-bit register.  The bitmap is made of longs, so it is
 * converted to 32-bit words first; writing longs would hand streams 64-127
 * to the second register of a 64-stream DART instead of streams 32-63.
 */
static int t8020_invalidate(struct adart *dart, const unsigned long *sids)
{
	u32 words[ADART_MAX_SIDS / 32];
	unsigned int i;
	int ret;

	/*
	 * A command that timed out may still be running: STREAM_SELECT and
	 * a new command must not be written until it finishes (hw §2.3).
	 * Every other command was polled to completion already, so only
	 * then is BUSY read first (a register read less per flush).
	 */
	if (dart->cmd_stuck) {
		ret = adart_poll_idle(dart, T8020_STREAM_CMD,
				      T8020_STREAM_CMD_BUSY);
		if (ret)
			return ret;
	}
	bitmap_to_arr32(words, sids, dart->nsids);
	for (i = 0; i < DIV_ROUND_UP(dart->nsids, 32); i++)
		writel(words[i], dart->regs + T8020_STREAM_SEL + 4 * i);
	writel(T8020_STREAM_CMD_INVAL, dart->regs + T8020_STREAM_CMD);
	atomic_long_inc(&dart->cnt.inval_cmds);
	return adart_poll_idle(dart, T8020_STREAM_CMD, T8020_STREAM_CMD_BUSY);
}

/* hw §3.3: a T8110 flushes one stream per command. */
static int t8110_invalidate(struct adart *dart, const unsigned long *sids)
{
	unsigned int sid;
	int ret;

	/* As on T8020: no command while an earlier one is BUSY (hw §3.3). */
	if (dart->cmd_stuck) {
		ret = adart_poll_idle(dart, T8110_TLB_CMD, T8110_TLB_CMD_BUSY);
		if (ret)
			return ret;
	}
	for_each_set_bit(sid, sids, dart->nsids) {
		writel(FIELD_PREP(T8110_TLB_CMD_OP, T8110_TLB_OP_FLUSH_SID) |
		       FIELD_PREP(T8110_TLB_CMD_SID, sid),
		       dart->regs + T8110_TLB_CMD);
		atomic_long_inc(&dart->cnt.inval_cmds);
		ret = adart_poll_idle(dart, T8110_TLB_CMD, T8110_TLB_CMD_BUSY);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * hw §0: the T8020 layout reports neither its stream count nor its
 * address widths; Linux uses 32 VA bits and a fixed PA width per
 * generation.
 */
static int t8020_read_geometry(struct adart *dart)
{
	dart->nsids = dart->hw->fixed_sids;
	dart->ias = dart->hw->fixed_ias;
	dart->oas = dart->hw->fixed_oas;
	dart->max_levels = 2;
	return 0;
}

static int t8110_read_geometry(struct adart *dart)
{
	u32 p3 = readl(dart->regs + ADART_PARAMS3);
	u32 p4 = readl(dart->regs + ADART_PARAMS4);
	u32 va = FIELD_GET(ADART_PARAMS3_VA_WIDTH, p3);
	u32 pa = FIELD_GET(ADART_PARAMS3_PA_WIDTH, p3);
	u32 major = FIELD_GET(ADART_PARAMS3_VER_MAJOR, p3);

	dart->nsids = FIELD_GET(ADART_PARAMS4_SIDS, p4);
	dart->max_levels = 2;

	/*
	 * hw §4.2: 16K pages and two tables cover 36 bits; wider VAs need
	 * TCR.FOUR_LEVEL, which hardware revision 1 lacks (hw §3).
	 */
	if (va > T8110_THREE_LEVEL_VA) {
		if (major >= 2) {
			dart->max_levels = 3;
		} else {
			dev_warn(dart->dev,
				 "%u VA bits but revision %u has no four-level walk, using %u\n",
				 va, major, T8110_THREE_LEVEL_VA);
			va = T8110_THREE_LEVEL_VA;
		}
	}
	if (va < 32 || !pa) {
		dev_err(dart->dev, "PARAMS3 %#x: unusable VA/PA width %u/%u\n",
			p3, va, pa);
		return -EINVAL;
	}
	dart->ias = va;
	dart->oas = pa;
	return 0;
}

static const struct adart_layout t8020_layout = {
	.ttbr_layout	= DART_TTBR_LAYOUT_T8020,
	.n_ttbrs	= 4,
	.lock_reg	= T8020_CONFIG,
	.lock_bit	= T8020_CONFIG_LOCK,
	.tcr		= T8020_TCR,
	.tcr_translate	= T8020_TCR_TRANSLATE,
	.tcr_bypass	= T8020_TCR_BYPASS_DART | T8020_TCR_BYPASS_DAPF,
	.ttbr_stride	= T8020_TTBR_STRIDE,
	/*
	 * Whether the USB4 DART has a second ENABLED_STREAMS word is
	 * unknown (hw §2.3); 0x100 is TCR[0], so only one word is written.
	 */
	.enable		= T8020_ENABLED_STREAMS,
	.enable_words	= 1,
	.err		= T8020_ERR,
	.err_addr_lo	= T8020_ERR_ADDR_LO,
	.err_addr_hi	= T8020_ERR_ADDR_HI,
	.err_sid	= T8020_ERR_SID,
	.err_code	= T8020_ERR_CODE,
	.codes		= t8020_codes,
	.n_codes	= ARRAY_SIZE(t8020_codes),
	.read_geometry	= t8020_read_geometry,
	.invalidate	= t8020_invalidate,
};

static const struct adart_layout t8110_layout = {
	.ttbr_layout	= DART_TTBR_LAYOUT_T8110,
	.n_ttbrs	= 1,
	.lock_reg	= T8110_PROTECT,
	.lock_bit	= T8110_PROTECT_TCR_TTBR,
	.tcr		= T8110_TCR,
	.tcr_translate	= T8110_TCR_TRANSLATE,
	.tcr_bypass	= T8110_TCR_BYPASS_DART | T8110_TCR_BYPASS_DAPF,
	.tcr_four_level	= T8110_TCR_FOUR_LEVEL,
	.ttbr_stride	= 4,
	.enable		= T8110_ENABLE_STREAMS,
	.enable_words	= 8,
	.err		= T8110_ERR,
	.err_addr_lo	= T8110_ERR_ADDR_LO,
	.err_addr_hi	= T8110_ERR_ADDR_HI,
	.err_sid	= T8110_ERR_SID,
	.err_code	= T8110_ERR_CODE,
	.err_write	= T8110_ERR_WRITE,
	.err_mask	= T8110_ERR_MASK,
	.err_streams	= T8110_ERR_STREAMS,
	.codes		= t8110_codes,
	.n_codes	= ARRAY_SIZE(t8110_codes),
	.read_geometry	= t8110_read_geometry,
	.invalidate	= t8110_invalidate,
};

/* M1 (hw §0): 16 streams, Linux uses 32 VA bits, PA 36. */
const struct adart_variant adart_t8103 = {
	.name		= "t8103",
	.lay		= &t8020_layout,
	.fmt		= APPLE_DART,
	.fixed_sids	= 16,
	.fixed_ias	= 32,
	.fixed_oas	= 36,
	.ttbr		= T8020_TTBR,
};
EXPORT_SYMBOL_IF_KUNIT(adart_t8103);

/* The USB4 DART: 64 streams, TTBRs at 0x400, no usable bypass (hw §2). */
const struct adart_variant adart_t8103_usb4 = {
	.name		= "t8103-usb4",
	.lay		= &t8020_layout,
	.fmt		= APPLE_DART,
	.fixed_sids	= 64,
	.fixed_ias	= 32,
	.fixed_oas	= 36,
	.ttbr		= T8020_USB4_TTBR,
	.no_bypass	= true,
};
EXPORT_SYMBOL_IF_KUNIT(adart_t8103_usb4);

/* T6000: the T8020 map with DART2 PTEs and 42 PA bits (hw §0). */
const struct adart_variant adart_t6000 = {
	.name		= "t6000",
	.lay		= &t8020_layout,
	.fmt		= APPLE_DART2,
	.fixed_sids	= 16,
	.fixed_ias	= 32,
	.fixed_oas	= 42,
	.ttbr		= T8020_TTBR,
};
EXPORT_SYMBOL_IF_KUNIT(adart_t6000);

/* T8110 and T602x, which only reports a wider VA (hw §0): all in PARAMS. */
const struct adart_variant adart_t8110 = {
	.name		= "t8110",
	.lay		= &t8110_layout,
	.fmt		= APPLE_DART2,
	.ttbr		= T8110_TTBR,
};
EXPORT_SYMBOL_IF_KUNIT(adart_t8110);

/*
 * T8122 (M3): a T8110 DART by register map and PTEs (hw §0); only the
 * name differs, so logs and debugfs say which compatible bound it.
 */
const struct adart_variant adart_t8122 = {
	.name		= "t8122",
	.lay		= &t8110_layout,
	.fmt		= APPLE_DART2,
	.ttbr		= T8110_TTBR,
};
EXPORT_SYMBOL_IF_KUNIT(adart_t8122);

/*
 * Which register map the DART really has, from the two PARAMS words both
 * maps share (hw §1): only a T8110 reports SUPPORT_REG_LOCK in PARAMS2,
 * the PROTECT registers of its own map (hw §3); a T8020 locks through
 * CONFIG instead (hw §2).  A compatible naming the other map would have
 * the driver read PARAMS3/4 of a T8020, or write T8020 commands over a
 * T8110's TLB and error registers, so such a DART is refused before
 * any register beyond PARAMS2 is touched.  UNCERTAIN (hw §1): T8110s set
 * the bit (m1n1 traces), but whether a T8020 leaves it clear is inferred
 * from m1n1 describing it for T8110 only; a T8020 that sets it would be
 * refused here, so this is the first thing to check on M1 hardware.
 */
static int adart_hw_check_layout(struct adart *dart, u32 p2)
{
	bool t8110 = dart->lay->ttbr_layout == DART_TTBR_LAYOUT_T8110;

	if (!!(p2 & ADART_PARAMS2_REG_LOCK) == t8110)
		return 0;
	dev_err(dart->dev, "compatible names the %s register layout, but PARAMS2 %#x %s SUPPORT_REG_LOCK: the DART has the %s layout\n",
		t8110 ? "T8110" : "T8020", p2,
		t8110 ? "lacks" : "reports", t8110 ? "T8020" : "T8110");
	return -ENODEV;
}

/**
 * adart_hw_read_params() - read page size, bypass and geometry
 * @dart:	the DART, with @hw and @regs set
 *
 * Return: 0, -ENODEV when PARAMS2 shows the other register layout than the
 * compatible names, or -EINVAL when PARAMS describe something unusable.
 */
int adart_hw_read_params(struct adart *dart)
{
	u32 p1 = readl(dart->regs + ADART_PARAMS1);
	u32 p2 = readl(dart->regs + ADART_PARAMS2);
	u32 shift = FIELD_GET(ADART_PARAMS1_PGSHIFT, p1);
	int ret;

	ret = adart_hw_check_layout(dart, p2);
	if (ret)
		return ret;
	dart->pgsize = 1U << shift;
	dart->bypass = (p2 & ADART_PARAMS2_BYPASS) && !dart->hw->no_bypass;
	return dart->lay->read_geometry(dart);
}

bool adart_hw_locked(struct adart *dart)
{
	return readl(dart->regs + dart->lay->lock_reg) & dart->lay->lock_bit;
}

static void __iomem *adart_ttbr_reg(struct adart *dart, unsigned int sid,
				    unsigned int idx)
{
	return dart->regs + dart->hw->ttbr + sid * dart->lay->ttbr_stride +
	       4 * idx;
}

/*
 * Program one stream from dart->streams[sid].  A stream being switched
 * off loses TCR first and a stream being switched on gets TCR last, so
 * it never translates through half-written TTBRs.
 */
/**
 * adart_hw_read_stream() - take a stream's TCR and TTBRs as programmed
 * @dart:	the DART, its lock held
 * @sid:	the stream
 *
 * For a stream the boot loader left translating (adart_probe()): the
 * driver's copy then restores the same state on resume.
 */
void adart_hw_read_stream(struct adart *dart, unsigned int sid)
{
	struct adart_stream *s = &dart->streams[sid];
	unsigned int i;

	lockdep_assert_held(&dart->lock);
	s->tcr = readl(dart->regs + dart->lay->tcr + 4 * sid);
	for (i = 0; i < dart->lay->n_ttbrs; i++)
		s->ttbr[i] = readl(adart_ttbr_reg(dart, sid, i));
}

void adart_hw_write_stream(struct adart *dart, unsigned int sid)
{
	struct adart_stream *s = &dart->streams[sid];
	void __iomem *tcr = dart->regs + dart->lay->tcr + 4 * sid;
	unsigned int i;

	lockdep_assert_held(&dart->lock);
	if (dart->gone)
		return;
	if (!s->tcr)
		writel(0, tcr);
	for (i = 0; i < dart->lay->n_ttbrs; i++)
		writel(s->ttbr[i], adart_ttbr_reg(dart, sid, i));
	if (s->tcr)
		writel(s->tcr, tcr);
}

/**
 * adart_hw_invalidate() - drop the TLB entries of some streams
 * @dart:	the DART, its lock held
 * @sids:	the streams
 *
 * Return: 0, or -ETIMEDOUT when a command did not finish.
 */
int adart_hw_invalidate(struct adart *dart, const unsigned long *sids)
{
	lockdep_assert_held(&dart->lock);
	/*
	 * Page-table stores must be visible to the walker before the
	 * command (hw §2.3): writel() orders them, it starts with dma_wmb().
	 */
	if (dart->gone || bitmap_empty(sids, dart->nsids))
		return 0;
	atomic_long_add(bitmap_weight(sids, dart->nsids),
			&dart->cnt.inval_streams);
	return dart->lay->invalidate(dart, sids);
}

/* T8110 per-stream error bits: write one to clear (hw §3.2). */
static void adart_clear_err_streams(struct adart *dart)
{
	unsigned int i;

	if (!dart->lay->err_streams)
		return;
	for (i = 0; i < DIV_ROUND_UP(dart->nsids, 32); i++) {
		void __iomem *reg = dart->regs + dart->lay->err_streams + 4 * i;
		u32 bits = readl(reg);

		if (bits)
			writel(bits, reg);
	}
}

/**
 * adart_hw_reset() - put an unlocked DART in a known state (hw §7)
 * @dart:	the DART, its lock held
 * @keep:	streams whose TCR and TTBRs stay as they are (a boot loader's
 *		live mappings, apple-dart-resv.c), or NULL
 *
 * Every other stream is disabled with no TTBR, every stream is enabled in the
 * enable registers (isolation is per stream through TCR), latched errors
 * are cleared and unmasked and the TLB is emptied.  The software stream
 * state is left alone: resume programs it back afterwards.
 *
 * Return: 0, -EBUSY when the DART is locked, or -ETIMEDOUT.
 */
int adart_hw_reset(struct adart *dart, const unsigned long *keep)
{
	const struct adart_layout *lay = dart->lay;
	DECLARE_BITMAP(all, ADART_MAX_SIDS);
	unsigned int sid, i, words;
	u32 status;

	lockdep_assert_held(&dart->lock);
	if (adart_hw_locked(dart))
		return -EBUSY;

	for (sid = 0; sid < dart->nsids; sid++) {
		if (keep && test_bit(sid, keep))
			continue;
		writel(0, dart->regs + lay->tcr + 4 * sid);
		for (i = 0; i < lay->n_ttbrs; i++)
			writel(0, adart_ttbr_reg(dart, sid, i));
	}

	words = min(lay->enable_words, DIV_ROUND_UP(dart->nsids, 32));
	for (i = 0; i < words; i++) {
		unsigned int left = dart->nsids - 32 * i;

		writel(left >= 32 ? ~0U : GENMASK(left - 1, 0),
		       dart->regs + lay->enable + 4 * i);
	}

	if (lay->err_mask)
		writel(0, dart->regs + lay->err_mask);
	status = readl(dart->regs + lay->err);
	adart_clear_err_streams(dart);
	if (status)
		writel(status, dart->regs + lay->err);

	atomic_long_inc(&dart->cnt.resets);
	bitmap_fill(all, dart->nsids);
	return adart_hw_invalidate(dart, all);
}

/**
 * adart_decode_fault() - decode an ERROR register value
 * @lay:	layout the value comes from
 * @status:	ERROR
 * @iova:	ERROR_ADDR
 * @f:		filled in
 *
 * Pure function, so that both layouts can be checked against the facts
 * sheet's tables (hw §2.2, §3.2) without hardware.
 */
void adart_decode_fault(const struct adart_layout *lay, u32 status, u64 iova,
			struct adart_fault *f)
{
	unsigned int i;

	f->status = status;
	f->iova = iova;
	f->sid = (status & lay->err_sid) >> __ffs(lay->err_sid);
	f->code = status & lay->err_code;
	f->n_codes = hweight32(f->code);
	f->name = "unknown";
	f->write = false;
	f->dir_known = false;
	for (i = 0; i < lay->n_codes; i++) {
		if (f->code & lay->codes[i].bit) {
			f->name = lay->codes[i].name;
			f->write = lay->codes[i].dir == ADART_DIR_WRITE;
			f->dir_known = lay->codes[i].dir != 0;
			break;
		}
	}
	/* hw §2.2: T8020 bit 10 may be a direction, unconfirmed: unused. */
	if (lay->err_write) {
		f->write = status & lay->err_write;
		f->dir_known = true;
	}
}
EXPORT_SYMBOL_IF_KUNIT(adart_decode_fault);

/**
 * adart_hw_read_fault() - read and decode a latched error
 * @dart:	the DART
 * @f:		filled in when there is one
 *
 * Return: true when an error is latched; the interrupt may be shared and
 * is not ours otherwise (hw §5).
 */
bool adart_hw_read_fault(struct adart *dart, struct adart_fault *f)
{
	const struct adart_layout *lay = dart->lay;
	u32 status;
	u64 iova;

	if (dart->gone)
		return false;
	status = readl(dart->regs + lay->err);
	if (!(status & ADART_ERR_FLAG))
		return false;
	iova = readl(dart->regs + lay->err_addr_lo) |
	       (u64)readl(dart->regs + lay->err_addr_hi) << 32;
	adart_decode_fault(lay, status, iova, f);
	return true;
}

/*
 * Writing back what was read clears exactly the bits seen (hw §2.2, §3.2).
 * The T8110 per-stream bits go first: an error latching between the two
 * steps then keeps its stream bit and raises the interrupt again.
 */
void adart_hw_clear_fault(struct adart *dart, const struct adart_fault *f)
{
	adart_clear_err_streams(dart);
	writel(f->status, dart->regs + dart->lay->err);
}

u32 adart_tcr_translate(struct adart *dart, const struct adart_domain *dom)
{
	u32 tcr = dart->lay->tcr_translate;

	/* Three tables below the TTBR need FOUR_LEVEL (hw §3.1). */
	if (dom->dcfg.n_levels > 2)
		tcr |= dart->lay->tcr_four_level;
	return tcr;
}
