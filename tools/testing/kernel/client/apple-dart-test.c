// SPDX-License-Identifier: GPL-2.0
/*
 * Test client for the emulated Apple DART platform.
 *
 * Takes the DMA test engines ("qemu,apple-dart-test-engine") that sit
 * behind the DARTs, bound by dart_test_engine.ko, and gives user space (the kselftests in
 * tools/testing/selftests/apple-dart) a way to exercise the IOMMU driver
 * that owns those DARTs the way real drivers do: buffers from every DMA API
 * allocator, unmanaged domains through the IOMMU API, and the engine's own
 * commands to make the device read and write them.  The engine reports what
 * the DART refused, and the DART model's counters tell what the driver did
 * to the hardware, so the tests can check outcomes instead of return codes.
 *
 * The uAPI is apple-dart-test.h, next to this file; the interface is
 * described in Documentation/dart/testing.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include "apple-dart-test.h"

#include "dart_test_engine.h"

#define ADT_MAX_ENGINES		16

struct adt_ctx;

/*
 * An engine stays in adt_engines[] from its first bind until the module
 * goes, so user space keeps stable indices across unbind and rebind (the
 * DMA map benchmark borrows engines that way).  @dev is NULL while it is
 * not bound to us; @hw drives it while it is.
 */
struct adt_engine {
	struct device_node *np;
	struct device *dev;
	struct dte_engine *hw;
	struct iommu_group *group;
	u32 sid[2];
	bool port1;
	char label[ADT_NAME_LEN];
	char dart[2][ADT_NAME_LEN];
};

/* Pages shared by the buffers that map them (SG, PAGES and SHARE). */
struct adt_pages {
	struct kref ref;
	struct page **pages;
	unsigned int nr;
	void *vaddr;
};

struct adt_buf {
	struct adt_ctx *owner;
	struct adt_engine *e;
	u32 kind;
	u32 flags;
	enum dma_data_direction dir;
	size_t size;
	dma_addr_t iova;
	void *cpu;		/* kernel address, NULL with NO_KERNEL_MAPPING */
	void *alloc;		/* COHERENT cookie, SINGLE allocation */
	size_t alloc_size;
	unsigned long attrs;
	struct sg_table sgt;	/* SG and SHARE */
	struct sg_table *nc;	/* NONCONTIG */
	struct adt_pages *pg;
	unsigned int maps;	/* live ADT_IOC_MAP ranges using @pg */
};

#define ADT_FAULT_RING		ADT_MAX_FAULTS

struct adt_dom {
	struct adt_ctx *owner;
	struct iommu_domain *domain;
	unsigned int attached;	/* groups attached to it */
	unsigned int busy;	/* ioctls in the IOMMU API outside adt_lock */
	struct list_head maps;
	spinlock_t fault_lock;	/* the fault handler runs in IRQ context */
	u32 fault_count;
	struct adt_fault faults[ADT_FAULT_RING];
	bool hold;		/* ADT_FAULTS_HOLD */
	u32 held;		/* reports that finished holding */
};

struct adt_mapping {
	struct list_head node;
	struct adt_buf *buf;
	unsigned long iova;
	size_t len;
	bool live;		/* false while adt_map() is still mapping it */
};

/*
 * A group this client took from the DMA API (blocked or attached to one of
 * our domains).  Engines sharing a stream share the group, so the state
 * lives here and not in the engine.
 */
struct adt_owned {
	struct list_head node;
	struct iommu_group *group;
	struct adt_ctx *owner;
	struct adt_dom *dom;	/* NULL: blocked */
};

/*
 * Per open file.  Its address is also the DMA owner token for the IOMMU
 * core, so it must not be zero-sized (all such allocations share one
 * address).
 */
struct adt_ctx {
	unsigned long groups;	/* groups owned, for information only */
};

/*
 * One lock for everything the ioctls touch: the tests are not about this
 * module's scalability, and a single lock makes unbind against a running
 * ioctl trivially safe.  The exception is the IOMMU API calls of MAP,
 * UNMAP and IOVA_TO_PHYS, made with the lock dropped so that threads of a
 * test really race in the driver (dart_random_test's concurrent test):
 * the domain is pinned by adt_dom.busy (DOMAIN_FREE refuses it), the
 * buffer by adt_buf.maps, and the range by its adt_mapping, already on
 * the domain's list (so no other MAP overlaps it) but not yet live (so no
 * UNMAP takes it).  Those touch no engine, so an unbind cannot pull
 * anything from under them.  ADT_MAP_RAW gives up the "no other MAP
 * overlaps" part on purpose (the driver must refuse the overlap); its
 * records still pin the pages until the domain is gone.
 */
static DEFINE_MUTEX(adt_lock);
static struct adt_engine adt_engines[ADT_MAX_ENGINES];
static unsigned int adt_nr_engines;
static DEFINE_XARRAY_ALLOC1(adt_bufs);
static DEFINE_XARRAY_ALLOC1(adt_doms);
static LIST_HEAD(adt_owned_groups);

static struct adt_engine *adt_engine_get(u32 index)
{
	struct adt_engine *e;

	if (index >= adt_nr_engines)
		return ERR_PTR(-EINVAL);
	e = &adt_engines[index];
	if (!e->dev)
		return ERR_PTR(-ENODEV);
	return e;
}

static int adt_engine_index(struct device *dev)
{
	unsigned int i;

	for (i = 0; i < adt_nr_engines; i++)
		if (adt_engines[i].dev == dev)
			return i;
	return -1;
}

static struct adt_owned *adt_owned_find(struct iommu_group *group)
{
	struct adt_owned *o;

	list_for_each_entry(o, &adt_owned_groups, node)
		if (o->group == group)
			return o;
	return NULL;
}

