// attack: thread bomb with raw clone-based threads via pthreads, until one is refused
// expect: FAILED/process_limit
// limits: procs=16
#include <pthread.h>
#include <unistd.h>
static void *idle(void *arg) { (void)arg; pause(); return NULL; }
int main(void) {
	pthread_t t;
	while (pthread_create(&t, NULL, idle, NULL) == 0)
		;
	return 0; /* refused: exiting takes the threads with it */
}
