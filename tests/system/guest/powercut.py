"""The guest's side of the power-cut scenario (f).

    python3 powercut.py serve PORT FEED...
        A test CMS that answers every GET of /api/v1/events with the next of the
        FEED files in turn, with no validators, so every fetch is a 200 with a
        new body and the screen rewrites its cache each time.

    python3 powercut.py watch DIR COUNT STATE
        Watches DIR (the screen's feeds/ cache) for the temporary file of an
        atomic write; at the COUNT-th write it writes STATE (a file in the share)
        at once, so the host can pull the plug while the cache is being replaced.
        Keeps counting, and rewrites STATE at every later write, until killed.
"""

import http.server
import os
import sys
import time


def serve(port: int, feeds: list):
    bodies = [open(path, "rb").read() for path in feeds]
    served = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if not self.path.startswith("/api/v1/events"):
                self.send_error(404)
                return
            body = bodies[served[0] % len(bodies)]
            served[0] += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def watch(directory: str, count: int, state: str):
    writes = 0
    writing = False
    started = time.monotonic()
    while True:
        try:
            now_writing = any(name.endswith(".tmp") for name in os.listdir(directory))
        except FileNotFoundError:
            now_writing = False
        if now_writing and not writing:
            writes += 1
            if writes >= count:
                with open(state + ".tmp", "w") as out:
                    out.write(f"writes={writes}\nseconds={time.monotonic() - started:.1f}\n")
                os.rename(state + ".tmp", state)
        writing = now_writing
        time.sleep(0.002)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3:])
    elif sys.argv[1] == "watch":
        watch(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
