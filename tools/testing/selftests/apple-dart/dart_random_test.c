// SPDX-License-Identifier: GPL-2.0
/*
 * Differential random testing of the IOMMU API path: seeded random
 * sequences of operations through the test client - map, unmap, attach
 * the engine to another domain, iova_to_phys, and DMA reads and writes by
 * the engine on either of its ports - each checked at once against a
 * reference model kept here.  Every DMA must give the data the model
 * predicts, or fault at exactly the IOVA it predicts; every iova_to_phys
 * must agree; every 10000 operations (and at the end) the whole buffer,
 * read by the CPU, must hold what the model says the engine wrote there.
 *
 * The IOVAs sit in three windows: inside one leaf table, across a 32 MiB
 * boundary (two top-level entries, hw §4.2) and at the top of the
 * aperture (the last entries of the last TTBR), so table installs,
 * unhooks and their flushes are all exercised.  A driver that misses an
 * invalidation, unhooks a table still in use, maps the wrong page or
 * keeps a mapping after unmap makes some DMA disagree with the model.
 *
 * differential: one sequence, three domains, the engine moved between
 * them.  concurrent: three threads on one shared domain at once, each
 * with its own part of every window (so they install into and unhook the
 * same leaf tables) and its own model; the third moves a second engine
 * (another DART, or another stream) into the domain and out again, so
 * flushes race with the domain's set of DARTs changing.
 *
 * DART_RANDOM_OPS (default 100000, the concurrent test a third of it per
 * thread) and DART_RANDOM_SEED (default: random, printed) choose the run;
 * the guest sets them from the kernel command line (dart.random_ops=,
 * dart.random_seed=).  A failure prints the seed and the draw number.
 */

#include <pthread.h>
#include <stdarg.h>
#include <sys/random.h>

#include "kselftest_harness.h"
#include "adt_util.h"

#define NDOM		3
#define NPAGES		64
#define WIN_SLOTS	32
#define NWIN		3
#define NSLOTS		(NWIN * WIN_SLOTS)
#define WORDS		(PG / 4)
#define MAX_RUN		6
#define CHECK_EVERY	10000
#define NTHREADS	3

enum { OP_MAP, OP_UNMAP, OP_ATTACH, OP_READ, OP_WRITE, OP_PHYS, OP_NR };

static const char *const op_names[OP_NR] = {
	"map", "unmap", "attach", "read", "write", "iova_to_phys",
};

/* Out of 100: reads and writes dominate, so most mappings get used. */
static const unsigned int op_weight[OP_NR] = { 22, 12, 4, 34, 22, 6 };

struct slot {
	int page;		/* buffer page mapped here, -1 if none */
	uint32_t prot;
	int run;		/* > 0: an ADT_IOC_MAP of this many slots starts here */
};

/*
 * struct worker - one random sequence and its model
 * @lo, @hi: the slots of each window this sequence owns, [lo, hi)
 * @toggles: attach moves the engine between dom[0] and the default
 *	domain (no DMA is predicted there); else between the domains
 * @cur: index in @dom the engine is attached to, -1 for the default
 */
struct worker {
	int fd, eng, ports;
	uint32_t buf;
	int ndom;
	uint32_t dom[NDOM];
	bool toggles, attaches;
	unsigned int lo, hi;
	unsigned long ops, seed;
	uint64_t win[NWIN];
	int cur;
	struct slot s[NDOM][NSLOTS];
	uint32_t mem[NPAGES][WORDS];
	uint64_t phys[NPAGES];
	unsigned long done[OP_NR], faults, draw;
	uint64_t rng;
	char err[256];
};

static uint64_t rnd(struct worker *w)
{
	/* xorshift64*: fast, and the same sequence for the same seed. */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545f4914f6cdd1dULL;
}

static unsigned int rnd_below(struct worker *w, unsigned int n)
{
	return rnd(w) % n;
}

static uint64_t slot_iova(const struct worker *w, unsigned int s)
{
	return w->win[s / WIN_SLOTS] + (uint64_t)(s % WIN_SLOTS) * PG;
}

