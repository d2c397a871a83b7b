// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures on every path of the test client's operations, of
 * the DART's probe and of a master's: for N = 1, 2, ... the Nth allocation the calling task
 * makes inside one operation fails (/proc/self/task/TID/fail-nth, slab and
 * page allocations, GFP_KERNEL included), until the operation makes fewer
 * than N and succeeds.  After each failure:
 *  - the operation returned an error, or succeeded with the failure
 *    absorbed (an allocation the kernel may do without, such as a debugfs
 *    file or kmemleak's own bookkeeping), and then it really works;
 *  - the kernel printed no splat (WARNING, BUG, KASAN, UBSAN, ...);
 *  - the device still works: the operation done again without failures,
 *    a DMA through the DART reads and writes what it should.
 * Leaks are kmemleak's job, in the scan at the end of the scenario.
 * Each test prints its number of failure points; the last one the total.
 */

#include <stdarg.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "adt_util.h"

#define IOVA_A		0x10000000ULL
#define NPG		4
/* Far more allocations than any of these operations makes. */
#define MAX_POINTS	2000
#define COUNTS_FILE	"/tmp/dart_fail_nth.counts"
#define FI_DIR		"/sys/kernel/debug/"

/*
 * Make every allocation eligible (the defaults skip sleeping allocations
 * and order-0 pages, which is nearly all the driver makes) and quiet (the
 * harness looks for splats; the forced failures are no news).
 */
static int fail_nth_setup(void)
{
	static const char * const knobs[][2] = {
		{ "failslab/ignore-gfp-wait", "N" },
		{ "failslab/verbose", "0" },
		{ "fail_page_alloc/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "fail_page_alloc/min-order", "0" },
		{ "fail_page_alloc/verbose", "0" },
	};
	char path[128];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		snprintf(path, sizeof(path), FI_DIR "%s", knobs[i][0]);
		ret = write_str(path, knobs[i][1]);
		if (ret)
			return ret;
	}
	return 0;
}

/* This task's fail-nth file. */
static int nth_open(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	return open(path, O_RDWR | O_CLOEXEC);
}

static int nth_arm(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

/*
 * Disarm; 1 if the armed failure happened (the count reached 0), 0 if the
 * operation made fewer allocations than it allowed.
 */
static int nth_disarm(int fd)
{
	char buf[16] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (pwrite(fd, "0", 1, 0) != 1)
		return -errno;
	return n > 0 && atoi(buf) == 0;
}

/* What one sweep iteration works with; a fresh client file each time. */
struct ctx {
	int fd;
	int eng;
	uint32_t dom;
	struct adt_b pages;	/* NPG pages for ADT_IOC_MAP */
	struct adt_b buf;	/* the buffer of the buffer ops */
	uint32_t kind;		/* its kind */
	char why[160];
};

/* Say why a check failed; returns -1. */
static int failed(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return -1;
}

static int c_dom_alloc(struct ctx *c)
{
	struct adt_domain_alloc d = { .engine = c->eng };
	int ret = adt_ioc(c->fd, ADT_IOC_DOMAIN_ALLOC, &d);

	if (!ret)
		c->dom = d.domain;
	return ret;
}

static int c_pages(struct ctx *c)
{
	return adt_alloc(c->fd, -1, ADT_BUF_PAGES, NPG * PG, 0, 0, &c->pages);
}

static int c_map(struct ctx *c, uint64_t off, uint64_t iova, uint64_t len)
{
	struct adt_map m = {
		.domain = c->dom, .handle = c->pages.handle,
		.prot = ADT_PROT_READ | ADT_PROT_WRITE, .offset = off,
		.len = len, .iova = iova,
	};

	return adt_ioc(c->fd, ADT_IOC_MAP, &m);
}

static int c_unmap(struct ctx *c, uint64_t iova, uint64_t len)
{
	struct adt_unmap u = { .domain = c->dom, .iova = iova, .len = len };
	int ret = adt_ioc(c->fd, ADT_IOC_UNMAP, &u);

	if (!ret && u.unmapped != len)
		return -EIO;
	return ret;
}

static int c_attach(struct ctx *c)
{
	struct adt_attach at = { .engine = c->eng, .domain = c->dom };

	return adt_ioc(c->fd, ADT_IOC_ATTACH, &at);
}

static uint64_t c_phys(struct ctx *c, uint64_t iova)
{
	struct adt_iova_to_phys ip = { .domain = c->dom, .iova = iova };

	return adt_ioc(c->fd, ADT_IOC_IOVA_TO_PHYS, &ip) ? ~0ULL : ip.phys;
}

/*
 * The engine checksums what the CPU wrote at @off of buffer @handle through
 * @iova, then fills it; the CPU reads the fill back.  0 if both are right.
 */
static int c_dma(struct ctx *c, uint32_t handle, uint64_t off, uint64_t iova,
		 uint64_t len)
{
	unsigned char *p = malloc(len);
	struct adt_run r;
	int ret = -1;

	if (!p)
		return failed(c, "out of memory in the test");
	fill_pattern(p, len, (uint32_t)iova);
	if (adt_rw(c->fd, handle, 1, off, p, len) ||
	    adt_cmd(c->fd, c->eng, ADT_OP_CHECKSUM, 0, iova, 0, len, 0, &r)) {
		failed(c, "buffer write or engine command refused");
		goto out;
	}
	if (r.status != ADT_ST_DONE || r.result != fnv1a(p, len)) {
		failed(c, "checksum at %#llx: status %#x", (unsigned long long)iova,
		       r.status);
		goto out;
	}
	if (adt_cmd(c->fd, c->eng, ADT_OP_FILL, 0, 0, iova, len, 0x600dd0a5, &r) ||
	    r.status != ADT_ST_DONE || adt_rw(c->fd, handle, 0, off, p, len) ||
	    find_not_word(p, len, 0x600dd0a5) >= 0) {
		failed(c, "fill at %#llx: status %#x", (unsigned long long)iova,
		       r.status);
		goto out;
	}
	ret = 0;
out:
	free(p);
	return ret;
}

/* Map the pages, attach and DMA through the unmanaged domain. */
static int c_finish_unmanaged(struct ctx *c, int mapped, int attached)
{
	if (!mapped && c_map(c, 0, IOVA_A, NPG * PG))
		return failed(c, "map after the failure refused");
	if (!attached && c_attach(c))
		return failed(c, "attach after the failure refused");
	return c_dma(c, c->pages.handle, 0, IOVA_A, NPG * PG);
}

/* ---- the operations: prepare, the one call under failure, check ---- */

struct op {
	int (*prep)(struct ctx *c);
	int (*run)(struct ctx *c);
	int (*check)(struct ctx *c, int ret);
};

static int dom_prep(struct ctx *c)
{
	return c_pages(c);
}

static int dom_check(struct ctx *c, int ret)
{
	if (ret && c_dom_alloc(c))
		return failed(c, "domain allocation after the failure refused");
	return c_finish_unmanaged(c, 0, 0);
}

static int attach_prep(struct ctx *c)
{
	return c_pages(c) ?: c_dom_alloc(c) ?: c_map(c, 0, IOVA_A, NPG * PG);
}

static int attach_check(struct ctx *c, int ret)
{
	return c_finish_unmanaged(c, 1, !ret);
}

static int map_prep(struct ctx *c)
{
	return c_pages(c) ?: c_dom_alloc(c) ?: c_attach(c);
}

static int map_run(struct ctx *c)
{
	return c_map(c, 0, IOVA_A, NPG * PG);
}

/* A failed map leaves nothing of the range mapped. */
static int map_check(struct ctx *c, int ret)
{
	unsigned int i;

	for (i = 0; ret && i < NPG; i++)
		if (c_phys(c, IOVA_A + i * PG))
			return failed(c, "failed map left page %u mapped", i);
	return c_finish_unmanaged(c, !ret, 1);
}

/* Two maps side by side in one table; the op unmaps the first. */
static int unmap_prep(struct ctx *c)
{
	return map_prep(c) ?: c_map(c, 0, IOVA_A, 2 * PG) ?:
		c_map(c, 2 * PG, IOVA_A + 2 * PG, 2 * PG);
}

static int unmap_run(struct ctx *c)
{
	return c_unmap(c, IOVA_A, 2 * PG);
}

/*
 * The unmapped half faults, the other half still translates to its pages
 * and carries DMA.
 */
static int unmap_check(struct ctx *c, int ret)
{
	struct adt_run r;

	if (ret && c_unmap(c, IOVA_A, 2 * PG))
		return failed(c, "unmap after the failure refused");
	if (c_phys(c, IOVA_A) || c_phys(c, IOVA_A + PG))
		return failed(c, "unmapped half still translates");
	if (c_phys(c, IOVA_A + 2 * PG) == 0)
		return failed(c, "the half left mapped lost its translation");
	if (adt_cmd(c->fd, c->eng, ADT_OP_READ32, 0, IOVA_A + 8, 0, 4, 0, &r) ||
	    !(r.status & ADT_ST_ERROR))
		return failed(c, "read of the unmapped half did not fault");
	return c_dma(c, c->pages.handle, 2 * PG, IOVA_A + 2 * PG, 2 * PG);
}

static int buf_run(struct ctx *c)
{
	return adt_alloc(c->fd, c->eng, c->kind, NPG * PG, ADT_DIR_BIDIRECTIONAL,
			 0, &c->buf);
}

static int buf_check(struct ctx *c, int ret)
{
	if (ret && buf_run(c))
		return failed(c, "buffer allocation after the failure refused");
	if (c->buf.nr_segs != 1)
		return failed(c, "%u DMA segments", c->buf.nr_segs);
	return c_dma(c, c->buf.handle, 0, c->buf.iova, NPG * PG);
}

static int no_prep(struct ctx *c)
{
	return 0;
}

/* ---- the sweep ---- */

static void record(const char *name, unsigned int points)
{
	FILE *f = fopen(COUNTS_FILE, "a");

	if (f) {
		fprintf(f, "%s %u\n", name, points);
		fclose(f);
	}
}

/*
 * sweep() - fail the 1st, 2nd, ... allocation of @op->run until it makes
 * none that fails; each iteration on a fresh client file, prepared
 * without failures.
 */
static void sweep(struct __test_metadata *_metadata, const struct op *op,
		  uint32_t kind, const char *name)
{
	unsigned int n, errors = 0, absorbed = 0;
	char splat[256];
	struct ctx c;
	int nth, kfd, ret, hit;

	if (fail_nth_setup())
		SKIP(return, "no fault injection in debugfs (FAULT_INJECTION_DEBUG_FS)");
	nth = nth_open();
	ASSERT_LE(0, nth) TH_LOG("fail-nth: %s", strerror(errno));

	for (n = 1; n < MAX_POINTS; n++) {
		memset(&c, 0, sizeof(c));
		c.kind = kind;
		c.fd = adt_open();
		ASSERT_LE(0, c.fd);
		c.eng = adt_default_engine(c.fd);
		ASSERT_LE(0, c.eng);
		ASSERT_EQ(0, op->prep(&c)) TH_LOG("%s: preparing", name);
		kfd = kmsg_open();
		ASSERT_LE(0, kfd);

		ASSERT_EQ(0, nth_arm(nth, n));
		ret = op->run(&c);
		hit = nth_disarm(nth);
		ASSERT_LE(0, hit);

		EXPECT_EQ(0, op->check(&c, ret))
			TH_LOG("%s, allocation %u failed (op returned %d): %s",
			       name, n, ret, c.why);
		EXPECT_EQ(0, kmsg_splat(kfd, splat, sizeof(splat)))
			TH_LOG("%s, allocation %u failed: kernel said %s",
			       name, n, splat);
		close(kfd);
		close(c.fd);
		if (!hit) {
			/* No allocation left to fail: the operation worked. */
			EXPECT_EQ(0, ret) TH_LOG("%s failed by itself: %d", name, ret);
			break;
		}
		if (ret)
			errors++;
		else
			absorbed++;
		if (_metadata->exit_code)
			break;
	}
	EXPECT_LT(n, MAX_POINTS);
	close(nth);
	ksft_print_msg("%s: %u failure points, %u returned an error, %u absorbed\n",
		       name, n - 1, errors, absorbed);
	record(name, n - 1);
}

static const struct op op_dom = { dom_prep, c_dom_alloc, dom_check };
static const struct op op_attach = { attach_prep, c_attach, attach_check };
static const struct op op_map = { map_prep, map_run, map_check };
static const struct op op_unmap = { unmap_prep, unmap_run, unmap_check };
static const struct op op_buf = { no_prep, buf_run, buf_check };

TEST(start)
{
	unlink(COUNTS_FILE);
}

TEST(domain_alloc) { sweep(_metadata, &op_dom, 0, "domain_alloc"); }
TEST(attach) { sweep(_metadata, &op_attach, 0, "attach"); }
TEST(map) { sweep(_metadata, &op_map, 0, "map"); }
/*
 * The backend has no block mappings to split (io-pgtable-dart.c), so an
 * unmap may allocate nothing: then the sweep ends at once, and says so.
 */
TEST(unmap_part) { sweep(_metadata, &op_unmap, 0, "unmap_part"); }
TEST(buf_alloc_coherent) { sweep(_metadata, &op_buf, ADT_BUF_COHERENT, "buf_alloc_coherent"); }
TEST(buf_alloc_sg) { sweep(_metadata, &op_buf, ADT_BUF_SG, "buf_alloc_sg"); }
TEST(buf_alloc_noncontig) {
	sweep(_metadata, &op_buf, ADT_BUF_NONCONTIG, "buf_alloc_noncontig");
}

/* ---- probe: binding a DART with its Nth allocation failing ---- */

#define PLAT		"/sys/bus/platform/"
#define DART_DRV	PLAT "drivers/apple-dart/"
#define MAX_ENGINES	16

/* Does the sysfs path made from @fmt exist (the link itself, not its target)? */
static int sysfs_has(const char *fmt, ...)
{
	char path[160];
	struct stat st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return !lstat(path, &st);
}

static int dart_registered(const char *dart)
{
	return sysfs_has("/sys/class/iommu/apple-dart.%s", dart);
}

static int dart_bound(const char *dart)
{
	return sysfs_has(DART_DRV "%s", dart);
}

/*
 * Bounds of module @mod's .text: its start, and the lowest symbol of
 * anything else above it in /proc/kallsyms (so no other code is inside).
 * Not the sections in sysfs: it keeps the addresses of sections whose
 * memory was freed (init sections; in a gcov kernel more of them), and a
 * module loaded later may have that memory now.  kallsyms drops the
 * symbols of freed memory.
 */
static int module_text(const char *mod, unsigned long *start, unsigned long *end)
{
	char path[256], line[512], tag[80], owner[80];
	unsigned long a;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/sections/.text", mod);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (fscanf(f, "%lx", start) != 1 || !*start) {
		fclose(f);
		return -EPERM;
	}
	fclose(f);
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return -errno;
	snprintf(tag, sizeof(tag), "[%s]", mod);
	*end = ~0UL;
	while (fgets(line, sizeof(line), f)) {
		owner[0] = 0;
		if (sscanf(line, "%lx %*c %*s %79s", &a, owner) < 1)
			continue;
		if (a > *start && a < *end && strcmp(owner, tag))
			*end = a;
	}
	fclose(f);
	return *end == ~0UL ? -ENOENT : 0;
}

/*
 * The text of kernel function @name: its address and the next symbol's
 * above it in /proc/kallsyms (0, 0 when it is not there).
 */
static void ksym_range(const char *name, unsigned long *start,
		       unsigned long *end)
{
	char line[256], sym[128], type;
	unsigned long a;
	FILE *f = fopen("/proc/kallsyms", "re");

	*start = 0;
	*end = ~0UL;
	if (!f)
		goto none;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %127s", &a, &type, sym) == 3 &&
		    !strcmp(sym, name))
			*start = a;
	rewind(f);
	while (*start && fgets(line, sizeof(line), f)) {
		a = strtoul(line, NULL, 16);
		if (a > *start && a < *end)
			*end = a;
	}
	fclose(f);
none:
	if (!*start || *end == ~0UL)
		*start = *end = 0;
}

