# SPDX-License-Identifier: GPL-2.0
# The platform proves itself: the test kernel is what the tests assume, and
# out-of-tree modules build, load, publish debugfs state and unload.
ktest_kunit dart_platform_kunit.ko
ktest_selftest platform_test
