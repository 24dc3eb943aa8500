/**
 * The per-VR user-space host stack (DESIGN.md section 5). A VR's addresses live on ports the box's
 * kernel does not own, each VR has its own address space, and a TCP connection must be a piece of VR
 * state that can be checkpointed and restored elsewhere with the same sequence numbers; so the VR's
 * TCP is Java code running on the VR loop over {@link org.vroom.vr.spi.VrContext} (raw IP send and
 * receive, timers, clock, randomness). {@link org.vroom.netstack.tcp} holds TCP; ARP, ICMP echo and
 * raw IP delivery are the kernel's host stack.
 *
 * <p>Threads: everything runs on the loop of the VR that owns the stack; there are no locks.
 */
package org.vroom.netstack;
