// attack: tries to become root: setuid(0), and exec of a setuid-root binary
// expect: FAILED/exit_nonzero
// exit: 1
// stderr-has: su: 
// stdout: "setuid(0) = -1\nsetresuid(0) = -1\n"
// lacks: PWNED
#include <stdio.h>
#include <unistd.h>
int main(void) {
	printf("setuid(0) = %d\n", setuid(0));
	printf("setresuid(0) = %d\n", setresuid(0, 0, 0));
	fflush(stdout);
	execl("/usr/bin/su", "su", "-c", "echo PWNED", "root", (char *)NULL);
	return 0;
}
