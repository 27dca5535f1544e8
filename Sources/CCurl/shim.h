#ifndef NINEROUTER_CCURL_SHIM_H
#define NINEROUTER_CCURL_SHIM_H

#include <curl/curl.h>
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, which Swift
   cannot call. These typed wrappers are the only way the Swift side sets options. */

static inline CURLcode nr_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nr_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nr_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nr_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nr_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nr_easy_setopt_write_cb(CURL *h, CURLoption o, size_t (*cb)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, o, cb); }
static inline CURLcode nr_easy_setopt_read_cb(CURL *h, CURLoption o, size_t (*cb)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, o, cb); }
static inline CURLcode nr_easy_setopt_xferinfo_cb(CURL *h, CURLoption o, int (*cb)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t)) { return curl_easy_setopt(h, o, cb); }

static inline CURLcode nr_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nr_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nr_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nr_easy_getinfo_ptr(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nr_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode nr_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode nr_multi_setopt_ptr(CURLM *m, CURLMoption o, void *v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode nr_multi_setopt_socket_cb(CURLM *m, curl_socket_callback cb) { return curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, cb); }
static inline CURLMcode nr_multi_setopt_timer_cb(CURLM *m, curl_multi_timer_callback cb) { return curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, cb); }

/* epoll for the agent's socket loop. struct epoll_event is packed on x86-64; these helpers keep
   it on the C side, so Swift sees only descriptors and event masks. */

static inline int nr_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }
static inline int nr_eventfd_create(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }
static inline int nr_errno(void) { return errno; }

/* EPOLL_CTL_ADD, _MOD or _DEL of fd with the given events. */
static inline int nr_epoll_ctl(int ep, int op, int fd, uint32_t events) {
    struct epoll_event e = { .events = events, .data = { .fd = fd } };
    return epoll_ctl(ep, op, fd, &e);
}

/* Waits for at most `max` (<= 256) ready descriptors and copies them out as two arrays. */
static inline int nr_epoll_wait(int ep, int *fds, uint32_t *events, int max, int timeout_ms) {
    struct epoll_event list[256];
    if (max > 256) max = 256;
    int n = epoll_wait(ep, list, max, timeout_ms);
    for (int i = 0; i < n; i++) { fds[i] = list[i].data.fd; events[i] = list[i].events; }
    return n;
}

#endif
