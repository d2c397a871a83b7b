// SPDX-License-Identifier: GPL-2.0
/*
 * Fault storms: an engine faulting STORM times in a row, and two streams
 * of one DART faulting at the same time.  What must hold afterwards:
 *  - the kernel log stays rate-limited (dev_err_ratelimited: 10 lines per
 *    5 s), and the core never disables the DART's interrupt (it would after
 *    99 900 unhandled ones: the handler must claim every latched fault);
 *  - the counters are exact: the domain's handler heard of every fault the
 *    DART latched, the driver counted each once (debugfs), the model saw
 *    every access refused;
 *  - the interrupt still comes (/proc/interrupts moves) and the stream
 *    translates and reports faults as before.
 * And a fault report still in the domain's handler while the domain is
 * freed.  Needs the project's driver (the oracle reports to no domain
 * handler).
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

#include "kselftest_harness.h"
#include "adt_util.h"

#define STORM		10000
#define PAIR		2000
#define IOVA_MAP	0x10000000ULL
#define IOVA_HOLE	0x30000000ULL

static int dom_alloc(int fd, int eng, uint32_t *dom)
{
	struct adt_domain_alloc d = { .engine = eng };
	int ret = adt_ioc(fd, ADT_IOC_DOMAIN_ALLOC, &d);

	*dom = d.domain;
	return ret;
}

/* A domain with one page mapped at IOVA_MAP, attached to @eng. */
static int unmanaged(int fd, int eng, uint32_t *dom, struct adt_b *p)
{
	struct adt_attach at = { .engine = eng };
	struct adt_map m = {
		.prot = ADT_PROT_READ | ADT_PROT_WRITE, .len = PG,
		.iova = IOVA_MAP,
	};
	int ret;

	ret = dom_alloc(fd, eng, dom) ?:
	      adt_alloc(fd, -1, ADT_BUF_PAGES, PG, 0, 0, p);
	if (ret)
		return ret;
	m.domain = *dom;
	m.handle = p->handle;
	at.domain = *dom;
	return adt_ioc(fd, ADT_IOC_MAP, &m) ?: adt_ioc(fd, ADT_IOC_ATTACH, &at);
}

static int faults(int fd, uint32_t dom, struct adt_faults *f)
{
	memset(f, 0, sizeof(*f));
	f->domain = dom;
	return adt_ioc(fd, ADT_IOC_FAULTS, f);
}

/* The domain's fault count, once it reached @want or a second passed. */
static long faults_wait(int fd, uint32_t dom, unsigned int want)
{
	struct adt_faults f;
	int i;

	for (i = 0; i < 100000; i++) {
		if (faults(fd, dom, &f))
			return -1;
		if (f.count >= want)
			return f.count;
		if (i > 100)
			usleep(10);
	}
	return f.count;
}

/* Interrupts of the DART so far (its /proc/interrupts line, all CPUs). */
static long dart_irqs(const char *dart)
{
	char line[512], *p, *end;
	long n, total = -1;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, dart))
			continue;
		p = strchr(line, ':');
		if (!p)
			continue;
		total = 0;
		for (p++;; p = end) {
			n = strtol(p, &end, 10);
			if (end == p)
				break;
			total += n;
		}
	}
	fclose(f);
	return total;
}

/* The DART's interrupt number (its /proc/interrupts line), -1 if none. */
static int dart_irq_number(const char *dart)
{
	char line[512];
	int irq = -1;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return -1;
	while (irq < 0 && fgets(line, sizeof(line), f))
		if (strstr(line, dart))
			irq = atoi(line);
	fclose(f);
	return irq;
}

/*
 * Kernel log lines reporting a fault in the 256 bytes at @iova, read from
 * @fd to its end; counts the rate limiter's "suppressed" notes too.
 */