/*
 * Only allocations with a frame in [@start, @end) on their stack count
 * (and fail); 0, ~0UL lifts the restriction.  While it holds, those made
 * by devlink_remove_symlinks() never fail: the 6.12 driver core WARNs
 * when that cleanup cannot allocate its link names (drivers/base/core.c),
 * which the driver's deletion of a trial device link reaches.
 */
static int fail_only_under(unsigned long start, unsigned long end)
{
	static const char * const attrs[] = { "failslab", "fail_page_alloc" };
	static unsigned long dl_start, dl_end;
	unsigned long rs = 0, re = 0;
	char path[128], val[32];
	size_t i;
	int ret = 0;

	if (start && !dl_end)
		ksym_range("devlink_remove_symlinks", &dl_start, &dl_end);
	if (start) {
		rs = dl_start;
		re = dl_end;
	}
	for (i = 0; i < ARRAY_SIZE(attrs) && !ret; i++) {
		snprintf(path, sizeof(path), FI_DIR "%s/require-start", attrs[i]);
		snprintf(val, sizeof(val), "%#lx", start);
		ret = write_str(path, val);
		snprintf(path, sizeof(path), FI_DIR "%s/require-end", attrs[i]);
		snprintf(val, sizeof(val), "%#lx", end);
		ret = ret ?: write_str(path, val);
		snprintf(path, sizeof(path), FI_DIR "%s/reject-start", attrs[i]);
		snprintf(val, sizeof(val), "%#lx", rs);
		ret = ret ?: write_str(path, val);
		snprintf(path, sizeof(path), FI_DIR "%s/reject-end", attrs[i]);
		snprintf(val, sizeof(val), "%#lx", re);
		ret = ret ?: write_str(path, val);
	}
	return ret;
}