/* ---- pages ---- */

static void adt_pages_release(struct kref *ref)
{
	struct adt_pages *pg = container_of(ref, struct adt_pages, ref);
	unsigned int i;

	vunmap(pg->vaddr);
	for (i = 0; i < pg->nr; i++)
		__free_page(pg->pages[i]);
	kvfree(pg->pages);
	kfree(pg);
}

static void adt_pages_put(struct adt_pages *pg)
{
	kref_put(&pg->ref, adt_pages_release);
}

/*
 * Pages allocated one by one, so the buffer is usually physically
 * scattered and the DMA API has to build a real scatterlist for it.
 */
static struct adt_pages *adt_pages_alloc(size_t size)
{
	struct adt_pages *pg;
	unsigned int i;

	pg = kzalloc(sizeof(*pg), GFP_KERNEL);
	if (!pg)
		return NULL;
	kref_init(&pg->ref);
	pg->nr = DIV_ROUND_UP(size, PAGE_SIZE);
	pg->pages = kvcalloc(pg->nr, sizeof(*pg->pages), GFP_KERNEL);
	if (!pg->pages)
		goto err;
	for (i = 0; i < pg->nr; i++) {
		pg->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pg->pages[i])
			goto err;
	}
	pg->vaddr = vmap(pg->pages, pg->nr, VM_MAP, PAGE_KERNEL);
	if (!pg->vaddr)
		goto err;
	return pg;
err:
	while (pg->pages && i--)
		__free_page(pg->pages[i]);
	kvfree(pg->pages);
	kfree(pg);
	return NULL;
}

/* ---- buffers ---- */

static void adt_buf_unmap_dma(struct adt_buf *b)
{
	struct device *dev = b->e ? b->e->dev : NULL;

	switch (b->kind) {
	case ADT_BUF_COHERENT:
		dma_free_attrs(dev, b->size, b->alloc, b->iova, b->attrs);
		break;
	case ADT_BUF_SINGLE:
		dma_unmap_single(dev, b->iova, b->size, b->dir);
		free_pages_exact(b->alloc, b->alloc_size);
		break;
	case ADT_BUF_SG:
	case ADT_BUF_SHARE:
		dma_unmap_sgtable(dev, &b->sgt, b->dir, 0);
		sg_free_table(&b->sgt);
		break;
	case ADT_BUF_NONCONTIG:
		dma_vunmap_noncontiguous(dev, b->cpu);
		dma_free_noncontiguous(dev, b->size, b->nc, b->dir);
		break;
	}
}

static void adt_buf_destroy(u32 handle, struct adt_buf *b)
{
	xa_erase(&adt_bufs, handle);
	adt_buf_unmap_dma(b);
	if (b->pg)
		adt_pages_put(b->pg);
	kfree(b);
}

static int adt_buf_sg_map(struct adt_buf *b, struct adt_pages *pg)
{
	int ret;

	ret = sg_alloc_table_from_pages(&b->sgt, pg->pages, pg->nr, 0,
					b->size, GFP_KERNEL);
	if (ret)
		return ret;
	ret = dma_map_sgtable(b->e->dev, &b->sgt, b->dir, 0);
	if (ret) {
		sg_free_table(&b->sgt);
		return ret;
	}
	b->iova = sg_dma_address(b->sgt.sgl);
	return 0;
}

