#!/usr/bin/env bash
# Creates (up) or removes (down) two host namespaces wired to two router ports in this namespace:
#   vl-h1 (10.0.1.2/24, gw 10.0.1.1) <-> vroom-a    vroom-b <-> vl-h2 (10.0.2.2/24, gw 10.0.2.1)
# The router ports get no kernel address and no IPv6: vroom owns them through AF_PACKET.
set -euo pipefail
case "${1:-}" in
  up)
    for i in 1 2; do
      ns=vl-h$i; port=vroom-$( [ $i = 1 ] && echo a || echo b )
      ip netns add $ns
      ip link add $port type veth peer name eth0 netns $ns
      sysctl -qw net.ipv6.conf.$port.disable_ipv6=1
      ip link set $port up
      ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1
      ip -n $ns addr add 10.0.$i.2/24 dev eth0
      ip -n $ns link set eth0 up
      ip -n $ns link set lo up
      ip -n $ns route add default via 10.0.$i.1
    done
    echo "up: try 'ip netns exec vl-h1 ping 10.0.2.2' while vroom runs" ;;
  down)
    for i in 1 2; do ip netns del vl-h$i 2>/dev/null || true; done
    ip link del vroom-a 2>/dev/null || true
    ip link del vroom-b 2>/dev/null || true ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
