# attack: reaches the internet: TCP, UDP and DNS
# expect: COMPLETED
# stdout: "tcp blocked\nudp blocked\ndns blocked\n"
import socket
s = socket.socket()
s.settimeout(2)
try:
    s.connect(("1.1.1.1", 443))
    print("tcp connected")
except OSError:
    print("tcp blocked")
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    u.sendto(b"x", ("8.8.8.8", 53))
    print("udp sent")
except OSError:
    print("udp blocked")
try:
    socket.getaddrinfo("example.com", 80)
    print("dns resolved")
except OSError:
    print("dns blocked")
