// attack: writes one file forever: SIGXFSZ at the file-size limit
// expect: FAILED/file_size_limit
// signal: SIGXFSZ
// limits: memory=256
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
int main(void) {
	static char buf[1 << 20];
	memset(buf, 'x', sizeof buf);
	int fd = open("/work/big", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (;;) write(fd, buf, sizeof buf);
}
