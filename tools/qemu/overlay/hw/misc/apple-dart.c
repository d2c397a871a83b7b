/*
 * Apple DART (Device Address Resolution Table) IOMMU model
 *
 * This model is the independent judge of the project's DART driver: it is
 * written from the hardware facts sheet (dart-hw.md, cited below as "hw
 * §N") and behaves like the hardware is documented to behave, not like a
 * driver expects.  Where the sheet says UNCERTAIN the choice made here is
 * explained at the point of use and listed in
 * Documentation/dart/emulator.rst.
 *
 * Anything a correct driver would never do (stale TLB use, writes to
 * locked registers, misaligned tables, reserved bits) is reported on the
 * guest-error log with the tag "DART-VIOLATION"; the test harness counts
 * those lines as failures.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/bitops.h"
#include "qapi/error.h"
#include "hw/irq.h"
#include "hw/registerfields.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "hw/misc/apple-dart.h"
#include "exec/address-spaces.h"
#include "hw/core/cpu.h"
#include "sysemu/cpu-timers.h"
#include "apple-dart-walk.h"
#include "trace.h"

/* Identification registers common to both layouts (hw §1). */
REG32(DART_PARAMS1, 0x000)
    FIELD(DART_PARAMS1, PAGE_SHIFT, 24, 4)
REG32(DART_PARAMS2, 0x004)
    FIELD(DART_PARAMS2, BYPASS, 0, 1)
    FIELD(DART_PARAMS2, REG_LOCK, 1, 1)
REG32(DART_PARAMS3, 0x008)                 /* T8110 only */
    FIELD(DART_PARAMS3, VER_MIN, 0, 8)
    FIELD(DART_PARAMS3, VER_MAJ, 8, 8)
    FIELD(DART_PARAMS3, VA_WIDTH, 16, 6)
    FIELD(DART_PARAMS3, PA_WIDTH, 24, 6)
REG32(DART_PARAMS4, 0x00c)                 /* T8110 only */
    FIELD(DART_PARAMS4, NUM_SIDS, 0, 9)
    FIELD(DART_PARAMS4, NUM_CLIENTS, 16, 9)

/* ERROR bit 31, the same in both layouts (hw §2.2, §3.2). */
FIELD(DART_ERROR, FLAG, 31, 1)
#define DART_ERR_FLAG               R_DART_ERROR_FLAG_MASK

/* T8020/T6000 register map (hw §2). */
REG32(T8020_STREAM_COMMAND, 0x020)
    FIELD(T8020_STREAM_COMMAND, BUSY, 2, 1)
    FIELD(T8020_STREAM_COMMAND, INVALIDATE, 20, 1)
REG32(T8020_STREAM_SELECT0, 0x034)
REG32(T8020_STREAM_SELECT1, 0x038)
REG32(T8020_ERROR, 0x040)
    FIELD(T8020_ERROR, STREAM, 24, 4)
REG32(T8020_ERROR_ADDR_LO, 0x050)
REG32(T8020_ERROR_ADDR_HI, 0x054)
REG32(T8020_CONFIG, 0x060)
    FIELD(T8020_CONFIG, LOCK, 15, 1)
REG32(T8020_REMAP0, 0x080)
REG32(T8020_REMAP3, 0x08c)
REG32(T8020_DAPF_LOCK, 0x0f0)
REG32(T8020_UNK1, 0x0f8)
REG32(T8020_ENABLED_STREAMS, 0x0fc)
REG32(T8020_TCR0, 0x100)                   /* + 4 * sid */
    FIELD(T8020_TCR, TRANSLATE, 7, 1)
    FIELD(T8020_TCR, BYPASS_DART, 8, 1)
    FIELD(T8020_TCR, BYPASS_DAPF, 12, 1)
REG32(T8020_TTBR0, 0x200)                  /* + 16 * sid + 4 * idx */
REG32(T8020_USB4_TTBR0, 0x400)             /* the 64-stream variant's */
    FIELD(T8020_TTBR, ADDR, 0, 31)          /* table PA >> 12 */
    FIELD(T8020_TTBR, VALID, 31, 1)

#define T8020_CMD_INVALIDATE        R_T8020_STREAM_COMMAND_INVALIDATE_MASK
#define T8020_TCR_KNOWN             (R_T8020_TCR_TRANSLATE_MASK | \
                                     R_T8020_TCR_BYPASS_DART_MASK | \
                                     R_T8020_TCR_BYPASS_DAPF_MASK)

/* T8110 register map (hw §3). */
REG32(T8110_TLB_CMD, 0x080)
    FIELD(T8110_TLB_CMD, STREAM, 0, 8)
    FIELD(T8110_TLB_CMD, OP, 8, 3)
    FIELD(T8110_TLB_CMD, BUSY, 31, 1)
#define T8110_TLB_OP_FLUSH_ALL      0
#define T8110_TLB_OP_FLUSH_SID      1
#define T8110_TLB_CMD_KNOWN         (R_T8110_TLB_CMD_STREAM_MASK | \
                                     R_T8110_TLB_CMD_OP_MASK)
REG32(T8110_ERROR, 0x100)
    FIELD(T8110_ERROR, SECONDARY, 19, 1)
    FIELD(T8110_ERROR, SID, 20, 8)
    FIELD(T8110_ERROR, WRITE, 28, 1)
REG32(T8110_ERROR_MASK, 0x104)
REG32(T8110_ERROR_ADDR_LO, 0x170)
REG32(T8110_ERROR_ADDR_HI, 0x174)
REG32(T8110_ERROR_STREAMS0, 0x1c0)
REG32(T8110_ERROR_STREAMS7, 0x1dc)
REG32(T8110_PROTECT, 0x200)
    FIELD(T8110_PROTECT, TCR_TTBR, 0, 1)
REG32(T8110_UNPROTECT, 0x204)
REG32(T8110_PROTECT_LOCK, 0x208)
REG32(T8110_ENABLE_STREAMS0, 0xc00)
REG32(T8110_ENABLE_STREAMS7, 0xc1c)
REG32(T8110_DISABLE_STREAMS0, 0xc20)
REG32(T8110_DISABLE_STREAMS7, 0xc3c)
REG32(T8110_TCR0, 0x1000)                  /* + 4 * sid */
    FIELD(T8110_TCR, TRANSLATE, 0, 1)
    FIELD(T8110_TCR, BYPASS_DART, 1, 1)
    FIELD(T8110_TCR, BYPASS_DAPF, 2, 1)
    FIELD(T8110_TCR, FOUR_LEVEL, 3, 1)
    FIELD(T8110_TCR, REMAP_EN, 7, 1)
    FIELD(T8110_TCR, REMAP, 8, 4)
REG32(T8110_TTBR0, 0x1400)                 /* + 4 * sid */
    FIELD(T8110_TTBR, VALID, 0, 1)
    FIELD(T8110_TTBR, ADDR, 2, 28)          /* table PA >> 14 */

#define T8110_TCR_KNOWN             (R_T8110_TCR_TRANSLATE_MASK | \
                                     R_T8110_TCR_BYPASS_DART_MASK | \
                                     R_T8110_TCR_BYPASS_DAPF_MASK | \
                                     R_T8110_TCR_FOUR_LEVEL_MASK | \
                                     R_T8110_TCR_REMAP_EN_MASK | \
                                     R_T8110_TCR_REMAP_MASK)
#define T8110_TTBR_KNOWN            (R_T8110_TTBR_VALID_MASK | \
                                     R_T8110_TTBR_ADDR_MASK)

static const char *const fault_names[] = {
    [DART_OK] = "ok",
    [DART_FAULT_NO_TTBR] = "no TTBR",
    [DART_FAULT_NO_PGD] = "no PGD",
    [DART_FAULT_NO_PMD] = "no PMD",
    [DART_FAULT_NO_PTE] = "no PTE",
    [DART_FAULT_READ] = "read protection",
    [DART_FAULT_WRITE] = "write protection",
    [DART_FAULT_SUBPAGE] = "sub-page protection",
    [DART_FAULT_PTE_READ] = "table read error",
    [DART_FAULT_BLOCKED] = "stream blocked",
};

typedef enum {
    DART_MODE_BLOCKED,
    DART_MODE_BYPASS,
    DART_MODE_TRANSLATE,
} AppleDARTMode;

/*
 * What differs between the two register files, as data.  One of these is
 * picked by the "layout" property at realize and the rest of the model asks
 * it instead of testing the layout.  The hooks are where the register
 * files really behave differently: the registers outside PARAMS and
 * TCR/TTBR, and what a TLB command invalidates.
 */
struct AppleDARTLayoutDesc {
    const char *name;               /* value of the "layout" property */
    AppleDARTPteFormat default_pte;
    unsigned pte_formats;           /* BIT() of each format it walks */
    uint32_t max_sids;
    unsigned num_params;            /* PARAMS1.. registers it has */
    uint32_t params2;               /* PARAMS2 bits besides BYPASS */
    /* Accepted VA/PA widths: T8110 reports them in PARAMS3. */
    uint8_t va_width_min, va_width_max;
    uint8_t pa_width_min, pa_width_max;
    /* Streams beyond the ENABLE words are always enabled. */
    unsigned enable_words;

