/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kselftests that drive the DART test client
 * (tools/testing/kernel/client, whose uAPI apple-dart-test.h sits there).
 */
#ifndef ADT_UTIL_H
#define ADT_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "apple-dart-test.h"

/* The engine's FNV-1a constants */
#include "apple-dart-test-engine.h"

#define ADT_KO		"/dart/modules/apple-dart-test.ko"
/* The engine library the client links against, loaded first. */
#define DTE_KO		"/dart/modules/dart_test_engine.ko"
#define DMA_DEBUG_ERRORS "/sys/kernel/debug/dma-api/error_count"
#define PG		16384UL

/* Module name of the project's driver; the 6.12 oracle's is different. */
#define OUR_DRIVER	"apple_dart"

static inline int adt_load_ko(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret == -EEXIST ? 0 : ret;
}

static inline int adt_load_module(void)
{
	int ret = adt_load_ko(DTE_KO);

	return ret ? ret : adt_load_ko(ADT_KO);
}

/* Open the client, loading it if the scenario did not. */
static inline int adt_open(void)
{
	int fd = open(ADT_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	if (adt_load_module())
		return -1;
	return open(ADT_DEVICE, O_RDWR | O_CLOEXEC);
}

/* ioctl returning 0 or -errno */
static inline int adt_ioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static inline int adt_nr_engines(int fd)
{
	struct adt_info info = {};

	if (adt_ioc(fd, ADT_IOC_INFO, &info))
		return -1;
	return info.nr_engines;
}

static inline int adt_engine(int fd, unsigned int idx, struct adt_engine_info *ei)
{
	memset(ei, 0, sizeof(*ei));
	ei->index = idx;
	return adt_ioc(fd, ADT_IOC_ENGINE_INFO, ei);
}

/* Index of the bound engine labelled @label, -1 if there is none. */
static inline int adt_find(int fd, const char *label)
{
	struct adt_engine_info ei;
	int i, n = adt_nr_engines(fd);

	for (i = 0; i < n; i++)
		if (!adt_engine(fd, i, &ei) && (ei.flags & ADT_ENGINE_BOUND) &&
		    !strcmp(ei.label, label))
			return i;
	return -1;
}

/* First bound engine in a translated DMA domain, preferring dma-t8103-a. */
static inline int adt_default_engine(int fd)
{
	struct adt_engine_info ei;
	int i, n = adt_nr_engines(fd);

	i = adt_find(fd, "dma-t8103-a");
	if (i >= 0)
		return i;
	for (i = 0; i < n; i++)
		if (!adt_engine(fd, i, &ei) && (ei.flags & ADT_ENGINE_BOUND) &&
		    ei.domain_type == ADT_DOMAIN_DMA)
			return i;
	return -1;
}

static inline int adt_is_ours(int fd, int engine)
{
	struct adt_engine_info ei;

	return !adt_engine(fd, engine, &ei) && !strcmp(ei.iommu_driver, OUR_DRIVER);
}

struct adt_b {
	uint32_t handle;
	uint64_t iova;
	uint64_t phys;
	uint32_t nr_segs;
	uint64_t size;
};

/* Allocate per @a and fill @b from what the client returned. */
static inline int adt_buf_alloc(int fd, struct adt_buf_alloc *a, struct adt_b *b)
{
	int ret = adt_ioc(fd, ADT_IOC_BUF_ALLOC, a);

	if (ret)
		return ret;
	b->handle = a->handle;
	b->iova = a->iova;
	b->phys = a->phys;
	b->nr_segs = a->nr_segs;
	b->size = a->size;
	return 0;
}

static inline int adt_alloc(int fd, int engine, uint32_t kind, uint64_t size,
			    uint32_t dir, uint32_t flags, struct adt_b *b)
{
	struct adt_buf_alloc a = {
		.engine = engine, .kind = kind, .size = size, .dir = dir,
		.flags = flags,
	};
	return adt_buf_alloc(fd, &a, b);
}

static inline int adt_share(int fd, int engine, uint32_t src, uint32_t dir,
			    struct adt_b *b)
{
	struct adt_buf_alloc a = {
		.engine = engine, .kind = ADT_BUF_SHARE, .share = src, .dir = dir,
	};
	return adt_buf_alloc(fd, &a, b);
}

static inline int adt_free(int fd, uint32_t handle)
{
	return adt_ioc(fd, ADT_IOC_BUF_FREE, &handle);
}

static inline int adt_rw(int fd, uint32_t handle, int write, uint64_t off,
			 void *p, uint64_t len)
{
	struct adt_buf_rw rw = {
		.handle = handle, .write = write, .offset = off, .len = len,
		.user = (uintptr_t)p,
	};

	return adt_ioc(fd, ADT_IOC_BUF_RW, &rw);
}

/* Run one engine command; *r holds status, result, data, fault IOVA. */
static inline int adt_cmd(int fd, int engine, uint32_t op, uint32_t flags,
			  uint64_t src, uint64_t dst, uint32_t len,
			  uint32_t data, struct adt_run *r)
{
	memset(r, 0, sizeof(*r));
	r->engine = engine;
	r->op = op;
	r->flags = flags;
	r->src = src;
	r->dst = dst;
	r->len = len;
	r->data = data;
	return adt_ioc(fd, ADT_IOC_RUN, r);
}

/*
 * The model's counters of the engine's own stream behind @port: what the
 * test caused, whatever other masters on the same DART do meanwhile.
 */
static inline int adt_cnt(int fd, int engine, int port, uint32_t *val)
{
	struct adt_counters c = {
		.engine = engine, .port = port, .flags = ADT_COUNTERS_STREAM,
	};
	int ret = adt_ioc(fd, ADT_IOC_COUNTERS, &c);

	if (!ret)
		memcpy(val, c.val, sizeof(c.val));
	return ret;
}

/* FNV-1a 32, as the engine's CHECKSUM command computes it */
static inline uint32_t fnv1a(const void *p, size_t len)
{
	const uint8_t *s = p;
	uint32_t h = DTE_FNV1A_INIT;

	while (len--) {
		h ^= *s++;
		h *= DTE_FNV1A_PRIME;
	}
	return h;
}

static inline void fill_pattern(void *p, size_t len, uint32_t seed)
{
	uint8_t *s = p;
	size_t i;

	for (i = 0; i < len; i++)
		s[i] = (uint8_t)(i * 131 + seed + (i >> 12));
}

/* Bytes of @p that are not the 32-bit word @v repeated, -1 if all are. */
static inline long find_not_word(const void *p, size_t len, uint32_t v)
{
	const uint32_t *w = p;
	size_t i;

	for (i = 0; i < len / 4; i++)
		if (w[i] != v)
			return i * 4;
	return -1;
}

static inline long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	return strtol(buf, NULL, 0);
}

