/*
 * Apple DART test platform on the virt board
 *
 * "-machine virt,apple-dart=full" adds several Apple DART models of the
 * different register layouts, DMA test engines behind them and a PCIe path
 * through a DART, all described in the generated device tree with the
 * mainline DART binding (#iommu-cells = 1, the cell being the stream ID).
 * "apple-dart=t8103" adds only the M1 DARTs (the first one with its engines,
 * and the PCIe one), which is what the unmodified 6.12 driver can be
 * checked against.  "apple-dart=bad" adds DARTs and masters whose device
 * tree a driver must refuse, next to good ones (no PCIe path).
 * "apple-dart=display" adds the display DARTs as the boot loader leaves
 * them: locked, translating through firmware tables, with a scanout
 * engine and the display coprocessor's firmware live behind them; "full"
 * has that display block too, next to everything else.
 *
 * Layout (also in Documentation/dart/emulator.rst):
 *   DARTs    0x090c0000 + 0x4000 * n, SPI 176 + n
 *   engines  0x090f0000 + 0x1000 * n, SPI 192 + n
 * The display block takes fixed slots in both (apple-dart-display-regs.h).
 * This is the unused gap between VIRT_SECURE_GPIO and VIRT_MMIO, and SPIs
 * above the platform bus (112..175) within the GIC's 256.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "hw/sysbus.h"
#include "hw/qdev-properties.h"
#include "hw/pci/pci.h"
#include "hw/arm/virt.h"
#include "hw/arm/virt-apple-dart.h"
#include "hw/misc/apple-dart.h"
#include "hw/misc/apple-dart-testdev.h"
#include "hw/misc/apple-dart-display.h"
#include "hw/arm/fdt.h"
#include "sysemu/device_tree.h"

#define VAD_DART_BASE       0x090c0000
#define VAD_DART_IRQ        176
#define VAD_ENGINE_BASE     0x090f0000
#define VAD_ENGINE_IRQ      192
#define VAD_PCIE_SID        1

/* A DART and its DT node; zero fields keep the model's defaults. */
typedef struct VadDart {
    const char *name;
    const char *compat[2];      /* most specific first; [1] may be NULL */
    const char *layout;
    const char *pte;
    uint32_t num_sids;          /* 0: the model's 16 */
    bool no_bypass;
    uint8_t va_width;           /* 0: the model's 36 */
    uint8_t page_shift;         /* 0: the model's 14 (16K) */
    uint64_t dt_reg_size;       /* 0: the model's window; a bad DT may differ */
    uint32_t iommu_cells;       /* 0: 1, the binding's */
    bool no_irq;                /* no interrupts property, IRQ unwired */
    bool in_t8103_set;
} VadDart;

enum {
    VAD_T8103, VAD_USB4, VAD_T6000, VAD_T8110, VAD_T6020, VAD_DCP,
    VAD_DISP0, VAD_PCIE, VAD_ISP, VAD_NUM_DARTS
};

/* The display block's slots, from the one header that places them. */
#define VAD_SLOT(base, win, size)   (((base) - (win)) / (size))
#define VD_DART_SLOT \
    VAD_SLOT(ADD_DART_DCP_BASE, VAD_DART_BASE, APPLE_DART_MMIO_SIZE)
#define VD_ENGINE_SLOT \
    VAD_SLOT(ADD_DCP_ENGINE_BASE, VAD_ENGINE_BASE, APPLE_DART_TESTDEV_MMIO_SIZE)
QEMU_BUILD_BUG_ON(ADD_DART_DISP0_BASE !=
                  ADD_DART_DCP_BASE + APPLE_DART_MMIO_SIZE);
QEMU_BUILD_BUG_ON(ADD_PIODMA_ENGINE_BASE !=
                  ADD_DCP_ENGINE_BASE + APPLE_DART_TESTDEV_MMIO_SIZE);
QEMU_BUILD_BUG_ON(VD_DART_SLOT < VAD_NUM_DARTS);

