/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * uAPI of the Apple DART test client (apple-dart-test.c, next to it), the
 * user of the emulated platform's DMA test engines.  It lets the
 * kselftests in tools/testing/selftests/apple-dart allocate buffers through
 * the DMA API or map pages through the IOMMU API, make an engine read and
 * write them through its DART, and read the DART model's counters.
 *
 * Everything goes through ioctls on /dev/apple-dart-test.  Buffers and
 * domains belong to the open file that created them and are released when
 * it is closed.  Documentation/dart/testing.rst describes the interface.
 */
#ifndef _UAPI_LINUX_APPLE_DART_TEST_H
#define _UAPI_LINUX_APPLE_DART_TEST_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bits are hex constants: user space has no BIT(). */

#define ADT_DEVICE		"/dev/apple-dart-test"
#define ADT_API_VERSION		1
#define ADT_NAME_LEN		32

/**
 * struct adt_info - what the client found
 * @version: ADT_API_VERSION
 * @nr_engines: engines known (bound or not); valid indices are below it
 */
struct adt_info {
	__u32 version;
	__u32 nr_engines;
};

/* Domain types as reported in struct adt_engine_info.domain_type */
#define ADT_DOMAIN_NONE		0	/* no IOMMU domain */
#define ADT_DOMAIN_BLOCKED	1
#define ADT_DOMAIN_IDENTITY	2
#define ADT_DOMAIN_UNMANAGED	3
#define ADT_DOMAIN_DMA		4
#define ADT_DOMAIN_DMA_FQ	5

/* struct adt_engine_info.flags */
#define ADT_ENGINE_BOUND	0x1u	/* bound to the client now */
#define ADT_ENGINE_PORT1	0x2u	/* second port, on a second DART */
#define ADT_ENGINE_DEFERRED	0x4u	/* IOMMU can flush lazily */
#define ADT_ENGINE_OWNED	0x8u	/* an open file owns its group */

/**
 * struct adt_engine_info - one DMA test engine
 * @index: in: engine index, below adt_info.nr_engines
 * @flags: out: ADT_ENGINE_*
 * @sid: out: stream of port 0 and port 1 (0xffffffff: no port 1)
 * @group_id: out: IOMMU group id, -1 without one
 * @domain_type: out: ADT_DOMAIN_* of the group's current domain
 * @label: out: the engine's DT label, e.g. "dma-t8103-a"
 * @dev_name: out: its platform device name (for sysfs)
 * @dart: out: DT label of the DART behind port 0 and port 1
 * @iommu_driver: out: module name of the IOMMU driver, "" if built in or none
 */
struct adt_engine_info {
	__u32 index;
	__u32 flags;
	__u32 sid[2];
	__s32 group_id;
	__u32 domain_type;
	char label[ADT_NAME_LEN];
	char dev_name[ADT_NAME_LEN];
	char dart[2][ADT_NAME_LEN];
	char iommu_driver[ADT_NAME_LEN];
};

/* Buffer kinds */
#define ADT_BUF_COHERENT	1	/* dma_alloc_attrs() */
#define ADT_BUF_SINGLE		2	/* dma_map_single() of linear memory */
#define ADT_BUF_SG		3	/* dma_map_sgtable() of separate pages */
#define ADT_BUF_NONCONTIG	4	/* dma_alloc_noncontiguous() */
#define ADT_BUF_PAGES		5	/* pages only, for ADT_IOC_MAP */
#define ADT_BUF_SHARE		6	/* @share's pages, own sg list on @engine */

/* struct adt_buf_alloc.flags */
#define ADT_BUF_NO_KERNEL_MAPPING	0x1u	/* COHERENT only */
#define ADT_BUF_FORCE_CONTIGUOUS	0x2u	/* COHERENT only */

/* DMA directions, as the kernel's enum dma_data_direction */
#define ADT_DIR_BIDIRECTIONAL	0
#define ADT_DIR_TO_DEVICE	1
#define ADT_DIR_FROM_DEVICE	2

#define ADT_BUF_MAX_SIZE	(64U << 20)

