// SPDX-License-Identifier: GPL-2.0
/*
 * DCP-like test driver for the display machine of the emulated Apple DART
 * platform ("-machine virt,apple-dart=display", Documentation/dart/
 * emulator.rst): it does to the display pipe and the display coprocessor
 * what a real display driver does after the boot loader handed them over
 * with their DARTs locked and live (hw §6):
 *
 * - the display pipe ("qemu,apple-dart-display", dart-disp0 stream 0) is
 *   bound here as a platform driver and moved, while it scans the boot
 *   splash, into an unmanaged domain of its own (iommu_attach_device()),
 *   the "full IOMMU API" way, and back to its default domain;
 * - a new framebuffer made of pages that are never physically adjacent is
 *   mapped contiguously for the pipe (iommu_map_sgtable() in that domain)
 *   and, with its own sg list, for the coprocessor (dma_map_sgtable() on
 *   the "dcp" DMA test engine, dart-dcp stream 0), as dma-buf attachments
 *   would; the pattern drawn in it is flipped to at vsync;
 * - the coprocessor gets buffers from dma_alloc_coherent() in its default
 *   domain and proves it reads and writes them.
 *
 * The driver never maps the boot framebuffer itself: the DART driver must
 * have installed the reserved regions into every paging domain of the pipe
 * (apple-dart-resv.c), which the takeover checks before it keeps the
 * domain.  What the scanout and the coprocessor saw is read from the
 * display block's registers by the kselftests (dart_display_test.c).
 *
 * The uAPI is apple-dart-dcp-test.h, next to this file.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/iopoll.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "apple-dart-dcp-test.h"
#include "apple-dart-display-regs.h"

#include "dart_test_engine.h"

/*
 * A flip latches at the next vsync (20 ms in the scenarios); the bound
 * only keeps a stopped scanout from hanging the caller.
 */
#define DCPT_VSYNC_TIMEOUT_US	(5 * USEC_PER_SEC)

/* One reserved-memory region of a master, as m1n1 describes it. */
struct dcpt_region {
	const char *name;
	u64 pa;
	u64 iova;
	u64 size;
};

/* The display pipe, and what this driver did to it. */
struct dcpt {
	struct device *dev;
	void __iomem *regs;
	struct dcpt_region fb;		/* the boot framebuffer */
	u32 stride;
	u32 scan_size;
	struct iommu_domain *dom;	/* ours, while taken */
	struct file *owner;		/* the file that took it */
	/* the new framebuffer */
	struct page **pages;
	unsigned int nr_pages;
	struct sg_table sgt_disp;	/* the pipe's sg list */
	struct sg_table sgt_dcp;	/* the coprocessor's own */
	struct device *dcp_dev;		/* sgt_dcp is mapped for it */
	bool disp_mapped;
	bool scan_new;
};

/*
 * One lock for the display, the engines and the ioctls; the engine
 * library calls bind/unbind with its own lock held, so this one is always
 * taken inside it, never the other way round.
 */
static DEFINE_MUTEX(dcpt_lock);
static struct dcpt *dcpt_disp;
static struct dte_engine *dcpt_dcp;
static struct dte_engine *dcpt_piodma;

/* ---- reserved regions (the DT m1n1 writes) ---- */

/*
 * Region @i of @np's "memory-region": its PA from "reg" and the IOVA that
 * its "iommu-addresses" gives @np (<&master IOVA(64) SIZE(64)> entries,
 * the root's two address and two size cells).
 */
