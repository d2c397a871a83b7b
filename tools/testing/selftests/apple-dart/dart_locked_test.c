// SPDX-License-Identifier: GPL-2.0
/*
 * Locked DARTs (the display machine, -machine virt,apple-dart=display):
 * the boot loader locked dart-dcp and dart-disp0 with live streams, and
 * the driver mirrors each domain's top table into the boot loader's L1
 * pages (Documentation/dart/driver.rst, locked DARTs).  Outcomes are
 * checked at the device: what the "dcp" and "piodma" test engines read
 * and wrote through the locked DARTs, the faults they saw, and the L1
 * entries the driver wrote (its debugfs counters; the model checks every
 * one of those stores against the boot mappings on its own).
 */

#include <dirent.h>

#include "kselftest_harness.h"
#include "adt_util.h"
#include "apple-dart-display-regs.h"

/* Device names from where the header places the display DARTs. */
static char dcp_dart[32], disp_dart[32];

static void __attribute__((constructor)) locked_names(void)
{
	snprintf(dcp_dart, sizeof(dcp_dart), "%x.iommu", ADD_DART_DCP_BASE);
	snprintf(disp_dart, sizeof(disp_dart), "%x.iommu", ADD_DART_DISP0_BASE);
}

#define RESV		"/proc/device-tree/reserved-memory"

/* An IOVA no boot region or buffer uses (12 GiB). */
#define IOVA_Y		0x300000000ULL
/* What one L1 entry covers: a leaf table of 2048 16K pages (hw §4.2). */
#define L1_SPAN		(2048 * PG)

/* PA of the /reserved-memory node whose name starts with @prefix, or 0. */
static uint64_t resv_pa(const char *prefix)
{
	struct dirent *e;
	uint64_t pa = 0;
	DIR *d = opendir(RESV);

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)) &&
		    e->d_name[strlen(prefix)] == '@')
			pa = strtoull(e->d_name + strlen(prefix) + 1, NULL, 16);
	closedir(d);
	return pa;
}

FIXTURE(locked) {
	struct adt_fixture f;
	int dcp, piodma;
};

FIXTURE_SETUP(locked)
{
	self->f.fd = adt_open();
	ASSERT_LE(0, self->f.fd) TH_LOG("open %s: %s", ADT_DEVICE, strerror(errno));
	self->dcp = adt_find(self->f.fd, "dcp");
	self->piodma = adt_find(self->f.fd, "piodma");
	if (self->dcp < 0 || self->piodma < 0)
		SKIP(return, "not the display machine");
	ASSERT_EQ(0, adt_engine(self->f.fd, self->dcp, &self->f.ei));
	self->f.eng = self->dcp;
	self->f.dbg_errors = dma_debug_errors();
	if (adt_dart_counter(dcp_dart, "l1_switches") < 0)
		SKIP(return, "no locked-DART counters (not our driver)");
}

FIXTURE_TEARDOWN(locked)
{
	adt_fixture_close(&self->f);
	adt_fixture_dma_clean(_metadata, &self->f);
}

/*
 * A locked stream cannot be blocked: the attach is refused (so is the
 * DMA ownership a blocking domain comes with), and the engine keeps
 * working in its DMA domain.  Catches a driver that offers
 * the blocked domain on a locked DART (it would empty the L1 and cut the
 * coprocessor's firmware off, or write a TCR the DART ignores).
 */
TEST_F(locked, blocked_refused)
{
	struct adt_engine_info ei;
	struct adt_run r;
	struct adt_b b;

	/* piodma: refused by the driver; dcp already by the core too. */
	EXPECT_EQ(-EINVAL, adt_dom_attach(self->f.fd, self->piodma, ADT_ATTACH_BLOCKED));
	ASSERT_EQ(0, adt_engine(self->f.fd, self->piodma, &ei));
	EXPECT_EQ(ADT_DOMAIN_DMA, ei.domain_type);
	EXPECT_EQ(-EINVAL, adt_dom_attach(self->f.fd, self->dcp, ADT_ATTACH_BLOCKED));
	ASSERT_EQ(0, adt_engine(self->f.fd, self->dcp, &ei));
	EXPECT_EQ(ADT_DOMAIN_DMA, ei.domain_type);
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->dcp, ADT_BUF_COHERENT, PG,
			       ADT_DIR_BIDIRECTIONAL, 0, &b));
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->dcp, ADT_OP_WRITE32, 0, 0, b.iova + 8,
			     4, 0x5eed, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->dcp, ADT_OP_READ32, 0, b.iova + 8, 0,
			     4, 0, &r));
	EXPECT_EQ(0x5eed, r.data);
	EXPECT_EQ(0, adt_free(self->f.fd, b.handle));
}

/*
 * A 32 MiB coherent buffer in the piodma stream's DMA domain (dart-disp0
 * stream 4, next to the scanout): dma-iommu aligns its IOVA to its size,
 * so it fills exactly one leaf table.  Mapping it writes at most the one
 * L1 entry of that table (none if an emptied table is still there), and
 * each sync writes only what changed; freeing it unmaps the whole table
 * in one call, so the backend unhooks it and exactly one L1 store clears
 * the entry before the table is freed.  The engine then faults at the
 * L1 ("no L1 table entry").  Catches a flush that forgets the L1 (the
 * buffer faults), copies all of it (counts), or leaves a freed table in
 * the L1 (the walker would still find it: no L1 fault).
 *
 * (Unmanaged domains of a locked master are the display test driver's:
 * the test client claims DMA ownership, which attaches the blocking
 * domain, refused here.)
 */