static unsigned int fault_lines(int fd, uint64_t iova, unsigned int *suppressed)
{
	char rec[1024], hex[32];
	unsigned int n = 0;

	/* The storm's IOVAs differ in the low byte only. */
	snprintf(hex, sizeof(hex), "%llx", (unsigned long long)iova >> 8);
	while (kmsg_next_kernel(fd, rec)) {
		if (strstr(rec, "translation fault") && strstr(rec, hex))
			n++;
		if (strstr(rec, "callbacks suppressed"))
			(*suppressed)++;
	}
	return n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

FIXTURE(storm) {
	struct adt_fixture f;
	char dart[64];
};

FIXTURE_SETUP(storm)
{
	if (adt_fixture_setup(_metadata, &self->f))
		return;
	if (!adt_is_ours(self->f.fd, self->f.eng))
		SKIP(return, "%s reports faults to no domain", self->f.ei.iommu_driver);
	ASSERT_EQ(0, adt_dart_of(self->f.ei.dev_name, self->dart, sizeof(self->dart)));
}

FIXTURE_TEARDOWN(storm)
{
	adt_fixture_close(&self->f);
	adt_fixture_dma_clean(_metadata, &self->f);
}

/*
 * One engine reads an unmapped IOVA STORM times, each read waiting for the
 * report of the one before: every fault is latched alone, so every count
 * must come out exact.
 */
TEST_F(storm, ten_thousand_faults)
{
	long irq0, irq1, df0, dr0, du0, got;
	uint32_t c0[ADT_NR_COUNTERS], c1[ADT_NR_COUNTERS];
	unsigned int i, lines, suppressed = 0;
	struct adt_faults fr;
	struct adt_run r;
	struct adt_b p;
	uint32_t dom;
	double t0, dt;
	int kfd;

	ASSERT_EQ(0, unmanaged(self->f.fd, self->f.eng, &dom, &p));
	irq0 = dart_irqs(self->dart);
	ASSERT_LE(0, irq0) TH_LOG("no interrupt of %s", self->dart);
	df0 = adt_dart_counter(self->dart, "faults");
	dr0 = adt_dart_counter(self->dart, "faults_reported");
	du0 = adt_dart_counter(self->dart, "faults_unclaimed");
	ASSERT_LE(0, df0);
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c0));
	kfd = kmsg_open();
	ASSERT_LE(0, kfd);

	t0 = now();
	for (i = 0; i < STORM; i++) {
		ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_READ32, 0,
				     IOVA_HOLE + (i % 64) * 4, 0, 4, 0, &r));
		ASSERT_TRUE(r.status & ADT_ST_ERROR) TH_LOG("read %u did not fault", i);
		got = faults_wait(self->f.fd, dom, i + 1);
		ASSERT_EQ(i + 1, got) TH_LOG("fault %u never reported", i);
	}
	dt = now() - t0;

	irq1 = dart_irqs(self->dart);
	ASSERT_EQ(0, adt_cnt(self->f.fd, self->f.eng, 0, c1));
	ASSERT_EQ(0, faults(self->f.fd, dom, &fr));
	lines = fault_lines(kfd, IOVA_HOLE, &suppressed);
	close(kfd);
	TH_LOG("%u faults in %.1f s: %ld interrupts, %u log lines, %u 'suppressed' notes",
	       STORM, dt, irq1 - irq0, lines, suppressed);

	EXPECT_EQ(STORM, fr.count);
	EXPECT_EQ(STORM, c1[ADT_CNT_FAULTS] - c0[ADT_CNT_FAULTS]);
	EXPECT_EQ(STORM, adt_dart_counter(self->dart, "faults") - df0);
	EXPECT_EQ(STORM, adt_dart_counter(self->dart, "faults_reported") - dr0);
	EXPECT_EQ(du0, adt_dart_counter(self->dart, "faults_unclaimed"));
	/* Every fault was one interrupt, and every one was claimed. */
	EXPECT_LE(STORM, irq1 - irq0);
	/* 10 lines a 5 s interval, plus the interval the storm started in. */
	EXPECT_GE(10 * ((unsigned int)(dt / 5) + 2), lines);
	EXPECT_LT(0, lines);
	if (dt > 5)
		EXPECT_LT(0, suppressed);
	EXPECT_EQ(c0[ADT_CNT_VIOLATIONS], c1[ADT_CNT_VIOLATIONS]);

	/* Afterwards: the mapped page works, a new fault still interrupts. */
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_WRITE32, 0, 0, IOVA_MAP,
			     4, 0xfeed, &r));
	EXPECT_EQ(ADT_ST_DONE, r.status);
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_READ32, 0, IOVA_MAP, 0, 4,
			     0, &r));
	EXPECT_EQ(ADT_ST_DONE, r.status);
	EXPECT_EQ(0xfeed, r.data);
	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_READ32, 0, IOVA_HOLE, 0, 4,
			     0, &r));
	EXPECT_EQ(STORM + 1, faults_wait(self->f.fd, dom, STORM + 1));
	EXPECT_LT(irq1, dart_irqs(self->dart));
}