static const VadDart vad_darts[VAD_NUM_DARTS] = {
    [VAD_T8103] = {
        .name = "dart-t8103", .compat = { "apple,t8103-dart" },
        .layout = "t8020", .pte = "dart1", .num_sids = 16,
        .va_width = 36, .in_t8103_set = true,
    },
    /* The USB4 DART has 64 streams and no usable bypass (hw §0, §2.1). */
    [VAD_USB4] = {
        .name = "dart-usb4", .compat = { "apple,t8103-usb4-dart" },
        .layout = "t8020", .pte = "dart1", .num_sids = 64, .no_bypass = true,
        .va_width = 36,
    },
    [VAD_T6000] = {
        .name = "dart-t6000", .compat = { "apple,t6000-dart" },
        .layout = "t8020", .pte = "dart2", .num_sids = 16,
        .va_width = 36,
    },
    [VAD_T8110] = {
        .name = "dart-t8110", .compat = { "apple,t8110-dart" },
        .layout = "t8110", .pte = "dart2", .num_sids = 256,
        .va_width = 36,
    },
    /* t602x: T8110 layout reporting a 42-bit VA (hw §0). */
    [VAD_T6020] = {
        .name = "dart-t6020",
        .compat = { "apple,t6020-dart", "apple,t8110-dart" }, .layout = "t8110",
        .pte = "dart2", .num_sids = 64, .va_width = 42,
    },
    /*
     * A display pair the boot loader did not set up, like the external
     * display's dart-dcpext and dart-dispext0 of M1 Pro/Max: unlocked.
     */
    [VAD_DCP] = {
        .name = "dart-dcpext", .compat = { "apple,t8103-dart" },
        .layout = "t8020", .pte = "dart1", .num_sids = 16,
        .va_width = 36,
    },
    [VAD_DISP0] = {
        .name = "dart-dispext0", .compat = { "apple,t8103-dart" },
        .layout = "t8020", .pte = "dart1", .num_sids = 16,
        .va_width = 36,
    },
    /* PCIe DARTs of t600x report no bypass (hw §1). */
    [VAD_PCIE] = {
        .name = "dart-pcie", .compat = { "apple,t8103-dart" },
        .layout = "t8020", .pte = "dart1", .num_sids = 16, .no_bypass = true,
        .va_width = 36, .in_t8103_set = true,
    },
    /* The third DART of a master behind three, as M1's ISP has. */
    [VAD_ISP] = {
        .name = "dart-isp", .compat = { "apple,t8103-dart" }, .layout = "t8020",
        .pte = "dart1", .num_sids = 16, .va_width = 36,
    },
};

#define VAD_MAX_IOMMUS 4

/*
 * A DMA test engine: the device is wired to its first one or two entries
 * (its ports; streams clamped to ones the model has), the DT lists them
 * all, so a master can name DARTs the engine cannot drive.
 */
typedef struct VadEngine {
    const char *name;
    int n;
    int dart[VAD_MAX_IOMMUS];
    uint32_t sid[VAD_MAX_IOMMUS];
    bool in_t8103_set;
} VadEngine;

static const VadEngine vad_engines[] = {
    {
        .name = "dma-t8103-a", .n = 1, .dart = { VAD_T8103 }, .sid = { 1 },
        .in_t8103_set = true,
    },
    /* Two engines sharing one stream. */
    {
        .name = "dma-t8103-b", .n = 1, .dart = { VAD_T8103 }, .sid = { 2 },
        .in_t8103_set = true,
    },
    {
        .name = "dma-t8103-c", .n = 1, .dart = { VAD_T8103 }, .sid = { 2 },
        .in_t8103_set = true,
    },
    /* A stream in the USB4 DART's second STREAM_SELECT word. */
    { .name = "dma-usb4", .n = 1, .dart = { VAD_USB4 }, .sid = { 40 } },
    { .name = "dma-t6000", .n = 1, .dart = { VAD_T6000 }, .sid = { 3 } },
    /* A stream in the T8110's seventh enable/error word. */
    { .name = "dma-t8110", .n = 1, .dart = { VAD_T8110 }, .sid = { 200 } },
    { .name = "dma-t6020", .n = 1, .dart = { VAD_T6020 }, .sid = { 5 } },
    /* One master behind two DARTs. */
    {
        .name = "dma-dcpext", .n = 2, .dart = { VAD_DCP, VAD_DISP0 },
        .sid = { 0, 0 },
    },
    /*
     * One master behind three DARTs, the most the driver takes: the ports
     * sit behind the first two, the third has no port (a path the engine
     * cannot drive), so the guest can only check what is programmed there.
     */
    {
        .name = "dma-isp", .n = 3, .dart = { VAD_DCP, VAD_DISP0, VAD_ISP },
        .sid = { 1, 1, 1 },
    },
};

