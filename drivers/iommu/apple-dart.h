/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Apple DART IOMMU driver: what the core (apple-dart.c), the register
 * layouts (apple-dart-hw.c) and debugfs (apple-dart-debugfs.c) share.
 *
 * Section numbers ("hw §N") refer to Documentation/dart/hardware.rst.
 */
#ifndef __APPLE_DART_H
#define __APPLE_DART_H

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/iommu.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "io-pgtable-dart.h"

/* T8110 PARAMS4 has a 9-bit stream count, capped at 256 (hw §0). */
#define ADART_MAX_SIDS			256
/* T8020/T6000 streams have four TTBRs, T8110 streams one (hw §0). */
#define ADART_MAX_TTBRS			DART_PGTABLE_MAX_TTBRS
/* The ISP of later SoCs sits behind three DARTs (prior-art §1). */
#define ADART_MAX_DARTS_PER_MASTER	3
/* DART instances one paging domain or one group can span. */
#define ADART_MAX_PORTS			8

struct adart;

/**
 * struct adart_fault_code - one ERROR code bit and how to report it
 * @bit:	the bit in the ERROR register
 * @name:	what the log line calls it
 * @dir:	the code tells the direction: 1 read, 2 write, 0 unknown
 */
struct adart_fault_code {
	u32		bit;
	const char	*name;
	u8		dir;
};

/**
 * struct adart_fault - one decoded ERROR register
 * @status:	ERROR as read
 * @sid:	stream field; only its low bits on a T8020 with more streams
 *		than its 4-bit field can name (hw §2.2)
 * @code:	the code bits
 * @iova:	ERROR_ADDR
 * @write:	the access was a write
 * @dir_known:	@write is known: the layout has a direction bit, or the
 *		code is a permission fault
 * @name:	name of the lowest code bit set, "unknown" if none is known
 * @n_codes:	how many code bits are set (the hardware sets one)
 */
struct adart_fault {
	u32		status;
	u32		sid;
	u32		code;
	u64		iova;
	bool		write;
	bool		dir_known;
	const char	*name;
	unsigned int	n_codes;
};

/**
 * struct adart_layout - a register map (hw §2 T8020, hw §3 T8110)
 *
 * Everything the core needs to know about a register layout is data
 * here or a method; the core never tests which layout it drives.
 *
 * @ttbr_layout:	TTBR register encoding (hw §4.3)
 * @n_ttbrs:		TTBRs per stream
 * @lock_reg:		register holding the lock bit (hw §6)
 * @lock_bit:		the lock bit
 * @tcr:		TCR of stream 0; stride 4
 * @tcr_translate:	TCR value for translation
 * @tcr_bypass:		TCR value for bypass
 * @tcr_four_level:	TCR bit for a three-table walk below the TTBR, or 0
 * @ttbr_stride:	bytes between streams' first TTBRs
 * @enable:		first stream-enable register (32 streams a word)
 * @enable_words:	how many enable words exist
 * @err:		ERROR register
 * @err_addr_lo:	ERROR_ADDR_LO
 * @err_addr_hi:	ERROR_ADDR_HI
 * @err_sid:		stream field of ERROR
 * @err_code:		code field of ERROR
 * @err_write:		direction bit of ERROR, or 0 when there is none
 * @err_mask:		ERROR_MASK register, or 0 when there is none
 * @err_streams:	first per-stream error word, or 0 when there are none
 * @codes:		names of the code bits
 * @n_codes:		entries in @codes
 * @read_geometry:	read stream count and address widths
 * @invalidate:		drop the TLB entries of the streams in @sids; called
 *			with the DART's lock held
 */
struct adart_layout {
	enum dart_ttbr_layout		ttbr_layout;
	u32				n_ttbrs;

	u32				lock_reg;
	u32				lock_bit;

	u32				tcr;
	u32				tcr_translate;
	u32				tcr_bypass;
	u32				tcr_four_level;
	u32				ttbr_stride;
	u32				enable;
	u32				enable_words;

	u32				err;
	u32				err_addr_lo;
	u32				err_addr_hi;
	u32				err_sid;
	u32				err_code;
	u32				err_write;
	u32				err_mask;
	u32				err_streams;
	const struct adart_fault_code	*codes;
	unsigned int			n_codes;