static int adt_buf_create(struct adt_ctx *ctx, struct adt_buf_alloc *a)
{
	const u32 any_flag = ADT_BUF_NO_KERNEL_MAPPING | ADT_BUF_FORCE_CONTIGUOUS;
	struct adt_buf *b, *src = NULL;
	struct adt_engine *e = NULL;
	struct device *dev = NULL;
	u32 handle;
	int ret;

	if (a->reserved || (a->flags & ~any_flag))
		return -EINVAL;
	if (a->flags && a->kind != ADT_BUF_COHERENT)
		return -EINVAL;
	if (a->offset && a->kind != ADT_BUF_SINGLE)
		return -EINVAL;
	if (a->dir > ADT_DIR_FROM_DEVICE)
		return -EINVAL;
	if (a->kind == ADT_BUF_SHARE) {
		src = xa_load(&adt_bufs, a->share);
		if (!src || src->owner != ctx)
			return -ENOENT;
		if (!src->pg)
			return -EINVAL;
		a->size = src->size;
	} else if (a->share) {
		return -EINVAL;
	}
	if (!a->size || a->size > ADT_BUF_MAX_SIZE ||
	    a->offset >= PAGE_SIZE)
		return -EINVAL;
	if (a->kind != ADT_BUF_PAGES) {
		e = adt_engine_get(a->engine);
		if (IS_ERR(e))
			return PTR_ERR(e);
		dev = e->dev;
	}

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->owner = ctx;
	b->e = e;
	b->kind = a->kind;
	b->flags = a->flags;
	b->dir = a->dir;
	b->size = a->size;

	ret = -ENOMEM;
	switch (a->kind) {
	case ADT_BUF_COHERENT:
		if (a->flags & ADT_BUF_NO_KERNEL_MAPPING)
			b->attrs |= DMA_ATTR_NO_KERNEL_MAPPING;
		if (a->flags & ADT_BUF_FORCE_CONTIGUOUS)
			b->attrs |= DMA_ATTR_FORCE_CONTIGUOUS;
		b->dir = DMA_BIDIRECTIONAL;
		b->alloc = dma_alloc_attrs(dev, b->size, &b->iova,
					   GFP_KERNEL | __GFP_NOWARN, b->attrs);
		if (!b->alloc)
			goto err_free;
		/* With NO_KERNEL_MAPPING the cookie must not be dereferenced. */
		if (!(b->attrs & DMA_ATTR_NO_KERNEL_MAPPING))
			b->cpu = b->alloc;
		break;
	case ADT_BUF_SINGLE:
		b->alloc_size = PAGE_ALIGN(b->size + a->offset);
		b->alloc = alloc_pages_exact(b->alloc_size,
					     GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
		if (!b->alloc)
			goto err_free;
		b->cpu = b->alloc + a->offset;
		b->iova = dma_map_single(dev, b->cpu, b->size, b->dir);
		ret = dma_mapping_error(dev, b->iova);
		if (ret) {
			free_pages_exact(b->alloc, b->alloc_size);
			goto err_free;
		}
		break;
	case ADT_BUF_SG:
	case ADT_BUF_PAGES:
		b->pg = adt_pages_alloc(b->size);
		if (!b->pg)
			goto err_free;
		b->cpu = b->pg->vaddr;
		if (a->kind == ADT_BUF_SG) {
			ret = adt_buf_sg_map(b, b->pg);
			if (ret)
				goto err_pages;
		}
		break;
	case ADT_BUF_SHARE:
		kref_get(&src->pg->ref);
		b->pg = src->pg;
		b->cpu = b->pg->vaddr;
		ret = adt_buf_sg_map(b, b->pg);
		if (ret)
			goto err_pages;
		break;
	case ADT_BUF_NONCONTIG:
		b->nc = dma_alloc_noncontiguous(dev, b->size, b->dir,
						GFP_KERNEL | __GFP_NOWARN, 0);
		if (!b->nc)
			goto err_free;
		b->cpu = dma_vmap_noncontiguous(dev, b->size, b->nc);
		if (!b->cpu) {
			dma_free_noncontiguous(dev, b->size, b->nc, b->dir);
			goto err_free;
		}
		b->iova = sg_dma_address(b->nc->sgl);
		break;
	default:
		ret = -EINVAL;
		goto err_free;
	}

	ret = xa_alloc(&adt_bufs, &handle, b, xa_limit_31b, GFP_KERNEL);
	if (ret) {
		adt_buf_unmap_dma(b);
		goto err_pages;
	}

	a->handle = handle;
	a->iova = b->kind == ADT_BUF_PAGES ? 0 : b->iova;
	a->nr_pages = DIV_ROUND_UP(b->size + a->offset, PAGE_SIZE);
	a->nr_segs = 1;
	a->phys = 0;
	if (b->kind == ADT_BUF_SG || b->kind == ADT_BUF_SHARE)
		a->nr_segs = b->sgt.nents;
	else if (b->kind == ADT_BUF_NONCONTIG)
		a->nr_segs = b->nc->nents;
	if (b->pg)
		a->phys = page_to_phys(b->pg->pages[0]);
	return 0;

err_pages:
	if (b->pg)
		adt_pages_put(b->pg);
err_free:
	kfree(b);
	return ret;
}

static struct adt_buf *adt_buf_lookup(struct adt_ctx *ctx, u32 handle)
{
	struct adt_buf *b = xa_load(&adt_bufs, handle);

	return b && b->owner == ctx ? b : NULL;
}

static int adt_buf_free(struct adt_ctx *ctx, u32 handle)
{
	struct adt_buf *b = adt_buf_lookup(ctx, handle);

	if (!b)
		return -ENOENT;
	if (b->maps)
		return -EBUSY;
	adt_buf_destroy(handle, b);
	return 0;
}

static void adt_buf_sync(struct adt_buf *b, bool for_cpu)
{
	struct device *dev = b->e ? b->e->dev : NULL;

	switch (b->kind) {
	case ADT_BUF_SINGLE:
		if (for_cpu)
			dma_sync_single_for_cpu(dev, b->iova, b->size, b->dir);
		else
			dma_sync_single_for_device(dev, b->iova, b->size, b->dir);
		break;
	case ADT_BUF_SG:
	case ADT_BUF_SHARE:
		if (for_cpu)
			dma_sync_sgtable_for_cpu(dev, &b->sgt, b->dir);
		else
			dma_sync_sgtable_for_device(dev, &b->sgt, b->dir);
		break;
	case ADT_BUF_NONCONTIG:
		if (for_cpu)
			dma_sync_sgtable_for_cpu(dev, b->nc, b->dir);
		else
			dma_sync_sgtable_for_device(dev, b->nc, b->dir);
		break;
	}
}

/*
 * A NO_KERNEL_MAPPING buffer has no address the CPU may use; the DMA API's
 * way in is dma_get_sgtable(), whose pages are copied through a bounce.
 */
static int adt_buf_rw_nomap(struct adt_buf *b, struct adt_buf_rw *rw)
{
	void __user *u = u64_to_user_ptr(rw->user);
	u64 done = 0, chunk;
	struct sg_table sgt;
	void *bounce;
	int ret;

	ret = dma_get_sgtable_attrs(b->e->dev, &sgt, b->alloc, b->iova, b->size,
				    b->attrs);
	if (ret)
		return ret;
	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce) {
		ret = -ENOMEM;
		goto out;
	}
	while (done < rw->len) {
		chunk = min_t(u64, rw->len - done, PAGE_SIZE);
		if (rw->write) {
			if (copy_from_user(bounce, u + done, chunk)) {
				ret = -EFAULT;
				break;
			}
			sg_pcopy_from_buffer(sgt.sgl, sgt.orig_nents, bounce,
					     chunk, rw->offset + done);
		} else {
			sg_pcopy_to_buffer(sgt.sgl, sgt.orig_nents, bounce,
					   chunk, rw->offset + done);
			if (copy_to_user(u + done, bounce, chunk)) {
				ret = -EFAULT;
				break;
			}
		}
		done += chunk;
	}
	kfree(bounce);
out:
	sg_free_table(&sgt);
	return ret;
}

