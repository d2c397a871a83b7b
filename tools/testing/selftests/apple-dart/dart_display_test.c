// SPDX-License-Identifier: GPL-2.0
/*
 * The display handoff on "-machine virt,apple-dart=display": the DART
 * driver took over dart-dcp and dart-disp0 from the boot loader while the
 * boot splash is scanned out and the coprocessor's firmware runs; the
 * DCP-like test driver (apple-dart-dcp-test.ko, its uAPI next to it) then
 * does what a display driver does.  Every assertion is about what the
 * engines saw: the display block's own registers (frames, faulted frames,
 * CRCs, the histogram, the coprocessor heartbeat), read through /dev/mem
 * (the test kernel has CONFIG_DEVMEM and no STRICT_DEVMEM), not what a
 * driver says it did.  Each test names the driver mistake it catches.
 *
 * Run by the driver-display scenario; the first test assumes nothing has
 * reset the histogram since boot (the scenario runs it first).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "adt_util.h"

#include "apple-dart-dcp-test.h"
#include "apple-dart-display-regs.h"

#define DCPT_KO		"/dart/modules/apple-dart-dcp-test.ko"
#define DCPT_NAME	"apple_dart_dcp_test"
#define DTE_DRV		"/sys/bus/platform/drivers/dart-test-engine"

/* Device names from where the header places the display block. */
static char disp0_dart[32], dcp_dev[32];

static void __attribute__((constructor)) display_names(void)
{
	snprintf(disp0_dart, sizeof(disp0_dart), "%x.iommu", ADD_DART_DISP0_BASE);
	snprintf(dcp_dev, sizeof(dcp_dev), "%x.dma-test", ADD_DCP_ENGINE_BASE);
}

/* An IOVA nothing maps on the PIODMA stream: its default domain is empty. */
#define PIODMA_HOLE	0x2345c010ULL

/* 16K entries of 8 bytes: what copying a whole 16K L1 writes. */
#define L1_ENTRIES	2048

static int unload_ko(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* Open the test driver, loading it (and the engine library) if needed. */
static int dcpt_open(void)
{
	int fd = open(DCPT_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	if (adt_load_ko(DTE_KO) || adt_load_ko(DCPT_KO))
		return -1;
	return open(DCPT_DEVICE, O_RDWR | O_CLOEXEC);
}

static int flip(int fd, uint32_t which)
{
	return adt_ioc(fd, DCPT_IOC_FLIP, &which);
}

/* ---- the display block through /dev/mem ---- */

/*
 * The registers, mapped uncached; the atomic builtins make every access
 * one 32-bit load or store the compiler keeps (the block takes no other).
 */
static uint32_t *disp;

static uint32_t rd(uint32_t reg)
{
	return __atomic_load_n(&disp[reg / 4], __ATOMIC_RELAXED);
}

static void wr(uint32_t reg, uint32_t val)
{
	__atomic_store_n(&disp[reg / 4], val, __ATOMIC_RELAXED);
}

static int disp_map(void)
{
	int fd;
	void *p;

	if (disp)
		return 0;
	fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 ADD_DISPLAY_BASE);
	close(fd);
	if (p == MAP_FAILED)
		return -errno;
	disp = p;
	return 0;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait until @n more good frames were scanned since the marker. */
static int wait_marked(uint32_t n)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (rd(ADD_MARK) >= n)
			return 0;
		sleep_ms(10);
	}
	return -ETIMEDOUT;
}

/* The scanout's view since a point in time. */
struct scan {
	uint32_t frames;
	uint32_t faults;
	uint32_t hb_ticks;
	uint32_t hb_faults;
	uint32_t hb_bad;
	uint32_t violations;
	uint32_t l1_broken;
};

static void scan_now(struct scan *s)
{
	s->frames = rd(ADD_FRAMES);
	s->faults = rd(ADD_FRAME_FAULTS);
	s->hb_ticks = rd(ADD_HB_TICKS);
	s->hb_faults = rd(ADD_HB_FAULTS);
	s->hb_bad = rd(ADD_HB_BAD);
	s->violations = rd(ADD_VIOLATIONS);
	s->l1_broken = rd(ADD_L1_BROKEN);
}

