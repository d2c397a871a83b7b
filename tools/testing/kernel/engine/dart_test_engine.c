// SPDX-License-Identifier: GPL-2.0
/*
 * Library of the emulated platform's DMA test engine: the one place that
 * knows how to run an engine command and read the DART counters the
 * engine exposes, for every test module (the model, driver and DMA-API
 * KUnit suites and the kselftests' client), and the one platform driver
 * of "qemu,apple-dart-test-engine".  The register map is
 * apple-dart-test-engine.h, shared with the QEMU model; what each register
 * does is in Documentation/dart/emulator.rst.
 */

#include <linux/dma-mapping.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>

#include "dart_test_engine.h"

/*
 * A command runs inside the doorbell write unless it is deferred
 * (DTE_CMD_DEFER); the bound only keeps a broken model from hanging the
 * caller.
 */
#define DTE_CMD_TIMEOUT_US	(5 * USEC_PER_SEC)
#define DTE_STATUS_W1C		(DTE_ST_DONE | DTE_ST_ERROR | DTE_ST_MISCOMPARE)

/**
 * dte_rd() - read an engine register
 * @e: the engine
 * @reg: register offset (DTE_*)
 *
 * Return: the register's value.
 */
u32 dte_rd(struct dte_engine *e, u32 reg)
{
	return readl(e->base + reg);
}
EXPORT_SYMBOL_GPL(dte_rd);

/**
 * dte_wr() - write an engine register
 * @e: the engine
 * @reg: register offset (DTE_*)
 * @val: value to write
 */
void dte_wr(struct dte_engine *e, u32 reg, u32 val)
{
	writel(val, e->base + reg);
}
EXPORT_SYMBOL_GPL(dte_wr);

/**
 * dte_set_addr() - set the operands of the next command
 * @e: the engine
 * @src: source IOVA (DTE_SRC_LO/HI)
 * @dst: destination IOVA (DTE_DST_LO/HI)
 * @len: length in bytes (DTE_LEN)
 */
void dte_set_addr(struct dte_engine *e, u64 src, u64 dst, u32 len)
{
	dte_wr(e, DTE_SRC_LO, lower_32_bits(src));
	dte_wr(e, DTE_SRC_HI, upper_32_bits(src));
	dte_wr(e, DTE_DST_LO, lower_32_bits(dst));
	dte_wr(e, DTE_DST_HI, upper_32_bits(dst));
	dte_wr(e, DTE_LEN, len);
}
EXPORT_SYMBOL_GPL(dte_set_addr);

/**
 * dte_run() - run one command with the operands already set
 * @e: the engine
 * @cmd: DTE_OP_* with DTE_CMD_PORT1 / DTE_CMD_DEFER as wanted
 *
 * Waits until the engine is no longer busy (a deferred command runs after
 * DTE_DELAY), then clears the write-1-to-clear status bits.
 *
 * Return: DTE_STATUS as the command left it; DTE_ST_BUSY is still set if
 * the command did not finish in time.
 */
u32 dte_run(struct dte_engine *e, u32 cmd)
{
	u32 st;

	dte_wr(e, DTE_CMD, cmd);
	readl_poll_timeout(e->base + DTE_STATUS, st, !(st & DTE_ST_BUSY), 10,
			   DTE_CMD_TIMEOUT_US);
	dte_wr(e, DTE_STATUS, st & DTE_STATUS_W1C);
	return st;
}
EXPORT_SYMBOL_GPL(dte_run);

/**
 * dte_exec() - set the operands and run one command
 * @e: the engine
 * @cmd: as for dte_run()
 * @src: source IOVA
 * @dst: destination IOVA
 * @len: length in bytes
 *
 * Return: as dte_run().
 */
u32 dte_exec(struct dte_engine *e, u32 cmd, u64 src, u64 dst, u32 len)
{
	dte_set_addr(e, src, dst, len);
	return dte_run(e, cmd);
}
EXPORT_SYMBOL_GPL(dte_exec);

