{
  "targets": [
    {
      "target_name": "rawprobe",
      "sources": [
        "native/addon.cc",
        "native/address-lane.cc",
        "native/capture.cc",
        "native/checksum-lane.cc",
        "native/connection.cc",
        "native/constants.cc",
        "native/errors.cc",
        "native/interfaces.cc",
        "native/pcap-filter.cc",
        "native/poll.cc",
        "native/readiness.cc",
        "native/receive.cc",
        "native/send-queue.cc",
        "native/sockaddr.cc",
        "native/socket.cc",
        "native/sockopt.cc",
        "native/timestamping.cc",
        "native/transfer.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra"],
      "conditions": [
        ["OS!='linux'", {"type": "none"}]
      ]
    }
  ]
}