static int dcpt_region(struct device_node *np, int i, struct dcpt_region *r)
{
	struct device_node *rnp;
	struct resource res;
	u32 *cells = NULL;
	int n, k, ret;

	rnp = of_parse_phandle(np, "memory-region", i);
	if (!rnp)
		return -ENOENT;
	ret = of_address_to_resource(rnp, 0, &res);
	if (ret)
		goto out;
	if (of_property_read_string_index(np, "memory-region-names", i,
					  &r->name))
		r->name = rnp->name;
	r->pa = res.start;
	n = of_property_count_u32_elems(rnp, "iommu-addresses");
	ret = -ENOENT;
	if (n < 5)
		goto out;
	cells = kcalloc(n, sizeof(*cells), GFP_KERNEL);
	if (!cells) {
		ret = -ENOMEM;
		goto out;
	}
	if (of_property_read_u32_array(rnp, "iommu-addresses", cells, n))
		goto out;
	for (k = 0; k + 5 <= n; k += 5) {
		if (cells[k] != np->phandle)
			continue;
		r->iova = (u64)cells[k + 1] << 32 | cells[k + 2];
		r->size = (u64)cells[k + 3] << 32 | cells[k + 4];
		ret = 0;
		break;
	}
out:
	kfree(cells);
	of_node_put(rnp);
	return ret;
}

/* The region of @np named @name in "memory-region-names". */
static int dcpt_region_by_name(struct device_node *np, const char *name,
			       struct dcpt_region *r)
{
	int i = of_property_match_string(np, "memory-region-names", name);

	return i < 0 ? i : dcpt_region(np, i, r);
}

/* ---- the scanout ---- */

static u32 dcpt_rd(struct dcpt *d, u32 reg)
{
	return readl(d->regs + reg);
}

static void dcpt_wr(struct dcpt *d, u32 reg, u32 val)
{
	writel(val, d->regs + reg);
}

/*
 * Scan out @iova from the next vsync on.  Returns once the pipe latched
 * it and finished the frame that started there: from then on it no
 * longer fetches the buffer it scanned before, which may be unmapped.
 */
static int dcpt_flip(struct dcpt *d, u64 iova)
{
	u32 v, frames;
	int ret;

	dcpt_wr(d, ADD_FB_NEXT_LO, lower_32_bits(iova));
	dcpt_wr(d, ADD_FB_NEXT_HI, upper_32_bits(iova));
	dcpt_wr(d, ADD_FB_FLIP, 1);
	ret = readl_poll_timeout(d->regs + ADD_FB_FLIP, v, !(v & 1),
				 USEC_PER_MSEC, DCPT_VSYNC_TIMEOUT_US);
	if (ret)
		goto err;
	frames = dcpt_rd(d, ADD_FRAMES);
	ret = readl_poll_timeout(d->regs + ADD_FRAMES, v, v != frames,
				 USEC_PER_MSEC, DCPT_VSYNC_TIMEOUT_US);
	if (!ret)
		return 0;
err:
	dev_err(d->dev, "flip to IOVA %#llx: no vsync\n", iova);
	return ret;
}

/* ---- the new framebuffer ---- */

/*
 * The test pattern, XRGB8888 like the splash but different in every
 * channel (add_splash_pixel()), so that any mix of the two buffers gives
 * a CRC that is neither.
 */
static u32 dcpt_pattern_pixel(u32 x, u32 y)
{
	return 0xff000000 | ((y >> 2) & 0xff) << 16 | ((x * 3) & 0xff) << 8 |
	       ((x ^ y) & 0xff);
}

static void dcpt_pages_free(struct page **pages, unsigned int n)
{
	unsigned int i;

	for (i = 0; pages && i < n; i++)
		__free_page(pages[i]);
	kvfree(pages);
}

/*
 * @n pages, allocated one at a time, none physically next to the one
 * before it (such a page is set aside and freed at the end), so that a
 * contiguous IOVA range needs the IOMMU and both sg lists are as long as
 * they can be.
 */
static struct page **dcpt_pages_alloc(unsigned int n)
{
	struct page **pages, **spare;
	unsigned int i = 0, nspare = 0;
	struct page *p;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	spare = kvcalloc(n, sizeof(*spare), GFP_KERNEL);
	if (!pages || !spare)
		goto fail;
	while (i < n) {
		p = alloc_page(GFP_KERNEL);
		if (!p)
			goto fail;
		if (i && abs((long)(page_to_pfn(p) -
				    page_to_pfn(pages[i - 1]))) == 1 &&
		    nspare < n) {
			spare[nspare++] = p;
			continue;
		}
		pages[i++] = p;
	}
	dcpt_pages_free(spare, nspare);
	return pages;
fail:
	dcpt_pages_free(spare, nspare);
	dcpt_pages_free(pages, i);
	return NULL;
}