    hwaddr tcr0;
    uint32_t tcr_translate;
    uint32_t tcr_bypass;            /* BYPASS_DART */
    uint32_t tcr_four_level;        /* 0: walks always have two levels */
    uint32_t tcr_remap_en;
    uint32_t tcr_known;

    hwaddr ttbr0;
    hwaddr ttbr0_many_sids;         /* TTBR base of DARTs above 16 streams */
    unsigned ttbr_stride;           /* from one stream's TTBRs to the next */
    unsigned num_ttbrs;             /* per stream, picked by IOVA bits */
    uint32_t ttbr_valid;
    unsigned ttbr_addr_shift;       /* ADDR field ... */
    unsigned ttbr_addr_len;
    unsigned ttbr_pa_shift;         /* ... holding the table PA >> this */
    uint32_t ttbr_known;

    /* ERROR: CODE bits per fault (0: none), SID field, extra bits */
    const uint32_t *fault_codes;
    unsigned err_sid_shift;
    unsigned err_sid_len;
    uint32_t err_write;             /* 0: direction not reported */
    uint32_t err_secondary;         /* 0: later faults leave no trace */
    hwaddr err_streams0;            /* 0: no ERROR_STREAMS registers */

    /* The TCR/TTBR lock (hw §6): a bit of the register at this offset. */
    size_t lock_reg;
    uint32_t lock_bit;

    uint64_t (*read)(AppleDARTState *s, hwaddr addr, bool *ok);
    void (*write)(AppleDARTState *s, hwaddr addr, uint32_t val, bool *ok);
    /* The TLB command in busy_cmd takes effect (hw §2.3, §3.3). */
    void (*run_cmd)(AppleDARTState *s);
};

/* An event of stream @sid counts for the DART and for the stream. */
#define COUNT_STREAM(s, sid, field) do {           \
        (s)->counters.field++;                      \
        (s)->streams[sid].counters.field++;         \
    } while (0)

void apple_dart_violation(AppleDARTState *s, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    s->counters.violations++;
    if (s->expected_violations) {
        /*
         * A test provoked this on purpose: keep the evidence in the log but
         * without the tag the harness fails on.
         */
        s->expected_violations--;
        qemu_log_mask(LOG_GUEST_ERROR, "%s: expected model violation: %s\n",
                      apple_dart_name(s), msg);
    } else {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: DART-VIOLATION %s\n",
                      apple_dart_name(s), msg);
    }
}

/* ---------------------------------------------------------------------- */
/* Stream configuration                                                    */

static bool stream_enabled(AppleDARTState *s, unsigned sid)
{
    /* Streams past the layout's enable words: see t8020_layout. */
    if (sid >= 32 * s->layout->enable_words) {
        return true;
    }
    return s->enabled[sid / 32] & BIT(sid % 32);
}

/* Table levels below the TTBR: TCR.FOUR_LEVEL adds one (hw §3.1, §4.2). */
static int stream_levels(AppleDARTState *s, unsigned sid)
{
    return s->tcr[sid] & s->layout->tcr_four_level ? 3 : 2;
}

/* The table a TTBR value points at (hw §2, §3, §4.3). */
static uint64_t ttbr_table(AppleDARTState *s, uint32_t ttbr)
{
    const AppleDARTLayoutDesc *l = s->layout;

    return (uint64_t)extract32(ttbr, l->ttbr_addr_shift, l->ttbr_addr_len) <<
           l->ttbr_pa_shift;
}

static AppleDARTMode stream_mode(AppleDARTState *s, unsigned sid)
{
    uint32_t tcr = s->tcr[sid];
    bool translate = tcr & s->layout->tcr_translate;
    bool bypass = tcr & s->layout->tcr_bypass;

    /*
     * Translate together with bypass is an invalid mode (hw §2.1); it and a
     * bypass request on a DART without bypass support (hw §1 PARAMS2) are
     * reported when TCR is written and block the stream here.
     */
    if (translate && bypass) {
        return DART_MODE_BLOCKED;
    }
    if (bypass) {
        return s->bypass_supported ? DART_MODE_BYPASS : DART_MODE_BLOCKED;
    }
    return translate ? DART_MODE_TRANSLATE : DART_MODE_BLOCKED;
}

/*
 * Number of IOVA bits the configured walk resolves.  Bits above are
 * ignored or fault depending on "upper-iova-fault" (hw §4.4, UNCERTAIN).
 */
static unsigned walk_iova_bits(AppleDARTState *s, unsigned sid)
{
    unsigned bpl = s->page_shift - 3;
    int levels = stream_levels(s, sid);
    unsigned bits = s->page_shift + levels * bpl;

    if (levels > 2) {
        return MIN(bits, s->va_width);
    }
    /* Two table levels per TTBR plus the TTBR select bits (hw §4.2). */
    return bits + ctz32(s->layout->num_ttbrs);
}

/*
 * Walk the tables the TTBR of @sid for @iova points at: the IOVA bits
 * above two table levels pick one of the stream's TTBRs, four on T8020,
 * T8110 has one (hw §4.2).
 */
static AppleDARTFault stream_walk(AppleDARTState *s, unsigned sid,
                                  uint64_t iova, AppleDARTTlbEntry *out,
                                  bool quiet, bool use_cache)
{
    unsigned bpl = s->page_shift - 3;
    unsigned idx = (iova >> (s->page_shift + 2 * bpl)) &
                   (s->layout->num_ttbrs - 1);
    uint32_t ttbr = s->ttbr[sid][idx];

    if (!(ttbr & s->layout->ttbr_valid)) {
        return DART_FAULT_NO_TTBR;
    }
    return apple_dart_walk(s, sid, iova, ttbr_table(s, ttbr),
                           stream_levels(s, sid), out, quiet, use_cache);
}

/* ---------------------------------------------------------------------- */
/* Faults (hw §2.2, §3.2)                                                  */

static uint32_t fault_code(AppleDARTState *s, AppleDARTFault f, bool is_write)
{
    const uint32_t *codes = s->layout->fault_codes;

    if (f == DART_FAULT_SUBPAGE && !codes[f]) {
        /*
         * T8110 has no sub-page code in the sources (hw §3.2); the model
         * reports the access direction's protection fault.
         */
        f = is_write ? DART_FAULT_WRITE : DART_FAULT_READ;
    }
    assert(codes[f]);
    return codes[f];
}

static void apple_dart_update_irq(AppleDARTState *s)
{
    /* One level interrupt, high while an error is latched (hw §5). */
    qemu_set_irq(s->irq, !!(s->error & DART_ERR_FLAG));
}

/*
 * Latch @error for @iova unless an error is latched already: the first
 * stays until software clears it; on T8110 a later one marks SECONDARY
 * (hw §3.2; meaning inferred).
 */
static void apple_dart_latch(AppleDARTState *s, uint32_t error, uint64_t iova)
{
    if (s->error & DART_ERR_FLAG) {
        s->error |= s->layout->err_secondary;
        return;
    }
    s->error = error;
    s->error_addr = iova;
    apple_dart_update_irq(s);
}

/*
 * Record a refused translation.  Returns false when it only repeats the
 * fault already reported for this piece of the same access.
 */
static bool apple_dart_fault(AppleDARTState *s, unsigned sid, uint64_t iova,
                             AppleDARTFault f, bool is_write)
{
    const AppleDARTLayoutDesc *l = s->layout;
    AppleDARTStream *st = &s->streams[sid];
    uint32_t code = fault_code(s, f, is_write);
    uint32_t error, stream_bit;

    /*
     * QEMU retries a refused access in small pieces, so one refused burst
     * reaches us as many translations of the same page.  Report it once:
     * until a translation of this stream succeeds or software clears
     * ERROR, further faults on the same page and of the same kind are the
     * same event.
     */
    if (st->faulted && st->fault_kind == f &&
        (st->fault_iova >> s->page_shift) == (iova >> s->page_shift)) {
        return false;
    }
    COUNT_STREAM(s, sid, faults);
    st->faulted = true;
    st->fault_kind = f;
    st->fault_iova = iova;
    qemu_log_mask(LOG_GUEST_ERROR, "%s: fault: stream %u IOVA 0x%" PRIx64
                  " %s (%s)\n", apple_dart_name(s), sid, iova, fault_names[f],
                  is_write ? "write" : "read");
    trace_apple_dart_fault(apple_dart_name(s), sid, iova, fault_names[f],
                           is_write ? "write" : "read", code);

    /*
     * Per-stream error indicators (hw §3, ERROR_STREAMS).  Only T8110 has
     * a register to read them; on T8020 nothing looks at them.
     */
    stream_bit = s->error_streams[sid / 32] & BIT(sid % 32);
    s->error_streams[sid / 32] |= BIT(sid % 32);
    if ((code & s->error_mask) == code) {
        /* T8110 ERROR_MASK set for this source: not reported. */
        return true;
    }
    error = DART_ERR_FLAG | code |
            deposit32(0, l->err_sid_shift, l->err_sid_len, sid) |
            (is_write ? l->err_write : 0);
    if (l->err_streams0 && stream_bit && !(s->error & DART_ERR_FLAG)) {
        /*
         * What a stream whose ERROR_STREAMS bit software never cleared
         * does on its next fault is not documented (hw §3.2).  The model
         * makes the bit gate the stream's reports: the fault waits (the
         * first one only) and latches when software clears the bit, so
         * clearing ERROR first and then the bits, as Linux does, loses
         * nothing.
         */
        qemu_log_mask(LOG_GUEST_ERROR, "%s: fault of stream %u held: its "
                      "ERROR_STREAMS bit is still set\n", apple_dart_name(s),
                      sid);
        if (!s->held) {
            s->held = true;
            s->held_reported = false;
            s->held_sid = sid;
            s->held_error = error;
            s->held_addr = iova;
        }
        return true;
    }
    apple_dart_latch(s, error, iova);
    return true;
}