	int (*read_geometry)(struct adart *dart);
	int (*invalidate)(struct adart *dart, const unsigned long *sids);
};

/**
 * struct adart_variant - one DART generation (hw §0)
 * @name:	generation name for logs and debugfs
 * @lay:	its register map
 * @fmt:	PTE format (hw §4.1)
 * @fixed_sids:	stream count when PARAMS does not report it, else 0
 * @fixed_ias:	VA width when PARAMS does not report it, else 0
 * @fixed_oas:	PA width when PARAMS does not report it, else 0
 * @ttbr:	TTBR 0 of stream 0 (moved on the USB4 DART, hw §2)
 * @no_bypass:	bypass unusable whatever PARAMS2 says (USB4, hw §2.1)
 */
struct adart_variant {
	const char			*name;
	const struct adart_layout	*lay;
	enum io_pgtable_fmt		fmt;
	u32				fixed_sids;
	u32				fixed_ias;
	u32				fixed_oas;
	u32				ttbr;
	bool				no_bypass;
};

extern const struct adart_variant adart_t8103;
extern const struct adart_variant adart_t8103_usb4;
extern const struct adart_variant adart_t6000;
extern const struct adart_variant adart_t8110;
extern const struct adart_variant adart_t8122;

/**
 * struct adart_fw_stream - a live stream of a locked DART (apple-dart-locked.c)
 * @n_ttbrs:	TTBRs the boot loader made valid, TTBR 0 onwards
 * @n_levels:	table levels below the TTBR its TCR selects (hw §3.1, §6)
 * @ias:	VA bits those tables translate
 * @pa:		physical address of each TTBR's L1
 * @l1:		each L1, mapped; the tables the stream walks, whatever
 *		domain it is in
 * @boot:	each L1's entries as the boot loader left them, put back when
 *		no domain of ours uses the stream
 */
struct adart_fw_stream {
	unsigned int	n_ttbrs;
	unsigned int	n_levels;
	u32		ias;
	phys_addr_t	pa[ADART_MAX_TTBRS];
	u64		*l1[ADART_MAX_TTBRS];
	u64		*boot[ADART_MAX_TTBRS];
};

/**
 * struct adart_stream - software view of one stream of one DART
 * @domain:	paging domain translating the stream, NULL otherwise; read
 *		under RCU by the fault handler
 * @flush_dom:	paging domain whose flush set (&adart_domain.ports) holds
 *		the stream; lags @domain while an attach switches the
 *		stream, so the old domain's flushes cover it until the
 *		stream can no longer walk the old tables
 * @master:	a device using the stream, for fault reports; while any
 *		device uses the stream it is one of them
 * @group:	IOMMU group of the devices using the stream
 * @users:	devices probed on the stream
 * @tcr:	TCR value programmed, restored on resume
 * @ttbr:	TTBR values programmed, restored on resume
 * @fw:		the boot loader's tables on a locked DART, NULL otherwise
 * @boot_kept:	on an unlocked DART, the boot loader left the stream
 *		translating through tables in no-map reserved memory: when
 *		no device uses it any more it goes back to them
 *		(@boot_tcr, @boot_ttbr) rather than being blocked
 * @boot_tcr:	TCR as the boot loader left it
 * @boot_ttbr:	TTBRs as the boot loader left them
 * @faults:	faults the DART reported for this stream
 */
struct adart_stream {
	struct adart_domain __rcu	*domain;
	struct adart_domain		*flush_dom;
	struct device			*master;
	struct iommu_group		*group;
	unsigned int			users;
	u32				tcr;
	u32				ttbr[ADART_MAX_TTBRS];
	struct adart_fw_stream		*fw;
	bool				boot_kept;
	u32				boot_tcr;
	u32				boot_ttbr[ADART_MAX_TTBRS];
	atomic_long_t			faults;
};

/**
 * struct adart_counters - per-DART event counts, for debugfs and tests
 * @faults:		fault interrupts handled
 * @faults_reported:	faults handed to a domain's fault handler
 * @faults_unclaimed:	faults no domain could be found for
 * @inval_cmds:		invalidation commands issued
 * @inval_streams:	streams those commands covered
 * @inval_timeouts:	commands that did not finish in time
 * @resets:		hardware resets (probe, resume)
 * @l1_syncs:		flushes that mirrored changed top-level entries into
 *			a locked stream's L1
 * @l1_entries_written:	L1 entries those flushes wrote
 * @l1_switches:	locked streams switched to other tables (a domain
 *			attached, or the boot loader's entries put back)
 * @l1_switch_entries:	L1 entries those switches wrote
 */