/* Physically contiguous runs among @n pages. */
static unsigned int dcpt_runs(struct page **pages, unsigned int n)
{
	unsigned int i, runs = n ? 1 : 0;

	for (i = 1; i < n; i++)
		if (page_to_pfn(pages[i]) != page_to_pfn(pages[i - 1]) + 1)
			runs++;
	return runs;
}

/*
 * Draw the pattern through short-lived kernel mappings (the DMA side needs
 * none) and compute what the scanout and the engine will find: the
 * scanout's CRC-32 is zlib's over the first FB_SIZE bytes
 * (Documentation/dart/emulator.rst), the engine's CHECKSUM is FNV-1a.
 */
static void dcpt_draw(struct dcpt *d, struct dcpt_fb *out)
{
	u32 crc = ~0u, fnv = DTE_FNV1A_INIT;
	unsigned int i, k;
	u64 off = 0;

	for (i = 0; i < d->nr_pages; i++) {
		u32 *px = kmap_local_page(d->pages[i]);
		size_t n;

		for (k = 0; k < PAGE_SIZE / 4; k++) {
			u64 o = off + k * 4;

			px[k] = dcpt_pattern_pixel((o % d->stride) / 4,
						   o / d->stride);
		}
		if (off < d->scan_size) {
			const u8 *b = (const u8 *)px;
			size_t j;

			n = min_t(u64, PAGE_SIZE, d->scan_size - off);
			crc = crc32_le(crc, b, n);
			for (j = 0; j < n; j++) {
				fnv ^= b[j];
				fnv *= DTE_FNV1A_PRIME;
			}
		}
		kunmap_local(px);
		off += PAGE_SIZE;
	}
	out->crc = ~crc;
	out->fnv_cpu = fnv;
}

/* Is the coprocessor's mapping of the new framebuffer one IOVA range? */
static bool dcpt_dma_contiguous(struct sg_table *sgt)
{
	dma_addr_t next = sg_dma_address(sgt->sgl);
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (sg_dma_address(sg) != next)
			return false;
		next += sg_dma_len(sg);
	}
	return true;
}

static void dcpt_fb_unmap_dcp(struct dcpt *d)
{
	if (!d->dcp_dev)
		return;
	dma_unmap_sgtable(d->dcp_dev, &d->sgt_dcp, DMA_BIDIRECTIONAL, 0);
	d->dcp_dev = NULL;
}

/* Unmap and free the new framebuffer; the pipe must not scan it. */
static void dcpt_fb_free(struct dcpt *d)
{
	size_t size = (size_t)d->nr_pages << PAGE_SHIFT;

	if (!d->pages)
		return;
	if (d->disp_mapped &&
	    iommu_unmap(d->dom, DCPT_NEW_FB_IOVA, size) != size)
		dev_err(d->dev, "new framebuffer not fully unmapped\n");
	d->disp_mapped = false;
	dcpt_fb_unmap_dcp(d);
	sg_free_table(&d->sgt_disp);
	sg_free_table(&d->sgt_dcp);
	dcpt_pages_free(d->pages, d->nr_pages);
	d->pages = NULL;
	d->nr_pages = 0;
}