/* The bound engines behind DART @dart, which its unbind takes away. */
static int engines_behind(int fd, const char *dart, struct adt_engine_info *out)
{
	struct adt_engine_info ei;
	char d[64];
	int i, nr = 0;

	for (i = 0; i < adt_nr_engines(fd) && nr < MAX_ENGINES; i++)
		if (!adt_engine(fd, i, &ei) && (ei.flags & ADT_ENGINE_BOUND) &&
		    !adt_dart_of(ei.dev_name, d, sizeof(d)) && !strcmp(d, dart))
			out[nr++] = ei;
	return nr;
}

/*
 * After a sweep: the engines in @behind bind again, and the one labelled
 * @label, in its DMA domain, fills memory through its DART with @word.
 */
static void behind_work(struct __test_metadata *_metadata,
			const struct adt_engine_info *behind, int nr,
			const char *label, uint32_t word)
{
	static uint32_t page[PG / 4];
	struct adt_engine_info ei;
	struct adt_fixture f;
	struct adt_run r;
	struct adt_b b;
	int i;

	for (i = 0; i < nr; i++)
		EXPECT_EQ(0, write_str(PLAT "drivers_probe", behind[i].dev_name));
	f.fd = adt_open();
	ASSERT_LE(0, f.fd);
	for (i = 0; i < nr; i++)
		EXPECT_LE(0, adt_find(f.fd, behind[i].label))
			TH_LOG("%s did not bind again", behind[i].label);
	f.eng = adt_find(f.fd, label);
	ASSERT_LE(0, f.eng);
	ASSERT_EQ(0, adt_engine(f.fd, f.eng, &ei));
	EXPECT_EQ(ADT_DOMAIN_DMA, ei.domain_type);
	ASSERT_EQ(0, adt_alloc(f.fd, f.eng, ADT_BUF_COHERENT, PG, 0, 0, &b));
	ASSERT_EQ(0, adt_cmd(f.fd, f.eng, ADT_OP_FILL, 0, 0, b.iova, PG, word, &r));
	EXPECT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_rw(f.fd, b.handle, 0, 0, page, PG));
	EXPECT_EQ(-1, find_not_word(page, PG, word));
	adt_fixture_close(&f);
}

