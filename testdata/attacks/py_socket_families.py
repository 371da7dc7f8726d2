# attack: raw packet sockets, key management (AF_KEY), bluetooth, the kernel crypto API (AF_ALG), CAN, TIPC, RDS, XDP; the families a program needs still work: a socketpair, loopback TCP over IPv4 and IPv6, a netlink route query
# expect: COMPLETED
# [ipv6] stdout: "packet EAFNOSUPPORT\nkey EAFNOSUPPORT\nbluetooth EAFNOSUPPORT\nalg EAFNOSUPPORT\ncan EAFNOSUPPORT\ntipc EAFNOSUPPORT\nrds EAFNOSUPPORT\nxdp EAFNOSUPPORT\nsocketpair unix ok\nloopback inet ok\nloopback inet6 ok\nnetlink ok\n"
# [!ipv6] stdout: "packet EAFNOSUPPORT\nkey EAFNOSUPPORT\nbluetooth EAFNOSUPPORT\nalg EAFNOSUPPORT\ncan EAFNOSUPPORT\ntipc EAFNOSUPPORT\nrds EAFNOSUPPORT\nxdp EAFNOSUPPORT\nsocketpair unix ok\nloopback inet ok\nloopback inet6 EAFNOSUPPORT\nnetlink ok\n"
import errno, socket
for name, fam, typ in [("packet", 17, socket.SOCK_RAW), ("key", 15, socket.SOCK_RAW), ("bluetooth", 31, socket.SOCK_STREAM),
                       ("alg", 38, socket.SOCK_SEQPACKET), ("can", 29, socket.SOCK_RAW), ("tipc", 30, socket.SOCK_RDM),
                       ("rds", 21, socket.SOCK_SEQPACKET), ("xdp", 44, socket.SOCK_RAW)]:
    try:
        socket.socket(fam, typ)
        print(name, "OPENED")
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, e))
a, b = socket.socketpair()
a.sendall(b"ping")
print("socketpair unix", "ok" if b.recv(4) == b"ping" else "broken")
for name, fam, host in [("inet", socket.AF_INET, "127.0.0.1"), ("inet6", socket.AF_INET6, "::1")]:
    try:
        srv = socket.socket(fam)
    except OSError as e:  # a kernel without IPv6 refuses it itself (the [!ipv6] hosts)
        print("loopback", name, errno.errorcode.get(e.errno, e))
        continue
    srv.bind((host, 0))
    srv.listen()
    c = socket.create_connection(srv.getsockname()[:2], timeout=2)
    conn, _ = srv.accept()
    c.sendall(b"ping")
    print("loopback", name, "ok" if conn.recv(4) == b"ping" else "broken")
n = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)  # NETLINK_ROUTE: what getifaddrs uses
n.bind((0, 0))
print("netlink ok")