/* Histogram entry @i since the marker. */
static void hist(unsigned int i, uint32_t *crc, uint32_t *n)
{
	wr(ADD_HIST_SEL, i);
	*crc = rd(ADD_HIST_CRC);
	*n = rd(ADD_HIST_N);
}

/*
 * Every frame since the marker had CRC @a or @b (and @need of them of
 * each, at least one): nothing in between, no torn or blank frame.
 */
static int hist_only(struct __test_metadata *_metadata, uint32_t a,
		     uint32_t b, int need_b)
{
	uint32_t count = rd(ADD_HIST_COUNT), crc, n, i;
	int seen_a = 0, seen_b = 0;

	for (i = 0; i < count && i < ADD_HIST_ENTRIES; i++) {
		hist(i, &crc, &n);
		TH_LOG("frame CRC 0x%08x x %u", crc, n);
		if (crc == a)
			seen_a = 1;
		else if (crc == b)
			seen_b = 1;
		else
			return 0;
	}
	return count <= (need_b ? 2 : 1) && seen_a && (!need_b || seen_b);
}

/* ---- the DART driver's debugfs counters ---- */

/* Did the DART driver find DART @dart locked by the boot loader? */
static int dart_locked(const char *dart)
{
	char path[128], key[64], val[64];
	int ret = 0;
	FILE *f;

	snprintf(path, sizeof(path), ADT_DART_DBG "%s/info", dart);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fscanf(f, "%63s %63s", key, val) == 2)
		if (!strcmp(key, "locked"))
			ret = !strcmp(val, "1");
	fclose(f);
	return ret;
}

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int sysfs_is(const char *path, const char *val)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return !strcmp(buf, val);
}

FIXTURE(display) {
	int fd;
	struct dcpt_info info;
	struct scan start;
};

FIXTURE_SETUP(display)
{
	ASSERT_EQ(0, disp_map()) TH_LOG("/dev/mem: %s", strerror(errno));
	ASSERT_EQ(ADD_ID_VALUE, rd(ADD_ID));
	self->fd = dcpt_open();
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", DCPT_DEVICE, strerror(errno));
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_INFO, &self->info));
	scan_now(&self->start);
}

/*
 * Whatever a test did, the pipe scanned no faulted frame, the firmware
 * never faulted or read a wrong word, no firmware L1 store broke a boot
 * mapping, and the display block reported no violation meanwhile.
 */
FIXTURE_TEARDOWN(display)
{
	struct scan now;

	if (self->fd >= 0)
		close(self->fd);
	scan_now(&now);
	EXPECT_EQ(self->start.faults, now.faults);
	EXPECT_EQ(self->start.hb_faults, now.hb_faults);
	EXPECT_EQ(self->start.hb_bad, now.hb_bad);
	EXPECT_EQ(self->start.l1_broken, now.l1_broken);
	EXPECT_EQ(self->start.violations, now.violations);
}

/*
 * Boot with apple_dart.ko loaded: at least 100 frames since reset, none
 * faulted, every one of them the splash, and the coprocessor's firmware
 * ran without a fault.  Catches a probe that resets or rewrites a locked
 * DART's live streams, a first attach whose domain lacks the boot
 * mappings (or maps them at the PA, not the IOVA), and a driver that
 * writes locked TCR/TTBRs and believes they took effect.
 */