static int adt_buf_rw(struct adt_ctx *ctx, struct adt_buf_rw *rw)
{
	void __user *u = u64_to_user_ptr(rw->user);
	struct adt_buf *b = adt_buf_lookup(ctx, rw->handle);
	unsigned long left;

	if (!b)
		return -ENOENT;
	if (rw->write > 1 || !rw->len || rw->offset >= b->size ||
	    rw->len > b->size - rw->offset)
		return -EINVAL;
	if (!b->cpu)
		return adt_buf_rw_nomap(b, rw);

	adt_buf_sync(b, true);
	if (rw->write)
		left = copy_from_user(b->cpu + rw->offset, u, rw->len);
	else
		left = copy_to_user(u, b->cpu + rw->offset, rw->len);
	adt_buf_sync(b, false);
	return left ? -EFAULT : 0;
}

/* ---- engine commands and counters ---- */

static int adt_run(struct adt_run *r)
{
	const u32 clear = DTE_ST_DONE | DTE_ST_ERROR | DTE_ST_MISCOMPARE;
	struct adt_engine *e;
	u32 st, cmd;

	if (r->reserved || (r->flags & ~ADT_RUN_PORT1))
		return -EINVAL;
	if (r->op < ADT_OP_COPY || r->op > ADT_OP_WRITE32)
		return -EINVAL;
	if (!r->len || r->len > ADT_BUF_MAX_SIZE)
		return -EINVAL;
	if ((r->op == ADT_OP_READ32 || r->op == ADT_OP_WRITE32) && r->len != 4)
		return -EINVAL;
	if (r->op == ADT_OP_FILL && r->len % 4)
		return -EINVAL;
	e = adt_engine_get(r->engine);
	if (IS_ERR(e))
		return PTR_ERR(e);
	if ((r->flags & ADT_RUN_PORT1) && !e->port1)
		return -EINVAL;

	cmd = r->op;
	if (r->flags & ADT_RUN_PORT1)
		cmd |= DTE_CMD_PORT1;
	/* Whatever an earlier command left must not show in this one's. */
	dte_wr(e->hw, DTE_STATUS, clear);
	dte_wr(e->hw, DTE_DATA, r->data);
	st = dte_exec(e->hw, cmd, r->src, r->dst, r->len);
	if (st & DTE_ST_BUSY)
		return -ETIMEDOUT;
	r->status = st;
	r->result = dte_rd(e->hw, DTE_RESULT);
	r->data = dte_rd(e->hw, DTE_DATA);
	r->fault_iova = 0;
	if (st & DTE_ST_ERROR)
		r->fault_iova = dte_fault_iova(e->hw);
	return 0;
}

/* Engine @index with a DART behind its @port (0 or 1), or an error. */
static struct adt_engine *adt_engine_port(u32 index, u32 port)
{
	struct adt_engine *e;

	if (port > 1)
		return ERR_PTR(-EINVAL);
	e = adt_engine_get(index);
	if (!IS_ERR(e) && port && !e->port1)
		return ERR_PTR(-EINVAL);
	return e;
}

static int adt_counters(struct adt_counters *c)
{
	struct adt_engine *e;

	if (c->reserved ||
	    (c->flags & ~(ADT_COUNTERS_RESET | ADT_COUNTERS_STREAM)))
		return -EINVAL;
	e = adt_engine_port(c->engine, c->port);
	if (IS_ERR(e))
		return PTR_ERR(e);
	dte_counters(e->hw, (c->port ? DTE_CNT_SEL_PORT1 : 0) |
		     (c->flags & ADT_COUNTERS_STREAM ? DTE_CNT_SEL_STREAM : 0),
		     c->val, ADT_NR_COUNTERS, c->flags & ADT_COUNTERS_RESET);
	return 0;
}

static int adt_expect_viol(struct adt_expect_viol *v)
{
	struct adt_engine *e = adt_engine_port(v->engine, v->port);

	if (IS_ERR(e))
		return PTR_ERR(e);
	dte_expect_viol(e->hw, v->port, v->count);
	return 0;
}

static int adt_hold_busy(struct adt_hold_busy *h)
{
	struct adt_engine *e;

	if (h->hold > 1)
		return -EINVAL;
	e = adt_engine_port(h->engine, h->port);
	if (IS_ERR(e))
		return PTR_ERR(e);
	dte_hold_busy(e->hw, h->port, h->hold);
	return 0;
}

/* ---- engine info ---- */

static u32 adt_domain_type(struct iommu_domain *d)
{
	if (!d)
		return ADT_DOMAIN_NONE;
	switch (d->type) {
	case IOMMU_DOMAIN_BLOCKED:
		return ADT_DOMAIN_BLOCKED;
	case IOMMU_DOMAIN_IDENTITY:
		return ADT_DOMAIN_IDENTITY;
	case IOMMU_DOMAIN_UNMANAGED:
		return ADT_DOMAIN_UNMANAGED;
	case IOMMU_DOMAIN_DMA:
		return ADT_DOMAIN_DMA;
	case IOMMU_DOMAIN_DMA_FQ:
		return ADT_DOMAIN_DMA_FQ;
	}
	return ADT_DOMAIN_NONE;
}

/*
 * An IOMMU driver built into the kernel has no module (ops->owner is
 * NULL): name it by its platform driver, as the module it would be
 * (dashes become underscores), so that the tests still tell the project's
 * driver built in ("apple-dart" -> "apple_dart") from none.
 */
