/*
 * DMA test engine for the Apple DART model (test-only device)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_APPLE_DART_TESTDEV_H
#define HW_MISC_APPLE_DART_TESTDEV_H

#include "hw/sysbus.h"
#include "hw/misc/apple-dart.h"

#define TYPE_APPLE_DART_TESTDEV "apple-dart-testdev"
OBJECT_DECLARE_SIMPLE_TYPE(AppleDARTTestDevState, APPLE_DART_TESTDEV)

#define APPLE_DART_TESTDEV_MMIO_SIZE 0x1000
#define APPLE_DART_TESTDEV_PORTS     2

/*
 * Register map (32-bit registers).  The same offsets are used by the guest
 * test module, tools/testing/dart-model/dart-engine.h.
 */
#define DTE_ID              0x00    /* reads DTE_ID_VALUE */
#define   DTE_ID_VALUE      0x44544531  /* "DTE1" */
#define DTE_CAPS            0x04    /* [0] second port present */
#define DTE_CTRL            0x08    /* [0] completion IRQ enable */
#define DTE_CMD             0x0c    /* write starts a command */
#define   DTE_CMD_OP_MASK   0xf
#define   DTE_OP_COPY       1       /* SRC -> DST, LEN bytes */
#define   DTE_OP_FILL       2       /* DST = PATTERN repeated */
#define   DTE_OP_CHECKSUM   3       /* RESULT = FNV-1a(SRC, LEN) */
#define   DTE_OP_COMPARE    4       /* RESULT = first differing offset */
#define   DTE_OP_READ32     5       /* DATA = *(u32 *)SRC */
#define   DTE_OP_WRITE32    6       /* *(u32 *)DST = DATA */
#define   DTE_OP_SCAN_START 7       /* re-read SRC..LEN every PERIOD us */
#define   DTE_OP_SCAN_STOP  8
#define   DTE_CMD_PORT1     (1 << 8)    /* use the second DMA port */
#define   DTE_CMD_DEFER     (1 << 9)    /* run after DELAY us, not now */
#define DTE_STATUS          0x10
#define   DTE_ST_BUSY       (1 << 0)
#define   DTE_ST_DONE       (1 << 1)    /* W1C */
#define   DTE_ST_ERROR      (1 << 2)    /* W1C; MemTxResult in [15:8] */
#define   DTE_ST_MISCOMPARE (1 << 3)    /* W1C */
#define   DTE_ST_RESULT_SHIFT 8
#define   DTE_ST_SCANNING   (1 << 16)
#define DTE_SRC_LO          0x18
#define DTE_SRC_HI          0x1c
#define DTE_DST_LO          0x20
#define DTE_DST_HI          0x24
#define DTE_LEN             0x28
#define DTE_DATA            0x2c    /* fill pattern, READ32/WRITE32 data */
#define DTE_RESULT          0x30
#define DTE_FAULT_LO        0x38    /* IOVA of the failed transaction */
#define DTE_FAULT_HI        0x3c
#define DTE_SCAN_PERIOD     0x40    /* microseconds */
#define DTE_SCAN_COUNT      0x44    /* completed scans */
#define DTE_SCAN_SUM        0x48    /* checksum of the last good scan */
#define DTE_SCAN_ERRORS     0x4c    /* failed scans */
#define DTE_SID0            0x50    /* stream of port 0 (read-only) */
#define DTE_SID1            0x54    /* stream of port 1, ~0 if absent */
#define DTE_DELAY           0x58    /* microseconds for DTE_CMD_DEFER; */
                                    /* a write re-arms a pending one */
/* Counters of the DART selected by DTE_CNT_SELECT (0: port 0, 1: port 1) */
#define DTE_CNT_SELECT      0x7c
#define DTE_CNT_BASE        0x80
#define   DTE_CNT_WALKS         0x80
#define   DTE_CNT_TLB_HITS      0x84
#define   DTE_CNT_TLB_MISSES    0x88
#define   DTE_CNT_INV_CMDS      0x8c
#define   DTE_CNT_INV_SID       0x90
#define   DTE_CNT_INV_ALL       0x94
#define   DTE_CNT_FAULTS        0x98
#define   DTE_CNT_VIOLATIONS    0x9c
#define   DTE_CNT_STALE         0xa0
#define   DTE_CNT_LOCKED_WRITES 0xa4
#define   DTE_CNT_BUSY_POLLS    0xa8
#define   DTE_CNT_BYPASS        0xac
#define   DTE_CNT_BLOCKED       0xb0
#define   DTE_CNT_TLB_ENTRIES   0xb4    /* of this engine's stream */
#define DTE_CNT_RESET       0xc0    /* write: zero the DART's counters */
#define DTE_EXPECT_VIOL     0xc4    /* write N: next N violations expected */
#define DTE_BUSY_HOLD       0xc8    /* 1: the DART's TLB commands stay BUSY */
#define DTE_BUSY_NS         0xcc    /* the DART's busy-ns (read-only) */

struct AppleDARTTestDevState {
    SysBusDevice parent_obj;

    MemoryRegion mmio;
    qemu_irq irq;
    QEMUTimer defer_timer;
    QEMUTimer scan_timer;
    AddressSpace as[APPLE_DART_TESTDEV_PORTS];
    bool has_port[APPLE_DART_TESTDEV_PORTS];

    /* properties */
    MemoryRegion *dma_mr[APPLE_DART_TESTDEV_PORTS];
    AppleDARTState *dart[APPLE_DART_TESTDEV_PORTS];
    uint32_t sid[APPLE_DART_TESTDEV_PORTS];

    /* registers */
    uint32_t ctrl;
    uint32_t cmd;
    uint32_t status;
    uint64_t src;
    uint64_t dst;
    uint32_t len;
    uint32_t data;
    uint32_t result;
    uint64_t fault;
    uint32_t scan_period;
    uint32_t scan_count;
    uint32_t scan_sum;
    uint32_t scan_errors;
    uint32_t scan_cmd;
    uint32_t delay;
    uint32_t cnt_select;
    bool in_dma;                /* a command's DMA is running */
};

#endif