TEST_F(display, boot_splash)
{
	uint32_t crc, n;
	int i;

	for (i = 0; i < 1000 && rd(ADD_FRAMES) < 100; i++)
		sleep_ms(10);
	TH_LOG("frames %u, faulted %u, last CRC 0x%08x, splash 0x%08x",
	       rd(ADD_FRAMES), rd(ADD_FRAME_FAULTS), rd(ADD_LAST_CRC),
	       self->info.splash_crc);
	ASSERT_LE(100, rd(ADD_FRAMES));
	ASSERT_EQ(0, rd(ADD_FRAME_FAULTS));
	ASSERT_EQ(self->info.splash_crc, rd(ADD_SPLASH_CRC));
	ASSERT_EQ(1, rd(ADD_HIST_COUNT));
	hist(0, &crc, &n);
	ASSERT_EQ(self->info.splash_crc, crc);
	ASSERT_EQ(rd(ADD_FRAMES), n);
	TH_LOG("heartbeat ticks %u, faults %u, bad %u", rd(ADD_HB_TICKS),
	       rd(ADD_HB_FAULTS), rd(ADD_HB_BAD));
	ASSERT_LT(0, rd(ADD_HB_TICKS));
	ASSERT_EQ(0, rd(ADD_HB_FAULTS));
	ASSERT_EQ(0, rd(ADD_HB_BAD));
}

/*
 * The takeover and a flip: the pipe moves into an unmanaged domain while
 * the splash is scanned, a new framebuffer (pages never adjacent) is
 * mapped for the pipe and, at another IOVA with its own sg list, for the
 * coprocessor, and the scanout flips to it at vsync and back.  Every
 * frame is the splash or the pattern.  Catches an unmanaged domain that
 * lacks the reserved regions (the splash faults at the switch), a switch
 * that leaves a moment without them, an iommu_map_sgtable() that maps the
 * pages out of order or not at all (wrong or faulted frames), and a
 * coprocessor mapping that reaches other pages than the pipe's.
 */
TEST_F(display, takeover_flip)
{
	struct dcpt_takeover t;
	struct dcpt_fb fb;
	struct dcpt_fw fw = {};
	uint32_t hb0;

	wr(ADD_MARK, 1);
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_TAKEOVER, &t))
		TH_LOG("boot framebuffer IOVA 0x%llx -> 0x%llx, want 0x%llx",
		       (unsigned long long)self->info.fb_iova,
		       (unsigned long long)t.phys_after,
		       (unsigned long long)self->info.fb_pa);
	TH_LOG("boot framebuffer in the new domain: before attach 0x%llx, after 0x%llx",
	       (unsigned long long)t.phys_before,
	       (unsigned long long)t.phys_after);
	ASSERT_EQ(self->info.fb_pa, t.phys_after);
	ASSERT_EQ(0, wait_marked(3));

	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_FB_NEW, &fb));
	TH_LOG("new framebuffer: %u pages in %u runs, CRC 0x%08x",
	       fb.nr_pages, fb.nr_runs, fb.crc);
	TH_LOG("new framebuffer: pipe IOVA 0x%llx, coprocessor IOVA 0x%llx",
	       (unsigned long long)fb.iova_disp,
	       (unsigned long long)fb.iova_dcp);
	ASSERT_LT(1, fb.nr_pages);
	ASSERT_EQ(fb.nr_pages, fb.nr_runs);
	ASSERT_NE(fb.iova_disp, fb.iova_dcp);
	ASSERT_NE(self->info.splash_crc, fb.crc);
	ASSERT_EQ(0, fb.status & DCPT_ST_ERROR);
	ASSERT_EQ(fb.fnv_cpu, fb.fnv_dcp);

	ASSERT_EQ(0, flip(self->fd, DCPT_FLIP_NEW));
	ASSERT_EQ(fb.crc, rd(ADD_LAST_CRC));
	wr(ADD_MARK, 1);
	ASSERT_EQ(0, wait_marked(5));
	ASSERT_EQ(fb.crc, rd(ADD_LAST_CRC));
	ASSERT_TRUE(hist_only(_metadata, fb.crc, fb.crc, 0));
	ASSERT_EQ(0, flip(self->fd, DCPT_FLIP_SPLASH));
	ASSERT_EQ(self->info.splash_crc, rd(ADD_LAST_CRC));

	/* The firmware regions stay the coprocessor's. */
	hb0 = rd(ADD_HB_TICKS);
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_FW_READ, &fw));
	TH_LOG("firmware regions read by the coprocessor: %u, bad %u",
	       fw.regions, fw.bad);
	ASSERT_LE(4, fw.regions);
	ASSERT_EQ(0, fw.bad);
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_RELEASE, NULL));
	ASSERT_EQ(0, wait_marked(rd(ADD_MARK) + 3));
	/* A heartbeat every 10 ms: three frames (60 ms) see several. */
	ASSERT_LT(hb0, rd(ADD_HB_TICKS));
	ASSERT_EQ(self->info.splash_crc, rd(ADD_LAST_CRC));
}