static void adt_builtin_driver(struct iommu_device *iommu, char *buf,
			       size_t len)
{
	struct device *hw = iommu->dev ? iommu->dev->parent : NULL;
	size_t i;

	if (!hw || !hw->driver)
		return;
	strscpy(buf, hw->driver->name, len);
	for (i = 0; buf[i]; i++)
		if (buf[i] == '-')
			buf[i] = '_';
}

static int adt_engine_info(struct adt_engine_info *info)
{
	u32 index = info->index;
	struct adt_engine *e;
	struct device *dev;

	if (index >= adt_nr_engines)
		return -EINVAL;
	e = &adt_engines[index];
	memset(info, 0, sizeof(*info));
	info->index = index;
	info->sid[0] = e->sid[0];
	info->sid[1] = e->port1 ? e->sid[1] : U32_MAX;
	strscpy(info->label, e->label);
	strscpy(info->dart[0], e->dart[0]);
	strscpy(info->dart[1], e->dart[1]);
	info->group_id = -1;
	if (e->port1)
		info->flags |= ADT_ENGINE_PORT1;
	dev = e->dev;
	if (!dev)
		return 0;
	info->flags |= ADT_ENGINE_BOUND;
	strscpy(info->dev_name, dev_name(dev));
	if (e->group) {
		info->group_id = iommu_group_id(e->group);
		if (adt_owned_find(e->group))
			info->flags |= ADT_ENGINE_OWNED;
	}
	info->domain_type = adt_domain_type(iommu_get_domain_for_dev(dev));
	if (device_iommu_capable(dev, IOMMU_CAP_DEFERRED_FLUSH))
		info->flags |= ADT_ENGINE_DEFERRED;
	/*
	 * The module that provides the IOMMU ops: tests use it to tell the
	 * project's driver from the 6.12 oracle and skip what only ours does.
	 */
	if (dev->iommu && dev->iommu->iommu_dev && dev->iommu->iommu_dev->ops &&
	    dev->iommu->iommu_dev->ops->owner)
		strscpy(info->iommu_driver,
			module_name(dev->iommu->iommu_dev->ops->owner));
	else if (dev->iommu && dev->iommu->iommu_dev)
		adt_builtin_driver(dev->iommu->iommu_dev, info->iommu_driver,
				   sizeof(info->iommu_driver));
	return 0;
}

/* ---- IOMMU API: domains, attach, map ---- */

static int adt_fault_handler(struct iommu_domain *domain, struct device *dev,
			     unsigned long iova, int flags, void *token)
{
	struct adt_dom *d = token;
	struct adt_fault *f;
	unsigned long irqf;

	spin_lock_irqsave(&d->fault_lock, irqf);
	if (d->fault_count < ADT_FAULT_RING) {
		f = &d->faults[d->fault_count];
		f->iova = iova;
		f->flags = flags & IOMMU_FAULT_WRITE ? ADT_FAULT_WRITE : 0;
		/* adt_engines[] entries are never freed, reading dev is safe */
		f->engine = adt_engine_index(dev);
	}
	d->fault_count++;
	spin_unlock_irqrestore(&d->fault_lock, irqf);
	/*
	 * A report that is still running when the test frees the domain:
	 * the domain's memory must outlive it (the IOMMU driver waits for
	 * its fault reports before the free returns), else KASAN sees this
	 * write to freed memory.
	 */
	if (READ_ONCE(d->hold)) {
		mdelay(ADT_HOLD_MS);
		spin_lock_irqsave(&d->fault_lock, irqf);
		d->held++;
		spin_unlock_irqrestore(&d->fault_lock, irqf);
	}
	/* Recorded for the test; the device is not going to retry. */
	return 0;
}

static struct adt_dom *adt_dom_lookup(struct adt_ctx *ctx, u32 id)
{
	struct adt_dom *d = xa_load(&adt_doms, id);

	return d && d->owner == ctx ? d : NULL;
}

static int adt_domain_alloc(struct adt_ctx *ctx, struct adt_domain_alloc *a)
{
	struct iommu_domain *domain;
	struct adt_engine *e;
	struct adt_dom *d;
	u32 id;
	int ret;

	e = adt_engine_get(a->engine);
	if (IS_ERR(e))
		return PTR_ERR(e);
	if (!e->group)
		return -ENODEV;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	domain = iommu_paging_domain_alloc(e->dev);
	if (IS_ERR(domain)) {
		kfree(d);
		return PTR_ERR(domain);
	}
	d->owner = ctx;
	d->domain = domain;
	INIT_LIST_HEAD(&d->maps);
	spin_lock_init(&d->fault_lock);
	iommu_set_fault_handler(domain, adt_fault_handler, d);
	ret = xa_alloc(&adt_doms, &id, d, xa_limit_31b, GFP_KERNEL);
	if (ret) {
		iommu_domain_free(domain);
		kfree(d);
		return ret;
	}
	a->domain = id;
	a->pgsize_bitmap = domain->pgsize_bitmap;
	a->aperture_start = domain->geometry.aperture_start;
	a->aperture_end = domain->geometry.aperture_end;
	return 0;
}

static void adt_mapping_remove(struct adt_dom *d, struct adt_mapping *m)
{
	iommu_unmap(d->domain, m->iova, m->len);
	list_del(&m->node);
	m->buf->maps--;
	kfree(m);
}

static void adt_dom_destroy(u32 id, struct adt_dom *d)
{
	struct adt_mapping *m, *tmp;

	list_for_each_entry_safe(m, tmp, &d->maps, node)
		adt_mapping_remove(d, m);
	xa_erase(&adt_doms, id);
	iommu_domain_free(d->domain);
	kfree(d);
}

static int adt_domain_free(struct adt_ctx *ctx, u32 id)
{
	struct adt_dom *d = adt_dom_lookup(ctx, id);

	if (!d)
		return -ENOENT;
	if (d->attached || d->busy)
		return -EBUSY;
	adt_dom_destroy(id, d);
	return 0;
}

