// attack: kernel attack surface: mount, ptrace, bpf, userfaultfd, io_uring, keyctl, unshare (the 32-bit ABI: c_int80.c)
// expect: COMPLETED
// stdout: "mount -1 EPERM\nptrace -1 EPERM\nbpf -1 EPERM\nuserfaultfd -1 EPERM\nio_uring_setup -1 EPERM\nkeyctl -1 EPERM\nperf_event_open -1 EPERM\nunshare(NEWUSER) -1 EPERM\nkexec_load -1 EPERM\n"
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
static void show(const char *name, long r) {
	printf("%s %ld %s\n", name, r, r == -1 && errno == EPERM ? "EPERM" : strerror(errno));
}
int main(void) {
	char buf[256] = {0};
	show("mount", syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL));
	show("ptrace", syscall(SYS_ptrace, 16, 1, 0, 0));
	show("bpf", syscall(SYS_bpf, 0, buf, 64));
	show("userfaultfd", syscall(SYS_userfaultfd, 0));
	show("io_uring_setup", syscall(SYS_io_uring_setup, 8, buf));
	show("keyctl", syscall(SYS_keyctl, 0, 0, 0, 0, 0));
	show("perf_event_open", syscall(SYS_perf_event_open, buf, 0, -1, -1, 0));
	show("unshare(NEWUSER)", syscall(SYS_unshare, CLONE_NEWUSER));
	show("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
	return 0;
}
