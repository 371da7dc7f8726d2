// attack: the 32-bit syscall ABI (int $0x80), a way around filters written for the 64-bit one
// [ia32] expect: COMPLETED
// [ia32] stdout: "int80 getpid -38\n"
// [int80-segv] expect: FAILED/signal
// [int80-segv] signal: SIGSEGV
// [int80-x64] expect: COMPLETED
// [int80-x64] has: int80 getpid
#include <stdio.h>
int main(void) {
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20) : "memory"); /* i386 getpid */
	printf("int80 getpid %ld\n", r);
	return 0;
}