/* Give a group back to the DMA API's default domain. */
static void adt_owned_release(struct adt_owned *o)
{
	if (o->dom) {
		iommu_detach_group(o->dom->domain, o->group);
		o->dom->attached--;
	}
	iommu_group_release_dma_owner(o->group);
	o->owner->groups--;
	list_del(&o->node);
	kfree(o);
}

static int adt_attach(struct adt_ctx *ctx, struct adt_attach *at)
{
	struct adt_dom *d = NULL;
	struct adt_engine *e;
	struct adt_owned *o;
	int ret;

	e = adt_engine_get(at->engine);
	if (IS_ERR(e))
		return PTR_ERR(e);
	if (!e->group)
		return -ENODEV;
	if (at->domain != ADT_ATTACH_DEFAULT && at->domain != ADT_ATTACH_BLOCKED) {
		d = adt_dom_lookup(ctx, at->domain);
		if (!d)
			return -ENOENT;
	}

	o = adt_owned_find(e->group);
	if (o && o->owner != ctx)
		return -EBUSY;
	if (at->domain == ADT_ATTACH_DEFAULT) {
		if (o)
			adt_owned_release(o);
		return 0;
	}

	if (!o) {
		o = kzalloc(sizeof(*o), GFP_KERNEL);
		if (!o)
			return -ENOMEM;
		/*
		 * Claiming DMA ownership moves the group to its blocking
		 * domain; the DMA API's buffers stay mapped in the default
		 * domain and come back with it.
		 */
		ret = iommu_group_claim_dma_owner(e->group, ctx);
		if (ret) {
			kfree(o);
			return ret;
		}
		o->group = e->group;
		o->owner = ctx;
		ctx->groups++;
		list_add(&o->node, &adt_owned_groups);
	}
	if (o->dom == d)
		return 0;
	if (o->dom) {
		/* Detaching an owned group parks it in the blocking domain. */
		iommu_detach_group(o->dom->domain, o->group);
		o->dom->attached--;
		o->dom = NULL;
	}
	if (!d)
		return 0;
	ret = iommu_attach_group(d->domain, o->group);
	if (ret)
		return ret;
	o->dom = d;
	d->attached++;
	return 0;
}

static int adt_prot(u32 prot)
{
	int p = IOMMU_CACHE;

	if (prot & ADT_PROT_READ)
		p |= IOMMU_READ;
	if (prot & ADT_PROT_WRITE)
		p |= IOMMU_WRITE;
	return p;
}

/* Called with adt_lock held; drops it around the IOMMU API call. */
static int adt_map(struct adt_ctx *ctx, struct adt_map *mp)
{
	struct adt_mapping *m;
	struct adt_dom *d;
	struct adt_buf *b;
	struct iommu_domain_geometry *g;
	unsigned long iova;
	bool raw;
	u64 off;
	int ret;

	if ((mp->flags & ~ADT_MAP_RAW) || !mp->prot ||
	    (mp->prot & ~(ADT_PROT_READ | ADT_PROT_WRITE)))
		return -EINVAL;
	raw = mp->flags & ADT_MAP_RAW;
	d = adt_dom_lookup(ctx, mp->domain);
	b = adt_buf_lookup(ctx, mp->handle);
	if (!d || !b)
		return -ENOENT;
	/* Only engine-less pages: an unbind must never pull mapped pages. */
	if (b->kind != ADT_BUF_PAGES)
		return -EINVAL;
	/* The pages come from the buffer: its range is checked even RAW. */
	if (!mp->len || !PAGE_ALIGNED(mp->len) || !PAGE_ALIGNED(mp->offset))
		return -EINVAL;
	if (mp->offset >= (u64)b->pg->nr * PAGE_SIZE ||
	    mp->len > (u64)b->pg->nr * PAGE_SIZE - mp->offset)
		return -EINVAL;
	/*
	 * RAW: the IOVA goes to iommu_map() as it is.  The 6.12 core checks
	 * only its alignment (__iommu_map()), so the aperture, the IAS and
	 * live mappings underneath are left to the IOMMU driver.
	 */
	if (!raw) {
		if (!PAGE_ALIGNED(mp->iova))
			return -EINVAL;
		g = &d->domain->geometry;
		if (mp->iova < g->aperture_start || mp->iova > g->aperture_end ||
		    mp->len - 1 > g->aperture_end - mp->iova)
			return -ERANGE;
		/*
		 * Mapping over a live mapping is a caller bug the page-table
		 * code may WARN about; refuse it here with a plain error.
		 */
		list_for_each_entry(m, &d->maps, node)
			if (mp->iova < m->iova + m->len &&
			    m->iova < mp->iova + mp->len)
				return -EEXIST;
	}

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->buf = b;
	m->iova = mp->iova;
	m->len = mp->len;
	b->maps++;
	list_add(&m->node, &d->maps);
	d->busy++;
	mutex_unlock(&adt_lock);
	/* The pages are scattered: one iommu_map() per page. */
	ret = 0;
	for (off = 0; off < mp->len && !ret; off += PAGE_SIZE) {
		iova = mp->iova + off;
		ret = iommu_map(d->domain, iova,
				page_to_phys(b->pg->pages[(mp->offset + off) >> PAGE_SHIFT]),
				PAGE_SIZE, adt_prot(mp->prot), GFP_KERNEL);
		if (ret && off)
			iommu_unmap(d->domain, mp->iova, off);
	}
	mutex_lock(&adt_lock);
	d->busy--;
	if (ret) {
		list_del(&m->node);
		b->maps--;
		kfree(m);
		return ret;
	}
	m->live = true;
	return 0;
}

