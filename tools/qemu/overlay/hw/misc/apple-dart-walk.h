/*
 * Apple DART model: what the register file (apple-dart.c) and the
 * page-table walker and TLB (apple-dart-walk.c) share.  Private to the
 * model.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_APPLE_DART_WALK_H
#define HW_MISC_APPLE_DART_WALK_H

#include "hw/misc/apple-dart.h"

/* Why a translation failed; mapped to each layout's ERROR code bits. */
typedef enum {
    DART_OK = 0,
    DART_FAULT_NO_TTBR,
    DART_FAULT_NO_PGD,          /* top table of a 4-level walk */
    DART_FAULT_NO_PMD,          /* middle (L1) table */
    DART_FAULT_NO_PTE,          /* leaf */
    DART_FAULT_READ,
    DART_FAULT_WRITE,
    DART_FAULT_SUBPAGE,
    DART_FAULT_PTE_READ,        /* a table could not be read */
    DART_FAULT_BLOCKED,         /* stream disabled or TCR = 0 */
} AppleDARTFault;

static inline const char *apple_dart_name(AppleDARTState *s)
{
    return s->dart_name ? s->dart_name : "apple-dart";
}

static inline uint64_t apple_dart_page_size(AppleDARTState *s)
{
    return 1ULL << s->page_shift;
}

/* Report what a correct driver never does (apple-dart.c). */
void G_GNUC_PRINTF(2, 3) apple_dart_violation(AppleDARTState *s,
                                              const char *fmt, ...);

/*
 * With @use_cache and the DART's "walk-cache" on, entries the walk cached
 * earlier are used instead of memory, and the ones it reads are cached.
 */
AppleDARTFault apple_dart_walk(AppleDARTState *s, unsigned sid,
                               uint64_t iova, uint64_t table, int levels,
                               AppleDARTTlbEntry *out, bool quiet,
                               bool use_cache);

void apple_dart_tlb_init(AppleDARTStream *st);
/* The cached translation of the page holding @iova, or NULL. */
AppleDARTTlbEntry *apple_dart_tlb_lookup(AppleDARTStream *st, uint64_t iova);
/* Cache @entry for the page holding @iova; returns the cached copy. */
AppleDARTTlbEntry *apple_dart_tlb_insert(AppleDARTStream *st, uint64_t iova,
                                         const AppleDARTTlbEntry *entry);
/* Drop every translation of @st and tell the region's notifiers. */
void apple_dart_tlb_flush(AppleDARTStream *st);
bool apple_dart_tlb_entry_equal(const AppleDARTTlbEntry *a,
                                const AppleDARTTlbEntry *b);

#endif
