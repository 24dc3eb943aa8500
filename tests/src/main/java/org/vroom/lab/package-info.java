/**
 * The lab: network namespaces, veth pairs and processes for integration tests, benchmarks and
 * interop runs against real peers (FRR, BIRD), with the Linux kernel as the baseline router.
 *
 * <ul>
 *   <li>{@link org.vroom.lab.Lab}: owns everything it creates (undo stack, torn down in reverse
 *       order even on failure; a shutdown hook; {@link org.vroom.lab.Lab#cleanStale()} for dead
 *       JVMs). Namespace names embed the owner's pid: {@code vl<pid>x<n>-<host>}.</li>
 *   <li>{@link org.vroom.lab.Host} (one namespace: addresses, routes, sysctls, tc, nft, commands
 *       and background processes), {@link org.vroom.lab.Link} (a veth pair).</li>
 *   <li>{@link org.vroom.lab.BackgroundProcess}: pid, output files, SIGTERM-then-SIGKILL by pid.</li>
 *   <li>{@link org.vroom.lab.Icmp} and {@link org.vroom.lab.Traceroute}: iputils ping and
 *       traceroute/tracepath, parsed.</li>
 *   <li>{@link org.vroom.lab.VroomNode}: a vroom node ({@code vroom run}) in a namespace, on AF_PACKET
 *       ports: writes its YAML file, prepares the router namespace, reads its counters file.</li>
 *   <li>{@link org.vroom.lab.VlanShim}: a user-space 802.1Q access switch (this kernel has neither
 *       8021q nor bridge modules, so hosts cannot have VLAN interfaces).</li>
 *   <li>{@link org.vroom.lab.LabAssumptions}: skip (with the reason) without root or a tool.</li>
 *   <li>Traffic generators and sinks are in {@link org.vroom.lab.traffic}.</li>
 * </ul>
 *
 * <p>Only addresses inside the lab's own namespaces are ever targeted; nothing is configured in
 * the root namespace. Tools come from Debian packages: iproute2 (ip, tc), iputils-ping,
 * traceroute or iputils-tracepath, nftables (for loss/duplication rules). This kernel has no
 * netem; {@code tc} offers htb, tbf, pfifo, ingress, u32 and mirred.
 *
 * <p>Threads: lab methods are synchronized and block on the commands they run (each with a
 * timeout). Nothing here is on a packet path.
 */
package org.vroom.lab;