/**
 * struct adt_buf_alloc - allocate and map a buffer for an engine
 * @engine: in: engine whose device the buffer is mapped for (not for PAGES)
 * @kind: in: ADT_BUF_*
 * @flags: in: ADT_BUF_NO_KERNEL_MAPPING, ADT_BUF_FORCE_CONTIGUOUS
 * @dir: in: ADT_DIR_* for SINGLE, SG, NONCONTIG and SHARE
 * @size: in: bytes, up to ADT_BUF_MAX_SIZE (ignored for SHARE)
 * @offset: in: SINGLE only: start this many bytes into the first page
 * @share: in: SHARE only: an SG or PAGES buffer whose pages are mapped again
 * @handle: out: names the buffer in later calls
 * @iova: out: device address of the first byte (0 for PAGES)
 * @nr_pages: out: pages behind the buffer
 * @nr_segs: out: DMA segments of an SG, SHARE or NONCONTIG mapping, else 1
 * @reserved: must be zero (keeps @phys 8-byte aligned)
 * @phys: out: physical address of the first page (PAGES, SG, SHARE: for
 *	checking iova-to-phys; 0 where the API gives none)
 */
struct adt_buf_alloc {
	__u32 engine;
	__u32 kind;
	__u32 flags;
	__u32 dir;
	__u64 size;
	__u32 offset;
	__u32 share;
	__u32 handle;
	__u32 nr_pages;
	__u64 iova;
	__u32 nr_segs;
	__u32 reserved;
	__u64 phys;
};

/**
 * struct adt_buf_rw - CPU access to a buffer, with the DMA API's syncs
 * @handle: in: buffer
 * @write: in: 1 copies user memory into the buffer, 0 the other way
 * @offset: in: byte offset in the buffer
 * @len: in: bytes
 * @user: in: user address
 */
struct adt_buf_rw {
	__u32 handle;
	__u32 write;
	__u64 offset;
	__u64 len;
	__u64 user;
};

/* Engine operations (struct adt_run.op), as the engine's CMD register */
#define ADT_OP_COPY		1	/* src -> dst */
#define ADT_OP_FILL		2	/* dst = data, as 32-bit words */
#define ADT_OP_CHECKSUM		3	/* result = FNV-1a 32 of src */
#define ADT_OP_COMPARE		4	/* result = first differing offset */
#define ADT_OP_READ32		5	/* data = *src */
#define ADT_OP_WRITE32		6	/* *dst = data */

/* struct adt_run.status */
#define ADT_ST_DONE		0x2u
#define ADT_ST_ERROR		0x4u
#define ADT_ST_MISCOMPARE	0x8u
#define ADT_ST_MEMTX(st)	(((st) >> 8) & 0xff)

#define ADT_RUN_PORT1		0x1u

/**
 * struct adt_run - one engine command, run to completion
 * @engine: in: engine
 * @op: in: ADT_OP_*
 * @flags: in: ADT_RUN_PORT1 to go through the engine's second DART
 * @len: in: bytes (a multiple of 4 for FILL, 4 for READ32/WRITE32)
 * @src: in: source IOVA
 * @dst: in: destination IOVA
 * @data: in: FILL/WRITE32 value; out: READ32 value
 * @status: out: engine STATUS (ADT_ST_*)
 * @result: out: CHECKSUM/COMPARE result
 * @reserved: must be zero (keeps @fault_iova 8-byte aligned)
 * @fault_iova: out: with ADT_ST_ERROR, the IOVA the DART refused
 */
struct adt_run {
	__u32 engine;
	__u32 op;
	__u32 flags;
	__u32 len;
	__u64 src;
	__u64 dst;
	__u32 data;
	__u32 status;
	__u32 result;
	__u32 reserved;
	__u64 fault_iova;
};

/* Counters of the DART model behind an engine port (struct adt_counters) */
enum {
	ADT_CNT_WALKS,
	ADT_CNT_TLB_HITS,
	ADT_CNT_TLB_MISSES,
	ADT_CNT_INV_CMDS,
	ADT_CNT_INV_SID,
	ADT_CNT_INV_ALL,
	ADT_CNT_FAULTS,
	ADT_CNT_VIOLATIONS,
	ADT_CNT_STALE,
	ADT_CNT_LOCKED_WRITES,
	ADT_CNT_BUSY_POLLS,
	ADT_CNT_BYPASS,
	ADT_CNT_BLOCKED,
	ADT_CNT_TLB_ENTRIES,
	ADT_NR_COUNTERS
};

