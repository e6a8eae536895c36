#!/usr/bin/env python3
"""A script on kubetile's raw socket, with Python's standard library alone: says hello, prints the
daemon's status, attaches to a session, prints the first view of each visible pane, and leaves.
Run: python3 rpc_client.py   (KUBETILE_SOCKET picks another socket)"""
import json, os, socket, sys, tempfile, time

def socket_path():
    if os.environ.get("KUBETILE_SOCKET"):
        return os.environ["KUBETILE_SOCKET"]
    if os.environ.get("XDG_RUNTIME_DIR"):
        return os.path.join(os.environ["XDG_RUNTIME_DIR"], "kubetile", "kubetile.sock")
    return os.path.join(tempfile.gettempdir(), "kubetile-%d" % os.getuid(), "kubetile.sock")

class Client:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""
        self.next_id = 1
        self.notifications = []

    # Framing: "Content-Length: N\r\n\r\n" then N bytes of UTF-8 JSON, both ways.
    def send(self, obj):
        body = json.dumps(obj).encode("utf-8")
        self.sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def read(self, timeout=None):
        self.sock.settimeout(timeout)
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                headers = self.buf[:end].decode("ascii").split("\r\n")
                length = int(next(h.split(":", 1)[1] for h in headers if h.lower().startswith("content-length:")))
                if len(self.buf) >= end + 4 + length:
                    msg = json.loads(self.buf[end + 4:end + 4 + length].decode("utf-8"))
                    self.buf = self.buf[end + 4 + length:]
                    return msg
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the daemon closed the connection")
            self.buf += chunk

    def call(self, method, params=None):
        msg_id = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params or {}})
        while True:
            msg = self.read()
            if "method" in msg:  # a notification that arrived first
                self.notifications.append(msg)
            elif msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError("error %d: %s" % (msg["error"]["code"], msg["error"]["message"]))
                return msg["result"]

def main():
    path = socket_path()
    try:
        c = Client(path)
    except OSError as e:
        sys.exit("cannot talk to the daemon on %s: %s" % (path, e))
    hello = c.call("daemon/hello", {"client": {"name": "example-py", "version": "1.0.0"}, "apiLevel": 1})
    print("daemon %s (pid %d), API level %d" % (hello["server"]["version"], hello["server"]["pid"], hello["apiLevel"]))
    status = c.call("daemon/status")
    print("sessions %d, panes %d, port-forwards %d" % (status["sessions"], status["panes"], status["portForwards"]))
    # Views, layouts and toasts come only to a connection attached to a session.
    layout = c.call("session/attach", {"session": "main", "size": {"cols": 100, "rows": 30}})["layout"]
    print("attached to '%s' with %d tab(s)" % (layout["session"], len(layout["tabs"])))
    seen = set()
    deadline = time.time() + 0.5
    while time.time() < deadline:
        if c.notifications:
            m = c.notifications.pop(0)
        else:
            try:
                m = c.read(timeout=max(0.01, deadline - time.time()))
            except socket.timeout:
                break
        if m.get("method") == "pane/view" and m["params"]["paneId"] not in seen:
            seen.add(m["params"]["paneId"])
            print("pane %d: %s (%s)" % (m["params"]["paneId"], m["params"]["view"]["title"], m["params"]["view"]["type"]))
    c.call("session/detach")
    c.sock.close()

if __name__ == "__main__":
    main()
