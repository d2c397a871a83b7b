// SPDX-License-Identifier: GPL-2.0-only
/*
 * Apple DART IOMMU driver: debugfs.
 *
 * <debugfs>/iommu/apple-dart/
 *   <DART device>/info       generation, PARAMS-derived geometry
 *   <DART device>/streams    every stream in use: mode, TCR, TTBRs, domain
 *   <DART device>/counters   faults, invalidation commands, resets, L1 writes
 *   domains/<id>/info        format, geometry, the streams it translates
 *   domains/<id>/pgtable     the page tables, as runs of mapped pages
 *   domains/<id>/counters    flushes by cause, faults, table memory
 *
 * Counter files are "name value" lines, for scripts.
 */

#include <linux/debugfs.h>
#include <linux/iommu.h>
#include <linux/seq_file.h>

#include "apple-dart.h"

static struct dentry *adart_dbg_root;
static struct dentry *adart_dbg_domains;
static const struct adart_debugfs_ops *adart_dbg_ops;

/* ---- DARTs -------------------------------------------------------------- */

static int adart_info_show(struct seq_file *s, void *unused)
{
	struct adart *dart = s->private;

	seq_printf(s, "generation %s\n", dart->hw->name);
	seq_printf(s, "pte_format %s\n", dart_io_pgtable_fmt_name(dart->hw->fmt));
	seq_printf(s, "streams %u\n", dart->nsids);
	seq_printf(s, "page_size %u\n", dart->pgsize);
	seq_printf(s, "va_bits %u\n", dart->ias);
	seq_printf(s, "pa_bits %u\n", dart->oas);
	seq_printf(s, "max_levels %u\n", dart->max_levels);
	seq_printf(s, "ttbrs %u\n", dart->lay->n_ttbrs);
	seq_printf(s, "bypass %u\n", dart->bypass);
	seq_printf(s, "locked %u\n", dart->locked);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(adart_info);

static const char *adart_mode_name(struct adart *dart, u32 tcr)
{
	if (!tcr)
		return "blocked";
	if (tcr == dart->lay->tcr_bypass)
		return "bypass";
	return "translate";
}

/*
 * What the stream becomes when its master is released: the boot loader's
 * L1 entries (locked, hw §6), its TCR and TTBRs (tables in no-map memory,
 * hw §6 pt-region), or nothing at all.
 */
static const char *adart_release_name(const struct adart_stream *st)
{
	if (st->fw)
		return "firmware";
	if (st->boot_kept)
		return "boot";
	return "blocked";
}

static int adart_streams_show(struct seq_file *s, void *unused)
{
	struct adart *dart = s->private;
	unsigned int sid, i;

	seq_puts(s, "sid mode tcr ttbrs domain users faults release master\n");
	for (sid = 0; sid < dart->nsids; sid++) {
		struct adart_stream *st = &dart->streams[sid];
		struct adart_domain *dom;
		u32 tcr, ttbr[ADART_MAX_TTBRS];
		unsigned long flags;
		const char *master, *release;
		unsigned int users;
		int id = -1;

		spin_lock_irqsave(&dart->lock, flags);
		tcr = st->tcr;
		memcpy(ttbr, st->ttbr, sizeof(ttbr));
		users = st->users;
		release = adart_release_name(st);
		master = st->master ? dev_name(st->master) : "-";
		rcu_read_lock();
		dom = rcu_dereference(st->domain);
		if (dom)
			id = dom->id;
		rcu_read_unlock();
		spin_unlock_irqrestore(&dart->lock, flags);

		if (!users && !tcr && !atomic_long_read(&st->faults))
			continue;
		seq_printf(s, "%u %s %#x ", sid, adart_mode_name(dart, tcr), tcr);
		for (i = 0; i < dart->lay->n_ttbrs; i++)
			seq_printf(s, "%s%#x", i ? "," : "", ttbr[i]);
		seq_printf(s, " %d %u %ld %s %s\n", id, users,
			   atomic_long_read(&st->faults), release, master);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(adart_streams);

static int adart_counters_show(struct seq_file *s, void *unused)
{
	struct adart *dart = s->private;
	struct adart_counters *c = &dart->cnt;

	seq_printf(s, "faults %ld\n", atomic_long_read(&c->faults));
	seq_printf(s, "faults_reported %ld\n",
		   atomic_long_read(&c->faults_reported));
	seq_printf(s, "faults_unclaimed %ld\n",
		   atomic_long_read(&c->faults_unclaimed));
	seq_printf(s, "inval_cmds %ld\n", atomic_long_read(&c->inval_cmds));
	seq_printf(s, "inval_streams %ld\n",
		   atomic_long_read(&c->inval_streams));
	seq_printf(s, "inval_timeouts %ld\n",
		   atomic_long_read(&c->inval_timeouts));
	seq_printf(s, "resets %ld\n", atomic_long_read(&c->resets));
	seq_printf(s, "l1_syncs %ld\n", atomic_long_read(&c->l1_syncs));
	seq_printf(s, "l1_entries_written %ld\n",
		   atomic_long_read(&c->l1_entries_written));
	seq_printf(s, "l1_switches %ld\n", atomic_long_read(&c->l1_switches));
	seq_printf(s, "l1_switch_entries %ld\n",
		   atomic_long_read(&c->l1_switch_entries));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(adart_counters);

void adart_debugfs_add_dart(struct adart *dart)
{
	struct dentry *dir;

	if (!adart_dbg_root)
		return;
	dir = debugfs_create_dir(dev_name(dart->dev), adart_dbg_root);
	debugfs_create_file("info", 0444, dir, dart, &adart_info_fops);
	debugfs_create_file("streams", 0444, dir, dart, &adart_streams_fops);
	debugfs_create_file("counters", 0444, dir, dart, &adart_counters_fops);
	dart->debugfs = dir;
}

/* ---- domains ------------------------------------------------------------ */

static void adart_print_port(const struct adart_port *p, void *priv)
{
	seq_printf(priv, "streams %s %*pbl\n", dev_name(p->dart->dev),
		   p->dart->nsids, p->sids);
}

static int adart_dom_info_show(struct seq_file *s, void *unused)
{
	struct adart_domain *dom = s->private;
	unsigned int i;

	seq_printf(s, "type %#x\n", dom->domain.type);
	seq_printf(s, "pte_format %s\n", dart_io_pgtable_fmt_name(dom->fmt));
	seq_printf(s, "page_size %u\n", dom->pgsize);
	seq_printf(s, "va_bits %u\n", dom->pgcfg.ias);
	seq_printf(s, "pa_bits %u\n", dom->pgcfg.oas);
	seq_printf(s, "levels %u\n", dom->dcfg.n_levels);
	seq_printf(s, "ttbrs %u\n", dom->dcfg.n_ttbrs);
	for (i = 0; i < dom->dcfg.n_ttbrs; i++)
		seq_printf(s, "ttbr%u %#x\n", i, dom->dcfg.ttbr[i]);
	adart_dbg_ops->domain_visit_ports(dom, adart_print_port, s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(adart_dom_info);

static void adart_print_run(void *priv, const struct dart_pgtable_run *run)
{
	seq_printf(priv, "%#014llx-%#014llx -> %#013llx attrs %#llx\n",
		   run->iova, run->iova + run->size - 1, (u64)run->pa,
		   run->attrs);
}

static int adart_dom_pgtable_show(struct seq_file *s, void *unused)
{
	struct adart_domain *dom = s->private;
	struct io_pgtable_ops *ops = adart_domain_pgtable(dom);
	struct dart_pgtable_walk_stats st;

	if (!ops)
		return 0;
	seq_printf(s, "# %u TTBRs, %u levels, %u top entries\n",
		   dom->dcfg.n_ttbrs, dom->dcfg.n_levels, dom->dcfg.top_entries);
	dart_io_pgtable_walk(ops, adart_print_run, s, &st);
	seq_printf(s, "# %lu tables, %lu pages mapped\n", st.tables, st.pages);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(adart_dom_pgtable);

static int adart_dom_counters_show(struct seq_file *s, void *unused)
{
	struct adart_domain *dom = s->private;
	struct adart_domain_counters *c = &dom->cnt;
	struct io_pgtable_ops *ops = adart_domain_pgtable(dom);
	struct dart_pgtable_stats st = { };

	if (ops)
		dart_io_pgtable_get_stats(ops, &st);
	seq_printf(s, "sync %ld\n", atomic_long_read(&c->sync));
	seq_printf(s, "sync_empty %ld\n", atomic_long_read(&c->sync_empty));
	seq_printf(s, "sync_map %ld\n", atomic_long_read(&c->sync_map));
	seq_printf(s, "flush_all %ld\n", atomic_long_read(&c->flush_all));
	seq_printf(s, "flush_walk %ld\n", atomic_long_read(&c->flush_walk));
	seq_printf(s, "faults %ld\n", atomic_long_read(&c->faults));
	seq_printf(s, "tables_held %ld\n", atomic_long_read(&c->tables_held));
	seq_printf(s, "flush_shared %ld\n", atomic_long_read(&c->flush_shared));
	seq_printf(s, "tables %lu\n", st.tables);
	seq_printf(s, "leaf_tables %lu\n", st.leaf_tables);
	seq_printf(s, "table_bytes %lu\n", st.bytes);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(adart_dom_counters);

void adart_debugfs_add_domain(struct adart_domain *dom)
{
	struct dentry *dir;
	char name[16];

	if (!adart_dbg_domains)
		return;
	snprintf(name, sizeof(name), "%d", dom->id);
	dir = debugfs_create_dir(name, adart_dbg_domains);
	debugfs_create_file("info", 0444, dir, dom, &adart_dom_info_fops);
	debugfs_create_file("pgtable", 0444, dir, dom, &adart_dom_pgtable_fops);
	debugfs_create_file("counters", 0444, dir, dom,
			    &adart_dom_counters_fops);
	dom->debugfs = dir;
}

void adart_debugfs_remove(struct dentry **dir)
{
	debugfs_remove_recursive(*dir);
	*dir = NULL;
}

void adart_debugfs_init(const struct adart_debugfs_ops *ops)
{
	struct dentry *parent = NULL;

	adart_dbg_ops = ops;

#ifdef CONFIG_IOMMU_DEBUGFS
	parent = iommu_debugfs_dir;
#endif
	adart_dbg_root = debugfs_create_dir("apple-dart", parent);
	if (IS_ERR(adart_dbg_root)) {
		adart_dbg_root = NULL;
		return;
	}
	adart_dbg_domains = debugfs_create_dir("domains", adart_dbg_root);
}

void adart_debugfs_exit(void)
{
	debugfs_remove_recursive(adart_dbg_root);
	adart_dbg_root = NULL;
	adart_dbg_domains = NULL;
}