struct pair_arg {
	int fd;
	int eng;
	unsigned int refused;
};

static void *pair_thread(void *p)
{
	struct pair_arg *a = p;
	struct adt_run r;
	unsigned int i;

	for (i = 0; i < PAIR; i++)
		if (!adt_cmd(a->fd, a->eng, ADT_OP_READ32, 0, IOVA_HOLE + (i % 64) * 4,
			     0, 4, 0, &r) && (r.status & ADT_ST_ERROR))
			a->refused++;
	return NULL;
}

/* An engine on another stream of DART @dart than @me's, -1 if none. */
static int other_stream(int fd, const struct adt_engine_info *me, const char *dart)
{
	struct adt_engine_info ei;
	int i, n = adt_nr_engines(fd);
	char d[64];

	for (i = 0; i < n; i++)
		if (!adt_engine(fd, i, &ei) && (ei.flags & ADT_ENGINE_BOUND) &&
		    ei.sid[0] != me->sid[0] && !adt_dart_of(ei.dev_name, d, sizeof(d)) &&
		    !strcmp(d, dart))
			return i;
	return -1;
}

/*
 * Two engines on two streams of one DART fault at the same time, without
 * waiting for the reports.  A fault that comes while another is latched is
 * not latched (emulator.rst, "second fault while one is latched"), so the
 * reports can be fewer than the accesses; but each report goes to the
 * right domain with the right engine, and the driver's counters add up to
 * what the handlers heard.
 */
TEST_F(storm, two_streams_at_once)
{
	uint32_t c0[2][ADT_NR_COUNTERS], c1[2][ADT_NR_COUNTERS];
	struct pair_arg a[2];
	struct adt_faults fr[2];
	struct adt_run r;
	struct adt_b p[2];
	pthread_t t[2];
	uint32_t dom[2];
	long df0, dr0, irq0;
	unsigned int i, k;
	int eng[2];

	eng[0] = self->f.eng;
	eng[1] = other_stream(self->f.fd, &self->f.ei, self->dart);
	if (eng[1] < 0)
		SKIP(return, "no engine on another stream of %s", self->dart);

	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, unmanaged(self->f.fd, eng[k], &dom[k], &p[k]));
		ASSERT_EQ(0, adt_cnt(self->f.fd, eng[k], 0, c0[k]));
		a[k] = (struct pair_arg){ .fd = self->f.fd, .eng = eng[k] };
	}
	df0 = adt_dart_counter(self->dart, "faults");
	dr0 = adt_dart_counter(self->dart, "faults_reported");
	irq0 = dart_irqs(self->dart);
	for (k = 0; k < 2; k++)
		ASSERT_EQ(0, pthread_create(&t[k], NULL, pair_thread, &a[k]));
	for (k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	/* Let the last interrupt be handled. */
	usleep(100000);

	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, faults(self->f.fd, dom[k], &fr[k]));
		ASSERT_EQ(0, adt_cnt(self->f.fd, eng[k], 0, c1[k]));
		TH_LOG("engine %d: %u accesses refused, %u faults reported to its domain",
		       eng[k], a[k].refused, fr[k].count);
		EXPECT_EQ(PAIR, a[k].refused);
		EXPECT_EQ(PAIR, c1[k][ADT_CNT_FAULTS] - c0[k][ADT_CNT_FAULTS]);
		EXPECT_LT(0, fr[k].count);
		EXPECT_GE(PAIR, fr[k].count);
		/*
		 * A report names the first device probed on the stream,
		 * which may be another engine sharing it (dma-t8103-b/c).
		 */
		for (i = 0; i < fr[k].nr; i++) {
			struct adt_engine_info me, ei;

			ASSERT_EQ(0, adt_engine(self->f.fd, eng[k], &me));
			ASSERT_EQ(0, adt_engine(self->f.fd, fr[k].fault[i].engine, &ei));
			EXPECT_EQ(me.sid[0], ei.sid[0]);
			EXPECT_STREQ(me.dart[0], ei.dart[0]);
			EXPECT_EQ(IOVA_HOLE, fr[k].fault[i].iova & ~0xffULL);
		}
	}
	EXPECT_EQ(fr[0].count + fr[1].count, adt_dart_counter(self->dart, "faults") - df0);
	EXPECT_EQ(fr[0].count + fr[1].count,
		  adt_dart_counter(self->dart, "faults_reported") - dr0);
	EXPECT_LE(fr[0].count + fr[1].count, dart_irqs(self->dart) - irq0);

	/* Both streams translate and report faults as before. */
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, adt_cmd(self->f.fd, eng[k], ADT_OP_WRITE32, 0, 0, IOVA_MAP, 4,
				     0xbeef0 + k, &r));
		EXPECT_EQ(ADT_ST_DONE, r.status);
		ASSERT_EQ(0, adt_cmd(self->f.fd, eng[k], ADT_OP_READ32, 0, IOVA_MAP, 0, 4,
				     0, &r));
		EXPECT_EQ(0xbeef0 + k, r.data);
		ASSERT_EQ(0, adt_cmd(self->f.fd, eng[k], ADT_OP_READ32, 0, IOVA_HOLE, 0, 4,
				     0, &r));
		EXPECT_EQ(fr[k].count + 1, faults_wait(self->f.fd, dom[k], fr[k].count + 1));
	}
}