static char *virt_get_apple_dart(Object *obj, Error **errp)
{
    VirtMachineState *vms = VIRT_MACHINE(obj);

    return g_strdup(vms->apple_dart ? vms->apple_dart : "off");
}

static void virt_set_apple_dart(Object *obj, const char *value, Error **errp)
{
    VirtMachineState *vms = VIRT_MACHINE(obj);

    if (strcmp(value, "off") && strcmp(value, "full") &&
        strcmp(value, "t8103") && strcmp(value, "bad") &&
        strcmp(value, "display")) {
        error_setg(errp, "Invalid apple-dart value");
        error_append_hint(errp, "Valid values are off, full, t8103, bad, "
                          "display.\n");
        return;
    }
    g_free(vms->apple_dart);
    vms->apple_dart = g_strdup(value);
}

void virt_apple_dart_class_init(ObjectClass *oc)
{
    object_class_property_add_str(oc, "apple-dart", virt_get_apple_dart,
                                  virt_set_apple_dart);
    object_class_property_set_description(oc, "apple-dart",
        "Add Apple DART IOMMU models with DMA test engines: "
        "off (default), full, t8103 (only the M1 DARTs: the first "
        "with its engines, and the PCIe one), bad (device trees a "
        "driver must refuse, next to good DARTs) or display (the "
        "display DARTs locked and live, as the boot loader leaves them)");
}

static AddressSpace *vad_pci_iommu(PCIBus *bus, void *opaque, int devfn)
{
    /*
     * Like one Apple root port: every function reaches the DART on one
     * stream (hw §8; iommu-map below says the same to the guest).
     */
    return apple_dart_stream_as(opaque, VAD_PCIE_SID);
}

static void vad_irq_prop(void *fdt, const char *node, int irq)
{
    qemu_fdt_setprop_cells(fdt, node, "interrupts", GIC_FDT_IRQ_TYPE_SPI, irq,
                           GIC_FDT_IRQ_FLAGS_LEVEL_HI);
}

/*
 * Create engine @e in engine slot @i: its ports wired to the first one or
 * two of its DARTs, its DT node naming all of them.
 */
static void vad_engine_create(VirtMachineState *vms, int i, const VadEngine *e,
                              AppleDARTState **darts, const uint32_t *phandles)
{
    MachineState *ms = MACHINE(vms);
    hwaddr base = VAD_ENGINE_BASE + i * APPLE_DART_TESTDEV_MMIO_SIZE;
    uint32_t cells[2 * VAD_MAX_IOMMUS];
    DeviceState *dev;
    char *node;
    int j;

    dev = qdev_new(TYPE_APPLE_DART_TESTDEV);
    for (j = 0; j < MIN(e->n, 2); j++) {
        AppleDARTState *d = darts[e->dart[j]];
        /* A bad DT may name a stream the DART lacks: wire a real one. */
        uint32_t sid = MIN(e->sid[j], d->num_sids - 1);

        object_property_set_link(OBJECT(dev), j ? "dma-mr1" : "dma-mr",
                                 OBJECT(apple_dart_stream_mr(d, sid)),
                                 &error_fatal);
        object_property_set_link(OBJECT(dev), j ? "dart1" : "dart",
                                 OBJECT(d), &error_fatal);
        qdev_prop_set_uint32(dev, j ? "sid1" : "sid", sid);
    }
    object_property_add_child(OBJECT(vms), e->name, OBJECT(dev));
    sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, base);
    sysbus_connect_irq(SYS_BUS_DEVICE(dev), 0,
                       qdev_get_gpio_in(vms->gic, VAD_ENGINE_IRQ + i));

    node = g_strdup_printf("/dma-test@%" PRIx64, base);
    qemu_fdt_add_subnode(ms->fdt, node);
    qemu_fdt_setprop_string(ms->fdt, node, "compatible",
                            "qemu,apple-dart-test-engine");
    qemu_fdt_setprop_sized_cells(ms->fdt, node, "reg", 2, base, 2,
                                 APPLE_DART_TESTDEV_MMIO_SIZE);
    vad_irq_prop(ms->fdt, node, VAD_ENGINE_IRQ + i);
    qemu_fdt_setprop_string(ms->fdt, node, "label", e->name);
    qemu_fdt_setprop(ms->fdt, node, "dma-coherent", NULL, 0);
    for (j = 0; j < e->n; j++) {
        cells[2 * j] = cpu_to_be32(phandles[e->dart[j]]);
        cells[2 * j + 1] = cpu_to_be32(e->sid[j]);
    }
    qemu_fdt_setprop(ms->fdt, node, "iommus", cells,
                     e->n * 2 * sizeof(uint32_t));
    g_free(node);
}