static u32 dte_port_cmd(unsigned int port, u32 op)
{
	return op | (port ? DTE_CMD_PORT1 : 0);
}

/**
 * dte_read32() - read one 32-bit word through the DART
 * @e: the engine
 * @port: DMA port, 0 or 1
 * @iova: address to read
 * @val: DTE_DATA after the command (the word read, if it succeeded)
 *
 * Return: true if the read succeeded, false if the DART refused it.
 */
bool dte_read32(struct dte_engine *e, unsigned int port, u64 iova, u32 *val)
{
	u32 st = dte_exec(e, dte_port_cmd(port, DTE_OP_READ32), iova, 0, 4);

	*val = dte_rd(e, DTE_DATA);
	return !(st & DTE_ST_ERROR);
}
EXPORT_SYMBOL_GPL(dte_read32);

/**
 * dte_write32() - write one 32-bit word through the DART
 * @e: the engine
 * @port: DMA port, 0 or 1
 * @iova: address to write
 * @val: the word
 *
 * Return: true if the write succeeded, false if the DART refused it.
 */
bool dte_write32(struct dte_engine *e, unsigned int port, u64 iova, u32 val)
{
	dte_wr(e, DTE_DATA, val);
	return !(dte_exec(e, dte_port_cmd(port, DTE_OP_WRITE32), 0, iova, 4) &
		 DTE_ST_ERROR);
}
EXPORT_SYMBOL_GPL(dte_write32);

/**
 * dte_fault_iova() - the IOVA of the engine's last failed transaction
 * @e: the engine
 *
 * Return: DTE_FAULT_HI:DTE_FAULT_LO.
 */
u64 dte_fault_iova(struct dte_engine *e)
{
	return (u64)dte_rd(e, DTE_FAULT_HI) << 32 | dte_rd(e, DTE_FAULT_LO);
}
EXPORT_SYMBOL_GPL(dte_fault_iova);

/**
 * dte_cnt() - read one register of the counter block in a given scope
 * @e: the engine
 * @sel: DTE_CNT_SELECT value: DTE_CNT_SEL_PORT1 for the DART behind port
 *	1, DTE_CNT_SEL_STREAM for the engine's own stream only
 * @reg: DTE_CNT_*, DTE_EXPECT_VIOL or DTE_BUSY_NS
 *
 * The stream scope matters wherever another master on the same DART may
 * run meanwhile: its invalidations and faults move the DART's counters,
 * never the stream's (violations and BUSY polls belong to no stream and
 * stay the DART's, see apple-dart-test-engine.h).  The selection is put
 * back to 0 (port 0, whole DART) afterwards.
 *
 * Return: the register's value.
 */
u32 dte_cnt(struct dte_engine *e, u32 sel, u32 reg)
{
	u32 n;

	dte_wr(e, DTE_CNT_SELECT, sel);
	n = dte_rd(e, reg);
	dte_wr(e, DTE_CNT_SELECT, 0);
	return n;
}
EXPORT_SYMBOL_GPL(dte_cnt);

/**
 * dte_counters() - read the consecutive counters from DTE_CNT_WALKS on
 * @e: the engine
 * @sel: scope, as for dte_cnt()
 * @val: where to store them
 * @n: how many
 * @reset: zero the selected counters after reading them
 */
void dte_counters(struct dte_engine *e, u32 sel, u32 *val, unsigned int n,
		  bool reset)
{
	unsigned int i;

	dte_wr(e, DTE_CNT_SELECT, sel);
	for (i = 0; i < n; i++)
		val[i] = dte_rd(e, DTE_CNT_WALKS + 4 * i);
	if (reset)
		dte_wr(e, DTE_CNT_RESET, 1);
	dte_wr(e, DTE_CNT_SELECT, 0);
}
EXPORT_SYMBOL_GPL(dte_counters);

/**
 * dte_expect_viol() - declare the next violations of a DART expected
 * @e: the engine
 * @port: the port whose DART will report them
 * @n: how many (0 withdraws the declaration)
 *
 * The model counts them as usual but does not log them as DART-VIOLATION,
 * which would fail the run.
 */