/* Called with adt_lock held; drops it around the IOMMU API call. */
static int adt_unmap(struct adt_ctx *ctx, struct adt_unmap *um)
{
	struct adt_mapping *m;
	struct adt_dom *d;

	if (um->flags & ~ADT_MAP_RAW)
		return -EINVAL;
	d = adt_dom_lookup(ctx, um->domain);
	if (!d)
		return -ENOENT;
	if (um->flags & ADT_MAP_RAW) {
		/*
		 * Whatever the driver unmaps, the records stay: their pages
		 * are released with the domain, after its tables are gone.
		 */
		d->busy++;
		mutex_unlock(&adt_lock);
		um->unmapped = iommu_unmap(d->domain, um->iova, um->len);
		mutex_lock(&adt_lock);
		d->busy--;
		return 0;
	}
	list_for_each_entry(m, &d->maps, node) {
		if (!m->live || m->iova != um->iova || m->len != um->len)
			continue;
		list_del(&m->node);
		d->busy++;
		mutex_unlock(&adt_lock);
		um->unmapped = iommu_unmap(d->domain, m->iova, m->len);
		mutex_lock(&adt_lock);
		d->busy--;
		m->buf->maps--;
		kfree(m);
		return 0;
	}
	return -ENOENT;
}

/* Called with adt_lock held; drops it around the IOMMU API call. */
static int adt_iova_to_phys(struct adt_ctx *ctx, struct adt_iova_to_phys *ip)
{
	struct adt_dom *d;

	if (ip->reserved)
		return -EINVAL;
	d = adt_dom_lookup(ctx, ip->domain);
	if (!d)
		return -ENOENT;
	d->busy++;
	mutex_unlock(&adt_lock);
	ip->phys = iommu_iova_to_phys(d->domain, ip->iova);
	mutex_lock(&adt_lock);
	d->busy--;
	return 0;
}

static int adt_faults(struct adt_ctx *ctx, struct adt_faults *f)
{
	unsigned long irqf;
	struct adt_dom *d;

	if (f->flags & ~(ADT_COUNTERS_RESET | ADT_FAULTS_HOLD))
		return -EINVAL;
	d = adt_dom_lookup(ctx, f->domain);
	if (!d)
		return -ENOENT;
	spin_lock_irqsave(&d->fault_lock, irqf);
	f->count = d->fault_count;
	f->held = d->held;
	if (f->flags & ADT_FAULTS_HOLD)
		WRITE_ONCE(d->hold, true);
	f->nr = min_t(u32, d->fault_count, ADT_FAULT_RING);
	memcpy(f->fault, d->faults, sizeof(f->fault));
	if (f->flags & ADT_COUNTERS_RESET) {
		d->fault_count = 0;
		memset(d->faults, 0, sizeof(d->faults));
	}
	spin_unlock_irqrestore(&d->fault_lock, irqf);
	return 0;
}

/* ---- file operations ---- */

static int adt_open(struct inode *inode, struct file *file)
{
	struct adt_ctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	file->private_data = ctx;
	return 0;
}

/* Undo everything @ctx did; with @e, only what touches that engine. */
static void adt_ctx_cleanup(struct adt_ctx *ctx, struct adt_engine *e)
{
	struct adt_owned *o, *otmp;
	struct adt_dom *d;
	struct adt_buf *b;
	unsigned long id;

	list_for_each_entry_safe(o, otmp, &adt_owned_groups, node) {
		if (e ? o->group == e->group : o->owner == ctx)
			adt_owned_release(o);
	}
	if (!e) {
		xa_for_each(&adt_doms, id, d)
			if (d->owner == ctx)
				adt_dom_destroy(id, d);
	}
	xa_for_each(&adt_bufs, id, b) {
		if (e ? b->e == e : b->owner == ctx) {
			/* An engine going away takes its DMA mappings along. */
			adt_buf_destroy(id, b);
		}
	}
}

static int adt_release(struct inode *inode, struct file *file)
{
	struct adt_ctx *ctx = file->private_data;

	mutex_lock(&adt_lock);
	adt_ctx_cleanup(ctx, NULL);
	mutex_unlock(&adt_lock);
	kfree(ctx);
	return 0;
}

union adt_args {
	struct adt_info info;
	struct adt_engine_info engine;
	struct adt_buf_alloc alloc;
	struct adt_buf_rw rw;
	struct adt_run run;
	struct adt_counters counters;
	struct adt_expect_viol viol;
	struct adt_domain_alloc dom;
	struct adt_attach attach;
	struct adt_map map;
	struct adt_unmap unmap;
	struct adt_iova_to_phys i2p;
	struct adt_faults faults;
	struct adt_hold_busy hold;
	u32 handle;
};

