// The floor of an io_uring server: one thread, a recv always outstanding per socket and a send per
// recv, every submission of a round made in one io_uring_enter, constant replies (bench/compare.sh).
#include "common.h"
#include <liburing.h>

enum { ACCEPT, RECV, SEND };
enum { MAX_FD = 65536 };
static char *in[MAX_FD], *out[MAX_FD];
static struct io_uring ring;

static struct io_uring_sqe *next_sqe(int fd, int op) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    if (!sqe) {
        io_uring_submit(&ring);
        sqe = io_uring_get_sqe(&ring);
    }
    io_uring_sqe_set_data64(sqe, (unsigned long long)fd << 2 | op);
    return sqe;
}

static void receive(int fd) { io_uring_prep_recv(next_sqe(fd, RECV), fd, in[fd], IN_SIZE, 0); }

int main(int argc, char **argv) {
    int listener = listen_loopback(argc, argv, 0);
    struct io_uring_params params = {.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN};
    if (io_uring_queue_init_params(4096, &ring, &params) < 0) {
        perror("io_uring");
        return 1;
    }
    io_uring_prep_multishot_accept(next_sqe(0, ACCEPT), listener, NULL, NULL, 0);
    for (;;) {
        io_uring_submit_and_wait(&ring, 1);
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            seen++;
            int fd = cqe->user_data >> 2, res = cqe->res;
            switch (cqe->user_data & 3) {
            case ACCEPT:
                if (res < 0 || res >= MAX_FD) break;
                no_delay(res);
                if (!in[res]) {
                    in[res] = malloc(IN_SIZE);
                    out[res] = malloc(OUT_SIZE);
                }
                receive(res);
                break;
            case RECV: {
                long len = res > 0 ? replies_for(in[fd], res, out[fd]) : -1;
                if (len < 0)
                    close(fd);
                else if (len == 0)
                    receive(fd);
                else
                    io_uring_prep_send(next_sqe(fd, SEND), fd, out[fd], len, MSG_NOSIGNAL);
                break;
            }
            case SEND:
                if (res < 0) close(fd); else receive(fd);
                break;
            }
        }
        io_uring_cq_advance(&ring, seen);
    }
}