TEST_F(locked, dma_domain_l1_entries)
{
	long sy0, we0, sy1, we1;
	struct adt_engine_info ei;
	char line[1024] = "";
	struct adt_run r;
	struct adt_b b;
	int kfd, found;

	ASSERT_EQ(0, adt_engine(self->f.fd, self->piodma, &ei));
	sy0 = adt_dart_counter(disp_dart, "l1_syncs");
	we0 = adt_dart_counter(disp_dart, "l1_entries_written");
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->piodma, ADT_BUF_COHERENT, L1_SPAN,
			       ADT_DIR_BIDIRECTIONAL, 0, &b));
	ASSERT_EQ(0, b.iova % L1_SPAN) TH_LOG("IOVA 0x%llx", (unsigned long long)b.iova);
	sy1 = adt_dart_counter(disp_dart, "l1_syncs");
	we1 = adt_dart_counter(disp_dart, "l1_entries_written");
	EXPECT_GE(we0 + 1, we1);
	EXPECT_EQ(we1 - we0, sy1 - sy0);

	ASSERT_EQ(0, adt_cmd(self->f.fd, self->piodma, ADT_OP_WRITE32, 0, 0,
			     b.iova + L1_SPAN - 4, 4, 0xabcd1234, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->piodma, ADT_OP_READ32, 0, b.iova + 64,
			     0, 4, 0, &r));
	EXPECT_EQ(ADT_ST_DONE, r.status);

	kfd = kmsg_open();
	ASSERT_LE(0, kfd);
	ASSERT_EQ(0, adt_free(self->f.fd, b.handle));
	EXPECT_EQ(we1 + 1, adt_dart_counter(disp_dart, "l1_entries_written"));
	EXPECT_EQ(sy1 + 1, adt_dart_counter(disp_dart, "l1_syncs"));
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->piodma, ADT_OP_READ32, 0, b.iova + 64,
			     0, 4, 0, &r));
	EXPECT_TRUE(r.status & ADT_ST_ERROR);
	found = kmsg_wait_fault(kfd, b.iova + 64, ei.sid[0], line, sizeof(line));
	EXPECT_TRUE(found);
	EXPECT_NE(NULL, strstr(line, "no L1 table entry")) TH_LOG("driver: %s", line);
	close(kfd);
}

/*
 * The coprocessor's heap (IOVA 0, at another PA) reads through its DMA
 * domain and the locked L1: the first word of each firmware page is its
 * PA XOR a magic (apple-dart-display-regs.h).  Catches a boot region
 * missing from the DMA domain, mapped at its PA, or an L1 entry still
 * pointing at the boot loader's table while the domain's is elsewhere.
 */
TEST_F(locked, boot_region_through_dma_domain)
{
	uint64_t heap = resv_pa("dcp-heap");
	struct adt_run r;

	ASSERT_NE(0, heap);
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->dcp, ADT_OP_READ32, 0,
			     ADD_HEAP_IOVA + PG, 0, 4, 0, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	EXPECT_EQ((uint32_t)(heap + PG) ^ ADD_FW_MAGIC, r.data);
}

/*
 * A fault on another stream of a locked DART (piodma, dart-disp0 stream
 * 4, next to the scanout's stream 0) is decoded and reported with its
 * stream and IOVA; the scenario checks the scanout saw no faulted frame.
 * Catches a fault path that needs registers a locked DART ignores, or
 * pins the fault on the wrong stream.
 */
TEST_F(locked, fault_on_locked_dart)
{
	struct adt_engine_info ei;
	char line[1024] = "";
	long f0 = adt_dart_counter(disp_dart, "faults");
	struct adt_run r;
	int kfd, found;

	ASSERT_EQ(0, adt_engine(self->f.fd, self->piodma, &ei));
	kfd = kmsg_open();
	ASSERT_LE(0, kfd);
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->piodma, ADT_OP_READ32, 0, IOVA_Y + 64,
			     0, 4, 0, &r));
	EXPECT_TRUE(r.status & ADT_ST_ERROR);
	EXPECT_EQ(IOVA_Y + 64, r.fault_iova);
	found = kmsg_wait_fault(kfd, IOVA_Y + 64, ei.sid[0], line, sizeof(line));
	EXPECT_TRUE(found) TH_LOG("no fault report for stream %u", ei.sid[0]);
	if (found)
		TH_LOG("driver: %s", line);
	EXPECT_EQ(f0 + 1, adt_dart_counter(disp_dart, "faults"));
	close(kfd);
}

/*
 * Streaming DMA through the piodma stream's DMA domain, whose first
 * buffer needs a leaf table the boot loader's (empty) L1 lacks.
 * Catches an iotlb_sync_map that installs the table in the shadow only.
 */
TEST_F(locked, piodma_streaming)
{
	unsigned char *buf = malloc(4 * PG);
	struct adt_run r;
	struct adt_b b;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->piodma, ADT_BUF_SINGLE, 4 * PG,
			       ADT_DIR_BIDIRECTIONAL, 0, &b));
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->piodma, ADT_OP_FILL, 0, 0, b.iova,
			     4 * PG, 0x13572468, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(self->f.fd, b.handle, 0, 0, buf, 4 * PG));
	EXPECT_EQ(-1, find_not_word(buf, 4 * PG, 0x13572468));
	EXPECT_EQ(0, adt_free(self->f.fd, b.handle));
	free(buf);
}

TEST_HARNESS_MAIN