/*
 * Software cleared ERROR_STREAMS bits: a held fault whose stream bit is now
 * clear is reported as it would have been.
 */
static void apple_dart_release_held(AppleDARTState *s)
{
    unsigned sid = s->held_sid;

    if (!s->held || (s->error_streams[sid / 32] & BIT(sid % 32))) {
        return;
    }
    s->held = false;
    s->error_streams[sid / 32] |= BIT(sid % 32);
    apple_dart_latch(s, s->held_error, s->held_addr);
}

/*
 * A fault is held and software goes on with other registers, ERROR clear:
 * it has handled the last error without clearing ERROR_STREAMS (hw §3.2),
 * and that stream's faults go unreported.  Clearing ERROR and then the
 * bits, with nothing in between, never gets here.
 */
static void apple_dart_check_held(AppleDARTState *s, hwaddr addr)
{
    hwaddr streams0 = s->layout->err_streams0;

    if (!s->held || s->held_reported || (s->error & DART_ERR_FLAG) ||
        (addr >= streams0 && addr < streams0 + 4 * ARRAY_SIZE(
            s->error_streams))) {
        return;
    }
    s->held_reported = true;
    apple_dart_violation(s, "fault of stream %u at IOVA 0x%" PRIx64 " not "
                         "reported: its ERROR_STREAMS bit was not cleared "
                         "after the last error", s->held_sid, s->held_addr);
}

/* ERROR is write-one-to-clear (writing back the value read clears it). */
static void apple_dart_clear_error(AppleDARTState *s, uint32_t val)
{
    bool was_latched = s->error & DART_ERR_FLAG;
    unsigned sid;

    s->error &= ~val;
    trace_apple_dart_error_clear(apple_dart_name(s), val, s->error);
    if (was_latched && !(s->error & DART_ERR_FLAG)) {
        /*
         * Software handled the fault: the next refused access is a new
         * event, even if it hits the same page as the last one (a device
         * retrying a request must raise the interrupt again).
         */
        for (sid = 0; sid < s->num_sids; sid++) {
            s->streams[sid].faulted = false;
        }
    }
    apple_dart_update_irq(s);
}

/* ---------------------------------------------------------------------- */
/* Latencies charged in virtual time (emulator.rst, "Latencies")           */

/*
 * Charge @ns of device time to the vCPU whose access or DMA is being
 * served.  Under -icount the virtual clock is the count of executed
 * instructions: growing the vCPU's budget counts @ns as if it had executed
 * that many more, so every later reading of the clock (the guest's timer,
 * BUSY windows) includes the latency, deterministically.  Without icount
 * the clock follows the host and a device cannot stall it: nothing is
 * charged, and the tests' timing stays as it was.
 */
static void apple_dart_charge(uint32_t ns)
{
    CPUState *cpu = current_cpu;

    if (!ns || !icount_enabled() || !cpu || !cpu->running ||
        !cpu->can_do_io) {
        return;
    }
    cpu->icount_budget += icount_round(ns);
}

/* ---------------------------------------------------------------------- */
/* TLB invalidation commands and their BUSY window (hw §2.3, §3.3)         */

/*
 * One command flushed stream @sid: in the stream's own counters a command
 * counts once for every stream it covered, so that a test can tell the
 * commands that reached its stream from other masters' ones.
 */
static void apple_dart_cmd_flushed(AppleDARTState *s, unsigned sid, bool all)
{
    AppleDARTCounters *c = &s->streams[sid].counters;

    trace_apple_dart_inv_stream(apple_dart_name(s), sid,
                                apple_dart_tlb_entries(s, sid));
    c->inv_cmds++;
    if (all) {
        c->inv_all++;
    } else {
        c->inv_sid++;
        s->counters.inv_sid++;
    }
    apple_dart_tlb_flush(&s->streams[sid]);
}

/* T8020: the streams STREAM_SELECT named when the command was written. */
static void t8020_run_cmd(AppleDARTState *s)
{
    unsigned sid;

    for (sid = 0; sid < s->num_sids; sid++) {
        if (s->busy_sel[sid / 32] & BIT(sid % 32)) {
            apple_dart_cmd_flushed(s, sid, false);
        }
    }
}

/* T8110: every stream, or the one in the command's STREAM field. */
static void t8110_run_cmd(AppleDARTState *s)
{
    unsigned sid;

    unsigned op = FIELD_EX32(s->busy_cmd, T8110_TLB_CMD, OP);

    if (op == T8110_TLB_OP_FLUSH_ALL) {
        s->counters.inv_all++;
        for (sid = 0; sid < s->num_sids; sid++) {
            apple_dart_cmd_flushed(s, sid, true);
        }
        return;
    }
    apple_dart_cmd_flushed(s, FIELD_EX32(s->busy_cmd, T8110_TLB_CMD, STREAM),
                           false);
}

static void apple_dart_complete_cmd(AppleDARTState *s)
{
    s->busy = false;
    s->counters.inv_cmds++;
    s->layout->run_cmd(s);
    trace_apple_dart_inv_complete(apple_dart_name(s), s->busy_cmd);
}

/*
 * Finish a command whose BUSY window has passed, unless a test holds it.
 *
 * There is no timer for the end of the window: everything that can tell
 * whether a command has finished (a register access, a translation, a
 * test's look at the counters or the tables) calls this first, and sees
 * the same as if the command had completed on time.  A timer would also
 * be a deadline, which the hardware does not have: under -icount the
 * round-robin vCPU loop cuts the time to the next deadline into one slice
 * per vCPU, so every window would reshape all vCPUs' slices
 * (emulator.rst, "Latencies").
 */
static void apple_dart_busy_update(AppleDARTState *s)
{
    if (s->busy && !s->busy_hold &&
        qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) >= s->busy_until) {
        apple_dart_complete_cmd(s);
    }
}

void apple_dart_settle(AppleDARTState *s)
{
    apple_dart_busy_update(s);
}

/* @busy_ns: the BUSY window of this kind of command (busy-ns properties) */
static void apple_dart_start_cmd(AppleDARTState *s, uint32_t cmd,
                                 uint32_t busy_ns)
{
    trace_apple_dart_inv_issue(apple_dart_name(s), cmd, s->stream_select[0],
                               s->stream_select[1], busy_ns);
    s->busy_cmd = cmd;
    memcpy(s->busy_sel, s->stream_select, sizeof(s->stream_select));
    s->busy = true;
    /*
     * The invalidation takes effect when BUSY drops, so a driver that does
     * not wait for it can still hit old entries, as on hardware.
     */
    s->busy_until = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + busy_ns;
    if (!busy_ns && !s->busy_hold) {
        apple_dart_complete_cmd(s);
    }
}

/* ---------------------------------------------------------------------- */
/* Translation                                                             */

/*
 * Strict mode with the walk cache: a walk that used cached table entries
 * or "no entry" answers must agree with the tables as they are now, or the
 * driver changed them without the TLB command that hardware needs to see
 * it (a map without its invalidate, a table unhooked and freed before
 * one).  The walk's result is used anyway, as hardware would.
 */
static void check_walk_cache(AppleDARTState *s, unsigned sid, uint64_t addr,
                             uint64_t iova, AppleDARTFault f,
                             const AppleDARTTlbEntry *walked)
{
    AppleDARTTlbEntry now;
    AppleDARTFault fn = stream_walk(s, sid, iova, &now, true, false);

    if (fn == f &&
        (f != DART_OK || apple_dart_tlb_entry_equal(walked, &now))) {
        return;
    }
    COUNT_STREAM(s, sid, stale);
    apple_dart_violation(s, "stale walk-cache use: stream %u IOVA 0x%" PRIx64
                         " (cached walk: %s, tables now: %s; missing TLB "
                         "invalidate?)", sid, addr, fault_names[f],
                         fault_names[fn]);
}

