/*
 * DMA test engine for the Apple DART model (test-only device)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_APPLE_DART_TESTDEV_H
#define HW_MISC_APPLE_DART_TESTDEV_H

#include "hw/sysbus.h"
#include "hw/misc/apple-dart.h"

#define TYPE_APPLE_DART_TESTDEV "apple-dart-testdev"
OBJECT_DECLARE_SIMPLE_TYPE(AppleDARTTestDevState, APPLE_DART_TESTDEV)

/*
 * The register map, shared with the guest's test code; the build copies
 * it here from tools/testing/include/.
 */
#include "hw/misc/apple-dart-test-engine.h"

#define APPLE_DART_TESTDEV_MMIO_SIZE DTE_MMIO_SIZE
#define APPLE_DART_TESTDEV_PORTS     DTE_PORTS

struct AppleDARTTestDevState {
    SysBusDevice parent_obj;

    MemoryRegion mmio;
    qemu_irq irq;
    QEMUTimer defer_timer;
    QEMUTimer scan_timer;
    AddressSpace as[APPLE_DART_TESTDEV_PORTS];
    bool has_port[APPLE_DART_TESTDEV_PORTS];

    /* properties */
    MemoryRegion *dma_mr[APPLE_DART_TESTDEV_PORTS];
    AppleDARTState *dart[APPLE_DART_TESTDEV_PORTS];
    uint32_t sid[APPLE_DART_TESTDEV_PORTS];

    /* registers */
    uint32_t ctrl;
    uint32_t cmd;
    uint32_t status;
    uint64_t src;
    uint64_t dst;
    uint32_t len;
    uint32_t data;
    uint32_t result;
    uint64_t fault;
    uint32_t scan_period;
    uint32_t scan_count;
    uint32_t scan_sum;
    uint32_t scan_errors;
    uint32_t scan_cmd;
    uint32_t delay;
    uint32_t cnt_select;
    bool in_dma;                /* a command's DMA is running */
};

#endif
