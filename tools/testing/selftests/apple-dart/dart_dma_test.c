// SPDX-License-Identifier: GPL-2.0
/*
 * DMA API through the DART: every allocator the DMA API offers, used by the
 * emulated DMA test engine, which reads and writes the memory through the
 * DART model.  Each test checks what the device actually did: the bytes it
 * wrote or checksummed, the fault the DART raised (IOVA, stream, kind) and
 * the model's counters.  Runs against whichever IOMMU driver owns the
 * DARTs (the project's, or the 6.12 oracle); tests that need hardware the
 * machine lacks (a second DART, the 64-stream DART) are skipped.
 */

#include "kselftest_harness.h"
#include "adt_util.h"

#define FB_SIZE		(1920UL * 1080 * 4)	/* one 1080p XRGB8888 frame */

FIXTURE(dma) {
	struct adt_fixture f;
	uint32_t c0[ADT_NR_COUNTERS];
};

FIXTURE_SETUP(dma)
{
	if (adt_fixture_setup(_metadata, &self->f))
		return;
	/*
	 * Data that comes back right proves nothing if the DART let it
	 * through untranslated: the engine must be in a translated domain.
	 */
	ASSERT_EQ(ADT_DOMAIN_DMA, self->f.ei.domain_type)
		TH_LOG("%s is in domain type %u", self->f.ei.label, self->f.ei.domain_type);
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, self->c0));
}

FIXTURE_TEARDOWN(dma)
{
	uint32_t c1[ADT_NR_COUNTERS];

	/* Whatever the test did, the DART translated it: nothing bypassed. */
	if (self->f.fd >= 0 && self->f.eng >= 0 && !adt_cnt(self->f.fd, self->f.eng, 0, c1))
		EXPECT_EQ(self->c0[ADT_CNT_BYPASS], c1[ADT_CNT_BYPASS]);
	/* Closing freed every buffer: DMA-API debug must have nothing to say. */
	adt_fixture_close(&self->f);
	adt_fixture_dma_clean(_metadata, &self->f);
}

/* Every engine sits in a translated domain of a DART driver. */
TEST_F(dma, engines_behind_dart)
{
	struct adt_engine_info ei;
	int i, n = adt_nr_engines(self->f.fd), bound = 0;

	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, adt_engine(self->f.fd, i, &ei));
		if (!(ei.flags & ADT_ENGINE_BOUND))
			continue;
		bound++;
		TH_LOG("%s (%s): stream %u on %s%s%s, group %d, domain %u, driver %s",
		       ei.label, ei.dev_name, ei.sid[0], ei.dart[0],
		       ei.flags & ADT_ENGINE_PORT1 ? " + " : "",
		       ei.flags & ADT_ENGINE_PORT1 ? ei.dart[1] : "",
		       ei.group_id, ei.domain_type, ei.iommu_driver);
		EXPECT_LE(0, ei.group_id);
		EXPECT_EQ(ADT_DOMAIN_DMA, ei.domain_type);
		EXPECT_NE(0, strlen(ei.iommu_driver));
	}
	EXPECT_LT(0, bound);
	/* Out of range is refused, not clamped. */
	EXPECT_EQ(-EINVAL, adt_engine(self->f.fd, n, &ei));
}

/* dma_alloc_coherent(): CPU writes, device checksums; device fills, CPU reads. */
TEST_F(dma, coherent_round_trip)
{
	const size_t len = 3 * PG;
	uint32_t c0[ADT_NR_COUNTERS], c1[ADT_NR_COUNTERS];
	unsigned char *buf = malloc(len);
	struct adt_run r;
	struct adt_b b;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_COHERENT, len, 0, 0, &b));
	ASSERT_NE(0, b.iova);
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c0));

	fill_pattern(buf, len, 1);
	ASSERT_EQ(0, adt_rw(self->f.fd, b.handle, 1, 0, buf, len));
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_CHECKSUM, 0, b.iova, 0, len, 0, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	EXPECT_EQ(fnv1a(buf, len), r.result);

	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_FILL, 0, 0, b.iova, len,
			     0xa5c3e1f0, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(self->f.fd, b.handle, 0, 0, buf, len));
	EXPECT_EQ(-1, find_not_word(buf, len, 0xa5c3e1f0));

	/* Translated by walking the DART's tables, never bypassed. */
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c1));
	EXPECT_LT(c0[ADT_CNT_WALKS], c1[ADT_CNT_WALKS]);
	EXPECT_EQ(c0[ADT_CNT_BYPASS], c1[ADT_CNT_BYPASS]);
	EXPECT_EQ(c0[ADT_CNT_FAULTS], c1[ADT_CNT_FAULTS]);
	EXPECT_EQ(c0[ADT_CNT_STALE], c1[ADT_CNT_STALE]);
	EXPECT_EQ(0, adt_free(self->f.fd, b.handle));
	free(buf);
}

