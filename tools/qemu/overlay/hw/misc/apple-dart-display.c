/*
 * The display block of "-machine virt,apple-dart=display" (test-only)
 *
 * What Linux finds on an Apple Silicon laptop after iBoot and m1n1 (hw §6):
 * the display coprocessor (DCP) and the display pipe running, behind two
 * DARTs that the boot loader programmed and locked.  This device is that
 * boot loader and those masters:
 *
 * - at every machine reset it builds the firmware's page tables in guest
 *   RAM (L1 and leaf tables in reserved, no-map memory), fills the boot
 *   framebuffer with a splash and the coprocessor's firmware regions with
 *   a known word per page, points the live streams' TTBRs at the tables
 *   and locks both DARTs, as iBoot and m1n1 do;
 * - a scanout engine behind dart-disp0 reads the whole framebuffer once
 *   per vsync and keeps per-frame results (count, faults, CRC-32s);
 * - a coprocessor heartbeat behind dart-dcp reads every page of the
 *   firmware regions each tick, as running firmware would;
 * - the firmware L1 pages are an I/O region over RAM, so every store a
 *   driver makes into them is seen: after each one every boot mapping
 *   must still resolve to its PA, until a test declares the handoff over.
 *
 * Anything that would blank the display or crash the coprocessor is a
 * "DART-VIOLATION" on the guest-error log, like the DART's own reports.
 * The register map is tools/testing/include/apple-dart-display-regs.h;
 * Documentation/dart/emulator.rst describes the machine.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/boards.h"
#include "migration/vmstate.h"
#include "exec/address-spaces.h"
#include "sysemu/dma.h"
#include "sysemu/reset.h"
#include "sysemu/runstate.h"
#include "hw/misc/apple-dart-display.h"
#include "trace.h"
#include <zlib.h>

/* The display DARTs of M1: 16K pages, DART1 entries (hw §0, §4). */
#define ADD_PAGE                (16 * KiB)
#define ADD_BPL                 11              /* index bits per level */
#define ADD_L1_SHIFT            (14 + ADD_BPL)  /* an L1 entry: 32 MiB */
#define ADD_TTBR_SHIFT          (14 + 2 * ADD_BPL)  /* a TTBR: 64 GiB */
#define ADD_PTE_VALID           1ULL
#define ADD_PTE_SP_DIS          2ULL
#define ADD_PTE_ADDR            MAKE_64BIT_MASK(12, 24)
#define ADD_PTE_SP_END_ALL      (0xfffULL << 40)

#define ADD_L2_POOL_PAGES       24

static const char *const add_master_name[ADD_NUM_MASTERS] = {
    [ADD_MASTER_DCP] = "dart-dcp",
    [ADD_MASTER_DISP] = "dart-disp0",
};

/* The stream and TTBR each L1 belongs to. */
static const struct {
    int master;
    unsigned sid;
    unsigned ttbr;
} add_l1_owner[ADD_NUM_L1] = {
    [ADD_L1_DCP0] = { ADD_MASTER_DCP, ADD_SID_DCP, 0 },
    [ADD_L1_DCP1] = { ADD_MASTER_DCP, ADD_SID_DCP, 1 },
    [ADD_L1_DISP] = { ADD_MASTER_DISP, ADD_SID_DISP, 0 },
    [ADD_L1_PIODMA] = { ADD_MASTER_DISP, ADD_SID_PIODMA, 0 },
};

/*
 * The coprocessor's firmware regions, only in dart-dcp: a heap from IOVA 0
 * and code and data high up, as DCP has (prior-art: m1n1 and DCP), one at
 * IOVA = PA (the direct case) and one behind the stream's second TTBR.  A
 * test asks for fewer or more with "fw-regions".
 */
static const struct {
    const char *name;
    uint64_t iova;              /* ADD_NO_IOVA: IOVA = PA */
    uint64_t size;
} add_fw_regions[] = {
    { "dcp-heap", ADD_HEAP_IOVA, 2 * MiB },
    { "dcp-code", ADD_CODE_IOVA, 1 * MiB },
    { "dcp-data", ADD_DATA_IOVA, 512 * KiB },
    { "dcp-direct", ADD_NO_IOVA, 256 * KiB },
    { "dcp-extra0", ADD_EXTRA_IOVA + 0 * 4 * MiB, 256 * KiB },
    { "dcp-extra1", ADD_EXTRA_IOVA + 1 * 4 * MiB, 256 * KiB },
    { "dcp-extra2", ADD_EXTRA_IOVA + 2 * 4 * MiB, 256 * KiB },
    { "dcp-extra3", ADD_EXTRA_IOVA + 3 * 4 * MiB, 256 * KiB },
};

static void G_GNUC_PRINTF(2, 3) add_violation(AppleDARTDisplayState *s,
                                              const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    s->violations++;
    if (s->expect_viol) {
        s->expect_viol--;
        qemu_log_mask(LOG_GUEST_ERROR, "disp0: expected model violation: "
                      "%s\n", msg);
    } else {
        qemu_log_mask(LOG_GUEST_ERROR, "disp0: DART-VIOLATION %s\n", msg);
    }
}