/*
 * Every frame of a takeover, flip, flip back and release is the splash
 * or the pattern, counted over one marker period.  Catches a frame
 * scanned from a half-switched table (a CRC that is neither).
 */
TEST_F(display, only_two_images)
{
	struct dcpt_takeover t;
	struct dcpt_fb fb;

	wr(ADD_MARK, 1);
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_TAKEOVER, &t));
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_FB_NEW, &fb));
	ASSERT_EQ(0, flip(self->fd, DCPT_FLIP_NEW));
	ASSERT_EQ(0, wait_marked(rd(ADD_MARK) + 3));
	ASSERT_EQ(0, flip(self->fd, DCPT_FLIP_SPLASH));
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_RELEASE, NULL));
	ASSERT_EQ(0, wait_marked(rd(ADD_MARK) + 3));
	ASSERT_TRUE(hist_only(_metadata, self->info.splash_crc, fb.crc, 1));
}

/*
 * An unmanaged domain that maps the boot framebuffer's first IOVA page to
 * a page of its own, attached to the pipe while the splash is scanned:
 * the DART driver must refuse the attach (it cannot put the boot mapping
 * there) and the pipe stays in its default domain, every frame the
 * splash.  And one built for the PIODMA engine (32 VA bits, no boot
 * mappings) attached to the coprocessor, whose firmware regions through
 * TTBR1 lie far above: refused too, the coprocessor in its default
 * domain, its heartbeat never faulting (the teardown).  Catches an attach
 * that keeps the client's page at a boot IOVA (the scanout reads it: a
 * frame of another CRC), one that maps over it or switches the stream
 * before finding the conflict, and one into a domain that cannot hold
 * every boot mapping.
 */
TEST_F(display, boot_iova_conflict)
{
	struct dcpt_conflict c;
	int kfd = kmsg_open();

	ASSERT_LE(0, kfd);
	wr(ADD_MARK, 1);
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_CONFLICT, &c));
	TH_LOG("attach with IOVA 0x%llx mapped elsewhere: %d",
	       (unsigned long long)self->info.fb_iova, c.attach_ret);
	TH_LOG("coprocessor into the PIODMA engine's domain: %d", c.narrow_ret);
	EXPECT_EQ(-EINVAL, c.narrow_ret);
	EXPECT_TRUE(c.dcp_in_default);
	/*
	 * In the ioctl's order.  Locked, the domain has PIODMA's boot TTBR
	 * count and depth, which the coprocessor's locked stream does not
	 * walk: that refuses it first.  Unlocked, the boot mappings beyond
	 * its aperture do.
	 */
	EXPECT_TRUE(kmsg_find_text(kfd, dart_locked(disp0_dart) ?
				   "the domain has" :
				   "beyond this domain's aperture"));
	EXPECT_EQ(-EBUSY, c.attach_ret);
	EXPECT_TRUE(kmsg_find_text(kfd, "of a boot mapping already maps"));
	close(kfd);
	EXPECT_TRUE(c.in_default);
	ASSERT_EQ(0, wait_marked(rd(ADD_MARK) + 3));
	ASSERT_TRUE(hist_only(_metadata, self->info.splash_crc,
			      self->info.splash_crc, 0));
}

/*
 * iommu_unmap() of the boot framebuffer's first page in the pipe's
 * unmanaged domain: refused (0 bytes, with a warning), the page still
 * translated, the splash still scanned.  Catches a driver that lets a
 * client unmap a boot mapping the firmware or the scanout still uses.
 */
