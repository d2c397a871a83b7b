/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Register map and layout of the emulated display block of
 * "-machine virt,apple-dart=display" (compatible "qemu,apple-dart-display"):
 * the machine iBoot and m1n1 leave behind on an Apple Silicon laptop, with
 * the display coprocessor (DCP) and its display DARTs locked and live.  The
 * one definition used by the QEMU model (tools/qemu/overlay/hw/misc/
 * apple-dart-display.c, which the build copies this header next to) and by
 * guest-side code.  Plain C, as apple-dart-test-engine.h.
 * Documentation/dart/emulator.rst describes what each register does.
 *
 * All registers are 32 bits wide.
 */
#ifndef APPLE_DART_DISPLAY_REGS_H
#define APPLE_DART_DISPLAY_REGS_H

/*
 * Where the machine puts things (guest physical addresses, SPIs), the same
 * on "display" and "full": DART slots 9 and 10 and engine slots 12 and 13
 * of the board's DART and engine windows, after full's own.
 */
#define ADD_DART_DCP_BASE	0x090e4000	/* dart-dcp, SPI 185 */
#define ADD_DART_DISP0_BASE	0x090e8000	/* dart-disp0, SPI 186 */
#define ADD_DCP_ENGINE_BASE	0x090fc000	/* "dcp" DMA test engine, SPI 204 */
#define ADD_PIODMA_ENGINE_BASE	0x090fd000	/* "piodma" engine, SPI 205 */
#define ADD_DISPLAY_BASE	0x09100000	/* this block, no interrupt */
#define ADD_MMIO_SIZE		0x1000

/* Streams (one cell of "iommus"). */
#define ADD_SID_DCP		0	/* dart-dcp: coprocessor */
#define ADD_SID_DISP		0	/* dart-disp0: display pipe */
#define ADD_SID_PIODMA		4	/* dart-disp0: PIODMA-like engine */

/* IOVAs of the boot mappings (the PAs are in /reserved-memory). */
#define ADD_FB_IOVA_DISP	0x04000000ull	/* dart-disp0 stream 0 */
#define ADD_FB_IOVA_DCP		0xf40000000ull	/* dart-dcp stream 0 */
#define ADD_HEAP_IOVA		0x0ull		/* DCP heap, as on hardware */
#define ADD_CODE_IOVA		0xf00000000ull
#define ADD_DATA_IOVA		0x1000400000ull	/* through TTBR1 */
/* the "direct" region has IOVA = PA */
#define ADD_EXTRA_IOVA		0xf10000000ull	/* + 0x400000 * n */

/* Registers. */
#define ADD_ID			0x00	/* reads ADD_ID_VALUE */
#define   ADD_ID_VALUE		0x44535031	/* "DSP1" */
#define ADD_CTRL		0x04
#define   ADD_CTRL_SCANOUT	0x1u	/* scan a frame every vsync */
#define   ADD_CTRL_HEARTBEAT	0x2u	/* coprocessor heartbeat runs */
#define ADD_FB_BASE_LO		0x08	/* IOVA scanned now */
#define ADD_FB_BASE_HI		0x0c
#define ADD_FB_STRIDE		0x10	/* bytes per line */
#define ADD_FB_SIZE		0x14	/* bytes scanned per frame */
#define ADD_FB_NEXT_LO		0x18	/* page flip: base latched ... */
#define ADD_FB_NEXT_HI		0x1c
#define ADD_FB_FLIP		0x20	/* ... at the next vsync after 1 is */
					/* written; reads 1 until then */
#define ADD_FRAMES		0x24	/* frames scanned since reset */
#define ADD_FRAME_FAULTS	0x28	/* of which refused by the DART */
#define ADD_LAST_CRC		0x2c	/* CRC-32 of the last good frame */
#define ADD_MARK		0x30	/* write: start a new marker period; */
					/* read: good frames since */
#define ADD_MARK_CRC		0x34	/* CRC-32 over each good frame's */
					/* CRC (LE) since the marker */
#define ADD_HIST_COUNT		0x38	/* distinct frame CRCs since it */
#define ADD_HIST_SEL		0x3c	/* entry shown by HIST_CRC/HIST_N */
#define ADD_HIST_CRC		0x40
#define ADD_HIST_N		0x44
#define   ADD_HIST_ENTRIES	16	/* more distinct CRCs are counted */
					/* in HIST_COUNT only */
#define ADD_SPLASH_CRC		0x48	/* CRC-32 of the boot splash frame */
#define ADD_VSYNC_NS		0x4c	/* read-only: vsync period */
#define ADD_EXPECT_FAULTS	0x50	/* next N faulted frames expected */
#define ADD_VIOLATIONS		0x54	/* violations this block reported */
#define ADD_EXPECT_VIOL		0x58	/* next N of them expected */
#define ADD_HANDOFF		0x5c	/* write 1: handoff over, L1 stores */
					/* are no longer checked */
#define ADD_L1_STORES		0x60	/* stores seen into firmware L1s */
#define ADD_L1_BROKEN		0x64	/* of which left a boot mapping */
					/* unresolved or moved */
#define ADD_HB_TICKS		0x70	/* coprocessor heartbeat ticks */
#define ADD_HB_FAULTS		0x74	/* ticks with a refused read */
#define ADD_HB_BAD		0x78	/* ticks that read wrong contents */
#define ADD_HB_PERIOD_NS	0x7c	/* read-only */
#define ADD_WIDTH		0x80	/* read-only: boot mode */
#define ADD_HEIGHT		0x84
#define ADD_NUM_REGIONS		0x88	/* firmware regions */

/*
 * The splash the boot loader leaves in the framebuffer: XRGB8888, pixel
 * (x, y) = add_splash_pixel(x, y), lines ADD_FB_STRIDE bytes apart.
 */
static inline unsigned int add_splash_pixel(unsigned int x, unsigned int y)
{
	return 0xff000000u | (((x >> 3) & 0xffu) << 16) | ((y & 0xffu) << 8) |
	       ((x + y) & 0xffu);
}

/*
 * The first word of every page of a firmware region, which the
 * heartbeat checks: the page's PA (low 32 bits) XOR this.
 */
#define ADD_FW_MAGIC		0x44435046u	/* "DCPF" */

#endif