/*
 * DMA_ATTR_NO_KERNEL_MAPPING: the kernel never touches the memory through
 * the cookie; the device fills it, copies it into a normal buffer, and the
 * pages seen through dma_get_sgtable() hold the same bytes.
 */
TEST_F(dma, coherent_no_kernel_mapping)
{
	const size_t len = 4 * PG;
	unsigned char *buf = malloc(len);
	struct adt_b nk, out;
	struct adt_run r;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_COHERENT, len, 0,
			       ADT_BUF_NO_KERNEL_MAPPING, &nk));
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_COHERENT, len, 0, 0, &out));
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_FILL, 0, 0, nk.iova, len,
			     0x600dcafe, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_COPY, 0, nk.iova, out.iova,
			     len, 0, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(self->f.fd, out.handle, 0, 0, buf, len));
	EXPECT_EQ(-1, find_not_word(buf, len, 0x600dcafe));
	/* The pages dma_get_sgtable() gives hold what the device wrote. */
	memset(buf, 0, len);
	ASSERT_EQ(0, adt_rw(self->f.fd, nk.handle, 0, 0, buf, len));
	EXPECT_EQ(-1, find_not_word(buf, len, 0x600dcafe));

	/* CPU write through the pages, device checksum of the same IOVA. */
	fill_pattern(buf, len, 9);
	ASSERT_EQ(0, adt_rw(self->f.fd, nk.handle, 1, 0, buf, len));
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_CHECKSUM, 0, nk.iova, 0, len, 0, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	EXPECT_EQ(fnv1a(buf, len), r.result);
	free(buf);
}

/*
 * A framebuffer-sized physically contiguous buffer (DMA_ATTR_FORCE_CONTIGUOUS,
 * from CMA): the device fills all of it through the DART, and the CPU reads
 * back every byte.
 */
TEST_F(dma, framebuffer_contiguous)
{
	unsigned char *buf = malloc(FB_SIZE);
	uint32_t c0[ADT_NR_COUNTERS], c1[ADT_NR_COUNTERS];
	struct adt_run r;
	struct adt_b fb;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_COHERENT, FB_SIZE, 0,
			       ADT_BUF_FORCE_CONTIGUOUS, &fb));
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c0));
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_FILL, 0, 0, fb.iova, FB_SIZE,
			     0xff336699, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(self->f.fd, fb.handle, 0, 0, buf, FB_SIZE));
	EXPECT_EQ(-1, find_not_word(buf, FB_SIZE, 0xff336699));

	fill_pattern(buf, FB_SIZE, 3);
	ASSERT_EQ(0, adt_rw(self->f.fd, fb.handle, 1, 0, buf, FB_SIZE));
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_CHECKSUM, 0, fb.iova, 0,
			     FB_SIZE, 0, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	EXPECT_EQ(fnv1a(buf, FB_SIZE), r.result);
	/* About 500 16K pages: the walks prove the DART translated them all. */
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c1));
	EXPECT_LE(FB_SIZE / PG, c1[ADT_CNT_WALKS] - c0[ADT_CNT_WALKS]);
	free(buf);
}

/*
 * dma_map_single() of memory that starts mid-page, both directions: the
 * device copies a TO_DEVICE buffer into a FROM_DEVICE one.
 */
TEST_F(dma, streaming_single)
{
	const size_t len = 2 * PG + 300;
	struct adt_buf_alloc a = {
		.engine = self->f.eng, .kind = ADT_BUF_SINGLE, .size = len,
		.dir = ADT_DIR_TO_DEVICE, .offset = 100,
	};
	unsigned char *in = malloc(len), *out = malloc(len);
	struct adt_b dst;
	struct adt_run r;

	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, out);
	ASSERT_EQ(0, adt_ioc(self->f.fd, ADT_IOC_BUF_ALLOC, &a));
	EXPECT_EQ(100, a.iova % PG);
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_SINGLE, len,
			       ADT_DIR_FROM_DEVICE, 0, &dst));
	fill_pattern(in, len, 5);
	ASSERT_EQ(0, adt_rw(self->f.fd, a.handle, 1, 0, in, len));
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_COPY, 0, a.iova, dst.iova,
			     len, 0, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(self->f.fd, dst.handle, 0, 0, out, len));
	EXPECT_EQ(0, memcmp(in, out, len));
	free(in);
	free(out);
}

/*
 * dma_map_sgtable() of pages allocated one by one: the IOMMU gives the
 * scattered pages one contiguous IOVA range, which the device walks.
 */
