/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel side of the emulated platform's DMA test engine
 * ("qemu,apple-dart-test-engine", Documentation/dart/emulator.rst): one
 * set of helpers to run its commands and read the DART counters it
 * exposes, exported by dart_test_engine.ko to every test module.
 */
#ifndef DART_TEST_ENGINE_H
#define DART_TEST_ENGINE_H

#include <linux/list.h>
#include <linux/types.h>

#include "apple-dart-test-engine.h"

struct device;

/**
 * struct dte_engine - one DMA test engine
 * @dev: the engine's device, or NULL for an engine the caller mapped
 *	itself (the model tests run with no driver on the engines)
 * @base: its registers
 * @label: its DT "label", else its device or node name
 * @sid: the stream of each port (DTE_SID0, DTE_SID1)
 * @port1: the engine has a second DMA port (DTE_CAPS_PORT1)
 * @node: in the library's list of bound engines (private)
 */
struct dte_engine {
	struct device *dev;
	void __iomem *base;
	const char *label;
	u32 sid[DTE_PORTS];
	bool port1;
	struct list_head node;
};

/**
 * struct dte_user - a test module that needs the engines bound
 * @bind: optional, called for every engine bound while the user is
 *	registered, those bound already included
 * @unbind: optional, called before an engine unbinds (sysfs unbind, or
 *	the last user going)
 * @node: in the library's list of users (private)
 *
 * Both run with the library's lock held: they must not call back into
 * dte_use(), dte_unuse(), dte_next() or dte_find().
 */
struct dte_user {
	void (*bind)(struct dte_engine *e);
	void (*unbind)(struct dte_engine *e);
	struct list_head node;
};

int dte_use(struct dte_user *user);
void dte_unuse(struct dte_user *user);
struct dte_engine *dte_next(struct dte_engine *prev);
struct dte_engine *dte_find(const char *label);

u32 dte_rd(struct dte_engine *e, u32 reg);
void dte_wr(struct dte_engine *e, u32 reg, u32 val);
void dte_set_addr(struct dte_engine *e, u64 src, u64 dst, u32 len);
u32 dte_run(struct dte_engine *e, u32 cmd);
u32 dte_exec(struct dte_engine *e, u32 cmd, u64 src, u64 dst, u32 len);
bool dte_read32(struct dte_engine *e, unsigned int port, u64 iova, u32 *val);
bool dte_write32(struct dte_engine *e, unsigned int port, u64 iova, u32 val);
u64 dte_fault_iova(struct dte_engine *e);
u32 dte_cnt(struct dte_engine *e, u32 sel, u32 reg);
void dte_counters(struct dte_engine *e, u32 sel, u32 *val, unsigned int n,
		  bool reset);
void dte_expect_viol(struct dte_engine *e, unsigned int port, u32 n);
void dte_hold_busy(struct dte_engine *e, unsigned int port, bool hold);
u32 dte_fnv1a(const void *p, size_t len);

#endif /* DART_TEST_ENGINE_H */
