/*
 * DMA test engine for the Apple DART model (test-only device)
 *
 * A bus master that sits behind one stream of one DART (and optionally a
 * second stream of another DART, like a display controller behind two
 * DARTs) and issues DMA on command, so guest tests can check what the DART
 * lets through.  It also shows the test counters of its DART(s), which
 * real DARTs do not have, so tests never rely on DART registers the
 * hardware lacks.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "hw/misc/apple-dart-testdev.h"
#include "sysemu/dma.h"

/*
 * Transfers are split at this boundary so a failure is found at the
 * smallest DART page size and nothing after it is touched.
 */
#define DTE_CHUNK           4096

static void dte_update_irq(AppleDARTTestDevState *s)
{
    bool level = (s->ctrl & DTE_CTRL_IRQ) &&
                 (s->status & (DTE_ST_DONE | DTE_ST_ERROR));

    qemu_set_irq(s->irq, level);
}

static uint32_t fnv1a(uint32_t h, const uint8_t *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= buf[i];
        h *= DTE_FNV1A_PRIME;
    }
    return h;
}

/*
 * One DMA access.  On failure record the IOVA that failed: the DART tells
 * us the exact address its translation refused; otherwise (a fault in
 * the memory behind it) the start of the access.
 */
static bool dte_access(AppleDARTTestDevState *s, int port, uint64_t iova,
                       void *buf, uint32_t len, bool is_write)
{
    AppleDARTState *dart = s->dart[port];
    MemTxResult r;
    uint64_t fault;

    if (dart) {
        apple_dart_stream_clear_fault(dart, s->sid[port]);
    }
    if (is_write) {
        r = dma_memory_write(&s->as[port], iova, buf, len,
                             MEMTXATTRS_UNSPECIFIED);
    } else {
        r = dma_memory_read(&s->as[port], iova, buf, len,
                            MEMTXATTRS_UNSPECIFIED);
    }
    if (r == MEMTX_OK) {
        return true;
    }
    if (!dart || !apple_dart_stream_last_fault(dart, s->sid[port], &fault)) {
        fault = iova;
    }
    s->fault = fault;
    s->status |= DTE_ST_ERROR |
                 ((r << DTE_ST_RESULT_SHIFT) & DTE_ST_RESULT_MASK);
    return false;
}

static uint32_t chunk_len(uint64_t a, uint64_t b, uint32_t left)
{
    uint32_t n = DTE_CHUNK - (a & (DTE_CHUNK - 1));

    n = MIN(n, DTE_CHUNK - (b & (DTE_CHUNK - 1)));
    return MIN(n, left);
}

static bool dte_checksum(AppleDARTTestDevState *s, int port, uint64_t src,
                         uint32_t len, uint32_t *sum)
{
    uint8_t buf[DTE_CHUNK];
    uint32_t h = DTE_FNV1A_INIT, n;

    while (len) {
        n = chunk_len(src, src, len);
        if (!dte_access(s, port, src, buf, n, false)) {
            return false;
        }
        h = fnv1a(h, buf, n);
        src += n;
        len -= n;
    }
    *sum = h;
    return true;
}

