// attack: allocates and touches memory until killed
// expect: FAILED/memory_limit
// limits: memory=64
#include <stdlib.h>
#include <string.h>
int main(void) {
	for (;;) {
		char *p = malloc(8 << 20);
		if (p) memset(p, 1, 8 << 20);
	}
}
