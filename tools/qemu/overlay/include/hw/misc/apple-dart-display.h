/*
 * The display block of "-machine virt,apple-dart=display": what iBoot and
 * m1n1 leave running behind the locked display DARTs (test-only device)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_APPLE_DART_DISPLAY_H
#define HW_MISC_APPLE_DART_DISPLAY_H

#include "hw/sysbus.h"
#include "hw/misc/apple-dart.h"
#include "sysemu/sysemu.h"

#define TYPE_APPLE_DART_DISPLAY "apple-dart-display"
OBJECT_DECLARE_SIMPLE_TYPE(AppleDARTDisplayState, APPLE_DART_DISPLAY)

/*
 * The register map, shared with guest-side code; the build copies it here
 * from tools/testing/include/.
 */
#include "hw/misc/apple-dart-display-regs.h"

/* The masters that see boot mappings, in AppleDARTDisplayRegion.iova[]. */
enum {
    ADD_MASTER_DCP,             /* dart-dcp stream 0: the coprocessor */
    ADD_MASTER_DISP,            /* dart-disp0 stream 0: the display pipe */
    ADD_NUM_MASTERS
};

#define ADD_NO_IOVA             UINT64_MAX
#define ADD_MAX_REGIONS         12

/* A reserved-memory region the boot loader set up, as the DT shows it. */
typedef struct AppleDARTDisplayRegion {
    const char *name;           /* DT node name (before the @) */
    const char *label;          /* memory-region-names entry */
    uint64_t pa;
    uint64_t size;
    uint64_t iova[ADD_NUM_MASTERS];     /* ADD_NO_IOVA: not mapped there */
    bool firmware;              /* the heartbeat reads it */
} AppleDARTDisplayRegion;

/* The L1 tables the boot loader installs, one per live TTBR. */
enum {
    ADD_L1_DCP0,                /* dart-dcp stream 0, TTBR0 */
    ADD_L1_DCP1,                /* dart-dcp stream 0, TTBR1 */
    ADD_L1_DISP,                /* dart-disp0 stream 0 */
    ADD_L1_PIODMA,              /* dart-disp0 stream 4, no mappings */
    ADD_NUM_L1
};

/*
 * What a broken boot loader can leave behind, one flag each ("preset" is
 * a '+'-separated list of their names; "good" is none).  The dcp ones
 * break dart-dcp, the others dart-disp0, so that one boot can try one of
 * each.
 */
enum {
    ADD_PRESET_INVALID_TTBR = 1 << 0,   /* dcp TTBR0 without VALID */
    ADD_PRESET_OUTSIDE = 1 << 1,        /* dcp TTBR0's L1 in ordinary RAM */
    ADD_PRESET_TTBR_GAP = 1 << 2,       /* dcp's 2nd L1 in TTBR2, not 1 */
    ADD_PRESET_MISALIGNED = 1 << 3,     /* piodma's L1 4 KiB below its page */
    ADD_PRESET_SHARED_L1 = 1 << 4,      /* piodma walks disp0's L1 */
    ADD_PRESET_PIODMA_OFF = 1 << 5,     /* piodma's stream left disabled */
};
#define ADD_PRESETS_DCP         (ADD_PRESET_INVALID_TTBR | \
                                 ADD_PRESET_OUTSIDE | ADD_PRESET_TTBR_GAP)

#define ADD_HIST_MAX            ADD_HIST_ENTRIES

struct AppleDARTDisplayState {
    SysBusDevice parent_obj;

    MemoryRegion mmio;
    MemoryRegion l1_mr;         /* the firmware L1 pages, observed */
    uint8_t *l1_buf;
    QEMUTimer vsync_timer;
    QEMUTimer hb_timer;
    AddressSpace as[ADD_NUM_MASTERS];
    Notifier init_done;
    Notifier shutdown;
    uint8_t *frame_chunk;

    /* properties */
    AppleDARTState *dart[ADD_NUM_MASTERS];
    uint64_t ram_base;
    uint64_t ram_size;
    uint32_t width;
    uint32_t height;
    uint32_t fw_regions;
    bool locked;
    bool disp0_okay;            /* dart-disp0 "okay" even unlocked */
    char *preset_name;
    uint64_t vsync_ns;
    uint64_t hb_ns;
    uint32_t min_frames;

    /* layout, fixed at realize */
    uint32_t preset;            /* ADD_PRESET_* flags */
    AppleDARTDisplayRegion regions[ADD_MAX_REGIONS];
    unsigned num_regions;
    unsigned fb_region;
    uint64_t block_base;        /* everything reserved lies from here */
    uint64_t block_size;
    uint64_t l1_pa[ADD_NUM_L1];
    uint64_t l1_area;           /* the observed pages: all L1s but an */
                                /* "outside" one */
    uint64_t l2_pool;
    unsigned l2_pool_pages;
    unsigned l2_used;
    uint32_t splash_crc;

    /* registers */
    uint32_t ctrl;
    uint64_t fb_base;
    uint32_t fb_stride;
    uint32_t fb_size;
    uint64_t fb_next;
    bool flip_pending;
    uint32_t frames;
    uint32_t frame_faults;
    uint32_t last_crc;
    bool last_faulted;
    uint32_t mark_frames;
    uint32_t mark_crc;
    uint32_t hist_count;
    uint32_t hist_sel;
    uint32_t hist_crc[ADD_HIST_MAX];
    uint32_t hist_n[ADD_HIST_MAX];
    uint32_t expect_faults;
    uint32_t violations;
    uint32_t expect_viol;
    bool handoff_done;
    uint32_t l1_stores;
    uint32_t l1_broken;
    uint32_t hb_ticks;
    uint32_t hb_faults;
    uint32_t hb_bad;
    bool hb_crashed;
};

#endif