/*
 * Bind @name through @bind (a driver's sysfs bind file) with allocation
 * @n failing; *@hit says whether it did.  No kernel record meanwhile may
 * be a splat.  Returns 0 or the bind's negative errno.
 */
static int bind_failing(struct __test_metadata *_metadata, int nth,
			const char *bind, const char *name, unsigned int n,
			int *hit)
{
	char splat[256];
	int kfd, bfd;
	ssize_t ret;

	kfd = kmsg_open();
	if (kfd < 0)
		return -errno;
	bfd = open(bind, O_WRONLY | O_CLOEXEC);
	if (bfd < 0 || nth_arm(nth, n)) {
		close(kfd);
		return -EIO;
	}
	ret = write(bfd, name, strlen(name));
	ret = ret < 0 ? -errno : 0;
	*hit = nth_disarm(nth);
	close(bfd);
	EXPECT_EQ(0, kmsg_splat(kfd, splat, sizeof(splat)))
		TH_LOG("bind of %s, allocation %u failed: kernel said %s",
		       name, n, splat);
	close(kfd);
	return ret;
}

/*
 * probe_sweep() - unbind the default engine's DART and bind it again
 * with its Nth allocation failing, N = 1, 2, ... until the bind succeeds;
 * with @in_driver only the allocations made with apple_dart.ko's code on
 * the stack count (the stack filter), not those of the sysfs write or of
 * the driver core before the probe.  A failed bind returns an error and
 * leaves no IOMMU registered; then the engines bind again behind the
 * DART and DMA through it works.
 */
