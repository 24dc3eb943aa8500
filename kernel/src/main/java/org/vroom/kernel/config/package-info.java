/**
 * The node file: one YAML file configures one vroom node (one process on one box). This package
 * holds its model, as immutable records, and the loader that reads and checks it.
 *
 * <h2>Split</h2>
 * <ul>
 *   <li>Model: {@link org.vroom.kernel.config.NodeConfig} (with {@link org.vroom.kernel.config.ManagementConfig},
 *       {@link org.vroom.kernel.config.PortConfig}, {@link org.vroom.kernel.config.VrConfig},
 *       {@link org.vroom.kernel.config.InterfaceConfig}, {@link org.vroom.kernel.config.StaticRouteConfig},
 *       {@link org.vroom.kernel.config.RouteAction}). Each record checks its own fields in its
 *       constructor; IPv4 values are {@code int}s in host order ({@code a.b.c.d == a<<24|b<<16|c<<8|d}).</li>
 *   <li>{@link org.vroom.kernel.config.Ipv4}: strict text form of addresses and prefixes.</li>
 *   <li>{@link org.vroom.kernel.config.NodeConfigLoader}: the entry points ({@code load}, {@code parse},
 *       {@code validate}) and the walk over the file. Package-private helpers: {@code SafeYaml}
 *       (text to a SnakeYAML node tree, safely), {@code YamlMap} (typed access to one mapping:
 *       unknown/duplicate keys, kinds, ranges), {@code Draft} (the half-read file, nullable fields plus
 *       paths and lines), {@code NodeConfigValidator} (rules spanning records), {@code Problems}
 *       (collects messages), {@code Text} (names, quoting, "did you mean").</li>
 *   <li>{@link org.vroom.kernel.config.ConfigException}: every problem, one line each.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * None of its own. The loader is stateless and may be called from any thread; the records are
 * immutable and safe to share. This is start-up (and later reconfiguration) code, never a per-packet
 * path: it allocates freely.
 *
 * <h2>Format</h2>
 * A complete, commented example is {@code sample-node.yaml} next to these classes. All sections and
 * keys:
 * <pre>{@code
 * node:                          # optional
 *   name: box1                   # optional, default: the host name; up to 64 name characters
 *   workers: 1                   # optional, 1..64, default 1 (forwarding worker threads)
 *   management:                  # optional
 *     listen: 127.0.0.1:7878     # optional host:port, default 127.0.0.1:7878; host is an IPv4
 *                                # address, a host name, or [IPv6]; port 1..65535
 *     token-file: /etc/vroom/token   # optional absolute path
 * ports:                         # optional list, default empty
 *   - name: p0                   # required, unique
 *     interface: veth0           # a Linux interface (AF_PACKET), at most once per node, or:
 *   - name: m0
 *     memory: m1                 # an in-memory port wired back-to-back to memory port m1
 * vrs:                           # optional list, default empty
 *   - name: red                  # required, unique
 *     id: 1                      # required, 1..16777215 (the id is part of the interface MACs), unique
 *     interfaces:                # optional list
 *       - name: eth0             # required, unique within the VR
 *         port: p0               # required, a defined port
 *         vlan: 100              # optional 1..4094; absent = untagged (vlan() == 0)
 *         address: 10.0.1.1/24   # required: the VR's address and connected subnet, prefix 1..32
 *         mtu: 1500              # optional 68..9000, default 1500
 *     static-routes:             # optional list
 *       - prefix: 0.0.0.0/0      # required, host bits clear, unique within the VR
 *         via: 10.0.1.254        # the next hop, or
 *         action: drop           # drop | reject  (exactly one of via / action)
 *         interface: eth0        # optional, only with via: pin the outgoing interface
 * }</pre>
 * General rules: unknown keys are errors, with a suggestion ({@code adress: unknown key (did you mean
 * "address"?)}); an empty value counts as absent; numbers are plain decimal without leading zeros
 * (quoted or not); values are read as the text written, so YAML 1.1 implicit typing never applies
 * ({@code name: yes} is the name "yes"); port, VR and interface names are 1..32 characters of
 * letters, digits, '_', '.', '-', starting with a letter or digit; a Linux interface name follows
 * the kernel's rules (1..15 bytes, no '/', ':' or white space).
 *
 * <h2>Checks</h2>
 * Besides the syntax, kinds and ranges of each value: unique port names; a Linux interface backs at
 * most one port; memory peers exist, are memory ports, are not the port itself and point back at
 * each other; unique VR names and ids; unique interface names within a VR; an interface's port
 * exists; a (port, VLAN) pair is bound to at most one VR interface in the whole node (the untagged
 * binding and the tagged ones may share a port); an interface address is unicast (not 0/8, 127/8,
 * 224/4 or 255.255.255.255) and not the network or broadcast address of its subnet unless the
 * subnet is a /31 or /32; the interface subnets of one VR do not overlap (different VRs may use the
 * same subnets: they are isolated); a route's next hop is unicast, lies in a connected subnet of its
 * VR (in the pinned interface's subnet if {@code interface} is given, which must exist) and is not
 * the VR's own address nor the subnet's network or broadcast address; route prefixes are unique
 * within a VR.
 *
 * <h2>Errors</h2>
 * Every problem in the file is collected (up to 100, then counted) and thrown as one
 * {@link org.vroom.kernel.config.ConfigException}; each is one line
 * {@code file:line: path: message}, e.g.
 * {@code node.yaml:14: vrs[0].interfaces[1].address: "10.0.1.300/24" is not an IPv4 prefix (a.b.c.d/len): octet 300 is out of range 0..255},
 * sorted by line. A rule that needs a value already reported as broken is skipped, so one mistake
 * does not cascade into follow-on messages.
 *
 * <h2>Safety</h2>
 * The file is composed into SnakeYAML nodes and never constructed into Java objects, so a tag such
 * as {@code !!javax.script.ScriptEngineManager} cannot instantiate anything; such tags are refused
 * anyway, as are aliases (no "billion laughs" expansion, no recursive structures), a second
 * document, nesting deeper than 32, files over 1 MiB and bytes that are not UTF-8.
 *
 * <h2>Departures</h2>
 * Deliberately strict where common tools are lenient: {@code inet_aton} accepts {@code 010.1.1.1}
 * (octal) and {@code 10.1} (short forms); we refuse both. Class E addresses (240/4) are accepted as
 * interface addresses, as Linux accepts them.
 */
package org.vroom.kernel.config;