static int dcpt_fb_new(struct dcpt *d, struct dcpt_fb *out)
{
	struct dte_engine *dcp = dcpt_dcp;
	size_t size = PAGE_ALIGN(d->scan_size);
	ssize_t mapped;
	u32 st;
	int ret;

	if (!d->dom)
		return -EINVAL;
	if (d->pages)
		return -EBUSY;
	if (!dcp)
		return -ENODEV;
	d->nr_pages = size >> PAGE_SHIFT;
	d->pages = dcpt_pages_alloc(d->nr_pages);
	if (!d->pages) {
		d->nr_pages = 0;
		return -ENOMEM;
	}
	dcpt_draw(d, out);
	/* Each device its own sg list, as dma-buf attachments have. */
	ret = sg_alloc_table_from_pages(&d->sgt_disp, d->pages, d->nr_pages,
					0, size, GFP_KERNEL);
	if (ret)
		goto err_pages;
	ret = sg_alloc_table_from_pages(&d->sgt_dcp, d->pages, d->nr_pages,
					0, size, GFP_KERNEL);
	if (ret) {
		sg_free_table(&d->sgt_disp);
		goto err_pages;
	}
	/* The pipe only reads its framebuffer. */
	mapped = iommu_map_sgtable(d->dom, DCPT_NEW_FB_IOVA, &d->sgt_disp,
				   IOMMU_READ);
	/* On failure iommu_map_sgtable() unmapped what it had mapped. */
	if (mapped != size) {
		ret = mapped < 0 ? mapped : -EIO;
		goto err_free;
	}
	d->disp_mapped = true;
	ret = dma_map_sgtable(dcp->dev, &d->sgt_dcp, DMA_BIDIRECTIONAL, 0);
	if (ret)
		goto err_free;
	d->dcp_dev = dcp->dev;
	if (!dcpt_dma_contiguous(&d->sgt_dcp)) {
		ret = -EIO;
		goto err_free;
	}
	out->iova_disp = DCPT_NEW_FB_IOVA;
	out->iova_dcp = sg_dma_address(d->sgt_dcp.sgl);
	out->size = size;
	out->nr_pages = d->nr_pages;
	out->nr_runs = dcpt_runs(d->pages, d->nr_pages);
	/* The coprocessor reads the pattern through its own mapping. */
	st = dte_exec(dcp, DTE_OP_CHECKSUM, out->iova_dcp, 0, d->scan_size);
	out->status = st;
	out->fnv_dcp = dte_rd(dcp, DTE_RESULT);
	return 0;

err_free:
	dcpt_fb_free(d);
	return ret;
err_pages:
	dcpt_pages_free(d->pages, d->nr_pages);
	d->pages = NULL;
	d->nr_pages = 0;
	return ret;
}

/* ---- taking the display pipe over, and giving it back ---- */

static int dcpt_takeover(struct dcpt *d, struct file *file,
			 struct dcpt_takeover *t)
{
	u64 last = d->fb.iova + d->fb.size - 1;
	struct iommu_domain *dom;
	int ret;

	if (d->dom)
		return -EBUSY;
	dom = iommu_paging_domain_alloc(d->dev);
	if (IS_ERR(dom))
		return PTR_ERR(dom);
	t->phys_before = iommu_iova_to_phys(dom, d->fb.iova);
	/*
	 * The splash keeps being scanned from its IOVA: the domain must
	 * translate it from the moment the stream walks it, which only the
	 * DART driver can make true (the reserved regions it installs).
	 */
	ret = iommu_attach_device(dom, d->dev);
	if (ret) {
		dev_err(d->dev, "attach to an unmanaged domain: %d\n", ret);
		iommu_domain_free(dom);
		return ret;
	}
	t->phys_after = iommu_iova_to_phys(dom, d->fb.iova);
	if (t->phys_after != d->fb.pa ||
	    iommu_iova_to_phys(dom, last) != d->fb.pa + d->fb.size - 1) {
		dev_err(d->dev, "boot framebuffer at IOVA %#llx not translated to %#llx in the new domain (%#llx)\n",
			d->fb.iova, d->fb.pa, t->phys_after);
		iommu_detach_device(dom, d->dev);
		iommu_domain_free(dom);
		return -EIO;
	}
	d->dom = dom;
	d->owner = file;
	return 0;
}

