// attack: opens sockets of families the network namespace does not cover: vsock (the hypervisor's port space), packet, key, bluetooth, alg, can, tipc, rds, xdp; a family hidden in the argument's high bits; socketpair of the same
// expect: COMPLETED
// stdout: "vsock EAFNOSUPPORT\nvsock dgram EAFNOSUPPORT\npacket EAFNOSUPPORT\nkey EAFNOSUPPORT\nbluetooth EAFNOSUPPORT\nalg EAFNOSUPPORT\ncan EAFNOSUPPORT\ntipc EAFNOSUPPORT\nrds EAFNOSUPPORT\nxdp EAFNOSUPPORT\nvsock high bits EAFNOSUPPORT\nsocketpair vsock EAFNOSUPPORT\nsocketpair packet EAFNOSUPPORT\n"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
static void show(const char *name, long r) {
	printf("%s %s\n", name, r >= 0 ? "OPENED" : errno == EAFNOSUPPORT ? "EAFNOSUPPORT" : strerror(errno));
}
int main(void) {
	struct { const char *name; int family, type; } fams[] = {
		{"vsock", 40, SOCK_STREAM}, {"vsock dgram", 40, SOCK_DGRAM}, {"packet", 17, SOCK_RAW},
		{"key", 15, SOCK_RAW}, {"bluetooth", 31, SOCK_STREAM}, {"alg", 38, SOCK_SEQPACKET},
		{"can", 29, SOCK_RAW}, {"tipc", 30, SOCK_RDM}, {"rds", 21, SOCK_SEQPACKET}, {"xdp", 44, SOCK_RAW},
	};
	for (unsigned i = 0; i < sizeof fams / sizeof fams[0]; i++)
		show(fams[i].name, socket(fams[i].family, fams[i].type, 0));
	// The kernel reads the family as an int: a filter comparing only the low half would be fooled.
	show("vsock high bits", syscall(SYS_socket, (1L << 32) | 40, SOCK_STREAM, 0));
	int sv[2];
	show("socketpair vsock", socketpair(40, SOCK_STREAM, 0, sv));
	show("socketpair packet", socketpair(17, SOCK_RAW, 0, sv));
	return 0;
}