/*
 * The compatible list of DART @d's node.  A plain T8110 instance may
 * present itself as an M3 (T8122) DART instead, through the model's
 * "dt-soc" property: "t8122" writes "apple,t8122-dart" with its T8110
 * fallback, as M3 device trees do (hw §0); "t8122-only" drops the
 * fallback, which the binding does not allow, so that only a driver's own
 * T8122 entry can bind the DART (the driver-t8122 scenario).
 */
static int vad_dart_compat(const VadDart *d, AppleDARTState *s,
                           const char **compat)
{
    static const char t8122[] = "apple,t8122-dart";

    compat[0] = d->compat[0];
    compat[1] = d->compat[1];
    if (!s->dt_soc || !s->dt_soc[0] || d->compat[1] ||
        strcmp(d->compat[0], "apple,t8110-dart")) {
        return d->compat[1] ? 2 : 1;
    }
    if (!strcmp(s->dt_soc, "t8122")) {
        compat[0] = t8122;
        compat[1] = d->compat[0];
        return 2;
    }
    if (!strcmp(s->dt_soc, "t8122-only")) {
        compat[0] = t8122;
        return 1;
    }
    error_report("%s: dt-soc=%s: expected t8122 or t8122-only", d->name,
                 s->dt_soc);
    exit(1);
}

/* Create DART @d in DART slot @i, with its DT node. */
static AppleDARTState *vad_dart_create(VirtMachineState *vms, int i,
                                       const VadDart *d, uint32_t *phandle)
{
    MachineState *ms = MACHINE(vms);
    hwaddr base = VAD_DART_BASE + i * APPLE_DART_MMIO_SIZE;
    const char *compat[2];
    DeviceState *dev;
    char *node;
    int n;

    dev = qdev_new(TYPE_APPLE_DART);
    qdev_prop_set_string(dev, "name", d->name);
    qdev_prop_set_string(dev, "layout", d->layout);
    qdev_prop_set_string(dev, "pte-format", d->pte);
    if (d->num_sids) {
        qdev_prop_set_uint32(dev, "num-sids", d->num_sids);
    }
    if (d->no_bypass) {
        qdev_prop_set_bit(dev, "bypass", false);
    }
    if (d->va_width) {
        qdev_prop_set_uint8(dev, "va-width", d->va_width);
    }
    if (d->page_shift) {
        qdev_prop_set_uint8(dev, "page-shift", d->page_shift);
    }
    object_property_add_child(OBJECT(vms), d->name, OBJECT(dev));
    sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, base);
    if (!d->no_irq) {
        sysbus_connect_irq(SYS_BUS_DEVICE(dev), 0,
                           qdev_get_gpio_in(vms->gic, VAD_DART_IRQ + i));
    }

    node = g_strdup_printf("/iommu@%" PRIx64, base);
    qemu_fdt_add_subnode(ms->fdt, node);
    n = vad_dart_compat(d, APPLE_DART(dev), compat);
    qemu_fdt_setprop_string_array(ms->fdt, node, "compatible",
                                  (char **)compat, n);
    qemu_fdt_setprop_sized_cells(ms->fdt, node, "reg", 2, base, 2,
                                 d->dt_reg_size ? d->dt_reg_size :
                                 APPLE_DART_MMIO_SIZE);
    if (!d->no_irq) {
        vad_irq_prop(ms->fdt, node, VAD_DART_IRQ + i);
    }
    qemu_fdt_setprop_cell(ms->fdt, node, "#iommu-cells",
                          d->iommu_cells ? d->iommu_cells : 1);
    qemu_fdt_setprop_string(ms->fdt, node, "label", d->name);
    *phandle = qemu_fdt_alloc_phandle(ms->fdt);
    qemu_fdt_setprop_cell(ms->fdt, node, "phandle", *phandle);
    g_free(node);
    return APPLE_DART(dev);
}