/* Attach @dev to @dom, back to where it was if that worked; in default? */
static int dcpt_try_attach(struct iommu_domain *dom, struct device *dev,
			   u32 *in_default)
{
	struct iommu_domain *now;
	int ret;

	ret = iommu_attach_device(dom, dev);
	if (!ret)
		iommu_detach_device(dom, dev);
	now = iommu_get_domain_for_dev(dev);
	*in_default = now && now != dom && (now->type & __IOMMU_DOMAIN_DMA_API);
	return ret;
}

/*
 * Attaches whose domain cannot hold a master's boot mappings: the DART
 * driver must refuse them and leave the master in its default domain.
 * One maps something else at a boot IOVA of the pipe (the scanout would
 * read it instead of the splash); the other, built for the PIODMA engine,
 * is too narrow for the coprocessor's firmware at high IOVAs.
 */
static int dcpt_conflict(struct dcpt *d, struct dcpt_conflict *c)
{
	struct iommu_domain *dom;
	struct page *page;
	int ret;

	if (d->dom)
		return -EBUSY;
	if (!dcpt_dcp || !dcpt_piodma)
		return -ENODEV;
	dom = iommu_paging_domain_alloc(dcpt_piodma->dev);
	if (IS_ERR(dom))
		return PTR_ERR(dom);
	c->narrow_ret = dcpt_try_attach(dom, dcpt_dcp->dev, &c->dcp_in_default);
	iommu_domain_free(dom);
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	dom = iommu_paging_domain_alloc(d->dev);
	if (IS_ERR(dom)) {
		ret = PTR_ERR(dom);
		goto out_page;
	}
	ret = iommu_map(dom, d->fb.iova, page_to_phys(page), PAGE_SIZE,
			IOMMU_READ, GFP_KERNEL);
	if (ret)
		goto out_dom;
	c->attach_ret = dcpt_try_attach(dom, d->dev, &c->in_default);
out_dom:
	iommu_domain_free(dom);
out_page:
	__free_page(page);
	return ret;
}

/*
 * Unmapping a boot mapping from the pipe's unmanaged domain: the DART
 * driver must refuse (the scanout still reads the splash through it).
 */
static int dcpt_unmap_boot(struct dcpt *d, struct dcpt_unmap_boot *u)
{
	if (!d->dom)
		return -ENOENT;
	u->unmapped = iommu_unmap(d->dom, d->fb.iova, PAGE_SIZE);
	u->phys_after = iommu_iova_to_phys(d->dom, d->fb.iova);
	return 0;
}

/*
 * Back to the splash (if the new framebuffer is scanned), unmap and free
 * the new framebuffer, then back to the default domain.
 */
static void dcpt_release(struct dcpt *d)
{
	if (d->scan_new && !dcpt_flip(d, d->fb.iova))
		d->scan_new = false;
	if (d->scan_new) {
		/* The pipe may still fetch it: leak rather than fault. */
		dev_err(d->dev, "new framebuffer still scanned, kept\n");
		return;
	}
	dcpt_fb_free(d);
	if (d->dom) {
		iommu_detach_device(d->dom, d->dev);
		iommu_domain_free(d->dom);
		d->dom = NULL;
	}
	d->owner = NULL;
}

/* ---- the coprocessor ---- */

/*
 * Buffers from dma_alloc_coherent() in the coprocessor's default domain:
 * it copies the first into the second, fills the third and checksums the
 * first, and the CPU checks each result.
 */