struct adart_counters {
	atomic_long_t	faults;
	atomic_long_t	faults_reported;
	atomic_long_t	faults_unclaimed;
	atomic_long_t	inval_cmds;
	atomic_long_t	inval_streams;
	atomic_long_t	inval_timeouts;
	atomic_long_t	resets;
	atomic_long_t	l1_syncs;
	atomic_long_t	l1_entries_written;
	atomic_long_t	l1_switches;
	atomic_long_t	l1_switch_entries;
};

/**
 * struct adart - one DART instance
 * @ref:	held by the platform device binding, by each master probed
 *		on it and by each domain port using it, so that a DART
 *		unbound under a master that spans several DARTs is never
 *		freed while that master still points at it
 * @node:	entry in the list of DARTs
 * @id:		instance number, encodes the DART in fwspec IDs
 * @dev:	the DART's platform device
 * @regs:	MMIO window
 * @hw:		generation descriptor
 * @lay:	its register map (@hw->lay)
 * @lock:	serialises register sequences (a command must finish before
 *		the next one, hw §2.3, §3.3) and @streams updates
 * @gone:	unbound: registers must not be touched any more
 * @cmd_stuck:	a TLB command timed out and may still be running (hw §2.3):
 *		the next one waits for it first; under @lock
 * @locked:	the boot loader locked TCR/TTBR (hw §6): streams keep its
 *		L1 tables, whose entries the driver rewrites
 * @irq:	fault interrupt
 * @nsids:	streams
 * @pgsize:	page size from PARAMS1 (hw §1)
 * @ias:	VA width the page tables are built for
 * @oas:	PA width
 * @max_levels:	table levels the walker can do below a TTBR
 * @bypass:	bypass (identity) usable
 * @streams:	@nsids entries
 * @users:	&struct adart_user of the masters probed on the DART, under
 *		@lock
 * @cnt:	event counts
 * @iommu:	IOMMU core handle
 * @debugfs:	debugfs directory
 */
struct adart {
	struct kref			ref;
	struct list_head		node;
	unsigned int			id;
	struct device			*dev;
	void __iomem			*regs;
	const struct adart_variant	*hw;
	const struct adart_layout	*lay;
	spinlock_t			lock;	/* registers, @streams */
	bool				gone;
	bool				cmd_stuck;
	bool				locked;
	int				irq;

	u32				nsids;
	u32				pgsize;
	u32				ias;
	u32				oas;
	u32				max_levels;
	bool				bypass;

	struct adart_stream		*streams;
	struct list_head		users;	/* under @lock */
	struct adart_counters		cnt;
	struct iommu_device		iommu;
	struct dentry			*debugfs;
};

/**
 * struct adart_port - a set of streams on one DART
 * @dart:	the DART, NULL when the port is unused
 * @sids:	the streams
 */
struct adart_port {
	struct adart	*dart;
	DECLARE_BITMAP(sids, ADART_MAX_SIDS);
};

struct adart_master;

/**
 * enum adart_resv_kind - what a boot loader's region needs (apple-dart-resv.c)
 * @ADART_RESV_DIRECT:		mapped at IOVA = PA
 * @ADART_RESV_TRANSLATED:	mapped at an IOVA other than its PA
 * @ADART_RESV_RESERVED:	no PA ("reg"): the IOVA range is only kept free
 */
enum adart_resv_kind {
	ADART_RESV_DIRECT,
	ADART_RESV_TRANSLATED,
	ADART_RESV_RESERVED,
};

/**
 * struct adart_resv - one "iommu-addresses" entry of a master
 * @iova:	first IOVA
 * @size:	bytes, a multiple of the DART's page
 * @pa:		first PA (0 for %ADART_RESV_RESERVED)
 * @kind:	how it is mapped
 * @prot:	IOMMU_* flags the mapping gets
 */
struct adart_resv {
	u64			iova;
	u64			size;
	phys_addr_t		pa;
	enum adart_resv_kind	kind;
	int			prot;
};

