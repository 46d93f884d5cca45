// The floor of an epoll server: one thread, per ready socket one read and one write of constant
// replies. What no epoll server doing the same system calls can go below (bench/compare.sh).
#include "common.h"
#include <sys/epoll.h>

int main(int argc, char **argv) {
    int listener = listen_loopback(argc, argv, SOCK_NONBLOCK), poll = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = listener}, ready[256];
    epoll_ctl(poll, EPOLL_CTL_ADD, listener, &event);
    static char in[IN_SIZE], out[OUT_SIZE];
    for (;;) {
        int n = epoll_wait(poll, ready, 256, -1);
        for (int i = 0; i < n; i++) {
            int fd = ready[i].data.fd;
            if (fd == listener) {
                int client;
                while ((client = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    no_delay(client);
                    event.data.fd = client;
                    epoll_ctl(poll, EPOLL_CTL_ADD, client, &event);
                }
                continue;
            }
            long got = read(fd, in, sizeof in), len = got > 0 ? replies_for(in, got, out) : -1;
            if (len < 0 || (len > 0 && send(fd, out, len, MSG_NOSIGNAL) < 0)) close(fd);
        }
    }
}
