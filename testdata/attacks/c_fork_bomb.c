// attack: fork bomb in C: every process forks as fast as it can
// expect: FAILED/process_limit
// limits: time=1500 procs=32
#include <unistd.h>
int main(void) {
	for (;;) fork();
}
