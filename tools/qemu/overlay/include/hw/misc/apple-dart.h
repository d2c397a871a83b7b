/*
 * Apple DART (Device Address Resolution Table) IOMMU model
 *
 * Written from the project's hardware facts sheet (Documentation/dart/
 * emulator.rst lists what is modelled and every choice made where the
 * facts are uncertain).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_APPLE_DART_H
#define HW_MISC_APPLE_DART_H

#include "hw/sysbus.h"
#include "exec/memory.h"
#include "qemu/timer.h"
#include "qom/object.h"

#define TYPE_APPLE_DART "apple-dart"
#define TYPE_APPLE_DART_IOMMU_MEMORY_REGION "apple-dart-iommu-memory-region"
OBJECT_DECLARE_SIMPLE_TYPE(AppleDARTState, APPLE_DART)

/* The kernel refuses smaller windows (dart-hw.md, preamble). */
#define APPLE_DART_MMIO_SIZE    0x4000
#define APPLE_DART_MAX_SIDS     256
#define APPLE_DART_MAX_TTBRS    4

/*
 * A register map: T8020 (M1 and M1 Pro/Max/Ultra) or T8110 (M2 and
 * later).  Private to the model.
 */
typedef struct AppleDARTLayoutDesc AppleDARTLayoutDesc;

typedef enum {
    APPLE_DART_PTE_DART1,       /* io-pgtable APPLE_DART */
    APPLE_DART_PTE_DART2,       /* io-pgtable APPLE_DART2 */
} AppleDARTPteFormat;

/*
 * Counters for tests.  They are not DART registers (the hardware has no
 * such thing); the DMA test engine exposes them to the guest.  Each DART
 * keeps one set, and each stream one more with the events of that stream
 * alone, so that a test can count what its own stream caused while other
 * masters on the same DART keep working (a flush queue's timer, say).
 * Events that belong to no stream (violations, BUSY polls) are only in
 * the DART's set.
 */
typedef struct AppleDARTCounters {
    uint64_t walks;             /* table walks that filled or missed */
    uint64_t tlb_hits;
    uint64_t tlb_misses;
    uint64_t inv_cmds;          /* invalidate commands (any kind) */
    uint64_t inv_sid;           /* streams flushed by stream/SID commands */
    uint64_t inv_all;           /* T8110 flush-all commands */
    uint64_t faults;            /* translation faults (latched or not) */
    uint64_t violations;        /* model violations (expected or not) */
    uint64_t stale;             /* stale TLB uses seen in strict mode */
    uint64_t locked_writes;     /* TCR/TTBR writes dropped by the lock */
    uint64_t busy_polls;        /* command register reads while BUSY */
    uint64_t bypass;            /* accesses passed through in bypass */
    uint64_t blocked;           /* accesses to disabled/blocked streams */
    uint64_t nocache;           /* walks that found a DART2 NO_CACHE leaf */
} AppleDARTCounters;

typedef struct AppleDARTTlbEntry {
    uint64_t pa;                /* physical address of the page */
    bool readable;
    bool writable;
    uint32_t sp_lo;             /* accessible bytes: [sp_lo, sp_hi) */
    uint32_t sp_hi;
    bool uncached;              /* DART2 NO_CACHE (not compared) */
} AppleDARTTlbEntry;

typedef struct AppleDARTStream {
    IOMMUMemoryRegion iommu;
    AddressSpace as;            /* for PCI hosts, created on demand */
    bool as_ready;
    struct AppleDARTState *dart;
    uint32_t sid;
    GHashTable *tlb;            /* page number -> AppleDARTTlbEntry */
    GHashTable *walk_cache;     /* "walk-cache": entry key -> raw entry */
    bool faulted;               /* last translation of this stream failed */
    int fault_kind;
    uint64_t fault_iova;
    char *name;
    AppleDARTCounters counters; /* this stream's events only */
} AppleDARTStream;

struct AppleDARTState {
    SysBusDevice parent_obj;

    MemoryRegion mmio;
    qemu_irq irq;
    AppleDARTStream *streams;

    /* properties */
    char *layout_name;
    char *pte_name;
    char *dart_name;
    char *dt_soc;               /* "dt-soc": read by the machine's DT only */
    uint32_t num_sids;
    uint8_t page_shift;
    bool bypass_supported;
    uint8_t va_width;
    uint8_t pa_width;
    bool four_level_supported;
    uint32_t busy_ns;           /* T8020 command, T8110 flush-all */
    uint32_t busy_stream_ns;    /* T8110 one-stream command */
    uint32_t reg_read_ns;       /* charged per register access ... */
    uint32_t reg_write_ns;
    uint32_t tlb_miss_ns;       /* ... and per TLB miss, under -icount */
    bool strict_tlb;
    bool upper_iova_fault;
    uint32_t tlb_size;
    bool walk_cache;
    bool walk_cache_misses;     /* "walk-cache-misses": keep "no entry" too */
    bool preset_locked;
    uint32_t preset_sid;
    uint64_t preset_table;
    bool preset_four_level;

