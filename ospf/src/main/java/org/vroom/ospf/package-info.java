/**
 * OSPFv2 (RFC 2328), written against the vr-container SPIs only, single-threaded on the VR loop,
 * checkpointable. Not implemented yet.
 */
package org.vroom.ospf;
