// attack: opens descriptors until none are left, then raises its own limit
// expect: COMPLETED
// has: EMFILE after
// has: raise refused
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
int main(void) {
	int n = 0;
	while (open("/dev/null", O_RDONLY) >= 0) n++;
	printf("%s after %d\n", errno == EMFILE ? "EMFILE" : strerror(errno), n);
	struct rlimit r = {1 << 20, 1 << 20};
	puts(setrlimit(RLIMIT_NOFILE, &r) == 0 ? "raised" : "raise refused");
	return 0;
}
