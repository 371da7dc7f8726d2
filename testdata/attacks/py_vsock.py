# attack: binds a vsock port and connects to the hypervisor (CID 2) from Python's socket module
# expect: COMPLETED
# stdout: "vsock stream EAFNOSUPPORT\nvsock dgram EAFNOSUPPORT\nsocketpair vsock EAFNOSUPPORT\n"
import errno, socket
def attempt(name, f):
    try:
        f()
        print(name, "OPENED")
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, e))
def stream():
    s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    s.bind((socket.VMADDR_CID_ANY, 7172))
    c = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    c.settimeout(2)
    c.connect((2, 22))
attempt("vsock stream", stream)
attempt("vsock dgram", lambda: socket.socket(socket.AF_VSOCK, socket.SOCK_DGRAM))
attempt("socketpair vsock", lambda: socket.socketpair(socket.AF_VSOCK, socket.SOCK_STREAM))