/*
 * "apple-dart=display": the machine Linux finds after iBoot and m1n1 on
 * an M1 laptop (hw §6), written from dart-hw.md and prior-art.md, not from
 * a driver.  dart-dcp and dart-disp0 come up translating through
 * firmware tables and locked; the display block (apple-dart-display.c)
 * scans out the boot framebuffer and runs the coprocessor's heartbeat;
 * two DMA test engines give a driver the coprocessor's stream ("dcp") and
 * a second stream of dart-disp0 ("piodma").  The DT is what m1n1 writes:
 * /reserved-memory nodes with iommu-addresses per master, memory-region
 * on the masters, dart-disp0 enabled only because it is locked.
 *
 * In "full" the same block sits next to the other DARTs, and "piodma"
 * has a second port on an unlocked DART (@extra): a master behind a
 * locked and an unlocked DART at once.
 */
enum { VD_DCP, VD_DISP0, VD_EXTRA, VD_NUM_DARTS };

/* M1's dart-dcp and dart-disp0 (hw §6): DARTs like full's external pair. */
static const char *const vad_display_dart_names[] = {
    [VD_DCP] = "dart-dcp", [VD_DISP0] = "dart-disp0",
};

/* piodma's stream on full's dart-t8103, one no other engine uses. */
#define VD_PIODMA_EXTRA_SID 7

static const VadEngine vad_display_engines[] = {
    { .name = "dcp", .n = 1, .dart = { VD_DCP }, .sid = { ADD_SID_DCP } },
    {
        .name = "piodma", .n = 1, .dart = { VD_DISP0 },
        .sid = { ADD_SID_PIODMA },
    },
};

static const VadEngine vad_full_display_engines[] = {
    { .name = "dcp", .n = 1, .dart = { VD_DCP }, .sid = { ADD_SID_DCP } },
    {
        .name = "piodma", .n = 2, .dart = { VD_DISP0, VD_EXTRA },
        .sid = { ADD_SID_PIODMA, VD_PIODMA_EXTRA_SID },
    },
};

QEMU_BUILD_BUG_ON(VD_ENGINE_SLOT < ARRAY_SIZE(vad_engines));
QEMU_BUILD_BUG_ON(ARRAY_SIZE(vad_display_engines) !=
                  ARRAY_SIZE(vad_full_display_engines));

/*
 * The display block; @extra (with DT phandle @extra_ph) is full's
 * unlocked DART for piodma's second port, NULL on the display machine.
 */