static int dcpt_shared(struct dcpt_shared *out)
{
	struct dte_engine *dcp = dcpt_dcp;
	dma_addr_t iova[DCPT_SHARED_BUFS];
	u32 *buf[DCPT_SHARED_BUFS] = {};
	const size_t len = DCPT_SHARED_SIZE;
	unsigned int i;
	int ret = 0;

	if (!dcp)
		return -ENODEV;
	for (i = 0; i < DCPT_SHARED_BUFS; i++) {
		buf[i] = dma_alloc_coherent(dcp->dev, len, &iova[i],
					    GFP_KERNEL);
		if (!buf[i]) {
			ret = -ENOMEM;
			goto out;
		}
		out->iova[i] = iova[i];
		memset(buf[i], 0, len);
	}
	for (i = 0; i < len / 4; i++)
		buf[0][i] = i * 0x9e3779b9u;
	out->status = dte_exec(dcp, DTE_OP_COPY, iova[0], iova[1], len);
	dte_wr(dcp, DTE_DATA, DCPT_FILL_WORD);
	out->status |= dte_exec(dcp, DTE_OP_FILL, 0, iova[2], len);
	out->status |= dte_exec(dcp, DTE_OP_CHECKSUM, iova[0], 0, len);
	out->sum_ok = dte_rd(dcp, DTE_RESULT) == dte_fnv1a(buf[0], len);
	out->copy_ok = !memcmp(buf[0], buf[1], len);
	out->fill_ok = 1;
	for (i = 0; i < len / 4; i++)
		if (buf[2][i] != DCPT_FILL_WORD)
			out->fill_ok = 0;
out:
	for (i = 0; i < DCPT_SHARED_BUFS; i++)
		if (buf[i])
			dma_free_coherent(dcp->dev, len, buf[i], iova[i]);
	return ret;
}

/*
 * The coprocessor reads the first word of every page of each of its
 * firmware regions, as its firmware does: the word the boot loader put
 * there (its PA's low bits XOR ADD_FW_MAGIC).
 */
static int dcpt_fw_read(struct dcpt_fw *out)
{
	struct dte_engine *dcp = dcpt_dcp;
	struct device_node *np;
	struct dcpt_region r;
	int i, n;
	u64 off;
	u32 w;

	if (!dcp)
		return -ENODEV;
	np = dcp->dev->of_node;
	n = of_count_phandle_with_args(np, "memory-region", NULL);
	for (i = 0; i < n; i++) {
		if (dcpt_region(np, i, &r) || !strcmp(r.name, "framebuffer"))
			continue;
		out->regions++;
		for (off = 0; off < r.size; off += PAGE_SIZE) {
			if (dte_read32(dcp, 0, r.iova + off, &w) &&
			    w == (lower_32_bits(r.pa + off) ^ ADD_FW_MAGIC))
				continue;
			if (!out->bad++)
				out->first_bad_iova = r.iova + off;
		}
	}
	return 0;
}

static int dcpt_piodma_read(struct dcpt_piodma *p)
{
	struct dte_engine *e = dcpt_piodma;

	if (!e)
		return -ENODEV;
	p->status = dte_exec(e, DTE_OP_READ32, p->iova, 0, 4);
	p->fault_iova = dte_fault_iova(e);
	return 0;
}

/* ---- the uAPI ---- */

static int dcpt_info(struct dcpt *d, struct dcpt_info *i)
{
	i->fb_pa = d->fb.pa;
	i->fb_iova = d->fb.iova;
	i->fb_size = d->fb.size;
	i->scan_size = d->scan_size;
	i->stride = d->stride;
	i->width = dcpt_rd(d, ADD_WIDTH);
	i->height = dcpt_rd(d, ADD_HEIGHT);
	i->splash_crc = dcpt_rd(d, ADD_SPLASH_CRC);
	i->state = (d->dom ? DCPT_TAKEN : 0) |
		   (d->disp_mapped ? DCPT_NEW_FB : 0) |
		   (d->scan_new ? DCPT_SCAN_NEW : 0);
	/*
	 * What the DMA layer asks before it gives a new DMA domain a flush
	 * queue; a group switched through sysfs gets one without the ask.
	 */
	if (device_iommu_capable(d->dev, IOMMU_CAP_DEFERRED_FLUSH))
		i->state |= DCPT_DEFERRED;
	return 0;
}

static int dcpt_flip_to(struct dcpt *d, u32 which)
{
	int ret;

	switch (which) {
	case DCPT_FLIP_SPLASH:
		ret = dcpt_flip(d, d->fb.iova);
		if (!ret)
			d->scan_new = false;
		return ret;
	case DCPT_FLIP_NEW:
		if (!d->disp_mapped)
			return -ENOENT;
		ret = dcpt_flip(d, DCPT_NEW_FB_IOVA);
		if (!ret)
			d->scan_new = true;
		return ret;
	}
	return -EINVAL;
}