void dte_expect_viol(struct dte_engine *e, unsigned int port, u32 n)
{
	dte_wr(e, DTE_CNT_SELECT, port ? DTE_CNT_SEL_PORT1 : 0);
	dte_wr(e, DTE_EXPECT_VIOL, n);
	dte_wr(e, DTE_CNT_SELECT, 0);
}
EXPORT_SYMBOL_GPL(dte_expect_viol);

/**
 * dte_hold_busy() - hold the TLB commands of a DART BUSY, or release them
 * @e: the engine
 * @port: the port whose DART is meant
 * @hold: true to hold, false to release
 *
 * A test hook of the model: the BUSY window lasts as long as the test
 * needs instead of a few nanoseconds of host-paced virtual time.
 */
void dte_hold_busy(struct dte_engine *e, unsigned int port, bool hold)
{
	dte_wr(e, DTE_CNT_SELECT, port ? DTE_CNT_SEL_PORT1 : 0);
	dte_wr(e, DTE_BUSY_HOLD, hold);
	dte_wr(e, DTE_CNT_SELECT, 0);
}
EXPORT_SYMBOL_GPL(dte_hold_busy);

/**
 * dte_fnv1a() - the hash the CHECKSUM command computes
 * @p: data
 * @len: its length in bytes
 *
 * Return: 32-bit FNV-1a of @p.
 */
u32 dte_fnv1a(const void *p, size_t len)
{
	const u8 *s = p;
	u32 h = DTE_FNV1A_INIT;

	while (len--) {
		h ^= *s++;
		h *= DTE_FNV1A_PRIME;
	}
	return h;
}
EXPORT_SYMBOL_GPL(dte_fnv1a);

/*
 * The platform driver is registered while at least one module uses the
 * engines (dte_use()), not for as long as the library is loaded: the
 * engines are then bound exactly while a test that drives them through a
 * driver is loaded, as they were when each test module had its own
 * driver.  The scenarios rely on that (driver-life checks that an engine
 * with no test module loaded has no driver and no device link left), and
 * the model tests, which use the helpers above with no driver on the
 * engines, never get one.
 */
static DEFINE_MUTEX(dte_use_lock);	/* dte_use() against dte_unuse() */
static unsigned int dte_nr_users;
static DEFINE_MUTEX(dte_lock);		/* the two lists */
static LIST_HEAD(dte_engines);
static LIST_HEAD(dte_users);

static int dte_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct dte_user *u;
	struct dte_engine *e;
	int ret;

	e = devm_kzalloc(dev, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(e->base))
		return PTR_ERR(e->base);
	if (dte_rd(e, DTE_ID) != DTE_ID_VALUE)
		return dev_err_probe(dev, -ENODEV, "not a DART test engine\n");
	if (of_property_read_string(dev->of_node, "label", &e->label))
		e->label = dev_name(dev);
	e->sid[0] = dte_rd(e, DTE_SID0);
	e->sid[1] = dte_rd(e, DTE_SID1);
	e->port1 = dte_rd(e, DTE_CAPS) & DTE_CAPS_PORT1;
	/* A user that wants more (the client) sets its own. */
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32));
	if (ret)
		return ret;
	e->dev = dev;
	platform_set_drvdata(pdev, e);

	mutex_lock(&dte_lock);
	list_add_tail(&e->node, &dte_engines);
	list_for_each_entry(u, &dte_users, node)
		if (u->bind)
			u->bind(e);
	mutex_unlock(&dte_lock);
	return 0;
}

static void dte_remove(struct platform_device *pdev)
{
	struct dte_engine *e = platform_get_drvdata(pdev);
	struct dte_user *u;

	mutex_lock(&dte_lock);
	list_for_each_entry(u, &dte_users, node)
		if (u->unbind)
			u->unbind(e);
	list_del(&e->node);
	mutex_unlock(&dte_lock);
}

