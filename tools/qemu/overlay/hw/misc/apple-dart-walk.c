/*
 * Apple DART model: page-table walker and TLB
 *
 * The walk through the two page-table formats (hw §4) and the per-stream
 * cache of its results, apart from the register file (apple-dart.c),
 * which decodes TCR/TTBR into the table and the number of levels to walk.
 * Written from the hardware facts sheet like the rest of the model.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "hw/misc/apple-dart.h"
#include "sysemu/dma.h"
#include "exec/address-spaces.h"
#include "apple-dart-walk.h"
#include "trace.h"

/* Page-table entry bits (hw §4.1). */
#define PTE_VALID                   BIT_ULL(0)
/* Bit 1: DART1 SP_DIS, DART2 NO_CACHE */
#define PTE_BIT1                    BIT_ULL(1)
#define DART1_PTE_NO_WRITE          BIT_ULL(7)
#define DART1_PTE_NO_READ           BIT_ULL(8)
#define DART1_PTE_ADDR              MAKE_64BIT_MASK(12, 24)    /* [35:12] */
#define DART2_PTE_NO_WRITE          BIT_ULL(2)
#define DART2_PTE_NO_READ           BIT_ULL(3)
#define DART2_PTE_ADDR              MAKE_64BIT_MASK(10, 28)    /* [37:10] */
#define PTE_SP_END_SHIFT            40
#define PTE_SP_START_SHIFT          52
#define PTE_SP_MASK                 0xfff
#define PTE_SP_FIELDS               MAKE_64BIT_MASK(40, 24)

static uint64_t pte_table_addr(AppleDARTState *s, uint64_t pte)
{
    if (s->pte == APPLE_DART_PTE_DART1) {
        return pte & DART1_PTE_ADDR;
    }
    return (pte & DART2_PTE_ADDR) << 4;
}

static void check_table_pte(AppleDARTState *s, unsigned sid, uint64_t iova,
                            int level, uint64_t pte, bool quiet)
{
    uint64_t allowed;

    if (quiet) {
        return;
    }
    /* Bit 1 is tolerated: m1n1 sets SP_DIS on table entries (hw §4.1). */
    if (s->pte == APPLE_DART_PTE_DART1) {
        allowed = PTE_VALID | PTE_BIT1 | DART1_PTE_ADDR;
    } else {
        allowed = PTE_VALID | PTE_BIT1 | DART2_PTE_ADDR;
    }
    if (pte & ~allowed) {
        apple_dart_violation(s, "reserved bits 0x%" PRIx64 " set in level-%d "
                             "table entry 0x%" PRIx64 " (stream %u IOVA 0x%"
                             PRIx64 ")", pte & ~allowed, level, pte, sid,
                             iova);
    }
    if (pte_table_addr(s, pte) & (apple_dart_page_size(s) - 1)) {
        apple_dart_violation(s, "misaligned table 0x%" PRIx64 " in level-%d "
                             "entry (stream %u IOVA 0x%" PRIx64 ")",
                             pte_table_addr(s, pte), level, sid, iova);
    }
}