static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* The DART driver's debugfs directory (apple-dart-debugfs.c). */
#define ADT_DART_DBG	"/sys/kernel/debug/iommu/apple-dart/"

/* Value of "@name N" in the debugfs file @path, -1 without it. */
static inline long adt_counter_in(const char *path, const char *name)
{
	char key[64];
	long v, ret = -1;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name))
			ret = v;
	fclose(f);
	return ret;
}

/* Counter @name of DART @dart's debugfs "counters" file, -1 without it. */
static inline long adt_dart_counter(const char *dart, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), ADT_DART_DBG "%s/counters", dart);
	return adt_counter_in(path, name);
}

/* Debugfs id of the domain stream @sid of @dart translates through, or -1. */
static inline long adt_dart_stream_domain(const char *dart, long sid)
{
	char path[256], line[256];
	long s, id, ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), ADT_DART_DBG "%s/streams", dart);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%ld %*s %*s %*s %ld", &s, &id) == 2 && s == sid)
			ret = id;
	fclose(f);
	return ret;
}

/* Counter @name of debugfs domain @id, -1 without it. */
static inline long adt_domain_counter(long id, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), ADT_DART_DBG "domains/%ld/counters", id);
	return adt_counter_in(path, name);
}

/*
 * Was the DART labelled @label (a struct adt_engine_info dart[] entry)
 * locked by the boot loader (debugfs info "locked 1")?  Such a DART can
 * only translate: no blocked domain, so no DMA ownership for the client.
 */
