// attack: maps 64 GiB without touching it (MAP_NORESERVE): must not be charged
// expect: COMPLETED
// limits: memory=64
// stdout: "mapped\n"
// max-memory-kb: 65536
#include <stdio.h>
#include <sys/mman.h>
int main(void) {
	void *p = mmap(NULL, 64UL << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	puts(p == MAP_FAILED ? "refused" : "mapped");
	return 0;
}
