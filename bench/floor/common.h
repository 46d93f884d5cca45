// What both floor servers share: the listening socket and the reply, one per request line.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char REPLY[] = "JAM 00:00:00\r\n";
enum { IN_SIZE = 16384, OUT_SIZE = IN_SIZE / 6 * (sizeof REPLY - 1) };

// Listens on 127.0.0.1:PORT (argv[1], default 0) and prints the port taken.
static int listen_loopback(int argc, char **argv, int flags) {
    int fd = socket(AF_INET, SOCK_STREAM | flags, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(argc > 1 ? atoi(argv[1]) : 0)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd, (void *)&addr, sizeof addr) || listen(fd, 4096) || getsockname(fd, (void *)&addr, &len)) {
        perror("listen");
        exit(1);
    }
    printf("%d\n", ntohs(addr.sin_port));
    fflush(stdout);
    return fd;
}

static void no_delay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// The replies owed for what was read: one per line feed; no parsing, no clock. Returns -1 on QUIT,
// which the floor answers by closing.
static long replies_for(const char *in, long n, char *out) {
    if (memmem(in, n, "QUIT", 4)) return -1;
    long len = 0;
    for (long i = 0; i < n; i++)
        if (in[i] == '\n') {
            memcpy(out + len, REPLY, sizeof REPLY - 1);
            len += sizeof REPLY - 1;
        }
    return len;
}