static IOMMUTLBEntry apple_dart_translate(IOMMUMemoryRegion *iommu,
                                          hwaddr addr, IOMMUAccessFlags flag,
                                          int iommu_idx)
{
    AppleDARTStream *st = container_of(iommu, AppleDARTStream, iommu);
    AppleDARTState *s = st->dart;
    unsigned sid = st->sid;
    uint64_t psize = apple_dart_page_size(s);
    bool is_write = flag & IOMMU_WO;
    IOMMUTLBEntry ret = {
        .target_as = &address_space_memory,
        .iova = addr & ~(psize - 1),
        .translated_addr = 0,
        .addr_mask = psize - 1,
        .perm = IOMMU_NONE,
    };
    AppleDARTTlbEntry walked, cached, *e;
    AppleDARTFault f;
    unsigned bits;
    uint64_t iova, off;

    apple_dart_busy_update(s);

    if (!stream_enabled(s, sid)) {
        if (apple_dart_fault(s, sid, addr, DART_FAULT_BLOCKED, is_write)) {
            COUNT_STREAM(s, sid, blocked);
        }
        return ret;
    }
    switch (stream_mode(s, sid)) {
    case DART_MODE_BLOCKED:
        /* TCR = 0 blocks DMA; the access faults (hw §2.1, §3.1). */
        if (apple_dart_fault(s, sid, addr, DART_FAULT_BLOCKED, is_write)) {
            COUNT_STREAM(s, sid, blocked);
        }
        return ret;
    case DART_MODE_BYPASS:
        trace_apple_dart_bypass(apple_dart_name(s), sid, addr);
        COUNT_STREAM(s, sid, bypass);
        st->faulted = false;
        ret.translated_addr = ret.iova;
        ret.perm = IOMMU_RW;
        return ret;
    case DART_MODE_TRANSLATE:
        break;
    }

    bits = walk_iova_bits(s, sid);
    iova = addr;
    if (bits < 64 && (addr >> bits)) {
        if (s->upper_iova_fault) {
            apple_dart_fault(s, sid, addr, DART_FAULT_NO_TTBR, is_write);
            return ret;
        }
        iova = addr & MAKE_64BIT_MASK(0, bits);
    }
    e = apple_dart_tlb_lookup(st, iova);
    if (e) {
        trace_apple_dart_tlb_hit(apple_dart_name(s), sid, iova, e->pa);
        COUNT_STREAM(s, sid, tlb_hits);
        /*
         * Work on a copy: the re-walk below reads guest-chosen addresses,
         * and a table pointed at this DART's own registers could complete
         * an invalidate and free the hash table's entry under us.
         */
        cached = *e;
        e = &cached;
        if (s->strict_tlb) {
            /*
             * Strict mode: the cached entry is used (as hardware would) but
             * checked against the tables, so a missing invalidate is a
             * deterministic failure instead of silent corruption.
             */
            f = stream_walk(s, sid, iova, &walked, true, false);
            if (f != DART_OK || !apple_dart_tlb_entry_equal(e, &walked)) {
                COUNT_STREAM(s, sid, stale);
                apple_dart_violation(s, "stale TLB use: stream %u IOVA 0x%"
                                     PRIx64 " (tables now: %s%s; missing "
                                     "TLB invalidate?)", sid, addr,
                                     fault_names[f],
                                     f == DART_OK ? ", changed entry" : "");
            }
        }
    } else {
        trace_apple_dart_tlb_miss(apple_dart_name(s), sid, iova);
        COUNT_STREAM(s, sid, tlb_misses);
        COUNT_STREAM(s, sid, walks);
        apple_dart_charge(s->tlb_miss_ns);
        f = stream_walk(s, sid, iova, &walked, false, true);
        if (s->walk_cache && s->strict_tlb) {
            check_walk_cache(s, sid, addr, iova, f, &walked);
        }
        if (f != DART_OK) {
            /* Failed walks are not cached. */
            apple_dart_fault(s, sid, addr, f, is_write);
            return ret;
        }
        if (walked.uncached) {
            COUNT_STREAM(s, sid, nocache);
        }
        e = apple_dart_tlb_insert(st, iova, &walked);
    }

    if ((flag & IOMMU_RO) && !e->readable) {
        apple_dart_fault(s, sid, addr, DART_FAULT_READ, false);
        return ret;
    }
    if ((flag & IOMMU_WO) && !e->writable) {
        apple_dart_fault(s, sid, addr, DART_FAULT_WRITE, true);
        return ret;
    }
    off = iova & (psize - 1);
    ret.perm = (e->readable ? IOMMU_RO : 0) | (e->writable ? IOMMU_WO : 0);
    if (e->sp_lo == 0 && e->sp_hi == psize) {
        st->faulted = false;
        ret.translated_addr = e->pa;
        trace_apple_dart_translate(apple_dart_name(s), sid, addr,
                                   ret.translated_addr, ret.addr_mask,
                                   ret.perm);
        return ret;
    }
    /* A restricted page is translated one sub-page unit at a time. */
    if (flag != IOMMU_NONE && (off < e->sp_lo || off >= e->sp_hi)) {
        ret.perm = IOMMU_NONE;
        apple_dart_fault(s, sid, addr, DART_FAULT_SUBPAGE, is_write);
        return ret;
    }
    st->faulted = false;
    ret.addr_mask = (psize >> 12) - 1;
    ret.iova = addr & ~ret.addr_mask;
    ret.translated_addr = e->pa + (off & ~ret.addr_mask);
    trace_apple_dart_translate(apple_dart_name(s), sid, addr,
                               ret.translated_addr, ret.addr_mask, ret.perm);
    return ret;
}