static void probe_sweep(struct __test_metadata *_metadata, const char *name,
			int in_driver)
{
	unsigned int n, errors = 0, absorbed = 0;
	struct adt_engine_info behind[MAX_ENGINES];
	char dart[64], label[32];
	struct adt_fixture f;
	int nth, hit, nr, ret;

	if (fail_nth_setup())
		SKIP(return, "no fault injection in debugfs (FAULT_INJECTION_DEBUG_FS)");
	ASSERT_EQ(0, adt_fixture_setup(_metadata, &f));
	if (!adt_is_ours(f.fd, f.eng))
		SKIP(return, "not the project's driver");
	ASSERT_EQ(0, adt_dart_of(f.ei.dev_name, dart, sizeof(dart)));
	snprintf(label, sizeof(label), "%s", f.ei.label);
	nr = engines_behind(f.fd, dart, behind);
	adt_fixture_close(&f);
	if (in_driver) {
		unsigned long start, end;

		ASSERT_EQ(0, module_text(OUR_DRIVER, &start, &end));
		ASSERT_EQ(0, fail_only_under(start, end));
		TH_LOG("%s .text %#lx-%#lx", OUR_DRIVER, start, end);
	}
	ASSERT_EQ(0, write_str(DART_DRV "unbind", dart));
	ASSERT_FALSE(dart_registered(dart));

	nth = nth_open();
	ASSERT_LE(0, nth);
	for (n = 1; n < MAX_POINTS; n++) {
		ret = bind_failing(_metadata, nth, DART_DRV "bind", dart, n, &hit);
		ASSERT_NE(-EIO, ret);
		ASSERT_LE(0, hit);
		if (ret) {
			EXPECT_TRUE(hit) TH_LOG("bind failed by itself: %d", ret);
			EXPECT_FALSE(dart_registered(dart))
				TH_LOG("allocation %u: failed probe left the IOMMU registered", n);
			EXPECT_FALSE(dart_bound(dart));
			errors++;
		} else {
			EXPECT_TRUE(dart_registered(dart))
				TH_LOG("allocation %u: bound but no IOMMU", n);
			if (!hit)
				break;
			absorbed++;
			ASSERT_EQ(0, write_str(DART_DRV "unbind", dart));
		}
		if (_metadata->exit_code)
			break;
	}
	close(nth);
	if (in_driver)
		EXPECT_EQ(0, fail_only_under(0, ~0UL));
	EXPECT_LT(n, MAX_POINTS);
	/*
	 * The probe allocates (its DART, the stream table): no failure point
	 * at all would be a filter that misses the driver's own code.
	 */
	EXPECT_LT(1, n);
	ksft_print_msg("%s of %s: %u failure points, %u returned an error, %u absorbed\n",
		       name, dart, n - 1, errors, absorbed);
	record(name, n - 1);

	/* The engines the unbind took away bind again, DMA through it works. */
	behind_work(_metadata, behind, nr, label, 0x0dd5ca1e);
}