/**
 * struct adart_user - a master in the user list of one of its DARTs
 * @node:	entry in &adart.users
 * @m:		the master
 * @port:	index of the DART in @m->ports
 */
struct adart_user {
	struct list_head	node;
	struct adart_master	*m;
	unsigned int		port;
};

/**
 * struct adart_master - per-device data (dev_iommu_priv)
 * @dev:	the device
 * @n_ports:	DARTs the device is behind
 * @ports:	its streams on each of them
 * @users:	its entries in the user lists of those DARTs
 * @resv:	the boot loader's regions for the device (apple-dart-resv.c)
 * @n_resv:	entries in @resv
 * @win_start:	lowest IOVA the device may use (its DMA window, 0 if none)
 * @win_end:	highest IOVA the device may use (U64_MAX if no window)
 */
struct adart_master {
	struct device		*dev;
	unsigned int		n_ports;
	struct adart_port	ports[ADART_MAX_DARTS_PER_MASTER];
	struct adart_user	users[ADART_MAX_DARTS_PER_MASTER];
	struct adart_resv	*resv;
	unsigned int		n_resv;
	u64			win_start;
	u64			win_end;
};

/**
 * struct adart_domain_counters - per-domain event counts
 * @sync:	iotlb_sync calls that flushed
 * @sync_empty:	iotlb_sync calls with nothing gathered
 * @sync_map:	iotlb_sync_map flushes (after a table was installed)
 * @flush_all:	flush_iotlb_all calls
 * @flush_walk:	flushes the page-table backend asked for
 * @faults:	faults reported to the domain's handler
 * @tables_held: table pages unhooked but kept, because the flush that
 *		should have dropped them from the TLB timed out
 * @flush_shared: flushes another caller's command, started after this
 *		caller's stores, did for it (adart_domain_flush())
 */
struct adart_domain_counters {
	atomic_long_t	sync;
	atomic_long_t	sync_empty;
	atomic_long_t	sync_map;
	atomic_long_t	flush_all;
	atomic_long_t	flush_walk;
	atomic_long_t	faults;
	atomic_long_t	tables_held;
	atomic_long_t	flush_shared;
};

/**
 * struct adart_domain - a paging domain
 * @domain:	core domain
 * @init_lock:	serialises building the page tables on first attach
 * @pgtbl:	page tables, NULL until the first attach decides the format
 * @pgcfg:	generic page-table configuration used
 * @dcfg:	DART page-table configuration used; @dcfg.ttbr are the values
 *		for the TTBR registers
 * @fmt:	PTE format of the tables
 * @pgsize:	granule
 * @table_added: a map installed a table since the last iotlb_sync_map
 * @locked_sids: streams of locked DARTs in @ports, whose L1 a flush
 *		updates first (apple-dart-locked.c); under @lock
 * @fw:		IOVA ranges holding a master's boot mappings, which unmaps
 *		leave alone (apple-dart-resv.c); added under @init_lock
 * @lock:	protects @ports against attach/detach while flushing
 * @ports:	streams translating through this domain
 * @held:	table pages kept until a flush completes (adart_domain_flush());
 *		under @lock
 * @flush_started: flushes started; written under @lock, read without it
 * @flush_done:	the last of them that completed on every port; under @lock
 * @id:		number shown in debugfs
 * @cnt:	event counts
 * @debugfs:	debugfs directory
 * @rcu:	frees the domain after fault handlers are done with it
 */
struct adart_domain {
	struct iommu_domain		domain;
	struct mutex			init_lock;	/* builds @pgtbl */
	struct io_pgtable_ops		*pgtbl;
	struct io_pgtable_cfg		pgcfg;
	struct dart_pgtable_cfg		dcfg;
	enum io_pgtable_fmt		fmt;
	u32				pgsize;
	atomic_t			table_added;
	unsigned int			locked_sids;	/* written under @lock */
	struct list_head		fw;	/* RCU; add under @init_lock */

	spinlock_t			lock;	/* @ports */
	struct adart_port		ports[ADART_MAX_PORTS];
	struct list_head		held;	/* under @lock */
	unsigned long			flush_started;
	unsigned long			flush_done;	/* under @lock */

	int				id;
	struct adart_domain_counters	cnt;
	struct dentry			*debugfs;
	struct rcu_head			rcu;
};