/* ---------------------------------------------------------------------- */
/* The boot loader                                                         */

static uint64_t add_read_pte(AppleDARTDisplayState *s, uint64_t pa)
{
    uint64_t v = 0;

    if (pa >= s->l1_area && pa < s->l1_area + ADD_NUM_L1 * ADD_PAGE) {
        return ldq_le_p(s->l1_buf + (pa - s->l1_area));
    }
    address_space_read(&address_space_memory, pa, MEMTXATTRS_UNSPECIFIED,
                       &v, sizeof(v));
    return le64_to_cpu(v);
}

/* The boot loader writes its tables directly, not through the checks. */
static void add_write_pte(AppleDARTDisplayState *s, uint64_t pa, uint64_t v)
{
    if (pa >= s->l1_area && pa < s->l1_area + ADD_NUM_L1 * ADD_PAGE) {
        stq_le_p(s->l1_buf + (pa - s->l1_area), v);
        return;
    }
    v = cpu_to_le64(v);
    address_space_write(&address_space_memory, pa, MEMTXATTRS_UNSPECIFIED,
                        &v, sizeof(v));
}

static int add_l1_of(int master, uint64_t iova)
{
    unsigned ttbr = (iova >> ADD_TTBR_SHIFT) & 3;

    if (master == ADD_MASTER_DCP) {
        return ttbr ? ADD_L1_DCP1 : ADD_L1_DCP0;
    }
    return ADD_L1_DISP;
}

/* Map one 16K page, with a leaf table from the pool where needed. */
static void add_map_page(AppleDARTDisplayState *s, int master, uint64_t iova,
                         uint64_t pa)
{
    uint64_t l1e = s->l1_pa[add_l1_of(master, iova)] +
                   ((iova >> ADD_L1_SHIFT) & MAKE_64BIT_MASK(0, ADD_BPL)) * 8;
    uint64_t pte = add_read_pte(s, l1e), l2;

    if (!(pte & ADD_PTE_VALID)) {
        /* The preset tables are sized for the largest layout. */
        assert(s->l2_used < s->l2_pool_pages);
        l2 = s->l2_pool + s->l2_used++ * ADD_PAGE;
        /* Table entries as m1n1 writes them: SP_DIS too (hw §4.1). */
        pte = l2 | ADD_PTE_SP_DIS | ADD_PTE_VALID;
        add_write_pte(s, l1e, pte);
    }
    l2 = (pte & ADD_PTE_ADDR) +
         ((iova >> 14) & MAKE_64BIT_MASK(0, ADD_BPL)) * 8;
    add_write_pte(s, l2, (pa & ADD_PTE_ADDR) | ADD_PTE_SP_END_ALL |
                  ADD_PTE_SP_DIS | ADD_PTE_VALID);
}

/* The splash, line by line; returns its CRC-32 (zlib's, as Python's). */
static uint32_t add_draw_splash(AppleDARTDisplayState *s, uint64_t pa)
{
    g_autofree uint32_t *line = g_new(uint32_t, s->width);
    uint32_t crc = crc32(0, NULL, 0);
    uint32_t x, y;

    for (y = 0; y < s->height; y++) {
        for (x = 0; x < s->width; x++) {
            line[x] = cpu_to_le32(add_splash_pixel(x, y));
        }
        address_space_write(&address_space_memory,
                            pa + (uint64_t)y * s->width * 4,
                            MEMTXATTRS_UNSPECIFIED, line, s->width * 4);
        crc = crc32(crc, (const uint8_t *)line, s->width * 4);
    }
    return crc;
}

static void add_scan_reset(AppleDARTDisplayState *s);

/*
 * Machine reset: what iBoot and m1n1 do before Linux runs (hw §6).  Runs
 * after the DARTs' own reset (see add_init_done).
 */