/*
 * A fault report still running in the domain's handler while the domain is
 * detached and freed.  The driver hands the report on under RCU; the
 * caller of iommu_domain_free() frees the handler's data as soon as it
 * returns, so the free must wait for reports in flight.  The client's
 * handler holds its CPU ADT_HOLD_MS (on CPU 0, where the DART's interrupt
 * is steered), then writes to its domain's data; the test frees the domain
 * from CPU 1 meanwhile.  Caught: a free that returns before the report
 * ends (timed here, and KASAN reports the handler's write).
 */
TEST_F(storm, fault_racing_domain_free)
{
	struct adt_attach at = { .engine = self->f.eng, .domain = ADT_ATTACH_DEFAULT };
	char path[64], splat[256];
	struct adt_faults fr;
	struct adt_run r;
	struct adt_b p;
	double t_seen, t_freed;
	cpu_set_t cpus;
	uint32_t dom;
	int irq, kfd, i;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	irq = dart_irq_number(self->dart);
	ASSERT_LE(0, irq);
	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", irq);
	ASSERT_EQ(0, write_str(path, "0"));
	CPU_ZERO(&cpus);
	CPU_SET(1, &cpus);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));

	ASSERT_EQ(0, unmanaged(self->f.fd, self->f.eng, &dom, &p));
	memset(&fr, 0, sizeof(fr));
	fr.domain = dom;
	fr.flags = ADT_FAULTS_HOLD;
	ASSERT_EQ(0, adt_ioc(self->f.fd, ADT_IOC_FAULTS, &fr));
	kfd = kmsg_open();
	ASSERT_LE(0, kfd);

	ASSERT_EQ(0, adt_cmd(self->f.fd, self->f.eng, ADT_OP_READ32, 0, IOVA_HOLE, 0, 4,
			     0, &r));
	ASSERT_TRUE(r.status & ADT_ST_ERROR);
	for (i = 0; i < 100000; i++)
		if (faults(self->f.fd, dom, &fr) || fr.count)
			break;
	t_seen = now();
	ASSERT_EQ(1, fr.count);
	/* The handler is inside its hold: the race is on. */
	ASSERT_EQ(0, fr.held);

	ASSERT_EQ(0, adt_ioc(self->f.fd, ADT_IOC_ATTACH, &at));
	ASSERT_EQ(0, adt_ioc(self->f.fd, ADT_IOC_DOMAIN_FREE, &dom));
	t_freed = now();
	TH_LOG("domain free returned %.0f ms after the report began holding",
	       (t_freed - t_seen) * 1000);
	EXPECT_LE(ADT_HOLD_MS * 0.8, (t_freed - t_seen) * 1000)
		TH_LOG("the free did not wait for the fault report in flight");
	usleep(2 * ADT_HOLD_MS * 1000);
	EXPECT_EQ(0, kmsg_splat(kfd, splat, sizeof(splat)))
		TH_LOG("kernel said %s", splat);
	close(kfd);
}

TEST_HARNESS_MAIN