static inline bool adt_dart_label_locked(const char *label)
{
	char path[320], buf[64], line[64];
	bool locked = false;
	struct dirent *d;
	DIR *dir;
	FILE *f;

	dir = opendir("/sys/class/iommu");
	if (!dir)
		return false;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "apple-dart.", 11))
			continue;
		snprintf(path, sizeof(path), "/sys/class/iommu/%s/device/of_node/label",
			 d->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
		fclose(f);
		if (strcmp(buf, label))
			continue;
		snprintf(path, sizeof(path), ADT_DART_DBG "%s/info", d->d_name + 11);
		f = fopen(path, "re");
		while (f && fgets(line, sizeof(line), f))
			if (!strcmp(line, "locked 1\n"))
				locked = true;
		if (f)
			fclose(f);
	}
	closedir(dir);
	return locked;
}

/* Is engine @ei behind a DART the boot loader locked, on either port? */
static inline bool adt_engine_locked(const struct adt_engine_info *ei)
{
	return adt_dart_label_locked(ei->dart[0]) ||
	       ((ei->flags & ADT_ENGINE_PORT1) && adt_dart_label_locked(ei->dart[1]));
}

/* adt_find_engine() flag, not the client's: skip engines behind locked DARTs */
#define ADT_FIND_UNLOCKED	0x80000000u

/*
 * adt_find_engine() - the first bound engine with all of @flags whose port
 * 0 stream is in [@sid_lo, @sid_hi); its index, with @ei filled, or -1.
 */
static inline int adt_find_engine(int fd, uint32_t flags, uint32_t sid_lo,
				  uint32_t sid_hi, struct adt_engine_info *ei)
{
	uint32_t want = ADT_ENGINE_BOUND | (flags & ~ADT_FIND_UNLOCKED);
	int i, n = adt_nr_engines(fd);

	for (i = 0; i < n; i++)
		if (!adt_engine(fd, i, ei) && (ei->flags & want) == want &&
		    ei->sid[0] >= sid_lo && ei->sid[0] < sid_hi &&
		    !((flags & ADT_FIND_UNLOCKED) && adt_engine_locked(ei)))
			return i;
	return -1;
}

static inline long dma_debug_errors(void)
{
	return read_long(DMA_DEBUG_ERRORS);
}

/*
 * Kernel log reader positioned at the end: only what happens after
 * kmsg_open() is seen by the kmsg_find_*() readers below.
 */
static inline int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Number of the first digits after "stream" in @line, -1 without. */
static inline long stream_in(const char *line)
{
	const char *s = strstr(line, "stream");

	if (!s)
		return -1;
	s += 6;
	while (*s == ':' || *s == ' ' || *s == '=' || *s == 's')
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	return strtol(s, NULL, 10);
}

/*
 * The next kernel record from a kmsg_open() reader into @rec (1024
 * bytes); 0 once there is none.  "PRI,SEQ,...;text": a facility above 0 is
 * user space, such as the scenario's own output that the guest logs (it
 * may quote a kernel line), and is skipped.
 */
static inline int kmsg_next_kernel(int fd, char *rec)
{
	ssize_t n;

	for (;;) {
		n = read(fd, rec, 1023);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return 0;
		rec[n] = '\0';
		if (strtol(rec, NULL, 10) < 8)
			return 1;
	}
}

/*
 * Find a new log line that reports a fault at @iova (in hex) on stream
 * @sid (after the word "stream"); copies it to @out.  Returns 1 if found.
 */
