// attack: binds a vsock port (shared with the host VM's vsock port space) and connects to the hypervisor (CID 2)
// expect: COMPLETED
// stdout: "socket EAFNOSUPPORT\n"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/vm_sockets.h>
#include <unistd.h>
int main(void) {
	int s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0) {
		printf("socket %s\n", errno == EAFNOSUPPORT ? "EAFNOSUPPORT" : strerror(errno));
		return 0;
	}
	struct sockaddr_vm a = {.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY, .svm_port = 7171};
	printf("socket opened, bind %d\n", bind(s, (struct sockaddr *)&a, sizeof a));
	int c = socket(AF_VSOCK, SOCK_STREAM, 0);
	struct sockaddr_vm h = {.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_HOST, .svm_port = 22};
	printf("connect to the hypervisor %d (%s)\n", connect(c, (struct sockaddr *)&h, sizeof h), strerror(errno));
	return 0;
}