TEST(probe) { probe_sweep(_metadata, "probe", 0); }
TEST(probe_in_driver) { probe_sweep(_metadata, "probe_in_driver", 1); }

/* ---- master probe: binding an engine with its Nth allocation failing ---- */

#define DTE_DRV		PLAT "drivers/dart-test-engine/"

static int engine_bound(const char *dev)
{
	return sysfs_has(DTE_DRV "%s", dev);
}

static int engine_grouped(const char *dev)
{
	return sysfs_has(PLAT "devices/%s/iommu_group", dev);
}

/*
 * master_sweep() - bind the engine labelled @want (the default engine if
 * NULL) to its driver with its Nth allocation failing, N = 1, 2, ...,
 * counting only allocations with
 * apple_dart.ko's code on the stack, until the bind succeeds.  A master
 * stays probed in its group across unbinds of its driver, so before each
 * bind its DART is unbound (which releases it) and bound again: the bind
 * then runs the master's whole IOMMU probe (probe_device, its device
 * links, its group, its default domain and tables).  No failure may
 * splat; the DART driver defers the master on each of its own refusals,
 * so the bind fails and nothing is left bound.  The 6.12 core binds the
 * driver without an IOMMU on failures of its own (the default domain's
 * setup failing after one of the DART driver's allocations did): those
 * are counted and printed, and the engine is unbound again.  Afterwards
 * the engines behind the DART bind again and the swept one does DMA
 * through it in its DMA domain.
 */