TEST_F(dma, streaming_sg)
{
	const size_t len = 16 * PG;
	unsigned char *in = malloc(len), *out = malloc(len);
	struct adt_b sg, dst;
	struct adt_run r;

	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, out);
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_SG, len,
			       ADT_DIR_BIDIRECTIONAL, 0, &sg));
	EXPECT_EQ(1, sg.nr_segs);
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_SINGLE, len,
			       ADT_DIR_FROM_DEVICE, 0, &dst));
	fill_pattern(in, len, 7);
	ASSERT_EQ(0, adt_rw(self->f.fd, sg.handle, 1, 0, in, len));
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_CHECKSUM, 0, sg.iova, 0, len, 0, &r));
	EXPECT_EQ(fnv1a(in, len), r.result);
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_COPY, 0, sg.iova, dst.iova,
			     len, 0, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(self->f.fd, dst.handle, 0, 0, out, len));
	EXPECT_EQ(0, memcmp(in, out, len));

	/* The device writes the sg buffer too. */
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_FILL, 0, 0, sg.iova + PG,
			     PG, 0x13572468, &r));
	ASSERT_EQ(0, adt_rw(self->f.fd, sg.handle, 0, 0, out, len));
	EXPECT_EQ(0, memcmp(in, out, PG));
	EXPECT_EQ(-1, find_not_word(out + PG, PG, 0x13572468));
	EXPECT_EQ(0, memcmp(in + 2 * PG, out + 2 * PG, len - 2 * PG));
	free(in);
	free(out);
}

/* dma_alloc_noncontiguous() + dma_vmap_noncontiguous() */
TEST_F(dma, noncontiguous)
{
	const size_t len = 8 * PG;
	unsigned char *buf = malloc(len);
	struct adt_run r;
	struct adt_b nc;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_NONCONTIG, len,
			       ADT_DIR_BIDIRECTIONAL, 0, &nc));
	EXPECT_EQ(1, nc.nr_segs);
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_FILL, 0, 0, nc.iova, len,
			     0x0badf00d, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(self->f.fd, nc.handle, 0, 0, buf, len));
	EXPECT_EQ(-1, find_not_word(buf, len, 0x0badf00d));
	fill_pattern(buf, len, 11);
	ASSERT_EQ(0, adt_rw(self->f.fd, nc.handle, 1, 0, buf, len));
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_CHECKSUM, 0, nc.iova, 0, len, 0, &r));
	EXPECT_EQ(fnv1a(buf, len), r.result);
	free(buf);
}

/*
 * The DMA direction is a permission: a device write into a TO_DEVICE
 * mapping and a read of a FROM_DEVICE one are refused by the DART at the
 * exact IOVA, and the memory is untouched.
 */
TEST_F(dma, direction_is_enforced)
{
	const uint32_t keep = 0x5a5aa5a5, secret = 0x0ff1ce00;
	uint32_t c0[ADT_NR_COUNTERS], c1[ADT_NR_COUNTERS], word;
	char line[1024] = "";
	struct adt_b ro, wo;
	struct adt_run r;
	int kfd, found;

	kfd = kmsg_open();
	ASSERT_LE(0, kfd);
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_SINGLE, PG,
			       ADT_DIR_TO_DEVICE, 0, &ro));
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_SINGLE, PG,
			       ADT_DIR_FROM_DEVICE, 0, &wo));
	/* Known words, not zeroes: "untouched" and "not read" then mean something. */
	word = keep;
	ASSERT_EQ(0, adt_rw(self->f.fd, ro.handle, 1, 64, &word, 4));
	word = secret;
	ASSERT_EQ(0, adt_rw(self->f.fd, wo.handle, 1, 128, &word, 4));
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c0));

	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_WRITE32, 0, 0, ro.iova + 64,
			     4, 0xdeadbeef, &r));
	EXPECT_TRUE(r.status & ADT_ST_ERROR);
	EXPECT_EQ(ro.iova + 64, r.fault_iova);
	word = 0;
	ASSERT_EQ(0, adt_rw(self->f.fd, ro.handle, 0, 64, &word, 4));
	EXPECT_EQ(keep, word);
	/*
	 * The driver decoded the write fault: stream, IOVA, a write.  Wait
	 * for its report before the next fault: the DART holds one error
	 * until the driver clears it, and ours clears before it logs.
	 */
	found = kmsg_wait_fault(kfd, ro.iova + 64, self->f.ei.sid[0], line, sizeof(line));
	EXPECT_TRUE(found) TH_LOG("no fault report for stream %u IOVA 0x%llx",
				  self->f.ei.sid[0], (unsigned long long)ro.iova + 64);
	if (found)
		EXPECT_NE(NULL, strcasestr(line, "write")) TH_LOG("driver: %s", line);

	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_READ32, 0, wo.iova + 128, 0,
			     4, 0, &r));
	EXPECT_TRUE(r.status & ADT_ST_ERROR);
	EXPECT_EQ(wo.iova + 128, r.fault_iova);
	EXPECT_NE(secret, r.data);

	/* ... while the permitted direction works. */
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_WRITE32, 0, 0, wo.iova + 128,
			     4, 0x12345678, &r));
	EXPECT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(self->f.fd, wo.handle, 0, 128, &word, 4));
	EXPECT_EQ(0x12345678, word);

	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c1));
	EXPECT_EQ(2, c1[ADT_CNT_FAULTS] - c0[ADT_CNT_FAULTS]);

	/*
	 * ... and the read fault, as a read.  Only ours is held to its words
	 * ("read at"): 6.12 logs "READ FAULT", and ours' write fault line
	 * says "read-only", so a bare "read" would prove nothing.
	 */
	if (adt_is_ours(self->f.fd, self->f.eng)) {
		found = kmsg_wait_fault(kfd, wo.iova + 128, self->f.ei.sid[0], line,
					sizeof(line));
		EXPECT_TRUE(found) TH_LOG("no fault report for stream %u IOVA 0x%llx",
					  self->f.ei.sid[0],
					  (unsigned long long)wo.iova + 128);
		if (found)
			EXPECT_NE(NULL, strstr(line, "read at")) TH_LOG("driver: %s", line);
	}
	close(kfd);
}

