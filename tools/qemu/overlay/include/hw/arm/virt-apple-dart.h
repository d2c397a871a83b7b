/*
 * Apple DART test platform on the virt board
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_ARM_VIRT_APPLE_DART_H
#define HW_ARM_VIRT_APPLE_DART_H

#include "hw/arm/virt.h"

/* Adds the "apple-dart" machine option. */
void virt_apple_dart_class_init(ObjectClass *oc);
/* Creates the DARTs, engines and DT nodes; call after create_pcie(). */
void virt_apple_dart_create(VirtMachineState *vms);

#endif
