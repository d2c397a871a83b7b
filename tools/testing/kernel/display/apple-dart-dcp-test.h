/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * uAPI of the DCP-like test driver (apple-dart-dcp-test.c, next to it):
 * what a display driver does to the display pipe ("qemu,apple-dart-display"
 * behind dart-disp0) and the display coprocessor (the "dcp" DMA test engine
 * behind dart-dcp) of "-machine virt,apple-dart=display", step by step, so
 * that the kselftests in tools/testing/selftests/apple-dart can check after
 * each step what the scanout and the coprocessor saw.
 *
 * Everything goes through ioctls on /dev/apple-dart-dcp-test.  The state
 * (the display pipe's unmanaged domain, the new framebuffer) belongs to
 * the open file that took the display over and is given back when it is
 * closed.  Documentation/dart/testing.rst describes the interface.
 */
#ifndef _UAPI_LINUX_APPLE_DART_DCP_TEST_H
#define _UAPI_LINUX_APPLE_DART_DCP_TEST_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define DCPT_DEVICE		"/dev/apple-dart-dcp-test"

/* struct dcpt_info.state */
#define DCPT_TAKEN		0x1u	/* the pipe is in our unmanaged domain */
#define DCPT_NEW_FB		0x2u	/* the new framebuffer is mapped */
#define DCPT_SCAN_NEW		0x4u	/* ... and being scanned out */
#define DCPT_DEFERRED		0x8u	/* the IOMMU can flush lazily */

/**
 * struct dcpt_info - the display as the driver found it
 * @fb_pa: physical address of the boot framebuffer (its reserved-memory node)
 * @fb_iova: its IOVA for the display pipe (the node's iommu-addresses)
 * @fb_size: size of the region
 * @scan_size: bytes the pipe scans per frame (FB_SIZE)
 * @stride: bytes per line
 * @width: pixels per line
 * @height: lines
 * @splash_crc: CRC-32 of the boot splash (SPLASH_CRC)
 * @state: DCPT_*
 * @reserved: zero
 */
struct dcpt_info {
	__u64 fb_pa;
	__u64 fb_iova;
	__u64 fb_size;
	__u32 scan_size;
	__u32 stride;
	__u32 width;
	__u32 height;
	__u32 splash_crc;
	__u32 state;
	__u32 reserved;
};

/**
 * struct dcpt_takeover - the display pipe moved into an unmanaged domain
 * @phys_before: iommu_iova_to_phys() of the boot framebuffer's IOVA in the
 *	new domain right after iommu_paging_domain_alloc()
 * @phys_after: the same after iommu_attach_device(); the driver refuses
 *	(detaches again, -EIO) unless it is @fb_pa of struct dcpt_info
 */
struct dcpt_takeover {
	__u64 phys_before;
	__u64 phys_after;
};

/* Where the new framebuffer goes in the display pipe's own domain. */
#define DCPT_NEW_FB_IOVA	0x10000000ull

/**
 * struct dcpt_fb - a new framebuffer with the test pattern drawn in it
 * @iova_disp: its IOVA for the display pipe (DCPT_NEW_FB_IOVA)
 * @iova_dcp: its IOVA for the coprocessor (dma_map_sgtable() on dcp)
 * @size: bytes (whole pages)
 * @nr_pages: pages behind it
 * @nr_runs: physically contiguous runs among them (nr_pages: none adjacent)
 * @crc: CRC-32 of the first scan_size bytes, as the scanout computes it
 * @fnv_cpu: FNV-1a 32 of those bytes, computed by the CPU
 * @fnv_dcp: the same read by the coprocessor through its own mapping
 * @status: the coprocessor's STATUS after that read
 */
struct dcpt_fb {
	__u64 iova_disp;
	__u64 iova_dcp;
	__u64 size;
	__u32 nr_pages;
	__u32 nr_runs;
	__u32 crc;
	__u32 fnv_cpu;
	__u32 fnv_dcp;
	__u32 status;
};

/* DCPT_IOC_FLIP argument */
#define DCPT_FLIP_SPLASH	0
#define DCPT_FLIP_NEW		1

#define DCPT_SHARED_BUFS	3
#define DCPT_SHARED_SIZE	(64u << 10)

/**
 * struct dcpt_shared - buffers shared with the coprocessor
 * @iova: device address of each dma_alloc_coherent() buffer
 * @copy_ok: the coprocessor copied buffer 0 into buffer 1 exactly
 * @fill_ok: it filled buffer 2 with DCPT_FILL_WORD
 * @sum_ok: its checksum of buffer 0 is the CPU's
 * @status: the coprocessor's STATUS bits of the three commands, ORed
 */
struct dcpt_shared {
	__u64 iova[DCPT_SHARED_BUFS];
	__u32 copy_ok;
	__u32 fill_ok;
	__u32 sum_ok;
	__u32 status;
};

#define DCPT_FILL_WORD		0x5aa5c33cu

/**
 * struct dcpt_conflict - an unmanaged domain that maps the boot
 *	framebuffer's first IOVA page to another page, attached to the pipe
 * @attach_ret: what iommu_attach_device() returned (the DART driver must
 *	refuse: the scanout would read that page instead of the splash)
 * @in_default: the pipe was in its default domain afterwards
 * @narrow_ret: what attaching the coprocessor to a domain built for the
 *	PIODMA engine returned (too narrow for the firmware's high IOVAs)
 * @dcp_in_default: the coprocessor was in its default domain afterwards
 */
struct dcpt_conflict {
	__s32 attach_ret;
	__u32 in_default;
	__s32 narrow_ret;
	__u32 dcp_in_default;
};

/**
 * struct dcpt_unmap_boot - iommu_unmap() of the boot framebuffer's first
 *	page in the pipe's unmanaged domain (DCPT_IOC_TAKEOVER first)
 * @unmapped: bytes iommu_unmap() returned (0: the DART driver refused)
 * @phys_after: what that IOVA translated to afterwards
 */
struct dcpt_unmap_boot {
	__u64 unmapped;
	__u64 phys_after;
};

/**
 * struct dcpt_fw - the coprocessor reads its firmware regions
 * @regions: regions read (every memory-region of dcp but the framebuffer)
 * @bad: of which the first word of a page was refused or wrong
 * @first_bad_iova: IOVA of the first bad read
 */
struct dcpt_fw {
	__u32 regions;
	__u32 bad;
	__u64 first_bad_iova;
};

/**
 * struct dcpt_piodma - one read by the PIODMA engine (dart-disp0 stream 4)
 * @iova: in: address to read
 * @status: out: the engine's STATUS (bit 2: the DART refused it)
 * @reserved: zero
 * @fault_iova: out: the IOVA the DART refused
 */
struct dcpt_piodma {
	__u64 iova;
	__u32 status;
	__u32 reserved;
	__u64 fault_iova;
};

#define DCPT_ST_ERROR		0x4u	/* engine STATUS: access refused */

#define DCPT_IOC_MAGIC		0xDC
#define DCPT_IOC_INFO		_IOR(DCPT_IOC_MAGIC, 0x00, struct dcpt_info)
#define DCPT_IOC_TAKEOVER	_IOR(DCPT_IOC_MAGIC, 0x01, struct dcpt_takeover)
#define DCPT_IOC_RELEASE	_IO(DCPT_IOC_MAGIC, 0x02)
#define DCPT_IOC_FB_NEW		_IOR(DCPT_IOC_MAGIC, 0x03, struct dcpt_fb)
#define DCPT_IOC_FLIP		_IOW(DCPT_IOC_MAGIC, 0x04, __u32)
#define DCPT_IOC_SHARED		_IOR(DCPT_IOC_MAGIC, 0x05, struct dcpt_shared)
#define DCPT_IOC_FW_READ	_IOR(DCPT_IOC_MAGIC, 0x06, struct dcpt_fw)
#define DCPT_IOC_PIODMA		_IOWR(DCPT_IOC_MAGIC, 0x07, struct dcpt_piodma)
#define DCPT_IOC_CONFLICT	_IOR(DCPT_IOC_MAGIC, 0x08, struct dcpt_conflict)
#define DCPT_IOC_UNMAP_BOOT	_IOR(DCPT_IOC_MAGIC, 0x09, struct dcpt_unmap_boot)

#endif /* _UAPI_LINUX_APPLE_DART_DCP_TEST_H */