/*
 * Strict mode: once dma_unmap_single() returns, the device can no longer
 * reach the memory.  The DART faults at the exact IOVA, the driver decodes
 * it with the right stream, and the model saw no use of a stale TLB entry
 * (the unmap invalidated it).
 */
TEST_F(dma, dma_after_unmap_faults)
{
	uint32_t c0[ADT_NR_COUNTERS], c1[ADT_NR_COUNTERS];
	char line[1024] = "";
	struct adt_run r;
	struct adt_b b;
	int kfd, found;

	kfd = kmsg_open();
	ASSERT_LE(0, kfd);
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_SINGLE, PG,
			       ADT_DIR_BIDIRECTIONAL, 0, &b));
	/* Warm the TLB so a missing invalidate would be caught. */
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_WRITE32, 0, 0, b.iova + 0x40,
			     4, 0x77, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_READ32, 0, b.iova + 0x40, 0,
			     4, 0, &r));
	ASSERT_EQ(0x77, r.data);
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c0));
	ASSERT_EQ(0, adt_free(self->f.fd, b.handle));

	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_READ32, 0, b.iova + 0x40, 0,
			     4, 0, &r));
	EXPECT_TRUE(r.status & ADT_ST_ERROR);
	EXPECT_EQ(b.iova + 0x40, r.fault_iova);
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c1));
	EXPECT_EQ(1, c1[ADT_CNT_FAULTS] - c0[ADT_CNT_FAULTS]);
	EXPECT_EQ(c0[ADT_CNT_STALE], c1[ADT_CNT_STALE]);
	EXPECT_LE(1, c1[ADT_CNT_INV_CMDS] - c0[ADT_CNT_INV_CMDS] +
		  c1[ADT_CNT_INV_ALL] - c0[ADT_CNT_INV_ALL]);

	/* The driver's IRQ handler reported it: stream and IOVA. */
	found = kmsg_wait_fault(kfd, b.iova + 0x40, self->f.ei.sid[0], line, sizeof(line));
	EXPECT_TRUE(found) TH_LOG("no fault report for stream %u IOVA 0x%llx",
				  self->f.ei.sid[0], (unsigned long long)b.iova + 0x40);
	if (found)
		TH_LOG("driver: %s", line);
	close(kfd);
}

/* Engines on one stream share the group, the domain and its mappings. */
TEST_F(dma, shared_stream_shares_domain)
{
	int eb = adt_find(self->f.fd, "dma-t8103-b"), ec = adt_find(self->f.fd, "dma-t8103-c");
	struct adt_engine_info ib, ic;
	uint32_t word = 0;
	struct adt_run r;
	struct adt_b b;

	if (eb < 0 || ec < 0)
		SKIP(return, "engines sharing a stream not bound");
	ASSERT_EQ(0, adt_engine(self->f.fd, eb, &ib));
	ASSERT_EQ(0, adt_engine(self->f.fd, ec, &ic));
	EXPECT_EQ(ib.sid[0], ic.sid[0]);
	EXPECT_EQ(ib.group_id, ic.group_id);
	ASSERT_EQ(0, adt_alloc(self->f.fd, eb, ADT_BUF_COHERENT, PG, 0, 0, &b));
	ASSERT_EQ(0, adt_cmd(self->f.fd, ec, ADT_OP_WRITE32, 0, 0, b.iova + 8, 4,
			     0xc0c0c0c0, &r));
	EXPECT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(self->f.fd, b.handle, 0, 8, &word, 4));
	EXPECT_EQ(0xc0c0c0c0, word);
}

