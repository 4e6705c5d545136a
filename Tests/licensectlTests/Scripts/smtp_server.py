"""A loopback SMTP server for the notify tests (Debian's python3-aiosmtpd).

Usage: python3 smtp_server.py OUTDIR
Listens on 127.0.0.1 on a free port, prints "READY <port>" on stdout, and stores every received
message as OUTDIR/<n>.eml (the DATA as received) with OUTDIR/<n>.rcpt (envelope recipients, one
per line). Runs until killed (SIGTERM).
"""
import os
import signal
import socket
import sys
import threading

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.folder, "%03d" % n)
        with open(base + ".rcpt.tmp", "w") as f:
            f.write("\n".join(envelope.rcpt_tos) + "\n")
        os.rename(base + ".rcpt.tmp", base + ".rcpt")
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(data)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    folder = sys.argv[1]
    port = free_port()
    controller = Controller(Store(folder), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("READY %d" % port, flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