static void master_sweep(struct __test_metadata *_metadata, const char *want,
			 const char *name)
{
	unsigned int n, errors = 0, absorbed = 0, ungrouped = 0;
	struct adt_engine_info behind[MAX_ENGINES];
	unsigned long start, end;
	char dev[64], label[32], dart[64];
	struct adt_fixture f;
	int nth, hit, nr, ret;

	if (fail_nth_setup())
		SKIP(return, "no fault injection in debugfs (FAULT_INJECTION_DEBUG_FS)");
	ASSERT_EQ(0, adt_fixture_setup(_metadata, &f));
	if (want) {
		f.eng = adt_find(f.fd, want);
		if (f.eng < 0)
			SKIP(return, "no engine %s on this machine", want);
		ASSERT_EQ(0, adt_engine(f.fd, f.eng, &f.ei));
	}
	if (!adt_is_ours(f.fd, f.eng))
		SKIP(return, "not the project's driver");
	snprintf(dev, sizeof(dev), "%s", f.ei.dev_name);
	snprintf(label, sizeof(label), "%s", f.ei.label);
	ASSERT_EQ(0, adt_dart_of(dev, dart, sizeof(dart)));
	nr = engines_behind(f.fd, dart, behind);
	adt_fixture_close(&f);
	ASSERT_EQ(0, module_text(OUR_DRIVER, &start, &end));

	nth = nth_open();
	ASSERT_LE(0, nth);
	for (n = 1; n < MAX_POINTS; n++) {
		/* Released with the DART's unbind, which unbinds the engine. */
		ASSERT_EQ(0, write_str(DART_DRV "unbind", dart));
		ASSERT_FALSE(engine_bound(dev));
		ASSERT_EQ(0, write_str(DART_DRV "bind", dart));
		ASSERT_EQ(0, fail_only_under(start, end));
		ret = bind_failing(_metadata, nth, DTE_DRV "bind", dev, n, &hit);
		ASSERT_EQ(0, fail_only_under(0, ~0UL));
		ASSERT_NE(-EIO, ret);
		ASSERT_LE(0, hit);
		if (!ret && !hit)
			break;
		if (ret) {
			EXPECT_TRUE(hit) TH_LOG("bind failed by itself: %d", ret);
			EXPECT_FALSE(engine_bound(dev));
			errors++;
		} else {
			absorbed++;
			if (!engine_grouped(dev))
				ungrouped++;
		}
		if (_metadata->exit_code)
			break;
	}
	close(nth);
	EXPECT_LT(n, MAX_POINTS);
	EXPECT_LT(1, n);
	ksft_print_msg("%s of %s: %u failure points, %u returned an error, %u absorbed\n",
		       name, dev, n - 1, errors, absorbed);
	ksft_print_msg("%s: %u of them bound without an IOMMU by the core\n",
		       name, ungrouped);
	record(name, n - 1);

	/* The last bind succeeded: in its group; the others bind again. */
	EXPECT_TRUE(engine_grouped(dev));
	behind_work(_metadata, behind, nr, label, 0x0b0dface);
}