/*
 * Streams in different groups have different domains: what one engine
 * has mapped is not reachable by an engine on another stream.
 */
TEST_F(dma, other_stream_is_isolated)
{
	struct adt_engine_info ei;
	int i, other = -1, n = adt_nr_engines(self->f.fd);
	uint32_t word = 0;
	struct adt_run r;
	struct adt_b b;

	for (i = 0; i < n && other < 0; i++)
		if (i != self->f.eng && !adt_engine(self->f.fd, i, &ei) &&
		    (ei.flags & ADT_ENGINE_BOUND) && ei.group_id != self->f.ei.group_id &&
		    ei.domain_type == ADT_DOMAIN_DMA)
			other = i;
	if (other < 0)
		SKIP(return, "no engine in another group");
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_COHERENT, PG, 0, 0, &b));
	ASSERT_EQ(0, adt_cmd(self->f.fd, other, ADT_OP_WRITE32, 0, 0, b.iova, 4,
			     0xbad0bad0, &r));
	EXPECT_TRUE(r.status & ADT_ST_ERROR);
	EXPECT_EQ(b.iova, r.fault_iova);
	ASSERT_EQ(0, adt_rw(self->f.fd, b.handle, 0, 0, &word, 4));
	EXPECT_EQ(0, word);
}

/*
 * A blocked group: every access of the engine is refused, buffers stay
 * mapped in the DMA domain and work again once it is back.
 */
TEST_F(dma, blocked_domain_blocks)
{
	struct adt_attach at = { .engine = self->f.eng, .domain = ADT_ATTACH_BLOCKED };
	uint32_t c0[ADT_NR_COUNTERS], c1[ADT_NR_COUNTERS], word = 0;
	struct adt_engine_info ei;
	struct adt_run r;
	struct adt_b b;

	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_COHERENT, PG, 0, 0, &b));
	ASSERT_EQ(0, adt_ioc(self->f.fd, ADT_IOC_ATTACH, &at));
	ASSERT_EQ(0, adt_engine(self->f.fd, self->f.eng, &ei));
	EXPECT_EQ(ADT_DOMAIN_BLOCKED, ei.domain_type);
	EXPECT_TRUE(ei.flags & ADT_ENGINE_OWNED);
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c0));
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_WRITE32, 0, 0, b.iova, 4,
			     0x1, &r));
	EXPECT_TRUE(r.status & ADT_ST_ERROR);
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_READ32, 0, b.iova, 0, 4, 0, &r));
	EXPECT_TRUE(r.status & ADT_ST_ERROR);
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c1));
	EXPECT_EQ(c0[ADT_CNT_WALKS], c1[ADT_CNT_WALKS]);
	EXPECT_LE(2, c1[ADT_CNT_FAULTS] - c0[ADT_CNT_FAULTS]);
	ASSERT_EQ(0, adt_rw(self->f.fd, b.handle, 0, 0, &word, 4));
	EXPECT_EQ(0, word);

	at.domain = ADT_ATTACH_DEFAULT;
	ASSERT_EQ(0, adt_ioc(self->f.fd, ADT_IOC_ATTACH, &at));
	ASSERT_EQ(0, adt_engine(self->f.fd, self->f.eng, &ei));
	EXPECT_EQ(ADT_DOMAIN_DMA, ei.domain_type);
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_WRITE32, 0, 0, b.iova, 4,
			     0x2, &r));
	EXPECT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(self->f.fd, b.handle, 0, 0, &word, 4));
	EXPECT_EQ(2, word);
}

/* Two bound engines behind different DARTs, both in DMA domains. */
static int two_darts(int fd, int *x, int *y)
{
	struct adt_engine_info a, b;
	int i, j, n = adt_nr_engines(fd);

	for (i = 0; i < n; i++) {
		if (adt_engine(fd, i, &a) || !(a.flags & ADT_ENGINE_BOUND) ||
		    a.domain_type != ADT_DOMAIN_DMA)
			continue;
		for (j = i + 1; j < n; j++) {
			if (adt_engine(fd, j, &b) || !(b.flags & ADT_ENGINE_BOUND) ||
			    b.domain_type != ADT_DOMAIN_DMA ||
			    !strcmp(a.dart[0], b.dart[0]))
				continue;
			*x = i;
			*y = j;
			return 1;
		}
	}
	return 0;
}