static void vad_create_display(VirtMachineState *vms, AppleDARTState *extra,
                               uint32_t extra_ph)
{
    MachineState *ms = MACHINE(vms);
    const VadEngine *engines = extra ? vad_full_display_engines :
                                       vad_display_engines;
    AppleDARTState *darts[VD_NUM_DARTS] = { [VD_EXTRA] = extra };
    uint32_t phandles[VD_NUM_DARTS] = { [VD_EXTRA] = extra_ph };
    uint32_t master_ph[ADD_NUM_MASTERS], region_ph[ADD_MAX_REGIONS];
    uint32_t cells[ADD_NUM_MASTERS][ADD_MAX_REGIONS];
    const char *master_node[ADD_NUM_MASTERS];
    AppleDARTDisplayState *disp;
    DeviceState *dev;
    char *node, *dcp_node, *disp_node;
    GString *names[ADD_NUM_MASTERS];
    unsigned n[ADD_NUM_MASTERS] = { 0 };
    unsigned i, m;

    for (i = VD_DCP; i <= VD_DISP0; i++) {
        VadDart d = vad_darts[i == VD_DCP ? VAD_DCP : VAD_DISP0];

        d.name = vad_display_dart_names[i];
        darts[i] = vad_dart_create(vms, VD_DART_SLOT + i, &d, &phandles[i]);
    }
    for (i = 0; i < ARRAY_SIZE(vad_display_engines); i++) {
        vad_engine_create(vms, VD_ENGINE_SLOT + i, &engines[i], darts,
                          phandles);
    }

    dev = qdev_new(TYPE_APPLE_DART_DISPLAY);
    object_property_set_link(OBJECT(dev), "dart-dcp", OBJECT(darts[VD_DCP]),
                             &error_fatal);
    object_property_set_link(OBJECT(dev), "dart-disp0",
                             OBJECT(darts[VD_DISP0]), &error_fatal);
    qdev_prop_set_uint64(dev, "ram-base", vms->memmap[VIRT_MEM].base);
    qdev_prop_set_uint64(dev, "ram-size", ms->ram_size);
    object_property_add_child(OBJECT(vms), "disp0", OBJECT(dev));
    sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, ADD_DISPLAY_BASE);
    disp = APPLE_DART_DISPLAY(dev);

    /*
     * m1n1 turns dart-disp0 on only once it has locked it; "disp0-okay"
     * lets a test of the unlocked variant have it anyway.
     */
    node = g_strdup_printf("/iommu@%x", ADD_DART_DISP0_BASE);
    qemu_fdt_setprop_string(ms->fdt, node, "status",
                            disp->locked || disp->disp0_okay ?
                            "okay" : "disabled");
    g_free(node);

    /* The masters: the coprocessor's engine and the display pipe. */
    dcp_node = g_strdup_printf("/dma-test@%x", ADD_DCP_ENGINE_BASE);
    disp_node = g_strdup_printf("/display@%x", ADD_DISPLAY_BASE);
    qemu_fdt_add_subnode(ms->fdt, disp_node);
    qemu_fdt_setprop_string(ms->fdt, disp_node, "compatible",
                            "qemu,apple-dart-display");
    qemu_fdt_setprop_sized_cells(ms->fdt, disp_node, "reg", 2,
                                 ADD_DISPLAY_BASE, 2, ADD_MMIO_SIZE);
    qemu_fdt_setprop_string(ms->fdt, disp_node, "label", "disp0");
    qemu_fdt_setprop_cells(ms->fdt, disp_node, "iommus", phandles[VD_DISP0],
                           ADD_SID_DISP);
    master_node[ADD_MASTER_DCP] = dcp_node;
    master_node[ADD_MASTER_DISP] = disp_node;
    for (m = 0; m < ADD_NUM_MASTERS; m++) {
        master_ph[m] = qemu_fdt_alloc_phandle(ms->fdt);
        qemu_fdt_setprop_cell(ms->fdt, master_node[m], "phandle",
                              master_ph[m]);
        names[m] = g_string_new(NULL);
    }

    qemu_fdt_add_subnode(ms->fdt, "/reserved-memory");
    qemu_fdt_setprop_cell(ms->fdt, "/reserved-memory", "#address-cells", 2);
    qemu_fdt_setprop_cell(ms->fdt, "/reserved-memory", "#size-cells", 2);
    qemu_fdt_setprop(ms->fdt, "/reserved-memory", "ranges", NULL, 0);
    for (i = 0; i < disp->num_regions; i++) {
        const AppleDARTDisplayRegion *r = &disp->regions[i];
        uint32_t ia[5 * ADD_NUM_MASTERS];
        unsigned k = 0;

        node = g_strdup_printf("/reserved-memory/%s@%" PRIx64, r->name,
                               r->pa);
        qemu_fdt_add_subnode(ms->fdt, node);
        if (i == disp->fb_region) {
            qemu_fdt_setprop_string(ms->fdt, node, "compatible",
                                    "framebuffer");
        }
        qemu_fdt_setprop_sized_cells(ms->fdt, node, "reg", 2, r->pa, 2,
                                     r->size);
        qemu_fdt_setprop(ms->fdt, node, "no-map", NULL, 0);
        region_ph[i] = qemu_fdt_alloc_phandle(ms->fdt);
        qemu_fdt_setprop_cell(ms->fdt, node, "phandle", region_ph[i]);
        /* iommu-addresses = <&master IOVA(64) SIZE(64)> per master. */
        for (m = 0; m < ADD_NUM_MASTERS; m++) {
            if (r->iova[m] == ADD_NO_IOVA) {
                continue;
            }
            ia[k++] = cpu_to_be32(master_ph[m]);
            ia[k++] = cpu_to_be32(r->iova[m] >> 32);
            ia[k++] = cpu_to_be32(r->iova[m]);
            ia[k++] = cpu_to_be32(r->size >> 32);
            ia[k++] = cpu_to_be32(r->size);
            cells[m][n[m]++] = cpu_to_be32(region_ph[i]);
            g_string_append_len(names[m], r->label, strlen(r->label) + 1);
        }
        if (k) {
            qemu_fdt_setprop(ms->fdt, node, "iommu-addresses", ia,
                             k * sizeof(uint32_t));
        }
        g_free(node);
    }
    for (m = 0; m < ADD_NUM_MASTERS; m++) {
        qemu_fdt_setprop(ms->fdt, master_node[m], "memory-region", cells[m],
                         n[m] * sizeof(uint32_t));
        qemu_fdt_setprop(ms->fdt, master_node[m], "memory-region-names",
                         names[m]->str, names[m]->len);
        g_string_free(names[m], true);
    }
    g_free(dcp_node);
    g_free(disp_node);
}