static void decode_leaf(AppleDARTState *s, unsigned sid, uint64_t iova,
                        uint64_t pte, AppleDARTTlbEntry *out, bool quiet)
{
    uint64_t allowed;
    uint32_t unit = apple_dart_page_size(s) >> 12;
    uint32_t sp_start = (pte >> PTE_SP_START_SHIFT) & PTE_SP_MASK;
    uint32_t sp_end = (pte >> PTE_SP_END_SHIFT) & PTE_SP_MASK;
    bool sp_enforced;

    out->uncached = false;
    if (s->pte == APPLE_DART_PTE_DART1) {
        allowed = PTE_VALID | PTE_BIT1 | DART1_PTE_NO_WRITE |
                  DART1_PTE_NO_READ | DART1_PTE_ADDR | PTE_SP_FIELDS;
        out->readable = !(pte & DART1_PTE_NO_READ);
        out->writable = !(pte & DART1_PTE_NO_WRITE);
        /* DART1 bit 1 disables the sub-page check (hw §4.1). */
        sp_enforced = !(pte & PTE_BIT1);
    } else {
        allowed = PTE_VALID | PTE_BIT1 | DART2_PTE_NO_WRITE |
                  DART2_PTE_NO_READ | DART2_PTE_ADDR | PTE_SP_FIELDS;
        out->readable = !(pte & DART2_PTE_NO_READ);
        out->writable = !(pte & DART2_PTE_NO_WRITE);
        /* On DART2 sub-page protection cannot be disabled (hw §4.1). */
        sp_enforced = true;
        /* DART2 bit 1: an uncached mapping (hw §4.1). */
        out->uncached = pte & PTE_BIT1;
    }
    out->pa = pte_table_addr(s, pte);
    if (!quiet && (pte & ~allowed)) {
        apple_dart_violation(s, "reserved bits 0x%" PRIx64 " set in leaf "
                             "entry 0x%" PRIx64 " (stream %u IOVA 0x%" PRIx64
                             ")", pte & ~allowed, pte, sid, iova);
    }
    if (!quiet && (out->pa & (apple_dart_page_size(s) - 1))) {
        apple_dart_violation(s, "misaligned page address 0x%" PRIx64
                             " in leaf entry (stream %u IOVA 0x%" PRIx64 ")",
                             out->pa, sid, iova);
    }
    out->pa &= ~(apple_dart_page_size(s) - 1);

    /*
     * SP_START/SP_END are 12-bit indices; their unit is UNCERTAIN (hw §4.1).
     * The model takes page size / 4096 (4 bytes on a 16K page) and makes END
     * inclusive, so START 0 / END 0xfff (what Linux writes) is the whole page.
     */
    if (sp_enforced) {
        out->sp_lo = sp_start * unit;
        out->sp_hi = sp_end >= sp_start ? (sp_end + 1) * unit : out->sp_lo;
    } else {
        out->sp_lo = 0;
        out->sp_hi = apple_dart_page_size(s);
    }
}

/*
 * The walk cache ("walk-cache" property, off by default) keeps the valid
 * table entries walks read (L0/L1 pointing at a next table); with
 * "walk-cache-misses" also every invalid entry at any level, so a "no
 * entry" answer is remembered as well.  T8110 PARAMS2 announces prefetching
 * caches of table entries (CTC, STT, hw §1); what they hold and when is
 * UNCERTAIN.  Both modes keep what they hold until a TLB command flushes
 * the stream.  The first is what a table-entry cache must at least do, and
 * is on in the driver scenarios; the second goes past what the facts sheet
 * documents (no negative caching is known, hw §2.2/§3.2), so it is a
 * separate choice.  Valid leaves are the TLB's.  The key is the level and the IOVA bits above that
 * level's entries, which name one entry under a given TTBR.
 */
static uint64_t walk_cache_key(AppleDARTState *s, uint64_t iova, int level)
{
    unsigned shift = s->page_shift + level * (s->page_shift - 3);

    return ((uint64_t)level << 60) | (iova >> shift);
}

static bool walk_cache_get(AppleDARTStream *st, uint64_t key, uint64_t *pte)
{
    uint64_t *e = g_hash_table_lookup(st->walk_cache, &key);

    if (e) {
        *pte = *e;
    }
    return e;
}

static void walk_cache_put(AppleDARTStream *st, uint64_t key, uint64_t pte)
{
    if (g_hash_table_size(st->walk_cache) >= st->dart->tlb_size) {
        /* Capacity, as for the TLB: anything may go at any time. */
        g_hash_table_remove_all(st->walk_cache);
    }
    g_hash_table_insert(st->walk_cache, g_memdup2(&key, sizeof(key)),
                        g_memdup2(&pte, sizeof(pte)));
}

/*
 * Walk the tables of @sid for @iova (already reduced to the bits the walk
 * resolves) from the top table at @table through @levels levels.  @quiet
 * suppresses violation reports, for the strict-mode re-walk of an entry
 * whose first walk already reported them.
 */