/* A random slot of those @w owns. */
static unsigned int own_slot(struct worker *w)
{
	unsigned int per = w->hi - w->lo;
	unsigned int k = rnd_below(w, NWIN * per);

	return (k / per) * WIN_SLOTS + w->lo + k % per;
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static unsigned long pick_seed(void)
{
	unsigned int r = 0;

	/* The guest has no real-time clock worth seeding from. */
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = getpid();
	return env_ul("DART_RANDOM_SEED", r);
}

/* Record why the sequence disagrees with the model; -1 for the caller. */
static __printf(2, 3) int
fail(struct worker *w, const char *fmt, ...)
{
	int n = snprintf(w->err, sizeof(w->err), "seed %lu draw %lu: ", w->seed,
			 w->draw);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->err + n, sizeof(w->err) - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int do_map(struct worker *w, int d, unsigned int s)
{
	unsigned int end = (s / WIN_SLOTS) * WIN_SLOTS + w->hi;
	uint32_t prot = rnd_below(w, 3) ? ADT_PROT_READ | ADT_PROT_WRITE :
					  ADT_PROT_READ;
	unsigned int n = 1 + rnd_below(w, MAX_RUN), k;
	int page, ret;

	if (s + n > end)
		n = end - s;
	for (k = 0; k < n; k++)
		if (w->s[d][s + k].page >= 0)
			return 1;	/* not free: draw again */
	page = rnd_below(w, NPAGES - n + 1);
	ret = adt_dom_map(w->fd, w->dom[d], w->buf, (uint64_t)page * PG,
			  slot_iova(w, s), (uint64_t)n * PG, prot);
	if (ret)
		return fail(w, "map d%d slot %u +%u: %d", d, s, n, ret);
	for (k = 0; k < n; k++) {
		w->s[d][s + k].page = page + k;
		w->s[d][s + k].prot = prot;
	}
	w->s[d][s].run = n;
	return 0;
}

static int do_unmap(struct worker *w, int d, unsigned int s)
{
	unsigned int k, n;
	int64_t got;

	/* The first mapping of ours at or after @s, wrapping. */
	for (k = 0; k < NSLOTS && !w->s[d][(s + k) % NSLOTS].run; k++)
		;
	if (k == NSLOTS)
		return 1;
	s = (s + k) % NSLOTS;
	n = w->s[d][s].run;
	got = adt_dom_unmap(w->fd, w->dom[d], slot_iova(w, s), (uint64_t)n * PG);
	if (got != (int64_t)n * PG)
		return fail(w, "unmap d%d slot %u +%u: %lld", d, s, n, (long long)got);
	for (k = 0; k < n; k++)
		w->s[d][s + k].page = -1;
	w->s[d][s].run = 0;
	return 0;
}

static int do_attach(struct worker *w, int d)
{
	uint32_t to;
	int ret;

	if (w->toggles)
		d = w->cur < 0 ? 0 : -1;
	else if (d == w->cur)
		d = (d + 1) % w->ndom;
	to = d < 0 ? ADT_ATTACH_DEFAULT : w->dom[d];
	ret = adt_dom_attach(w->fd, w->eng, to);
	if (ret)
		return fail(w, "attach d%d: %d", d, ret);
	w->cur = d;
	return 0;
}

static int do_dma(struct worker *w, int op, unsigned int s)
{
	const struct slot *sl;
	unsigned int wd = rnd_below(w, WORDS);
	uint64_t iova = slot_iova(w, s) + 4 * wd;
	uint32_t port = w->ports > 1 && rnd_below(w, 2) ? ADT_RUN_PORT1 : 0;
	uint32_t v = (uint32_t)rnd(w);
	struct adt_run r;
	bool ok;
	int ret;

	if (w->cur < 0)
		return 1;	/* the default domain: nothing to predict */
	sl = &w->s[w->cur][s];
	if (op == OP_READ) {
		ret = adt_cmd(w->fd, w->eng, ADT_OP_READ32, port, iova, 0, 4, 0, &r);
		ok = sl->page >= 0;
	} else {
		ret = adt_cmd(w->fd, w->eng, ADT_OP_WRITE32, port, 0, iova, 4, v, &r);
		ok = sl->page >= 0 && (sl->prot & ADT_PROT_WRITE);
	}
	if (ret)
		return fail(w, "%s: run %d", op_names[op], ret);
	if (ok && r.status != ADT_ST_DONE)
		return fail(w, "%s d%d slot %u page %d prot %u port %u: %#x at %#llx",
			    op_names[op], w->cur, s, sl->page, sl->prot, port, r.status,
			    (unsigned long long)r.fault_iova);
	if (ok && op == OP_READ && r.data != w->mem[sl->page][wd])
		return fail(w, "read d%d slot %u (page %d) word %u port %u: %#x, model %#x",
			    w->cur, s, sl->page, wd, port, r.data, w->mem[sl->page][wd]);
	if (ok) {
		if (op == OP_WRITE)
			w->mem[sl->page][wd] = v;
		return 0;
	}
	if (!(r.status & ADT_ST_ERROR) || r.fault_iova != iova)
		return fail(w, "%s d%d slot %u page %d prot %u port %u: %#x at %#llx, no fault",
			    op_names[op], w->cur, s, sl->page, sl->prot, port, r.status,
			    (unsigned long long)r.fault_iova);
	w->faults++;
	return 0;
}

static int do_phys(struct worker *w, int d, unsigned int s)
{
	struct adt_iova_to_phys ip = { .domain = w->dom[d], .iova = slot_iova(w, s) + 8 };
	int page = w->s[d][s].page, ret;

	ret = adt_ioc(w->fd, ADT_IOC_IOVA_TO_PHYS, &ip);
	if (ret)
		return fail(w, "iova_to_phys: %d", ret);
	if (page < 0) {
		if (ip.phys)
			return fail(w, "unmapped d%d slot %u has PA %#llx", d, s,
				    (unsigned long long)ip.phys);
		return 0;
	}
	if (ip.phys % PG != 8)
		return fail(w, "d%d slot %u: PA %#llx", d, s, (unsigned long long)ip.phys);
	if (!w->phys[page])
		w->phys[page] = ip.phys - 8;
	if (w->phys[page] + 8 != ip.phys)
		return fail(w, "d%d slot %u page %d: PA %#llx, earlier %#llx", d, s, page,
			    (unsigned long long)ip.phys, (unsigned long long)w->phys[page]);
	return 0;
}

/* The buffer as the CPU sees it equals the model's memory. */
static int mem_check(struct worker *w)
{
	uint32_t (*now)[WORDS] = malloc(sizeof(w->mem));
	int p, i, ret = 0;

	if (!now || adt_rw(w->fd, w->buf, 0, 0, now, sizeof(w->mem)))
		ret = fail(w, "cannot read the buffer");
	for (p = 0; !ret && p < NPAGES; p++)
		for (i = 0; !ret && i < WORDS; i++)
			if (now[p][i] != w->mem[p][i])
				ret = fail(w, "page %d word %d is %#x, model %#x", p, i,
					   now[p][i], w->mem[p][i]);
	free(now);
	return ret;
}

static int worker_run(struct worker *w)
{
	unsigned long total = 0;
	int ret;

	w->rng = w->seed * 2 + 1;
	for (w->draw = 0; total < w->ops; w->draw++) {
		unsigned int pick = rnd_below(w, 100), op = 0;
		int d = rnd_below(w, w->ndom);
		unsigned int s = own_slot(w);

		while (pick >= op_weight[op]) {
			pick -= op_weight[op];
			op++;
		}
		switch (op) {
		case OP_MAP:
			ret = do_map(w, d, s);
			break;
		case OP_UNMAP:
			ret = do_unmap(w, d, s);
			break;
		case OP_ATTACH:
			ret = w->attaches ? do_attach(w, d) : 1;
			break;
		case OP_READ:
		case OP_WRITE:
			ret = do_dma(w, op, s);
			break;
		default:
			ret = do_phys(w, d, s);
			break;
		}
		if (ret < 0)
			return ret;
		if (ret)
			continue;	/* nothing done: draw again */
		w->done[op]++;
		if (!(++total % CHECK_EVERY) && mem_check(w))
			return -1;
	}
	return 0;
}

/* Unmap what is left, each range whole, and check the buffer. */
static int worker_finish(struct worker *w)
{
	unsigned int d, s;
	int64_t got;

	for (d = 0; d < (unsigned int)w->ndom; d++)
		for (s = 0; s < NSLOTS; s++) {
			if (!w->s[d][s].run)
				continue;
			got = adt_dom_unmap(w->fd, w->dom[d], slot_iova(w, s),
					    (uint64_t)w->s[d][s].run * PG);
			if (got != (int64_t)w->s[d][s].run * PG)
				return fail(w, "final unmap d%u slot %u: %lld", d, s,
					    (long long)got);
			w->s[d][s].run = 0;
		}
	return mem_check(w);
}

/* A pattern of @w's own, written into its new buffer. */
static int worker_buffer(struct worker *w, unsigned int tag)
{
	struct adt_b b;
	int p, i;

	if (adt_alloc(w->fd, -1, ADT_BUF_PAGES, NPAGES * PG, 0, 0, &b))
		return -1;
	w->buf = b.handle;
	for (p = 0; p < NPAGES; p++)
		for (i = 0; i < WORDS; i++)
			w->mem[p][i] = (tag << 28) ^ 0x5a00000u ^ (p << 14) ^ i;
	return adt_rw(w->fd, w->buf, 1, 0, w->mem, sizeof(w->mem));
}

static void worker_report(struct __test_metadata *_metadata, const struct worker *w,
			  const char *who)
{
	TH_LOG("%s: seed %lu, %lu ops: map %lu unmap %lu attach %lu read %lu write %lu phys %lu",
	       who, w->seed, w->ops, w->done[OP_MAP], w->done[OP_UNMAP],
	       w->done[OP_ATTACH], w->done[OP_READ], w->done[OP_WRITE],
	       w->done[OP_PHYS]);
	TH_LOG("%s: %lu expected faults, 0 disagreements with the model", who, w->faults);
}

FIXTURE(random) {
	int fd, eng, ports;
	struct adt_engine_info ei;
	uint32_t dom[NDOM];
	uint64_t win[NWIN];
	struct worker *w[NTHREADS];
};

FIXTURE_SETUP(random)
{
	struct adt_domain_alloc d;
	uint64_t top;
	int i;

	self->fd = adt_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", ADT_DEVICE, strerror(errno));
	/*
	 * Both ports, so a flush that reaches one DART of a domain but not
	 * the other shows; DMA ownership needs DARTs that are not locked.
	 */
	self->eng = adt_find_engine(self->fd, ADT_ENGINE_PORT1 | ADT_FIND_UNLOCKED,
				    0, UINT32_MAX, &self->ei);
	if (self->eng < 0)
		self->eng = adt_default_engine(self->fd);
	if (self->eng < 0 || adt_engine(self->fd, self->eng, &self->ei))
		SKIP(return, "no engine bound to the client");
	self->ports = self->ei.flags & ADT_ENGINE_PORT1 ? 2 : 1;
	for (i = 0; i < NDOM; i++) {
		ASSERT_EQ(0, adt_dom_alloc(self->fd, self->eng, &d));
		self->dom[i] = d.domain;
	}
	/* One leaf table; across 512 MiB (a 32 MiB L1 boundary); the top. */
	top = d.aperture_end + 1;
	self->win[0] = 0x10000000;
	self->win[1] = 0x20000000 - (WIN_SLOTS / 2) * PG;
	self->win[2] = top - WIN_SLOTS * PG;
	ASSERT_LT(self->win[1] + WIN_SLOTS * PG, self->win[2]);
	TH_LOG("engine %s (%d ports), windows %#llx %#llx %#llx", self->ei.label,
	       self->ports, (unsigned long long)self->win[0],
	       (unsigned long long)self->win[1], (unsigned long long)self->win[2]);
}

FIXTURE_TEARDOWN(random)
{
	int i;

	if (self->fd < 0)
		return;
	for (i = 0; i < NTHREADS; i++) {
		if (!self->w[i])
			continue;
		adt_dom_attach(self->fd, self->w[i]->eng, ADT_ATTACH_DEFAULT);
		adt_free(self->fd, self->w[i]->buf);
		free(self->w[i]);
	}
	adt_dom_attach(self->fd, self->eng, ADT_ATTACH_DEFAULT);
	for (i = 0; i < NDOM; i++)
		if (self->dom[i])
			adt_ioc(self->fd, ADT_IOC_DOMAIN_FREE, &self->dom[i]);
	close(self->fd);
}

/* A worker on engine @eng, with a buffer patterned by @tag; NULL on error. */
static struct worker *new_worker(int fd, const uint64_t *win, int tag, int eng,
				 int ports)
{
	struct worker *w = calloc(1, sizeof(*w));
	int i, p;

	if (!w)
		return NULL;
	w->fd = fd;
	w->eng = eng;
	w->ports = ports;
	w->cur = -1;
	w->lo = 0;
	w->hi = WIN_SLOTS;
	memcpy(w->win, win, sizeof(w->win));
	for (i = 0; i < NDOM; i++)
		for (p = 0; p < NSLOTS; p++)
			w->s[i][p].page = -1;
	if (worker_buffer(w, tag)) {
		free(w);
		return NULL;
	}
	return w;
}

TEST_F_TIMEOUT(random, differential, 3600)
{
	struct worker *w = new_worker(self->fd, self->win, 0, self->eng, self->ports);

	self->w[0] = w;
	ASSERT_NE(NULL, w);
	w->ops = env_ul("DART_RANDOM_OPS", 100000);
	w->seed = pick_seed();
	w->ndom = NDOM;
	w->attaches = true;
	memcpy(w->dom, self->dom, sizeof(w->dom));
	TH_LOG("seed %lu, %lu operations", w->seed, w->ops);
	/* Start in domain 0: the default domain is the DMA API's, not ours. */
	ASSERT_EQ(0, adt_dom_attach(self->fd, self->eng, self->dom[0]));
	w->cur = 0;
	EXPECT_EQ(0, worker_run(w)) TH_LOG("%s", w->err);
	EXPECT_EQ(0, worker_finish(w)) TH_LOG("%s", w->err);
	worker_report(_metadata, w, "differential");
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;

	return (void *)(long)worker_run(w);
}

/*
 * A second engine for the third thread: one that is not in the main
 * engine's group, on a DART the domain's tables suit (DART1, 16K).
 */
static int second_engine(int fd, int main_eng, struct adt_engine_info *ei)
{
	static const char *const labels[] = { "dma-t8103-a", "dma-t8103-b" };
	struct adt_engine_info mi;
	unsigned int i;
	int e;

	if (adt_engine(fd, main_eng, &mi))
		return -1;
	for (i = 0; i < ARRAY_SIZE(labels); i++) {
		e = adt_find(fd, labels[i]);
		if (e >= 0 && e != main_eng && !adt_engine(fd, e, ei) &&
		    ei->group_id != mi.group_id && !adt_engine_locked(ei))
			return e;
	}
	return -1;
}

TEST_F_TIMEOUT(random, concurrent, 3600)
{
	unsigned long ops = env_ul("DART_RANDOM_OPS", 100000) / NTHREADS;
	unsigned long seed = pick_seed();
	struct adt_engine_info ei2;
	pthread_t th[NTHREADS];
	void *rc;
	int i, e2;

	e2 = second_engine(self->fd, self->eng, &ei2);
	if (e2 < 0)
		SKIP(return, "no second engine outside the main one's group");
	TH_LOG("seed %lu, %d threads x %lu operations on one domain; %s moves in and out",
	       seed, NTHREADS, ops, ei2.label);
	ASSERT_EQ(0, adt_dom_attach(self->fd, self->eng, self->dom[0]));
	for (i = 0; i < NTHREADS; i++) {
		struct worker *w;

		w = new_worker(self->fd, self->win, i, i < 2 ? self->eng : e2,
			       i < 2 ? self->ports : 1);
		self->w[i] = w;
		ASSERT_NE(NULL, w);
		w->ops = ops;
		w->seed = seed + i;
		w->ndom = 1;
		w->dom[0] = self->dom[0];
		/* Thirds of every window: the same leaf tables, never a page. */
		w->lo = i * (WIN_SLOTS / NTHREADS);
		w->hi = i == NTHREADS - 1 ? WIN_SLOTS : (i + 1) * (WIN_SLOTS / NTHREADS);
		w->cur = i < 2 ? 0 : -1;
		/* The main engine stays; the second one comes and goes. */
		w->attaches = i == 2;
		w->toggles = true;
	}
	for (i = 0; i < NTHREADS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, worker_thread, self->w[i]));
	for (i = 0; i < NTHREADS; i++) {
		ASSERT_EQ(0, pthread_join(th[i], &rc));
		EXPECT_EQ(0, (long)rc) TH_LOG("thread %d: %s", i, self->w[i]->err);
	}
	if (self->w[2]->cur >= 0)
		ASSERT_EQ(0, adt_dom_attach(self->fd, e2, ADT_ATTACH_DEFAULT));
	self->w[2]->cur = -1;
	for (i = 0; i < NTHREADS; i++) {
		struct worker *w = self->w[i];

		EXPECT_EQ(0, worker_finish(w)) TH_LOG("thread %d: %s", i, w->err);
		worker_report(_metadata, w, i < 2 ? "mapper" : "mover");
	}
}

TEST_HARNESS_MAIN