#define ADT_COUNTERS_RESET	0x1u	/* zero them after reading */
/*
 * Only the events of the engine's own stream on that port, not those of
 * other masters on the same DART (violations and BUSY polls stay the
 * DART's: they belong to no stream).
 */
#define ADT_COUNTERS_STREAM	0x2u

/**
 * struct adt_counters - read the model's counters of an engine's DART
 * @engine: in: engine
 * @port: in: 0 or 1 (the DART behind that port)
 * @flags: in: ADT_COUNTERS_RESET, ADT_COUNTERS_STREAM
 * @reserved: zero
 * @val: out: the counters, ADT_CNT_* (low 32 bits, they wrap)
 */
struct adt_counters {
	__u32 engine;
	__u32 port;
	__u32 flags;
	__u32 reserved;
	__u32 val[ADT_NR_COUNTERS];
};

/**
 * struct adt_expect_viol - declare model violations a test provokes
 * @engine: in: engine
 * @port: in: 0 or 1
 * @count: in: how many of the DART's next violations are expected
 */
struct adt_expect_viol {
	__u32 engine;
	__u32 port;
	__u32 count;
};

/**
 * struct adt_domain_alloc - iommu_paging_domain_alloc() for an engine's IOMMU
 * @engine: in: an engine behind the IOMMU
 * @domain: out: names the domain in later calls (never 0)
 * @pgsize_bitmap: out: the domain's page sizes
 * @aperture_start: out: first IOVA
 * @aperture_end: out: last IOVA
 */
struct adt_domain_alloc {
	__u32 engine;
	__u32 domain;
	__u64 pgsize_bitmap;
	__u64 aperture_start;
	__u64 aperture_end;
};

/* Special struct adt_attach.domain values */
#define ADT_ATTACH_DEFAULT	0	/* back to the DMA API's domain */
#define ADT_ATTACH_BLOCKED	0xffffffffU	/* the group's blocking domain */

/**
 * struct adt_attach - put an engine's IOMMU group in a domain
 * @engine: in: engine (its whole group moves)
 * @domain: in: a domain from ADT_IOC_DOMAIN_ALLOC or ADT_ATTACH_*
 */
struct adt_attach {
	__u32 engine;
	__u32 domain;
};

#define ADT_PROT_READ		0x1u
#define ADT_PROT_WRITE		0x2u

/*
 * struct adt_map.flags, struct adt_unmap.flags: hand the IOVA and length to
 * iommu_map() / iommu_unmap() as they are, without the client's own checks
 * (aperture, overlap with an earlier ADT_IOC_MAP, an unmap that is not
 * exactly one earlier map), so that the IOMMU driver and its page-table
 * code are the ones to answer.  The buffer range is still checked.  A RAW
 * unmap leaves the client's record of the maps alone: their pages stay
 * held until the domain is freed.
 */
#define ADT_MAP_RAW		0x1u

/**
 * struct adt_map - iommu_map() part of a PAGES (or SG) buffer into a domain
 * @domain: in: domain
 * @handle: in: buffer providing the pages
 * @prot: in: ADT_PROT_*
 * @flags: in: ADT_MAP_RAW, else zero
 * @offset: in: page-aligned offset into the buffer
 * @len: in: page-aligned length
 * @iova: in: page-aligned IOVA inside the aperture (any IOVA with RAW)
 */
struct adt_map {
	__u32 domain;
	__u32 handle;
	__u32 prot;
	__u32 flags;
	__u64 offset;
	__u64 len;
	__u64 iova;
};

/**
 * struct adt_unmap - iommu_unmap() a range mapped with ADT_IOC_MAP
 * @domain: in: domain
 * @flags: in: ADT_MAP_RAW, else zero
 * @iova: in: start of an earlier ADT_IOC_MAP (any IOVA with RAW)
 * @len: in: its length (any length with RAW)
 * @unmapped: out: bytes the IOMMU driver unmapped
 */
struct adt_unmap {
	__u32 domain;
	__u32 flags;
	__u64 iova;
	__u64 len;
	__u64 unmapped;
};

/**
 * struct adt_iova_to_phys - iommu_iova_to_phys() in a domain
 * @domain: in: domain
 * @reserved: zero
 * @iova: in: IOVA
 * @phys: out: physical address, 0 if not mapped
 */
struct adt_iova_to_phys {
	__u32 domain;
	__u32 reserved;
	__u64 iova;
	__u64 phys;
};