TEST_F(display, boot_unmap_refused)
{
	struct dcpt_takeover t;
	struct dcpt_unmap_boot u;
	int kfd = kmsg_open();

	ASSERT_LE(0, kfd);
	wr(ADD_MARK, 1);
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_TAKEOVER, &t));
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_UNMAP_BOOT, &u));
	TH_LOG("unmap of IOVA 0x%llx: %llu bytes, then -> 0x%llx",
	       (unsigned long long)self->info.fb_iova,
	       (unsigned long long)u.unmapped,
	       (unsigned long long)u.phys_after);
	EXPECT_EQ(0, u.unmapped);
	EXPECT_EQ(self->info.fb_pa, u.phys_after);
	EXPECT_TRUE(kmsg_find_text(kfd, "refusing to unmap IOVA"));
	close(kfd);
	ASSERT_EQ(0, wait_marked(rd(ADD_MARK) + 3));
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_RELEASE, NULL));
	ASSERT_TRUE(hist_only(_metadata, self->info.splash_crc,
			      self->info.splash_crc, 0));
}

/*
 * Ten switches of the display pipe between its default domain and an
 * unmanaged one while the splash is scanned.  Catches a switch that
 * clears an L1 entry before writing the new one, or one whose new domain
 * gets the reserved regions only after the stream uses it (the model
 * checks every L1 store; the scanout faults on a frame in between).
 */
TEST_F(display, domain_switches)
{
	struct dcpt_takeover t;
	int i;

	wr(ADD_MARK, 1);
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_TAKEOVER, &t));
		ASSERT_EQ(self->info.fb_pa, t.phys_after);
		ASSERT_EQ(0, wait_marked(rd(ADD_MARK) + 1));
		ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_RELEASE, NULL));
		ASSERT_EQ(0, wait_marked(rd(ADD_MARK) + 1));
	}
	ASSERT_TRUE(hist_only(_metadata, self->info.splash_crc,
			      self->info.splash_crc, 0));
}

/*
 * The test driver loaded, used and unloaded ten times while scanning,
 * with the file closed (not released) every other time: the driver's
 * own cleanup hands the pipe back.  Catches a domain free or a detach
 * that leaves the stream on freed tables, and a new domain per load that
 * misses the reserved regions.
 */
TEST_F(display, reload)
{
	struct dcpt_takeover t;
	struct dcpt_fb fb;
	int i, fd;

	close(self->fd);
	self->fd = -1;
	wr(ADD_MARK, 1);
	for (i = 0; i < 10; i++) {
		fd = dcpt_open();
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, adt_ioc(fd, DCPT_IOC_TAKEOVER, &t));
		if (i % 3 == 0) {
			ASSERT_EQ(0, adt_ioc(fd, DCPT_IOC_FB_NEW, &fb));
			ASSERT_EQ(0, flip(fd, DCPT_FLIP_NEW));
		}
		if (i & 1)
			ASSERT_EQ(0, adt_ioc(fd, DCPT_IOC_RELEASE, NULL));
		close(fd);
		ASSERT_EQ(0, wait_marked(rd(ADD_MARK) + 1));
		ASSERT_EQ(0, unload_ko(DCPT_NAME));
	}
	ASSERT_EQ(0, wait_marked(rd(ADD_MARK) + 2));
	ASSERT_EQ(self->info.splash_crc, rd(ADD_LAST_CRC));
	ASSERT_TRUE(hist_only(_metadata, self->info.splash_crc, fb.crc, 1));
	self->fd = dcpt_open();
	ASSERT_LE(0, self->fd);
}

/*
 * A fault on another stream of the locked dart-disp0 (the PIODMA engine,
 * stream 4, reading an IOVA nothing maps) is decoded and reported, and
 * the scanout on stream 0 is unharmed.  Catches a fault handler that
 * cannot decode a locked DART's error (no line, no count), one that
 * resets or blocks the DART to recover (the splash faults), and an error
 * left latched (the next fault is not reported).
 */