/*
 * One buffer, two devices on two DARTs, each with its own sg list and
 * IOVA: each engine writes half, both checksum all of it, and the CPU sees
 * both halves.
 */
TEST_F(dma, buffer_shared_by_two_darts)
{
	const size_t len = 8 * PG, half = len / 2;
	unsigned char *buf = malloc(len);
	struct adt_b bx, by;
	struct adt_run r;
	uint32_t want;
	int x, y;

	ASSERT_NE(NULL, buf);
	if (!two_darts(self->f.fd, &x, &y))
		SKIP(return, "no engines on two different DARTs");
	ASSERT_EQ(0, adt_alloc(self->f.fd, x, ADT_BUF_SG, len, ADT_DIR_BIDIRECTIONAL, 0, &bx));
	ASSERT_EQ(0, adt_share(self->f.fd, y, bx.handle, ADT_DIR_BIDIRECTIONAL, &by));
	ASSERT_EQ(len, by.size);
	EXPECT_EQ(bx.phys, by.phys);

	ASSERT_EQ(0, adt_cmd(self->f.fd, x, ADT_OP_FILL, 0, 0, bx.iova, half, 0x11111111, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_cmd(self->f.fd, y, ADT_OP_FILL, 0, 0, by.iova + half, half,
			     0x22222222, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(self->f.fd, bx.handle, 0, 0, buf, len));
	EXPECT_EQ(-1, find_not_word(buf, half, 0x11111111));
	EXPECT_EQ(-1, find_not_word(buf + half, half, 0x22222222));
	want = fnv1a(buf, len);
	ASSERT_EQ(0, adt_cmd(self->f.fd, x, ADT_OP_CHECKSUM, 0, bx.iova, 0, len, 0, &r));
	EXPECT_EQ(want, r.result);
	ASSERT_EQ(0, adt_cmd(self->f.fd, y, ADT_OP_CHECKSUM, 0, by.iova, 0, len, 0, &r));
	EXPECT_EQ(want, r.result);
	/* Unmapping from one DART leaves the other's mapping alone. */
	ASSERT_EQ(0, adt_free(self->f.fd, bx.handle));
	ASSERT_EQ(0, adt_cmd(self->f.fd, y, ADT_OP_CHECKSUM, 0, by.iova, 0, len, 0, &r));
	EXPECT_EQ(ADT_ST_DONE, r.status);
	EXPECT_EQ(want, r.result);
	free(buf);
}

/*
 * A master behind two DARTs (DCP-like): both DARTs carry the device's
 * mappings, so either port reaches the buffer, and an unmap reaches both.
 */
TEST_F(dma, master_on_two_darts)
{
	const size_t len = 2 * PG;
	uint32_t c0[ADT_NR_COUNTERS], c1[ADT_NR_COUNTERS], p0[ADT_NR_COUNTERS];
	unsigned char *buf = malloc(len);
	struct adt_engine_info ei;
	int e;
	struct adt_run r;
	struct adt_b b;

	ASSERT_NE(NULL, buf);
	e = adt_find_engine(self->f.fd, ADT_ENGINE_PORT1, 0, UINT32_MAX, &ei);
	if (e < 0)
		SKIP(return, "no engine behind two DARTs");
	TH_LOG("%s: %s stream %u + %s stream %u", ei.label, ei.dart[0], ei.sid[0],
	       ei.dart[1], ei.sid[1]);
	ASSERT_EQ(0, adt_alloc(self->f.fd, e, ADT_BUF_SINGLE, len, ADT_DIR_BIDIRECTIONAL, 0, &b));
	ASSERT_EQ(0, adt_cnt(self->f.fd, e, 0, p0));
	ASSERT_EQ(0, adt_cnt(self->f.fd, e, 1, c0));
	ASSERT_EQ(0, adt_cmd(self->f.fd, e, ADT_OP_FILL, 0, 0, b.iova, PG, 0x0d0d0d0d, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_cmd(self->f.fd, e, ADT_OP_FILL, ADT_RUN_PORT1, 0, b.iova + PG, PG,
			     0x1d1d1d1d, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(self->f.fd, b.handle, 0, 0, buf, len));
	EXPECT_EQ(-1, find_not_word(buf, PG, 0x0d0d0d0d));
	EXPECT_EQ(-1, find_not_word(buf + PG, PG, 0x1d1d1d1d));
	ASSERT_EQ(0, adt_cmd(self->f.fd, e, ADT_OP_CHECKSUM, ADT_RUN_PORT1, b.iova, 0,
			     len, 0, &r));
	EXPECT_EQ(fnv1a(buf, len), r.result);
	ASSERT_EQ(0, adt_cnt(self->f.fd, e, 1, c1));
	EXPECT_LT(c0[ADT_CNT_WALKS], c1[ADT_CNT_WALKS]);

	/* After the unmap, both DARTs refuse, and neither used a stale entry. */
	ASSERT_EQ(0, adt_free(self->f.fd, b.handle));
	ASSERT_EQ(0, adt_cmd(self->f.fd, e, ADT_OP_READ32, 0, b.iova, 0, 4, 0, &r));
	EXPECT_TRUE(r.status & ADT_ST_ERROR);
	EXPECT_EQ(b.iova, r.fault_iova);
	ASSERT_EQ(0, adt_cmd(self->f.fd, e, ADT_OP_READ32, ADT_RUN_PORT1, b.iova, 0, 4, 0, &r));
	EXPECT_TRUE(r.status & ADT_ST_ERROR);
	EXPECT_EQ(b.iova, r.fault_iova);
	ASSERT_EQ(0, adt_cnt(self->f.fd, e, 1, c1));
	EXPECT_EQ(c0[ADT_CNT_STALE], c1[ADT_CNT_STALE]);
	ASSERT_EQ(0, adt_cnt(self->f.fd, e, 0, c1));
	EXPECT_EQ(p0[ADT_CNT_STALE], c1[ADT_CNT_STALE]);
	EXPECT_LT(p0[ADT_CNT_WALKS], c1[ADT_CNT_WALKS]);
	EXPECT_EQ(p0[ADT_CNT_BYPASS], c1[ADT_CNT_BYPASS]);
	free(buf);
}

/*
 * A stream above 31 on the 64-stream DART: mapping, DMA, and the unmap's
 * invalidation must select the stream in the second STREAM_SELECT word
 * (a wrong word shows up as stale TLB use).
 */
TEST_F(dma, stream_above_31)
{
	uint32_t c0[ADT_NR_COUNTERS], c1[ADT_NR_COUNTERS];
	struct adt_engine_info ei;
	int e;
	struct adt_run r;
	struct adt_b b;

	e = adt_find_engine(self->f.fd, 0, 32, 64, &ei);
	if (e < 0)
		SKIP(return, "no engine on a stream 32-63 (64-stream DART)");
	ASSERT_EQ(ADT_DOMAIN_DMA, ei.domain_type);
	ASSERT_EQ(0, adt_alloc(self->f.fd, e, ADT_BUF_SINGLE, PG, ADT_DIR_BIDIRECTIONAL, 0, &b));
	ASSERT_EQ(0, adt_cmd(self->f.fd, e, ADT_OP_WRITE32, 0, 0, b.iova + 4, 4, 0x64646464, &r));
	ASSERT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_cmd(self->f.fd, e, ADT_OP_READ32, 0, b.iova + 4, 0, 4, 0, &r));
	EXPECT_EQ(0x64646464, r.data);
	ASSERT_EQ(0, adt_cnt(self->f.fd, e, 0, c0));
	ASSERT_EQ(0, adt_free(self->f.fd, b.handle));
	ASSERT_EQ(0, adt_cmd(self->f.fd, e, ADT_OP_READ32, 0, b.iova + 4, 0, 4, 0, &r));
	EXPECT_TRUE(r.status & ADT_ST_ERROR);
	EXPECT_EQ(b.iova + 4, r.fault_iova);
	ASSERT_EQ(0, adt_cnt(self->f.fd, e, 0, c1));
	EXPECT_EQ(c0[ADT_CNT_STALE], c1[ADT_CNT_STALE]);
	EXPECT_EQ(c0[ADT_CNT_VIOLATIONS], c1[ADT_CNT_VIOLATIONS]);
	EXPECT_EQ(1, c1[ADT_CNT_FAULTS] - c0[ADT_CNT_FAULTS]);
}

/*
 * Bad arguments get a clear error and change nothing.  The client refuses
 * all of these itself, before the DMA API: dma-iommu hands the driver only
 * ranges it allocated, so bad input reaches the driver through the IOMMU
 * API alone (dart_iommu_test's driver_bad_arguments).
 */
TEST_F(dma, bad_arguments)
{
	struct adt_buf_alloc a = { .engine = self->f.eng, .kind = ADT_BUF_COHERENT };
	struct adt_counters c = { .engine = self->f.eng, .port = 2 };
	char small[8];
	struct adt_run r;
	struct adt_b b;
	int fd2;

	a.size = 0;
	EXPECT_EQ(-EINVAL, adt_ioc(self->f.fd, ADT_IOC_BUF_ALLOC, &a));
	a.size = ADT_BUF_MAX_SIZE + 1;
	EXPECT_EQ(-EINVAL, adt_ioc(self->f.fd, ADT_IOC_BUF_ALLOC, &a));
	a.size = PG;
	a.kind = 99;
	EXPECT_EQ(-EINVAL, adt_ioc(self->f.fd, ADT_IOC_BUF_ALLOC, &a));
	a.kind = ADT_BUF_SG;
	a.flags = ADT_BUF_NO_KERNEL_MAPPING;
	EXPECT_EQ(-EINVAL, adt_ioc(self->f.fd, ADT_IOC_BUF_ALLOC, &a));
	a.flags = 0;
	a.dir = 7;
	EXPECT_EQ(-EINVAL, adt_ioc(self->f.fd, ADT_IOC_BUF_ALLOC, &a));
	a.dir = 0;
	a.engine = 1000;
	EXPECT_EQ(-EINVAL, adt_ioc(self->f.fd, ADT_IOC_BUF_ALLOC, &a));
	a.engine = self->f.eng;
	a.kind = ADT_BUF_SHARE;
	a.share = 12345;
	EXPECT_EQ(-ENOENT, adt_ioc(self->f.fd, ADT_IOC_BUF_ALLOC, &a));
	/* A physically contiguous buffer larger than memory can give. */
	EXPECT_EQ(-ENOMEM, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_SINGLE,
				     ADT_BUF_MAX_SIZE, 0, 0, &b));

	EXPECT_EQ(-ENOENT, adt_free(self->f.fd, 777));
	ASSERT_EQ(0, adt_alloc(self->f.fd, self->f.eng, ADT_BUF_COHERENT, PG, 0, 0, &b));
	EXPECT_EQ(-EINVAL, adt_rw(self->f.fd, b.handle, 0, PG - 4, small, 8));
	EXPECT_EQ(-EINVAL, adt_rw(self->f.fd, b.handle, 0, 0, small, 0));
	EXPECT_EQ(-EFAULT, adt_rw(self->f.fd, b.handle, 0, 0, NULL, 8));

	EXPECT_EQ(-EINVAL, adt_cmd(self->f.fd, self->f.eng, 0, 0, 0, b.iova, 4, 0, &r));
	EXPECT_EQ(-EINVAL, adt_cmd(self->f.fd, self->f.eng, 9, 0, 0, b.iova, 4, 0, &r));
	EXPECT_EQ(-EINVAL, adt_cmd(self->f.fd, self->f.eng, ADT_OP_FILL, 0, 0, b.iova, 6, 0, &r));
	EXPECT_EQ(-EINVAL, adt_cmd(self->f.fd, self->f.eng, ADT_OP_READ32, 0, b.iova, 0, 8, 0, &r));
	EXPECT_EQ(-EINVAL, adt_cmd(self->f.fd, self->f.eng, ADT_OP_COPY, 0, b.iova, b.iova, 0,
				   0, &r));
	EXPECT_EQ(-EINVAL, adt_cmd(self->f.fd, self->f.eng, ADT_OP_FILL, 0x80, 0, b.iova, 4,
				   0, &r));
	if (!(self->f.ei.flags & ADT_ENGINE_PORT1))
		EXPECT_EQ(-EINVAL, adt_cmd(self->f.fd, self->f.eng, ADT_OP_FILL, ADT_RUN_PORT1,
					   0, b.iova, 4, 0, &r));
	EXPECT_EQ(-EINVAL, adt_cmd(self->f.fd, 1000, ADT_OP_FILL, 0, 0, b.iova, 4, 0, &r));
	EXPECT_EQ(-EINVAL, adt_ioc(self->f.fd, ADT_IOC_COUNTERS, &c));
	EXPECT_EQ(-ENOTTY, adt_ioc(self->f.fd, _IO(ADT_IOC_MAGIC, 0x7f), NULL));
	EXPECT_EQ(-ENOTTY, adt_ioc(self->f.fd, _IO('x', 1), NULL));

	/* Another open file cannot see or free this one's buffers. */
	fd2 = adt_open();
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-ENOENT, adt_free(fd2, b.handle));
	EXPECT_EQ(-ENOENT, adt_rw(fd2, b.handle, 0, 0, small, 4));
	close(fd2);
	EXPECT_EQ(0, adt_free(self->f.fd, b.handle));
	EXPECT_EQ(-ENOENT, adt_free(self->f.fd, b.handle));
}

/* After all of the above, DMA-API debug has found nothing in this boot. */
TEST(dma_api_debug_clean)
{
	long n = dma_debug_errors();

	if (n < 0)
		SKIP(return, "no %s", DMA_DEBUG_ERRORS);
	EXPECT_EQ(0, n);
}

TEST_HARNESS_MAIN
