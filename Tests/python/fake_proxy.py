#!/usr/bin/env python3
"""A loopback HTTP proxy that only tunnels (CONNECT), for the proxy tests. Hosts ending in `.test`
resolve to 127.0.0.1. With --auth USER:PASSWORD a CONNECT without that Proxy-Authorization (basic)
gets 407. A plain `GET /_seen` answers the CONNECT targets seen so far, as JSON.

Prints `proxy on 127.0.0.1:PORT`, then serves until killed.
"""
import base64, json, select, socket, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

seen = []
lock = threading.Lock()
auth = None
if "--auth" in sys.argv:
    auth = "Basic " + base64.b64encode(sys.argv[sys.argv.index("--auth") + 1].encode()).decode()


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path != "/_seen":
            self.send_response(400); self.send_header("Content-Length", "0"); self.end_headers(); return
        with lock:
            body = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self):
        with lock:
            seen.append(self.path)
        if auth is not None and self.headers.get("Proxy-Authorization") != auth:
            self.send_response(407)
            self.send_header("Proxy-Authenticate", 'Basic realm="test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        host, port = self.path.rsplit(":", 1)
        if host.endswith(".test"):
            host = "127.0.0.1"
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            self.send_response(502); self.send_header("Content-Length", "0"); self.end_headers(); return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 30)
                if not readable:
                    break
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        return
                    (upstream if s is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    print(f"proxy on 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