static int apple_dart_notify_flag_changed(IOMMUMemoryRegion *iommu,
                                          IOMMUNotifierFlag old,
                                          IOMMUNotifierFlag new,
                                          Error **errp)
{
    /*
     * MAP notifications would need the model to announce mappings as the
     * guest writes tables, which a DART cannot know; only UNMAP (sent on
     * every invalidate) is offered.
     */
    if (new & IOMMU_NOTIFIER_MAP) {
        error_setg(errp, "apple-dart does not support MAP notifiers");
        return -EINVAL;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Register access                                                         */

/* The register holding the TCR/TTBR lock bit (hw §6). */
static uint32_t *lock_reg(AppleDARTState *s)
{
    return (uint32_t *)((uint8_t *)s + s->layout->lock_reg);
}

static bool tcr_ttbr_locked(AppleDARTState *s)
{
    return *lock_reg(s) & s->layout->lock_bit;
}

/*
 * T8020: besides TCR/TTBR, the lock also freezes the registers that
 * decide whether and how a stream translates, ENABLED_STREAMS and REMAP.
 * Which registers CONFIG.LOCK covers is not documented beyond "the
 * translation config" (hw §2, §6); this is the model's choice.  Returns
 * true when the write was dropped.
 */
static bool locked_write(AppleDARTState *s, const char *reg, unsigned idx,
                         uint32_t val)
{
    if (!tcr_ttbr_locked(s)) {
        return false;
    }
    trace_apple_dart_locked_write(apple_dart_name(s), reg, 0, idx, val);
    s->counters.locked_writes++;
    apple_dart_violation(s, "write 0x%x to %s of a locked DART ignored",
                         val, reg);
    return true;
}

static void write_tcr(AppleDARTState *s, unsigned sid, uint32_t val)
{
    const AppleDARTLayoutDesc *l = s->layout;
    uint32_t known = l->tcr_known;
    uint32_t tr = l->tcr_translate;
    uint32_t bp = l->tcr_bypass;

    if (tcr_ttbr_locked(s)) {
        trace_apple_dart_locked_write(apple_dart_name(s), "TCR", sid, 0, val);
        COUNT_STREAM(s, sid, locked_writes);
        apple_dart_violation(s, "write 0x%x to TCR[%u] of a locked DART "
                             "ignored", val, sid);
        return;
    }
    if (val & ~known) {
        apple_dart_violation(s, "reserved bits 0x%x set in TCR[%u] = 0x%x",
                             val & ~known, sid, val);
    }
    if ((val & tr) && (val & bp)) {
        apple_dart_violation(s, "TCR[%u] = 0x%x requests translate and "
                             "bypass together; stream blocked", sid, val);
    } else if ((val & bp) && !s->bypass_supported) {
        apple_dart_violation(s, "TCR[%u] = 0x%x requests bypass, which this "
                             "DART does not support; stream blocked",
                             sid, val);
    }
    if ((val & l->tcr_four_level) && !s->four_level_supported) {
        apple_dart_violation(s, "TCR[%u] = 0x%x sets FOUR_LEVEL, which this "
                             "DART does not support", sid, val);
        val &= ~l->tcr_four_level;
    }
    if (val & l->tcr_remap_en) {
        qemu_log_mask(LOG_UNIMP, "%s: TCR[%u] REMAP_EN not modelled\n",
                      apple_dart_name(s), sid);
    }
    trace_apple_dart_tcr_write(apple_dart_name(s), sid, val);
    s->tcr[sid] = val;
}

static void write_ttbr(AppleDARTState *s, unsigned sid, unsigned idx,
                       uint32_t val)
{
    uint64_t table;

    if (tcr_ttbr_locked(s)) {
        trace_apple_dart_locked_write(apple_dart_name(s), "TTBR", sid, idx,
                                      val);
        COUNT_STREAM(s, sid, locked_writes);
        apple_dart_violation(s, "write 0x%x to TTBR[%u][%u] of a locked DART "
                             "ignored", val, sid, idx);
        return;
    }
    if (val & ~s->layout->ttbr_known) {
        apple_dart_violation(s, "reserved bits 0x%x set in TTBR[%u] = "
                             "0x%x", val & ~s->layout->ttbr_known, sid, val);
    }
    /* On T8110 16K alignment is implied by the PA >> 14 encoding. */
    table = ttbr_table(s, val);
    if ((val & s->layout->ttbr_valid) &&
        (table & (apple_dart_page_size(s) - 1))) {
        apple_dart_violation(s, "misaligned table 0x%" PRIx64
                             " in TTBR[%u][%u]", table, sid, idx);
    }
    trace_apple_dart_ttbr_write(apple_dart_name(s), sid, idx, val);
    s->ttbr[sid][idx] = val;
}

/* Decode a TCR/TTBR offset; returns false if @addr is neither. */
static bool decode_stream_reg(AppleDARTState *s, hwaddr addr, bool *is_tcr,
                              unsigned *sid, unsigned *idx)
{
    hwaddr tcr0 = s->layout->tcr0;
    hwaddr ttbr0 = s->ttbr_base;
    unsigned ttbr_stride = s->layout->ttbr_stride;

    if (addr >= tcr0 && addr < tcr0 + 4 * s->num_sids) {
        *is_tcr = true;
        *sid = (addr - tcr0) / 4;
        *idx = 0;
        return true;
    }
    if (addr >= ttbr0 && addr < ttbr0 + ttbr_stride * s->num_sids) {
        *is_tcr = false;
        *sid = (addr - ttbr0) / ttbr_stride;
        *idx = ((addr - ttbr0) % ttbr_stride) / 4;
        return true;
    }
    return false;
}

static uint32_t params_read(AppleDARTState *s, hwaddr addr, bool *ok)
{
    uint32_t val = 0;

    /* T8020 has PARAMS1 and PARAMS2, T8110 all four (hw §1). */
    *ok = addr < 4 * s->layout->num_params;
    if (!*ok) {
        return 0;
    }
    switch (addr) {
    case A_DART_PARAMS1:
        return FIELD_DP32(0, DART_PARAMS1, PAGE_SHIFT, s->page_shift);
    case A_DART_PARAMS2:
        return FIELD_DP32(s->layout->params2, DART_PARAMS2, BYPASS,
                          s->bypass_supported);
    case A_DART_PARAMS3:
        /*
         * Version 2.0 (hw §1), or 1.0 where four-level=off: revision 1
         * is the one without TCR.FOUR_LEVEL (hw §3), and a driver tells
         * them apart by this field alone.
         */
        val = FIELD_DP32(val, DART_PARAMS3, PA_WIDTH, s->pa_width);
        val = FIELD_DP32(val, DART_PARAMS3, VA_WIDTH, s->va_width);
        return FIELD_DP32(val, DART_PARAMS3, VER_MAJ,
                          s->four_level_supported ? 2 : 1);
    case A_DART_PARAMS4:
        val = FIELD_DP32(val, DART_PARAMS4, NUM_CLIENTS, s->num_sids);
        return FIELD_DP32(val, DART_PARAMS4, NUM_SIDS, s->num_sids);
    }
    *ok = false;
    return 0;
}

static uint64_t t8020_read(AppleDARTState *s, hwaddr addr, bool *ok)
{
    *ok = true;
    switch (addr) {
    case A_T8020_STREAM_COMMAND:
        if (s->busy) {
            s->counters.busy_polls++;
            return R_T8020_STREAM_COMMAND_BUSY_MASK | T8020_CMD_INVALIDATE;
        }
        return 0;
    case A_T8020_STREAM_SELECT0:
        return s->stream_select[0];
    case A_T8020_STREAM_SELECT1:
        if (s->num_sids > 32) {
            return s->stream_select[1];
        }
        break;
    case A_T8020_ERROR:
        return s->error;
    case A_T8020_ERROR_ADDR_LO:
        return (uint32_t)s->error_addr;
    case A_T8020_ERROR_ADDR_HI:
        return s->error_addr >> 32;
    case A_T8020_CONFIG:
        return s->config;
    case A_T8020_REMAP0 ... A_T8020_REMAP3:
        return s->remap[(addr - A_T8020_REMAP0) / 4];
    case A_T8020_DAPF_LOCK:
        return s->dapf_lock;
    case A_T8020_UNK1:
        return s->unk1;
    case A_T8020_ENABLED_STREAMS:
        return s->enabled[0];
    }
    *ok = false;
    return 0;
}

static void t8020_write(AppleDARTState *s, hwaddr addr, uint32_t val,
                        bool *ok)
{
    *ok = true;
    switch (addr) {
    case A_T8020_STREAM_COMMAND:
        if (s->busy) {
            apple_dart_violation(s, "STREAM_COMMAND 0x%x written while the "
                                 "previous command is BUSY", val);
            return;
        }
        if (val & ~T8020_CMD_INVALIDATE) {
            apple_dart_violation(s, "unknown STREAM_COMMAND bits 0x%x",
                                 (uint32_t)(val & ~T8020_CMD_INVALIDATE));
        }
        if (val & T8020_CMD_INVALIDATE) {
            apple_dart_start_cmd(s, val, s->busy_ns);
        }
        return;
    case A_T8020_STREAM_SELECT0:
    case A_T8020_STREAM_SELECT1:
        if (addr == A_T8020_STREAM_SELECT1 && s->num_sids <= 32) {
            break;
        }
        if (s->busy) {
            apple_dart_violation(s, "STREAM_SELECT written while a command "
                                 "is BUSY");
        }
        s->stream_select[(addr - A_T8020_STREAM_SELECT0) / 4] = val;
        return;
    case A_T8020_ERROR:
        apple_dart_clear_error(s, val);
        return;
    case A_T8020_CONFIG:
        /* LOCK holds until reset ("locked down until reboot", hw §2). */
        s->config = val | (s->config & R_T8020_CONFIG_LOCK_MASK);
        return;
    case A_T8020_REMAP0 ... A_T8020_REMAP3:
        if (!locked_write(s, "REMAP", (addr - A_T8020_REMAP0) / 4, val)) {
            s->remap[(addr - A_T8020_REMAP0) / 4] = val;
        }
        return;
    case A_T8020_DAPF_LOCK:
        s->dapf_lock = val;
        return;
    case A_T8020_UNK1:
        s->unk1 = val;
        return;
    case A_T8020_ENABLED_STREAMS:
        if (!locked_write(s, "ENABLED_STREAMS", 0, val)) {
            s->enabled[0] = val;
        }
        return;
    }
    *ok = false;
}

static uint64_t t8110_read(AppleDARTState *s, hwaddr addr, bool *ok)
{
    *ok = true;
    switch (addr) {
    case A_T8110_TLB_CMD:
        if (s->busy) {
            s->counters.busy_polls++;
            return R_T8110_TLB_CMD_BUSY_MASK | s->busy_cmd;
        }
        return s->busy_cmd;
    case A_T8110_ERROR:
        return s->error;
    case A_T8110_ERROR_MASK:
        return s->error_mask;
    case A_T8110_ERROR_ADDR_LO:
        return (uint32_t)s->error_addr;
    case A_T8110_ERROR_ADDR_HI:
        return s->error_addr >> 32;
    case A_T8110_ERROR_STREAMS0 ... A_T8110_ERROR_STREAMS7:
        return s->error_streams[(addr - A_T8110_ERROR_STREAMS0) / 4];
    case A_T8110_PROTECT:
        return s->protect;
    case A_T8110_UNPROTECT:
        return 0;
    case A_T8110_PROTECT_LOCK:
        return s->protect_locked;
    case A_T8110_ENABLE_STREAMS0 ... A_T8110_ENABLE_STREAMS7:
        return s->enabled[(addr - A_T8110_ENABLE_STREAMS0) / 4];
    case A_T8110_DISABLE_STREAMS0 ... A_T8110_DISABLE_STREAMS7:
        return s->enabled[(addr - A_T8110_DISABLE_STREAMS0) / 4];
    case 0x084 ... 0x0a0:       /* TLB diagnostics (hw §3), inert */
    case 0x120 ... 0x15c:       /* STREAM_UNK_SET/CLR, inert */
    case 0x20c ... 0x22c:       /* tunables, inert */
    case 0x500 ... 0x7fc:       /* TZ regions and perf counters, inert */
        return s->scratch[addr / 4];
    }
    *ok = false;
    return 0;
}

static uint32_t sid_word_mask(AppleDARTState *s, unsigned word)
{
    unsigned first = word * 32;

    if (first >= s->num_sids) {
        return 0;
    }
    return s->num_sids - first >= 32 ? UINT32_MAX :
           (uint32_t)MAKE_64BIT_MASK(0, s->num_sids - first);
}

static void t8110_write(AppleDARTState *s, hwaddr addr, uint32_t val,
                        bool *ok)
{
    unsigned word, op, sid;

    *ok = true;
    switch (addr) {
    case A_T8110_TLB_CMD:
        if (s->busy) {
            apple_dart_violation(s, "TLB_CMD 0x%x written while the previous "
                                 "command is BUSY", val);
            return;
        }
        op = FIELD_EX32(val, T8110_TLB_CMD, OP);
        sid = FIELD_EX32(val, T8110_TLB_CMD, STREAM);
        if (val & ~T8110_TLB_CMD_KNOWN) {
            apple_dart_violation(s, "unknown TLB_CMD bits in 0x%x", val);
        }
        if (op != T8110_TLB_OP_FLUSH_ALL && op != T8110_TLB_OP_FLUSH_SID) {
            /* Only flush-all and flush-one-SID are known (hw §3). */
            apple_dart_violation(s, "TLB_CMD op %u not modelled", op);
            return;
        }
        if (op == T8110_TLB_OP_FLUSH_SID && sid >= s->num_sids) {
            apple_dart_violation(s, "TLB_CMD flush of stream %u, DART has %u",
                                 sid, s->num_sids);
            return;
        }
        apple_dart_start_cmd(s, val & T8110_TLB_CMD_KNOWN,
                             op == T8110_TLB_OP_FLUSH_SID ?
                             s->busy_stream_ns : s->busy_ns);
        return;
    case A_T8110_ERROR:
        apple_dart_clear_error(s, val);
        return;
    case A_T8110_ERROR_MASK:
        s->error_mask = val;
        return;
    case A_T8110_ERROR_STREAMS0 ... A_T8110_ERROR_STREAMS7:
        s->error_streams[(addr - A_T8110_ERROR_STREAMS0) / 4] &= ~val;
        apple_dart_release_held(s);
        return;
    case A_T8110_PROTECT:
        /* Protection can always be added (hw §3). */
        s->protect |= val;
        return;
    case A_T8110_UNPROTECT:
        if (s->protect_locked) {
            trace_apple_dart_locked_write(apple_dart_name(s), "UNPROTECT", 0,
                                          0, val);
            s->counters.locked_writes++;
            apple_dart_violation(s, "UNPROTECT 0x%x after PROTECT_LOCK "
                                 "ignored", val);
            return;
        }
        s->protect &= ~val;
        return;
    case A_T8110_PROTECT_LOCK:
        if (val) {
            s->protect_locked = true;
        }
        return;
    case A_T8110_ENABLE_STREAMS0 ... A_T8110_ENABLE_STREAMS7:
        word = (addr - A_T8110_ENABLE_STREAMS0) / 4;
        s->enabled[word] |= val & sid_word_mask(s, word);
        return;
    case A_T8110_DISABLE_STREAMS0 ... A_T8110_DISABLE_STREAMS7:
        word = (addr - A_T8110_DISABLE_STREAMS0) / 4;
        s->enabled[word] &= ~val;
        return;
    case 0x084 ... 0x0a0:
    case 0x120 ... 0x15c:
    case 0x20c ... 0x22c:
    case 0x500 ... 0x7fc:
        qemu_log_mask(LOG_UNIMP, "%s: write 0x%x to inert register 0x%"
                      HWADDR_PRIx "\n", apple_dart_name(s), val, addr);
        s->scratch[addr / 4] = val;
        return;
    }
    *ok = false;
}

static uint64_t apple_dart_read(void *opaque, hwaddr addr, unsigned size)
{
    AppleDARTState *s = opaque;
    bool ok, is_tcr;
    unsigned sid, idx;
    uint64_t val;

    /* Charged first: a poll sees the clock after its own read. */
    apple_dart_charge(s->reg_read_ns);
    apple_dart_busy_update(s);
    apple_dart_check_held(s, addr);
    if (size != 4 || (addr & 3)) {
        /* All registers are 32-bit (hw preamble). */
        apple_dart_violation(s, "%u-byte read at 0x%" HWADDR_PRIx, size, addr);
        return 0;
    }
    val = params_read(s, addr, &ok);
    if (ok) {
        return val;
    }
    if (decode_stream_reg(s, addr, &is_tcr, &sid, &idx)) {
        return is_tcr ? s->tcr[sid] : s->ttbr[sid][idx];
    }
    val = s->layout->read(s, addr, &ok);
    if (!ok) {
        apple_dart_violation(s, "read of unknown register 0x%" HWADDR_PRIx,
                             addr);
    }
    return val;
}

static void apple_dart_write(void *opaque, hwaddr addr, uint64_t val64,
                             unsigned size)
{
    AppleDARTState *s = opaque;
    uint32_t val = val64;
    bool ok, is_tcr;
    unsigned sid, idx;

    apple_dart_charge(s->reg_write_ns);
    apple_dart_busy_update(s);
    apple_dart_check_held(s, addr);
    if (size != 4 || (addr & 3)) {
        apple_dart_violation(s, "%u-byte write at 0x%" HWADDR_PRIx,
                             size, addr);
        return;
    }
    params_read(s, addr, &ok);
    if (ok) {
        apple_dart_violation(s, "write 0x%x to read-only PARAMS 0x%"
                             HWADDR_PRIx, val, addr);
        return;
    }
    if (decode_stream_reg(s, addr, &is_tcr, &sid, &idx)) {
        if (is_tcr) {
            write_tcr(s, sid, val);
        } else {
            write_ttbr(s, sid, idx, val);
        }
        return;
    }
    s->layout->write(s, addr, val, &ok);
    if (!ok) {
        apple_dart_violation(s, "write 0x%x to unknown or read-only register "
                             "0x%" HWADDR_PRIx, val, addr);
    }
}

static const MemoryRegionOps apple_dart_ops = {
    .read = apple_dart_read,
    .write = apple_dart_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /* Accept every size so that a wrong one is reported, not a bus error. */
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
};

/* ---------------------------------------------------------------------- */
/* Interface for boards and the test engine                                */

IOMMUMemoryRegion *apple_dart_stream_mr(AppleDARTState *s, unsigned sid)
{
    assert(s->streams && sid < s->num_sids);
    return &s->streams[sid].iommu;
}

AddressSpace *apple_dart_stream_as(AppleDARTState *s, unsigned sid)
{
    AppleDARTStream *st;

    assert(s->streams && sid < s->num_sids);
    st = &s->streams[sid];
    if (!st->as_ready) {
        address_space_init(&st->as, MEMORY_REGION(&st->iommu), st->name);
        st->as_ready = true;
    }
    return &st->as;
}

bool apple_dart_stream_last_fault(AppleDARTState *s, unsigned sid,
                                  uint64_t *iova)
{
    assert(sid < s->num_sids);
    *iova = s->streams[sid].fault_iova;
    return s->streams[sid].faulted;
}

void apple_dart_stream_clear_fault(AppleDARTState *s, unsigned sid)
{
    assert(sid < s->num_sids);
    s->streams[sid].faulted = false;
}

void apple_dart_expect_violations(AppleDARTState *s, uint32_t n)
{
    s->expected_violations = n;
}

void apple_dart_reset_counters(AppleDARTState *s)
{
    unsigned sid;

    /* A command done before the reset counts before it. */
    apple_dart_busy_update(s);
    memset(&s->counters, 0, sizeof(s->counters));
    for (sid = 0; sid < s->num_sids; sid++) {
        memset(&s->streams[sid].counters, 0, sizeof(s->counters));
    }
}

AppleDARTCounters *apple_dart_stream_counters(AppleDARTState *s,
                                              unsigned sid)
{
    assert(sid < s->num_sids);
    return &s->streams[sid].counters;
}

void apple_dart_boot_stream(AppleDARTState *s, unsigned sid, unsigned idx,
                            uint64_t table, bool valid)
{
    const AppleDARTLayoutDesc *l = s->layout;

    assert(sid < s->num_sids && idx < l->num_ttbrs);
    s->enabled[sid / 32] |= BIT(sid % 32);
    s->ttbr[sid][idx] = deposit32(valid ? l->ttbr_valid : 0,
                                  l->ttbr_addr_shift, l->ttbr_addr_len,
                                  table >> l->ttbr_pa_shift);
    s->tcr[sid] = l->tcr_translate;
    apple_dart_tlb_flush(&s->streams[sid]);
}

void apple_dart_boot_lock(AppleDARTState *s)
{
    *lock_reg(s) |= s->layout->lock_bit;
}

bool apple_dart_resolve(AppleDARTState *s, unsigned sid, uint64_t iova,
                        uint64_t *pa)
{
    AppleDARTTlbEntry e;
    unsigned bits;

    assert(sid < s->num_sids);
    if (!stream_enabled(s, sid) ||
        stream_mode(s, sid) != DART_MODE_TRANSLATE) {
        return false;
    }
    bits = walk_iova_bits(s, sid);
    if (bits < 64) {
        iova &= MAKE_64BIT_MASK(0, bits);
    }
    if (stream_walk(s, sid, iova, &e, true, false) != DART_OK ||
        !e.readable) {
        return false;
    }
    *pa = e.pa + (iova & (apple_dart_page_size(s) - 1));
    return true;
}

void apple_dart_hold_busy(AppleDARTState *s, bool hold)
{
    /* A command whose window has passed is done: a hold cannot undo it. */
    apple_dart_busy_update(s);
    s->busy_hold = hold;
    /* A released command whose window has passed completes now. */
    apple_dart_busy_update(s);
}

/* ---------------------------------------------------------------------- */
/* The two register layouts                                                */

/* ERROR CODE bit of each fault on T8020 (hw §2.2). */
static const uint32_t t8020_fault_codes[] = {
    [DART_FAULT_NO_TTBR] = BIT(0),
    /*
     * What a disabled stream reports is UNCERTAIN (hw §2.1); NO_TTBR is
     * the closest documented code: there is no usable table.
     */
    [DART_FAULT_BLOCKED] = BIT(0),
    [DART_FAULT_NO_PMD] = BIT(1),
    [DART_FAULT_NO_PTE] = BIT(2),
    [DART_FAULT_WRITE] = BIT(3),
    [DART_FAULT_READ] = BIT(4),
    [DART_FAULT_PTE_READ] = BIT(6),
    [DART_FAULT_SUBPAGE] = BIT(7),
    /* No NO_PGD: T8020 walks have two levels. */
};

/* ERROR CODE bit of each fault on T8110 (hw §3.2). */
static const uint32_t t8110_fault_codes[] = {
    [DART_FAULT_NO_TTBR] = BIT(0),
    [DART_FAULT_BLOCKED] = BIT(0),
    [DART_FAULT_NO_PGD] = BIT(1),
    [DART_FAULT_NO_PMD] = BIT(2),
    [DART_FAULT_NO_PTE] = BIT(3),
    [DART_FAULT_WRITE] = BIT(4),
    [DART_FAULT_READ] = BIT(5),
    /* AXI_DECODE: the table fetch hit nothing. */
    [DART_FAULT_PTE_READ] = BIT(6),
    /* No sub-page code: see fault_code(). */
};

static const AppleDARTLayoutDesc t8020_layout = {
    .name = "t8020",
    .default_pte = APPLE_DART_PTE_DART1,
    .pte_formats = BIT(APPLE_DART_PTE_DART1) | BIT(APPLE_DART_PTE_DART2),
    /* The USB4 variant has 64 streams (hw §2). */
    .max_sids = 64,
    .num_params = 2,
    /* T8020 does not report its widths: any value goes. */
    .va_width_min = 0,
    .va_width_max = UINT8_MAX,
    .pa_width_min = 0,
    .pa_width_max = UINT8_MAX,
    /*
     * A single ENABLED_STREAMS word (hw §2).  Whether the 64-SID USB4
     * variant has a second one is UNCERTAIN (hw §2.3); the model treats
     * streams 32..63 of that variant as always enabled.
     */
    .enable_words = 1,

    .tcr0 = A_T8020_TCR0,
    .tcr_translate = R_T8020_TCR_TRANSLATE_MASK,
    .tcr_bypass = R_T8020_TCR_BYPASS_DART_MASK,
    .tcr_known = T8020_TCR_KNOWN,

    .ttbr0 = A_T8020_TTBR0,
    /* The 64-stream USB4 DART keeps its TTBRs at 0x400 (hw §2). */
    .ttbr0_many_sids = A_T8020_USB4_TTBR0,
    .ttbr_stride = 16,
    .num_ttbrs = 4,
    .ttbr_valid = R_T8020_TTBR_VALID_MASK,
    .ttbr_addr_shift = R_T8020_TTBR_ADDR_SHIFT,
    .ttbr_addr_len = R_T8020_TTBR_ADDR_LENGTH,
    .ttbr_pa_shift = 12,
    .ttbr_known = R_T8020_TTBR_VALID_MASK | R_T8020_TTBR_ADDR_MASK,

    .fault_codes = t8020_fault_codes,
    /*
     * STREAM is 4 bits wide, so SIDs above 15 of the USB4 variant are
     * truncated.  The WRITE direction bit 10 (hw §2.2, UNCERTAIN) is not
     * set: the kernel's decoder expects exactly one bit in CODE[11:0].
     */
    .err_sid_shift = R_T8020_ERROR_STREAM_SHIFT,
    .err_sid_len = R_T8020_ERROR_STREAM_LENGTH,

    .lock_reg = offsetof(AppleDARTState, config),
    .lock_bit = R_T8020_CONFIG_LOCK_MASK,

    .read = t8020_read,
    .write = t8020_write,
    .run_cmd = t8020_run_cmd,
};

static const AppleDARTLayoutDesc t8110_layout = {
    .name = "t8110",
    .default_pte = APPLE_DART_PTE_DART2,
    .pte_formats = BIT(APPLE_DART_PTE_DART2),
    .max_sids = APPLE_DART_MAX_SIDS,
    .num_params = 4,
    .params2 = R_DART_PARAMS2_REG_LOCK_MASK,
    .va_width_min = 32,
    .va_width_max = 47,
    .pa_width_min = 32,
    .pa_width_max = 42,
    .enable_words = APPLE_DART_MAX_SIDS / 32,

    .tcr0 = A_T8110_TCR0,
    .tcr_translate = R_T8110_TCR_TRANSLATE_MASK,
    .tcr_bypass = R_T8110_TCR_BYPASS_DART_MASK,
    .tcr_four_level = R_T8110_TCR_FOUR_LEVEL_MASK,
    .tcr_remap_en = R_T8110_TCR_REMAP_EN_MASK,
    .tcr_known = T8110_TCR_KNOWN,

    /* One TTBR per stream, holding PA >> 14 (hw §3, §4.3). */
    .ttbr0 = A_T8110_TTBR0,
    .ttbr0_many_sids = A_T8110_TTBR0,
    .ttbr_stride = 4,
    .num_ttbrs = 1,
    .ttbr_valid = R_T8110_TTBR_VALID_MASK,
    .ttbr_addr_shift = R_T8110_TTBR_ADDR_SHIFT,
    .ttbr_addr_len = R_T8110_TTBR_ADDR_LENGTH,
    .ttbr_pa_shift = 14,
    .ttbr_known = T8110_TTBR_KNOWN,

    .fault_codes = t8110_fault_codes,
    .err_sid_shift = R_T8110_ERROR_SID_SHIFT,
    .err_sid_len = R_T8110_ERROR_SID_LENGTH,
    .err_write = R_T8110_ERROR_WRITE_MASK,
    .err_secondary = R_T8110_ERROR_SECONDARY_MASK,
    .err_streams0 = A_T8110_ERROR_STREAMS0,

    .lock_reg = offsetof(AppleDARTState, protect),
    .lock_bit = R_T8110_PROTECT_TCR_TTBR_MASK,

    .read = t8110_read,
    .write = t8110_write,
    .run_cmd = t8110_run_cmd,
};

static const AppleDARTLayoutDesc *const apple_dart_layouts[] = {
    &t8020_layout,              /* the default */
    &t8110_layout,
};

static const AppleDARTLayoutDesc *find_layout(const char *name)
{
    unsigned i;

    if (!name) {
        return apple_dart_layouts[0];
    }
    for (i = 0; i < ARRAY_SIZE(apple_dart_layouts); i++) {
        if (!strcmp(name, apple_dart_layouts[i]->name)) {
            return apple_dart_layouts[i];
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Device                                                                  */

static void apple_dart_reset(DeviceState *dev)
{
    AppleDARTState *s = APPLE_DART(dev);
    const AppleDARTLayoutDesc *l = s->layout;
    unsigned sid;

    s->busy = false;
    s->busy_cmd = 0;
    s->busy_hold = false;
    memset(s->tcr, 0, sizeof(s->tcr));
    memset(s->ttbr, 0, sizeof(s->ttbr));
    memset(s->error_streams, 0, sizeof(s->error_streams));
    memset(s->stream_select, 0, sizeof(s->stream_select));
    memset(s->remap, 0, sizeof(s->remap));
    memset(s->enabled, 0, sizeof(s->enabled));
    memset(s->scratch, 0, sizeof(s->scratch));
    s->error = 0;
    s->error_addr = 0;
    s->error_mask = 0;
    s->held = false;
    s->config = 0;
    s->dapf_lock = 0;
    s->unk1 = 0;
    s->protect = 0;
    s->protect_locked = false;
    s->expected_violations = 0;
    apple_dart_reset_counters(s);
    for (sid = 0; sid < s->num_sids; sid++) {
        apple_dart_tlb_flush(&s->streams[sid]);
        s->streams[sid].faulted = false;
    }

    /*
     * Boot-loader state: one stream already translating through a table in
     * guest RAM, optionally with the DART locked, as iBoot leaves the
     * display DARTs (hw §6).  The board fills the table.
     */
    if (s->preset_sid < s->num_sids && s->preset_table) {
        sid = s->preset_sid;
        s->enabled[sid / 32] |= BIT(sid % 32);
        s->ttbr[sid][0] = deposit32(l->ttbr_valid, l->ttbr_addr_shift,
                                    l->ttbr_addr_len,
                                    s->preset_table >> l->ttbr_pa_shift);
        s->tcr[sid] = l->tcr_translate |
                      (s->preset_four_level ? l->tcr_four_level : 0);
    }
    if (s->preset_locked) {
        *lock_reg(s) |= l->lock_bit;
    }
    apple_dart_update_irq(s);
}

static void apple_dart_realize(DeviceState *dev, Error **errp)
{
    AppleDARTState *s = APPLE_DART(dev);
    const AppleDARTLayoutDesc *l = find_layout(s->layout_name);
    unsigned sid;

    if (!l) {
        error_setg(errp, "apple-dart: layout must be t8020 or t8110");
        return;
    }
    s->layout = l;
    if (!s->pte_name || !*s->pte_name) {
        s->pte = l->default_pte;
    } else if (!strcmp(s->pte_name, "dart1")) {
        s->pte = APPLE_DART_PTE_DART1;
    } else if (!strcmp(s->pte_name, "dart2")) {
        s->pte = APPLE_DART_PTE_DART2;
    } else {
        error_setg(errp, "apple-dart: pte-format must be dart1 or dart2");
        return;
    }
    if (s->page_shift != 12 && s->page_shift != 14) {
        error_setg(errp, "apple-dart: page-shift must be 12 or 14");
        return;
    }
    /*
     * DART2 entries hold PA >> 14 and the T8110 TTBR does too (hw §4.1,
     * §4.3): both only work with 16K pages.
     */
    if ((s->pte == APPLE_DART_PTE_DART2 && s->page_shift != 14) ||
        s->page_shift < l->ttbr_pa_shift) {
        error_setg(errp, "apple-dart: DART2 entries and the T8110 layout "
                   "need page-shift 14");
        return;
    }
    if (!(l->pte_formats & BIT(s->pte))) {
        error_setg(errp, "apple-dart: the T8110 layout uses DART2 entries");
        return;
    }
    if (!s->num_sids || s->num_sids > l->max_sids) {
        error_setg(errp, "apple-dart: num-sids out of range");
        return;
    }
    if (s->va_width < l->va_width_min || s->va_width > l->va_width_max ||
        s->pa_width < l->pa_width_min || s->pa_width > l->pa_width_max) {
        error_setg(errp, "apple-dart: va-width/pa-width out of range");
        return;
    }
    if (!s->tlb_size) {
        s->tlb_size = 1;
    }
    /* Unset, a T8110 per-stream command lasts as long as any other. */
    if (s->busy_stream_ns == UINT32_MAX) {
        s->busy_stream_ns = s->busy_ns;
    }
    s->ttbr_base = s->num_sids > 16 ? l->ttbr0_many_sids : l->ttbr0;

    memory_region_init_io(&s->mmio, OBJECT(s), &apple_dart_ops, s,
                          TYPE_APPLE_DART, APPLE_DART_MMIO_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->mmio);
    sysbus_init_irq(SYS_BUS_DEVICE(s), &s->irq);

    s->streams = g_new0(AppleDARTStream, s->num_sids);
    for (sid = 0; sid < s->num_sids; sid++) {
        AppleDARTStream *st = &s->streams[sid];

        st->dart = s;
        st->sid = sid;
        st->name = g_strdup_printf("%s-sid%u", apple_dart_name(s), sid);
        apple_dart_tlb_init(st);
        memory_region_init_iommu(&st->iommu, sizeof(st->iommu),
                                 TYPE_APPLE_DART_IOMMU_MEMORY_REGION,
                                 OBJECT(s), st->name, UINT64_MAX);
    }
}

static Property apple_dart_properties[] = {
    DEFINE_PROP_STRING("layout", AppleDARTState, layout_name),
    DEFINE_PROP_STRING("pte-format", AppleDARTState, pte_name),
    DEFINE_PROP_STRING("name", AppleDARTState, dart_name),
    /*
     * Which SoC's compatible the machine writes for a T8110 instance
     * (virt-apple-dart.c): the registers are the same either way.
     */
    DEFINE_PROP_STRING("dt-soc", AppleDARTState, dt_soc),
    DEFINE_PROP_UINT32("num-sids", AppleDARTState, num_sids, 16),
    DEFINE_PROP_UINT8("page-shift", AppleDARTState, page_shift, 14),
    DEFINE_PROP_BOOL("bypass", AppleDARTState, bypass_supported, true),
    DEFINE_PROP_UINT8("va-width", AppleDARTState, va_width, 36),
    DEFINE_PROP_UINT8("pa-width", AppleDARTState, pa_width, 42),
    DEFINE_PROP_BOOL("four-level", AppleDARTState, four_level_supported,
                     true),
    /* Latencies: assumptions, see emulator.rst ("Latencies"). */
    DEFINE_PROP_UINT32("busy-ns", AppleDARTState, busy_ns, 1000),
    DEFINE_PROP_UINT32("busy-stream-ns", AppleDARTState, busy_stream_ns,
                       UINT32_MAX),
    DEFINE_PROP_UINT32("reg-read-ns", AppleDARTState, reg_read_ns, 150),
    DEFINE_PROP_UINT32("reg-write-ns", AppleDARTState, reg_write_ns, 30),
    DEFINE_PROP_UINT32("tlb-miss-ns", AppleDARTState, tlb_miss_ns, 400),
    DEFINE_PROP_BOOL("strict-tlb", AppleDARTState, strict_tlb, true),
    DEFINE_PROP_BOOL("upper-iova-fault", AppleDARTState, upper_iova_fault,
                     false),
    DEFINE_PROP_UINT32("tlb-size", AppleDARTState, tlb_size, 4096),
    DEFINE_PROP_BOOL("walk-cache", AppleDARTState, walk_cache, false),
    DEFINE_PROP_BOOL("walk-cache-misses", AppleDARTState, walk_cache_misses,
                     false),
    DEFINE_PROP_BOOL("locked", AppleDARTState, preset_locked, false),
    DEFINE_PROP_UINT32("preset-sid", AppleDARTState, preset_sid, UINT32_MAX),
    DEFINE_PROP_UINT64("preset-table", AppleDARTState, preset_table, 0),
    DEFINE_PROP_BOOL("preset-four-level", AppleDARTState, preset_four_level,
                     false),
    DEFINE_PROP_END_OF_LIST(),
};

/*
 * TLB contents, a command's BUSY window and the per-stream address spaces
 * are not described for migration: refuse it rather than lose state silently.
 */
static const VMStateDescription vmstate_apple_dart = {
    .name = TYPE_APPLE_DART,
    .unmigratable = 1,
};

static void apple_dart_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = apple_dart_realize;
    dc->reset = apple_dart_reset;
    dc->desc = "Apple DART IOMMU";
    dc->vmsd = &vmstate_apple_dart;
    device_class_set_props(dc, apple_dart_properties);
    /* Streams are handed to masters by the board, not the command line. */
    dc->user_creatable = false;
}

static void apple_dart_iommu_mr_class_init(ObjectClass *klass, void *data)
{
    IOMMUMemoryRegionClass *imrc = IOMMU_MEMORY_REGION_CLASS(klass);

    imrc->translate = apple_dart_translate;
    imrc->notify_flag_changed = apple_dart_notify_flag_changed;
}

static const TypeInfo apple_dart_types[] = {
    {
        .name = TYPE_APPLE_DART,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(AppleDARTState),
        .class_init = apple_dart_class_init,
    },
    {
        .name = TYPE_APPLE_DART_IOMMU_MEMORY_REGION,
        .parent = TYPE_IOMMU_MEMORY_REGION,
        .class_init = apple_dart_iommu_mr_class_init,
    },
};

DEFINE_TYPES(apple_dart_types)