static inline int kmsg_find_fault(int fd, uint64_t iova, long sid, char *out,
				  size_t outlen)
{
	char rec[1024], hex[32];

	snprintf(hex, sizeof(hex), "%llx", (unsigned long long)iova);
	while (kmsg_next_kernel(fd, rec)) {
		if (!strstr(rec, "fault") || !strstr(rec, hex))
			continue;
		if (sid >= 0 && stream_in(rec) != sid)
			continue;
		snprintf(out, outlen, "%s", rec);
		return 1;
	}
	return 0;
}

/* Is there a new kernel record containing @text?  Returns 1 if so. */
static inline int kmsg_find_text(int fd, const char *text)
{
	char rec[1024];

	while (kmsg_next_kernel(fd, rec))
		if (strstr(rec, text))
			return 1;
	return 0;
}

/*
 * The first new kernel record that is a splat (a WARN, BUG, sanitizer
 * report, list or object corruption, disabled interrupt), its text
 * copied to @out; 0 if there is none.
 */
static inline int kmsg_splat(int fd, char *out, size_t outlen)
{
	static const char * const splats[] = {
		"WARNING:", "BUG:", "KASAN", "UBSAN", "Oops", "Call trace:",
		"Unable to handle", "corruption", "ODEBUG:", "nobody cared",
		"INFO: ",
	};
	char rec[1024];
	size_t i;

	while (kmsg_next_kernel(fd, rec)) {
		for (i = 0; i < ARRAY_SIZE(splats); i++) {
			if (strstr(rec, splats[i])) {
				snprintf(out, outlen, "%.200s", strchr(rec, ';') ?: rec);
				return 1;
			}
		}
	}
	return 0;
}

/* The DART (e.g. "90c0000.iommu") behind platform device @dev. */
static inline int adt_dart_of(const char *dev, char *out, size_t len)
{
	char path[128], link[256];
	const char *b;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/iommu", dev);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	b = strrchr(link, '/');
	b = b ? b + 1 : link;
	if (strncmp(b, "apple-dart.", 11))
		return -ENOENT;
	snprintf(out, len, "%s", b + 11);
	return 0;
}

/*
 * kmsg_wait_fault() - kmsg_find_fault(), waiting for the report to appear.
 * The fault interrupt is asynchronous to the engine command; the time
 * limit only keeps a lost report from hanging the test, it is not what
 * the test measures.
 */
static inline int kmsg_wait_fault(int fd, uint64_t iova, long sid, char *out,
				  size_t outlen)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (kmsg_find_fault(fd, iova, sid, out, outlen))
			return 1;
		usleep(10000);
	}
	return 0;
}

/*
 * What every fixture of the client's tests starts from: the client open,
 * the engine the test drives (adt_default_engine()) and its info, and the
 * DMA-API debug error count to compare against when it ends.
 */
struct adt_fixture {
	int fd;
	int eng;
	long dbg_errors;
	struct adt_engine_info ei;
};

#ifdef __KSELFTEST_HARNESS_H
/* IOMMU API domains through the client (ADT_IOC_DOMAIN_ALLOC and on). */
static inline int adt_dom_alloc(int fd, int engine, struct adt_domain_alloc *d)
{
	memset(d, 0, sizeof(*d));
	d->engine = engine;
	return adt_ioc(fd, ADT_IOC_DOMAIN_ALLOC, d);
}

static inline int adt_dom_attach(int fd, int engine, uint32_t domain)
{
	struct adt_attach at = { .engine = engine, .domain = domain };

	return adt_ioc(fd, ADT_IOC_ATTACH, &at);
}

static inline int adt_dom_map(int fd, uint32_t dom, uint32_t handle,
			      uint64_t off, uint64_t iova, uint64_t len,
			      uint32_t prot)
{
	struct adt_map m = {
		.domain = dom, .handle = handle, .prot = prot, .offset = off,
		.len = len, .iova = iova,
	};

	return adt_ioc(fd, ADT_IOC_MAP, &m);
}

