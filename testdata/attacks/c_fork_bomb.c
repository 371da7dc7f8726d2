// attack: fork bomb in C: every process forks as fast as it can; the first one stops once refused
// expect: FAILED/process_limit
// limits: procs=32
#include <unistd.h>
int main(void) {
	pid_t root = getpid();
	for (;;)
		if (fork() < 0 && getpid() == root)
			return 0; /* the limit refused a fork: the rest of the bomb must die with the run */
}
