// The floor of an epoll server: per ready socket one read and one write of constant replies.
// What no epoll server doing the same system calls can go below (bench/compare.sh).
//
// By default one thread, closing at QUIT. For measuring one lever at a time (docs/BENCHMARKS.md),
// environment variables change one thing each:
//   FLOOR_THREADS=N     N threads, each with its own epoll over the one listening socket
//   FLOOR_EXCLUSIVE=1   ... registered with EPOLLEXCLUSIVE, so a new connection wakes one of them
//   FLOOR_DEREGISTER=1  EPOLL_CTL_DEL before each close, as tokio does
//   FLOOR_LINGER=1      at QUIT, shutdown(SHUT_WR) and close only at the client's end of stream
#include "common.h"
#include <pthread.h>
#include <sys/epoll.h>

static int listener, exclusive, deregister, linger;

static int flag(const char *name) {
    const char *value = getenv(name);
    return value ? atoi(value) : 0;
}

static void *serve(void *unused) {
    (void)unused;
    int poll = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN | (exclusive ? EPOLLEXCLUSIVE : 0), .data.fd = listener},
                       ready[256];
    epoll_ctl(poll, EPOLL_CTL_ADD, listener, &event);
    static __thread char in[IN_SIZE], out[OUT_SIZE];
    for (;;) {
        int n = epoll_wait(poll, ready, 256, -1);
        for (int i = 0; i < n; i++) {
            int fd = ready[i].data.fd;
            if (fd == listener) {
                int client;
                while ((client = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    no_delay(client);
                    struct epoll_event readable = {.events = EPOLLIN, .data.fd = client};
                    epoll_ctl(poll, EPOLL_CTL_ADD, client, &readable);
                }
                continue;
            }
            long got = read(fd, in, sizeof in), len = got > 0 ? replies_for(in, got, out) : -1;
            if (linger && got > 0 && len < 0) {
                shutdown(fd, SHUT_WR);
                continue;
            }
            if (len < 0 || (len > 0 && send(fd, out, len, MSG_NOSIGNAL) < 0)) {
                if (deregister) epoll_ctl(poll, EPOLL_CTL_DEL, fd, NULL);
                close(fd);
            }
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads = flag("FLOOR_THREADS");
    exclusive = flag("FLOOR_EXCLUSIVE");
    deregister = flag("FLOOR_DEREGISTER");
    linger = flag("FLOOR_LINGER");
    listener = listen_loopback(argc, argv, SOCK_NONBLOCK);
    for (int i = 1; i < threads; i++) {
        pthread_t thread;
        pthread_create(&thread, NULL, serve, NULL);
    }
    serve(NULL);
}
