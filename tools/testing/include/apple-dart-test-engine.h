/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Register map of the emulated platform's DMA test engine (compatible
 * "qemu,apple-dart-test-engine"): the one definition used by the QEMU
 * device model (tools/qemu/overlay/hw/misc/apple-dart-testdev.c, which the
 * build copies this header next to), the guest's test modules and the
 * kselftests.  Plain C on purpose: no kernel, QEMU or libc macro, so every
 * side can include it as it is.  Documentation/dart/emulator.rst describes
 * what each register does.
 *
 * All registers are 32 bits wide.  Bits are spelt as hex constants, since
 * BIT() is not in every one of those worlds.
 */
#ifndef APPLE_DART_TEST_ENGINE_H
#define APPLE_DART_TEST_ENGINE_H

#define DTE_MMIO_SIZE		0x1000
#define DTE_PORTS		2

#define DTE_ID			0x00	/* reads DTE_ID_VALUE */
#define   DTE_ID_VALUE		0x44544531	/* "DTE1" */
#define DTE_CAPS		0x04
#define   DTE_CAPS_PORT1	0x1u	/* a second DMA port exists */
#define DTE_CTRL		0x08
#define   DTE_CTRL_IRQ		0x1u	/* completion IRQ enable */
#define DTE_CMD			0x0c	/* a write starts a command */
#define   DTE_CMD_OP_MASK	0xfu
#define   DTE_OP_COPY		1	/* SRC -> DST, LEN bytes */
#define   DTE_OP_FILL		2	/* DST = DATA repeated */
#define   DTE_OP_CHECKSUM	3	/* RESULT = FNV-1a(SRC, LEN) */
#define   DTE_OP_COMPARE	4	/* RESULT = first differing offset */
#define   DTE_OP_READ32		5	/* DATA = *(u32 *)SRC */
#define   DTE_OP_WRITE32	6	/* *(u32 *)DST = DATA */
#define   DTE_OP_SCAN_START	7	/* re-read SRC..LEN every SCAN_PERIOD */
#define   DTE_OP_SCAN_STOP	8
#define   DTE_CMD_PORT1		0x100u	/* use the second DMA port */
#define   DTE_CMD_DEFER		0x200u	/* run after DELAY us, not now */
#define DTE_STATUS		0x10
#define   DTE_ST_BUSY		0x1u
#define   DTE_ST_DONE		0x2u	/* write 1 to clear */
#define   DTE_ST_ERROR		0x4u	/* W1C; MemTxResult in RESULT */
#define   DTE_ST_MISCOMPARE	0x8u	/* write 1 to clear */
#define   DTE_ST_RESULT_SHIFT	8
#define   DTE_ST_RESULT_MASK	0xff00u
#define   DTE_ST_SCANNING	0x10000u
#define DTE_SRC_LO		0x18
#define DTE_SRC_HI		0x1c
#define DTE_DST_LO		0x20
#define DTE_DST_HI		0x24
#define DTE_LEN			0x28
#define DTE_DATA		0x2c	/* fill pattern, READ32/WRITE32 data */
#define DTE_RESULT		0x30
#define DTE_FAULT_LO		0x38	/* IOVA of the failed transaction */
#define DTE_FAULT_HI		0x3c
#define DTE_SCAN_PERIOD		0x40	/* microseconds */
#define DTE_SCAN_COUNT		0x44	/* completed scans */
#define DTE_SCAN_SUM		0x48	/* checksum of the last good scan */
#define DTE_SCAN_ERRORS		0x4c	/* failed scans */
#define DTE_SID0		0x50	/* stream of port 0 (read-only) */
#define DTE_SID1		0x54	/* stream of port 1, ~0 if absent */
#define DTE_DELAY		0x58	/* us for DTE_CMD_DEFER; a write */
					/* re-arms a pending command */

/*
 * Counters of the DART behind the port DTE_CNT_SELECT names (0 or 1); with
 * DTE_CNT_SEL_STREAM, only the events of this engine's stream on that DART
 * (violations and BUSY polls belong to no stream and stay the DART's).
 * They are not DART registers: the hardware has nothing like them.
 */
#define DTE_CNT_SELECT		0x7c
#define   DTE_CNT_SEL_PORT1	0x1u
#define   DTE_CNT_SEL_STREAM	0x2u
#define DTE_CNT_WALKS		0x80
#define DTE_CNT_TLB_HITS	0x84
#define DTE_CNT_TLB_MISSES	0x88
#define DTE_CNT_INV_CMDS	0x8c
#define DTE_CNT_INV_SID		0x90
#define DTE_CNT_INV_ALL		0x94
#define DTE_CNT_FAULTS		0x98
#define DTE_CNT_VIOLATIONS	0x9c
#define DTE_CNT_STALE		0xa0
#define DTE_CNT_LOCKED_WRITES	0xa4
#define DTE_CNT_BUSY_POLLS	0xa8
#define DTE_CNT_BYPASS		0xac
#define DTE_CNT_BLOCKED		0xb0
#define DTE_CNT_TLB_ENTRIES	0xb4	/* of this engine's stream */
#define DTE_CNT_NOCACHE		0xb8	/* walks that met a DART2 NO_CACHE leaf */
#define DTE_CNT_RESET		0xc0	/* write: zero the selected counters */
#define DTE_EXPECT_VIOL		0xc4	/* write N: next N violations expected */
#define DTE_BUSY_HOLD		0xc8	/* 1: the DART's TLB commands stay BUSY */
#define DTE_BUSY_NS		0xcc	/* the DART's busy-ns (read-only) */

/* The CHECKSUM command's hash: 32-bit FNV-1a. */
#define DTE_FNV1A_INIT		0x811c9dc5u
#define DTE_FNV1A_PRIME		0x01000193u

#endif /* APPLE_DART_TEST_ENGINE_H */