/*
 * "apple-dart=bad": device trees a driver must refuse, next to good DARTs
 * that must keep working.  Each bad DART or master breaks one rule of the
 * binding or of dart-hw.md; the models behind them are ordinary.
 */
enum {
    VB_GOOD, VB_GOOD2, VB_GOOD3, VB_GOOD4, VB_T6000, VB_4K, VB_SMALL,
    VB_CELLS2, VB_NOIRQ, VB_NUM_DARTS
};

static const VadDart vad_bad_darts[VB_NUM_DARTS] = {
    [VB_GOOD] = {
        .name = "dart-good", .compat = { "apple,t8103-dart" },
        .layout = "t8020", .pte = "dart1",
    },
    [VB_GOOD2] = {
        .name = "dart-good2", .compat = { "apple,t8103-dart" },
        .layout = "t8020", .pte = "dart1",
    },
    [VB_GOOD3] = {
        .name = "dart-good3", .compat = { "apple,t8103-dart" },
        .layout = "t8020", .pte = "dart1",
    },
    [VB_GOOD4] = {
        .name = "dart-good4", .compat = { "apple,t8103-dart" },
        .layout = "t8020", .pte = "dart1",
    },
    /* Good alone; DART2 entries, so no master may mix it with DART1. */
    [VB_T6000] = {
        .name = "dart-t6000", .compat = { "apple,t6000-dart" },
        .layout = "t8020", .pte = "dart2",
    },
    /* Good alone: 4K pages with DART1 entries (hw §0, pre-M1 parts). */
    [VB_4K] = {
        .name = "dart-4k", .compat = { "apple,t8103-dart" },
        .layout = "t8020", .pte = "dart1", .page_shift = 12,
    },
    /* Bad: register window below the 0x4000 the driver needs (hw intro). */
    [VB_SMALL] = {
        .name = "dart-small-reg", .compat = { "apple,t8103-dart" },
        .layout = "t8020", .pte = "dart1", .dt_reg_size = 0x1000,
    },
    /* Bad: the binding has one cell, the stream (hw §0). */
    [VB_CELLS2] = {
        .name = "dart-cells2", .compat = { "apple,t8103-dart" },
        .layout = "t8020", .pte = "dart1", .iommu_cells = 2,
    },
    /* Bad: no interrupts property (hw §5: one IRQ per DART). */
    [VB_NOIRQ] = {
        .name = "dart-noirq", .compat = { "apple,t8103-dart" },
        .layout = "t8020", .pte = "dart1", .no_irq = true,
    },
};

