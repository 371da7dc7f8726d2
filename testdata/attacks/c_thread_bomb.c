// attack: thread bomb with raw clone-based threads via pthreads
// expect: FAILED/process_limit
// limits: time=1500 procs=16
#include <pthread.h>
#include <unistd.h>
static void *idle(void *arg) { (void)arg; pause(); return NULL; }
int main(void) {
	pthread_t t;
	for (;;) pthread_create(&t, NULL, idle, NULL);
}
