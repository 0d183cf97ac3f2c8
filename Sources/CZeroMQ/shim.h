#ifndef SWITCHBOARD_CZEROMQ_SHIM_H
#define SWITCHBOARD_CZEROMQ_SHIM_H

#include <zmq.h>
// Glibc's Swift module lacks eventfd; the socket thread uses one as its wake-up fd.
#include <sys/eventfd.h>
#include <errno.h>

#endif