AppleDARTFault apple_dart_walk(AppleDARTState *s, unsigned sid,
                               uint64_t iova, uint64_t table, int levels,
                               AppleDARTTlbEntry *out, bool quiet,
                               bool use_cache)
{
    AppleDARTStream *st = &s->streams[sid];
    unsigned bpl = s->page_shift - 3;
    bool cache = use_cache && s->walk_cache;
    int level;

    if (table & (apple_dart_page_size(s) - 1)) {
        if (!quiet) {
            apple_dart_violation(s, "misaligned top table 0x%" PRIx64
                                 " (stream %u)", table, sid);
        }
        table &= ~(apple_dart_page_size(s) - 1);
    }

    for (level = levels - 1; level >= 0; level--) {
        unsigned shift = s->page_shift + level * bpl;
        uint64_t index = (iova >> shift) & MAKE_64BIT_MASK(0, bpl);
        uint64_t key = walk_cache_key(s, iova, level);
        uint64_t pte = 0;
        bool cached = cache && walk_cache_get(st, key, &pte);

        /* The walker is cache-coherent with the CPUs (hw §4). */
        if (!cached) {
            if (ldq_le_dma(&address_space_memory, table + index * 8, &pte,
                           MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
                return DART_FAULT_PTE_READ;
            }
            trace_apple_dart_walk_pte(apple_dart_name(s), sid, level,
                                      table + index * 8, pte);
            if (cache && ((pte & PTE_VALID) ? level > 0
                                            : s->walk_cache_misses)) {
                walk_cache_put(st, key, pte);
            }
        }
        /* Hardware looks at VALID, not at "pte != 0" (hw §4.1). */
        if (!(pte & PTE_VALID)) {
            switch (level) {
            case 0:
                return DART_FAULT_NO_PTE;
            case 1:
                return DART_FAULT_NO_PMD;
            default:
                return DART_FAULT_NO_PGD;
            }
        }
        if (level == 0) {
            decode_leaf(s, sid, iova, pte, out, quiet);
            return DART_OK;
        }
        /* No block mappings: the level alone says "table" (hw §4). */
        check_table_pte(s, sid, iova, level, pte, quiet || cached);
        table = pte_table_addr(s, pte) & ~(apple_dart_page_size(s) - 1);
    }
    g_assert_not_reached();
}

/* ---------------------------------------------------------------------- */
/* TLB: the translations of one stream, until a command invalidates them    */

static void apple_dart_notify_unmap(AppleDARTStream *st)
{
    IOMMUNotifier *n;

    /*
     * Let caching users of the region (vhost) drop what they hold; a
     * notifier that only takes device-IOTLB unmaps gets one of those.
     */
    IOMMU_NOTIFIER_FOREACH(n, &st->iommu) {
        IOMMUTLBEvent event = {
            .type = (n->notifier_flags & IOMMU_NOTIFIER_UNMAP) ?
                    IOMMU_NOTIFIER_UNMAP : IOMMU_NOTIFIER_DEVIOTLB_UNMAP,
            .entry = {
                .target_as = &address_space_memory,
                .iova = n->start,
                .addr_mask = n->end - n->start,
                .perm = IOMMU_NONE,
            },
        };
        memory_region_notify_iommu_one(n, &event);
    }
}

void apple_dart_tlb_flush(AppleDARTStream *st)
{
    g_hash_table_remove_all(st->tlb);
    g_hash_table_remove_all(st->walk_cache);
    apple_dart_notify_unmap(st);
}

bool apple_dart_tlb_entry_equal(const AppleDARTTlbEntry *a,
                                const AppleDARTTlbEntry *b)
{
    return a->pa == b->pa && a->readable == b->readable &&
           a->writable == b->writable && a->sp_lo == b->sp_lo &&
           a->sp_hi == b->sp_hi;
}

void apple_dart_tlb_init(AppleDARTStream *st)
{
    /* Keyed by IOVA page number. */
    st->tlb = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                    g_free, g_free);
    st->walk_cache = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                           g_free, g_free);
}

AppleDARTTlbEntry *apple_dart_tlb_lookup(AppleDARTStream *st, uint64_t iova)
{
    uint64_t key = iova >> st->dart->page_shift;

    return g_hash_table_lookup(st->tlb, &key);
}

AppleDARTTlbEntry *apple_dart_tlb_insert(AppleDARTStream *st, uint64_t iova,
                                         const AppleDARTTlbEntry *entry)
{
    uint64_t key = iova >> st->dart->page_shift;
    AppleDARTTlbEntry *e;

    if (g_hash_table_size(st->tlb) >= st->dart->tlb_size) {
        /* Capacity eviction: any entry may go at any time on hardware. */
        trace_apple_dart_tlb_evict(apple_dart_name(st->dart), st->sid);
        g_hash_table_remove_all(st->tlb);
    }
    e = g_memdup2(entry, sizeof(*entry));
    g_hash_table_insert(st->tlb, g_memdup2(&key, sizeof(key)), e);
    return e;
}

uint32_t apple_dart_tlb_entries(AppleDARTState *s, unsigned sid)
{
    assert(sid < s->num_sids);
    return g_hash_table_size(s->streams[sid].tlb);
}