static void dte_execute(AppleDARTTestDevState *s, uint32_t cmd)
{
    int port = (cmd & DTE_CMD_PORT1) ? 1 : 0;
    uint8_t a[DTE_CHUNK + 4], b[DTE_CHUNK];
    uint64_t src = s->src, dst = s->dst;
    uint32_t left = s->len, n, i, off = 0;

    s->status &= ~DTE_ST_BUSY;
    s->in_dma = true;
    if (!s->has_port[port]) {
        qemu_log_mask(LOG_GUEST_ERROR, "apple-dart-testdev: no port %d\n",
                      port);
        s->status |= DTE_ST_ERROR | DTE_ST_DONE;
        s->in_dma = false;
        dte_update_irq(s);
        return;
    }

    switch (cmd & DTE_CMD_OP_MASK) {
    case DTE_OP_COPY:
        while (left) {
            n = chunk_len(src, dst, left);
            if (!dte_access(s, port, src, a, n, false) ||
                !dte_access(s, port, dst, a, n, true)) {
                break;
            }
            src += n;
            dst += n;
            left -= n;
        }
        break;
    case DTE_OP_FILL:
        for (i = 0; i < sizeof(a); i += 4) {
            stl_le_p(a + i, s->data);
        }
        while (left) {
            /* Keep the pattern phase tied to the offset in the range. */
            n = chunk_len(dst, dst, left);
            if (!dte_access(s, port, dst, a + (off & 3), n, true)) {
                break;
            }
            dst += n;
            off += n;
            left -= n;
        }
        break;
    case DTE_OP_CHECKSUM:
        dte_checksum(s, port, src, left, &s->result);
        break;
    case DTE_OP_COMPARE:
        s->result = UINT32_MAX;
        while (left) {
            n = chunk_len(src, dst, left);
            if (!dte_access(s, port, src, a, n, false) ||
                !dte_access(s, port, dst, b, n, false)) {
                break;
            }
            if (memcmp(a, b, n)) {
                for (i = 0; a[i] == b[i]; i++) {
                    /* find the first difference */
                }
                s->result = off + i;
                s->status |= DTE_ST_MISCOMPARE;
                break;
            }
            src += n;
            dst += n;
            off += n;
            left -= n;
        }
        break;
    case DTE_OP_READ32:
        if (dte_access(s, port, src, a, 4, false)) {
            s->data = ldl_le_p(a);
        }
        break;
    case DTE_OP_WRITE32:
        stl_le_p(a, s->data);
        dte_access(s, port, dst, a, 4, true);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "apple-dart-testdev: bad op 0x%x\n",
                      cmd);
        s->status |= DTE_ST_ERROR;
        break;
    }
    s->in_dma = false;
    s->status |= DTE_ST_DONE;
    dte_update_irq(s);
}

static void dte_scan_once(AppleDARTTestDevState *s)
{
    int port = (s->scan_cmd & DTE_CMD_PORT1) ? 1 : 0;
    uint32_t sum;
    bool ok;

    s->in_dma = true;
    ok = dte_checksum(s, port, s->src, s->len, &sum);
    s->in_dma = false;
    if (ok) {
        s->scan_sum = sum;
        s->scan_count++;
    } else {
        s->scan_errors++;
        dte_update_irq(s);
    }
}

static void dte_scan_timer(void *opaque)
{
    AppleDARTTestDevState *s = opaque;

    if (!(s->status & DTE_ST_SCANNING)) {
        return;
    }
    dte_scan_once(s);
    timer_mod(&s->scan_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              (int64_t)MAX(s->scan_period, 10) * 1000);
}

static void dte_defer_timer(void *opaque)
{
    AppleDARTTestDevState *s = opaque;

    dte_execute(s, s->cmd);
}

static void dte_command(AppleDARTTestDevState *s, uint32_t cmd)
{
    uint32_t op = cmd & DTE_CMD_OP_MASK;

    if (s->status & DTE_ST_BUSY) {
        qemu_log_mask(LOG_GUEST_ERROR, "apple-dart-testdev: command while "
                      "busy\n");
        return;
    }
    if (s->in_dma) {
        /*
         * The engine's own DMA reached its registers (bypass or a mapping
         * of this MMIO page): running the command now would recurse.
         */
        qemu_log_mask(LOG_GUEST_ERROR, "apple-dart-testdev: command 0x%x "
                      "written by the engine's own DMA ignored\n", cmd);
        return;
    }
    s->cmd = cmd;
    if (op == DTE_OP_SCAN_START) {
        /* Continuous mode, like a display controller's scanout. */
        s->scan_cmd = cmd;
        s->status |= DTE_ST_SCANNING;
        dte_scan_once(s);
        timer_mod(&s->scan_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                  (int64_t)MAX(s->scan_period, 10) * 1000);
        return;
    }
    if (op == DTE_OP_SCAN_STOP) {
        s->status &= ~DTE_ST_SCANNING;
        timer_del(&s->scan_timer);
        return;
    }
    if (cmd & DTE_CMD_DEFER) {
        s->status |= DTE_ST_BUSY;
        timer_mod(&s->defer_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                  (int64_t)s->delay * 1000);
        return;
    }
    dte_execute(s, cmd);
}

