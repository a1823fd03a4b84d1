// The arrays one sendmmsg call reads: a header and an iovec per datagram. Their owner (a
// socket's sendMany, each send thread of a flood) keeps them and fills them again call after
// call, so a send allocates nothing once they are long enough.
#pragma once

#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <vector>

#include "sockaddr.h"

namespace rawprobe {

struct SendVector {
  std::vector<mmsghdr> headers;
  std::vector<iovec> iov;

  void Resize(size_t count) {
    headers.resize(count);
    iov.resize(count);
  }

  // Datagram i: `length` bytes at `data`, to `to` (nullptr: a connected socket's peer).
  void Set(size_t i, const uint8_t* data, size_t length, const Sockaddr* to) {
    iov[i].iov_base = const_cast<uint8_t*>(data);
    iov[i].iov_len = length;
    mmsghdr& h = headers[i];
    memset(&h, 0, sizeof(h));
    h.msg_hdr.msg_iov = &iov[i];
    h.msg_hdr.msg_iovlen = 1;
    if (to != nullptr) {
      h.msg_hdr.msg_name = const_cast<sockaddr*>(to->get());
      h.msg_hdr.msg_namelen = to->length;
    }
  }
};

}  // namespace rawprobe