TEST_F(display, piodma_fault)
{
	struct dcpt_piodma p = { .iova = PIODMA_HOLE };
	long f0 = adt_dart_counter(disp0_dart, "faults");
	char line[1024];
	int round, kfd;

	ASSERT_LE(0, f0) TH_LOG("no faults counter for %s", disp0_dart);
	wr(ADD_MARK, 1);
	for (round = 0; round < 2; round++) {
		p.iova = PIODMA_HOLE + round * PG;
		kfd = kmsg_open();
		ASSERT_LE(0, kfd);
		ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_PIODMA, &p));
		ASSERT_TRUE(p.status & DCPT_ST_ERROR);
		ASSERT_EQ(p.iova, p.fault_iova);
		/* The report comes from the fault interrupt, after the command. */
		ASSERT_TRUE(kmsg_wait_fault(kfd, p.iova, ADD_SID_PIODMA, line,
					    sizeof(line)))
			TH_LOG("no fault report for IOVA %#llx in the log",
			       (unsigned long long)p.iova);
		close(kfd);
		ASSERT_EQ(f0 + round + 1, adt_dart_counter(disp0_dart, "faults"));
	}
	ASSERT_EQ(0, wait_marked(3));
	ASSERT_TRUE(hist_only(_metadata, self->info.splash_crc,
			      self->info.splash_crc, 0));
}

/*
 * The coprocessor's default domain made lazy (DMA-FQ through the group's
 * sysfs type, its driver unbound), then buffers shared with it: the
 * coprocessor copies, fills and checksums them, and its firmware keeps
 * running.  Catches a lazy domain that lacks the reserved regions (the
 * heartbeat faults), a locked DART refused a flush queue, and a deferred
 * unmap that drops entries the firmware still uses.  The 6.12 core turns
 * a DMA group into DMA-FQ through sysfs without asking the driver
 * (iommu_group_store_type()), so the capability is checked first: a
 * driver without IOMMU_CAP_DEFERRED_FLUSH would pass the rest.
 */
TEST_F(display, lazy_coprocessor)
{
	char type[96];
	struct dcpt_shared sh = {};
	struct dcpt_info info = {};
	struct dcpt_fw fw = {};
	int i;

	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_INFO, &info));
	ASSERT_TRUE(info.state & DCPT_DEFERRED)
		TH_LOG("the display's IOMMU has no IOMMU_CAP_DEFERRED_FLUSH");

	snprintf(type, sizeof(type), "/sys/bus/platform/devices/%s/iommu_group/type",
		 dcp_dev);
	ASSERT_EQ(0, sysfs_write(DTE_DRV "/unbind", dcp_dev));
	EXPECT_EQ(0, sysfs_write(type, "DMA-FQ"));
	ASSERT_EQ(0, sysfs_write(DTE_DRV "/bind", dcp_dev));
	ASSERT_TRUE(sysfs_is(type, "DMA-FQ"));
	for (i = 0; i < 4; i++) {
		memset(&sh, 0, sizeof(sh));
		ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_SHARED, &sh));
		ASSERT_EQ(0, sh.status & DCPT_ST_ERROR);
		ASSERT_TRUE(sh.copy_ok);
		ASSERT_TRUE(sh.fill_ok);
		ASSERT_TRUE(sh.sum_ok);
	}
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_FW_READ, &fw));
	ASSERT_EQ(0, fw.bad);
	/* Back to strict, as the other tests expect. */
	ASSERT_EQ(0, sysfs_write(DTE_DRV "/unbind", dcp_dev));
	EXPECT_EQ(0, sysfs_write(type, "DMA"));
	ASSERT_EQ(0, sysfs_write(DTE_DRV "/bind", dcp_dev));
	ASSERT_TRUE(sysfs_is(type, "DMA"));
}

/*
 * Buffers from dma_alloc_coherent() in the coprocessor's (strict)
 * default domain, read and written by it.  Catches DMA-API mappings
 * that land in the reserved firmware IOVAs or miss the TLB invalidate.
 */
TEST_F(display, shared_buffers)
{
	struct dcpt_shared sh = {};

	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_SHARED, &sh));
	TH_LOG("shared buffers at 0x%llx 0x%llx 0x%llx",
	       (unsigned long long)sh.iova[0], (unsigned long long)sh.iova[1],
	       (unsigned long long)sh.iova[2]);
	ASSERT_EQ(0, sh.status & DCPT_ST_ERROR);
	ASSERT_TRUE(sh.copy_ok);
	ASSERT_TRUE(sh.fill_ok);
	ASSERT_TRUE(sh.sum_ok);
}

