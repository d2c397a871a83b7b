// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's DMA map benchmark (kernel/dma/map_benchmark.c) bound to a
 * DMA test engine behind a DART: it hammers the DART driver's map, unmap
 * and TLB invalidation path from kernel threads.  Run in strict mode, and
 * in lazy mode where the driver supports it; print the latencies, and check
 * that the run was clean: the ioctl succeeded, the DART saw invalidations,
 * no stale TLB use or model violation, no DMA-API debug error.
 *
 * The engine is borrowed from the engine library's driver (dart-test-engine,
 * whose bind and unbind the test client follows) through driver_override
 * and given back afterwards.
 */

#include "kselftest_harness.h"
#include "adt_util.h"

/* The uAPI of kernel/dma/map_benchmark.c (include/linux/map_benchmark.h) */
#define DMA_MAP_BENCHMARK	_IOWR('d', 1, struct map_benchmark)
#define DMA_MAP_BIDIRECTIONAL	0

struct map_benchmark {
	uint64_t avg_map_100ns;
	uint64_t map_stddev;
	uint64_t avg_unmap_100ns;
	uint64_t unmap_stddev;
	uint32_t threads;
	uint32_t seconds;
	int32_t node;
	uint32_t dma_bits;
	uint32_t dma_dir;
	uint32_t dma_trans_ns;
	uint32_t granule;
	uint8_t expansion[76];
};

#define BENCH_DEBUGFS	"/sys/kernel/debug/dma_map_benchmark"
#define PLAT		"/sys/bus/platform"

FIXTURE(bench) {
	struct adt_fixture f;
	int borrowed;
	int ran;
	uint32_t c0[ADT_NR_COUNTERS];
};

static int rebind_client(struct __test_metadata *_metadata, const char *dev)
{
	char path[160];

	snprintf(path, sizeof(path), PLAT "/drivers/dma_map_benchmark/unbind");
	write_str(path, dev);
	snprintf(path, sizeof(path), PLAT "/devices/%s/driver_override", dev);
	EXPECT_EQ(0, write_str(path, "\n"));
	snprintf(path, sizeof(path), PLAT "/drivers/dart-test-engine/bind");
	return write_str(path, dev);
}

FIXTURE_SETUP(bench)
{
	char path[160];

	if (adt_fixture_setup(_metadata, &self->f))
		return;
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, self->c0));

	snprintf(path, sizeof(path), PLAT "/devices/%s/driver_override",
		 self->f.ei.dev_name);
	ASSERT_EQ(0, write_str(path, "dma_map_benchmark"));
	snprintf(path, sizeof(path), PLAT "/drivers/dart-test-engine/unbind");
	ASSERT_EQ(0, write_str(path, self->f.ei.dev_name));
	self->borrowed = 1;
	snprintf(path, sizeof(path), PLAT "/drivers/dma_map_benchmark/bind");
	ASSERT_EQ(0, write_str(path, self->f.ei.dev_name));
}

FIXTURE_TEARDOWN(bench)
{
	uint32_t c1[ADT_NR_COUNTERS];
	char path[96];

	if (!self->borrowed)
		return;
	/* Unbound, the group can go back to a strict domain. */
	EXPECT_EQ(0, write_str(PLAT "/drivers/dma_map_benchmark/unbind",
			       self->f.ei.dev_name));
	if (self->f.ei.flags & ADT_ENGINE_DEFERRED) {
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/type",
			 self->f.ei.group_id);
		EXPECT_EQ(0, write_str(path, "DMA"));
	}
	EXPECT_EQ(0, rebind_client(_metadata, self->f.ei.dev_name));
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c1));
	/* Unmaps invalidated; nothing stale, nothing the model refused. */
	if (self->ran)
		EXPECT_LT(self->c0[ADT_CNT_INV_CMDS] + self->c0[ADT_CNT_INV_ALL],
			  c1[ADT_CNT_INV_CMDS] + c1[ADT_CNT_INV_ALL]);
	EXPECT_EQ(self->c0[ADT_CNT_STALE], c1[ADT_CNT_STALE]);
	EXPECT_EQ(self->c0[ADT_CNT_VIOLATIONS], c1[ADT_CNT_VIOLATIONS]);
	adt_fixture_dma_clean(_metadata, &self->f);
	adt_fixture_close(&self->f);
}

static int run_bench(struct __test_metadata *_metadata, int *ran,
		     const char *mode, const char *driver, unsigned int granule)
{
	struct map_benchmark mb = {
		.threads = 1, .seconds = 2, .node = -1, .dma_bits = 32,
		.dma_dir = DMA_MAP_BIDIRECTIONAL, .granule = granule,
	};
	int fd = open(BENCH_DEBUGFS, O_RDWR);
	int ret;

	if (fd < 0)
		return -errno;
	ret = ioctl(fd, DMA_MAP_BENCHMARK, &mb) ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	*ran = 1;
	/* Figures in the note (Documentation/dart/testing.rst) come from here. */
	printf("# bench %s %s granule %u: map %llu.%llu us (stddev %llu.%llu),",
	       driver, mode, granule,
	       (unsigned long long)mb.avg_map_100ns / 10,
	       (unsigned long long)mb.avg_map_100ns % 10,
	       (unsigned long long)mb.map_stddev / 10,
	       (unsigned long long)mb.map_stddev % 10);
	printf(" unmap %llu.%llu us (stddev %llu.%llu)\n",
	       (unsigned long long)mb.avg_unmap_100ns / 10,
	       (unsigned long long)mb.avg_unmap_100ns % 10,
	       (unsigned long long)mb.unmap_stddev / 10,
	       (unsigned long long)mb.unmap_stddev % 10);
	EXPECT_LT(0, mb.avg_map_100ns);
	EXPECT_LT(0, mb.avg_unmap_100ns);
	return 0;
}

/* The first line of @path without its newline; 0 or -errno. */
static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	n = n < 0 ? -errno : n;
	close(fd);
	if (n < 0)
		return n;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

TEST_F(bench, strict)
{
	ASSERT_EQ(0, run_bench(_metadata, &self->ran, "strict", self->f.ei.iommu_driver, 1));
	ASSERT_EQ(0, run_bench(_metadata, &self->ran, "strict", self->f.ei.iommu_driver, 16));
}

TEST_F(bench, lazy)
{
	char path[96], type[32];

	if (!(self->f.ei.flags & ADT_ENGINE_DEFERRED))
		SKIP(return, "%s has no deferred flush", self->f.ei.iommu_driver);
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/type",
		 self->f.ei.group_id);
	ASSERT_EQ(0, write_str(path, "DMA-FQ"));
	/*
	 * The engine is lent out, so the client cannot say; the group's own
	 * type must read back DMA-FQ, or "lazy" would measure strict again.
	 */
	ASSERT_EQ(0, read_str(path, type, sizeof(type)));
	ASSERT_STREQ("DMA-FQ", type);
	ASSERT_EQ(0, run_bench(_metadata, &self->ran, "lazy", self->f.ei.iommu_driver, 1));
	ASSERT_EQ(0, run_bench(_metadata, &self->ran, "lazy", self->f.ei.iommu_driver, 16));
}

TEST_HARNESS_MAIN
