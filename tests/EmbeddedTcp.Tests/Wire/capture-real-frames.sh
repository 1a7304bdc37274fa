#!/bin/sh
# How the frames in RealFrames.cs were captured (run as root; touches only namespaces it creates, 192.0.2.0/24).
# Prints one hex frame per line, prefixed by the AF_PACKET packet type (4 = outgoing, 0 = to us).
# TX checksum offload is turned off on the capturing side (ETHTOOL_STXCSUM = 0): otherwise a capture on the
# sending end of a veth shows TCP/UDP checksums holding only the pseudo-header sum (CHECKSUM_PARTIAL).
set -e
cleanup() { ip netns del wwa 2>/dev/null || true; ip netns del wwb 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add wwa; ip netns add wwb
ip link add wwva type veth peer name wwvb
ip link set wwva netns wwa; ip link set wwvb netns wwb
ip -n wwa addr add 192.0.2.1/24 dev wwva; ip -n wwb addr add 192.0.2.2/24 dev wwvb
ip -n wwa link set wwva up; ip -n wwb link set wwvb up
ip netns exec wwa python3 -c "
import socket,subprocess,time,ctypes,fcntl,struct
val=ctypes.create_string_buffer(struct.pack('II',0x17,0))
ifr=struct.pack('16sP',b'wwva',ctypes.addressof(val))+b'\0'*16
fcntl.ioctl(socket.socket(socket.AF_INET,socket.SOCK_DGRAM),0x8946,ifr)
s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW,socket.htons(3)); s.bind(('wwva',0)); s.settimeout(0.3)
subprocess.run(['ping','-c1','-W1','192.0.2.2'],capture_output=True)
c=socket.socket(); c.settimeout(1)
try: c.connect(('192.0.2.2',80))
except Exception: pass
u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
u.sendto(bytes.fromhex('abcd01000001000000000000076578616d706c6503636f6d0000010001'),('192.0.2.2',53))
end=time.time()+1.5
while time.time()<end:
  try: d,a=s.recvfrom(4000)
  except Exception: continue
  if d[12:14] in (b'\x08\x00',b'\x08\x06'): print(a[2], d.hex())
"
# Time exceeded / fragmentation needed: the same with a router namespace between 192.0.2.1/25 and
# 192.0.2.129/25 (router 192.0.2.126 / 192.0.2.254, MTU 1000 on its far link, ip_forward=1), then
# "ping -c1 -t1 192.0.2.129" and "ping -c1 -s 1200 -M do 192.0.2.129" from 192.0.2.1.
