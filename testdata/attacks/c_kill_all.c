// attack: kill(-1, SIGKILL) and kill of the sandbox's pid 1
// expect: COMPLETED
// has: survived
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
	if (fork() == 0) { pause(); return 0; }
	int a = kill(-1, SIGKILL);
	int b = kill(1, SIGKILL);
	printf("kill -1: %d, kill 1: %d, survived\n", a, b);
	return 0;
}
