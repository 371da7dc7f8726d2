# attack: connects to services on the host's loopback: Redis, PostgreSQL, the API's HTTP port
# expect: COMPLETED
# stdout: "6379 blocked\n5432 blocked\nhttp blocked\n::1 blocked\n"
# lacks: $SECRET
import socket, sys
def probe(family, addr, label):
    try:  # a kernel without IPv6 refuses the socket itself: blocked too
        s = socket.socket(family)
        s.settimeout(2)
        s.connect(addr)
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        print(label, "connected", s.recv(200))
    except OSError:
        print(label, "blocked")
probe(socket.AF_INET, ("127.0.0.1", 6379), "6379")
probe(socket.AF_INET, ("127.0.0.1", 5432), "5432")
probe(socket.AF_INET, ("127.0.0.1", int(sys.argv[1])), "http")
probe(socket.AF_INET6, ("::1", int(sys.argv[1])), "::1")