static AppleDARTState *dte_cnt_dart(AppleDARTTestDevState *s)
{
    return s->dart[s->cnt_select & DTE_CNT_SEL_PORT1];
}

/*
 * The counters DTE_CNT_SELECT names: the whole DART's, or with
 * DTE_CNT_SEL_STREAM those of this engine's stream on that port alone.
 */
static AppleDARTCounters *dte_cnt_set(AppleDARTTestDevState *s)
{
    AppleDARTState *d = dte_cnt_dart(s);

    if (!d) {
        return NULL;
    }
    if (s->cnt_select & DTE_CNT_SEL_STREAM) {
        return apple_dart_stream_counters(d, s->sid[s->cnt_select & DTE_CNT_SEL_PORT1]);
    }
    return &d->counters;
}

static uint64_t dte_counter(AppleDARTTestDevState *s, hwaddr addr)
{
    AppleDARTState *d = dte_cnt_dart(s);
    AppleDARTCounters *c = dte_cnt_set(s);

    if (!c) {
        return 0;
    }
    apple_dart_settle(d);
    switch (addr) {
    case DTE_CNT_WALKS:
        return c->walks;
    case DTE_CNT_TLB_HITS:
        return c->tlb_hits;
    case DTE_CNT_TLB_MISSES:
        return c->tlb_misses;
    case DTE_CNT_INV_CMDS:
        return c->inv_cmds;
    case DTE_CNT_INV_SID:
        return c->inv_sid;
    case DTE_CNT_INV_ALL:
        return c->inv_all;
    case DTE_CNT_FAULTS:
        return c->faults;
    case DTE_CNT_VIOLATIONS:
        return d->counters.violations;
    case DTE_CNT_STALE:
        return c->stale;
    case DTE_CNT_LOCKED_WRITES:
        return c->locked_writes;
    case DTE_CNT_BUSY_POLLS:
        return d->counters.busy_polls;
    case DTE_CNT_BYPASS:
        return c->bypass;
    case DTE_CNT_BLOCKED:
        return c->blocked;
    case DTE_CNT_TLB_ENTRIES:
        return apple_dart_tlb_entries(d, s->sid[s->cnt_select & DTE_CNT_SEL_PORT1]);
    case DTE_CNT_NOCACHE:
        return c->nocache;
    }
    return 0;
}