union dcpt_args {
	struct dcpt_info info;
	struct dcpt_takeover takeover;
	struct dcpt_fb fb;
	struct dcpt_shared shared;
	struct dcpt_fw fw;
	struct dcpt_piodma piodma;
	struct dcpt_conflict conflict;
	struct dcpt_unmap_boot unmap_boot;
	u32 which;
};

/* Only the file that took the display over may change what it scans. */
static bool dcpt_owner_op(unsigned int cmd)
{
	return cmd == DCPT_IOC_RELEASE || cmd == DCPT_IOC_FB_NEW ||
	       cmd == DCPT_IOC_FLIP || cmd == DCPT_IOC_UNMAP_BOOT;
}

static long dcpt_ioctl(struct file *file, unsigned int cmd,
		       unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	unsigned int size = _IOC_SIZE(cmd);
	struct dcpt *d;
	union dcpt_args a;
	long ret;

	if (_IOC_TYPE(cmd) != DCPT_IOC_MAGIC || size > sizeof(a))
		return -ENOTTY;
	memset(&a, 0, sizeof(a));
	if ((_IOC_DIR(cmd) & _IOC_WRITE) && copy_from_user(&a, uarg, size))
		return -EFAULT;

	mutex_lock(&dcpt_lock);
	d = dcpt_disp;
	if (!d) {
		ret = -ENODEV;
		goto out;
	}
	if (dcpt_owner_op(cmd) && d->owner != file) {
		ret = -EPERM;
		goto out;
	}
	switch (cmd) {
	case DCPT_IOC_INFO:
		ret = dcpt_info(d, &a.info);
		break;
	case DCPT_IOC_TAKEOVER:
		ret = dcpt_takeover(d, file, &a.takeover);
		break;
	case DCPT_IOC_RELEASE:
		dcpt_release(d);
		ret = d->dom ? -EBUSY : 0;
		break;
	case DCPT_IOC_FB_NEW:
		ret = dcpt_fb_new(d, &a.fb);
		break;
	case DCPT_IOC_FLIP:
		ret = dcpt_flip_to(d, a.which);
		break;
	case DCPT_IOC_SHARED:
		ret = dcpt_shared(&a.shared);
		break;
	case DCPT_IOC_FW_READ:
		ret = dcpt_fw_read(&a.fw);
		break;
	case DCPT_IOC_PIODMA:
		ret = dcpt_piodma_read(&a.piodma);
		break;
	case DCPT_IOC_CONFLICT:
		ret = dcpt_conflict(d, &a.conflict);
		break;
	case DCPT_IOC_UNMAP_BOOT:
		ret = dcpt_unmap_boot(d, &a.unmap_boot);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
out:
	mutex_unlock(&dcpt_lock);
	/* A refused takeover still tells what the domain translated. */
	if ((!ret || (cmd == DCPT_IOC_TAKEOVER && ret == -EIO)) &&
	    (_IOC_DIR(cmd) & _IOC_READ) && copy_to_user(uarg, &a, size))
		ret = -EFAULT;
	return ret;
}

static int dcpt_file_release(struct inode *inode, struct file *file)
{
	mutex_lock(&dcpt_lock);
	if (dcpt_disp && dcpt_disp->owner == file)
		dcpt_release(dcpt_disp);
	mutex_unlock(&dcpt_lock);
	return 0;
}

static const struct file_operations dcpt_fops = {
	.owner = THIS_MODULE,
	.release = dcpt_file_release,
	.unlocked_ioctl = dcpt_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice dcpt_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "apple-dart-dcp-test",
	.fops = &dcpt_fops,
	.mode = 0600,
};

/* ---- the coprocessor and PIODMA engines, bound by dart_test_engine.ko ---- */

static void dcpt_engine_bind(struct dte_engine *e)
{
	mutex_lock(&dcpt_lock);
	if (!strcmp(e->label, "dcp")) {
		/*
		 * The framebuffer is one command; without this the DMA API
		 * would cut its sg list into 64 KiB segments.
		 */
		dma_set_max_seg_size(e->dev, U32_MAX);
		dcpt_dcp = e;
	} else if (!strcmp(e->label, "piodma")) {
		dcpt_piodma = e;
	}
	mutex_unlock(&dcpt_lock);
}

static void dcpt_engine_unbind(struct dte_engine *e)
{
	mutex_lock(&dcpt_lock);
	if (e == dcpt_dcp) {
		/* Its DMA mappings go with its driver. */
		if (dcpt_disp)
			dcpt_fb_unmap_dcp(dcpt_disp);
		dcpt_dcp = NULL;
	} else if (e == dcpt_piodma) {
		dcpt_piodma = NULL;
	}
	mutex_unlock(&dcpt_lock);
}

static struct dte_user dcpt_user = {
	.bind = dcpt_engine_bind,
	.unbind = dcpt_engine_unbind,
};

/* ---- the display pipe ---- */

static int dcpt_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct dcpt *d;
	int ret;

	d = devm_kzalloc(dev, sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->dev = dev;
	d->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(d->regs))
		return PTR_ERR(d->regs);
	if (dcpt_rd(d, ADD_ID) != ADD_ID_VALUE)
		return dev_err_probe(dev, -ENODEV, "not the display block\n");
	ret = dcpt_region_by_name(dev->of_node, "framebuffer", &d->fb);
	if (ret)
		return dev_err_probe(dev, ret, "no framebuffer region\n");
	d->stride = dcpt_rd(d, ADD_FB_STRIDE);
	d->scan_size = dcpt_rd(d, ADD_FB_SIZE);
	if (!d->scan_size || d->scan_size > d->fb.size)
		return dev_err_probe(dev, -EINVAL, "scans %u bytes of a %llu byte framebuffer\n",
				     d->scan_size, d->fb.size);
	platform_set_drvdata(pdev, d);
	mutex_lock(&dcpt_lock);
	dcpt_disp = d;
	mutex_unlock(&dcpt_lock);
	dev_info(dev, "boot framebuffer PA %#llx at IOVA %#llx, %u bytes a frame\n",
		 d->fb.pa, d->fb.iova, d->scan_size);
	return 0;
}