static void add_boot(void *opaque)
{
    AppleDARTDisplayState *s = opaque;
    g_autofree uint8_t *zero = g_malloc0(ADD_PAGE);
    unsigned i, m;
    uint64_t off;

    /* Empty tables. */
    memset(s->l1_buf, 0, ADD_NUM_L1 * ADD_PAGE);
    if (s->l1_pa[ADD_L1_DCP0] < s->l1_area ||
        s->l1_pa[ADD_L1_DCP0] >= s->l1_area + ADD_NUM_L1 * ADD_PAGE) {
        address_space_write(&address_space_memory, s->l1_pa[ADD_L1_DCP0],
                            MEMTXATTRS_UNSPECIFIED, zero, ADD_PAGE);
    }
    for (i = 0; i < s->l2_pool_pages; i++) {
        address_space_write(&address_space_memory, s->l2_pool + i * ADD_PAGE,
                            MEMTXATTRS_UNSPECIFIED, zero, ADD_PAGE);
    }
    s->l2_used = 0;

    /* Contents: the splash, and the word per page the heartbeat checks. */
    for (i = 0; i < s->num_regions; i++) {
        AppleDARTDisplayRegion *r = &s->regions[i];

        if (i == s->fb_region) {
            s->splash_crc = add_draw_splash(s, r->pa);
        }
        if (!r->firmware) {
            continue;
        }
        for (off = 0; off < r->size; off += ADD_PAGE) {
            uint32_t w = cpu_to_le32((uint32_t)(r->pa + off) ^ ADD_FW_MAGIC);

            address_space_write(&address_space_memory, r->pa + off,
                                MEMTXATTRS_UNSPECIFIED, zero, ADD_PAGE);
            address_space_write(&address_space_memory, r->pa + off,
                                MEMTXATTRS_UNSPECIFIED, &w, sizeof(w));
        }
    }

    /* The mappings, in each master's stream. */
    for (i = 0; i < s->num_regions; i++) {
        AppleDARTDisplayRegion *r = &s->regions[i];

        for (m = 0; m < ADD_NUM_MASTERS; m++) {
            if (r->iova[m] == ADD_NO_IOVA) {
                continue;
            }
            for (off = 0; off < r->size; off += ADD_PAGE) {
                add_map_page(s, m, r->iova[m] + off, r->pa + off);
            }
        }
    }

    /* The live streams, then the lock: TTBR/TCR frozen until reset. */
    for (i = 0; i < ADD_NUM_L1; i++) {
        bool valid = !(i == ADD_L1_DCP0 &&
                       (s->preset & ADD_PRESET_INVALID_TTBR));
        unsigned ttbr = add_l1_owner[i].ttbr;

        if (i == ADD_L1_PIODMA && (s->preset & ADD_PRESET_PIODMA_OFF)) {
            continue;
        }
        /* TTBRs 0 and 2: not a run a walk can use from TTBR0 (hw §4.2). */
        if (i == ADD_L1_DCP1 && (s->preset & ADD_PRESET_TTBR_GAP)) {
            ttbr = 2;
        }
        apple_dart_boot_stream(s->dart[add_l1_owner[i].master],
                               add_l1_owner[i].sid, ttbr, s->l1_pa[i], valid);
    }
    if (s->locked) {
        for (m = 0; m < ADD_NUM_MASTERS; m++) {
            apple_dart_boot_lock(s->dart[m]);
        }
    }

    add_scan_reset(s);
}

/* Register the boot step after the sysbus reset that resets the DARTs. */
static void add_init_done(Notifier *n, void *data)
{
    AppleDARTDisplayState *s = container_of(n, AppleDARTDisplayState,
                                            init_done);

    qemu_register_reset(add_boot, s);
}

/* ---------------------------------------------------------------------- */
/* Stores into the firmware L1s                                            */

/*
 * After a store into L1 @l1 covering [@pa, @pa + @len), every boot
 * mapping whose L1 entry lies there must still lead to its PA, or the
 * display (or the coprocessor) would fetch from the wrong place or fault
 * right now: a driver must never clear an entry before rewriting it.
 */
static void add_check_l1(AppleDARTDisplayState *s, int l1, uint64_t pa,
                         unsigned len)
{
    int master = add_l1_owner[l1].master;
    AppleDARTState *d = s->dart[master];
    unsigned i;
    uint64_t off, iova, got;
    bool broken = false;

    for (i = 0; i < s->num_regions; i++) {
        AppleDARTDisplayRegion *r = &s->regions[i];

        if (r->iova[master] == ADD_NO_IOVA || l1 == ADD_L1_PIODMA) {
            continue;
        }
        for (off = 0; off < r->size; off += ADD_PAGE) {
            uint64_t e;

            iova = r->iova[master] + off;
            if (add_l1_of(master, iova) != l1) {
                continue;
            }
            e = s->l1_pa[l1] +
                ((iova >> ADD_L1_SHIFT) & MAKE_64BIT_MASK(0, ADD_BPL)) * 8;
            if (e + 8 <= pa || e >= pa + len) {
                continue;
            }
            if (!apple_dart_resolve(d, add_l1_owner[l1].sid, iova, &got)) {
                add_violation(s, "store to the firmware L1 of %s stream %u "
                              "at 0x%" PRIx64 " leaves boot mapping %s "
                              "IOVA 0x%" PRIx64 " unmapped (clear before "
                              "rewrite?)", add_master_name[master],
                              add_l1_owner[l1].sid, pa, r->name, iova);
                broken = true;
                break;
            }
            if (got != r->pa + off) {
                add_violation(s, "store to the firmware L1 of %s stream %u "
                              "at 0x%" PRIx64 " moves boot mapping %s IOVA "
                              "0x%" PRIx64 " from PA 0x%" PRIx64 " to 0x%"
                              PRIx64, add_master_name[master],
                              add_l1_owner[l1].sid, pa, r->name, iova,
                              r->pa + off, got);
                broken = true;
                break;
            }
        }
    }
    if (broken) {
        s->l1_broken++;
    }
}