static uint64_t dte_read(void *opaque, hwaddr addr, unsigned size)
{
    AppleDARTTestDevState *s = opaque;

    switch (addr) {
    case DTE_ID:
        return DTE_ID_VALUE;
    case DTE_CAPS:
        return s->has_port[1] ? 1 : 0;
    case DTE_CTRL:
        return s->ctrl;
    case DTE_CMD:
        return s->cmd;
    case DTE_STATUS:
        return s->status;
    case DTE_SRC_LO:
        return (uint32_t)s->src;
    case DTE_SRC_HI:
        return s->src >> 32;
    case DTE_DST_LO:
        return (uint32_t)s->dst;
    case DTE_DST_HI:
        return s->dst >> 32;
    case DTE_LEN:
        return s->len;
    case DTE_DATA:
        return s->data;
    case DTE_RESULT:
        return s->result;
    case DTE_FAULT_LO:
        return (uint32_t)s->fault;
    case DTE_FAULT_HI:
        return s->fault >> 32;
    case DTE_SCAN_PERIOD:
        return s->scan_period;
    case DTE_SCAN_COUNT:
        return s->scan_count;
    case DTE_SCAN_SUM:
        return s->scan_sum;
    case DTE_SCAN_ERRORS:
        return s->scan_errors;
    case DTE_SID0:
        return s->sid[0];
    case DTE_SID1:
        return s->has_port[1] ? s->sid[1] : UINT32_MAX;
    case DTE_DELAY:
        return s->delay;
    case DTE_CNT_SELECT:
        return s->cnt_select;
    case DTE_CNT_WALKS ... DTE_CNT_NOCACHE:
        return (uint32_t)dte_counter(s, addr);
    case DTE_EXPECT_VIOL:
        return dte_cnt_dart(s) ? dte_cnt_dart(s)->expected_violations : 0;
    case DTE_BUSY_HOLD:
        return dte_cnt_dart(s) ? dte_cnt_dart(s)->busy_hold : 0;
    case DTE_BUSY_NS:
        return dte_cnt_dart(s) ? dte_cnt_dart(s)->busy_ns : 0;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "apple-dart-testdev: read of 0x%"
                  HWADDR_PRIx "\n", addr);
    return 0;
}

static void dte_write(void *opaque, hwaddr addr, uint64_t val64,
                      unsigned size)
{
    AppleDARTTestDevState *s = opaque;
    uint32_t val = val64;

    switch (addr) {
    case DTE_CTRL:
        s->ctrl = val;
        break;
    case DTE_CMD:
        dte_command(s, val);
        break;
    case DTE_STATUS:
        s->status &= ~(val & (DTE_ST_DONE | DTE_ST_ERROR | DTE_ST_MISCOMPARE));
        if (val & DTE_ST_ERROR) {
            s->status &= ~DTE_ST_RESULT_MASK;
        }
        break;
    case DTE_SRC_LO:
        s->src = deposit64(s->src, 0, 32, val);
        break;
    case DTE_SRC_HI:
        s->src = deposit64(s->src, 32, 32, val);
        break;
    case DTE_DST_LO:
        s->dst = deposit64(s->dst, 0, 32, val);
        break;
    case DTE_DST_HI:
        s->dst = deposit64(s->dst, 32, 32, val);
        break;
    case DTE_LEN:
        s->len = val;
        break;
    case DTE_DATA:
        s->data = val;
        break;
    case DTE_SCAN_PERIOD:
        s->scan_period = val;
        break;
    case DTE_SCAN_COUNT:
        s->scan_count = 0;
        s->scan_errors = 0;
        break;
    case DTE_DELAY:
        s->delay = val;
        /*
         * A pending deferred command now runs DELAY us from here: tests
         * park one with a huge DELAY, check it has not run, then let it go.
         */
        if (s->status & DTE_ST_BUSY) {
            timer_mod(&s->defer_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                      (int64_t)s->delay * 1000);
        }
        break;
    case DTE_CNT_SELECT:
        s->cnt_select = val & (DTE_CNT_SEL_PORT1 | DTE_CNT_SEL_STREAM);
        break;
    case DTE_CNT_RESET:
        if (s->cnt_select & DTE_CNT_SEL_STREAM) {
            if (dte_cnt_set(s)) {
                memset(dte_cnt_set(s), 0, sizeof(AppleDARTCounters));
            }
        } else if (dte_cnt_dart(s)) {
            apple_dart_reset_counters(dte_cnt_dart(s));
        }
        break;
    case DTE_EXPECT_VIOL:
        if (dte_cnt_dart(s)) {
            apple_dart_expect_violations(dte_cnt_dart(s), val);
        }
        break;
    case DTE_BUSY_HOLD:
        if (dte_cnt_dart(s)) {
            apple_dart_hold_busy(dte_cnt_dart(s), val & 1);
        }
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "apple-dart-testdev: write of 0x%"
                      HWADDR_PRIx "\n", addr);
        return;
    }
    dte_update_irq(s);
}