/*
 * Each point of these sweeps unbinds and binds a DART and binds an engine:
 * well over the harness's default 30 s per test on the locked machines and
 * the gcov kernel.  A fixture with nothing in it is what gives a test its
 * own time limit.
 */
#define MASTER_SWEEP_TIMEOUT	600

FIXTURE(master) {};
FIXTURE_SETUP(master) {}
FIXTURE_TEARDOWN(master) {}

TEST_F_TIMEOUT(master, master_bind, MASTER_SWEEP_TIMEOUT)
{
	master_sweep(_metadata, NULL, "master_bind");
}

/*
 * The same for the coprocessor of the display machines, whose probe
 * reads its boot regions and whose default domain maps them before its
 * first DMA (adart_resv_install()): allocations failing there, on a DART
 * the boot loader left translating, must neither splat nor break the
 * firmware's mappings (the model checks its heartbeat and frames).
 */
TEST_F_TIMEOUT(master, master_bind_boot, MASTER_SWEEP_TIMEOUT)
{
	master_sweep(_metadata, "dcp", "master_bind_boot");
}

/*
 * The figure the issue asks for: failure points exercised in all.  In the
 * fixture of the last sweeps, so that it runs after them.
 */
TEST_F(master, total)
{
	unsigned int points, total = 0, ops = 0;
	char name[64];
	FILE *f = fopen(COUNTS_FILE, "r");

	ASSERT_NE(NULL, f);
	while (fscanf(f, "%63s %u", name, &points) == 2) {
		total += points;
		ops++;
	}
	fclose(f);
	ksft_print_msg("fail_nth: %u failure points over %u operations\n", total, ops);
	/*
	 * Seven client operations, the probe twice, two masters' binds (the
	 * full machine has the coprocessor).
	 */
	EXPECT_EQ(11, ops);
}

TEST_HARNESS_MAIN
