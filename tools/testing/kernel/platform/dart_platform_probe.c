// SPDX-License-Identifier: GPL-2.0
/*
 * A module whose only job is to be loaded and unloaded by the platform
 * kselftest: it publishes debugfs "dart-platform/info" while loaded, so the
 * test can tell that out-of-tree modules build, load, run and unload.
 */

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static struct dentry *dart_platform_dir;

static int dart_platform_info_show(struct seq_file *s, void *unused)
{
	seq_printf(s, "page_size=%lu\n", PAGE_SIZE);
	seq_printf(s, "module=%s\n", THIS_MODULE->name);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dart_platform_info);

static int __init dart_platform_probe_init(void)
{
	dart_platform_dir = debugfs_create_dir("dart-platform", NULL);
	debugfs_create_file("info", 0444, dart_platform_dir, NULL,
			    &dart_platform_info_fops);
	return 0;
}
module_init(dart_platform_probe_init);

static void __exit dart_platform_probe_exit(void)
{
	debugfs_remove(dart_platform_dir);
}
module_exit(dart_platform_probe_exit);

MODULE_DESCRIPTION("Load/unload probe for the Apple DART test platform");
MODULE_LICENSE("GPL");