static const struct of_device_id dte_of_match[] = {
	{ .compatible = "qemu,apple-dart-test-engine" },
	{}
};
MODULE_DEVICE_TABLE(of, dte_of_match);

static struct platform_driver dte_driver = {
	.probe = dte_probe,
	.remove = dte_remove,
	.driver = {
		.name = "dart-test-engine",
		.of_match_table = dte_of_match,
	},
	/*
	 * The client and the driver tests move an engine's group between
	 * the DMA API's default domain, blocking and unmanaged domains of
	 * their own, which the IOMMU core allows only to drivers that manage
	 * DMA ownership themselves.  The DMA API keeps working on the
	 * default domain for the tests that use it.
	 */
	.driver_managed_dma = true,
};

/**
 * dte_use() - have the engines bound while @user needs them
 * @user: the test module's user; its callbacks may be NULL
 *
 * The first user registers the platform driver, which binds every engine
 * before this returns; a later one has @user->bind called for the
 * engines bound already.
 *
 * Return: 0, or the error of platform_driver_register().
 */
int dte_use(struct dte_user *user)
{
	struct dte_engine *e;
	int ret = 0;

	mutex_lock(&dte_use_lock);
	mutex_lock(&dte_lock);
	list_add_tail(&user->node, &dte_users);
	if (dte_nr_users && user->bind)
		list_for_each_entry(e, &dte_engines, node)
			user->bind(e);
	mutex_unlock(&dte_lock);
	if (!dte_nr_users) {
		ret = platform_driver_register(&dte_driver);
		if (ret) {
			mutex_lock(&dte_lock);
			list_del(&user->node);
			mutex_unlock(&dte_lock);
		}
	}
	if (!ret)
		dte_nr_users++;
	mutex_unlock(&dte_use_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(dte_use);

/**
 * dte_unuse() - @user no longer needs the engines
 * @user: as given to dte_use()
 *
 * @user->unbind is called for every bound engine; the last user
 * unregisters the platform driver, which unbinds them all.
 */
void dte_unuse(struct dte_user *user)
{
	struct dte_engine *e;

	mutex_lock(&dte_use_lock);
	if (--dte_nr_users) {
		mutex_lock(&dte_lock);
		if (user->unbind)
			list_for_each_entry_reverse(e, &dte_engines, node)
				user->unbind(e);
		list_del(&user->node);
		mutex_unlock(&dte_lock);
	} else {
		platform_driver_unregister(&dte_driver);
		mutex_lock(&dte_lock);
		list_del(&user->node);
		mutex_unlock(&dte_lock);
	}
	mutex_unlock(&dte_use_lock);
}
EXPORT_SYMBOL_GPL(dte_unuse);

/**
 * dte_next() - iterate over the bound engines
 * @prev: the engine before, NULL for the first
 *
 * @prev must still be bound: the tests iterate while they hold a use and
 * nothing unbinds engines under them.
 *
 * Return: the engine bound after @prev, NULL after the last.
 */
struct dte_engine *dte_next(struct dte_engine *prev)
{
	struct list_head *n;

	mutex_lock(&dte_lock);
	n = prev ? prev->node.next : dte_engines.next;
	mutex_unlock(&dte_lock);
	return n == &dte_engines ? NULL : list_entry(n, struct dte_engine, node);
}
EXPORT_SYMBOL_GPL(dte_next);

/**
 * dte_find() - the bound engine with a given label
 * @label: its DT "label" (dma-t8103-a, ...)
 *
 * Return: the engine, NULL if none is bound with that label.
 */
struct dte_engine *dte_find(const char *label)
{
	struct dte_engine *e;

	for (e = dte_next(NULL); e; e = dte_next(e))
		if (!strcmp(e->label, label))
			return e;
	return NULL;
}
EXPORT_SYMBOL_GPL(dte_find);

MODULE_DESCRIPTION("DMA test engine library for the emulated Apple DART platform");
MODULE_LICENSE("GPL");