static uint64_t add_l1_read(void *opaque, hwaddr addr, unsigned size)
{
    AppleDARTDisplayState *s = opaque;

    return ldn_le_p(s->l1_buf + addr, size);
}

static void add_l1_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    AppleDARTDisplayState *s = opaque;

    stn_le_p(s->l1_buf + addr, size, val);
    s->l1_stores++;
    trace_apple_dart_display_l1_store(s->l1_area + addr, val, size);
    if (!s->handoff_done) {
        add_check_l1(s, addr / ADD_PAGE, s->l1_area + addr, size);
    }
}

/* Plain memory to the CPUs, in any access size a memcpy uses. */
static const MemoryRegionOps add_l1_ops = {
    .read = add_l1_read,
    .write = add_l1_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
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
/* Scanout                                                                 */

static void add_scan_reset(AppleDARTDisplayState *s)
{
    AppleDARTDisplayRegion *fb = &s->regions[s->fb_region];

    s->ctrl = ADD_CTRL_SCANOUT;
    /* A coprocessor whose tables are broken is not started. */
    if (!(s->preset & ADD_PRESETS_DCP)) {
        s->ctrl |= ADD_CTRL_HEARTBEAT;
    }
    s->fb_base = fb->iova[ADD_MASTER_DISP];
    s->fb_stride = s->width * 4;
    s->fb_size = s->fb_stride * s->height;
    s->fb_next = s->fb_base;
    s->flip_pending = false;
    s->frames = s->frame_faults = 0;
    s->last_crc = 0;
    s->last_faulted = false;
    s->mark_frames = s->mark_crc = s->hist_count = s->hist_sel = 0;
    memset(s->hist_crc, 0, sizeof(s->hist_crc));
    memset(s->hist_n, 0, sizeof(s->hist_n));
    s->expect_faults = s->violations = s->expect_viol = 0;
    s->handoff_done = false;
    s->l1_stores = s->l1_broken = 0;
    s->hb_ticks = s->hb_faults = s->hb_bad = 0;
    s->hb_crashed = false;
    timer_mod(&s->vsync_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              s->vsync_ns);
    timer_mod(&s->hb_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              s->hb_ns);
}

static void add_frame_done(AppleDARTDisplayState *s, uint32_t crc)
{
    uint32_t le = cpu_to_le32(crc);
    unsigned i;

    s->last_crc = crc;
    s->mark_frames++;
    s->mark_crc = crc32(s->mark_crc, (const uint8_t *)&le, sizeof(le));
    for (i = 0; i < MIN(s->hist_count, ADD_HIST_MAX); i++) {
        if (s->hist_crc[i] == crc) {
            s->hist_n[i]++;
            return;
        }
    }
    if (s->hist_count < ADD_HIST_MAX) {
        s->hist_crc[s->hist_count] = crc;
        s->hist_n[s->hist_count] = 1;
    }
    s->hist_count++;
}

/* One frame: the whole framebuffer through dart-disp0, a page at a time. */
static void add_scan_frame(AppleDARTDisplayState *s)
{
    AppleDARTState *d = s->dart[ADD_MASTER_DISP];
    uint32_t crc = crc32(0, NULL, 0);
    uint64_t off, iova = 0;
    uint32_t n;
    bool ok = true;

    for (off = 0; off < s->fb_size; off += n) {
        n = MIN(ADD_PAGE - ((s->fb_base + off) & (ADD_PAGE - 1)),
                s->fb_size - off);
        if (dma_memory_read(&s->as[ADD_MASTER_DISP], s->fb_base + off,
                            s->frame_chunk, n, MEMTXATTRS_UNSPECIFIED) !=
            MEMTX_OK) {
            /* The pipe gives up on the frame at the first refused fetch. */
            if (!apple_dart_stream_last_fault(d, ADD_SID_DISP, &iova)) {
                iova = s->fb_base + off;
            }
            ok = false;
            break;
        }
        crc = crc32(crc, s->frame_chunk, n);
    }
    s->frames++;
    trace_apple_dart_display_frame(s->frames, s->fb_base, crc, ok);
    if (ok) {
        add_frame_done(s, crc);
        s->last_faulted = false;
        if (s->frames == 1 || !(s->frames % 256)) {
            qemu_log_mask(LOG_GUEST_ERROR, "disp0: scanout: %u frames, %u "
                          "faulted, last CRC 0x%08x (splash 0x%08x)\n",
                          s->frames, s->frame_faults, s->last_crc,
                          s->splash_crc);
        }
        return;
    }
    s->frame_faults++;
    if (s->expect_faults) {
        s->expect_faults--;
        qemu_log_mask(LOG_GUEST_ERROR, "disp0: scanout: frame %u faulted "
                      "at IOVA 0x%" PRIx64 " (expected)\n", s->frames, iova);
    } else if (!s->last_faulted) {
        /* One report per run of faulted frames; all are counted. */
        add_violation(s, "scanout: frame %u faulted at IOVA 0x%" PRIx64
                      ": the display would go blank", s->frames, iova);
    }
    s->last_faulted = true;
}

static void add_vsync(void *opaque)
{
    AppleDARTDisplayState *s = opaque;

    /* A flip takes effect at the vsync after it was requested. */
    if (s->flip_pending) {
        s->fb_base = s->fb_next;
        s->flip_pending = false;
    }
    if (s->ctrl & ADD_CTRL_SCANOUT) {
        add_scan_frame(s);
    }
    timer_mod(&s->vsync_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              s->vsync_ns);
}

/* ---------------------------------------------------------------------- */
/* Coprocessor heartbeat                                                   */

/*
 * Running firmware touches its code, data and heap all the time: read the
 * first word of every page of every firmware region through dart-dcp and
 * check it is the word the boot loader put at that PA.
 */
static void add_heartbeat(void *opaque)
{
    AppleDARTDisplayState *s = opaque;
    unsigned i;
    uint64_t off;

    timer_mod(&s->hb_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              s->hb_ns);
    if (!(s->ctrl & ADD_CTRL_HEARTBEAT) || s->hb_crashed) {
        return;
    }
    s->hb_ticks++;
    for (i = 0; i < s->num_regions; i++) {
        AppleDARTDisplayRegion *r = &s->regions[i];

        if (!r->firmware) {
            continue;
        }
        for (off = 0; off < r->size; off += ADD_PAGE) {
            uint64_t iova = r->iova[ADD_MASTER_DCP] + off;
            uint32_t w = 0, want = (uint32_t)(r->pa + off) ^ ADD_FW_MAGIC;

            if (dma_memory_read(&s->as[ADD_MASTER_DCP], iova, &w, sizeof(w),
                                MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
                s->hb_faults++;
                s->hb_crashed = true;
                add_violation(s, "coprocessor heartbeat %u: read of %s at "
                              "IOVA 0x%" PRIx64 " refused: the firmware "
                              "would crash", s->hb_ticks, r->name, iova);
                trace_apple_dart_display_heartbeat(s->hb_ticks, false);
                return;
            }
            if (le32_to_cpu(w) != want) {
                s->hb_bad++;
                s->hb_crashed = true;
                add_violation(s, "coprocessor heartbeat %u: %s at IOVA 0x%"
                              PRIx64 " reads 0x%08x, not 0x%08x: mapped to "
                              "the wrong page", s->hb_ticks, r->name, iova,
                              le32_to_cpu(w), want);
                trace_apple_dart_display_heartbeat(s->hb_ticks, false);
                return;
            }
        }
    }
    trace_apple_dart_display_heartbeat(s->hb_ticks, true);
}

/*
 * At shutdown, for boots whose guest cannot read the registers: the
 * display must have kept scanning the splash for "shutdown-min-frames"
 * frames.  Faulted frames were reported as they happened.
 */
static void add_shutdown(Notifier *n, void *data)
{
    AppleDARTDisplayState *s = container_of(n, AppleDARTDisplayState,
                                            shutdown);

    qemu_log_mask(LOG_GUEST_ERROR, "disp0: at shutdown: %u frames, %u "
                  "faulted, last CRC 0x%08x (splash 0x%08x), heartbeat %u "
                  "ticks, %u faulted, %u bad\n", s->frames, s->frame_faults,
                  s->last_crc, s->splash_crc, s->hb_ticks, s->hb_faults,
                  s->hb_bad);
    if (!s->min_frames) {
        return;
    }
    if (s->frames < s->min_frames) {
        add_violation(s, "scanout: only %u frames until shutdown, expected "
                      "at least %u", s->frames, s->min_frames);
    }
    if (s->last_crc != s->splash_crc) {
        add_violation(s, "scanout: the last frame (CRC 0x%08x) is not the "
                      "boot splash (0x%08x)", s->last_crc, s->splash_crc);
    }
}

/* ---------------------------------------------------------------------- */
/* Registers                                                               */

static uint64_t add_read(void *opaque, hwaddr addr, unsigned size)
{
    AppleDARTDisplayState *s = opaque;
    unsigned sel = MIN(s->hist_sel, ADD_HIST_MAX - 1);

    switch (addr) {
    case ADD_ID:
        return ADD_ID_VALUE;
    case ADD_CTRL:
        return s->ctrl;
    case ADD_FB_BASE_LO:
        return (uint32_t)s->fb_base;
    case ADD_FB_BASE_HI:
        return s->fb_base >> 32;
    case ADD_FB_STRIDE:
        return s->fb_stride;
    case ADD_FB_SIZE:
        return s->fb_size;
    case ADD_FB_NEXT_LO:
        return (uint32_t)s->fb_next;
    case ADD_FB_NEXT_HI:
        return s->fb_next >> 32;
    case ADD_FB_FLIP:
        return s->flip_pending;
    case ADD_FRAMES:
        return s->frames;
    case ADD_FRAME_FAULTS:
        return s->frame_faults;
    case ADD_LAST_CRC:
        return s->last_crc;
    case ADD_MARK:
        return s->mark_frames;
    case ADD_MARK_CRC:
        return s->mark_crc;
    case ADD_HIST_COUNT:
        return s->hist_count;
    case ADD_HIST_SEL:
        return s->hist_sel;
    case ADD_HIST_CRC:
        return s->hist_crc[sel];
    case ADD_HIST_N:
        return s->hist_n[sel];
    case ADD_SPLASH_CRC:
        return s->splash_crc;
    case ADD_VSYNC_NS:
        return MIN(s->vsync_ns, UINT32_MAX);
    case ADD_EXPECT_FAULTS:
        return s->expect_faults;
    case ADD_VIOLATIONS:
        return s->violations;
    case ADD_EXPECT_VIOL:
        return s->expect_viol;
    case ADD_HANDOFF:
        return s->handoff_done;
    case ADD_L1_STORES:
        return s->l1_stores;
    case ADD_L1_BROKEN:
        return s->l1_broken;
    case ADD_HB_TICKS:
        return s->hb_ticks;
    case ADD_HB_FAULTS:
        return s->hb_faults;
    case ADD_HB_BAD:
        return s->hb_bad;
    case ADD_HB_PERIOD_NS:
        return MIN(s->hb_ns, UINT32_MAX);
    case ADD_WIDTH:
        return s->width;
    case ADD_HEIGHT:
        return s->height;
    case ADD_NUM_REGIONS:
        return s->fw_regions;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "disp0: read of unknown register 0x%"
                  HWADDR_PRIx "\n", addr);
    return 0;
}

static void add_write(void *opaque, hwaddr addr, uint64_t val64,
                      unsigned size)
{
    AppleDARTDisplayState *s = opaque;
    uint32_t val = val64;

    switch (addr) {
    case ADD_CTRL:
        s->ctrl = val & (ADD_CTRL_SCANOUT | ADD_CTRL_HEARTBEAT);
        return;
    case ADD_FB_BASE_LO:
        s->fb_base = deposit64(s->fb_base, 0, 32, val);
        return;
    case ADD_FB_BASE_HI:
        s->fb_base = deposit64(s->fb_base, 32, 32, val);
        return;
    case ADD_FB_STRIDE:
        s->fb_stride = val;
        return;
    case ADD_FB_SIZE:
        s->fb_size = val;
        return;
    case ADD_FB_NEXT_LO:
        s->fb_next = deposit64(s->fb_next, 0, 32, val);
        return;
    case ADD_FB_NEXT_HI:
        s->fb_next = deposit64(s->fb_next, 32, 32, val);
        return;
    case ADD_FB_FLIP:
        if (val & 1) {
            s->flip_pending = true;
            trace_apple_dart_display_flip(s->fb_next);
        }
        return;
    case ADD_MARK:
        s->mark_frames = s->mark_crc = s->hist_count = 0;
        memset(s->hist_crc, 0, sizeof(s->hist_crc));
        memset(s->hist_n, 0, sizeof(s->hist_n));
        return;
    case ADD_HIST_SEL:
        s->hist_sel = val;
        return;
    case ADD_EXPECT_FAULTS:
        s->expect_faults = val;
        return;
    case ADD_EXPECT_VIOL:
        s->expect_viol = val;
        return;
    case ADD_HANDOFF:
        if (val & 1) {
            s->handoff_done = true;
        }
        return;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "disp0: write 0x%x to unknown or "
                  "read-only register 0x%" HWADDR_PRIx "\n", val, addr);
}

static const MemoryRegionOps add_ops = {
    .read = add_read,
    .write = add_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

/* ---------------------------------------------------------------------- */
/* Device                                                                  */

/*
 * Lay the reserved memory out below the top of RAM: first the page
 * tables (the observed L1 pages, then the leaf-table pool), the
 * framebuffer, then the firmware regions.
 */
static void add_layout(AppleDARTDisplayState *s)
{
    uint64_t fb_size = ROUND_UP((uint64_t)s->width * 4 * s->height,
                                ADD_PAGE);
    uint64_t size = (ADD_NUM_L1 + ADD_L2_POOL_PAGES) * ADD_PAGE + fb_size;
    uint64_t pa;
    unsigned i;

    for (i = 0; i < s->fw_regions; i++) {
        size += add_fw_regions[i].size;
    }
    s->block_size = size;
    s->block_base = ROUND_DOWN(s->ram_base + s->ram_size - size, 2 * MiB);
    pa = s->block_base;

    s->l1_area = pa;
    for (i = 0; i < ADD_NUM_L1; i++) {
        s->l1_pa[i] = pa + i * ADD_PAGE;
    }
    if (s->preset & ADD_PRESET_OUTSIDE) {
        /* Ordinary RAM, which Linux will hand out. */
        s->l1_pa[ADD_L1_DCP0] = s->block_base - ADD_PAGE;
    }
    /*
     * A T8020 TTBR holds PA >> 12 (hw §4.3): 4 KiB off a granule can be
     * said.  Down, not up: the table then starts in the last 4 KiB of
     * dart-disp0's own L1, whose entries there (IOVA 48 GiB and up) are
     * empty, inside the observed L1 pages, so a store through it is
     * counted and checked; up, it would end in the leaf pool's first
     * page, a live table in plain RAM.
     */
    if (s->preset & ADD_PRESET_MISALIGNED) {
        s->l1_pa[ADD_L1_PIODMA] -= 4 * KiB;
    }
    if (s->preset & ADD_PRESET_SHARED_L1) {
        s->l1_pa[ADD_L1_PIODMA] = s->l1_pa[ADD_L1_DISP];
    }
    s->l2_pool = pa + ADD_NUM_L1 * ADD_PAGE;
    s->l2_pool_pages = ADD_L2_POOL_PAGES;
    s->regions[0] = (AppleDARTDisplayRegion) {
        .name = "dart-tables", .label = NULL, .pa = pa,
        .size = (ADD_NUM_L1 + ADD_L2_POOL_PAGES) * ADD_PAGE,
        .iova = { ADD_NO_IOVA, ADD_NO_IOVA },
    };
    pa += s->regions[0].size;

    s->fb_region = 1;
    s->regions[1] = (AppleDARTDisplayRegion) {
        .name = "framebuffer", .label = "framebuffer", .pa = pa,
        .size = fb_size, .iova = { ADD_FB_IOVA_DCP, ADD_FB_IOVA_DISP },
    };
    pa += fb_size;

    for (i = 0; i < s->fw_regions; i++) {
        uint64_t iova = add_fw_regions[i].iova;

        s->regions[2 + i] = (AppleDARTDisplayRegion) {
            .name = add_fw_regions[i].name, .label = add_fw_regions[i].name,
            .pa = pa, .size = add_fw_regions[i].size,
            .iova = { iova == ADD_NO_IOVA ? pa : iova, ADD_NO_IOVA },
            .firmware = true,
        };
        pa += add_fw_regions[i].size;
    }
    s->num_regions = 2 + s->fw_regions;
}

static const struct {
    const char *name;
    uint32_t flag;
} add_presets[] = {
    { "invalid-ttbr", ADD_PRESET_INVALID_TTBR },
    { "outside", ADD_PRESET_OUTSIDE },
    { "ttbr-gap", ADD_PRESET_TTBR_GAP },
    { "misaligned", ADD_PRESET_MISALIGNED },
    { "shared-l1", ADD_PRESET_SHARED_L1 },
    { "piodma-off", ADD_PRESET_PIODMA_OFF },
};

/* "good", or names from add_presets joined by '+', at most one per L1. */
static bool add_parse_preset(AppleDARTDisplayState *s, Error **errp)
{
    g_auto(GStrv) names = NULL;
    unsigned i, j;

    s->preset = 0;
    if (!s->preset_name || !strcmp(s->preset_name, "good")) {
        return true;
    }
    names = g_strsplit(s->preset_name, "+", -1);
    if (!names[0]) {
        error_setg(errp, "apple-dart-display: empty preset (good, or "
                   "flags joined by '+')");
        return false;
    }
    for (i = 0; names[i]; i++) {
        for (j = 0; j < ARRAY_SIZE(add_presets); j++) {
            if (!strcmp(names[i], add_presets[j].name)) {
                break;
            }
        }
        if (j == ARRAY_SIZE(add_presets) || (s->preset & add_presets[j].flag)) {
            error_setg(errp, "apple-dart-display: unknown or repeated preset "
                       "'%s' (good, or invalid-ttbr, outside, ttbr-gap, "
                       "misaligned, shared-l1, piodma-off joined by '+', "
                       "each once)", names[i]);
            return false;
        }
        s->preset |= add_presets[j].flag;
    }
    /* Each moves or drops one L1: two on the same one contradict. */
    if (ctpop32(s->preset & (ADD_PRESET_INVALID_TTBR | ADD_PRESET_OUTSIDE))
        > 1 ||
        ctpop32(s->preset & (ADD_PRESET_MISALIGNED | ADD_PRESET_SHARED_L1 |
                             ADD_PRESET_PIODMA_OFF)) > 1) {
        error_setg(errp, "apple-dart-display: preset '%s' breaks one L1 "
                   "twice", s->preset_name);
        return false;
    }
    return true;
}

static void add_realize(DeviceState *dev, Error **errp)
{
    AppleDARTDisplayState *s = APPLE_DART_DISPLAY(dev);
    unsigned m;

    for (m = 0; m < ADD_NUM_MASTERS; m++) {
        if (!s->dart[m]) {
            error_setg(errp, "apple-dart-display: %s link not set",
                       add_master_name[m]);
            return;
        }
    }
    if (!add_parse_preset(s, errp)) {
        return;
    }
    /* One leaf table maps 32 MiB; two of them must hold the framebuffer. */
    if (!s->width || !s->height || s->width > 4096 || s->height > 4096 ||
        (uint64_t)s->width * 4 * s->height > 32 * MiB) {
        error_setg(errp, "apple-dart-display: width x height must be at "
                   "most 4096 x 2048");
        return;
    }
    if (!s->fw_regions || s->fw_regions > ARRAY_SIZE(add_fw_regions)) {
        error_setg(errp, "apple-dart-display: fw-regions must be 1 to %zu",
                   ARRAY_SIZE(add_fw_regions));
        return;
    }
    if (!s->vsync_ns || !s->hb_ns) {
        error_setg(errp, "apple-dart-display: periods must not be 0");
        return;
    }
    add_layout(s);
    if (s->block_base < s->ram_base + 256 * MiB ||
        s->block_base + s->block_size > 64 * GiB) {
        error_setg(errp, "apple-dart-display: needs at least 512M of RAM "
                   "below 64G");
        return;
    }

    for (m = 0; m < ADD_NUM_MASTERS; m++) {
        unsigned sid = m == ADD_MASTER_DCP ? ADD_SID_DCP : ADD_SID_DISP;

        address_space_init(&s->as[m], MEMORY_REGION(
                               apple_dart_stream_mr(s->dart[m], sid)),
                           m == ADD_MASTER_DCP ? "apple-dart-display-dcp"
                                               : "apple-dart-display-disp");
    }
    memory_region_init_io(&s->mmio, OBJECT(s), &add_ops, s,
                          TYPE_APPLE_DART_DISPLAY, ADD_MMIO_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->mmio);

    /* The L1 pages sit over RAM, above it, so that the model sees stores. */
    s->l1_buf = g_malloc0(ADD_NUM_L1 * ADD_PAGE);
    memory_region_init_io(&s->l1_mr, OBJECT(s), &add_l1_ops, s,
                          "apple-dart-display-l1", ADD_NUM_L1 * ADD_PAGE);
    /*
     * The check after a store walks the DART's tables, reading this same
     * region: plain memory, safe to re-enter.
     */
    s->l1_mr.disable_reentrancy_guard = true;
    memory_region_add_subregion_overlap(get_system_memory(), s->l1_area,
                                        &s->l1_mr, 1);
    s->frame_chunk = g_malloc(ADD_PAGE);

    timer_init_ns(&s->vsync_timer, QEMU_CLOCK_VIRTUAL, add_vsync, s);
    timer_init_ns(&s->hb_timer, QEMU_CLOCK_VIRTUAL, add_heartbeat, s);
    s->init_done.notify = add_init_done;
    qemu_add_machine_init_done_notifier(&s->init_done);
    s->shutdown.notify = add_shutdown;
    qemu_register_shutdown_notifier(&s->shutdown);
}

static Property add_properties[] = {
    DEFINE_PROP_LINK("dart-dcp", AppleDARTDisplayState,
                     dart[ADD_MASTER_DCP], TYPE_APPLE_DART,
                     AppleDARTState *),
    DEFINE_PROP_LINK("dart-disp0", AppleDARTDisplayState,
                     dart[ADD_MASTER_DISP], TYPE_APPLE_DART,
                     AppleDARTState *),
    DEFINE_PROP_UINT64("ram-base", AppleDARTDisplayState, ram_base, 0),
    DEFINE_PROP_UINT64("ram-size", AppleDARTDisplayState, ram_size, 0),
    DEFINE_PROP_UINT32("width", AppleDARTDisplayState, width, 1920),
    DEFINE_PROP_UINT32("height", AppleDARTDisplayState, height, 1080),
    DEFINE_PROP_UINT32("fw-regions", AppleDARTDisplayState, fw_regions, 4),
    DEFINE_PROP_BOOL("locked", AppleDARTDisplayState, locked, true),
    /* Tests of the unlocked variant that want the display pipe's DART. */
    DEFINE_PROP_BOOL("disp0-okay", AppleDARTDisplayState, disp0_okay,
                     false),
    DEFINE_PROP_STRING("preset", AppleDARTDisplayState, preset_name),
    /* 60 Hz */
    DEFINE_PROP_UINT64("vsync-ns", AppleDARTDisplayState, vsync_ns,
                       16666667),
    DEFINE_PROP_UINT64("heartbeat-ns", AppleDARTDisplayState, hb_ns,
                       10000000),
    DEFINE_PROP_UINT32("shutdown-min-frames", AppleDARTDisplayState,
                       min_frames, 0),
    DEFINE_PROP_END_OF_LIST(),
};

/* Timers and the observed tables are not described for migration. */
static const VMStateDescription vmstate_add = {
    .name = TYPE_APPLE_DART_DISPLAY,
    .unmigratable = 1,
};

static void add_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = add_realize;
    dc->desc = "Display block behind Apple display DARTs (test-only)";
    dc->vmsd = &vmstate_add;
    device_class_set_props(dc, add_properties);
    dc->user_creatable = false;
}

static const TypeInfo add_info = {
    .name = TYPE_APPLE_DART_DISPLAY,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(AppleDARTDisplayState),
    .class_init = add_class_init,
};

static void add_register_types(void)
{
    type_register_static(&add_info);
}

type_init(add_register_types)