    /* derived configuration */
    const AppleDARTLayoutDesc *layout;
    AppleDARTPteFormat pte;
    uint32_t ttbr_base;         /* T8020: 0x200, or 0x400 on the USB4 DART */

    /* register state */
    uint32_t tcr[APPLE_DART_MAX_SIDS];
    uint32_t ttbr[APPLE_DART_MAX_SIDS][APPLE_DART_MAX_TTBRS];
    uint32_t error;
    uint64_t error_addr;
    uint32_t error_mask;                    /* T8110 */
    uint32_t error_streams[APPLE_DART_MAX_SIDS / 32];  /* T8110 */
    /* T8110: a fault waiting for its stream's ERROR_STREAMS bit to clear */
    bool held;
    bool held_reported;
    unsigned held_sid;
    uint32_t held_error;
    uint64_t held_addr;
    uint32_t stream_select[2];              /* T8020 */
    uint32_t config;                        /* T8020 */
    uint32_t remap[4];                      /* T8020 */
    uint32_t dapf_lock;                     /* T8020 */
    uint32_t unk1;                          /* T8020 */
    uint32_t enabled[APPLE_DART_MAX_SIDS / 32];
    uint32_t protect;                       /* T8110 */
    bool protect_locked;                    /* T8110 */
    uint32_t scratch[APPLE_DART_MMIO_SIZE / 4];  /* inert registers */

    /* TLB command in flight */
    bool busy;
    int64_t busy_until;
    uint32_t busy_cmd;
    uint32_t busy_sel[APPLE_DART_MAX_SIDS / 32];
    bool busy_hold;             /* test hook: BUSY stays until released */

    /* test support */
    AppleDARTCounters counters;
    uint32_t expected_violations;
};

/* The IOMMU memory region a master behind stream @sid issues DMA into. */
IOMMUMemoryRegion *apple_dart_stream_mr(AppleDARTState *s, unsigned sid);
/* The same as an address space, for PCI hosts (pci_setup_iommu). */
AddressSpace *apple_dart_stream_as(AppleDARTState *s, unsigned sid);
/*
 * Whether the last translation attempted on @sid failed, and at which
 * IOVA; the test engine uses it to report the exact faulting address.
 */
bool apple_dart_stream_last_fault(AppleDARTState *s, unsigned sid,
                                  uint64_t *iova);
void apple_dart_stream_clear_fault(AppleDARTState *s, unsigned sid);
/* Test hooks: declare that the next @n model violations are deliberate. */
void apple_dart_expect_violations(AppleDARTState *s, uint32_t n);
void apple_dart_reset_counters(AppleDARTState *s);
/* The counters of stream @sid alone, which tests may also reset. */
AppleDARTCounters *apple_dart_stream_counters(AppleDARTState *s,
                                              unsigned sid);
/*
 * Test hook: while held, TLB commands stay BUSY (and their invalidation
 * does not take effect) whatever the time; on release a command completes
 * once its busy-ns have passed, as usual.
 */
void apple_dart_hold_busy(AppleDARTState *s, bool hold);
/*
 * Complete a TLB command whose BUSY window has passed.  Register accesses
 * and translations do so themselves; a test device calls this before it
 * reports counters, so that they include such a command.
 */
void apple_dart_settle(AppleDARTState *s);
uint32_t apple_dart_tlb_entries(AppleDARTState *s, unsigned sid);

/*
 * The boot loader's step (hw §6): stream @sid enabled and translating
 * through the table at @table in TTBR @idx (VALID clear if !@valid, for
 * a broken preset), written past any lock; then the lock set.  Boards
 * call these after the DART's own reset.
 */
void apple_dart_boot_stream(AppleDARTState *s, unsigned sid, unsigned idx,
                            uint64_t table, bool valid);
void apple_dart_boot_lock(AppleDARTState *s);
/*
 * Where @iova of stream @sid leads through the tables as they are in
 * memory now, ignoring the TLB, counting and reporting nothing: the
 * boot loader's view of its mappings.  False if it does not resolve to a
 * readable page.
 */
bool apple_dart_resolve(AppleDARTState *s, unsigned sid, uint64_t iova,
                        uint64_t *pa);

#endif
