"""A loopback HTTP server for the notify webhook tests.

Usage: python3 http_server.py OUTDIR
Listens on 127.0.0.1 on a free port and prints "READY <port>" on stdout. A POST to
  /ok      stores the body as OUTDIR/<n>.json and answers 204
  /refuse  stores the body and answers 500 with a short text
  /hang    stores the body and never answers (until the client gives up)
Runs until killed (SIGTERM).
"""
import http.server
import os
import signal
import sys
import threading
import time

folder = sys.argv[1]
lock = threading.Lock()
count = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with lock:
            count[0] += 1
            n = count[0]
        base = os.path.join(folder, "%03d" % n)
        with open(base + ".tmp", "wb") as f:
            f.write(body)
        with open(base + ".meta", "w") as f:
            f.write("%s %s\n%s\n" % (self.command, self.path, self.headers.get("Content-Type", "")))
        os.rename(base + ".tmp", base + ".json")
        if self.path == "/ok":
            self.send_response(204)
            self.end_headers()
        elif self.path == "/refuse":
            text = b"internal trouble"
            self.send_response(500)
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)
        elif self.path == "/hang":
            time.sleep(60)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print("READY %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