static void dcpt_remove(struct platform_device *pdev)
{
	struct dcpt *d = platform_get_drvdata(pdev);

	mutex_lock(&dcpt_lock);
	dcpt_release(d);
	dcpt_disp = NULL;
	mutex_unlock(&dcpt_lock);
}

static const struct of_device_id dcpt_of_match[] = {
	{ .compatible = "qemu,apple-dart-display" },
	{}
};
MODULE_DEVICE_TABLE(of, dcpt_of_match);

static struct platform_driver dcpt_driver = {
	.probe = dcpt_probe,
	.remove = dcpt_remove,
	.driver = {
		.name = "apple-dart-dcp-test",
		.of_match_table = dcpt_of_match,
	},
};

static int __init dcpt_init(void)
{
	int ret;

	ret = dte_use(&dcpt_user);
	if (ret)
		return ret;
	ret = platform_driver_register(&dcpt_driver);
	if (ret)
		goto err_unuse;
	ret = misc_register(&dcpt_misc);
	if (ret)
		goto err_unregister;
	return 0;

err_unregister:
	platform_driver_unregister(&dcpt_driver);
err_unuse:
	dte_unuse(&dcpt_user);
	return ret;
}
module_init(dcpt_init);

static void __exit dcpt_exit(void)
{
	misc_deregister(&dcpt_misc);
	platform_driver_unregister(&dcpt_driver);
	dte_unuse(&dcpt_user);
}
module_exit(dcpt_exit);

MODULE_DESCRIPTION("DCP-like test driver for the emulated Apple DART display machine");
MODULE_LICENSE("GPL");