/**
 * struct adt_hold_busy - keep the TLB commands of an engine's DART BUSY
 * @engine: in: engine
 * @port: in: 0 or 1 (the DART behind that port)
 * @hold: in: 1 holds every command BUSY from now on, 0 lets them finish
 *
 * A test hook of the DART model: with it, the IOMMU driver's invalidations
 * time out whatever the host load.  Closing the file does not release it.
 */
struct adt_hold_busy {
	__u32 engine;
	__u32 port;
	__u32 hold;
};

#define ADT_MAX_FAULTS		8
#define ADT_FAULT_WRITE		0x1u	/* IOMMU_FAULT_WRITE */

/**
 * struct adt_fault - one fault reported to a domain's fault handler
 * @iova: faulting IOVA
 * @flags: ADT_FAULT_WRITE for a write
 * @engine: engine of the reporting device, -1 if it is none of ours
 */
struct adt_fault {
	__u64 iova;
	__u32 flags;
	__s32 engine;
};

/*
 * struct adt_faults.flags: from now on the domain's handler keeps its CPU
 * ADT_HOLD_MS after recording each fault, then counts it in @held: a fault
 * report still running while the test frees the domain.
 */
#define ADT_FAULTS_HOLD		0x2u
#define ADT_HOLD_MS		200

/**
 * struct adt_faults - faults the IOMMU driver reported to a domain
 * @domain: in: domain
 * @flags: in: ADT_COUNTERS_RESET forgets them after reading,
 *	ADT_FAULTS_HOLD makes the handler slow
 * @count: out: faults reported since allocation (or the last reset)
 * @nr: out: records in @fault (the first ADT_MAX_FAULTS)
 * @fault: out: the records
 * @held: out: reports that finished holding (ADT_FAULTS_HOLD)
 * @reserved: zero
 */
struct adt_faults {
	__u32 domain;
	__u32 flags;
	__u32 count;
	__u32 nr;
	struct adt_fault fault[ADT_MAX_FAULTS];
	__u32 held;
	__u32 reserved;
};

#define ADT_IOC_MAGIC		0xDA
#define ADT_IOC_INFO		_IOR(ADT_IOC_MAGIC, 0x00, struct adt_info)
#define ADT_IOC_ENGINE_INFO	_IOWR(ADT_IOC_MAGIC, 0x01, struct adt_engine_info)
#define ADT_IOC_BUF_ALLOC	_IOWR(ADT_IOC_MAGIC, 0x02, struct adt_buf_alloc)
#define ADT_IOC_BUF_FREE	_IOW(ADT_IOC_MAGIC, 0x03, __u32)
#define ADT_IOC_BUF_RW		_IOW(ADT_IOC_MAGIC, 0x04, struct adt_buf_rw)
#define ADT_IOC_RUN		_IOWR(ADT_IOC_MAGIC, 0x05, struct adt_run)
#define ADT_IOC_COUNTERS	_IOWR(ADT_IOC_MAGIC, 0x06, struct adt_counters)
#define ADT_IOC_EXPECT_VIOL	_IOW(ADT_IOC_MAGIC, 0x07, struct adt_expect_viol)
#define ADT_IOC_DOMAIN_ALLOC	_IOWR(ADT_IOC_MAGIC, 0x08, struct adt_domain_alloc)
#define ADT_IOC_DOMAIN_FREE	_IOW(ADT_IOC_MAGIC, 0x09, __u32)
#define ADT_IOC_ATTACH		_IOW(ADT_IOC_MAGIC, 0x0a, struct adt_attach)
#define ADT_IOC_MAP		_IOW(ADT_IOC_MAGIC, 0x0b, struct adt_map)
#define ADT_IOC_UNMAP		_IOWR(ADT_IOC_MAGIC, 0x0c, struct adt_unmap)
#define ADT_IOC_IOVA_TO_PHYS	_IOWR(ADT_IOC_MAGIC, 0x0d, struct adt_iova_to_phys)
#define ADT_IOC_FAULTS		_IOWR(ADT_IOC_MAGIC, 0x0e, struct adt_faults)
#define ADT_IOC_HOLD_BUSY	_IOW(ADT_IOC_MAGIC, 0x0f, struct adt_hold_busy)

#endif /* _UAPI_LINUX_APPLE_DART_TEST_H */