static inline int64_t adt_dom_unmap(int fd, uint32_t dom, uint64_t iova,
				    uint64_t len)
{
	struct adt_unmap u = { .domain = dom, .iova = iova, .len = len };
	int ret = adt_ioc(fd, ADT_IOC_UNMAP, &u);

	return ret ? ret : (int64_t)u.unmapped;
}

/*
 * ADT_MAP_RAW: the IOVA and length reach iommu_map() / iommu_unmap() as
 * they are, so the IOMMU driver answers, not the client.
 */
static inline int adt_dom_map_raw(int fd, uint32_t dom, uint32_t handle,
				  uint64_t off, uint64_t iova, uint64_t len,
				  uint32_t prot)
{
	struct adt_map m = {
		.domain = dom, .handle = handle, .prot = prot, .offset = off,
		.len = len, .iova = iova, .flags = ADT_MAP_RAW,
	};

	return adt_ioc(fd, ADT_IOC_MAP, &m);
}

/* Bytes iommu_unmap() unmapped at @iova (any range), or -errno. */
static inline int64_t adt_dom_unmap_raw(int fd, uint32_t dom, uint64_t iova,
					uint64_t len)
{
	struct adt_unmap u = {
		.domain = dom, .iova = iova, .len = len, .flags = ADT_MAP_RAW,
	};
	int ret = adt_ioc(fd, ADT_IOC_UNMAP, &u);

	return ret ? ret : (int64_t)u.unmapped;
}

/* iommu_iova_to_phys() in domain @dom; ~0 if the ioctl failed. */
static inline uint64_t adt_dom_phys(int fd, uint32_t dom, uint64_t iova)
{
	struct adt_iova_to_phys ip = { .domain = dom, .iova = iova };

	return adt_ioc(fd, ADT_IOC_IOVA_TO_PHYS, &ip) ? ~0ULL : ip.phys;
}

static inline int adt_dom_faults(int fd, uint32_t dom, struct adt_faults *f)
{
	memset(f, 0, sizeof(*f));
	f->domain = dom;
	return adt_ioc(fd, ADT_IOC_FAULTS, f);
}

/*
 * adt_dom_faults_wait() - adt_dom_faults(), once the domain has heard of
 * at least @want faults: the fault interrupt is asynchronous to the
 * engine command.  The time limit only keeps a lost report from hanging
 * the test.
 */
static inline int adt_dom_faults_wait(int fd, uint32_t dom, unsigned int want,
				      struct adt_faults *f)
{
	int i, ret = 0;

	for (i = 0; i < 1000; i++) {
		ret = adt_dom_faults(fd, dom, f);
		if (ret || f->count >= want)
			break;
		usleep(10000);
	}
	return ret;
}

/*
 * adt_fixture_setup() - open the client (loading it if the scenario did
 * not) and find the engine; fails the test if either is missing.
 * Returns 0, or 1 if there is no engine in a DMA domain and the test was
 * marked skipped.
 */
static inline int adt_fixture_setup(struct __test_metadata *_metadata,
				    struct adt_fixture *f)
{
	f->fd = adt_open();
	ASSERT_LE(0, f->fd) TH_LOG("open %s: %s", ADT_DEVICE, strerror(errno));
	f->eng = adt_default_engine(f->fd);
	if (f->eng < 0)
		SKIP(return 1, "no test engine in a DMA domain");
	ASSERT_EQ(0, adt_engine(f->fd, f->eng, &f->ei));
	f->dbg_errors = dma_debug_errors();
	return 0;
}

/* adt_fixture_close() - close the client if open */
static inline void adt_fixture_close(struct adt_fixture *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/*
 * adt_fixture_dma_clean() - DMA-API debug found nothing since the setup:
 * every buffer the test left was freed by closing the client.
 */
static inline void adt_fixture_dma_clean(struct __test_metadata *_metadata,
					 struct adt_fixture *f)
{
	EXPECT_EQ(f->dbg_errors, dma_debug_errors());
}
#endif

#endif /* ADT_UTIL_H */
