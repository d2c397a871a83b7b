// SPDX-License-Identifier: GPL-2.0
/*
 * Platform self-test: an out-of-tree module built by "make check" loads,
 * publishes its debugfs file with the guest's page size, and unloads
 * cleanly, leaving nothing behind.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define PROBE_KO	"/dart/modules/dart_platform_probe.ko"
#define PROBE_NAME	"dart_platform_probe"
#define PROBE_INFO	"/sys/kernel/debug/dart-platform/info"

static int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static int unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

FIXTURE(probe_module) {
	int loaded;
};

FIXTURE_SETUP(probe_module)
{
	ASSERT_EQ(0, load_module(PROBE_KO));
	self->loaded = 1;
}

FIXTURE_TEARDOWN(probe_module)
{
	if (self->loaded)
		EXPECT_EQ(0, unload_module(PROBE_NAME));
}

TEST_F(probe_module, debugfs_reports_page_size)
{
	char buf[256];
	long psz = sysconf(_SC_PAGESIZE);
	char want[64];

	ASSERT_EQ(0, read_file(PROBE_INFO, buf, sizeof(buf)));
	snprintf(want, sizeof(want), "page_size=%ld\n", psz);
	EXPECT_NE(NULL, strstr(buf, want));
	EXPECT_EQ(16384, psz);
	EXPECT_NE(NULL, strstr(buf, "module=" PROBE_NAME "\n"));
}

TEST_F(probe_module, second_load_is_refused)
{
	EXPECT_EQ(-EEXIST, load_module(PROBE_KO));
}

TEST_F(probe_module, unload_removes_debugfs)
{
	struct stat st;

	ASSERT_EQ(0, unload_module(PROBE_NAME));
	self->loaded = 0;
	EXPECT_EQ(-1, stat(PROBE_INFO, &st));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, stat("/sys/module/" PROBE_NAME, &st));
}

TEST_HARNESS_MAIN
