/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Register interface of the emulated platform's DMA test engine
 * (compatible "qemu,apple-dart-test-engine"), shared by the guest tests.
 * The QEMU side is tools/qemu/overlay/include/hw/misc/apple-dart-testdev.h;
 * Documentation/dart/emulator.rst describes the registers.
 */
#ifndef DART_ENGINE_H
#define DART_ENGINE_H

#define DTE_ID			0x00
#define DTE_ID_VALUE		0x44544531
#define DTE_CAPS		0x04
#define DTE_CAPS_PORT1		BIT(0)
#define DTE_CTRL		0x08
#define DTE_CTRL_IRQ		BIT(0)
#define DTE_CMD			0x0c
#define DTE_OP_COPY		1
#define DTE_OP_FILL		2
#define DTE_OP_CHECKSUM		3
#define DTE_OP_COMPARE		4
#define DTE_OP_READ32		5
#define DTE_OP_WRITE32		6
#define DTE_OP_SCAN_START	7
#define DTE_OP_SCAN_STOP	8
#define DTE_CMD_PORT1		BIT(8)
#define DTE_CMD_DEFER		BIT(9)
#define DTE_STATUS		0x10
#define DTE_ST_BUSY		BIT(0)
#define DTE_ST_DONE		BIT(1)
#define DTE_ST_ERROR		BIT(2)
#define DTE_ST_MISCOMPARE	BIT(3)
#define DTE_ST_RESULT		GENMASK(15, 8)
#define DTE_ST_SCANNING		BIT(16)
#define DTE_SRC_LO		0x18
#define DTE_SRC_HI		0x1c
#define DTE_DST_LO		0x20
#define DTE_DST_HI		0x24
#define DTE_LEN			0x28
#define DTE_DATA		0x2c
#define DTE_RESULT		0x30
#define DTE_FAULT_LO		0x38
#define DTE_FAULT_HI		0x3c
#define DTE_SCAN_PERIOD		0x40
#define DTE_SCAN_COUNT		0x44
#define DTE_SCAN_SUM		0x48
#define DTE_SCAN_ERRORS		0x4c
#define DTE_SID0		0x50
#define DTE_SID1		0x54
#define DTE_DELAY		0x58
#define DTE_CNT_SELECT		0x7c
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
#define DTE_CNT_TLB_ENTRIES	0xb4
#define DTE_CNT_RESET		0xc0
#define DTE_EXPECT_VIOL		0xc4
#define DTE_BUSY_HOLD		0xc8
#define DTE_BUSY_NS		0xcc

#define DTE_FNV1A_INIT		0x811c9dc5
#define DTE_FNV1A_PRIME		0x01000193

#endif