/*
 * What the DART driver wrote into dart-disp0's firmware L1s: entries and
 * syncs of flushes (changed top-level entries mirrored), entries and
 * rewrites of domain switches (the entries that differ).
 */
struct l1 {
	long written;
	long syncs;
	long switch_entries;
	long switches;
};

static int l1_now(struct l1 *c)
{
	c->written = adt_dart_counter(disp0_dart, "l1_entries_written");
	c->syncs = adt_dart_counter(disp0_dart, "l1_syncs");
	c->switch_entries = adt_dart_counter(disp0_dart, "l1_switch_entries");
	c->switches = adt_dart_counter(disp0_dart, "l1_switches");
	return c->written < 0 || c->syncs < 0 || c->switch_entries < 0 ||
	       c->switches < 0 ? -1 : 0;
}

/*
 * L1 entries written equal the entries that changed, never the whole
 * table.  The pipe's default and unmanaged domains differ in one L1
 * entry, the 32 MiB slot of the boot framebuffer (each has its own leaf
 * table there): the takeover rewrites that one.  Mapping the new
 * framebuffer at a fresh 32 MiB slot hooks one new leaf table: one entry
 * mirrored.  The release unmaps it and switches back: two entries in all
 * (the new slot emptied or left to the switch, and the framebuffer's).
 * Catches a driver that copies the whole 16K L1 (2048 entries) on each
 * flush or switch, as a shadow L1 without change tracking does, and one
 * that forgets to mirror a new leaf table (the flip would fault).
 */
TEST_F(display, l1_writes_per_sync)
{
	struct dcpt_takeover t;
	struct dcpt_fb fb;
	struct l1 a, b, c, d;
	long entries, ops;

	if (!dart_locked(disp0_dart))
		SKIP(return, "%s is not locked: no firmware L1 to write", disp0_dart);
	ASSERT_EQ(0, l1_now(&a)) TH_LOG("no L1 write counters on %s", disp0_dart);
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_TAKEOVER, &t));
	ASSERT_EQ(0, l1_now(&b));
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_FB_NEW, &fb));
	ASSERT_EQ(0, l1_now(&c));
	ASSERT_EQ(0, flip(self->fd, DCPT_FLIP_NEW));
	ASSERT_EQ(0, flip(self->fd, DCPT_FLIP_SPLASH));
	ASSERT_EQ(0, adt_ioc(self->fd, DCPT_IOC_RELEASE, NULL));
	ASSERT_EQ(0, l1_now(&d));
	TH_LOG("takeover: %ld entries in %ld switches",
	       b.switch_entries - a.switch_entries, b.switches - a.switches);
	TH_LOG("new framebuffer: %ld entries in %ld syncs",
	       c.written - b.written, c.syncs - b.syncs);
	TH_LOG("release: %ld entries in %ld syncs, %ld in %ld switches",
	       d.written - c.written, d.syncs - c.syncs,
	       d.switch_entries - c.switch_entries, d.switches - c.switches);
	ASSERT_LE(1, b.switches - a.switches);
	ASSERT_EQ(1, b.switch_entries - a.switch_entries);
	ASSERT_EQ(0, b.written - a.written);
	ASSERT_LE(1, c.syncs - b.syncs);
	ASSERT_EQ(1, c.written - b.written);
	ASSERT_EQ(c.switch_entries, b.switch_entries);
	ASSERT_LE(1, d.switches - c.switches);
	ASSERT_EQ(2, d.written - c.written + d.switch_entries - c.switch_entries);
	entries = d.written - a.written + d.switch_entries - a.switch_entries;
	ops = d.syncs - a.syncs + d.switches - a.switches;
	TH_LOG("%ld L1 entries in %ld syncs and switches; a full copy: %d each",
	       entries, ops, L1_ENTRIES);
	ASSERT_GT(L1_ENTRIES, entries / ops);
}

TEST_HARNESS_MAIN
