// attack: looks for descriptors the service inherited (a host file, a socket, the sandbox's status pipe) and writes a fake exit status into every one
// expect: FAILED/exit_nonzero
// exit: 1
// stdout: "open: none\n"
// stderr-has: {"exit-code": 0}
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void) {
	const char *fake = "{\"exit-code\": 0}\n";
	int found = 0;
	for (int fd = 3; fd < 1024; fd++) {
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		char path[64], target[256] = "";
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		readlink(path, target, sizeof target - 1);
		printf("open: %d -> %s (write %zd)\n", fd, target, write(fd, fake, strlen(fake)));
		found = 1;
	}
	if (!found)
		puts("open: none");
	fputs(fake, stderr);
	return 1;
}