static const MemoryRegionOps dte_ops = {
    .read = dte_read,
    .write = dte_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

static void dte_reset(DeviceState *dev)
{
    AppleDARTTestDevState *s = APPLE_DART_TESTDEV(dev);

    timer_del(&s->defer_timer);
    timer_del(&s->scan_timer);
    s->ctrl = s->cmd = s->status = 0;
    s->src = s->dst = s->fault = 0;
    s->len = s->data = s->result = 0;
    s->scan_period = 1000;
    s->scan_count = s->scan_sum = s->scan_errors = s->scan_cmd = 0;
    s->delay = 0;
    s->cnt_select = 0;
    dte_update_irq(s);
}

static void dte_realize(DeviceState *dev, Error **errp)
{
    AppleDARTTestDevState *s = APPLE_DART_TESTDEV(dev);
    int i;

    if (!s->dma_mr[0]) {
        error_setg(errp, "apple-dart-testdev: dma-mr link not set");
        return;
    }
    for (i = 0; i < APPLE_DART_TESTDEV_PORTS; i++) {
        if (!s->dma_mr[i]) {
            continue;
        }
        if (s->dart[i] && s->sid[i] >= s->dart[i]->num_sids) {
            error_setg(errp, "apple-dart-testdev: sid%d out of range", i);
            return;
        }
        address_space_init(&s->as[i], s->dma_mr[i],
                           i ? "apple-dart-testdev-port1"
                             : "apple-dart-testdev-port0");
        s->has_port[i] = true;
    }
    memory_region_init_io(&s->mmio, OBJECT(s), &dte_ops, s,
                          TYPE_APPLE_DART_TESTDEV,
                          APPLE_DART_TESTDEV_MMIO_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->mmio);
    sysbus_init_irq(SYS_BUS_DEVICE(s), &s->irq);
    timer_init_ns(&s->defer_timer, QEMU_CLOCK_VIRTUAL, dte_defer_timer, s);
    timer_init_ns(&s->scan_timer, QEMU_CLOCK_VIRTUAL, dte_scan_timer, s);
}

static Property dte_properties[] = {
    DEFINE_PROP_LINK("dma-mr", AppleDARTTestDevState, dma_mr[0],
                     TYPE_MEMORY_REGION, MemoryRegion *),
    DEFINE_PROP_LINK("dma-mr1", AppleDARTTestDevState, dma_mr[1],
                     TYPE_MEMORY_REGION, MemoryRegion *),
    DEFINE_PROP_LINK("dart", AppleDARTTestDevState, dart[0],
                     TYPE_APPLE_DART, AppleDARTState *),
    DEFINE_PROP_LINK("dart1", AppleDARTTestDevState, dart[1],
                     TYPE_APPLE_DART, AppleDARTState *),
    DEFINE_PROP_UINT32("sid", AppleDARTTestDevState, sid[0], 0),
    DEFINE_PROP_UINT32("sid1", AppleDARTTestDevState, sid[1], 0),
    DEFINE_PROP_END_OF_LIST(),
};

/* Timers and in-flight commands are not described for migration. */
static const VMStateDescription vmstate_dte = {
    .name = TYPE_APPLE_DART_TESTDEV,
    .unmigratable = 1,
};

static void dte_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = dte_realize;
    dc->reset = dte_reset;
    dc->desc = "DMA test engine behind an Apple DART";
    dc->vmsd = &vmstate_dte;
    device_class_set_props(dc, dte_properties);
    dc->user_creatable = false;
}

static const TypeInfo dte_info = {
    .name = TYPE_APPLE_DART_TESTDEV,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(AppleDARTTestDevState),
    .class_init = dte_class_init,
};

static void dte_register_types(void)
{
    type_register_static(&dte_info);
}

type_init(dte_register_types)