/* Engines of the bad machine. */
static const VadEngine vad_bad_engines[] = {
    /* Good: must work next to the bad ones. */
    { .name = "dma-good", .n = 1, .dart = { VB_GOOD }, .sid = { 1 } },
    { .name = "dma-4k", .n = 1, .dart = { VB_4K }, .sid = { 1 } },
    {
        .name = "dma-good-pair", .n = 2, .dart = { VB_GOOD2, VB_GOOD3 },
        .sid = { 1, 1 },
    },
    /* Bad: stream 20 on a 16-stream DART. */
    { .name = "dma-bad-sid", .n = 1, .dart = { VB_GOOD }, .sid = { 20 } },
    /* Bad: four DARTs, the driver takes three. */
    {
        .name = "dma-bad-four", .n = 4,
        .dart = { VB_GOOD, VB_GOOD2, VB_GOOD3, VB_GOOD4 },
        .sid = { 4, 4, 4, 4 },
    },
    /* Bad: DART1 and DART2 entries in one domain. */
    {
        .name = "dma-bad-fmt", .n = 2, .dart = { VB_GOOD, VB_T6000 },
        .sid = { 5, 5 },
    },
    /* Bad: 16K and 4K pages in one domain. */
    {
        .name = "dma-bad-pgsize", .n = 2, .dart = { VB_GOOD, VB_4K },
        .sid = { 6, 6 },
    },
};

static void vad_create_bad(VirtMachineState *vms)
{
    AppleDARTState *darts[VB_NUM_DARTS];
    uint32_t phandles[VB_NUM_DARTS];
    int i;

    for (i = 0; i < VB_NUM_DARTS; i++) {
        darts[i] = vad_dart_create(vms, i, &vad_bad_darts[i], &phandles[i]);
    }

    for (i = 0; i < ARRAY_SIZE(vad_bad_engines); i++) {
        vad_engine_create(vms, i, &vad_bad_engines[i], darts, phandles);
    }
}

void virt_apple_dart_create(VirtMachineState *vms)
{
    MachineState *ms = MACHINE(vms);
    bool full;
    AppleDARTState *darts[VAD_NUM_DARTS] = { NULL };
    uint32_t phandles[VAD_NUM_DARTS] = { 0 };
    int i;

    if (!vms->apple_dart || !strcmp(vms->apple_dart, "off")) {
        return;
    }
    full = !strcmp(vms->apple_dart, "full");
    if (vms->iommu != VIRT_IOMMU_NONE) {
        error_report("apple-dart cannot be combined with iommu=%s",
                     vms->iommu == VIRT_IOMMU_SMMUV3 ? "smmuv3" : "virtio");
        exit(1);
    }
    if (!strcmp(vms->apple_dart, "bad")) {
        vad_create_bad(vms);
        return;
    }
    if (!strcmp(vms->apple_dart, "display")) {
        vad_create_display(vms, NULL, 0);
        return;
    }

    for (i = 0; i < VAD_NUM_DARTS; i++) {
        if (full || vad_darts[i].in_t8103_set) {
            darts[i] = vad_dart_create(vms, i, &vad_darts[i], &phandles[i]);
        }
    }

    for (i = 0; i < ARRAY_SIZE(vad_engines); i++) {
        if (full || vad_engines[i].in_t8103_set) {
            vad_engine_create(vms, i, &vad_engines[i], darts, phandles);
        }
    }

    if (vms->bus) {
        pci_setup_iommu(vms->bus, vad_pci_iommu, darts[VAD_PCIE]);
        /* All requester IDs -> stream 1 of dart-pcie. */
        qemu_fdt_setprop_cells(ms->fdt, vms->pciehb_nodename, "iommu-map",
                               0x0, phandles[VAD_PCIE], VAD_PCIE_SID,
                               0x10000);
        qemu_fdt_setprop_cell(ms->fdt, vms->pciehb_nodename,
                              "iommu-map-mask", 0x0);
    }
    if (full) {
        vad_create_display(vms, darts[VAD_T8103], phandles[VAD_T8103]);
    }
}