static long adt_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct adt_ctx *ctx = file->private_data;
	void __user *uarg = (void __user *)arg;
	unsigned int size = _IOC_SIZE(cmd);
	union adt_args *a;
	long ret;

	if (_IOC_TYPE(cmd) != ADT_IOC_MAGIC || size > sizeof(*a))
		return -ENOTTY;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	if ((_IOC_DIR(cmd) & _IOC_WRITE) && copy_from_user(a, uarg, size)) {
		ret = -EFAULT;
		goto out;
	}

	mutex_lock(&adt_lock);
	switch (cmd) {
	case ADT_IOC_INFO:
		a->info.version = ADT_API_VERSION;
		a->info.nr_engines = adt_nr_engines;
		ret = 0;
		break;
	case ADT_IOC_ENGINE_INFO:
		ret = adt_engine_info(&a->engine);
		break;
	case ADT_IOC_BUF_ALLOC:
		ret = adt_buf_create(ctx, &a->alloc);
		break;
	case ADT_IOC_BUF_FREE:
		ret = adt_buf_free(ctx, a->handle);
		break;
	case ADT_IOC_BUF_RW:
		ret = adt_buf_rw(ctx, &a->rw);
		break;
	case ADT_IOC_RUN:
		ret = adt_run(&a->run);
		break;
	case ADT_IOC_COUNTERS:
		ret = adt_counters(&a->counters);
		break;
	case ADT_IOC_EXPECT_VIOL:
		ret = adt_expect_viol(&a->viol);
		break;
	case ADT_IOC_DOMAIN_ALLOC:
		ret = adt_domain_alloc(ctx, &a->dom);
		break;
	case ADT_IOC_DOMAIN_FREE:
		ret = adt_domain_free(ctx, a->handle);
		break;
	case ADT_IOC_ATTACH:
		ret = adt_attach(ctx, &a->attach);
		break;
	case ADT_IOC_MAP:
		ret = adt_map(ctx, &a->map);
		break;
	case ADT_IOC_UNMAP:
		ret = adt_unmap(ctx, &a->unmap);
		break;
	case ADT_IOC_IOVA_TO_PHYS:
		ret = adt_iova_to_phys(ctx, &a->i2p);
		break;
	case ADT_IOC_FAULTS:
		ret = adt_faults(ctx, &a->faults);
		break;
	case ADT_IOC_HOLD_BUSY:
		ret = adt_hold_busy(&a->hold);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	mutex_unlock(&adt_lock);

	if (!ret && (_IOC_DIR(cmd) & _IOC_READ) && copy_to_user(uarg, a, size))
		ret = -EFAULT;
out:
	kfree(a);
	return ret;
}

static const struct file_operations adt_fops = {
	.owner = THIS_MODULE,
	.open = adt_open,
	.release = adt_release,
	.unlocked_ioctl = adt_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice adt_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "apple-dart-test",
	.fops = &adt_fops,
	.mode = 0600,
};

/* ---- engines, bound by dart_test_engine.ko ---- */

static void adt_dart_label(struct device_node *np, unsigned int idx, char *out)
{
	struct of_phandle_args args;
	const char *label;

	if (of_parse_phandle_with_args(np, "iommus", "#iommu-cells", idx, &args))
		return;
	if (of_property_read_string(args.np, "label", &label))
		label = args.np->name;
	strscpy(out, label, ADT_NAME_LEN);
	of_node_put(args.np);
}

static struct adt_engine *adt_engine_slot(struct device_node *np)
{
	unsigned int i;

	for (i = 0; i < adt_nr_engines; i++)
		if (adt_engines[i].np == np)
			return &adt_engines[i];
	if (adt_nr_engines == ADT_MAX_ENGINES)
		return NULL;
	return &adt_engines[adt_nr_engines++];
}

/*
 * dart_test_engine.ko bound @hw (at dte_use(), or again after a sysfs
 * bind): give it its slot back, or a new one.
 */
static void adt_engine_bind(struct dte_engine *hw)
{
	struct device *dev = hw->dev;
	struct adt_engine *e;

	/* The engine takes 64-bit addresses; the IOMMU narrows them. */
	if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64))) {
		dev_err(dev, "no 64-bit DMA mask\n");
		return;
	}
	/*
	 * One command moves up to 4 GiB; without this the DMA API splits sg
	 * lists into 64 KiB segments (still one IOVA range behind an IOMMU).
	 */
	dma_set_max_seg_size(dev, U32_MAX);

	mutex_lock(&adt_lock);
	e = adt_engine_slot(dev->of_node);
	if (!e) {
		mutex_unlock(&adt_lock);
		dev_err(dev, "too many engines\n");
		return;
	}
	e->np = dev->of_node;
	e->hw = hw;
	e->sid[0] = hw->sid[0];
	e->sid[1] = hw->sid[1];
	e->port1 = hw->port1;
	strscpy(e->label, hw->label);
	adt_dart_label(e->np, 0, e->dart[0]);
	if (e->port1)
		adt_dart_label(e->np, 1, e->dart[1]);
	e->group = iommu_group_get(dev);
	/* The engine is idle between ioctls: no interrupt, no counters shift. */
	dte_wr(e->hw, DTE_CTRL, 0);
	e->dev = dev;
	mutex_unlock(&adt_lock);
	dev_info(dev, "%s: stream %u%s behind %s\n", e->label, e->sid[0],
		 e->port1 ? " (+ port 1)" : "", e->dart[0]);
}

static void adt_engine_unbind(struct dte_engine *hw)
{
	unsigned int i;
	struct adt_engine *e;

	mutex_lock(&adt_lock);
	for (i = 0; i < adt_nr_engines; i++) {
		e = &adt_engines[i];
		if (e->hw != hw)
			continue;
		adt_ctx_cleanup(NULL, e);
		e->dev = NULL;
		e->hw = NULL;
		iommu_group_put(e->group);
		e->group = NULL;
	}
	mutex_unlock(&adt_lock);
}

static struct dte_user adt_user = {
	.bind = adt_engine_bind,
	.unbind = adt_engine_unbind,
};

static int __init adt_init(void)
{
	int ret;

	ret = dte_use(&adt_user);
	if (ret)
		return ret;
	ret = misc_register(&adt_misc);
	if (ret)
		dte_unuse(&adt_user);
	return ret;
}
module_init(adt_init);

static void __exit adt_exit(void)
{
	misc_deregister(&adt_misc);
	dte_unuse(&adt_user);
}
module_exit(adt_exit);

MODULE_DESCRIPTION("Apple DART test client: DMA test engines for kselftests");
MODULE_LICENSE("GPL");
