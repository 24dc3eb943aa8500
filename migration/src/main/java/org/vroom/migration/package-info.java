/**
 * The VROOM migration sequence between nodes: tunnels, pre-copy rounds, stall-and-copy, remote
 * control plane, data-plane cloning and asynchronous link migration (DESIGN.md section 8).
 * Not implemented yet.
 */
package org.vroom.migration;