static inline struct adart_domain *to_adart_domain(struct iommu_domain *d)
{
	return container_of(d, struct adart_domain, domain);
}

/* The domain's page tables, NULL until the first attach has built them. */
static inline struct io_pgtable_ops *
adart_domain_pgtable(struct adart_domain *dom)
{
	/* Pairs with the release in adart_domain_finalize(). */
	return smp_load_acquire(&dom->pgtbl);
}

/**
 * struct adart_debugfs_ops - what the core lets debugfs see
 * @domain_visit_ports: call @fn with each port of @dom, under the lock
 *	that keeps the ports, and with them their DARTs, in place; @fn
 *	must not sleep
 *
 * debugfs only reads; it reaches the core's state through these and
 * takes nothing of the core's itself.
 */
struct adart_debugfs_ops {
	void (*domain_visit_ports)(struct adart_domain *dom,
				   void (*fn)(const struct adart_port *p,
					      void *priv),
				   void *priv);
};

/* apple-dart-hw.c: register access, all under dart->lock */
int adart_hw_read_params(struct adart *dart);
int adart_hw_reset(struct adart *dart, const unsigned long *keep);
void adart_hw_read_stream(struct adart *dart, unsigned int sid);
bool adart_hw_locked(struct adart *dart);
void adart_hw_write_stream(struct adart *dart, unsigned int sid);
int adart_hw_invalidate(struct adart *dart, const unsigned long *sids);
bool adart_hw_read_fault(struct adart *dart, struct adart_fault *f);
void adart_hw_clear_fault(struct adart *dart, const struct adart_fault *f);
void adart_decode_fault(const struct adart_layout *lay, u32 status, u64 iova,
			struct adart_fault *f);
u32 adart_tcr_translate(struct adart *dart, const struct adart_domain *dom);

#if IS_ENABLED(CONFIG_KUNIT)
/* apple-dart.c, for apple-dart_kunit.c */
int adart_domain_check(struct adart_domain *dom, struct adart_master *m);
int adart_identity_check(const struct adart_master *m);
int adart_check_params(const struct adart *dart);
#endif

/* apple-dart-resv.c */
u32 adart_walk_ias(const struct adart *dart);
int adart_resv_parse(struct adart_master *m);
u32 adart_resv_ias(const struct adart_master *m);
bool adart_resv_translated(const struct adart_master *m);
void adart_resv_report(const struct adart_master *m, struct list_head *head);
int adart_resv_install(struct adart_domain *dom, struct adart_master *m);
bool __adart_resv_protected(struct adart_domain *dom, u64 iova, u64 size);

/* On every unmap: one load for a domain without boot mappings. */
static inline bool adart_resv_protected(struct adart_domain *dom, u64 iova,
					u64 size)
{
	return !list_empty(&dom->fw) && __adart_resv_protected(dom, iova, size);
}

void adart_resv_domain_free(struct adart_domain *dom);
void adart_resv_live_streams(struct adart *dart, unsigned long *live);
bool adart_resv_nomap_contains(phys_addr_t pa, size_t size);

/* apple-dart-locked.c */
int adart_locked_probe(struct adart *dart);
void adart_locked_release(struct adart *dart);
bool adart_master_locked(const struct adart_master *m);
int adart_locked_check_master(const struct adart_master *m);
int adart_locked_geometry(const struct adart_master *m, u32 *ias);
int adart_locked_domain_check(const struct adart_domain *dom,
			      const struct adart_master *m);
void adart_locked_count(struct adart_domain *dom);
void adart_locked_stream_set(struct adart *dart, unsigned int sid,
			     struct adart_domain *dom);
void adart_locked_sync(struct adart_domain *dom);
void adart_locked_sync_map(struct adart_domain *dom);
void adart_boot_keep(struct adart *dart, const unsigned long *live);
void adart_boot_handback(struct adart *dart, unsigned int sid);

/* apple-dart-debugfs.c */
void adart_debugfs_init(const struct adart_debugfs_ops *ops);
void adart_debugfs_exit(void);
void adart_debugfs_add_dart(struct adart *dart);
void adart_debugfs_add_domain(struct adart_domain *dom);
void adart_debugfs_remove(struct dentry **dir);

#endif /* __APPLE_DART_H */
